//! The training plan: sessions with attendance, the budget planned against actual, and the
//! coverage of the functional groups and of each CRM module, laid out from the Training
//! page's view (`service::training::view`); every figure is the view's.
use super::*;

/// A functional group's name in `lang`, as the Organisation page labels it.
fn group_label(f: &Facts, id: i32) -> Option<String> {
    f.organisation.tiers.iter().find(|u| u.u.id == id).map(|u| u.label.clone())
}

/// The session's audience in words: "Functional group: Sales group", "End users: Sales".
fn audience(f: &Facts, lang: Lang, s: &crate::entity::training_session::Model) -> String {
    let base = i18n::t(lang, &format!("audience.{}", s.audience));
    let detail = match (s.audience.as_str(), s.audience_unit_id, &s.audience_department) {
        ("functional_group", Some(id), _) => group_label(f, id),
        ("end_users", _, Some(d)) => Some(i18n::t(lang, &format!("dept.{d}"))),
        _ => None,
    };
    detail.map_or(base.clone(), |d| i18n::tf(lang, "training.audience_detail", &[("audience", &base), ("detail", &d)]))
}

fn module(f: &Facts, lang: Lang, m: &Option<String>) -> String {
    m.as_deref().map_or_else(|| t(lang, "training.all_modules"), |k| module_name(f, lang, k))
}

fn percent(p: Option<usize>) -> String {
    p.map_or("–".into(), |p| format!("{p}%"))
}

pub(super) fn blocks(f: &Facts, lang: Lang) -> Vec<Block> {
    let v = &f.training;
    let cur = &v.currency;
    let money = |m: &service::training::MoneyRow| vec![m.planned.clone(), m.actual.clone()];
    // Two breakdowns of the same sum and the total: each group named on its first row.
    let group = |i: usize, key: &str| if i == 0 { t(lang, key) } else { String::new() };
    let mut budget: Vec<Vec<String>> = v
        .budget
        .by_phase
        .iter()
        .enumerate()
        .map(|(i, b)| {
            [
                vec![group(i, "training.by_phase"), i18n::tf(lang, "overview.phase_n", &[("n", &b.seq.to_string())])],
                money(&b.m),
            ]
            .concat()
        })
        .collect();
    budget.extend(v.budget.by_audience.iter().enumerate().map(|(i, b)| {
        [vec![group(i, "training.by_audience"), i18n::t(lang, &format!("audience.{}", b.audience))], money(&b.m)]
            .concat()
    }));
    budget.push(
        [vec![format!("{} ({cur})", i18n::t(lang, "training.total")), String::new()], money(&v.budget.total)].concat(),
    );
    let a = &v.attendance;
    let attendance = match a.percent {
        Some(p) => i18n::tf(
            lang,
            "pdf.training.attendance_total",
            &[
                ("attended", &a.attended.to_string()),
                ("invited", &a.invited.to_string()),
                ("n", &a.held_sessions.to_string()),
                ("percent", &format!("{p}%")),
            ],
        ),
        None => t(lang, "training.attendance_none"),
    };
    let mut b = vec![
        h1(t(lang, "training.sessions")),
        Block::Fields(vec![
            (t(lang, "training.count"), v.count.to_string()),
            (t(lang, "training.hours"), v.hours.clone()),
            // A headline figure: in 万元 for a Chinese reader, as the page prints it otherwise.
            (
                t(lang, "training.cost"),
                if lang == Lang::Zh {
                    crate::domain::money::headline(v.budget.total.planned_minor, cur, true)
                } else {
                    format!("{} {cur}", v.budget.total.planned)
                },
            ),
            (t(lang, "training.attendance"), attendance),
        ]),
    ];
    if v.order.no_senior_management {
        b.push(Block::Note(i18n::t(lang, "training.no_senior")));
    } else if !v.order.before_senior_management.is_empty() {
        let n = v.order.before_senior_management.len().to_string();
        b.push(Block::Note(i18n::tf(lang, "training.before_senior", &[("n", &n)])));
    }
    if v.rows.is_empty() {
        b.push(Block::Note(i18n::t(lang, "training.empty")));
    } else {
        b.push(Block::Table(Table {
            widths: vec![1.9, 1.7, 1.15, 0.95, 1.25, 1.0, 1.0, 1.05],
            header: ["session", "audience", "date", "minutes", "place", "trainer", "attended"]
                .map(|k| t(lang, &format!("col.{k}")))
                .into_iter()
                .chain([format!("{} ({cur})", i18n::t(lang, "field.cost"))])
                .collect(),
            rows: v
                .rows
                .iter()
                .map(|r| {
                    let s = &r.s;
                    vec![
                        s.title.clone(),
                        audience(f, lang, s),
                        format!("{} {}", s.date, s.start_time),
                        s.duration_minutes.to_string(),
                        s.place.clone(),
                        s.trainer.clone(),
                        if r.invited == 0 { "–".into() } else { format!("{}/{}", r.attended, r.invited) },
                        r.cost.clone(),
                    ]
                })
                .collect(),
            right: vec![3, 6, 7],
        }));
        b.push(Block::Note(t(lang, "training.attendance_hint")));
    }
    b.extend([
        h1(i18n::t(lang, "training.budget")),
        Block::Table(Table {
            widths: vec![1.4, 2.0, 1.6, 1.6],
            header: vec![
                String::new(),
                String::new(),
                i18n::t(lang, "training.planned"),
                i18n::t(lang, "training.actual"),
            ],
            rows: budget,
            right: vec![2, 3],
        }),
        Block::Note(t(lang, "training.budget_hint")),
        h1(t(lang, "training.coverage")),
    ]);
    if v.coverage.is_empty() {
        b.push(Block::Note(i18n::t(lang, "training.no_groups")));
        return b;
    }
    b.extend([
        h2(t(lang, "training.by_group")),
        Block::Table(Table {
            widths: vec![2.2, 1.6, 1.3, 1.3, 0.9],
            header: vec![
                i18n::t(lang, "training.group"),
                t(lang, "col.module"),
                i18n::t(lang, "training.key_users"),
                i18n::t(lang, "training.end_users"),
                i18n::t(lang, "training.share"),
            ],
            rows: v
                .coverage
                .iter()
                .map(|c| {
                    vec![
                        group_label(f, c.unit_id).unwrap_or_else(|| c.name.clone()),
                        module(f, lang, &c.module),
                        format!("{}/{}", c.key_users_trained, c.key_users),
                        format!("{}/{}", c.end_users_trained, c.end_users),
                        percent(c.percent),
                    ]
                })
                .collect(),
            right: vec![2, 3, 4],
        }),
        h2(t(lang, "training.by_module")),
        Block::Table(Table {
            widths: vec![2.6, 1.0, 1.6, 1.0],
            header: vec![
                t(lang, "col.module"),
                t(lang, "col.groups"),
                format!("{} / {}", t(lang, "col.trained"), t(lang, "col.people")),
                i18n::t(lang, "training.share"),
            ],
            rows: v
                .coverage_by_module
                .iter()
                .map(|m| {
                    vec![
                        module(f, lang, &m.module),
                        m.groups.to_string(),
                        format!("{}/{}", m.trained, m.people),
                        percent(m.percent),
                    ]
                })
                .collect(),
            right: vec![1, 2, 3],
        }),
        Block::Note(i18n::t(lang, "training.coverage_hint")),
    ]);
    b
}
