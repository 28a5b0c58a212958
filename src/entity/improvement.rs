//! The `improvements` table: one item of the improvement backlog.
use sea_orm::entity::prelude::*;
use serde::Serialize;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, utoipa::ToSchema)]
#[schema(as = ImprovementModel)]
#[sea_orm(table_name = "improvements")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub project_id: i32,
    pub item: String,
    /// `high`, `medium` or `low`.
    pub value: String,
    pub effort: String,
    /// `open`, `planned`, `in_progress`, `done`, `dropped` or `carried` (to the next wave).
    pub status: String,
    pub owner: String,
    pub due_on: Option<Date>,
    /// The item of the previous wave this one was carried from.
    pub carried_from: Option<i32>,
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
    const KIND: &'static str = "improvement";
}
