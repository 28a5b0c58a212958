//! Hardening: project creators marked by an admin, login failures and lockouts per account,
//! the last activity of a session (idle time-out), and the organisation tiers of projects
//! made before the tiers were created with the project (a GET no longer creates them).
use sea_orm_migration::sea_orm::{ConnectionTrait, Statement};
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// Front-office modules and the department whose functional group adopts them, as the
/// application had them when this migration was written (`domain::org::MODULE_DEPARTMENTS`).
const MODULE_DEPARTMENTS: &[(&str, &str)] = &[("marketing", "marketing"), ("sales", "sales"), ("service", "service")];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // SQLite alters one column per statement.
        for col in [
            boolean("project_creator").default(false).take(),
            integer("failed_logins").default(0).take(),
            timestamp_with_time_zone_null("locked_until").take(),
        ] {
            m.alter_table(Table::alter().table("users").add_column(col).take()).await?;
        }
        m.alter_table(
            Table::alter().table("sessions").add_column(timestamp_with_time_zone_null("last_seen_at")).take(),
        )
        .await?;

        backfill_org_units(m.get_connection()).await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(Table::alter().table("sessions").drop_column("last_seen_at").take()).await?;
        for col in ["locked_until", "failed_logins", "project_creator"] {
            m.alter_table(Table::alter().table("users").drop_column(col).take()).await?;
        }
        Ok(())
    }
}

/// The three tiers (steering committee, project team, a functional group per front-office
/// department in scope and IT) of every project that has none, as `service::organisation::
/// create_tiers` makes them with a new project. Public so a test can run it on a project
/// made without tiers.
pub async fn backfill_org_units<C: ConnectionTrait>(c: &C) -> Result<(), DbErr> {
    let backend = c.get_database_backend();
    let rows = c
        .query_all_raw(Statement::from_string(
            backend,
            "SELECT id, modules FROM projects p WHERE NOT EXISTS (SELECT 1 FROM org_units u WHERE u.project_id = p.id)",
        ))
        .await?;
    let now = sea_orm_migration::sea_orm::prelude::ChronoUtc::now();
    for row in rows {
        let id: i32 = row.try_get_by_index(0)?;
        let modules: String = row.try_get_by_index(1)?;
        let mut units: Vec<(String, &str, Option<&str>, i32)> =
            vec![("steering".into(), "steering", None, 1), ("team".into(), "team", None, 2)];
        let mut depts: Vec<&str> = MODULE_DEPARTMENTS
            .iter()
            .filter(|(module, _)| modules.split(',').any(|x| x == *module))
            .map(|(_, d)| *d)
            .collect();
        depts.push("it");
        for (i, d) in depts.into_iter().enumerate() {
            units.push((format!("group:{d}"), "group", Some(d), 10 + i as i32));
        }
        for (key, kind, dept, seq) in units {
            let q = Query::insert()
                .into_table("org_units")
                .columns([
                    "project_id",
                    "key",
                    "kind",
                    "department",
                    "name",
                    "seq",
                    "version",
                    "created_at",
                    "updated_at",
                ])
                .values([
                    id.into(),
                    key.into(),
                    kind.into(),
                    dept.map(str::to_string).into(),
                    "".into(),
                    seq.into(),
                    1.into(),
                    now.into(),
                    now.into(),
                ])
                .map_err(|e| DbErr::Migration(e.to_string()))?
                .to_owned();
            c.execute_raw(backend.build(&q)).await?;
        }
    }
    Ok(())
}
