//! The HTML front end: router, request context (session, language, CSRF), one file per area.
pub mod admin;
pub mod assets;
pub mod auth;
pub mod blueprint;
pub mod business_case;
pub mod context;
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
use axum::routing::{get, post};
use std::time::Instant;

pub fn router(state: AppState) -> Router {
    let pages = Router::new()
        .route("/", get(|| async { Redirect::to("/projects") }))
        .route("/login", get(auth::login_page).post(auth::login))
        .route("/logout", post(auth::logout))
        .route("/locale", post(auth::set_locale))
        .route("/projects", get(projects::portfolio).post(projects::create))
        .route("/projects/new", get(projects::new_form))
        .route("/projects/{id}", get(projects::overview))
        .route("/projects/{id}/edit", get(projects::edit_form).post(projects::update))
        .route("/projects/{id}/members", get(projects::members).post(projects::set_member))
        .route("/projects/{id}/members/{mid}/delete", post(projects::remove_member))
        .route("/projects/{id}/history", get(projects::history))
        .route("/projects/{id}/phases/{seq}/activities", post(work::add_activity))
        .route("/projects/{id}/activities/{aid}/status", post(work::activity_status))
        .route("/projects/{id}/deliverables/{did}", get(work::deliverable_page))
        .route("/projects/{id}/deliverables/{did}/notes", post(work::save_notes))
        .route("/projects/{id}/deliverables/{did}/transition", post(work::transition))
        .route("/projects/{id}/phases/{seq}/gate", get(gates::gate_page).post(gates::decide))
        .route("/projects/{id}/phases/{seq}/reopen", post(gates::reopen))
        .route("/projects/{id}/modules", get(modules::list).post(modules::add))
        .route("/projects/{id}/modules/{mid}", post(modules::update))
        .route("/projects/{id}/features/{fid}", post(modules::set_feature))
        .route("/projects/{id}/targets", get(targets::list).post(targets::create))
        .route("/projects/{id}/targets/new", get(targets::new_form))
        .route("/projects/{id}/targets/import", post(targets::import))
        .route("/projects/{id}/targets/{tid}", get(targets::show))
        .route("/projects/{id}/targets/{tid}/edit", get(targets::edit_form).post(targets::update))
        .route("/projects/{id}/targets/{tid}/measurements", post(targets::add_measurement))
        .route("/projects/{id}/tokens", get(targets::tokens).post(targets::create_token))
        .route("/projects/{id}/tokens/{tid}/revoke", post(targets::revoke_token))
        .route("/projects/{id}/reviews", get(reviews::list).post(reviews::create))
        .route("/projects/{id}/reviews/{rid}", get(reviews::show))
        .route("/projects/{id}/reviews/{rid}/decisions", post(reviews::save_decisions))
        .route("/projects/{id}/reviews/{rid}/actions", post(reviews::add_action))
        .route("/projects/{id}/actions/{aid}/status", post(reviews::action_status))
        .route("/projects/{id}/business-case", get(business_case::show).post(business_case::create))
        .route("/projects/{id}/business-case/approve", post(business_case::approve))
        .route("/projects/{id}/business-case/scenarios", post(business_case::scenario_create))
        .route("/projects/{id}/business-case/scenarios/new", get(business_case::scenario_new))
        .route(
            "/projects/{id}/business-case/scenarios/{sid}",
            get(business_case::scenario_edit).post(business_case::scenario_update),
        )
        .route("/projects/{id}/business-case/costs", post(business_case::cost_create))
        .route("/projects/{id}/business-case/costs/new", get(business_case::cost_new))
        .route(
            "/projects/{id}/business-case/costs/{cid}",
            get(business_case::cost_edit).post(business_case::cost_update),
        )
        .route("/projects/{id}/business-case/costs/{cid}/delete", post(business_case::cost_delete))
        .route("/projects/{id}/business-case/benefits", post(business_case::benefit_create))
        .route("/projects/{id}/business-case/benefits/new", get(business_case::benefit_new))
        .route(
            "/projects/{id}/business-case/benefits/{bid}",
            get(business_case::benefit_edit).post(business_case::benefit_update),
        )
        .route("/projects/{id}/business-case/benefits/{bid}/delete", post(business_case::benefit_delete))
        .route("/projects/{id}/business-case/benefits/{bid}/realised", post(business_case::realised))
        .route("/projects/{id}/organisation", get(organisation::index))
        .route("/projects/{id}/organisation/groups", post(organisation::add_group))
        .route("/projects/{id}/organisation/units/{uid}/members", post(organisation::add_member))
        .route("/projects/{id}/organisation/units/{uid}/delete", post(organisation::remove_group))
        .route("/projects/{id}/organisation/memberships/{mid}", post(organisation::update_member))
        .route("/projects/{id}/organisation/memberships/{mid}/delete", post(organisation::remove_member))
        .route("/projects/{id}/people", get(organisation::people_index).post(organisation::create_person))
        .route("/projects/{id}/people/import", get(organisation::import_form).post(organisation::import))
        .route("/projects/{id}/people/{pid}", get(organisation::person_show).post(organisation::person_update))
        .route("/projects/{id}/people/{pid}/delete", post(organisation::person_remove))
        .route(
            "/projects/{id}/responsibilities/{seq}",
            get(organisation::responsibilities).post(organisation::set_owner),
        )
        .route("/projects/{id}/documents", get(documents::index).post(documents::generate))
        .route("/projects/{id}/documents/preview/{kind}", get(documents::preview))
        .route("/projects/{id}/documents/{doc}", get(documents::download))
        .route("/projects/{id}/training", get(training::index).post(training::create))
        .route("/projects/{id}/training/{sid}", get(training::show).post(training::update))
        .route("/projects/{id}/training/{sid}/invite", post(training::invite))
        .route("/projects/{id}/training/{sid}/attendance/{aid}", post(training::attendance))
        .route("/projects/{id}/schedule", get(schedule::show))
        .route("/projects/{id}/schedule.csv", get(schedule::csv))
        .route("/projects/{id}/schedule.xml", get(schedule::mspdi_export))
        .route("/projects/{id}/schedule/import", post(schedule::mspdi_import))
        .route("/projects/{id}/schedule/activities/{aid}", get(schedule::activity_form).post(schedule::update_activity))
        .route("/projects/{id}/schedule/dependencies", post(schedule::add_dependency))
        .route("/projects/{id}/schedule/dependencies/{did}/delete", post(schedule::remove_dependency))
        .route("/projects/{id}/schedule/milestones", post(schedule::add_milestone))
        .route("/projects/{id}/schedule/milestones/{mid}/status", post(schedule::milestone_status))
        .route("/projects/{id}/schedule/calendar", post(schedule::add_day))
        .route("/projects/{id}/schedule/calendar/import", post(schedule::import_days))
        .route("/projects/{id}/schedule/calendar/{cid}/delete", post(schedule::remove_day))
        .route("/projects/{id}/schedule/baselines", post(schedule::save_baseline))
        .route("/projects/{id}/schedule/feeds", post(schedule::create_feed))
        .route("/projects/{id}/schedule/feeds/{fid}/revoke", post(schedule::revoke_feed))
        .route("/feeds/{file}", get(schedule::feed))
        .route("/projects/{id}/diagnosis", get(diagnosis::index))
        .route("/projects/{id}/diagnosis/processes", post(diagnosis::create_process))
        .route("/projects/{id}/diagnosis/processes/{pid}", get(diagnosis::process_page).post(diagnosis::update_process))
        .route("/projects/{id}/diagnosis/processes/{pid}/score", post(diagnosis::score_process))
        .route("/projects/{id}/diagnosis/fishbones", post(diagnosis::create_fishbone))
        .route(
            "/projects/{id}/diagnosis/fishbones/{fid}",
            get(diagnosis::fishbone_page).post(diagnosis::update_fishbone),
        )
        .route("/projects/{id}/diagnosis/environments", post(diagnosis::save_environment))
        .route("/projects/{id}/diagnosis/sources", post(diagnosis::create_source))
        .route("/projects/{id}/diagnosis/sources/{sid}", post(diagnosis::update_source))
        .route("/projects/{id}/diagnosis/sources/{sid}/checks", post(diagnosis::add_check))
        .route("/projects/{id}/blueprint", get(blueprint::index).post(blueprint::create))
        .route("/projects/{id}/blueprint/features", post(blueprint::add_feature))
        .route("/projects/{id}/blueprint/{bid}", get(blueprint::show).post(blueprint::revise))
        .route("/projects/{id}/risks", get(risks::index).post(risks::create))
        .route("/projects/{id}/risks/{rid}", get(risks::edit_form).post(risks::update))
        .route("/projects/{id}/risks/{rid}/dismiss", post(risks::dismiss))
        .route("/admin/users", get(admin::users).post(admin::create_user))
        .merge(crate::api::router())
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
