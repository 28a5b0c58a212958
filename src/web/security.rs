//! Security on every response: the headers that close browser-side doors (CSP without
//! inline script or style, no framing, no sniffing, no referrer to other sites), `no-store`
//! on authenticated and generated content, the same-site check for `next`/`back` targets, and
//! the layer that turns a panic into one localised 500 instead of a dropped connection.
use crate::AppState;
use crate::error::AppError;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Everything from this origin, nothing inline, no plugins, never framed.
pub const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
font-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'";
pub const PERMISSIONS: &str = "camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()";

/// A same-site path to go to after a form (`next`, `back`), or `None`: it must start with one
/// `/` (not `//` or `/\`, which browsers read as another host) and hold only visible ASCII,
/// so neither `/%09/evil.example` (browsers drop the tab) nor a control character gets through.
pub fn local_path(target: &str) -> Option<&str> {
    let b = target.as_bytes();
    let ok = b.first() == Some(&b'/')
        && !matches!(b.get(1), Some(b'/') | Some(b'\\'))
        && b.len() <= 2048
        && b.iter().all(|c| c.is_ascii_graphic() && *c != b'\\');
    ok.then_some(target)
}

/// `local_path` or the portfolio.
pub fn local_or_home(target: &str) -> &str {
    local_path(target).unwrap_or("/projects")
}

/// The configured base URL without a trailing `/`; an absent or malformed value falls back
/// to the default listen address.
pub fn base_url(configured: Option<&str>) -> String {
    configured
        .map(|u| u.trim().trim_end_matches('/'))
        .filter(|u| {
            (u.starts_with("http://") || u.starts_with("https://"))
                && u.len() > "https://".len()
                && u.bytes().all(|b| b.is_ascii_graphic())
        })
        .unwrap_or("http://127.0.0.1:8080")
        .to_string()
}

/// How logins are slowed down and accounts locked. From the environment in production
/// (`NINEFOLD_LOGIN_LOCK_AFTER`, `NINEFOLD_LOGIN_LOCK_MINUTES`); tests set their own.
#[derive(Clone, Copy, Debug)]
pub struct LoginPolicy {
    /// Failures per account name or client address answered at once; after them each
    /// attempt waits `first_delay`, doubling with every failure up to `max_delay`.
    pub free_attempts: u32,
    pub first_delay: Duration,
    pub max_delay: Duration,
    /// Wrong passwords in a row that lock an account, and for how long.
    pub lockout: crate::service::users::Lockout,
}

impl LoginPolicy {
    pub fn from_env() -> LoginPolicy {
        let num = |k: &str, d: i64| std::env::var(k).ok().and_then(|v| v.trim().parse::<i64>().ok()).unwrap_or(d);
        LoginPolicy {
            free_attempts: 3,
            first_delay: Duration::from_secs(1),
            max_delay: Duration::from_secs(300),
            lockout: crate::service::users::Lockout {
                lock_after: i32::try_from(num("NINEFOLD_LOGIN_LOCK_AFTER", 10).clamp(1, 1000)).unwrap_or(10),
                lock_for: chrono::Duration::minutes(num("NINEFOLD_LOGIN_LOCK_MINUTES", 15).clamp(1, 7 * 24 * 60)),
            },
        }
    }
}

/// Failed logins per key (an account name, a client address), in memory: the growing delay
/// between attempts. (The lock itself is on the account, in the database.)
#[derive(Debug, Default)]
pub struct Throttle {
    entries: Mutex<HashMap<String, (u32, Instant)>>,
}

/// At most this many keys are remembered; beyond it, the ones whose wait is over go first.
const THROTTLE_KEYS: usize = 100_000;

impl Throttle {
    /// Seconds to wait before the next attempt under any of `keys`, if any.
    pub fn retry_after(&self, keys: &[String], now: Instant) -> Option<u64> {
        let map = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        keys.iter()
            .filter_map(|k| map.get(k))
            .filter(|(_, until)| *until > now)
            .map(|(_, until)| until.duration_since(now).as_secs().max(1))
            .max()
    }

    /// A failed attempt under `keys`: from the `free_attempts`-th on, the next one waits.
    pub fn failed(&self, keys: &[String], policy: &LoginPolicy, now: Instant) {
        let mut map = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        if map.len() >= THROTTLE_KEYS {
            map.retain(|_, (_, until)| *until > now);
        }
        for k in keys {
            let e = map.entry(k.clone()).or_insert((0, now));
            e.0 = e.0.saturating_add(1);
            if e.0 >= policy.free_attempts {
                let doublings = (e.0 - policy.free_attempts).min(20);
                let wait = policy.first_delay.saturating_mul(1 << doublings).min(policy.max_delay);
                e.1 = now + wait;
            }
        }
    }

    pub fn succeeded(&self, keys: &[String]) {
        let mut map = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        for k in keys {
            map.remove(k);
        }
    }
}

/// The throttle keys of a login attempt: the account name as typed (known or not, so the
/// answer does not tell) and the client's address when known.
pub fn login_keys(email: &str, client: Option<IpAddr>) -> Vec<String> {
    let mut keys = vec![format!("account:{}", email.trim().to_lowercase())];
    if let Some(ip) = client {
        keys.push(format!("address:{ip}"));
    }
    keys
}

/// The client's address: the peer, or, when the peer is a proxy on this machine, the
/// address it reports in `X-Forwarded-For` (its last entry, the one it added).
pub fn client_address(peer: Option<IpAddr>, forwarded_for: Option<&str>) -> Option<IpAddr> {
    match peer {
        Some(p) if p.is_loopback() => {
            forwarded_for.and_then(|v| v.rsplit(',').next()).and_then(|v| v.trim().parse().ok()).or(Some(p))
        }
        other => other,
    }
}

fn is_static(path: &str) -> bool {
    path.starts_with("/static/")
}

/// The security headers on every response; `Cache-Control: no-store` on every response that
/// is not a static asset and was asked for with a session, and on every PDF or download.
pub async fn headers(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let authenticated = super::context::cookie(req.headers(), super::context::SESSION_COOKIE).is_some();
    let static_asset = is_static(req.uri().path());
    let mut resp = next.run(req).await;
    let h = resp.headers_mut();
    h.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(CSP));
    h.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(header::REFERRER_POLICY, HeaderValue::from_static("same-origin"));
    h.insert("permissions-policy", HeaderValue::from_static(PERMISSIONS));
    if state.secure_cookies {
        h.insert(header::STRICT_TRANSPORT_SECURITY, HeaderValue::from_static("max-age=31536000; includeSubDomains"));
    }
    let generated = h.get(header::CONTENT_DISPOSITION).is_some()
        || h.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).is_some_and(|t| {
            t.starts_with("application/pdf") || t.starts_with("text/csv") || t.starts_with("text/calendar")
        });
    if !static_asset && (authenticated || generated) {
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    resp
}

/// Run the request in its own task so that a panic in a handler costs that request only: it
/// is logged and answered with the localised 500 page (JSON under `/api/`, rendered by the
/// context middleware outside this layer).
pub async fn catch_panic(req: Request, next: Next) -> Response {
    let method = req.method().clone();
    // Caught in place rather than in a spawned task: the request keeps its task-local
    // context (the tests' fixed "today", the tracing span) and costs no extra task.
    use futures_util::FutureExt;
    match std::panic::AssertUnwindSafe(next.run(req)).catch_unwind().await {
        Ok(resp) => resp,
        Err(p) => {
            let why = p
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| p.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "panic".into());
            tracing::error!(%method, panic = %why, "request handler panicked");
            AppError::Internal(format!("panic: {why}")).into_response()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delays_grow_per_key() {
        let policy = LoginPolicy::from_env();
        let t = Throttle::default();
        let now = Instant::now();
        let keys = login_keys("Ann@x.example ", None);
        assert_eq!(keys, ["account:ann@x.example"]);
        for _ in 0..policy.free_attempts - 1 {
            t.failed(&keys, &policy, now);
            assert_eq!(t.retry_after(&keys, now), None);
        }
        t.failed(&keys, &policy, now);
        assert_eq!(t.retry_after(&keys, now), Some(1));
        t.failed(&keys, &policy, now);
        assert_eq!(t.retry_after(&keys, now), Some(2));
        for _ in 0..40 {
            t.failed(&keys, &policy, now);
        }
        assert_eq!(t.retry_after(&keys, now), Some(300), "bounded");
        assert_eq!(t.retry_after(&login_keys("other@x.example", None), now), None, "keyed");
        t.succeeded(&keys);
        assert_eq!(t.retry_after(&keys, now), None);
    }

    #[test]
    fn client_address_trusts_only_a_local_proxy() {
        let local: IpAddr = "127.0.0.1".parse().unwrap();
        let far: IpAddr = "203.0.113.9".parse().unwrap();
        assert_eq!(client_address(Some(local), Some("198.51.100.1, 203.0.113.9")), Some(far));
        assert_eq!(client_address(Some(far), Some("198.51.100.1")), Some(far));
        assert_eq!(client_address(Some(local), Some("junk")), Some(local));
        assert_eq!(client_address(None, Some("203.0.113.9")), None);
    }

    #[test]
    fn base_url_is_configured_not_guessed() {
        assert_eq!(base_url(Some("https://pm.example.com/")), "https://pm.example.com");
        assert_eq!(base_url(None), "http://127.0.0.1:8080");
        assert_eq!(base_url(Some("evil.example")), "http://127.0.0.1:8080");
        assert_eq!(base_url(Some("https://a b")), "http://127.0.0.1:8080");
    }

    #[test]
    fn only_same_site_paths() {
        assert_eq!(local_path("/projects/3?tab=x#a"), Some("/projects/3?tab=x#a"));
        for bad in [
            "//evil.example",
            "/\\evil.example",
            "/\t/evil.example",
            "/\n/evil.example",
            "https://evil.example",
            "evil",
            "",
            "/a\u{0}b",
            "/a\u{7f}",
            "/项目",
            "/ok\\..\\x",
        ] {
            assert_eq!(local_path(bad), None, "{bad:?}");
            assert_eq!(local_or_home(bad), "/projects");
        }
    }
}
