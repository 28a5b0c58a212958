//! The project organisation (people, the three tiers, memberships) and the training plan
//! (sessions and attendance); owners of activities and deliverables.
use crate::helpers::{fk, index, mutable};
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // People are records of their own; a user account is optional (most client staff
        // never log in).
        m.create_table(mutable(
            Table::create()
                .table("people")
                .if_not_exists()
                .col(pk_auto("id"))
                .col(integer("project_id"))
                .col(string_len("name", 200))
                .col(string_len("title", 200))
                .col(string_len("department", 32))
                .col(string_len("side", 16))
                .col(string_len("email", 254))
                .col(string_len("phone", 64))
                .col(integer_null("user_id"))
                .foreign_key(&mut fk("people", "project_id", "projects"))
                .take(),
        ))
        .await?;
        index(m, "people", &["project_id"], false).await?;

        // Steering committee, project team, functional groups. `key` ("steering", "team",
        // "group:sales", …) keeps each tier unique per project even when created lazily.
        m.create_table(mutable(
            Table::create()
                .table("org_units")
                .if_not_exists()
                .col(pk_auto("id"))
                .col(integer("project_id"))
                .col(string_len("key", 64))
                .col(string_len("kind", 16))
                .col(string_len_null("department", 32))
                .col(string_len("name", 200))
                .col(integer("seq"))
                .foreign_key(&mut fk("org_units", "project_id", "projects"))
                .take(),
        ))
        .await?;
        index(m, "org_units", &["project_id", "key"], true).await?;

        m.create_table(mutable(
            Table::create()
                .table("memberships")
                .if_not_exists()
                .col(pk_auto("id"))
                .col(integer("project_id"))
                .col(integer("unit_id"))
                .col(integer("person_id"))
                .col(string_len("role", 32))
                .col(integer("allocation"))
                .foreign_key(&mut fk("memberships", "unit_id", "org_units"))
                .foreign_key(&mut fk("memberships", "person_id", "people"))
                .take(),
        ))
        .await?;
        index(m, "memberships", &["project_id"], false).await?;
        index(m, "memberships", &["unit_id", "person_id"], true).await?;

        m.create_table(mutable(
            Table::create()
                .table("training_sessions")
                .if_not_exists()
                .col(pk_auto("id"))
                .col(integer("project_id"))
                .col(string_len("title", 300))
                .col(string_len("audience", 32))
                .col(string_len_null("audience_department", 32))
                .col(integer_null("audience_unit_id"))
                .col(integer("phase_seq"))
                .col(string_len_null("module", 32))
                .col(date("date"))
                .col(string_len("start_time", 5))
                .col(integer("duration_minutes"))
                .col(string_len("place", 200))
                .col(boolean("online"))
                .col(string_len("trainer", 200))
                .col(big_integer("cost"))
                .col(string_len("currency", 3))
                .col(boolean("hands_on"))
                .col(string_len("status", 16))
                .foreign_key(&mut fk("training_sessions", "project_id", "projects"))
                .take(),
        ))
        .await?;
        index(m, "training_sessions", &["project_id", "date"], false).await?;

        m.create_table(mutable(
            Table::create()
                .table("attendance")
                .if_not_exists()
                .col(pk_auto("id"))
                .col(integer("project_id"))
                .col(integer("session_id"))
                .col(integer("person_id"))
                .col(boolean("attended"))
                .col(integer_null("score"))
                .foreign_key(&mut fk("attendance", "session_id", "training_sessions"))
                .foreign_key(&mut fk("attendance", "person_id", "people"))
                .take(),
        ))
        .await?;
        index(m, "attendance", &["session_id", "person_id"], true).await?;
        index(m, "attendance", &["project_id"], false).await?;

        // Responsibilities: an owner (a person) and a responsible tier or group. Plain
        // nullable columns: SQLite cannot add foreign keys to an existing table.
        for table in ["activities", "deliverables"] {
            for col in ["owner_person_id", "owner_unit_id"] {
                m.alter_table(Table::alter().table(table).add_column(integer_null(col)).take()).await?;
            }
        }
        Ok(())
    }
}
