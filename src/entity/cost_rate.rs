//! The `cost_rates` table. A cost rate per hour for a person (`user_id`) or, as a default, a project role, valid from a date (to a date, inclusive).
use sea_orm::entity::prelude::*;
use serde::Serialize;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, utoipa::ToSchema)]
#[schema(as = CostRateModel)]
#[sea_orm(table_name = "cost_rates")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub project_id: i32,
    pub user_id: Option<i32>,
    pub role: Option<String>,
    pub rate_minor: i64,
    pub valid_from: Date,
    pub valid_to: Option<Date>,
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
    const KIND: &'static str = "cost_rate";
}
