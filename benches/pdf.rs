//! Deliverable PDFs, fonts parsed once per process: every kind in both languages (median
//! layout + write time, pages, size, printed once), the demo's Chinese review pack (bar:
//! ≤ 150 ms median, ≤ 1.5 MB) and the detailed plan of a 300-activity project (bar:
//! ≤ 400 ms), and the whole generation including the database reads.
use criterion::{Criterion, criterion_group, criterion_main};
use ninefold::i18n::Lang;
use ninefold::report::{self, Kind};
use ninefold::service::{Actor, write};
use ninefold::{db::Db, playbook, service};
use std::time::{Duration, Instant};

fn median(mut xs: Vec<Duration>) -> Duration {
    xs.sort();
    xs[xs.len() / 2]
}

fn benches(c: &mut Criterion) {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let today = chrono::Utc::now().date_naive();
    let (db, project, director) = rt.block_on(async {
        let db = Db::connect(&ninefold::db::sqlite_url(dir.path())).await.unwrap();
        db.migrate().await.unwrap();
        let reg = playbook::Registry::load(None).unwrap();
        let pb = reg.get("nine-phase").unwrap().clone();
        service::demo::ensure(&db, &pb, today).await.unwrap();
        let director = service::users::by_email(&db.conn, service::demo::USERS[1].0).await.unwrap().unwrap();
        let project = service::projects::portfolio(&db.conn, director.id)
            .await
            .unwrap()
            .into_iter()
            .find(|r| r.project.name == service::demo::PROJECT_NAME)
            .unwrap()
            .project
            .id;
        (db, project, director.id)
    });
    let t0 = Instant::now();
    ninefold::pdf::fonts();
    eprintln!("fonts parsed once in {:?}", t0.elapsed());

    // Every kind, both languages, median of 7 renders, on the demo project where the kind has
    // the most to say (Huamei wave 1 for phases 1–4, Antai for 5–6, the service pilot for 8).
    let projects: Vec<i32> =
        rt.block_on(service::projects::portfolio(&db.conn, director)).unwrap().iter().map(|r| r.project.id).collect();
    eprintln!("{:<18} {:<4} {:>5} {:>9} {:>9}", "kind", "lang", "pages", "bytes", "median");
    for lang in [Lang::En, Lang::Zh] {
        let all: Vec<_> = projects.iter().map(|p| rt.block_on(report::facts(&db.conn, *p, lang)).unwrap()).collect();
        for kind in Kind::ALL {
            let (facts, _) = all
                .iter()
                .map(|f| (f, ninefold::pdf::render_counted(&report::document(f, kind, lang, "v1", "x")).1))
                .max_by_key(|(_, n)| *n)
                .unwrap();
            let doc = report::document(facts, kind, lang, "v1", "王芳 Wang Fang");
            let mut times = Vec::new();
            let mut out = (Vec::new(), 0);
            for _ in 0..7 {
                let t = Instant::now();
                out = ninefold::pdf::render_counted(&doc);
                times.push(t.elapsed());
            }
            eprintln!(
                "{:<18} {:<4} {:>5} {:>9} {:>7.1} ms",
                kind.key(),
                lang.code(),
                out.1,
                out.0.len(),
                median(times).as_secs_f64() * 1000.0
            );
        }
    }

    let facts = rt.block_on(report::facts(&db.conn, project, Lang::Zh)).unwrap();
    let doc = report::document(&facts, Kind::Review, Lang::Zh, "v1", "王芳 Wang Fang");
    let (bytes, pages) = ninefold::pdf::render_counted(&doc);
    let mut times = Vec::new();
    for _ in 0..11 {
        let t = Instant::now();
        ninefold::pdf::render(&doc);
        times.push(t.elapsed());
    }
    let m = median(times);
    eprintln!(
        "review pack (zh): {pages} pages, {} bytes, median {:.1} ms (bars 150 ms, 1.5 MB)",
        bytes.len(),
        m.as_secs_f64() * 1000.0
    );
    assert!(pages >= 10 && bytes.len() <= 1_500_000);
    assert!(m <= Duration::from_millis(150), "the Chinese review pack is over its bar");
    c.bench_function("pdf review pack zh (layout + write)", |b| b.iter(|| ninefold::pdf::render(&doc)));
    c.bench_function("pdf review pack zh (database + layout + write)", |b| {
        b.to_async(&rt).iter(|| async {
            let f = report::facts(&db.conn, project, Lang::Zh).await.unwrap();
            ninefold::pdf::render(&report::document(&f, Kind::Review, Lang::Zh, "v1", "x"))
        })
    });

    // The detailed plan of a 300-activity project: the demo grown to 300 activities.
    rt.block_on(async {
        let phases = service::projects::phases(&db.conn, project).await.unwrap();
        let have = service::schedule::view(
            &db.conn,
            &service::projects::get(&db.conn, project).await.unwrap(),
            service::schedule::ViewOptions::default(),
        )
        .await
        .unwrap()
        .items
        .iter()
        .filter(|i| i.item.kind == "activity")
        .count();
        for i in have..300 {
            let ph = &phases[i % phases.len()];
            let am = service::schedule::new_activity(
                project,
                ph.id,
                1000 + i as i32,
                (format!("Activity {i}"), format!("活动 {i}")),
                "team",
                (ph.planned_start, ph.planned_start + chrono::Duration::days(3 + (i % 20) as i64)),
            );
            write::insert::<ninefold::entity::activity::Entity, _>(
                &db.conn,
                Actor { user_id: director },
                project,
                am,
                "create",
            )
            .await
            .unwrap();
        }
    });
    // The bar: the detailed plan of 300 activities in ≤ 400 ms (median of 7, both languages).
    for lang in [Lang::En, Lang::Zh] {
        let facts = rt.block_on(report::facts(&db.conn, project, lang)).unwrap();
        let plan = report::document(&facts, Kind::Plan, lang, "v1", "x");
        let mut times = Vec::new();
        let mut out = (Vec::new(), 0);
        for _ in 0..7 {
            let t = Instant::now();
            out = ninefold::pdf::render_counted(&plan);
            times.push(t.elapsed());
        }
        let m = median(times);
        eprintln!(
            "plan of 300 activities ({lang:?}): {} pages, {} bytes, median {:.1} ms (bar 400 ms)",
            out.1,
            out.0.len(),
            m.as_secs_f64() * 1000.0
        );
        assert!(m <= Duration::from_millis(400), "the 300-activity plan is over its bar");
    }
    let facts = rt.block_on(report::facts(&db.conn, project, Lang::Zh)).unwrap();
    let plan = report::document(&facts, Kind::Plan, Lang::Zh, "v1", "x");
    c.bench_function("pdf plan of 300 activities zh (layout + write)", |b| b.iter(|| ninefold::pdf::render(&plan)));
}

criterion_group!(pdf, benches);
criterion_main!(pdf);
