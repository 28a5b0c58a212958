//! The CRM modules of a project: scope, owner, rollout state with dates, lifecycle stage,
//! users and the feature checklist.
use super::{Actor, Result, clock, now, write};
use crate::db::Db;
use crate::domain::catalog::MODULES;
use crate::domain::modules::{FEATURE_STATES, LIFECYCLE, ROLLOUT, adoption, can_move, standard_features};
use crate::domain::validation::{FieldErrors, required_text};
use crate::entity::{crm_module, module_feature, project};
use crate::i18n::{Lang, t};
use chrono::NaiveDate;
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};
use serde::{Deserialize, Deserializer, Serialize};
use std::collections::BTreeMap;

/// Create the standard modules (in scope when listed in `scope`) with their features.
pub async fn seed<C: ConnectionTrait>(c: &C, project_id: i32, scope: &[String]) -> Result<()> {
    let t0 = now();
    for key in MODULES {
        let m = crm_module::Entity::insert(crm_module::ActiveModel {
            project_id: Set(project_id),
            key: Set((*key).into()),
            name_en: Set(t(Lang::En, &format!("module.{key}"))),
            name_zh: Set(t(Lang::Zh, &format!("module.{key}"))),
            in_scope: Set(scope.iter().any(|s| s == key)),
            owner_group: Set(None),
            status: Set("planned".into()),
            lifecycle: Set("data_integration".into()),
            planned_users: Set(0),
            active_users: Set(0),
            status_dates: Set("{}".into()),
            version: Set(1),
            created_at: Set(t0),
            updated_at: Set(t0),
            ..Default::default()
        })
        .exec_with_returning(c)
        .await?;
        let features: Vec<_> = standard_features(key)
            .iter()
            .map(|f| module_feature::ActiveModel {
                project_id: Set(project_id),
                module_id: Set(m.id),
                key: Set(f.key.into()),
                name_en: Set(f.en.into()),
                name_zh: Set(f.zh.into()),
                status: Set("planned".into()),
                version: Set(1),
                created_at: Set(t0),
                updated_at: Set(t0),
                ..Default::default()
            })
            .collect();
        module_feature::Entity::insert_many(features).exec_without_returning(c).await?;
    }
    Ok(())
}

/// Keep the standard modules' scope in line with the project's scope after an edit.
pub async fn sync_scope<C: ConnectionTrait>(c: &C, actor: Actor, project_id: i32, scope: &[String]) -> Result<()> {
    for m in modules(c, project_id).await? {
        let in_scope = scope.contains(&m.key);
        if MODULES.contains(&m.key.as_str()) && m.in_scope != in_scope {
            let am = crm_module::ActiveModel { in_scope: Set(in_scope), ..Default::default() };
            write::update::<crm_module::Entity, _>(c, actor, project_id, m.id, m.version, am, "update").await?;
        }
    }
    Ok(())
}

pub async fn modules<C: ConnectionTrait>(c: &C, project_id: i32) -> Result<Vec<crm_module::Model>> {
    Ok(crm_module::Entity::find()
        .filter(crm_module::Column::ProjectId.eq(project_id))
        .order_by_asc(crm_module::Column::Id)
        .all(c)
        .await?)
}

pub async fn features<C: ConnectionTrait>(c: &C, project_id: i32) -> Result<Vec<module_feature::Model>> {
    Ok(module_feature::Entity::find()
        .filter(module_feature::Column::ProjectId.eq(project_id))
        .order_by_asc(module_feature::Column::Id)
        .all(c)
        .await?)
}

/// A module with its checklist, as the Modules page shows it.
#[derive(Clone, Debug, Serialize)]
pub struct ModuleView {
    pub module: crm_module::Model,
    pub features: Vec<module_feature::Model>,
    pub features_live: usize,
    /// Active users as a share of planned users, in percent.
    pub adoption: Option<f64>,
    /// When each rollout state was reached.
    pub dates: BTreeMap<String, String>,
}

/// The Modules page: every module of the project with its checklist.
#[derive(Clone, Debug, Serialize)]
pub struct ModulesView {
    pub as_of: NaiveDate,
    pub modules: Vec<ModuleView>,
}

pub async fn page<C: ConnectionTrait>(c: &C, p: &project::Model) -> Result<ModulesView> {
    let feats = features(c, p.id).await?;
    let modules = modules(c, p.id)
        .await?
        .into_iter()
        .map(|m| {
            let features: Vec<_> = feats.iter().filter(|f| f.module_id == m.id).cloned().collect();
            ModuleView {
                features_live: features.iter().filter(|f| f.status == "live").count(),
                adoption: adoption(m.planned_users, m.active_users),
                dates: serde_json::from_str(&m.status_dates).unwrap_or_default(),
                features,
                module: m,
            }
        })
        .collect();
    Ok(ModulesView { as_of: clock::today(p), modules })
}

fn checkbox<'de, D: Deserializer<'de>>(d: D) -> std::result::Result<bool, D::Error> {
    Ok(String::deserialize(d)? == "1")
}

/// The module form as typed.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct RawModule {
    #[serde(deserialize_with = "checkbox")]
    pub in_scope: bool,
    pub owner_group: String,
    pub status: String,
    pub status_date: String,
    pub lifecycle: String,
    pub planned_users: String,
    pub active_users: String,
}

/// Update a module. A new rollout state must lie ahead of the current one; the date it was
/// reached is recorded (default today).
pub async fn update(
    db: &Db,
    actor: Actor,
    project_id: i32,
    id: i32,
    version: i32,
    raw: &RawModule,
    today: NaiveDate,
) -> Result<crm_module::Model> {
    let mut e = FieldErrors::default();
    let owner = raw.owner_group.trim();
    if owner.chars().count() > 200 {
        e.add("owner_group", "err.too_long");
    }
    if !LIFECYCLE.contains(&raw.lifecycle.as_str()) {
        e.add("lifecycle", "err.choose_from_list");
    }
    let users = |e: &mut FieldErrors, field: &str, v: &str| -> i32 {
        match v.trim().parse::<i32>() {
            Ok(n) if (0..=10_000_000).contains(&n) => n,
            _ if v.trim().is_empty() => 0,
            _ => {
                e.add(field, "err.whole_number");
                0
            }
        }
    };
    let planned = users(&mut e, "planned_users", &raw.planned_users);
    let active = users(&mut e, "active_users", &raw.active_users);
    let date = if raw.status_date.trim().is_empty() {
        Some(today)
    } else {
        crate::domain::bounds::parse_date(raw.status_date.trim())
    };
    if date.is_none() {
        e.add("status_date", "err.date");
    }
    if !ROLLOUT.contains(&raw.status.as_str()) {
        e.add("status", "err.choose_from_list");
    }
    e.check()?;
    write::transaction(db, async |tx| {
        let before = write::get::<crm_module::Entity, _>(tx, project_id, id).await?;
        if before.version != version {
            return Err(super::Error::Conflict);
        }
        let mut dates: BTreeMap<String, String> = serde_json::from_str(&before.status_dates).unwrap_or_default();
        if raw.status != before.status {
            if !can_move(&before.status, &raw.status) {
                return Err(FieldErrors::single("status", "err.rollout_backwards").into());
            }
            if let Some(d) = date {
                dates.insert(raw.status.clone(), d.to_string());
            }
        }
        let am = crm_module::ActiveModel {
            in_scope: Set(raw.in_scope),
            owner_group: Set((!owner.is_empty()).then(|| owner.to_string())),
            status: Set(raw.status.clone()),
            lifecycle: Set(raw.lifecycle.clone()),
            planned_users: Set(planned),
            active_users: Set(active),
            status_dates: Set(serde_json::to_string(&dates).unwrap_or_else(|_| "{}".into())),
            ..Default::default()
        };
        Ok(write::update::<crm_module::Entity, _>(tx, actor, project_id, id, version, am, "update").await?.after)
    })
    .await
}

/// Mark a checklist feature planned, configured or live.
pub async fn set_feature(db: &Db, actor: Actor, project_id: i32, id: i32, version: i32, status: &str) -> Result<()> {
    if !FEATURE_STATES.contains(&status) {
        return Err(FieldErrors::single("status", "err.choose_from_list").into());
    }
    let am = module_feature::ActiveModel { status: Set(status.into()), ..Default::default() };
    write::transaction(db, async |tx| {
        write::update::<module_feature::Entity, _>(tx, actor, project_id, id, version, am, "update").await.map(|_| ())
    })
    .await
}

/// Add a module of the client's own (no standard checklist).
pub async fn add_custom(
    db: &Db,
    actor: Actor,
    project_id: i32,
    name_en: &str,
    name_zh: &str,
) -> Result<crm_module::Model> {
    let mut e = FieldErrors::default();
    let en = required_text(&mut e, "name_en", if name_en.trim().is_empty() { name_zh } else { name_en }, 200);
    let zh = required_text(&mut e, "name_zh", if name_zh.trim().is_empty() { name_en } else { name_zh }, 200);
    e.check()?;
    write::transaction(db, async |tx| {
        let n = modules(tx, project_id).await?.len();
        let am = crm_module::ActiveModel {
            project_id: Set(project_id),
            key: Set(format!("custom-{}", n + 1)),
            name_en: Set(en),
            name_zh: Set(zh),
            in_scope: Set(true),
            owner_group: Set(None),
            status: Set("planned".into()),
            lifecycle: Set("data_integration".into()),
            planned_users: Set(0),
            active_users: Set(0),
            status_dates: Set("{}".into()),
            ..Default::default()
        };
        write::insert::<crm_module::Entity, _>(tx, actor, project_id, am, "create").await
    })
    .await
}
