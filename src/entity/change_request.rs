//! The `change_requests` table: a proposed change with its impact and the steering
//! committee's decision; an approved one links the baseline and business case it opened.
use sea_orm::entity::prelude::*;
use serde::Serialize;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel, Serialize, utoipa::ToSchema)]
#[schema(as = ChangeRequestModel)]
#[sea_orm(table_name = "change_requests")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub project_id: i32,
    pub title: String,
    pub description: String,
    pub reason: String,
    pub scope_impact: String,
    /// Schedule impact in working days (may be negative).
    pub schedule_days: i32,
    /// Cost impact in minor units of the project's currency.
    pub cost_minor: i64,
    pub benefits: String,
    pub options: String,
    /// `pending`, `approved`, `rejected`, `deferred`.
    pub status: String,
    pub rationale: String,
    pub decided_on: Option<Date>,
    pub decided_by: Option<i32>,
    pub baseline_id: Option<i32>,
    /// The business-case plan revision the approval opened.
    pub business_case_revision: Option<i32>,
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
    const KIND: &'static str = "change_request";
}
