//! The plan tells the truth (issue 20): the method's linked network and its critical path,
//! one status per item across page, CSV and Microsoft Project XML, gates that settle their
//! phase's open work on the decision day, a second director as a finding, all four link
//! types through a Microsoft Project file, and localised error pages.
use crate::harness::*;
use axum::http::StatusCode;
use ninefold::service::schedule;
use std::collections::BTreeSet;

fn d(s: &str) -> chrono::NaiveDate {
    s.parse().unwrap()
}

/// A project created through the form with the method's network ticked.
async fn linked_project(c: &mut Client, name: &str, start: &str) -> i32 {
    c.get("/projects/new").await;
    let r = c
        .post(
            "/projects",
            &[
                ("name", name),
                ("client_name", "华美电器"),
                ("industry", "appliances"),
                ("start_date", start),
                ("currency", "CNY"),
                ("modules", "sales"),
                ("modules", "service"),
                ("playbook", "nine-phase"),
                ("network", "linked"),
            ],
        )
        .await;
    r.assert_redirect().trim_start_matches("/projects/").parse().unwrap()
}

#[tokio::test]
async fn a_new_projects_critical_path_runs_through_all_nine_phases() {
    on_each_db(|t| async move {
        let mut team = team(&t).await;
        // The form offers the network, ticked.
        let form = team.director.get("/projects/new").await.body;
        assert!(
            form.contains("name=\"network\" value=\"linked\" checked"),
            "{}",
            &form[form.find("network").unwrap_or(0).saturating_sub(300)..][..600]
        );
        let p = linked_project(&mut team.director, "Linked", "2026-03-02").await;
        let links = t.count(&format!("SELECT COUNT(*) FROM dependencies WHERE project_id = {p}")).await;
        assert!(links >= 68, "the playbook's links: {links}");
        let ss = t
            .count(&format!(
                "SELECT COUNT(*) FROM dependencies WHERE project_id = {p} AND kind = 'SS' AND lag_days > 0"
            ))
            .await;
        assert!(ss >= 5, "start-to-start links with lags: {ss}");

        let r = team.director.get(&format!("/api/v1/projects/{p}/schedule")).await;
        assert_eq!(r.status, StatusCode::OK);
        let v: serde_json::Value = serde_json::from_str(&r.body).unwrap();
        let items = v["items"].as_array().unwrap();
        let critical: BTreeSet<i64> =
            items.iter().filter(|i| i["critical"] == true).map(|i| i["phase_seq"].as_i64().unwrap()).collect();
        assert_eq!(critical, (1..=9).collect::<BTreeSet<i64>>(), "critical items in every phase");
        // Float of days to weeks off the path, not months.
        let floats: Vec<i64> = items.iter().map(|i| i["total_float"].as_i64().unwrap()).collect();
        assert!(floats.iter().any(|&f| (1..=25).contains(&f)), "{floats:?}");
        assert!(floats.iter().all(|&f| f <= 60), "no work floats for months: {floats:?}");
        // The method's order: the as-is analysis before the blueprint, configuration before
        // the prototype tests, training before the go-live decision.
        let start = |en: &str| {
            let i = items.iter().find(|i| i["name_en"].as_str().unwrap().starts_with(en)).unwrap();
            (i["start"].as_str().unwrap().to_string(), i["finish"].as_str().unwrap().to_string())
        };
        assert!(start("Model current processes").1 < start("Score and select key processes").0);
        assert!(start("Configure the modules").1 < start("Prepare and run prototype tests").0);
        assert!(start("Train the department's users").1 < start("Review go-live readiness").0);
        // 250 working days (the phases' 50 weeks): 2026-03-02 → the last milestone.
        let phases = ninefold::service::projects::phases(&t.db.conn, p).await.unwrap();
        assert_eq!(phases[0].planned_start, d("2026-03-02"));
        assert_eq!(phases[8].planned_finish, d("2027-02-12"));
        // A project planned to start later has no actual start yet.
        assert!(phases[0].actual_start.is_none() || phases[0].actual_start <= Some(chrono::Utc::now().date_naive()));

        // Without the box the plan is the old one: no links, each activity spans its phase.
        assert_eq!(t.count(&format!("SELECT COUNT(*) FROM dependencies WHERE project_id = {}", team.project)).await, 0);
    })
    .await;
}

async fn accept_gate_deliverables(t: &TestApp, team: &mut Team, seq: i32) {
    let p = team.project;
    let phase = ninefold::service::projects::phases(&t.db.conn, p).await.unwrap()[(seq - 1) as usize].id;
    let dels = ninefold::service::work::deliverables_of_phase(&t.db.conn, phase).await.unwrap();
    team.consultant.get(&format!("/projects/{p}")).await;
    team.steering.get(&format!("/projects/{p}")).await;
    for dl in dels.iter().filter(|x| x.is_gate) {
        let url = format!("/projects/{p}/deliverables/{}/transition", dl.id);
        team.consultant
            .post(&url, &[("action", "submit"), ("version", &dl.version.to_string())])
            .await
            .assert_redirect();
        let v = (dl.version + 1).to_string();
        team.steering.post(&url, &[("action", "accept"), ("version", &v)]).await.assert_redirect();
    }
}

#[tokio::test]
async fn gates_close_or_carry_open_work_and_every_surface_agrees() {
    // An early gate: phase 1 is planned to end on 2026-03-27; the committee passes it on 03-20.
    ninefold::service::clock::with_today(d("2026-03-20"), on_each_db(|t| async move {
        let mut team = team(&t).await;
        let p = team.project;
        crate::business_case::approved_case(&mut team).await;
        accept_gate_deliverables(&t, &mut team, 1).await;
        let plan = schedule::load(&t.db.conn, p).await.unwrap();
        let ph1 = plan.phases[0].id;
        let ph1_acts: Vec<i32> = plan.activities.iter().filter(|a| a.phase_id == ph1).map(|a| a.id).collect();
        let gate = format!("/projects/{p}/phases/1/gate");
        let page = team.steering.get(&gate).await.body;
        assert!(page.contains("name=\"open_work\" value=\"close\"") && page.contains("name=\"open_work\" value=\"carry\""), "{}", &page[page.find("<main").unwrap_or(0)..]);
        // Closing needs its reason; nothing changes without it.
        let r = team.steering.post(&gate, &[("decision", "go"), ("rationale", "Scope approved"), ("open_work", "close"), ("open_reason", " ")]).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.body.contains("id=\"err-open_reason\""));
        assert_eq!(t.count("SELECT COUNT(*) FROM phase_decisions").await, 0);
        team.steering
            .post(&gate, &[("decision", "go"), ("rationale", "Scope approved"), ("open_work", "close"), ("open_reason", "Done in the workshops")])
            .await
            .assert_redirect();
        // Early gate: phase 1 finishes and phase 2 starts on the decision day.
        let phases = ninefold::service::projects::phases(&t.db.conn, p).await.unwrap();
        assert_eq!((phases[0].actual_start, phases[0].actual_finish), (Some(d("2026-03-02")), Some(d("2026-03-20"))));
        assert_eq!(phases[1].actual_start, Some(d("2026-03-20")));
        let plan = schedule::load(&t.db.conn, p).await.unwrap();
        for a in plan.activities.iter().filter(|a| ph1_acts.contains(&a.id)) {
            assert_eq!((a.status.as_str(), a.percent_complete, a.actual_finish), ("done", 100, Some(d("2026-03-20"))), "{}", a.name_en);
        }
        assert!(plan.milestones.iter().filter(|m| m.phase_id == ph1).all(|m| m.status == "done"));
        let reasons = t.count(&format!("SELECT COUNT(*) FROM audit_log WHERE project_id = {p} AND action = 'close_reason' AND after LIKE '%Done in the workshops%'")).await;
        assert_eq!(reasons, ph1_acts.len() as i64, "each closing recorded with its reason");

        // Phase 2: its open activities are carried into phase 3.
        accept_gate_deliverables(&t, &mut team, 2).await;
        let ph2 = plan.phases[1].id;
        let ph3 = plan.phases[2].id;
        let carried: Vec<i32> = plan.activities.iter().filter(|a| a.phase_id == ph2).map(|a| a.id).collect();
        let in3 = plan.activities.iter().filter(|a| a.phase_id == ph3).count();
        let r = team
            .steering
            .post(&format!("/projects/{p}/phases/2/gate"), &[("decision", "go"), ("rationale", "Organisation set"), ("open_work", "carry")])
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", &r.body[r.body.find("<main").unwrap_or(0)..]);
        let plan = schedule::load(&t.db.conn, p).await.unwrap();
        assert_eq!(plan.activities.iter().filter(|a| a.phase_id == ph3).count(), in3 + carried.len());
        assert!(plan.activities.iter().filter(|a| carried.contains(&a.id)).all(|a| a.status == "open" && a.phase_id == ph3));

        // Every surface says the same: the overview, the schedule's JSON, CSV and MS Project XML.
        let v: serde_json::Value =
            serde_json::from_str(&team.viewer.get(&format!("/api/v1/projects/{p}/schedule")).await.body).unwrap();
        let csv = team.viewer.get(&format!("/projects/{p}/schedule.csv")).await.body;
        let xml = team.viewer.get(&format!("/projects/{p}/schedule.xml")).await.body;
        let tasks = ninefold::domain::mspdi::import(&xml).unwrap();
        let overview = team.viewer.get(&format!("/projects/{p}?phase=1")).await.body;
        for a in &plan.activities {
            let row = v["items"].as_array().unwrap().iter().find(|i| i["kind"] == "activity" && i["id"] == a.id).unwrap();
            let (done, pct) = (a.status == "done", a.percent_complete);
            assert_eq!((row["done"].as_bool().unwrap(), row["percent"].as_i64().unwrap()), (done, i64::from(pct)));
            let line = csv.lines().find(|l| l.contains(&format!("\"{}\"", a.name_en))).unwrap();
            let seq = plan.phases.iter().find(|x| x.id == a.phase_id).unwrap().seq;
            assert!(line.starts_with(&format!("activity,{seq},")), "{line}");
            assert_eq!(line.split(',').rev().nth(3).unwrap(), pct.to_string(), "{line}");
            let task = tasks.iter().find(|x| x.name.contains(&a.name_en)).unwrap();
            assert_eq!(i64::from(task.percent), i64::from(pct));
        }
        // The overview of the closed phase lists no open activity.
        assert!(!overview.contains("data-status=\"open\""), "closed phase shows open work");

        // A reached milestone is never overdue, even when its day has passed.
        let m = plan.milestones.iter().find(|m| m.phase_id == ph3).unwrap();
        team.director.get(&format!("/projects/{p}/schedule")).await;
        team.director
            .post(&format!("/projects/{p}/schedule/milestones/{}/status", m.id), &[("done", "1"), ("version", &m.version.to_string())])
            .await
            .assert_redirect();
        ninefold::service::clock::with_today(d("2026-12-01"), async {
            let v: serde_json::Value =
                serde_json::from_str(&team.viewer.get(&format!("/api/v1/projects/{p}/schedule")).await.body).unwrap();
            let row = v["milestones"].as_array().unwrap().iter().find(|x| x["id"] == m.id).unwrap().clone();
            assert_eq!((row["done"].as_bool(), row["overdue"].as_bool()), (Some(true), Some(false)));
            let item = v["items"].as_array().unwrap().iter().find(|x| x["kind"] == "milestone" && x["id"] == m.id).unwrap().clone();
            assert_eq!(item["late"].as_bool(), Some(false));
            let due = schedule::upcoming(&t.db.conn, p, d("2026-12-01")).await.unwrap();
            assert!(due.iter().any(|x| x.overdue), "other work is overdue by then");
            assert!(!due.iter().any(|x| x.kind == "milestone" && x.id == m.id), "the reached milestone is not listed");
        })
        .await;

        // Actual dates in the future are refused on the activity form.
        let a = plan.activities.iter().find(|a| a.phase_id == ph3 && a.status == "open").unwrap();
        let r = team.director.get(&format!("/projects/{p}/schedule/activities/{}", a.id)).await;
        let version = r.body.split("name=\"version\" value=\"").nth(1).unwrap().split('"').next().unwrap().to_string();
        let r = team
            .director
            .post(&format!("/projects/{p}/schedule/activities/{}", a.id), &[("start", "2026-03-23"), ("duration", "5"), ("percent", "10"), ("actual_start", "2026-04-01"), ("version", &version)])
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.body.contains("id=\"err-actual_start\""));
        // An actual finish makes it done at 100 %: one fact.
        team.director
            .post(&format!("/projects/{p}/schedule/activities/{}", a.id), &[("start", "2026-03-23"), ("duration", "5"), ("percent", "10"), ("actual_finish", "2026-03-19"), ("version", &version)])
            .await
            .assert_redirect();
        let after = schedule::load(&t.db.conn, p).await.unwrap().activities.into_iter().find(|x| x.id == a.id).unwrap();
        assert_eq!((after.status.as_str(), after.percent_complete, after.actual_finish), ("done", 100, Some(d("2026-03-19"))));
    }))
    .await;
}

#[tokio::test]
async fn a_second_project_director_is_a_finding_and_the_form_defaults_to_team_member() {
    on_each_db(|t| async move {
        let mut team = team(&t).await;
        let p = team.project;
        crate::organisation::add_person(&mut team.director, p, "陈杰 Chen Jie", "sales", "client").await;
        let page = team.director.get(&format!("/projects/{p}/organisation")).await.body;
        assert!(page.contains("<option value=\"team_member\" selected>"), "the team's add form starts at team member");
        assert!(!page.contains("<option value=\"project_director\" selected>"));
        let team_unit = crate::organisation::unit(&t, p, "team").await;
        for (name, second) in [("王芳 Wang Fang", false), ("李娜 Li Na", true)] {
            let person = crate::organisation::add_person(&mut team.director, p, name, "marketing", "client").await;
            team.director
                .post(
                    &format!("/projects/{p}/organisation/units/{team_unit}/members"),
                    &[("person_id", &person.to_string()), ("role", "project_director"), ("allocation", "100")],
                )
                .await
                .assert_redirect();
            let page = team.director.get(&format!("/projects/{p}/organisation")).await.body;
            assert_eq!(page.contains("data-rule=\"several_directors\""), second, "after {name}");
        }
        let page = team.director.get(&format!("/projects/{p}/organisation")).await.body;
        assert!(page.contains("李娜 Li Na is a second project director"));
    })
    .await;
}

/// A file as Microsoft Project 2019 saves it (namespace, project summary task 0, times,
/// durations in hours, lags in tenths of minutes) with all four link types.
const MS_PROJECT_2019: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Project xmlns="http://schemas.microsoft.com/project">
  <SaveVersion>14</SaveVersion>
  <Name>Four links.xml</Name>
  <StartDate>2026-03-02T08:00:00</StartDate>
  <MinutesPerDay>480</MinutesPerDay>
  <Tasks>
    <Task><UID>0</UID><ID>0</ID><Name>Four links</Name><OutlineLevel>0</OutlineLevel><Summary>1</Summary><Start>2026-03-02T08:00:00</Start><Finish>2026-03-13T17:00:00</Finish><Duration>PT80H0M0S</Duration></Task>
    <Task><UID>1</UID><ID>1</ID><Name>Project preparation</Name><OutlineLevel>1</OutlineLevel><Summary>1</Summary><Start>2026-03-02T08:00:00</Start><Finish>2026-03-13T17:00:00</Finish><Duration>PT80H0M0S</Duration></Task>
    <Task><UID>2</UID><ID>2</ID><Name>Alpha survey</Name><OutlineLevel>2</OutlineLevel><Summary>0</Summary><Milestone>0</Milestone><Start>2026-03-02T08:00:00</Start><Finish>2026-03-06T17:00:00</Finish><Duration>PT40H0M0S</Duration><PercentComplete>0</PercentComplete></Task>
    <Task><UID>3</UID><ID>3</ID><Name>Bravo workshop</Name><OutlineLevel>2</OutlineLevel><Summary>0</Summary><Milestone>0</Milestone><Start>2026-03-11T08:00:00</Start><Finish>2026-03-13T17:00:00</Finish><Duration>PT24H0M0S</Duration><PercentComplete>0</PercentComplete>
      <PredecessorLink><PredecessorUID>2</PredecessorUID><Type>1</Type><CrossProject>0</CrossProject><LinkLag>9600</LinkLag><LagFormat>7</LagFormat></PredecessorLink></Task>
    <Task><UID>4</UID><ID>4</ID><Name>Charlie interviews</Name><OutlineLevel>2</OutlineLevel><Summary>0</Summary><Milestone>0</Milestone><Start>2026-03-03T08:00:00</Start><Finish>2026-03-06T17:00:00</Finish><Duration>PT32H0M0S</Duration><PercentComplete>0</PercentComplete>
      <PredecessorLink><PredecessorUID>2</PredecessorUID><Type>3</Type><CrossProject>0</CrossProject><LinkLag>4800</LinkLag><LagFormat>7</LagFormat></PredecessorLink></Task>
    <Task><UID>5</UID><ID>5</ID><Name>Delta notes</Name><OutlineLevel>2</OutlineLevel><Summary>0</Summary><Milestone>0</Milestone><Start>2026-03-05T08:00:00</Start><Finish>2026-03-06T17:00:00</Finish><Duration>PT16H0M0S</Duration><PercentComplete>0</PercentComplete>
      <PredecessorLink><PredecessorUID>4</PredecessorUID><Type>0</Type><CrossProject>0</CrossProject><LinkLag>0</LinkLag><LagFormat>7</LagFormat></PredecessorLink></Task>
    <Task><UID>6</UID><ID>6</ID><Name>Echo legacy freeze</Name><OutlineLevel>2</OutlineLevel><Summary>0</Summary><Milestone>0</Milestone><Start>2026-03-02T08:00:00</Start><Finish>2026-03-03T17:00:00</Finish><Duration>PT16H0M0S</Duration><PercentComplete>0</PercentComplete>
      <PredecessorLink><PredecessorUID>3</PredecessorUID><Type>2</Type><CrossProject>0</CrossProject><LinkLag>0</LinkLag><LagFormat>7</LagFormat></PredecessorLink></Task>
  </Tasks>
</Project>
"#;

#[tokio::test]
async fn a_microsoft_project_file_with_all_four_link_types_imports_schedules_and_exports_back() {
    on_each_db(|t| async move {
        let mut team = team(&t).await;
        let p = team.project;
        team.director.get(&format!("/projects/{p}/schedule")).await;
        team.director
            .post_multipart(&format!("/projects/{p}/schedule/import"), &[], Some(("file", MS_PROJECT_2019.as_bytes())))
            .await
            .assert_redirect();
        let plan = schedule::load(&t.db.conn, p).await.unwrap();
        let dates = |name: &str| {
            let a = plan.activities.iter().find(|a| a.name_en == name).unwrap_or_else(|| panic!("{name} imported"));
            (a.planned_start, a.planned_finish)
        };
        // FS +2: Bravo after Alpha (03-06) and two working days → 03-11.
        assert_eq!(dates("Bravo workshop"), (d("2026-03-11"), d("2026-03-13")));
        // SS +1: Charlie starts a day after Alpha; FF: Delta finishes with Charlie.
        assert_eq!(dates("Charlie interviews"), (d("2026-03-03"), d("2026-03-06")));
        assert_eq!(dates("Delta notes"), (d("2026-03-05"), d("2026-03-06")));
        // SF: Echo (2 days, saved for 03-02) may not finish before Bravo starts (03-11 in the
        // morning): it is pushed to finish at the end of 03-10.
        assert_eq!(dates("Echo legacy freeze"), (d("2026-03-09"), d("2026-03-10")));
        let kinds: BTreeSet<String> = plan.links.iter().map(|l| l.kind.clone()).collect();
        assert_eq!(kinds, ["FF", "FS", "SF", "SS"].into_iter().map(String::from).collect());

        // Exported back, the same four links with the same lags.
        let xml = team.viewer.get(&format!("/projects/{p}/schedule.xml")).await.body;
        let tasks = ninefold::domain::mspdi::import(&xml).unwrap();
        let name_of = |uid: i64| tasks.iter().find(|x| x.uid == uid).map(|x| x.name.clone()).unwrap_or_default();
        let mut links: Vec<(String, String, &str, i64)> = tasks
            .iter()
            .flat_map(|x| x.preds.iter().map(|l| (name_of(l.pred_uid), x.name.clone(), l.kind, l.lag_days)))
            .collect();
        links.sort();
        let short = |s: &str| s.split(" / ").next().unwrap_or(s).to_string();
        let links: Vec<(String, String, &str, i64)> =
            links.into_iter().map(|(a, b, k, l)| (short(&a), short(&b), k, l)).collect();
        assert_eq!(
            links,
            [
                ("Alpha survey".to_string(), "Bravo workshop".to_string(), "FS", 2),
                ("Alpha survey".to_string(), "Charlie interviews".to_string(), "SS", 1),
                ("Bravo workshop".to_string(), "Echo legacy freeze".to_string(), "SF", 0),
                ("Charlie interviews".to_string(), "Delta notes".to_string(), "FF", 0),
            ]
        );
        assert!(xml.contains("<Type>2</Type>"));
    })
    .await;
}

#[tokio::test]
async fn unknown_ids_paths_and_methods_get_the_localised_error_page() {
    on_each_db(|t| async move {
        let mut team = team(&t).await;
        let p = team.project;
        team.director.lang = Some("zh-CN".into());
        let missing = 987_654;
        for path in [
            format!("/projects/{missing}"),
            format!("/projects/{missing}/schedule"),
            format!("/projects/{missing}/organisation"),
            format!("/projects/{missing}/business-case"),
            format!("/projects/{missing}/targets"),
            format!("/projects/{missing}/risks"),
            format!("/projects/{missing}/training"),
            format!("/projects/{missing}/phases/1/gate"),
            format!("/projects/{p}/phases/99/gate"),
            format!("/projects/{p}/deliverables/{missing}"),
            format!("/projects/{p}/schedule/activities/{missing}"),
            format!("/projects/{p}/targets/{missing}"),
            format!("/projects/{p}/risks/{missing}"),
            format!("/projects/{p}/people/{missing}"),
            "/no/such/page".to_string(),
            format!("/projects/{p}/no-such-tab"),
        ] {
            let r = team.director.get(&path).await;
            assert_eq!(r.status, StatusCode::NOT_FOUND, "{path}");
            assert!(
                r.body.contains("页面不存在") && r.body.contains("lang=\"zh-CN\""),
                "{path}: {}",
                &r.body[..r.body.len().min(300)]
            );
        }
        // The wrong method and an id that is no number are localised too.
        let r = team.director.post("/projects/1/history", &[]).await;
        assert_eq!(r.status, StatusCode::METHOD_NOT_ALLOWED);
        assert!(r.body.contains("不允许该请求方法"), "{}", &r.body[..r.body.len().min(300)]);
        let r = team.director.get("/projects/abc").await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST);
        assert!(r.body.contains("lang=\"zh-CN\""));
        // In English for an English browser.
        team.director.lang = Some("en".into());
        let r = team.director.get("/no/such/page").await;
        assert!(r.status == StatusCode::NOT_FOUND && r.body.contains("This page does not exist"));
    })
    .await;
}
