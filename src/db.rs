//! Connecting to the database and running migrations. SQLite (the default) gets WAL, foreign
//! keys and a busy timeout; its writers are serialised in-process so that concurrent requests
//! queue instead of failing with "database is locked".
use migration::{Migrator, MigratorTrait};
use sea_orm::sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqliteSynchronous};
use sea_orm::{
    ConnectOptions, Database, DatabaseConnection, DatabaseTransaction, DbBackend, DbErr, SqliteTransactionMode,
    TransactionOptions, TransactionTrait,
};
use std::ops::Deref;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{Mutex, OwnedMutexGuard};

#[derive(Clone)]
pub struct Db {
    pub conn: DatabaseConnection,
    /// SQLite allows one writer at a time; queueing writers here (plus `BEGIN IMMEDIATE`
    /// and a busy timeout for other processes) keeps them from failing under load.
    write_lock: Option<Arc<Mutex<()>>>,
}

/// A write transaction. Holds the SQLite writer lock until committed or dropped.
pub struct WriteTx {
    tx: DatabaseTransaction,
    _guard: Option<OwnedMutexGuard<()>>,
}

impl Deref for WriteTx {
    type Target = DatabaseTransaction;
    fn deref(&self) -> &DatabaseTransaction {
        &self.tx
    }
}

impl WriteTx {
    pub async fn commit(self) -> Result<(), DbErr> {
        self.tx.commit().await
    }
}

impl Db {
    pub async fn connect(url: &str) -> Result<Db, DbErr> {
        let mut opts = ConnectOptions::new(url.to_string());
        opts.sqlx_logging(false).acquire_timeout(Duration::from_secs(30));
        let sqlite = url.starts_with("sqlite:");
        if sqlite {
            // An unsized SQLite pool would be capped at one connection; readers want a few.
            opts.max_connections(6).min_connections(1).map_sqlx_sqlite_opts(|o: SqliteConnectOptions| {
                o.create_if_missing(true)
                    .journal_mode(SqliteJournalMode::Wal)
                    .synchronous(SqliteSynchronous::Normal)
                    .foreign_keys(true)
                    .busy_timeout(Duration::from_secs(10))
            });
        } else {
            opts.max_connections(10);
        }
        let conn = Database::connect(opts).await?;
        Ok(Db { conn, write_lock: sqlite.then(|| Arc::new(Mutex::new(()))) })
    }

    pub async fn migrate(&self) -> Result<(), DbErr> {
        Migrator::up(&self.conn, None).await
    }

    pub fn backend(&self) -> DbBackend {
        self.conn.get_database_backend()
    }

    /// Begin a transaction that will write.
    pub async fn write(&self) -> Result<WriteTx, DbErr> {
        let guard = match &self.write_lock {
            Some(l) => Some(l.clone().lock_owned().await),
            None => None,
        };
        let mut options = TransactionOptions::default();
        if guard.is_some() {
            options.sqlite_transaction_mode = Some(SqliteTransactionMode::Immediate);
        }
        let tx = self.conn.begin_with_options(options).await?;
        Ok(WriteTx { tx, _guard: guard })
    }
}

/// The SQLite URL for a file in `dir`.
pub fn sqlite_url(dir: &std::path::Path) -> String {
    format!("sqlite://{}?mode=rwc", dir.join("ninefold.db").display())
}

impl Db {
    /// Connections (open, idle, maximum) for the metrics page.
    pub fn pool_stats(&self) -> (u32, u32, u32) {
        match self.backend() {
            DbBackend::Sqlite => {
                let p = self.conn.get_sqlite_connection_pool();
                (p.size(), p.num_idle() as u32, p.options().get_max_connections())
            }
            DbBackend::Postgres => {
                let p = self.conn.get_postgres_connection_pool();
                (p.size(), p.num_idle() as u32, p.options().get_max_connections())
            }
            _ => (0, 0, 0),
        }
    }

    /// Whether this instance can serve: the database answers, accepts a write, and has
    /// every migration applied. The error names what is wrong, for `/readyz`.
    pub async fn readiness(&self) -> Result<(), String> {
        use sea_orm::ConnectionTrait;
        self.conn.execute_unprepared("SELECT 1").await.map_err(|e| format!("database unreachable: {e}"))?;
        // An UPDATE that matches nothing still needs write access: SQLite opened read-only
        // and a PostgreSQL standby or read-only transaction both refuse it. Rolled back.
        let tx = self.write().await.map_err(|e| format!("database not writable: {e}"))?;
        tx.execute_unprepared("UPDATE seaql_migrations SET applied_at = applied_at WHERE 1 = 0")
            .await
            .map_err(|e| format!("database not writable: {e}"))?;
        drop(tx);
        let pending = Migrator::get_pending_migrations(&self.conn)
            .await
            .map_err(|e| format!("cannot read the migrations table: {e}"))?;
        if !pending.is_empty() {
            let names: Vec<String> = pending.iter().map(|m| m.name().to_string()).collect();
            return Err(format!("migrations not applied: {}", names.join(", ")));
        }
        Ok(())
    }
}
