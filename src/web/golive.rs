//! Phase 8 pages: the cutover runbook (tasks, critical path, rehearsals beside the plan), a
//! rehearsal's sheet of actual times, the live view with start/finish buttons, and a
//! projector view of the same.
use super::context::Ctx;
use super::form::{Feedback, FormData};
use super::projects::{authorize, can, error_map};
use super::render::{page, ser};
use crate::AppState;
use crate::domain::hypercare::{CHANNELS, STATUSES};
use crate::domain::policy::{Action, Role};
use crate::domain::runbook::CATEGORIES;
use crate::entity::project;
use crate::error::AppResult;
use crate::service::golive::{self, Mark, RawActual, RawRehearsal, RawTask, local_input};
use crate::service::hypercare::{self, RawIssue};
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use minijinja::context;

pub async fn index(State(state): State<AppState>, ctx: Ctx, Path(id): Path<i32>) -> AppResult<Response> {
    let (_, a) = authorize(&state, &ctx, id, Action::View).await?;
    let next = golive::tasks(&state.db.conn, id).await?.last().map_or(1, |t| t.seq + 10);
    let form = RawTask { seq: next.to_string(), category: "technical".into(), ..Default::default() };
    index_page(&state, &ctx, &a.project, a.role, Feedback::none(), form, RawRehearsal::default()).await
}

#[allow(clippy::too_many_arguments)]
async fn index_page(
    state: &AppState,
    ctx: &Ctx,
    project: &project::Model,
    role: Role,
    fb: Feedback,
    form: RawTask,
    rehearsal_form: RawRehearsal,
) -> AppResult<Response> {
    let rb = golive::runbook(&state.db.conn, project).await?;
    let data = context! {
        project => ser(project),
        rb => ser(&rb),
        can => can(role),
        errors => error_map(&fb.errors),
        error => fb.error,
        detail => fb.detail,
        form => ser(&form),
        rehearsal_form => ser(&rehearsal_form),
        categories => ser(&CATEGORIES),
        today => golive::today(project).to_string(),
    };
    Ok((fb.status, page(state, ctx, "golive/runbook.html", data)).into_response())
}

pub async fn create(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i32>,
    form: FormData,
) -> AppResult<Response> {
    let (actor, a) = authorize(&state, &ctx, id, Action::Contribute).await?;
    let raw: RawTask = form.typed()?;
    let result = match golive::validate(&raw) {
        Ok(input) => golive::create_task(&state.db, actor, id, &input).await,
        Err(e) => Err(e.into()),
    };
    match result {
        Ok(_) => Ok(Redirect::to(&format!("/projects/{id}/cutover")).into_response()),
        Err(e) => {
            index_page(&state, &ctx, &a.project, a.role, Feedback::from_service(e)?, raw, RawRehearsal::default()).await
        }
    }
}

pub async fn edit_form(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, tid)): Path<(i32, i32)>,
) -> AppResult<Response> {
    let (_, a) = authorize(&state, &ctx, id, Action::View).await?;
    let t = crate::service::write::get::<crate::entity::cutover_task::Entity, _>(&state.db.conn, id, tid).await?;
    let raw = golive::raw_of(&t);
    form_page(&state, &ctx, &a.project, a.role, t, raw, Feedback::none(), None).await
}

#[allow(clippy::too_many_arguments)]
async fn form_page(
    state: &AppState,
    ctx: &Ctx,
    project: &project::Model,
    role: Role,
    current: crate::entity::cutover_task::Model,
    raw: RawTask,
    fb: Feedback,
    version: Option<i32>,
) -> AppResult<Response> {
    let conflict = if fb.conflict { Some(golive::raw_of(&current)) } else { None };
    let data = context! {
        project => ser(project),
        task => ser(&current),
        form => ser(&raw),
        errors => error_map(&fb.errors),
        error => fb.error,
        detail => fb.detail,
        conflict => ser(&conflict),
        version => version.unwrap_or(current.version),
        can => can(role),
        categories => ser(&CATEGORIES),
    };
    Ok((fb.status, page(state, ctx, "golive/task.html", data)).into_response())
}

pub async fn update(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, tid)): Path<(i32, i32)>,
    form: FormData,
) -> AppResult<Response> {
    let (actor, a) = authorize(&state, &ctx, id, Action::Contribute).await?;
    let version = form.version()?;
    let raw: RawTask = form.typed()?;
    let result = match golive::validate(&raw) {
        Ok(input) => golive::update_task(&state.db, actor, id, tid, version, &input).await,
        Err(e) => Err(e.into()),
    };
    match result {
        Ok(_) => Ok(Redirect::to(&format!("/projects/{id}/cutover")).into_response()),
        Err(e) => {
            let fb = Feedback::from_service(e)?;
            let current =
                crate::service::write::get::<crate::entity::cutover_task::Entity, _>(&state.db.conn, id, tid).await?;
            let v = if fb.conflict { current.version } else { version };
            form_page(&state, &ctx, &a.project, a.role, current, raw, fb, Some(v)).await
        }
    }
}

pub async fn delete(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, tid)): Path<(i32, i32)>,
    form: FormData,
) -> AppResult<Response> {
    let (actor, _) = authorize(&state, &ctx, id, Action::Contribute).await?;
    let version = form.version()?;
    golive::delete_task(&state.db, actor, id, tid, version).await?;
    Ok(Redirect::to(&format!("/projects/{id}/cutover")).into_response())
}

/// The live view (`projector`: the same, large, refreshing itself, without the buttons).
async fn live_page(state: &AppState, ctx: &Ctx, id: i32, projector: bool, fb: Feedback) -> AppResult<Response> {
    let (_, a) = authorize(state, ctx, id, Action::View).await?;
    let rb = golive::runbook(&state.db.conn, &a.project).await?;
    let data = context! {
        project => ser(&a.project),
        rb => ser(&rb),
        can => can(a.role),
        error => fb.error,
        conflict => fb.conflict,
    };
    let name = if projector { "golive/projector.html" } else { "golive/live.html" };
    Ok((fb.status, page(state, ctx, name, data)).into_response())
}

pub async fn live(State(state): State<AppState>, ctx: Ctx, Path(id): Path<i32>) -> AppResult<Response> {
    live_page(&state, &ctx, id, false, Feedback::none()).await
}

pub async fn projector(State(state): State<AppState>, ctx: Ctx, Path(id): Path<i32>) -> AppResult<Response> {
    live_page(&state, &ctx, id, true, Feedback::none()).await
}

/// Start, finish or reset a task on cutover day; a stale button (someone else pressed
/// first) shows the live view again with a 409 and the current record.
async fn mark(state: AppState, ctx: Ctx, (id, tid): (i32, i32), m: Mark, form: FormData) -> AppResult<Response> {
    let (actor, _) = authorize(&state, &ctx, id, Action::Contribute).await?;
    let version = form.version()?;
    match golive::mark(&state.db, actor, id, tid, version, m).await {
        Ok(_) => Ok(Redirect::to(&format!("/projects/{id}/cutover/live#task-{tid}")).into_response()),
        Err(e) => live_page(&state, &ctx, id, false, Feedback::from_service(e)?).await,
    }
}

pub async fn create_rehearsal(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i32>,
    form: FormData,
) -> AppResult<Response> {
    let (actor, a) = authorize(&state, &ctx, id, Action::Contribute).await?;
    let raw: RawRehearsal = form.typed()?;
    let result = match golive::validate_rehearsal(&raw) {
        Ok((name, held_on)) => golive::create_rehearsal(&state.db, actor, id, &name, held_on).await,
        Err(e) => Err(e.into()),
    };
    match result {
        Ok(r) => Ok(Redirect::to(&format!("/projects/{id}/cutover/rehearsals/{}", r.id)).into_response()),
        Err(e) => {
            let fb = Feedback::from_service(e)?;
            // The rehearsal form's fields are prefixed on the page.
            let mut fb = fb;
            for f in &mut fb.errors.0 {
                f.field = format!("rehearsal_{}", f.field);
            }
            index_page(&state, &ctx, &a.project, a.role, fb, RawTask::default(), raw).await
        }
    }
}

pub async fn rehearsal(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, rid)): Path<(i32, i32)>,
) -> AppResult<Response> {
    let (_, a) = authorize(&state, &ctx, id, Action::View).await?;
    rehearsal_page(&state, &ctx, &a.project, a.role, rid, Feedback::none(), None).await
}

async fn rehearsal_page(
    state: &AppState,
    ctx: &Ctx,
    project: &project::Model,
    role: Role,
    rid: i32,
    fb: Feedback,
    typed: Option<Vec<RawActual>>,
) -> AppResult<Response> {
    let (rb, i) = golive::rehearsal(&state.db.conn, project, rid).await?;
    let sheet: Vec<RawActual> = typed.unwrap_or_else(|| {
        rb.tasks
            .iter()
            .map(|t| RawActual {
                task_id: t.task.id,
                start: t.rehearsals[i].start.as_ref().map(local_input).unwrap_or_default(),
                finish: t.rehearsals[i].finish.as_ref().map(local_input).unwrap_or_default(),
            })
            .collect()
    });
    let data = context! {
        project => ser(project),
        rb => ser(&rb),
        index => i,
        rehearsal => ser(&rb.rehearsals[i]),
        sheet => ser(&sheet),
        errors => error_map(&fb.errors),
        conflict => fb.conflict,
        can => can(role),
    };
    Ok((fb.status, page(state, ctx, "golive/rehearsal.html", data)).into_response())
}

pub async fn save_rehearsal(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, rid)): Path<(i32, i32)>,
    form: FormData,
) -> AppResult<Response> {
    let (actor, a) = authorize(&state, &ctx, id, Action::Contribute).await?;
    let version = form.version()?;
    let rows: Vec<RawActual> = form
        .all("task")
        .iter()
        .filter_map(|t| t.parse::<i32>().ok())
        .map(|t| RawActual {
            task_id: t,
            start: form.get(&format!("start_{t}")).to_string(),
            finish: form.get(&format!("finish_{t}")).to_string(),
        })
        .collect();
    match golive::save_actuals(&state.db, actor, id, rid, version, &rows).await {
        Ok(()) => Ok(Redirect::to(&format!("/projects/{id}/cutover#rehearsals")).into_response()),
        Err(e) => {
            let fb = Feedback::from_service(e)?;
            let typed = if fb.conflict { None } else { Some(rows) };
            rehearsal_page(&state, &ctx, &a.project, a.role, rid, fb, typed).await
        }
    }
}

// ---- hypercare ----

pub async fn hypercare(State(state): State<AppState>, ctx: Ctx, Path(id): Path<i32>) -> AppResult<Response> {
    let (_, a) = authorize(&state, &ctx, id, Action::View).await?;
    let first = a.project.modules.split(',').next().unwrap_or_default().to_string();
    let form = RawIssue {
        severity: "3".into(),
        channel: "phone".into(),
        module_key: first,
        status: "open".into(),
        opened_at: local_input(&golive::local(&a.project, crate::service::now())),
        ..Default::default()
    };
    hypercare_page(&state, &ctx, &a.project, a.role, Feedback::none(), form).await
}

async fn hypercare_page(
    state: &AppState,
    ctx: &Ctx,
    project: &project::Model,
    role: Role,
    fb: Feedback,
    form: RawIssue,
) -> AppResult<Response> {
    let log = hypercare::log(&state.db.conn, project, ctx.lang).await?;
    let chart = minijinja::Value::from_safe_string(log.chart.to_svg(720.0, 220.0));
    let data = context! {
        project => ser(project),
        log => ser(&log),
        chart,
        can => can(role),
        errors => error_map(&fb.errors),
        form => ser(&form),
        channels => ser(&CHANNELS),
        statuses => ser(&STATUSES),
        modules => project.modules.split(',').map(str::to_string).collect::<Vec<_>>(),
    };
    Ok((fb.status, page(state, ctx, "golive/hypercare.html", data)).into_response())
}

pub async fn create_issue(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i32>,
    form: FormData,
) -> AppResult<Response> {
    let (actor, a) = authorize(&state, &ctx, id, Action::Contribute).await?;
    let raw: RawIssue = form.typed()?;
    let result = match hypercare::validate(&raw, &a.project, crate::service::now()) {
        Ok(input) => hypercare::create(&state.db, actor, id, &input).await,
        Err(e) => Err(e.into()),
    };
    match result {
        Ok(_) => Ok(Redirect::to(&format!("/projects/{id}/hypercare")).into_response()),
        Err(e) => hypercare_page(&state, &ctx, &a.project, a.role, Feedback::from_service(e)?, raw).await,
    }
}

pub async fn issue_form(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, iid)): Path<(i32, i32)>,
) -> AppResult<Response> {
    let (_, a) = authorize(&state, &ctx, id, Action::View).await?;
    issue_page(&state, &ctx, &a.project, a.role, iid, None, Feedback::none(), None).await
}

#[allow(clippy::too_many_arguments)]
async fn issue_page(
    state: &AppState,
    ctx: &Ctx,
    project: &project::Model,
    role: Role,
    iid: i32,
    raw: Option<RawIssue>,
    fb: Feedback,
    version: Option<i32>,
) -> AppResult<Response> {
    let log = hypercare::log(&state.db.conn, project, ctx.lang).await?;
    let row = log.issues.iter().find(|i| i.issue.id == iid).ok_or(crate::service::Error::NotFound)?;
    let current = crate::service::hypercare::raw_of(row);
    let data = context! {
        project => ser(project),
        row => ser(row),
        form => ser(&raw.unwrap_or_else(|| current.clone())),
        conflict => ser(&if fb.conflict { Some(current) } else { None }),
        version => version.unwrap_or(row.issue.version),
        errors => error_map(&fb.errors),
        can => can(role),
        channels => ser(&CHANNELS),
        statuses => ser(&STATUSES),
        modules => project.modules.split(',').map(str::to_string).collect::<Vec<_>>(),
        time_zone => project.time_zone.clone(),
    };
    Ok((fb.status, page(state, ctx, "golive/issue.html", data)).into_response())
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
    let result = match hypercare::validate(&raw, &a.project, crate::service::now()) {
        Ok(input) => hypercare::update(&state.db, actor, id, iid, version, &input).await,
        Err(e) => Err(e.into()),
    };
    match result {
        Ok(_) => Ok(Redirect::to(&format!("/projects/{id}/hypercare")).into_response()),
        Err(e) => {
            let fb = Feedback::from_service(e)?;
            let v = if fb.conflict { None } else { Some(version) };
            issue_page(&state, &ctx, &a.project, a.role, iid, Some(raw), fb, v).await
        }
    }
}

/// This area's pages and form posts.
pub fn routes() -> axum::Router<crate::AppState> {
    use super::form::form_route;
    use axum::routing::{get, post};
    axum::Router::new()
        .route("/projects/{id}/cutover", get(index))
        .route("/projects/{id}/cutover/tasks", post(create))
        .route("/projects/{id}/cutover/tasks/{tid}", get(edit_form).post(update))
        .route("/projects/{id}/cutover/tasks/{tid}/delete", post(delete))
        .route("/projects/{id}/cutover/tasks/{tid}/start", form_route(Mark::Start, mark))
        .route("/projects/{id}/cutover/tasks/{tid}/finish", form_route(Mark::Finish, mark))
        .route("/projects/{id}/cutover/tasks/{tid}/reset", form_route(Mark::Reset, mark))
        .route("/projects/{id}/cutover/live", get(live))
        .route("/projects/{id}/cutover/projector", get(projector))
        .route("/projects/{id}/cutover/rehearsals", post(create_rehearsal))
        .route("/projects/{id}/cutover/rehearsals/{rid}", get(rehearsal).post(save_rehearsal))
        .route("/projects/{id}/hypercare", get(hypercare).post(create_issue))
        .route("/projects/{id}/hypercare/{iid}", get(issue_form).post(update_issue))
}
