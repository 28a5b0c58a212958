//! People of the project's organisation: list, get, create and update (the people page's
//! form, with its validation).
use super::problem::{ApiResult, ProblemDoc};
use super::{PageQuery, created, etag, form, if_match, tagged};
use crate::AppState;
use crate::domain::people::{self, RawPerson};
use crate::domain::policy::Action;
use crate::entity::person;
use crate::service::organisation;
use crate::web::context::Ctx;
use crate::web::projects::authorize;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::routing::get;
use serde::{Deserialize, Serialize};

const KIND: &str = "person";
const FIELDS: &[&str] = &["name", "title", "department", "side", "email", "phone"];

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/projects/{id}/people", get(list).post(create))
        .route("/api/v1/projects/{id}/people/{pid}", get(show).patch(update))
}

/// A person of the project (the client's or the consultancy's).
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct Person {
    pub id: i32,
    pub version: i32,
    pub name: String,
    pub title: String,
    /// A department code (`sales`, `service`, `marketing`, `it`, …).
    pub department: String,
    /// `client` or `consultancy`.
    pub side: String,
    pub email: String,
    pub phone: String,
    /// The user account this person is, when linked.
    pub user_id: Option<i32>,
}

impl From<person::Model> for Person {
    fn from(p: person::Model) -> Person {
        Person {
            id: p.id,
            version: p.version,
            name: p.name,
            title: p.title,
            department: p.department,
            side: p.side,
            email: p.email,
            phone: p.phone,
            user_id: p.user_id,
        }
    }
}

/// The people form (codes or English/Chinese names for department and side).
#[derive(Clone, Debug, Default, Serialize, Deserialize, utoipa::ToSchema)]
pub struct PersonBody {
    pub name: Option<String>,
    pub title: Option<String>,
    pub department: Option<String>,
    pub side: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
}

crate::api_page!(PersonPage, Person);

/// The people of the project, by name.
#[utoipa::path(get, path = "/api/v1/projects/{id}/people", tag = "organisation",
    params(("id" = i32, Path, description = "Project id"), PageQuery),
    responses((status = 200, body = PersonPage),
        (status = 404, body = ProblemDoc, content_type = "application/problem+json")),
    security(("token" = []), ("session" = [])))]
pub async fn list(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i32>,
    Query(pq): Query<PageQuery>,
) -> ApiResult<axum::Json<PersonPage>> {
    let (_, a) = authorize(&state, &ctx, id, Action::View).await?;
    let rows = organisation::people(&state.db.conn, a.project.id).await?.into_iter().map(Person::from).collect();
    Ok(axum::Json(PersonPage::of(rows, &pq)?))
}

/// One person, with its `ETag`.
#[utoipa::path(get, path = "/api/v1/projects/{id}/people/{pid}", tag = "organisation",
    params(("id" = i32, Path, description = "Project id"), ("pid" = i32, Path, description = "Person id")),
    responses((status = 200, body = Person, headers(("ETag" = String))),
        (status = 404, body = ProblemDoc, content_type = "application/problem+json")),
    security(("token" = []), ("session" = [])))]
pub async fn show(State(state): State<AppState>, ctx: Ctx, Path((id, pid)): Path<(i32, i32)>) -> ApiResult<Response> {
    let (_, a) = authorize(&state, &ctx, id, Action::View).await?;
    let p = organisation::person(&state.db.conn, a.project.id, pid).await?;
    Ok(tagged(StatusCode::OK, etag(KIND, p.id, p.version), &Person::from(p)))
}

/// Add a person.
#[utoipa::path(post, path = "/api/v1/projects/{id}/people", tag = "organisation",
    params(("id" = i32, Path, description = "Project id")),
    request_body = PersonBody,
    responses((status = 201, body = Person, headers(("ETag" = String), ("Location" = String))),
        (status = 422, body = ProblemDoc, content_type = "application/problem+json")),
    security(("token" = []), ("session" = [])))]
pub async fn create(State(state): State<AppState>, ctx: Ctx, Path(id): Path<i32>, body: Bytes) -> ApiResult<Response> {
    let (actor, a) = authorize(&state, &ctx, id, Action::Contribute).await?;
    let raw: RawPerson = form(&body, Some(&RawPerson::default()), FIELDS)?;
    let input = people::validate(&raw)?;
    let p = organisation::create_person(&state.db, actor, a.project.id, &input).await?;
    Ok(created(format!("/api/v1/projects/{id}/people/{}", p.id), etag(KIND, p.id, p.version), &Person::from(p)))
}

/// Change a person (`If-Match` required).
#[utoipa::path(patch, path = "/api/v1/projects/{id}/people/{pid}", tag = "organisation",
    params(("id" = i32, Path, description = "Project id"), ("pid" = i32, Path, description = "Person id"),
        ("If-Match" = String, Header, description = "The ETag the client read")),
    request_body = PersonBody,
    responses((status = 200, body = Person, headers(("ETag" = String))),
        (status = 409, body = ProblemDoc, content_type = "application/problem+json"),
        (status = 412, body = ProblemDoc, content_type = "application/problem+json"),
        (status = 422, body = ProblemDoc, content_type = "application/problem+json"),
        (status = 428, body = ProblemDoc, content_type = "application/problem+json")),
    security(("token" = []), ("session" = [])))]
pub async fn update(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, pid)): Path<(i32, i32)>,
    headers: HeaderMap,
    body: Bytes,
) -> ApiResult<Response> {
    let (actor, a) = authorize(&state, &ctx, id, Action::Contribute).await?;
    let cur = organisation::person(&state.db.conn, a.project.id, pid).await?;
    let version = if_match(&headers, KIND, pid, cur.version)?;
    let base = RawPerson {
        name: cur.name.clone(),
        title: cur.title.clone(),
        department: cur.department.clone(),
        side: cur.side.clone(),
        email: cur.email.clone(),
        phone: cur.phone.clone(),
    };
    let raw: RawPerson = form(&body, Some(&base), FIELDS)?;
    let input = people::validate(&raw)?;
    let p = organisation::update_person(&state.db, actor, a.project.id, pid, version, &input, cur.user_id).await?;
    Ok(tagged(StatusCode::OK, etag(KIND, p.id, p.version), &Person::from(p)))
}
