//! Testing, configuration and the issue and change log as JSON: each the view its page renders.
use crate::AppState;
use crate::domain::policy::Action;
use crate::error::AppResult;
use crate::service::{clock, configuration, raid, testing};
use crate::web::context::Ctx;
use crate::web::projects::authorize;
use axum::extract::{Path, State};
use axum::routing::get;
use axum::{Json, Router};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/projects/{id}/testing", get(overview))
        .route("/api/v1/projects/{id}/testing/cycles/{cyc}", get(cycle))
        .route("/api/v1/projects/{id}/testing/readiness", get(readiness))
        .route("/api/v1/projects/{id}/configuration", get(config))
        .route("/api/v1/projects/{id}/issues", get(log))
        .route("/api/v1/projects/{id}/rules", get(rules))
        .route("/api/v1/projects/{id}/conversion", get(conversion))
}

/// The Testing tab's view (cases, cycles with their exits, charts).
#[utoipa::path(get, path = "/api/v1/projects/{id}/testing", tag = "testing",
    params(("id" = i32, Path, description = "Project id")),
    responses((status = 200, body = testing::Overview),
        (status = 404, body = crate::api::v1::problem::ProblemDoc, content_type = "application/problem+json")),
    security(("token" = []), ("session" = [])))]
pub async fn overview(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i32>,
) -> AppResult<Json<testing::Overview>> {
    let (_, a) = authorize(&state, &ctx, id, Action::View).await?;
    Ok(Json(testing::overview(&state.db.conn, &a.project, ctx.lang).await?))
}

/// A test cycle's page view: its cases with their latest runs, defects and exit.
#[utoipa::path(get, path = "/api/v1/projects/{id}/testing/cycles/{cyc}", tag = "testing",
    params(("id" = i32, Path, description = "Project id"), ("cyc" = i32, Path, description = "Test cycle id")),
    responses((status = 200, body = testing::CycleView),
        (status = 404, body = crate::api::v1::problem::ProblemDoc, content_type = "application/problem+json")),
    security(("token" = []), ("session" = [])))]
pub async fn cycle(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, cyc)): Path<(i32, i32)>,
) -> AppResult<Json<testing::CycleView>> {
    authorize(&state, &ctx, id, Action::View).await?;
    Ok(Json(testing::cycle(&state.db.conn, id, cyc, ctx.lang).await?))
}

/// Per cycle, the pass rate and the open critical and major defects.
#[utoipa::path(get, path = "/api/v1/projects/{id}/testing/readiness", tag = "testing",
    params(("id" = i32, Path, description = "Project id")),
    responses((status = 200, body = Vec<testing::CycleReadiness>),
        (status = 404, body = crate::api::v1::problem::ProblemDoc, content_type = "application/problem+json")),
    security(("token" = []), ("session" = [])))]
pub async fn readiness(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i32>,
) -> AppResult<Json<Vec<testing::CycleReadiness>>> {
    authorize(&state, &ctx, id, Action::View).await?;
    Ok(Json(testing::readiness_inputs(&state.db.conn, id).await?))
}

/// The Configuration tab's view: configuration items by module, and interfaces.
#[utoipa::path(get, path = "/api/v1/projects/{id}/configuration", tag = "configuration",
    params(("id" = i32, Path, description = "Project id")),
    responses((status = 200, body = configuration::ConfigView),
        (status = 404, body = crate::api::v1::problem::ProblemDoc, content_type = "application/problem+json")),
    security(("token" = []), ("session" = [])))]
pub async fn config(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i32>,
) -> AppResult<Json<configuration::ConfigView>> {
    let (_, a) = authorize(&state, &ctx, id, Action::View).await?;
    Ok(Json(configuration::view(&state.db.conn, &a.project).await?))
}

/// The issue and change log, as its page shows it.
#[utoipa::path(get, path = "/api/v1/projects/{id}/issues", tag = "issues",
    params(("id" = i32, Path, description = "Project id")),
    responses((status = 200, body = raid::Log),
        (status = 404, body = crate::api::v1::problem::ProblemDoc, content_type = "application/problem+json")),
    security(("token" = []), ("session" = [])))]
pub async fn log(State(state): State<AppState>, ctx: Ctx, Path(id): Path<i32>) -> AppResult<Json<raid::Log>> {
    let (_, a) = authorize(&state, &ctx, id, Action::View).await?;
    Ok(Json(raid::log(&state.db.conn, &a.project, clock::today(&a.project)).await?))
}

/// The Operating rules page's view.
#[utoipa::path(get, path = "/api/v1/projects/{id}/rules", tag = "golive",
    params(("id" = i32, Path, description = "Project id")),
    responses((status = 200, body = crate::service::phase6::RulesView),
        (status = 404, body = crate::api::v1::problem::ProblemDoc, content_type = "application/problem+json")),
    security(("token" = []), ("session" = [])))]
pub async fn rules(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i32>,
) -> AppResult<Json<crate::service::phase6::RulesView>> {
    let (_, a) = authorize(&state, &ctx, id, Action::View).await?;
    Ok(Json(crate::service::phase6::rules_view(&state.db.conn, &a.project).await?))
}

/// The Conversion trial page's view: trials per data source with their results.
#[utoipa::path(get, path = "/api/v1/projects/{id}/conversion", tag = "golive",
    params(("id" = i32, Path, description = "Project id")),
    responses((status = 200, body = crate::service::phase6::ConversionView),
        (status = 404, body = crate::api::v1::problem::ProblemDoc, content_type = "application/problem+json")),
    security(("token" = []), ("session" = [])))]
pub async fn conversion(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i32>,
) -> AppResult<Json<crate::service::phase6::ConversionView>> {
    let (_, a) = authorize(&state, &ctx, id, Action::View).await?;
    Ok(Json(crate::service::phase6::conversion_view(&state.db.conn, &a.project).await?))
}
