//! The `config_items` table: one setting of a CRM module's configuration record.
use sea_orm::entity::prelude::*;
use serde::Serialize;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel, Serialize, utoipa::ToSchema)]
#[schema(as = ConfigItemModel)]
#[sea_orm(table_name = "config_items")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub project_id: i32,
    pub module_key: String,
    pub setting: String,
    /// The value or a description of the configuration.
    pub value: String,
    /// The blueprint (to-be process) and step the item serves.
    pub blueprint_id: Option<i32>,
    pub step_no: Option<i32>,
    /// The module feature it configures (matched with the blueprint steps' features).
    pub feature: String,
    pub owner: String,
    /// `planned`, `configured`, `verified`.
    pub status: String,
    pub verified_by: Option<i32>,
    pub verified_on: Option<Date>,
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
    const KIND: &'static str = "config_item";
}
