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

/// Today's date in `zone` (an unknown zone falls back to the default one).
pub fn today_in(zone: &str) -> NaiveDate {
    let tz: Tz = zone.trim().parse().unwrap_or(chrono_tz::Asia::Shanghai);
    Utc::now().with_timezone(&tz).date_naive()
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
}
