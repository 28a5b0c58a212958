//! Activities: list (paged, filtered by phase, status and owner), get, create and update
//! (progress, start, duration) — what the phase page and the activity form do.
use super::problem::{ApiResult, ProblemDoc};
use super::{Filters, PageQuery, created, etag, form, if_match, tagged};
use crate::AppState;
use crate::domain::policy::Action;
use crate::service::api::{self, ActivityRow};
use crate::service::schedule::RawActivity;
use crate::web::context::Ctx;
use crate::web::projects::authorize;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::routing::get;
use serde::{Deserialize, Serialize};

const KIND: &str = "activity";

crate::api_page!(ActivityPage, ActivityRow);

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/projects/{id}/activities", get(list).post(create))
        .route("/api/v1/projects/{id}/activities/{aid}", get(show).patch(update))
}

/// A new activity: its phase, names (one may be empty and is copied from the other) and tier.
#[derive(Clone, Debug, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct NewActivity {
    /// The phase's number (1–9).
    pub phase: String,
    pub name_en: String,
    pub name_zh: String,
    /// `steering_committee`, `project_team` or `functional_group`.
    pub tier: String,
}

/// The fields an update may send (the activity form's); those not sent keep their value.
#[derive(Clone, Debug, Default, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ActivityPatch {
    /// Start no earlier than (YYYY-MM-DD).
    pub start: Option<String>,
    /// Working days, 1–2000.
    pub duration: Option<String>,
    /// 0–100.
    pub percent: Option<String>,
    pub actual_start: Option<String>,
    pub actual_finish: Option<String>,
}

/// The project's activities in schedule order.
#[utoipa::path(get, path = "/api/v1/projects/{id}/activities", tag = "schedule",
    params(("id" = i32, Path, description = "Project id"), Filters, PageQuery),
    responses(
        (status = 200, body = ActivityPage),
        (status = 400, body = ProblemDoc, content_type = "application/problem+json"),
        (status = 401, body = ProblemDoc, content_type = "application/problem+json"),
        (status = 403, body = ProblemDoc, content_type = "application/problem+json"),
        (status = 404, body = ProblemDoc, content_type = "application/problem+json"),
    ),
    security(("token" = []), ("session" = [])))]
pub async fn list(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i32>,
    Query(f): Query<Filters>,
    Query(pq): Query<PageQuery>,
) -> ApiResult<axum::Json<ActivityPage>> {
    let (_, a) = authorize(&state, &ctx, id, Action::View).await?;
    let phase = f.phase()?;
    let rows = api::activity_rows(&state.db.conn, a.project.id)
        .await?
        .into_iter()
        .filter(|r| {
            phase.is_none_or(|p| p == r.phase_seq) && f.status_ok(&r.status) && f.owner_id_ok(r.owner_person_id)
        })
        .collect();
    Ok(axum::Json(ActivityPage::of(rows, &pq)?))
}

/// One activity, with its `ETag`.
#[utoipa::path(get, path = "/api/v1/projects/{id}/activities/{aid}", tag = "schedule",
    params(("id" = i32, Path, description = "Project id"), ("aid" = i32, Path, description = "Activity id")),
    responses(
        (status = 200, body = ActivityRow, headers(("ETag" = String))),
        (status = 404, body = ProblemDoc, content_type = "application/problem+json"),
    ),
    security(("token" = []), ("session" = [])))]
pub async fn show(State(state): State<AppState>, ctx: Ctx, Path((id, aid)): Path<(i32, i32)>) -> ApiResult<Response> {
    let (_, a) = authorize(&state, &ctx, id, Action::View).await?;
    let row = api::activity_row(&state.db.conn, a.project.id, aid).await?;
    Ok(tagged(StatusCode::OK, etag(KIND, row.id, row.version), &row))
}

/// Add an activity to a phase (not in a closed phase).
#[utoipa::path(post, path = "/api/v1/projects/{id}/activities", tag = "schedule",
    params(("id" = i32, Path, description = "Project id")),
    request_body = NewActivity,
    responses(
        (status = 201, body = ActivityRow, headers(("ETag" = String), ("Location" = String))),
        (status = 400, body = ProblemDoc, content_type = "application/problem+json"),
        (status = 403, body = ProblemDoc, content_type = "application/problem+json"),
        (status = 422, body = ProblemDoc, content_type = "application/problem+json"),
    ),
    security(("token" = []), ("session" = [])))]
pub async fn create(State(state): State<AppState>, ctx: Ctx, Path(id): Path<i32>, body: Bytes) -> ApiResult<Response> {
    let (actor, a) = authorize(&state, &ctx, id, Action::Contribute).await?;
    let n: NewActivity = form(&body, None, &["phase", "name_en", "name_zh", "tier"])?;
    let seq = n.phase.trim().parse::<i32>().map_err(|_| {
        super::problem::Problem::field(StatusCode::UNPROCESSABLE_ENTITY, "phase", "err.choose_from_list")
    })?;
    let m = crate::service::work::add_activity(&state.db, actor, a.project.id, seq, &n.name_en, &n.name_zh, &n.tier)
        .await?;
    let row = api::activity_row(&state.db.conn, a.project.id, m.id).await?;
    Ok(created(format!("/api/v1/projects/{id}/activities/{}", row.id), etag(KIND, row.id, row.version), &row))
}

/// Move, resize or record progress on an activity (`If-Match` required: 412 when the row
/// changed since it was read, 409 when another save won the race after the check).
#[utoipa::path(patch, path = "/api/v1/projects/{id}/activities/{aid}", tag = "schedule",
    params(("id" = i32, Path, description = "Project id"), ("aid" = i32, Path, description = "Activity id"),
        ("If-Match" = String, Header, description = "The ETag the client read")),
    request_body = ActivityPatch,
    responses(
        (status = 200, body = ActivityRow, headers(("ETag" = String))),
        (status = 409, body = ProblemDoc, content_type = "application/problem+json"),
        (status = 412, body = ProblemDoc, content_type = "application/problem+json"),
        (status = 422, body = ProblemDoc, content_type = "application/problem+json"),
        (status = 428, body = ProblemDoc, content_type = "application/problem+json"),
    ),
    security(("token" = []), ("session" = [])))]
pub async fn update(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, aid)): Path<(i32, i32)>,
    headers: HeaderMap,
    body: Bytes,
) -> ApiResult<Response> {
    let (actor, a) = authorize(&state, &ctx, id, Action::Contribute).await?;
    let current = crate::service::schedule::activity_view(&state.db.conn, a.project.id, aid, None).await?;
    let version = if_match(&headers, KIND, aid, current.activity.version)?;
    let raw: RawActivity =
        form(&body, Some(&current.form), &["start", "duration", "percent", "actual_start", "actual_finish"])?;
    crate::service::schedule::update_activity(&state.db, actor, a.project.id, aid, version, &raw).await?;
    let row = api::activity_row(&state.db.conn, a.project.id, aid).await?;
    Ok(tagged(StatusCode::OK, etag(KIND, row.id, row.version), &row))
}
