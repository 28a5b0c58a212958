//! The `targets` table.
use sea_orm::entity::prelude::*;
use serde::Serialize;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel, Serialize, utoipa::ToSchema)]
#[sea_orm(table_name = "targets")]
#[schema(as = TargetModel)]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub project_id: i32,
    pub key: String,
    pub name: String,
    pub kind: String,
    pub metric: String,
    pub unit: String,
    pub direction: String,
    pub baseline_value: Option<f64>,
    pub baseline_date: Option<Date>,
    /// What the user typed as the target, e.g. "-15%" or "2200".
    pub target_input: String,
    /// The absolute target (a relative input resolved against the baseline).
    pub target_value: Option<f64>,
    pub target_date: Option<Date>,
    pub method: String,
    pub data_source: String,
    pub owner: String,
    pub module_key: Option<String>,
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
    const KIND: &'static str = "target";
}
