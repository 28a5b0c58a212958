//! The `readiness_settings` table: a project's readiness thresholds (none stored: defaults).
use sea_orm::entity::prelude::*;
use serde::Serialize;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel, Serialize)]
#[sea_orm(table_name = "readiness_settings")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub project_id: i32,
    /// Acceptance tests: pass rate of the UAT cycles at least (per cent).
    pub uat_pass_min: i32,
    /// Open critical and major defects at most.
    pub defects_max: i32,
    /// End-user training coverage of the least-trained functional group at least (per cent).
    pub training_min: i32,
    /// Data sources below their quality bar (or never checked) at most.
    pub quality_failing_max: i32,
    /// The last complete rehearsal overran its plan by at most this many per cent.
    pub rehearsal_tolerance_pct: i32,
    /// Operating procedures approved at least (per cent of them).
    pub procedures_min: i32,
    /// People named on the support team at least.
    pub support_min: i32,
    /// The support team, one name a line.
    pub support_team: String,
    /// Hypercare exit: days without a severity-1 issue open at least.
    pub hc_sev1_days: i32,
    /// Hypercare exit: issues opened in the last seven days at most.
    pub hc_weekly_max: i32,
    /// Adoption: active users per cent of planned below which health turns amber.
    pub adoption_min: i32,
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

impl crate::service::write::Audited for Entity {
    const KIND: &'static str = "readiness_setting";
}
