//! The business case: TCO, NPV, ROI, IRR, payback and the cash-flow charts.
use super::*;

pub(super) fn blocks(f: &Facts, lang: Lang) -> Vec<Block> {
    use crate::chart::{BarChart, CashFlowChart};
    use crate::domain::finance::{Irr, Payback};
    use crate::domain::money::format_whole;
    let Some(l) = &f.business_case else { return vec![h1(t(lang, "bc.summary")), Block::Note(t(lang, "bc.none"))] };
    let Some(s) = l.scenarios.first() else { return vec![h1(t(lang, "bc.summary")), Block::Note(t(lang, "bc.none"))] };
    let r = service::business_case::evaluate(l, s);
    let cur = f.project.currency.as_str();
    let m = |v: i64| format_whole(v, cur);
    let payback = match r.payback {
        Payback::Months(mo) => t(lang, "bc.payback_months").replace("{n}", &format!("{mo:.1}")),
        Payback::NotWithinHorizon => t(lang, "bc.payback_none"),
    };
    let irr = match r.irr {
        Irr::Rate(x) => format!("{:.1}%", x * 100.0),
        _ => "–".into(),
    };
    let approved = if l.approved_current() { t(lang, "yes") } else { t(lang, "bc.not_approved") };
    vec![
        h1(t(lang, "bc.summary")),
        Block::Fields(vec![
            (t(lang, "bc.scenario"), s.name.clone()),
            (t(lang, "bc.tco"), format!("{} ({} {})", m(r.tco_nominal), t(lang, "bc.pv"), m(r.tco_pv))),
            (t(lang, "bc.benefits"), format!("{} ({} {})", m(r.benefits_nominal), t(lang, "bc.pv"), m(r.benefits_pv))),
            (t(lang, "bc.npv"), m(r.npv)),
            (t(lang, "bc.roi"), r.roi.map_or("–".into(), |x| format!("{:.0}%", x * 100.0))),
            (t(lang, "bc.irr"), irr),
            (t(lang, "bc.payback"), payback.clone()),
            (t(lang, "bc.approved"), approved),
        ]),
        Block::Chart(Box::new(CashFlowChart {
            title: t(lang, "bc.cash_flow"),
            labels: r.years.iter().map(|y| format!("Y{} {}", y.t, y.calendar_year)).collect(),
            cumulative: r.years.iter().map(|y| y.cumulative).collect(),
            payback: match r.payback {
                Payback::Months(mo) => Some((mo / 12.0, format!("{}: {payback}", t(lang, "bc.payback")))),
                Payback::NotWithinHorizon => None,
            },
            currency: cur.into(),
        })),
        h1(t(lang, "bc.by_year")),
        Block::Table(Table {
            widths: vec![1.1, 1.5, 1.5, 1.5, 1.6],
            header: ["year", "costs", "benefits", "net", "cumulative"].map(|k| t(lang, &format!("bc.{k}"))).to_vec(),
            rows: r
                .years
                .iter()
                .map(|y| {
                    vec![format!("Y{} {}", y.t, y.calendar_year), m(y.costs), m(y.benefits), m(y.net), m(y.cumulative)]
                })
                .collect(),
            right: vec![1, 2, 3, 4],
        }),
        Block::Chart(Box::new(BarChart {
            title: t(lang, "bc.by_category"),
            bars: r.costs_by_category.iter().map(|(c, v)| (i18n::t(lang, &format!("cost_cat.{c}")), *v)).collect(),
            currency: cur.into(),
        })),
    ]
}
