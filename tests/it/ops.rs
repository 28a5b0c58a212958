//! Operability: liveness and readiness, Prometheus metrics, request ids, the first
//! administrator (command line and setup page), and a clean exit on SIGTERM.
use crate::harness::{PASSWORD, TestApp, on_each_db};
use axum::body::Body;
use axum::http::{Request, StatusCode};
use http_body_util::BodyExt;
use std::io::{Read, Write};
use std::process::{Command, Stdio};
use tower::ServiceExt;

async fn raw_get(
    app: axum::Router,
    path: &str,
    headers: &[(&str, &str)],
) -> (StatusCode, axum::http::HeaderMap, String) {
    let mut b = Request::get(path);
    for (k, v) in headers {
        b = b.header(*k, *v);
    }
    let resp = app.oneshot(b.body(Body::empty()).unwrap()).await.unwrap();
    let (parts, body) = resp.into_parts();
    let bytes = body.collect().await.unwrap().to_bytes();
    (parts.status, parts.headers, String::from_utf8_lossy(&bytes).into_owned())
}

fn app(t: &TestApp) -> axum::Router {
    ninefold::build_app(t.state.clone())
}

#[tokio::test]
async fn readiness_names_what_is_wrong() {
    on_each_db(|t| async move {
        let (s, _, body) = raw_get(app(&t), "/readyz", &[]).await;
        assert_eq!((s, body.as_str()), (StatusCode::OK, "ready\n"));
        // Liveness does not depend on the database.
        let mut gone = t.state.clone();
        let db = ninefold::db::Db::connect(&t.url).await.unwrap();
        db.conn.clone().close().await.unwrap();
        gone.db = db;
        let router = ninefold::build_app(gone);
        let (s, _, body) = raw_get(router.clone(), "/readyz", &[]).await;
        assert_eq!(s, StatusCode::SERVICE_UNAVAILABLE);
        assert!(body.contains("database unreachable"), "{body}");
        let (s, _, body) = raw_get(router, "/healthz", &[]).await;
        assert_eq!((s, body.as_str()), (StatusCode::OK, "ok"));
    })
    .await;
}

#[tokio::test]
async fn a_read_only_database_is_not_ready() {
    let dir = tempfile::tempdir().unwrap();
    let url = ninefold::db::sqlite_url(dir.path());
    let db = ninefold::db::Db::connect(&url).await.unwrap();
    db.migrate().await.unwrap();
    db.conn.clone().close().await.unwrap();
    let ro = ninefold::db::Db::connect(&url.replace("mode=rwc", "mode=ro")).await.unwrap();
    let state = ninefold::AppState::new(ro, ninefold::playbook::Registry::load(None).unwrap(), false);
    let (s, _, body) = raw_get(ninefold::build_app(state), "/readyz", &[]).await;
    assert_eq!(s, StatusCode::SERVICE_UNAVAILABLE);
    assert!(body.contains("not writable"), "{body}");
}

#[tokio::test]
async fn metrics_parse_and_count_by_route_template() {
    on_each_db(|t| async move {
        t.user("ops@t.example", "Ops").await;
        let mut c = t.client();
        c.login("ops@t.example").await;
        c.get("/projects/987654").await; // a 404 under a route template, not its raw path
        let p = crate::harness::create_project(&mut c, "Metrics").await;
        let pdf = c.get(&format!("/projects/{p}/documents/preview/charter")).await;
        assert_eq!(pdf.status, StatusCode::OK);
        let (s, headers, body) = raw_get(app(&t), "/metrics", &[]).await;
        assert_eq!(s, StatusCode::OK);
        assert!(headers["content-type"].to_str().unwrap().starts_with("text/plain; version=0.0.4"));
        let lines = body.lines().map(|l| Ok(l.to_string()));
        let scrape = prometheus_parse::Scrape::parse(lines).expect("Prometheus text format");
        let has = |name: &str, route: &str, status: &str| {
            scrape.samples.iter().any(|s| {
                s.metric == name && s.labels.get("route") == Some(route) && s.labels.get("status") == Some(status)
            })
        };
        assert!(has("ninefold_http_requests_total", "/projects/:id", "404"), "{body}");
        assert!(has("ninefold_http_requests_total", "/login", "303"), "{body}");
        assert!(!body.contains("987654"), "raw paths never become labels");
        assert!(scrape.samples.iter().any(|s| s.metric == "ninefold_db_pool_connections"));
        assert!(
            scrape
                .samples
                .iter()
                .any(|s| s.metric == "ninefold_pdf_render_seconds_count" && s.labels.get("kind") == Some("charter")),
            "PDF renders are timed: {body}"
        );
        // With a token configured, scrapers must present it.
        let mut guarded = t.state.clone();
        guarded.metrics_token = Some("s3cret-token".into());
        let router = ninefold::build_app(guarded);
        assert_eq!(raw_get(router.clone(), "/metrics", &[]).await.0, StatusCode::UNAUTHORIZED);
        let ok = raw_get(router, "/metrics", &[("authorization", "Bearer s3cret-token")]).await;
        assert_eq!(ok.0, StatusCode::OK);
    })
    .await;
}

#[tokio::test]
async fn request_ids_are_honoured_or_generated() {
    on_each_db(|t| async move {
        let (_, h, _) = raw_get(app(&t), "/healthz", &[("x-request-id", "lb-abc-123")]).await;
        assert_eq!(h["x-request-id"], "lb-abc-123");
        let (_, h, _) = raw_get(app(&t), "/healthz", &[]).await;
        assert_eq!(h["x-request-id"].to_str().unwrap().len(), 16);
        let (_, h, _) = raw_get(app(&t), "/healthz", &[("x-request-id", "bad id with spaces")]).await;
        assert_ne!(h["x-request-id"], "bad id with spaces");
    })
    .await;
}

#[tokio::test]
async fn the_setup_page_makes_the_first_administrator_and_then_is_gone() {
    on_each_db(|t| async move {
        let mut c = t.client();
        let r = c.get("/login").await;
        assert_eq!(r.assert_redirect(), "/setup", "a fresh install sends login to setup");
        let page = c.get("/setup").await;
        assert_eq!(page.status, StatusCode::OK);
        let bad = c.post("/setup", &[("name", "Ada"), ("email", "not-an-email"), ("password", "short")]).await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(t.count("SELECT COUNT(*) FROM users").await, 0, "nothing written");
        let r = c.post("/setup", &[("name", "Ada Admin"), ("email", "ada@t.example"), ("password", PASSWORD)]).await;
        assert_eq!(r.assert_redirect(), "/admin/users");
        assert_eq!(c.get("/admin/users").await.status, StatusCode::OK, "logged in as an administrator");
        assert_eq!(t.count("SELECT COUNT(*) FROM users WHERE is_admin").await, 1);
        let mut other = t.client();
        assert_eq!(other.get("/setup").await.status, StatusCode::NOT_FOUND);
        other.get("/login").await;
        let again = other.post("/setup", &[("name", "Eve"), ("email", "eve@t.example"), ("password", PASSWORD)]).await;
        assert_eq!(again.status, StatusCode::NOT_FOUND);
        assert_eq!(t.count("SELECT COUNT(*) FROM users").await, 1);
    })
    .await;
}

#[tokio::test]
async fn the_command_line_creates_the_first_administrator() {
    on_each_db(|t| async move {
        let run = |email: &str, password: &str| {
            let mut child = Command::new(env!("CARGO_BIN_EXE_ninefold"))
                .args(["--database-url", &t.url, "user", "create", "--admin", email])
                .stdin(Stdio::piped())
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap();
            child.stdin.take().unwrap().write_all(format!("{password}\n").as_bytes()).unwrap();
            let out = child.wait_with_output().unwrap();
            (
                out.status.success(),
                format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr)),
            )
        };
        let (ok, out) = run("root@t.example", "short");
        assert!(!ok && out.contains("password"), "{out}");
        let (ok, out) = run("root@t.example", PASSWORD);
        assert!(ok && out.contains("administrator"), "{out}");
        let mut c = t.client();
        c.login("root@t.example").await;
        assert_eq!(c.get("/admin/users").await.status, StatusCode::OK);
        assert_eq!(c.get("/setup").await.status, StatusCode::NOT_FOUND, "setup is gone once a user exists");
        // The password never appears on the command line.
        let (ok, out) = run("root@t.example", PASSWORD);
        assert!(!ok && out.contains("email"), "the same address twice is refused: {out}");
    })
    .await;
}

/// SIGTERM while a request is still arriving: the request is answered, then the process
/// exits 0.
#[test]
fn sigterm_finishes_the_request_in_flight_and_exits_cleanly() {
    let dir = tempfile::tempdir().unwrap();
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let mut child = Command::new(env!("CARGO_BIN_EXE_ninefold"))
        .args(["--data-dir", dir.path().to_str().unwrap(), "serve", "--bind", &format!("127.0.0.1:{port}")])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut conn = None;
    for _ in 0..600 {
        if let Ok(s) = std::net::TcpStream::connect(("127.0.0.1", port)) {
            conn = Some(s);
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    let mut conn = conn.expect("the server came up");
    let body = "email=a%40b.example&password=wrong-password-here";
    // Headers and half the body now; the rest after SIGTERM.
    write!(
        conn,
        "POST /setup HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{}",
        body.len(),
        &body[..10]
    )
    .unwrap();
    conn.flush().unwrap();
    std::thread::sleep(std::time::Duration::from_millis(300));
    // SAFETY: kill(2) with our own child's pid and a valid signal number.
    let killed = unsafe { libc::kill(child.id() as libc::pid_t, libc::SIGTERM) };
    assert_eq!(killed, 0);
    std::thread::sleep(std::time::Duration::from_millis(300));
    conn.write_all(&body.as_bytes()[10..]).unwrap();
    let mut answer = String::new();
    conn.read_to_string(&mut answer).unwrap();
    assert!(answer.starts_with("HTTP/1.1 "), "the request in flight was answered: {answer:?}");
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(0), "exit status after SIGTERM");
    // New connections are refused once it has stopped.
    assert!(std::net::TcpStream::connect(("127.0.0.1", port)).is_err());
}

/// `ninefold pdf` to a path that cannot be written fails before storing a version, and its
/// help names every document kind.
#[tokio::test]
async fn the_pdf_command_stores_nothing_when_it_cannot_write() {
    on_each_db(|t| async move {
        let project = crate::consistency::demo(&t).await;
        let out = Command::new(env!("CARGO_BIN_EXE_ninefold"))
            .args(["--database-url", &t.url, "pdf", "--project", &project.to_string(), "--doc", "charter"])
            .args(["-o", "/nonexistent-dir/charter.pdf"])
            .output()
            .unwrap();
        assert!(!out.status.success());
        assert!(String::from_utf8_lossy(&out.stderr).contains("cannot write /nonexistent-dir/charter.pdf"));
        assert_eq!(t.count("SELECT COUNT(*) FROM documents").await, 0, "no version stored");
        let help = Command::new(env!("CARGO_BIN_EXE_ninefold")).args(["pdf", "--help"]).output().unwrap();
        let help = String::from_utf8_lossy(&help.stdout);
        for kind in ninefold::report::Kind::ALL {
            assert!(help.contains(kind.key()), "`pdf --help` lacks {}", kind.key());
        }
    })
    .await;
}

/// Several first-administrator forms posted at once (two browsers on a fresh install):
/// exactly one account is made, whatever the database; the others find setup already done.
#[tokio::test]
async fn simultaneous_setups_make_exactly_one_administrator() {
    on_each_db(|t| async move {
        let mut c: Vec<_> = (0..4).map(|_| t.client()).collect();
        for c in c.iter_mut() {
            assert_eq!(c.get("/setup").await.status, StatusCode::OK);
        }
        let emails: Vec<String> = (0..4).map(|i| format!("admin{i}@t.example")).collect();
        let v: Vec<[(&str, &str); 3]> =
            emails.iter().map(|e| [("name", "Admin"), ("email", e.as_str()), ("password", PASSWORD)]).collect();
        let (v0, v1, v2, v3) = (&v[0], &v[1], &v[2], &v[3]);
        let [c0, c1, c2, c3] = &mut c[..] else { unreachable!() };
        let (r0, r1, r2, r3) =
            tokio::join!(c0.post("/setup", v0), c1.post("/setup", v1), c2.post("/setup", v2), c3.post("/setup", v3));
        let statuses = [r0.status, r1.status, r2.status, r3.status];
        let made = statuses.iter().filter(|s| s.is_redirection()).count();
        assert_eq!(made, 1, "one setup wins: {statuses:?}");
        assert!(statuses.iter().all(|s| s.is_redirection() || *s == StatusCode::NOT_FOUND), "{statuses:?}");
        assert_eq!(t.count("SELECT COUNT(*) FROM users").await, 1);
    })
    .await;
}
