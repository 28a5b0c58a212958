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
    let (app, cookie, project) = rt.block_on(async {
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
    c.bench_function("GET /projects (portfolio)", |b| b.to_async(&rt).iter(|| get("/projects".into())));
    c.bench_function("GET /projects/{id} (overview)", |b| b.to_async(&rt).iter(|| get(format!("/projects/{project}"))));
    c.bench_function("GET /projects/{id}/history", |b| {
        b.to_async(&rt).iter(|| get(format!("/projects/{project}/history")))
    });
    // The JSON API: a 100-item page of activities (the schedule computed, as the page does).
    let first = rt.block_on(get(format!("/api/v1/projects/{project}/activities?limit=100")));
    assert!(first > 0);
    c.bench_function("GET /api/v1/projects/{id}/activities?limit=100 (JSON)", |b| {
        b.to_async(&rt).iter(|| get(format!("/api/v1/projects/{project}/activities?limit=100")))
    });
    c.bench_function("parse nine-phase playbook", |b| {
        b.iter(|| playbook::parse("nine-phase.toml", playbook::NINE_PHASE).unwrap())
    });
}

criterion_group!(pages, benches);
criterion_main!(pages);
