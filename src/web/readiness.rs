//! Phase 7 and 8 pages: the readiness scorecard with its thresholds and the go/no-go
//! decision, adoption per module and functional group, and the go-live acceptance.
use super::context::Ctx;
use super::form::{Feedback, FormData};
use super::projects::{authorize, can, error_map};
use super::render::{page, ser};
use crate::AppState;
use crate::domain::policy::{Action, Role};
use crate::domain::readiness::{DECISIONS, RawThresholds};
use crate::entity::project;
use crate::error::AppResult;
use crate::service::readiness::{self, RawFigure};
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use minijinja::context;

/// The decision form as typed.
#[derive(Clone, Debug, Default, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct RawDecision {
    pub decision: String,
    pub conditions: String,
}

pub async fn index(State(state): State<AppState>, ctx: Ctx, Path(id): Path<i32>) -> AppResult<Response> {
    let (_, a) = authorize(&state, &ctx, id, Action::View).await?;
    readiness_page(&state, &ctx, &a.project, a.role, Feedback::none(), None, None, None).await
}

#[allow(clippy::too_many_arguments)]
async fn readiness_page(
    state: &AppState,
    ctx: &Ctx,
    project: &project::Model,
    role: Role,
    fb: Feedback,
    thresholds: Option<RawThresholds>,
    version: Option<i32>,
    decision: Option<RawDecision>,
) -> AppResult<Response> {
    let v = readiness::view(&state.db.conn, project).await?;
    let form = thresholds.unwrap_or_else(|| RawThresholds::of(&v.thresholds));
    let data = context! {
        project => ser(project),
        v => ser(&v),
        can => can(role),
        errors => error_map(&fb.errors),
        error => fb.error,
        conflict => fb.conflict,
        form => ser(&form),
        version => version.unwrap_or(v.thresholds_version),
        decision => ser(&decision.unwrap_or_default()),
        decisions => ser(&DECISIONS),
    };
    Ok((fb.status, page(state, ctx, "readiness/index.html", data)).into_response())
}

pub async fn save_thresholds(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i32>,
    form: FormData,
) -> AppResult<Response> {
    let (actor, a) = authorize(&state, &ctx, id, Action::EditProject).await?;
    let version = form.version()?;
    let raw: RawThresholds = form.typed()?;
    match readiness::save_thresholds(&state.db, actor, id, version, &raw).await {
        Ok(()) => Ok(Redirect::to(&format!("/projects/{id}/readiness#thresholds")).into_response()),
        Err(e) => {
            let fb = Feedback::from_service(e)?;
            // On a conflict the form shows what is stored now, with its version.
            let (raw, v) = if fb.conflict { (None, None) } else { (Some(raw), Some(version)) };
            readiness_page(&state, &ctx, &a.project, a.role, fb, raw, v, None).await
        }
    }
}

pub async fn decide(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i32>,
    form: FormData,
) -> AppResult<Response> {
    let (actor, a) = authorize(&state, &ctx, id, Action::DecideGate).await?;
    let raw: RawDecision = form.typed()?;
    match readiness::decide(&state.db, actor, &a.project, &raw.decision, &raw.conditions).await {
        Ok(_) => Ok(Redirect::to(&format!("/projects/{id}/readiness#decisions")).into_response()),
        Err(e) => {
            let fb = Feedback::from_service(e)?;
            readiness_page(&state, &ctx, &a.project, a.role, fb, None, None, Some(raw)).await
        }
    }
}

pub async fn adoption(State(state): State<AppState>, ctx: Ctx, Path(id): Path<i32>) -> AppResult<Response> {
    let (_, a) = authorize(&state, &ctx, id, Action::View).await?;
    let form = RawFigure {
        module_key: a.project.modules.split(',').next().unwrap_or_default().to_string(),
        date: crate::service::clock::today(&a.project).to_string(),
        ..Default::default()
    };
    adoption_page(&state, &ctx, &a.project, a.role, Feedback::none(), form).await
}

async fn adoption_page(
    state: &AppState,
    ctx: &Ctx,
    project: &project::Model,
    role: Role,
    fb: Feedback,
    form: RawFigure,
) -> AppResult<Response> {
    let v = readiness::adoption(&state.db.conn, project, ctx.lang).await?;
    let units = readiness::choices(&state.db.conn, project).await?;
    let svg = |c: &readiness::Curve| minijinja::Value::from_safe_string(c.chart.to_svg(560.0, 200.0));
    let data = context! {
        project => ser(project),
        v => ser(&v),
        module_charts => v.modules.iter().map(svg).collect::<Vec<_>>(),
        group_charts => v.groups.iter().map(svg).collect::<Vec<_>>(),
        units => ser(&units),
        modules => project.modules.split(',').filter(|m| !m.is_empty()).map(str::to_string).collect::<Vec<_>>(),
        can => can(role),
        errors => error_map(&fb.errors),
        form => ser(&form),
    };
    Ok((fb.status, page(state, ctx, "readiness/adoption.html", data)).into_response())
}

pub async fn enter_figure(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i32>,
    form: FormData,
) -> AppResult<Response> {
    let (actor, a) = authorize(&state, &ctx, id, Action::Contribute).await?;
    let raw: RawFigure = form.typed()?;
    let units = readiness::choices(&state.db.conn, &a.project).await?;
    let modules: Vec<&str> = a.project.modules.split(',').filter(|m| !m.is_empty()).collect();
    let unit_modules: Vec<(i32, Option<String>)> = units.iter().map(|(i, _, m)| (*i, m.clone())).collect();
    let result = match readiness::validate_figure(&raw, &modules, &unit_modules, "entered") {
        Ok(f) => readiness::enter(&state.db, actor, id, &f).await.map(|_| ()),
        Err(e) => Err(e.into()),
    };
    match result {
        Ok(()) => Ok(Redirect::to(&format!("/projects/{id}/adoption")).into_response()),
        Err(e) => adoption_page(&state, &ctx, &a.project, a.role, Feedback::from_service(e)?, raw).await,
    }
}

pub async fn acceptance(State(state): State<AppState>, ctx: Ctx, Path(id): Path<i32>) -> AppResult<Response> {
    let (_, a) = authorize(&state, &ctx, id, Action::View).await?;
    let v = readiness::acceptance(&state.db.conn, &a.project, ctx.lang).await?;
    let data = context! {
        project => ser(&a.project),
        v => ser(&v),
        can => can(a.role),
    };
    Ok(page(&state, &ctx, "readiness/acceptance.html", data).into_response())
}

/// This area's pages and form posts.
pub fn routes() -> axum::Router<crate::AppState> {
    use axum::routing::{get, post};
    axum::Router::new()
        .route("/projects/{id}/readiness", get(index))
        .route("/projects/{id}/readiness/thresholds", post(save_thresholds))
        .route("/projects/{id}/readiness/decisions", post(decide))
        .route("/projects/{id}/adoption", get(adoption).post(enter_figure))
        .route("/projects/{id}/acceptance", get(acceptance))
}
