//! Phases 7–9 (issue 14): the cutover runbook with its rehearsals and live record, and the
//! hypercare issue log.
//!
//! Planned times are the project's local wall-clock times (`timestamp` without a zone, read
//! in the project's time zone); instants recorded on cutover day or by hypercare are UTC.
use crate::helpers::{fk, index, mutable};
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(mutable(
            Table::create()
                .table("cutover_tasks")
                .if_not_exists()
                .col(pk_auto("id"))
                .col(integer("project_id"))
                .col(integer("seq"))
                .col(string_len("name", 300))
                .col(string_len("owner", 200))
                .col(string_len("category", 16))
                .col(date_time("planned_start"))
                .col(integer("duration_min"))
                .col(string_len("predecessors", 1000))
                .col(boolean("checkpoint"))
                .col(boolean("rollback_point"))
                .col(date_time_null("rollback_deadline"))
                .col(timestamp_with_time_zone_null("live_started_at"))
                .col(timestamp_with_time_zone_null("live_finished_at"))
                .foreign_key(&mut fk("cutover_tasks", "project_id", "projects"))
                .take(),
        ))
        .await?;
        index(m, "cutover_tasks", &["project_id", "seq"], true).await?;

        m.create_table(mutable(
            Table::create()
                .table("cutover_rehearsals")
                .if_not_exists()
                .col(pk_auto("id"))
                .col(integer("project_id"))
                .col(string_len("name", 300))
                .col(date("held_on"))
                .foreign_key(&mut fk("cutover_rehearsals", "project_id", "projects"))
                .take(),
        ))
        .await?;
        index(m, "cutover_rehearsals", &["project_id"], false).await?;

        m.create_table(mutable(
            Table::create()
                .table("rehearsal_actuals")
                .if_not_exists()
                .col(pk_auto("id"))
                .col(integer("project_id"))
                .col(integer("rehearsal_id"))
                .col(integer("task_id"))
                .col(date_time_null("actual_start"))
                .col(date_time_null("actual_finish"))
                .foreign_key(&mut fk("rehearsal_actuals", "rehearsal_id", "cutover_rehearsals"))
                .foreign_key(&mut fk("rehearsal_actuals", "task_id", "cutover_tasks"))
                .take(),
        ))
        .await?;
        index(m, "rehearsal_actuals", &["rehearsal_id", "task_id"], true).await?;
        index(m, "rehearsal_actuals", &["project_id"], false).await?;

        m.create_table(mutable(
            Table::create()
                .table("hypercare_issues")
                .if_not_exists()
                .col(pk_auto("id"))
                .col(integer("project_id"))
                .col(string_len("title", 300))
                .col(integer("severity"))
                .col(string_len("channel", 16))
                .col(string_len("module_key", 64))
                .col(string_len("reporter", 200))
                .col(string_len("assignee", 200))
                .col(string_len("status", 16))
                .col(timestamp_with_time_zone("opened_at"))
                .col(timestamp_with_time_zone_null("responded_at"))
                .col(timestamp_with_time_zone_null("resolved_at"))
                .foreign_key(&mut fk("hypercare_issues", "project_id", "projects"))
                .take(),
        ))
        .await?;
        index(m, "hypercare_issues", &["project_id"], false).await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for t in ["hypercare_issues", "rehearsal_actuals", "cutover_rehearsals", "cutover_tasks"] {
            m.drop_table(Table::drop().table(t).if_exists().take()).await?;
        }
        Ok(())
    }
}
