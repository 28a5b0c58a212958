//! Database schema for Ninefold, as sea-orm migrations. One migration per schema change;
//! never edit a migration that has shipped, add a new one.
pub use sea_orm_migration::prelude::*;

mod helpers;

mod m20261122_000001_foundation;
mod m20261122_000002_business_case;
mod m20261122_000003_organisation;
mod m20261122_000004_targets;
mod m20261122_000005_schedule;
mod m20261122_000006_diagnosis;
mod m20261122_000007_documents;
mod m20261201_000008_views;
mod m20261202_000010_hardening;
mod m20261202_000011_unique_seq;
mod m20261202_000012_indexes;
mod m20261203_000020_project_health;
mod m20261203_000030_testing;
mod m20261203_000040_golive;
mod m20261203_000050_budget;
mod m20261203_000060_a_outbox;
mod m20261203_000060_b_collab;
mod m20261203_000070_personal_tokens;
mod m20261203_000080_webhooks;
mod m20261204_000110_rules_conversion;
mod m20261204_000120_readiness;
mod m20261204_000130_evaluation;
mod m20261204_000140_effort;
mod m20261204_000150_yearly_grid;
mod m20261204_000180_bc_approval_request;
mod m20261205_000190_view_stamp;
mod m20261206_000200_portfolio_stamp;

pub use m20261202_000010_hardening::backfill_org_units;

pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261122_000001_foundation::Migration),
            Box::new(m20261122_000002_business_case::Migration),
            Box::new(m20261122_000003_organisation::Migration),
            Box::new(m20261122_000004_targets::Migration),
            Box::new(m20261122_000005_schedule::Migration),
            Box::new(m20261122_000006_diagnosis::Migration),
            Box::new(m20261122_000007_documents::Migration),
            Box::new(m20261201_000008_views::Migration),
            Box::new(m20261202_000010_hardening::Migration),
            Box::new(m20261202_000011_unique_seq::Migration),
            Box::new(m20261202_000012_indexes::Migration),
            Box::new(m20261203_000020_project_health::Migration),
            Box::new(m20261203_000030_testing::Migration),
            Box::new(m20261203_000050_budget::Migration),
            Box::new(m20261203_000040_golive::Migration),
            Box::new(m20261203_000060_a_outbox::Migration),
            Box::new(m20261203_000060_b_collab::Migration),
            Box::new(m20261203_000080_webhooks::Migration),
            Box::new(m20261203_000070_personal_tokens::Migration),
            Box::new(m20261204_000150_yearly_grid::Migration),
            Box::new(m20261204_000140_effort::Migration),
            Box::new(m20261204_000130_evaluation::Migration),
            Box::new(m20261204_000180_bc_approval_request::Migration),
            Box::new(m20261204_000110_rules_conversion::Migration),
            Box::new(m20261204_000120_readiness::Migration),
            Box::new(m20261205_000190_view_stamp::Migration),
            Box::new(m20261206_000200_portfolio_stamp::Migration),
        ]
    }
}
