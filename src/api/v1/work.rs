//! Deliverables (list and get) and targets with their measurements (list, and record a
//! measurement as the target page's form does). Figures are the pages' views.
use super::problem::{ApiResult, ProblemDoc};
use super::{Filters, PageQuery, etag, form, tagged};
use crate::AppState;
use crate::domain::policy::Action;
use crate::service::targets::{self, TargetView};
use crate::service::work::{self, DeliverableRow};
use crate::web::context::Ctx;
use crate::web::projects::authorize;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/projects/{id}/deliverables", get(deliverables))
        .route("/api/v1/projects/{id}/deliverables/{did}", get(deliverable))
        .route("/api/v1/projects/{id}/target-items", get(target_items))
        .route("/api/v1/projects/{id}/target-items/{item}", get(target_item))
        .route("/api/v1/projects/{id}/targets/{tid}/readings", get(readings).post(add_reading))
}

/// A deliverable as the lists show it.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct Deliverable {
    pub id: i32,
    pub version: i32,
    pub phase_seq: i32,
    pub key: String,
    pub name_en: String,
    pub name_zh: String,
    pub is_gate: bool,
    pub due_date: NaiveDate,
    /// `draft`, `submitted`, `accepted` or `returned`.
    pub status: String,
    pub owner_person_id: Option<i32>,
    pub owner_name: Option<String>,
    pub reviewer_name: Option<String>,
    /// The working notes (editable while draft or returned).
    pub notes: String,
    /// The reviewer's comment at the last acceptance or return.
    pub review_comment: Option<String>,
}

impl From<DeliverableRow> for Deliverable {
    fn from(r: DeliverableRow) -> Deliverable {
        let d = r.deliverable;
        Deliverable {
            id: d.id,
            version: d.version,
            phase_seq: r.phase_seq,
            key: d.key,
            name_en: d.name_en,
            name_zh: d.name_zh,
            is_gate: d.is_gate,
            due_date: d.due_date,
            status: d.status,
            owner_person_id: d.owner_person_id,
            owner_name: r.owner_name,
            reviewer_name: r.reviewer_name,
            notes: d.notes,
            review_comment: d.review_comment,
        }
    }
}

/// A target and how it stands today, the figures as the Targets page prints them.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct Target {
    pub id: i32,
    pub version: i32,
    pub key: String,
    pub name: String,
    pub unit: String,
    pub direction: String,
    pub baseline_value: Option<f64>,
    pub target_value: Option<f64>,
    pub target_date: Option<NaiveDate>,
    pub owner: String,
    /// `green`, `amber`, `red` or `grey`.
    pub rag: String,
    pub latest: Option<String>,
    /// Whole percent, as printed.
    pub attainment: Option<String>,
    pub forecast: Option<String>,
    pub measurements: usize,
}

impl From<TargetView> for Target {
    fn from(v: TargetView) -> Target {
        let rag = serde_json::to_value(v.rag).ok().and_then(|r| r.as_str().map(str::to_string)).unwrap_or_default();
        let t = v.target;
        Target {
            id: t.id,
            version: t.version,
            key: t.key,
            name: t.name,
            unit: t.unit,
            direction: t.direction,
            baseline_value: t.baseline_value,
            target_value: t.target_value,
            target_date: t.target_date,
            owner: t.owner,
            rag,
            latest: v.shown.latest,
            attainment: v.shown.attainment,
            forecast: v.shown.forecast,
            measurements: v.measurements.len(),
        }
    }
}

impl super::resource::Record for Target {
    fn id(&self) -> i32 {
        self.id
    }
    fn version(&self) -> i32 {
        self.version
    }
    fn owner(&self) -> Option<&str> {
        Some(&self.owner)
    }
}

/// The project's targets as the Targets page lists them.
pub(super) async fn load_targets(
    state: &AppState,
    ctx: &Ctx,
    p: &crate::entity::project::Model,
) -> ApiResult<Vec<Target>> {
    Ok(targets::page(&state.db.conn, p, ctx.lang).await?.targets.into_iter().map(Target::from).collect())
}

/// One measurement of a target.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct Reading {
    pub id: i32,
    pub measured_on: NaiveDate,
    pub value: f64,
    /// `manual`, `api`, `csv` or the pushing system's name.
    pub source: String,
    pub note: String,
}

/// A measurement to record (the target page's form).
#[derive(Clone, Debug, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct NewReading {
    /// YYYY-MM-DD.
    pub date: String,
    /// A number (`1,200` and `12.5` are read).
    pub value: String,
    pub note: String,
}

/// The result of recording: `created`, `updated` or `unchanged` (one value per day and source).
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct Recorded {
    pub result: String,
    pub target: Target,
}

crate::api_page!(DeliverablePage, Deliverable);
crate::api_page!(TargetPage, Target);
crate::api_page!(ReadingPage, Reading);

/// The project's deliverables in phase order.
#[utoipa::path(get, path = "/api/v1/projects/{id}/deliverables", tag = "work",
    params(("id" = i32, Path, description = "Project id"), Filters, PageQuery),
    responses((status = 200, body = DeliverablePage),
        (status = 400, body = ProblemDoc, content_type = "application/problem+json"),
        (status = 404, body = ProblemDoc, content_type = "application/problem+json")),
    security(("token" = []), ("session" = [])))]
pub async fn deliverables(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i32>,
    Query(f): Query<Filters>,
    Query(pq): Query<PageQuery>,
) -> ApiResult<axum::Json<DeliverablePage>> {
    let (_, a) = authorize(&state, &ctx, id, Action::View).await?;
    let phase = f.phase()?;
    let rows = work::deliverable_rows(&state.db.conn, a.project.id)
        .await?
        .into_iter()
        .filter(|r| phase.is_none_or(|p| p == r.phase_seq))
        .filter(|r| f.status_ok(&r.deliverable.status) && f.owner_id_ok(r.deliverable.owner_person_id))
        .map(Deliverable::from)
        .collect();
    Ok(axum::Json(DeliverablePage::of(rows, &pq)?))
}

/// One deliverable, with its `ETag`.
#[utoipa::path(get, path = "/api/v1/projects/{id}/deliverables/{did}", tag = "work",
    params(("id" = i32, Path, description = "Project id"), ("did" = i32, Path, description = "Deliverable id")),
    responses((status = 200, body = Deliverable, headers(("ETag" = String))),
        (status = 404, body = ProblemDoc, content_type = "application/problem+json")),
    security(("token" = []), ("session" = [])))]
pub async fn deliverable(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, did)): Path<(i32, i32)>,
) -> ApiResult<Response> {
    let (_, a) = authorize(&state, &ctx, id, Action::View).await?;
    let d = load_deliverable(&state, a.project.id, did).await?;
    Ok(tagged(StatusCode::OK, etag("deliverable", d.id, d.version), &d))
}

/// One deliverable as the lists show it, or 404.
pub(super) async fn load_deliverable(state: &AppState, project_id: i32, did: i32) -> ApiResult<Deliverable> {
    let row = work::deliverable_rows(&state.db.conn, project_id)
        .await?
        .into_iter()
        .find(|r| r.deliverable.id == did)
        .ok_or(crate::service::Error::NotFound)?;
    Ok(Deliverable::from(row))
}

/// The project's targets as the Targets page shows them (`GET …/targets` is that page's
/// whole view, charts included).
#[utoipa::path(get, path = "/api/v1/projects/{id}/target-items", tag = "targets",
    params(("id" = i32, Path, description = "Project id"), PageQuery),
    responses((status = 200, body = TargetPage),
        (status = 404, body = ProblemDoc, content_type = "application/problem+json")),
    security(("token" = []), ("session" = [])))]
pub async fn target_items(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i32>,
    Query(pq): Query<PageQuery>,
) -> ApiResult<axum::Json<TargetPage>> {
    let (_, a) = authorize(&state, &ctx, id, Action::View).await?;
    let rows = load_targets(&state, &ctx, &a.project).await?;
    Ok(axum::Json(TargetPage::of(rows, &pq)?))
}

/// One target as the Targets page shows it, with its `ETag`.
#[utoipa::path(get, path = "/api/v1/projects/{id}/target-items/{item}", tag = "targets",
    params(("id" = i32, Path, description = "Project id"), ("item" = i32, Path, description = "Target id")),
    responses((status = 200, body = Target, headers(("ETag" = String))),
        (status = 404, body = ProblemDoc, content_type = "application/problem+json")),
    security(("token" = []), ("session" = [])))]
pub async fn target_item(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, item)): Path<(i32, i32)>,
) -> ApiResult<Response> {
    let (_, a) = authorize(&state, &ctx, id, Action::View).await?;
    super::resource::one("target", load_targets(&state, &ctx, &a.project).await?, item)
}

/// A target's measurements, oldest first.
#[utoipa::path(get, path = "/api/v1/projects/{id}/targets/{tid}/readings", tag = "targets",
    params(("id" = i32, Path, description = "Project id"), ("tid" = i32, Path, description = "Target id"), PageQuery),
    responses((status = 200, body = ReadingPage),
        (status = 404, body = ProblemDoc, content_type = "application/problem+json")),
    security(("token" = []), ("session" = [])))]
pub async fn readings(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, tid)): Path<(i32, i32)>,
    Query(pq): Query<PageQuery>,
) -> ApiResult<axum::Json<ReadingPage>> {
    let (_, a) = authorize(&state, &ctx, id, Action::View).await?;
    let v = targets::detail(&state.db.conn, &a.project, tid, ctx.lang).await?;
    let rows = v
        .measurements
        .into_iter()
        .map(|m| Reading { id: m.id, measured_on: m.measured_on, value: m.value, source: m.source, note: m.note })
        .collect();
    Ok(axum::Json(ReadingPage::of(rows, &pq)?))
}

/// Record a measurement (one per day and source: a second on the same day replaces it).
#[utoipa::path(post, path = "/api/v1/projects/{id}/targets/{tid}/readings", tag = "targets",
    params(("id" = i32, Path, description = "Project id"), ("tid" = i32, Path, description = "Target id")),
    request_body = NewReading,
    responses((status = 201, body = Recorded), (status = 200, body = Recorded),
        (status = 422, body = ProblemDoc, content_type = "application/problem+json")),
    security(("token" = []), ("session" = [])))]
pub async fn add_reading(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, tid)): Path<(i32, i32)>,
    body: Bytes,
) -> ApiResult<Response> {
    let (actor, a) = authorize(&state, &ctx, id, Action::Contribute).await?;
    let r: NewReading = form(&body, None, &["date", "value", "note"])?;
    let rec = targets::add_manual(&state.db, actor, a.project.id, tid, &r.date, &r.value, &r.note).await?;
    let v = targets::detail(&state.db.conn, &a.project, tid, ctx.lang).await?;
    let status = if rec == targets::Recorded::Created { StatusCode::CREATED } else { StatusCode::OK };
    let result = serde_json::to_value(rec).ok().and_then(|r| r.as_str().map(str::to_string)).unwrap_or_default();
    Ok((status, axum::Json(Recorded { result, target: Target::from(v) })).into_response())
}
