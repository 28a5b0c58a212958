//! Server-side latency of the pages a director lives in, through the real router on an
//! SQLite file holding the demo project: the portfolio and the project overview, plus
//! parsing the shipped playbook (done at every start).
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
    c.bench_function("parse nine-phase playbook", |b| {
        b.iter(|| playbook::parse("nine-phase.toml", playbook::NINE_PHASE).unwrap())
    });
}

criterion_group!(pages, benches);
criterion_main!(pages);
