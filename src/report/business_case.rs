//! The business case: assumptions, every scenario, cost and benefit lines with totals, the
//! cash flow by year, the sensitivity tornado and the approval record, laid out from the
//! case page's view (`service::business_case::view`), figures as the page shows them.
use super::*;
use crate::service::business_case::CaseView;

/// The headline figures (the view's `headline`: in 万 for a Chinese reader, exact otherwise),
/// the same lines in the business-case document and the review pack; the tables that follow
/// keep exact figures.
pub(super) fn summary(v: &CaseView, lang: Lang) -> Block {
    let f = &v.figures;
    let h = v.headline(lang);
    let approved = if v.approved_current { t(lang, "yes") } else { t(lang, "bc.not_approved") };
    Block::Fields(vec![
        (t(lang, "bc.scenario"), v.scenario.name.clone()),
        (t(lang, "bc.tco"), format!("{} ({} {})", h.tco_nominal, t(lang, "bc.pv"), h.tco_pv)),
        (t(lang, "bc.benefits"), format!("{} ({} {})", h.benefits_nominal, t(lang, "bc.pv"), h.benefits_pv)),
        (t(lang, "bc.npv"), h.npv),
        (t(lang, "bc.roi"), f.roi.clone().unwrap_or_else(|| "–".into())),
        (t(lang, "bc.irr"), f.irr.text(lang)),
        (t(lang, "bc.payback"), f.payback_text(lang)),
        (t(lang, "bc.approved"), approved),
    ])
}

pub(super) fn blocks(f: &Facts, lang: Lang) -> Vec<Block> {
    let Some(v) = &f.business_case else { return vec![h1(t(lang, "bc.summary")), Block::Note(t(lang, "bc.none"))] };
    let charts = v.charts(lang);
    let s = &v.scenario;
    let bc = |k: &str| i18n::t(lang, &format!("bc.{k}"));
    let mut b = vec![
        h1(t(lang, "bc.summary")),
        summary(v, lang),
        Block::Chart(Box::new(charts.cash)),
        h1(t(lang, "bc.assumptions")),
        Block::Fields(vec![
            (t(lang, "bc.scenario"), s.name.clone()),
            (t(lang, "bc.discount_rate"), format!("{}%", v.rate_pct)),
            (t(lang, "bc.horizon"), i18n::tf(lang, "pdf.bc.horizon_years", &[("n", &s.horizon_years.to_string())])),
            (t(lang, "bc.start_year"), s.start_year.to_string()),
            (t(lang, "bc.factors"), format!("{}% / {}%", s.cost_factor_pct, s.benefit_factor_pct)),
            (t(lang, "bc.currency"), v.currency.clone()),
        ]),
        Block::Note(bc("convention")),
        h1(bc("scenarios")),
        Block::Table(Table {
            widths: vec![1.8, 0.9, 0.9, 1.6, 1.0, 1.4, 1.2],
            header: vec![
                bc("scenario"),
                t(lang, "bc.horizon"),
                t(lang, "bc.discount_rate"),
                bc("npv"),
                bc("roi"),
                bc("irr"),
                bc("payback"),
            ],
            rows: f
                .scenarios
                .iter()
                .map(|x| {
                    vec![
                        x.scenario.name.clone(),
                        x.scenario.horizon_years.to_string(),
                        format!("{}%", x.rate_pct),
                        x.figures.npv.clone(),
                        x.figures.roi.clone().unwrap_or_else(|| "–".into()),
                        x.figures.irr.text(lang),
                        x.figures.payback_text(lang),
                    ]
                })
                .collect(),
            right: vec![1, 2, 3, 4],
        }),
        h1(bc("cost_lines")),
        Block::Table(Table {
            widths: vec![1.6, 2.2, 1.3, 1.4, 0.8, 1.5, 1.5],
            header: vec![
                bc("category"),
                t(lang, "bc.description"),
                bc("recurrence"),
                bc("amount"),
                t(lang, "bc.growth"),
                bc("nominal"),
                bc("pv"),
            ],
            rows: v
                .costs
                .iter()
                .map(|c| {
                    vec![
                        i18n::t(lang, &format!("cost_cat.{}", c.row.category)),
                        c.row.description.clone(),
                        i18n::t(lang, &format!("recurrence.{}", c.row.recurrence)),
                        c.amount.clone(),
                        c.growth_pct.clone(),
                        c.nominal.clone(),
                        c.pv.clone(),
                    ]
                })
                .chain([vec![
                    bc("total"),
                    String::new(),
                    String::new(),
                    String::new(),
                    String::new(),
                    v.figures.tco_nominal.clone(),
                    v.figures.tco_pv.clone(),
                ]])
                .collect(),
            right: vec![3, 4, 5, 6],
        }),
        h1(bc("benefit_lines")),
        Block::Table(Table {
            widths: vec![1.4, 2.2, 1.4, 0.8, 0.8, 1.5, 1.5],
            header: vec![
                t(lang, "bc.kind"),
                t(lang, "bc.description"),
                t(lang, "bc.annual"),
                t(lang, "bc.risk"),
                t(lang, "bc.first_year"),
                bc("nominal_risk"),
                bc("pv"),
            ],
            rows: v
                .benefits
                .iter()
                .map(|x| {
                    vec![
                        i18n::t(lang, &format!("benefit_kind.{}", x.row.kind)),
                        x.row.description.clone(),
                        x.annual.clone(),
                        x.risk_pct.clone(),
                        x.row.first_year.to_string(),
                        x.nominal.clone(),
                        x.pv.clone(),
                    ]
                })
                .chain([vec![
                    bc("total"),
                    String::new(),
                    String::new(),
                    String::new(),
                    String::new(),
                    v.figures.benefits_nominal.clone(),
                    v.figures.benefits_pv.clone(),
                ]])
                .collect(),
            right: vec![2, 3, 4, 5, 6],
        }),
        h1(t(lang, "bc.by_year")),
        Block::Table(Table {
            widths: vec![1.1, 1.5, 1.5, 1.5, 1.6],
            header: ["year", "costs", "benefits", "net", "cumulative"].map(|k| t(lang, &format!("bc.{k}"))).to_vec(),
            rows: v
                .years
                .iter()
                .map(|y| {
                    vec![y.label.clone(), y.costs.clone(), y.benefits.clone(), y.net.clone(), y.cumulative.clone()]
                })
                .collect(),
            right: vec![1, 2, 3, 4],
        }),
        Block::Chart(Box::new(charts.categories)),
        h1(t(lang, "bc.sensitivity")),
        Block::Para(bc("tornado_hint")),
        Block::Chart(Box::new(charts.tornado)),
        Block::Fields(vec![(bc("break_even"), v.figures.break_even.text(lang))]),
        h1(t(lang, "bc.approval")),
    ];
    match (&v.approver, v.case.approved_at, v.case.approved_revision) {
        (Some(who), Some(at), Some(rev)) => {
            b.push(Block::Para(i18n::tf(
                lang,
                "bc.approved_by",
                &[("name", who), ("at", &at.date_naive().to_string()), ("rev", &rev.to_string())],
            )));
            if !v.approved_current {
                b.push(Block::Note(bc("changed_since")));
            }
        }
        _ => b.push(Block::Para(bc("not_approved"))),
    }
    b
}
