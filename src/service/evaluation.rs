//! Phase 9, evaluation and continuous improvement: targets against actuals at the evaluation
//! date with the gap explained per target, the realised return on investment computed from
//! the targets' measurements and the recorded actual costs beside the approved plan, lessons
//! learned, the improvement backlog, and starting the next wave from it.
//!
//! [`view`] is the one place the evaluation's figures are made; the Evaluation page,
//! `GET /api/v1/projects/{id}/evaluation` and the evaluation report, lessons-learned and
//! improvement-plan documents all take the [`EvaluationView`].
use super::{Actor, Error, Result, business_case, clock, organisation, targets as target_svc, write};
use crate::chart::realised::PlanVsRealised;
use crate::db::Db;
use crate::domain::finance::Payback;
use crate::domain::money;
use crate::domain::realised::{self, Realised};
use crate::domain::targets::{self, Direction};
use crate::domain::validation::{FieldErrors, long_text, required_text};
use crate::entity::{
    bc_benefit, eval_benefit_rule, eval_cost, eval_gap, improvement, invoice, issue, lesson, measurement, membership,
    next_wave, org_unit, person, project, project_member, risk, target, time_entry,
};
use crate::i18n::{self, Lang};
use chrono::NaiveDate;
use sea_orm::{
    ActiveModelTrait, ActiveValue::NotSet, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait,
    IntoActiveModel, QueryFilter, QueryOrder,
};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

pub const OUTCOMES: &[&str] = &["went_well", "went_badly"];
pub const CATEGORIES: &[&str] = &[
    "scope",
    "schedule",
    "budget",
    "organisation",
    "process",
    "data",
    "technology",
    "training",
    "change_management",
    "vendor",
    "communication",
];
pub const SOURCES: &[&str] = &["steering", "team", "group", "consultant"];
pub const LEVELS: &[&str] = &["high", "medium", "low"];
pub const STATUSES: &[&str] = &["open", "planned", "in_progress", "done", "dropped", "carried"];
/// Backlog items still to be done: they become the next wave's scope.
pub const OPEN_STATUSES: &[&str] = &["open", "planned", "in_progress"];

fn level_rank(l: &str) -> u8 {
    match l {
        "high" => 0,
        "medium" => 1,
        _ => 2,
    }
}

// ---- the view ----

/// A target at the evaluation date: target, actual, the gap and why.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct TargetRow {
    pub id: i32,
    pub key: String,
    pub name: String,
    pub kind: String,
    pub unit: String,
    pub direction: String,
    pub baseline: Option<String>,
    pub target: Option<String>,
    pub target_date: Option<NaiveDate>,
    pub actual: Option<String>,
    pub actual_date: Option<NaiveDate>,
    pub attainment: Option<String>,
    pub rag: &'static str,
    /// How far the actual falls short of the target, in the metric's unit (none when met or
    /// not measured).
    pub shortfall: Option<String>,
    pub met: Option<bool>,
    pub explanation: String,
    /// The version to send with the explanation form (0: none written yet).
    pub gap_version: i32,
}

/// A benefit line of the business case and what it has realised.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct BenefitRow {
    pub id: i32,
    pub description: String,
    pub kind: String,
    pub counted: bool,
    /// `measured` (from a linked target), `recorded` (an amount recorded on the business case)
    /// or `none`.
    pub source: &'static str,
    pub target_id: Option<i32>,
    pub target_name: Option<String>,
    pub unit: String,
    pub unit_value: Option<String>,
    pub unit_value_plain: String,
    pub rule_version: i32,
    pub planned_to_date: String,
    pub realised: String,
    pub realised_minor: i64,
    /// Realised per year (same years as the realised cash flow).
    pub by_year: Vec<i64>,
}

/// NPV, ROI and payback of one series, formatted once.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct FiguresView {
    pub costs: String,
    pub benefits: String,
    pub pv_costs: String,
    pub pv_benefits: String,
    pub npv: String,
    pub npv_minor: i64,
    pub roi: Option<String>,
    pub payback_months: Option<String>,
}

impl FiguresView {
    pub fn payback_text(&self, lang: Lang) -> String {
        match &self.payback_months {
            Some(n) => i18n::tf(lang, "bc.payback_months", &[("n", n)]),
            None => i18n::t(lang, "eval.not_paid_back"),
        }
    }
}

#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
#[schema(as = EvaluationYearView)]
pub struct YearView {
    pub label: String,
    pub plan_net: Option<String>,
    pub plan_cumulative: Option<String>,
    pub costs: Option<String>,
    pub benefits: Option<String>,
    pub net: Option<String>,
    pub cumulative: Option<String>,
    pub negative: bool,
}

#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct ActualCost {
    pub id: i32,
    pub incurred_on: NaiveDate,
    pub amount_minor: i64,
    pub amount: String,
    pub description: String,
    pub version: i32,
}

/// Realised ROI at the evaluation date beside the approved plan.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct RoiView {
    pub scenario: String,
    pub approved: bool,
    pub rate_pct: String,
    pub start_year: i32,
    /// Where the realised costs come from: `budget` (invoices and approved hours), `case`
    /// (actual costs recorded here) or `none`.
    pub cost_source: &'static str,
    pub benefits: Vec<BenefitRow>,
    /// The plan over its whole horizon.
    pub plan: FiguresView,
    /// The plan over the same period as the realised figures (the current year pro rata).
    pub plan_to_date: FiguresView,
    pub realised: FiguresView,
    pub realised_raw: Realised,
    pub years: Vec<YearView>,
    pub chart: PlanVsRealised,
    pub actual_costs: Vec<ActualCost>,
}

#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct LessonView {
    pub row: lesson::Model,
}

#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct ImprovementView {
    pub row: improvement::Model,
    pub open: bool,
}

#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct WaveView {
    pub next_project_id: i32,
    pub next_project_name: String,
    pub carried: Carried,
}

/// What starting the next wave carried over, counted.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq, Eq, utoipa::ToSchema)]
pub struct Carried {
    pub modules: usize,
    pub org_units: usize,
    pub people: usize,
    pub memberships: usize,
    pub members: usize,
    pub targets: usize,
    pub backlog: usize,
    pub risks: usize,
    pub issues: usize,
}

#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct EvaluationView {
    pub as_of: NaiveDate,
    pub currency: String,
    pub targets: Vec<TargetRow>,
    pub targets_met: usize,
    pub targets_measured: usize,
    /// Targets missed without an explanation yet.
    pub unexplained: usize,
    pub roi: Option<RoiView>,
    pub lessons: Vec<LessonView>,
    pub went_well: usize,
    pub went_badly: usize,
    pub backlog: Vec<ImprovementView>,
    pub open_backlog: usize,
    pub wave: Option<WaveView>,
}

fn figure(v: f64) -> String {
    targets::figure(v, 2)
}

fn pct1(x: f64) -> String {
    format!("{:.1}%", x * 100.0)
}

fn figures_of(r: &Realised, cur: &str) -> FiguresView {
    let m = |v: i64| money::format(v, cur);
    FiguresView {
        costs: m(r.costs_nominal),
        benefits: m(r.benefits_nominal),
        pv_costs: m(r.pv_costs),
        pv_benefits: m(r.pv_benefits),
        npv: m(r.npv),
        npv_minor: r.npv,
        roi: r.roi.map(pct1),
        payback_months: match r.payback {
            Payback::Months(mo) => Some(format!("{mo:.1}")),
            Payback::NotWithinHorizon => None,
        },
    }
}

/// Everything the evaluation reads, in a fixed number of statements.
struct Facts {
    targets: Vec<target::Model>,
    measurements: Vec<measurement::Model>,
    gaps: Vec<eval_gap::Model>,
    rules: Vec<eval_benefit_rule::Model>,
    costs: Vec<eval_cost::Model>,
    invoices: Vec<invoice::Model>,
    entries: Vec<time_entry::Model>,
    rates: Vec<crate::entity::cost_rate::Model>,
    roles: HashMap<i32, String>,
    lessons: Vec<lesson::Model>,
    backlog: Vec<improvement::Model>,
    wave: Option<(next_wave::Model, Option<project::Model>)>,
}

async fn by_project<E, C>(c: &C, col: E::Column, project_id: i32, order: E::Column) -> Result<Vec<E::Model>>
where
    E: EntityTrait,
    C: ConnectionTrait,
{
    Ok(E::find().filter(col.eq(project_id)).order_by_asc(order).all(c).await?)
}

async fn facts<C: ConnectionTrait>(c: &C, project_id: i32) -> Result<Facts> {
    let w = next_wave::Entity::find().filter(next_wave::Column::ProjectId.eq(project_id)).one(c).await?;
    let wave = match w {
        Some(w) => {
            let p = project::Entity::find_by_id(w.next_project_id).one(c).await?;
            Some((w, p))
        }
        None => None,
    };
    Ok(Facts {
        targets: target_svc::list(c, project_id).await?,
        measurements: target_svc::measurements(c, project_id).await?,
        gaps: by_project::<eval_gap::Entity, _>(c, eval_gap::Column::ProjectId, project_id, eval_gap::Column::Id)
            .await?,
        rules: by_project::<eval_benefit_rule::Entity, _>(
            c,
            eval_benefit_rule::Column::ProjectId,
            project_id,
            eval_benefit_rule::Column::Id,
        )
        .await?,
        costs: by_project::<eval_cost::Entity, _>(
            c,
            eval_cost::Column::ProjectId,
            project_id,
            eval_cost::Column::IncurredOn,
        )
        .await?,
        invoices: by_project::<invoice::Entity, _>(c, invoice::Column::ProjectId, project_id, invoice::Column::Id)
            .await?,
        entries: by_project::<time_entry::Entity, _>(
            c,
            time_entry::Column::ProjectId,
            project_id,
            time_entry::Column::Id,
        )
        .await?,
        rates: by_project::<crate::entity::cost_rate::Entity, _>(
            c,
            crate::entity::cost_rate::Column::ProjectId,
            project_id,
            crate::entity::cost_rate::Column::Id,
        )
        .await?,
        roles: project_member::Entity::find()
            .filter(project_member::Column::ProjectId.eq(project_id))
            .all(c)
            .await?
            .into_iter()
            .map(|m| (m.user_id, m.role))
            .collect(),
        lessons: by_project::<lesson::Entity, _>(c, lesson::Column::ProjectId, project_id, lesson::Column::Id).await?,
        backlog: by_project::<improvement::Entity, _>(
            c,
            improvement::Column::ProjectId,
            project_id,
            improvement::Column::Id,
        )
        .await?,
        wave,
    })
}

/// The realised benefit of each line per year, and where it came from.
fn line_realised(
    b: &bc_benefit::Model,
    f: &Facts,
    start_year: i32,
    years: usize,
    as_of: NaiveDate,
) -> (&'static str, Option<(i32, i64)>, Vec<i64>) {
    let rule = f.rules.iter().find(|r| r.benefit_id == b.id);
    let linked = rule.and_then(|r| r.target_id.map(|t| (t, r.unit_value_minor)));
    if let Some((tid, unit)) = linked
        && let Some(t) = f.targets.iter().find(|t| t.id == tid)
        && let (Some(d), Some(base), Some(bd)) = (Direction::parse(&t.direction), t.baseline_value, t.baseline_date)
    {
        let ms: Vec<measurement::Model> = f.measurements.iter().filter(|m| m.target_id == t.id).cloned().collect();
        let readings = target_svc::latest_per_day(&ms);
        return (
            "measured",
            Some((tid, unit)),
            realised::benefit_by_year(d, base, bd, &readings, unit, start_year, years, as_of),
        );
    }
    if let (Some(v), Some(on)) = (b.realised_minor, b.realised_as_of)
        && on <= as_of
    {
        return ("recorded", linked, realised::by_year(&[(on, v)], start_year, years));
    }
    ("none", linked, vec![0; years])
}

/// The actual costs to the evaluation date: the budget's invoices and approved hours when it
/// records any, else the actual costs recorded on the evaluation page.
fn actual_costs(f: &Facts, as_of: NaiveDate) -> (&'static str, Vec<(NaiveDate, i64)>) {
    let rates = super::budget::domain_rates(&f.rates);
    let mut from_budget: Vec<(NaiveDate, i64)> = f
        .invoices
        .iter()
        .filter(|i| i.invoiced_on <= as_of)
        .map(|i| (i.invoiced_on, super::budget::signed(i)))
        .collect();
    from_budget.extend(
        super::budget::entry_costs(&f.entries, &rates, &f.roles)
            .filter(|(e, c)| e.day <= as_of && *c != 0)
            .map(|(e, c)| (e.day, c)),
    );
    if !from_budget.is_empty() {
        return ("budget", from_budget);
    }
    let case: Vec<(NaiveDate, i64)> =
        f.costs.iter().filter(|c| c.incurred_on <= as_of).map(|c| (c.incurred_on, c.amount_minor)).collect();
    (if case.is_empty() { "none" } else { "case" }, case)
}

/// The evaluation of project `p` on its today.
pub async fn view<C: ConnectionTrait>(c: &C, p: &project::Model, lang: Lang) -> Result<EvaluationView> {
    view_on(c, p, clock::today(p), lang).await
}

/// The evaluation of project `p` as it stood on `as_of`.
pub async fn view_on<C: ConnectionTrait>(
    c: &C,
    p: &project::Model,
    as_of: NaiveDate,
    lang: Lang,
) -> Result<EvaluationView> {
    let f = facts(c, p.id).await?;
    let cur = p.currency.as_str();

    // Targets against actuals.
    let mut rows = vec![];
    for t in &f.targets {
        let v = target_svc::view(t.clone(), &f.measurements, as_of, lang);
        let a = v.assessment.as_ref();
        let latest = a.and_then(|a| a.latest);
        let d = Direction::parse(&t.direction).unwrap_or(Direction::Increase);
        let short = match (t.target_value, latest) {
            (Some(tv), Some(l)) => Some(realised::shortfall(d, tv, l)),
            _ => None,
        };
        let gap = f.gaps.iter().find(|g| g.target_id == t.id);
        rows.push(TargetRow {
            id: t.id,
            key: t.key.clone(),
            name: t.name.clone(),
            kind: t.kind.clone(),
            unit: t.unit.clone(),
            direction: t.direction.clone(),
            baseline: v.shown.baseline.clone(),
            target: v.shown.target.clone(),
            target_date: t.target_date,
            actual: v.shown.latest.clone(),
            actual_date: a.and_then(|a| a.latest_date),
            attainment: v.shown.attainment.clone(),
            rag: v.rag.as_str(),
            shortfall: short.filter(|s| *s > 0.0).map(figure),
            met: short.map(|s| s <= 0.0),
            explanation: gap.map(|g| g.explanation.clone()).unwrap_or_default(),
            gap_version: gap.map_or(0, |g| g.version),
        });
    }
    let targets_measured = rows.iter().filter(|r| r.met.is_some()).count();
    let targets_met = rows.iter().filter(|r| r.met == Some(true)).count();
    let unexplained = rows.iter().filter(|r| r.met == Some(false) && r.explanation.trim().is_empty()).count();

    // Realised ROI beside the plan.
    let case = business_case::view(c, p, None, as_of).await?;
    let roi = case.map(|cv| {
        let s = &cv.scenario;
        let years = realised::years_to(s.start_year, as_of);
        let mut benefit_rows = vec![];
        let mut counted_lines = vec![];
        for (b, bv) in cv.benefits.iter().map(|bv| (&bv.row, bv)) {
            let (source, link, by_year) = line_realised(b, &f, s.start_year, years, as_of);
            let total = crate::domain::finance::total(by_year.iter().copied());
            if bv.counted {
                counted_lines.push(by_year.clone());
            }
            let t = link.and_then(|(tid, _)| f.targets.iter().find(|t| t.id == tid));
            let rule = f.rules.iter().find(|r| r.benefit_id == b.id);
            benefit_rows.push(BenefitRow {
                id: b.id,
                description: b.description.clone(),
                kind: b.kind.clone(),
                counted: bv.counted,
                source,
                target_id: rule.and_then(|r| r.target_id),
                target_name: t.map(|t| t.name.clone()),
                unit: t.map(|t| t.unit.clone()).unwrap_or_default(),
                unit_value: rule.map(|r| money::format(r.unit_value_minor, cur)),
                unit_value_plain: rule.map(|r| money::plain(r.unit_value_minor, cur)).unwrap_or_default(),
                rule_version: rule.map_or(0, |r| r.version),
                planned_to_date: bv.planned_to_date.clone(),
                realised: money::format(total, cur),
                realised_minor: total,
                by_year,
            });
        }
        let (cost_source, dated) = actual_costs(&f, as_of);
        let costs = realised::by_year(&dated, s.start_year, years);
        let real = realised::realise(s.discount_rate, s.start_year, &counted_lines, &costs);
        let plan_costs: Vec<i64> = cv.results.years.iter().map(|y| y.costs).collect();
        let plan_benefits: Vec<i64> = cv.results.years.iter().map(|y| y.benefits).collect();
        let plan = realised::realise(s.discount_rate, s.start_year, std::slice::from_ref(&plan_benefits), &plan_costs);
        let td = |v: &[i64]| realised::to_date_by_year(v, s.start_year, as_of);
        let plan_td = realised::realise(s.discount_rate, s.start_year, &[td(&plan_benefits)], &td(&plan_costs));
        let n = plan.years.len().max(real.years.len());
        let m = |v: i64| money::format(v, cur);
        let year_views = (0..n)
            .map(|t| {
                let py = plan.years.get(t);
                let ry = real.years.get(t);
                YearView {
                    label: format!("Y{t} {}", s.start_year.saturating_add(t as i32)),
                    plan_net: py.map(|y| m(y.net)),
                    plan_cumulative: py.map(|y| m(y.cumulative)),
                    costs: ry.map(|y| m(y.costs)),
                    benefits: ry.map(|y| m(y.benefits)),
                    net: ry.map(|y| m(y.net)),
                    cumulative: ry.map(|y| m(y.cumulative)),
                    negative: ry.is_some_and(|y| y.cumulative < 0),
                }
            })
            .collect();
        let chart = PlanVsRealised {
            title: i18n::t(lang, "eval.chart_title"),
            labels: (0..n).map(|t| format!("Y{t} {}", s.start_year.saturating_add(t as i32))).collect(),
            plan: plan.years.iter().map(|y| y.cumulative).collect(),
            realised: real.years.iter().map(|y| y.cumulative).collect(),
            legend: (i18n::t(lang, "eval.plan"), i18n::t(lang, "eval.realised")),
            currency: cur.to_string(),
            wan: lang == Lang::Zh,
        };
        RoiView {
            scenario: s.name.clone(),
            approved: cv.approved_current,
            rate_pct: cv.rate_pct.clone(),
            start_year: s.start_year,
            cost_source,
            benefits: benefit_rows,
            plan: figures_of(&plan, cur),
            plan_to_date: figures_of(&plan_td, cur),
            realised: figures_of(&real, cur),
            realised_raw: real,
            years: year_views,
            chart,
            actual_costs: f
                .costs
                .iter()
                .map(|c| ActualCost {
                    id: c.id,
                    incurred_on: c.incurred_on,
                    amount_minor: c.amount_minor,
                    amount: m(c.amount_minor),
                    description: c.description.clone(),
                    version: c.version,
                })
                .collect(),
        }
    });

    let mut backlog: Vec<ImprovementView> = f
        .backlog
        .iter()
        .map(|i| ImprovementView { row: i.clone(), open: OPEN_STATUSES.contains(&i.status.as_str()) })
        .collect();
    // Open items first, then by value (high first) and effort (low first).
    backlog.sort_by_key(|i| (!i.open, level_rank(&i.row.value), 2 - level_rank(&i.row.effort), i.row.id));
    Ok(EvaluationView {
        as_of,
        currency: cur.to_string(),
        unexplained,
        targets_met,
        targets_measured,
        targets: rows,
        roi,
        went_well: f.lessons.iter().filter(|l| l.outcome == "went_well").count(),
        went_badly: f.lessons.iter().filter(|l| l.outcome == "went_badly").count(),
        lessons: f.lessons.iter().map(|l| LessonView { row: l.clone() }).collect(),
        open_backlog: backlog.iter().filter(|i| i.open).count(),
        backlog,
        wave: f.wave.map(|(w, p)| WaveView {
            next_project_id: w.next_project_id,
            next_project_name: p.map(|p| p.name).unwrap_or_default(),
            carried: serde_json::from_str(&w.carried).unwrap_or_default(),
        }),
    })
}

// ---- writes ----

fn choice(e: &mut FieldErrors, field: &str, raw: &str, list: &[&str]) -> String {
    let v = raw.trim();
    if !list.contains(&v) {
        e.add(field, "err.choose_from_list");
    }
    v.to_string()
}

fn optional_day(e: &mut FieldErrors, field: &str, raw: &str) -> Option<NaiveDate> {
    let raw = raw.trim();
    if raw.is_empty() {
        return None;
    }
    let d = crate::domain::bounds::parse_date(raw);
    if d.is_none() {
        e.add(field, "err.date");
    }
    d
}

/// Write the explanation of a target's gap. `version` is the one the form was loaded with
/// (0 when no explanation existed): anything else has moved on and is a 409.
pub async fn explain_gap(
    db: &Db,
    actor: Actor,
    project_id: i32,
    target_id: i32,
    version: i32,
    explanation: &str,
) -> Result<eval_gap::Model> {
    let mut e = FieldErrors::default();
    let text = long_text(&mut e, "explanation", explanation, 4000, true);
    e.check()?;
    write::transaction(db, async |tx| {
        target_svc::get(tx, project_id, target_id).await?;
        let existing = eval_gap::Entity::find().filter(eval_gap::Column::TargetId.eq(target_id)).one(tx).await?;
        match existing {
            None if version == 0 => {
                let am = eval_gap::ActiveModel {
                    project_id: Set(project_id),
                    target_id: Set(target_id),
                    explanation: Set(text.clone()),
                    ..Default::default()
                };
                write::insert::<eval_gap::Entity, _>(tx, actor, project_id, am, "create").await
            }
            Some(g) if g.version == version => {
                let am = eval_gap::ActiveModel { explanation: Set(text.clone()), ..Default::default() };
                Ok(write::update::<eval_gap::Entity, _>(tx, actor, project_id, g.id, version, am, "update")
                    .await?
                    .after)
            }
            _ => Err(Error::Conflict),
        }
    })
    .await
}

/// Link a benefit line to a target with the money one unit of improvement is worth a year
/// (or unlink it with an empty target). Same versioning as [`explain_gap`].
pub async fn set_rule(
    db: &Db,
    actor: Actor,
    p: &project::Model,
    benefit_id: i32,
    version: i32,
    target: &str,
    unit_value: &str,
) -> Result<eval_benefit_rule::Model> {
    let mut e = FieldErrors::default();
    let all = target_svc::list(&db.conn, p.id).await?;
    let target_id = match target.trim() {
        "" => None,
        s => match s.parse::<i32>().ok().filter(|id| all.iter().any(|t| t.id == *id)) {
            Some(id) => Some(id),
            None => {
                e.add("target", "err.choose_from_list");
                None
            }
        },
    };
    let unit = match money::parse(unit_value, &p.currency) {
        Ok(v) if v > 0 => v,
        Ok(_) => {
            e.add("unit_value", "eval.err.positive");
            0
        }
        Err(m) => {
            e.add("unit_value", m.key());
            0
        }
    };
    if let Some(t) = target_id.and_then(|id| all.iter().find(|t| t.id == id))
        && (t.baseline_value.is_none() || t.baseline_date.is_none())
    {
        e.add("target", "eval.err.target_baseline");
    }
    e.check()?;
    write::transaction(db, async |tx| {
        let b = write::get::<bc_benefit::Entity, _>(tx, p.id, benefit_id).await?;
        let existing =
            eval_benefit_rule::Entity::find().filter(eval_benefit_rule::Column::BenefitId.eq(b.id)).one(tx).await?;
        match existing {
            None if version == 0 => {
                let am = eval_benefit_rule::ActiveModel {
                    project_id: Set(p.id),
                    benefit_id: Set(b.id),
                    target_id: Set(target_id),
                    unit_value_minor: Set(unit),
                    ..Default::default()
                };
                write::insert::<eval_benefit_rule::Entity, _>(tx, actor, p.id, am, "create").await
            }
            Some(r) if r.version == version => {
                let am = eval_benefit_rule::ActiveModel {
                    target_id: Set(target_id),
                    unit_value_minor: Set(unit),
                    ..Default::default()
                };
                Ok(write::update::<eval_benefit_rule::Entity, _>(tx, actor, p.id, r.id, version, am, "update")
                    .await?
                    .after)
            }
            _ => Err(Error::Conflict),
        }
    })
    .await
}

/// An actual cost recorded against the business case (counted when the budget records none).
pub async fn add_cost(
    db: &Db,
    actor: Actor,
    p: &project::Model,
    on: &str,
    amount: &str,
    description: &str,
) -> Result<eval_cost::Model> {
    let mut e = FieldErrors::default();
    let day = crate::domain::bounds::parse_date(on.trim());
    if day.is_none() {
        e.add("incurred_on", if on.trim().is_empty() { "err.required" } else { "err.date" });
    }
    let amount = match money::parse(amount, &p.currency) {
        Ok(v) => v,
        Err(m) => {
            e.add("amount", m.key());
            0
        }
    };
    let description = required_text(&mut e, "description", description, 300);
    e.check()?;
    let am = eval_cost::ActiveModel {
        project_id: Set(p.id),
        incurred_on: Set(day.unwrap_or_default()),
        amount_minor: Set(amount),
        description: Set(description),
        ..Default::default()
    };
    write::transaction(db, async |tx| write::insert::<eval_cost::Entity, _>(tx, actor, p.id, am, "create").await).await
}

pub async fn delete_cost(db: &Db, actor: Actor, project_id: i32, id: i32, version: i32) -> Result<()> {
    write::transaction(db, async |tx| {
        write::delete::<eval_cost::Entity, _>(tx, actor, project_id, id, Some(version)).await.map(|_| ())
    })
    .await
}

/// The lesson form as typed.
#[derive(Clone, Debug, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct RawLesson {
    pub outcome: String,
    pub category: String,
    pub source: String,
    pub description: String,
    pub recommendation: String,
}

fn lesson_model(r: &RawLesson) -> std::result::Result<lesson::ActiveModel, FieldErrors> {
    let mut e = FieldErrors::default();
    let outcome = choice(&mut e, "outcome", &r.outcome, OUTCOMES);
    let category = choice(&mut e, "category", &r.category, CATEGORIES);
    let source = choice(&mut e, "source", &r.source, SOURCES);
    let description = long_text(&mut e, "description", &r.description, 2000, true);
    let recommendation = long_text(&mut e, "recommendation", &r.recommendation, 2000, true);
    e.check()?;
    Ok(lesson::ActiveModel {
        outcome: Set(outcome),
        category: Set(category),
        source: Set(source),
        description: Set(description),
        recommendation: Set(recommendation),
        ..Default::default()
    })
}

/// A stored lesson in the form's shape (the base of an API `PATCH`).
pub async fn raw_lesson<C: ConnectionTrait>(c: &C, project_id: i32, id: i32) -> Result<RawLesson> {
    let l = write::get::<lesson::Entity, _>(c, project_id, id).await?;
    Ok(RawLesson {
        outcome: l.outcome,
        category: l.category,
        source: l.source,
        description: l.description,
        recommendation: l.recommendation,
    })
}

pub async fn add_lesson(db: &Db, actor: Actor, project_id: i32, r: &RawLesson) -> Result<lesson::Model> {
    let mut am = lesson_model(r)?;
    am.project_id = Set(project_id);
    write::transaction(db, async |tx| write::insert::<lesson::Entity, _>(tx, actor, project_id, am, "create").await)
        .await
}

pub async fn update_lesson(
    db: &Db,
    actor: Actor,
    project_id: i32,
    id: i32,
    version: i32,
    r: &RawLesson,
) -> Result<lesson::Model> {
    let am = lesson_model(r)?;
    write::transaction(db, async |tx| {
        Ok(write::update::<lesson::Entity, _>(tx, actor, project_id, id, version, am, "update").await?.after)
    })
    .await
}

pub async fn delete_lesson(db: &Db, actor: Actor, project_id: i32, id: i32, version: i32) -> Result<()> {
    write::transaction(db, async |tx| {
        write::delete::<lesson::Entity, _>(tx, actor, project_id, id, Some(version)).await.map(|_| ())
    })
    .await
}

/// The backlog item form as typed.
#[derive(Clone, Debug, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct RawImprovement {
    pub item: String,
    pub value: String,
    pub effort: String,
    pub status: String,
    pub owner: String,
    pub due_on: String,
}

fn improvement_model(r: &RawImprovement) -> std::result::Result<improvement::ActiveModel, FieldErrors> {
    let mut e = FieldErrors::default();
    let item = required_text(&mut e, "item", &r.item, 300);
    let value = choice(&mut e, "value", &r.value, LEVELS);
    let effort = choice(&mut e, "effort", &r.effort, LEVELS);
    // "carried" is set by starting the next wave, never typed.
    let status = choice(&mut e, "status", &r.status, &STATUSES[..5]);
    let owner = r.owner.trim().to_string();
    if owner.chars().count() > 200 {
        e.add("owner", "err.too_long");
    }
    let due_on = optional_day(&mut e, "due_on", &r.due_on);
    e.check()?;
    Ok(improvement::ActiveModel {
        item: Set(item),
        value: Set(value),
        effort: Set(effort),
        status: Set(status),
        owner: Set(owner),
        due_on: Set(due_on),
        ..Default::default()
    })
}

/// A stored backlog item in the form's shape (the base of an API `PATCH`).
pub async fn raw_improvement<C: ConnectionTrait>(c: &C, project_id: i32, id: i32) -> Result<RawImprovement> {
    let i = write::get::<improvement::Entity, _>(c, project_id, id).await?;
    Ok(RawImprovement {
        item: i.item,
        value: i.value,
        effort: i.effort,
        status: i.status,
        owner: i.owner,
        due_on: i.due_on.map(|d| d.to_string()).unwrap_or_default(),
    })
}

pub async fn add_improvement(db: &Db, actor: Actor, project_id: i32, r: &RawImprovement) -> Result<improvement::Model> {
    let mut am = improvement_model(r)?;
    am.project_id = Set(project_id);
    am.carried_from = Set(None);
    write::transaction(db, async |tx| {
        write::insert::<improvement::Entity, _>(tx, actor, project_id, am, "create").await
    })
    .await
}

pub async fn update_improvement(
    db: &Db,
    actor: Actor,
    project_id: i32,
    id: i32,
    version: i32,
    r: &RawImprovement,
) -> Result<improvement::Model> {
    let am = improvement_model(r)?;
    write::transaction(db, async |tx| {
        Ok(write::update::<improvement::Entity, _>(tx, actor, project_id, id, version, am, "update").await?.after)
    })
    .await
}

pub async fn delete_improvement(db: &Db, actor: Actor, project_id: i32, id: i32, version: i32) -> Result<()> {
    write::transaction(db, async |tx| {
        write::delete::<improvement::Entity, _>(tx, actor, project_id, id, Some(version)).await.map(|_| ())
    })
    .await
}

// ---- the next wave ----

/// The next-wave form as typed.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct RawWave {
    pub name: String,
    pub start_date: String,
}

/// Start the next wave of project `p`: a new project from the same playbook, with the same
/// client, currency, time zone and modules, carrying over the organisation (org units,
/// people and their memberships, the project's members and roles), the targets (each with
/// its latest actual as the new baseline), the open backlog items (its scope; marked
/// `carried` here) and the open risks and issues. One next wave per project.
pub async fn start_next_wave(
    db: &Db,
    actor: Actor,
    p: &project::Model,
    raw: &RawWave,
    pb: &crate::playbook::Playbook,
) -> Result<(project::Model, Carried)> {
    let mut e = FieldErrors::default();
    let name = required_text(&mut e, "name", &raw.name, 200);
    let start = crate::domain::bounds::parse_date(raw.start_date.trim());
    if start.is_none() {
        e.add("start_date", if raw.start_date.trim().is_empty() { "err.required" } else { "err.date" });
    }
    e.check()?;
    if next_wave::Entity::find().filter(next_wave::Column::ProjectId.eq(p.id)).one(&db.conn).await?.is_some() {
        return Err(Error::Rule("eval.err.wave_started"));
    }
    let modules: Vec<String> = organisation::modules_of(p).into_iter().map(String::from).collect();
    let input = crate::domain::project_input::ProjectInput {
        name,
        client_name: p.client_name.clone(),
        industry: p.industry.clone(),
        start_date: start.unwrap_or_default(),
        currency: p.currency.clone(),
        modules: modules.clone(),
        time_zone: Some(p.time_zone.clone()),
        linked: true,
    };
    let next = super::projects::create(db, actor, &input, pb).await?;
    let carried = write::transaction(db, async |tx| {
        if next_wave::Entity::find().filter(next_wave::Column::ProjectId.eq(p.id)).one(tx).await?.is_some() {
            return Err(Error::Rule("eval.err.wave_started"));
        }
        let mut c = Carried { modules: modules.len(), ..Default::default() };
        carry(tx, actor, p, &next, &mut c).await?;
        let am = next_wave::ActiveModel {
            project_id: Set(p.id),
            next_project_id: Set(next.id),
            carried: Set(serde_json::to_string(&c).unwrap_or_default()),
            ..Default::default()
        };
        write::insert::<next_wave::Entity, _>(tx, actor, p.id, am, "create").await?;
        Ok(c)
    })
    .await;
    match carried {
        Ok(c) => Ok((next, c)),
        Err(err) => {
            // Nothing carried: the new project goes too, so a retry starts clean.
            let tx = db.write().await?;
            write::delete_projects(&*tx, sea_orm::Condition::all().add(project::Column::Id.eq(next.id))).await?;
            tx.commit().await?;
            Err(err)
        }
    }
}

async fn carry<C: ConnectionTrait>(
    tx: &C,
    actor: Actor,
    p: &project::Model,
    next: &project::Model,
    c: &mut Carried,
) -> Result<()> {
    // Organisation: the units (the new project already has its tiers and the required
    // groups: matched by key, names carried), the people, their memberships.
    let old_units = organisation::units(tx, p.id).await?;
    let new_units = organisation::units(tx, next.id).await?;
    let mut unit_map: HashMap<i32, i32> = HashMap::new();
    for u in &old_units {
        if let Some(n) = new_units.iter().find(|n| n.key == u.key) {
            if n.name != u.name {
                let am = org_unit::ActiveModel { name: Set(u.name.clone()), ..Default::default() };
                write::update::<org_unit::Entity, _>(tx, actor, next.id, n.id, n.version, am, "carry").await?;
            }
            unit_map.insert(u.id, n.id);
        } else {
            let mut am = u.clone().into_active_model().reset_all();
            am.id = NotSet;
            am.version = NotSet;
            am.project_id = Set(next.id);
            let n = write::insert::<org_unit::Entity, _>(tx, actor, next.id, am, "carry").await?;
            unit_map.insert(u.id, n.id);
        }
        c.org_units += 1;
    }
    let mut person_map: HashMap<i32, i32> = HashMap::new();
    for x in organisation::people(tx, p.id).await? {
        let mut am = x.clone().into_active_model().reset_all();
        am.id = NotSet;
        am.version = NotSet;
        am.project_id = Set(next.id);
        let n = write::insert::<person::Entity, _>(tx, actor, next.id, am, "carry").await?;
        person_map.insert(x.id, n.id);
        c.people += 1;
    }
    for m in organisation::memberships(tx, p.id).await? {
        let (Some(u), Some(pe)) = (unit_map.get(&m.unit_id), person_map.get(&m.person_id)) else { continue };
        let mut am = m.clone().into_active_model().reset_all();
        am.id = NotSet;
        am.version = NotSet;
        am.project_id = Set(next.id);
        am.unit_id = Set(*u);
        am.person_id = Set(*pe);
        write::insert::<membership::Entity, _>(tx, actor, next.id, am, "carry").await?;
        c.memberships += 1;
    }
    // The project's members keep their roles (the one starting the wave directs it already).
    let members = project_member::Entity::find().filter(project_member::Column::ProjectId.eq(p.id)).all(tx).await?;
    for m in members.iter().filter(|m| m.user_id != actor.user_id) {
        if let Some(role) = crate::domain::policy::Role::parse(&m.role) {
            super::projects::add_member_in(tx, actor, next.id, m.user_id, role).await?;
            c.members += 1;
        }
    }
    // Targets: the latest actual becomes the new baseline; the target value stays, and the
    // target date moves by the time the baseline moved when it would fall before it.
    let ms = target_svc::measurements(tx, p.id).await?;
    for t in target_svc::list(tx, p.id).await? {
        let latest =
            target_svc::latest_per_day(&ms.iter().filter(|m| m.target_id == t.id).cloned().collect::<Vec<_>>())
                .last()
                .copied();
        let (baseline_value, baseline_date) = match latest {
            Some((d, v)) => (Some(v), Some(d)),
            None => (t.baseline_value, t.baseline_date),
        };
        let target_date = match (t.target_date, t.baseline_date, baseline_date) {
            (Some(td), Some(obd), Some(nbd)) if td <= nbd => Some(nbd + (td - obd)),
            (td, _, _) => td,
        };
        let am = target::ActiveModel {
            id: NotSet,
            project_id: Set(next.id),
            key: Set(t.key.clone()),
            name: Set(t.name.clone()),
            kind: Set(t.kind.clone()),
            metric: Set(t.metric.clone()),
            unit: Set(t.unit.clone()),
            direction: Set(t.direction.clone()),
            baseline_value: Set(baseline_value),
            baseline_date: Set(baseline_date),
            // The absolute target, so that a relative one is not applied twice.
            target_input: Set(t.target_value.map(|v| targets::figure(v, 2).replace(',', "")).unwrap_or_default()),
            target_value: Set(t.target_value),
            target_date: Set(target_date),
            method: Set(t.method.clone()),
            data_source: Set(t.data_source.clone()),
            owner: Set(t.owner.clone()),
            module_key: Set(t.module_key.clone()),
            ..Default::default()
        };
        write::insert::<target::Entity, _>(tx, actor, next.id, am, "carry").await?;
        c.targets += 1;
    }
    // Open backlog items become the next wave's scope.
    let backlog =
        by_project::<improvement::Entity, _>(tx, improvement::Column::ProjectId, p.id, improvement::Column::Id).await?;
    for i in backlog.iter().filter(|i| OPEN_STATUSES.contains(&i.status.as_str())) {
        let am = improvement::ActiveModel {
            project_id: Set(next.id),
            item: Set(i.item.clone()),
            value: Set(i.value.clone()),
            effort: Set(i.effort.clone()),
            status: Set("planned".into()),
            owner: Set(i.owner.clone()),
            due_on: Set(i.due_on),
            carried_from: Set(Some(i.id)),
            ..Default::default()
        };
        write::insert::<improvement::Entity, _>(tx, actor, next.id, am, "carry").await?;
        let done = improvement::ActiveModel { status: Set("carried".into()), ..Default::default() };
        write::update::<improvement::Entity, _>(tx, actor, p.id, i.id, i.version, done, "carry").await?;
        c.backlog += 1;
    }
    // Open risks (open or mitigated, still watched) and open issues.
    let new_risks = by_project::<risk::Entity, _>(tx, risk::Column::ProjectId, next.id, risk::Column::Id).await?;
    for r in by_project::<risk::Entity, _>(tx, risk::Column::ProjectId, p.id, risk::Column::Id).await? {
        if !["open", "mitigated"].contains(&r.status.as_str()) {
            continue;
        }
        let mut am = r.clone().into_active_model().reset_all();
        am.id = NotSet;
        am.version = NotSet;
        am.project_id = Set(next.id);
        am.created_at = NotSet;
        am.updated_at = NotSet;
        match new_risks.iter().find(|n| r.factor_key.is_some() && n.factor_key == r.factor_key) {
            // The new project's preloaded candidate of the same risk factor takes it over.
            Some(n) => {
                am.project_id = NotSet;
                am.factor_key = NotSet;
                write::update::<risk::Entity, _>(tx, actor, next.id, n.id, n.version, am, "carry").await?;
            }
            None => {
                write::insert::<risk::Entity, _>(tx, actor, next.id, am, "carry").await?;
            }
        }
        c.risks += 1;
    }
    for i in by_project::<issue::Entity, _>(tx, issue::Column::ProjectId, p.id, issue::Column::Id).await? {
        if i.status != "open" {
            continue;
        }
        let mut am = i.clone().into_active_model().reset_all();
        am.id = NotSet;
        am.version = NotSet;
        am.project_id = Set(next.id);
        am.created_at = NotSet;
        am.updated_at = NotSet;
        write::insert::<issue::Entity, _>(tx, actor, next.id, am, "carry").await?;
        c.issues += 1;
    }
    Ok(())
}
