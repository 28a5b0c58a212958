//! The issue and change log: issues (escalations first in the review pack) and change
//! requests with their impact and the steering committee's decision, from the log the
//! Issues and changes tab shows.
use super::*;

fn rx(lang: Lang, key: &str) -> String {
    i18n::t(lang, &format!("raid.{key}"))
}

pub(super) fn blocks(f: &Facts, lang: Lang) -> Vec<Block> {
    let l = &f.raid;
    let mut b = vec![
        h1(rx(lang, "issue_log")),
        Block::Fields(vec![
            (rx(lang, "open_issues"), l.open_issues.to_string()),
            (t(lang, "raid.escalated"), l.escalated.to_string()),
            (rx(lang, "pending_changes"), l.pending_changes.to_string()),
        ]),
    ];
    if l.issues.is_empty() {
        b.push(Block::Note(rx(lang, "no_issues")));
    } else {
        b.push(Block::Table(Table {
            widths: vec![0.4, 3.0, 0.9, 1.3, 1.0, 1.0, 0.9, 2.2],
            header: vec![
                "#".into(),
                rx(lang, "title"),
                rx(lang, "severity"),
                i18n::t(lang, "field.owner"),
                rx(lang, "raised_on"),
                rx(lang, "due_on"),
                i18n::t(lang, "field.status"),
                rx(lang, "resolution"),
            ],
            rows: l
                .issues
                .iter()
                .map(|r| {
                    let i = &r.issue;
                    let title =
                        if i.escalated { format!("{} ({})", i.title, rx(lang, "escalated")) } else { i.title.clone() };
                    vec![
                        i.id.to_string(),
                        title,
                        rx(lang, &format!("sev.{}", i.severity)),
                        i.owner.clone(),
                        i.raised_on.to_string(),
                        date(i.due_on),
                        rx(lang, &format!("istatus.{}", i.status)),
                        i.resolution.clone(),
                    ]
                })
                .collect(),
            right: vec![],
        }));
    }
    b.push(h1(rx(lang, "changes")));
    b.push(Block::Para(i18n::tf(
        lang,
        "raid.approved_impact",
        &[("days", &l.approved_days.to_string()), ("cost", &l.approved_cost)],
    )));
    if l.changes.is_empty() {
        b.push(Block::Note(rx(lang, "no_changes")));
    }
    for r in &l.changes {
        let c = &r.change;
        b.push(h2(format!("CR-{} {} — {}", c.id, c.title, rx(lang, &format!("cr.{}", c.status)))));
        let mut fields = vec![
            (rx(lang, "what_changes"), c.description.clone()),
            (rx(lang, "why"), c.reason.clone()),
            (rx(lang, "scope_impact"), c.scope_impact.clone()),
            (rx(lang, "schedule_days"), c.schedule_days.to_string()),
            (rx(lang, "cost"), r.cost.clone()),
            (rx(lang, "benefits"), c.benefits.clone()),
            (rx(lang, "options"), c.options.clone()),
        ];
        if c.decided_on.is_some() {
            fields.push((
                rx(lang, "decision"),
                format!(
                    "{} · {} · {}: {}",
                    rx(lang, &format!("cr.{}", c.status)),
                    date(c.decided_on),
                    r.decided_by_name.clone().unwrap_or_default(),
                    c.rationale
                ),
            ));
        }
        if let Some(n) = &r.baseline_name {
            fields.push((rx(lang, "baseline"), n.clone()));
        }
        if let Some(rev) = c.business_case_revision {
            fields
                .push((rx(lang, "case_revision"), i18n::tf(lang, "raid.case_revision_n", &[("n", &rev.to_string())])));
        }
        b.push(Block::Fields(fields));
    }
    b
}
