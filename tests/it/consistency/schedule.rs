//! Consistency of the schedule figures across surfaces (see ../consistency.rs): milestones
//! and phase dates agree on the schedule page, in its JSON, in the plan PDF, in the
//! Microsoft Project export, in the iCalendar feed and in the CSV; "today" is the project's.
use super::*;
use chrono::NaiveDate;
use serde_json::Value;

/// The schedule view as the API serves it.
async fn api(c: &mut Client, p: i32) -> Value {
    let r = c.get(&format!("/api/v1/projects/{p}/schedule")).await;
    assert_eq!(r.status, 200, "GET /api/v1/projects/{p}/schedule: {}", r.body);
    serde_json::from_str(&r.body).expect("JSON")
}

fn date(v: &Value) -> NaiveDate {
    v.as_str().and_then(|s| s.parse().ok()).unwrap_or_else(|| panic!("a date, found {v}"))
}

/// (name_en, name_zh, due date) of every milestone in the view.
fn milestones(v: &Value) -> Vec<(String, String, NaiveDate)> {
    v["milestones"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            (
                m["name_en"].as_str().unwrap().to_string(),
                m["name_zh"].as_str().unwrap().to_string(),
                date(&m["due_date"]),
            )
        })
        .collect()
}

/// (seq, name_en, name_zh, planned start, planned finish) of every phase in the view.
fn phases(v: &Value) -> Vec<(i64, String, String, NaiveDate, NaiveDate)> {
    v["phases"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["seq"].as_i64().unwrap(),
                p["name_en"].as_str().unwrap().to_string(),
                p["name_zh"].as_str().unwrap().to_string(),
                date(&p["planned_start"]),
                date(&p["planned_finish"]),
            )
        })
        .collect()
}

/// Dependencies and a holiday on the generated project, so its dates move off the
/// playbook's: a phase-1 activity now also holds up phase 2's first milestone.
async fn move_dates(t: &TestApp, c: &mut Client, p: i32) {
    let plan = ninefold::service::schedule::load(&t.db.conn, p).await.unwrap();
    let in_phase = |seq: i32| {
        let ph = plan.phases.iter().find(|x| x.seq == seq).unwrap().id;
        plan.activities.iter().find(|a| a.phase_id == ph).unwrap().id
    };
    let (a, b) = (in_phase(1), in_phase(2));
    let ph2 = plan.phases.iter().find(|x| x.seq == 2).unwrap().id;
    let m = plan.milestones.iter().find(|m| m.phase_id == ph2).unwrap().id;
    c.get(&format!("/projects/{p}/schedule")).await;
    for (pred, succ, lag) in [
        (format!("activity:{a}"), format!("activity:{b}"), "3"),
        (format!("activity:{a}"), format!("milestone:{m}"), "20"),
    ] {
        c.post(
            &format!("/projects/{p}/schedule/dependencies"),
            &[("pred", &pred), ("succ", &succ), ("kind", "FS"), ("lag", lag)],
        )
        .await
        .assert_redirect();
    }
    c.post(
        &format!("/projects/{p}/schedule/calendar"),
        &[("day", "2026-03-11"), ("kind", "holiday"), ("name", "测试假日")],
    )
    .await
    .assert_redirect();
}

/// The defect: the schedule page shows the milestones, the plan PDF showed none.
/// Now page, API and plan PDF (both languages) list the same milestones on the same dates.
#[tokio::test]
async fn the_plan_pdf_lists_the_milestones_the_schedule_page_shows() {
    crate::harness::on_each_db(|t| async move {
        let p = demo(&t).await;
        let mut c = demo_director(&t).await;
        let v = api(&mut c, p).await;
        let ms = milestones(&v);
        assert!(ms.len() >= 11, "the demo has its milestones: {}", ms.len());
        let page = c.get(&format!("/projects/{p}/schedule")).await.body;
        assert_eq!(page.matches("<tr class=\"milestone\">").count(), ms.len(), "milestone rows on the page");
        let gantt_diamonds = page.matches("<path class=\"diamond").count();
        assert_eq!(gantt_diamonds, ms.len(), "a diamond per milestone on the page's Gantt");
        let en = squeezed(&document_text(&mut c, p, Kind::Plan, Lang::En).await);
        let zh = squeezed(&document_text(&mut c, p, Kind::Plan, Lang::Zh).await);
        for (name_en, name_zh, due) in &ms {
            assert!(page.contains(&format!("◆ {}", html(name_en))), "page lists {name_en}");
            assert!(en.contains(&squeezed(name_en)), "plan PDF (en) lists {name_en}");
            assert!(zh.contains(&squeezed(name_zh)), "plan PDF (zh) lists {name_zh}");
            assert!(en.contains(&format!("{}{}", squeezed(name_en), due)), "plan PDF (en) dates {name_en} {due}: {en}");
        }
    })
    .await;
}

/// Minimal HTML escaping as the templates do it, for names with an apostrophe or ampersand.
fn html(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#x27;")
        .replace('/', "&#x2f;")
}

/// Milestones and phase dates agree across the schedule page's JSON, the plan PDF, the
/// Microsoft Project export, the iCalendar feed and the CSV, on the demo and on a generated
/// project whose dates were moved by a dependency and a holiday.
#[tokio::test]
async fn milestones_and_phase_dates_agree_on_every_surface() {
    crate::harness::on_each_db(|t| async move {
        let demo_id = demo(&t).await;
        let demo_client = demo_director(&t).await;
        let (g, mut gc) = generated(&t).await;
        let before = milestones(&api(&mut gc, g).await);
        move_dates(&t, &mut gc, g).await;
        let after = milestones(&api(&mut gc, g).await);
        assert_ne!(before, after, "the dependency and the holiday moved milestones");
        for (p, mut c) in [(demo_id, demo_client), (g, gc)] {
            let v = api(&mut c, p).await;
            let ms = milestones(&v);
            let ph = phases(&v);
            // The plan PDF: every phase with its dates, every milestone with its date.
            let pdf = squeezed(&document_text(&mut c, p, Kind::Plan, Lang::En).await);
            for (seq, name, _, start, finish) in &ph {
                assert!(
                    pdf.contains(&format!("{seq}{}{start}{finish}", squeezed(name))),
                    "plan PDF phase {seq} {start}–{finish}"
                );
            }
            for (name, _, due) in &ms {
                assert!(pdf.contains(&format!("{}{due}", squeezed(name))), "plan PDF milestone {name} {due}");
            }
            // The CSV.
            let csv = c.get(&format!("/projects/{p}/schedule.csv")).await.body;
            let mut csv_ms: Vec<(String, NaiveDate)> = csv
                .lines()
                .filter(|l| l.starts_with("milestone,"))
                .map(|l| {
                    let f: Vec<&str> = l.split(',').collect();
                    (f[2].trim_matches('"').to_string(), f[4].parse().unwrap())
                })
                .collect();
            let mut want: Vec<(String, NaiveDate)> = ms.iter().map(|(n, _, d)| (n.clone(), *d)).collect();
            csv_ms.sort();
            want.sort();
            assert_eq!(csv_ms, want, "CSV milestones");
            // The Microsoft Project export: summary tasks are the phases, milestones by date.
            let xml = c.get(&format!("/projects/{p}/schedule.xml")).await.body;
            let tasks = ninefold::domain::mspdi::import(&xml).expect("the export reads back");
            let mut xml_ms: Vec<(String, NaiveDate)> = tasks
                .iter()
                .filter(|t| t.milestone)
                .map(|t| (t.name.split(" / ").next().unwrap().to_string(), t.start))
                .collect();
            xml_ms.sort();
            assert_eq!(xml_ms, want, "MSPDI milestones");
            let xml_phases: Vec<(String, NaiveDate, NaiveDate)> =
                tasks.iter().filter(|t| t.summary).map(|t| (t.name.clone(), t.start, t.finish)).collect();
            let want_phases: Vec<(String, NaiveDate, NaiveDate)> =
                ph.iter().map(|(_, en, zh, s, f)| (format!("{en} / {zh}"), *s, *f)).collect();
            assert_eq!(xml_phases, want_phases, "MSPDI phases");
            // The iCalendar feed: a milestone on its day, each phase's gate on its finish.
            c.get(&format!("/projects/{p}/schedule")).await;
            let r = c.post(&format!("/projects/{p}/schedule/feeds"), &[]).await;
            assert_eq!(r.status, 200, "{}", &r.body[..r.body.len().min(3000)]);
            let url =
                r.body.split("<pre class=\"token\">").nth(1).unwrap().split('<').next().unwrap().replace("&#x2f;", "/");
            let ics = t.client().get(&format!("/feeds/{}", url.rsplit('/').next().unwrap())).await.body;
            let events: Vec<(String, String)> = ics
                .split("BEGIN:VEVENT")
                .skip(1)
                .map(|e| {
                    let field = |k: &str| e.lines().find_map(|l| l.strip_prefix(k)).unwrap_or_default().to_string();
                    (field("UID:"), field("DTSTART;VALUE=DATE:"))
                })
                .collect();
            let day = |uid: String| events.iter().find(|(u, _)| *u == uid).map(|(_, d)| d.clone()).unwrap_or_default();
            for m in v["milestones"].as_array().unwrap() {
                let due = date(&m["due_date"]).format("%Y%m%d").to_string();
                assert_eq!(day(format!("milestone-{}@ninefold", m["id"])), due, "iCal milestone {}", m["name_en"]);
            }
            for p in v["phases"].as_array().unwrap() {
                let finish = date(&p["planned_finish"]).format("%Y%m%d").to_string();
                assert_eq!(day(format!("gate-{}@ninefold", p["id"])), finish, "iCal gate {}", p["seq"]);
            }
            // The Gantt model in the view has a diamond per milestone on its date.
            let gantt_ms: Vec<(String, NaiveDate)> = v["gantt"]["rows"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|r| r["kind"] == "milestone")
                .map(|r| (r["label"]["en"].as_str().unwrap().to_string(), date(&r["start"])))
                .collect();
            let mut gantt_ms = gantt_ms;
            gantt_ms.sort();
            assert_eq!(gantt_ms, want, "Gantt milestones");
        }
    })
    .await;
}

/// Overdue marks, RAG and the Gantt's today line use the project's today in its time zone,
/// not the server's UTC date.
#[tokio::test]
async fn today_is_the_projects_date_in_its_time_zone() {
    crate::harness::on_each_db(|t| async move {
        use sea_orm::ConnectionTrait;
        let (g, mut c) = generated(&t).await;
        for zone in ["Pacific/Kiritimati", "Pacific/Pago_Pago"] {
            t.db.conn
                .execute_unprepared(&format!("UPDATE projects SET time_zone = '{zone}' WHERE id = {g}"))
                .await
                .unwrap();
            let v = api(&mut c, g).await;
            let today = ninefold::service::clock::today_in(zone);
            assert_eq!(date(&v["today"]), today, "{zone}");
            assert_eq!(date(&v["gantt"]["today"]), today, "{zone}: the Gantt's today line");
            // A milestone is overdue exactly when its day is before the project's today.
            for m in v["milestones"].as_array().unwrap() {
                assert_eq!(m["overdue"].as_bool().unwrap(), m["status"] != "done" && date(&m["due_date"]) < today);
            }
        }
    })
    .await;
}
