//! Writing iCalendar (RFC 5545) feeds: all-day and timed events, escaped and folded.
use chrono::{NaiveDate, NaiveDateTime};

#[derive(Clone, Debug, PartialEq)]
pub enum When {
    /// An all-day event on this date.
    Day(NaiveDate),
    /// A local time (floating, as the project's own clock) and a length in minutes.
    At(NaiveDateTime, i64),
}

#[derive(Clone, Debug, PartialEq)]
pub struct Event {
    /// Stable across feeds so calendars update instead of duplicating.
    pub uid: String,
    pub when: When,
    pub summary: String,
    pub description: String,
}

fn escape(s: &str) -> String {
    s.replace('\\', "\\\\").replace(';', "\\;").replace(',', "\\,").replace("\r\n", "\\n").replace('\n', "\\n")
}

/// Fold a content line at 75 octets without splitting a UTF-8 character.
fn fold(line: &str, out: &mut String) {
    let mut used = 0;
    for c in line.chars() {
        let len = c.len_utf8();
        if used + len > 75 {
            out.push_str("\r\n ");
            used = 1;
        }
        out.push(c);
        used += len;
    }
    out.push_str("\r\n");
}

/// A complete VCALENDAR. `stamp` is the DTSTAMP of every event (UTC, "YYYYMMDDTHHMMSSZ").
pub fn calendar(name: &str, stamp: &str, events: &[Event]) -> String {
    let mut out = String::new();
    for l in [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Ninefold//Project calendar//EN",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
    ] {
        fold(l, &mut out);
    }
    fold(&format!("X-WR-CALNAME:{}", escape(name)), &mut out);
    for e in events {
        fold("BEGIN:VEVENT", &mut out);
        fold(&format!("UID:{}", escape(&e.uid)), &mut out);
        fold(&format!("DTSTAMP:{stamp}"), &mut out);
        match &e.when {
            When::Day(d) => {
                fold(&format!("DTSTART;VALUE=DATE:{}", d.format("%Y%m%d")), &mut out);
                fold(&format!("DTEND;VALUE=DATE:{}", (*d + chrono::Duration::days(1)).format("%Y%m%d")), &mut out);
            }
            When::At(t, minutes) => {
                fold(&format!("DTSTART:{}", t.format("%Y%m%dT%H%M%S")), &mut out);
                fold(
                    &format!("DTEND:{}", (*t + chrono::Duration::minutes(*minutes)).format("%Y%m%dT%H%M%S")),
                    &mut out,
                );
            }
        }
        fold(&format!("SUMMARY:{}", escape(&e.summary)), &mut out);
        if !e.description.is_empty() {
            fold(&format!("DESCRIPTION:{}", escape(&e.description)), &mut out);
        }
        fold("END:VEVENT", &mut out);
    }
    fold("END:VCALENDAR", &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_escaped_folded_events() {
        let d = NaiveDate::from_ymd_opt(2026, 12, 13).unwrap();
        let long = "业务蓝图签署；Business blueprint signed off, with every key process, rule and role agreed by the steering committee";
        let ics = calendar(
            "华美 CRM",
            "20261122T120000Z",
            &[Event {
                uid: "m-1@ninefold".into(),
                when: When::Day(d),
                summary: long.into(),
                description: "a,b;c\nd".into(),
            }],
        );
        assert!(ics.starts_with("BEGIN:VCALENDAR\r\n") && ics.ends_with("END:VCALENDAR\r\n"));
        assert!(ics.contains("DTSTART;VALUE=DATE:20261213\r\nDTEND;VALUE=DATE:20261214"));
        assert!(ics.contains("DESCRIPTION:a\\,b\\;c\\nd"));
        assert!(ics.lines().all(|l| l.len() <= 75), "folded at 75 octets");
        // Unfolding gives the summary back.
        let unfolded = ics.replace("\r\n ", "");
        assert!(unfolded.contains(&format!("SUMMARY:{}", escape(long))));
    }
}
