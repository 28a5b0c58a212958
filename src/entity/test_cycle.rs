//! The `test_cycles` table: a prototype test, conference-room pilot, UAT or regression cycle.
use sea_orm::entity::prelude::*;
use serde::Serialize;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel, Serialize, utoipa::ToSchema)]
#[sea_orm(table_name = "test_cycles")]
#[schema(as = TestCycleModel)]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub project_id: i32,
    pub name: String,
    /// `prototype`, `pilot`, `uat` or `regression`.
    pub kind: String,
    /// JSON list of the blueprint ids in scope; empty list = every case.
    pub scope: String,
    pub planned_start: Option<Date>,
    pub planned_finish: Option<Date>,
    pub testers: String,
    /// Exit criterion: pass rate at least this percentage of the cases in scope.
    pub pass_rate_min: i32,
    /// The steering committee's waiver of missed exit criteria (empty: none).
    pub waiver_reason: String,
    pub waived_by: Option<i32>,
    #[schema(value_type = Option<String>, format = DateTime)]
    pub waived_at: Option<DateTimeUtc>,
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
    const KIND: &'static str = "test_cycle";
}
