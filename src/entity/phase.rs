//! The `phases` table.
use sea_orm::entity::prelude::*;
use serde::Serialize;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, utoipa::ToSchema)]
#[sea_orm(table_name = "phases")]
#[schema(as = PhaseModel)]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub project_id: i32,
    pub seq: i32,
    pub key: String,
    pub name_en: String,
    pub name_zh: String,
    pub planned_start: Date,
    pub planned_finish: Date,
    pub actual_start: Option<Date>,
    pub actual_finish: Option<Date>,
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
    const KIND: &'static str = "phase";
}
