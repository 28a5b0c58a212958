//! Portfolio, overview and gate views as JSON (health rolled up as on the pages).
//! The portfolio pages in SQL as the `/projects` page does (`portfolio::window`): its
//! filters and sorting, `?limit=&cursor=` as every v1 list.
use super::v1::problem::{ApiResult, Problem, ProblemDoc};
use super::v1::{PageQuery, next_cursor, window};
use crate::AppState;
use crate::domain::policy::Action;
use crate::service::{self, gates, portfolio, projects};
use crate::web::context::Ctx;
use crate::web::packed::reusable;
use crate::web::projects::authorize;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;
use axum::{Json, Router};
use serde::Deserialize;

/// Portfolio, overview and gate endpoints.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/projects", get(list))
        .route("/api/v1/projects/{id}", get(show))
        .route("/api/v1/projects/{id}/phases/{seq}/gate", get(gate))
}

/// The portfolio's filters and sorting, as on `/projects` (each optional).
#[derive(Clone, Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ProjectFilters {
    /// The current phase's number, or `done` for projects past their last gate.
    pub phase: Option<String>,
    /// The rolled-up health: `green`, `amber`, `red` or `done`.
    pub health: Option<String>,
    /// A director's user id.
    pub director: Option<String>,
    /// A client's name, exactly.
    pub client: Option<String>,
    /// `name` (the default), `client`, `phase`, `health` (worst first) or `due` (the current
    /// phase's planned finish).
    pub sort: Option<String>,
}

impl ProjectFilters {
    fn query(self) -> projects::PortfolioQuery {
        projects::PortfolioQuery {
            phase: self.phase.unwrap_or_default(),
            health: self.health.unwrap_or_default(),
            director: self.director.unwrap_or_default(),
            client: self.client.unwrap_or_default(),
            sort: self.sort.unwrap_or_default(),
            page: String::new(),
        }
    }
}

crate::api_page!(ProjectPage, projects::PortfolioRow, in_sql);

/// The caller's projects as the portfolio page lists them — the same rows, filters and
/// sorting (by name unless asked otherwise), health rolled up as on `/projects`. A filter or
/// sort not understood is 400 naming it.
#[utoipa::path(get, path = "/api/v1/projects", tag = "projects",
    params(ProjectFilters, PageQuery),
    responses((status = 200, body = ProjectPage),
        (status = 400, body = ProblemDoc, content_type = "application/problem+json")),
    security(("token" = []), ("session" = [])))]
pub async fn list(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(f): Query<ProjectFilters>,
    Query(pq): Query<PageQuery>,
) -> ApiResult<Response> {
    let user = ctx.user()?;
    let (start, limit) = window(&pq)?;
    let kept = portfolio::window_view(&state.db, user.id, &f.query(), start, limit).await.map_err(|e| match e {
        // A query parameter, not a body: 400 as for `limit` and `cursor`.
        service::Error::Invalid(fields) => Problem { status: StatusCode::BAD_REQUEST, ..Problem::invalid(&fields) },
        e => e.into(),
    })?;
    let (items, total) = (kept.view.0.clone(), kept.view.1);
    Ok(reusable(Json(ProjectPage { items, next_cursor: next_cursor(start, limit, total), total })))
}

/// A project's overview, as on `/projects/{id}`: its phases, the phase on show with its
/// work, the gate box, the decisions and the one rolled-up health with its reasons.
#[utoipa::path(get, path = "/api/v1/projects/{id}", tag = "projects",
    params(("id" = i32, Path, description = "Project id")),
    responses((status = 200, body = projects::Overview),
        (status = 404, body = ProblemDoc, content_type = "application/problem+json")),
    security(("token" = []), ("session" = [])))]
pub async fn show(State(state): State<AppState>, ctx: Ctx, Path(id): Path<i32>) -> ApiResult<Response> {
    let (_, a) = authorize(&state, &ctx, id, Action::View).await?;
    let ov = projects::overview_view(&state.db, a.project, None).await?;
    Ok(reusable(Json(&ov.view)))
}

/// A phase's gate, as on its gate page: the deliverables and the blockers, the decisions,
/// and what the gate is decided on.
#[utoipa::path(get, path = "/api/v1/projects/{id}/phases/{seq}/gate", tag = "phases",
    params(("id" = i32, Path, description = "Project id"), ("seq" = i32, Path, description = "The phase's number")),
    responses((status = 200, body = gates::GateView),
        (status = 404, body = ProblemDoc, content_type = "application/problem+json")),
    security(("token" = []), ("session" = [])))]
pub async fn gate(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, seq)): Path<(i32, i32)>,
) -> ApiResult<Json<gates::GateView>> {
    let (_, a) = authorize(&state, &ctx, id, Action::View).await?;
    Ok(Json(gates::view(&state.db.conn, &a.project, seq).await?))
}
