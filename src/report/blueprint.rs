//! The business blueprint (phase 4): each to-be process with its swimlane, the rules and
//! people changes it needs, the targets it serves and its revision history, from the
//! blueprint pages' views.
use super::*;
use crate::chart::swimlane_pdf::Swimlane;

pub(super) fn blocks(f: &Facts, lang: Lang) -> Vec<Block> {
    let mut b = vec![
        h1(d(lang, "bp.processes")),
        Block::Para(d(lang, "bp.intro")),
        // Each process's row links to its section (its heading is the process's name).
        Block::Linked(
            Table {
                widths: vec![2.4, 2.0, 0.8, 2.4, 0.8],
                header: vec![
                    d(lang, "bp.name"),
                    d(lang, "bp.as_is_process"),
                    d(lang, "bp.steps"),
                    d(lang, "bp.targets"),
                    d(lang, "bp.revision"),
                ],
                rows: f
                    .blueprint
                    .blueprints
                    .iter()
                    .map(|r| {
                        let served: Vec<String> = f
                            .targets
                            .iter()
                            .filter(|t| r.targets.contains(&t.target.key))
                            .map(|t| t.target.name.clone())
                            .collect();
                        vec![
                            r.b.name.clone(),
                            r.process.clone().unwrap_or_else(|| "–".into()),
                            r.steps.to_string(),
                            served.join("; "),
                            r.b.revision.to_string(),
                        ]
                    })
                    .collect(),
                right: vec![2, 4],
            },
            f.blueprint.blueprints.iter().map(|r| Some(r.b.name.clone())).collect(),
        ),
    ];
    if f.blueprints.is_empty() {
        b.push(Block::Note(d(lang, "bp.none")));
    }
    for p in &f.blueprints {
        b.push(h1(p.b.name.clone()));
        if !p.swimlane.is_empty() {
            b.push(h2(d(lang, "bp.swimlane")));
            b.push(Block::Chart(Box::new(Swimlane(p.swimlane.clone()))));
        }
        b.push(Block::Table(Table {
            widths: vec![1.3, 2.2, 1.3, 1.6, 1.4],
            header: vec![
                d(lang, "bp.actor"),
                d(lang, "bp.action"),
                d(lang, "diag.module"),
                d(lang, "bp.rule"),
                d(lang, "bp.output"),
            ],
            rows: p
                .content
                .steps
                .iter()
                .map(|s| {
                    let module = if s.module.is_empty() { String::new() } else { module_name(f, lang, &s.module) };
                    let module = if s.feature.is_empty() { module } else { format!("{module} · {}", s.feature) };
                    vec![s.actor.clone(), s.action.clone(), module, s.rule.clone(), s.output.clone()]
                })
                .collect(),
            right: vec![],
        }));
        let rules = if p.content.rules.trim().is_empty() { t(lang, "none") } else { p.content.rules.clone() };
        let people = if p.content.people.trim().is_empty() { t(lang, "none") } else { p.content.people.clone() };
        let served = if p.served.is_empty() {
            t(lang, "none")
        } else {
            p.served.iter().map(|t| t.name.clone()).collect::<Vec<_>>().join("; ")
        };
        b.push(Block::Fields(vec![
            (d(lang, "bp.rules"), rules),
            (d(lang, "bp.people"), people),
            (d(lang, "bp.targets"), served),
        ]));
        b.push(h2(d(lang, "bp.revisions")));
        b.push(Block::Table(Table {
            widths: vec![0.8, 1.4, 1.6, 3.2],
            header: vec![d(lang, "bp.revision"), d(lang, "bp.when"), d(lang, "bp.who"), d(lang, "bp.why")],
            rows: p
                .revisions
                .iter()
                .map(|r| {
                    vec![
                        r.revision.revision.to_string(),
                        r.revision.created_at.date_naive().to_string(),
                        r.by.clone(),
                        r.revision.reason.clone(),
                    ]
                })
                .collect(),
            right: vec![0],
        }));
    }
    b
}
