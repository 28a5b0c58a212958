//! Activities and deliverables.
use super::context::Ctx;
use super::form::{Feedback, FormData};
use super::projects::{authorize, can, error_map};
use super::render::{page, ser};
use crate::AppState;
use crate::domain::policy::Action;
use crate::domain::workflow::Transition;
use crate::entity::deliverable;
use crate::error::{AppError, AppResult};
use crate::service::{self, access::Access, projects, users, work};
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use minijinja::context;
use serde::Deserialize;

/// A project-specific activity: its names and tier.
#[derive(Deserialize, Default)]
#[serde(default)]
struct ActivityForm {
    name_en: String,
    name_zh: String,
    tier: String,
}

/// An activity ticked done (`done=1`) or open again; `phase` is the phase shown.
#[derive(Deserialize)]
struct ActivityStatusForm {
    version: i32,
    #[serde(default)]
    done: String,
    #[serde(default)]
    phase: String,
}

/// The deliverable's working notes.
#[derive(Deserialize)]
struct NotesForm {
    version: i32,
    #[serde(default)]
    notes: String,
}

/// A workflow step (submit, accept, return) with the reviewer's comment.
#[derive(Deserialize)]
struct TransitionForm {
    version: i32,
    #[serde(default)]
    comment: String,
}

pub async fn add_activity(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, seq)): Path<(i32, i32)>,
    form: FormData,
) -> AppResult<Response> {
    let (actor, _) = authorize(&state, &ctx, id, Action::Contribute).await?;
    let f: ActivityForm = form.typed()?;
    match work::add_activity(&state.db, actor, id, seq, &f.name_en, &f.name_zh, &f.tier).await {
        Ok(_) => Ok(Redirect::to(&format!("/projects/{id}?phase={seq}#activities")).into_response()),
        Err(service::Error::Invalid(e)) => {
            let field = e.0.first().map_or("err.invalid", |f| f.message);
            Err(AppError::Rule(field))
        }
        Err(e) => Err(e.into()),
    }
}

pub async fn activity_status(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, aid)): Path<(i32, i32)>,
    form: FormData,
) -> AppResult<Response> {
    let (actor, _) = authorize(&state, &ctx, id, Action::Contribute).await?;
    let f: ActivityStatusForm = form.typed()?;
    work::set_activity_done(&state.db, actor, id, aid, f.version, f.done == "1").await?;
    let back = f
        .phase
        .parse::<i32>()
        .map(|s| format!("/projects/{id}?phase={s}#activities"))
        .unwrap_or(format!("/projects/{id}"));
    Ok(Redirect::to(&back).into_response())
}

async fn deliverable_view(
    state: &AppState,
    ctx: &Ctx,
    a: Access,
    d: deliverable::Model,
    fb: Feedback,
    notes: Option<String>,
) -> AppResult<Response> {
    let phases = projects::phases(&state.db.conn, a.project.id).await?;
    let phase = phases.into_iter().find(|p| p.id == d.phase_id);
    let acceptance: Vec<crate::playbook::Text> = serde_json::from_str(&d.acceptance).unwrap_or_default();
    let reviewer = match d.reviewed_by {
        Some(uid) => users::get(&state.db.conn, uid).await.ok().map(|u| u.name),
        None => None,
    };
    let thread = crate::service::collab::thread(&state.db.conn, a.project.id, "deliverable", d.id).await?;
    let data = context! {
        thread => ser(&thread),
        thread_can => super::collab::thread_can(a.role),
        me => ctx.user.as_ref().map(|u| u.id),
        project => ser(&a.project),
        d => ser(&d),
        phase => ser(&phase),
        acceptance => ser(&acceptance),
        reviewer,
        notes,
        errors => error_map(&fb.errors),
        conflict => fb.conflict,
        error => fb.error,
        can => can(a.role),
    };
    Ok((fb.status, page(state, ctx, "deliverables/show.html", data)).into_response())
}

pub async fn deliverable_page(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, did)): Path<(i32, i32)>,
) -> AppResult<Response> {
    let (_, a) = authorize(&state, &ctx, id, Action::View).await?;
    let d = work::deliverable(&state.db.conn, id, did).await?;
    deliverable_view(&state, &ctx, a, d, Feedback::none(), None).await
}

pub async fn save_notes(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, did)): Path<(i32, i32)>,
    form: FormData,
) -> AppResult<Response> {
    let (actor, a) = authorize(&state, &ctx, id, Action::Contribute).await?;
    let f: NotesForm = form.typed()?;
    let result = work::save_notes(&state.db, actor, id, did, f.version, &f.notes).await;
    outcome(&state, &ctx, a, did, result, Some(f.notes)).await
}

pub async fn transition(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, did)): Path<(i32, i32)>,
    form: FormData,
) -> AppResult<Response> {
    let t = Transition::parse(form.get("action")).ok_or(AppError::BadRequest)?;
    let action = if t == Transition::Submit { Action::Contribute } else { Action::ReviewDeliverable };
    let (actor, a) = authorize(&state, &ctx, id, action).await?;
    let f: TransitionForm = form.typed()?;
    let result = work::transition(&state.db, actor, id, did, f.version, t, &f.comment).await;
    outcome(&state, &ctx, a, did, result, None).await
}

/// After a deliverable write: back to its page, or the page again with what went wrong
/// (409 for a stale version with the stored data shown, 422 for bad input or a rule).
async fn outcome(
    state: &AppState,
    ctx: &Ctx,
    a: Access,
    did: i32,
    result: service::Result<deliverable::Model>,
    notes: Option<String>,
) -> AppResult<Response> {
    let id = a.project.id;
    let fb = match result {
        Ok(d) => {
            return Ok(Redirect::to(&format!("/projects/{id}/deliverables/{}", d.id)).into_response());
        }
        Err(e) => Feedback::from_service(e)?,
    };
    let d = work::deliverable(&state.db.conn, id, did).await?;
    deliverable_view(state, ctx, a, d, fb, notes).await
}

/// This area's pages and form posts.
pub fn routes() -> axum::Router<crate::AppState> {
    use axum::routing::{get, post};
    axum::Router::new()
        .route("/projects/{id}/phases/{seq}/activities", post(add_activity))
        .route("/projects/{id}/activities/{aid}/status", post(activity_status))
        .route("/projects/{id}/deliverables/{did}", get(deliverable_page))
        .route("/projects/{id}/deliverables/{did}/notes", post(save_notes))
        .route("/projects/{id}/deliverables/{did}/transition", post(transition))
}
