//! `ninefold playbook check` on broken copies names file, line and problem.
use std::process::Command;

fn check(file: &str) -> (bool, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_ninefold")).args(["playbook", "check", file]).output().unwrap();
    (out.status.success(), format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr)))
}

#[test]
fn playbook_check_reports_file_line_and_problem() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/playbooks/");
    let cases = [
        ("unknown_key.toml", ":43:1: unknown key `duration`"),
        ("duplicate_phase.toml", ":41:7: duplicate phase key `kickoff`"),
        ("missing_translation.toml", ":25:8: missing Chinese translation (`zh`)"),
        ("zero_weeks.toml", ":42:9: weeks in phase `kickoff` must be between 1 and 52, found 0"),
        ("syntax_error.toml", ":10:"),
    ];
    for (file, expected) in cases {
        let path = format!("{dir}{file}");
        let (ok, out) = check(&path);
        assert!(!ok, "{file} should fail");
        assert!(out.contains(&format!("{path}{expected}")), "{file}: {out}");
    }
    let (ok, out) = check(&format!("{dir}valid_small.toml"));
    assert!(ok, "{out}");
    let (ok, out) = check(concat!(env!("CARGO_MANIFEST_DIR"), "/playbooks/nine-phase.toml"));
    assert!(ok && out.contains("9 phases"), "{out}");
}
