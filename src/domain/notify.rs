//! Notifications: their kinds, how each is delivered by default, when a user's digest is
//! due in their own time zone, and the order a digest lists things in. Pure; no I/O.
use chrono::{DateTime, Datelike, NaiveDate, Timelike, Utc};
use chrono_tz::Tz;

/// What a user is told about.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// A deliverable or activity was given to them.
    Assignment,
    /// A deliverable was submitted for review (to its reviewers).
    Submitted,
    /// Their deliverable was returned with a comment.
    Returned,
    /// Their deliverable was accepted.
    Accepted,
    /// Something waits for their approval (business case, deliverables, gates, change requests).
    Approval,
    /// A phase gate was decided.
    GateDecided,
    /// An action, deliverable or milestone is due within three days.
    DueSoon,
    /// … or is overdue.
    Overdue,
    /// Someone mentioned them in a comment.
    Mention,
}

impl Kind {
    pub const ALL: [Kind; 9] = [
        Kind::Assignment,
        Kind::Submitted,
        Kind::Returned,
        Kind::Accepted,
        Kind::Approval,
        Kind::GateDecided,
        Kind::DueSoon,
        Kind::Overdue,
        Kind::Mention,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Assignment => "assignment",
            Kind::Submitted => "submitted",
            Kind::Returned => "returned",
            Kind::Accepted => "accepted",
            Kind::Approval => "approval",
            Kind::GateDecided => "gate_decided",
            Kind::DueSoon => "due_soon",
            Kind::Overdue => "overdue",
            Kind::Mention => "mention",
        }
    }

    pub fn parse(s: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// Until a user chooses: reminders of dates come in the daily digest, the rest at once.
    pub fn default_mode(self) -> Mode {
        match self {
            Kind::DueSoon | Kind::Overdue => Mode::Daily,
            _ => Mode::Immediately,
        }
    }
}

/// How a kind of notification reaches a user by e-mail (it is in the inbox whatever the mode).
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Mode {
    Immediately,
    Daily,
    Weekly,
    Off,
}

impl Mode {
    pub const ALL: [Mode; 4] = [Mode::Immediately, Mode::Daily, Mode::Weekly, Mode::Off];
    pub fn as_str(self) -> &'static str {
        match self {
            Mode::Immediately => "immediately",
            Mode::Daily => "daily",
            Mode::Weekly => "weekly",
            Mode::Off => "off",
        }
    }
    pub fn parse(s: &str) -> Option<Mode> {
        Mode::ALL.into_iter().find(|m| m.as_str() == s)
    }
}

/// Days ahead that count as "due soon".
pub const DUE_SOON_DAYS: i64 = 3;

/// A user's digest schedule.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Schedule {
    pub time_zone: String,
    /// Local hour 0–23.
    pub hour: u32,
    /// Weekday of the weekly digest, 1 = Monday … 7 = Sunday.
    pub weekly_day: u32,
    pub last_daily: Option<NaiveDate>,
    pub last_weekly: Option<NaiveDate>,
}

/// Which digests are due at `now`: the local date of the daily one, and of the weekly one.
/// A digest is due once its local hour has come on a local date it was not yet made for
/// (so a server that was down at that hour sends it when it is back, the same day).
pub fn digests_due(s: &Schedule, now: DateTime<Utc>) -> (Option<NaiveDate>, Option<NaiveDate>) {
    let tz: Tz = s.time_zone.parse().unwrap_or(chrono_tz::Asia::Shanghai);
    let local = now.with_timezone(&tz);
    let date = local.date_naive();
    if local.hour() < s.hour {
        return (None, None);
    }
    let daily = (s.last_daily < Some(date)).then_some(date);
    let weekly = (local.weekday().number_from_monday() == s.weekly_day && s.last_weekly < Some(date)).then_some(date);
    (daily, weekly)
}

/// A line of a digest: its project (name) and whether it is overdue, with a sort tie-break.
pub trait DigestLine {
    fn project(&self) -> &str;
    fn overdue(&self) -> bool;
    fn at(&self) -> DateTime<Utc>;
}

/// A digest's order: grouped by project (by name), in each group overdue first, then oldest first.
pub fn digest_order<T: DigestLine>(lines: &mut [T]) {
    lines.sort_by(|a, b| a.project().cmp(b.project()).then(b.overdue().cmp(&a.overdue())).then(a.at().cmp(&b.at())));
}

/// The `@mentions` of a comment: `@` followed by a member's e-mail address or their name's
/// handle (the name without spaces, case-insensitive). Returns the indexes of `members`
/// (name, e-mail) that are mentioned, each once, in the order of `members`.
pub fn mentions(text: &str, members: &[(String, String)]) -> Vec<usize> {
    let tokens: Vec<String> = text
        .split(|c: char| {
            c.is_whitespace() || matches!(c, ',' | ';' | '(' | ')' | '，' | '。' | '；' | '：' | '!' | '?')
        })
        .filter_map(|w| w.strip_prefix('@'))
        .map(|w| w.trim_end_matches(['.', ':', '!', '?']).to_lowercase())
        .filter(|w| !w.is_empty())
        .collect();
    members
        .iter()
        .enumerate()
        .filter(|(_, (name, email))| {
            let handle = handle(name);
            tokens.iter().any(|t| *t == email.to_lowercase() || (!handle.is_empty() && *t == handle))
        })
        .map(|(i, _)| i)
        .collect()
}

/// A member's mention handle: the name without whitespace, lower case ("Dora Director" →
/// "doradirector", "张伟" → "张伟").
pub fn handle(name: &str) -> String {
    name.chars().filter(|c| !c.is_whitespace()).collect::<String>().to_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn sched(zone: &str, hour: u32) -> Schedule {
        Schedule { time_zone: zone.into(), hour, weekly_day: 1, last_daily: None, last_weekly: None }
    }

    #[test]
    fn a_digest_is_due_at_the_local_hour_once_a_day() {
        // 2026-06-15 is a Monday. 00:30 UTC is 08:30 in Shanghai and 02:30 in Berlin.
        let now = Utc.with_ymd_and_hms(2026, 6, 15, 0, 30, 0).unwrap();
        let d = NaiveDate::from_ymd_opt(2026, 6, 15).unwrap();
        assert_eq!(digests_due(&sched("Asia/Shanghai", 8), now), (Some(d), Some(d)));
        assert_eq!(digests_due(&sched("Europe/Berlin", 8), now), (None, None));
        // Made today already: nothing until tomorrow's hour.
        let done = Schedule { last_daily: Some(d), last_weekly: Some(d), ..sched("Asia/Shanghai", 8) };
        assert_eq!(digests_due(&done, now), (None, None));
        let tomorrow = Utc.with_ymd_and_hms(2026, 6, 16, 0, 30, 0).unwrap();
        assert_eq!(digests_due(&done, tomorrow), (Some(d.succ_opt().unwrap()), None));
        // 23:59 UTC Sunday is Monday 07:59 in Shanghai: not yet.
        let before = Utc.with_ymd_and_hms(2026, 6, 14, 23, 59, 0).unwrap();
        assert_eq!(digests_due(&sched("Asia/Shanghai", 8), before), (None, None));
        // Weekly only on its weekday (Tuesday in Berlin 09:00 local = 07:00 UTC).
        let tue = Utc.with_ymd_and_hms(2026, 6, 16, 7, 0, 0).unwrap();
        let (daily, weekly) = digests_due(&sched("Europe/Berlin", 9), tue);
        assert_eq!((daily, weekly), (Some(NaiveDate::from_ymd_opt(2026, 6, 16).unwrap()), None));
    }

    struct L(&'static str, bool, i64);
    impl DigestLine for L {
        fn project(&self) -> &str {
            self.0
        }
        fn overdue(&self) -> bool {
            self.1
        }
        fn at(&self) -> DateTime<Utc> {
            Utc.timestamp_opt(self.2, 0).unwrap()
        }
    }

    #[test]
    fn digests_group_by_project_overdue_first() {
        let mut v = vec![L("B", false, 1), L("A", false, 2), L("B", true, 5), L("A", true, 9), L("A", false, 1)];
        digest_order(&mut v);
        let got: Vec<_> = v.iter().map(|l| (l.0, l.1, l.2)).collect();
        assert_eq!(got, vec![("A", true, 9), ("A", false, 1), ("A", false, 2), ("B", true, 5), ("B", false, 1)]);
    }

    #[test]
    fn mentions_by_address_or_handle() {
        let m = vec![
            ("Dora Director".to_string(), "director@t.example".to_string()),
            ("张伟".to_string(), "zw@t.example".to_string()),
            ("Vic Viewer".to_string(), "viewer@t.example".to_string()),
        ];
        assert_eq!(mentions("Please check, @DoraDirector and @张伟。", &m), vec![0, 1]);
        assert_eq!(mentions("cc @viewer@t.example.", &m), vec![2]);
        assert_eq!(mentions("mail dora@example.com, no mention", &m), Vec::<usize>::new());
        assert_eq!(mentions("@doradirector @DoraDirector", &m), vec![0]);
    }

    #[test]
    fn kinds_and_modes_round_trip() {
        for k in Kind::ALL {
            assert_eq!(Kind::parse(k.as_str()), Some(k));
        }
        for m in Mode::ALL {
            assert_eq!(Mode::parse(m.as_str()), Some(m));
        }
        assert_eq!(Kind::Overdue.default_mode(), Mode::Daily);
        assert_eq!(Kind::Mention.default_mode(), Mode::Immediately);
    }
}
