//! Targets, the risk register and steering reviews as JSON: each the view its page renders.
use crate::AppState;
use crate::domain::policy::Action;
use crate::error::AppResult;
use crate::service::targets;
use crate::web::context::Ctx;
use crate::web::projects::authorize;
use axum::extract::{Path, State};
use axum::routing::get;
use axum::{Json, Router};

/// Target, risk and review endpoints (the CRM's measurement push is in `push`).
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/projects/{id}/targets", get(list_targets))
        .route("/api/v1/projects/{id}/targets/{tid}", get(show_target))
        .route("/api/v1/projects/{id}/risks", get(risk_register))
        .route("/api/v1/projects/{id}/reviews", get(list_reviews))
        .route("/api/v1/projects/{id}/reviews/{rid}", get(show_review))
}

/// The Targets page's view: every target with its attainment, forecast and chart.
#[utoipa::path(get, path = "/api/v1/projects/{id}/targets", tag = "targets",
    params(("id" = i32, Path, description = "Project id")),
    responses((status = 200, body = targets::TargetsView),
        (status = 404, body = crate::api::v1::problem::ProblemDoc, content_type = "application/problem+json")),
    security(("token" = []), ("session" = [])))]
pub async fn list_targets(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i32>,
) -> AppResult<Json<targets::TargetsView>> {
    let (_, a) = authorize(&state, &ctx, id, Action::View).await?;
    Ok(Json(targets::page(&state.db.conn, &a.project, ctx.lang).await?))
}

/// A target as its page shows it: the definition, the measurements, attainment and the
/// forecast as printed, and the chart's model.
#[utoipa::path(get, path = "/api/v1/projects/{id}/targets/{tid}", tag = "targets",
    params(("id" = i32, Path, description = "Project id"), ("tid" = i32, Path, description = "Target id")),
    responses((status = 200, body = targets::TargetView),
        (status = 404, body = crate::api::v1::problem::ProblemDoc, content_type = "application/problem+json")),
    security(("token" = []), ("session" = [])))]
pub async fn show_target(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, tid)): Path<(i32, i32)>,
) -> crate::api::v1::problem::ApiResult<Json<targets::TargetView>> {
    let (_, a) = authorize(&state, &ctx, id, Action::View).await?;
    Ok(Json(targets::detail(&state.db.conn, &a.project, tid, ctx.lang).await?))
}

/// The Risks page's view (counts, top risks, heat map).
#[utoipa::path(get, path = "/api/v1/projects/{id}/risks", tag = "risks",
    params(("id" = i32, Path, description = "Project id")),
    responses((status = 200, body = crate::service::risks::Register),
        (status = 404, body = crate::api::v1::problem::ProblemDoc, content_type = "application/problem+json")),
    security(("token" = []), ("session" = [])))]
pub async fn risk_register(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i32>,
) -> AppResult<Json<crate::service::risks::Register>> {
    let (_, a) = authorize(&state, &ctx, id, Action::View).await?;
    Ok(Json(crate::service::risks::register(&state.db.conn, &a.project, ctx.lang).await?))
}

/// The steering reviews held and the open action items.
#[utoipa::path(get, path = "/api/v1/projects/{id}/reviews", tag = "reviews",
    params(("id" = i32, Path, description = "Project id")),
    responses((status = 200, body = crate::service::reviews::ReviewsView),
        (status = 404, body = crate::api::v1::problem::ProblemDoc, content_type = "application/problem+json")),
    security(("token" = []), ("session" = [])))]
pub async fn list_reviews(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i32>,
) -> AppResult<Json<crate::service::reviews::ReviewsView>> {
    let (_, a) = authorize(&state, &ctx, id, Action::View).await?;
    Ok(Json(crate::service::reviews::index(&state.db.conn, &a.project).await?))
}

/// A review deck: its frozen pack and its actions.
#[utoipa::path(get, path = "/api/v1/projects/{id}/reviews/{rid}", tag = "reviews",
    params(("id" = i32, Path, description = "Project id"), ("rid" = i32, Path, description = "Review id")),
    responses((status = 200, body = crate::service::reviews::Deck),
        (status = 404, body = crate::api::v1::problem::ProblemDoc, content_type = "application/problem+json")),
    security(("token" = []), ("session" = [])))]
pub async fn show_review(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, rid)): Path<(i32, i32)>,
) -> AppResult<Json<crate::service::reviews::Deck>> {
    let (_, a) = authorize(&state, &ctx, id, Action::View).await?;
    Ok(Json(crate::service::reviews::deck(&state.db.conn, a.project.id, rid).await?))
}
