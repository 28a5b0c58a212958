//! The `test_cases` table: a test case generated from a blueprint step or written by hand.
use sea_orm::entity::prelude::*;
use serde::Serialize;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel, Serialize, utoipa::ToSchema)]
#[schema(as = TestCaseModel)]
#[sea_orm(table_name = "test_cases")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub project_id: i32,
    /// The to-be process (blueprint) the case tests, if any.
    pub blueprint_id: Option<i32>,
    /// The blueprint step (1-based) the case was generated from.
    pub step_no: Option<i32>,
    pub code: String,
    pub title: String,
    pub actor: String,
    pub action: String,
    pub expected: String,
    pub module_key: String,
    pub feature: String,
    /// `blueprint`, `manual` or `import`.
    pub source: String,
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
    const KIND: &'static str = "test_case";
}
