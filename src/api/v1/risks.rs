//! The risk register's risks: list (filtered by status and owner), get, create and update,
//! with the risk form's validation; score, level and overdue review as the register shows.
use super::problem::{ApiResult, ProblemDoc};
use super::{Filters, PageQuery, created, etag, form, if_match, tagged};
use crate::AppState;
use crate::domain::policy::Action;
use crate::service::risks::{self, RawRisk, RiskView};
use crate::web::context::Ctx;
use crate::web::projects::authorize;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::routing::get;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

const KIND: &str = "risk";
const FIELDS: &[&str] = &[
    "title",
    "description",
    "category",
    "probability",
    "impact",
    "owner",
    "mitigation",
    "contingency",
    "status",
    "dismiss_reason",
    "review_date",
];

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/projects/{id}/risk-items", get(list).post(create))
        .route("/api/v1/projects/{id}/risks/{rid}", get(show).patch(update))
}

/// A risk as the register shows it.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct Risk {
    pub id: i32,
    pub version: i32,
    /// In the reader's language while a pre-loaded factor has not been reworded.
    pub title: String,
    pub description: String,
    pub category: String,
    /// 1–5, or none while a candidate.
    pub probability: Option<i32>,
    pub impact: Option<i32>,
    /// Probability × impact.
    pub score: Option<i32>,
    /// `low`, `medium`, `high` or `critical`.
    pub level: Option<String>,
    pub owner: String,
    pub mitigation: String,
    pub contingency: String,
    /// `candidate`, `open`, `mitigated`, `closed` or `dismissed`.
    pub status: String,
    pub dismiss_reason: String,
    pub review_date: Option<NaiveDate>,
    pub review_overdue: bool,
}

impl From<RiskView> for Risk {
    fn from(v: RiskView) -> Risk {
        let level = v.level.and_then(|l| serde_json::to_value(l).ok()).and_then(|l| l.as_str().map(str::to_string));
        let r = v.risk;
        Risk {
            id: r.id,
            version: r.version,
            title: v.title,
            description: v.description,
            category: r.category,
            probability: r.probability,
            impact: r.impact,
            score: v.score,
            level,
            owner: r.owner,
            mitigation: r.mitigation,
            contingency: r.contingency,
            status: r.status,
            dismiss_reason: r.dismiss_reason,
            review_date: r.review_date,
            review_overdue: v.review_overdue,
        }
    }
}

/// The risk form: every field as the page posts it (ratings 1–5 as numbers or strings).
#[derive(Clone, Debug, Default, Serialize, Deserialize, utoipa::ToSchema)]
pub struct RiskBody {
    pub title: Option<String>,
    pub description: Option<String>,
    pub category: Option<String>,
    pub probability: Option<String>,
    pub impact: Option<String>,
    pub owner: Option<String>,
    pub mitigation: Option<String>,
    pub contingency: Option<String>,
    pub status: Option<String>,
    pub dismiss_reason: Option<String>,
    pub review_date: Option<String>,
}

crate::api_page!(RiskPage, Risk);

fn raw_of(v: &RiskView) -> RawRisk {
    let r = &v.risk;
    let num = |x: Option<i32>| x.map(|x| x.to_string()).unwrap_or_default();
    RawRisk {
        title: v.title.clone(),
        description: v.description.clone(),
        category: r.category.clone(),
        probability: num(r.probability),
        impact: num(r.impact),
        owner: r.owner.clone(),
        mitigation: r.mitigation.clone(),
        contingency: r.contingency.clone(),
        status: r.status.clone(),
        dismiss_reason: r.dismiss_reason.clone(),
        review_date: r.review_date.map(|d| d.to_string()).unwrap_or_default(),
    }
}

/// The register's risks in its reading order (`GET …/risks` is the register view: counts,
/// top risks and heat map).
#[utoipa::path(get, path = "/api/v1/projects/{id}/risk-items", tag = "risks",
    params(("id" = i32, Path, description = "Project id"), Filters, PageQuery),
    responses((status = 200, body = RiskPage),
        (status = 404, body = ProblemDoc, content_type = "application/problem+json")),
    security(("token" = []), ("session" = [])))]
pub async fn list(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i32>,
    Query(f): Query<Filters>,
    Query(pq): Query<PageQuery>,
) -> ApiResult<axum::Json<RiskPage>> {
    let (_, a) = authorize(&state, &ctx, id, Action::View).await?;
    let rows = risks::register(&state.db.conn, &a.project, ctx.lang)
        .await?
        .risks
        .into_iter()
        .filter(|v| f.status_ok(&v.risk.status))
        .filter(|v| f.owner.as_deref().is_none_or(|o| o.trim() == v.risk.owner))
        .map(Risk::from)
        .collect();
    Ok(axum::Json(RiskPage::of(rows, &pq)?))
}

/// One risk, with its `ETag`.
#[utoipa::path(get, path = "/api/v1/projects/{id}/risks/{rid}", tag = "risks",
    params(("id" = i32, Path, description = "Project id"), ("rid" = i32, Path, description = "Risk id")),
    responses((status = 200, body = Risk, headers(("ETag" = String))),
        (status = 404, body = ProblemDoc, content_type = "application/problem+json")),
    security(("token" = []), ("session" = [])))]
pub async fn show(State(state): State<AppState>, ctx: Ctx, Path((id, rid)): Path<(i32, i32)>) -> ApiResult<Response> {
    let (_, a) = authorize(&state, &ctx, id, Action::View).await?;
    let v = risks::detail(&state.db.conn, &a.project, rid, ctx.lang).await?;
    Ok(tagged(StatusCode::OK, etag(KIND, v.risk.id, v.risk.version), &Risk::from(v)))
}

/// Raise a risk.
#[utoipa::path(post, path = "/api/v1/projects/{id}/risk-items", tag = "risks",
    params(("id" = i32, Path, description = "Project id")),
    request_body = RiskBody,
    responses((status = 201, body = Risk, headers(("ETag" = String), ("Location" = String))),
        (status = 422, body = ProblemDoc, content_type = "application/problem+json")),
    security(("token" = []), ("session" = [])))]
pub async fn create(State(state): State<AppState>, ctx: Ctx, Path(id): Path<i32>, body: Bytes) -> ApiResult<Response> {
    let (actor, a) = authorize(&state, &ctx, id, Action::Contribute).await?;
    let raw: RawRisk = form(&body, Some(&RawRisk::default()), FIELDS)?;
    let input = risks::validate(&raw)?;
    let m = risks::create(&state.db, actor, a.project.id, &input).await?;
    let v = risks::detail(&state.db.conn, &a.project, m.id, ctx.lang).await?;
    Ok(created(format!("/api/v1/projects/{id}/risks/{}", m.id), etag(KIND, m.id, m.version), &Risk::from(v)))
}

/// Re-rate, reassign or close a risk (`If-Match` required).
#[utoipa::path(patch, path = "/api/v1/projects/{id}/risks/{rid}", tag = "risks",
    params(("id" = i32, Path, description = "Project id"), ("rid" = i32, Path, description = "Risk id"),
        ("If-Match" = String, Header, description = "The ETag the client read")),
    request_body = RiskBody,
    responses((status = 200, body = Risk, headers(("ETag" = String))),
        (status = 409, body = ProblemDoc, content_type = "application/problem+json"),
        (status = 412, body = ProblemDoc, content_type = "application/problem+json"),
        (status = 422, body = ProblemDoc, content_type = "application/problem+json"),
        (status = 428, body = ProblemDoc, content_type = "application/problem+json")),
    security(("token" = []), ("session" = [])))]
pub async fn update(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, rid)): Path<(i32, i32)>,
    headers: HeaderMap,
    body: Bytes,
) -> ApiResult<Response> {
    let (actor, a) = authorize(&state, &ctx, id, Action::Contribute).await?;
    let cur = risks::detail(&state.db.conn, &a.project, rid, ctx.lang).await?;
    let version = if_match(&headers, KIND, rid, cur.risk.version)?;
    let raw: RawRisk = form(&body, Some(&raw_of(&cur)), FIELDS)?;
    let input = risks::validate(&raw)?;
    risks::update(&state.db, actor, a.project.id, rid, version, &input).await?;
    let v = risks::detail(&state.db.conn, &a.project, rid, ctx.lang).await?;
    Ok(tagged(StatusCode::OK, etag(KIND, v.risk.id, v.risk.version), &Risk::from(v)))
}
