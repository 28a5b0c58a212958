//! Webhook subscriptions (the director's): list with the delivery log, add, edit, turn on
//! or off, delete. Everything shown comes from `service::hooks::view`.
use super::context::Ctx;
use super::form::{Feedback, FormData};
use super::projects::{authorize, can, error_map};
use super::render::{page, ser};
use crate::AppState;
use crate::domain::policy::Action;
use crate::entity::{project, webhook};
use crate::error::AppResult;
use crate::service::hooks::{self, RawHook};
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use minijinja::context;

fn raw_of_form(form: &FormData) -> RawHook {
    RawHook {
        name: form.get("name").into(),
        url: form.get("url").into(),
        events: form.all("events"),
        preset: form.get("preset").into(),
        secret: form.get("secret").into(),
        lang: form.get("lang").into(),
    }
}

fn raw_of(h: &webhook::Model) -> RawHook {
    RawHook {
        name: h.name.clone(),
        url: h.url.clone(),
        events: h.events.split(',').filter(|s| !s.is_empty()).map(str::to_string).collect(),
        preset: h.preset.clone(),
        secret: String::new(),
        lang: h.lang.clone(),
    }
}

pub async fn index(State(state): State<AppState>, ctx: Ctx, Path(id): Path<i32>) -> AppResult<Response> {
    let (_, a) = authorize(&state, &ctx, id, Action::ManageWebhooks).await?;
    let form = RawHook { preset: "ninefold".into(), lang: ctx.lang.code().into(), ..Default::default() };
    index_page(&state, &ctx, &a.project, a.role, Feedback::none(), form, None).await
}

async fn index_page(
    state: &AppState,
    ctx: &Ctx,
    project: &project::Model,
    role: crate::domain::policy::Role,
    fb: Feedback,
    form: RawHook,
    new_secret: Option<String>,
) -> AppResult<Response> {
    let v = hooks::view(&state.db.conn, project.id).await?;
    let data = context! {
        project => ser(project),
        view => ser(&v),
        form => ser(&form),
        errors => error_map(&fb.errors),
        error => fb.error,
        new_secret,
        can => can(role),
    };
    Ok((fb.status, page(state, ctx, "hooks/index.html", data)).into_response())
}

pub async fn create(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i32>,
    form: FormData,
) -> AppResult<Response> {
    let (actor, a) = authorize(&state, &ctx, id, Action::ManageWebhooks).await?;
    let raw = raw_of_form(&form);
    let result = match hooks::validate(&raw, state.webhook_allow_private) {
        Ok(input) => hooks::create(&state.db, actor, id, &input).await,
        Err(e) => Err(e.into()),
    };
    match result {
        // A secret the server made is shown once, on this page (never in a URL).
        Ok((_, Some(secret))) => {
            let form = RawHook { preset: "ninefold".into(), lang: ctx.lang.code().into(), ..Default::default() };
            index_page(&state, &ctx, &a.project, a.role, Feedback::none(), form, Some(secret)).await
        }
        Ok((_, None)) => Ok(Redirect::to(&format!("/projects/{id}/webhooks")).into_response()),
        Err(e) => {
            let mut raw = raw;
            raw.secret.clear();
            index_page(&state, &ctx, &a.project, a.role, Feedback::from_service(e)?, raw, None).await
        }
    }
}

pub async fn edit_form(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, wid)): Path<(i32, i32)>,
) -> AppResult<Response> {
    let (_, a) = authorize(&state, &ctx, id, Action::ManageWebhooks).await?;
    let h = hooks::get(&state.db.conn, id, wid).await?;
    let version = h.version;
    form_page(&state, &ctx, &a.project, raw_of(&h), h, Feedback::none(), version).await
}

async fn form_page(
    state: &AppState,
    ctx: &Ctx,
    project: &project::Model,
    form: RawHook,
    current: webhook::Model,
    fb: Feedback,
    version: i32,
) -> AppResult<Response> {
    let v = hooks::view(&state.db.conn, project.id).await?;
    let data = context! {
        project => ser(project),
        hook => ser(&current),
        has_secret => !current.secret.is_empty(),
        view => ser(&v),
        form => ser(&form),
        errors => error_map(&fb.errors),
        conflict => fb.conflict,
        version,
    };
    Ok((fb.status, page(state, ctx, "hooks/form.html", data)).into_response())
}

pub async fn update(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, wid)): Path<(i32, i32)>,
    form: FormData,
) -> AppResult<Response> {
    let (actor, a) = authorize(&state, &ctx, id, Action::ManageWebhooks).await?;
    let version = form.version()?;
    let raw = raw_of_form(&form);
    let result = match hooks::validate(&raw, state.webhook_allow_private) {
        Ok(input) => hooks::update(&state.db, actor, id, wid, version, &input).await,
        Err(e) => Err(e.into()),
    };
    match result {
        Ok(_) => Ok(Redirect::to(&format!("/projects/{id}/webhooks")).into_response()),
        Err(e) => {
            let fb = Feedback::from_service(e)?;
            let current = hooks::get(&state.db.conn, id, wid).await?;
            let v = if fb.conflict { current.version } else { version };
            let mut raw = raw;
            raw.secret.clear();
            form_page(&state, &ctx, &a.project, raw, current, fb, v).await
        }
    }
}

#[derive(Clone, Copy)]
pub enum Op {
    Enable,
    Disable,
    Delete,
}

async fn op(state: AppState, ctx: Ctx, (id, wid): (i32, i32), which: Op, form: FormData) -> AppResult<Response> {
    let (actor, a) = authorize(&state, &ctx, id, Action::ManageWebhooks).await?;
    let version = form.version()?;
    let result = match which {
        Op::Enable => hooks::set_active(&state.db, actor, id, wid, version, true).await,
        Op::Disable => hooks::set_active(&state.db, actor, id, wid, version, false).await,
        Op::Delete => hooks::delete(&state.db, actor, id, wid, version).await,
    };
    match result {
        Ok(()) => Ok(Redirect::to(&format!("/projects/{id}/webhooks")).into_response()),
        Err(e) => {
            let mut fb = Feedback::from_service(e)?;
            fb.error = Some("hooks.stale");
            let form = RawHook { preset: "ninefold".into(), lang: ctx.lang.code().into(), ..Default::default() };
            index_page(&state, &ctx, &a.project, a.role, fb, form, None).await
        }
    }
}

/// This area's pages and form posts.
pub fn routes() -> axum::Router<crate::AppState> {
    use super::form::form_route;
    use axum::routing::get;
    axum::Router::new()
        .route("/projects/{id}/webhooks", get(index).post(create))
        .route("/projects/{id}/webhooks/{wid}", get(edit_form).post(update))
        .route("/projects/{id}/webhooks/{wid}/enable", form_route(Op::Enable, op))
        .route("/projects/{id}/webhooks/{wid}/disable", form_route(Op::Disable, op))
        .route("/projects/{id}/webhooks/{wid}/delete", form_route(Op::Delete, op))
}
