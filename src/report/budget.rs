//! The budget and cost report: the control figures (budget, committed, actual, forecast at
//! completion, variance) by phase and by category, the earned-value table and the S-curve,
//! laid out from the Budget page's view (`service::budget::control_on`), figures as the page
//! shows them. The review pack's budget slide uses the same tables from its frozen figures.
use super::*;
use crate::domain::earned_value::{CostRag, Figures};
use crate::domain::money;
use crate::service::budget::{Control, Row};

fn b(lang: Lang, key: &str) -> String {
    i18n::t(lang, &format!("budget.{key}"))
}

/// Money as the Budget page's tables show it: "1,234.56" (the currency is named once).
fn m(v: i64, cur: &str) -> String {
    money::plain(v, cur)
}

/// Whole units, as the page's earned-value table shows them: "1,235".
fn whole(v: i64, cur: &str) -> String {
    money::format_whole(v, cur).replacen(money::symbol(cur), "", 1)
}

/// A ratio as the page shows it: "0.85", or "–" without one.
pub(super) fn ratio(x: Option<f64>) -> String {
    x.map_or("–".into(), |x| format!("{x:.2}"))
}

/// The control figures of `rows` (those with any money) and their total, first column
/// headed `first`, in `lang`.
pub(super) fn rows_table(
    rows: &[Row],
    total: &Row,
    first: String,
    label: &dyn Fn(&Row) -> String,
    cur: &str,
    lang: Lang,
) -> Block {
    let cells = |r: &Row| {
        vec![label(r), m(r.budget, cur), m(r.committed, cur), m(r.actual, cur), m(r.forecast, cur), m(r.variance, cur)]
    };
    Block::Table(Table {
        widths: vec![2.2, 1.3, 1.3, 1.3, 1.4, 1.3],
        header: vec![
            first,
            b(lang, "budget"),
            b(lang, "committed"),
            b(lang, "actual"),
            b(lang, "forecast"),
            b(lang, "variance"),
        ],
        rows: rows
            .iter()
            .filter(|r| r.budget != 0 || r.committed != 0 || r.actual != 0)
            .map(cells)
            .chain([cells(total)])
            .collect(),
        right: vec![1, 2, 3, 4, 5],
    })
}

/// The earned-value figures in a two-column table (figure, value), as on the page.
pub(super) fn ev_table(ev: &Figures, cur: &str, lang: Lang) -> Block {
    let rows = vec![
        ("BAC", whole(ev.bac, cur)),
        ("PV", whole(ev.pv, cur)),
        ("EV", whole(ev.ev, cur)),
        ("AC", whole(ev.ac, cur)),
        ("CV", whole(ev.cv, cur)),
        ("SV", whole(ev.sv, cur)),
        ("CPI", ratio(ev.cpi)),
        ("SPI", ratio(ev.spi)),
        ("EAC", whole(ev.eac, cur)),
        ("ETC", whole(ev.etc, cur)),
        ("VAC", whole(ev.vac, cur)),
        ("TCPI", ratio(ev.tcpi)),
    ];
    Block::Table(Table {
        widths: vec![1.2, 1.6, 1.2, 1.6],
        header: vec![
            i18n::t(lang, "budget2.figure"),
            i18n::t(lang, "budget2.value"),
            i18n::t(lang, "budget2.figure"),
            i18n::t(lang, "budget2.value"),
        ],
        // Two pairs a row: BAC | PV, EV | AC, …
        rows: rows.chunks(2).map(|p| p.iter().flat_map(|(k, v)| [(*k).to_string(), v.clone()]).collect()).collect(),
        right: vec![1, 3],
    })
}

/// The cost health line under the EV table ("Cost overrun (CPI below 0.9)").
pub(super) fn rag_note(rag: Option<CostRag>, lang: Lang) -> Option<Block> {
    let key = match rag? {
        CostRag::Green => "green",
        CostRag::Amber => "amber",
        CostRag::Red => "red",
    };
    Some(Block::Para(i18n::t(lang, &format!("budget.cost_rag.{key}"))))
}

/// The category rows labelled in `lang` from their keys (frozen packs keep English labels).
pub(super) fn category_label(lang: Lang) -> impl Fn(&Row) -> String {
    move |r: &Row| {
        if r.key == "total" { b(lang, "total") } else { i18n::t(lang, &format!("budget.cat.{}", r.key)) }
    }
}

pub(super) fn blocks(f: &Facts, lang: Lang) -> Vec<Block> {
    let v: &Control = &f.budget;
    let cur = v.currency.as_str();
    let mut out = vec![
        h1(b(lang, "title")),
        Block::Para(i18n::tf(lang, "budget2.report_intro", &[("date", &v.as_of.to_string()), ("currency", cur)])),
    ];
    if v.lines.is_empty() {
        out.push(Block::Note(i18n::t(lang, "budget2.slide_none")));
        return out;
    }
    out.push(h1(b(lang, "ev")));
    out.push(ev_table(&v.ev, cur, lang));
    out.extend(rag_note(v.cost_rag, lang));
    out.push(Block::Note(b(lang, "ev_help")));
    out.push(h2(b(lang, "s_curve")));
    // The heading names the chart: it does not say it again.
    let mut chart = v.chart.clone();
    chart.title.clear();
    out.push(Block::Chart(Box::new(chart)));
    out.push(h1(b(lang, "by_phase")));
    let by_label = |r: &Row| r.label.clone();
    out.push(rows_table(&v.by_phase, &v.total, b(lang, "phase"), &by_label, cur, lang));
    out.push(h1(b(lang, "by_category")));
    out.push(rows_table(&v.by_category, &v.total, b(lang, "category"), &by_label, cur, lang));
    out.push(Block::Note(i18n::tf(
        lang,
        "budget.control_help",
        &[
            ("approved", &money::plain(v.hours_approved_x100, "CNY")),
            ("pending", &money::plain(v.hours_pending_x100, "CNY")),
        ],
    )));
    out
}
