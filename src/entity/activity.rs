//! The `activities` table.
use sea_orm::entity::prelude::*;
use serde::Serialize;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, utoipa::ToSchema)]
#[sea_orm(table_name = "activities")]
#[schema(as = ActivityModel)]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub project_id: i32,
    pub phase_id: i32,
    pub seq: i32,
    pub key: Option<String>,
    pub name_en: String,
    pub name_zh: String,
    pub tier: String,
    pub planned_start: Date,
    pub planned_finish: Date,
    pub status: String,
    /// Working days; 0 means "the planned window" (rows from before durations existed).
    pub duration_days: i32,
    pub percent_complete: i32,
    pub actual_start: Option<Date>,
    pub actual_finish: Option<Date>,
    /// Start no earlier than (set when someone moves the activity).
    pub not_before: Option<Date>,
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
    const KIND: &'static str = "activity";
}

/// An activity's progress as one fact (status, percent, actual dates): the changes that
/// ticking it done, reopening it or a gate settling it write.
impl From<crate::domain::progress::Progress> for ActiveModel {
    fn from(p: crate::domain::progress::Progress) -> Self {
        use sea_orm::ActiveValue::Set;
        ActiveModel {
            status: Set(p.status.into()),
            percent_complete: Set(p.percent),
            actual_start: Set(p.actual_start),
            actual_finish: Set(p.actual_finish),
            ..Default::default()
        }
    }
}
