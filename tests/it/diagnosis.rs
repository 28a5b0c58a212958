use crate::harness::*;
use axum::http::StatusCode;

fn last_id(loc: &str) -> i32 {
    match loc.split_once("#fishbone-") {
        Some((_, id)) => id.parse().unwrap(),
        None => loc.split('#').next().unwrap().rsplit('/').next().unwrap().parse().unwrap(),
    }
}

async fn process(c: &mut Client, p: i32, name: &str, module: &str) -> i32 {
    c.get(&format!("/projects/{p}/diagnosis")).await;
    let r = c
        .post(
            &format!("/projects/{p}/diagnosis/processes"),
            &[
                ("name", name),
                ("module_key", module),
                ("owner_dept", "Service"),
                ("volume", "1,200 / month"),
                ("as_is", "By phone and paper"),
                ("pain_points", "Slow"),
                ("systems", "Excel"),
            ],
        )
        .await;
    last_id(r.assert_redirect())
}

async fn score(c: &mut Client, p: i32, id: i32, v: &str, s: [&str; 3], chosen: bool) -> Resp {
    let mut f = vec![
        ("version", v),
        ("importance", s[0]),
        ("performance", s[1]),
        ("feasibility", s[2]),
        ("justification", "Customers complain"),
    ];
    if chosen {
        f.push(("selected", "1"));
    }
    c.post(&format!("/projects/{p}/diagnosis/processes/{id}/score"), &f).await
}

#[tokio::test]
async fn processes_are_scored_ranked_and_chosen() {
    on_each_db(|t| async move {
        let mut team = team(&t).await;
        let p = team.project;
        let d = &mut team.director;
        // A module outside the project is refused by the field; nothing written.
        d.get(&format!("/projects/{p}/diagnosis")).await;
        let r = d
            .post(&format!("/projects/{p}/diagnosis/processes"), &[("name", "Lead handling"), ("module_key", "nope")])
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(t.count("SELECT COUNT(*) FROM processes").await, 0);
        let leads = process(d, p, "Lead handling", "sales").await;
        let complaints = process(d, p, "Complaint handling", "service").await;
        let field = process(d, p, "Field service dispatch", "service").await;
        let _unscored = process(d, p, "Spare parts", "service").await;
        score(d, p, leads, "1", ["3", "3", "4"], false).await.assert_redirect();
        score(d, p, complaints, "1", ["5", "5", "4"], true).await.assert_redirect();
        score(d, p, field, "1", ["4", "4", "3"], true).await.assert_redirect();
        // Out of range is refused by the field.
        let r = score(d, p, leads, "2", ["6", "0", "x"], false).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(r.body.matches("Enter a whole number from 1 to 5.").count(), 3);
        assert_eq!(
            t.count(&format!(
                "SELECT COUNT(*) FROM processes WHERE id = {complaints} AND importance = 5 AND selected = TRUE"
            ))
            .await,
            1
        );
        // Ranked by priority (5·5·4 = 100, 4·4·3 = 48, 3·3·4 = 36), unscored last.
        let page = d.get(&format!("/projects/{p}/diagnosis")).await.body;
        let pos = |s: &str| page.find(&format!(">{s}</a><br>")).or_else(|| page.find(&format!(">{s}</a>"))).unwrap();
        assert!(pos("Complaint handling") < pos("Field service dispatch"));
        assert!(pos("Field service dispatch") < pos("Lead handling"));
        assert!(pos("Lead handling") < pos("Spare parts"));
        assert!(
            page.contains("<strong>100</strong>")
                && page.contains("<strong>48</strong>")
                && page.contains("<strong>36</strong>")
        );
        assert_eq!(page.matches("✔ chosen").count(), 2);
        // Three scored processes on the matrix.
        assert_eq!(page.matches("<circle").count(), 3);
        // Stale version: 409, newer score kept.
        let r = score(&mut team.consultant, p, complaints, "1", ["1", "1", "1"], false).await;
        assert_eq!(r.status, StatusCode::CONFLICT);
        assert_eq!(
            t.count(&format!("SELECT COUNT(*) FROM processes WHERE id = {complaints} AND importance = 5")).await,
            1
        );
        // Viewer reads, does not write.
        assert_eq!(team.viewer.get(&format!("/projects/{p}/diagnosis")).await.status, StatusCode::OK);
        let r = score(&mut team.viewer, p, leads, "2", ["1", "1", "1"], false).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
        assert_eq!(t.count("SELECT COUNT(*) FROM audit_log WHERE entity = 'process' AND action = 'score'").await, 3);
        assert_eq!(t.count("SELECT COUNT(*) FROM audit_log WHERE entity = 'process' AND action = 'create'").await, 4);
    })
    .await;
}

#[tokio::test]
async fn fishbone_causes_by_category_with_weights() {
    on_each_db(|t| async move {
        let mut team = team(&t).await;
        let p = team.project;
        let d = &mut team.director;
        let complaints = process(d, p, "Complaint handling", "service").await;
        let pid = complaints.to_string();
        let bad = d
            .post(&format!("/projects/{p}/diagnosis/fishbones"), &[("effect", "Slow complaint response"), ("process_id", &pid), ("causes", "feelings | bad mood | 3")])
            .await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(bad.body.contains("Each line: category | cause"));
        assert_eq!(t.count("SELECT COUNT(*) FROM fishbones").await, 0);
        let causes = "people | No complaint owner | 4 | nobody answers for the case\nprocess | Slow response, no escalation | 5\ntechnology | No shared information | 4\ndata | No documentation of past cases | 3\ndata | No solution database | 5 | engineers ask around";
        let r = d
            .post(&format!("/projects/{p}/diagnosis/fishbones"), &[("effect", "Slow complaint response"), ("process_id", &pid), ("causes", causes)])
            .await;
        let fid = last_id(r.assert_redirect());
        assert_eq!(t.count(&format!("SELECT COUNT(*) FROM fishbones WHERE id = {fid} AND causes LIKE '%No solution database%' AND causes LIKE '%engineers ask around%'")).await, 1);
        let page = d.get(&format!("/projects/{p}/diagnosis")).await.body;
        assert!(page.contains("class=\"chart fishbone\""));
        assert!(page.contains("No shared information") && page.contains("Policy / rules"));
        // Editing with a stale version: 409.
        let r = d.get(&format!("/projects/{p}/diagnosis/fishbones/{fid}")).await;
        assert!(r.body.contains("data | No solution database | 5 | engineers ask around"));
        let edit = [("version", "1"), ("effect", "Slow complaint response"), ("process_id", pid.as_str()), ("causes", "people | Untrained agents | 2")];
        d.post(&format!("/projects/{p}/diagnosis/fishbones/{fid}"), &edit).await.assert_redirect();
        let r = team.consultant.post(&format!("/projects/{p}/diagnosis/fishbones/{fid}"), &edit).await;
        assert_eq!(r.status, StatusCode::CONFLICT);
        assert_eq!(t.count("SELECT COUNT(*) FROM audit_log WHERE entity = 'fishbone'").await, 2);
        assert_eq!(team.viewer.post(&format!("/projects/{p}/diagnosis/fishbones"), &edit[1..]).await.status, StatusCode::FORBIDDEN);
    })
    .await;
}

#[tokio::test]
async fn blueprint_revisions_keep_who_when_why_and_show_a_diff() {
    on_each_db(|t| async move {
        let mut team = team(&t).await;
        let p = team.project;
        let d = &mut team.director;
        let complaints = process(d, p, "Complaint handling", "service").await;
        let pid = complaints.to_string();
        d.get(&format!("/projects/{p}/targets/new")).await;
        d.post(
            &format!("/projects/{p}/targets"),
            &[("name", "Complaint response time"), ("key", "complaint-time"), ("kind", "implicit"), ("direction", "decrease"), ("baseline_value", "48"), ("baseline_date", "2026-01-01"), ("target_input", "-50%"), ("target_date", "2026-12-31")],
        )
        .await
        .assert_redirect();
        d.get(&format!("/projects/{p}/blueprint")).await;
        let steps = "Call centre agent | Log the complaint | service | Service request management | Within 1 hour | Ticket\nService engineer | Solve the problem | service | Field service";
        let bad = d.post(&format!("/projects/{p}/blueprint"), &[("name", "Complaint handling (to-be)"), ("steps", "only an actor")]).await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(bad.body.contains("at least an actor and an action"));
        let r = d
            .post(
                &format!("/projects/{p}/blueprint"),
                &[("name", "Complaint handling (to-be)"), ("process_id", &pid), ("steps", steps), ("rules", "Every complaint has an owner"), ("targets", "complaint-time")],
            )
            .await;
        let bid = last_id(r.assert_redirect());
        let show = d.get(&format!("/projects/{p}/blueprint/{bid}")).await.body;
        assert!(show.contains("class=\"chart swimlane\"") && show.contains("Complaint response time"));
        // A revision needs its reason.
        let steps2 = "Call centre agent | Log the complaint | service | Service request management | Within 1 hour | Ticket\nSupervisor | Assign an engineer | service | Repair scheduling | Within 2 hours\nService engineer | Solve the problem | service | Field service";
        let mut rev = vec![("version", "1"), ("name", "Complaint handling (to-be)"), ("process_id", pid.as_str()), ("steps", steps2), ("rules", "Every complaint has an owner"), ("targets", "complaint-time")];
        let r = d.post(&format!("/projects/{p}/blueprint/{bid}"), &rev).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.body.contains("Say why the blueprint is revised."));
        rev.push(("reason", "Prototype test 1: nobody assigned the engineer"));
        d.post(&format!("/projects/{p}/blueprint/{bid}"), &rev).await.assert_redirect();
        assert_eq!(t.count(&format!("SELECT COUNT(*) FROM blueprint_revisions WHERE blueprint_id = {bid}")).await, 2);
        assert_eq!(t.count(&format!("SELECT COUNT(*) FROM blueprints WHERE id = {bid} AND revision = 2")).await, 1);
        let show = d.get(&format!("/projects/{p}/blueprint/{bid}?from=1&to=2")).await.body;
        assert!(show.contains("Prototype test 1: nobody assigned the engineer") && show.contains("Dora Director"));
        let diff = &show[show.find("class=\"diff\"").expect("diff shown")..];
        let diff = &diff[..diff.find("</ul>").unwrap()];
        assert!(diff.contains("<li class=\"added\">Supervisor: Assign an engineer [service &#x2f; Repair scheduling] | Within 2 hours</li>"), "{diff}");
        assert!(show.contains("<li class=\"same\">Service engineer: Solve the problem [service &#x2f; Field service]</li>"));
        // Stale version → 409; viewer → 403.
        let r = team.consultant.post(&format!("/projects/{p}/blueprint/{bid}"), &rev).await;
        assert_eq!(r.status, StatusCode::CONFLICT);
        assert_eq!(team.viewer.post(&format!("/projects/{p}/blueprint/{bid}"), &rev).await.status, StatusCode::FORBIDDEN);
        assert_eq!(t.count("SELECT COUNT(*) FROM audit_log WHERE entity = 'blueprint'").await, 2);
        // The module map lists the process under Service and the features its steps use.
        let idx = team.director.get(&format!("/projects/{p}/blueprint")).await.body;
        assert!(idx.contains("Process-to-module map") && idx.contains("Complaint handling (to-be)"));
        // Steps name checklist features by name; one not in the checklist is flagged and can
        // be added to it (feeding the module's feature checklist).
        assert!(idx.contains("Service request management") && idx.contains("Repair scheduling"));
        let mut rev3 = rev.clone();
        rev3[0] = ("version", "2");
        let steps3 = format!("{steps2}\nDealer | Track the claim | service | Dealer warranty portal");
        rev3[3] = ("steps", steps3.as_str());
        rev3.retain(|(k, _)| *k != "reason");
        rev3.push(("reason", "Dealers asked to follow their claims"));
        team.director.post(&format!("/projects/{p}/blueprint/{bid}"), &rev3).await.assert_redirect();
        let idx = team.director.get(&format!("/projects/{p}/blueprint")).await.body;
        assert!(idx.contains("Dealer warranty portal · not in the checklist"));
        let sid = t.count(&format!("SELECT id FROM crm_modules WHERE project_id = {p} AND key = 'service'")).await.to_string();
        team.director
            .post(&format!("/projects/{p}/blueprint/features"), &[("module_id", sid.as_str()), ("feature", "Dealer warranty portal")])
            .await
            .assert_redirect();
        assert_eq!(t.count("SELECT COUNT(*) FROM module_features WHERE name_en = 'Dealer warranty portal' AND status = 'planned'").await, 1);
        let idx = team.director.get(&format!("/projects/{p}/blueprint")).await.body;
        assert!(!idx.contains("Dealer warranty portal · not in the checklist") && idx.contains("Dealer warranty portal · Planned"));
        assert_eq!(team.viewer.post(&format!("/projects/{p}/blueprint/features"), &[("module_id", sid.as_str()), ("feature", "X")]).await.status, StatusCode::FORBIDDEN);
    })
    .await;
}

#[tokio::test]
async fn data_quality_over_time_and_on_the_readiness_gate() {
    on_each_db(|t| async move {
        let mut team = team(&t).await;
        let p = team.project;
        let d = &mut team.director;
        d.get(&format!("/projects/{p}/diagnosis")).await;
        let r = d
            .post(
                &format!("/projects/{p}/diagnosis/sources"),
                &[
                    ("name", "Dealer customer master"),
                    ("entity", "customers"),
                    ("record_count", "48,200"),
                    ("owner", "Sales admin"),
                    ("cleansing", "not_started"),
                    ("migration", "not_started"),
                ],
            )
            .await;
        r.assert_redirect();
        let sid = t.count("SELECT MAX(id) FROM data_sources").await;
        assert_eq!(t.count("SELECT COUNT(*) FROM data_sources WHERE record_count = 48200").await, 1);
        let check = |date: &'static str, c: &'static str, du: &'static str, v: &'static str| {
            vec![("measured_on", date), ("completeness", c), ("duplicates", du), ("validity", v)]
        };
        let path = format!("/projects/{p}/diagnosis/sources/{sid}/checks");
        let r = d.post(&path, &check("2026-04-01", "120", "x", "90")).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(r.body.matches("Enter a percentage from 0 to 100").count(), 2);
        d.post(&path, &check("2026-04-01", "81.5", "7.2", "88")).await.assert_redirect();
        d.post(&path, &check("2026-05-15", "96.4%", "1.1", "97.9")).await.assert_redirect();
        let r = d.post(&path, &check("2026-05-15", "97", "1", "98")).await;
        assert!(r.body.contains("already has a check on that date"));
        assert_eq!(t.count("SELECT COUNT(*) FROM quality_checks").await, 2);
        let page = d.get(&format!("/projects/{p}/diagnosis")).await.body;
        let data = &page[page.find("id=\"data\"").unwrap()..];
        assert!(
            data.contains("96.4%") && data.contains("meets the bar") && data.contains("2026-04-01 81.5/7.2/88"),
            "{data}"
        );
        // Phase 7's gate reads the latest figures.
        let gate = d.get(&format!("/projects/{p}/phases/7/gate")).await.body;
        assert!(gate.contains("Data quality (latest figures)") && gate.contains("96.4%") && !gate.contains("81.5%"));
        assert!(!d.get(&format!("/projects/{p}/phases/3/gate")).await.body.contains("Data quality (latest figures)"));
        // Viewers cannot record checks; audit has every write.
        let r = team.viewer.post(&path, &check("2026-06-01", "99", "0", "99")).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
        assert_eq!(t.count("SELECT COUNT(*) FROM audit_log WHERE entity = 'quality_check'").await, 2);
        // The installation and access-control record, one row per environment.
        let env = |date: &'static str| {
            vec![
                ("kind", "test"),
                ("sizing", "2 app servers"),
                ("installed_on", date),
                ("security_roles", "Admin, key user"),
                ("admin_trained", "1"),
            ]
        };
        let r = team.director.post(&format!("/projects/{p}/diagnosis/environments"), &env("next week")).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(t.count("SELECT COUNT(*) FROM environments").await, 0);
        team.director
            .post(&format!("/projects/{p}/diagnosis/environments"), &env("2026-04-10"))
            .await
            .assert_redirect();
        team.director
            .post(&format!("/projects/{p}/diagnosis/environments"), &env("2026-04-12"))
            .await
            .assert_redirect();
        assert_eq!(t.count("SELECT COUNT(*) FROM environments WHERE kind = 'test' AND admin_trained = TRUE").await, 1);
        assert_eq!(t.count("SELECT COUNT(*) FROM audit_log WHERE entity = 'environment'").await, 2);
        assert_eq!(
            team.viewer.post(&format!("/projects/{p}/diagnosis/environments"), &env("2026-04-12")).await.status,
            StatusCode::FORBIDDEN
        );
        // Stale source edit: 409.
        let edit = [
            ("version", "1"),
            ("name", "Dealer customers"),
            ("entity", "customers"),
            ("record_count", "48200"),
            ("owner", "Sales"),
            ("cleansing", "done"),
            ("migration", "in_progress"),
        ];
        team.director.post(&format!("/projects/{p}/diagnosis/sources/{sid}"), &edit).await.assert_redirect();
        let r = team.consultant.post(&format!("/projects/{p}/diagnosis/sources/{sid}"), &edit).await;
        assert_eq!(r.status, StatusCode::CONFLICT);
    })
    .await;
}

#[tokio::test]
async fn demo_has_a_diagnosis_a_blueprint_and_a_judged_risk_register() {
    on_each_db(|t| async move {
        let pb = ninefold::playbook::parse("nine-phase.toml", ninefold::playbook::NINE_PHASE).unwrap();
        let today = chrono::Utc::now().date_naive();
        assert!(ninefold::service::demo::ensure(&t.db, &pb, today).await.unwrap());
        assert_eq!(t.count("SELECT COUNT(*) FROM processes").await, 10);
        assert_eq!(t.count("SELECT COUNT(*) FROM processes WHERE selected = TRUE").await, 3);
        assert_eq!(t.count("SELECT COUNT(*) FROM processes WHERE importance IS NOT NULL").await, 8);
        assert_eq!(t.count("SELECT COUNT(*) FROM fishbones").await, 2);
        // The appliance maker's own (the other demo projects keep their own registers).
        let huamei = "project_id = (SELECT MIN(id) FROM projects)";
        assert_eq!(t.count(&format!("SELECT COUNT(*) FROM data_sources WHERE {huamei}")).await, 5);
        assert_eq!(
            t.count(&format!(
                "SELECT COUNT(*) FROM quality_checks WHERE source_id IN (SELECT id FROM data_sources WHERE {huamei})"
            ))
            .await,
            15
        );
        assert_eq!(t.count("SELECT COUNT(*) FROM environments").await, 3);
        assert_eq!(t.count(&format!("SELECT COUNT(*) FROM blueprint_revisions WHERE {huamei}")).await, 2);
        assert_eq!(
            t.count(&format!(
                "SELECT COUNT(*) FROM risks WHERE status = 'dismissed' AND dismiss_reason <> '' AND {huamei}"
            ))
            .await,
            3
        );
        assert_eq!(
            t.count(&format!(
                "SELECT COUNT(*) FROM risks WHERE status = 'open' AND probability IS NOT NULL AND {huamei}"
            ))
            .await,
            9
        );
        assert_eq!(t.count(&format!("SELECT COUNT(*) FROM risks WHERE status = 'candidate' AND {huamei}")).await, 1);
        // Both languages render every page of the area.
        for lang in ["en", "zh-CN"] {
            let mut c = t.client();
            c.lang = Some(lang.into());
            c.get("/login").await;
            c.post("/login", &[("email", "wang.fang@huamei.example"), ("password", ninefold::service::demo::PASSWORD)])
                .await
                .assert_redirect();
            for path in [
                "/projects/1/diagnosis",
                "/projects/1/blueprint",
                "/projects/1/blueprint/1?from=1&to=2",
                "/projects/1/risks",
                "/projects/1/phases/7/gate",
                "/projects/1/diagnosis/processes/1",
                "/projects/1/diagnosis/fishbones/1",
            ] {
                let r = c.get(path).await;
                assert_eq!(r.status, StatusCode::OK, "{path}");
                assert!(
                    !r.body.contains("diag.") && !r.body.contains("risk.") && !r.body.contains("bp."),
                    "untranslated key on {path} ({lang})"
                );
            }
        }
    })
    .await;
}
