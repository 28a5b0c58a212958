//! The `outbox` table: messages to the outside waiting for (or done with) delivery.
use sea_orm::entity::prelude::*;
use serde::Serialize;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize)]
#[sea_orm(table_name = "outbox")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    /// Which dispatcher delivers it: "email", "webhook", …
    pub channel: String,
    /// Unique: the same message enqueued twice is stored once.
    pub dedup_key: String,
    /// JSON, read by the channel's dispatcher.
    pub payload: String,
    pub created_at: DateTimeUtc,
    /// Delivery attempts made so far.
    pub attempts: i32,
    /// Not tried again before then (backoff after a failure).
    pub next_attempt_at: DateTimeUtc,
    /// A worker is delivering it until then; after that another may take it over.
    pub claimed_until: Option<DateTimeUtc>,
    pub claimed_by: Option<String>,
    pub sent_at: Option<DateTimeUtc>,
    /// Given up after the last allowed attempt.
    pub failed_at: Option<DateTimeUtc>,
    pub last_error: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
