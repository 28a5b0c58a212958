//! The `projects` table.
use sea_orm::entity::prelude::*;
use serde::Serialize;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, utoipa::ToSchema)]
#[sea_orm(table_name = "projects")]
#[schema(as = ProjectModel)]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub name: String,
    pub client_name: String,
    pub industry: String,
    pub start_date: Date,
    pub currency: String,
    /// Comma-separated module keys in canonical order.
    pub modules: String,
    pub playbook_key: String,
    /// The playbook as it was when the project was created (JSON).
    #[serde(skip)]
    pub playbook_snapshot: String,
    pub status: String,
    /// IANA time zone (e.g. `Asia/Shanghai`): the project's "today" for due dates and RAG.
    pub time_zone: String,
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
    const KIND: &'static str = "project";
    const PROJECT_COLUMN: Option<&'static str> = Some("id");
}
