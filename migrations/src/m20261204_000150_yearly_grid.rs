//! Issue 15, points 10 and 11: business-case cost and benefit lines with amounts per year (a
//! yearly grid from a start year), and the earned-value figures stored with each project's
//! health so that the portfolio shows them without reading every project's plan.
use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

async fn add(m: &SchemaManager<'_>, table: &'static str, col: ColumnDef) -> Result<(), DbErr> {
    m.alter_table(Table::alter().table(table).add_column(col).to_owned()).await
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for t in ["bc_costs", "bc_benefits"] {
            // The calendar year of the grid's first amount; NULL for the shorthand lines.
            add(m, t, integer_null("grid_start")).await?;
            // The amounts in minor units, one a year from `grid_start`, as a JSON array.
            add(m, t, text_null("grid_minor")).await?;
        }
        add(m, "project_health", big_integer_null("budget_minor")).await?;
        add(m, "project_health", big_integer_null("actual_minor")).await?;
        add(m, "project_health", double_null("cpi")).await?;
        add(m, "project_health", double_null("spi")).await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for t in ["bc_costs", "bc_benefits"] {
            for c in ["grid_start", "grid_minor"] {
                m.alter_table(Table::alter().table(t).drop_column(c).to_owned()).await?;
            }
        }
        for c in ["budget_minor", "actual_minor", "cpi", "spi"] {
            m.alter_table(Table::alter().table("project_health").drop_column(c).to_owned()).await?;
        }
        Ok(())
    }
}
