//! One create/edit/update/delete flow for the line records of an area (business-case
//! scenarios, cost lines and benefit lines today; any record edited on a form page of its
//! own can join).
//!
//! An area describes its record once by implementing [`Resource`]: the typed form
//! (`Raw`, read with `FormData::typed`), the row, the template of its form page, where to
//! go after a save, how a row looks in the form again, and the service calls that create,
//! update and delete it (each validates and writes through `service::write`). `routes::<R>`
//! then mounts, under the record's collection path `P`:
//!
//! | method and path        | handler      | on a refused save                        |
//! |------------------------|--------------|------------------------------------------|
//! | `GET  P/new`           | [`new`]      | –                                        |
//! | `POST P`               | [`create`]   | the form again, 422 with fields named    |
//! | `GET  P/{rid}`         | [`edit`]     | –                                        |
//! | `POST P/{rid}`         | [`update`]   | 422, or 409 showing the row as it is now |
//! | `POST P/{rid}/delete`  | [`delete`]   | `Resource::refused_delete` (409 page)    |
//!
//! Every handler authorises `Resource::ACTION` (`Contribute` unless the record says
//! otherwise) on the project first, so viewers get 403 and
//! outsiders 404 exactly as elsewhere. The form page receives `project`, `form` (as typed or
//! as stored), `row` (none for a new record), `version`, `current` (on a stale save: the
//! record as it is now, in form shape), `errors`, `error`, `conflict` and whatever
//! `Resource::extra` adds (choice lists, currency).
use super::context::Ctx;
use super::form::{Feedback, FormData};
use super::projects::{authorize, error_map};
use super::render::{page, ser};
use crate::AppState;
use crate::db::Db;
use crate::domain::policy::Action;
use crate::entity::project;
use crate::error::AppResult;
use crate::service::{self, Actor, access::Access};
use axum::Router;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use minijinja::{Value, context};
use serde::Serialize;
use serde::de::DeserializeOwned;
use std::future::Future;

/// A record edited through the shared flow.
pub trait Resource: Send + Sync + 'static {
    /// The form as typed: `#[derive(Deserialize)] #[serde(default)]`.
    type Raw: Serialize + DeserializeOwned + Send + Sync;
    type Row: Serialize + Send + Sync;
    /// The form page, e.g. `business_case/cost_form.html`.
    const TEMPLATE: &'static str;
    /// Whether `POST P/{rid}/delete` exists.
    const DELETABLE: bool = true;
    /// What the role must be allowed (`domain::policy`) to open, save or delete the record.
    const ACTION: Action = Action::Contribute;

    fn version_of(row: &Self::Row) -> i32;
    /// Where a successful save (`Some(row)`) or delete (`None`) goes.
    fn back(project_id: i32, saved: Option<&Self::Row>) -> String;
    /// The form of a new record.
    fn blank(p: &project::Model) -> Self::Raw;
    /// A stored record in form shape.
    fn raw_of(row: &Self::Row, p: &project::Model) -> Self::Raw;
    /// What else the form page needs (choice lists, currency).
    fn extra(p: &project::Model) -> Value;

    /// Checked before a new form is shown (e.g. the parent exists); `NotFound` otherwise.
    fn may_add(db: &Db, p: &project::Model) -> impl Future<Output = service::Result<()>> + Send;
    fn load(db: &Db, project_id: i32, id: i32) -> impl Future<Output = service::Result<Self::Row>> + Send;
    fn create(
        db: &Db,
        actor: Actor,
        p: &project::Model,
        raw: &Self::Raw,
    ) -> impl Future<Output = service::Result<Self::Row>> + Send;
    fn update(
        db: &Db,
        actor: Actor,
        p: &project::Model,
        id: i32,
        version: i32,
        raw: &Self::Raw,
    ) -> impl Future<Output = service::Result<Self::Row>> + Send;
    fn delete(
        db: &Db,
        actor: Actor,
        p: &project::Model,
        id: i32,
        version: i32,
    ) -> impl Future<Output = service::Result<()>> + Send;
    /// The page shown when a delete is refused (stale version, a rule).
    fn refused_delete(
        state: &AppState,
        ctx: &Ctx,
        a: Access,
        fb: Feedback,
    ) -> impl Future<Output = AppResult<Response>> + Send;
}

/// The form page of `R`: a new record (`row` none) or an existing one.
struct FormPage<'a, R: Resource> {
    form: &'a R::Raw,
    row: Option<&'a R::Row>,
    version: i32,
    current: Option<R::Raw>,
}

fn form_page<R: Resource>(state: &AppState, ctx: &Ctx, a: &Access, fb: Feedback, f: FormPage<'_, R>) -> Response {
    let p = &a.project;
    let data = context! {
        project => ser(p),
        form => ser(f.form),
        row => f.row.map(ser),
        version => f.version,
        current => f.current.as_ref().map(ser),
        errors => ser(&error_map(&fb.errors)),
        error => fb.error,
        conflict => fb.conflict,
        ..R::extra(p)
    };
    (fb.status, page(state, ctx, R::TEMPLATE, data)).into_response()
}

pub async fn new<R: Resource>(State(state): State<AppState>, ctx: Ctx, Path(id): Path<i32>) -> AppResult<Response> {
    let (_, a) = authorize(&state, &ctx, id, R::ACTION).await?;
    R::may_add(&state.db, &a.project).await?;
    let form = R::blank(&a.project);
    let f = FormPage::<R> { form: &form, row: None, version: 0, current: None };
    Ok(form_page(&state, &ctx, &a, Feedback::none(), f))
}

pub async fn create<R: Resource>(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i32>,
    form: FormData,
) -> AppResult<Response> {
    let (actor, a) = authorize(&state, &ctx, id, R::ACTION).await?;
    let raw: R::Raw = form.typed()?;
    match R::create(&state.db, actor, &a.project, &raw).await {
        Ok(row) => Ok(Redirect::to(&R::back(id, Some(&row))).into_response()),
        Err(e) => {
            let fb = Feedback::from_service(e)?;
            let f = FormPage::<R> { form: &raw, row: None, version: 0, current: None };
            Ok(form_page(&state, &ctx, &a, fb, f))
        }
    }
}

pub async fn edit<R: Resource>(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, rid)): Path<(i32, i32)>,
) -> AppResult<Response> {
    let (_, a) = authorize(&state, &ctx, id, R::ACTION).await?;
    let row = R::load(&state.db, id, rid).await?;
    let form = R::raw_of(&row, &a.project);
    let f = FormPage::<R> { form: &form, row: Some(&row), version: R::version_of(&row), current: None };
    Ok(form_page(&state, &ctx, &a, Feedback::none(), f))
}

pub async fn update<R: Resource>(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, rid)): Path<(i32, i32)>,
    form: FormData,
) -> AppResult<Response> {
    let (actor, a) = authorize(&state, &ctx, id, R::ACTION).await?;
    let version = form.version()?;
    let raw: R::Raw = form.typed()?;
    match R::update(&state.db, actor, &a.project, rid, version, &raw).await {
        Ok(row) => Ok(Redirect::to(&R::back(id, Some(&row))).into_response()),
        Err(e) => {
            let fb = Feedback::from_service(e)?;
            let row = R::load(&state.db, id, rid).await?;
            // A stale save shows the record as it is now and takes its version.
            let current = fb.conflict.then(|| R::raw_of(&row, &a.project));
            let version = if fb.conflict { R::version_of(&row) } else { version };
            let f = FormPage::<R> { form: &raw, row: Some(&row), version, current };
            Ok(form_page(&state, &ctx, &a, fb, f))
        }
    }
}

pub async fn delete<R: Resource>(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, rid)): Path<(i32, i32)>,
    form: FormData,
) -> AppResult<Response> {
    let (actor, a) = authorize(&state, &ctx, id, R::ACTION).await?;
    match R::delete(&state.db, actor, &a.project, rid, form.version()?).await {
        Ok(()) => Ok(Redirect::to(&R::back(id, None)).into_response()),
        Err(e) => {
            let fb = Feedback::from_service(e)?;
            R::refused_delete(&state, &ctx, a, fb).await
        }
    }
}

/// The routes of `R` under its collection path, e.g. `/projects/{id}/business-case/costs`.
pub fn routes<R: Resource>(collection: &str) -> Router<AppState> {
    use axum::routing::{get, post};
    let r = Router::new()
        .route(collection, post(create::<R>))
        .route(&format!("{collection}/new"), get(new::<R>))
        .route(&format!("{collection}/{{rid}}"), get(edit::<R>).post(update::<R>));
    if R::DELETABLE { r.route(&format!("{collection}/{{rid}}/delete"), post(delete::<R>)) } else { r }
}
