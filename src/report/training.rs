//! The training plan: sessions, hours and cost, laid out from the Training page's view.
use super::*;

pub(super) fn blocks(f: &Facts, lang: Lang) -> Vec<Block> {
    let v = &f.training;
    let cur = &v.currency;
    let money = |m: &service::training::MoneyRow| vec![m.planned.clone(), m.actual.clone()];
    let mut budget: Vec<Vec<String>> = v
        .budget
        .by_phase
        .iter()
        .map(|b| [vec![i18n::tf(lang, "overview.phase_n", &[("n", &b.seq.to_string())])], money(&b.m)].concat())
        .collect();
    budget.extend(
        v.budget
            .by_audience
            .iter()
            .map(|b| [vec![i18n::t(lang, &format!("audience.{}", b.audience))], money(&b.m)].concat()),
    );
    budget.push([vec![format!("{} ({cur})", i18n::t(lang, "training.total"))], money(&v.budget.total)].concat());
    vec![
        h1(t(lang, "training.sessions")),
        Block::Fields(vec![
            (t(lang, "training.count"), v.count.to_string()),
            (t(lang, "training.hours"), v.hours.clone()),
            (t(lang, "training.cost"), format!("{} {cur}", v.budget.total.planned)),
        ]),
        Block::Table(Table {
            widths: vec![2.4, 1.6, 1.2, 0.9, 1.5, 1.4, 1.3],
            header: ["session", "audience", "date", "minutes", "place", "trainer"]
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
                        i18n::t(lang, &format!("audience.{}", s.audience)),
                        format!("{} {}", s.date, s.start_time),
                        s.duration_minutes.to_string(),
                        s.place.clone(),
                        s.trainer.clone(),
                        r.cost.clone(),
                    ]
                })
                .collect(),
            right: vec![3, 6],
        }),
        h2(i18n::t(lang, "training.budget")),
        Block::Table(Table {
            widths: vec![3.0, 1.6, 1.6],
            header: vec![String::new(), i18n::t(lang, "training.planned"), i18n::t(lang, "training.actual")],
            rows: budget,
            right: vec![1, 2],
        }),
    ]
}
