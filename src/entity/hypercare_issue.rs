//! The `hypercare_issues` table: one issue reported after go-live.
use sea_orm::entity::prelude::*;
use serde::Serialize;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel, Serialize, utoipa::ToSchema)]
#[schema(as = HypercareIssueModel)]
#[sea_orm(table_name = "hypercare_issues")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub project_id: i32,
    pub title: String,
    /// 1 (critical) to 4 (low).
    pub severity: i32,
    /// `phone`, `email`, `portal` or `walk_in`.
    pub channel: String,
    pub module_key: String,
    pub reporter: String,
    pub assignee: String,
    /// `open`, `in_progress`, `resolved` or `closed`.
    pub status: String,
    #[schema(value_type = String, format = DateTime)]
    pub opened_at: DateTimeUtc,
    #[schema(value_type = Option<String>, format = DateTime)]
    pub responded_at: Option<DateTimeUtc>,
    #[schema(value_type = Option<String>, format = DateTime)]
    pub resolved_at: Option<DateTimeUtc>,
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
    const KIND: &'static str = "hypercare_issue";
}
