//! Ninefold: run a CRM implementation project the nine-phase way.
//! `build_app` assembles the router used by the binary and by the integration tests.
pub mod api;
pub mod chart;
pub mod config;
pub mod db;
pub mod domain;
pub mod entity;
pub mod error;
pub mod i18n;
pub mod metrics;
pub mod pdf;
pub mod playbook;
pub mod report;
pub mod service;
pub mod web;

use std::sync::Arc;

/// Everything a request handler needs. Cheap to clone.
#[derive(Clone)]
pub struct AppState {
    pub db: db::Db,
    pub playbooks: Arc<playbook::Registry>,
    pub templates: Arc<minijinja::Environment<'static>>,
    pub secure_cookies: bool,
    /// `NINEFOLD_METRICS_TOKEN`: when set, `/metrics` asks for it as a bearer token.
    pub metrics_token: Option<String>,
}

impl AppState {
    pub fn new(db: db::Db, playbooks: playbook::Registry, secure_cookies: bool) -> AppState {
        let metrics_token = std::env::var("NINEFOLD_METRICS_TOKEN").ok().filter(|t| !t.trim().is_empty());
        AppState {
            db,
            playbooks: Arc::new(playbooks),
            templates: Arc::new(web::render::environment()),
            secure_cookies,
            metrics_token,
        }
    }
}

pub fn build_app(state: AppState) -> axum::Router {
    web::router(state, api::router())
}
