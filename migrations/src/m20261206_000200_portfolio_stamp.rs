//! `portfolio_stamps`: one stamp per user, new with every write transaction that touches
//! one of the user's projects (or their membership of one), so the kept portfolio checks its
//! freshness in one row however many projects the user has (`service::views::of_portfolio`).
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("portfolio_stamps")
                .if_not_exists()
                .col(integer("user_id").primary_key())
                .col(big_integer("stamp"))
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_portfolio_stamps_user_id")
                        .from("portfolio_stamps", "user_id")
                        .to("users", "id")
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        // Existing users start with a stamp, so their portfolios are kept from the first
        // request on. Any value will do: no view was kept under it, and memory starts empty.
        let seed = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| (d.as_nanos() as i64 & i64::MAX) | 1)
            .unwrap_or(1);
        m.get_connection()
            .execute_unprepared(&format!("INSERT INTO portfolio_stamps (user_id, stamp) SELECT id, {seed} FROM users"))
            .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table("portfolio_stamps").to_owned()).await
    }
}
