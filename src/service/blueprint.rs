//! The business blueprint (phase 4): to-be processes as ordered steps with the rules, people
//! changes and targets they need; every revision kept with who, when and why; the
//! process-to-module map that feeds the modules' feature checklists.
use super::{Actor, Error, Result, audit, now, update_guarded};
use crate::db::Db;
use crate::domain::diagnosis::{Content, DiffLine, diff, parse_steps};
use crate::domain::validation::{FieldErrors, long_text, required_text};
use crate::entity::{blueprint, blueprint_revision, crm_module, module_feature};
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};
use serde::Serialize;

#[derive(Clone, Debug, Default, Serialize)]
pub struct RawBlueprint {
    pub name: String,
    pub process_id: String,
    pub steps: String,
    pub rules: String,
    pub people: String,
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
    let tx = db.write().await?;
    let t = now();
    let b = blueprint::Entity::insert(blueprint::ActiveModel {
        project_id: Set(project_id),
        process_id: Set(i.process_id),
        name: Set(i.name.clone()),
        content: Set(json(&i.content)),
        revision: Set(1),
        version: Set(1),
        created_at: Set(t),
        updated_at: Set(t),
        ..Default::default()
    })
    .exec_with_returning(&*tx)
    .await?;
    add_revision(&*tx, actor, &b, &i.reason).await?;
    audit::record(&*tx, actor, Some(project_id), "blueprint", b.id, "create", None::<&()>, Some(&b)).await?;
    tx.commit().await?;
    Ok(b)
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
    let tx = db.write().await?;
    let before = get(&*tx, project_id, id).await?;
    if before.version != version {
        return Err(Error::Conflict);
    }
    let am = blueprint::ActiveModel {
        process_id: Set(i.process_id),
        name: Set(i.name.clone()),
        content: Set(json(&i.content)),
        revision: Set(before.revision + 1),
        version: Set(version + 1),
        updated_at: Set(now()),
        ..Default::default()
    };
    update_guarded::<blueprint::Entity, _>(&*tx, am, id, version).await?;
    let after = get(&*tx, project_id, id).await?;
    add_revision(&*tx, actor, &after, &i.reason).await?;
    audit::record(&*tx, actor, Some(project_id), "blueprint", id, "revise", Some(&before), Some(&after)).await?;
    tx.commit().await?;
    Ok(after)
}

pub async fn get<C: ConnectionTrait>(c: &C, project_id: i32, id: i32) -> Result<blueprint::Model> {
    blueprint::Entity::find_by_id(id)
        .filter(blueprint::Column::ProjectId.eq(project_id))
        .one(c)
        .await?
        .ok_or(Error::NotFound)
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
#[derive(Clone, Debug, Serialize)]
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
    processes: &[crate::entity::process::Model],
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
    let tx = db.write().await?;
    crm_module::Entity::find_by_id(module_id)
        .filter(crm_module::Column::ProjectId.eq(project_id))
        .one(&*tx)
        .await?
        .ok_or(Error::NotFound)?;
    let existing =
        module_feature::Entity::find().filter(module_feature::Column::ModuleId.eq(module_id)).all(&*tx).await?;
    let same = |a: &str| a.trim().eq_ignore_ascii_case(&name);
    if existing.iter().any(|f| same(&f.key) || same(&f.name_en) || same(&f.name_zh)) {
        return Ok(());
    }
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
    let t = now();
    let f = module_feature::Entity::insert(module_feature::ActiveModel {
        project_id: Set(project_id),
        module_id: Set(module_id),
        key: Set(key),
        name_en: Set(name.clone()),
        name_zh: Set(name.clone()),
        status: Set("planned".into()),
        version: Set(1),
        created_at: Set(t),
        updated_at: Set(t),
        ..Default::default()
    })
    .exec_with_returning(&*tx)
    .await?;
    audit::record(&*tx, actor, Some(project_id), "module_feature", f.id, "create", None::<&()>, Some(&f)).await?;
    tx.commit().await?;
    Ok(())
}
