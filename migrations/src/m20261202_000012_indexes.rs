//! Every project-scoped table gets an index led by `project_id` (a page's queries filter by
//! project; without one, SQLite scans the whole table, so a project's pages slowed down as
//! other projects were added). Where a page also orders by a column, it follows.
use crate::helpers::index;
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// (table, columns): the new indexes.
const INDEXES: &[(&str, &[&str])] = &[
    ("activities", &["project_id", "phase_id", "seq"]),
    ("deliverables", &["project_id", "phase_id", "seq"]),
    ("phase_decisions", &["project_id", "id"]),
    ("bc_scenarios", &["project_id"]),
    ("bc_costs", &["project_id"]),
    ("bc_benefits", &["project_id"]),
    ("module_features", &["project_id"]),
    ("measurements", &["project_id", "target_id"]),
    ("api_tokens", &["project_id"]),
    ("baselines", &["project_id"]),
    ("calendar_feeds", &["project_id"]),
    ("quality_checks", &["project_id"]),
    ("blueprint_revisions", &["project_id"]),
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for (table, cols) in INDEXES {
            index(m, table, cols, false).await?;
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for (table, cols) in INDEXES {
            let mut drop = Index::drop();
            drop.name(format!("ix_{table}_{}", cols.join("_"))).table(*table);
            m.drop_index(drop).await?;
        }
        Ok(())
    }
}
