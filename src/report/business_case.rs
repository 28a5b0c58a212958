//! The business case: TCO, NPV, ROI, IRR, payback and the cash-flow charts, laid out from
//! the case page's view (`service::business_case::view`), figures as the page shows them.
use super::*;
use crate::service::business_case::CaseView;

/// The headline figures as the page's cards and tables show them (present values in whole
/// units, like the cards), the same lines in the business-case document and the review pack.
pub(super) fn summary(v: &CaseView, lang: Lang) -> Block {
    let f = &v.figures;
    let approved = if v.approved_current { t(lang, "yes") } else { t(lang, "bc.not_approved") };
    Block::Fields(vec![
        (t(lang, "bc.scenario"), v.scenario.name.clone()),
        (t(lang, "bc.tco"), format!("{} ({} {})", f.tco_nominal, t(lang, "bc.pv"), f.card.tco_pv)),
        (t(lang, "bc.benefits"), format!("{} ({} {})", f.benefits_nominal, t(lang, "bc.pv"), f.card.benefits_pv)),
        (t(lang, "bc.npv"), f.npv.clone()),
        (t(lang, "bc.roi"), f.roi.clone().unwrap_or_else(|| "–".into())),
        (t(lang, "bc.irr"), f.irr.text(lang)),
        (t(lang, "bc.payback"), f.payback_text(lang)),
        (t(lang, "bc.approved"), approved),
    ])
}

pub(super) fn blocks(f: &Facts, lang: Lang) -> Vec<Block> {
    let Some(v) = &f.business_case else { return vec![h1(t(lang, "bc.summary")), Block::Note(t(lang, "bc.none"))] };
    let charts = v.charts(lang);
    vec![
        h1(t(lang, "bc.summary")),
        summary(v, lang),
        Block::Chart(Box::new(charts.cash)),
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
    ]
}
