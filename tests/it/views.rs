//! Kept views (`service::views`): the overview and the schedule are computed once per change
//! of the project and served from memory until the next change — on this instance and on
//! another one sharing the database — and never show a figure the database no longer holds.
use crate::harness::{create_project, on_each_db};
use axum::http::StatusCode;

#[tokio::test]
async fn a_change_on_any_instance_shows_at_once_on_the_kept_overview_and_schedule() {
    on_each_db(|t| async move {
        t.user("director@v.example", "Dora Director").await;
        let mut a = t.client();
        a.login("director@v.example").await;
        let id = create_project(&mut a, "Kept views").await;
        let (overview, schedule) = (format!("/projects/{id}"), format!("/projects/{id}/schedule"));

        // Computed once, then served from memory: the same page, and the views are kept.
        let before = t.db.views.len();
        let first = a.get(&overview).await;
        assert_eq!(first.status, StatusCode::OK);
        let first_schedule = a.get(&schedule).await;
        assert_eq!(first_schedule.status, StatusCode::OK);
        assert_eq!(t.db.views.len(), before + 2, "the overview and the schedule are kept");
        let again = a.get(&overview).await;
        assert_eq!(again.body, first.body, "a kept overview is the page as computed");
        assert!(!first.body.contains("Kept-view activity"));

        // A change through another instance (its own memory, the same database) ...
        let mut b = a.via(t.second_instance().await);
        b.get(&overview).await;
        let r = b
            .post(
                &format!("/projects/{id}/phases/1/activities"),
                &[("name_en", "Kept-view activity"), ("name_zh", "缓存视图活动"), ("tier", "project_team")],
            )
            .await;
        r.assert_redirect();

        // ... shows at once on this one: the project's stamp moved, the kept views are stale.
        let after = a.get(&overview).await;
        assert!(after.body.contains("Kept-view activity"), "the overview shows the new activity");
        let after_schedule = a.get(&schedule).await;
        assert!(after_schedule.body.contains("Kept-view activity"), "the schedule shows the new activity");
        // And the JSON overview, from the same kept view, agrees.
        let json = a.get(&format!("/api/v1/projects/{id}")).await;
        assert_eq!(json.status, StatusCode::OK);
        let v: serde_json::Value = serde_json::from_str(&json.body).unwrap();
        let names: Vec<&str> =
            v["activities"].as_array().unwrap().iter().filter_map(|a| a["name_en"].as_str()).collect();
        assert!(names.contains(&"Kept-view activity"), "{names:?}");

        // The kept portfolio: a project made on the other instance shows at once here.
        let portfolio = a.get("/projects").await;
        assert!(portfolio.body.contains("Kept views") && !portfolio.body.contains("Second wave"));
        assert_eq!(a.get("/projects").await.body, portfolio.body, "a kept portfolio is the page as computed");
        create_project(&mut b, "Second wave").await;
        let after = a.get("/projects").await;
        assert!(after.body.contains("Second wave"), "the portfolio shows the project made elsewhere");
    })
    .await;
}
