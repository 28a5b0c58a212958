//! Phase 7 readiness and phase 8 adoption (issue 14): every scorecard criterion computed
//! from seeded data with exact numbers, thresholds edited (audited, 409, bad input by field
//! in both languages), the go/no-go decision freezing the scorecard (a go with red refused
//! without conditions, viewers and directors cannot decide), adoption pushed by the project
//! token (idempotent) and entered, low adoption in the health, and the go-live acceptance.
use crate::harness::*;
use crate::organisation::{add_person, int, unit};
use axum::http::StatusCode;
use chrono::{NaiveDate, NaiveDateTime};
use ninefold::service::{Actor, golive, testing};
use serde_json::Value;

fn d(s: &str) -> NaiveDate {
    s.parse().unwrap()
}
fn dt(s: &str) -> NaiveDateTime {
    NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap()
}

/// Seed every criterion's data through the services (the pages of those areas are tested
/// in their own files):
/// - UAT: 4 cases, 3 passed and 1 failed → 75 % against 95 % → red;
/// - one open major defect → 1 against 0 (margin 2) → amber;
/// - sales group: 4 end users, 3 attended a held sales session → 75 % against 90 % → red;
/// - two sources, one below the bar → 1 against 0 (margin 1) → amber;
/// - runbook 60 + 120 min in a chain (180 planned), rehearsed in 207 → +15 % against 10 %
///   (margin 10) → amber;
/// - the operating rules deliverable accepted → 100 % → green;
/// - support: two names typed + one hypercare assignee → 3 against 2 → green.
async fn seed(t: &TestApp, team: &mut Team) {
    let p = team.project;
    let director = Actor { user_id: int(t, "SELECT id FROM users WHERE email = 'director@t.example'").await };
    let steering = Actor { user_id: int(t, "SELECT id FROM users WHERE email = 'steering@t.example'").await };
    let db = &t.db;
    // Acceptance tests.
    let cases: Vec<testing::CaseInput> = (1..=4)
        .map(|i| testing::CaseInput {
            code: format!("UAT-{i}"),
            title: format!("Case {i}"),
            blueprint_id: None,
            actor: "Agent".into(),
            action: "Do it".into(),
            expected: "Done".into(),
            module_key: "service".into(),
            feature: String::new(),
        })
        .collect();
    testing::create_cases(db, director, p, &cases).await.unwrap();
    let uat = testing::create_cycle(
        db,
        director,
        p,
        &testing::CycleInput {
            name: "UAT 1".into(),
            kind: "uat".into(),
            scope: vec![],
            planned_start: None,
            planned_finish: None,
            testers: "Service group".into(),
            pass_rate_min: 95,
        },
    )
    .await
    .unwrap();
    let ids: Vec<i32> = testing::cases(&db.conn, p).await.unwrap().iter().map(|c| c.id).collect();
    for (i, case_id) in ids.iter().enumerate() {
        let failed = i == 3;
        let run = testing::RunInput {
            case_id: *case_id,
            status: if failed { "failed" } else { "passed" }.into(),
            failed_step: failed.then_some(1),
            actual_result: if failed { "Nothing happened".into() } else { String::new() },
            evidence: String::new(),
            tester: "李娜".into(),
            run_on: d("2026-03-10"),
        };
        testing::record_run(db, director, p, uat.id, &run).await.unwrap();
    }
    testing::raise_defect(
        db,
        director,
        p,
        uat.id,
        ids[3],
        &testing::DefectInput {
            title: "Nothing happens".into(),
            description: String::new(),
            severity: "major".into(),
            priority: "high".into(),
            owner: "Vendor".into(),
            target_date: None,
        },
    )
    .await
    .unwrap();

    // Training: the sales group's four end users, three trained.
    let c = &mut team.director;
    c.get(&format!("/projects/{p}/organisation")).await;
    let sales = unit(t, p, "group:sales").await;
    let key = add_person(c, p, "Kim Key", "sales", "client").await;
    c.post(
        &format!("/projects/{p}/organisation/units/{sales}/members"),
        &[("person_id", &key.to_string()), ("role", "key_user"), ("allocation", "30")],
    )
    .await
    .assert_redirect();
    let mut end = vec![];
    for n in ["Eli End", "Fay End", "Gus End", "Hal End"] {
        end.push(add_person(c, p, n, "sales", "client").await);
    }
    let mut f = crate::training::session("Sales end users", "functional_group", "2026-03-02", "0", "held");
    f.retain(|(k, _)| *k != "module");
    f.push(("module", "sales"));
    let g = sales.to_string();
    f.push(("audience_unit_id", &g));
    let r = c.post(&format!("/projects/{p}/training"), &f).await;
    let s: i32 = r.assert_redirect().rsplit('/').next().unwrap().parse().unwrap();
    for person in &end[..3] {
        c.post(&format!("/projects/{p}/training/{s}/invite"), &[("person_id", &person.to_string())])
            .await
            .assert_redirect();
    }
    for a in 0..3 {
        let id =
            int(t, &format!("SELECT id FROM attendance WHERE session_id = {s} ORDER BY id LIMIT 1 OFFSET {a}")).await;
        c.post(&format!("/projects/{p}/training/{s}/attendance/{id}"), &[("attended", "1"), ("version", "1")])
            .await
            .assert_redirect();
    }

    // Data quality: one source meets the bar, one does not.
    use ninefold::service::diagnosis;
    for (name, q) in [("Customers", ["97", "1", "98"]), ("Service tickets", ["90", "5", "92"])] {
        let src = diagnosis::create_source(
            db,
            director,
            p,
            &diagnosis::SourceInput {
                name: name.into(),
                entity: "customers".into(),
                record_count: 1000,
                owner: "IT".into(),
                cleansing: "done".into(),
                migration: "not_started".into(),
            },
        )
        .await
        .unwrap();
        diagnosis::add_check(db, director, p, src.id, "2026-03-20", [q[0], q[1], q[2]]).await.unwrap();
    }

    // Runbook and one rehearsal.
    let mut tids = vec![];
    for (seq, dur, preds) in [(10, 60, vec![]), (20, 120, vec![10])] {
        let input = golive::TaskInput {
            seq,
            name: format!("Task {seq}"),
            owner: "陈杰".into(),
            category: "data".into(),
            planned_start: dt("2026-10-02 18:00"),
            duration_min: dur,
            predecessors: preds,
            checkpoint: false,
            rollback_point: false,
            rollback_deadline: None,
        };
        tids.push(golive::create_task(db, director, p, &input).await.unwrap().id);
    }
    let r = golive::create_rehearsal(db, director, p, "Dress rehearsal", d("2026-09-19")).await.unwrap();
    let rows = vec![
        golive::RawActual { task_id: tids[0], start: "2026-09-19T09:00".into(), finish: "2026-09-19T10:00".into() },
        golive::RawActual { task_id: tids[1], start: "2026-09-19T10:00".into(), finish: "2026-09-19T12:27".into() },
    ];
    golive::save_actuals(db, director, p, r.id, r.version, &rows).await.unwrap();

    // The operating rules deliverable, submitted and accepted.
    use ninefold::domain::workflow::Transition;
    let did = int(t, &format!("SELECT id FROM deliverables WHERE project_id = {p} AND key = 'operating-rules'")).await;
    let dv = int(t, &format!("SELECT version FROM deliverables WHERE id = {did}")).await;
    let dl = ninefold::service::work::transition(db, director, p, did, dv, Transition::Submit, "").await.unwrap();
    ninefold::service::work::transition(db, steering, p, did, dl.version, Transition::Accept, "").await.unwrap();

    // One hypercare assignee.
    let proj = ninefold::service::projects::get(&t.db.conn, p).await.unwrap();
    let raw = ninefold::service::hypercare::RawIssue {
        title: "Login slow".into(),
        severity: "3".into(),
        channel: "phone".into(),
        module_key: "service".into(),
        reporter: "Desk".into(),
        assignee: "李娜".into(),
        status: "open".into(),
        opened_at: "2026-03-20T10:00".into(),
        ..Default::default()
    };
    let input = ninefold::service::hypercare::validate(&raw, &proj, ninefold::service::now()).unwrap();
    ninefold::service::hypercare::create(db, director, p, &input).await.unwrap();
}

fn criterion<'a>(card: &'a Value, key: &str) -> &'a Value {
    card["criteria"].as_array().unwrap().iter().find(|c| c["key"] == key).unwrap()
}

fn thresholds_form(version: &str) -> Vec<(&'static str, String)> {
    [
        ("uat_pass_min", "95"),
        ("defects_max", "0"),
        ("training_min", "90"),
        ("quality_failing_max", "0"),
        ("rehearsal_tolerance_pct", "10"),
        ("procedures_min", "100"),
        ("support_min", "2"),
        ("support_team", "陈杰\n王芳"),
        ("hc_sev1_days", "14"),
        ("hc_weekly_max", "5"),
        ("adoption_min", "60"),
    ]
    .iter()
    .map(|(k, v)| (*k, v.to_string()))
    .chain([("version", version.to_string())])
    .collect()
}

async fn post_owned(c: &mut Client, url: &str, f: &[(&'static str, String)]) -> Resp {
    let f: Vec<(&str, &str)> = f.iter().map(|(k, v)| (*k, v.as_str())).collect();
    c.post(url, &f).await
}

#[tokio::test]
async fn scorecard_from_data_thresholds_and_the_go_no_go_decision() {
    on_each_db(|t| async move {
        let mut team = team(&t).await;
        let p = team.project;
        let page = format!("/projects/{p}/readiness");
        // Nothing yet: the criteria without data are not assessed.
        let api = team.viewer.get(&format!("/api/v1/projects/{p}/readiness")).await;
        let json: Value = serde_json::from_str(&api.body).unwrap();
        assert_eq!(criterion(&json["scorecard"], "uat")["rag"], "not_assessed");
        assert_eq!(json["thresholds_version"], 0);

        // The support team is typed in the thresholds (audited); a stale form is a 409.
        team.director.get(&page).await;
        post_owned(&mut team.director, &format!("{page}/thresholds"), &thresholds_form("0")).await.assert_redirect();
        assert_eq!(t.count("SELECT COUNT(*) FROM audit_log WHERE entity = 'readiness_setting' AND action = 'create'").await, 1);
        let r = post_owned(&mut team.consultant, &format!("{page}/thresholds"), &thresholds_form("0")).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "only who edits the project sets thresholds");
        let r = post_owned(&mut team.director, &format!("{page}/thresholds"), &thresholds_form("0")).await;
        assert_eq!(r.status, StatusCode::CONFLICT);
        // Bad input by field, in both languages; nothing written.
        let mut bad = thresholds_form("1");
        bad[0].1 = "101".into();
        bad[1].1 = "-1".into();
        let r = post_owned(&mut team.director, &format!("{page}/thresholds"), &bad).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.body.contains("id=\"err-uat_pass_min\"") && r.body.contains("Enter a whole per cent from 0 to 100."));
        assert!(r.body.contains("id=\"err-defects_max\"") && r.body.contains("Enter a whole number from 0 to 10000."));
        team.director.lang = Some("zh-CN".into());
        let r = post_owned(&mut team.director, &format!("{page}/thresholds"), &bad).await;
        assert!(r.body.contains("请输入 0 至 100 之间的整数百分比。") && r.body.contains("上线准备度评分卡"));
        team.director.lang = None;
        assert_eq!(t.count(&format!("SELECT version FROM readiness_settings WHERE project_id = {p}")).await, 1);

        seed(&t, &mut team).await;
        let body = team.steering.get(&page).await.body;
        let api = team.viewer.get(&format!("/api/v1/projects/{p}/readiness")).await;
        let json: Value = serde_json::from_str(&api.body).unwrap();
        let card = &json["scorecard"];
        let expect = [
            ("uat", 75, 95, "red"),
            ("defects", 1, 0, "amber"),
            ("training", 75, 90, "red"),
            ("data_quality", 1, 0, "amber"),
            ("rehearsal", 15, 10, "amber"),
            ("procedures", 100, 100, "green"),
            ("support", 3, 2, "green"),
        ];
        for (key, value, threshold, rag) in expect {
            let c = criterion(card, key);
            assert_eq!((c["value"].as_i64(), c["threshold"].as_i64(), c["rag"].as_str()), (Some(value), Some(threshold), Some(rag)), "{key}");
            // The page shows the same figure, with its evidence link.
            let row = &body[body.find(&format!("id=\"criterion-{key}\"")).unwrap()..];
            assert!(row.contains(&format!("data-value=\"{value}\"")), "{key} on the page");
        }
        assert_eq!((card["red"].as_i64(), card["amber"].as_i64(), card["green"].as_i64(), card["blocking"].as_i64()), (Some(2), Some(3), Some(2), Some(2)));
        assert!(criterion(card, "uat")["detail"][0].as_str().unwrap().contains("UAT 1 · 75.0% / 95% · C0 M1 · ✗"));
        assert!(criterion(card, "training")["detail"].as_array().unwrap().iter().any(|d| d.as_str().unwrap().contains("· 3/4 · 75%")));
        assert_eq!(criterion(card, "support")["detail"], serde_json::json!(["李娜", "王芳", "陈杰"]));
        // Evidence links (the template escapes the slashes).
        let esc = |s: String| s.replace('/', "&#x2f;");
        assert!(body.contains(&esc(format!("/projects/{p}/training\""))) && body.contains(&esc(format!("/projects/{p}/cutover#rehearsals"))));

        // The decision: only the steering committee decides; a go with red needs conditions.
        let go = [("decision", "go"), ("conditions", "  ")];
        assert_eq!(team.viewer.post(&format!("{page}/decisions"), &go).await.status, StatusCode::FORBIDDEN);
        assert_eq!(team.director.post(&format!("{page}/decisions"), &go).await.status, StatusCode::FORBIDDEN);
        let r = team.steering.post(&format!("{page}/decisions"), &go).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.body.contains("id=\"err-conditions\"") && r.body.contains("A go while a criterion is red or not assessed needs its conditions."));
        team.steering.lang = Some("zh-CN".into());
        let r = team.steering.post(&format!("{page}/decisions"), &go).await;
        assert!(r.body.contains("存在红色或未评估项时决定上线，必须写明附加条件。"));
        team.steering.lang = None;
        let r = team.steering.post(&format!("{page}/decisions"), &[("decision", "perhaps")]).await;
        assert!(r.body.contains("id=\"err-decision\""));
        assert_eq!(t.count(&format!("SELECT COUNT(*) FROM go_decisions WHERE project_id = {p}")).await, 0);
        // A no-go needs none; a go with conditions is taken.
        team.steering.post(&format!("{page}/decisions"), &[("decision", "no_go")]).await.assert_redirect();
        let cond = "UAT retest by 9 Oct; sales end users trained by 12 Oct";
        team.steering.post(&format!("{page}/decisions"), &[("decision", "go"), ("conditions", cond)]).await.assert_redirect();
        assert_eq!(t.count(&format!("SELECT COUNT(*) FROM go_decisions WHERE project_id = {p} AND decision = 'go' AND red_count = 2 AND decided_by_name = '张伟 Steering'")).await, 1);
        assert_eq!(t.count("SELECT COUNT(*) FROM audit_log WHERE entity = 'go_decision' AND action = 'decide'").await, 2);

        // Lowering the UAT bar to 75 % turns it green now; the frozen scorecard keeps its red.
        let mut lower = thresholds_form("1");
        lower[0].1 = "75".into();
        post_owned(&mut team.director, &format!("{page}/thresholds"), &lower).await.assert_redirect();
        assert_eq!(t.count("SELECT COUNT(*) FROM audit_log WHERE entity = 'readiness_setting' AND action = 'update'").await, 1);
        let json: Value = serde_json::from_str(&team.viewer.get(&format!("/api/v1/projects/{p}/readiness")).await.body).unwrap();
        assert_eq!(criterion(&json["scorecard"], "uat")["rag"], "green");
        let frozen = &json["decisions"][0];
        assert_eq!((frozen["decision"]["decision"].as_str(), frozen["decision"]["conditions"].as_str()), (Some("go"), Some(cond)));
        assert_eq!(criterion(&frozen["scorecard"], "uat")["rag"], "red");
        assert_eq!(criterion(&frozen["scorecard"], "uat")["threshold"], 95);
        let body = team.viewer.get(&page).await.body;
        assert!(body.contains(cond) && body.contains("2 red at the time"));
        let zh = {
            team.viewer.lang = Some("zh-CN".into());
            team.viewer.get(&page).await.body
        };
        assert!(zh.contains("上线决策") && zh.contains("决策时红色 2 项") && zh.contains("用户验收测试"));
        team.viewer.lang = None;

        // Documents: the go/no-go record and the go-live acceptance in both languages.
        for kind in ["readiness", "go-live-acceptance"] {
            for lang in [ninefold::i18n::Lang::En, ninefold::i18n::Lang::Zh] {
                let pdf = ninefold::report::preview(&t.db, p, ninefold::report::Kind::parse(kind).unwrap(), lang, "T").await.unwrap();
                assert!(pdf.starts_with(b"%PDF"), "{kind}");
            }
        }
        let acc = team.viewer.get(&format!("/projects/{p}/acceptance")).await;
        assert_eq!(acc.status, StatusCode::OK);
        // One severity-3 issue since 20 March, no severity 1 ever, none in the last 7 days,
        // a go taken, no adoption figure below the bar: hypercare may close.
        assert!(acc.body.contains(cond) && acc.body.contains(">Ready for go-live acceptance<"));
    })
    .await;
}

#[tokio::test]
async fn adoption_pushed_by_token_is_idempotent_and_low_adoption_feeds_health() {
    on_each_db(|t| async move {
        let mut team = team(&t).await;
        let p = team.project;
        team.director.get(&format!("/projects/{p}/tokens")).await;
        let r = team.director.post(&format!("/projects/{p}/tokens"), &[("name", "CRM nightly")]).await;
        let token = crate::targets::token_in(&r.body);
        let url = format!("/api/v1/projects/{p}/adoption");
        let auth = format!("Bearer {token}");
        let mut api = t.client();
        let body = r#"{"date": "2026-10-10", "module": "service", "active_users": 30, "planned_users": 40, "source": "crm"}"#;
        let r = api.post_json(&url, &[("authorization", &auth)], body).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        let r = api.post_json(&url, &[("authorization", &auth)], body).await;
        assert_eq!(r.status, StatusCode::OK);
        assert!(r.body.contains("\"result\":\"unchanged\""));
        assert_eq!(t.count(&format!("SELECT COUNT(*) FROM adoption_figures WHERE project_id = {p}")).await, 1);
        // A correction for the same day, module and source replaces the numbers (audited).
        let low = r#"{"date": "2026-10-10", "module": "service", "active_users": 20, "planned_users": 40, "source": "crm"}"#;
        let r = api.post_json(&url, &[("authorization", &auth)], low).await;
        assert!(r.body.contains("\"result\":\"updated\""));
        assert_eq!(t.count(&format!("SELECT COUNT(*) FROM adoption_figures WHERE project_id = {p} AND active_users = 20")).await, 1);
        assert_eq!(t.count("SELECT COUNT(*) FROM audit_log WHERE entity = 'adoption_figure' AND user_id IS NULL").await, 2);
        // 20 of 40 = 50 % < 60 %: the health turns amber with its reason.
        let reasons = t.count(&format!("SELECT COUNT(*) FROM project_health WHERE project_id = {p} AND reasons LIKE '%health.adoption_low%'")).await;
        assert_eq!(reasons, 1);
        let overview = team.director.get(&format!("/projects/{p}")).await.body;
        assert!(overview.contains("Adoption: a CRM module"), "the reason is shown");

        // Refused pushes: bad field (by name, in the caller's language), bad token, other project.
        let r = api.post_json(&url, &[("authorization", &auth)], r#"{"date": "2026-10-11", "module": "service", "active_users": -1, "planned_users": 40}"#).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST);
        let json: Value = serde_json::from_str(&r.body).unwrap();
        assert_eq!((json["field"].as_str(), json["message"].as_str()), (Some("active_users"), Some("Enter a whole number of users (0 or more).")));
        let r = api.post_json(&url, &[("authorization", &auth), ("accept-language", "zh-CN")], r#"{"date": "2026-10-11", "module": "erp", "active_users": 1, "planned_users": 4}"#).await;
        let json: Value = serde_json::from_str(&r.body).unwrap();
        assert_eq!(json["field"], "module");
        assert!(json["message"].as_str().unwrap().chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)), "{}", r.body);
        let r = api.post_json(&url, &[("authorization", "Bearer nf_wrong")], body).await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED);
        let other = create_project(&mut team.director, "Other").await;
        let r = api.post_json(&format!("/api/v1/projects/{other}/adoption"), &[("authorization", &auth)], body).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND);
        assert_eq!(t.count("SELECT COUNT(*) FROM adoption_figures").await, 1);

        // Entered through the form: viewers cannot; bad input by field; a later day recovers.
        let page = format!("/projects/{p}/adoption");
        team.consultant.get(&page).await;
        let good = [("module_key", "service"), ("unit_id", "0"), ("date", "2026-10-17"), ("active_users", "34"), ("planned_users", "40"), ("note", "")];
        assert_eq!(team.viewer.post(&page, &good).await.status, StatusCode::FORBIDDEN);
        let r = team.consultant.post(&page, &[("module_key", "service"), ("date", "2026-02-30"), ("active_users", "x"), ("planned_users", "40")]).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.body.contains("id=\"err-date\"") && r.body.contains("id=\"err-active_users\""));
        team.consultant.lang = Some("zh-CN".into());
        let r = team.consultant.post(&page, &[("module_key", "service"), ("date", "2026-10-17"), ("active_users", "x"), ("planned_users", "40")]).await;
        assert!(r.body.contains("请输入用户数（不小于 0 的整数）。"));
        team.consultant.lang = None;
        team.consultant.post(&page, &good).await.assert_redirect();
        assert_eq!(t.count("SELECT COUNT(*) FROM audit_log WHERE entity = 'adoption_figure' AND action = 'record' AND user_id IS NOT NULL").await, 1);
        // 34 of 40 = 85 %: no longer low.
        let json: Value = serde_json::from_str(&team.viewer.get(&format!("/api/v1/projects/{p}/adoption")).await.body).unwrap();
        let service = &json["modules"][0];
        assert_eq!((service["latest"]["active"].as_i64(), service["latest"]["pct"].as_i64(), service["low"].as_bool()), (Some(34), Some(85), Some(false)));
        assert_eq!(service["points"].as_array().unwrap().len(), 2);
        assert_eq!(t.count(&format!("SELECT COUNT(*) FROM project_health WHERE project_id = {p} AND reasons LIKE '%health.adoption_low%'")).await, 0);
        let body = team.viewer.get(&page).await.body;
        assert!(body.contains("polyline") && body.contains("Adoption by CRM module"));
        team.viewer.lang = Some("zh-CN".into());
        assert!(team.viewer.get(&page).await.body.contains("各 CRM 模块使用率"));
    })
    .await;
}
