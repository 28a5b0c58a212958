//! The `assignments` table. A person of the project named on a piece of work (`item_kind`: activity, deliverable, action; defects and issues later) with planned hours (hundredths).
use sea_orm::entity::prelude::*;
use serde::Serialize;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize)]
#[sea_orm(table_name = "assignments")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub project_id: i32,
    pub item_kind: String,
    pub item_id: i32,
    pub user_id: i32,
    pub planned_hours_x100: i32,
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

impl crate::service::write::Audited for Entity {
    const KIND: &'static str = "assignment";
}
