//! Writes under concurrency and faults: saves of one project serialise (no deadlock, no
//! false conflict), races on unique rows end in one row and no 500, the database file
//! deleted or full is noticed, and a backup taken during writes restores every write
//! acknowledged before it began.
use crate::harness::*;
use axum::http::StatusCode;
use ninefold::service::schedule;

fn version_in(body: &str) -> String {
    body.split("name=\"version\" value=\"").nth(1).unwrap().split('"').next().unwrap().to_string()
}

/// Activity ids of the project, in plan order.
async fn activity_ids(t: &TestApp, p: i32) -> Vec<i32> {
    schedule::load(&t.db.conn, p).await.unwrap().activities.iter().map(|a| a.id).collect()
}

/// Eight different activities saved at once, each with the version its form showed, five
/// rounds: every save lands (303), none deadlocks (500) or is refused as stale (409).
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn eight_different_activities_saved_at_once_all_land() {
    on_each_db(|t| async move {
        let team = team(&t).await;
        let p = team.project;
        // The first activity of each of eight phases: saving one reschedules the others.
        let plan = schedule::load(&t.db.conn, p).await.unwrap();
        let ids: Vec<i32> = plan
            .phases
            .iter()
            .take(8)
            .map(|ph| plan.activities.iter().find(|a| a.phase_id == ph.id).unwrap().id)
            .collect();
        assert_eq!(ids.len(), 8);
        for round in 0..5 {
            let mut forms = vec![];
            for &a in &ids {
                let mut c = team.director.clone();
                let body = c.get(&format!("/projects/{p}/schedule/activities/{a}")).await.body;
                forms.push((a, version_in(&body), c));
            }
            let mut tasks = vec![];
            for (a, version, mut c) in forms {
                tasks.push(tokio::spawn(async move {
                    let duration = (3 + round).to_string();
                    c.post(
                        &format!("/projects/{p}/schedule/activities/{a}"),
                        &[("start", "2026-03-02"), ("duration", &duration), ("percent", "10"), ("version", &version)],
                    )
                    .await
                    .status
                }));
            }
            for task in tasks {
                assert_eq!(task.await.unwrap(), StatusCode::SEE_OTHER, "round {round}");
            }
        }
        let list: Vec<String> = ids.iter().map(|i| i.to_string()).collect();
        let saved = format!("SELECT COUNT(*) FROM activities WHERE id IN ({}) AND duration_days = 7", list.join(","));
        assert_eq!(t.count(&saved).await, ids.len() as i64);
    })
    .await;
}

/// The same activity saved at once by eight users holding the same version: exactly one
/// wins, the others are told it changed (409), nobody gets a 500.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn same_record_edits_have_one_winner() {
    on_each_db(|t| async move {
        let team = team(&t).await;
        let p = team.project;
        let a = activity_ids(&t, p).await[3];
        let version =
            version_in(&team.director.clone().get(&format!("/projects/{p}/schedule/activities/{a}")).await.body);
        let mut tasks = vec![];
        for i in 0..8 {
            let mut c = team.director.clone();
            let version = version.clone();
            tasks.push(tokio::spawn(async move {
                let duration = (2 + i).to_string();
                c.post(
                    &format!("/projects/{p}/schedule/activities/{a}"),
                    &[("start", "2026-03-02"), ("duration", &duration), ("percent", "0"), ("version", &version)],
                )
                .await
                .status
            }));
        }
        let mut statuses = vec![];
        for task in tasks {
            statuses.push(task.await.unwrap());
        }
        assert_eq!(statuses.iter().filter(|s| **s == StatusCode::SEE_OTHER).count(), 1, "{statuses:?}");
        assert_eq!(statuses.iter().filter(|s| **s == StatusCode::CONFLICT).count(), 7, "{statuses:?}");
    })
    .await;
}

/// Thirty-two activities added to one phase at once get thirty-two different numbers.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn activities_added_at_once_get_distinct_numbers() {
    on_each_db(|t| async move {
        let team = team(&t).await;
        let p = team.project;
        let mut tasks = vec![];
        for i in 0..32 {
            let mut c = team.director.clone();
            tasks.push(tokio::spawn(async move {
                c.post(
                    &format!("/projects/{p}/phases/2/activities"),
                    &[("name_en", &format!("Extra {i}")), ("name_zh", ""), ("tier", "project_team")],
                )
                .await
                .status
            }));
        }
        for task in tasks {
            assert_eq!(task.await.unwrap(), StatusCode::SEE_OTHER);
        }
        let dup = t
            .count(&format!(
                "SELECT COUNT(*) FROM (SELECT phase_id, seq FROM activities WHERE project_id = {p} \
                 GROUP BY phase_id, seq HAVING COUNT(*) > 1) d"
            ))
            .await;
        assert_eq!(dup, 0);
        assert_eq!(t.count("SELECT COUNT(*) FROM activities WHERE name_en LIKE 'Extra %'").await, 32);
    })
    .await;
}

const TARGET: &[(&str, &str)] = &[
    ("name", "Service cost per ticket −15%"),
    ("key", "service-cost"),
    ("kind", "explicit"),
    ("direction", "decrease"),
    ("metric", "Cost per ticket"),
    ("unit", "CNY"),
    ("baseline_value", "400"),
    ("baseline_date", "2026-01-01"),
    ("target_input", "-15%"),
    ("target_date", "2026-12-31"),
    ("module_key", "service"),
];

/// The same measurement pushed eight times at once: one is created, the rest find it
/// unchanged; one row, no 500.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn duplicate_pushes_at_once_make_one_measurement() {
    ninefold::service::clock::with_today(
        fixed_today(),
        on_each_db(|t| async move {
            let mut team = team(&t).await;
            let p = team.project;
            team.director.get(&format!("/projects/{p}/targets/new")).await;
            team.director.post(&format!("/projects/{p}/targets"), TARGET).await.assert_redirect();
            team.director.get(&format!("/projects/{p}/tokens")).await;
            let body = team.director.post(&format!("/projects/{p}/tokens"), &[("name", "CRM")]).await.body;
            let i = body.find("<pre class=\"token\">").expect("token shown once") + 19;
            let token = body[i..i + body[i..].find('<').unwrap()].to_string();
            let url = format!("/api/v1/projects/{p}/targets/service-cost/measurements");
            for round in 0..3 {
                let json = format!(r#"{{"date": "2026-03-{:02}", "value": 380.5, "source": "crm"}}"#, 10 + round);
                let mut tasks = vec![];
                for _ in 0..8 {
                    let mut api = t.client();
                    let (url, json, auth) = (url.clone(), json.clone(), format!("Bearer {token}"));
                    tasks.push(tokio::spawn(async move {
                        api.post_json(&url, &[("authorization", &auth)], &json).await.status
                    }));
                }
                let mut statuses = vec![];
                for task in tasks {
                    statuses.push(task.await.unwrap());
                }
                assert_eq!(statuses.iter().filter(|s| **s == StatusCode::CREATED).count(), 1, "{statuses:?}");
                assert_eq!(statuses.iter().filter(|s| **s == StatusCode::OK).count(), 7, "{statuses:?}");
            }
            assert_eq!(t.count("SELECT COUNT(*) FROM measurements").await, 3);
        }),
    )
    .await;
}

/// Eight instances migrating one fresh PostgreSQL database at once all succeed.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn instances_started_together_all_migrate() {
    let Ok(base) = std::env::var("NINEFOLD_TEST_PG") else { return };
    use sea_orm::ConnectionTrait;
    let name = format!("nf_test_{}", &ninefold::service::sessions::random_token()[..16]);
    let admin = ninefold::db::Db::connect(&base).await.unwrap();
    admin.conn.execute_unprepared(&format!("CREATE DATABASE {name}")).await.unwrap();
    let url = match base.rsplit_once('/') {
        Some((prefix, _)) if prefix.ends_with('/') => format!("{base}/{name}"),
        Some((prefix, _)) => format!("{prefix}/{name}"),
        None => unreachable!("a PostgreSQL URL has a path"),
    };
    let mut tasks = vec![];
    for _ in 0..8 {
        let url = url.clone();
        tasks.push(tokio::spawn(async move {
            let db = ninefold::db::Db::connect(&url).await.unwrap();
            let out = db.migrate().await.map_err(|e| e.to_string());
            db.conn.close().await.ok();
            out
        }));
    }
    for task in tasks {
        assert_eq!(task.await.unwrap(), Ok(()));
    }
    admin.conn.execute_unprepared(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")).await.ok();
}

/// A fresh SQLite app in `dir` (optionally capped at `max_pages`), a logged-in director
/// and a project.
async fn sqlite_app(dir: &std::path::Path, max_pages: Option<u32>) -> TestApp {
    let url = ninefold::db::sqlite_url(dir);
    let db = ninefold::db::Db::connect_capped(&url, max_pages).await.unwrap();
    db.migrate().await.unwrap();
    let state = ninefold::AppState::new(db.clone(), ninefold::playbook::Registry::load(None).unwrap(), false);
    TestApp { url, state, db }
}

async fn add(c: &mut Client, p: i32, name: &str) -> StatusCode {
    c.post(
        &format!("/projects/{p}/phases/3/activities"),
        &[("name_en", name), ("name_zh", ""), ("tier", "project_team")],
    )
    .await
    .status
}

/// Writers running into "database or disk is full" (`PRAGMA max_page_count`): the ones
/// refused fail visibly, and every one acknowledged is still there after a restart.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_full_disk_loses_no_acknowledged_write() {
    for run in 0..2 {
        let dir = tempfile::tempdir().unwrap();
        let t = sqlite_app(dir.path(), None).await;
        t.user("dora@t.example", "Dora").await;
        let mut c = t.client();
        c.login("dora@t.example").await;
        let p = create_project(&mut c, "Full").await;
        let pages = t.count("SELECT page_count FROM pragma_page_count()").await;
        t.db.conn.clone().close().await.unwrap();

        let t = sqlite_app(dir.path(), Some(u32::try_from(pages).unwrap() + 12 + run * 7)).await;
        let mut c = t.client();
        c.login("dora@t.example").await;
        let mut tasks = vec![];
        for w in 0..4 {
            let mut c = c.clone();
            tasks.push(tokio::spawn(async move {
                let mut acked = vec![];
                let mut refused = 0;
                for i in 0..60 {
                    let name = format!("Full {w}-{i}");
                    match add(&mut c, p, &name).await {
                        StatusCode::SEE_OTHER => acked.push(name),
                        s => {
                            assert!(s.is_server_error() || s == StatusCode::SERVICE_UNAVAILABLE, "{s}");
                            refused += 1;
                        }
                    }
                }
                (acked, refused)
            }));
        }
        let (mut acked, mut refused) = (vec![], 0);
        for task in tasks {
            let (a, r) = task.await.unwrap();
            acked.extend(a);
            refused += r;
        }
        assert!(refused > 0, "the cap was never reached");
        assert!(!acked.is_empty(), "nothing was written before the cap");
        t.db.conn.clone().close().await.unwrap();

        let t = sqlite_app(dir.path(), None).await;
        let kept = t.count("SELECT COUNT(*) FROM activities WHERE name_en LIKE 'Full %'").await;
        for name in &acked {
            let n = t.count(&format!("SELECT COUNT(*) FROM activities WHERE name_en = '{name}'")).await;
            assert_eq!(n, 1, "acknowledged `{name}` lost (run {run}: {} acknowledged, {kept} kept)", acked.len());
        }
        assert_eq!(kept, acked.len() as i64);
        t.db.conn.clone().close().await.unwrap();
    }
}

/// The database file deleted under a running server: liveness and readiness say so (503,
/// naming the file), and a write fails instead of being acknowledged into the void.
#[tokio::test]
async fn a_deleted_database_file_is_reported_and_refuses_writes() {
    let dir = tempfile::tempdir().unwrap();
    let t = sqlite_app(dir.path(), None).await;
    t.user("dora@t.example", "Dora").await;
    let mut c = t.client();
    c.login("dora@t.example").await;
    let p = create_project(&mut c, "Gone").await;
    assert_eq!(c.get("/healthz").await.status, StatusCode::OK);
    let file = dir.path().join("ninefold.db");
    std::fs::remove_file(&file).unwrap();
    for path in ["/healthz", "/readyz"] {
        let r = c.get(path).await;
        assert_eq!(r.status, StatusCode::SERVICE_UNAVAILABLE, "{path}");
        assert!(r.body.contains(&format!("database file {} was deleted", file.display())), "{path}: {}", r.body);
    }
    let s = add(&mut c, p, "Into the void").await;
    assert!(s.is_server_error(), "{s}");
}

/// `backup` taken while a writer keeps adding activities: the copy passes the integrity
/// check, restores, and holds every activity acknowledged before the backup began.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_backup_during_writes_restores_every_acknowledged_write() {
    let dir = tempfile::tempdir().unwrap();
    let t = sqlite_app(dir.path(), None).await;
    t.user("dora@t.example", "Dora").await;
    let mut c = t.client();
    c.login("dora@t.example").await;
    let p = create_project(&mut c, "Backed up").await;
    let acked = std::sync::Arc::new(std::sync::Mutex::new(Vec::<String>::new()));
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let writer = {
        let (acked, stop, mut c) = (acked.clone(), stop.clone(), c.clone());
        tokio::spawn(async move {
            let mut i = 0;
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                let name = format!("Written {i}");
                assert_eq!(add(&mut c, p, &name).await, StatusCode::SEE_OTHER);
                acked.lock().unwrap().push(name);
                i += 1;
            }
        })
    };
    while acked.lock().unwrap().len() < 20 {
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    let before: Vec<String> = acked.lock().unwrap().clone();
    let backup = dir.path().join("backup.db");
    t.db.backup(&backup).await.unwrap();
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    writer.await.unwrap();
    assert!(acked.lock().unwrap().len() > before.len(), "the writer kept writing during the backup");
    assert!(ninefold::db::check_backup(&backup).await.unwrap() > 0);
    // A second backup to the same file is refused rather than overwriting it.
    assert!(t.db.backup(&backup).await.is_err());

    let other = tempfile::tempdir().unwrap();
    std::fs::write(other.path().join("ninefold.db"), b"the database the restore replaces").unwrap();
    ninefold::db::restore(&backup, &other.path().join("ninefold.db")).await.unwrap();
    let kept_aside = std::fs::read_dir(other.path())
        .unwrap()
        .filter(|e| e.as_ref().unwrap().file_name().to_string_lossy().starts_with("ninefold.db.before-restore-"))
        .count();
    assert_eq!(kept_aside, 1);
    let r = sqlite_app(other.path(), None).await;
    for name in &before {
        let n = r.count(&format!("SELECT COUNT(*) FROM activities WHERE name_en = '{name}'")).await;
        assert_eq!(n, 1, "`{name}` was acknowledged before the backup began");
    }
    let ok = r.count("SELECT COUNT(*) FROM pragma_integrity_check() WHERE integrity_check = 'ok'").await;
    assert_eq!(ok, 1);
}

/// PostgreSQL is backed up with `pg_dump` and restored with `pg_restore` (the README's
/// commands): the restored database holds every row and is ready to serve.
#[tokio::test]
async fn pg_dump_and_pg_restore_round_trip() {
    let Ok(base) = std::env::var("NINEFOLD_TEST_PG") else { return };
    use sea_orm::ConnectionTrait;
    let tool = |name: &str, args: &[&str]| {
        let out = std::process::Command::new(name).args(args).output().unwrap_or_else(|e| panic!("{name}: {e}"));
        assert!(out.status.success(), "{name}: {}", String::from_utf8_lossy(&out.stderr));
    };
    let admin = ninefold::db::Db::connect(&base).await.unwrap();
    let (prefix, _) = base.rsplit_once('/').unwrap();
    let token = ninefold::service::sessions::random_token();
    let (src, dst) = (format!("nf_test_{}", &token[..12]), format!("nf_test_{}_r", &token[..12]));
    for db in [&src, &dst] {
        admin.conn.execute_unprepared(&format!("CREATE DATABASE {db}")).await.unwrap();
    }
    let (src_url, dst_url) = (format!("{prefix}/{src}"), format!("{prefix}/{dst}"));
    let db = ninefold::db::Db::connect(&src_url).await.unwrap();
    db.migrate().await.unwrap();
    let state = ninefold::AppState::new(db.clone(), ninefold::playbook::Registry::load(None).unwrap(), false);
    let t = TestApp { url: src_url.clone(), state, db };
    t.user("dora@t.example", "Dora").await;
    let mut c = t.client();
    c.login("dora@t.example").await;
    let p = create_project(&mut c, "Dumped").await;
    for i in 0..5 {
        assert_eq!(add(&mut c, p, &format!("Dumped {i}")).await, StatusCode::SEE_OTHER);
    }
    let dump = tempfile::tempdir().unwrap();
    let file = dump.path().join("ninefold.dump");
    tool("pg_dump", &["--format=custom", "--file", file.to_str().unwrap(), &src_url]);
    tool("pg_restore", &["--no-owner", "--dbname", &dst_url, file.to_str().unwrap()]);
    let restored = ninefold::db::Db::connect(&dst_url).await.unwrap();
    assert_eq!(restored.readiness().await, Ok(()));
    let state = ninefold::AppState::new(restored.clone(), ninefold::playbook::Registry::load(None).unwrap(), false);
    let r = TestApp { url: dst_url.clone(), state, db: restored.clone() };
    for sql in ["SELECT COUNT(*) FROM activities", "SELECT COUNT(*) FROM audit_log", "SELECT COUNT(*) FROM users"] {
        assert_eq!(r.count(sql).await, t.count(sql).await, "{sql}");
    }
    assert_eq!(r.count("SELECT COUNT(*) FROM activities WHERE name_en LIKE 'Dumped %'").await, 5);
    t.db.conn.clone().close().await.ok();
    restored.conn.clone().close().await.ok();
    for db in [&src, &dst] {
        admin.conn.execute_unprepared(&format!("DROP DATABASE IF EXISTS {db} WITH (FORCE)")).await.ok();
    }
}

/// A demo load killed half-way (its users and a bare project, no completion mark) is
/// completed by the next run: the partial project is replaced, the accounts reused, and a
/// third run finds the demo present.
#[tokio::test]
async fn an_interrupted_demo_load_is_completed_by_the_next_run() {
    on_each_db(|t| async move {
        use ninefold::service::{demo, projects};
        let pb = ninefold::playbook::Registry::load(None).unwrap().get("nine-phase").unwrap().clone();
        let director = t.user(demo::USERS[1].0, demo::USERS[1].1).await;
        let input = ninefold::domain::project_input::ProjectInput {
            name: demo::PROJECT_NAME.into(),
            client_name: "华美电器".into(),
            industry: "appliances".into(),
            start_date: fixed_today(),
            currency: "CNY".into(),
            modules: vec!["sales".into()],
            time_zone: None,
            linked: true,
        };
        projects::create(&t.db, ninefold::service::Actor { user_id: director }, &input, &pb).await.unwrap();
        let today = fixed_today();
        assert!(demo::ensure(&t.db, &pb, today).await.unwrap(), "the partial demo is loaded again");
        let name = demo::PROJECT_NAME.replace('\'', "''");
        assert_eq!(t.count(&format!("SELECT COUNT(*) FROM projects WHERE name = '{name}'")).await, 1);
        let demo_project = format!("(SELECT id FROM projects WHERE name = '{name}')");
        assert_eq!(t.count(&format!("SELECT COUNT(*) FROM blueprints WHERE project_id = {demo_project}")).await, 1);
        assert_eq!(t.count(&format!("SELECT COUNT(*) FROM users WHERE id = {director}")).await, 1);
        assert!(!demo::ensure(&t.db, &pb, today).await.unwrap(), "a complete demo is left alone");
        assert_eq!(t.count(&format!("SELECT COUNT(*) FROM projects WHERE name = '{name}'")).await, 1);
    })
    .await;
}
