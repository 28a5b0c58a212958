//! Business-case lines through the API: `POST /api/v1/projects/{id}/business-case/costs` and
//! `/benefits` take the form's fields as JSON (a yearly grid as `grid_start`, `grid_end` and
//! `grid`, amounts separated by new lines or semicolons) and go through the same validation
//! and service as the forms; refused input names the field, in the caller's language.
use super::v1::problem::ApiResult;
use crate::AppState;
use crate::domain::business_case::{RawBenefit, RawCost};
use crate::domain::policy::Action;
use crate::service::business_case as svc;
use crate::web::context::Ctx;
use crate::web::projects::authorize;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::post;
use axum::{Json, Router};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/projects/{id}/business-case/costs", post(add_cost))
        .route("/api/v1/projects/{id}/business-case/benefits", post(add_benefit))
}

/// A cost line added to the business case, validated as the form validates it.
#[utoipa::path(post, path = "/api/v1/projects/{id}/business-case/costs", tag = "business_case",
    params(("id" = i32, Path, description = "Project id")),
    request_body = RawCost,
    responses((status = 201, body = crate::entity::bc_cost::Model),
        (status = 404, body = crate::api::v1::problem::ProblemDoc, content_type = "application/problem+json"),
        (status = 422, body = crate::api::v1::problem::ProblemDoc, content_type = "application/problem+json")),
    security(("token" = []), ("session" = [])))]
pub async fn add_cost(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i32>,
    Json(raw): Json<RawCost>,
) -> ApiResult<(StatusCode, Json<crate::entity::bc_cost::Model>)> {
    let (actor, _) = authorize(&state, &ctx, id, Action::EditBusinessCase).await?;
    Ok((StatusCode::CREATED, Json(svc::add_cost(&state.db, actor, id, &raw).await?)))
}

/// A benefit line added to the business case, validated as the form validates it.
#[utoipa::path(post, path = "/api/v1/projects/{id}/business-case/benefits", tag = "business_case",
    params(("id" = i32, Path, description = "Project id")),
    request_body = RawBenefit,
    responses((status = 201, body = crate::entity::bc_benefit::Model),
        (status = 404, body = crate::api::v1::problem::ProblemDoc, content_type = "application/problem+json"),
        (status = 422, body = crate::api::v1::problem::ProblemDoc, content_type = "application/problem+json")),
    security(("token" = []), ("session" = [])))]
pub async fn add_benefit(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i32>,
    Json(raw): Json<RawBenefit>,
) -> ApiResult<(StatusCode, Json<crate::entity::bc_benefit::Model>)> {
    let (actor, _) = authorize(&state, &ctx, id, Action::EditBusinessCase).await?;
    Ok((StatusCode::CREATED, Json(svc::add_benefit(&state.db, actor, id, &raw).await?)))
}
