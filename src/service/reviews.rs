//! Steering committee reviews: the pack frozen when the review is held, decisions, and
//! action items that carry over from review to review until closed.
use super::{Actor, Result, clock, projects, targets, write};
use crate::db::Db;
use crate::domain::gates::PhaseStatus;
use crate::domain::validation::{FieldErrors, long_text, required_text};
use crate::domain::workflow::Status;
use crate::entity::{deliverable, project, review, review_action};
use crate::i18n::Lang;
use chrono::NaiveDate;
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};
use serde::{Deserialize, Serialize};

/// A target as the committee saw it.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, utoipa::ToSchema)]
pub struct PackTarget {
    pub key: String,
    pub name: String,
    pub unit: String,
    pub direction: String,
    pub baseline: Option<f64>,
    pub target: Option<f64>,
    pub target_date: Option<NaiveDate>,
    pub latest: Option<f64>,
    pub latest_date: Option<NaiveDate>,
    pub attainment: Option<f64>,
    pub forecast: Option<f64>,
    /// The trend runs below zero for a metric that cannot (no forecast figure).
    #[serde(default)]
    pub forecast_below_zero: bool,
    pub rag: String,
}

/// A phase finishing soon or late.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, utoipa::ToSchema)]
pub struct PackPhase {
    pub seq: i32,
    pub name_en: String,
    pub name_zh: String,
    pub planned_finish: NaiveDate,
    pub status: String,
    pub days_late: i64,
    pub gate_open: Vec<String>,
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, utoipa::ToSchema)]
pub struct PackAction {
    pub id: i32,
    pub text: String,
    pub owner: String,
    pub due_date: Option<NaiveDate>,
    pub overdue: bool,
}

/// The review pack: what the committee looks at, as it stood on the review date.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, utoipa::ToSchema)]
pub struct Pack {
    pub as_of: NaiveDate,
    pub targets: Vec<PackTarget>,
    /// The active phase, phases due within 30 days, and phases late and not closed.
    pub phases: Vec<PackPhase>,
    /// Open action items carried over from earlier reviews.
    pub actions: Vec<PackAction>,
    /// The top live risks by score (packs frozen before the register have none).
    #[serde(default)]
    pub risks: Vec<super::risks::PackRisk>,
    /// The register's counts by status (packs frozen before the counts have none).
    #[serde(default)]
    pub risk_counts: Option<super::risks::Counts>,
    /// Open issues (escalated first) and change requests awaiting a decision (packs frozen
    /// before the issue log have none).
    #[serde(default)]
    pub raid: super::raid::PackRaid,
    /// The budget and earned value as the Budget page showed them on the day: the EV
    /// figures, the control rows by category with the total, and the S-curve's points
    /// (projects without a budget, and packs frozen before the budget, have none).
    #[serde(default)]
    pub budget: Option<PackBudget>,
}

/// The budget slide: figures frozen from `budget::control_on`; row labels are made in the
/// reader's language from the rows' keys, the chart from the points.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, utoipa::ToSchema)]
pub struct PackBudget {
    pub currency: String,
    pub ev: crate::domain::earned_value::Figures,
    pub cost_rag: Option<crate::domain::earned_value::CostRag>,
    pub by_category: Vec<super::budget::Row>,
    pub total: super::budget::Row,
    pub curve: Vec<crate::domain::earned_value::CurvePoint>,
}

impl PackBudget {
    /// The S-curve in `lang`, drawn from the frozen points.
    pub fn chart(&self, lang: Lang) -> crate::chart::line::LineChart {
        super::budget::s_curve(&self.curve, lang)
    }
}

pub async fn build_pack<C: ConnectionTrait>(c: &C, project_id: i32, today: NaiveDate) -> Result<Pack> {
    let targets = targets::views(c, project_id, today, Lang::En)
        .await?
        .into_iter()
        .map(|v| PackTarget {
            key: v.target.key,
            name: v.target.name,
            unit: v.target.unit,
            direction: v.target.direction,
            baseline: v.target.baseline_value,
            target: v.target.target_value,
            target_date: v.target.target_date,
            latest: v.assessment.as_ref().and_then(|a| a.latest),
            latest_date: v.assessment.as_ref().and_then(|a| a.latest_date),
            attainment: v.assessment.as_ref().and_then(|a| a.attainment),
            forecast: v.assessment.as_ref().and_then(|a| a.forecast),
            forecast_below_zero: v.shown.forecast_below_zero,
            rag: v.rag.as_str().into(),
        })
        .collect();
    let dels = deliverable::Entity::find().filter(deliverable::Column::ProjectId.eq(project_id)).all(c).await?;
    let phases = projects::phases(c, project_id)
        .await?
        .into_iter()
        .filter(|p| p.status != PhaseStatus::Closed.as_str())
        .filter(|p| {
            p.status == PhaseStatus::Active.as_str()
                || p.planned_finish < today
                || (p.planned_finish - today).num_days() <= 30
        })
        .map(|p| PackPhase {
            seq: p.seq,
            gate_open: dels
                .iter()
                .filter(|d| d.phase_id == p.id && d.is_gate && d.status != Status::Accepted.as_str())
                .map(|d| format!("{} / {}", d.name_en, d.name_zh))
                .collect(),
            name_en: p.name_en,
            name_zh: p.name_zh,
            days_late: (today - p.planned_finish).num_days().max(0),
            planned_finish: p.planned_finish,
            status: p.status,
        })
        .collect();
    let actions = open_actions(c, project_id)
        .await?
        .into_iter()
        .map(|a| PackAction {
            id: a.id,
            overdue: a.due_date.is_some_and(|d| d < today),
            text: a.text,
            owner: a.owner,
            due_date: a.due_date,
        })
        .collect();
    let register = super::risks::register_on(c, project_id, today, Lang::En).await?;
    let raid = super::raid::pack(c, project_id).await?;
    let project = projects::get(c, project_id).await?;
    let ctl = Box::pin(super::budget::control_on(c, &project, today, Lang::En)).await?;
    let budget = (!ctl.lines.is_empty()).then_some(PackBudget {
        currency: ctl.currency,
        ev: ctl.ev,
        cost_rag: ctl.cost_rag,
        by_category: ctl.by_category,
        total: ctl.total,
        curve: ctl.curve,
    });
    Ok(Pack {
        as_of: today,
        targets,
        phases,
        actions,
        risks: register.top,
        risk_counts: Some(register.counts),
        raid,
        budget,
    })
}

pub async fn open_actions<C: ConnectionTrait>(c: &C, project_id: i32) -> Result<Vec<review_action::Model>> {
    Ok(review_action::Entity::find()
        .filter(review_action::Column::ProjectId.eq(project_id))
        .filter(review_action::Column::Status.eq("open"))
        .order_by_asc(review_action::Column::Id)
        .all(c)
        .await?)
}

pub async fn list<C: ConnectionTrait>(c: &C, project_id: i32) -> Result<Vec<review::Model>> {
    Ok(review::Entity::find()
        .filter(review::Column::ProjectId.eq(project_id))
        .order_by_desc(review::Column::HeldOn)
        .order_by_desc(review::Column::Id)
        .all(c)
        .await?)
}

pub async fn get<C: ConnectionTrait>(c: &C, project_id: i32, id: i32) -> Result<review::Model> {
    write::get::<review::Entity, _>(c, project_id, id).await
}

/// The Reviews page: the reviews held, newest first, and the action items still open.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct ReviewsView {
    pub as_of: NaiveDate,
    pub reviews: Vec<review::Model>,
    pub open_actions: Vec<review_action::Model>,
}

pub async fn index<C: ConnectionTrait>(c: &C, p: &project::Model) -> Result<ReviewsView> {
    Ok(ReviewsView {
        as_of: clock::today(p),
        reviews: list(c, p.id).await?,
        open_actions: open_actions(c, p.id).await?,
    })
}

/// The review deck: a held review, its pack as frozen on the day, and its action items.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct Deck {
    pub review: review::Model,
    /// `None` when the stored pack cannot be read.
    pub pack: Option<Pack>,
    pub actions: Vec<review_action::Model>,
}

pub async fn deck<C: ConnectionTrait>(c: &C, project_id: i32, id: i32) -> Result<Deck> {
    let review = get(c, project_id, id).await?;
    Ok(Deck { pack: serde_json::from_str(&review.pack).ok(), actions: actions_of(c, id).await?, review })
}

pub async fn actions_of<C: ConnectionTrait>(c: &C, review_id: i32) -> Result<Vec<review_action::Model>> {
    Ok(review_action::Entity::find()
        .filter(review_action::Column::ReviewId.eq(review_id))
        .order_by_asc(review_action::Column::Id)
        .all(c)
        .await?)
}

/// Hold a review: the pack is built and frozen now, so later measurements do not change
/// what the committee saw.
pub async fn create(
    db: &Db,
    actor: Actor,
    project_id: i32,
    held_on: &str,
    title: &str,
    attendees: &str,
) -> Result<review::Model> {
    let mut e = FieldErrors::default();
    let title = required_text(&mut e, "title", title, 300);
    let attendees = long_text(&mut e, "attendees", attendees, 2000, false);
    let held_on = crate::domain::bounds::parse_date(held_on.trim());
    if held_on.is_none() {
        e.add("held_on", "err.date");
    }
    e.check()?;
    let held_on = held_on.unwrap_or_default();
    write::transaction(db, async |tx| {
        let pack = build_pack(tx, project_id, held_on).await?;
        let am = review::ActiveModel {
            project_id: Set(project_id),
            held_on: Set(held_on),
            title: Set(title),
            attendees: Set(attendees),
            pack: Set(serde_json::to_string(&pack).unwrap_or_else(|_| "{}".into())),
            decisions: Set(String::new()),
            created_by: Set(actor.user_id),
            ..Default::default()
        };
        write::insert::<review::Entity, _>(tx, actor, project_id, am, "create").await
    })
    .await
}

pub async fn save_decisions(
    db: &Db,
    actor: Actor,
    project_id: i32,
    id: i32,
    version: i32,
    decisions: &str,
) -> Result<()> {
    let mut e = FieldErrors::default();
    let decisions = long_text(&mut e, "decisions", decisions, 20_000, false);
    e.check()?;
    let am = review::ActiveModel { decisions: Set(decisions), ..Default::default() };
    write::transaction(db, async |tx| {
        write::update::<review::Entity, _>(tx, actor, project_id, id, version, am, "update").await.map(|_| ())
    })
    .await
}

pub async fn add_action(
    db: &Db,
    actor: Actor,
    project_id: i32,
    review_id: i32,
    text: &str,
    owner: &str,
    due: &str,
) -> Result<()> {
    let mut e = FieldErrors::default();
    let text = required_text(&mut e, "text", text, 1000);
    let owner = required_text(&mut e, "owner", owner, 200);
    let due_date = match due.trim() {
        "" => None,
        s => {
            let d = crate::domain::bounds::parse_date(s);
            if d.is_none() {
                e.add("due_date", "err.date");
            }
            d
        }
    };
    e.check()?;
    let am = review_action::ActiveModel {
        project_id: Set(project_id),
        review_id: Set(review_id),
        text: Set(text),
        owner: Set(owner),
        due_date: Set(due_date),
        status: Set("open".into()),
        closed_on: Set(None),
        ..Default::default()
    };
    write::transaction(db, async |tx| {
        get(tx, project_id, review_id).await?;
        write::insert::<review_action::Entity, _>(tx, actor, project_id, am, "create").await.map(|_| ())
    })
    .await
}

/// Close (or reopen) an action item.
pub async fn set_action_status(
    db: &Db,
    actor: Actor,
    project_id: i32,
    id: i32,
    version: i32,
    done: bool,
    today: NaiveDate,
) -> Result<()> {
    let (status, closed_on) = if done { ("done", Some(today)) } else { ("open", None) };
    let am = review_action::ActiveModel { status: Set(status.into()), closed_on: Set(closed_on), ..Default::default() };
    write::transaction(db, async |tx| {
        write::update::<review_action::Entity, _>(tx, actor, project_id, id, version, am, "update").await.map(|_| ())
    })
    .await
}
