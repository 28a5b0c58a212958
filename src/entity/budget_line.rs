//! The `budget_lines` table. One budget line: an amount for a phase (or the whole project) and a category.
use sea_orm::entity::prelude::*;
use serde::Serialize;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, utoipa::ToSchema)]
#[schema(as = BudgetLineModel)]
#[sea_orm(table_name = "budget_lines")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub project_id: i32,
    pub phase_id: Option<i32>,
    pub category: String,
    pub description: String,
    pub amount_minor: i64,
    /// `seed` (from the business case), `manual`, or `change` (an approved change request).
    pub source: String,
    /// The approved change request that made this line (`source = change`).
    pub change_request_id: Option<i32>,
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
    const KIND: &'static str = "budget_line";
}
