//! The `notifications` table: what a user is told (inbox), and how it is delivered.
use sea_orm::entity::prelude::*;
use serde::Serialize;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize)]
#[sea_orm(table_name = "notifications")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub user_id: i32,
    pub project_id: Option<i32>,
    /// One of `domain::notify::Kind`.
    pub kind: String,
    /// Unique: the same event told to the same user once.
    pub dedup_key: String,
    /// JSON object filling the message's placeholders (rendered in the reader's language).
    pub params: String,
    /// A path in the app (`/projects/3/deliverables/7`).
    pub link: String,
    pub overdue: bool,
    pub created_at: DateTimeUtc,
    pub read_at: Option<DateTimeUtc>,
    /// How it leaves by e-mail: `immediately`, `daily`, `weekly` or `off` (the user's
    /// preference when it was made).
    pub delivery: String,
    /// E-mailed (alone or in a digest) then.
    pub delivered_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
