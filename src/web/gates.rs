//! Phase gate decisions and reopening a phase.
use super::context::Ctx;
use super::form::{Feedback, FormData};
use super::projects::{authorize, can, error_map, today};
use super::render::{page, ser};
use crate::AppState;
use crate::domain::gates::{self as domain_gates, Decision, PhaseStatus};
use crate::domain::policy::Action;
use crate::error::{AppError, AppResult};
use crate::service::{access::Access, gates, projects, work};
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use minijinja::context;

async fn gate_view(
    state: &AppState,
    ctx: &Ctx,
    a: Access,
    seq: i32,
    fb: Feedback,
    form: &FormData,
) -> AppResult<Response> {
    let phases = projects::phases(&state.db.conn, a.project.id).await?;
    let phase = phases.iter().find(|p| p.seq == seq).cloned().ok_or(AppError::NotFound)?;
    let deliverables = work::deliverables_of_phase(&state.db.conn, phase.id).await?;
    let blocked = deliverables.iter().any(|d| d.is_gate && d.status != "accepted");
    let decisions: Vec<_> = projects::decisions(&state.db.conn, a.project.id, &phases)
        .await?
        .into_iter()
        .filter(|d| d.phase_seq == seq)
        .collect();
    let statuses: Vec<_> = phases.iter().filter_map(|p| PhaseStatus::parse(&p.status)).collect();
    let reopenable = domain_gates::reopenable(&statuses).map(|i| phases[i].seq) == Some(seq);
    let needs_case = phase.key == gates::PREPARATION
        && phase.status == "active"
        && !crate::service::business_case::approved(&state.db.conn, a.project.id).await?;
    // Phase 7 (readiness) shows, for information, how far the functional groups are trained.
    let coverage = if phase.key == "readiness" {
        let sessions = crate::service::training::sessions(&state.db.conn, a.project.id).await?;
        let checks = crate::service::training::checks(&state.db.conn, &a.project, &sessions).await?;
        let units = crate::service::organisation::units(&state.db.conn, a.project.id).await?;
        let rows: Vec<minijinja::Value> = checks
            .coverage
            .iter()
            .map(|c| {
                let label = units
                    .iter()
                    .find(|u| u.id == c.unit_id)
                    .map(|u| super::organisation::unit_label(ctx.lang, u))
                    .unwrap_or_default();
                context! { c => ser(c), label }
            })
            .collect();
        Some(rows)
    } else {
        None
    };
    // Phase 7 (readiness) also reads the latest data-quality figures of each source.
    let quality = if phase.key == "readiness" {
        Some(crate::service::diagnosis::sources(&state.db.conn, a.project.id).await?)
    } else {
        None
    };
    let data = context! {
        coverage,
        quality => ser(&quality),
        project => ser(&a.project),
        phase => ser(&phase),
        deliverables => ser(&deliverables),
        blocked,
        decisions => ser(&decisions),
        reopenable,
        needs_case,
        errors => error_map(&fb.errors),
        error => fb.error,
        decision => form.get("decision"),
        rationale => form.get("rationale"),
        can => can(a.role),
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
    let Some(decision) = Decision::parse_gate(form.get("decision")) else {
        return gate_view(&state, &ctx, a, seq, Feedback::field("decision", "err.choose_from_list"), &form).await;
    };
    match gates::decide(&state.db, actor, id, seq, decision, form.get("rationale"), today()).await {
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
    match gates::reopen(&state.db, actor, id, seq, form.get("reason")).await {
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
