//! Cost at scale: every main page issues the same number of SQL statements on a small and on
//! a large project (and the portfolio on one and on many projects), and no statement those
//! pages issue scans a whole project-scoped table (SQLite `EXPLAIN QUERY PLAN`, PostgreSQL
//! `EXPLAIN` with sequential scans priced out, so an index that exists is taken).
use crate::consistency::{demo, demo_director, generated};
use crate::harness::{Client, TestApp, create_project, on_each_db};
use ninefold::AppState;
use sea_orm::{ConnectionTrait, DbBackend, Statement, TransactionTrait};
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

/// The statements a router ran, and its kept views (`service::views`).
struct Log {
    statements: Arc<Mutex<Vec<Statement>>>,
    views: ninefold::service::views::Cache,
}

impl Log {
    fn lock(&self) -> std::sync::LockResult<std::sync::MutexGuard<'_, Vec<Statement>>> {
        self.statements.lock()
    }
}

/// A router on the same database whose connection records every statement it runs.
fn recording(t: &TestApp) -> (axum::Router, Log) {
    let statements = Arc::new(Mutex::new(vec![]));
    let mut db = t.db.clone();
    let l = statements.clone();
    db.conn.set_metric_callback(move |i| l.lock().unwrap().push(i.statement.clone()));
    let views = db.views.clone();
    (ninefold::build_app(AppState { db, ..t.state.clone() }), Log { statements, views })
}

/// The main pages of project `id`.
fn pages(id: i32) -> Vec<String> {
    [
        "",
        "/schedule",
        "/organisation",
        "/people",
        "/targets",
        "/risks",
        "/modules",
        "/documents",
        "/business-case",
        "/training",
        "/reviews",
        "/diagnosis",
        "/blueprint",
        "/members",
        "/history",
    ]
    .iter()
    .map(|p| format!("/projects/{id}{p}"))
    .chain([format!("/api/v1/projects/{id}"), format!("/api/v1/projects/{id}/schedule")])
    .collect()
}

/// Statements of one GET (which must succeed) that computes its page, after a first GET that
/// warms up whatever a first visit sets up (the organisation's tiers, say): the kept views
/// are dropped first, as any change to the project would.
async fn statements(c: &mut Client, log: &Log, path: &str) -> Vec<Statement> {
    let r = c.get(path).await;
    assert_eq!(r.status, 200, "GET {path}: {}", &r.body[..r.body.len().min(500)]);
    log.views.clear();
    log.lock().unwrap().clear();
    let r = c.get(path).await;
    assert_eq!(r.status, 200, "GET {path}");
    std::mem::take(&mut *log.lock().unwrap())
}

/// Statements of a GET served from a kept view (the same GET again, nothing changed).
async fn kept_statements(c: &mut Client, log: &Log, path: &str) -> usize {
    c.get(path).await;
    log.lock().unwrap().clear();
    let r = c.get(path).await;
    assert_eq!(r.status, 200, "GET {path}");
    std::mem::take(&mut *log.lock().unwrap()).len()
}

fn page_name(path: &str, id: i32) -> String {
    path.replace(&format!("/{id}"), "/{id}")
}

#[tokio::test]
async fn queries_per_page_do_not_grow_with_the_project_or_the_portfolio() {
    on_each_db(|t| async move {
        let big = demo(&t).await;
        let (router, log) = recording(&t);
        let mut large = demo_director(&t).await.via(router.clone());
        let (small, c) = generated(&t).await;
        // The demo keeps a budget (earned value is part of its health); the small project gets
        // one too, so the two differ only in size.
        let owner = t.count("SELECT id FROM users WHERE email = 'gen.director@t.example'").await as i32;
        let project = ninefold::service::projects::get(&t.db.conn, small).await.unwrap();
        let line = ninefold::service::budget::RawLine {
            phase: String::new(),
            category: ninefold::service::budget::CATEGORIES[0].into(),
            description: "Consulting services".into(),
            amount: "100000".into(),
        };
        ninefold::service::budget::add_line(&t.db, ninefold::service::Actor { user_id: owner }, &project, &line)
            .await
            .unwrap();
        let mut small_c = c.via(router.clone());
        let mut counts: BTreeMap<String, (usize, usize)> = BTreeMap::new();
        for (pb, ps) in pages(big).iter().zip(pages(small)) {
            let n_big = statements(&mut large, &log, pb).await.len();
            let n_small = statements(&mut small_c, &log, &ps).await.len();
            counts.insert(page_name(pb, big), (n_small, n_big));
        }
        // The portfolio: one project, then six.
        let one = (
            statements(&mut small_c, &log, "/projects").await.len(),
            statements(&mut small_c, &log, "/api/v1/projects").await.len(),
        );
        for i in 0..5 {
            create_project(&mut small_c, &format!("More {i}")).await;
        }
        let six = (
            statements(&mut small_c, &log, "/projects").await.len(),
            statements(&mut small_c, &log, "/api/v1/projects").await.len(),
        );
        counts.insert("/projects (1 vs 6 projects)".into(), (one.0, six.0));
        counts.insert("/api/v1/projects (1 vs 6 projects)".into(), (one.1, six.1));
        // Served from a kept view: the session and user, the unread count, the membership and
        // project, and the stamp — whatever the page.
        let kept = [
            ("/projects/{id} (kept)".to_string(), format!("/projects/{big}"), format!("/projects/{small}")),
            (
                "/projects/{id}/schedule (kept)".into(),
                format!("/projects/{big}/schedule"),
                format!("/projects/{small}/schedule"),
            ),
        ];
        for (name, pb, ps) in kept {
            let n = (kept_statements(&mut small_c, &log, &ps).await, kept_statements(&mut large, &log, &pb).await);
            assert!(n.0 <= 4 && n.1 <= 4, "{name}: {n:?} statements from a kept view");
            counts.insert(name, n);
        }
        let kept_portfolio = kept_statements(&mut small_c, &log, "/projects").await;
        assert!(kept_portfolio <= 3, "the kept portfolio: {kept_portfolio} statements");
        counts.insert("/projects (kept, 6 projects)".into(), (kept_portfolio, kept_portfolio));
        let report: Vec<String> = counts.iter().map(|(p, (s, b))| format!("{p}: {s} / {b}")).collect();
        println!("statements per page (small / large):\n{}", report.join("\n"));
        let differ: Vec<&String> = counts.iter().filter(|(_, (s, b))| s != b).map(|(p, _)| p).collect();
        assert!(differ.is_empty(), "statement counts differ for {differ:?}:\n{}", report.join("\n"));
        // The portfolio's count is the one stated in the README.
        assert!(six.0 <= 20, "the portfolio issues {} statements", six.0);
        assert!(six.1 <= 16, "the portfolio's API page issues {} statements", six.1);
    })
    .await;
}

/// Tables holding a `project_id` column, and `projects` itself.
async fn project_scoped(t: &TestApp) -> Vec<String> {
    let sql = match t.db.backend() {
        DbBackend::Sqlite => {
            "SELECT m.name FROM sqlite_master m JOIN pragma_table_info(m.name) c \
             WHERE m.type = 'table' AND c.name = 'project_id'"
        }
        _ => {
            "SELECT table_name::text FROM information_schema.columns \
             WHERE table_schema = current_schema() AND column_name = 'project_id'"
        }
    };
    let rows = t.db.conn.query_all_raw(Statement::from_string(t.db.backend(), sql)).await.unwrap();
    let mut names: Vec<String> = rows.iter().map(|r| r.try_get_by_index::<String>(0).unwrap()).collect();
    names.push("projects".into());
    names
}

/// The full scans of project-scoped tables in the plan of `stmt`.
async fn full_scans(t: &TestApp, scoped: &[String], stmt: &Statement) -> Vec<String> {
    let backend = t.db.backend();
    let tx = t.db.conn.begin().await.unwrap();
    let plan: Vec<String> = match backend {
        DbBackend::Sqlite => {
            let q = Statement { sql: format!("EXPLAIN QUERY PLAN {}", stmt.sql), ..stmt.clone() };
            let rows = tx.query_all_raw(q).await.unwrap();
            rows.iter().map(|r| r.try_get::<String>("", "detail").unwrap()).collect()
        }
        _ => {
            tx.execute_unprepared("SET LOCAL enable_seqscan = off").await.unwrap();
            let q = Statement { sql: format!("EXPLAIN {}", stmt.sql), ..stmt.clone() };
            let rows = tx.query_all_raw(q).await.unwrap();
            rows.iter().map(|r| r.try_get_by_index::<String>(0).unwrap()).collect()
        }
    };
    tx.rollback().await.unwrap();
    plan.into_iter()
        .filter(|line| {
            scoped.iter().any(|table| {
                let table = table.as_str();
                match backend {
                    // "SCAN t" or "SCAN t USING INDEX …" read every row; "SEARCH t …" does not.
                    DbBackend::Sqlite => {
                        let l = line.trim();
                        l == format!("SCAN {table}")
                            || l.starts_with(&format!("SCAN {table} "))
                            || l.contains(&format!("SCAN {table} AS"))
                    }
                    _ => {
                        line.contains(&format!("Seq Scan on {table} "))
                            || line.ends_with(&format!("Seq Scan on {table}"))
                    }
                }
            })
        })
        .collect()
}

#[tokio::test]
async fn no_page_scans_a_whole_project_scoped_table() {
    on_each_db(|t| async move {
        let big = demo(&t).await;
        let (router, log) = recording(&t);
        let mut c = demo_director(&t).await.via(router);
        // Other projects in the database, so that a scan would have something to read.
        for i in 0..2 {
            create_project(&mut c, &format!("Other {i}")).await;
        }
        let scoped = project_scoped(&t).await;
        let mut found = vec![];
        let mut seen = 0;
        let paths: Vec<String> =
            pages(big).into_iter().chain(["/projects".to_string(), "/api/v1/projects".to_string()]).collect();
        for path in &paths {
            for s in statements(&mut c, &log, path).await {
                let sql = s.sql.trim_start().to_ascii_uppercase();
                if !sql.starts_with("SELECT") {
                    continue;
                }
                seen += 1;
                for scan in full_scans(&t, &scoped, &s).await {
                    found.push(format!("{path}: {scan}\n    {}", s.sql));
                }
            }
        }
        assert!(seen > 50, "only {seen} statements were explained");
        assert!(found.is_empty(), "full scans of project-scoped tables:\n{}", found.join("\n"));
    })
    .await;
}
