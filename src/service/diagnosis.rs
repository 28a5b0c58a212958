//! Analysis and diagnosis (phase 3): the as-is process inventory and its scoring, fishbone
//! analyses, the installation and access-control record, data sources and their quality
//! checks over time.
use super::{Actor, Error, Result, write};
use crate::chart::fishbone::{Bone, Fishbone as FishboneChart, Rib};
use crate::chart::matrix::{Item, Kind as MatrixKind, Matrix};
use crate::db::Db;
use crate::domain::diagnosis::{
    self, CAUSE_CATEGORIES, Cause, DATA_ENTITIES, DATA_STATES, ENVIRONMENTS, Quality, Rankable, Scores,
};
use crate::domain::risk::parse_rating;
use crate::domain::validation::{FieldErrors, long_text, required_text};
use crate::entity::{data_source, environment, fishbone, process, project, quality_check};
use crate::i18n::{self, Lang};
use chrono::NaiveDate;
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};
use serde::{Deserialize, Deserializer, Serialize};

fn short_text(e: &mut FieldErrors, field: &str, raw: &str, max: usize) -> String {
    let v = raw.trim();
    if v.chars().count() > max {
        e.add(field, "err.too_long");
    }
    v.to_string()
}

/// A checkbox: ticked when the form sends it with any value.
fn checkbox<'de, D: Deserializer<'de>>(d: D) -> std::result::Result<bool, D::Error> {
    Ok(!String::deserialize(d)?.is_empty())
}

// ---------- processes ----------

#[derive(Clone, Debug, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct RawProcess {
    pub module_key: String,
    pub name: String,
    pub as_is: String,
    pub owner_dept: String,
    pub volume: String,
    pub pain_points: String,
    pub systems: String,
}

pub fn validate_process(raw: &RawProcess, modules: &[String]) -> std::result::Result<RawProcess, FieldErrors> {
    let mut e = FieldErrors::default();
    let out = RawProcess {
        name: required_text(&mut e, "name", &raw.name, 300),
        module_key: raw.module_key.trim().to_string(),
        as_is: long_text(&mut e, "as_is", &raw.as_is, 4000, false),
        owner_dept: short_text(&mut e, "owner_dept", &raw.owner_dept, 200),
        volume: short_text(&mut e, "volume", &raw.volume, 200),
        pain_points: long_text(&mut e, "pain_points", &raw.pain_points, 4000, false),
        systems: long_text(&mut e, "systems", &raw.systems, 2000, false),
    };
    if !modules.contains(&out.module_key) {
        e.add("module_key", "err.choose_from_list");
    }
    e.into_result(out)
}

/// A stored process in the description form's shape.
pub fn raw_process(p: &process::Model) -> RawProcess {
    RawProcess {
        module_key: p.module_key.clone(),
        name: p.name.clone(),
        as_is: p.as_is.clone(),
        owner_dept: p.owner_dept.clone(),
        volume: p.volume.clone(),
        pain_points: p.pain_points.clone(),
        systems: p.systems.clone(),
    }
}

fn process_model(i: &RawProcess) -> process::ActiveModel {
    process::ActiveModel {
        module_key: Set(i.module_key.clone()),
        name: Set(i.name.clone()),
        as_is: Set(i.as_is.clone()),
        owner_dept: Set(i.owner_dept.clone()),
        volume: Set(i.volume.clone()),
        pain_points: Set(i.pain_points.clone()),
        systems: Set(i.systems.clone()),
        ..Default::default()
    }
}

pub async fn create_process(db: &Db, actor: Actor, project_id: i32, i: &RawProcess) -> Result<process::Model> {
    let am = process::ActiveModel {
        project_id: Set(project_id),
        importance: Set(None),
        performance: Set(None),
        feasibility: Set(None),
        justification: Set(String::new()),
        selected: Set(false),
        ..process_model(i)
    };
    write::transaction(db, async |tx| write::insert::<process::Entity, _>(tx, actor, project_id, am, "create").await)
        .await
}

pub async fn update_process(
    db: &Db,
    actor: Actor,
    project_id: i32,
    id: i32,
    version: i32,
    i: &RawProcess,
) -> Result<process::Model> {
    let am = process_model(i);
    write::transaction(db, async |tx| {
        Ok(write::update::<process::Entity, _>(tx, actor, project_id, id, version, am, "update").await?.after)
    })
    .await
}

/// The scoring form: the three criteria (1–5 each), why, and whether it is chosen for
/// redesign.
#[derive(Clone, Debug, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct RawScore {
    pub importance: String,
    pub performance: String,
    pub feasibility: String,
    pub justification: String,
    #[serde(deserialize_with = "checkbox")]
    pub selected: bool,
}

pub struct ScoreInput {
    pub scores: Scores,
    pub justification: String,
    pub selected: bool,
}

pub fn validate_score(raw: &RawScore) -> std::result::Result<ScoreInput, FieldErrors> {
    let mut e = FieldErrors::default();
    let mut one = |field: &str, v: &str| match parse_rating(v) {
        Ok(Some(x)) => x,
        _ => {
            e.add(field, "err.rating");
            0
        }
    };
    let scores = Scores {
        importance: one("importance", &raw.importance),
        performance: one("performance", &raw.performance),
        feasibility: one("feasibility", &raw.feasibility),
    };
    let justification = long_text(&mut e, "justification", &raw.justification, 2000, false);
    e.into_result(ScoreInput { scores, justification, selected: raw.selected })
}

pub async fn score(
    db: &Db,
    actor: Actor,
    project_id: i32,
    id: i32,
    version: i32,
    s: &ScoreInput,
) -> Result<process::Model> {
    let am = process::ActiveModel {
        importance: Set(Some(s.scores.importance)),
        performance: Set(Some(s.scores.performance)),
        feasibility: Set(Some(s.scores.feasibility)),
        justification: Set(s.justification.clone()),
        selected: Set(s.selected),
        ..Default::default()
    };
    write::transaction(db, async |tx| {
        Ok(write::update::<process::Entity, _>(tx, actor, project_id, id, version, am, "score").await?.after)
    })
    .await
}

pub async fn get_process<C: ConnectionTrait>(c: &C, project_id: i32, id: i32) -> Result<process::Model> {
    write::get::<process::Entity, _>(c, project_id, id).await
}

pub async fn processes<C: ConnectionTrait>(c: &C, project_id: i32) -> Result<Vec<process::Model>> {
    Ok(process::Entity::find()
        .filter(process::Column::ProjectId.eq(project_id))
        .order_by_asc(process::Column::ModuleKey)
        .order_by_asc(process::Column::Id)
        .all(c)
        .await?)
}

#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct ProcessView {
    pub process: process::Model,
    pub priority: Option<i32>,
    /// 1-based position in the ranking (scored processes only).
    pub rank: Option<usize>,
}

/// The processes in rank order, with their priority score.
pub fn ranked(ps: Vec<process::Model>) -> Vec<ProcessView> {
    let scores = |p: &process::Model| Scores::from_parts(p.importance, p.performance, p.feasibility);
    let order = diagnosis::rank(
        &ps.iter().map(|p| Rankable { id: p.id, name: &p.name, scores: scores(p) }).collect::<Vec<_>>(),
    );
    order
        .iter()
        .enumerate()
        .filter_map(|(i, id)| {
            let p = ps.iter().find(|p| p.id == *id)?.clone();
            let s = scores(&p);
            Some(ProcessView { priority: s.map(Scores::priority), rank: s.map(|_| i + 1), process: p })
        })
        .collect()
}

// ---------- fishbones ----------

/// Parse the causes box: one cause per line, `category | cause | weight | note`.
pub fn parse_causes(raw: &str) -> std::result::Result<Vec<Cause>, FieldErrors> {
    let mut out = vec![];
    for line in raw.lines().filter(|l| !l.trim().is_empty()) {
        let f: Vec<&str> = line.split('|').map(str::trim).collect();
        let cat = f.first().map(|c| c.to_lowercase()).unwrap_or_default();
        let weight = f.get(2).map_or(Ok(Some(3)), |w| parse_rating(w));
        match (CAUSE_CATEGORIES.contains(&cat.as_str()), f.get(1), weight) {
            (true, Some(text), Ok(w)) if !text.is_empty() && text.chars().count() <= 300 && f.len() <= 4 => {
                out.push(Cause {
                    category: cat,
                    text: text.to_string(),
                    note: f.get(3).map_or(String::new(), |n| n.to_string()),
                    weight: w.unwrap_or(3),
                })
            }
            _ => return Err(FieldErrors::single("causes", "err.cause.line")),
        }
    }
    Ok(out)
}

pub fn causes_text(cs: &[Cause]) -> String {
    cs.iter()
        .map(|c| {
            if c.note.is_empty() {
                format!("{} | {} | {}", c.category, c.text, c.weight)
            } else {
                format!("{} | {} | {} | {}", c.category, c.text, c.weight, c.note)
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The fishbone form: the effect, the process it analyses, the causes box.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct FishboneForm {
    pub effect: String,
    pub process_id: String,
    pub causes: String,
}

pub struct FishboneInput {
    pub effect: String,
    pub process_id: Option<i32>,
    pub causes: Vec<Cause>,
}

pub fn validate_fishbone(
    effect: &str,
    process_id: &str,
    causes: &str,
    processes: &[i32],
) -> std::result::Result<FishboneInput, FieldErrors> {
    let mut e = FieldErrors::default();
    let effect = required_text(&mut e, "effect", effect, 300);
    let process_id = match process_id.trim() {
        "" => None,
        s => match s.parse::<i32>().ok().filter(|id| processes.contains(id)) {
            Some(id) => Some(id),
            None => {
                e.add("process_id", "err.choose_from_list");
                None
            }
        },
    };
    let causes = match parse_causes(causes) {
        Ok(c) => c,
        Err(fe) => {
            e.0.extend(fe.0);
            vec![]
        }
    };
    e.into_result(FishboneInput { effect, process_id, causes })
}

fn causes_json(c: &[Cause]) -> String {
    serde_json::to_string(c).unwrap_or_else(|_| "[]".into())
}

pub fn causes_of(f: &fishbone::Model) -> Vec<Cause> {
    serde_json::from_str(&f.causes).unwrap_or_default()
}

fn fishbone_model(i: &FishboneInput) -> fishbone::ActiveModel {
    fishbone::ActiveModel {
        process_id: Set(i.process_id),
        effect: Set(i.effect.clone()),
        causes: Set(causes_json(&i.causes)),
        ..Default::default()
    }
}

pub async fn create_fishbone(db: &Db, actor: Actor, project_id: i32, i: &FishboneInput) -> Result<fishbone::Model> {
    let am = fishbone::ActiveModel { project_id: Set(project_id), ..fishbone_model(i) };
    write::transaction(db, async |tx| write::insert::<fishbone::Entity, _>(tx, actor, project_id, am, "create").await)
        .await
}

pub async fn update_fishbone(
    db: &Db,
    actor: Actor,
    project_id: i32,
    id: i32,
    version: i32,
    i: &FishboneInput,
) -> Result<fishbone::Model> {
    let am = fishbone_model(i);
    write::transaction(db, async |tx| {
        Ok(write::update::<fishbone::Entity, _>(tx, actor, project_id, id, version, am, "update").await?.after)
    })
    .await
}

pub async fn get_fishbone<C: ConnectionTrait>(c: &C, project_id: i32, id: i32) -> Result<fishbone::Model> {
    write::get::<fishbone::Entity, _>(c, project_id, id).await
}

pub async fn fishbones<C: ConnectionTrait>(c: &C, project_id: i32) -> Result<Vec<fishbone::Model>> {
    Ok(fishbone::Entity::find()
        .filter(fishbone::Column::ProjectId.eq(project_id))
        .order_by_asc(fishbone::Column::Id)
        .all(c)
        .await?)
}

// ---------- installation and access control ----------

#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct RawEnvironment {
    pub kind: String,
    pub sizing: String,
    pub installed_on: String,
    pub security_roles: String,
    #[serde(deserialize_with = "checkbox")]
    pub admin_trained: bool,
}

/// Record (or update) one environment; one row per kind.
pub async fn save_environment(db: &Db, actor: Actor, project_id: i32, raw: &RawEnvironment) -> Result<()> {
    let mut e = FieldErrors::default();
    if !ENVIRONMENTS.contains(&raw.kind.as_str()) {
        e.add("kind", "err.choose_from_list");
    }
    let sizing = long_text(&mut e, "sizing", &raw.sizing, 2000, false);
    let roles = long_text(&mut e, "security_roles", &raw.security_roles, 2000, false);
    let installed_on = match raw.installed_on.trim() {
        "" => None,
        s => {
            let d = crate::domain::bounds::parse_date(s);
            if d.is_none() {
                e.add("installed_on", "err.date");
            }
            d
        }
    };
    e.check()?;
    write::transaction(db, async |tx| {
        let existing = environment::Entity::find()
            .filter(environment::Column::ProjectId.eq(project_id))
            .filter(environment::Column::Kind.eq(raw.kind.as_str()))
            .one(tx)
            .await?;
        let am = environment::ActiveModel {
            sizing: Set(sizing),
            installed_on: Set(installed_on),
            security_roles: Set(roles),
            admin_trained: Set(raw.admin_trained),
            ..Default::default()
        };
        match existing {
            Some(before) => {
                write::update::<environment::Entity, _>(tx, actor, project_id, before.id, before.version, am, "update")
                    .await?;
            }
            None => {
                let am = environment::ActiveModel { project_id: Set(project_id), kind: Set(raw.kind.clone()), ..am };
                write::insert::<environment::Entity, _>(tx, actor, project_id, am, "create").await?;
            }
        }
        Ok(())
    })
    .await
}

pub async fn environments<C: ConnectionTrait>(c: &C, project_id: i32) -> Result<Vec<environment::Model>> {
    Ok(environment::Entity::find().filter(environment::Column::ProjectId.eq(project_id)).all(c).await?)
}

// ---------- data preparation ----------

#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct RawSource {
    pub name: String,
    pub entity: String,
    pub record_count: String,
    pub owner: String,
    pub cleansing: String,
    pub migration: String,
}

pub struct SourceInput {
    pub name: String,
    pub entity: String,
    pub record_count: i64,
    pub owner: String,
    pub cleansing: String,
    pub migration: String,
}

pub fn validate_source(raw: &RawSource) -> std::result::Result<SourceInput, FieldErrors> {
    let mut e = FieldErrors::default();
    let name = required_text(&mut e, "name", &raw.name, 200);
    if !DATA_ENTITIES.contains(&raw.entity.as_str()) {
        e.add("entity", "err.choose_from_list");
    }
    let record_count = match raw.record_count.trim().replace([',', '_', ' '], "").parse::<i64>() {
        Ok(n) if n >= 0 => n,
        _ if raw.record_count.trim().is_empty() => 0,
        _ => {
            e.add("record_count", "err.count");
            0
        }
    };
    let owner = short_text(&mut e, "owner", &raw.owner, 200);
    for (f, v) in [("cleansing", &raw.cleansing), ("migration", &raw.migration)] {
        if !DATA_STATES.contains(&v.as_str()) {
            e.add(f, "err.choose_from_list");
        }
    }
    e.into_result(SourceInput {
        name,
        entity: raw.entity.clone(),
        record_count,
        owner,
        cleansing: raw.cleansing.clone(),
        migration: raw.migration.clone(),
    })
}

fn source_model(i: &SourceInput) -> data_source::ActiveModel {
    data_source::ActiveModel {
        name: Set(i.name.clone()),
        entity: Set(i.entity.clone()),
        record_count: Set(i.record_count),
        owner: Set(i.owner.clone()),
        cleansing: Set(i.cleansing.clone()),
        migration: Set(i.migration.clone()),
        ..Default::default()
    }
}

pub async fn create_source(db: &Db, actor: Actor, project_id: i32, i: &SourceInput) -> Result<data_source::Model> {
    let am = data_source::ActiveModel { project_id: Set(project_id), ..source_model(i) };
    write::transaction(db, async |tx| {
        write::insert::<data_source::Entity, _>(tx, actor, project_id, am, "create").await
    })
    .await
}

pub async fn update_source(
    db: &Db,
    actor: Actor,
    project_id: i32,
    id: i32,
    version: i32,
    i: &SourceInput,
) -> Result<data_source::Model> {
    let am = source_model(i);
    write::transaction(db, async |tx| {
        Ok(write::update::<data_source::Entity, _>(tx, actor, project_id, id, version, am, "update").await?.after)
    })
    .await
}

pub async fn get_source<C: ConnectionTrait>(c: &C, project_id: i32, id: i32) -> Result<data_source::Model> {
    write::get::<data_source::Entity, _>(c, project_id, id).await
}

/// The quality check form of a source.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct CheckForm {
    pub measured_on: String,
    pub completeness: String,
    pub duplicates: String,
    pub validity: String,
}

/// Record a quality check of a source: completeness, duplicates and validity in percent.
pub async fn add_check(
    db: &Db,
    actor: Actor,
    project_id: i32,
    source_id: i32,
    date: &str,
    q: [&str; 3],
) -> Result<quality_check::Model> {
    let mut e = FieldErrors::default();
    let measured_on = crate::domain::bounds::parse_date(date.trim());
    if measured_on.is_none() {
        e.add("measured_on", "err.date");
    }
    let mut pct = |f: &str, v: &str| {
        diagnosis::parse_percent(v).unwrap_or_else(|| {
            e.add(f, "err.pct");
            0.0
        })
    };
    let quality = Quality {
        completeness: pct("completeness", q[0]),
        duplicates: pct("duplicates", q[1]),
        validity: pct("validity", q[2]),
    };
    e.check()?;
    let measured_on = measured_on.ok_or(Error::NotFound)?;
    write::transaction(db, async |tx| {
        get_source(tx, project_id, source_id).await?;
        let taken = quality_check::Entity::find()
            .filter(quality_check::Column::SourceId.eq(source_id))
            .filter(quality_check::Column::MeasuredOn.eq(measured_on))
            .one(tx)
            .await?;
        if taken.is_some() {
            return Err(FieldErrors::single("measured_on", "err.quality_date_taken").into());
        }
        let am = quality_check::ActiveModel {
            project_id: Set(project_id),
            source_id: Set(source_id),
            measured_on: Set(measured_on),
            completeness: Set(quality.completeness),
            duplicates: Set(quality.duplicates),
            validity: Set(quality.validity),
            created_by: Set(actor.user_id),
            ..Default::default()
        };
        write::insert::<quality_check::Entity, _>(tx, actor, project_id, am, "measure").await
    })
    .await
}

/// A data source with its checks (oldest first) and the latest figures.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct SourceView {
    pub source: data_source::Model,
    pub checks: Vec<quality_check::Model>,
    pub latest: Option<quality_check::Model>,
    /// The latest figures meet the go-live bar (see `domain::diagnosis::quality_ok`).
    pub ok: Option<bool>,
}

pub async fn sources<C: ConnectionTrait>(c: &C, project_id: i32) -> Result<Vec<SourceView>> {
    let srcs = data_source::Entity::find()
        .filter(data_source::Column::ProjectId.eq(project_id))
        .order_by_asc(data_source::Column::Id)
        .all(c)
        .await?;
    let checks = quality_check::Entity::find()
        .filter(quality_check::Column::ProjectId.eq(project_id))
        .order_by_asc(quality_check::Column::MeasuredOn)
        .all(c)
        .await?;
    Ok(srcs
        .into_iter()
        .map(|s| {
            let mine: Vec<_> = checks.iter().filter(|c| c.source_id == s.id).cloned().collect();
            let latest = mine.last().cloned();
            let ok = latest.as_ref().map(|l| {
                diagnosis::quality_ok(&Quality {
                    completeness: l.completeness,
                    duplicates: l.duplicates,
                    validity: l.validity,
                })
            });
            SourceView { source: s, checks: mine, latest, ok }
        })
        .collect())
}

// ---------- the pages' views ----------

/// The priority matrix: importance up, poor performance across, dots shaded by feasibility
/// and numbered by rank.
pub fn priority_matrix(ranked: &[ProcessView], lang: Lang) -> Matrix {
    let items = ranked
        .iter()
        .filter_map(|v| {
            let p = &v.process;
            Some(Item {
                x: p.performance?,
                y: p.importance?,
                label: v.rank?.to_string(),
                title: format!("{}. {} ({})", v.rank?, p.name, v.priority?),
                shade: p.feasibility.map(|f| (f - 1).clamp(0, 4) as u8),
            })
        })
        .collect();
    let tick = |k: &str| std::array::from_fn(|i| format!("{} {}", i + 1, i18n::t(lang, &format!("{k}{}", i + 1))));
    Matrix {
        kind: MatrixKind::Priority,
        x_label: i18n::t(lang, "diag.performance"),
        y_label: i18n::t(lang, "diag.importance"),
        x_ticks: tick("diag.performance_"),
        y_ticks: tick("diag.importance_"),
        items,
    }
}

/// The fishbone chart of an analysis, bones named in the reader's language.
pub fn fishbone_chart(f: &fishbone::Model, lang: Lang) -> FishboneChart {
    let causes = causes_of(f);
    let bones = CAUSE_CATEGORIES
        .iter()
        .map(|c| Bone {
            label: i18n::t(lang, &format!("diag.cat.{c}")),
            ribs: causes
                .iter()
                .filter(|x| x.category == *c)
                .map(|x| Rib { text: x.text.clone(), note: x.note.clone(), weight: x.weight })
                .collect(),
        })
        .collect();
    FishboneChart { effect: f.effect.clone(), bones }
}

/// A CRM module of the project as the pages name it.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct ModuleChoice {
    pub key: String,
    pub name_en: String,
    pub name_zh: String,
}

async fn module_choices<C: ConnectionTrait>(c: &C, project_id: i32) -> Result<Vec<ModuleChoice>> {
    Ok(super::modules::modules(c, project_id)
        .await?
        .into_iter()
        .map(|m| ModuleChoice { key: m.key, name_en: m.name_en, name_zh: m.name_zh })
        .collect())
}

/// The ids of the project's processes (what a fishbone or a blueprint may refer to).
pub async fn process_ids<C: ConnectionTrait>(c: &C, project_id: i32) -> Result<Vec<i32>> {
    Ok(processes(c, project_id).await?.into_iter().map(|p| p.id).collect())
}

/// The keys of the project's modules (what a process may belong to).
pub async fn module_keys<C: ConnectionTrait>(c: &C, project_id: i32) -> Result<Vec<String>> {
    Ok(module_choices(c, project_id).await?.into_iter().map(|m| m.key).collect())
}

/// The inventory of one module, in rank order.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct ModuleGroup {
    pub module: ModuleChoice,
    pub rows: Vec<ProcessView>,
}

/// A fishbone analysis with its causes, the process it analyses and its chart.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct FishboneView {
    pub f: fishbone::Model,
    pub causes: Vec<Cause>,
    pub process: Option<String>,
    pub chart: FishboneChart,
}

/// One environment kind and its record, if kept.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct EnvironmentRow {
    pub kind: &'static str,
    pub env: Option<environment::Model>,
}

/// The diagnosis figures: how many processes, scored and chosen; data sources checked and
/// meeting the go-live bar.
#[derive(Clone, Copy, Debug, Default, Serialize, utoipa::ToSchema)]
pub struct DiagnosisSummary {
    pub processes: usize,
    pub scored: usize,
    pub selected: usize,
    pub fishbones: usize,
    pub sources: usize,
    pub sources_checked: usize,
    pub sources_ok: usize,
}

/// Everything the diagnosis page shows, and the API returns.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct DiagnosisView {
    pub processes: Vec<process::Model>,
    /// The processes in rank order with their priority.
    pub ranked: Vec<ProcessView>,
    pub groups: Vec<ModuleGroup>,
    pub modules: Vec<ModuleChoice>,
    pub matrix: Matrix,
    pub fishbones: Vec<FishboneView>,
    pub environments: Vec<EnvironmentRow>,
    pub sources: Vec<SourceView>,
    pub summary: DiagnosisSummary,
    /// The project's today (default date of a quality check).
    pub today: NaiveDate,
}

pub async fn view<C: ConnectionTrait>(c: &C, p: &project::Model, lang: Lang) -> Result<DiagnosisView> {
    let procs = processes(c, p.id).await?;
    let ranked = ranked(procs.clone());
    let modules = module_choices(c, p.id).await?;
    // The inventory grouped by module, in the order of the project's modules.
    let groups = modules
        .iter()
        .filter_map(|m| {
            let rows: Vec<ProcessView> = ranked.iter().filter(|v| v.process.module_key == m.key).cloned().collect();
            (!rows.is_empty()).then(|| ModuleGroup { module: m.clone(), rows })
        })
        .collect();
    let fishbones: Vec<FishboneView> = fishbones(c, p.id)
        .await?
        .into_iter()
        .map(|f| FishboneView {
            process: procs.iter().find(|x| Some(x.id) == f.process_id).map(|x| x.name.clone()),
            causes: causes_of(&f),
            chart: fishbone_chart(&f, lang),
            f,
        })
        .collect();
    let envs = environments(c, p.id).await?;
    let environments = ENVIRONMENTS
        .iter()
        .map(|k| EnvironmentRow { kind: k, env: envs.iter().find(|e| e.kind == *k).cloned() })
        .collect();
    let sources = sources(c, p.id).await?;
    let summary = DiagnosisSummary {
        processes: procs.len(),
        scored: ranked.iter().filter(|v| v.rank.is_some()).count(),
        selected: procs.iter().filter(|x| x.selected).count(),
        fishbones: fishbones.len(),
        sources: sources.len(),
        sources_checked: sources.iter().filter(|s| s.ok.is_some()).count(),
        sources_ok: sources.iter().filter(|s| s.ok == Some(true)).count(),
    };
    Ok(DiagnosisView {
        matrix: priority_matrix(&ranked, lang),
        processes: procs,
        ranked,
        groups,
        modules,
        fishbones,
        environments,
        sources,
        summary,
        today: super::clock::today(p),
    })
}

/// A process's page: the process, its place in the ranking, the modules it may belong to.
#[derive(Clone, Debug, Serialize)]
pub struct ProcessPage {
    pub p: process::Model,
    pub view: Option<ProcessView>,
    pub modules: Vec<ModuleChoice>,
}

pub async fn process_page<C: ConnectionTrait>(c: &C, project_id: i32, id: i32) -> Result<ProcessPage> {
    let p = get_process(c, project_id, id).await?;
    let view = ranked(processes(c, project_id).await?).into_iter().find(|v| v.process.id == id);
    Ok(ProcessPage { p, view, modules: module_choices(c, project_id).await? })
}

/// A fishbone's page: the analysis, its chart, the processes it may analyse.
#[derive(Clone, Debug, Serialize)]
pub struct FishbonePage {
    pub f: fishbone::Model,
    pub causes: Vec<Cause>,
    pub chart: FishboneChart,
    pub processes: Vec<process::Model>,
}

pub async fn fishbone_page<C: ConnectionTrait>(c: &C, project_id: i32, id: i32, lang: Lang) -> Result<FishbonePage> {
    let f = get_fishbone(c, project_id, id).await?;
    Ok(FishbonePage {
        causes: causes_of(&f),
        chart: fishbone_chart(&f, lang),
        processes: processes(c, project_id).await?,
        f,
    })
}
