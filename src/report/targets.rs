//! The target sheet: each measurable target with baseline, attainment and forecast.
use super::*;

fn target_rows(f: &Facts, lang: Lang) -> Table {
    Table {
        widths: vec![2.6, 0.8, 1.0, 1.0, 1.0, 1.0, 1.0, 1.1],
        header: ["target", "unit", "baseline", "goal", "latest", "attainment", "forecast", "rag"]
            .map(|k| t(lang, &format!("col.{k}")))
            .to_vec(),
        rows: f
            .pack
            .targets
            .iter()
            .map(|x| {
                vec![
                    x.name.clone(),
                    x.unit.clone(),
                    num(x.baseline),
                    num(x.target),
                    num(x.latest),
                    x.attainment.map_or("–".into(), |a| format!("{:.0}%", a * 100.0)),
                    num(x.forecast),
                    i18n::t(lang, &format!("trag.{}", x.rag)),
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
        if let Some(chart) = trend_chart(v, lang) {
            if detail {
                let tg = &v.target;
                b.push(h2(tg.name.clone()));
                b.push(Block::Fields(vec![
                    (
                        t(lang, "col.baseline"),
                        format!("{} {} ({})", num(tg.baseline_value), tg.unit, date(tg.baseline_date)),
                    ),
                    (t(lang, "col.goal"), format!("{} {} ({})", num(tg.target_value), tg.unit, date(tg.target_date))),
                ]));
            }
            b.push(Block::Chart(Box::new(chart)));
        }
    }
    b
}
