//! JSON API over the same services: read endpoints for logged-in users (session cookie), and
//! the measurement push for the running CRM (a per-project bearer token).
use crate::AppState;
use crate::domain::policy::Action;
use crate::domain::targets::parse_number;
use crate::error::AppResult;
use crate::service::projects;
use crate::service::targets::{self, PushError, Reading, Recorded};
use crate::web::context::Ctx;
use crate::web::projects::authorize;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde_json::{Value, json};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/projects", get(list))
        .route("/api/v1/projects/{id}", get(show))
        .route("/api/v1/projects/{id}/phases/{seq}/gate", get(gate))
        // Targets, risks, reviews (area-targets): the views their pages render.
        .route("/api/v1/projects/{id}/targets", get(list_targets))
        .route("/api/v1/projects/{id}/targets/{tid}", get(show_target))
        .route("/api/v1/projects/{id}/risks", get(risk_register))
        .route("/api/v1/projects/{id}/reviews", get(list_reviews))
        .route("/api/v1/projects/{id}/reviews/{rid}", get(show_review))
        .route("/api/v1/projects/{id}/targets/{key}/measurements", post(push))
        .merge(money_routes())
        .merge(schedule_routes())
        .merge(organisation_diagnosis_blueprint())
}

// ---- Schedule (area: schedule) ----

/// `GET /api/v1/projects/{id}/schedule[?baseline=N&scale=week]`: the schedule view the
/// schedule page renders and the plan document lays out.
fn schedule_routes() -> Router<AppState> {
    Router::new().route("/api/v1/projects/{id}/schedule", get(schedule_view))
}

#[derive(serde::Deserialize)]
struct ScheduleQuery {
    baseline: Option<i32>,
    scale: Option<String>,
}

async fn schedule_view(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i32>,
    axum::extract::Query(q): axum::extract::Query<ScheduleQuery>,
) -> AppResult<Json<crate::service::schedule::ScheduleView>> {
    let (_, a) = authorize(&state, &ctx, id, Action::View).await?;
    let opts = crate::service::schedule::ViewOptions::from_query(q.scale.as_deref(), q.baseline);
    Ok(Json(crate::service::schedule::view(&state.db.conn, &a.project, opts).await?))
}

// ---- end schedule ----

/// `GET /api/v1/projects`: the portfolio view, health rolled up as on `/projects`.
async fn list(State(state): State<AppState>, ctx: Ctx) -> AppResult<Json<Vec<projects::PortfolioRow>>> {
    let user = ctx.user()?;
    Ok(Json(projects::portfolio(&state.db.conn, user.id).await?))
}

/// `GET /api/v1/projects/{id}`: the overview view, as on `/projects/{id}`.
async fn show(State(state): State<AppState>, ctx: Ctx, Path(id): Path<i32>) -> AppResult<Json<projects::Overview>> {
    let (_, a) = authorize(&state, &ctx, id, Action::View).await?;
    Ok(Json(projects::overview(&state.db.conn, a.project, None).await?))
}

/// `GET /api/v1/projects/{id}/phases/{seq}/gate`: the gate view, as on the gate page.
async fn gate(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, seq)): Path<(i32, i32)>,
) -> AppResult<Json<crate::service::gates::GateView>> {
    let (_, a) = authorize(&state, &ctx, id, Action::View).await?;
    Ok(Json(crate::service::gates::view(&state.db.conn, &a.project, seq).await?))
}

// ---- Targets, risks, reviews (area-targets): each returns the view its page renders. ----

/// `GET /api/v1/projects/{id}/targets`: the Targets page's view.
async fn list_targets(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i32>,
) -> AppResult<Json<targets::TargetsView>> {
    let (_, a) = authorize(&state, &ctx, id, Action::View).await?;
    Ok(Json(targets::page(&state.db.conn, &a.project, ctx.lang).await?))
}

/// `GET /api/v1/projects/{id}/targets/{tid}`: the target page's view.
async fn show_target(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, tid)): Path<(i32, i32)>,
) -> AppResult<Json<targets::TargetView>> {
    let (_, a) = authorize(&state, &ctx, id, Action::View).await?;
    Ok(Json(targets::detail(&state.db.conn, &a.project, tid, ctx.lang).await?))
}

/// `GET /api/v1/projects/{id}/risks`: the Risks page's view (counts, top risks, heat map).
async fn risk_register(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i32>,
) -> AppResult<Json<crate::service::risks::Register>> {
    let (_, a) = authorize(&state, &ctx, id, Action::View).await?;
    Ok(Json(crate::service::risks::register(&state.db.conn, &a.project, ctx.lang).await?))
}

/// `GET /api/v1/projects/{id}/reviews`: the reviews held and the open action items.
async fn list_reviews(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i32>,
) -> AppResult<Json<crate::service::reviews::ReviewsView>> {
    let (_, a) = authorize(&state, &ctx, id, Action::View).await?;
    Ok(Json(crate::service::reviews::index(&state.db.conn, &a.project).await?))
}

/// `GET /api/v1/projects/{id}/reviews/{rid}`: a review deck (its frozen pack and actions).
async fn show_review(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, rid)): Path<(i32, i32)>,
) -> AppResult<Json<crate::service::reviews::Deck>> {
    let (_, a) = authorize(&state, &ctx, id, Action::View).await?;
    Ok(Json(crate::service::reviews::deck(&state.db.conn, a.project.id, rid).await?))
}

// ---- end of targets, risks, reviews ----

// ---- business case and training: the pages' views as JSON ----

fn money_routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/projects/{id}/business-case", get(business_case))
        .route("/api/v1/projects/{id}/training", get(training))
}

#[derive(serde::Deserialize)]
struct ScenarioQuery {
    scenario: Option<i32>,
}

/// `GET /api/v1/projects/{id}/business-case[?scenario=N]`: the case page's view (404 when
/// the project has no case yet).
async fn business_case(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i32>,
    axum::extract::Query(q): axum::extract::Query<ScenarioQuery>,
) -> AppResult<Json<crate::service::business_case::CaseView>> {
    let (_, a) = authorize(&state, &ctx, id, Action::View).await?;
    let today = crate::service::clock::today(&a.project);
    crate::service::business_case::view(&state.db.conn, &a.project, q.scenario, today)
        .await?
        .map(Json)
        .ok_or(crate::error::AppError::NotFound)
}

/// `GET /api/v1/projects/{id}/training`: the training page's view.
async fn training(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i32>,
) -> AppResult<Json<crate::service::training::TrainingView>> {
    let (_, a) = authorize(&state, &ctx, id, Action::View).await?;
    Ok(Json(crate::service::training::view(&state.db.conn, &a.project).await?))
}

fn problem(status: StatusCode, error: &str, field: Option<&str>, message: &str) -> Response {
    (status, Json(json!({ "error": error, "field": field, "message": message }))).into_response()
}

/// A measurement the body describes, or the field that is wrong.
fn parse_push(body: &[u8]) -> Result<Reading, (Option<&'static str>, String)> {
    let v: Value = serde_json::from_slice(body).map_err(|e| (None, format!("body is not JSON: {e}")))?;
    let obj = v.as_object().ok_or((None, "body must be a JSON object".to_string()))?;
    let date = obj
        .get("date")
        .and_then(Value::as_str)
        .and_then(|s| chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").ok())
        .ok_or((Some("date"), "`date` must be a date as \"YYYY-MM-DD\"".to_string()))?;
    let value = match obj.get("value") {
        Some(Value::Number(n)) => n.as_f64(),
        Some(Value::String(s)) => parse_number(s),
        _ => None,
    }
    .filter(|v| v.is_finite())
    .ok_or((Some("value"), "`value` must be a number".to_string()))?;
    let source = match obj.get("source") {
        None | Some(Value::Null) => "api".to_string(),
        Some(Value::String(s)) if !s.trim().is_empty() && s.chars().count() <= 64 => s.trim().to_string(),
        _ => return Err((Some("source"), "`source` must be a text of 1 to 64 characters".to_string())),
    };
    let note = match obj.get("note") {
        None | Some(Value::Null) => String::new(),
        Some(Value::String(s)) if s.chars().count() <= 500 => s.clone(),
        _ => return Err((Some("note"), "`note` must be a text of at most 500 characters".to_string())),
    };
    Ok(Reading { date, value, source, note })
}

/// `POST /api/v1/projects/{id}/targets/{key}/measurements` with `Authorization: Bearer …`
/// and `{"date": "2026-05-31", "value": 12.5, "source": "crm", "note": "…"}`. Idempotent per
/// (target, date, source): a retried push changes nothing.
async fn push(
    State(state): State<AppState>,
    Path((id, key)): Path<(i32, String)>,
    headers: HeaderMap,
    body: Bytes,
) -> AppResult<Response> {
    let token = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim)
        .filter(|t| !t.is_empty());
    let Some(token) = token else {
        return Ok(problem(
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            None,
            "send the project's API token as `Authorization: Bearer <token>`",
        ));
    };
    let reading = match parse_push(&body) {
        Ok(p) => p,
        Err((field, message)) => return Ok(problem(StatusCode::BAD_REQUEST, "invalid", field, &message)),
    };
    Ok(match targets::push(&state.db, token, id, &key, &reading).await? {
        Ok(r) => {
            let status = if r == Recorded::Created { StatusCode::CREATED } else { StatusCode::OK };
            (status, Json(json!({ "result": r, "target": key, "date": reading.date, "value": reading.value, "source": reading.source })))
                .into_response()
        }
        Err(PushError::Unauthorized) => {
            problem(StatusCode::UNAUTHORIZED, "unauthorized", None, "unknown or revoked token")
        }
        Err(PushError::NotFound) => {
            problem(StatusCode::NOT_FOUND, "not_found", None, "no such project or target for this token")
        }
    })
}

// ---------- organisation, diagnosis and blueprint: the pages' views as JSON ----------

fn organisation_diagnosis_blueprint() -> Router<AppState> {
    Router::new()
        .route("/api/v1/projects/{id}/organisation", get(organisation_view))
        .route("/api/v1/projects/{id}/diagnosis", get(diagnosis_view))
        .route("/api/v1/projects/{id}/blueprint", get(blueprint_view))
}

/// `GET /api/v1/projects/{id}/organisation`: tiers, people, findings and the chart model,
/// as the organisation page shows them (labels in the reader's language).
async fn organisation_view(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i32>,
) -> AppResult<Json<crate::service::organisation::OrgView>> {
    let (_, a) = authorize(&state, &ctx, id, Action::View).await?;
    Ok(Json(crate::service::organisation::view(&state.db.conn, &a.project, ctx.lang).await?))
}

/// `GET /api/v1/projects/{id}/diagnosis`: the ranked processes, priority matrix, fishbones,
/// environments and data quality, as the diagnosis page shows them.
async fn diagnosis_view(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i32>,
) -> AppResult<Json<crate::service::diagnosis::DiagnosisView>> {
    let (_, a) = authorize(&state, &ctx, id, Action::View).await?;
    Ok(Json(crate::service::diagnosis::view(&state.db.conn, &a.project, ctx.lang).await?))
}

/// `GET /api/v1/projects/{id}/blueprint`: the blueprints and the process-to-module map.
async fn blueprint_view(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i32>,
) -> AppResult<Json<crate::service::blueprint::BlueprintView>> {
    let (_, a) = authorize(&state, &ctx, id, Action::View).await?;
    Ok(Json(crate::service::blueprint::view(&state.db.conn, a.project.id).await?))
}

#[cfg(test)]
mod tests {
    use super::parse_push;

    #[test]
    fn push_bodies() {
        let ok = parse_push(br#"{"date":"2026-05-31","value":12.5}"#).unwrap();
        assert_eq!((ok.value, ok.source.as_str()), (12.5, "api"));
        assert_eq!(parse_push(br#"{"date":"2026-02-30","value":1}"#).unwrap_err().0, Some("date"));
        assert_eq!(parse_push(br#"{"date":"2026-05-31","value":"abc"}"#).unwrap_err().0, Some("value"));
        assert_eq!(parse_push(br#"{"date":"2026-05-31","value":"1,200"}"#).unwrap().value, 1200.0);
        assert_eq!(parse_push(br#"[1,2]"#).unwrap_err().0, None);
        assert_eq!(parse_push(b"not json").unwrap_err().0, None);
        assert_eq!(parse_push(br#"{"date":"2026-05-31","value":1,"source":""}"#).unwrap_err().0, Some("source"));
    }
}
