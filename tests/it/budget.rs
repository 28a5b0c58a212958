//! Budget, effort and cost control (issue #15): budget lines seeded from the business case,
//! commitments and invoices, earned value feeding health, timesheets with rates, roles and
//! locks, assignments and My work. Every figure below is computed by hand in the comments.
use crate::harness::*;
use axum::http::StatusCode;
use ninefold::service::Actor;
use sea_orm::ConnectionTrait;

fn d(s: &str) -> chrono::NaiveDate {
    s.parse().unwrap()
}

fn json(body: &str) -> serde_json::Value {
    serde_json::from_str(body).unwrap_or_else(|e| panic!("{e}: {body}"))
}

async fn exec(t: &TestApp, sql: &str) {
    t.db.conn.execute_unprepared(sql).await.unwrap();
}

#[tokio::test]
async fn budget_commitments_invoices_and_earned_value_turn_health_amber_at_cpi_085() {
    ninefold::service::clock::with_today(d("2026-06-15"), on_each_db(|t| async move {
        let mut team = team(&t).await;
        let p = team.project;
        let budget = format!("/projects/{p}/budget");
        let page = team.director.get(&budget).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(page.body.contains("Budget and cost") && page.body.contains("Earned value"));

        // Seeding needs one-time cost lines in the business case; then it happens once.
        let r = team.director.post(&format!("{budget}/seed"), &[]).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.body.contains("no one-time cost lines"));
        crate::business_case::approved_case(&mut team).await;
        team.director.get(&budget).await;
        team.director.post(&format!("{budget}/seed"), &[]).await.assert_redirect();
        // The case's one-time implementation cost of 1,000,000.00 → consulting services.
        assert_eq!(
            t.count(&format!("SELECT COUNT(*) FROM budget_lines WHERE project_id = {p} AND source = 'seed' AND category = 'consulting' AND amount_minor = 100000000")).await,
            1
        );
        assert_eq!(t.count("SELECT COUNT(*) FROM audit_log WHERE entity = 'budget_line' AND action = 'seed'").await, 1);
        let r = team.director.post(&format!("{budget}/seed"), &[]).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "seeded once, then managed on its own");

        // Bad input is refused by field in both languages; nothing is written.
        let bad = [("phase", ""), ("category", "consulting"), ("description", "Travel"), ("amount", "abc")];
        let r = team.director.post(&format!("{budget}/lines"), &bad).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.body.contains("Enter an amount such as 1,234.56"));
        team.director.lang = Some("zh-CN".into());
        let r = team.director.post(&format!("{budget}/lines"), &bad).await;
        assert!(r.body.contains("请输入金额"), "Chinese message");
        assert!(team.director.get(&budget).await.body.contains("预算与成本"));
        team.director.lang = None;
        assert_eq!(t.count(&format!("SELECT COUNT(*) FROM budget_lines WHERE project_id = {p}")).await, 1);
        // Viewers read but do not write; consultants do not manage the budget either.
        assert_eq!(team.viewer.get(&budget).await.status, StatusCode::OK);
        let ok = [("phase", ""), ("category", "travel"), ("description", "Travel"), ("amount", "50,000")];
        assert_eq!(team.viewer.post(&format!("{budget}/lines"), &ok).await.status, StatusCode::FORBIDDEN);
        team.consultant.get(&budget).await;
        assert_eq!(team.consultant.post(&format!("{budget}/lines"), &ok).await.status, StatusCode::FORBIDDEN);
        assert_eq!(team.outsider.get(&budget).await.status, StatusCode::NOT_FOUND);

        // A stale edit of a line's amount is a conflict.
        let line = t.count(&format!("SELECT id FROM budget_lines WHERE project_id = {p}")).await;
        let r = team.director.post(&format!("{budget}/lines/{line}"), &[("version", "1"), ("amount", "100,000")]).await;
        r.assert_redirect();
        let r = team.director.post(&format!("{budget}/lines/{line}"), &[("version", "1"), ("amount", "90,000")]).await;
        assert_eq!(r.status, StatusCode::CONFLICT);
        // BAC is now 100,000.00.

        // A commitment of 60,000 and invoices against it.
        let com = [
            ("vendor", "Acme Consulting"),
            ("reference", "PO-1"),
            ("amount", "60,000"),
            ("committed_on", "2026-03-10"),
            ("category", "consulting"),
            ("phase", ""),
        ];
        team.director.post(&format!("{budget}/commitments"), &com).await.assert_redirect();
        let cid = t.count(&format!("SELECT id FROM commitments WHERE project_id = {p}")).await.to_string();
        let inv = |amount: &'static str, reference: &'static str, credit: bool| {
            let mut f = vec![("commitment", cid.clone()), ("reference", reference.into()), ("amount", amount.into()), ("invoiced_on", "2026-05-31".into())];
            if credit {
                f.push(("credit_note", "1".into()));
            }
            f
        };
        let send = |f: Vec<(&'static str, String)>| f;
        let f = send(inv("22,000", "INV-1", false));
        let fields: Vec<(&str, &str)> = f.iter().map(|(k, v)| (*k, v.as_str())).collect();
        team.director.post(&format!("{budget}/invoices"), &fields).await.assert_redirect();
        // 22,000 + 40,000 would exceed the 60,000 commitment: refused by the amount field.
        let f = send(inv("40,000", "INV-2", false));
        let fields: Vec<(&str, &str)> = f.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let r = team.director.post(&format!("{budget}/invoices"), &fields).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.body.contains("Invoices would exceed the commitment"));
        // A credit note of 2,000 (marked as such) subtracts: invoiced 20,000.
        let f = send(inv("2,000", "CN-1", true));
        let fields: Vec<(&str, &str)> = f.iter().map(|(k, v)| (*k, v.as_str())).collect();
        team.director.post(&format!("{budget}/invoices"), &fields).await.assert_redirect();
        assert_eq!(t.count("SELECT COUNT(*) FROM audit_log WHERE entity = 'invoice' AND action = 'credit_note'").await, 1);
        assert_eq!(t.count("SELECT COUNT(*) FROM audit_log WHERE entity = 'commitment' AND action = 'create'").await, 1);

        // Every activity 17 % complete: EV = 17 % of BAC 100,000 = 17,000; AC = 20,000;
        // CPI = 17,000 / 20,000 = 0.85 → amber with its reason.
        exec(&t, &format!("UPDATE activities SET percent_complete = 17, status = 'open' WHERE project_id = {p}")).await;
        let v = json(&team.director.get(&format!("/api/v1/projects/{p}/budget")).await.body);
        assert_eq!(v["total"]["budget"], 10_000_000);
        assert_eq!(v["total"]["committed"], 6_000_000);
        assert_eq!(v["total"]["invoiced"], 2_000_000);
        assert_eq!(v["total"]["actual"], 2_000_000);
        // Forecast = max(budget, committed, actual) = 100,000; variance 0.
        assert_eq!((v["total"]["forecast"].as_i64(), v["total"]["variance"].as_i64()), (Some(10_000_000), Some(0)));
        let ev = v["ev"]["ev"].as_i64().unwrap();
        assert!((ev - 1_700_000).abs() <= 100, "EV {ev} ≈ 17,000.00 (per-activity rounding)");
        let cpi = v["ev"]["cpi"].as_f64().unwrap();
        assert!((cpi - 0.85).abs() < 0.0001, "CPI {cpi}");
        // EAC = BAC / CPI ≈ 117,647; VAC ≈ −17,647.
        let eac = v["ev"]["eac"].as_i64().unwrap();
        assert!((eac - 11_764_706).abs() < 2_000, "EAC {eac}");
        assert_eq!(v["cost_rag"], "amber");
        let by_cat = v["by_category"].as_array().unwrap();
        let consulting = by_cat.iter().find(|r| r["key"] == "consulting").unwrap();
        assert_eq!((consulting["committed"].as_i64(), consulting["invoiced"].as_i64()), (Some(6_000_000), Some(2_000_000)));
        // The page shows the same CPI; the overview's health names the reason.
        let page = team.director.get(&budget).await.body;
        assert!(page.contains("<td class=\"num\" id=\"cpi\">0.85</td>"), "page CPI");
        let overview = team.director.get(&format!("/projects/{p}")).await.body;
        assert!(overview.contains("Cost: earned value shows an overrun (CPI below 0.9)"));
        team.director.lang = Some("zh-CN".into());
        assert!(team.director.get(&format!("/projects/{p}")).await.body.contains("成本：挣值显示超支"));
        team.director.lang = None;

        // The costs CSV carries the same totals.
        let csv = team.director.get(&format!("{budget}/costs.csv")).await.body;
        assert!(csv.contains("Total,100000.00,60000.00,20000.00,0.00,20000.00,100000.00,0.00"), "{csv}");
    }))
    .await;
}

#[tokio::test]
async fn timesheets_are_logged_by_their_person_approved_by_the_director_and_cost_at_the_rate_of_the_day() {
    ninefold::service::clock::with_today(d("2026-06-20"), on_each_db(|t| async move {
        let mut team = team(&t).await;
        let p = team.project;
        let director_id = t.count("SELECT id FROM users WHERE email = 'director@t.example'").await as i32;
        let member_id = t.user("member@t.example", "Mia Member").await;
        ninefold::service::projects::set_member(&t.db, Actor { user_id: director_id }, p, member_id, ninefold::domain::policy::Role::Member)
            .await
            .unwrap();
        let mut member = t.client();
        member.login("member@t.example").await;
        // One activity of an open phase, one of a phase that is closed.
        let open_act = t.count(&format!("SELECT MIN(id) FROM activities WHERE project_id = {p} AND phase_id = (SELECT MIN(id) FROM phases WHERE project_id = {p})")).await;
        let last_phase = t.count(&format!("SELECT MAX(id) FROM phases WHERE project_id = {p}")).await;
        let other_act = t.count(&format!("SELECT MAX(id) FROM activities WHERE project_id = {p} AND phase_id = (SELECT MIN(id) FROM phases WHERE project_id = {p})")).await;
        let closed_act = t.count(&format!("SELECT MIN(id) FROM activities WHERE phase_id = {last_phase}")).await;
        exec(&t, &format!("UPDATE phases SET status = 'closed' WHERE id = {last_phase}")).await;

        // Rates: the member's own 100.00/h, changed to 120.00/h from Wednesday 2026-06-17.
        let budget = format!("/projects/{p}/budget");
        team.director.get(&budget).await;
        let m = member_id.to_string();
        let rate = |amount: &'static str, from: &'static str| {
            vec![("user", m.clone()), ("role", String::new()), ("rate", amount.to_string()), ("valid_from", from.to_string()), ("valid_to", String::new())]
        };
        for (amount, from) in [("100", "2026-03-01"), ("120", "2026-06-17")] {
            let f = rate(amount, from);
            let fields: Vec<(&str, &str)> = f.iter().map(|(k, v)| (*k, v.as_str())).collect();
            team.director.post(&format!("{budget}/rates"), &fields).await.assert_redirect();
        }
        // The first rate now ends the day before the change.
        assert_eq!(t.count(&format!("SELECT COUNT(*) FROM cost_rates WHERE user_id = {member_id} AND rate_minor = 10000 AND valid_to = '2026-06-16'")).await, 1);
        assert_eq!(t.count("SELECT COUNT(*) FROM audit_log WHERE entity = 'cost_rate' AND action = 'close'").await, 1);
        // A rate names a person or a role.
        let r = team.director.post(&format!("{budget}/rates"), &[("user", ""), ("role", ""), ("rate", "1"), ("valid_from", "2026-03-01")]).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.body.contains("Choose a person or a role"));

        // The director assigns the member to the activity: it is on the member's My work.
        let assign = format!("/projects/{p}/assignments");
        team.director.get(&assign).await;
        let a = open_act.to_string();
        team.director
            .post(&assign, &[("item_kind", "activity"), ("item_id", &a), ("user", &m), ("planned_hours", "40")])
            .await
            .assert_redirect();
        let r = team.director.post(&assign, &[("item_kind", "activity"), ("item_id", &a), ("user", &m), ("planned_hours", "lots")]).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(t.count("SELECT COUNT(*) FROM audit_log WHERE entity = 'assignment' AND action = 'create'").await, 1);
        let act_name = t.count(&format!("SELECT LENGTH(name_en) FROM activities WHERE id = {open_act}")).await;
        assert!(act_name > 0);
        let mw = json(&member.get("/api/v1/my-work").await.body);
        let all: Vec<&serde_json::Value> = ["overdue", "this_week", "later"].iter().flat_map(|k| mw[k].as_array().unwrap().iter()).collect();
        let mine = all.iter().find(|i| i["kind"] == "activity").expect("assigned activity on My work");
        assert_eq!(mine["planned_hours"], "40");
        assert_eq!(mine["project_id"], p);
        let page = member.get("/my-work").await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(page.body.contains("My work") && page.body.contains(mine["title"].as_str().unwrap()));
        member.lang = Some("zh-CN".into());
        assert!(member.get("/my-work").await.body.contains("我的工作"));
        member.lang = None;

        // The week of Monday 2026-06-15.
        let ts = format!("/projects/{p}/timesheet");
        let page = member.get(&format!("{ts}?week=2026-06-15")).await;
        assert_eq!(page.status, StatusCode::OK);
        let cell = |act: i64, day: &str| format!("h_{act}_{day}");
        let (c16, c17) = (cell(open_act, "2026-06-16"), cell(open_act, "2026-06-17"));
        // Over 24 in a cell, over 24 in a day, a closed phase: refused by the field, nothing written.
        let r = member.post(&ts, &[("week", "2026-06-15"), (&c16, "25")]).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.body.contains(&format!("id=\"err-{c16}\"")) && r.body.contains("At most 24 hours a day."));
        let o16 = cell(other_act, "2026-06-16");
        let r = member.post(&ts, &[("week", "2026-06-15"), (&c16, "16"), (&o16, "10")]).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.body.contains("id=\"err-day_2026-06-16\""));
        let x16 = cell(closed_act, "2026-06-16");
        let r = member.post(&ts, &[("week", "2026-06-15"), (&x16, "2")]).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.body.contains("This activity&#x27;s phase is closed") || r.body.contains("This activity's phase is closed"));
        member.lang = Some("zh-CN".into());
        let r = member.post(&ts, &[("week", "2026-06-15"), (&c16, "25")]).await;
        assert!(r.body.contains("每天最多 24 小时。"));
        member.lang = None;
        assert_eq!(t.count("SELECT COUNT(*) FROM time_entries").await, 0);
        // Hours are logged by the person who worked them; viewers log none.
        let r = member.post(&ts, &[("week", "2026-06-15"), ("user", &director_id.to_string()), (&c16, "8")]).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
        team.viewer.get(&ts).await;
        assert_eq!(team.viewer.post(&ts, &[("week", "2026-06-15"), (&c16, "8")]).await.status, StatusCode::FORBIDDEN);
        assert_eq!(member.get(&format!("{ts}?user={director_id}")).await.status, StatusCode::FORBIDDEN);

        // 8 h on Tuesday and 7.5 h on Wednesday, saved and submitted.
        member.post(&ts, &[("week", "2026-06-15"), (&c16, "8"), (&c17, "7.5"), ("action", "submit")]).await.assert_redirect();
        assert_eq!(t.count("SELECT COUNT(*) FROM time_entries WHERE status = 'submitted'").await, 2);
        assert_eq!(t.count("SELECT COUNT(*) FROM audit_log WHERE entity = 'time_entry' AND action = 'submit'").await, 2);
        // It waits for the director's decision on the director's My work.
        let mw = json(&team.director.get("/api/v1/my-work").await.body);
        let waiting: Vec<&serde_json::Value> = ["overdue", "this_week", "later"].iter().flat_map(|k| mw[k].as_array().unwrap().iter()).filter(|i| i["kind"] == "approve_time").collect();
        assert_eq!(waiting.len(), 1);
        assert!(waiting[0]["title"].as_str().unwrap().contains("Mia Member"));
        // The member cannot approve; the director can.
        member.get(&ts).await;
        let who = [("user", m.as_str()), ("week", "2026-06-15")];
        assert_eq!(member.post(&format!("{ts}/approve"), &who).await.status, StatusCode::FORBIDDEN);
        let page = team.director.get(&format!("{ts}?user={member_id}&week=2026-06-15")).await;
        assert!(page.body.contains("Approve week"));
        team.director.post(&format!("{ts}/approve"), &who).await.assert_redirect();
        assert_eq!(t.count(&format!("SELECT COUNT(*) FROM time_entries WHERE status = 'approved' AND approved_by = {director_id}")).await, 2);
        assert_eq!(t.count("SELECT COUNT(*) FROM audit_log WHERE entity = 'time_entry' AND action = 'approve'").await, 2);
        // Approved hours are locked.
        let r = member.post(&ts, &[("week", "2026-06-15"), (&c16, "6")]).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.body.contains("These hours are approved and locked."));
        assert_eq!(t.count("SELECT COUNT(*) FROM time_entries WHERE hours_x100 = 800").await, 1);

        // Cost at the rate of the day: 8 h × 100.00 + 7.5 h × 120.00 = 800 + 900 = 1,700.00,
        // booked to internal staff (a member) in the activity's phase.
        let v = json(&team.director.get(&format!("/api/v1/projects/{p}/budget")).await.body);
        assert_eq!(v["total"]["labour"], 170_000);
        assert_eq!(v["hours_approved_x100"], 1_550);
        let staff = v["by_category"].as_array().unwrap().iter().find(|r| r["key"] == "internal_staff").unwrap().clone();
        assert_eq!(staff["actual"], 170_000);
        // The JSON week agrees with the page's grid.
        let w = json(&team.director.get(&format!("/api/v1/projects/{p}/timesheet?user={member_id}&week=2026-06-15")).await.body);
        assert_eq!((w["total"].as_str(), w["approved"].as_i64()), (Some("15.5"), Some(2)));
        // The export lists the hours.
        let csv = team.director.get(&format!("/projects/{p}/timesheet.csv")).await.body;
        assert!(csv.contains("Mia Member") && csv.contains("2026-06-17,7.5,approved"), "{csv}");
    }))
    .await;
}
