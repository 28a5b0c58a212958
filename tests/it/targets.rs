use crate::harness::*;
use axum::http::StatusCode;

pub(crate) const TARGET: &[(&str, &str)] = &[
    ("name", "Service cost per ticket −15%"),
    ("key", "service-cost"),
    ("kind", "explicit"),
    ("direction", "decrease"),
    ("metric", "Cost per ticket"),
    ("unit", "CNY"),
    ("baseline_value", "400"),
    ("baseline_date", "2026-01-01"),
    ("target_input", "-15%"),
    ("target_date", "2026-12-31"),
    ("module_key", "service"),
];

pub(crate) async fn new_target(c: &mut Client, p: i32, fields: &[(&str, &str)]) -> i32 {
    c.get(&format!("/projects/{p}/targets/new")).await;
    let r = c.post(&format!("/projects/{p}/targets"), fields).await;
    r.assert_redirect().rsplit('/').next().unwrap().parse().unwrap()
}

pub(crate) fn token_in(body: &str) -> String {
    let i = body.find("<pre class=\"token\">").expect("token shown once") + 19;
    body[i..i + body[i..].find('<').unwrap()].to_string()
}

#[tokio::test]
async fn targets_resolve_relative_values_and_flag_unmeasurable_ones() {
    // Fixed dates in 2026 below: "today" is fixed too, so the test means the same next year.
    ninefold::service::clock::with_today(
        crate::harness::fixed_today(),
        on_each_db(|t| async move {
            let mut team = team(&t).await;
            let p = team.project;
            let id = new_target(&mut team.director, p, TARGET).await;
            // −15% of a 400 baseline is stored as 340.
            assert_eq!(
                t.count(&format!(
                    "SELECT COUNT(*) FROM targets WHERE id = {id} AND target_value = 340 AND target_input = '-15%'"
                ))
                .await,
                1
            );
            // A relative target needs a baseline; the wrong side of the baseline is refused.
            let mut bad: Vec<(&str, &str)> =
                TARGET.iter().copied().filter(|(k, _)| *k != "baseline_value" && *k != "key").collect();
            let r = team.director.post(&format!("/projects/{p}/targets"), &bad).await;
            assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
            assert!(r.body.contains("A relative target (+10%) needs a baseline value."));
            bad.push(("baseline_value", "400"));
            bad.retain(|(k, _)| *k != "target_input");
            bad.push(("target_input", "450"));
            let r = team.director.post(&format!("/projects/{p}/targets"), &bad).await;
            assert!(r.body.contains("wrong side of the baseline"));
            // Same key twice is refused by the field.
            let r = team.director.post(&format!("/projects/{p}/targets"), TARGET).await;
            assert!(r.body.contains("already uses this key"));
            // A target without numbers is kept but flagged as not measurable (the method's rule).
            new_target(
                &mut team.director,
                p,
                &[("name", "Happier customers"), ("kind", "implicit"), ("direction", "increase")],
            )
            .await;
            let page = team.director.get(&format!("/projects/{p}/targets")).await.body;
            assert!(
                page.contains("Not measurable yet")
                    && page.contains("no target value")
                    && page.contains("no target date")
            );
            assert_eq!(t.count("SELECT COUNT(*) FROM targets").await, 2);
            // Viewers read but do not edit.
            assert_eq!(team.viewer.get(&format!("/projects/{p}/targets/{id}")).await.status, StatusCode::OK);
            assert_eq!(team.viewer.post(&format!("/projects/{p}/targets"), TARGET).await.status, StatusCode::FORBIDDEN);
            // A stale edit gets 409 and leaves the newer data.
            let mut edit: Vec<(&str, &str)> = TARGET.to_vec();
            edit.push(("version", "1"));
            team.director.post(&format!("/projects/{p}/targets/{id}/edit"), &edit).await.assert_redirect();
            let r = team.consultant.post(&format!("/projects/{p}/targets/{id}/edit"), &edit).await;
            assert_eq!(r.status, StatusCode::CONFLICT);
            assert_eq!(
                t.count(&format!("SELECT COUNT(*) FROM audit_log WHERE entity = 'target' AND entity_id = {id}")).await,
                2
            );
        }),
    )
    .await;
}

#[tokio::test]
async fn the_crm_pushes_measurements_with_a_project_token() {
    // Fixed dates in 2026 below: "today" is fixed too, so the test means the same next year.
    ninefold::service::clock::with_today(
        crate::harness::fixed_today(),
        on_each_db(|t| async move {
            let mut team = team(&t).await;
            let p = team.project;
            let tid = new_target(&mut team.director, p, TARGET).await;
            // Only the director manages tokens; the token is shown once and stored hashed.
            assert_eq!(team.consultant.get(&format!("/projects/{p}/tokens")).await.status, StatusCode::FORBIDDEN);
            team.director.get(&format!("/projects/{p}/tokens")).await;
            let r = team.director.post(&format!("/projects/{p}/tokens"), &[("name", "CRM nightly")]).await;
            let token = token_in(&r.body);
            assert!(token.starts_with("nf_"));
            assert_eq!(t.count(&format!("SELECT COUNT(*) FROM api_tokens WHERE token_hash = '{token}'")).await, 0);
            assert!(!team.director.get(&format!("/projects/{p}/tokens")).await.body.contains(&token));

            let url = format!("/api/v1/projects/{p}/targets/service-cost/measurements");
            let auth = format!("Bearer {token}");
            let mut api = t.client();
            let body = r#"{"date": "2026-03-31", "value": 380.5, "source": "crm"}"#;
            let r = api.post_json(&url, &[("authorization", &auth)], body).await;
            assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
            // A retried push does not double count.
            let r = api.post_json(&url, &[("authorization", &auth)], body).await;
            assert_eq!(r.status, StatusCode::OK);
            assert!(r.body.contains("\"result\":\"unchanged\""));
            assert_eq!(t.count(&format!("SELECT COUNT(*) FROM measurements WHERE target_id = {tid}")).await, 1);
            // A correction for the same day and source replaces the value.
            let r = api
                .post_json(
                    &url,
                    &[("authorization", &auth)],
                    r#"{"date": "2026-03-31", "value": 379, "source": "crm"}"#,
                )
                .await;
            assert!(r.body.contains("\"result\":\"updated\""));
            assert_eq!(
                t.count(&format!("SELECT COUNT(*) FROM measurements WHERE target_id = {tid} AND value = 379")).await,
                1
            );
            // Malformed bodies name the field.
            let r = api.post_json(&url, &[("authorization", &auth)], r#"{"date": "2026-02-30", "value": 1}"#).await;
            assert_eq!(r.status, StatusCode::BAD_REQUEST);
            assert!(r.body.contains("\"field\":\"date\""));
            let r =
                api.post_json(&url, &[("authorization", &auth)], r#"{"date": "2026-04-30", "value": "lots"}"#).await;
            assert!(r.status == StatusCode::BAD_REQUEST && r.body.contains("\"field\":\"value\""));
            assert_eq!(api.post_json(&url, &[("authorization", &auth)], "{oops").await.status, StatusCode::BAD_REQUEST);
            // No token, an unknown target, another project's token, a revoked token.
            assert_eq!(api.post_json(&url, &[], body).await.status, StatusCode::UNAUTHORIZED);
            let r = api
                .post_json(
                    &format!("/api/v1/projects/{p}/targets/nope/measurements"),
                    &[("authorization", &auth)],
                    body,
                )
                .await;
            assert_eq!(r.status, StatusCode::NOT_FOUND);
            let other = create_project(&mut team.director, "Other").await;
            team.director.get(&format!("/projects/{other}/tokens")).await;
            let other_token =
                token_in(&team.director.post(&format!("/projects/{other}/tokens"), &[("name", "other")]).await.body);
            let r = api.post_json(&url, &[("authorization", &format!("Bearer {other_token}"))], body).await;
            assert_eq!(r.status, StatusCode::NOT_FOUND);
            let token_id = t.count(&format!("SELECT id FROM api_tokens WHERE project_id = {p}")).await;
            team.director.get(&format!("/projects/{p}/tokens")).await;
            team.director.post(&format!("/projects/{p}/tokens/{token_id}/revoke"), &[]).await.assert_redirect();
            assert_eq!(api.post_json(&url, &[("authorization", &auth)], body).await.status, StatusCode::UNAUTHORIZED);
            // Pushes are audited without a user.
            assert_eq!(
                t.count("SELECT COUNT(*) FROM audit_log WHERE entity = 'measurement' AND user_id IS NULL").await,
                2
            );
            // The page shows the pushed value and its source.
            let page = team.viewer.get(&format!("/projects/{p}/targets/{tid}")).await.body;
            assert!(page.contains("379") && page.contains("crm"));
        }),
    )
    .await;
}

#[tokio::test]
async fn csv_import_is_all_or_nothing() {
    // Fixed dates in 2026 below: "today" is fixed too, so the test means the same next year.
    ninefold::service::clock::with_today(crate::harness::fixed_today(), on_each_db(|t| async move {
        let mut team = team(&t).await;
        let p = team.project;
        let tid = new_target(&mut team.director, p, TARGET).await;
        let url = format!("/projects/{p}/targets/import");
        team.director.get(&format!("/projects/{p}/targets")).await;
        let bad = "target,date,value,note\nservice-cost,2026-02-28,395,二月\nservice-cost,2026-02-30,390,bad date\nunknown,2026-03-31,1\n";
        let r = team.director.post_multipart(&url, &[], Some(("file", bad.as_bytes()))).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.body.contains("Nothing was imported"));
        assert!(r.body.contains("Line 3") && r.body.contains("2026-02-30") && r.body.contains("Line 4"));
        assert!(!r.body.contains("Line 2:"));
        assert_eq!(t.count("SELECT COUNT(*) FROM measurements").await, 0);
        // UTF-8 with a BOM and Chinese notes.
        let good = "\u{feff}target,date,value,note\nservice-cost,2026-02-28,395,二月数据\nservice-cost,2026-03-31,388,三月\n";
        team.director.post_multipart(&url, &[], Some(("file", good.as_bytes()))).await.assert_redirect();
        assert_eq!(t.count(&format!("SELECT COUNT(*) FROM measurements WHERE target_id = {tid} AND source = 'csv'")).await, 2);
        assert!(team.director.get(&format!("/projects/{p}/targets/{tid}")).await.body.contains("二月数据"));
        // Pasted rows work too, and the same rows again change nothing.
        team.director.post_multipart(&url, &[("text", "service-cost,2026-03-31,388")], None).await.assert_redirect();
        assert_eq!(t.count("SELECT COUNT(*) FROM measurements").await, 2);
        // A hand-entered value with a bad date is refused by the field.
        let r = team.director.post(&format!("/projects/{p}/targets/{tid}/measurements"), &[("date", "31/03/2026"), ("value", "1")]).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.body.contains("id=\"err-date\""));
    }))
    .await;
}

#[tokio::test]
async fn review_packs_are_frozen_and_actions_carry_over() {
    // Fixed dates in 2026 below: "today" is fixed too, so the test means the same next year.
    ninefold::service::clock::with_today(
        crate::harness::fixed_today(),
        on_each_db(|t| async move {
            let mut team = team(&t).await;
            let p = team.project;
            let tid = new_target(&mut team.director, p, TARGET).await;
            team.director
                .post(&format!("/projects/{p}/targets/{tid}/measurements"), &[("date", "2026-03-31"), ("value", "370")])
                .await
                .assert_redirect();
            // Only the director and the steering committee hold reviews.
            team.consultant.get(&format!("/projects/{p}/reviews")).await;
            let form = [("held_on", "2026-04-15"), ("title", "SC #1"), ("attendees", "张伟, Dora")];
            assert_eq!(
                team.consultant.post(&format!("/projects/{p}/reviews"), &form).await.status,
                StatusCode::FORBIDDEN
            );
            team.steering.get(&format!("/projects/{p}/reviews")).await;
            let r1 = team.steering.post(&format!("/projects/{p}/reviews"), &form).await.assert_redirect().to_string();
            let r1_id: i32 = r1.rsplit('/').next().unwrap().parse().unwrap();
            let before = t.count(&format!("SELECT LENGTH(pack) FROM reviews WHERE id = {r1_id}")).await;
            let page = team.steering.get(&r1).await.body;
            assert!(page.contains("370") && page.contains("50%"), "attainment 50% at 370");
            // Later measurements do not change what the committee saw.
            team.director
                .post(&format!("/projects/{p}/targets/{tid}/measurements"), &[("date", "2026-05-31"), ("value", "350")])
                .await
                .assert_redirect();
            assert_eq!(t.count(&format!("SELECT LENGTH(pack) FROM reviews WHERE id = {r1_id}")).await, before);
            let page = team.steering.get(&r1).await.body;
            assert!(page.contains("50%") && !page.contains(">350<"));
            // Action items: one closed, one carried over into the next review until closed.
            team.steering
                .post(
                    &format!("{r1}/actions"),
                    &[("text", "Name key users"), ("owner", "Service manager"), ("due_date", "2026-04-30")],
                )
                .await
                .assert_redirect();
            team.steering
                .post(&format!("{r1}/actions"), &[("text", "Cost breakdown"), ("owner", "Dora"), ("due_date", "")])
                .await
                .assert_redirect();
            let r = team.steering.post(&format!("{r1}/actions"), &[("text", ""), ("owner", "x")]).await;
            assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
            let first = t.count("SELECT MIN(id) FROM review_actions").await;
            team.steering
                .post(
                    &format!("/projects/{p}/actions/{first}/status"),
                    &[("version", "1"), ("done", "1"), ("back", &r1)],
                )
                .await
                .assert_redirect();
            let r2 = team
                .steering
                .post(
                    &format!("/projects/{p}/reviews"),
                    &[("held_on", "2026-05-15"), ("title", "SC #2"), ("attendees", "")],
                )
                .await
                .assert_redirect()
                .to_string();
            let page = team.steering.get(&r2).await.body;
            assert!(
                page.contains("Carried over from earlier reviews")
                    && page.contains("Cost breakdown")
                    && !page.contains("Name key users")
            );
            // Decisions are saved with a version; a stale save is refused.
            team.steering
                .post(&format!("{r2}/decisions"), &[("version", "1"), ("decisions", "Keep −15%.")])
                .await
                .assert_redirect();
            let r = team
                .steering
                .post(&format!("{r2}/decisions"), &[("version", "1"), ("decisions", "Lower to −10%.")])
                .await;
            assert_eq!(r.status, StatusCode::CONFLICT);
            assert_eq!(t.count("SELECT COUNT(*) FROM reviews WHERE decisions = 'Keep −15%.'").await, 1);
            // In Chinese, the projector view has both languages in its headings.
            team.steering.post("/locale", &[("lang", "zh"), ("next", "/projects")]).await;
            let page = team.steering.get(&r2).await.body;
            assert!(page.contains("目标与实际") && page.contains("Targets vs actuals"));
        }),
    )
    .await;
}

#[tokio::test]
async fn modules_move_forward_with_dates_and_follow_the_scope() {
    // Fixed dates in 2026 below: "today" is fixed too, so the test means the same next year.
    ninefold::service::clock::with_today(
        crate::harness::fixed_today(),
        on_each_db(|t| async move {
            let mut team = team(&t).await;
            let p = team.project;
            // The project was created with sales and service in scope.
            assert_eq!(
                t.count(&format!("SELECT COUNT(*) FROM crm_modules WHERE project_id = {p} AND in_scope")).await,
                2
            );
            assert!(t.count(&format!("SELECT COUNT(*) FROM module_features WHERE project_id = {p}")).await >= 25);
            let sales = t.count(&format!("SELECT id FROM crm_modules WHERE project_id = {p} AND key = 'sales'")).await;
            let url = format!("/projects/{p}/modules/{sales}");
            let form = |status: &'static str, version: &'static str| {
                vec![
                    ("in_scope", "1"),
                    ("status", status),
                    ("status_date", "2026-05-04"),
                    ("lifecycle", "analysis"),
                    ("planned_users", "200"),
                    ("active_users", "150"),
                    ("version", version),
                ]
            };
            team.consultant.get(&format!("/projects/{p}/modules")).await;
            team.consultant.post(&url, &form("piloted", "1")).await.assert_redirect();
            let page = team.consultant.get(&format!("/projects/{p}/modules")).await.body;
            assert!(page.contains("Adoption 75% (150/200)") && page.contains("2026-05-04"));
            // Never backwards.
            let r = team.consultant.post(&url, &form("configured", "2")).await;
            assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
            assert!(r.body.contains("cannot go back"));
            let mut bad = form("live", "2");
            bad[4] = ("planned_users", "many");
            assert!(team.consultant.post(&url, &bad).await.body.contains("Enter a whole number"));
            // Features.
            let f = t.count(&format!("SELECT MIN(id) FROM module_features WHERE module_id = {sales}")).await;
            team.consultant
                .post(&format!("/projects/{p}/features/{f}"), &[("status", "live"), ("version", "1")])
                .await
                .assert_redirect();
            assert!(team.consultant.get(&format!("/projects/{p}/modules")).await.body.contains("1 of 9 features live"));
            assert_eq!(
                team.viewer
                    .post(&format!("/projects/{p}/features/{f}"), &[("status", "planned"), ("version", "2")])
                    .await
                    .status,
                StatusCode::FORBIDDEN
            );
            // Editing the project's scope updates the modules in the same transaction.
            let edit = [
                ("name", "CRM Wave 1"),
                ("client_name", "华美电器"),
                ("industry", "appliances"),
                ("currency", "CNY"),
                ("modules", "sales"),
                ("modules", "analytics"),
                ("version", "1"),
            ];
            team.director.get(&format!("/projects/{p}/edit")).await;
            team.director.post(&format!("/projects/{p}/edit"), &edit).await.assert_redirect();
            assert_eq!(
            t.count(&format!(
                "SELECT COUNT(*) FROM crm_modules WHERE project_id = {p} AND in_scope AND key IN ('sales', 'analytics')"
            ))
            .await,
            2
        );
            assert_eq!(
                t.count(&format!("SELECT COUNT(*) FROM crm_modules WHERE project_id = {p} AND in_scope")).await,
                2
            );
        }),
    )
    .await;
}
