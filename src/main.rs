//! The `ninefold` command: serve the app, migrate, load the demo, check playbooks.
use anyhow::Context;
use clap::{Parser, Subcommand};
use ninefold::{AppState, config::Config, db::Db, playbook, service};
use std::path::PathBuf;

#[derive(Parser)]
#[command(name = "ninefold", version, about = "Run a CRM implementation project the nine-phase way")]
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
        /// Document kind: charter, organisation, plan, training, targets, gate, review.
        #[arg(long)]
        doc: String,
        /// Language: en or zh.
        #[arg(long, default_value = "en")]
        lang: String,
        /// Where to write the PDF.
        #[arg(short = 'o', long)]
        output: PathBuf,
    },
    /// Playbook tools.
    Playbook {
        #[command(subcommand)]
        command: PlaybookCommand,
    },
}

#[derive(Subcommand)]
enum PlaybookCommand {
    /// Validate a playbook file; prints every problem as file:line:col: message.
    Check { file: PathBuf },
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    tracing_subscriber::fmt().with_target(false).init();
    let cli = Cli::parse();
    if let Command::Playbook { command: PlaybookCommand::Check { file } } = &cli.command {
        return check_playbook(file);
    }
    std::fs::create_dir_all(&cli.data_dir).with_context(|| format!("creating {}", cli.data_dir.display()))?;
    let config = Config::new(cli.database_url.clone(), cli.data_dir.clone());
    let playbooks = playbook::Registry::load(config.playbooks_dir.as_deref())
        .map_err(|e| anyhow::anyhow!("invalid playbook:\n{e}"))?;
    let db = Db::connect(&config.database_url).await.context("connecting to the database")?;
    db.migrate().await.context("migrating the database")?;
    match cli.command {
        Command::Migrate => println!("database is up to date"),
        Command::Demo => load_demo(&db, &playbooks).await?,
        Command::Serve { bind, demo } => {
            if demo {
                load_demo(&db, &playbooks).await?;
            }
            let app = ninefold::build_app(AppState::new(db, playbooks, config.secure_cookies));
            let listener = tokio::net::TcpListener::bind(&bind).await.with_context(|| format!("binding {bind}"))?;
            println!("Ninefold is running at http://{}/", listener.local_addr()?);
            axum::serve(listener, app).with_graceful_shutdown(shutdown()).await?;
        }
        Command::Pdf { project, doc, lang, output } => {
            let kind = ninefold::report::Kind::parse(&doc).with_context(|| {
                let kinds: Vec<_> = ninefold::report::Kind::ALL.iter().map(|k| k.key()).collect();
                format!("unknown document `{doc}`; one of: {}", kinds.join(", "))
            })?;
            let lang = ninefold::i18n::Lang::parse(&lang).context("--lang must be en or zh")?;
            let saved = ninefold::report::publish(&db, None, project, kind, lang)
                .await
                .map_err(|e| anyhow::anyhow!("generating the document: {e}"))?;
            std::fs::write(&output, &saved.bytes).with_context(|| format!("writing {}", output.display()))?;
            println!(
                "{}: {} v{} ({} bytes, sha256 {})",
                output.display(),
                kind.key(),
                saved.version,
                saved.bytes.len(),
                saved.sha256
            );
        }
        Command::Playbook { .. } => {}
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
    let today = chrono::Utc::now().date_naive();
    let created = service::demo::ensure(db, pb, today).await.map_err(|e| anyhow::anyhow!("loading the demo: {e}"))?;
    println!("{}", if created { "Demo project loaded." } else { "Demo project already present." });
    println!("Demo logins (password for all: {}):", service::demo::PASSWORD);
    for (email, name, role) in service::demo::USERS {
        let role = role.map_or("administrator", |r| r.as_str());
        println!("  {email:<28} {role:<14} {name}");
    }
    Ok(())
}

async fn shutdown() {
    let _ = tokio::signal::ctrl_c().await;
}
