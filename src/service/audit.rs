//! The audit log: who changed what, when, with the row before and after.
use super::{Actor, Result};
use crate::entity::audit;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
};
use serde::Serialize;

/// Append one entry. Call inside the transaction that makes the change.
#[allow(clippy::too_many_arguments)]
pub async fn record<C: ConnectionTrait, B: Serialize, A: Serialize>(
    c: &C,
    actor: Actor,
    project_id: Option<i32>,
    entity: &str,
    entity_id: i32,
    action: &str,
    before: Option<&B>,
    after: Option<&A>,
) -> Result<()> {
    record_as(c, Some(actor.user_id), project_id, entity, entity_id, action, before, after).await
}

/// As `record`, for changes made by a machine (an API token) rather than a user.
#[allow(clippy::too_many_arguments)]
pub async fn record_as<C: ConnectionTrait, B: Serialize, A: Serialize>(
    c: &C,
    user_id: Option<i32>,
    project_id: Option<i32>,
    entity: &str,
    entity_id: i32,
    action: &str,
    before: Option<&B>,
    after: Option<&A>,
) -> Result<()> {
    audit::Entity::insert(audit::ActiveModel {
        at: Set(super::now()),
        user_id: Set(user_id),
        project_id: Set(project_id),
        entity: Set(entity.to_string()),
        entity_id: Set(entity_id),
        action: Set(action.to_string()),
        before: Set(before.map(to_json)),
        after: Set(after.map(to_json)),
        ..Default::default()
    })
    .exec_without_returning(c)
    .await?;
    Ok(())
}

fn to_json<T: Serialize>(v: &T) -> String {
    serde_json::to_string(v).unwrap_or_else(|_| "null".into())
}

/// A page of a project's history, newest first, and the total count.
pub async fn for_project<C: ConnectionTrait>(
    c: &C,
    project_id: i32,
    page: u64,
    per_page: u64,
) -> Result<(Vec<audit::Model>, u64)> {
    let q = audit::Entity::find().filter(audit::Column::ProjectId.eq(project_id));
    let total = q.clone().count(c).await?;
    // Any page number is answered: past the end is an empty page, never an overflow.
    let per_page = per_page.clamp(1, 1000);
    let offset = page.min(total / per_page + 1).saturating_mul(per_page);
    let rows = q.order_by_desc(audit::Column::Id).offset(offset).limit(per_page).all(c).await?;
    Ok((rows, total))
}

/// The fields that differ between two JSON snapshots: (field, before, after).
pub fn changed_fields(before: Option<&str>, after: Option<&str>) -> Vec<(String, String, String)> {
    let parse = |s: Option<&str>| -> serde_json::Map<String, serde_json::Value> {
        s.and_then(|s| serde_json::from_str::<serde_json::Value>(s).ok())
            .and_then(|v| v.as_object().cloned())
            .unwrap_or_default()
    };
    let (b, a) = (parse(before), parse(after));
    let show = |v: Option<&serde_json::Value>| match v {
        None | Some(serde_json::Value::Null) => String::new(),
        Some(serde_json::Value::String(s)) => s.clone(),
        Some(v) => v.to_string(),
    };
    let mut keys: Vec<&String> = a.keys().chain(b.keys()).collect();
    keys.sort();
    keys.dedup();
    keys.into_iter()
        .filter(|k| !matches!(k.as_str(), "updated_at" | "created_at" | "version"))
        .filter(|k| b.get(*k) != a.get(*k))
        .map(|k| (k.clone(), show(b.get(k)), show(a.get(k))))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn diff_of_snapshots() {
        let d = changed_fields(Some(r#"{"name":"A","version":1,"x":null}"#), Some(r#"{"name":"B","version":2,"x":3}"#));
        assert_eq!(d, [("name".to_string(), "A".to_string(), "B".to_string()), ("x".into(), "".into(), "3".into())]);
        let d = changed_fields(None, Some(r#"{"status":"draft"}"#));
        assert_eq!(d, [("status".to_string(), String::new(), "draft".to_string())]);
    }
}
