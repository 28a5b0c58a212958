//! The training plan through the real router: sessions, the senior-management-first check,
//! budget sums, attendance and each person's record, coverage on the readiness gate.
use crate::harness::*;
use crate::organisation::{add_person, int, unit};
use axum::http::StatusCode;

/// A session form as typed (also used by the consistency tests).
pub(crate) fn session<'a>(
    title: &'a str,
    audience: &'a str,
    date: &'a str,
    cost: &'a str,
    status: &'a str,
) -> Vec<(&'a str, &'a str)> {
    vec![
        ("title", title),
        ("audience", audience),
        ("phase_seq", "1"),
        ("module", ""),
        ("date", date),
        ("start_time", "09:00"),
        ("duration_minutes", "120"),
        ("place", "总部会议室"),
        ("trainer", "李娜"),
        ("cost", cost),
        ("status", status),
    ]
}

async fn create(c: &mut Client, p: i32, fields: &[(&str, &str)]) -> i32 {
    let r = c.post(&format!("/projects/{p}/training"), fields).await;
    let loc = r.assert_redirect();
    loc.rsplit('/').next().unwrap().parse().unwrap()
}

#[tokio::test]
async fn training_starts_with_senior_management() {
    // Fixed dates in 2026 below: "today" is fixed too, so the test means the same next year.
    ninefold::service::clock::with_today(
        crate::harness::fixed_today(),
        on_each_db(|t| async move {
            let mut tm = team(&t).await;
            let p = tm.project;
            let c = &mut tm.consultant;
            c.get(&format!("/projects/{p}/training")).await;
            let team_s =
                create(c, p, &session("Project team training", "project_team", "2026-03-10", "0", "planned")).await;
            let page = c.get(&format!("/projects/{p}/training")).await;
            assert!(page.body.contains("data-check=\"no_senior_management\""));

            create(
                c,
                p,
                &session("CRM concepts for senior management", "senior_management", "2026-03-12", "0", "planned"),
            )
            .await;
            let page = c.get(&format!("/projects/{p}/training")).await;
            assert!(!page.body.contains("data-check=\"no_senior_management\""));
            assert!(page.body.contains("data-check=\"before_senior_management\""));
            assert!(page.body.contains("1 session(s) are scheduled before the first senior-management session"));

            // Moving the team's session after the senior one clears the warning.
            let mut f = session("Project team training", "project_team", "2026-03-13", "0", "planned");
            f.push(("version", "1"));
            c.post(&format!("/projects/{p}/training/{team_s}"), &f).await.assert_redirect();
            let page = c.get(&format!("/projects/{p}/training")).await;
            assert!(!page.body.contains("data-check="));
            // A stale edit is refused.
            let r = c.post(&format!("/projects/{p}/training/{team_s}"), &f).await;
            assert_eq!(r.status, StatusCode::CONFLICT);
            assert_eq!(t.count("SELECT COUNT(*) FROM audit_log WHERE entity = 'training_session'").await, 3);
        }),
    )
    .await;
}

#[tokio::test]
async fn budget_sums_planned_against_actual() {
    // Fixed dates in 2026 below: "today" is fixed too, so the test means the same next year.
    ninefold::service::clock::with_today(
        crate::harness::fixed_today(),
        on_each_db(|t| async move {
            let mut tm = team(&t).await;
            let p = tm.project;
            let c = &mut tm.director;
            c.get(&format!("/projects/{p}/training")).await;
            create(c, p, &session("Senior", "senior_management", "2026-03-02", "1,200.50", "held")).await;
            create(c, p, &session("Team", "project_team", "2026-03-09", "800", "planned")).await;
            create(c, p, &session("Dropped", "project_team", "2026-03-10", "999", "cancelled")).await;
            let mut admins = session("Admins", "administrators", "2026-03-11", "0.07", "held");
            admins.retain(|(k, _)| *k != "place");
            admins.push(("online", "1"));
            create(c, p, &admins).await;
            assert_eq!(
                t.count("SELECT CAST(SUM(cost) AS BIGINT) FROM training_sessions").await,
                120_050 + 80_000 + 99_900 + 7
            );
            let page = c.get(&format!("/projects/{p}/training")).await;
            assert!(page.body.contains("id=\"budget-planned\"><strong>2000.57</strong>"), "planned: all but cancelled");
            assert!(page.body.contains("id=\"budget-actual\"><strong>1200.57</strong>"), "actual: held");
            // By audience: the project team planned 800, nothing held.
            assert!(
                page.body.contains("<td>Project team</td><td class=\"num\">800.00</td><td class=\"num\">0.00</td>")
            );
        }),
    )
    .await;
}

#[tokio::test]
async fn bad_session_input_is_refused_by_the_field() {
    // Fixed dates in 2026 below: "today" is fixed too, so the test means the same next year.
    ninefold::service::clock::with_today(
        crate::harness::fixed_today(),
        on_each_db(|t| async move {
            let mut tm = team(&t).await;
            let p = tm.project;
            let c = &mut tm.director;
            c.get(&format!("/projects/{p}/training")).await;
            for (key, value, message) in [
                ("title", "", "This field is required."),
                ("date", "2026-02-30", "Enter a real date as YYYY-MM-DD."),
                ("start_time", "9 o'clock", "Enter a time as HH:MM."),
                ("cost", "-5", "Enter an amount such as 1200 or 1200.50."),
                ("place", "", "Give a place, or tick online."),
                ("audience", "everyone", "Choose one of the options offered."),
                ("duration_minutes", "5", "Enter minutes between 15 and 1440."),
            ] {
                let mut f = session("S", "senior_management", "2026-03-02", "0", "planned");
                f.retain(|(k, _)| *k != key);
                f.push((key, value));
                let r = c.post(&format!("/projects/{p}/training"), &f).await;
                assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{key}");
                assert!(r.body.contains(&format!("<p class=\"field-error\" id=\"err-{key}\">{message}</p>")), "{key}");
            }
            // A functional-group session names the group.
            let f = session("S", "functional_group", "2026-03-02", "0", "planned");
            let r = c.post(&format!("/projects/{p}/training"), &f).await;
            assert!(r.body.contains("id=\"err-audience_unit_id\""));
            c.post("/locale", &[("lang", "zh"), ("next", "/projects")]).await;
            let mut f = session("S", "senior_management", "2026-03-02", "abc", "planned");
            f.push(("online", "1"));
            let r = c.post(&format!("/projects/{p}/training"), &f).await;
            assert!(r.body.contains("请输入金额，例如 1200 或 1200.50。"));
            assert_eq!(t.count("SELECT COUNT(*) FROM training_sessions").await, 0);
        }),
    )
    .await;
}

#[tokio::test]
async fn attendance_and_the_persons_training_record() {
    // Fixed dates in 2026 below: "today" is fixed too, so the test means the same next year.
    ninefold::service::clock::with_today(
        crate::harness::fixed_today(),
        on_each_db(|t| async move {
            let mut tm = team(&t).await;
            let p = tm.project;
            let c = &mut tm.director;
            c.get(&format!("/projects/{p}/training")).await;
            let ann = add_person(c, p, "安妮 Ann", "sales", "client").await;
            let bob = add_person(c, p, "Bob", "sales", "client").await;
            let s = create(c, p, &session("CRM concepts", "senior_management", "2026-03-02", "100", "held")).await;
            let r = c
                .post(
                    &format!("/projects/{p}/training/{s}/invite"),
                    &[("person_id", &ann.to_string()), ("person_id", &bob.to_string())],
                )
                .await;
            r.assert_redirect();
            // Inviting again changes nothing.
            c.post(&format!("/projects/{p}/training/{s}/invite"), &[("person_id", &ann.to_string())])
                .await
                .assert_redirect();
            assert_eq!(t.count("SELECT COUNT(*) FROM attendance").await, 2);

            let a = int(&t, &format!("SELECT id FROM attendance WHERE person_id = {ann}")).await;
            let url = format!("/projects/{p}/training/{s}/attendance/{a}");
            c.post(&url, &[("attended", "1"), ("score", "85"), ("version", "1")]).await.assert_redirect();
            assert_eq!(int(&t, &format!("SELECT score FROM attendance WHERE id = {a}")).await, 85);
            // Bad score: message by the field, nothing changed; stale version: 409.
            let r = c.post(&url, &[("attended", "1"), ("score", "150"), ("version", "2")]).await;
            assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
            assert!(r.body.contains("Enter a score from 0 to 100, or leave it empty."));
            let r = c.post(&url, &[("attended", "0"), ("score", ""), ("version", "1")]).await;
            assert_eq!(r.status, StatusCode::CONFLICT);

            let record = tm.viewer.get(&format!("/projects/{p}/people/{ann}")).await;
            assert!(record.body.contains("CRM concepts") && record.body.contains("<td>Yes</td><td>85</td>"));
            let record = tm.viewer.get(&format!("/projects/{p}/people/{bob}")).await;
            assert!(record.body.contains("<td>No</td><td>—</td>"));
            assert_eq!(t.count("SELECT COUNT(*) FROM audit_log WHERE entity = 'attendance'").await, 3);
        }),
    )
    .await;
}

#[tokio::test]
async fn coverage_per_group_shows_on_the_readiness_gate() {
    // Fixed dates in 2026 below: "today" is fixed too, so the test means the same next year.
    ninefold::service::clock::with_today(
        crate::harness::fixed_today(),
        on_each_db(|t| async move {
            let mut tm = team(&t).await;
            let p = tm.project;
            let c = &mut tm.director;
            c.get(&format!("/projects/{p}/organisation")).await;
            let sales_group = unit(&t, p, "group:sales").await;
            let key = add_person(c, p, "Kim Key", "sales", "client").await;
            add_person(c, p, "Eli End", "sales", "client").await;
            c.post(
                &format!("/projects/{p}/organisation/units/{sales_group}/members"),
                &[("person_id", &key.to_string()), ("role", "key_user"), ("allocation", "30")],
            )
            .await
            .assert_redirect();
            let mut f = session("Sales key users", "functional_group", "2026-03-02", "0", "held");
            let g = sales_group.to_string();
            f.push(("audience_unit_id", &g));
            f.retain(|(k, _)| *k != "module");
            f.push(("module", "sales"));
            let s = create(c, p, &f).await;
            c.post(&format!("/projects/{p}/training/{s}/invite"), &[("person_id", &key.to_string())])
                .await
                .assert_redirect();
            let a = int(&t, "SELECT MIN(id) FROM attendance").await;
            c.post(&format!("/projects/{p}/training/{s}/attendance/{a}"), &[("attended", "1"), ("version", "1")])
                .await
                .assert_redirect();
            let page = c.get(&format!("/projects/{p}/training")).await;
            // Sales group: 1 of 1 key users, 0 of 1 end users: 50%.
            assert!(page.body.contains("<td class=\"num\">1/1</td><td class=\"num\">0/1</td>"));
            assert!(page.body.contains("50%"));
            let gate = tm.steering.get(&format!("/projects/{p}/phases/7/gate")).await;
            assert!(gate.body.contains("id=\"training-coverage\"") && gate.body.contains("Sales group"));
            let other = tm.steering.get(&format!("/projects/{p}/phases/3/gate")).await;
            assert!(!other.body.contains("id=\"training-coverage\""));
        }),
    )
    .await;
}
