//! Phase gates: the gate page's view with its blockers, decisions and reopening.
use super::projects::{DecisionRow, decisions, phases};
use super::work::{DeliverableRow, deliverable_rows};
use super::{Actor, Error, Result, write};
use crate::db::Db;
use crate::domain::gates::{self, Decision, GateBlock, GateItem, PhaseStatus};
use crate::domain::validation::{FieldErrors, long_text};
use crate::domain::workflow::Status;
use crate::entity::{activity, deliverable, milestone, org_unit, phase, phase_decision, project};
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};
use serde::Serialize;

pub const RATIONALE_MAX: usize = 4_000;
/// The phase whose gate needs an approved business case.
pub const PREPARATION: &str = "preparation";
/// The phase whose gate shows training coverage and data quality, for information.
pub const READINESS: &str = "readiness";

fn item(d: &deliverable::Model) -> GateItem {
    GateItem { id: d.id, gate: d.is_gate, status: Status::parse(&d.status).unwrap_or(Status::Draft) }
}

/// The gate deliverables of phase `phase_id` not yet accepted: what blocks its gate. The
/// one rule behind the gate page, the overview's gate box and the gate report.
pub fn blockers(dels: &[deliverable::Model], phase_id: i32) -> Vec<deliverable::Model> {
    let mine: Vec<_> = dels.iter().filter(|d| d.phase_id == phase_id).collect();
    let items: Vec<GateItem> = mine.iter().map(|d| item(d)).collect();
    let open = gates::blockers(&items);
    mine.into_iter().filter(|d| open.contains(&d.id)).cloned().collect()
}

/// A functional group's training coverage, with its unit.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct CoverageRow {
    pub coverage: crate::domain::training::Coverage,
    pub unit: Option<org_unit::Model>,
}

/// The gate page of one phase, and the gate report: its deliverables, what blocks the gate,
/// the decisions taken on it and what may be done next.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct GateView {
    pub project: project::Model,
    pub phase: phase::Model,
    pub deliverables: Vec<DeliverableRow>,
    /// Gate deliverables not yet accepted; the gate cannot be decided while there are any.
    pub blockers: Vec<DeliverableRow>,
    pub blocked: bool,
    /// Decisions on this phase, newest first.
    pub decisions: Vec<DecisionRow>,
    pub reopenable: bool,
    /// The preparation gate waits for an approved business case.
    pub needs_case: bool,
    /// The latest version of each file attached to this phase's deliverables (evidence).
    pub attachments: Vec<super::collab::AttachmentView>,
    /// Readiness only: training coverage of each functional group.
    pub coverage: Option<Vec<CoverageRow>>,
    /// Readiness only: the latest data-quality figures of each source.
    pub quality: Option<Vec<super::diagnosis::SourceView>>,
    /// Activities of the phase not done: passing the gate carries them into the next phase
    /// or closes them with a reason, as the decision form chooses.
    pub open_activities: Vec<activity::Model>,
    /// Whether there is a next phase to carry open work into.
    pub can_carry: bool,
    /// Phases 5 and 6: the phase's test cycles with their exit criteria evaluated.
    pub test_cycles: Vec<super::testing::CycleExit>,
    /// A cycle of the phase misses its exit criteria and is not waived: the gate cannot pass.
    pub tests_blocked: bool,
    /// Phases 7 and 8: the go-live facts the gate is decided on (computed where they live,
    /// on the readiness and acceptance pages; shown here with links).
    pub go_live: Option<GoLiveFacts>,
}

/// The readiness scorecard's counts as they stand, the latest go/no-go decision and, at the
/// cutover gate, whether the go-live can be accepted (hypercare exit, go, adoption).
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct GoLiveFacts {
    pub green: usize,
    pub amber: usize,
    pub red: usize,
    pub not_assessed: usize,
    pub decision: Option<crate::entity::go_decision::Model>,
    /// The cutover gate only.
    pub acceptance_ready: Option<bool>,
    pub hypercare_exit_met: Option<bool>,
}

/// What passing a gate does with the phase's activities that are not done.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum OpenWork {
    /// Move them into the next phase, as they are.
    Carry,
    /// Close them (done on the decision day), with the reason recorded in the history.
    Close(String),
}

async fn open_activities<C: ConnectionTrait>(c: &C, phase_id: i32) -> Result<Vec<activity::Model>> {
    Ok(activity::Entity::find()
        .filter(activity::Column::PhaseId.eq(phase_id))
        .filter(activity::Column::Status.ne(crate::domain::progress::DONE))
        .order_by_asc(activity::Column::Seq)
        .order_by_asc(activity::Column::Id)
        .all(c)
        .await?)
}

/// The gate of the phase numbered `seq`.
pub async fn view<C: ConnectionTrait>(c: &C, project: &project::Model, seq: i32) -> Result<GateView> {
    let phases = phases(c, project.id).await?;
    let idx = phases.iter().position(|p| p.seq == seq).ok_or(Error::NotFound)?;
    view_of(c, project, &phases, idx).await
}

/// The gate report's phase: the one last decided on, else the active one, else the first.
pub async fn report<C: ConnectionTrait>(c: &C, project: &project::Model) -> Result<Option<GateView>> {
    let phases = phases(c, project.id).await?;
    let last = decisions(c, project.id, &phases).await?.into_iter().next();
    let idx = last
        .and_then(|d| phases.iter().position(|p| p.id == d.decision.phase_id))
        .or_else(|| phases.iter().position(|p| p.status == PhaseStatus::Active.as_str()))
        .or((!phases.is_empty()).then_some(0));
    match idx {
        Some(i) => Ok(Some(view_of(c, project, &phases, i).await?)),
        None => Ok(None),
    }
}

/// The gate report of phase `seq` (any phase, closed or not), as its gate page shows it;
/// `NotFound` for a phase the project does not have.
pub async fn report_phase<C: ConnectionTrait>(c: &C, project: &project::Model, seq: i32) -> Result<GateView> {
    let phases = phases(c, project.id).await?;
    let idx = phases.iter().position(|p| p.seq == seq).ok_or(Error::NotFound)?;
    view_of(c, project, &phases, idx).await
}

async fn view_of<C: ConnectionTrait>(
    c: &C,
    project: &project::Model,
    phases: &[phase::Model],
    idx: usize,
) -> Result<GateView> {
    let phase = phases[idx].clone();
    let rows: Vec<DeliverableRow> =
        deliverable_rows(c, project.id).await?.into_iter().filter(|d| d.deliverable.phase_id == phase.id).collect();
    let models: Vec<_> = rows.iter().map(|r| r.deliverable.clone()).collect();
    let open: Vec<i32> = blockers(&models, phase.id).iter().map(|d| d.id).collect();
    let blockers: Vec<_> = rows.iter().filter(|r| open.contains(&r.deliverable.id)).cloned().collect();
    let decisions: Vec<_> =
        decisions(c, project.id, phases).await?.into_iter().filter(|d| d.phase_seq == phase.seq).collect();
    let statuses: Vec<_> = phases.iter().filter_map(|p| PhaseStatus::parse(&p.status)).collect();
    let reopenable = gates::reopenable(&statuses) == Some(idx);
    let needs_case = phase.key == PREPARATION
        && phase.status == PhaseStatus::Active.as_str()
        && !super::business_case::approved(c, project.id).await?;
    let (coverage, quality) = if phase.key == READINESS {
        let sessions = super::training::sessions(c, project.id).await?;
        let checks = super::training::checks(c, project, &sessions).await?;
        let units = super::organisation::units(c, project.id).await?;
        let coverage = checks
            .coverage
            .into_iter()
            .map(|cv| CoverageRow { unit: units.iter().find(|u| u.id == cv.unit_id).cloned(), coverage: cv })
            .collect();
        (Some(coverage), Some(super::diagnosis::sources(c, project.id).await?))
    } else {
        (None, None)
    };
    let open_activities = open_activities(c, phase.id).await?;
    let test_cycles = phase_cycles(c, project.id, &phase.key).await?;
    let go_live = match phase.key.as_str() {
        READINESS | "cutover" => {
            let r = super::readiness::view(c, project).await?;
            let acceptance = if phase.key == "cutover" {
                Some(super::readiness::acceptance(c, project, crate::i18n::Lang::En).await?)
            } else {
                None
            };
            Some(GoLiveFacts {
                green: r.scorecard.green,
                amber: r.scorecard.amber,
                red: r.scorecard.red,
                not_assessed: r.scorecard.not_assessed,
                decision: r.decisions.into_iter().next().map(|d| d.decision),
                acceptance_ready: acceptance.as_ref().map(|a| a.ready),
                hypercare_exit_met: acceptance.as_ref().map(|a| a.exit.met),
            })
        }
        _ => None,
    };
    let ids: Vec<i32> = rows.iter().map(|r| r.deliverable.id).collect();
    let attachments = super::collab::deliverable_attachments(c, project.id)
        .await?
        .into_iter()
        .filter(|a| a.latest && ids.contains(&a.row.entity_id))
        .collect();
    Ok(GateView {
        attachments,
        tests_blocked: test_cycles.iter().any(|x| !x.gate_ok),
        test_cycles,
        project: project.clone(),
        can_carry: idx + 1 < phases.len(),
        open_activities,
        phase,
        blocked: !blockers.is_empty(),
        deliverables: rows,
        blockers,
        decisions,
        reopenable,
        needs_case,
        coverage,
        quality,
        go_live,
    })
}

/// The test cycles whose exit criteria the gate of phase `key` checks (none outside 5–6).
async fn phase_cycles<C: ConnectionTrait>(c: &C, project_id: i32, key: &str) -> Result<Vec<super::testing::CycleExit>> {
    if !matches!(key, "prototype" | "pilot") {
        return Ok(vec![]);
    }
    Ok(super::testing::cycle_exits(c, project_id).await?.into_iter().filter(|x| x.phase_key == key).collect())
}

async fn record_decision<C: ConnectionTrait>(
    c: &C,
    actor: Actor,
    ph: &phase::Model,
    d: Decision,
    rationale: &str,
) -> Result<()> {
    let am = phase_decision::ActiveModel {
        project_id: Set(ph.project_id),
        phase_id: Set(ph.id),
        decision: Set(d.as_str().into()),
        rationale: Set(rationale.into()),
        decided_by: Set(actor.user_id),
        decided_at: Set(super::now()),
        ..Default::default()
    };
    write::insert::<phase_decision::Entity, _>(c, actor, ph.project_id, am, d.as_str()).await?;
    Ok(())
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
        ..Default::default()
    };
    write::update::<phase::Entity, _>(c, actor, ph.project_id, ph.id, ph.version, am, "update").await?;
    Ok(())
}

async fn set_project_status<C: ConnectionTrait>(c: &C, actor: Actor, project_id: i32, status: &str) -> Result<()> {
    let p = super::projects::get(c, project_id).await?;
    let am = project::ActiveModel { status: Set(status.into()), ..Default::default() };
    write::update::<project::Entity, _>(c, actor, project_id, p.id, p.version, am, "update").await?;
    Ok(())
}

/// Take a gate decision on the phase numbered `seq`. Allowed only while every gate
/// deliverable is accepted; go / go with conditions closes the phase and starts the next.
#[allow(clippy::too_many_arguments)]
pub async fn decide(
    db: &Db,
    actor: Actor,
    project_id: i32,
    seq: i32,
    d: Decision,
    rationale: &str,
    today: chrono::NaiveDate,
    open: &OpenWork,
) -> Result<()> {
    let mut e = FieldErrors::default();
    let rationale = long_text(&mut e, "rationale", rationale, RATIONALE_MAX, true);
    if d == Decision::Reopen {
        e.add("decision", "err.choose_from_list");
    }
    let close_reason = match open {
        OpenWork::Close(r) => Some(long_text(&mut e, "open_reason", r, RATIONALE_MAX, false)),
        OpenWork::Carry => None,
    };
    e.check()?;
    write::transaction(db, async |tx| {
        let phases = phases(tx, project_id).await?;
        let idx = phases.iter().position(|p| p.seq == seq).ok_or(Error::NotFound)?;
        let ph = &phases[idx];
        let items: Vec<GateItem> = super::work::deliverables_of_phase(tx, ph.id).await?.iter().map(item).collect();
        let status = PhaseStatus::parse(&ph.status).unwrap_or(PhaseStatus::Pending);
        match gates::check_gate(status, &items) {
            Ok(()) => {}
            Err(GateBlock::PhaseNotActive) => return Err(Error::Rule("err.phase_not_active")),
            Err(GateBlock::Unaccepted(_)) => return Err(Error::Rule("err.gate_blocked")),
        }
        // Seed 000: the business plan is approved before the project proceeds. Only passing
        // the preparation gate needs it; a no-go can always be recorded.
        if d.passes() && ph.key == PREPARATION && !super::business_case::approved(tx, project_id).await? {
            return Err(Error::Rule("err.business_case_unapproved"));
        }
        // Phases 5–6: every test cycle of the phase meets its exit criteria or is waived.
        if d.passes() && phase_cycles(tx, project_id, &ph.key).await?.iter().any(|x| !x.gate_ok) {
            return Err(Error::Rule("err.gate_tests_unmet"));
        }
        record_decision(tx, actor, ph, d, &rationale).await?;
        super::notify::gate_decided(tx, actor, project_id, seq, d.as_str()).await?;
        super::hooks::emit(tx, project_id, super::hooks::gate_decided(ph, d.as_str(), &rationale)).await?;
        if d.passes() {
            // The last phase has nowhere to carry work to: its open activities close with the
            // decision's rationale as their reason.
            let next = phases.get(idx + 1);
            let reason = close_reason.clone().or_else(|| next.is_none().then(|| rationale.clone()));
            settle_open_items(tx, actor, ph, next, reason.as_deref(), today).await?;
            // Settling may have moved the phases' windows (new versions): read them again.
            let phases = super::projects::phases(tx, project_id).await?;
            let ph = &phases[idx];
            // A phase cannot have started after it finished: an early gate closes it on the
            // decision day, and the next phase starts that day.
            let started = ph.actual_start.map_or(today, |s| s.min(today));
            move_phase(tx, actor, ph, PhaseStatus::Closed, Some(started), Some(today)).await?;
            match phases.get(idx + 1) {
                Some(next) => move_phase(tx, actor, next, PhaseStatus::Active, Some(today), None).await?,
                None => set_project_status(tx, actor, project_id, "completed").await?,
            }
        }
        Ok(())
    })
    .await
}

/// Passing a gate leaves nothing open in the phase: its milestones are reached on the
/// decision day, and its open activities are carried into `next` or closed with `reason`.
async fn settle_open_items<C: ConnectionTrait>(
    c: &C,
    actor: Actor,
    ph: &phase::Model,
    next: Option<&phase::Model>,
    reason: Option<&str>,
    today: chrono::NaiveDate,
) -> Result<()> {
    let acts = open_activities(c, ph.id).await?;
    match (reason, next) {
        (None, Some(next)) => {
            let last = activity::Entity::find()
                .filter(activity::Column::PhaseId.eq(next.id))
                .all(c)
                .await?
                .iter()
                .map(|a| a.seq)
                .max()
                .unwrap_or(0);
            for (i, a) in acts.into_iter().enumerate() {
                // Carried work goes on from the decision day, in the next phase.
                let am = activity::ActiveModel {
                    phase_id: Set(next.id),
                    seq: Set(last.saturating_add(i as i32 + 1)),
                    not_before: Set(Some(a.not_before.map_or(today, |d| d.max(today)))),
                    ..Default::default()
                };
                let v = a.version;
                write::update_loaded::<activity::Entity, _>(c, Some(actor), ph.project_id, a, v, am, "carry").await?;
            }
        }
        (None, None) => {}
        (Some(reason), _) => {
            if !acts.is_empty() && reason.trim().is_empty() {
                return Err(FieldErrors::single("open_reason", "err.required").into());
            }
            for a in acts {
                let p = crate::domain::progress::done_on(a.actual_start, today);
                let am = activity::ActiveModel::from(p);
                let (id, v) = (a.id, a.version);
                write::update_loaded::<activity::Entity, _>(c, Some(actor), ph.project_id, a, v, am, "close_at_gate")
                    .await?;
                let why = serde_json::json!({ "reason": reason });
                super::audit::record(
                    c,
                    actor,
                    Some(ph.project_id),
                    "activity",
                    id,
                    "close_reason",
                    None::<&()>,
                    Some(&why),
                )
                .await?;
            }
        }
    }
    let open_ms = milestone::Entity::find()
        .filter(milestone::Column::PhaseId.eq(ph.id))
        .filter(milestone::Column::Status.ne("done"))
        .all(c)
        .await?;
    for m in open_ms {
        let am =
            milestone::ActiveModel { status: Set("done".into()), completed_on: Set(Some(today)), ..Default::default() };
        let v = m.version;
        let ch =
            write::update_loaded::<milestone::Entity, _>(c, Some(actor), ph.project_id, m, v, am, "reached_at_gate")
                .await?;
        super::hooks::emit(c, ph.project_id, super::hooks::milestone_done(&ch.after)).await?;
    }
    super::schedule::reschedule(c, actor, ph.project_id).await
}

/// Reopen the most recently closed phase, with a recorded reason. The phase after it goes
/// back to pending.
pub async fn reopen(db: &Db, actor: Actor, project_id: i32, seq: i32, reason: &str) -> Result<()> {
    let mut e = FieldErrors::default();
    let reason = long_text(&mut e, "reason", reason, RATIONALE_MAX, true);
    e.check()?;
    write::transaction(db, async |tx| {
        let phases = phases(tx, project_id).await?;
        let statuses: Vec<_> = phases.iter().filter_map(|p| PhaseStatus::parse(&p.status)).collect();
        let idx = gates::reopenable(&statuses).ok_or(Error::Rule("err.cannot_reopen"))?;
        if phases[idx].seq != seq {
            return Err(Error::Rule("err.cannot_reopen"));
        }
        let ph = &phases[idx];
        record_decision(tx, actor, ph, Decision::Reopen, &reason).await?;
        move_phase(tx, actor, ph, PhaseStatus::Active, ph.actual_start, None).await?;
        match phases.get(idx + 1) {
            Some(next) => move_phase(tx, actor, next, PhaseStatus::Pending, None, None).await?,
            None => set_project_status(tx, actor, project_id, "active").await?,
        }
        Ok(())
    })
    .await
}
