//! Use cases. Every write is one transaction that also appends to the audit log; this layer
//! is the only one that writes to the database.
pub mod access;
pub mod api;
pub mod audit;
pub mod blueprint;
pub mod budget;
pub mod business_case;
pub mod clock;
pub mod collab;
pub mod cost_exports;
pub mod demo;
pub mod demo_budget;
pub mod demo_diagnosis;
pub mod demo_evaluation;
pub mod demo_golive;
pub mod diagnosis;
pub mod documents;
pub mod documents_tab;
pub mod evaluation;
pub mod gates;
pub mod golive;
pub mod health_summary;
pub mod hypercare;
pub mod invitations;
pub mod loading;
pub mod mail;
pub mod modules;
pub mod my_work;
pub mod notify;
pub mod organisation;
pub mod outbox;
pub mod portfolio;
pub mod projects;
pub mod reviews;
pub mod risks;
pub mod schedule;
pub mod sessions;
pub mod targets;
pub mod timesheets;
pub mod tokens;
pub mod training;
pub mod users;
pub mod views;
pub mod work;
pub mod write;

use crate::domain::validation::FieldErrors;
use sea_orm::{ConnectionTrait, DbErr, EntityTrait, QueryFilter};

/// Who is acting; every write names one.
#[derive(Clone, Copy, Debug)]
pub struct Actor {
    pub user_id: i32,
}

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("not found")]
    NotFound,
    #[error("forbidden")]
    Forbidden,
    /// The row changed since the form was loaded (optimistic locking).
    #[error("conflict")]
    Conflict,
    #[error("invalid input")]
    Invalid(FieldErrors),
    /// A rule of the method refused the action; the i18n key says which.
    #[error("refused: {0}")]
    Rule(&'static str),
    /// A dependency would make work wait for itself; the names go round the loop.
    #[error("cycle: {0:?}")]
    Cycle(Vec<String>),
    #[error("database: {0}")]
    Db(#[from] DbErr),
}

pub type Result<T> = std::result::Result<T, Error>;

impl From<FieldErrors> for Error {
    fn from(e: FieldErrors) -> Self {
        Error::Invalid(e)
    }
}

/// Names of users by id, for showing who did what.
pub async fn user_names<C: ConnectionTrait>(
    c: &C,
    ids: impl IntoIterator<Item = i32>,
) -> Result<std::collections::HashMap<i32, String>> {
    use crate::entity::user;
    use sea_orm::ColumnTrait;
    let ids: Vec<i32> = ids.into_iter().collect();
    let users = user::Entity::find().filter(user::Column::Id.is_in(ids)).all(c).await?;
    Ok(users.into_iter().map(|u| (u.id, u.name)).collect())
}

pub fn now() -> chrono::DateTime<chrono::Utc> {
    chrono::Utc::now()
}
pub mod configuration;
pub mod demo_insurer;
pub mod hooks;
pub mod phase6;
pub mod raid;
pub mod readiness;
pub mod testing;
