//! The `ninefold` command: serve the app, migrate, load the demo, check playbooks.
use anyhow::Context;
use clap::{Parser, Subcommand};
use ninefold::{AppState, config::Config, db::Db, playbook, service};
use std::path::PathBuf;

#[derive(Parser)]
#[command(
    name = "ninefold",
    version,
    about = "Run a CRM implementation project the nine-phase way",
    after_help = "Environment:\n  \
      DATABASE_URL              database (default: SQLite file ninefold.db in the data directory)\n  \
      NINEFOLD_DATA_DIR         data directory (default .)\n  \
      NINEFOLD_BIND             listen address of `serve` (default 127.0.0.1:8080)\n  \
      NINEFOLD_SECURE_COOKIES   1: mark session cookies Secure (serving over HTTPS)\n  \
      NINEFOLD_TIME_ZONE        time zone of new projects (default Asia/Shanghai)\n  \
      NINEFOLD_METRICS_TOKEN    when set, /metrics asks for it as a bearer token\n  \
      NINEFOLD_SHUTDOWN_GRACE   seconds in-flight requests get on SIGTERM (default 20)\n  \
      NINEFOLD_BASE_URL         base of absolute links such as calendar feeds (default http://127.0.0.1:8080)\n  \
      NINEFOLD_SESSION_IDLE_HOURS  a session unused this long ends (default 8)\n  \
      NINEFOLD_LOGIN_LOCK_AFTER    wrong passwords in a row that lock an account (default 10)\n  \
      NINEFOLD_LOGIN_LOCK_MINUTES  how long the lock lasts unless an admin releases it (default 15)\n  \
      NINEFOLD_LOG_FORMAT       json: one JSON object per log line (default: text)\n  \
      RUST_LOG                  log filter, e.g. info or ninefold=debug (default info)"
)]
struct Cli {
    /// Database URL; PostgreSQL as postgres://…, default an SQLite file in --data-dir.
    #[arg(long, env = "DATABASE_URL", global = true)]
    database_url: Option<String>,
    /// Where the SQLite file `ninefold.db` lives.
    #[arg(long, env = "NINEFOLD_DATA_DIR", default_value = ".", global = true)]
    data_dir: PathBuf,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the web app (migrates the database first).
    Serve {
        /// Address to listen on.
        #[arg(long, env = "NINEFOLD_BIND", default_value = "127.0.0.1:8080")]
        bind: String,
        /// Load the demo project (idempotent) and print its logins.
        #[arg(long)]
        demo: bool,
    },
    /// Apply database migrations.
    Migrate,
    /// Load the demo project and print its logins.
    Demo,
    /// Generate a deliverable PDF of a project.
    Pdf {
        /// Project id.
        #[arg(long)]
        project: i32,
        /// Document kind: charter, organisation, plan, training, targets, business-case, gate, review,
        /// installation, as-is, diagnosis, blueprint, module-map, data-quality, configuration,
        /// integration, prototype-test, pilot-results, issue-log, cutover-runbook, rehearsal-report,
        /// hypercare-log, evaluation, lessons-learned, improvement-plan, operating-rules,
        /// conversion-trial, readiness, go-live-acceptance,
        /// budget.
        #[arg(long)]
        doc: String,
        /// Language: en or zh.
        #[arg(long, default_value = "en")]
        lang: String,
        /// Gate report of this phase number (default: the phase last decided on, else the active one).
        #[arg(long)]
        phase: Option<i32>,
        /// Review pack of this held review (its id), as frozen when it was held (default: built now).
        #[arg(long)]
        review: Option<i32>,
        /// Where to write the PDF.
        #[arg(short = 'o', long)]
        output: PathBuf,
    },
    /// Accounts.
    User {
        #[command(subcommand)]
        command: UserCommand,
    },
    /// Copy the SQLite database to FILE, consistent while the server keeps writing
    /// (PostgreSQL: use pg_dump, see the README).
    Backup {
        /// Where to write the copy; must not exist.
        file: PathBuf,
    },
    /// Replace the SQLite database with the backup FILE (stop the server first); the old
    /// database is kept beside it as ninefold.db.before-restore-<time>.
    Restore {
        /// A file written by `ninefold backup`.
        file: PathBuf,
    },
    /// Playbook tools.
    Playbook {
        #[command(subcommand)]
        command: PlaybookCommand,
    },
    /// Print the JSON API's OpenAPI 3.1 document (as served at /api/v1/openapi.json).
    Openapi,
}

#[derive(Subcommand)]
enum UserCommand {
    /// Create an account; the password is read from standard input (a prompt on a
    /// terminal), never from the command line where `ps` and shell history would keep it.
    Create {
        /// E-mail address, the login.
        email: String,
        /// Display name (default: the part of the address before @).
        #[arg(long)]
        name: Option<String>,
        /// Make the account an administrator (who creates the other users).
        #[arg(long)]
        admin: bool,
    },
}

#[derive(Subcommand)]
enum PlaybookCommand {
    /// Validate a playbook file; prints every problem as file:line:col: message.
    Check { file: PathBuf },
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    ninefold::pdf::memory::limit_arenas();
    init_logging();
    let cli = Cli::parse();
    if let Command::Playbook { command: PlaybookCommand::Check { file } } = &cli.command {
        return check_playbook(file);
    }
    if let Command::Openapi = &cli.command {
        println!("{}", serde_json::to_string_pretty(&ninefold::api::openapi::document())?);
        return Ok(());
    }
    std::fs::create_dir_all(&cli.data_dir).with_context(|| format!("creating {}", cli.data_dir.display()))?;
    let config = Config::new(cli.database_url.clone(), cli.data_dir.clone());
    let playbooks = playbook::Registry::load(config.playbooks_dir.as_deref())
        .map_err(|e| anyhow::anyhow!("invalid playbook:\n{e}"))?;
    if let Command::Restore { file } = &cli.command {
        let target = ninefold::db::sqlite_path(&config.database_url)
            .context("restore replaces an SQLite file; for PostgreSQL use pg_restore (see the README)")?;
        ninefold::db::restore(file, &target).await.context("restoring")?;
        println!("restored {} into {}", file.display(), target.display());
        return Ok(());
    }
    let db = Db::connect(&config.database_url).await.context("connecting to the database")?;
    db.migrate().await.context("migrating the database")?;
    match cli.command {
        Command::Migrate => println!("database is up to date"),
        Command::Demo => load_demo(&db, &playbooks).await?,
        Command::Serve { bind, demo } => {
            if demo {
                load_demo(&db, &playbooks).await?;
            }
            let state = AppState::new(db.clone(), playbooks, config.secure_cookies);
            let base_url = state.base_url.clone();
            let allow_private = state.webhook_allow_private;
            let app = ninefold::build_app(state);
            let listener = tokio::net::TcpListener::bind(&bind).await.with_context(|| format!("binding {bind}"))?;
            println!("Ninefold is running at http://{}/", listener.local_addr()?);
            // Stored health whose day has passed is rewritten in the background.
            ninefold::service::health_summary::spawn_refresher(db.clone());
            // What bursts of work freed goes back to the system while the server rests.
            ninefold::pdf::memory::spawn_trimmer();
            // Messages to the outside (e-mail, webhooks) leave through the outbox worker.
            let mut dispatchers = service::outbox::dispatchers_from_env();
            dispatchers.push(std::sync::Arc::new(service::hooks::Dispatcher {
                db: db.clone(),
                base_url,
                allow_private,
            }));
            service::outbox::start(db.clone(), dispatchers);
            // Webhooks' `milestone.overdue`, each once, checked every 10 minutes.
            tokio::spawn(service::hooks::run_overdue_sweeps(db.clone(), std::time::Duration::from_secs(600)));
            // Reminders of what is due or overdue, and the users' digests at their local hour.
            tokio::spawn(service::notify::run(db.clone()));
            serve(listener, app, &db).await?;
        }
        Command::User { command: UserCommand::Create { email, name, admin } } => {
            create_user(&db, email, name, admin).await?;
        }
        Command::Pdf { project, doc, lang, phase, review, output } => {
            let kind = ninefold::report::Kind::parse(&doc).with_context(|| {
                let kinds: Vec<_> = ninefold::report::Kind::ALL.iter().map(|k| k.key()).collect();
                format!("unknown document `{doc}`; one of: {}", kinds.join(", "))
            })?;
            let lang = ninefold::i18n::Lang::parse(&lang).context("--lang must be en or zh")?;
            use ninefold::report::Kind as K;
            if phase.is_some() && kind != K::Gate {
                anyhow::bail!("--phase applies to --doc gate only");
            }
            if review.is_some() && kind != K::Review {
                anyhow::bail!("--review applies to --doc review only");
            }
            let scope = ninefold::report::Scope { phase, review };
            // Open the output first: a path that cannot be written must not store a version.
            let mut file =
                std::fs::File::create(&output).with_context(|| format!("cannot write {}", output.display()))?;
            let saved = match ninefold::report::publish_scoped(&db, None, project, kind, lang, scope).await {
                Ok(s) => s,
                Err(e) => {
                    // Nothing was stored: do not leave an empty file behind.
                    drop(file);
                    let _ = std::fs::remove_file(&output);
                    let what = match (phase, review) {
                        (Some(p), _) => format!(" (phase {p})"),
                        (_, Some(r)) => format!(" (review {r})"),
                        _ => String::new(),
                    };
                    anyhow::bail!("generating the document{what}: {e}");
                }
            };
            std::io::Write::write_all(&mut file, &saved.bytes)
                .with_context(|| format!("writing {}", output.display()))?;
            println!(
                "{}: {} v{} ({} bytes, sha256 {})",
                output.display(),
                kind.key(),
                saved.version,
                saved.bytes.len(),
                saved.sha256
            );
        }
        Command::Backup { file } => {
            db.backup(&file).await.context("backing up")?;
            let migrations = ninefold::db::check_backup(&file).await.context("checking the backup")?;
            println!("backup written to {} (integrity ok, {migrations} migrations)", file.display());
        }
        Command::Playbook { .. } | Command::Restore { .. } | Command::Openapi => {}
    }
    Ok(())
}

fn check_playbook(file: &std::path::Path) -> anyhow::Result<()> {
    let text = std::fs::read_to_string(file).with_context(|| format!("reading {}", file.display()))?;
    match playbook::parse(&file.display().to_string(), &text) {
        Ok(pb) => {
            let weeks: u32 = pb.phases.iter().map(|p| p.weeks).sum();
            println!("{}: ok — playbook `{}`, {} phases, {} weeks", file.display(), pb.key, pb.phases.len(), weeks);
            Ok(())
        }
        Err(problems) => {
            eprintln!("{}", playbook::report(&problems));
            eprintln!("{}: {} problem(s)", file.display(), problems.len());
            std::process::exit(1);
        }
    }
}

async fn load_demo(db: &Db, playbooks: &playbook::Registry) -> anyhow::Result<()> {
    let pb = playbooks.get("nine-phase").context("the nine-phase playbook is missing")?;
    // The demo project lives in the default zone; its dates are laid out around its today.
    let today = service::clock::today_in(&service::clock::default_time_zone());
    let created = service::demo::ensure(db, pb, today).await.map_err(|e| anyhow::anyhow!("loading the demo: {e}"))?;
    println!("{}", if created { "Demo project loaded." } else { "Demo project already present." });
    println!("Demo logins (password for all: {}):", service::demo::PASSWORD);
    for (email, name, role) in service::demo::USERS {
        let role = role.map_or("administrator", |r| r.as_str());
        println!("  {email:<28} {role:<14} {name}");
    }
    Ok(())
}

/// Logs go to standard error (standard output is for the commands' own output), coloured
/// only on a terminal, filtered by `RUST_LOG`, as JSON lines when `NINEFOLD_LOG_FORMAT=json`.
fn init_logging() {
    use std::io::IsTerminal;
    use tracing_subscriber::EnvFilter;
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    let fmt = tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr).with_target(false);
    if std::env::var("NINEFOLD_LOG_FORMAT").is_ok_and(|f| f.eq_ignore_ascii_case("json")) {
        fmt.json().with_current_span(true).init();
    } else {
        fmt.with_ansi(std::io::stderr().is_terminal()).init();
    }
}

/// Serve until SIGTERM (systemd, Docker, Kubernetes) or Ctrl-C: stop accepting, give the
/// requests in flight up to `NINEFOLD_SHUTDOWN_GRACE` seconds (default 20), close the pool,
/// and exit 0.
async fn serve(listener: tokio::net::TcpListener, app: axum::Router, db: &Db) -> anyhow::Result<()> {
    let grace = std::env::var("NINEFOLD_SHUTDOWN_GRACE").ok().and_then(|s| s.parse().ok()).unwrap_or(20u64);
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    // The peer address feeds login throttling (`web::security::client_address`).
    let app = app.into_make_service_with_connect_info::<std::net::SocketAddr>();
    let server = axum::serve(listener, app).with_graceful_shutdown(async move {
        shutdown_signal().await;
        tracing::info!(grace_seconds = grace, "shutting down: finishing requests in flight");
        let _ = tx.send(());
    });
    let mut server = std::pin::pin!(server.into_future());
    tokio::select! {
        r = &mut server => r?,
        _ = async {
            let _ = rx.await;
            tokio::time::sleep(std::time::Duration::from_secs(grace)).await;
        } => tracing::warn!("requests still running after the grace period were cut off"),
    }
    db.conn.clone().close().await.ok();
    tracing::info!("stopped");
    Ok(())
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
}

/// `ninefold user create EMAIL [--admin]`: the first administrator of a fresh install (or
/// any later account) without the demo's published password.
async fn create_user(db: &Db, email: String, name: Option<String>, admin: bool) -> anyhow::Result<()> {
    use std::io::{BufRead, IsTerminal, Write};
    let stdin = std::io::stdin();
    if stdin.is_terminal() {
        eprint!("Password for {email} (at least 10 characters; shown as you type): ");
        std::io::stderr().flush().ok();
    }
    let mut password = String::new();
    stdin.lock().read_line(&mut password).context("reading the password from standard input")?;
    let password = password.trim_end_matches(['\r', '\n']).to_string();
    let name = name.unwrap_or_else(|| email.split('@').next().unwrap_or(&email).to_string());
    let raw = service::users::NewUser { email: email.clone(), name, password, is_admin: admin, ..Default::default() };
    let made = service::users::register(db, None, &raw, false).await;
    match made {
        Ok(u) => {
            println!("created {} ({}){}", u.email, u.name, if u.is_admin { ", administrator" } else { "" });
            Ok(())
        }
        Err(service::Error::Invalid(e)) => {
            let why: Vec<String> =
                e.0.iter()
                    .map(|f| format!("{}: {}", f.field, ninefold::i18n::t(ninefold::i18n::Lang::En, f.message)))
                    .collect();
            anyhow::bail!("{}", why.join("; "))
        }
        Err(e) => Err(anyhow::anyhow!("creating the user: {e}")),
    }
}
