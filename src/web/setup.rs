//! The first administrator of a fresh install, made in the browser: the page exists only
//! while no account does (afterwards it is a 404), so it cannot be used to add accounts.
use super::context::{Ctx, SESSION_COOKIE, set_cookie};
use super::form::FormData;
use super::projects::error_map;
use super::render::{page, ser};
use crate::AppState;
use crate::domain::validation::FieldErrors;
use crate::error::{AppError, AppResult};
use crate::service::{self, sessions, users};
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use minijinja::context;

fn form_page(state: &AppState, ctx: &Ctx, status: StatusCode, form: &FormData, errors: &FieldErrors) -> Response {
    let data = context! { errors => ser(&error_map(errors)), name => form.get("name"), email => form.get("email") };
    (status, page(state, ctx, "auth/setup.html", data)).into_response()
}

pub async fn show(State(state): State<AppState>, ctx: Ctx) -> AppResult<Response> {
    if users::any(&state.db.conn).await? {
        return Err(AppError::NotFound);
    }
    Ok(form_page(&state, &ctx, StatusCode::OK, &FormData::default(), &FieldErrors::default()))
}

pub async fn create(State(state): State<AppState>, ctx: Ctx, form: FormData) -> AppResult<Response> {
    let raw = users::NewUser {
        email: form.get("email").into(),
        name: form.get("name").into(),
        password: form.get("password").into(),
        is_admin: true,
        ..Default::default()
    };
    match users::bootstrap_admin(&state.db, &raw, true).await {
        Ok(u) => {
            let token = sessions::create(&state.db, u.id).await?;
            let cookie = set_cookie(SESSION_COOKIE, &token, sessions::LIFETIME_DAYS * 86_400, true, ctx.secure);
            Ok(([(header::SET_COOKIE, cookie)], Redirect::to("/admin/users")).into_response())
        }
        Err(service::Error::Invalid(errors)) => {
            Ok(form_page(&state, &ctx, StatusCode::UNPROCESSABLE_ENTITY, &form, &errors))
        }
        // Someone finished the setup first: nothing to set up any more.
        Err(service::Error::Rule(_)) => Err(AppError::NotFound),
        Err(e) => Err(e.into()),
    }
}

/// This area's pages and form posts.
pub fn routes() -> axum::Router<crate::AppState> {
    use axum::routing::get;
    axum::Router::new().route("/setup", get(show).post(create))
}
