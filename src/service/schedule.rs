//! The schedule: activities and milestones linked by dependencies, scheduled by the critical
//! path method on the project's working-day calendar. Any change that can move dates ends
//! with `reschedule`, in the same transaction, so stored dates are always the computed ones.
use super::{Actor, Error, Result, audit, now, sessions, update_guarded};
use crate::db::Db;
use crate::domain::calendar::{WorkCalendar, parse_ics_holidays};
use crate::domain::cpm::{self, Link, LinkKind, ScheduleError, Slot, Task};
use crate::domain::validation::{FieldErrors, required_text};
use crate::entity::{
    activity, baseline, baseline_item, calendar_day, calendar_feed, deliverable, dependency, milestone, phase, project,
};
use chrono::{Duration, NaiveDate};
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};
use serde::Serialize;
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

/// One scheduled row: an activity or a milestone with its computed dates and float.
#[derive(Clone, Debug, Serialize)]
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

    fn idx(&self, d: NaiveDate) -> i64 {
        let origin = self.origin();
        if d <= origin { 0 } else { self.calendar.working_days_between(origin, d) }
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
        for a in &self.activities {
            index.insert((ACTIVITY, a.id), tasks.len());
            tasks.push(Task {
                duration: self.duration_of(a),
                not_before: self.idx(a.not_before.unwrap_or(a.planned_start)),
            });
        }
        for m in &self.milestones {
            index.insert((MILESTONE, m.id), tasks.len());
            // A milestone falls at the end of its day (or of the last working day before a day
            // off): its index counts the working days up to and including that day.
            let d = m.not_before.unwrap_or(m.due_date);
            tasks.push(Task { duration: 0, not_before: self.idx(d + Duration::days(1)) });
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

/// Recompute the schedule and store every date that moved (activities, milestones, phase
/// windows, deliverable due dates), audited. Part of the caller's transaction.
pub async fn reschedule<C: ConnectionTrait>(c: &C, actor: Actor, project_id: i32) -> Result<()> {
    reschedule_as(c, Some(actor), project_id).await
}

/// As `reschedule`; without an actor the moves are not audited one by one (a new project's
/// first schedule is part of its creation, which is audited as a whole).
pub async fn reschedule_as<C: ConnectionTrait>(c: &C, actor: Option<Actor>, project_id: i32) -> Result<()> {
    let plan = load(c, project_id).await?;
    let computed = plan.compute().map_err(Error::Cycle)?;
    let t0 = now();
    for a in &plan.activities {
        let it = &computed.items[computed.index[&(ACTIVITY, a.id)]];
        let duration = plan.duration_of(a) as i32;
        if a.planned_start != it.start || a.planned_finish != it.finish || a.duration_days != duration {
            let am = activity::ActiveModel {
                planned_start: Set(it.start),
                planned_finish: Set(it.finish),
                duration_days: Set(duration),
                version: Set(a.version + 1),
                updated_at: Set(t0),
                ..Default::default()
            };
            update_guarded::<activity::Entity, _>(c, am, a.id, a.version).await?;
            let after = activity::Model {
                planned_start: it.start,
                planned_finish: it.finish,
                duration_days: duration,
                version: a.version + 1,
                ..a.clone()
            };
            if let Some(actor) = actor {
                audit::record(c, actor, Some(project_id), "activity", a.id, "reschedule", Some(a), Some(&after))
                    .await?;
            }
        }
    }
    for m in &plan.milestones {
        let it = &computed.items[computed.index[&(MILESTONE, m.id)]];
        if m.due_date != it.start {
            let am = milestone::ActiveModel {
                due_date: Set(it.start),
                version: Set(m.version + 1),
                updated_at: Set(t0),
                ..Default::default()
            };
            update_guarded::<milestone::Entity, _>(c, am, m.id, m.version).await?;
            let after = milestone::Model { due_date: it.start, version: m.version + 1, ..m.clone() };
            if let Some(actor) = actor {
                audit::record(c, actor, Some(project_id), "milestone", m.id, "reschedule", Some(m), Some(&after))
                    .await?;
            }
        }
    }
    // Phase windows follow their work; deliverables are due when their phase ends.
    for p in &plan.phases {
        let mine = computed.items.iter().filter(|i| i.phase_id == p.id);
        let (Some(start), Some(finish)) = (mine.clone().map(|i| i.start).min(), mine.map(|i| i.finish).max()) else {
            continue;
        };
        if p.planned_start != start || p.planned_finish != finish {
            let am = phase::ActiveModel {
                planned_start: Set(start),
                planned_finish: Set(finish),
                version: Set(p.version + 1),
                updated_at: Set(t0),
                ..Default::default()
            };
            update_guarded::<phase::Entity, _>(c, am, p.id, p.version).await?;
            let after =
                phase::Model { planned_start: start, planned_finish: finish, version: p.version + 1, ..p.clone() };
            if let Some(actor) = actor {
                audit::record(c, actor, Some(project_id), "phase", p.id, "reschedule", Some(p), Some(&after)).await?;
            }
            deliverable::Entity::update_many()
                .set(deliverable::ActiveModel { due_date: Set(finish), ..Default::default() })
                .filter(deliverable::Column::PhaseId.eq(p.id))
                .exec(c)
                .await?;
        }
    }
    Ok(())
}

/// The playbook's milestones of a new project, each at the end of its phase.
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
                project_id: Set(project_id),
                phase_id: Set(*phase_id),
                key: Set(Some(m.key.clone())),
                name_en: Set(m.name.en.clone()),
                name_zh: Set(m.name.zh.clone()),
                due_date: Set(*finish),
                not_before: Set(Some(*finish)),
                owner: Set(String::new()),
                status: Set("open".into()),
                completed_on: Set(None),
                version: Set(1),
                created_at: Set(t0),
                updated_at: Set(t0),
                ..Default::default()
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
#[derive(Clone, Debug, Default, Serialize)]
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
    let tx = db.write().await?;
    let before = activity::Entity::find_by_id(id)
        .filter(activity::Column::ProjectId.eq(project_id))
        .one(&*tx)
        .await?
        .ok_or(Error::NotFound)?;
    if before.version != version {
        return Err(Error::Conflict);
    }
    let percent = percent.unwrap_or(0);
    let am = activity::ActiveModel {
        not_before: Set(start),
        duration_days: Set(duration.unwrap_or(1)),
        percent_complete: Set(percent),
        actual_start: Set(actual_start),
        actual_finish: Set(actual_finish),
        status: Set(if percent >= 100 || actual_finish.is_some() { "done".into() } else { before.status.clone() }),
        version: Set(version + 1),
        updated_at: Set(now()),
        ..Default::default()
    };
    update_guarded::<activity::Entity, _>(&*tx, am, id, version).await?;
    let after = activity::Entity::find_by_id(id).one(&*tx).await?.ok_or(Error::NotFound)?;
    audit::record(&*tx, actor, Some(project_id), "activity", id, "update", Some(&before), Some(&after)).await?;
    reschedule(&*tx, actor, project_id).await?;
    tx.commit().await?;
    Ok(())
}

async fn exists<C: ConnectionTrait>(c: &C, project_id: i32, kind: &str, id: i32) -> Result<bool> {
    Ok(match kind {
        ACTIVITY => {
            activity::Entity::find_by_id(id).filter(activity::Column::ProjectId.eq(project_id)).one(c).await?.is_some()
        }
        MILESTONE => milestone::Entity::find_by_id(id)
            .filter(milestone::Column::ProjectId.eq(project_id))
            .one(c)
            .await?
            .is_some(),
        _ => false,
    })
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

/// Link two items. A link that would close a loop is refused, naming the loop.
pub async fn add_dependency(
    db: &Db,
    actor: Actor,
    project_id: i32,
    pred: &str,
    succ: &str,
    kind: &str,
    lag: &str,
) -> Result<()> {
    let mut e = FieldErrors::default();
    let p = parse_ref(pred);
    let s = parse_ref(succ);
    if p.is_none() {
        e.add("pred", "err.choose_from_list");
    }
    if s.is_none() {
        e.add("succ", "err.choose_from_list");
    }
    if p.is_some() && p == s {
        e.add("succ", "err.self_link");
    }
    let kind = LinkKind::parse(kind);
    if kind.is_none() {
        e.add("kind", "err.choose_from_list");
    }
    let lag = match lag.trim() {
        "" => Some(0),
        l => parse_int(&mut e, "lag", l, -365..=365),
    };
    e.check()?;
    let ((pk, pid), (sk, sid), kind) =
        (p.unwrap_or_default(), s.unwrap_or_default(), kind.unwrap_or(LinkKind::FinishToStart));
    let tx = db.write().await?;
    if !exists(&*tx, project_id, pk, pid).await? || !exists(&*tx, project_id, sk, sid).await? {
        return Err(FieldErrors::single("pred", "err.choose_from_list").into());
    }
    let duplicate = dependency::Entity::find()
        .filter(dependency::Column::ProjectId.eq(project_id))
        .filter(dependency::Column::PredKind.eq(pk))
        .filter(dependency::Column::PredId.eq(pid))
        .filter(dependency::Column::SuccKind.eq(sk))
        .filter(dependency::Column::SuccId.eq(sid))
        .one(&*tx)
        .await?;
    if duplicate.is_some() {
        return Err(FieldErrors::single("succ", "err.link_exists").into());
    }
    let t0 = now();
    let d = dependency::Entity::insert(dependency::ActiveModel {
        project_id: Set(project_id),
        pred_kind: Set(pk.into()),
        pred_id: Set(pid),
        succ_kind: Set(sk.into()),
        succ_id: Set(sid),
        kind: Set(kind.code().into()),
        lag_days: Set(lag.unwrap_or(0)),
        version: Set(1),
        created_at: Set(t0),
        updated_at: Set(t0),
        ..Default::default()
    })
    .exec_with_returning(&*tx)
    .await?;
    audit::record(&*tx, actor, Some(project_id), "dependency", d.id, "create", None::<&()>, Some(&d)).await?;
    // A cycle fails here and the transaction is dropped: nothing is written.
    reschedule(&*tx, actor, project_id).await?;
    tx.commit().await?;
    Ok(())
}

pub async fn remove_dependency(db: &Db, actor: Actor, project_id: i32, id: i32) -> Result<()> {
    let tx = db.write().await?;
    let d = dependency::Entity::find_by_id(id)
        .filter(dependency::Column::ProjectId.eq(project_id))
        .one(&*tx)
        .await?
        .ok_or(Error::NotFound)?;
    dependency::Entity::delete_by_id(id).exec(&*tx).await?;
    audit::record(&*tx, actor, Some(project_id), "dependency", id, "delete", Some(&d), None::<&()>).await?;
    reschedule(&*tx, actor, project_id).await?;
    tx.commit().await?;
    Ok(())
}

/// Add a milestone of the project's own to a phase.
pub async fn add_milestone(
    db: &Db,
    actor: Actor,
    project_id: i32,
    phase_seq: i32,
    name: &str,
    date: &str,
    owner: &str,
) -> Result<()> {
    let mut e = FieldErrors::default();
    let name = required_text(&mut e, "name", name, 300);
    let date = parse_date(&mut e, "date", date, true);
    let owner = owner.trim().chars().take(200).collect::<String>();
    e.check()?;
    let tx = db.write().await?;
    let ph = super::projects::phases(&*tx, project_id)
        .await?
        .into_iter()
        .find(|p| p.seq == phase_seq)
        .ok_or(Error::NotFound)?;
    let t0 = now();
    let m = milestone::Entity::insert(milestone::ActiveModel {
        project_id: Set(project_id),
        phase_id: Set(ph.id),
        key: Set(None),
        name_en: Set(name.clone()),
        name_zh: Set(name),
        due_date: Set(date.unwrap_or(ph.planned_finish)),
        not_before: Set(date),
        owner: Set(owner),
        status: Set("open".into()),
        completed_on: Set(None),
        version: Set(1),
        created_at: Set(t0),
        updated_at: Set(t0),
        ..Default::default()
    })
    .exec_with_returning(&*tx)
    .await?;
    audit::record(&*tx, actor, Some(project_id), "milestone", m.id, "create", None::<&()>, Some(&m)).await?;
    reschedule(&*tx, actor, project_id).await?;
    tx.commit().await?;
    Ok(())
}

/// Mark a milestone reached (or open again).
pub async fn set_milestone_done(
    db: &Db,
    actor: Actor,
    project_id: i32,
    id: i32,
    version: i32,
    done: bool,
    today: NaiveDate,
) -> Result<()> {
    let tx = db.write().await?;
    let before = milestone::Entity::find_by_id(id)
        .filter(milestone::Column::ProjectId.eq(project_id))
        .one(&*tx)
        .await?
        .ok_or(Error::NotFound)?;
    let (status, on) = if done { ("done", Some(today)) } else { ("open", None) };
    let am = milestone::ActiveModel {
        status: Set(status.into()),
        completed_on: Set(on),
        version: Set(version + 1),
        updated_at: Set(now()),
        ..Default::default()
    };
    update_guarded::<milestone::Entity, _>(&*tx, am, id, version).await?;
    let after = milestone::Model { status: status.into(), completed_on: on, version: version + 1, ..before.clone() };
    audit::record(&*tx, actor, Some(project_id), "milestone", id, "update", Some(&before), Some(&after)).await?;
    tx.commit().await?;
    Ok(())
}

/// Add a holiday or a make-up working day; the schedule follows.
pub async fn add_day(db: &Db, actor: Actor, project_id: i32, day: &str, kind: &str, name: &str) -> Result<()> {
    let mut e = FieldErrors::default();
    let day = parse_date(&mut e, "day", day, true);
    if !["holiday", "workday"].contains(&kind) {
        e.add("kind", "err.choose_from_list");
    }
    e.check()?;
    let tx = db.write().await?;
    insert_days(
        &*tx,
        actor,
        project_id,
        &[(day.unwrap_or_default(), kind.to_string(), name.trim().chars().take(200).collect())],
    )
    .await?;
    reschedule(&*tx, actor, project_id).await?;
    tx.commit().await?;
    Ok(())
}

async fn insert_days<C: ConnectionTrait>(
    c: &C,
    actor: Actor,
    project_id: i32,
    days: &[(NaiveDate, String, String)],
) -> Result<usize> {
    let mut n = 0;
    for (day, kind, name) in days {
        let existing = calendar_day::Entity::find()
            .filter(calendar_day::Column::ProjectId.eq(project_id))
            .filter(calendar_day::Column::Day.eq(*day))
            .one(c)
            .await?;
        if let Some(x) = existing {
            calendar_day::Entity::delete_by_id(x.id).exec(c).await?;
        }
        let d = calendar_day::Entity::insert(calendar_day::ActiveModel {
            project_id: Set(project_id),
            day: Set(*day),
            kind: Set(kind.clone()),
            name: Set(name.clone()),
            created_at: Set(now()),
            ..Default::default()
        })
        .exec_with_returning(c)
        .await?;
        audit::record(c, actor, Some(project_id), "calendar_day", d.id, "create", None::<&()>, Some(&d)).await?;
        n += 1;
    }
    Ok(n)
}

pub async fn remove_day(db: &Db, actor: Actor, project_id: i32, id: i32) -> Result<()> {
    let tx = db.write().await?;
    let d = calendar_day::Entity::find_by_id(id)
        .filter(calendar_day::Column::ProjectId.eq(project_id))
        .one(&*tx)
        .await?
        .ok_or(Error::NotFound)?;
    calendar_day::Entity::delete_by_id(id).exec(&*tx).await?;
    audit::record(&*tx, actor, Some(project_id), "calendar_day", id, "delete", Some(&d), None::<&()>).await?;
    reschedule(&*tx, actor, project_id).await?;
    tx.commit().await?;
    Ok(())
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
    let tx = db.write().await?;
    let n = insert_days(&*tx, actor, project_id, &days).await?;
    reschedule(&*tx, actor, project_id).await?;
    tx.commit().await?;
    Ok(Ok(n))
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
    let tx = db.write().await?;
    let plan = load(&*tx, project_id).await?;
    let b = baseline::Entity::insert(baseline::ActiveModel {
        project_id: Set(project_id),
        name: Set(name),
        created_by: Set(actor.user_id),
        created_at: Set(now()),
        ..Default::default()
    })
    .exec_with_returning(&*tx)
    .await?;
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
    baseline_item::Entity::insert_many(rows).exec_without_returning(&*tx).await?;
    audit::record(&*tx, actor, Some(project_id), "baseline", b.id, "create", None::<&()>, Some(&b)).await?;
    tx.commit().await?;
    Ok(b)
}

/// Baseline dates by (kind, id).
pub async fn baseline_dates<C: ConnectionTrait>(
    c: &C,
    project_id: i32,
    baseline_id: i32,
) -> Result<HashMap<(String, i32), (NaiveDate, NaiveDate)>> {
    baseline::Entity::find_by_id(baseline_id)
        .filter(baseline::Column::ProjectId.eq(project_id))
        .one(c)
        .await?
        .ok_or(Error::NotFound)?;
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
    let tx = db.write().await?;
    let f = calendar_feed::Entity::insert(calendar_feed::ActiveModel {
        project_id: Set(project_id),
        token_hash: Set(sessions::hash_token(&token)),
        created_by: Set(actor.user_id),
        created_at: Set(now()),
        revoked_at: Set(None),
        ..Default::default()
    })
    .exec_with_returning(&*tx)
    .await?;
    audit::record(&*tx, actor, Some(project_id), "calendar_feed", f.id, "create", None::<&()>, Some(&f)).await?;
    tx.commit().await?;
    Ok(token)
}

pub async fn revoke_feed(db: &Db, actor: Actor, project_id: i32, id: i32) -> Result<()> {
    let tx = db.write().await?;
    let f = calendar_feed::Entity::find_by_id(id)
        .filter(calendar_feed::Column::ProjectId.eq(project_id))
        .one(&*tx)
        .await?
        .ok_or(Error::NotFound)?;
    if f.revoked_at.is_none() {
        let at = now();
        calendar_feed::Entity::update_many()
            .set(calendar_feed::ActiveModel { revoked_at: Set(Some(at)), ..Default::default() })
            .filter(calendar_feed::Column::Id.eq(id))
            .exec(&*tx)
            .await?;
        audit::record(
            &*tx,
            actor,
            Some(project_id),
            "calendar_feed",
            id,
            "revoke",
            Some(&f),
            Some(&calendar_feed::Model { revoked_at: Some(at), ..f.clone() }),
        )
        .await?;
    }
    tx.commit().await?;
    Ok(())
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
) -> Result<std::result::Result<usize, String>> {
    let tasks = match crate::domain::mspdi::import(xml) {
        Ok(t) => t,
        Err(e) => return Ok(Err(e)),
    };
    let tx = db.write().await?;
    let plan = load(&*tx, project_id).await?;
    let t0 = now();
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
        if t.milestone {
            let found =
                plan.milestones.iter().find(|m| m.phase_id == ph.id && name_matches(&t.name, &m.name_en, &m.name_zh));
            let id = match found {
                Some(m) => {
                    milestone::Entity::update_many()
                        .set(milestone::ActiveModel {
                            not_before: Set(Some(t.start)),
                            version: Set(m.version + 1),
                            updated_at: Set(t0),
                            ..Default::default()
                        })
                        .filter(milestone::Column::Id.eq(m.id))
                        .exec(&*tx)
                        .await?;
                    m.id
                }
                None => {
                    let (en, zh) = split_name(&t.name);
                    let m = milestone::Entity::insert(milestone::ActiveModel {
                        project_id: Set(project_id),
                        phase_id: Set(ph.id),
                        key: Set(None),
                        name_en: Set(en),
                        name_zh: Set(zh),
                        due_date: Set(t.start),
                        not_before: Set(Some(t.start)),
                        owner: Set(String::new()),
                        status: Set(if t.percent >= 100 { "done".into() } else { "open".into() }),
                        completed_on: Set(None),
                        version: Set(1),
                        created_at: Set(t0),
                        updated_at: Set(t0),
                        ..Default::default()
                    })
                    .exec_with_returning(&*tx)
                    .await?;
                    audit::record(&*tx, actor, Some(project_id), "milestone", m.id, "create", None::<&()>, Some(&m))
                        .await?;
                    m.id
                }
            };
            item_of_uid.insert(t.uid, (MILESTONE, id));
        } else {
            let found =
                plan.activities.iter().find(|a| a.phase_id == ph.id && name_matches(&t.name, &a.name_en, &a.name_zh));
            let duration = t.duration_days.max(1) as i32;
            let id = match found {
                Some(a) => {
                    let am = activity::ActiveModel {
                        not_before: Set(Some(t.start)),
                        duration_days: Set(duration),
                        percent_complete: Set(t.percent),
                        version: Set(a.version + 1),
                        updated_at: Set(t0),
                        ..Default::default()
                    };
                    update_guarded::<activity::Entity, _>(&*tx, am, a.id, a.version).await?;
                    let after = activity::Model {
                        not_before: Some(t.start),
                        duration_days: duration,
                        percent_complete: t.percent,
                        version: a.version + 1,
                        ..a.clone()
                    };
                    audit::record(&*tx, actor, Some(project_id), "activity", a.id, "import", Some(a), Some(&after))
                        .await?;
                    a.id
                }
                None => {
                    let (en, zh) = split_name(&t.name);
                    let seq =
                        plan.activities.iter().filter(|a| a.phase_id == ph.id).count() as i32 + 1 + changed as i32;
                    let a = activity::Entity::insert(activity::ActiveModel {
                        project_id: Set(project_id),
                        phase_id: Set(ph.id),
                        seq: Set(seq),
                        key: Set(None),
                        name_en: Set(en),
                        name_zh: Set(zh),
                        tier: Set("project_team".into()),
                        planned_start: Set(t.start),
                        planned_finish: Set(t.finish),
                        status: Set(if t.percent >= 100 { "done".into() } else { "open".into() }),
                        duration_days: Set(duration),
                        percent_complete: Set(t.percent),
                        not_before: Set(Some(t.start)),
                        version: Set(1),
                        created_at: Set(t0),
                        updated_at: Set(t0),
                        ..Default::default()
                    })
                    .exec_with_returning(&*tx)
                    .await?;
                    audit::record(&*tx, actor, Some(project_id), "activity", a.id, "create", None::<&()>, Some(&a))
                        .await?;
                    a.id
                }
            };
            item_of_uid.insert(t.uid, (ACTIVITY, id));
        }
        changed += 1;
    }
    // The file's links replace the project's.
    for l in &plan.links {
        dependency::Entity::delete_by_id(l.id).exec(&*tx).await?;
        audit::record(&*tx, actor, Some(project_id), "dependency", l.id, "delete", Some(l), None::<&()>).await?;
    }
    for t in &tasks {
        let Some(&(sk, sid)) = item_of_uid.get(&t.uid) else { continue };
        for l in &t.preds {
            let Some(&(pk, pid)) = item_of_uid.get(&l.pred_uid) else { continue };
            let d = dependency::Entity::insert(dependency::ActiveModel {
                project_id: Set(project_id),
                pred_kind: Set(pk.into()),
                pred_id: Set(pid),
                succ_kind: Set(sk.into()),
                succ_id: Set(sid),
                kind: Set(l.kind.into()),
                lag_days: Set(l.lag_days as i32),
                version: Set(1),
                created_at: Set(t0),
                updated_at: Set(t0),
                ..Default::default()
            })
            .exec_with_returning(&*tx)
            .await?;
            audit::record(&*tx, actor, Some(project_id), "dependency", d.id, "create", None::<&()>, Some(&d)).await?;
        }
    }
    reschedule(&*tx, actor, project_id).await?;
    tx.commit().await?;
    Ok(Ok(changed))
}

/// "English / 中文" back into its two languages (one name serves both when not split).
fn split_name(n: &str) -> (String, String) {
    match n.split_once(" / ") {
        Some((en, zh)) => (en.trim().to_string(), zh.trim().to_string()),
        None => (n.trim().to_string(), n.trim().to_string()),
    }
}

/// What is due in the next two weeks or overdue and not finished, soonest first.
#[derive(Clone, Debug, Serialize)]
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
