//! The business blueprint (phase 4): to-be processes drawn as swimlanes, their revisions and
//! the diff between them, the process-to-module map. Views and chart models come from
//! `service::blueprint`; handlers only render them.
use super::context::Ctx;
use super::form::{Feedback, FormData};
use super::projects::{authorize, can, error_map};
use super::render::{page, ser};
use crate::AppState;
use crate::chart::swimlane;
use crate::domain::diagnosis::steps_text;
use crate::domain::policy::{Action, Role};
use crate::entity::{blueprint, project};
use crate::error::{AppError, AppResult};
use crate::service::blueprint::{self as svc, RawBlueprint};
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use minijinja::{Value, context};
use serde::Deserialize;

/// The blueprint form as sent: one value per field, every value of the targets.
fn raw_from(form: &FormData) -> AppResult<RawBlueprint> {
    Ok(RawBlueprint { targets: form.all("targets"), ..form.typed()? })
}

fn raw_of(b: &blueprint::Model) -> RawBlueprint {
    let c = svc::content_of(&b.content);
    RawBlueprint {
        name: b.name.clone(),
        process_id: b.process_id.map(|p| p.to_string()).unwrap_or_default(),
        steps: steps_text(&c.steps),
        rules: c.rules,
        people: c.people,
        targets: c.targets,
        reason: String::new(),
    }
}

pub async fn index(State(state): State<AppState>, ctx: Ctx, Path(id): Path<i32>) -> AppResult<Response> {
    let (_, a) = authorize(&state, &ctx, id, Action::View).await?;
    index_page(&state, &ctx, &a.project, a.role, Feedback::none(), RawBlueprint::default()).await
}

async fn index_page(
    state: &AppState,
    ctx: &Ctx,
    project: &project::Model,
    role: Role,
    fb: Feedback,
    form: RawBlueprint,
) -> AppResult<Response> {
    let v = svc::view(&state.db.conn, project.id).await?;
    let data = context! {
        project => ser(project),
        blueprints => ser(&v.blueprints),
        map => ser(&v.map),
        processes => ser(&v.choices.processes),
        targets => ser(&v.choices.targets),
        form => ser(&form),
        errors => error_map(&fb.errors),
        can => can(role),
    };
    Ok((fb.status, page(state, ctx, "blueprint/index.html", data)).into_response())
}

/// Create (`None`) or revise a blueprint: validate against what it may refer to, write, and
/// show the blueprint, or the form again with the problem.
async fn save(state: AppState, ctx: Ctx, id: i32, bid: Option<i32>, form: FormData) -> AppResult<Response> {
    let (actor, a) = authorize(&state, &ctx, id, Action::Contribute).await?;
    let version = bid.map(|_| form.version()).transpose()?;
    let raw = raw_from(&form)?;
    let ch = svc::choices(&state.db.conn, id).await?;
    let result = match (svc::validate(&raw, &ch.process_ids(), &ch.target_keys(), bid.is_some()), bid, version) {
        (Err(e), _, _) => Err(e.into()),
        (Ok(i), Some(bid), Some(v)) => match form.get("defect_id").trim().parse::<i32>() {
            // A failed prototype test's revision: linked to its defect in the same transaction.
            Ok(did) => crate::service::testing::revise_blueprint(&state.db, actor, id, did, bid, v, &i).await,
            Err(_) => svc::revise(&state.db, actor, id, bid, v, &i).await,
        },
        (Ok(i), _, _) => svc::create(&state.db, actor, id, &i).await,
    };
    match (result, bid) {
        (Ok(b), None) => Ok(Redirect::to(&format!("/projects/{id}/blueprint/{}", b.id)).into_response()),
        (Ok(b), Some(_)) => Ok(Redirect::to(&format!("/projects/{id}/blueprint/{}#diff", b.id)).into_response()),
        (Err(e), None) => index_page(&state, &ctx, &a.project, a.role, Feedback::from_service(e)?, raw).await,
        (Err(e), Some(bid)) => {
            let fb = Feedback::from_service(e)?;
            let q = DiffQuery { defect: form.get("defect_id").trim().parse().ok(), ..Default::default() };
            show_page(&state, &ctx, &a.project, a.role, bid, Some(raw), fb, version, q).await
        }
    }
}

pub async fn create(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i32>,
    form: FormData,
) -> AppResult<Response> {
    save(state, ctx, id, None, form).await
}

pub async fn revise(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, bid)): Path<(i32, i32)>,
    form: FormData,
) -> AppResult<Response> {
    save(state, ctx, id, Some(bid), form).await
}

#[derive(Default, Deserialize)]
pub struct DiffQuery {
    from: Option<i32>,
    to: Option<i32>,
    /// Revise from this defect (a failed prototype test): the form names it.
    defect: Option<i32>,
}

pub async fn show(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, bid)): Path<(i32, i32)>,
    Query(q): Query<DiffQuery>,
) -> AppResult<Response> {
    let (_, a) = authorize(&state, &ctx, id, Action::View).await?;
    show_page(&state, &ctx, &a.project, a.role, bid, None, Feedback::none(), None, q).await
}

/// The blueprint's page; `form` is what was submitted (none: the stored blueprint) and
/// `version` the version it was submitted with (after a conflict: the stored one).
#[allow(clippy::too_many_arguments)]
async fn show_page(
    state: &AppState,
    ctx: &Ctx,
    project: &project::Model,
    role: Role,
    bid: i32,
    form: Option<RawBlueprint>,
    fb: Feedback,
    version: Option<i32>,
    q: DiffQuery,
) -> AppResult<Response> {
    let v = svc::page(&state.db.conn, project.id, bid, q.from, q.to, ctx.lang).await?;
    let from_defect = match q.defect {
        Some(did) => Some(crate::service::testing::defect_detail(&state.db.conn, project.id, did).await?.0),
        None => None,
    };
    let form = form.unwrap_or_else(|| {
        let mut f = raw_of(&v.b);
        if let Some(d) = &from_defect {
            f.reason = crate::service::testing::revise_reason(d, ctx.lang);
        }
        f
    });
    let version = match version {
        Some(x) if !fb.conflict => x,
        _ => v.b.version,
    };
    let data = context! {
        project => ser(project),
        b => ser(&v.b),
        content => ser(&v.content),
        svg => Value::from_safe_string(swimlane::to_svg(&v.swimlane)),
        revisions => ser(&v.revisions),
        raised_by => ser(&v.raised_by),
        from_defect => ser(&from_defect),
        diff => ser(&v.diff),
        from => v.from,
        to => v.to,
        served => ser(&v.served),
        processes => ser(&v.choices.processes),
        targets => ser(&v.choices.targets),
        form => ser(&form),
        errors => error_map(&fb.errors),
        conflict => fb.conflict,
        error => fb.error,
        version,
        can => can(role),
    };
    Ok((fb.status, page(state, ctx, "blueprint/show.html", data)).into_response())
}

#[derive(Default, Deserialize)]
#[serde(default)]
struct FeatureForm {
    module_id: String,
    feature: String,
}

/// Add a feature named by the blueprint to the module's checklist.
pub async fn add_feature(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i32>,
    form: FormData,
) -> AppResult<Response> {
    let (actor, a) = authorize(&state, &ctx, id, Action::Contribute).await?;
    let f: FeatureForm = form.typed()?;
    let module_id: i32 = f.module_id.parse().map_err(|_| AppError::BadRequest)?;
    match svc::add_feature(&state.db, actor, id, module_id, &f.feature).await {
        Ok(()) => Ok(Redirect::to(&format!("/projects/{id}/blueprint#map")).into_response()),
        Err(e) => {
            index_page(&state, &ctx, &a.project, a.role, Feedback::from_service(e)?, RawBlueprint::default()).await
        }
    }
}

/// This area's pages and form posts.
pub fn routes() -> axum::Router<crate::AppState> {
    use axum::routing::{get, post};
    axum::Router::new()
        .route("/projects/{id}/blueprint", get(index).post(create))
        .route("/projects/{id}/blueprint/features", post(add_feature))
        .route("/projects/{id}/blueprint/{bid}", get(show).post(revise))
}
