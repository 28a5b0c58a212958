//! Issues and change requests, completing the RAID log beside the risk register. An open
//! escalated critical issue turns health red; open issues, escalations and pending change
//! requests go to the steering review pack. The steering committee decides a change
//! request; approving it can save a new schedule baseline and open a new business-case
//! revision, both linked from the request, in the same transaction.
use super::{Actor, Error, Result, write};
use crate::db::Db;
use crate::domain::bounds::parse_date;
use crate::domain::raid::{self, CR_DECISIONS, ISSUE_SEVERITIES, ISSUE_STATUSES};
use crate::domain::validation::{FieldErrors, long_text, required_text};
use crate::entity::{change_request as cr, issue};
use chrono::NaiveDate;
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};
use serde::{Deserialize, Serialize};

// ---------------------------------------------------------------- issues

#[derive(Clone, Debug, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[schema(as = IssueForm)]
#[serde(default)]
pub struct RawIssue {
    pub title: String,
    pub description: String,
    pub severity: String,
    pub owner: String,
    pub raised_on: String,
    pub due_on: String,
    pub status: String,
    pub resolution: String,
    #[serde(deserialize_with = "crate::domain::validation::checkbox")]
    pub escalated: bool,
}

#[derive(Clone, Debug, PartialEq)]
pub struct IssueInput {
    pub title: String,
    pub description: String,
    pub severity: String,
    pub owner: String,
    pub raised_on: NaiveDate,
    pub due_on: Option<NaiveDate>,
    pub status: String,
    pub resolution: String,
    pub escalated: bool,
}

fn date_field(e: &mut FieldErrors, field: &str, raw: &str) -> Option<NaiveDate> {
    match raw.trim() {
        "" => None,
        s => {
            let d = parse_date(s);
            if d.is_none() {
                e.add(field, "err.date");
            }
            d
        }
    }
}

/// Validate an issue: title, severity and status from the lists; a resolved or closed issue
/// says how it was resolved; the due date is not before the day it was raised.
pub fn validate_issue(raw: &RawIssue, today: NaiveDate) -> std::result::Result<IssueInput, FieldErrors> {
    let mut e = FieldErrors::default();
    let title = required_text(&mut e, "title", &raw.title, 300);
    let description = long_text(&mut e, "description", &raw.description, 4000, false);
    if !ISSUE_SEVERITIES.contains(&raw.severity.as_str()) {
        e.add("severity", "err.choose_from_list");
    }
    let owner = required_text(&mut e, "owner", &raw.owner, 200);
    let raised_on = date_field(&mut e, "raised_on", &raw.raised_on).unwrap_or(today);
    let due_on = date_field(&mut e, "due_on", &raw.due_on);
    if due_on.is_some_and(|d| d < raised_on) {
        e.add("due_on", "err.finish_before_start");
    }
    let status = if raw.status.trim().is_empty() { "open".to_string() } else { raw.status.trim().to_string() };
    if !ISSUE_STATUSES.contains(&status.as_str()) {
        e.add("status", "err.choose_from_list");
    }
    let resolution = long_text(&mut e, "resolution", &raw.resolution, 4000, status != "open");
    e.into_result(IssueInput {
        title,
        description,
        severity: raw.severity.clone(),
        owner,
        raised_on,
        due_on,
        status,
        resolution,
        escalated: raw.escalated,
    })
}

fn issue_am(i: &IssueInput) -> issue::ActiveModel {
    issue::ActiveModel {
        title: Set(i.title.clone()),
        description: Set(i.description.clone()),
        severity: Set(i.severity.clone()),
        owner: Set(i.owner.clone()),
        raised_on: Set(i.raised_on),
        due_on: Set(i.due_on),
        status: Set(i.status.clone()),
        resolution: Set(i.resolution.clone()),
        escalated: Set(i.escalated),
        ..Default::default()
    }
}

pub async fn create_issue(db: &Db, actor: Actor, project_id: i32, i: &IssueInput) -> Result<issue::Model> {
    let mut am = issue_am(i);
    am.project_id = Set(project_id);
    let action = if i.escalated { "escalate" } else { "create" };
    write::transaction(db, async |tx| {
        let m = write::insert::<issue::Entity, _>(tx, actor, project_id, am, action).await?;
        if m.escalated {
            super::hooks::emit(tx, project_id, super::hooks::issue_escalated(&m)).await?;
        }
        Ok(m)
    })
    .await
}

pub async fn update_issue(
    db: &Db,
    actor: Actor,
    project_id: i32,
    id: i32,
    version: i32,
    i: &IssueInput,
) -> Result<issue::Model> {
    write::transaction(db, async |tx| {
        let before = write::get::<issue::Entity, _>(tx, project_id, id).await?;
        let action = if i.escalated && !before.escalated {
            "escalate"
        } else if i.status != before.status && i.status != "open" {
            "resolve"
        } else {
            "update"
        };
        let after =
            write::update::<issue::Entity, _>(tx, actor, project_id, id, version, issue_am(i), action).await?.after;
        if after.escalated && !before.escalated {
            super::hooks::emit(tx, project_id, super::hooks::issue_escalated(&after)).await?;
        }
        Ok(after)
    })
    .await
}

pub async fn issues<C: ConnectionTrait>(c: &C, project_id: i32) -> Result<Vec<issue::Model>> {
    Ok(issue::Entity::find()
        .filter(issue::Column::ProjectId.eq(project_id))
        .order_by_asc(issue::Column::Id)
        .all(c)
        .await?)
}

pub async fn get_issue<C: ConnectionTrait>(c: &C, project_id: i32, id: i32) -> Result<issue::Model> {
    write::get::<issue::Entity, _>(c, project_id, id).await
}

// ---------------------------------------------------------------- change requests

#[derive(Clone, Debug, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[schema(as = ChangeRequestForm)]
#[serde(default)]
pub struct RawChange {
    pub title: String,
    pub description: String,
    pub reason: String,
    pub scope_impact: String,
    pub schedule_days: String,
    pub cost: String,
    pub benefits: String,
    pub options: String,
}

#[derive(Clone, Debug, PartialEq)]
pub struct ChangeInput {
    pub title: String,
    pub description: String,
    pub reason: String,
    pub scope_impact: String,
    pub schedule_days: i32,
    pub cost_minor: i64,
    pub benefits: String,
    pub options: String,
}

/// Validate a change request: what changes and why; the schedule impact in whole working
/// days (−1000…1000); the cost as money in the project's `currency` (a leading minus is a
/// saving).
pub fn validate_change(raw: &RawChange, currency: &str) -> std::result::Result<ChangeInput, FieldErrors> {
    let mut e = FieldErrors::default();
    let title = required_text(&mut e, "title", &raw.title, 300);
    let description = long_text(&mut e, "description", &raw.description, 4000, true);
    let reason = long_text(&mut e, "reason", &raw.reason, 4000, true);
    let scope_impact = long_text(&mut e, "scope_impact", &raw.scope_impact, 4000, false);
    let schedule_days = match raw.schedule_days.trim() {
        "" => 0,
        s => match s.parse::<i32>() {
            Ok(n) if (-1000..=1000).contains(&n) => n,
            _ => {
                e.add("schedule_days", "err.whole_number_range");
                0
            }
        },
    };
    let cost_minor = match raw.cost.trim() {
        "" => 0,
        s => {
            let (neg, amount) = match s.strip_prefix('-') {
                Some(rest) => (true, rest),
                None => (false, s),
            };
            match crate::domain::money::parse(amount, currency) {
                Ok(v) if neg => -v,
                Ok(v) => v,
                Err(err) => {
                    e.add("cost", err.key());
                    0
                }
            }
        }
    };
    let benefits = long_text(&mut e, "benefits", &raw.benefits, 4000, false);
    let options = long_text(&mut e, "options", &raw.options, 4000, false);
    e.into_result(ChangeInput {
        title,
        description,
        reason,
        scope_impact,
        schedule_days,
        cost_minor,
        benefits,
        options,
    })
}

fn change_am(i: &ChangeInput) -> cr::ActiveModel {
    cr::ActiveModel {
        title: Set(i.title.clone()),
        description: Set(i.description.clone()),
        reason: Set(i.reason.clone()),
        scope_impact: Set(i.scope_impact.clone()),
        schedule_days: Set(i.schedule_days),
        cost_minor: Set(i.cost_minor),
        benefits: Set(i.benefits.clone()),
        options: Set(i.options.clone()),
        ..Default::default()
    }
}

pub async fn create_change(db: &Db, actor: Actor, project_id: i32, i: &ChangeInput) -> Result<cr::Model> {
    let mut am = change_am(i);
    am.project_id = Set(project_id);
    am.status = Set("pending".into());
    am.rationale = Set(String::new());
    write::transaction(db, async |tx| {
        let row = write::insert::<cr::Entity, _>(tx, actor, project_id, am, "create").await?;
        // A new request waits for the steering committee's decision.
        let link = format!("/projects/{project_id}/changes/{}", row.id);
        let action = crate::domain::policy::Action::DecideChange;
        super::notify::approval_waiting(
            tx,
            actor,
            project_id,
            action,
            "change",
            row.id,
            (&row.title, &row.title),
            link,
        )
        .await?;
        Ok(row)
    })
    .await
}

/// Edit a change request while the steering committee has not decided it.
pub async fn update_change(
    db: &Db,
    actor: Actor,
    project_id: i32,
    id: i32,
    version: i32,
    i: &ChangeInput,
) -> Result<cr::Model> {
    write::transaction(db, async |tx| {
        let before = write::get::<cr::Entity, _>(tx, project_id, id).await?;
        if !raid::cr_decidable(&before.status) {
            return Err(Error::Rule("err.cr_decided"));
        }
        Ok(write::update::<cr::Entity, _>(tx, actor, project_id, id, version, change_am(i), "update").await?.after)
    })
    .await
}

/// The steering committee's decision on a change request.
#[derive(Clone, Debug, Default)]
pub struct Decision {
    pub status: String,
    pub rationale: String,
    pub decided_on: String,
    /// Approve only: save a new schedule baseline.
    pub rebaseline: bool,
    /// Approve only: open a new business-case revision.
    pub revise_case: bool,
    /// Approve only: the budget category the request's cost is added to (a budget line
    /// linked to the request); empty is consulting services.
    pub budget_category: String,
}

/// Decide a pending (or deferred) change request: approve, reject or defer, with the
/// rationale and the date. Approving may save a baseline and open a business-case revision,
/// both linked from the request; all in one transaction.
pub async fn decide(
    db: &Db,
    actor: Actor,
    project_id: i32,
    id: i32,
    version: i32,
    d: &Decision,
    today: NaiveDate,
) -> Result<cr::Model> {
    let mut e = FieldErrors::default();
    if !CR_DECISIONS.contains(&d.status.as_str()) {
        e.add("decision", "err.choose_from_list");
    }
    let rationale = long_text(&mut e, "rationale", &d.rationale, 4000, true);
    let budget_category = match d.budget_category.trim() {
        "" => "consulting",
        c => super::budget::CATEGORIES.iter().copied().find(|k| *k == c).unwrap_or_else(|| {
            e.add("budget_category", "err.choose_from_list");
            "consulting"
        }),
    };
    let decided_on = date_field(&mut e, "decided_on", &d.decided_on).unwrap_or(today);
    if decided_on > today {
        e.add("decided_on", "err.future_date");
    }
    e.check()?;
    write::transaction_in(db, project_id, async |tx| {
        let before = write::get::<cr::Entity, _>(tx, project_id, id).await?;
        if before.version != version {
            return Err(Error::Conflict);
        }
        if !raid::cr_decidable(&before.status) {
            return Err(Error::Rule("err.cr_decided"));
        }
        let approve = d.status == "approved";
        let baseline_id = if approve && d.rebaseline {
            let name: String = format!("CR-{} {}", before.id, before.title).chars().take(200).collect();
            Some(super::schedule::save_baseline_in(tx, actor, project_id, &name).await?.id)
        } else {
            None
        };
        let business_case_revision = if approve && d.revise_case {
            let why = format!("CR-{} {}", before.id, before.title);
            let rev = super::business_case::new_revision_in(tx, actor, project_id, &why).await?;
            if rev.is_none() {
                return Err(FieldErrors::single("revise_case", "err.cr_no_business_case").into());
            }
            rev
        } else {
            None
        };
        // The approved cost adjusts the budget: a line of its own, traced to the request.
        if approve && before.cost_minor != 0 {
            let line = crate::entity::budget_line::ActiveModel {
                project_id: Set(project_id),
                phase_id: Set(None),
                category: Set(budget_category.into()),
                description: Set(format!("CR-{} {}", before.id, before.title).chars().take(300).collect()),
                amount_minor: Set(before.cost_minor),
                source: Set("change".into()),
                change_request_id: Set(Some(before.id)),
                ..Default::default()
            };
            write::insert::<crate::entity::budget_line::Entity, _>(tx, actor, project_id, line, "change").await?;
        }
        let am = cr::ActiveModel {
            status: Set(d.status.clone()),
            rationale: Set(rationale.clone()),
            decided_on: Set(Some(decided_on)),
            decided_by: Set(Some(actor.user_id)),
            baseline_id: Set(baseline_id),
            business_case_revision: Set(business_case_revision),
            ..Default::default()
        };
        let action = match d.status.as_str() {
            "approved" => "approve",
            "rejected" => "reject",
            _ => "defer",
        };
        let after = write::update::<cr::Entity, _>(tx, actor, project_id, id, version, am, action).await?.after;
        super::hooks::emit(tx, project_id, super::hooks::change_decided(&after)).await?;
        Ok(after)
    })
    .await
}

pub async fn changes<C: ConnectionTrait>(c: &C, project_id: i32) -> Result<Vec<cr::Model>> {
    Ok(cr::Entity::find().filter(cr::Column::ProjectId.eq(project_id)).order_by_asc(cr::Column::Id).all(c).await?)
}

pub async fn get_change<C: ConnectionTrait>(c: &C, project_id: i32, id: i32) -> Result<cr::Model> {
    write::get::<cr::Entity, _>(c, project_id, id).await
}

// ---------------------------------------------------------------- views

/// An issue as lists show it.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
#[schema(as = RaidIssueRow)]
pub struct IssueRow {
    pub issue: issue::Model,
    pub open: bool,
    pub overdue: bool,
    /// Open, escalated and critical: health is red while there is one.
    pub red: bool,
}

/// A change request with its links.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct ChangeRow {
    pub change: cr::Model,
    /// The cost impact as money in the project's currency.
    pub cost: String,
    pub pending: bool,
    pub decided_by_name: Option<String>,
    pub baseline_name: Option<String>,
    /// The budget line the approval added (its cost), the trace into the budget.
    pub budget_line: Option<i32>,
}

/// The issue and change log: the Issues page, the review pack's RAID section and the
/// issue-and-change-log document read this.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
#[schema(as = RaidLog)]
pub struct Log {
    pub as_of: NaiveDate,
    pub issues: Vec<IssueRow>,
    pub changes: Vec<ChangeRow>,
    pub open_issues: usize,
    pub escalated: usize,
    pub pending_changes: usize,
    /// Sum of approved changes' cost and schedule impact.
    pub approved_cost_minor: i64,
    pub approved_cost: String,
    pub approved_days: i64,
}

pub async fn log<C: ConnectionTrait>(c: &C, p: &crate::entity::project::Model, today: NaiveDate) -> Result<Log> {
    let project_id = p.id;
    let is = issues(c, project_id).await?;
    let cs = changes(c, project_id).await?;
    let names = super::user_names(c, cs.iter().filter_map(|x| x.decided_by)).await?;
    let bases = super::schedule::baselines(c, project_id).await?;
    let traced: Vec<(i32, i32)> = crate::entity::budget_line::Entity::find()
        .filter(crate::entity::budget_line::Column::ProjectId.eq(project_id))
        .filter(crate::entity::budget_line::Column::Source.eq("change"))
        .all(c)
        .await?
        .into_iter()
        .filter_map(|l| Some((l.change_request_id?, l.id)))
        .collect();
    let issues: Vec<IssueRow> = is
        .into_iter()
        .map(|i| IssueRow {
            open: raid::issue_open(&i.status),
            overdue: raid::issue_open(&i.status) && i.due_on.is_some_and(|d| d < today),
            red: raid::escalated_critical(&i.severity, &i.status, i.escalated),
            issue: i,
        })
        .collect();
    let approved: Vec<&cr::Model> = cs.iter().filter(|x| x.status == "approved").collect();
    let approved_cost_minor = approved.iter().fold(0i64, |a, x| a.saturating_add(x.cost_minor));
    let approved_days = approved.iter().map(|x| i64::from(x.schedule_days)).sum();
    let changes: Vec<ChangeRow> = cs
        .into_iter()
        .map(|x| ChangeRow {
            cost: crate::domain::money::format(x.cost_minor, &p.currency),
            pending: raid::cr_pending(&x.status),
            decided_by_name: x.decided_by.and_then(|u| names.get(&u).cloned()),
            baseline_name: x.baseline_id.and_then(|b| bases.iter().find(|m| m.id == b)).map(|m| m.name.clone()),
            budget_line: traced.iter().find(|(cr, _)| *cr == x.id).map(|(_, l)| *l),
            change: x,
        })
        .collect();
    Ok(Log {
        as_of: today,
        open_issues: issues.iter().filter(|i| i.open).count(),
        escalated: issues.iter().filter(|i| i.open && i.issue.escalated).count(),
        pending_changes: changes.iter().filter(|c| c.pending).count(),
        issues,
        changes,
        approved_cost: crate::domain::money::format(approved_cost_minor, &p.currency),
        approved_cost_minor,
        approved_days,
    })
}

/// What the steering review pack carries of the issue and change log.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq, utoipa::ToSchema)]
pub struct PackRaid {
    pub open_issues: Vec<PackIssue>,
    pub pending_changes: Vec<PackChange>,
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, utoipa::ToSchema)]
pub struct PackIssue {
    pub title: String,
    pub severity: String,
    pub owner: String,
    pub due_on: Option<NaiveDate>,
    pub escalated: bool,
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, utoipa::ToSchema)]
pub struct PackChange {
    pub title: String,
    pub schedule_days: i32,
    pub cost_minor: i64,
    /// The cost as money in the project's currency.
    pub cost: String,
    pub status: String,
}

/// Open issues (escalated first) and pending change requests, for the review pack.
pub async fn pack<C: ConnectionTrait>(c: &C, project_id: i32) -> Result<PackRaid> {
    let currency = super::projects::get(c, project_id).await?.currency;
    let mut open: Vec<issue::Model> =
        issues(c, project_id).await?.into_iter().filter(|i| raid::issue_open(&i.status)).collect();
    let rank = |s: &str| ISSUE_SEVERITIES.iter().position(|x| *x == s).unwrap_or(9);
    open.sort_by(|a, b| {
        b.escalated.cmp(&a.escalated).then(rank(&a.severity).cmp(&rank(&b.severity))).then(a.id.cmp(&b.id))
    });
    Ok(PackRaid {
        open_issues: open
            .into_iter()
            .map(|i| PackIssue {
                title: i.title,
                severity: i.severity,
                owner: i.owner,
                due_on: i.due_on,
                escalated: i.escalated,
            })
            .collect(),
        pending_changes: changes(c, project_id)
            .await?
            .into_iter()
            .filter(|x| raid::cr_pending(&x.status))
            .map(|x| PackChange {
                cost: crate::domain::money::format(x.cost_minor, &currency),
                title: x.title,
                schedule_days: x.schedule_days,
                cost_minor: x.cost_minor,
                status: x.status,
            })
            .collect(),
    })
}
