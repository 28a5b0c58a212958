//! The CRM modules being rolled out and their feature checklists.
use super::context::Ctx;
use super::form::{Feedback, FormData};
use super::projects::{authorize, can, error_map};
use super::render::{page, ser};
use crate::AppState;
use crate::domain::modules::{FEATURE_STATES, LIFECYCLE, ROLLOUT};
use crate::domain::policy::Action;
use crate::error::AppResult;
use crate::service::access::Access;
use crate::service::modules::{self, RawModule};
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use minijinja::{Value, context};

async fn page_of(
    state: &AppState,
    ctx: &Ctx,
    a: Access,
    fb: Feedback,
    failed: Option<i32>,
    form: &FormData,
) -> AppResult<Response> {
    let view = modules::page(&state.db.conn, &a.project).await?;
    let rows: Vec<Value> = view
        .modules
        .iter()
        .map(|v| {
            let mine = failed == Some(v.module.id);
            context! {
                m => ser(&v.module),
                features => ser(&v.features),
                features_live => v.features_live,
                adoption => v.adoption,
                dates => ser(&v.dates),
                errors => if mine { ser(&error_map(&fb.errors)) } else { Value::from(()) },
                conflict => mine && fb.conflict,
                form => if mine { context! { owner_group => form.get("owner_group"), planned_users => form.get("planned_users"), active_users => form.get("active_users") } } else { Value::from(()) },
            }
        })
        .collect();
    let data = context! { project => ser(&a.project), rows, can => can(a.role), rollout => ser(&ROLLOUT), lifecycle => ser(&LIFECYCLE), feature_states => ser(&FEATURE_STATES), error => fb.error, today => view.as_of.to_string() };
    Ok((fb.status, page(state, ctx, "modules/list.html", data)).into_response())
}

pub async fn list(State(state): State<AppState>, ctx: Ctx, Path(id): Path<i32>) -> AppResult<Response> {
    let (_, a) = authorize(&state, &ctx, id, Action::View).await?;
    page_of(&state, &ctx, a, Feedback::none(), None, &FormData::default()).await
}

pub async fn update(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, mid)): Path<(i32, i32)>,
    form: FormData,
) -> AppResult<Response> {
    let (actor, a) = authorize(&state, &ctx, id, Action::Contribute).await?;
    let raw: RawModule = form.typed()?;
    let today = crate::service::clock::today(&a.project);
    match modules::update(&state.db, actor, id, mid, form.version()?, &raw, today).await {
        Ok(_) => Ok(Redirect::to(&format!("/projects/{id}/modules#module-{mid}")).into_response()),
        Err(e) => page_of(&state, &ctx, a, Feedback::from_service(e)?, Some(mid), &form).await,
    }
}

pub async fn set_feature(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, fid)): Path<(i32, i32)>,
    form: FormData,
) -> AppResult<Response> {
    let (actor, a) = authorize(&state, &ctx, id, Action::Contribute).await?;
    match modules::set_feature(&state.db, actor, id, fid, form.version()?, form.get("status")).await {
        Ok(()) => Ok(Redirect::to(&format!("/projects/{id}/modules#feature-{fid}")).into_response()),
        Err(e) => page_of(&state, &ctx, a, Feedback::from_service(e)?, None, &form).await,
    }
}

pub async fn add(State(state): State<AppState>, ctx: Ctx, Path(id): Path<i32>, form: FormData) -> AppResult<Response> {
    let (actor, a) = authorize(&state, &ctx, id, Action::Contribute).await?;
    match modules::add_custom(&state.db, actor, id, form.get("name_en"), form.get("name_zh")).await {
        Ok(m) => Ok(Redirect::to(&format!("/projects/{id}/modules#module-{}", m.id)).into_response()),
        Err(e) => {
            let mut fb = Feedback::from_service(e)?;
            fb.error = fb.error.or(Some("err.invalid_custom_module"));
            page_of(&state, &ctx, a, fb, None, &form).await
        }
    }
}

/// This area's pages and form posts.
pub fn routes() -> axum::Router<crate::AppState> {
    use axum::routing::{get, post};
    axum::Router::new()
        .route("/projects/{id}/modules", get(list).post(add))
        .route("/projects/{id}/modules/{mid}", post(update))
        .route("/projects/{id}/features/{fid}", post(set_feature))
}
