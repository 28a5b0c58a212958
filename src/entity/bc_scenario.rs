//! The `bc_scenarios` table: horizon, discount rate and start year of one view of the case,
//! with factors applied to every cost and benefit line (100 = as entered).
use sea_orm::entity::prelude::*;
use serde::Serialize;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel, Serialize, utoipa::ToSchema)]
#[schema(as = BcScenarioModel)]
#[sea_orm(table_name = "bc_scenarios")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub case_id: i32,
    pub project_id: i32,
    pub name: String,
    pub horizon_years: i32,
    pub discount_rate: f64,
    pub start_year: i32,
    pub cost_factor_pct: i32,
    pub benefit_factor_pct: i32,
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
    const KIND: &'static str = "bc_scenario";
}
