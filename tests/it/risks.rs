use crate::harness::*;
use axum::http::StatusCode;
use sea_orm::ConnectionTrait;

fn id_of(t_body: &str, title: &str) -> i32 {
    // The register links each risk: /projects/{p}/risks/{id}"><strong>{title}
    let i = t_body.find(&format!("\"><strong>{title}")).expect("risk listed");
    let start = t_body[..i].rfind('/').unwrap() + 1;
    t_body[start..i].parse().unwrap()
}

#[tokio::test]
async fn new_projects_start_with_the_failure_factors_which_are_rated_or_dismissed_with_a_reason() {
    on_each_db(|t| async move {
        let mut team = team(&t).await;
        let p = team.project;
        // Pre-loaded in the creating transaction, audited, all candidates.
        assert_eq!(t.count(&format!("SELECT COUNT(*) FROM risks WHERE project_id = {p} AND status = 'candidate' AND factor_key IS NOT NULL")).await, 11);
        assert_eq!(t.count("SELECT COUNT(*) FROM audit_log WHERE entity = 'risk' AND action = 'preload'").await, 11);
        let page = team.director.get(&format!("/projects/{p}/risks")).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(page.body.contains("Poor data and information quality") && page.body.contains("Heat map"));
        let data = id_of(&page.body, "Poor data and information quality");
        let roi = id_of(&page.body, "Unclear return on investment");
        // Chinese readers see the factor in Chinese.
        team.director.lang = Some("zh-CN".into());
        assert!(team.director.get(&format!("/projects/{p}/risks")).await.body.contains("数据与信息质量差"));
        team.director.lang = None;

        // Dismissal without a reason is refused by the field, nothing written.
        team.director.get(&format!("/projects/{p}/risks")).await;
        let r = team.director.post(&format!("/projects/{p}/risks/{roi}/dismiss"), &[("version", "1"), ("reason", "  ")]).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.body.contains("This field is required."));
        assert_eq!(t.count(&format!("SELECT COUNT(*) FROM risks WHERE id = {roi} AND status = 'candidate'")).await, 1);
        // With a reason it is kept and audited.
        team.director
            .post(&format!("/projects/{p}/risks/{roi}/dismiss"), &[("version", "1"), ("reason", "Business case approved with NPV and payback")])
            .await
            .assert_redirect();
        assert_eq!(t.count(&format!("SELECT COUNT(*) FROM risks WHERE id = {roi} AND status = 'dismissed' AND dismiss_reason LIKE 'Business case%'")).await, 1);
        assert_eq!(t.count(&format!("SELECT COUNT(*) FROM audit_log WHERE entity = 'risk' AND entity_id = {roi} AND action = 'dismiss'")).await, 1);

        // Accept and rate: open needs both ratings; 6 is out of range.
        let rate = |pr: &'static str, im: &'static str, v: &'static str| {
            vec![
                ("version", v),
                ("title", "Poor data and information quality"),
                ("category", "data"),
                ("probability", pr),
                ("impact", im),
                ("owner", "王芳"),
                ("mitigation", "Cleanse dealer data before migration"),
                ("status", "open"),
                ("review_date", "2026-06-30"),
            ]
        };
        let r = team.director.post(&format!("/projects/{p}/risks/{data}"), &rate("6", "", "1")).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.body.contains("Enter a whole number from 1 to 5.") && r.body.contains("Rate probability and impact"));
        team.director.post(&format!("/projects/{p}/risks/{data}"), &rate("4", "5", "1")).await.assert_redirect();
        assert_eq!(t.count(&format!("SELECT COUNT(*) FROM risks WHERE id = {data} AND status = 'open' AND probability = 4 AND impact = 5")).await, 1);
        // A stale version gets 409 and the newer data stays.
        let r = team.consultant.post(&format!("/projects/{p}/risks/{data}"), &rate("1", "1", "1")).await;
        assert_eq!(r.status, StatusCode::CONFLICT);
        assert_eq!(t.count(&format!("SELECT COUNT(*) FROM risks WHERE id = {data} AND impact = 5")).await, 1);
        // Viewers read, but do not write.
        assert_eq!(team.viewer.get(&format!("/projects/{p}/risks")).await.status, StatusCode::OK);
        let r = team.viewer.post(&format!("/projects/{p}/risks/{data}"), &rate("1", "1", "2")).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
        let r = team.viewer.post(&format!("/projects/{p}/risks"), &[("title", "x"), ("category", "data"), ("probability", "1"), ("impact", "1")]).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
        assert_eq!(team.outsider.get(&format!("/projects/{p}/risks")).await.status, StatusCode::NOT_FOUND);

        // A new risk of the team's own; the heat map shows the rated ones.
        team.director.get(&format!("/projects/{p}/risks")).await;
        team.director
            .post(
                &format!("/projects/{p}/risks"),
                &[("title", "Dealer ERP interface late"), ("category", "technology"), ("probability", "3"), ("impact", "5"), ("owner", "IT")],
            )
            .await
            .assert_redirect();
        let page = team.director.get(&format!("/projects/{p}/risks")).await.body;
        assert_eq!(page.matches("<circle").count(), 2);

        // The top risks go into the steering review pack, highest first.
        team.steering.get(&format!("/projects/{p}/reviews")).await;
        let r = team.steering.post(&format!("/projects/{p}/reviews"), &[("title", "Steering review 1"), ("held_on", "2026-05-20")]).await;
        let loc = r.assert_redirect().to_string();
        let review = team.steering.get(&loc).await.body;
        let (a, b) = (review.find("Poor data and information quality").unwrap(), review.find("Dealer ERP interface late").unwrap());
        assert!(a < b, "score 20 before score 15");
        assert!(review.contains("Top risks"));
    })
    .await;
}

#[tokio::test]
async fn health_rolls_up_risks_and_lists_every_reason() {
    on_each_db(|t| async move {
        let mut team = team(&t).await;
        let p = team.project;
        let page = team.director.get(&format!("/projects/{p}/risks")).await;
        let mut ids = vec![];
        for title in ["Poor data and information quality", "Change not managed", "Weak top-management support"] {
            ids.push(id_of(&page.body, title));
        }
        let overview = team.director.get(&format!("/projects/{p}")).await.body;
        assert!(!overview.contains("Risks: high risks without owner or mitigation"));
        for (i, id) in ids.iter().enumerate() {
            let title = ["Poor data and information quality", "Change not managed", "Weak top-management support"][i];
            team.director
                .post(
                    &format!("/projects/{p}/risks/{id}"),
                    &[
                        ("version", "1"),
                        ("title", title),
                        ("category", "data"),
                        ("probability", "4"),
                        ("impact", "4"),
                        ("status", "open"),
                        ("review_date", "2020-01-01"),
                    ],
                )
                .await
                .assert_redirect();
            let overview = team.director.get(&format!("/projects/{p}")).await.body;
            assert!(
                overview.contains("Risks: high risks without owner or mitigation")
                    && overview.contains("Risks: reviews are overdue")
            );
        }
        // Three high risks make the project red, on the overview and on the portfolio.
        let overview = team.director.get(&format!("/projects/{p}")).await.body;
        assert!(overview.contains("rag rag-red"), "red with three high risks");
        let portfolio = team.director.get("/projects").await.body;
        assert!(
            portfolio.contains("rag rag-red") && portfolio.contains("Risks: high risks without owner or mitigation")
        );
    })
    .await;
}

#[tokio::test]
async fn projects_from_before_the_register_get_the_factors_on_first_visit() {
    on_each_db(|t| async move {
        let mut team = team(&t).await;
        let p = team.project;
        // As if the project had been created before the register existed.
        t.db.conn.execute_unprepared(&format!("DELETE FROM risks WHERE project_id = {p}")).await.unwrap();
        assert_eq!(t.count("SELECT COUNT(*) FROM risks").await, 0);
        assert_eq!(team.director.get(&format!("/projects/{p}/risks")).await.status, StatusCode::OK);
        assert_eq!(
            t.count(&format!("SELECT COUNT(*) FROM risks WHERE project_id = {p} AND status = 'candidate'")).await,
            11
        );
        // A second visit loads nothing more.
        team.director.get(&format!("/projects/{p}/risks")).await;
        assert_eq!(t.count("SELECT COUNT(*) FROM risks").await, 11);
    })
    .await;
}
