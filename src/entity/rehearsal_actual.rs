//! The `rehearsal_actuals` table: when a task actually started and finished in a rehearsal
//! (local wall-clock times in the project's time zone).
use sea_orm::entity::prelude::*;
use serde::Serialize;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel, Serialize)]
#[sea_orm(table_name = "rehearsal_actuals")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub project_id: i32,
    pub rehearsal_id: i32,
    pub task_id: i32,
    pub actual_start: Option<DateTime>,
    pub actual_finish: Option<DateTime>,
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

impl crate::service::write::Audited for Entity {
    const KIND: &'static str = "rehearsal_actual";
}
