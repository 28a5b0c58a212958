//! The issue log and change requests (completing RAID beside the risk register).
use super::context::Ctx;
use super::form::{Feedback, FormData};
use super::projects::{authorize, can, error_map};
use super::render::{page, ser};
use crate::AppState;
use crate::domain::policy::Action;
use crate::domain::raid::{CR_DECISIONS, ISSUE_SEVERITIES, ISSUE_STATUSES};
use crate::error::AppResult;
use crate::service::access::Access;
use crate::service::clock;
use crate::service::raid::{self as svc, Decision, RawChange, RawIssue};
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use minijinja::context;

fn base(id: i32) -> String {
    format!("/projects/{id}/issues")
}

async fn index_page(
    state: &AppState,
    ctx: &Ctx,
    a: &Access,
    fb: Feedback,
    issue_form: RawIssue,
    change_form: RawChange,
    which: &str,
) -> AppResult<Response> {
    let today = clock::today(&a.project);
    let v = svc::log(&state.db.conn, &a.project, today).await?;
    let data = context! {
        project => ser(&a.project),
        v => ser(&v),
        can => can(a.role),
        errors => error_map(&fb.errors),
        which,
        issue_form => ser(&issue_form),
        change_form => ser(&change_form),
        severities => ser(&ISSUE_SEVERITIES),
        statuses => ser(&ISSUE_STATUSES),
        today => today.to_string(),
    };
    Ok((fb.status, page(state, ctx, "raid/index.html", data)).into_response())
}

pub async fn index(State(state): State<AppState>, ctx: Ctx, Path(id): Path<i32>) -> AppResult<Response> {
    let (_, a) = authorize(&state, &ctx, id, Action::View).await?;
    let issue = RawIssue { severity: "major".into(), ..Default::default() };
    index_page(&state, &ctx, &a, Feedback::none(), issue, RawChange::default(), "").await
}

pub async fn create_issue(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i32>,
    form: FormData,
) -> AppResult<Response> {
    let (actor, a) = authorize(&state, &ctx, id, Action::Contribute).await?;
    let raw: RawIssue = form.typed()?;
    let result = match svc::validate_issue(&raw, clock::today(&a.project)) {
        Ok(i) => svc::create_issue(&state.db, actor, id, &i).await,
        Err(e) => Err(e.into()),
    };
    match result {
        Ok(_) => Ok(Redirect::to(&base(id)).into_response()),
        Err(e) => index_page(&state, &ctx, &a, Feedback::from_service(e)?, raw, RawChange::default(), "issue").await,
    }
}

pub(crate) fn raw_issue(i: &crate::entity::issue::Model) -> RawIssue {
    RawIssue {
        title: i.title.clone(),
        description: i.description.clone(),
        severity: i.severity.clone(),
        owner: i.owner.clone(),
        raised_on: i.raised_on.to_string(),
        due_on: i.due_on.map(|d| d.to_string()).unwrap_or_default(),
        status: i.status.clone(),
        resolution: i.resolution.clone(),
        escalated: i.escalated,
    }
}

async fn issue_page(
    state: &AppState,
    ctx: &Ctx,
    a: &Access,
    iid: i32,
    raw: Option<RawIssue>,
    fb: Feedback,
) -> AppResult<Response> {
    let current = svc::get_issue(&state.db.conn, a.project.id, iid).await?;
    let thread = crate::service::collab::thread(&state.db.conn, a.project.id, "issue", iid).await?;
    let data = context! {
        thread => ser(&thread),
        thread_can => super::collab::thread_can(a.role),
        me => ctx.user.as_ref().map(|u| u.id),
        project => ser(&a.project),
        issue => ser(&current),
        form => ser(&raw.unwrap_or_else(|| raw_issue(&current))),
        version => current.version,
        conflict => fb.conflict,
        errors => error_map(&fb.errors),
        severities => ser(&ISSUE_SEVERITIES),
        statuses => ser(&ISSUE_STATUSES),
        can => can(a.role),
    };
    Ok((fb.status, page(state, ctx, "raid/issue.html", data)).into_response())
}

pub async fn show_issue(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, iid)): Path<(i32, i32)>,
) -> AppResult<Response> {
    let (_, a) = authorize(&state, &ctx, id, Action::View).await?;
    issue_page(&state, &ctx, &a, iid, None, Feedback::none()).await
}

pub async fn update_issue(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, iid)): Path<(i32, i32)>,
    form: FormData,
) -> AppResult<Response> {
    let (actor, a) = authorize(&state, &ctx, id, Action::Contribute).await?;
    let version = form.version()?;
    let raw: RawIssue = form.typed()?;
    let result = match svc::validate_issue(&raw, clock::today(&a.project)) {
        Ok(i) => svc::update_issue(&state.db, actor, id, iid, version, &i).await,
        Err(e) => Err(e.into()),
    };
    match result {
        Ok(_) => Ok(Redirect::to(&base(id)).into_response()),
        Err(e) => issue_page(&state, &ctx, &a, iid, Some(raw), Feedback::from_service(e)?).await,
    }
}

pub async fn create_change(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i32>,
    form: FormData,
) -> AppResult<Response> {
    let (actor, a) = authorize(&state, &ctx, id, Action::Contribute).await?;
    let raw: RawChange = form.typed()?;
    let result = match svc::validate_change(&raw, &a.project.currency) {
        Ok(i) => svc::create_change(&state.db, actor, id, &i).await,
        Err(e) => Err(e.into()),
    };
    match result {
        Ok(c) => Ok(Redirect::to(&format!("/projects/{id}/changes/{}", c.id)).into_response()),
        Err(e) => index_page(&state, &ctx, &a, Feedback::from_service(e)?, RawIssue::default(), raw, "change").await,
    }
}

pub(crate) fn raw_change(c: &crate::entity::change_request::Model, currency: &str) -> RawChange {
    RawChange {
        title: c.title.clone(),
        description: c.description.clone(),
        reason: c.reason.clone(),
        scope_impact: c.scope_impact.clone(),
        schedule_days: c.schedule_days.to_string(),
        cost: crate::domain::money::plain(c.cost_minor, currency),
        benefits: c.benefits.clone(),
        options: c.options.clone(),
    }
}

#[derive(Default, serde::Serialize)]
struct DecisionForm {
    decision: String,
    rationale: String,
    decided_on: String,
    rebaseline: bool,
    revise_case: bool,
    budget_category: String,
}

async fn change_page(
    state: &AppState,
    ctx: &Ctx,
    a: &Access,
    cid: i32,
    raw: Option<RawChange>,
    decision: Option<DecisionForm>,
    fb: Feedback,
) -> AppResult<Response> {
    let today = clock::today(&a.project);
    let v = svc::log(&state.db.conn, &a.project, today).await?;
    let row = v.changes.into_iter().find(|c| c.change.id == cid).ok_or(crate::service::Error::NotFound)?;
    let thread = crate::service::collab::thread(&state.db.conn, a.project.id, "change", cid).await?;
    let data = context! {
        thread => ser(&thread),
        thread_can => super::collab::thread_can(a.role),
        me => ctx.user.as_ref().map(|u| u.id),
        project => ser(&a.project),
        c => ser(&row),
        form => ser(&raw.unwrap_or_else(|| raw_change(&row.change, &a.project.currency))),
        decision => ser(&decision.unwrap_or_default()),
        version => row.change.version,
        conflict => fb.conflict,
        errors => error_map(&fb.errors),
        error => fb.error,
        decisions => ser(&CR_DECISIONS),
        categories => ser(&crate::service::budget::CATEGORIES),
        today => today.to_string(),
        can => can(a.role),
    };
    Ok((fb.status, page(state, ctx, "raid/change.html", data)).into_response())
}

pub async fn show_change(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, cid)): Path<(i32, i32)>,
) -> AppResult<Response> {
    let (_, a) = authorize(&state, &ctx, id, Action::View).await?;
    change_page(&state, &ctx, &a, cid, None, None, Feedback::none()).await
}

pub async fn update_change(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, cid)): Path<(i32, i32)>,
    form: FormData,
) -> AppResult<Response> {
    let (actor, a) = authorize(&state, &ctx, id, Action::Contribute).await?;
    let version = form.version()?;
    let raw: RawChange = form.typed()?;
    let result = match svc::validate_change(&raw, &a.project.currency) {
        Ok(i) => svc::update_change(&state.db, actor, id, cid, version, &i).await,
        Err(e) => Err(e.into()),
    };
    match result {
        Ok(_) => Ok(Redirect::to(&format!("/projects/{id}/changes/{cid}")).into_response()),
        Err(e) => change_page(&state, &ctx, &a, cid, Some(raw), None, Feedback::from_service(e)?).await,
    }
}

pub async fn decide_change(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, cid)): Path<(i32, i32)>,
    form: FormData,
) -> AppResult<Response> {
    let (actor, a) = authorize(&state, &ctx, id, Action::DecideChange).await?;
    let version = form.version()?;
    let d = Decision {
        status: form.get("decision").to_string(),
        rationale: form.get("rationale").to_string(),
        decided_on: form.get("decided_on").to_string(),
        rebaseline: form.get("rebaseline") == "1",
        revise_case: form.get("revise_case") == "1",
        budget_category: form.get("budget_category").to_string(),
    };
    match svc::decide(&state.db, actor, id, cid, version, &d, clock::today(&a.project)).await {
        Ok(_) => Ok(Redirect::to(&format!("/projects/{id}/changes/{cid}")).into_response()),
        Err(e) => {
            let back = DecisionForm {
                decision: d.status,
                rationale: d.rationale,
                decided_on: d.decided_on,
                rebaseline: d.rebaseline,
                revise_case: d.revise_case,
                budget_category: d.budget_category,
            };
            change_page(&state, &ctx, &a, cid, None, Some(back), Feedback::from_service(e)?).await
        }
    }
}

/// This area's pages and form posts.
pub fn routes() -> axum::Router<crate::AppState> {
    use axum::routing::{get, post};
    axum::Router::new()
        .route("/projects/{id}/issues", get(index).post(create_issue))
        .route("/projects/{id}/issues/{iid}", get(show_issue).post(update_issue))
        .route("/projects/{id}/changes", post(create_change))
        .route("/projects/{id}/changes/{cid}", get(show_change).post(update_change))
        .route("/projects/{id}/changes/{cid}/decide", post(decide_change))
}
