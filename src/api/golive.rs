//! The cutover runbook and the hypercare log as JSON: each the view its page renders.
use crate::AppState;
use crate::domain::policy::Action;
use crate::error::AppResult;
use crate::service::{golive, hypercare};
use crate::web::context::Ctx;
use crate::web::projects::authorize;
use axum::extract::{Path, State};
use axum::routing::get;
use axum::{Json, Router};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/projects/{id}/cutover", get(runbook))
        .route("/api/v1/projects/{id}/hypercare", get(log))
}

/// The cutover runbook page's view (plan, critical path, rehearsals, live state).
#[utoipa::path(get, path = "/api/v1/projects/{id}/cutover", tag = "golive",
    params(("id" = i32, Path, description = "Project id")),
    responses((status = 200, body = golive::Runbook),
        (status = 404, body = crate::api::v1::problem::ProblemDoc, content_type = "application/problem+json")),
    security(("token" = []), ("session" = [])))]
pub async fn runbook(State(state): State<AppState>, ctx: Ctx, Path(id): Path<i32>) -> AppResult<Json<golive::Runbook>> {
    let (_, a) = authorize(&state, &ctx, id, Action::View).await?;
    Ok(Json(golive::runbook(&state.db.conn, &a.project).await?))
}

/// The hypercare page's view (issues with their service levels, daily counts, exit criteria).
#[utoipa::path(get, path = "/api/v1/projects/{id}/hypercare", tag = "golive",
    params(("id" = i32, Path, description = "Project id")),
    responses((status = 200, body = hypercare::Log),
        (status = 404, body = crate::api::v1::problem::ProblemDoc, content_type = "application/problem+json")),
    security(("token" = []), ("session" = [])))]
pub async fn log(State(state): State<AppState>, ctx: Ctx, Path(id): Path<i32>) -> AppResult<Json<hypercare::Log>> {
    let (_, a) = authorize(&state, &ctx, id, Action::View).await?;
    Ok(Json(hypercare::log(&state.db.conn, &a.project, ctx.lang).await?))
}
