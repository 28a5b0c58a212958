//! `project_health`: each project's rolled-up health as last derived by a write (or by the
//! refresher when its day passed), so the portfolio can filter, sort, count and page its
//! projects in SQL without recomputing every project's health per request.
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("project_health")
                .if_not_exists()
                .col(integer("project_id").primary_key())
                // The project's today (its time zone) the row was derived for.
                .col(date("computed_on"))
                // The version of the health rules that derived it.
                .col(integer("rules"))
                .col(string_len("rag", 8))
                .col(big_integer("days_late"))
                // i18n keys of the reasons, worst first, comma-separated.
                .col(string_len("reasons", 1000))
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_project_health_project_id")
                        .from("project_health", "project_id")
                        .to("projects", "id")
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table("project_health").to_owned()).await
    }
}
