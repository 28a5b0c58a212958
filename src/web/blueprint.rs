//! The business blueprint (phase 4): to-be processes drawn as swimlanes, their revisions and
//! the diff between them, the process-to-module map.
use super::context::Ctx;
use super::form::{Feedback, FormData};
use super::projects::{authorize, can, error_map};
use super::render::{page, ser};
use crate::AppState;
use crate::chart::swimlane::{self, Lane};
use crate::domain::diagnosis::{Content, steps_text};
use crate::domain::policy::{Action, Role};
use crate::entity::{blueprint, project};
use crate::error::AppResult;
use crate::service::blueprint::{self as svc, RawBlueprint};
use crate::service::{diagnosis, targets};
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use minijinja::{Value, context};
use serde::Deserialize;

pub fn swimlane_svg(c: &Content) -> String {
    let lanes: Vec<Lane> = c
        .steps
        .iter()
        .map(|s| Lane {
            actor: s.actor.clone(),
            action: s.action.clone(),
            system: match (s.module.is_empty(), s.feature.is_empty()) {
                (false, false) => format!("{} · {}", s.module, s.feature),
                (false, true) => s.module.clone(),
                _ => s.feature.clone(),
            },
            rule: s.rule.clone(),
            output: s.output.clone(),
        })
        .collect();
    swimlane::to_svg(&lanes)
}

fn raw_from(form: &FormData) -> RawBlueprint {
    RawBlueprint {
        name: form.get("name").into(),
        process_id: form.get("process_id").into(),
        steps: form.get("steps").into(),
        rules: form.get("rules").into(),
        people: form.get("people").into(),
        targets: form.all("targets"),
        reason: form.get("reason").into(),
    }
}

fn raw_of(b: &blueprint::Model) -> RawBlueprint {
    let c = svc::content_of(&b.content);
    RawBlueprint {
        name: b.name.clone(),
        process_id: b.process_id.map(|p| p.to_string()).unwrap_or_default(),
        steps: steps_text(&c.steps),
        rules: c.rules,
        people: c.people,
        targets: c.targets,
        reason: String::new(),
    }
}

async fn choices(state: &AppState, id: i32) -> AppResult<(Vec<i32>, Vec<String>, Value, Value)> {
    let procs = diagnosis::processes(&state.db.conn, id).await?;
    let tgs = targets::list(&state.db.conn, id).await?;
    let ids = procs.iter().map(|p| p.id).collect();
    let keys = tgs.iter().map(|t| t.key.clone()).collect();
    let pv: Vec<Value> =
        procs.iter().map(|p| context! { id => p.id, name => p.name.clone(), selected => p.selected }).collect();
    let tv: Vec<Value> = tgs.iter().map(|t| context! { key => t.key.clone(), name => t.name.clone() }).collect();
    Ok((ids, keys, Value::from(pv), Value::from(tv)))
}

pub async fn index(State(state): State<AppState>, ctx: Ctx, Path(id): Path<i32>) -> AppResult<Response> {
    let (_, a) = authorize(&state, &ctx, id, Action::View).await?;
    index_page(&state, &ctx, &a.project, a.role, Feedback::none(), RawBlueprint::default()).await
}

async fn index_page(
    state: &AppState,
    ctx: &Ctx,
    project: &project::Model,
    role: Role,
    fb: Feedback,
    form: RawBlueprint,
) -> AppResult<Response> {
    let c = &state.db.conn;
    let procs = diagnosis::processes(c, project.id).await?;
    let bps: Vec<Value> = svc::list(c, project.id)
        .await?
        .into_iter()
        .map(|b| {
            let content = svc::content_of(&b.content);
            let process = procs.iter().find(|p| Some(p.id) == b.process_id).map(|p| p.name.clone());
            context! { b => ser(&b), steps => content.steps.len(), targets => ser(&content.targets), process }
        })
        .collect();
    let map = svc::module_map(c, project.id, &procs).await?;
    let (_, _, processes, targets) = choices(state, project.id).await?;
    let data = context! {
        project => ser(project),
        blueprints => bps,
        map => ser(&map),
        processes,
        targets,
        form => ser(&form),
        errors => error_map(&fb.errors),
        can => can(role),
    };
    Ok((fb.status, page(state, ctx, "blueprint/index.html", data)).into_response())
}

pub async fn create(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i32>,
    form: FormData,
) -> AppResult<Response> {
    let (actor, a) = authorize(&state, &ctx, id, Action::Contribute).await?;
    let raw = raw_from(&form);
    let (pids, tkeys, _, _) = choices(&state, id).await?;
    let result = match svc::validate(&raw, &pids, &tkeys, false) {
        Ok(i) => svc::create(&state.db, actor, id, &i).await,
        Err(e) => Err(e.into()),
    };
    match result {
        Ok(b) => Ok(Redirect::to(&format!("/projects/{id}/blueprint/{}", b.id)).into_response()),
        Err(e) => index_page(&state, &ctx, &a.project, a.role, Feedback::from_service(e)?, raw).await,
    }
}

#[derive(Deserialize)]
pub struct DiffQuery {
    from: Option<i32>,
    to: Option<i32>,
}

pub async fn show(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, bid)): Path<(i32, i32)>,
    Query(q): Query<DiffQuery>,
) -> AppResult<Response> {
    let (_, a) = authorize(&state, &ctx, id, Action::View).await?;
    let b = svc::get(&state.db.conn, id, bid).await?;
    let raw = raw_of(&b);
    show_page(&state, &ctx, &a.project, a.role, &b, raw, Feedback::none(), b.version, q).await
}

#[allow(clippy::too_many_arguments)]
async fn show_page(
    state: &AppState,
    ctx: &Ctx,
    project: &project::Model,
    role: Role,
    b: &blueprint::Model,
    form: RawBlueprint,
    fb: Feedback,
    version: i32,
    q: DiffQuery,
) -> AppResult<Response> {
    let content = svc::content_of(&b.content);
    let revs = svc::revisions(&state.db.conn, b.id).await?;
    let to = q.to.unwrap_or(b.revision);
    let from = q.from.unwrap_or(to - 1);
    let diff = if from >= 1 && from != to { svc::diff_of(&revs, from, to) } else { None };
    let (_, _, processes, targets) = choices(state, project.id).await?;
    let tnames: Vec<Value> = targets::list(&state.db.conn, project.id)
        .await?
        .into_iter()
        .filter(|t| content.targets.contains(&t.key))
        .map(|t| context! { key => t.key, name => t.name, id => t.id })
        .collect();
    let data = context! {
        project => ser(project),
        b => ser(b),
        content => ser(&content),
        svg => Value::from_safe_string(swimlane_svg(&content)),
        revisions => ser(&revs),
        diff => ser(&diff),
        from,
        to,
        served => tnames,
        processes,
        targets,
        form => ser(&form),
        errors => error_map(&fb.errors),
        conflict => fb.conflict,
        version,
        can => can(role),
    };
    Ok((fb.status, page(state, ctx, "blueprint/show.html", data)).into_response())
}

pub async fn revise(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, bid)): Path<(i32, i32)>,
    form: FormData,
) -> AppResult<Response> {
    let (actor, a) = authorize(&state, &ctx, id, Action::Contribute).await?;
    let version = form.version()?;
    let raw = raw_from(&form);
    let (pids, tkeys, _, _) = choices(&state, id).await?;
    let result = match svc::validate(&raw, &pids, &tkeys, true) {
        Ok(i) => svc::revise(&state.db, actor, id, bid, version, &i).await,
        Err(e) => Err(e.into()),
    };
    match result {
        Ok(b) => Ok(Redirect::to(&format!("/projects/{id}/blueprint/{}#diff", b.id)).into_response()),
        Err(e) => {
            let fb = Feedback::from_service(e)?;
            let b = svc::get(&state.db.conn, id, bid).await?;
            let v = if fb.conflict { b.version } else { version };
            show_page(&state, &ctx, &a.project, a.role, &b, raw, fb, v, DiffQuery { from: None, to: None }).await
        }
    }
}

/// Add a feature named by the blueprint to the module's checklist.
pub async fn add_feature(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i32>,
    form: FormData,
) -> AppResult<Response> {
    let (actor, a) = authorize(&state, &ctx, id, Action::Contribute).await?;
    let module_id: i32 = form.get("module_id").parse().map_err(|_| crate::error::AppError::BadRequest)?;
    match svc::add_feature(&state.db, actor, id, module_id, form.get("feature")).await {
        Ok(()) => Ok(Redirect::to(&format!("/projects/{id}/blueprint#map")).into_response()),
        Err(e) => {
            index_page(&state, &ctx, &a.project, a.role, Feedback::from_service(e)?, RawBlueprint::default()).await
        }
    }
}

/// This area's pages and form posts.
pub fn routes() -> axum::Router<crate::AppState> {
    use axum::routing::{get, post};
    axum::Router::new()
        .route("/projects/{id}/blueprint", get(index).post(create))
        .route("/projects/{id}/blueprint/features", post(add_feature))
        .route("/projects/{id}/blueprint/{bid}", get(show).post(revise))
}
