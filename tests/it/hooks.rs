//! Webhooks (issue 17) against a real HTTP receiver on loopback: the director's
//! subscriptions (validation by field in both languages, roles, stale edits, audit), events
//! written to the outbox in the causing transaction, signed Ninefold JSON, each chat tool's
//! body (Slack, Teams, WeCom, DingTalk's signed URL, Feishu's signed body), retries after
//! 5xx with the same delivery id, the delivery log, and disabling after repeated failures.
use crate::harness::*;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use ninefold::domain::webhooks as wh;
use ninefold::service::{hooks, outbox};
use serde_json::Value;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

#[derive(Clone, Debug)]
struct Got {
    path: String,
    query: HashMap<String, String>,
    headers: HashMap<String, String>,
    body: String,
}

#[derive(Clone, Default)]
struct Receiver {
    got: Arc<Mutex<Vec<Got>>>,
    /// Statuses to answer per path, in order; 200 when none is left.
    script: Arc<Mutex<HashMap<String, Vec<u16>>>>,
}

impl Receiver {
    fn to(&self, path: &str) -> Vec<Got> {
        self.got.lock().unwrap().iter().filter(|g| g.path == path).cloned().collect()
    }
}

async fn handle(
    State(r): State<Receiver>,
    Path(path): Path<String>,
    Query(query): Query<HashMap<String, String>>,
    headers: HeaderMap,
    body: String,
) -> (StatusCode, String) {
    let headers =
        headers.iter().map(|(k, v)| (k.as_str().to_lowercase(), v.to_str().unwrap_or("").to_string())).collect();
    r.got.lock().unwrap().push(Got { path: path.clone(), query, headers, body });
    let status = {
        let mut s = r.script.lock().unwrap();
        match s.get_mut(&path) {
            Some(v) if !v.is_empty() => v.remove(0),
            _ => 200,
        }
    };
    // The chat tools answer 200 with a code in the body.
    let reply = match path.as_str() {
        "dingtalk" | "wecom" => r#"{"errcode":0,"errmsg":"ok"}"#,
        "feishu" => r#"{"code":0,"msg":"success"}"#,
        _ => "ok",
    };
    (StatusCode::from_u16(status).unwrap(), reply.to_string())
}

/// A receiver on a free loopback port; returns its base URL.
async fn receiver() -> (String, Receiver) {
    let r = Receiver::default();
    let app = axum::Router::new().route("/{path}", axum::routing::post(handle)).with_state(r.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (format!("http://{addr}"), r)
}

/// Run the outbox until nothing is due, jumping the clock past every backoff.
async fn deliver_all(t: &TestApp) -> usize {
    let d: Vec<Arc<dyn outbox::Dispatch>> = vec![Arc::new(hooks::Dispatcher {
        db: t.db.clone(),
        base_url: "https://nf.example".into(),
        allow_private: true,
    })];
    let o = outbox::Options { max_attempts: 6, ..Default::default() };
    let mut now = chrono::Utc::now();
    let mut claimed = 0;
    for _ in 0..40 {
        let round = outbox::tick(&t.db, &d, &o, now).await.unwrap();
        claimed += round.claimed;
        if round.claimed == 0
            && t.count("SELECT COUNT(*) FROM outbox WHERE sent_at IS NULL AND failed_at IS NULL").await == 0
        {
            break;
        }
        now += chrono::Duration::hours(2);
    }
    claimed
}

fn secret_in(body: &str) -> String {
    let i = body.find("<pre class=\"token\">").expect("secret shown once") + 19;
    body[i..i + body[i..].find('<').unwrap()].to_string()
}

#[allow(clippy::too_many_arguments)]
async fn subscribe(
    c: &mut Client,
    p: i32,
    name: &str,
    url: &str,
    preset: &str,
    secret: &str,
    lang: &str,
    events: &[&str],
) -> crate::harness::Resp {
    c.get(&format!("/projects/{p}/webhooks")).await;
    let mut f = vec![("name", name), ("url", url), ("preset", preset), ("secret", secret), ("lang", lang)];
    for e in events {
        f.push(("events", e));
    }
    c.post(&format!("/projects/{p}/webhooks"), &f).await
}

#[tokio::test]
async fn subscriptions_are_the_director_s_validated_by_field_and_audited() {
    on_each_db(|mut t| async move {
        // The receiver is on loopback: the administrator's allowance.
        t.state.webhook_allow_private = true;
        let mut team = team(&t).await;
        let p = team.project;
        let page = team.director.get(&format!("/projects/{p}/webhooks")).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(page.body.contains("No webhooks yet.") && page.body.contains("X-Ninefold-Signature"));
        for c in [&mut team.consultant, &mut team.steering, &mut team.viewer] {
            assert_eq!(c.get(&format!("/projects/{p}/webhooks")).await.status, StatusCode::FORBIDDEN);
        }
        assert_eq!(team.outsider.get(&format!("/projects/{p}/webhooks")).await.status, StatusCode::NOT_FOUND);
        let r = subscribe(&mut team.consultant, p, "x", "https://x.example/h", "slack", "", "en", &["gate.decided"]).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);

        // Bad input: by field, nothing written, in English and in Chinese.
        let r = subscribe(&mut team.director, p, "", "ftp://x", "icq", "", "en", &[]).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        for (field, msg) in [("name", "This field is required."), ("url", "Enter an http or https URL."), ("events", "Choose at least one event.")] {
            assert!(r.body.contains(&format!("id=\"err-{field}\">{msg}")), "{field}");
        }
        assert!(r.body.contains("id=\"err-preset\""));
        team.director.lang = Some("zh-CN".into());
        let r = subscribe(&mut team.director, p, "群", "mailto:x", "slack", "", "zh", &["gate.decided"]).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.body.contains("id=\"err-url\">请输入 http 或 https 地址。"));
        team.director.lang = None;
        assert_eq!(t.count("SELECT COUNT(*) FROM webhooks").await, 0);

        // A Ninefold subscription gets a secret shown once; it never reaches the audit log.
        let r = subscribe(&mut team.director, p, "ERP bridge", "https://erp.example/hook?k=abc", "ninefold", "", "en", &["risk.raised", "gate.decided"]).await;
        assert_eq!(r.status, StatusCode::OK);
        let secret = secret_in(&r.body);
        assert!(secret.starts_with("whsec_") && secret.len() > 40);
        let page = team.director.get(&format!("/projects/{p}/webhooks")).await.body;
        assert!(!page.contains(&secret) && !page.contains("k=abc"), "secret and token-bearing URL not shown again");
        assert!(page.contains("erp.example") && page.contains("…"));
        assert_eq!(t.count("SELECT COUNT(*) FROM audit_log WHERE entity = 'webhook' AND action = 'create'").await, 1);
        assert_eq!(t.count(&format!("SELECT COUNT(*) FROM audit_log WHERE entity = 'webhook' AND after LIKE '%{secret}%'")).await, 0);
        let id = t.count("SELECT CAST(MAX(id) AS BIGINT) FROM webhooks").await;

        // Edit keeps the secret when left empty; a stale version is a 409 and changes nothing.
        team.director.get(&format!("/projects/{p}/webhooks/{id}")).await;
        let edit = |v: &'static str, name: &'static str| {
            vec![("version", v), ("name", name), ("url", "https://erp.example/hook?k=abc"), ("preset", "ninefold"), ("secret", ""), ("lang", "zh"), ("events", "risk.raised")]
        };
        team.director.post(&format!("/projects/{p}/webhooks/{id}"), &edit("1", "ERP")).await.assert_redirect();
        let r = team.director.post(&format!("/projects/{p}/webhooks/{id}"), &edit("1", "Stale")).await;
        assert_eq!(r.status, StatusCode::CONFLICT);
        assert_eq!(t.count(&format!("SELECT COUNT(*) FROM webhooks WHERE id = {id} AND name = 'ERP' AND lang = 'zh' AND secret = '{secret}' AND events = 'risk.raised'")).await, 1);
        // Off, on, delete: each audited.
        team.director.get(&format!("/projects/{p}/webhooks")).await;
        team.director.post(&format!("/projects/{p}/webhooks/{id}/disable"), &[("version", "2")]).await.assert_redirect();
        team.director.post(&format!("/projects/{p}/webhooks/{id}/enable"), &[("version", "3")]).await.assert_redirect();
        team.director.post(&format!("/projects/{p}/webhooks/{id}/delete"), &[("version", "4")]).await.assert_redirect();
        for action in ["update", "disable", "enable", "delete"] {
            assert_eq!(t.count(&format!("SELECT COUNT(*) FROM audit_log WHERE entity = 'webhook' AND action = '{action}'")).await, 1, "{action}");
        }
        assert_eq!(t.count("SELECT COUNT(*) FROM webhooks").await, 0);
    })
    .await;
}

fn header<'a>(g: &'a Got, k: &str) -> &'a str {
    g.headers.get(&k.to_lowercase()).map(String::as_str).unwrap_or("")
}

#[tokio::test]
async fn events_are_delivered_signed_in_each_preset_s_format_retried_and_disabled() {
    on_each_db(|mut t| async move {
        // The receiver is on loopback: the administrator's allowance.
        t.state.webhook_allow_private = true;
        let (base, rx) = receiver().await;
        let mut team = team(&t).await;
        let p = team.project;
        let d = &mut team.director;
        let ev = ["risk.raised", "risk.rerated"];
        let r = subscribe(d, p, "Own system", &format!("{base}/ninefold"), "ninefold", "", "en", &ev).await;
        let secret = secret_in(&r.body);
        subscribe(d, p, "Slack", &format!("{base}/slack"), "slack", "", "en", &ev).await.assert_redirect();
        subscribe(d, p, "Teams", &format!("{base}/teams"), "teams", "", "en", &ev).await.assert_redirect();
        subscribe(d, p, "企业微信", &format!("{base}/wecom"), "wecom", "", "zh", &ev).await.assert_redirect();
        subscribe(d, p, "钉钉", &format!("{base}/dingtalk?access_token=tok"), "dingtalk", "SECding", "zh", &ev).await.assert_redirect();
        subscribe(d, p, "飞书", &format!("{base}/feishu"), "feishu", "feishu-secret", "zh", &ev).await.assert_redirect();
        subscribe(d, p, "Flaky", &format!("{base}/flaky"), "slack", "", "en", &ev).await.assert_redirect();
        subscribe(d, p, "Dead", &format!("{base}/dead"), "slack", "", "en", &ev).await.assert_redirect();
        // Subscribed to other events only: gets nothing.
        subscribe(d, p, "Gates only", &format!("{base}/gates"), "slack", "", "en", &["gate.decided"]).await.assert_redirect();
        rx.script.lock().unwrap().insert("flaky".into(), vec![503, 502]);
        rx.script.lock().unwrap().insert("dead".into(), vec![500; 50]);

        // A consultant raises a risk: one outbox row per matching subscription, written with it.
        team.consultant.get(&format!("/projects/{p}/risks")).await;
        team.consultant
            .post(
                &format!("/projects/{p}/risks"),
                &[("title", "Dealer ERP interface late"), ("category", "technology"), ("probability", "3"), ("impact", "5"), ("owner", "IT"), ("status", "open")],
            )
            .await
            .assert_redirect();
        assert_eq!(t.count("SELECT COUNT(*) FROM outbox WHERE channel = 'webhook'").await, 8);
        // A refused write (stale version) emits nothing.
        let rid = t.count(&format!("SELECT CAST(MAX(id) AS BIGINT) FROM risks WHERE project_id = {p}")).await;
        let rerate = |pr: &'static str, v: &'static str| {
            vec![("version", v), ("title", "Dealer ERP interface late"), ("category", "technology"), ("probability", pr), ("impact", "5"), ("owner", "IT"), ("status", "open")]
        };
        let r = team.consultant.post(&format!("/projects/{p}/risks/{rid}"), &rerate("4", "7")).await;
        assert_eq!(r.status, StatusCode::CONFLICT);
        assert_eq!(t.count("SELECT COUNT(*) FROM outbox WHERE channel = 'webhook'").await, 8);

        deliver_all(&t).await;

        // Ninefold JSON: signed over "timestamp.body", replay-safe window, the event's data.
        let got = rx.to("ninefold");
        assert_eq!(got.len(), 1);
        let g = &got[0];
        let ts = header(g, "X-Ninefold-Timestamp");
        let now = chrono::Utc::now().timestamp();
        assert!(wh::verify(&secret, ts, &g.body, header(g, "X-Ninefold-Signature"), now), "valid signature");
        assert!(!wh::verify("whsec_wrong", ts, &g.body, header(g, "X-Ninefold-Signature"), now));
        assert!(!wh::verify(&secret, ts, &g.body.replace("late", "early"), header(g, "X-Ninefold-Signature"), now), "tampered body");
        assert!(!wh::verify(&secret, ts, &g.body, header(g, "X-Ninefold-Signature"), now + 301), "replayed later");
        assert_eq!(header(g, "X-Ninefold-Event"), "risk.raised");
        assert!(header(g, "Content-Type").starts_with("application/json"));
        let v: Value = serde_json::from_str(&g.body).unwrap();
        assert_eq!(v["event"], "risk.raised");
        assert_eq!(v["project"]["id"], p);
        assert_eq!(v["data"]["risk"]["title"], "Dealer ERP interface late");
        assert_eq!(v["data"]["risk"]["probability"], 3);
        assert_eq!(v["data"]["risk"]["impact"], 5);
        assert_eq!(v["id"], header(g, "X-Ninefold-Delivery"));
        assert_eq!(v["title"], "CRM Wave 1: risk raised — Dealer ERP interface late");
        assert_eq!(v["url"], format!("https://nf.example/projects/{p}/risks/{rid}"));

        // Slack: {"text": mrkdwn}.
        let s: Value = serde_json::from_str(&rx.to("slack")[0].body).unwrap();
        assert_eq!(
            s["text"],
            format!("*CRM Wave 1: risk raised — Dealer ERP interface late*\nThe risk “Dealer ERP interface late” was raised (probability × impact: 3 × 5).\n<https://nf.example/projects/{p}/risks/{rid}|CRM Wave 1>")
        );
        // Teams (Workflows): a message with an Adaptive Card attachment.
        let tm: Value = serde_json::from_str(&rx.to("teams")[0].body).unwrap();
        assert_eq!(tm["type"], "message");
        let att = &tm["attachments"][0];
        assert_eq!(att["contentType"], "application/vnd.microsoft.card.adaptive");
        assert_eq!(att["content"]["type"], "AdaptiveCard");
        assert_eq!(att["content"]["body"][0]["type"], "TextBlock");
        assert_eq!(att["content"]["actions"][0]["type"], "Action.OpenUrl");
        // WeCom: markdown, in Chinese.
        let wc: Value = serde_json::from_str(&rx.to("wecom")[0].body).unwrap();
        assert_eq!(wc["msgtype"], "markdown");
        assert!(wc["markdown"]["content"].as_str().unwrap().starts_with("**CRM Wave 1：新增风险——Dealer ERP interface late**"));
        // DingTalk: signed URL (timestamp in ms, sign = base64 HMAC-SHA256(secret, "ts\nsecret")).
        let dt = &rx.to("dingtalk")[0];
        assert_eq!(dt.query["access_token"], "tok");
        let ms: i64 = dt.query["timestamp"].parse().unwrap();
        assert!((ms / 1000 - now).abs() < 3600);
        let want = wh::dingtalk_url("x?a=b", "SECding", ms);
        let want_sign: HashMap<String, String> = serde_urlencoded::from_str(want.split_once('?').unwrap().1).unwrap();
        assert_eq!(dt.query["sign"], want_sign["sign"]);
        let dv: Value = serde_json::from_str(&dt.body).unwrap();
        assert_eq!(dv["msgtype"], "markdown");
        assert_eq!(dv["markdown"]["title"], "CRM Wave 1：新增风险——Dealer ERP interface late");
        // Feishu: timestamp (seconds) and sign in the body, text message.
        let fv: Value = serde_json::from_str(&rx.to("feishu")[0].body).unwrap();
        let fts: i64 = fv["timestamp"].as_str().unwrap().parse().unwrap();
        assert_eq!(fv["sign"], wh::feishu_sign("feishu-secret", fts));
        assert_eq!(fv["msg_type"], "text");
        assert!(fv["content"]["text"].as_str().unwrap().contains("风险“Dealer ERP interface late”"));
        assert!(rx.to("gates").is_empty());

        // Retries after 5xx: three attempts, the same delivery id, the log has 503, 502, 200.
        let flaky = rx.to("flaky");
        assert_eq!(flaky.len(), 3);
        assert!(flaky.iter().all(|g| header(g, "X-Ninefold-Delivery") == header(&flaky[0], "X-Ninefold-Delivery")));
        let fid = t.count("SELECT CAST(id AS BIGINT) FROM webhooks WHERE name = 'Flaky'").await;
        for (code, ok) in [(503, false), (502, false), (200, true)] {
            let ok = if ok { "ok = TRUE" } else { "ok = FALSE" };
            assert_eq!(t.count(&format!("SELECT COUNT(*) FROM webhook_deliveries WHERE webhook_id = {fid} AND status_code = {code} AND {ok}")).await, 1, "{code}");
        }
        assert_eq!(t.count(&format!("SELECT CAST(consecutive_failures AS BIGINT) FROM webhooks WHERE id = {fid}")).await, 0);

        // Disabled after five failures in a row, audited as done by no user; nothing more is
        // sent to it, and the page says why.
        let dead = t.count("SELECT CAST(id AS BIGINT) FROM webhooks WHERE name = 'Dead'").await;
        assert_eq!(rx.to("dead").len(), 5);
        assert_eq!(t.count(&format!("SELECT COUNT(*) FROM webhooks WHERE id = {dead} AND active = FALSE AND consecutive_failures = 5 AND disabled_at IS NOT NULL")).await, 1);
        assert_eq!(t.count(&format!("SELECT COUNT(*) FROM audit_log WHERE entity = 'webhook' AND entity_id = {dead} AND action = 'auto_disable' AND user_id IS NULL")).await, 1);
        let page = team.director.get(&format!("/projects/{p}/webhooks")).await.body;
        assert!(page.contains("Turned off after 5 failures"));
        assert!(page.contains("<td>503</td>") && page.contains("<td>500</td>"));

        // Re-rating the risk: risk.rerated with before and after.
        team.consultant.get(&format!("/projects/{p}/risks/{rid}")).await;
        let v = t.count(&format!("SELECT CAST(version AS BIGINT) FROM risks WHERE id = {rid}")).await.to_string();
        let v: &'static str = Box::leak(v.into_boxed_str());
        team.consultant.post(&format!("/projects/{p}/risks/{rid}"), &rerate("4", v)).await.assert_redirect();
        deliver_all(&t).await;
        let got = rx.to("ninefold");
        assert_eq!(got.len(), 2);
        let v: Value = serde_json::from_str(&got[1].body).unwrap();
        assert_eq!(v["event"], "risk.rerated");
        assert_eq!(v["data"]["before"]["probability"], 3);
        assert_eq!(v["data"]["risk"]["probability"], 4);
        assert_eq!(rx.to("dead").len(), 5, "a disabled subscription gets nothing");
    })
    .await;
}

#[tokio::test]
async fn gate_deliverable_milestone_and_measurement_events() {
    on_each_db(|mut t| async move {
        // The receiver is on loopback: the administrator's allowance.
        t.state.webhook_allow_private = true;
        let (base, rx) = receiver().await;
        let mut team = team(&t).await;
        let p = team.project;
        let all: Vec<&str> = wh::EVENTS.to_vec();
        let r = subscribe(&mut team.director, p, "All", &format!("{base}/all"), "ninefold", "", "en", &all).await;
        assert_eq!(r.status, StatusCode::OK);

        // A deliverable submitted and accepted: two state changes.
        let phases = ninefold::service::projects::phases(&t.db.conn, p).await.unwrap();
        let dels = ninefold::service::work::deliverables_of_phase(&t.db.conn, phases[0].id).await.unwrap();
        let del = dels.iter().find(|d| d.is_gate).unwrap();
        team.consultant.get(&format!("/projects/{p}")).await;
        let url = format!("/projects/{p}/deliverables/{}/transition", del.id);
        team.consultant.post(&url, &[("action", "submit"), ("version", "1")]).await.assert_redirect();
        team.steering.get(&format!("/projects/{p}")).await;
        team.steering.post(&url, &[("action", "accept"), ("version", "2")]).await.assert_redirect();

        // A measurement by hand.
        crate::targets::new_target(&mut team.director, p, crate::targets::TARGET).await;
        let tid = t.count(&format!("SELECT CAST(MAX(id) AS BIGINT) FROM targets WHERE project_id = {p}")).await;
        team.consultant.get(&format!("/projects/{p}/targets/{tid}")).await;
        team.consultant
            .post(&format!("/projects/{p}/targets/{tid}/measurements"), &[("date", "2026-04-30"), ("value", "372.5"), ("note", "April")])
            .await
            .assert_redirect();

        // A milestone overdue (the sweep sends it once however often it runs).
        let due = t.count(&format!("SELECT COUNT(*) FROM milestones WHERE project_id = {p} AND status <> 'done' AND due_date < '2027-01-01'")).await;
        assert!(due > 0);
        let n = ninefold::service::clock::with_today(chrono::NaiveDate::from_ymd_opt(2030, 1, 1).unwrap(), async {
            hooks::sweep_overdue(&t.db).await.unwrap()
        })
        .await;
        assert!(n > 0);
        let rows = t.count("SELECT COUNT(*) FROM outbox WHERE dedup_key LIKE '%milestone.overdue%'").await;
        ninefold::service::clock::with_today(chrono::NaiveDate::from_ymd_opt(2030, 1, 2).unwrap(), async {
            hooks::sweep_overdue(&t.db).await.unwrap()
        })
        .await;
        assert_eq!(t.count("SELECT COUNT(*) FROM outbox WHERE dedup_key LIKE '%milestone.overdue%'").await, rows, "once per milestone");

        deliver_all(&t).await;
        let events: Vec<Value> = rx.to("all").iter().map(|g| serde_json::from_str(&g.body).unwrap()).collect();
        let of = |e: &str| events.iter().filter(|v| v["event"] == e).cloned().collect::<Vec<_>>();
        let changed = of("deliverable.state_changed");
        assert_eq!(changed.len(), 2);
        assert_eq!((changed[0]["data"]["from"].as_str(), changed[0]["data"]["to"].as_str()), (Some("draft"), Some("submitted")));
        assert_eq!(changed[1]["data"]["to"], "accepted");
        assert_eq!(changed[1]["data"]["deliverable"]["id"], del.id);
        let m = of("measurement.recorded");
        assert_eq!(m.len(), 1);
        assert_eq!(m[0]["data"]["measurement"]["value"], 372.5);
        assert_eq!(m[0]["data"]["target"]["key"], "service-cost");
        assert_eq!(of("milestone.overdue").len() as i64, rows);
        assert_eq!(t.count("SELECT COUNT(*) FROM webhook_deliveries WHERE ok = TRUE").await as usize, events.len());
    })
    .await;
}

#[tokio::test]
async fn private_receivers_are_refused_without_the_administrator_s_allowance() {
    on_each_db(|t| async move {
        assert!(!t.state.webhook_allow_private, "off unless NINEFOLD_WEBHOOK_ALLOW_PRIVATE is set");
        let mut team = team(&t).await;
        let p = team.project;
        let (base, got) = receiver().await;
        // Loopback, private, link-local (cloud metadata), IPv6 loopback, localhost and the
        // receiver itself: refused by field, in both languages, and nothing is stored.
        for lang in ["en", "zh"] {
            team.director.lang = Some(lang.into());
            let l = if lang == "zh" { ninefold::i18n::Lang::Zh } else { ninefold::i18n::Lang::En };
            for url in [
                format!("{base}/ninefold"),
                "http://10.0.0.5/hook".to_string(),
                "http://169.254.169.254/latest/meta-data".to_string(),
                "http://[::1]:8080/x".to_string(),
                "http://localhost:9/x".to_string(),
                "http://2130706433/x".to_string(),
            ] {
                let r = subscribe(&mut team.director, p, "Internal", &url, "ninefold", "", "en", &["risk.raised"]).await;
                assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{url}");
                assert!(r.body.contains("err-url"), "{url}");
                let msg = ninefold::i18n::t(l, "api.err.private_url");
                assert!(r.body.contains(&msg.split('.').next().unwrap().replace('\'', "&#x27;")), "{url}: {lang}");
            }
        }
        assert_eq!(t.count("SELECT COUNT(*) FROM webhooks").await, 0);
        // A public address is accepted.
        let r = subscribe(
            &mut team.director,
            p,
            "Chat",
            "https://hooks.slack.com/services/T/B/x",
            "slack",
            "",
            "en",
            &["risk.raised"],
        )
        .await;
        assert!(r.status.is_redirection() || r.status == StatusCode::OK, "{}", r.status);
        assert_eq!(t.count("SELECT COUNT(*) FROM webhooks").await, 1);

        // A subscription stored while allowed (or a host name resolving to loopback) is not
        // delivered by a dispatcher without the allowance: the log says why, nothing arrives.
        let director = ninefold::service::Actor { user_id: t.count("SELECT id FROM users WHERE email = 'director@t.example'").await as i32 };
        for (name, url) in [("Literal", format!("{base}/ninefold")), ("Named", base.replace("127.0.0.1", "localhost") + "/ninefold")] {
            let raw = hooks::RawHook {
                name: name.into(),
                url: url.clone(),
                events: vec!["risk.raised".into()],
                preset: "ninefold".into(),
                ..Default::default()
            };
            assert!(hooks::validate(&raw, false).is_err(), "{url}");
            let input = hooks::validate(&raw, true).unwrap();
            hooks::create(&t.db, director, p, &input).await.unwrap();
        }
        team.director.get(&format!("/projects/{p}/risks")).await;
        team.director
            .post(
                &format!("/projects/{p}/risks"),
                &[("title", "Data quality"), ("category", "data"), ("probability", "3"), ("impact", "4"), ("owner", "IT"), ("status", "open")],
            )
            .await
            .assert_redirect();
        let d: Vec<Arc<dyn outbox::Dispatch>> =
            vec![Arc::new(hooks::Dispatcher { db: t.db.clone(), base_url: String::new(), allow_private: false })];
        let o = outbox::Options { max_attempts: 1, ..Default::default() };
        outbox::tick(&t.db, &d, &o, chrono::Utc::now()).await.unwrap();
        assert!(got.to("ninefold").is_empty(), "nothing reached the loopback receiver");
        let refused = t
            .count("SELECT COUNT(*) FROM webhook_deliveries WHERE ok = false AND error LIKE 'refused: the receiver is a loopback%'")
            .await;
        assert_eq!(refused, 2, "both deliveries refused and logged");
    })
    .await;
}

#[tokio::test]
async fn hypercare_breaches_are_sent_once_per_deadline_in_the_subscription_s_language() {
    on_each_db(|mut t| async move {
        t.state.webhook_allow_private = true;
        let (base, rx) = receiver().await;
        let pb = t.state.playbooks.get("nine-phase").unwrap();
        ninefold::service::demo::ensure(&t.db, pb, chrono::Utc::now().date_naive()).await.unwrap();
        let mut c = crate::consistency::demo_director(&t).await;
        let p = t.count("SELECT CAST(MIN(project_id) AS BIGINT) FROM hypercare_issues").await as i32;
        let r = subscribe(&mut c, p, "Ops", &format!("{base}/ops"), "ninefold", "", "zh", &["hypercare.sla_breached"]).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        // A severity-1 ticket opened ten days ago, still open: both deadlines missed.
        let project = ninefold::service::projects::get(&t.db.conn, p).await.unwrap();
        let module = project.modules.split(',').next().unwrap().to_string();
        let opened = ninefold::service::golive::local(&project, chrono::Utc::now() - chrono::Duration::days(10));
        let opened = ninefold::service::golive::local_input(&opened);
        c.get(&format!("/projects/{p}/hypercare")).await;
        c.post(
            &format!("/projects/{p}/hypercare"),
            &[
                ("title", "Branch cannot sync"),
                ("severity", "1"),
                ("channel", "phone"),
                ("module_key", &module),
                ("reporter", "Branch 12"),
                ("status", "open"),
                ("opened_at", &opened),
            ],
        )
        .await
        .assert_redirect();
        let id = t.count("SELECT CAST(MAX(id) AS BIGINT) FROM hypercare_issues").await;
        hooks::sweep_overdue(&t.db).await.unwrap();
        // The key after the subscription's: `…:hypercare.sla_breached:<issue>:<deadline>:<due>`.
        let sent = |id: i64| {
            format!(
                "SELECT COUNT(*) FROM outbox WHERE dedup_key LIKE '%:{id}:response:%' OR dedup_key LIKE '%:{id}:resolution:%'"
            )
        };
        assert_eq!(t.count(&sent(id)).await, 2, "response and resolution");
        hooks::sweep_overdue(&t.db).await.unwrap();
        assert_eq!(t.count(&sent(id)).await, 2, "once per deadline however often the sweep runs");
        // Closed tickets are not announced, however late they were.
        let closed = t
            .count("SELECT COUNT(*) FROM outbox o JOIN hypercare_issues h ON (o.dedup_key LIKE '%:' || CAST(h.id AS TEXT) || ':response:%' OR o.dedup_key LIKE '%:' || CAST(h.id AS TEXT) || ':resolution:%') WHERE h.status IN ('resolved', 'closed')")
            .await;
        assert_eq!(closed, 0);

        deliver_all(&t).await;
        let got: Vec<Value> = rx.to("ops").iter().map(|g| serde_json::from_str(&g.body).unwrap()).collect();
        let mine: Vec<&Value> = got.iter().filter(|v| v["data"]["issue"]["id"] == id).collect();
        assert_eq!(mine.len(), 2);
        // The figures are the log's.
        let log = ninefold::service::hypercare::log(&t.db.conn, &project, ninefold::i18n::Lang::Zh).await.unwrap();
        let row = log.issues.iter().find(|r| r.issue.id as i64 == id).unwrap();
        assert!(row.sla.response_breached && row.sla.resolution_breached);
        let response = mine.iter().find(|v| v["data"]["deadline"] == "response").unwrap();
        assert_eq!(response["data"]["due"], serde_json::to_value(row.sla.response_due).unwrap());
        assert_eq!(response["event"], "hypercare.sla_breached");
        assert!(response["title"].as_str().unwrap().contains("运维支持响应超时"), "{}", response["title"]);
        assert!(response["text"].as_str().unwrap().contains("Branch cannot sync"));
    })
    .await;
}
