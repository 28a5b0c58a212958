//! The `interfaces` table: the integration register.
use sea_orm::entity::prelude::*;
use serde::Serialize;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel, Serialize, utoipa::ToSchema)]
#[schema(as = InterfaceModel)]
#[sea_orm(table_name = "interfaces")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub project_id: i32,
    pub name: String,
    pub source_system: String,
    pub target_system: String,
    /// `inbound`, `outbound`, `both`.
    pub direction: String,
    pub data_objects: String,
    pub frequency: String,
    /// `api`, `file`, `etl`, `manual`.
    pub method: String,
    pub owner: String,
    /// `planned`, `building`, `live`.
    pub status: String,
    /// `not_tested`, `passed`, `failed`.
    pub test_status: String,
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
    const KIND: &'static str = "interface";
}
