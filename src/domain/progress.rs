//! An activity's progress is one fact: its done state, percent complete and actual dates
//! always agree, and actual dates are never in the future. Pure.
use chrono::NaiveDate;

pub const OPEN: &str = "open";
pub const DONE: &str = "done";

/// What is stored for an activity's progress.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Progress {
    pub status: &'static str,
    pub percent: i32,
    pub actual_start: Option<NaiveDate>,
    pub actual_finish: Option<NaiveDate>,
}

/// A date a user typed that lies after `today`: the field to name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FutureDate(pub &'static str);

/// Progress as the form records it. An actual finish means done (100 %); 100 % means done
/// today unless a finish is given; work done or under way has an actual start (the given
/// one, else its finish or today). Dates after today are refused.
pub fn record(
    percent: i32,
    actual_start: Option<NaiveDate>,
    actual_finish: Option<NaiveDate>,
    today: NaiveDate,
) -> Result<Progress, FutureDate> {
    if actual_start.is_some_and(|d| d > today) {
        return Err(FutureDate("actual_start"));
    }
    if actual_finish.is_some_and(|d| d > today) {
        return Err(FutureDate("actual_finish"));
    }
    let percent = percent.clamp(0, 100);
    let finish = actual_finish.or((percent >= 100).then_some(today));
    Ok(match finish {
        Some(f) => Progress {
            status: DONE,
            percent: 100,
            actual_start: Some(actual_start.map_or(f, |s| s.min(f))),
            actual_finish: Some(f),
        },
        None => Progress {
            status: OPEN,
            percent,
            actual_start: if percent > 0 { Some(actual_start.unwrap_or(today)) } else { actual_start },
            actual_finish: None,
        },
    })
}

/// Ticked done (or closed at a gate) on `on`: keeps a recorded start no later than `on`.
pub fn done_on(actual_start: Option<NaiveDate>, on: NaiveDate) -> Progress {
    Progress {
        status: DONE,
        percent: 100,
        actual_start: Some(actual_start.map_or(on, |s| s.min(on))),
        actual_finish: Some(on),
    }
}

/// Opened again: not finished, and no longer 100 %.
pub fn reopened(percent: i32, actual_start: Option<NaiveDate>) -> Progress {
    Progress { status: OPEN, percent: percent.clamp(0, 99), actual_start, actual_finish: None }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn one_fact_from_the_form() {
        let today = d("2026-06-15");
        // A finish date means done at 100 %, whatever percent was typed.
        let p = record(0, None, Some(d("2026-06-10")), today).unwrap();
        assert_eq!(
            (p.status, p.percent, p.actual_start, p.actual_finish),
            (DONE, 100, Some(d("2026-06-10")), Some(d("2026-06-10")))
        );
        // 100 % without a finish is finished today.
        let p = record(100, Some(d("2026-06-01")), None, today).unwrap();
        assert_eq!((p.status, p.actual_finish, p.actual_start), (DONE, Some(today), Some(d("2026-06-01"))));
        // Under way: open, started (today when no start is given).
        let p = record(40, None, None, today).unwrap();
        assert_eq!((p.status, p.percent, p.actual_start, p.actual_finish), (OPEN, 40, Some(today), None));
        // Not started: nothing recorded.
        assert_eq!(record(0, None, None, today).unwrap().actual_start, None);
        // The future is refused, by field.
        assert_eq!(record(10, Some(d("2026-06-16")), None, today), Err(FutureDate("actual_start")));
        assert_eq!(record(10, None, Some(d("2026-07-01")), today), Err(FutureDate("actual_finish")));
    }

    #[test]
    fn ticking_and_reopening() {
        let on = d("2026-06-15");
        assert_eq!(
            done_on(None, on),
            Progress { status: DONE, percent: 100, actual_start: Some(on), actual_finish: Some(on) }
        );
        // A start recorded after the finish day (it cannot be) is brought back to it.
        assert_eq!(done_on(Some(d("2026-06-20")), on).actual_start, Some(on));
        assert_eq!(done_on(Some(d("2026-06-01")), on).actual_start, Some(d("2026-06-01")));
        let r = reopened(100, Some(d("2026-06-01")));
        assert_eq!((r.status, r.percent, r.actual_finish), (OPEN, 99, None));
    }
}
