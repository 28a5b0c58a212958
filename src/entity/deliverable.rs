//! The `deliverables` table.
use sea_orm::entity::prelude::*;
use serde::Serialize;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, utoipa::ToSchema)]
#[sea_orm(table_name = "deliverables")]
#[schema(as = DeliverableModel)]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub project_id: i32,
    pub phase_id: i32,
    pub seq: i32,
    pub key: String,
    pub name_en: String,
    pub name_zh: String,
    /// Acceptance criteria from the playbook, JSON array of {en, zh}.
    pub acceptance: String,
    pub is_gate: bool,
    pub due_date: Date,
    pub status: String,
    pub notes: String,
    pub review_comment: Option<String>,
    pub reviewed_by: Option<i32>,
    #[schema(value_type = Option<String>, format = DateTime)]
    pub reviewed_at: Option<DateTimeUtc>,
    /// Responsibilities: the person who owns it and the tier or group answering for it.
    pub owner_person_id: Option<i32>,
    pub owner_unit_id: Option<i32>,
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
    const KIND: &'static str = "deliverable";
}
