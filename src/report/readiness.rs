//! The readiness scorecard and go/no-go decision record (phase 7) and the go-live
//! acceptance (phase 8): the readiness view and the acceptance view as their pages show them.
use super::*;
use crate::service::readiness::{Criterion, Scorecard};

fn rd(lang: Lang, key: &str) -> String {
    i18n::t(lang, &format!("pdf.rd.{key}"))
}

fn r(lang: Lang, key: &str) -> String {
    i18n::t(lang, &format!("readiness.{key}"))
}

fn value(c: &Criterion) -> String {
    let pct = if c.unit == "pct" { "%" } else { "" };
    c.value.map_or("–".into(), |v| format!("{v}{pct}"))
}

fn limit(c: &Criterion) -> String {
    let pct = if c.unit == "pct" { "%" } else { "" };
    let op = if c.direction == crate::domain::readiness::Direction::AtLeast { "≥" } else { "≤" };
    format!("{op} {}{pct}", c.threshold)
}

fn rag(lang: Lang, c: &Criterion) -> String {
    let k = serde_json::to_value(c.rag).ok().and_then(|v| v.as_str().map(str::to_string)).unwrap_or_default();
    r(lang, &format!("rag.{k}"))
}

/// The scorecard: the counts by RAG first (a summary that never sits alone on a page after a long
/// table), then each criterion with its number, threshold, RAG and the figures behind it.
pub(super) fn card(card: &Scorecard, lang: Lang) -> Vec<Block> {
    vec![
        Block::Fields(vec![
            (r(lang, "rag.green"), card.green.to_string()),
            (r(lang, "rag.amber"), card.amber.to_string()),
            (r(lang, "rag.red"), card.red.to_string()),
            (r(lang, "rag.not_assessed"), card.not_assessed.to_string()),
        ]),
        Block::Table(Table {
            widths: vec![2.0, 0.9, 0.9, 0.9, 4.0],
            header: vec![r(lang, "criterion"), r(lang, "value"), r(lang, "threshold"), "RAG".into(), r(lang, "detail")],
            rows: card
                .criteria
                .iter()
                .map(|c| {
                    vec![
                        r(lang, &format!("c.{}", c.key)),
                        value(c),
                        limit(c),
                        rag(lang, c),
                        if c.detail.is_empty() { "–".into() } else { c.detail.join("\n") },
                    ]
                })
                .collect(),
            right: vec![1, 2],
        }),
    ]
}

/// The readiness scorecard and the go/no-go record: the latest decision with its frozen
/// scorecard, earlier decisions, today's scorecard and the thresholds.
pub(super) fn blocks(f: &Facts, lang: Lang) -> Vec<Block> {
    let v = &f.acceptance.readiness;
    let mut b = vec![h1(rd(lang, "decision"))];
    match v.decisions.first() {
        None => b.push(Block::Note(rd(lang, "no_decision"))),
        Some(d) => {
            let x = &d.decision;
            b.push(Block::Fields(vec![
                (r(lang, "decision"), r(lang, &format!("d.{}", x.decision))),
                (rd(lang, "decided_by"), x.decided_by_name.clone()),
                (rd(lang, "decided_on"), x.decided_on.to_string()),
                (rd(lang, "conditions"), if x.conditions.is_empty() { rd(lang, "none") } else { x.conditions.clone() }),
            ]));
            if let Some(card_at) = &d.scorecard {
                // The page's lead-in, as a heading: without its closing colon.
                let title = i18n::tf(lang, "readiness.frozen", &[("date", &card_at.computed_on.to_string())]);
                b.push(h2(title.trim_end_matches([':', '：']).to_string()));
                b.extend(card(card_at, lang));
            }
        }
    }
    if v.decisions.len() > 1 {
        b.push(h2(rd(lang, "decisions")));
        b.push(Block::Table(Table {
            widths: vec![1.2, 1.0, 1.6, 0.8, 3.4],
            header: vec![
                rd(lang, "decided_on"),
                r(lang, "decision"),
                rd(lang, "decided_by"),
                "R".into(),
                rd(lang, "conditions"),
            ],
            rows: v
                .decisions
                .iter()
                .map(|d| {
                    let x = &d.decision;
                    vec![
                        x.decided_on.to_string(),
                        r(lang, &format!("d.{}", x.decision)),
                        x.decided_by_name.clone(),
                        x.red_count.to_string(),
                        x.conditions.clone(),
                    ]
                })
                .collect(),
            right: vec![3],
        }));
    }
    b.push(h1(format!("{} · {}", rd(lang, "scorecard"), v.scorecard.computed_on)));
    b.extend(card(&v.scorecard, lang));
    b.push(h2(rd(lang, "thresholds")));
    let t = &v.thresholds;
    let mut fields: Vec<(String, String)> = [
        ("uat_pass_min", t.uat_pass_min),
        ("defects_max", t.defects_max),
        ("training_min", t.training_min),
        ("quality_failing_max", t.quality_failing_max),
        ("rehearsal_tolerance_pct", t.rehearsal_tolerance_pct),
        ("procedures_min", t.procedures_min),
        ("support_min", t.support_min),
    ]
    .iter()
    .map(|(k, n)| (r(lang, &format!("f.{k}")), n.to_string()))
    .collect();
    fields.push((r(lang, "f.support_team"), t.support_names().join(", ")));
    b.push(Block::Fields(fields));
    b
}

/// The go-live acceptance: hypercare's exit criteria, the go decision, adoption per module
/// and today's scorecard.
pub(super) fn acceptance_blocks(f: &Facts, lang: Lang) -> Vec<Block> {
    let a = &f.acceptance;
    let yes_no = |ok: bool| r(lang, if ok { "rag.green" } else { "rag.red" });
    let mut b = vec![
        h1(rd(lang, "verdict")),
        Block::Para(r(lang, if a.ready { "accept_ready" } else { "accept_not_ready" })),
        h2(rd(lang, "exit")),
        Block::Table(Table {
            widths: vec![3.0, 1.0, 1.0, 1.0],
            header: vec![r(lang, "criterion"), r(lang, "value"), r(lang, "threshold"), "RAG".into()],
            rows: vec![
                vec![
                    r(lang, "exit_sev1"),
                    a.exit.days_without_sev1.to_string(),
                    format!("≥ {}", a.exit.sev1_days_required),
                    yes_no(a.exit.days_without_sev1 >= a.exit.sev1_days_required),
                ],
                vec![
                    r(lang, "exit_volume"),
                    a.exit.opened_last_7_days.to_string(),
                    format!("≤ {}", a.exit.weekly_volume_max),
                    yes_no(a.exit.opened_last_7_days <= a.exit.weekly_volume_max),
                ],
                vec![
                    r(lang, "exit_adoption"),
                    a.low_modules.len().to_string(),
                    "≤ 0".into(),
                    yes_no(a.low_modules.is_empty()),
                ],
            ],
            right: vec![1, 2],
        }),
        Block::Fields(vec![
            (i18n::t(lang, "golive.hc_open"), a.exit.open_now.to_string()),
            (i18n::t(lang, "golive.response_breaches"), a.response_breaches.to_string()),
            (i18n::t(lang, "golive.resolution_breaches"), a.resolution_breaches.to_string()),
        ]),
        h2(r(lang, "go_decision")),
    ];
    match &a.go {
        None => b.push(Block::Note(r(lang, "no_go_yet"))),
        Some(d) => {
            let x = &d.decision;
            b.push(Block::Fields(vec![
                (r(lang, "decision"), r(lang, &format!("d.{}", x.decision))),
                (rd(lang, "decided_by"), x.decided_by_name.clone()),
                (rd(lang, "decided_on"), x.decided_on.to_string()),
                (rd(lang, "conditions"), if x.conditions.is_empty() { rd(lang, "none") } else { x.conditions.clone() }),
            ]));
        }
    }
    if !f.adoption.modules.is_empty() {
        b.push(h2(rd(lang, "adoption")));
        b.push(Block::Table(Table {
            widths: vec![2.4, 1.2, 1.0, 1.0, 0.8],
            header: vec![r(lang, "curve"), r(lang, "as_of"), r(lang, "active"), r(lang, "planned"), "%".into()],
            rows: f
                .adoption
                .modules
                .iter()
                .map(|c| {
                    let p = c.latest.as_ref();
                    vec![
                        c.label.clone(),
                        p.map_or("–".into(), |p| p.date.to_string()),
                        p.map_or("–".into(), |p| p.active.to_string()),
                        p.map_or("–".into(), |p| p.planned.to_string()),
                        p.and_then(|p| p.pct).map_or("–".into(), |x| x.to_string()),
                    ]
                })
                .collect(),
            right: vec![2, 3, 4],
        }));
        for c in &f.adoption.modules {
            b.push(Block::Chart(Box::new(c.chart.clone())));
        }
    }
    b.push(h1(r(lang, "scorecard_now")));
    b.extend(card(&a.readiness.scorecard, lang));
    b
}
