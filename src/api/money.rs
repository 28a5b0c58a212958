//! The business case and training views as JSON.
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
        .route("/api/v1/projects/{id}/business-case", get(business_case))
        .route("/api/v1/projects/{id}/training", get(training))
}

#[derive(serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ScenarioQuery {
    /// The scenario to show (an id; the case's base scenario when not given).
    scenario: Option<i32>,
}

/// The business case page's view (404 when the project has no case yet).
#[utoipa::path(get, path = "/api/v1/projects/{id}/business-case", tag = "business_case",
    params(("id" = i32, Path, description = "Project id"), ScenarioQuery),
    responses((status = 200, body = crate::service::business_case::CaseView),
        (status = 404, body = crate::api::v1::problem::ProblemDoc, content_type = "application/problem+json")),
    security(("token" = []), ("session" = [])))]
pub async fn business_case(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i32>,
    axum::extract::Query(q): axum::extract::Query<ScenarioQuery>,
) -> AppResult<Json<crate::service::business_case::CaseView>> {
    let (_, a) = authorize(&state, &ctx, id, Action::View).await?;
    let today = crate::service::clock::today(&a.project);
    crate::service::business_case::view(&state.db.conn, &a.project, q.scenario, today)
        .await?
        .map(Json)
        .ok_or(crate::error::AppError::NotFound)
}

/// The training page's view: sessions, coverage, attendance and the training budget.
#[utoipa::path(get, path = "/api/v1/projects/{id}/training", tag = "training",
    params(("id" = i32, Path, description = "Project id")),
    responses((status = 200, body = crate::service::training::TrainingView),
        (status = 404, body = crate::api::v1::problem::ProblemDoc, content_type = "application/problem+json")),
    security(("token" = []), ("session" = [])))]
pub async fn training(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i32>,
) -> AppResult<Json<crate::service::training::TrainingView>> {
    let (_, a) = authorize(&state, &ctx, id, Action::View).await?;
    Ok(Json(crate::service::training::view(&state.db.conn, &a.project).await?))
}
