//! Effort and its cost: hours as typed on a timesheet, cost rates with validity dates, the
//! week of a day, and the control figures of a budget row. Pure; hours are hundredths.
use super::calendar::WorkCalendar;
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

/// The working hours of a project calendar's working day (the calendar keeps days, not
/// hours: a standard eight-hour day).
pub const HOURS_PER_DAY: i32 = 8;

/// The longest window planned hours are spread over (ten years of days): bad data cannot
/// make the spread loop run away.
const MAX_SPAN_DAYS: i64 = 3660;

/// Planned hours spread evenly over the working days of `start..=finish`, as (Monday,
/// hundredths) per week touched. The shares add up to exactly `planned_x100` (cumulative
/// rounding); no working day in the window → nothing.
pub fn spread(
    planned_x100: i64,
    start: NaiveDate,
    finish: NaiveDate,
    working: impl Fn(NaiveDate) -> bool,
) -> Vec<(NaiveDate, i64)> {
    if finish < start || planned_x100 <= 0 || (finish - start).num_days() > MAX_SPAN_DAYS {
        return vec![];
    }
    let mut weeks: Vec<(NaiveDate, i64)> = vec![];
    let mut d = start;
    while d <= finish {
        if working(d) {
            let w = week_start(d);
            match weeks.last_mut() {
                Some((m, n)) if *m == w => *n += 1,
                _ => weeks.push((w, 1)),
            }
        }
        let Some(next) = d.succ_opt() else { break };
        d = next;
    }
    let days: i64 = weeks.iter().map(|(_, n)| n).sum();
    if days == 0 {
        return vec![];
    }
    let (mut seen, mut given) = (0i64, 0i64);
    weeks
        .into_iter()
        .map(|(w, n)| {
            seen += n;
            let upto = (i128::from(planned_x100) * i128::from(seen) / i128::from(days)) as i64;
            let share = upto - given;
            given = upto;
            (w, share)
        })
        .collect()
}

/// One piece of planned work of a person: hours on an activity of a project, over the
/// activity's planned window.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Planned {
    pub project: i32,
    pub hours_x100: i32,
    pub start: NaiveDate,
    pub finish: NaiveDate,
}

/// A person's capacity in one project: the share of their time the project's organisation
/// gives it (allocation %, summed over their places in the tiers, at most 100) and the
/// project's working-day calendar.
#[derive(Clone, Debug)]
pub struct Capacity<'a> {
    pub project: i32,
    pub allocation_pct: i32,
    pub calendar: &'a WorkCalendar,
}

/// One project's share of a person's week.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ProjectWeek {
    pub project: i32,
    pub planned_x100: i64,
    pub capacity_x100: i64,
    pub over: bool,
}

/// Load of one person in one week against capacity, over all their projects: over when the
/// planned hours exceed the capacity in any project, or in total.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Load {
    pub week: NaiveDate,
    pub planned_x100: i64,
    pub capacity_x100: i64,
    pub over: bool,
    pub projects: Vec<ProjectWeek>,
}

/// Resource loading of one person for `weeks` weeks from the week of `from`: planned hours
/// from the assignments (spread over each activity's working days in its project's
/// calendar) against capacity (allocation % × `HOURS_PER_DAY` × the project calendar's
/// working days of the week; holidays excluded, make-up days included). Work in a project
/// without a capacity entry has no capacity there (allocation 0) and uses plain weekends.
pub fn loading(planned: &[Planned], capacities: &[Capacity], from: NaiveDate, weeks: usize) -> Vec<Load> {
    let first = week_start(from);
    let plain = WorkCalendar::default();
    let mut projects: Vec<i32> = capacities.iter().map(|c| c.project).collect();
    for p in planned {
        if !projects.contains(&p.project) {
            projects.push(p.project);
        }
    }
    let cap_of = |pid: i32| capacities.iter().find(|c| c.project == pid);
    let mut out: Vec<Load> = (0..weeks)
        .map(|i| {
            let week = first + Duration::weeks(i as i64);
            let projects = projects
                .iter()
                .map(|&pid| {
                    let (pct, cal) = cap_of(pid).map_or((0, &plain), |c| (c.allocation_pct.clamp(0, 100), c.calendar));
                    let cap = capacity_x100(week, HOURS_PER_DAY, pct, |d| cal.is_working(d));
                    ProjectWeek { project: pid, planned_x100: 0, capacity_x100: i64::from(cap), over: false }
                })
                .collect();
            Load { week, planned_x100: 0, capacity_x100: 0, over: false, projects }
        })
        .collect();
    let last = first + Duration::weeks(weeks as i64);
    for p in planned {
        if p.finish < first || p.start >= last {
            continue;
        }
        let cal = cap_of(p.project).map_or(&plain, |c| c.calendar);
        let Some(col) = projects.iter().position(|x| *x == p.project) else { continue };
        for (monday, h) in spread(i64::from(p.hours_x100), p.start, p.finish, |d| cal.is_working(d)) {
            if monday < first || monday >= last {
                continue;
            }
            let i = ((monday - first).num_days() / 7) as usize;
            if let Some(cell) = out.get_mut(i).and_then(|w| w.projects.get_mut(col)) {
                cell.planned_x100 = cell.planned_x100.saturating_add(h);
            }
        }
    }
    for w in &mut out {
        for c in &mut w.projects {
            c.over = c.planned_x100 > c.capacity_x100;
        }
        w.planned_x100 = w.projects.iter().map(|c| c.planned_x100).fold(0, i64::saturating_add);
        w.capacity_x100 = w.projects.iter().map(|c| c.capacity_x100).fold(0, i64::saturating_add);
        w.over = w.planned_x100 > w.capacity_x100 || w.projects.iter().any(|c| c.over);
    }
    out
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

    /// The same picture through `loading`, on a project calendar with the Dragon Boat
    /// Festival (Fri 2026-06-19) off and a make-up Saturday (2026-06-27) worked: the person
    /// gives the project 50 %. Week 1: 4 working days × 8 h × 50 % = 16 h capacity; 45 h over
    /// 2026-06-15..2026-06-26 (9 working days, 5 h a day) → 20 h: over. Week 2: 5 days → 20 h
    /// capacity, 25 h planned: over. Week 3 (with the make-up Saturday, 6 days → 24 h) has
    /// nothing planned.
    #[test]
    fn loading_per_week_with_holidays_make_up_days_and_part_time() {
        let mut cal = WorkCalendar::default();
        cal.holidays.insert(d("2026-06-19"));
        cal.workdays.insert(d("2026-07-04"));
        let caps = [Capacity { project: 1, allocation_pct: 50, calendar: &cal }];
        let work = [Planned { project: 1, hours_x100: 4500, start: d("2026-06-15"), finish: d("2026-06-26") }];
        let l = loading(&work, &caps, d("2026-06-17"), 3);
        assert_eq!(l.len(), 3);
        assert_eq!(l[0].week, d("2026-06-15"));
        assert_eq!((l[0].planned_x100, l[0].capacity_x100, l[0].over), (2000, 1600, true));
        assert_eq!((l[1].planned_x100, l[1].capacity_x100, l[1].over), (2500, 2000, true));
        // Week of 2026-06-29 with the make-up Saturday 2026-07-04: 6 days × 8 h × 50 % = 24 h.
        assert_eq!((l[2].planned_x100, l[2].capacity_x100, l[2].over), (0, 2400, false));
        // Full time the same work fits: 32 h and 40 h of capacity.
        let full = [Capacity { project: 1, allocation_pct: 100, calendar: &cal }];
        let l = loading(&work, &full, d("2026-06-15"), 2);
        assert_eq!((l[0].capacity_x100, l[0].over, l[1].capacity_x100, l[1].over), (3200, false, 4000, false));
    }

    /// A consultant on two projects, 50 % each, with a holiday only in project 2's calendar:
    /// each project's share is judged on its own capacity, and the week in total.
    #[test]
    fn loading_across_projects() {
        let plain = WorkCalendar::default();
        let mut cn = WorkCalendar::default();
        cn.holidays.insert(d("2026-06-19"));
        let caps = [
            Capacity { project: 1, allocation_pct: 50, calendar: &plain },
            Capacity { project: 2, allocation_pct: 50, calendar: &cn },
        ];
        // Project 1: 20 h in the week (5 days) = its 20 h capacity; project 2: 20 h over its
        // 4 working days against 16 h capacity → over in project 2 and in total (40 > 36).
        let work = [
            Planned { project: 1, hours_x100: 2000, start: d("2026-06-15"), finish: d("2026-06-19") },
            Planned { project: 2, hours_x100: 2000, start: d("2026-06-15"), finish: d("2026-06-19") },
        ];
        let l = loading(&work, &caps, d("2026-06-15"), 1);
        let w = &l[0];
        assert_eq!(w.projects[0], ProjectWeek { project: 1, planned_x100: 2000, capacity_x100: 2000, over: false });
        assert_eq!(w.projects[1], ProjectWeek { project: 2, planned_x100: 2000, capacity_x100: 1600, over: true });
        assert_eq!((w.planned_x100, w.capacity_x100, w.over), (4000, 3600, true));
        // Work in a project the person has no place in: no capacity there, flagged.
        let stray = [Planned { project: 3, hours_x100: 100, start: d("2026-06-15"), finish: d("2026-06-15") }];
        let l = loading(&stray, &caps, d("2026-06-15"), 1);
        assert_eq!(l[0].projects[2], ProjectWeek { project: 3, planned_x100: 100, capacity_x100: 0, over: true });
        // An allocation above 100 % counts as all of the person's time.
        let greedy = [Capacity { project: 1, allocation_pct: 150, calendar: &plain }];
        assert_eq!(loading(&[], &greedy, d("2026-06-15"), 1)[0].capacity_x100, 4000);
    }

    #[test]
    fn spread_keeps_the_total() {
        let wd = |x: NaiveDate| x.weekday().num_days_from_monday() < 5;
        // 10 h over 3 working days across a weekend: 3.33 + 6.67 (cumulative rounding).
        let s = spread(1000, d("2026-06-19"), d("2026-06-23"), wd);
        assert_eq!(s, vec![(d("2026-06-15"), 333), (d("2026-06-22"), 667)]);
        assert_eq!(spread(1000, d("2026-06-20"), d("2026-06-21"), wd), vec![], "a weekend only");
        assert_eq!(spread(1000, d("2026-06-23"), d("2026-06-19"), wd), vec![], "finish before start");
        assert_eq!(spread(1000, d("2000-01-01"), d("2030-01-01"), wd), vec![], "runaway window");
    }
}
