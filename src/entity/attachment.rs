//! The `attachments` table: evidence files on a project's records, stored in the database
//! (so several instances share them), each upload of a name a new version.
use sea_orm::entity::prelude::*;
use serde::Serialize;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize)]
#[sea_orm(table_name = "attachments")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub project_id: i32,
    pub entity_kind: String,
    pub entity_id: i32,
    pub file_name: String,
    pub content_type: String,
    /// 1 for the first upload of this name on this record, then 2, 3, …
    pub file_version: i32,
    pub size: i64,
    pub sha256: String,
    #[serde(skip)]
    pub bytes: Vec<u8>,
    pub uploaded_by: i32,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

impl crate::service::write::Audited for Entity {
    const KIND: &'static str = "attachment";
}
