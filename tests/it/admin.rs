use crate::harness::*;
use axum::http::StatusCode;

#[tokio::test]
async fn admins_create_users_and_others_cannot() {
    on_each_db(|t| async move {
        t.user("admin@t.example", "Ada Admin").await;
        t.user("dora@t.example", "Dora").await;
        let mut dora = t.client();
        dora.login("dora@t.example").await;
        assert_eq!(dora.get("/admin/users").await.status, StatusCode::FORBIDDEN);
        let r = dora.post("/admin/users", &[("email", "x@t.example"), ("name", "X"), ("password", "0123456789")]).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);

        let mut admin = t.client();
        admin.login("admin@t.example").await;
        assert_eq!(admin.get("/admin/users").await.status, StatusCode::OK);
        let r = admin.post("/admin/users", &[("email", "not-an-email"), ("name", ""), ("password", "short")]).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        for msg in ["Enter a valid e-mail address.", "This field is required.", "Use at least 10 characters."] {
            assert!(r.body.contains(msg), "{msg}");
        }
        let r = admin
            .post("/admin/users", &[("email", "Li.Lei@T.example"), ("name", "李雷"), ("password", "a-long-password")])
            .await;
        r.assert_redirect();
        let r = admin
            .post("/admin/users", &[("email", "li.lei@t.example"), ("name", "Dup"), ("password", "a-long-password")])
            .await;
        assert!(r.body.contains("A user with this e-mail already exists."));
        assert_eq!(t.count("SELECT COUNT(*) FROM users").await, 3);
        assert_eq!(t.count("SELECT COUNT(*) FROM audit_log WHERE entity = 'user' AND action = 'create'").await, 1);
        // The new user can log in with the e-mail in any case.
        let mut li = t.client();
        li.get("/login").await;
        li.post("/login", &[("email", "LI.LEI@t.example"), ("password", "a-long-password")]).await.assert_redirect();
        // The stored hash is argon2id, never the password.
        assert_eq!(t.count("SELECT COUNT(*) FROM users WHERE password_hash LIKE '$argon2id$%'").await, 3);
    })
    .await;
}

#[tokio::test]
async fn the_director_manages_members_and_a_project_keeps_a_director() {
    on_each_db(|t| async move {
        let mut team = team(&t).await;
        let p = team.project;
        let outsider_id = t.count("SELECT id FROM users WHERE email = 'outsider@t.example'").await.to_string();
        team.director.get(&format!("/projects/{p}/members")).await;
        team.director.post(&format!("/projects/{p}/members"), &[("user_id", &outsider_id), ("role", "member")]).await.assert_redirect();
        assert_eq!(team.outsider.get(&format!("/projects/{p}")).await.status, StatusCode::OK, "now a member");
        // Unknown role or user: the form again, nothing written.
        let r = team.director.post(&format!("/projects/{p}/members"), &[("user_id", &outsider_id), ("role", "owner")]).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        let r = team.director.post(&format!("/projects/{p}/members"), &[("user_id", "987654"), ("role", "member")]).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        // The only director cannot be removed or demoted.
        let director_member = t.count(&format!("SELECT id FROM project_members WHERE project_id = {p} AND role = 'director'")).await;
        let r = team.director.post(&format!("/projects/{p}/members/{director_member}/delete"), &[]).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.body.contains("A project needs at least one director."));
        let director_user = t.count("SELECT id FROM users WHERE email = 'director@t.example'").await.to_string();
        let r = team.director.post(&format!("/projects/{p}/members"), &[("user_id", &director_user), ("role", "viewer")]).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        // Removing the outsider again: 404 for them afterwards.
        let mid = t.count(&format!("SELECT pm.id FROM project_members pm JOIN users u ON u.id = pm.user_id WHERE pm.project_id = {p} AND u.email = 'outsider@t.example'")).await;
        team.director.post(&format!("/projects/{p}/members/{mid}/delete"), &[]).await.assert_redirect();
        assert_eq!(team.outsider.get(&format!("/projects/{p}")).await.status, StatusCode::NOT_FOUND);
        assert_eq!(t.count(&format!("SELECT COUNT(*) FROM audit_log WHERE project_id = {p} AND entity = 'member' AND action = 'delete'")).await, 1);
    })
    .await;
}

#[tokio::test]
async fn no_go_is_a_health_reason_and_errors_speak_chinese() {
    on_each_db(|t| async move {
        let mut team = team(&t).await;
        let p = team.project;
        // Accept every gate deliverable of phase 1, then decide no-go.
        let phases = ninefold::service::projects::phases(&t.db.conn, p).await.unwrap();
        let dels = ninefold::service::work::deliverables_of_phase(&t.db.conn, phases[0].id).await.unwrap();
        team.consultant.get(&format!("/projects/{p}")).await;
        team.steering.get(&format!("/projects/{p}")).await;
        for d in dels.iter().filter(|d| d.is_gate) {
            team.consultant
                .post(
                    &format!("/projects/{p}/deliverables/{}/transition", d.id),
                    &[("action", "submit"), ("version", "1")],
                )
                .await
                .assert_redirect();
            team.steering
                .post(
                    &format!("/projects/{p}/deliverables/{}/transition", d.id),
                    &[("action", "accept"), ("version", "2")],
                )
                .await
                .assert_redirect();
        }
        team.steering
            .post(&format!("/projects/{p}/phases/1/gate"), &[("decision", "no_go"), ("rationale", "ROI unclear")])
            .await
            .assert_redirect();
        let r = team.director.get(&format!("/projects/{p}")).await;
        assert!(r.body.contains("Last gate decision was no-go"), "no-go is a health reason");
        assert!(r.body.contains("ROI unclear"));
        assert_eq!(
            t.count(&format!("SELECT COUNT(*) FROM phases WHERE project_id = {p} AND seq = 1 AND status = 'active'"))
                .await,
            1
        );
        // A refused action explains itself in the user's language.
        team.viewer.post("/locale", &[("lang", "zh"), ("next", "/projects")]).await;
        let d = &dels[0];
        let r = team
            .viewer
            .post(&format!("/projects/{p}/deliverables/{}/transition", d.id), &[("action", "accept"), ("version", "1")])
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
        assert!(r.body.contains("您在本项目中的角色不允许此操作。"));
        let r = team.viewer.get("/projects/424242").await;
        assert_eq!(r.status, StatusCode::NOT_FOUND);
        assert!(r.body.contains("页面不存在"));
    })
    .await;
}
