//! Phase 6 completed (issue 13): operating rules and procedures for the new system, drawn
//! from the blueprint's rule changes and approved by the director or the steering committee;
//! and the data conversion trial — per data source, trial loads with records loaded,
//! rejected and reconciled, compared with the source count and the quality bar
//! (`domain::conversion`). One view per page (`rules_view`, `conversion_view`), read by the
//! pages, the API and the documents.
use super::{Actor, Result, write};
use crate::db::Db;
use crate::domain::bounds::parse_date;
use crate::domain::conversion::{self, TrialResult};
use crate::domain::validation::{FieldErrors, long_text, required_text};
use crate::entity::{blueprint, conversion_trial, data_source, operating_rule, project};
use chrono::NaiveDate;
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};
use serde::{Deserialize, Serialize};

// ---------------------------------------------------------------- operating rules

/// The operating-rule form as typed.
#[derive(Clone, Debug, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct RawRule {
    pub title: String,
    pub blueprint_id: String,
    pub owner: String,
    pub body: String,
    pub effective_on: String,
}

#[derive(Clone, Debug, PartialEq)]
pub struct RuleInput {
    pub title: String,
    pub blueprint_id: Option<i32>,
    pub owner: String,
    pub body: String,
    pub effective_on: Option<NaiveDate>,
}

fn opt_date(e: &mut FieldErrors, field: &str, raw: &str) -> Option<NaiveDate> {
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

/// A title, an owner and the text are required; the process must be one of the project's
/// to-be processes.
pub fn validate_rule(raw: &RawRule, blueprints: &[i32]) -> std::result::Result<RuleInput, FieldErrors> {
    let mut e = FieldErrors::default();
    let title = required_text(&mut e, "title", &raw.title, 300);
    let blueprint_id = match raw.blueprint_id.trim() {
        "" => None,
        s => match s.parse::<i32>().ok().filter(|id| blueprints.contains(id)) {
            Some(id) => Some(id),
            None => {
                e.add("blueprint_id", "err.choose_from_list");
                None
            }
        },
    };
    let owner = required_text(&mut e, "owner", &raw.owner, 200);
    let body = long_text(&mut e, "body", &raw.body, 20_000, true);
    let effective_on = opt_date(&mut e, "effective_on", &raw.effective_on);
    e.into_result(RuleInput { title, blueprint_id, owner, body, effective_on })
}

fn rule_am(i: &RuleInput) -> operating_rule::ActiveModel {
    operating_rule::ActiveModel {
        title: Set(i.title.clone()),
        blueprint_id: Set(i.blueprint_id),
        owner: Set(i.owner.clone()),
        body: Set(i.body.clone()),
        effective_on: Set(i.effective_on),
        ..Default::default()
    }
}

pub async fn create_rule(db: &Db, actor: Actor, project_id: i32, i: &RuleInput) -> Result<operating_rule::Model> {
    let mut am = rule_am(i);
    am.project_id = Set(project_id);
    am.approved_by = Set(String::new());
    am.approved_on = Set(None);
    write::transaction(db, async |tx| {
        write::insert::<operating_rule::Entity, _>(tx, actor, project_id, am, "create").await
    })
    .await
}

/// Edit a rule. A changed title, process or text needs approving again: the approval is
/// cleared (an owner or effective date alone keeps it).
pub async fn update_rule(
    db: &Db,
    actor: Actor,
    project_id: i32,
    id: i32,
    version: i32,
    i: &RuleInput,
) -> Result<operating_rule::Model> {
    write::transaction(db, async |tx| {
        let before = write::get::<operating_rule::Entity, _>(tx, project_id, id).await?;
        let mut am = rule_am(i);
        if before.title != i.title || before.body != i.body || before.blueprint_id != i.blueprint_id {
            am.approved_by = Set(String::new());
            am.approved_on = Set(None);
        }
        Ok(write::update_loaded::<operating_rule::Entity, _>(
            tx,
            Some(actor),
            project_id,
            before,
            version,
            am,
            "update",
        )
        .await?
        .after)
    })
    .await
}

/// Approve the rule's current text: the approver's name and the project's today.
pub async fn approve_rule(
    db: &Db,
    actor: Actor,
    project_id: i32,
    id: i32,
    version: i32,
    by: &str,
    today: NaiveDate,
) -> Result<operating_rule::Model> {
    let am = operating_rule::ActiveModel {
        approved_by: Set(by.chars().take(200).collect()),
        approved_on: Set(Some(today)),
        ..Default::default()
    };
    write::transaction(db, async |tx| {
        Ok(write::update::<operating_rule::Entity, _>(tx, actor, project_id, id, version, am, "approve").await?.after)
    })
    .await
}

pub async fn get_rule<C: ConnectionTrait>(c: &C, project_id: i32, id: i32) -> Result<operating_rule::Model> {
    write::get::<operating_rule::Entity, _>(c, project_id, id).await
}

/// A rule as lists show it.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct RuleRow {
    pub rule: operating_rule::Model,
    pub process: Option<String>,
    pub approved: bool,
    /// Approved and in force on the project's today.
    pub in_force: bool,
}

/// A to-be process whose blueprint changes its rules, and how many operating rules govern it.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct RuleSource {
    pub blueprint_id: i32,
    pub name: String,
    pub revision: i32,
    /// The blueprint's rule changes, as written there.
    pub rules: String,
    pub written: usize,
}

/// The Operating rules page.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct RulesView {
    pub rules: Vec<RuleRow>,
    /// Blueprints with rule changes: the sources procedures are drawn from.
    pub sources: Vec<RuleSource>,
    /// Blueprints with rule changes and no operating rule yet.
    pub uncovered: usize,
    pub approved: usize,
    pub pending: usize,
    pub blueprints: Vec<(i32, String)>,
}

pub async fn rules_view<C: ConnectionTrait>(c: &C, project: &project::Model) -> Result<RulesView> {
    let today = super::clock::today(project);
    let bps = blueprint::Entity::find()
        .filter(blueprint::Column::ProjectId.eq(project.id))
        .order_by_asc(blueprint::Column::Id)
        .all(c)
        .await?;
    let rows = operating_rule::Entity::find()
        .filter(operating_rule::Column::ProjectId.eq(project.id))
        .order_by_asc(operating_rule::Column::Id)
        .all(c)
        .await?;
    let name = |id: Option<i32>| id.and_then(|id| bps.iter().find(|b| b.id == id)).map(|b| b.name.clone());
    let rules: Vec<RuleRow> = rows
        .into_iter()
        .map(|r| {
            let approved = r.approved_on.is_some();
            RuleRow {
                process: name(r.blueprint_id),
                approved,
                in_force: approved && r.effective_on.is_some_and(|d| d <= today),
                rule: r,
            }
        })
        .collect();
    let sources: Vec<RuleSource> = bps
        .iter()
        .filter_map(|b| {
            let content = super::blueprint::content_of(&b.content);
            (!content.rules.trim().is_empty()).then(|| RuleSource {
                blueprint_id: b.id,
                name: b.name.clone(),
                revision: b.revision,
                written: rules.iter().filter(|r| r.rule.blueprint_id == Some(b.id)).count(),
                rules: content.rules,
            })
        })
        .collect();
    Ok(RulesView {
        uncovered: sources.iter().filter(|s| s.written == 0).count(),
        approved: rules.iter().filter(|r| r.approved).count(),
        pending: rules.iter().filter(|r| !r.approved).count(),
        blueprints: bps.iter().map(|b| (b.id, b.name.clone())).collect(),
        rules,
        sources,
    })
}

/// The form prefilled from a blueprint's rule changes (a draft the author edits).
pub fn draft_from(s: &RuleSource, lang: crate::i18n::Lang) -> RawRule {
    RawRule {
        title: crate::i18n::tf(lang, "phase6.draft_title", &[("process", &s.name)]),
        blueprint_id: s.blueprint_id.to_string(),
        owner: String::new(),
        body: s.rules.clone(),
        effective_on: String::new(),
    }
}

// ---------------------------------------------------------------- conversion trial

/// The trial-load form as typed.
#[derive(Clone, Debug, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct RawTrial {
    pub source_id: String,
    pub trial_on: String,
    pub source_count: String,
    pub loaded: String,
    pub rejected: String,
    pub reconciled: String,
    pub notes: String,
}

#[derive(Clone, Debug, PartialEq)]
pub struct TrialInput {
    pub source_id: i32,
    pub trial_on: NaiveDate,
    pub source_count: i64,
    pub loaded: i64,
    pub rejected: i64,
    pub reconciled: i64,
    pub notes: String,
}

/// Most records a count may hold (a trillion: far beyond any CRM source, far below overflow).
const COUNT_MAX: i64 = 1_000_000_000_000;

fn count(e: &mut FieldErrors, field: &str, raw: &str) -> i64 {
    let s: String = raw.trim().chars().filter(|c| !matches!(c, ',' | '_' | ' ')).collect();
    match s.parse::<i64>() {
        Ok(n) if (0..=COUNT_MAX).contains(&n) => n,
        _ => {
            e.add(field, "err.count");
            0
        }
    }
}

/// A data source of the project, a date not after `today`, whole counts; loaded and
/// rejected together cannot exceed the source, nor reconciled the loaded.
pub fn validate_trial(
    raw: &RawTrial,
    sources: &[i32],
    today: NaiveDate,
) -> std::result::Result<TrialInput, FieldErrors> {
    let mut e = FieldErrors::default();
    let source_id = match raw.source_id.trim().parse::<i32>().ok().filter(|id| sources.contains(id)) {
        Some(id) => id,
        None => {
            e.add("source_id", "err.choose_from_list");
            0
        }
    };
    let trial_on = match raw.trial_on.trim() {
        "" => today,
        s => match parse_date(s) {
            Some(d) if d <= today => d,
            Some(_) => {
                e.add("trial_on", "err.future_date");
                today
            }
            None => {
                e.add("trial_on", "err.date");
                today
            }
        },
    };
    let source_count = count(&mut e, "source_count", &raw.source_count);
    let loaded = count(&mut e, "loaded", &raw.loaded);
    let rejected = count(&mut e, "rejected", &raw.rejected);
    let reconciled = count(&mut e, "reconciled", &raw.reconciled);
    if e.is_empty() {
        if loaded.saturating_add(rejected) > source_count {
            e.add("loaded", "err.trial_exceeds_source");
        }
        if reconciled > loaded {
            e.add("reconciled", "err.reconciled_exceeds_loaded");
        }
    }
    let notes = long_text(&mut e, "notes", &raw.notes, 4000, false);
    e.into_result(TrialInput { source_id, trial_on, source_count, loaded, rejected, reconciled, notes })
}

fn trial_am(i: &TrialInput) -> conversion_trial::ActiveModel {
    conversion_trial::ActiveModel {
        source_id: Set(i.source_id),
        trial_on: Set(i.trial_on),
        source_count: Set(i.source_count),
        loaded: Set(i.loaded),
        rejected: Set(i.rejected),
        reconciled: Set(i.reconciled),
        notes: Set(i.notes.clone()),
        ..Default::default()
    }
}

pub async fn create_trial(db: &Db, actor: Actor, project_id: i32, i: &TrialInput) -> Result<conversion_trial::Model> {
    let mut am = trial_am(i);
    am.project_id = Set(project_id);
    write::transaction(db, async |tx| {
        write::get::<data_source::Entity, _>(tx, project_id, i.source_id).await?;
        write::insert::<conversion_trial::Entity, _>(tx, actor, project_id, am, "create").await
    })
    .await
}

pub async fn update_trial(
    db: &Db,
    actor: Actor,
    project_id: i32,
    id: i32,
    version: i32,
    i: &TrialInput,
) -> Result<conversion_trial::Model> {
    write::transaction(db, async |tx| {
        write::get::<data_source::Entity, _>(tx, project_id, i.source_id).await?;
        Ok(write::update::<conversion_trial::Entity, _>(tx, actor, project_id, id, version, trial_am(i), "update")
            .await?
            .after)
    })
    .await
}

pub async fn get_trial<C: ConnectionTrait>(c: &C, project_id: i32, id: i32) -> Result<conversion_trial::Model> {
    write::get::<conversion_trial::Entity, _>(c, project_id, id).await
}

/// A trial load with its comparison.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct TrialRow {
    pub trial: conversion_trial::Model,
    pub result: TrialResult,
    pub load_rate: String,
    pub reject_rate: String,
    pub reconcile_rate: String,
}

/// A data source with its trial loads, newest first.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct SourceTrials {
    pub source: data_source::Model,
    pub trials: Vec<TrialRow>,
    /// The latest trial meets the bar (`None`: no trial yet).
    pub latest_met: Option<bool>,
}

/// The Conversion trial page.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct ConversionView {
    pub sources: Vec<SourceTrials>,
    /// Sources whose latest trial meets the bar, out of all sources.
    pub sources_met: usize,
    pub sources_tried: usize,
    pub load_min: u64,
    pub reconcile_min: u64,
}

pub async fn conversion_view<C: ConnectionTrait>(c: &C, project: &project::Model) -> Result<ConversionView> {
    let sources = data_source::Entity::find()
        .filter(data_source::Column::ProjectId.eq(project.id))
        .order_by_asc(data_source::Column::Id)
        .all(c)
        .await?;
    let trials = conversion_trial::Entity::find()
        .filter(conversion_trial::Column::ProjectId.eq(project.id))
        .order_by_desc(conversion_trial::Column::TrialOn)
        .order_by_desc(conversion_trial::Column::Id)
        .all(c)
        .await?;
    let sources: Vec<SourceTrials> = sources
        .into_iter()
        .map(|s| {
            let trials: Vec<TrialRow> = trials
                .iter()
                .filter(|t| t.source_id == s.id)
                .map(|t| {
                    let result =
                        conversion::evaluate(t.source_count, t.loaded, t.rejected, t.reconciled, s.record_count);
                    TrialRow {
                        load_rate: conversion::pct(result.load_rate_tenths),
                        reject_rate: conversion::pct(result.reject_rate_tenths),
                        reconcile_rate: conversion::pct(result.reconcile_rate_tenths),
                        result,
                        trial: t.clone(),
                    }
                })
                .collect();
            SourceTrials { latest_met: trials.first().map(|t| t.result.met), trials, source: s }
        })
        .collect();
    Ok(ConversionView {
        sources_met: sources.iter().filter(|s| s.latest_met == Some(true)).count(),
        sources_tried: sources.iter().filter(|s| s.latest_met.is_some()).count(),
        sources,
        load_min: conversion::LOAD_MIN,
        reconcile_min: conversion::RECONCILE_MIN,
    })
}

/// The data sources' ids (the trial form's choices).
pub async fn source_ids<C: ConnectionTrait>(c: &C, project_id: i32) -> Result<Vec<(i32, String, i64)>> {
    Ok(data_source::Entity::find()
        .filter(data_source::Column::ProjectId.eq(project_id))
        .order_by_asc(data_source::Column::Id)
        .all(c)
        .await?
        .into_iter()
        .map(|s| (s.id, s.name, s.record_count))
        .collect())
}
