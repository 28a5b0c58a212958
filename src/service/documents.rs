//! Generated deliverable documents: the kinds, and keeping the exact bytes of a generated
//! version (who, when, SHA-256), attached to its deliverable where one fits. Gathering the
//! views and laying them out is `report`'s job (`report::publish`); this module only stores.
use super::{Actor, Result, audit, now, write};
use crate::db::Db;
use crate::entity::{deliverable, document};
use crate::i18n::{self, Lang};
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};
use serde::Serialize;
use sha2::{Digest, Sha256};

/// The kinds of document a project can generate.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Charter,
    Organisation,
    Plan,
    Training,
    Targets,
    BusinessCase,
    Gate,
    Review,
    Installation,
    AsIs,
    Diagnosis,
    Blueprint,
    ModuleMap,
    DataQuality,
    Configuration,
    Integration,
    PrototypeTest,
    PilotResults,
    IssueLog,
    CutoverRunbook,
    RehearsalReport,
    HypercareLog,
    Evaluation,
    Lessons,
    ImprovementPlan,
    OperatingRules,
    ConversionTrial,
    Readiness,
    GoLiveAcceptance,
    /// The budget and cost report (issue 15).
    Budget,
}

impl Kind {
    pub const ALL: [Kind; 30] = [
        Kind::Charter,
        Kind::Organisation,
        Kind::Plan,
        Kind::Training,
        Kind::Targets,
        Kind::BusinessCase,
        Kind::Gate,
        Kind::Review,
        Kind::Installation,
        Kind::AsIs,
        Kind::Diagnosis,
        Kind::Blueprint,
        Kind::ModuleMap,
        Kind::DataQuality,
        Kind::Configuration,
        Kind::Integration,
        Kind::PrototypeTest,
        Kind::PilotResults,
        Kind::IssueLog,
        Kind::Budget,
        Kind::CutoverRunbook,
        Kind::RehearsalReport,
        Kind::HypercareLog,
        Kind::Evaluation,
        Kind::Lessons,
        Kind::ImprovementPlan,
        Kind::OperatingRules,
        Kind::ConversionTrial,
        Kind::Readiness,
        Kind::GoLiveAcceptance,
    ];

    pub fn key(self) -> &'static str {
        match self {
            Kind::Charter => "charter",
            Kind::Organisation => "organisation",
            Kind::Plan => "plan",
            Kind::Training => "training",
            Kind::Targets => "targets",
            Kind::BusinessCase => "business-case",
            Kind::Gate => "gate",
            Kind::Review => "review",
            Kind::Installation => "installation",
            Kind::AsIs => "as-is",
            Kind::Diagnosis => "diagnosis",
            Kind::Blueprint => "blueprint",
            Kind::ModuleMap => "module-map",
            Kind::DataQuality => "data-quality",
            Kind::Configuration => "configuration",
            Kind::Integration => "integration",
            Kind::PrototypeTest => "prototype-test",
            Kind::PilotResults => "pilot-results",
            Kind::IssueLog => "issue-log",
            Kind::Budget => "budget",
            Kind::CutoverRunbook => "cutover-runbook",
            Kind::RehearsalReport => "rehearsal-report",
            Kind::HypercareLog => "hypercare-log",
            Kind::Evaluation => "evaluation",
            Kind::Lessons => "lessons-learned",
            Kind::ImprovementPlan => "improvement-plan",
            Kind::OperatingRules => "operating-rules",
            Kind::ConversionTrial => "conversion-trial",
            Kind::Readiness => "readiness",
            Kind::GoLiveAcceptance => "go-live-acceptance",
        }
    }

    pub fn parse(s: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.key() == s.trim())
    }

    pub fn title(self, lang: Lang) -> String {
        i18n::t(lang, &format!("pdf.kind.{}", self.key()))
    }
}

/// The playbook deliverable a document kind is attached to, when the project has it.
pub fn deliverable_key(kind: Kind) -> Option<&'static str> {
    match kind {
        Kind::Charter => Some("project-charter"),
        Kind::Organisation => Some("organisation-chart"),
        Kind::Plan => Some("project-plan"),
        Kind::Training => Some("training-plan"),
        Kind::Targets => Some("target-sheet"),
        Kind::BusinessCase => Some("business-case"),
        Kind::Installation => Some("installation-record"),
        Kind::AsIs => Some("as-is-process-inventory"),
        Kind::Diagnosis => Some("diagnosis-report"),
        Kind::Blueprint => Some("business-blueprint"),
        Kind::ModuleMap => Some("process-module-map"),
        Kind::DataQuality => Some("data-quality-report"),
        Kind::Configuration => Some("configuration-record"),
        Kind::Integration => Some("integration-design-document"),
        Kind::PrototypeTest => Some("prototype-test-report"),
        Kind::PilotResults => Some("pilot-test-results"),
        // Phase 7's cutover plan is the runbook; phase 8's cutover record is the plan
        // against each rehearsal and the live cutover.
        Kind::CutoverRunbook => Some("cutover-plan"),
        Kind::RehearsalReport => Some("cutover-record"),
        Kind::HypercareLog => Some("hypercare-log"),
        Kind::Evaluation => Some("evaluation-report"),
        Kind::Lessons => Some("lessons-learned"),
        Kind::ImprovementPlan => Some("improvement-plan"),
        Kind::OperatingRules => Some("operating-rules"),
        Kind::ConversionTrial => Some("data-conversion-trial-report"),
        Kind::Readiness => Some("go-no-go-decision"),
        Kind::GoLiveAcceptance => Some("go-live-acceptance"),
        Kind::Gate | Kind::Review | Kind::IssueLog | Kind::Budget => None,
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

/// Who a generated version is by: the user's name, or "Ninefold" from the command line.
pub async fn author<C: ConnectionTrait>(c: &C, actor: Option<Actor>) -> Result<String> {
    Ok(match actor {
        Some(a) => super::users::get(c, a.user_id).await.map(|u| u.name).unwrap_or_default(),
        None => "Ninefold".to_string(),
    })
}

/// The version number the next generated `kind` in `lang` will get.
pub async fn next_version<C: ConnectionTrait>(c: &C, project_id: i32, kind: Kind, lang: Lang) -> Result<i32> {
    let last = document::Entity::find()
        .filter(document::Column::ProjectId.eq(project_id))
        .filter(document::Column::Kind.eq(kind.key()))
        .filter(document::Column::Lang.eq(lang.code()))
        .order_by_desc(document::Column::DocVersion)
        .one(c)
        .await?;
    Ok(last.map_or(1, |d| d.doc_version + 1))
}

/// Keep rendered bytes as `version` of `kind` in `lang`, in one short write transaction.
/// `None` when another version was stored since `version` was read (the caller renders
/// again with the new number, since the number is printed on the document).
#[allow(clippy::too_many_arguments)]
pub async fn store(
    db: &Db,
    actor: Option<Actor>,
    project_id: i32,
    kind: Kind,
    lang: Lang,
    version: i32,
    bytes: Vec<u8>,
    pages: usize,
) -> Result<Option<Saved>> {
    write::transaction(db, async |tx| {
        if next_version(tx, project_id, kind, lang).await? != version {
            return Ok(None);
        }
        let sha256 = hex::encode(Sha256::digest(&bytes));
        let deliverable_id = match deliverable_key(kind) {
            Some(key) => deliverable::Entity::find()
                .filter(deliverable::Column::ProjectId.eq(project_id))
                .filter(deliverable::Column::Key.eq(key))
                .one(tx)
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
        .exec_with_returning(tx)
        .await?;
        let user = actor.map(|a| a.user_id);
        audit::record_as(tx, user, Some(project_id), "document", row.id, "generate", None::<&()>, Some(&row)).await?;
        Ok(Some(Saved { id: row.id, version, sha256, pages, bytes: bytes.clone() }))
    })
    .await
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
    use sea_orm::{Iterable, QuerySelect, sea_query::Expr};
    // The stored bytes are not read to list the versions (they can be many megabytes).
    let rows = document::Entity::find()
        .select_only()
        .columns(document::Column::iter().filter(|c| !matches!(c, document::Column::Bytes)))
        .column_as(Expr::val(Vec::<u8>::new()), "bytes")
        .filter(document::Column::ProjectId.eq(project_id))
        .order_by_desc(document::Column::Id)
        .into_model::<document::Model>()
        .all(c)
        .await?;
    let names = super::user_names(c, rows.iter().filter_map(|r| r.created_by)).await?;
    let dels = deliverable::Entity::find().filter(deliverable::Column::ProjectId.eq(project_id)).all(c).await?;
    Ok(rows
        .into_iter()
        .map(|d| Listed {
            created_by_name: d.created_by.and_then(|u| names.get(&u).cloned()).unwrap_or_else(|| "Ninefold".into()),
            deliverable_name: d
                .deliverable_id
                .and_then(|id| dels.iter().find(|x| x.id == id))
                .map(|x| (x.name_en.clone(), x.name_zh.clone())),
            doc: d,
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

/// A stored version without its bytes (they are read in pieces by `chunk`).
pub async fn head<C: ConnectionTrait>(c: &C, project_id: i32, id: i32) -> Result<document::Model> {
    use sea_orm::{Iterable, QuerySelect, sea_query::Expr};
    document::Entity::find_by_id(id)
        .select_only()
        .columns(document::Column::iter().filter(|c| !matches!(c, document::Column::Bytes)))
        .column_as(Expr::val(Vec::<u8>::new()), "bytes")
        .filter(document::Column::ProjectId.eq(project_id))
        .into_model::<document::Model>()
        .one(c)
        .await?
        .ok_or(super::Error::NotFound)
}

/// Bytes `offset..offset + len` of a stored version (fewer at its end), read from the
/// database without loading the rest: downloads stream a document in such pieces.
pub async fn chunk<C: ConnectionTrait>(c: &C, project_id: i32, id: i32, offset: i32, len: i32) -> Result<Vec<u8>> {
    use sea_orm::{DbBackend, Statement};
    let backend = c.get_database_backend();
    let sql = match backend {
        DbBackend::Postgres => "SELECT substr(bytes, $1, $2) FROM documents WHERE id = $3 AND project_id = $4",
        _ => "SELECT substr(bytes, ?, ?) FROM documents WHERE id = ? AND project_id = ?",
    };
    let start = offset.checked_add(1).ok_or(super::Error::NotFound)?;
    let stmt = Statement::from_sql_and_values(backend, sql, [start.into(), len.into(), id.into(), project_id.into()]);
    let row = c.query_one_raw(stmt).await?.ok_or(super::Error::NotFound)?;
    Ok(row.try_get_by_index::<Vec<u8>>(0)?)
}
