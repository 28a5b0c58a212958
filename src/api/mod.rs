//! JSON API over the same services: read endpoints for logged-in users (session cookie) that
//! serialise the very views the pages render, and the measurement push for the running CRM
//! (a per-project bearer token). One module per area, each with its routes. `v1` holds the
//! general mechanism (personal tokens, problem documents, pages, ETags) and the resources;
//! `openapi` the document generated from them.
mod budget;
mod case_lines;
mod evaluation;
mod golive;
mod money;
pub mod openapi;
mod organisation;
mod projects;
mod push;
mod readiness;
mod reviews;
mod schedule;
mod testing;
pub mod v1;

use crate::AppState;
use axum::Router;

pub fn router(state: &AppState) -> Router<AppState> {
    Router::new()
        .merge(projects::routes())
        .merge(reviews::routes())
        .merge(push::routes())
        .merge(money::routes())
        .merge(schedule::routes())
        .merge(organisation::routes())
        .merge(testing::routes())
        .merge(budget::routes())
        .merge(case_lines::routes())
        .merge(evaluation::routes())
        .merge(golive::routes())
        .merge(readiness::routes())
        .merge(v1::routes())
        .merge(openapi::routes())
        // Personal tokens, scope, rate limits and problem documents for every route above.
        .route_layer(axum::middleware::from_fn_with_state(state.clone(), v1::guard))
}
