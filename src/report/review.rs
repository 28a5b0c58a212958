//! The steering committee review pack.
use super::*;

pub(super) fn blocks(f: &Facts, lang: Lang) -> Vec<Block> {
    let pack = &f.pack;
    let active = f.phases.iter().find(|p| p.status == "active");
    let count = |rag: &str| f.targets.iter().filter(|v| v.rag.as_str() == rag).count();
    let mut b = vec![
        h1(t(lang, "review.summary")),
        Block::Fields(vec![
            (t(lang, "review.as_of"), pack.as_of.to_string()),
            (
                t(lang, "review.current"),
                active.map_or("–".into(), |p| format!("{}. {}", p.seq, name(lang, &p.name_en, &p.name_zh))),
            ),
            (
                t(lang, "review.targets_rag"),
                format!(
                    "{} {} · {} {} · {} {}",
                    count("green"),
                    i18n::t(lang, "trag.green"),
                    count("amber"),
                    i18n::t(lang, "trag.amber"),
                    count("red"),
                    i18n::t(lang, "trag.red")
                ),
            ),
            (t(lang, "review.open_actions"), pack.actions.len().to_string()),
        ]),
        h2(t(lang, "plan.gantt")),
        Block::Chart(Box::new(super::plan::gantt(f, lang, true))),
    ];
    b.extend(super::targets::blocks(f, lang, false));
    b.push(h1(t(lang, "review.phases")));
    if pack.phases.is_empty() {
        b.push(Block::Note(t(lang, "none")));
    } else {
        b.push(Block::Table(Table {
            widths: vec![0.6, 2.6, 1.3, 1.1, 0.9, 2.6],
            header: ["seq", "phase", "finish", "status", "days_late", "gate_open"]
                .map(|k| t(lang, &format!("col.{k}")))
                .to_vec(),
            rows: pack
                .phases
                .iter()
                .map(|p| {
                    vec![
                        p.seq.to_string(),
                        name(lang, &p.name_en, &p.name_zh),
                        p.planned_finish.to_string(),
                        i18n::t(lang, &format!("phase.{}", p.status)),
                        p.days_late.to_string(),
                        p.gate_open.join("; "),
                    ]
                })
                .collect(),
            right: vec![0, 4],
        }));
    }
    b.push(h2(t(lang, "review.deliverables")));
    b.push(Block::Table(deliverables_table(f, lang, None)));
    b.push(h1(t(lang, "review.gates")));
    if f.decisions.is_empty() {
        b.push(Block::Note(t(lang, "none")));
    } else {
        b.push(Block::Table(decisions_table(f, lang)));
    }
    b.extend(risk_blocks(f, lang));
    b.push(h1(t(lang, "review.decisions")));
    for r in &f.reviews {
        b.push(h2(format!("{} · {}", r.held_on, r.title)));
        if !r.attendees.trim().is_empty() {
            b.push(Block::Fields(vec![(t(lang, "review.attendees"), r.attendees.clone())]));
        }
        if !r.decisions.trim().is_empty() {
            b.push(Block::Para(r.decisions.clone()));
        }
    }
    b.push(h2(t(lang, "review.actions")));
    if pack.actions.is_empty() {
        b.push(Block::Note(t(lang, "none")));
    } else {
        b.push(Block::Table(Table {
            widths: vec![3.6, 1.6, 1.2, 0.9],
            header: ["action", "owner", "due", "overdue"].map(|k| t(lang, &format!("col.{k}"))).to_vec(),
            rows: pack
                .actions
                .iter()
                .map(|a| {
                    vec![
                        a.text.clone(),
                        a.owner.clone(),
                        date(a.due_date),
                        if a.overdue { t(lang, "yes") } else { String::new() },
                    ]
                })
                .collect(),
            right: vec![],
        }));
    }
    b
}

/// The register's counts by status, the top risks and the heat map, from the risk register
/// view the Risks page shows (the review deck freezes the same top risks).
fn risk_blocks(f: &Facts, lang: Lang) -> Vec<Block> {
    let r = &f.risks;
    let mut b = vec![h1(t(lang, "review.risks"))];
    if r.counts.total == 0 {
        b.push(Block::Note(t(lang, "review.no_risks")));
        return b;
    }
    let c = &r.counts;
    let status = |k: &str, n: usize| format!("{} {n}", i18n::t(lang, &format!("risk.status.{k}")));
    b.push(Block::Fields(vec![
        (t(lang, "review.risk_total"), c.total.to_string()),
        (
            t(lang, "review.risk_counts"),
            [
                status("candidate", c.candidate),
                status("open", c.open),
                status("mitigated", c.mitigated),
                status("closed", c.closed),
                status("dismissed", c.dismissed),
            ]
            .join(" · "),
        ),
    ]));
    b.push(h2(i18n::t(lang, "risk.top")));
    if r.top.is_empty() {
        b.push(Block::Note(i18n::t(lang, "risk.no_top")));
    } else {
        b.push(Block::Table(Table {
            widths: vec![3.0, 0.9, 0.7, 1.6, 3.0],
            header: vec![
                i18n::t(lang, "risk.title"),
                format!("{} × {}", i18n::t(lang, "risk.p"), i18n::t(lang, "risk.i")),
                i18n::t(lang, "risk.score"),
                i18n::t(lang, "field.owner"),
                i18n::t(lang, "risk.mitigation"),
            ],
            rows: r
                .top
                .iter()
                .map(|k| {
                    vec![
                        name(lang, &k.title_en, &k.title_zh),
                        format!("{} × {}", k.probability, k.impact),
                        k.score.to_string(),
                        k.owner.clone(),
                        k.mitigation.clone(),
                    ]
                })
                .collect(),
            right: vec![2],
        }));
    }
    b.push(h2(i18n::t(lang, "risk.heat_map")));
    b.push(Block::Chart(Box::new(r.heat_map.clone())));
    b
}
