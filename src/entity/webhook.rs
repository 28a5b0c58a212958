//! The `webhooks` table: a project's subscription of a URL to events.
use sea_orm::entity::prelude::*;
use serde::Serialize;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel, Serialize)]
#[sea_orm(table_name = "webhooks")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub project_id: i32,
    pub name: String,
    /// The receiver's URL; for chat tools it carries their access token, so it is not
    /// written to the audit log whole (see `service::hooks`).
    #[serde(skip)]
    pub url: String,
    /// Comma-separated event names.
    pub events: String,
    pub preset: String,
    /// The signing secret, never serialised (audit log, pages, API).
    #[serde(skip)]
    pub secret: String,
    pub lang: String,
    pub active: bool,
    pub consecutive_failures: i32,
    pub disabled_at: Option<DateTimeUtc>,
    pub created_by: i32,
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

impl crate::service::write::Audited for Entity {
    const KIND: &'static str = "webhook";
}
