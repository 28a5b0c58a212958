//! Phase gate decisions and reopening.
use super::{Actor, Error, Result, audit, now, update_guarded};
use crate::db::Db;
use crate::domain::gates::{self, Decision, GateBlock, GateItem, PhaseStatus};
use crate::domain::validation::{FieldErrors, long_text};
use crate::domain::workflow::Status;
use crate::entity::{phase, phase_decision, project};
use sea_orm::{ActiveValue::Set, ConnectionTrait, EntityTrait};

pub const RATIONALE_MAX: usize = 4_000;
/// The phase whose gate needs an approved business case.
pub const PREPARATION: &str = "preparation";

async fn record_decision<C: ConnectionTrait>(
    c: &C,
    actor: Actor,
    ph: &phase::Model,
    d: Decision,
    rationale: &str,
) -> Result<()> {
    let row = phase_decision::Entity::insert(phase_decision::ActiveModel {
        project_id: Set(ph.project_id),
        phase_id: Set(ph.id),
        decision: Set(d.as_str().into()),
        rationale: Set(rationale.into()),
        decided_by: Set(actor.user_id),
        decided_at: Set(now()),
        ..Default::default()
    })
    .exec_with_returning(c)
    .await?;
    audit::record(c, actor, Some(ph.project_id), "phase_decision", row.id, d.as_str(), None::<&()>, Some(&row)).await
}

/// Change a phase's status and dates, audited.
async fn move_phase<C: ConnectionTrait>(
    c: &C,
    actor: Actor,
    ph: &phase::Model,
    status: PhaseStatus,
    actual_start: Option<chrono::NaiveDate>,
    actual_finish: Option<chrono::NaiveDate>,
) -> Result<()> {
    let am = phase::ActiveModel {
        status: Set(status.as_str().into()),
        actual_start: Set(actual_start),
        actual_finish: Set(actual_finish),
        version: Set(ph.version + 1),
        updated_at: Set(now()),
        ..Default::default()
    };
    update_guarded::<phase::Entity, _>(c, am, ph.id, ph.version).await?;
    let after = phase::Model {
        status: status.as_str().into(),
        actual_start,
        actual_finish,
        version: ph.version + 1,
        ..ph.clone()
    };
    audit::record(c, actor, Some(ph.project_id), "phase", ph.id, "update", Some(ph), Some(&after)).await
}

async fn set_project_status<C: ConnectionTrait>(c: &C, actor: Actor, project_id: i32, status: &str) -> Result<()> {
    let p = project::Entity::find_by_id(project_id).one(c).await?.ok_or(Error::NotFound)?;
    let am = project::ActiveModel {
        status: Set(status.into()),
        version: Set(p.version + 1),
        updated_at: Set(now()),
        ..Default::default()
    };
    update_guarded::<project::Entity, _>(c, am, p.id, p.version).await?;
    let after = project::Model { status: status.into(), version: p.version + 1, ..p.clone() };
    audit::record(c, actor, Some(project_id), "project", p.id, "update", Some(&p), Some(&after)).await
}

/// Take a gate decision on the phase numbered `seq`. Allowed only while every gate
/// deliverable is accepted; go / go with conditions closes the phase and starts the next.
pub async fn decide(
    db: &Db,
    actor: Actor,
    project_id: i32,
    seq: i32,
    d: Decision,
    rationale: &str,
    today: chrono::NaiveDate,
) -> Result<()> {
    let mut e = FieldErrors::default();
    let rationale = long_text(&mut e, "rationale", rationale, RATIONALE_MAX, true);
    if d == Decision::Reopen {
        e.add("decision", "err.choose_from_list");
    }
    e.check()?;
    let tx = db.write().await?;
    let phases = super::projects::phases(&*tx, project_id).await?;
    let idx = phases.iter().position(|p| p.seq == seq).ok_or(Error::NotFound)?;
    let ph = &phases[idx];
    let items: Vec<GateItem> = super::work::deliverables_of_phase(&*tx, ph.id)
        .await?
        .into_iter()
        .map(|d| GateItem { id: d.id, gate: d.is_gate, status: Status::parse(&d.status).unwrap_or(Status::Draft) })
        .collect();
    let status = PhaseStatus::parse(&ph.status).unwrap_or(PhaseStatus::Pending);
    match gates::check_gate(status, &items) {
        Ok(()) => {}
        Err(GateBlock::PhaseNotActive) => return Err(Error::Rule("err.phase_not_active")),
        Err(GateBlock::Unaccepted(_)) => return Err(Error::Rule("err.gate_blocked")),
    }
    // Seed 000: the business plan is approved before the project proceeds. Only passing
    // the preparation gate needs it; a no-go can always be recorded.
    if d.passes() && ph.key == PREPARATION && !super::business_case::approved(&*tx, project_id).await? {
        return Err(Error::Rule("err.business_case_unapproved"));
    }
    record_decision(&*tx, actor, ph, d, &rationale).await?;
    if d.passes() {
        move_phase(&*tx, actor, ph, PhaseStatus::Closed, ph.actual_start, Some(today)).await?;
        match phases.get(idx + 1) {
            Some(next) => move_phase(&*tx, actor, next, PhaseStatus::Active, Some(today), None).await?,
            None => set_project_status(&*tx, actor, project_id, "completed").await?,
        }
    }
    tx.commit().await?;
    Ok(())
}

/// Reopen the most recently closed phase, with a recorded reason. The phase after it goes
/// back to pending.
pub async fn reopen(db: &Db, actor: Actor, project_id: i32, seq: i32, reason: &str) -> Result<()> {
    let mut e = FieldErrors::default();
    let reason = long_text(&mut e, "reason", reason, RATIONALE_MAX, true);
    e.check()?;
    let tx = db.write().await?;
    let phases = super::projects::phases(&*tx, project_id).await?;
    let statuses: Vec<_> = phases.iter().filter_map(|p| PhaseStatus::parse(&p.status)).collect();
    let idx = gates::reopenable(&statuses).ok_or(Error::Rule("err.cannot_reopen"))?;
    if phases[idx].seq != seq {
        return Err(Error::Rule("err.cannot_reopen"));
    }
    let ph = &phases[idx];
    record_decision(&*tx, actor, ph, Decision::Reopen, &reason).await?;
    move_phase(&*tx, actor, ph, PhaseStatus::Active, ph.actual_start, None).await?;
    match phases.get(idx + 1) {
        Some(next) => move_phase(&*tx, actor, next, PhaseStatus::Pending, None, None).await?,
        None => set_project_status(&*tx, actor, project_id, "active").await?,
    }
    tx.commit().await?;
    Ok(())
}
