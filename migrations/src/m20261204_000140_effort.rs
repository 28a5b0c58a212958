//! Effort, continued (issue #15): a budget line made by an approved change request keeps the
//! request it came from, the trace from the budget back to the decision.
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(Table::alter().table("budget_lines").add_column(integer_null("change_request_id")).take()).await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(Table::alter().table("budget_lines").drop_column("change_request_id").take()).await
    }
}
