//! Testing (phases 5–6): a case's status in a cycle from its run history, the defect
//! workflow, and a cycle's exit criteria — pass rate ≥ N % of the cases in scope, no open
//! critical or major defect, every in-scope process covered (at least one of its cases
//! passed in the cycle). Pure functions; the service feeds them rows.
use serde::Serialize;

/// The kinds of test cycle; the first is phase 5's, the others phase 6's.
pub const KINDS: &[&str] = &["prototype", "pilot", "uat", "regression"];
/// What a tester can record for a run (`retest` is written by the defect workflow).
pub const RUN_RESULTS: &[&str] = &["passed", "failed", "blocked"];
pub const SEVERITIES: &[&str] = &["critical", "major", "minor", "cosmetic"];
pub const PRIORITIES: &[&str] = &["high", "medium", "low"];
pub const DEFECT_STATUSES: &[&str] = &["new", "open", "fixed", "retest", "closed", "rejected"];

/// The phase (playbook key) whose gate a cycle of `kind` belongs to: the prototype test to
/// phase 5, the conference-room pilot, UAT and regression to phase 6.
pub fn phase_of(kind: &str) -> &'static str {
    if kind == "prototype" { "prototype" } else { "pilot" }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum CaseStatus {
    NotRun,
    Passed,
    Failed,
    Blocked,
    /// A fixed defect sent the case back; it counts as not passed until run again.
    Retest,
}

impl CaseStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            CaseStatus::NotRun => "not_run",
            CaseStatus::Passed => "passed",
            CaseStatus::Failed => "failed",
            CaseStatus::Blocked => "blocked",
            CaseStatus::Retest => "retest",
        }
    }
    pub fn parse(s: &str) -> CaseStatus {
        match s {
            "passed" => CaseStatus::Passed,
            "failed" => CaseStatus::Failed,
            "blocked" => CaseStatus::Blocked,
            "retest" => CaseStatus::Retest,
            _ => CaseStatus::NotRun,
        }
    }
}

/// A case's status in a cycle: its latest run's (runs in the order recorded), not run when none.
pub fn case_status<'a>(runs_in_order: impl IntoIterator<Item = &'a str>) -> CaseStatus {
    runs_in_order.into_iter().last().map_or(CaseStatus::NotRun, CaseStatus::parse)
}

/// A defect still counts against the exit criteria until it is closed or rejected.
pub fn defect_open(status: &str) -> bool {
    !matches!(status, "closed" | "rejected")
}

/// The defect workflow: new → open → fixed → retest → closed; a failed retest goes back to
/// open; any defect not yet closed may be rejected (with a reason); a rejected one may be
/// reopened.
pub fn transition_ok(from: &str, to: &str) -> bool {
    matches!(
        (from, to),
        ("new", "open")
            | ("open", "fixed")
            | ("fixed", "retest")
            | ("retest", "closed")
            | ("retest", "open")
            | ("fixed", "open")
            | ("rejected", "open")
            | ("new" | "open" | "fixed" | "retest", "rejected")
    ) || from == to
}

/// One case in scope of a cycle, as the exit criteria see it.
#[derive(Clone, Debug)]
pub struct CaseFact {
    /// The process (blueprint) the case tests; `None` for a case tied to no process.
    pub process: Option<i32>,
    pub status: CaseStatus,
}

/// One defect of the cycle.
#[derive(Clone, Debug)]
pub struct DefectFact<'a> {
    pub severity: &'a str,
    pub status: &'a str,
}

/// A cycle's exit criteria, evaluated. Pass rate is over every case in scope (a case not
/// run is not passed), shown in tenths of a percent, compared exactly in integers.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[schema(as = TestExit)]
pub struct Exit {
    pub cases: usize,
    pub executed: usize,
    pub passed: usize,
    pub failed: usize,
    pub blocked: usize,
    pub retest: usize,
    pub not_run: usize,
    /// Passed / cases, in tenths of a percent (rounded down); 0 when there are no cases.
    pub pass_rate_tenths: u32,
    pub pass_rate_min: u32,
    pub pass_rate_met: bool,
    pub open_critical: usize,
    pub open_major: usize,
    pub defects_met: bool,
    pub processes: usize,
    pub processes_covered: usize,
    /// Processes in scope with no passed case.
    pub uncovered: Vec<i32>,
    pub coverage_met: bool,
    /// All three criteria met.
    pub met: bool,
}

/// Evaluate a cycle's exit criteria. `processes` are the processes in scope; a cycle with
/// no case never meets its pass rate.
pub fn evaluate(cases: &[CaseFact], defects: &[DefectFact], processes: &[i32], pass_rate_min: u32) -> Exit {
    let n = |s: CaseStatus| cases.iter().filter(|c| c.status == s).count();
    let (passed, failed, blocked, retest, not_run) = (
        n(CaseStatus::Passed),
        n(CaseStatus::Failed),
        n(CaseStatus::Blocked),
        n(CaseStatus::Retest),
        n(CaseStatus::NotRun),
    );
    let total = cases.len();
    let pass_rate_tenths = if total == 0 { 0 } else { (passed as u64 * 1000 / total as u64) as u32 };
    // passed / total ≥ min / 100, exactly.
    let pass_rate_met = total > 0 && (passed as u64) * 100 >= u64::from(pass_rate_min) * total as u64;
    let open = |sev: &str| defects.iter().filter(|d| d.severity == sev && defect_open(d.status)).count();
    let (open_critical, open_major) = (open("critical"), open("major"));
    let mut procs: Vec<i32> = processes.to_vec();
    procs.sort_unstable();
    procs.dedup();
    let uncovered: Vec<i32> = procs
        .iter()
        .copied()
        .filter(|p| !cases.iter().any(|c| c.process == Some(*p) && c.status == CaseStatus::Passed))
        .collect();
    let defects_met = open_critical == 0 && open_major == 0;
    let coverage_met = uncovered.is_empty();
    Exit {
        cases: total,
        executed: total - not_run,
        passed,
        failed,
        blocked,
        retest,
        not_run,
        pass_rate_tenths,
        pass_rate_min,
        pass_rate_met,
        open_critical,
        open_major,
        defects_met,
        processes: procs.len(),
        processes_covered: procs.len() - uncovered.len(),
        uncovered,
        coverage_met,
        met: pass_rate_met && defects_met && coverage_met,
    }
}

/// Whether a cycle lets its phase's gate pass: its exit criteria are met, or the steering
/// committee waived them.
pub fn gate_ok(exit: &Exit, waived: bool) -> bool {
    exit.met || waived
}

/// One run as the burn-up sees it, in the order recorded.
#[derive(Clone, Copy, Debug)]
pub struct RunFact<'a> {
    pub case: i32,
    pub on: chrono::NaiveDate,
    pub status: &'a str,
}

/// The burn-up of a cycle on one day: cases planned to be run by then (a straight line from
/// none on the planned start to every case on the planned finish; `None` without both
/// dates), cases executed (run at least once, a retest mark not counting) and cases whose
/// latest result by then is passed — both `None` after today, which has not happened yet.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct BurnPoint {
    pub on: chrono::NaiveDate,
    pub planned: Option<u32>,
    pub executed: Option<u32>,
    pub passed: Option<u32>,
}

/// The burn-up on every day something happened (a run, the planned start and finish) and
/// on `today` when it falls inside that span, so the actual lines reach today and stop.
pub fn burnup(
    cases: usize,
    start: Option<chrono::NaiveDate>,
    finish: Option<chrono::NaiveDate>,
    runs: &[RunFact],
    today: chrono::NaiveDate,
) -> Vec<BurnPoint> {
    let total = u32::try_from(cases).unwrap_or(u32::MAX);
    let mut days: Vec<chrono::NaiveDate> = runs.iter().map(|r| r.on).chain(start).chain(finish).collect();
    days.sort_unstable();
    days.dedup();
    if days.first().is_some_and(|d| *d < today) && days.last().is_some_and(|d| *d > today) {
        days.push(today);
        days.sort_unstable();
    }
    let planned = |d: chrono::NaiveDate| -> Option<u32> {
        let (s, f) = (start?, finish?);
        if d <= s {
            return Some(if f <= s { total } else { 0 });
        }
        if d >= f {
            return Some(total);
        }
        let (done, span) = ((d - s).num_days(), (f - s).num_days());
        u32::try_from(i64::from(total) * done / span).ok()
    };
    // Runs by day, keeping the order recorded within a day.
    let mut ordered: Vec<&RunFact> = runs.iter().collect();
    ordered.sort_by_key(|r| r.on);
    let mut latest: std::collections::HashMap<i32, &str> = std::collections::HashMap::new();
    let mut executed: std::collections::HashSet<i32> = std::collections::HashSet::new();
    let mut next = 0;
    let mut out = Vec::with_capacity(days.len());
    for d in days {
        while next < ordered.len() && ordered[next].on <= d {
            let r = ordered[next];
            if r.status != "retest" {
                executed.insert(r.case);
            }
            latest.insert(r.case, r.status);
            next += 1;
        }
        let passed = latest.values().filter(|s| **s == "passed").count();
        let happened = d <= today;
        out.push(BurnPoint {
            on: d,
            planned: planned(d),
            executed: happened.then(|| u32::try_from(executed.len()).unwrap_or(u32::MAX)),
            passed: happened.then(|| u32::try_from(passed).unwrap_or(u32::MAX)),
        });
    }
    out
}

/// A defect's life as the open-defects chart sees it.
#[derive(Clone, Copy, Debug)]
pub struct DefectSpan<'a> {
    pub severity: &'a str,
    pub raised: chrono::NaiveDate,
    /// Closed or rejected on; `None` while open.
    pub closed: Option<chrono::NaiveDate>,
}

/// Open defects by severity (in [`SEVERITIES`] order) on every day one was raised or
/// closed, and on `today`. A defect is open from the day it is raised until the day it is
/// closed (not counted on that day).
pub fn open_over_time(defects: &[DefectSpan], today: chrono::NaiveDate) -> Vec<(chrono::NaiveDate, [u32; 4])> {
    let mut days: Vec<chrono::NaiveDate> =
        defects.iter().flat_map(|d| [Some(d.raised), d.closed]).flatten().filter(|d| *d <= today).collect();
    if !defects.is_empty() {
        days.push(today);
    }
    days.sort_unstable();
    days.dedup();
    days.into_iter()
        .map(|day| {
            let mut n = [0u32; 4];
            for d in defects.iter().filter(|d| d.raised <= day && d.closed.is_none_or(|c| c > day)) {
                if let Some(i) = SEVERITIES.iter().position(|s| *s == d.severity) {
                    n[i] = n[i].saturating_add(1);
                }
            }
            (day, n)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(process: Option<i32>, status: CaseStatus) -> CaseFact {
        CaseFact { process, status }
    }

    #[test]
    fn latest_run_wins_and_no_run_is_not_run() {
        assert_eq!(case_status([]), CaseStatus::NotRun);
        assert_eq!(case_status(["failed", "retest"]), CaseStatus::Retest);
        assert_eq!(case_status(["failed", "retest", "passed"]), CaseStatus::Passed);
    }

    #[test]
    fn exit_criteria_by_hand() {
        use CaseStatus::*;
        // 20 cases over processes 1 and 2: 19 passed (all of process 1 and 9 of 10 of process 2), 1 failed.
        let mut cases: Vec<CaseFact> = (0..10).map(|_| c(Some(1), Passed)).collect();
        cases.extend((0..9).map(|_| c(Some(2), Passed)));
        cases.push(c(Some(2), Failed));
        // 19/20 = 95.0 % → meets 95, misses 96.
        let e = evaluate(&cases, &[], &[1, 2], 95);
        assert_eq!((e.passed, e.failed, e.executed, e.pass_rate_tenths), (19, 1, 20, 950));
        assert!(e.pass_rate_met && e.defects_met && e.coverage_met && e.met);
        assert!(!evaluate(&cases, &[], &[1, 2], 96).pass_rate_met);
        // An open major defect blocks; closed and rejected ones do not; minor ones never.
        let d = [
            DefectFact { severity: "major", status: "retest" },
            DefectFact { severity: "critical", status: "closed" },
            DefectFact { severity: "critical", status: "rejected" },
            DefectFact { severity: "minor", status: "open" },
        ];
        let e = evaluate(&cases, &d, &[1, 2], 95);
        assert_eq!((e.open_critical, e.open_major), (0, 1));
        assert!(!e.defects_met && !e.met);
        // A process with no passed case is not covered: process 3 has one case, not run.
        cases.push(c(Some(3), NotRun));
        let e = evaluate(&cases, &[], &[1, 2, 3], 90);
        assert_eq!((e.processes, e.processes_covered, e.uncovered.clone()), (3, 2, vec![3]));
        // 19/21 = 90.47 % → 904 tenths, meets 90.
        assert_eq!(e.pass_rate_tenths, 904);
        assert!(e.pass_rate_met && !e.coverage_met && !e.met);
        assert!(gate_ok(&e, true) && !gate_ok(&e, false));
    }

    #[test]
    fn an_empty_cycle_never_passes() {
        let e = evaluate(&[], &[], &[], 0);
        assert_eq!(e.pass_rate_tenths, 0);
        assert!(!e.pass_rate_met && !e.met);
    }

    #[test]
    fn defect_workflow() {
        for (a, b) in
            [("new", "open"), ("open", "fixed"), ("fixed", "retest"), ("retest", "closed"), ("retest", "open")]
        {
            assert!(transition_ok(a, b), "{a} → {b}");
        }
        assert!(transition_ok("new", "rejected") && transition_ok("rejected", "open"));
        assert!(
            !transition_ok("new", "closed") && !transition_ok("closed", "open") && !transition_ok("open", "retest")
        );
        assert_eq!(phase_of("prototype"), "prototype");
        assert_eq!(phase_of("uat"), "pilot");
    }

    #[test]
    fn burnup_by_hand() {
        let d = |s: &str| s.parse::<chrono::NaiveDate>().unwrap();
        // 10 cases planned 1–11 May. Case 1 fails on the 2nd, is sent back (retest) on the
        // 4th and passes on the 5th; case 2 passes on the 2nd; case 3 is blocked on the 5th.
        let runs = [
            RunFact { case: 1, on: d("2026-05-02"), status: "failed" },
            RunFact { case: 2, on: d("2026-05-02"), status: "passed" },
            RunFact { case: 1, on: d("2026-05-04"), status: "retest" },
            RunFact { case: 1, on: d("2026-05-05"), status: "passed" },
            RunFact { case: 3, on: d("2026-05-05"), status: "blocked" },
        ];
        let b = burnup(10, Some(d("2026-05-01")), Some(d("2026-05-11")), &runs, d("2026-05-20"));
        let days: Vec<_> = b.iter().map(|p| (p.on.to_string(), p.planned, p.executed, p.passed)).collect();
        assert_eq!(
            days,
            [
                ("2026-05-01".to_string(), Some(0), Some(0), Some(0)),
                ("2026-05-02".to_string(), Some(1), Some(2), Some(1)),
                ("2026-05-04".to_string(), Some(3), Some(2), Some(1)),
                ("2026-05-05".to_string(), Some(4), Some(3), Some(2)),
                ("2026-05-11".to_string(), Some(10), Some(3), Some(2)),
            ]
        );
        assert!(burnup(5, None, None, &runs, d("2026-05-20")).iter().all(|p| p.planned.is_none()));
        // Seen on the 7th: the actual lines run to the 7th and stop; the plan goes on.
        let b = burnup(10, Some(d("2026-05-01")), Some(d("2026-05-11")), &runs, d("2026-05-07"));
        let days: Vec<_> = b.iter().map(|p| (p.on.to_string(), p.planned, p.executed, p.passed)).collect();
        assert_eq!(
            &days[3..],
            [
                ("2026-05-05".to_string(), Some(4), Some(3), Some(2)),
                ("2026-05-07".to_string(), Some(6), Some(3), Some(2)),
                ("2026-05-11".to_string(), Some(10), None, None),
            ]
        );
    }

    #[test]
    fn open_defects_by_hand() {
        let d = |s: &str| s.parse::<chrono::NaiveDate>().unwrap();
        let ds = [
            DefectSpan { severity: "critical", raised: d("2026-05-02"), closed: Some(d("2026-05-06")) },
            DefectSpan { severity: "minor", raised: d("2026-05-03"), closed: None },
            DefectSpan { severity: "minor", raised: d("2026-05-06"), closed: None },
        ];
        let o = open_over_time(&ds, d("2026-05-10"));
        assert_eq!(
            o,
            [
                (d("2026-05-02"), [1, 0, 0, 0]),
                (d("2026-05-03"), [1, 0, 1, 0]),
                (d("2026-05-06"), [0, 0, 2, 0]),
                (d("2026-05-10"), [0, 0, 2, 0]),
            ]
        );
        assert!(open_over_time(&[], d("2026-05-10")).is_empty());
    }
}
