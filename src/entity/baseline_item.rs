//! The `baseline_items` table.
use sea_orm::entity::prelude::*;
use serde::Serialize;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize)]
#[sea_orm(table_name = "baseline_items")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub baseline_id: i32,
    pub item_kind: String,
    pub item_id: i32,
    pub start: Date,
    pub finish: Date,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
