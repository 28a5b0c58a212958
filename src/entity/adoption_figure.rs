//! The `adoption_figures` table: active against planned users of one CRM module (and one
//! functional group, `unit_id`; 0 for the module as a whole) on one day from one source.
use sea_orm::entity::prelude::*;
use serde::Serialize;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel, Serialize, utoipa::ToSchema)]
#[schema(as = AdoptionFigureModel)]
#[sea_orm(table_name = "adoption_figures")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub project_id: i32,
    pub module_key: String,
    pub unit_id: i32,
    pub measured_on: Date,
    pub source: String,
    pub active_users: i32,
    pub planned_users: i32,
    pub note: String,
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
    const KIND: &'static str = "adoption_figure";
}
