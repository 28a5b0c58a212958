//! The running CRM pushes measurements with a per-project bearer token (no session).
use crate::AppState;
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

/// `POST /api/v1/projects/{id}/targets/{key}/measurements` with `Authorization: Bearer …`
/// and `{"date": "2026-05-31", "value": 12.5, "source": "crm", "note": "…"}`. Idempotent per
/// (target, date, source): a retried push changes nothing.
async fn push(
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
