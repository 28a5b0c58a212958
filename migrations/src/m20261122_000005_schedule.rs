//! The schedule: activity durations and progress, milestones, dependencies, the working-day
//! calendar, baselines and calendar feeds.
use crate::helpers::{fk, index, mutable};
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // SQLite adds one column per ALTER TABLE.
        for col in [
            integer("duration_days").default(0).take(),
            integer("percent_complete").default(0).take(),
            date_null("actual_start").take(),
            date_null("actual_finish").take(),
            date_null("not_before").take(),
        ] {
            m.alter_table(Table::alter().table("activities").add_column(col).take()).await?;
        }

        m.create_table(mutable(
            Table::create()
                .table("milestones")
                .if_not_exists()
                .col(pk_auto("id"))
                .col(integer("project_id"))
                .col(integer("phase_id"))
                .col(string_len_null("key", 64))
                .col(string("name_en"))
                .col(string("name_zh"))
                .col(date("due_date"))
                .col(date_null("not_before"))
                .col(string_len("owner", 200))
                .col(string_len("status", 16))
                .col(date_null("completed_on"))
                .foreign_key(&mut fk("milestones", "project_id", "projects"))
                .take(),
        ))
        .await?;
        index(m, "milestones", &["project_id"], false).await?;

        m.create_table(mutable(
            Table::create()
                .table("dependencies")
                .if_not_exists()
                .col(pk_auto("id"))
                .col(integer("project_id"))
                .col(string_len("pred_kind", 16))
                .col(integer("pred_id"))
                .col(string_len("succ_kind", 16))
                .col(integer("succ_id"))
                .col(string_len("kind", 2))
                .col(integer("lag_days").default(0))
                .foreign_key(&mut fk("dependencies", "project_id", "projects"))
                .take(),
        ))
        .await?;
        index(m, "dependencies", &["project_id", "pred_kind", "pred_id", "succ_kind", "succ_id"], true).await?;

        m.create_table(
            Table::create()
                .table("calendar_days")
                .if_not_exists()
                .col(pk_auto("id"))
                .col(integer("project_id"))
                .col(date("day"))
                .col(string_len("kind", 16))
                .col(string_len("name", 200))
                .col(timestamp_with_time_zone("created_at"))
                .foreign_key(&mut fk("calendar_days", "project_id", "projects"))
                .take(),
        )
        .await?;
        index(m, "calendar_days", &["project_id", "day"], true).await?;

        m.create_table(
            Table::create()
                .table("baselines")
                .if_not_exists()
                .col(pk_auto("id"))
                .col(integer("project_id"))
                .col(string_len("name", 200))
                .col(integer("created_by"))
                .col(timestamp_with_time_zone("created_at"))
                .foreign_key(&mut fk("baselines", "project_id", "projects"))
                .take(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("baseline_items")
                .if_not_exists()
                .col(pk_auto("id"))
                .col(integer("baseline_id"))
                .col(string_len("item_kind", 16))
                .col(integer("item_id"))
                .col(date("start"))
                .col(date("finish"))
                .foreign_key(&mut fk("baseline_items", "baseline_id", "baselines"))
                .take(),
        )
        .await?;
        index(m, "baseline_items", &["baseline_id"], false).await?;

        m.create_table(
            Table::create()
                .table("calendar_feeds")
                .if_not_exists()
                .col(pk_auto("id"))
                .col(integer("project_id"))
                .col(string_len("token_hash", 64))
                .col(integer("created_by"))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone_null("revoked_at"))
                .foreign_key(&mut fk("calendar_feeds", "project_id", "projects"))
                .take(),
        )
        .await?;
        index(m, "calendar_feeds", &["token_hash"], true).await?;
        Ok(())
    }
}
