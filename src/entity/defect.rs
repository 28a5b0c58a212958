//! The `defects` table: raised from a failed run, linked to its case, step and cycle.
use sea_orm::entity::prelude::*;
use serde::Serialize;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel, Serialize, utoipa::ToSchema)]
#[schema(as = DefectModel)]
#[sea_orm(table_name = "defects")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub project_id: i32,
    pub cycle_id: i32,
    pub case_id: i32,
    pub run_id: Option<i32>,
    pub step_no: Option<i32>,
    pub title: String,
    pub description: String,
    /// `critical`, `major`, `minor` or `cosmetic`.
    pub severity: String,
    /// `high`, `medium` or `low`.
    pub priority: String,
    pub owner: String,
    /// `new`, `open`, `fixed`, `retest`, `closed` or `rejected`.
    pub status: String,
    pub reject_reason: String,
    pub target_date: Option<Date>,
    /// The blueprint revision this defect (a failed prototype test) raised, if any.
    pub blueprint_revision_id: Option<i32>,
    /// The project day the defect was closed or rejected; `None` while it is open.
    pub closed_on: Option<Date>,
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
    const KIND: &'static str = "defect";
}
