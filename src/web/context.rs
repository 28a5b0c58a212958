//! The request context: who is logged in, which language to speak, the CSRF token; plus the
//! CSRF check on every state-changing request and the rendering of error responses.
use crate::AppState;
use crate::entity::user;
use crate::error::{AppError, ErrorInfo};
use crate::i18n::{self, Lang};
use crate::service::sessions;
use axum::body::Body;
use axum::extract::{FromRequestParts, Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header, request::Parts};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};

pub const SESSION_COOKIE: &str = "nf_session";
/// Double-submit token for visitors without a session (the login form).
pub const PRE_CSRF_COOKIE: &str = "nf_csrf";
pub const LANG_COOKIE: &str = "nf_lang";
/// Form bodies larger than this are refused before parsing.
pub const BODY_LIMIT: usize = 1 << 20;

#[derive(Clone, Debug)]
pub struct Ctx {
    pub user: Option<user::Model>,
    pub session_token: Option<String>,
    pub csrf: String,
    pub lang: Lang,
    /// The language was chosen (the account's setting or the switcher's cookie), not guessed
    /// from the browser: pages that know better (an invitation's own language) respect it.
    pub lang_chosen: bool,
    pub path: String,
    /// Cookies get `Secure` when configured, or when a proxy says the request came over HTTPS.
    pub secure: bool,
    /// The client's address when known (`security::client_address`), for login throttling.
    pub client: Option<std::net::IpAddr>,
    /// Unread notifications of the logged-in user (the header's inbox count; pages only).
    pub unread: u64,
}

impl Ctx {
    pub fn user(&self) -> Result<&user::Model, AppError> {
        self.user.as_ref().ok_or(AppError::Unauthenticated)
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Ctx {
    type Rejection = AppError;
    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        parts.extensions.get::<Ctx>().cloned().ok_or(AppError::Internal("request context missing".into()))
    }
}

pub fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

pub fn set_cookie(name: &str, value: &str, max_age_secs: i64, http_only: bool, secure: bool) -> HeaderValue {
    let mut c = format!("{name}={value}; Path=/; Max-Age={max_age_secs}; SameSite=Lax");
    if http_only {
        c.push_str("; HttpOnly");
    }
    if secure {
        c.push_str("; Secure");
    }
    HeaderValue::from_str(&c).unwrap_or_else(|_| HeaderValue::from_static(""))
}

fn constant_time_eq(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.bytes().zip(b.bytes()).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

pub async fn middleware(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let (mut parts, body) = req.into_parts();
    let headers = &parts.headers;
    let token = cookie(headers, SESSION_COOKIE).map(str::to_string);
    let found = match &token {
        Some(t) => match sessions::lookup(&state.db, t, state.session_idle).await {
            Ok(f) => f,
            Err(e) => return AppError::from(e).into_response(),
        },
        None => None,
    };
    let pre_csrf = cookie(headers, PRE_CSRF_COOKIE).filter(|v| v.len() == 64).map(str::to_string);
    let new_pre_csrf = (found.is_none() && pre_csrf.is_none()).then(sessions::random_token);
    let csrf = match &found {
        Some((s, _)) => s.csrf_token.clone(),
        None => pre_csrf.clone().or(new_pre_csrf.clone()).unwrap_or_default(),
    };
    let user = found.map(|(_, u)| u);
    let unread = match &user {
        Some(u) if parts.method == Method::GET && !parts.uri.path().starts_with("/api/") => {
            crate::service::notify::unread(&state.db.conn, u.id).await.unwrap_or(0)
        }
        _ => 0,
    };
    let lang_chosen = user.as_ref().is_some_and(|u| u.locale.is_some()) || cookie(headers, LANG_COOKIE).is_some();
    let lang = i18n::negotiate(
        user.as_ref().and_then(|u| u.locale.as_deref()),
        cookie(headers, LANG_COOKIE),
        headers.get(header::ACCEPT_LANGUAGE).and_then(|v| v.to_str().ok()),
    );
    let ctx = Ctx {
        user,
        session_token: token.filter(|_| csrf.len() == 64),
        csrf: csrf.clone(),
        lang,
        lang_chosen,
        path: parts.uri.path_and_query().map_or("/".into(), |p| p.to_string()),
        secure: state.secure_cookies
            || headers
                .get("x-forwarded-proto")
                .and_then(|v| v.to_str().ok())
                .is_some_and(|v| v.eq_ignore_ascii_case("https")),
        client: super::security::client_address(
            parts.extensions.get::<axum::extract::ConnectInfo<std::net::SocketAddr>>().map(|c| c.0.ip()),
            headers.get("x-forwarded-for").and_then(|v| v.to_str().ok()),
        ),
        unread,
    };

    // CSRF: every state-changing request carries the token, in a header or as `_csrf`.
    let body = if matches!(parts.method, Method::GET | Method::HEAD | Method::OPTIONS) {
        body
    } else {
        // An attachment upload may be as large as the upload limit (`web::collab`).
        let upload = super::collab::is_upload(parts.uri.path());
        let limit = if upload { super::collab::upload_body_limit() } else { BODY_LIMIT };
        let bytes = match axum::body::to_bytes(body, limit).await {
            Ok(b) => b,
            Err(_) if upload => {
                return finish(&state, &ctx, AppError::Rule("collab.err.file_too_big").into_response());
            }
            Err(_) => return finish(&state, &ctx, AppError::BadRequest.into_response()),
        };
        let sent = parts
            .headers
            .get("x-csrf-token")
            .and_then(|v| v.to_str().ok())
            .map(str::to_string)
            .or_else(|| multipart_field(&bytes, "_csrf"))
            .or_else(|| crate::web::form::FormData::parse(&bytes).map(|f| f.get("_csrf").to_string()));
        // CSRF guards the session cookie. An API call without one (the running CRM with its
        // bearer token) carries no credential a browser would attach, so nothing to forge.
        let api_without_session =
            parts.uri.path().starts_with("/api/") && cookie(&parts.headers, SESSION_COOKIE).is_none();
        let ok = api_without_session
            || (!csrf.is_empty() && new_pre_csrf.is_none() && sent.is_some_and(|s| constant_time_eq(&s, &csrf)));
        if !ok {
            return finish(&state, &ctx, AppError::Csrf.into_response());
        }
        Body::from(bytes)
    };
    parts.extensions.insert(ctx.clone());
    let mut resp = next.run(Request::from_parts(parts, body)).await;
    if let Some(t) = new_pre_csrf {
        resp.headers_mut().append(header::SET_COOKIE, set_cookie(PRE_CSRF_COOKIE, &t, 86_400, true, ctx.secure));
    }
    finish(&state, &ctx, resp)
}

/// Turn an error marker into a page (or JSON for the API) in the user's language.
fn finish(state: &AppState, ctx: &Ctx, resp: Response) -> Response {
    let info = match resp.extensions().get::<ErrorInfo>().cloned() {
        Some(info) => info,
        // The API's problem documents are already in the caller's language.
        None if resp
            .headers()
            .get(header::CONTENT_TYPE)
            .is_some_and(|v| v.as_bytes() == b"application/problem+json") =>
        {
            return resp;
        }
        // The router's own answers (no such path or method, a path segment that is no
        // number) carry no page: they get the localised error page like any other.
        None => match resp.status() {
            s @ StatusCode::NOT_FOUND => ErrorInfo { status: s, message: "err.not_found" },
            s @ StatusCode::METHOD_NOT_ALLOWED => ErrorInfo { status: s, message: "err.method_not_allowed" },
            s @ StatusCode::BAD_REQUEST
                if resp
                    .headers()
                    .get(header::CONTENT_TYPE)
                    .is_none_or(|v| v.to_str().is_ok_and(|v| v.starts_with("text/plain"))) =>
            {
                ErrorInfo { status: s, message: "err.bad_request" }
            }
            _ => return resp,
        },
    };
    let cookies: Vec<HeaderValue> = resp.headers().get_all(header::SET_COOKIE).iter().cloned().collect();
    let allow = resp.headers().get(header::ALLOW).cloned();
    let mut out = if info.status == StatusCode::UNAUTHORIZED && !ctx.path.starts_with("/api/") {
        let next = urlencode(&ctx.path);
        Redirect::to(&format!("/login?next={next}")).into_response()
    } else if ctx.path.starts_with("/api/") {
        let body = serde_json::json!({ "error": info.message, "message": i18n::t(ctx.lang, info.message) });
        (info.status, axum::Json(body)).into_response()
    } else {
        let mut page = super::render::page(
            state,
            ctx,
            "error.html",
            minijinja::context! { status => info.status.as_u16(), message => info.message },
        );
        *page.status_mut() = info.status;
        page
    };
    for c in cookies {
        out.headers_mut().append(header::SET_COOKIE, c);
    }
    if let Some(a) = allow {
        out.headers_mut().insert(header::ALLOW, a);
    }
    out
}

/// The value of a small text field in a multipart/form-data body (the CSRF token of an
/// upload form), without parsing the uploaded files.
fn multipart_field(body: &[u8], name: &str) -> Option<String> {
    let needle = format!("name=\"{name}\"");
    let start = body.windows(needle.len()).position(|w| w == needle.as_bytes())? + needle.len();
    let rest = &body[start..];
    let value_at = rest.windows(4).position(|w| w == b"\r\n\r\n")? + 4;
    let value = &rest[value_at..];
    let end = value.windows(2).position(|w| w == b"\r\n")?;
    String::from_utf8(value[..end].to_vec()).ok()
}

pub fn urlencode(s: &str) -> String {
    serde_urlencoded::to_string([("", s)]).map(|e| e[1..].to_string()).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    #[test]
    fn csrf_from_multipart() {
        let body = b"--X\r\nContent-Disposition: form-data; name=\"_csrf\"\r\n\r\nabc123\r\n--X\r\nContent-Disposition: form-data; name=\"file\"; filename=\"m.csv\"\r\n\r\ndata\r\n--X--\r\n";
        assert_eq!(super::multipart_field(body, "_csrf").as_deref(), Some("abc123"));
        assert_eq!(super::multipart_field(body, "other"), None);
    }
}
