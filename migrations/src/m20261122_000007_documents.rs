//! Generated deliverable documents (PDFs): every version kept with its exact bytes, who
//! generated it and when, its SHA-256, and the deliverable it is attached to when one fits.
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("documents")
                .if_not_exists()
                .col(pk_auto("id"))
                .col(integer("project_id"))
                .col(string_len("kind", 32))
                .col(string_len("lang", 8))
                .col(integer("doc_version"))
                .col(integer_null("deliverable_id"))
                .col(string_len("sha256", 64))
                .col(big_integer("size"))
                .col(integer("pages"))
                .col(blob("bytes"))
                .col(integer_null("created_by"))
                .col(timestamp_with_time_zone("created_at"))
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_documents_project_id")
                        .from("documents", "project_id")
                        .to("projects", "id")
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .foreign_key(
                    ForeignKey::create()
                        .name("fk_documents_deliverable_id")
                        .from("documents", "deliverable_id")
                        .to("deliverables", "id")
                        .on_delete(ForeignKeyAction::SetNull),
                )
                .take(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_documents_project_id_kind_lang_doc_version")
                .table("documents")
                .col("project_id")
                .col("kind")
                .col("lang")
                .col("doc_version")
                .unique()
                .if_not_exists()
                .take(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table("documents").if_exists().take()).await
    }
}
