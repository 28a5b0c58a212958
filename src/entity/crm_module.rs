//! The `crm_modules` table.
use sea_orm::entity::prelude::*;
use serde::Serialize;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel, Serialize, utoipa::ToSchema)]
#[schema(as = CrmModuleModel)]
#[sea_orm(table_name = "crm_modules")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub project_id: i32,
    pub key: String,
    pub name_en: String,
    pub name_zh: String,
    pub in_scope: bool,
    pub owner_group: Option<String>,
    pub status: String,
    pub lifecycle: String,
    pub planned_users: i32,
    pub active_users: i32,
    /// JSON object: rollout status → date it was reached.
    pub status_dates: String,
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
    const KIND: &'static str = "crm_module";
}
