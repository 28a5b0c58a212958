//! The `time_entries` table. Hours one person spent on one activity on one day (hundredths of an hour).
use sea_orm::entity::prelude::*;
use serde::Serialize;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize)]
#[sea_orm(table_name = "time_entries")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub project_id: i32,
    pub user_id: i32,
    pub activity_id: i32,
    pub day: Date,
    pub hours_x100: i32,
    /// `draft`, `submitted` or `approved` (approved hours are locked).
    pub status: String,
    pub approved_by: Option<i32>,
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

impl crate::service::write::Audited for Entity {
    const KIND: &'static str = "time_entry";
}
