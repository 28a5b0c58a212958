//! The `invitations` table: a director's invitation to a project, by e-mail, with a role.
use sea_orm::entity::prelude::*;
use serde::Serialize;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize)]
#[sea_orm(table_name = "invitations")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub project_id: i32,
    pub email: String,
    pub name: String,
    pub role: String,
    /// The language of the invitation e-mail and of the new account.
    pub lang: String,
    /// The person of the organisation the new account is linked to.
    pub person_id: Option<i32>,
    /// SHA-256 of the single-use token in the link; the token itself is never stored.
    #[serde(skip)]
    pub token_hash: String,
    pub invited_by: i32,
    pub expires_at: DateTimeUtc,
    pub used_at: Option<DateTimeUtc>,
    /// The account that accepted it.
    pub user_id: Option<i32>,
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

impl crate::service::write::Audited for Entity {
    const KIND: &'static str = "invitation";
}
