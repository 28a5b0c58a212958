//! Each project's rolled-up health, stored so that lists of many projects (the portfolio,
//! `GET /api/v1/projects`) need not recompute it for every project on every request.
//!
//! **One truth.** [`compute`] is the overview's health (`projects::health_of` rolled up with
//! `risks::health_signals_many`) for many projects at once; the stored row is its result.
//!
//! **Kept current by the writes.** Every write transaction ([`super::write::transaction`])
//! knows the projects it touched (every audited read or write takes the project's write
//! lock, which records it); just before it commits, it calls [`refresh`] for them, in the
//! same transaction, so a committed change and the health it implies are one. The row is
//! derived bookkeeping of the audited change that caused it: no version, no audit row of
//! its own.
//!
//! **Dates.** Health also changes with the calendar alone (a phase becomes overdue, a risk's
//! review date passes, a target's forecast moves). A row holds for the project's today it
//! was computed for (`computed_on`, in the project's time zone) and for the rules it was
//! computed with ([`RULES`]); any other day it is *stale*. A read never writes: it computes
//! the stale projects' health in memory ([`stale`] + [`compute`]) and uses that instead of
//! the row. The [`spawn_refresher`] task (the server's, not a request's) rewrites stale rows
//! in small transactions a few seconds after start and every few minutes, so after a day
//! turns the reads are back to reading rows within minutes.
use super::{Result, clock};
use crate::domain::gates::PhaseStatus;
use crate::domain::health::{self, Health, Rag};
use crate::entity::{deliverable, phase, phase_decision, project, project_health};
use chrono::NaiveDate;
use sea_orm::sea_query::OnConflict;
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, DbBackend, EntityTrait, QueryFilter, QueryOrder};
use sea_orm::{Statement, Value};
use std::collections::HashMap;

/// The version of the health rules the stored rows were computed with. **Bump it when the
/// rules or their inputs change** (`domain::health`, `risks::health_signals_many`,
/// `projects::health_of`): every stored row then reads as stale until it is refreshed.
pub const RULES: i32 = 4;

/// Every reason key `health::assess` and `health::roll_up` give (a stored key not in this
/// list makes its row stale, so an unknown reason is recomputed rather than lost).
pub const REASONS: [&str; 12] = [
    "health.overdue",
    "health.gate_due_soon",
    "health.no_go",
    "health.returned",
    "health.org",
    "health.targets_red",
    "health.targets_amber",
    "health.risk_high",
    "health.risk_review",
    "health.issue_escalated",
    "health.cost_overrun",
    "health.adoption_low",
];

pub fn rag_str(r: Rag) -> &'static str {
    match r {
        Rag::Green => "green",
        Rag::Amber => "amber",
        Rag::Red => "red",
        Rag::Done => "done",
    }
}

pub fn parse_rag(s: &str) -> Option<Rag> {
    match s {
        "green" => Some(Rag::Green),
        "amber" => Some(Rag::Amber),
        "red" => Some(Rag::Red),
        "done" => Some(Rag::Done),
        _ => None,
    }
}

/// The health a stored row holds, when it holds for `today` under the current rules.
pub fn from_row(row: &project_health::Model, today: NaiveDate) -> Option<Health> {
    if row.rules != RULES || row.computed_on != today {
        return None;
    }
    let rag = parse_rag(&row.rag)?;
    let mut reasons = vec![];
    for k in row.reasons.split(',').filter(|s| !s.is_empty()) {
        reasons.push(*REASONS.iter().find(|r| **r == k)?);
    }
    Some(Health { rag, reasons, days_late: row.days_late })
}

/// A project's rolled-up health and the earned-value figures that went into it (projects
/// that keep a budget): what a stored row holds.
#[derive(Clone, Debug)]
pub struct Rolled {
    pub health: Health,
    pub ev: Option<EvBrief>,
}

/// The portfolio's earned-value columns: the budget (BAC), the actual cost (AC), CPI and
/// SPI, as the project's Budget page shows them on the same day.
#[derive(Clone, Debug, PartialEq, serde::Serialize, utoipa::ToSchema)]
pub struct EvBrief {
    pub budget_minor: i64,
    pub actual_minor: i64,
    pub cpi: Option<f64>,
    pub spi: Option<f64>,
}

impl EvBrief {
    fn of(f: &crate::domain::earned_value::Figures) -> EvBrief {
        EvBrief { budget_minor: f.bac, actual_minor: f.ac, cpi: f.cpi, spi: f.spi }
    }

    /// From a stored row (`None` for a project without a budget).
    pub fn from_row(row: &project_health::Model) -> Option<EvBrief> {
        Some(EvBrief { budget_minor: row.budget_minor?, actual_minor: row.actual_minor?, cpi: row.cpi, spi: row.spi })
    }
}

/// The rolled-up health of each project as of its today, exactly as the overview computes
/// it, in nine queries whatever the number of projects (plus the plan of each project that
/// keeps a budget, for its earned value).
pub async fn compute<C: ConnectionTrait>(
    c: &C,
    projects: &[(&project::Model, NaiveDate)],
) -> Result<HashMap<i32, Rolled>> {
    let ids: Vec<i32> = projects.iter().map(|(p, _)| p.id).collect();
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let active = phase::Entity::find()
        .filter(phase::Column::ProjectId.is_in(ids.clone()))
        .filter(phase::Column::Status.eq(PhaseStatus::Active.as_str()))
        .order_by_asc(phase::Column::ProjectId)
        .order_by_asc(phase::Column::Seq)
        .all(c)
        .await?;
    let mut current: HashMap<i32, &phase::Model> = HashMap::new();
    for ph in &active {
        current.entry(ph.project_id).or_insert(ph);
    }
    let phase_ids: Vec<i32> = current.values().map(|p| p.id).collect();
    let (dels, decisions) = if phase_ids.is_empty() {
        (vec![], vec![])
    } else {
        (
            deliverable::Entity::find()
                .filter(deliverable::Column::ProjectId.is_in(ids.clone()))
                .filter(deliverable::Column::PhaseId.is_in(phase_ids.clone()))
                .all(c)
                .await?,
            phase_decision::Entity::find()
                .filter(phase_decision::Column::ProjectId.is_in(ids.clone()))
                .filter(phase_decision::Column::PhaseId.is_in(phase_ids))
                .order_by_desc(phase_decision::Column::Id)
                .all(c)
                .await?,
        )
    };
    let dels_of = super::risks::by_project(dels, |d| d.phase_id);
    let mut last_of: HashMap<i32, &phase_decision::Model> = HashMap::new();
    for d in &decisions {
        last_of.entry(d.phase_id).or_insert(d);
    }
    let signals = super::risks::health_signals_many(c, projects).await?;
    Ok(projects
        .iter()
        .map(|(p, today)| {
            let cur = current.get(&p.id).copied();
            let dels = cur.and_then(|ph| dels_of.get(&ph.id)).map(Vec::as_slice).unwrap_or_default();
            let last = cur.and_then(|ph| last_of.get(&ph.id).copied());
            let sig = signals.get(&p.id).cloned().unwrap_or_default();
            let health = health::roll_up(super::projects::health_of(*today, cur, dels, last), &sig);
            (p.id, Rolled { health, ev: sig.ev.as_ref().map(EvBrief::of) })
        })
        .collect())
}

/// Store the health of projects `ids` as of their today (those that still exist), in the
/// running transaction.
pub async fn refresh<C: ConnectionTrait>(c: &C, ids: &[i32]) -> Result<()> {
    if ids.is_empty() {
        return Ok(());
    }
    let projects = super::projects::light_projects(c, ids.to_vec()).await?;
    if projects.is_empty() {
        return Ok(());
    }
    let todays: Vec<(&project::Model, NaiveDate)> = projects.iter().map(|p| (p, clock::today(p))).collect();
    let healths = compute(c, &todays).await?;
    let rows: Vec<project_health::ActiveModel> = todays
        .iter()
        .filter_map(|(p, today)| {
            let r = healths.get(&p.id)?;
            let h = &r.health;
            Some(project_health::ActiveModel {
                project_id: Set(p.id),
                computed_on: Set(*today),
                rules: Set(RULES),
                rag: Set(rag_str(h.rag).into()),
                days_late: Set(h.days_late),
                reasons: Set(h.reasons.join(",")),
                budget_minor: Set(r.ev.as_ref().map(|e| e.budget_minor)),
                actual_minor: Set(r.ev.as_ref().map(|e| e.actual_minor)),
                cpi: Set(r.ev.as_ref().and_then(|e| e.cpi)),
                spi: Set(r.ev.as_ref().and_then(|e| e.spi)),
                stamp: Set(super::views::new_stamp()),
            })
        })
        .collect();
    if rows.is_empty() {
        return Ok(());
    }
    use project_health::Column as H;
    project_health::Entity::insert_many(rows)
        .on_conflict(
            OnConflict::column(H::ProjectId)
                .update_columns([
                    H::ComputedOn,
                    H::Rules,
                    H::Rag,
                    H::DaysLate,
                    H::Reasons,
                    H::BudgetMinor,
                    H::ActualMinor,
                    H::Cpi,
                    H::Spi,
                    H::Stamp,
                ])
                .to_owned(),
        )
        .exec_without_returning(c)
        .await?;
    Ok(())
}

/// A `COUNT(*)` column of a raw statement's row (a 64-bit integer on both databases).
pub(super) fn count(r: &sea_orm::QueryResult, col: &str) -> usize {
    r.try_get::<i64>("", col).ok().and_then(|n| usize::try_from(n).ok()).unwrap_or(0)
}

/// A raw statement under construction: `?` placeholders on SQLite, `$n` on PostgreSQL.
pub(super) struct Sql {
    pub backend: DbBackend,
    pub text: String,
    pub values: Vec<Value>,
}

impl Sql {
    pub fn new(backend: DbBackend) -> Self {
        Sql { backend, text: String::new(), values: vec![] }
    }

    /// A placeholder for `v`.
    pub fn p(&mut self, v: impl Into<Value>) -> String {
        self.values.push(v.into());
        match self.backend {
            DbBackend::Postgres => format!("${}", self.values.len()),
            _ => "?".into(),
        }
    }

    /// The byte-wise collation (the same order as Rust's `str::cmp` on both databases).
    pub fn binary(&self) -> &'static str {
        match self.backend {
            DbBackend::Postgres => " COLLATE \"C\"",
            _ => " COLLATE BINARY",
        }
    }

    pub fn statement(self) -> Statement {
        Statement::from_sql_and_values(self.backend, self.text, self.values)
    }
}

/// The projects (of member `user`, or all of them) whose stored health does not hold today:
/// no row, other rules, or another day than the project's today. Two queries.
pub async fn stale<C: ConnectionTrait>(c: &C, user: Option<i32>) -> Result<Vec<project::Model>> {
    let backend = c.get_database_backend();
    let scope = |q: &mut Sql| match user {
        Some(u) => {
            let p = q.p(u);
            format!(" FROM project_members m JOIN projects p ON p.id = m.project_id WHERE m.user_id = {p}")
        }
        None => " FROM projects p WHERE 1 = 1".to_string(),
    };
    let mut q = Sql::new(backend);
    let from = scope(&mut q);
    q.text = format!("SELECT p.time_zone AS tz{from} GROUP BY p.time_zone");
    let zones: Vec<String> =
        c.query_all_raw(q.statement()).await?.iter().filter_map(|r| r.try_get::<String>("", "tz").ok()).collect();
    if zones.is_empty() {
        return Ok(vec![]);
    }
    let mut q = Sql::new(backend);
    let from = scope(&mut q);
    // Placeholders in the order they appear (SQLite's `?` are positional).
    let rules = q.p(RULES);
    let mut today_in = vec![];
    for z in &zones {
        let (zp, dp) = (q.p(z.clone()), q.p(clock::today_in(z)));
        today_in.push(format!("(p.time_zone = {zp} AND h.computed_on = {dp})"));
    }
    q.text = format!(
        "SELECT p.id AS id{} AND NOT (h.project_id IS NOT NULL AND h.rules = {rules} AND ({}))",
        from.replacen(" WHERE ", " LEFT JOIN project_health h ON h.project_id = p.id WHERE ", 1),
        today_in.join(" OR ")
    );
    let ids: Vec<i32> =
        c.query_all_raw(q.statement()).await?.iter().filter_map(|r| r.try_get::<i32>("", "id").ok()).collect();
    if ids.is_empty() {
        return Ok(vec![]);
    }
    super::projects::light_projects(c, ids).await
}

/// The health of the stale projects among those of `user` (or all), computed in memory.
pub async fn stale_health<C: ConnectionTrait>(c: &C, user: Option<i32>) -> Result<HashMap<i32, Rolled>> {
    let projects = stale(c, user).await?;
    if projects.is_empty() {
        return Ok(HashMap::new());
    }
    let todays: Vec<(&project::Model, NaiveDate)> = projects.iter().map(|p| (p, clock::today(p))).collect();
    compute(c, &todays).await
}

/// Rewrite stale rows, `chunk` projects per write transaction (each takes the projects'
/// write locks, so a user's save and a refresh of the same project never interleave).
/// Returns how many were rewritten.
pub async fn refresh_stale(db: &crate::db::Db, chunk: usize) -> Result<usize> {
    let ids: Vec<i32> = stale(&db.conn, None).await?.iter().map(|p| p.id).collect();
    for part in ids.chunks(chunk.max(1)) {
        super::write::transaction(db, async |tx| {
            for id in part {
                super::write::lock_project(tx, *id).await?;
            }
            Ok(())
        })
        .await?;
    }
    Ok(ids.len())
}

/// The server's refresher: stale rows rewritten ten seconds after start, then every five
/// minutes (a day turns at a different hour in each project's time zone).
pub fn spawn_refresher(db: crate::db::Db) {
    tokio::spawn(async move {
        tokio::time::sleep(std::time::Duration::from_secs(10)).await;
        let mut tick = tokio::time::interval(std::time::Duration::from_secs(300));
        loop {
            tick.tick().await;
            match refresh_stale(&db, 25).await {
                Ok(0) => {}
                Ok(n) => tracing::info!(projects = n, "stored health refreshed"),
                Err(e) => tracing::warn!(error = %e, "refreshing stored health failed"),
            }
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::health::{Facts, Signals, assess, roll_up};
    use crate::domain::risk::Exposure;

    #[test]
    fn every_reason_the_rules_give_can_be_stored() {
        let f = Facts {
            today: "2026-06-10".parse().unwrap(),
            phase_finish: Some("2026-06-01".parse().unwrap()),
            gate_open: 1,
            returned: 1,
            last_decision_no_go: true,
        };
        let s = Signals {
            org_findings: 1,
            targets_red: 1,
            targets_amber: 0,
            targets_measured: 3,
            risk: Exposure { high: 1, high_unmanaged: 1, review_overdue: 1, ..Default::default() },
            escalated_critical_issues: 1,
            cpi: Some(0.85),
            ev: None,
            adoption_low: 1,
        };
        let mut soon = f.clone();
        soon.today = "2026-05-28".parse().unwrap();
        let amber_targets = Signals { targets_amber: 1, ..Default::default() };
        let all: Vec<&str> = [roll_up(assess(&f), &s), roll_up(assess(&soon), &amber_targets)]
            .iter()
            .flat_map(|h| h.reasons.clone())
            .collect();
        for r in all {
            assert!(REASONS.contains(&r), "{r} is not in REASONS");
        }
        // And a row round-trips.
        let h = roll_up(assess(&f), &s);
        let row = project_health::Model {
            project_id: 1,
            computed_on: f.today,
            rules: RULES,
            rag: rag_str(h.rag).into(),
            days_late: h.days_late,
            reasons: h.reasons.join(","),
            budget_minor: Some(10_000_000),
            actual_minor: Some(2_000_000),
            cpi: Some(0.85),
            spi: None,
            stamp: 1,
        };
        assert_eq!(from_row(&row, f.today), Some(h.clone()));
        let ev = EvBrief { budget_minor: 10_000_000, actual_minor: 2_000_000, cpi: Some(0.85), spi: None };
        assert_eq!(EvBrief::from_row(&row), Some(ev));
        assert_eq!(EvBrief::from_row(&project_health::Model { budget_minor: None, ..row.clone() }), None);
        assert_eq!(from_row(&row, soon.today), None, "another day is stale");
        assert_eq!(from_row(&project_health::Model { rules: RULES + 1, ..row }, f.today), None);
    }
}
