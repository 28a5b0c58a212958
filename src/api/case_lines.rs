//! Business-case lines through the API: `POST /api/v1/projects/{id}/business-case/costs` and
//! `/benefits` take the form's fields as JSON (a yearly grid as `grid_start`, `grid_end` and
//! `grid`, amounts separated by new lines or semicolons) and go through the same validation
//! and service as the forms; refused input names the field, in the caller's language.
use super::v1::problem::{ApiResult, Problem, ProblemDoc};
use crate::AppState;
use crate::domain::business_case::{RawBenefit, RawCost};
use crate::domain::policy::Action;
use crate::service::business_case as svc;
use crate::web::context::Ctx;
use crate::web::projects::authorize;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::post;
use axum::{Json, Router};

/// The body as the form's fields, read after the caller is known (so no credentials is 401
/// whatever the body); a body that is not such JSON is 400, as the JSON extractor's was.
fn parse<T: serde::de::DeserializeOwned>(body: &Bytes) -> ApiResult<T> {
    serde_json::from_slice(body).map_err(|_| Problem::new(StatusCode::BAD_REQUEST, "err.bad_request"))
}

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
        (status = 400, body = ProblemDoc, content_type = "application/problem+json"),
        (status = 404, body = ProblemDoc, content_type = "application/problem+json"),
        (status = 422, body = ProblemDoc, content_type = "application/problem+json")),
    security(("token" = []), ("session" = [])))]
pub async fn add_cost(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i32>,
    body: Bytes,
) -> ApiResult<(StatusCode, Json<crate::entity::bc_cost::Model>)> {
    let (actor, _) = authorize(&state, &ctx, id, Action::EditBusinessCase).await?;
    let raw: RawCost = parse(&body)?;
    Ok((StatusCode::CREATED, Json(svc::add_cost(&state.db, actor, id, &raw).await?)))
}

/// A benefit line added to the business case, validated as the form validates it.
#[utoipa::path(post, path = "/api/v1/projects/{id}/business-case/benefits", tag = "business_case",
    params(("id" = i32, Path, description = "Project id")),
    request_body = RawBenefit,
    responses((status = 201, body = crate::entity::bc_benefit::Model),
        (status = 400, body = ProblemDoc, content_type = "application/problem+json"),
        (status = 404, body = ProblemDoc, content_type = "application/problem+json"),
        (status = 422, body = ProblemDoc, content_type = "application/problem+json")),
    security(("token" = []), ("session" = [])))]
pub async fn add_benefit(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i32>,
    body: Bytes,
) -> ApiResult<(StatusCode, Json<crate::entity::bc_benefit::Model>)> {
    let (actor, _) = authorize(&state, &ctx, id, Action::EditBusinessCase).await?;
    let raw: RawBenefit = parse(&body)?;
    Ok((StatusCode::CREATED, Json(svc::add_benefit(&state.db, actor, id, &raw).await?)))
}
