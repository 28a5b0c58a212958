//! Login, logout and the language switch.
use super::context::{Ctx, LANG_COOKIE, SESSION_COOKIE, set_cookie};
use super::form::FormData;
use super::render::page;
use super::security;
use crate::AppState;
use crate::error::AppResult;
use crate::i18n::Lang;
use crate::service::{sessions, users};
use axum::extract::{Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use minijinja::context;
use serde::Deserialize;
use std::time::Instant;

#[derive(Deserialize)]
pub struct NextQuery {
    next: Option<String>,
}

/// Only same-site relative paths are followed after login, never another host.
fn safe_next(next: &str) -> &str {
    super::security::local_or_home(next)
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
    // Too many failures for this account name or from this address: wait, whatever the
    // password (the same answer for accounts that exist and those that do not).
    let keys = security::login_keys(email, ctx.client);
    if let Some(wait) = state.throttle.retry_after(&keys, Instant::now()) {
        let page = page(&state, &ctx, "auth/login.html", context! { next, email, throttled => true });
        return Ok((StatusCode::TOO_MANY_REQUESTS, [(header::RETRY_AFTER, wait.to_string())], page).into_response());
    }
    match users::authenticate(&state.db, email, form.get("password"), state.login.lockout).await? {
        Some(u) => {
            state.throttle.succeeded(&keys);
            // A new session id at every login; a session the browser already had ends.
            if let Some(old) = &ctx.session_token {
                sessions::delete(&state.db, old).await?;
            }
            let token = sessions::create(&state.db, u.id).await?;
            let cookie = set_cookie(SESSION_COOKIE, &token, sessions::LIFETIME_DAYS * 86_400, true, ctx.secure);
            Ok(([(header::SET_COOKIE, cookie)], Redirect::to(&next)).into_response())
        }
        None => {
            state.throttle.failed(&keys, &state.login, Instant::now());
            Ok((
                StatusCode::UNAUTHORIZED,
                page(&state, &ctx, "auth/login.html", context! { next, email, failed => true }),
            )
                .into_response())
        }
    }
}

/// The password form of the logged-in user.
pub async fn password_page(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<std::collections::HashMap<String, String>>,
) -> AppResult<Response> {
    ctx.user()?;
    let changed = q.get("changed").is_some_and(|v| v == "1");
    Ok(page(&state, &ctx, "auth/password.html", context! { errors => context! {}, changed }).into_response())
}

/// Change one's password: every session of the user ends, and this browser gets a new one.
pub async fn change_password(State(state): State<AppState>, ctx: Ctx, form: FormData) -> AppResult<Response> {
    let user = ctx.user()?;
    match users::change_password(&state.db, user.id, form.get("current_password"), form.get("new_password")).await {
        Ok(()) => {
            let token = sessions::create(&state.db, user.id).await?;
            let cookie = set_cookie(SESSION_COOKIE, &token, sessions::LIFETIME_DAYS * 86_400, true, ctx.secure);
            Ok(([(header::SET_COOKIE, cookie)], Redirect::to("/account/password?changed=1")).into_response())
        }
        Err(crate::service::Error::Invalid(errors)) => {
            let errors = super::projects::error_map(&errors);
            let body = page(&state, &ctx, "auth/password.html", context! { errors });
            Ok((StatusCode::UNPROCESSABLE_ENTITY, body).into_response())
        }
        Err(e) => Err(e.into()),
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
        .route("/account/password", get(password_page).post(change_password))
}

#[cfg(test)]
mod tests {
    #[test]
    fn next_is_local_only() {
        assert_eq!(super::safe_next("/projects/3"), "/projects/3");
        assert_eq!(super::safe_next("//evil.example"), "/projects");
        assert_eq!(super::safe_next("https://evil.example"), "/projects");
        assert_eq!(super::safe_next("/\\evil"), "/projects");
        assert_eq!(super::safe_next("/\t/evil.example"), "/projects");
    }
}
