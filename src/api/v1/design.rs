//! The organisation's units (tiers and groups), the training plan's sessions, the CRM
//! modules, the business case's scenarios, the diagnosed processes and the blueprints —
//! each read from the service its page reads.
use super::problem::{ApiResult, ProblemDoc};
use super::resource::Record;
use super::{Filters, PageQuery};
use crate::AppState;
use crate::entity::project;
use crate::service::{blueprint, business_case, diagnosis, modules, organisation, training};
use crate::web::context::Ctx;
use axum::Router;
use axum::routing::get;
use chrono::NaiveDate;
use serde::Serialize;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/projects/{id}/org-units", get(units))
        .route("/api/v1/projects/{id}/org-units/{item}", get(unit))
        .route("/api/v1/projects/{id}/training-sessions", get(sessions))
        .route("/api/v1/projects/{id}/training-sessions/{item}", get(session))
        .route("/api/v1/projects/{id}/modules", get(module_list))
        .route("/api/v1/projects/{id}/modules/{item}", get(module))
        .route("/api/v1/projects/{id}/scenarios", get(scenarios))
        .route("/api/v1/projects/{id}/scenarios/{item}", get(scenario))
        .route("/api/v1/projects/{id}/processes", get(processes))
        .route("/api/v1/projects/{id}/processes/{item}", get(process))
        .route("/api/v1/projects/{id}/blueprints", get(blueprints))
        .route("/api/v1/projects/{id}/blueprints/{item}", get(blueprint_one))
}

macro_rules! versioned {
    ($t:ident $(, status = $s:ident)? $(, owner = $o:ident)? $(, phase = $p:ident)?) => {
        impl Record for $t {
            fn id(&self) -> i32 {
                self.id
            }
            fn version(&self) -> i32 {
                self.version
            }
            $(fn status(&self) -> Option<&str> {
                Some(&self.$s)
            })?
            $(fn owner(&self) -> Option<&str> {
                Some(&self.$o)
            })?
            $(fn phase(&self) -> Option<i32> {
                Some(self.$p)
            })?
        }
    };
}
pub(crate) use versioned;

// ---- Organisation ----

/// A unit of the project organisation: the three tiers and the functional groups.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct OrgUnit {
    pub id: i32,
    pub version: i32,
    pub key: String,
    /// `steering_committee`, `project_team` or `functional_group`.
    pub kind: String,
    pub department: Option<String>,
    pub name: String,
    pub seq: i32,
}
crate::api_record_from!(crate::entity::org_unit::Model => OrgUnit { id, version, key, kind, department, name, seq });
versioned!(OrgUnit);

async fn load_units(state: &AppState, _: &Ctx, p: &project::Model) -> ApiResult<Vec<OrgUnit>> {
    Ok(organisation::units(&state.db.conn, p.id).await?.into_iter().map(OrgUnit::from).collect())
}

crate::api_read!(kind = "org_unit", tag = "organisation", record = OrgUnit, page = OrgUnitPage,
    list = units at "/api/v1/projects/{id}/org-units", get = unit at "/api/v1/projects/{id}/org-units/{item}" ("item"),
    load = load_units, doc = "The organisation's tiers and groups in the chart's order.");

// ---- Training ----

/// A training session as the training plan lists it.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct TrainingSession {
    pub id: i32,
    pub version: i32,
    pub title: String,
    /// `senior_management`, `project_team`, `functional_group`, `end_users` or `administrators`.
    pub audience: String,
    pub audience_department: Option<String>,
    pub phase_seq: i32,
    pub module: Option<String>,
    pub date: NaiveDate,
    /// HH:MM.
    pub start_time: String,
    pub duration_minutes: i32,
    pub place: String,
    pub online: bool,
    pub trainer: String,
    /// Minor units of `currency`.
    pub cost_minor: i64,
    /// As the plan prints it, e.g. "1200.50".
    pub cost: String,
    pub currency: String,
    pub hands_on: bool,
    /// `planned`, `held` or `cancelled`.
    pub status: String,
    /// Scheduled before the first senior-management session.
    pub early: bool,
    pub invited: usize,
    pub attended: usize,
}
impl From<training::SessionRow> for TrainingSession {
    fn from(r: training::SessionRow) -> TrainingSession {
        let s = r.s;
        TrainingSession {
            id: s.id,
            version: s.version,
            title: s.title,
            audience: s.audience,
            audience_department: s.audience_department,
            phase_seq: s.phase_seq,
            module: s.module,
            date: s.date,
            start_time: s.start_time,
            duration_minutes: s.duration_minutes,
            place: s.place,
            online: s.online,
            trainer: s.trainer,
            cost_minor: s.cost,
            cost: r.cost,
            currency: s.currency,
            hands_on: s.hands_on,
            status: s.status,
            early: r.early,
            invited: r.invited,
            attended: r.attended,
        }
    }
}
versioned!(TrainingSession, status = status, owner = trainer, phase = phase_seq);

pub(super) async fn load_sessions(state: &AppState, _: &Ctx, p: &project::Model) -> ApiResult<Vec<TrainingSession>> {
    Ok(training::view(&state.db.conn, p).await?.rows.into_iter().map(TrainingSession::from).collect())
}

crate::api_read!(kind = "training_session", tag = "training", record = TrainingSession, page = TrainingSessionPage,
    list = sessions at "/api/v1/projects/{id}/training-sessions",
    get = session at "/api/v1/projects/{id}/training-sessions/{item}" ("item"),
    load = load_sessions, doc = "The training plan's sessions in its order, with invitations and attendance.");

// ---- Modules ----

/// A CRM module of the project and its rollout.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct Module {
    pub id: i32,
    pub version: i32,
    pub key: String,
    pub name_en: String,
    pub name_zh: String,
    pub in_scope: bool,
    pub owner_group: Option<String>,
    pub status: String,
    pub lifecycle: String,
    pub planned_users: i32,
    pub active_users: i32,
    /// Active users as a share of planned users, in percent.
    pub adoption: Option<f64>,
    pub features: usize,
    pub features_live: usize,
}
impl From<modules::ModuleView> for Module {
    fn from(v: modules::ModuleView) -> Module {
        let m = v.module;
        Module {
            id: m.id,
            version: m.version,
            key: m.key,
            name_en: m.name_en,
            name_zh: m.name_zh,
            in_scope: m.in_scope,
            owner_group: m.owner_group,
            status: m.status,
            lifecycle: m.lifecycle,
            planned_users: m.planned_users,
            active_users: m.active_users,
            adoption: v.adoption,
            features: v.features.len(),
            features_live: v.features_live,
        }
    }
}
versioned!(Module, status = status);

async fn load_modules(state: &AppState, _: &Ctx, p: &project::Model) -> ApiResult<Vec<Module>> {
    Ok(modules::page(&state.db.conn, p).await?.modules.into_iter().map(Module::from).collect())
}

crate::api_read!(kind = "module", tag = "modules", record = Module, page = ModulePage,
    list = module_list at "/api/v1/projects/{id}/modules", get = module at "/api/v1/projects/{id}/modules/{item}" ("item"),
    load = load_modules, doc = "The CRM modules with their rollout state and adoption, as the Modules page shows them.");

// ---- Business case ----

/// A scenario of the business case (the figures are `GET …/business-case`).
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct Scenario {
    pub id: i32,
    pub version: i32,
    pub name: String,
    pub horizon_years: i32,
    /// A fraction, e.g. 0.08.
    pub discount_rate: f64,
    pub start_year: i32,
    pub cost_factor_pct: i32,
    pub benefit_factor_pct: i32,
}
crate::api_record_from!(crate::entity::bc_scenario::Model => Scenario {
    id, version, name, horizon_years, discount_rate, start_year, cost_factor_pct, benefit_factor_pct
});
versioned!(Scenario);

async fn load_scenarios(state: &AppState, _: &Ctx, p: &project::Model) -> ApiResult<Vec<Scenario>> {
    let loaded = business_case::load(&state.db.conn, p.id).await?;
    Ok(loaded.map(|l| l.scenarios.into_iter().map(Scenario::from).collect()).unwrap_or_default())
}

crate::api_read!(kind = "scenario", tag = "business_case", record = Scenario, page = ScenarioPage,
    list = scenarios at "/api/v1/projects/{id}/scenarios", get = scenario at "/api/v1/projects/{id}/scenarios/{item}" ("item"),
    load = load_scenarios, doc = "The business case's scenarios (none before a case is started).");

// ---- Diagnosis and design ----

/// A diagnosed as-is process with its scores.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct Process {
    pub id: i32,
    pub version: i32,
    pub module_key: String,
    pub name: String,
    pub as_is: String,
    pub owner_dept: String,
    pub volume: String,
    pub pain_points: String,
    pub systems: String,
    /// 1–5 each, or none while not scored.
    pub importance: Option<i32>,
    pub performance: Option<i32>,
    pub feasibility: Option<i32>,
    pub justification: String,
    pub selected: bool,
}
crate::api_record_from!(crate::entity::process::Model => Process {
    id, version, module_key, name, as_is, owner_dept, volume, pain_points, systems, importance, performance,
    feasibility, justification, selected
});
versioned!(Process, owner = owner_dept);

pub(super) async fn load_processes(state: &AppState, _: &Ctx, p: &project::Model) -> ApiResult<Vec<Process>> {
    Ok(diagnosis::processes(&state.db.conn, p.id).await?.into_iter().map(Process::from).collect())
}

crate::api_read!(kind = "process", tag = "design", record = Process, page = ProcessPage,
    list = processes at "/api/v1/projects/{id}/processes", get = process at "/api/v1/projects/{id}/processes/{item}" ("item"),
    load = load_processes, doc = "The diagnosed processes with their scores.");

/// A to-be process (blueprint) at its current revision.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct Blueprint {
    pub id: i32,
    pub version: i32,
    pub process_id: Option<i32>,
    pub name: String,
    /// The blueprint's text (Markdown-like, as written).
    pub content: String,
    pub revision: i32,
}
crate::api_record_from!(crate::entity::blueprint::Model => Blueprint { id, version, process_id, name, content, revision });
versioned!(Blueprint);

async fn load_blueprints(state: &AppState, _: &Ctx, p: &project::Model) -> ApiResult<Vec<Blueprint>> {
    Ok(blueprint::list(&state.db.conn, p.id).await?.into_iter().map(Blueprint::from).collect())
}

crate::api_read!(kind = "blueprint", tag = "design", record = Blueprint, page = BlueprintPage,
    list = blueprints at "/api/v1/projects/{id}/blueprints",
    get = blueprint_one at "/api/v1/projects/{id}/blueprints/{item}" ("item"),
    load = load_blueprints, doc = "The blueprints (to-be processes) at their current revision.");
