//! The `conversion_trials` table: one trial load of a data source into the new system.
use sea_orm::entity::prelude::*;
use serde::Serialize;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel, Serialize, utoipa::ToSchema)]
#[schema(as = ConversionTrialModel)]
#[sea_orm(table_name = "conversion_trials")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub project_id: i32,
    pub source_id: i32,
    pub trial_on: Date,
    /// Records in the source when it was extracted.
    pub source_count: i64,
    pub loaded: i64,
    pub rejected: i64,
    /// Loaded records checked against the source (counts, totals, samples) and found equal.
    pub reconciled: i64,
    pub notes: String,
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
    const KIND: &'static str = "conversion_trial";
}
