//! The work inside a phase: activities and deliverables.
use super::{Actor, Error, Result, write};
use crate::db::Db;
use crate::domain::gates::PhaseStatus;
use crate::domain::validation::{FieldErrors, long_text, required_text};
use crate::domain::workflow::{self, Status, Transition};
use crate::entity::{activity, deliverable, phase};
use crate::playbook::Tier;
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use serde::Serialize;

pub const NOTES_MAX: usize = 20_000;
pub const COMMENT_MAX: usize = 4_000;

async fn phase_of<C: ConnectionTrait>(c: &C, project_id: i32, phase_id: i32) -> Result<phase::Model> {
    write::get::<phase::Entity, _>(c, project_id, phase_id).await
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
    super::write::transaction_in(db, project_id, async |tx| {
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
        // Ticked done: finished today at 100 %; unticked: open again, no finish.
        let today = super::clock::today(&super::projects::get(tx, project_id).await?);
        let p = if done {
            crate::domain::progress::done_on(before.actual_start, today)
        } else {
            crate::domain::progress::reopened(before.percent_complete, before.actual_start)
        };
        let am = activity::ActiveModel::from(p);
        super::write::update_loaded::<activity::Entity, _>(tx, Some(actor), project_id, before, version, am, "update")
            .await
            .map(drop)
    })
    .await
}

pub async fn deliverable<C: ConnectionTrait>(c: &C, project_id: i32, id: i32) -> Result<deliverable::Model> {
    write::get::<deliverable::Entity, _>(c, project_id, id).await
}

/// A deliverable with what its lists show: its phase's number, who reviewed it and who
/// owns it, by name.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct DeliverableRow {
    #[serde(flatten)]
    pub deliverable: deliverable::Model,
    pub phase_seq: i32,
    pub reviewer_name: Option<String>,
    pub owner_name: Option<String>,
}

/// Every deliverable of the project, in phase order, with names resolved.
pub async fn deliverable_rows<C: ConnectionTrait>(c: &C, project_id: i32) -> Result<Vec<DeliverableRow>> {
    let dels = super::projects::deliverables(c, project_id).await?;
    let phases = super::projects::phases(c, project_id).await?;
    let reviewers = super::user_names(c, dels.iter().filter_map(|d| d.reviewed_by)).await?;
    let people = super::organisation::people(c, project_id).await?;
    Ok(dels
        .into_iter()
        .map(|d| DeliverableRow {
            phase_seq: phases.iter().find(|p| p.id == d.phase_id).map_or(0, |p| p.seq),
            reviewer_name: d.reviewed_by.and_then(|u| reviewers.get(&u).cloned()),
            owner_name: d.owner_person_id.and_then(|id| people.iter().find(|p| p.id == id)).map(|p| p.name.clone()),
            deliverable: d,
        })
        .collect())
}

/// Every activity of the project, in phase order.
pub async fn activities<C: ConnectionTrait>(c: &C, project_id: i32) -> Result<Vec<activity::Model>> {
    Ok(activity::Entity::find()
        .filter(activity::Column::ProjectId.eq(project_id))
        .order_by_asc(activity::Column::PhaseId)
        .order_by_asc(activity::Column::Seq)
        .order_by_asc(activity::Column::Id)
        .all(c)
        .await?)
}

/// A deliverable about to change: still at `version`, and in a phase that is not closed.
async fn deliverable_for_write<C: ConnectionTrait>(
    c: &C,
    project_id: i32,
    id: i32,
    version: i32,
) -> Result<deliverable::Model> {
    let d = deliverable(c, project_id, id).await?;
    // A stale version is refused before the rules, as the update itself would.
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
    write::transaction(db, async |tx| {
        let before = deliverable_for_write(tx, project_id, id, version).await?;
        if !Status::parse(&before.status).is_some_and(Status::editable) {
            return Err(Error::Rule("err.not_editable"));
        }
        let am = deliverable::ActiveModel { notes: Set(notes.clone()), ..Default::default() };
        Ok(write::update::<deliverable::Entity, _>(tx, actor, project_id, id, version, am, "update").await?.after)
    })
    .await
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
    write::transaction(db, async |tx| {
        let before = deliverable_for_write(tx, project_id, id, version).await?;
        let from = Status::parse(&before.status).ok_or(Error::Rule("err.bad_transition"))?;
        let to = workflow::next(from, t).ok_or(Error::Rule("err.bad_transition"))?;
        let reviewing = matches!(t, Transition::Accept | Transition::Return);
        let mut am = deliverable::ActiveModel { status: Set(to.as_str().into()), ..Default::default() };
        if reviewing {
            am.review_comment = Set((!comment.is_empty()).then(|| comment.clone()));
            am.reviewed_by = Set(Some(actor.user_id));
            am.reviewed_at = Set(Some(super::now()));
        }
        let action = match t {
            Transition::Submit => "submit",
            Transition::Accept => "accept",
            Transition::Return => "return",
        };
        let after =
            write::update::<deliverable::Entity, _>(tx, actor, project_id, id, version, am, action).await?.after;
        // The reviewer's comment stays in the deliverable's thread after it is resubmitted.
        if reviewing && !comment.is_empty() {
            super::collab::add_in(tx, actor, project_id, "deliverable", id, &comment).await?;
        }
        super::notify::deliverable_moved(tx, actor, &after, action).await?;
        super::hooks::emit(tx, project_id, super::hooks::deliverable_changed(&after, from.as_str(), to.as_str()))
            .await?;
        Ok(after)
    })
    .await
}
