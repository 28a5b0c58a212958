use crate::harness::*;
use axum::http::StatusCode;
use ninefold::entity::deliverable;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};

pub async fn phase_deliverables(t: &TestApp, project: i32, seq: i32) -> Vec<deliverable::Model> {
    let phases = ninefold::service::projects::phases(&t.db.conn, project).await.unwrap();
    let ph = phases.iter().find(|p| p.seq == seq).unwrap();
    deliverable::Entity::find()
        .filter(deliverable::Column::PhaseId.eq(ph.id))
        .order_by_asc(deliverable::Column::Seq)
        .all(&t.db.conn)
        .await
        .unwrap()
}

async fn current(t: &TestApp, id: i32) -> deliverable::Model {
    deliverable::Entity::find_by_id(id).one(&t.db.conn).await.unwrap().unwrap()
}

#[tokio::test]
async fn deliverable_workflow_gate_and_roles() {
    on_each_db(|t| async move {
        let mut team = team(&t).await;
        // Phase 1's gate also needs an approved business case (tested on its own in
        // business_case.rs); approve one before counting this test's audit rows.
        crate::business_case::approved_case(&mut team).await;
        let p = team.project;
        let dels = phase_deliverables(&t, p, 1).await;
        let gate: Vec<_> = dels.iter().filter(|d| d.is_gate).cloned().collect();
        assert!(gate.len() >= 2, "the playbook's phase 1 has several gate deliverables");
        let first = &gate[0];
        let url = |d: &deliverable::Model, what: &str| format!("/projects/{p}/deliverables/{}/{what}", d.id);
        let audit_before = t.count("SELECT COUNT(*) FROM audit_log").await;

        // The consultant writes notes and submits.
        team.consultant.get(&format!("/projects/{p}/deliverables/{}", first.id)).await;
        team.consultant.post(&url(first, "notes"), &[("notes", "范围说明书初稿"), ("version", "1")]).await.assert_redirect();
        team.consultant.post(&url(first, "transition"), &[("action", "submit"), ("version", "2")]).await.assert_redirect();
        assert_eq!(current(&t, first.id).await.status, "submitted");
        // Submitted work cannot be edited.
        let r = team.consultant.post(&url(first, "notes"), &[("notes", "late change"), ("version", "3")]).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);

        // A viewer cannot accept; neither can the director (the steering committee does).
        team.viewer.get(&format!("/projects/{p}")).await;
        assert_eq!(team.viewer.post(&url(first, "transition"), &[("action", "accept"), ("version", "3")]).await.status, StatusCode::FORBIDDEN);
        assert_eq!(team.director.post(&url(first, "transition"), &[("action", "accept"), ("version", "3")]).await.status, StatusCode::FORBIDDEN);
        assert_eq!(current(&t, first.id).await.status, "submitted");

        // Returning needs a comment.
        team.steering.get(&format!("/projects/{p}")).await;
        let r = team.steering.post(&url(first, "transition"), &[("action", "return"), ("version", "3"), ("comment", "  ")]).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.body.contains("This field is required."));
        team.steering.post(&url(first, "transition"), &[("action", "return"), ("version", "3"), ("comment", "请补充服务部门的范围")]).await.assert_redirect();
        let d = current(&t, first.id).await;
        assert_eq!((d.status.as_str(), d.review_comment.as_deref()), ("returned", Some("请补充服务部门的范围")));
        // Accepting from "returned" is not a valid step.
        let r = team.steering.post(&url(first, "transition"), &[("action", "accept"), ("version", "4")]).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        team.consultant.post(&url(first, "transition"), &[("action", "submit"), ("version", "4")]).await.assert_redirect();
        team.steering.post(&url(first, "transition"), &[("action", "accept"), ("version", "5"), ("comment", "")]).await.assert_redirect();
        assert_eq!(current(&t, first.id).await.status, "accepted");

        // The gate is refused while another gate deliverable is open.
        let gate_url = format!("/projects/{p}/phases/1/gate");
        let page = team.steering.get(&gate_url).await;
        assert!(page.body.contains("cannot be decided until every gate deliverable is accepted"));
        let r = team.steering.post(&gate_url, &[("decision", "go"), ("rationale", "Scope approved")]).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(t.count("SELECT COUNT(*) FROM phase_decisions").await, 0);

        for d in &gate[1..] {
            team.consultant.post(&url(d, "transition"), &[("action", "submit"), ("version", "1")]).await.assert_redirect();
            team.steering.post(&url(d, "transition"), &[("action", "accept"), ("version", "2")]).await.assert_redirect();
        }
        // Only steering decides; a rationale is required.
        assert_eq!(team.director.post(&gate_url, &[("decision", "go"), ("rationale", "x")]).await.status, StatusCode::FORBIDDEN);
        let r = team.steering.post(&gate_url, &[("decision", "go"), ("rationale", "")]).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        team.steering.post(&gate_url, &[("decision", "go"), ("rationale", "Scope and business case approved")]).await.assert_redirect();
        let phases = ninefold::service::projects::phases(&t.db.conn, p).await.unwrap();
        assert_eq!((phases[0].status.as_str(), phases[1].status.as_str()), ("closed", "active"));
        assert!(phases[0].actual_finish.is_some() && phases[1].actual_start.is_some());
        // Work in a closed phase is frozen.
        let r = team.steering.post(&url(first, "transition"), &[("action", "return"), ("version", "6"), ("comment", "again")]).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);

        // Phase 2 cannot be skipped: its gate needs its own deliverables.
        let r = team.steering.post(&format!("/projects/{p}/phases/2/gate"), &[("decision", "go"), ("rationale", "skip")]).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        let r = team.steering.post(&format!("/projects/{p}/phases/3/gate"), &[("decision", "go"), ("rationale", "skip")]).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);

        // Reopening phase 1 needs a reason, and is recorded.
        let r = team.steering.post(&format!("/projects/{p}/phases/1/reopen"), &[("reason", "")]).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        team.steering.post(&format!("/projects/{p}/phases/1/reopen"), &[("reason", "Business case missed hardware costs")]).await.assert_redirect();
        let phases = ninefold::service::projects::phases(&t.db.conn, p).await.unwrap();
        assert_eq!((phases[0].status.as_str(), phases[1].status.as_str()), ("active", "pending"));
        assert_eq!(t.count("SELECT COUNT(*) FROM phase_decisions WHERE decision = 'reopen' AND rationale = 'Business case missed hardware costs'").await, 1);

        // Every write above left audit rows in the same transaction.
        // notes, submit, return, submit, accept; submit+accept per other gate deliverable;
        // the go (decision, phase closed, next phase started); the reopen (decision, 2 phases).
        // The return's comment is also kept in the deliverable's comment thread (issue 16): one more row.
        let writes = 5 + (gate.len() - 1) * 2 + 3 + 3 + 1;
        // Passing the gate also settled the phase's open work (issue 20): each open activity
        // carried into phase 2, the milestone reached, and the dates that moved with them.
        let phase1_activities = t.count(&format!("SELECT COUNT(*) FROM activities a JOIN phases f ON f.id = a.phase_id WHERE f.project_id = {p} AND f.seq = 2 AND a.key IN ('executive-commitment', 'scope-definition', 'module-selection', 'business-case-preparation', 'executive-crm-training', 'project-approval')")).await;
        let carried = t.count(&format!("SELECT COUNT(*) FROM audit_log WHERE project_id = {p} AND action = 'carry'")).await;
        assert_eq!((carried, phase1_activities), (6, 6), "phase 1's six open activities carried into phase 2");
        let settled = t.count(&format!("SELECT COUNT(*) FROM audit_log WHERE project_id = {p} AND action IN ('carry', 'reached_at_gate', 'reschedule') AND id > (SELECT MAX(id) FROM audit_log WHERE entity = 'deliverable')")).await;
        assert_eq!(t.count(&format!("SELECT COUNT(*) FROM audit_log WHERE project_id = {p} AND action = 'reached_at_gate'")).await, 1);
        let audited = t.count("SELECT COUNT(*) FROM audit_log").await - audit_before;
        assert_eq!(audited, writes as i64 + settled, "one audit row per change, none for refused requests");
        for (entity, action) in [("deliverable", "submit"), ("deliverable", "accept"), ("deliverable", "return"), ("deliverable", "update"), ("phase_decision", "go"), ("phase_decision", "reopen"), ("phase", "update")] {
            let n = t.count(&format!("SELECT COUNT(*) FROM audit_log WHERE project_id = {p} AND entity = '{entity}' AND action = '{action}' AND user_id IS NOT NULL")).await;
            assert!(n >= 1, "audit for {entity} {action}");
        }
        let hist = team.director.get(&format!("/projects/{p}/history")).await;
        assert!(hist.body.contains("张伟 Steering") && hist.body.contains("returned"));
    })
    .await;
}

#[tokio::test]
async fn stale_deliverable_notes_get_409_with_both_versions() {
    on_each_db(|t| async move {
        let mut team = team(&t).await;
        let p = team.project;
        let d = &phase_deliverables(&t, p, 1).await[0];
        let path = format!("/projects/{p}/deliverables/{}/notes", d.id);
        team.consultant.get(&format!("/projects/{p}")).await;
        team.director.post(&path, &[("notes", "Director's text"), ("version", "1")]).await.assert_redirect();
        let r = team.consultant.post(&path, &[("notes", "Consultant's text"), ("version", "1")]).await;
        assert_eq!(r.status, StatusCode::CONFLICT);
        assert!(r.body.contains("Director&#x27;s text") || r.body.contains("Director's text"));
        assert!(r.body.contains("Consultant&#x27;s text") || r.body.contains("Consultant's text"));
        assert_eq!(current(&t, d.id).await.notes, "Director's text");
    })
    .await;
}
