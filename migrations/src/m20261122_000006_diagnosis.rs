//! Analysis and diagnosis (phase 3), the business blueprint (phase 4), data preparation and
//! the risk register: as-is processes with their scores, fishbone analyses, CRM environments,
//! data sources with quality checks over time, to-be processes with their revisions, risks.
use crate::helpers::{fk, index, mutable};
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(mutable(
            Table::create()
                .table("processes")
                .if_not_exists()
                .col(pk_auto("id"))
                .col(integer("project_id"))
                .col(string_len("module_key", 64))
                .col(string_len("name", 300))
                .col(text("as_is"))
                .col(string_len("owner_dept", 200))
                .col(string_len("volume", 200))
                .col(text("pain_points"))
                .col(text("systems"))
                .col(integer_null("importance"))
                .col(integer_null("performance"))
                .col(integer_null("feasibility"))
                .col(text("justification"))
                .col(boolean("selected").default(false))
                .foreign_key(&mut fk("processes", "project_id", "projects"))
                .take(),
        ))
        .await?;
        index(m, "processes", &["project_id"], false).await?;

        m.create_table(mutable(
            Table::create()
                .table("fishbones")
                .if_not_exists()
                .col(pk_auto("id"))
                .col(integer("project_id"))
                .col(integer_null("process_id"))
                .col(string_len("effect", 300))
                .col(text("causes"))
                .foreign_key(&mut fk("fishbones", "project_id", "projects"))
                .take(),
        ))
        .await?;
        index(m, "fishbones", &["project_id"], false).await?;

        m.create_table(mutable(
            Table::create()
                .table("environments")
                .if_not_exists()
                .col(pk_auto("id"))
                .col(integer("project_id"))
                .col(string_len("kind", 24))
                .col(text("sizing"))
                .col(date_null("installed_on"))
                .col(text("security_roles"))
                .col(boolean("admin_trained").default(false))
                .foreign_key(&mut fk("environments", "project_id", "projects"))
                .take(),
        ))
        .await?;
        index(m, "environments", &["project_id", "kind"], true).await?;

        m.create_table(mutable(
            Table::create()
                .table("data_sources")
                .if_not_exists()
                .col(pk_auto("id"))
                .col(integer("project_id"))
                .col(string_len("name", 200))
                .col(string_len("entity", 64))
                .col(big_integer("record_count").default(0))
                .col(string_len("owner", 200))
                .col(string_len("cleansing", 24))
                .col(string_len("migration", 24))
                .foreign_key(&mut fk("data_sources", "project_id", "projects"))
                .take(),
        ))
        .await?;
        index(m, "data_sources", &["project_id"], false).await?;

        m.create_table(
            Table::create()
                .table("quality_checks")
                .if_not_exists()
                .col(pk_auto("id"))
                .col(integer("project_id"))
                .col(integer("source_id"))
                .col(date("measured_on"))
                .col(double("completeness"))
                .col(double("duplicates"))
                .col(double("validity"))
                .col(integer("created_by"))
                .col(timestamp_with_time_zone("created_at"))
                .foreign_key(&mut fk("quality_checks", "source_id", "data_sources"))
                .take(),
        )
        .await?;
        index(m, "quality_checks", &["source_id", "measured_on"], true).await?;

        m.create_table(mutable(
            Table::create()
                .table("blueprints")
                .if_not_exists()
                .col(pk_auto("id"))
                .col(integer("project_id"))
                .col(integer_null("process_id"))
                .col(string_len("name", 300))
                .col(text("content"))
                .col(integer("revision").default(1))
                .foreign_key(&mut fk("blueprints", "project_id", "projects"))
                .take(),
        ))
        .await?;
        index(m, "blueprints", &["project_id"], false).await?;

        m.create_table(
            Table::create()
                .table("blueprint_revisions")
                .if_not_exists()
                .col(pk_auto("id"))
                .col(integer("project_id"))
                .col(integer("blueprint_id"))
                .col(integer("revision"))
                .col(text("content"))
                .col(text("reason"))
                .col(integer("created_by"))
                .col(timestamp_with_time_zone("created_at"))
                .foreign_key(&mut fk("blueprint_revisions", "blueprint_id", "blueprints"))
                .take(),
        )
        .await?;
        index(m, "blueprint_revisions", &["blueprint_id", "revision"], true).await?;

        m.create_table(mutable(
            Table::create()
                .table("risks")
                .if_not_exists()
                .col(pk_auto("id"))
                .col(integer("project_id"))
                .col(string_len_null("factor_key", 64))
                .col(string_len("title", 300))
                .col(text("description"))
                .col(string_len("category", 32))
                .col(integer_null("probability"))
                .col(integer_null("impact"))
                .col(string_len("owner", 200))
                .col(text("mitigation"))
                .col(text("contingency"))
                .col(string_len("status", 16))
                .col(text("dismiss_reason"))
                .col(date_null("review_date"))
                .foreign_key(&mut fk("risks", "project_id", "projects"))
                .take(),
        ))
        .await?;
        index(m, "risks", &["project_id", "factor_key"], true).await?;
        Ok(())
    }
}
