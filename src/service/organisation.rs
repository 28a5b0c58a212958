//! The project organisation: people, the three tiers and memberships, and the method's
//! rules checked over them. Tiers are created lazily, on the first visit of a page that
//! needs them, so projects created before this feature get them too.
use super::{Actor, Error, Result, audit, now, update_guarded};
use crate::db::Db;
use crate::domain::org::{self, UnitKind};
use crate::domain::org_rules::{self, Finding};
use crate::domain::people::PersonInput;
use crate::domain::validation::FieldErrors;
use crate::entity::{activity, deliverable, membership, org_unit, person, project};
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};

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
    person::Entity::find_by_id(id).filter(person::Column::ProjectId.eq(project_id)).one(c).await?.ok_or(Error::NotFound)
}

pub async fn memberships<C: ConnectionTrait>(c: &C, project_id: i32) -> Result<Vec<membership::Model>> {
    Ok(membership::Entity::find()
        .filter(membership::Column::ProjectId.eq(project_id))
        .order_by_asc(membership::Column::Id)
        .all(c)
        .await?)
}

async fn unit<C: ConnectionTrait>(c: &C, project_id: i32, id: i32) -> Result<org_unit::Model> {
    org_unit::Entity::find_by_id(id)
        .filter(org_unit::Column::ProjectId.eq(project_id))
        .one(c)
        .await?
        .ok_or(Error::NotFound)
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
    let t = now();
    let key = match (kind, department) {
        (UnitKind::Group, Some(d)) => group_key(d),
        _ => kind.as_str().to_string(),
    };
    let u = org_unit::Entity::insert(org_unit::ActiveModel {
        project_id: Set(project_id),
        key: Set(key),
        kind: Set(kind.as_str().into()),
        department: Set(department.map(str::to_string)),
        name: Set(name.to_string()),
        seq: Set(seq),
        version: Set(1),
        created_at: Set(t),
        updated_at: Set(t),
        ..Default::default()
    })
    .exec_with_returning(c)
    .await?;
    audit::record(c, actor, Some(project_id), "org_unit", u.id, "create", None::<&()>, Some(&u)).await?;
    Ok(u)
}

/// Create the steering committee, the project team and a functional group per required
/// department, once. Default tiers have no name of their own: pages name them in the
/// reader's language.
pub async fn ensure_tiers(db: &Db, actor: Actor, p: &project::Model) -> Result<()> {
    if !units(&db.conn, p.id).await?.is_empty() {
        return Ok(());
    }
    let created = async {
        let tx = db.write().await?;
        if !units(&*tx, p.id).await?.is_empty() {
            return Ok(());
        }
        insert_unit(&*tx, actor, p.id, UnitKind::Steering, None, "", 1).await?;
        insert_unit(&*tx, actor, p.id, UnitKind::Team, None, "", 2).await?;
        for (i, d) in required_departments(p).into_iter().enumerate() {
            insert_unit(&*tx, actor, p.id, UnitKind::Group, Some(d), "", 10 + i as i32).await?;
        }
        tx.commit().await?;
        Ok::<(), Error>(())
    }
    .await;
    // Two first visits at once (PostgreSQL): the loser hits the unique key; the tiers exist.
    match created {
        Err(Error::Db(_)) if !units(&db.conn, p.id).await?.is_empty() => Ok(()),
        r => r,
    }
}

/// Add a functional group for a department that has none.
pub async fn add_group(
    db: &Db,
    actor: Actor,
    project_id: i32,
    department: &str,
    name: &str,
) -> Result<org_unit::Model> {
    let mut e = FieldErrors::default();
    let dept = org::DEPARTMENTS.iter().copied().find(|d| *d == department);
    if dept.is_none() {
        e.add("department", "err.choose_from_list");
    }
    let name = name.trim();
    if name.chars().count() > 200 {
        e.add("group_name", "err.too_long");
    }
    e.check()?;
    let dept = dept.unwrap_or("other");
    let tx = db.write().await?;
    let existing = units(&*tx, project_id).await?;
    if existing.iter().any(|u| u.key == group_key(dept)) {
        return Err(FieldErrors::single("department", "err.group_exists").into());
    }
    let seq = existing.iter().map(|u| u.seq).max().unwrap_or(10) + 1;
    let u = insert_unit(&*tx, actor, project_id, UnitKind::Group, Some(dept), name, seq).await?;
    tx.commit().await?;
    Ok(u)
}

/// Remove a functional group and its memberships (the two upper tiers always stay).
pub async fn remove_group(db: &Db, actor: Actor, project_id: i32, unit_id: i32) -> Result<()> {
    let tx = db.write().await?;
    let u = unit(&*tx, project_id, unit_id).await?;
    if u.kind != UnitKind::Group.as_str() {
        return Err(Error::Rule("err.tier_stays"));
    }
    let ms = membership::Entity::find().filter(membership::Column::UnitId.eq(u.id)).all(&*tx).await?;
    for m in &ms {
        membership::Entity::delete_by_id(m.id).exec(&*tx).await?;
        audit::record(&*tx, actor, Some(project_id), "membership", m.id, "delete", Some(m), None::<&()>).await?;
    }
    org_unit::Entity::delete_by_id(u.id).exec(&*tx).await?;
    audit::record(&*tx, actor, Some(project_id), "org_unit", u.id, "delete", Some(&u), None::<&()>).await?;
    tx.commit().await?;
    Ok(())
}

async fn insert_person<C: ConnectionTrait>(
    c: &C,
    actor: Actor,
    project_id: i32,
    i: &PersonInput,
) -> Result<person::Model> {
    let t = now();
    let p = person::Entity::insert(person::ActiveModel {
        project_id: Set(project_id),
        name: Set(i.name.clone()),
        title: Set(i.title.clone()),
        department: Set(i.department.into()),
        side: Set(i.side.into()),
        email: Set(i.email.clone()),
        phone: Set(i.phone.clone()),
        user_id: Set(None),
        version: Set(1),
        created_at: Set(t),
        updated_at: Set(t),
        ..Default::default()
    })
    .exec_with_returning(c)
    .await?;
    audit::record(c, actor, Some(project_id), "person", p.id, "create", None::<&()>, Some(&p)).await?;
    Ok(p)
}

pub async fn create_person(db: &Db, actor: Actor, project_id: i32, i: &PersonInput) -> Result<person::Model> {
    let tx = db.write().await?;
    let p = insert_person(&*tx, actor, project_id, i).await?;
    tx.commit().await?;
    Ok(p)
}

/// Import people: all of them in one transaction, or none.
pub async fn import_people(db: &Db, actor: Actor, project_id: i32, rows: &[PersonInput]) -> Result<usize> {
    let tx = db.write().await?;
    for i in rows {
        insert_person(&*tx, actor, project_id, i).await?;
    }
    tx.commit().await?;
    Ok(rows.len())
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
    let tx = db.write().await?;
    let before = person(&*tx, project_id, id).await?;
    if before.version != version {
        return Err(Error::Conflict);
    }
    if let Some(uid) = user_id {
        let members = super::projects::members(&*tx, project_id).await?;
        if !members.iter().any(|m| m.user_id == uid) {
            return Err(FieldErrors::single("user_id", "err.choose_from_list").into());
        }
    }
    let am = person::ActiveModel {
        name: Set(i.name.clone()),
        title: Set(i.title.clone()),
        department: Set(i.department.into()),
        side: Set(i.side.into()),
        email: Set(i.email.clone()),
        phone: Set(i.phone.clone()),
        user_id: Set(user_id),
        version: Set(version + 1),
        updated_at: Set(now()),
        ..Default::default()
    };
    update_guarded::<person::Entity, _>(&*tx, am, id, version).await?;
    let after = person(&*tx, project_id, id).await?;
    audit::record(&*tx, actor, Some(project_id), "person", id, "update", Some(&before), Some(&after)).await?;
    tx.commit().await?;
    Ok(after)
}

/// Remove a person who holds no place in the organisation, the training plan or the work:
/// history keeps what they did, and nothing is removed silently along with them.
pub async fn remove_person(db: &Db, actor: Actor, project_id: i32, id: i32) -> Result<()> {
    use crate::entity::attendance;
    let tx = db.write().await?;
    let p = person(&*tx, project_id, id).await?;
    let in_tier = membership::Entity::find().filter(membership::Column::PersonId.eq(id)).one(&*tx).await?.is_some();
    let invited = attendance::Entity::find().filter(attendance::Column::PersonId.eq(id)).one(&*tx).await?.is_some();
    let (acts, dels) = owned_by(&*tx, project_id, id).await?;
    if in_tier || invited || !acts.is_empty() || !dels.is_empty() {
        return Err(Error::Rule("err.person_in_use"));
    }
    person::Entity::delete_by_id(id).exec(&*tx).await?;
    audit::record(&*tx, actor, Some(project_id), "person", id, "delete", Some(&p), None::<&()>).await?;
    tx.commit().await?;
    Ok(())
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

/// Put a person into a tier or group with a role and a share of their time.
pub async fn add_membership(
    db: &Db,
    actor: Actor,
    project_id: i32,
    unit_id: i32,
    person_id: &str,
    role: &str,
    allocation: &str,
) -> Result<membership::Model> {
    let tx = db.write().await?;
    let u = unit(&*tx, project_id, unit_id).await?;
    let kind = UnitKind::parse(&u.kind).ok_or(Error::NotFound)?;
    let mut e = FieldErrors::default();
    let pid = person_id.trim().parse::<i32>().ok();
    let p = match pid {
        Some(pid) => person::Entity::find_by_id(pid).filter(person::Column::ProjectId.eq(project_id)).one(&*tx).await?,
        None => None,
    };
    if p.is_none() {
        e.add("person_id", "err.choose_from_list");
    }
    let checked = check_membership(kind, role, allocation);
    if let Err(more) = &checked {
        e.0.extend(more.0.iter().cloned());
    }
    if let Some(p) = &p {
        let dup = membership::Entity::find()
            .filter(membership::Column::UnitId.eq(u.id))
            .filter(membership::Column::PersonId.eq(p.id))
            .one(&*tx)
            .await?;
        if dup.is_some() {
            e.add("person_id", "err.already_member");
        }
    }
    e.check()?;
    let (role, allocation) = checked?;
    let p = p.ok_or(Error::NotFound)?;
    let t = now();
    let m = membership::Entity::insert(membership::ActiveModel {
        project_id: Set(project_id),
        unit_id: Set(u.id),
        person_id: Set(p.id),
        role: Set(role),
        allocation: Set(allocation),
        version: Set(1),
        created_at: Set(t),
        updated_at: Set(t),
        ..Default::default()
    })
    .exec_with_returning(&*tx)
    .await?;
    audit::record(&*tx, actor, Some(project_id), "membership", m.id, "create", None::<&()>, Some(&m)).await?;
    tx.commit().await?;
    Ok(m)
}

async fn membership_of<C: ConnectionTrait>(c: &C, project_id: i32, id: i32) -> Result<membership::Model> {
    membership::Entity::find_by_id(id)
        .filter(membership::Column::ProjectId.eq(project_id))
        .one(c)
        .await?
        .ok_or(Error::NotFound)
}

pub async fn update_membership(
    db: &Db,
    actor: Actor,
    project_id: i32,
    id: i32,
    version: i32,
    role: &str,
    allocation: &str,
) -> Result<membership::Model> {
    let tx = db.write().await?;
    let before = membership_of(&*tx, project_id, id).await?;
    let u = unit(&*tx, project_id, before.unit_id).await?;
    let kind = UnitKind::parse(&u.kind).ok_or(Error::NotFound)?;
    let (role, allocation) = check_membership(kind, role, allocation)?;
    let am = membership::ActiveModel {
        role: Set(role),
        allocation: Set(allocation),
        version: Set(version + 1),
        updated_at: Set(now()),
        ..Default::default()
    };
    update_guarded::<membership::Entity, _>(&*tx, am, id, version).await?;
    let after = membership_of(&*tx, project_id, id).await?;
    audit::record(&*tx, actor, Some(project_id), "membership", id, "update", Some(&before), Some(&after)).await?;
    tx.commit().await?;
    Ok(after)
}

pub async fn remove_membership(db: &Db, actor: Actor, project_id: i32, id: i32) -> Result<()> {
    let tx = db.write().await?;
    let m = membership_of(&*tx, project_id, id).await?;
    membership::Entity::delete_by_id(m.id).exec(&*tx).await?;
    audit::record(&*tx, actor, Some(project_id), "membership", m.id, "delete", Some(&m), None::<&()>).await?;
    tx.commit().await?;
    Ok(())
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

/// Everything the organisation page shows.
pub struct OrgView {
    pub people: Vec<person::Model>,
    pub units: Vec<org_unit::Model>,
    pub members: Vec<membership::Model>,
    pub findings: Vec<Finding>,
}

pub async fn view<C: ConnectionTrait>(c: &C, p: &project::Model) -> Result<OrgView> {
    let people = people(c, p.id).await?;
    let units = units(c, p.id).await?;
    let members = memberships(c, p.id).await?;
    // Before the tiers exist (nobody has opened the page yet) there is nothing to judge.
    let findings = if units.is_empty() { vec![] } else { org_rules::check(&facts(p, &people, &units, &members)) };
    Ok(OrgView { people, units, members, findings })
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
    let tx = db.write().await?;
    let mut e = FieldErrors::default();
    let pid = match person_id.trim() {
        "" => None,
        s => match s.parse::<i32>().ok() {
            Some(pid) if person(&*tx, project_id, pid).await.is_ok() => Some(pid),
            _ => {
                e.add("owner_person_id", "err.choose_from_list");
                None
            }
        },
    };
    let uid = match unit_id.trim() {
        "" => None,
        s => match s.parse::<i32>().ok() {
            Some(uid) if unit(&*tx, project_id, uid).await.is_ok() => Some(uid),
            _ => {
                e.add("owner_unit_id", "err.choose_from_list");
                None
            }
        },
    };
    e.check()?;
    match entity {
        "activity" => {
            let before = activity::Entity::find_by_id(id)
                .filter(activity::Column::ProjectId.eq(project_id))
                .one(&*tx)
                .await?
                .ok_or(Error::NotFound)?;
            let am = activity::ActiveModel {
                owner_person_id: Set(pid),
                owner_unit_id: Set(uid),
                version: Set(version + 1),
                updated_at: Set(now()),
                ..Default::default()
            };
            update_guarded::<activity::Entity, _>(&*tx, am, id, version).await?;
            let after =
                activity::Model { owner_person_id: pid, owner_unit_id: uid, version: version + 1, ..before.clone() };
            audit::record(&*tx, actor, Some(project_id), "activity", id, "update", Some(&before), Some(&after)).await?;
        }
        "deliverable" => {
            let before = super::work::deliverable(&*tx, project_id, id).await?;
            let am = deliverable::ActiveModel {
                owner_person_id: Set(pid),
                owner_unit_id: Set(uid),
                version: Set(version + 1),
                updated_at: Set(now()),
                ..Default::default()
            };
            update_guarded::<deliverable::Entity, _>(&*tx, am, id, version).await?;
            let after = super::work::deliverable(&*tx, project_id, id).await?;
            audit::record(&*tx, actor, Some(project_id), "deliverable", id, "update", Some(&before), Some(&after))
                .await?;
        }
        _ => return Err(Error::NotFound),
    }
    tx.commit().await?;
    Ok(())
}
