//! Money chart models of the business case: plain data (already translated labels, money in
//! minor units) that a renderer draws; `money_svg` draws them for pages.

/// Cumulative cash flow by year, with the payback point.
#[derive(Clone, Debug, serde::Serialize)]
pub struct CashFlowChart {
    pub title: String,
    /// One per year, e.g. "Y0 2026".
    pub labels: Vec<String>,
    /// Cumulative net cash flow at the end of each year (year 0 at the start).
    pub cumulative: Vec<i64>,
    /// Payback in years from the start (months / 12) and its caption.
    pub payback: Option<(f64, String)>,
    pub currency: String,
    /// Amounts on the axis in 万 (a Chinese reader), else M and k.
    pub wan: bool,
}

/// Horizontal bars, one per label.
#[derive(Clone, Debug, serde::Serialize)]
pub struct BarChart {
    pub title: String,
    pub bars: Vec<(String, i64)>,
    pub currency: String,
    /// Amounts in 万 (a Chinese reader), else M and k.
    pub wan: bool,
}

/// Sensitivity: NPV when each line moves down and up, around the base NPV.
#[derive(Clone, Debug, serde::Serialize)]
pub struct Tornado {
    pub title: String,
    pub base: i64,
    pub base_label: String,
    /// (label, NPV at −20%, NPV at +20%)
    pub rows: Vec<(String, i64, i64)>,
    pub currency: String,
    /// Amounts in 万 (a Chinese reader), else M and k.
    pub wan: bool,
}

pub use crate::domain::money::{compact, compact_in};
