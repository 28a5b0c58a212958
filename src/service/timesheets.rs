//! Weekly timesheets: one person's hours per activity per day, at most 24 a day and only on
//! open work (a closed phase is refused by the field), submitted by the person, approved by
//! the director or a delegate the director named (never one's own hours as a delegate);
//! approved hours are locked.
use super::{Actor, Error, Result, write};
use crate::domain::effort::{self, MAX_DAY_X100};
use crate::domain::validation::FieldErrors;
use crate::entity::{activity, assignment, phase, project, time_entry, user};
use crate::i18n::Lang;
use chrono::{Duration, NaiveDate};
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};
use serde::Serialize;
use std::collections::{HashMap, HashSet};

/// The form field of one cell: `h_{activity}_{day}`.
pub fn cell_field(activity: i32, day: NaiveDate) -> String {
    format!("h_{activity}_{day}")
}

#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
#[schema(as = TimesheetsCell)]
pub struct Cell {
    pub field: String,
    pub day: NaiveDate,
    pub hours: String,
    pub status: Option<String>,
    pub locked: bool,
}

#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
#[schema(as = TimesheetsWeekRow)]
pub struct WeekRow {
    pub activity_id: i32,
    pub name: String,
    pub phase: String,
    /// False when the activity's phase is closed: no new hours.
    pub open: bool,
    pub cells: Vec<Cell>,
    pub total: String,
}

/// The weekly grid of one person: the page, its JSON and the approval share it.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct Week {
    pub user_id: i32,
    pub user_name: String,
    pub monday: NaiveDate,
    pub prev: NaiveDate,
    pub next: NaiveDate,
    pub days: Vec<NaiveDate>,
    pub rows: Vec<WeekRow>,
    pub day_totals: Vec<String>,
    pub total: String,
    pub drafts: usize,
    pub submitted: usize,
    pub approved: usize,
}

async fn entries_of_week<C: ConnectionTrait>(
    c: &C,
    project_id: i32,
    user_id: i32,
    monday: NaiveDate,
) -> Result<Vec<time_entry::Model>> {
    Ok(time_entry::Entity::find()
        .filter(time_entry::Column::ProjectId.eq(project_id))
        .filter(time_entry::Column::UserId.eq(user_id))
        .filter(time_entry::Column::Day.gte(monday))
        .filter(time_entry::Column::Day.lte(monday + Duration::days(6)))
        .order_by_asc(time_entry::Column::Id)
        .all(c)
        .await?)
}

/// The week (from its Monday) of `user_id` in project `p`: the activities assigned to the
/// person and any they booked that week; without assignments, every activity not done.
pub async fn week<C: ConnectionTrait>(
    c: &C,
    p: &project::Model,
    user_id: i32,
    day: NaiveDate,
    lang: Lang,
) -> Result<Week> {
    let monday = effort::week_start(day);
    let days: Vec<NaiveDate> = (0..7).map(|i| monday + Duration::days(i)).collect();
    let entries = entries_of_week(c, p.id, user_id, monday).await?;
    let phases: HashMap<i32, phase::Model> = phase::Entity::find()
        .filter(phase::Column::ProjectId.eq(p.id))
        .all(c)
        .await?
        .into_iter()
        .map(|ph| (ph.id, ph))
        .collect();
    let assigned: HashSet<i32> = assignment::Entity::find()
        .filter(assignment::Column::ProjectId.eq(p.id))
        .filter(assignment::Column::UserId.eq(user_id))
        .filter(assignment::Column::ItemKind.eq("activity"))
        .all(c)
        .await?
        .into_iter()
        .map(|a| a.item_id)
        .collect();
    let booked: HashSet<i32> = entries.iter().map(|e| e.activity_id).collect();
    let acts = activity::Entity::find()
        .filter(activity::Column::ProjectId.eq(p.id))
        .order_by_asc(activity::Column::PhaseId)
        .order_by_asc(activity::Column::Seq)
        .all(c)
        .await?;
    let zh = lang == Lang::Zh;
    let by_cell: HashMap<(i32, NaiveDate), &time_entry::Model> =
        entries.iter().map(|e| ((e.activity_id, e.day), e)).collect();
    let mut day_totals = vec![0i32; 7];
    let rows: Vec<WeekRow> = acts
        .iter()
        .filter(|a| {
            booked.contains(&a.id)
                || if assigned.is_empty() {
                    a.status != "done" && phases.get(&a.phase_id).is_some_and(|ph| ph.status != "closed")
                } else {
                    assigned.contains(&a.id)
                }
        })
        .map(|a| {
            let ph = phases.get(&a.phase_id);
            let mut total = 0;
            let cells = days
                .iter()
                .enumerate()
                .map(|(i, d)| {
                    let e = by_cell.get(&(a.id, *d));
                    let h = e.map_or(0, |e| e.hours_x100);
                    total += h;
                    day_totals[i] += h;
                    Cell {
                        field: cell_field(a.id, *d),
                        day: *d,
                        hours: if h == 0 { String::new() } else { effort::hours_text(h) },
                        status: e.map(|e| e.status.clone()),
                        locked: e.is_some_and(|e| e.status == "approved"),
                    }
                })
                .collect();
            WeekRow {
                activity_id: a.id,
                name: if zh { a.name_zh.clone() } else { a.name_en.clone() },
                phase: ph.map(|ph| if zh { ph.name_zh.clone() } else { ph.name_en.clone() }).unwrap_or_default(),
                open: ph.is_some_and(|ph| ph.status != "closed"),
                cells,
                total: effort::hours_text(total),
            }
        })
        .collect();
    let name = user::Entity::find_by_id(user_id).one(c).await?.map(|u| u.name).unwrap_or_default();
    let count = |s: &str| entries.iter().filter(|e| e.status == s).count();
    Ok(Week {
        user_id,
        user_name: name,
        monday,
        prev: monday - Duration::days(7),
        next: monday + Duration::days(7),
        total: effort::hours_text(day_totals.iter().sum()),
        day_totals: day_totals.into_iter().map(effort::hours_text).collect(),
        days,
        rows,
        drafts: count("draft"),
        submitted: count("submitted"),
        approved: count("approved"),
    })
}

/// Save the week of `actor` (only one's own hours): the cells sent as `h_{activity}_{day}`.
/// Refused by the field, with nothing written: hours that do not parse or exceed 24 a day
/// (per cell, and the day's total over all the person's activities, `day_{date}`), new or
/// changed hours on an activity of a closed phase, and changes to approved (locked) hours.
/// A changed submitted entry goes back to draft.
pub async fn save_week(
    db: &crate::db::Db,
    actor: Actor,
    p: &project::Model,
    monday: NaiveDate,
    cells: &[(String, String)],
) -> Result<usize> {
    let monday = effort::week_start(monday);
    let sunday = monday + Duration::days(6);
    write::transaction_in(db, p.id, async |tx| {
        let acts: HashMap<i32, activity::Model> = activity::Entity::find()
            .filter(activity::Column::ProjectId.eq(p.id))
            .all(tx)
            .await?
            .into_iter()
            .map(|a| (a.id, a))
            .collect();
        let closed: HashSet<i32> = phase::Entity::find()
            .filter(phase::Column::ProjectId.eq(p.id))
            .filter(phase::Column::Status.eq("closed"))
            .all(tx)
            .await?
            .into_iter()
            .map(|ph| ph.id)
            .collect();
        let existing = entries_of_week(tx, p.id, actor.user_id, monday).await?;
        let mut e = FieldErrors::default();
        let mut wanted: HashMap<(i32, NaiveDate), i32> = HashMap::new();
        for (k, v) in cells {
            let Some(rest) = k.strip_prefix("h_") else { continue };
            let parsed =
                rest.split_once('_').and_then(|(a, d)| Some((a.parse::<i32>().ok()?, d.parse::<NaiveDate>().ok()?)));
            let Some((aid, day)) = parsed.filter(|(a, d)| acts.contains_key(a) && *d >= monday && *d <= sunday) else {
                e.add(k, "err.choose_from_list");
                continue;
            };
            match effort::parse_hours(v) {
                Ok(h) => {
                    wanted.insert((aid, day), h);
                }
                Err(m) => e.add(k, m),
            }
        }
        // What changes, checked against locks and closed phases.
        let mut changes = vec![];
        for (&(aid, day), &h) in &wanted {
            let old = existing.iter().find(|x| x.activity_id == aid && x.day == day);
            if old.map_or(0, |o| o.hours_x100) == h {
                continue;
            }
            let field = cell_field(aid, day);
            if old.is_some_and(|o| o.status == "approved") {
                e.add(&field, "budget.err.locked");
                continue;
            }
            if h > 0 && acts.get(&aid).is_some_and(|a| closed.contains(&a.phase_id)) {
                e.add(&field, "budget.err.closed_phase");
                continue;
            }
            changes.push((aid, day, h, old.cloned()));
        }
        // Day totals after the change, over all the person's activities.
        for i in 0..7 {
            let day = monday + Duration::days(i);
            let total: i32 = existing
                .iter()
                .filter(|x| x.day == day)
                .map(|x| wanted.get(&(x.activity_id, day)).copied().unwrap_or(x.hours_x100))
                .sum::<i32>()
                + wanted
                    .iter()
                    .filter(|((a, d), _)| *d == day && !existing.iter().any(|x| x.activity_id == *a && x.day == day))
                    .map(|(_, h)| *h)
                    .sum::<i32>();
            if total > MAX_DAY_X100 {
                e.add(&format!("day_{day}"), "budget.err.hours_day");
            }
        }
        e.check()?;
        let n = changes.len();
        for (aid, day, h, old) in changes {
            match old {
                Some(o) if h == 0 => {
                    write::delete::<time_entry::Entity, _>(tx, actor, p.id, o.id, Some(o.version)).await?;
                }
                Some(o) => {
                    let am = time_entry::ActiveModel {
                        hours_x100: Set(h),
                        status: Set("draft".into()),
                        ..Default::default()
                    };
                    write::update::<time_entry::Entity, _>(tx, actor, p.id, o.id, o.version, am, "update").await?;
                }
                None => {
                    let am = time_entry::ActiveModel {
                        project_id: Set(p.id),
                        user_id: Set(actor.user_id),
                        activity_id: Set(aid),
                        day: Set(day),
                        hours_x100: Set(h),
                        status: Set("draft".into()),
                        approved_by: Set(None),
                        ..Default::default()
                    };
                    write::insert::<time_entry::Entity, _>(tx, actor, p.id, am, "create").await?;
                }
            }
        }
        Ok(n)
    })
    .await
}

/// Move the week's entries of `user_id` from `from` to `to` (submit: the person's drafts;
/// approve: the submitted hours, by the director; return: submitted back to draft).
#[allow(clippy::too_many_arguments)]
async fn transition(
    db: &crate::db::Db,
    actor: Actor,
    project_id: i32,
    user_id: i32,
    monday: NaiveDate,
    from: &str,
    to: &str,
    action: &str,
) -> Result<usize> {
    let monday = effort::week_start(monday);
    write::transaction_in(db, project_id, async |tx| {
        let rows: Vec<_> =
            entries_of_week(tx, project_id, user_id, monday).await?.into_iter().filter(|e| e.status == from).collect();
        if rows.is_empty() {
            return Err(Error::Rule("budget.err.nothing_to_do"));
        }
        for r in &rows {
            let am = time_entry::ActiveModel {
                status: Set(to.into()),
                approved_by: Set((to == "approved").then_some(actor.user_id)),
                ..Default::default()
            };
            write::update::<time_entry::Entity, _>(tx, actor, project_id, r.id, r.version, am, action).await?;
        }
        Ok(rows.len())
    })
    .await
}

/// Submit one's own week for approval.
pub async fn submit(db: &crate::db::Db, actor: Actor, project_id: i32, monday: NaiveDate) -> Result<usize> {
    transition(db, actor, project_id, actor.user_id, monday, "draft", "submitted", "submit").await
}

/// Approve a person's submitted week (the caller checked the director's right).
pub async fn approve(
    db: &crate::db::Db,
    actor: Actor,
    project_id: i32,
    user_id: i32,
    monday: NaiveDate,
) -> Result<usize> {
    transition(db, actor, project_id, user_id, monday, "submitted", "approved", "approve").await
}

/// Return a person's submitted week to them as draft.
pub async fn reject(
    db: &crate::db::Db,
    actor: Actor,
    project_id: i32,
    user_id: i32,
    monday: NaiveDate,
) -> Result<usize> {
    transition(db, actor, project_id, user_id, monday, "submitted", "draft", "return").await
}

/// Weeks waiting for approval in a project: (person, Monday, hours).
#[derive(Clone, Debug, Serialize)]
pub struct Pending {
    pub user_id: i32,
    pub user_name: String,
    pub monday: NaiveDate,
    pub hours: String,
}

pub async fn pending<C: ConnectionTrait>(c: &C, project_ids: &[i32]) -> Result<Vec<(i32, Pending)>> {
    let rows = time_entry::Entity::find()
        .filter(time_entry::Column::ProjectId.is_in(project_ids.to_vec()))
        .filter(time_entry::Column::Status.eq("submitted"))
        .all(c)
        .await?;
    let mut sums: std::collections::BTreeMap<(i32, NaiveDate, i32), i32> = Default::default();
    for r in &rows {
        *sums.entry((r.project_id, effort::week_start(r.day), r.user_id)).or_default() += r.hours_x100;
    }
    let names = super::user_names(c, rows.iter().map(|r| r.user_id)).await?;
    Ok(sums
        .into_iter()
        .map(|((pid, monday, uid), h)| {
            (
                pid,
                Pending {
                    user_id: uid,
                    user_name: names.get(&uid).cloned().unwrap_or_default(),
                    monday,
                    hours: effort::hours_text(h),
                },
            )
        })
        .collect())
}

/// The project's time entries as CSV (person, activity, day, hours, status), for the
/// timesheet export: the rows of the XLSX export (`cost_exports::time_rows`), one truth.
pub async fn csv<C: ConnectionTrait>(c: &C, p: &project::Model, lang: Lang) -> Result<String> {
    let rows = super::cost_exports::time_rows(c, p, lang).await?;
    let t = |k: &str| crate::i18n::t(lang, k);
    let mut out = format!(
        "{},{},{},{},{}\r\n",
        t("budget.person"),
        t("budget.activity"),
        t("budget.day"),
        t("budget.hours"),
        t("field.status")
    );
    for r in rows {
        out.push_str(&format!(
            "{},{},{},{},{}\r\n",
            csv_cell(&r.person),
            csv_cell(&r.activity),
            r.day,
            r.hours,
            r.status
        ));
    }
    Ok(out)
}

/// One CSV cell: quoted when needed, and a leading formula character neutralised.
pub fn csv_cell(s: &str) -> String {
    let s = if s.starts_with(['=', '+', '-', '@']) { format!("'{s}") } else { s.to_string() };
    if s.contains([',', '"', '\n', '\r']) { format!("\"{}\"", s.replace('"', "\"\"")) } else { s }
}

/// A timesheet approver the director delegated (the assignment, to remove it).
#[derive(Clone, Debug, Serialize)]
pub struct Delegate {
    pub id: i32,
    pub version: i32,
    pub user_id: i32,
    pub name: String,
}

/// Who approves the project's timesheets: its directors and the delegates they named, and
/// the members who may still be named (not viewers, not directors, not named yet).
#[derive(Clone, Debug, Serialize)]
pub struct Approvers {
    pub directors: Vec<String>,
    pub delegates: Vec<Delegate>,
    pub choices: Vec<super::projects::MemberRow>,
}

pub async fn approvers<C: ConnectionTrait>(c: &C, p: &project::Model) -> Result<Approvers> {
    let members = super::projects::members(c, p.id).await?;
    let named = super::my_work::delegates(c, p.id).await?;
    let name_of = |u: i32| members.iter().find(|m| m.user_id == u).map(|m| m.name.clone()).unwrap_or_default();
    Ok(Approvers {
        directors: members.iter().filter(|m| m.role == "director").map(|m| m.name.clone()).collect(),
        delegates: named
            .iter()
            .map(|a| Delegate { id: a.id, version: a.version, user_id: a.user_id, name: name_of(a.user_id) })
            .collect(),
        choices: members
            .into_iter()
            .filter(|m| m.role != "viewer" && m.role != "director" && !named.iter().any(|a| a.user_id == m.user_id))
            .collect(),
    })
}
