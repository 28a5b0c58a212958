//! Effort and its cost: hours as typed on a timesheet, cost rates with validity dates, the
//! week of a day, and the control figures of a budget row. Pure; hours are hundredths.
use chrono::{Datelike, Duration, NaiveDate};
use serde::Serialize;

/// The most hours one person can book on one day.
pub const MAX_DAY_X100: i32 = 24 * 100;

/// Parse hours as typed ("7.5", "8", "", "0,25"): hundredths of an hour, at most two
/// decimals, 0–24. Empty is zero. Errors are i18n keys.
pub fn parse_hours(raw: &str) -> Result<i32, &'static str> {
    let s = raw.trim().replace(',', ".");
    if s.is_empty() {
        return Ok(0);
    }
    if s.starts_with('-') {
        return Err("budget.err.hours_format");
    }
    let (int, frac) = s.split_once('.').unwrap_or((&s, ""));
    if int.is_empty() && frac.is_empty()
        || !int.chars().all(|c| c.is_ascii_digit())
        || !frac.chars().all(|c| c.is_ascii_digit())
        || frac.len() > 2
        || int.len() > 4
    {
        return Err("budget.err.hours_format");
    }
    let i: i32 = if int.is_empty() { 0 } else { int.parse().map_err(|_| "budget.err.hours_format")? };
    let f: i32 =
        if frac.is_empty() { 0 } else { format!("{frac:0<2}").parse().map_err(|_| "budget.err.hours_format")? };
    let v = i * 100 + f;
    if v > MAX_DAY_X100 { Err("budget.err.hours_day") } else { Ok(v) }
}

/// Hundredths of an hour as text: "7.5", "8", "0.25".
pub fn hours_text(x100: i32) -> String {
    if x100 % 100 == 0 {
        (x100 / 100).to_string()
    } else {
        let s = format!("{}.{:02}", x100 / 100, x100 % 100);
        s.trim_end_matches('0').to_string()
    }
}

/// The Monday of `day`'s week.
pub fn week_start(day: NaiveDate) -> NaiveDate {
    day - Duration::days(i64::from(day.weekday().num_days_from_monday()))
}

/// A cost rate per hour for a person (`user`) or a project role, valid from a date to a
/// date (inclusive; open-ended when `to` is `None`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rate {
    pub user: Option<i32>,
    pub role: Option<String>,
    pub rate_minor: i64,
    pub from: NaiveDate,
    pub to: Option<NaiveDate>,
}

impl Rate {
    fn valid_on(&self, day: NaiveDate) -> bool {
        self.from <= day && self.to.is_none_or(|t| day <= t)
    }
}

/// The hourly rate of `user` (whose project role is `role`) on `day`: the person's own rate
/// valid that day, else the role's default valid that day; of several, the latest start wins.
pub fn rate_on(rates: &[Rate], user: i32, role: &str, day: NaiveDate) -> Option<i64> {
    let pick = |m: &dyn Fn(&Rate) -> bool| {
        rates.iter().filter(|r| m(r) && r.valid_on(day)).max_by_key(|r| r.from).map(|r| r.rate_minor)
    };
    pick(&|r| r.user == Some(user)).or_else(|| pick(&|r| r.user.is_none() && r.role.as_deref() == Some(role)))
}

/// The cost of `hours_x100` hundredths of an hour at `rate_minor` per hour, rounded half up
/// to the minor unit; `None` on overflow.
pub fn labour_cost(hours_x100: i32, rate_minor: i64) -> Option<i64> {
    let c = i64::from(hours_x100).checked_mul(rate_minor)?;
    Some(c.checked_add(50)?.div_euclid(100))
}

/// A budget row's forecast at completion and variance: without a better estimate a line
/// will cost at least its budget, at least what is committed and at least what is spent, so
/// the forecast is the largest of the three; the variance is budget − forecast (negative:
/// an overrun).
pub fn forecast(budget: i64, committed: i64, actual: i64) -> (i64, i64) {
    let f = budget.max(committed).max(actual);
    (f, budget.saturating_sub(f))
}

/// Working hours of a week for a person allocated `allocation_pct` % to the project: the
/// project calendar's working days (`working(day)`) × `hours_per_day` × allocation.
pub fn capacity_x100(
    monday: NaiveDate,
    hours_per_day: i32,
    allocation_pct: i32,
    working: impl Fn(NaiveDate) -> bool,
) -> i32 {
    let days = (0..7).filter(|i| working(monday + Duration::days(*i))).count() as i32;
    days * hours_per_day * allocation_pct
}

/// Planned hours spread over a window's working days, as the hundredths that fall in the
/// week starting `monday`.
pub fn planned_in_week(
    planned_x100: i32,
    start: NaiveDate,
    finish: NaiveDate,
    monday: NaiveDate,
    working: impl Fn(NaiveDate) -> bool,
) -> i32 {
    if finish < start {
        return 0;
    }
    let days: Vec<NaiveDate> = start.iter_days().take_while(|d| *d <= finish).filter(|d| working(*d)).collect();
    if days.is_empty() {
        return 0;
    }
    let sunday = monday + Duration::days(6);
    let inside = days.iter().filter(|d| **d >= monday && **d <= sunday).count();
    (i64::from(planned_x100) * inside as i64 / days.len() as i64) as i32
}

/// Load of one person in one week against capacity.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Load {
    pub week: NaiveDate,
    pub planned_x100: i32,
    pub capacity_x100: i32,
    pub over: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn hours() {
        assert_eq!(parse_hours(""), Ok(0));
        assert_eq!(parse_hours("7.5"), Ok(750));
        assert_eq!(parse_hours("0,25"), Ok(25));
        assert_eq!(parse_hours("24"), Ok(2400));
        assert_eq!(parse_hours("24.01"), Err("budget.err.hours_day"));
        assert_eq!(parse_hours("25"), Err("budget.err.hours_day"));
        assert_eq!(parse_hours("-1"), Err("budget.err.hours_format"));
        assert_eq!(parse_hours("1.234"), Err("budget.err.hours_format"));
        assert_eq!(parse_hours("eight"), Err("budget.err.hours_format"));
        assert_eq!(parse_hours("."), Err("budget.err.hours_format"));
        assert_eq!((hours_text(750), hours_text(800), hours_text(25)), ("7.5".into(), "8".into(), "0.25".into()));
    }

    #[test]
    fn weeks() {
        assert_eq!(week_start(d("2026-06-17")), d("2026-06-15"));
        assert_eq!(week_start(d("2026-06-15")), d("2026-06-15"));
        assert_eq!(week_start(d("2026-06-21")), d("2026-06-15"));
    }

    #[test]
    fn rates_change_mid_period_and_fall_back_to_the_role() {
        let rates = [
            Rate { user: Some(7), role: None, rate_minor: 10000, from: d("2026-01-01"), to: Some(d("2026-06-15")) },
            Rate { user: Some(7), role: None, rate_minor: 12000, from: d("2026-06-16"), to: None },
            Rate { user: None, role: Some("member".into()), rate_minor: 6000, from: d("2025-01-01"), to: None },
        ];
        assert_eq!(rate_on(&rates, 7, "member", d("2026-06-15")), Some(10000));
        assert_eq!(rate_on(&rates, 7, "member", d("2026-06-16")), Some(12000));
        assert_eq!(rate_on(&rates, 8, "member", d("2026-06-16")), Some(6000));
        assert_eq!(rate_on(&rates, 8, "consultant", d("2026-06-16")), None);
        assert_eq!(rate_on(&rates, 7, "member", d("2025-12-31")), Some(6000), "before the person's rate: the role's");
        // 7.5 h at 120.00 = 900.00; 0.33 h at 100.01 = 33.0033 → 33.00.
        assert_eq!(labour_cost(750, 12000), Some(90000));
        assert_eq!(labour_cost(33, 10001), Some(3300));
        assert_eq!(labour_cost(i32::MAX, i64::MAX), None);
    }

    #[test]
    fn forecast_and_variance() {
        assert_eq!(forecast(1_000, 400, 300), (1_000, 0));
        assert_eq!(forecast(1_000, 1_200, 300), (1_200, -200));
        assert_eq!(forecast(1_000, 800, 1_100), (1_100, -100));
    }

    /// Loading with a holiday and part-time allocation: week of Mon 2026-06-15, the Dragon
    /// Boat Festival on Fri 2026-06-19 → 4 working days × 8 h × 50 % = 16 h of capacity. An
    /// activity of 45 planned hours over two weeks (9 working days after the holiday, 4 in
    /// the first week) loads 5 h a day: 20 h in the first week (over 16), 25 h in the second.
    #[test]
    fn loading_with_holidays_and_part_time() {
        let holiday = d("2026-06-19");
        let working = |x: NaiveDate| x.weekday().num_days_from_monday() < 5 && x != holiday;
        let monday = d("2026-06-15");
        assert_eq!(capacity_x100(monday, 8, 50, working), 1600);
        // 2026-06-15 .. 2026-06-26 has 9 working days (one holiday): 4 in this week.
        let planned = planned_in_week(4500, d("2026-06-15"), d("2026-06-26"), monday, working);
        assert_eq!(planned, 2000);
        assert_eq!(planned_in_week(4500, d("2026-06-15"), d("2026-06-26"), d("2026-06-22"), working), 2500);
    }
}
