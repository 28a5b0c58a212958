//! Issues and change requests (issue 13): an escalated critical issue turns health red with
//! its reason; open issues and pending changes reach the steering review pack; the steering
//! committee approves a change, which saves a baseline and opens a business-case revision.
use crate::harness::*;
use axum::http::StatusCode;

fn last_id(loc: &str) -> i32 {
    loc.split('#').next().unwrap().rsplit('/').next().unwrap().parse().unwrap()
}

#[tokio::test]
async fn escalated_issue_turns_health_red_and_an_approved_change_rebaselines_and_revises_the_case() {
    on_each_db(|t| async move {
        let mut team = team(&t).await;
        let p = team.project;
        let issues = format!("/projects/{p}/issues");
        team.director.get(&issues).await;
        // An issue needs its owner, by the field, in both languages; nothing written.
        let issue = |owner: &'static str| {
            vec![("title", "Call-centre telephony not delivered"), ("severity", "critical"), ("owner", owner), ("raised_on", "2026-06-01"), ("due_on", "2026-06-20"), ("escalated", "1")]
        };
        let r = team.director.post(&issues, &issue("")).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.body.contains("id=\"err-owner\"") && r.body.contains("This field is required."));
        team.director.lang = Some("zh-CN".into());
        let r = team.director.post(&issues, &issue("")).await;
        assert!(r.body.contains("id=\"err-owner\"") && r.body.contains("此项为必填项。"));
        team.director.lang = None;
        assert_eq!(t.count("SELECT COUNT(*) FROM issues").await, 0);
        // Viewers do not log issues.
        assert_eq!(team.viewer.post(&issues, &issue("IT")).await.status, StatusCode::FORBIDDEN);
        team.director.post(&issues, &issue("IT manager")).await.assert_redirect();
        let iid = t.count("SELECT MAX(id) FROM issues").await;
        assert_eq!(t.count(&format!("SELECT COUNT(*) FROM audit_log WHERE entity = 'issue' AND entity_id = {iid} AND action = 'escalate'")).await, 1);
        // Health is red with the reason.
        let overview = team.director.get(&format!("/projects/{p}")).await.body;
        assert!(overview.contains("A critical issue is escalated to the steering committee"));
        assert!(overview.contains("rag rag-red"));

        // Resolving needs the resolution; a stale save is 409.
        let url = format!("/projects/{p}/issues/{iid}");
        let resolve = |v: &'static str, res: &'static str| {
            vec![("version", v), ("title", "Call-centre telephony not delivered"), ("severity", "critical"), ("owner", "IT manager"), ("raised_on", "2026-06-01"), ("status", "resolved"), ("resolution", res), ("escalated", "1")]
        };
        team.director.get(&url).await;
        let r = team.director.post(&url, &resolve("1", "")).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.body.contains("id=\"err-resolution\""));
        team.director.post(&url, &resolve("1", "Vendor shipped the gateway; installed 2026-06-05")).await.assert_redirect();
        assert_eq!(team.consultant.post(&url, &resolve("1", "x")).await.status, StatusCode::CONFLICT);
        assert_eq!(t.count(&format!("SELECT COUNT(*) FROM audit_log WHERE entity = 'issue' AND entity_id = {iid} AND action = 'resolve'")).await, 1);
        let overview = team.director.get(&format!("/projects/{p}")).await.body;
        assert!(!overview.contains("A critical issue is escalated to the steering committee"));
        // A second, open issue and a change request for the review pack.
        team.director
            .post(&issues, &[("title", "Dealer master data late"), ("severity", "major"), ("owner", "Sales ops")])
            .await
            .assert_redirect();

        // A change request: impact by field; bad days and money are refused.
        let changes = format!("/projects/{p}/changes");
        let cr = |days: &'static str, cost: &'static str| {
            vec![("title", "Add WeChat channel"), ("description", "Service requests from WeChat"), ("reason", "Customers ask for it"), ("scope_impact", "Channel integration module"), ("schedule_days", days), ("cost", cost), ("benefits", "Fewer calls"), ("options", "Defer to wave 2")]
        };
        let r = team.director.post(&changes, &cr("ten", "12,00")).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.body.contains("id=\"err-schedule_days\"") && r.body.contains("id=\"err-cost\""));
        let cid = last_id(team.director.post(&changes, &cr("10", "120,000")).await.assert_redirect());
        assert_eq!(t.count(&format!("SELECT COUNT(*) FROM change_requests WHERE id = {cid} AND status = 'pending' AND schedule_days = 10 AND cost_minor = 12000000")).await, 1);
        // The pending request waits for the steering committee's approval: told once (issue 16).
        let steering_told = "SELECT COUNT(*) FROM notifications WHERE kind = 'approval' AND user_id = (SELECT id FROM users WHERE email = 'steering@t.example')";
        assert_eq!(t.count(steering_told).await, 1);
        // Change requests and issues take comments with mentions, escaped, as deliverables do.
        team.director.post(&format!("/projects/{p}/comments/change/{cid}"), &[("body", "Costed with the vendor, @ConnieConsultant")]).await.assert_redirect();
        assert_eq!(t.count("SELECT COUNT(*) FROM notifications WHERE kind = 'mention' AND user_id = (SELECT id FROM users WHERE email = 'consultant@t.example')").await, 1);
        assert!(team.steering.get(&format!("/projects/{p}/changes/{cid}")).await.body.contains("Costed with the vendor"));
        team.director.post(&format!("/projects/{p}/comments/issue/{iid}"), &[("body", "<script>alert(1)</script>")]).await.assert_redirect();
        assert!(team.director.get(&url).await.body.contains("&lt;script&gt;alert(1)&lt;&#x2f;script&gt;"));
        assert_eq!(team.viewer.post(&format!("/projects/{p}/comments/issue/{iid}"), &[("body", "x")]).await.status, StatusCode::FORBIDDEN);
        assert_eq!(t.count("SELECT COUNT(*) FROM audit_log WHERE entity = 'comment' AND action = 'create'").await, 2);

        // The steering review pack shows open issues and the pending change.
        team.steering.get(&format!("/projects/{p}/reviews")).await;
        let r = team.steering.post(&format!("/projects/{p}/reviews"), &[("title", "Steering review 2"), ("held_on", "2026-06-10")]).await;
        let review = team.steering.get(r.assert_redirect()).await.body;
        assert!(review.contains("Issues and change requests") && review.contains("Dealer master data late") && review.contains("Add WeChat channel"));
        assert!(!review.contains("Call-centre telephony not delivered"), "resolved issues are not in the pack");

        // Only the steering committee decides; a decision needs its rationale.
        let decide = format!("/projects/{p}/changes/{cid}/decide");
        let d = |v: &'static str, why: &'static str| {
            vec![("version", v), ("decision", "approved"), ("rationale", why), ("decided_on", "2026-06-10"), ("rebaseline", "1"), ("revise_case", "1")]
        };
        assert_eq!(team.director.post(&decide, &d("1", "x")).await.status, StatusCode::FORBIDDEN);
        team.steering.get(&format!("/projects/{p}/changes/{cid}")).await;
        let r = team.steering.post(&decide, &d("1", "")).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.body.contains("id=\"err-rationale\""));
        // Revising the business case needs one.
        let r = team.steering.post(&decide, &d("1", "Worth it")).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.body.contains("The project has no business case to revise."));
        assert_eq!(t.count("SELECT COUNT(*) FROM baselines").await, 0, "nothing saved when refused");
        let director = t.count("SELECT id FROM users WHERE email = 'director@t.example'").await as i32;
        ninefold::service::business_case::create(&t.db, ninefold::service::Actor { user_id: director }, p).await.unwrap();
        team.steering.post(&decide, &d("1", "Worth it: fewer calls pay for it")).await.assert_redirect();
        assert_eq!(
            t.count(&format!("SELECT COUNT(*) FROM change_requests WHERE id = {cid} AND status = 'approved' AND baseline_id IS NOT NULL AND business_case_revision = 2 AND decided_on IS NOT NULL")).await,
            1
        );
        assert_eq!(t.count(&format!("SELECT COUNT(*) FROM baselines WHERE project_id = {p} AND name LIKE 'CR-{cid} %'")).await, 1);
        assert_eq!(t.count(&format!("SELECT COUNT(*) FROM business_cases WHERE project_id = {p} AND plan_revision = 2")).await, 1);
        for (entity, action) in [("change_request", "approve"), ("baseline", "create"), ("business_case", "revise")] {
            assert_eq!(t.count(&format!("SELECT COUNT(*) FROM audit_log WHERE entity = '{entity}' AND action = '{action}'")).await, 1, "{entity} {action}");
        }
        // Linked both ways on the page; decided once only.
        let page = team.steering.get(&format!("/projects/{p}/changes/{cid}")).await.body;
        assert!(page.contains("Revision 2 opened") && page.contains(&format!("CR-{cid} Add WeChat channel")));
        let r = team.steering.post(&decide, &d("1", "again")).await;
        assert_eq!(r.status, StatusCode::CONFLICT);
        let r = team.steering.post(&decide, &d("2", "again")).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        // The log shows the approved impact, in Chinese too.
        team.steering.lang = Some("zh-CN".into());
        let log = team.steering.get(&issues).await.body;
        assert!(log.contains("已批准的变更：10 个工作日") && log.contains("问题日志"));
    })
    .await;
}
