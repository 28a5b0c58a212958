//! The general resource helper: a read resource is a record type (flat, documented with
//! `utoipa::ToSchema`) that implements [`Record`], and a loader that returns the project's
//! records from the area's service view in the page's reading order. [`api_read!`] then
//! makes its list (`?limit=&cursor=` pages, `?phase=&status=&owner=` filters on the fields
//! the record has) and get (`ETag` from the row version) handlers, with their OpenAPI
//! operations, authorised as the pages (`Action::View`) — so adding an area's resource is a
//! struct, a loader and one macro call. Writes stay per resource (each has its own form) and
//! use [`super::form`], [`super::if_match`] and [`super::created`].
//!
//! [`api_read!`]: crate::api_read
use super::Filters;
use super::problem::{ApiResult, Problem};
use axum::http::StatusCode;
use axum::response::Response;
use serde::Serialize;

/// A record the API lists and gets.
pub trait Record: Serialize {
    /// The row's id.
    fn id(&self) -> i32;
    /// The row's version (the `ETag`); records that are never edited answer 0.
    fn version(&self) -> i32;
    /// What `…/{item}` names: the id, or (phases) the phase's number.
    fn key(&self) -> i32 {
        self.id()
    }
    /// The phase's number, for `?phase=` (records without one never match it).
    fn phase(&self) -> Option<i32> {
        None
    }
    /// The status as stored, for `?status=`.
    fn status(&self) -> Option<&str> {
        None
    }
    /// The owner as written, for `?owner=`.
    fn owner(&self) -> Option<&str> {
        None
    }
}

/// The records matching the filters, in their order.
pub fn select<T: Record>(rows: Vec<T>, f: &Filters) -> ApiResult<Vec<T>> {
    let phase = f.phase()?;
    let status = f.status.as_deref().map(str::trim).filter(|s| !s.is_empty());
    let owner = f.owner.as_deref().map(str::trim).filter(|s| !s.is_empty());
    Ok(rows
        .into_iter()
        .filter(|r| phase.is_none_or(|p| r.phase() == Some(p)))
        .filter(|r| status.is_none_or(|s| r.status() == Some(s)))
        .filter(|r| owner.is_none_or(|o| r.owner().map(str::trim) == Some(o)))
        .collect())
}

/// The record `key` names, with its `ETag`, or 404.
pub fn one<T: Record>(kind: &str, rows: Vec<T>, key: i32) -> ApiResult<Response> {
    let r = rows
        .into_iter()
        .find(|r| r.key() == key)
        .ok_or_else(|| Problem::new(StatusCode::NOT_FOUND, "err.not_found"))?;
    Ok(super::tagged(StatusCode::OK, super::etag(kind, r.id(), r.version()), &r))
}

/// `impl From<Model> for Record` copying the named fields.
#[macro_export]
macro_rules! api_record_from {
    ($model:ty => $name:ident { $($f:ident),* $(,)? }) => {
        impl From<$model> for $name {
            fn from(m: $model) -> $name {
                $name { $($f: m.$f),* }
            }
        }
    };
}

/// A read resource: its page type, list handler and get handler with their OpenAPI
/// operations. The invoking module imports `Filters`, `PageQuery` and `ProblemDoc`, and
/// `load` is `async fn(&AppState, &Ctx, &project::Model) -> ApiResult<Vec<Record>>`.
#[macro_export]
macro_rules! api_read {
    (
        kind = $kind:tt, tag = $tag:tt, record = $item:ident, page = $page:ident,
        list = $list_fn:ident at $list_path:tt, get = $get_fn:ident at $get_path:tt ($key:tt),
        load = $load:path, doc = $doc:tt $(,)?
    ) => {
        $crate::api_page!($page, $item);

        #[doc = $doc]
        #[utoipa::path(get, path = $list_path, tag = $tag,
            params(("id" = i32, Path, description = "Project id"), Filters, PageQuery),
            responses((status = 200, body = $page),
                (status = 400, body = ProblemDoc, content_type = "application/problem+json"),
                (status = 404, body = ProblemDoc, content_type = "application/problem+json")),
            security(("token" = []), ("session" = [])))]
        pub async fn $list_fn(
            axum::extract::State(state): axum::extract::State<$crate::AppState>,
            ctx: $crate::web::context::Ctx,
            axum::extract::Path(id): axum::extract::Path<i32>,
            axum::extract::Query(f): axum::extract::Query<Filters>,
            axum::extract::Query(pq): axum::extract::Query<PageQuery>,
        ) -> $crate::api::v1::problem::ApiResult<axum::Json<$page>> {
            let (_, a) =
                $crate::web::projects::authorize(&state, &ctx, id, $crate::domain::policy::Action::View).await?;
            let rows: Vec<$item> = $load(&state, &ctx, &a.project).await?;
            Ok(axum::Json($page::of($crate::api::v1::resource::select(rows, &f)?, &pq)?))
        }

        #[doc = "One record, with its `ETag`."]
        #[utoipa::path(get, path = $get_path, tag = $tag,
            params(("id" = i32, Path, description = "Project id"), ($key = i32, Path, description = "The record")),
            responses((status = 200, body = $item, headers(("ETag" = String))),
                (status = 404, body = ProblemDoc, content_type = "application/problem+json")),
            security(("token" = []), ("session" = [])))]
        pub async fn $get_fn(
            axum::extract::State(state): axum::extract::State<$crate::AppState>,
            ctx: $crate::web::context::Ctx,
            axum::extract::Path((id, key)): axum::extract::Path<(i32, i32)>,
        ) -> $crate::api::v1::problem::ApiResult<axum::response::Response> {
            let (_, a) =
                $crate::web::projects::authorize(&state, &ctx, id, $crate::domain::policy::Action::View).await?;
            let rows: Vec<$item> = $load(&state, &ctx, &a.project).await?;
            $crate::api::v1::resource::one($kind, rows, key)
        }
    };
}
