//! The organisation page (three tiers, the method's findings, the chart), people and their
//! import from CSV, and responsibilities.
use super::context::Ctx;
use super::form::{Feedback, FormData};
use super::projects::{authorize, can, error_map};
use super::render::{page, ser};
use crate::AppState;
use crate::chart::org as chart;
use crate::domain::org::{self, UnitKind};
use crate::domain::org_rules::Finding;
use crate::domain::people::{self, RawPerson};
use crate::domain::policy::Action;
use crate::entity::{membership, org_unit, person, project};
use crate::error::AppResult;
use crate::i18n::{self, Lang};
use crate::service::{self, access::Access, organisation, projects, training};
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use minijinja::{Value, context};
use std::collections::BTreeMap;

/// A tier or group in the reader's language: its own name, or the default one.
pub fn unit_label(lang: Lang, u: &org_unit::Model) -> String {
    if !u.name.trim().is_empty() {
        return u.name.clone();
    }
    match (u.kind.as_str(), &u.department) {
        ("group", Some(d)) => i18n::tf(lang, "org.group_of", &[("dept", &i18n::t(lang, &format!("dept.{d}")))]),
        (k, _) => i18n::t(lang, &format!("org.kind_{k}")),
    }
}

/// A finding as the page shows it: its words and where to fix it.
pub fn finding_view(lang: Lang, p: &project::Model, units: &[org_unit::Model], f: &Finding) -> Value {
    let id = p.id;
    let subject = if let Some(d) = &f.department {
        i18n::t(lang, &format!("dept.{d}"))
    } else if f.person_id.is_some() {
        f.subject.clone()
    } else if let Some(u) = f.unit_id.and_then(|uid| units.iter().find(|u| u.id == uid)) {
        unit_label(lang, u)
    } else {
        f.subject.clone()
    };
    let value = f.value.map(|v| v.to_string()).unwrap_or_default();
    let args = [("subject", subject.as_str()), ("value", value.as_str())];
    let fix = if let Some(m) = f.membership_id {
        format!("/projects/{id}/organisation#m-{m}")
    } else if f.department.is_some() {
        format!("/projects/{id}/organisation#add-group")
    } else if let Some(u) = f.unit_id {
        format!("/projects/{id}/organisation#unit-{u}")
    } else if let Some(pid) = f.person_id {
        format!("/projects/{id}/people/{pid}")
    } else {
        format!("/projects/{id}/organisation")
    };
    context! {
        rule => f.rule,
        severity => ser(&f.severity),
        title => i18n::tf(lang, &format!("org_rule.{}", f.rule), &args),
        why => i18n::t(lang, &format!("org_rule.{}_why", f.rule)),
        fix,
    }
}

fn build_chart(lang: Lang, v: &organisation::OrgView) -> String {
    let node = |u: &org_unit::Model| chart::Node {
        title: unit_label(lang, u),
        flagged: v.findings.iter().any(|f| f.unit_id == Some(u.id)),
        entries: v
            .members
            .iter()
            .filter(|m| m.unit_id == u.id)
            .filter_map(|m| {
                let p = v.people.iter().find(|p| p.id == m.person_id)?;
                Some(chart::Entry {
                    name: p.name.clone(),
                    role: i18n::t(lang, &format!("org_role.{}", m.role)),
                    allocation: m.allocation,
                    consultant: p.side == "consultancy",
                })
            })
            .collect(),
    };
    let of = |k: &str| v.units.iter().find(|u| u.kind == k).map(node).unwrap_or_default();
    let c = chart::OrgChart {
        steering: of("steering"),
        team: of("team"),
        groups: v.units.iter().filter(|u| u.kind == "group").map(node).collect(),
        legend: (i18n::t(lang, "org.legend_consultant"), i18n::t(lang, "org.legend_flagged")),
    };
    chart::to_svg(&c, &i18n::t(lang, "org.chart"))
}

/// Which form on the page the feedback belongs to, so the errors show by the right fields.
struct Target {
    form: String,
    fb: Feedback,
    values: BTreeMap<String, String>,
}

fn person_label(p: &person::Model, lang: Lang) -> String {
    format!("{} · {}", p.name, i18n::t(lang, &format!("dept.{}", p.department)))
}

async fn org_page(state: &AppState, ctx: &Ctx, a: Access, target: Option<Target>) -> AppResult<Response> {
    let lang = ctx.lang;
    let p = &a.project;
    let v = organisation::view(&state.db.conn, p).await?;
    let units: Vec<Value> = v
        .units
        .iter()
        .map(|u| {
            let kind = UnitKind::parse(&u.kind).unwrap_or(UnitKind::Group);
            let members: Vec<Value> = v
                .members
                .iter()
                .filter(|m| m.unit_id == u.id)
                .filter_map(|m| {
                    let person = v.people.iter().find(|x| x.id == m.person_id)?;
                    Some(context! { m => ser(m), person => ser(person), flagged => v.findings.iter().any(|f| f.membership_id == Some(m.id)) })
                })
                .collect();
            context! {
                u => ser(u),
                label => unit_label(lang, u),
                roles => ser(&org::roles_for(kind)),
                members,
                removable => kind == UnitKind::Group,
            }
        })
        .collect();
    let findings: Vec<Value> = v.findings.iter().map(|f| finding_view(lang, p, &v.units, f)).collect();
    let people: Vec<Value> = v.people.iter().map(|x| context! { id => x.id, label => person_label(x, lang) }).collect();
    let (status, form, errors, values, conflict, error) = match target {
        Some(t) => (t.fb.status, t.form, error_map(&t.fb.errors), t.values, t.fb.conflict, t.fb.error),
        None => (axum::http::StatusCode::OK, String::new(), BTreeMap::new(), BTreeMap::new(), false, None),
    };
    let free_departments: Vec<&str> = org::DEPARTMENTS
        .iter()
        .copied()
        .filter(|d| !v.units.iter().any(|u| u.kind == "group" && u.department.as_deref() == Some(d)))
        .collect();
    let data = context! {
        project => ser(p),
        can => can(a.role),
        units,
        findings,
        people,
        chart => build_chart(lang, &v),
        departments => free_departments,
        form,
        errors,
        values,
        conflict,
        error,
        people_count => v.people.len(),
    };
    Ok((status, page(state, ctx, "organisation/index.html", data)).into_response())
}

pub async fn index(State(state): State<AppState>, ctx: Ctx, Path(id): Path<i32>) -> AppResult<Response> {
    let (actor, a) = authorize(&state, &ctx, id, Action::View).await?;
    organisation::ensure_tiers(&state.db, actor, &a.project).await?;
    org_page(&state, &ctx, a, None).await
}

/// After a write on the organisation page: back to the page (at the changed part), or the
/// page again with the problem shown at the form that caused it.
async fn after(
    state: &AppState,
    ctx: &Ctx,
    a: Access,
    form_id: String,
    form: &FormData,
    result: service::Result<String>,
) -> AppResult<Response> {
    match result {
        Ok(anchor) => Ok(Redirect::to(&format!("/projects/{}/organisation{anchor}", a.project.id)).into_response()),
        Err(e) => {
            let fb = Feedback::from_service(e)?;
            let values = form.0.iter().cloned().collect();
            org_page(state, ctx, a, Some(Target { form: form_id, fb, values })).await
        }
    }
}

pub async fn add_member(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, uid)): Path<(i32, i32)>,
    form: FormData,
) -> AppResult<Response> {
    let (actor, a) = authorize(&state, &ctx, id, Action::Contribute).await?;
    let r = organisation::add_membership(
        &state.db,
        actor,
        id,
        uid,
        form.get("person_id"),
        form.get("role"),
        form.get("allocation"),
    )
    .await
    .map(|m: membership::Model| format!("#m-{}", m.id));
    after(&state, &ctx, a, format!("add-{uid}"), &form, r).await
}

pub async fn update_member(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, mid)): Path<(i32, i32)>,
    form: FormData,
) -> AppResult<Response> {
    let (actor, a) = authorize(&state, &ctx, id, Action::Contribute).await?;
    let r = organisation::update_membership(
        &state.db,
        actor,
        id,
        mid,
        form.version()?,
        form.get("role"),
        form.get("allocation"),
    )
    .await
    .map(|m| format!("#m-{}", m.id));
    after(&state, &ctx, a, format!("m-{mid}"), &form, r).await
}

pub async fn remove_member(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, mid)): Path<(i32, i32)>,
    form: FormData,
) -> AppResult<Response> {
    let (actor, a) = authorize(&state, &ctx, id, Action::Contribute).await?;
    let r = organisation::remove_membership(&state.db, actor, id, mid).await.map(|_| String::new());
    after(&state, &ctx, a, format!("m-{mid}"), &form, r).await
}

pub async fn add_group(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i32>,
    form: FormData,
) -> AppResult<Response> {
    let (actor, a) = authorize(&state, &ctx, id, Action::Contribute).await?;
    let r = organisation::add_group(&state.db, actor, id, form.get("department"), form.get("group_name"))
        .await
        .map(|u| format!("#unit-{}", u.id));
    after(&state, &ctx, a, "add-group".into(), &form, r).await
}

pub async fn remove_group(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, uid)): Path<(i32, i32)>,
    form: FormData,
) -> AppResult<Response> {
    let (actor, a) = authorize(&state, &ctx, id, Action::Contribute).await?;
    let r = organisation::remove_group(&state.db, actor, id, uid).await.map(|_| String::new());
    after(&state, &ctx, a, format!("unit-{uid}"), &form, r).await
}

fn raw_person(form: &FormData) -> RawPerson {
    RawPerson {
        name: form.get("name").into(),
        title: form.get("title").into(),
        department: form.get("department").into(),
        side: form.get("side").into(),
        email: form.get("email").into(),
        phone: form.get("phone").into(),
    }
}

async fn people_page(
    state: &AppState,
    ctx: &Ctx,
    a: Access,
    fb: Feedback,
    raw: RawPerson,
    imported: Option<usize>,
) -> AppResult<Response> {
    let v = organisation::view(&state.db.conn, &a.project).await?;
    let rows: Vec<Value> = v
        .people
        .iter()
        .map(|p| {
            let mine: Vec<&membership::Model> = v.members.iter().filter(|m| m.person_id == p.id).collect();
            let total: i32 = mine.iter().map(|m| m.allocation).sum();
            let tiers: Vec<String> = mine
                .iter()
                .filter_map(|m| v.units.iter().find(|u| u.id == m.unit_id))
                .map(|u| unit_label(ctx.lang, u))
                .collect();
            context! { p => ser(p), total, tiers }
        })
        .collect();
    let data = context! {
        project => ser(&a.project),
        can => can(a.role),
        rows,
        imported,
        form => ser(&raw),
        errors => error_map(&fb.errors),
        departments => ser(&org::DEPARTMENTS),
        sides => ser(&org::SIDES),
    };
    Ok((fb.status, page(state, ctx, "organisation/people.html", data)).into_response())
}

#[derive(serde::Deserialize)]
pub struct PeopleQuery {
    imported: Option<usize>,
}

pub async fn people_index(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i32>,
    axum::extract::Query(q): axum::extract::Query<PeopleQuery>,
) -> AppResult<Response> {
    let (_, a) = authorize(&state, &ctx, id, Action::View).await?;
    let raw = RawPerson { side: "client".into(), ..Default::default() };
    people_page(&state, &ctx, a, Feedback::none(), raw, q.imported).await
}

pub async fn create_person(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i32>,
    form: FormData,
) -> AppResult<Response> {
    let (actor, a) = authorize(&state, &ctx, id, Action::Contribute).await?;
    let raw = raw_person(&form);
    let r = match people::validate(&raw) {
        Ok(i) => organisation::create_person(&state.db, actor, id, &i).await,
        Err(e) => Err(e.into()),
    };
    match r {
        Ok(p) => Ok(Redirect::to(&format!("/projects/{id}/people/{}", p.id)).into_response()),
        Err(e) => people_page(&state, &ctx, a, Feedback::from_service(e)?, raw, None).await,
    }
}

async fn person_page(
    state: &AppState,
    ctx: &Ctx,
    a: Access,
    pid: i32,
    fb: Feedback,
    raw: Option<(RawPerson, String)>,
) -> AppResult<Response> {
    let c = &state.db.conn;
    let id = a.project.id;
    let p = organisation::person(c, id, pid).await?;
    let units = organisation::units(c, id).await?;
    let ms: Vec<membership::Model> =
        organisation::memberships(c, id).await?.into_iter().filter(|m| m.person_id == pid).collect();
    let total: i32 = ms.iter().map(|m| m.allocation).sum();
    let memberships: Vec<Value> = ms
        .iter()
        .filter_map(|m| {
            let u = units.iter().find(|u| u.id == m.unit_id)?;
            Some(context! { m => ser(m), label => unit_label(ctx.lang, u) })
        })
        .collect();
    let (acts, dels) = organisation::owned_by(c, id, pid).await?;
    let phases = projects::phases(c, id).await?;
    let seq_of = |phase_id: i32| phases.iter().find(|ph| ph.id == phase_id).map_or(0, |ph| ph.seq);
    let acts: Vec<Value> = acts.iter().map(|x| context! { a => ser(x), seq => seq_of(x.phase_id) }).collect();
    let dels: Vec<Value> = dels.iter().map(|x| context! { d => ser(x), seq => seq_of(x.phase_id) }).collect();
    let record = training::record_of(c, id, pid).await?;
    let users = projects::members(c, id).await?;
    let (form, user_id) = raw.unwrap_or_else(|| {
        (
            RawPerson {
                name: p.name.clone(),
                title: p.title.clone(),
                department: p.department.clone(),
                side: p.side.clone(),
                email: p.email.clone(),
                phone: p.phone.clone(),
            },
            p.user_id.map(|u| u.to_string()).unwrap_or_default(),
        )
    });
    let data = context! {
        project => ser(&a.project),
        can => can(a.role),
        p => ser(&p),
        form => ser(&form),
        user_id,
        users => ser(&users),
        memberships,
        total,
        over => total > crate::domain::org_rules::MAX_TOTAL,
        activities => acts,
        deliverables => dels,
        record => ser(&record),
        errors => error_map(&fb.errors),
        conflict => fb.conflict,
        error => fb.error,
        departments => ser(&org::DEPARTMENTS),
        sides => ser(&org::SIDES),
    };
    Ok((fb.status, page(state, ctx, "organisation/person.html", data)).into_response())
}

pub async fn person_show(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, pid)): Path<(i32, i32)>,
) -> AppResult<Response> {
    let (_, a) = authorize(&state, &ctx, id, Action::View).await?;
    person_page(&state, &ctx, a, pid, Feedback::none(), None).await
}

pub async fn person_update(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, pid)): Path<(i32, i32)>,
    form: FormData,
) -> AppResult<Response> {
    let (actor, a) = authorize(&state, &ctx, id, Action::Contribute).await?;
    let raw = raw_person(&form);
    let user_id = form.get("user_id").trim().to_string();
    let version = form.version()?;
    let r = match (people::validate(&raw), user_id.as_str()) {
        (Err(e), _) => Err(e.into()),
        (Ok(i), "") => organisation::update_person(&state.db, actor, id, pid, version, &i, None).await,
        (Ok(i), u) => match u.parse::<i32>() {
            Ok(u) => organisation::update_person(&state.db, actor, id, pid, version, &i, Some(u)).await,
            Err(_) => Err(service::Error::Invalid(crate::domain::validation::FieldErrors::single(
                "user_id",
                "err.choose_from_list",
            ))),
        },
    };
    match r {
        Ok(_) => Ok(Redirect::to(&format!("/projects/{id}/people/{pid}")).into_response()),
        Err(e) => {
            let fb = Feedback::from_service(e)?;
            // On a conflict the stored values are shown again, to be edited afresh.
            let raw = (!fb.conflict).then_some((raw, user_id));
            person_page(&state, &ctx, a, pid, fb, raw).await
        }
    }
}

pub async fn person_remove(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, pid)): Path<(i32, i32)>,
) -> AppResult<Response> {
    let (actor, a) = authorize(&state, &ctx, id, Action::Contribute).await?;
    match organisation::remove_person(&state.db, actor, id, pid).await {
        Ok(()) => Ok(Redirect::to(&format!("/projects/{id}/people")).into_response()),
        Err(e) => person_page(&state, &ctx, a, pid, Feedback::from_service(e)?, None).await,
    }
}

pub async fn import_form(State(state): State<AppState>, ctx: Ctx, Path(id): Path<i32>) -> AppResult<Response> {
    let (_, a) = authorize(&state, &ctx, id, Action::Contribute).await?;
    let data = context! { project => ser(&a.project), can => can(a.role), csv => "" };
    Ok(page(&state, &ctx, "organisation/import.html", data).into_response())
}

/// Preview a people file, or import it when every row is valid ("nothing is imported
/// unless every row is valid").
pub async fn import(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i32>,
    form: FormData,
) -> AppResult<Response> {
    let (actor, a) = authorize(&state, &ctx, id, Action::Contribute).await?;
    let csv = form.get("csv");
    let preview = people::preview(csv);
    let confirm = form.get("action") == "import";
    if confirm && preview.valid() {
        let n = organisation::import_people(&state.db, actor, id, &preview.inputs()).await?;
        return Ok(Redirect::to(&format!("/projects/{id}/people?imported={n}")).into_response());
    }
    let status =
        if preview.valid() { axum::http::StatusCode::OK } else { axum::http::StatusCode::UNPROCESSABLE_ENTITY };
    let rows: Vec<Value> = preview
        .rows
        .iter()
        .map(|r| {
            let errors: Vec<Value> =
                r.errors.0.iter().map(|e| context! { field => e.field.clone(), message => e.message }).collect();
            context! { line => r.line, raw => ser(&r.raw), errors }
        })
        .collect();
    let bad = preview.rows.iter().filter(|r| !r.errors.is_empty()).count();
    let data = context! {
        project => ser(&a.project),
        can => can(a.role),
        csv,
        rows,
        bad,
        valid => preview.valid(),
        file_error => preview.file_error,
        file_error_line => preview.file_error_line,
        previewed => true,
    };
    Ok((status, page(&state, &ctx, "organisation/import.html", data)).into_response())
}

/// Responsibilities of a phase's activities and deliverables: an owner and a tier or group.
pub async fn responsibilities(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, seq)): Path<(i32, i32)>,
) -> AppResult<Response> {
    let (actor, a) = authorize(&state, &ctx, id, Action::View).await?;
    organisation::ensure_tiers(&state.db, actor, &a.project).await?;
    responsibilities_page(&state, &ctx, a, seq, Feedback::none()).await
}

async fn responsibilities_page(state: &AppState, ctx: &Ctx, a: Access, seq: i32, fb: Feedback) -> AppResult<Response> {
    let c = &state.db.conn;
    let id = a.project.id;
    let phases = projects::phases(c, id).await?;
    let phase = phases.iter().find(|p| p.seq == seq).cloned().ok_or(crate::error::AppError::NotFound)?;
    let ov = projects::overview(c, a.project.clone(), Some(seq)).await?;
    let people = organisation::people(c, id).await?;
    let units = organisation::units(c, id).await?;
    let people: Vec<Value> =
        people.iter().map(|p| context! { id => p.id, label => person_label(p, ctx.lang) }).collect();
    let units: Vec<Value> = units.iter().map(|u| context! { id => u.id, label => unit_label(ctx.lang, u) }).collect();
    let data = context! {
        project => ser(&a.project),
        can => can(a.role),
        phase => ser(&phase),
        phases => ser(&phases),
        activities => ser(&ov.activities),
        deliverables => ser(&ov.deliverables),
        people,
        units,
        errors => error_map(&fb.errors),
        conflict => fb.conflict,
    };
    Ok((fb.status, page(state, ctx, "organisation/responsibilities.html", data)).into_response())
}

pub async fn set_owner(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, seq)): Path<(i32, i32)>,
    form: FormData,
) -> AppResult<Response> {
    let (actor, a) = authorize(&state, &ctx, id, Action::Contribute).await?;
    let target: i32 = form.get("id").parse().map_err(|_| crate::error::AppError::BadRequest)?;
    let entity = form.get("entity");
    let r = organisation::set_owner(
        &state.db,
        actor,
        id,
        entity,
        target,
        form.version()?,
        form.get("owner_person_id"),
        form.get("owner_unit_id"),
    )
    .await;
    match r {
        Ok(()) => Ok(Redirect::to(&format!("/projects/{id}/responsibilities/{seq}#{entity}-{target}")).into_response()),
        Err(e) => responsibilities_page(&state, &ctx, a, seq, Feedback::from_service(e)?).await,
    }
}

/// This area's pages and form posts.
pub fn routes() -> axum::Router<crate::AppState> {
    use axum::routing::{get, post};
    axum::Router::new()
        .route("/projects/{id}/organisation", get(index))
        .route("/projects/{id}/organisation/groups", post(add_group))
        .route("/projects/{id}/organisation/units/{uid}/members", post(add_member))
        .route("/projects/{id}/organisation/units/{uid}/delete", post(remove_group))
        .route("/projects/{id}/organisation/memberships/{mid}", post(update_member))
        .route("/projects/{id}/organisation/memberships/{mid}/delete", post(remove_member))
        .route("/projects/{id}/people", get(people_index).post(create_person))
        .route("/projects/{id}/people/import", get(import_form).post(import))
        .route("/projects/{id}/people/{pid}", get(person_show).post(person_update))
        .route("/projects/{id}/people/{pid}/delete", post(person_remove))
        .route("/projects/{id}/responsibilities/{seq}", get(responsibilities).post(set_owner))
}
