//! The training plan: sessions, invitations and attendance, and the checks over them
//! (senior management first, coverage of functional groups, budget).
use super::{Actor, Error, Result, audit, now, organisation, update_guarded};
use crate::db::Db;
use crate::domain::org::module_of_department;
use crate::domain::training::{self, Budget, Coverage, GroupPeople, OrderCheck, SessionInput};
use crate::domain::validation::FieldErrors;
use crate::entity::{attendance, project, training_session};
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};
use serde::Serialize;
use std::collections::BTreeSet;

pub async fn sessions<C: ConnectionTrait>(c: &C, project_id: i32) -> Result<Vec<training_session::Model>> {
    Ok(training_session::Entity::find()
        .filter(training_session::Column::ProjectId.eq(project_id))
        .order_by_asc(training_session::Column::Date)
        .order_by_asc(training_session::Column::StartTime)
        .order_by_asc(training_session::Column::Id)
        .all(c)
        .await?)
}

pub async fn session<C: ConnectionTrait>(c: &C, project_id: i32, id: i32) -> Result<training_session::Model> {
    training_session::Entity::find_by_id(id)
        .filter(training_session::Column::ProjectId.eq(project_id))
        .one(c)
        .await?
        .ok_or(Error::NotFound)
}

fn active_model(i: &SessionInput) -> training_session::ActiveModel {
    training_session::ActiveModel {
        title: Set(i.title.clone()),
        audience: Set(i.audience.into()),
        audience_department: Set(i.audience_department.clone()),
        audience_unit_id: Set(i.audience_unit_id),
        phase_seq: Set(i.phase_seq),
        module: Set(i.module.clone()),
        date: Set(i.date),
        start_time: Set(i.start_time.clone()),
        duration_minutes: Set(i.duration_minutes),
        place: Set(i.place.clone()),
        online: Set(i.online),
        trainer: Set(i.trainer.clone()),
        cost: Set(i.cost),
        hands_on: Set(i.hands_on),
        status: Set(i.status.into()),
        ..Default::default()
    }
}

/// Plan a session; its cost is in the project's currency.
pub async fn create_session(
    db: &Db,
    actor: Actor,
    p: &project::Model,
    i: &SessionInput,
) -> Result<training_session::Model> {
    let t = now();
    let mut am = active_model(i);
    am.project_id = Set(p.id);
    am.currency = Set(p.currency.clone());
    am.version = Set(1);
    am.created_at = Set(t);
    am.updated_at = Set(t);
    let tx = db.write().await?;
    let s = training_session::Entity::insert(am).exec_with_returning(&*tx).await?;
    audit::record(&*tx, actor, Some(p.id), "training_session", s.id, "create", None::<&()>, Some(&s)).await?;
    tx.commit().await?;
    Ok(s)
}

pub async fn update_session(
    db: &Db,
    actor: Actor,
    project_id: i32,
    id: i32,
    version: i32,
    i: &SessionInput,
) -> Result<training_session::Model> {
    let tx = db.write().await?;
    let before = session(&*tx, project_id, id).await?;
    let mut am = active_model(i);
    am.version = Set(version + 1);
    am.updated_at = Set(now());
    update_guarded::<training_session::Entity, _>(&*tx, am, id, version).await?;
    let after = session(&*tx, project_id, id).await?;
    audit::record(&*tx, actor, Some(project_id), "training_session", id, "update", Some(&before), Some(&after)).await?;
    tx.commit().await?;
    Ok(after)
}

pub async fn attendance_of<C: ConnectionTrait>(c: &C, session_id: i32) -> Result<Vec<attendance::Model>> {
    Ok(attendance::Entity::find()
        .filter(attendance::Column::SessionId.eq(session_id))
        .order_by_asc(attendance::Column::Id)
        .all(c)
        .await?)
}

/// Invite people to a session; people already invited are left as they are.
pub async fn invite(db: &Db, actor: Actor, project_id: i32, session_id: i32, person_ids: &[String]) -> Result<usize> {
    let tx = db.write().await?;
    let s = session(&*tx, project_id, session_id).await?;
    let people = organisation::people(&*tx, project_id).await?;
    let mut ids = BTreeSet::new();
    for raw in person_ids {
        match raw.trim().parse::<i32>().ok().filter(|id| people.iter().any(|p| p.id == *id)) {
            Some(id) => {
                ids.insert(id);
            }
            None => return Err(FieldErrors::single("person_id", "err.choose_from_list").into()),
        }
    }
    if ids.is_empty() {
        return Err(FieldErrors::single("person_id", "err.required").into());
    }
    let already: BTreeSet<i32> = attendance_of(&*tx, s.id).await?.into_iter().map(|a| a.person_id).collect();
    let t = now();
    let mut n = 0;
    for pid in ids.difference(&already) {
        let a = attendance::Entity::insert(attendance::ActiveModel {
            project_id: Set(project_id),
            session_id: Set(s.id),
            person_id: Set(*pid),
            attended: Set(false),
            score: Set(None),
            version: Set(1),
            created_at: Set(t),
            updated_at: Set(t),
            ..Default::default()
        })
        .exec_with_returning(&*tx)
        .await?;
        audit::record(&*tx, actor, Some(project_id), "attendance", a.id, "create", None::<&()>, Some(&a)).await?;
        n += 1;
    }
    tx.commit().await?;
    Ok(n)
}

/// Record whether an invitee attended and, optionally, their assessment score (0–100).
pub async fn record_attendance(
    db: &Db,
    actor: Actor,
    project_id: i32,
    id: i32,
    version: i32,
    attended: bool,
    score: &str,
) -> Result<attendance::Model> {
    let score = match score.trim() {
        "" => None,
        s => match s.parse::<i32>().ok().filter(|v| (0..=training::SCORE_MAX).contains(v)) {
            Some(v) => Some(v),
            None => return Err(FieldErrors::single("score", "err.score").into()),
        },
    };
    let tx = db.write().await?;
    let before = attendance::Entity::find_by_id(id)
        .filter(attendance::Column::ProjectId.eq(project_id))
        .one(&*tx)
        .await?
        .ok_or(Error::NotFound)?;
    let am = attendance::ActiveModel {
        attended: Set(attended),
        score: Set(score),
        version: Set(version + 1),
        updated_at: Set(now()),
        ..Default::default()
    };
    update_guarded::<attendance::Entity, _>(&*tx, am, id, version).await?;
    let after = attendance::Model { attended, score, version: version + 1, ..before.clone() };
    audit::record(&*tx, actor, Some(project_id), "attendance", id, "update", Some(&before), Some(&after)).await?;
    tx.commit().await?;
    Ok(after)
}

pub async fn uninvite(db: &Db, actor: Actor, project_id: i32, id: i32) -> Result<()> {
    let tx = db.write().await?;
    let a = attendance::Entity::find_by_id(id)
        .filter(attendance::Column::ProjectId.eq(project_id))
        .one(&*tx)
        .await?
        .ok_or(Error::NotFound)?;
    attendance::Entity::delete_by_id(a.id).exec(&*tx).await?;
    audit::record(&*tx, actor, Some(project_id), "attendance", a.id, "delete", Some(&a), None::<&()>).await?;
    tx.commit().await?;
    Ok(())
}

/// A person's training record: each session they were invited to, with the outcome.
#[derive(Clone, Debug, Serialize)]
pub struct RecordRow {
    pub session: training_session::Model,
    pub attendance: attendance::Model,
}

pub async fn record_of<C: ConnectionTrait>(c: &C, project_id: i32, person_id: i32) -> Result<Vec<RecordRow>> {
    let att = attendance::Entity::find()
        .filter(attendance::Column::ProjectId.eq(project_id))
        .filter(attendance::Column::PersonId.eq(person_id))
        .all(c)
        .await?;
    let sessions = sessions(c, project_id).await?;
    Ok(sessions
        .into_iter()
        .filter_map(|s| {
            let a = att.iter().find(|a| a.session_id == s.id)?.clone();
            Some(RecordRow { session: s, attendance: a })
        })
        .collect())
}

fn facts(s: &training_session::Model) -> training::Session {
    training::Session {
        id: s.id,
        audience: s.audience.clone(),
        date: s.date,
        start_time: s.start_time.clone(),
        phase_seq: s.phase_seq,
        module: s.module.clone(),
        cost: s.cost,
        status: s.status.clone(),
    }
}

pub struct Checks {
    pub order: OrderCheck,
    pub budget: Budget,
    pub coverage: Vec<Coverage>,
}

/// The plan's checks: order, budget, and coverage of each functional group (key users:
/// the group's client members; end users: client people of its department on no tier).
pub async fn checks<C: ConnectionTrait>(
    c: &C,
    p: &project::Model,
    sessions: &[training_session::Model],
) -> Result<Checks> {
    let facts: Vec<training::Session> = sessions.iter().map(facts).collect();
    let people = organisation::people(c, p.id).await?;
    let units = organisation::units(c, p.id).await?;
    let members = organisation::memberships(c, p.id).await?;
    let on_a_tier: BTreeSet<i32> = members.iter().map(|m| m.person_id).collect();
    let client = |id: &i32| people.iter().any(|x| x.id == *id && x.side == "client");
    let groups: Vec<GroupPeople> = units
        .iter()
        .filter(|u| u.kind == "group")
        .map(|u| {
            let dept = u.department.clone().unwrap_or_default();
            GroupPeople {
                unit_id: u.id,
                name: u.name.clone(),
                module: module_of_department(&dept).map(str::to_string),
                key_users: members.iter().filter(|m| m.unit_id == u.id).map(|m| m.person_id).filter(client).collect(),
                end_users: people
                    .iter()
                    .filter(|x| x.side == "client" && x.department == dept && !on_a_tier.contains(&x.id))
                    .map(|x| x.id)
                    .collect(),
            }
        })
        .collect();
    let attended: Vec<(i32, i32)> = attendance::Entity::find()
        .filter(attendance::Column::ProjectId.eq(p.id))
        .filter(attendance::Column::Attended.eq(true))
        .all(c)
        .await?
        .into_iter()
        .map(|a| (a.person_id, a.session_id))
        .collect();
    Ok(Checks {
        order: training::order_check(&facts),
        budget: training::budget(&facts),
        coverage: training::coverage(&groups, &facts, &attended),
    })
}
