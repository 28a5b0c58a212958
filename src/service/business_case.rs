//! The business case of a project: scenarios, cost and benefit lines, realised benefits and
//! the steering committee's approval. Every change to the plan bumps the case's
//! `plan_revision`, so an approval is valid only for the revision it froze.
//!
//! [`view`] is the one place the case's figures are made (TCO, NPV, ROI, IRR, payback,
//! break-even rate, sensitivity, realised against plan and ROI to date, each formatted
//! once by `domain::money`), and [`CaseView::charts`] the one builder of its charts (cash
//! flow, costs by category, tornado). The case page, `GET /api/v1/projects/{id}/business-case`,
//! the business-case document and the review pack's summary all take the `CaseView`.
//! Writes go through `service::write`; every change of plan runs in `change_plan`.
use super::{Actor, Error, Result, now, write};
use crate::chart::{BarChart, CashFlowChart, Tornado};
use crate::db::Db;
use crate::domain::business_case::{
    self as bc, BenefitLine, CostLine, RawBenefit, RawCost, RawScenario, Results, Scenario, ScenarioInput,
};
use crate::domain::finance::{self, Payback};
use crate::domain::money;
use crate::entity::{bc_benefit, bc_cost, bc_scenario, business_case, project};
use crate::i18n::{self, Lang};
use chrono::{Datelike, NaiveDate};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseTransaction, EntityTrait, QueryFilter, QueryOrder,
};
use serde::Serialize;

/// A case with everything in it.
#[derive(Clone, Debug, Serialize)]
pub struct Loaded {
    pub case: business_case::Model,
    pub scenarios: Vec<bc_scenario::Model>,
    pub costs: Vec<bc_cost::Model>,
    pub benefits: Vec<bc_benefit::Model>,
}

impl Loaded {
    pub fn approved_current(&self) -> bool {
        self.case.approved_revision == Some(self.case.plan_revision)
    }
}

pub fn params(s: &bc_scenario::Model) -> Scenario {
    Scenario {
        horizon: s.horizon_years,
        rate: s.discount_rate,
        start_year: s.start_year,
        cost_factor_pct: s.cost_factor_pct,
        benefit_factor_pct: s.benefit_factor_pct,
    }
}

pub fn cost_line(c: &bc_cost::Model) -> CostLine {
    CostLine {
        id: c.id,
        category: c.category.clone(),
        description: c.description.clone(),
        recurrence: c.recurrence.clone(),
        amount: c.amount_minor,
        growth: c.growth_rate,
        grid: bc::Grid::from_columns(c.grid_start, c.grid_minor.as_deref()),
    }
}

pub fn benefit_line(b: &bc_benefit::Model) -> BenefitLine {
    BenefitLine {
        id: b.id,
        kind: b.kind.clone(),
        description: b.description.clone(),
        amount: b.amount_minor,
        hours: b.hours,
        margin: b.margin,
        growth: b.growth_rate,
        first_year: b.first_year,
        risk: b.risk_adjustment,
        include_in_roi: b.include_in_roi,
        grid: bc::Grid::from_columns(b.grid_start, b.grid_minor.as_deref()),
    }
}

/// The results of one scenario.
pub fn evaluate(l: &Loaded, s: &bc_scenario::Model) -> Results {
    let costs: Vec<CostLine> = l.costs.iter().map(cost_line).collect();
    let benefits: Vec<BenefitLine> = l.benefits.iter().map(benefit_line).collect();
    bc::evaluate(&params(s), &costs, &benefits)
}

pub async fn case_of<C: ConnectionTrait>(c: &C, project_id: i32) -> Result<Option<business_case::Model>> {
    Ok(business_case::Entity::find().filter(business_case::Column::ProjectId.eq(project_id)).one(c).await?)
}

pub async fn load<C: ConnectionTrait>(c: &C, project_id: i32) -> Result<Option<Loaded>> {
    // The lines are read by project (one case per project), whether or not a case exists,
    // so that the page issues the same statements for every project.
    let case = case_of(c, project_id).await?;
    let scenarios = bc_scenario::Entity::find()
        .filter(bc_scenario::Column::ProjectId.eq(project_id))
        .order_by_asc(bc_scenario::Column::Id)
        .all(c)
        .await?;
    let costs = bc_cost::Entity::find()
        .filter(bc_cost::Column::ProjectId.eq(project_id))
        .order_by_asc(bc_cost::Column::Id)
        .all(c)
        .await?;
    let benefits = bc_benefit::Entity::find()
        .filter(bc_benefit::Column::ProjectId.eq(project_id))
        .order_by_asc(bc_benefit::Column::Id)
        .all(c)
        .await?;
    Ok(case.map(|case| Loaded { case, scenarios, costs, benefits }))
}

/// True when the project's case is approved at its current revision (the phase-1 gate rule).
pub async fn approved<C: ConnectionTrait>(c: &C, project_id: i32) -> Result<bool> {
    Ok(case_of(c, project_id).await?.is_some_and(|k| k.approved_revision == Some(k.plan_revision)))
}

async fn project_of<C: ConnectionTrait>(c: &C, project_id: i32) -> Result<project::Model> {
    project::Entity::find_by_id(project_id).one(c).await?.ok_or(Error::NotFound)
}

async fn case_for_write<C: ConnectionTrait>(c: &C, project_id: i32) -> Result<business_case::Model> {
    case_of(c, project_id).await?.ok_or(Error::NotFound)
}

/// Record that the plan changed. The approval (if any) stays in the row as history, but no
/// longer matches the revision, so the case needs approving again. Not audited on its own:
/// the line or scenario change that caused it is.
async fn bump_plan<C: ConnectionTrait>(c: &C, k: &business_case::Model) -> Result<()> {
    let am = business_case::ActiveModel { plan_revision: Set(k.plan_revision + 1), ..Default::default() };
    write::guarded::<business_case::Entity, _>(c, k.id, k.version, am).await
}

/// Open a new revision of the project's business case (an approved change request): the
/// plan revision goes up, so the case needs approving again. Audited; `None` when the
/// project has no business case.
pub async fn new_revision_in<C: ConnectionTrait>(
    c: &C,
    actor: Actor,
    project_id: i32,
    why: &str,
) -> Result<Option<i32>> {
    let Some(k) = case_of(c, project_id).await? else {
        return Ok(None);
    };
    bump_plan(c, &k).await?;
    let rev = k.plan_revision + 1;
    let note = serde_json::json!({ "plan_revision": rev, "reason": why });
    super::audit::record(c, actor, Some(project_id), "business_case", k.id, "revise", None::<&()>, Some(&note)).await?;
    Ok(Some(rev))
}

/// The three usual scenarios: expected as entered, conservative (costs +10%, benefits
/// −20%) and optimistic (benefits +15%).
const DEFAULT_SCENARIOS: &[(&str, i32, i32)] =
    &[("Expected 预期", 100, 100), ("Conservative 保守", 110, 80), ("Optimistic 乐观", 100, 115)];

/// Start the project's business case: five years at 8% from the project's start year.
pub async fn create(db: &Db, actor: Actor, project_id: i32) -> Result<business_case::Model> {
    write::transaction(db, async |tx| {
        let p = project_of(tx, project_id).await?;
        if case_of(tx, project_id).await?.is_some() {
            return Err(Error::Rule("err.business_case_exists"));
        }
        let am =
            business_case::ActiveModel { project_id: Set(project_id), plan_revision: Set(1), ..Default::default() };
        let k = write::insert::<business_case::Entity, _>(tx, actor, project_id, am, "create").await?;
        for (name, cf, bf) in DEFAULT_SCENARIOS {
            let input = ScenarioInput {
                name: (*name).into(),
                params: Scenario {
                    horizon: 5,
                    rate: 0.08,
                    start_year: p.start_date.year(),
                    cost_factor_pct: *cf,
                    benefit_factor_pct: *bf,
                },
            };
            insert_scenario(tx, actor, &k, &input).await?;
        }
        Ok(k)
    })
    .await
}

fn scenario_model(s: &ScenarioInput) -> bc_scenario::ActiveModel {
    bc_scenario::ActiveModel {
        name: Set(s.name.clone()),
        horizon_years: Set(s.params.horizon),
        discount_rate: Set(s.params.rate),
        start_year: Set(s.params.start_year),
        cost_factor_pct: Set(s.params.cost_factor_pct),
        benefit_factor_pct: Set(s.params.benefit_factor_pct),
        ..Default::default()
    }
}

async fn insert_scenario<C: ConnectionTrait>(
    c: &C,
    actor: Actor,
    k: &business_case::Model,
    s: &ScenarioInput,
) -> Result<bc_scenario::Model> {
    let mut am = scenario_model(s);
    am.case_id = Set(k.id);
    am.project_id = Set(k.project_id);
    write::insert::<bc_scenario::Entity, _>(c, actor, k.project_id, am, "create").await
}

pub async fn scenario<C: ConnectionTrait>(c: &C, project_id: i32, id: i32) -> Result<bc_scenario::Model> {
    write::get::<bc_scenario::Entity, _>(c, project_id, id).await
}

/// Every change to the plan runs here: in one transaction with the case loaded, then the
/// plan's revision goes up (so an approval no longer matches it).
async fn change_plan<T>(
    db: &Db,
    project_id: i32,
    body: impl AsyncFnOnce(&DatabaseTransaction, &business_case::Model) -> Result<T>,
) -> Result<T> {
    write::transaction(db, async |tx| {
        let k = case_for_write(tx, project_id).await?;
        let out = body(tx, &k).await?;
        bump_plan(tx, &k).await?;
        Ok(out)
    })
    .await
}

/// The calendar years the case covers (the scenarios' shared start year to the end of their
/// shared horizon): the range a yearly grid's years must lie in. `None` without scenarios.
pub async fn case_years<C: ConnectionTrait>(c: &C, project_id: i32) -> Result<Option<bc::CaseYears>> {
    let first = bc_scenario::Entity::find()
        .filter(bc_scenario::Column::ProjectId.eq(project_id))
        .order_by_asc(bc_scenario::Column::Id)
        .one(c)
        .await?;
    Ok(first.map(|s| (s.start_year, s.start_year.saturating_add(s.horizon_years))))
}

/// All scenarios of a case share one horizon and start year (the years of the case, which
/// yearly grids are laid on): a scenario saved with other years gives them to the others,
/// each an audited update of its own. Returns how many others changed.
async fn align_scenarios<C: ConnectionTrait>(
    c: &C,
    actor: Actor,
    project_id: i32,
    saved: &bc_scenario::Model,
) -> Result<usize> {
    let others = bc_scenario::Entity::find()
        .filter(bc_scenario::Column::ProjectId.eq(project_id))
        .filter(bc_scenario::Column::Id.ne(saved.id))
        .all(c)
        .await?;
    let mut n = 0;
    for o in others.iter().filter(|o| o.horizon_years != saved.horizon_years || o.start_year != saved.start_year) {
        let am = bc_scenario::ActiveModel {
            horizon_years: Set(saved.horizon_years),
            start_year: Set(saved.start_year),
            ..Default::default()
        };
        write::update::<bc_scenario::Entity, _>(c, actor, project_id, o.id, o.version, am, "shared_horizon").await?;
        n += 1;
    }
    Ok(n)
}

pub async fn add_scenario(db: &Db, actor: Actor, project_id: i32, raw: &RawScenario) -> Result<bc_scenario::Model> {
    let input = bc::validate_scenario(raw)?;
    change_plan(db, project_id, async |tx, k| {
        let s = insert_scenario(tx, actor, k, &input).await?;
        align_scenarios(tx, actor, project_id, &s).await?;
        Ok(s)
    })
    .await
}

pub async fn update_scenario(
    db: &Db,
    actor: Actor,
    project_id: i32,
    id: i32,
    version: i32,
    raw: &RawScenario,
) -> Result<bc_scenario::Model> {
    let s = bc::validate_scenario(raw)?;
    change_plan(db, project_id, async |tx, _| {
        let ch =
            write::update::<bc_scenario::Entity, _>(tx, actor, project_id, id, version, scenario_model(&s), "update")
                .await?;
        align_scenarios(tx, actor, project_id, &ch.after).await?;
        Ok(ch.after)
    })
    .await
}

pub async fn cost<C: ConnectionTrait>(c: &C, project_id: i32, id: i32) -> Result<bc_cost::Model> {
    write::get::<bc_cost::Entity, _>(c, project_id, id).await
}

fn cost_model(line: CostLine) -> bc_cost::ActiveModel {
    bc_cost::ActiveModel {
        grid_start: Set(line.grid.as_ref().map(|g| g.start)),
        grid_minor: Set(line.grid.as_ref().map(bc::Grid::to_json)),
        category: Set(line.category),
        description: Set(line.description),
        recurrence: Set(line.recurrence),
        amount_minor: Set(line.amount),
        growth_rate: Set(line.growth),
        ..Default::default()
    }
}

pub async fn add_cost(db: &Db, actor: Actor, project_id: i32, raw: &RawCost) -> Result<bc_cost::Model> {
    let p = project_of(&db.conn, project_id).await?;
    let line = bc::validate_cost(raw, &p.currency, case_years(&db.conn, project_id).await?)?;
    change_plan(db, project_id, async |tx, k| {
        let mut am = cost_model(line);
        am.case_id = Set(k.id);
        am.project_id = Set(project_id);
        write::insert::<bc_cost::Entity, _>(tx, actor, project_id, am, "create").await
    })
    .await
}

pub async fn update_cost(
    db: &Db,
    actor: Actor,
    project_id: i32,
    id: i32,
    version: i32,
    raw: &RawCost,
) -> Result<bc_cost::Model> {
    let p = project_of(&db.conn, project_id).await?;
    let line = bc::validate_cost(raw, &p.currency, case_years(&db.conn, project_id).await?)?;
    change_plan(db, project_id, async |tx, _| {
        let ch =
            write::update::<bc_cost::Entity, _>(tx, actor, project_id, id, version, cost_model(line), "update").await?;
        Ok(ch.after)
    })
    .await
}

pub async fn delete_cost(db: &Db, actor: Actor, project_id: i32, id: i32, version: i32) -> Result<()> {
    change_plan(db, project_id, async |tx, _| {
        write::delete::<bc_cost::Entity, _>(tx, actor, project_id, id, Some(version)).await.map(|_| ())
    })
    .await
}

pub async fn benefit<C: ConnectionTrait>(c: &C, project_id: i32, id: i32) -> Result<bc_benefit::Model> {
    write::get::<bc_benefit::Entity, _>(c, project_id, id).await
}

fn benefit_model(b: BenefitLine, target: Option<String>) -> bc_benefit::ActiveModel {
    bc_benefit::ActiveModel {
        grid_start: Set(b.grid.as_ref().map(|g| g.start)),
        grid_minor: Set(b.grid.as_ref().map(bc::Grid::to_json)),
        kind: Set(b.kind),
        description: Set(b.description),
        amount_minor: Set(b.amount),
        hours: Set(b.hours),
        margin: Set(b.margin),
        growth_rate: Set(b.growth),
        first_year: Set(b.first_year),
        risk_adjustment: Set(b.risk),
        include_in_roi: Set(b.include_in_roi),
        target_key: Set(target),
        ..Default::default()
    }
}

pub async fn add_benefit(db: &Db, actor: Actor, project_id: i32, raw: &RawBenefit) -> Result<bc_benefit::Model> {
    let p = project_of(&db.conn, project_id).await?;
    let (b, target) = bc::validate_benefit(raw, &p.currency, case_years(&db.conn, project_id).await?)?;
    change_plan(db, project_id, async |tx, k| {
        let mut am = benefit_model(b, target);
        am.case_id = Set(k.id);
        am.project_id = Set(project_id);
        am.realised_minor = Set(None);
        am.realised_as_of = Set(None);
        write::insert::<bc_benefit::Entity, _>(tx, actor, project_id, am, "create").await
    })
    .await
}

pub async fn update_benefit(
    db: &Db,
    actor: Actor,
    project_id: i32,
    id: i32,
    version: i32,
    raw: &RawBenefit,
) -> Result<bc_benefit::Model> {
    let p = project_of(&db.conn, project_id).await?;
    let (b, target) = bc::validate_benefit(raw, &p.currency, case_years(&db.conn, project_id).await?)?;
    change_plan(db, project_id, async |tx, _| {
        let am = benefit_model(b, target);
        Ok(write::update::<bc_benefit::Entity, _>(tx, actor, project_id, id, version, am, "update").await?.after)
    })
    .await
}

pub async fn delete_benefit(db: &Db, actor: Actor, project_id: i32, id: i32, version: i32) -> Result<()> {
    change_plan(db, project_id, async |tx, _| {
        write::delete::<bc_benefit::Entity, _>(tx, actor, project_id, id, Some(version)).await.map(|_| ())
    })
    .await
}

/// Record what a benefit has realised to date. This is an observation, not a change of plan,
/// so it leaves the approval alone. (Once measurable targets exist, a benefit linked to a
/// target will take this from the target's measurements.) The date may not lie after the
/// project's today.
pub async fn set_realised(
    db: &Db,
    actor: Actor,
    project_id: i32,
    id: i32,
    version: i32,
    amount: &str,
    as_of: &str,
) -> Result<bc_benefit::Model> {
    let p = project_of(&db.conn, project_id).await?;
    let (v, date) = bc::validate_realised(amount, as_of, &p.currency, super::clock::today(&p))?;
    let am =
        bc_benefit::ActiveModel { realised_minor: Set(Some(v)), realised_as_of: Set(Some(date)), ..Default::default() };
    write::transaction(db, async |tx| {
        Ok(write::update::<bc_benefit::Entity, _>(tx, actor, project_id, id, version, am, "realised").await?.after)
    })
    .await
}

/// The frozen record of an approval: the plan as it stood and every scenario's results.
#[derive(Serialize)]
struct Snapshot<'a> {
    plan_revision: i32,
    currency: &'a str,
    scenarios: Vec<(&'a bc_scenario::Model, Results)>,
    costs: &'a [bc_cost::Model],
    benefits: &'a [bc_benefit::Model],
}

/// The steering committee approves the case as it stands at `version` (role checked by the
/// caller). The plan and its computed results are frozen as JSON in the same transaction.
pub async fn approve(db: &Db, actor: Actor, project_id: i32, version: i32) -> Result<business_case::Model> {
    write::transaction(db, async |tx| {
        let p = project_of(tx, project_id).await?;
        let l = load(tx, project_id).await?.ok_or(Error::NotFound)?;
        if l.case.version != version {
            return Err(Error::Conflict);
        }
        if l.costs.is_empty() || l.benefits.is_empty() {
            return Err(Error::Rule("err.business_case_incomplete"));
        }
        let snapshot = Snapshot {
            plan_revision: l.case.plan_revision,
            currency: &p.currency,
            scenarios: l.scenarios.iter().map(|s| (s, evaluate(&l, s))).collect(),
            costs: &l.costs,
            benefits: &l.benefits,
        };
        let json = serde_json::to_string(&snapshot).map_err(|e| Error::Db(sea_orm::DbErr::Custom(e.to_string())))?;
        let am = business_case::ActiveModel {
            approved_revision: Set(Some(l.case.plan_revision)),
            approved_by: Set(Some(actor.user_id)),
            approved_at: Set(Some(now())),
            approved_snapshot: Set(Some(json)),
            ..Default::default()
        };
        let after = write::update::<business_case::Entity, _>(tx, actor, project_id, l.case.id, version, am, "approve")
            .await?
            .after;
        // The approved case may be what the preparation gate was still waiting for.
        super::notify::gate_ready(tx, actor, project_id).await?;
        Ok(after)
    })
    .await
}
/// Put the case's current plan revision before the steering committee: it then waits in the
/// inbox of everyone who may approve it, and each of them is told once (per revision) in this
/// transaction. Asking again for the same revision changes nothing; a plan change after the
/// request means it has to be asked for again (the inbox shows a request only while its
/// revision is the plan's).
pub async fn request_approval(db: &Db, actor: Actor, project_id: i32, version: i32) -> Result<business_case::Model> {
    write::transaction(db, async |tx| {
        let l = load(tx, project_id).await?.ok_or(Error::NotFound)?;
        if l.case.version != version {
            return Err(Error::Conflict);
        }
        if l.costs.is_empty() || l.benefits.is_empty() {
            return Err(Error::Rule("err.business_case_incomplete"));
        }
        if l.case.approved_revision == Some(l.case.plan_revision) {
            return Err(Error::Rule("collab.err.case_already_approved"));
        }
        let rev = l.case.plan_revision;
        let after = if l.case.requested_revision == Some(rev) {
            l.case
        } else {
            let am = business_case::ActiveModel {
                requested_revision: Set(Some(rev)),
                requested_by: Set(Some(actor.user_id)),
                requested_at: Set(Some(now())),
                ..Default::default()
            };
            write::update::<business_case::Entity, _>(tx, actor, project_id, l.case.id, version, am, "request_approval")
                .await?
                .after
        };
        super::notify::approval_waiting(
            tx,
            actor,
            project_id,
            crate::domain::policy::Action::DecideGate,
            &format!("business_case_r{rev}"),
            after.id,
            (
                &i18n::tf(Lang::En, "collab.inbox.case_waiting", &[("revision", &rev.to_string())]),
                &i18n::tf(Lang::Zh, "collab.inbox.case_waiting", &[("revision", &rev.to_string())]),
            ),
            format!("/projects/{project_id}/business-case"),
        )
        .await?;
        Ok(after)
    })
    .await
}

// ---- the case page's view: every figure of the case, computed once ----

/// A ratio as the product shows it everywhere: "19.5%".
fn pct1(x: f64) -> String {
    format!("{:.1}%", x * 100.0)
}

/// A rate that may not exist (IRR, break-even rate): the rate as shown, or why there is none
/// (`kind`: `rate`, `no_sign_change`, `multiple`, `not_found`; the words are `bc.irr_<kind>`).
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct RateFigure {
    pub kind: &'static str,
    pub rate: Option<String>,
}

fn rate_figure(i: &finance::Irr) -> RateFigure {
    use finance::Irr;
    let kind = match i {
        Irr::Rate(_) => "rate",
        Irr::NoSignChange => "no_sign_change",
        Irr::Multiple => "multiple",
        Irr::NotFound => "not_found",
    };
    RateFigure { kind, rate: if let Irr::Rate(x) = i { Some(pct1(*x)) } else { None } }
}

impl RateFigure {
    pub fn text(&self, lang: Lang) -> String {
        self.rate.clone().unwrap_or_else(|| i18n::t(lang, &format!("bc.irr_{}", self.kind)))
    }
}

/// The headline figures of a scenario, formatted once: tables show cents, cards whole units.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
#[schema(as = BusinessCaseFigures)]
pub struct Figures {
    pub tco_nominal: String,
    pub tco_pv: String,
    pub benefits_nominal: String,
    pub benefits_pv: String,
    pub card: Cards,
    pub excluded_pv: Option<String>,
    pub npv: String,
    pub npv_negative: bool,
    pub roi: Option<String>,
    pub irr: RateFigure,
    pub break_even: RateFigure,
    /// Payback in months, one decimal ("24.0"); none when not within the horizon.
    pub payback_months: Option<String>,
    /// No cost and no benefit entered yet: there is nothing to pay back.
    pub empty: bool,
}

impl Figures {
    /// "24.0 months" / "not within the horizon", in `lang`.
    pub fn payback_text(&self, lang: Lang) -> String {
        match &self.payback_months {
            Some(n) => i18n::tf(lang, "bc.payback_months", &[("n", n)]),
            None if self.empty => i18n::t(lang, "figure.payback_empty"),
            None => i18n::t(lang, "bc.payback_none"),
        }
    }
}

#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct Cards {
    pub npv: String,
    pub tco_nominal: String,
    pub tco_pv: String,
    pub benefits_nominal: String,
    pub benefits_pv: String,
}

#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
#[schema(as = BusinessCaseYearView)]
pub struct YearView {
    pub t: usize,
    pub calendar_year: i32,
    /// "Y1 2027", the label of the year in tables and charts.
    pub label: String,
    pub costs: String,
    pub benefits: String,
    pub net: String,
    pub cumulative: String,
    pub negative: bool,
    pub pv_net: String,
}

#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct CostView {
    pub row: bc_cost::Model,
    pub amount: String,
    pub nominal: String,
    pub pv: String,
    pub growth_pct: String,
    /// A yearly grid as shown: "2027–2030: 20,000.00 · 30,000.00 · …".
    pub grid: Option<String>,
}

/// A yearly grid's years and amounts as the tables show them.
fn grid_text(g: &bc::Grid, cur: &str) -> String {
    let amounts: Vec<String> = g.amounts.iter().map(|v| money::format(*v, cur)).collect();
    format!("{}–{}: {}", g.start, g.end(), amounts.join(" · "))
}

/// A yearly grid's amounts as a form shows them again: one plain amount a line.
pub fn grid_plain(start: Option<i32>, json: Option<&str>, cur: &str) -> (String, String, String) {
    match bc::Grid::from_columns(start, json) {
        Some(g) => (
            g.start.to_string(),
            g.end().to_string(),
            g.amounts.iter().map(|v| money::plain(*v, cur)).collect::<Vec<_>>().join("\n"),
        ),
        None => Default::default(),
    }
}

#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct BenefitView {
    pub row: bc_benefit::Model,
    pub annual: String,
    pub nominal: String,
    pub pv: String,
    pub counted: bool,
    /// The plan to the date of the measurement (or today), and what was realised.
    pub planned_to_date: String,
    pub realised: Option<String>,
    pub variance: Option<String>,
    pub behind: bool,
    pub amount_plain: String,
    pub risk_pct: String,
    pub margin_pct: String,
    pub growth_pct: String,
    /// What the realised form starts with.
    pub realised_plain: String,
    pub as_of: String,
    /// A yearly grid as shown (values before risk).
    pub grid: Option<String>,
}

#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct SensitivityView {
    pub label: String,
    pub is_cost: bool,
    pub minus: String,
    pub plus: String,
}

/// Realised against plan to date, and the return on what was spent so far.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct ToDate {
    pub planned_minor: i64,
    pub realised_minor: i64,
    pub costs_minor: i64,
    pub planned: String,
    pub realised: String,
    pub costs: String,
    /// (realised − costs to date) / costs to date, when both are positive.
    pub roi: Option<String>,
    pub any: bool,
    /// The realised TCO: the actual cost to date from the budget (invoices net of credit
    /// notes + approved hours × rate, up to today), the same figure as the Budget page's
    /// actual and earned value's AC; `None` while the project keeps no budget.
    pub actual_costs_minor: Option<i64>,
    pub actual_costs: Option<String>,
    /// Actual − planned costs to date (positive: more spent than the case planned by now).
    pub actual_variance: Option<String>,
    pub actual_over: bool,
}

/// The business case page of one scenario (and `GET /api/v1/projects/{id}/business-case`,
/// the business-case document and the review pack's summary): the plan, the results in
/// minor units, and every figure formatted once in the project's currency.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct CaseView {
    pub currency: String,
    pub case: business_case::Model,
    pub approved_current: bool,
    pub approver: Option<String>,
    pub scenarios: Vec<bc_scenario::Model>,
    pub scenario: bc_scenario::Model,
    pub rate_pct: String,
    pub results: Results,
    pub figures: Figures,
    pub years: Vec<YearView>,
    pub costs: Vec<CostView>,
    pub benefits: Vec<BenefitView>,
    pub sensitivity: Vec<SensitivityView>,
    pub to_date: ToDate,
}

/// The case's charts, built once from the view: the page draws them as SVG, the documents
/// with printpdf. Only the titles and labels depend on the reader's language.
#[derive(Clone, Debug, Serialize)]
pub struct CaseCharts {
    pub cash: CashFlowChart,
    pub categories: BarChart,
    pub tornado: Tornado,
}

impl CaseView {
    pub fn charts(&self, lang: Lang) -> CaseCharts {
        let r = &self.results;
        let cur = &self.currency;
        CaseCharts {
            cash: CashFlowChart {
                title: i18n::t(lang, "bc.chart_cash"),
                labels: self.years.iter().map(|y| y.label.clone()).collect(),
                cumulative: r.years.iter().map(|y| y.cumulative).collect(),
                payback: match r.payback {
                    Payback::Months(mo) => Some((
                        mo / 12.0,
                        format!("{}: {}", i18n::t(lang, "bc.payback"), self.figures.payback_text(lang)),
                    )),
                    Payback::NotWithinHorizon => None,
                },
                currency: cur.clone(),
                wan: lang == Lang::Zh,
            },
            categories: BarChart {
                title: i18n::t(lang, "bc.chart_categories"),
                bars: r.costs_by_category.iter().map(|(c, v)| (i18n::t(lang, &format!("cost_cat.{c}")), *v)).collect(),
                currency: cur.clone(),
                wan: lang == Lang::Zh,
            },
            tornado: Tornado {
                title: i18n::t(lang, "bc.chart_tornado"),
                base: r.npv,
                base_label: i18n::t(lang, "bc.npv"),
                rows: r.sensitivity.iter().take(10).map(|x| (x.label.clone(), x.npv_minus, x.npv_plus)).collect(),
                currency: cur.clone(),
                wan: lang == Lang::Zh,
            },
        }
    }
}

/// The case of the project for `scenario` (the first one when not given or unknown), with
/// plan-to-date figures as of `today` (the project's date). `None` when there is no case yet.
pub async fn view<C: ConnectionTrait>(
    c: &C,
    p: &project::Model,
    scenario: Option<i32>,
    today: NaiveDate,
) -> Result<Option<CaseView>> {
    let loaded = load(c, p.id).await?;
    // Asked whether or not the case is approved: the same statements for every project.
    let mut names = super::user_names(c, loaded.as_ref().and_then(|l| l.case.approved_by)).await?;
    // Actual costs feed the realised TCO (issue 15 point 9): the budget's actual to date.
    // Read with or without a case, for the same reason as the names.
    let actual = super::budget::ev_figures(c, p, today).await?.map(|f| f.ac);
    let Some(l) = loaded else { return Ok(None) };
    let s = scenario.and_then(|sid| l.scenarios.iter().find(|s| s.id == sid)).or(l.scenarios.first()).cloned();
    let Some(s) = s else { return Err(Error::NotFound) };
    let approver = l.case.approved_by.and_then(|uid| names.remove(&uid));
    Ok(Some(build(p, l, s, approver, today, actual)))
}

fn build(
    p: &project::Model,
    l: Loaded,
    s: bc_scenario::Model,
    approver: Option<String>,
    today: NaiveDate,
    actual: Option<i64>,
) -> CaseView {
    let r = evaluate(&l, &s);
    let cur = p.currency.as_str();
    let m = |v: i64| money::format(v, cur);
    let w = |v: i64| money::format_whole(v, cur);

    let mut realised_total = 0_i64;
    let mut planned_total = 0_i64;
    let benefits: Vec<BenefitView> = l
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
            BenefitView {
                row: b.clone(),
                annual: m(bc::benefit_annual(&b.kind, b.amount_minor, b.hours, b.margin)),
                nominal: m(lr.nominal),
                pv: m(lr.pv),
                counted: lr.counted,
                planned_to_date: m(planned),
                realised: b.realised_minor.map(m),
                variance: b.realised_minor.map(|v| m(v.saturating_sub(planned))),
                behind: b.realised_minor.is_some_and(|v| v < planned),
                amount_plain: money::plain(b.amount_minor, cur),
                risk_pct: bc::percent_text(b.risk_adjustment),
                margin_pct: bc::percent_text(b.margin),
                growth_pct: bc::percent_text(b.growth_rate),
                realised_plain: b.realised_minor.map(|v| money::plain(v, cur)).unwrap_or_default(),
                as_of: b.realised_as_of.unwrap_or(today).to_string(),
                grid: bc::Grid::from_columns(b.grid_start, b.grid_minor.as_deref()).map(|g| grid_text(&g, cur)),
            }
        })
        .collect();
    let costs_to_date = finance::total(r.cost_lines.iter().map(|c| bc::planned_to_date(&c.flows, s.start_year, today)));
    let roi_to_date = (costs_to_date > 0 && realised_total > 0)
        .then(|| realised_total.saturating_sub(costs_to_date) as f64 / costs_to_date as f64);
    let costs = l
        .costs
        .iter()
        .zip(&r.cost_lines)
        .map(|(c, lr)| CostView {
            row: c.clone(),
            amount: m(c.amount_minor),
            nominal: m(lr.nominal),
            pv: m(lr.pv),
            growth_pct: bc::percent_text(c.growth_rate),
            grid: bc::Grid::from_columns(c.grid_start, c.grid_minor.as_deref()).map(|g| grid_text(&g, cur)),
        })
        .collect();
    let years = r
        .years
        .iter()
        .map(|y| YearView {
            t: y.t,
            calendar_year: y.calendar_year,
            label: format!("Y{} {}", y.t, y.calendar_year),
            costs: m(y.costs),
            benefits: m(y.benefits),
            net: m(y.net),
            cumulative: m(y.cumulative),
            negative: y.cumulative < 0,
            pv_net: m(y.pv_net),
        })
        .collect();
    let figures = Figures {
        tco_nominal: m(r.tco_nominal),
        tco_pv: m(r.tco_pv),
        benefits_nominal: m(r.benefits_nominal),
        benefits_pv: m(r.benefits_pv),
        card: Cards {
            npv: w(r.npv),
            tco_nominal: w(r.tco_nominal),
            tco_pv: w(r.tco_pv),
            benefits_nominal: w(r.benefits_nominal),
            benefits_pv: w(r.benefits_pv),
        },
        excluded_pv: (r.excluded_pv != 0).then(|| m(r.excluded_pv)),
        npv: m(r.npv),
        npv_negative: r.npv < 0,
        roi: r.roi.map(pct1),
        irr: rate_figure(&r.irr),
        break_even: rate_figure(&r.break_even_rate),
        payback_months: match r.payback {
            Payback::Months(mo) => Some(format!("{mo:.1}")),
            Payback::NotWithinHorizon => None,
        },
        empty: r.tco_nominal == 0 && r.benefits_nominal == 0,
    };
    let sensitivity = r
        .sensitivity
        .iter()
        .map(|x| SensitivityView {
            label: x.label.clone(),
            is_cost: x.is_cost,
            minus: m(x.npv_minus),
            plus: m(x.npv_plus),
        })
        .collect();
    let to_date = ToDate {
        planned_minor: planned_total,
        realised_minor: realised_total,
        costs_minor: costs_to_date,
        planned: m(planned_total),
        realised: m(realised_total),
        costs: m(costs_to_date),
        roi: roi_to_date.map(pct1),
        any: l.benefits.iter().any(|b| b.realised_minor.is_some()),
        actual_costs_minor: actual,
        actual_costs: actual.map(m),
        actual_variance: actual.map(|a| m(a.saturating_sub(costs_to_date))),
        actual_over: actual.is_some_and(|a| a > costs_to_date),
    };
    CaseView {
        currency: p.currency.clone(),
        approved_current: l.approved_current(),
        approver,
        rate_pct: bc::percent_text(s.discount_rate),
        case: l.case,
        scenarios: l.scenarios,
        scenario: s,
        results: r,
        figures,
        years,
        costs,
        benefits,
        sensitivity,
        to_date,
    }
}

/// The case's headline figures: the summary of the business-case document and the review
/// pack's business case in brief. In 万 for a Chinese reader, exact otherwise, all through
/// `money::headline` (the one place); the tables keep exact figures.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct Headline {
    pub tco_nominal: String,
    pub tco_pv: String,
    pub benefits_nominal: String,
    pub benefits_pv: String,
    pub npv: String,
}

impl CaseView {
    pub fn headline(&self, lang: Lang) -> Headline {
        let r = &self.results;
        let h = |minor: i64| money::headline(minor, &self.currency, lang == Lang::Zh);
        // Present values are headline figures in whole units, as on the page's cards; a Chinese
        // reader gets them in 万元.
        let zh = lang == Lang::Zh;
        Headline {
            tco_nominal: h(r.tco_nominal),
            tco_pv: if zh { h(r.tco_pv) } else { self.figures.card.tco_pv.clone() },
            benefits_nominal: h(r.benefits_nominal),
            benefits_pv: if zh { h(r.benefits_pv) } else { self.figures.card.benefits_pv.clone() },
            npv: h(r.npv),
        }
    }
}
