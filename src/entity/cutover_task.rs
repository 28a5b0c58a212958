//! The `cutover_tasks` table: one task of the cutover runbook and its live record.
use sea_orm::entity::prelude::*;
use serde::Serialize;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel, Serialize, utoipa::ToSchema)]
#[schema(as = CutoverTaskModel)]
#[sea_orm(table_name = "cutover_tasks")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub project_id: i32,
    /// The task's number in the runbook (unique per project); predecessors name these.
    pub seq: i32,
    pub name: String,
    pub owner: String,
    /// `technical`, `data`, `business` or `communication`.
    pub category: String,
    /// Local wall-clock time in the project's time zone.
    pub planned_start: DateTime,
    pub duration_min: i32,
    /// Sequence numbers of the tasks that finish first, comma separated.
    pub predecessors: String,
    /// A go/no-go checkpoint: the cutover continues only if it is passed.
    pub checkpoint: bool,
    /// A rollback point, with the local time after which rolling back is no longer possible.
    pub rollback_point: bool,
    pub rollback_deadline: Option<DateTime>,
    #[schema(value_type = Option<String>, format = DateTime)]
    pub live_started_at: Option<DateTimeUtc>,
    #[schema(value_type = Option<String>, format = DateTime)]
    pub live_finished_at: Option<DateTimeUtc>,
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
    const KIND: &'static str = "cutover_task";
}
