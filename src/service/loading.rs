//! Resource loading (issue #15): per person per week, the planned hours of their activity
//! assignments against their capacity — the allocation % the project's organisation gives
//! them × the working hours of the project calendar's working days (holidays excluded) —
//! across every project they work on. The same person is matched across projects by user
//! account (a person linked to the user) or by e-mail. The person's page shows the weeks;
//! the organisation's findings name the people planned above capacity.
use super::{Result, clock};
use crate::domain::calendar::WorkCalendar;
use crate::domain::effort::{self, Capacity, Load, Planned};
use crate::domain::org_rules::{Finding, Severity};
use crate::entity::{activity, assignment, calendar_day, membership, person, project, project_member, user};
use chrono::NaiveDate;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use serde::Serialize;
use std::collections::HashMap;

/// Weeks the loading looks ahead, from the current week (a quarter).
pub const WEEKS: usize = 13;

/// A project the person works on, with the share of time its organisation gives them.
#[derive(Clone, Debug, Serialize)]
pub struct ProjectCol {
    pub id: i32,
    pub name: String,
    /// Allocation % (summed over the person's places in the tiers, at most 100); `None` when
    /// the project's organisation does not list the person.
    pub allocation: Option<i32>,
}

/// One project's cell of a week, as text.
#[derive(Clone, Debug, Serialize)]
pub struct Cell {
    pub planned: String,
    pub capacity: String,
    pub over: bool,
}

#[derive(Clone, Debug, Serialize)]
pub struct WeekRow {
    pub week: NaiveDate,
    pub planned: String,
    pub capacity: String,
    /// Planned as a percentage of capacity (`None` without capacity).
    pub percent: Option<i64>,
    pub over: bool,
    pub cells: Vec<Cell>,
    #[serde(skip)]
    pub load: Load,
}

/// A person's loading over [`WEEKS`] weeks from the week of `from`.
#[derive(Clone, Debug, Serialize)]
pub struct PersonLoad {
    pub user_id: i32,
    pub name: String,
    pub from: NaiveDate,
    pub hours_per_day: i32,
    pub projects: Vec<ProjectCol>,
    pub weeks: Vec<WeekRow>,
    pub over_weeks: usize,
}

/// `ids`, or a list that matches nothing when empty: an `IN` over an empty list would
/// read the table without its index on some databases' plans.
fn some(ids: Vec<i32>) -> Vec<i32> {
    if ids.is_empty() { vec![0] } else { ids }
}

fn norm(email: &str) -> String {
    email.trim().to_lowercase()
}

/// The loading of each of `user_ids` for [`WEEKS`] weeks from the week of `from`, in a
/// fixed number of queries whatever the number of people and projects.
pub async fn of_users<C: ConnectionTrait>(
    c: &C,
    user_ids: &[i32],
    from: NaiveDate,
) -> Result<HashMap<i32, PersonLoad>> {
    let ids = some(user_ids.to_vec());
    let users = user::Entity::find().filter(user::Column::Id.is_in(ids.clone())).all(c).await?;
    let assigned = assignment::Entity::find()
        .filter(assignment::Column::UserId.is_in(ids.clone()))
        .filter(assignment::Column::ItemKind.eq("activity"))
        .all(c)
        .await?;
    let acts: HashMap<i32, activity::Model> = activity::Entity::find()
        .filter(activity::Column::Id.is_in(some(assigned.iter().map(|a| a.item_id).collect())))
        .all(c)
        .await?
        .into_iter()
        .map(|a| (a.id, a))
        .collect();
    let memberships_of_users =
        project_member::Entity::find().filter(project_member::Column::UserId.is_in(ids)).all(c).await?;
    let mut pids: Vec<i32> = memberships_of_users.iter().map(|m| m.project_id).collect();
    pids.extend(assigned.iter().map(|a| a.project_id));
    pids.sort_unstable();
    pids.dedup();
    let pids = some(pids);
    let projects: Vec<project::Model> =
        project::Entity::find().filter(project::Column::Id.is_in(pids.clone())).all(c).await?;
    let people = person::Entity::find().filter(person::Column::ProjectId.is_in(pids.clone())).all(c).await?;
    let places = membership::Entity::find().filter(membership::Column::ProjectId.is_in(pids.clone())).all(c).await?;
    let days = calendar_day::Entity::find().filter(calendar_day::Column::ProjectId.is_in(pids)).all(c).await?;
    let mut calendars: HashMap<i32, WorkCalendar> = projects.iter().map(|p| (p.id, WorkCalendar::default())).collect();
    for d in days {
        if let Some(cal) = calendars.get_mut(&d.project_id) {
            if d.kind == "workday" {
                cal.workdays.insert(d.day);
            } else {
                cal.holidays.insert(d.day);
            }
        }
    }
    let mut out = HashMap::new();
    for u in &users {
        let email = norm(&u.email);
        // The projects the person works on: a membership or an assignment.
        let mut mine: Vec<&project::Model> = projects
            .iter()
            .filter(|p| {
                memberships_of_users.iter().any(|m| m.user_id == u.id && m.project_id == p.id)
                    || assigned.iter().any(|a| a.user_id == u.id && a.project_id == p.id)
            })
            .collect();
        mine.sort_by_key(|p| p.id);
        let cols: Vec<ProjectCol> = mine
            .iter()
            .map(|p| {
                let me: Vec<i32> = people
                    .iter()
                    .filter(|x| {
                        x.project_id == p.id
                            && (x.user_id == Some(u.id) || (!email.is_empty() && norm(&x.email) == email))
                    })
                    .map(|x| x.id)
                    .collect();
                let allocation = (!me.is_empty()).then(|| {
                    places
                        .iter()
                        .filter(|m| m.project_id == p.id && me.contains(&m.person_id))
                        .fold(0i32, |s, m| s.saturating_add(m.allocation))
                        .min(100)
                });
                ProjectCol { id: p.id, name: p.name.clone(), allocation }
            })
            .collect();
        let caps: Vec<Capacity> = cols
            .iter()
            .filter_map(|col| {
                Some(Capacity {
                    project: col.id,
                    allocation_pct: col.allocation.unwrap_or(0),
                    calendar: calendars.get(&col.id)?,
                })
            })
            .collect();
        let planned: Vec<Planned> = assigned
            .iter()
            .filter(|a| a.user_id == u.id && a.planned_hours_x100 > 0)
            .filter_map(|a| {
                let act = acts.get(&a.item_id).filter(|x| x.status != "done" && x.project_id == a.project_id)?;
                Some(Planned {
                    project: a.project_id,
                    hours_x100: a.planned_hours_x100,
                    start: act.planned_start,
                    finish: act.planned_finish,
                })
            })
            .collect();
        let loads = effort::loading(&planned, &caps, from, WEEKS);
        let weeks: Vec<WeekRow> = loads
            .into_iter()
            .map(|l| WeekRow {
                week: l.week,
                planned: hours(l.planned_x100),
                capacity: hours(l.capacity_x100),
                percent: (l.capacity_x100 > 0).then(|| l.planned_x100.saturating_mul(100) / l.capacity_x100),
                over: l.over,
                cells: l
                    .projects
                    .iter()
                    .map(|p| Cell { planned: hours(p.planned_x100), capacity: hours(p.capacity_x100), over: p.over })
                    .collect(),
                load: l,
            })
            .collect();
        out.insert(
            u.id,
            PersonLoad {
                user_id: u.id,
                name: u.name.clone(),
                from: effort::week_start(from),
                hours_per_day: effort::HOURS_PER_DAY,
                over_weeks: weeks.iter().filter(|w| w.over).count(),
                projects: cols,
                weeks,
            },
        );
    }
    Ok(out)
}

fn hours(x100: i64) -> String {
    effort::hours_text(i32::try_from(x100).unwrap_or(i32::MAX))
}

/// The user a person of project `p` is: the linked account, else the account with the same
/// e-mail. Reads the users table once for all the people.
pub async fn users_of_people<C: ConnectionTrait>(c: &C, people: &[person::Model]) -> Result<HashMap<i32, i32>> {
    let emails: Vec<String> = people.iter().map(|x| norm(&x.email)).filter(|e| !e.is_empty()).collect();
    let by_email: HashMap<String, i32> = user::Entity::find()
        .filter(user::Column::Email.is_in(if emails.is_empty() { vec![String::new()] } else { emails }))
        .all(c)
        .await?
        .into_iter()
        .map(|u| (norm(&u.email), u.id))
        .collect();
    Ok(people
        .iter()
        .filter_map(|x| Some((x.id, x.user_id.or_else(|| by_email.get(&norm(&x.email)).copied())?)))
        .collect())
}

/// The organisation's findings on loading: each person of project `p` planned above their
/// capacity in any of the coming weeks (in this project or across their projects).
pub async fn findings<C: ConnectionTrait>(c: &C, p: &project::Model, people: &[person::Model]) -> Result<Vec<Finding>> {
    let users = users_of_people(c, people).await?;
    let mut ids: Vec<i32> = users.values().copied().collect();
    ids.sort_unstable();
    ids.dedup();
    let loads = of_users(c, &ids, clock::today(p)).await?;
    Ok(people
        .iter()
        .filter_map(|x| {
            let l = loads.get(users.get(&x.id)?)?;
            (l.over_weeks > 0).then(|| Finding {
                rule: "over_loaded",
                severity: Severity::Warning,
                subject: x.name.clone(),
                unit_id: None,
                person_id: Some(x.id),
                membership_id: None,
                department: None,
                value: i32::try_from(l.over_weeks).ok(),
            })
        })
        .collect())
}

/// The loading of one person of project `p` (`None` when no user account is theirs), as
/// `viewer` may see it: the names of projects the viewer is not a member of are withheld
/// (their hours still count).
pub async fn of_person<C: ConnectionTrait>(
    c: &C,
    p: &project::Model,
    x: &person::Model,
    viewer: i32,
) -> Result<Option<PersonLoad>> {
    let users = users_of_people(c, std::slice::from_ref(x)).await?;
    let uid = users.get(&x.id).copied();
    let mut loads = of_users(c, &uid.into_iter().collect::<Vec<_>>(), clock::today(p)).await?;
    let visible: Vec<i32> = project_member::Entity::find()
        .filter(project_member::Column::UserId.eq(viewer))
        .all(c)
        .await?
        .into_iter()
        .map(|m| m.project_id)
        .collect();
    Ok(uid.and_then(|u| loads.remove(&u)).map(|mut l| {
        for col in &mut l.projects {
            if !visible.contains(&col.id) {
                col.name = String::new();
                col.id = 0;
            }
        }
        l
    }))
}
