//! The `bc_benefits` table: one benefit line and what has been realised of it so far.
use sea_orm::entity::prelude::*;
use serde::Serialize;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel, Serialize, utoipa::ToSchema)]
#[schema(as = BcBenefitModel)]
#[sea_orm(table_name = "bc_benefits")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub case_id: i32,
    pub project_id: i32,
    /// `revenue`, `cost_reduction`, `productivity` or `intangible`.
    pub kind: String,
    pub description: String,
    /// Revenue uplift per year, saving per year, hourly rate, or intangible proxy value.
    pub amount_minor: i64,
    /// Hours saved per year (productivity only).
    pub hours: i64,
    /// Gross margin on the revenue uplift (revenue only), a decimal.
    pub margin: f64,
    pub growth_rate: f64,
    pub first_year: i32,
    /// Share of the benefit discounted for risk (Forrester TEI), a decimal.
    pub risk_adjustment: f64,
    /// Intangible proxies count towards ROI only when the user says so.
    pub include_in_roi: bool,
    /// Key of a measurable target, once targets exist (no foreign key yet).
    pub target_key: Option<String>,
    pub realised_minor: Option<i64>,
    pub realised_as_of: Option<Date>,
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
    const KIND: &'static str = "bc_benefit";
}
