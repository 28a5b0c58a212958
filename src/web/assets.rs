//! Static files, embedded in the binary: one stylesheet, vendored htmx and the icon.
//! Pages link them by content-hashed names (`asset_url`, `style.3f2a…c1.css`), served with a
//! one-year immutable cache lifetime; the plain names still answer, with an ETag and a short
//! lifetime, and a matching `If-None-Match` gets 304.
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};
use std::sync::OnceLock;

const FILES: &[(&str, &str, &[u8])] = &[
    ("style.css", "text/css; charset=utf-8", include_bytes!("../../templates/static/style.css")),
    ("htmx.min.js", "text/javascript; charset=utf-8", include_bytes!("../../templates/static/htmx.min.js")),
    ("import.js", "text/javascript; charset=utf-8", include_bytes!("../../templates/static/import.js")),
    ("back.js", "text/javascript; charset=utf-8", include_bytes!("../../templates/static/back.js")),
    ("favicon.svg", "image/svg+xml", include_bytes!("../../templates/static/favicon.svg")),
];

struct Asset {
    name: &'static str,
    hashed: String,
    etag: String,
    mime: &'static str,
    body: &'static [u8],
}

fn assets() -> &'static [Asset] {
    static ASSETS: OnceLock<Vec<Asset>> = OnceLock::new();
    ASSETS.get_or_init(|| {
        FILES
            .iter()
            .map(|(name, mime, body)| {
                let hash = hex::encode(&Sha256::digest(body)[..8]);
                let hashed = match name.rsplit_once('.') {
                    Some((stem, ext)) => format!("{stem}.{hash}.{ext}"),
                    None => format!("{name}.{hash}"),
                };
                Asset { name, hashed, etag: format!("\"{hash}\""), mime, body }
            })
            .collect()
    })
}

/// The URL of a static file under its content-hashed name (the plain name if unknown).
pub fn asset_url(name: &str) -> String {
    match assets().iter().find(|a| a.name == name) {
        Some(a) => format!("/static/{}", a.hashed),
        None => format!("/static/{name}"),
    }
}

pub async fn serve(axum::extract::Path(file): axum::extract::Path<String>, headers: HeaderMap) -> Response {
    let Some((a, hashed)) = assets().iter().find_map(|a| {
        if a.hashed == file {
            Some((a, true))
        } else if a.name == file {
            Some((a, false))
        } else {
            None
        }
    }) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let cache = if hashed { "public, max-age=31536000, immutable" } else { "public, max-age=3600" };
    let matches = headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|t| t.trim() == a.etag || t.trim() == "*"));
    let head = [(header::ETAG, a.etag.as_str()), (header::CACHE_CONTROL, cache)];
    if matches {
        return (StatusCode::NOT_MODIFIED, head).into_response();
    }
    (head, [(header::CONTENT_TYPE, a.mime)], a.body).into_response()
}
