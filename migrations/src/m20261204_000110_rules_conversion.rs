//! Phase 6 completed (issue 13): operating rules and procedures for the new system, data
//! conversion trial loads per data source, and the day a defect was closed (the open-defects
//! chart counts a defect open until then).
use crate::helpers::{fk, index, mutable};
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(mutable(
            Table::create()
                .table("operating_rules")
                .if_not_exists()
                .col(pk_auto("id"))
                .col(integer("project_id"))
                .col(string_len("title", 300))
                .col(integer_null("blueprint_id"))
                .col(string_len("owner", 200))
                .col(text("body"))
                .col(string_len("approved_by", 200))
                .col(date_null("approved_on"))
                .col(date_null("effective_on"))
                .foreign_key(&mut fk("operating_rules", "project_id", "projects"))
                .take(),
        ))
        .await?;
        index(m, "operating_rules", &["project_id"], false).await?;

        m.create_table(mutable(
            Table::create()
                .table("conversion_trials")
                .if_not_exists()
                .col(pk_auto("id"))
                .col(integer("project_id"))
                .col(integer("source_id"))
                .col(date("trial_on"))
                .col(big_integer("source_count"))
                .col(big_integer("loaded"))
                .col(big_integer("rejected"))
                .col(big_integer("reconciled"))
                .col(text("notes"))
                .foreign_key(&mut fk("conversion_trials", "project_id", "projects"))
                .foreign_key(&mut fk("conversion_trials", "source_id", "data_sources"))
                .take(),
        ))
        .await?;
        index(m, "conversion_trials", &["project_id"], false).await?;

        m.alter_table(Table::alter().table("defects").add_column(date_null("closed_on")).take()).await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(Table::alter().table("defects").drop_column("closed_on").take()).await?;
        m.drop_table(Table::drop().table("conversion_trials").take()).await?;
        m.drop_table(Table::drop().table("operating_rules").take()).await
    }
}
