//! Account → API tokens: a user makes personal access tokens for the JSON API (read or
//! read-write, with an expiry), sees when each was last used, and revokes them. A new
//! token is shown once, on the page that made it.
use super::context::Ctx;
use super::form::FormData;
use super::render::page;
use crate::AppState;
use crate::error::AppResult;
use crate::service::tokens::{self, NewToken};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use minijinja::context;

async fn show(
    state: &AppState,
    ctx: &Ctx,
    form: NewToken,
    errors: minijinja::Value,
    made: Option<String>,
) -> AppResult<Response> {
    let user = ctx.user()?;
    let list = tokens::list(&state.db.conn, user.id).await?;
    let now = crate::service::now();
    let rows: Vec<_> = list
        .into_iter()
        .map(|t| {
            let live = t.revoked_at.is_none() && t.expires_at.is_none_or(|e| e > now);
            context! { t => super::render::ser(&t), live }
        })
        .collect();
    Ok(page(
        state,
        ctx,
        "account/tokens.html",
        context! { tokens => rows, form => super::render::ser(&form), errors, made, max_days => tokens::MAX_DAYS },
    ))
}

/// `GET /account/tokens`.
pub async fn index(State(state): State<AppState>, ctx: Ctx) -> AppResult<Response> {
    let form = NewToken { scope: "read".into(), expires_days: "90".into(), ..Default::default() };
    show(&state, &ctx, form, context! {}, None).await
}

/// `POST /account/tokens`: make one; the page shows its clear text once.
pub async fn create(State(state): State<AppState>, ctx: Ctx, form: FormData) -> AppResult<Response> {
    let user = ctx.user()?;
    let f: NewToken = form.typed()?;
    match tokens::create(&state.db, user.id, &f).await {
        Ok((_, clear)) => {
            let blank = NewToken { scope: "read".into(), expires_days: "90".into(), ..Default::default() };
            let mut r = show(&state, &ctx, blank, context! {}, Some(clear)).await?;
            *r.status_mut() = StatusCode::CREATED;
            // The clear text is on this page only: never cached.
            r.headers_mut().insert(axum::http::header::CACHE_CONTROL, axum::http::HeaderValue::from_static("no-store"));
            Ok(r)
        }
        Err(crate::service::Error::Invalid(e)) => {
            let errors = super::render::ser(&super::projects::error_map(&e));
            let mut r = show(&state, &ctx, f, errors, None).await?;
            *r.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
            Ok(r)
        }
        Err(e) => Err(e.into()),
    }
}

/// `POST /account/tokens/{tid}/revoke`.
pub async fn revoke(State(state): State<AppState>, ctx: Ctx, Path(tid): Path<i32>) -> AppResult<Response> {
    let user = ctx.user()?;
    tokens::revoke(&state.db, user.id, tid).await?;
    Ok(Redirect::to("/account/tokens").into_response())
}

pub fn routes() -> axum::Router<AppState> {
    use axum::routing::{get, post};
    axum::Router::new()
        .route("/account/tokens", get(index).post(create))
        .route("/account/tokens/{tid}/revoke", post(revoke))
}
