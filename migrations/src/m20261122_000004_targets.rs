//! CRM modules and their feature checklists, measurable targets with their measurements,
//! per-project API tokens for pushed measurements, steering committee reviews and actions.
use crate::helpers::{fk, index, mutable};
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(mutable(
            Table::create()
                .table("crm_modules")
                .if_not_exists()
                .col(pk_auto("id"))
                .col(integer("project_id"))
                .col(string_len("key", 64))
                .col(string("name_en"))
                .col(string("name_zh"))
                .col(boolean("in_scope"))
                .col(string_null("owner_group"))
                .col(string_len("status", 24))
                .col(string_len("lifecycle", 24))
                .col(integer("planned_users").default(0))
                .col(integer("active_users").default(0))
                .col(text("status_dates"))
                .foreign_key(&mut fk("crm_modules", "project_id", "projects"))
                .take(),
        ))
        .await?;
        index(m, "crm_modules", &["project_id", "key"], true).await?;

        m.create_table(mutable(
            Table::create()
                .table("module_features")
                .if_not_exists()
                .col(pk_auto("id"))
                .col(integer("project_id"))
                .col(integer("module_id"))
                .col(string_len("key", 64))
                .col(string("name_en"))
                .col(string("name_zh"))
                .col(string_len("status", 16))
                .foreign_key(&mut fk("module_features", "module_id", "crm_modules"))
                .take(),
        ))
        .await?;
        index(m, "module_features", &["module_id", "key"], true).await?;

        m.create_table(mutable(
            Table::create()
                .table("targets")
                .if_not_exists()
                .col(pk_auto("id"))
                .col(integer("project_id"))
                .col(string_len("key", 64))
                .col(string_len("name", 300))
                .col(string_len("kind", 16))
                .col(string_len("metric", 200))
                .col(string_len("unit", 32))
                .col(string_len("direction", 16))
                .col(double_null("baseline_value"))
                .col(date_null("baseline_date"))
                .col(string_len("target_input", 64))
                .col(double_null("target_value"))
                .col(date_null("target_date"))
                .col(text("method"))
                .col(string_len("data_source", 200))
                .col(string_len("owner", 200))
                .col(string_len_null("module_key", 64))
                .foreign_key(&mut fk("targets", "project_id", "projects"))
                .take(),
        ))
        .await?;
        index(m, "targets", &["project_id", "key"], true).await?;

        // One value per target, day and source: a retried push finds its row and changes
        // nothing, so nothing is counted twice.
        m.create_table(
            Table::create()
                .table("measurements")
                .if_not_exists()
                .col(pk_auto("id"))
                .col(integer("project_id"))
                .col(integer("target_id"))
                .col(date("measured_on"))
                .col(double("value"))
                .col(string_len("source", 64))
                .col(string_len("note", 500))
                .col(integer_null("created_by"))
                .col(timestamp_with_time_zone("created_at"))
                .foreign_key(&mut fk("measurements", "target_id", "targets"))
                .take(),
        )
        .await?;
        index(m, "measurements", &["target_id", "measured_on", "source"], true).await?;

        m.create_table(
            Table::create()
                .table("api_tokens")
                .if_not_exists()
                .col(pk_auto("id"))
                .col(integer("project_id"))
                .col(string_len("name", 200))
                .col(string_len("token_hash", 64))
                .col(integer("created_by"))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone_null("revoked_at"))
                .col(timestamp_with_time_zone_null("last_used_at"))
                .foreign_key(&mut fk("api_tokens", "project_id", "projects"))
                .take(),
        )
        .await?;
        index(m, "api_tokens", &["token_hash"], true).await?;

        m.create_table(mutable(
            Table::create()
                .table("reviews")
                .if_not_exists()
                .col(pk_auto("id"))
                .col(integer("project_id"))
                .col(date("held_on"))
                .col(string_len("title", 300))
                .col(text("attendees"))
                .col(text("pack"))
                .col(text("decisions"))
                .col(integer("created_by"))
                .foreign_key(&mut fk("reviews", "project_id", "projects"))
                .take(),
        ))
        .await?;
        index(m, "reviews", &["project_id"], false).await?;

        m.create_table(mutable(
            Table::create()
                .table("review_actions")
                .if_not_exists()
                .col(pk_auto("id"))
                .col(integer("project_id"))
                .col(integer("review_id"))
                .col(string_len("text", 1000))
                .col(string_len("owner", 200))
                .col(date_null("due_date"))
                .col(string_len("status", 16))
                .col(date_null("closed_on"))
                .foreign_key(&mut fk("review_actions", "review_id", "reviews"))
                .take(),
        ))
        .await?;
        index(m, "review_actions", &["project_id"], false).await?;
        Ok(())
    }
}
