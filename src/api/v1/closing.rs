//! The records of the closing phases' pages: operating rules and conversion trials (phases
//! 5–6), and the evaluation's lessons learned, improvement backlog and actual costs (phase
//! 9) — each read from the view its page renders, in the page's order.
use super::design::versioned;
use super::problem::{ApiResult, ProblemDoc};
use super::resource::Record;
use super::{Filters, PageQuery};
use crate::AppState;
use crate::entity::project;
use crate::service::{evaluation, phase6};
use crate::web::context::Ctx;
use axum::Router;
use axum::routing::get;
use chrono::NaiveDate;
use serde::Serialize;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/projects/{id}/operating-rules", get(rules))
        .route("/api/v1/projects/{id}/operating-rules/{item}", get(rule))
        .route("/api/v1/projects/{id}/conversion-trials", get(trials))
        .route("/api/v1/projects/{id}/conversion-trials/{item}", get(trial))
        .route("/api/v1/projects/{id}/lessons", get(lessons))
        .route("/api/v1/projects/{id}/lessons/{item}", get(lesson))
        .route("/api/v1/projects/{id}/improvements", get(improvements))
        .route("/api/v1/projects/{id}/improvements/{item}", get(improvement))
        .route("/api/v1/projects/{id}/evaluation-costs", get(costs))
        .route("/api/v1/projects/{id}/evaluation-costs/{item}", get(cost))
}

// ---- Operating rules ----

/// An operating rule (procedure) with its approval, as the Operating rules page lists it.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct OperatingRule {
    pub id: i32,
    pub version: i32,
    pub title: String,
    /// The to-be process (blueprint) it governs, and that process's name.
    pub blueprint_id: Option<i32>,
    pub process: Option<String>,
    pub owner: String,
    pub body: String,
    pub effective_on: Option<NaiveDate>,
    /// Who approved the current text (empty until approved), and when.
    pub approved_by: String,
    pub approved_on: Option<NaiveDate>,
    pub approved: bool,
    /// Approved and in force on the project's today.
    pub in_force: bool,
}
impl From<phase6::RuleRow> for OperatingRule {
    fn from(r: phase6::RuleRow) -> OperatingRule {
        let x = r.rule;
        OperatingRule {
            id: x.id,
            version: x.version,
            title: x.title,
            blueprint_id: x.blueprint_id,
            process: r.process,
            owner: x.owner,
            body: x.body,
            effective_on: x.effective_on,
            approved_by: x.approved_by,
            approved_on: x.approved_on,
            approved: r.approved,
            in_force: r.in_force,
        }
    }
}
versioned!(OperatingRule, owner = owner);

pub(super) async fn load_rules(state: &AppState, _: &Ctx, p: &project::Model) -> ApiResult<Vec<OperatingRule>> {
    Ok(phase6::rules_view(&state.db.conn, p).await?.rules.into_iter().map(OperatingRule::from).collect())
}

crate::api_read!(kind = "operating_rule", tag = "golive", record = OperatingRule, page = OperatingRulePage,
    list = rules at "/api/v1/projects/{id}/operating-rules",
    get = rule at "/api/v1/projects/{id}/operating-rules/{item}" ("item"),
    load = load_rules, doc = "The operating rules with their approval (the page's whole view: `GET …/rules`).");

// ---- Conversion trials ----

/// A trial load of a data source with its comparison against the bar, as the Conversion
/// trial page shows it.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct ConversionTrial {
    pub id: i32,
    pub version: i32,
    pub source_id: i32,
    pub source_name: String,
    pub trial_on: NaiveDate,
    pub source_count: i64,
    pub loaded: i64,
    pub rejected: i64,
    pub reconciled: i64,
    pub notes: String,
    /// Percent with one decimal, as printed (e.g. "99.5").
    pub load_rate: String,
    pub reject_rate: String,
    pub reconcile_rate: String,
    /// Every record accounted for, and the load and reconciliation rates at the bar.
    pub met: bool,
}
versioned!(ConversionTrial);

pub(super) async fn load_trials(state: &AppState, _: &Ctx, p: &project::Model) -> ApiResult<Vec<ConversionTrial>> {
    let v = phase6::conversion_view(&state.db.conn, p).await?;
    Ok(v.sources
        .into_iter()
        .flat_map(|s| {
            let name = s.source.name.clone();
            s.trials.into_iter().map(move |t| ConversionTrial {
                id: t.trial.id,
                version: t.trial.version,
                source_id: t.trial.source_id,
                source_name: name.clone(),
                trial_on: t.trial.trial_on,
                source_count: t.trial.source_count,
                loaded: t.trial.loaded,
                rejected: t.trial.rejected,
                reconciled: t.trial.reconciled,
                notes: t.trial.notes,
                load_rate: t.load_rate,
                reject_rate: t.reject_rate,
                reconcile_rate: t.reconcile_rate,
                met: t.result.met,
            })
        })
        .collect())
}

crate::api_read!(kind = "conversion_trial", tag = "golive", record = ConversionTrial, page = ConversionTrialPage,
    list = trials at "/api/v1/projects/{id}/conversion-trials",
    get = trial at "/api/v1/projects/{id}/conversion-trials/{item}" ("item"),
    load = load_trials,
    doc = "The conversion trial loads, source by source and newest first (the page's whole view: `GET …/conversion`).");

// ---- Evaluation ----

/// A lesson learned.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct Lesson {
    pub id: i32,
    pub version: i32,
    /// `went_well` or `went_badly`.
    pub outcome: String,
    pub category: String,
    /// Who it came from: `steering`, `team`, `group` or `consultant`.
    pub source: String,
    pub description: String,
    pub recommendation: String,
}
crate::api_record_from!(crate::entity::lesson::Model => Lesson {
    id, version, outcome, category, source, description, recommendation
});
versioned!(Lesson, status = outcome);

async fn view(state: &AppState, ctx: &Ctx, p: &project::Model) -> ApiResult<evaluation::EvaluationView> {
    Ok(evaluation::view(&state.db.conn, p, ctx.lang).await?)
}

pub(super) async fn load_lessons(state: &AppState, ctx: &Ctx, p: &project::Model) -> ApiResult<Vec<Lesson>> {
    Ok(view(state, ctx, p).await?.lessons.into_iter().map(|l| Lesson::from(l.row)).collect())
}

crate::api_read!(kind = "lesson", tag = "evaluation", record = Lesson, page = LessonPage,
    list = lessons at "/api/v1/projects/{id}/lessons", get = lesson at "/api/v1/projects/{id}/lessons/{item}" ("item"),
    load = load_lessons, doc = "The lessons learned (`?status=` filters by outcome).");

/// An item of the improvement backlog.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct Improvement {
    pub id: i32,
    pub version: i32,
    pub item: String,
    /// `high`, `medium` or `low`, each.
    pub value: String,
    pub effort: String,
    /// `open`, `planned`, `in_progress`, `done`, `dropped` or `carried` (to the next wave).
    pub status: String,
    pub owner: String,
    pub due_on: Option<NaiveDate>,
    /// The item of the previous wave this one was carried from.
    pub carried_from: Option<i32>,
    pub open: bool,
}
impl From<evaluation::ImprovementView> for Improvement {
    fn from(v: evaluation::ImprovementView) -> Improvement {
        let r = v.row;
        Improvement {
            id: r.id,
            version: r.version,
            item: r.item,
            value: r.value,
            effort: r.effort,
            status: r.status,
            owner: r.owner,
            due_on: r.due_on,
            carried_from: r.carried_from,
            open: v.open,
        }
    }
}
versioned!(Improvement, status = status, owner = owner);

pub(super) async fn load_improvements(state: &AppState, ctx: &Ctx, p: &project::Model) -> ApiResult<Vec<Improvement>> {
    Ok(view(state, ctx, p).await?.backlog.into_iter().map(Improvement::from).collect())
}

crate::api_read!(kind = "improvement", tag = "evaluation", record = Improvement, page = ImprovementPage,
    list = improvements at "/api/v1/projects/{id}/improvements",
    get = improvement at "/api/v1/projects/{id}/improvements/{item}" ("item"),
    load = load_improvements,
    doc = "The improvement backlog in the page's order: open items first, then by value and effort.");

/// An actual cost recorded against the business case (counted when the budget records none).
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct EvaluationCost {
    pub id: i32,
    pub version: i32,
    pub incurred_on: NaiveDate,
    /// Minor units of the project's currency, and as printed.
    pub amount_minor: i64,
    pub amount: String,
    pub description: String,
}
impl From<evaluation::ActualCost> for EvaluationCost {
    fn from(c: evaluation::ActualCost) -> EvaluationCost {
        EvaluationCost {
            id: c.id,
            version: c.version,
            incurred_on: c.incurred_on,
            amount_minor: c.amount_minor,
            amount: c.amount,
            description: c.description,
        }
    }
}
versioned!(EvaluationCost);

pub(super) async fn load_costs(state: &AppState, ctx: &Ctx, p: &project::Model) -> ApiResult<Vec<EvaluationCost>> {
    let roi = view(state, ctx, p).await?.roi;
    Ok(roi.map(|r| r.actual_costs.into_iter().map(EvaluationCost::from).collect()).unwrap_or_default())
}

crate::api_read!(kind = "eval_cost", tag = "evaluation", record = EvaluationCost, page = EvaluationCostPage,
    list = costs at "/api/v1/projects/{id}/evaluation-costs",
    get = cost at "/api/v1/projects/{id}/evaluation-costs/{item}" ("item"),
    load = load_costs,
    doc = "The actual costs recorded on the evaluation page (none while there is no business case).");
