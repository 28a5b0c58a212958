//! Analysis and diagnosis (phase 3): process inventory, scoring and the priority matrix,
//! fishbone analyses, the installation record, data sources and their quality.
use super::context::Ctx;
use super::form::{Feedback, FormData};
use super::projects::{authorize, can, error_map, today};
use super::render::{page, ser};
use crate::AppState;
use crate::chart::fishbone::{Bone, Fishbone, Rib};
use crate::chart::matrix::{Item, Kind, Matrix};
use crate::domain::diagnosis::{CAUSE_CATEGORIES, DATA_ENTITIES, DATA_STATES, ENVIRONMENTS};
use crate::domain::policy::{Action, Role};
use crate::entity::{fishbone, process, project};
use crate::error::AppResult;
use crate::i18n::{self, Lang};
use crate::service::diagnosis::{self as svc, ProcessView, RawEnvironment, RawProcess, RawScore, RawSource};
use crate::service::modules;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use minijinja::{Value, context};
use std::collections::BTreeMap;

/// The priority matrix: importance up, poor performance across, dots shaded by feasibility
/// and numbered by rank.
pub fn priority_matrix(ranked: &[ProcessView], lang: Lang) -> Matrix {
    let items = ranked
        .iter()
        .filter_map(|v| {
            let p = &v.process;
            Some(Item {
                x: p.performance?,
                y: p.importance?,
                label: v.rank?.to_string(),
                title: format!("{}. {} ({})", v.rank?, p.name, v.priority?),
                shade: p.feasibility.map(|f| (f - 1).clamp(0, 4) as u8),
            })
        })
        .collect();
    let tick = |k: &str| std::array::from_fn(|i| format!("{} {}", i + 1, i18n::t(lang, &format!("{k}{}", i + 1))));
    Matrix {
        kind: Kind::Priority,
        x_label: i18n::t(lang, "diag.performance"),
        y_label: i18n::t(lang, "diag.importance"),
        x_ticks: tick("diag.performance_"),
        y_ticks: tick("diag.importance_"),
        items,
    }
}

pub fn fishbone_svg(f: &fishbone::Model, lang: Lang) -> String {
    let causes = svc::causes_of(f);
    let bones = CAUSE_CATEGORIES
        .iter()
        .map(|c| Bone {
            label: i18n::t(lang, &format!("diag.cat.{c}")),
            ribs: causes
                .iter()
                .filter(|x| x.category == *c)
                .map(|x| Rib { text: x.text.clone(), note: x.note.clone(), weight: x.weight })
                .collect(),
        })
        .collect();
    Fishbone { effect: f.effect.clone(), bones }.to_svg()
}

async fn module_list(state: &AppState, project_id: i32) -> AppResult<Vec<Value>> {
    Ok(modules::modules(&state.db.conn, project_id)
        .await?
        .into_iter()
        .map(|m| context! { key => m.key, name_en => m.name_en, name_zh => m.name_zh })
        .collect())
}

async fn module_keys(state: &AppState, project_id: i32) -> AppResult<Vec<String>> {
    Ok(modules::modules(&state.db.conn, project_id).await?.into_iter().map(|m| m.key).collect())
}

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
    let c = &state.db.conn;
    let procs = svc::processes(c, project.id).await?;
    let ranked = svc::ranked(procs.clone());
    let matrix = Value::from_safe_string(priority_matrix(&ranked, ctx.lang).to_svg());
    let mods = module_list(state, project.id).await?;
    // The inventory grouped by module, in the order of the project's modules.
    let mut groups: Vec<Value> = vec![];
    for m in &mods {
        let key = m.get_attr("key").ok().map(|k| k.to_string()).unwrap_or_default();
        let rows: Vec<&ProcessView> = ranked.iter().filter(|v| v.process.module_key == key).collect();
        if !rows.is_empty() {
            groups.push(context! { module => m.clone(), rows => ser(&rows) });
        }
    }
    let fishbones: Vec<Value> = svc::fishbones(c, project.id)
        .await?
        .into_iter()
        .map(|f| {
            let process = procs.iter().find(|p| Some(p.id) == f.process_id).map(|p| p.name.clone());
            context! { svg => Value::from_safe_string(fishbone_svg(&f, ctx.lang)), causes => ser(&svc::causes_of(&f)), f => ser(&f), process }
        })
        .collect();
    let envs = svc::environments(c, project.id).await?;
    let environments: Vec<Value> =
        ENVIRONMENTS.iter().map(|k| context! { kind => *k, env => ser(&envs.iter().find(|e| e.kind == *k)) }).collect();
    let sources = svc::sources(c, project.id).await?;
    let data = context! {
        project => ser(project),
        ranked => ser(&ranked),
        groups,
        matrix,
        fishbones,
        environments,
        sources => ser(&sources),
        processes => ser(&procs),
        modules => mods,
        can => can(role),
        errors => error_map(&fb.errors),
        which,
        form => form_value(form),
        categories => ser(&CAUSE_CATEGORIES),
        entities => ser(&DATA_ENTITIES),
        states => ser(&DATA_STATES),
        today => today().to_string(),
    };
    Ok((fb.status, page(state, ctx, "diagnosis/index.html", data)).into_response())
}

fn raw_process(form: &FormData) -> RawProcess {
    RawProcess {
        module_key: form.get("module_key").into(),
        name: form.get("name").into(),
        as_is: form.get("as_is").into(),
        owner_dept: form.get("owner_dept").into(),
        volume: form.get("volume").into(),
        pain_points: form.get("pain_points").into(),
        systems: form.get("systems").into(),
    }
}

pub async fn create_process(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i32>,
    form: FormData,
) -> AppResult<Response> {
    let (actor, a) = authorize(&state, &ctx, id, Action::Contribute).await?;
    let keys = module_keys(&state, id).await?;
    let result = match svc::validate_process(&raw_process(&form), &keys) {
        Ok(i) => svc::create_process(&state.db, actor, id, &i).await,
        Err(e) => Err(e.into()),
    };
    match result {
        Ok(p) => Ok(Redirect::to(&format!("/projects/{id}/diagnosis/processes/{}", p.id)).into_response()),
        Err(e) => index_page(&state, &ctx, &a.project, a.role, Feedback::from_service(e)?, "process", &form).await,
    }
}

pub async fn process_page(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, pid)): Path<(i32, i32)>,
) -> AppResult<Response> {
    let (_, a) = authorize(&state, &ctx, id, Action::View).await?;
    let p = svc::get_process(&state.db.conn, id, pid).await?;
    let form = FormData(vec![]);
    process_view(&state, &ctx, &a.project, a.role, &p, Feedback::none(), "", &form, p.version).await
}

#[allow(clippy::too_many_arguments)]
async fn process_view(
    state: &AppState,
    ctx: &Ctx,
    project: &project::Model,
    role: Role,
    p: &process::Model,
    fb: Feedback,
    which: &str,
    form: &FormData,
    version: i32,
) -> AppResult<Response> {
    // Unsubmitted forms show the stored values.
    let shown = if form.0.is_empty() {
        let opt = |v: Option<i32>| v.map(|x| x.to_string()).unwrap_or_default();
        let mut f: BTreeMap<String, String> = BTreeMap::new();
        for (k, v) in [
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
        ] {
            f.insert(k.into(), v);
        }
        ser(&f)
    } else {
        form_value(form)
    };
    let all = svc::ranked(svc::processes(&state.db.conn, project.id).await?);
    let view = all.iter().find(|v| v.process.id == p.id);
    let data = context! {
        project => ser(project),
        p => ser(p),
        view => ser(&view),
        form => shown,
        errors => error_map(&fb.errors),
        conflict => fb.conflict,
        which,
        version,
        modules => module_list(state, project.id).await?,
        can => can(role),
    };
    Ok((fb.status, page(state, ctx, "diagnosis/process.html", data)).into_response())
}

pub async fn update_process(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, pid)): Path<(i32, i32)>,
    form: FormData,
) -> AppResult<Response> {
    let (actor, a) = authorize(&state, &ctx, id, Action::Contribute).await?;
    let version = form.version()?;
    let keys = module_keys(&state, id).await?;
    let result = match svc::validate_process(&raw_process(&form), &keys) {
        Ok(i) => svc::update_process(&state.db, actor, id, pid, version, &i).await,
        Err(e) => Err(e.into()),
    };
    after_process_write(&state, &ctx, a, id, pid, result, "process", &form, version).await
}

#[allow(clippy::too_many_arguments)]
async fn after_process_write(
    state: &AppState,
    ctx: &Ctx,
    a: crate::service::access::Access,
    id: i32,
    pid: i32,
    result: crate::service::Result<process::Model>,
    which: &str,
    form: &FormData,
    version: i32,
) -> AppResult<Response> {
    match result {
        Ok(_) => Ok(Redirect::to(&format!("/projects/{id}/diagnosis#ranking")).into_response()),
        Err(e) => {
            let fb = Feedback::from_service(e)?;
            let p = svc::get_process(&state.db.conn, id, pid).await?;
            let v = if fb.conflict { p.version } else { version };
            process_view(state, ctx, &a.project, a.role, &p, fb, which, form, v).await
        }
    }
}

pub async fn score_process(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, pid)): Path<(i32, i32)>,
    form: FormData,
) -> AppResult<Response> {
    let (actor, a) = authorize(&state, &ctx, id, Action::Contribute).await?;
    let version = form.version()?;
    let raw = RawScore {
        importance: form.get("importance").into(),
        performance: form.get("performance").into(),
        feasibility: form.get("feasibility").into(),
        justification: form.get("justification").into(),
        selected: !form.get("selected").is_empty(),
    };
    let result = match svc::validate_score(&raw) {
        Ok(s) => svc::score(&state.db, actor, id, pid, version, &s).await,
        Err(e) => Err(e.into()),
    };
    after_process_write(&state, &ctx, a, id, pid, result, "score", &form, version).await
}

async fn process_ids(state: &AppState, id: i32) -> AppResult<Vec<i32>> {
    Ok(svc::processes(&state.db.conn, id).await?.into_iter().map(|p| p.id).collect())
}

pub async fn create_fishbone(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i32>,
    form: FormData,
) -> AppResult<Response> {
    let (actor, a) = authorize(&state, &ctx, id, Action::Contribute).await?;
    let ids = process_ids(&state, id).await?;
    let result = match svc::validate_fishbone(form.get("effect"), form.get("process_id"), form.get("causes"), &ids) {
        Ok(i) => svc::create_fishbone(&state.db, actor, id, &i).await,
        Err(e) => Err(e.into()),
    };
    match result {
        Ok(f) => Ok(Redirect::to(&format!("/projects/{id}/diagnosis#fishbone-{}", f.id)).into_response()),
        Err(e) => index_page(&state, &ctx, &a.project, a.role, Feedback::from_service(e)?, "fishbone", &form).await,
    }
}

pub async fn fishbone_page(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, fid)): Path<(i32, i32)>,
) -> AppResult<Response> {
    let (_, a) = authorize(&state, &ctx, id, Action::View).await?;
    let f = svc::get_fishbone(&state.db.conn, id, fid).await?;
    let form = FormData(vec![
        ("effect".into(), f.effect.clone()),
        ("process_id".into(), f.process_id.map(|p| p.to_string()).unwrap_or_default()),
        ("causes".into(), svc::causes_text(&svc::causes_of(&f))),
    ]);
    fishbone_view(&state, &ctx, &a.project, a.role, &f, Feedback::none(), &form, f.version).await
}

#[allow(clippy::too_many_arguments)]
async fn fishbone_view(
    state: &AppState,
    ctx: &Ctx,
    project: &project::Model,
    role: Role,
    f: &fishbone::Model,
    fb: Feedback,
    form: &FormData,
    version: i32,
) -> AppResult<Response> {
    let data = context! {
        project => ser(project),
        f => ser(f),
        svg => Value::from_safe_string(fishbone_svg(f, ctx.lang)),
        form => form_value(form),
        errors => error_map(&fb.errors),
        conflict => fb.conflict,
        version,
        processes => ser(&svc::processes(&state.db.conn, project.id).await?),
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
    let ids = process_ids(&state, id).await?;
    let result = match svc::validate_fishbone(form.get("effect"), form.get("process_id"), form.get("causes"), &ids) {
        Ok(i) => svc::update_fishbone(&state.db, actor, id, fid, version, &i).await,
        Err(e) => Err(e.into()),
    };
    match result {
        Ok(f) => Ok(Redirect::to(&format!("/projects/{id}/diagnosis#fishbone-{}", f.id)).into_response()),
        Err(e) => {
            let fb = Feedback::from_service(e)?;
            let f = svc::get_fishbone(&state.db.conn, id, fid).await?;
            let v = if fb.conflict { f.version } else { version };
            fishbone_view(&state, &ctx, &a.project, a.role, &f, fb, &form, v).await
        }
    }
}

pub async fn save_environment(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i32>,
    form: FormData,
) -> AppResult<Response> {
    let (actor, a) = authorize(&state, &ctx, id, Action::Contribute).await?;
    let raw = RawEnvironment {
        kind: form.get("kind").into(),
        sizing: form.get("sizing").into(),
        installed_on: form.get("installed_on").into(),
        security_roles: form.get("security_roles").into(),
        admin_trained: !form.get("admin_trained").is_empty(),
    };
    match svc::save_environment(&state.db, actor, id, &raw).await {
        Ok(()) => Ok(Redirect::to(&format!("/projects/{id}/diagnosis#installation")).into_response()),
        Err(e) => {
            let which = format!("env-{}", raw.kind);
            index_page(&state, &ctx, &a.project, a.role, Feedback::from_service(e)?, &which, &form).await
        }
    }
}

fn raw_source(form: &FormData) -> RawSource {
    RawSource {
        name: form.get("name").into(),
        entity: form.get("entity").into(),
        record_count: form.get("record_count").into(),
        owner: form.get("owner").into(),
        cleansing: form.get("cleansing").into(),
        migration: form.get("migration").into(),
    }
}

pub async fn create_source(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i32>,
    form: FormData,
) -> AppResult<Response> {
    let (actor, a) = authorize(&state, &ctx, id, Action::Contribute).await?;
    let result = match svc::validate_source(&raw_source(&form)) {
        Ok(i) => svc::create_source(&state.db, actor, id, &i).await,
        Err(e) => Err(e.into()),
    };
    match result {
        Ok(_) => Ok(Redirect::to(&format!("/projects/{id}/diagnosis#data")).into_response()),
        Err(e) => index_page(&state, &ctx, &a.project, a.role, Feedback::from_service(e)?, "source", &form).await,
    }
}

pub async fn update_source(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, sid)): Path<(i32, i32)>,
    form: FormData,
) -> AppResult<Response> {
    let (actor, a) = authorize(&state, &ctx, id, Action::Contribute).await?;
    let version = form.version()?;
    let result = match svc::validate_source(&raw_source(&form)) {
        Ok(i) => svc::update_source(&state.db, actor, id, sid, version, &i).await.map(|_| ()),
        Err(e) => Err(e.into()),
    };
    match result {
        Ok(()) => Ok(Redirect::to(&format!("/projects/{id}/diagnosis#data")).into_response()),
        Err(e) => {
            let which = format!("source-{sid}");
            index_page(&state, &ctx, &a.project, a.role, Feedback::from_service(e)?, &which, &form).await
        }
    }
}

pub async fn add_check(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, sid)): Path<(i32, i32)>,
    form: FormData,
) -> AppResult<Response> {
    let (actor, a) = authorize(&state, &ctx, id, Action::Contribute).await?;
    let q = [form.get("completeness"), form.get("duplicates"), form.get("validity")];
    match svc::add_check(&state.db, actor, id, sid, form.get("measured_on"), q).await {
        Ok(_) => Ok(Redirect::to(&format!("/projects/{id}/diagnosis#data")).into_response()),
        Err(e) => {
            let which = format!("check-{sid}");
            index_page(&state, &ctx, &a.project, a.role, Feedback::from_service(e)?, &which, &form).await
        }
    }
}

/// This area's pages and form posts.
pub fn routes() -> axum::Router<crate::AppState> {
    use axum::routing::{get, post};
    axum::Router::new()
        .route("/projects/{id}/diagnosis", get(index))
        .route("/projects/{id}/diagnosis/processes", post(create_process))
        .route("/projects/{id}/diagnosis/processes/{pid}", get(process_page).post(update_process))
        .route("/projects/{id}/diagnosis/processes/{pid}/score", post(score_process))
        .route("/projects/{id}/diagnosis/fishbones", post(create_fishbone))
        .route("/projects/{id}/diagnosis/fishbones/{fid}", get(fishbone_page).post(update_fishbone))
        .route("/projects/{id}/diagnosis/environments", post(save_environment))
        .route("/projects/{id}/diagnosis/sources", post(create_source))
        .route("/projects/{id}/diagnosis/sources/{sid}", post(update_source))
        .route("/projects/{id}/diagnosis/sources/{sid}/checks", post(add_check))
}
