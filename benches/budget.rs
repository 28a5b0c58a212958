//! Budget and effort: earned value and resource loading for a 2,000-activity project with
//! 50,000 timesheet rows (target ≤ 50 ms), and the timesheet page of a 40-activity week
//! through the real router on SQLite (target ≤ 30 ms median).
use axum::body::Body;
use axum::http::{Request, header};
use chrono::{Datelike, Duration, NaiveDate, Utc};
use criterion::{Criterion, criterion_group, criterion_main};
use http_body_util::BodyExt;
use ninefold::domain::{earned_value as evm, effort};
use ninefold::entity::{activity, budget_line, phase, time_entry};
use ninefold::service::budget;
use ninefold::{AppState, db::Db, playbook, service};
use std::collections::HashMap;
use tower::ServiceExt;

fn d(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

struct Big {
    phases: Vec<phase::Model>,
    activities: Vec<activity::Model>,
    lines: Vec<budget_line::Model>,
    entries: Vec<time_entry::Model>,
    rates: Vec<effort::Rate>,
    roles: HashMap<i32, String>,
}

fn big() -> Big {
    let now = Utc::now();
    let start = d("2026-01-05");
    let phases: Vec<phase::Model> = (0..9)
        .map(|i| phase::Model {
            id: i + 1,
            project_id: 1,
            seq: i + 1,
            key: format!("p{i}"),
            name_en: format!("Phase {i}"),
            name_zh: format!("阶段 {i}"),
            planned_start: start + Duration::weeks(i64::from(i) * 6),
            planned_finish: start + Duration::weeks(i64::from(i) * 6 + 6),
            actual_start: None,
            actual_finish: None,
            status: "active".into(),
            version: 1,
            created_at: now,
            updated_at: now,
        })
        .collect();
    let activities: Vec<activity::Model> = (0..2000)
        .map(|i| {
            let ph = &phases[(i % 9) as usize];
            let s = ph.planned_start + Duration::days(i64::from(i % 20));
            activity::Model {
                id: i + 1,
                project_id: 1,
                phase_id: ph.id,
                seq: i,
                key: None,
                name_en: format!("Activity {i}"),
                name_zh: format!("活动 {i}"),
                tier: "project_team".into(),
                planned_start: s,
                planned_finish: s + Duration::days(10),
                status: "open".into(),
                duration_days: 8,
                percent_complete: i % 100,
                actual_start: None,
                actual_finish: None,
                not_before: None,
                owner_person_id: None,
                owner_unit_id: None,
                version: 1,
                created_at: now,
                updated_at: now,
            }
        })
        .collect();
    let lines = (0..9)
        .map(|i| budget_line::Model {
            id: i + 1,
            project_id: 1,
            phase_id: Some(i + 1),
            category: "consulting".into(),
            description: String::new(),
            amount_minor: 100_000_000,
            source: "manual".into(),
            version: 1,
            created_at: now,
            updated_at: now,
        })
        .collect();
    let entries = (0..50_000)
        .map(|i| time_entry::Model {
            id: i + 1,
            project_id: 1,
            user_id: i % 50 + 1,
            activity_id: i % 2000 + 1,
            day: start + Duration::days(i64::from(i % 300)),
            hours_x100: 750,
            status: if i % 10 == 0 { "submitted".into() } else { "approved".into() },
            approved_by: Some(1),
            version: 1,
            created_at: now,
            updated_at: now,
        })
        .collect();
    let rates = (1..=50)
        .flat_map(|u| {
            [
                effort::Rate { user: Some(u), role: None, rate_minor: 10000, from: start, to: Some(d("2026-06-30")) },
                effort::Rate { user: Some(u), role: None, rate_minor: 12000, from: d("2026-07-01"), to: None },
            ]
        })
        .collect();
    let roles = (1..=50).map(|u| (u, "member".to_string())).collect();
    Big { phases, activities, lines, entries, rates, roles }
}

/// Earned value on a day plus each person's planned load per week over the year.
fn ev_and_loading(b: &Big, today: NaiveDate) -> (evm::Figures, usize) {
    let work = budget::work_of(&b.phases, &b.activities, &HashMap::new(), &b.lines);
    let bac = evm::bac(&work);
    let ac: i64 =
        budget::entry_costs(&b.entries, &b.rates, &b.roles).filter(|(e, _)| e.day <= today).map(|(_, c)| c).sum();
    let figs = evm::figures(bac, evm::pv(&work, today), evm::ev(&work), ac);
    // Loading: 2,000 assignments (one person each, 40 h) over 52 weeks against capacity.
    let working = |x: NaiveDate| x.weekday().num_days_from_monday() < 5;
    let mut load: HashMap<(i32, NaiveDate), i32> = HashMap::new();
    for (i, a) in b.activities.iter().enumerate() {
        let person = (i % 50) as i32;
        let mut monday = effort::week_start(a.planned_start);
        while monday <= a.planned_finish {
            *load.entry((person, monday)).or_default() +=
                effort::planned_in_week(4000, a.planned_start, a.planned_finish, monday, working);
            monday += Duration::weeks(1);
        }
    }
    let over = load.iter().filter(|((_, w), h)| **h > effort::capacity_x100(*w, 8, 100, working)).count();
    (figs, over)
}

fn benches(c: &mut Criterion) {
    let b = big();
    let today = d("2026-08-15");
    c.bench_function("EV + loading: 2,000 activities, 50,000 timesheet rows", |bn| {
        bn.iter(|| ev_and_loading(&b, today))
    });

    // The timesheet page of a 40-activity week through the router.
    let rt = tokio::runtime::Runtime::new().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let (app, cookie, path) = rt.block_on(async {
        let db = Db::connect(&ninefold::db::sqlite_url(dir.path())).await.unwrap();
        db.migrate().await.unwrap();
        let reg = playbook::Registry::load(None).unwrap();
        let pb = reg.get("nine-phase").unwrap().clone();
        let today = Utc::now().date_naive();
        service::demo::ensure(&db, &pb, today).await.unwrap();
        let director = service::users::by_email(&db.conn, service::demo::USERS[1].0).await.unwrap().unwrap();
        let token = service::sessions::create(&db, director.id).await.unwrap();
        let project = service::projects::portfolio(&db.conn, director.id).await.unwrap()[0].project.clone();
        // 40 open activities with hours every working day of this week.
        let acts = service::projects::overview(&db.conn, project.clone(), None).await.unwrap().activities;
        let actor = service::Actor { user_id: director.id };
        let monday = effort::week_start(today);
        let open: Vec<i32> = acts.iter().filter(|a| a.status != "done").map(|a| a.id).take(40).collect();
        let mut cells = vec![];
        for (i, a) in open.iter().enumerate() {
            cells.push((
                service::timesheets::cell_field(*a, monday + Duration::days((i % 5) as i64)),
                "0.5".to_string(),
            ));
            let raw = service::my_work::RawAssignment {
                item_kind: "activity".into(),
                item_id: a.to_string(),
                user: director.id.to_string(),
                planned_hours: "4".into(),
            };
            service::my_work::assign(&db, actor, &project, &raw).await.unwrap();
        }
        service::timesheets::save_week(&db, actor, &project, monday, &cells).await.unwrap();
        let path = format!("/projects/{}/timesheet?week={monday}", project.id);
        (ninefold::build_app(AppState::new(db, reg, false)), format!("nf_session={token}"), path)
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
    c.bench_function("GET /projects/{id}/timesheet (40-activity week)", |bn| {
        bn.to_async(&rt).iter(|| get(path.clone()))
    });
}

criterion_group!(budget_benches, benches);
criterion_main!(budget_benches);
