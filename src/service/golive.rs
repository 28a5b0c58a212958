//! Phase 8, cutover: the runbook (tasks, critical path), its rehearsals (actual times per
//! task beside the plan, overruns) and the live record on cutover day. One view, computed
//! here, serves the runbook page, the live and projector views, the JSON API and the PDF.
use super::{Actor, Error, Result, clock, now, write};
use crate::db::Db;
use crate::domain::bounds;
use crate::domain::runbook::{self, Actual, CATEGORIES, LiveTask, MAX_DURATION_MIN, PlanError, RehearsalRow};
use crate::domain::validation::{FieldErrors, checkbox, required_text};
use crate::entity::{cutover_rehearsal as reh_e, cutover_task as task_e, project, rehearsal_actual as act_e};
use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use chrono_tz::Tz;
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// How much longer than planned a rehearsal may take as a whole and still count as within
/// tolerance (per cent).
pub const REHEARSAL_TOLERANCE_PCT: i64 = 10;

/// A stored task in form shape (the edit form, the base of an API `PATCH`).
pub fn raw_of(t: &task_e::Model) -> RawTask {
    RawTask {
        seq: t.seq.to_string(),
        name: t.name.clone(),
        owner: t.owner.clone(),
        category: t.category.clone(),
        planned_start: local_input(&t.planned_start),
        duration_min: t.duration_min.to_string(),
        predecessors: t.predecessors.clone(),
        checkpoint: t.checkpoint,
        rollback_point: t.rollback_point,
        rollback_deadline: t.rollback_deadline.as_ref().map(local_input).unwrap_or_default(),
    }
}

/// The task form as typed.
#[derive(Clone, Debug, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[schema(as = CutoverTaskForm)]
#[serde(default)]
pub struct RawTask {
    pub seq: String,
    pub name: String,
    pub owner: String,
    pub category: String,
    pub planned_start: String,
    pub duration_min: String,
    pub predecessors: String,
    #[serde(deserialize_with = "checkbox")]
    pub checkpoint: bool,
    #[serde(deserialize_with = "checkbox")]
    pub rollback_point: bool,
    pub rollback_deadline: String,
}

#[derive(Clone, Debug, PartialEq)]
pub struct TaskInput {
    pub seq: i32,
    pub name: String,
    pub owner: String,
    pub category: String,
    pub planned_start: NaiveDateTime,
    pub duration_min: i32,
    pub predecessors: Vec<i32>,
    pub checkpoint: bool,
    pub rollback_point: bool,
    pub rollback_deadline: Option<NaiveDateTime>,
}

/// A local date and time as a `datetime-local` input sends it (`2026-10-02T18:00`), or
/// with a space, with or without seconds.
pub fn parse_local(s: &str) -> Option<NaiveDateTime> {
    let s = s.trim();
    ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S"]
        .iter()
        .find_map(|f| NaiveDateTime::parse_from_str(s, f).ok())
        .filter(|d| bounds::date_ok(d.date()))
}

/// The value a `datetime-local` input shows.
pub fn local_input(d: &NaiveDateTime) -> String {
    d.format("%Y-%m-%dT%H:%M").to_string()
}

fn whole(e: &mut FieldErrors, field: &str, raw: &str, min: i64, max: i64) -> i32 {
    match raw.trim().parse::<i64>() {
        Ok(n) if (min..=max).contains(&n) => n as i32,
        _ => {
            e.add(field, if field == "seq" { "golive.err_seq" } else { "golive.err_duration" });
            0
        }
    }
}

/// Validate the task form on its own (that predecessors exist and make no loop is checked
/// against the runbook when saving).
pub fn validate(raw: &RawTask) -> std::result::Result<TaskInput, FieldErrors> {
    let mut e = FieldErrors::default();
    let seq = whole(&mut e, "seq", &raw.seq, 1, 9999);
    let name = required_text(&mut e, "name", &raw.name, 300);
    let owner = required_text(&mut e, "owner", &raw.owner, 200);
    if !CATEGORIES.contains(&raw.category.as_str()) {
        e.add("category", "err.choose_from_list");
    }
    let planned_start = parse_local(&raw.planned_start);
    if planned_start.is_none() {
        e.add("planned_start", "golive.err_datetime");
    }
    let duration_min = whole(&mut e, "duration_min", &raw.duration_min, 1, MAX_DURATION_MIN);
    let predecessors = runbook::parse_predecessors(&raw.predecessors).unwrap_or_else(|| {
        e.add("predecessors", "golive.err_predecessors");
        vec![]
    });
    if predecessors.contains(&seq) {
        e.add("predecessors", "golive.err_predecessor_self");
    }
    let rollback_deadline = match raw.rollback_deadline.trim() {
        "" if raw.rollback_point => {
            e.add("rollback_deadline", "golive.err_rollback_deadline");
            None
        }
        "" => None,
        s => {
            let d = parse_local(s);
            if d.is_none() {
                e.add("rollback_deadline", "golive.err_datetime");
            }
            d
        }
    };
    e.check()?;
    Ok(TaskInput {
        seq,
        name,
        owner,
        category: raw.category.clone(),
        planned_start: planned_start.unwrap_or_default(),
        duration_min,
        predecessors,
        checkpoint: raw.checkpoint,
        rollback_point: raw.rollback_point,
        rollback_deadline: if raw.rollback_point { rollback_deadline } else { None },
    })
}

fn active(i: &TaskInput) -> task_e::ActiveModel {
    task_e::ActiveModel {
        seq: Set(i.seq),
        name: Set(i.name.clone()),
        owner: Set(i.owner.clone()),
        category: Set(i.category.clone()),
        planned_start: Set(i.planned_start),
        duration_min: Set(i.duration_min),
        predecessors: Set(i.predecessors.iter().map(i32::to_string).collect::<Vec<_>>().join(", ")),
        checkpoint: Set(i.checkpoint),
        rollback_point: Set(i.rollback_point),
        rollback_deadline: Set(i.rollback_deadline),
        ..Default::default()
    }
}

pub async fn tasks<C: ConnectionTrait>(c: &C, project_id: i32) -> Result<Vec<task_e::Model>> {
    Ok(task_e::Entity::find()
        .filter(task_e::Column::ProjectId.eq(project_id))
        .order_by_asc(task_e::Column::Seq)
        .all(c)
        .await?)
}

/// The scheduler's view of stored tasks: predecessors by sequence number become indices.
/// `Err(i)` names the task (index) with an unknown predecessor.
fn domain_tasks(rows: &[task_e::Model]) -> std::result::Result<Vec<runbook::Task>, usize> {
    let index: HashMap<i32, usize> = rows.iter().enumerate().map(|(i, t)| (t.seq, i)).collect();
    rows.iter()
        .enumerate()
        .map(|(i, t)| {
            let preds = runbook::parse_predecessors(&t.predecessors).unwrap_or_default();
            let predecessors =
                preds.iter().map(|s| index.get(s).copied().ok_or(i)).collect::<std::result::Result<_, _>>()?;
            Ok(runbook::Task { planned_start: t.planned_start, duration_min: i64::from(t.duration_min), predecessors })
        })
        .collect()
}

/// Check that the runbook with `input` in place of task `id` (or added) has a unique
/// sequence number, known predecessors and no loop; the problems come back by field.
fn check_runbook(rows: &[task_e::Model], id: Option<i32>, input: &TaskInput) -> Result<()> {
    if rows.iter().any(|t| t.seq == input.seq && Some(t.id) != id) {
        return Err(FieldErrors::single("seq", "golive.err_seq_taken").into());
    }
    let mut all: Vec<task_e::Model> = rows.iter().filter(|t| Some(t.id) != id).cloned().collect();
    let mut mine = rows.iter().find(|t| Some(t.id) == id).cloned().unwrap_or_else(|| task_e::Model {
        id: 0,
        project_id: 0,
        seq: 0,
        name: String::new(),
        owner: String::new(),
        category: String::new(),
        planned_start: input.planned_start,
        duration_min: 0,
        predecessors: String::new(),
        checkpoint: false,
        rollback_point: false,
        rollback_deadline: None,
        live_started_at: None,
        live_finished_at: None,
        version: 0,
        created_at: now(),
        updated_at: now(),
    });
    mine.seq = input.seq;
    mine.planned_start = input.planned_start;
    mine.duration_min = input.duration_min;
    mine.predecessors = input.predecessors.iter().map(i32::to_string).collect::<Vec<_>>().join(",");
    all.push(mine);
    // Other tasks that named this task's old number now name whatever holds it.
    let tasks =
        domain_tasks(&all).map_err(|_| FieldErrors::single("predecessors", "golive.err_predecessor_unknown"))?;
    match runbook::plan(&tasks) {
        Ok(_) => Ok(()),
        Err(PlanError::Cycle(c)) => {
            Err(Error::Cycle(c.iter().map(|&i| format!("{} {}", all[i].seq, all[i].name)).collect()))
        }
        Err(PlanError::BadPredecessor(_)) => {
            Err(FieldErrors::single("predecessors", "golive.err_predecessor_unknown").into())
        }
    }
}

pub async fn create_task(db: &Db, actor: Actor, project_id: i32, input: &TaskInput) -> Result<task_e::Model> {
    write::transaction_in(db, project_id, async |tx| {
        let rows = tasks(tx, project_id).await?;
        check_runbook(&rows, None, input)?;
        let mut am = active(input);
        am.project_id = Set(project_id);
        write::insert::<task_e::Entity, _>(tx, actor, project_id, am, "create").await
    })
    .await
}

pub async fn update_task(
    db: &Db,
    actor: Actor,
    project_id: i32,
    id: i32,
    version: i32,
    input: &TaskInput,
) -> Result<task_e::Model> {
    write::transaction_in(db, project_id, async |tx| {
        let rows = tasks(tx, project_id).await?;
        if !rows.iter().any(|t| t.id == id) {
            return Err(Error::NotFound);
        }
        check_runbook(&rows, Some(id), input)?;
        Ok(write::update::<task_e::Entity, _>(tx, actor, project_id, id, version, active(input), "update").await?.after)
    })
    .await
}

pub async fn delete_task(db: &Db, actor: Actor, project_id: i32, id: i32, version: i32) -> Result<()> {
    write::transaction_in(db, project_id, async |tx| {
        let rows = tasks(tx, project_id).await?;
        let Some(t) = rows.iter().find(|t| t.id == id) else { return Err(Error::NotFound) };
        let named =
            rows.iter().any(|o| runbook::parse_predecessors(&o.predecessors).unwrap_or_default().contains(&t.seq));
        if named {
            return Err(Error::Rule("golive.err_task_is_predecessor"));
        }
        write::delete::<task_e::Entity, _>(tx, actor, project_id, id, Some(version)).await.map(|_| ())
    })
    .await
}

/// Which end of a task the live record marks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mark {
    Start,
    Finish,
    /// Undo the last mark (a task started by mistake).
    Reset,
}

/// Record on cutover day that a task started or finished now (version-checked: two people
/// pressing at once, the second gets a 409 and sees the first one's record).
pub async fn mark(db: &Db, actor: Actor, project_id: i32, id: i32, version: i32, m: Mark) -> Result<task_e::Model> {
    mark_at(db, actor, project_id, id, version, m, now()).await
}

/// As [`mark`], at a given instant.
#[allow(clippy::too_many_arguments)]
pub async fn mark_at(
    db: &Db,
    actor: Actor,
    project_id: i32,
    id: i32,
    version: i32,
    m: Mark,
    at: DateTime<Utc>,
) -> Result<task_e::Model> {
    write::transaction(db, async |tx| {
        let before = write::get::<task_e::Entity, _>(tx, project_id, id).await?;
        if before.version != version {
            return Err(Error::Conflict);
        }
        let (am, action) = match m {
            Mark::Start if before.live_started_at.is_some() => return Err(Error::Rule("golive.err_already_started")),
            Mark::Start => (task_e::ActiveModel { live_started_at: Set(Some(at)), ..Default::default() }, "live_start"),
            Mark::Finish if before.live_started_at.is_none() => return Err(Error::Rule("golive.err_not_started")),
            Mark::Finish if before.live_finished_at.is_some() => {
                return Err(Error::Rule("golive.err_already_finished"));
            }
            Mark::Finish => {
                (task_e::ActiveModel { live_finished_at: Set(Some(at)), ..Default::default() }, "live_finish")
            }
            Mark::Reset if before.live_finished_at.is_some() => {
                (task_e::ActiveModel { live_finished_at: Set(None), ..Default::default() }, "live_reset")
            }
            Mark::Reset => (task_e::ActiveModel { live_started_at: Set(None), ..Default::default() }, "live_reset"),
        };
        let after = write::update_loaded::<task_e::Entity, _>(tx, Some(actor), project_id, before, version, am, action)
            .await?
            .after;
        if action == "live_finish" {
            super::hooks::emit(tx, project_id, super::hooks::cutover_task_done(&after)).await?;
        }
        Ok(after)
    })
    .await
}

// ---- rehearsals ----

#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct RawRehearsal {
    pub name: String,
    pub held_on: String,
}

pub fn validate_rehearsal(raw: &RawRehearsal) -> std::result::Result<(String, NaiveDate), FieldErrors> {
    let mut e = FieldErrors::default();
    let name = required_text(&mut e, "name", &raw.name, 300);
    let held_on = bounds::parse_date(&raw.held_on);
    if held_on.is_none() {
        e.add("held_on", "err.date");
    }
    e.check()?;
    Ok((name, held_on.unwrap_or_default()))
}

pub async fn create_rehearsal(
    db: &Db,
    actor: Actor,
    project_id: i32,
    name: &str,
    held_on: NaiveDate,
) -> Result<reh_e::Model> {
    let am = reh_e::ActiveModel {
        project_id: Set(project_id),
        name: Set(name.to_string()),
        held_on: Set(held_on),
        ..Default::default()
    };
    write::transaction(db, async |tx| write::insert::<reh_e::Entity, _>(tx, actor, project_id, am, "create").await)
        .await
}

/// The actual times typed for one task of a rehearsal (empty: not recorded).
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct RawActual {
    pub task_id: i32,
    pub start: String,
    pub finish: String,
}

/// Save a rehearsal's actual times, all tasks in one transaction. The rehearsal's version
/// guards the whole sheet: a sheet loaded before someone else saved gets a 409. Problems come
/// back by field (`start_{task}`, `finish_{task}`) and nothing is written.
pub async fn save_actuals(
    db: &Db,
    actor: Actor,
    project_id: i32,
    rehearsal_id: i32,
    version: i32,
    rows: &[RawActual],
) -> Result<()> {
    let mut e = FieldErrors::default();
    let mut parsed = vec![];
    for r in rows {
        let get = |e: &mut FieldErrors, field: String, s: &str| match s.trim() {
            "" => None,
            s => {
                let d = parse_local(s);
                if d.is_none() {
                    e.add(&field, "golive.err_datetime");
                }
                d
            }
        };
        let s = get(&mut e, format!("start_{}", r.task_id), &r.start);
        let f = get(&mut e, format!("finish_{}", r.task_id), &r.finish);
        if let (Some(s), Some(f)) = (s, f)
            && f < s
        {
            e.add(&format!("finish_{}", r.task_id), "golive.err_finish_before_start");
        }
        if f.is_some() && s.is_none() && r.start.trim().is_empty() {
            e.add(&format!("start_{}", r.task_id), "golive.err_finish_without_start");
        }
        parsed.push((r.task_id, s, f));
    }
    e.check()?;
    write::transaction_in(db, project_id, async |tx| {
        let reh = write::get::<reh_e::Entity, _>(tx, project_id, rehearsal_id).await?;
        write::update_loaded::<reh_e::Entity, _>(
            tx,
            Some(actor),
            project_id,
            reh,
            version,
            reh_e::ActiveModel::default(),
            "record",
        )
        .await?;
        let task_ids: Vec<i32> = tasks(tx, project_id).await?.iter().map(|t| t.id).collect();
        let have: HashMap<i32, act_e::Model> = act_e::Entity::find()
            .filter(act_e::Column::RehearsalId.eq(rehearsal_id))
            .all(tx)
            .await?
            .into_iter()
            .map(|a| (a.task_id, a))
            .collect();
        for (task_id, s, f) in parsed {
            if !task_ids.contains(&task_id) {
                return Err(Error::NotFound);
            }
            match have.get(&task_id) {
                Some(a) if a.actual_start == s && a.actual_finish == f => {}
                Some(a) => {
                    let am = act_e::ActiveModel { actual_start: Set(s), actual_finish: Set(f), ..Default::default() };
                    write::update_loaded::<act_e::Entity, _>(
                        tx,
                        Some(actor),
                        project_id,
                        a.clone(),
                        a.version,
                        am,
                        "record",
                    )
                    .await?;
                }
                None if s.is_none() && f.is_none() => {}
                None => {
                    let am = act_e::ActiveModel {
                        project_id: Set(project_id),
                        rehearsal_id: Set(rehearsal_id),
                        task_id: Set(task_id),
                        actual_start: Set(s),
                        actual_finish: Set(f),
                        ..Default::default()
                    };
                    write::insert::<act_e::Entity, _>(tx, actor, project_id, am, "record").await?;
                }
            }
        }
        Ok(())
    })
    .await
}

// ---- the view ----

/// A task as the runbook, the live view and the documents show it.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct TaskRow {
    pub task: task_e::Model,
    pub slot: runbook::Slot,
    pub on_critical_chain: bool,
    /// Per rehearsal (in the order of `Runbook::rehearsals`).
    pub rehearsals: Vec<RehearsalCell>,
    pub live: LiveTask,
    /// The live record in the project's local time.
    pub live_start: Option<NaiveDateTime>,
    pub live_finish: Option<NaiveDateTime>,
}

#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct RehearsalCell {
    pub start: Option<NaiveDateTime>,
    pub finish: Option<NaiveDateTime>,
    #[serde(flatten)]
    pub row: RehearsalRow,
}

#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct RehearsalView {
    pub rehearsal: reh_e::Model,
    pub tasks_recorded: usize,
    pub tasks_overran: usize,
    pub total_minutes: Option<i64>,
    pub variance_pct: Option<i64>,
    pub within_tolerance: bool,
}

/// The runbook of a project: the tasks in order with their plan, rehearsals and live state.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct Runbook {
    pub time_zone: String,
    /// The local time the live state is judged at.
    pub now: NaiveDateTime,
    pub tasks: Vec<TaskRow>,
    pub start: Option<NaiveDateTime>,
    pub finish: Option<NaiveDateTime>,
    pub critical_minutes: i64,
    pub critical_hours: f64,
    /// Sequence numbers along the driving chain.
    pub critical_chain: Vec<i32>,
    pub checkpoints: usize,
    pub rollback_points: usize,
    pub rehearsals: Vec<RehearsalView>,
    pub tolerance_pct: i64,
    /// The latest complete rehearsal's verdict (None before any).
    pub last_rehearsal_within_tolerance: Option<bool>,
    pub live: LiveSummary,
}

#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct LiveSummary {
    pub started: bool,
    /// `elapsed_minutes`, `planned_elapsed_minutes` and `minutes_to_rollback` as h:mm.
    pub elapsed_hm: String,
    pub planned_elapsed_hm: String,
    pub to_rollback_hm: Option<String>,
    pub elapsed_minutes: i64,
    pub planned_elapsed_minutes: i64,
    pub running: usize,
    pub late: usize,
    pub done: usize,
    pub next_rollback_deadline: Option<NaiveDateTime>,
    pub minutes_to_rollback: Option<i64>,
    pub rollback_deadline_missed: bool,
}

fn zone(p: &project::Model) -> Tz {
    p.time_zone.trim().parse().unwrap_or(chrono_tz::Asia::Shanghai)
}

/// An instant as the project's local wall-clock time.
pub fn local(p: &project::Model, at: DateTime<Utc>) -> NaiveDateTime {
    at.with_timezone(&zone(p)).naive_local()
}

/// The runbook now.
pub async fn runbook<C: ConnectionTrait>(c: &C, p: &project::Model) -> Result<Runbook> {
    runbook_at(c, p, now()).await
}

/// The runbook with its live state judged at instant `at`.
pub async fn runbook_at<C: ConnectionTrait>(c: &C, p: &project::Model, at: DateTime<Utc>) -> Result<Runbook> {
    let rows = tasks(c, p.id).await?;
    let rehearsals = reh_e::Entity::find()
        .filter(reh_e::Column::ProjectId.eq(p.id))
        .order_by_asc(reh_e::Column::HeldOn)
        .order_by_asc(reh_e::Column::Id)
        .all(c)
        .await?;
    let actuals = act_e::Entity::find().filter(act_e::Column::ProjectId.eq(p.id)).all(c).await?;
    let dt = domain_tasks(&rows).map_err(|_| Error::Rule("golive.err_predecessor_unknown"))?;
    let plan = runbook::plan(&dt).map_err(|_| Error::Rule("err.cycle"))?;
    let now_local = local(p, at);

    let mut by_reh: Vec<(RehearsalView, Vec<Actual>)> = vec![];
    for r in rehearsals {
        let acts: Vec<Actual> = rows
            .iter()
            .map(|t| {
                actuals
                    .iter()
                    .find(|a| a.rehearsal_id == r.id && a.task_id == t.id)
                    .map(|a| Actual { start: a.actual_start, finish: a.actual_finish })
                    .unwrap_or_default()
            })
            .collect();
        let h = runbook::rehearsal(&dt, &plan, &acts, REHEARSAL_TOLERANCE_PCT);
        by_reh.push((
            RehearsalView {
                rehearsal: r,
                tasks_recorded: h.tasks_recorded,
                tasks_overran: h.tasks_overran,
                total_minutes: h.total_minutes,
                variance_pct: h.variance_pct,
                within_tolerance: h.within_tolerance,
            },
            acts,
        ));
    }
    let reh_rows: Vec<Vec<RehearsalRow>> =
        by_reh.iter().map(|(_, acts)| runbook::rehearsal(&dt, &plan, acts, REHEARSAL_TOLERANCE_PCT).rows).collect();

    let live_acts: Vec<Actual> = rows
        .iter()
        .map(|t| Actual {
            start: t.live_started_at.map(|x| local(p, x)),
            finish: t.live_finished_at.map(|x| local(p, x)),
        })
        .collect();
    let deadlines: Vec<Option<NaiveDateTime>> =
        rows.iter().map(|t| if t.rollback_point { t.rollback_deadline } else { None }).collect();
    let live = runbook::live(&dt, &plan, &live_acts, &deadlines, now_local);
    let chain: Vec<i32> = plan.critical_chain.iter().map(|&i| rows[i].seq).collect();

    let task_rows = rows
        .iter()
        .enumerate()
        .map(|(i, t)| TaskRow {
            slot: plan.slots[i].clone(),
            on_critical_chain: plan.critical_chain.contains(&i),
            rehearsals: by_reh
                .iter()
                .zip(&reh_rows)
                .map(|((_, acts), rr)| RehearsalCell {
                    start: acts[i].start,
                    finish: acts[i].finish,
                    row: rr[i].clone(),
                })
                .collect(),
            live: live.tasks[i].clone(),
            live_start: live_acts[i].start,
            live_finish: live_acts[i].finish,
            task: t.clone(),
        })
        .collect();
    let last = by_reh.iter().rev().find(|(r, _)| r.total_minutes.is_some()).map(|(r, _)| r.within_tolerance);
    Ok(Runbook {
        time_zone: p.time_zone.clone(),
        now: now_local,
        checkpoints: rows.iter().filter(|t| t.checkpoint).count(),
        rollback_points: rows.iter().filter(|t| t.rollback_point).count(),
        tasks: task_rows,
        start: plan.start,
        finish: plan.finish,
        critical_minutes: plan.critical_minutes,
        critical_hours: plan.critical_hours,
        critical_chain: chain,
        rehearsals: by_reh.into_iter().map(|(r, _)| r).collect(),
        tolerance_pct: REHEARSAL_TOLERANCE_PCT,
        last_rehearsal_within_tolerance: last,
        live: LiveSummary {
            started: live_acts.iter().any(|a| a.start.is_some()),
            elapsed_hm: runbook::hm(live.elapsed_minutes),
            planned_elapsed_hm: runbook::hm(live.planned_elapsed_minutes),
            to_rollback_hm: live.minutes_to_rollback.map(runbook::hm),
            elapsed_minutes: live.elapsed_minutes,
            planned_elapsed_minutes: live.planned_elapsed_minutes,
            running: live.running,
            late: live.late,
            done: live.done,
            next_rollback_deadline: live.next_rollback_deadline,
            minutes_to_rollback: live.minutes_to_rollback,
            rollback_deadline_missed: live.rollback_deadline_missed,
        },
    })
}

/// A rehearsal and its sheet of actual times, for the rehearsal form.
pub async fn rehearsal<C: ConnectionTrait>(c: &C, p: &project::Model, id: i32) -> Result<(Runbook, usize)> {
    let rb = runbook(c, p).await?;
    let i = rb.rehearsals.iter().position(|r| r.rehearsal.id == id).ok_or(Error::NotFound)?;
    Ok((rb, i))
}

/// Today in the project, for forms' defaults.
pub fn today(p: &project::Model) -> NaiveDate {
    clock::today(p)
}
