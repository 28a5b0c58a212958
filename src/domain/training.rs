//! The training plan (seed 004: training runs through every phase, each session has an
//! audience, time, place and cost, and training starts with senior management): checking
//! a session, the order check, coverage of functional groups, and the budget.
use super::money;
use super::validation::{FieldErrors, checkbox, required_text};
use chrono::{NaiveDate, NaiveTime};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

pub const AUDIENCES: &[&str] =
    &["senior_management", "project_team", "functional_group", "end_users", "administrators"];
pub const STATUSES: &[&str] = &["planned", "held", "cancelled"];
pub const SCORE_MAX: i32 = 100;

/// The session form as typed (read with `FormData::typed`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct RawSession {
    pub title: String,
    pub audience: String,
    /// Functional group id (audience `functional_group`) as typed.
    pub audience_unit_id: String,
    /// Department code (audience `end_users`).
    pub audience_department: String,
    pub phase_seq: String,
    pub module: String,
    pub date: String,
    pub start_time: String,
    pub duration_minutes: String,
    pub place: String,
    #[serde(deserialize_with = "checkbox")]
    pub online: bool,
    pub trainer: String,
    /// Money as typed: "1200" or "1200.50" in major units of the project's currency.
    pub cost: String,
    #[serde(deserialize_with = "checkbox")]
    pub hands_on: bool,
    pub status: String,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SessionInput {
    pub title: String,
    pub audience: &'static str,
    pub audience_unit_id: Option<i32>,
    pub audience_department: Option<String>,
    pub phase_seq: i32,
    pub module: Option<String>,
    pub date: NaiveDate,
    pub start_time: String,
    pub duration_minutes: i32,
    pub place: String,
    pub online: bool,
    pub trainer: String,
    pub cost: i64,
    pub hands_on: bool,
    pub status: &'static str,
}

/// What a session may refer to: the project's phases, modules, groups and departments.
pub struct Choices<'a> {
    pub phases: i32,
    pub modules: &'a [&'a str],
    pub group_ids: &'a [i32],
    pub departments: &'a [&'a str],
    /// The project's currency: costs are in its minor units.
    pub currency: &'a str,
}

/// A session's cost as typed, in the project's currency (parsed by the one money module,
/// honouring its decimals): empty means free; anything unreadable is `None`.
pub fn parse_cost(s: &str, currency: &str) -> Option<i64> {
    if s.trim().is_empty() {
        return Some(0);
    }
    money::parse(s, currency).ok()
}

pub fn validate(raw: &RawSession, c: &Choices) -> Result<SessionInput, FieldErrors> {
    let mut e = FieldErrors::default();
    let title = required_text(&mut e, "title", &raw.title, 300);
    let audience = AUDIENCES.iter().copied().find(|a| *a == raw.audience);
    if audience.is_none() {
        e.add("audience", "err.choose_from_list");
    }
    let mut audience_unit_id = None;
    let mut audience_department = None;
    match audience {
        Some("functional_group") => {
            audience_unit_id = raw.audience_unit_id.trim().parse::<i32>().ok().filter(|id| c.group_ids.contains(id));
            if audience_unit_id.is_none() {
                e.add("audience_unit_id", "err.choose_from_list");
            }
        }
        Some("end_users") => {
            let d = raw.audience_department.trim();
            if c.departments.contains(&d) {
                audience_department = Some(d.to_string());
            } else {
                e.add("audience_department", "err.choose_from_list");
            }
        }
        _ => {}
    }
    let phase_seq = raw.phase_seq.trim().parse::<i32>().ok().filter(|p| (1..=c.phases).contains(p));
    if phase_seq.is_none() {
        e.add("phase_seq", "err.choose_from_list");
    }
    let module = match raw.module.trim() {
        "" => None,
        m if c.modules.contains(&m) => Some(m.to_string()),
        _ => {
            e.add("module", "err.choose_from_list");
            None
        }
    };
    let date = crate::domain::bounds::parse_date(raw.date.trim());
    if date.is_none() {
        e.add("date", "err.date");
    }
    let start = NaiveTime::parse_from_str(raw.start_time.trim(), "%H:%M").ok();
    if start.is_none() {
        e.add("start_time", "err.time");
    }
    let duration = raw.duration_minutes.trim().parse::<i32>().ok().filter(|d| (15..=24 * 60).contains(d));
    if duration.is_none() {
        e.add("duration_minutes", "err.duration");
    }
    let place = raw.place.trim().to_string();
    if place.chars().count() > 200 {
        e.add("place", "err.too_long");
    } else if place.is_empty() && !raw.online {
        e.add("place", "err.place_or_online");
    }
    let trainer = required_text(&mut e, "trainer", &raw.trainer, 200);
    let cost = parse_cost(&raw.cost, c.currency);
    if cost.is_none() {
        e.add("cost", "err.money");
    }
    let status = STATUSES.iter().copied().find(|s| *s == raw.status);
    if status.is_none() {
        e.add("status", "err.choose_from_list");
    }
    e.check()?;
    Ok(SessionInput {
        title,
        audience: audience.unwrap_or("project_team"),
        audience_unit_id,
        audience_department,
        phase_seq: phase_seq.unwrap_or(1),
        module,
        date: date.unwrap_or_default(),
        start_time: start.map(|t| t.format("%H:%M").to_string()).unwrap_or_default(),
        duration_minutes: duration.unwrap_or(60),
        place,
        online: raw.online,
        trainer,
        cost: cost.unwrap_or(0),
        hands_on: raw.hands_on,
        status: status.unwrap_or("planned"),
    })
}

/// A session as the checks see it.
#[derive(Clone, Debug)]
pub struct Session {
    pub id: i32,
    pub audience: String,
    pub date: NaiveDate,
    pub start_time: String,
    pub phase_seq: i32,
    pub module: Option<String>,
    pub cost: i64,
    pub status: String,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, utoipa::ToSchema)]
pub struct OrderCheck {
    /// There are sessions but none for senior management.
    pub no_senior_management: bool,
    /// Sessions scheduled before the first senior-management session.
    pub before_senior_management: Vec<i32>,
}

/// "Training starts with senior management." Cancelled sessions do not count.
pub fn order_check(sessions: &[Session]) -> OrderCheck {
    let live: Vec<&Session> = sessions.iter().filter(|s| s.status != "cancelled").collect();
    let first =
        live.iter().filter(|s| s.audience == "senior_management").map(|s| (s.date, s.start_time.as_str())).min();
    match first {
        None => OrderCheck { no_senior_management: !live.is_empty(), before_senior_management: vec![] },
        Some(first) => OrderCheck {
            no_senior_management: false,
            before_senior_management: live
                .iter()
                .filter(|s| (s.date, s.start_time.as_str()) < first)
                .map(|s| s.id)
                .collect(),
        },
    }
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Money {
    /// Sessions planned or held.
    pub planned: i64,
    /// Sessions held.
    pub actual: i64,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Budget {
    pub by_phase: BTreeMap<i32, Money>,
    pub by_audience: BTreeMap<String, Money>,
    pub total: Money,
}

/// Planned cost (every session not cancelled) against actual cost (sessions held), summed
/// in minor units by phase and by audience.
pub fn budget(sessions: &[Session]) -> Budget {
    let mut b = Budget::default();
    for s in sessions.iter().filter(|s| s.status != "cancelled") {
        let held = s.status == "held";
        for m in [
            b.by_phase.entry(s.phase_seq).or_default(),
            b.by_audience.entry(s.audience.clone()).or_default(),
            &mut b.total,
        ] {
            m.planned += s.cost;
            if held {
                m.actual += s.cost;
            }
        }
    }
    b
}

/// A functional group for coverage: its key users (members of the group) and its end
/// users (people of its department on no tier).
#[derive(Clone, Debug)]
pub struct GroupPeople {
    pub unit_id: i32,
    pub name: String,
    pub module: Option<String>,
    pub key_users: Vec<i32>,
    pub end_users: Vec<i32>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[schema(as = TrainingCoverage)]
pub struct Coverage {
    pub unit_id: i32,
    pub name: String,
    pub module: Option<String>,
    pub key_users: usize,
    pub key_users_trained: usize,
    pub end_users: usize,
    pub end_users_trained: usize,
    /// Whole percent of key and end users together, rounded down; none without people.
    pub percent: Option<usize>,
}

/// Who counts as trained for a group: attended a held session on the group's module (or
/// one not tied to a module). `attended` is (person, session) pairs.
pub fn coverage(groups: &[GroupPeople], sessions: &[Session], attended: &[(i32, i32)]) -> Vec<Coverage> {
    groups
        .iter()
        .map(|g| {
            let counts: BTreeSet<i32> = sessions
                .iter()
                .filter(|s| s.status == "held" && (s.module.is_none() || s.module == g.module))
                .map(|s| s.id)
                .collect();
            let trained: BTreeSet<i32> =
                attended.iter().filter(|(_, sid)| counts.contains(sid)).map(|(pid, _)| *pid).collect();
            let n = |ids: &[i32]| ids.iter().filter(|p| trained.contains(p)).count();
            let (ku, eu) = (n(&g.key_users), n(&g.end_users));
            let total = g.key_users.len() + g.end_users.len();
            Coverage {
                unit_id: g.unit_id,
                name: g.name.clone(),
                module: g.module.clone(),
                key_users: g.key_users.len(),
                key_users_trained: ku,
                end_users: g.end_users.len(),
                end_users_trained: eu,
                percent: (total > 0).then(|| (ku + eu) * 100 / total),
            }
        })
        .collect()
}

/// The coverage of the functional groups summed per CRM module (groups without a module
/// under none): people counted once per group, as `coverage` counts them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct ModuleCoverage {
    pub module: Option<String>,
    pub groups: usize,
    pub people: usize,
    pub trained: usize,
    /// Whole percent trained, rounded down; none without people.
    pub percent: Option<usize>,
}

pub fn coverage_by_module(groups: &[Coverage]) -> Vec<ModuleCoverage> {
    let mut by: BTreeMap<Option<String>, (usize, usize, usize)> = BTreeMap::new();
    for g in groups {
        let e = by.entry(g.module.clone()).or_default();
        e.0 += 1;
        e.1 += g.key_users + g.end_users;
        e.2 += g.key_users_trained + g.end_users_trained;
    }
    by.into_iter()
        .map(|(module, (groups, people, trained))| ModuleCoverage {
            module,
            groups,
            people,
            trained,
            percent: (people > 0).then(|| trained * 100 / people),
        })
        .collect()
}

/// Invitations and attendance of one session.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Attendance {
    pub invited: usize,
    pub attended: usize,
}

/// Attendance over the held sessions: who was invited, who came, and the whole percent
/// that came (rounded down; none before anyone was invited to a held session).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct AttendanceTotals {
    pub held_sessions: usize,
    pub invited: usize,
    pub attended: usize,
    pub percent: Option<usize>,
}

/// Each session's invitations and attendance (`invitations` is (session, attended) pairs),
/// and the totals over the held ones.
pub fn attendance(sessions: &[Session], invitations: &[(i32, bool)]) -> (BTreeMap<i32, Attendance>, AttendanceTotals) {
    let mut per: BTreeMap<i32, Attendance> = sessions.iter().map(|s| (s.id, Attendance::default())).collect();
    for (sid, came) in invitations {
        if let Some(a) = per.get_mut(sid) {
            a.invited += 1;
            a.attended += usize::from(*came);
        }
    }
    let mut t = AttendanceTotals::default();
    for s in sessions.iter().filter(|s| s.status == "held") {
        let a = per.get(&s.id).copied().unwrap_or_default();
        t.held_sessions += 1;
        t.invited += a.invited;
        t.attended += a.attended;
    }
    t.percent = (t.invited > 0).then(|| t.attended * 100 / t.invited);
    (per, t)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(id: i32, audience: &str, date: &str, status: &str, cost: i64) -> Session {
        Session {
            id,
            audience: audience.into(),
            date: date.parse().unwrap(),
            start_time: "09:00".into(),
            phase_seq: if id < 3 { 1 } else { 3 },
            module: None,
            cost,
            status: status.into(),
        }
    }

    #[test]
    fn senior_management_first() {
        let ok = [s(1, "senior_management", "2026-03-02", "held", 0), s(2, "project_team", "2026-03-09", "planned", 0)];
        assert_eq!(order_check(&ok), OrderCheck::default());
        let early =
            [s(1, "senior_management", "2026-03-10", "planned", 0), s(2, "project_team", "2026-03-09", "planned", 0)];
        assert_eq!(order_check(&early).before_senior_management, [2]);
        // Same day, earlier hour is still before.
        let mut same = early.clone();
        same[1].date = same[0].date;
        same[1].start_time = "08:00".into();
        assert_eq!(order_check(&same).before_senior_management, [2]);
        // A cancelled early session is no problem; no senior session at all is.
        let cancelled =
            [s(1, "senior_management", "2026-03-10", "planned", 0), s(2, "project_team", "2026-03-09", "cancelled", 0)];
        assert_eq!(order_check(&cancelled), OrderCheck::default());
        assert!(order_check(&[s(2, "project_team", "2026-03-09", "planned", 0)]).no_senior_management);
        assert_eq!(order_check(&[]), OrderCheck::default());
    }

    #[test]
    fn budget_sums() {
        let b = budget(&[
            s(1, "senior_management", "2026-03-02", "held", 500_000),
            s(2, "project_team", "2026-03-09", "planned", 120_050),
            s(3, "project_team", "2026-04-01", "cancelled", 999),
            s(4, "project_team", "2026-04-02", "held", 30_000),
        ]);
        assert_eq!(b.total, Money { planned: 650_050, actual: 530_000 });
        assert_eq!(b.by_phase[&1], Money { planned: 620_050, actual: 500_000 });
        assert_eq!(b.by_phase[&3], Money { planned: 30_000, actual: 30_000 });
        assert_eq!(b.by_audience["project_team"], Money { planned: 150_050, actual: 30_000 });
    }

    #[test]
    fn coverage_counts_held_sessions_on_the_module() {
        let mut sales = s(1, "functional_group", "2026-03-02", "held", 0);
        sales.module = Some("sales".into());
        let mut service = s(2, "functional_group", "2026-03-02", "held", 0);
        service.module = Some("service".into());
        let planned = s(3, "end_users", "2026-03-02", "planned", 0);
        let g = GroupPeople {
            unit_id: 9,
            name: "Sales".into(),
            module: Some("sales".into()),
            key_users: vec![1, 2],
            end_users: vec![3, 4, 5, 6],
        };
        let c = coverage(&[g], &[sales, service, planned], &[(1, 1), (2, 2), (3, 3), (4, 1)]);
        assert_eq!((c[0].key_users_trained, c[0].end_users_trained, c[0].percent), (1, 1, Some(33)));
    }

    #[test]
    fn money_is_exact() {
        let parse_money = |s: &str| parse_cost(s, "CNY");
        let format_money = |m: i64| money::decimal(m, "CNY");
        assert_eq!(parse_money("1,200.5"), Some(120_050));
        assert_eq!(parse_money("0.07"), Some(7));
        assert_eq!(parse_money(""), Some(0));
        assert_eq!(parse_money("-5"), None);
        assert_eq!(parse_money("1.234"), None);
        assert_eq!(parse_money("abc"), None);
        assert_eq!(format_money(120_050), "1200.50");
    }

    #[test]
    fn session_validation_names_fields() {
        let c = Choices { phases: 9, modules: &["sales"], group_ids: &[4], departments: &["sales"], currency: "CNY" };
        let mut raw = RawSession {
            title: "CRM concepts".into(),
            audience: "senior_management".into(),
            phase_seq: "1".into(),
            date: "2026-03-02".into(),
            start_time: "09:00".into(),
            duration_minutes: "180".into(),
            place: "总部会议室".into(),
            trainer: "李娜".into(),
            cost: "5000".into(),
            status: "planned".into(),
            ..Default::default()
        };
        assert_eq!(validate(&raw, &c).unwrap().cost, 500_000);
        raw.audience = "functional_group".into();
        raw.audience_unit_id = "7".into();
        raw.date = "2026-02-30".into();
        raw.place = String::new();
        raw.cost = "lots".into();
        let fields: Vec<_> = validate(&raw, &c).unwrap_err().0.into_iter().map(|e| e.field).collect();
        assert_eq!(fields, ["audience_unit_id", "date", "place", "cost"]);
    }

    #[test]
    fn coverage_summed_per_module() {
        let g = |unit_id: i32, module: Option<&str>, k: (usize, usize), e: (usize, usize)| Coverage {
            unit_id,
            name: String::new(),
            module: module.map(str::to_string),
            key_users: k.0,
            key_users_trained: k.1,
            end_users: e.0,
            end_users_trained: e.1,
            percent: None,
        };
        // Two sales groups: 2 + 4 and 1 + 2 people, 1 + 1 and 1 + 0 trained → 3 of 9 = 33 %.
        let m = coverage_by_module(&[
            g(1, Some("sales"), (2, 1), (4, 1)),
            g(2, Some("service"), (3, 3), (0, 0)),
            g(3, Some("sales"), (1, 1), (2, 0)),
            g(4, None, (0, 0), (0, 0)),
        ]);
        assert_eq!(m.len(), 3);
        assert_eq!(m[0], ModuleCoverage { module: None, groups: 1, people: 0, trained: 0, percent: None });
        assert_eq!(
            m[1],
            ModuleCoverage { module: Some("sales".into()), groups: 2, people: 9, trained: 3, percent: Some(33) }
        );
        assert_eq!(m[2].percent, Some(100));
    }

    #[test]
    fn attendance_of_held_sessions() {
        let sessions = [
            s(1, "senior_management", "2026-03-02", "held", 0),
            s(2, "project_team", "2026-03-09", "held", 0),
            s(3, "project_team", "2026-04-01", "planned", 0),
        ];
        // Session 1: 3 invited, 2 came; session 2: 4 invited, 1 came; session 3 (planned): 5 invited.
        let mut inv = vec![(1, true), (1, true), (1, false), (2, true), (2, false), (2, false), (2, false)];
        inv.extend([(3, false); 5]);
        inv.push((99, true)); // not a session of the plan: ignored
        let (per, t) = attendance(&sessions, &inv);
        assert_eq!(per[&1], Attendance { invited: 3, attended: 2 });
        assert_eq!(per[&3], Attendance { invited: 5, attended: 0 });
        // Held only: 7 invited, 3 came → 42 % (3/7 = 42.86, rounded down).
        assert_eq!(t, AttendanceTotals { held_sessions: 2, invited: 7, attended: 3, percent: Some(42) });
        assert_eq!(attendance(&[], &[]).1.percent, None);
    }
}
