//! The prototype test report (phase 5): each prototype cycle's exit criteria with the
//! numbers, its cases with their status, and its defects, from the cycle views the cycle
//! pages show. `cycles_blocks` also lays out the pilot results.
use super::*;
use crate::service::testing::CycleView;

fn tx(lang: Lang, key: &str) -> String {
    i18n::t(lang, &format!("testing.{key}"))
}

pub(super) fn blocks(f: &Facts, lang: Lang) -> Vec<Block> {
    let mine: Vec<&CycleView> = f.cycles.iter().filter(|c| c.exit.phase_key == "prototype").collect();
    cycles_blocks(&mine, lang, &f.testing.charts)
}

/// One section per cycle: exit criteria, cases, defects.
pub(super) fn cycles_blocks(cycles: &[&CycleView], lang: Lang, charts: &service::testing::Charts) -> Vec<Block> {
    // A document opens with its heading (the layout starts its first page there).
    let mut b = vec![h1(tx(lang, "cycles")), Block::Para(tx(lang, "intro"))];
    if cycles.is_empty() {
        b.push(Block::Note(tx(lang, "no_cycles")));
    } else {
        // The project's open defects over time and its coverage matrix, as on the Testing tab.
        b.push(Block::Chart(Box::new(charts.open_defects.clone())));
        b.push(Block::Chart(Box::new(charts.coverage.clone())));
    }
    for v in cycles {
        let x = &v.exit;
        let e = &x.exit;
        let rate = format!("{}.{}", e.pass_rate_tenths / 10, e.pass_rate_tenths % 10);
        let pass = i18n::tf(
            lang,
            "testing.crit_pass_rate",
            &[
                ("rate", &rate),
                ("min", &e.pass_rate_min.to_string()),
                ("passed", &e.passed.to_string()),
                ("cases", &e.cases.to_string()),
            ],
        );
        let defects = i18n::tf(
            lang,
            "testing.crit_defects",
            &[("critical", &e.open_critical.to_string()), ("major", &e.open_major.to_string())],
        );
        let coverage = i18n::tf(
            lang,
            "testing.crit_coverage",
            &[("covered", &e.processes_covered.to_string()), ("processes", &e.processes.to_string())],
        );
        let mark = |ok: bool| if ok { "✓" } else { "×" };
        let verdict = if e.met {
            tx(lang, "exit_met")
        } else if x.waived {
            format!("{}: {}", tx(lang, "exit_waived"), x.cycle.waiver_reason)
        } else {
            tx(lang, "exit_not_met")
        };
        b.push(h1(format!("{} ({})", x.cycle.name, tx(lang, &format!("kind.{}", x.cycle.kind)))));
        b.push(Block::Fields(vec![
            (tx(lang, "planned"), format!("{} – {}", date(x.cycle.planned_start), date(x.cycle.planned_finish))),
            (tx(lang, "testers"), x.cycle.testers.clone()),
            (
                tx(lang, "scope"),
                if v.scope_names.is_empty() { tx(lang, "scope_all") } else { v.scope_names.join(", ") },
            ),
            (tx(lang, "exit"), verdict),
        ]));
        let mut crit = vec![
            format!("{} {pass}", mark(e.pass_rate_met)),
            format!("{} {defects}", mark(e.defects_met)),
            format!("{} {coverage}", mark(e.coverage_met)),
        ];
        if !x.uncovered_names.is_empty() {
            crit.push(format!("{}: {}", tx(lang, "uncovered"), x.uncovered_names.join(", ")));
        }
        b.push(Block::Bullets(crit));
        b.push(Block::Chart(Box::new(v.burnup.clone())));
        b.push(h2(tx(lang, "cases")));
        b.push(Block::Table(Table {
            widths: vec![0.9, 3.0, 1.8, 1.0, 1.0, 2.2],
            header: vec![
                tx(lang, "code"),
                tx(lang, "title"),
                tx(lang, "process"),
                i18n::t(lang, "field.status"),
                tx(lang, "run_on"),
                tx(lang, "actual_result"),
            ],
            rows: v
                .cases
                .iter()
                .map(|c| {
                    let last = c.runs.first();
                    vec![
                        c.case.code.clone(),
                        c.case.title.clone(),
                        c.process.clone().unwrap_or_else(|| "–".into()),
                        tx(lang, &format!("status.{}", c.status.as_str())),
                        last.map_or("–".into(), |r| r.run_on.to_string()),
                        last.map_or(String::new(), |r| r.actual_result.clone()),
                    ]
                })
                .collect(),
            right: vec![],
        }));
        b.push(h2(tx(lang, "defects")));
        if v.defects.is_empty() {
            b.push(Block::Note(tx(lang, "no_defects")));
        } else {
            b.push(Block::Table(Table {
                widths: vec![0.5, 3.0, 1.4, 1.0, 0.9, 1.2, 1.1],
                header: vec![
                    "#".into(),
                    tx(lang, "title"),
                    tx(lang, "case"),
                    tx(lang, "severity"),
                    tx(lang, "priority"),
                    i18n::t(lang, "field.owner"),
                    i18n::t(lang, "field.status"),
                ],
                rows: v
                    .defects
                    .iter()
                    .map(|d| {
                        vec![
                            d.defect.id.to_string(),
                            d.defect.title.clone(),
                            d.case_code.clone(),
                            tx(lang, &format!("sev.{}", d.defect.severity)),
                            tx(lang, &format!("prio.{}", d.defect.priority)),
                            d.defect.owner.clone(),
                            tx(lang, &format!("dstatus.{}", d.defect.status)),
                        ]
                    })
                    .collect(),
                right: vec![],
            }));
        }
    }
    b
}
