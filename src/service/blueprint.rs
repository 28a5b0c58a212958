//! The business blueprint (phase 4): to-be processes as ordered steps with the rules, people
//! changes and targets they need; every revision kept with who, when and why; the
//! process-to-module map that feeds the modules' feature checklists.
use super::{Actor, Error, Result, now, write};
use crate::chart::swimlane::Lane;
use crate::db::Db;
use crate::domain::diagnosis::{Content, DiffLine, diff, parse_steps};
use crate::domain::validation::{FieldErrors, long_text, required_text};
use crate::entity::{blueprint, blueprint_revision, crm_module, module_feature, process};
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};
use serde::{Deserialize, Serialize};

/// The blueprint form. `targets` is a multiple choice: the caller fills it from every
/// value the form sent.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct RawBlueprint {
    pub name: String,
    pub process_id: String,
    pub steps: String,
    pub rules: String,
    pub people: String,
    #[serde(skip_deserializing)]
    pub targets: Vec<String>,
    pub reason: String,
}

pub struct BlueprintInput {
    pub name: String,
    pub process_id: Option<i32>,
    pub content: Content,
    pub reason: String,
}

/// Validate the form. `processes` and `targets` are the ids / keys that may be referred to;
/// a revision (`revising`) needs its reason.
pub fn validate(
    raw: &RawBlueprint,
    processes: &[i32],
    targets: &[String],
    revising: bool,
) -> std::result::Result<BlueprintInput, FieldErrors> {
    let mut e = FieldErrors::default();
    let name = required_text(&mut e, "name", &raw.name, 300);
    let process_id = match raw.process_id.trim() {
        "" => None,
        s => match s.parse::<i32>().ok().filter(|id| processes.contains(id)) {
            Some(id) => Some(id),
            None => {
                e.add("process_id", "err.choose_from_list");
                None
            }
        },
    };
    let steps = match parse_steps(&raw.steps) {
        Ok(s) if s.is_empty() => {
            e.add("steps", "err.required");
            s
        }
        Ok(s) => s,
        Err(_) => {
            e.add("steps", "err.steps_line");
            vec![]
        }
    };
    if raw.steps.chars().count() > 20_000 {
        e.add("steps", "err.too_long");
    }
    let rules = long_text(&mut e, "rules", &raw.rules, 4000, false);
    let people = long_text(&mut e, "people", &raw.people, 4000, false);
    let mut tks = vec![];
    for t in &raw.targets {
        if !targets.contains(t) {
            e.add("targets", "err.choose_from_list");
        } else if !tks.contains(t) {
            tks.push(t.clone());
        }
    }
    let reason = long_text(&mut e, "reason", &raw.reason, 2000, false);
    if revising && reason.is_empty() {
        e.add("reason", "err.revision_reason");
    }
    e.into_result(BlueprintInput { name, process_id, content: Content { steps, rules, people, targets: tks }, reason })
}

fn json(c: &Content) -> String {
    serde_json::to_string(c).unwrap_or_else(|_| "{}".into())
}

pub fn content_of(s: &str) -> Content {
    serde_json::from_str(s).unwrap_or_default()
}

async fn add_revision<C: ConnectionTrait>(
    c: &C,
    actor: Actor,
    b: &blueprint::Model,
    reason: &str,
) -> Result<blueprint_revision::Model> {
    Ok(blueprint_revision::Entity::insert(blueprint_revision::ActiveModel {
        project_id: Set(b.project_id),
        blueprint_id: Set(b.id),
        revision: Set(b.revision),
        content: Set(b.content.clone()),
        reason: Set(reason.to_string()),
        created_by: Set(actor.user_id),
        created_at: Set(now()),
        ..Default::default()
    })
    .exec_with_returning(c)
    .await?)
}

pub async fn create(db: &Db, actor: Actor, project_id: i32, i: &BlueprintInput) -> Result<blueprint::Model> {
    let am = blueprint::ActiveModel {
        project_id: Set(project_id),
        process_id: Set(i.process_id),
        name: Set(i.name.clone()),
        content: Set(json(&i.content)),
        revision: Set(1),
        ..Default::default()
    };
    write::transaction(db, async |tx| {
        let b = write::insert::<blueprint::Entity, _>(tx, actor, project_id, am, "create").await?;
        add_revision(tx, actor, &b, &i.reason).await?;
        Ok(b)
    })
    .await
}

/// Revise the blueprint (typically after the prototype tests of phase 5): the new content
/// becomes the next revision, kept with who, when and why.
pub async fn revise(
    db: &Db,
    actor: Actor,
    project_id: i32,
    id: i32,
    version: i32,
    i: &BlueprintInput,
) -> Result<blueprint::Model> {
    write::transaction(db, async |tx| Ok(revise_in(tx, actor, project_id, id, version, i).await?.0)).await
}

/// The revision inside a caller's transaction (a failed prototype test revises the blueprint
/// and links its defect in one): the blueprint after, and the revision row written.
pub(crate) async fn revise_in<C: ConnectionTrait>(
    tx: &C,
    actor: Actor,
    project_id: i32,
    id: i32,
    version: i32,
    i: &BlueprintInput,
) -> Result<(blueprint::Model, blueprint_revision::Model)> {
    let before = get(tx, project_id, id).await?;
    let am = blueprint::ActiveModel {
        process_id: Set(i.process_id),
        name: Set(i.name.clone()),
        content: Set(json(&i.content)),
        revision: Set(before.revision.saturating_add(1)),
        ..Default::default()
    };
    let after = write::update::<blueprint::Entity, _>(tx, actor, project_id, id, version, am, "revise").await?.after;
    let rev = add_revision(tx, actor, &after, &i.reason).await?;
    Ok((after, rev))
}

pub async fn get<C: ConnectionTrait>(c: &C, project_id: i32, id: i32) -> Result<blueprint::Model> {
    write::get::<blueprint::Entity, _>(c, project_id, id).await
}

pub async fn list<C: ConnectionTrait>(c: &C, project_id: i32) -> Result<Vec<blueprint::Model>> {
    Ok(blueprint::Entity::find()
        .filter(blueprint::Column::ProjectId.eq(project_id))
        .order_by_asc(blueprint::Column::Id)
        .all(c)
        .await?)
}

#[derive(Clone, Debug, Serialize)]
pub struct RevisionView {
    pub revision: blueprint_revision::Model,
    pub by: String,
}

/// Revisions, newest first, with who made them.
pub async fn revisions<C: ConnectionTrait>(c: &C, blueprint_id: i32) -> Result<Vec<RevisionView>> {
    let rows = blueprint_revision::Entity::find()
        .filter(blueprint_revision::Column::BlueprintId.eq(blueprint_id))
        .order_by_desc(blueprint_revision::Column::Revision)
        .all(c)
        .await?;
    let names = super::user_names(c, rows.iter().map(|r| r.created_by)).await?;
    Ok(rows
        .into_iter()
        .map(|r| RevisionView { by: names.get(&r.created_by).cloned().unwrap_or_default(), revision: r })
        .collect())
}

/// The readable diff from revision `from` to revision `to`.
pub fn diff_of(revs: &[RevisionView], from: i32, to: i32) -> Option<Vec<DiffLine>> {
    let get = |n: i32| revs.iter().find(|r| r.revision.revision == n).map(|r| content_of(&r.revision.content));
    Some(diff(&get(from)?.lines(), &get(to)?.lines()))
}

/// One line of the process-to-module map: a module, the processes it supports (inventory
/// and blueprint steps) and the features the blueprints use, matched to its checklist.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct ModuleMapRow {
    pub module: crm_module::Model,
    pub processes: Vec<String>,
    /// Checklist features named by blueprint steps, with their checklist status.
    pub needed: Vec<module_feature::Model>,
    /// Features named by blueprint steps that the checklist does not have yet.
    pub missing: Vec<String>,
}

pub async fn module_map<C: ConnectionTrait>(
    c: &C,
    project_id: i32,
    processes: &[process::Model],
) -> Result<Vec<ModuleMapRow>> {
    let modules = crm_module::Entity::find()
        .filter(crm_module::Column::ProjectId.eq(project_id))
        .order_by_asc(crm_module::Column::Id)
        .all(c)
        .await?;
    let features = module_feature::Entity::find()
        .filter(module_feature::Column::ProjectId.eq(project_id))
        .order_by_asc(module_feature::Column::Id)
        .all(c)
        .await?;
    let bps = list(c, project_id).await?;
    let same = |a: &str, b: &str| a.trim().eq_ignore_ascii_case(b.trim());
    Ok(modules
        .into_iter()
        .map(|m| {
            let is_me = |k: &str| same(k, &m.key) || same(k, &m.name_en) || same(k, &m.name_zh);
            let mut procs: Vec<String> =
                processes.iter().filter(|p| p.module_key == m.key).map(|p| p.name.clone()).collect();
            let mut needed: Vec<module_feature::Model> = vec![];
            let mut missing: Vec<String> = vec![];
            for b in &bps {
                let content = content_of(&b.content);
                let mine: Vec<_> = content.steps.iter().filter(|s| is_me(&s.module)).collect();
                if !mine.is_empty() && !procs.contains(&b.name) {
                    procs.push(b.name.clone());
                }
                for s in mine.iter().filter(|s| !s.feature.is_empty()) {
                    match features.iter().find(|f| {
                        f.module_id == m.id
                            && (same(&f.key, &s.feature)
                                || same(&f.name_en, &s.feature)
                                || same(&f.name_zh, &s.feature))
                    }) {
                        Some(f) if !needed.iter().any(|x| x.id == f.id) => needed.push(f.clone()),
                        Some(_) => {}
                        None if !missing.iter().any(|x| same(x, &s.feature)) => missing.push(s.feature.clone()),
                        None => {}
                    }
                }
            }
            ModuleMapRow { module: m, processes: procs, needed, missing }
        })
        .collect())
}

/// Feed a module's checklist: add a feature the blueprint needs but the checklist lacks, as
/// planned. Adding one that is already there changes nothing.
pub async fn add_feature(db: &Db, actor: Actor, project_id: i32, module_id: i32, name: &str) -> Result<()> {
    let mut e = FieldErrors::default();
    let name = required_text(&mut e, "feature", name, 200);
    e.check()?;
    write::transaction(db, async |tx| {
        crm_module::Entity::find_by_id(module_id)
            .filter(crm_module::Column::ProjectId.eq(project_id))
            .one(tx)
            .await?
            .ok_or(Error::NotFound)?;
        let existing =
            module_feature::Entity::find().filter(module_feature::Column::ModuleId.eq(module_id)).all(tx).await?;
        let same = |a: &str| a.trim().eq_ignore_ascii_case(&name);
        if existing.iter().any(|f| same(&f.key) || same(&f.name_en) || same(&f.name_zh)) {
            return Ok(());
        }
        let key = feature_key(&name, &existing);
        let am = module_feature::ActiveModel {
            project_id: Set(project_id),
            module_id: Set(module_id),
            key: Set(key),
            name_en: Set(name.clone()),
            name_zh: Set(name.clone()),
            status: Set("planned".into()),
            ..Default::default()
        };
        write::insert::<module_feature::Entity, _>(tx, actor, project_id, am, "create").await?;
        Ok(())
    })
    .await
}

/// A checklist key for a feature named `name`, unique among the module's features.
fn feature_key(name: &str, existing: &[module_feature::Model]) -> String {
    let slug: String = name
        .to_lowercase()
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect::<String>()
        .split('_')
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join("_");
    let mut key = if slug.is_empty() { "blueprint_feature".to_string() } else { slug.chars().take(56).collect() };
    let base = key.clone();
    let mut i = 2;
    while existing.iter().any(|f| f.key == key) {
        key = format!("{base}_{i}");
        i += 1;
    }
    key
}

// ---------- the pages' views ----------

/// Each step's CRM module by its name in `lang` (a step names its module by key; a key
/// the project does not have is shown as typed, none as nothing).
pub fn step_modules(c: &Content, modules: &[crm_module::Model], lang: crate::i18n::Lang) -> Vec<String> {
    c.steps
        .iter()
        .map(|s| match modules.iter().find(|m| m.key == s.module) {
            Some(m) if lang == crate::i18n::Lang::Zh => m.name_zh.clone(),
            Some(m) => m.name_en.clone(),
            None => s.module.clone(),
        })
        .collect()
}

/// The swimlane chart of a blueprint: one lane per step, under each action its module (by
/// name, `names` as [`step_modules`] gives them) and feature.
pub fn swimlane(c: &Content, names: &[String]) -> Vec<Lane> {
    c.steps
        .iter()
        .zip(names)
        .map(|(s, module)| Lane {
            actor: s.actor.clone(),
            action: s.action.clone(),
            system: match (module.is_empty(), s.feature.is_empty()) {
                (false, false) => format!("{module} · {}", s.feature),
                (false, true) => module.clone(),
                _ => s.feature.clone(),
            },
            rule: s.rule.clone(),
            output: s.output.clone(),
        })
        .collect()
}

#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct ProcessChoice {
    pub id: i32,
    pub name: String,
    pub selected: bool,
}

#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct TargetChoice {
    pub id: i32,
    pub key: String,
    pub name: String,
}

/// What a blueprint may refer to: the inventory's processes and the project's targets.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
#[schema(as = BlueprintChoices)]
pub struct Choices {
    pub processes: Vec<ProcessChoice>,
    pub targets: Vec<TargetChoice>,
}

impl Choices {
    pub fn process_ids(&self) -> Vec<i32> {
        self.processes.iter().map(|p| p.id).collect()
    }
    pub fn target_keys(&self) -> Vec<String> {
        self.targets.iter().map(|t| t.key.clone()).collect()
    }
}

pub async fn choices<C: ConnectionTrait>(c: &C, project_id: i32) -> Result<Choices> {
    let procs = super::diagnosis::processes(c, project_id).await?;
    let tgs = super::targets::list(c, project_id).await?;
    Ok(Choices {
        processes: procs.into_iter().map(|p| ProcessChoice { id: p.id, name: p.name, selected: p.selected }).collect(),
        targets: tgs.into_iter().map(|t| TargetChoice { id: t.id, key: t.key, name: t.name }).collect(),
    })
}

/// A blueprint on the list: how many steps, the targets it serves, the process it redesigns.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct BlueprintRow {
    pub b: blueprint::Model,
    pub steps: usize,
    pub targets: Vec<String>,
    pub process: Option<String>,
}

/// Everything the blueprint page shows, and the API returns.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct BlueprintView {
    pub blueprints: Vec<BlueprintRow>,
    pub map: Vec<ModuleMapRow>,
    pub choices: Choices,
}

pub async fn view<C: ConnectionTrait>(c: &C, project_id: i32) -> Result<BlueprintView> {
    let procs = super::diagnosis::processes(c, project_id).await?;
    let blueprints = list(c, project_id)
        .await?
        .into_iter()
        .map(|b| {
            let content = content_of(&b.content);
            BlueprintRow {
                steps: content.steps.len(),
                targets: content.targets,
                process: procs.iter().find(|p| Some(p.id) == b.process_id).map(|p| p.name.clone()),
                b,
            }
        })
        .collect();
    let map = module_map(c, project_id, &procs).await?;
    Ok(BlueprintView { blueprints, map, choices: choices(c, project_id).await? })
}

/// One blueprint's page: its content and swimlane, its revisions and the diff between two
/// of them (`from`, `to`: by default the latest against the one before).
#[derive(Clone, Debug, Serialize)]
pub struct BlueprintPage {
    pub b: blueprint::Model,
    pub content: Content,
    pub swimlane: Vec<Lane>,
    /// Each step's CRM module by name, in the page's language.
    pub step_modules: Vec<String>,
    pub revisions: Vec<RevisionView>,
    pub diff: Option<Vec<DiffLine>>,
    pub from: i32,
    pub to: i32,
    /// The targets the blueprint serves.
    pub served: Vec<TargetChoice>,
    pub choices: Choices,
    /// Revisions raised by a failed prototype test, with the defect and its test.
    pub raised_by: Vec<RaisedBy>,
}

/// A blueprint revision a failed prototype test raised.
#[derive(Clone, Debug, Serialize)]
pub struct RaisedBy {
    pub revision: i32,
    pub defect_id: i32,
    pub defect_title: String,
    pub case_code: String,
    pub cycle_name: String,
}

async fn raised_by<C: ConnectionTrait>(c: &C, project_id: i32, revs: &[RevisionView]) -> Result<Vec<RaisedBy>> {
    use crate::entity::{defect, test_case, test_cycle};
    let ids: Vec<i32> = revs.iter().map(|r| r.revision.id).collect();
    if ids.is_empty() {
        return Ok(vec![]);
    }
    let defects = defect::Entity::find()
        .filter(defect::Column::ProjectId.eq(project_id))
        .filter(defect::Column::BlueprintRevisionId.is_in(ids))
        .order_by_asc(defect::Column::Id)
        .all(c)
        .await?;
    let mut out = Vec::with_capacity(defects.len());
    for d in defects {
        let case = test_case::Entity::find_by_id(d.case_id).one(c).await?;
        let cycle = test_cycle::Entity::find_by_id(d.cycle_id).one(c).await?;
        let revision =
            revs.iter().find(|r| Some(r.revision.id) == d.blueprint_revision_id).map_or(0, |r| r.revision.revision);
        out.push(RaisedBy {
            revision,
            defect_id: d.id,
            defect_title: d.title,
            case_code: case.map(|x| x.code).unwrap_or_default(),
            cycle_name: cycle.map(|x| x.name).unwrap_or_default(),
        });
    }
    Ok(out)
}

pub async fn page<C: ConnectionTrait>(
    c: &C,
    project_id: i32,
    id: i32,
    from: Option<i32>,
    to: Option<i32>,
    lang: crate::i18n::Lang,
) -> Result<BlueprintPage> {
    let b = get(c, project_id, id).await?;
    let content = content_of(&b.content);
    let revisions = revisions(c, b.id).await?;
    let to = to.unwrap_or(b.revision);
    let from = from.unwrap_or(to - 1);
    let diff = if from >= 1 && from != to { diff_of(&revisions, from, to) } else { None };
    let choices = choices(c, project_id).await?;
    let served = choices.targets.iter().filter(|t| content.targets.contains(&t.key)).cloned().collect();
    let raised_by = raised_by(c, project_id, &revisions).await?;
    let step_modules = step_modules(&content, &super::modules::modules(c, project_id).await?, lang);
    Ok(BlueprintPage {
        swimlane: swimlane(&content, &step_modules),
        step_modules,
        b,
        content,
        revisions,
        diff,
        from,
        to,
        served,
        choices,
        raised_by,
    })
}
