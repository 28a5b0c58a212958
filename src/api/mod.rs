//! JSON API over the same services: read endpoints for logged-in users (session cookie) that
//! serialise the very views the pages render, and the measurement push for the running CRM
//! (a per-project bearer token). One module per area, each with its routes.
mod budget;
mod golive;
mod money;
mod organisation;
mod projects;
mod push;
mod reviews;
mod schedule;
mod testing;

use crate::AppState;
use axum::Router;

pub fn router() -> Router<AppState> {
    Router::new()
        .merge(projects::routes())
        .merge(reviews::routes())
        .merge(push::routes())
        .merge(money::routes())
        .merge(schedule::routes())
        .merge(organisation::routes())
        .merge(testing::routes())
        .merge(budget::routes())
        .merge(golive::routes())
}
