//! "Today" is the project's date in its time zone, not the server's UTC date: a Shanghai
//! team's milestone due on the 3rd is overdue from 00:00 on the 4th in Shanghai.
use crate::entity::project;
use chrono::{NaiveDate, Utc};
use chrono_tz::Tz;

/// The zone a new project gets when none is chosen: `NINEFOLD_TIME_ZONE` if it names a
/// valid IANA zone, else `Asia/Shanghai` (the method's home market).
pub fn default_time_zone() -> String {
    std::env::var("NINEFOLD_TIME_ZONE").ok().filter(|z| valid(z)).unwrap_or_else(|| DEFAULT_ZONE.to_string())
}

pub const DEFAULT_ZONE: &str = "Asia/Shanghai";

pub fn valid(zone: &str) -> bool {
    zone.trim().parse::<Tz>().is_ok()
}

tokio::task_local! {
    /// A fixed "today" for the code running inside `with_today` (tests that work with
    /// fixed dates, so they mean the same next year). Unset in production.
    static FIXED_TODAY: NaiveDate;
}

/// Run `f` with "today" fixed to `date` in every time zone.
pub async fn with_today<F: std::future::Future>(date: NaiveDate, f: F) -> F::Output {
    FIXED_TODAY.scope(date, f).await
}

/// Today's date in `zone` (an unknown zone falls back to the default one).
pub fn today_in(zone: &str) -> NaiveDate {
    if let Ok(d) = FIXED_TODAY.try_with(|d| *d) {
        return d;
    }
    let tz: Tz = zone.trim().parse().unwrap_or(chrono_tz::Asia::Shanghai);
    Utc::now().with_timezone(&tz).date_naive()
}

/// The quarter hour of UTC we are in, as a number: every time zone's midnight falls on a
/// quarter hour, so within one every project's today is the same (a fixed today of tests
/// stands for its own period).
pub fn quarter_hour() -> i64 {
    if let Ok(d) = FIXED_TODAY.try_with(|d| *d) {
        use chrono::Datelike;
        return -i64::from(d.num_days_from_ce());
    }
    Utc::now().timestamp().div_euclid(900)
}

/// The project's today.
pub fn today(p: &project::Model) -> NaiveDate {
    today_in(&p.time_zone)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zones() {
        assert!(valid("Asia/Shanghai") && valid("Europe/Berlin") && valid("UTC"));
        assert!(!valid("Mars/Olympus") && !valid(""));
        // Whatever the hour, Kiritimati (UTC+14) is never behind Pago Pago (UTC−11).
        assert!(today_in("Pacific/Kiritimati") >= today_in("Pacific/Pago_Pago"));
    }

    #[tokio::test]
    async fn a_fixed_today_holds_inside_its_scope_only() {
        let d = NaiveDate::from_ymd_opt(2026, 4, 1).unwrap();
        assert_eq!(with_today(d, async { today_in("Europe/Berlin") }).await, d);
        assert_ne!(today_in("UTC"), d);
    }
}
