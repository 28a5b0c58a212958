//! Budget and effort: earned value and resource loading for a 2,000-activity project with
//! 50,000 timesheet rows (target ≤ 50 ms), and the timesheet page of a 40-activity week
//! through the real router on SQLite (target ≤ 30 ms median).
use axum::body::Body;
use axum::http::{Request, header};
use chrono::{Duration, NaiveDate, Utc};
use criterion::{Criterion, criterion_group, criterion_main};
use http_body_util::BodyExt;
use ninefold::domain::calendar::WorkCalendar;
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
            change_request_id: None,
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

/// Earned value on a day with its S-curve (PV weekly over the plan, AC to date) plus each
/// person's resource loading over the year, as the services compute them.
fn ev_and_loading(b: &Big, today: NaiveDate) -> (evm::Figures, usize, usize) {
    let work = budget::work_of(&b.phases, &b.activities, &HashMap::new(), &b.lines);
    let bac = evm::bac(&work);
    let actual = budget::Actuals::new(&[], &b.entries, &b.rates, &b.roles);
    let figs = evm::figures(bac, evm::pv(&work, today), evm::ev(&work), actual.to(today));
    let curve = budget::curve(&work, &actual, today);
    // Loading: 2,000 assignments (40 h each) over 50 people, 52 weeks, on a calendar with
    // holidays, at 80 % allocation.
    let mut cal = WorkCalendar::default();
    for h in ["2026-01-01", "2026-05-01", "2026-06-19", "2026-10-01", "2026-10-02"] {
        cal.holidays.insert(d(h));
    }
    let caps = [effort::Capacity { project: 1, allocation_pct: 80, calendar: &cal }];
    let mut over = 0;
    for person in 0..50 {
        let planned: Vec<effort::Planned> = b
            .activities
            .iter()
            .enumerate()
            .filter(|(i, _)| i % 50 == person)
            .map(|(_, a)| effort::Planned {
                project: 1,
                hours_x100: 4000,
                start: a.planned_start,
                finish: a.planned_finish,
            })
            .collect();
        over += effort::loading(&planned, &caps, d("2026-01-05"), 52).iter().filter(|w| w.over).count();
    }
    (figs, over, curve.len())
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
