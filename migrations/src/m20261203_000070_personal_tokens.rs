//! Personal access tokens: a user's own bearer tokens for the JSON API (read or read-write),
//! beside the per-project tokens the running CRM pushes measurements with. Only the SHA-256
//! of a token is kept; the clear text is shown once when it is made.
use crate::helpers::{fk, index};
use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("personal_tokens")
                .if_not_exists()
                .col(pk_auto("id"))
                .col(integer("user_id"))
                .col(string_len("name", 200))
                .col(string_len("scope", 16))
                .col(string_len("token_hash", 64))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone_null("expires_at"))
                .col(timestamp_with_time_zone_null("last_used_at"))
                .col(timestamp_with_time_zone_null("revoked_at"))
                .foreign_key(&mut fk("personal_tokens", "user_id", "users"))
                .take(),
        )
        .await?;
        index(m, "personal_tokens", &["token_hash"], true).await?;
        index(m, "personal_tokens", &["user_id"], false).await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table("personal_tokens").to_owned()).await
    }
}
