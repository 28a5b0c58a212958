//! The training plan: sessions, hours and cost.
use super::*;

pub(super) fn blocks(f: &Facts, lang: Lang) -> Vec<Block> {
    let total: i64 = f.sessions.iter().map(|s| s.cost).sum();
    let minutes: i64 = f.sessions.iter().map(|s| i64::from(s.duration_minutes)).sum();
    vec![
        h1(t(lang, "training.sessions")),
        Block::Fields(vec![
            (t(lang, "training.count"), f.sessions.len().to_string()),
            (t(lang, "training.hours"), format!("{:.1}", minutes as f64 / 60.0)),
            (t(lang, "training.cost"), format!("{} {}", total, f.project.currency)),
        ]),
        Block::Table(Table {
            widths: vec![2.4, 1.6, 1.2, 0.9, 1.5, 1.4],
            header: ["session", "audience", "date", "minutes", "place", "trainer"]
                .map(|k| t(lang, &format!("col.{k}")))
                .to_vec(),
            rows: f
                .sessions
                .iter()
                .map(|s| {
                    vec![
                        s.title.clone(),
                        s.audience.clone(),
                        format!("{} {}", s.date, s.start_time),
                        s.duration_minutes.to_string(),
                        s.place.clone(),
                        s.trainer.clone(),
                    ]
                })
                .collect(),
            right: vec![3],
        }),
    ]
}
