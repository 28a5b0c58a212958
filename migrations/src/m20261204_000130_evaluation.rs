//! Phase 9, evaluation: the explained gap of each target, how a benefit line realises from
//! its target (unit value), the business case's recorded actual costs, lessons learned, the
//! improvement backlog, and the record of the next wave started from a project.
use crate::helpers::{fk, index, mutable};
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(mutable(
            Table::create()
                .table("eval_gaps")
                .if_not_exists()
                .col(pk_auto("id"))
                .col(integer("project_id"))
                .col(integer("target_id"))
                .col(text("explanation"))
                .foreign_key(&mut fk("eval_gaps", "project_id", "projects"))
                .foreign_key(&mut fk("eval_gaps", "target_id", "targets"))
                .take(),
        ))
        .await?;
        index(m, "eval_gaps", &["target_id"], true).await?;

        m.create_table(mutable(
            Table::create()
                .table("eval_benefit_rules")
                .if_not_exists()
                .col(pk_auto("id"))
                .col(integer("project_id"))
                .col(integer("benefit_id"))
                .col(integer_null("target_id"))
                .col(big_integer("unit_value_minor"))
                .foreign_key(&mut fk("eval_benefit_rules", "project_id", "projects"))
                .foreign_key(&mut fk("eval_benefit_rules", "benefit_id", "bc_benefits"))
                .take(),
        ))
        .await?;
        index(m, "eval_benefit_rules", &["benefit_id"], true).await?;

        m.create_table(mutable(
            Table::create()
                .table("eval_costs")
                .if_not_exists()
                .col(pk_auto("id"))
                .col(integer("project_id"))
                .col(date("incurred_on"))
                .col(big_integer("amount_minor"))
                .col(string_len("description", 300))
                .foreign_key(&mut fk("eval_costs", "project_id", "projects"))
                .take(),
        ))
        .await?;
        index(m, "eval_costs", &["project_id"], false).await?;

        m.create_table(mutable(
            Table::create()
                .table("lessons")
                .if_not_exists()
                .col(pk_auto("id"))
                .col(integer("project_id"))
                .col(string_len("outcome", 16))
                .col(string_len("category", 32))
                .col(string_len("source", 16))
                .col(text("description"))
                .col(text("recommendation"))
                .foreign_key(&mut fk("lessons", "project_id", "projects"))
                .take(),
        ))
        .await?;
        index(m, "lessons", &["project_id"], false).await?;

        m.create_table(mutable(
            Table::create()
                .table("improvements")
                .if_not_exists()
                .col(pk_auto("id"))
                .col(integer("project_id"))
                .col(string_len("item", 300))
                .col(string_len("value", 8))
                .col(string_len("effort", 8))
                .col(string_len("status", 16))
                .col(string_len("owner", 200))
                .col(date_null("due_on"))
                .col(integer_null("carried_from"))
                .foreign_key(&mut fk("improvements", "project_id", "projects"))
                .take(),
        ))
        .await?;
        index(m, "improvements", &["project_id"], false).await?;

        m.create_table(mutable(
            Table::create()
                .table("next_waves")
                .if_not_exists()
                .col(pk_auto("id"))
                .col(integer("project_id"))
                .col(integer("next_project_id"))
                .col(text("carried"))
                .foreign_key(&mut fk("next_waves", "project_id", "projects"))
                .foreign_key(&mut fk("next_waves", "next_project_id", "projects"))
                .take(),
        ))
        .await?;
        index(m, "next_waves", &["project_id"], true).await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for t in ["next_waves", "improvements", "lessons", "eval_costs", "eval_benefit_rules", "eval_gaps"] {
            m.drop_table(Table::drop().table(t).if_exists().to_owned()).await?;
        }
        Ok(())
    }
}
