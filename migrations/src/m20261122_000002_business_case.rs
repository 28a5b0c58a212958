//! The business case (issue 6): one case per project, its scenarios, cost lines and benefit
//! lines. Money is integer minor units (BIGINT); rates are decimals (DOUBLE).
use crate::helpers::{fk, index, mutable};
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // `plan_revision` counts changes to the plan (scenarios and lines); an approval
        // records the revision it approved together with a frozen JSON snapshot, so a later
        // change is visible as "changed since approval" and needs approving again.
        m.create_table(mutable(
            Table::create()
                .table("business_cases")
                .if_not_exists()
                .col(pk_auto("id"))
                .col(integer("project_id"))
                .col(integer("plan_revision").default(1))
                .col(integer_null("approved_revision"))
                .col(integer_null("approved_by"))
                .col(timestamp_with_time_zone_null("approved_at"))
                .col(text_null("approved_snapshot"))
                .foreign_key(&mut fk("business_cases", "project_id", "projects"))
                .take(),
        ))
        .await?;
        index(m, "business_cases", &["project_id"], true).await?;

        m.create_table(mutable(
            Table::create()
                .table("bc_scenarios")
                .if_not_exists()
                .col(pk_auto("id"))
                .col(integer("case_id"))
                .col(integer("project_id"))
                .col(string_len("name", 100))
                .col(integer("horizon_years"))
                .col(double("discount_rate"))
                .col(integer("start_year"))
                .col(integer("cost_factor_pct"))
                .col(integer("benefit_factor_pct"))
                .foreign_key(&mut fk("bc_scenarios", "case_id", "business_cases"))
                .take(),
        ))
        .await?;
        index(m, "bc_scenarios", &["case_id"], false).await?;

        m.create_table(mutable(
            Table::create()
                .table("bc_costs")
                .if_not_exists()
                .col(pk_auto("id"))
                .col(integer("case_id"))
                .col(integer("project_id"))
                .col(string_len("category", 32))
                .col(string_len("description", 300))
                .col(string_len("recurrence", 16))
                .col(big_integer("amount_minor"))
                .col(double("growth_rate"))
                .foreign_key(&mut fk("bc_costs", "case_id", "business_cases"))
                .take(),
        ))
        .await?;
        index(m, "bc_costs", &["case_id"], false).await?;

        // `target_key` will link a benefit to a measurable target once targets exist; it is
        // plain text without a foreign key until then.
        m.create_table(mutable(
            Table::create()
                .table("bc_benefits")
                .if_not_exists()
                .col(pk_auto("id"))
                .col(integer("case_id"))
                .col(integer("project_id"))
                .col(string_len("kind", 32))
                .col(string_len("description", 300))
                .col(big_integer("amount_minor"))
                .col(big_integer("hours"))
                .col(double("margin"))
                .col(double("growth_rate"))
                .col(integer("first_year"))
                .col(double("risk_adjustment"))
                .col(boolean("include_in_roi"))
                .col(string_len_null("target_key", 64))
                .col(big_integer_null("realised_minor"))
                .col(date_null("realised_as_of"))
                .foreign_key(&mut fk("bc_benefits", "case_id", "business_cases"))
                .take(),
        ))
        .await?;
        index(m, "bc_benefits", &["case_id"], false).await?;
        Ok(())
    }
}
