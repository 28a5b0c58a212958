//! Budget, timesheets and My work as JSON: the same views the pages render.
use crate::AppState;
use crate::domain::policy::Action;
use crate::error::{AppError, AppResult};
use crate::service::{budget, clock, my_work, timesheets};
use crate::web::context::Ctx;
use crate::web::projects::authorize;
use axum::extract::{Path, Query, State};
use axum::routing::get;
use axum::{Json, Router};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/projects/{id}/budget", get(control))
        .route("/api/v1/projects/{id}/timesheet", get(week))
        .route("/api/v1/my-work", get(mine))
}

/// The Budget page's control view: figures per phase and category, commitments, invoices,
/// rates, earned value and the S-curve.
#[utoipa::path(get, path = "/api/v1/projects/{id}/budget", tag = "budget",
    params(("id" = i32, Path, description = "Project id")),
    responses((status = 200, body = budget::Control),
        (status = 404, body = crate::api::v1::problem::ProblemDoc, content_type = "application/problem+json")),
    security(("token" = []), ("session" = [])))]
pub async fn control(State(state): State<AppState>, ctx: Ctx, Path(id): Path<i32>) -> AppResult<Json<budget::Control>> {
    let (_, a) = authorize(&state, &ctx, id, Action::View).await?;
    Ok(Json(budget::control(&state.db.conn, &a.project, ctx.lang).await?))
}

#[derive(serde::Deserialize, Default, utoipa::IntoParams)]
#[serde(default)]
#[into_params(parameter_in = Query)]
pub struct WeekQuery {
    /// A day of the week to show (`YYYY-MM-DD`; the project's today when not given).
    week: Option<chrono::NaiveDate>,
    /// Whose week (a user id; anyone's only for the director): one's own when not given.
    user: Option<i32>,
}

/// A timesheet week as its page shows it: one's own week, or (for the director) anyone's
/// (403 for someone else's otherwise).
#[utoipa::path(get, path = "/api/v1/projects/{id}/timesheet", tag = "budget",
    params(("id" = i32, Path, description = "Project id"), WeekQuery),
    responses((status = 200, body = timesheets::Week),
        (status = 403, body = crate::api::v1::problem::ProblemDoc, content_type = "application/problem+json"),
        (status = 404, body = crate::api::v1::problem::ProblemDoc, content_type = "application/problem+json")),
    security(("token" = []), ("session" = [])))]
pub async fn week(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i32>,
    Query(q): Query<WeekQuery>,
) -> AppResult<Json<timesheets::Week>> {
    let (actor, a) = authorize(&state, &ctx, id, Action::View).await?;
    let approves = crate::web::budget::approver(&state, &a, actor).await?;
    let user = match q.user {
        Some(u) if u != actor.user_id && !approves => return Err(AppError::Forbidden),
        Some(u) => u,
        None => actor.user_id,
    };
    let day = q.week.unwrap_or_else(|| clock::today(&a.project));
    Ok(Json(timesheets::week(&state.db.conn, &a.project, user, day, ctx.lang).await?))
}

/// The My work page's view: the caller's open work across their projects, by when it is due.
#[utoipa::path(get, path = "/api/v1/my-work", tag = "projects",
    responses((status = 200, body = my_work::MyWork)),
    security(("token" = []), ("session" = [])))]
pub async fn mine(State(state): State<AppState>, ctx: Ctx) -> AppResult<Json<my_work::MyWork>> {
    let user = ctx.user()?;
    Ok(Json(my_work::my_work(&state.db.conn, user.id, ctx.lang).await?))
}
