//! Portfolio, overview and gate views as JSON (health rolled up as on the pages).
use crate::AppState;
use crate::domain::policy::Action;
use crate::error::AppResult;
use crate::service::projects;
use crate::web::context::Ctx;
use crate::web::projects::authorize;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};

/// Portfolio, overview and gate endpoints.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/projects", get(list))
        .route("/api/v1/projects/{id}", get(show))
        .route("/api/v1/projects/{id}/phases/{seq}/gate", get(gate))
}

/// `GET /api/v1/projects`: the portfolio view, health rolled up as on `/projects`.
async fn list(State(state): State<AppState>, ctx: Ctx) -> AppResult<Json<Vec<projects::PortfolioRow>>> {
    let user = ctx.user()?;
    Ok(Json(projects::portfolio(&state.db.conn, user.id).await?))
}

/// `GET /api/v1/projects/{id}`: the overview view, as on `/projects/{id}`.
async fn show(State(state): State<AppState>, ctx: Ctx, Path(id): Path<i32>) -> AppResult<Response> {
    let (_, a) = authorize(&state, &ctx, id, Action::View).await?;
    let ov = projects::overview_view(&state.db, a.project, None).await?;
    Ok(Json(&ov.view).into_response())
}

/// `GET /api/v1/projects/{id}/phases/{seq}/gate`: the gate view, as on the gate page.
async fn gate(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, seq)): Path<(i32, i32)>,
) -> AppResult<Json<crate::service::gates::GateView>> {
    let (_, a) = authorize(&state, &ctx, id, Action::View).await?;
    Ok(Json(crate::service::gates::view(&state.db.conn, &a.project, seq).await?))
}
