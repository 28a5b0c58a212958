//! The `project_health` table: a project's rolled-up health as derived by the last write
//! that changed its inputs (or by the refresher once its day passed). A cache of
//! `service::health_summary::compute`, never edited by a user.
use sea_orm::entity::prelude::*;
use serde::Serialize;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel, Serialize)]
#[sea_orm(table_name = "project_health")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub project_id: i32,
    /// The project's today the row was derived for.
    pub computed_on: Date,
    /// `health_summary::RULES` when it was derived.
    pub rules: i32,
    pub rag: String,
    pub days_late: i64,
    /// Reason keys, worst first, comma-separated.
    pub reasons: String,
    /// Earned value on `computed_on` (projects that keep a budget): BAC, actual cost, CPI, SPI.
    pub budget_minor: Option<i64>,
    pub actual_minor: Option<i64>,
    pub cpi: Option<f64>,
    pub spi: Option<f64>,
    /// New (random) with every write transaction that touched the project and every
    /// refresh: what `service::views` keys the project's cached views on.
    pub stamp: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
