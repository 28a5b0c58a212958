//! Projects: creation from a playbook, editing, membership, and the read models of the
//! portfolio and the overview.
use super::{Actor, Error, Result, audit, clock, now, write};
use crate::db::Db;
use crate::domain::gates::{Decision, PhaseStatus};
use crate::domain::health::{self, Facts, Health};
use crate::domain::policy::Role;
use crate::domain::project_input::ProjectInput;
use crate::domain::risk::Exposure;
use crate::domain::schedule::back_to_back;
use crate::domain::workflow::Status;
use crate::entity::{
    activity, deliverable, dependency, milestone, phase, phase_decision, project, project_member, user,
};
use crate::playbook::Playbook;
use chrono::NaiveDate;
use sea_orm::{
    ActiveValue::NotSet, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
};
use serde::{Deserialize, Serialize};

/// Create a project and its phases, activities and deliverables from `pb`, scheduled back to
/// back from the start date; the creator becomes its director. One transaction.
pub async fn create(db: &Db, actor: Actor, input: &ProjectInput, pb: &Playbook) -> Result<project::Model> {
    let weeks: Vec<u32> = pb.phases.iter().map(|p| p.weeks).collect();
    let windows = back_to_back(input.start_date, &weeks).ok_or(Error::Rule("err.date_range"))?;
    // The method's network, when the playbook has one and the form asked for it: each item
    // waits for what the method says, instead of starting at its phase's planned start.
    let linked = input.linked && pb.has_network();
    let today = clock::today_in(&input.time_zone.clone().unwrap_or_else(clock::default_time_zone));
    let snapshot = serde_json::to_string(pb).map_err(|e| Error::Db(sea_orm::DbErr::Custom(e.to_string())))?;
    let t = now();
    write::transaction(db, async |tx| {
        let p = project::Entity::insert(project::ActiveModel {
            name: Set(input.name.clone()),
            client_name: Set(input.client_name.clone()),
            industry: Set(input.industry.clone()),
            start_date: Set(input.start_date),
            currency: Set(input.currency.clone()),
            modules: Set(input.modules.join(",")),
            playbook_key: Set(pb.key.clone()),
            playbook_snapshot: Set(snapshot),
            status: Set("active".into()),
            time_zone: Set(input.time_zone.clone().unwrap_or_else(clock::default_time_zone)),
            version: Set(1),
            created_at: Set(t),
            updated_at: Set(t),
            ..Default::default()
        })
        .exec_with_returning(tx)
        .await?;
        add_member_in(tx, actor, p.id, actor.user_id, Role::Director).await?;
        super::organisation::create_tiers(tx, actor, &p).await?;
        super::modules::seed(tx, p.id, &input.modules).await?;
        super::risks::preload(tx, actor, p.id).await?;

        let mut acts = vec![];
        let mut dels = vec![];
        let mut milestones = vec![];
        // A new project has no holidays yet: plain weekends.
        let working = crate::domain::calendar::WorkCalendar::default();
        for (i, (ph, w)) in pb.phases.iter().zip(&windows).enumerate() {
            let first = i == 0;
            let phase_row = phase::Entity::insert(phase::ActiveModel {
                project_id: Set(p.id),
                seq: Set(i as i32 + 1),
                key: Set(ph.key.clone()),
                name_en: Set(ph.name.en.clone()),
                name_zh: Set(ph.name.zh.clone()),
                planned_start: Set(w.start),
                planned_finish: Set(w.finish),
                // Actual dates are never in the future: a project planned to start later has
                // no actual start until it does (its first gate, or the day it is edited).
                actual_start: Set((first && input.start_date <= today).then_some(input.start_date)),
                actual_finish: Set(None),
                status: Set(if first { PhaseStatus::Active } else { PhaseStatus::Pending }.as_str().into()),
                version: Set(1),
                created_at: Set(t),
                updated_at: Set(t),
                ..Default::default()
            })
            .exec_with_returning(tx)
            .await?;
            let whole = working.working_days_between(w.start, w.finish + chrono::Duration::days(1)) as i32;
            for (j, a) in ph.activities.iter().enumerate() {
                let networked = linked && !a.after.is_empty();
                acts.push(activity::ActiveModel {
                    project_id: Set(p.id),
                    phase_id: Set(phase_row.id),
                    seq: Set(j as i32 + 1),
                    key: Set(Some(a.key.clone())),
                    name_en: Set(a.name.en.clone()),
                    name_zh: Set(a.name.zh.clone()),
                    tier: Set(a.tier.as_str().into()),
                    planned_start: Set(w.start),
                    planned_finish: Set(w.finish),
                    status: Set("open".into()),
                    duration_days: Set(match a.days {
                        Some(d) if linked => i32::try_from(d).unwrap_or(whole),
                        _ => whole,
                    }),
                    not_before: Set(Some(if networked { input.start_date } else { w.start })),
                    version: Set(1),
                    created_at: Set(t),
                    updated_at: Set(t),
                    ..Default::default()
                });
            }
            let (networked, anchored): (Vec<_>, Vec<_>) =
                ph.milestones.iter().cloned().partition(|m| linked && !m.after.is_empty());
            milestones.push((phase_row.id, w.finish, anchored));
            milestones.push((phase_row.id, input.start_date, networked));
            for (j, d) in ph.deliverables.iter().enumerate() {
                dels.push(deliverable::ActiveModel {
                    project_id: Set(p.id),
                    phase_id: Set(phase_row.id),
                    seq: Set(j as i32 + 1),
                    key: Set(d.key.clone()),
                    name_en: Set(d.name.en.clone()),
                    name_zh: Set(d.name.zh.clone()),
                    acceptance: Set(serde_json::to_string(&d.acceptance).unwrap_or_else(|_| "[]".into())),
                    is_gate: Set(d.gate),
                    due_date: Set(w.finish),
                    status: Set(Status::Draft.as_str().into()),
                    notes: Set(String::new()),
                    review_comment: Set(None),
                    reviewed_by: Set(None),
                    reviewed_at: Set(None),
                    version: Set(1),
                    created_at: Set(t),
                    updated_at: Set(t),
                    ..Default::default()
                });
            }
        }
        activity::Entity::insert_many(acts).exec_without_returning(tx).await?;
        super::schedule::seed_milestones(tx, p.id, &milestones).await?;
        deliverable::Entity::insert_many(dels).exec_without_returning(tx).await?;
        if linked {
            link_network(tx, p.id, pb).await?;
        }
        // Weeks become working days: activities and phases end on their last working day.
        super::schedule::reschedule_as(tx, None, p.id).await?;
        audit::record(tx, actor, Some(p.id), "project", p.id, "create", None::<&()>, Some(&p)).await?;
        Ok(p)
    })
    .await
}

/// The playbook's links between a new project's activities and milestones (part of the
/// project's creation, audited as a whole).
async fn link_network<C: ConnectionTrait>(c: &C, project_id: i32, pb: &Playbook) -> Result<()> {
    use super::schedule::{ACTIVITY, MILESTONE};
    let mut id_of: std::collections::HashMap<String, (&'static str, i32)> = std::collections::HashMap::new();
    for a in activity::Entity::find().filter(activity::Column::ProjectId.eq(project_id)).all(c).await? {
        if let Some(k) = a.key {
            id_of.insert(k, (ACTIVITY, a.id));
        }
    }
    for m in milestone::Entity::find().filter(milestone::Column::ProjectId.eq(project_id)).all(c).await? {
        if let Some(k) = m.key {
            id_of.insert(k, (MILESTONE, m.id));
        }
    }
    let t = now();
    let succs = pb.phases.iter().flat_map(|p| {
        p.activities.iter().map(|a| (&a.key, &a.after)).chain(p.milestones.iter().map(|m| (&m.key, &m.after)))
    });
    let mut rows = vec![];
    for (key, after) in succs {
        let Some(&(sk, sid)) = id_of.get(key) else { continue };
        for x in after {
            let Some(&(pk, pid)) = id_of.get(&x.key) else { continue };
            rows.push(dependency::ActiveModel {
                project_id: Set(project_id),
                pred_kind: Set(pk.into()),
                pred_id: Set(pid),
                succ_kind: Set(sk.into()),
                succ_id: Set(sid),
                kind: Set(x.kind.clone()),
                lag_days: Set(i32::try_from(x.lag).unwrap_or(0)),
                version: Set(1),
                created_at: Set(t),
                updated_at: Set(t),
                ..Default::default()
            });
        }
    }
    if !rows.is_empty() {
        dependency::Entity::insert_many(rows).exec_without_returning(c).await?;
    }
    Ok(())
}

/// Edit the project's header fields. The start date of a running project is not moved here
/// (that is the schedule's job), so it is kept as is.
pub async fn update(db: &Db, actor: Actor, id: i32, version: i32, input: &ProjectInput) -> Result<project::Model> {
    let am = project::ActiveModel {
        name: Set(input.name.clone()),
        client_name: Set(input.client_name.clone()),
        industry: Set(input.industry.clone()),
        currency: Set(input.currency.clone()),
        modules: Set(input.modules.join(",")),
        time_zone: input.time_zone.clone().map_or(NotSet, Set),
        ..Default::default()
    };
    write::transaction(db, async |tx| {
        let ch = write::update::<project::Entity, _>(tx, actor, id, id, version, am, "update").await?;
        super::modules::sync_scope(tx, actor, id, &input.modules).await?;
        Ok(ch.after)
    })
    .await
}

/// The project `id`.
pub async fn get<C: ConnectionTrait>(c: &C, id: i32) -> Result<project::Model> {
    write::get::<project::Entity, _>(c, id, id).await
}

pub async fn add_member_in<C: ConnectionTrait>(
    c: &C,
    actor: Actor,
    project_id: i32,
    user_id: i32,
    role: Role,
) -> Result<project_member::Model> {
    let am = project_member::ActiveModel {
        project_id: Set(project_id),
        user_id: Set(user_id),
        role: Set(role.as_str().into()),
        ..Default::default()
    };
    write::insert::<project_member::Entity, _>(c, actor, project_id, am, "create").await
}

/// Add a user to the project, or change their role if they are already a member.
pub async fn set_member(db: &Db, actor: Actor, project_id: i32, user_id: i32, role: Role) -> Result<()> {
    write::transaction(db, async |tx| {
        super::users::get(tx, user_id).await?;
        let existing = project_member::Entity::find()
            .filter(project_member::Column::ProjectId.eq(project_id))
            .filter(project_member::Column::UserId.eq(user_id))
            .one(tx)
            .await?;
        match existing {
            None => {
                add_member_in(tx, actor, project_id, user_id, role).await?;
            }
            Some(m) if m.role != role.as_str() => {
                ensure_director_remains(tx, project_id, &m, Some(role)).await?;
                let am = project_member::ActiveModel { role: Set(role.as_str().into()), ..Default::default() };
                write::update::<project_member::Entity, _>(tx, actor, project_id, m.id, m.version, am, "update")
                    .await?;
            }
            Some(_) => {}
        }
        Ok(())
    })
    .await
}

pub async fn remove_member(db: &Db, actor: Actor, project_id: i32, member_id: i32) -> Result<()> {
    write::transaction(db, async |tx| {
        let m = write::get::<project_member::Entity, _>(tx, project_id, member_id).await?;
        ensure_director_remains(tx, project_id, &m, None).await?;
        write::delete::<project_member::Entity, _>(tx, actor, project_id, m.id, None).await?;
        Ok(())
    })
    .await
}

/// A project always keeps at least one director, or nobody could manage it.
async fn ensure_director_remains<C: ConnectionTrait>(
    c: &C,
    project_id: i32,
    m: &project_member::Model,
    new_role: Option<Role>,
) -> Result<()> {
    if m.role != Role::Director.as_str() || new_role == Some(Role::Director) {
        return Ok(());
    }
    let directors = project_member::Entity::find()
        .filter(project_member::Column::ProjectId.eq(project_id))
        .filter(project_member::Column::Role.eq(Role::Director.as_str()))
        .all(c)
        .await?;
    if directors.len() <= 1 { Err(Error::Rule("err.last_director")) } else { Ok(()) }
}

#[derive(Clone, Debug, Serialize)]
pub struct MemberRow {
    pub id: i32,
    pub user_id: i32,
    pub name: String,
    pub email: String,
    pub role: String,
}

pub async fn members<C: ConnectionTrait>(c: &C, project_id: i32) -> Result<Vec<MemberRow>> {
    let ms = project_member::Entity::find()
        .filter(project_member::Column::ProjectId.eq(project_id))
        .order_by_asc(project_member::Column::Id)
        .all(c)
        .await?;
    let users = user::Entity::find().filter(user::Column::Id.is_in(ms.iter().map(|m| m.user_id))).all(c).await?;
    Ok(ms
        .into_iter()
        .filter_map(|m| {
            let u = users.iter().find(|u| u.id == m.user_id)?;
            Some(MemberRow { id: m.id, user_id: u.id, name: u.name.clone(), email: u.email.clone(), role: m.role })
        })
        .collect())
}

/// A phase with what the overview needs to show about it.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct PhaseView {
    #[serde(flatten)]
    pub phase: phase::Model,
    pub gate_total: usize,
    pub gate_accepted: usize,
}

/// The project overview page (and `GET /api/v1/projects/{id}`): the phases, the phase on
/// show with its work, the gate box of the current phase, the decisions, and the one
/// rolled-up health with its reasons, all as of the project's today.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct Overview {
    pub project: project::Model,
    /// The project's today, in its time zone.
    pub today: NaiveDate,
    pub phases: Vec<PhaseView>,
    /// Index into `phases` of the phase on show (the active one unless asked otherwise).
    pub current: Option<usize>,
    /// Sequence number of the active phase (none when the project is finished).
    pub active_seq: Option<i32>,
    /// The objectives of the phase on show, from the playbook the project was created with.
    pub objectives: Vec<crate::playbook::Text>,
    pub activities: Vec<activity::Model>,
    pub deliverables: Vec<deliverable::Model>,
    /// Gate deliverables of the current phase not yet accepted (the gate page's blockers).
    pub gate_blockers: Vec<deliverable::Model>,
    pub decisions: Vec<DecisionRow>,
    /// Phase and gate health rolled up with organisation, targets and risks.
    pub health: Health,
    /// Broken rules of the organisation (a reason of `health`, linked on its own).
    pub org_findings: usize,
    pub exposure: Exposure,
    /// Dates due in the next two weeks, and overdue ones.
    pub upcoming: Vec<super::schedule::Due>,
    pub reopenable: Option<i32>,
}

#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct DecisionRow {
    #[serde(flatten)]
    pub decision: phase_decision::Model,
    pub decided_by_name: String,
    pub phase_seq: i32,
}

pub async fn phases<C: ConnectionTrait>(c: &C, project_id: i32) -> Result<Vec<phase::Model>> {
    Ok(phase::Entity::find()
        .filter(phase::Column::ProjectId.eq(project_id))
        .order_by_asc(phase::Column::Seq)
        .all(c)
        .await?)
}

/// Every deliverable of the project, in phase order.
pub async fn deliverables<C: ConnectionTrait>(c: &C, project_id: i32) -> Result<Vec<deliverable::Model>> {
    Ok(deliverable::Entity::find()
        .filter(deliverable::Column::ProjectId.eq(project_id))
        .order_by_asc(deliverable::Column::PhaseId)
        .order_by_asc(deliverable::Column::Seq)
        .all(c)
        .await?)
}

/// Phases with their gate counts.
pub fn phase_views(phases: Vec<phase::Model>, dels: &[deliverable::Model]) -> Vec<PhaseView> {
    phases
        .into_iter()
        .map(|p| {
            let gates: Vec<_> = dels.iter().filter(|d| d.phase_id == p.id && d.is_gate).collect();
            PhaseView {
                gate_total: gates.len(),
                gate_accepted: gates.iter().filter(|d| d.status == Status::Accepted.as_str()).count(),
                phase: p,
            }
        })
        .collect()
}

/// The overview as [`overview`] computes it, kept in memory until the project changes
/// (`views`): what the page and the API show.
pub async fn overview_view(
    db: &Db,
    project: project::Model,
    focus: Option<i32>,
) -> Result<std::sync::Arc<super::views::Kept<Overview>>> {
    let (id, today) = (project.id, clock::today(&project));
    let params = focus.map(|f| f.to_string()).unwrap_or_default();
    super::views::cached(&db.views, &db.conn, "overview", id, params, today, async || {
        Ok(super::views::Kept::new(overview(&db.conn, project, focus).await?))
    })
    .await
}

/// Everything the project overview shows, for the phase `focus` (default: the current one).
pub async fn overview<C: ConnectionTrait>(c: &C, project: project::Model, focus: Option<i32>) -> Result<Overview> {
    let today = clock::today(&project);
    let phases = phases(c, project.id).await?;
    let dels = deliverables(c, project.id).await?;
    let current = phases.iter().position(|p| p.status == PhaseStatus::Active.as_str());
    let shown =
        focus.and_then(|seq| phases.iter().position(|p| p.seq == seq)).or(current).or(phases.len().checked_sub(1));
    let shown_id = shown.map(|i| phases[i].id);
    let activities = match shown_id {
        Some(pid) => {
            activity::Entity::find()
                .filter(activity::Column::PhaseId.eq(pid))
                .order_by_asc(activity::Column::Seq)
                .order_by_asc(activity::Column::Id)
                .all(c)
                .await?
        }
        None => vec![],
    };
    let current_id = current.map(|i| phases[i].id);
    let gate_blockers = current_id.map(|id| super::gates::blockers(&dels, id)).unwrap_or_default();
    let decisions = decisions(c, project.id, &phases).await?;
    let current_phase = current.map(|i| &phases[i]);
    let last = decisions.iter().map(|d| &d.decision).find(|d| Some(d.phase_id) == current_id);
    let signals = super::risks::health_signals(c, &project, today).await?;
    let health = health::roll_up(health_of(today, current_phase, &dels, last), &signals);
    let statuses: Vec<_> = phases.iter().filter_map(|p| PhaseStatus::parse(&p.status)).collect();
    let reopenable = crate::domain::gates::reopenable(&statuses).map(|i| phases[i].seq);
    let snapshot: Option<crate::playbook::Playbook> = serde_json::from_str(&project.playbook_snapshot).ok();
    let objectives = shown
        .and_then(|i| snapshot.as_ref()?.phases.iter().find(|p| p.key == phases[i].key).map(|p| p.objectives.clone()))
        .unwrap_or_default();
    let active_seq = current_phase.map(|p| p.seq);
    let upcoming = super::schedule::upcoming(c, project.id, today).await?;
    let phase_views = phase_views(phases, &dels);
    let deliverables = dels.into_iter().filter(|d| Some(d.phase_id) == shown_id).collect();
    Ok(Overview {
        project,
        today,
        phases: phase_views,
        current: shown,
        active_seq,
        objectives,
        activities,
        deliverables,
        gate_blockers,
        decisions,
        health,
        org_findings: signals.org_findings,
        exposure: signals.risk,
        upcoming,
        reopenable,
    })
}

/// The project's phase decisions, newest first, with who took them.
pub async fn decisions<C: ConnectionTrait>(
    c: &C,
    project_id: i32,
    phases: &[phase::Model],
) -> Result<Vec<DecisionRow>> {
    let rows = phase_decision::Entity::find()
        .filter(phase_decision::Column::ProjectId.eq(project_id))
        .order_by_desc(phase_decision::Column::Id)
        .all(c)
        .await?;
    let names = super::user_names(c, rows.iter().map(|r| r.decided_by)).await?;
    Ok(rows
        .into_iter()
        .map(|d| DecisionRow {
            decided_by_name: names.get(&d.decided_by).cloned().unwrap_or_default(),
            phase_seq: phases.iter().find(|p| p.id == d.phase_id).map_or(0, |p| p.seq),
            decision: d,
        })
        .collect())
}

/// Health of a project from its current phase (none when finished), the deliverables
/// (any phase; only the current one's count) and the latest decision on that phase.
pub(super) fn health_of(
    today: NaiveDate,
    current: Option<&phase::Model>,
    dels: &[deliverable::Model],
    last_decision: Option<&phase_decision::Model>,
) -> Health {
    let cur_id = current.map(|c| c.id);
    let mine = || dels.iter().filter(|d| Some(d.phase_id) == cur_id);
    health::assess(&Facts {
        today,
        phase_finish: current.map(|c| c.planned_finish),
        gate_open: mine().filter(|d| d.is_gate && d.status != Status::Accepted.as_str()).count(),
        returned: mine().filter(|d| d.status == Status::Returned.as_str()).count(),
        last_decision_no_go: last_decision.is_some_and(|d| d.decision == Decision::NoGo.as_str()),
    })
}

/// A line of the portfolio (and of `GET /api/v1/projects`).
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct PortfolioRow {
    /// The project (its playbook snapshot is not loaded for lists).
    pub project: project::Model,
    /// The project's today, in its time zone.
    pub today: NaiveDate,
    pub role: String,
    pub phase: Option<phase::Model>,
    pub phases_closed: usize,
    pub phases_total: usize,
    /// The same rolled-up health as the overview's.
    pub health: Health,
    /// Budget, actual cost, CPI and SPI as the project's Budget page shows them (from the
    /// stored health row: no query of its own); `None` without a budget.
    pub ev: Option<super::health_summary::EvBrief>,
    /// The project's directors (user ids and names).
    pub directors: Vec<(i32, String)>,
}

/// Project rows without their playbook snapshot (27 KB each; lists never show it).
pub(super) async fn light_projects<C: ConnectionTrait>(c: &C, ids: Vec<i32>) -> Result<Vec<project::Model>> {
    light(c, Some(ids)).await
}

/// Every project row without its playbook snapshot: the background sweeps read them all
/// (with the snapshots, 27 MB a minute for 1,000 projects).
pub(super) async fn all_light_projects<C: ConnectionTrait>(c: &C) -> Result<Vec<project::Model>> {
    light(c, None).await
}

async fn light<C: ConnectionTrait>(c: &C, ids: Option<Vec<i32>>) -> Result<Vec<project::Model>> {
    use sea_orm::{Iterable, QuerySelect, sea_query::Expr};
    let mut q = project::Entity::find()
        .select_only()
        .columns(project::Column::iter().filter(|c| !matches!(c, project::Column::PlaybookSnapshot)))
        .column_as(Expr::val(""), "playbook_snapshot");
    if let Some(ids) = ids {
        q = q.filter(project::Column::Id.is_in(ids));
    }
    Ok(q.order_by_asc(project::Column::Name)
        .order_by_asc(project::Column::Id)
        .into_model::<project::Model>()
        .all(c)
        .await?)
}

/// The projects `user` belongs to, by name, each with its current phase and rolled-up
/// health (the overview's, stored by the writes: see `health_summary`; `portfolio::all`).
pub async fn portfolio<C: ConnectionTrait>(c: &C, user_id: i32) -> Result<Vec<PortfolioRow>> {
    super::portfolio::all(c, user_id).await
}

/// Rows of the portfolio page.
pub const PORTFOLIO_PAGE: usize = 50;

/// What the portfolio page is asked for (query string; every field optional, as typed).
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct PortfolioQuery {
    /// A phase's sequence number, or `done`.
    pub phase: String,
    /// `green`, `amber`, `red` or `done`.
    pub health: String,
    /// A director's user id.
    pub director: String,
    /// A client's name, exactly.
    pub client: String,
    /// `name` (default), `client`, `phase`, `health` (worst first) or `due`.
    pub sort: String,
    /// 1-based.
    pub page: String,
}

pub const PORTFOLIO_SORTS: [&str; 5] = ["name", "client", "phase", "health", "due"];

#[derive(Clone, Debug, Serialize)]
pub struct PhaseCount {
    pub seq: Option<i32>,
    pub name_en: String,
    pub name_zh: String,
    pub count: usize,
}

/// The whole portfolio at a glance (before filters): projects by current phase and by health.
#[derive(Clone, Debug, Default, Serialize)]
pub struct PortfolioSummary {
    pub total: usize,
    /// Phases in order; projects past their last gate last (`seq` none).
    pub by_phase: Vec<PhaseCount>,
    pub green: usize,
    pub amber: usize,
    pub red: usize,
    pub done: usize,
}

/// The portfolio page: one page of rows after filters and sorting, the summary of the whole
/// portfolio, and the choices of the filters.
#[derive(Clone, Debug, Serialize)]
pub struct PortfolioPage {
    pub rows: Vec<PortfolioRow>,
    pub summary: PortfolioSummary,
    /// Rows matching the filters.
    pub matched: usize,
    pub page: usize,
    pub pages: usize,
    pub query: PortfolioQuery,
    /// Query fields whose value was not understood (field, message key); they are ignored.
    pub errors: Vec<(&'static str, &'static str)>,
    pub directors: Vec<(i32, String)>,
    pub clients: Vec<String>,
}

/// The portfolio page of `user` for `q`: one page of rows after filters and sorting, and
/// the summary of the whole portfolio, at a cost that does not grow with the number of
/// projects beyond the page (`portfolio::page`).
pub async fn portfolio_page<C: ConnectionTrait>(c: &C, user_id: i32, q: &PortfolioQuery) -> Result<PortfolioPage> {
    super::portfolio::page(c, user_id, q).await
}

/// [`portfolio_page`], kept in memory until one of the user's projects changes, one is
/// added or removed, or the quarter hour turns (`views::of_portfolio`): what the page shows.
pub async fn portfolio_view(
    db: &Db,
    user_id: i32,
    q: &PortfolioQuery,
) -> Result<std::sync::Arc<super::views::Kept<PortfolioPage>>> {
    let fresh = super::views::of_portfolio(&db.conn, user_id).await?;
    let params = format!("{q:?}");
    super::views::kept(&db.views, "portfolio", user_id, params, fresh, async || {
        Ok(super::views::Kept::new(portfolio_page(&db.conn, user_id, q).await?))
    })
    .await
}
