//! Assignments (people of a project named on activities with planned hours, on deliverables,
//! review actions, defects and issues) and "My work": across all of a user's projects, what
//! is assigned to them or waits for their decision, overdue first, then due this week, then
//! later. A project's timesheet approvers beside the director (delegates) are assignments
//! too: kind [`APPROVER`], the project itself as the item.
use super::{Actor, Result, clock, write};
use crate::domain::effort;
use crate::domain::validation::FieldErrors;
use crate::entity::{
    activity, assignment, change_request, defect, deliverable, issue, project, project_member, review_action,
};
use crate::i18n::Lang;
use chrono::{Datelike, Duration, NaiveDate};
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

pub const KINDS: &[&str] = &["activity", "deliverable", "action", "defect", "issue"];

/// The assignment kind of a timesheet approver delegated by the director (item: the project).
pub const APPROVER: &str = "approver";

/// The assignment form as typed.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct RawAssignment {
    pub item_kind: String,
    pub item_id: String,
    pub user: String,
    pub planned_hours: String,
}

/// Planned hours: hundredths, at most two decimals, up to 100,000 hours.
pub fn parse_planned(raw: &str) -> std::result::Result<i32, &'static str> {
    let s = raw.trim();
    if s.is_empty() {
        return Ok(0);
    }
    // Reuse the timesheet parser on the whole and fractional parts.
    let (int, frac) = s.split_once(['.', ',']).unwrap_or((s, ""));
    let i: i32 = int.parse().ok().filter(|i| (0..=100_000).contains(i)).ok_or("budget.err.hours_format")?;
    let f = effort::parse_hours(&format!("0.{frac}")).map_err(|_| "budget.err.hours_format")?;
    Ok(i * 100 + f)
}

/// Name a person of the project on an activity, deliverable or review action (with planned
/// hours on activities). Naming the same person again changes the planned hours.
pub async fn assign(
    db: &crate::db::Db,
    actor: Actor,
    p: &project::Model,
    raw: &RawAssignment,
) -> Result<assignment::Model> {
    let mut e = FieldErrors::default();
    let kind = raw.item_kind.trim();
    if !KINDS.contains(&kind) {
        e.add("item_kind", "err.choose_from_list");
    }
    let item = raw.item_id.trim().parse::<i32>().ok();
    let user = raw.user.trim().parse::<i32>().ok();
    let planned = parse_planned(&raw.planned_hours).unwrap_or_else(|m| {
        e.add("planned_hours", m);
        0
    });
    // Planned effort is kept on activities (it loads the person's weeks); elsewhere none.
    let planned = if kind == "activity" { planned } else { 0 };
    let c = &db.conn;
    let exists = match (kind, item) {
        ("activity", Some(id)) => write::get::<activity::Entity, _>(c, p.id, id).await.is_ok(),
        ("deliverable", Some(id)) => write::get::<deliverable::Entity, _>(c, p.id, id).await.is_ok(),
        ("action", Some(id)) => write::get::<review_action::Entity, _>(c, p.id, id).await.is_ok(),
        ("defect", Some(id)) => write::get::<defect::Entity, _>(c, p.id, id).await.is_ok(),
        ("issue", Some(id)) => write::get::<issue::Entity, _>(c, p.id, id).await.is_ok(),
        _ => false,
    };
    if !exists {
        e.add("item_id", "err.choose_from_list");
    }
    let member = match user {
        Some(u) => project_member::Entity::find()
            .filter(project_member::Column::ProjectId.eq(p.id))
            .filter(project_member::Column::UserId.eq(u))
            .one(c)
            .await?
            .is_some(),
        None => false,
    };
    if !member {
        e.add("user", "err.choose_from_list");
    }
    e.check()?;
    let (item, user) = (item.unwrap_or_default(), user.unwrap_or_default());
    // The item's name for the assignee's notification (checked to exist above).
    let (title, title_zh) = match kind {
        "activity" => {
            let a = write::get::<activity::Entity, _>(c, p.id, item).await?;
            (a.name_en, a.name_zh)
        }
        "deliverable" => {
            let d = write::get::<deliverable::Entity, _>(c, p.id, item).await?;
            (d.name_en, d.name_zh)
        }
        "action" => {
            let t = write::get::<review_action::Entity, _>(c, p.id, item).await?.text;
            (t.clone(), t)
        }
        "defect" => {
            let t = write::get::<defect::Entity, _>(c, p.id, item).await?.title;
            (t.clone(), t)
        }
        _ => {
            let t = write::get::<issue::Entity, _>(c, p.id, item).await?.title;
            (t.clone(), t)
        }
    };
    write::transaction_in(db, p.id, async |tx| {
        let have = assignment::Entity::find()
            .filter(assignment::Column::ProjectId.eq(p.id))
            .filter(assignment::Column::ItemKind.eq(kind))
            .filter(assignment::Column::ItemId.eq(item))
            .filter(assignment::Column::UserId.eq(user))
            .one(tx)
            .await?;
        match have {
            Some(a) => {
                let am = assignment::ActiveModel { planned_hours_x100: Set(planned), ..Default::default() };
                Ok(write::update::<assignment::Entity, _>(tx, actor, p.id, a.id, a.version, am, "update").await?.after)
            }
            None => {
                let am = assignment::ActiveModel {
                    project_id: Set(p.id),
                    item_kind: Set(kind.into()),
                    item_id: Set(item),
                    user_id: Set(user),
                    planned_hours_x100: Set(planned),
                    ..Default::default()
                };
                let row = write::insert::<assignment::Entity, _>(tx, actor, p.id, am, "create").await?;
                // The assignee is told (not when assigning oneself), in the same transaction.
                let who = format!("u{user}");
                super::notify::assigned_user(tx, actor, p.id, kind, item, (&title, &title_zh), user, &who).await?;
                Ok(row)
            }
        }
    })
    .await
}

/// Remove an assignment (audited; a stale version is a conflict).
pub async fn unassign(db: &crate::db::Db, actor: Actor, p: &project::Model, id: i32, version: i32) -> Result<()> {
    write::transaction_in(db, p.id, async |tx| {
        write::delete::<assignment::Entity, _>(tx, actor, p.id, id, Some(version)).await?;
        Ok(())
    })
    .await
}

/// The project's timesheet approvers delegated by the director (user ids, in order named).
pub async fn delegates<C: ConnectionTrait>(c: &C, project_id: i32) -> Result<Vec<assignment::Model>> {
    use sea_orm::QueryOrder;
    Ok(assignment::Entity::find()
        .filter(assignment::Column::ProjectId.eq(project_id))
        .filter(assignment::Column::ItemKind.eq(APPROVER))
        .filter(assignment::Column::ItemId.eq(project_id))
        .order_by_asc(assignment::Column::Id)
        .all(c)
        .await?)
}

/// Whether `user_id` approves timesheets in the project as the director's delegate.
pub async fn is_delegate<C: ConnectionTrait>(c: &C, project_id: i32, user_id: i32) -> Result<bool> {
    Ok(assignment::Entity::find()
        .filter(assignment::Column::ProjectId.eq(project_id))
        .filter(assignment::Column::ItemKind.eq(APPROVER))
        .filter(assignment::Column::ItemId.eq(project_id))
        .filter(assignment::Column::UserId.eq(user_id))
        .one(c)
        .await?
        .is_some())
}

/// Name a member of the project (not a viewer, not the director) as a timesheet approver
/// beside the director. Naming someone twice changes nothing.
pub async fn add_delegate(
    db: &crate::db::Db,
    actor: Actor,
    p: &project::Model,
    raw_user: &str,
) -> Result<assignment::Model> {
    let user = raw_user.trim().parse::<i32>().ok();
    let member = match user {
        Some(u) => project_member::Entity::find()
            .filter(project_member::Column::ProjectId.eq(p.id))
            .filter(project_member::Column::UserId.eq(u))
            .one(&db.conn)
            .await?
            .filter(|m| m.role != "viewer" && m.role != "director"),
        None => None,
    };
    let Some(m) = member else {
        return Err(FieldErrors::single("delegate", "err.choose_from_list").into());
    };
    write::transaction_in(db, p.id, async |tx| {
        let have = assignment::Entity::find()
            .filter(assignment::Column::ProjectId.eq(p.id))
            .filter(assignment::Column::ItemKind.eq(APPROVER))
            .filter(assignment::Column::ItemId.eq(p.id))
            .filter(assignment::Column::UserId.eq(m.user_id))
            .one(tx)
            .await?;
        if let Some(a) = have {
            return Ok(a);
        }
        let am = assignment::ActiveModel {
            project_id: Set(p.id),
            item_kind: Set(APPROVER.into()),
            item_id: Set(p.id),
            user_id: Set(m.user_id),
            planned_hours_x100: Set(0),
            ..Default::default()
        };
        write::insert::<assignment::Entity, _>(tx, actor, p.id, am, "delegate").await
    })
    .await
}

/// When an item is due relative to its project's today.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Bucket {
    Overdue,
    ThisWeek,
    Later,
}

pub fn bucket(due: Option<NaiveDate>, today: NaiveDate) -> Bucket {
    let sunday = today + Duration::days(i64::from(6 - today.weekday().num_days_from_monday()));
    match due {
        Some(d) if d < today => Bucket::Overdue,
        Some(d) if d <= sunday => Bucket::ThisWeek,
        _ => Bucket::Later,
    }
}

#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
#[schema(as = MyWorkItem)]
pub struct Item {
    pub project_id: i32,
    pub project: String,
    /// `activity`, `deliverable`, `action`, `defect`, `issue` (assigned), `approve_time`,
    /// `review_deliverable`, `decide_change` (waiting for the user's decision).
    pub kind: String,
    pub title: String,
    pub due: Option<NaiveDate>,
    pub planned_hours: Option<String>,
    pub link: String,
    pub bucket: Bucket,
}

/// My work: overdue first, then this week, then later; within each, by due date.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct MyWork {
    pub overdue: Vec<Item>,
    pub this_week: Vec<Item>,
    pub later: Vec<Item>,
}

/// The assigned items of a user, read in one query per kind.
struct Items {
    acts: HashMap<i32, activity::Model>,
    dels: HashMap<i32, deliverable::Model>,
    actions: HashMap<i32, review_action::Model>,
    defects: HashMap<i32, defect::Model>,
    issues: HashMap<i32, issue::Model>,
}

/// An assigned item's title, due date and link while it is still open (`None` once done,
/// accepted, closed or rejected).
fn item_of(a: &assignment::Model, it: &Items, zh: bool) -> Option<(String, Option<NaiveDate>, String)> {
    let (acts, dels, actions) = (&it.acts, &it.dels, &it.actions);
    let p = a.project_id;
    match a.item_kind.as_str() {
        "defect" => it
            .defects
            .get(&a.item_id)
            .filter(|x| !["closed", "rejected"].contains(&x.status.as_str()))
            .map(|x| (x.title.clone(), x.target_date, format!("/projects/{p}/testing/defects/{}", x.id))),
        "issue" => it
            .issues
            .get(&a.item_id)
            .filter(|x| x.status == "open")
            .map(|x| (x.title.clone(), x.due_on, format!("/projects/{p}/issues/{}", x.id))),
        "activity" => acts.get(&a.item_id).filter(|x| x.status != "done").map(|x| {
            (
                if zh { x.name_zh.clone() } else { x.name_en.clone() },
                Some(x.planned_finish),
                format!("/projects/{p}/schedule"),
            )
        }),
        "deliverable" => dels.get(&a.item_id).filter(|x| x.status != "accepted").map(|x| {
            (
                if zh { x.name_zh.clone() } else { x.name_en.clone() },
                Some(x.due_date),
                format!("/projects/{p}/deliverables/{}", x.id),
            )
        }),
        "action" => actions
            .get(&a.item_id)
            .filter(|x| x.status != "done")
            .map(|x| (x.text.clone(), x.due_date, format!("/projects/{p}/reviews/{}", x.review_id))),
        _ => None,
    }
}

/// The user's work across all their projects, in a fixed number of queries.
pub async fn my_work<C: ConnectionTrait>(c: &C, user_id: i32, lang: Lang) -> Result<MyWork> {
    let zh = lang == Lang::Zh;
    let members = project_member::Entity::find().filter(project_member::Column::UserId.eq(user_id)).all(c).await?;
    let ids: Vec<i32> = members.iter().map(|m| m.project_id).collect();
    let projects: HashMap<i32, project::Model> = project::Entity::find()
        .filter(project::Column::Id.is_in(ids.clone()))
        .all(c)
        .await?
        .into_iter()
        .map(|p| (p.id, p))
        .collect();
    let mine = assignment::Entity::find()
        .filter(assignment::Column::UserId.eq(user_id))
        .filter(assignment::Column::ProjectId.is_in(ids.clone()))
        .all(c)
        .await?;
    let ids_of = |k: &str| mine.iter().filter(|a| a.item_kind == k).map(|a| a.item_id).collect::<Vec<_>>();
    let acts: HashMap<i32, activity::Model> = activity::Entity::find()
        .filter(activity::Column::Id.is_in(ids_of("activity")))
        .all(c)
        .await?
        .into_iter()
        .map(|x| (x.id, x))
        .collect();
    let steering: Vec<i32> = members.iter().filter(|m| m.role == "steering").map(|m| m.project_id).collect();
    let dels: HashMap<i32, deliverable::Model> = deliverable::Entity::find()
        .filter(deliverable::Column::Id.is_in(ids_of("deliverable")))
        .all(c)
        .await?
        .into_iter()
        .map(|x| (x.id, x))
        .collect();
    let to_review = deliverable::Entity::find()
        .filter(deliverable::Column::ProjectId.is_in(steering.clone()))
        .filter(deliverable::Column::Status.eq("submitted"))
        .all(c)
        .await?;
    // Change requests waiting for the steering committee's decision.
    let to_decide = change_request::Entity::find()
        .filter(change_request::Column::ProjectId.is_in(steering))
        .filter(change_request::Column::Status.is_in(["pending", "deferred"]))
        .all(c)
        .await?;
    let actions: HashMap<i32, review_action::Model> = review_action::Entity::find()
        .filter(review_action::Column::Id.is_in(ids_of("action")))
        .all(c)
        .await?
        .into_iter()
        .map(|x| (x.id, x))
        .collect();
    let defects: HashMap<i32, defect::Model> = defect::Entity::find()
        .filter(defect::Column::Id.is_in(ids_of("defect")))
        .all(c)
        .await?
        .into_iter()
        .map(|x| (x.id, x))
        .collect();
    let issues: HashMap<i32, issue::Model> = issue::Entity::find()
        .filter(issue::Column::Id.is_in(ids_of("issue")))
        .all(c)
        .await?
        .into_iter()
        .map(|x| (x.id, x))
        .collect();
    // Weeks to approve: where the user directs, and where the director delegated approval.
    let delegated = ids_of(APPROVER);
    let directing: Vec<i32> = members
        .iter()
        .filter(|m| m.role == "director" || delegated.contains(&m.project_id))
        .map(|m| m.project_id)
        .collect();
    let approvals = super::timesheets::pending(c, &directing).await?;

    let mut items = vec![];
    let mut push =
        |pid: i32, kind: &str, title: String, due: Option<NaiveDate>, planned: Option<String>, link: String| {
            let Some(p) = projects.get(&pid) else { return };
            items.push(Item {
                project_id: pid,
                project: p.name.clone(),
                kind: kind.into(),
                title,
                due,
                planned_hours: planned,
                link,
                bucket: bucket(due, clock::today(p)),
            });
        };
    let found = Items { acts, dels, actions, defects, issues };
    for a in &mine {
        if let Some((title, due, link)) = item_of(a, &found, zh) {
            let planned = (a.item_kind == "activity" && a.planned_hours_x100 > 0)
                .then(|| effort::hours_text(a.planned_hours_x100));
            push(a.project_id, &a.item_kind, title, due, planned, link);
        }
    }
    for d in to_review {
        let title = if zh { d.name_zh.clone() } else { d.name_en.clone() };
        push(
            d.project_id,
            "review_deliverable",
            title,
            Some(d.due_date),
            None,
            format!("/projects/{}/deliverables/{}", d.project_id, d.id),
        );
    }
    for x in to_decide {
        let link = format!("/projects/{}/changes/{}#decide", x.project_id, x.id);
        push(x.project_id, "decide_change", format!("CR-{} {}", x.id, x.title), None, None, link);
    }
    // A delegate does not approve their own hours (the director does).
    let director_of: Vec<i32> = members.iter().filter(|m| m.role == "director").map(|m| m.project_id).collect();
    for (pid, w) in approvals.into_iter().filter(|(pid, w)| w.user_id != user_id || director_of.contains(pid)) {
        let link = format!("/projects/{pid}/timesheet?user={}&week={}", w.user_id, w.monday);
        push(
            pid,
            "approve_time",
            format!("{} · {} ({} h)", w.user_name, w.monday, w.hours),
            Some(w.monday + Duration::days(6)),
            None,
            link,
        );
    }
    items.sort_by(|a, b| a.bucket.cmp(&b.bucket).then(a.due.cmp(&b.due)).then(a.title.cmp(&b.title)));
    let mut out = MyWork { overdue: vec![], this_week: vec![], later: vec![] };
    for i in items {
        match i.bucket {
            Bucket::Overdue => out.overdue.push(i),
            Bucket::ThisWeek => out.this_week.push(i),
            Bucket::Later => out.later.push(i),
        }
    }
    Ok(out)
}

/// One assignment as the Assignments page shows it.
#[derive(Clone, Debug, Serialize)]
pub struct AssignmentRow {
    pub assignment: assignment::Model,
    pub item: String,
    pub person: String,
    pub planned_hours: String,
}

/// A piece of work that can be assigned: kind, id and name.
#[derive(Clone, Debug, Serialize)]
pub struct Choice {
    pub kind: &'static str,
    pub id: i32,
    pub name: String,
}

/// The Assignments page: who is named on what, and what can be assigned.
#[derive(Clone, Debug, Serialize)]
pub struct Assignments {
    pub rows: Vec<AssignmentRow>,
    pub choices: Vec<Choice>,
}

pub async fn assignments<C: ConnectionTrait>(c: &C, p: &project::Model, lang: Lang) -> Result<Assignments> {
    use sea_orm::QueryOrder;
    let zh = lang == Lang::Zh;
    let rows = assignment::Entity::find()
        .filter(assignment::Column::ProjectId.eq(p.id))
        .filter(assignment::Column::ItemKind.is_in(KINDS.iter().copied()))
        .order_by_asc(assignment::Column::Id)
        .all(c)
        .await?;
    let acts = activity::Entity::find()
        .filter(activity::Column::ProjectId.eq(p.id))
        .order_by_asc(activity::Column::PhaseId)
        .order_by_asc(activity::Column::Seq)
        .all(c)
        .await?;
    let dels = deliverable::Entity::find()
        .filter(deliverable::Column::ProjectId.eq(p.id))
        .order_by_asc(deliverable::Column::PhaseId)
        .order_by_asc(deliverable::Column::Seq)
        .all(c)
        .await?;
    let actions = review_action::Entity::find()
        .filter(review_action::Column::ProjectId.eq(p.id))
        .order_by_asc(review_action::Column::Id)
        .all(c)
        .await?;
    let defects = defect::Entity::find()
        .filter(defect::Column::ProjectId.eq(p.id))
        .filter(defect::Column::Status.is_not_in(["closed", "rejected"]))
        .order_by_asc(defect::Column::Id)
        .all(c)
        .await?;
    let issues = issue::Entity::find()
        .filter(issue::Column::ProjectId.eq(p.id))
        .filter(issue::Column::Status.eq("open"))
        .order_by_asc(issue::Column::Id)
        .all(c)
        .await?;
    let name = |en: &str, zh_: &str| if zh { zh_.to_string() } else { en.to_string() };
    let mut choices: Vec<Choice> =
        acts.iter().map(|a| Choice { kind: "activity", id: a.id, name: name(&a.name_en, &a.name_zh) }).collect();
    choices.extend(dels.iter().map(|d| Choice { kind: "deliverable", id: d.id, name: name(&d.name_en, &d.name_zh) }));
    choices.extend(actions.iter().map(|x| Choice { kind: "action", id: x.id, name: x.text.clone() }));
    choices.extend(defects.iter().map(|x| Choice { kind: "defect", id: x.id, name: x.title.clone() }));
    choices.extend(issues.iter().map(|x| Choice { kind: "issue", id: x.id, name: x.title.clone() }));
    let people = super::user_names(c, rows.iter().map(|r| r.user_id)).await?;
    let rows = rows
        .into_iter()
        .map(|a| AssignmentRow {
            item: choices
                .iter()
                .find(|ch| ch.kind == a.item_kind && ch.id == a.item_id)
                .map(|ch| ch.name.clone())
                .unwrap_or_default(),
            person: people.get(&a.user_id).cloned().unwrap_or_default(),
            planned_hours: effort::hours_text(a.planned_hours_x100),
            assignment: a,
        })
        .collect();
    Ok(Assignments { rows, choices })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn buckets_and_planned_hours() {
        let d = |s: &str| s.parse::<NaiveDate>().unwrap();
        let today = d("2026-06-17"); // a Wednesday
        assert_eq!(bucket(Some(d("2026-06-16")), today), Bucket::Overdue);
        assert_eq!(bucket(Some(d("2026-06-17")), today), Bucket::ThisWeek);
        assert_eq!(bucket(Some(d("2026-06-21")), today), Bucket::ThisWeek);
        assert_eq!(bucket(Some(d("2026-06-22")), today), Bucket::Later);
        assert_eq!(bucket(None, today), Bucket::Later);
        assert_eq!(parse_planned("40"), Ok(4000));
        assert_eq!(parse_planned("12.5"), Ok(1250));
        assert_eq!(parse_planned(""), Ok(0));
        assert!(parse_planned("-3").is_err() && parse_planned("x").is_err() && parse_planned("1.234").is_err());
    }
}
