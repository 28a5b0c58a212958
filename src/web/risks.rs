//! The risk register: pre-loaded failure factors, rating, dismissal with a reason, the 5×5
//! heat map.
use super::context::Ctx;
use super::form::{Feedback, FormData};
use super::projects::{authorize, can, error_map, today};
use super::render::{page, ser};
use crate::AppState;
use crate::chart::matrix::{Item, Kind, Matrix};
use crate::domain::policy::{Action, Role};
use crate::domain::risk::{CATEGORIES, STATUSES};
use crate::entity::{project, risk};
use crate::error::AppResult;
use crate::i18n::{self, Lang};
use crate::service::risks::{self, RawRisk, RiskView};
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use minijinja::{Value, context};

fn raw_from(form: &FormData) -> RawRisk {
    RawRisk {
        title: form.get("title").into(),
        description: form.get("description").into(),
        category: form.get("category").into(),
        probability: form.get("probability").into(),
        impact: form.get("impact").into(),
        owner: form.get("owner").into(),
        mitigation: form.get("mitigation").into(),
        contingency: form.get("contingency").into(),
        status: form.get("status").into(),
        dismiss_reason: form.get("dismiss_reason").into(),
        review_date: form.get("review_date").into(),
    }
}

fn raw_of(v: &RiskView) -> RawRisk {
    let r = &v.risk;
    let num = |x: Option<i32>| x.map(|x| x.to_string()).unwrap_or_default();
    RawRisk {
        title: v.title.clone(),
        description: v.description.clone(),
        category: r.category.clone(),
        probability: num(r.probability),
        impact: num(r.impact),
        owner: r.owner.clone(),
        mitigation: r.mitigation.clone(),
        contingency: r.contingency.clone(),
        status: r.status.clone(),
        dismiss_reason: r.dismiss_reason.clone(),
        review_date: r.review_date.map(|d| d.to_string()).unwrap_or_default(),
    }
}

/// The heat map of live rated risks; dots carry the risk's number in the register.
pub fn heat_map(views: &[RiskView], lang: Lang) -> Matrix {
    let items = views
        .iter()
        .enumerate()
        .filter(|(_, v)| crate::domain::risk::is_live(&v.risk.status))
        .filter_map(|(i, v)| {
            Some(Item {
                x: v.risk.impact?,
                y: v.risk.probability?,
                label: (i + 1).to_string(),
                title: format!("{}. {} ({})", i + 1, v.title, v.score.unwrap_or(0)),
                shade: None,
            })
        })
        .collect();
    let tick = |k: &str| std::array::from_fn(|i| format!("{} {}", i + 1, i18n::t(lang, &format!("{k}{}", i + 1))));
    Matrix {
        kind: Kind::Heat,
        x_label: i18n::t(lang, "risk.impact"),
        y_label: i18n::t(lang, "risk.probability"),
        x_ticks: tick("risk.impact_"),
        y_ticks: tick("risk.probability_"),
        items,
    }
}

pub async fn index(State(state): State<AppState>, ctx: Ctx, Path(id): Path<i32>) -> AppResult<Response> {
    let (actor, a) = authorize(&state, &ctx, id, Action::View).await?;
    // Projects created before the register get the failure factors on the first visit.
    risks::ensure_loaded(&state.db, actor, id).await?;
    index_page(&state, &ctx, a.project, a.role, Feedback::none(), RawRisk::default()).await
}

async fn index_page(
    state: &AppState,
    ctx: &Ctx,
    project: project::Model,
    role: Role,
    fb: Feedback,
    form: RawRisk,
) -> AppResult<Response> {
    let zh = ctx.lang == Lang::Zh;
    let views = risks::sorted(
        risks::list(&state.db.conn, project.id).await?.into_iter().map(|r| risks::view(r, zh, today())).collect(),
    );
    let chart = Value::from_safe_string(heat_map(&views, ctx.lang).to_svg());
    let count = |s: &str| views.iter().filter(|v| v.risk.status == s).count();
    let counts = context! { candidate => count("candidate"), open => count("open"), dismissed => count("dismissed"), mitigated => count("mitigated"), closed => count("closed") };
    let data = context! {
        project => ser(&project),
        risks => ser(&views),
        chart,
        counts,
        can => can(role),
        errors => error_map(&fb.errors),
        form => ser(&form),
        categories => ser(&CATEGORIES),
        today => today().to_string(),
    };
    Ok((fb.status, page(state, ctx, "risks/index.html", data)).into_response())
}

pub async fn create(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i32>,
    form: FormData,
) -> AppResult<Response> {
    let (actor, a) = authorize(&state, &ctx, id, Action::Contribute).await?;
    let mut raw = raw_from(&form);
    if raw.status.is_empty() {
        raw.status = "open".into();
    }
    let result = match risks::validate(&raw) {
        Ok(input) => risks::create(&state.db, actor, id, &input).await,
        Err(e) => Err(e.into()),
    };
    match result {
        Ok(_) => Ok(Redirect::to(&format!("/projects/{id}/risks")).into_response()),
        Err(e) => index_page(&state, &ctx, a.project, a.role, Feedback::from_service(e)?, raw).await,
    }
}

pub async fn edit_form(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, rid)): Path<(i32, i32)>,
) -> AppResult<Response> {
    let (_, a) = authorize(&state, &ctx, id, Action::View).await?;
    let r = risks::get(&state.db.conn, id, rid).await?;
    let v = risks::view(r.clone(), ctx.lang == Lang::Zh, today());
    form_page(&state, &ctx, &a.project, a.role, &r, raw_of(&v), Feedback::none(), r.version).await
}

#[allow(clippy::too_many_arguments)]
async fn form_page(
    state: &AppState,
    ctx: &Ctx,
    project: &project::Model,
    role: Role,
    r: &risk::Model,
    raw: RawRisk,
    fb: Feedback,
    version: i32,
) -> AppResult<Response> {
    let current = risks::view(r.clone(), ctx.lang == Lang::Zh, today());
    let conflict = if fb.conflict { Some(raw_of(&current)) } else { None };
    let data = context! {
        project => ser(project),
        risk => ser(&current),
        form => ser(&raw),
        errors => error_map(&fb.errors),
        error => fb.error,
        conflict => ser(&conflict),
        version,
        can => can(role),
        categories => ser(&CATEGORIES),
        statuses => ser(&STATUSES),
    };
    Ok((fb.status, page(state, ctx, "risks/form.html", data)).into_response())
}

pub async fn update(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, rid)): Path<(i32, i32)>,
    form: FormData,
) -> AppResult<Response> {
    let (actor, a) = authorize(&state, &ctx, id, Action::Contribute).await?;
    let version = form.version()?;
    let raw = raw_from(&form);
    let r = risks::get(&state.db.conn, id, rid).await?;
    let result = match risks::validate(&raw) {
        Ok(input) => risks::update(&state.db, actor, id, rid, version, &input).await,
        Err(e) => Err(e.into()),
    };
    match result {
        Ok(_) => Ok(Redirect::to(&format!("/projects/{id}/risks")).into_response()),
        Err(e) => {
            let fb = Feedback::from_service(e)?;
            let r = if fb.conflict { risks::get(&state.db.conn, id, rid).await? } else { r };
            let v = if fb.conflict { r.version } else { version };
            form_page(&state, &ctx, &a.project, a.role, &r, raw, fb, v).await
        }
    }
}

/// Dismiss a (candidate) risk with a reason; without one the form comes back with the
/// message by the field.
pub async fn dismiss(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, rid)): Path<(i32, i32)>,
    form: FormData,
) -> AppResult<Response> {
    let (actor, a) = authorize(&state, &ctx, id, Action::Contribute).await?;
    let version = form.version()?;
    match risks::dismiss(&state.db, actor, id, rid, version, form.get("reason")).await {
        Ok(()) => Ok(Redirect::to(&format!("/projects/{id}/risks")).into_response()),
        Err(e) => {
            let mut fb = Feedback::from_service(e)?;
            // The reason field of the edit form is `dismiss_reason`.
            for f in &mut fb.errors.0 {
                if f.field == "reason" {
                    f.field = "dismiss_reason".into();
                }
            }
            let r = risks::get(&state.db.conn, id, rid).await?;
            let mut raw = raw_of(&risks::view(r.clone(), ctx.lang == Lang::Zh, today()));
            raw.status = "dismissed".into();
            raw.dismiss_reason = form.get("reason").into();
            form_page(&state, &ctx, &a.project, a.role, &r, raw, fb, r.version).await
        }
    }
}

/// This area's pages and form posts.
pub fn routes() -> axum::Router<crate::AppState> {
    use axum::routing::{get, post};
    axum::Router::new()
        .route("/projects/{id}/risks", get(index).post(create))
        .route("/projects/{id}/risks/{rid}", get(edit_form).post(update))
        .route("/projects/{id}/risks/{rid}/dismiss", post(dismiss))
}
