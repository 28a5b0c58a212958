//! Cutover runbook (issue 14): the critical path of a 400-task runbook (bar ≤ 5 ms) and the
//! runbook page holding those 400 tasks through the real router on SQLite (bar ≤ 50 ms
//! median).
use axum::body::Body;
use axum::http::{Request, header};
use chrono::{Duration, NaiveDate};
use criterion::{Criterion, criterion_group, criterion_main};
use http_body_util::BodyExt;
use ninefold::domain::runbook::{Task, plan};
use ninefold::{AppState, db::Db, playbook, service};
use std::hint::black_box;
use tower::ServiceExt;

/// A deterministic runbook of `n` tasks: each waits for one to three earlier tasks, some
/// have a later planned start.
fn runbook(n: usize) -> Vec<Task> {
    let mut seed = 0x9E37_79B9_7F4A_7C15u64;
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    let t0 = NaiveDate::from_ymd_opt(2026, 10, 2).unwrap().and_hms_opt(18, 0, 0).unwrap();
    (0..n)
        .map(|i| {
            let preds = if i == 0 { vec![] } else { (0..1 + next() % 3).map(|_| (next() as usize) % i).collect() };
            Task {
                planned_start: t0 + Duration::minutes(if i % 17 == 0 { (i * 3) as i64 } else { 0 }),
                duration_min: 5 + (next() % 115) as i64,
                predecessors: preds,
            }
        })
        .collect()
}

fn benches(c: &mut Criterion) {
    let tasks = runbook(400);
    assert!(plan(&tasks).unwrap().critical_minutes > 0);
    c.bench_function("runbook critical path, 400 tasks", |b| b.iter(|| plan(black_box(&tasks)).unwrap()));

    let rt = tokio::runtime::Runtime::new().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let (app, cookie, project) = rt.block_on(async {
        let db = Db::connect(&ninefold::db::sqlite_url(dir.path())).await.unwrap();
        db.migrate().await.unwrap();
        let reg = playbook::Registry::load(None).unwrap();
        let pb = reg.get("nine-phase").unwrap().clone();
        service::demo::ensure(&db, &pb, chrono::Utc::now().date_naive()).await.unwrap();
        let director = service::users::by_email(&db.conn, service::demo::USERS[1].0).await.unwrap().unwrap();
        let token = service::sessions::create(&db, director.id).await.unwrap();
        // A demo project without a runbook of its own gets the 400 tasks.
        let mut project = 0;
        for row in service::projects::portfolio(&db.conn, director.id).await.unwrap() {
            if service::golive::tasks(&db.conn, row.project.id).await.unwrap().is_empty() {
                project = row.project.id;
                break;
            }
        }
        let actor = service::Actor { user_id: director.id };
        for (i, t) in tasks.iter().enumerate() {
            let input = service::golive::TaskInput {
                seq: i as i32 + 1,
                name: format!("Task {}", i + 1),
                owner: "Owner".into(),
                category: "technical".into(),
                planned_start: t.planned_start,
                duration_min: t.duration_min as i32,
                predecessors: t.predecessors.iter().map(|p| *p as i32 + 1).collect(),
                checkpoint: i % 50 == 0,
                rollback_point: false,
                rollback_deadline: None,
            };
            service::golive::create_task(&db, actor, project, &input).await.unwrap();
        }
        (ninefold::build_app(AppState::new(db, reg, false)), format!("nf_session={token}"), project)
    });
    let get = |path: String| {
        let app = app.clone();
        let cookie = cookie.clone();
        async move {
            let req = Request::get(path).header(header::COOKIE, cookie).body(Body::empty()).unwrap();
            let resp = app.oneshot(req).await.unwrap();
            assert!(resp.status().is_success());
            resp.into_body().collect().await.unwrap().to_bytes().len()
        }
    };
    c.bench_function("GET /projects/{id}/cutover (400 tasks)", |b| {
        b.to_async(&rt).iter(|| get(format!("/projects/{project}/cutover")))
    });
}

criterion_group!(golive, benches);
criterion_main!(golive);
