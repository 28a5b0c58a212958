//! The `users` table.
use sea_orm::entity::prelude::*;
use serde::Serialize;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize)]
#[sea_orm(table_name = "users")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub email: String,
    pub name: String,
    #[serde(skip)]
    pub password_hash: String,
    pub is_admin: bool,
    pub locale: Option<String>,
    /// Marked by an administrator: may create projects (admins always may).
    pub project_creator: bool,
    /// Wrong passwords since the last successful login.
    #[serde(skip)]
    pub failed_logins: i32,
    /// Locked after repeated failures until then (or until an admin releases it).
    pub locked_until: Option<DateTimeUtc>,
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
