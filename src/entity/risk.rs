//! The `risks` table.
use sea_orm::entity::prelude::*;
use serde::Serialize;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel, Serialize, utoipa::ToSchema)]
#[schema(as = RiskModel)]
#[sea_orm(table_name = "risks")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub project_id: i32,
    /// The seed failure factor this risk was pre-loaded from, if any.
    pub factor_key: Option<String>,
    pub title: String,
    pub description: String,
    pub category: String,
    pub probability: Option<i32>,
    pub impact: Option<i32>,
    pub owner: String,
    pub mitigation: String,
    pub contingency: String,
    pub status: String,
    pub dismiss_reason: String,
    pub review_date: Option<Date>,
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
    const KIND: &'static str = "risk";
}
