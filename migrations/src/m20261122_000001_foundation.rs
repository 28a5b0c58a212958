//! The foundation: users and sessions, projects built from a playbook, their phases,
//! activities, deliverables, phase decisions, members and the audit log.
use crate::helpers::{fk, index, mutable};
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(mutable(
            Table::create()
                .table("users")
                .if_not_exists()
                .col(pk_auto("id"))
                .col(string_len("email", 254))
                .col(string_len("name", 200))
                .col(string("password_hash"))
                .col(boolean("is_admin").default(false))
                .col(string_len_null("locale", 8))
                .take(),
        ))
        .await?;
        index(m, "users", &["email"], true).await?;

        // The cookie carries a random token; only its SHA-256 is stored, so a leaked
        // database does not hand out live sessions.
        m.create_table(
            Table::create()
                .table("sessions")
                .if_not_exists()
                .col(string_len("id", 64).primary_key())
                .col(integer("user_id"))
                .col(string_len("csrf_token", 64))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone("expires_at"))
                .foreign_key(&mut fk("sessions", "user_id", "users"))
                .take(),
        )
        .await?;
        index(m, "sessions", &["user_id"], false).await?;

        m.create_table(mutable(
            Table::create()
                .table("projects")
                .if_not_exists()
                .col(pk_auto("id"))
                .col(string_len("name", 200))
                .col(string_len("client_name", 200))
                .col(string_len("industry", 32))
                .col(date("start_date"))
                .col(string_len("currency", 3))
                .col(string("modules"))
                .col(string_len("playbook_key", 64))
                .col(text("playbook_snapshot"))
                .col(string_len("status", 16))
                .take(),
        ))
        .await?;

        m.create_table(mutable(
            Table::create()
                .table("project_members")
                .if_not_exists()
                .col(pk_auto("id"))
                .col(integer("project_id"))
                .col(integer("user_id"))
                .col(string_len("role", 16))
                .foreign_key(&mut fk("project_members", "project_id", "projects"))
                .foreign_key(&mut fk("project_members", "user_id", "users"))
                .take(),
        ))
        .await?;
        index(m, "project_members", &["project_id", "user_id"], true).await?;
        index(m, "project_members", &["user_id"], false).await?;

        m.create_table(mutable(
            Table::create()
                .table("phases")
                .if_not_exists()
                .col(pk_auto("id"))
                .col(integer("project_id"))
                .col(integer("seq"))
                .col(string_len("key", 64))
                .col(string("name_en"))
                .col(string("name_zh"))
                .col(date("planned_start"))
                .col(date("planned_finish"))
                .col(date_null("actual_start"))
                .col(date_null("actual_finish"))
                .col(string_len("status", 16))
                .foreign_key(&mut fk("phases", "project_id", "projects"))
                .take(),
        ))
        .await?;
        index(m, "phases", &["project_id", "seq"], true).await?;

        m.create_table(mutable(
            Table::create()
                .table("activities")
                .if_not_exists()
                .col(pk_auto("id"))
                .col(integer("project_id"))
                .col(integer("phase_id"))
                .col(integer("seq"))
                .col(string_len_null("key", 64))
                .col(string("name_en"))
                .col(string("name_zh"))
                .col(string_len("tier", 32))
                .col(date("planned_start"))
                .col(date("planned_finish"))
                .col(string_len("status", 16))
                .foreign_key(&mut fk("activities", "project_id", "projects"))
                .foreign_key(&mut fk("activities", "phase_id", "phases"))
                .take(),
        ))
        .await?;
        index(m, "activities", &["phase_id"], false).await?;

        m.create_table(mutable(
            Table::create()
                .table("deliverables")
                .if_not_exists()
                .col(pk_auto("id"))
                .col(integer("project_id"))
                .col(integer("phase_id"))
                .col(integer("seq"))
                .col(string_len("key", 64))
                .col(string("name_en"))
                .col(string("name_zh"))
                .col(text("acceptance"))
                .col(boolean("is_gate"))
                .col(date("due_date"))
                .col(string_len("status", 16))
                .col(text("notes"))
                .col(text_null("review_comment"))
                .col(integer_null("reviewed_by"))
                .col(timestamp_with_time_zone_null("reviewed_at"))
                .foreign_key(&mut fk("deliverables", "project_id", "projects"))
                .foreign_key(&mut fk("deliverables", "phase_id", "phases"))
                .take(),
        ))
        .await?;
        index(m, "deliverables", &["phase_id"], false).await?;

        m.create_table(
            Table::create()
                .table("phase_decisions")
                .if_not_exists()
                .col(pk_auto("id"))
                .col(integer("project_id"))
                .col(integer("phase_id"))
                .col(string_len("decision", 24))
                .col(text("rationale"))
                .col(integer("decided_by"))
                .col(timestamp_with_time_zone("decided_at"))
                .foreign_key(&mut fk("phase_decisions", "project_id", "projects"))
                .foreign_key(&mut fk("phase_decisions", "phase_id", "phases"))
                .take(),
        )
        .await?;
        index(m, "phase_decisions", &["phase_id"], false).await?;

        // Append-only; no foreign keys so that history outlives what it describes.
        m.create_table(
            Table::create()
                .table("audit_log")
                .if_not_exists()
                .col(big_pk_auto("id"))
                .col(timestamp_with_time_zone("at"))
                .col(integer_null("user_id"))
                .col(integer_null("project_id"))
                .col(string_len("entity", 32))
                .col(integer("entity_id"))
                .col(string_len("action", 32))
                .col(text_null("before"))
                .col(text_null("after"))
                .take(),
        )
        .await?;
        index(m, "audit_log", &["project_id", "id"], false).await?;
        Ok(())
    }
}
