//! The `test_runs` table: one execution of a case in a cycle (insert-only, so re-runs keep
//! their history). `retest` rows are written when a fixed defect sends the case back.
use sea_orm::entity::prelude::*;
use serde::Serialize;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel, Serialize, utoipa::ToSchema)]
#[schema(as = TestRunModel)]
#[sea_orm(table_name = "test_runs")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub project_id: i32,
    pub cycle_id: i32,
    pub case_id: i32,
    /// `passed`, `failed`, `blocked` or `retest`.
    pub status: String,
    pub failed_step: Option<i32>,
    pub actual_result: String,
    pub evidence: String,
    pub tester: String,
    pub run_on: Date,
    /// For a `retest` row: the fixed defect that sent the case back.
    pub defect_id: Option<i32>,
    pub created_by: Option<i32>,
    #[schema(value_type = String, format = DateTime)]
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

impl crate::service::write::Audited for Entity {
    const KIND: &'static str = "test_run";
}
