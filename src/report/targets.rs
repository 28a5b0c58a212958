//! The target sheet: each measurable target with baseline, attainment and forecast, laid out
//! from the targets view (the figures and trend charts the Targets page shows).
use super::*;

fn target_rows(f: &Facts, lang: Lang) -> Table {
    let dash = || "–".to_string();
    Table {
        widths: vec![2.6, 0.8, 1.0, 1.0, 1.0, 1.0, 1.0, 1.1],
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

pub(super) fn blocks(f: &Facts, lang: Lang, detail: bool) -> Vec<Block> {
    let mut b = vec![h1(t(lang, "targets.summary")), Block::Table(target_rows(f, lang))];
    b.push(h1(t(lang, "targets.trends")));
    for v in &f.targets {
        if let Some(chart) = &v.chart {
            if detail {
                let tg = &v.target;
                let dash = || "–".to_string();
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
                        format!(
                            "{} {} ({})",
                            v.shown.target.clone().unwrap_or_else(dash),
                            tg.unit,
                            date(tg.target_date)
                        ),
                    ),
                ]));
            }
            b.push(Block::Chart(Box::new(chart.clone())));
        }
    }
    b
}
