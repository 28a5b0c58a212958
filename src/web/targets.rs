//! Targets, their measurements (by hand and CSV), trend charts and API tokens.
use super::context::Ctx;
use super::form::{Feedback, FormData};
use super::projects::{authorize, can, error_map};
use super::render::{page, ser};
use crate::AppState;
use crate::domain::policy::Action;
use crate::entity::{project, target};
use crate::error::{AppError, AppResult};
use crate::service::targets::{self, RawTarget, TargetView};
use crate::service::{clock, modules};
use axum::extract::{Multipart, Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use minijinja::{Value, context};

/// A target of the view with its trend chart drawn as SVG at the given size.
fn view_value(v: &TargetView, w: f64, h: f64) -> Value {
    let chart = v.chart.as_ref().map(|c| Value::from_safe_string(c.to_svg(w, h)));
    context! { v => ser(v), chart }
}

pub async fn list(State(state): State<AppState>, ctx: Ctx, Path(id): Path<i32>) -> AppResult<Response> {
    let (_, a) = authorize(&state, &ctx, id, Action::View).await?;
    list_page(&state, &ctx, a.project, a.role, Feedback::none(), None).await
}

async fn list_page(
    state: &AppState,
    ctx: &Ctx,
    project: project::Model,
    role: crate::domain::policy::Role,
    fb: Feedback,
    import_errors: Option<Vec<targets::RowError>>,
) -> AppResult<Response> {
    let view = targets::page(&state.db.conn, &project, ctx.lang).await?;
    let rows: Vec<Value> = view.targets.iter().map(|v| view_value(v, 320.0, 110.0)).collect();
    let data = context! { project => ser(&project), rows, can => can(role), import_errors => ser(&import_errors), error => fb.error, imported => Value::UNDEFINED };
    Ok((fb.status, page(state, ctx, "targets/list.html", data)).into_response())
}

pub async fn show(State(state): State<AppState>, ctx: Ctx, Path((id, tid)): Path<(i32, i32)>) -> AppResult<Response> {
    let (_, a) = authorize(&state, &ctx, id, Action::View).await?;
    show_page(&state, &ctx, a.project, a.role, tid, Feedback::none(), &FormData::default()).await
}

async fn show_page(
    state: &AppState,
    ctx: &Ctx,
    project: project::Model,
    role: crate::domain::policy::Role,
    tid: i32,
    fb: Feedback,
    form: &FormData,
) -> AppResult<Response> {
    let v = targets::detail(&state.db.conn, &project, tid, ctx.lang).await?;
    let today = clock::today(&project);
    let data = context! {
        project => ser(&project),
        row => view_value(&v, 720.0, 280.0),
        can => can(role),
        errors => error_map(&fb.errors),
        form => context! { date => form.get("date"), value => form.get("value"), note => form.get("note") },
        today => today.to_string(),
    };
    Ok((fb.status, page(state, ctx, "targets/show.html", data)).into_response())
}

/// A stored target in the form's shape (the edit form, and the base of an API `PATCH`).
pub fn raw_of(t: &target::Model) -> RawTarget {
    let num = |v: Option<f64>| v.map(|v| v.to_string()).unwrap_or_default();
    RawTarget {
        key: t.key.clone(),
        name: t.name.clone(),
        kind: t.kind.clone(),
        metric: t.metric.clone(),
        unit: t.unit.clone(),
        direction: t.direction.clone(),
        baseline_value: num(t.baseline_value),
        baseline_date: t.baseline_date.map(|d| d.to_string()).unwrap_or_default(),
        target_input: t.target_input.clone(),
        target_date: t.target_date.map(|d| d.to_string()).unwrap_or_default(),
        method: t.method.clone(),
        data_source: t.data_source.clone(),
        owner: t.owner.clone(),
        module_key: t.module_key.clone().unwrap_or_default(),
    }
}

async fn module_keys(state: &AppState, project_id: i32) -> crate::service::Result<Vec<(String, String, String)>> {
    Ok(modules::modules(&state.db.conn, project_id).await?.into_iter().map(|m| (m.key, m.name_en, m.name_zh)).collect())
}

/// The target form checked as the page checks it (the API's writes use this too).
pub async fn validate_form(
    state: &AppState,
    project_id: i32,
    raw: &RawTarget,
) -> crate::service::Result<targets::TargetInput> {
    let keys: Vec<String> = module_keys(state, project_id).await?.into_iter().map(|m| m.0).collect();
    Ok(targets::validate(raw, &keys)?)
}

async fn form_page(
    state: &AppState,
    ctx: &Ctx,
    project: &project::Model,
    target: Option<&target::Model>,
    raw: RawTarget,
    fb: Feedback,
    version: i32,
) -> AppResult<Response> {
    let mods: Vec<Value> = module_keys(state, project.id)
        .await?
        .into_iter()
        .map(|(key, name_en, name_zh)| context! { key, name_en, name_zh })
        .collect();
    let conflict = if fb.conflict { target.map(raw_of) } else { None };
    let data = context! {
        project => ser(project),
        target => ser(&target),
        form => ser(&raw),
        errors => error_map(&fb.errors),
        conflict => ser(&conflict),
        version,
        modules => mods,
        kinds => ser(&targets::KINDS),
    };
    Ok((fb.status, page(state, ctx, "targets/form.html", data)).into_response())
}

pub async fn new_form(State(state): State<AppState>, ctx: Ctx, Path(id): Path<i32>) -> AppResult<Response> {
    let (_, a) = authorize(&state, &ctx, id, Action::Contribute).await?;
    let raw = RawTarget {
        kind: "explicit".into(),
        direction: "increase".into(),
        baseline_date: clock::today(&a.project).to_string(),
        ..Default::default()
    };
    form_page(&state, &ctx, &a.project, None, raw, Feedback::none(), 0).await
}

pub async fn create(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i32>,
    form: FormData,
) -> AppResult<Response> {
    let (actor, a) = authorize(&state, &ctx, id, Action::Contribute).await?;
    let raw: RawTarget = form.typed()?;
    let result = match validate_form(&state, id, &raw).await {
        Ok(input) => targets::create(&state.db, actor, id, &input).await,
        Err(e) => Err(e),
    };
    match result {
        Ok(t) => Ok(Redirect::to(&format!("/projects/{id}/targets/{}", t.id)).into_response()),
        Err(e) => form_page(&state, &ctx, &a.project, None, raw, Feedback::from_service(e)?, 0).await,
    }
}

pub async fn edit_form(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, tid)): Path<(i32, i32)>,
) -> AppResult<Response> {
    let (_, a) = authorize(&state, &ctx, id, Action::Contribute).await?;
    let t = targets::get(&state.db.conn, id, tid).await?;
    form_page(&state, &ctx, &a.project, Some(&t), raw_of(&t), Feedback::none(), t.version).await
}

pub async fn update(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, tid)): Path<(i32, i32)>,
    form: FormData,
) -> AppResult<Response> {
    let (actor, a) = authorize(&state, &ctx, id, Action::Contribute).await?;
    let raw: RawTarget = form.typed()?;
    let version = form.version()?;
    let result = match validate_form(&state, id, &raw).await {
        Ok(input) => targets::update(&state.db, actor, id, tid, version, &input).await,
        Err(e) => Err(e),
    };
    match result {
        Ok(t) => Ok(Redirect::to(&format!("/projects/{id}/targets/{}", t.id)).into_response()),
        Err(e) => {
            let fb = Feedback::from_service(e)?;
            let current = targets::get(&state.db.conn, id, tid).await?;
            let v = if fb.conflict { current.version } else { version };
            form_page(&state, &ctx, &a.project, Some(&current), raw, fb, v).await
        }
    }
}

pub async fn add_measurement(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, tid)): Path<(i32, i32)>,
    form: FormData,
) -> AppResult<Response> {
    let (actor, a) = authorize(&state, &ctx, id, Action::Contribute).await?;
    match targets::add_manual(&state.db, actor, id, tid, form.get("date"), form.get("value"), form.get("note")).await {
        Ok(_) => Ok(Redirect::to(&format!("/projects/{id}/targets/{tid}")).into_response()),
        Err(e) => show_page(&state, &ctx, a.project, a.role, tid, Feedback::from_service(e)?, &form).await,
    }
}

/// CSV upload (a file, or text pasted into the form), or an Excel workbook (.xlsx) in the
/// file field: both go through the one row parser.
pub async fn import(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i32>,
    mut mp: Multipart,
) -> AppResult<Response> {
    let (actor, a) = authorize(&state, &ctx, id, Action::Contribute).await?;
    let (mut file, mut pasted) = (Vec::new(), String::new());
    while let Some(field) = mp.next_field().await.map_err(|_| AppError::BadRequest)? {
        match field.name() {
            Some("file") => file = field.bytes().await.map_err(|_| AppError::BadRequest)?.to_vec(),
            Some("text") => pasted = field.text().await.map_err(|_| AppError::BadRequest)?,
            _ => {}
        }
    }
    let result = if crate::domain::spreadsheet::is_xlsx(&file) {
        targets::import_xlsx(&state.db, actor, id, &file).await?
    } else {
        let text = match text_of(file, pasted) {
            Some(t) => t,
            None => {
                return list_page(
                    &state,
                    &ctx,
                    a.project,
                    a.role,
                    Feedback {
                        status: axum::http::StatusCode::UNPROCESSABLE_ENTITY,
                        error: Some("measure_import.err.utf8"),
                        ..Default::default()
                    },
                    None,
                )
                .await;
            }
        };
        targets::import_csv(&state.db, actor, id, &text).await?
    };
    match result {
        Ok(_) => Ok(Redirect::to(&format!("/projects/{id}/targets")).into_response()),
        Err(rows) => {
            list_page(
                &state,
                &ctx,
                a.project,
                a.role,
                Feedback {
                    status: axum::http::StatusCode::UNPROCESSABLE_ENTITY,
                    error: Some("measure_import.failed"),
                    ..Default::default()
                },
                Some(rows),
            )
            .await
        }
    }
}

/// The uploaded file as UTF-8 text, or the pasted text when no file came.
fn text_of(file: Vec<u8>, pasted: String) -> Option<String> {
    if file.is_empty() { Some(pasted) } else { String::from_utf8(file).ok() }
}

pub async fn tokens(State(state): State<AppState>, ctx: Ctx, Path(id): Path<i32>) -> AppResult<Response> {
    let (_, a) = authorize(&state, &ctx, id, Action::EditProject).await?;
    tokens_page(&state, &ctx, a.project, None, Feedback::none()).await
}

async fn tokens_page(
    state: &AppState,
    ctx: &Ctx,
    project: project::Model,
    new_token: Option<String>,
    fb: Feedback,
) -> AppResult<Response> {
    let list = targets::tokens(&state.db.conn, project.id).await?;
    let keys: Vec<String> = targets::list(&state.db.conn, project.id).await?.into_iter().map(|t| t.key).collect();
    let data = context! { project => ser(&project), tokens => ser(&list), new_token, errors => error_map(&fb.errors), keys, today => clock::today(&project).to_string() };
    Ok((fb.status, page(state, ctx, "targets/tokens.html", data)).into_response())
}

pub async fn create_token(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i32>,
    form: FormData,
) -> AppResult<Response> {
    let (actor, a) = authorize(&state, &ctx, id, Action::EditProject).await?;
    match targets::create_token(&state.db, actor, id, form.get("name")).await {
        Ok((_, token)) => tokens_page(&state, &ctx, a.project, Some(token), Feedback::none()).await,
        Err(e) => tokens_page(&state, &ctx, a.project, None, Feedback::from_service(e)?).await,
    }
}

pub async fn revoke_token(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, tid)): Path<(i32, i32)>,
) -> AppResult<Response> {
    let (actor, _) = authorize(&state, &ctx, id, Action::EditProject).await?;
    targets::revoke_token(&state.db, actor, id, tid).await?;
    Ok(Redirect::to(&format!("/projects/{id}/tokens")).into_response())
}

/// This area's pages and form posts.
pub fn routes() -> axum::Router<crate::AppState> {
    use axum::routing::{get, post};
    axum::Router::new()
        .route("/projects/{id}/targets", get(list).post(create))
        .route("/projects/{id}/targets/new", get(new_form))
        .route("/projects/{id}/targets/import", post(import))
        .route("/projects/{id}/targets/{tid}", get(show))
        .route("/projects/{id}/targets/{tid}/edit", get(edit_form).post(update))
        .route("/projects/{id}/targets/{tid}/measurements", post(add_measurement))
        .route("/projects/{id}/tokens", get(tokens).post(create_token))
        .route("/projects/{id}/tokens/{tid}/revoke", post(revoke_token))
}
