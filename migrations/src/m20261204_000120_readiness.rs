//! Phase 7 readiness and phase 8 adoption (issue 14): the readiness thresholds of a project
//! (editable, one row per project), the go/no-go decisions with their frozen scorecard, and
//! the adoption figures (active against planned users per CRM module and functional group)
//! the running CRM pushes or someone enters.
use crate::helpers::{fk, index, mutable};
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(mutable(
            Table::create()
                .table("readiness_settings")
                .if_not_exists()
                .col(pk_auto("id"))
                .col(integer("project_id"))
                .col(integer("uat_pass_min"))
                .col(integer("defects_max"))
                .col(integer("training_min"))
                .col(integer("quality_failing_max"))
                .col(integer("rehearsal_tolerance_pct"))
                .col(integer("procedures_min"))
                .col(integer("support_min"))
                .col(text("support_team"))
                .col(integer("hc_sev1_days"))
                .col(integer("hc_weekly_max"))
                .col(integer("adoption_min"))
                .foreign_key(&mut fk("readiness_settings", "project_id", "projects"))
                .take(),
        ))
        .await?;
        index(m, "readiness_settings", &["project_id"], true).await?;

        m.create_table(mutable(
            Table::create()
                .table("go_decisions")
                .if_not_exists()
                .col(pk_auto("id"))
                .col(integer("project_id"))
                .col(string_len("decision", 16))
                .col(text("conditions"))
                .col(integer("decided_by"))
                .col(string_len("decided_by_name", 200))
                .col(timestamp_with_time_zone("decided_at"))
                .col(date("decided_on"))
                .col(integer("red_count"))
                .col(text("scorecard"))
                .foreign_key(&mut fk("go_decisions", "project_id", "projects"))
                .take(),
        ))
        .await?;
        index(m, "go_decisions", &["project_id"], false).await?;

        m.create_table(mutable(
            Table::create()
                .table("adoption_figures")
                .if_not_exists()
                .col(pk_auto("id"))
                .col(integer("project_id"))
                .col(string_len("module_key", 64))
                .col(integer("unit_id"))
                .col(date("measured_on"))
                .col(string_len("source", 64))
                .col(integer("active_users"))
                .col(integer("planned_users"))
                .col(string_len("note", 500))
                .foreign_key(&mut fk("adoption_figures", "project_id", "projects"))
                .take(),
        ))
        .await?;
        index(m, "adoption_figures", &["project_id", "module_key", "unit_id", "measured_on", "source"], true).await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for t in ["adoption_figures", "go_decisions", "readiness_settings"] {
            m.drop_table(Table::drop().table(t).if_exists().take()).await?;
        }
        Ok(())
    }
}
