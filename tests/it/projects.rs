use crate::harness::*;
use axum::http::StatusCode;
use ninefold::playbook;

#[tokio::test]
async fn creating_a_project_builds_nine_scheduled_phases_from_the_playbook() {
    on_each_db(|t| async move {
        t.user("dora@t.example", "Dora").await;
        let mut c = t.client();
        c.login("dora@t.example").await;
        let id = create_project(&mut c, "CRM 一期").await;
        let pb = playbook::parse("nine-phase.toml", playbook::NINE_PHASE).unwrap();

        let phases = ninefold::service::projects::phases(&t.db.conn, id).await.unwrap();
        assert_eq!(phases.len(), 9);
        // Back to back in working days: each phase lasts its weeks × 5 working days (no
        // holidays yet) and the next one starts on the next working day.
        let cal = ninefold::domain::calendar::WorkCalendar::default();
        let mut start: chrono::NaiveDate = "2026-03-02".parse().unwrap();
        for (row, ph) in phases.iter().zip(&pb.phases) {
            assert_eq!(row.key, ph.key);
            assert_eq!(row.planned_start, start, "{} starts where the previous ended", row.key);
            assert_eq!(cal.working_days_between(row.planned_start, row.planned_finish.succ_opt().unwrap()), i64::from(ph.weeks) * 5);
            assert!(cal.is_working(row.planned_finish));
            start = cal.on_or_after(row.planned_finish.succ_opt().unwrap());
        }
        assert_eq!(phases[0].status, "active");
        assert!(phases[1..].iter().all(|p| p.status == "pending"));
        let acts: usize = pb.phases.iter().map(|p| p.activities.len()).sum();
        let dels: usize = pb.phases.iter().map(|p| p.deliverables.len()).sum();
        assert_eq!(t.count(&format!("SELECT COUNT(*) FROM activities WHERE project_id = {id}")).await, acts as i64);
        assert_eq!(t.count(&format!("SELECT COUNT(*) FROM deliverables WHERE project_id = {id}")).await, dels as i64);
        // Deliverables are due when their phase ends.
        assert_eq!(
            t.count(&format!("SELECT COUNT(*) FROM deliverables d JOIN phases p ON p.id = d.phase_id WHERE d.project_id = {id} AND d.due_date <> p.planned_finish")).await,
            0
        );
        // The project keeps a snapshot of its playbook.
        let p = ninefold::entity::project::Entity::find_by_id(id);
        use sea_orm::EntityTrait;
        let p = p.one(&t.db.conn).await.unwrap().unwrap();
        let snap: playbook::Playbook = serde_json::from_str(&p.playbook_snapshot).unwrap();
        assert_eq!(snap, pb);
        assert_eq!(p.modules, "sales,service");

        // Portfolio and overview show it, with the ribbon and the current phase's work.
        let r = c.get("/projects").await;
        assert!(r.body.contains("CRM 一期") && r.body.contains("Project preparation"));
        let r = c.get(&format!("/projects/{id}")).await;
        assert_eq!(r.status, StatusCode::OK);
        for ph in &pb.phases {
            assert!(r.body.contains(&ph.name.en), "ribbon shows {}", ph.name.en);
        }
        assert!(r.body.contains(&pb.phases[0].activities[0].name.en));
        assert!(r.body.contains("gate deliverable(s) still to be accepted"));
        // In Chinese too.
        c.post("/locale", &[("lang", "zh"), ("next", "/projects")]).await;
        let r = c.get(&format!("/projects/{id}")).await;
        assert!(r.body.contains("项目准备") && r.body.contains(&pb.phases[0].activities[0].name.zh));
        // The creation is audited.
        assert_eq!(t.count(&format!("SELECT COUNT(*) FROM audit_log WHERE project_id = {id} AND entity = 'project' AND action = 'create'")).await, 1);
        assert!(c.get(&format!("/projects/{id}/history")).await.body.contains("创建"));
    })
    .await;
}

#[tokio::test]
async fn members_see_their_projects_and_others_get_404() {
    on_each_db(|t| async move {
        let mut team = team(&t).await;
        let p = team.project;
        assert_eq!(team.viewer.get(&format!("/projects/{p}")).await.status, StatusCode::OK);
        for path in [
            format!("/projects/{p}"),
            format!("/projects/{p}/history"),
            format!("/projects/{p}/members"),
            format!("/api/v1/projects/{p}"),
        ] {
            assert_eq!(team.outsider.get(&path).await.status, StatusCode::NOT_FOUND, "{path}");
        }
        // A project that does not exist looks the same as one you cannot see.
        assert_eq!(team.outsider.get("/projects/99999").await.status, StatusCode::NOT_FOUND);
        assert!(!team.outsider.get("/projects").await.body.contains("CRM Wave 1"));
        let api = team.viewer.get("/api/v1/projects").await;
        assert!(api.body.contains("\"name\":\"CRM Wave 1\""), "{}", api.body);
        // Only the director manages members and edits the project.
        assert_eq!(team.consultant.get(&format!("/projects/{p}/edit")).await.status, StatusCode::FORBIDDEN);
        let r =
            team.consultant.post(&format!("/projects/{p}/members"), &[("user_id", "1"), ("role", "director")]).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
        // Writes by an outsider are 404 too.
        let r = team
            .outsider
            .post(&format!("/projects/{p}/phases/1/activities"), &[("name_en", "x"), ("tier", "project_team")])
            .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND);
    })
    .await;
}

#[tokio::test]
async fn a_stale_edit_gets_409_and_the_newer_data_survives() {
    on_each_db(|t| async move {
        t.user("dora@t.example", "Dora").await;
        let mut a = t.client();
        a.login("dora@t.example").await;
        let id = create_project(&mut a, "Original").await;
        let mut b = a.clone();
        let edit = |name: &'static str, version: &'static str| {
            vec![
                ("name", name),
                ("client_name", "华美电器"),
                ("industry", "appliances"),
                ("currency", "CNY"),
                ("modules", "sales"),
                ("version", version),
            ]
        };
        // Both load the form at version 1; A saves first.
        a.get(&format!("/projects/{id}/edit")).await;
        let r = a.post(&format!("/projects/{id}/edit"), &edit("Saved by A", "1")).await;
        r.assert_redirect();
        let r = b.post(&format!("/projects/{id}/edit"), &edit("Saved by B", "1")).await;
        assert_eq!(r.status, StatusCode::CONFLICT);
        assert!(r.body.contains("Someone else saved this first"));
        assert!(r.body.contains("Saved by A"), "the stored value is shown");
        assert!(r.body.contains("Saved by B"), "the user's input is kept");
        assert!(r.body.contains("name=\"version\" value=\"2\""));
        assert_eq!(t.count("SELECT COUNT(*) FROM projects WHERE name = 'Saved by A' AND version = 2").await, 1);
        assert_eq!(t.count("SELECT COUNT(*) FROM projects WHERE name = 'Saved by B'").await, 0);
        // Audited with before and after.
        assert_eq!(
            t.count(&format!(
                "SELECT COUNT(*) FROM audit_log WHERE entity = 'project' AND action = 'update' AND entity_id = {id}"
            ))
            .await,
            1
        );
        let hist = a.get(&format!("/projects/{id}/history")).await.body;
        assert!(hist.contains("<del>Original</del>") && hist.contains("<ins>Saved by A</ins>"), "{hist}");
    })
    .await;
}

#[tokio::test]
async fn demo_loads_once_and_is_in_phase_three() {
    on_each_db(|t| async move {
        let pb = playbook::parse("nine-phase.toml", playbook::NINE_PHASE).unwrap();
        let today = chrono::Utc::now().date_naive();
        assert!(ninefold::service::demo::ensure(&t.db, &pb, today).await.unwrap());
        let counts = (
            t.count("SELECT COUNT(*) FROM users").await,
            t.count("SELECT COUNT(*) FROM projects").await,
            t.count("SELECT COUNT(*) FROM audit_log").await,
        );
        assert!(!ninefold::service::demo::ensure(&t.db, &pb, today).await.unwrap());
        let again = (
            t.count("SELECT COUNT(*) FROM users").await,
            t.count("SELECT COUNT(*) FROM projects").await,
            t.count("SELECT COUNT(*) FROM audit_log").await,
        );
        assert_eq!(counts, again);
        // Huamei in phase 3, the insurer further along in phase 6 (issue 13), and the
        // service pilot in hypercare, phase 8 (issue 14).
        assert_eq!(counts.1, 3);
        let huamei = "project_id = (SELECT MIN(id) FROM projects)";
        assert_eq!(t.count(&format!("SELECT COUNT(*) FROM phases WHERE status = 'closed' AND {huamei}")).await, 2);
        assert_eq!(t.count(&format!("SELECT COUNT(*) FROM phases WHERE status = 'active' AND seq = 3 AND {huamei}")).await, 1);
        let insurer = "project_id = (SELECT project_id FROM phases WHERE status = 'active' AND seq = 6)";
        assert_eq!(t.count(&format!("SELECT COUNT(*) FROM test_cycles WHERE {insurer}")).await, 2);
        assert_eq!(t.count(&format!("SELECT COUNT(*) FROM defects WHERE blueprint_revision_id IS NOT NULL AND {insurer}")).await, 1);
        assert_eq!(t.count(&format!("SELECT COUNT(*) FROM change_requests WHERE status = 'approved' AND baseline_id IS NOT NULL AND {insurer}")).await, 1);
        let pilot = "project_id = (SELECT project_id FROM phases WHERE status = 'active' AND seq = 8)";
        assert!(t.count(&format!("SELECT COUNT(*) FROM cutover_tasks WHERE {pilot}")).await > 0);
        assert_eq!(t.count(&format!("SELECT COUNT(*) FROM cutover_rehearsals WHERE {pilot}")).await, 2);
        // Work of the phases that passed their gates is not listed as overdue.
        let p = t.count("SELECT MIN(id) FROM projects").await as i32;
        let closed: Vec<i32> = ninefold::service::projects::phases(&t.db.conn, p)
            .await
            .unwrap()
            .into_iter()
            .filter(|x| x.status == "closed")
            .map(|x| x.id)
            .collect();
        let due = ninefold::service::schedule::upcoming(&t.db.conn, p, today).await.unwrap();
        let plan = ninefold::service::schedule::load(&t.db.conn, p).await.unwrap();
        let stale = plan
            .activities
            .iter()
            .filter(|a| closed.contains(&a.phase_id) && a.status != "done" && a.planned_finish < today)
            .count();
        // One status per item (issue 20): the gates closed their phases' open activities
        // with a reason, so nothing stale is left in a closed phase to show as overdue.
        assert_eq!(stale, 0, "the closed phases hold no unticked activities");
        assert!(
            plan.activities
                .iter()
                .filter(|a| closed.contains(&a.phase_id))
                .all(|a| a.percent_complete == 100 && a.actual_finish.is_some()),
            "done, 100 % and finished are one fact"
        );
        for d in &due {
            let phase = if d.kind == "milestone" {
                plan.milestones.iter().find(|m| m.id == d.id).unwrap().phase_id
            } else {
                plan.activities.iter().find(|a| a.id == d.id).unwrap().phase_id
            };
            assert!(!closed.contains(&phase), "{} belongs to a closed phase", d.name_en);
        }
        // The director logs in and sees the project in phase 3. Its phase and gate are on
        // track; the roll-up (domain::health::roll_up) makes it amber for the demo's
        // deliberate organisation findings and its red target, each reason listed.
        let mut c = t.client();
        c.get("/login").await;
        c.post("/login", &[("email", "wang.fang@huamei.example"), ("password", ninefold::service::demo::PASSWORD)])
            .await
            .assert_redirect();
        let r = c.get("/projects").await;
        assert!(r.body.contains(ninefold::service::demo::PROJECT_NAME));
        assert!(r.body.contains("Analysis and diagnosis"));
        assert!(r.body.contains("rag-amber"), "{}", r.body);
        assert!(!r.body.contains("Current phase is past its planned finish"));
        assert!(r.body.contains("<li>The organisation breaks rules of the method</li>"), "{}", r.body);
        assert!(r.body.contains("<li>Targets: forecast misses a target</li>"), "{}", r.body);
    })
    .await;
}
