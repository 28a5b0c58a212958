//! The `training_sessions` table.
use sea_orm::entity::prelude::*;
use serde::Serialize;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, utoipa::ToSchema)]
#[schema(as = TrainingSessionModel)]
#[sea_orm(table_name = "training_sessions")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub project_id: i32,
    pub title: String,
    pub audience: String,
    pub audience_department: Option<String>,
    pub audience_unit_id: Option<i32>,
    pub phase_seq: i32,
    pub module: Option<String>,
    pub date: Date,
    /// "HH:MM", local time of the place.
    pub start_time: String,
    pub duration_minutes: i32,
    pub place: String,
    pub online: bool,
    pub trainer: String,
    /// Minor units (cents/分) of `currency`.
    pub cost: i64,
    pub currency: String,
    pub hands_on: bool,
    pub status: String,
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
    const KIND: &'static str = "training_session";
}
