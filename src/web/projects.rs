//! Portfolio, project creation and editing, overview, members, history.
use super::context::Ctx;
use super::form::{Feedback, FormData};
use super::render::{kept_page, page, ser};
use crate::AppState;
use crate::domain::catalog::{CURRENCIES, INDUSTRIES, MODULES};
use crate::domain::policy::{Action, Role, allows};
use crate::domain::project_input::{COMMON_TIME_ZONES, RawProject, validate};
use crate::domain::validation::FieldErrors;
use crate::entity::project;
use crate::error::{AppError, AppResult};
use crate::i18n::{self, Lang};
use crate::service::{self, Actor, access, audit, clock, projects, users};
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use minijinja::{Value, context};
use serde::Deserialize;
use std::collections::BTreeMap;

/// The acting user and their access to project `id` for `action`: the one authorisation
/// check of every project page.
pub async fn authorize(state: &AppState, ctx: &Ctx, id: i32, action: Action) -> AppResult<(Actor, access::Access)> {
    let user = ctx.user()?;
    let a = access::authorize(&state.db.conn, user, id, action).await?;
    Ok((Actor { user_id: user.id }, a))
}

/// Field → message key, the first problem of each field.
pub fn error_map(e: &FieldErrors) -> BTreeMap<String, &'static str> {
    let mut m = BTreeMap::new();
    for f in &e.0 {
        m.entry(f.field.clone()).or_insert(f.message);
    }
    m
}

/// What a role may do, for templates to show or hide controls (the server checks again).
pub fn can(role: Role) -> Value {
    context! {
        contribute => allows(role, Action::Contribute),
        review => allows(role, Action::ReviewDeliverable),
        decide => allows(role, Action::DecideGate),
        edit => allows(role, Action::EditProject),
        members => allows(role, Action::ManageMembers),
        review_meeting => allows(role, Action::Review),
        steering => allows(role, Action::ManageSteering),
        baseline => allows(role, Action::SaveBaseline),
        import_plan => allows(role, Action::ImportPlan),
        business_case => allows(role, Action::EditBusinessCase),
        run_tests => allows(role, Action::RunTests),
        decide_change => allows(role, Action::DecideChange),
    }
}

pub async fn portfolio(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<projects::PortfolioQuery>,
) -> AppResult<Response> {
    let user = ctx.user()?;
    let kept = projects::portfolio_view(&state.db, user.id, &q).await?;
    let p = &kept.view;
    let sorts = projects::PORTFOLIO_SORTS;
    let may_create = crate::domain::policy::may_create_project(user.is_admin, user.project_creator);
    let variant = if may_create { "create" } else { "" };
    Ok(kept_page(&state, &ctx, &kept, "projects/portfolio.html", variant, || {
        context! { p => ser(p), rows => ser(&p.rows), sorts, may_create }
    }))
}

fn raw_from(form: &FormData) -> RawProject {
    RawProject {
        name: form.get("name").into(),
        client_name: form.get("client_name").into(),
        industry: form.get("industry").into(),
        start_date: form.get("start_date").into(),
        currency: form.get("currency").into(),
        modules: form.all("modules"),
        time_zone: form.get("time_zone").into(),
        network: form.get("network").into(),
    }
}

fn raw_of(p: &project::Model) -> RawProject {
    RawProject {
        name: p.name.clone(),
        client_name: p.client_name.clone(),
        industry: p.industry.clone(),
        start_date: p.start_date.to_string(),
        currency: p.currency.clone(),
        modules: p.modules.split(',').filter(|m| !m.is_empty()).map(str::to_string).collect(),
        time_zone: p.time_zone.clone(),
        network: String::new(),
    }
}

struct FormView<'a> {
    raw: RawProject,
    errors: FieldErrors,
    project: Option<&'a project::Model>,
    version: i32,
    conflict: Option<RawProject>,
}

fn project_form(state: &AppState, ctx: &Ctx, status: StatusCode, v: FormView) -> Response {
    let playbooks: Vec<Value> =
        state.playbooks.all().map(|p| context! { key => p.key.clone(), name => ser(&p.name) }).collect();
    let data = context! {
        form => ser(&v.raw),
        errors => ser(&error_map(&v.errors)),
        project => ser(&v.project),
        version => v.version,
        conflict => ser(&v.conflict),
        industries => ser(&INDUSTRIES),
        currencies => ser(&CURRENCIES),
        modules => ser(&MODULES),
        time_zones => ser(&COMMON_TIME_ZONES),
        playbooks,
    };
    (status, page(state, ctx, "projects/form.html", data)).into_response()
}

/// Only administrators and users they marked as project creators start projects.
fn may_create(ctx: &Ctx) -> AppResult<&crate::entity::user::Model> {
    let user = ctx.user()?;
    if crate::domain::policy::may_create_project(user.is_admin, user.project_creator) {
        Ok(user)
    } else {
        Err(AppError::Forbidden)
    }
}

pub async fn new_form(State(state): State<AppState>, ctx: Ctx) -> AppResult<Response> {
    may_create(&ctx)?;
    let time_zone = clock::default_time_zone();
    let raw = RawProject {
        industry: "other".into(),
        currency: "CNY".into(),
        start_date: clock::today_in(&time_zone).to_string(),
        time_zone,
        modules: vec!["sales".into(), "marketing".into(), "service".into()],
        network: "linked".into(),
        ..Default::default()
    };
    Ok(project_form(
        &state,
        &ctx,
        StatusCode::OK,
        FormView { raw, errors: FieldErrors::default(), project: None, version: 0, conflict: None },
    ))
}

pub async fn create(State(state): State<AppState>, ctx: Ctx, form: FormData) -> AppResult<Response> {
    let user = may_create(&ctx)?;
    let raw = raw_from(&form);
    let pb = state.playbooks.get(form.get("playbook")).or_else(|| state.playbooks.get("nine-phase"));
    let (input, pb) = match (validate(&raw), pb) {
        (Ok(i), Some(pb)) => (i, pb),
        (res, pb) => {
            let mut errors = res.err().unwrap_or_default();
            if pb.is_none() {
                errors.add("playbook", "err.choose_from_list");
            }
            return Ok(project_form(
                &state,
                &ctx,
                StatusCode::UNPROCESSABLE_ENTITY,
                FormView { raw, errors, project: None, version: 0, conflict: None },
            ));
        }
    };
    let p = projects::create(&state.db, Actor { user_id: user.id }, &input, pb).await?;
    Ok(Redirect::to(&format!("/projects/{}", p.id)).into_response())
}

#[derive(Deserialize)]
pub struct PhaseQuery {
    phase: Option<i32>,
}

pub async fn overview(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i32>,
    Query(q): Query<PhaseQuery>,
) -> AppResult<Response> {
    let (_, a) = authorize(&state, &ctx, id, Action::View).await?;
    let role = a.role;
    let kept = projects::overview_view(&state.db, a.project, q.phase).await?;
    let tiers = crate::playbook::Tier::ALL.map(|t| t.as_str());
    Ok(kept_page(&state, &ctx, &kept, "projects/overview.html", role.as_str(), || {
        context! { ov => ser(&kept.view), role => role.as_str(), can => can(role), tiers }
    }))
}

pub async fn edit_form(State(state): State<AppState>, ctx: Ctx, Path(id): Path<i32>) -> AppResult<Response> {
    let (_, a) = authorize(&state, &ctx, id, Action::EditProject).await?;
    let raw = raw_of(&a.project);
    Ok(project_form(
        &state,
        &ctx,
        StatusCode::OK,
        FormView {
            raw,
            errors: FieldErrors::default(),
            project: Some(&a.project),
            version: a.project.version,
            conflict: None,
        },
    ))
}

pub async fn update(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i32>,
    form: FormData,
) -> AppResult<Response> {
    let (actor, a) = authorize(&state, &ctx, id, Action::EditProject).await?;
    let version = form.version()?;
    let mut raw = raw_from(&form);
    // The start date is shown but not edited here; validate against the stored one.
    raw.start_date = a.project.start_date.to_string();
    let input = match validate(&raw) {
        Ok(i) => i,
        Err(errors) => {
            return Ok(project_form(
                &state,
                &ctx,
                StatusCode::UNPROCESSABLE_ENTITY,
                FormView { raw, errors, project: Some(&a.project), version, conflict: None },
            ));
        }
    };
    match projects::update(&state.db, actor, id, version, &input).await {
        Ok(p) => Ok(Redirect::to(&format!("/projects/{}", p.id)).into_response()),
        Err(service::Error::Conflict) => {
            // Show what is stored now beside what the user typed; nothing was written.
            let fresh = access::authorize(&state.db.conn, ctx.user()?, id, Action::EditProject).await?.project;
            Ok(project_form(
                &state,
                &ctx,
                StatusCode::CONFLICT,
                FormView {
                    raw,
                    errors: FieldErrors::default(),
                    project: Some(&fresh),
                    version: fresh.version,
                    conflict: Some(raw_of(&fresh)),
                },
            ))
        }
        Err(e) => Err(e.into()),
    }
}

pub async fn members(State(state): State<AppState>, ctx: Ctx, Path(id): Path<i32>) -> AppResult<Response> {
    let (_, a) = authorize(&state, &ctx, id, Action::View).await?;
    members_page(&state, &ctx, a, StatusCode::OK, None).await
}

async fn members_page(
    state: &AppState,
    ctx: &Ctx,
    a: access::Access,
    status: StatusCode,
    error: Option<&'static str>,
) -> AppResult<Response> {
    let rows = projects::members(&state.db.conn, a.project.id).await?;
    let all_users = if allows(a.role, Action::ManageMembers) { users::list(&state.db.conn).await? } else { vec![] };
    let roles = Role::ALL.map(|r| r.as_str());
    Ok((status, page(state, ctx, "projects/members.html", context! { project => ser(&a.project), rows => ser(&rows), all_users => ser(&all_users), roles, can => can(a.role), error })).into_response())
}

pub async fn set_member(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i32>,
    form: FormData,
) -> AppResult<Response> {
    let (actor, a) = authorize(&state, &ctx, id, Action::View).await?;
    let role = Role::parse(form.get("role"));
    let user_id = form.get("user_id").parse::<i32>().ok();
    // Appointing a director or a steering member is the director's or the committee's.
    access::require(a.role, access::member_change(&state.db.conn, id, user_id, None, role).await?)?;
    let (Some(role), Some(user_id)) = (role, user_id) else {
        return members_page(&state, &ctx, a, StatusCode::UNPROCESSABLE_ENTITY, Some("err.choose_from_list")).await;
    };
    match projects::set_member(&state.db, actor, id, user_id, role).await {
        Ok(()) => Ok(Redirect::to(&format!("/projects/{id}/members")).into_response()),
        Err(service::Error::NotFound) => {
            members_page(&state, &ctx, a, StatusCode::UNPROCESSABLE_ENTITY, Some("err.choose_from_list")).await
        }
        Err(e) => {
            let fb = Feedback::from_service(e)?;
            members_page(&state, &ctx, a, fb.status, fb.error).await
        }
    }
}

pub async fn remove_member(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, mid)): Path<(i32, i32)>,
) -> AppResult<Response> {
    let (actor, a) = authorize(&state, &ctx, id, Action::View).await?;
    access::require(a.role, access::member_change(&state.db.conn, id, None, Some(mid), None).await?)?;
    match projects::remove_member(&state.db, actor, id, mid).await {
        Ok(()) => Ok(Redirect::to(&format!("/projects/{id}/members")).into_response()),
        Err(e) => {
            let fb = Feedback::from_service(e)?;
            members_page(&state, &ctx, a, fb.status, fb.error).await
        }
    }
}

/// Bookkeeping columns that say nothing to a reader of the history.
const HIDDEN_FIELDS: &[&str] = &["id", "project_id", "phase_id", "key", "seq", "acceptance", "playbook_key"];

/// Stored codes (status, tier, role…) in words; other values as they are.
fn coded_value(lang: Lang, field: &str, v: String) -> String {
    let prefixes: &[&str] = match field {
        "status" => &["status", "phase", "session_status"],
        "tier" | "decision" | "industry" | "audience" | "side" => &[field],
        "role" => &["role", "org_role"],
        "department" | "audience_department" => &["dept"],
        _ => &[],
    };
    prefixes.iter().map(|p| format!("{p}.{v}")).find_map(|k| Some(i18n::t(lang, &k)).filter(|t| *t != k)).unwrap_or(v)
}

/// One audit row as a reader sees it: the record's name, people by name, fields by label.
fn history_entry(lang: Lang, names: &BTreeMap<i32, String>, r: &crate::entity::audit::Model) -> Value {
    let json = |s: &Option<String>| s.as_deref().and_then(|s| serde_json::from_str::<serde_json::Value>(s).ok());
    let (before, after) = (json(&r.before), json(&r.after));
    let label = [&after, &before]
        .into_iter()
        .flatten()
        .find_map(|v| {
            v.get(format!("name_{}", lang.code()))
                .or_else(|| v.get("name"))
                .or_else(|| v.get("title"))
                .and_then(|n| n.as_str())
                .filter(|n| !n.is_empty())
        })
        .unwrap_or_default()
        .to_string();
    let person =
        |v: &str| v.parse::<i32>().ok().and_then(|id| names.get(&id).cloned()).unwrap_or_else(|| v.to_string());
    let changes: Vec<Value> = audit::changed_fields(r.before.as_deref(), r.after.as_deref())
        .into_iter()
        .filter(|(f, _, _)| !HIDDEN_FIELDS.contains(&f.as_str()))
        .map(|(field, before, after)| {
            let (before, after) = if field.ends_with("_by") || field == "user_id" {
                (person(&before), person(&after))
            } else {
                (coded_value(lang, &field, before), coded_value(lang, &field, after))
            };
            // A field label specific to the record's kind wins over the general one.
            let label = [format!("field.{}.{field}", r.entity), format!("field.{field}")]
                .into_iter()
                .find_map(|k| Some(i18n::t(lang, &k)).filter(|t| *t != k))
                .unwrap_or(field);
            context! { field => label, before, after }
        })
        .collect();
    context! {
        at => r.at.to_rfc3339(),
        who => r.user_id.and_then(|u| names.get(&u).cloned()).unwrap_or_default(),
        entity => r.entity.clone(),
        entity_id => r.entity_id,
        label,
        action => r.action.clone(),
        changes,
    }
}

#[derive(Deserialize)]
pub struct PageQuery {
    page: Option<u64>,
}

pub async fn history(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i32>,
    Query(q): Query<PageQuery>,
) -> AppResult<Response> {
    let (_, a) = authorize(&state, &ctx, id, Action::View).await?;
    const PER_PAGE: u64 = 50;
    let page_no = q.page.unwrap_or(0);
    let (rows, total) = audit::for_project(&state.db.conn, id, page_no, PER_PAGE).await?;
    let names: BTreeMap<i32, String> = users::list(&state.db.conn).await?.into_iter().map(|u| (u.id, u.name)).collect();
    let entries: Vec<Value> = rows.iter().map(|r| history_entry(ctx.lang, &names, r)).collect();
    let pages = total.div_ceil(PER_PAGE);
    // Past the last page: shown as the page after it (empty), so the pager's sums stay small.
    let page_no = page_no.min(pages);
    Ok(page(
        &state,
        &ctx,
        "projects/history.html",
        context! { project => ser(&a.project), entries, page_no, pages, total },
    )
    .into_response())
}

/// This area's pages and form posts.
pub fn routes() -> axum::Router<crate::AppState> {
    use axum::routing::{get, post};
    axum::Router::new()
        .route("/projects", get(portfolio).post(create))
        .route("/projects/new", get(new_form))
        .route("/projects/{id}", get(overview))
        .route("/projects/{id}/edit", get(edit_form).post(update))
        .route("/projects/{id}/members", get(members).post(set_member))
        .route("/projects/{id}/members/{mid}/delete", post(remove_member))
        .route("/projects/{id}/history", get(history))
}
