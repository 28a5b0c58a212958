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

/// `GET /api/v1/projects/{id}/cutover`: the runbook page's view (plan, critical path,
/// rehearsals, live state).
async fn runbook(State(state): State<AppState>, ctx: Ctx, Path(id): Path<i32>) -> AppResult<Json<golive::Runbook>> {
    let (_, a) = authorize(&state, &ctx, id, Action::View).await?;
    Ok(Json(golive::runbook(&state.db.conn, &a.project).await?))
}

/// `GET /api/v1/projects/{id}/hypercare`: the hypercare page's view (issues with their
/// service levels, daily counts, exit criteria).
async fn log(State(state): State<AppState>, ctx: Ctx, Path(id): Path<i32>) -> AppResult<Json<hypercare::Log>> {
    let (_, a) = authorize(&state, &ctx, id, Action::View).await?;
    Ok(Json(hypercare::log(&state.db.conn, &a.project, ctx.lang).await?))
}
