//! Phase 7 readiness and phase 8 adoption: the readiness scorecard computed from the
//! project's own data (acceptance tests, defects, training, data quality, rehearsal,
//! operating procedures, support team) against the project's thresholds; the go/no-go
//! decision that freezes it; adoption figures pushed by the running CRM or entered, with
//! their curves; and the go-live acceptance (hypercare exit + the decision). One view per
//! page, serialised by the API and laid out by the documents.
use super::{Actor, Error, Result, audit, clock, now, write};
use crate::chart::line::{self, LineChart};
use crate::db::Db;
use crate::domain::readiness::{self, CRITERIA, Direction, Rag, RawThresholds, Thresholds};
use crate::domain::validation::FieldErrors;
use crate::entity::{adoption_figure as fig_e, api_token, go_decision as dec_e, project, readiness_setting as set_e};
use crate::i18n::{self, Lang};
use chrono::NaiveDate;
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

// ---------------------------------------------------------------- thresholds

fn thresholds_of(r: &set_e::Model) -> Thresholds {
    Thresholds {
        uat_pass_min: r.uat_pass_min,
        defects_max: r.defects_max,
        training_min: r.training_min,
        quality_failing_max: r.quality_failing_max,
        rehearsal_tolerance_pct: r.rehearsal_tolerance_pct,
        procedures_min: r.procedures_min,
        support_min: r.support_min,
        support_team: r.support_team.clone(),
        hc_sev1_days: r.hc_sev1_days,
        hc_weekly_max: r.hc_weekly_max,
        adoption_min: r.adoption_min,
    }
}

/// The project's thresholds and the version to send back with an edit (0: the defaults,
/// never saved).
pub async fn thresholds<C: ConnectionTrait>(c: &C, project_id: i32) -> Result<(Thresholds, i32)> {
    let row = set_e::Entity::find().filter(set_e::Column::ProjectId.eq(project_id)).one(c).await?;
    Ok(row.map_or_else(|| (Thresholds::default(), 0), |r| (thresholds_of(&r), r.version)))
}

fn active(t: &Thresholds) -> set_e::ActiveModel {
    set_e::ActiveModel {
        uat_pass_min: Set(t.uat_pass_min),
        defects_max: Set(t.defects_max),
        training_min: Set(t.training_min),
        quality_failing_max: Set(t.quality_failing_max),
        rehearsal_tolerance_pct: Set(t.rehearsal_tolerance_pct),
        procedures_min: Set(t.procedures_min),
        support_min: Set(t.support_min),
        support_team: Set(t.support_team.clone()),
        hc_sev1_days: Set(t.hc_sev1_days),
        hc_weekly_max: Set(t.hc_weekly_max),
        adoption_min: Set(t.adoption_min),
        ..Default::default()
    }
}

/// Save the thresholds (audited). `version` is the one the form was loaded with: 0 while
/// the defaults were never saved; a stale form is a conflict (409).
pub async fn save_thresholds(db: &Db, actor: Actor, project_id: i32, version: i32, raw: &RawThresholds) -> Result<()> {
    let t = readiness::validate(raw)?;
    write::transaction_in(db, project_id, async |tx| {
        let row = set_e::Entity::find().filter(set_e::Column::ProjectId.eq(project_id)).one(tx).await?;
        match row {
            None if version != 0 => Err(Error::Conflict),
            None => {
                let mut am = active(&t);
                am.project_id = Set(project_id);
                write::insert::<set_e::Entity, _>(tx, actor, project_id, am, "create").await.map(|_| ())
            }
            Some(r) => {
                write::update_loaded::<set_e::Entity, _>(tx, Some(actor), project_id, r, version, active(&t), "update")
                    .await
                    .map(|_| ())
            }
        }
    })
    .await
}

// ---------------------------------------------------------------- the scorecard

/// One criterion of the scorecard: its number against its threshold, the RAG, the figures
/// behind it (data, no words: names and numbers) and where the evidence is.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, utoipa::ToSchema)]
pub struct Criterion {
    pub key: String,
    pub value: Option<i64>,
    /// `pct` or `count`.
    pub unit: String,
    pub direction: Direction,
    pub threshold: i64,
    pub rag: Rag,
    pub detail: Vec<String>,
    /// A link to the page holding the evidence.
    pub evidence: String,
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, utoipa::ToSchema)]
pub struct Scorecard {
    /// The project's date the figures were computed on.
    pub computed_on: NaiveDate,
    pub criteria: Vec<Criterion>,
    pub green: usize,
    pub amber: usize,
    pub red: usize,
    pub not_assessed: usize,
    /// Red or not assessed: a "go" needs conditions while any is.
    pub blocking: usize,
}

fn pct_str(tenths: u32) -> String {
    format!("{}.{}%", tenths / 10, tenths % 10)
}

/// The scorecard of project `p` now, against thresholds `t`.
pub async fn scorecard<C: ConnectionTrait>(c: &C, p: &project::Model, t: &Thresholds) -> Result<Scorecard> {
    let id = p.id;
    let mut values: BTreeMap<&str, (Option<i64>, Vec<String>, String)> = BTreeMap::new();

    // Acceptance tests: the latest UAT cycle's pass rate (its exit criteria beside it).
    let cycles = super::testing::readiness_inputs(c, id).await?;
    let uat: Vec<_> = cycles.iter().filter(|x| x.kind == "uat").collect();
    values.insert(
        "uat",
        (
            uat.last().map(|x| i64::from(x.pass_rate_tenths / 10)),
            uat.iter()
                .map(|x| {
                    format!(
                        "{} · {} / {}% · C{} M{} · {}",
                        x.name,
                        pct_str(x.pass_rate_tenths),
                        x.pass_rate_min,
                        x.open_critical,
                        x.open_major,
                        if x.met {
                            "✓"
                        } else if x.waived {
                            "W"
                        } else {
                            "✗"
                        }
                    )
                })
                .collect(),
            format!("/projects/{id}/testing"),
        ),
    );

    // Open critical and major defects of every cycle.
    let defects = super::testing::defects(c, id).await?;
    let open = |sev: &str| {
        defects.iter().filter(|d| d.severity == sev && crate::domain::testing::defect_open(&d.status)).count()
    };
    let (crit, major) = (open("critical"), open("major"));
    values.insert(
        "defects",
        (Some((crit + major) as i64), vec![format!("C{crit} · M{major}")], format!("/projects/{id}/testing")),
    );

    // End-user training coverage: the least-trained functional group; by group and module.
    let tv = super::training::view(c, p).await?;
    let groups: Vec<_> = tv.coverage.iter().filter(|g| g.end_users > 0).collect();
    // Module names in both languages: the frozen scorecard is read in either.
    let module = |m: &Option<String>| {
        m.as_ref().map_or_else(
            || "–".to_string(),
            |m| {
                let k = format!("module.{m}");
                format!("{} {}", i18n::t(Lang::Zh, &k), i18n::t(Lang::En, &k))
            },
        )
    };
    let mut detail: Vec<String> = groups
        .iter()
        .map(|g| {
            format!(
                "{} ({}) · {}/{} · {}%",
                g.name,
                module(&g.module),
                g.end_users_trained,
                g.end_users,
                readiness::pct(g.end_users_trained, g.end_users).unwrap_or(0)
            )
        })
        .collect();
    let mut by_module: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    for g in &groups {
        let e = by_module.entry(module(&g.module)).or_default();
        e.0 += g.end_users_trained;
        e.1 += g.end_users;
    }
    detail.extend(
        by_module.iter().map(|(m, (tr, n))| format!("[{m}] · {tr}/{n} · {}%", readiness::pct(*tr, *n).unwrap_or(0))),
    );
    values.insert(
        "training",
        (
            groups.iter().filter_map(|g| readiness::pct(g.end_users_trained, g.end_users)).min(),
            detail,
            format!("/projects/{id}/training"),
        ),
    );

    // Data quality: sources whose latest check misses the bar (or that were never checked).
    let sources = super::diagnosis::sources(c, id).await?;
    let failing = sources.iter().filter(|s| s.ok != Some(true)).count();
    values.insert(
        "data_quality",
        (
            (!sources.is_empty()).then_some(failing as i64),
            sources
                .iter()
                .map(|s| match &s.latest {
                    Some(l) => format!(
                        "{} · {} · {:.1}% / {:.1}% / {:.1}% · {}",
                        s.source.name,
                        l.measured_on,
                        l.completeness,
                        l.duplicates,
                        l.validity,
                        if s.ok == Some(true) { "✓" } else { "✗" }
                    ),
                    None => format!("{} · – · ✗", s.source.name),
                })
                .collect(),
            format!("/projects/{id}/diagnosis"),
        ),
    );

    // Cutover rehearsal: how far the latest complete rehearsal overran the plan.
    let rb = super::golive::runbook(c, p).await?;
    let last = rb.rehearsals.iter().rev().find(|r| r.total_minutes.is_some());
    values.insert(
        "rehearsal",
        (
            last.and_then(|r| r.variance_pct),
            rb.rehearsals
                .iter()
                .map(|r| {
                    // Hours as the runbook's critical path shows them (language-neutral:
                    // the frozen scorecard is read in either language).
                    format!(
                        "{} · {} · {} h / {} h · {}",
                        r.rehearsal.name,
                        r.rehearsal.held_on,
                        r.total_minutes.map_or("–".into(), |m| crate::domain::targets::figure(m as f64 / 60.0, 2)),
                        crate::domain::targets::figure(rb.critical_hours, 2),
                        r.variance_pct.map_or("–".into(), crate::domain::runbook::signed_pct)
                    )
                })
                .collect(),
            format!("/projects/{id}/cutover#rehearsals"),
        ),
    );

    // Operating procedures: the playbook's operating-rules deliverables, accepted.
    let procs: Vec<_> = crate::entity::deliverable::Entity::find()
        .filter(crate::entity::deliverable::Column::ProjectId.eq(id))
        .filter(crate::entity::deliverable::Column::Key.eq("operating-rules"))
        .order_by_asc(crate::entity::deliverable::Column::Id)
        .all(c)
        .await?;
    let accepted = procs.iter().filter(|d| d.status == "accepted").count();
    values.insert(
        "procedures",
        (
            readiness::pct(accepted, procs.len()),
            procs
                .iter()
                .map(|d| format!("{} {} · {}", d.name_zh, d.name_en, if d.status == "accepted" { "✓" } else { "✗" }))
                .collect(),
            procs.first().map_or(format!("/projects/{id}/work"), |d| format!("/projects/{id}/deliverables/{}", d.id)),
        ),
    );

    // Support team: the names in the thresholds and everyone assigned a hypercare issue.
    let mut names: BTreeSet<String> = t.support_names().into_iter().collect();
    for i in super::hypercare::list(c, id).await? {
        if !i.assignee.trim().is_empty() {
            names.insert(i.assignee.trim().to_string());
        }
    }
    values.insert(
        "support",
        (Some(names.len() as i64), names.into_iter().collect(), format!("/projects/{id}/readiness#thresholds")),
    );

    let criteria: Vec<Criterion> = CRITERIA
        .iter()
        .map(|(key, direction, unit, margin)| {
            let (value, detail, evidence) = values.remove(key).unwrap_or_default();
            let threshold = t.of(key);
            Criterion {
                key: (*key).to_string(),
                value,
                unit: (*unit).to_string(),
                direction: *direction,
                threshold,
                rag: readiness::rag(value, *direction, threshold, *margin),
                detail,
                evidence,
            }
        })
        .collect();
    let count = |r: Rag| criteria.iter().filter(|x| x.rag == r).count();
    let (green, amber, red, not_assessed) =
        (count(Rag::Green), count(Rag::Amber), count(Rag::Red), count(Rag::NotAssessed));
    Ok(Scorecard {
        computed_on: clock::today(p),
        green,
        amber,
        red,
        not_assessed,
        blocking: red + not_assessed,
        criteria,
    })
}

// ---------------------------------------------------------------- go / no-go

/// A decision with the scorecard it froze.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
#[schema(as = ReadinessDecisionRow)]
pub struct DecisionRow {
    pub decision: dec_e::Model,
    pub scorecard: Option<Scorecard>,
}

pub async fn decisions<C: ConnectionTrait>(c: &C, project_id: i32) -> Result<Vec<DecisionRow>> {
    Ok(dec_e::Entity::find()
        .filter(dec_e::Column::ProjectId.eq(project_id))
        .order_by_desc(dec_e::Column::DecidedAt)
        .order_by_desc(dec_e::Column::Id)
        .all(c)
        .await?
        .into_iter()
        .map(|d| DecisionRow { scorecard: serde_json::from_str(&d.scorecard).ok(), decision: d })
        .collect())
}

/// Take the go/no-go decision: the scorecard is computed in the same transaction and kept
/// with it. A "go" while a criterion is red or not assessed needs conditions.
pub async fn decide(
    db: &Db,
    actor: Actor,
    p: &project::Model,
    decision: &str,
    conditions: &str,
) -> Result<dec_e::Model> {
    decide_at(db, actor, p, decision, conditions, now(), clock::today(p)).await
}

/// As [`decide`], recorded at instant `at` on the project's date `on` (the demo's history).
pub async fn decide_at(
    db: &Db,
    actor: Actor,
    p: &project::Model,
    decision: &str,
    conditions: &str,
    at: chrono::DateTime<chrono::Utc>,
    on: NaiveDate,
) -> Result<dec_e::Model> {
    write::transaction_in(db, p.id, async |tx| {
        let (t, _) = thresholds(tx, p.id).await?;
        let mut card = scorecard(tx, p, &t).await?;
        card.computed_on = on;
        let (decision, conditions) = readiness::validate_decision(decision.trim(), conditions, card.blocking)?;
        let who = super::users::get(tx, actor.user_id).await.map(|u| u.name).unwrap_or_default();
        let am = dec_e::ActiveModel {
            project_id: Set(p.id),
            decision: Set(decision),
            conditions: Set(conditions),
            decided_by: Set(actor.user_id),
            decided_by_name: Set(who),
            decided_at: Set(at),
            decided_on: Set(card.computed_on),
            red_count: Set(i32::try_from(card.red).unwrap_or(i32::MAX)),
            scorecard: Set(serde_json::to_string(&card).unwrap_or_default()),
            ..Default::default()
        };
        write::insert::<dec_e::Entity, _>(tx, actor, p.id, am, "decide").await
    })
    .await
}

/// The readiness page (and `GET /api/v1/projects/{id}/readiness`, and the go/no-go record).
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct ReadinessView {
    pub thresholds: Thresholds,
    pub thresholds_version: i32,
    pub scorecard: Scorecard,
    pub decisions: Vec<DecisionRow>,
}

pub async fn view<C: ConnectionTrait>(c: &C, p: &project::Model) -> Result<ReadinessView> {
    let (t, v) = thresholds(c, p.id).await?;
    Ok(ReadinessView {
        scorecard: scorecard(c, p, &t).await?,
        decisions: decisions(c, p.id).await?,
        thresholds: t,
        thresholds_version: v,
    })
}

// ---------------------------------------------------------------- adoption

/// One adoption figure as typed or pushed.
#[derive(Clone, Debug, PartialEq)]
pub struct Figure {
    pub module_key: String,
    /// A functional group (org unit id), 0 for the module as a whole.
    pub unit_id: i32,
    pub date: NaiveDate,
    pub active_users: i32,
    pub planned_users: i32,
    pub source: String,
    pub note: String,
}

/// The entry form as typed.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct RawFigure {
    pub module_key: String,
    pub unit_id: String,
    pub date: String,
    pub active_users: String,
    pub planned_users: String,
    pub note: String,
}

const MAX_USERS: i64 = 10_000_000;

fn users(e: &mut FieldErrors, field: &str, raw: &str) -> i32 {
    match raw.trim().replace(',', "").parse::<i64>() {
        Ok(n) if (0..=MAX_USERS).contains(&n) => n as i32,
        _ => {
            e.add(field, "readiness.err_users");
            0
        }
    }
}

/// Check a figure against the project's modules and functional groups (`units`: id and
/// module of each group). Shared by the form and the push (`source` set by the caller).
pub fn validate_figure(
    raw: &RawFigure,
    modules: &[&str],
    units: &[(i32, Option<String>)],
    source: &str,
) -> std::result::Result<Figure, FieldErrors> {
    let mut e = FieldErrors::default();
    let module_key = raw.module_key.trim().to_string();
    if !modules.contains(&module_key.as_str()) {
        e.add("module_key", "err.choose_from_list");
    }
    let unit_id = match raw.unit_id.trim() {
        "" | "0" => 0,
        s => match s.parse::<i32>().ok().and_then(|u| units.iter().find(|(id, _)| *id == u)) {
            Some((u, m)) if m.as_deref().is_none_or(|m| m == module_key) => *u,
            _ => {
                e.add("unit_id", "readiness.err_group");
                0
            }
        },
    };
    let date = crate::domain::bounds::parse_date(&raw.date);
    if date.is_none() {
        e.add("date", "err.date");
    }
    let active_users = users(&mut e, "active_users", &raw.active_users);
    let planned_users = users(&mut e, "planned_users", &raw.planned_users);
    let note = crate::domain::validation::long_text(&mut e, "note", &raw.note, 500, false);
    e.check()?;
    Ok(Figure {
        module_key,
        unit_id,
        date: date.unwrap_or_default(),
        active_users,
        planned_users,
        source: source.to_string(),
        note,
    })
}

/// The project's modules and functional groups, for validating figures.
pub async fn choices<C: ConnectionTrait>(c: &C, p: &project::Model) -> Result<Vec<(i32, String, Option<String>)>> {
    use crate::entity::org_unit;
    let units = org_unit::Entity::find()
        .filter(org_unit::Column::ProjectId.eq(p.id))
        .filter(org_unit::Column::Kind.eq("group"))
        .order_by_asc(org_unit::Column::Seq)
        .order_by_asc(org_unit::Column::Id)
        .all(c)
        .await?;
    let tv_modules = super::training::view(c, p).await?.coverage;
    Ok(units
        .into_iter()
        .map(|u| {
            let m = tv_modules.iter().find(|g| g.unit_id == u.id).and_then(|g| g.module.clone());
            (u.id, u.name, m)
        })
        .collect())
}

pub use super::targets::Recorded;

/// Record a figure for (module, group, day, source): insert, update its numbers, or do
/// nothing when it is already there (a retried push changes nothing). Audited; `actor` is
/// `None` for pushes with the project's API token.
pub async fn record<C: ConnectionTrait>(c: &C, actor: Option<Actor>, project_id: i32, f: &Figure) -> Result<Recorded> {
    let who = actor.map(|a| a.user_id);
    write::lock_project(c, project_id).await?;
    let existing = fig_e::Entity::find()
        .filter(fig_e::Column::ProjectId.eq(project_id))
        .filter(fig_e::Column::ModuleKey.eq(&f.module_key))
        .filter(fig_e::Column::UnitId.eq(f.unit_id))
        .filter(fig_e::Column::MeasuredOn.eq(f.date))
        .filter(fig_e::Column::Source.eq(&f.source))
        .one(c)
        .await?;
    match existing {
        Some(m) if m.active_users == f.active_users && m.planned_users == f.planned_users && m.note == f.note => {
            Ok(Recorded::Unchanged)
        }
        Some(m) => {
            let am = fig_e::ActiveModel {
                active_users: Set(f.active_users),
                planned_users: Set(f.planned_users),
                note: Set(f.note.clone()),
                ..Default::default()
            };
            let v = m.version;
            let change = write::update_loaded::<fig_e::Entity, _>(c, actor, project_id, m, v, am, "record").await?;
            // A push has no user: audited here as the system's.
            if actor.is_none() {
                let id = change.after.id;
                audit::record_as(
                    c,
                    None,
                    Some(project_id),
                    "adoption_figure",
                    id,
                    "record",
                    Some(&change.before),
                    Some(&change.after),
                )
                .await?;
            }
            Ok(Recorded::Updated)
        }
        None => {
            let at = now();
            let inserted = fig_e::Entity::insert(fig_e::ActiveModel {
                project_id: Set(project_id),
                module_key: Set(f.module_key.clone()),
                unit_id: Set(f.unit_id),
                measured_on: Set(f.date),
                source: Set(f.source.clone()),
                active_users: Set(f.active_users),
                planned_users: Set(f.planned_users),
                note: Set(f.note.clone()),
                version: Set(1),
                created_at: Set(at),
                updated_at: Set(at),
                ..Default::default()
            })
            .exec_with_returning(c)
            .await?;
            audit::record_as(
                c,
                who,
                Some(project_id),
                "adoption_figure",
                inserted.id,
                "record",
                None::<&fig_e::Model>,
                Some(&inserted),
            )
            .await?;
            Ok(Recorded::Created)
        }
    }
}

/// Record an entered figure.
pub async fn enter(db: &Db, actor: Actor, project_id: i32, f: &Figure) -> Result<Recorded> {
    write::transaction(db, async |tx| record(tx, Some(actor), project_id, f).await).await
}

/// Why a push was refused.
#[derive(Clone, Debug, PartialEq)]
pub enum PushError {
    Unauthorized,
    NotFound,
    Invalid(FieldErrors),
}

/// Record a figure pushed by the running CRM with the project's API token.
pub async fn push(
    db: &Db,
    token: &str,
    project_id: i32,
    raw: &RawFigure,
    source: &str,
) -> Result<std::result::Result<Recorded, PushError>> {
    write::transaction(db, async |tx| {
        let found = api_token::Entity::find()
            .filter(api_token::Column::TokenHash.eq(super::sessions::hash_token(token)))
            .one(tx)
            .await?;
        let tok = match found {
            Some(t) if t.revoked_at.is_none() => t,
            _ => return Ok(Err(PushError::Unauthorized)),
        };
        if tok.project_id != project_id {
            return Ok(Err(PushError::NotFound));
        }
        let p = super::projects::get(tx, project_id).await?;
        let units = choices(tx, &p).await?;
        let modules: Vec<&str> = p.modules.split(',').filter(|m| !m.is_empty()).collect();
        let unit_modules: Vec<(i32, Option<String>)> = units.iter().map(|(i, _, m)| (*i, m.clone())).collect();
        let f = match validate_figure(raw, &modules, &unit_modules, source) {
            Ok(f) => f,
            Err(e) => return Ok(Err(PushError::Invalid(e))),
        };
        let r = record(tx, None, project_id, &f).await?;
        api_token::Entity::update_many()
            .set(api_token::ActiveModel { last_used_at: Set(Some(now())), ..Default::default() })
            .filter(api_token::Column::Id.eq(tok.id))
            .exec(tx)
            .await?;
        Ok(Ok(r))
    })
    .await
}

/// One point of an adoption curve: active and planned users summed over the figures of a
/// day (the latest figure of each source and group counts once).
#[derive(Clone, Debug, Serialize, PartialEq, utoipa::ToSchema)]
pub struct Point {
    pub date: NaiveDate,
    pub active: i64,
    pub planned: i64,
    pub pct: Option<i64>,
}

/// The curve of one module or functional group.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct Curve {
    pub module_key: String,
    /// The functional group (0 for the module as a whole).
    pub unit_id: i32,
    pub label: String,
    pub points: Vec<Point>,
    pub latest: Option<Point>,
    /// The latest per cent is below the project's adoption bar.
    pub low: bool,
    pub chart: LineChart,
}

#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct AdoptionView {
    pub adoption_min: i32,
    pub modules: Vec<Curve>,
    pub groups: Vec<Curve>,
    pub figures: Vec<fig_e::Model>,
    /// Modules whose latest adoption is below the bar.
    pub low_modules: Vec<String>,
}

fn points(rows: &[&fig_e::Model]) -> Vec<Point> {
    let mut by: BTreeMap<NaiveDate, (i64, i64)> = BTreeMap::new();
    for r in rows {
        let e = by.entry(r.measured_on).or_default();
        e.0 = e.0.saturating_add(i64::from(r.active_users));
        e.1 = e.1.saturating_add(i64::from(r.planned_users));
    }
    by.into_iter()
        .map(|(date, (active, planned))| Point { date, active, planned, pct: readiness::adoption_pct(active, planned) })
        .collect()
}

fn curve(module_key: &str, unit_id: i32, label: String, pts: Vec<Point>, min: i32, lang: Lang) -> Curve {
    let latest = pts.last().cloned();
    let chart = LineChart {
        title: label.clone(),
        series: vec![
            line::Series {
                style: line::Style::Measured,
                points: pts.iter().map(|p| (p.date, p.active as f64)).collect(),
            },
            line::Series {
                style: line::Style::Forecast,
                points: pts.iter().map(|p| (p.date, p.planned as f64)).collect(),
            },
        ],
        levels: vec![],
        marker: None,
        legend: vec![
            (Some(line::Style::Measured), i18n::t(lang, "readiness.legend_active")),
            (Some(line::Style::Forecast), i18n::t(lang, "readiness.legend_planned")),
        ],
        wan: false,
    };
    Curve {
        low: latest.as_ref().and_then(|p| p.pct).is_some_and(|p| p < i64::from(min)),
        module_key: module_key.to_string(),
        unit_id,
        label,
        points: pts,
        latest,
        chart,
    }
}

/// Modules whose latest adoption (all their figures of the latest day summed) is below
/// `min` per cent: the health signal.
pub fn low_modules(figures: &[fig_e::Model], min: i32) -> Vec<String> {
    let mut by: BTreeMap<&str, Vec<&fig_e::Model>> = BTreeMap::new();
    for f in figures {
        by.entry(f.module_key.as_str()).or_default().push(f);
    }
    by.into_iter()
        .filter(|(_, rows)| points(rows).last().and_then(|p| p.pct).is_some_and(|p| p < i64::from(min)))
        .map(|(m, _)| m.to_string())
        .collect()
}

pub async fn figures<C: ConnectionTrait>(c: &C, project_id: i32) -> Result<Vec<fig_e::Model>> {
    Ok(fig_e::Entity::find()
        .filter(fig_e::Column::ProjectId.eq(project_id))
        .order_by_asc(fig_e::Column::MeasuredOn)
        .order_by_asc(fig_e::Column::Id)
        .all(c)
        .await?)
}

/// Adoption per module and functional group, with a curve each.
pub async fn adoption<C: ConnectionTrait>(c: &C, p: &project::Model, lang: Lang) -> Result<AdoptionView> {
    let (t, _) = thresholds(c, p.id).await?;
    let figs = figures(c, p.id).await?;
    let units = choices(c, p).await?;
    let module_label = |m: &str| i18n::t(lang, &format!("module.{m}"));
    let mut modules = vec![];
    for m in p.modules.split(',').filter(|m| !m.is_empty()) {
        let rows: Vec<&fig_e::Model> = figs.iter().filter(|f| f.module_key == m).collect();
        if !rows.is_empty() {
            modules.push(curve(m, 0, module_label(m), points(&rows), t.adoption_min, lang));
        }
    }
    let mut groups = vec![];
    for (uid, name, _) in &units {
        let rows: Vec<&fig_e::Model> = figs.iter().filter(|f| f.unit_id == *uid).collect();
        if let Some(first) = rows.first() {
            let m = first.module_key.clone();
            let label = format!("{name} · {}", module_label(&m));
            groups.push(curve(&m, *uid, label, points(&rows), t.adoption_min, lang));
        }
    }
    Ok(AdoptionView {
        adoption_min: t.adoption_min,
        low_modules: low_modules(&figs, t.adoption_min),
        modules,
        groups,
        figures: figs,
    })
}

// ---------------------------------------------------------------- go-live acceptance

/// The go-live acceptance: hypercare's exit criteria (with the project's thresholds), the
/// go decision it follows, the scorecard now and adoption.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct Acceptance {
    pub exit: crate::domain::hypercare::Exit,
    pub open_by_severity: [usize; 4],
    pub response_breaches: usize,
    pub resolution_breaches: usize,
    pub go: Option<DecisionRow>,
    pub low_modules: Vec<String>,
    pub readiness: ReadinessView,
    /// Hypercare may close and the go-live be accepted: exit met, a "go" taken, no module
    /// below the adoption bar.
    pub ready: bool,
}

pub async fn acceptance<C: ConnectionTrait>(c: &C, p: &project::Model, lang: Lang) -> Result<Acceptance> {
    let log = super::hypercare::log(c, p, lang).await?;
    let readiness = view(c, p).await?;
    let figs = figures(c, p.id).await?;
    let low_modules = low_modules(&figs, readiness.thresholds.adoption_min);
    let go = readiness.decisions.iter().find(|d| d.decision.decision == "go").cloned();
    Ok(Acceptance {
        ready: log.exit.met && go.is_some() && low_modules.is_empty(),
        exit: log.exit,
        open_by_severity: log.open_by_severity,
        response_breaches: log.response_breaches,
        resolution_breaches: log.resolution_breaches,
        go,
        low_modules,
        readiness,
    })
}
