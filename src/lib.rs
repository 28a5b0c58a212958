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
    /// `NINEFOLD_BASE_URL` (e.g. `https://ninefold.example.com`): where absolute links such as
    /// calendar feeds point, never taken from the request's `Host` header.
    pub base_url: String,
    /// Login throttling and lockout (`web::security`).
    pub login: web::security::LoginPolicy,
    pub throttle: Arc<web::security::Throttle>,
    /// `NINEFOLD_SESSION_IDLE_HOURS`: a session unused this long ends.
    pub session_idle: chrono::Duration,
    /// Rate limits of personal access tokens on the JSON API (`api::v1::limit`).
    pub api_limits: Arc<api::v1::limit::Limiter>,
    /// `NINEFOLD_WEBHOOK_ALLOW_PRIVATE=1`: webhook URLs may name loopback, private and
    /// link-local addresses (refused otherwise: server-side request forgery).
    pub webhook_allow_private: bool,
    /// Kept responses compressed once (`web::packed`).
    pub packed: Arc<web::packed::Packed>,
}

/// `NINEFOLD_WEBHOOK_ALLOW_PRIVATE` is `1` or `true`.
pub fn webhook_allow_private() -> bool {
    std::env::var("NINEFOLD_WEBHOOK_ALLOW_PRIVATE").is_ok_and(|v| v.trim() == "1" || v.trim() == "true")
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
            base_url: web::security::base_url(std::env::var("NINEFOLD_BASE_URL").ok().as_deref()),
            login: web::security::LoginPolicy::from_env(),
            throttle: Arc::default(),
            session_idle: chrono::Duration::hours(
                std::env::var("NINEFOLD_SESSION_IDLE_HOURS")
                    .ok()
                    .and_then(|v| v.trim().parse::<i64>().ok())
                    .unwrap_or(service::sessions::DEFAULT_IDLE_HOURS)
                    .clamp(1, 24 * 365),
            ),
            api_limits: Arc::default(),
            webhook_allow_private: webhook_allow_private(),
            packed: Arc::default(),
        }
    }
}

pub fn build_app(state: AppState) -> axum::Router {
    let api = api::router(&state);
    web::router(state, api)
}
