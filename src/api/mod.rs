//! JSON API over the same services (session cookie; writes need the `X-CSRF-Token` header).
use crate::AppState;
use crate::domain::policy::Action;
use crate::error::AppResult;
use crate::service::projects;
use crate::web::context::Ctx;
use crate::web::projects::{authorize, today};
use axum::extract::{Path, State};
use axum::routing::get;
use axum::{Json, Router};

pub fn router() -> Router<AppState> {
    Router::new().route("/api/v1/projects", get(list)).route("/api/v1/projects/{id}", get(show))
}

async fn list(State(state): State<AppState>, ctx: Ctx) -> AppResult<Json<Vec<projects::PortfolioRow>>> {
    let user = ctx.user()?;
    Ok(Json(projects::portfolio(&state.db.conn, user.id, today()).await?))
}

async fn show(State(state): State<AppState>, ctx: Ctx, Path(id): Path<i32>) -> AppResult<Json<projects::Overview>> {
    let (_, a) = authorize(&state, &ctx, id, Action::View).await?;
    Ok(Json(projects::overview(&state.db.conn, a.project, None, today()).await?))
}
