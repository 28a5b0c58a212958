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

/// `GET /api/v1/projects/{id}/testing`: the Testing tab's view (cases, cycles with exits).
async fn overview(State(state): State<AppState>, ctx: Ctx, Path(id): Path<i32>) -> AppResult<Json<testing::Overview>> {
    let (_, a) = authorize(&state, &ctx, id, Action::View).await?;
    Ok(Json(testing::overview(&state.db.conn, &a.project, ctx.lang).await?))
}

/// `GET /api/v1/projects/{id}/testing/cycles/{cyc}`: the cycle page's view.
async fn cycle(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, cyc)): Path<(i32, i32)>,
) -> AppResult<Json<testing::CycleView>> {
    authorize(&state, &ctx, id, Action::View).await?;
    Ok(Json(testing::cycle(&state.db.conn, id, cyc, ctx.lang).await?))
}

/// `GET /api/v1/projects/{id}/testing/readiness`: per cycle, pass rate and open critical/major defects.
async fn readiness(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i32>,
) -> AppResult<Json<Vec<testing::CycleReadiness>>> {
    authorize(&state, &ctx, id, Action::View).await?;
    Ok(Json(testing::readiness_inputs(&state.db.conn, id).await?))
}

/// `GET /api/v1/projects/{id}/configuration`: the Configuration tab's view.
async fn config(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i32>,
) -> AppResult<Json<configuration::ConfigView>> {
    let (_, a) = authorize(&state, &ctx, id, Action::View).await?;
    Ok(Json(configuration::view(&state.db.conn, &a.project).await?))
}

/// `GET /api/v1/projects/{id}/issues`: the issue and change log.
async fn log(State(state): State<AppState>, ctx: Ctx, Path(id): Path<i32>) -> AppResult<Json<raid::Log>> {
    let (_, a) = authorize(&state, &ctx, id, Action::View).await?;
    Ok(Json(raid::log(&state.db.conn, &a.project, clock::today(&a.project)).await?))
}

/// `GET /api/v1/projects/{id}/rules`: the Operating rules page's view.
async fn rules(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i32>,
) -> AppResult<Json<crate::service::phase6::RulesView>> {
    let (_, a) = authorize(&state, &ctx, id, Action::View).await?;
    Ok(Json(crate::service::phase6::rules_view(&state.db.conn, &a.project).await?))
}

/// `GET /api/v1/projects/{id}/conversion`: the Conversion trial page's view.
async fn conversion(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i32>,
) -> AppResult<Json<crate::service::phase6::ConversionView>> {
    let (_, a) = authorize(&state, &ctx, id, Action::View).await?;
    Ok(Json(crate::service::phase6::conversion_view(&state.db.conn, &a.project).await?))
}
