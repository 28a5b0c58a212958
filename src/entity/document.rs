//! The `documents` table: generated deliverable PDFs, every version with its bytes.
use sea_orm::entity::prelude::*;
use serde::Serialize;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize)]
#[sea_orm(table_name = "documents")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub project_id: i32,
    pub kind: String,
    pub lang: String,
    pub doc_version: i32,
    pub deliverable_id: Option<i32>,
    pub sha256: String,
    pub size: i64,
    pub pages: i32,
    #[serde(skip)]
    pub bytes: Vec<u8>,
    pub created_by: Option<i32>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
