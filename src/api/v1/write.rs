//! The general write helper, the counterpart of [`super::resource`]: a record the API
//! creates and updates implements [`Writable`] — the typed forms its page posts (`New` for
//! a new record, `Edit` for a change), how a stored row looks in the edit form (the base a
//! `PATCH` fills in), and the service calls that validate and write it — and
//! [`api_write!`] makes the `POST` (201 with `Location` and `ETag`), `PATCH` (`If-Match`
//! required: 428 without, 412 stale, 409 when a save wins the race after the check) and,
//! where the page has it, `DELETE` handlers with their OpenAPI operations, authorised by the
//! record's `ACTION` as the page authorises its form. The response is the record as the read
//! resource serves it (the same loader), so a write answers with the figures a read shows.
//!
//! The form's fields are the keys of the serialised blank form: a member the form does not
//! have is refused by name (400), values are strings, numbers or booleans (a field that is a
//! list in the blank form — a multiple choice — takes an array, or a comma-separated string),
//! and validation is the service's, the same as for the page and the imports.
//!
//! The `Writable` impl of the common cases is one macro call: `plain_writable!` (the page
//! checks the form with one validation, the service creates and updates) and
//! `service_writable!` (the service checks the form itself, and deletes).
//!
//! [`api_write!`]: crate::api_write
use super::problem::{ApiResult, Problem};
use super::resource::Record;
use super::{created, etag, form_with_lists, if_match, tagged};
use crate::AppState;
use crate::domain::policy::Action;
use crate::entity::project;
use crate::service::{self, Actor};
use crate::web::context::Ctx;
use crate::web::projects::authorize;
use axum::body::Bytes;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use serde::de::DeserializeOwned;
use std::future::Future;

/// A record the API writes.
pub trait Writable: Record + Send + Sized + 'static {
    /// The form of a new record (`#[serde(default)]`, as the page posts it).
    type New: Serialize + DeserializeOwned + Default + Send + Sync;
    /// The form of a change.
    type Edit: Serialize + DeserializeOwned + Default + Send + Sync;
    /// The `ETag` kind (as the read resource's).
    const KIND: &'static str;
    /// The collection's last path segment: `Location` is `…/projects/{id}/SEGMENT/{item}`.
    const SEGMENT: &'static str;
    /// What the role must be allowed, as on the record's page.
    const ACTION: Action = Action::Contribute;

    /// The project's records as the read resource lists them.
    fn load(state: &AppState, ctx: &Ctx, p: &project::Model) -> impl Future<Output = ApiResult<Vec<Self>>> + Send;
    /// The stored row `id` in edit-form shape (records the API only creates have none).
    fn base(
        _state: &AppState,
        _p: &project::Model,
        _id: i32,
    ) -> impl Future<Output = service::Result<Self::Edit>> + Send {
        async { Err(service::Error::NotFound) }
    }
    /// Validate and insert; the new row's id.
    fn create(
        state: &AppState,
        actor: Actor,
        p: &project::Model,
        raw: &Self::New,
    ) -> impl Future<Output = service::Result<i32>> + Send;
    /// Validate and update the row at `version` (where the page can).
    fn update(
        _state: &AppState,
        _actor: Actor,
        _p: &project::Model,
        _id: i32,
        _version: i32,
        _raw: &Self::Edit,
    ) -> impl Future<Output = service::Result<()>> + Send {
        async { Err(service::Error::NotFound) }
    }
    /// Remove the row at `version` (only where the page can).
    fn delete(
        _state: &AppState,
        _actor: Actor,
        _p: &project::Model,
        _id: i32,
        _version: i32,
    ) -> impl Future<Output = service::Result<()>> + Send {
        async { Err(service::Error::NotFound) }
    }
}

/// The fields of a form: the keys of its blank value serialised.
pub fn fields_of<T: Serialize + Default>() -> Vec<String> {
    match serde_json::to_value(T::default()) {
        Ok(serde_json::Value::Object(m)) => m.keys().cloned().collect(),
        _ => vec![],
    }
}

/// The fields of a form that are a multiple choice (a list in its blank value).
fn lists_of<T: Serialize + Default>() -> Vec<String> {
    match serde_json::to_value(T::default()) {
        Ok(serde_json::Value::Object(m)) => m.into_iter().filter(|(_, v)| v.is_array()).map(|(k, _)| k).collect(),
        _ => vec![],
    }
}

/// A body read into the form `T` (its fields; its lists as multiple choices).
pub fn read<T: Serialize + DeserializeOwned + Default>(body: &Bytes, base: Option<&T>) -> ApiResult<T> {
    let fields = fields_of::<T>();
    let names: Vec<&str> = fields.iter().map(String::as_str).collect();
    let lists = lists_of::<T>();
    let lists: Vec<&str> = lists.iter().map(String::as_str).collect();
    form_with_lists(body, base, &names, &lists)
}

/// The record `key` names, as the read resource loads it, or 404.
pub async fn find<W: Writable>(state: &AppState, ctx: &Ctx, p: &project::Model, key: i32) -> ApiResult<W> {
    W::load(state, ctx, p)
        .await?
        .into_iter()
        .find(|r| r.key() == key)
        .ok_or_else(|| Problem::new(StatusCode::NOT_FOUND, "err.not_found"))
}

/// `POST …/SEGMENT`: create a record.
pub async fn create<W: Writable>(state: &AppState, ctx: &Ctx, id: i32, body: &Bytes) -> ApiResult<Response> {
    let (actor, a) = authorize(state, ctx, id, W::ACTION).await?;
    let raw: W::New = read(body, None)?;
    let new_id = W::create(state, actor, &a.project, &raw).await?;
    let r: W = find(state, ctx, &a.project, new_id).await?;
    let location = format!("/api/v1/projects/{id}/{}/{}", W::SEGMENT, r.key());
    Ok(created(location, etag(W::KIND, r.id(), r.version()), &r))
}

/// `PATCH …/SEGMENT/{item}`: change the members sent, at the version `If-Match` names.
pub async fn update<W: Writable>(
    state: &AppState,
    ctx: &Ctx,
    id: i32,
    key: i32,
    headers: &HeaderMap,
    body: &Bytes,
) -> ApiResult<Response> {
    let (actor, a) = authorize(state, ctx, id, W::ACTION).await?;
    let cur: W = find(state, ctx, &a.project, key).await?;
    let version = if_match(headers, W::KIND, cur.id(), cur.version())?;
    let base = W::base(state, &a.project, cur.id()).await?;
    let raw: W::Edit = read(body, Some(&base))?;
    W::update(state, actor, &a.project, cur.id(), version, &raw).await?;
    let r: W = find(state, ctx, &a.project, key).await?;
    Ok(tagged(StatusCode::OK, etag(W::KIND, r.id(), r.version()), &r))
}

/// `DELETE …/SEGMENT/{item}` at the version `If-Match` names: 204.
pub async fn delete<W: Writable>(
    state: &AppState,
    ctx: &Ctx,
    id: i32,
    key: i32,
    headers: &HeaderMap,
) -> ApiResult<Response> {
    let (actor, a) = authorize(state, ctx, id, W::ACTION).await?;
    let cur: W = find(state, ctx, &a.project, key).await?;
    let version = if_match(headers, W::KIND, cur.id(), cur.version())?;
    W::delete(state, actor, &a.project, cur.id(), version).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// The documented handlers of a [`Writable`] record: `create` (`POST` on the collection),
/// `update` (`PATCH` on the item) and optionally `delete`. The invoking module imports
/// `ProblemDoc`.
#[macro_export]
macro_rules! api_write {
    (
        record = $item:ident, tag = $tag:tt, new = $new:ty, edit = $edit:ty,
        create = $create_fn:ident at $list_path:tt
        $(, update = $update_fn:ident at $item_path:tt $(, delete = $delete_fn:ident)?)? $(,)?
    ) => {
        #[doc = "Create a record with the page's form (its validation); 201 with `Location` and `ETag`."]
        #[utoipa::path(post, path = $list_path, tag = $tag,
            params(("id" = i32, Path, description = "Project id")),
            request_body = $new,
            responses((status = 201, body = $item, headers(("ETag" = String), ("Location" = String))),
                (status = 400, body = ProblemDoc, content_type = "application/problem+json"),
                (status = 403, body = ProblemDoc, content_type = "application/problem+json"),
                (status = 404, body = ProblemDoc, content_type = "application/problem+json"),
                (status = 409, body = ProblemDoc, content_type = "application/problem+json"),
                (status = 422, body = ProblemDoc, content_type = "application/problem+json")),
            security(("token" = []), ("session" = [])))]
        pub async fn $create_fn(
            axum::extract::State(state): axum::extract::State<$crate::AppState>,
            ctx: $crate::web::context::Ctx,
            axum::extract::Path(id): axum::extract::Path<i32>,
            body: axum::body::Bytes,
        ) -> $crate::api::v1::problem::ApiResult<axum::response::Response> {
            $crate::api::v1::write::create::<$item>(&state, &ctx, id, &body).await
        }

        $(
        #[doc = "Change the members sent (`If-Match` required)."]
        #[utoipa::path(patch, path = $item_path, tag = $tag,
            params(("id" = i32, Path, description = "Project id"), ("item" = i32, Path, description = "The record"),
                ("If-Match" = String, Header, description = "The ETag the client read")),
            request_body = $edit,
            responses((status = 200, body = $item, headers(("ETag" = String))),
                (status = 400, body = ProblemDoc, content_type = "application/problem+json"),
                (status = 403, body = ProblemDoc, content_type = "application/problem+json"),
                (status = 404, body = ProblemDoc, content_type = "application/problem+json"),
                (status = 409, body = ProblemDoc, content_type = "application/problem+json"),
                (status = 412, body = ProblemDoc, content_type = "application/problem+json"),
                (status = 422, body = ProblemDoc, content_type = "application/problem+json"),
                (status = 428, body = ProblemDoc, content_type = "application/problem+json")),
            security(("token" = []), ("session" = [])))]
        pub async fn $update_fn(
            axum::extract::State(state): axum::extract::State<$crate::AppState>,
            ctx: $crate::web::context::Ctx,
            axum::extract::Path((id, key)): axum::extract::Path<(i32, i32)>,
            headers: axum::http::HeaderMap,
            body: axum::body::Bytes,
        ) -> $crate::api::v1::problem::ApiResult<axum::response::Response> {
            $crate::api::v1::write::update::<$item>(&state, &ctx, id, key, &headers, &body).await
        }

        $(
        #[doc = "Remove the record (`If-Match` required); 204."]
        #[utoipa::path(delete, path = $item_path, tag = $tag,
            params(("id" = i32, Path, description = "Project id"), ("item" = i32, Path, description = "The record"),
                ("If-Match" = String, Header, description = "The ETag the client read")),
            responses((status = 204, description = "Removed"),
                (status = 403, body = ProblemDoc, content_type = "application/problem+json"),
                (status = 404, body = ProblemDoc, content_type = "application/problem+json"),
                (status = 409, body = ProblemDoc, content_type = "application/problem+json"),
                (status = 412, body = ProblemDoc, content_type = "application/problem+json"),
                (status = 428, body = ProblemDoc, content_type = "application/problem+json")),
            security(("token" = []), ("session" = [])))]
        pub async fn $delete_fn(
            axum::extract::State(state): axum::extract::State<$crate::AppState>,
            ctx: $crate::web::context::Ctx,
            axum::extract::Path((id, key)): axum::extract::Path<(i32, i32)>,
            headers: axum::http::HeaderMap,
        ) -> $crate::api::v1::problem::ApiResult<axum::response::Response> {
            $crate::api::v1::write::delete::<$item>(&state, &ctx, id, key, &headers).await
        }
        )?
        )?
    };
}

/// The common case of a [`Writable`] record: its page checks the form with one validation
/// (`check`, given the state, the project and the form; it may `.await?`) and writes with the
/// service's create and update, which take the project's id — or, marked `[project]` after
/// the create function, the project itself. `base` is the stored row in edit-form shape.
macro_rules! plain_writable {
    (
        $rec:ident, form = $raw:ty, kind = $kind:literal, segment = $seg:literal, load = $load:path,
        base = |$bs:ident, $bp:ident, $bid:ident| $base:expr,
        check = |$cs:ident, $cp:ident, $craw:ident| $check:expr,
        create = $create:path $([$with:ident])?, update = $update:path $(,)?
    ) => {
        impl $crate::api::v1::write::Writable for $rec {
            type New = $raw;
            type Edit = $raw;
            const KIND: &'static str = $kind;
            const SEGMENT: &'static str = $seg;

            async fn load(
                state: &$crate::AppState,
                ctx: &$crate::web::context::Ctx,
                p: &$crate::entity::project::Model,
            ) -> $crate::api::v1::problem::ApiResult<Vec<Self>> {
                $load(state, ctx, p).await
            }
            async fn base(
                $bs: &$crate::AppState,
                $bp: &$crate::entity::project::Model,
                $bid: i32,
            ) -> $crate::service::Result<$raw> {
                $base
            }
            async fn create(
                state: &$crate::AppState,
                actor: $crate::service::Actor,
                p: &$crate::entity::project::Model,
                raw: &$raw,
            ) -> $crate::service::Result<i32> {
                let ($cs, $cp, $craw) = (state, p, raw);
                let i = $check;
                Ok($create(&state.db, actor, $crate::api::v1::write::plain_writable!(@project p $($with)?), &i).await?.id)
            }
            async fn update(
                state: &$crate::AppState,
                actor: $crate::service::Actor,
                p: &$crate::entity::project::Model,
                id: i32,
                version: i32,
                raw: &$raw,
            ) -> $crate::service::Result<()> {
                let ($cs, $cp, $craw) = (state, p, raw);
                let i = $check;
                $update(&state.db, actor, p.id, id, version, &i).await.map(|_| ())
            }
        }
    };
    (@project $p:ident) => {
        $p.id
    };
    (@project $p:ident project) => {
        $p
    };
}
pub(crate) use plain_writable;

/// A [`Writable`] record whose service checks the form itself (the page posts to the same
/// calls): create, update and delete go straight to the service.
macro_rules! service_writable {
    (
        $rec:ident, form = $raw:ty, kind = $kind:literal, segment = $seg:literal, load = $load:path,
        base = $base:path, create = $create:path, update = $update:path, delete = $delete:path $(,)?
    ) => {
        impl $crate::api::v1::write::Writable for $rec {
            type New = $raw;
            type Edit = $raw;
            const KIND: &'static str = $kind;
            const SEGMENT: &'static str = $seg;

            async fn load(
                state: &$crate::AppState,
                ctx: &$crate::web::context::Ctx,
                p: &$crate::entity::project::Model,
            ) -> $crate::api::v1::problem::ApiResult<Vec<Self>> {
                $load(state, ctx, p).await
            }
            async fn base(
                state: &$crate::AppState,
                p: &$crate::entity::project::Model,
                id: i32,
            ) -> $crate::service::Result<$raw> {
                $base(&state.db.conn, p.id, id).await
            }
            async fn create(
                state: &$crate::AppState,
                actor: $crate::service::Actor,
                p: &$crate::entity::project::Model,
                raw: &$raw,
            ) -> $crate::service::Result<i32> {
                Ok($create(&state.db, actor, p.id, raw).await?.id)
            }
            async fn update(
                state: &$crate::AppState,
                actor: $crate::service::Actor,
                p: &$crate::entity::project::Model,
                id: i32,
                version: i32,
                raw: &$raw,
            ) -> $crate::service::Result<()> {
                $update(&state.db, actor, p.id, id, version, raw).await.map(|_| ())
            }
            async fn delete(
                state: &$crate::AppState,
                actor: $crate::service::Actor,
                p: &$crate::entity::project::Model,
                id: i32,
                version: i32,
            ) -> $crate::service::Result<()> {
                $delete(&state.db, actor, p.id, id, version).await
            }
        }
    };
}
pub(crate) use service_writable;
