//! Phase 8, hypercare: the issue log after go-live with its service levels and breaches,
//! the daily open/closed chart and the exit criteria. One view for page, API and PDF.
use super::{Actor, Result, now, write};
use crate::chart::line::{self, LineChart};
use crate::db::Db;
use crate::domain::hypercare::{self, CHANNELS, Clock, Day, Exit, SLAS, STATUSES, Sla, SlaState};
use crate::domain::validation::{FieldErrors, required_text};
use crate::entity::{hypercare_issue as issue_e, project};
use crate::i18n::{self, Lang};
use chrono::{DateTime, NaiveDateTime, TimeZone, Utc};
use chrono_tz::Tz;
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};
use serde::{Deserialize, Serialize};

// The exit criteria (days without a severity-1 issue open, issues opened in the last seven
// days) are the project's readiness thresholds (`readiness::thresholds`, editable, audited).

#[derive(Clone, Debug, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[schema(as = HypercareIssueForm)]
#[serde(default)]
pub struct RawIssue {
    pub title: String,
    pub severity: String,
    pub channel: String,
    pub module_key: String,
    pub reporter: String,
    pub assignee: String,
    pub status: String,
    pub opened_at: String,
    pub responded_at: String,
    pub resolved_at: String,
}

#[derive(Clone, Debug, PartialEq)]
pub struct IssueInput {
    pub title: String,
    pub severity: i32,
    pub channel: String,
    pub module_key: String,
    pub reporter: String,
    pub assignee: String,
    pub status: String,
    pub opened_at: DateTime<Utc>,
    pub responded_at: Option<DateTime<Utc>>,
    pub resolved_at: Option<DateTime<Utc>>,
}

pub fn zone(p: &project::Model) -> Tz {
    p.time_zone.trim().parse().unwrap_or(chrono_tz::Asia::Shanghai)
}

/// A local wall-clock time of the project as an instant; a time that does not exist there
/// (skipped by daylight saving time) is refused.
fn instant(tz: Tz, local: NaiveDateTime) -> Option<DateTime<Utc>> {
    tz.from_local_datetime(&local).earliest().map(|t| t.with_timezone(&Utc))
}

/// Validate the issue form against the project (its modules and time zone) at instant `at`.
pub fn validate(raw: &RawIssue, p: &project::Model, at: DateTime<Utc>) -> std::result::Result<IssueInput, FieldErrors> {
    let tz = zone(p);
    let mut e = FieldErrors::default();
    let title = required_text(&mut e, "title", &raw.title, 300);
    let severity = raw.severity.trim().parse::<i32>().ok().filter(|s| hypercare::SEVERITIES.contains(s));
    if severity.is_none() {
        e.add("severity", "err.choose_from_list");
    }
    if !CHANNELS.contains(&raw.channel.as_str()) {
        e.add("channel", "err.choose_from_list");
    }
    if !p.modules.split(',').any(|m| m == raw.module_key) {
        e.add("module_key", "err.choose_from_list");
    }
    let reporter = required_text(&mut e, "reporter", &raw.reporter, 200);
    let assignee = raw.assignee.trim().to_string();
    if assignee.chars().count() > 200 {
        e.add("assignee", "err.too_long");
    }
    let status = raw.status.trim().to_string();
    if !STATUSES.contains(&status.as_str()) {
        e.add("status", "err.choose_from_list");
    }
    let mut time = |field: &str, s: &str, required: bool| -> Option<DateTime<Utc>> {
        match s.trim() {
            "" => {
                if required {
                    e.add(field, "err.required");
                }
                None
            }
            s => match super::golive::parse_local(s).map(|l| instant(tz, l)) {
                Some(Some(t)) if t > at => {
                    e.add(field, "golive.err_future");
                    None
                }
                Some(Some(t)) => Some(t),
                Some(None) => {
                    e.add(field, "golive.err_no_such_time");
                    None
                }
                None => {
                    e.add(field, "golive.err_datetime");
                    None
                }
            },
        }
    };
    let opened_at = time("opened_at", &raw.opened_at, true);
    let responded_at = time("responded_at", &raw.responded_at, false);
    let resolved_at = time("resolved_at", &raw.resolved_at, false);
    if let Some(o) = opened_at {
        if responded_at.is_some_and(|r| r < o) {
            e.add("responded_at", "golive.err_before_opened");
        }
        if resolved_at.is_some_and(|r| r < o) {
            e.add("resolved_at", "golive.err_before_opened");
        }
    }
    let closed = matches!(status.as_str(), "resolved" | "closed");
    if closed && resolved_at.is_none() && raw.resolved_at.trim().is_empty() {
        e.add("resolved_at", "golive.err_resolved_needs_time");
    }
    if !closed && resolved_at.is_some() {
        e.add("status", "golive.err_resolved_status");
    }
    e.check()?;
    Ok(IssueInput {
        title,
        severity: severity.unwrap_or(4),
        channel: raw.channel.clone(),
        module_key: raw.module_key.clone(),
        reporter,
        assignee,
        status,
        opened_at: opened_at.unwrap_or(at),
        responded_at,
        resolved_at,
    })
}

fn active(i: &IssueInput) -> issue_e::ActiveModel {
    issue_e::ActiveModel {
        title: Set(i.title.clone()),
        severity: Set(i.severity),
        channel: Set(i.channel.clone()),
        module_key: Set(i.module_key.clone()),
        reporter: Set(i.reporter.clone()),
        assignee: Set(i.assignee.clone()),
        status: Set(i.status.clone()),
        opened_at: Set(i.opened_at),
        responded_at: Set(i.responded_at),
        resolved_at: Set(i.resolved_at),
        ..Default::default()
    }
}

pub async fn create(db: &Db, actor: Actor, project_id: i32, input: &IssueInput) -> Result<issue_e::Model> {
    let mut am = active(input);
    am.project_id = Set(project_id);
    write::transaction(db, async |tx| write::insert::<issue_e::Entity, _>(tx, actor, project_id, am, "create").await)
        .await
}

pub async fn update(
    db: &Db,
    actor: Actor,
    project_id: i32,
    id: i32,
    version: i32,
    input: &IssueInput,
) -> Result<issue_e::Model> {
    write::transaction(db, async |tx| {
        Ok(write::update::<issue_e::Entity, _>(tx, actor, project_id, id, version, active(input), "update")
            .await?
            .after)
    })
    .await
}

/// An issue of the log in form shape (the edit form, the base of an API `PATCH`).
pub fn raw_of(i: &IssueRow) -> RawIssue {
    RawIssue {
        title: i.issue.title.clone(),
        severity: i.issue.severity.to_string(),
        channel: i.issue.channel.clone(),
        module_key: i.issue.module_key.clone(),
        reporter: i.issue.reporter.clone(),
        assignee: i.issue.assignee.clone(),
        status: i.issue.status.clone(),
        opened_at: super::golive::local_input(&i.opened_local),
        responded_at: i.responded_local.as_ref().map(super::golive::local_input).unwrap_or_default(),
        resolved_at: i.resolved_local.as_ref().map(super::golive::local_input).unwrap_or_default(),
    }
}

pub async fn get<C: ConnectionTrait>(c: &C, project_id: i32, id: i32) -> Result<issue_e::Model> {
    write::get::<issue_e::Entity, _>(c, project_id, id).await
}

/// An issue as the log shows it: its service-level state and its times in local time.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
#[schema(as = HypercareIssueRow)]
pub struct IssueRow {
    pub issue: issue_e::Model,
    pub sla: SlaState,
    pub opened_local: NaiveDateTime,
    pub responded_local: Option<NaiveDateTime>,
    pub resolved_local: Option<NaiveDateTime>,
    pub response_due_local: NaiveDateTime,
    pub resolution_due_local: NaiveDateTime,
}

#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
#[schema(as = HypercareLog)]
pub struct Log {
    pub time_zone: String,
    pub now: NaiveDateTime,
    pub issues: Vec<IssueRow>,
    pub slas: Vec<Sla>,
    pub open: usize,
    /// Open issues by severity 1–4.
    pub open_by_severity: [usize; 4],
    pub response_breaches: usize,
    pub resolution_breaches: usize,
    pub daily: Vec<Day>,
    pub chart: LineChart,
    pub exit: Exit,
}

pub async fn list<C: ConnectionTrait>(c: &C, project_id: i32) -> Result<Vec<issue_e::Model>> {
    Ok(issue_e::Entity::find()
        .filter(issue_e::Column::ProjectId.eq(project_id))
        .order_by_asc(issue_e::Column::OpenedAt)
        .order_by_asc(issue_e::Column::Id)
        .all(c)
        .await?)
}

pub async fn log<C: ConnectionTrait>(c: &C, p: &project::Model, lang: Lang) -> Result<Log> {
    log_at(c, p, now(), lang).await
}

/// The issue log with service levels judged at instant `at`.
pub async fn log_at<C: ConnectionTrait>(c: &C, p: &project::Model, at: DateTime<Utc>, lang: Lang) -> Result<Log> {
    let tz = zone(p);
    let rows = list(c, p.id).await?;
    let (limits, _) = super::readiness::thresholds(c, p.id).await?;
    let clock = |i: &issue_e::Model| Clock {
        severity: i.severity,
        opened: i.opened_at,
        responded: i.responded_at,
        resolved: i.resolved_at,
    };
    let clocks: Vec<Clock> = rows.iter().map(clock).collect();
    let local = |t: DateTime<Utc>| t.with_timezone(&tz).naive_local();
    let issues: Vec<IssueRow> = rows
        .into_iter()
        .map(|i| {
            let sla = hypercare::state(&clock(&i), at, tz);
            IssueRow {
                opened_local: local(i.opened_at),
                responded_local: i.responded_at.map(local),
                resolved_local: i.resolved_at.map(local),
                response_due_local: local(sla.response_due),
                resolution_due_local: local(sla.resolution_due),
                sla,
                issue: i,
            }
        })
        .collect();
    let today = at.with_timezone(&tz).date_naive();
    let daily = hypercare::daily(&clocks, today, tz);
    let mut open_by_severity = [0usize; 4];
    for i in issues.iter().filter(|i| i.issue.resolved_at.is_none()) {
        if let Some(slot) = usize::try_from(i.issue.severity - 1).ok().and_then(|k| open_by_severity.get_mut(k)) {
            *slot += 1;
        }
    }
    let chart = LineChart {
        title: i18n::t(lang, "golive.hc_chart"),
        series: vec![
            line::Series {
                style: line::Style::Measured,
                points: daily.iter().map(|d| (d.date, d.open_at_end as f64)).collect(),
            },
            line::Series {
                style: line::Style::Forecast,
                points: daily.iter().map(|d| (d.date, d.opened as f64)).collect(),
            },
        ],
        levels: vec![],
        marker: None,
        legend: vec![
            (Some(line::Style::Measured), i18n::t(lang, "golive.hc_legend_open")),
            (Some(line::Style::Forecast), i18n::t(lang, "golive.hc_legend_opened")),
        ],
        wan: false,
    };
    Ok(Log {
        time_zone: p.time_zone.clone(),
        now: local(at),
        open: issues.iter().filter(|i| i.issue.resolved_at.is_none()).count(),
        open_by_severity,
        response_breaches: issues.iter().filter(|i| i.sla.response_breached).count(),
        resolution_breaches: issues.iter().filter(|i| i.sla.resolution_breached).count(),
        exit: hypercare::exit(
            &clocks,
            at,
            tz,
            i64::from(limits.hc_sev1_days),
            usize::try_from(limits.hc_weekly_max).unwrap_or(0),
        ),
        issues,
        slas: SLAS.to_vec(),
        daily,
        chart,
    })
}
