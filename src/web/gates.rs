//! Phase gate decisions and reopening a phase.
use super::context::Ctx;
use super::form::{Feedback, FormData};
use super::projects::{authorize, can, error_map};
use super::render::{page, ser};
use crate::AppState;
use crate::domain::gates::Decision;
use crate::domain::policy::Action;
use crate::error::AppResult;
use crate::service::{access::Access, clock, gates};
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use minijinja::context;
use serde::Deserialize;

/// The gate form: a decision with its rationale, or the reason for reopening.
#[derive(Deserialize, Default)]
#[serde(default)]
struct GateForm {
    decision: String,
    rationale: String,
    reason: String,
    /// "close" closes the phase's open activities with `open_reason`; else they are carried.
    open_work: String,
    open_reason: String,
}

async fn gate_view(
    state: &AppState,
    ctx: &Ctx,
    a: Access,
    seq: i32,
    fb: Feedback,
    form: &FormData,
) -> AppResult<Response> {
    let v = gates::view(&state.db.conn, &a.project, seq).await?;
    // Units in words for the readiness coverage table.
    let labels: Vec<String> = v
        .coverage
        .iter()
        .flatten()
        .map(|c| c.unit.as_ref().map(|u| super::organisation::unit_label(ctx.lang, u)).unwrap_or_default())
        .collect();
    let coverage = v.coverage.as_ref().map(|rows| {
        rows.iter().zip(&labels).map(|(c, label)| context! { c => ser(&c.coverage), label }).collect::<Vec<_>>()
    });
    let data = context! {
        coverage,
        quality => ser(&v.quality),
        project => ser(&v.project),
        phase => ser(&v.phase),
        deliverables => ser(&v.deliverables),
        attachments => ser(&v.attachments),
        blockers => ser(&v.blockers),
        blocked => v.blocked,
        decisions => ser(&v.decisions),
        reopenable => v.reopenable,
        needs_case => v.needs_case,
        errors => error_map(&fb.errors),
        error => fb.error,
        decision => form.get("decision"),
        rationale => form.get("rationale"),
        open_activities => ser(&v.open_activities),
        can_carry => v.can_carry,
        open_work => form.get("open_work"),
        open_reason => form.get("open_reason"),
        can => can(a.role),
        test_cycles => ser(&v.test_cycles),
        tests_blocked => v.tests_blocked,
        go_live => ser(&v.go_live),
    };
    Ok((fb.status, page(state, ctx, "projects/gate.html", data)).into_response())
}

pub async fn gate_page(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, seq)): Path<(i32, i32)>,
) -> AppResult<Response> {
    let (_, a) = authorize(&state, &ctx, id, Action::View).await?;
    gate_view(&state, &ctx, a, seq, Feedback::none(), &FormData::default()).await
}

pub async fn decide(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, seq)): Path<(i32, i32)>,
    form: FormData,
) -> AppResult<Response> {
    let (actor, a) = authorize(&state, &ctx, id, Action::DecideGate).await?;
    let f: GateForm = form.typed()?;
    let Some(decision) = Decision::parse_gate(&f.decision) else {
        return gate_view(&state, &ctx, a, seq, Feedback::field("decision", "err.choose_from_list"), &form).await;
    };
    let today = clock::today(&a.project);
    let open = match f.open_work.as_str() {
        "close" => gates::OpenWork::Close(f.open_reason.clone()),
        _ => gates::OpenWork::Carry,
    };
    match gates::decide(&state.db, actor, id, seq, decision, &f.rationale, today, &open).await {
        Ok(()) => Ok(Redirect::to(&format!("/projects/{id}")).into_response()),
        Err(e) => gate_view(&state, &ctx, a, seq, Feedback::from_service(e)?, &form).await,
    }
}

pub async fn reopen(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, seq)): Path<(i32, i32)>,
    form: FormData,
) -> AppResult<Response> {
    let (actor, a) = authorize(&state, &ctx, id, Action::DecideGate).await?;
    let f: GateForm = form.typed()?;
    match gates::reopen(&state.db, actor, id, seq, &f.reason).await {
        Ok(()) => Ok(Redirect::to(&format!("/projects/{id}")).into_response()),
        Err(e) => gate_view(&state, &ctx, a, seq, Feedback::from_service(e)?, &form).await,
    }
}

/// This area's pages and form posts.
pub fn routes() -> axum::Router<crate::AppState> {
    use axum::routing::{get, post};
    axum::Router::new()
        .route("/projects/{id}/phases/{seq}/gate", get(gate_page).post(decide))
        .route("/projects/{id}/phases/{seq}/reopen", post(reopen))
}
