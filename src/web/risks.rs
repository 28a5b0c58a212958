//! The risk register: pre-loaded failure factors, rating, dismissal with a reason, the 5×5
//! heat map.
use super::context::Ctx;
use super::form::{Feedback, FormData};
use super::projects::{authorize, can, error_map};
use super::render::{page, ser};
use crate::AppState;
use crate::domain::policy::{Action, Role};
use crate::domain::risk::{CATEGORIES, STATUSES};
use crate::entity::project;
use crate::error::AppResult;
use crate::service::risks::{self, RawRisk, RiskView};
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use minijinja::{Value, context};

fn raw_of(v: &RiskView) -> RawRisk {
    let r = &v.risk;
    let num = |x: Option<i32>| x.map(|x| x.to_string()).unwrap_or_default();
    RawRisk {
        title: v.title.clone(),
        description: v.description.clone(),
        category: r.category.clone(),
        probability: num(r.probability),
        impact: num(r.impact),
        owner: r.owner.clone(),
        mitigation: r.mitigation.clone(),
        contingency: r.contingency.clone(),
        status: r.status.clone(),
        dismiss_reason: r.dismiss_reason.clone(),
        review_date: r.review_date.map(|d| d.to_string()).unwrap_or_default(),
    }
}

pub async fn index(State(state): State<AppState>, ctx: Ctx, Path(id): Path<i32>) -> AppResult<Response> {
    let (actor, a) = authorize(&state, &ctx, id, Action::View).await?;
    // Projects created before the register get the failure factors on the first visit.
    risks::ensure_loaded(&state.db, actor, id).await?;
    index_page(&state, &ctx, a.project, a.role, Feedback::none(), RawRisk::default()).await
}

async fn index_page(
    state: &AppState,
    ctx: &Ctx,
    project: project::Model,
    role: Role,
    fb: Feedback,
    form: RawRisk,
) -> AppResult<Response> {
    let v = risks::register(&state.db.conn, &project, ctx.lang).await?;
    let chart = Value::from_safe_string(v.heat_map.to_svg());
    let data = context! {
        project => ser(&project),
        risks => ser(&v.risks),
        chart,
        counts => ser(&v.counts),
        top => ser(&v.top),
        can => can(role),
        errors => error_map(&fb.errors),
        form => ser(&form),
        categories => ser(&CATEGORIES),
        today => v.as_of.to_string(),
    };
    Ok((fb.status, page(state, ctx, "risks/index.html", data)).into_response())
}

pub async fn create(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i32>,
    form: FormData,
) -> AppResult<Response> {
    let (actor, a) = authorize(&state, &ctx, id, Action::Contribute).await?;
    let mut raw: RawRisk = form.typed()?;
    if raw.status.is_empty() {
        raw.status = "open".into();
    }
    let result = match risks::validate(&raw) {
        Ok(input) => risks::create(&state.db, actor, id, &input).await,
        Err(e) => Err(e.into()),
    };
    match result {
        Ok(_) => Ok(Redirect::to(&format!("/projects/{id}/risks")).into_response()),
        Err(e) => index_page(&state, &ctx, a.project, a.role, Feedback::from_service(e)?, raw).await,
    }
}

pub async fn edit_form(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, rid)): Path<(i32, i32)>,
) -> AppResult<Response> {
    let (_, a) = authorize(&state, &ctx, id, Action::View).await?;
    let v = risks::detail(&state.db.conn, &a.project, rid, ctx.lang).await?;
    let (raw, version) = (raw_of(&v), v.risk.version);
    form_page(&state, &ctx, &a.project, a.role, v, raw, Feedback::none(), version).await
}

/// The risk form: `current` is the risk as stored now, `raw` what the form shows; a stale
/// save shows what changed meanwhile and carries the current version.
#[allow(clippy::too_many_arguments)]
async fn form_page(
    state: &AppState,
    ctx: &Ctx,
    project: &project::Model,
    role: Role,
    current: RiskView,
    raw: RawRisk,
    fb: Feedback,
    version: i32,
) -> AppResult<Response> {
    let conflict = if fb.conflict { Some(raw_of(&current)) } else { None };
    let thread = crate::service::collab::thread(&state.db.conn, project.id, "risk", current.risk.id).await?;
    let data = context! {
        thread => ser(&thread),
        thread_can => super::collab::thread_can(role),
        me => ctx.user.as_ref().map(|u| u.id),
        project => ser(project),
        risk => ser(&current),
        form => ser(&raw),
        errors => error_map(&fb.errors),
        error => fb.error,
        conflict => ser(&conflict),
        version,
        can => can(role),
        categories => ser(&CATEGORIES),
        statuses => ser(&STATUSES),
    };
    Ok((fb.status, page(state, ctx, "risks/form.html", data)).into_response())
}

pub async fn update(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, rid)): Path<(i32, i32)>,
    form: FormData,
) -> AppResult<Response> {
    let (actor, a) = authorize(&state, &ctx, id, Action::Contribute).await?;
    let version = form.version()?;
    let raw: RawRisk = form.typed()?;
    let result = match risks::validate(&raw) {
        Ok(input) => risks::update(&state.db, actor, id, rid, version, &input).await,
        Err(e) => Err(e.into()),
    };
    match result {
        Ok(_) => Ok(Redirect::to(&format!("/projects/{id}/risks")).into_response()),
        Err(e) => {
            let fb = Feedback::from_service(e)?;
            let current = risks::detail(&state.db.conn, &a.project, rid, ctx.lang).await?;
            let v = if fb.conflict { current.risk.version } else { version };
            form_page(&state, &ctx, &a.project, a.role, current, raw, fb, v).await
        }
    }
}

/// Dismiss a (candidate) risk with a reason; without one the form comes back with the
/// message by the field.
pub async fn dismiss(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, rid)): Path<(i32, i32)>,
    form: FormData,
) -> AppResult<Response> {
    let (actor, a) = authorize(&state, &ctx, id, Action::Contribute).await?;
    let version = form.version()?;
    match risks::dismiss(&state.db, actor, id, rid, version, form.get("reason")).await {
        Ok(()) => Ok(Redirect::to(&format!("/projects/{id}/risks")).into_response()),
        Err(e) => {
            let mut fb = Feedback::from_service(e)?;
            // The reason field of the edit form is `dismiss_reason`.
            for f in &mut fb.errors.0 {
                if f.field == "reason" {
                    f.field = "dismiss_reason".into();
                }
            }
            let current = risks::detail(&state.db.conn, &a.project, rid, ctx.lang).await?;
            let mut raw = raw_of(&current);
            raw.status = "dismissed".into();
            raw.dismiss_reason = form.get("reason").into();
            let version = current.risk.version;
            form_page(&state, &ctx, &a.project, a.role, current, raw, fb, version).await
        }
    }
}

/// This area's pages and form posts.
pub fn routes() -> axum::Router<crate::AppState> {
    use axum::routing::{get, post};
    axum::Router::new()
        .route("/projects/{id}/risks", get(index).post(create))
        .route("/projects/{id}/risks/{rid}", get(edit_form).post(update))
        .route("/projects/{id}/risks/{rid}/dismiss", post(dismiss))
}
