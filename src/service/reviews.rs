//! Steering committee reviews: the pack frozen when the review is held, decisions, and
//! action items that carry over from review to review until closed.
use super::{Actor, Error, Result, audit, now, projects, targets, update_guarded};
use crate::db::Db;
use crate::domain::gates::PhaseStatus;
use crate::domain::validation::{FieldErrors, long_text, required_text};
use crate::domain::workflow::Status;
use crate::entity::{deliverable, review, review_action};
use chrono::NaiveDate;
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};
use serde::{Deserialize, Serialize};

/// A target as the committee saw it.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct PackTarget {
    pub key: String,
    pub name: String,
    pub unit: String,
    pub direction: String,
    pub baseline: Option<f64>,
    pub target: Option<f64>,
    pub target_date: Option<NaiveDate>,
    pub latest: Option<f64>,
    pub latest_date: Option<NaiveDate>,
    pub attainment: Option<f64>,
    pub forecast: Option<f64>,
    pub rag: String,
}

/// A phase finishing soon or late.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct PackPhase {
    pub seq: i32,
    pub name_en: String,
    pub name_zh: String,
    pub planned_finish: NaiveDate,
    pub status: String,
    pub days_late: i64,
    pub gate_open: Vec<String>,
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct PackAction {
    pub id: i32,
    pub text: String,
    pub owner: String,
    pub due_date: Option<NaiveDate>,
    pub overdue: bool,
}

/// The review pack: what the committee looks at, as it stood on the review date.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct Pack {
    pub as_of: NaiveDate,
    pub targets: Vec<PackTarget>,
    /// The active phase, phases due within 30 days, and phases late and not closed.
    pub phases: Vec<PackPhase>,
    /// Open action items carried over from earlier reviews.
    pub actions: Vec<PackAction>,
    /// The top live risks by score (packs frozen before the register have none).
    #[serde(default)]
    pub risks: Vec<super::risks::PackRisk>,
}

pub async fn build_pack<C: ConnectionTrait>(c: &C, project_id: i32, today: NaiveDate) -> Result<Pack> {
    let targets = targets::views(c, project_id, today)
        .await?
        .into_iter()
        .map(|v| PackTarget {
            key: v.target.key,
            name: v.target.name,
            unit: v.target.unit,
            direction: v.target.direction,
            baseline: v.target.baseline_value,
            target: v.target.target_value,
            target_date: v.target.target_date,
            latest: v.assessment.as_ref().and_then(|a| a.latest),
            latest_date: v.assessment.as_ref().and_then(|a| a.latest_date),
            attainment: v.assessment.as_ref().and_then(|a| a.attainment),
            forecast: v.assessment.as_ref().and_then(|a| a.forecast),
            rag: v.assessment.map_or("grey".into(), |a| {
                serde_json::to_value(a.rag).ok().and_then(|r| r.as_str().map(String::from)).unwrap_or_default()
            }),
        })
        .collect();
    let dels = deliverable::Entity::find().filter(deliverable::Column::ProjectId.eq(project_id)).all(c).await?;
    let phases = projects::phases(c, project_id)
        .await?
        .into_iter()
        .filter(|p| p.status != PhaseStatus::Closed.as_str())
        .filter(|p| {
            p.status == PhaseStatus::Active.as_str()
                || p.planned_finish < today
                || (p.planned_finish - today).num_days() <= 30
        })
        .map(|p| PackPhase {
            seq: p.seq,
            gate_open: dels
                .iter()
                .filter(|d| d.phase_id == p.id && d.is_gate && d.status != Status::Accepted.as_str())
                .map(|d| format!("{} / {}", d.name_en, d.name_zh))
                .collect(),
            name_en: p.name_en,
            name_zh: p.name_zh,
            days_late: (today - p.planned_finish).num_days().max(0),
            planned_finish: p.planned_finish,
            status: p.status,
        })
        .collect();
    let actions = open_actions(c, project_id)
        .await?
        .into_iter()
        .map(|a| PackAction {
            id: a.id,
            overdue: a.due_date.is_some_and(|d| d < today),
            text: a.text,
            owner: a.owner,
            due_date: a.due_date,
        })
        .collect();
    let risks = super::risks::top(c, project_id, 5).await?;
    Ok(Pack { as_of: today, targets, phases, actions, risks })
}

pub async fn open_actions<C: ConnectionTrait>(c: &C, project_id: i32) -> Result<Vec<review_action::Model>> {
    Ok(review_action::Entity::find()
        .filter(review_action::Column::ProjectId.eq(project_id))
        .filter(review_action::Column::Status.eq("open"))
        .order_by_asc(review_action::Column::Id)
        .all(c)
        .await?)
}

pub async fn list<C: ConnectionTrait>(c: &C, project_id: i32) -> Result<Vec<review::Model>> {
    Ok(review::Entity::find()
        .filter(review::Column::ProjectId.eq(project_id))
        .order_by_desc(review::Column::HeldOn)
        .order_by_desc(review::Column::Id)
        .all(c)
        .await?)
}

pub async fn get<C: ConnectionTrait>(c: &C, project_id: i32, id: i32) -> Result<review::Model> {
    review::Entity::find_by_id(id).filter(review::Column::ProjectId.eq(project_id)).one(c).await?.ok_or(Error::NotFound)
}

pub async fn actions_of<C: ConnectionTrait>(c: &C, review_id: i32) -> Result<Vec<review_action::Model>> {
    Ok(review_action::Entity::find()
        .filter(review_action::Column::ReviewId.eq(review_id))
        .order_by_asc(review_action::Column::Id)
        .all(c)
        .await?)
}

/// Hold a review: the pack is built and frozen now, so later measurements do not change
/// what the committee saw.
pub async fn create(
    db: &Db,
    actor: Actor,
    project_id: i32,
    held_on: &str,
    title: &str,
    attendees: &str,
) -> Result<review::Model> {
    let mut e = FieldErrors::default();
    let title = required_text(&mut e, "title", title, 300);
    let attendees = long_text(&mut e, "attendees", attendees, 2000, false);
    let held_on = NaiveDate::parse_from_str(held_on.trim(), "%Y-%m-%d").ok();
    if held_on.is_none() {
        e.add("held_on", "err.date");
    }
    e.check()?;
    let held_on = held_on.unwrap_or_default();
    let tx = db.write().await?;
    let pack = build_pack(&*tx, project_id, held_on).await?;
    let t0 = now();
    let r = review::Entity::insert(review::ActiveModel {
        project_id: Set(project_id),
        held_on: Set(held_on),
        title: Set(title),
        attendees: Set(attendees),
        pack: Set(serde_json::to_string(&pack).unwrap_or_else(|_| "{}".into())),
        decisions: Set(String::new()),
        created_by: Set(actor.user_id),
        version: Set(1),
        created_at: Set(t0),
        updated_at: Set(t0),
        ..Default::default()
    })
    .exec_with_returning(&*tx)
    .await?;
    audit::record(&*tx, actor, Some(project_id), "review", r.id, "create", None::<&()>, Some(&r)).await?;
    tx.commit().await?;
    Ok(r)
}

pub async fn save_decisions(
    db: &Db,
    actor: Actor,
    project_id: i32,
    id: i32,
    version: i32,
    decisions: &str,
) -> Result<()> {
    let mut e = FieldErrors::default();
    let decisions = long_text(&mut e, "decisions", decisions, 20_000, false);
    e.check()?;
    let tx = db.write().await?;
    let before = get(&*tx, project_id, id).await?;
    let am = review::ActiveModel {
        decisions: Set(decisions.clone()),
        version: Set(version + 1),
        updated_at: Set(now()),
        ..Default::default()
    };
    update_guarded::<review::Entity, _>(&*tx, am, id, version).await?;
    let after = review::Model { decisions, version: version + 1, ..before.clone() };
    audit::record(&*tx, actor, Some(project_id), "review", id, "update", Some(&before), Some(&after)).await?;
    tx.commit().await?;
    Ok(())
}

pub async fn add_action(
    db: &Db,
    actor: Actor,
    project_id: i32,
    review_id: i32,
    text: &str,
    owner: &str,
    due: &str,
) -> Result<()> {
    let mut e = FieldErrors::default();
    let text = required_text(&mut e, "text", text, 1000);
    let owner = required_text(&mut e, "owner", owner, 200);
    let due_date = match due.trim() {
        "" => None,
        s => {
            let d = NaiveDate::parse_from_str(s, "%Y-%m-%d").ok();
            if d.is_none() {
                e.add("due_date", "err.date");
            }
            d
        }
    };
    e.check()?;
    let tx = db.write().await?;
    get(&*tx, project_id, review_id).await?;
    let t0 = now();
    let a = review_action::Entity::insert(review_action::ActiveModel {
        project_id: Set(project_id),
        review_id: Set(review_id),
        text: Set(text),
        owner: Set(owner),
        due_date: Set(due_date),
        status: Set("open".into()),
        closed_on: Set(None),
        version: Set(1),
        created_at: Set(t0),
        updated_at: Set(t0),
        ..Default::default()
    })
    .exec_with_returning(&*tx)
    .await?;
    audit::record(&*tx, actor, Some(project_id), "review_action", a.id, "create", None::<&()>, Some(&a)).await?;
    tx.commit().await?;
    Ok(())
}

/// Close (or reopen) an action item.
pub async fn set_action_status(
    db: &Db,
    actor: Actor,
    project_id: i32,
    id: i32,
    version: i32,
    done: bool,
    today: NaiveDate,
) -> Result<()> {
    let tx = db.write().await?;
    let before = review_action::Entity::find_by_id(id)
        .filter(review_action::Column::ProjectId.eq(project_id))
        .one(&*tx)
        .await?
        .ok_or(Error::NotFound)?;
    let (status, closed_on) = if done { ("done", Some(today)) } else { ("open", None) };
    let am = review_action::ActiveModel {
        status: Set(status.into()),
        closed_on: Set(closed_on),
        version: Set(version + 1),
        updated_at: Set(now()),
        ..Default::default()
    };
    update_guarded::<review_action::Entity, _>(&*tx, am, id, version).await?;
    let after = review_action::Model { status: status.into(), closed_on, version: version + 1, ..before.clone() };
    audit::record(&*tx, actor, Some(project_id), "review_action", id, "update", Some(&before), Some(&after)).await?;
    tx.commit().await?;
    Ok(())
}
