//! Readiness, adoption and go-live acceptance as JSON (each the view its page renders), and
//! the adoption push the running CRM makes with the project's bearer token (no session).
use crate::AppState;
use crate::domain::policy::Action;
use crate::error::AppResult;
use crate::service::readiness::{self, PushError, RawFigure, Recorded};
use crate::web::context::Ctx;
use crate::web::projects::authorize;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde_json::{Value, json};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/projects/{id}/readiness", get(scorecard))
        .route("/api/v1/projects/{id}/adoption", get(adoption).post(push))
        .route("/api/v1/projects/{id}/acceptance", get(acceptance))
}

/// The go-live readiness scorecard, its thresholds and the decisions taken.
#[utoipa::path(get, path = "/api/v1/projects/{id}/readiness", tag = "readiness",
    params(("id" = i32, Path, description = "Project id")),
    responses((status = 200, body = readiness::ReadinessView),
        (status = 404, body = crate::api::v1::problem::ProblemDoc, content_type = "application/problem+json")),
    security(("token" = []), ("session" = [])))]
pub async fn scorecard(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i32>,
) -> AppResult<Json<readiness::ReadinessView>> {
    let (_, a) = authorize(&state, &ctx, id, Action::View).await?;
    Ok(Json(readiness::view(&state.db.conn, &a.project).await?))
}

/// Adoption curves per module and functional group, as the adoption page shows them.
#[utoipa::path(get, path = "/api/v1/projects/{id}/adoption", tag = "readiness",
    params(("id" = i32, Path, description = "Project id")),
    responses((status = 200, body = readiness::AdoptionView),
        (status = 404, body = crate::api::v1::problem::ProblemDoc, content_type = "application/problem+json")),
    security(("token" = []), ("session" = [])))]
pub async fn adoption(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i32>,
) -> AppResult<Json<readiness::AdoptionView>> {
    let (_, a) = authorize(&state, &ctx, id, Action::View).await?;
    Ok(Json(readiness::adoption(&state.db.conn, &a.project, ctx.lang).await?))
}

/// Go-live acceptance: the hypercare exit, the go decision and adoption.
#[utoipa::path(get, path = "/api/v1/projects/{id}/acceptance", tag = "readiness",
    params(("id" = i32, Path, description = "Project id")),
    responses((status = 200, body = readiness::Acceptance),
        (status = 404, body = crate::api::v1::problem::ProblemDoc, content_type = "application/problem+json")),
    security(("token" = []), ("session" = [])))]
pub async fn acceptance(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i32>,
) -> AppResult<Json<readiness::Acceptance>> {
    let (_, a) = authorize(&state, &ctx, id, Action::View).await?;
    Ok(Json(readiness::acceptance(&state.db.conn, &a.project, ctx.lang).await?))
}

fn problem(status: StatusCode, error: &str, field: Option<&str>, message: &str) -> Response {
    (status, Json(json!({ "error": error, "field": field, "message": message }))).into_response()
}

/// A string or a number as the form's text.
fn text(v: Option<&Value>) -> Option<String> {
    match v {
        None | Some(Value::Null) => Some(String::new()),
        Some(Value::String(s)) => Some(s.clone()),
        Some(Value::Number(n)) => Some(n.to_string()),
        _ => None,
    }
}

/// An adoption figure the running CRM pushes (numbers may also be given as text).
#[derive(Debug, utoipa::ToSchema)]
#[allow(dead_code)]
pub(crate) struct AdoptionPush {
    /// The day counted (`YYYY-MM-DD`).
    date: String,
    /// The CRM module's key.
    module: String,
    /// A functional group's id (the whole module when not given).
    group: Option<super::push::NumberOrText>,
    active_users: super::push::NumberOrText,
    planned_users: super::push::NumberOrText,
    /// Who counted (`api` when not given).
    source: Option<String>,
    note: Option<String>,
}

/// What an adoption push recorded.
#[derive(Debug, utoipa::ToSchema)]
#[allow(dead_code)]
pub(crate) struct AdoptionPushed {
    /// `created` (201), `updated` or `unchanged` (200).
    result: Recorded,
    module: String,
    date: String,
    source: String,
}

/// The running CRM pushes an adoption figure with the project's API token (`Authorization:
/// Bearer …`, not a personal token). Idempotent per (module, group, date, source): a retried
/// push changes nothing (200 `unchanged`). Refused values are 400 naming each field.
#[utoipa::path(post, path = "/api/v1/projects/{id}/adoption", tag = "readiness",
    params(("id" = i32, Path, description = "Project id")),
    request_body = AdoptionPush,
    responses(
        (status = 201, description = "Recorded", body = AdoptionPushed),
        (status = 200, description = "Updated or unchanged (a retried push)", body = AdoptionPushed),
        (status = 400, description = "The body is refused", content(
            (super::push::PushProblem = "application/json"), (crate::api::v1::problem::ProblemDoc = "application/problem+json"))),
        (status = 401, description = "No token, or not the project's", content(
            (super::push::PushProblem = "application/json"), (crate::api::v1::problem::ProblemDoc = "application/problem+json"))),
        (status = 404, description = "No such project", content(
            (super::push::PushProblem = "application/json"), (crate::api::v1::problem::ProblemDoc = "application/problem+json"))),
    ),
    security(("project_token" = [])))]
pub async fn push(
    State(state): State<AppState>,
    Path(id): Path<i32>,
    headers: HeaderMap,
    body: Bytes,
) -> AppResult<Response> {
    let token = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim)
        .filter(|t| !t.is_empty());
    let lang = crate::i18n::negotiate(None, None, headers.get(header::ACCEPT_LANGUAGE).and_then(|v| v.to_str().ok()));
    let t = |key: &str| crate::i18n::t(lang, key);
    let Some(token) = token else {
        return Ok(problem(StatusCode::UNAUTHORIZED, "unauthorized", None, &t("push.no_token")));
    };
    let Ok(v) = serde_json::from_slice::<Value>(&body) else {
        return Ok(problem(StatusCode::BAD_REQUEST, "invalid", None, &t("push.not_json")));
    };
    let Some(obj) = v.as_object() else {
        return Ok(problem(StatusCode::BAD_REQUEST, "invalid", None, &t("push.not_object")));
    };
    let mut fields = vec![];
    let mut get = |name: &'static str| {
        text(obj.get(name)).unwrap_or_else(|| {
            fields.push(name);
            String::new()
        })
    };
    let raw = RawFigure {
        date: get("date"),
        module_key: get("module"),
        unit_id: get("group"),
        active_users: get("active_users"),
        planned_users: get("planned_users"),
        note: get("note"),
    };
    let source = get("source");
    if let Some(f) = fields.first() {
        return Ok(problem(StatusCode::BAD_REQUEST, "invalid", Some(f), &t("readiness.err_push_type")));
    }
    let source = if source.trim().is_empty() { "api".to_string() } else { source.trim().to_string() };
    if crate::domain::bounds::text_problem(&source, 64).is_some() {
        return Ok(problem(StatusCode::BAD_REQUEST, "invalid", Some("source"), &t("push.source")));
    }
    Ok(match readiness::push(&state.db, token, id, &raw, &source).await? {
        Ok(r) => {
            let status = if r == Recorded::Created { StatusCode::CREATED } else { StatusCode::OK };
            (
                status,
                Json(
                    json!({ "result": r, "module": raw.module_key.trim(), "date": raw.date.trim(), "source": source }),
                ),
            )
                .into_response()
        }
        Err(PushError::Unauthorized) => problem(StatusCode::UNAUTHORIZED, "unauthorized", None, &t("push.bad_token")),
        Err(PushError::NotFound) => problem(StatusCode::NOT_FOUND, "not_found", None, &t("push.not_found")),
        Err(PushError::Invalid(e)) => {
            // The form's field names, as the body names them.
            let name = |f: &str| match f {
                "module_key" => "module".to_string(),
                "unit_id" => "group".to_string(),
                f => f.to_string(),
            };
            let first = e.0.first().map(|f| name(&f.field));
            let message = e.0.first().map(|f| t(f.message)).unwrap_or_default();
            let all: Vec<Value> =
                e.0.iter().map(|f| json!({ "field": name(&f.field), "message": t(f.message) })).collect();
            (
                StatusCode::BAD_REQUEST,
                Json(json!({ "error": "invalid", "field": first, "message": message, "fields": all })),
            )
                .into_response()
        }
    })
}
