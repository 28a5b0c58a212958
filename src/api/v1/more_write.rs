//! Writes of the remaining areas with forms on their pages, through the general write
//! helper ([`super::write`]): training sessions, target definitions, test cycles, the
//! diagnosed processes, operating rules and conversion trials, lessons learned, the
//! improvement backlog and the evaluation's actual costs, and the deliverables' workflow.
//! Each takes the form its page posts, the page's own validation (the page handlers call
//! the same functions) and the page's policy; hooks and audit come from the services.
use super::design::TrainingSession;
use super::problem::{ApiResult, ProblemDoc};
use super::work::Target;
use super::write::Writable;
use crate::AppState;
use crate::domain::training::RawSession;
use crate::entity::project;
use crate::service::{self, Actor, targets, training};
use crate::web::context::Ctx;
use axum::Router;
use axum::routing::{patch, post};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/projects/{id}/training-sessions", post(create_session))
        .route("/api/v1/projects/{id}/training-sessions/{item}", patch(update_session))
        .route("/api/v1/projects/{id}/target-items", post(create_target))
        .route("/api/v1/projects/{id}/target-items/{item}", patch(update_target))
}

// ---- Training ----

impl Writable for TrainingSession {
    type New = RawSession;
    type Edit = RawSession;
    const KIND: &'static str = "training_session";
    const SEGMENT: &'static str = "training-sessions";

    async fn load(state: &AppState, ctx: &Ctx, p: &project::Model) -> ApiResult<Vec<Self>> {
        super::design::load_sessions(state, ctx, p).await
    }
    async fn base(state: &AppState, p: &project::Model, id: i32) -> service::Result<RawSession> {
        Ok(crate::web::training::raw_of(&training::session(&state.db.conn, p.id, id).await?, &p.currency))
    }
    async fn create(state: &AppState, actor: Actor, p: &project::Model, raw: &RawSession) -> service::Result<i32> {
        let i = crate::web::training::validate_form(state, p, raw).await?;
        Ok(training::create_session(&state.db, actor, p, &i).await?.id)
    }
    async fn update(
        state: &AppState,
        actor: Actor,
        p: &project::Model,
        id: i32,
        version: i32,
        raw: &RawSession,
    ) -> service::Result<()> {
        let i = crate::web::training::validate_form(state, p, raw).await?;
        training::update_session(&state.db, actor, p.id, id, version, &i).await.map(|_| ())
    }
}
crate::api_write!(record = TrainingSession, tag = "training", new = RawSession, edit = RawSession,
    create = create_session at "/api/v1/projects/{id}/training-sessions",
    update = update_session at "/api/v1/projects/{id}/training-sessions/{item}");

// ---- Targets ----

impl Writable for Target {
    type New = targets::RawTarget;
    type Edit = targets::RawTarget;
    const KIND: &'static str = "target";
    const SEGMENT: &'static str = "target-items";

    async fn load(state: &AppState, ctx: &Ctx, p: &project::Model) -> ApiResult<Vec<Self>> {
        super::work::load_targets(state, ctx, p).await
    }
    async fn base(state: &AppState, p: &project::Model, id: i32) -> service::Result<targets::RawTarget> {
        Ok(crate::web::targets::raw_of(&targets::get(&state.db.conn, p.id, id).await?))
    }
    async fn create(
        state: &AppState,
        actor: Actor,
        p: &project::Model,
        raw: &targets::RawTarget,
    ) -> service::Result<i32> {
        let i = crate::web::targets::validate_form(state, p.id, raw).await?;
        Ok(targets::create(&state.db, actor, p.id, &i).await?.id)
    }
    async fn update(
        state: &AppState,
        actor: Actor,
        p: &project::Model,
        id: i32,
        version: i32,
        raw: &targets::RawTarget,
    ) -> service::Result<()> {
        let i = crate::web::targets::validate_form(state, p.id, raw).await?;
        targets::update(&state.db, actor, p.id, id, version, &i).await.map(|_| ())
    }
}
crate::api_write!(record = Target, tag = "targets", new = targets::RawTarget, edit = targets::RawTarget,
    create = create_target at "/api/v1/projects/{id}/target-items",
    update = update_target at "/api/v1/projects/{id}/target-items/{item}");
