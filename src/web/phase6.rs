//! Phase 6 pages: operating rules and procedures (drawn from the blueprint's rule changes,
//! approved by the director or the steering committee) and the data conversion trial.
use super::context::Ctx;
use super::form::{Feedback, FormData};
use super::projects::{authorize, can, error_map};
use super::render::{page, ser};
use crate::AppState;
use crate::domain::policy::Action;
use crate::error::AppResult;
use crate::service::access::Access;
use crate::service::clock;
use crate::service::phase6::{self as svc, RawRule, RawTrial};
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use minijinja::context;
use serde::Deserialize;

// ---------------------------------------------------------------- rules

#[derive(Deserialize, Default)]
pub struct FromQuery {
    /// A blueprint whose rule changes prefill the new rule.
    #[serde(default)]
    pub from: Option<i32>,
}

async fn rules_page(
    state: &AppState,
    ctx: &Ctx,
    a: &Access,
    form: Option<RawRule>,
    fb: Feedback,
) -> AppResult<Response> {
    let v = svc::rules_view(&state.db.conn, &a.project).await?;
    let open = form.is_some();
    let data = context! {
        project => ser(&a.project),
        v => ser(&v),
        form => ser(&form.unwrap_or_default()),
        open,
        errors => error_map(&fb.errors),
        error => fb.error,
        can => can(a.role),
    };
    Ok((fb.status, page(state, ctx, "phase6/rules.html", data)).into_response())
}

pub async fn rules(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i32>,
    Query(q): Query<FromQuery>,
) -> AppResult<Response> {
    let (_, a) = authorize(&state, &ctx, id, Action::View).await?;
    let draft = match q.from {
        Some(bp) => svc::rules_view(&state.db.conn, &a.project)
            .await?
            .sources
            .iter()
            .find(|s| s.blueprint_id == bp)
            .map(|s| svc::draft_from(s, ctx.lang)),
        None => None,
    };
    rules_page(&state, &ctx, &a, draft, Feedback::none()).await
}

async fn blueprint_ids(state: &AppState, id: i32) -> AppResult<Vec<i32>> {
    Ok(crate::service::testing::blueprint_ids(&state.db.conn, id).await?.iter().map(|b| b.id).collect())
}

pub async fn create_rule(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i32>,
    form: FormData,
) -> AppResult<Response> {
    let (actor, a) = authorize(&state, &ctx, id, Action::Contribute).await?;
    let raw: RawRule = form.typed()?;
    let result = match svc::validate_rule(&raw, &blueprint_ids(&state, id).await?) {
        Ok(i) => svc::create_rule(&state.db, actor, id, &i).await,
        Err(e) => Err(e.into()),
    };
    match result {
        Ok(r) => Ok(Redirect::to(&format!("/projects/{id}/rules#rule-{}", r.id)).into_response()),
        Err(e) => rules_page(&state, &ctx, &a, Some(raw), Feedback::from_service(e)?).await,
    }
}

/// A stored rule in the form's shape (the edit form, and the base of an API `PATCH`).
pub fn raw_rule(r: &crate::entity::operating_rule::Model) -> RawRule {
    RawRule {
        title: r.title.clone(),
        blueprint_id: r.blueprint_id.map(|b| b.to_string()).unwrap_or_default(),
        owner: r.owner.clone(),
        body: r.body.clone(),
        effective_on: r.effective_on.map(|d| d.to_string()).unwrap_or_default(),
    }
}

async fn rule_page(
    state: &AppState,
    ctx: &Ctx,
    a: &Access,
    rid: i32,
    raw: Option<RawRule>,
    fb: Feedback,
) -> AppResult<Response> {
    let current = svc::get_rule(&state.db.conn, a.project.id, rid).await?;
    let v = svc::rules_view(&state.db.conn, &a.project).await?;
    let data = context! {
        project => ser(&a.project),
        rule => ser(&current),
        v => ser(&v),
        form => ser(&raw.unwrap_or_else(|| raw_rule(&current))),
        version => current.version,
        conflict => fb.conflict,
        errors => error_map(&fb.errors),
        error => fb.error,
        can => can(a.role),
    };
    Ok((fb.status, page(state, ctx, "phase6/rule.html", data)).into_response())
}

pub async fn show_rule(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, rid)): Path<(i32, i32)>,
) -> AppResult<Response> {
    let (_, a) = authorize(&state, &ctx, id, Action::View).await?;
    rule_page(&state, &ctx, &a, rid, None, Feedback::none()).await
}

pub async fn update_rule(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, rid)): Path<(i32, i32)>,
    form: FormData,
) -> AppResult<Response> {
    let (actor, a) = authorize(&state, &ctx, id, Action::Contribute).await?;
    let version = form.version()?;
    let raw: RawRule = form.typed()?;
    let result = match svc::validate_rule(&raw, &blueprint_ids(&state, id).await?) {
        Ok(i) => svc::update_rule(&state.db, actor, id, rid, version, &i).await,
        Err(e) => Err(e.into()),
    };
    match result {
        Ok(_) => Ok(Redirect::to(&format!("/projects/{id}/rules#rule-{rid}")).into_response()),
        Err(e) => rule_page(&state, &ctx, &a, rid, Some(raw), Feedback::from_service(e)?).await,
    }
}

/// The director or the steering committee approves the rule's current text.
pub async fn approve_rule(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, rid)): Path<(i32, i32)>,
    form: FormData,
) -> AppResult<Response> {
    let (actor, a) = authorize(&state, &ctx, id, Action::Review).await?;
    let version = form.version()?;
    let by = ctx.user()?.name.clone();
    match svc::approve_rule(&state.db, actor, id, rid, version, &by, clock::today(&a.project)).await {
        Ok(_) => Ok(Redirect::to(&format!("/projects/{id}/rules#rule-{rid}")).into_response()),
        Err(e) => rule_page(&state, &ctx, &a, rid, None, Feedback::from_service(e)?).await,
    }
}

// ---------------------------------------------------------------- conversion trial

async fn conversion_page(
    state: &AppState,
    ctx: &Ctx,
    a: &Access,
    form: Option<RawTrial>,
    fb: Feedback,
) -> AppResult<Response> {
    let v = svc::conversion_view(&state.db.conn, &a.project).await?;
    let sources = svc::source_ids(&state.db.conn, a.project.id).await?;
    let open = form.is_some();
    let data = context! {
        project => ser(&a.project),
        v => ser(&v),
        sources => ser(&sources),
        form => ser(&form.unwrap_or_default()),
        open,
        today => clock::today(&a.project).to_string(),
        errors => error_map(&fb.errors),
        error => fb.error,
        can => can(a.role),
    };
    Ok((fb.status, page(state, ctx, "phase6/conversion.html", data)).into_response())
}

pub async fn conversion(State(state): State<AppState>, ctx: Ctx, Path(id): Path<i32>) -> AppResult<Response> {
    let (_, a) = authorize(&state, &ctx, id, Action::View).await?;
    conversion_page(&state, &ctx, &a, None, Feedback::none()).await
}

async fn source_list(state: &AppState, id: i32) -> AppResult<Vec<i32>> {
    Ok(svc::source_ids(&state.db.conn, id).await?.iter().map(|s| s.0).collect())
}

pub async fn create_trial(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i32>,
    form: FormData,
) -> AppResult<Response> {
    let (actor, a) = authorize(&state, &ctx, id, Action::Contribute).await?;
    let raw: RawTrial = form.typed()?;
    let result = match svc::validate_trial(&raw, &source_list(&state, id).await?, clock::today(&a.project)) {
        Ok(i) => svc::create_trial(&state.db, actor, id, &i).await,
        Err(e) => Err(e.into()),
    };
    match result {
        Ok(t) => Ok(Redirect::to(&format!("/projects/{id}/conversion#source-{}", t.source_id)).into_response()),
        Err(e) => conversion_page(&state, &ctx, &a, Some(raw), Feedback::from_service(e)?).await,
    }
}

/// A stored trial in the form's shape (the edit form, and the base of an API `PATCH`).
pub fn raw_trial(t: &crate::entity::conversion_trial::Model) -> RawTrial {
    RawTrial {
        source_id: t.source_id.to_string(),
        trial_on: t.trial_on.to_string(),
        source_count: t.source_count.to_string(),
        loaded: t.loaded.to_string(),
        rejected: t.rejected.to_string(),
        reconciled: t.reconciled.to_string(),
        notes: t.notes.clone(),
    }
}

async fn trial_page(
    state: &AppState,
    ctx: &Ctx,
    a: &Access,
    tid: i32,
    raw: Option<RawTrial>,
    fb: Feedback,
) -> AppResult<Response> {
    let current = svc::get_trial(&state.db.conn, a.project.id, tid).await?;
    let sources = svc::source_ids(&state.db.conn, a.project.id).await?;
    let data = context! {
        project => ser(&a.project),
        trial => ser(&current),
        sources => ser(&sources),
        form => ser(&raw.unwrap_or_else(|| raw_trial(&current))),
        version => current.version,
        today => clock::today(&a.project).to_string(),
        conflict => fb.conflict,
        errors => error_map(&fb.errors),
        error => fb.error,
        can => can(a.role),
    };
    Ok((fb.status, page(state, ctx, "phase6/trial.html", data)).into_response())
}

pub async fn show_trial(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, tid)): Path<(i32, i32)>,
) -> AppResult<Response> {
    let (_, a) = authorize(&state, &ctx, id, Action::View).await?;
    trial_page(&state, &ctx, &a, tid, None, Feedback::none()).await
}

pub async fn update_trial(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, tid)): Path<(i32, i32)>,
    form: FormData,
) -> AppResult<Response> {
    let (actor, a) = authorize(&state, &ctx, id, Action::Contribute).await?;
    let version = form.version()?;
    let raw: RawTrial = form.typed()?;
    let result = match svc::validate_trial(&raw, &source_list(&state, id).await?, clock::today(&a.project)) {
        Ok(i) => svc::update_trial(&state.db, actor, id, tid, version, &i).await,
        Err(e) => Err(e.into()),
    };
    match result {
        Ok(t) => Ok(Redirect::to(&format!("/projects/{id}/conversion#source-{}", t.source_id)).into_response()),
        Err(e) => trial_page(&state, &ctx, &a, tid, Some(raw), Feedback::from_service(e)?).await,
    }
}

/// This area's pages and form posts.
pub fn routes() -> axum::Router<crate::AppState> {
    use axum::routing::{get, post};
    axum::Router::new()
        .route("/projects/{id}/rules", get(rules).post(create_rule))
        .route("/projects/{id}/rules/{rid}", get(show_rule).post(update_rule))
        .route("/projects/{id}/rules/{rid}/approve", post(approve_rule))
        .route("/projects/{id}/conversion", get(conversion).post(create_trial))
        .route("/projects/{id}/conversion/{tid}", get(show_trial).post(update_trial))
}
