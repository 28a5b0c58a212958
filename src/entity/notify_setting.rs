//! The `notify_settings` table: when a user's digests go out (local hour in their zone).
use sea_orm::entity::prelude::*;
use serde::Serialize;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize)]
#[sea_orm(table_name = "notify_settings")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub user_id: i32,
    /// IANA zone name, e.g. `Asia/Shanghai`.
    pub time_zone: String,
    /// Local hour (0–23) at which digests are sent.
    pub digest_hour: i32,
    /// Weekday of the weekly digest, 1 = Monday … 7 = Sunday.
    pub weekly_day: i32,
    /// The local dates the last daily and weekly digests were made.
    pub last_daily: Option<Date>,
    pub last_weekly: Option<Date>,
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
