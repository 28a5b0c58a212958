//! The schedule: Gantt, activities, milestones, dependencies, calendar, baselines, exports.
//! Every figure comes from `service::schedule::view`; the handlers parse, authorise, call one
//! service function and render.
use super::context::Ctx;
use super::form::{Feedback, FormData};
use super::projects::{authorize, can, error_map};
use super::render::{kept_page, page, ser};
use crate::AppState;
use crate::domain::policy::Action;
use crate::error::{AppError, AppResult};
use crate::service::access::Access;
use crate::service::schedule::{self, NewDay, NewLink, NewMilestone, RawActivity, ViewOptions};
use crate::service::views::Kept;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use minijinja::{Value, context};
use serde::Deserialize;

#[derive(Deserialize, Default)]
pub struct ViewQuery {
    scale: Option<String>,
    baseline: Option<i32>,
}

impl ViewQuery {
    fn options(&self) -> ViewOptions {
        ViewOptions::from_query(self.scale.as_deref(), self.baseline)
    }
}

async fn page_of(
    state: &AppState,
    ctx: &Ctx,
    a: Access,
    q: &ViewQuery,
    fb: Feedback,
    extra: Value,
) -> AppResult<Response> {
    let kept = schedule::view_cached(&state.db, &a.project, q.options()).await?;
    let data = data_of(ctx, &a, &kept, &fb, extra);
    Ok((fb.status, page(state, ctx, "schedule/show.html", data)).into_response())
}

/// The page's context: the kept view, its Gantt in the page's language, the feedback.
fn data_of(ctx: &Ctx, a: &Access, kept: &Kept<schedule::ScheduleView>, fb: &Feedback, extra: Value) -> Value {
    let v = &kept.view;
    let gantt = kept.memo(&format!("gantt.{}", ctx.lang.code()), || v.gantt.to_svg(1180.0, ctx.lang));
    context! {
        project => ser(&a.project),
        gantt => Value::from_safe_string(gantt.to_string()),
        v => ser(v),
        can => can(a.role),
        errors => error_map(&fb.errors),
        error => fb.error,
        detail => fb.detail.clone(),
        ..extra
    }
}

/// The schedule as asked: rendered once per change of the project (and language and role).
pub async fn show(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i32>,
    Query(q): Query<ViewQuery>,
) -> AppResult<Response> {
    let (_, a) = authorize(&state, &ctx, id, Action::View).await?;
    let kept = schedule::view_cached(&state.db, &a.project, q.options()).await?;
    Ok(kept_page(&state, &ctx, &kept, "schedule/show.html", a.role.as_str(), || {
        data_of(&ctx, &a, &kept, &Feedback::none(), Value::from(()))
    }))
}

fn back(id: i32, anchor: &str) -> Response {
    Redirect::to(&format!("/projects/{id}/schedule#{anchor}")).into_response()
}

pub async fn activity_form(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, aid)): Path<(i32, i32)>,
) -> AppResult<Response> {
    let (_, a) = authorize(&state, &ctx, id, Action::View).await?;
    activity_page(&state, &ctx, a, aid, Feedback::none(), None).await
}

async fn activity_page(
    state: &AppState,
    ctx: &Ctx,
    a: Access,
    aid: i32,
    fb: Feedback,
    typed: Option<RawActivity>,
) -> AppResult<Response> {
    let v = schedule::activity_view(&state.db.conn, a.project.id, aid, typed).await?;
    let data = context! { project => ser(&a.project), act => ser(&v.activity), item => ser(&v.item), form => ser(&v.form), errors => error_map(&fb.errors), conflict => fb.conflict, can => can(a.role) };
    Ok((fb.status, page(state, ctx, "schedule/activity.html", data)).into_response())
}

pub async fn update_activity(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, aid)): Path<(i32, i32)>,
    form: FormData,
) -> AppResult<Response> {
    let (actor, a) = authorize(&state, &ctx, id, Action::Contribute).await?;
    let raw: RawActivity = form.typed()?;
    match schedule::update_activity(&state.db, actor, id, aid, form.version()?, &raw).await {
        Ok(()) => Ok(back(id, "items")),
        Err(e) => activity_page(&state, &ctx, a, aid, Feedback::from_service(e)?, Some(raw)).await,
    }
}

/// The outcome of a schedule write: back to the section on success; on a refusal the
/// schedule page again with what went wrong.
async fn act(
    state: &AppState,
    ctx: &Ctx,
    a: Access,
    anchor: &str,
    r: crate::service::Result<()>,
) -> AppResult<Response> {
    match r {
        Ok(()) => Ok(back(a.project.id, anchor)),
        Err(e) => page_of(state, ctx, a, &ViewQuery::default(), Feedback::from_service(e)?, Value::from(())).await,
    }
}

/// A refused upload: the page again with the message and what could not be read.
async fn refused(state: &AppState, ctx: &Ctx, a: Access, error: &'static str, detail: String) -> AppResult<Response> {
    let fb = Feedback {
        status: StatusCode::UNPROCESSABLE_ENTITY,
        error: Some(error),
        detail: Some(detail),
        ..Default::default()
    };
    page_of(state, ctx, a, &ViewQuery::default(), fb, Value::from(())).await
}

pub async fn add_dependency(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i32>,
    form: FormData,
) -> AppResult<Response> {
    let (actor, a) = authorize(&state, &ctx, id, Action::Contribute).await?;
    let f: NewLink = form.typed()?;
    let r = schedule::add_dependency(&state.db, actor, id, &f).await;
    act(&state, &ctx, a, "links", r).await
}

pub async fn remove_dependency(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, did)): Path<(i32, i32)>,
) -> AppResult<Response> {
    let (actor, a) = authorize(&state, &ctx, id, Action::Contribute).await?;
    let r = schedule::remove_dependency(&state.db, actor, id, did).await;
    act(&state, &ctx, a, "links", r).await
}

pub async fn add_milestone(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i32>,
    form: FormData,
) -> AppResult<Response> {
    let (actor, a) = authorize(&state, &ctx, id, Action::Contribute).await?;
    let f: NewMilestone = form.typed()?;
    let r = schedule::add_milestone(&state.db, actor, id, &f).await;
    act(&state, &ctx, a, "milestones", r).await
}

pub async fn milestone_status(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, mid)): Path<(i32, i32)>,
    form: FormData,
) -> AppResult<Response> {
    let (actor, a) = authorize(&state, &ctx, id, Action::Contribute).await?;
    let done = form.get("done") == "1";
    let r = schedule::set_milestone_done(&state.db, actor, &a.project, mid, form.version()?, done).await;
    act(&state, &ctx, a, "milestones", r).await
}

pub async fn add_day(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i32>,
    form: FormData,
) -> AppResult<Response> {
    let (actor, a) = authorize(&state, &ctx, id, Action::Contribute).await?;
    let f: NewDay = form.typed()?;
    let r = schedule::add_day(&state.db, actor, id, &f).await;
    act(&state, &ctx, a, "calendar", r).await
}

pub async fn remove_day(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, cid)): Path<(i32, i32)>,
) -> AppResult<Response> {
    let (actor, a) = authorize(&state, &ctx, id, Action::Contribute).await?;
    let r = schedule::remove_day(&state.db, actor, id, cid).await;
    act(&state, &ctx, a, "calendar", r).await
}

/// The bytes of the upload field `file`.
async fn upload(mp: &mut Multipart) -> AppResult<Vec<u8>> {
    let mut bytes = vec![];
    while let Some(field) = mp.next_field().await.map_err(|_| AppError::BadRequest)? {
        if field.name() == Some("file") {
            bytes = field.bytes().await.map_err(|_| AppError::BadRequest)?.to_vec();
        }
    }
    Ok(bytes)
}

pub async fn import_days(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i32>,
    mut mp: Multipart,
) -> AppResult<Response> {
    let (actor, a) = authorize(&state, &ctx, id, Action::Contribute).await?;
    let text = String::from_utf8(upload(&mut mp).await?).map_err(|_| AppError::BadRequest)?;
    match schedule::import_ics(&state.db, actor, id, &text).await {
        Ok(Ok(_)) => Ok(back(id, "calendar")),
        Ok(Err(lines)) => {
            let lines = lines.iter().map(|l| l.to_string()).collect::<Vec<_>>().join(", ");
            refused(&state, &ctx, a, "schedule.ics_bad", lines).await
        }
        Err(e) => act(&state, &ctx, a, "calendar", Err(e)).await,
    }
}

pub async fn save_baseline(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i32>,
    form: FormData,
) -> AppResult<Response> {
    let (actor, a) = authorize(&state, &ctx, id, Action::SaveBaseline).await?;
    match schedule::save_baseline(&state.db, actor, id, form.get("name")).await {
        Ok(b) => Ok(Redirect::to(&format!("/projects/{id}/schedule?baseline={}#items", b.id)).into_response()),
        Err(e) => act(&state, &ctx, a, "baselines", Err(e)).await,
    }
}

pub async fn create_feed(State(state): State<AppState>, ctx: Ctx, Path(id): Path<i32>) -> AppResult<Response> {
    let (actor, a) = authorize(&state, &ctx, id, Action::EditProject).await?;
    let token = schedule::create_feed(&state.db, actor, id).await?;
    // A full address, so it can be pasted straight into a calendar app; the host is the
    // configured base URL, never the request's Host header.
    let url = format!("{}/feeds/{token}.ics", state.base_url);
    page_of(&state, &ctx, a, &ViewQuery::default(), Feedback::none(), context! { new_feed => url }).await
}

pub async fn revoke_feed(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, fid)): Path<(i32, i32)>,
) -> AppResult<Response> {
    let (actor, _) = authorize(&state, &ctx, id, Action::EditProject).await?;
    schedule::revoke_feed(&state.db, actor, id, fid).await?;
    Ok(back(id, "exports"))
}

/// A file to download.
fn attachment(content_type: &str, name: String, body: String) -> Response {
    let disposition = format!("attachment; filename=\"{name}\"");
    ([(header::CONTENT_TYPE, content_type.to_string()), (header::CONTENT_DISPOSITION, disposition)], body)
        .into_response()
}

/// The schedule as CSV (UTF-8 with BOM, so Excel opens Chinese names correctly).
pub async fn csv(State(state): State<AppState>, ctx: Ctx, Path(id): Path<i32>) -> AppResult<Response> {
    let (_, a) = authorize(&state, &ctx, id, Action::View).await?;
    let v = schedule::view(&state.db.conn, &a.project, ViewOptions::default()).await?;
    Ok(attachment("text/csv; charset=utf-8", format!("schedule-{id}.csv"), schedule::csv(&v)))
}

/// The iCalendar feed behind a secret, revocable URL: milestones, phase gates and training
/// sessions. No login (calendar apps cannot log in); an unknown or revoked token is a 404.
pub async fn feed(State(state): State<AppState>, Path(file): Path<String>) -> AppResult<Response> {
    let token = file.strip_suffix(".ics").unwrap_or(&file);
    let body = schedule::feed_calendar(&state.db.conn, token).await?.ok_or(AppError::NotFound)?;
    Ok(([(header::CONTENT_TYPE, "text/calendar; charset=utf-8")], body).into_response())
}

/// The plan as Microsoft Project XML.
pub async fn mspdi_export(State(state): State<AppState>, ctx: Ctx, Path(id): Path<i32>) -> AppResult<Response> {
    let (_, a) = authorize(&state, &ctx, id, Action::View).await?;
    let xml = schedule::export_mspdi(&state.db.conn, a.project.id).await?;
    Ok(attachment("application/xml; charset=utf-8", format!("schedule-{id}.xml"), xml))
}

/// Import a Microsoft Project XML file into this project's schedule.
pub async fn mspdi_import(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i32>,
    mut mp: Multipart,
) -> AppResult<Response> {
    let (actor, a) = authorize(&state, &ctx, id, Action::ImportPlan).await?;
    let xml = String::from_utf8_lossy(&upload(&mut mp).await?).to_string();
    match schedule::import_mspdi(&state.db, actor, id, &xml).await {
        Ok(Ok(_)) => Ok(back(id, "items")),
        Ok(Err(problems)) => refused(&state, &ctx, a, "schedule.mspdi_bad", problems.render(ctx.lang)).await,
        Err(e) => act(&state, &ctx, a, "items", Err(e)).await,
    }
}

/// This area's pages and form posts.
pub fn routes() -> axum::Router<crate::AppState> {
    use axum::routing::{get, post};
    axum::Router::new()
        .route("/projects/{id}/schedule", get(show))
        .route("/projects/{id}/schedule.csv", get(csv))
        .route("/projects/{id}/schedule.xml", get(mspdi_export))
        .route("/projects/{id}/schedule/import", post(mspdi_import))
        .route("/projects/{id}/schedule/activities/{aid}", get(activity_form).post(update_activity))
        .route("/projects/{id}/schedule/dependencies", post(add_dependency))
        .route("/projects/{id}/schedule/dependencies/{did}/delete", post(remove_dependency))
        .route("/projects/{id}/schedule/milestones", post(add_milestone))
        .route("/projects/{id}/schedule/milestones/{mid}/status", post(milestone_status))
        .route("/projects/{id}/schedule/calendar", post(add_day))
        .route("/projects/{id}/schedule/calendar/import", post(import_days))
        .route("/projects/{id}/schedule/calendar/{cid}/delete", post(remove_day))
        .route("/projects/{id}/schedule/baselines", post(save_baseline))
        .route("/projects/{id}/schedule/feeds", post(create_feed))
        .route("/projects/{id}/schedule/feeds/{fid}/revoke", post(revoke_feed))
        .route("/feeds/{file}", get(feed))
}
