//! A stamp on each project's stored health, new with every write transaction that touches
//! the project: views of the project computed under one stamp hold until the next
//! (`service::views`).
use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(Table::alter().table("project_health").add_column(big_integer("stamp").default(0)).to_owned())
            .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(Table::alter().table("project_health").drop_column("stamp").to_owned()).await
    }
}
