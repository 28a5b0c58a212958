//! The `bc_costs` table: one cost line, in minor units of the project's currency.
use sea_orm::entity::prelude::*;
use serde::Serialize;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel, Serialize, utoipa::ToSchema)]
#[schema(as = BcCostModel)]
#[sea_orm(table_name = "bc_costs")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub case_id: i32,
    pub project_id: i32,
    pub category: String,
    pub description: String,
    /// `one_time` (year 0) or `recurring` (years 1..horizon).
    pub recurrence: String,
    pub amount_minor: i64,
    pub growth_rate: f64,
    /// A yearly grid's first calendar year (`None` for the one-time/recurring shorthand).
    pub grid_start: Option<i32>,
    /// A yearly grid's amounts in minor units, one a year from `grid_start`, as a JSON array.
    pub grid_minor: Option<String>,
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
    const KIND: &'static str = "bc_cost";
}
