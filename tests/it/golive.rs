//! Phases 7–9 (issue 14): the cutover runbook's critical path in hours, rehearsals with
//! overrun flags, live start/finish with stale-edit 409, bad input by field in both
//! languages, roles and audit.
use crate::harness::*;
use axum::http::StatusCode;
use chrono::{TimeZone, Utc};
use ninefold::service::{Actor, golive};
use sea_orm::EntityTrait;

/// The runbook of the unit test, typed through the form: Friday 2 October 2026, 18:00
/// Shanghai time. Freeze (60) → extract (240) → load (300) → verify (90); comms (30) after
/// the freeze; user set-up (120) from 20:00. Critical path 690 min = 11.5 h.
const TASKS: &[(&str, &str, &str, &str, &str, &str)] = &[
    ("10", "Freeze legacy CRM", "technical", "2026-10-02T18:00", "60", ""),
    ("20", "Extract customer data", "data", "2026-10-02T18:00", "240", "10"),
    ("30", "Load into new CRM", "data", "2026-10-02T18:00", "300", "20"),
    ("40", "Verify and sign off", "business", "2026-10-02T18:00", "90", "30"),
    ("50", "Tell the dealers", "communication", "2026-10-02T18:00", "30", "10"),
    ("60", "Set up users", "technical", "2026-10-02T20:00", "120", ""),
];

fn task_form<'a>(t: &'a (&str, &str, &str, &str, &str, &str), owner: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("seq", t.0),
        ("name", t.1),
        ("category", t.2),
        ("planned_start", t.3),
        ("duration_min", t.4),
        ("predecessors", t.5),
        ("owner", owner),
    ]
}

/// Task ids by sequence number, read from the runbook page's links.
fn task_id(body: &str, name: &str) -> i32 {
    let i = body.find(&format!("\"><strong>{name}")).expect("task listed");
    let start = body[..i].rfind('/').unwrap() + 1;
    body[start..i].parse().unwrap()
}

/// With GOLIVE_DUMP set to a directory, pages are saved there to be looked at (first
/// database only).
fn dump(name: &str, body: &str) {
    if let Ok(dir) = std::env::var("GOLIVE_DUMP") {
        let path = std::path::Path::new(&dir).join(format!("{name}.html"));
        if !path.exists() {
            std::fs::write(path, body).ok();
        }
    }
}

async fn seed_runbook(t: &TestApp, team: &mut Team) {
    let p = team.project;
    team.director.get(&format!("/projects/{p}/cutover")).await;
    for task in TASKS {
        let mut f = task_form(task, "李娜");
        if task.0 == "30" {
            f.extend([("rollback_point", "1"), ("rollback_deadline", "2026-10-03T02:00")]);
        }
        if task.0 == "40" {
            f.push(("checkpoint", "1"));
        }
        team.director.post(&format!("/projects/{p}/cutover/tasks"), &f).await.assert_redirect();
    }
    assert_eq!(t.count(&format!("SELECT COUNT(*) FROM cutover_tasks WHERE project_id = {p}")).await, 6);
}

#[tokio::test]
async fn runbook_critical_path_in_hours_rehearsal_overruns_and_bad_input_by_field() {
    on_each_db(|t| async move {
        let mut team = team(&t).await;
        let p = team.project;
        let page = team.director.get(&format!("/projects/{p}/cutover")).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(page.body.contains("No tasks yet"));
        seed_runbook(&t, &mut team).await;
        assert_eq!(t.count("SELECT COUNT(*) FROM audit_log WHERE entity = 'cutover_task' AND action = 'create'").await, 6);

        let page = team.director.get(&format!("/projects/{p}/cutover")).await.body;
        // 690 minutes = 11.5 hours; window 18:00 Friday → 05:30 Saturday; chain 10 → 20 → 30 → 40.
        assert!(page.contains("Critical path: 11.5 h</strong> (11:30)"), "{}", &page[..page.len().min(3000)]);
        assert!(page.contains("2026-10-02 18:00 → 2026-10-03 05:30"));
        assert!(page.contains("10 → 20 → 30 → 40"));
        // Comms floats 10 h, user set-up 7:30.
        assert!(page.contains(">10:00<") && page.contains(">7:30<"));
        assert!(page.contains("Rollback point ≤ 2026-10-03 02:00") && page.contains("chip small checkpoint\">Go&#x2f;no-go checkpoint<"));

        // Bad input is refused by field, in English and in Chinese, and nothing is written.
        let bad = [
            ("seq", "20", "Another task already has this number."),
            ("duration_min", "0", "Enter the duration in whole minutes"),
            ("planned_start", "Friday evening", "Enter a date and time"),
            ("predecessors", "10, x", "List task numbers separated by commas"),
            ("predecessors", "99", "A predecessor names a task number that is not in the runbook."),
        ];
        for (field, value, message) in bad {
            let mut f = task_form(&("70", "Go-live mail", "communication", "2026-10-03T06:00", "15", "40"), "PMO");
            f.retain(|(k, _)| *k != field);
            f.push((field, value));
            let r = team.director.post(&format!("/projects/{p}/cutover/tasks"), &f).await;
            assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{field}={value}");
            assert!(r.body.contains(message), "{field}: {message}");
            assert!(r.body.contains(&format!("id=\"err-{field}\"")), "{field} marked");
        }
        let mut f = task_form(&("70", "Go-live mail", "communication", "2026-10-03T06:00", "15", "40"), "PMO");
        f.push(("rollback_point", "1"));
        team.director.lang = Some("zh-CN".into());
        let r = team.director.post(&format!("/projects/{p}/cutover/tasks"), &f).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.body.contains("回退点需要填写回退截止时间。") && r.body.contains("id=\"err-rollback_deadline\""));
        let page = team.director.get(&format!("/projects/{p}/cutover")).await.body;
        assert!(page.contains("关键路径：11.5 h") && page.contains("系统切换手册"));
        team.director.lang = None;
        assert_eq!(t.count(&format!("SELECT COUNT(*) FROM cutover_tasks WHERE project_id = {p}")).await, 6);

        // A loop through the predecessors is refused with the tasks around it.
        let page = team.director.get(&format!("/projects/{p}/cutover")).await.body;
        let freeze = task_id(&page, "Freeze legacy CRM");
        let mut f = task_form(&TASKS[0], "李娜");
        f.retain(|(k, _)| *k != "predecessors");
        f.extend([("predecessors", "40"), ("version", "1")]);
        let r = team.director.post(&format!("/projects/{p}/cutover/tasks/{freeze}"), &f).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.body.contains("This link would make work wait for itself") && r.body.contains("10 Freeze legacy CRM"));
        // A real edit (freeze takes 90 minutes) moves the critical path to 12 h; a stale one is 409.
        let mut f = task_form(&("10", "Freeze legacy CRM", "technical", "2026-10-02T18:00", "90", ""), "李娜");
        f.push(("version", "1"));
        team.director.post(&format!("/projects/{p}/cutover/tasks/{freeze}"), &f).await.assert_redirect();
        let r = team.consultant.post(&format!("/projects/{p}/cutover/tasks/{freeze}"), &f).await;
        assert_eq!(r.status, StatusCode::CONFLICT);
        assert!(team.director.get(&format!("/projects/{p}/cutover")).await.body.contains("Critical path: 12 h"));
        assert_eq!(t.count(&format!("SELECT COUNT(*) FROM audit_log WHERE entity = 'cutover_task' AND entity_id = {freeze} AND action = 'update'")).await, 1);
        // Back to 60 minutes for the rehearsal below.
        let mut f = task_form(&TASKS[0], "李娜");
        f.push(("version", "2"));
        team.director.post(&format!("/projects/{p}/cutover/tasks/{freeze}"), &f).await.assert_redirect();

        // Roles: viewers read, outsiders see nothing.
        assert_eq!(team.viewer.get(&format!("/projects/{p}/cutover")).await.status, StatusCode::OK);
        let r = team.viewer.post(&format!("/projects/{p}/cutover/tasks"), &task_form(&TASKS[0], "x")).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
        assert_eq!(team.outsider.get(&format!("/projects/{p}/cutover")).await.status, StatusCode::NOT_FOUND);

        // A rehearsal: load took 360 (60 over), user set-up 125 (5 over); the whole 740 min
        // against 690 planned = +7 %, within the 10 % tolerance.
        team.director.get(&format!("/projects/{p}/cutover")).await;
        let r = team.director.post(&format!("/projects/{p}/cutover/rehearsals"), &[("name", ""), ("held_on", "2026-09-12")]).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.body.contains("id=\"err-rehearsal_name\""));
        let loc = team
            .director
            .post(&format!("/projects/{p}/cutover/rehearsals"), &[("name", "Dress rehearsal 1"), ("held_on", "2026-09-12")])
            .await
            .assert_redirect()
            .to_string();
        let rid: i32 = loc.rsplit('/').next().unwrap().parse().unwrap();
        let sheet = team.director.get(&loc).await.body;
        let ids: Vec<i32> = TASKS.iter().map(|x| task_id(&page, x.1)).collect();
        let times = [
            ("2026-09-12T18:00", "2026-09-12T19:00"),
            ("2026-09-12T19:00", "2026-09-12T23:00"),
            ("2026-09-12T23:00", "2026-09-13T05:00"),
            ("2026-09-13T05:00", "2026-09-13T06:20"),
            ("2026-09-12T19:00", "2026-09-12T19:30"),
            ("2026-09-12T20:00", "2026-09-12T22:05"),
        ];
        assert!(sheet.contains("Dress rehearsal 1"));
        let keys: Vec<(String, String, String)> =
            ids.iter().map(|i| (i.to_string(), format!("start_{i}"), format!("finish_{i}"))).collect();
        let mut f: Vec<(&str, &str)> = vec![("version", "1")];
        for (k, (s, e)) in keys.iter().zip(times) {
            f.extend([("task", k.0.as_str()), (k.1.as_str(), s), (k.2.as_str(), e)]);
        }
        // Finish before start is refused by its field; nothing is stored.
        let mut wrong = f.clone();
        let bad_key = format!("finish_{}", ids[1]);
        for x in wrong.iter_mut() {
            if x.0 == bad_key {
                x.1 = "2026-09-12T18:30";
            }
        }
        let r = team.director.post(&loc, &wrong).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.body.contains("The finish is before the start.") && r.body.contains(&format!("id=\"err-{bad_key}\"")));
        assert_eq!(t.count(&format!("SELECT COUNT(*) FROM rehearsal_actuals WHERE rehearsal_id = {rid}")).await, 0);
        team.director.post(&loc, &f).await.assert_redirect();
        assert_eq!(t.count(&format!("SELECT COUNT(*) FROM rehearsal_actuals WHERE rehearsal_id = {rid}")).await, 6);
        assert_eq!(t.count("SELECT COUNT(*) FROM audit_log WHERE entity = 'rehearsal_actual' AND action = 'record'").await, 6);
        // The sheet loaded before that save is stale now.
        let r = team.consultant.post(&loc, &f).await;
        assert_eq!(r.status, StatusCode::CONFLICT);
        let page = team.director.get(&format!("/projects/{p}/cutover")).await.body;
        // Minutes under each rehearsal's heading, the overrun beside them.
        assert!(page.contains(">360 <span class=\"overran\" title=\"+60 min\">+60</span>"), "{page}");
        assert!(page.contains(">125 <span class=\"overran\" title=\"+5 min\">+5</span>"));
        assert!(page.contains(">80</td>"), "verify took 80, not flagged");
        assert!(page.contains("<td>12:20</td><td>+7%</td>") && page.contains("within tolerance"));
        dump("runbook_en", &page);
        dump("rehearsal_en", &team.director.get(&loc).await.body);
        team.director.lang = Some("zh-CN".into());
        dump("runbook_zh", &team.director.get(&format!("/projects/{p}/cutover")).await.body);
        team.director.lang = None;
        let rb = golive::runbook(&t.db.conn, &project(&t, p).await).await.unwrap();
        assert_eq!(rb.rehearsals[0].tasks_overran, 2);
        // The API serialises the same view: the same critical path and rehearsal verdict.
        let api = team.viewer.get(&format!("/api/v1/projects/{p}/cutover")).await;
        assert_eq!(api.status, StatusCode::OK);
        let json: serde_json::Value = serde_json::from_str(&api.body).unwrap();
        assert_eq!(json["critical_minutes"], 690);
        assert_eq!(json["critical_hours"], 11.5);
        assert_eq!(json["rehearsals"][0]["variance_pct"], 7);
        assert_eq!(json["critical_chain"], serde_json::json!([10, 20, 30, 40]));
        assert_eq!(rb.last_rehearsal_within_tolerance, Some(true));
    })
    .await;
}

async fn project(t: &TestApp, p: i32) -> ninefold::entity::project::Model {
    ninefold::entity::project::Entity::find_by_id(p).one(&t.db.conn).await.unwrap().unwrap()
}

#[tokio::test]
async fn live_cutover_start_finish_with_stale_409_elapsed_and_time_to_rollback() {
    on_each_db(|t| async move {
        let mut team = team(&t).await;
        let p = team.project;
        seed_runbook(&t, &mut team).await;
        let page = team.director.get(&format!("/projects/{p}/cutover")).await.body;
        let freeze = task_id(&page, "Freeze legacy CRM");
        let extract = task_id(&page, "Extract customer data");

        // Through the pages: start the freeze, a second press on the same version is a 409.
        let live = team.director.get(&format!("/projects/{p}/cutover/live")).await;
        assert_eq!(live.status, StatusCode::OK);
        team.director
            .post(&format!("/projects/{p}/cutover/tasks/{freeze}/start"), &[("version", "1")])
            .await
            .assert_redirect();
        let r = team.consultant.post(&format!("/projects/{p}/cutover/tasks/{freeze}/start"), &[("version", "1")]).await;
        assert_eq!(r.status, StatusCode::CONFLICT);
        assert!(r.body.contains("Someone recorded this task a moment ago"));
        // Finishing before starting is refused with the reason.
        let r = team.director.post(&format!("/projects/{p}/cutover/tasks/{extract}/finish"), &[("version", "1")]).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.body.contains("Start the task before finishing it."));
        team.director
            .post(&format!("/projects/{p}/cutover/tasks/{freeze}/finish"), &[("version", "2")])
            .await
            .assert_redirect();
        let live = team.director.get(&format!("/projects/{p}/cutover/live")).await.body;
        assert!(live.contains("state-done\">Done"));
        // The cutover was planned for 2 October 2026: the rest is late to start (or, if the
        // tests run before then, waiting).
        assert!(live.contains("Late to start") || live.contains("Waiting"));
        assert_eq!(t.count(&format!("SELECT COUNT(*) FROM audit_log WHERE entity = 'cutover_task' AND entity_id = {freeze} AND action IN ('live_start', 'live_finish')")).await, 2);
        assert_eq!(team.viewer.post(&format!("/projects/{p}/cutover/tasks/{extract}/start"), &[("version", "1")]).await.status, StatusCode::FORBIDDEN);
        let proj = team.viewer.get(&format!("/projects/{p}/cutover/projector")).await;
        assert_eq!(proj.status, StatusCode::OK);
        assert!(proj.body.contains("http-equiv=\"refresh\"") && proj.body.contains("Extract customer data"));
        team.director.lang = Some("zh-CN".into());
        let zh = team.director.get(&format!("/projects/{p}/cutover/live")).await.body;
        dump("live_zh", &zh);
        dump("projector_en", &proj.body);
        assert!(zh.contains("距回退截止") && zh.contains("已完成"));
        team.director.lang = None;
        // Undo the live record so the timed check below starts clean.
        for v in ["3", "4"] {
            team.director.post(&format!("/projects/{p}/cutover/tasks/{freeze}/reset"), &[("version", v)]).await.assert_redirect();
        }

        // At fixed instants: Shanghai is UTC+8, so 18:05 local is 10:05 UTC.
        let proj = project(&t, p).await;
        let actor = Actor { user_id: 1 };
        let utc = |d: u32, h: u32, m: u32| Utc.with_ymd_and_hms(2026, 10, d, h, m, 0).unwrap();
        golive::mark_at(&t.db, actor, p, freeze, 5, golive::Mark::Start, utc(2, 10, 5)).await.unwrap();
        golive::mark_at(&t.db, actor, p, freeze, 6, golive::Mark::Finish, utc(2, 11, 10)).await.unwrap();
        golive::mark_at(&t.db, actor, p, extract, 1, golive::Mark::Start, utc(2, 11, 10)).await.unwrap();
        let rb = golive::runbook_at(&t.db.conn, &proj, utc(2, 15, 30)).await.unwrap();
        assert_eq!(rb.now.to_string(), "2026-10-02 23:30:00");
        assert_eq!((rb.live.elapsed_minutes, rb.live.planned_elapsed_minutes), (325, 330));
        assert_eq!(rb.live.minutes_to_rollback, Some(150));
        assert_eq!(rb.live.to_rollback_hm.as_deref(), Some("2:30"));
        assert_eq!((rb.live.running, rb.live.late, rb.live.done), (1, 4, 1));
        let by_seq = |s: i32| rb.tasks.iter().find(|x| x.task.seq == s).unwrap();
        assert_eq!(by_seq(10).live.behind_minutes, 10);
        assert_eq!(by_seq(20).live.behind_minutes, 20, "extract due 23:10, overrunning 20 minutes");
        assert_eq!(by_seq(50).live.behind_minutes, 270);
        // One minute after the rollback deadline with the load not done.
        let rb = golive::runbook_at(&t.db.conn, &proj, utc(2, 18, 1)).await.unwrap();
        assert!(rb.live.rollback_deadline_missed && rb.live.minutes_to_rollback.is_none());
        let rb = golive::runbook_at(&t.db.conn, &proj, utc(2, 18, 0)).await.unwrap();
        assert_eq!(rb.live.minutes_to_rollback, Some(0));
        assert!(!rb.live.rollback_deadline_missed);
    })
    .await;
}

fn issue_form<'a>(
    title: &'a str,
    sev: &'a str,
    opened: &'a str,
    responded: &'a str,
    resolved: &'a str,
    status: &'a str,
) -> Vec<(&'a str, &'a str)> {
    vec![
        ("title", title),
        ("severity", sev),
        ("channel", "phone"),
        ("module_key", "service"),
        ("reporter", "Guangzhou service centre"),
        ("assignee", "陈杰"),
        ("status", status),
        ("opened_at", opened),
        ("responded_at", responded),
        ("resolved_at", resolved),
    ]
}

fn issue_id(body: &str, title: &str) -> i32 {
    let i = body.find(&format!("\">{title}</a>")).expect("issue listed");
    let start = body[..i].rfind('/').unwrap() + 1;
    body[start..i].parse().unwrap()
}

#[tokio::test]
async fn hypercare_breaches_at_exact_minute_boundaries_in_the_project_s_time_zone() {
    on_each_db(|t| async move {
        let mut team = team(&t).await;
        let p = team.project;
        let hc = format!("/projects/{p}/hypercare");
        assert!(team.director.get(&hc).await.body.contains("No issue reported yet."));
        // Shanghai, severity 3 (4 business hours): opened Friday 17:30 → due Monday 12:30.
        team.director
            .post(
                &hc,
                &issue_form(
                    "Warranty lookup slow",
                    "3",
                    "2026-10-02T17:30",
                    "2026-10-05T12:30",
                    "2026-10-07T17:30",
                    "resolved",
                ),
            )
            .await
            .assert_redirect();
        let page = team.director.get(&hc).await.body;
        let id = issue_id(&page, "Warranty lookup slow");
        // Resolution: 27 business hours → Wednesday 17:30.
        assert!(
            page.contains(r#"title="2026-10-05 12:30">10-05 12:30</span> ✓"#)
                && page.contains(r#"title="2026-10-07 17:30">10-07 17:30</span> ✓"#),
            "{page}"
        );
        assert!(page.contains("id=\"response-breaches\">Response breaches 0"));
        // One minute later is a breach, on both clocks.
        let f = issue_form(
            "Warranty lookup slow",
            "3",
            "2026-10-02T17:30",
            "2026-10-05T12:31",
            "2026-10-07T17:31",
            "resolved",
        );
        let mut with_v = f.clone();
        with_v.push(("version", "1"));
        team.director.post(&format!("{hc}/{id}"), &with_v).await.assert_redirect();
        let page = team.director.get(&hc).await.body;
        assert!(
            page.contains("id=\"response-breaches\">Response breaches 1") && page.contains("Resolution breaches 1")
        );
        assert_eq!(
            t.count(&format!("SELECT COUNT(*) FROM audit_log WHERE entity = 'hypercare_issue' AND entity_id = {id}"))
                .await,
            2
        );
        // The same form again is stale.
        let r = team.consultant.post(&format!("{hc}/{id}"), &with_v).await;
        assert_eq!(r.status, StatusCode::CONFLICT);

        // Bad input by field, nothing written.
        for (field, value, message) in [
            ("severity", "5", "Choose"),
            ("opened_at", "2099-01-01T00:00", "This time is in the future."),
            ("responded_at", "2026-10-01T08:00", "This is before the issue was opened."),
            ("resolved_at", "", "Enter when the issue was resolved."),
        ] {
            let mut f = issue_form("Bad", "2", "2026-10-02T17:30", "", "2026-10-03T10:00", "resolved");
            f.retain(|(k, _)| *k != field);
            f.push((field, value));
            let r = team.director.post(&hc, &f).await;
            assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{field}");
            assert!(r.body.contains(message) && r.body.contains(&format!("id=\"err-{field}\"")), "{field}: {message}");
        }
        assert_eq!(t.count(&format!("SELECT COUNT(*) FROM hypercare_issues WHERE project_id = {p}")).await, 1);
        assert_eq!(
            team.viewer.post(&hc, &issue_form("x", "1", "2026-10-02T17:30", "", "", "open")).await.status,
            StatusCode::FORBIDDEN
        );

        // A Berlin project: summer time starts Sunday 29 March 2026.
        team.director.get("/projects/new").await;
        let r = team
            .director
            .post(
                "/projects",
                &[
                    ("name", "CRM Berlin"),
                    ("client_name", "Huamei Europe GmbH"),
                    ("industry", "appliances"),
                    ("start_date", "2026-01-05"),
                    ("currency", "EUR"),
                    ("modules", "service"),
                    ("playbook", "nine-phase"),
                    ("time_zone", "Europe/Berlin"),
                ],
            )
            .await;
        let b: i32 = r.assert_redirect().trim_start_matches("/projects/").parse().unwrap();
        let hb = format!("/projects/{b}/hypercare");
        team.director.get(&hb).await;
        // Friday 17:00 CET + 240 business minutes = Monday 12:00 CEST; answered at 12:00 is met.
        team.director
            .post(
                &hb,
                &issue_form(
                    "Call routing",
                    "3",
                    "2026-03-27T17:00",
                    "2026-03-30T12:00",
                    "2026-03-31T10:00",
                    "resolved",
                ),
            )
            .await
            .assert_redirect();
        // Severity 1 from Saturday 23:00: 4 real hours later the clocks show 04:00.
        team.director
            .post(
                &hb,
                &issue_form(
                    "Service orders down",
                    "1",
                    "2026-03-28T23:00",
                    "2026-03-28T23:20",
                    "2026-03-29T04:00",
                    "resolved",
                ),
            )
            .await
            .assert_redirect();
        let page = team.director.get(&hb).await.body;
        dump("hypercare_en", &page);
        // The log shows month-day and time, the full local time on hover.
        assert!(page.contains(r#"<span class="nowrap" title="2026-03-30 12:00">03-30 12:00</span> ✓"#), "{page}");
        assert!(
            page.contains(r#"<span class="nowrap" title="2026-03-29 04:00">03-29 04:00</span> ✓"#)
                && page.contains("Resolution breaches 0")
        );
        // A time the clocks skipped is refused, in both languages.
        let f = issue_form("Ghost", "2", "2026-03-29T02:30", "", "", "open");
        let r = team.director.post(&hb, &f).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.body.contains("This local time does not exist"));
        team.director.lang = Some("zh-CN".into());
        let r = team.director.post(&hb, &f).await;
        assert!(r.body.contains("当地不存在此时间") && r.body.contains("上线保障期"));
        dump("hypercare_zh_error", &r.body);
        team.director.lang = None;

        // Exit criteria and the daily counts, judged at a fixed instant.
        let proj = project(&t, b).await;
        let at = Utc.with_ymd_and_hms(2026, 4, 12, 10, 0, 0).unwrap();
        let log = ninefold::service::hypercare::log_at(&t.db.conn, &proj, at, ninefold::i18n::Lang::En).await.unwrap();
        assert_eq!(log.daily.first().map(|d| (d.date.to_string(), d.opened)), Some(("2026-03-27".into(), 1)));
        assert_eq!(log.daily.iter().find(|d| d.date.to_string() == "2026-03-29").map(|d| d.closed), Some(1));
        assert_eq!(log.open, 0);
        // The severity-1 issue was resolved on 29 March: 14 days by 12 April.
        assert_eq!(log.exit.days_without_sev1, 14);
        assert!(log.exit.met);
        assert!(log.chart.to_svg(720.0, 220.0).contains("polyline"));
        let api = team.director.get(&format!("/api/v1/projects/{b}/hypercare")).await;
        let json: serde_json::Value = serde_json::from_str(&api.body).unwrap();
        assert_eq!(json["issues"][0]["response_due_local"], "2026-03-30T12:00:00");
        assert_eq!(json["resolution_breaches"], 0);
    })
    .await;
}
