//! The business case of a project: scenarios, cost and benefit lines, realised benefits and
//! the steering committee's approval. Every change to the plan bumps the case's
//! `plan_revision`, so an approval is valid only for the revision it froze.
use super::{Actor, Error, Result, audit, now, update_guarded};
use crate::db::Db;
use crate::domain::business_case::{
    self as bc, BenefitLine, CostLine, RawBenefit, RawCost, RawScenario, Results, Scenario, ScenarioInput,
};
use crate::entity::{bc_benefit, bc_cost, bc_scenario, business_case, project};
use chrono::{Datelike, NaiveDate};
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};
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
    let Some(case) = case_of(c, project_id).await? else {
        return Ok(None);
    };
    let scenarios = bc_scenario::Entity::find()
        .filter(bc_scenario::Column::CaseId.eq(case.id))
        .order_by_asc(bc_scenario::Column::Id)
        .all(c)
        .await?;
    let costs = bc_cost::Entity::find()
        .filter(bc_cost::Column::CaseId.eq(case.id))
        .order_by_asc(bc_cost::Column::Id)
        .all(c)
        .await?;
    let benefits = bc_benefit::Entity::find()
        .filter(bc_benefit::Column::CaseId.eq(case.id))
        .order_by_asc(bc_benefit::Column::Id)
        .all(c)
        .await?;
    Ok(Some(Loaded { case, scenarios, costs, benefits }))
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
    let am = business_case::ActiveModel {
        plan_revision: Set(k.plan_revision + 1),
        version: Set(k.version + 1),
        updated_at: Set(now()),
        ..Default::default()
    };
    update_guarded::<business_case::Entity, _>(c, am, k.id, k.version).await
}

/// The three usual scenarios: expected as entered, conservative (costs +10%, benefits
/// −20%) and optimistic (benefits +15%).
const DEFAULT_SCENARIOS: &[(&str, i32, i32)] =
    &[("Expected 预期", 100, 100), ("Conservative 保守", 110, 80), ("Optimistic 乐观", 100, 115)];

/// Start the project's business case: five years at 8% from the project's start year.
pub async fn create(db: &Db, actor: Actor, project_id: i32) -> Result<business_case::Model> {
    let tx = db.write().await?;
    let p = project_of(&*tx, project_id).await?;
    if case_of(&*tx, project_id).await?.is_some() {
        return Err(Error::Rule("err.business_case_exists"));
    }
    let t = now();
    let k = business_case::Entity::insert(business_case::ActiveModel {
        project_id: Set(project_id),
        plan_revision: Set(1),
        version: Set(1),
        created_at: Set(t),
        updated_at: Set(t),
        ..Default::default()
    })
    .exec_with_returning(&*tx)
    .await?;
    audit::record(&*tx, actor, Some(project_id), "business_case", k.id, "create", None::<&()>, Some(&k)).await?;
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
        insert_scenario(&*tx, actor, &k, &input).await?;
    }
    tx.commit().await?;
    Ok(k)
}

async fn insert_scenario<C: ConnectionTrait>(
    c: &C,
    actor: Actor,
    k: &business_case::Model,
    s: &ScenarioInput,
) -> Result<bc_scenario::Model> {
    let t = now();
    let row = bc_scenario::Entity::insert(bc_scenario::ActiveModel {
        case_id: Set(k.id),
        project_id: Set(k.project_id),
        name: Set(s.name.clone()),
        horizon_years: Set(s.params.horizon),
        discount_rate: Set(s.params.rate),
        start_year: Set(s.params.start_year),
        cost_factor_pct: Set(s.params.cost_factor_pct),
        benefit_factor_pct: Set(s.params.benefit_factor_pct),
        version: Set(1),
        created_at: Set(t),
        updated_at: Set(t),
        ..Default::default()
    })
    .exec_with_returning(c)
    .await?;
    audit::record(c, actor, Some(k.project_id), "bc_scenario", row.id, "create", None::<&()>, Some(&row)).await?;
    Ok(row)
}

pub async fn scenario<C: ConnectionTrait>(c: &C, project_id: i32, id: i32) -> Result<bc_scenario::Model> {
    bc_scenario::Entity::find_by_id(id)
        .filter(bc_scenario::Column::ProjectId.eq(project_id))
        .one(c)
        .await?
        .ok_or(Error::NotFound)
}

pub async fn add_scenario(db: &Db, actor: Actor, project_id: i32, raw: &RawScenario) -> Result<bc_scenario::Model> {
    let input = bc::validate_scenario(raw)?;
    let tx = db.write().await?;
    let k = case_for_write(&*tx, project_id).await?;
    let row = insert_scenario(&*tx, actor, &k, &input).await?;
    bump_plan(&*tx, &k).await?;
    tx.commit().await?;
    Ok(row)
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
    let tx = db.write().await?;
    let k = case_for_write(&*tx, project_id).await?;
    let before = scenario(&*tx, project_id, id).await?;
    let am = bc_scenario::ActiveModel {
        name: Set(s.name.clone()),
        horizon_years: Set(s.params.horizon),
        discount_rate: Set(s.params.rate),
        start_year: Set(s.params.start_year),
        cost_factor_pct: Set(s.params.cost_factor_pct),
        benefit_factor_pct: Set(s.params.benefit_factor_pct),
        version: Set(version + 1),
        updated_at: Set(now()),
        ..Default::default()
    };
    update_guarded::<bc_scenario::Entity, _>(&*tx, am, id, version).await?;
    let after = scenario(&*tx, project_id, id).await?;
    audit::record(&*tx, actor, Some(project_id), "bc_scenario", id, "update", Some(&before), Some(&after)).await?;
    bump_plan(&*tx, &k).await?;
    tx.commit().await?;
    Ok(after)
}

pub async fn cost<C: ConnectionTrait>(c: &C, project_id: i32, id: i32) -> Result<bc_cost::Model> {
    bc_cost::Entity::find_by_id(id)
        .filter(bc_cost::Column::ProjectId.eq(project_id))
        .one(c)
        .await?
        .ok_or(Error::NotFound)
}

pub async fn add_cost(db: &Db, actor: Actor, project_id: i32, raw: &RawCost) -> Result<bc_cost::Model> {
    let p = project_of(&db.conn, project_id).await?;
    let line = bc::validate_cost(raw, &p.currency)?;
    let tx = db.write().await?;
    let k = case_for_write(&*tx, project_id).await?;
    let t = now();
    let row = bc_cost::Entity::insert(bc_cost::ActiveModel {
        case_id: Set(k.id),
        project_id: Set(project_id),
        category: Set(line.category),
        description: Set(line.description),
        recurrence: Set(line.recurrence),
        amount_minor: Set(line.amount),
        growth_rate: Set(line.growth),
        version: Set(1),
        created_at: Set(t),
        updated_at: Set(t),
        ..Default::default()
    })
    .exec_with_returning(&*tx)
    .await?;
    audit::record(&*tx, actor, Some(project_id), "bc_cost", row.id, "create", None::<&()>, Some(&row)).await?;
    bump_plan(&*tx, &k).await?;
    tx.commit().await?;
    Ok(row)
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
    let line = bc::validate_cost(raw, &p.currency)?;
    let tx = db.write().await?;
    let k = case_for_write(&*tx, project_id).await?;
    let before = cost(&*tx, project_id, id).await?;
    let am = bc_cost::ActiveModel {
        category: Set(line.category),
        description: Set(line.description),
        recurrence: Set(line.recurrence),
        amount_minor: Set(line.amount),
        growth_rate: Set(line.growth),
        version: Set(version + 1),
        updated_at: Set(now()),
        ..Default::default()
    };
    update_guarded::<bc_cost::Entity, _>(&*tx, am, id, version).await?;
    let after = cost(&*tx, project_id, id).await?;
    audit::record(&*tx, actor, Some(project_id), "bc_cost", id, "update", Some(&before), Some(&after)).await?;
    bump_plan(&*tx, &k).await?;
    tx.commit().await?;
    Ok(after)
}

pub async fn delete_cost(db: &Db, actor: Actor, project_id: i32, id: i32, version: i32) -> Result<()> {
    let tx = db.write().await?;
    let k = case_for_write(&*tx, project_id).await?;
    let before = cost(&*tx, project_id, id).await?;
    if before.version != version {
        return Err(Error::Conflict);
    }
    bc_cost::Entity::delete_by_id(id).exec(&*tx).await?;
    audit::record(&*tx, actor, Some(project_id), "bc_cost", id, "delete", Some(&before), None::<&()>).await?;
    bump_plan(&*tx, &k).await?;
    tx.commit().await?;
    Ok(())
}

pub async fn benefit<C: ConnectionTrait>(c: &C, project_id: i32, id: i32) -> Result<bc_benefit::Model> {
    bc_benefit::Entity::find_by_id(id)
        .filter(bc_benefit::Column::ProjectId.eq(project_id))
        .one(c)
        .await?
        .ok_or(Error::NotFound)
}

pub async fn add_benefit(db: &Db, actor: Actor, project_id: i32, raw: &RawBenefit) -> Result<bc_benefit::Model> {
    let p = project_of(&db.conn, project_id).await?;
    let (b, target) = bc::validate_benefit(raw, &p.currency)?;
    let tx = db.write().await?;
    let k = case_for_write(&*tx, project_id).await?;
    let t = now();
    let row = bc_benefit::Entity::insert(bc_benefit::ActiveModel {
        case_id: Set(k.id),
        project_id: Set(project_id),
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
        realised_minor: Set(None),
        realised_as_of: Set(None),
        version: Set(1),
        created_at: Set(t),
        updated_at: Set(t),
        ..Default::default()
    })
    .exec_with_returning(&*tx)
    .await?;
    audit::record(&*tx, actor, Some(project_id), "bc_benefit", row.id, "create", None::<&()>, Some(&row)).await?;
    bump_plan(&*tx, &k).await?;
    tx.commit().await?;
    Ok(row)
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
    let (b, target) = bc::validate_benefit(raw, &p.currency)?;
    let tx = db.write().await?;
    let k = case_for_write(&*tx, project_id).await?;
    let before = benefit(&*tx, project_id, id).await?;
    let am = bc_benefit::ActiveModel {
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
        version: Set(version + 1),
        updated_at: Set(now()),
        ..Default::default()
    };
    update_guarded::<bc_benefit::Entity, _>(&*tx, am, id, version).await?;
    let after = benefit(&*tx, project_id, id).await?;
    audit::record(&*tx, actor, Some(project_id), "bc_benefit", id, "update", Some(&before), Some(&after)).await?;
    bump_plan(&*tx, &k).await?;
    tx.commit().await?;
    Ok(after)
}

pub async fn delete_benefit(db: &Db, actor: Actor, project_id: i32, id: i32, version: i32) -> Result<()> {
    let tx = db.write().await?;
    let k = case_for_write(&*tx, project_id).await?;
    let before = benefit(&*tx, project_id, id).await?;
    if before.version != version {
        return Err(Error::Conflict);
    }
    bc_benefit::Entity::delete_by_id(id).exec(&*tx).await?;
    audit::record(&*tx, actor, Some(project_id), "bc_benefit", id, "delete", Some(&before), None::<&()>).await?;
    bump_plan(&*tx, &k).await?;
    tx.commit().await?;
    Ok(())
}

/// Record what a benefit has realised to date. This is an observation, not a change of plan,
/// so it leaves the approval alone. (Once measurable targets exist, a benefit linked to a
/// target will take this from the target's measurements.)
#[allow(clippy::too_many_arguments)]
pub async fn set_realised(
    db: &Db,
    actor: Actor,
    project_id: i32,
    id: i32,
    version: i32,
    amount: &str,
    as_of: &str,
    today: NaiveDate,
) -> Result<bc_benefit::Model> {
    let p = project_of(&db.conn, project_id).await?;
    let (v, date) = bc::validate_realised(amount, as_of, &p.currency, today)?;
    let tx = db.write().await?;
    let before = benefit(&*tx, project_id, id).await?;
    let am = bc_benefit::ActiveModel {
        realised_minor: Set(Some(v)),
        realised_as_of: Set(Some(date)),
        version: Set(version + 1),
        updated_at: Set(now()),
        ..Default::default()
    };
    update_guarded::<bc_benefit::Entity, _>(&*tx, am, id, version).await?;
    let after = benefit(&*tx, project_id, id).await?;
    audit::record(&*tx, actor, Some(project_id), "bc_benefit", id, "realised", Some(&before), Some(&after)).await?;
    tx.commit().await?;
    Ok(after)
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
    let tx = db.write().await?;
    let p = project_of(&*tx, project_id).await?;
    let l = load(&*tx, project_id).await?.ok_or(Error::NotFound)?;
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
    let before = l.case.clone();
    let t = now();
    let am = business_case::ActiveModel {
        approved_revision: Set(Some(before.plan_revision)),
        approved_by: Set(Some(actor.user_id)),
        approved_at: Set(Some(t)),
        approved_snapshot: Set(Some(json)),
        version: Set(version + 1),
        updated_at: Set(t),
        ..Default::default()
    };
    update_guarded::<business_case::Entity, _>(&*tx, am, before.id, version).await?;
    let after = case_for_write(&*tx, project_id).await?;
    audit::record(&*tx, actor, Some(project_id), "business_case", after.id, "approve", Some(&before), Some(&after))
        .await?;
    tx.commit().await?;
    Ok(after)
}
