//! Static files, embedded in the binary: one stylesheet and vendored htmx.
use axum::extract::Path;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};

const FILES: &[(&str, &str, &[u8])] = &[
    ("style.css", "text/css; charset=utf-8", include_bytes!("../../templates/static/style.css")),
    ("htmx.min.js", "text/javascript; charset=utf-8", include_bytes!("../../templates/static/htmx.min.js")),
    ("import.js", "text/javascript; charset=utf-8", include_bytes!("../../templates/static/import.js")),
    ("favicon.svg", "image/svg+xml", include_bytes!("../../templates/static/favicon.svg")),
];

pub async fn serve(Path(file): Path<String>) -> Response {
    match FILES.iter().find(|(n, _, _)| *n == file) {
        Some((_, mime, body)) => {
            ([(header::CONTENT_TYPE, *mime), (header::CACHE_CONTROL, "public, max-age=3600")], *body).into_response()
        }
        None => StatusCode::NOT_FOUND.into_response(),
    }
}
