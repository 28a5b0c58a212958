//! The steering committee review pack.
use super::*;

pub(super) fn blocks(f: &Facts, lang: Lang) -> Vec<Block> {
    if let Some(d) = &f.review {
        return frozen(f, d, lang);
    }
    let pack = &f.pack;
    let active = f.phases.iter().find(|p| p.status == "active");
    let count = |rag: &str| f.targets.iter().filter(|v| v.rag.as_str() == rag).count();
    let mut b = vec![
        h1(t(lang, "review.summary")),
        Block::Fields(
            vec![
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
            ]
            .into_iter()
            // The case's headline figures (in 万 for a Chinese reader), as its summary prints them.
            .chain(f.business_case.iter().flat_map(|v| {
                let h = v.headline(lang);
                [(t(lang, "bc.npv"), h.npv), (t(lang, "bc.tco"), h.tco_nominal)]
            }))
            .collect(),
        ),
        h2(t(lang, "plan.gantt")),
        Block::Chart(Box::new(super::plan::gantt(f, lang, true))),
    ];
    b.extend(super::targets::blocks(f, lang, false));
    b.push(h1(t(lang, "review.phases")));
    b.push(phases_table(pack, lang));
    b.push(h2(t(lang, "review.deliverables")));
    b.push(Block::Table(deliverables_table(f, lang, None)));
    b.extend(budget_blocks(pack, lang));
    b.push(h1(t(lang, "review.gates")));
    if f.decisions.is_empty() {
        b.push(Block::Note(t(lang, "none")));
    } else {
        b.push(Block::Table(decisions_table(f, lang)));
    }
    // The business case in brief: the case page's figures, as the business-case document prints them.
    b.push(h1(t(lang, "bc.summary")));
    match &f.business_case {
        Some(v) => b.push(super::business_case::summary(v, lang)),
        None => b.push(Block::Note(t(lang, "bc.none"))),
    }
    b.extend(risk_blocks(f, lang));
    b.extend(raid_blocks(&pack.raid, lang));
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

/// The pack of a held review exactly as it was frozen on the day (`--review`): its targets,
/// phases, risks and actions, then what the review decided; nothing live.
fn frozen(f: &Facts, d: &service::reviews::Deck, lang: Lang) -> Vec<Block> {
    let pack = &f.pack;
    let r = &d.review;
    let count = |rag: &str| pack.targets.iter().filter(|x| x.rag == rag).count();
    let mut b = vec![
        h1(t(lang, "review.summary")),
        Block::Fields(vec![
            (t(lang, "review.held"), format!("{} · {}", r.held_on, r.title)),
            (t(lang, "review.as_of"), pack.as_of.to_string()),
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
        Block::Note(t(lang, "review.frozen_note")),
        h1(t(lang, "targets.summary")),
    ];
    let dash = || "–".to_string();
    if pack.targets.is_empty() {
        b.push(Block::Note(t(lang, "none")));
    } else {
        b.push(Block::Table(Table {
            widths: vec![2.6, 0.8, 1.0, 1.0, 1.0, 1.0, 1.1],
            header: ["target", "unit", "baseline", "goal", "latest", "attainment", "rag"]
                .map(|k| t(lang, &format!("col.{k}")))
                .to_vec(),
            rows: pack
                .targets
                .iter()
                .map(|x| {
                    vec![
                        x.name.clone(),
                        x.unit.clone(),
                        num(x.baseline),
                        num(x.target),
                        num(x.latest),
                        x.attainment.map_or_else(dash, |a| format!("{}%", a.round())),
                        i18n::t(lang, &format!("trag.{}", x.rag)),
                    ]
                })
                .collect(),
            right: vec![2, 3, 4, 5],
        }));
    }
    b.push(h1(t(lang, "review.phases")));
    b.push(phases_table(pack, lang));
    b.extend(budget_blocks(pack, lang));
    b.push(h1(t(lang, "review.risks")));
    if let Some(c) = &pack.risk_counts {
        b.push(Block::Fields(vec![(t(lang, "review.risk_total"), c.total.to_string())]));
    }
    if pack.risks.is_empty() {
        b.push(Block::Note(t(lang, "review.no_risks")));
    } else {
        b.push(top_risks(&pack.risks, lang));
    }
    b.extend(raid_blocks(&pack.raid, lang));
    b.push(h1(t(lang, "review.decisions")));
    if !r.attendees.trim().is_empty() {
        b.push(Block::Fields(vec![(t(lang, "review.attendees"), r.attendees.clone())]));
    }
    if !r.decisions.trim().is_empty() {
        b.push(Block::Para(r.decisions.clone()));
    }
    b.push(h2(t(lang, "review.actions")));
    b.push(actions_table(&pack.actions, lang));
    b
}

/// The budget and earned-value slide, from the pack's figures (frozen with a held review):
/// the EV table, the cost health, the S-curve and the control figures by category.
fn budget_blocks(pack: &service::reviews::Pack, lang: Lang) -> Vec<Block> {
    let mut b = vec![h1(i18n::t(lang, "budget2.slide_title"))];
    let Some(bg) = &pack.budget else {
        b.push(Block::Note(i18n::t(lang, "budget2.slide_none")));
        return b;
    };
    b.push(super::budget::ev_table(&bg.ev, &bg.currency, lang));
    b.extend(super::budget::rag_note(bg.cost_rag, lang));
    // The S-curve under its heading (which names it: the chart does not say it again).
    let mut chart = bg.chart(lang);
    b.push(h2(chart.title.clone()));
    chart.title.clear();
    b.push(Block::Chart(Box::new(chart)));
    let label = super::budget::category_label(lang);
    b.push(super::budget::rows_table(
        &bg.by_category,
        &bg.total,
        i18n::t(lang, "budget.category"),
        &label,
        &bg.currency,
        lang,
    ));
    b
}

fn phases_table(pack: &service::reviews::Pack, lang: Lang) -> Block {
    if pack.phases.is_empty() {
        return Block::Note(t(lang, "none"));
    }
    Block::Table(Table {
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
    })
}

fn actions_table(actions: &[service::reviews::PackAction], lang: Lang) -> Block {
    if actions.is_empty() {
        return Block::Note(t(lang, "none"));
    }
    Block::Table(Table {
        widths: vec![3.6, 1.6, 1.2, 0.9],
        header: ["action", "owner", "due", "overdue"].map(|k| t(lang, &format!("col.{k}"))).to_vec(),
        rows: actions
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
    })
}

fn top_risks(top: &[service::risks::PackRisk], lang: Lang) -> Block {
    Block::Table(Table {
        widths: vec![3.0, 0.9, 0.7, 1.6, 3.0],
        header: vec![
            i18n::t(lang, "risk.title"),
            format!("{} × {}", i18n::t(lang, "risk.p"), i18n::t(lang, "risk.i")),
            i18n::t(lang, "risk.score"),
            i18n::t(lang, "field.owner"),
            i18n::t(lang, "risk.mitigation"),
        ],
        rows: top
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
    })
}

/// The register's counts by status, the top risks and the heat map, from the risk register
/// view the Risks page shows (the review deck freezes the same top risks).
fn risk_blocks(f: &Facts, lang: Lang) -> Vec<Block> {
    let r = &f.risks;
    // A top risk's number in the register, the number the heat map shows it by.
    let place = |k: &service::risks::PackRisk| {
        r.risks
            .iter()
            .position(|v| {
                v.risk.title == k.title_en
                    && v.risk.probability == Some(k.probability)
                    && v.risk.impact == Some(k.impact)
            })
            .map(|i| (i + 1).to_string())
    };
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
        let number = |k: &service::risks::PackRisk| place(k).unwrap_or_else(|| "–".to_string());
        b.push(Block::Table(Table {
            widths: vec![0.4, 3.0, 0.9, 0.7, 1.6, 3.0],
            header: vec![
                "#".into(),
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
                        number(k),
                        name(lang, &k.title_en, &k.title_zh),
                        format!("{} × {}", k.probability, k.impact),
                        k.score.to_string(),
                        k.owner.clone(),
                        k.mitigation.clone(),
                    ]
                })
                .collect(),
            right: vec![0, 3],
        }));
    }
    b.push(h2(i18n::t(lang, "risk.heat_map")));
    b.push(Block::Chart(Box::new(r.heat_map.clone())));
    // The key to the numbers on the map the top risks do not give.
    let shown: Vec<String> = r.top.iter().filter_map(place).collect();
    let key: Vec<String> =
        r.heat_map.items.iter().filter(|i| !shown.contains(&i.label)).map(|i| i.title.clone()).collect();
    if !key.is_empty() {
        b.push(Block::Note(key.join(" · ")));
    }
    b
}

/// Open issues (escalated first) and change requests awaiting the committee's decision, as
/// the pack's page shows them.
fn raid_blocks(raid: &service::raid::PackRaid, lang: Lang) -> Vec<Block> {
    let rx = |k: &str| i18n::t(lang, &format!("raid.{k}"));
    let mut b = vec![h1(rx("pack_title")), h2(rx("open_issues"))];
    if raid.open_issues.is_empty() {
        b.push(Block::Note(rx("no_open_issues")));
    } else {
        b.push(Block::Table(Table {
            widths: vec![3.6, 1.0, 1.6, 1.0],
            header: vec![rx("issue"), rx("severity"), i18n::t(lang, "field.owner"), rx("due_on")],
            rows: raid
                .open_issues
                .iter()
                .map(|i| {
                    let title =
                        if i.escalated { format!("{} ({})", i.title, rx("escalated")) } else { i.title.clone() };
                    vec![title, rx(&format!("sev.{}", i.severity)), i.owner.clone(), date(i.due_on)]
                })
                .collect(),
            right: vec![],
        }));
    }
    b.push(h2(rx("pending_changes")));
    if raid.pending_changes.is_empty() {
        b.push(Block::Note(rx("no_pending_changes")));
    } else {
        b.push(Block::Table(Table {
            widths: vec![3.6, 1.2, 1.4, 1.0],
            header: vec![rx("change"), rx("schedule_days"), rx("cost"), i18n::t(lang, "field.status")],
            rows: raid
                .pending_changes
                .iter()
                .map(|c| {
                    vec![c.title.clone(), c.schedule_days.to_string(), c.cost.clone(), rx(&format!("cr.{}", c.status))]
                })
                .collect(),
            right: vec![1, 2],
        }));
    }
    b
}
