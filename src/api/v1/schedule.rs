//! Milestones and dependencies: list, create (and delete a dependency), as the schedule
//! page does. Rows are the schedule view's, as the page shows them.
use super::problem::{ApiResult, ProblemDoc};
use super::{Filters, PageQuery, created, etag, form};
use crate::AppState;
use crate::domain::policy::Action;
use crate::service::schedule::{self, LinkRow, MilestoneRow, NewLink, NewMilestone, ViewOptions};
use crate::web::context::Ctx;
use crate::web::projects::authorize;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/projects/{id}/milestones", get(milestones).post(add_milestone))
        .route("/api/v1/projects/{id}/dependencies", get(dependencies).post(add_dependency))
        .route("/api/v1/projects/{id}/dependencies/{did}", delete(remove_dependency))
}

/// A milestone as the schedule page shows it.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct Milestone {
    pub id: i32,
    pub version: i32,
    pub phase_seq: i32,
    pub name_en: String,
    pub name_zh: String,
    pub due_date: NaiveDate,
    pub owner: String,
    pub status: String,
    pub done: bool,
    /// Not reached although its day has passed (the project's today).
    pub overdue: bool,
    pub critical: bool,
}

impl From<MilestoneRow> for Milestone {
    fn from(m: MilestoneRow) -> Milestone {
        Milestone {
            id: m.id,
            version: m.version,
            phase_seq: m.phase_seq,
            name_en: m.name_en,
            name_zh: m.name_zh,
            due_date: m.due_date,
            owner: m.owner,
            status: m.status,
            done: m.done,
            overdue: m.overdue,
            critical: m.critical,
        }
    }
}

/// A dependency between two items (`activity` or `milestone`).
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct Dependency {
    pub id: i32,
    pub pred_kind: String,
    pub pred_id: i32,
    pub succ_kind: String,
    pub succ_id: i32,
    /// `FS`, `SS`, `FF` or `SF`.
    pub kind: String,
    /// Working days (negative: lead).
    pub lag_days: i32,
    pub pred_name_en: String,
    pub pred_name_zh: String,
    pub succ_name_en: String,
    pub succ_name_zh: String,
}

impl From<LinkRow> for Dependency {
    fn from(l: LinkRow) -> Dependency {
        Dependency {
            id: l.id,
            pred_kind: l.pred_kind.into(),
            pred_id: l.pred_id,
            succ_kind: l.succ_kind.into(),
            succ_id: l.succ_id,
            kind: l.kind,
            lag_days: l.lag_days,
            pred_name_en: l.pred_name_en,
            pred_name_zh: l.pred_name_zh,
            succ_name_en: l.succ_name_en,
            succ_name_zh: l.succ_name_zh,
        }
    }
}

crate::api_page!(MilestonePage, Milestone);
crate::api_page!(DependencyPage, Dependency);

/// A new milestone (the schedule page's form).
#[derive(Clone, Debug, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct NewMilestoneBody {
    /// The phase's number.
    pub phase: String,
    pub name: String,
    /// YYYY-MM-DD.
    pub date: String,
    pub owner: String,
}

/// A new dependency (the schedule page's form): `activity:12` / `milestone:3` ends.
#[derive(Clone, Debug, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct NewDependencyBody {
    pub pred: String,
    pub succ: String,
    /// `FS`, `SS`, `FF` or `SF`.
    pub kind: String,
    /// Working days, −365–365 (empty: 0).
    pub lag: String,
}

async fn view(state: &AppState, project: &crate::entity::project::Model) -> ApiResult<schedule::ScheduleView> {
    Ok(schedule::view(&state.db.conn, project, ViewOptions::from_query(None, None)).await?)
}

/// The project's milestones as the schedule page lists them.
#[utoipa::path(get, path = "/api/v1/projects/{id}/milestones", tag = "schedule",
    params(("id" = i32, Path, description = "Project id"), Filters, PageQuery),
    responses((status = 200, body = MilestonePage),
        (status = 404, body = ProblemDoc, content_type = "application/problem+json")),
    security(("token" = []), ("session" = [])))]
pub async fn milestones(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i32>,
    Query(f): Query<Filters>,
    Query(pq): Query<PageQuery>,
) -> ApiResult<axum::Json<MilestonePage>> {
    let (_, a) = authorize(&state, &ctx, id, Action::View).await?;
    let phase = f.phase()?;
    let rows = view(&state, &a.project)
        .await?
        .milestones
        .into_iter()
        .filter(|m| phase.is_none_or(|p| p == m.phase_seq) && f.status_ok(&m.status))
        .filter(|m| f.owner.as_deref().is_none_or(|o| o.trim() == m.owner))
        .map(Milestone::from)
        .collect();
    Ok(axum::Json(MilestonePage::of(rows, &pq)?))
}

/// Add a milestone of the project's own to a phase; the schedule follows.
#[utoipa::path(post, path = "/api/v1/projects/{id}/milestones", tag = "schedule",
    params(("id" = i32, Path, description = "Project id")),
    request_body = NewMilestoneBody,
    responses((status = 201, body = Milestone),
        (status = 422, body = ProblemDoc, content_type = "application/problem+json")),
    security(("token" = []), ("session" = [])))]
pub async fn add_milestone(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i32>,
    body: Bytes,
) -> ApiResult<Response> {
    let (actor, a) = authorize(&state, &ctx, id, Action::Contribute).await?;
    let b: NewMilestoneBody = form(&body, None, &["phase", "name", "date", "owner"])?;
    let f = NewMilestone { phase: b.phase, name: b.name, date: b.date, owner: b.owner };
    schedule::add_milestone(&state.db, actor, a.project.id, &f).await?;
    let m = view(&state, &a.project)
        .await?
        .milestones
        .into_iter()
        .max_by_key(|m| m.id)
        .ok_or(crate::service::Error::NotFound)?;
    Ok(created(format!("/api/v1/projects/{id}/milestones"), etag("milestone", m.id, m.version), &Milestone::from(m)))
}

/// The project's dependencies.
#[utoipa::path(get, path = "/api/v1/projects/{id}/dependencies", tag = "schedule",
    params(("id" = i32, Path, description = "Project id"), PageQuery),
    responses((status = 200, body = DependencyPage),
        (status = 404, body = ProblemDoc, content_type = "application/problem+json")),
    security(("token" = []), ("session" = [])))]
pub async fn dependencies(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i32>,
    Query(pq): Query<PageQuery>,
) -> ApiResult<axum::Json<DependencyPage>> {
    let (_, a) = authorize(&state, &ctx, id, Action::View).await?;
    let rows = view(&state, &a.project).await?.links.into_iter().map(Dependency::from).collect();
    Ok(axum::Json(DependencyPage::of(rows, &pq)?))
}

/// Link two items; a link that would close a loop is refused (422) and nothing changes.
#[utoipa::path(post, path = "/api/v1/projects/{id}/dependencies", tag = "schedule",
    params(("id" = i32, Path, description = "Project id")),
    request_body = NewDependencyBody,
    responses((status = 201, body = Dependency),
        (status = 422, body = ProblemDoc, content_type = "application/problem+json")),
    security(("token" = []), ("session" = [])))]
pub async fn add_dependency(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i32>,
    body: Bytes,
) -> ApiResult<Response> {
    let (actor, a) = authorize(&state, &ctx, id, Action::Contribute).await?;
    let b: NewDependencyBody = form(&body, None, &["pred", "succ", "kind", "lag"])?;
    let f = NewLink { pred: b.pred.clone(), succ: b.succ.clone(), kind: b.kind, lag: b.lag };
    schedule::add_dependency(&state.db, actor, a.project.id, &f).await?;
    let (p, s) = (schedule::parse_ref(&b.pred), schedule::parse_ref(&b.succ));
    let l = view(&state, &a.project)
        .await?
        .links
        .into_iter()
        .filter(|l| Some((l.pred_kind, l.pred_id)) == p && Some((l.succ_kind, l.succ_id)) == s)
        .max_by_key(|l| l.id)
        .ok_or(crate::service::Error::NotFound)?;
    let mut r = (StatusCode::CREATED, axum::Json(Dependency::from(l.clone()))).into_response();
    if let Ok(loc) = format!("/api/v1/projects/{id}/dependencies/{}", l.id).parse() {
        r.headers_mut().insert(axum::http::header::LOCATION, loc);
    }
    Ok(r)
}

/// Remove a dependency; the schedule follows.
#[utoipa::path(delete, path = "/api/v1/projects/{id}/dependencies/{did}", tag = "schedule",
    params(("id" = i32, Path, description = "Project id"), ("did" = i32, Path, description = "Dependency id")),
    responses((status = 204),
        (status = 404, body = ProblemDoc, content_type = "application/problem+json")),
    security(("token" = []), ("session" = [])))]
pub async fn remove_dependency(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, did)): Path<(i32, i32)>,
) -> ApiResult<StatusCode> {
    let (actor, a) = authorize(&state, &ctx, id, Action::Contribute).await?;
    schedule::remove_dependency(&state.db, actor, a.project.id, did).await?;
    Ok(StatusCode::NO_CONTENT)
}
