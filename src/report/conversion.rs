//! The data conversion trial report (phase 6): per data source its trial loads — records in
//! the source, loaded, rejected, unaccounted for, reconciled — against the quality bar. From
//! the view the Conversion trial page shows.
use super::*;

fn px(lang: Lang, key: &str) -> String {
    i18n::t(lang, &format!("phase6.{key}"))
}

pub(super) fn blocks(f: &Facts, lang: Lang) -> Vec<Block> {
    let v = &f.conversion;
    let intro = i18n::tf(
        lang,
        "phase6.conversion_intro",
        &[("load", &v.load_min.to_string()), ("reconcile", &v.reconcile_min.to_string())],
    );
    let mut b = vec![h1(px(lang, "conversion")), Block::Para(intro)];
    b.push(Block::Fields(vec![
        (px(lang, "sources"), v.sources.len().to_string()),
        (px(lang, "sources_tried"), v.sources_tried.to_string()),
        (px(lang, "sources_met"), v.sources_met.to_string()),
    ]));
    if v.sources.iter().all(|s| s.trials.is_empty()) {
        b.push(Block::Note(px(lang, "doc_conversion_none")));
    }
    for s in v.sources.iter().filter(|s| !s.trials.is_empty()) {
        b.push(h2(s.source.name.clone()));
        b.push(Block::Fields(vec![
            (px(lang, "inventory_count"), num(Some(s.source.record_count as f64))),
            (i18n::t(lang, "field.owner"), s.source.owner.clone()),
            (
                px(lang, "bar"),
                match s.latest_met {
                    Some(true) => px(lang, "bar_met"),
                    Some(false) => px(lang, "bar_not_met"),
                    None => px(lang, "not_tried"),
                },
            ),
        ]));
        b.push(Block::Table(Table {
            widths: vec![1.1, 1.1, 1.3, 1.3, 0.9, 1.3, 1.3],
            header: vec![
                px(lang, "trial_on"),
                px(lang, "source_count"),
                px(lang, "loaded"),
                px(lang, "rejected"),
                px(lang, "unaccounted"),
                px(lang, "reconciled"),
                px(lang, "bar"),
            ],
            rows: s
                .trials
                .iter()
                .map(|r| {
                    vec![
                        r.trial.trial_on.to_string(),
                        num(Some(r.trial.source_count as f64)),
                        format!("{} ({}%)", num(Some(r.trial.loaded as f64)), r.load_rate),
                        format!("{} ({}%)", num(Some(r.trial.rejected as f64)), r.reject_rate),
                        num(Some(r.result.unaccounted as f64)),
                        format!("{} ({}%)", num(Some(r.trial.reconciled as f64)), r.reconcile_rate),
                        if r.result.met { px(lang, "bar_met") } else { px(lang, "bar_not_met") },
                    ]
                })
                .collect(),
            right: vec![1, 2, 3, 4, 5],
        }));
        let notes: Vec<String> = s
            .trials
            .iter()
            .filter(|r| !r.trial.notes.trim().is_empty())
            .map(|r| format!("{}: {}", r.trial.trial_on, r.trial.notes.trim()))
            .collect();
        if !notes.is_empty() {
            b.push(Block::Bullets(notes));
        }
    }
    b
}
