//! Budget, effort and cost control: budget lines by phase and category, commitments
//! (contracts, purchase orders), invoices and credit notes against them, cost rates with
//! validity dates, weekly timesheets and assignments of people to work.
use crate::helpers::{fk, index, mutable};
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(mutable(
            Table::create()
                .table("budget_lines")
                .if_not_exists()
                .col(pk_auto("id"))
                .col(integer("project_id"))
                .col(integer_null("phase_id"))
                .col(string_len("category", 32))
                .col(string_len("description", 300))
                .col(big_integer("amount_minor"))
                .col(string_len("source", 16))
                .foreign_key(&mut fk("budget_lines", "project_id", "projects"))
                .take(),
        ))
        .await?;
        index(m, "budget_lines", &["project_id"], false).await?;

        m.create_table(mutable(
            Table::create()
                .table("commitments")
                .if_not_exists()
                .col(pk_auto("id"))
                .col(integer("project_id"))
                .col(integer_null("phase_id"))
                .col(string_len("category", 32))
                .col(string_len("vendor", 200))
                .col(string_len("reference", 100))
                .col(big_integer("amount_minor"))
                .col(date("committed_on"))
                .foreign_key(&mut fk("commitments", "project_id", "projects"))
                .take(),
        ))
        .await?;
        index(m, "commitments", &["project_id"], false).await?;

        m.create_table(mutable(
            Table::create()
                .table("invoices")
                .if_not_exists()
                .col(pk_auto("id"))
                .col(integer("project_id"))
                .col(integer("commitment_id"))
                .col(integer_null("phase_id"))
                .col(string_len("category", 32))
                .col(string_len("vendor", 200))
                .col(string_len("reference", 100))
                .col(big_integer("amount_minor"))
                .col(boolean("credit_note").default(false))
                .col(date("invoiced_on"))
                .foreign_key(&mut fk("invoices", "project_id", "projects"))
                .foreign_key(&mut fk("invoices", "commitment_id", "commitments"))
                .take(),
        ))
        .await?;
        index(m, "invoices", &["project_id"], false).await?;

        m.create_table(mutable(
            Table::create()
                .table("cost_rates")
                .if_not_exists()
                .col(pk_auto("id"))
                .col(integer("project_id"))
                .col(integer_null("user_id"))
                .col(string_len_null("role", 16))
                .col(big_integer("rate_minor"))
                .col(date("valid_from"))
                .col(date_null("valid_to"))
                .foreign_key(&mut fk("cost_rates", "project_id", "projects"))
                .take(),
        ))
        .await?;
        index(m, "cost_rates", &["project_id"], false).await?;

        m.create_table(mutable(
            Table::create()
                .table("time_entries")
                .if_not_exists()
                .col(pk_auto("id"))
                .col(integer("project_id"))
                .col(integer("user_id"))
                .col(integer("activity_id"))
                .col(date("day"))
                .col(integer("hours_x100"))
                .col(string_len("status", 16))
                .col(integer_null("approved_by"))
                .foreign_key(&mut fk("time_entries", "project_id", "projects"))
                .foreign_key(&mut fk("time_entries", "activity_id", "activities"))
                .take(),
        ))
        .await?;
        index(m, "time_entries", &["project_id", "user_id", "activity_id", "day"], true).await?;

        m.create_table(mutable(
            Table::create()
                .table("assignments")
                .if_not_exists()
                .col(pk_auto("id"))
                .col(integer("project_id"))
                .col(string_len("item_kind", 16))
                .col(integer("item_id"))
                .col(integer("user_id"))
                .col(integer("planned_hours_x100").default(0))
                .foreign_key(&mut fk("assignments", "project_id", "projects"))
                .take(),
        ))
        .await?;
        index(m, "assignments", &["project_id", "item_kind", "item_id", "user_id"], true).await?;
        index(m, "assignments", &["user_id"], false).await?;
        Ok(())
    }
}
