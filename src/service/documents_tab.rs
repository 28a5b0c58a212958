//! The Documents tab's view: every playbook deliverable of the project with the document
//! kind that generates it (or none: a file is attached instead), its latest version, and
//! what each kind can cover (the phases for a gate report, the held reviews for a pack).
use super::Result;
use super::documents::{self, Kind, Listed};
use super::work;
use crate::i18n::{self, Lang};
use sea_orm::ConnectionTrait;
use serde::Serialize;

/// A playbook deliverable and how its document comes about.
#[derive(Clone, Debug, Serialize)]
pub struct DeliverableDoc {
    pub phase_seq: i32,
    pub name: String,
    pub is_gate: bool,
    pub status: String,
    /// The kind that generates it, when there is one.
    pub kind: Option<&'static str>,
    pub kind_title: Option<String>,
    /// Its latest stored version (any language).
    pub latest: Option<Listed>,
    /// The latest file attached to it: evidence that satisfies a deliverable no kind generates.
    pub evidence: Option<super::collab::AttachmentRow>,
}

/// A kind with its stored versions.
#[derive(Clone, Debug, Serialize)]
pub struct KindRow {
    pub key: &'static str,
    pub title: String,
    pub versions: Vec<Listed>,
}

#[derive(Clone, Debug, Serialize)]
pub struct Choice {
    pub value: i32,
    pub label: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct Tab {
    pub kinds: Vec<KindRow>,
    pub deliverables: Vec<DeliverableDoc>,
    /// Phases for the gate report (`phase`), held reviews for the review pack (`review`).
    pub phases: Vec<Choice>,
    pub reviews: Vec<Choice>,
    /// How many deliverables have a generated document.
    pub generated_kinds: usize,
}

/// The kind that generates the playbook deliverable `key`, if any.
pub fn kind_of(key: &str) -> Option<Kind> {
    Kind::ALL.into_iter().find(|k| documents::deliverable_key(*k) == Some(key))
}

pub async fn tab<C: ConnectionTrait>(c: &C, project_id: i32, lang: Lang) -> Result<Tab> {
    let versions = documents::list(c, project_id).await?;
    let rows = work::deliverable_rows(c, project_id).await?;
    let phases = super::projects::phases(c, project_id).await?;
    let reviews = super::reviews::list(c, project_id).await?;
    let attached: Vec<super::collab::AttachmentRow> = super::collab::attachments_of(c, project_id, None)
        .await?
        .into_iter()
        .filter(|a| a.entity_kind == "deliverable")
        .collect();
    let pick = |en: &str, zh: &str| if lang == Lang::Zh { zh.to_string() } else { en.to_string() };
    let deliverables: Vec<DeliverableDoc> = rows
        .iter()
        .map(|r| {
            let d = &r.deliverable;
            let kind = kind_of(&d.key);
            DeliverableDoc {
                phase_seq: r.phase_seq,
                name: pick(&d.name_en, &d.name_zh),
                is_gate: d.is_gate,
                status: i18n::t(lang, &format!("status.{}", d.status)),
                kind: kind.map(Kind::key),
                kind_title: kind.map(|k| k.title(lang)),
                latest: versions.iter().find(|v| v.doc.deliverable_id == Some(d.id)).cloned(),
                evidence: attached.iter().filter(|a| a.entity_id == d.id).max_by_key(|a| (a.created_at, a.id)).cloned(),
            }
        })
        .collect();
    Ok(Tab {
        generated_kinds: deliverables.iter().filter(|d| d.kind.is_some()).count(),
        kinds: Kind::ALL
            .iter()
            .map(|k| KindRow {
                key: k.key(),
                title: k.title(lang),
                versions: versions.iter().filter(|v| v.doc.kind == k.key()).cloned().collect(),
            })
            .collect(),
        deliverables,
        phases: phases
            .iter()
            .map(|p| Choice { value: p.seq, label: format!("{}. {}", p.seq, pick(&p.name_en, &p.name_zh)) })
            .collect(),
        reviews: reviews
            .iter()
            .map(|r| Choice { value: r.id, label: format!("{} · {}", r.held_on, r.title) })
            .collect(),
    })
}
