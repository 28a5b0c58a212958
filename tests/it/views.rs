//! Kept views (`service::views`): the overview and the schedule are computed once per change
//! of the project and served from memory until the next change — on this instance and on
//! another one sharing the database — and never show a figure the database no longer holds.
use crate::harness::{create_project, on_each_db};
use axum::http::StatusCode;
use sea_orm::ConnectionTrait;
use sea_orm::sea_query::ExprTrait;

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

/// The roles of `c`'s projects as the kept JSON project list gives them, by project id.
async fn roles(c: &mut crate::harness::Client) -> std::collections::BTreeMap<i64, String> {
    let r = c.get("/api/v1/projects?limit=100").await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let v: serde_json::Value = serde_json::from_str(&r.body).unwrap();
    v["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| (i["project"]["id"].as_i64().unwrap(), i["role"].as_str().unwrap().to_string()))
        .collect()
}

/// The kept portfolio is fresh while the user's one portfolio stamp holds: a membership
/// added, changed or removed, or a project deleted, on any instance, shows at once.
#[tokio::test]
async fn the_kept_portfolio_follows_memberships_and_deletions_on_any_instance() {
    on_each_db(|t| async move {
        t.user("director@v.example", "Dora Director").await;
        let mia = t.user("mia@v.example", "Mia Member").await.to_string();
        let mut dora = t.client();
        dora.login("director@v.example").await;
        let alpha = create_project(&mut dora, "Alpha rollout").await;
        let beta = create_project(&mut dora, "Beta rollout").await;
        dora.get(&format!("/projects/{alpha}/members")).await;
        dora.post(&format!("/projects/{alpha}/members"), &[("user_id", &mia), ("role", "member")])
            .await
            .assert_redirect();

        // Mia reads her portfolio on instance A: kept, the same page twice.
        let mut mia_a = t.client();
        mia_a.login("mia@v.example").await;
        let page = mia_a.get("/projects").await.body;
        assert!(page.contains("Alpha rollout") && !page.contains("Beta rollout"));
        let kept = t.db.views.len();
        assert_eq!(mia_a.get("/projects").await.body, page, "a kept portfolio is the page as computed");
        assert_eq!(t.db.views.len(), kept, "served from memory");
        assert_eq!(roles(&mut mia_a).await, [(i64::from(alpha), "member".to_string())].into());

        // Dora, on instance B: Mia joins Beta, becomes a consultant on Alpha ...
        let mut dora_b = dora.via(t.second_instance().await);
        dora_b
            .post(&format!("/projects/{beta}/members"), &[("user_id", &mia), ("role", "viewer")])
            .await
            .assert_redirect();
        assert!(mia_a.get("/projects").await.body.contains("Beta rollout"), "a membership added elsewhere shows");
        dora_b
            .post(&format!("/projects/{alpha}/members"), &[("user_id", &mia), ("role", "consultant")])
            .await
            .assert_redirect();
        assert_eq!(
            roles(&mut mia_a).await,
            [(i64::from(alpha), "consultant".to_string()), (i64::from(beta), "viewer".to_string())].into(),
            "a role changed elsewhere shows"
        );

        // ... and leaves Alpha: gone from her portfolio at once, page and API.
        let member =
            t.count(&format!("SELECT id FROM project_members WHERE project_id = {alpha} AND user_id = {mia}")).await;
        dora_b.post(&format!("/projects/{alpha}/members/{member}/delete"), &[]).await.assert_redirect();
        let page = mia_a.get("/projects").await.body;
        assert!(!page.contains("Alpha rollout") && page.contains("Beta rollout"), "a removed membership goes at once");
        assert_eq!(roles(&mut mia_a).await, [(i64::from(beta), "viewer".to_string())].into());

        // A project deleted outside the audited path (an interrupted demo load, a next wave
        // whose carry failed) leaves its members' portfolios too.
        let tx = t.db.write().await.unwrap();
        ninefold::service::write::delete_projects(
            &*tx,
            sea_orm::Condition::all().add(sea_orm::sea_query::Expr::col("id").eq(beta)),
        )
        .await
        .unwrap();
        tx.commit().await.unwrap();
        assert!(!mia_a.get("/projects").await.body.contains("Beta rollout"), "a deleted project goes at once");
        assert!(roles(&mut mia_a).await.is_empty());
        assert_eq!(roles(&mut dora).await.keys().copied().collect::<Vec<_>>(), vec![i64::from(alpha)]);
    })
    .await;
}

/// Writes to many projects of one director through two instances, beside the refresher's
/// multi-project transactions, all land: each renews the portfolio stamps of the projects'
/// members last, in one order, so on PostgreSQL they wait on each other briefly and never
/// deadlock. Afterwards every kept portfolio, on both instances, shows the final state.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn writes_to_many_projects_of_one_director_all_land_and_every_kept_portfolio_follows() {
    on_each_db(|t| async move {
        t.user("director@v.example", "Dora Director").await;
        let mia = t.user("mia@v.example", "Mia Member").await.to_string();
        let mut dora = t.client();
        dora.login("director@v.example").await;
        let mut mia_a = t.client();
        mia_a.login("mia@v.example").await;
        let second = t.second_instance().await;
        let (mut dora_b, mut mia_b) = (dora.via(second.clone()), mia_a.via(second));
        let mut ids = vec![];
        for i in 0..6 {
            let id = create_project(&mut dora, &format!("Wave {i}")).await;
            dora.post(&format!("/projects/{id}/members"), &[("user_id", &mia), ("role", "member")])
                .await
                .assert_redirect();
            ids.push(id);
        }
        // Both instances keep both portfolios; every stored health row is made stale, so
        // the refresher rewrites them, several projects per transaction, during the writes.
        for c in [&mut dora, &mut dora_b, &mut mia_a, &mut mia_b] {
            assert_eq!(roles(c).await.len(), 6);
        }
        t.db.conn.execute_unprepared("UPDATE project_health SET rules = 0").await.unwrap();

        let mut tasks = vec![];
        for (i, id) in ids.iter().copied().enumerate() {
            let (mut writer, mut roler) =
                if i % 2 == 0 { (dora.clone(), dora_b.clone()) } else { (dora_b.clone(), dora.clone()) };
            tasks.push(tokio::spawn(async move {
                let mut out = vec![];
                for k in 0..4 {
                    let path = format!("/projects/{id}/phases/1/activities");
                    let name = format!("Workshop {i}.{k}");
                    let fields = [("name_en", name.as_str()), ("name_zh", "研讨会"), ("tier", "project_team")];
                    out.push(writer.post(&path, &fields).await.status);
                }
                out
            }));
            let mia = mia.clone();
            tasks.push(tokio::spawn(async move {
                let last = if i % 2 == 0 { "viewer" } else { "steering" };
                let mut out = vec![];
                for role in ["consultant", "steering", last] {
                    let fields = [("user_id", mia.as_str()), ("role", role)];
                    out.push(roler.post(&format!("/projects/{id}/members"), &fields).await.status);
                }
                out
            }));
        }
        let db = t.db.clone();
        let refresher = tokio::spawn(async move {
            let mut n = 0;
            for _ in 0..3 {
                n += ninefold::service::health_summary::refresh_stale(&db, 4).await.unwrap();
            }
            n
        });
        for task in tasks {
            for status in task.await.unwrap() {
                assert_eq!(status, StatusCode::SEE_OTHER, "every write lands: no deadlock, no false conflict");
            }
        }
        refresher.await.unwrap();
        for id in &ids {
            assert_eq!(
                t.count(&format!(
                    "SELECT COUNT(*) FROM activities WHERE project_id = {id} AND name_en LIKE 'Workshop %'"
                ))
                .await,
                4
            );
        }

        // Every kept portfolio, on both instances, shows the final roles.
        let expected: std::collections::BTreeMap<i64, String> = ids
            .iter()
            .enumerate()
            .map(|(i, id)| (i64::from(*id), if i % 2 == 0 { "viewer" } else { "steering" }.to_string()))
            .collect();
        assert_eq!(roles(&mut mia_a).await, expected, "instance A");
        assert_eq!(roles(&mut mia_b).await, expected, "instance B");
        for c in [&mut dora, &mut dora_b] {
            assert!(roles(c).await.values().all(|r| r == "director"));
        }
    })
    .await;
}
