//! The evaluation report (phase 9): targets against actuals with each gap explained, and the
//! realised return on investment beside the approved plan with the plan-vs-realised chart,
//! laid out from the evaluation view the Evaluation page shows.
use super::*;

pub(crate) fn e(lang: Lang, key: &str) -> String {
    i18n::t(lang, &format!("eval.{key}"))
}

pub(super) fn blocks(f: &Facts, lang: Lang) -> Vec<Block> {
    let v = &f.evaluation;
    let dash = || "–".to_string();
    let mut b = vec![
        h1(e(lang, "targets_title")),
        Block::Fields(vec![
            (t(lang, "eval.as_of"), v.as_of.to_string()),
            (e(lang, "targets_met"), format!("{} / {}", v.targets_met, v.targets_measured)),
        ]),
    ];
    if v.targets.is_empty() {
        b.push(Block::Note(e(lang, "no_targets")));
    } else {
        b.push(Block::Table(Table {
            widths: vec![2.2, 0.9, 0.9, 1.1, 0.9, 1.0, 3.0],
            header: vec![
                e(lang, "target"),
                i18n::t(lang, "target.baseline"),
                i18n::t(lang, "target.target"),
                e(lang, "actual"),
                e(lang, "attainment"),
                e(lang, "shortfall"),
                e(lang, "gap_explained"),
            ],
            rows: v
                .targets
                .iter()
                .map(|r| {
                    let unit = if r.unit.is_empty() { String::new() } else { format!(" ({})", r.unit) };
                    vec![
                        format!("{}{unit}", r.name),
                        r.baseline.clone().unwrap_or_else(dash),
                        r.target.clone().unwrap_or_else(dash),
                        match (&r.actual, r.actual_date) {
                            (Some(a), Some(d)) => format!("{a} ({d})"),
                            _ => dash(),
                        },
                        r.attainment.clone().unwrap_or_else(dash),
                        if r.met == Some(true) { e(lang, "met") } else { r.shortfall.clone().unwrap_or_else(dash) },
                        if r.explanation.trim().is_empty() { dash() } else { r.explanation.clone() },
                    ]
                })
                .collect(),
            right: vec![1, 2, 3, 4, 5],
        }));
        if v.unexplained > 0 {
            b.push(Block::Note(i18n::tf(lang, "eval.unexplained", &[("n", &v.unexplained.to_string())])));
        }
    }
    b.push(h1(e(lang, "roi_title")));
    let Some(roi) = &v.roi else {
        b.push(Block::Note(e(lang, "no_case")));
        return b;
    };
    b.push(Block::Para(i18n::tf(lang, "eval.roi_intro", &[("scenario", &roi.scenario), ("rate", &roi.rate_pct)])));
    if !roi.approved {
        b.push(Block::Note(e(lang, "not_approved")));
    }
    let row = |label: String, g: fn(&crate::service::evaluation::FiguresView) -> String| {
        vec![label, g(&roi.plan), g(&roi.plan_to_date), g(&roi.realised)]
    };
    b.push(Block::Table(Table {
        widths: vec![2.0, 1.6, 1.6, 1.6],
        header: vec![String::new(), e(lang, "plan"), e(lang, "plan_to_date"), e(lang, "realised")],
        rows: vec![
            row(e(lang, "pv_benefits"), |x| x.pv_benefits.clone()),
            row(e(lang, "pv_costs"), |x| x.pv_costs.clone()),
            row(i18n::t(lang, "bc.npv"), |x| x.npv.clone()),
            row(i18n::t(lang, "bc.roi"), |x| x.roi.clone().unwrap_or_else(|| "–".into())),
            vec![
                i18n::t(lang, "bc.payback"),
                roi.plan.payback_text(lang),
                roi.plan_to_date.payback_text(lang),
                roi.realised.payback_text(lang),
            ],
        ],
        right: vec![1, 2, 3],
    }));
    let opt = |s: &Option<String>| s.clone().unwrap_or_else(dash);
    // The chart under its own heading, the figures behind it after it.
    b.push(h2(e(lang, "chart_title")));
    // The heading names the chart: it does not say it again.
    let mut chart = roi.chart.clone();
    chart.title.clear();
    b.push(Block::Chart(Box::new(chart)));
    b.push(Block::Table(Table {
        widths: vec![1.0, 1.4, 1.4, 1.3, 1.3, 1.3, 1.4],
        header: ["year", "plan_net", "plan_cumulative", "costs", "benefits", "net", "cumulative"]
            .map(|k| e(lang, k))
            .to_vec(),
        rows: roi
            .years
            .iter()
            .map(|y| {
                vec![
                    y.label.clone(),
                    opt(&y.plan_net),
                    opt(&y.plan_cumulative),
                    opt(&y.costs),
                    opt(&y.benefits),
                    opt(&y.net),
                    opt(&y.cumulative),
                ]
            })
            .collect(),
        right: vec![1, 2, 3, 4, 5, 6],
    }));
    b.push(h2(e(lang, "benefits_title")));
    b.push(Block::Table(Table {
        widths: vec![2.6, 2.4, 1.4, 1.4],
        header: vec![
            e(lang, "description"),
            e(lang, "source"),
            i18n::t(lang, "bc.planned_to_date"),
            e(lang, "realised"),
        ],
        rows: roi
            .benefits
            .iter()
            .map(|r| {
                let src = match (&r.target_name, &r.unit_value) {
                    (Some(tn), Some(uv)) => format!(
                        "{} — {tn}, {uv} / {} / {}",
                        e(lang, &format!("src.{}", r.source)),
                        if r.unit.is_empty() { e(lang, "unit") } else { r.unit.clone() },
                        e(lang, "per_year")
                    ),
                    _ => e(lang, &format!("src.{}", r.source)),
                };
                let desc = if r.counted {
                    r.description.clone()
                } else {
                    format!("{} ({})", r.description, i18n::t(lang, "bc.not_in_roi"))
                };
                vec![desc, src, r.planned_to_date.clone(), r.realised.clone()]
            })
            .collect(),
        right: vec![2, 3],
    }));
    b.push(Block::Note(e(lang, &format!("cost_source.{}", roi.cost_source))));
    b
}
