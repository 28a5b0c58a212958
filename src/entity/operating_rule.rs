//! The `operating_rules` table: an operating rule or procedure for the new system.
use sea_orm::entity::prelude::*;
use serde::Serialize;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel, Serialize, utoipa::ToSchema)]
#[schema(as = OperatingRuleModel)]
#[sea_orm(table_name = "operating_rules")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub project_id: i32,
    pub title: String,
    /// The to-be process (blueprint) the rule governs, if any.
    pub blueprint_id: Option<i32>,
    pub owner: String,
    pub body: String,
    /// Who approved the current text (a name), empty until approved.
    pub approved_by: String,
    pub approved_on: Option<Date>,
    pub effective_on: Option<Date>,
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
    const KIND: &'static str = "operating_rule";
}
