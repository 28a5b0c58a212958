//! One truth per figure: a project's time zone (its "today"), and training costs in the
//! currency's own minor units (they were stored ×100 whatever the currency, so a JPY
//! session of ¥5,000 read 500000; one money module now serves every amount).
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter().table("projects").add_column(string_len("time_zone", 64).default("Asia/Shanghai")).take(),
        )
        .await?;
        // Currencies without minor units (ISO 4217 exponent 0): the old parser stored ×100.
        m.get_connection()
            .execute_unprepared(
                "UPDATE training_sessions SET cost = cost / 100 \
                 WHERE project_id IN (SELECT id FROM projects WHERE currency IN ('JPY', 'KRW'))",
            )
            .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.get_connection()
            .execute_unprepared(
                "UPDATE training_sessions SET cost = cost * 100 \
                 WHERE project_id IN (SELECT id FROM projects WHERE currency IN ('JPY', 'KRW'))",
            )
            .await?;
        m.alter_table(Table::alter().table("projects").drop_column("time_zone").take()).await
    }
}
