//! The outbox: messages to the outside (e-mail, webhooks) written in the same transaction as
//! the change that causes them and delivered by a background worker, so a rolled-back change
//! sends nothing and a message survives the receiver being down. `dedup_key` is unique: the
//! same message enqueued twice is stored once.
use crate::helpers::index;
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("outbox")
                .if_not_exists()
                .col(pk_auto("id"))
                .col(string_len("channel", 32))
                .col(string_len("dedup_key", 255).unique_key())
                .col(text("payload"))
                .col(timestamp_with_time_zone("created_at"))
                .col(integer("attempts").default(0))
                .col(timestamp_with_time_zone("next_attempt_at"))
                .col(timestamp_with_time_zone_null("claimed_until"))
                .col(string_len_null("claimed_by", 64))
                .col(timestamp_with_time_zone_null("sent_at"))
                .col(timestamp_with_time_zone_null("failed_at"))
                .col(text_null("last_error"))
                .to_owned(),
        )
        .await?;
        index(m, "outbox", &["sent_at", "next_attempt_at"], false).await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table("outbox").to_owned()).await
    }
}
