//! Webhooks (issue 17): a project's subscriptions (URL, events, chat-tool preset, signing
//! secret; disabled after repeated failures) and the log of their delivery attempts with
//! the receiver's response code.
use crate::helpers::{fk, index, mutable};
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(mutable(
            Table::create()
                .table("webhooks")
                .if_not_exists()
                .col(pk_auto("id"))
                .col(integer("project_id"))
                .col(string_len("name", 200))
                .col(string_len("url", 2000))
                // Comma-separated event names (`deliverable.state_changed,gate.decided`).
                .col(string_len("events", 1000))
                .col(string_len("preset", 16))
                .col(string_len("secret", 200))
                // The language of chat messages (`en` or `zh`).
                .col(string_len("lang", 8))
                .col(boolean("active").default(true))
                .col(integer("consecutive_failures").default(0))
                .col(timestamp_with_time_zone_null("disabled_at"))
                .col(integer("created_by"))
                .foreign_key(&mut fk("webhooks", "project_id", "projects"))
                .take(),
        ))
        .await?;
        index(m, "webhooks", &["project_id"], false).await?;

        m.create_table(
            Table::create()
                .table("webhook_deliveries")
                .if_not_exists()
                .col(pk_auto("id"))
                .col(integer("project_id"))
                .col(integer("webhook_id"))
                .col(string_len("event", 64))
                .col(string_len("event_id", 64))
                .col(integer_null("status_code"))
                .col(boolean("ok"))
                .col(string_len("error", 500))
                .col(integer("duration_ms"))
                .col(timestamp_with_time_zone("created_at"))
                .foreign_key(&mut fk("webhook_deliveries", "webhook_id", "webhooks"))
                .take(),
        )
        .await?;
        index(m, "webhook_deliveries", &["webhook_id", "created_at"], false).await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table("webhook_deliveries").to_owned()).await?;
        m.drop_table(Table::drop().table("webhooks").to_owned()).await
    }
}
