//! What operators and load balancers call: liveness, readiness, Prometheus metrics, and the
//! access log with a request id on every line.
use crate::AppState;
use axum::extract::{MatchedPath, Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::time::Instant;

/// Liveness: the process answers. Asks nothing of the database server on purpose, so a
/// database outage does not make an orchestrator restart every instance; but an SQLite
/// file deleted, replaced or made read-only under this process is its own fault (a
/// restart shows it), so that is 503 naming the file.
pub async fn healthz(State(state): State<AppState>) -> Response {
    match state.db.file_problem() {
        None => "ok".into_response(),
        Some(why) => {
            tracing::error!(reason = %why, "unhealthy");
            (StatusCode::SERVICE_UNAVAILABLE, format!("unhealthy: {why}\n")).into_response()
        }
    }
}

/// Readiness: the database is reachable and writable and the schema is current; else 503
/// with the reason, so a load balancer stops sending traffic here.
pub async fn readyz(State(state): State<AppState>) -> Response {
    match state.db.readiness().await {
        Ok(()) => (StatusCode::OK, "ready\n").into_response(),
        Err(why) => {
            tracing::warn!(reason = %why, "not ready");
            (StatusCode::SERVICE_UNAVAILABLE, format!("not ready: {why}\n")).into_response()
        }
    }
}

/// Prometheus metrics. When `NINEFOLD_METRICS_TOKEN` is set, callers must send it as
/// `Authorization: Bearer …`.
pub async fn metrics(State(state): State<AppState>, headers: HeaderMap) -> Response {
    if let Some(token) = state.metrics_token.as_deref() {
        let sent =
            headers.get(header::AUTHORIZATION).and_then(|v| v.to_str().ok()).and_then(|v| v.strip_prefix("Bearer "));
        if !sent.is_some_and(|s| crate::service::sessions::constant_time_eq(s.trim(), token)) {
            return (StatusCode::UNAUTHORIZED, "metrics need the bearer token\n").into_response();
        }
    }
    let body = crate::metrics::render(state.db.pool_stats());
    ([(header::CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8")], body).into_response()
}

const REQUEST_ID: &str = "x-request-id";

/// The caller's request id when it is a sane token (a proxy's), else a fresh one.
fn request_id(headers: &HeaderMap) -> String {
    headers
        .get(REQUEST_ID)
        .and_then(|v| v.to_str().ok())
        .map(str::trim)
        .filter(|s| !s.is_empty() && s.len() <= 128 && s.bytes().all(|b| b.is_ascii_graphic()))
        .map(String::from)
        .unwrap_or_else(|| crate::service::sessions::random_token()[..16].to_string())
}

/// One line per request: request id, method, route template, status, latency (the template,
/// `/feeds/{file}`, never the path, so secrets in paths such as feed tokens stay out); the
/// id is returned in `x-request-id` and the request is counted for `/metrics`.
pub async fn access_log(req: Request, next: Next) -> Response {
    let start = Instant::now();
    let id = request_id(req.headers());
    let method = req.method().clone();
    let route = req.extensions().get::<MatchedPath>().map_or("unmatched", |m| m.as_str()).to_string();
    let span = tracing::info_span!("request", id = %id);
    let mut resp = tracing::Instrument::instrument(next.run(req), span.clone()).await;
    let took = start.elapsed();
    let status = resp.status().as_u16();
    crate::metrics::request(method.as_str(), &route, status, took);
    span.in_scope(|| {
        tracing::info!(%method, %route, status, ms = took.as_secs_f64() * 1000.0, "request");
    });
    if let Ok(v) = HeaderValue::from_str(&id) {
        resp.headers_mut().insert(REQUEST_ID, v);
    }
    resp
}
