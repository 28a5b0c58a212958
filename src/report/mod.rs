//! Deliverable documents: one view model per document kind, built from the services, laid
//! out by `pdf`. The same `Facts` feed every kind so documents never disagree.
pub(crate) mod business_case;
mod charter;
mod gate;
mod organisation;
pub mod plan;
mod review;
pub(crate) mod targets;
mod training;

use crate::entity::{deliverable, project};
use crate::i18n::{self, Lang};
use crate::pdf::{Block, Document, Table};
use crate::service::{self, Result, projects, reviews};
use chrono::NaiveDate;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};

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
}

impl Kind {
    pub const ALL: [Kind; 8] = [
        Kind::Charter,
        Kind::Organisation,
        Kind::Plan,
        Kind::Training,
        Kind::Targets,
        Kind::BusinessCase,
        Kind::Gate,
        Kind::Review,
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
        }
    }

    pub fn parse(s: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.key() == s.trim())
    }

    /// The playbook deliverable a generated version is attached to, by key, when one fits.
    pub fn title(self, lang: Lang) -> String {
        i18n::t(lang, &format!("pdf.kind.{}", self.key()))
    }
}

pub(crate) fn t(lang: Lang, key: &str) -> String {
    i18n::t(lang, &format!("pdf.{key}"))
}

pub(crate) fn name(lang: Lang, en: &str, zh: &str) -> String {
    match lang {
        Lang::En => en.to_string(),
        Lang::Zh => zh.to_string(),
    }
}

pub(crate) fn num(v: Option<f64>) -> String {
    v.map_or(
        "–".into(),
        |x| {
            if x.fract().abs() < 1e-9 && x.abs() < 1e12 { format!("{x:.0}") } else { format!("{x:.2}") }
        },
    )
}

pub(crate) fn date(d: Option<NaiveDate>) -> String {
    d.map_or("–".into(), |d| d.to_string())
}

/// Everything about a project the documents draw on.
pub struct Facts {
    pub project: project::Model,
    pub phases: Vec<crate::entity::phase::Model>,
    /// The schedule as the schedule page shows it (Gantt, milestones, activities).
    pub schedule: service::schedule::ScheduleView,
    pub deliverables: Vec<deliverable::Model>,
    pub decisions: Vec<projects::DecisionRow>,
    pub members: Vec<projects::MemberRow>,
    /// The targets view (figures and trend charts as the Targets page shows them).
    pub targets: Vec<service::targets::TargetView>,
    /// The risk register view (counts, top risks, heat map as the Risks page shows them).
    pub risks: service::risks::Register,
    pub people: Vec<crate::entity::person::Model>,
    pub training: service::training::TrainingView,
    pub reviews: Vec<crate::entity::review::Model>,
    pub pack: reviews::Pack,
    pub reviewer_names: std::collections::HashMap<i32, String>,
    pub business_case: Option<service::business_case::CaseView>,
    pub today: NaiveDate,
}

pub async fn facts<C: ConnectionTrait>(c: &C, project_id: i32, today: NaiveDate, lang: Lang) -> Result<Facts> {
    let project = project::Entity::find_by_id(project_id).one(c).await?.ok_or(service::Error::NotFound)?;
    let targets = service::targets::page(c, &project, lang).await?;
    let risks = service::risks::register(c, &project, lang).await?;
    let phases = projects::phases(c, project_id).await?;
    let schedule = service::schedule::view(c, &project, service::schedule::ViewOptions::default()).await?;
    let deliverables = deliverable::Entity::find()
        .filter(deliverable::Column::ProjectId.eq(project_id))
        .order_by_asc(deliverable::Column::PhaseId)
        .order_by_asc(deliverable::Column::Seq)
        .all(c)
        .await?;
    let decisions = projects::decisions(c, project_id, &phases).await?;
    let reviewer_names = service::user_names(c, deliverables.iter().filter_map(|d| d.reviewed_by)).await?;
    Ok(Facts {
        members: projects::members(c, project_id).await?,
        targets: targets.targets,
        risks,
        people: service::organisation::people(c, project_id).await?,
        training: service::training::view(c, &project).await?,
        business_case: service::business_case::view(c, &project, None, today).await?,
        reviews: reviews::list(c, project_id).await?,
        pack: reviews::build_pack(c, project_id, service::clock::today(&project)).await?,
        project,
        phases,
        schedule,
        deliverables,
        decisions,
        reviewer_names,
        today,
    })
}

/// Build the document of `kind` in `lang`.
pub fn document(f: &Facts, kind: Kind, lang: Lang, version: &str, author: &str) -> Document {
    let p = &f.project;
    let approvals: Vec<(String, String)> = f
        .members
        .iter()
        .filter(|m| m.role == "director" || m.role == "steering")
        .map(|m| (i18n::t(lang, &format!("role.{}", m.role)), m.name.clone()))
        .collect();
    let blocks = match kind {
        Kind::Charter => charter::blocks(f, lang),
        Kind::Organisation => organisation::blocks(f, lang),
        Kind::Plan => plan::blocks(f, lang),
        Kind::Training => training::blocks(f, lang),
        Kind::Targets => targets::blocks(f, lang, true),
        Kind::BusinessCase => business_case::blocks(f, lang),
        Kind::Gate => gate::blocks(f, lang),
        Kind::Review => review::blocks(f, lang),
    };
    Document {
        title: kind.title(lang),
        client: p.client_name.clone(),
        project: p.name.clone(),
        version: version.to_string(),
        date: f.today.to_string(),
        author: author.to_string(),
        cover_labels: ["client", "project", "document", "version", "date", "author"]
            .map(|k| t(lang, &format!("cover.{k}"))),
        approval_title: t(lang, "cover.approval"),
        approvals,
        approval_header: ["role", "name", "signature", "signed_on"].map(|k| t(lang, &format!("cover.{k}"))),
        toc_title: t(lang, "toc"),
        page_label: t(lang, "page_of"),
        blocks,
    }
}

pub(crate) fn h1(s: String) -> Block {
    Block::Heading(1, s)
}
pub(crate) fn h2(s: String) -> Block {
    Block::Heading(2, s)
}

pub(crate) fn modules(f: &Facts, lang: Lang) -> Vec<String> {
    f.project
        .modules
        .split(',')
        .filter(|m| !m.is_empty())
        .map(|m| format!("{} — {}", i18n::t(lang, &format!("module.{m}")), i18n::t(lang, &format!("module_hint.{m}"))))
        .collect()
}

pub(crate) fn phase_table(f: &Facts, lang: Lang) -> Table {
    Table {
        widths: vec![0.6, 3.0, 1.4, 1.4, 1.2, 1.2],
        header: ["seq", "phase", "start", "finish", "status", "gate"].map(|k| t(lang, &format!("col.{k}"))).to_vec(),
        rows: f
            .phases
            .iter()
            .map(|ph| {
                let gates: Vec<_> = f.deliverables.iter().filter(|d| d.phase_id == ph.id && d.is_gate).collect();
                let ok = gates.iter().filter(|d| d.status == "accepted").count();
                vec![
                    ph.seq.to_string(),
                    name(lang, &ph.name_en, &ph.name_zh),
                    ph.planned_start.to_string(),
                    ph.planned_finish.to_string(),
                    i18n::t(lang, &format!("phase.{}", ph.status)),
                    format!("{ok}/{}", gates.len()),
                ]
            })
            .collect(),
        right: vec![0, 5],
    }
}

pub(crate) fn members_table(f: &Facts, lang: Lang) -> Table {
    Table {
        widths: vec![2.0, 2.5, 1.5],
        header: ["name", "email", "role"].map(|k| t(lang, &format!("col.{k}"))).to_vec(),
        rows: f
            .members
            .iter()
            .map(|m| vec![m.name.clone(), m.email.clone(), i18n::t(lang, &format!("role.{}", m.role))])
            .collect(),
        right: vec![],
    }
}

pub(crate) fn people_blocks(f: &Facts, lang: Lang) -> Vec<Block> {
    if f.people.is_empty() {
        return vec![];
    }
    vec![
        h2(t(lang, "org.people")),
        Block::Table(Table {
            widths: vec![1.6, 2.0, 1.6, 1.0],
            header: ["name", "title", "department", "side"].map(|k| t(lang, &format!("col.{k}"))).to_vec(),
            rows: f
                .people
                .iter()
                .map(|p| {
                    vec![
                        p.name.clone(),
                        p.title.clone(),
                        p.department.clone(),
                        i18n::t(lang, &format!("side.{}", p.side)),
                    ]
                })
                .collect(),
            right: vec![],
        }),
    ]
}

pub(crate) fn decisions_table(f: &Facts, lang: Lang) -> Table {
    Table {
        widths: vec![0.6, 2.2, 1.3, 3.0, 1.4, 1.2],
        header: ["seq", "phase", "decision", "rationale", "by", "date"].map(|k| t(lang, &format!("col.{k}"))).to_vec(),
        rows: f
            .decisions
            .iter()
            .map(|d| {
                let ph = f.phases.iter().find(|p| p.id == d.decision.phase_id);
                vec![
                    d.phase_seq.to_string(),
                    ph.map_or(String::new(), |p| name(lang, &p.name_en, &p.name_zh)),
                    i18n::t(lang, &format!("decision.{}", d.decision.decision)),
                    d.decision.rationale.clone(),
                    d.decided_by_name.clone(),
                    d.decision.decided_at.date_naive().to_string(),
                ]
            })
            .collect(),
        right: vec![0],
    }
}

pub(crate) fn deliverables_table(f: &Facts, lang: Lang, phase_id: Option<i32>) -> Table {
    Table {
        widths: vec![0.6, 3.0, 0.7, 1.2, 1.2, 1.6],
        header: ["seq", "deliverable", "gate", "due", "status", "accepted_by"]
            .map(|k| t(lang, &format!("col.{k}")))
            .to_vec(),
        rows: f
            .deliverables
            .iter()
            .filter(|d| phase_id.is_none_or(|p| d.phase_id == p))
            .map(|d| {
                let seq = f.phases.iter().find(|p| p.id == d.phase_id).map_or(0, |p| p.seq);
                let by = d.reviewed_by.and_then(|u| f.reviewer_names.get(&u).cloned()).unwrap_or_default();
                let when = d.reviewed_at.map(|w| format!(" {}", w.date_naive())).unwrap_or_default();
                vec![
                    seq.to_string(),
                    name(lang, &d.name_en, &d.name_zh),
                    if d.is_gate { t(lang, "yes") } else { String::new() },
                    d.due_date.to_string(),
                    i18n::t(lang, &format!("status.{}", d.status)),
                    if d.status == "accepted" { format!("{by}{when}") } else { String::new() },
                ]
            })
            .collect(),
        right: vec![0],
    }
}
