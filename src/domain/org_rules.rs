//! The method's rules for the project organisation (seed 004, DOMAIN.md "three tiers"),
//! checked live. Each rule is a pure function over the organisation's facts; a finding
//! names the rule (its i18n key quotes the rule), how serious it is and what to fix.
use serde::Serialize;
use std::collections::BTreeMap;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// Breaks a rule the method states as a condition of success.
    Error,
    /// Weakens the organisation; should be fixed.
    Warning,
    /// Good practice the method recommends.
    Advice,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Person {
    pub id: i32,
    pub name: String,
    pub department: String,
    pub side: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Unit {
    pub id: i32,
    pub kind: super::org::UnitKind,
    pub department: Option<String>,
    pub name: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Member {
    pub id: i32,
    pub unit_id: i32,
    pub person_id: i32,
    pub role: String,
    pub allocation: i32,
}

/// Everything the rules look at.
#[derive(Clone, Debug, Default)]
pub struct Org {
    pub people: Vec<Person>,
    pub units: Vec<Unit>,
    pub members: Vec<Member>,
    /// Departments that must have a functional group (front office in scope, and IT).
    pub required_departments: Vec<String>,
}

/// What to fix: the tier or group, the person, or the department lacking a group.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Finding {
    /// i18n key `org_rule.<rule>` (title) and `org_rule.<rule>_why` (the rule quoted).
    pub rule: &'static str,
    pub severity: Severity,
    /// Who or what it is about, shown in the message (a name, a department code).
    pub subject: String,
    pub unit_id: Option<i32>,
    pub person_id: Option<i32>,
    pub membership_id: Option<i32>,
    pub department: Option<String>,
    /// The number the rule measured (an allocation in percent), when there is one.
    pub value: Option<i32>,
}

impl Finding {
    fn new(rule: &'static str, severity: Severity, subject: impl Into<String>) -> Finding {
        Finding {
            rule,
            severity,
            subject: subject.into(),
            unit_id: None,
            person_id: None,
            membership_id: None,
            department: None,
            value: None,
        }
    }
}

use super::org::UnitKind;

pub const DIRECTOR_MIN: i32 = 100;
pub const ASSISTANT_MIN: i32 = 100;
pub const TEAM_MEMBER_MIN: i32 = 80;
pub const MAX_TOTAL: i32 = 100;

impl Org {
    fn unit(&self, kind: UnitKind) -> Option<&Unit> {
        self.units.iter().find(|u| u.kind == kind)
    }
    fn person(&self, id: i32) -> Option<&Person> {
        self.people.iter().find(|p| p.id == id)
    }
    fn name(&self, id: i32) -> String {
        self.person(id).map(|p| p.name.clone()).unwrap_or_default()
    }
    fn members_of(&self, unit_id: i32) -> impl Iterator<Item = &Member> {
        self.members.iter().filter(move |m| m.unit_id == unit_id)
    }
    fn team_with_role<'a>(&'a self, role: &'a str) -> impl Iterator<Item = &'a Member> + 'a {
        let team = self.unit(UnitKind::Team).map(|u| u.id);
        self.members.iter().filter(move |m| Some(m.unit_id) == team && m.role == role)
    }
    fn about_member(&self, mut f: Finding, m: &Member) -> Finding {
        f.unit_id = Some(m.unit_id);
        f.person_id = Some(m.person_id);
        f.membership_id = Some(m.id);
        f.value = Some(m.allocation);
        f
    }
}

/// "The steering committee is chaired by the general manager."
pub fn no_chair(org: &Org) -> Vec<Finding> {
    let Some(sc) = org.unit(UnitKind::Steering) else {
        return vec![Finding::new("no_chair", Severity::Error, "")];
    };
    if org.members_of(sc.id).any(|m| m.role == "chair") {
        return vec![];
    }
    let mut f = Finding::new("no_chair", Severity::Error, sc.name.clone());
    f.unit_id = Some(sc.id);
    vec![f]
}

/// "The project team is led by a project director."
pub fn no_director(org: &Org) -> Vec<Finding> {
    if org.team_with_role("project_director").next().is_some() {
        return vec![];
    }
    let mut f = Finding::new("no_director", Severity::Error, "");
    f.unit_id = org.unit(UnitKind::Team).map(|u| u.id);
    vec![f]
}

/// "The project team is led by one project director": a second one is a finding, named.
pub fn several_directors(org: &Org) -> Vec<Finding> {
    let directors: Vec<&Member> = org.team_with_role("project_director").collect();
    if directors.len() < 2 {
        return vec![];
    }
    directors[1..]
        .iter()
        .map(|m| org.about_member(Finding::new("several_directors", Severity::Error, org.name(m.person_id)), m))
        .collect()
}

/// "The project director should be the senior manager for marketing, not the IT head."
pub fn director_from_it(org: &Org) -> Vec<Finding> {
    org.team_with_role("project_director")
        .filter(|m| org.person(m.person_id).is_some_and(|p| p.department == "it"))
        .map(|m| org.about_member(Finding::new("director_from_it", Severity::Error, org.name(m.person_id)), m))
        .collect()
}

/// "The project director works full-time on the project (100%)."
pub fn director_part_time(org: &Org) -> Vec<Finding> {
    org.team_with_role("project_director")
        .filter(|m| m.allocation < DIRECTOR_MIN)
        .map(|m| org.about_member(Finding::new("director_part_time", Severity::Error, org.name(m.person_id)), m))
        .collect()
}

/// "Key assistants of the director work full-time (100%)."
pub fn assistant_part_time(org: &Org) -> Vec<Finding> {
    org.team_with_role("key_assistant")
        .filter(|m| m.allocation < ASSISTANT_MIN)
        .map(|m| org.about_member(Finding::new("assistant_part_time", Severity::Warning, org.name(m.person_id)), m))
        .collect()
}

/// "Project team members spend at least 80% of their time on the project."
pub fn member_part_time(org: &Org) -> Vec<Finding> {
    org.team_with_role("team_member")
        .filter(|m| m.allocation < TEAM_MEMBER_MIN)
        .map(|m| org.about_member(Finding::new("member_part_time", Severity::Warning, org.name(m.person_id)), m))
        .collect()
}

/// "One functional group per department in scope."
pub fn department_without_group(org: &Org) -> Vec<Finding> {
    org.required_departments
        .iter()
        .filter(|d| !org.units.iter().any(|u| u.kind == UnitKind::Group && u.department.as_deref() == Some(d)))
        .map(|d| {
            let mut f = Finding::new("department_without_group", Severity::Error, d.clone());
            f.department = Some(d.clone());
            f
        })
        .collect()
}

/// "Each functional group is led by its department manager."
pub fn group_without_leader(org: &Org) -> Vec<Finding> {
    org.units
        .iter()
        .filter(|u| u.kind == UnitKind::Group && !org.members_of(u.id).any(|m| m.role == "group_leader"))
        .map(|u| {
            let mut f = Finding::new("group_without_leader", Severity::Warning, u.name.clone());
            f.unit_id = Some(u.id);
            f
        })
        .collect()
}

/// "Nobody can give more than all of their time": allocations summed across all tiers.
pub fn over_allocated(org: &Org) -> Vec<Finding> {
    let mut total: BTreeMap<i32, i32> = BTreeMap::new();
    for m in &org.members {
        *total.entry(m.person_id).or_default() += m.allocation;
    }
    total
        .into_iter()
        .filter(|(_, t)| *t > MAX_TOTAL)
        .map(|(pid, t)| {
            let mut f = Finding::new("over_allocated", Severity::Warning, org.name(pid));
            f.person_id = Some(pid);
            f.value = Some(t);
            f
        })
        .collect()
}

/// "The project team includes a head of a back-office department" (advice).
pub fn no_back_office(org: &Org) -> Vec<Finding> {
    let Some(team) = org.unit(UnitKind::Team) else { return vec![] };
    let has = org
        .members_of(team.id)
        .any(|m| org.person(m.person_id).is_some_and(|p| super::org::BACK_OFFICE.contains(&p.department.as_str())));
    if has {
        return vec![];
    }
    let mut f = Finding::new("no_back_office", Severity::Advice, team.name.clone());
    f.unit_id = Some(team.id);
    vec![f]
}

pub const RULES: &[fn(&Org) -> Vec<Finding>] = &[
    no_chair,
    no_director,
    several_directors,
    director_from_it,
    director_part_time,
    assistant_part_time,
    member_part_time,
    department_without_group,
    group_without_leader,
    over_allocated,
    no_back_office,
];

/// All findings, most serious first (then in the order of the rules).
pub fn check(org: &Org) -> Vec<Finding> {
    let mut all: Vec<Finding> = RULES.iter().flat_map(|r| r(org)).collect();
    all.sort_by_key(|f| f.severity);
    all
}

#[cfg(test)]
mod tests {
    use super::*;

    fn person(id: i32, dept: &str) -> Person {
        Person { id, name: format!("P{id}"), department: dept.into(), side: "client".into() }
    }
    fn m(id: i32, unit_id: i32, person_id: i32, role: &str, allocation: i32) -> Member {
        Member { id, unit_id, person_id, role: role.into(), allocation }
    }

    /// A sound organisation: no findings at all.
    fn sound() -> Org {
        Org {
            people: vec![
                person(1, "management"),
                person(2, "marketing"),
                person(3, "sales"),
                person(4, "finance"),
                person(5, "sales"),
                person(6, "it"),
            ],
            units: vec![
                Unit { id: 10, kind: UnitKind::Steering, department: None, name: "SC".into() },
                Unit { id: 11, kind: UnitKind::Team, department: None, name: "PT".into() },
                Unit { id: 12, kind: UnitKind::Group, department: Some("sales".into()), name: "Sales".into() },
                Unit { id: 13, kind: UnitKind::Group, department: Some("it".into()), name: "IT".into() },
            ],
            members: vec![
                m(100, 10, 1, "chair", 10),
                m(101, 11, 2, "project_director", 100),
                m(102, 11, 3, "team_member", 80),
                m(103, 11, 4, "team_member", 80),
                m(104, 12, 5, "group_leader", 50),
                m(105, 13, 6, "group_leader", 50),
            ],
            required_departments: vec!["sales".into(), "it".into()],
        }
    }

    fn rules_of(org: &Org) -> Vec<&'static str> {
        check(org).into_iter().map(|f| f.rule).collect()
    }

    #[test]
    fn a_sound_organisation_has_no_findings() {
        assert_eq!(rules_of(&sound()), Vec::<&str>::new());
    }

    #[test]
    fn no_chair_fires_and_clears() {
        let mut o = sound();
        o.members.retain(|m| m.role != "chair");
        assert_eq!(no_chair(&o)[0].unit_id, Some(10));
        o.members.push(m(200, 10, 1, "chair", 5));
        assert!(no_chair(&o).is_empty());
    }

    #[test]
    fn director_missing_fires_and_clears() {
        let mut o = sound();
        o.members.retain(|m| m.role != "project_director");
        assert_eq!(rules_of(&o), ["no_director"]);
        o.members.push(m(200, 11, 2, "project_director", 100));
        assert!(no_director(&o).is_empty());
    }

    #[test]
    fn a_second_director_fires_and_clears() {
        let mut o = sound();
        assert!(several_directors(&o).is_empty());
        o.members.push(m(201, 11, 1, "project_director", 100));
        let f = several_directors(&o);
        assert_eq!(f.len(), 1, "{f:?}");
        assert_eq!((f[0].rule, f[0].membership_id), ("several_directors", Some(201)));
        assert!(rules_of(&o).contains(&"several_directors"));
        o.members.retain(|x| x.id != 201);
        assert!(several_directors(&o).is_empty());
    }

    #[test]
    fn director_from_it_fires_and_clears() {
        let mut o = sound();
        o.people[1].department = "it".into();
        let f = director_from_it(&o);
        assert_eq!((f[0].person_id, f[0].severity), (Some(2), Severity::Error));
        o.people[1].department = "marketing".into();
        assert!(director_from_it(&o).is_empty());
    }

    #[test]
    fn director_below_full_time_fires_and_clears() {
        let mut o = sound();
        o.members[1].allocation = 90;
        assert_eq!(director_part_time(&o)[0].value, Some(90));
        o.members[1].allocation = 100;
        assert!(director_part_time(&o).is_empty());
    }

    #[test]
    fn assistant_below_full_time_fires_and_clears() {
        let mut o = sound();
        o.members.push(m(200, 11, 5, "key_assistant", 50));
        assert_eq!(assistant_part_time(&o)[0].membership_id, Some(200));
        o.members[6].allocation = 100;
        o.members[4].allocation = 0; // person 5 also leads the sales group
        assert!(assistant_part_time(&o).is_empty());
        assert!(rules_of(&o).is_empty());
    }

    #[test]
    fn team_member_below_80_fires_and_clears() {
        let mut o = sound();
        o.members[2].allocation = 79;
        assert_eq!(rules_of(&o), ["member_part_time"]);
        o.members[2].allocation = 80;
        assert!(member_part_time(&o).is_empty());
    }

    #[test]
    fn department_without_group_fires_and_clears() {
        let mut o = sound();
        o.required_departments.push("service".into());
        let f = department_without_group(&o);
        assert_eq!(f[0].department.as_deref(), Some("service"));
        o.units.push(Unit { id: 14, kind: UnitKind::Group, department: Some("service".into()), name: "S".into() });
        assert!(department_without_group(&o).is_empty());
    }

    #[test]
    fn group_without_leader_fires_and_clears() {
        let mut o = sound();
        o.members[4].role = "key_user".into();
        assert_eq!(group_without_leader(&o)[0].unit_id, Some(12));
        o.members[4].role = "group_leader".into();
        assert!(group_without_leader(&o).is_empty());
    }

    #[test]
    fn over_allocation_across_tiers_fires_and_clears() {
        let mut o = sound();
        o.members.push(m(200, 10, 2, "member", 10));
        let f = over_allocated(&o);
        assert_eq!((f[0].person_id, f[0].value), (Some(2), Some(110)));
        o.members[6].allocation = 0;
        assert!(over_allocated(&o).is_empty());
    }

    #[test]
    fn back_office_advice_fires_and_clears() {
        let mut o = sound();
        o.people[3].department = "sales".into();
        let f = no_back_office(&o);
        assert_eq!(f[0].severity, Severity::Advice);
        o.people[3].department = "logistics".into();
        assert!(no_back_office(&o).is_empty());
    }

    #[test]
    fn findings_are_sorted_by_severity() {
        let mut o = sound();
        o.people[3].department = "sales".into(); // advice
        o.members[2].allocation = 50; // warning
        o.members.retain(|m| m.role != "chair"); // error
        let sev: Vec<_> = check(&o).into_iter().map(|f| f.severity).collect();
        assert_eq!(sev, [Severity::Error, Severity::Warning, Severity::Advice]);
    }
}
