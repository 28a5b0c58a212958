//! The Documents tab: the deliverable PDFs a project can generate, in English or Chinese,
//! every generated version (who, when, SHA-256) and its exact bytes to download.
use super::context::Ctx;
use super::form::FormData;
use super::projects::{authorize, can};
use super::render::{page, ser};
use crate::AppState;
use crate::domain::policy::Action;
use crate::error::{AppError, AppResult};
use crate::i18n::Lang;
use crate::report;
use crate::service::documents::{self, Kind};
use crate::service::documents_tab;
use axum::extract::{Path, Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Redirect, Response};
use minijinja::context;
use std::collections::HashMap;

fn pdf_response(bytes: Vec<u8>, filename: &str) -> Response {
    (
        [
            (header::CONTENT_TYPE, "application/pdf".to_string()),
            (header::CONTENT_DISPOSITION, format!("inline; filename=\"{filename}\"")),
        ],
        bytes,
    )
        .into_response()
}

pub async fn index(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i32>,
    Query(q): Query<HashMap<String, String>>,
) -> AppResult<Response> {
    let (_, a) = authorize(&state, &ctx, id, Action::View).await?;
    let lang = q.get("lang").and_then(|l| Lang::parse(l)).unwrap_or(ctx.lang);
    let tab = documents_tab::tab(&state.db.conn, id, ctx.lang).await?;
    let data = context! {
        project => ser(&a.project),
        kinds => ser(&tab.kinds),
        doctab => ser(&tab),
        lang => lang.code(),
        can => can(a.role),
    };
    Ok(page(&state, &ctx, "documents/index.html", data).into_response())
}

/// What the form or query asks the document to cover: `phase` (gate report) or `review`
/// (review pack); empty means the default. Anything else is a bad request.
fn scope(kind: Kind, get: impl Fn(&str) -> String) -> AppResult<report::Scope> {
    let num = |k: &str| -> AppResult<Option<i32>> {
        let v = get(k);
        let v = v.trim();
        if v.is_empty() { Ok(None) } else { v.parse().map(Some).map_err(|_| AppError::BadRequest) }
    };
    Ok(report::Scope {
        phase: if kind == Kind::Gate { num("phase")? } else { None },
        review: if kind == Kind::Review { num("review")? } else { None },
    })
}

/// Generate a new version of a document and keep it.
pub async fn generate(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i32>,
    form: FormData,
) -> AppResult<Response> {
    let (actor, _) = authorize(&state, &ctx, id, Action::Contribute).await?;
    let kind = Kind::parse(form.get("kind")).ok_or(AppError::BadRequest)?;
    let lang = Lang::parse(form.get("lang")).unwrap_or(ctx.lang);
    report::publish_scoped(&state.db, Some(actor), id, kind, lang, scope(kind, |k| form.get(k).to_string())?).await?;
    Ok(Redirect::to(&format!("/projects/{id}/documents?lang={}", lang.code())).into_response())
}

/// A stored version, byte for byte.
pub async fn download(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, doc)): Path<(i32, i32)>,
) -> AppResult<Response> {
    authorize(&state, &ctx, id, Action::View).await?;
    let d = documents::head(&state.db.conn, id, doc).await?;
    let name = format!("{}-{}-v{}.pdf", d.kind, d.lang, d.doc_version);
    // Streamed in pieces read one after another: a download holds one piece in memory,
    // not the whole document.
    const PIECE: i32 = 256 * 1024;
    let size = i32::try_from(d.size).map_err(|_| AppError::NotFound)?;
    let conn = state.db.conn.clone();
    let pieces = futures_util::stream::unfold(0i32, move |offset| {
        let conn = conn.clone();
        async move {
            if offset >= size {
                return None;
            }
            let piece = documents::chunk(&conn, id, doc, offset, PIECE).await;
            let next = match &piece {
                Ok(b) if !b.is_empty() => offset.saturating_add(b.len() as i32),
                _ => size,
            };
            Some((piece.map_err(std::io::Error::other), next))
        }
    });
    Ok((
        [
            (header::CONTENT_TYPE, "application/pdf".to_string()),
            (header::CONTENT_DISPOSITION, format!("inline; filename=\"{name}\"")),
            (header::CONTENT_LENGTH, d.size.to_string()),
        ],
        axum::body::Body::from_stream(pieces),
    )
        .into_response())
}

/// A preview of a document as it would be generated now (not kept): `?lang=zh` for Chinese.
pub async fn preview(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, kind)): Path<(i32, String)>,
    Query(q): Query<HashMap<String, String>>,
) -> AppResult<Response> {
    authorize(&state, &ctx, id, Action::View).await?;
    let kind = Kind::parse(kind.trim_end_matches(".pdf")).ok_or(AppError::NotFound)?;
    let lang = q.get("lang").and_then(|l| Lang::parse(l)).unwrap_or(ctx.lang);
    let scope = scope(kind, |k| q.get(k).cloned().unwrap_or_default())?;
    let bytes = report::preview_scoped(&state.db, id, kind, lang, &ctx.user()?.name, scope).await?;
    Ok(pdf_response(bytes, &format!("{}-{}.pdf", kind.key(), lang.code())))
}

/// This area's pages and form posts.
pub fn routes() -> axum::Router<crate::AppState> {
    use axum::routing::get;
    axum::Router::new()
        .route("/projects/{id}/documents", get(index).post(generate))
        .route("/projects/{id}/documents/preview/{kind}", get(preview))
        .route("/projects/{id}/documents/{doc}", get(download))
}
