//! Initial dates of a project built from a playbook: phases back to back from the start
//! date, each lasting its default number of weeks; activities and deliverables take their
//! phase's window until someone plans them in detail.
use chrono::{Duration, NaiveDate};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Window {
    pub start: NaiveDate,
    /// Inclusive last day.
    pub finish: NaiveDate,
}

/// One window per phase, in order. Fails only for dates past the calendar's end.
pub fn back_to_back(start: NaiveDate, weeks: &[u32]) -> Option<Vec<Window>> {
    let mut out = Vec::with_capacity(weeks.len());
    let mut next = start;
    for &w in weeks {
        let days = i64::from(w.max(1)) * 7;
        let finish = next.checked_add_signed(Duration::days(days - 1))?;
        out.push(Window { start: next, finish });
        next = finish.succ_opt()?;
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn phases_follow_each_other() {
        let w = back_to_back(d("2026-03-02"), &[4, 2, 6]).unwrap();
        assert_eq!(w[0], Window { start: d("2026-03-02"), finish: d("2026-03-29") });
        assert_eq!(w[1], Window { start: d("2026-03-30"), finish: d("2026-04-12") });
        assert_eq!(w[2], Window { start: d("2026-04-13"), finish: d("2026-05-24") });
        // Across a leap day.
        let w = back_to_back(d("2028-02-20"), &[2]).unwrap();
        assert_eq!(w[0].finish, d("2028-03-04"));
        assert!(back_to_back(NaiveDate::MAX, &[1]).is_none());
    }
}
