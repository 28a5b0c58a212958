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
    };
    match users::register(&state.db, Some(Actor { user_id: me.id }), &raw, false).await {
        Ok(_) => Ok(Redirect::to("/admin/users").into_response()),
        Err(service::Error::Invalid(errors)) => {
            users_page(&state, &ctx, StatusCode::UNPROCESSABLE_ENTITY, &form, errors).await
        }
        Err(e) => Err(e.into()),
    }
}

/// This area's pages and form posts.
pub fn routes() -> axum::Router<crate::AppState> {
    use axum::routing::get;
    axum::Router::new().route("/admin/users", get(users).post(create_user))
}
