//! The configuration record per CRM module, its gap list, and the integration register.
use super::context::Ctx;
use super::form::{Feedback, FormData};
use super::projects::{authorize, can, error_map};
use super::render::{page, ser};
use crate::AppState;
use crate::domain::configuration::{CONFIG_STATUSES, DIRECTIONS, INTERFACE_STATUSES, INTERFACE_TESTS, METHODS};
use crate::domain::policy::Action;
use crate::error::AppResult;
use crate::service::access::Access;
use crate::service::clock;
use crate::service::configuration::{self as svc, RawInterface, RawItem};
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use minijinja::context;

fn base(id: i32) -> String {
    format!("/projects/{id}/configuration")
}

fn modules(a: &Access) -> Vec<String> {
    svc::module_keys(&a.project)
}

async fn index_page(
    state: &AppState,
    ctx: &Ctx,
    a: &Access,
    fb: Feedback,
    item_form: RawItem,
    iface_form: RawInterface,
    which: &str,
) -> AppResult<Response> {
    let v = svc::view(&state.db.conn, &a.project).await?;
    let data = context! {
        project => ser(&a.project),
        v => ser(&v),
        can => can(a.role),
        errors => error_map(&fb.errors),
        which,
        item_form => ser(&item_form),
        iface_form => ser(&iface_form),
        modules => ser(&modules(a)),
        statuses => ser(&CONFIG_STATUSES),
        directions => ser(&DIRECTIONS),
        methods => ser(&METHODS),
        iface_statuses => ser(&INTERFACE_STATUSES),
        iface_tests => ser(&INTERFACE_TESTS),
    };
    Ok((fb.status, page(state, ctx, "configuration/index.html", data)).into_response())
}

fn new_forms() -> (RawItem, RawInterface) {
    (
        RawItem { status: "planned".into(), ..Default::default() },
        RawInterface {
            direction: "outbound".into(),
            method: "api".into(),
            status: "planned".into(),
            test_status: "not_tested".into(),
            ..Default::default()
        },
    )
}

pub async fn index(State(state): State<AppState>, ctx: Ctx, Path(id): Path<i32>) -> AppResult<Response> {
    let (_, a) = authorize(&state, &ctx, id, Action::View).await?;
    let (i, f) = new_forms();
    index_page(&state, &ctx, &a, Feedback::none(), i, f, "").await
}

pub async fn create_item(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i32>,
    form: FormData,
) -> AppResult<Response> {
    let (actor, a) = authorize(&state, &ctx, id, Action::Contribute).await?;
    let raw: RawItem = form.typed()?;
    let v = svc::view(&state.db.conn, &a.project).await?;
    let result = match svc::validate_item(&raw, &modules(&a), &svc::step_keys(&v)) {
        Ok(i) => svc::create_item(&state.db, actor, id, &i, clock::today(&a.project)).await,
        Err(e) => Err(e.into()),
    };
    match result {
        Ok(_) => Ok(Redirect::to(&format!("{}#record", base(id))).into_response()),
        Err(e) => {
            let (_, f) = new_forms();
            index_page(&state, &ctx, &a, Feedback::from_service(e)?, raw, f, "item").await
        }
    }
}

pub async fn create_interface(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i32>,
    form: FormData,
) -> AppResult<Response> {
    let (actor, a) = authorize(&state, &ctx, id, Action::Contribute).await?;
    let raw: RawInterface = form.typed()?;
    let result = match svc::validate_interface(&raw) {
        Ok(i) => svc::create_interface(&state.db, actor, id, &i).await,
        Err(e) => Err(e.into()),
    };
    match result {
        Ok(_) => Ok(Redirect::to(&format!("{}#interfaces", base(id))).into_response()),
        Err(e) => {
            let (i, _) = new_forms();
            index_page(&state, &ctx, &a, Feedback::from_service(e)?, i, raw, "interface").await
        }
    }
}

pub(crate) fn raw_item(i: &crate::entity::config_item::Model) -> RawItem {
    RawItem {
        module_key: i.module_key.clone(),
        setting: i.setting.clone(),
        value: i.value.clone(),
        step: match (i.blueprint_id, i.step_no) {
            (Some(b), Some(n)) => format!("{b}:{n}"),
            _ => String::new(),
        },
        feature: i.feature.clone(),
        owner: i.owner.clone(),
        status: i.status.clone(),
    }
}

async fn item_page(
    state: &AppState,
    ctx: &Ctx,
    a: &Access,
    iid: i32,
    raw: Option<RawItem>,
    fb: Feedback,
) -> AppResult<Response> {
    let current = svc::get_item(&state.db.conn, a.project.id, iid).await?;
    let v = svc::view(&state.db.conn, &a.project).await?;
    let data = context! {
        project => ser(&a.project),
        item => ser(&current),
        form => ser(&raw.unwrap_or_else(|| raw_item(&current))),
        version => current.version,
        conflict => fb.conflict,
        errors => error_map(&fb.errors),
        v => ser(&v),
        modules => ser(&modules(a)),
        statuses => ser(&CONFIG_STATUSES),
        can => can(a.role),
    };
    Ok((fb.status, page(state, ctx, "configuration/item.html", data)).into_response())
}

pub async fn show_item(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, iid)): Path<(i32, i32)>,
) -> AppResult<Response> {
    let (_, a) = authorize(&state, &ctx, id, Action::View).await?;
    item_page(&state, &ctx, &a, iid, None, Feedback::none()).await
}

pub async fn update_item(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, iid)): Path<(i32, i32)>,
    form: FormData,
) -> AppResult<Response> {
    let (actor, a) = authorize(&state, &ctx, id, Action::Contribute).await?;
    let version = form.version()?;
    let raw: RawItem = form.typed()?;
    let v = svc::view(&state.db.conn, &a.project).await?;
    let result = match svc::validate_item(&raw, &modules(&a), &svc::step_keys(&v)) {
        Ok(i) => svc::update_item(&state.db, actor, id, iid, version, &i, clock::today(&a.project)).await,
        Err(e) => Err(e.into()),
    };
    match result {
        Ok(_) => Ok(Redirect::to(&format!("{}#record", base(id))).into_response()),
        Err(e) => item_page(&state, &ctx, &a, iid, Some(raw), Feedback::from_service(e)?).await,
    }
}

pub(crate) fn raw_interface(i: &crate::entity::interface::Model) -> RawInterface {
    RawInterface {
        name: i.name.clone(),
        source_system: i.source_system.clone(),
        target_system: i.target_system.clone(),
        direction: i.direction.clone(),
        data_objects: i.data_objects.clone(),
        frequency: i.frequency.clone(),
        method: i.method.clone(),
        owner: i.owner.clone(),
        status: i.status.clone(),
        test_status: i.test_status.clone(),
    }
}

async fn interface_page(
    state: &AppState,
    ctx: &Ctx,
    a: &Access,
    fid: i32,
    raw: Option<RawInterface>,
    fb: Feedback,
) -> AppResult<Response> {
    let current = svc::get_interface(&state.db.conn, a.project.id, fid).await?;
    let data = context! {
        project => ser(&a.project),
        iface => ser(&current),
        form => ser(&raw.unwrap_or_else(|| raw_interface(&current))),
        version => current.version,
        conflict => fb.conflict,
        errors => error_map(&fb.errors),
        directions => ser(&DIRECTIONS),
        methods => ser(&METHODS),
        iface_statuses => ser(&INTERFACE_STATUSES),
        iface_tests => ser(&INTERFACE_TESTS),
        can => can(a.role),
    };
    Ok((fb.status, page(state, ctx, "configuration/interface.html", data)).into_response())
}

pub async fn show_interface(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, fid)): Path<(i32, i32)>,
) -> AppResult<Response> {
    let (_, a) = authorize(&state, &ctx, id, Action::View).await?;
    interface_page(&state, &ctx, &a, fid, None, Feedback::none()).await
}

pub async fn update_interface(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, fid)): Path<(i32, i32)>,
    form: FormData,
) -> AppResult<Response> {
    let (actor, a) = authorize(&state, &ctx, id, Action::Contribute).await?;
    let version = form.version()?;
    let raw: RawInterface = form.typed()?;
    let result = match svc::validate_interface(&raw) {
        Ok(i) => svc::update_interface(&state.db, actor, id, fid, version, &i).await,
        Err(e) => Err(e.into()),
    };
    match result {
        Ok(_) => Ok(Redirect::to(&format!("{}#interfaces", base(id))).into_response()),
        Err(e) => interface_page(&state, &ctx, &a, fid, Some(raw), Feedback::from_service(e)?).await,
    }
}

/// This area's pages and form posts.
pub fn routes() -> axum::Router<crate::AppState> {
    use axum::routing::{get, post};
    axum::Router::new()
        .route("/projects/{id}/configuration", get(index).post(create_item))
        .route("/projects/{id}/configuration/items/{iid}", get(show_item).post(update_item))
        .route("/projects/{id}/configuration/interfaces", post(create_interface))
        .route("/projects/{id}/configuration/interfaces/{fid}", get(show_interface).post(update_interface))
}
