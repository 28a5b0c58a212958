//! Comments and attachments on a project's records, generic by (entity kind, id): on
//! deliverables, risks, review actions, issues, defects and change requests ([`KINDS`]). Comments mention members with `@`; editing keeps the earlier
//! text; everything is audited. Attachments are stored in the database with their SHA-256,
//! uploader and time; uploading the same name again adds a version.
use super::notify::{self, Event};
use super::{Actor, Error, Result, write};
use crate::db::Db;
use crate::domain::notify::{Kind, mentions};
use crate::domain::validation::{FieldErrors, long_text};
use crate::entity::{
    attachment, change_request, comment, comment_revision, defect, deliverable, issue, project_member, review_action,
    risk, user,
};
use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, FromQueryResult, QueryFilter, QueryOrder, QuerySelect,
};
use serde::Serialize;
use sha2::{Digest, Sha256};
use std::collections::HashMap;

/// The kinds of record that take comments and attachments.
pub const KINDS: &[&str] = &["deliverable", "risk", "action", "issue", "defect", "change"];

/// Longest comment, in characters.
pub const COMMENT_MAX: usize = 10_000;

/// The record `kind` `id` of the project, with its title and page: `NotFound` when it is not
/// one of this project's.
pub async fn record<C: ConnectionTrait>(
    c: &C,
    project_id: i32,
    kind: &str,
    id: i32,
) -> Result<(String, String, String)> {
    match kind {
        "deliverable" => {
            let d = write::get::<deliverable::Entity, _>(c, project_id, id).await?;
            Ok((d.name_en, d.name_zh, format!("/projects/{project_id}/deliverables/{id}")))
        }
        "risk" => {
            let r = write::get::<risk::Entity, _>(c, project_id, id).await?;
            Ok((r.title.clone(), r.title, format!("/projects/{project_id}/risks/{id}")))
        }
        "action" => {
            let a = write::get::<review_action::Entity, _>(c, project_id, id).await?;
            Ok((a.text.clone(), a.text, format!("/projects/{project_id}/reviews/{}", a.review_id)))
        }
        "issue" => {
            let i = write::get::<issue::Entity, _>(c, project_id, id).await?;
            Ok((i.title.clone(), i.title, format!("/projects/{project_id}/issues/{id}")))
        }
        "defect" => {
            let d = write::get::<defect::Entity, _>(c, project_id, id).await?;
            Ok((d.title.clone(), d.title, format!("/projects/{project_id}/testing/defects/{id}")))
        }
        "change" => {
            let r = write::get::<change_request::Entity, _>(c, project_id, id).await?;
            Ok((r.title.clone(), r.title, format!("/projects/{project_id}/changes/{id}")))
        }
        _ => Err(Error::NotFound),
    }
}

fn body_of(raw: &str) -> Result<String> {
    let mut e = FieldErrors::default();
    let body = long_text(&mut e, "body", raw, COMMENT_MAX, true);
    e.check()?;
    Ok(body)
}

/// Members of the project as (user id, name, e-mail), for mentions.
async fn members<C: ConnectionTrait>(c: &C, project_id: i32) -> Result<Vec<(i32, String, String)>> {
    let ids: Vec<i32> = project_member::Entity::find()
        .filter(project_member::Column::ProjectId.eq(project_id))
        .all(c)
        .await?
        .into_iter()
        .map(|m| m.user_id)
        .collect();
    Ok(user::Entity::find()
        .filter(user::Column::Id.is_in(ids))
        .order_by_asc(user::Column::Id)
        .all(c)
        .await?
        .into_iter()
        .map(|u| (u.id, u.name, u.email))
        .collect())
}

/// Tell the members `body` mentions (each once per comment, whatever later edits say).
async fn tell_mentions<C: ConnectionTrait>(
    c: &C,
    actor: Actor,
    cm: &comment::Model,
    titles: &(String, String, String),
) -> Result<usize> {
    let ms = members(c, cm.project_id).await?;
    let pairs: Vec<(String, String)> = ms.iter().map(|(_, n, e)| (n.clone(), e.clone())).collect();
    let to: Vec<i32> = mentions(&cm.body, &pairs).into_iter().map(|i| ms[i].0).collect();
    if to.is_empty() {
        return Ok(0);
    }
    let author = user::Entity::find_by_id(actor.user_id).one(c).await?.map(|u| u.name).unwrap_or_default();
    let project = super::projects::get(c, cm.project_id).await?;
    let excerpt: String = cm.body.chars().take(200).collect();
    let ev = Event::new(
        Kind::Mention,
        Some(cm.project_id),
        format!("mention:comment:{}", cm.id),
        format!("{}#comment-{}", titles.2, cm.id),
        super::now(),
    )
    .param("actor", author)
    .param("title", titles.0.clone())
    .param("title_zh", titles.1.clone())
    .param("project", project.name)
    .param("excerpt", excerpt)
    .by(actor);
    notify::tell(c, &to, &ev).await
}

/// Post a comment on record `kind` `id`; mentioned members are told.
pub async fn add(db: &Db, actor: Actor, project_id: i32, kind: &str, id: i32, raw: &str) -> Result<comment::Model> {
    let body = body_of(raw)?;
    write::transaction_in(db, project_id, async |tx| add_in(tx, actor, project_id, kind, id, &body).await).await
}

/// As [`add`], inside the caller's transaction (a returned deliverable's review comment).
pub async fn add_in<C: ConnectionTrait>(
    c: &C,
    actor: Actor,
    project_id: i32,
    kind: &str,
    id: i32,
    body: &str,
) -> Result<comment::Model> {
    let titles = record(c, project_id, kind, id).await?;
    let am = comment::ActiveModel {
        project_id: Set(project_id),
        entity_kind: Set(kind.to_string()),
        entity_id: Set(id),
        author_id: Set(actor.user_id),
        body: Set(body.to_string()),
        edited: Set(false),
        ..Default::default()
    };
    let cm = write::insert::<comment::Entity, _>(c, actor, project_id, am, "create").await?;
    tell_mentions(c, actor, &cm, &titles).await?;
    Ok(cm)
}

/// Edit one's own comment: the earlier text is kept, the comment is marked edited, a stale
/// version is `Conflict`; newly mentioned members are told.
pub async fn edit(
    db: &Db,
    actor: Actor,
    project_id: i32,
    comment_id: i32,
    version: i32,
    raw: &str,
) -> Result<comment::Model> {
    let body = body_of(raw)?;
    write::transaction_in(db, project_id, async |tx| {
        let before = write::get::<comment::Entity, _>(tx, project_id, comment_id).await?;
        if before.author_id != actor.user_id {
            return Err(Error::Forbidden);
        }
        comment_revision::Entity::insert(comment_revision::ActiveModel {
            comment_id: Set(before.id),
            body: Set(before.body.clone()),
            created_at: Set(before.updated_at),
            ..Default::default()
        })
        .exec_without_returning(tx)
        .await?;
        let am = comment::ActiveModel { body: Set(body.clone()), edited: Set(true), ..Default::default() };
        let after =
            write::update::<comment::Entity, _>(tx, actor, project_id, comment_id, version, am, "edit").await?.after;
        let titles = record(tx, project_id, &after.entity_kind, after.entity_id).await?;
        tell_mentions(tx, actor, &after, &titles).await?;
        Ok(after)
    })
    .await
}

/// An earlier text of a comment.
#[derive(Clone, Debug, Serialize)]
pub struct Revision {
    pub body: String,
    pub at: DateTime<Utc>,
}

/// A comment as a thread shows it.
#[derive(Clone, Debug, Serialize)]
pub struct CommentView {
    pub id: i32,
    pub author: String,
    pub author_id: i32,
    pub body: String,
    pub edited: bool,
    pub version: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub revisions: Vec<Revision>,
}

/// An attachment as a list shows it (without its bytes).
#[derive(Clone, Debug, Serialize, FromQueryResult, utoipa::ToSchema)]
pub struct AttachmentRow {
    pub id: i32,
    pub entity_kind: String,
    pub entity_id: i32,
    pub file_name: String,
    pub content_type: String,
    pub file_version: i32,
    pub size: i64,
    pub sha256: String,
    pub uploaded_by: i32,
    pub created_at: DateTime<Utc>,
}

/// An attachment row with its uploader's name.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct AttachmentView {
    #[serde(flatten)]
    pub row: AttachmentRow,
    pub uploader: String,
    /// Size for people: "1.2 MB", "830 KB".
    pub size_label: String,
    /// The newest version of its name.
    pub latest: bool,
}

/// The comments and attachments of one record (the page, the API and the gate report use it).
#[derive(Clone, Debug, Serialize)]
pub struct Thread {
    pub kind: String,
    pub entity_id: i32,
    pub comments: Vec<CommentView>,
    pub attachments: Vec<AttachmentView>,
    pub max_mb: u64,
}

/// Size for people.
pub fn size_label(bytes: i64) -> String {
    if bytes >= 1024 * 1024 {
        format!("{:.1} MB", bytes as f64 / (1024.0 * 1024.0))
    } else if bytes >= 1024 {
        format!("{} KB", (bytes + 1023) / 1024)
    } else {
        format!("{bytes} B")
    }
}

pub async fn thread<C: ConnectionTrait>(c: &C, project_id: i32, kind: &str, id: i32) -> Result<Thread> {
    let cs = comment::Entity::find()
        .filter(comment::Column::ProjectId.eq(project_id))
        .filter(comment::Column::EntityKind.eq(kind))
        .filter(comment::Column::EntityId.eq(id))
        .order_by_asc(comment::Column::Id)
        .all(c)
        .await?;
    let revs = comment_revision::Entity::find()
        .filter(comment_revision::Column::CommentId.is_in(cs.iter().map(|c| c.id)))
        .order_by_asc(comment_revision::Column::Id)
        .all(c)
        .await?;
    let atts = attachments_of(c, project_id, Some((kind, id))).await?;
    let names = super::user_names(c, cs.iter().map(|c| c.author_id).chain(atts.iter().map(|a| a.uploaded_by))).await?;
    let comments = cs
        .into_iter()
        .map(|cm| CommentView {
            author: names.get(&cm.author_id).cloned().unwrap_or_default(),
            revisions: revs
                .iter()
                .filter(|r| r.comment_id == cm.id)
                .map(|r| Revision { body: r.body.clone(), at: r.created_at })
                .collect(),
            id: cm.id,
            author_id: cm.author_id,
            body: cm.body,
            edited: cm.edited,
            version: cm.version,
            created_at: cm.created_at,
            updated_at: cm.updated_at,
        })
        .collect();
    Ok(Thread { kind: kind.to_string(), entity_id: id, comments, attachments: views(atts, &names), max_mb: max_mb() })
}

fn views(atts: Vec<AttachmentRow>, names: &HashMap<i32, String>) -> Vec<AttachmentView> {
    let mut latest: HashMap<(String, i32, String), i32> = HashMap::new();
    for a in &atts {
        let k = (a.entity_kind.clone(), a.entity_id, a.file_name.clone());
        let v = latest.entry(k).or_insert(a.file_version);
        *v = (*v).max(a.file_version);
    }
    atts.into_iter()
        .map(|a| AttachmentView {
            uploader: names.get(&a.uploaded_by).cloned().unwrap_or_default(),
            size_label: size_label(a.size),
            latest: latest.get(&(a.entity_kind.clone(), a.entity_id, a.file_name.clone())) == Some(&a.file_version),
            row: a,
        })
        .collect()
}

/// The project's attachments (of one record, or all), names then newest version first.
pub async fn attachments_of<C: ConnectionTrait>(
    c: &C,
    project_id: i32,
    of: Option<(&str, i32)>,
) -> Result<Vec<AttachmentRow>> {
    use attachment::Column as A;
    let mut q = attachment::Entity::find()
        .select_only()
        .columns([
            A::Id,
            A::EntityKind,
            A::EntityId,
            A::FileName,
            A::ContentType,
            A::FileVersion,
            A::Size,
            A::Sha256,
            A::UploadedBy,
            A::CreatedAt,
        ])
        .filter(A::ProjectId.eq(project_id));
    if let Some((kind, id)) = of {
        q = q.filter(A::EntityKind.eq(kind)).filter(A::EntityId.eq(id));
    }
    Ok(q.order_by_asc(A::EntityKind)
        .order_by_asc(A::EntityId)
        .order_by_asc(A::FileName)
        .order_by_desc(A::FileVersion)
        .into_model::<AttachmentRow>()
        .all(c)
        .await?)
}

/// Attachments of the project's deliverables with uploader names (the gate report).
pub async fn deliverable_attachments<C: ConnectionTrait>(c: &C, project_id: i32) -> Result<Vec<AttachmentView>> {
    let rows: Vec<AttachmentRow> =
        attachments_of(c, project_id, None).await?.into_iter().filter(|a| a.entity_kind == "deliverable").collect();
    let names = super::user_names(c, rows.iter().map(|a| a.uploaded_by)).await?;
    Ok(views(rows, &names))
}

/// The upload limit in MB: `NINEFOLD_ATTACHMENT_MAX_MB`, default 25.
pub fn max_mb() -> u64 {
    std::env::var("NINEFOLD_ATTACHMENT_MAX_MB")
        .ok()
        .and_then(|v| v.trim().parse().ok())
        .filter(|n| *n > 0)
        .unwrap_or(25)
}

/// A file name safe to store and to send back: no folders, no control characters or
/// quotes, at most 255 characters; empty becomes "file".
pub fn safe_name(raw: &str) -> String {
    let base = raw.rsplit(['/', '\\']).next().unwrap_or("");
    let cleaned: String = base
        .chars()
        .filter(|c| !c.is_control() && !matches!(c, '"' | '\'' | ';' | '<' | '>' | '|' | '*' | '?' | ':'))
        .collect();
    let cleaned = cleaned.trim().trim_start_matches('.').to_string();
    let cut: String = cleaned.chars().take(255).collect();
    if cut.is_empty() { "file".into() } else { cut }
}

/// Upload a file onto record `kind` `id`: refused by field when empty or over the limit;
/// the same name again is the next version. Audited (without the bytes).
#[allow(clippy::too_many_arguments)]
pub async fn upload(
    db: &Db,
    actor: Actor,
    project_id: i32,
    kind: &str,
    id: i32,
    file_name: &str,
    content_type: &str,
    bytes: Vec<u8>,
) -> Result<attachment::Model> {
    let limit = max_mb().saturating_mul(1024 * 1024);
    if bytes.is_empty() {
        return Err(Error::Invalid(FieldErrors::single("file", "collab.err.file_empty")));
    }
    if bytes.len() as u64 > limit {
        return Err(Error::Invalid(FieldErrors::single("file", "collab.err.file_too_big")));
    }
    let name = safe_name(file_name);
    let ctype =
        if content_type.trim().is_empty() || content_type.len() > 127 || content_type.chars().any(char::is_control) {
            "application/octet-stream".to_string()
        } else {
            content_type.trim().to_string()
        };
    let sha = hex::encode(Sha256::digest(&bytes));
    let size = i64::try_from(bytes.len())
        .map_err(|_| Error::Invalid(FieldErrors::single("file", "collab.err.file_too_big")))?;
    write::transaction_in(db, project_id, async |tx| {
        record(tx, project_id, kind, id).await?;
        let last: Option<i32> = attachment::Entity::find()
            .select_only()
            .column(attachment::Column::FileVersion)
            .filter(attachment::Column::ProjectId.eq(project_id))
            .filter(attachment::Column::EntityKind.eq(kind))
            .filter(attachment::Column::EntityId.eq(id))
            .filter(attachment::Column::FileName.eq(name.clone()))
            .order_by_desc(attachment::Column::FileVersion)
            .into_tuple()
            .one(tx)
            .await?;
        let am = attachment::ActiveModel {
            project_id: Set(project_id),
            entity_kind: Set(kind.to_string()),
            entity_id: Set(id),
            file_name: Set(name.clone()),
            content_type: Set(ctype.clone()),
            file_version: Set(last.unwrap_or(0).saturating_add(1)),
            size: Set(size),
            sha256: Set(sha.clone()),
            bytes: Set(bytes.clone()),
            uploaded_by: Set(actor.user_id),
            created_at: Set(super::now()),
            ..Default::default()
        };
        write::insert::<attachment::Entity, _>(tx, actor, project_id, am, "upload").await
    })
    .await
}

/// One attachment of the project with its bytes; another project's id is `NotFound`.
pub async fn download<C: ConnectionTrait>(c: &C, project_id: i32, id: i32) -> Result<attachment::Model> {
    write::get::<attachment::Entity, _>(c, project_id, id).await
}

/// Whether deliverable `id` has an attached file (which satisfies a deliverable that has no
/// generated document).
pub async fn has_attachment<C: ConnectionTrait>(c: &C, project_id: i32, kind: &str, id: i32) -> Result<bool> {
    use sea_orm::PaginatorTrait;
    Ok(attachment::Entity::find()
        .filter(attachment::Column::ProjectId.eq(project_id))
        .filter(attachment::Column::EntityKind.eq(kind))
        .filter(attachment::Column::EntityId.eq(id))
        .count(c)
        .await?
        > 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_made_safe() {
        assert_eq!(safe_name("../../etc/passwd"), "passwd");
        assert_eq!(safe_name("C:\\Users\\x\\报告 v2.pdf"), "报告 v2.pdf");
        assert_eq!(safe_name("a\"b;c\r\n.txt"), "abc.txt");
        assert_eq!(safe_name(".."), "file");
        assert_eq!(safe_name(".htaccess"), "htaccess");
    }

    #[test]
    fn sizes_for_people() {
        assert_eq!(size_label(512), "512 B");
        assert_eq!(size_label(1025), "2 KB");
        assert_eq!(size_label(3 * 1024 * 1024 + 200 * 1024), "3.2 MB");
    }
}
