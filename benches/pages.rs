//! Server-side latency of the pages a director lives in, through the real router on an
//! SQLite file holding the demo project: the portfolio and the project overview, plus
//! parsing the shipped playbook (done at every start), and a 100-item page of the JSON API.
use axum::body::Body;
use axum::http::{Request, header};
use criterion::{Criterion, criterion_group, criterion_main};
use http_body_util::BodyExt;
use ninefold::{AppState, db::Db, playbook, service};
use tower::ServiceExt;

fn benches(c: &mut Criterion) {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let (app, cookie, project, views) = rt.block_on(async {
        let db = Db::connect(&ninefold::db::sqlite_url(dir.path())).await.unwrap();
        db.migrate().await.unwrap();
        let reg = playbook::Registry::load(None).unwrap();
        let pb = reg.get("nine-phase").unwrap().clone();
        service::demo::ensure(&db, &pb, chrono::Utc::now().date_naive()).await.unwrap();
        let director = service::users::by_email(&db.conn, service::demo::USERS[1].0).await.unwrap().unwrap();
        let token = service::sessions::create(&db, director.id).await.unwrap();
        let project = service::projects::portfolio(&db.conn, director.id).await.unwrap()[0].project.id;
        // At least 100 activities, for a full page of the API's activities (added to whichever
        // phases are still open).
        let actor = service::Actor { user_id: director.id };
        let mut n = service::work::activities(&db.conn, project).await.unwrap().len();
        for seq in (1..=9).cycle().take(2000) {
            if n >= 120 {
                break;
            }
            let name = format!("Bench activity {n}");
            if service::work::add_activity(&db, actor, project, seq, &name, "", "project_team").await.is_ok() {
                n += 1;
            }
        }
        let views = db.views.clone();
        (ninefold::build_app(AppState::new(db, reg, false)), format!("nf_session={token}"), project, views)
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
    c.bench_function("GET /projects (portfolio)", |b| b.to_async(&rt).iter(|| get("/projects".into())));
    c.bench_function("GET /projects/{id} (overview)", |b| b.to_async(&rt).iter(|| get(format!("/projects/{project}"))));
    // The same page computed (as after any change to the project): the kept view dropped first.
    c.bench_function("GET /projects/{id} (overview, computed)", |b| {
        b.to_async(&rt).iter(|| {
            views.clear();
            get(format!("/projects/{project}"))
        })
    });
    c.bench_function("GET /projects/{id}/history", |b| {
        b.to_async(&rt).iter(|| get(format!("/projects/{project}/history")))
    });
    // The JSON API: a 100-item page of activities (the schedule computed, as the page does).
    let first = rt.block_on(async {
        let req = Request::get(format!("/api/v1/projects/{project}/activities?limit=100"))
            .header(header::COOKIE, cookie.clone())
            .body(Body::empty())
            .unwrap();
        let bytes = app.clone().oneshot(req).await.unwrap().into_body().collect().await.unwrap().to_bytes();
        serde_json::from_slice::<serde_json::Value>(&bytes).unwrap()
    });
    assert_eq!(first["items"].as_array().map(Vec::len), Some(100), "a full page of 100 activities");
    c.bench_function("GET /api/v1/projects/{id}/activities?limit=100 (JSON)", |b| {
        b.to_async(&rt).iter(|| get(format!("/api/v1/projects/{project}/activities?limit=100")))
    });
    c.bench_function("parse nine-phase playbook", |b| {
        b.iter(|| playbook::parse("nine-phase.toml", playbook::NINE_PHASE).unwrap())
    });
    // Issue 13: a test cycle of 500 cases (≤ 50 ms median), 400 of them run, 100 failed
    // with a defect each.
    let cycle = rt.block_on(async { big_cycle(&app_db(&dir).await, project).await });
    c.bench_function("GET /projects/{id}/testing/cycles/{c} (500 cases)", |b| {
        b.to_async(&rt).iter(|| get(format!("/projects/{project}/testing/cycles/{cycle}")))
    });
}

async fn app_db(dir: &tempfile::TempDir) -> Db {
    Db::connect(&ninefold::db::sqlite_url(dir.path())).await.unwrap()
}

/// A cycle over 500 new cases in `project`: 300 passed, 100 failed (each with a defect), 100 not run.
async fn big_cycle(db: &Db, project: i32) -> i32 {
    use service::testing::{self, CaseInput, CycleInput, DefectInput, RunInput};
    let director = service::users::by_email(&db.conn, service::demo::USERS[1].0).await.unwrap().unwrap();
    let actor = service::Actor { user_id: director.id };
    let cases: Vec<CaseInput> = (1..=500)
        .map(|i| CaseInput {
            code: format!("B-{i:03}"),
            title: format!("Bench case {i}"),
            blueprint_id: None,
            actor: "Agent".into(),
            action: "Do the step".into(),
            expected: "It works".into(),
            module_key: "service".into(),
            feature: "Service request management".into(),
        })
        .collect();
    testing::create_cases(db, actor, project, &cases).await.unwrap();
    let cy = CycleInput {
        name: "Bench UAT".into(),
        kind: "uat".into(),
        scope: vec![],
        planned_start: Some(chrono::Utc::now().date_naive() - chrono::Duration::days(12)),
        planned_finish: Some(chrono::Utc::now().date_naive() + chrono::Duration::days(2)),
        testers: String::new(),
        pass_rate_min: 95,
    };
    let cycle = testing::create_cycle(db, actor, project, &cy).await.unwrap();
    let ids: Vec<i32> = testing::cases(&db.conn, project)
        .await
        .unwrap()
        .iter()
        .filter(|c| c.code.starts_with("B-"))
        .map(|c| c.id)
        .collect();
    let today = chrono::Utc::now().date_naive();
    for (i, id) in ids.iter().enumerate().take(400) {
        let failed = i % 4 == 0;
        let run = RunInput {
            case_id: *id,
            status: if failed { "failed" } else { "passed" }.into(),
            failed_step: None,
            actual_result: if failed { "Wrong result".into() } else { String::new() },
            evidence: String::new(),
            tester: "Bench".into(),
            run_on: today - chrono::Duration::days((i % 10) as i64),
        };
        testing::record_run(db, actor, project, cycle.id, &run).await.unwrap();
        if failed {
            let d = DefectInput {
                title: format!("Defect of case {id}"),
                description: String::new(),
                severity: ["critical", "major", "minor", "cosmetic"][i % 16 / 4].into(),
                priority: "high".into(),
                owner: "IT".into(),
                target_date: None,
            };
            testing::raise_defect(db, actor, project, cycle.id, *id, &d).await.unwrap();
        }
    }
    cycle.id
}

criterion_group!(pages, benches);
criterion_main!(pages);
