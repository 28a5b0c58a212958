//! The business case pages: the case with its results and charts, and the forms for
//! scenarios, cost lines, benefit lines, realised benefits and approval.
use super::context::Ctx;
use super::form::{Feedback, FormData};
use super::projects::{authorize, can, error_map, today};
use super::render::{page, ser};
use crate::AppState;
use crate::chart::{self, BarChart, CashFlowChart, Tornado};
use crate::domain::business_case::{
    self as bc, BENEFIT_KINDS, COST_CATEGORIES, RECURRENCES, RawBenefit, RawCost, RawScenario,
};
use crate::domain::finance::{self, Payback};
use crate::domain::money;
use crate::domain::policy::Action;
use crate::entity::{bc_benefit, bc_cost, bc_scenario, project};
use crate::error::{AppError, AppResult};
use crate::i18n::{self, Lang};
use crate::service::{self, access::Access, business_case as svc};
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
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

fn payback_text(lang: Lang, p: &Payback) -> String {
    match p {
        Payback::Months(m) => i18n::t(lang, "bc.payback_months").replace("{n}", &format!("{m:.1}")),
        Payback::NotWithinHorizon => i18n::t(lang, "bc.payback_none"),
    }
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
    let Some(l) = svc::load(&state.db.conn, p.id).await? else {
        let data = context! { project => ser(p), tab => "business_case", can => can(a.role), case => Value::from(()), error => fb.error };
        return Ok((fb.status, page(state, ctx, "business_case/show.html", data)).into_response());
    };
    let s = scenario.and_then(|sid| l.scenarios.iter().find(|s| s.id == sid)).or(l.scenarios.first()).cloned();
    let Some(s) = s else { return Err(AppError::NotFound) };
    let r = svc::evaluate(&l, &s);
    let cur = p.currency.as_str();
    let lang = ctx.lang;
    let m = |v: i64| money::format(v, cur);
    let w = |v: i64| money::format_whole(v, cur);

    // Planned vs realised: the plan to the date of each measurement (or today).
    let today = today();
    let mut realised_total = 0_i64;
    let mut planned_total = 0_i64;
    let benefits: Vec<Value> = l
        .benefits
        .iter()
        .zip(&r.benefit_lines)
        .map(|(b, lr)| {
            let as_of = b.realised_as_of.unwrap_or(today);
            let planned = bc::planned_to_date(&lr.flows, s.start_year, as_of);
            if lr.counted {
                planned_total = planned_total.saturating_add(planned);
                realised_total = realised_total.saturating_add(b.realised_minor.unwrap_or(0));
            }
            context! {
                row => ser(b),
                annual => m(bc::benefit_annual(&b.kind, b.amount_minor, b.hours, b.margin)),
                nominal => m(lr.nominal), pv => m(lr.pv), counted => lr.counted,
                planned_to_date => m(planned),
                realised => b.realised_minor.map(m),
                variance => b.realised_minor.map(|v| m(v.saturating_sub(planned))),
                behind => b.realised_minor.is_some_and(|v| v < planned),
                amount_plain => money::plain(b.amount_minor, cur),
                risk_pct => bc::percent_text(b.risk_adjustment),
                margin_pct => bc::percent_text(b.margin),
                growth_pct => bc::percent_text(b.growth_rate),
                form_amount => if rf.benefit == Some(b.id) { rf.amount.clone() } else { b.realised_minor.map(|v| money::plain(v, cur)).unwrap_or_default() },
                form_as_of => if rf.benefit == Some(b.id) { rf.as_of.clone() } else { b.realised_as_of.map(|d| d.to_string()).unwrap_or_else(|| today.to_string()) },
                errors => if rf.benefit == Some(b.id) { ser(&error_map(&fb.errors)) } else { Value::from(()) },
            }
        })
        .collect();
    let costs_to_date = finance::total(r.cost_lines.iter().map(|c| bc::planned_to_date(&c.flows, s.start_year, today)));
    let roi_to_date = (costs_to_date > 0 && realised_total > 0)
        .then(|| realised_total.saturating_sub(costs_to_date) as f64 / costs_to_date as f64);
    let costs: Vec<Value> = l
        .costs
        .iter()
        .zip(&r.cost_lines)
        .map(|(c, lr)| {
            context! { row => ser(c), amount => m(c.amount_minor), nominal => m(lr.nominal), pv => m(lr.pv), growth_pct => bc::percent_text(c.growth_rate) }
        })
        .collect();
    let years: Vec<Value> = r
        .years
        .iter()
        .map(|y| {
            context! { t => y.t, calendar_year => y.calendar_year, costs => m(y.costs), benefits => m(y.benefits), net => m(y.net), cumulative => m(y.cumulative), negative => y.cumulative < 0, pv_net => m(y.pv_net) }
        })
        .collect();

    // Charts: labels translated here, drawn by the chart module.
    let payback = payback_text(lang, &r.payback);
    let cash = chart::money_svg::cash_flow(&CashFlowChart {
        title: i18n::t(lang, "bc.chart_cash"),
        labels: r.years.iter().map(|y| format!("Y{} {}", y.t, y.calendar_year)).collect(),
        cumulative: r.years.iter().map(|y| y.cumulative).collect(),
        payback: match r.payback {
            Payback::Months(mo) => Some((mo / 12.0, format!("{}: {payback}", i18n::t(lang, "bc.payback")))),
            Payback::NotWithinHorizon => None,
        },
        currency: cur.into(),
    });
    let by_cat = chart::money_svg::bars(&BarChart {
        title: i18n::t(lang, "bc.chart_categories"),
        bars: r.costs_by_category.iter().map(|(c, v)| (i18n::t(lang, &format!("cost_cat.{c}")), *v)).collect(),
        currency: cur.into(),
    });
    let tornado = chart::money_svg::tornado(&Tornado {
        title: i18n::t(lang, "bc.chart_tornado"),
        base: r.npv,
        base_label: i18n::t(lang, "bc.npv"),
        rows: r.sensitivity.iter().take(10).map(|x| (x.label.clone(), x.npv_minus, x.npv_plus)).collect(),
        currency: cur.into(),
    });
    let approver = match l.case.approved_by {
        Some(uid) => service::user_names(&state.db.conn, [uid]).await?.remove(&uid),
        None => None,
    };
    let irr_text = |irr: &crate::domain::finance::Irr| match irr {
        crate::domain::finance::Irr::Rate(x) => format!("{:.1}%", x * 100.0),
        other => i18n::t(lang, &format!("bc.irr_{}", irr_kind(other))),
    };
    let data = context! {
        project => ser(p),
        tab => "business_case",
        can => can(a.role),
        case => ser(&l.case),
        approved_current => l.approved_current(),
        approver,
        scenarios => ser(&l.scenarios),
        s => ser(&s),
        rate_pct => bc::percent_text(s.discount_rate),
        figures => context! {
            tco_nominal => m(r.tco_nominal), tco_pv => m(r.tco_pv),
            benefits_nominal => m(r.benefits_nominal), benefits_pv => m(r.benefits_pv),
            // The cards show whole units so they stay readable; tables keep the cents.
            card => context! {
                npv => w(r.npv), tco_nominal => w(r.tco_nominal), tco_pv => w(r.tco_pv),
                benefits_nominal => w(r.benefits_nominal), benefits_pv => w(r.benefits_pv),
            },
            excluded_pv => (r.excluded_pv != 0).then(|| m(r.excluded_pv)),
            npv => m(r.npv), npv_negative => r.npv < 0,
            roi => r.roi.map(|x| format!("{:.1}%", x * 100.0)),
            irr => irr_text(&r.irr),
            break_even => irr_text(&r.break_even_rate),
            payback,
        },
        years,
        costs,
        benefits,
        sensitivity => r.sensitivity.iter().map(|x| context! { label => x.label.clone(), is_cost => x.is_cost, minus => m(x.npv_minus), plus => m(x.npv_plus) }).collect::<Vec<_>>(),
        to_date => context! {
            planned => m(planned_total), realised => m(realised_total),
            costs => m(costs_to_date),
            roi => roi_to_date.map(|x| format!("{:.1}%", x * 100.0)),
            any => l.benefits.iter().any(|b| b.realised_minor.is_some()),
        },
        charts => context! {
            cash => Value::from_safe_string(cash),
            categories => Value::from_safe_string(by_cat),
            tornado => Value::from_safe_string(tornado),
        },
        error => fb.error,
        conflict => fb.conflict,
    };
    Ok((fb.status, page(state, ctx, "business_case/show.html", data)).into_response())
}

fn irr_kind(i: &crate::domain::finance::Irr) -> &'static str {
    use crate::domain::finance::Irr;
    match i {
        Irr::Rate(_) => "rate",
        Irr::NoSignChange => "no_sign_change",
        Irr::Multiple => "multiple",
        Irr::NotFound => "not_found",
    }
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
    let (actor, a) = authorize(&state, &ctx, id, Action::Contribute).await?;
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

pub async fn realised(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, bid)): Path<(i32, i32)>,
    form: FormData,
) -> AppResult<Response> {
    let (actor, a) = authorize(&state, &ctx, id, Action::Contribute).await?;
    let (amount, as_of) = (form.get("realised"), form.get("as_of"));
    match svc::set_realised(&state.db, actor, id, bid, form.version()?, amount, as_of, today()).await {
        Ok(_) => Ok(Redirect::to(&format!("{}#realised", base(id))).into_response()),
        Err(e) => {
            let rf = RealisedFeedback { benefit: Some(bid), amount: amount.into(), as_of: as_of.into() };
            show_view(&state, &ctx, a, None, Feedback::from_service(e)?, rf).await
        }
    }
}

// ---- forms: scenario, cost line, benefit line ----

struct FormPage<'a, T: serde::Serialize> {
    template: &'static str,
    form: T,
    /// The row being edited (None for a new one), and the version the form was loaded with.
    row: Option<Value>,
    version: i32,
    /// On a stale save: the row as it is now.
    current: Option<Value>,
    project: &'a project::Model,
}

fn form_page<T: serde::Serialize>(state: &AppState, ctx: &Ctx, fb: Feedback, f: FormPage<'_, T>) -> Response {
    let data = context! {
        project => ser(f.project),
        form => ser(&f.form),
        row => f.row,
        version => f.version,
        current => f.current,
        errors => ser(&error_map(&fb.errors)),
        error => fb.error,
        conflict => fb.conflict,
        categories => ser(&COST_CATEGORIES),
        recurrences => ser(&RECURRENCES),
        kinds => ser(&BENEFIT_KINDS),
        currency => f.project.currency.clone(),
        symbol => money::symbol(&f.project.currency),
    };
    (if fb.status == StatusCode::OK { StatusCode::OK } else { fb.status }, page(state, ctx, f.template, data))
        .into_response()
}

fn raw_scenario(f: &FormData) -> RawScenario {
    RawScenario {
        name: f.get("name").into(),
        horizon: f.get("horizon").into(),
        rate: f.get("rate").into(),
        start_year: f.get("start_year").into(),
        cost_factor: f.get("cost_factor").into(),
        benefit_factor: f.get("benefit_factor").into(),
    }
}

fn raw_of_scenario(s: &bc_scenario::Model) -> RawScenario {
    RawScenario {
        name: s.name.clone(),
        horizon: s.horizon_years.to_string(),
        rate: bc::percent_text(s.discount_rate),
        start_year: s.start_year.to_string(),
        cost_factor: s.cost_factor_pct.to_string(),
        benefit_factor: s.benefit_factor_pct.to_string(),
    }
}

fn raw_cost(f: &FormData) -> RawCost {
    RawCost {
        category: f.get("category").into(),
        description: f.get("description").into(),
        recurrence: f.get("recurrence").into(),
        amount: f.get("amount").into(),
        growth: f.get("growth").into(),
    }
}

fn raw_of_cost(c: &bc_cost::Model, cur: &str) -> RawCost {
    RawCost {
        category: c.category.clone(),
        description: c.description.clone(),
        recurrence: c.recurrence.clone(),
        amount: money::plain(c.amount_minor, cur),
        growth: bc::percent_text(c.growth_rate),
    }
}

fn raw_benefit(f: &FormData) -> RawBenefit {
    RawBenefit {
        kind: f.get("kind").into(),
        description: f.get("description").into(),
        amount: f.get("amount").into(),
        hours: f.get("hours").into(),
        margin: f.get("margin").into(),
        growth: f.get("growth").into(),
        first_year: f.get("first_year").into(),
        risk: f.get("risk").into(),
        include_in_roi: f.get("include_in_roi") == "1",
        target_key: f.get("target_key").into(),
    }
}

fn raw_of_benefit(b: &bc_benefit::Model, cur: &str) -> RawBenefit {
    RawBenefit {
        kind: b.kind.clone(),
        description: b.description.clone(),
        amount: money::plain(b.amount_minor, cur),
        hours: b.hours.to_string(),
        margin: bc::percent_text(b.margin),
        growth: bc::percent_text(b.growth_rate),
        first_year: b.first_year.to_string(),
        risk: bc::percent_text(b.risk_adjustment),
        include_in_roi: b.include_in_roi,
        target_key: b.target_key.clone().unwrap_or_default(),
    }
}

/// The case must exist before lines can be added to it.
async fn require_case(state: &AppState, id: i32) -> AppResult<()> {
    svc::case_of(&state.db.conn, id).await?.map(|_| ()).ok_or(AppError::NotFound)
}

pub async fn scenario_new(State(state): State<AppState>, ctx: Ctx, Path(id): Path<i32>) -> AppResult<Response> {
    let (_, a) = authorize(&state, &ctx, id, Action::Contribute).await?;
    require_case(&state, id).await?;
    let form = RawScenario {
        horizon: "5".into(),
        rate: "8".into(),
        start_year: chrono::Datelike::year(&a.project.start_date).to_string(),
        cost_factor: "100".into(),
        benefit_factor: "100".into(),
        ..Default::default()
    };
    let f = FormPage {
        template: "business_case/scenario_form.html",
        form,
        row: None,
        version: 0,
        current: None,
        project: &a.project,
    };
    Ok(form_page(&state, &ctx, Feedback::none(), f))
}

pub async fn scenario_create(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i32>,
    form: FormData,
) -> AppResult<Response> {
    let (actor, a) = authorize(&state, &ctx, id, Action::Contribute).await?;
    let raw = raw_scenario(&form);
    match svc::add_scenario(&state.db, actor, id, &raw).await {
        Ok(s) => Ok(Redirect::to(&format!("{}?scenario={}", base(id), s.id)).into_response()),
        Err(e) => {
            let f = FormPage {
                template: "business_case/scenario_form.html",
                form: raw,
                row: None,
                version: 0,
                current: None,
                project: &a.project,
            };
            Ok(form_page(&state, &ctx, Feedback::from_service(e)?, f))
        }
    }
}

pub async fn scenario_edit(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, sid)): Path<(i32, i32)>,
) -> AppResult<Response> {
    let (_, a) = authorize(&state, &ctx, id, Action::Contribute).await?;
    let s = svc::scenario(&state.db.conn, id, sid).await?;
    let f = FormPage {
        template: "business_case/scenario_form.html",
        form: raw_of_scenario(&s),
        row: Some(ser(&s)),
        version: s.version,
        current: None,
        project: &a.project,
    };
    Ok(form_page(&state, &ctx, Feedback::none(), f))
}

pub async fn scenario_update(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, sid)): Path<(i32, i32)>,
    form: FormData,
) -> AppResult<Response> {
    let (actor, a) = authorize(&state, &ctx, id, Action::Contribute).await?;
    let version = form.version()?;
    let raw = raw_scenario(&form);
    match svc::update_scenario(&state.db, actor, id, sid, version, &raw).await {
        Ok(s) => Ok(Redirect::to(&format!("{}?scenario={}", base(id), s.id)).into_response()),
        Err(e) => {
            let fb = Feedback::from_service(e)?;
            let s = svc::scenario(&state.db.conn, id, sid).await?;
            let current = fb.conflict.then(|| ser(&raw_of_scenario(&s)));
            let version = if fb.conflict { s.version } else { version };
            let f = FormPage {
                template: "business_case/scenario_form.html",
                form: raw,
                row: Some(ser(&s)),
                version,
                current,
                project: &a.project,
            };
            Ok(form_page(&state, &ctx, fb, f))
        }
    }
}

pub async fn cost_new(State(state): State<AppState>, ctx: Ctx, Path(id): Path<i32>) -> AppResult<Response> {
    let (_, a) = authorize(&state, &ctx, id, Action::Contribute).await?;
    require_case(&state, id).await?;
    let form = RawCost {
        category: "software".into(),
        recurrence: "recurring".into(),
        growth: "0".into(),
        ..Default::default()
    };
    let f = FormPage {
        template: "business_case/cost_form.html",
        form,
        row: None,
        version: 0,
        current: None,
        project: &a.project,
    };
    Ok(form_page(&state, &ctx, Feedback::none(), f))
}

pub async fn cost_create(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i32>,
    form: FormData,
) -> AppResult<Response> {
    let (actor, a) = authorize(&state, &ctx, id, Action::Contribute).await?;
    let raw = raw_cost(&form);
    match svc::add_cost(&state.db, actor, id, &raw).await {
        Ok(_) => Ok(Redirect::to(&format!("{}#costs", base(id))).into_response()),
        Err(e) => {
            let f = FormPage {
                template: "business_case/cost_form.html",
                form: raw,
                row: None,
                version: 0,
                current: None,
                project: &a.project,
            };
            Ok(form_page(&state, &ctx, Feedback::from_service(e)?, f))
        }
    }
}

pub async fn cost_edit(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, cid)): Path<(i32, i32)>,
) -> AppResult<Response> {
    let (_, a) = authorize(&state, &ctx, id, Action::Contribute).await?;
    let c = svc::cost(&state.db.conn, id, cid).await?;
    let f = FormPage {
        template: "business_case/cost_form.html",
        form: raw_of_cost(&c, &a.project.currency),
        row: Some(ser(&c)),
        version: c.version,
        current: None,
        project: &a.project,
    };
    Ok(form_page(&state, &ctx, Feedback::none(), f))
}

pub async fn cost_update(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, cid)): Path<(i32, i32)>,
    form: FormData,
) -> AppResult<Response> {
    let (actor, a) = authorize(&state, &ctx, id, Action::Contribute).await?;
    let version = form.version()?;
    let raw = raw_cost(&form);
    match svc::update_cost(&state.db, actor, id, cid, version, &raw).await {
        Ok(_) => Ok(Redirect::to(&format!("{}#costs", base(id))).into_response()),
        Err(e) => {
            let fb = Feedback::from_service(e)?;
            let c = svc::cost(&state.db.conn, id, cid).await?;
            let current = fb.conflict.then(|| ser(&raw_of_cost(&c, &a.project.currency)));
            let version = if fb.conflict { c.version } else { version };
            let f = FormPage {
                template: "business_case/cost_form.html",
                form: raw,
                row: Some(ser(&c)),
                version,
                current,
                project: &a.project,
            };
            Ok(form_page(&state, &ctx, fb, f))
        }
    }
}

pub async fn cost_delete(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, cid)): Path<(i32, i32)>,
    form: FormData,
) -> AppResult<Response> {
    let (actor, a) = authorize(&state, &ctx, id, Action::Contribute).await?;
    match svc::delete_cost(&state.db, actor, id, cid, form.version()?).await {
        Ok(()) => Ok(Redirect::to(&format!("{}#costs", base(id))).into_response()),
        Err(e) => show_view(&state, &ctx, a, None, Feedback::from_service(e)?, RealisedFeedback::default()).await,
    }
}

pub async fn benefit_new(State(state): State<AppState>, ctx: Ctx, Path(id): Path<i32>) -> AppResult<Response> {
    let (_, a) = authorize(&state, &ctx, id, Action::Contribute).await?;
    require_case(&state, id).await?;
    let form = RawBenefit {
        kind: "cost_reduction".into(),
        growth: "0".into(),
        first_year: "1".into(),
        risk: "10".into(),
        ..Default::default()
    };
    let f = FormPage {
        template: "business_case/benefit_form.html",
        form,
        row: None,
        version: 0,
        current: None,
        project: &a.project,
    };
    Ok(form_page(&state, &ctx, Feedback::none(), f))
}

pub async fn benefit_create(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i32>,
    form: FormData,
) -> AppResult<Response> {
    let (actor, a) = authorize(&state, &ctx, id, Action::Contribute).await?;
    let raw = raw_benefit(&form);
    match svc::add_benefit(&state.db, actor, id, &raw).await {
        Ok(_) => Ok(Redirect::to(&format!("{}#benefits", base(id))).into_response()),
        Err(e) => {
            let f = FormPage {
                template: "business_case/benefit_form.html",
                form: raw,
                row: None,
                version: 0,
                current: None,
                project: &a.project,
            };
            Ok(form_page(&state, &ctx, Feedback::from_service(e)?, f))
        }
    }
}

pub async fn benefit_edit(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, bid)): Path<(i32, i32)>,
) -> AppResult<Response> {
    let (_, a) = authorize(&state, &ctx, id, Action::Contribute).await?;
    let b = svc::benefit(&state.db.conn, id, bid).await?;
    let f = FormPage {
        template: "business_case/benefit_form.html",
        form: raw_of_benefit(&b, &a.project.currency),
        row: Some(ser(&b)),
        version: b.version,
        current: None,
        project: &a.project,
    };
    Ok(form_page(&state, &ctx, Feedback::none(), f))
}

pub async fn benefit_update(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, bid)): Path<(i32, i32)>,
    form: FormData,
) -> AppResult<Response> {
    let (actor, a) = authorize(&state, &ctx, id, Action::Contribute).await?;
    let version = form.version()?;
    let raw = raw_benefit(&form);
    match svc::update_benefit(&state.db, actor, id, bid, version, &raw).await {
        Ok(_) => Ok(Redirect::to(&format!("{}#benefits", base(id))).into_response()),
        Err(e) => {
            let fb = Feedback::from_service(e)?;
            let b = svc::benefit(&state.db.conn, id, bid).await?;
            let current = fb.conflict.then(|| ser(&raw_of_benefit(&b, &a.project.currency)));
            let version = if fb.conflict { b.version } else { version };
            let f = FormPage {
                template: "business_case/benefit_form.html",
                form: raw,
                row: Some(ser(&b)),
                version,
                current,
                project: &a.project,
            };
            Ok(form_page(&state, &ctx, fb, f))
        }
    }
}

pub async fn benefit_delete(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, bid)): Path<(i32, i32)>,
    form: FormData,
) -> AppResult<Response> {
    let (actor, a) = authorize(&state, &ctx, id, Action::Contribute).await?;
    match svc::delete_benefit(&state.db, actor, id, bid, form.version()?).await {
        Ok(()) => Ok(Redirect::to(&format!("{}#benefits", base(id))).into_response()),
        Err(e) => show_view(&state, &ctx, a, None, Feedback::from_service(e)?, RealisedFeedback::default()).await,
    }
}

/// This area's pages and form posts.
pub fn routes() -> axum::Router<crate::AppState> {
    use axum::routing::{get, post};
    axum::Router::new()
        .route("/projects/{id}/business-case", get(show).post(create))
        .route("/projects/{id}/business-case/approve", post(approve))
        .route("/projects/{id}/business-case/scenarios", post(scenario_create))
        .route("/projects/{id}/business-case/scenarios/new", get(scenario_new))
        .route("/projects/{id}/business-case/scenarios/{sid}", get(scenario_edit).post(scenario_update))
        .route("/projects/{id}/business-case/costs", post(cost_create))
        .route("/projects/{id}/business-case/costs/new", get(cost_new))
        .route("/projects/{id}/business-case/costs/{cid}", get(cost_edit).post(cost_update))
        .route("/projects/{id}/business-case/costs/{cid}/delete", post(cost_delete))
        .route("/projects/{id}/business-case/benefits", post(benefit_create))
        .route("/projects/{id}/business-case/benefits/new", get(benefit_new))
        .route("/projects/{id}/business-case/benefits/{bid}", get(benefit_edit).post(benefit_update))
        .route("/projects/{id}/business-case/benefits/{bid}/delete", post(benefit_delete))
        .route("/projects/{id}/business-case/benefits/{bid}/realised", post(realised))
}
