//! The schedule's view as JSON: what the schedule page renders and the plan lays out.
use crate::AppState;
use crate::domain::policy::Action;
use crate::error::AppResult;
use crate::web::context::Ctx;
use crate::web::projects::authorize;
use axum::extract::{Path, State};
use axum::routing::get;
use axum::{Json, Router};

/// `GET /api/v1/projects/{id}/schedule[?baseline=N&scale=week]`: the schedule view the
/// schedule page renders and the plan document lays out.
pub fn routes() -> Router<AppState> {
    Router::new().route("/api/v1/projects/{id}/schedule", get(schedule_view))
}

#[derive(serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ScheduleQuery {
    /// A baseline (id) to compare against.
    baseline: Option<i32>,
    /// The Gantt's time scale (`day`, `week` or `month`).
    scale: Option<String>,
}

/// The schedule view the schedule page renders and the plan document lays out: the items
/// with their dates and float, links, milestones, slips and the Gantt.
#[utoipa::path(get, path = "/api/v1/projects/{id}/schedule", tag = "schedule",
    params(("id" = i32, Path, description = "Project id"), ScheduleQuery),
    responses((status = 200, body = crate::service::schedule::ScheduleView),
        (status = 404, body = crate::api::v1::problem::ProblemDoc, content_type = "application/problem+json")),
    security(("token" = []), ("session" = [])))]
pub async fn schedule_view(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i32>,
    axum::extract::Query(q): axum::extract::Query<ScheduleQuery>,
) -> AppResult<Json<crate::service::schedule::ScheduleView>> {
    let (_, a) = authorize(&state, &ctx, id, Action::View).await?;
    let opts = crate::service::schedule::ViewOptions::from_query(q.scale.as_deref(), q.baseline);
    Ok(Json(crate::service::schedule::view(&state.db.conn, &a.project, opts).await?))
}
