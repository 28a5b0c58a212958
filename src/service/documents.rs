//! Generated deliverable documents: render a kind in a language, keep the exact bytes as
//! the next version (who, when, SHA-256), attached to its deliverable where one fits.
use super::{Actor, Result, audit, now};
use crate::db::Db;
use crate::entity::{deliverable, document, user};
use crate::i18n::Lang;
use crate::report::{self, Kind};
use chrono::NaiveDate;
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};
use serde::Serialize;
use sha2::{Digest, Sha256};

/// The playbook deliverable a document kind is attached to, when the project has it.
pub fn deliverable_key(kind: Kind) -> Option<&'static str> {
    match kind {
        Kind::Charter => Some("project-charter"),
        Kind::Organisation => Some("organisation-chart"),
        Kind::Plan => Some("project-plan"),
        Kind::Training => Some("training-plan"),
        Kind::Targets => Some("target-sheet"),
        Kind::BusinessCase => Some("business-case"),
        Kind::Gate | Kind::Review => None,
    }
}

/// What was generated and stored.
#[derive(Clone, Debug, Serialize)]
pub struct Saved {
    pub id: i32,
    pub version: i32,
    pub sha256: String,
    pub pages: usize,
    #[serde(skip)]
    pub bytes: Vec<u8>,
}

/// Generate `kind` in `lang` for a project and keep it as the next version. `actor` is
/// `None` when generated from the command line.
pub async fn generate(
    db: &Db,
    actor: Option<Actor>,
    project_id: i32,
    kind: Kind,
    lang: Lang,
    today: NaiveDate,
) -> Result<Saved> {
    let facts = report::facts(&db.conn, project_id, today, lang).await?;
    let author = match actor {
        Some(a) => user::Entity::find_by_id(a.user_id).one(&db.conn).await?.map(|u| u.name).unwrap_or_default(),
        None => "Ninefold".to_string(),
    };
    let tx = db.write().await?;
    let version = next_version(&*tx, project_id, kind, lang).await?;
    let doc = report::document(&facts, kind, lang, &format!("v{version}"), &author);
    let (bytes, pages) = crate::pdf::render_counted(&doc);
    let sha256 = hex::encode(Sha256::digest(&bytes));
    let deliverable_id = match deliverable_key(kind) {
        Some(key) => deliverable::Entity::find()
            .filter(deliverable::Column::ProjectId.eq(project_id))
            .filter(deliverable::Column::Key.eq(key))
            .one(&*tx)
            .await?
            .map(|d| d.id),
        None => None,
    };
    let row = document::Entity::insert(document::ActiveModel {
        project_id: Set(project_id),
        kind: Set(kind.key().to_string()),
        lang: Set(lang.code().to_string()),
        doc_version: Set(version),
        deliverable_id: Set(deliverable_id),
        sha256: Set(sha256.clone()),
        size: Set(bytes.len() as i64),
        pages: Set(pages as i32),
        bytes: Set(bytes.clone()),
        created_by: Set(actor.map(|a| a.user_id)),
        created_at: Set(now()),
        ..Default::default()
    })
    .exec_with_returning(&*tx)
    .await?;
    audit::record_as(
        &*tx,
        actor.map(|a| a.user_id),
        Some(project_id),
        "document",
        row.id,
        "generate",
        None::<&()>,
        Some(&row),
    )
    .await?;
    tx.commit().await?;
    Ok(Saved { id: row.id, version, sha256, pages, bytes })
}

async fn next_version<C: ConnectionTrait>(c: &C, project_id: i32, kind: Kind, lang: Lang) -> Result<i32> {
    let last = document::Entity::find()
        .filter(document::Column::ProjectId.eq(project_id))
        .filter(document::Column::Kind.eq(kind.key()))
        .filter(document::Column::Lang.eq(lang.code()))
        .order_by_desc(document::Column::DocVersion)
        .one(c)
        .await?;
    Ok(last.map_or(1, |d| d.doc_version + 1))
}

/// A stored version, without its bytes, with who generated it.
#[derive(Clone, Debug, Serialize)]
pub struct Listed {
    #[serde(flatten)]
    pub doc: document::Model,
    pub created_by_name: String,
    pub deliverable_name: Option<(String, String)>,
}

/// Every stored version of a project, newest first.
pub async fn list<C: ConnectionTrait>(c: &C, project_id: i32) -> Result<Vec<Listed>> {
    let rows = document::Entity::find()
        .filter(document::Column::ProjectId.eq(project_id))
        .order_by_desc(document::Column::Id)
        .all(c)
        .await?;
    let names = super::user_names(c, rows.iter().filter_map(|r| r.created_by)).await?;
    let dels = deliverable::Entity::find().filter(deliverable::Column::ProjectId.eq(project_id)).all(c).await?;
    Ok(rows
        .into_iter()
        .map(|mut d| {
            d.bytes = Vec::new();
            Listed {
                created_by_name: d.created_by.and_then(|u| names.get(&u).cloned()).unwrap_or_else(|| "Ninefold".into()),
                deliverable_name: d
                    .deliverable_id
                    .and_then(|id| dels.iter().find(|x| x.id == id))
                    .map(|x| (x.name_en.clone(), x.name_zh.clone())),
                doc: d,
            }
        })
        .collect())
}

/// One stored version with its bytes.
pub async fn get<C: ConnectionTrait>(c: &C, project_id: i32, id: i32) -> Result<document::Model> {
    document::Entity::find_by_id(id)
        .filter(document::Column::ProjectId.eq(project_id))
        .one(c)
        .await?
        .ok_or(super::Error::NotFound)
}
