//! Budget, timesheets and My work as JSON: the same views the pages render.
use crate::AppState;
use crate::domain::policy::Action;
use crate::error::{AppError, AppResult};
use crate::service::{budget, clock, my_work, timesheets};
use crate::web::context::Ctx;
use crate::web::projects::authorize;
use axum::extract::{Path, Query, State};
use axum::routing::get;
use axum::{Json, Router};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/projects/{id}/budget", get(control))
        .route("/api/v1/projects/{id}/timesheet", get(week))
        .route("/api/v1/my-work", get(mine))
}

/// `GET /api/v1/projects/{id}/budget`: the Budget page's control view.
async fn control(State(state): State<AppState>, ctx: Ctx, Path(id): Path<i32>) -> AppResult<Json<budget::Control>> {
    let (_, a) = authorize(&state, &ctx, id, Action::View).await?;
    Ok(Json(budget::control(&state.db.conn, &a.project, ctx.lang).await?))
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
struct WeekQuery {
    week: Option<chrono::NaiveDate>,
    user: Option<i32>,
}

/// `GET /api/v1/projects/{id}/timesheet[?week=YYYY-MM-DD&user=N]`: one's own week, or (for
/// the director) anyone's.
async fn week(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i32>,
    Query(q): Query<WeekQuery>,
) -> AppResult<Json<timesheets::Week>> {
    let (actor, a) = authorize(&state, &ctx, id, Action::View).await?;
    let approves = crate::web::budget::approver(&state, &a, actor).await?;
    let user = match q.user {
        Some(u) if u != actor.user_id && !approves => return Err(AppError::Forbidden),
        Some(u) => u,
        None => actor.user_id,
    };
    let day = q.week.unwrap_or_else(|| clock::today(&a.project));
    Ok(Json(timesheets::week(&state.db.conn, &a.project, user, day, ctx.lang).await?))
}

/// `GET /api/v1/my-work`: the My work page's view.
async fn mine(State(state): State<AppState>, ctx: Ctx) -> AppResult<Json<my_work::MyWork>> {
    let user = ctx.user()?;
    Ok(Json(my_work::my_work(&state.db.conn, user.id, ctx.lang).await?))
}
