//! Excel downloads of the schedule, risks, targets, training plan, people and business case:
//! each builds the same service view as its page and hands it to `report::xlsx`, on the
//! blocking pool (compressing a workbook is CPU work).
use super::context::Ctx;
use super::projects::authorize;
use crate::AppState;
use crate::domain::policy::Action;
use crate::error::{AppError, AppResult};
use crate::i18n::Lang;
use crate::report::xlsx;
use crate::service::{business_case, clock, organisation, risks, schedule, targets, training};
use axum::extract::{Path, Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};

async fn build<V: Send + 'static>(v: V, lang: Lang, f: fn(&V, Lang) -> xlsx::XResult<Vec<u8>>) -> AppResult<Vec<u8>> {
    tokio::task::spawn_blocking(move || f(&v, lang))
        .await
        .map_err(|e| AppError::Internal(e.to_string()))?
        .map_err(|e| AppError::Internal(e.to_string()))
}

fn download(name: String, bytes: Vec<u8>) -> Response {
    let disposition = format!("attachment; filename=\"{name}\"");
    ([(header::CONTENT_TYPE, xlsx::CONTENT_TYPE.to_string()), (header::CONTENT_DISPOSITION, disposition)], bytes)
        .into_response()
}

pub async fn schedule_xlsx(State(state): State<AppState>, ctx: Ctx, Path(id): Path<i32>) -> AppResult<Response> {
    let (_, a) = authorize(&state, &ctx, id, Action::View).await?;
    let v = schedule::view(&state.db.conn, &a.project, schedule::ViewOptions::default()).await?;
    Ok(download(format!("schedule-{id}.xlsx"), build(v, ctx.lang, xlsx::schedule).await?))
}

pub async fn risks_xlsx(State(state): State<AppState>, ctx: Ctx, Path(id): Path<i32>) -> AppResult<Response> {
    let (_, a) = authorize(&state, &ctx, id, Action::View).await?;
    let v = risks::register(&state.db.conn, &a.project, ctx.lang).await?;
    Ok(download(format!("risks-{id}.xlsx"), build(v, ctx.lang, xlsx::risks).await?))
}

pub async fn targets_xlsx(State(state): State<AppState>, ctx: Ctx, Path(id): Path<i32>) -> AppResult<Response> {
    let (_, a) = authorize(&state, &ctx, id, Action::View).await?;
    let v = targets::page(&state.db.conn, &a.project, ctx.lang).await?;
    Ok(download(format!("targets-{id}.xlsx"), build(v, ctx.lang, xlsx::targets).await?))
}

pub async fn training_xlsx(State(state): State<AppState>, ctx: Ctx, Path(id): Path<i32>) -> AppResult<Response> {
    let (_, a) = authorize(&state, &ctx, id, Action::View).await?;
    let v = training::view(&state.db.conn, &a.project).await?;
    Ok(download(format!("training-{id}.xlsx"), build(v, ctx.lang, xlsx::training).await?))
}

pub async fn people_xlsx(State(state): State<AppState>, ctx: Ctx, Path(id): Path<i32>) -> AppResult<Response> {
    let (_, a) = authorize(&state, &ctx, id, Action::View).await?;
    let v = organisation::view(&state.db.conn, &a.project, ctx.lang).await?;
    Ok(download(format!("people-{id}.xlsx"), build(v, ctx.lang, xlsx::people).await?))
}

/// `GET /projects/{id}/budget/costs.xlsx`: the Budget page's control figures by phase and
/// category, the commitments and the invoices.
pub async fn costs_xlsx(State(state): State<AppState>, ctx: Ctx, Path(id): Path<i32>) -> AppResult<Response> {
    let (_, a) = authorize(&state, &ctx, id, Action::View).await?;
    let v = crate::service::budget::control(&state.db.conn, &a.project, ctx.lang).await?;
    Ok(download(format!("costs-{id}.xlsx"), build(v, ctx.lang, xlsx::costs).await?))
}

/// `GET /projects/{id}/timesheet.xlsx`: every time entry of the project.
pub async fn timesheets_xlsx(State(state): State<AppState>, ctx: Ctx, Path(id): Path<i32>) -> AppResult<Response> {
    let (_, a) = authorize(&state, &ctx, id, Action::View).await?;
    let rows = crate::service::cost_exports::time_rows(&state.db.conn, &a.project, ctx.lang).await?;
    Ok(download(format!("timesheets-{id}.xlsx"), build(rows, ctx.lang, |r, l| xlsx::timesheets(r, l)).await?))
}

#[derive(serde::Deserialize)]
pub struct ScenarioQuery {
    pub scenario: Option<i32>,
}

pub async fn business_case_xlsx(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i32>,
    Query(q): Query<ScenarioQuery>,
) -> AppResult<Response> {
    let (_, a) = authorize(&state, &ctx, id, Action::View).await?;
    let today = clock::today(&a.project);
    let v = business_case::view(&state.db.conn, &a.project, q.scenario, today).await?.ok_or(AppError::NotFound)?;
    let bytes = build(v, ctx.lang, |v, lang| xlsx::business_case(v, lang).map(|(b, _)| b)).await?;
    Ok(download(format!("business-case-{id}.xlsx"), bytes))
}

/// This area's downloads.
pub fn routes() -> axum::Router<crate::AppState> {
    use axum::routing::get;
    axum::Router::new()
        .route("/projects/{id}/schedule.xlsx", get(schedule_xlsx))
        .route("/projects/{id}/risks.xlsx", get(risks_xlsx))
        .route("/projects/{id}/targets.xlsx", get(targets_xlsx))
        .route("/projects/{id}/training.xlsx", get(training_xlsx))
        .route("/projects/{id}/people.xlsx", get(people_xlsx))
        .route("/projects/{id}/business-case.xlsx", get(business_case_xlsx))
        .route("/projects/{id}/budget/costs.xlsx", get(costs_xlsx))
        .route("/projects/{id}/timesheet.xlsx", get(timesheets_xlsx))
}
