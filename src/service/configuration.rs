//! The configuration record per CRM module (items planned → configured → verified, each
//! serving a blueprint step and module feature), the gap list, and the integration register.
use super::{Actor, Result, write};
use crate::db::Db;
use crate::domain::configuration::{
    self as cfg, CONFIG_STATUSES, DIRECTIONS, INTERFACE_STATUSES, INTERFACE_TESTS, ItemFeature, METHODS, StepFeature,
};
use crate::domain::validation::{FieldErrors, long_text, required_text};
use crate::entity::{config_item, interface};
use chrono::NaiveDate;
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};
use serde::{Deserialize, Serialize};

fn short(e: &mut FieldErrors, field: &str, raw: &str, max: usize) -> String {
    let v = raw.trim();
    if v.chars().count() > max {
        e.add(field, "err.too_long");
    } else if v.chars().any(|c| c.is_control()) {
        e.add(field, "err.control_chars");
    }
    v.to_string()
}

fn pick(e: &mut FieldErrors, field: &str, raw: &str, list: &[&str]) -> String {
    if !list.contains(&raw.trim()) {
        e.add(field, "err.choose_from_list");
    }
    raw.trim().to_string()
}

// ---------------------------------------------------------------- configuration items

#[derive(Clone, Debug, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[schema(as = ConfigItemForm)]
#[serde(default)]
pub struct RawItem {
    pub module_key: String,
    pub setting: String,
    pub value: String,
    /// "blueprint id:step number", or empty.
    pub step: String,
    pub feature: String,
    pub owner: String,
    pub status: String,
}

#[derive(Clone, Debug, PartialEq)]
pub struct ItemInput {
    pub module_key: String,
    pub setting: String,
    pub value: String,
    pub blueprint_id: Option<i32>,
    pub step_no: Option<i32>,
    pub feature: String,
    pub owner: String,
    pub status: String,
}

/// Validate an item: the module is one of the project's; the step (if any) is one of its
/// blueprints' steps.
pub fn validate_item(
    raw: &RawItem,
    modules: &[String],
    steps: &[(i32, i32)],
) -> std::result::Result<ItemInput, FieldErrors> {
    let mut e = FieldErrors::default();
    if !modules.iter().any(|m| *m == raw.module_key.trim()) {
        e.add("module_key", "err.choose_from_list");
    }
    let setting = required_text(&mut e, "setting", &raw.setting, 300);
    let value = long_text(&mut e, "value", &raw.value, 4000, false);
    let (blueprint_id, step_no) = match raw.step.trim() {
        "" => (None, None),
        s => match s.split_once(':').and_then(|(b, n)| Some((b.parse::<i32>().ok()?, n.parse::<i32>().ok()?))) {
            Some(bs) if steps.contains(&bs) => (Some(bs.0), Some(bs.1)),
            _ => {
                e.add("step", "err.choose_from_list");
                (None, None)
            }
        },
    };
    let feature = short(&mut e, "feature", &raw.feature, 200);
    let owner = short(&mut e, "owner", &raw.owner, 200);
    let status = pick(&mut e, "status", &raw.status, CONFIG_STATUSES);
    e.into_result(ItemInput {
        module_key: raw.module_key.trim().into(),
        setting,
        value,
        blueprint_id,
        step_no,
        feature,
        owner,
        status,
    })
}

fn item_am(i: &ItemInput, actor: Actor, today: NaiveDate, was_verified: bool) -> config_item::ActiveModel {
    let verified = i.status == "verified";
    let mut am = config_item::ActiveModel {
        module_key: Set(i.module_key.clone()),
        setting: Set(i.setting.clone()),
        value: Set(i.value.clone()),
        blueprint_id: Set(i.blueprint_id),
        step_no: Set(i.step_no),
        feature: Set(i.feature.clone()),
        owner: Set(i.owner.clone()),
        status: Set(i.status.clone()),
        ..Default::default()
    };
    // Verified by whoever marked it verified, on that day; cleared when it goes back.
    if verified && !was_verified {
        am.verified_by = Set(Some(actor.user_id));
        am.verified_on = Set(Some(today));
    } else if !verified {
        am.verified_by = Set(None);
        am.verified_on = Set(None);
    }
    am
}

pub async fn create_item(
    db: &Db,
    actor: Actor,
    project_id: i32,
    i: &ItemInput,
    today: NaiveDate,
) -> Result<config_item::Model> {
    let mut am = item_am(i, actor, today, false);
    am.project_id = Set(project_id);
    if i.status != "verified" {
        am.verified_by = Set(None);
        am.verified_on = Set(None);
    }
    write::transaction(db, async |tx| {
        write::insert::<config_item::Entity, _>(tx, actor, project_id, am, "create").await
    })
    .await
}

pub async fn update_item(
    db: &Db,
    actor: Actor,
    project_id: i32,
    id: i32,
    version: i32,
    i: &ItemInput,
    today: NaiveDate,
) -> Result<config_item::Model> {
    write::transaction(db, async |tx| {
        let before = write::get::<config_item::Entity, _>(tx, project_id, id).await?;
        let am = item_am(i, actor, today, before.status == "verified");
        let action = if i.status == "verified" && before.status != "verified" { "verify" } else { "update" };
        Ok(write::update::<config_item::Entity, _>(tx, actor, project_id, id, version, am, action).await?.after)
    })
    .await
}

pub async fn get_item<C: ConnectionTrait>(c: &C, project_id: i32, id: i32) -> Result<config_item::Model> {
    write::get::<config_item::Entity, _>(c, project_id, id).await
}

// ---------------------------------------------------------------- interfaces

#[derive(Clone, Debug, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[schema(as = InterfaceForm)]
#[serde(default)]
pub struct RawInterface {
    pub name: String,
    pub source_system: String,
    pub target_system: String,
    pub direction: String,
    pub data_objects: String,
    pub frequency: String,
    pub method: String,
    pub owner: String,
    pub status: String,
    pub test_status: String,
}

#[derive(Clone, Debug, PartialEq)]
pub struct InterfaceInput {
    pub name: String,
    pub source_system: String,
    pub target_system: String,
    pub direction: String,
    pub data_objects: String,
    pub frequency: String,
    pub method: String,
    pub owner: String,
    pub status: String,
    pub test_status: String,
}

pub fn validate_interface(raw: &RawInterface) -> std::result::Result<InterfaceInput, FieldErrors> {
    let mut e = FieldErrors::default();
    let i = InterfaceInput {
        name: required_text(&mut e, "name", &raw.name, 300),
        source_system: required_text(&mut e, "source_system", &raw.source_system, 200),
        target_system: required_text(&mut e, "target_system", &raw.target_system, 200),
        direction: pick(&mut e, "direction", &raw.direction, DIRECTIONS),
        data_objects: long_text(&mut e, "data_objects", &raw.data_objects, 4000, false),
        frequency: short(&mut e, "frequency", &raw.frequency, 100),
        method: pick(&mut e, "method", &raw.method, METHODS),
        owner: short(&mut e, "owner", &raw.owner, 200),
        status: pick(&mut e, "status", &raw.status, INTERFACE_STATUSES),
        test_status: pick(&mut e, "test_status", &raw.test_status, INTERFACE_TESTS),
    };
    e.into_result(i)
}

fn interface_am(i: &InterfaceInput) -> interface::ActiveModel {
    interface::ActiveModel {
        name: Set(i.name.clone()),
        source_system: Set(i.source_system.clone()),
        target_system: Set(i.target_system.clone()),
        direction: Set(i.direction.clone()),
        data_objects: Set(i.data_objects.clone()),
        frequency: Set(i.frequency.clone()),
        method: Set(i.method.clone()),
        owner: Set(i.owner.clone()),
        status: Set(i.status.clone()),
        test_status: Set(i.test_status.clone()),
        ..Default::default()
    }
}

pub async fn create_interface(db: &Db, actor: Actor, project_id: i32, i: &InterfaceInput) -> Result<interface::Model> {
    let mut am = interface_am(i);
    am.project_id = Set(project_id);
    write::transaction(db, async |tx| write::insert::<interface::Entity, _>(tx, actor, project_id, am, "create").await)
        .await
}

pub async fn update_interface(
    db: &Db,
    actor: Actor,
    project_id: i32,
    id: i32,
    version: i32,
    i: &InterfaceInput,
) -> Result<interface::Model> {
    write::transaction(db, async |tx| {
        Ok(write::update::<interface::Entity, _>(tx, actor, project_id, id, version, interface_am(i), "update")
            .await?
            .after)
    })
    .await
}

pub async fn get_interface<C: ConnectionTrait>(c: &C, project_id: i32, id: i32) -> Result<interface::Model> {
    write::get::<interface::Entity, _>(c, project_id, id).await
}

// ---------------------------------------------------------------- view

/// A blueprint step, for choosing what an item serves and for the gap list.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct StepRow {
    pub blueprint_id: i32,
    pub blueprint: String,
    pub step_no: i32,
    pub actor: String,
    pub action: String,
    pub module: String,
    pub feature: String,
}

#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
#[schema(as = ConfigurationItemRow)]
pub struct ItemRow {
    pub item: config_item::Model,
    pub step: Option<StepRow>,
    pub verified_by_name: Option<String>,
}

/// One module's configuration record.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct ModuleRecord {
    pub module_key: String,
    pub items: Vec<ItemRow>,
    pub planned: usize,
    pub configured: usize,
    pub verified: usize,
}

/// The Configuration tab and the configuration-record and integration-register documents.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct ConfigView {
    pub modules: Vec<ModuleRecord>,
    /// Blueprint steps whose feature no configured item serves.
    pub gaps: Vec<StepRow>,
    pub steps: Vec<StepRow>,
    pub interfaces: Vec<interface::Model>,
    pub interfaces_failed: usize,
    pub interfaces_untested: usize,
}

/// The modules an item may belong to: the project's.
pub fn module_keys(p: &crate::entity::project::Model) -> Vec<String> {
    p.modules.split(',').map(|m| m.trim().to_string()).filter(|m| !m.is_empty()).collect()
}

/// The steps an item may serve, as (blueprint id, step number).
pub fn step_keys(v: &ConfigView) -> Vec<(i32, i32)> {
    v.steps.iter().map(|s| (s.blueprint_id, s.step_no)).collect()
}

pub async fn view<C: ConnectionTrait>(c: &C, p: &crate::entity::project::Model) -> Result<ConfigView> {
    let items = config_item::Entity::find()
        .filter(config_item::Column::ProjectId.eq(p.id))
        .order_by_asc(config_item::Column::ModuleKey)
        .order_by_asc(config_item::Column::Id)
        .all(c)
        .await?;
    let interfaces = interface::Entity::find()
        .filter(interface::Column::ProjectId.eq(p.id))
        .order_by_asc(interface::Column::Id)
        .all(c)
        .await?;
    let mut steps = vec![];
    for b in super::testing::blueprint_ids(c, p.id).await? {
        let content = super::blueprint::content_of(&b.content);
        for (i, s) in content.steps.iter().enumerate() {
            steps.push(StepRow {
                blueprint_id: b.id,
                blueprint: b.name.clone(),
                step_no: i32::try_from(i + 1).unwrap_or(i32::MAX),
                actor: s.actor.clone(),
                action: s.action.clone(),
                module: s.module.clone(),
                feature: s.feature.clone(),
            });
        }
    }
    let gap_idx = cfg::gaps(
        &steps.iter().map(|s| StepFeature { feature: &s.feature }).collect::<Vec<_>>(),
        &items.iter().map(|i| ItemFeature { feature: &i.feature, status: &i.status }).collect::<Vec<_>>(),
    );
    let gaps = gap_idx.into_iter().filter_map(|i| steps.get(i).cloned()).collect();
    let names = super::user_names(c, items.iter().filter_map(|i| i.verified_by)).await?;
    let mut keys: Vec<String> = p.modules.split(',').map(|m| m.trim().to_string()).filter(|m| !m.is_empty()).collect();
    for i in &items {
        if !keys.contains(&i.module_key) {
            keys.push(i.module_key.clone());
        }
    }
    let modules = keys
        .into_iter()
        .map(|k| {
            let rows: Vec<ItemRow> = items
                .iter()
                .filter(|i| i.module_key == k)
                .map(|i| ItemRow {
                    step: steps
                        .iter()
                        .find(|s| Some(s.blueprint_id) == i.blueprint_id && Some(s.step_no) == i.step_no)
                        .cloned(),
                    verified_by_name: i.verified_by.and_then(|u| names.get(&u).cloned()),
                    item: i.clone(),
                })
                .collect();
            let n = |s: &str| rows.iter().filter(|r| r.item.status == s).count();
            ModuleRecord {
                planned: n("planned"),
                configured: n("configured"),
                verified: n("verified"),
                items: rows,
                module_key: k,
            }
        })
        .collect();
    Ok(ConfigView {
        interfaces_failed: interfaces.iter().filter(|i| i.test_status == "failed").count(),
        interfaces_untested: interfaces.iter().filter(|i| i.test_status == "not_tested").count(),
        interfaces,
        modules,
        gaps,
        steps,
    })
}
