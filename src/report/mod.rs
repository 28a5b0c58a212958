//! Deliverable documents: each kind lays out the service views of its area (the very
//! structs the pages render and the API serialises) as `pdf` blocks; `report` runs no query
//! and computes no figure of its own. `publish` is the one pipeline: gather the views, lay
//! out, render on the blocking pool, keep the bytes in a short write transaction.
mod as_is;
mod blueprint;
mod budget;
pub(crate) mod business_case;
mod charter;
mod configuration;
mod conversion;
mod cutover;
mod data_quality;
mod diagnosis;
mod evaluation;
mod gate;
mod hypercare;
mod improvement_plan;
mod installation;
mod integration;
mod issue_log;
mod lessons;
mod module_map;
mod operating_rules;
mod organisation;
mod pilot_results;
pub mod plan;
mod prototype_test;
mod readiness;
mod review;
pub(crate) mod targets;
mod training;
pub mod xlsx;

use crate::db::Db;
use crate::entity::project;
use crate::i18n::{self, Lang};
use crate::pdf::{Block, Document, Table};
pub use crate::service::documents::Kind;
use crate::service::documents::{self as store, Saved};
use crate::service::reviews::Deck;
use crate::service::{self, Actor, Result, clock, gates, projects, reviews, work};
use chrono::NaiveDate;
use sea_orm::ConnectionTrait;

pub(crate) fn t(lang: Lang, key: &str) -> String {
    i18n::t(lang, &format!("pdf.{key}"))
}

pub(crate) fn name(lang: Lang, en: &str, zh: &str) -> String {
    match lang {
        Lang::En => en.to_string(),
        Lang::Zh => zh.to_string(),
    }
}

/// A figure as the pages print it: thousands separators, at most two decimals, no
/// trailing zeros ("2,350", "73.1").
pub(crate) fn num(v: Option<f64>) -> String {
    v.map_or("–".into(), |x| crate::domain::targets::figure(x, 2))
}

pub(crate) fn date(d: Option<NaiveDate>) -> String {
    d.map_or("–".into(), |d| d.to_string())
}

/// The service views the documents lay out, gathered once so documents never disagree.
pub struct Facts {
    pub project: project::Model,
    pub phases: Vec<crate::entity::phase::Model>,
    /// The schedule as the schedule page shows it (Gantt, milestones, activities).
    pub schedule: service::schedule::ScheduleView,
    /// The phases with their gate counts, as on the overview's ribbon.
    pub phase_views: Vec<projects::PhaseView>,
    /// Every deliverable with its phase number, owner and reviewer by name.
    pub deliverables: Vec<work::DeliverableRow>,
    pub decisions: Vec<projects::DecisionRow>,
    pub members: Vec<projects::MemberRow>,
    /// The gate report's phase, as on its gate page (none without phases).
    pub gate: Option<gates::GateView>,
    /// The targets view (figures and trend charts as the Targets page shows them).
    pub targets: Vec<service::targets::TargetView>,
    /// The risk register view (counts, top risks, heat map as the Risks page shows them).
    pub risks: service::risks::Register,
    pub people: Vec<crate::entity::person::Model>,
    /// The organisation view (tiers, allocations, chart model) as the Organisation page shows it.
    pub organisation: service::organisation::OrgView,
    pub training: service::training::TrainingView,
    /// The diagnosis view (processes ranked, priority matrix, fishbones, environments, data sources).
    pub diagnosis: service::diagnosis::DiagnosisView,
    /// The blueprint view (to-be processes, process-to-module map) and each blueprint's page.
    pub blueprint: service::blueprint::BlueprintView,
    pub blueprints: Vec<service::blueprint::BlueprintPage>,
    pub reviews: Vec<crate::entity::review::Model>,
    pub pack: reviews::Pack,
    pub business_case: Option<service::business_case::CaseView>,
    /// The held review whose frozen pack the review pack lays out (`--review`), else none
    /// and `pack` is built live.
    pub review: Option<reviews::Deck>,
    /// The case as each of its scenarios evaluates it (the case page with that scenario chosen).
    pub scenarios: Vec<service::business_case::CaseView>,
    /// The project's today, in its time zone.
    pub today: NaiveDate,
    /// Phases 5–6: every test cycle as its cycle page shows it.
    pub cycles: Vec<service::testing::CycleView>,
    /// The Testing tab's view (its charts: burn-ups, open defects, coverage matrix).
    pub testing: service::testing::Overview,
    /// Operating rules and procedures (phase 6).
    pub operating_rules: service::phase6::RulesView,
    /// Data conversion trials per data source (phase 6).
    pub conversion: service::phase6::ConversionView,
    /// The configuration record, its gaps and the integration register (Configuration tab).
    pub configuration: service::configuration::ConfigView,
    /// The issue and change log (Issues and changes tab).
    pub raid: service::raid::Log,
    /// The Budget page's view: control figures, earned value and the S-curve.
    pub budget: service::budget::Control,
    /// Phase 8: the cutover runbook with its rehearsals and the live record (Cutover tab).
    pub runbook: service::golive::Runbook,
    /// Phase 8: the hypercare issue log, its service levels and daily chart (Hypercare page).
    pub hypercare: service::hypercare::Log,
    /// Phase 9: the evaluation view (Evaluation tab).
    pub evaluation: service::evaluation::EvaluationView,
    /// Go-live acceptance (hypercare exit, go decision) with the readiness view inside.
    pub acceptance: service::readiness::Acceptance,
    /// Adoption per CRM module and functional group.
    pub adoption: service::readiness::AdoptionView,
}

/// What a document covers when it can cover more than one thing: the gate report of any
/// phase (`--phase`), the review pack of a held review as it was frozen (`--review`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Scope {
    /// Phase number for the gate report (default: the phase last decided on, else the active one).
    pub phase: Option<i32>,
    /// Review id for the review pack (default: a pack built now from live data).
    pub review: Option<i32>,
}

/// Gather the views every document draws on, in `lang`, as of the project's today.
pub async fn facts<C: ConnectionTrait>(c: &C, project_id: i32, lang: Lang) -> Result<Facts> {
    facts_for(c, project_id, lang, Scope::default()).await
}

/// As `facts`, for the phase or the held review `scope` names.
pub async fn facts_for<C: ConnectionTrait>(c: &C, project_id: i32, lang: Lang, scope: Scope) -> Result<Facts> {
    // Every view of the project in one future is large in a debug build: kept on the heap so
    // that a caller's stack (a test thread's 2 MiB) holds only a pointer to it.
    Box::pin(gather(c, project_id, lang, scope)).await
}

async fn gather<C: ConnectionTrait>(c: &C, project_id: i32, lang: Lang, scope: Scope) -> Result<Facts> {
    let project = projects::get(c, project_id).await?;
    let today = clock::today(&project);
    let targets = service::targets::page(c, &project, lang).await?;
    let risks = service::risks::register(c, &project, lang).await?;
    let phases = projects::phases(c, project_id).await?;
    let schedule = Box::pin(service::schedule::view(c, &project, service::schedule::ViewOptions::default())).await?;
    let deliverables = work::deliverable_rows(c, project_id).await?;
    let models: Vec<_> = deliverables.iter().map(|d| d.deliverable.clone()).collect();
    let business_case = Box::pin(service::business_case::view(c, &project, None, today)).await?;
    let blueprint = service::blueprint::view(c, project_id).await?;
    let mut blueprints = Vec::new();
    for r in &blueprint.blueprints {
        blueprints.push(service::blueprint::page(c, project_id, r.b.id, None, None, lang).await?);
    }
    let review = match scope.review {
        Some(id) => Some(Box::pin(reviews::deck(c, project_id, id)).await?),
        None => None,
    };
    let mut scenarios = Vec::new();
    for s in business_case.iter().flat_map(|v| v.scenarios.iter()) {
        if let Some(v) = service::business_case::view(c, &project, Some(s.id), today).await? {
            scenarios.push(v);
        }
    }
    let mut cycles = Vec::new();
    for cy in service::testing::cycles(c, project_id).await? {
        cycles.push(service::testing::cycle(c, project_id, cy.id, lang).await?);
    }
    Ok(Facts {
        testing: service::testing::overview(c, &project, lang).await?,
        operating_rules: service::phase6::rules_view(c, &project).await?,
        conversion: service::phase6::conversion_view(c, &project).await?,
        cycles,
        configuration: service::configuration::view(c, &project).await?,
        raid: service::raid::log(c, &project, today).await?,
        budget: Box::pin(service::budget::control_on(c, &project, today, lang)).await?,
        runbook: service::golive::runbook(c, &project).await?,
        hypercare: service::hypercare::log(c, &project, lang).await?,
        evaluation: Box::pin(service::evaluation::view_on(c, &project, today, lang)).await?,
        acceptance: Box::pin(service::readiness::acceptance(c, &project, lang)).await?,
        adoption: service::readiness::adoption(c, &project, lang).await?,
        phase_views: projects::phase_views(phases.clone(), &models),
        decisions: projects::decisions(c, project_id, &phases).await?,
        members: projects::members(c, project_id).await?,
        gate: match scope.phase {
            Some(seq) => Some(gates::report_phase(c, &project, seq).await?),
            None => gates::report(c, &project).await?,
        },
        targets: targets.targets,
        risks,
        people: service::organisation::people(c, project_id).await?,
        organisation: service::organisation::view(c, &project, lang).await?,
        training: service::training::view(c, &project).await?,
        diagnosis: service::diagnosis::view(c, &project, lang).await?,
        blueprint,
        blueprints,
        business_case,
        scenarios,
        reviews: reviews::list(c, project_id).await?,
        pack: match &review {
            Some(Deck { pack: Some(p), .. }) => p.clone(),
            Some(_) => return Err(service::Error::NotFound),
            None => Box::pin(reviews::build_pack(c, project_id, today)).await?,
        },
        review,
        project,
        phases,
        schedule,
        deliverables,
        today,
    })
}

/// Lay out and render on the blocking pool (printpdf is CPU work: never on the async
/// runtime, never under the writer lock). Returns the bytes and the page count.
/// Each rendering is timed for `/metrics` by document kind.
pub async fn render(kind: Kind, doc: Document) -> (Vec<u8>, usize) {
    tokio::task::spawn_blocking(move || {
        let start = std::time::Instant::now();
        let out = crate::pdf::render_counted(&doc);
        crate::metrics::pdf_rendered(kind.key(), start.elapsed());
        out
    })
    .await
    .expect("PDF rendering panicked")
}

/// Lay the document out from the gathered views and render it, both on the blocking pool.
async fn lay_out_and_render(
    f: std::sync::Arc<Facts>,
    kind: Kind,
    lang: Lang,
    version: String,
    author: String,
) -> Result<(Vec<u8>, usize)> {
    tokio::task::spawn_blocking(move || {
        let start = std::time::Instant::now();
        let out = crate::pdf::render_counted(&document(&f, kind, lang, &version, &author));
        crate::metrics::pdf_rendered(kind.key(), start.elapsed());
        out
    })
    .await
    .map_err(|e| service::Error::Db(sea_orm::DbErr::Custom(format!("PDF rendering failed: {e}"))))
}

/// A document as it would be generated now, not kept (the Documents tab's preview).
pub async fn preview(db: &Db, project_id: i32, kind: Kind, lang: Lang, author: &str) -> Result<Vec<u8>> {
    preview_scoped(db, project_id, kind, lang, author, Scope::default()).await
}

/// As `preview`, for the phase or held review `scope` names.
pub async fn preview_scoped(
    db: &Db,
    project_id: i32,
    kind: Kind,
    lang: Lang,
    author: &str,
    scope: Scope,
) -> Result<Vec<u8>> {
    let f = std::sync::Arc::new(facts_for(&db.conn, project_id, lang, scope).await?);
    Ok(lay_out_and_render(f, kind, lang, i18n::t(lang, "pdf.draft"), author.to_string()).await?.0)
}

/// Generate `kind` in `lang` and keep it as the next version: gather the views, lay out and
/// render on the blocking pool, then store in a short write transaction. `actor` is `None`
/// from the command line. Used by the Documents tab and `ninefold pdf`.
pub async fn publish(db: &Db, actor: Option<Actor>, project_id: i32, kind: Kind, lang: Lang) -> Result<Saved> {
    publish_scoped(db, actor, project_id, kind, lang, Scope::default()).await
}

/// As `publish`, for the phase (gate report) or held review (review pack) `scope` names.
pub async fn publish_scoped(
    db: &Db,
    actor: Option<Actor>,
    project_id: i32,
    kind: Kind,
    lang: Lang,
    scope: Scope,
) -> Result<Saved> {
    let f = std::sync::Arc::new(facts_for(&db.conn, project_id, lang, scope).await?);
    let author = store::author(&db.conn, actor).await?;
    loop {
        let version = store::next_version(&db.conn, project_id, kind, lang).await?;
        let (bytes, pages) = lay_out_and_render(f.clone(), kind, lang, format!("v{version}"), author.clone()).await?;
        // Someone stored a version meanwhile: the number printed on this one is taken.
        if let Some(saved) = store::store(db, actor, project_id, kind, lang, version, bytes, pages).await? {
            return Ok(saved);
        }
    }
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
        Kind::Installation => installation::blocks(f, lang),
        Kind::AsIs => as_is::blocks(f, lang),
        Kind::Diagnosis => diagnosis::blocks(f, lang),
        Kind::Blueprint => blueprint::blocks(f, lang),
        Kind::ModuleMap => module_map::blocks(f, lang),
        Kind::DataQuality => data_quality::blocks(f, lang),
        Kind::Configuration => configuration::blocks(f, lang),
        Kind::Integration => integration::blocks(f, lang),
        Kind::PrototypeTest => prototype_test::blocks(f, lang),
        Kind::PilotResults => pilot_results::blocks(f, lang),
        Kind::IssueLog => issue_log::blocks(f, lang),
        Kind::Budget => budget::blocks(f, lang),
        Kind::CutoverRunbook => cutover::runbook(f, lang),
        Kind::RehearsalReport => cutover::rehearsals(f, lang),
        Kind::HypercareLog => hypercare::blocks(f, lang),
        Kind::Evaluation => evaluation::blocks(f, lang),
        Kind::Lessons => lessons::blocks(f, lang),
        Kind::ImprovementPlan => improvement_plan::blocks(f, lang),
        Kind::OperatingRules => operating_rules::blocks(f, lang),
        Kind::ConversionTrial => conversion::blocks(f, lang),
        Kind::Readiness => readiness::blocks(f, lang),
        Kind::GoLiveAcceptance => readiness::acceptance_blocks(f, lang),
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
        subject: subject(f, kind, lang),
        lang: match lang {
            Lang::En => "en".into(),
            Lang::Zh => "zh-CN".into(),
        },
        created: chrono::Utc::now(),
        // The review pack is read section by section in the meeting: one section a page.
        section_pages: kind == Kind::Review,
    }
}

/// What the document covers, for its metadata: the kind, the phase or review, the project.
fn subject(f: &Facts, kind: Kind, lang: Lang) -> String {
    let p = &f.project;
    let what = match (kind, &f.gate, &f.review) {
        (Kind::Gate, Some(g), _) => {
            format!(" · {} {}. {}", t(lang, "gate.phase"), g.phase.seq, name(lang, &g.phase.name_en, &g.phase.name_zh))
        }
        (Kind::Review, _, Some(d)) => format!(" · {} {}", d.review.held_on, d.review.title),
        _ => String::new(),
    };
    format!("{}{what} · {} · {}", kind.title(lang), p.client_name, p.name)
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
            .phase_views
            .iter()
            .map(|v| {
                let ph = &v.phase;
                vec![
                    ph.seq.to_string(),
                    name(lang, &ph.name_en, &ph.name_zh),
                    ph.planned_start.to_string(),
                    ph.planned_finish.to_string(),
                    i18n::t(lang, &format!("phase.{}", ph.status)),
                    format!("{}/{}", v.gate_accepted, v.gate_total),
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
                        i18n::t(lang, &format!("dept.{}", p.department)),
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
    let rows: Vec<_> = f.deliverables.iter().filter(|d| phase_id.is_none_or(|p| d.deliverable.phase_id == p)).collect();
    deliverable_rows_table(&rows, lang)
}

pub(crate) fn deliverable_rows_table(rows: &[&work::DeliverableRow], lang: Lang) -> Table {
    Table {
        widths: vec![0.5, 2.6, 0.6, 1.1, 1.0, 2.5],
        header: ["seq", "deliverable", "gate", "due", "status", "accepted_by"]
            .map(|k| t(lang, &format!("col.{k}")))
            .to_vec(),
        rows: rows
            .iter()
            .map(|r| {
                let d = &r.deliverable;
                let by = r.reviewer_name.clone().unwrap_or_default();
                let when = d.reviewed_at.map(|w| format!(" {}", w.date_naive())).unwrap_or_default();
                vec![
                    r.phase_seq.to_string(),
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

/// The three tiers (steering committee, project team, functional groups) with each
/// member's role and time allocation, as the Organisation page lists them.
pub(crate) fn tiers_table(f: &Facts, lang: Lang) -> Table {
    let mut rows = Vec::new();
    for u in &f.organisation.tiers {
        if u.members.is_empty() {
            rows.push(vec![u.label.clone(), "–".into(), String::new(), String::new(), String::new()]);
        }
        for (i, m) in u.members.iter().enumerate() {
            rows.push(vec![
                if i == 0 { u.label.clone() } else { String::new() },
                m.person.name.clone(),
                i18n::t(lang, &format!("org_role.{}", m.m.role)),
                i18n::t(lang, &format!("dept.{}", m.person.department)),
                format!("{}%", m.m.allocation),
            ]);
        }
    }
    Table {
        widths: vec![1.8, 1.5, 1.8, 1.5, 0.9],
        header: ["tier", "name", "role", "department", "allocation"].map(|k| t(lang, &format!("col.{k}"))).to_vec(),
        rows,
        right: vec![4],
    }
}

/// A diagnosis or blueprint label (`diag.*`, `bp.*` keys the pages use).
pub(crate) fn d(lang: Lang, key: &str) -> String {
    i18n::t(lang, key)
}

/// The module's name in `lang` from the diagnosis view's module list (the key when unknown).
pub(crate) fn module_name(f: &Facts, lang: Lang, key: &str) -> String {
    f.diagnosis
        .modules
        .iter()
        .find(|m| m.key == key)
        .map_or_else(|| i18n::t(lang, &format!("module.{key}")), |m| name(lang, &m.name_en, &m.name_zh))
}
