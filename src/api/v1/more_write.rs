//! Writes of the remaining areas with forms on their pages, through the general write
//! helper ([`super::write`]): training sessions, target definitions, test cycles, the
//! diagnosed processes, operating rules and conversion trials, lessons learned, the
//! improvement backlog and the evaluation's actual costs, and the deliverables' workflow.
//! Each takes the form its page posts, the page's own validation (the page handlers call
//! the same functions) and the page's policy; hooks and audit come from the services.
use super::closing::{ConversionTrial, EvaluationCost, Improvement, Lesson, OperatingRule};
use super::design::{Process, TrainingSession};
use super::later::TestCycle;
use super::problem::{ApiResult, Problem, ProblemDoc};
use super::work::{Deliverable, Target, load_deliverable};
use super::write::{Writable, find, plain_writable, read, service_writable};
use super::{etag, if_match, tagged};
use crate::AppState;
use crate::domain::policy::Action;
use crate::domain::training::RawSession;
use crate::entity::project;
use crate::service::{self, Actor, clock, diagnosis, evaluation, phase6, targets, testing, training, work};
use crate::web::context::Ctx;
use crate::web::projects::authorize;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, patch, post};
use serde::{Deserialize, Serialize};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/projects/{id}/training-sessions", post(create_session))
        .route("/api/v1/projects/{id}/training-sessions/{item}", patch(update_session))
        .route("/api/v1/projects/{id}/training-sessions/{item}/attendance", get(attendance).post(invite))
        .route(
            "/api/v1/projects/{id}/training-sessions/{item}/attendance/{aid}",
            get(attendee_one).patch(record_attendance).delete(uninvite),
        )
        .route("/api/v1/projects/{id}/target-items", post(create_target))
        .route("/api/v1/projects/{id}/target-items/{item}", patch(update_target))
        .route("/api/v1/projects/{id}/test-cycles", post(create_cycle))
        .route("/api/v1/projects/{id}/test-cycles/{item}", patch(update_cycle))
        .route("/api/v1/projects/{id}/processes", post(create_process))
        .route("/api/v1/projects/{id}/processes/{item}", patch(update_process))
        .route("/api/v1/projects/{id}/processes/{item}/score", post(score_process))
        .route("/api/v1/projects/{id}/operating-rules", post(create_rule))
        .route("/api/v1/projects/{id}/operating-rules/{item}", patch(update_rule))
        .route("/api/v1/projects/{id}/operating-rules/{item}/approve", post(approve_rule))
        .route("/api/v1/projects/{id}/conversion-trials", post(create_trial))
        .route("/api/v1/projects/{id}/conversion-trials/{item}", patch(update_trial))
        .route("/api/v1/projects/{id}/lessons", post(create_lesson))
        .route("/api/v1/projects/{id}/lessons/{item}", patch(update_lesson).delete(delete_lesson))
        .route("/api/v1/projects/{id}/improvements", post(create_improvement))
        .route("/api/v1/projects/{id}/improvements/{item}", patch(update_improvement).delete(delete_improvement))
        .route("/api/v1/projects/{id}/evaluation-costs", post(create_cost))
        .route("/api/v1/projects/{id}/evaluation-costs/{item}", delete(delete_cost))
        .route("/api/v1/projects/{id}/deliverables/{did}", patch(save_notes))
        .route("/api/v1/projects/{id}/deliverables/{did}/transition", post(transition))
}

// ---- Training ----

plain_writable!(
    TrainingSession,
    form = RawSession,
    kind = "training_session",
    segment = "training-sessions",
    load = super::design::load_sessions,
    base = |state, p, id| Ok(crate::web::training::raw_of(
        &training::session(&state.db.conn, p.id, id).await?,
        &p.currency
    )),
    check = |state, p, raw| crate::web::training::validate_form(state, p, raw).await?,
    create = training::create_session[project],
    update = training::update_session
);
crate::api_write!(record = TrainingSession, tag = "training", new = RawSession, edit = RawSession,
    create = create_session at "/api/v1/projects/{id}/training-sessions",
    update = update_session at "/api/v1/projects/{id}/training-sessions/{item}");

// ---- Targets ----

plain_writable!(
    Target,
    form = targets::RawTarget,
    kind = "target",
    segment = "target-items",
    load = super::work::load_targets,
    base = |state, p, id| Ok(crate::web::targets::raw_of(&targets::get(&state.db.conn, p.id, id).await?)),
    check = |state, p, raw| crate::web::targets::validate_form(state, p.id, raw).await?,
    create = targets::create,
    update = targets::update
);
crate::api_write!(record = Target, tag = "targets", new = targets::RawTarget, edit = targets::RawTarget,
    create = create_target at "/api/v1/projects/{id}/target-items",
    update = update_target at "/api/v1/projects/{id}/target-items/{item}");

// ---- Test cycles ----

/// The test cycle form of the Testing page.
#[derive(Clone, Debug, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct CycleBody {
    pub name: String,
    /// `prototype`, `pilot`, `uat` or `regression`.
    pub kind: String,
    /// The blueprints (to-be processes) in scope, a multiple choice: an array of their ids
    /// (`[3, 5]`, numbers or strings), or as one comma-separated string (`"3,5"`). Empty: none.
    pub scope: Vec<String>,
    /// YYYY-MM-DD, or empty.
    pub planned_start: String,
    pub planned_finish: String,
    pub testers: String,
    /// The exit criterion: the least pass rate, whole percent 0–100.
    pub pass_rate_min: String,
}

impl CycleBody {
    fn raw(&self) -> testing::RawCycle {
        testing::RawCycle {
            name: self.name.clone(),
            kind: self.kind.clone(),
            scope: self.scope.clone(),
            planned_start: self.planned_start.clone(),
            planned_finish: self.planned_finish.clone(),
            testers: self.testers.clone(),
            pass_rate_min: self.pass_rate_min.clone(),
        }
    }
}

impl From<testing::RawCycle> for CycleBody {
    fn from(r: testing::RawCycle) -> CycleBody {
        CycleBody {
            name: r.name,
            kind: r.kind,
            scope: r.scope,
            planned_start: r.planned_start,
            planned_finish: r.planned_finish,
            testers: r.testers,
            pass_rate_min: r.pass_rate_min,
        }
    }
}

/// The cycle form checked as the Testing page checks it.
async fn cycle_input(state: &AppState, p: &project::Model, body: &CycleBody) -> service::Result<testing::CycleInput> {
    let bps: Vec<i32> = testing::blueprint_ids(&state.db.conn, p.id).await?.into_iter().map(|b| b.id).collect();
    Ok(testing::validate_cycle(&body.raw(), &bps)?)
}

plain_writable!(
    TestCycle,
    form = CycleBody,
    kind = "test_cycle",
    segment = "test-cycles",
    load = super::later::load_cycles,
    base = |state, p, id| Ok(
        crate::web::testing::raw_of_cycle(&testing::get_cycle(&state.db.conn, p.id, id).await?).into()
    ),
    check = |state, p, raw| cycle_input(state, p, raw).await?,
    create = testing::create_cycle,
    update = testing::update_cycle
);
crate::api_write!(record = TestCycle, tag = "testing", new = CycleBody, edit = CycleBody,
    create = create_cycle at "/api/v1/projects/{id}/test-cycles",
    update = update_cycle at "/api/v1/projects/{id}/test-cycles/{item}");

// ---- Diagnosis: the as-is processes ----

/// The process description checked as the Diagnosis page checks it.
async fn process_input(
    state: &AppState,
    p: &project::Model,
    raw: &diagnosis::RawProcess,
) -> service::Result<diagnosis::RawProcess> {
    let keys = diagnosis::module_keys(&state.db.conn, p.id).await?;
    Ok(diagnosis::validate_process(raw, &keys)?)
}

plain_writable!(
    Process,
    form = diagnosis::RawProcess,
    kind = "process",
    segment = "processes",
    load = super::design::load_processes,
    base = |state, p, id| Ok(diagnosis::raw_process(&diagnosis::get_process(&state.db.conn, p.id, id).await?)),
    check = |state, p, raw| process_input(state, p, raw).await?,
    create = diagnosis::create_process,
    update = diagnosis::update_process
);
crate::api_write!(record = Process, tag = "design", new = diagnosis::RawProcess, edit = diagnosis::RawProcess,
    create = create_process at "/api/v1/projects/{id}/processes",
    update = update_process at "/api/v1/projects/{id}/processes/{item}");

/// Score a process (the process page's second form): the three criteria 1–5, why, and
/// whether it is selected for redesign — all of them, at the version `If-Match` names.
#[utoipa::path(post, path = "/api/v1/projects/{id}/processes/{item}/score", tag = "design",
    params(("id" = i32, Path, description = "Project id"), ("item" = i32, Path, description = "The process"),
        ("If-Match" = String, Header, description = "The ETag the client read")),
    request_body = diagnosis::RawScore,
    responses((status = 200, body = Process, headers(("ETag" = String))),
        (status = 400, body = ProblemDoc, content_type = "application/problem+json"),
        (status = 403, body = ProblemDoc, content_type = "application/problem+json"),
        (status = 404, body = ProblemDoc, content_type = "application/problem+json"),
        (status = 409, body = ProblemDoc, content_type = "application/problem+json"),
        (status = 412, body = ProblemDoc, content_type = "application/problem+json"),
        (status = 422, body = ProblemDoc, content_type = "application/problem+json"),
        (status = 428, body = ProblemDoc, content_type = "application/problem+json")),
    security(("token" = []), ("session" = [])))]
pub async fn score_process(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, key)): Path<(i32, i32)>,
    headers: HeaderMap,
    body: Bytes,
) -> ApiResult<Response> {
    let (actor, a) = authorize(&state, &ctx, id, Process::ACTION).await?;
    let cur = find::<Process>(&state, &ctx, &a.project, key).await?;
    let version = if_match(&headers, Process::KIND, cur.id, cur.version)?;
    let raw: diagnosis::RawScore = read(&body, None)?;
    let s = diagnosis::validate_score(&raw).map_err(service::Error::from)?;
    diagnosis::score(&state.db, actor, a.project.id, cur.id, version, &s).await?;
    let r = find::<Process>(&state, &ctx, &a.project, key).await?;
    Ok(tagged(StatusCode::OK, etag(Process::KIND, r.id, r.version), &r))
}

// ---- Operating rules and conversion trials ----

/// The rule form checked as the Operating rules page checks it.
async fn rule_input(state: &AppState, p: &project::Model, raw: &phase6::RawRule) -> service::Result<phase6::RuleInput> {
    let bps: Vec<i32> = testing::blueprint_ids(&state.db.conn, p.id).await?.into_iter().map(|b| b.id).collect();
    Ok(phase6::validate_rule(raw, &bps)?)
}

// A changed title, process or text clears the approval on update, as on the page (the
// service's `update_rule`).
plain_writable!(
    OperatingRule,
    form = phase6::RawRule,
    kind = "operating_rule",
    segment = "operating-rules",
    load = super::closing::load_rules,
    base = |state, p, id| Ok(crate::web::phase6::raw_rule(&phase6::get_rule(&state.db.conn, p.id, id).await?)),
    check = |state, p, raw| rule_input(state, p, raw).await?,
    create = phase6::create_rule,
    update = phase6::update_rule
);
crate::api_write!(record = OperatingRule, tag = "golive", new = phase6::RawRule, edit = phase6::RawRule,
    create = create_rule at "/api/v1/projects/{id}/operating-rules",
    update = update_rule at "/api/v1/projects/{id}/operating-rules/{item}");

/// Approve the rule's current text (the director or the steering committee, as on the page):
/// the caller's name and the project's today, at the version `If-Match` names. No body.
#[utoipa::path(post, path = "/api/v1/projects/{id}/operating-rules/{item}/approve", tag = "golive",
    params(("id" = i32, Path, description = "Project id"), ("item" = i32, Path, description = "The rule"),
        ("If-Match" = String, Header, description = "The ETag the client read")),
    responses((status = 200, body = OperatingRule, headers(("ETag" = String))),
        (status = 403, body = ProblemDoc, content_type = "application/problem+json"),
        (status = 404, body = ProblemDoc, content_type = "application/problem+json"),
        (status = 409, body = ProblemDoc, content_type = "application/problem+json"),
        (status = 412, body = ProblemDoc, content_type = "application/problem+json"),
        (status = 428, body = ProblemDoc, content_type = "application/problem+json")),
    security(("token" = []), ("session" = [])))]
pub async fn approve_rule(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, key)): Path<(i32, i32)>,
    headers: HeaderMap,
) -> ApiResult<Response> {
    let (actor, a) = authorize(&state, &ctx, id, Action::Review).await?;
    let cur = find::<OperatingRule>(&state, &ctx, &a.project, key).await?;
    let version = if_match(&headers, OperatingRule::KIND, cur.id, cur.version)?;
    let by = ctx.user()?.name.clone();
    phase6::approve_rule(&state.db, actor, a.project.id, cur.id, version, &by, clock::today(&a.project)).await?;
    let r = find::<OperatingRule>(&state, &ctx, &a.project, key).await?;
    Ok(tagged(StatusCode::OK, etag(OperatingRule::KIND, r.id, r.version), &r))
}

/// The trial form checked as the Conversion trial page checks it.
async fn trial_input(
    state: &AppState,
    p: &project::Model,
    raw: &phase6::RawTrial,
) -> service::Result<phase6::TrialInput> {
    let sources: Vec<i32> = phase6::source_ids(&state.db.conn, p.id).await?.into_iter().map(|s| s.0).collect();
    Ok(phase6::validate_trial(raw, &sources, clock::today(p))?)
}

plain_writable!(
    ConversionTrial,
    form = phase6::RawTrial,
    kind = "conversion_trial",
    segment = "conversion-trials",
    load = super::closing::load_trials,
    base = |state, p, id| Ok(crate::web::phase6::raw_trial(&phase6::get_trial(&state.db.conn, p.id, id).await?)),
    check = |state, p, raw| trial_input(state, p, raw).await?,
    create = phase6::create_trial,
    update = phase6::update_trial
);
crate::api_write!(record = ConversionTrial, tag = "golive", new = phase6::RawTrial, edit = phase6::RawTrial,
    create = create_trial at "/api/v1/projects/{id}/conversion-trials",
    update = update_trial at "/api/v1/projects/{id}/conversion-trials/{item}");

// ---- Evaluation: lessons, the improvement backlog, actual costs ----

service_writable!(
    Lesson,
    form = evaluation::RawLesson,
    kind = "lesson",
    segment = "lessons",
    load = super::closing::load_lessons,
    base = evaluation::raw_lesson,
    create = evaluation::add_lesson,
    update = evaluation::update_lesson,
    delete = evaluation::delete_lesson
);
crate::api_write!(record = Lesson, tag = "evaluation", new = evaluation::RawLesson, edit = evaluation::RawLesson,
    create = create_lesson at "/api/v1/projects/{id}/lessons",
    update = update_lesson at "/api/v1/projects/{id}/lessons/{item}", delete = delete_lesson);

service_writable!(
    Improvement,
    form = evaluation::RawImprovement,
    kind = "improvement",
    segment = "improvements",
    load = super::closing::load_improvements,
    base = evaluation::raw_improvement,
    create = evaluation::add_improvement,
    update = evaluation::update_improvement,
    delete = evaluation::delete_improvement
);
crate::api_write!(record = Improvement, tag = "evaluation", new = evaluation::RawImprovement,
    edit = evaluation::RawImprovement,
    create = create_improvement at "/api/v1/projects/{id}/improvements",
    update = update_improvement at "/api/v1/projects/{id}/improvements/{item}", delete = delete_improvement);

/// An actual cost, as the evaluation page's cost form posts it.
#[derive(Clone, Debug, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct CostBody {
    /// YYYY-MM-DD.
    pub incurred_on: String,
    /// In major units of the project's currency, as typed (`1,200.50`).
    pub amount: String,
    pub description: String,
}

impl Writable for EvaluationCost {
    type New = CostBody;
    type Edit = CostBody;
    const KIND: &'static str = "eval_cost";
    const SEGMENT: &'static str = "evaluation-costs";
    // As on the evaluation page: the business case's owners record its actual costs.
    const ACTION: Action = Action::EditBusinessCase;

    async fn load(state: &AppState, ctx: &Ctx, p: &project::Model) -> ApiResult<Vec<Self>> {
        super::closing::load_costs(state, ctx, p).await
    }
    /// The page offers the form beside the realised ROI only: without a business case there is
    /// no plan to count the cost against (422, as a rule).
    async fn create(state: &AppState, actor: Actor, p: &project::Model, raw: &CostBody) -> service::Result<i32> {
        if evaluation::view(&state.db.conn, p, crate::i18n::Lang::En).await?.roi.is_none() {
            return Err(service::Error::Rule("eval.no_case"));
        }
        Ok(evaluation::add_cost(&state.db, actor, p, &raw.incurred_on, &raw.amount, &raw.description).await?.id)
    }
    async fn delete(state: &AppState, actor: Actor, p: &project::Model, id: i32, version: i32) -> service::Result<()> {
        evaluation::delete_cost(&state.db, actor, p.id, id, version).await
    }
}
crate::api_write!(record = EvaluationCost, tag = "evaluation", new = CostBody, edit = CostBody,
    create = create_cost at "/api/v1/projects/{id}/evaluation-costs");

/// Remove an actual cost (`If-Match` required); 204. A cost is never edited: remove it and
/// record it again, as on the page.
#[utoipa::path(delete, path = "/api/v1/projects/{id}/evaluation-costs/{item}", tag = "evaluation",
    params(("id" = i32, Path, description = "Project id"), ("item" = i32, Path, description = "The cost"),
        ("If-Match" = String, Header, description = "The ETag the client read")),
    responses((status = 204, description = "Removed"),
        (status = 403, body = ProblemDoc, content_type = "application/problem+json"),
        (status = 404, body = ProblemDoc, content_type = "application/problem+json"),
        (status = 409, body = ProblemDoc, content_type = "application/problem+json"),
        (status = 412, body = ProblemDoc, content_type = "application/problem+json"),
        (status = 428, body = ProblemDoc, content_type = "application/problem+json")),
    security(("token" = []), ("session" = [])))]
pub async fn delete_cost(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, key)): Path<(i32, i32)>,
    headers: HeaderMap,
) -> ApiResult<Response> {
    super::write::delete::<EvaluationCost>(&state, &ctx, id, key, &headers).await
}

// ---- Deliverables: notes and the workflow ----

/// The deliverable page's notes form.
#[derive(Clone, Debug, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct NotesBody {
    pub notes: String,
}

/// Save the deliverable's working notes (only while draft or returned), at the version
/// `If-Match` names.
#[utoipa::path(patch, path = "/api/v1/projects/{id}/deliverables/{did}", tag = "work",
    params(("id" = i32, Path, description = "Project id"), ("did" = i32, Path, description = "Deliverable id"),
        ("If-Match" = String, Header, description = "The ETag the client read")),
    request_body = NotesBody,
    responses((status = 200, body = Deliverable, headers(("ETag" = String))),
        (status = 400, body = ProblemDoc, content_type = "application/problem+json"),
        (status = 403, body = ProblemDoc, content_type = "application/problem+json"),
        (status = 404, body = ProblemDoc, content_type = "application/problem+json"),
        (status = 409, body = ProblemDoc, content_type = "application/problem+json"),
        (status = 412, body = ProblemDoc, content_type = "application/problem+json"),
        (status = 422, body = ProblemDoc, content_type = "application/problem+json"),
        (status = 428, body = ProblemDoc, content_type = "application/problem+json")),
    security(("token" = []), ("session" = [])))]
pub async fn save_notes(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, did)): Path<(i32, i32)>,
    headers: HeaderMap,
    body: Bytes,
) -> ApiResult<Response> {
    let (actor, a) = authorize(&state, &ctx, id, Action::Contribute).await?;
    let cur = load_deliverable(&state, a.project.id, did).await?;
    let version = if_match(&headers, "deliverable", cur.id, cur.version)?;
    let b: NotesBody = read(&body, None)?;
    work::save_notes(&state.db, actor, a.project.id, did, version, &b.notes).await?;
    let r = load_deliverable(&state, a.project.id, did).await?;
    Ok(tagged(StatusCode::OK, etag("deliverable", r.id, r.version), &r))
}

/// A workflow step of the deliverable page.
#[derive(Clone, Debug, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct TransitionBody {
    /// `submit` (draft or returned → submitted; who may contribute), `accept` (submitted →
    /// accepted) or `return` (submitted or accepted → returned, with a comment; both for who
    /// may review deliverables).
    pub action: String,
    /// The reviewer's comment (required to return; kept in the deliverable's thread).
    pub comment: String,
}

/// Move a deliverable through its workflow as its page does, at the version `If-Match` names:
/// the same policy per step, the same rules (a step not allowed from the status is 422), the
/// same notifications, webhooks and audit.
#[utoipa::path(post, path = "/api/v1/projects/{id}/deliverables/{did}/transition", tag = "work",
    params(("id" = i32, Path, description = "Project id"), ("did" = i32, Path, description = "Deliverable id"),
        ("If-Match" = String, Header, description = "The ETag the client read")),
    request_body = TransitionBody,
    responses((status = 200, body = Deliverable, headers(("ETag" = String))),
        (status = 400, body = ProblemDoc, content_type = "application/problem+json"),
        (status = 403, body = ProblemDoc, content_type = "application/problem+json"),
        (status = 404, body = ProblemDoc, content_type = "application/problem+json"),
        (status = 409, body = ProblemDoc, content_type = "application/problem+json"),
        (status = 412, body = ProblemDoc, content_type = "application/problem+json"),
        (status = 422, body = ProblemDoc, content_type = "application/problem+json"),
        (status = 428, body = ProblemDoc, content_type = "application/problem+json")),
    security(("token" = []), ("session" = [])))]
pub async fn transition(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, did)): Path<(i32, i32)>,
    headers: HeaderMap,
    body: Bytes,
) -> ApiResult<Response> {
    use crate::domain::workflow::Transition;
    // Outsiders learn nothing (404) before the body is looked at.
    authorize(&state, &ctx, id, Action::View).await?;
    let b: TransitionBody = read(&body, None)?;
    let t = Transition::parse(b.action.trim())
        .ok_or_else(|| Problem::field(StatusCode::UNPROCESSABLE_ENTITY, "action", "err.choose_from_list"))?;
    let action = if t == Transition::Submit { Action::Contribute } else { Action::ReviewDeliverable };
    let (actor, a) = authorize(&state, &ctx, id, action).await?;
    let cur = load_deliverable(&state, a.project.id, did).await?;
    let version = if_match(&headers, "deliverable", cur.id, cur.version)?;
    work::transition(&state.db, actor, a.project.id, did, version, t, &b.comment).await?;
    let r = load_deliverable(&state, a.project.id, did).await?;
    Ok(tagged(StatusCode::OK, etag("deliverable", r.id, r.version), &r))
}

// ---- Training: invitations and attendance (the session page's list) ----

/// An invitee of a training session, with the attendance the session page records.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct Attendee {
    /// The invitation's id (`…/attendance/{aid}`).
    pub id: i32,
    pub version: i32,
    pub person_id: i32,
    pub person_name: String,
    pub attended: bool,
    /// The assessment score, 0–100, when recorded.
    pub score: Option<i32>,
}

/// A session's invitees in the page's order.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct Attendance {
    pub session_id: i32,
    pub invited: usize,
    pub attended: usize,
    pub items: Vec<Attendee>,
}

async fn attendance_of(state: &AppState, p: &project::Model, sid: i32) -> ApiResult<Attendance> {
    let v = training::session_view(&state.db.conn, p, sid).await?;
    let items: Vec<Attendee> = v
        .invitees
        .into_iter()
        .map(|x| Attendee {
            id: x.a.id,
            version: x.a.version,
            person_id: x.a.person_id,
            person_name: x.person.name,
            attended: x.a.attended,
            score: x.a.score,
        })
        .collect();
    Ok(Attendance {
        session_id: sid,
        invited: items.len(),
        attended: items.iter().filter(|a| a.attended).count(),
        items,
    })
}

async fn attendee(state: &AppState, p: &project::Model, sid: i32, aid: i32) -> ApiResult<Attendee> {
    attendance_of(state, p, sid)
        .await?
        .items
        .into_iter()
        .find(|a| a.id == aid)
        .ok_or_else(|| Problem::new(StatusCode::NOT_FOUND, "err.not_found"))
}

/// The session's invitees and their attendance, as its page lists them.
#[utoipa::path(get, path = "/api/v1/projects/{id}/training-sessions/{item}/attendance", tag = "training",
    params(("id" = i32, Path, description = "Project id"), ("item" = i32, Path, description = "The session")),
    responses((status = 200, body = Attendance),
        (status = 404, body = ProblemDoc, content_type = "application/problem+json")),
    security(("token" = []), ("session" = [])))]
pub async fn attendance(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, sid)): Path<(i32, i32)>,
) -> ApiResult<axum::Json<Attendance>> {
    let (_, a) = authorize(&state, &ctx, id, Action::View).await?;
    Ok(axum::Json(attendance_of(&state, &a.project, sid).await?))
}

/// One invitee, with its `ETag`.
#[utoipa::path(get, path = "/api/v1/projects/{id}/training-sessions/{item}/attendance/{aid}", tag = "training",
    params(("id" = i32, Path, description = "Project id"), ("item" = i32, Path, description = "The session"),
        ("aid" = i32, Path, description = "The invitation")),
    responses((status = 200, body = Attendee, headers(("ETag" = String))),
        (status = 404, body = ProblemDoc, content_type = "application/problem+json")),
    security(("token" = []), ("session" = [])))]
pub async fn attendee_one(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, sid, aid)): Path<(i32, i32, i32)>,
) -> ApiResult<Response> {
    let (_, a) = authorize(&state, &ctx, id, Action::View).await?;
    let r = attendee(&state, &a.project, sid, aid).await?;
    Ok(tagged(StatusCode::OK, etag("attendance", r.id, r.version), &r))
}

/// People to invite (the session page's invitation form).
#[derive(Clone, Debug, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct InviteBody {
    /// The people's ids: an array (`[12, 14]`) or comma-separated (`"12,14"`). People already
    /// invited are left as they are.
    pub person_id: Vec<String>,
}

/// Invite people of the project to the session; answers the invitees after.
#[utoipa::path(post, path = "/api/v1/projects/{id}/training-sessions/{item}/attendance", tag = "training",
    params(("id" = i32, Path, description = "Project id"), ("item" = i32, Path, description = "The session")),
    request_body = InviteBody,
    responses((status = 200, body = Attendance),
        (status = 400, body = ProblemDoc, content_type = "application/problem+json"),
        (status = 403, body = ProblemDoc, content_type = "application/problem+json"),
        (status = 404, body = ProblemDoc, content_type = "application/problem+json"),
        (status = 422, body = ProblemDoc, content_type = "application/problem+json")),
    security(("token" = []), ("session" = [])))]
pub async fn invite(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, sid)): Path<(i32, i32)>,
    body: Bytes,
) -> ApiResult<axum::Json<Attendance>> {
    let (actor, a) = authorize(&state, &ctx, id, Action::Contribute).await?;
    let b: InviteBody = read(&body, None)?;
    training::invite(&state.db, actor, a.project.id, sid, &b.person_id).await?;
    Ok(axum::Json(attendance_of(&state, &a.project, sid).await?))
}

/// An invitee's attendance (the session page's row form).
#[derive(Clone, Debug, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct AttendanceBody {
    #[serde(deserialize_with = "crate::domain::validation::checkbox")]
    pub attended: bool,
    /// 0–100, or empty for none.
    pub score: String,
}

/// Record whether an invitee attended and their score, at the version `If-Match` names.
#[utoipa::path(patch, path = "/api/v1/projects/{id}/training-sessions/{item}/attendance/{aid}", tag = "training",
    params(("id" = i32, Path, description = "Project id"), ("item" = i32, Path, description = "The session"),
        ("aid" = i32, Path, description = "The invitation"),
        ("If-Match" = String, Header, description = "The ETag the client read (`\"attendance-{aid}-{version}\"`)")),
    request_body = AttendanceBody,
    responses((status = 200, body = Attendee, headers(("ETag" = String))),
        (status = 400, body = ProblemDoc, content_type = "application/problem+json"),
        (status = 403, body = ProblemDoc, content_type = "application/problem+json"),
        (status = 404, body = ProblemDoc, content_type = "application/problem+json"),
        (status = 409, body = ProblemDoc, content_type = "application/problem+json"),
        (status = 412, body = ProblemDoc, content_type = "application/problem+json"),
        (status = 422, body = ProblemDoc, content_type = "application/problem+json"),
        (status = 428, body = ProblemDoc, content_type = "application/problem+json")),
    security(("token" = []), ("session" = [])))]
pub async fn record_attendance(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, sid, aid)): Path<(i32, i32, i32)>,
    headers: HeaderMap,
    body: Bytes,
) -> ApiResult<Response> {
    let (actor, a) = authorize(&state, &ctx, id, Action::Contribute).await?;
    let cur = attendee(&state, &a.project, sid, aid).await?;
    let version = if_match(&headers, "attendance", cur.id, cur.version)?;
    let base = AttendanceBody { attended: cur.attended, score: cur.score.map(|s| s.to_string()).unwrap_or_default() };
    let b: AttendanceBody = read(&body, Some(&base))?;
    training::record_attendance(&state.db, actor, a.project.id, aid, version, b.attended, &b.score).await?;
    let r = attendee(&state, &a.project, sid, aid).await?;
    Ok(tagged(StatusCode::OK, etag("attendance", r.id, r.version), &r))
}

/// Take an invitee off the session (`If-Match` required); 204.
#[utoipa::path(delete, path = "/api/v1/projects/{id}/training-sessions/{item}/attendance/{aid}", tag = "training",
    params(("id" = i32, Path, description = "Project id"), ("item" = i32, Path, description = "The session"),
        ("aid" = i32, Path, description = "The invitation"),
        ("If-Match" = String, Header, description = "The ETag the client read")),
    responses((status = 204, description = "Removed"),
        (status = 403, body = ProblemDoc, content_type = "application/problem+json"),
        (status = 404, body = ProblemDoc, content_type = "application/problem+json"),
        (status = 412, body = ProblemDoc, content_type = "application/problem+json"),
        (status = 428, body = ProblemDoc, content_type = "application/problem+json")),
    security(("token" = []), ("session" = [])))]
pub async fn uninvite(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, sid, aid)): Path<(i32, i32, i32)>,
    headers: HeaderMap,
) -> ApiResult<Response> {
    let (actor, a) = authorize(&state, &ctx, id, Action::Contribute).await?;
    let cur = attendee(&state, &a.project, sid, aid).await?;
    if_match(&headers, "attendance", cur.id, cur.version)?;
    training::uninvite(&state.db, actor, a.project.id, aid).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}
