//! The data quality report (phase 7): each data source to migrate, its checks over time
//! against the go-live bar, from the diagnosis view the Diagnosis page shows.
use super::*;

/// A share as the Diagnosis page prints it: one decimal at most ("94.2%", "2%").
fn pct(x: f64) -> String {
    format!("{}%", crate::domain::targets::figure(x, 1))
}

pub(super) fn blocks(f: &Facts, lang: Lang) -> Vec<Block> {
    let v = &f.diagnosis;
    let s = &v.summary;
    let verdict = |ok: Option<bool>| match ok {
        Some(true) => d(lang, "diag.quality_ok"),
        Some(false) => d(lang, "diag.quality_below"),
        None => "–".into(),
    };
    let mut b = vec![
        h1(d(lang, "diag.readiness")),
        Block::Para(d(lang, "diag.data_help")),
        Block::Fields(vec![
            (t(lang, "dq.sources"), s.sources.to_string()),
            (t(lang, "dq.checked"), s.sources_checked.to_string()),
            (t(lang, "dq.ok"), s.sources_ok.to_string()),
        ]),
    ];
    if v.sources.is_empty() {
        b.push(Block::Note(d(lang, "diag.no_sources")));
        return b;
    }
    b.push(Block::Table(Table {
        widths: vec![1.8, 1.2, 0.9, 0.9, 0.9, 0.9, 1.3],
        header: vec![
            d(lang, "diag.source"),
            d(lang, "diag.entity"),
            d(lang, "diag.records"),
            d(lang, "diag.completeness"),
            d(lang, "diag.duplicates"),
            d(lang, "diag.validity"),
            t(lang, "dq.verdict"),
        ],
        rows: v
            .sources
            .iter()
            .map(|x| {
                let l = x.latest.as_ref();
                vec![
                    x.source.name.clone(),
                    d(lang, &format!("diag.ent.{}", x.source.entity)),
                    num(Some(x.source.record_count as f64)),
                    l.map_or("–".into(), |q| pct(q.completeness)),
                    l.map_or("–".into(), |q| pct(q.duplicates)),
                    l.map_or("–".into(), |q| pct(q.validity)),
                    verdict(x.ok),
                ]
            })
            .collect(),
        right: vec![2, 3, 4, 5],
    }));
    b.push(h1(d(lang, "diag.history")));
    for x in &v.sources {
        b.push(h2(x.source.name.clone()));
        b.push(Block::Fields(vec![
            (d(lang, "field.owner"), x.source.owner.clone()),
            (d(lang, "diag.cleansing"), d(lang, &format!("diag.state.{}", x.source.cleansing))),
            (d(lang, "diag.migration"), d(lang, &format!("diag.state.{}", x.source.migration))),
        ]));
        if x.checks.is_empty() {
            b.push(Block::Note(t(lang, "dq.no_checks")));
            continue;
        }
        b.push(Block::Table(Table {
            widths: vec![1.4, 1.0, 1.0, 1.0],
            header: vec![
                d(lang, "diag.measured_on"),
                d(lang, "diag.completeness"),
                d(lang, "diag.duplicates"),
                d(lang, "diag.validity"),
            ],
            rows: x
                .checks
                .iter()
                .map(|q| vec![q.measured_on.to_string(), pct(q.completeness), pct(q.duplicates), pct(q.validity)])
                .collect(),
            right: vec![1, 2, 3],
        }));
    }
    b
}
