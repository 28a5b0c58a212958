//! A project's working-day calendar: weekends off, public holidays off, and make-up working
//! days on weekends (调休, as in China's holiday schedule). Pure; dates in, dates out.
use chrono::{Datelike, NaiveDate, Weekday};
use std::collections::BTreeSet;

#[derive(Clone, Debug, Default, PartialEq)]
pub struct WorkCalendar {
    /// Days off that would otherwise be working days.
    pub holidays: BTreeSet<NaiveDate>,
    /// Weekend days that are worked (调休上班).
    pub workdays: BTreeSet<NaiveDate>,
}

impl WorkCalendar {
    pub fn is_working(&self, d: NaiveDate) -> bool {
        if self.workdays.contains(&d) {
            return true;
        }
        !matches!(d.weekday(), Weekday::Sat | Weekday::Sun) && !self.holidays.contains(&d)
    }

    /// The first working day on or after `d`.
    pub fn on_or_after(&self, mut d: NaiveDate) -> NaiveDate {
        // A calendar cannot hold a year of consecutive days off; the bound guards bad data.
        for _ in 0..400 {
            if self.is_working(d) {
                return d;
            }
            // The last representable date has no successor: stop there rather than overflow.
            let Some(next) = d.succ_opt() else { return d };
            d = next;
        }
        d
    }

    /// Working days from `start` (inclusive) to `end` (exclusive); negative when end < start.
    pub fn working_days_between(&self, start: NaiveDate, end: NaiveDate) -> i64 {
        let (a, b, sign) = if end >= start { (start, end, 1) } else { (end, start, -1) };
        let mut n = 0;
        let mut d = a;
        while d < b {
            if self.is_working(d) {
                n += 1;
            }
            let Some(next) = d.succ_opt() else { break };
            d = next;
        }
        n * sign
    }

    /// The working dates from `start` on: index 0 is the first working day on or after
    /// `start`. Scheduling works in these indices and maps back to dates once.
    pub fn working_dates(&self, start: NaiveDate, count: usize) -> Vec<NaiveDate> {
        // Checked: near the end of the calendar there are fewer dates than asked for, and a
        // caller always gets at least one.
        let mut out = Vec::with_capacity(count.min(1 << 16));
        let mut d = start;
        while out.len() < count {
            if self.is_working(d) {
                out.push(d);
            }
            let Some(next) = d.succ_opt() else { break };
            d = next;
        }
        if out.is_empty() {
            out.push(start);
        }
        out
    }
}

/// Parse the holidays and make-up days of an iCalendar file (VEVENTs with DTSTART as a date,
/// optional DTEND exclusive). An event whose summary marks it as worked (班, 上班, 调休上班,
/// "working day", "workday") is a make-up working day; any other event makes its days holidays.
/// Returns the dates and a list of lines that could not be read.
pub fn parse_ics_holidays(text: &str) -> (WorkCalendar, Vec<usize>) {
    let mut cal = WorkCalendar::default();
    let mut bad = vec![];
    let (mut start, mut end, mut summary, mut in_event) = (None::<NaiveDate>, None::<NaiveDate>, String::new(), false);
    // Unfold continuation lines (RFC 5545 §3.1) while keeping the first line number.
    let mut lines: Vec<(usize, String)> = vec![];
    for (i, raw) in text.lines().enumerate() {
        let raw = raw.trim_end_matches('\r');
        if (raw.starts_with(' ') || raw.starts_with('\t')) && !lines.is_empty() {
            if let Some(last) = lines.last_mut() {
                last.1.push_str(&raw[1..]);
            }
        } else {
            lines.push((i + 1, raw.to_string()));
        }
    }
    // A date outside the bounds every form keeps (2000–2100) is a bad line like an unreadable one.
    let date_of = |v: &str| {
        NaiveDate::parse_from_str(v.get(..8).unwrap_or(v), "%Y%m%d").ok().filter(|d| super::bounds::date_ok(*d))
    };
    for (n, line) in lines {
        let (name, value) = match line.split_once(':') {
            Some((k, v)) => (k.split(';').next().unwrap_or("").to_ascii_uppercase(), v.trim().to_string()),
            None => continue,
        };
        match name.as_str() {
            "BEGIN" if value == "VEVENT" => {
                in_event = true;
                (start, end, summary) = (None, None, String::new());
            }
            "DTSTART" if in_event => {
                start = date_of(&value);
                if start.is_none() {
                    bad.push(n);
                }
            }
            "DTEND" if in_event => {
                end = date_of(&value);
                if end.is_none() {
                    bad.push(n);
                }
            }
            "SUMMARY" if in_event => summary = value,
            "END" if value == "VEVENT" && in_event => {
                in_event = false;
                let Some(s) = start else { continue };
                let e = end.filter(|e| *e > s).or(s.succ_opt()).unwrap_or(s);
                let lower = summary.to_lowercase();
                let worked = summary.contains('班') || lower.contains("working day") || lower.contains("workday");
                let mut d = s;
                while d < e && (d - s).num_days() < 60 {
                    if worked {
                        cal.workdays.insert(d);
                    } else {
                        cal.holidays.insert(d);
                    }
                    let Some(next) = d.succ_opt() else { break };
                    d = next;
                }
            }
            _ => {}
        }
    }
    (cal, bad)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn no_overflow_at_the_end_of_time() {
        let c = WorkCalendar::default();
        let end = NaiveDate::MAX;
        assert!(c.working_dates(end, 5).len() <= 5);
        assert!(!c.working_dates(end, 5).is_empty());
        let _ = c.on_or_after(end);
        assert!(c.working_days_between(end.pred_opt().unwrap(), end) <= 1);
        let (_, bad) = parse_ics_holidays("BEGIN:VEVENT\nDTSTART;VALUE=DATE:99991231\nEND:VEVENT\n");
        assert_eq!(bad, [2], "a year out of bounds is a bad line");
    }

    /// National Day 2026 in China: 1–7 October off, Sunday 27 Sept and Saturday 10 Oct worked.
    pub fn national_day() -> WorkCalendar {
        let mut c = WorkCalendar::default();
        for day in 1..=7 {
            c.holidays.insert(NaiveDate::from_ymd_opt(2026, 10, day).unwrap());
        }
        c.workdays.insert(d("2026-09-27"));
        c.workdays.insert(d("2026-10-10"));
        c
    }

    #[test]
    fn holidays_and_make_up_days() {
        let c = national_day();
        assert!(c.is_working(d("2026-09-27")), "make-up Sunday");
        assert!(!c.is_working(d("2026-10-01")));
        assert!(c.is_working(d("2026-10-10")), "make-up Saturday");
        assert!(!c.is_working(d("2026-10-11")), "ordinary Sunday");
        assert_eq!(c.on_or_after(d("2026-10-01")), d("2026-10-08"));
        // 28 Sep – 9 Oct: Mon 28, Tue 29, Wed 30, Thu 8, Fri 9 = 5 working days.
        assert_eq!(c.working_days_between(d("2026-09-28"), d("2026-10-10")), 5);
        assert_eq!(c.working_days_between(d("2026-10-10"), d("2026-09-28")), -5);
        let w = c.working_dates(d("2026-10-07"), 3);
        assert_eq!(w, [d("2026-10-08"), d("2026-10-09"), d("2026-10-10")]);
    }

    #[test]
    fn reads_holidays_from_icalendar() {
        let ics = "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nDTSTART;VALUE=DATE:20261001\r\nDTEND;VALUE=DATE:20261008\r\nSUMMARY:国庆节\r\nEND:VEVENT\r\nBEGIN:VEVENT\r\nDTSTART;VALUE=DATE:20261010\r\nSUMMARY:国庆节调休\r\n 上班\r\nEND:VEVENT\r\nBEGIN:VEVENT\r\nDTSTART:garbage\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";
        let (c, bad) = parse_ics_holidays(ics);
        assert_eq!(c.holidays.len(), 7);
        assert!(c.workdays.contains(&d("2026-10-10")));
        assert_eq!(bad, [13]);
    }
}
