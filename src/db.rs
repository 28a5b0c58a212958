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
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{Mutex, OwnedMutexGuard};

#[derive(Clone)]
pub struct Db {
    pub conn: DatabaseConnection,
    /// SQLite allows one writer at a time; queueing writers here (plus `BEGIN IMMEDIATE`
    /// and a busy timeout for other processes) keeps them from failing under load.
    write_lock: Option<Arc<Mutex<()>>>,
    /// The SQLite file as it was opened, to notice it deleted, replaced or made read-only.
    file: Option<Arc<DbFile>>,
    /// Views of projects computed once per change (`service::views`): this handle's memory
    /// of what it read, shared by its clones.
    pub views: crate::service::views::Cache,
}

/// The SQLite database file this process opened: its path and identity (device, inode).
pub struct DbFile {
    pub path: PathBuf,
    id: Option<(u64, u64)>,
}

fn file_id(meta: &std::fs::Metadata) -> Option<(u64, u64)> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        Some((meta.dev(), meta.ino()))
    }
    #[cfg(not(unix))]
    {
        let _ = meta;
        None
    }
}

impl DbFile {
    /// What is wrong with the file, if anything: deleted, replaced by another file, or no
    /// longer writable. SQLite keeps writing to an open file that was deleted, so its
    /// writes would be acknowledged and lost; this is how they are refused instead.
    pub fn problem(&self) -> Option<String> {
        let p = self.path.display();
        match std::fs::metadata(&self.path) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Some(format!("database file {p} was deleted")),
            Err(e) => Some(format!("database file {p} cannot be read: {e}")),
            Ok(m) if self.id.is_some() && file_id(&m) != self.id => {
                Some(format!("database file {p} was replaced by another file"))
            }
            Ok(m) if m.permissions().readonly() => Some(format!("database file {p} is read-only")),
            Ok(_) => None,
        }
    }
}

/// The file behind an SQLite URL (`sqlite://PATH?mode=rwc`, `sqlite:PATH`); `None` for an
/// in-memory database.
pub fn sqlite_path(url: &str) -> Option<PathBuf> {
    let rest = url.strip_prefix("sqlite://").or_else(|| url.strip_prefix("sqlite:"))?;
    let path = rest.split('?').next().unwrap_or(rest);
    (!path.is_empty() && !path.starts_with(":memory:")).then(|| PathBuf::from(path))
}

/// A write transaction. Holds the SQLite writer lock until committed or dropped.
pub struct WriteTx {
    tx: DatabaseTransaction,
    file: Option<Arc<DbFile>>,
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
        // A file deleted or replaced while this transaction ran: commit would write into
        // the old file's inode and be lost. Roll back instead (on drop) and say why.
        if let Some(problem) = self.file.as_ref().and_then(|f| f.problem()) {
            return Err(DbErr::Custom(problem));
        }
        self.tx.commit().await
    }
}

impl Db {
    /// Connect; on SQLite `NINEFOLD_SQLITE_MAX_PAGES` caps the file (disk-full drills).
    pub async fn connect(url: &str) -> Result<Db, DbErr> {
        let max_pages = std::env::var("NINEFOLD_SQLITE_MAX_PAGES").ok().and_then(|v| v.parse().ok());
        Db::connect_capped(url, max_pages).await
    }

    /// Connect, an SQLite file capped at `max_pages` pages (`PRAGMA max_page_count` on
    /// every connection): a full disk without filling one.
    pub async fn connect_capped(url: &str, max_pages: Option<u32>) -> Result<Db, DbErr> {
        let mut opts = ConnectOptions::new(url.to_string());
        opts.sqlx_logging(false).acquire_timeout(Duration::from_secs(30));
        let sqlite = url.starts_with("sqlite:");
        let path = sqlite.then(|| sqlite_path(url)).flatten();
        let existed = path.as_ref().is_some_and(|p| p.exists());
        if sqlite {
            // An unsized SQLite pool would be capped at one connection; readers want a few.
            opts.max_connections(6)
                .min_connections(1)
                .map_sqlx_sqlite_opts(move |o: SqliteConnectOptions| {
                    let o = o
                        .create_if_missing(true)
                        .journal_mode(SqliteJournalMode::Wal)
                        .synchronous(SqliteSynchronous::Normal)
                        .foreign_keys(true)
                        .busy_timeout(Duration::from_secs(10));
                    match max_pages {
                        Some(n) => o.pragma("max_page_count", n.to_string()),
                        None => o,
                    }
                })
                .map_sqlx_sqlite_pool_opts(|o| o.after_release(|conn, _| Box::pin(release_sqlite(conn))));
        } else {
            opts.max_connections(10);
        }
        let conn = Database::connect(opts).await?;
        let file = match &path {
            Some(p) => {
                if !existed {
                    tracing::warn!(path = %p.display(), "no database file here: created a new, empty database");
                }
                let id = std::fs::metadata(p).ok().as_ref().and_then(file_id);
                Some(Arc::new(DbFile { path: p.clone(), id }))
            }
            None => None,
        };
        Ok(Db { conn, write_lock: sqlite.then(|| Arc::new(Mutex::new(()))), file, views: Default::default() })
    }

    /// Apply pending migrations. On PostgreSQL under an advisory lock: instances started
    /// together on one database take turns, and the later ones find nothing left to do.
    pub async fn migrate(&self) -> Result<(), DbErr> {
        use sea_orm::ConnectionTrait;
        if self.backend() != DbBackend::Postgres {
            return Migrator::up(&self.conn, None).await;
        }
        let lock = self.conn.begin().await?;
        lock.execute_unprepared("SELECT pg_advisory_xact_lock(1313210368, 0)").await?;
        let out = Migrator::up(&self.conn, None).await;
        lock.commit().await?;
        out
    }

    /// What is wrong with the SQLite file (deleted, replaced, read-only), if anything.
    pub fn file_problem(&self) -> Option<String> {
        self.file.as_ref().and_then(|f| f.problem())
    }

    pub fn backend(&self) -> DbBackend {
        self.conn.get_database_backend()
    }

    /// Begin a transaction that will write.
    pub async fn write(&self) -> Result<WriteTx, DbErr> {
        if let Some(problem) = self.file_problem() {
            return Err(DbErr::Custom(problem));
        }
        let guard = match &self.write_lock {
            Some(l) => Some(l.clone().lock_owned().await),
            None => None,
        };
        let mut options = TransactionOptions::default();
        if guard.is_some() {
            options.sqlite_transaction_mode = Some(SqliteTransactionMode::Immediate);
        }
        let tx = self.conn.begin_with_options(options).await?;
        Ok(WriteTx { tx, file: self.file.clone(), _guard: guard })
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
        if let Some(problem) = self.file_problem() {
            return Err(problem);
        }
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

/// A connection coming back to the SQLite pool. A statement that fails with "database or
/// disk is full" can make SQLite roll the whole transaction back by itself; the driver's
/// own `ROLLBACK` then fails and it keeps counting the transaction as open, so the next
/// transaction on this connection would only be a `SAVEPOINT`. Such a connection (the
/// driver or SQLite still in a transaction once the queued rollback has run) is closed,
/// never reused.
async fn release_sqlite(conn: &mut sea_orm::sqlx::SqliteConnection) -> Result<bool, sea_orm::sqlx::Error> {
    use sea_orm::sqlx::Connection;
    // Runs whatever rollback the dropped transaction queued.
    conn.ping().await?;
    if conn.is_in_transaction() {
        tracing::warn!("an SQLite connection still in a transaction after its rollback was discarded");
        return Ok(false);
    }
    Ok(true)
}

impl Db {
    /// `ninefold backup FILE`: a consistent copy of the SQLite database as of one moment,
    /// taken with `VACUUM INTO` while writers carry on (it reads one snapshot; every write
    /// committed before it began is in the copy). `FILE` must not exist. PostgreSQL is
    /// backed up with `pg_dump` (see the README).
    pub async fn backup(&self, file: &std::path::Path) -> Result<(), DbErr> {
        use sea_orm::{ConnectionTrait, Statement};
        if self.backend() != DbBackend::Sqlite {
            return Err(DbErr::Custom(
                "backup of a PostgreSQL database: use pg_dump --format=custom (see the README)".into(),
            ));
        }
        if file.exists() {
            return Err(DbErr::Custom(format!("{} exists already; choose a new file", file.display())));
        }
        let target = file.to_str().ok_or_else(|| DbErr::Custom("the backup path is not UTF-8".into()))?;
        self.conn
            .execute_raw(Statement::from_sql_and_values(DbBackend::Sqlite, "VACUUM INTO ?", [target.into()]))
            .await?;
        Ok(())
    }
}

/// Check an SQLite backup: it opens, `PRAGMA integrity_check` says `ok`, and it holds
/// Ninefold's schema. Returns the number of migrations it has applied.
pub async fn check_backup(file: &std::path::Path) -> Result<usize, DbErr> {
    use sea_orm::sqlx::{self, Connection};
    let err = |e: sqlx::Error| DbErr::Custom(format!("{}: {e}", file.display()));
    if !file.is_file() {
        return Err(DbErr::Custom(format!("{} is not a file", file.display())));
    }
    let opts = SqliteConnectOptions::new().filename(file).read_only(true);
    let mut c = sqlx::SqliteConnection::connect_with(&opts).await.map_err(err)?;
    let verdict: String = sqlx::query_scalar("PRAGMA integrity_check").fetch_one(&mut c).await.map_err(err)?;
    let applied: Result<i64, _> = sqlx::query_scalar("SELECT COUNT(*) FROM seaql_migrations").fetch_one(&mut c).await;
    c.close().await.ok();
    if verdict != "ok" {
        return Err(DbErr::Custom(format!("{} fails the integrity check: {verdict}", file.display())));
    }
    let applied = applied.map_err(|e| DbErr::Custom(format!("{} is not a Ninefold database: {e}", file.display())))?;
    Ok(usize::try_from(applied).unwrap_or(0))
}

/// `ninefold restore FILE`: put a checked backup in place of the SQLite database at
/// `target` (the server must be stopped). The database it replaces is kept beside it as
/// `ninefold.db.before-restore-<UTC time>` (with its `-wal`), never deleted.
pub async fn restore(file: &std::path::Path, target: &std::path::Path) -> Result<(), DbErr> {
    let io = |what: &str, e: std::io::Error| DbErr::Custom(format!("{what}: {e}"));
    check_backup(file).await?;
    let staging = target.with_extension("db.restoring");
    std::fs::copy(file, &staging).map_err(|e| io("copying the backup", e))?;
    std::fs::File::open(&staging).and_then(|f| f.sync_all()).map_err(|e| io("syncing the copy", e))?;
    let stamp = chrono::Utc::now().format("%Y%m%dT%H%M%S");
    let aside = target.with_extension(format!("db.before-restore-{stamp}"));
    let side = |p: &std::path::Path, s: &str| std::path::PathBuf::from(format!("{}{s}", p.display()));
    if target.exists() {
        std::fs::rename(target, &aside).map_err(|e| io("moving the old database aside", e))?;
        for s in ["-wal", "-shm"] {
            if side(target, s).exists() {
                std::fs::rename(side(target, s), side(&aside, s)).map_err(|e| io("moving the old log aside", e))?;
            }
        }
    }
    std::fs::rename(&staging, target).map_err(|e| io("putting the backup in place", e))?;
    Ok(())
}
