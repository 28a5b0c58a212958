//! Test harness: a fresh database per test (an SQLite file in a temp dir, and a new
//! PostgreSQL database when NINEFOLD_TEST_PG is set), the real router, and a small HTTP
//! client with a cookie jar that fills in the CSRF token the way a browser form would.
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use http_body_util::BodyExt;
use ninefold::db::Db;
use ninefold::service::{Actor, users};
use ninefold::{AppState, playbook};
use sea_orm::{ConnectionTrait, Statement};
use std::collections::HashMap;
use std::future::Future;
use std::sync::{Arc, Mutex};
use tower::ServiceExt;

pub struct TestApp {
    pub url: String,
    pub state: AppState,
    pub db: Db,
}

impl TestApp {
    pub fn client(&self) -> Client {
        Client {
            router: ninefold::build_app(self.state.clone()),
            jar: Arc::new(Mutex::new(HashMap::new())),
            csrf: String::new(),
            lang: None,
        }
    }

    /// Another server instance on the same database (its own connection pool).
    pub async fn second_instance(&self) -> axum::Router {
        let db = Db::connect(&self.url).await.unwrap();
        ninefold::build_app(AppState::new(db, playbook::Registry::load(None).unwrap(), false))
    }

    /// A user with the demo password; returns its id.
    pub async fn user(&self, email: &str, name: &str) -> i32 {
        let tx = self.db.write().await.unwrap();
        let u = users::create(
            &*tx,
            None,
            &users::NewUser {
                email: email.into(),
                name: name.into(),
                password: PASSWORD.into(),
                is_admin: email.starts_with("admin"),
                // Test users start projects as users an admin marked as project creators;
                // `policy` tests make users without the mark through the admin page.
                project_creator: true,
            },
        )
        .await
        .unwrap();
        tx.commit().await.unwrap();
        u.id
    }

    pub async fn count(&self, sql: &str) -> i64 {
        let row = self
            .db
            .conn
            .query_one_raw(Statement::from_string(self.db.backend(), sql.to_string()))
            .await
            .unwrap()
            .unwrap();
        // PostgreSQL types ids and LENGTH() as INT4, counts as INT8; SQLite has one integer.
        row.try_get_by_index::<i64>(0).or_else(|_| row.try_get_by_index::<i32>(0).map(i64::from)).unwrap()
    }
}

pub const PASSWORD: &str = "test-password-1";

/// The "today" of tests written around a plan in 2026 (`clock::with_today`), so that what is
/// due, overdue or on track does not change with the calendar.
pub fn fixed_today() -> chrono::NaiveDate {
    chrono::NaiveDate::from_ymd_opt(2026, 6, 15).expect("a real date")
}

/// Run `body` once on SQLite and, when NINEFOLD_TEST_PG is set, once on PostgreSQL.
pub async fn on_each_db<F, Fut>(body: F)
where
    F: Fn(TestApp) -> Fut,
    Fut: Future<Output = ()>,
{
    let dir = tempfile::tempdir().unwrap();
    let url = ninefold::db::sqlite_url(dir.path());
    body(app(&url).await).await;

    if let Ok(base) = std::env::var("NINEFOLD_TEST_PG") {
        let name = format!("nf_test_{}", &ninefold::service::sessions::random_token()[..16]);
        let admin = Db::connect(&base).await.expect("NINEFOLD_TEST_PG is set but PostgreSQL is not reachable");
        admin.conn.execute_unprepared(&format!("CREATE DATABASE {name}")).await.unwrap();
        let url = with_database(&base, &name);
        let t = app(&url).await;
        let db = t.db.clone();
        body(t).await;
        db.conn.close().await.ok();
        admin.conn.execute_unprepared(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")).await.ok();
    }
}

fn with_database(url: &str, name: &str) -> String {
    let (base, query) = url.split_once('?').map_or((url, None), |(b, q)| (b, Some(q)));
    let prefix = match base.rsplit_once('/') {
        Some((p, _)) if p.contains("//") && p.len() > p.find("//").unwrap() + 2 => p.to_string(),
        _ => base.trim_end_matches('/').to_string(),
    };
    match query {
        Some(q) => format!("{prefix}/{name}?{q}"),
        None => format!("{prefix}/{name}"),
    }
}

async fn app(url: &str) -> TestApp {
    let db = Db::connect(url).await.unwrap();
    db.migrate().await.unwrap();
    let pb = playbook::Registry::load(None).unwrap();
    let state = AppState::new(db.clone(), pb, false);
    TestApp { url: url.to_string(), state, db }
}

pub struct Resp {
    pub status: StatusCode,
    pub location: Option<String>,
    pub body: String,
    /// The body as sent (PDFs are not text).
    pub bytes: Vec<u8>,
    pub headers: axum::http::HeaderMap,
}

impl Resp {
    pub fn assert_redirect(&self) -> &str {
        assert_eq!(
            self.status,
            StatusCode::SEE_OTHER,
            "expected a redirect, body: {}",
            &self.body[..self.body.len().min(2000)]
        );
        self.location.as_deref().unwrap()
    }
}

#[derive(Clone)]
pub struct Client {
    router: axum::Router,
    jar: Arc<Mutex<HashMap<String, String>>>,
    pub csrf: String,
    pub lang: Option<String>,
}

impl Client {
    async fn send(&mut self, req: Request<Body>) -> Resp {
        let resp = self.router.clone().oneshot(req).await.unwrap();
        for c in resp.headers().get_all(header::SET_COOKIE) {
            let c = c.to_str().unwrap();
            let (kv, _) = c.split_once(';').unwrap_or((c, ""));
            if let Some((k, v)) = kv.split_once('=') {
                let mut jar = self.jar.lock().unwrap();
                if v.is_empty() {
                    jar.remove(k)
                } else {
                    jar.insert(k.into(), v.into())
                };
            }
        }
        let status = resp.status();
        let location = resp.headers().get(header::LOCATION).map(|v| v.to_str().unwrap().to_string());
        let headers = resp.headers().clone();
        let bytes = resp.into_body().collect().await.unwrap().to_bytes().to_vec();
        let body = String::from_utf8_lossy(&bytes).into_owned();
        if let Some(i) = body.find("name=\"_csrf\" value=\"") {
            let rest = &body[i + 20..];
            self.csrf = rest[..rest.find('"').unwrap()].to_string();
        }
        Resp { status, location, body, bytes, headers }
    }

    fn cookies(&self) -> String {
        self.jar.lock().unwrap().iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join("; ")
    }

    /// The same browser (cookies) talking to another server instance.
    pub fn via(&self, router: axum::Router) -> Client {
        Client { router, ..self.clone() }
    }

    pub fn cookie(&self, name: &str) -> Option<String> {
        self.jar.lock().unwrap().get(name).cloned()
    }

    pub async fn get(&mut self, path: &str) -> Resp {
        self.get_with(path, &[]).await
    }

    /// A GET with headers of its own (e.g. `Accept-Encoding`) beside the cookies.
    pub async fn get_with(&mut self, path: &str, headers: &[(&str, &str)]) -> Resp {
        let mut b = Request::get(path).header(header::COOKIE, self.cookies());
        if let Some(l) = &self.lang {
            b = b.header(header::ACCEPT_LANGUAGE, l.as_str());
        }
        for (k, v) in headers {
            b = b.header(*k, *v);
        }
        self.send(b.body(Body::empty()).unwrap()).await
    }

    /// POST a form with the current CSRF token added.
    pub async fn post(&mut self, path: &str, fields: &[(&str, &str)]) -> Resp {
        let csrf = self.csrf.clone();
        let mut all: Vec<(&str, &str)> = vec![("_csrf", &csrf)];
        all.extend_from_slice(fields);
        self.post_raw(path, &all).await
    }

    /// POST exactly these fields (no CSRF token added).
    pub async fn post_raw(&mut self, path: &str, fields: &[(&str, &str)]) -> Resp {
        let body = serde_urlencoded::to_string(fields).unwrap();
        let mut b = Request::post(path)
            .header(header::COOKIE, self.cookies())
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
        if let Some(l) = &self.lang {
            b = b.header(header::ACCEPT_LANGUAGE, l.as_str());
        }
        self.send(b.body(Body::from(body)).unwrap()).await
    }

    /// POST multipart/form-data: the CSRF token, text fields, and one file.
    pub async fn post_multipart(&mut self, path: &str, fields: &[(&str, &str)], file: Option<(&str, &[u8])>) -> Resp {
        let boundary = "----ninefold-test-boundary";
        let mut body: Vec<u8> = vec![];
        let csrf = self.csrf.clone();
        for (k, v) in std::iter::once(("_csrf", csrf.as_str())).chain(fields.iter().copied()) {
            body.extend_from_slice(
                format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n").as_bytes(),
            );
        }
        if let Some((name, bytes)) = file {
            body.extend_from_slice(format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"; filename=\"data.csv\"\r\nContent-Type: text/csv\r\n\r\n").as_bytes());
            body.extend_from_slice(bytes);
            body.extend_from_slice(b"\r\n");
        }
        body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
        let req = Request::post(path)
            .header(header::COOKIE, self.cookies())
            .header(header::CONTENT_TYPE, format!("multipart/form-data; boundary={boundary}"))
            .body(Body::from(body))
            .unwrap();
        self.send(req).await
    }

    /// POST multipart/form-data with the CSRF token and one file of the given name and type.
    pub async fn post_file(&mut self, path: &str, field: &str, name: &str, ctype: &str, bytes: &[u8]) -> Resp {
        let boundary = "----ninefold-test-boundary-7f3a";
        let mut body: Vec<u8> = vec![];
        body.extend_from_slice(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"_csrf\"\r\n\r\n{}\r\n", self.csrf)
                .as_bytes(),
        );
        body.extend_from_slice(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{field}\"; filename=\"{name}\"\r\nContent-Type: {ctype}\r\n\r\n")
                .as_bytes(),
        );
        body.extend_from_slice(bytes);
        body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
        let mut b = Request::post(path)
            .header(header::COOKIE, self.cookies())
            .header(header::CONTENT_TYPE, format!("multipart/form-data; boundary={boundary}"));
        if let Some(l) = &self.lang {
            b = b.header(header::ACCEPT_LANGUAGE, l.as_str());
        }
        self.send(b.body(Body::from(body)).unwrap()).await
    }

    /// POST JSON with extra headers and no cookies (an API client).
    pub async fn post_json(&mut self, path: &str, headers: &[(&str, &str)], json: &str) -> Resp {
        let mut b = Request::post(path).header(header::CONTENT_TYPE, "application/json");
        for (k, v) in headers {
            b = b.header(*k, *v);
        }
        self.send(b.body(Body::from(json.to_string())).unwrap()).await
    }

    pub async fn login(&mut self, email: &str) {
        self.get("/login").await;
        let r = self.post("/login", &[("email", email), ("password", PASSWORD), ("next", "/projects")]).await;
        assert_eq!(r.assert_redirect(), "/projects");
        let page = self.get("/projects").await;
        assert_eq!(page.status, StatusCode::OK);
    }
}

/// A project created through the form by `director`; returns its id.
pub async fn create_project(c: &mut Client, name: &str) -> i32 {
    c.get("/projects/new").await;
    let r = c
        .post(
            "/projects",
            &[
                ("name", name),
                ("client_name", "华美电器"),
                ("industry", "appliances"),
                ("start_date", "2026-03-02"),
                ("currency", "CNY"),
                ("modules", "sales"),
                ("modules", "service"),
                ("playbook", "nine-phase"),
            ],
        )
        .await;
    let loc = r.assert_redirect().to_string();
    loc.trim_start_matches("/projects/").parse().unwrap()
}

/// Director, steering member, consultant, viewer and an outsider, with a project the first
/// four belong to. Returns (project id, clients by role).
pub struct Team {
    pub project: i32,
    pub director: Client,
    pub steering: Client,
    pub consultant: Client,
    pub viewer: Client,
    pub outsider: Client,
}

pub async fn team(t: &TestApp) -> Team {
    let mut ids = HashMap::new();
    for (email, name) in [
        ("director@t.example", "Dora Director"),
        ("steering@t.example", "张伟 Steering"),
        ("consultant@t.example", "Connie Consultant"),
        ("viewer@t.example", "Vic Viewer"),
        ("outsider@t.example", "Otto Outsider"),
    ] {
        ids.insert(email, t.user(email, name).await);
    }
    let mut director = t.client();
    director.login("director@t.example").await;
    let project = create_project(&mut director, "CRM Wave 1").await;
    let actor = Actor { user_id: ids["director@t.example"] };
    use ninefold::domain::policy::Role;
    for (email, role) in [
        ("steering@t.example", Role::Steering),
        ("consultant@t.example", Role::Consultant),
        ("viewer@t.example", Role::Viewer),
    ] {
        ninefold::service::projects::set_member(&t.db, actor, project, ids[email], role).await.unwrap();
    }
    let mut clients = vec![];
    for email in ["steering@t.example", "consultant@t.example", "viewer@t.example", "outsider@t.example"] {
        let mut c = t.client();
        c.login(email).await;
        clients.push(c);
    }
    let mut it = clients.into_iter();
    Team {
        project,
        director,
        steering: it.next().unwrap(),
        consultant: it.next().unwrap(),
        viewer: it.next().unwrap(),
        outsider: it.next().unwrap(),
    }
}
