//! The business case pages: the case with its results and charts, and the forms for
//! scenarios, cost lines, benefit lines, realised benefits and approval.
use super::context::Ctx;
use super::crud::{self, Resource};
use super::form::{Feedback, FormData};
use super::projects::{authorize, can, error_map};
use super::render::{page, ser};
use crate::AppState;
use crate::chart;
use crate::db::Db;
use crate::domain::business_case::{
    self as bc, BENEFIT_KINDS, COST_CATEGORIES, RECURRENCES, RawBenefit, RawCost, RawScenario,
};
use crate::domain::money;
use crate::domain::policy::Action;
use crate::entity::{bc_benefit, bc_cost, bc_scenario, project};
use crate::error::AppResult;
use crate::service::{self, Actor, access::Access, business_case as svc, clock};
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use minijinja::{Value, context};
use serde::Deserialize;

fn base(id: i32) -> String {
    format!("/projects/{id}/business-case")
}

#[derive(Deserialize, Default)]
pub struct ShowQuery {
    pub scenario: Option<i32>,
}

/// What a realised-benefit form sent back with errors, to show by that benefit's row.
#[derive(Default)]
struct RealisedFeedback {
    benefit: Option<i32>,
    amount: String,
    as_of: String,
}

async fn show_view(
    state: &AppState,
    ctx: &Ctx,
    a: Access,
    scenario: Option<i32>,
    fb: Feedback,
    rf: RealisedFeedback,
) -> AppResult<Response> {
    let p = &a.project;
    let Some(v) = svc::view(&state.db.conn, p, scenario, clock::today(p)).await? else {
        let data = context! { project => ser(p), tab => "business_case", can => can(a.role), case => Value::from(()), error => fb.error };
        return Ok((fb.status, page(state, ctx, "business_case/show.html", data)).into_response());
    };
    let lang = ctx.lang;
    let charts = v.charts(lang);
    // The realised form of the benefit that was refused keeps what was typed and its errors.
    let benefits: Vec<Value> = v
        .benefits
        .iter()
        .map(|b| {
            let this = rf.benefit == Some(b.row.id);
            context! {
                form_amount => if this { rf.amount.clone() } else { b.realised_plain.clone() },
                form_as_of => if this { rf.as_of.clone() } else { b.as_of.clone() },
                errors => if this { ser(&error_map(&fb.errors)) } else { Value::from(()) },
                ..ser(b)
            }
        })
        .collect();
    let f = &v.figures;
    let data = context! {
        project => ser(p),
        tab => "business_case",
        can => can(a.role),
        case => ser(&v.case),
        approved_current => v.approved_current,
        approver => v.approver.clone(),
        scenarios => ser(&v.scenarios),
        s => ser(&v.scenario),
        rate_pct => v.rate_pct.clone(),
        figures => context! {
            irr => f.irr.text(lang),
            break_even => f.break_even.text(lang),
            payback => f.payback_text(lang),
            ..ser(f)
        },
        years => ser(&v.years),
        costs => ser(&v.costs),
        benefits,
        sensitivity => ser(&v.sensitivity),
        to_date => ser(&v.to_date),
        charts => context! {
            cash => Value::from_safe_string(chart::money_svg::cash_flow(&charts.cash)),
            categories => Value::from_safe_string(chart::money_svg::bars(&charts.categories)),
            tornado => Value::from_safe_string(chart::money_svg::tornado(&charts.tornado)),
        },
        error => fb.error,
        conflict => fb.conflict,
    };
    Ok((fb.status, page(state, ctx, "business_case/show.html", data)).into_response())
}

pub async fn show(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i32>,
    Query(q): Query<ShowQuery>,
) -> AppResult<Response> {
    let (_, a) = authorize(&state, &ctx, id, Action::View).await?;
    show_view(&state, &ctx, a, q.scenario, Feedback::none(), RealisedFeedback::default()).await
}

pub async fn create(State(state): State<AppState>, ctx: Ctx, Path(id): Path<i32>) -> AppResult<Response> {
    let (actor, a) = authorize(&state, &ctx, id, Action::EditBusinessCase).await?;
    match svc::create(&state.db, actor, id).await {
        Ok(_) => Ok(Redirect::to(&base(id)).into_response()),
        Err(e) => show_view(&state, &ctx, a, None, Feedback::from_service(e)?, RealisedFeedback::default()).await,
    }
}

pub async fn approve(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i32>,
    form: FormData,
) -> AppResult<Response> {
    let (actor, a) = authorize(&state, &ctx, id, Action::DecideGate).await?;
    match svc::approve(&state.db, actor, id, form.version()?).await {
        Ok(_) => Ok(Redirect::to(&base(id)).into_response()),
        Err(e) => show_view(&state, &ctx, a, None, Feedback::from_service(e)?, RealisedFeedback::default()).await,
    }
}

/// Put the case before the steering committee (they are told, and it waits in their inbox).
pub async fn request_approval(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i32>,
    form: FormData,
) -> AppResult<Response> {
    let (actor, a) = authorize(&state, &ctx, id, Action::EditBusinessCase).await?;
    match svc::request_approval(&state.db, actor, id, form.version()?).await {
        Ok(_) => Ok(Redirect::to(&base(id)).into_response()),
        Err(e) => show_view(&state, &ctx, a, None, Feedback::from_service(e)?, RealisedFeedback::default()).await,
    }
}

pub async fn realised(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, bid)): Path<(i32, i32)>,
    form: FormData,
) -> AppResult<Response> {
    let (actor, a) = authorize(&state, &ctx, id, Action::Contribute).await?;
    let (amount, as_of) = (form.get("realised"), form.get("as_of"));
    match svc::set_realised(&state.db, actor, id, bid, form.version()?, amount, as_of).await {
        Ok(_) => Ok(Redirect::to(&format!("{}#realised", base(id))).into_response()),
        Err(e) => {
            let rf = RealisedFeedback { benefit: Some(bid), amount: amount.into(), as_of: as_of.into() };
            show_view(&state, &ctx, a, None, Feedback::from_service(e)?, rf).await
        }
    }
}

// ---- forms: scenario, cost line, benefit line, through the shared flow of `crud` ----

/// What the three form pages share: the choice lists and the currency.
fn form_extra(p: &project::Model) -> Value {
    context! {
        categories => ser(&COST_CATEGORIES),
        recurrences => ser(&RECURRENCES),
        kinds => ser(&BENEFIT_KINDS),
        currency => p.currency.clone(),
        symbol => money::symbol(&p.currency),
    }
}

/// Lines can be added once the case exists.
async fn case_exists(db: &Db, p: &project::Model) -> service::Result<()> {
    svc::case_of(&db.conn, p.id).await?.map(|_| ()).ok_or(service::Error::NotFound)
}

/// A refused delete shows the case page with the message (409 on a stale version).
async fn case_page_again(state: &AppState, ctx: &Ctx, a: Access, fb: Feedback) -> AppResult<Response> {
    show_view(state, ctx, a, None, fb, RealisedFeedback::default()).await
}

pub struct Scenarios;

impl Resource for Scenarios {
    const ACTION: Action = Action::EditBusinessCase;
    type Raw = RawScenario;
    type Row = bc_scenario::Model;
    const TEMPLATE: &'static str = "business_case/scenario_form.html";
    const DELETABLE: bool = false;

    fn version_of(row: &Self::Row) -> i32 {
        row.version
    }
    fn back(id: i32, saved: Option<&Self::Row>) -> String {
        saved.map_or_else(|| base(id), |s| format!("{}?scenario={}", base(id), s.id))
    }
    fn blank(p: &project::Model) -> RawScenario {
        RawScenario {
            horizon: "5".into(),
            rate: "8".into(),
            start_year: chrono::Datelike::year(&p.start_date).to_string(),
            cost_factor: "100".into(),
            benefit_factor: "100".into(),
            ..Default::default()
        }
    }
    fn raw_of(s: &Self::Row, _: &project::Model) -> RawScenario {
        RawScenario {
            name: s.name.clone(),
            horizon: s.horizon_years.to_string(),
            rate: bc::percent_text(s.discount_rate),
            start_year: s.start_year.to_string(),
            cost_factor: s.cost_factor_pct.to_string(),
            benefit_factor: s.benefit_factor_pct.to_string(),
        }
    }
    fn extra(p: &project::Model) -> Value {
        form_extra(p)
    }
    async fn may_add(db: &Db, p: &project::Model) -> service::Result<()> {
        case_exists(db, p).await
    }
    async fn load(db: &Db, project_id: i32, id: i32) -> service::Result<Self::Row> {
        svc::scenario(&db.conn, project_id, id).await
    }
    async fn create(db: &Db, actor: Actor, p: &project::Model, raw: &RawScenario) -> service::Result<Self::Row> {
        svc::add_scenario(db, actor, p.id, raw).await
    }
    async fn update(
        db: &Db,
        actor: Actor,
        p: &project::Model,
        id: i32,
        version: i32,
        raw: &RawScenario,
    ) -> service::Result<Self::Row> {
        svc::update_scenario(db, actor, p.id, id, version, raw).await
    }
    async fn delete(_: &Db, _: Actor, _: &project::Model, _: i32, _: i32) -> service::Result<()> {
        Err(service::Error::NotFound)
    }
    async fn refused_delete(state: &AppState, ctx: &Ctx, a: Access, fb: Feedback) -> AppResult<Response> {
        case_page_again(state, ctx, a, fb).await
    }
}

pub struct Costs;

impl Resource for Costs {
    const ACTION: Action = Action::EditBusinessCase;
    type Raw = RawCost;
    type Row = bc_cost::Model;
    const TEMPLATE: &'static str = "business_case/cost_form.html";

    fn version_of(row: &Self::Row) -> i32 {
        row.version
    }
    fn back(id: i32, _: Option<&Self::Row>) -> String {
        format!("{}#costs", base(id))
    }
    fn blank(_: &project::Model) -> RawCost {
        RawCost {
            category: "software".into(),
            recurrence: "recurring".into(),
            growth: "0".into(),
            ..Default::default()
        }
    }
    fn raw_of(c: &Self::Row, p: &project::Model) -> RawCost {
        let (grid_start, grid_end, grid) = svc::grid_plain(c.grid_start, c.grid_minor.as_deref(), &p.currency);
        RawCost {
            category: c.category.clone(),
            description: c.description.clone(),
            recurrence: c.recurrence.clone(),
            amount: money::plain(c.amount_minor, &p.currency),
            growth: bc::percent_text(c.growth_rate),
            grid_start,
            grid_end,
            grid,
        }
    }
    fn extra(p: &project::Model) -> Value {
        form_extra(p)
    }
    async fn may_add(db: &Db, p: &project::Model) -> service::Result<()> {
        case_exists(db, p).await
    }
    async fn load(db: &Db, project_id: i32, id: i32) -> service::Result<Self::Row> {
        svc::cost(&db.conn, project_id, id).await
    }
    async fn create(db: &Db, actor: Actor, p: &project::Model, raw: &RawCost) -> service::Result<Self::Row> {
        svc::add_cost(db, actor, p.id, raw).await
    }
    async fn update(
        db: &Db,
        actor: Actor,
        p: &project::Model,
        id: i32,
        version: i32,
        raw: &RawCost,
    ) -> service::Result<Self::Row> {
        svc::update_cost(db, actor, p.id, id, version, raw).await
    }
    async fn delete(db: &Db, actor: Actor, p: &project::Model, id: i32, version: i32) -> service::Result<()> {
        svc::delete_cost(db, actor, p.id, id, version).await
    }
    async fn refused_delete(state: &AppState, ctx: &Ctx, a: Access, fb: Feedback) -> AppResult<Response> {
        case_page_again(state, ctx, a, fb).await
    }
}

pub struct Benefits;

impl Resource for Benefits {
    const ACTION: Action = Action::EditBusinessCase;
    type Raw = RawBenefit;
    type Row = bc_benefit::Model;
    const TEMPLATE: &'static str = "business_case/benefit_form.html";

    fn version_of(row: &Self::Row) -> i32 {
        row.version
    }
    fn back(id: i32, _: Option<&Self::Row>) -> String {
        format!("{}#benefits", base(id))
    }
    fn blank(_: &project::Model) -> RawBenefit {
        RawBenefit {
            kind: "cost_reduction".into(),
            growth: "0".into(),
            first_year: "1".into(),
            risk: "10".into(),
            ..Default::default()
        }
    }
    fn raw_of(b: &Self::Row, p: &project::Model) -> RawBenefit {
        let (grid_start, grid_end, grid) = svc::grid_plain(b.grid_start, b.grid_minor.as_deref(), &p.currency);
        RawBenefit {
            entry: if b.grid_start.is_some() { "yearly".into() } else { String::new() },
            grid_start,
            grid_end,
            grid,
            kind: b.kind.clone(),
            description: b.description.clone(),
            amount: money::plain(b.amount_minor, &p.currency),
            hours: b.hours.to_string(),
            margin: bc::percent_text(b.margin),
            growth: bc::percent_text(b.growth_rate),
            first_year: b.first_year.to_string(),
            risk: bc::percent_text(b.risk_adjustment),
            include_in_roi: b.include_in_roi,
            target_key: b.target_key.clone().unwrap_or_default(),
        }
    }
    fn extra(p: &project::Model) -> Value {
        form_extra(p)
    }
    async fn may_add(db: &Db, p: &project::Model) -> service::Result<()> {
        case_exists(db, p).await
    }
    async fn load(db: &Db, project_id: i32, id: i32) -> service::Result<Self::Row> {
        svc::benefit(&db.conn, project_id, id).await
    }
    async fn create(db: &Db, actor: Actor, p: &project::Model, raw: &RawBenefit) -> service::Result<Self::Row> {
        svc::add_benefit(db, actor, p.id, raw).await
    }
    async fn update(
        db: &Db,
        actor: Actor,
        p: &project::Model,
        id: i32,
        version: i32,
        raw: &RawBenefit,
    ) -> service::Result<Self::Row> {
        svc::update_benefit(db, actor, p.id, id, version, raw).await
    }
    async fn delete(db: &Db, actor: Actor, p: &project::Model, id: i32, version: i32) -> service::Result<()> {
        svc::delete_benefit(db, actor, p.id, id, version).await
    }
    async fn refused_delete(state: &AppState, ctx: &Ctx, a: Access, fb: Feedback) -> AppResult<Response> {
        case_page_again(state, ctx, a, fb).await
    }
}

/// This area's pages and form posts.
pub fn routes() -> axum::Router<crate::AppState> {
    use axum::routing::{get, post};
    axum::Router::new()
        .route("/projects/{id}/business-case", get(show).post(create))
        .route("/projects/{id}/business-case/approve", post(approve))
        .route("/projects/{id}/business-case/request-approval", post(request_approval))
        .route("/projects/{id}/business-case/benefits/{bid}/realised", post(realised))
        .merge(crud::routes::<Scenarios>("/projects/{id}/business-case/scenarios"))
        .merge(crud::routes::<Costs>("/projects/{id}/business-case/costs"))
        .merge(crud::routes::<Benefits>("/projects/{id}/business-case/benefits"))
}
