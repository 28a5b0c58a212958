use crate::harness::*;
use axum::http::StatusCode;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn thirty_two_concurrent_writes_all_land() {
    on_each_db(|t| async move {
        t.user("dora@t.example", "Dora").await;
        let mut c = t.client();
        c.login("dora@t.example").await;
        let id = create_project(&mut c, "Busy").await;
        let before = t.count(&format!("SELECT COUNT(*) FROM activities WHERE project_id = {id}")).await;
        let mut tasks = vec![];
        for i in 0..32 {
            let mut c = c.clone();
            tasks.push(tokio::spawn(async move {
                let name = format!("Workshop {i}");
                c.post(
                    &format!("/projects/{id}/phases/1/activities"),
                    &[("name_en", &name), ("name_zh", &format!("研讨会 {i}")), ("tier", "project_team")],
                )
                .await
                .status
            }));
        }
        for task in tasks {
            assert_eq!(task.await.unwrap(), StatusCode::SEE_OTHER);
        }
        assert_eq!(t.count(&format!("SELECT COUNT(*) FROM activities WHERE project_id = {id}")).await, before + 32);
        assert_eq!(
            t.count(&format!("SELECT COUNT(*) FROM audit_log WHERE project_id = {id} AND entity = 'activity'")).await,
            32
        );
        let page = c.get(&format!("/projects/{id}?phase=1")).await.body;
        assert!((0..32).all(|i| page.contains(&format!("Workshop {i}<"))));
    })
    .await;
}
