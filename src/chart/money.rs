//! Money chart models of the business case: plain data (already translated labels, money in
//! minor units) that a renderer draws; `money_svg` draws them for pages.

/// Cumulative cash flow by year, with the payback point.
#[derive(Clone, Debug)]
pub struct CashFlowChart {
    pub title: String,
    /// One per year, e.g. "Y0 2026".
    pub labels: Vec<String>,
    /// Cumulative net cash flow at the end of each year (year 0 at the start).
    pub cumulative: Vec<i64>,
    /// Payback in years from the start (months / 12) and its caption.
    pub payback: Option<(f64, String)>,
    pub currency: String,
}

/// Horizontal bars, one per label.
#[derive(Clone, Debug)]
pub struct BarChart {
    pub title: String,
    pub bars: Vec<(String, i64)>,
    pub currency: String,
}

/// Sensitivity: NPV when each line moves down and up, around the base NPV.
#[derive(Clone, Debug)]
pub struct Tornado {
    pub title: String,
    pub base: i64,
    pub base_label: String,
    /// (label, NPV at −20%, NPV at +20%)
    pub rows: Vec<(String, i64, i64)>,
    pub currency: String,
}

/// A short money label for axes: "¥1.2M", "-¥850k", "¥40".
pub fn compact(minor: i64, currency: &str) -> String {
    let unit = 10_i64.pow(crate::domain::money::minor_digits(currency));
    let major = minor as f64 / unit as f64;
    let sym = crate::domain::money::symbol(currency);
    let sign = if major < 0.0 { "-" } else { "" };
    let a = major.abs();
    if a >= 1e9 {
        format!("{sign}{sym}{:.1}B", a / 1e9)
    } else if a >= 1e6 {
        format!("{sign}{sym}{:.1}M", a / 1e6)
    } else if a >= 1e3 {
        format!("{sign}{sym}{:.0}k", a / 1e3)
    } else {
        format!("{sign}{sym}{a:.0}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compact_labels() {
        assert_eq!(compact(123_456_789, "CNY"), "¥1.2M");
        assert_eq!(compact(-8_500_000, "CNY"), "-¥85k");
        assert_eq!(compact(4_000, "USD"), "$40");
        assert_eq!(compact(0, "CNY"), "¥0");
    }
}
