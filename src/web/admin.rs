//! User administration (global admins only).
use super::context::Ctx;
use super::form::FormData;
use super::projects::error_map;
use super::render::{page, ser};
use crate::AppState;
use crate::domain::validation::FieldErrors;
use crate::entity::user;
use crate::error::{AppError, AppResult};
use crate::service::{self, Actor, users};
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use minijinja::context;

fn admin(ctx: &Ctx) -> AppResult<&user::Model> {
    let u = ctx.user()?;
    if u.is_admin { Ok(u) } else { Err(AppError::Forbidden) }
}

async fn users_page(
    state: &AppState,
    ctx: &Ctx,
    status: StatusCode,
    form: &FormData,
    errors: FieldErrors,
) -> AppResult<Response> {
    let list = users::list(&state.db.conn).await?;
    let data = context! { users => ser(&list), errors => ser(&error_map(&errors)), email => form.get("email"), name => form.get("name") };
    Ok((status, page(state, ctx, "admin/users.html", data)).into_response())
}

pub async fn users(State(state): State<AppState>, ctx: Ctx) -> AppResult<Response> {
    admin(&ctx)?;
    users_page(&state, &ctx, StatusCode::OK, &FormData::default(), FieldErrors::default()).await
}

pub async fn create_user(State(state): State<AppState>, ctx: Ctx, form: FormData) -> AppResult<Response> {
    let me = admin(&ctx)?;
    let raw = users::NewUser {
        email: form.get("email").into(),
        name: form.get("name").into(),
        password: form.get("password").into(),
        is_admin: form.get("is_admin") == "1",
        project_creator: form.get("project_creator") == "1",
    };
    match users::register(&state.db, Some(Actor { user_id: me.id }), &raw, false).await {
        Ok(_) => Ok(Redirect::to("/admin/users").into_response()),
        Err(service::Error::Invalid(errors)) => {
            users_page(&state, &ctx, StatusCode::UNPROCESSABLE_ENTITY, &form, errors).await
        }
        Err(e) => Err(e.into()),
    }
}

/// An account's settings: may it create projects; release its lock.
pub async fn user_flags(
    State(state): State<AppState>,
    ctx: Ctx,
    axum::extract::Path(uid): axum::extract::Path<i32>,
    form: FormData,
) -> AppResult<Response> {
    let me = admin(&ctx)?;
    let creator = form.get("project_creator") == "1";
    users::set_flags(&state.db, Actor { user_id: me.id }, uid, creator, form.get("unlock") == "1").await?;
    Ok(Redirect::to("/admin/users").into_response())
}

/// "Who may do what": the policy table as the server checks it, read only.
pub async fn policy(State(state): State<AppState>, ctx: Ctx) -> AppResult<Response> {
    admin(&ctx)?;
    use crate::domain::policy::{Role, TABLE};
    let roles: Vec<&str> = Role::ALL.iter().map(|r| r.as_str()).collect();
    let rows: Vec<minijinja::Value> = TABLE
        .iter()
        .map(|(action, allowed)| {
            let cells: Vec<bool> = Role::ALL.iter().map(|r| allowed.contains(r)).collect();
            context! { action => action.as_str(), cells }
        })
        .collect();
    Ok(page(&state, &ctx, "admin/policy.html", context! { roles, rows }).into_response())
}

/// This area's pages and form posts.
pub fn routes() -> axum::Router<crate::AppState> {
    use axum::routing::{get, post};
    axum::Router::new()
        .route("/admin/users", get(users).post(create_user))
        .route("/admin/users/{uid}", post(user_flags))
        .route("/admin/policy", get(policy))
}
