//! The work inside a phase: activities and deliverables.
use super::{Actor, Error, Result, audit, now, update_guarded};
use crate::db::Db;
use crate::domain::gates::PhaseStatus;
use crate::domain::validation::{FieldErrors, long_text, required_text};
use crate::domain::workflow::{self, Status, Transition};
use crate::entity::{activity, deliverable, phase};
use crate::playbook::Tier;
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

pub const NOTES_MAX: usize = 20_000;
pub const COMMENT_MAX: usize = 4_000;

async fn phase_of<C: ConnectionTrait>(c: &C, project_id: i32, phase_id: i32) -> Result<phase::Model> {
    phase::Entity::find_by_id(phase_id)
        .filter(phase::Column::ProjectId.eq(project_id))
        .one(c)
        .await?
        .ok_or(Error::NotFound)
}

/// Work in a closed phase is frozen until the phase is reopened.
fn ensure_open(ph: &phase::Model) -> Result<()> {
    if ph.status == PhaseStatus::Closed.as_str() { Err(Error::Rule("err.phase_closed")) } else { Ok(()) }
}

/// Add a project-specific activity to a phase (names in both languages; one may be left
/// empty and is then copied from the other).
pub async fn add_activity(
    db: &Db,
    actor: Actor,
    project_id: i32,
    phase_seq: i32,
    name_en: &str,
    name_zh: &str,
    tier: &str,
) -> Result<activity::Model> {
    let mut e = FieldErrors::default();
    let (en, zh) = match (name_en.trim().is_empty(), name_zh.trim().is_empty()) {
        (true, true) => (required_text(&mut e, "name", "", 300), String::new()),
        (false, true) => (required_text(&mut e, "name", name_en, 300), name_en.trim().to_string()),
        (true, false) => (name_zh.trim().to_string(), required_text(&mut e, "name", name_zh, 300)),
        (false, false) => (required_text(&mut e, "name", name_en, 300), required_text(&mut e, "name_zh", name_zh, 300)),
    };
    let tier = Tier::parse(tier).map(|t| t.as_str());
    if tier.is_none() {
        e.add("tier", "err.choose_from_list");
    }
    e.check()?;
    super::write::transaction(db, async |tx| {
        let ph = phase::Entity::find()
            .filter(phase::Column::ProjectId.eq(project_id))
            .filter(phase::Column::Seq.eq(phase_seq))
            .one(tx)
            .await?
            .ok_or(Error::NotFound)?;
        ensure_open(&ph)?;
        let last: Option<i32> = activity::Entity::find()
            .select_only()
            .column_as(activity::Column::Seq.max(), "m")
            .filter(activity::Column::PhaseId.eq(ph.id))
            .into_tuple::<Option<i32>>()
            .one(tx)
            .await?
            .flatten();
        let tier = tier.unwrap_or_default();
        let window = (ph.planned_start, ph.planned_finish);
        let am = super::schedule::new_activity(project_id, ph.id, last.unwrap_or(0) + 1, (en, zh), tier, window);
        super::write::insert::<activity::Entity, _>(tx, actor, project_id, am, "create").await
    })
    .await
}

/// Mark an activity done or open again.
pub async fn set_activity_done(
    db: &Db,
    actor: Actor,
    project_id: i32,
    id: i32,
    version: i32,
    done: bool,
) -> Result<()> {
    super::write::transaction(db, async |tx| {
        let before = super::write::get::<activity::Entity, _>(tx, project_id, id).await?;
        ensure_open(&phase_of(tx, project_id, before.phase_id).await?)?;
        let status = if done { "done" } else { "open" };
        let am = activity::ActiveModel { status: Set(status.into()), ..Default::default() };
        super::write::update_loaded::<activity::Entity, _>(tx, Some(actor), project_id, before, version, am, "update")
            .await
            .map(drop)
    })
    .await
}

pub async fn deliverable<C: ConnectionTrait>(c: &C, project_id: i32, id: i32) -> Result<deliverable::Model> {
    deliverable::Entity::find_by_id(id)
        .filter(deliverable::Column::ProjectId.eq(project_id))
        .one(c)
        .await?
        .ok_or(Error::NotFound)
}

/// A deliverable about to change: still at `version`, and in a phase that is not closed.
async fn deliverable_for_write<C: ConnectionTrait>(
    c: &C,
    project_id: i32,
    id: i32,
    version: i32,
) -> Result<deliverable::Model> {
    let d = deliverable(c, project_id, id).await?;
    if d.version != version {
        return Err(Error::Conflict);
    }
    ensure_open(&phase_of(c, project_id, d.phase_id).await?)?;
    Ok(d)
}

pub async fn deliverables_of_phase<C: ConnectionTrait>(c: &C, phase_id: i32) -> Result<Vec<deliverable::Model>> {
    Ok(deliverable::Entity::find()
        .filter(deliverable::Column::PhaseId.eq(phase_id))
        .order_by_asc(deliverable::Column::Seq)
        .all(c)
        .await?)
}

/// Save the deliverable's working notes (only while draft or returned).
pub async fn save_notes(
    db: &Db,
    actor: Actor,
    project_id: i32,
    id: i32,
    version: i32,
    notes: &str,
) -> Result<deliverable::Model> {
    let mut e = FieldErrors::default();
    let notes = long_text(&mut e, "notes", notes, NOTES_MAX, false);
    e.check()?;
    let tx = db.write().await?;
    let before = deliverable_for_write(&*tx, project_id, id, version).await?;
    if !Status::parse(&before.status).is_some_and(Status::editable) {
        return Err(Error::Rule("err.not_editable"));
    }
    let am = deliverable::ActiveModel {
        notes: Set(notes.clone()),
        version: Set(version + 1),
        updated_at: Set(now()),
        ..Default::default()
    };
    update_guarded::<deliverable::Entity, _>(&*tx, am, id, version).await?;
    let after = deliverable(&*tx, project_id, id).await?;
    audit::record(&*tx, actor, Some(project_id), "deliverable", id, "update", Some(&before), Some(&after)).await?;
    tx.commit().await?;
    Ok(after)
}

/// Move a deliverable through its workflow. Returning needs a comment; accepting records
/// who reviewed it. Role checks happen before this is called.
pub async fn transition(
    db: &Db,
    actor: Actor,
    project_id: i32,
    id: i32,
    version: i32,
    t: Transition,
    comment: &str,
) -> Result<deliverable::Model> {
    let mut e = FieldErrors::default();
    let comment = long_text(&mut e, "comment", comment, COMMENT_MAX, t == Transition::Return);
    e.check()?;
    let tx = db.write().await?;
    let before = deliverable_for_write(&*tx, project_id, id, version).await?;
    let from = Status::parse(&before.status).ok_or(Error::Rule("err.bad_transition"))?;
    let to = workflow::next(from, t).ok_or(Error::Rule("err.bad_transition"))?;
    let reviewing = matches!(t, Transition::Accept | Transition::Return);
    let mut am = deliverable::ActiveModel {
        status: Set(to.as_str().into()),
        version: Set(version + 1),
        updated_at: Set(now()),
        ..Default::default()
    };
    if reviewing {
        am.review_comment = Set((!comment.is_empty()).then_some(comment));
        am.reviewed_by = Set(Some(actor.user_id));
        am.reviewed_at = Set(Some(now()));
    }
    update_guarded::<deliverable::Entity, _>(&*tx, am, id, version).await?;
    let after = deliverable(&*tx, project_id, id).await?;
    let action = match t {
        Transition::Submit => "submit",
        Transition::Accept => "accept",
        Transition::Return => "return",
    };
    audit::record(&*tx, actor, Some(project_id), "deliverable", id, action, Some(&before), Some(&after)).await?;
    tx.commit().await?;
    Ok(after)
}
