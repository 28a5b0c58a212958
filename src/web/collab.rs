//! Working together: invitations, password reset, the inbox and notification settings,
//! comments and attachments on a project's records, and the administrators' outbox page.
use super::context::{Ctx, SESSION_COOKIE, set_cookie};
use super::form::FormData;
use super::projects::{authorize, error_map};
use super::render::{page, ser};
use crate::AppState;
use crate::domain::notify::{Kind, Mode};
use crate::domain::policy::{Action, Role};
use crate::domain::validation::FieldErrors;
use crate::error::{AppError, AppResult};
use crate::service::{self, collab, invitations, notify, sessions};
use axum::extract::{DefaultBodyLimit, Multipart, Path, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use minijinja::context;

// ---------------------------------------------------------------- invitations

async fn invitations_page(
    state: &AppState,
    ctx: &Ctx,
    id: i32,
    status: StatusCode,
    form: &FormData,
    errors: FieldErrors,
    sent: Option<&str>,
) -> AppResult<Response> {
    let (_, a) = authorize(state, ctx, id, Action::Invite).await?;
    let list = invitations::list(&state.db.conn, id).await?;
    let people = service::organisation::people(&state.db.conn, id).await?;
    let now = service::now();
    let rows: Vec<_> = list
        .iter()
        .map(|i| {
            let state = if i.used_at.is_some() {
                "accepted"
            } else if i.expires_at < now {
                "expired"
            } else {
                "pending"
            };
            context! { email => i.email.clone(), name => i.name.clone(), role => i.role.clone(), state, created_at => i.created_at.to_rfc3339(), expires_at => i.expires_at.to_rfc3339() }
        })
        .collect();
    let roles: Vec<&str> = Role::ALL.iter().map(|r| r.as_str()).collect();
    let data = context! {
        project => ser(&a.project),
        can => super::projects::can(a.role),
        invitations => rows,
        people => ser(&people),
        roles,
        errors => error_map(&errors),
        email => form.get("email"),
        name => form.get("name"),
        role => if form.get("role").is_empty() { "member" } else { form.get("role") },
        person_id => form.get("person_id"),
        invite_lang => if form.get("lang").is_empty() { ctx.lang.code() } else { form.get("lang") },
        sent,
    };
    Ok((status, page(state, ctx, "collab/invitations.html", data)).into_response())
}

pub async fn invitations(State(state): State<AppState>, ctx: Ctx, Path(id): Path<i32>) -> AppResult<Response> {
    invitations_page(&state, &ctx, id, StatusCode::OK, &FormData::default(), FieldErrors::default(), None).await
}

pub async fn invite(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i32>,
    form: FormData,
) -> AppResult<Response> {
    let (actor, _) = authorize(&state, &ctx, id, Action::Invite).await?;
    let person_id = match form.get("person_id").trim() {
        "" => None,
        s => Some(s.parse::<i32>().map_err(|_| AppError::BadRequest)?),
    };
    let input = invitations::InviteInput {
        email: form.get("email").into(),
        name: form.get("name").into(),
        role: form.get("role").into(),
        person_id,
        lang: form.get("lang").into(),
    };
    match invitations::invite(&state.db, actor, id, &input, &state.base_url).await {
        Ok(invitations::Invited::Sent(_)) => {
            Ok(Redirect::to(&format!("/projects/{id}/invitations?sent=invited")).into_response())
        }
        Ok(invitations::Invited::Joined(_)) => {
            Ok(Redirect::to(&format!("/projects/{id}/invitations?sent=joined")).into_response())
        }
        Err(service::Error::Invalid(e)) => {
            invitations_page(&state, &ctx, id, StatusCode::UNPROCESSABLE_ENTITY, &form, e, None).await
        }
        Err(e) => Err(e.into()),
    }
}

pub async fn invitations_sent(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i32>,
    axum::extract::Query(q): axum::extract::Query<std::collections::HashMap<String, String>>,
) -> AppResult<Response> {
    let sent = q.get("sent").map(String::as_str).filter(|s| matches!(*s, "invited" | "joined"));
    invitations_page(&state, &ctx, id, StatusCode::OK, &FormData::default(), FieldErrors::default(), sent).await
}

/// An invitation's page speaks the language it was sent in, unless the visitor chose one.
fn in_invitation_language(mut ctx: Ctx, inv: Option<&invitations::Pending>) -> Ctx {
    if !ctx.lang_chosen
        && let Some(lang) = inv.and_then(|i| crate::i18n::Lang::parse(&i.lang))
    {
        ctx.lang = lang;
    }
    ctx
}

pub async fn accept_page(State(state): State<AppState>, ctx: Ctx, Path(token): Path<String>) -> AppResult<Response> {
    let inv = invitations::pending(&state.db, &token).await?;
    let ctx = in_invitation_language(ctx, inv.as_ref());
    let status = if inv.is_some() { StatusCode::OK } else { StatusCode::NOT_FOUND };
    let name = inv.as_ref().map(|i| i.name.clone()).unwrap_or_default();
    let data = context! { inv => ser(&inv), token, name, errors => context! {} };
    Ok((status, page(&state, &ctx, "collab/accept.html", data)).into_response())
}

pub async fn accept(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(token): Path<String>,
    form: FormData,
) -> AppResult<Response> {
    match invitations::accept(&state.db, &token, form.get("name"), form.get("password")).await {
        Ok((u, project_id)) => login_as(&state, &ctx, u.id, &format!("/projects/{project_id}")).await,
        Err(service::Error::Invalid(e)) => {
            let inv = invitations::pending(&state.db, &token).await?;
            let ctx = in_invitation_language(ctx, inv.as_ref());
            let data = context! { inv => ser(&inv), token, name => form.get("name"), errors => error_map(&e) };
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page(&state, &ctx, "collab/accept.html", data)).into_response())
        }
        Err(service::Error::NotFound) => {
            let data = context! { inv => ser(&None::<()>), token, name => "", errors => context! {} };
            Ok((StatusCode::NOT_FOUND, page(&state, &ctx, "collab/accept.html", data)).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

/// Start a session for `user_id` (a fresh one; the browser's old one ends) and go to `next`.
async fn login_as(state: &AppState, ctx: &Ctx, user_id: i32, next: &str) -> AppResult<Response> {
    if let Some(old) = &ctx.session_token {
        sessions::delete(&state.db, old).await?;
    }
    let token = sessions::create(&state.db, user_id).await?;
    let cookie = set_cookie(SESSION_COOKIE, &token, sessions::LIFETIME_DAYS * 86_400, true, ctx.secure);
    Ok(([(header::SET_COOKIE, cookie)], Redirect::to(next)).into_response())
}

// ---------------------------------------------------------------- password reset

pub async fn forgot_page(State(state): State<AppState>, ctx: Ctx) -> AppResult<Response> {
    Ok(page(&state, &ctx, "collab/forgot.html", context! { sent => false, email => "" }).into_response())
}

pub async fn forgot(State(state): State<AppState>, ctx: Ctx, form: FormData) -> AppResult<Response> {
    let email = form.get("email");
    // The same answer whether or not the address has an account.
    invitations::request_reset(&state.db, email, ctx.lang, &state.base_url).await?;
    Ok(page(&state, &ctx, "collab/forgot.html", context! { sent => true, email }).into_response())
}

pub async fn reset_page(State(state): State<AppState>, ctx: Ctx, Path(token): Path<String>) -> AppResult<Response> {
    let valid = invitations::reset_valid(&state.db, &token).await?;
    let status = if valid { StatusCode::OK } else { StatusCode::NOT_FOUND };
    let data = context! { valid, token, errors => context! {} };
    Ok((status, page(&state, &ctx, "collab/reset.html", data)).into_response())
}

pub async fn reset(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(token): Path<String>,
    form: FormData,
) -> AppResult<Response> {
    match invitations::reset(&state.db, &token, form.get("password")).await {
        Ok(u) => login_as(&state, &ctx, u.id, "/projects").await,
        Err(service::Error::Invalid(e)) => {
            let data = context! { valid => true, token, errors => error_map(&e) };
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page(&state, &ctx, "collab/reset.html", data)).into_response())
        }
        Err(service::Error::NotFound) => {
            let data = context! { valid => false, token, errors => context! {} };
            Ok((StatusCode::NOT_FOUND, page(&state, &ctx, "collab/reset.html", data)).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

// ---------------------------------------------------------------- inbox and settings

pub async fn inbox(State(state): State<AppState>, ctx: Ctx) -> AppResult<Response> {
    let u = ctx.user()?;
    let view = notify::inbox(&state.db.conn, u.id, ctx.lang).await?;
    Ok(page(&state, &ctx, "collab/inbox.html", context! { inbox => ser(&view) }).into_response())
}

/// Mark a notification read and follow its link, or (`all=1`) mark every one read.
pub async fn read(State(state): State<AppState>, ctx: Ctx, form: FormData) -> AppResult<Response> {
    let u = ctx.user()?;
    if form.get("all") == "1" {
        notify::mark_read(&state.db, u.id, None).await?;
        return Ok(Redirect::to("/inbox").into_response());
    }
    let id: i32 = form.get("id").trim().parse().map_err(|_| AppError::BadRequest)?;
    notify::mark_read(&state.db, u.id, Some(id)).await?;
    let next = super::security::local_or_home(form.get("next"));
    Ok(Redirect::to(next).into_response())
}

async fn settings_page(
    state: &AppState,
    ctx: &Ctx,
    status: StatusCode,
    errors: FieldErrors,
    saved: bool,
) -> AppResult<Response> {
    let u = ctx.user()?;
    let prefs = notify::prefs(&state.db.conn, u.id).await?;
    let modes: Vec<&str> = Mode::ALL.iter().map(|m| m.as_str()).collect();
    let data = context! { prefs => ser(&prefs), modes, errors => error_map(&errors), saved };
    Ok((status, page(state, ctx, "collab/settings.html", data)).into_response())
}

pub async fn settings(
    State(state): State<AppState>,
    ctx: Ctx,
    axum::extract::Query(q): axum::extract::Query<std::collections::HashMap<String, String>>,
) -> AppResult<Response> {
    settings_page(&state, &ctx, StatusCode::OK, FieldErrors::default(), q.contains_key("saved")).await
}

pub async fn save_settings(State(state): State<AppState>, ctx: Ctx, form: FormData) -> AppResult<Response> {
    let u = ctx.user()?;
    let modes: Vec<(Kind, String)> =
        Kind::ALL.iter().map(|k| (*k, form.get(&format!("mode_{}", k.as_str())).to_string())).collect();
    match notify::save_prefs(
        &state.db,
        u.id,
        &modes,
        form.get("time_zone"),
        form.get("digest_hour"),
        form.get("weekly_day"),
    )
    .await
    {
        Ok(()) => Ok(Redirect::to("/account/notifications?saved=1").into_response()),
        Err(service::Error::Invalid(e)) => {
            settings_page(&state, &ctx, StatusCode::UNPROCESSABLE_ENTITY, e, false).await
        }
        Err(e) => Err(e.into()),
    }
}

// ---------------------------------------------------------------- comments and attachments

/// The record's own page (comments and attachments show there).
async fn back_to(state: &AppState, project_id: i32, kind: &str, id: i32, anchor: &str) -> AppResult<Response> {
    let (_, _, link) = collab::record(&state.db.conn, project_id, kind, id).await?;
    Ok(Redirect::to(&format!("{link}#{anchor}")).into_response())
}

/// A record's thread on a page of its own (also where a refused comment or upload is shown
/// again with its message).
#[allow(clippy::too_many_arguments)]
async fn thread_page(
    state: &AppState,
    ctx: &Ctx,
    project_id: i32,
    kind: &str,
    id: i32,
    status: StatusCode,
    errors: FieldErrors,
    body: &str,
) -> AppResult<Response> {
    let (_, a) = authorize(state, ctx, project_id, Action::View).await?;
    let (en, zh, link) = collab::record(&state.db.conn, project_id, kind, id).await?;
    let thread = collab::thread(&state.db.conn, project_id, kind, id).await?;
    let title = if ctx.lang == crate::i18n::Lang::Zh { zh } else { en };
    let data = context! {
        project => ser(&a.project),
        title,
        link,
        thread => ser(&thread),
        thread_can => thread_can(a.role),
        thread_errors => error_map(&errors),
        thread_body => body,
        me => ctx.user.as_ref().map(|u| u.id),
    };
    Ok((status, page(state, ctx, "collab/thread.html", data)).into_response())
}

/// What a role may do in a thread, for the template.
pub fn thread_can(role: Role) -> minijinja::Value {
    use crate::domain::policy::allows;
    context! { comment => allows(role, Action::Comment), attach => allows(role, Action::Attach) }
}

pub async fn thread(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, kind, eid)): Path<(i32, String, i32)>,
) -> AppResult<Response> {
    thread_page(&state, &ctx, id, &kind, eid, StatusCode::OK, FieldErrors::default(), "").await
}

pub async fn add_comment(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, kind, eid)): Path<(i32, String, i32)>,
    form: FormData,
) -> AppResult<Response> {
    let (actor, _) = authorize(&state, &ctx, id, Action::Comment).await?;
    match collab::add(&state.db, actor, id, &kind, eid, form.get("body")).await {
        Ok(c) => back_to(&state, id, &kind, eid, &format!("comment-{}", c.id)).await,
        Err(service::Error::Invalid(e)) => {
            thread_page(&state, &ctx, id, &kind, eid, StatusCode::UNPROCESSABLE_ENTITY, e, form.get("body")).await
        }
        Err(e) => Err(e.into()),
    }
}

pub async fn edit_comment(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, cid)): Path<(i32, i32)>,
    form: FormData,
) -> AppResult<Response> {
    let (actor, _) = authorize(&state, &ctx, id, Action::Comment).await?;
    let version = form.version()?;
    match collab::edit(&state.db, actor, id, cid, version, form.get("body")).await {
        Ok(c) => back_to(&state, id, &c.entity_kind, c.entity_id, &format!("comment-{}", c.id)).await,
        Err(service::Error::Invalid(e)) => {
            let c = crate::service::write::get::<crate::entity::comment::Entity, _>(&state.db.conn, id, cid).await?;
            thread_page(&state, &ctx, id, &c.entity_kind, c.entity_id, StatusCode::UNPROCESSABLE_ENTITY, e, "").await
        }
        Err(service::Error::Conflict) => Err(AppError::Conflict),
        Err(e) => Err(e.into()),
    }
}

pub async fn upload(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, kind, eid)): Path<(i32, String, i32)>,
    mut mp: Multipart,
) -> AppResult<Response> {
    let (actor, _) = authorize(&state, &ctx, id, Action::Attach).await?;
    let mut file: Option<(String, String, Vec<u8>)> = None;
    while let Some(field) = mp.next_field().await.map_err(|_| AppError::BadRequest)? {
        if field.name() == Some("file") {
            let name = field.file_name().unwrap_or("").to_string();
            let ctype = field.content_type().unwrap_or("").to_string();
            let bytes = field.bytes().await.map_err(|_| AppError::Rule("collab.err.file_too_big"))?.to_vec();
            file = Some((name, ctype, bytes));
        }
    }
    let (name, ctype, bytes) = file.unwrap_or_default();
    match collab::upload(&state.db, actor, id, &kind, eid, &name, &ctype, bytes).await {
        Ok(_) => back_to(&state, id, &kind, eid, "attachments").await,
        Err(service::Error::Invalid(e)) => {
            thread_page(&state, &ctx, id, &kind, eid, StatusCode::UNPROCESSABLE_ENTITY, e, "").await
        }
        Err(e) => Err(e.into()),
    }
}

/// `Content-Disposition: attachment` with the name made safe (ASCII fallback and RFC 5987
/// UTF-8 form), so a file never renders in the app's origin.
pub fn disposition(name: &str) -> String {
    let ascii: String = name.chars().map(|c| if c.is_ascii_graphic() || c == ' ' { c } else { '_' }).collect();
    let ascii = ascii.replace(['"', '\\', ';'], "_");
    let encoded: String = name
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect();
    format!("attachment; filename=\"{ascii}\"; filename*=UTF-8''{encoded}")
}

pub async fn download(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, aid)): Path<(i32, i32)>,
) -> AppResult<Response> {
    authorize(&state, &ctx, id, Action::View).await?;
    let a = collab::download(&state.db.conn, id, aid).await?;
    let ctype = HeaderValue::from_str(&a.content_type).unwrap_or(HeaderValue::from_static("application/octet-stream"));
    let disp = HeaderValue::from_str(&disposition(&a.file_name)).unwrap_or(HeaderValue::from_static("attachment"));
    let mut r = a.bytes.into_response();
    let h = r.headers_mut();
    h.insert(header::CONTENT_TYPE, ctype);
    h.insert(header::CONTENT_DISPOSITION, disp);
    h.insert("x-content-type-options", HeaderValue::from_static("nosniff"));
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("private, no-store"));
    h.insert("content-security-policy", HeaderValue::from_static("default-src 'none'; sandbox"));
    Ok(r)
}

/// Whether `path` is an attachment upload (its body may be as large as the upload limit).
pub fn is_upload(path: &str) -> bool {
    path.starts_with("/projects/") && path.contains("/attachments/")
}

/// The body limit of an upload request: the file limit and room for the form around it.
pub fn upload_body_limit() -> usize {
    usize::try_from(collab::max_mb().saturating_mul(1024 * 1024).saturating_add(256 * 1024)).unwrap_or(usize::MAX)
}

// ---------------------------------------------------------------- admin outbox

pub async fn outbox(State(state): State<AppState>, ctx: Ctx) -> AppResult<Response> {
    let u = ctx.user()?;
    if !u.is_admin {
        return Err(AppError::Forbidden);
    }
    let rows = service::outbox::recent(&state.db.conn, None, 200).await?;
    let rows: Vec<_> = rows
        .into_iter()
        .map(|r| {
            let mail: Option<service::mail::Mail> =
                (r.channel == service::mail::CHANNEL).then(|| serde_json::from_str(&r.payload).ok()).flatten();
            let state = if r.sent_at.is_some() {
                "sent"
            } else if r.failed_at.is_some() {
                "failed"
            } else {
                "waiting"
            };
            context! {
                id => r.id,
                channel => r.channel,
                state,
                attempts => r.attempts,
                created_at => r.created_at.to_rfc3339(),
                last_error => r.last_error,
                to => mail.as_ref().map(|m| m.to.clone()),
                subject => mail.as_ref().map(|m| m.subject.clone()),
                text => mail.as_ref().map(|m| m.text.clone()),
            }
        })
        .collect();
    let configured = std::env::var("NINEFOLD_SMTP_URL").is_ok_and(|v| !v.trim().is_empty());
    Ok(page(&state, &ctx, "collab/outbox.html", context! { rows, configured }).into_response())
}

/// This area's pages and form posts.
pub fn routes() -> axum::Router<crate::AppState> {
    use axum::routing::{get, post};
    axum::Router::new()
        .route("/projects/{id}/invitations", get(invitations_sent).post(invite))
        .route("/invite/{token}", get(accept_page).post(accept))
        .route("/password/forgot", get(forgot_page).post(forgot))
        .route("/password/reset/{token}", get(reset_page).post(reset))
        .route("/inbox", get(inbox))
        .route("/inbox/read", post(read))
        .route("/account/notifications", get(settings).post(save_settings))
        .route("/projects/{id}/thread/{kind}/{eid}", get(thread))
        .route("/projects/{id}/comments/{kind}/{eid}", post(add_comment))
        .route("/projects/{id}/comment/{cid}/edit", post(edit_comment))
        .route(
            "/projects/{id}/attachments/{kind}/{eid}",
            post(upload).layer(DefaultBodyLimit::max(upload_body_limit())),
        )
        .route("/projects/{id}/attachment/{aid}", get(download))
        .route("/admin/outbox", get(outbox))
}
