//! Deliverable documents: one view model per document kind, built from the services, laid
//! out by `pdf`. The same `Facts` feed every kind so documents never disagree.
use crate::chart::gantt::{Gantt, Row, RowKind, Scale};
use crate::chart::line;
use crate::entity::{activity, deliverable, project, training_session};
use crate::i18n::{self, Lang};
use crate::pdf::{Block, Document, Table};
use crate::service::{self, Result, organisation, projects, reviews, targets, training};
use chrono::NaiveDate;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};

/// The trend chart of a target, shared by the target pages and the documents: measurements, baseline, target, target date and forecast.
pub fn trend_chart(v: &targets::TargetView, lang: Lang) -> Option<line::LineChart> {
    let t = &v.target;
    let (bd, b) = (t.baseline_date?, t.baseline_value?);
    let mut measured = vec![(bd, b)];
    measured.extend(v.measurements.iter().map(|m| (m.measured_on, m.value)));
    measured.sort_by_key(|p| p.0);
    let mut series = vec![line::Series { style: line::Style::Measured, points: measured.clone() }];
    let mut levels = vec![line::Level {
        style: line::Style::Baseline,
        value: b,
        label: format!("{} {}", i18n::t(lang, "target.baseline"), crate::chart::svg::short(b)),
    }];
    if let Some(tv) = t.target_value {
        levels.push(line::Level {
            style: line::Style::Target,
            value: tv,
            label: format!("{} {}", i18n::t(lang, "target.target"), crate::chart::svg::short(tv)),
        });
    }
    if let (Some(a), Some(td), Some(last)) = (&v.assessment, t.target_date, measured.last())
        && let (Some(tr), true) = (a.trend, measured.len() > 1)
    {
        series.push(line::Series {
            style: line::Style::Forecast,
            points: vec![(last.0, tr.at(last.0)), (td, tr.at(td))],
        });
    }
    Some(line::LineChart { title: t.name.clone(), series, levels, marker: t.target_date.map(|d| (d, d.to_string())) })
}

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

fn t(lang: Lang, key: &str) -> String {
    i18n::t(lang, &format!("pdf.{key}"))
}

fn name(lang: Lang, en: &str, zh: &str) -> String {
    match lang {
        Lang::En => en.to_string(),
        Lang::Zh => zh.to_string(),
    }
}

fn num(v: Option<f64>) -> String {
    v.map_or(
        "–".into(),
        |x| {
            if x.fract().abs() < 1e-9 && x.abs() < 1e12 { format!("{x:.0}") } else { format!("{x:.2}") }
        },
    )
}

fn date(d: Option<NaiveDate>) -> String {
    d.map_or("–".into(), |d| d.to_string())
}

/// Everything about a project the documents draw on.
pub struct Facts {
    pub project: project::Model,
    pub phases: Vec<crate::entity::phase::Model>,
    pub activities: Vec<activity::Model>,
    pub deliverables: Vec<deliverable::Model>,
    pub decisions: Vec<projects::DecisionRow>,
    pub members: Vec<projects::MemberRow>,
    pub targets: Vec<targets::TargetView>,
    pub people: Vec<crate::entity::person::Model>,
    pub sessions: Vec<training_session::Model>,
    pub reviews: Vec<crate::entity::review::Model>,
    pub pack: reviews::Pack,
    pub reviewer_names: std::collections::HashMap<i32, String>,
    pub business_case: Option<service::business_case::Loaded>,
    pub today: NaiveDate,
}

pub async fn facts<C: ConnectionTrait>(c: &C, project_id: i32, today: NaiveDate) -> Result<Facts> {
    let project = project::Entity::find_by_id(project_id).one(c).await?.ok_or(service::Error::NotFound)?;
    let phases = projects::phases(c, project_id).await?;
    let activities = activity::Entity::find()
        .filter(activity::Column::ProjectId.eq(project_id))
        .order_by_asc(activity::Column::PhaseId)
        .order_by_asc(activity::Column::Seq)
        .order_by_asc(activity::Column::Id)
        .all(c)
        .await?;
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
        targets: targets::views(c, project_id, today).await?,
        people: organisation::people(c, project_id).await?,
        sessions: training::sessions(c, project_id).await?,
        reviews: reviews::list(c, project_id).await?,
        pack: reviews::build_pack(c, project_id, today).await?,
        project,
        phases,
        activities,
        deliverables,
        decisions,
        reviewer_names,
        business_case: service::business_case::load(c, project_id).await?,
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
        Kind::Charter => charter(f, lang),
        Kind::Organisation => organisation_doc(f, lang),
        Kind::Plan => plan(f, lang),
        Kind::Training => training_doc(f, lang),
        Kind::Targets => target_sheet(f, lang, true),
        Kind::BusinessCase => business_case(f, lang),
        Kind::Gate => gate(f, lang),
        Kind::Review => review(f, lang),
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

fn h1(s: String) -> Block {
    Block::Heading(1, s)
}
fn h2(s: String) -> Block {
    Block::Heading(2, s)
}

fn modules(f: &Facts, lang: Lang) -> Vec<String> {
    f.project
        .modules
        .split(',')
        .filter(|m| !m.is_empty())
        .map(|m| format!("{} — {}", i18n::t(lang, &format!("module.{m}")), i18n::t(lang, &format!("module_hint.{m}"))))
        .collect()
}

fn phase_table(f: &Facts, lang: Lang) -> Table {
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

fn charter(f: &Facts, lang: Lang) -> Vec<Block> {
    let p = &f.project;
    let first = f.phases.first().map(|ph| ph.planned_start);
    let last = f.phases.last().map(|ph| ph.planned_finish);
    let mut b = vec![
        h1(t(lang, "charter.scope")),
        Block::Para(
            t(lang, "charter.scope_text")
                .replace("{client}", &p.client_name)
                .replace("{project}", &p.name)
                .replace("{start}", &date(first))
                .replace("{finish}", &date(last))
                .replace("{phases}", &f.phases.len().to_string()),
        ),
        Block::Fields(vec![
            (t(lang, "cover.client"), p.client_name.clone()),
            (t(lang, "charter.industry"), i18n::t(lang, &format!("industry.{}", p.industry))),
            (t(lang, "col.start"), date(first)),
            (t(lang, "col.finish"), date(last)),
            (t(lang, "charter.currency"), p.currency.clone()),
        ]),
        h2(t(lang, "charter.modules")),
        Block::Bullets(modules(f, lang)),
        h1(t(lang, "charter.objectives")),
        Block::Para(t(lang, "charter.objectives_text")),
    ];
    b.push(Block::Bullets(
        f.targets
            .iter()
            .map(|v| {
                let tg = &v.target;
                format!(
                    "{}: {} {} → {} {} ({})",
                    tg.name,
                    num(tg.baseline_value),
                    tg.unit,
                    num(tg.target_value),
                    tg.unit,
                    date(tg.target_date)
                )
            })
            .collect(),
    ));
    b.push(h1(t(lang, "charter.organisation")));
    b.push(Block::Table(members_table(f, lang)));
    b.extend(people_blocks(f, lang));
    b.push(h1(t(lang, "charter.phases")));
    b.push(Block::Table(phase_table(f, lang)));
    b
}

fn members_table(f: &Facts, lang: Lang) -> Table {
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

fn people_blocks(f: &Facts, lang: Lang) -> Vec<Block> {
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

fn organisation_doc(f: &Facts, lang: Lang) -> Vec<Block> {
    let mut b = vec![h1(t(lang, "org.team")), Block::Table(members_table(f, lang))];
    b.extend(people_blocks(f, lang));
    b.push(h1(t(lang, "org.responsibilities")));
    let owner = |id: Option<i32>| {
        id.and_then(|id| f.people.iter().find(|p| p.id == id)).map_or("–".to_string(), |p| p.name.clone())
    };
    b.push(Block::Table(Table {
        widths: vec![0.6, 3.0, 1.8, 1.3],
        header: ["seq", "deliverable", "owner", "due"].map(|k| t(lang, &format!("col.{k}"))).to_vec(),
        rows: f
            .deliverables
            .iter()
            .map(|d| {
                let seq = f.phases.iter().find(|p| p.id == d.phase_id).map_or(0, |p| p.seq);
                vec![
                    seq.to_string(),
                    name(lang, &d.name_en, &d.name_zh),
                    owner(d.owner_person_id),
                    d.due_date.to_string(),
                ]
            })
            .collect(),
        right: vec![0],
    }));
    b
}

/// The Gantt of the plan as it stands: each phase a summary bar with its activities.
pub fn gantt(f: &Facts, lang: Lang, only_summary: bool) -> Gantt {
    let mut rows = Vec::new();
    for ph in &f.phases {
        let progress = match ph.status.as_str() {
            "closed" => 100.0,
            _ => 0.0,
        };
        rows.push(Row {
            label: format!("{}. {}", ph.seq, name(lang, &ph.name_en, &ph.name_zh)),
            kind: RowKind::Summary,
            start: ph.planned_start,
            finish: ph.planned_finish,
            progress,
            critical: false,
            baseline: None,
        });
        if only_summary {
            continue;
        }
        for a in f.activities.iter().filter(|a| a.phase_id == ph.id) {
            let done = matches!(a.status.as_str(), "done" | "completed");
            rows.push(Row {
                label: name(lang, &a.name_en, &a.name_zh),
                kind: if a.planned_start == a.planned_finish { RowKind::Milestone } else { RowKind::Task },
                start: a.planned_start,
                finish: a.planned_finish,
                progress: if done { 100.0 } else { 0.0 },
                critical: false,
                baseline: None,
            });
        }
    }
    Gantt { rows, links: vec![], today: Some(f.today), scale: Scale::Month }
}

fn plan(f: &Facts, lang: Lang) -> Vec<Block> {
    let mut b = vec![
        h1(t(lang, "plan.overview")),
        Block::Table(phase_table(f, lang)),
        h2(t(lang, "plan.gantt")),
        Block::Chart(Box::new(gantt(f, lang, true))),
        h1(t(lang, "plan.activities")),
    ];
    for ph in &f.phases {
        let acts: Vec<_> = f.activities.iter().filter(|a| a.phase_id == ph.id).collect();
        if acts.is_empty() {
            continue;
        }
        b.push(h2(format!("{}. {}", ph.seq, name(lang, &ph.name_en, &ph.name_zh))));
        b.push(Block::Table(Table {
            widths: vec![3.2, 1.3, 1.3, 1.2],
            header: ["activity", "start", "finish", "status"].map(|k| t(lang, &format!("col.{k}"))).to_vec(),
            rows: acts
                .iter()
                .map(|a| {
                    vec![
                        name(lang, &a.name_en, &a.name_zh),
                        a.planned_start.to_string(),
                        a.planned_finish.to_string(),
                        i18n::t(lang, &format!("status.{}", a.status)),
                    ]
                })
                .collect(),
            right: vec![],
        }));
    }
    b
}

fn training_doc(f: &Facts, lang: Lang) -> Vec<Block> {
    let total: i64 = f.sessions.iter().map(|s| s.cost).sum();
    let minutes: i64 = f.sessions.iter().map(|s| i64::from(s.duration_minutes)).sum();
    vec![
        h1(t(lang, "training.sessions")),
        Block::Fields(vec![
            (t(lang, "training.count"), f.sessions.len().to_string()),
            (t(lang, "training.hours"), format!("{:.1}", minutes as f64 / 60.0)),
            (t(lang, "training.cost"), format!("{} {}", total, f.project.currency)),
        ]),
        Block::Table(Table {
            widths: vec![2.4, 1.6, 1.2, 0.9, 1.5, 1.4],
            header: ["session", "audience", "date", "minutes", "place", "trainer"]
                .map(|k| t(lang, &format!("col.{k}")))
                .to_vec(),
            rows: f
                .sessions
                .iter()
                .map(|s| {
                    vec![
                        s.title.clone(),
                        s.audience.clone(),
                        format!("{} {}", s.date, s.start_time),
                        s.duration_minutes.to_string(),
                        s.place.clone(),
                        s.trainer.clone(),
                    ]
                })
                .collect(),
            right: vec![3],
        }),
    ]
}

fn target_rows(f: &Facts, lang: Lang) -> Table {
    Table {
        widths: vec![2.6, 0.8, 1.0, 1.0, 1.0, 1.0, 1.0, 1.1],
        header: ["target", "unit", "baseline", "goal", "latest", "attainment", "forecast", "rag"]
            .map(|k| t(lang, &format!("col.{k}")))
            .to_vec(),
        rows: f
            .pack
            .targets
            .iter()
            .map(|x| {
                vec![
                    x.name.clone(),
                    x.unit.clone(),
                    num(x.baseline),
                    num(x.target),
                    num(x.latest),
                    x.attainment.map_or("–".into(), |a| format!("{:.0}%", a * 100.0)),
                    num(x.forecast),
                    i18n::t(lang, &format!("trag.{}", x.rag)),
                ]
            })
            .collect(),
        right: vec![2, 3, 4, 5, 6],
    }
}

fn target_sheet(f: &Facts, lang: Lang, detail: bool) -> Vec<Block> {
    let mut b = vec![h1(t(lang, "targets.summary")), Block::Table(target_rows(f, lang))];
    b.push(h1(t(lang, "targets.trends")));
    for v in &f.targets {
        if let Some(chart) = trend_chart(v, lang) {
            if detail {
                let tg = &v.target;
                b.push(h2(tg.name.clone()));
                b.push(Block::Fields(vec![
                    (
                        t(lang, "col.baseline"),
                        format!("{} {} ({})", num(tg.baseline_value), tg.unit, date(tg.baseline_date)),
                    ),
                    (t(lang, "col.goal"), format!("{} {} ({})", num(tg.target_value), tg.unit, date(tg.target_date))),
                ]));
            }
            b.push(Block::Chart(Box::new(chart)));
        }
    }
    b
}

fn decisions_table(f: &Facts, lang: Lang) -> Table {
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

fn deliverables_table(f: &Facts, lang: Lang, phase_id: Option<i32>) -> Table {
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

/// The gate report of the phase last decided on (or the active phase when none was).
fn gate(f: &Facts, lang: Lang) -> Vec<Block> {
    let decided = f.decisions.first().and_then(|d| f.phases.iter().find(|p| p.id == d.decision.phase_id));
    let phase = decided.or_else(|| f.phases.iter().find(|p| p.status == "active")).or(f.phases.first());
    let Some(ph) = phase else { return vec![Block::Para(t(lang, "none"))] };
    let mut b = vec![
        h1(format!("{} {}. {}", t(lang, "gate.phase"), ph.seq, name(lang, &ph.name_en, &ph.name_zh))),
        Block::Fields(vec![
            (t(lang, "col.start"), ph.planned_start.to_string()),
            (t(lang, "col.finish"), ph.planned_finish.to_string()),
            (t(lang, "col.status"), i18n::t(lang, &format!("phase.{}", ph.status))),
        ]),
        h2(t(lang, "gate.delivered")),
        Block::Table(deliverables_table(f, lang, Some(ph.id))),
        h2(t(lang, "gate.decision")),
    ];
    let mine: Vec<_> = f.decisions.iter().filter(|d| d.decision.phase_id == ph.id).collect();
    if mine.is_empty() {
        b.push(Block::Para(t(lang, "gate.pending")));
    }
    for d in mine {
        b.push(Block::Fields(vec![
            (t(lang, "col.decision"), i18n::t(lang, &format!("decision.{}", d.decision.decision))),
            (t(lang, "col.by"), d.decided_by_name.clone()),
            (t(lang, "col.date"), d.decision.decided_at.date_naive().to_string()),
            (t(lang, "col.rationale"), d.decision.rationale.clone()),
        ]));
    }
    b
}

fn review(f: &Facts, lang: Lang) -> Vec<Block> {
    let pack = &f.pack;
    let active = f.phases.iter().find(|p| p.status == "active");
    let count = |rag: &str| pack.targets.iter().filter(|x| x.rag == rag).count();
    let mut b = vec![
        h1(t(lang, "review.summary")),
        Block::Fields(vec![
            (t(lang, "review.as_of"), pack.as_of.to_string()),
            (
                t(lang, "review.current"),
                active.map_or("–".into(), |p| format!("{}. {}", p.seq, name(lang, &p.name_en, &p.name_zh))),
            ),
            (
                t(lang, "review.targets_rag"),
                format!(
                    "{} {} · {} {} · {} {}",
                    count("green"),
                    i18n::t(lang, "trag.green"),
                    count("amber"),
                    i18n::t(lang, "trag.amber"),
                    count("red"),
                    i18n::t(lang, "trag.red")
                ),
            ),
            (t(lang, "review.open_actions"), pack.actions.len().to_string()),
        ]),
        h2(t(lang, "plan.gantt")),
        Block::Chart(Box::new(gantt(f, lang, true))),
    ];
    b.extend(target_sheet(f, lang, false));
    b.push(h1(t(lang, "review.phases")));
    if pack.phases.is_empty() {
        b.push(Block::Note(t(lang, "none")));
    } else {
        b.push(Block::Table(Table {
            widths: vec![0.6, 2.6, 1.3, 1.1, 0.9, 2.6],
            header: ["seq", "phase", "finish", "status", "days_late", "gate_open"]
                .map(|k| t(lang, &format!("col.{k}")))
                .to_vec(),
            rows: pack
                .phases
                .iter()
                .map(|p| {
                    vec![
                        p.seq.to_string(),
                        name(lang, &p.name_en, &p.name_zh),
                        p.planned_finish.to_string(),
                        i18n::t(lang, &format!("phase.{}", p.status)),
                        p.days_late.to_string(),
                        p.gate_open.join("; "),
                    ]
                })
                .collect(),
            right: vec![0, 4],
        }));
    }
    b.push(h2(t(lang, "review.deliverables")));
    b.push(Block::Table(deliverables_table(f, lang, None)));
    b.push(h1(t(lang, "review.gates")));
    if f.decisions.is_empty() {
        b.push(Block::Note(t(lang, "none")));
    } else {
        b.push(Block::Table(decisions_table(f, lang)));
    }
    b.push(h1(t(lang, "review.risks")));
    b.push(Block::Note(t(lang, "review.no_risks")));
    b.push(h1(t(lang, "review.decisions")));
    for r in &f.reviews {
        b.push(h2(format!("{} · {}", r.held_on, r.title)));
        if !r.attendees.trim().is_empty() {
            b.push(Block::Fields(vec![(t(lang, "review.attendees"), r.attendees.clone())]));
        }
        if !r.decisions.trim().is_empty() {
            b.push(Block::Para(r.decisions.clone()));
        }
    }
    b.push(h2(t(lang, "review.actions")));
    if pack.actions.is_empty() {
        b.push(Block::Note(t(lang, "none")));
    } else {
        b.push(Block::Table(Table {
            widths: vec![3.6, 1.6, 1.2, 0.9],
            header: ["action", "owner", "due", "overdue"].map(|k| t(lang, &format!("col.{k}"))).to_vec(),
            rows: pack
                .actions
                .iter()
                .map(|a| {
                    vec![
                        a.text.clone(),
                        a.owner.clone(),
                        date(a.due_date),
                        if a.overdue { t(lang, "yes") } else { String::new() },
                    ]
                })
                .collect(),
            right: vec![],
        }));
    }
    b
}

fn business_case(f: &Facts, lang: Lang) -> Vec<Block> {
    use crate::chart::{BarChart, CashFlowChart};
    use crate::domain::finance::{Irr, Payback};
    use crate::domain::money::format_whole;
    let Some(l) = &f.business_case else { return vec![h1(t(lang, "bc.summary")), Block::Note(t(lang, "bc.none"))] };
    let Some(s) = l.scenarios.first() else { return vec![h1(t(lang, "bc.summary")), Block::Note(t(lang, "bc.none"))] };
    let r = service::business_case::evaluate(l, s);
    let cur = f.project.currency.as_str();
    let m = |v: i64| format_whole(v, cur);
    let payback = match r.payback {
        Payback::Months(mo) => t(lang, "bc.payback_months").replace("{n}", &format!("{mo:.1}")),
        Payback::NotWithinHorizon => t(lang, "bc.payback_none"),
    };
    let irr = match r.irr {
        Irr::Rate(x) => format!("{:.1}%", x * 100.0),
        _ => "–".into(),
    };
    let approved = if l.approved_current() { t(lang, "yes") } else { t(lang, "bc.not_approved") };
    vec![
        h1(t(lang, "bc.summary")),
        Block::Fields(vec![
            (t(lang, "bc.scenario"), s.name.clone()),
            (t(lang, "bc.tco"), format!("{} ({} {})", m(r.tco_nominal), t(lang, "bc.pv"), m(r.tco_pv))),
            (t(lang, "bc.benefits"), format!("{} ({} {})", m(r.benefits_nominal), t(lang, "bc.pv"), m(r.benefits_pv))),
            (t(lang, "bc.npv"), m(r.npv)),
            (t(lang, "bc.roi"), r.roi.map_or("–".into(), |x| format!("{:.0}%", x * 100.0))),
            (t(lang, "bc.irr"), irr),
            (t(lang, "bc.payback"), payback.clone()),
            (t(lang, "bc.approved"), approved),
        ]),
        Block::Chart(Box::new(CashFlowChart {
            title: t(lang, "bc.cash_flow"),
            labels: r.years.iter().map(|y| format!("Y{} {}", y.t, y.calendar_year)).collect(),
            cumulative: r.years.iter().map(|y| y.cumulative).collect(),
            payback: match r.payback {
                Payback::Months(mo) => Some((mo / 12.0, format!("{}: {payback}", t(lang, "bc.payback")))),
                Payback::NotWithinHorizon => None,
            },
            currency: cur.into(),
        })),
        h1(t(lang, "bc.by_year")),
        Block::Table(Table {
            widths: vec![1.1, 1.5, 1.5, 1.5, 1.6],
            header: ["year", "costs", "benefits", "net", "cumulative"].map(|k| t(lang, &format!("bc.{k}"))).to_vec(),
            rows: r
                .years
                .iter()
                .map(|y| {
                    vec![format!("Y{} {}", y.t, y.calendar_year), m(y.costs), m(y.benefits), m(y.net), m(y.cumulative)]
                })
                .collect(),
            right: vec![1, 2, 3, 4],
        }),
        Block::Chart(Box::new(BarChart {
            title: t(lang, "bc.by_category"),
            bars: r.costs_by_category.iter().map(|(c, v)| (i18n::t(lang, &format!("cost_cat.{c}")), *v)).collect(),
            currency: cur.into(),
        })),
    ]
}

/// Build and render in one go.
pub async fn generate<C: ConnectionTrait>(
    c: &C,
    project_id: i32,
    kind: Kind,
    lang: Lang,
    today: NaiveDate,
    version: &str,
    author: &str,
) -> Result<Vec<u8>> {
    let f = facts(c, project_id, today).await?;
    Ok(crate::pdf::render(&document(&f, kind, lang, version, author)))
}
