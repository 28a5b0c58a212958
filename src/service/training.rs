//! The training plan: sessions, invitations and attendance, and the checks over them
//! (senior management first, coverage of functional groups, budget).
//!
//! [`view`] is the one place the plan's figures are made (session costs, budget planned
//! against actual by phase and audience, hours), in the project's currency through
//! `domain::money`; the Training page, `GET /api/v1/projects/{id}/training` and the training
//! plan document take the `TrainingView`. [`session_view`] serves a session's page.
use super::{Actor, Result, organisation, write};
use crate::db::Db;
use crate::domain::money;
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
    write::get::<training_session::Entity, _>(c, project_id, id).await
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
    let mut am = active_model(i);
    am.project_id = Set(p.id);
    am.currency = Set(p.currency.clone());
    write::transaction(db, async |tx| write::insert::<training_session::Entity, _>(tx, actor, p.id, am, "create").await)
        .await
}

pub async fn update_session(
    db: &Db,
    actor: Actor,
    project_id: i32,
    id: i32,
    version: i32,
    i: &SessionInput,
) -> Result<training_session::Model> {
    let am = active_model(i);
    write::transaction(db, async |tx| {
        write::update::<training_session::Entity, _>(tx, actor, project_id, id, version, am, "update").await
    })
    .await
    .map(|ch| ch.after)
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
    write::transaction(db, async |tx| {
        let s = session(tx, project_id, session_id).await?;
        let people = organisation::people(tx, project_id).await?;
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
        let already: BTreeSet<i32> = attendance_of(tx, s.id).await?.into_iter().map(|a| a.person_id).collect();
        let mut n = 0;
        for pid in ids.difference(&already) {
            let am = attendance::ActiveModel {
                project_id: Set(project_id),
                session_id: Set(s.id),
                person_id: Set(*pid),
                attended: Set(false),
                score: Set(None),
                ..Default::default()
            };
            write::insert::<attendance::Entity, _>(tx, actor, project_id, am, "create").await?;
            n += 1;
        }
        Ok(n)
    })
    .await
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
    let am = attendance::ActiveModel { attended: Set(attended), score: Set(score), ..Default::default() };
    write::transaction(db, async |tx| {
        write::update::<attendance::Entity, _>(tx, actor, project_id, id, version, am, "update").await
    })
    .await
    .map(|ch| ch.after)
}

pub async fn uninvite(db: &Db, actor: Actor, project_id: i32, id: i32) -> Result<()> {
    write::transaction(db, async |tx| write::delete::<attendance::Entity, _>(tx, actor, project_id, id, None).await)
        .await
        .map(|_| ())
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

#[derive(Clone, Debug, Serialize)]
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

/// One session of the plan as the page and the documents list it.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct SessionRow {
    pub s: training_session::Model,
    /// The cost in the project's currency, e.g. "1200.50" (the currency is named beside it).
    pub cost: String,
    /// Scheduled before the first senior-management session.
    pub early: bool,
    /// People invited, and of them those who came.
    pub invited: usize,
    pub attended: usize,
}

/// Planned against actual cost, in minor units and as shown.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct MoneyRow {
    pub planned_minor: i64,
    pub actual_minor: i64,
    pub planned: String,
    pub actual: String,
    /// More was spent than planned.
    pub over: bool,
}

#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct PhaseBudget {
    pub seq: i32,
    pub m: MoneyRow,
}

#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct AudienceBudget {
    pub audience: String,
    pub m: MoneyRow,
}

#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct BudgetView {
    pub by_phase: Vec<PhaseBudget>,
    pub by_audience: Vec<AudienceBudget>,
    pub total: MoneyRow,
}

/// The training plan page (and the training plan document, and
/// `GET /api/v1/projects/{id}/training`): every session with its cost, the checks, the
/// budget by phase and audience, and the plan's size. Amounts are formatted once here by
/// the one money module in the project's currency.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct TrainingView {
    pub currency: String,
    pub rows: Vec<SessionRow>,
    pub order: OrderCheck,
    pub coverage: Vec<Coverage>,
    pub budget: BudgetView,
    /// Sessions in the plan (cancelled ones included, as listed).
    pub count: usize,
    /// Hours of all listed sessions, one decimal: "12.5".
    pub hours: String,
    /// The groups' coverage summed per CRM module.
    pub coverage_by_module: Vec<training::ModuleCoverage>,
    /// Invited and attended over the held sessions.
    pub attendance: training::AttendanceTotals,
}

pub async fn view<C: ConnectionTrait>(c: &C, p: &project::Model) -> Result<TrainingView> {
    let sessions = sessions(c, p.id).await?;
    let checks = checks(c, p, &sessions).await?;
    let cur = p.currency.as_str();
    let money = |m: &training::Money| MoneyRow {
        planned_minor: m.planned,
        actual_minor: m.actual,
        planned: money::decimal(m.planned, cur),
        actual: money::decimal(m.actual, cur),
        over: m.actual > m.planned,
    };
    let minutes: i64 = sessions.iter().map(|s| i64::from(s.duration_minutes)).sum();
    let invitations: Vec<(i32, bool)> = attendance::Entity::find()
        .filter(attendance::Column::ProjectId.eq(p.id))
        .all(c)
        .await?
        .into_iter()
        .map(|a| (a.session_id, a.attended))
        .collect();
    let (per_session, attendance) = training::attendance(&sessions.iter().map(facts).collect::<Vec<_>>(), &invitations);
    let budget = BudgetView {
        by_phase: checks.budget.by_phase.iter().map(|(seq, m)| PhaseBudget { seq: *seq, m: money(m) }).collect(),
        by_audience: checks
            .budget
            .by_audience
            .iter()
            .map(|(a, m)| AudienceBudget { audience: a.clone(), m: money(m) })
            .collect(),
        total: money(&checks.budget.total),
    };
    Ok(TrainingView {
        currency: p.currency.clone(),
        count: sessions.len(),
        hours: format!("{:.1}", minutes as f64 / 60.0),
        rows: sessions
            .into_iter()
            .map(|s| {
                let a = per_session.get(&s.id).copied().unwrap_or_default();
                SessionRow {
                    cost: money::decimal(s.cost, cur),
                    early: checks.order.before_senior_management.contains(&s.id),
                    invited: a.invited,
                    attended: a.attended,
                    s,
                }
            })
            .collect(),
        order: checks.order,
        coverage_by_module: training::coverage_by_module(&checks.coverage),
        coverage: checks.coverage,
        budget,
        attendance,
    })
}

/// A session's page: the session, its cost as shown, its invitees and who else can be invited.
#[derive(Clone, Debug, Serialize)]
pub struct SessionView {
    pub s: training_session::Model,
    pub cost: String,
    pub invitees: Vec<Invitee>,
    pub invitable: Vec<crate::entity::person::Model>,
}

#[derive(Clone, Debug, Serialize)]
pub struct Invitee {
    pub a: attendance::Model,
    pub person: crate::entity::person::Model,
}

pub async fn session_view<C: ConnectionTrait>(c: &C, p: &project::Model, sid: i32) -> Result<SessionView> {
    let s = session(c, p.id, sid).await?;
    let people = organisation::people(c, p.id).await?;
    let att = attendance_of(c, s.id).await?;
    let invitees = att
        .iter()
        .filter_map(|x| {
            let person = people.iter().find(|pp| pp.id == x.person_id)?.clone();
            Some(Invitee { a: x.clone(), person })
        })
        .collect();
    let invitable = people.into_iter().filter(|pp| !att.iter().any(|x| x.person_id == pp.id)).collect();
    Ok(SessionView { cost: money::decimal(s.cost, &p.currency), s, invitees, invitable })
}
