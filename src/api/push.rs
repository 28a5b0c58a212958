//! The running CRM pushes measurements with a per-project bearer token (no session).
use crate::AppState;
use crate::api::v1::problem::ProblemDoc;
use crate::domain::targets::parse_number;
use crate::error::AppResult;
use crate::service::targets::{self, PushError, Reading, Recorded};
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::{Json, Router};
use serde_json::{Value, json};

/// The measurement push.
pub fn routes() -> Router<AppState> {
    Router::new().route("/api/v1/projects/{id}/targets/{key}/measurements", post(push))
}

// ---- What the document says of the pushes (the bodies are read by hand, below) ----

/// A number, or a number as text (`"1,200"`).
#[derive(Debug, serde::Deserialize, utoipa::ToSchema)]
#[serde(untagged)]
#[allow(dead_code)]
#[schema(as = PushNumber)]
pub(crate) enum NumberOrText {
    Number(f64),
    Text(String),
}

/// A measurement the running CRM pushes.
#[derive(Debug, utoipa::ToSchema)]
#[allow(dead_code)]
pub(crate) struct MeasurementPush {
    /// The day measured (`YYYY-MM-DD`).
    date: chrono::NaiveDate,
    /// The value, a number or a number as text.
    value: NumberOrText,
    /// Who measured (1–64 characters; `api` when not given).
    source: Option<String>,
    /// A note (at most 500 characters).
    note: Option<String>,
}

/// What a measurement push recorded.
#[derive(Debug, utoipa::ToSchema)]
#[allow(dead_code)]
pub(crate) struct MeasurementPushed {
    /// `created` (201), `updated` or `unchanged` (200).
    result: Recorded,
    /// The target's key, as in the path.
    target: String,
    date: chrono::NaiveDate,
    value: f64,
    source: String,
}

/// One refused field of a push.
#[derive(Debug, utoipa::ToSchema)]
#[allow(dead_code)]
pub(crate) struct PushField {
    field: String,
    message: String,
}

/// A push refused: what is wrong, the field when it is one, in the caller's language.
#[derive(Debug, utoipa::ToSchema)]
#[allow(dead_code)]
pub(crate) struct PushProblem {
    /// `invalid`, `unauthorized` or `not_found`.
    error: String,
    field: Option<String>,
    message: String,
    /// Every refused field, when the values were checked.
    #[schema(required = false)]
    fields: Vec<PushField>,
}

fn problem(status: StatusCode, error: &str, field: Option<&str>, message: &str) -> Response {
    (status, Json(json!({ "error": error, "field": field, "message": message }))).into_response()
}

/// A measurement the body describes, or the field that is wrong.
/// The message is a catalogue key (`push.*`), read in the caller's language.
fn parse_push(body: &[u8]) -> Result<Reading, (Option<&'static str>, &'static str)> {
    let v: Value = serde_json::from_slice(body).map_err(|_| (None, "push.not_json"))?;
    let obj = v.as_object().ok_or((None, "push.not_object"))?;
    let date = obj
        .get("date")
        .and_then(Value::as_str)
        .and_then(crate::domain::bounds::parse_date)
        .ok_or((Some("date"), "push.date"))?;
    let value = match obj.get("value") {
        Some(Value::Number(n)) => n.as_f64(),
        Some(Value::String(s)) => parse_number(s),
        _ => None,
    }
    .filter(|v| crate::domain::bounds::number_ok(*v))
    .ok_or((Some("value"), "push.value"))?;
    let source = match obj.get("source") {
        None | Some(Value::Null) => "api".to_string(),
        Some(Value::String(s))
            if !s.trim().is_empty() && crate::domain::bounds::text_problem(s.trim(), 64).is_none() =>
        {
            s.trim().to_string()
        }
        _ => return Err((Some("source"), "push.source")),
    };
    let note = match obj.get("note") {
        None | Some(Value::Null) => String::new(),
        Some(Value::String(s)) if crate::domain::bounds::long_text_problem(s, 500).is_none() => s.clone(),
        _ => return Err((Some("note"), "push.note")),
    };
    Ok(Reading { date, value, source, note })
}

/// The running CRM pushes a measurement of a target (by its key) with the project's API token
/// (`Authorization: Bearer …`, not a personal token). Idempotent per (target, date, source): a
/// retried push changes nothing (200 `unchanged`). A body that is refused is 400 naming the
/// field; a token that is missing or not the project's is 401; an unknown target is 404.
#[utoipa::path(post, path = "/api/v1/projects/{id}/targets/{key}/measurements", tag = "targets",
    params(("id" = i32, Path, description = "Project id"), ("key" = String, Path, description = "The target's key")),
    request_body = MeasurementPush,
    responses(
        (status = 201, description = "Recorded", body = MeasurementPushed),
        (status = 200, description = "Updated or unchanged (a retried push)", body = MeasurementPushed),
        (status = 400, description = "The body is refused", content(
            (PushProblem = "application/json"), (ProblemDoc = "application/problem+json"))),
        (status = 401, description = "No token, or not the project's", content(
            (PushProblem = "application/json"), (ProblemDoc = "application/problem+json"))),
        (status = 404, description = "No such project or target", content(
            (PushProblem = "application/json"), (ProblemDoc = "application/problem+json"))),
    ),
    security(("project_token" = [])))]
pub async fn push(
    State(state): State<AppState>,
    Path((id, key)): Path<(i32, String)>,
    headers: HeaderMap,
    body: Bytes,
) -> AppResult<Response> {
    let token = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim)
        .filter(|t| !t.is_empty());
    // No session here: the caller's language is its Accept-Language.
    let lang = crate::i18n::negotiate(None, None, headers.get(header::ACCEPT_LANGUAGE).and_then(|v| v.to_str().ok()));
    let t = |key: &str| crate::i18n::t(lang, key);
    let Some(token) = token else {
        return Ok(problem(StatusCode::UNAUTHORIZED, "unauthorized", None, &t("push.no_token")));
    };
    let reading = match parse_push(&body) {
        Ok(p) => p,
        Err((field, key)) => return Ok(problem(StatusCode::BAD_REQUEST, "invalid", field, &t(key))),
    };
    Ok(match targets::push(&state.db, token, id, &key, &reading).await? {
        Ok(r) => {
            let status = if r == Recorded::Created { StatusCode::CREATED } else { StatusCode::OK };
            (status, Json(json!({ "result": r, "target": key, "date": reading.date, "value": reading.value, "source": reading.source })))
                .into_response()
        }
        Err(PushError::Unauthorized) => problem(StatusCode::UNAUTHORIZED, "unauthorized", None, &t("push.bad_token")),
        Err(PushError::NotFound) => problem(StatusCode::NOT_FOUND, "not_found", None, &t("push.not_found")),
    })
}

#[cfg(test)]
mod tests {
    use super::parse_push;

    #[test]
    fn push_bodies() {
        let ok = parse_push(br#"{"date":"2026-05-31","value":12.5}"#).unwrap();
        assert_eq!((ok.value, ok.source.as_str()), (12.5, "api"));
        assert_eq!(parse_push(br#"{"date":"2026-02-30","value":1}"#).unwrap_err().0, Some("date"));
        assert_eq!(parse_push(br#"{"date":"2026-05-31","value":"abc"}"#).unwrap_err().0, Some("value"));
        assert_eq!(parse_push(br#"{"date":"2026-05-31","value":"1,200"}"#).unwrap().value, 1200.0);
        assert_eq!(parse_push(br#"[1,2]"#).unwrap_err().0, None);
        assert_eq!(parse_push(b"not json").unwrap_err().0, None);
        assert_eq!(parse_push(br#"{"date":"2026-05-31","value":1,"source":""}"#).unwrap_err().0, Some("source"));
    }
}
