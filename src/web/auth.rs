//! Login, logout and the language switch.
use super::context::{Ctx, LANG_COOKIE, SESSION_COOKIE, set_cookie};
use super::form::FormData;
use super::render::page;
use crate::AppState;
use crate::error::AppResult;
use crate::i18n::Lang;
use crate::service::{sessions, users};
use axum::extract::{Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use minijinja::context;
use serde::Deserialize;

#[derive(Deserialize)]
pub struct NextQuery {
    next: Option<String>,
}

/// Only same-site relative paths are followed after login, never another host.
fn safe_next(next: &str) -> &str {
    if next.starts_with('/') && !next.starts_with("//") && !next.contains('\\') { next } else { "/projects" }
}

pub async fn login_page(State(state): State<AppState>, ctx: Ctx, Query(q): Query<NextQuery>) -> AppResult<Response> {
    if ctx.user.is_some() {
        return Ok(Redirect::to("/projects").into_response());
    }
    // A fresh install has nobody to log in as: make the first administrator instead.
    if !users::any(&state.db.conn).await? {
        return Ok(Redirect::to("/setup").into_response());
    }
    Ok(page(
        &state,
        &ctx,
        "auth/login.html",
        context! { next => q.next.as_deref().map(safe_next).unwrap_or("/projects"), email => "" },
    )
    .into_response())
}

pub async fn login(State(state): State<AppState>, ctx: Ctx, form: FormData) -> AppResult<Response> {
    let email = form.get("email");
    let next = safe_next(form.get("next")).to_string();
    match users::authenticate(&state.db, email, form.get("password")).await? {
        Some(u) => {
            let token = sessions::create(&state.db, u.id).await?;
            let cookie = set_cookie(SESSION_COOKIE, &token, sessions::LIFETIME_DAYS * 86_400, true, ctx.secure);
            Ok(([(header::SET_COOKIE, cookie)], Redirect::to(&next)).into_response())
        }
        None => Ok((
            StatusCode::UNAUTHORIZED,
            page(&state, &ctx, "auth/login.html", context! { next, email, failed => true }),
        )
            .into_response()),
    }
}

pub async fn logout(State(state): State<AppState>, ctx: Ctx) -> AppResult<Response> {
    if let Some(t) = &ctx.session_token {
        sessions::delete(&state.db, t).await?;
    }
    let cookie = set_cookie(SESSION_COOKIE, "", 0, true, ctx.secure);
    Ok(([(header::SET_COOKIE, cookie)], Redirect::to("/login")).into_response())
}

/// Switch the language: saved on the user when logged in, and in a cookie either way.
pub async fn set_locale(State(state): State<AppState>, ctx: Ctx, form: FormData) -> AppResult<Response> {
    let lang = Lang::parse(form.get("lang")).unwrap_or(Lang::En);
    if let Some(u) = &ctx.user {
        users::set_locale(&state.db, u.id, lang.code()).await?;
    }
    let cookie = set_cookie(LANG_COOKIE, lang.code(), 365 * 86_400, false, ctx.secure);
    Ok(([(header::SET_COOKIE, cookie)], Redirect::to(safe_next(form.get("next")))).into_response())
}

/// This area's pages and form posts.
pub fn routes() -> axum::Router<crate::AppState> {
    use axum::routing::{get, post};
    axum::Router::new()
        .route("/login", get(login_page).post(login))
        .route("/logout", post(logout))
        .route("/locale", post(set_locale))
}

#[cfg(test)]
mod tests {
    #[test]
    fn next_is_local_only() {
        assert_eq!(super::safe_next("/projects/3"), "/projects/3");
        assert_eq!(super::safe_next("//evil.example"), "/projects");
        assert_eq!(super::safe_next("https://evil.example"), "/projects");
        assert_eq!(super::safe_next("/\\evil"), "/projects");
    }
}
