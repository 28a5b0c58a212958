//! Working together (issue 16): invitations and password resets (single-use tokens stored
//! hashed), notifications with per-user preferences and digest settings, comments with
//! their earlier texts, and attachments stored in the database.
use crate::helpers::{fk, index, mutable};
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            mutable(
                Table::create()
                    .table("invitations")
                    .if_not_exists()
                    .col(pk_auto("id"))
                    .col(integer("project_id"))
                    .col(string_len("email", 254))
                    .col(string_len("name", 200))
                    .col(string_len("role", 16))
                    .col(string_len("lang", 8))
                    .col(integer_null("person_id"))
                    .col(string_len("token_hash", 64).unique_key())
                    .col(integer("invited_by"))
                    .col(timestamp_with_time_zone("expires_at"))
                    .col(timestamp_with_time_zone_null("used_at"))
                    .col(integer_null("user_id"))
                    .foreign_key(&mut fk("invitations", "project_id", "projects"))
                    .to_owned(),
            )
            .to_owned(),
        )
        .await?;
        index(m, "invitations", &["project_id"], false).await?;
        m.create_table(
            Table::create()
                .table("password_resets")
                .if_not_exists()
                .col(pk_auto("id"))
                .col(integer("user_id"))
                .col(string_len("token_hash", 64).unique_key())
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone("expires_at"))
                .col(timestamp_with_time_zone_null("used_at"))
                .foreign_key(&mut fk("password_resets", "user_id", "users"))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("notifications")
                .if_not_exists()
                .col(pk_auto("id"))
                .col(integer("user_id"))
                .col(integer_null("project_id"))
                .col(string_len("kind", 32))
                .col(string_len("dedup_key", 255).unique_key())
                .col(text("params"))
                .col(string_len("link", 512))
                .col(boolean("overdue").default(false))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone_null("read_at"))
                .col(string_len("delivery", 16))
                .col(timestamp_with_time_zone_null("delivered_at"))
                .foreign_key(&mut fk("notifications", "user_id", "users"))
                .to_owned(),
        )
        .await?;
        index(m, "notifications", &["user_id", "read_at"], false).await?;
        index(m, "notifications", &["delivery", "delivered_at"], false).await?;
        m.create_table(
            Table::create()
                .table("notify_prefs")
                .if_not_exists()
                .col(pk_auto("id"))
                .col(integer("user_id"))
                .col(string_len("kind", 32))
                .col(string_len("mode", 16))
                .foreign_key(&mut fk("notify_prefs", "user_id", "users"))
                .to_owned(),
        )
        .await?;
        index(m, "notify_prefs", &["user_id", "kind"], true).await?;
        m.create_table(
            mutable(
                Table::create()
                    .table("notify_settings")
                    .if_not_exists()
                    .col(pk_auto("id"))
                    .col(integer("user_id").unique_key())
                    .col(string_len("time_zone", 64))
                    .col(integer("digest_hour"))
                    .col(integer("weekly_day"))
                    .col(date_null("last_daily"))
                    .col(date_null("last_weekly"))
                    .foreign_key(&mut fk("notify_settings", "user_id", "users"))
                    .to_owned(),
            )
            .to_owned(),
        )
        .await?;
        m.create_table(
            mutable(
                Table::create()
                    .table("comments")
                    .if_not_exists()
                    .col(pk_auto("id"))
                    .col(integer("project_id"))
                    .col(string_len("entity_kind", 32))
                    .col(integer("entity_id"))
                    .col(integer("author_id"))
                    .col(text("body"))
                    .col(boolean("edited").default(false))
                    .foreign_key(&mut fk("comments", "project_id", "projects"))
                    .to_owned(),
            )
            .to_owned(),
        )
        .await?;
        index(m, "comments", &["project_id", "entity_kind", "entity_id"], false).await?;
        m.create_table(
            Table::create()
                .table("comment_revisions")
                .if_not_exists()
                .col(pk_auto("id"))
                .col(integer("comment_id"))
                .col(text("body"))
                .col(timestamp_with_time_zone("created_at"))
                .foreign_key(&mut fk("comment_revisions", "comment_id", "comments"))
                .to_owned(),
        )
        .await?;
        index(m, "comment_revisions", &["comment_id"], false).await?;
        m.create_table(
            Table::create()
                .table("attachments")
                .if_not_exists()
                .col(pk_auto("id"))
                .col(integer("project_id"))
                .col(string_len("entity_kind", 32))
                .col(integer("entity_id"))
                .col(string_len("file_name", 255))
                .col(string_len("content_type", 127))
                .col(integer("file_version"))
                .col(big_integer("size"))
                .col(string_len("sha256", 64))
                .col(blob("bytes"))
                .col(integer("uploaded_by"))
                .col(timestamp_with_time_zone("created_at"))
                .foreign_key(&mut fk("attachments", "project_id", "projects"))
                .to_owned(),
        )
        .await?;
        index(m, "attachments", &["project_id", "entity_kind", "entity_id"], false).await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for t in [
            "attachments",
            "comment_revisions",
            "comments",
            "notify_settings",
            "notify_prefs",
            "notifications",
            "password_resets",
            "invitations",
        ] {
            m.drop_table(Table::drop().table(t).to_owned()).await?;
        }
        Ok(())
    }
}
