//! The schedule: Gantt, activities, milestones, dependencies, calendar, baselines, exports.
use super::context::Ctx;
use super::form::{Feedback, FormData};
use super::projects::{authorize, can, error_map, today};
use super::render::{page, ser};
use crate::AppState;
use crate::chart::gantt::{Gantt, Row, RowKind, Scale};
use crate::domain::ical::{self, Event, When};
use crate::domain::policy::Action;
use crate::error::{AppError, AppResult};
use crate::service::access::Access;
use crate::service::schedule::{self, ACTIVITY, Computed, MILESTONE, Plan, RawActivity};
use axum::extract::{Multipart, Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::NaiveDate;
use minijinja::{Value, context};
use serde::Deserialize;
use std::collections::HashMap;

#[derive(Deserialize, Default)]
pub struct ViewQuery {
    scale: Option<String>,
    baseline: Option<i32>,
}

type Baseline = HashMap<(String, i32), (NaiveDate, NaiveDate)>;

/// Gantt rows: each phase, then its activities and milestones by date.
fn gantt(plan: &Plan, computed: &Computed, base: &Baseline, scale: Scale, lang: &str) -> (Gantt, Vec<usize>) {
    let mut rows = vec![];
    let mut row_of_item = vec![usize::MAX; computed.items.len()];
    let name = |en: &str, zh: &str| if lang == "zh" { zh.to_string() } else { en.to_string() };
    for p in &plan.phases {
        let mut mine: Vec<usize> = (0..computed.items.len()).filter(|&i| computed.items[i].phase_id == p.id).collect();
        mine.sort_by_key(|&i| (computed.items[i].start, computed.items[i].kind == MILESTONE));
        rows.push(Row {
            label: format!("{} {}", p.seq, name(&p.name_en, &p.name_zh)),
            kind: RowKind::Summary,
            start: p.planned_start,
            finish: p.planned_finish,
            progress: 0.0,
            critical: mine.iter().any(|&i| computed.items[i].critical),
            baseline: base.get(&("phase".to_string(), p.id)).copied(),
        });
        for i in mine {
            let it = &computed.items[i];
            row_of_item[i] = rows.len();
            rows.push(Row {
                label: name(&it.name_en, &it.name_zh),
                kind: if it.kind == MILESTONE { RowKind::Milestone } else { RowKind::Task },
                start: it.start,
                finish: it.finish,
                progress: f64::from(it.percent),
                critical: it.critical,
                baseline: base.get(&(it.kind.to_string(), it.id)).copied(),
            });
        }
    }
    let links = plan
        .links
        .iter()
        .filter_map(|l| {
            let a = computed.index.get(&(kind(&l.pred_kind), l.pred_id))?;
            let b = computed.index.get(&(kind(&l.succ_kind), l.succ_id))?;
            Some((row_of_item[*a], row_of_item[*b]))
        })
        .collect();
    (Gantt { rows, links, today: Some(today()), scale }, row_of_item)
}

fn kind(k: &str) -> &'static str {
    if k == MILESTONE { MILESTONE } else { ACTIVITY }
}

async fn page_of(
    state: &AppState,
    ctx: &Ctx,
    a: Access,
    q: &ViewQuery,
    fb: Feedback,
    extra: Value,
) -> AppResult<Response> {
    let plan = schedule::load(&state.db.conn, a.project.id).await?;
    let computed = plan.compute().map_err(|_| AppError::Rule("err.cycle"))?;
    let scale = if q.scale.as_deref() == Some("week") { Scale::Week } else { Scale::Month };
    let base: Baseline = match q.baseline {
        Some(b) => schedule::baseline_dates(&state.db.conn, a.project.id, b).await?,
        None => HashMap::new(),
    };
    let (g, _) = gantt(&plan, &computed, &base, scale, ctx.lang.code());
    let svg = Value::from_safe_string(g.to_svg(1180.0));
    let names: HashMap<(&str, i32), String> = computed
        .items
        .iter()
        .map(|i| ((i.kind, i.id), if ctx.lang.code() == "zh" { i.name_zh.clone() } else { i.name_en.clone() }))
        .collect();
    let items: Vec<Value> = computed
        .items
        .iter()
        .map(|i| {
            let slip = base.get(&(i.kind.to_string(), i.id)).map(|(_, f)| (i.finish - *f).num_days());
            let closed = plan.phases.iter().any(|p| p.id == i.phase_id && p.status == "closed");
            let rag = crate::domain::health::item_rag(today(), i.finish, closed || i.done || i.percent >= 100, slip, i.total_float);
            context! { i => ser(i), slip, slip_txt => slip.map(|d| format!("{d:+}")), late => i.kind == MILESTONE && !i.done && i.finish < today(), rag => ser(&rag) }
        })
        .collect();
    let links: Vec<Value> = plan
        .links
        .iter()
        .map(|l| {
            context! {
                l => ser(l),
                lag_txt => if l.lag_days == 0 { String::new() } else { format!("{:+}", l.lag_days) },
                pred => names.get(&(kind(&l.pred_kind), l.pred_id)).cloned().unwrap_or_default(),
                succ => names.get(&(kind(&l.succ_kind), l.succ_id)).cloned().unwrap_or_default(),
            }
        })
        .collect();
    let phase_slips: Vec<Value> = plan
        .phases
        .iter()
        .filter_map(|p| {
            let (_, bf) = base.get(&("phase".to_string(), p.id))?;
            Some(context! { p => ser(p), baseline_finish => bf.to_string(), slip => format!("{:+}", (p.planned_finish - *bf).num_days()), late => p.planned_finish > *bf })
        })
        .collect();
    let (_, days) = schedule::calendar(&state.db.conn, a.project.id).await?;
    let baselines = schedule::baselines(&state.db.conn, a.project.id).await?;
    let feeds = schedule::feeds(&state.db.conn, a.project.id).await?;
    let data = context! {
        project => ser(&a.project),
        gantt => svg,
        items,
        milestones => ser(&plan.milestones),
        links,
        days => ser(&days),
        baselines => ser(&baselines),
        feeds => ser(&feeds),
        phases => ser(&plan.phases),
        phase_slips,
        scale => if scale == Scale::Week { "week" } else { "month" },
        baseline => q.baseline,
        can => can(a.role),
        errors => error_map(&fb.errors),
        error => fb.error,
        detail => fb.detail,
        today => today().to_string(),
        ..extra
    };
    Ok((fb.status, page(state, ctx, "schedule/show.html", data)).into_response())
}

pub async fn show(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i32>,
    Query(q): Query<ViewQuery>,
) -> AppResult<Response> {
    let (_, a) = authorize(&state, &ctx, id, Action::View).await?;
    page_of(&state, &ctx, a, &q, Feedback::none(), Value::from(())).await
}

fn back(id: i32, anchor: &str) -> Response {
    Redirect::to(&format!("/projects/{id}/schedule#{anchor}")).into_response()
}

pub async fn activity_form(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, aid)): Path<(i32, i32)>,
) -> AppResult<Response> {
    let (_, a) = authorize(&state, &ctx, id, Action::View).await?;
    activity_page(&state, &ctx, a, aid, Feedback::none(), None).await
}

async fn activity_page(
    state: &AppState,
    ctx: &Ctx,
    a: Access,
    aid: i32,
    fb: Feedback,
    raw: Option<RawActivity>,
) -> AppResult<Response> {
    let plan = schedule::load(&state.db.conn, a.project.id).await?;
    let act = plan.activities.iter().find(|x| x.id == aid).cloned().ok_or(AppError::NotFound)?;
    let computed = plan.compute().map_err(|_| AppError::Rule("err.cycle"))?;
    let item = computed.index.get(&(ACTIVITY, aid)).map(|&i| computed.items[i].clone());
    let raw = raw.unwrap_or_else(|| RawActivity {
        start: act.not_before.unwrap_or(act.planned_start).to_string(),
        duration: item.as_ref().map_or(act.duration_days as i64, |i| i.duration).to_string(),
        percent: act.percent_complete.to_string(),
        actual_start: act.actual_start.map(|d| d.to_string()).unwrap_or_default(),
        actual_finish: act.actual_finish.map(|d| d.to_string()).unwrap_or_default(),
    });
    let data = context! { project => ser(&a.project), act => ser(&act), item => ser(&item), form => ser(&raw), errors => error_map(&fb.errors), conflict => fb.conflict, can => can(a.role) };
    Ok((fb.status, page(state, ctx, "schedule/activity.html", data)).into_response())
}

pub async fn update_activity(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, aid)): Path<(i32, i32)>,
    form: FormData,
) -> AppResult<Response> {
    let (actor, a) = authorize(&state, &ctx, id, Action::Contribute).await?;
    let raw = RawActivity {
        start: form.get("start").into(),
        duration: form.get("duration").into(),
        percent: form.get("percent").into(),
        actual_start: form.get("actual_start").into(),
        actual_finish: form.get("actual_finish").into(),
    };
    match schedule::update_activity(&state.db, actor, id, aid, form.version()?, &raw).await {
        Ok(()) => Ok(back(id, "items")),
        Err(e) => activity_page(&state, &ctx, a, aid, Feedback::from_service(e)?, Some(raw)).await,
    }
}

/// Run a schedule write; on a refusal show the schedule page again with what went wrong.
async fn act(
    state: &AppState,
    ctx: &Ctx,
    a: Access,
    anchor: &str,
    r: crate::service::Result<()>,
) -> AppResult<Response> {
    match r {
        Ok(()) => Ok(back(a.project.id, anchor)),
        Err(e) => page_of(state, ctx, a, &ViewQuery::default(), Feedback::from_service(e)?, Value::from(())).await,
    }
}

pub async fn add_dependency(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i32>,
    form: FormData,
) -> AppResult<Response> {
    let (actor, a) = authorize(&state, &ctx, id, Action::Contribute).await?;
    let r = schedule::add_dependency(
        &state.db,
        actor,
        id,
        form.get("pred"),
        form.get("succ"),
        form.get("kind"),
        form.get("lag"),
    )
    .await;
    act(&state, &ctx, a, "links", r).await
}

pub async fn remove_dependency(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, did)): Path<(i32, i32)>,
) -> AppResult<Response> {
    let (actor, a) = authorize(&state, &ctx, id, Action::Contribute).await?;
    let r = schedule::remove_dependency(&state.db, actor, id, did).await;
    act(&state, &ctx, a, "links", r).await
}

pub async fn add_milestone(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i32>,
    form: FormData,
) -> AppResult<Response> {
    let (actor, a) = authorize(&state, &ctx, id, Action::Contribute).await?;
    let seq = form.get("phase").parse().unwrap_or(0);
    let r =
        schedule::add_milestone(&state.db, actor, id, seq, form.get("name"), form.get("date"), form.get("owner")).await;
    act(&state, &ctx, a, "milestones", r).await
}

pub async fn milestone_status(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, mid)): Path<(i32, i32)>,
    form: FormData,
) -> AppResult<Response> {
    let (actor, a) = authorize(&state, &ctx, id, Action::Contribute).await?;
    let r = schedule::set_milestone_done(&state.db, actor, id, mid, form.version()?, form.get("done") == "1", today())
        .await;
    act(&state, &ctx, a, "milestones", r).await
}

pub async fn add_day(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i32>,
    form: FormData,
) -> AppResult<Response> {
    let (actor, a) = authorize(&state, &ctx, id, Action::Contribute).await?;
    let r = schedule::add_day(&state.db, actor, id, form.get("day"), form.get("kind"), form.get("name")).await;
    act(&state, &ctx, a, "calendar", r).await
}

pub async fn remove_day(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, cid)): Path<(i32, i32)>,
) -> AppResult<Response> {
    let (actor, a) = authorize(&state, &ctx, id, Action::Contribute).await?;
    let r = schedule::remove_day(&state.db, actor, id, cid).await;
    act(&state, &ctx, a, "calendar", r).await
}

pub async fn import_days(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i32>,
    mut mp: Multipart,
) -> AppResult<Response> {
    let (actor, a) = authorize(&state, &ctx, id, Action::Contribute).await?;
    let mut text = String::new();
    while let Some(field) = mp.next_field().await.map_err(|_| AppError::BadRequest)? {
        if field.name() == Some("file") {
            text = String::from_utf8(field.bytes().await.map_err(|_| AppError::BadRequest)?.to_vec())
                .map_err(|_| AppError::BadRequest)?;
        }
    }
    match schedule::import_ics(&state.db, actor, id, &text).await {
        Ok(Ok(_)) => Ok(back(id, "calendar")),
        Ok(Err(lines)) => {
            let fb = Feedback {
                status: StatusCode::UNPROCESSABLE_ENTITY,
                error: Some("schedule.ics_bad"),
                detail: Some(lines.iter().map(|l| l.to_string()).collect::<Vec<_>>().join(", ")),
                ..Default::default()
            };
            page_of(&state, &ctx, a, &ViewQuery::default(), fb, Value::from(())).await
        }
        Err(e) => act(&state, &ctx, a, "calendar", Err(e)).await,
    }
}

pub async fn save_baseline(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i32>,
    form: FormData,
) -> AppResult<Response> {
    let (actor, a) = authorize(&state, &ctx, id, Action::Contribute).await?;
    match schedule::save_baseline(&state.db, actor, id, form.get("name")).await {
        Ok(b) => Ok(Redirect::to(&format!("/projects/{id}/schedule?baseline={}#items", b.id)).into_response()),
        Err(e) => act(&state, &ctx, a, "baselines", Err(e)).await,
    }
}

pub async fn create_feed(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i32>,
    headers: axum::http::HeaderMap,
) -> AppResult<Response> {
    let (actor, a) = authorize(&state, &ctx, id, Action::EditProject).await?;
    let token = schedule::create_feed(&state.db, actor, id).await?;
    // A full address, so it can be pasted straight into a calendar app.
    let host = headers.get(header::HOST).and_then(|h| h.to_str().ok()).unwrap_or("localhost");
    let scheme = if ctx.secure { "https" } else { "http" };
    let url = format!("{scheme}://{host}/feeds/{token}.ics");
    page_of(&state, &ctx, a, &ViewQuery::default(), Feedback::none(), context! { new_feed => url }).await
}

pub async fn revoke_feed(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, fid)): Path<(i32, i32)>,
) -> AppResult<Response> {
    let (actor, _) = authorize(&state, &ctx, id, Action::EditProject).await?;
    schedule::revoke_feed(&state.db, actor, id, fid).await?;
    Ok(back(id, "exports"))
}

/// The schedule as CSV (UTF-8 with BOM, so Excel opens Chinese names correctly).
pub async fn csv(State(state): State<AppState>, ctx: Ctx, Path(id): Path<i32>) -> AppResult<Response> {
    let (_, a) = authorize(&state, &ctx, id, Action::View).await?;
    let plan = schedule::load(&state.db.conn, id).await?;
    let computed = plan.compute().map_err(|_| AppError::Rule("err.cycle"))?;
    let phase_seq: HashMap<i32, i32> = plan.phases.iter().map(|p| (p.id, p.seq)).collect();
    let q = |s: &str| format!("\"{}\"", s.replace('"', "\"\""));
    let mut out = String::from(
        "\u{feff}kind,phase,name_en,name_zh,start,finish,working_days,percent_complete,total_float,critical,predecessors\r\n",
    );
    for it in &computed.items {
        let preds: Vec<String> = plan
            .links
            .iter()
            .filter(|l| kind(&l.succ_kind) == it.kind && l.succ_id == it.id)
            .map(|l| format!("{}:{}{}{:+}", l.pred_kind, l.pred_id, l.kind, l.lag_days))
            .collect();
        out.push_str(&format!(
            "{},{},{},{},{},{},{},{},{},{},{}\r\n",
            it.kind,
            phase_seq.get(&it.phase_id).copied().unwrap_or(0),
            q(&it.name_en),
            q(&it.name_zh),
            it.start,
            it.finish,
            it.duration,
            it.percent,
            it.total_float,
            it.critical,
            q(&preds.join(" "))
        ));
    }
    let name = format!("attachment; filename=\"schedule-{}.csv\"", a.project.id);
    Ok(([(header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()), (header::CONTENT_DISPOSITION, name)], out)
        .into_response())
}

/// The iCalendar feed behind a secret, revocable URL: milestones, phase gates and training
/// sessions. No login (calendar apps cannot log in); an unknown or revoked token is a 404.
pub async fn feed(State(state): State<AppState>, Path(file): Path<String>) -> AppResult<Response> {
    let token = file.strip_suffix(".ics").unwrap_or(&file);
    let project_id = schedule::feed_project(&state.db.conn, token).await?.ok_or(AppError::NotFound)?;
    let plan = schedule::load(&state.db.conn, project_id).await?;
    let mut events = vec![];
    for m in &plan.milestones {
        events.push(Event {
            uid: format!("milestone-{}@ninefold", m.id),
            when: When::Day(m.due_date),
            summary: format!("◆ {} / {}", m.name_en, m.name_zh),
            description: plan.project.name.clone(),
        });
    }
    for p in &plan.phases {
        events.push(Event {
            uid: format!("gate-{}@ninefold", p.id),
            when: When::Day(p.planned_finish),
            summary: format!("Gate {}: {} / 阶段评审：{}", p.seq, p.name_en, p.name_zh),
            description: plan.project.name.clone(),
        });
    }
    for s in crate::service::training::sessions(&state.db.conn, project_id).await? {
        let start = chrono::NaiveTime::parse_from_str(&s.start_time, "%H:%M").ok();
        let when = match start {
            Some(t) => When::At(s.date.and_time(t), i64::from(s.duration_minutes)),
            None => When::Day(s.date),
        };
        events.push(Event {
            uid: format!("training-{}@ninefold", s.id),
            when,
            summary: s.title.clone(),
            description: if s.online { "online".into() } else { s.place.clone() },
        });
    }
    let stamp = chrono::Utc::now().format("%Y%m%dT%H%M%SZ").to_string();
    let body = ical::calendar(&plan.project.name, &stamp, &events);
    Ok(([(header::CONTENT_TYPE, "text/calendar; charset=utf-8")], body).into_response())
}

/// The plan as Microsoft Project XML.
pub async fn mspdi_export(State(state): State<AppState>, ctx: Ctx, Path(id): Path<i32>) -> AppResult<Response> {
    let (_, a) = authorize(&state, &ctx, id, Action::View).await?;
    let xml = schedule::export_mspdi(&state.db.conn, id).await?;
    let name = format!("attachment; filename=\"schedule-{}.xml\"", a.project.id);
    Ok((
        [(header::CONTENT_TYPE, "application/xml; charset=utf-8".to_string()), (header::CONTENT_DISPOSITION, name)],
        xml,
    )
        .into_response())
}

/// Import a Microsoft Project XML file into this project's schedule.
pub async fn mspdi_import(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i32>,
    mut mp: Multipart,
) -> AppResult<Response> {
    let (actor, a) = authorize(&state, &ctx, id, Action::Contribute).await?;
    let mut xml = String::new();
    while let Some(field) = mp.next_field().await.map_err(|_| AppError::BadRequest)? {
        if field.name() == Some("file") {
            xml = String::from_utf8_lossy(&field.bytes().await.map_err(|_| AppError::BadRequest)?).to_string();
        }
    }
    match schedule::import_mspdi(&state.db, actor, id, &xml).await {
        Ok(Ok(_)) => Ok(back(id, "items")),
        Ok(Err(problem)) => {
            let fb = Feedback {
                status: StatusCode::UNPROCESSABLE_ENTITY,
                error: Some("schedule.mspdi_bad"),
                detail: Some(problem),
                ..Default::default()
            };
            page_of(&state, &ctx, a, &ViewQuery::default(), fb, Value::from(())).await
        }
        Err(e) => act(&state, &ctx, a, "items", Err(e)).await,
    }
}

/// This area's pages and form posts.
pub fn routes() -> axum::Router<crate::AppState> {
    use axum::routing::{get, post};
    axum::Router::new()
        .route("/projects/{id}/schedule", get(show))
        .route("/projects/{id}/schedule.csv", get(csv))
        .route("/projects/{id}/schedule.xml", get(mspdi_export))
        .route("/projects/{id}/schedule/import", post(mspdi_import))
        .route("/projects/{id}/schedule/activities/{aid}", get(activity_form).post(update_activity))
        .route("/projects/{id}/schedule/dependencies", post(add_dependency))
        .route("/projects/{id}/schedule/dependencies/{did}/delete", post(remove_dependency))
        .route("/projects/{id}/schedule/milestones", post(add_milestone))
        .route("/projects/{id}/schedule/milestones/{mid}/status", post(milestone_status))
        .route("/projects/{id}/schedule/calendar", post(add_day))
        .route("/projects/{id}/schedule/calendar/import", post(import_days))
        .route("/projects/{id}/schedule/calendar/{cid}/delete", post(remove_day))
        .route("/projects/{id}/schedule/baselines", post(save_baseline))
        .route("/projects/{id}/schedule/feeds", post(create_feed))
        .route("/projects/{id}/schedule/feeds/{fid}/revoke", post(revoke_feed))
        .route("/feeds/{file}", get(feed))
}
