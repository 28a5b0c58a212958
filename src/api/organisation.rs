//! The organisation, diagnosis and blueprint views as JSON.
use crate::AppState;
use crate::domain::policy::Action;
use crate::error::AppResult;
use crate::web::context::Ctx;
use crate::web::projects::authorize;
use axum::extract::{Path, State};
use axum::routing::get;
use axum::{Json, Router};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/projects/{id}/organisation", get(organisation_view))
        .route("/api/v1/projects/{id}/diagnosis", get(diagnosis_view))
        .route("/api/v1/projects/{id}/blueprint", get(blueprint_view))
}

/// Tiers, people, findings and the chart model, as the organisation page shows them (labels
/// in the reader's language).
#[utoipa::path(get, path = "/api/v1/projects/{id}/organisation", tag = "organisation",
    params(("id" = i32, Path, description = "Project id")),
    responses((status = 200, body = crate::service::organisation::OrgView),
        (status = 404, body = crate::api::v1::problem::ProblemDoc, content_type = "application/problem+json")),
    security(("token" = []), ("session" = [])))]
pub async fn organisation_view(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i32>,
) -> AppResult<Json<crate::service::organisation::OrgView>> {
    let (_, a) = authorize(&state, &ctx, id, Action::View).await?;
    Ok(Json(crate::service::organisation::view(&state.db.conn, &a.project, ctx.lang).await?))
}

/// The ranked processes, priority matrix, fishbones, environments and data quality, as the
/// diagnosis page shows them.
#[utoipa::path(get, path = "/api/v1/projects/{id}/diagnosis", tag = "design",
    params(("id" = i32, Path, description = "Project id")),
    responses((status = 200, body = crate::service::diagnosis::DiagnosisView),
        (status = 404, body = crate::api::v1::problem::ProblemDoc, content_type = "application/problem+json")),
    security(("token" = []), ("session" = [])))]
pub async fn diagnosis_view(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i32>,
) -> AppResult<Json<crate::service::diagnosis::DiagnosisView>> {
    let (_, a) = authorize(&state, &ctx, id, Action::View).await?;
    Ok(Json(crate::service::diagnosis::view(&state.db.conn, &a.project, ctx.lang).await?))
}

/// The blueprints and the process-to-module map, as the blueprint page shows them.
#[utoipa::path(get, path = "/api/v1/projects/{id}/blueprint", tag = "design",
    params(("id" = i32, Path, description = "Project id")),
    responses((status = 200, body = crate::service::blueprint::BlueprintView),
        (status = 404, body = crate::api::v1::problem::ProblemDoc, content_type = "application/problem+json")),
    security(("token" = []), ("session" = [])))]
pub async fn blueprint_view(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i32>,
) -> AppResult<Json<crate::service::blueprint::BlueprintView>> {
    let (_, a) = authorize(&state, &ctx, id, Action::View).await?;
    Ok(Json(crate::service::blueprint::view(&state.db.conn, a.project.id).await?))
}
