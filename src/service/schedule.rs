//! The schedule: activities and milestones linked by dependencies, scheduled by the critical
//! path method on the project's working-day calendar. Any change that can move dates ends
//! with `reschedule`, in the same transaction, so stored dates are always the computed ones.
use super::write::{self, Audited};
use super::{Actor, Error, Result, clock, now, sessions};
use crate::chart::gantt::{Gantt, Label, Row, RowKind, Scale};
use crate::db::Db;
use crate::domain::calendar::{WorkCalendar, parse_ics_holidays};
use crate::domain::cpm::{self, Link, LinkKind, ScheduleError, Slot, Task};
use crate::domain::health::{Rag, item_rag};
use crate::domain::ical::{self, Event, When};
use crate::domain::validation::{FieldErrors, required_text};
use crate::entity::{
    activity, baseline, baseline_item, calendar_day, calendar_feed, deliverable, dependency, milestone, phase, project,
};
use chrono::{DateTime, Duration, NaiveDate, Utc};
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel, QueryFilter, QueryOrder};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

pub const ACTIVITY: &str = "activity";
pub const MILESTONE: &str = "milestone";

pub async fn calendar<C: ConnectionTrait>(c: &C, project_id: i32) -> Result<(WorkCalendar, Vec<calendar_day::Model>)> {
    let days = calendar_day::Entity::find()
        .filter(calendar_day::Column::ProjectId.eq(project_id))
        .order_by_asc(calendar_day::Column::Day)
        .all(c)
        .await?;
    let mut cal = WorkCalendar::default();
    for d in &days {
        if d.kind == "workday" {
            cal.workdays.insert(d.day);
        } else {
            cal.holidays.insert(d.day);
        }
    }
    Ok((cal, days))
}

/// Everything the scheduler needs, loaded once.
pub struct Plan {
    pub project: project::Model,
    pub calendar: WorkCalendar,
    pub phases: Vec<phase::Model>,
    pub activities: Vec<activity::Model>,
    pub milestones: Vec<milestone::Model>,
    pub links: Vec<dependency::Model>,
}

pub async fn load<C: ConnectionTrait>(c: &C, project_id: i32) -> Result<Plan> {
    let project = project::Entity::find_by_id(project_id).one(c).await?.ok_or(Error::NotFound)?;
    let (calendar, _) = calendar(c, project_id).await?;
    let phases = super::projects::phases(c, project_id).await?;
    let activities = activity::Entity::find()
        .filter(activity::Column::ProjectId.eq(project_id))
        .order_by_asc(activity::Column::PhaseId)
        .order_by_asc(activity::Column::Seq)
        .order_by_asc(activity::Column::Id)
        .all(c)
        .await?;
    let milestones = milestone::Entity::find()
        .filter(milestone::Column::ProjectId.eq(project_id))
        .order_by_asc(milestone::Column::PhaseId)
        .order_by_asc(milestone::Column::Id)
        .all(c)
        .await?;
    let links = dependency::Entity::find()
        .filter(dependency::Column::ProjectId.eq(project_id))
        .order_by_asc(dependency::Column::Id)
        .all(c)
        .await?;
    Ok(Plan { project, calendar, phases, activities, milestones, links })
}

/// The plan as the scheduler reads it, loading only the columns that decide dates (ids,
/// phases, dates, durations, constraints and links): what a reschedule needs on every save,
/// without the names, keys, owners and timestamps that make a whole row costly to read in a
/// large project. Text fields are left empty; `compute` gives exactly the dates and floats of
/// the whole plan (its items' names are empty), so the reschedule stores the same dates.
pub async fn load_dates<C: ConnectionTrait>(c: &C, project_id: i32) -> Result<Plan> {
    load_dates_of(c, project_id, None).await
}

/// As [`load_dates`], of only the activities, milestones and (incoming) links of the items
/// `only` names, when given.
async fn load_dates_of<C: ConnectionTrait>(c: &C, project_id: i32, only: Option<&Only>) -> Result<Plan> {
    use sea_orm::QuerySelect;
    use sea_orm::sea_query::Condition;
    fn pick<Col: ColumnTrait>(col: Col, ids: Option<&Vec<i32>>) -> Condition {
        match ids {
            Some(ids) => Condition::all().add(col.is_in(ids.clone())),
            None => Condition::all(),
        }
    }
    let project = project::Entity::find_by_id(project_id).one(c).await?.ok_or(Error::NotFound)?;
    let (calendar, _) = calendar(c, project_id).await?;
    let phases = super::projects::phases(c, project_id).await?;
    let epoch = DateTime::<Utc>::UNIX_EPOCH;
    type ActivityRow = (i32, i32, i32, NaiveDate, NaiveDate, i32, Option<NaiveDate>);
    let activities = activity::Entity::find()
        .select_only()
        .columns([
            activity::Column::Id,
            activity::Column::PhaseId,
            activity::Column::Seq,
            activity::Column::PlannedStart,
            activity::Column::PlannedFinish,
            activity::Column::DurationDays,
            activity::Column::NotBefore,
        ])
        .filter(activity::Column::ProjectId.eq(project_id))
        .filter(pick(activity::Column::Id, only.map(|o| &o.activities)))
        .order_by_asc(activity::Column::PhaseId)
        .order_by_asc(activity::Column::Seq)
        .order_by_asc(activity::Column::Id)
        .into_tuple::<ActivityRow>()
        .all(c)
        .await?
        .into_iter()
        .map(|(id, phase_id, seq, planned_start, planned_finish, duration_days, not_before)| activity::Model {
            id,
            project_id,
            phase_id,
            seq,
            key: None,
            name_en: String::new(),
            name_zh: String::new(),
            tier: String::new(),
            planned_start,
            planned_finish,
            status: String::new(),
            duration_days,
            percent_complete: 0,
            actual_start: None,
            actual_finish: None,
            not_before,
            owner_person_id: None,
            owner_unit_id: None,
            version: 0,
            created_at: epoch,
            updated_at: epoch,
        })
        .collect();
    type MilestoneRow = (i32, i32, NaiveDate, Option<NaiveDate>);
    let milestones = milestone::Entity::find()
        .select_only()
        .columns([
            milestone::Column::Id,
            milestone::Column::PhaseId,
            milestone::Column::DueDate,
            milestone::Column::NotBefore,
        ])
        .filter(milestone::Column::ProjectId.eq(project_id))
        .filter(pick(milestone::Column::Id, only.map(|o| &o.milestones)))
        .order_by_asc(milestone::Column::PhaseId)
        .order_by_asc(milestone::Column::Id)
        .into_tuple::<MilestoneRow>()
        .all(c)
        .await?
        .into_iter()
        .map(|(id, phase_id, due_date, not_before)| milestone::Model {
            id,
            project_id,
            phase_id,
            key: None,
            name_en: String::new(),
            name_zh: String::new(),
            due_date,
            not_before,
            owner: String::new(),
            status: String::new(),
            completed_on: None,
            version: 0,
            created_at: epoch,
            updated_at: epoch,
        })
        .collect();
    type LinkRow = (i32, String, i32, String, i32, String, i32);
    let links = dependency::Entity::find()
        .select_only()
        .columns([
            dependency::Column::Id,
            dependency::Column::PredKind,
            dependency::Column::PredId,
            dependency::Column::SuccKind,
            dependency::Column::SuccId,
            dependency::Column::Kind,
            dependency::Column::LagDays,
        ])
        .filter(dependency::Column::ProjectId.eq(project_id))
        .filter(pick(dependency::Column::SuccId, only.map(|o| &o.link_succs)))
        .order_by_asc(dependency::Column::Id)
        .into_tuple::<LinkRow>()
        .all(c)
        .await?
        .into_iter()
        .map(|(id, pred_kind, pred_id, succ_kind, succ_id, kind, lag_days)| dependency::Model {
            id,
            project_id,
            pred_kind,
            pred_id,
            succ_kind,
            succ_id,
            kind,
            lag_days,
            version: 0,
            created_at: epoch,
            updated_at: epoch,
        })
        .collect();
    Ok(Plan { project, calendar, phases, activities, milestones, links })
}

/// One scheduled row: an activity or a milestone with its computed dates and float.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
#[schema(as = ScheduleItem)]
pub struct Item {
    pub kind: &'static str,
    pub id: i32,
    pub phase_id: i32,
    pub name_en: String,
    pub name_zh: String,
    pub start: NaiveDate,
    /// Inclusive last working day (a milestone: its date).
    pub finish: NaiveDate,
    pub duration: i64,
    pub total_float: i64,
    pub critical: bool,
    pub percent: i32,
    pub done: bool,
}

pub struct Computed {
    pub items: Vec<Item>,
    /// Item index by (kind, id).
    pub index: HashMap<(&'static str, i32), usize>,
}

impl Plan {
    fn origin(&self) -> NaiveDate {
        self.calendar.on_or_after(self.project.start_date)
    }

    /// The index of each date in working days from the origin (0 on or before it), counted
    /// once up to the latest date asked for: a large plan costs one pass over its days, not
    /// one per item.
    fn indexer(&self, dates: impl Iterator<Item = NaiveDate>) -> impl Fn(NaiveDate) -> i64 {
        let origin = self.origin();
        let last = dates.max().unwrap_or(origin).max(origin);
        let span = usize::try_from((last - origin).num_days()).unwrap_or(0);
        let mut before = Vec::with_capacity(span + 1);
        let mut n = 0i64;
        for k in 0..=span {
            before.push(n);
            if self.calendar.is_working(origin + Duration::days(k as i64)) {
                n += 1;
            }
        }
        move |d: NaiveDate| {
            let k = usize::try_from((d - origin).num_days()).unwrap_or(0);
            before.get(k).copied().unwrap_or(0)
        }
    }

    fn duration_of(&self, a: &activity::Model) -> i64 {
        if a.duration_days > 0 {
            return i64::from(a.duration_days);
        }
        self.calendar.working_days_between(a.planned_start, a.planned_finish + Duration::days(1)).max(1)
    }

    /// Schedule everything. Fails only on a dependency cycle (named by its items).
    pub fn compute(&self) -> std::result::Result<Computed, Vec<String>> {
        let mut index = HashMap::new();
        let mut tasks = Vec::with_capacity(self.activities.len() + self.milestones.len());
        let idx = self.indexer(
            self.activities
                .iter()
                .map(|a| a.not_before.unwrap_or(a.planned_start))
                .chain(self.milestones.iter().map(|m| m.not_before.unwrap_or(m.due_date) + Duration::days(1))),
        );
        for a in &self.activities {
            index.insert((ACTIVITY, a.id), tasks.len());
            tasks
                .push(Task { duration: self.duration_of(a), not_before: idx(a.not_before.unwrap_or(a.planned_start)) });
        }
        for m in &self.milestones {
            index.insert((MILESTONE, m.id), tasks.len());
            // A milestone falls at the end of its day (or of the last working day before a day
            // off): its index counts the working days up to and including that day.
            let d = m.not_before.unwrap_or(m.due_date);
            tasks.push(Task { duration: 0, not_before: idx(d + Duration::days(1)) });
        }
        let kind_of = |k: &str| if k == MILESTONE { MILESTONE } else { ACTIVITY };
        let links: Vec<Link> = self
            .links
            .iter()
            .filter_map(|l| {
                Some(Link {
                    pred: *index.get(&(kind_of(&l.pred_kind), l.pred_id))?,
                    succ: *index.get(&(kind_of(&l.succ_kind), l.succ_id))?,
                    kind: LinkKind::parse(&l.kind).unwrap_or(LinkKind::FinishToStart),
                    lag: i64::from(l.lag_days),
                })
            })
            .collect();
        let slots = match cpm::schedule(&tasks, &links) {
            Ok(s) => s,
            Err(ScheduleError::Cycle(c)) => return Err(c.into_iter().map(|i| self.name_at(i)).collect()),
            Err(ScheduleError::BadLink(_)) => return Err(vec![]),
        };
        let horizon = slots.iter().map(|s| s.late_finish.max(s.early_finish)).max().unwrap_or(0) as usize + 2;
        let dates = self.calendar.working_dates(self.origin(), horizon);
        let date = |i: i64| dates[(i.max(0) as usize).min(dates.len() - 1)];
        let mut items = Vec::with_capacity(slots.len());
        for (a, s) in self.activities.iter().zip(&slots) {
            items.push(self.item(
                ACTIVITY,
                a.id,
                a.phase_id,
                &a.name_en,
                &a.name_zh,
                date(s.early_start),
                date((s.early_finish - 1).max(s.early_start)),
                s,
                a.percent_complete,
                a.status == "done",
            ));
        }
        for (m, s) in self.milestones.iter().zip(&slots[self.activities.len()..]) {
            let d = date((s.early_start - 1).max(0));
            items.push(self.item(
                MILESTONE,
                m.id,
                m.phase_id,
                &m.name_en,
                &m.name_zh,
                d,
                d,
                s,
                if m.status == "done" { 100 } else { 0 },
                m.status == "done",
            ));
        }
        Ok(Computed { items, index })
    }

    #[allow(clippy::too_many_arguments)]
    fn item(
        &self,
        kind: &'static str,
        id: i32,
        phase_id: i32,
        en: &str,
        zh: &str,
        start: NaiveDate,
        finish: NaiveDate,
        s: &Slot,
        percent: i32,
        done: bool,
    ) -> Item {
        Item {
            kind,
            id,
            phase_id,
            name_en: en.into(),
            name_zh: zh.into(),
            start,
            finish,
            duration: s.early_finish - s.early_start,
            total_float: s.total_float,
            critical: s.critical,
            percent,
            done,
        }
    }

    fn name_at(&self, i: usize) -> String {
        match self.activities.get(i) {
            Some(a) => format!("{} / {}", a.name_en, a.name_zh),
            None => self
                .milestones
                .get(i - self.activities.len())
                .map(|m| format!("◆ {} / {}", m.name_en, m.name_zh))
                .unwrap_or_default(),
        }
    }
}

// ---- The schedule view: the one place the schedule's figures are made ----

/// How the page asked to see the schedule.
#[derive(Clone, Copy, Debug)]
pub struct ViewOptions {
    pub scale: Scale,
    /// A saved baseline to compare with: ghost bars and slips.
    pub baseline: Option<i32>,
}

impl ViewOptions {
    /// As the page's query and the API's name them: `scale=week` (else months), `baseline=N`.
    pub fn from_query(scale: Option<&str>, baseline: Option<i32>) -> ViewOptions {
        ViewOptions { scale: if scale == Some("week") { Scale::Week } else { Scale::Month }, baseline }
    }
}

impl Default for ViewOptions {
    fn default() -> Self {
        ViewOptions { scale: Scale::Month, baseline: None }
    }
}

/// A scheduled activity or milestone with what the page, the API and the plan say about it.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
#[schema(as = ScheduleItemRow)]
pub struct ItemRow {
    #[serde(flatten)]
    pub item: Item,
    pub phase_seq: i32,
    /// Working days the finish moved against the baseline shown (positive: later).
    pub slip: Option<i64>,
    /// A milestone not reached although its day has passed (the project's today).
    pub late: bool,
    pub rag: Rag,
}

/// A milestone as every surface shows it: its scheduled date and whether it is reached.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct MilestoneRow {
    pub id: i32,
    pub version: i32,
    pub phase_id: i32,
    pub phase_seq: i32,
    pub name_en: String,
    pub name_zh: String,
    pub due_date: NaiveDate,
    pub owner: String,
    pub status: String,
    pub done: bool,
    pub overdue: bool,
    pub critical: bool,
}

/// A dependency with the names of both ends.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct LinkRow {
    pub id: i32,
    pub pred_kind: &'static str,
    pub pred_id: i32,
    pub succ_kind: &'static str,
    pub succ_id: i32,
    pub kind: String,
    pub lag_days: i32,
    pub pred_name_en: String,
    pub pred_name_zh: String,
    pub succ_name_en: String,
    pub succ_name_zh: String,
}

/// A phase's finish against the baseline shown.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct PhaseSlip {
    pub phase_id: i32,
    pub seq: i32,
    pub name_en: String,
    pub name_zh: String,
    pub planned_finish: NaiveDate,
    pub baseline_finish: NaiveDate,
    pub slip: i64,
    pub late: bool,
}

/// A calendar feed as listed (never its token).
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct FeedRow {
    pub id: i32,
    pub created_at: DateTime<Utc>,
    pub revoked_at: Option<DateTime<Utc>>,
}

/// The schedule page, its JSON (`GET /api/v1/projects/{id}/schedule`) and the plan document.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct ScheduleView {
    pub project_id: i32,
    pub project_name: String,
    /// The project's today in its time zone: overdue marks, RAG and the Gantt's today line.
    pub today: NaiveDate,
    pub scale: Scale,
    pub baseline: Option<i32>,
    pub phases: Vec<phase::Model>,
    /// Activities and milestones, phase by phase as scheduled.
    pub items: Vec<ItemRow>,
    pub milestones: Vec<MilestoneRow>,
    pub links: Vec<LinkRow>,
    pub phase_slips: Vec<PhaseSlip>,
    pub days: Vec<calendar_day::Model>,
    pub baselines: Vec<baseline::Model>,
    pub feeds: Vec<FeedRow>,
    pub gantt: Gantt,
}

impl ScheduleView {
    pub fn item(&self, kind: &str, id: i32) -> Option<&ItemRow> {
        self.items.iter().find(|i| i.item.kind == kind && i.item.id == id)
    }
}

type Baseline = HashMap<(String, i32), (NaiveDate, NaiveDate)>;

/// The schedule as [`view`] computes it, with its Gantt drawn once per language, kept in
/// memory until the project changes (`views`): what the page shows.
pub async fn view_cached(
    db: &crate::db::Db,
    project: &project::Model,
    opts: ViewOptions,
) -> Result<std::sync::Arc<super::views::Kept<ScheduleView>>> {
    let params = format!("{opts:?}");
    super::views::cached(&db.views, &db.conn, "schedule", project.id, params, clock::today(project), async || {
        Ok(super::views::Kept::new(view(&db.conn, project, opts).await?))
    })
    .await
}

/// The schedule of a project as it stands, for its today.
pub async fn view<C: ConnectionTrait>(c: &C, project: &project::Model, opts: ViewOptions) -> Result<ScheduleView> {
    let plan = load(c, project.id).await?;
    let computed = plan.compute().map_err(|_| Error::Rule("err.cycle"))?;
    let base: Baseline = match opts.baseline {
        Some(b) => baseline_dates(c, project.id, b).await?,
        None => HashMap::new(),
    };
    let today = clock::today(project);
    let (_, days) = calendar(c, project.id).await?;
    let baselines = baselines(c, project.id).await?;
    let feeds = feeds(c, project.id)
        .await?
        .into_iter()
        .map(|f| FeedRow { id: f.id, created_at: f.created_at, revoked_at: f.revoked_at })
        .collect();
    let seq_of: HashMap<i32, i32> = plan.phases.iter().map(|p| (p.id, p.seq)).collect();
    let closed = |phase_id: i32| plan.phases.iter().any(|p| p.id == phase_id && p.status == "closed");
    // Phase by phase, each phase's items by date (milestones after work ending that day).
    let mut order: Vec<usize> = (0..computed.items.len()).collect();
    order.sort_by_key(|&i| {
        let it = &computed.items[i];
        (seq_of.get(&it.phase_id).copied().unwrap_or(i32::MAX), it.start, it.kind == MILESTONE)
    });
    let items: Vec<ItemRow> = order
        .iter()
        .map(|&i| {
            let it = &computed.items[i];
            let slip = base.get(&(it.kind.to_string(), it.id)).map(|(_, f)| (it.finish - *f).num_days());
            let finished = closed(it.phase_id) || it.done || it.percent >= 100;
            ItemRow {
                phase_seq: seq_of.get(&it.phase_id).copied().unwrap_or(0),
                slip,
                // The same rule as the milestone list's "overdue": never when reached or when
                // its phase has passed the gate.
                late: it.kind == MILESTONE && !it.done && !closed(it.phase_id) && it.finish < today,
                rag: item_rag(today, it.finish, finished, slip, it.total_float),
                item: it.clone(),
            }
        })
        .collect();
    let milestones = plan
        .milestones
        .iter()
        .map(|m| {
            let it = &computed.items[computed.index[&(MILESTONE, m.id)]];
            MilestoneRow {
                id: m.id,
                version: m.version,
                phase_id: m.phase_id,
                phase_seq: seq_of.get(&m.phase_id).copied().unwrap_or(0),
                name_en: m.name_en.clone(),
                name_zh: m.name_zh.clone(),
                due_date: it.start,
                owner: m.owner.clone(),
                status: m.status.clone(),
                done: it.done,
                overdue: !it.done && !closed(m.phase_id) && it.start < today,
                critical: it.critical,
            }
        })
        .collect();
    let name = |k: &str, id: i32| {
        computed
            .index
            .get(&(kind_of(k), id))
            .map(|&i| (computed.items[i].name_en.clone(), computed.items[i].name_zh.clone()))
    };
    let links = plan
        .links
        .iter()
        .map(|l| {
            let (pred_name_en, pred_name_zh) = name(&l.pred_kind, l.pred_id).unwrap_or_default();
            let (succ_name_en, succ_name_zh) = name(&l.succ_kind, l.succ_id).unwrap_or_default();
            LinkRow {
                id: l.id,
                pred_kind: kind_of(&l.pred_kind),
                pred_id: l.pred_id,
                succ_kind: kind_of(&l.succ_kind),
                succ_id: l.succ_id,
                kind: l.kind.clone(),
                lag_days: l.lag_days,
                pred_name_en,
                pred_name_zh,
                succ_name_en,
                succ_name_zh,
            }
        })
        .collect();
    let phase_slips = plan
        .phases
        .iter()
        .filter_map(|p| {
            let (_, bf) = base.get(&("phase".to_string(), p.id))?;
            Some(PhaseSlip {
                phase_id: p.id,
                seq: p.seq,
                name_en: p.name_en.clone(),
                name_zh: p.name_zh.clone(),
                planned_finish: p.planned_finish,
                baseline_finish: *bf,
                slip: (p.planned_finish - *bf).num_days(),
                late: p.planned_finish > *bf,
            })
        })
        .collect();
    let gantt = gantt(&plan.phases, &items, &plan.links, &base, opts.scale, today);
    Ok(ScheduleView {
        project_id: project.id,
        project_name: project.name.clone(),
        today,
        scale: opts.scale,
        baseline: opts.baseline,
        phases: plan.phases,
        items,
        milestones,
        links,
        phase_slips,
        days,
        baselines,
        feeds,
        gantt,
    })
}

/// The one Gantt of a schedule: each phase a summary bar, then its activities and milestones
/// in the order of `items`, with progress, the critical path, baseline ghost bars, dependency
/// arrows and the project's today. The page draws it as SVG, the documents with PDF drawing.
fn gantt(
    phases: &[phase::Model],
    items: &[ItemRow],
    links: &[dependency::Model],
    base: &Baseline,
    scale: Scale,
    today: NaiveDate,
) -> Gantt {
    let mut rows = vec![];
    let mut row_of: HashMap<(&'static str, i32), usize> = HashMap::new();
    for p in phases {
        let mine: Vec<&ItemRow> = items.iter().filter(|i| i.item.phase_id == p.id).collect();
        rows.push(Row {
            label: Label { en: format!("{} {}", p.seq, p.name_en), zh: format!("{} {}", p.seq, p.name_zh) },
            kind: RowKind::Summary,
            start: p.planned_start,
            finish: p.planned_finish,
            progress: if p.status == "closed" { 100.0 } else { 0.0 },
            critical: mine.iter().any(|i| i.item.critical),
            baseline: base.get(&("phase".to_string(), p.id)).copied(),
        });
        for i in mine {
            let it = &i.item;
            row_of.insert((it.kind, it.id), rows.len());
            rows.push(Row {
                label: Label { en: it.name_en.clone(), zh: it.name_zh.clone() },
                kind: if it.kind == MILESTONE { RowKind::Milestone } else { RowKind::Task },
                start: it.start,
                finish: it.finish,
                progress: f64::from(it.percent),
                critical: it.critical,
                baseline: base.get(&(it.kind.to_string(), it.id)).copied(),
            });
        }
    }
    let links = links
        .iter()
        .filter_map(|l| {
            Some((*row_of.get(&(kind_of(&l.pred_kind), l.pred_id))?, *row_of.get(&(kind_of(&l.succ_kind), l.succ_id))?))
        })
        .collect();
    Gantt { rows, links, today: Some(today), scale }
}

/// The schedule as CSV (UTF-8 with BOM, so Excel opens Chinese names correctly).
pub fn csv(v: &ScheduleView) -> String {
    let q = crate::domain::spreadsheet::csv_text;
    let mut out = String::from(
        "\u{feff}kind,phase,name_en,name_zh,start,finish,working_days,percent_complete,total_float,critical,predecessors\r\n",
    );
    for row in &v.items {
        let it = &row.item;
        let preds: Vec<String> = v
            .links
            .iter()
            .filter(|l| l.succ_kind == it.kind && l.succ_id == it.id)
            .map(|l| format!("{}:{}{}{:+}", l.pred_kind, l.pred_id, l.kind, l.lag_days))
            .collect();
        out.push_str(&format!(
            "{},{},{},{},{},{},{},{},{},{},{}\r\n",
            it.kind,
            row.phase_seq,
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
    out
}

/// The iCalendar feed behind a secret token: milestones, phase gates and training sessions,
/// dated as the schedule view dates them. `None` for an unknown or revoked token.
pub async fn feed_calendar<C: ConnectionTrait>(c: &C, token: &str) -> Result<Option<String>> {
    let Some(project_id) = feed_project(c, token).await? else { return Ok(None) };
    let project = project::Entity::find_by_id(project_id).one(c).await?.ok_or(Error::NotFound)?;
    let v = view(c, &project, ViewOptions::default()).await?;
    let mut events = vec![];
    for m in &v.milestones {
        events.push(Event {
            uid: format!("milestone-{}@ninefold", m.id),
            when: When::Day(m.due_date),
            summary: format!("◆ {} / {}", m.name_en, m.name_zh),
            description: v.project_name.clone(),
        });
    }
    for p in &v.phases {
        events.push(Event {
            uid: format!("gate-{}@ninefold", p.id),
            when: When::Day(p.planned_finish),
            summary: format!("Gate {}: {} / 阶段评审：{}", p.seq, p.name_en, p.name_zh),
            description: v.project_name.clone(),
        });
    }
    for s in super::training::sessions(c, project_id).await? {
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
    let stamp = Utc::now().format("%Y%m%dT%H%M%SZ").to_string();
    Ok(Some(ical::calendar(&v.project_name, &stamp, &events)))
}

/// The activity form: the activity, its computed dates, and the form as typed (or as stored).
#[derive(Clone, Debug, Serialize)]
pub struct ActivityView {
    pub activity: activity::Model,
    pub item: Option<Item>,
    pub form: RawActivity,
}

pub async fn activity_view<C: ConnectionTrait>(
    c: &C,
    project_id: i32,
    id: i32,
    typed: Option<RawActivity>,
) -> Result<ActivityView> {
    let plan = load(c, project_id).await?;
    let act = plan.activities.iter().find(|x| x.id == id).cloned().ok_or(Error::NotFound)?;
    let computed = plan.compute().map_err(|_| Error::Rule("err.cycle"))?;
    let item = computed.index.get(&(ACTIVITY, id)).map(|&i| computed.items[i].clone());
    let form = typed.unwrap_or_else(|| RawActivity {
        start: act.not_before.unwrap_or(act.planned_start).to_string(),
        duration: item.as_ref().map_or(i64::from(act.duration_days), |i| i.duration).to_string(),
        percent: act.percent_complete.to_string(),
        actual_start: act.actual_start.map(|d| d.to_string()).unwrap_or_default(),
        actual_finish: act.actual_finish.map(|d| d.to_string()).unwrap_or_default(),
    });
    Ok(ActivityView { activity: act, item, form })
}

// ---- Writes ----

/// Recompute the schedule and store every date that moved (activities, milestones, phase
/// windows, deliverable due dates), audited. Part of the caller's transaction. Only rows
/// whose values changed are written, and without a version bump: computed dates are not
/// what a user typed, so moving them never makes another user's open form stale.
pub async fn reschedule<C: ConnectionTrait>(c: &C, actor: Actor, project_id: i32) -> Result<()> {
    reschedule_as(c, Some(actor), project_id).await
}

/// As `reschedule`; without an actor the moves are not audited one by one (a new project's
/// first schedule is part of its creation, which is audited as a whole).
pub async fn reschedule_as<C: ConnectionTrait>(c: &C, actor: Option<Actor>, project_id: i32) -> Result<()> {
    let plan = load_dates(c, project_id).await?;
    let computed = match plan.compute() {
        Ok(computed) => computed,
        // The lean plan has no names: load the whole one to name the cycle's items.
        Err(_) => return Err(Error::Cycle(load(c, project_id).await?.compute().err().unwrap_or_default())),
    };
    for a in &plan.activities {
        let it = &computed.items[computed.index[&(ACTIVITY, a.id)]];
        let duration = plan.duration_of(a) as i32;
        if a.planned_start != it.start || a.planned_finish != it.finish || a.duration_days != duration {
            let am = activity::ActiveModel {
                planned_start: Set(it.start),
                planned_finish: Set(it.finish),
                duration_days: Set(duration),
                ..Default::default()
            };
            // Only a row that moves is read whole (the audit's "before").
            let before = write::get::<activity::Entity, _>(c, project_id, a.id).await?;
            write::derived::<activity::Entity, _>(c, actor, project_id, before, am, "reschedule").await?;
        }
    }
    for m in &plan.milestones {
        let it = &computed.items[computed.index[&(MILESTONE, m.id)]];
        if m.due_date != it.start {
            let am = milestone::ActiveModel { due_date: Set(it.start), ..Default::default() };
            let before = write::get::<milestone::Entity, _>(c, project_id, m.id).await?;
            write::derived::<milestone::Entity, _>(c, actor, project_id, before, am, "reschedule").await?;
        }
    }
    // Phase windows follow their work; deliverables are due when their phase ends.
    for p in &plan.phases {
        let mine = computed.items.iter().filter(|i| i.phase_id == p.id);
        let (Some(start), Some(finish)) = (mine.clone().map(|i| i.start).min(), mine.map(|i| i.finish).max()) else {
            continue;
        };
        if p.planned_start != start || p.planned_finish != finish {
            let am =
                phase::ActiveModel { planned_start: Set(start), planned_finish: Set(finish), ..Default::default() };
            write::derived::<phase::Entity, _>(c, actor, project_id, p.clone(), am, "reschedule").await?;
            deliverable::Entity::update_many()
                .set(deliverable::ActiveModel { due_date: Set(finish), ..Default::default() })
                .filter(deliverable::Column::PhaseId.eq(p.id))
                .exec(c)
                .await?;
        }
    }
    Ok(())
}

/// Which rows an incremental reschedule reads.
struct Only {
    activities: Vec<i32>,
    milestones: Vec<i32>,
    link_succs: Vec<i32>,
}

/// Reschedule after a change to the start constraint or duration of `item` alone (no link,
/// no calendar day changed): only the item and what follows it through the links can move,
/// because stored dates are the forward pass's and depend only on predecessors. Reads the
/// item's successor closure and the closure's direct predecessors (whose stored dates fix
/// where they finish), computes the closure exactly as the whole plan would, and writes
/// the rows that moved and their phases' windows. Falls back to [`reschedule`] when a
/// predecessor's stored date cannot say exactly where it lies (a date off the working
/// calendar or at the project's first day), so the result always equals a full reschedule.
pub async fn reschedule_from<C: ConnectionTrait>(
    c: &C,
    actor: Actor,
    project_id: i32,
    item: (&'static str, i32),
) -> Result<()> {
    use sea_orm::{QuerySelect, Statement};
    // The successor closure, by one recursive query (ids are integers: no injection).
    let sql = format!(
        "WITH RECURSIVE s(kind, id) AS (SELECT CAST('{}' AS TEXT), {} UNION SELECT CAST(d.succ_kind AS TEXT), \
         d.succ_id FROM dependencies d JOIN s ON d.pred_kind = s.kind AND d.pred_id = s.id WHERE d.project_id = {project_id}) SELECT kind, id FROM s",
        item.0, item.1
    );
    let rows = c.query_all_raw(Statement::from_string(c.get_database_backend(), sql)).await?;
    let mut closure: std::collections::HashSet<(&'static str, i32)> = std::collections::HashSet::new();
    for r in rows {
        let kind: String = r.try_get_by_index(0)?;
        let id: i32 = r.try_get_by_index(1)?;
        closure.insert((kind_of(&kind), id));
    }
    let ids = |k: &str, v: &[(&'static str, i32)]| v.iter().filter(|x| x.0 == k).map(|x| x.1).collect::<Vec<_>>();
    let link_succs: Vec<i32> = closure.iter().map(|x| x.1).collect();
    let incoming = dependency::Entity::find()
        .select_only()
        .columns([
            dependency::Column::PredKind,
            dependency::Column::PredId,
            dependency::Column::SuccKind,
            dependency::Column::SuccId,
        ])
        .filter(dependency::Column::ProjectId.eq(project_id))
        .filter(dependency::Column::SuccId.is_in(link_succs.clone()))
        .into_tuple::<(String, i32, String, i32)>()
        .all(c)
        .await?;
    let mut wanted = closure.clone();
    for (pk, pid, sk, sid) in &incoming {
        if closure.contains(&(kind_of(sk), *sid)) {
            wanted.insert((kind_of(pk), *pid));
        }
    }
    let wanted: Vec<(&'static str, i32)> = wanted.into_iter().collect();
    let only = Only { activities: ids(ACTIVITY, &wanted), milestones: ids(MILESTONE, &wanted), link_succs };
    let mut plan = load_dates_of(c, project_id, Some(&only)).await?;
    // Links into the closure only: a predecessor outside it stays where it is stored.
    plan.links.retain(|l| closure.contains(&(kind_of(&l.succ_kind), l.succ_id)));
    let origin = plan.origin();
    for a in plan.activities.iter_mut().filter(|a| !closure.contains(&(ACTIVITY, a.id))) {
        if a.planned_start < origin || !plan.calendar.is_working(a.planned_start) || a.duration_days <= 0 {
            return reschedule(c, actor, project_id).await;
        }
        a.not_before = Some(a.planned_start);
    }
    for m in plan.milestones.iter_mut().filter(|m| !closure.contains(&(MILESTONE, m.id))) {
        if m.due_date <= origin || !plan.calendar.is_working(m.due_date) {
            return reschedule(c, actor, project_id).await;
        }
        m.not_before = Some(m.due_date);
    }
    let Ok(computed) = plan.compute() else {
        return reschedule(c, actor, project_id).await;
    };
    let mut phases_moved: Vec<i32> = vec![];
    for a in plan.activities.iter().filter(|a| closure.contains(&(ACTIVITY, a.id))) {
        let it = &computed.items[computed.index[&(ACTIVITY, a.id)]];
        let duration = plan.duration_of(a) as i32;
        if a.planned_start != it.start || a.planned_finish != it.finish || a.duration_days != duration {
            let am = activity::ActiveModel {
                planned_start: Set(it.start),
                planned_finish: Set(it.finish),
                duration_days: Set(duration),
                ..Default::default()
            };
            let before = write::get::<activity::Entity, _>(c, project_id, a.id).await?;
            write::derived::<activity::Entity, _>(c, Some(actor), project_id, before, am, "reschedule").await?;
            phases_moved.push(a.phase_id);
        }
    }
    for m in plan.milestones.iter().filter(|m| closure.contains(&(MILESTONE, m.id))) {
        let it = &computed.items[computed.index[&(MILESTONE, m.id)]];
        if m.due_date != it.start {
            let am = milestone::ActiveModel { due_date: Set(it.start), ..Default::default() };
            let before = write::get::<milestone::Entity, _>(c, project_id, m.id).await?;
            write::derived::<milestone::Entity, _>(c, Some(actor), project_id, before, am, "reschedule").await?;
            phases_moved.push(m.phase_id);
        }
    }
    phases_moved.sort_unstable();
    phases_moved.dedup();
    // A phase's window spans its work as now stored (the rows outside the closure did not move).
    for p in plan.phases.iter().filter(|p| phases_moved.contains(&p.id)) {
        let (a_start, a_finish) = activity::Entity::find()
            .select_only()
            .column_as(activity::Column::PlannedStart.min(), "s")
            .column_as(activity::Column::PlannedFinish.max(), "f")
            .filter(activity::Column::PhaseId.eq(p.id))
            .into_tuple::<(Option<NaiveDate>, Option<NaiveDate>)>()
            .one(c)
            .await?
            .unwrap_or_default();
        let (m_start, m_finish) = milestone::Entity::find()
            .select_only()
            .column_as(milestone::Column::DueDate.min(), "s")
            .column_as(milestone::Column::DueDate.max(), "f")
            .filter(milestone::Column::PhaseId.eq(p.id))
            .into_tuple::<(Option<NaiveDate>, Option<NaiveDate>)>()
            .one(c)
            .await?
            .unwrap_or_default();
        let start = [a_start, m_start].into_iter().flatten().min();
        let finish = [a_finish, m_finish].into_iter().flatten().max();
        let (Some(start), Some(finish)) = (start, finish) else { continue };
        if p.planned_start != start || p.planned_finish != finish {
            let am =
                phase::ActiveModel { planned_start: Set(start), planned_finish: Set(finish), ..Default::default() };
            write::derived::<phase::Entity, _>(c, Some(actor), project_id, p.clone(), am, "reschedule").await?;
            deliverable::Entity::update_many()
                .set(deliverable::ActiveModel { due_date: Set(finish), ..Default::default() })
                .filter(deliverable::Column::PhaseId.eq(p.id))
                .exec(c)
                .await?;
        }
    }
    Ok(())
}

/// A new milestone of a phase: the one shape every way of adding one uses (the playbook's
/// seed, the form, a Microsoft Project import); no key and no owner unless the caller sets them.
fn new_milestone(
    project_id: i32,
    phase_id: i32,
    (en, zh): (String, String),
    date: NaiveDate,
    not_before: Option<NaiveDate>,
    done: bool,
) -> milestone::ActiveModel {
    milestone::ActiveModel {
        project_id: Set(project_id),
        phase_id: Set(phase_id),
        key: Set(None),
        name_en: Set(en),
        name_zh: Set(zh),
        due_date: Set(date),
        not_before: Set(not_before),
        owner: Set(String::new()),
        status: Set(if done { "done" } else { "open" }.into()),
        completed_on: Set(None),
        ..Default::default()
    }
}

/// A new activity of a phase: the one shape adding one by hand (`work::add_activity`) and
/// importing one from Microsoft Project share; open, planned over `start..=finish`.
pub fn new_activity(
    project_id: i32,
    phase_id: i32,
    seq: i32,
    (en, zh): (String, String),
    tier: &str,
    (start, finish): (NaiveDate, NaiveDate),
) -> activity::ActiveModel {
    activity::ActiveModel {
        project_id: Set(project_id),
        phase_id: Set(phase_id),
        seq: Set(seq),
        key: Set(None),
        name_en: Set(en),
        name_zh: Set(zh),
        tier: Set(tier.into()),
        planned_start: Set(start),
        planned_finish: Set(finish),
        status: Set("open".into()),
        ..Default::default()
    }
}

/// A new link; refused when either end is not an item of the project or the link exists.
async fn insert_dependency<C: ConnectionTrait>(
    c: &C,
    actor: Actor,
    project_id: i32,
    (pk, pid): (&'static str, i32),
    (sk, sid): (&'static str, i32),
    kind: LinkKind,
    lag: i32,
) -> Result<dependency::Model> {
    if !exists(c, project_id, pk, pid).await? || !exists(c, project_id, sk, sid).await? {
        return Err(FieldErrors::single("pred", "err.choose_from_list").into());
    }
    let duplicate = dependency::Entity::find()
        .filter(dependency::Column::ProjectId.eq(project_id))
        .filter(dependency::Column::PredKind.eq(pk))
        .filter(dependency::Column::PredId.eq(pid))
        .filter(dependency::Column::SuccKind.eq(sk))
        .filter(dependency::Column::SuccId.eq(sid))
        .one(c)
        .await?;
    if duplicate.is_some() {
        return Err(FieldErrors::single("succ", "err.link_exists").into());
    }
    let am = dependency::ActiveModel {
        project_id: Set(project_id),
        pred_kind: Set(pk.into()),
        pred_id: Set(pid),
        succ_kind: Set(sk.into()),
        succ_id: Set(sid),
        kind: Set(kind.code().into()),
        lag_days: Set(lag),
        ..Default::default()
    };
    write::insert::<dependency::Entity, _>(c, actor, project_id, am, "create").await
}

/// The playbook's milestones of a new project, each at the end of its phase (part of the
/// project's creation, audited as a whole).
pub async fn seed_milestones<C: ConnectionTrait>(
    c: &C,
    project_id: i32,
    phases: &[(i32, NaiveDate, Vec<crate::playbook::Milestone>)],
) -> Result<()> {
    let t0 = now();
    let rows: Vec<milestone::ActiveModel> = phases
        .iter()
        .flat_map(|(phase_id, finish, ms)| {
            ms.iter().map(move |m| milestone::ActiveModel {
                version: Set(1),
                created_at: Set(t0),
                updated_at: Set(t0),
                key: Set(Some(m.key.clone())),
                ..new_milestone(
                    project_id,
                    *phase_id,
                    (m.name.en.clone(), m.name.zh.clone()),
                    *finish,
                    Some(*finish),
                    false,
                )
            })
        })
        .collect();
    if !rows.is_empty() {
        milestone::Entity::insert_many(rows).exec_without_returning(c).await?;
    }
    Ok(())
}

fn parse_date(e: &mut FieldErrors, field: &str, raw: &str, required: bool) -> Option<NaiveDate> {
    let raw = raw.trim();
    if raw.is_empty() {
        if required {
            e.add(field, "err.required");
        }
        return None;
    }
    let d =
        NaiveDate::parse_from_str(raw, "%Y-%m-%d").ok().filter(|d| (2000..=2100).contains(&chrono::Datelike::year(d)));
    if d.is_none() {
        e.add(field, "err.date");
    }
    d
}

fn parse_int(e: &mut FieldErrors, field: &str, raw: &str, range: std::ops::RangeInclusive<i32>) -> Option<i32> {
    match raw.trim().parse::<i32>() {
        Ok(n) if range.contains(&n) => Some(n),
        _ => {
            e.add(field, "err.whole_number_range");
            None
        }
    }
}

/// The activity form as typed.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct RawActivity {
    pub start: String,
    pub duration: String,
    pub percent: String,
    pub actual_start: String,
    pub actual_finish: String,
}

/// Move or resize an activity and record its progress; its successors follow.
pub async fn update_activity(
    db: &Db,
    actor: Actor,
    project_id: i32,
    id: i32,
    version: i32,
    raw: &RawActivity,
) -> Result<()> {
    let mut e = FieldErrors::default();
    let start = parse_date(&mut e, "start", &raw.start, true);
    let duration = parse_int(&mut e, "duration", &raw.duration, 1..=2000);
    let percent = parse_int(&mut e, "percent", &raw.percent, 0..=100);
    let actual_start = parse_date(&mut e, "actual_start", &raw.actual_start, false);
    let actual_finish = parse_date(&mut e, "actual_finish", &raw.actual_finish, false);
    if let (Some(s), Some(f)) = (actual_start, actual_finish)
        && f < s
    {
        e.add("actual_finish", "err.finish_before_start");
    }
    e.check()?;
    write::transaction_in(db, project_id, async |tx| {
        let before = write::get::<activity::Entity, _>(tx, project_id, id).await?;
        // Done, percent and actual finish are one fact, and never in the future.
        let today = clock::today(&super::projects::get(tx, project_id).await?);
        let progress = crate::domain::progress::record(percent.unwrap_or(0), actual_start, actual_finish, today)
            .map_err(|f| Error::from(FieldErrors::single(f.0, "err.future_date")))?;
        let am = activity::ActiveModel {
            not_before: Set(start),
            duration_days: Set(duration.unwrap_or(1)),
            ..activity::ActiveModel::from(progress)
        };
        // Dates follow only from the start constraint and the duration (status and progress
        // move nothing): when neither changed, the stored schedule is still the computed one.
        let moves = before.not_before != start || before.duration_days != duration.unwrap_or(1);
        write::update_loaded::<activity::Entity, _>(tx, Some(actor), project_id, before, version, am, "update").await?;
        if moves { reschedule_from(tx, actor, project_id, (ACTIVITY, id)).await } else { Ok(()) }
    })
    .await
}

async fn exists<C: ConnectionTrait>(c: &C, project_id: i32, kind: &str, id: i32) -> Result<bool> {
    let found = match kind {
        ACTIVITY => write::get::<activity::Entity, _>(c, project_id, id).await.map(drop),
        MILESTONE => write::get::<milestone::Entity, _>(c, project_id, id).await.map(drop),
        _ => return Ok(false),
    };
    match found {
        Ok(()) => Ok(true),
        Err(Error::NotFound) => Ok(false),
        Err(e) => Err(e),
    }
}

/// "activity:12" / "milestone:3" as the forms send them.
pub fn parse_ref(s: &str) -> Option<(&'static str, i32)> {
    let (k, id) = s.split_once(':')?;
    let kind = match k {
        ACTIVITY => ACTIVITY,
        MILESTONE => MILESTONE,
        _ => return None,
    };
    Some((kind, id.parse().ok()?))
}

/// The dependency form as typed.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct NewLink {
    pub pred: String,
    pub succ: String,
    pub kind: String,
    pub lag: String,
}

/// Link two items. A link that would close a loop is refused, naming the loop.
pub async fn add_dependency(db: &Db, actor: Actor, project_id: i32, f: &NewLink) -> Result<()> {
    let mut e = FieldErrors::default();
    let p = parse_ref(&f.pred);
    let s = parse_ref(&f.succ);
    if p.is_none() {
        e.add("pred", "err.choose_from_list");
    }
    if s.is_none() {
        e.add("succ", "err.choose_from_list");
    }
    if p.is_some() && p == s {
        e.add("succ", "err.self_link");
    }
    let kind = LinkKind::parse(&f.kind);
    if kind.is_none() {
        e.add("kind", "err.choose_from_list");
    }
    let lag = match f.lag.trim() {
        "" => Some(0),
        l => parse_int(&mut e, "lag", l, -365..=365),
    };
    e.check()?;
    let (p, s, kind) = (p.unwrap_or_default(), s.unwrap_or_default(), kind.unwrap_or(LinkKind::FinishToStart));
    write::transaction_in(db, project_id, async |tx| {
        insert_dependency(tx, actor, project_id, p, s, kind, lag.unwrap_or(0)).await?;
        // A cycle fails here and the transaction is rolled back: nothing is written.
        reschedule(tx, actor, project_id).await
    })
    .await
}

/// Delete a row that shapes the schedule (a dependency, a calendar day) and reschedule.
async fn remove_and_reschedule<E>(db: &Db, actor: Actor, project_id: i32, id: i32) -> Result<()>
where
    E: Audited,
    E::Model: Serialize + IntoActiveModel<E::ActiveModel> + Clone + Send + Sync,
    E::ActiveModel: sea_orm::ActiveModelTrait<Entity = E> + Send,
{
    write::transaction_in(db, project_id, async |tx| {
        write::delete::<E, _>(tx, actor, project_id, id, None).await?;
        reschedule(tx, actor, project_id).await
    })
    .await
}

pub async fn remove_dependency(db: &Db, actor: Actor, project_id: i32, id: i32) -> Result<()> {
    remove_and_reschedule::<dependency::Entity>(db, actor, project_id, id).await
}

/// The milestone form as typed.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct NewMilestone {
    /// The phase's sequence number.
    pub phase: String,
    pub name: String,
    pub date: String,
    pub owner: String,
}

/// Add a milestone of the project's own to a phase.
pub async fn add_milestone(db: &Db, actor: Actor, project_id: i32, f: &NewMilestone) -> Result<()> {
    let mut e = FieldErrors::default();
    let name = required_text(&mut e, "name", &f.name, 300);
    let date = parse_date(&mut e, "date", &f.date, true);
    let owner = f.owner.trim().chars().take(200).collect::<String>();
    e.check()?;
    let phase_seq: i32 = f.phase.trim().parse().unwrap_or(0);
    write::transaction_in(db, project_id, async |tx| {
        let ph = super::projects::phases(tx, project_id)
            .await?
            .into_iter()
            .find(|p| p.seq == phase_seq)
            .ok_or(Error::NotFound)?;
        let due = date.unwrap_or(ph.planned_finish);
        let am = milestone::ActiveModel {
            owner: Set(owner),
            ..new_milestone(project_id, ph.id, (name.clone(), name), due, date, false)
        };
        write::insert::<milestone::Entity, _>(tx, actor, project_id, am, "create").await?;
        reschedule(tx, actor, project_id).await
    })
    .await
}

/// Mark a milestone reached on the project's today (or open again).
pub async fn set_milestone_done(
    db: &Db,
    actor: Actor,
    project: &project::Model,
    id: i32,
    version: i32,
    done: bool,
) -> Result<()> {
    let (status, on) = if done { ("done", Some(clock::today(project))) } else { ("open", None) };
    let am = milestone::ActiveModel { status: Set(status.into()), completed_on: Set(on), ..Default::default() };
    write::transaction_in(db, project.id, async |tx| {
        let ch = write::update::<milestone::Entity, _>(tx, actor, project.id, id, version, am, "update").await?;
        if done && ch.before.status != "done" {
            super::hooks::emit(tx, project.id, super::hooks::milestone_done(&ch.after)).await?;
        }
        Ok(())
    })
    .await
}

/// The calendar-day form as typed.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct NewDay {
    pub day: String,
    pub kind: String,
    pub name: String,
}

/// Add a holiday or a make-up working day; the schedule follows.
pub async fn add_day(db: &Db, actor: Actor, project_id: i32, f: &NewDay) -> Result<()> {
    let mut e = FieldErrors::default();
    let day = parse_date(&mut e, "day", &f.day, true);
    if !["holiday", "workday"].contains(&f.kind.as_str()) {
        e.add("kind", "err.choose_from_list");
    }
    e.check()?;
    let days = [(day.unwrap_or_default(), f.kind.clone(), f.name.trim().chars().take(200).collect())];
    write::transaction_in(db, project_id, async |tx| {
        insert_days(tx, actor, project_id, &days).await?;
        reschedule(tx, actor, project_id).await
    })
    .await
}

/// Store days off and make-up days; a day already in the calendar is replaced.
async fn insert_days<C: ConnectionTrait>(
    c: &C,
    actor: Actor,
    project_id: i32,
    days: &[(NaiveDate, String, String)],
) -> Result<usize> {
    for (day, kind, name) in days {
        let existing = calendar_day::Entity::find()
            .filter(calendar_day::Column::ProjectId.eq(project_id))
            .filter(calendar_day::Column::Day.eq(*day))
            .one(c)
            .await?;
        if let Some(x) = existing {
            write::delete::<calendar_day::Entity, _>(c, actor, project_id, x.id, None).await?;
        }
        let am = calendar_day::ActiveModel {
            project_id: Set(project_id),
            day: Set(*day),
            kind: Set(kind.clone()),
            name: Set(name.clone()),
            ..Default::default()
        };
        write::insert::<calendar_day::Entity, _>(c, actor, project_id, am, "create").await?;
    }
    Ok(days.len())
}

pub async fn remove_day(db: &Db, actor: Actor, project_id: i32, id: i32) -> Result<()> {
    remove_and_reschedule::<calendar_day::Entity>(db, actor, project_id, id).await
}

/// Import holidays and make-up days from an iCalendar file; all or nothing.
pub async fn import_ics(
    db: &Db,
    actor: Actor,
    project_id: i32,
    text: &str,
) -> Result<std::result::Result<usize, Vec<usize>>> {
    let (cal, bad) = parse_ics_holidays(text);
    if !bad.is_empty() {
        return Ok(Err(bad));
    }
    let mut days: Vec<(NaiveDate, String, String)> =
        cal.holidays.iter().map(|d| (*d, "holiday".to_string(), "iCalendar".to_string())).collect();
    days.extend(cal.workdays.iter().map(|d| (*d, "workday".to_string(), "iCalendar".to_string())));
    if days.is_empty() {
        return Ok(Err(vec![1]));
    }
    write::transaction_in(db, project_id, async |tx| {
        let n = insert_days(tx, actor, project_id, &days).await?;
        reschedule(tx, actor, project_id).await?;
        Ok(Ok(n))
    })
    .await
}

// ---- Baselines ----

pub async fn baselines<C: ConnectionTrait>(c: &C, project_id: i32) -> Result<Vec<baseline::Model>> {
    Ok(baseline::Entity::find()
        .filter(baseline::Column::ProjectId.eq(project_id))
        .order_by_desc(baseline::Column::Id)
        .all(c)
        .await?)
}

/// Save the current dates of every phase, activity and milestone under a name.
pub async fn save_baseline(db: &Db, actor: Actor, project_id: i32, name: &str) -> Result<baseline::Model> {
    let mut e = FieldErrors::default();
    let name = required_text(&mut e, "name", name, 200);
    e.check()?;
    write::transaction_in(db, project_id, async |tx| save_baseline_in(tx, actor, project_id, &name).await).await
}

/// [`save_baseline`] inside the caller's transaction (an approved change request), with the
/// project's lock already taken; `name` is valid.
pub async fn save_baseline_in<C: ConnectionTrait>(
    tx: &C,
    actor: Actor,
    project_id: i32,
    name: &str,
) -> Result<baseline::Model> {
    let plan = load(tx, project_id).await?;
    let am = baseline::ActiveModel {
        project_id: Set(project_id),
        name: Set(name.to_string()),
        created_by: Set(actor.user_id),
        ..Default::default()
    };
    let b = write::insert::<baseline::Entity, _>(tx, actor, project_id, am, "create").await?;
    let mut rows: Vec<baseline_item::ActiveModel> = vec![];
    let mut push = |kind: &str, id: i32, start: NaiveDate, finish: NaiveDate| {
        rows.push(baseline_item::ActiveModel {
            baseline_id: Set(b.id),
            item_kind: Set(kind.into()),
            item_id: Set(id),
            start: Set(start),
            finish: Set(finish),
            ..Default::default()
        });
    };
    for p in &plan.phases {
        push("phase", p.id, p.planned_start, p.planned_finish);
    }
    for a in &plan.activities {
        push(ACTIVITY, a.id, a.planned_start, a.planned_finish);
    }
    for m in &plan.milestones {
        push(MILESTONE, m.id, m.due_date, m.due_date);
    }
    if !rows.is_empty() {
        baseline_item::Entity::insert_many(rows).exec_without_returning(tx).await?;
    }
    Ok(b)
}

/// Baseline dates by (kind, id).
pub async fn baseline_dates<C: ConnectionTrait>(
    c: &C,
    project_id: i32,
    baseline_id: i32,
) -> Result<HashMap<(String, i32), (NaiveDate, NaiveDate)>> {
    write::get::<baseline::Entity, _>(c, project_id, baseline_id).await?;
    let items = baseline_item::Entity::find().filter(baseline_item::Column::BaselineId.eq(baseline_id)).all(c).await?;
    Ok(items.into_iter().map(|i| ((i.item_kind, i.item_id), (i.start, i.finish))).collect())
}

// ---- Calendar feed (iCalendar) ----

pub async fn feeds<C: ConnectionTrait>(c: &C, project_id: i32) -> Result<Vec<calendar_feed::Model>> {
    Ok(calendar_feed::Entity::find()
        .filter(calendar_feed::Column::ProjectId.eq(project_id))
        .order_by_desc(calendar_feed::Column::Id)
        .all(c)
        .await?)
}

/// A secret feed URL token; shown once, stored hashed.
pub async fn create_feed(db: &Db, actor: Actor, project_id: i32) -> Result<String> {
    let token = sessions::random_token();
    let am = calendar_feed::ActiveModel {
        project_id: Set(project_id),
        token_hash: Set(sessions::hash_token(&token)),
        created_by: Set(actor.user_id),
        revoked_at: Set(None),
        ..Default::default()
    };
    write::transaction_in(db, project_id, async |tx| {
        write::insert::<calendar_feed::Entity, _>(tx, actor, project_id, am, "create").await
    })
    .await?;
    Ok(token)
}

/// Revoke a feed (a feed has no version: revoking twice is revoking once).
pub async fn revoke_feed(db: &Db, actor: Actor, project_id: i32, id: i32) -> Result<()> {
    write::transaction_in(db, project_id, async |tx| {
        let f = write::get::<calendar_feed::Entity, _>(tx, project_id, id).await?;
        if f.revoked_at.is_none() {
            let after = calendar_feed::Model { revoked_at: Some(now()), ..f.clone() };
            calendar_feed::Entity::update_many()
                .set(calendar_feed::ActiveModel { revoked_at: Set(after.revoked_at), ..Default::default() })
                .filter(calendar_feed::Column::Id.eq(id))
                .exec(tx)
                .await?;
            super::audit::record(
                tx,
                actor,
                Some(project_id),
                calendar_feed::Entity::KIND,
                id,
                "revoke",
                Some(&f),
                Some(&after),
            )
            .await?;
        }
        Ok(())
    })
    .await
}

/// The project whose live feed this token opens.
pub async fn feed_project<C: ConnectionTrait>(c: &C, token: &str) -> Result<Option<i32>> {
    let f = calendar_feed::Entity::find()
        .filter(calendar_feed::Column::TokenHash.eq(sessions::hash_token(token)))
        .one(c)
        .await?;
    Ok(f.filter(|f| f.revoked_at.is_none()).map(|f| f.project_id))
}

// ---- Microsoft Project XML ----

/// The schedule as MSPDI: phases as summary tasks, then their activities and milestones.
pub async fn export_mspdi<C: ConnectionTrait>(c: &C, project_id: i32) -> Result<String> {
    use crate::domain::mspdi::{MsLink, MsTask, export};
    let plan = load(c, project_id).await?;
    let computed = plan.compute().map_err(Error::Cycle)?;
    // First pass: outline order and UIDs (links may point forward).
    let mut outline: Vec<(Option<&phase::Model>, Option<usize>)> = vec![];
    for p in &plan.phases {
        outline.push((Some(p), None));
        let mut mine: Vec<usize> = (0..computed.items.len()).filter(|&i| computed.items[i].phase_id == p.id).collect();
        mine.sort_by_key(|&i| (computed.items[i].start, computed.items[i].kind == MILESTONE, computed.items[i].id));
        outline.extend(mine.into_iter().map(|i| (None, Some(i))));
    }
    let uid_of: HashMap<(&'static str, i32), i64> = outline
        .iter()
        .enumerate()
        .filter_map(|(n, (_, i))| i.map(|i| ((computed.items[i].kind, computed.items[i].id), n as i64 + 1)))
        .collect();
    let tasks = outline
        .iter()
        .enumerate()
        .map(|(n, row)| match row {
            (Some(p), _) => MsTask {
                uid: n as i64 + 1,
                name: format!("{} / {}", p.name_en, p.name_zh),
                outline_level: 1,
                summary: true,
                milestone: false,
                start: p.planned_start,
                finish: p.planned_finish,
                duration_days: plan
                    .calendar
                    .working_days_between(p.planned_start, p.planned_finish + Duration::days(1)),
                percent: 0,
                preds: vec![],
            },
            (None, i) => {
                let it = &computed.items[i.unwrap_or_default()];
                let preds = plan
                    .links
                    .iter()
                    .filter(|l| kind_of(&l.succ_kind) == it.kind && l.succ_id == it.id)
                    .filter_map(|l| {
                        Some(MsLink {
                            pred_uid: *uid_of.get(&(kind_of(&l.pred_kind), l.pred_id))?,
                            kind: LinkKind::parse(&l.kind).unwrap_or(LinkKind::FinishToStart).code(),
                            lag_days: i64::from(l.lag_days),
                        })
                    })
                    .collect();
                MsTask {
                    uid: n as i64 + 1,
                    name: format!("{} / {}", it.name_en, it.name_zh),
                    outline_level: 2,
                    summary: false,
                    milestone: it.kind == MILESTONE,
                    start: it.start,
                    finish: it.finish,
                    duration_days: it.duration,
                    percent: it.percent,
                    preds,
                }
            }
        })
        .collect::<Vec<_>>();
    Ok(export(&plan.project.name, plan.origin(), &tasks))
}

fn kind_of(k: &str) -> &'static str {
    if k == MILESTONE { MILESTONE } else { ACTIVITY }
}

/// The part of an exported name in `lang`: "English / 中文".
fn name_matches(file_name: &str, en: &str, zh: &str) -> bool {
    let n = file_name.trim();
    n == en || n == zh || n == format!("{en} / {zh}")
}

/// Import an MSPDI file into the project: summary tasks map to phases (by name, else by
/// order), tasks to activities and milestones of that phase by name (new ones are added);
/// dates become start constraints, durations and progress are taken over, and the file's
/// links replace the project's. One transaction: a bad file or a cycle changes nothing.
pub async fn import_mspdi(
    db: &Db,
    actor: Actor,
    project_id: i32,
    xml: &str,
) -> Result<std::result::Result<usize, crate::domain::mspdi::Problems>> {
    let tasks = match crate::domain::mspdi::import(xml) {
        Ok(t) => t,
        Err(e) => return Ok(Err(e)),
    };
    write::transaction_in(db, project_id, async |tx| {
        let plan = load(tx, project_id).await?;
        let mut item_of_uid: HashMap<i64, (&'static str, i32)> = HashMap::new();
        let mut phase_idx: Option<usize> = None;
        let mut summaries_seen = 0usize;
        let mut changed = 0usize;
        for t in &tasks {
            if t.summary || t.outline_level <= 1 {
                phase_idx = plan
                    .phases
                    .iter()
                    .position(|p| name_matches(&t.name, &p.name_en, &p.name_zh))
                    .or((summaries_seen < plan.phases.len()).then_some(summaries_seen));
                summaries_seen += 1;
                continue;
            }
            let Some(ph) = phase_idx.and_then(|i| plan.phases.get(i)).or(plan.phases.last()) else { continue };
            let done = t.percent >= 100;
            let item = if t.milestone {
                let found = plan
                    .milestones
                    .iter()
                    .find(|m| m.phase_id == ph.id && name_matches(&t.name, &m.name_en, &m.name_zh));
                let id = match found {
                    Some(m) => {
                        let am = milestone::ActiveModel { not_before: Set(Some(t.start)), ..Default::default() };
                        write::update_loaded::<milestone::Entity, _>(
                            tx,
                            Some(actor),
                            project_id,
                            m.clone(),
                            m.version,
                            am,
                            "import",
                        )
                        .await?;
                        m.id
                    }
                    None => {
                        let am = new_milestone(project_id, ph.id, split_name(&t.name), t.start, Some(t.start), done);
                        write::insert::<milestone::Entity, _>(tx, actor, project_id, am, "create").await?.id
                    }
                };
                (MILESTONE, id)
            } else {
                let found = plan
                    .activities
                    .iter()
                    .find(|a| a.phase_id == ph.id && name_matches(&t.name, &a.name_en, &a.name_zh));
                let duration = t.duration_days.max(1) as i32;
                let id = match found {
                    Some(a) => {
                        let am = activity::ActiveModel {
                            not_before: Set(Some(t.start)),
                            duration_days: Set(duration),
                            percent_complete: Set(t.percent),
                            ..Default::default()
                        };
                        write::update_loaded::<activity::Entity, _>(
                            tx,
                            Some(actor),
                            project_id,
                            a.clone(),
                            a.version,
                            am,
                            "import",
                        )
                        .await?;
                        a.id
                    }
                    None => {
                        let seq =
                            plan.activities.iter().filter(|a| a.phase_id == ph.id).count() as i32 + 1 + changed as i32;
                        let am = activity::ActiveModel {
                            status: Set(if done { "done" } else { "open" }.into()),
                            duration_days: Set(duration),
                            percent_complete: Set(t.percent),
                            not_before: Set(Some(t.start)),
                            ..new_activity(
                                project_id,
                                ph.id,
                                seq,
                                split_name(&t.name),
                                "project_team",
                                (t.start, t.finish),
                            )
                        };
                        write::insert::<activity::Entity, _>(tx, actor, project_id, am, "create").await?.id
                    }
                };
                (ACTIVITY, id)
            };
            item_of_uid.insert(t.uid, item);
            changed += 1;
        }
        // The file's links replace the project's.
        for l in &plan.links {
            write::delete::<dependency::Entity, _>(tx, actor, project_id, l.id, None).await?;
        }
        for t in &tasks {
            let Some(&succ) = item_of_uid.get(&t.uid) else { continue };
            for l in &t.preds {
                let Some(&pred) = item_of_uid.get(&l.pred_uid) else { continue };
                let kind = LinkKind::parse(l.kind).unwrap_or(LinkKind::FinishToStart);
                insert_dependency(tx, actor, project_id, pred, succ, kind, l.lag_days as i32).await?;
            }
        }
        reschedule(tx, actor, project_id).await?;
        Ok(Ok(changed))
    })
    .await
}

/// "English / 中文" back into its two languages (one name serves both when not split).
fn split_name(n: &str) -> (String, String) {
    match n.split_once(" / ") {
        Some((en, zh)) => (en.trim().to_string(), zh.trim().to_string()),
        None => (n.trim().to_string(), n.trim().to_string()),
    }
}

/// What is due in the next two weeks or overdue and not finished, soonest first.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct Due {
    pub kind: &'static str,
    pub id: i32,
    pub name_en: String,
    pub name_zh: String,
    pub date: NaiveDate,
    pub overdue: bool,
}

pub async fn upcoming<C: ConnectionTrait>(c: &C, project_id: i32, today: NaiveDate) -> Result<Vec<Due>> {
    let horizon = today + Duration::days(14);
    // A phase that passed its gate has nothing left due: its open items are moot.
    let closed: Vec<i32> = super::projects::phases(c, project_id)
        .await?
        .into_iter()
        .filter(|p| p.status == "closed")
        .map(|p| p.id)
        .collect();
    let ms = milestone::Entity::find()
        .filter(milestone::Column::ProjectId.eq(project_id))
        .filter(milestone::Column::Status.ne("done"))
        .filter(milestone::Column::DueDate.lte(horizon))
        .filter(milestone::Column::PhaseId.is_not_in(closed.clone()))
        .all(c)
        .await?;
    let acts = activity::Entity::find()
        .filter(activity::Column::ProjectId.eq(project_id))
        .filter(activity::Column::Status.ne("done"))
        .filter(activity::Column::PlannedFinish.lte(horizon))
        .filter(activity::Column::PhaseId.is_not_in(closed))
        .all(c)
        .await?;
    let mut out: Vec<Due> = ms
        .into_iter()
        .map(|m| Due {
            kind: MILESTONE,
            id: m.id,
            overdue: m.due_date < today,
            date: m.due_date,
            name_en: m.name_en,
            name_zh: m.name_zh,
        })
        .chain(acts.into_iter().map(|a| Due {
            kind: ACTIVITY,
            id: a.id,
            overdue: a.planned_finish < today,
            date: a.planned_finish,
            name_en: a.name_en,
            name_zh: a.name_zh,
        }))
        .collect();
    out.sort_by_key(|d| (d.date, d.kind, d.id));
    Ok(out)
}
