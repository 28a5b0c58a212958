//! The training plan: sessions with their checks (senior management first, coverage,
//! budget), a session's page with its invitees and attendance.
use super::context::Ctx;
use super::form::{Feedback, FormData};
use super::organisation::unit_label;
use super::projects::{authorize, can, error_map};
use super::render::{page, ser};
use crate::AppState;
use crate::domain::catalog::MODULES;
use crate::domain::money;
use crate::domain::org;
use crate::domain::policy::Action;
use crate::domain::training::{self as domain, AUDIENCES, Choices, RawSession, STATUSES};
use crate::entity::{org_unit, project, training_session};
use crate::error::AppResult;
use crate::i18n::Lang;
use crate::service::{access::Access, organisation, projects, training};
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use minijinja::{Value, context};

/// A stored session in the form's shape (the edit form, and the base of an API `PATCH`).
pub fn raw_of(s: &training_session::Model, cur: &str) -> RawSession {
    RawSession {
        title: s.title.clone(),
        audience: s.audience.clone(),
        audience_unit_id: s.audience_unit_id.map(|u| u.to_string()).unwrap_or_default(),
        audience_department: s.audience_department.clone().unwrap_or_default(),
        phase_seq: s.phase_seq.to_string(),
        module: s.module.clone().unwrap_or_default(),
        date: s.date.to_string(),
        start_time: s.start_time.clone(),
        duration_minutes: s.duration_minutes.to_string(),
        place: s.place.clone(),
        online: s.online,
        trainer: s.trainer.clone(),
        cost: money::decimal(s.cost, cur),
        hands_on: s.hands_on,
        status: s.status.clone(),
    }
}

/// The session's audience in words: "Functional group: Sales group", "End users: Sales".
pub fn audience_label(lang: Lang, s: &training_session::Model, units: &[org_unit::Model]) -> String {
    let base = crate::i18n::t(lang, &format!("audience.{}", s.audience));
    let detail = match (s.audience.as_str(), s.audience_unit_id, &s.audience_department) {
        ("functional_group", Some(uid), _) => units.iter().find(|u| u.id == uid).map(|u| unit_label(lang, u)),
        ("end_users", _, Some(d)) => Some(crate::i18n::t(lang, &format!("dept.{d}"))),
        _ => None,
    };
    detail.map_or(base.clone(), |d| {
        crate::i18n::tf(lang, "training.audience_detail", &[("audience", &base), ("detail", &d)])
    })
}

/// What the session form offers, and the same lists for validation.
struct Options {
    phases: Vec<Value>,
    groups: Vec<Value>,
    group_ids: Vec<i32>,
    modules: Vec<&'static str>,
}

async fn options(
    state: &AppState,
    lang: Lang,
    p: &project::Model,
) -> crate::service::Result<(Options, Vec<org_unit::Model>)> {
    let c = &state.db.conn;
    let phases = projects::phases(c, p.id).await?;
    let units = organisation::units(c, p.id).await?;
    let groups: Vec<&org_unit::Model> = units.iter().filter(|u| u.kind == "group").collect();
    let o = Options {
        phases: phases
            .iter()
            .map(|ph| context! { seq => ph.seq, name_en => ph.name_en.clone(), name_zh => ph.name_zh.clone() })
            .collect(),
        group_ids: groups.iter().map(|u| u.id).collect(),
        groups: groups.iter().map(|u| context! { id => u.id, label => unit_label(lang, u) }).collect(),
        modules: MODULES.to_vec(),
    };
    Ok((o, units))
}

/// The session form checked as the page checks it (the API's writes use this too).
pub async fn validate_form(
    state: &AppState,
    p: &project::Model,
    raw: &RawSession,
) -> crate::service::Result<crate::domain::training::SessionInput> {
    let (o, _) = options(state, Lang::En, p).await?;
    Ok(domain::validate(raw, &choices(&o, p))?)
}

fn choices<'a>(o: &'a Options, p: &'a project::Model) -> Choices<'a> {
    Choices {
        phases: o.phases.len() as i32,
        modules: &o.modules,
        group_ids: &o.group_ids,
        departments: org::DEPARTMENTS,
        currency: &p.currency,
    }
}

async fn index_page(state: &AppState, ctx: &Ctx, a: Access, fb: Feedback, raw: RawSession) -> AppResult<Response> {
    let lang = ctx.lang;
    let p = &a.project;
    let (o, units) = options(state, lang, p).await?;
    let v = training::view(&state.db.conn, p).await?;
    // Labels only (names of audiences and groups in the reader's language); every figure is the view's.
    let audiences: Vec<String> = v.rows.iter().map(|r| audience_label(lang, &r.s, &units)).collect();
    let labels: Vec<String> = v
        .coverage
        .iter()
        .map(|cv| units.iter().find(|u| u.id == cv.unit_id).map(|u| unit_label(lang, u)).unwrap_or_default())
        .collect();
    let rows: Vec<Value> = v
        .rows
        .iter()
        .zip(audiences)
        .map(|(r, audience)| context! { s => ser(&r.s), audience, cost => r.cost.clone(), early => r.early })
        .collect();
    let coverage: Vec<Value> =
        v.coverage.iter().zip(labels).map(|(cv, label)| context! { c => ser(cv), label }).collect();
    let data = context! {
        project => ser(p),
        can => can(a.role),
        rows,
        order => ser(&v.order),
        coverage,
        by_phase => ser(&v.budget.by_phase),
        by_audience => ser(&v.budget.by_audience),
        total => ser(&v.budget.total),
        form => ser(&raw),
        errors => error_map(&fb.errors),
        audiences => ser(&AUDIENCES),
        statuses => ser(&STATUSES),
        departments => ser(&org::DEPARTMENTS),
        phases => o.phases,
        groups => o.groups,
        modules => ser(&o.modules),
    };
    Ok((fb.status, page(state, ctx, "training/index.html", data)).into_response())
}

fn blank(p: &project::Model) -> RawSession {
    RawSession {
        audience: "senior_management".into(),
        phase_seq: "1".into(),
        start_time: "09:00".into(),
        duration_minutes: "120".into(),
        status: "planned".into(),
        date: p.start_date.to_string(),
        cost: "0".into(),
        ..Default::default()
    }
}

pub async fn index(State(state): State<AppState>, ctx: Ctx, Path(id): Path<i32>) -> AppResult<Response> {
    let (_, a) = authorize(&state, &ctx, id, Action::View).await?;
    let raw = blank(&a.project);
    index_page(&state, &ctx, a, Feedback::none(), raw).await
}

pub async fn create(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i32>,
    form: FormData,
) -> AppResult<Response> {
    let (actor, a) = authorize(&state, &ctx, id, Action::Contribute).await?;
    let raw: RawSession = form.typed()?;
    let r = match validate_form(&state, &a.project, &raw).await {
        Ok(i) => training::create_session(&state.db, actor, &a.project, &i).await,
        Err(e) => Err(e),
    };
    match r {
        Ok(s) => Ok(Redirect::to(&format!("/projects/{id}/training/{}", s.id)).into_response()),
        Err(e) => index_page(&state, &ctx, a, Feedback::from_service(e)?, raw).await,
    }
}

async fn session_page(
    state: &AppState,
    ctx: &Ctx,
    a: Access,
    sid: i32,
    fb: Feedback,
    raw: Option<RawSession>,
) -> AppResult<Response> {
    let lang = ctx.lang;
    let p = &a.project;
    let v = training::session_view(&state.db.conn, p, sid).await?;
    let (o, units) = options(state, lang, p).await?;
    let data = context! {
        project => ser(p),
        can => can(a.role),
        s => ser(&v.s),
        audience => audience_label(lang, &v.s, &units),
        cost => v.cost.clone(),
        form => ser(&raw.unwrap_or_else(|| raw_of(&v.s, &p.currency))),
        invitees => ser(&v.invitees),
        invitable => ser(&v.invitable),
        errors => error_map(&fb.errors),
        conflict => fb.conflict,
        audiences => ser(&AUDIENCES),
        statuses => ser(&STATUSES),
        departments => ser(&org::DEPARTMENTS),
        phases => o.phases,
        groups => o.groups,
        modules => ser(&o.modules),
    };
    Ok((fb.status, page(state, ctx, "training/session.html", data)).into_response())
}

pub async fn show(State(state): State<AppState>, ctx: Ctx, Path((id, sid)): Path<(i32, i32)>) -> AppResult<Response> {
    let (_, a) = authorize(&state, &ctx, id, Action::View).await?;
    session_page(&state, &ctx, a, sid, Feedback::none(), None).await
}

pub async fn update(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, sid)): Path<(i32, i32)>,
    form: FormData,
) -> AppResult<Response> {
    let (actor, a) = authorize(&state, &ctx, id, Action::Contribute).await?;
    let raw: RawSession = form.typed()?;
    let version = form.version()?;
    let r = match validate_form(&state, &a.project, &raw).await {
        Ok(i) => training::update_session(&state.db, actor, id, sid, version, &i).await,
        Err(e) => Err(e),
    };
    match r {
        Ok(_) => Ok(Redirect::to(&format!("/projects/{id}/training/{sid}")).into_response()),
        Err(e) => {
            let fb = Feedback::from_service(e)?;
            let raw = (!fb.conflict).then_some(raw);
            session_page(&state, &ctx, a, sid, fb, raw).await
        }
    }
}

pub async fn invite(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, sid)): Path<(i32, i32)>,
    form: FormData,
) -> AppResult<Response> {
    let (actor, a) = authorize(&state, &ctx, id, Action::Contribute).await?;
    match training::invite(&state.db, actor, id, sid, &form.all("person_id")).await {
        Ok(_) => Ok(Redirect::to(&format!("/projects/{id}/training/{sid}#attendance")).into_response()),
        Err(e) => session_page(&state, &ctx, a, sid, Feedback::from_service(e)?, None).await,
    }
}

pub async fn attendance(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, sid, aid)): Path<(i32, i32, i32)>,
    form: FormData,
) -> AppResult<Response> {
    let (actor, a) = authorize(&state, &ctx, id, Action::Contribute).await?;
    let r = if form.get("action") == "remove" {
        training::uninvite(&state.db, actor, id, aid).await
    } else {
        training::record_attendance(
            &state.db,
            actor,
            id,
            aid,
            form.version()?,
            form.get("attended") == "1",
            form.get("score"),
        )
        .await
        .map(|_| ())
    };
    match r {
        Ok(()) => Ok(Redirect::to(&format!("/projects/{id}/training/{sid}#attendance")).into_response()),
        Err(e) => session_page(&state, &ctx, a, sid, Feedback::from_service(e)?, None).await,
    }
}

/// This area's pages and form posts.
pub fn routes() -> axum::Router<crate::AppState> {
    use axum::routing::{get, post};
    axum::Router::new()
        .route("/projects/{id}/training", get(index).post(create))
        .route("/projects/{id}/training/{sid}", get(show).post(update))
        .route("/projects/{id}/training/{sid}/invite", post(invite))
        .route("/projects/{id}/training/{sid}/attendance/{aid}", post(attendance))
}
