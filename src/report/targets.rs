//! The target sheet: each measurable target with baseline, attainment and forecast, laid out
//! from the targets view (the figures and trend charts the Targets page shows).
use super::*;

fn target_rows(f: &Facts, lang: Lang) -> Table {
    let dash = || "–".to_string();
    Table {
        widths: vec![2.35, 0.8, 1.0, 1.0, 1.0, 1.25, 1.0, 1.1],
        header: ["target", "unit", "baseline", "goal", "latest", "attainment", "forecast", "rag"]
            .map(|k| t(lang, &format!("col.{k}")))
            .to_vec(),
        rows: f
            .targets
            .iter()
            .map(|v| {
                let s = &v.shown;
                let forecast = match (&s.forecast, s.forecast_below_zero) {
                    (Some(x), _) => x.clone(),
                    (None, true) => i18n::t(lang, "target.below_zero"),
                    (None, false) => dash(),
                };
                vec![
                    v.target.name.clone(),
                    v.target.unit.clone(),
                    s.baseline.clone().unwrap_or_else(dash),
                    s.target.clone().unwrap_or_else(dash),
                    s.latest.clone().unwrap_or_else(dash),
                    s.attainment.clone().unwrap_or_else(dash),
                    forecast,
                    i18n::t(lang, &format!("trag.{}", v.rag.as_str())),
                ]
            })
            .collect(),
        right: vec![2, 3, 4, 5, 6],
    }
}

/// The summary table, then (the target sheet, `detail`) each target with its baseline, goal,
/// measurement method, data source and owner, and its trend chart with the legend; the review
/// pack (`!detail`) shows the charts only.
pub(super) fn blocks(f: &Facts, lang: Lang, detail: bool) -> Vec<Block> {
    if f.targets.is_empty() {
        return vec![h1(t(lang, "targets.summary")), Block::Note(t(lang, "targets.none"))];
    }
    // On the target sheet each row links to the target's section.
    let rows = target_rows(f, lang);
    let mut b = vec![
        h1(t(lang, "targets.summary")),
        if detail {
            Block::Linked(rows, f.targets.iter().map(|v| Some(v.target.name.clone())).collect())
        } else {
            Block::Table(rows)
        },
    ];
    if !detail && f.targets.iter().all(|v| v.chart.is_none()) {
        return b;
    }
    b.push(h1(t(lang, "targets.trends")));
    let dash = || "–".to_string();
    let text = |s: &str| if s.trim().is_empty() { dash() } else { s.to_string() };
    for v in &f.targets {
        if detail {
            let tg = &v.target;
            b.push(h2(tg.name.clone()));
            b.push(Block::Fields(vec![
                (
                    t(lang, "col.baseline"),
                    format!(
                        "{} {} ({})",
                        v.shown.baseline.clone().unwrap_or_else(dash),
                        tg.unit,
                        date(tg.baseline_date)
                    ),
                ),
                (
                    t(lang, "col.goal"),
                    format!("{} {} ({})", v.shown.target.clone().unwrap_or_else(dash), tg.unit, date(tg.target_date)),
                ),
                (t(lang, "col.method"), text(&tg.method)),
                (t(lang, "col.source"), text(&tg.data_source)),
                (t(lang, "col.owner_of"), text(&tg.owner)),
            ]));
        }
        if let Some(chart) = &v.chart {
            b.push(Block::Chart(Box::new(chart.clone())));
        }
    }
    b
}
