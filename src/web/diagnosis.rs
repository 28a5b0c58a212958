//! Analysis and diagnosis (phase 3): process inventory, scoring and the priority matrix,
//! fishbone analyses, the installation record, data sources and their quality. Every figure
//! and chart model comes from `service::diagnosis`'s views; handlers only render them.
use super::context::Ctx;
use super::form::{Feedback, FormData, form_route};
use super::projects::{authorize, can, error_map};
use super::render::{page, ser};
use crate::AppState;
use crate::domain::diagnosis::{CAUSE_CATEGORIES, DATA_ENTITIES, DATA_STATES};
use crate::domain::policy::{Action, Role};
use crate::entity::project;
use crate::error::{AppError, AppResult};
use crate::service::diagnosis::{
    self as svc, CheckForm, FishboneForm, RawEnvironment, RawProcess, RawScore, RawSource,
};
use crate::service::{self, Actor};
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use minijinja::{Value, context};
use serde::Deserialize;
use std::collections::BTreeMap;

fn form_value(form: &FormData) -> Value {
    let m: BTreeMap<String, String> = form.0.iter().cloned().collect();
    ser(&m)
}

pub async fn index(State(state): State<AppState>, ctx: Ctx, Path(id): Path<i32>) -> AppResult<Response> {
    let (_, a) = authorize(&state, &ctx, id, Action::View).await?;
    index_page(&state, &ctx, &a.project, a.role, Feedback::none(), "", &FormData::default()).await
}

async fn index_page(
    state: &AppState,
    ctx: &Ctx,
    project: &project::Model,
    role: Role,
    fb: Feedback,
    which: &str,
    form: &FormData,
) -> AppResult<Response> {
    let v = svc::view(&state.db.conn, project, ctx.lang).await?;
    let fishbones: Vec<Value> = v
        .fishbones
        .iter()
        .map(|f| {
            context! { svg => Value::from_safe_string(f.chart.to_svg()), causes => ser(&f.causes), f => ser(&f.f), process => f.process.clone() }
        })
        .collect();
    let data = context! {
        project => ser(project),
        ranked => ser(&v.ranked),
        groups => ser(&v.groups),
        matrix => Value::from_safe_string(v.matrix.to_svg()),
        fishbones,
        environments => ser(&v.environments),
        sources => ser(&v.sources),
        processes => ser(&v.processes),
        modules => ser(&v.modules),
        can => can(role),
        errors => error_map(&fb.errors),
        which,
        form => form_value(form),
        categories => ser(&CAUSE_CATEGORIES),
        entities => ser(&DATA_ENTITIES),
        states => ser(&DATA_STATES),
        today => v.today.to_string(),
    };
    Ok((fb.status, page(state, ctx, "diagnosis/index.html", data)).into_response())
}

/// A form posted on the diagnosis page.
#[derive(Clone, Copy)]
enum IndexWrite {
    CreateProcess,
    CreateFishbone,
    SaveEnvironment,
    CreateSource,
    UpdateSource,
    AddCheck,
}

/// The ids in a diagnosis URL: the project, and the data source where there is one.
#[derive(Deserialize)]
struct Ids {
    id: i32,
    sid: Option<i32>,
}

/// The one flow of the diagnosis page's forms: authorise, validate and write, then back to
/// the page at the changed part, or the page again with the problem by the form's fields.
async fn index_write(state: AppState, ctx: Ctx, ids: Ids, w: IndexWrite, form: FormData) -> AppResult<Response> {
    let id = ids.id;
    let (actor, a) = authorize(&state, &ctx, id, Action::Contribute).await?;
    let (which, result) = run_index_write(&state, actor, ids, w, &form).await?;
    match result {
        Ok(to) => Ok(Redirect::to(&format!("/projects/{id}/{to}")).into_response()),
        Err(e) => index_page(&state, &ctx, &a.project, a.role, Feedback::from_service(e)?, &which, &form).await,
    }
}

/// Which form it was (for the errors) and where to go after it worked.
async fn run_index_write(
    state: &AppState,
    actor: Actor,
    ids: Ids,
    w: IndexWrite,
    form: &FormData,
) -> AppResult<(String, service::Result<String>)> {
    let (db, c, id) = (&state.db, &state.db.conn, ids.id);
    let sid = || ids.sid.ok_or(AppError::NotFound);
    Ok(match w {
        IndexWrite::CreateProcess => {
            let keys = svc::module_keys(c, id).await?;
            let r = match svc::validate_process(&form.typed::<RawProcess>()?, &keys) {
                Ok(i) => svc::create_process(db, actor, id, &i).await.map(|p| format!("diagnosis/processes/{}", p.id)),
                Err(e) => Err(e.into()),
            };
            ("process".into(), r)
        }
        IndexWrite::CreateFishbone => {
            let ids = svc::process_ids(c, id).await?;
            let f: FishboneForm = form.typed()?;
            let r = match svc::validate_fishbone(&f.effect, &f.process_id, &f.causes, &ids) {
                Ok(i) => svc::create_fishbone(db, actor, id, &i).await.map(|f| format!("diagnosis#fishbone-{}", f.id)),
                Err(e) => Err(e.into()),
            };
            ("fishbone".into(), r)
        }
        IndexWrite::SaveEnvironment => {
            let raw: RawEnvironment = form.typed()?;
            let r = svc::save_environment(db, actor, id, &raw).await.map(|_| "diagnosis#installation".into());
            (format!("env-{}", raw.kind), r)
        }
        IndexWrite::CreateSource => {
            let r = match svc::validate_source(&form.typed::<RawSource>()?) {
                Ok(i) => svc::create_source(db, actor, id, &i).await.map(|_| "diagnosis#data".into()),
                Err(e) => Err(e.into()),
            };
            ("source".into(), r)
        }
        IndexWrite::UpdateSource => {
            let (sid, version) = (sid()?, form.version()?);
            let r = match svc::validate_source(&form.typed::<RawSource>()?) {
                Ok(i) => svc::update_source(db, actor, id, sid, version, &i).await.map(|_| "diagnosis#data".into()),
                Err(e) => Err(e.into()),
            };
            (format!("source-{sid}"), r)
        }
        IndexWrite::AddCheck => {
            let sid = sid()?;
            let f: CheckForm = form.typed()?;
            let q = [f.completeness.as_str(), f.duplicates.as_str(), f.validity.as_str()];
            let r = svc::add_check(db, actor, id, sid, &f.measured_on, q).await.map(|_| "diagnosis#data".into());
            (format!("check-{sid}"), r)
        }
    })
}

pub async fn process_page(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, pid)): Path<(i32, i32)>,
) -> AppResult<Response> {
    let (_, a) = authorize(&state, &ctx, id, Action::View).await?;
    process_view(&state, &ctx, &a.project, a.role, pid, Feedback::none(), "", &FormData::default(), None).await
}

#[allow(clippy::too_many_arguments)]
async fn process_view(
    state: &AppState,
    ctx: &Ctx,
    project: &project::Model,
    role: Role,
    pid: i32,
    fb: Feedback,
    which: &str,
    form: &FormData,
    version: Option<i32>,
) -> AppResult<Response> {
    let v = svc::process_page(&state.db.conn, project.id, pid).await?;
    let p = &v.p;
    // Unsubmitted forms show the stored values.
    let shown = if form.0.is_empty() {
        let opt = |v: Option<i32>| v.map(|x| x.to_string()).unwrap_or_default();
        let f: BTreeMap<&str, String> = [
            ("module_key", p.module_key.clone()),
            ("name", p.name.clone()),
            ("as_is", p.as_is.clone()),
            ("owner_dept", p.owner_dept.clone()),
            ("volume", p.volume.clone()),
            ("pain_points", p.pain_points.clone()),
            ("systems", p.systems.clone()),
            ("importance", opt(p.importance)),
            ("performance", opt(p.performance)),
            ("feasibility", opt(p.feasibility)),
            ("justification", p.justification.clone()),
            ("selected", if p.selected { "1".into() } else { String::new() }),
        ]
        .into_iter()
        .collect();
        ser(&f)
    } else {
        form_value(form)
    };
    // After a stale save the form takes the stored version, to be edited afresh.
    let version = match version {
        Some(v) if !fb.conflict => v,
        _ => p.version,
    };
    let data = context! {
        project => ser(project),
        p => ser(p),
        view => ser(&v.view),
        form => shown,
        errors => error_map(&fb.errors),
        conflict => fb.conflict,
        which,
        version,
        modules => ser(&v.modules),
        can => can(role),
    };
    Ok((fb.status, page(state, ctx, "diagnosis/process.html", data)).into_response())
}

/// The two forms of a process's page: its description and its score.
#[derive(Clone, Copy)]
enum ProcessWrite {
    Describe,
    Score,
}

async fn process_write(
    state: AppState,
    ctx: Ctx,
    (id, pid): (i32, i32),
    w: ProcessWrite,
    form: FormData,
) -> AppResult<Response> {
    let (actor, a) = authorize(&state, &ctx, id, Action::Contribute).await?;
    let version = form.version()?;
    let db = &state.db;
    let (which, result) = match w {
        ProcessWrite::Describe => {
            let keys = svc::module_keys(&db.conn, id).await?;
            let r = match svc::validate_process(&form.typed::<RawProcess>()?, &keys) {
                Ok(i) => svc::update_process(db, actor, id, pid, version, &i).await,
                Err(e) => Err(e.into()),
            };
            ("process", r)
        }
        ProcessWrite::Score => {
            let r = match svc::validate_score(&form.typed::<RawScore>()?) {
                Ok(s) => svc::score(db, actor, id, pid, version, &s).await,
                Err(e) => Err(e.into()),
            };
            ("score", r)
        }
    };
    match result {
        Ok(_) => Ok(Redirect::to(&format!("/projects/{id}/diagnosis#ranking")).into_response()),
        Err(e) => {
            let fb = Feedback::from_service(e)?;
            process_view(&state, &ctx, &a.project, a.role, pid, fb, which, &form, Some(version)).await
        }
    }
}

pub async fn fishbone_page(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, fid)): Path<(i32, i32)>,
) -> AppResult<Response> {
    let (_, a) = authorize(&state, &ctx, id, Action::View).await?;
    fishbone_view(&state, &ctx, &a.project, a.role, fid, Feedback::none(), None, None).await
}

/// The fishbone page; `form` is what was submitted (none: the stored values).
#[allow(clippy::too_many_arguments)]
async fn fishbone_view(
    state: &AppState,
    ctx: &Ctx,
    project: &project::Model,
    role: Role,
    fid: i32,
    fb: Feedback,
    form: Option<&FormData>,
    version: Option<i32>,
) -> AppResult<Response> {
    let v = svc::fishbone_page(&state.db.conn, project.id, fid, ctx.lang).await?;
    let f = &v.f;
    let form = match form {
        Some(form) => form_value(form),
        None => ser(&FishboneForm {
            effect: f.effect.clone(),
            process_id: f.process_id.map(|p| p.to_string()).unwrap_or_default(),
            causes: svc::causes_text(&v.causes),
        }),
    };
    let version = match version {
        Some(v) if !fb.conflict => v,
        _ => f.version,
    };
    let data = context! {
        project => ser(project),
        f => ser(f),
        svg => Value::from_safe_string(v.chart.to_svg()),
        form,
        errors => error_map(&fb.errors),
        conflict => fb.conflict,
        version,
        processes => ser(&v.processes),
        categories => ser(&CAUSE_CATEGORIES),
        can => can(role),
    };
    Ok((fb.status, page(state, ctx, "diagnosis/fishbone.html", data)).into_response())
}

pub async fn update_fishbone(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, fid)): Path<(i32, i32)>,
    form: FormData,
) -> AppResult<Response> {
    let (actor, a) = authorize(&state, &ctx, id, Action::Contribute).await?;
    let version = form.version()?;
    let ids = svc::process_ids(&state.db.conn, id).await?;
    let f: FishboneForm = form.typed()?;
    let result = match svc::validate_fishbone(&f.effect, &f.process_id, &f.causes, &ids) {
        Ok(i) => svc::update_fishbone(&state.db, actor, id, fid, version, &i).await,
        Err(e) => Err(e.into()),
    };
    match result {
        Ok(f) => Ok(Redirect::to(&format!("/projects/{id}/diagnosis#fishbone-{}", f.id)).into_response()),
        Err(e) => {
            let fb = Feedback::from_service(e)?;
            fishbone_view(&state, &ctx, &a.project, a.role, fid, fb, Some(&form), Some(version)).await
        }
    }
}

/// This area's pages and form posts.
pub fn routes() -> axum::Router<crate::AppState> {
    use axum::routing::get;
    axum::Router::new()
        .route("/projects/{id}/diagnosis", get(index))
        .route("/projects/{id}/diagnosis/processes", form_route(IndexWrite::CreateProcess, index_write))
        .route(
            "/projects/{id}/diagnosis/processes/{pid}",
            get(process_page).merge(form_route(ProcessWrite::Describe, process_write)),
        )
        .route("/projects/{id}/diagnosis/processes/{pid}/score", form_route(ProcessWrite::Score, process_write))
        .route("/projects/{id}/diagnosis/fishbones", form_route(IndexWrite::CreateFishbone, index_write))
        .route("/projects/{id}/diagnosis/fishbones/{fid}", get(fishbone_page).post(update_fishbone))
        .route("/projects/{id}/diagnosis/environments", form_route(IndexWrite::SaveEnvironment, index_write))
        .route("/projects/{id}/diagnosis/sources", form_route(IndexWrite::CreateSource, index_write))
        .route("/projects/{id}/diagnosis/sources/{sid}", form_route(IndexWrite::UpdateSource, index_write))
        .route("/projects/{id}/diagnosis/sources/{sid}/checks", form_route(IndexWrite::AddCheck, index_write))
}
