//! Phase 6 completed (issue 13): operating rules drawn from the blueprint's rule changes and
//! approved; the data conversion trial against the source count and the quality bar; a
//! failed prototype test raising a blueprint revision, linked both ways; the testing charts
//! with 500 cases, 200 defects and 6 cycles. Roles, audit, stale edits and bad input by
//! field in both languages for every new write.
use crate::harness::*;
use axum::http::StatusCode;
use ninefold::i18n::Lang;
use ninefold::service::Actor;

fn last_id(loc: &str) -> i32 {
    loc.split('#').next().unwrap().rsplit('/').next().unwrap().parse().unwrap()
}

async fn director_id(t: &TestApp) -> i32 {
    t.count("SELECT id FROM users WHERE email = 'director@t.example'").await as i32
}

#[tokio::test]
async fn operating_rules_are_drawn_from_the_blueprint_approved_and_printed() {
    on_each_db(|t| async move {
        let mut team = team(&t).await;
        let p = team.project;
        team.director.get(&format!("/projects/{p}/blueprint")).await;
        let bp = last_id(
            team.director
                .post(
                    &format!("/projects/{p}/blueprint"),
                    &[
                        ("name", "Complaint handling (to-be)"),
                        ("steps", "Agent | Log the complaint\nSupervisor | Close it"),
                        ("rules", "A complaint is answered within 24 hours."),
                    ],
                )
                .await
                .assert_redirect(),
        );
        let url = format!("/projects/{p}/rules");
        // The blueprint's rule change is listed without a procedure, and drafts one.
        let page = team.consultant.get(&url).await.body;
        assert!(page.contains("A complaint is answered within 24 hours.") && page.contains("None yet"));
        let draft = team.consultant.get(&format!("{url}?from={bp}")).await.body;
        assert!(draft.contains("Complaint handling (to-be): operating procedure"));
        assert!(draft.contains(&format!("<option value=\"{bp}\" selected>")));

        // The owner is required, by its field, in both languages; nothing written.
        let bps = bp.to_string();
        let rule = |owner: &'static str| {
            vec![("title", "Complaint answer time".to_string()), ("blueprint_id", bps.clone()), ("owner", owner.to_string()), ("body", "Answer every complaint within 24 hours.\n\nEscalate to the supervisor after 20 hours.".to_string()), ("effective_on", "2026-07-01".to_string())]
        };
        let as_refs = |v: &Vec<(&'static str, String)>| v.iter().map(|(k, v)| (*k, v.clone())).collect::<Vec<_>>();
        async fn post(c: &mut Client, url: &str, f: Vec<(&'static str, String)>) -> Resp {
            let f: Vec<(&str, &str)> = f.iter().map(|(k, v)| (*k, v.as_str())).collect();
            c.post(url, &f).await
        }
        let r = post(&mut team.consultant, &url, as_refs(&rule(""))).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.body.contains("id=\"err-owner\"") && r.body.contains("This field is required."));
        team.consultant.lang = Some("zh-CN".into());
        let r = post(&mut team.consultant, &url, as_refs(&rule(""))).await;
        assert!(r.body.contains("id=\"err-owner\"") && r.body.contains("此项为必填项。"));
        team.consultant.lang = None;
        let mut bad_date = rule("Service manager");
        bad_date[4].1 = "2026-02-30".into();
        let r = post(&mut team.consultant, &url, as_refs(&bad_date)).await;
        assert!(r.body.contains("id=\"err-effective_on\""));
        assert_eq!(t.count("SELECT COUNT(*) FROM operating_rules").await, 0);
        // Viewers do not write rules.
        team.viewer.get(&url).await;
        assert_eq!(post(&mut team.viewer, &url, as_refs(&rule("x"))).await.status, StatusCode::FORBIDDEN);
        let loc = post(&mut team.consultant, &url, as_refs(&rule("Service manager"))).await.assert_redirect().to_string();
        let rid = t.count("SELECT MAX(id) FROM operating_rules").await;
        assert!(loc.ends_with(&format!("/rules#rule-{rid}")));
        assert_eq!(t.count(&format!("SELECT COUNT(*) FROM audit_log WHERE entity = 'operating_rule' AND entity_id = {rid} AND action = 'create'")).await, 1);
        assert!(team.consultant.get(&url).await.body.contains("Awaiting approval"));

        // A consultant cannot approve; the director can: name and project day recorded, audited.
        let rule_url = format!("{url}/{rid}");
        team.consultant.get(&rule_url).await;
        assert_eq!(team.consultant.post(&format!("{rule_url}/approve"), &[("version", "1")]).await.status, StatusCode::FORBIDDEN);
        team.director.get(&rule_url).await;
        team.director.post(&format!("{rule_url}/approve"), &[("version", "1")]).await.assert_redirect();
        assert_eq!(t.count(&format!("SELECT COUNT(*) FROM operating_rules WHERE id = {rid} AND approved_by = 'Dora Director' AND approved_on IS NOT NULL AND version = 2")).await, 1);
        assert_eq!(t.count(&format!("SELECT COUNT(*) FROM audit_log WHERE entity = 'operating_rule' AND entity_id = {rid} AND action = 'approve'")).await, 1);
        // A stale edit is 409; a new text needs a new approval.
        let mut edit = rule("Service manager");
        edit.insert(0, ("version", "1".into()));
        assert_eq!(post(&mut team.consultant, &rule_url, as_refs(&edit)).await.status, StatusCode::CONFLICT);
        edit[0].1 = "2".into();
        edit[4].1 = "Answer every complaint within 12 hours.".into();
        post(&mut team.consultant, &rule_url, as_refs(&edit)).await.assert_redirect();
        assert_eq!(t.count(&format!("SELECT COUNT(*) FROM operating_rules WHERE id = {rid} AND approved_on IS NULL AND approved_by = ''")).await, 1);
        let page = team.director.get(&url).await.body;
        assert!(!page.contains("None yet"), "the blueprint's rule change now has its procedure");

        // The document, in both languages, from the page's view.
        for lang in [Lang::En, Lang::Zh] {
            let f = ninefold::report::facts(&t.db.conn, p, lang).await.unwrap();
            assert_eq!((f.operating_rules.rules.len(), f.operating_rules.approved, f.operating_rules.uncovered), (1, 0, 0));
            let doc = ninefold::report::document(&f, ninefold::report::Kind::OperatingRules, lang, "v1", "x");
            let (bytes, _) = ninefold::pdf::render_counted(&doc);
            assert!(bytes.starts_with(b"%PDF"));
            let paras: Vec<String> = doc.blocks.iter().filter_map(|b| match b { ninefold::pdf::Block::Para(s) => Some(s.clone()), _ => None }).collect();
            assert!(paras.iter().any(|s| s == "Answer every complaint within 12 hours."));
        }
    })
    .await;
}

#[tokio::test]
async fn a_conversion_trial_is_compared_with_the_source_and_the_quality_bar() {
    on_each_db(|t| async move {
        let mut team = team(&t).await;
        let p = team.project;
        let actor = Actor { user_id: director_id(&t).await };
        let src = ninefold::service::diagnosis::create_source(
            &t.db,
            actor,
            p,
            &ninefold::service::diagnosis::SourceInput {
                name: "Hotline tickets".into(),
                entity: "service_history".into(),
                record_count: 1000,
                owner: "Service".into(),
                cleansing: "done".into(),
                migration: "in_progress".into(),
            },
        )
        .await
        .unwrap();
        let url = format!("/projects/{p}/conversion");
        let sid = src.id.to_string();
        let trial = |source: &'static str,
                     loaded: &'static str,
                     rejected: &'static str,
                     reconciled: &'static str,
                     on: &'static str| {
            vec![
                ("source_id", sid.clone()),
                ("trial_on", on.to_string()),
                ("source_count", source.to_string()),
                ("loaded", loaded.to_string()),
                ("rejected", rejected.to_string()),
                ("reconciled", reconciled.to_string()),
                ("notes", "ID numbers malformed".to_string()),
            ]
        };
        async fn post(c: &mut Client, url: &str, f: Vec<(&'static str, String)>) -> Resp {
            let f: Vec<(&str, &str)> = f.iter().map(|(k, v)| (*k, v.as_str())).collect();
            c.post(url, &f).await
        }
        team.consultant.get(&url).await;
        // More loaded and rejected than the source holds: refused on the field, both languages.
        let r = post(&mut team.consultant, &url, trial("1000", "990", "40", "900", "2026-01-05")).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            r.body.contains("id=\"err-loaded\"")
                && r.body.contains("Loaded and rejected records together cannot exceed the records in the source.")
        );
        team.consultant.lang = Some("zh-CN".into());
        let r = post(&mut team.consultant, &url, trial("1000", "990", "40", "900", "2026-01-05")).await;
        assert!(r.body.contains("id=\"err-loaded\"") && r.body.contains("已加载与被拒绝的记录之和不能超过源记录数。"));
        team.consultant.lang = None;
        let r = post(&mut team.consultant, &url, trial("ten", "1", "0", "2", "2999-01-01")).await;
        assert!(r.body.contains("id=\"err-source_count\"") && r.body.contains("id=\"err-trial_on\""));
        let r = post(&mut team.consultant, &url, trial("1000", "900", "0", "950", "2026-01-05")).await;
        assert!(r.body.contains("id=\"err-reconciled\""));
        assert_eq!(t.count("SELECT COUNT(*) FROM conversion_trials").await, 0);
        team.viewer.get(&url).await;
        assert_eq!(
            post(&mut team.viewer, &url, trial("1000", "949", "40", "940", "2026-01-05")).await.status,
            StatusCode::FORBIDDEN
        );

        // 1000 in the source: 949 loaded (94.9 %), 40 rejected, 11 unaccounted for, 940 reconciled.
        let loc = post(&mut team.consultant, &url, trial("1,000", "949", "40", "940", "2026-01-05"))
            .await
            .assert_redirect()
            .to_string();
        assert!(loc.ends_with(&format!("#source-{}", src.id)));
        let tid = t.count("SELECT MAX(id) FROM conversion_trials").await;
        let page = team.consultant.get(&url).await.body;
        assert!(page.contains("94.9%") && page.contains("<strong>11</strong>") && page.contains("Misses the bar"));
        let v = ninefold::service::phase6::conversion_view(
            &t.db.conn,
            &ninefold::service::projects::get(&t.db.conn, p).await.unwrap(),
        )
        .await
        .unwrap();
        let r = &v.sources[0].trials[0].result;
        assert_eq!(
            (r.unaccounted, r.load_rate_tenths, r.reject_rate_tenths, r.reconcile_rate_tenths, r.met),
            (11, 949, 40, 990, false)
        );
        assert_eq!((v.sources_tried, v.sources_met), (1, 0));

        // Corrected: 960 loaded, 40 rejected, 950 reconciled (98.9 %) — meets the bar. Stale: 409.
        let edit_url = format!("{url}/{tid}");
        team.consultant.get(&edit_url).await;
        let mut edit = trial("1000", "960", "40", "950", "2026-01-05");
        edit.insert(0, ("version", "1".into()));
        post(&mut team.consultant, &edit_url, edit.clone()).await.assert_redirect();
        assert_eq!(post(&mut team.consultant, &edit_url, edit).await.status, StatusCode::CONFLICT);
        let page = team.consultant.get(&url).await.body;
        assert!(page.contains("96.0%") && page.contains("98.9%") && page.contains("Meets the bar"));
        assert_eq!(
            t.count(&format!("SELECT COUNT(*) FROM audit_log WHERE entity = 'conversion_trial' AND entity_id = {tid}"))
                .await,
            2
        );
        // The report agrees with the page.
        let f = ninefold::report::facts(&t.db.conn, p, Lang::Zh).await.unwrap();
        assert_eq!(f.conversion.sources_met, 1);
        let doc = ninefold::report::document(&f, ninefold::report::Kind::ConversionTrial, Lang::Zh, "v1", "x");
        let cells: Vec<String> = doc
            .blocks
            .iter()
            .filter_map(|b| match b {
                ninefold::pdf::Block::Table(t) => Some(t.rows.concat()),
                _ => None,
            })
            .flatten()
            .collect();
        assert!(cells.iter().any(|c| c == "960 (96.0%)") && cells.iter().any(|c| c == "达到标准"));
    })
    .await;
}

#[tokio::test]
async fn a_failed_prototype_test_raises_a_blueprint_revision_linked_both_ways() {
    on_each_db(|t| async move {
        let mut team = team(&t).await;
        let p = team.project;
        team.director.get(&format!("/projects/{p}/blueprint")).await;
        let bp = last_id(
            team.director
                .post(&format!("/projects/{p}/blueprint"), &[("name", "Claims (to-be)"), ("steps", "Handler | Request documents\nHandler | Pay")])
                .await
                .assert_redirect(),
        );
        team.director.post(&format!("/projects/{p}/testing/generate"), &[]).await.assert_redirect();
        let case = t.count(&format!("SELECT id FROM test_cases WHERE project_id = {p} AND code = 'BP1-01'")).await.to_string();
        let mut cycles = vec![];
        for kind in ["prototype", "pilot"] {
            let r = team.director.post(&format!("/projects/{p}/testing/cycles"), &[("name", kind), ("kind", kind), ("pass_rate_min", "90")]).await;
            cycles.push(last_id(r.assert_redirect()));
        }
        let mut defects = vec![];
        for cy in &cycles {
            let c = format!("/projects/{p}/testing/cycles/{cy}");
            team.consultant.get(&c).await;
            team.consultant
                .post(&format!("{c}/runs"), &[("case_id", &case), ("status", "failed"), ("tester", "李娜"), ("actual_result", "No checklist"), ("failed_step", "1")])
                .await
                .assert_redirect();
            let r = team.consultant
                .post(&format!("{c}/defects"), &[("case_id", &case), ("title", "Checklist missing"), ("severity", "major"), ("priority", "high")])
                .await;
            defects.push(last_id(r.assert_redirect()));
        }
        // The prototype defect's page offers the revision; the pilot's does not.
        let proto_page = team.consultant.get(&format!("/projects/{p}/testing/defects/{}", defects[0])).await.body;
        assert!(proto_page.contains(&format!("/blueprint/{bp}?defect={}#revise", defects[0])));
        assert!(!team.consultant.get(&format!("/projects/{p}/testing/defects/{}", defects[1])).await.body.contains("?defect="));
        // The blueprint's form names the defect and starts the reason from it.
        let form = team.consultant.get(&format!("/projects/{p}/blueprint/{bp}?defect={}", defects[0])).await.body;
        assert!(form.contains(&format!("name=\"defect_id\" value=\"{}\"", defects[0])));
        assert!(form.contains(&format!("Failed prototype test BP1-01: Checklist missing (defect #{})", defects[0])));
        let revise = |defect: String, version: &'static str| {
            vec![("version", version.to_string()), ("name", "Claims (to-be)".to_string()), ("steps", "Handler | Request documents from the claim-type checklist\nHandler | Pay".to_string()), ("reason", "Checklist per claim type".to_string()), ("defect_id", defect)]
        };
        async fn post(c: &mut Client, url: &str, f: Vec<(&'static str, String)>) -> Resp {
            let f: Vec<(&str, &str)> = f.iter().map(|(k, v)| (*k, v.as_str())).collect();
            c.post(url, &f).await
        }
        let bp_url = format!("/projects/{p}/blueprint/{bp}");
        // A pilot defect does not revise the blueprint (and nothing is written).
        let r = post(&mut team.consultant, &bp_url, revise(defects[1].to_string(), "1")).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.body.contains("Only a defect from a prototype test revises the blueprint."));
        // Viewers cannot; a stale version is 409.
        assert_eq!(post(&mut team.viewer, &bp_url, revise(defects[0].to_string(), "1")).await.status, StatusCode::FORBIDDEN);
        assert_eq!(post(&mut team.consultant, &bp_url, revise(defects[0].to_string(), "7")).await.status, StatusCode::CONFLICT);
        assert_eq!(t.count(&format!("SELECT COUNT(*) FROM blueprint_revisions WHERE blueprint_id = {bp}")).await, 1);
        post(&mut team.consultant, &bp_url, revise(defects[0].to_string(), "1")).await.assert_redirect();
        let rev = t.count(&format!("SELECT id FROM blueprint_revisions WHERE blueprint_id = {bp} AND revision = 2")).await;
        assert_eq!(t.count(&format!("SELECT COUNT(*) FROM defects WHERE id = {} AND blueprint_revision_id = {rev}", defects[0])).await, 1);
        assert_eq!(t.count(&format!("SELECT COUNT(*) FROM audit_log WHERE entity = 'defect' AND entity_id = {} AND action = 'link_revision'", defects[0])).await, 1);
        assert_eq!(t.count(&format!("SELECT COUNT(*) FROM audit_log WHERE entity = 'blueprint' AND entity_id = {bp} AND action = 'revise'")).await, 1);
        // Both ways: the blueprint shows the test that raised its revision; the defect its revision.
        let page = team.viewer.get(&bp_url).await.body;
        assert!(page.contains(&format!("Raised by the failed test BP1-01 (defect #{}, prototype)", defects[0])));
        assert!(page.contains(&format!("/testing/defects/{}", defects[0])));
        let d = team.viewer.get(&format!("/projects/{p}/testing/defects/{}", defects[0])).await.body;
        assert!(d.contains(&format!("/blueprint/{bp}#diff")));
        team.viewer.lang = Some("zh-CN".into());
        assert!(team.viewer.get(&bp_url).await.body.contains(&format!("由失败的测试 BP1-01 引发（缺陷 #{}，prototype）", defects[0])));
    })
    .await;
}

/// 500 cases over 40 processes, 6 cycles, 200 defects: the Testing tab's charts stay
/// readable — one burn-up per cycle with planned, executed and passed; the open-defect lines
/// by severity; a coverage cell per process and cycle — and the PDF draws the same models.
#[tokio::test]
async fn testing_charts_with_500_cases_200_defects_and_6_cycles() {
    on_each_db(|t| async move {
        let mut team = team(&t).await;
        let p = team.project;
        big_testing(&t, p).await;
        let body = team.director.get(&format!("/projects/{p}/testing")).await.body;
        let project = ninefold::service::projects::get(&t.db.conn, p).await.unwrap();
        let v = ninefold::service::testing::overview(&t.db.conn, &project, Lang::En).await.unwrap();
        let ch = &v.charts;
        assert_eq!(ch.burnups.len(), 6);
        assert_eq!((ch.coverage.rows.len(), ch.coverage.cols.len()), (40, 6));
        // Cycle 1 covers every process: 500 in scope; by hand, 450 passed by its last day.
        let b = &ch.burnups[0];
        assert_eq!(b.series.len(), 3);
        assert_eq!(b.series[0].points.last().unwrap().1, 500.0);
        assert_eq!(b.series[1].points.last().unwrap().1, 500.0);
        assert_eq!(b.series[2].points.last().unwrap().1, 450.0);
        // Coverage in cycle 1: process 0 has cases 0, 40, …, 480 (13), every one a tenth case
        // that failed; process 1 has 1, 41, …, 481 (13), all passed; process 39 has 12.
        assert_eq!((ch.coverage.cells[0][0].passed, ch.coverage.cells[0][0].cases), (0, 13));
        assert_eq!((ch.coverage.cells[1][0].passed, ch.coverage.cells[1][0].cases), (13, 13));
        assert_eq!((ch.coverage.cells[39][0].passed, ch.coverage.cells[39][0].cases), (12, 12));
        // Cycle 2 covers processes 0–7 only.
        assert_eq!((ch.coverage.cells[8][1].cases, ch.coverage.cells[7][1].cases), (0, 13));
        // Open defects: 200 raised, 120 closed by now → 80 open on the last day.
        let last: f64 = ch.open_defects.series.iter().map(|s| s.points.last().unwrap().1).sum();
        assert_eq!(last, 80.0);
        assert_eq!(body.matches("class=\"chart series-chart\"").count(), 7);
        assert!(body.matches("<rect").count() >= 240);
        // The PDF draws them: the prototype report renders with the charts in both languages.
        for lang in [Lang::En, Lang::Zh] {
            let f = ninefold::report::facts(&t.db.conn, p, lang).await.unwrap();
            for kind in [ninefold::report::Kind::PrototypeTest, ninefold::report::Kind::PilotResults] {
                let doc = ninefold::report::document(&f, kind, lang, "v1", "x");
                let charts = doc.blocks.iter().filter(|b| matches!(b, ninefold::pdf::Block::Chart(_))).count();
                assert!(charts >= 3, "{kind:?}: {charts} charts");
                let (bytes, pages) = ninefold::pdf::render_counted(&doc);
                assert!(bytes.starts_with(b"%PDF") && pages > 3);
            }
        }
    })
    .await;
}

/// 40 blueprints, 500 cases, 6 cycles (the first over every process, the others over 8
/// processes each), runs over ten days, 200 defects of which 120 closed.
pub async fn big_testing(t: &TestApp, p: i32) {
    use ninefold::entity::{defect, test_run};
    use ninefold::service::{blueprint, testing};
    use sea_orm::{ActiveValue::Set, EntityTrait};
    let actor = Actor { user_id: director_id(t).await };
    let mut bps = vec![];
    for i in 0..40 {
        let content = ninefold::domain::diagnosis::Content {
            steps: ninefold::domain::diagnosis::parse_steps("Agent | Step").unwrap(),
            ..Default::default()
        };
        let b = blueprint::create(
            &t.db,
            actor,
            p,
            &blueprint::BlueprintInput {
                name: format!("Process {i:02} with a rather long to-be name"),
                process_id: None,
                content,
                reason: String::new(),
            },
        )
        .await
        .unwrap();
        bps.push(b.id);
    }
    let cases: Vec<testing::CaseInput> = (0..500)
        .map(|i| testing::CaseInput {
            code: format!("C-{i:03}"),
            title: format!("Case {i}"),
            blueprint_id: Some(bps[i % 40]),
            actor: "Agent".into(),
            action: "Do it".into(),
            expected: "Done".into(),
            module_key: "service".into(),
            feature: String::new(),
        })
        .collect();
    testing::create_cases(&t.db, actor, p, &cases).await.unwrap();
    let ids: Vec<(i32, Option<i32>)> =
        testing::cases(&t.db.conn, p).await.unwrap().iter().map(|c| (c.id, c.blueprint_id)).collect();
    let d0: chrono::NaiveDate = "2026-03-02".parse().unwrap();
    let mut cycles = vec![];
    for k in 0..6 {
        let scope = if k == 0 { vec![] } else { bps[(k - 1) * 8..k * 8].to_vec() };
        let cy = testing::create_cycle(
            &t.db,
            actor,
            p,
            &testing::CycleInput {
                name: format!("Cycle {k}"),
                kind: ["prototype", "pilot", "uat", "uat", "regression", "regression"][k].into(),
                scope,
                planned_start: Some(d0 + chrono::Duration::days(14 * k as i64)),
                planned_finish: Some(d0 + chrono::Duration::days(14 * k as i64 + 9)),
                testers: String::new(),
                pass_rate_min: 95,
            },
        )
        .await
        .unwrap();
        cycles.push(cy);
    }
    let now = chrono::Utc::now();
    let mut runs = vec![];
    // Cycle 0: every case run, case i on day i % 10; every tenth case failed.
    for (i, (id, _)) in ids.iter().enumerate() {
        runs.push(test_run::ActiveModel {
            project_id: Set(p),
            cycle_id: Set(cycles[0].id),
            case_id: Set(*id),
            status: Set(if i % 10 == 0 { "failed" } else { "passed" }.into()),
            failed_step: Set(None),
            actual_result: Set(String::new()),
            evidence: Set(String::new()),
            tester: Set("T".into()),
            run_on: Set(d0 + chrono::Duration::days((i % 10) as i64)),
            defect_id: Set(None),
            created_by: Set(None),
            created_at: Set(now),
            ..Default::default()
        });
    }
    // Cycles 1–5: their in-scope cases run once, passed.
    for (k, cy) in cycles.iter().enumerate().skip(1) {
        let scope = &bps[(k - 1) * 8..k * 8];
        for (j, (id, _)) in ids.iter().filter(|(_, b)| b.is_some_and(|b| scope.contains(&b))).enumerate() {
            runs.push(test_run::ActiveModel {
                project_id: Set(p),
                cycle_id: Set(cy.id),
                case_id: Set(*id),
                status: Set("passed".into()),
                failed_step: Set(None),
                actual_result: Set(String::new()),
                evidence: Set(String::new()),
                tester: Set("T".into()),
                run_on: Set(d0 + chrono::Duration::days(14 * k as i64 + (j % 10) as i64)),
                defect_id: Set(None),
                created_by: Set(None),
                created_at: Set(now),
                ..Default::default()
            });
        }
    }
    for chunk in runs.chunks(200) {
        test_run::Entity::insert_many(chunk.to_vec()).exec(&t.db.conn).await.unwrap();
    }
    let sev = ["critical", "major", "minor", "cosmetic"];
    let defects: Vec<defect::ActiveModel> = (0..200)
        .map(|i| {
            let closed = i < 120;
            defect::ActiveModel {
                project_id: Set(p),
                cycle_id: Set(cycles[i % 6].id),
                case_id: Set(ids[i].0),
                run_id: Set(None),
                step_no: Set(None),
                title: Set(format!("Defect {i}")),
                description: Set(String::new()),
                severity: Set(sev[i % 4].into()),
                priority: Set("high".into()),
                owner: Set(String::new()),
                status: Set(if closed { "closed" } else { "open" }.into()),
                reject_reason: Set(String::new()),
                target_date: Set(None),
                blueprint_revision_id: Set(None),
                closed_on: Set(closed.then(|| d0 + chrono::Duration::days(20 + (i % 40) as i64))),
                version: Set(1),
                created_at: Set(now - chrono::Duration::days(300 - i as i64)),
                updated_at: Set(now),
                ..Default::default()
            }
        })
        .collect();
    for chunk in defects.chunks(100) {
        defect::Entity::insert_many(chunk.to_vec()).exec(&t.db.conn).await.unwrap();
    }
}
