//! The HTML front end: router, request context (session, language, CSRF), one file per area.
pub mod admin;
pub mod assets;
pub mod auth;
pub mod blueprint;
pub mod budget;
pub mod business_case;
pub mod collab;
pub mod configuration;
pub mod context;
pub mod crud;
pub mod diagnosis;
pub mod documents;
pub mod evaluation;
pub mod form;
pub mod gates;
pub mod golive;
pub mod hooks;
pub mod modules;
pub mod ops;
pub mod organisation;
pub mod packed;
pub mod phase6;
pub mod projects;
pub mod raid;
pub mod readiness;
pub mod render;
pub mod reviews;
pub mod risks;
pub mod schedule;
pub mod security;
pub mod setup;
pub mod spreadsheets;
pub mod targets;
pub mod testing;
pub mod tokens;
pub mod training;
pub mod work;

use crate::AppState;
use axum::Router;
use axum::middleware;
use axum::response::Redirect;
use axum::routing::get;

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
        .merge(setup::routes())
        .merge(testing::routes())
        .merge(phase6::routes())
        .merge(raid::routes())
        .merge(configuration::routes())
        .merge(budget::routes())
        .merge(evaluation::routes())
        .merge(golive::routes())
        .merge(readiness::routes())
        .merge(collab::routes())
        .merge(hooks::routes())
        .merge(spreadsheets::routes())
        .merge(tokens::routes())
        .merge(api)
        // An unknown path gets the localised 404 page (the middleware renders it).
        .fallback(|| async { crate::error::AppError::NotFound })
        .layer(middleware::from_fn(security::catch_panic))
        .layer(middleware::from_fn_with_state(state.clone(), context::middleware));
    // Health checks and static files need no session or language.
    Router::new()
        .merge(pages)
        .route("/healthz", get(ops::healthz))
        .route("/readyz", get(ops::readyz))
        .route("/metrics", get(ops::metrics))
        .route("/static/{file}", get(assets::serve))
        .layer(middleware::from_fn_with_state(state.clone(), security::headers))
        .layer(middleware::from_fn_with_state(state.clone(), packed::middleware))
        .layer(middleware::from_fn(ops::access_log))
        .layer(compression())
        .with_state(state)
}

/// gzip and brotli for every text response (HTML, JSON, SVG, CSV, XML, iCalendar, CSS, JS)
/// a client accepts; not for PDFs, which compress their own streams. At `packed::QUALITY`.
fn compression() -> tower_http::compression::CompressionLayer<impl tower_http::compression::Predicate> {
    use tower_http::compression::predicate::{NotForContentType, Predicate};
    use tower_http::compression::{CompressionLayer, CompressionLevel, DefaultPredicate};
    CompressionLayer::new()
        .quality(CompressionLevel::Precise(packed::QUALITY as i32))
        .compress_when(DefaultPredicate::new().and(NotForContentType::const_new("application/pdf")))
}
