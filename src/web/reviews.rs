//! Steering committee reviews: list, hold one (the pack is frozen), the projector view,
//! decisions and action items.
use super::context::Ctx;
use super::form::{Feedback, FormData};
use super::projects::{authorize, can, error_map};
use super::render::{page, ser};
use crate::AppState;
use crate::domain::policy::Action;
use crate::error::AppResult;
use crate::service::access::Access;
use crate::service::{clock, reviews};
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use minijinja::context;

async fn list_page(state: &AppState, ctx: &Ctx, a: Access, fb: Feedback, form: &FormData) -> AppResult<Response> {
    let v = reviews::index(&state.db.conn, &a.project).await?;
    let today = v.as_of;
    let default_title = format!("{} {}", crate::i18n::t(ctx.lang, "review.default_title"), today.format("%Y-%m"));
    let data = context! {
        project => ser(&a.project),
        reviews => ser(&v.reviews),
        open_actions => ser(&v.open_actions),
        can => can(a.role),
        errors => error_map(&fb.errors),
        form => context! {
            held_on => if form.get("held_on").is_empty() { today.to_string() } else { form.get("held_on").to_string() },
            title => if form.get("title").is_empty() { default_title } else { form.get("title").to_string() },
            attendees => form.get("attendees"),
        },
    };
    Ok((fb.status, page(state, ctx, "reviews/list.html", data)).into_response())
}

pub async fn list(State(state): State<AppState>, ctx: Ctx, Path(id): Path<i32>) -> AppResult<Response> {
    let (_, a) = authorize(&state, &ctx, id, Action::View).await?;
    list_page(&state, &ctx, a, Feedback::none(), &FormData::default()).await
}

pub async fn create(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i32>,
    form: FormData,
) -> AppResult<Response> {
    let (actor, a) = authorize(&state, &ctx, id, Action::Review).await?;
    match reviews::create(&state.db, actor, id, form.get("held_on"), form.get("title"), form.get("attendees")).await {
        Ok(r) => Ok(Redirect::to(&format!("/projects/{id}/reviews/{}", r.id)).into_response()),
        Err(e) => list_page(&state, &ctx, a, Feedback::from_service(e)?, &form).await,
    }
}

async fn show_page(state: &AppState, ctx: &Ctx, a: Access, rid: i32, fb: Feedback) -> AppResult<Response> {
    let deck = reviews::deck(&state.db.conn, a.project.id, rid).await?;
    // The budget slide's S-curve, drawn from the frozen points.
    let budget_chart = deck.pack.as_ref().and_then(|p| p.budget.as_ref()).map_or_else(
        || minijinja::Value::from(()),
        |b| minijinja::Value::from_safe_string(b.chart(ctx.lang).to_svg(900.0, 300.0)),
    );
    let data = context! {
        budget_chart,
        project => ser(&a.project),
        r => ser(&deck.review),
        pack => ser(&deck.pack),
        actions => ser(&deck.actions),
        can => can(a.role),
        errors => error_map(&fb.errors),
        conflict => fb.conflict,
    };
    Ok((fb.status, page(state, ctx, "reviews/show.html", data)).into_response())
}

pub async fn show(State(state): State<AppState>, ctx: Ctx, Path((id, rid)): Path<(i32, i32)>) -> AppResult<Response> {
    let (_, a) = authorize(&state, &ctx, id, Action::View).await?;
    show_page(&state, &ctx, a, rid, Feedback::none()).await
}

pub async fn save_decisions(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, rid)): Path<(i32, i32)>,
    form: FormData,
) -> AppResult<Response> {
    let (actor, a) = authorize(&state, &ctx, id, Action::Review).await?;
    match reviews::save_decisions(&state.db, actor, id, rid, form.version()?, form.get("decisions")).await {
        Ok(()) => Ok(Redirect::to(&format!("/projects/{id}/reviews/{rid}#decisions")).into_response()),
        Err(e) => show_page(&state, &ctx, a, rid, Feedback::from_service(e)?).await,
    }
}

pub async fn add_action(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, rid)): Path<(i32, i32)>,
    form: FormData,
) -> AppResult<Response> {
    let (actor, a) = authorize(&state, &ctx, id, Action::Review).await?;
    match reviews::add_action(&state.db, actor, id, rid, form.get("text"), form.get("owner"), form.get("due_date"))
        .await
    {
        Ok(()) => Ok(Redirect::to(&format!("/projects/{id}/reviews/{rid}#actions")).into_response()),
        Err(e) => show_page(&state, &ctx, a, rid, Feedback::from_service(e)?).await,
    }
}

pub async fn action_status(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, aid)): Path<(i32, i32)>,
    form: FormData,
) -> AppResult<Response> {
    let (actor, a) = authorize(&state, &ctx, id, Action::Review).await?;
    let today = clock::today(&a.project);
    reviews::set_action_status(&state.db, actor, id, aid, form.version()?, form.get("done") == "1", today).await?;
    let back = form.get("back");
    let back = if back.starts_with(&format!("/projects/{id}/")) && super::security::local_path(back).is_some() {
        back.to_string()
    } else {
        format!("/projects/{id}/reviews")
    };
    Ok(Redirect::to(&back).into_response())
}

/// This area's pages and form posts.
pub fn routes() -> axum::Router<crate::AppState> {
    use axum::routing::{get, post};
    axum::Router::new()
        .route("/projects/{id}/reviews", get(list).post(create))
        .route("/projects/{id}/reviews/{rid}", get(show))
        .route("/projects/{id}/reviews/{rid}/decisions", post(save_decisions))
        .route("/projects/{id}/reviews/{rid}/actions", post(add_action))
        .route("/projects/{id}/actions/{aid}/status", post(action_status))
}
