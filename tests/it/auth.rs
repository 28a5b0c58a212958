use crate::harness::*;
use axum::http::StatusCode;

#[tokio::test]
async fn login_logout_and_session_in_database() {
    on_each_db(|t| async move {
        t.user("ann@t.example", "Ann").await;
        let mut c = t.client();
        // Anonymous visitors are sent to the login page, keeping where they wanted to go.
        let r = c.get("/projects").await;
        assert_eq!(r.assert_redirect(), "/login?next=%2Fprojects");
        c.get("/login").await;
        let r = c
            .post("/login", &[("email", "ann@t.example"), ("password", "wrong-password"), ("next", "/projects")])
            .await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED);
        assert!(r.body.contains("The e-mail or password is not correct."));
        assert!(c.cookie("nf_session").is_none());

        c.login("ann@t.example").await;
        let token = c.cookie("nf_session").unwrap();
        // Only the hash of the token is stored.
        assert_eq!(t.count("SELECT COUNT(*) FROM sessions").await, 1);
        let stored = t.count(&format!("SELECT COUNT(*) FROM sessions WHERE id = '{token}'")).await;
        assert_eq!(stored, 0, "the raw token must not be stored");

        // A second server instance on the same database sees the session.
        let mut c2 = c.via(t.second_instance().await);
        let r = c2.get("/projects").await;
        assert_eq!(r.status, StatusCode::OK);
        assert!(r.body.contains("Ann"));

        let r = c.post("/logout", &[]).await;
        assert_eq!(r.assert_redirect(), "/login");
        assert_eq!(t.count("SELECT COUNT(*) FROM sessions").await, 0);
        let r = c2.get("/projects").await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "old cookie no longer works after logout");
    })
    .await;
}

#[tokio::test]
async fn csrf_is_required_on_every_write() {
    on_each_db(|t| async move {
        t.user("ann@t.example", "Ann").await;
        // Login without having loaded the form (no pre-session token): refused.
        let mut c = t.client();
        let r = c.post_raw("/login", &[("email", "ann@t.example"), ("password", PASSWORD)]).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
        c.login("ann@t.example").await;
        let before = t.count("SELECT COUNT(*) FROM projects").await;
        let fields = [
            ("name", "X"),
            ("client_name", "Y"),
            ("industry", "other"),
            ("start_date", "2026-01-05"),
            ("currency", "CNY"),
            ("modules", "sales"),
        ];
        let r = c.post_raw("/projects", &fields).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
        assert!(r.body.contains("did not come from Ninefold"), "{}", r.body);
        let mut forged = fields.to_vec();
        forged.push(("_csrf", "0000000000000000000000000000000000000000000000000000000000000000"));
        assert_eq!(c.post_raw("/projects", &forged).await.status, StatusCode::FORBIDDEN);
        assert_eq!(t.count("SELECT COUNT(*) FROM projects").await, before);
        // With the token from the page it works.
        assert_eq!(c.post("/projects", &fields).await.status, StatusCode::SEE_OTHER);
    })
    .await;
}

#[tokio::test]
async fn language_follows_setting_then_cookie_then_browser() {
    on_each_db(|t| async move {
        t.user("ann@t.example", "Ann").await;
        let mut c = t.client();
        c.lang = Some("zh-CN,zh;q=0.9,en;q=0.5".into());
        let r = c.get("/login").await;
        assert!(r.body.contains("<html lang=\"zh-CN\">"));
        assert!(r.body.contains("登录"));
        c.login("ann@t.example").await;
        let r = c.get("/projects").await;
        assert!(r.body.contains("项目组合"), "Chinese from Accept-Language");
        // Switch to English in the header: saved on the user and in a cookie.
        let r = c.post("/locale", &[("lang", "en"), ("next", "/projects")]).await;
        assert_eq!(r.assert_redirect(), "/projects");
        let r = c.get("/projects").await;
        assert!(r.body.contains("Portfolio") && !r.body.contains("项目组合"));
        assert_eq!(t.count("SELECT COUNT(*) FROM users WHERE locale = 'en'").await, 1);
        // The saved setting wins over the browser even on a new login without the cookie.
        let mut c2 = t.client();
        c2.lang = Some("zh-CN".into());
        c2.login("ann@t.example").await;
        assert!(c2.get("/projects").await.body.contains("Portfolio"));
        // Switching back to Chinese.
        c2.post("/locale", &[("lang", "zh"), ("next", "/projects")]).await;
        assert!(c2.get("/projects").await.body.contains("项目组合"));
    })
    .await;
}
