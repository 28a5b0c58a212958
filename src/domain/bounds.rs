//! The bounds every way of entering data shares (forms, MS Project XML, CSV, iCalendar and
//! the JSON API): dates, working-day durations and lags, text lengths, finite numbers. A value
//! outside them is refused with the field or line named, so no later calculation overflows.
use chrono::{Datelike, NaiveDate};

/// Dates of a project, its reviews, measurements and plans.
pub const FIRST_YEAR: i32 = 2000;
pub const LAST_YEAR: i32 = 2100;
/// An activity's duration in working days (as the activity form).
pub const MAX_DURATION_DAYS: i64 = 2000;
/// A link's lag in working days, either way (as the link form).
pub const MAX_LAG_DAYS: i64 = 365;
/// The name of a task, activity, milestone or person.
pub const MAX_NAME_CHARS: usize = 200;
/// The largest magnitude of a measured or target value.
pub const MAX_MAGNITUDE: f64 = 1e15;

pub fn date_ok(d: NaiveDate) -> bool {
    (FIRST_YEAR..=LAST_YEAR).contains(&d.year())
}

/// A date typed as `YYYY-MM-DD` within the bounds (`+262142-12-31` and `9999-01-01` are not).
pub fn parse_date(s: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").ok().filter(|d| date_ok(*d))
}

/// The i18n key of what is wrong with a single-line text, if anything: too long, or holding
/// a control character (NUL included, which PostgreSQL refuses).
pub fn text_problem(s: &str, max_chars: usize) -> Option<&'static str> {
    if s.chars().count() > max_chars {
        Some("err.too_long")
    } else if s.chars().any(char::is_control) {
        Some("err.control_chars")
    } else {
        None
    }
}

/// A multi-line text may hold line breaks and tabs, no other control character.
pub fn long_text_problem(s: &str, max_chars: usize) -> Option<&'static str> {
    if s.chars().count() > max_chars {
        Some("err.too_long")
    } else if s.chars().any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t')) {
        Some("err.control_chars")
    } else {
        None
    }
}

/// A number that is finite and within `MAX_MAGNITUDE` (`1e308`, `inf` and `NaN` are not).
pub fn number_ok(x: f64) -> bool {
    x.is_finite() && x.abs() <= MAX_MAGNITUDE
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bounds() {
        let d = |s: &str| s.parse::<NaiveDate>().unwrap();
        assert!(date_ok(d("2026-03-02")) && date_ok(d("2000-01-01")) && date_ok(d("2100-12-31")));
        assert_eq!(parse_date(" 2026-03-02 "), Some(d("2026-03-02")));
        assert_eq!(parse_date("+262142-12-31"), None);
        assert_eq!(parse_date("9999-01-01"), None);
        assert!(!date_ok(d("9999-12-31")) && !date_ok(d("1999-12-31")) && !date_ok(NaiveDate::MAX));
        assert_eq!(text_problem("需求分析", 4), None);
        assert_eq!(text_problem("需求分析x", 4), Some("err.too_long"));
        assert_eq!(text_problem(&"x".repeat(900_000), MAX_NAME_CHARS), Some("err.too_long"));
        assert_eq!(text_problem("a\u{0}b", 10), Some("err.control_chars"));
        assert_eq!(long_text_problem("a\nb\tc", 10), None);
        assert_eq!(long_text_problem("a\u{0}b", 10), Some("err.control_chars"));
        assert!(number_ok(12.5) && number_ok(-1e15));
        assert!(!number_ok(1e308) && !number_ok(f64::INFINITY) && !number_ok(f64::NAN));
    }
}
