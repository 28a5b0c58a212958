//! Phase 9 page: targets against actuals with the gap explained, realised ROI beside the
//! plan, lessons learned, the improvement backlog and starting the next wave. Every form
//! posts back here; a refused save shows the page again with its errors by that form (422),
//! a stale one with the record as it is now (409).
use super::context::Ctx;
use super::form::{Feedback, FormData};
use super::projects::{authorize, can, error_map};
use super::render::{page, ser};
use crate::AppState;
use crate::domain::policy::{Action, Role, allows};
use crate::entity::project;
use crate::error::{AppError, AppResult};
use crate::service::evaluation::{
    self as svc, CATEGORIES, LEVELS, OUTCOMES, RawImprovement, RawLesson, RawWave, SOURCES, STATUSES,
};
use axum::Router;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use minijinja::{Value, context};
use sea_orm::EntityTrait;

/// Which form was sent back with errors, and what it held.
#[derive(Default)]
struct Sent {
    form: &'static str,
    id: i32,
    values: Value,
}

fn base(id: i32) -> String {
    format!("/projects/{id}/evaluation")
}

async fn show(
    state: &AppState,
    ctx: &Ctx,
    p: &project::Model,
    role: Role,
    fb: Feedback,
    sent: Sent,
) -> AppResult<Response> {
    let v = svc::view(&state.db.conn, p, ctx.lang).await?;
    let chart = v.roi.as_ref().map(|r| Value::from_safe_string(r.chart.svg()));
    let data = context! {
        project => ser(p),
        ev => ser(&v),
        chart => chart,
        can => can(role),
        may_wave => allows(role, Action::EditProject),
        errors => error_map(&fb.errors),
        error => fb.error,
        conflict => fb.conflict,
        sent_form => sent.form,
        sent_id => sent.id,
        sent => sent.values,
        outcomes => ser(&OUTCOMES),
        categories => ser(&CATEGORIES),
        sources => ser(&SOURCES),
        levels => ser(&LEVELS),
        statuses => ser(&STATUSES[..5].to_vec()),
        today => v.as_of.to_string(),
    };
    Ok((fb.status, page(state, ctx, "evaluation/index.html", data)).into_response())
}

pub async fn index(State(state): State<AppState>, ctx: Ctx, Path(id): Path<i32>) -> AppResult<Response> {
    let (_, a) = authorize(&state, &ctx, id, Action::View).await?;
    show(&state, &ctx, &a.project, a.role, Feedback::none(), Sent::default()).await
}

/// Redirect on success, else the page with the form's feedback.
async fn done<T>(
    state: &AppState,
    ctx: &Ctx,
    a: &crate::service::access::Access,
    r: crate::service::Result<T>,
    anchor: &str,
    sent: Sent,
) -> AppResult<Response> {
    match r {
        Ok(_) => Ok(Redirect::to(&format!("{}#{anchor}", base(a.project.id))).into_response()),
        Err(e) => show(state, ctx, &a.project, a.role, Feedback::from_service(e)?, sent).await,
    }
}

fn values(form: &FormData) -> Value {
    ser(&form.0.iter().cloned().collect::<std::collections::BTreeMap<String, String>>())
}

pub async fn gap(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, tid)): Path<(i32, i32)>,
    form: FormData,
) -> AppResult<Response> {
    let (actor, a) = authorize(&state, &ctx, id, Action::Contribute).await?;
    let version: i32 = form.get("version").trim().parse().map_err(|_| AppError::BadRequest)?;
    let r = svc::explain_gap(&state.db, actor, id, tid, version, form.get("explanation")).await;
    done(&state, &ctx, &a, r, &format!("target-{tid}"), Sent { form: "gap", id: tid, values: values(&form) }).await
}

pub async fn rule(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, bid)): Path<(i32, i32)>,
    form: FormData,
) -> AppResult<Response> {
    let (actor, a) = authorize(&state, &ctx, id, Action::EditBusinessCase).await?;
    let version: i32 = form.get("version").trim().parse().map_err(|_| AppError::BadRequest)?;
    let r = svc::set_rule(&state.db, actor, &a.project, bid, version, form.get("target"), form.get("unit_value")).await;
    done(&state, &ctx, &a, r, &format!("benefit-{bid}"), Sent { form: "rule", id: bid, values: values(&form) }).await
}

pub async fn add_cost(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i32>,
    form: FormData,
) -> AppResult<Response> {
    let (actor, a) = authorize(&state, &ctx, id, Action::EditBusinessCase).await?;
    let r = svc::add_cost(
        &state.db,
        actor,
        &a.project,
        form.get("incurred_on"),
        form.get("amount"),
        form.get("description"),
    )
    .await;
    done(&state, &ctx, &a, r, "costs", Sent { form: "cost", id: 0, values: values(&form) }).await
}

pub async fn delete_cost(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, cid)): Path<(i32, i32)>,
    form: FormData,
) -> AppResult<Response> {
    let (actor, a) = authorize(&state, &ctx, id, Action::EditBusinessCase).await?;
    let r = svc::delete_cost(&state.db, actor, id, cid, form.version()?).await;
    done(&state, &ctx, &a, r, "costs", Sent::default()).await
}

pub async fn add_lesson(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i32>,
    form: FormData,
) -> AppResult<Response> {
    let (actor, a) = authorize(&state, &ctx, id, Action::Contribute).await?;
    let raw: RawLesson = form.typed()?;
    let r = svc::add_lesson(&state.db, actor, id, &raw).await;
    done(&state, &ctx, &a, r, "lessons", Sent { form: "lesson", id: 0, values: values(&form) }).await
}

pub async fn update_lesson(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, lid)): Path<(i32, i32)>,
    form: FormData,
) -> AppResult<Response> {
    let (actor, a) = authorize(&state, &ctx, id, Action::Contribute).await?;
    let raw: RawLesson = form.typed()?;
    let r = svc::update_lesson(&state.db, actor, id, lid, form.version()?, &raw).await;
    done(&state, &ctx, &a, r, &format!("lesson-{lid}"), Sent { form: "lesson", id: lid, values: values(&form) }).await
}

pub async fn delete_lesson(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, lid)): Path<(i32, i32)>,
    form: FormData,
) -> AppResult<Response> {
    let (actor, a) = authorize(&state, &ctx, id, Action::Contribute).await?;
    let r = svc::delete_lesson(&state.db, actor, id, lid, form.version()?).await;
    done(&state, &ctx, &a, r, "lessons", Sent::default()).await
}

pub async fn add_item(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i32>,
    form: FormData,
) -> AppResult<Response> {
    let (actor, a) = authorize(&state, &ctx, id, Action::Contribute).await?;
    let raw: RawImprovement = form.typed()?;
    let r = svc::add_improvement(&state.db, actor, id, &raw).await;
    done(&state, &ctx, &a, r, "backlog", Sent { form: "item", id: 0, values: values(&form) }).await
}

pub async fn update_item(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, iid)): Path<(i32, i32)>,
    form: FormData,
) -> AppResult<Response> {
    let (actor, a) = authorize(&state, &ctx, id, Action::Contribute).await?;
    let raw: RawImprovement = form.typed()?;
    let r = svc::update_improvement(&state.db, actor, id, iid, form.version()?, &raw).await;
    done(&state, &ctx, &a, r, &format!("item-{iid}"), Sent { form: "item", id: iid, values: values(&form) }).await
}

pub async fn delete_item(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, iid)): Path<(i32, i32)>,
    form: FormData,
) -> AppResult<Response> {
    let (actor, a) = authorize(&state, &ctx, id, Action::Contribute).await?;
    let r = svc::delete_improvement(&state.db, actor, id, iid, form.version()?).await;
    done(&state, &ctx, &a, r, "backlog", Sent::default()).await
}

/// Start the next wave (the director): on success, to the new project.
pub async fn next_wave(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i32>,
    form: FormData,
) -> AppResult<Response> {
    let (actor, a) = authorize(&state, &ctx, id, Action::EditProject).await?;
    let raw: RawWave = form.typed()?;
    let p = project::Entity::find_by_id(id).one(&state.db.conn).await?;
    let p = p.ok_or(AppError::NotFound)?;
    let pb: crate::playbook::Playbook =
        serde_json::from_str(&p.playbook_snapshot).map_err(|_| AppError::Rule("eval.err.no_playbook"))?;
    match svc::start_next_wave(&state.db, actor, &p, &raw, &pb).await {
        Ok((next, _)) => Ok(Redirect::to(&format!("/projects/{}", next.id)).into_response()),
        Err(e) => {
            let sent = Sent { form: "wave", id: 0, values: values(&form) };
            show(&state, &ctx, &a.project, a.role, Feedback::from_service(e)?, sent).await
        }
    }
}

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/projects/{id}/evaluation", get(index))
        .route("/projects/{id}/evaluation/gaps/{tid}", post(gap))
        .route("/projects/{id}/evaluation/benefits/{bid}", post(rule))
        .route("/projects/{id}/evaluation/costs", post(add_cost))
        .route("/projects/{id}/evaluation/costs/{cid}/delete", post(delete_cost))
        .route("/projects/{id}/evaluation/lessons", post(add_lesson))
        .route("/projects/{id}/evaluation/lessons/{lid}", post(update_lesson))
        .route("/projects/{id}/evaluation/lessons/{lid}/delete", post(delete_lesson))
        .route("/projects/{id}/evaluation/backlog", post(add_item))
        .route("/projects/{id}/evaluation/backlog/{iid}", post(update_item))
        .route("/projects/{id}/evaluation/backlog/{iid}/delete", post(delete_item))
        .route("/projects/{id}/evaluation/next-wave", post(next_wave))
}
