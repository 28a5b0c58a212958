//! Phases 5–6: test cases (from the blueprint's to-be steps or by hand), test cycles with
//! their exit criteria and a steering-committee waiver, runs (insert-only: re-runs keep
//! history) and defects.
use crate::helpers::{fk, index, mutable};
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(mutable(
            Table::create()
                .table("test_cases")
                .if_not_exists()
                .col(pk_auto("id"))
                .col(integer("project_id"))
                .col(integer_null("blueprint_id"))
                .col(integer_null("step_no"))
                .col(string_len("code", 40))
                .col(string_len("title", 300))
                .col(string_len("actor", 200))
                .col(text("action"))
                .col(text("expected"))
                .col(string_len("module_key", 64))
                .col(string_len("feature", 200))
                .col(string_len("source", 16))
                .foreign_key(&mut fk("test_cases", "project_id", "projects"))
                .take(),
        ))
        .await?;
        index(m, "test_cases", &["project_id"], false).await?;

        m.create_table(mutable(
            Table::create()
                .table("test_cycles")
                .if_not_exists()
                .col(pk_auto("id"))
                .col(integer("project_id"))
                .col(string_len("name", 300))
                .col(string_len("kind", 24))
                .col(text("scope"))
                .col(date_null("planned_start"))
                .col(date_null("planned_finish"))
                .col(text("testers"))
                .col(integer("pass_rate_min").default(95))
                .col(text("waiver_reason"))
                .col(integer_null("waived_by"))
                .col(timestamp_with_time_zone_null("waived_at"))
                .foreign_key(&mut fk("test_cycles", "project_id", "projects"))
                .take(),
        ))
        .await?;
        index(m, "test_cycles", &["project_id"], false).await?;

        m.create_table(
            Table::create()
                .table("test_runs")
                .if_not_exists()
                .col(pk_auto("id"))
                .col(integer("project_id"))
                .col(integer("cycle_id"))
                .col(integer("case_id"))
                .col(string_len("status", 16))
                .col(integer_null("failed_step"))
                .col(text("actual_result"))
                .col(text("evidence"))
                .col(string_len("tester", 200))
                .col(date("run_on"))
                .col(integer_null("defect_id"))
                .col(integer_null("created_by"))
                .col(timestamp_with_time_zone("created_at"))
                .foreign_key(&mut fk("test_runs", "project_id", "projects"))
                .foreign_key(&mut fk("test_runs", "cycle_id", "test_cycles"))
                .foreign_key(&mut fk("test_runs", "case_id", "test_cases"))
                .take(),
        )
        .await?;
        index(m, "test_runs", &["cycle_id", "case_id"], false).await?;

        m.create_table(mutable(
            Table::create()
                .table("defects")
                .if_not_exists()
                .col(pk_auto("id"))
                .col(integer("project_id"))
                .col(integer("cycle_id"))
                .col(integer("case_id"))
                .col(integer_null("run_id"))
                .col(integer_null("step_no"))
                .col(string_len("title", 300))
                .col(text("description"))
                .col(string_len("severity", 16))
                .col(string_len("priority", 16))
                .col(string_len("owner", 200))
                .col(string_len("status", 16))
                .col(text("reject_reason"))
                .col(date_null("target_date"))
                .col(integer_null("blueprint_revision_id"))
                .foreign_key(&mut fk("defects", "project_id", "projects"))
                .foreign_key(&mut fk("defects", "cycle_id", "test_cycles"))
                .foreign_key(&mut fk("defects", "case_id", "test_cases"))
                .take(),
        ))
        .await?;
        index(m, "defects", &["project_id", "status"], false).await?;
        index(m, "defects", &["cycle_id"], false).await?;

        // RAID completed: issues (problems happening now) and change requests.
        m.create_table(mutable(
            Table::create()
                .table("issues")
                .if_not_exists()
                .col(pk_auto("id"))
                .col(integer("project_id"))
                .col(string_len("title", 300))
                .col(text("description"))
                .col(string_len("severity", 16))
                .col(string_len("owner", 200))
                .col(date("raised_on"))
                .col(date_null("due_on"))
                .col(string_len("status", 16))
                .col(text("resolution"))
                .col(boolean("escalated").default(false))
                .foreign_key(&mut fk("issues", "project_id", "projects"))
                .take(),
        ))
        .await?;
        index(m, "issues", &["project_id"], false).await?;

        m.create_table(mutable(
            Table::create()
                .table("change_requests")
                .if_not_exists()
                .col(pk_auto("id"))
                .col(integer("project_id"))
                .col(string_len("title", 300))
                .col(text("description"))
                .col(text("reason"))
                .col(text("scope_impact"))
                .col(integer("schedule_days").default(0))
                .col(big_integer("cost_minor").default(0))
                .col(text("benefits"))
                .col(text("options"))
                .col(string_len("status", 16))
                .col(text("rationale"))
                .col(date_null("decided_on"))
                .col(integer_null("decided_by"))
                .col(integer_null("baseline_id"))
                .col(integer_null("business_case_revision"))
                .foreign_key(&mut fk("change_requests", "project_id", "projects"))
                .take(),
        ))
        .await?;
        index(m, "change_requests", &["project_id"], false).await?;

        // Phase 5: the configuration record per CRM module and the integration register.
        m.create_table(mutable(
            Table::create()
                .table("config_items")
                .if_not_exists()
                .col(pk_auto("id"))
                .col(integer("project_id"))
                .col(string_len("module_key", 64))
                .col(string_len("setting", 300))
                .col(text("value"))
                .col(integer_null("blueprint_id"))
                .col(integer_null("step_no"))
                .col(string_len("feature", 200))
                .col(string_len("owner", 200))
                .col(string_len("status", 16))
                .col(integer_null("verified_by"))
                .col(date_null("verified_on"))
                .foreign_key(&mut fk("config_items", "project_id", "projects"))
                .take(),
        ))
        .await?;
        index(m, "config_items", &["project_id"], false).await?;

        m.create_table(mutable(
            Table::create()
                .table("interfaces")
                .if_not_exists()
                .col(pk_auto("id"))
                .col(integer("project_id"))
                .col(string_len("name", 300))
                .col(string_len("source_system", 200))
                .col(string_len("target_system", 200))
                .col(string_len("direction", 16))
                .col(text("data_objects"))
                .col(string_len("frequency", 100))
                .col(string_len("method", 16))
                .col(string_len("owner", 200))
                .col(string_len("status", 16))
                .col(string_len("test_status", 16))
                .foreign_key(&mut fk("interfaces", "project_id", "projects"))
                .take(),
        ))
        .await?;
        index(m, "interfaces", &["project_id"], false).await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for t in [
            "interfaces",
            "config_items",
            "change_requests",
            "issues",
            "defects",
            "test_runs",
            "test_cycles",
            "test_cases",
        ] {
            m.drop_table(Table::drop().table(t).if_exists().take()).await?;
        }
        Ok(())
    }
}
