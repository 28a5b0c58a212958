//! Hypercare after go-live (phase 8): service levels by severity, their deadlines and
//! breaches, the daily open/closed counts and the exit criteria. Pure.
//!
//! Severities 1 and 2 run on a 24×7 clock (real elapsed minutes, so a change of daylight
//! saving time neither adds nor removes any); 3 and 4 on business hours, Monday to Friday
//! 09:00–18:00 in the project's time zone, the window's ends taken as local wall-clock
//! times on each day (so the deadline moves with daylight saving time). A service level is
//! breached when the response or resolution came (or, while missing, `now` is) strictly
//! after the deadline: at the deadline's minute it is met, one minute later breached.
use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveTime, TimeZone, Utc, Weekday};
use chrono_tz::Tz;
use serde::Serialize;

pub const SEVERITIES: [i32; 4] = [1, 2, 3, 4];
pub const CHANNELS: &[&str] = &["phone", "email", "portal", "walk_in"];
pub const STATUSES: &[&str] = &["open", "in_progress", "resolved", "closed"];

/// Business hours (local): 09:00 to 18:00 on weekdays.
pub const DAY_START_H: u32 = 9;
pub const DAY_END_H: u32 = 18;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Sla {
    pub severity: i32,
    /// Minutes to the first response.
    pub response_min: i64,
    /// Minutes to resolution.
    pub resolution_min: i64,
    /// Counted in business hours (else around the clock).
    pub business_hours: bool,
}

/// The service levels: severity 1 answered in 30 minutes and resolved in 4 hours around the
/// clock; 2 in 2 and 8 hours around the clock; 3 in 4 business hours and 3 business days
/// (27 h); 4 in one business day (9 h) and 5 business days (45 h).
pub const SLAS: [Sla; 4] = [
    Sla { severity: 1, response_min: 30, resolution_min: 240, business_hours: false },
    Sla { severity: 2, response_min: 120, resolution_min: 480, business_hours: false },
    Sla { severity: 3, response_min: 240, resolution_min: 27 * 60, business_hours: true },
    Sla { severity: 4, response_min: 9 * 60, resolution_min: 45 * 60, business_hours: true },
];

pub fn sla(severity: i32) -> Option<Sla> {
    SLAS.iter().copied().find(|s| s.severity == severity)
}

/// An instant truncated to its minute (service levels are judged in whole minutes).
pub fn minute(t: DateTime<Utc>) -> DateTime<Utc> {
    DateTime::from_timestamp(t.timestamp().div_euclid(60) * 60, 0).unwrap_or(t)
}

/// A local wall-clock time as an instant (in a gap of daylight saving time: the first
/// instant after the gap; in an overlap: the earlier one).
fn at_local(tz: Tz, d: NaiveDate, h: u32) -> DateTime<Utc> {
    let naive = d.and_time(NaiveTime::from_hms_opt(h, 0, 0).unwrap_or_default());
    match tz.from_local_datetime(&naive).earliest() {
        Some(t) => t.with_timezone(&Utc),
        None => {
            // In a DST gap: an hour later exists.
            let later = naive + Duration::hours(1);
            tz.from_local_datetime(&later)
                .earliest()
                .map_or_else(|| Utc.from_utc_datetime(&naive), |t| t.with_timezone(&Utc))
        }
    }
}

fn weekday(d: NaiveDate) -> bool {
    !matches!(d.weekday(), Weekday::Sat | Weekday::Sun)
}

/// When `minutes` of service time have passed after `from`.
pub fn deadline(from: DateTime<Utc>, minutes: i64, business_hours: bool, tz: Tz) -> DateTime<Utc> {
    let from = minute(from);
    if !business_hours {
        return from + Duration::minutes(minutes);
    }
    let mut left = minutes;
    let mut day = from.with_timezone(&tz).date_naive();
    // At most a few years of business days; bounded so no input loops forever.
    for _ in 0..4000 {
        if weekday(day) {
            let open = at_local(tz, day, DAY_START_H).max(from);
            let close = at_local(tz, day, DAY_END_H);
            if open < close {
                let avail = (close - open).num_minutes();
                if left <= avail {
                    return open + Duration::minutes(left);
                }
                left -= avail;
            }
        }
        day = match day.succ_opt() {
            Some(d) => d,
            None => break,
        };
    }
    from + Duration::minutes(minutes)
}

/// An issue's facts for its service levels.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Clock {
    pub severity: i32,
    pub opened: DateTime<Utc>,
    pub responded: Option<DateTime<Utc>>,
    pub resolved: Option<DateTime<Utc>>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct SlaState {
    pub response_due: DateTime<Utc>,
    pub resolution_due: DateTime<Utc>,
    pub response_breached: bool,
    pub resolution_breached: bool,
    /// Minutes left to the next deadline not yet met (negative: overdue); None when both
    /// are met.
    pub minutes_left: Option<i64>,
}

/// The service-level state of an issue at `now`.
pub fn state(c: &Clock, now: DateTime<Utc>, tz: Tz) -> SlaState {
    let s = sla(c.severity).unwrap_or(SLAS[3]);
    let response_due = deadline(c.opened, s.response_min, s.business_hours, tz);
    let resolution_due = deadline(c.opened, s.resolution_min, s.business_hours, tz);
    let now = minute(now);
    let late = |done: Option<DateTime<Utc>>, due: DateTime<Utc>| done.map_or(now, minute) > due;
    let next = match (c.responded, c.resolved) {
        (_, Some(_)) => None,
        (None, None) => Some(response_due),
        (Some(_), None) => Some(resolution_due),
    };
    SlaState {
        response_breached: late(c.responded.or(c.resolved), response_due),
        resolution_breached: late(c.resolved, resolution_due),
        minutes_left: next.map(|d| (d - now).num_minutes()),
        response_due,
        resolution_due,
    }
}

/// Issues opened and closed on each day, and open at its end.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Day {
    pub date: NaiveDate,
    pub opened: usize,
    pub closed: usize,
    pub open_at_end: usize,
}

/// Daily counts from the first issue's day to `today` (dates local in `tz`).
pub fn daily(issues: &[Clock], today: NaiveDate, tz: Tz) -> Vec<Day> {
    let local = |t: DateTime<Utc>| t.with_timezone(&tz).date_naive();
    let Some(first) = issues.iter().map(|i| local(i.opened)).min() else { return vec![] };
    let mut out = vec![];
    let mut d = first;
    while d <= today && out.len() < 3660 {
        let opened = issues.iter().filter(|i| local(i.opened) == d).count();
        let closed = issues.iter().filter(|i| i.resolved.is_some_and(|r| local(r) == d)).count();
        let open_at_end =
            issues.iter().filter(|i| local(i.opened) <= d && i.resolved.is_none_or(|r| local(r) > d)).count();
        out.push(Day { date: d, opened, closed, open_at_end });
        d = match d.succ_opt() {
            Some(n) => n,
            None => break,
        };
    }
    out
}

/// The exit criteria of hypercare and where the project stands against them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[schema(as = HypercareExit)]
pub struct Exit {
    /// Days without any severity-1 issue open (since the last one was resolved, or since
    /// the first issue when there never was one); 0 while one is open.
    pub days_without_sev1: i64,
    pub sev1_days_required: i64,
    /// Issues opened in the last 7 days.
    pub opened_last_7_days: usize,
    pub weekly_volume_max: usize,
    pub open_now: usize,
    pub met: bool,
}

/// Hypercare may end when no severity-1 issue has been open for `sev1_days` days and at most
/// `weekly_max` issues were opened in the last seven days.
pub fn exit(issues: &[Clock], now: DateTime<Utc>, tz: Tz, sev1_days: i64, weekly_max: usize) -> Exit {
    let today = now.with_timezone(&tz).date_naive();
    let local = |t: DateTime<Utc>| t.with_timezone(&tz).date_naive();
    let sev1_open = issues.iter().any(|i| i.severity == 1 && i.resolved.is_none());
    let last_sev1 = issues.iter().filter(|i| i.severity == 1).filter_map(|i| i.resolved).map(local).max();
    let since = last_sev1.or_else(|| issues.iter().map(|i| local(i.opened)).min());
    let days = if sev1_open { 0 } else { since.map_or(0, |d| (today - d).num_days().max(0)) };
    let week_ago = today - Duration::days(6);
    let opened_last_7_days = issues.iter().filter(|i| local(i.opened) >= week_ago).count();
    Exit {
        days_without_sev1: days,
        sev1_days_required: sev1_days,
        opened_last_7_days,
        weekly_volume_max: weekly_max,
        open_now: issues.iter().filter(|i| i.resolved.is_none()).count(),
        met: !issues.is_empty() && days >= sev1_days && opened_last_7_days <= weekly_max,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc(y: i32, mo: u32, d: u32, h: u32, mi: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(y, mo, d, h, mi, 0).unwrap()
    }
    const SH: Tz = chrono_tz::Asia::Shanghai;
    const BERLIN: Tz = chrono_tz::Europe::Berlin;

    #[test]
    fn business_hours_in_shanghai_skip_the_weekend() {
        // Friday 2 October 2026, 17:30 Shanghai (09:30 UTC), severity 3: 30 minutes on
        // Friday, 210 on Monday from 09:00 → Monday 12:30 Shanghai = 04:30 UTC.
        let opened = utc(2026, 10, 2, 9, 30);
        assert_eq!(deadline(opened, 240, true, SH), utc(2026, 10, 5, 4, 30));
        // Opened on Saturday: the clock starts Monday 09:00.
        assert_eq!(deadline(utc(2026, 10, 3, 2, 0), 60, true, SH), utc(2026, 10, 5, 2, 0));
        // Opened before hours: from 09:00 the same day.
        assert_eq!(deadline(utc(2026, 10, 5, 0, 0), 60, true, SH), utc(2026, 10, 5, 2, 0));
        // Severity 4 resolution: 45 business hours = 5 full days from Monday 09:00 → Friday 18:00.
        assert_eq!(deadline(utc(2026, 10, 5, 1, 0), 45 * 60, true, SH), utc(2026, 10, 9, 10, 0));
    }

    #[test]
    fn breaches_at_exact_minute_boundaries() {
        let opened = utc(2026, 10, 2, 9, 30);
        let c = |responded| Clock { severity: 3, opened, responded: Some(responded), resolved: None };
        let now = utc(2026, 10, 5, 4, 0);
        assert!(!state(&c(utc(2026, 10, 5, 4, 30)), now, SH).response_breached);
        // 59 seconds past is still the deadline's minute; the next minute is a breach.
        assert!(!state(&c(utc(2026, 10, 5, 4, 30) + Duration::seconds(59)), now, SH).response_breached);
        assert!(state(&c(utc(2026, 10, 5, 4, 31)), now, SH).response_breached);
        // Not yet answered: judged at `now`.
        let open = Clock { severity: 3, opened, responded: None, resolved: None };
        assert!(!state(&open, utc(2026, 10, 5, 4, 30), SH).response_breached);
        assert_eq!(state(&open, utc(2026, 10, 5, 4, 30), SH).minutes_left, Some(0));
        assert!(state(&open, utc(2026, 10, 5, 4, 31), SH).response_breached);
        assert_eq!(state(&open, utc(2026, 10, 5, 4, 31), SH).minutes_left, Some(-1));
    }

    #[test]
    fn daylight_saving_time() {
        // Berlin switches to summer time on Sunday 29 March 2026. Opened Friday 27 March
        // 17:00 CET (16:00 UTC), severity 3 (240 business minutes): 60 on Friday, 180 on
        // Monday from 09:00 CEST (07:00 UTC) → 12:00 CEST = 10:00 UTC.
        assert_eq!(deadline(utc(2026, 3, 27, 16, 0), 240, true, BERLIN), utc(2026, 3, 30, 10, 0));
        // Around the clock, real minutes: Saturday 23:00 CET (22:00 UTC) + 4 h = 02:00 UTC,
        // which Berlin's clocks show as 04:00 CEST (the hour 02:00–03:00 did not exist).
        let due = deadline(utc(2026, 3, 28, 22, 0), 240, false, BERLIN);
        assert_eq!(due, utc(2026, 3, 29, 2, 0));
        assert_eq!(due.with_timezone(&BERLIN).format("%H:%M").to_string(), "04:00");
        // Autumn: 25 October 2026 back to CET. Friday 23 October 17:00 CEST (15:00 UTC),
        // 240 business minutes → Monday 26 October 12:00 CET = 11:00 UTC.
        assert_eq!(deadline(utc(2026, 10, 23, 15, 0), 240, true, BERLIN), utc(2026, 10, 26, 11, 0));
    }

    #[test]
    fn severity_one_runs_around_the_clock() {
        let s = state(
            &Clock {
                severity: 1,
                opened: utc(2026, 10, 3, 14, 0),
                responded: Some(utc(2026, 10, 3, 14, 31)),
                resolved: None,
            },
            utc(2026, 10, 3, 15, 0),
            SH,
        );
        assert!(s.response_breached && !s.resolution_breached);
        assert_eq!(s.resolution_due, utc(2026, 10, 3, 18, 0));
        assert_eq!(s.minutes_left, Some(180));
    }

    #[test]
    fn daily_counts_and_exit() {
        let i = |sev, o: DateTime<Utc>, r: Option<DateTime<Utc>>| Clock {
            severity: sev,
            opened: o,
            responded: r,
            resolved: r,
        };
        // Local dates in Shanghai: 23:30 UTC on the 5th is the 6th there.
        let issues = [
            i(1, utc(2026, 10, 5, 1, 0), Some(utc(2026, 10, 5, 5, 0))),
            i(3, utc(2026, 10, 5, 23, 30), None),
            i(2, utc(2026, 10, 6, 2, 0), Some(utc(2026, 10, 8, 2, 0))),
        ];
        let d = daily(&issues, NaiveDate::from_ymd_opt(2026, 10, 8).unwrap(), SH);
        assert_eq!(d.len(), 4);
        assert_eq!((d[0].opened, d[0].closed, d[0].open_at_end), (1, 1, 0));
        assert_eq!((d[1].opened, d[1].closed, d[1].open_at_end), (2, 0, 2));
        assert_eq!((d[3].opened, d[3].closed, d[3].open_at_end), (0, 1, 1));
        // The severity-1 issue was resolved on the 5th: 14 days later, on the 19th, the
        // criterion is met; on the 18th not yet.
        let e = exit(&issues, utc(2026, 10, 18, 4, 0), SH, 14, 5);
        assert_eq!((e.days_without_sev1, e.met), (13, false));
        let e = exit(&issues, utc(2026, 10, 19, 4, 0), SH, 14, 5);
        assert_eq!((e.days_without_sev1, e.opened_last_7_days, e.open_now, e.met), (14, 0, 1, true));
        // A severity-1 issue open resets the count.
        let mut more = issues.to_vec();
        more.push(i(1, utc(2026, 10, 19, 1, 0), None));
        assert_eq!(exit(&more, utc(2026, 10, 19, 4, 0), SH, 14, 5).days_without_sev1, 0);
    }
}
