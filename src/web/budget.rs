//! Budget and effort: the budget page (control figures, earned value, S-curve, budget lines,
//! commitments, invoices, rates), the weekly timesheet, assignments, My work, CSV exports.
use super::context::Ctx;
use super::form::{Feedback, FormData};
use super::projects::{authorize, can, error_map};
use super::render::{page, ser};
use crate::AppState;
use crate::domain::policy::{Action, allows};
use crate::error::{AppError, AppResult};
use crate::service::{self, budget, my_work, timesheets};
use axum::extract::{Path, Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::NaiveDate;
use minijinja::{Value, context};

/// Which form of the budget page a post came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Form {
    Line,
    Commitment,
    Invoice,
    Rate,
    Seed,
}

impl Form {
    fn name(self) -> &'static str {
        match self {
            Form::Line => "line",
            Form::Commitment => "commitment",
            Form::Invoice => "invoice",
            Form::Rate => "rate",
            Form::Seed => "seed",
        }
    }
}

pub async fn index(State(state): State<AppState>, ctx: Ctx, Path(id): Path<i32>) -> AppResult<Response> {
    let (_, a) = authorize(&state, &ctx, id, Action::View).await?;
    budget_page(&state, &ctx, &a, Feedback::none(), None, &FormData::default()).await
}

async fn budget_page(
    state: &AppState,
    ctx: &Ctx,
    a: &service::access::Access,
    fb: Feedback,
    failed: Option<Form>,
    form: &FormData,
) -> AppResult<Response> {
    let v = budget::control(&state.db.conn, &a.project, ctx.lang).await?;
    let phases = budget::phase_list(&state.db.conn, a.project.id).await?;
    let members = service::projects::members(&state.db.conn, a.project.id).await?;
    let chart = Value::from_safe_string(v.chart.to_svg(900.0, 320.0));
    let fields: std::collections::BTreeMap<&str, &str> = form.0.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let data = context! {
        project => ser(&a.project),
        v => ser(&v),
        chart,
        phases => ser(&phases),
        members => ser(&members),
        categories => ser(&budget::CATEGORIES),
        roles => ser(&["director", "consultant", "steering", "member", "viewer"]),
        can => can(a.role),
        manage => allows(a.role, Action::ManageBudget),
        errors => error_map(&fb.errors),
        error => fb.error,
        failed => failed.map(Form::name),
        form => ser(&fields),
    };
    Ok((fb.status, page(state, ctx, "budget/index.html", data)).into_response())
}

/// Every budget-page form: authorise (the director manages the budget), validate in the
/// service, and show the page again with the messages by field when refused.
pub async fn budget_post(state: AppState, ctx: Ctx, id: i32, which: Form, form: FormData) -> AppResult<Response> {
    let (actor, a) = authorize(&state, &ctx, id, Action::ManageBudget).await?;
    let db = &state.db;
    let p = &a.project;
    let result = match which {
        Form::Line => budget::add_line(db, actor, p, &form.typed()?).await.map(|_| ()),
        Form::Commitment => budget::add_commitment(db, actor, p, &form.typed()?).await.map(|_| ()),
        Form::Invoice => budget::add_invoice(db, actor, p, &form.typed()?).await.map(|_| ()),
        Form::Rate => budget::add_rate(db, actor, p, &form.typed()?).await.map(|_| ()),
        Form::Seed => budget::seed_from_case(db, actor, id).await.map(|_| ()),
    };
    match result {
        Ok(()) => Ok(Redirect::to(&format!("/projects/{id}/budget#{}", which.name())).into_response()),
        Err(e) => budget_page(&state, &ctx, &a, Feedback::from_service(e)?, Some(which), &form).await,
    }
}

/// Change a budget line's amount (version-checked).
pub async fn set_line(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, lid)): Path<(i32, i32)>,
    form: FormData,
) -> AppResult<Response> {
    let (actor, a) = authorize(&state, &ctx, id, Action::ManageBudget).await?;
    let version = form.version()?;
    match budget::set_line_amount(&state.db, actor, &a.project, lid, version, form.get("amount")).await {
        Ok(_) => Ok(Redirect::to(&format!("/projects/{id}/budget#lines")).into_response()),
        Err(e) => budget_page(&state, &ctx, &a, Feedback::from_service(e)?, Some(Form::Line), &form).await,
    }
}

fn csv_response(name: &str, body: String) -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
            (header::CONTENT_DISPOSITION, format!("attachment; filename=\"{name}\"")),
        ],
        // A byte-order mark so spreadsheet programs read the Chinese as UTF-8.
        format!("\u{feff}{body}"),
    )
        .into_response()
}

/// `GET /projects/{id}/budget/costs.csv`: the control figures by phase and category.
pub async fn costs_csv(State(state): State<AppState>, ctx: Ctx, Path(id): Path<i32>) -> AppResult<Response> {
    let (_, a) = authorize(&state, &ctx, id, Action::View).await?;
    let v = budget::control(&state.db.conn, &a.project, ctx.lang).await?;
    let t = |k: &str| crate::i18n::t(ctx.lang, k);
    let m = |x: i64| crate::domain::money::decimal(x, &v.currency);
    let head = [
        "budget.row",
        "budget.budget",
        "budget.committed",
        "budget.invoiced",
        "budget.labour",
        "budget.actual",
        "budget.forecast",
        "budget.variance",
    ];
    let mut out = head.iter().map(|k| timesheets::csv_cell(&t(k))).collect::<Vec<_>>().join(",");
    out.push_str("\r\n");
    for r in v.by_phase.iter().chain(v.by_category.iter()).chain(std::iter::once(&v.total)) {
        out.push_str(&format!(
            "{},{},{},{},{},{},{},{}\r\n",
            timesheets::csv_cell(&r.label),
            m(r.budget),
            m(r.committed),
            m(r.invoiced),
            m(r.labour),
            m(r.actual),
            m(r.forecast),
            m(r.variance)
        ));
    }
    Ok(csv_response("costs.csv", out))
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub struct WeekQuery {
    pub week: Option<String>,
    pub user: Option<i32>,
}

impl WeekQuery {
    fn day(&self, today: NaiveDate) -> NaiveDate {
        self.week.as_deref().and_then(|w| w.parse().ok()).unwrap_or(today)
    }
}

/// Whether the signed-in user approves timesheets in the project: the director, or a
/// delegate the director named (while they still have a working role in the project).
pub async fn approver(state: &AppState, a: &service::access::Access, actor: service::Actor) -> AppResult<bool> {
    if allows(a.role, Action::ApproveTime) {
        return Ok(true);
    }
    Ok(allows(a.role, Action::Comment) && my_work::is_delegate(&state.db.conn, a.project.id, actor.user_id).await?)
}

/// Whose week the page shows: one's own, or (for an approver) anyone's.
fn whose(approves: bool, actor: service::Actor, asked: Option<i32>) -> AppResult<i32> {
    match asked {
        Some(u) if u != actor.user_id => {
            if approves {
                Ok(u)
            } else {
                Err(AppError::Forbidden)
            }
        }
        _ => Ok(actor.user_id),
    }
}

pub async fn timesheet(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i32>,
    Query(q): Query<WeekQuery>,
) -> AppResult<Response> {
    let (actor, a) = authorize(&state, &ctx, id, Action::View).await?;
    let user = whose(approver(&state, &a, actor).await?, actor, q.user)?;
    let day = q.day(service::clock::today(&a.project));
    timesheet_page(&state, &ctx, &a, actor, user, day, Feedback::none(), &FormData::default()).await
}

#[allow(clippy::too_many_arguments)]
async fn timesheet_page(
    state: &AppState,
    ctx: &Ctx,
    a: &service::access::Access,
    actor: service::Actor,
    user: i32,
    day: NaiveDate,
    fb: Feedback,
    form: &FormData,
) -> AppResult<Response> {
    let w = timesheets::week(&state.db.conn, &a.project, user, day, ctx.lang).await?;
    let typed: std::collections::BTreeMap<&str, &str> = form.0.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let approves = approver(state, a, actor).await?;
    let director = allows(a.role, Action::ApproveTime);
    // A delegate approves the others' weeks, not their own.
    let pending: Vec<timesheets::Pending> = if approves {
        timesheets::pending(&state.db.conn, &[a.project.id])
            .await?
            .into_iter()
            .map(|(_, p)| p)
            .filter(|p| director || p.user_id != actor.user_id)
            .collect()
    } else {
        vec![]
    };
    let delegates = timesheets::approvers(&state.db.conn, &a.project).await?;
    let data = context! {
        project => ser(&a.project),
        w => ser(&w),
        own => user == actor.user_id,
        log => allows(a.role, Action::LogTime) && user == actor.user_id,
        approve => approves && (director || user != actor.user_id),
        approves,
        director,
        pending => ser(&pending),
        delegates => ser(&delegates),
        can => can(a.role),
        errors => error_map(&fb.errors),
        error => fb.error,
        typed => ser(&typed),
    };
    Ok((fb.status, page(state, ctx, "budget/timesheet.html", data)).into_response())
}

/// Save one's own week. A `user` naming someone else is refused: hours are logged by the
/// person who worked them.
pub async fn save_timesheet(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i32>,
    form: FormData,
) -> AppResult<Response> {
    let (actor, a) = authorize(&state, &ctx, id, Action::LogTime).await?;
    if form.get("user").trim().parse::<i32>().is_ok_and(|u| u != actor.user_id) {
        return Err(AppError::Forbidden);
    }
    let day: NaiveDate = form.get("week").parse().map_err(|_| AppError::BadRequest)?;
    let action = form.get("action");
    let saved = timesheets::save_week(&state.db, actor, &a.project, day, &form.0).await;
    let result = match saved {
        Ok(_) if action == "submit" => timesheets::submit(&state.db, actor, id, day).await.map(|_| ()),
        other => other.map(|_| ()),
    };
    match result {
        Ok(()) => Ok(Redirect::to(&format!("/projects/{id}/timesheet?week={day}")).into_response()),
        Err(e) => {
            let fb = Feedback::from_service(e)?;
            timesheet_page(&state, &ctx, &a, actor, actor.user_id, day, fb, &form).await
        }
    }
}

/// Approve or return a person's submitted week: the director's.
pub async fn decide_timesheet(
    state: AppState,
    ctx: Ctx,
    id: i32,
    approve: bool,
    form: FormData,
) -> AppResult<Response> {
    let (actor, a) = authorize(&state, &ctx, id, Action::View).await?;
    let user: i32 = form.get("user").trim().parse().map_err(|_| AppError::BadRequest)?;
    let day: NaiveDate = form.get("week").parse().map_err(|_| AppError::BadRequest)?;
    // The director, or a delegate for someone else's week.
    let director = allows(a.role, Action::ApproveTime);
    if !approver(&state, &a, actor).await? || (!director && user == actor.user_id) {
        return Err(AppError::Forbidden);
    }
    let r = if approve {
        timesheets::approve(&state.db, actor, id, user, day).await
    } else {
        timesheets::reject(&state.db, actor, id, user, day).await
    };
    match r {
        Ok(_) => Ok(Redirect::to(&format!("/projects/{id}/timesheet?user={user}&week={day}")).into_response()),
        Err(e) => {
            let fb = Feedback::from_service(e)?;
            timesheet_page(&state, &ctx, &a, actor, user, day, fb, &FormData::default()).await
        }
    }
}

/// Name a timesheet approver beside the director (the director's).
pub async fn add_delegate(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i32>,
    form: FormData,
) -> AppResult<Response> {
    let (actor, a) = authorize(&state, &ctx, id, Action::ApproveTime).await?;
    match my_work::add_delegate(&state.db, actor, &a.project, form.get("delegate")).await {
        Ok(_) => Ok(Redirect::to(&format!("/projects/{id}/timesheet#approvers")).into_response()),
        Err(e) => {
            let fb = Feedback::from_service(e)?;
            let day = service::clock::today(&a.project);
            timesheet_page(&state, &ctx, &a, actor, actor.user_id, day, fb, &form).await
        }
    }
}

/// Remove a delegated approver, or any assignment (version-checked, audited).
pub async fn unassign(
    state: AppState,
    ctx: Ctx,
    Path((id, aid)): Path<(i32, i32)>,
    delegate: bool,
    form: FormData,
) -> AppResult<Response> {
    let action = if delegate { Action::ApproveTime } else { Action::AssignWork };
    let (actor, a) = authorize(&state, &ctx, id, action).await?;
    let version = form.version()?;
    let row = crate::service::write::get::<crate::entity::assignment::Entity, _>(&state.db.conn, id, aid).await?;
    if (row.item_kind == my_work::APPROVER) != delegate {
        return Err(AppError::NotFound);
    }
    my_work::unassign(&state.db, actor, &a.project, aid, version).await?;
    let back = if delegate { "timesheet#approvers" } else { "assignments" };
    Ok(Redirect::to(&format!("/projects/{id}/{back}")).into_response())
}

async fn remove_delegate(
    State(state): State<AppState>,
    ctx: Ctx,
    path: Path<(i32, i32)>,
    form: FormData,
) -> AppResult<Response> {
    unassign(state, ctx, path, true, form).await
}

async fn remove_assignment(
    State(state): State<AppState>,
    ctx: Ctx,
    path: Path<(i32, i32)>,
    form: FormData,
) -> AppResult<Response> {
    unassign(state, ctx, path, false, form).await
}

/// `GET /projects/{id}/timesheet.csv`: every time entry of the project.
pub async fn timesheet_csv(State(state): State<AppState>, ctx: Ctx, Path(id): Path<i32>) -> AppResult<Response> {
    let (_, a) = authorize(&state, &ctx, id, Action::View).await?;
    Ok(csv_response("timesheets.csv", timesheets::csv(&state.db.conn, &a.project, ctx.lang).await?))
}

/// Name a person on an activity, deliverable or action; back to where the form was.
pub async fn assign(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i32>,
    form: FormData,
) -> AppResult<Response> {
    let (actor, a) = authorize(&state, &ctx, id, Action::AssignWork).await?;
    match my_work::assign(&state.db, actor, &a.project, &form.typed()?).await {
        Ok(_) => Ok(Redirect::to(&format!("/projects/{id}/assignments")).into_response()),
        Err(e) => assignments_page(&state, &ctx, &a, Feedback::from_service(e)?, &form).await,
    }
}

pub async fn assignments(State(state): State<AppState>, ctx: Ctx, Path(id): Path<i32>) -> AppResult<Response> {
    let (_, a) = authorize(&state, &ctx, id, Action::View).await?;
    assignments_page(&state, &ctx, &a, Feedback::none(), &FormData::default()).await
}

async fn assignments_page(
    state: &AppState,
    ctx: &Ctx,
    a: &service::access::Access,
    fb: Feedback,
    form: &FormData,
) -> AppResult<Response> {
    let v = my_work::assignments(&state.db.conn, &a.project, ctx.lang).await?;
    let members = service::projects::members(&state.db.conn, a.project.id).await?;
    let fields: std::collections::BTreeMap<&str, &str> = form.0.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let data = context! {
        project => ser(&a.project),
        v => ser(&v),
        members => ser(&members),
        can => can(a.role),
        assign => allows(a.role, Action::AssignWork),
        errors => error_map(&fb.errors),
        form => ser(&fields),
    };
    Ok((fb.status, page(state, ctx, "budget/assignments.html", data)).into_response())
}

/// `GET /my-work`: the signed-in user's work across their projects.
pub async fn my_work_page(State(state): State<AppState>, ctx: Ctx) -> AppResult<Response> {
    let user = ctx.user()?;
    let v = my_work::my_work(&state.db.conn, user.id, ctx.lang).await?;
    Ok(page(&state, &ctx, "budget/my_work.html", context! { v => ser(&v) }))
}

/// This area's pages and form posts.
pub fn routes() -> axum::Router<crate::AppState> {
    use super::form::form_route;
    use axum::routing::{get, post};
    axum::Router::new()
        .route("/projects/{id}/budget", get(index))
        .route("/projects/{id}/budget/lines", form_route(Form::Line, budget_post))
        .route("/projects/{id}/budget/lines/{lid}", post(set_line))
        .route("/projects/{id}/budget/seed", form_route(Form::Seed, budget_post))
        .route("/projects/{id}/budget/commitments", form_route(Form::Commitment, budget_post))
        .route("/projects/{id}/budget/invoices", form_route(Form::Invoice, budget_post))
        .route("/projects/{id}/budget/rates", form_route(Form::Rate, budget_post))
        .route("/projects/{id}/budget/costs.csv", get(costs_csv))
        .route("/projects/{id}/timesheet", get(timesheet).post(save_timesheet))
        .route("/projects/{id}/timesheet/approve", form_route(true, decide_timesheet))
        .route("/projects/{id}/timesheet/return", form_route(false, decide_timesheet))
        .route("/projects/{id}/timesheet.csv", get(timesheet_csv))
        .route("/projects/{id}/assignments", get(assignments).post(assign))
        .route("/projects/{id}/assignments/{aid}/delete", post(remove_assignment))
        .route("/projects/{id}/timesheet/delegates", post(add_delegate))
        .route("/projects/{id}/timesheet/delegates/{aid}/delete", post(remove_delegate))
        .route("/my-work", get(my_work_page))
}
