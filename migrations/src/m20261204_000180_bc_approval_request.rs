//! A business case can be put before the steering committee for approval: the revision it
//! was asked for, who asked and when. Its approval then waits in the approvers' inboxes until
//! they approve that revision (or the plan changes and it has to be asked for again).
use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // One column per statement: SQLite's ALTER TABLE adds one at a time.
        for col in [integer_null("requested_revision"), integer_null("requested_by")] {
            m.alter_table(Table::alter().table("business_cases").add_column(col).to_owned()).await?;
        }
        m.alter_table(
            Table::alter().table("business_cases").add_column(timestamp_with_time_zone_null("requested_at")).to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for c in ["requested_revision", "requested_by", "requested_at"] {
            m.alter_table(Table::alter().table("business_cases").drop_column(c).to_owned()).await?;
        }
        Ok(())
    }
}
