//! Phase 9's evaluation as JSON: the view the Evaluation page renders (targets against
//! actuals with their explained gaps, realised ROI beside the plan, lessons, backlog).
use crate::AppState;
use crate::domain::policy::Action;
use crate::error::AppResult;
use crate::service::evaluation;
use crate::web::context::Ctx;
use crate::web::projects::authorize;
use axum::extract::{Path, State};
use axum::routing::get;
use axum::{Json, Router};

pub fn routes() -> Router<AppState> {
    Router::new().route("/api/v1/projects/{id}/evaluation", get(view))
}

/// The Evaluation page's view: targets against actuals with their explained gaps, realised
/// ROI beside the plan, lessons and the improvement backlog.
#[utoipa::path(get, path = "/api/v1/projects/{id}/evaluation", tag = "evaluation",
    params(("id" = i32, Path, description = "Project id")),
    responses((status = 200, body = evaluation::EvaluationView),
        (status = 404, body = crate::api::v1::problem::ProblemDoc, content_type = "application/problem+json")),
    security(("token" = []), ("session" = [])))]
pub async fn view(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i32>,
) -> AppResult<Json<evaluation::EvaluationView>> {
    let (_, a) = authorize(&state, &ctx, id, Action::View).await?;
    Ok(Json(evaluation::view(&state.db.conn, &a.project, ctx.lang).await?))
}
