//! Issue 11, points 1–11: no panic, no stall, no open door, the method's roles enforced.
//! Each test drives the real router on a real database with the review's own inputs.
use crate::harness::*;
use axum::http::{HeaderMap, StatusCode, header};
use ninefold::domain::policy::Role;
use ninefold::service::Actor;
use std::time::{Duration, Instant};

/// A redirect, or a failure that shows the page's error messages (not just its head).
fn redirected(r: &Resp) -> &str {
    if r.status != StatusCode::SEE_OTHER {
        let problems: Vec<&str> =
            r.body.lines().filter(|l| l.contains("error") || l.contains("alert") || l.contains("<h1")).collect();
        panic!("expected a redirect, got {}: {problems:#?}", r.status);
    }
    r.location.as_deref().unwrap_or_default()
}

fn h<'a>(headers: &'a HeaderMap, name: &str) -> &'a str {
    headers.get(name).and_then(|v| v.to_str().ok()).unwrap_or("")
}

async fn user_id(t: &TestApp, email: &str) -> i32 {
    t.count(&format!("SELECT id FROM users WHERE email = '{email}'")).await as i32
}

/// A team member (does the work) of the team's project, logged in.
async fn member(t: &TestApp, team: &Team) -> Client {
    let id = t.user("member@t.example", "Mia Member").await;
    let director = Actor { user_id: user_id(t, "director@t.example").await };
    ninefold::service::projects::set_member(&t.db, director, team.project, id, Role::Member).await.unwrap();
    let mut c = t.client();
    c.login("member@t.example").await;
    c
}

// ---- 1. Nothing a user sends can panic the server ----

#[tokio::test]
async fn any_history_page_number_is_answered() {
    on_each_db(|t| async move {
        let mut team = team(&t).await;
        let p = team.project;
        for page in ["368934881474191032", "18446744073709551615", "0", "1", "99999"] {
            let r = team.viewer.get(&format!("/projects/{p}/history?page={page}")).await;
            assert_eq!(r.status, StatusCode::OK, "page {page}");
        }
        let r = team.viewer.get(&format!("/projects/{p}/history?page=-1")).await;
        assert!(r.status.is_client_error(), "{}", r.status);
    })
    .await;
}

fn mspdi(tasks: &str) -> String {
    format!(
        "<Project><Tasks><Task><UID>1</UID><Name>Project preparation</Name><OutlineLevel>1</OutlineLevel><Summary>1</Summary><Start>2026-03-02T08:00:00</Start><Finish>2026-03-27T17:00:00</Finish></Task>{tasks}</Tasks></Project>"
    )
}

fn ms_task(uid: i32, name: &str, start: &str, duration: &str, lag: &str) -> String {
    format!(
        "<Task><UID>{uid}</UID><Name>{name}</Name><OutlineLevel>2</OutlineLevel><Start>{start}</Start><Finish>{start}</Finish><Duration>{duration}</Duration><PredecessorLink><PredecessorUID>1</PredecessorUID><Type>1</Type><LinkLag>{lag}</LinkLag></PredecessorLink></Task>"
    )
}

#[tokio::test]
async fn an_ms_project_file_with_absurd_values_is_refused_line_by_line_and_changes_nothing() {
    on_each_db(|t| async move {
        let mut team = team(&t).await;
        let p = team.project;
        let acts = format!("SELECT COUNT(*) FROM activities WHERE project_id = {p}");
        let links = format!("SELECT COUNT(*) FROM dependencies WHERE project_id = {p}");
        let (a0, l0) = (t.count(&acts).await, t.count(&links).await);
        team.director.get(&format!("/projects/{p}/schedule")).await;
        let ok_start = "2026-03-02T08:00:00";
        for (file, says) in [
            (mspdi(&ms_task(2, "Huge", ok_start, "PT1000000000H", "0")), "task 2: duration"),
            (mspdi(&ms_task(3, "Far", "+262142-12-31T08:00:00", "PT8H", "0")), "task 3"),
            (mspdi(&ms_task(4, "Lag", ok_start, "PT8H", "480000000000")), "link lag"),
            (mspdi(&ms_task(5, "Y9999", "9999-01-01T08:00:00", "PT8H", "0")), "outside 2000–2100"),
            (mspdi(&ms_task(6, "Long", ok_start, "PT16000000H", "0")), "task 6: duration"),
            (mspdi(&ms_task(7, &"n".repeat(900_000), ok_start, "PT8H", "0")), "longer than 200"),
        ] {
            let r = team
                .director
                .post_multipart(&format!("/projects/{p}/schedule/import"), &[], Some(("file", file.as_bytes())))
                .await;
            assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{says}");
            assert!(r.body.contains(says), "{says} not in the page");
        }
        // Several bad tasks in one file: every one is reported.
        let file = mspdi(&format!(
            "{}{}",
            ms_task(2, "Huge", ok_start, "PT1000000000H", "0"),
            ms_task(5, "Y9999", "9999-01-01T08:00:00", "PT8H", "0")
        ));
        let r = team
            .director
            .post_multipart(&format!("/projects/{p}/schedule/import"), &[], Some(("file", file.as_bytes())))
            .await;
        assert!(r.body.contains("task 2: duration") && r.body.contains("task 5: start 9999-01-01"));
        // In Chinese, every line in Chinese.
        team.director.post("/locale", &[("lang", "zh"), ("next", "/projects")]).await;
        let r = team
            .director
            .post_multipart(&format!("/projects/{p}/schedule/import"), &[], Some(("file", file.as_bytes())))
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            r.body.contains("任务 2：工期") && r.body.contains("任务 5：开始日期 9999-01-01 超出 2000–2100 年"),
            "{}",
            r.body
        );
        assert!(!r.body.contains("task 2: duration"));
        assert_eq!((t.count(&acts).await, t.count(&links).await), (a0, l0), "nothing imported");
        assert_eq!(team.director.get(&format!("/projects/{p}/schedule")).await.status, StatusCode::OK);
    })
    .await;
}

async fn boom() -> String {
    panic!("a bug in a handler")
}

#[tokio::test]
async fn a_panicking_handler_costs_one_request_and_answers_the_localised_500() {
    use axum::middleware::{from_fn, from_fn_with_state};
    use axum::routing::get;
    use tower::ServiceExt;
    on_each_db(|t| async move {
        // The real panic and context layers around a handler that panics.
        let app = axum::Router::new()
            .route("/boom", get(boom))
            .route("/api/v1/boom", get(boom))
            .route("/fine", get(|| async { "fine" }))
            .layer(from_fn(ninefold::web::security::catch_panic))
            .layer(from_fn_with_state(t.state.clone(), ninefold::web::context::middleware))
            .with_state(t.state.clone());
        let get = |path: &str, lang: &str| {
            axum::http::Request::get(path)
                .header(header::ACCEPT_LANGUAGE, lang)
                .body(axum::body::Body::empty())
                .unwrap()
        };
        let r = app.clone().oneshot(get("/boom", "zh-CN")).await.unwrap();
        assert_eq!(r.status(), StatusCode::INTERNAL_SERVER_ERROR);
        let body = http_body_util::BodyExt::collect(r.into_body()).await.unwrap().to_bytes();
        let body = String::from_utf8_lossy(&body);
        assert!(body.contains("<html") && body.contains("lang=\"zh-CN\""), "the localised error page");
        let r = app.clone().oneshot(get("/api/v1/boom", "en")).await.unwrap();
        assert_eq!(r.status(), StatusCode::INTERNAL_SERVER_ERROR);
        let body = http_body_util::BodyExt::collect(r.into_body()).await.unwrap().to_bytes();
        let json: serde_json::Value = serde_json::from_slice(&body).expect("JSON under /api/");
        assert_eq!(json["error"], "err.internal");
        // The same service keeps answering.
        assert_eq!(app.oneshot(get("/fine", "en")).await.unwrap().status(), StatusCode::OK);
    })
    .await;
}

// ---- 2. One validation for every way data comes in ----

#[tokio::test]
async fn imports_and_the_api_keep_the_bounds_of_the_forms() {
    on_each_db(|t| async move {
        let mut team = team(&t).await;
        let p = team.project;
        team.director.get(&format!("/projects/{p}/schedule")).await;
        // iCalendar: a holiday in 9999 is a bad line, nothing imported.
        let ics = "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nDTSTART;VALUE=DATE:99990101\r\nSUMMARY:Far\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";
        let r = team
            .director
            .post_multipart(&format!("/projects/{p}/schedule/calendar/import"), &[], Some(("file", ics.as_bytes())))
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(t.count(&format!("SELECT COUNT(*) FROM calendar_days WHERE project_id = {p}")).await, 0);

        // The JSON API: dates and numbers bounded like the forms, the field named.
        crate::targets::new_target(&mut team.director, p, crate::targets::TARGET).await;
        team.director.get(&format!("/projects/{p}/tokens")).await;
        let r = team.director.post(&format!("/projects/{p}/tokens"), &[("name", "CRM")]).await;
        let auth = format!("Bearer {}", crate::targets::token_in(&r.body));
        let url = format!("/api/v1/projects/{p}/targets/service-cost/measurements");
        let mut api = t.client();
        for (body, field) in [
            (r#"{"date": "+262142-12-31", "value": 1}"#, "date"),
            (r#"{"date": "9999-01-01", "value": 1}"#, "date"),
            (r#"{"date": "2026-03-31", "value": 1e308}"#, "value"),
            (r#"{"date": "2026-03-31", "value": "1e308"}"#, "value"),
            (r#"{"date": "2026-03-31", "value": 1, "source": "a\u0000b"}"#, "source"),
            (r#"{"date": "2026-03-31", "value": 1, "note": "a\u0000b"}"#, "note"),
        ] {
            let r = api.post_json(&url, &[("authorization", &auth)], body).await;
            assert_eq!(r.status, StatusCode::BAD_REQUEST, "{body}");
            assert!(r.body.contains(&format!("\"field\":\"{field}\"")), "{body}: {}", r.body);
        }
        // The caller's language (Accept-Language) for the message; the field stays the key.
        let r = api
            .post_json(&url, &[("authorization", &auth), ("accept-language", "zh-CN")], r#"{"date": "9999-01-01", "value": 1}"#)
            .await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST);
        assert!(r.body.contains("\"field\":\"date\"") && r.body.contains("2000 至 2100 年之间的日期"), "{}", r.body);
        assert_eq!(t.count("SELECT COUNT(*) FROM measurements").await, 0);

        // A NUL in a multi-line text field is refused by the field (PostgreSQL rejects it).
        let rid = t.count(&format!("SELECT MIN(id) FROM risks WHERE project_id = {p}")).await;
        team.director.get(&format!("/projects/{p}/risks")).await;
        let r = team
            .director
            .post(&format!("/projects/{p}/risks/{rid}/dismiss"), &[("version", "1"), ("reason", "fine\u{0}then")])
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.body.contains("This contains characters that are not allowed."));
        assert_eq!(t.count(&format!("SELECT COUNT(*) FROM risks WHERE id = {rid} AND status = 'candidate'")).await, 1);
    })
    .await;
}

// ---- 3. CPU work never blocks the server ----

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn healthz_answers_quickly_while_four_pdfs_render() {
    on_each_db(|t| async move {
        let team = team(&t).await;
        let p = team.project;
        let mut renders = vec![];
        for (i, kind) in ["plan", "charter", "organisation", "business-case"].into_iter().enumerate() {
            let mut c = team.director.clone();
            let lang = if i % 2 == 0 { "zh" } else { "en" };
            renders.push(tokio::spawn(async move {
                let r = c.get(&format!("/projects/{p}/documents/preview/{kind}.pdf?lang={lang}")).await;
                assert_eq!(r.status, StatusCode::OK);
                assert!(r.bytes.starts_with(b"%PDF"));
            }));
        }
        let mut probe = t.client();
        let mut slowest = Duration::ZERO;
        let mut probes = 0;
        while renders.iter().any(|r| !r.is_finished()) {
            let start = Instant::now();
            let r = probe.get("/healthz").await;
            slowest = slowest.max(start.elapsed());
            probes += 1;
            assert_eq!(r.status, StatusCode::OK);
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        for r in renders {
            r.await.unwrap();
        }
        eprintln!("/healthz while four PDFs rendered: slowest {slowest:?} over {probes} probes");
        assert!(probes >= 1);
        assert!(
            slowest < Duration::from_millis(100),
            "/healthz took {slowest:?} while PDFs rendered ({probes} probes)"
        );
    })
    .await;
}

// ---- 4. A GET never writes ----

#[tokio::test]
async fn a_viewer_s_first_visit_writes_nothing_the_tiers_come_with_the_project() {
    on_each_db(|t| async move {
        let mut team = team(&t).await;
        let p = team.project;
        assert_eq!(t.count(&format!("SELECT COUNT(*) FROM org_units WHERE project_id = {p}")).await, 5);
        let audit = "SELECT COUNT(*) FROM audit_log";
        let before = t.count(audit).await;
        for path in ["organisation", "training", "responsibilities/1", "people", "schedule", "history"] {
            let r = team.viewer.get(&format!("/projects/{p}/{path}")).await;
            assert_eq!(r.status, StatusCode::OK, "{path}");
        }
        assert_eq!(t.count(audit).await, before, "page views wrote audit rows");
    })
    .await;
}

#[tokio::test]
async fn projects_made_before_the_tiers_came_with_them_get_them_from_the_migration() {
    on_each_db(|t| async move {
        let team = team(&t).await;
        let p = team.project;
        let units = format!("SELECT COUNT(*) FROM org_units WHERE project_id = {p}");
        let made = t.count(&units).await;
        // As an older project: no tiers.
        use sea_orm::ConnectionTrait;
        t.db.conn.execute_unprepared(&format!("DELETE FROM org_units WHERE project_id = {p}")).await.unwrap();
        migration::backfill_org_units(&t.db.conn).await.unwrap();
        assert_eq!(t.count(&units).await, made);
        let keys = format!("SELECT COUNT(*) FROM org_units WHERE project_id = {p} AND key IN ('steering', 'team', 'group:sales', 'group:service', 'group:it')");
        assert_eq!(t.count(&keys).await, 5);
        // Run again: nothing more.
        migration::backfill_org_units(&t.db.conn).await.unwrap();
        assert_eq!(t.count(&units).await, made);
    })
    .await;
}

// ---- 5. Open redirect ----

#[tokio::test]
async fn next_and_back_stay_on_the_site() {
    on_each_db(|t| async move {
        t.user("ann@t.example", "Ann").await;
        let mut c = t.client();
        let page = c.get("/login?next=/%09/evil.example").await;
        assert!(page.body.contains("name=\"next\" value=\"&#x2f;projects\""), "the form carries the safe target");
        for next in [
            "/\t/evil.example",
            "//evil.example",
            "/\\evil.example",
            "https://evil.example",
            "/\u{1}x",
            "/a\r\nSet-Cookie: x=1",
        ] {
            let r = c.post("/locale", &[("lang", "en"), ("next", next)]).await;
            assert_eq!(redirected(&r), "/projects", "{next:?}");
        }
        let r =
            c.post("/login", &[("email", "ann@t.example"), ("password", PASSWORD), ("next", "/\t/evil.example")]).await;
        assert_eq!(redirected(&r), "/projects");
        c.get("/projects").await;
        let r = c.post("/locale", &[("lang", "zh"), ("next", "/projects?x=1")]).await;
        assert_eq!(redirected(&r), "/projects?x=1", "a same-site path is kept");
    })
    .await;
}

// ---- 6. Login throttling ----

#[tokio::test]
async fn two_hundred_wrong_passwords_are_throttled_alike_for_known_and_unknown_accounts() {
    on_each_db(|t| async move {
        let mut t = t;
        // The first wait longer than the default second, so that a slow machine cannot let
        // it pass between two attempts of this test.
        t.state.login.first_delay = Duration::from_secs(30);
        t.user("ann@t.example", "Ann").await;
        let mut c = t.client();
        c.get("/login").await;
        let answered = |email: &'static str| {
            let mut c = c.clone();
            async move {
                let (mut refused, mut throttled) = (0, 0);
                for _ in 0..100 {
                    let r = c.post("/login", &[("email", email), ("password", "wrong-password"), ("next", "/")]).await;
                    match r.status {
                        StatusCode::UNAUTHORIZED => refused += 1,
                        StatusCode::TOO_MANY_REQUESTS => {
                            throttled += 1;
                            let wait: u64 = h(&r.headers, "retry-after").parse().expect("Retry-After in seconds");
                            assert!((1..=300).contains(&wait));
                            assert!(r.body.contains("Too many attempts"));
                        }
                        other => panic!("unexpected {other}"),
                    }
                }
                (refused, throttled)
            }
        };
        let start = Instant::now();
        let known = answered("ann@t.example").await;
        let unknown = answered("nobody@t.example").await;
        assert_eq!(known, (3, 97), "three answered, then each waits");
        assert_eq!(unknown, known, "no account enumeration");
        assert!(start.elapsed() < Duration::from_secs(60));
        // While waiting, even the right password is held back.
        let r = c.post("/login", &[("email", "ann@t.example"), ("password", PASSWORD), ("next", "/")]).await;
        assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);
        // Another account is not slowed down by Ann's.
        t.user("bob@t.example", "Bob").await;
        let mut b = t.client();
        b.login("bob@t.example").await;
    })
    .await;
}

#[tokio::test]
async fn repeated_failures_lock_the_account_until_an_admin_or_the_time_out_releases_it() {
    on_each_db(|t| async move {
        let mut t = t;
        // No delays here: this test is about the lock.
        t.state.login.free_attempts = u32::MAX;
        let ann = t.user("ann@t.example", "Ann").await;
        t.user("admin@t.example", "Ada Admin").await;
        let mut c = t.client();
        c.get("/login").await;
        let lock_after = t.state.login.lockout.lock_after;
        for _ in 0..lock_after {
            let r =
                c.post("/login", &[("email", "ann@t.example"), ("password", "wrong-password"), ("next", "/")]).await;
            assert_eq!(r.status, StatusCode::UNAUTHORIZED);
        }
        assert_eq!(t.count("SELECT COUNT(*) FROM audit_log WHERE entity = 'user' AND action = 'lockout'").await, 1);
        // Locked: the right password is refused with the same message as a wrong one.
        let r = c.post("/login", &[("email", "ann@t.example"), ("password", PASSWORD), ("next", "/")]).await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED);
        assert!(r.body.contains("The e-mail or password is not correct."));
        // The admin sees the lock and releases it.
        let mut admin = t.client();
        admin.login("admin@t.example").await;
        let users = admin.get("/admin/users").await.body;
        assert!(users.contains(&format!("action=\"/admin/users/{ann}\"")) && users.contains("Unlock"));
        admin.post(&format!("/admin/users/{ann}"), &[("unlock", "1")]).await.assert_redirect();
        assert_eq!(t.count("SELECT COUNT(*) FROM audit_log WHERE entity = 'user' AND action = 'unlock'").await, 1);
        let mut c = t.client();
        c.login("ann@t.example").await;
        // Locked again, then the time-out passes.
        let mut d = t.client();
        d.get("/login").await;
        for _ in 0..lock_after {
            d.post("/login", &[("email", "ann@t.example"), ("password", "wrong-password"), ("next", "/")]).await;
        }
        let r = d.post("/login", &[("email", "ann@t.example"), ("password", PASSWORD), ("next", "/")]).await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED);
        let past = ninefold::service::now() - chrono::Duration::minutes(1);
        {
            use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, sea_query::Expr};
            ninefold::entity::user::Entity::update_many()
                .col_expr(ninefold::entity::user::Column::LockedUntil, Expr::value(Some(past)))
                .filter(ninefold::entity::user::Column::Id.eq(ann))
                .exec(&t.db.conn)
                .await
                .unwrap();
        }
        let mut e = t.client();
        e.login("ann@t.example").await;
    })
    .await;
}

#[tokio::test]
async fn failures_from_one_address_slow_down_every_account_name_it_tries() {
    use tower::ServiceExt;
    on_each_db(|t| async move {
        t.user("ann@t.example", "Ann").await;
        let app = ninefold::build_app(t.state.clone());
        let mut c = t.client();
        c.get("/login").await;
        let cookie = format!("nf_csrf={}", c.cookie("nf_csrf").unwrap());
        let from = |ip: &str, email: &str| {
            let body =
                serde_urlencoded::to_string([("_csrf", c.csrf.as_str()), ("email", email), ("password", "x")]).unwrap();
            let addr: std::net::SocketAddr = format!("{ip}:40000").parse().unwrap();
            axum::http::Request::post("/login")
                .header(header::COOKIE, cookie.as_str())
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .extension(axum::extract::ConnectInfo(addr))
                .body(axum::body::Body::from(body))
                .unwrap()
        };
        let mut statuses = vec![];
        for i in 0..5 {
            let r = app.clone().oneshot(from("203.0.113.7", &format!("u{i}@t.example"))).await.unwrap();
            let status = r.status().as_u16();
            if status == 403 {
                let body = http_body_util::BodyExt::collect(r.into_body()).await.unwrap().to_bytes();
                let body = String::from_utf8_lossy(&body);
                panic!(
                    "403: {:?}",
                    body.lines().filter(|l| l.contains("alert") || l.contains("<h1")).collect::<Vec<_>>()
                );
            }
            statuses.push(status);
        }
        assert_eq!(statuses, [401, 401, 401, 429, 429]);
        let r = app.clone().oneshot(from("198.51.100.4", "u9@t.example")).await.unwrap();
        assert_eq!(r.status(), StatusCode::UNAUTHORIZED, "another address is not held back");
    })
    .await;
}

// ---- 7. Headers ----

#[tokio::test]
async fn security_headers_and_no_store_on_authenticated_responses() {
    on_each_db(|t| async move {
        let mut team = team(&t).await;
        let p = team.project;
        let mut anon = t.client();
        let r = anon.get("/login").await;
        let csp = h(&r.headers, "content-security-policy");
        assert!(csp.contains("frame-ancestors 'none'") && csp.contains("script-src 'self'"), "{csp}");
        assert!(!csp.contains("unsafe-inline") && !csp.contains("unsafe-eval"));
        assert_eq!(h(&r.headers, "x-content-type-options"), "nosniff");
        assert_eq!(h(&r.headers, "referrer-policy"), "same-origin");
        assert!(h(&r.headers, "permissions-policy").contains("camera=()"));
        assert_eq!(h(&r.headers, "strict-transport-security"), "", "no HSTS over plain HTTP");
        let css = anon.get("/static/style.css").await;
        assert!(h(&css.headers, "cache-control").contains("public"), "assets stay cacheable");

        for path in [
            "/projects".to_string(),
            format!("/projects/{p}"),
            format!("/projects/{p}/schedule"),
            format!("/projects/{p}/schedule.csv"),
            format!("/projects/{p}/documents/preview/charter.pdf"),
            format!("/api/v1/projects/{p}"),
        ] {
            let r = team.director.get(&path).await;
            assert_eq!(r.status, StatusCode::OK, "{path}");
            assert_eq!(h(&r.headers, "cache-control"), "no-store", "{path}");
        }
        // No inline script or style anywhere (the policy forbids them).
        for path in [
            "/projects".to_string(),
            format!("/projects/{p}"),
            format!("/projects/{p}/organisation"),
            format!("/projects/{p}/people/import"),
            format!("/projects/{p}/training"),
            format!("/projects/{p}/schedule"),
            format!("/projects/{p}/business-case"),
            format!("/projects/{p}/targets"),
            format!("/projects/{p}/risks"),
            format!("/projects/{p}/reviews"),
            format!("/projects/{p}/documents"),
            format!("/projects/{p}/members"),
        ] {
            let body = team.director.get(&path).await.body;
            assert!(!body.contains("<script>") && !body.contains("<script type"), "inline script on {path}");
            assert!(!body.contains(" style=\"") && !body.contains("<style"), "inline style on {path}");
            assert!(!body.contains(" onclick=") && !body.contains(" onchange="), "inline handler on {path}");
        }
        // With secure cookies (HTTPS), HSTS too.
        let secure = ninefold::AppState { secure_cookies: true, ..t.state.clone() };
        let mut c = t.client().via(ninefold::build_app(secure));
        let r = c.get("/login").await;
        assert!(h(&r.headers, "strict-transport-security").starts_with("max-age="));
    })
    .await;
}

// ---- 8. Sessions ----

#[tokio::test]
async fn sessions_end_when_idle_rotate_at_login_and_end_with_a_new_password() {
    on_each_db(|t| async move {
        let mut t = t;
        t.user("ann@t.example", "Ann").await;
        // Rotation: logging in again gives a new id and ends the old session.
        let mut c = t.client();
        c.login("ann@t.example").await;
        let first = c.cookie("nf_session").unwrap();
        let r = c.post("/login", &[("email", "ann@t.example"), ("password", PASSWORD), ("next", "/projects")]).await;
        r.assert_redirect();
        let second = c.cookie("nf_session").unwrap();
        assert_ne!(first, second);
        assert_eq!(t.count("SELECT COUNT(*) FROM sessions").await, 1, "the old session ended");

        // A new password ends every session of the user; this browser gets a fresh one.
        let mut phone = t.client();
        phone.login("ann@t.example").await;
        c.get("/account/password").await;
        let r =
            c.post("/account/password", &[("current_password", "nope"), ("new_password", "another-password-2")]).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.body.contains("The current password is not correct."));
        let r = c
            .post("/account/password", &[("current_password", PASSWORD), ("new_password", "another-password-2")])
            .await;
        assert_eq!(r.assert_redirect(), "/account/password?changed=1");
        assert_eq!(phone.get("/projects").await.status, StatusCode::SEE_OTHER, "the other session ended");
        assert_eq!(c.get("/projects").await.status, StatusCode::OK, "this one continues with a new id");
        assert_ne!(c.cookie("nf_session").unwrap(), second);
        assert_eq!(t.count("SELECT COUNT(*) FROM sessions").await, 1);

        // Idle time-out (short here; 8 hours by default).
        t.state.session_idle = chrono::Duration::seconds(2);
        let mut idle = t.client();
        idle.get("/login").await;
        let r = idle
            .post("/login", &[("email", "ann@t.example"), ("password", "another-password-2"), ("next", "/projects")])
            .await;
        r.assert_redirect();
        assert_eq!(idle.get("/projects").await.status, StatusCode::OK);
        tokio::time::sleep(Duration::from_millis(3100)).await;
        assert_eq!(idle.get("/projects").await.assert_redirect(), "/login?next=%2Fprojects");
    })
    .await;
}

// ---- 9. Secrets stay out of logs; absolute URLs from the configured base ----

#[derive(Clone, Default)]
struct Captured(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);

impl std::io::Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Everything logged from now on, by any test of this binary (a thread-local subscriber
/// misses events whose call sites other threads registered first). Installed once.
fn captured_logs() -> Captured {
    static LOGS: std::sync::OnceLock<Captured> = std::sync::OnceLock::new();
    LOGS.get_or_init(|| {
        let logs = Captured::default();
        let writer = logs.clone();
        let subscriber = tracing_subscriber::fmt()
            .with_writer(move || writer.clone())
            .with_ansi(false)
            .with_max_level(tracing::Level::INFO)
            .finish();
        tracing::subscriber::set_global_default(subscriber).expect("no other global subscriber in the tests");
        logs
    })
    .clone()
}

#[tokio::test]
async fn feed_tokens_are_not_logged_and_feed_urls_use_the_base_url() {
    on_each_db(|t| async move {
        let mut t = t;
        t.state.base_url = "https://pm.example.com".into();
        let mut team = team(&t).await;
        let p = team.project;
        team.director.get(&format!("/projects/{p}/schedule")).await;
        let r = team.director.post(&format!("/projects/{p}/schedule/feeds"), &[]).await;
        let shown =
            r.body.split("<pre class=\"token\">").nth(1).unwrap().split('<').next().unwrap().replace("&#x2f;", "/");
        assert!(shown.starts_with("https://pm.example.com/feeds/"), "{shown}");
        let file = shown.rsplit('/').next().unwrap().to_string();
        let token = file.trim_end_matches(".ics").to_string();

        let logs = captured_logs();
        let mut anon = t.client();
        assert_eq!(anon.get(&format!("/feeds/{file}")).await.status, StatusCode::OK);
        let text = String::from_utf8_lossy(&logs.0.lock().unwrap()).into_owned();
        assert!(text.contains("/feeds/{file}"), "the route template is logged: {text}");
        assert!(!text.contains(&token), "the token is not logged: {text}");
    })
    .await;
}

// ---- 10. Spreadsheet formula injection ----

#[tokio::test]
async fn csv_exports_neutralise_formulas() {
    on_each_db(|t| async move {
        let mut team = team(&t).await;
        let p = team.project;
        team.director.get(&format!("/projects/{p}/schedule")).await;
        for name in ["=HYPERLINK(\"http://evil.example\",\"x\")", "+1+1", "-2+3", "@SUM(A1)"] {
            let r = team
                .director
                .post(
                    &format!("/projects/{p}/schedule/milestones"),
                    &[("phase", "1"), ("name", name), ("date", "2026-03-20"), ("owner", "")],
                )
                .await;
            r.assert_redirect();
        }
        let csv = team.director.get(&format!("/projects/{p}/schedule.csv")).await.body;
        for start in ["=HYPERLINK", "+1+1", "-2+3", "@SUM"] {
            assert!(csv.contains(&format!("\"'{start}")), "{start} neutralised");
            assert!(!csv.contains(&format!(",\"{start}")), "{start} left as a formula");
        }
    })
    .await;
}

// ---- 11. The method's roles ----

#[tokio::test]
async fn a_team_member_cannot_change_the_steering_committee_baselines_plan_or_business_case() {
    on_each_db(|t| async move {
        let mut team = team(&t).await;
        let p = team.project;
        let mut mia = member(&t, &team).await;
        // The director puts a chair on the steering committee.
        let steering = t.count(&format!("SELECT id FROM org_units WHERE project_id = {p} AND kind = 'steering'")).await;
        team.director.get(&format!("/projects/{p}/people")).await;
        let r = team
            .director
            .post(
                &format!("/projects/{p}/people"),
                &[("name", "Zhou Chair"), ("department", "sales"), ("side", "client"), ("title", "")],
            )
            .await;
        let person = r.assert_redirect().rsplit('/').next().unwrap().to_string();
        team.director.get(&format!("/projects/{p}/organisation")).await;
        let r = team
            .director
            .post(
                &format!("/projects/{p}/organisation/units/{steering}/members"),
                &[("person_id", &person), ("role", "chair"), ("allocation", "10")],
            )
            .await;
        redirected(&r);
        let m = t.count(&format!("SELECT id FROM memberships WHERE unit_id = {steering}")).await;
        let demote = format!("/projects/{p}/organisation/memberships/{m}");
        let v1 = [("role", "member"), ("allocation", "10"), ("version", "1")];

        // Refused to the team member and the consultant …
        for c in [&mut mia, &mut team.consultant] {
            c.get(&format!("/projects/{p}/organisation")).await;
            assert_eq!(c.post(&demote, &v1).await.status, StatusCode::FORBIDDEN);
            assert_eq!(c.post(&format!("{demote}/delete"), &[]).await.status, StatusCode::FORBIDDEN);
            let r = c.post(&format!("/projects/{p}/schedule/baselines"), &[("name", "Mine")]).await;
            assert_eq!(r.status, StatusCode::FORBIDDEN);
            let xml = mspdi(&ms_task(2, "x", "2026-03-02T08:00:00", "PT8H", "0"));
            let r =
                c.post_multipart(&format!("/projects/{p}/schedule/import"), &[], Some(("file", xml.as_bytes()))).await;
            assert_eq!(r.status, StatusCode::FORBIDDEN);
        }
        assert_eq!(t.count(&format!("SELECT COUNT(*) FROM memberships WHERE id = {m} AND role = 'chair'")).await, 1);
        assert_eq!(t.count(&format!("SELECT COUNT(*) FROM baselines WHERE project_id = {p}")).await, 0);
        // … allowed to the steering committee itself.
        team.steering.get(&format!("/projects/{p}/organisation")).await;
        team.steering.post(&demote, &v1).await.assert_redirect();
        assert_eq!(t.count(&format!("SELECT COUNT(*) FROM memberships WHERE id = {m} AND role = 'member'")).await, 1);
        // Other tiers stay open to the team member's work.
        let team_unit = t.count(&format!("SELECT id FROM org_units WHERE project_id = {p} AND kind = 'team'")).await;
        let r = mia
            .post(
                &format!("/projects/{p}/organisation/units/{team_unit}/members"),
                &[("person_id", &person), ("role", "team_member"), ("allocation", "10")],
            )
            .await;
        redirected(&r);
        // Baselines and imports are the director's.
        team.director.get(&format!("/projects/{p}/schedule")).await;
        team.director.post(&format!("/projects/{p}/schedule/baselines"), &[("name", "Plan")]).await.assert_redirect();

        // Business-case lines: the director and consultants, not the member or the steering committee.
        team.director.get(&format!("/projects/{p}/business-case")).await;
        team.director.post(&format!("/projects/{p}/business-case"), &[]).await.assert_redirect();
        let cost = [
            ("category", "implementation"),
            ("description", "Partner"),
            ("recurrence", "one_time"),
            ("amount", "1,000"),
            ("growth", "0"),
        ];
        team.consultant.get(&format!("/projects/{p}/business-case")).await;
        team.consultant.post(&format!("/projects/{p}/business-case/costs"), &cost).await.assert_redirect();
        let line = t.count("SELECT MAX(id) FROM bc_costs").await;
        for c in [&mut mia, &mut team.steering] {
            c.get(&format!("/projects/{p}/business-case")).await;
            let r = c.post(&format!("/projects/{p}/business-case/costs/{line}/delete"), &[("version", "1")]).await;
            assert_eq!(r.status, StatusCode::FORBIDDEN);
            let r = c.post(&format!("/projects/{p}/business-case/costs"), &cost).await;
            assert_eq!(r.status, StatusCode::FORBIDDEN);
        }
        let r =
            team.director.post(&format!("/projects/{p}/business-case/costs/{line}/delete"), &[("version", "1")]).await;
        redirected(&r);
    })
    .await;
}

#[tokio::test]
async fn the_director_is_appointed_by_the_director_or_the_steering_committee() {
    on_each_db(|t| async move {
        let mut team = team(&t).await;
        let p = team.project;
        let mut mia = member(&t, &team).await;
        let outsider = user_id(&t, "outsider@t.example").await.to_string();
        mia.get(&format!("/projects/{p}/members")).await;
        let r = mia.post(&format!("/projects/{p}/members"), &[("user_id", &outsider), ("role", "director")]).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
        team.consultant.get(&format!("/projects/{p}/members")).await;
        let r = team
            .consultant
            .post(&format!("/projects/{p}/members"), &[("user_id", &outsider), ("role", "steering")])
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
        team.steering.get(&format!("/projects/{p}/members")).await;
        let r = team
            .steering
            .post(&format!("/projects/{p}/members"), &[("user_id", &outsider), ("role", "director")])
            .await;
        r.assert_redirect();
        // The steering committee appoints; it does not manage the rest of the team.
        let r =
            team.steering.post(&format!("/projects/{p}/members"), &[("user_id", &outsider), ("role", "viewer")]).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "demoting a director is a steering decision too");
        let viewer = user_id(&t, "viewer@t.example").await.to_string();
        let r =
            team.steering.post(&format!("/projects/{p}/members"), &[("user_id", &viewer), ("role", "member")]).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
        team.director.get(&format!("/projects/{p}/members")).await;
        let r =
            team.director.post(&format!("/projects/{p}/members"), &[("user_id", &viewer), ("role", "member")]).await;
        r.assert_redirect();
    })
    .await;
}

#[tokio::test]
async fn only_admins_and_marked_project_creators_create_projects() {
    on_each_db(|t| async move {
        let mut team = team(&t).await;
        t.user("admin@t.example", "Ada Admin").await;
        let mut admin = t.client();
        admin.login("admin@t.example").await;
        // A user made on the admin page without the mark: a viewer elsewhere, say.
        admin.get("/admin/users").await;
        let r =
            admin.post("/admin/users", &[("email", "vera@t.example"), ("name", "Vera"), ("password", PASSWORD)]).await;
        r.assert_redirect();
        let vera = user_id(&t, "vera@t.example").await;
        let mut c = t.client();
        c.login("vera@t.example").await;
        assert!(!c.get("/projects").await.body.contains("href=\"/projects/new\""));
        assert_eq!(c.get("/projects/new").await.status, StatusCode::FORBIDDEN);
        let fields = [
            ("name", "Mine"),
            ("client_name", "Me"),
            ("industry", "other"),
            ("start_date", "2026-03-02"),
            ("currency", "CNY"),
            ("modules", "sales"),
        ];
        let before = t.count("SELECT COUNT(*) FROM projects").await;
        assert_eq!(c.post("/projects", &fields).await.status, StatusCode::FORBIDDEN);
        assert_eq!(t.count("SELECT COUNT(*) FROM projects").await, before);
        // The admin marks her; now she may, and directs what she creates.
        admin.post(&format!("/admin/users/{vera}"), &[("project_creator", "1")]).await.assert_redirect();
        c.get("/projects/new").await;
        c.post("/projects", &fields).await.assert_redirect();
        // Admins may without the mark.
        admin.get("/projects/new").await;
        admin.post("/projects", &fields).await.assert_redirect();
        // The policy page is generated from the table, for admins only.
        let page = admin.get("/admin/policy").await;
        assert_eq!(page.status, StatusCode::OK);
        for (action, roles) in ninefold::domain::policy::TABLE {
            assert!(page.body.contains(&format!("data-action=\"{}\"", action.as_str())));
            let row = page.body.split(&format!("data-action=\"{}\"", action.as_str())).nth(1).unwrap();
            let row = &row[..row.find("</tr>").unwrap()];
            assert_eq!(row.matches('✓').count(), roles.len(), "{action:?}");
        }
        assert_eq!(team.director.get("/admin/policy").await.status, StatusCode::FORBIDDEN);
    })
    .await;
}
