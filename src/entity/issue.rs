//! The `issues` table: problems happening now (the I of RAID).
use sea_orm::entity::prelude::*;
use serde::Serialize;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel, Serialize, utoipa::ToSchema)]
#[schema(as = IssueModel)]
#[sea_orm(table_name = "issues")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub project_id: i32,
    pub title: String,
    pub description: String,
    /// `critical`, `major`, `minor`.
    pub severity: String,
    pub owner: String,
    pub raised_on: Date,
    pub due_on: Option<Date>,
    /// `open`, `resolved`, `closed`.
    pub status: String,
    pub resolution: String,
    /// Escalated to the steering committee.
    pub escalated: bool,
    pub version: i32,
    #[schema(value_type = String, format = DateTime)]
    pub created_at: DateTimeUtc,
    #[schema(value_type = String, format = DateTime)]
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

impl crate::service::write::Audited for Entity {
    const KIND: &'static str = "issue";
}
