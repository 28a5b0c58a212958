//! Webhooks, the pure part: the events a project can subscribe to, the signature of a
//! delivery, and the request each preset sends (Ninefold's own signed JSON, or the incoming-
//! webhook formats of Slack, Microsoft Teams, WeCom 企业微信, DingTalk 钉钉 and Feishu 飞书).
//!
//! **Signature (preset `ninefold`).** Each POST carries `X-Ninefold-Timestamp` (Unix seconds)
//! and `X-Ninefold-Signature: v1=<hex HMAC-SHA256(secret, "<timestamp>.<body>")>`. A receiver
//! recomputes the HMAC over the raw body, compares in constant time, and refuses a timestamp
//! more than [`REPLAY_WINDOW_SECS`] (5 minutes) from its own clock; within the window it drops
//! a repeated `X-Ninefold-Delivery` (the event id, the same on every retry of one event), so
//! a captured request cannot be replayed. [`verify`] does exactly this check.
use base64::Engine;
use hmac::{Hmac, Mac};
use serde::Serialize;
use serde_json::{Value, json};
use sha2::Sha256;

/// The events, in the order the form lists them.
pub const EVENTS: &[&str] = &[
    "deliverable.state_changed",
    "gate.decided",
    "milestone.done",
    "milestone.overdue",
    "measurement.recorded",
    "risk.raised",
    "risk.rerated",
    "defect.raised",
    "defect.status_changed",
    "issue.escalated",
    "change.decided",
    "cutover.task_done",
    "hypercare.sla_breached",
];

/// The presets: how a delivery is formatted and signed.
pub const PRESETS: &[&str] = &["ninefold", "slack", "teams", "wecom", "dingtalk", "feishu"];

/// A receiver's signature is accepted this long either side of its clock.
pub const REPLAY_WINDOW_SECS: i64 = 300;

/// After this many failed deliveries in a row a subscription is disabled.
pub const MAX_CONSECUTIVE_FAILURES: i32 = 5;

pub const SIGNATURE_HEADER: &str = "X-Ninefold-Signature";
pub const TIMESTAMP_HEADER: &str = "X-Ninefold-Timestamp";
pub const EVENT_HEADER: &str = "X-Ninefold-Event";
pub const DELIVERY_HEADER: &str = "X-Ninefold-Delivery";

/// An event as delivered (the body of a `ninefold` delivery).
#[derive(Clone, Debug, PartialEq, Serialize, serde::Deserialize)]
pub struct Event {
    /// Unique per event and subscription; the same on every retry.
    pub id: String,
    pub event: String,
    /// RFC 3339, UTC.
    pub occurred_at: String,
    pub project: ProjectRef,
    pub data: Value,
    /// The human message (title and text) in the subscription's language.
    pub title: String,
    pub text: String,
    /// An absolute link to the page, when the server knows its base URL.
    pub url: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, serde::Deserialize)]
pub struct ProjectRef {
    pub id: i32,
    pub name: String,
}

/// One HTTP POST, ready to send.
#[derive(Clone, Debug, PartialEq)]
pub struct Request {
    pub url: String,
    pub headers: Vec<(&'static str, String)>,
    pub body: String,
}

fn hmac_sha256(key: &[u8], msg: &[u8]) -> Vec<u8> {
    // HMAC accepts a key of any length.
    let mut m = <Hmac<Sha256> as Mac>::new_from_slice(key).unwrap_or_else(|_| unreachable!());
    m.update(msg);
    m.finalize().into_bytes().to_vec()
}

/// `v1=<hex HMAC-SHA256(secret, "<timestamp>.<body>")>`.
pub fn sign(secret: &str, timestamp: i64, body: &str) -> String {
    format!("v1={}", hex::encode(hmac_sha256(secret.as_bytes(), format!("{timestamp}.{body}").as_bytes())))
}

/// A receiver's check: the signature matches the body and the timestamp is within the
/// replay window of `now` (Unix seconds). Constant-time comparison.
pub fn verify(secret: &str, timestamp: &str, body: &str, signature: &str, now: i64) -> bool {
    let Ok(ts) = timestamp.trim().parse::<i64>() else { return false };
    if (now - ts).abs() > REPLAY_WINDOW_SECS {
        return false;
    }
    let want = sign(secret, ts, body);
    want.len() == signature.len() && want.bytes().zip(signature.bytes()).fold(0u8, |acc, (a, b)| acc | (a ^ b)) == 0
}

/// DingTalk's signed URL: `&timestamp=<ms>&sign=<urlencoded base64 HMAC-SHA256(key = secret,
/// message = "<ms>\n<secret>")>` appended to the robot's URL.
pub fn dingtalk_url(url: &str, secret: &str, timestamp_ms: i64) -> String {
    let raw = hmac_sha256(secret.as_bytes(), format!("{timestamp_ms}\n{secret}").as_bytes());
    let sign = base64::engine::general_purpose::STANDARD.encode(raw);
    let sep = if url.contains('?') { '&' } else { '?' };
    let enc: String = serde_urlencoded::to_string([("sign", sign.as_str())]).unwrap_or_default();
    format!("{url}{sep}timestamp={timestamp_ms}&{enc}")
}

/// Feishu's body signature: base64 HMAC-SHA256 with key `"<seconds>\n<secret>"` over an
/// empty message (unlike DingTalk, the string is the key).
pub fn feishu_sign(secret: &str, timestamp_s: i64) -> String {
    let raw = hmac_sha256(format!("{timestamp_s}\n{secret}").as_bytes(), b"");
    base64::engine::general_purpose::STANDARD.encode(raw)
}

/// The plain text of a chat message: title, text, link.
fn plain(e: &Event) -> String {
    let mut s = format!("{}\n{}", e.title, e.text);
    if let Some(u) = &e.url {
        s.push('\n');
        s.push_str(u);
    }
    s
}

/// Markdown for WeCom and DingTalk (bold title, link).
fn markdown(e: &Event, before: &str, after: &str) -> String {
    let mut s = format!("{before}{}{after}\n\n{}", e.title, e.text);
    if let Some(u) = &e.url {
        s.push_str(&format!("\n\n[{}]({u})", e.project.name));
    }
    s
}

/// The request a subscription sends for an event at `now_ms` (Unix milliseconds).
pub fn request(preset: &str, url: &str, secret: &str, e: &Event, now_ms: i64) -> Request {
    let now_s = now_ms.div_euclid(1000);
    let json_body = |v: Value| v.to_string();
    let mut headers = vec![("Content-Type", "application/json; charset=utf-8".to_string())];
    let (url, body) = match preset {
        "slack" => {
            // Slack's mrkdwn: *bold*, <url|label>.
            let mut text = format!("*{}*\n{}", e.title, e.text);
            if let Some(u) = &e.url {
                text.push_str(&format!("\n<{u}|{}>", e.project.name));
            }
            (url.to_string(), json_body(json!({ "text": text })))
        }
        "teams" => {
            let mut card = json!({
                "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
                "type": "AdaptiveCard",
                "version": "1.4",
                "body": [
                    { "type": "TextBlock", "text": e.title, "weight": "Bolder", "size": "Medium", "wrap": true },
                    { "type": "TextBlock", "text": e.text, "wrap": true }
                ]
            });
            if let Some(u) = &e.url {
                card["actions"] = json!([{ "type": "Action.OpenUrl", "title": e.project.name, "url": u }]);
            }
            let body = json!({
                "type": "message",
                "attachments": [{
                    "contentType": "application/vnd.microsoft.card.adaptive",
                    "contentUrl": null,
                    "content": card
                }]
            });
            (url.to_string(), json_body(body))
        }
        "wecom" => (
            url.to_string(),
            json_body(json!({ "msgtype": "markdown", "markdown": { "content": markdown(e, "**", "**") } })),
        ),
        "dingtalk" => {
            let body =
                json!({ "msgtype": "markdown", "markdown": { "title": e.title, "text": markdown(e, "### ", "") } });
            let url = if secret.is_empty() { url.to_string() } else { dingtalk_url(url, secret, now_ms) };
            (url, json_body(body))
        }
        "feishu" => {
            let mut body = json!({ "msg_type": "text", "content": { "text": plain(e) } });
            if !secret.is_empty() {
                body["timestamp"] = json!(now_s.to_string());
                body["sign"] = json!(feishu_sign(secret, now_s));
            }
            (url.to_string(), json_body(body))
        }
        _ => {
            let body = serde_json::to_string(e).unwrap_or_default();
            headers.push((TIMESTAMP_HEADER, now_s.to_string()));
            headers.push((SIGNATURE_HEADER, sign(secret, now_s, &body)));
            (url.to_string(), body)
        }
    };
    headers.push((EVENT_HEADER, e.event.clone()));
    headers.push((DELIVERY_HEADER, e.id.clone()));
    Request { url, headers, body }
}

/// Whether a chat tool's reply to a 2xx is itself a refusal: DingTalk and WeCom answer
/// `{"errcode": n, ...}`, Feishu `{"code": n, ...}`, with n ≠ 0 on error (a bad signature,
/// a rate limit) and still status 200.
pub fn refused_in_body(preset: &str, body: &str) -> Option<String> {
    let field = match preset {
        "dingtalk" | "wecom" => "errcode",
        "feishu" => "code",
        _ => return None,
    };
    let v: Value = serde_json::from_str(body).ok()?;
    match v.get(field).and_then(Value::as_i64) {
        Some(0) | None => None,
        Some(_) => Some(body.chars().take(300).collect()),
    }
}

/// Check a receiver URL: http or https, a host, at most 2,000 characters.
pub fn valid_url(url: &str) -> bool {
    let u = url.trim();
    let rest = u.strip_prefix("https://").or_else(|| u.strip_prefix("http://"));
    match rest {
        Some(r) => {
            let host = r.split(['/', '?', '#']).next().unwrap_or("");
            !host.is_empty() && u.len() <= 2000 && !u.chars().any(char::is_whitespace)
        }
        None => false,
    }
}

/// Whether a webhook may reach `ip` only with the administrator's allowance
/// (`NINEFOLD_WEBHOOK_ALLOW_PRIVATE`): loopback, private (RFC 1918, unique-local),
/// link-local (cloud metadata at 169.254.169.254 among them), shared (100.64/10),
/// unspecified, broadcast, documentation and multicast addresses, IPv4 in IPv6 included.
pub fn is_private_ip(ip: std::net::IpAddr) -> bool {
    use std::net::IpAddr;
    match ip {
        IpAddr::V4(v) => {
            let o = v.octets();
            v.is_loopback()
                || v.is_private()
                || v.is_link_local()
                || v.is_unspecified()
                || v.is_broadcast()
                || v.is_documentation()
                || v.is_multicast()
                || o[0] == 0
                || (o[0] == 100 && (o[1] & 0xc0) == 64)
                || (o[0] == 192 && o[1] == 0 && o[2] == 0)
                || o[0] >= 240
        }
        IpAddr::V6(v) => {
            if let Some(v4) = v.to_ipv4_mapped() {
                return is_private_ip(IpAddr::V4(v4));
            }
            let seg = v.segments();
            v.is_loopback()
                || v.is_unspecified()
                || v.is_multicast()
                || (seg[0] & 0xfe00) == 0xfc00
                || (seg[0] & 0xffc0) == 0xfe80
                || (seg[0] == 0x2001 && seg[1] == 0x0db8)
                // IPv4-compatible (::a.b.c.d) and NAT64 (64:ff9b::a.b.c.d) forms.
                || seg[..6].iter().all(|s| *s == 0)
                || (seg[0] == 0x64 && seg[1] == 0xff9b && is_private_ip(IpAddr::V4(embedded_v4(seg[6], seg[7]))))
        }
    }
}

/// The IPv4 address in the last two segments of an IPv6 one.
fn embedded_v4(hi: u16, lo: u16) -> std::net::Ipv4Addr {
    let [a, b] = hi.to_be_bytes();
    let [c, d] = lo.to_be_bytes();
    std::net::Ipv4Addr::new(a, b, c, d)
}

/// Whether a receiver URL names a private destination by itself: an IP literal in a
/// private range (in any form the URL standard reads, `http://2130706433/` too) or
/// `localhost`. A host name that resolves to such an address is refused at delivery.
pub fn names_private_host(url: &str) -> bool {
    // The URL standard's reading (as the HTTP client's): numeric IPv4 forms normalised,
    // IPv6 in brackets.
    let Ok(u) = reqwest::Url::parse(url.trim()) else { return false };
    let Some(host) = u.host_str() else { return false };
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    match bare.parse::<std::net::IpAddr>() {
        Ok(ip) => is_private_ip(ip),
        Err(_) => {
            let d = bare.trim_end_matches('.').to_ascii_lowercase();
            d == "localhost" || d.ends_with(".localhost")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn private_destinations_are_named() {
        for u in [
            "http://127.0.0.1:8080/x",
            "http://localhost/x",
            "http://api.localhost./x",
            "http://10.1.2.3/",
            "http://172.20.0.1/",
            "http://192.168.1.1/",
            "http://169.254.169.254/latest/meta-data",
            "http://100.64.0.1/",
            "http://0.0.0.0/",
            "http://[::1]/",
            "http://[fe80::1]/",
            "http://[fd00::1]/",
            "http://[::ffff:127.0.0.1]/",
            "http://2130706433/",
            "http://0x7f.1/",
            "http://user@127.0.0.1/",
        ] {
            assert!(names_private_host(u), "{u}");
        }
        for u in [
            "https://hooks.slack.com/services/T/B/x",
            "https://oapi.dingtalk.com/robot/send?access_token=x",
            "http://8.8.8.8/",
            "http://[2606:4700::1]/",
            "http://172.32.0.1/",
        ] {
            assert!(!names_private_host(u), "{u}");
        }
    }

    fn event() -> Event {
        Event {
            id: "7-1".into(),
            event: "gate.decided".into(),
            occurred_at: "2026-12-01T08:00:00Z".into(),
            project: ProjectRef { id: 1, name: "Huamei CRM".into() },
            data: json!({ "phase": 1, "decision": "pass" }),
            title: "Gate passed".into(),
            text: "Phase 1 passed its gate.".into(),
            url: Some("https://nf.example/projects/1".into()),
        }
    }

    #[test]
    fn signature_is_hmac_sha256_of_timestamp_dot_body() {
        // RFC 4231 test case 2: key "Jefe", data "what do ya want for nothing?".
        let raw = hmac_sha256(b"Jefe", b"what do ya want for nothing?");
        assert_eq!(hex::encode(raw), "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
        // Our scheme is the same HMAC over "<timestamp>.<body>": "what do ya want" split at a dot.
        let s = sign("Jefe", 1, "x");
        assert_eq!(s, format!("v1={}", hex::encode(hmac_sha256(b"Jefe", b"1.x"))));
        assert!(verify("Jefe", "1000", "body", &sign("Jefe", 1000, "body"), 1000 + REPLAY_WINDOW_SECS));
        assert!(!verify("Jefe", "1000", "body", &sign("Jefe", 1000, "body"), 1000 + REPLAY_WINDOW_SECS + 1));
        assert!(!verify("Jefe", "1000", "bodY", &sign("Jefe", 1000, "body"), 1000));
        assert!(!verify("other", "1000", "body", &sign("Jefe", 1000, "body"), 1000));
        assert!(!verify("Jefe", "x", "body", &sign("Jefe", 1000, "body"), 1000));
    }

    #[test]
    fn dingtalk_and_feishu_signatures_match_their_documented_algorithms() {
        // Computed independently with Python's hmac/base64 (the vendors' sample code):
        // DingTalk: hmac.new(b"SECabc", b"1700000000000\nSECabc", sha256), base64, quote_plus.
        let url = dingtalk_url("https://oapi.dingtalk.com/robot/send?access_token=t", "SECabc", 1_700_000_000_000);
        assert_eq!(
            url,
            "https://oapi.dingtalk.com/robot/send?access_token=t&timestamp=1700000000000&sign=jcUpW0QmtKduN03n4JqQ0PBosVjqnM8gU7fIIvsDmCM%3D"
        );
        // Feishu: hmac.new(b"1700000000\nabc", b"", sha256), base64.
        assert_eq!(feishu_sign("abc", 1_700_000_000), "VIS10b0EBvzzSdFnuk4tznEmK5wHaruvf/WnViv2yR4=");
    }

    #[test]
    fn presets_format_their_documented_bodies() {
        let e = event();
        let body =
            |p: &str| -> Value { serde_json::from_str(&request(p, "https://x.example/h", "s", &e, 0).body).unwrap() };
        assert_eq!(
            body("slack")["text"],
            "*Gate passed*\nPhase 1 passed its gate.\n<https://nf.example/projects/1|Huamei CRM>"
        );
        let t = body("teams");
        assert_eq!(t["type"], "message");
        assert_eq!(t["attachments"][0]["contentType"], "application/vnd.microsoft.card.adaptive");
        assert_eq!(t["attachments"][0]["content"]["type"], "AdaptiveCard");
        assert_eq!(t["attachments"][0]["content"]["body"][0]["text"], "Gate passed");
        assert_eq!(body("wecom")["msgtype"], "markdown");
        assert_eq!(
            body("wecom")["markdown"]["content"],
            "**Gate passed**\n\nPhase 1 passed its gate.\n\n[Huamei CRM](https://nf.example/projects/1)"
        );
        assert_eq!(body("dingtalk")["markdown"]["title"], "Gate passed");
        assert_eq!(body("feishu")["msg_type"], "text");
        assert_eq!(body("feishu")["timestamp"], "0");
        let n = body("ninefold");
        assert_eq!(n["event"], "gate.decided");
        assert_eq!(n["data"]["decision"], "pass");
        let r = request("ninefold", "https://x.example/h", "s", &e, 5_000);
        let sig = r.headers.iter().find(|(k, _)| *k == SIGNATURE_HEADER).map(|(_, v)| v.clone()).unwrap();
        assert!(verify("s", "5", &r.body, &sig, 5));
    }

    #[test]
    fn chat_tools_refuse_in_the_body() {
        assert!(refused_in_body("dingtalk", r#"{"errcode":310000,"errmsg":"sign not match"}"#).is_some());
        assert!(refused_in_body("dingtalk", r#"{"errcode":0,"errmsg":"ok"}"#).is_none());
        assert!(refused_in_body("feishu", r#"{"code":19021,"msg":"sign match fail"}"#).is_some());
        assert!(refused_in_body("slack", "ok").is_none());
    }

    #[test]
    fn urls() {
        assert!(valid_url("https://hooks.slack.com/services/T/B/x"));
        assert!(valid_url("http://127.0.0.1:9000/hook"));
        assert!(!valid_url("ftp://x.example/"));
        assert!(!valid_url("https://"));
        assert!(!valid_url("https://a b.example/"));
        assert!(!valid_url("javascript:alert(1)"));
    }
}
