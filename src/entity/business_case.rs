//! The `business_cases` table: one per project, with its approval.
use sea_orm::entity::prelude::*;
use serde::Serialize;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, utoipa::ToSchema)]
#[schema(as = BusinessCaseModel)]
#[sea_orm(table_name = "business_cases")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub project_id: i32,
    /// Bumped by every change to scenarios or lines.
    pub plan_revision: i32,
    pub approved_revision: Option<i32>,
    pub approved_by: Option<i32>,
    #[schema(value_type = Option<String>, format = DateTime)]
    pub approved_at: Option<DateTimeUtc>,
    /// The case and its computed results as approved (JSON), frozen.
    #[serde(skip)]
    pub approved_snapshot: Option<String>,
    /// The plan revision put before the steering committee for approval, by whom, when.
    pub requested_revision: Option<i32>,
    pub requested_by: Option<i32>,
    #[schema(value_type = Option<String>, format = DateTime)]
    pub requested_at: Option<DateTimeUtc>,
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
    const KIND: &'static str = "business_case";
}
