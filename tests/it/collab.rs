//! Working together (issue 16): the outbox, e-mail through a real SMTP server, invitations,
//! password reset, notifications and digests, the inbox, comments and attachments.
use crate::harness::*;
use axum::http::StatusCode;
use chrono::{Duration, TimeZone, Utc};
use futures_util::future::BoxFuture;
use ninefold::service::outbox::{self, Dispatch, Options};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

/// A channel that records what it delivered and can be switched off (a receiver down).
struct Recorder {
    up: AtomicBool,
    got: Mutex<Vec<String>>,
}

impl Recorder {
    fn new(up: bool) -> Arc<Recorder> {
        Arc::new(Recorder { up: AtomicBool::new(up), got: Mutex::new(vec![]) })
    }
    fn got(&self) -> Vec<String> {
        self.got.lock().unwrap().clone()
    }
}

impl Dispatch for Recorder {
    fn channel(&self) -> &'static str {
        "test"
    }
    fn send<'a>(&'a self, payload: &'a str) -> BoxFuture<'a, Result<(), String>> {
        Box::pin(async move {
            if !self.up.load(Ordering::SeqCst) {
                return Err("connection refused".into());
            }
            self.got.lock().unwrap().push(payload.to_string());
            Ok(())
        })
    }
}

fn opts(worker: &str) -> Options {
    Options { worker: worker.into(), max_attempts: 4, backoff: Duration::seconds(30), ..Options::default() }
}

#[tokio::test]
async fn the_outbox_sends_what_was_committed_once_retries_with_backoff_and_gives_up() {
    on_each_db(|t| async move {
        let t0 = Utc.with_ymd_and_hms(2026, 6, 15, 8, 0, 0).unwrap();
        // A change that rolls back leaves nothing to send.
        let tx = t.db.write().await.unwrap();
        outbox::enqueue_at(&*tx, "test", "k-rolled-back", &serde_json::json!({"n": 0}), t0).await.unwrap();
        drop(tx);
        // Committed: stored once even when enqueued twice under one key.
        let tx = t.db.write().await.unwrap();
        outbox::enqueue_at(&*tx, "test", "k1", &serde_json::json!({"n": 1}), t0).await.unwrap();
        outbox::enqueue_at(&*tx, "test", "k1", &serde_json::json!({"n": 1}), t0).await.unwrap();
        outbox::enqueue_at(&*tx, "test", "k2", &serde_json::json!({"n": 2}), t0).await.unwrap();
        outbox::enqueue_at(&*tx, "other", "k3", &serde_json::json!({"n": 3}), t0).await.unwrap();
        tx.commit().await.unwrap();
        assert_eq!(t.count("SELECT COUNT(*) FROM outbox").await, 3);

        // The receiver is down: both fail, tried again after 30 s, then 60 s.
        let rec = Recorder::new(false);
        let d: Vec<Arc<dyn Dispatch>> = vec![rec.clone()];
        let o = opts("w1");
        let r = outbox::tick(&t.db, &d, &o, t0).await.unwrap();
        assert_eq!((r.claimed, r.sent, r.failed), (2, 0, 2));
        assert_eq!(t.count("SELECT COUNT(*) FROM outbox WHERE attempts = 1 AND last_error = 'connection refused' AND claimed_by IS NULL").await, 2);
        // Not due yet 29 s later.
        assert_eq!(outbox::tick(&t.db, &d, &o, t0 + Duration::seconds(29)).await.unwrap().claimed, 0);
        let r = outbox::tick(&t.db, &d, &o, t0 + Duration::seconds(30)).await.unwrap();
        assert_eq!((r.claimed, r.failed), (2, 2));
        assert_eq!(outbox::tick(&t.db, &d, &o, t0 + Duration::seconds(89)).await.unwrap().claimed, 0);
        // Back up: each delivered once, and never again.
        rec.up.store(true, Ordering::SeqCst);
        let r = outbox::tick(&t.db, &d, &o, t0 + Duration::seconds(90)).await.unwrap();
        assert_eq!((r.claimed, r.sent), (2, 2));
        assert_eq!(outbox::tick(&t.db, &d, &o, t0 + Duration::hours(5)).await.unwrap().claimed, 0);
        assert_eq!(rec.got(), vec![r#"{"n":1}"#.to_string(), r#"{"n":2}"#.to_string()]);
        assert_eq!(t.count("SELECT COUNT(*) FROM outbox WHERE sent_at IS NOT NULL AND attempts = 3").await, 2);
        // The channel without a dispatcher waits, untouched.
        assert_eq!(t.count("SELECT COUNT(*) FROM outbox WHERE channel = 'other' AND sent_at IS NULL AND attempts = 0").await, 1);

        // A receiver that never comes back: given up after the fourth attempt.
        let tx = t.db.write().await.unwrap();
        outbox::enqueue_at(&*tx, "test", "k4", &"doomed", t0).await.unwrap();
        tx.commit().await.unwrap();
        rec.up.store(false, Ordering::SeqCst);
        let mut at = t0 + Duration::hours(6);
        for _ in 0..4 {
            assert_eq!(outbox::tick(&t.db, &d, &o, at).await.unwrap().claimed, 1);
            at += Duration::hours(2);
        }
        assert_eq!(t.count("SELECT COUNT(*) FROM outbox WHERE dedup_key = 'k4' AND failed_at IS NOT NULL AND attempts = 4").await, 1);
        assert_eq!(outbox::tick(&t.db, &d, &o, at + Duration::days(1)).await.unwrap().claimed, 0);
    })
    .await;
}

#[tokio::test]
async fn two_instances_deliver_each_message_once() {
    on_each_db(|t| async move {
        let t0 = Utc.with_ymd_and_hms(2026, 6, 15, 8, 0, 0).unwrap();
        let tx = t.db.write().await.unwrap();
        for i in 0..60 {
            outbox::enqueue_at(&*tx, "test", &format!("m{i}"), &i, t0).await.unwrap();
        }
        tx.commit().await.unwrap();
        // A second instance: its own pool on the same database, rounds running at once.
        let db2 = ninefold::db::Db::connect(&t.url).await.unwrap();
        let (a, b) = (Recorder::new(true), Recorder::new(true));
        let da: Vec<Arc<dyn Dispatch>> = vec![a.clone()];
        let db_: Vec<Arc<dyn Dispatch>> = vec![b.clone()];
        let (oa, ob) = (Options { batch: 7, ..opts("a") }, Options { batch: 7, ..opts("b") });
        let run = |db: ninefold::db::Db, d: Vec<Arc<dyn Dispatch>>, o: Options| async move {
            let mut n = 0;
            loop {
                let r = outbox::tick(&db, &d, &o, t0).await.unwrap();
                if r.claimed == 0 {
                    break n;
                }
                n += r.sent;
                tokio::task::yield_now().await;
            }
        };
        let (na, nb) = tokio::join!(run(t.db.clone(), da, oa), run(db2, db_, ob));
        assert_eq!(na + nb, 60);
        let mut all = a.got();
        all.extend(b.got());
        all.sort_by_key(|s| s.parse::<i32>().unwrap());
        let expected: Vec<String> = (0..60).map(|i| i.to_string()).collect();
        assert_eq!(all, expected, "every message delivered exactly once");
        assert_eq!(t.count("SELECT COUNT(*) FROM outbox WHERE sent_at IS NOT NULL AND attempts = 1").await, 60);
    })
    .await;
}

// ------------------------------------------------------------------ a real SMTP server

/// Debian's aiosmtpd on a free loopback port, storing each message as .eml and parsed .json.
struct Sink {
    port: u16,
    dir: tempfile::TempDir,
    child: Option<std::process::Child>,
    /// `starttls` or `smtps` with the server's certificate and key files.
    tls: Option<(&'static str, std::path::PathBuf, std::path::PathBuf)>,
}

impl Sink {
    /// A port reserved for the server, which is not started yet (the mail server is down).
    fn down() -> Sink {
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        Sink { port, dir: tempfile::tempdir().unwrap(), child: None, tls: None }
    }

    async fn up() -> Sink {
        let mut s = Sink::down();
        s.start().await;
        s
    }

    async fn start(&mut self) {
        use std::io::BufRead;
        let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/it/collab_support/smtp_sink.py");
        let mut cmd = std::process::Command::new("/usr/bin/python3");
        cmd.arg(script).arg(self.port.to_string()).arg(self.dir.path());
        if let Some((mode, cert, key)) = &self.tls {
            cmd.arg(mode).arg(cert).arg(key);
        }
        let mut child = cmd
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .spawn()
            .expect("python3 with aiosmtpd (apt-get install python3-aiosmtpd)");
        let out = child.stdout.take().unwrap();
        let line = tokio::task::spawn_blocking(move || {
            let mut l = String::new();
            std::io::BufReader::new(out).read_line(&mut l).unwrap();
            l
        })
        .await
        .unwrap();
        assert_eq!(line.trim(), "ready", "the SMTP test server did not start");
        self.child = Some(child);
    }

    fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }

    fn mailer(&self) -> Vec<Arc<dyn Dispatch>> {
        let m = ninefold::service::mail::Mailer::new(Some(&self.url()), "Ninefold <noreply@t.example>", None, None)
            .unwrap();
        vec![Arc::new(m)]
    }

    /// The messages received, oldest first: {to: [..], subject, text, html}.
    fn mails(&self) -> Vec<serde_json::Value> {
        let mut names: Vec<_> = std::fs::read_dir(self.dir.path())
            .unwrap()
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "json"))
            .collect();
        names.sort();
        names.iter().map(|p| serde_json::from_str(&std::fs::read_to_string(p).unwrap()).unwrap()).collect()
    }

    fn to(&self, addr: &str) -> Vec<serde_json::Value> {
        self.mails().into_iter().filter(|m| m["to"][0] == addr).collect()
    }
}

impl Drop for Sink {
    fn drop(&mut self) {
        if let Some(c) = &mut self.child {
            let _ = c.kill();
            let _ = c.wait();
        }
    }
}

/// One round of the outbox worker now (a second ahead, so what was just written is due).
async fn deliver(t: &TestApp, d: &[Arc<dyn Dispatch>]) -> outbox::Round {
    outbox::tick(&t.db, d, &opts("it"), Utc::now() + Duration::seconds(1)).await.unwrap()
}

/// The app path of the first link in `text` that starts with `prefix` (after the base URL).
fn link(text: &str, prefix: &str) -> String {
    let base = "http://127.0.0.1:8080";
    let at = text.find(&format!("{base}{prefix}")).unwrap_or_else(|| panic!("no {prefix} link in {text}"));
    let rest = &text[at + base.len()..];
    rest.split(|c: char| c.is_whitespace() || c == '"' || c == '<').next().unwrap().to_string()
}

/// A string field of a received mail; HTML entities for `/` (minijinja escapes it) decoded.
fn s(v: &serde_json::Value) -> String {
    v.as_str().unwrap_or_default().replace("&#x2f;", "/")
}

#[tokio::test]
async fn invitation_by_email_sets_a_password_and_lands_in_the_project_and_reset_works_the_same_way() {
    on_each_db(|t| async move {
        let mut team = team(&t).await;
        let p = team.project;
        let sink = Sink::up().await;
        let mailer = sink.mailer();
        let url = format!("/projects/{p}/invitations");

        // Only the director invites; bad input is refused by field in both languages.
        team.viewer.get("/projects").await;
        assert_eq!(team.viewer.post(&url, &[("email", "x@t.example"), ("role", "member")]).await.status, StatusCode::FORBIDDEN);
        assert_eq!(team.consultant.post(&url, &[("email", "x@t.example"), ("role", "member")]).await.status, StatusCode::FORBIDDEN);
        assert_eq!(team.director.get(&url).await.status, StatusCode::OK);
        let r = team.director.post(&url, &[("email", "not-an-address"), ("role", "boss"), ("lang", "en")]).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.body.contains("Enter a valid e-mail address.") && r.body.contains("Choose a role from the list."));
        team.director.lang = Some("zh-CN".into());
        let r = team.director.post(&url, &[("email", "not-an-address"), ("role", "boss"), ("lang", "en")]).await;
        assert!(r.body.contains("请输入有效的电子邮箱地址。") && r.body.contains("请从列表中选择角色。"), "{}", r.body);
        team.director.lang = None;
        assert_eq!(t.count("SELECT COUNT(*) FROM outbox").await, 0);

        // A person of the organisation to link the new account to.
        let director_id = t.count("SELECT id FROM users WHERE email = 'director@t.example'").await as i32;
        let person = ninefold::service::organisation::create_person(
            &t.db,
            ninefold::service::Actor { user_id: director_id },
            p,
            &ninefold::domain::people::PersonInput {
                name: "王芳".into(),
                title: "销售经理".into(),
                department: "sales",
                side: "client",
                email: "wang.fang@client.example".into(),
                phone: String::new(),
            },
        )
        .await
        .unwrap();
        let pid = person.id.to_string();
        let r = team
            .director
            .post(&url, &[("email", "Wang.Fang@Client.example"), ("name", "王芳"), ("role", "member"), ("person_id", &pid), ("lang", "zh")])
            .await;
        assert_eq!(r.assert_redirect(), format!("/projects/{p}/invitations?sent=invited"));
        assert!(team.director.get(&format!("{url}?sent=invited")).await.body.contains("wang.fang@client.example"));
        assert_eq!(t.count("SELECT COUNT(*) FROM audit_log WHERE entity = 'invitation' AND action = 'create'").await, 1);
        assert_eq!(t.count("SELECT COUNT(*) FROM invitations WHERE LENGTH(token_hash) = 64 AND used_at IS NULL").await, 1);

        // Sent through SMTP once, in Chinese, plain text and HTML, the link from the base URL.
        assert_eq!(deliver(&t, &mailer).await.sent, 1);
        assert_eq!(deliver(&t, &mailer).await.claimed, 0);
        let mails = sink.to("wang.fang@client.example");
        assert_eq!(mails.len(), 1);
        let m = &mails[0];
        assert_eq!(s(&m["subject"]), "邀请您参加项目“CRM Wave 1”");
        assert!(s(&m["text"]).starts_with("王芳，您好：") && s(&m["text"]).contains("华美电器"), "{}", m["text"]);
        assert!(s(&m["html"]).contains("<a href=\"http://127.0.0.1:8080/invite/"));
        let path = link(&s(&m["text"]), "/invite/");
        // The token itself is not stored.
        let token = path.trim_start_matches("/invite/");
        assert_eq!(t.count(&format!("SELECT COUNT(*) FROM invitations WHERE token_hash = '{token}'")).await, 0);

        // Accept: a short password is refused by field; then logged in and in the project.
        let mut guest = t.client();
        let page = guest.get(&path).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(page.body.contains("CRM Wave 1") && page.body.contains("wang.fang@client.example"));
        // The page speaks the invitation's language (the guest's browser chose none).
        assert!(page.body.contains("lang=\"zh-CN\""));
        let r = guest.post(&path, &[("name", "王芳"), ("password", "short")]).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.body.contains(&ninefold::i18n::t(ninefold::i18n::Lang::Zh, "err.password_short")));
        let r = guest.post(&path, &[("name", "王芳"), ("password", "wang-fang-password")]).await;
        assert_eq!(r.assert_redirect(), format!("/projects/{p}"));
        let home = guest.get(&format!("/projects/{p}")).await;
        assert_eq!(home.status, StatusCode::OK);
        // The account speaks the invitation's language, is a member, and is linked to the person.
        assert!(home.body.contains("lang=\"zh-CN\""));
        let uid = t.count("SELECT id FROM users WHERE email = 'wang.fang@client.example'").await;
        assert_eq!(t.count(&format!("SELECT COUNT(*) FROM project_members WHERE project_id = {p} AND user_id = {uid} AND role = 'member'")).await, 1);
        assert_eq!(t.count(&format!("SELECT COUNT(*) FROM people WHERE id = {pid} AND user_id = {uid}")).await, 1);
        assert_eq!(t.count(&format!("SELECT COUNT(*) FROM audit_log WHERE entity = 'user' AND entity_id = {uid} AND action = 'accept_invitation'")).await, 1);
        // Single use.
        let mut again = t.client();
        assert_eq!(again.get(&path).await.status, StatusCode::NOT_FOUND);
        assert_eq!(again.post(&path, &[("name", "x"), ("password", "another-password")]).await.status, StatusCode::NOT_FOUND);

        // Someone with an account joins at once and is told.
        let r = team.director.post(&url, &[("email", "outsider@t.example"), ("role", "viewer"), ("lang", "en")]).await;
        assert_eq!(r.assert_redirect(), format!("/projects/{p}/invitations?sent=joined"));
        assert_eq!(team.outsider.get(&format!("/projects/{p}")).await.status, StatusCode::OK);
        let r = team.director.post(&url, &[("email", "outsider@t.example"), ("role", "viewer"), ("lang", "en")]).await;
        assert!(r.body.contains("This address already belongs to a member of the project."));
        assert_eq!(deliver(&t, &mailer).await.sent, 1);
        assert_eq!(s(&sink.to("outsider@t.example")[0]["subject"]), "You were added to the project CRM Wave 1");

        // Password reset: the same answer for unknown addresses, a mail only for accounts.
        let mut anon = t.client();
        anon.get("/password/forgot").await;
        let r = anon.post("/password/forgot", &[("email", "nobody@t.example")]).await;
        assert!(r.status == StatusCode::OK && r.body.contains("If nobody@t.example has an account"));
        let r = anon.post("/password/forgot", &[("email", "Consultant@t.example")]).await;
        assert!(r.status == StatusCode::OK && r.body.contains("If Consultant@t.example has an account"));
        assert_eq!(deliver(&t, &mailer).await.sent, 1);
        assert!(sink.to("nobody@t.example").is_empty());
        let m = &sink.to("consultant@t.example")[0];
        assert_eq!(s(&m["subject"]), "Set a new password for Ninefold");
        let path = link(&s(&m["text"]), "/password/reset/");
        assert_eq!(anon.get(&path).await.status, StatusCode::OK);
        let r = anon.post(&path, &[("password", "short")]).await;
        assert!(r.status == StatusCode::UNPROCESSABLE_ENTITY && r.body.contains("Use at least 10 characters."));
        assert_eq!(anon.post(&path, &[("password", "brand-new-password-1")]).await.assert_redirect(), "/projects");
        assert_eq!(anon.get("/projects").await.status, StatusCode::OK);
        assert_eq!(t.client().get(&path).await.status, StatusCode::NOT_FOUND);
        // The old password no longer works; other sessions ended; audited.
        let mut c = t.client();
        c.get("/login").await;
        let r = c.post("/login", &[("email", "consultant@t.example"), ("password", PASSWORD), ("next", "/projects")]).await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED);
        let r = c.post("/login", &[("email", "consultant@t.example"), ("password", "brand-new-password-1"), ("next", "/projects")]).await;
        assert_eq!(r.assert_redirect(), "/projects");
        assert_eq!(team.consultant.get("/projects").await.status, StatusCode::SEE_OTHER);
        assert_eq!(t.count("SELECT COUNT(*) FROM audit_log WHERE entity = 'user' AND action = 'password_reset'").await, 1);
    })
    .await;
}

#[tokio::test]
async fn mail_waits_while_the_smtp_server_is_down_is_sent_once_after_and_a_rollback_sends_nothing() {
    on_each_db(|t| async move {
        let mut team = team(&t).await;
        let p = team.project;
        let mut sink = Sink::down();
        let mailer = sink.mailer();
        team.director.get(&format!("/projects/{p}/invitations")).await;
        team.director
            .post(
                &format!("/projects/{p}/invitations"),
                &[("email", "key.user@client.example"), ("role", "member"), ("lang", "en")],
            )
            .await
            .assert_redirect();
        let t0 = Utc::now() + Duration::seconds(1);
        // Down: the attempt fails and is kept with its error.
        let r = outbox::tick(&t.db, &mailer, &opts("it"), t0).await.unwrap();
        assert_eq!((r.claimed, r.sent, r.failed), (1, 0, 1));
        assert_eq!(
            t.count("SELECT COUNT(*) FROM outbox WHERE attempts = 1 AND sent_at IS NULL AND last_error LIKE 'SMTP%'")
                .await,
            1
        );
        // Administrators see it waiting.
        let mut admin = t.client();
        t.user("admin@t.example", "Ada Admin").await;
        admin.login("admin@t.example").await;
        let page = admin.get("/admin/outbox").await;
        assert!(page.body.contains("key.user@client.example") && page.body.contains("Waiting"));
        assert_eq!(team.director.get("/admin/outbox").await.status, StatusCode::FORBIDDEN);
        // Up again: sent after the backoff, once.
        sink.start().await;
        assert_eq!(outbox::tick(&t.db, &mailer, &opts("it"), t0 + Duration::seconds(10)).await.unwrap().claimed, 0);
        assert_eq!(outbox::tick(&t.db, &mailer, &opts("it"), t0 + Duration::seconds(31)).await.unwrap().sent, 1);
        assert_eq!(outbox::tick(&t.db, &mailer, &opts("it"), t0 + Duration::hours(3)).await.unwrap().claimed, 0);
        assert_eq!(sink.to("key.user@client.example").len(), 1);

        // A change that rolls back after writing its mail sends nothing.
        let before = t.count("SELECT COUNT(*) FROM outbox").await;
        let r: ninefold::service::Result<()> = ninefold::service::write::transaction(&t.db, async |tx| {
            let letter = ninefold::service::mail::Letter::new(ninefold::i18n::Lang::En, "X", "never".into());
            ninefold::service::mail::enqueue(tx, "rolled-back", &letter.to_mail("x@t.example", "X")).await?;
            Err(ninefold::service::Error::Conflict)
        })
        .await;
        assert!(r.is_err());
        assert_eq!(t.count("SELECT COUNT(*) FROM outbox").await, before);

        // Two instances sending through the real server: each message once.
        let tx = t.db.write().await.unwrap();
        for i in 0..12 {
            let letter = ninefold::service::mail::Letter::new(ninefold::i18n::Lang::En, "Many", format!("Message {i}"));
            ninefold::service::mail::enqueue(&*tx, &format!("many:{i}"), &letter.to_mail("many@t.example", "Many"))
                .await
                .unwrap();
        }
        tx.commit().await.unwrap();
        let db2 = ninefold::db::Db::connect(&t.url).await.unwrap();
        let (m1, m2) = (sink.mailer(), sink.mailer());
        let at = Utc::now() + Duration::seconds(1);
        let run = |db: ninefold::db::Db, d: Vec<Arc<dyn Dispatch>>, w: &'static str| async move {
            let o = Options { batch: 3, ..opts(w) };
            while outbox::tick(&db, &d, &o, at).await.unwrap().claimed > 0 {}
        };
        tokio::join!(run(t.db.clone(), m1, "one"), run(db2, m2, "two"));
        let mut subjects: Vec<String> = sink.to("many@t.example").iter().map(|m| s(&m["subject"])).collect();
        subjects.sort();
        let mut want: Vec<String> = (0..12).map(|i| format!("Message {i}")).collect();
        want.sort();
        assert_eq!(subjects, want);
    })
    .await;
}

async fn first_deliverable(t: &TestApp, p: i32) -> (i32, String, String) {
    let id = t.count(&format!("SELECT MIN(id) FROM deliverables WHERE project_id = {p}")).await as i32;
    let d = ninefold::service::work::deliverable(&t.db.conn, p, id).await.unwrap();
    (id, d.name_en, d.name_zh)
}

async fn version_of(t: &TestApp, table: &str, id: i32) -> String {
    t.count(&format!("SELECT version FROM {table} WHERE id = {id}")).await.to_string()
}

#[tokio::test]
async fn workflow_notifications_reach_the_right_people_once_in_their_language_with_the_inbox_and_comments() {
    on_each_db(|t| async move {
        let mut team = team(&t).await;
        let p = team.project;
        let sink = Sink::up().await;
        let mailer = sink.mailer();
        // The steering member reads Chinese.
        team.steering.post("/locale", &[("lang", "zh"), ("next", "/projects")]).await;
        let (d, name_en, name_zh) = first_deliverable(&t, p).await;
        let durl = format!("/projects/{p}/deliverables/{d}");

        // Submitted: the reviewers (steering) are told, in Chinese, at once.
        team.consultant.get(&durl).await;
        let v = version_of(&t, "deliverables", d).await;
        team.consultant.post(&format!("{durl}/transition"), &[("action", "submit"), ("version", &v)]).await.assert_redirect();
        assert_eq!(t.count("SELECT COUNT(*) FROM notifications WHERE kind = 'submitted'").await, 1);
        assert_eq!(deliver(&t, &mailer).await.sent, 1);
        let m = &sink.to("steering@t.example")[0];
        assert_eq!(s(&m["subject"]), format!("“CRM Wave 1”中的“{name_zh}”已提交，等待您审核"));
        assert!(s(&m["html"]).contains(&format!("http://127.0.0.1:8080{durl}")), "{}", m["html"]);
        // The inbox: count in the header, the review waiting, the notification.
        let home = team.steering.get("/projects").await;
        assert!(home.body.contains("id=\"unread-count\">1<"), "unread count in the header");
        let inbox = team.steering.get("/inbox").await;
        assert!(inbox.body.contains("审核交付成果") && inbox.body.contains(&name_zh));
        // The director gives no reviews: nothing waits for them.
        assert!(team.director.get("/inbox").await.body.contains("Nothing waits for you."));

        // Returned with a comment: the submitter is told in English; the comment stays visible.
        team.steering.get(&durl).await;
        let v = version_of(&t, "deliverables", d).await;
        let why = "Add the org chart <b>now</b>";
        team.steering.post(&format!("{durl}/transition"), &[("action", "return"), ("version", &v), ("comment", why)]).await.assert_redirect();
        assert_eq!(deliver(&t, &mailer).await.sent, 1);
        let m = &sink.to("consultant@t.example")[0];
        assert_eq!(s(&m["subject"]), format!("{name_en} in CRM Wave 1 was returned: {why}"));
        assert!(s(&m["html"]).contains("Add the org chart &lt;b&gt;now&lt;/b&gt;") && !s(&m["html"]).contains("<b>now"));
        // Resubmitted: the reviewer's comment is still on the page, escaped.
        team.consultant.get(&durl).await;
        let v = version_of(&t, "deliverables", d).await;
        team.consultant.post(&format!("{durl}/transition"), &[("action", "submit"), ("version", &v)]).await.assert_redirect();
        let page = team.consultant.get(&durl).await;
        assert!(page.body.contains("id=\"comment-") && page.body.contains("Add the org chart &lt;b&gt;now&lt;&#x2f;b&gt;"));
        // Accepted: the submitter is told.
        team.steering.get(&durl).await;
        let v = version_of(&t, "deliverables", d).await;
        team.steering.post(&format!("{durl}/transition"), &[("action", "accept"), ("version", &v)]).await.assert_redirect();
        assert_eq!(deliver(&t, &mailer).await.sent, 2);
        let to_consultant: Vec<String> = sink.to("consultant@t.example").iter().map(|m| s(&m["subject"])).collect();
        assert_eq!(to_consultant, vec![format!("{name_en} in CRM Wave 1 was returned: {why}"), format!("{name_en} in CRM Wave 1 was accepted")]);
        // The second submission told the steering member again (a new version), nobody twice.
        assert_eq!(sink.to("steering@t.example").len(), 2);
        assert!(sink.to("director@t.example").is_empty() && sink.to("viewer@t.example").is_empty());

        // A gate decided: every member but the one deciding is told.
        let steering_id = t.count("SELECT id FROM users WHERE email = 'steering@t.example'").await as i32;
        ninefold::service::write::transaction(&t.db, async |tx| {
            ninefold::service::notify::gate_decided(tx, ninefold::service::Actor { user_id: steering_id }, p, 1, "go").await
        })
        .await
        .unwrap();
        assert_eq!(t.count("SELECT COUNT(*) FROM notifications WHERE kind = 'gate_decided'").await, 3);
        deliver(&t, &mailer).await;
        let m = &sink.to("viewer@t.example")[0];
        assert_eq!(s(&m["subject"]), "The gate of phase 1 in CRM Wave 1 was decided: Go");

        // Comments: a mention notifies, script is escaped, audited; viewers do not comment.
        let curl = format!("/projects/{p}/comments/deliverable/{d}");
        let r = team.consultant.post(&curl, &[("body", "  ")]).await;
        assert!(r.status == StatusCode::UNPROCESSABLE_ENTITY && r.body.contains("This field is required."));
        team.consultant.lang = Some("zh-CN".into());
        assert!(team.consultant.post(&curl, &[("body", "")]).await.body.contains("此项为必填项。"));
        team.consultant.lang = None;
        let body = "@DoraDirector please check <script>alert(1)</script>";
        let r = team.consultant.post(&curl, &[("body", body)]).await;
        assert!(r.assert_redirect().starts_with(&format!("{durl}#comment-")));
        let page = team.consultant.get(&durl).await;
        assert!(page.body.contains("&lt;script&gt;alert(1)&lt;&#x2f;script&gt;") && !page.body.contains("<script>alert(1)"));
        assert_eq!(t.count("SELECT COUNT(*) FROM notifications WHERE kind = 'mention'").await, 1);
        assert_eq!(deliver(&t, &mailer).await.sent, 1);
        assert!(s(&sink.to("director@t.example").last().unwrap()["subject"]).starts_with("Connie Consultant mentioned you on"));
        let cid = t.count("SELECT MAX(id) FROM comments").await;
        assert_eq!(t.count(&format!("SELECT COUNT(*) FROM audit_log WHERE entity = 'comment' AND entity_id = {cid} AND action = 'create'")).await, 1);
        team.viewer.get(&durl).await;
        assert_eq!(team.viewer.post(&curl, &[("body", "hello")]).await.status, StatusCode::FORBIDDEN);
        // Editing keeps the earlier text; only the author edits; a stale version is 409.
        let eurl = format!("/projects/{p}/comment/{cid}/edit");
        team.director.get(&durl).await;
        assert_eq!(team.director.post(&eurl, &[("version", "1"), ("body", "hijack")]).await.status, StatusCode::FORBIDDEN);
        team.consultant.post(&eurl, &[("version", "1"), ("body", "@DoraDirector please check the chart")]).await.assert_redirect();
        assert_eq!(team.consultant.post(&eurl, &[("version", "1"), ("body", "stale")]).await.status, StatusCode::CONFLICT);
        let page = team.consultant.get(&durl).await;
        assert!(page.body.contains("please check the chart") && page.body.contains("edited") && page.body.contains("Earlier versions (1)"));
        assert_eq!(t.count(&format!("SELECT COUNT(*) FROM comment_revisions WHERE comment_id = {cid}")).await, 1);
        assert_eq!(t.count(&format!("SELECT COUNT(*) FROM audit_log WHERE entity = 'comment' AND entity_id = {cid} AND action = 'edit'")).await, 1);
        // The same mention after an edit is not told twice.
        assert_eq!(t.count("SELECT COUNT(*) FROM notifications WHERE kind = 'mention'").await, 1);
        // Risks take comments too.
        let rid = t.count(&format!("SELECT MIN(id) FROM risks WHERE project_id = {p}")).await;
        team.steering.get(&format!("/projects/{p}/risks/{rid}")).await;
        team.steering.post(&format!("/projects/{p}/comments/risk/{rid}"), &[("body", "Watch this one, @Connie Consultant")]).await.assert_redirect();
        assert!(team.steering.get(&format!("/projects/{p}/risks/{rid}")).await.body.contains("Watch this one"));
        // Another project's record is not found.
        assert_eq!(team.outsider.post(&format!("/projects/{p}/comments/risk/{rid}"), &[("body", "x")]).await.status, StatusCode::NOT_FOUND);

        // Reading: one, then all.
        let nid = t.count("SELECT MAX(id) FROM notifications WHERE user_id = (SELECT id FROM users WHERE email = 'director@t.example')").await.to_string();
        team.director.get("/inbox").await;
        let r = team.director.post("/inbox/read", &[("id", &nid), ("next", &durl)]).await;
        assert_eq!(r.assert_redirect(), durl);
        assert_eq!(t.count(&format!("SELECT COUNT(*) FROM notifications WHERE id = {nid} AND read_at IS NOT NULL")).await, 1);
        team.steering.get("/inbox").await;
        team.steering.post("/inbox/read", &[("all", "1")]).await.assert_redirect();
        assert!(!team.steering.get("/projects").await.body.contains("id=\"unread-count\""));
    })
    .await;
}

#[tokio::test]
async fn reminders_and_digests_follow_the_users_time_zone_group_by_project_overdue_first() {
    on_each_db(|t| async move {
        let mut team = team(&t).await;
        let p = team.project;
        let sink = Sink::up().await;
        let mailer = sink.mailer();
        // Preferences by field: a bad hour and zone are refused.
        team.director.get("/account/notifications").await;
        let mut form = vec![("time_zone", "Mars/Olympus"), ("digest_hour", "25"), ("weekly_day", "1")];
        let modes = ["assignment", "submitted", "returned", "accepted", "approval", "gate_decided", "due_soon", "overdue", "mention"];
        let names: Vec<String> = modes.iter().map(|k| format!("mode_{k}")).collect();
        for n in &names {
            form.push((n.as_str(), "daily"));
        }
        let r = team.director.post("/account/notifications", &form).await;
        assert!(r.status == StatusCode::UNPROCESSABLE_ENTITY && r.body.contains("Enter an hour from 0 to 23.") && r.body.contains("Enter a time zone such as Asia&#x2f;Shanghai"));
        form[0] = ("time_zone", "Europe/Berlin");
        form[1] = ("digest_hour", "8");
        team.director.post("/account/notifications", &form).await.assert_redirect();
        assert_eq!(t.count("SELECT COUNT(*) FROM audit_log WHERE entity = 'notify_prefs'").await, 1);

        // Reminders on the project's 2026-06-15: overdue and due within three days, to the directors
        // (nothing has an owner), once however often the scan runs.
        let now = Utc.with_ymd_and_hms(2026, 6, 15, 12, 0, 0).unwrap();
        let told = ninefold::service::notify::scan_due(&t.db, now, |_| fixed_today()).await.unwrap();
        assert!(told > 0);
        assert_eq!(ninefold::service::notify::scan_due(&t.db, now, |_| fixed_today()).await.unwrap(), 0);
        let overdue = t.count("SELECT COUNT(*) FROM notifications WHERE kind = 'overdue'").await;
        let soon = t.count("SELECT COUNT(*) FROM notifications WHERE kind = 'due_soon'").await;
        let expected_overdue = t.count(&format!("SELECT COUNT(*) FROM deliverables WHERE project_id = {p} AND status <> 'accepted' AND due_date < '2026-06-15'")).await
            + t.count(&format!("SELECT COUNT(*) FROM activities WHERE project_id = {p} AND status <> 'done' AND planned_finish < '2026-06-15'")).await
            + t.count(&format!("SELECT COUNT(*) FROM milestones WHERE project_id = {p} AND status <> 'done' AND due_date < '2026-06-15'")).await;
        assert_eq!(overdue, expected_overdue);
        assert!(overdue > 0);
        assert_eq!(t.count("SELECT COUNT(*) FROM notifications WHERE delivery = 'daily' AND delivered_at IS NULL").await, overdue + soon);
        // Nothing is e-mailed at once: they wait for the digest.
        assert_eq!(deliver(&t, &mailer).await.claimed, 0);

        // 07:59 in Berlin (05:59 UTC in summer): not yet. 08:00: one digest. Again: none.
        let before = Utc.with_ymd_and_hms(2026, 6, 16, 5, 59, 0).unwrap();
        assert_eq!(ninefold::service::notify::digests(&t.db, before).await.unwrap(), 0);
        let at = Utc.with_ymd_and_hms(2026, 6, 16, 6, 0, 0).unwrap();
        assert_eq!(ninefold::service::notify::digests(&t.db, at).await.unwrap(), 1);
        assert_eq!(ninefold::service::notify::digests(&t.db, at + Duration::minutes(5)).await.unwrap(), 0);
        let r = outbox::tick(&t.db, &mailer, &opts("it"), at + Duration::seconds(1)).await.unwrap();
        assert_eq!(r.sent, 1);
        let mails = sink.to("director@t.example");
        assert_eq!(mails.len(), 1);
        let m = &mails[0];
        assert_eq!(s(&m["subject"]), "Your Ninefold digest for 2026-06-16");
        let text = s(&m["text"]);
        assert!(text.lines().any(|l| l.trim_end() == "CRM Wave 1"), "grouped by project: {text}");
        let first_overdue = text.find("is overdue").unwrap();
        if soon > 0 {
            assert!(first_overdue < text.find("is due on").unwrap(), "overdue first");
        }
        assert!(text.contains(&format!("{} notifications since the last digest", overdue + soon)));
        // Everything went out in it; an empty digest is not sent the next day.
        assert_eq!(t.count("SELECT COUNT(*) FROM notifications WHERE delivered_at IS NULL").await, 0);
        let next = Utc.with_ymd_and_hms(2026, 6, 17, 6, 0, 0).unwrap();
        assert_eq!(ninefold::service::notify::digests(&t.db, next).await.unwrap(), 0);
        assert_eq!(outbox::tick(&t.db, &mailer, &opts("it"), next + Duration::seconds(1)).await.unwrap().claimed, 0);
        // The consultant had nothing: no digest.
        assert!(sink.to("consultant@t.example").is_empty());
        let _ = &mut team;
    })
    .await;
}

#[tokio::test]
async fn attachments_are_versioned_downloaded_byte_for_byte_limited_and_scoped_to_their_project() {
    on_each_db(|t| async move {
        let mut team = team(&t).await;
        let p = team.project;
        let (d, _, _) = first_deliverable(&t, p).await;
        let durl = format!("/projects/{p}/deliverables/{d}");
        let up = format!("/projects/{p}/attachments/deliverable/{d}");
        let bytes: Vec<u8> = (0..=255u8).cycle().take(70_000).collect();
        team.consultant.get(&durl).await;
        let r = team.consultant.post_file(&up, "file", "../报告 v1.pdf", "application/pdf", &bytes).await;
        assert_eq!(r.assert_redirect(), format!("{durl}#attachments"));
        let aid = t.count("SELECT MAX(id) FROM attachments").await;
        let sha = {
            use sha2::Digest;
            hex::encode(sha2::Sha256::digest(&bytes))
        };
        assert_eq!(t.count(&format!("SELECT COUNT(*) FROM attachments WHERE id = {aid} AND file_name = '报告 v1.pdf' AND file_version = 1 AND size = 70000 AND sha256 = '{sha}'")).await, 1);
        assert_eq!(t.count(&format!("SELECT COUNT(*) FROM audit_log WHERE entity = 'attachment' AND entity_id = {aid} AND action = 'upload'")).await, 1);
        // Downloaded byte for byte, as an attachment that is never sniffed.
        let r = team.viewer.get(&format!("/projects/{p}/attachment/{aid}")).await;
        assert_eq!(r.status, StatusCode::OK);
        assert_eq!(r.bytes, bytes);
        assert_eq!(r.headers["x-content-type-options"], "nosniff");
        let disp = r.headers["content-disposition"].to_str().unwrap();
        assert!(disp.starts_with("attachment; filename=\"") && disp.contains("filename*=UTF-8''%E6%8A%A5%E5%91%8A%20v1.pdf"), "{disp}");
        // The same name again is version 2; both listed.
        let bytes2 = b"second version".to_vec();
        team.consultant.get(&durl).await;
        team.consultant.post_file(&up, "file", "报告 v1.pdf", "application/pdf", &bytes2).await.assert_redirect();
        assert_eq!(t.count(&format!("SELECT COUNT(*) FROM attachments WHERE entity_id = {d} AND file_version = 2")).await, 1);
        let page = team.consultant.get(&durl).await;
        assert!(page.body.contains("v2") && page.body.contains("v1") && page.body.contains("报告 v1.pdf"));
        let aid2 = t.count("SELECT MAX(id) FROM attachments").await;
        assert_eq!(team.director.get(&format!("/projects/{p}/attachment/{aid2}")).await.bytes, bytes2);
        // A viewer cannot upload; another project's id is not found; outsiders see nothing.
        team.viewer.get(&durl).await;
        assert_eq!(team.viewer.post_file(&up, "file", "x.txt", "text/plain", b"x").await.status, StatusCode::FORBIDDEN);
        let other = create_project(&mut team.director, "Other project").await;
        assert_eq!(team.director.get(&format!("/projects/{other}/attachment/{aid}")).await.status, StatusCode::NOT_FOUND);
        assert_eq!(team.outsider.get(&format!("/projects/{p}/attachment/{aid}")).await.status, StatusCode::NOT_FOUND);
        let od = t.count(&format!("SELECT MIN(id) FROM deliverables WHERE project_id = {other}")).await;
        team.director.get(&durl).await;
        let r = team.director.post_file(&format!("/projects/{p}/attachments/deliverable/{od}"), "file", "x.txt", "text/plain", b"x").await;
        assert_eq!(r.status, StatusCode::NOT_FOUND);
        // Over the limit (25 MB by default): refused with a clear message, in both languages.
        let big = vec![7u8; 25 * 1024 * 1024 + 1];
        team.consultant.get(&durl).await;
        let r = team.consultant.post_file(&up, "file", "big.bin", "application/octet-stream", &big).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.body.contains("The file is larger than the upload limit"));
        team.consultant.lang = Some("zh-CN".into());
        let r = team.consultant.post_file(&up, "file", "big.bin", "application/octet-stream", &big).await;
        assert!(r.body.contains("文件超过上传上限"));
        let huge = vec![7u8; 27 * 1024 * 1024];
        let r = team.consultant.post_file(&up, "file", "huge.bin", "application/octet-stream", &huge).await;
        assert!(r.status == StatusCode::UNPROCESSABLE_ENTITY && r.body.contains("文件超过上传上限"));
        assert_eq!(t.count("SELECT COUNT(*) FROM attachments").await, 2);

        // The gate lists the evidence (page and PDF): the latest version of each file.
        team.consultant.lang = None;
        let gate = team.director.get(&format!("/projects/{p}/phases/1/gate")).await;
        assert!(gate.body.contains("id=\"gate-evidence\"") && gate.body.contains("报告 v1.pdf</a> v2"), "{}", gate.body);
        let scope = || ninefold::report::Scope { phase: Some(1), review: None };
        let saved = ninefold::report::publish_scoped(&t.db, None, p, ninefold::report::Kind::Gate, ninefold::i18n::Lang::En, scope())
            .await
            .unwrap();
        let text = crate::consistency::pdf_text(&saved.bytes);
        assert!(text.contains("Attached evidence") && text.contains("v1.pdf v2"), "{text}");
        let f = ninefold::report::facts_for(&t.db.conn, p, ninefold::i18n::Lang::En, scope()).await.unwrap();
        assert_eq!(f.gate.unwrap().attachments.len(), 1);
        // A deliverable no document kind generates is satisfied by an attached file.
        let rows = ninefold::service::work::deliverable_rows(&t.db.conn, p).await.unwrap();
        let plain = rows
            .iter()
            .find(|r| ninefold::service::documents_tab::kind_of(&r.deliverable.key).is_none())
            .expect("a deliverable without a generated document");
        let pd = plain.deliverable.id;
        team.consultant.get(&format!("/projects/{p}/deliverables/{pd}")).await;
        team.consultant
            .post_file(&format!("/projects/{p}/attachments/deliverable/{pd}"), "file", "sign-off.pdf", "application/pdf", b"%PDF-1.4 signed")
            .await
            .assert_redirect();
        let tab = ninefold::service::documents_tab::tab(&t.db.conn, p, ninefold::i18n::Lang::En).await.unwrap();
        let row = tab.deliverables.iter().find(|d| d.evidence.as_ref().is_some_and(|e| e.entity_id == pd)).unwrap();
        assert!(row.kind.is_none() && row.evidence.as_ref().unwrap().file_name == "sign-off.pdf");
        assert!(team.director.get(&format!("/projects/{p}/documents")).await.body.contains("sign-off.pdf v1"));
    })
    .await;
}

/// A test CA and a server certificate for 127.0.0.1 signed by it, made with the `openssl`
/// command: (folder, CA PEM path, server certificate path, server key path).
fn test_pki() -> (tempfile::TempDir, std::path::PathBuf, std::path::PathBuf, std::path::PathBuf) {
    let d = tempfile::tempdir().unwrap();
    let p = |n: &str| d.path().join(n);
    let run = |args: &[&str]| {
        let out = std::process::Command::new("openssl").args(args).current_dir(d.path()).output().expect("openssl");
        assert!(out.status.success(), "openssl {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    };
    let ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"];
    run(&[
        &["req", "-x509"][..],
        &ec,
        &["-keyout", "ca.key", "-out", "ca.pem", "-days", "2", "-subj", "/CN=Ninefold test CA"],
    ]
    .concat());
    run(&[&["req"][..], &ec, &["-keyout", "srv.key", "-out", "srv.csr", "-subj", "/CN=127.0.0.1"]].concat());
    std::fs::write(
        p("ext.cnf"),
        "subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\nkeyUsage=digitalSignature\nextendedKeyUsage=serverAuth\n",
    )
    .unwrap();
    run(&[
        "x509",
        "-req",
        "-in",
        "srv.csr",
        "-CA",
        "ca.pem",
        "-CAkey",
        "ca.key",
        "-CAcreateserial",
        "-out",
        "srv.pem",
        "-days",
        "2",
        "-extfile",
        "ext.cnf",
    ]);
    let (ca, cert, key) = (p("ca.pem"), p("srv.pem"), p("srv.key"));
    (d, ca, cert, key)
}

#[tokio::test]
async fn mail_goes_over_starttls_and_implicit_tls_verified_against_the_configured_ca() {
    use ninefold::service::mail::{Letter, Mailer};
    let (_pki, ca, cert, key) = test_pki();
    let ca_pem = std::fs::read(&ca).unwrap();
    let payload = |to: &str| {
        let l = Letter::new(ninefold::i18n::Lang::Zh, "张伟", "加密投递".into());
        serde_json::to_string(&l.to_mail(to, "张伟")).unwrap()
    };
    for (mode, scheme, query) in [("starttls", "smtp", "?tls=required"), ("smtps", "smtps", "")] {
        let mut sink = Sink::down();
        sink.tls = Some((mode, cert.clone(), key.clone()));
        sink.start().await;
        let url = format!("{scheme}://127.0.0.1:{}{query}", sink.port);
        // Trusting the company CA: delivered, whole.
        let m = Mailer::new(Some(&url), "Ninefold <noreply@t.example>", None, Some(&ca_pem)).unwrap();
        m.send(&payload("tls@t.example")).await.unwrap_or_else(|e| panic!("{mode}: {e}"));
        let got = sink.to("tls@t.example");
        assert_eq!(got.len(), 1, "{mode}");
        assert_eq!(s(&got[0]["subject"]), "加密投递");
        // Without it the certificate is not trusted: nothing is sent, the error says why.
        let m = Mailer::new(Some(&url), "Ninefold <noreply@t.example>", None, None).unwrap();
        let e = m.send(&payload("untrusted@t.example")).await.unwrap_err();
        assert!(e.to_lowercase().contains("certificate") || e.contains("TLS") || e.contains("tls"), "{mode}: {e}");
        assert!(sink.to("untrusted@t.example").is_empty(), "{mode}");
    }
    // A plain connection to a server that requires STARTTLS is refused by the server.
    let mut sink = Sink::down();
    sink.tls = Some(("starttls", cert.clone(), key.clone()));
    sink.start().await;
    let m = Mailer::new(Some(&sink.url()), "Ninefold <noreply@t.example>", None, None).unwrap();
    assert!(m.send(&payload("plain@t.example")).await.is_err());
    assert!(sink.to("plain@t.example").is_empty());
}

#[tokio::test]
async fn approvals_waiting_for_the_business_case_a_ready_gate_and_a_change_request_are_told_once_and_wait_in_the_inbox()
{
    on_each_db(|t| async move {
        let mut team = team(&t).await;
        let p = team.project;
        let sink = Sink::up().await;
        let mailer = sink.mailer();
        team.steering.post("/locale", &[("lang", "zh"), ("next", "/projects")]).await;
        let approvals = "SELECT COUNT(*) FROM notifications WHERE kind = 'approval' AND user_id = (SELECT id FROM users WHERE email = 'steering@t.example')";

        // Phase 1's gate deliverables all accepted: the gate still waits for the business case.
        let bc = |s: &str| format!("/projects/{p}/business-case{s}");
        let gate: Vec<i32> = {
            let dels = crate::workflow::phase_deliverables(&t, p, 1).await;
            dels.iter().filter(|d| d.is_gate).map(|d| d.id).collect()
        };
        for d in &gate {
            let u = format!("/projects/{p}/deliverables/{d}/transition");
            team.consultant.post(&u, &[("action", "submit"), ("version", "1")]).await.assert_redirect();
            team.steering.post(&u, &[("action", "accept"), ("version", "2")]).await.assert_redirect();
        }
        assert_eq!(t.count(approvals).await, 0, "the preparation gate needs an approved business case first");
        deliver(&t, &mailer).await; // the submissions' and acceptances' own messages
        let seen = sink.to("steering@t.example").len();
        let mails_since = |n: usize| -> Vec<String> {
            sink.to("steering@t.example").iter().skip(seen).take(n).map(|m| s(&m["subject"])).collect()
        };

        // The case is put before the steering committee: told once, in Chinese, and it waits.
        team.director.get(&bc("")).await;
        team.director.post(&bc(""), &[]).await.assert_redirect();
        let cost = [("category", "implementation"), ("description", "Partner"), ("recurrence", "one_time"), ("amount", "1,000,000"), ("growth", "0")];
        team.director.post(&bc("/costs"), &cost).await.assert_redirect();
        let v = t.count(&format!("SELECT version FROM business_cases WHERE project_id = {p}")).await.to_string();
        // Incomplete (no benefit): refused, by the same rule as approval, in the user's language.
        let r = team.director.post(&bc("/request-approval"), &[("version", &v)]).await;
        assert!(r.status == StatusCode::UNPROCESSABLE_ENTITY && r.body.contains("Add at least one cost line and one benefit line"));
        let benefit = [("kind", "cost_reduction"), ("description", "Service cost"), ("amount", "600,000"), ("risk", "10"), ("first_year", "1"), ("growth", "0")];
        team.director.post(&bc("/benefits"), &benefit).await.assert_redirect();
        let page = team.director.get(&bc("")).await;
        assert!(page.body.contains("Ask the steering committee for approval"));
        let v = t.count(&format!("SELECT version FROM business_cases WHERE project_id = {p}")).await.to_string();
        // Viewers and the steering committee itself do not ask.
        assert_eq!(team.viewer.post(&bc("/request-approval"), &[("version", &v)]).await.status, StatusCode::FORBIDDEN);
        team.director.post(&bc("/request-approval"), &[("version", &v)]).await.assert_redirect();
        // Stale: 409; asking again for the same revision tells nobody twice.
        assert_eq!(team.director.post(&bc("/request-approval"), &[("version", &v)]).await.status, StatusCode::CONFLICT);
        let v2 = t.count(&format!("SELECT version FROM business_cases WHERE project_id = {p}")).await.to_string();
        team.director.post(&bc("/request-approval"), &[("version", &v2)]).await.assert_redirect();
        assert_eq!(t.count(approvals).await, 1);
        assert_eq!(t.count("SELECT COUNT(*) FROM audit_log WHERE entity = 'business_case' AND action = 'request_approval'").await, 1);
        assert!(team.director.get(&bc("")).await.body.contains("waiting for their approval"));
        assert_eq!(deliver(&t, &mailer).await.sent, 1);
        let m = &sink.to("steering@t.example")[seen];
        assert_eq!(s(&m["subject"]), "“CRM Wave 1”中的“商业论证（第 3 版）”等待您批准");
        assert!(s(&m["text"]).contains(&format!("http://127.0.0.1:8080/projects/{p}/business-case")));
        let inbox = team.steering.get("/inbox").await;
        assert!(inbox.body.contains("审批商业论证") && inbox.body.contains("商业论证（第 3 版）"), "{}", inbox.body);
        assert!(!team.director.get("/inbox").await.body.contains("Approve the business case"));

        // Approved: it no longer waits, and the gate it held back is now ready: the other
        // steering member is told once (the one who approved is on the page already).
        let second = t.user("steering2@t.example", "Sam Second").await;
        let dir_id = t.count("SELECT id FROM users WHERE email = 'director@t.example'").await as i32;
        ninefold::service::projects::set_member(&t.db, ninefold::service::Actor { user_id: dir_id }, p, second, ninefold::domain::policy::Role::Steering)
            .await
            .unwrap();
        team.steering.get(&bc("")).await;
        team.steering.post(&bc("/approve"), &[("version", &v2)]).await.assert_redirect();
        let inbox = team.steering.get("/inbox").await;
        assert!(!inbox.body.contains("审批商业论证"));
        assert!(inbox.body.contains("作出阶段评审决定"), "the ready gate waits");
        assert_eq!(t.count(approvals).await, 1);
        assert_eq!(deliver(&t, &mailer).await.sent, 1);
        let m = sink.to("steering2@t.example");
        assert_eq!(m.len(), 1);
        assert_eq!(s(&m[0]["subject"]), "The gate of phase 1 in CRM Wave 1 waits for your approval");
        assert!(s(&m[0]["html"]).contains(&format!("http://127.0.0.1:8080/projects/{p}/phases/1/gate")));

        // A change request waits for the steering committee until decided.
        let cr = [("title", "Add WeChat channel"), ("description", "Service requests from WeChat"), ("reason", "Customers ask"), ("scope_impact", "Channels"), ("schedule_days", "5"), ("cost", "10,000"), ("benefits", "Fewer calls"), ("options", "Defer")];
        team.director.get(&format!("/projects/{p}/changes")).await;
        team.director.post(&format!("/projects/{p}/changes"), &cr).await.assert_redirect();
        assert_eq!(t.count(approvals).await, 2);
        assert!(team.steering.get("/inbox").await.body.contains("审批变更请求"));
        assert_eq!(deliver(&t, &mailer).await.sent, 2);
        // Every approval went to the steering committee only, and each once.
        assert_eq!(mails_since(9).len(), 2);
        assert!(mails_since(9)[1].contains("Add WeChat channel"));
        assert_eq!(t.count("SELECT COUNT(*) FROM notifications WHERE kind = 'approval'").await, 4);
        assert!(sink.to("director@t.example").iter().all(|m| !s(&m["subject"]).contains("approval")));
    })
    .await;
}

#[tokio::test]
async fn work_given_to_a_member_tells_them_once_in_their_language_with_a_working_link() {
    on_each_db(|t| async move {
        let mut team = team(&t).await;
        let p = team.project;
        let sink = Sink::up().await;
        let mailer = sink.mailer();
        team.consultant.post("/locale", &[("lang", "zh"), ("next", "/projects")]).await;
        let (d, _, _) = first_deliverable(&t, p).await;
        let consultant = t.count("SELECT id FROM users WHERE email = 'consultant@t.example'").await.to_string();
        let assign = format!("/projects/{p}/assignments");
        team.director.get(&assign).await;
        let form = [("item_kind", "deliverable"), ("item_id", &d.to_string()), ("user", &consultant), ("planned_hours", "")];
        team.director.post(&assign, &form).await.assert_redirect();
        // Changing the same assignment does not tell again.
        team.director.post(&assign, &form).await.assert_redirect();
        let told = "SELECT COUNT(*) FROM notifications WHERE kind = 'assignment' AND user_id = (SELECT id FROM users WHERE email = 'consultant@t.example')";
        assert_eq!(t.count(told).await, 1);
        assert_eq!(deliver(&t, &mailer).await.sent, 1);
        let m = &sink.to("consultant@t.example")[0];
        let (_, _, name_zh) = first_deliverable(&t, p).await;
        assert_eq!(s(&m["subject"]), format!("“CRM Wave 1”中的“{name_zh}”已分配给您"));
        let url = link(&s(&m["text"]), &format!("/projects/{p}/deliverables/"));
        assert_eq!(url, format!("/projects/{p}/deliverables/{d}"));
        assert_eq!(team.consultant.get(&url).await.status, StatusCode::OK);
        // Nobody else heard of it.
        assert!(sink.to("director@t.example").is_empty() && sink.to("viewer@t.example").is_empty());
    })
    .await;
}

/// The header's count stops at "99+": counting every unread notification would make each page
/// slower as the user's history grows.
#[tokio::test]
async fn the_unread_count_stops_at_99_plus() {
    on_each_db(|t| async move {
        use ninefold::entity::notification;
        use sea_orm::{ActiveValue::Set, EntityTrait};
        let uid = t.user("busy@n.example", "Busy Director").await;
        let mut c = t.client();
        c.login("busy@n.example").await;
        let add = |from: usize, to: usize| {
            let conn = t.db.conn.clone();
            async move {
                let rows = (from..to).map(|i| notification::ActiveModel {
                    user_id: Set(uid),
                    project_id: Set(None),
                    kind: Set("mention".into()),
                    dedup_key: Set(format!("cap-{i}")),
                    params: Set("{}".into()),
                    link: Set("/inbox".into()),
                    overdue: Set(false),
                    created_at: Set(chrono::Utc::now()),
                    read_at: Set(None),
                    delivery: Set("off".into()),
                    delivered_at: Set(None),
                    ..Default::default()
                });
                notification::Entity::insert_many(rows).exec(&conn).await.unwrap();
            }
        };
        add(0, 99).await;
        assert!(c.get("/projects").await.body.contains("id=\"unread-count\">99<"));
        add(99, 150).await;
        let page = c.get("/projects").await;
        assert!(page.body.contains("id=\"unread-count\">99+<"), "the header says 99+");
        assert!(c.get("/inbox").await.body.contains("<span class=\"badge\">99+</span>"));
    })
    .await;
}
