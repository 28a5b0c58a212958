//! The project organisation: people, the three tiers and memberships, and the method's
//! rules checked over them. Tiers are created lazily, on the first visit of a page that
//! needs them, so projects created before this feature get them too.
use super::{Actor, Error, Result, write};
use crate::chart::org as chart;
use crate::db::Db;
use crate::domain::org::{self, UnitKind};
use crate::domain::org_rules::{self, Finding, Severity};
use crate::domain::people::PersonInput;
use crate::domain::validation::FieldErrors;
use crate::entity::{activity, deliverable, membership, org_unit, person, project};
use crate::i18n::{self, Lang};
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};
use serde::{Deserialize, Serialize};

pub fn modules_of(p: &project::Model) -> Vec<&str> {
    p.modules.split(',').filter(|m| !m.is_empty()).collect()
}

/// Departments that must have a functional group: the front office in scope, and IT (the
/// special group that installs and runs the system).
pub fn required_departments(p: &project::Model) -> Vec<&'static str> {
    let mut d = org::departments_in_scope(&modules_of(p));
    d.push("it");
    d
}

pub async fn units<C: ConnectionTrait>(c: &C, project_id: i32) -> Result<Vec<org_unit::Model>> {
    Ok(org_unit::Entity::find()
        .filter(org_unit::Column::ProjectId.eq(project_id))
        .order_by_asc(org_unit::Column::Seq)
        .order_by_asc(org_unit::Column::Id)
        .all(c)
        .await?)
}

pub async fn people<C: ConnectionTrait>(c: &C, project_id: i32) -> Result<Vec<person::Model>> {
    Ok(person::Entity::find()
        .filter(person::Column::ProjectId.eq(project_id))
        .order_by_asc(person::Column::Id)
        .all(c)
        .await?)
}

pub async fn person<C: ConnectionTrait>(c: &C, project_id: i32, id: i32) -> Result<person::Model> {
    write::get::<person::Entity, _>(c, project_id, id).await
}

pub async fn memberships<C: ConnectionTrait>(c: &C, project_id: i32) -> Result<Vec<membership::Model>> {
    Ok(membership::Entity::find()
        .filter(membership::Column::ProjectId.eq(project_id))
        .order_by_asc(membership::Column::Id)
        .all(c)
        .await?)
}

async fn unit<C: ConnectionTrait>(c: &C, project_id: i32, id: i32) -> Result<org_unit::Model> {
    write::get::<org_unit::Entity, _>(c, project_id, id).await
}

fn group_key(dept: &str) -> String {
    format!("group:{dept}")
}

async fn insert_unit<C: ConnectionTrait>(
    c: &C,
    actor: Actor,
    project_id: i32,
    kind: UnitKind,
    department: Option<&str>,
    name: &str,
    seq: i32,
) -> Result<org_unit::Model> {
    let key = match (kind, department) {
        (UnitKind::Group, Some(d)) => group_key(d),
        _ => kind.as_str().to_string(),
    };
    let am = org_unit::ActiveModel {
        project_id: Set(project_id),
        key: Set(key),
        kind: Set(kind.as_str().into()),
        department: Set(department.map(str::to_string)),
        name: Set(name.to_string()),
        seq: Set(seq),
        ..Default::default()
    };
    write::insert::<org_unit::Entity, _>(c, actor, project_id, am, "create").await
}

/// Create the steering committee, the project team and a functional group per required
/// department, in the transaction that creates the project (so that no page view ever
/// writes them). Default tiers have no name of their own: pages name them in the reader's
/// language.
pub async fn create_tiers<C: ConnectionTrait>(c: &C, actor: Actor, p: &project::Model) -> Result<()> {
    insert_unit(c, actor, p.id, UnitKind::Steering, None, "", 1).await?;
    insert_unit(c, actor, p.id, UnitKind::Team, None, "", 2).await?;
    for (i, d) in required_departments(p).into_iter().enumerate() {
        insert_unit(c, actor, p.id, UnitKind::Group, Some(d), "", 10 + i as i32).await?;
    }
    Ok(())
}

/// `create_tiers` for a project that has none yet (the demo loader; projects made before
/// tiers came with the project got theirs in a migration).
pub async fn ensure_tiers(db: &Db, actor: Actor, p: &project::Model) -> Result<()> {
    if !units(&db.conn, p.id).await?.is_empty() {
        return Ok(());
    }
    let created = write::transaction(db, async |tx| {
        if !units(tx, p.id).await?.is_empty() {
            return Ok(());
        }
        create_tiers(tx, actor, p).await
    })
    .await;
    // Two first visits at once (PostgreSQL): the loser hits the unique key; the tiers exist.
    match created {
        Err(Error::Db(_)) if !units(&db.conn, p.id).await?.is_empty() => Ok(()),
        r => r,
    }
}

/// The "add a group" form.
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct GroupForm {
    pub department: String,
    pub group_name: String,
}

/// Add a functional group for a department that has none.
pub async fn add_group(db: &Db, actor: Actor, project_id: i32, f: &GroupForm) -> Result<org_unit::Model> {
    let mut e = FieldErrors::default();
    let dept = org::DEPARTMENTS.iter().copied().find(|d| *d == f.department);
    if dept.is_none() {
        e.add("department", "err.choose_from_list");
    }
    let name = f.group_name.trim();
    if name.chars().count() > 200 {
        e.add("group_name", "err.too_long");
    }
    e.check()?;
    let dept = dept.unwrap_or("other");
    write::transaction(db, async |tx| {
        let existing = units(tx, project_id).await?;
        if existing.iter().any(|u| u.key == group_key(dept)) {
            return Err(FieldErrors::single("department", "err.group_exists").into());
        }
        let seq = existing.iter().map(|u| u.seq).max().unwrap_or(10) + 1;
        insert_unit(tx, actor, project_id, UnitKind::Group, Some(dept), name, seq).await
    })
    .await
}

/// Remove a functional group and its memberships (the two upper tiers always stay).
pub async fn remove_group(db: &Db, actor: Actor, project_id: i32, unit_id: i32) -> Result<()> {
    write::transaction(db, async |tx| {
        let u = unit(tx, project_id, unit_id).await?;
        if u.kind != UnitKind::Group.as_str() {
            return Err(Error::Rule("err.tier_stays"));
        }
        let ms = membership::Entity::find().filter(membership::Column::UnitId.eq(u.id)).all(tx).await?;
        for m in &ms {
            write::delete::<membership::Entity, _>(tx, actor, project_id, m.id, None).await?;
        }
        write::delete::<org_unit::Entity, _>(tx, actor, project_id, u.id, None).await?;
        Ok(())
    })
    .await
}

fn person_model(i: &PersonInput) -> person::ActiveModel {
    person::ActiveModel {
        name: Set(i.name.clone()),
        title: Set(i.title.clone()),
        department: Set(i.department.into()),
        side: Set(i.side.into()),
        email: Set(i.email.clone()),
        phone: Set(i.phone.clone()),
        ..Default::default()
    }
}

async fn insert_person<C: ConnectionTrait>(
    c: &C,
    actor: Actor,
    project_id: i32,
    i: &PersonInput,
) -> Result<person::Model> {
    let am = person::ActiveModel { project_id: Set(project_id), user_id: Set(None), ..person_model(i) };
    write::insert::<person::Entity, _>(c, actor, project_id, am, "create").await
}

pub async fn create_person(db: &Db, actor: Actor, project_id: i32, i: &PersonInput) -> Result<person::Model> {
    write::transaction(db, async |tx| insert_person(tx, actor, project_id, i).await).await
}

/// Import people: all of them in one transaction, or none.
pub async fn import_people(db: &Db, actor: Actor, project_id: i32, rows: &[PersonInput]) -> Result<usize> {
    write::transaction(db, async |tx| {
        for i in rows {
            insert_person(tx, actor, project_id, i).await?;
        }
        Ok(rows.len())
    })
    .await
}

/// Edit a person; `user_id` links them to a user account who is a member of the project.
pub async fn update_person(
    db: &Db,
    actor: Actor,
    project_id: i32,
    id: i32,
    version: i32,
    i: &PersonInput,
    user_id: Option<i32>,
) -> Result<person::Model> {
    write::transaction(db, async |tx| {
        if let Some(uid) = user_id {
            let members = super::projects::members(tx, project_id).await?;
            if !members.iter().any(|m| m.user_id == uid) {
                return Err(FieldErrors::single("user_id", "err.choose_from_list").into());
            }
        }
        let am = person::ActiveModel { user_id: Set(user_id), ..person_model(i) };
        Ok(write::update::<person::Entity, _>(tx, actor, project_id, id, version, am, "update").await?.after)
    })
    .await
}

/// Remove a person who holds no place in the organisation, the training plan or the work:
/// history keeps what they did, and nothing is removed silently along with them.
pub async fn remove_person(db: &Db, actor: Actor, project_id: i32, id: i32) -> Result<()> {
    use crate::entity::attendance;
    write::transaction(db, async |tx| {
        person(tx, project_id, id).await?;
        let in_tier = membership::Entity::find().filter(membership::Column::PersonId.eq(id)).one(tx).await?.is_some();
        let invited = attendance::Entity::find().filter(attendance::Column::PersonId.eq(id)).one(tx).await?.is_some();
        let (acts, dels) = owned_by(tx, project_id, id).await?;
        if in_tier || invited || !acts.is_empty() || !dels.is_empty() {
            return Err(Error::Rule("err.person_in_use"));
        }
        write::delete::<person::Entity, _>(tx, actor, project_id, id, None).await?;
        Ok(())
    })
    .await
}

fn check_membership(kind: UnitKind, role: &str, allocation: &str) -> std::result::Result<(String, i32), FieldErrors> {
    let mut e = FieldErrors::default();
    if !org::roles_for(kind).contains(&role) {
        e.add("role", "err.choose_from_list");
    }
    let alloc = allocation.trim().trim_end_matches('%').trim().parse::<i32>().ok().filter(|a| (0..=100).contains(a));
    if alloc.is_none() {
        e.add("allocation", "err.percent");
    }
    e.into_result((role.to_string(), alloc.unwrap_or(0)))
}

/// The membership forms: add (person, role, share) and edit (role, share).
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct MemberForm {
    pub person_id: String,
    pub role: String,
    pub allocation: String,
}

/// Put a person into a tier or group with a role and a share of their time.
pub async fn add_membership(
    db: &Db,
    actor: Actor,
    project_id: i32,
    unit_id: i32,
    f: &MemberForm,
) -> Result<membership::Model> {
    write::transaction(db, async |tx| {
        let u = unit(tx, project_id, unit_id).await?;
        let kind = UnitKind::parse(&u.kind).ok_or(Error::NotFound)?;
        let mut e = FieldErrors::default();
        let p = match f.person_id.trim().parse::<i32>().ok() {
            Some(pid) => person(tx, project_id, pid).await.ok(),
            None => None,
        };
        if p.is_none() {
            e.add("person_id", "err.choose_from_list");
        }
        let checked = check_membership(kind, &f.role, &f.allocation);
        if let Err(more) = &checked {
            e.0.extend(more.0.iter().cloned());
        }
        if let Some(p) = &p {
            let dup = membership::Entity::find()
                .filter(membership::Column::UnitId.eq(u.id))
                .filter(membership::Column::PersonId.eq(p.id))
                .one(tx)
                .await?;
            if dup.is_some() {
                e.add("person_id", "err.already_member");
            }
        }
        e.check()?;
        let (role, allocation) = checked?;
        let p = p.ok_or(Error::NotFound)?;
        let am = membership::ActiveModel {
            project_id: Set(project_id),
            unit_id: Set(u.id),
            person_id: Set(p.id),
            role: Set(role),
            allocation: Set(allocation),
            ..Default::default()
        };
        write::insert::<membership::Entity, _>(tx, actor, project_id, am, "create").await
    })
    .await
}

pub async fn update_membership(
    db: &Db,
    actor: Actor,
    project_id: i32,
    id: i32,
    version: i32,
    f: &MemberForm,
) -> Result<membership::Model> {
    write::transaction(db, async |tx| {
        let before = write::get::<membership::Entity, _>(tx, project_id, id).await?;
        let u = unit(tx, project_id, before.unit_id).await?;
        let kind = UnitKind::parse(&u.kind).ok_or(Error::NotFound)?;
        let (role, allocation) = check_membership(kind, &f.role, &f.allocation)?;
        let am = membership::ActiveModel { role: Set(role), allocation: Set(allocation), ..Default::default() };
        Ok(write::update::<membership::Entity, _>(tx, actor, project_id, id, version, am, "update").await?.after)
    })
    .await
}

pub async fn remove_membership(db: &Db, actor: Actor, project_id: i32, id: i32) -> Result<()> {
    write::transaction(db, async |tx| {
        write::delete::<membership::Entity, _>(tx, actor, project_id, id, None).await?;
        Ok(())
    })
    .await
}

/// The organisation as the rules see it.
pub fn facts(
    p: &project::Model,
    people: &[person::Model],
    units: &[org_unit::Model],
    members: &[membership::Model],
) -> org_rules::Org {
    org_rules::Org {
        people: people
            .iter()
            .map(|x| org_rules::Person {
                id: x.id,
                name: x.name.clone(),
                department: x.department.clone(),
                side: x.side.clone(),
            })
            .collect(),
        units: units
            .iter()
            .filter_map(|u| {
                Some(org_rules::Unit {
                    id: u.id,
                    kind: UnitKind::parse(&u.kind)?,
                    department: u.department.clone(),
                    name: u.name.clone(),
                })
            })
            .collect(),
        members: members
            .iter()
            .map(|m| org_rules::Member {
                id: m.id,
                unit_id: m.unit_id,
                person_id: m.person_id,
                role: m.role.clone(),
                allocation: m.allocation,
            })
            .collect(),
        required_departments: required_departments(p).into_iter().map(str::to_string).collect(),
    }
}

/// A tier or group in the reader's language: its own name, or the default one.
pub fn unit_label(lang: Lang, u: &org_unit::Model) -> String {
    if !u.name.trim().is_empty() {
        return u.name.clone();
    }
    match (u.kind.as_str(), &u.department) {
        ("group", Some(d)) => i18n::tf(lang, "org.group_of", &[("dept", &i18n::t(lang, &format!("dept.{d}")))]),
        (k, _) => i18n::t(lang, &format!("org.kind_{k}")),
    }
}

/// A person as choice lists name them: "name · department".
pub fn person_label(p: &person::Model, lang: Lang) -> String {
    format!("{} · {}", p.name, i18n::t(lang, &format!("dept.{}", p.department)))
}

/// A finding with its words in the reader's language and where to fix it.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct FindingView {
    #[serde(flatten)]
    pub finding: Finding,
    pub title: String,
    pub why: String,
    pub fix: String,
}

fn finding_view(lang: Lang, project_id: i32, units: &[org_unit::Model], f: &Finding) -> FindingView {
    let id = project_id;
    let subject = if let Some(d) = &f.department {
        i18n::t(lang, &format!("dept.{d}"))
    } else if f.person_id.is_some() {
        f.subject.clone()
    } else if let Some(u) = f.unit_id.and_then(|uid| units.iter().find(|u| u.id == uid)) {
        unit_label(lang, u)
    } else {
        f.subject.clone()
    };
    let value = f.value.map(|v| v.to_string()).unwrap_or_default();
    let args = [("subject", subject.as_str()), ("value", value.as_str())];
    let fix = if let Some(m) = f.membership_id {
        format!("/projects/{id}/organisation#m-{m}")
    } else if f.department.is_some() {
        format!("/projects/{id}/organisation#add-group")
    } else if let Some(u) = f.unit_id {
        format!("/projects/{id}/organisation#unit-{u}")
    } else if let Some(pid) = f.person_id {
        format!("/projects/{id}/people/{pid}")
    } else {
        format!("/projects/{id}/organisation")
    };
    FindingView {
        title: i18n::tf(lang, &format!("org_rule.{}", f.rule), &args),
        why: i18n::t(lang, &format!("org_rule.{}_why", f.rule)),
        fix,
        finding: f.clone(),
    }
}

#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct MemberView {
    pub m: membership::Model,
    pub person: person::Model,
    /// A finding points at this membership.
    pub flagged: bool,
}

/// A tier or group with its label, the roles it offers and its members.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct UnitView {
    pub u: org_unit::Model,
    pub label: String,
    pub roles: &'static [&'static str],
    /// The role the add-member form starts with (`org::default_role_for`).
    pub default_role: &'static str,
    pub members: Vec<MemberView>,
    /// Functional groups may be removed; the two upper tiers stay.
    pub removable: bool,
}

/// A person on the people list: their shares of time summed and the tiers they sit in.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct PersonRow {
    pub p: person::Model,
    pub total: i32,
    pub tiers: Vec<String>,
}

#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
#[schema(as = OrganisationChoice)]
pub struct Choice {
    pub id: i32,
    pub label: String,
}

/// How many findings of each severity.
#[derive(Clone, Copy, Debug, Default, Serialize, utoipa::ToSchema)]
pub struct FindingCounts {
    pub error: usize,
    pub warning: usize,
    pub advice: usize,
}

/// Everything the organisation page and the people page show, and the API returns.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct OrgView {
    pub people: Vec<person::Model>,
    pub units: Vec<org_unit::Model>,
    pub members: Vec<membership::Model>,
    /// The method's findings, most serious first as the rules list them.
    pub findings: Vec<FindingView>,
    pub finding_counts: FindingCounts,
    pub tiers: Vec<UnitView>,
    pub people_rows: Vec<PersonRow>,
    pub people_count: usize,
    /// People as the membership form offers them.
    pub person_choices: Vec<Choice>,
    /// Departments that have no functional group yet.
    pub free_departments: Vec<&'static str>,
    pub chart: chart::OrgChart,
}

/// The method's findings over the organisation (none before the tiers exist).
pub async fn findings<C: ConnectionTrait>(c: &C, p: &project::Model) -> Result<Vec<Finding>> {
    let people = people(c, p.id).await?;
    let units = units(c, p.id).await?;
    let members = memberships(c, p.id).await?;
    let loading = super::loading::findings(c, p, &people).await?;
    let mut raw = if units.is_empty() { vec![] } else { org_rules::check(&facts(p, &people, &units, &members)) };
    if !units.is_empty() {
        raw.extend(loading);
    }
    Ok(raw)
}

fn org_chart(
    lang: Lang,
    people: &[person::Model],
    units: &[org_unit::Model],
    members: &[membership::Model],
    findings: &[Finding],
) -> chart::OrgChart {
    let node = |u: &org_unit::Model| chart::Node {
        title: unit_label(lang, u),
        flagged: findings.iter().any(|f| f.unit_id == Some(u.id)),
        entries: members
            .iter()
            .filter(|m| m.unit_id == u.id)
            .filter_map(|m| {
                let p = people.iter().find(|p| p.id == m.person_id)?;
                Some(chart::Entry {
                    name: p.name.clone(),
                    role: i18n::t(lang, &format!("org_role.{}", m.role)),
                    allocation: m.allocation,
                    consultant: p.side == "consultancy",
                })
            })
            .collect(),
    };
    let of = |k: &str| units.iter().find(|u| u.kind == k).map(node).unwrap_or_default();
    chart::OrgChart {
        steering: of("steering"),
        team: of("team"),
        groups: units.iter().filter(|u| u.kind == "group").map(node).collect(),
        legend: (i18n::t(lang, "org.legend_consultant"), i18n::t(lang, "org.legend_flagged")),
    }
}

/// The organisation of project `p` as the reader of `lang` sees it.
pub async fn view<C: ConnectionTrait>(c: &C, p: &project::Model, lang: Lang) -> Result<OrgView> {
    let people = people(c, p.id).await?;
    let units = units(c, p.id).await?;
    let members = memberships(c, p.id).await?;
    // Before the tiers exist (nobody has opened the page yet) there is nothing to judge.
    // People planned above their capacity in the coming weeks (across their projects).
    let loading = super::loading::findings(c, p, &people).await?;
    let mut raw = if units.is_empty() { vec![] } else { org_rules::check(&facts(p, &people, &units, &members)) };
    if !units.is_empty() {
        raw.extend(loading);
    }
    let tiers = units
        .iter()
        .map(|u| {
            let kind = UnitKind::parse(&u.kind).unwrap_or(UnitKind::Group);
            UnitView {
                u: u.clone(),
                label: unit_label(lang, u),
                roles: org::roles_for(kind),
                default_role: org::default_role_for(kind),
                members: members
                    .iter()
                    .filter(|m| m.unit_id == u.id)
                    .filter_map(|m| {
                        let person = people.iter().find(|x| x.id == m.person_id)?.clone();
                        let flagged = raw.iter().any(|f| f.membership_id == Some(m.id));
                        Some(MemberView { m: m.clone(), person, flagged })
                    })
                    .collect(),
                removable: kind == UnitKind::Group,
            }
        })
        .collect();
    let people_rows = people
        .iter()
        .map(|x| {
            let mine: Vec<&membership::Model> = members.iter().filter(|m| m.person_id == x.id).collect();
            PersonRow {
                p: x.clone(),
                total: mine.iter().map(|m| m.allocation).sum(),
                tiers: mine
                    .iter()
                    .filter_map(|m| units.iter().find(|u| u.id == m.unit_id))
                    .map(|u| unit_label(lang, u))
                    .collect(),
            }
        })
        .collect();
    let count = |s: Severity| raw.iter().filter(|f| f.severity == s).count();
    let finding_counts = FindingCounts {
        error: count(Severity::Error),
        warning: count(Severity::Warning),
        advice: count(Severity::Advice),
    };
    let free_departments = org::DEPARTMENTS
        .iter()
        .copied()
        .filter(|d| !units.iter().any(|u| u.kind == "group" && u.department.as_deref() == Some(d)))
        .collect();
    Ok(OrgView {
        findings: raw.iter().map(|f| finding_view(lang, p.id, &units, f)).collect(),
        finding_counts,
        tiers,
        people_rows,
        people_count: people.len(),
        person_choices: people.iter().map(|x| Choice { id: x.id, label: person_label(x, lang) }).collect(),
        free_departments,
        chart: org_chart(lang, &people, &units, &members, &raw),
        people,
        units,
        members,
    })
}

/// A membership of one person, with its tier's label.
#[derive(Clone, Debug, Serialize)]
pub struct PersonMembership {
    pub m: membership::Model,
    pub label: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct OwnedActivity {
    pub a: activity::Model,
    pub seq: i32,
}

#[derive(Clone, Debug, Serialize)]
pub struct OwnedDeliverable {
    pub d: deliverable::Model,
    pub seq: i32,
}

/// Everything a person's page shows: the person, their places and shares of time, what they
/// own, their training record, and the user accounts they may be linked to.
#[derive(Clone, Debug, Serialize)]
pub struct PersonView {
    pub p: person::Model,
    pub memberships: Vec<PersonMembership>,
    pub total: i32,
    /// More than the method allows in total.
    pub over: bool,
    pub activities: Vec<OwnedActivity>,
    pub deliverables: Vec<OwnedDeliverable>,
    pub record: Vec<super::training::RecordRow>,
    pub users: Vec<super::projects::MemberRow>,
    /// Resource loading over the coming weeks, across the person's projects (when a user
    /// account is theirs).
    pub load: Option<super::loading::PersonLoad>,
}

/// The page of person `pid` as user `viewer` sees it.
pub async fn person_view<C: ConnectionTrait>(
    c: &C,
    project_id: i32,
    pid: i32,
    lang: Lang,
    viewer: i32,
) -> Result<PersonView> {
    let p = person(c, project_id, pid).await?;
    let proj = super::projects::get(c, project_id).await?;
    let load = super::loading::of_person(c, &proj, &p, viewer).await?;
    let units = units(c, project_id).await?;
    let ms: Vec<membership::Model> =
        memberships(c, project_id).await?.into_iter().filter(|m| m.person_id == pid).collect();
    let total: i32 = ms.iter().map(|m| m.allocation).sum();
    let memberships = ms
        .iter()
        .filter_map(|m| {
            let u = units.iter().find(|u| u.id == m.unit_id)?;
            Some(PersonMembership { m: m.clone(), label: unit_label(lang, u) })
        })
        .collect();
    let (acts, dels) = owned_by(c, project_id, pid).await?;
    let phases = super::projects::phases(c, project_id).await?;
    let seq_of = |phase_id: i32| phases.iter().find(|ph| ph.id == phase_id).map_or(0, |ph| ph.seq);
    Ok(PersonView {
        memberships,
        total,
        over: total > org_rules::MAX_TOTAL,
        activities: acts.into_iter().map(|a| OwnedActivity { seq: seq_of(a.phase_id), a }).collect(),
        deliverables: dels.into_iter().map(|d| OwnedDeliverable { seq: seq_of(d.phase_id), d }).collect(),
        record: super::training::record_of(c, project_id, pid).await?,
        users: super::projects::members(c, project_id).await?,
        load,
        p,
    })
}

/// The responsibilities page of phase `seq`: its activities, the project's deliverables,
/// and the people and tiers that may own them.
#[derive(Clone, Debug, Serialize)]
pub struct ResponsibilitiesView {
    pub phase: crate::entity::phase::Model,
    pub phases: Vec<crate::entity::phase::Model>,
    pub activities: Vec<activity::Model>,
    pub deliverables: Vec<deliverable::Model>,
    pub people: Vec<Choice>,
    pub units: Vec<Choice>,
}

pub async fn responsibilities_view<C: ConnectionTrait>(
    c: &C,
    project_id: i32,
    seq: i32,
    lang: Lang,
) -> Result<ResponsibilitiesView> {
    let phases = super::projects::phases(c, project_id).await?;
    let phase = phases.iter().find(|p| p.seq == seq).cloned().ok_or(Error::NotFound)?;
    let activities = activity::Entity::find()
        .filter(activity::Column::PhaseId.eq(phase.id))
        .order_by_asc(activity::Column::Seq)
        .order_by_asc(activity::Column::Id)
        .all(c)
        .await?;
    let deliverables = deliverable::Entity::find()
        .filter(deliverable::Column::ProjectId.eq(project_id))
        .order_by_asc(deliverable::Column::PhaseId)
        .order_by_asc(deliverable::Column::Seq)
        .all(c)
        .await?;
    let people = people(c, project_id).await?;
    let units = units(c, project_id).await?;
    Ok(ResponsibilitiesView {
        phase,
        phases,
        activities,
        deliverables,
        people: people.iter().map(|p| Choice { id: p.id, label: person_label(p, lang) }).collect(),
        units: units.iter().map(|u| Choice { id: u.id, label: unit_label(lang, u) }).collect(),
    })
}

/// Responsibilities: the activities and deliverables a person owns.
pub async fn owned_by<C: ConnectionTrait>(
    c: &C,
    project_id: i32,
    person_id: i32,
) -> Result<(Vec<activity::Model>, Vec<deliverable::Model>)> {
    let a = activity::Entity::find()
        .filter(activity::Column::ProjectId.eq(project_id))
        .filter(activity::Column::OwnerPersonId.eq(person_id))
        .order_by_asc(activity::Column::PhaseId)
        .order_by_asc(activity::Column::Seq)
        .all(c)
        .await?;
    let d = deliverable::Entity::find()
        .filter(deliverable::Column::ProjectId.eq(project_id))
        .filter(deliverable::Column::OwnerPersonId.eq(person_id))
        .order_by_asc(deliverable::Column::PhaseId)
        .order_by_asc(deliverable::Column::Seq)
        .all(c)
        .await?;
    Ok((a, d))
}

/// The owner form of a responsibilities row: which row, its version, the owner and tier.
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct OwnerForm {
    pub entity: String,
    pub id: String,
    pub version: String,
    pub owner_person_id: String,
    pub owner_unit_id: String,
}

/// Name the owner (a person) and the responsible tier or group of an activity or a
/// deliverable (`entity` is "activity" or "deliverable"); either may be cleared.
#[allow(clippy::too_many_arguments)]
pub async fn set_owner(
    db: &Db,
    actor: Actor,
    project_id: i32,
    entity: &str,
    id: i32,
    version: i32,
    person_id: &str,
    unit_id: &str,
) -> Result<()> {
    write::transaction(db, async |tx| {
        let mut e = FieldErrors::default();
        let pid = match person_id.trim() {
            "" => None,
            s => match s.parse::<i32>().ok() {
                Some(pid) if person(tx, project_id, pid).await.is_ok() => Some(pid),
                _ => {
                    e.add("owner_person_id", "err.choose_from_list");
                    None
                }
            },
        };
        let uid = match unit_id.trim() {
            "" => None,
            s => match s.parse::<i32>().ok() {
                Some(uid) if unit(tx, project_id, uid).await.is_ok() => Some(uid),
                _ => {
                    e.add("owner_unit_id", "err.choose_from_list");
                    None
                }
            },
        };
        e.check()?;
        match entity {
            "activity" => {
                let am =
                    activity::ActiveModel { owner_person_id: Set(pid), owner_unit_id: Set(uid), ..Default::default() };
                let ch = write::update::<activity::Entity, _>(tx, actor, project_id, id, version, am, "update").await?;
                if ch.before.owner_person_id != pid {
                    let title = (ch.after.name_en.as_str(), ch.after.name_zh.as_str());
                    super::notify::assigned(tx, actor, project_id, "activity", id, title, pid).await?;
                }
            }
            "deliverable" => {
                let am = deliverable::ActiveModel {
                    owner_person_id: Set(pid),
                    owner_unit_id: Set(uid),
                    ..Default::default()
                };
                let ch =
                    write::update::<deliverable::Entity, _>(tx, actor, project_id, id, version, am, "update").await?;
                if ch.before.owner_person_id != pid {
                    let title = (ch.after.name_en.as_str(), ch.after.name_zh.as_str());
                    super::notify::assigned(tx, actor, project_id, "deliverable", id, title, pid).await?;
                }
            }
            _ => return Err(Error::NotFound),
        }
        Ok(())
    })
    .await
}
