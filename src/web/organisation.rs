//! The organisation page (three tiers, the method's findings, the chart), people and their
//! import from CSV, and responsibilities. Every figure comes from `service::organisation`'s
//! views; these handlers parse, authorise, call one service function and render.
use super::context::Ctx;
use super::form::{Feedback, FormData, form_route};
use super::projects::{authorize, can, error_map};
use super::render::{page, ser};
use crate::AppState;
use crate::chart::org as chart;
use crate::domain::org;
use crate::domain::people::{self, RawPerson};
use crate::domain::policy::Action;
use crate::error::{AppError, AppResult};
use crate::i18n;
use crate::service::organisation::{self, GroupForm, MemberForm, OwnerForm};
use crate::service::{self, access, access::Access};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use minijinja::{Value, context};
use std::collections::BTreeMap;

/// Other areas name tiers the same way.
pub use crate::service::organisation::unit_label;

/// Which form on the page the feedback belongs to, so the errors show by the right fields.
struct Target {
    form: String,
    fb: Feedback,
    values: BTreeMap<String, String>,
}

async fn org_page(state: &AppState, ctx: &Ctx, a: Access, target: Option<Target>) -> AppResult<Response> {
    let lang = ctx.lang;
    let v = organisation::view(&state.db.conn, &a.project, lang).await?;
    let (status, form, errors, values, conflict, error) = match target {
        Some(t) => (t.fb.status, t.form, error_map(&t.fb.errors), t.values, t.fb.conflict, t.fb.error),
        None => (StatusCode::OK, String::new(), BTreeMap::new(), BTreeMap::new(), false, None),
    };
    let data = context! {
        project => ser(&a.project),
        can => can(a.role),
        units => ser(&v.tiers),
        findings => ser(&v.findings),
        people => ser(&v.person_choices),
        chart => chart::to_svg(&v.chart, &i18n::t(lang, "org.chart")),
        departments => ser(&v.free_departments),
        form,
        errors,
        values,
        conflict,
        error,
        people_count => v.people_count,
    };
    Ok((status, page(state, ctx, "organisation/index.html", data)).into_response())
}

pub async fn index(State(state): State<AppState>, ctx: Ctx, Path(id): Path<i32>) -> AppResult<Response> {
    let (_, a) = authorize(&state, &ctx, id, Action::View).await?;
    org_page(&state, &ctx, a, None).await
}

/// A write on the organisation page.
#[derive(Clone, Copy)]
enum OrgWrite {
    AddMember,
    UpdateMember,
    RemoveMember,
    AddGroup,
    RemoveGroup,
}

/// The ids in an organisation URL: the project, and the tier (`uid`) or membership (`mid`).
#[derive(serde::Deserialize)]
struct Ids {
    id: i32,
    uid: Option<i32>,
    mid: Option<i32>,
}

/// The one flow of the organisation page's forms: authorise, run the write, then back to
/// the page (at the changed part), or the page again with the problem shown at the form
/// that caused it.
async fn org_write(state: AppState, ctx: Ctx, ids: Ids, w: OrgWrite, form: FormData) -> AppResult<Response> {
    let id = ids.id;
    let (actor, a) = authorize(&state, &ctx, id, Action::View).await?;
    // The steering committee's membership is the director's and the committee's to change.
    access::require(a.role, access::org_write(&state.db.conn, id, ids.uid, ids.mid).await?)?;
    let db = &state.db;
    let uid = || ids.uid.ok_or(AppError::NotFound);
    let mid = || ids.mid.ok_or(AppError::NotFound);
    let (form_id, result): (String, service::Result<String>) = match w {
        OrgWrite::AddMember => (
            format!("add-{}", uid()?),
            organisation::add_membership(db, actor, id, uid()?, &form.typed::<MemberForm>()?)
                .await
                .map(|m| format!("#m-{}", m.id)),
        ),
        OrgWrite::UpdateMember => (
            format!("m-{}", mid()?),
            organisation::update_membership(db, actor, id, mid()?, form.version()?, &form.typed::<MemberForm>()?)
                .await
                .map(|m| format!("#m-{}", m.id)),
        ),
        OrgWrite::RemoveMember => (
            format!("m-{}", mid()?),
            organisation::remove_membership(db, actor, id, mid()?).await.map(|_| String::new()),
        ),
        OrgWrite::AddGroup => (
            "add-group".into(),
            organisation::add_group(db, actor, id, &form.typed::<GroupForm>()?)
                .await
                .map(|u| format!("#unit-{}", u.id)),
        ),
        OrgWrite::RemoveGroup => {
            (format!("unit-{}", uid()?), organisation::remove_group(db, actor, id, uid()?).await.map(|_| String::new()))
        }
    };
    match result {
        Ok(anchor) => Ok(Redirect::to(&format!("/projects/{id}/organisation{anchor}")).into_response()),
        Err(e) => {
            let fb = Feedback::from_service(e)?;
            let values = form.0.iter().cloned().collect();
            org_page(&state, &ctx, a, Some(Target { form: form_id, fb, values })).await
        }
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
    let v = organisation::view(&state.db.conn, &a.project, ctx.lang).await?;
    let data = context! {
        project => ser(&a.project),
        can => can(a.role),
        rows => ser(&v.people_rows),
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
    let raw: RawPerson = form.typed()?;
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
    let viewer = ctx.user()?.id;
    let v = organisation::person_view(&state.db.conn, a.project.id, pid, ctx.lang, viewer).await?;
    let p = &v.p;
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
        p => ser(p),
        form => ser(&form),
        user_id,
        users => ser(&v.users),
        memberships => ser(&v.memberships),
        total => v.total,
        over => v.over,
        activities => ser(&v.activities),
        deliverables => ser(&v.deliverables),
        record => ser(&v.record),
        load => ser(&v.load),
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
    let raw: RawPerson = form.typed()?;
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
    preview_page(&state, &ctx, &a, csv, &preview)
}

/// Preview an Excel workbook (.xlsx) of people: the same row parser as a CSV file; the
/// rows go into the text box as CSV (one line per sheet row), so importing them is the
/// same confirmed post as for a CSV file.
pub async fn import_xlsx(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i32>,
    mut mp: axum::extract::Multipart,
) -> AppResult<Response> {
    let (_, a) = authorize(&state, &ctx, id, Action::Contribute).await?;
    let mut file = Vec::new();
    while let Some(field) = mp.next_field().await.map_err(|_| crate::error::AppError::BadRequest)? {
        if field.name() == Some("file") {
            file = field.bytes().await.map_err(|_| crate::error::AppError::BadRequest)?.to_vec();
        }
    }
    let (csv, preview) = match crate::domain::spreadsheet::xlsx_records(&file) {
        Ok(records) => (crate::domain::spreadsheet::to_csv(&records), people::preview_records(&records)),
        Err(e) => {
            (String::new(), people::ImportPreview { rows: vec![], file_error: Some(e.key()), file_error_line: 1 })
        }
    };
    preview_page(&state, &ctx, &a, &csv, &preview)
}

fn preview_page(
    state: &AppState,
    ctx: &Ctx,
    a: &crate::service::access::Access,
    csv: &str,
    preview: &people::ImportPreview,
) -> AppResult<Response> {
    let status = if preview.valid() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
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
    Ok((status, page(state, ctx, "organisation/import.html", data)).into_response())
}

/// Responsibilities of a phase's activities and deliverables: an owner and a tier or group.
pub async fn responsibilities(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, seq)): Path<(i32, i32)>,
) -> AppResult<Response> {
    let (_, a) = authorize(&state, &ctx, id, Action::View).await?;
    responsibilities_page(&state, &ctx, a, seq, Feedback::none()).await
}

async fn responsibilities_page(state: &AppState, ctx: &Ctx, a: Access, seq: i32, fb: Feedback) -> AppResult<Response> {
    let v = organisation::responsibilities_view(&state.db.conn, a.project.id, seq, ctx.lang).await?;
    let data = context! {
        project => ser(&a.project),
        can => can(a.role),
        phase => ser(&v.phase),
        phases => ser(&v.phases),
        activities => ser(&v.activities),
        deliverables => ser(&v.deliverables),
        people => ser(&v.people),
        units => ser(&v.units),
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
    let f: OwnerForm = form.typed()?;
    let target: i32 = f.id.parse().map_err(|_| AppError::BadRequest)?;
    let version = form.version()?;
    let r =
        organisation::set_owner(&state.db, actor, id, &f.entity, target, version, &f.owner_person_id, &f.owner_unit_id)
            .await;
    match r {
        Ok(()) => {
            Ok(Redirect::to(&format!("/projects/{id}/responsibilities/{seq}#{}-{target}", f.entity)).into_response())
        }
        Err(e) => responsibilities_page(&state, &ctx, a, seq, Feedback::from_service(e)?).await,
    }
}

/// This area's pages and form posts.
pub fn routes() -> axum::Router<crate::AppState> {
    use axum::routing::{get, post};
    axum::Router::new()
        .route("/projects/{id}/organisation", get(index))
        .route("/projects/{id}/organisation/groups", form_route(OrgWrite::AddGroup, org_write))
        .route("/projects/{id}/organisation/units/{uid}/members", form_route(OrgWrite::AddMember, org_write))
        .route("/projects/{id}/organisation/units/{uid}/delete", form_route(OrgWrite::RemoveGroup, org_write))
        .route("/projects/{id}/organisation/memberships/{mid}", form_route(OrgWrite::UpdateMember, org_write))
        .route("/projects/{id}/organisation/memberships/{mid}/delete", form_route(OrgWrite::RemoveMember, org_write))
        .route("/projects/{id}/people", get(people_index).post(create_person))
        .route("/projects/{id}/people/import", get(import_form).post(import))
        .route("/projects/{id}/people/import.xlsx", axum::routing::post(import_xlsx))
        .route("/projects/{id}/people/{pid}", get(person_show).post(person_update))
        .route("/projects/{id}/people/{pid}/delete", post(person_remove))
        .route("/projects/{id}/responsibilities/{seq}", get(responsibilities).post(set_owner))
}
