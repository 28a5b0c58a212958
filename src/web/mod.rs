//! The HTML front end: router, request context (session, language, CSRF), one file per area.
pub mod admin;
pub mod assets;
pub mod auth;
pub mod blueprint;
pub mod business_case;
pub mod context;
pub mod crud;
pub mod diagnosis;
pub mod documents;
pub mod form;
pub mod gates;
pub mod modules;
pub mod organisation;
pub mod projects;
pub mod render;
pub mod reviews;
pub mod risks;
pub mod schedule;
pub mod targets;
pub mod training;
pub mod work;

use crate::AppState;
use axum::Router;
use axum::extract::Request;
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use std::time::Instant;

/// The whole router: the pages of every area and `api` (the JSON endpoints, which share
/// the session and language middleware), plus health checks and static files.
pub fn router(state: AppState, api: Router<AppState>) -> Router {
    let pages = Router::new()
        .route("/", get(|| async { Redirect::to("/projects") }))
        .merge(auth::routes())
        .merge(projects::routes())
        .merge(work::routes())
        .merge(gates::routes())
        .merge(modules::routes())
        .merge(targets::routes())
        .merge(reviews::routes())
        .merge(business_case::routes())
        .merge(organisation::routes())
        .merge(documents::routes())
        .merge(training::routes())
        .merge(schedule::routes())
        .merge(diagnosis::routes())
        .merge(blueprint::routes())
        .merge(risks::routes())
        .merge(admin::routes())
        .merge(api)
        .layer(middleware::from_fn_with_state(state.clone(), context::middleware));
    // Health checks and static files need no session or language.
    Router::new()
        .merge(pages)
        .route("/healthz", get(|| async { "ok" }))
        .route("/static/{file}", get(assets::serve))
        .layer(middleware::from_fn(access_log))
        .with_state(state)
}

/// One line per request: method, path, status, latency.
async fn access_log(req: Request, next: Next) -> Response {
    let start = Instant::now();
    let method = req.method().clone();
    let path = req.uri().path().to_string();
    let resp = next.run(req).await;
    tracing::info!(%method, %path, status = resp.status().as_u16(), ms = start.elapsed().as_secs_f64() * 1000.0, "request");
    resp.into_response()
}
