//! The `go_decisions` table: a go/no-go decision at gate 7 with the scorecard as it stood
//! (frozen JSON of `service::readiness::Scorecard`).
use sea_orm::entity::prelude::*;
use serde::Serialize;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel, Serialize, utoipa::ToSchema)]
#[sea_orm(table_name = "go_decisions")]
#[schema(as = GoDecisionModel)]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub project_id: i32,
    /// `go` or `no_go`.
    pub decision: String,
    pub conditions: String,
    pub decided_by: i32,
    pub decided_by_name: String,
    #[schema(value_type = String, format = DateTime)]
    pub decided_at: DateTimeUtc,
    /// The project's date the decision was taken on.
    pub decided_on: Date,
    /// Red criteria on the frozen scorecard.
    pub red_count: i32,
    #[serde(skip)]
    pub scorecard: String,
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
    const KIND: &'static str = "go_decision";
}
