//! The demo project's steering committee review pack in Chinese (≥ 10 pages with charts and
//! tables), fonts parsed once per process: layout + subsetting + writing, and the whole
//! generation including the database reads. Prints pages and size once.
use criterion::{Criterion, criterion_group, criterion_main};
use ninefold::i18n::Lang;
use ninefold::report::{self, Kind};
use ninefold::{db::Db, playbook, service};

fn benches(c: &mut Criterion) {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let today = chrono::Utc::now().date_naive();
    let (db, project) = rt.block_on(async {
        let db = Db::connect(&ninefold::db::sqlite_url(dir.path())).await.unwrap();
        db.migrate().await.unwrap();
        let reg = playbook::Registry::load(None).unwrap();
        let pb = reg.get("nine-phase").unwrap().clone();
        service::demo::ensure(&db, &pb, today).await.unwrap();
        let director = service::users::by_email(&db.conn, service::demo::USERS[1].0).await.unwrap().unwrap();
        let project = service::projects::portfolio(&db.conn, director.id).await.unwrap()[0].project.id;
        (db, project)
    });
    let t0 = std::time::Instant::now();
    ninefold::pdf::fonts();
    eprintln!("fonts parsed once in {:?}", t0.elapsed());
    let facts = rt.block_on(report::facts(&db.conn, project, Lang::Zh)).unwrap();
    let doc = report::document(&facts, Kind::Review, Lang::Zh, "v1", "王芳 Wang Fang");
    let (bytes, pages) = ninefold::pdf::render_counted(&doc);
    eprintln!("review pack (zh): {pages} pages, {} bytes", bytes.len());
    assert!(pages >= 10 && bytes.len() <= 1_500_000);
    c.bench_function("pdf review pack zh (layout + write)", |b| b.iter(|| ninefold::pdf::render(&doc)));
    c.bench_function("pdf review pack zh (database + layout + write)", |b| {
        b.to_async(&rt).iter(|| async {
            let f = report::facts(&db.conn, project, Lang::Zh).await.unwrap();
            ninefold::pdf::render(&report::document(&f, Kind::Review, Lang::Zh, "v1", "x"))
        })
    });
}

criterion_group!(pdf, benches);
criterion_main!(pdf);
