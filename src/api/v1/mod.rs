//! The JSON API's one general mechanism, shared by every area's resources:
//! - credentials: the session cookie (as the pages) or a personal access token
//!   (`Authorization: Bearer nfp_…`), which acts as its user narrowed by its scope
//!   (a `read` token may only read), rate-limited per token ([`limit`]);
//! - errors as `application/problem+json` in the caller's language ([`problem`]);
//! - pagination by `limit` and an opaque `cursor` ([`paginate`]);
//! - `ETag` from the row version and `If-Match` on updates ([`etag`], [`if_match`]): a
//!   stale `If-Match` is 412, a save that lost a race after the check is 409;
//! - bodies as JSON objects read into the same typed forms the pages post ([`form`]), so
//!   the API, the forms and the imports share one validation.
//!
//! Every resource handler parses, authorises through `domain::policy` (via `authorize`, as
//! the pages), calls a service and serialises the service's view: no queries here.
//! An area's resources are one module with `routes()` and its `#[utoipa::path]` handlers,
//! added to [`routes`] and to the document in `super::openapi` — one line each. A read
//! resource (list + get) is a record type, a loader and one [`crate::api_read!`] call
//! ([`resource`]).
pub mod activities;
pub mod closing;
pub mod delivery;
pub mod design;
pub mod later;
pub mod later_write;
pub mod limit;
pub mod more_write;
pub mod people;
pub mod problem;
pub mod resource;
pub mod risks;
pub mod schedule;
pub mod work;
pub mod write;

use crate::AppState;
use crate::service::tokens::{self, Scope};
use crate::web::context::Ctx;
use axum::body::Bytes;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::{Json, Router};
use problem::{ApiResult, Problem};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

/// The resource routes of every area.
pub fn routes() -> Router<AppState> {
    Router::new()
        .merge(activities::routes())
        .merge(schedule::routes())
        .merge(people::routes())
        .merge(risks::routes())
        .merge(work::routes())
        .merge(delivery::routes())
        .merge(design::routes())
        .merge(later::routes())
        .merge(closing::routes())
        .merge(later_write::routes())
        .merge(more_write::routes())
}

/// The scope of the credentials of a request: a session may do what its user may; a token
/// no more than its scope.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Credential {
    pub token_id: Option<i32>,
    pub scope: Scope,
}

/// The middleware around every `/api/` route: a personal token is checked (known, live,
/// in scope, within its rate) and stands in for the session's user; then any failure the
/// handler returned is rendered as a problem document in the request's language.
pub async fn guard(State(state): State<AppState>, mut req: Request, next: Next) -> Response {
    let Some(mut ctx) = req.extensions().get::<Ctx>().cloned() else {
        return Problem::new(StatusCode::INTERNAL_SERVER_ERROR, "err.internal").render(crate::i18n::Lang::En, "");
    };
    let instance = req.uri().path().to_string();
    let bearer = req
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim)
        .filter(|t| t.starts_with(tokens::PREFIX))
        .map(str::to_string);
    let mut credential = Credential { token_id: None, scope: Scope::Write };
    if let Some(token) = bearer {
        let found = match tokens::authenticate(&state.db, &token).await {
            Ok(f) => f,
            Err(e) => return Problem::from(e).render(ctx.lang, &instance),
        };
        let Some((t, user, scope)) = found else {
            return Problem::new(StatusCode::UNAUTHORIZED, "api.err.bad_token").render(ctx.lang, &instance);
        };
        if let Err(wait) = state.api_limits.take(t.id) {
            let mut p = Problem::new(StatusCode::TOO_MANY_REQUESTS, "api.err.rate_limited");
            p.retry_after = Some(wait);
            return p.render(ctx.lang, &instance);
        }
        if scope == Scope::Read && !matches!(*req.method(), Method::GET | Method::HEAD) {
            return Problem::new(StatusCode::FORBIDDEN, "api.err.read_only_token").render(ctx.lang, &instance);
        }
        // The token speaks for its user; the language stays the request's (Accept-Language).
        ctx.user = Some(user);
        credential = Credential { token_id: Some(t.id), scope };
        req.extensions_mut().insert(ctx.clone());
    }
    req.extensions_mut().insert(credential);
    let mut resp = next.run(req).await;
    if let Some(p) = resp.extensions_mut().remove::<Problem>() {
        return p.render(ctx.lang, &instance);
    }
    // The older endpoints fail with `AppError`: the same document for them.
    if let Some(info) = resp.extensions_mut().remove::<crate::error::ErrorInfo>() {
        return Problem::from(&info).render(ctx.lang, &instance);
    }
    // axum's own refusals (a path segment or query that does not parse) are plain text.
    let plain = resp
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/plain"));
    if plain && resp.status().is_client_error() {
        let p = match resp.status() {
            StatusCode::NOT_FOUND => Problem::new(StatusCode::NOT_FOUND, "err.not_found"),
            StatusCode::METHOD_NOT_ALLOWED => Problem::new(StatusCode::METHOD_NOT_ALLOWED, "err.method_not_allowed"),
            _ => Problem::new(StatusCode::BAD_REQUEST, "err.bad_request"),
        };
        return p.render(ctx.lang, &instance);
    }
    resp
}

// ---- Pagination ----

/// `?limit=&cursor=`: at most `limit` items (1–200, 50 when not given) after the cursor a
/// previous page returned.
#[derive(Clone, Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageQuery {
    /// Items per page, 1–200 (default 50).
    pub limit: Option<String>,
    /// `next_cursor` of the previous page (opaque).
    pub cursor: Option<String>,
}

pub const DEFAULT_LIMIT: usize = 50;
pub const MAX_LIMIT: usize = 200;

/// One page of `rows` (already filtered and in their reading order) and the cursor of the
/// next, if any. The cursor is opaque to clients (it is the position, encoded).
pub fn paginate<T>(rows: Vec<T>, q: &PageQuery) -> ApiResult<(Vec<T>, Option<String>, usize)> {
    let (start, limit) = window(q)?;
    let total = rows.len();
    let items = rows.into_iter().skip(start).take(limit).collect();
    Ok((items, next_cursor(start, limit, total), total))
}

/// Where the page `q` asks for starts and how many items it holds at most — for lists paged
/// by the database (then [`next_cursor`] with the number of items matching).
pub fn window(q: &PageQuery) -> ApiResult<(usize, usize)> {
    let limit = match q.limit.as_deref().map(str::trim) {
        None | Some("") => DEFAULT_LIMIT,
        Some(l) => l
            .parse::<usize>()
            .ok()
            .filter(|l| (1..=MAX_LIMIT).contains(l))
            .ok_or_else(|| Problem::field(StatusCode::BAD_REQUEST, "limit", "api.err.limit"))?,
    };
    let start = match q.cursor.as_deref().map(str::trim) {
        None | Some("") => 0,
        Some(c) => {
            decode_cursor(c).ok_or_else(|| Problem::field(StatusCode::BAD_REQUEST, "cursor", "api.err.cursor"))?
        }
    };
    Ok((start, limit))
}

/// The cursor of the page after the one at `start` of `limit` items, when `total` items
/// match and some are left.
pub fn next_cursor(start: usize, limit: usize, total: usize) -> Option<String> {
    let end = start.saturating_add(limit).min(total);
    (end < total).then(|| encode_cursor(end))
}

fn encode_cursor(pos: usize) -> String {
    hex::encode(format!("p{pos}"))
}

fn decode_cursor(c: &str) -> Option<usize> {
    let raw = String::from_utf8(hex::decode(c).ok()?).ok()?;
    raw.strip_prefix('p')?.parse().ok()
}

/// Declares the page type of a resource (a concrete type per resource for the document),
/// with `of` to page a list loaded whole; `in_sql` for a list the database pages (built with
/// [`window`] and [`next_cursor`]).
#[macro_export]
macro_rules! api_page {
    ($name:ident, $item:ty, in_sql) => {
        /// One page of items and the cursor of the next page (`null` on the last).
        #[derive(Clone, Debug, serde::Serialize, utoipa::ToSchema)]
        pub struct $name {
            pub items: Vec<$item>,
            pub next_cursor: Option<String>,
            /// Items matching the filters, on every page.
            pub total: usize,
        }
    };
    ($name:ident, $item:ty) => {
        $crate::api_page!($name, $item, in_sql);
        impl $name {
            pub fn of(rows: Vec<$item>, q: &$crate::api::v1::PageQuery) -> $crate::api::v1::problem::ApiResult<Self> {
                let (items, next_cursor, total) = $crate::api::v1::paginate(rows, q)?;
                Ok($name { items, next_cursor, total })
            }
        }
    };
}

/// `?phase=&status=&owner=`: the filters lists take (each optional).
#[derive(Clone, Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct Filters {
    /// The phase's number (1–9).
    pub phase: Option<String>,
    /// The row's status as stored (e.g. `open`, `done`, `accepted`).
    pub status: Option<String>,
    /// The owning person's id, or (for risks) the owner as written.
    pub owner: Option<String>,
}

impl Filters {
    pub fn status_ok(&self, s: &str) -> bool {
        self.status.as_deref().is_none_or(|w| w == s)
    }
    /// The phase asked for, or the problem naming `phase`.
    pub fn phase(&self) -> ApiResult<Option<i32>> {
        match self.phase.as_deref().map(str::trim) {
            None | Some("") => Ok(None),
            Some(p) => p
                .parse::<i32>()
                .map(Some)
                .map_err(|_| Problem::field(StatusCode::BAD_REQUEST, "phase", "api.err.phase")),
        }
    }
    pub fn owner_id_ok(&self, id: Option<i32>) -> bool {
        match self.owner.as_deref() {
            None => true,
            Some(o) => o.trim().parse::<i32>().ok().is_some_and(|o| Some(o) == id),
        }
    }
}

// ---- ETag / If-Match ----

/// The entity tag of a row at a version: `"<kind>-<id>-<version>"`.
pub fn etag(kind: &str, id: i32, version: i32) -> HeaderValue {
    HeaderValue::from_str(&format!("\"{kind}-{id}-{version}\"")).unwrap_or_else(|_| HeaderValue::from_static("\"\""))
}

/// The version an update may write over: the one `If-Match` names. Missing: 428; naming
/// another version than the row's now: 412 (someone saved since the client read it).
/// `If-Match: *` accepts the current version.
pub fn if_match(headers: &HeaderMap, kind: &str, id: i32, current: i32) -> ApiResult<i32> {
    let Some(v) = headers.get(header::IF_MATCH).and_then(|v| v.to_str().ok()) else {
        return Err(Problem::new(StatusCode::PRECONDITION_REQUIRED, "api.err.if_match_required"));
    };
    if v.trim() == "*" {
        return Ok(current);
    }
    let want = etag(kind, id, current);
    let matches = v.split(',').map(|t| t.trim().trim_start_matches("W/")).any(|t| t.as_bytes() == want.as_bytes());
    if matches {
        Ok(current)
    } else {
        Err(Problem::new(StatusCode::PRECONDITION_FAILED, "api.err.precondition_failed"))
    }
}

/// A JSON response with the row's `ETag`.
pub fn tagged<T: Serialize>(status: StatusCode, tag: HeaderValue, body: &T) -> Response {
    let mut r = (status, Json(body)).into_response();
    r.headers_mut().insert(header::ETAG, tag);
    r
}

// ---- Bodies ----

/// A JSON object read into the typed form the pages post: each member's value (a string,
/// number or boolean; `null` is empty) becomes the form field of that name, and unknown
/// members are refused by name. `base` fills the fields not sent (a `PATCH`).
pub fn form<T: DeserializeOwned + Serialize>(body: &Bytes, base: Option<&T>, fields: &[&str]) -> ApiResult<T> {
    form_with_lists(body, base, fields, &[])
}

/// [`form`] where the fields `lists` are a multiple choice (the page posts the field once per
/// ticked box): each takes an array of strings or numbers, or one string of comma-separated
/// values; it becomes a list of strings.
pub fn form_with_lists<T: DeserializeOwned + Serialize>(
    body: &Bytes,
    base: Option<&T>,
    fields: &[&str],
    lists: &[&str],
) -> ApiResult<T> {
    let v: serde_json::Value =
        serde_json::from_slice(body).map_err(|_| Problem::new(StatusCode::BAD_REQUEST, "api.err.not_json"))?;
    let obj = v.as_object().ok_or_else(|| Problem::new(StatusCode::BAD_REQUEST, "api.err.not_object"))?;
    let mut out = match base {
        Some(b) => match serde_json::to_value(b) {
            Ok(serde_json::Value::Object(m)) => m,
            _ => serde_json::Map::new(),
        },
        None => serde_json::Map::new(),
    };
    // A stored checkbox is a boolean; the form reads it as the page posts it ("1" or "").
    for v in out.values_mut() {
        if let serde_json::Value::Bool(b) = v {
            *v = serde_json::Value::String(if *b { "1" } else { "" }.into());
        }
    }
    for (k, v) in obj {
        if !fields.contains(&k.as_str()) {
            return Err(Problem::field(StatusCode::BAD_REQUEST, k, "api.err.unknown_field"));
        }
        if lists.contains(&k.as_str()) {
            let scalar = |v: &serde_json::Value| match v {
                serde_json::Value::String(s) => Some(s.trim().to_string()),
                serde_json::Value::Number(n) => Some(n.to_string()),
                _ => None,
            };
            let items: Vec<String> = match v {
                serde_json::Value::Array(a) => a
                    .iter()
                    .map(scalar)
                    .collect::<Option<_>>()
                    .ok_or_else(|| Problem::field(StatusCode::BAD_REQUEST, k, "api.err.not_scalar"))?,
                serde_json::Value::String(s) => {
                    s.split(',').map(str::trim).filter(|x| !x.is_empty()).map(str::to_string).collect()
                }
                serde_json::Value::Number(n) => vec![n.to_string()],
                serde_json::Value::Null => vec![],
                _ => return Err(Problem::field(StatusCode::BAD_REQUEST, k, "api.err.not_scalar")),
            };
            out.insert(k.clone(), serde_json::Value::from(items));
            continue;
        }
        let s = match v {
            serde_json::Value::String(s) => s.clone(),
            serde_json::Value::Number(n) => n.to_string(),
            serde_json::Value::Bool(b) => if *b { "1" } else { "" }.to_string(),
            serde_json::Value::Null => String::new(),
            _ => return Err(Problem::field(StatusCode::BAD_REQUEST, k, "api.err.not_scalar")),
        };
        out.insert(k.clone(), serde_json::Value::String(s));
    }
    serde_json::from_value(serde_json::Value::Object(out))
        .map_err(|_| Problem::new(StatusCode::BAD_REQUEST, "api.err.not_object"))
}

/// 201 with `Location` and `ETag`.
pub fn created<T: Serialize>(location: String, tag: HeaderValue, body: &T) -> Response {
    let mut r = tagged(StatusCode::CREATED, tag, body);
    if let Ok(l) = HeaderValue::from_str(&location) {
        r.headers_mut().insert(header::LOCATION, l);
    }
    r
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_and_bad_ones_are_refused() {
        assert_eq!(decode_cursor(&encode_cursor(150)), Some(150));
        assert_eq!(decode_cursor("zz"), None);
        assert_eq!(decode_cursor(&hex::encode("x1")), None);
        let q = PageQuery { limit: Some("2".into()), cursor: None };
        let (items, next, total) = paginate(vec![1, 2, 3, 4, 5], &q).unwrap();
        assert_eq!((items, total), (vec![1, 2], 5));
        let q = PageQuery { limit: Some("2".into()), cursor: next };
        let (items, next, _) = paginate(vec![1, 2, 3, 4, 5], &q).unwrap();
        assert_eq!(items, vec![3, 4]);
        let q = PageQuery { limit: Some("2".into()), cursor: next };
        let (items, next, _) = paginate(vec![1, 2, 3, 4, 5], &q).unwrap();
        assert_eq!((items, next), (vec![5], None));
        let bad = PageQuery { limit: Some("0".into()), cursor: None };
        assert_eq!(paginate(vec![1], &bad).unwrap_err().fields[0].0, "limit");
        let bad = PageQuery { limit: Some("201".into()), cursor: None };
        assert_eq!(paginate(vec![1], &bad).unwrap_err().fields[0].0, "limit");
    }

    #[test]
    fn if_match_names_the_version() {
        let mut h = HeaderMap::new();
        assert_eq!(if_match(&h, "activity", 4, 2).unwrap_err().status, StatusCode::PRECONDITION_REQUIRED);
        h.insert(header::IF_MATCH, etag("activity", 4, 2));
        assert_eq!(if_match(&h, "activity", 4, 2).unwrap(), 2);
        assert_eq!(if_match(&h, "activity", 4, 3).unwrap_err().status, StatusCode::PRECONDITION_FAILED);
        h.insert(header::IF_MATCH, HeaderValue::from_static("W/\"activity-4-3\""));
        assert_eq!(if_match(&h, "activity", 4, 3).unwrap(), 3);
        h.insert(header::IF_MATCH, HeaderValue::from_static("*"));
        assert_eq!(if_match(&h, "activity", 4, 9).unwrap(), 9);
    }
}
