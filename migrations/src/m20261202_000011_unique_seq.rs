//! An activity's order number is unique within its phase. Adding activities at once used to
//! give two of them the same number on PostgreSQL; those are renumbered (in their order,
//! ties by id) before the unique index makes it impossible.
use super::helpers::index;
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let c = m.get_connection();
        // Ranks first, into a table of their own (not TEMPORARY: the statements may run on
        // different connections): an UPDATE ranking its own table would see its own changes.
        c.execute_unprepared(
            "CREATE TABLE ninefold_seq_fix AS \
             SELECT a.id AS id, (SELECT COUNT(*) FROM activities b WHERE b.phase_id = a.phase_id \
               AND (b.seq < a.seq OR (b.seq = a.seq AND b.id <= a.id))) AS rank \
             FROM activities a WHERE a.phase_id IN \
               (SELECT phase_id FROM activities GROUP BY phase_id, seq HAVING COUNT(*) > 1)",
        )
        .await?;
        c.execute_unprepared(
            "UPDATE activities SET seq = (SELECT rank FROM ninefold_seq_fix f WHERE f.id = activities.id) \
             WHERE id IN (SELECT id FROM ninefold_seq_fix)",
        )
        .await?;
        c.execute_unprepared("DROP TABLE ninefold_seq_fix").await?;
        index(m, "activities", &["phase_id", "seq"], true).await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_index(Index::drop().name("ix_activities_phase_id_seq").table("activities").to_owned()).await
    }
}
