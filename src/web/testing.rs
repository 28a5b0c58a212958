//! Testing (phases 5–6): test cases, cycles with exit criteria, runs and defects.
use super::context::Ctx;
use super::form::{Feedback, FormData};
use super::projects::{authorize, can, error_map};
use super::render::{page, ser};
use crate::AppState;
use crate::domain::policy::Action;
use crate::domain::testing::{DEFECT_STATUSES, KINDS, PRIORITIES, RUN_RESULTS, SEVERITIES};
use crate::error::AppResult;
use crate::service::access::Access;
use crate::service::testing::{self as svc, RawCase, RawCycle, RawDefect, RawRun};
use crate::service::{clock, testing::DefectRow};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use minijinja::context;

fn base(id: i32) -> String {
    format!("/projects/{id}/testing")
}

async fn index_page(
    state: &AppState,
    ctx: &Ctx,
    a: Access,
    fb: Feedback,
    case_form: RawCase,
    cycle_form: RawCycle,
    which: &str,
) -> AppResult<Response> {
    let v = svc::overview(&state.db.conn, &a.project, ctx.lang).await?;
    let data = context! {
        project => ser(&a.project),
        v => ser(&v),
        can => can(a.role),
        errors => error_map(&fb.errors),
        error => fb.error,
        which,
        case_form => ser(&case_form),
        cycle_form => ser(&cycle_form),
        kinds => ser(&KINDS),
    };
    Ok((fb.status, page(state, ctx, "testing/index.html", data)).into_response())
}

pub async fn index(State(state): State<AppState>, ctx: Ctx, Path(id): Path<i32>) -> AppResult<Response> {
    let (_, a) = authorize(&state, &ctx, id, Action::View).await?;
    let cycle = RawCycle { pass_rate_min: "95".into(), kind: "prototype".into(), ..Default::default() };
    index_page(&state, &ctx, a, Feedback::none(), RawCase::default(), cycle, "").await
}

pub async fn generate(State(state): State<AppState>, ctx: Ctx, Path(id): Path<i32>) -> AppResult<Response> {
    let (actor, _) = authorize(&state, &ctx, id, Action::Contribute).await?;
    svc::generate(&state.db, actor, id).await?;
    Ok(Redirect::to(&base(id)).into_response())
}

async fn blueprint_ids(state: &AppState, id: i32) -> AppResult<Vec<i32>> {
    Ok(svc::blueprint_ids(&state.db.conn, id).await?.iter().map(|b| b.id).collect())
}

pub async fn create_case(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i32>,
    form: FormData,
) -> AppResult<Response> {
    let (actor, a) = authorize(&state, &ctx, id, Action::Contribute).await?;
    let raw: RawCase = form.typed()?;
    let result = match svc::validate_case(&raw, &blueprint_ids(&state, id).await?) {
        Ok(i) => svc::create_case(&state.db, actor, id, &i).await,
        Err(e) => Err(e.into()),
    };
    match result {
        Ok(_) => Ok(Redirect::to(&format!("{}#cases", base(id))).into_response()),
        Err(e) => index_page(&state, &ctx, a, Feedback::from_service(e)?, raw, RawCycle::default(), "case").await,
    }
}

pub(crate) fn raw_case(c: &crate::entity::test_case::Model) -> RawCase {
    RawCase {
        code: c.code.clone(),
        title: c.title.clone(),
        blueprint_id: c.blueprint_id.map(|b| b.to_string()).unwrap_or_default(),
        actor: c.actor.clone(),
        action: c.action.clone(),
        expected: c.expected.clone(),
        module_key: c.module_key.clone(),
        feature: c.feature.clone(),
    }
}

async fn case_page(
    state: &AppState,
    ctx: &Ctx,
    a: &Access,
    cid: i32,
    raw: Option<RawCase>,
    fb: Feedback,
) -> AppResult<Response> {
    let current = svc::get_case(&state.db.conn, a.project.id, cid).await?;
    let bps: Vec<(i32, String)> =
        svc::blueprint_ids(&state.db.conn, a.project.id).await?.into_iter().map(|b| (b.id, b.name)).collect();
    let data = context! {
        project => ser(&a.project),
        case => ser(&current),
        form => ser(&raw.unwrap_or_else(|| raw_case(&current))),
        version => current.version,
        conflict => fb.conflict,
        errors => error_map(&fb.errors),
        blueprints => ser(&bps),
        can => can(a.role),
    };
    Ok((fb.status, page(state, ctx, "testing/case.html", data)).into_response())
}

pub async fn edit_case(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, cid)): Path<(i32, i32)>,
) -> AppResult<Response> {
    let (_, a) = authorize(&state, &ctx, id, Action::View).await?;
    case_page(&state, &ctx, &a, cid, None, Feedback::none()).await
}

pub async fn update_case(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, cid)): Path<(i32, i32)>,
    form: FormData,
) -> AppResult<Response> {
    let (actor, a) = authorize(&state, &ctx, id, Action::Contribute).await?;
    let version = form.version()?;
    let raw: RawCase = form.typed()?;
    let result = match svc::validate_case(&raw, &blueprint_ids(&state, id).await?) {
        Ok(i) => svc::update_case(&state.db, actor, id, cid, version, &i).await,
        Err(e) => Err(e.into()),
    };
    match result {
        Ok(_) => Ok(Redirect::to(&format!("{}#cases", base(id))).into_response()),
        Err(e) => case_page(&state, &ctx, &a, cid, Some(raw), Feedback::from_service(e)?).await,
    }
}

fn raw_cycle(form: &FormData) -> AppResult<RawCycle> {
    let mut raw: RawCycle = form.typed()?;
    raw.scope = form.all("scope");
    Ok(raw)
}

pub async fn create_cycle(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i32>,
    form: FormData,
) -> AppResult<Response> {
    let (actor, a) = authorize(&state, &ctx, id, Action::Contribute).await?;
    let raw = raw_cycle(&form)?;
    let result = match svc::validate_cycle(&raw, &blueprint_ids(&state, id).await?) {
        Ok(i) => svc::create_cycle(&state.db, actor, id, &i).await,
        Err(e) => Err(e.into()),
    };
    match result {
        Ok(c) => Ok(Redirect::to(&format!("{}/cycles/{}", base(id), c.id)).into_response()),
        Err(e) => index_page(&state, &ctx, a, Feedback::from_service(e)?, RawCase::default(), raw, "cycle").await,
    }
}

/// A stored cycle in the form's shape (the edit form, and the base of an API `PATCH`).
pub fn raw_of_cycle(c: &crate::entity::test_cycle::Model) -> RawCycle {
    let d = |x: Option<chrono::NaiveDate>| x.map(|d| d.to_string()).unwrap_or_default();
    RawCycle {
        name: c.name.clone(),
        kind: c.kind.clone(),
        scope: svc::scope_of(c).iter().map(|i| i.to_string()).collect(),
        planned_start: d(c.planned_start),
        planned_finish: d(c.planned_finish),
        testers: c.testers.clone(),
        pass_rate_min: c.pass_rate_min.to_string(),
    }
}

/// What the cycle page's forms show after a refused post.
#[derive(Default)]
struct CycleForms {
    cycle: Option<RawCycle>,
    run: Option<RawRun>,
    defect: Option<(String, RawDefect)>,
}

async fn cycle_page(
    state: &AppState,
    ctx: &Ctx,
    a: &Access,
    cyc: i32,
    forms: CycleForms,
    fb: Feedback,
) -> AppResult<Response> {
    let v = svc::cycle(&state.db.conn, a.project.id, cyc, ctx.lang).await?;
    let bps: Vec<(i32, String)> =
        svc::blueprint_ids(&state.db.conn, a.project.id).await?.into_iter().map(|b| (b.id, b.name)).collect();
    let (defect_case, defect_form) = forms.defect.unwrap_or_default();
    let data = context! {
        project => ser(&a.project),
        v => ser(&v),
        x => ser(&v.exit),
        cycle_form => ser(&forms.cycle.unwrap_or_else(|| raw_of_cycle(&v.exit.cycle))),
        run_form => ser(&forms.run.unwrap_or_default()),
        defect_case,
        defect_form => ser(&defect_form),
        version => v.exit.cycle.version,
        conflict => fb.conflict,
        errors => error_map(&fb.errors),
        error => fb.error,
        blueprints => ser(&bps),
        kinds => ser(&KINDS),
        results => ser(&RUN_RESULTS),
        severities => ser(&SEVERITIES),
        priorities => ser(&PRIORITIES),
        today => clock::today(&a.project).to_string(),
        can => can(a.role),
    };
    Ok((fb.status, page(state, ctx, "testing/cycle.html", data)).into_response())
}

pub async fn show_cycle(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, cyc)): Path<(i32, i32)>,
) -> AppResult<Response> {
    let (_, a) = authorize(&state, &ctx, id, Action::View).await?;
    cycle_page(&state, &ctx, &a, cyc, CycleForms::default(), Feedback::none()).await
}

pub async fn update_cycle(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, cyc)): Path<(i32, i32)>,
    form: FormData,
) -> AppResult<Response> {
    let (actor, a) = authorize(&state, &ctx, id, Action::Contribute).await?;
    let version = form.version()?;
    let raw = raw_cycle(&form)?;
    let result = match svc::validate_cycle(&raw, &blueprint_ids(&state, id).await?) {
        Ok(i) => svc::update_cycle(&state.db, actor, id, cyc, version, &i).await,
        Err(e) => Err(e.into()),
    };
    match result {
        Ok(_) => Ok(Redirect::to(&format!("{}/cycles/{cyc}", base(id))).into_response()),
        Err(e) => {
            let forms = CycleForms { cycle: Some(raw), ..Default::default() };
            cycle_page(&state, &ctx, &a, cyc, forms, Feedback::from_service(e)?).await
        }
    }
}

pub async fn record_run(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, cyc)): Path<(i32, i32)>,
    form: FormData,
) -> AppResult<Response> {
    let (actor, a) = authorize(&state, &ctx, id, Action::RunTests).await?;
    let raw: RawRun = form.typed()?;
    let result = match svc::validate_run(&raw, clock::today(&a.project)) {
        Ok(i) => svc::record_run(&state.db, actor, id, cyc, &i).await,
        Err(e) => Err(e.into()),
    };
    match result {
        Ok(r) => Ok(Redirect::to(&format!("{}/cycles/{cyc}#case-{}", base(id), r.case_id)).into_response()),
        Err(e) => {
            let forms = CycleForms { run: Some(raw), ..Default::default() };
            cycle_page(&state, &ctx, &a, cyc, forms, Feedback::from_service(e)?).await
        }
    }
}

pub async fn raise_defect(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, cyc)): Path<(i32, i32)>,
    form: FormData,
) -> AppResult<Response> {
    let (actor, a) = authorize(&state, &ctx, id, Action::RunTests).await?;
    let raw: RawDefect = form.typed()?;
    let case_id: i32 = form.get("case_id").trim().parse().map_err(|_| crate::error::AppError::BadRequest)?;
    let result = match svc::validate_defect(&raw) {
        Ok(i) => svc::raise_defect(&state.db, actor, id, cyc, case_id, &i).await,
        Err(e) => Err(e.into()),
    };
    match result {
        Ok(d) => Ok(Redirect::to(&format!("{}/defects/{}", base(id), d.id)).into_response()),
        Err(e) => {
            let forms = CycleForms { defect: Some((case_id.to_string(), raw)), ..Default::default() };
            cycle_page(&state, &ctx, &a, cyc, forms, Feedback::from_service(e)?).await
        }
    }
}

pub async fn waive(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, cyc)): Path<(i32, i32)>,
    form: FormData,
) -> AppResult<Response> {
    let (actor, a) = authorize(&state, &ctx, id, Action::DecideChange).await?;
    let version = form.version()?;
    match svc::waive(&state.db, actor, id, cyc, version, form.get("waiver_reason")).await {
        Ok(()) => Ok(Redirect::to(&format!("{}/cycles/{cyc}", base(id))).into_response()),
        Err(e) => cycle_page(&state, &ctx, &a, cyc, CycleForms::default(), Feedback::from_service(e)?).await,
    }
}

pub(crate) fn raw_defect(d: &DefectRow) -> RawDefect {
    let d = &d.defect;
    RawDefect {
        title: d.title.clone(),
        description: d.description.clone(),
        severity: d.severity.clone(),
        priority: d.priority.clone(),
        owner: d.owner.clone(),
        target_date: d.target_date.map(|x| x.to_string()).unwrap_or_default(),
    }
}

async fn defect_page(
    state: &AppState,
    ctx: &Ctx,
    a: &Access,
    did: i32,
    raw: Option<(RawDefect, String, String)>,
    fb: Feedback,
) -> AppResult<Response> {
    let (row, cycle) = svc::defect_detail(&state.db.conn, a.project.id, did).await?;
    let (form, status, reason) =
        raw.unwrap_or_else(|| (raw_defect(&row), row.defect.status.clone(), row.defect.reject_reason.clone()));
    let thread = crate::service::collab::thread(&state.db.conn, a.project.id, "defect", did).await?;
    let data = context! {
        thread => ser(&thread),
        thread_can => super::collab::thread_can(a.role),
        me => ctx.user.as_ref().map(|u| u.id),
        project => ser(&a.project),
        d => ser(&row),
        cycle => ser(&cycle),
        form => ser(&form),
        status,
        reject_reason => reason,
        version => row.defect.version,
        conflict => fb.conflict,
        errors => error_map(&fb.errors),
        error => fb.error,
        severities => ser(&SEVERITIES),
        priorities => ser(&PRIORITIES),
        statuses => ser(&DEFECT_STATUSES),
        can => can(a.role),
    };
    Ok((fb.status, page(state, ctx, "testing/defect.html", data)).into_response())
}

pub async fn show_defect(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, did)): Path<(i32, i32)>,
) -> AppResult<Response> {
    let (_, a) = authorize(&state, &ctx, id, Action::View).await?;
    defect_page(&state, &ctx, &a, did, None, Feedback::none()).await
}

pub async fn update_defect(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, did)): Path<(i32, i32)>,
    form: FormData,
) -> AppResult<Response> {
    let (actor, a) = authorize(&state, &ctx, id, Action::RunTests).await?;
    let version = form.version()?;
    let raw: RawDefect = form.typed()?;
    let (status, reason) = (form.get("status").to_string(), form.get("reject_reason").to_string());
    let today = clock::today(&a.project);
    let result = match svc::validate_defect(&raw) {
        Ok(i) => svc::update_defect(&state.db, actor, id, did, version, &i, &status, &reason, today).await,
        Err(e) => Err(e.into()),
    };
    match result {
        Ok(d) => Ok(Redirect::to(&format!("{}/cycles/{}#defects", base(id), d.cycle_id)).into_response()),
        Err(e) => defect_page(&state, &ctx, &a, did, Some((raw, status, reason)), Feedback::from_service(e)?).await,
    }
}

pub async fn import_form(State(state): State<AppState>, ctx: Ctx, Path(id): Path<i32>) -> AppResult<Response> {
    let (_, a) = authorize(&state, &ctx, id, Action::Contribute).await?;
    let data = context! { project => ser(&a.project), can => can(a.role), csv => "" };
    Ok(page(&state, &ctx, "testing/import.html", data).into_response())
}

/// Preview a test-case file, or import it when every line is valid (all or nothing).
pub async fn import(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i32>,
    form: FormData,
) -> AppResult<Response> {
    let (actor, a) = authorize(&state, &ctx, id, Action::Contribute).await?;
    let csv = form.get("csv");
    let bps: Vec<(i32, String)> =
        svc::blueprint_ids(&state.db.conn, id).await?.into_iter().map(|b| (b.id, b.name)).collect();
    let preview = svc::preview_import(csv, &bps);
    if form.get("action") == "import" && preview.valid() {
        svc::create_cases(&state.db, actor, id, &preview.inputs).await?;
        return Ok(Redirect::to(&format!("{}#cases", base(id))).into_response());
    }
    let status = if preview.valid() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    let bad = preview.rows.iter().filter(|r| !r.errors.is_empty()).count();
    let data = context! {
        project => ser(&a.project),
        can => can(a.role),
        csv,
        rows => ser(&preview.rows),
        bad,
        valid => preview.valid(),
        file_error => preview.file_error,
        file_error_line => preview.file_error_line,
        previewed => true,
    };
    Ok((status, page(&state, &ctx, "testing/import.html", data)).into_response())
}

/// This area's pages and form posts.
pub fn routes() -> axum::Router<crate::AppState> {
    use axum::routing::{get, post};
    axum::Router::new()
        .route("/projects/{id}/testing", get(index))
        .route("/projects/{id}/testing/generate", post(generate))
        .route("/projects/{id}/testing/cases", post(create_case))
        .route("/projects/{id}/testing/import", get(import_form).post(import))
        .route("/projects/{id}/testing/cases/{cid}", get(edit_case).post(update_case))
        .route("/projects/{id}/testing/cycles", post(create_cycle))
        .route("/projects/{id}/testing/cycles/{cyc}", get(show_cycle).post(update_cycle))
        .route("/projects/{id}/testing/cycles/{cyc}/runs", post(record_run))
        .route("/projects/{id}/testing/cycles/{cyc}/defects", post(raise_defect))
        .route("/projects/{id}/testing/cycles/{cyc}/waive", post(waive))
        .route("/projects/{id}/testing/defects/{did}", get(show_defect).post(update_defect))
}
