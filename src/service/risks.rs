//! The risk register: seed 003's failure factors pre-loaded into every new project as
//! candidate risks, which the team accepts, rates or dismisses with a reason; the heat map,
//! the top risks for the steering review, and the health roll-up's signals.
use super::{Actor, Result, audit, clock, now, write};
use crate::chart::matrix::{self, Matrix};
use crate::db::Db;
use crate::domain::health::Signals;
use crate::domain::risk::{self, CATEGORIES, FACTORS, Level, RiskFacts, STATUSES};
use crate::domain::targets::Rag as TRag;
use crate::domain::validation::{FieldErrors, long_text, required_text};
use crate::entity::{project, risk as risk_e};
use crate::i18n::{self, Lang};
use chrono::NaiveDate;
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// The risk form as typed.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct RawRisk {
    pub title: String,
    pub description: String,
    pub category: String,
    pub probability: String,
    pub impact: String,
    pub owner: String,
    pub mitigation: String,
    pub contingency: String,
    pub status: String,
    pub dismiss_reason: String,
    pub review_date: String,
}

#[derive(Clone, Debug, PartialEq)]
pub struct RiskInput {
    pub title: String,
    pub description: String,
    pub category: String,
    pub probability: Option<i32>,
    pub impact: Option<i32>,
    pub owner: String,
    pub mitigation: String,
    pub contingency: String,
    pub status: String,
    pub dismiss_reason: String,
    pub review_date: Option<NaiveDate>,
}

/// Validate the form: ratings 1–5 (or empty while a candidate), an open risk must be rated,
/// a dismissal needs its reason.
pub fn validate(raw: &RawRisk) -> std::result::Result<RiskInput, FieldErrors> {
    let mut e = FieldErrors::default();
    let title = required_text(&mut e, "title", &raw.title, 300);
    let description = long_text(&mut e, "description", &raw.description, 4000, false);
    if !CATEGORIES.contains(&raw.category.as_str()) {
        e.add("category", "err.choose_from_list");
    }
    let probability = risk::parse_rating(&raw.probability).unwrap_or_else(|_| {
        e.add("probability", "err.rating");
        None
    });
    let impact = risk::parse_rating(&raw.impact).unwrap_or_else(|_| {
        e.add("impact", "err.rating");
        None
    });
    let status = raw.status.trim().to_string();
    if !STATUSES.contains(&status.as_str()) {
        e.add("status", "err.choose_from_list");
    }
    if status == "open" {
        if probability.is_none() && raw.probability.trim().is_empty() {
            e.add("probability", "err.risk_rate_to_open");
        }
        if impact.is_none() && raw.impact.trim().is_empty() {
            e.add("impact", "err.risk_rate_to_open");
        }
    }
    let owner = raw.owner.trim().to_string();
    if owner.chars().count() > 200 {
        e.add("owner", "err.too_long");
    }
    let mitigation = long_text(&mut e, "mitigation", &raw.mitigation, 4000, false);
    let contingency = long_text(&mut e, "contingency", &raw.contingency, 4000, false);
    let dismiss_reason = long_text(&mut e, "dismiss_reason", &raw.dismiss_reason, 2000, status == "dismissed");
    let review_date = match raw.review_date.trim() {
        "" => None,
        s => {
            let d = crate::domain::bounds::parse_date(s);
            if d.is_none() {
                e.add("review_date", "err.date");
            }
            d
        }
    };
    e.check()?;
    Ok(RiskInput {
        title,
        description,
        category: raw.category.clone(),
        probability,
        impact,
        owner,
        mitigation,
        contingency,
        dismiss_reason: if status == "dismissed" { dismiss_reason } else { String::new() },
        status,
        review_date,
    })
}

fn active(i: &RiskInput) -> risk_e::ActiveModel {
    risk_e::ActiveModel {
        title: Set(i.title.clone()),
        description: Set(i.description.clone()),
        category: Set(i.category.clone()),
        probability: Set(i.probability),
        impact: Set(i.impact),
        owner: Set(i.owner.clone()),
        mitigation: Set(i.mitigation.clone()),
        contingency: Set(i.contingency.clone()),
        status: Set(i.status.clone()),
        dismiss_reason: Set(i.dismiss_reason.clone()),
        review_date: Set(i.review_date),
        ..Default::default()
    }
}

/// Pre-load seed 003's failure factors as candidate risks, inside the caller's transaction
/// (project creation, or the first visit of a project created before the register existed).
/// Factors already in the register are skipped.
pub async fn preload<C: ConnectionTrait>(c: &C, actor: Actor, project_id: i32) -> Result<usize> {
    let have: Vec<String> = risk_e::Entity::find()
        .filter(risk_e::Column::ProjectId.eq(project_id))
        .all(c)
        .await?
        .into_iter()
        .filter_map(|r| r.factor_key)
        .collect();
    let t = now();
    let mut n = 0;
    for f in FACTORS.iter().filter(|f| !have.iter().any(|k| k == f.key)) {
        let r = risk_e::Entity::insert(risk_e::ActiveModel {
            project_id: Set(project_id),
            factor_key: Set(Some(f.key.into())),
            title: Set(f.en.into()),
            description: Set(f.en_desc.into()),
            category: Set(f.category.into()),
            probability: Set(None),
            impact: Set(None),
            owner: Set(String::new()),
            mitigation: Set(String::new()),
            contingency: Set(String::new()),
            status: Set("candidate".into()),
            dismiss_reason: Set(String::new()),
            review_date: Set(None),
            version: Set(1),
            created_at: Set(t),
            updated_at: Set(t),
            ..Default::default()
        })
        .exec_with_returning(c)
        .await?;
        audit::record(c, actor, Some(project_id), "risk", r.id, "preload", None::<&()>, Some(&r)).await?;
        n += 1;
    }
    Ok(n)
}

/// For projects created before the register: load the factors on the first visit.
pub async fn ensure_loaded(db: &Db, actor: Actor, project_id: i32) -> Result<()> {
    let any = risk_e::Entity::find()
        .filter(risk_e::Column::ProjectId.eq(project_id))
        .filter(risk_e::Column::FactorKey.is_not_null())
        .one(&db.conn)
        .await?;
    if any.is_some() {
        return Ok(());
    }
    write::transaction(db, async |tx| preload(tx, actor, project_id).await.map(|_| ())).await
}

pub async fn create(db: &Db, actor: Actor, project_id: i32, input: &RiskInput) -> Result<risk_e::Model> {
    let mut am = active(input);
    am.project_id = Set(project_id);
    am.factor_key = Set(None);
    write::transaction(db, async |tx| {
        let r = write::insert::<risk_e::Entity, _>(tx, actor, project_id, am, "create").await?;
        super::hooks::emit(tx, project_id, super::hooks::risk_event(&r, None)).await?;
        Ok(r)
    })
    .await
}

pub async fn update(
    db: &Db,
    actor: Actor,
    project_id: i32,
    id: i32,
    version: i32,
    input: &RiskInput,
) -> Result<risk_e::Model> {
    write::transaction(db, async |tx| {
        let before = write::get::<risk_e::Entity, _>(tx, project_id, id).await?;
        let action = if input.status == "dismissed" && before.status != "dismissed" { "dismiss" } else { "update" };
        let ch = write::update::<risk_e::Entity, _>(tx, actor, project_id, id, version, active(input), action).await?;
        let rerated = (ch.before.probability, ch.before.impact) != (ch.after.probability, ch.after.impact);
        if rerated && ch.after.status != "dismissed" {
            super::hooks::emit(tx, project_id, super::hooks::risk_event(&ch.after, Some(&ch.before))).await?;
        }
        Ok(ch.after)
    })
    .await
}

/// Dismiss a risk (typically a pre-loaded candidate that does not apply): the reason is
/// required and kept.
pub async fn dismiss(db: &Db, actor: Actor, project_id: i32, id: i32, version: i32, reason: &str) -> Result<()> {
    let mut e = FieldErrors::default();
    let reason = long_text(&mut e, "reason", reason, 2000, true);
    e.check()?;
    let am = risk_e::ActiveModel { status: Set("dismissed".into()), dismiss_reason: Set(reason), ..Default::default() };
    write::transaction(db, async |tx| {
        write::update::<risk_e::Entity, _>(tx, actor, project_id, id, version, am, "dismiss").await.map(|_| ())
    })
    .await
}

pub async fn get<C: ConnectionTrait>(c: &C, project_id: i32, id: i32) -> Result<risk_e::Model> {
    write::get::<risk_e::Entity, _>(c, project_id, id).await
}

pub async fn list<C: ConnectionTrait>(c: &C, project_id: i32) -> Result<Vec<risk_e::Model>> {
    Ok(risk_e::Entity::find()
        .filter(risk_e::Column::ProjectId.eq(project_id))
        .order_by_asc(risk_e::Column::Id)
        .all(c)
        .await?)
}

/// A risk as pages show it: its score and level, and the factor's text in the reader's
/// language while the team has not reworded it.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct RiskView {
    pub risk: risk_e::Model,
    pub title: String,
    pub description: String,
    pub score: Option<i32>,
    pub level: Option<Level>,
    pub review_overdue: bool,
}

pub fn view(r: risk_e::Model, zh: bool, today: NaiveDate) -> RiskView {
    let f = r.factor_key.as_deref().and_then(|k| FACTORS.iter().find(|f| f.key == k));
    let title = match f {
        Some(f) if zh && r.title == f.en => f.zh.to_string(),
        _ => r.title.clone(),
    };
    let description = match f {
        Some(f) if zh && r.description == f.en_desc => f.zh_desc.to_string(),
        _ => r.description.clone(),
    };
    let score = risk::score(r.probability, r.impact);
    RiskView {
        title,
        description,
        score,
        level: score.map(risk::level),
        review_overdue: risk::is_live(&r.status) && r.review_date.is_some_and(|d| d < today),
        risk: r,
    }
}

/// The register sorted for reading: live rated risks by score, then candidates, then the
/// rest (mitigated, closed, dismissed).
pub fn sorted(mut v: Vec<RiskView>) -> Vec<RiskView> {
    let rank = |r: &RiskView| match r.risk.status.as_str() {
        "open" => 0,
        "candidate" => 1,
        _ => 2,
    };
    v.sort_by(|a, b| rank(a).cmp(&rank(b)).then(b.score.cmp(&a.score)).then(a.risk.id.cmp(&b.risk.id)));
    v
}

/// A risk as the steering committee saw it in a review pack.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, utoipa::ToSchema)]
pub struct PackRisk {
    pub title_en: String,
    pub title_zh: String,
    pub category: String,
    pub probability: i32,
    pub impact: i32,
    pub score: i32,
    pub owner: String,
    pub mitigation: String,
    pub status: String,
}

/// The top live rated risks (at most `n`), highest score first (then impact, then the
/// older risk).
pub fn top(risks: &[risk_e::Model], n: usize) -> Vec<PackRisk> {
    let mut rs: Vec<_> = risks
        .iter()
        .filter(|r| risk::is_live(&r.status))
        .filter_map(|r| {
            let (p, i) = (r.probability?, r.impact?);
            let f = r.factor_key.as_deref().and_then(|k| FACTORS.iter().find(|f| f.key == k));
            let zh = match f {
                Some(f) if r.title == f.en => f.zh.to_string(),
                _ => r.title.clone(),
            };
            Some(PackRisk {
                title_en: r.title.clone(),
                title_zh: zh,
                category: r.category.clone(),
                probability: p,
                impact: i,
                score: p * i,
                owner: r.owner.clone(),
                mitigation: r.mitigation.clone(),
                status: r.status.clone(),
            })
        })
        .collect();
    rs.sort_by(|a, b| b.score.cmp(&a.score).then(b.impact.cmp(&a.impact)));
    rs.truncate(n);
    rs
}

/// How many risks the register holds, by status.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq, Eq, utoipa::ToSchema)]
pub struct Counts {
    pub total: usize,
    pub candidate: usize,
    pub open: usize,
    pub mitigated: usize,
    pub closed: usize,
    pub dismissed: usize,
}

impl Counts {
    pub fn of<'a>(statuses: impl IntoIterator<Item = &'a str>) -> Counts {
        let mut c = Counts::default();
        for s in statuses {
            c.total += 1;
            match s {
                "candidate" => c.candidate += 1,
                "open" => c.open += 1,
                "mitigated" => c.mitigated += 1,
                "closed" => c.closed += 1,
                "dismissed" => c.dismissed += 1,
                _ => {}
            }
        }
        c
    }
}

/// How many top risks the steering review shows.
pub const TOP_N: usize = 5;

/// The risk register as the Risks page, `GET /api/v1/projects/{id}/risks`, the review pack
/// and the review deck show it: the risks in reading order, counts by status, the top risks
/// and the heat-map model.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct Register {
    pub as_of: NaiveDate,
    pub risks: Vec<RiskView>,
    pub counts: Counts,
    pub top: Vec<PackRisk>,
    pub heat_map: Matrix,
}

/// The register of a project on its today.
pub async fn register<C: ConnectionTrait>(c: &C, p: &project::Model, lang: Lang) -> Result<Register> {
    register_on(c, p.id, clock::today(p), lang).await
}

/// The register as it stands, with review dates judged against `today`.
pub async fn register_on<C: ConnectionTrait>(c: &C, project_id: i32, today: NaiveDate, lang: Lang) -> Result<Register> {
    let all = list(c, project_id).await?;
    let top = top(&all, TOP_N);
    let counts = Counts::of(all.iter().map(|r| r.status.as_str()));
    let risks = sorted(all.into_iter().map(|r| view(r, lang == Lang::Zh, today)).collect());
    let heat_map = heat_map(&risks, lang);
    Ok(Register { as_of: today, risks, counts, top, heat_map })
}

/// One risk of the project as its form shows it.
pub async fn detail<C: ConnectionTrait>(c: &C, p: &project::Model, id: i32, lang: Lang) -> Result<RiskView> {
    Ok(view(get(c, p.id, id).await?, lang == Lang::Zh, clock::today(p)))
}

/// The heat map of live rated risks; dots carry the risk's number in the register.
fn heat_map(views: &[RiskView], lang: Lang) -> Matrix {
    let items = views
        .iter()
        .enumerate()
        .filter(|(_, v)| risk::is_live(&v.risk.status))
        .filter_map(|(i, v)| {
            Some(matrix::Item {
                x: v.risk.impact?,
                y: v.risk.probability?,
                label: (i + 1).to_string(),
                title: format!("{}. {} ({})", i + 1, v.title, v.score.unwrap_or(0)),
                shade: None,
            })
        })
        .collect();
    let tick = |k: &str| std::array::from_fn(|i| format!("{} {}", i + 1, i18n::t(lang, &format!("{k}{}", i + 1))));
    Matrix {
        kind: matrix::Kind::Heat,
        x_label: i18n::t(lang, "risk.impact"),
        y_label: i18n::t(lang, "risk.probability"),
        x_ticks: tick("risk.impact_"),
        y_ticks: tick("risk.probability_"),
        items,
    }
}

/// What the health roll-up needs beyond the phase: organisation findings, target RAGs and
/// risk exposure.
pub async fn health_signals<C: ConnectionTrait>(c: &C, p: &project::Model, today: NaiveDate) -> Result<Signals> {
    Ok(health_signals_many(c, &[(p, today)]).await?.remove(&p.id).unwrap_or_default())
}

/// `health_signals` of many projects at once (the portfolio), in the same nine queries
/// whatever their number: each table is read once for all of them, then every project's
/// signals are computed from its own rows exactly as for one.
pub async fn health_signals_many<C: ConnectionTrait>(
    c: &C,
    projects: &[(&project::Model, NaiveDate)],
) -> Result<HashMap<i32, Signals>> {
    use crate::entity::{measurement, membership, org_unit, person, target};
    use sea_orm::QueryOrder;
    let ids: Vec<i32> = projects.iter().map(|(p, _)| p.id).collect();
    let people = person::Entity::find()
        .filter(person::Column::ProjectId.is_in(ids.clone()))
        .order_by_asc(person::Column::Id)
        .all(c)
        .await?;
    let units = org_unit::Entity::find()
        .filter(org_unit::Column::ProjectId.is_in(ids.clone()))
        .order_by_asc(org_unit::Column::Seq)
        .order_by_asc(org_unit::Column::Id)
        .all(c)
        .await?;
    let members = membership::Entity::find()
        .filter(membership::Column::ProjectId.is_in(ids.clone()))
        .order_by_asc(membership::Column::Id)
        .all(c)
        .await?;
    let targets = target::Entity::find()
        .filter(target::Column::ProjectId.is_in(ids.clone()))
        .order_by_asc(target::Column::Id)
        .all(c)
        .await?;
    let ms = measurement::Entity::find()
        .filter(measurement::Column::ProjectId.is_in(ids.clone()))
        .order_by_asc(measurement::Column::MeasuredOn)
        .order_by_asc(measurement::Column::Id)
        .all(c)
        .await?;
    let issues = crate::entity::issue::Entity::find()
        .filter(crate::entity::issue::Column::ProjectId.is_in(ids.clone()))
        .all(c)
        .await?;
    let issues = by_project(issues, |x| x.project_id);
    let risks = risk_e::Entity::find()
        .filter(risk_e::Column::ProjectId.is_in(ids.clone()))
        .order_by_asc(risk_e::Column::Id)
        .all(c)
        .await?;
    // Adoption: each project's bar and its figures.
    let bars: HashMap<i32, i32> = crate::entity::readiness_setting::Entity::find()
        .filter(crate::entity::readiness_setting::Column::ProjectId.is_in(ids.clone()))
        .all(c)
        .await?
        .into_iter()
        .map(|r| (r.project_id, r.adoption_min))
        .collect();
    let figures = by_project(
        crate::entity::adoption_figure::Entity::find()
            .filter(crate::entity::adoption_figure::Column::ProjectId.is_in(ids.clone()))
            .order_by_asc(crate::entity::adoption_figure::Column::MeasuredOn)
            .order_by_asc(crate::entity::adoption_figure::Column::Id)
            .all(c)
            .await?,
        |x| x.project_id,
    );
    let (people, units, members) = (
        by_project(people, |x| x.project_id),
        by_project(units, |x| x.project_id),
        by_project(members, |x| x.project_id),
    );
    let (targets, ms, risks) =
        (by_project(targets, |x| x.project_id), by_project(ms, |x| x.project_id), by_project(risks, |x| x.project_id));
    let mut out: HashMap<i32, Signals> = projects
        .iter()
        .map(|(p, today)| {
            let people = people.get(&p.id).map(Vec::as_slice).unwrap_or_default();
            let units = units.get(&p.id).map(Vec::as_slice).unwrap_or_default();
            let members = members.get(&p.id).map(Vec::as_slice).unwrap_or_default();
            let org_findings = if units.is_empty() {
                0
            } else {
                crate::domain::org_rules::check(&super::organisation::facts(p, people, units, members))
                    .iter()
                    .filter(|f| f.severity != crate::domain::org_rules::Severity::Advice)
                    .count()
            };
            let ms = ms.get(&p.id).map(Vec::as_slice).unwrap_or_default();
            let rags: Vec<TRag> = targets
                .get(&p.id)
                .map(Vec::as_slice)
                .unwrap_or_default()
                .iter()
                .filter_map(|t| super::targets::view(t.clone(), ms, *today, Lang::En).assessment.map(|a| a.rag))
                .collect();
            let risks = risks.get(&p.id).map(Vec::as_slice).unwrap_or_default();
            let exposure = risk::exposure(risks.iter().map(|r| RiskFacts {
                status: &r.status,
                probability: r.probability,
                impact: r.impact,
                review_overdue: r.review_date.is_some_and(|d| d < *today),
                managed: !r.owner.trim().is_empty() && !r.mitigation.trim().is_empty(),
            }));
            let signals = Signals {
                org_findings,
                targets_red: rags.iter().filter(|r| **r == TRag::Red).count(),
                targets_amber: rags.iter().filter(|r| **r == TRag::Amber).count(),
                targets_measured: rags.iter().filter(|r| **r != TRag::Grey).count(),
                risk: exposure,
                escalated_critical_issues: issues
                    .get(&p.id)
                    .map(Vec::as_slice)
                    .unwrap_or_default()
                    .iter()
                    .filter(|i| crate::domain::raid::escalated_critical(&i.severity, &i.status, i.escalated))
                    .count(),
                adoption_low: super::readiness::low_modules(
                    figures.get(&p.id).map(Vec::as_slice).unwrap_or_default(),
                    bars.get(&p.id).copied().unwrap_or(crate::domain::readiness::Thresholds::default().adoption_min),
                )
                .len(),
                ..Default::default()
            };
            (p.id, signals)
        })
        .collect();
    // Earned value needs a project's whole plan, so it is read only for the projects that
    // keep a budget (one query finds them); a project without one has no CPI.
    let budgeted: std::collections::HashSet<i32> = crate::entity::budget_line::Entity::find()
        .select_only()
        .column(crate::entity::budget_line::Column::ProjectId)
        .distinct()
        .filter(crate::entity::budget_line::Column::ProjectId.is_in(ids.clone()))
        .into_tuple::<i32>()
        .all(c)
        .await?
        .into_iter()
        .collect();
    for (p, today) in projects.iter().filter(|(p, _)| budgeted.contains(&p.id)) {
        if let Some(s) = out.get_mut(&p.id) {
            let ev = super::budget::ev_figures(c, p, *today).await?;
            s.cpi = ev.as_ref().and_then(|f| f.cpi);
            s.ev = ev;
        }
    }
    Ok(out)
}

/// Rows grouped by their project, each group in the order read.
pub fn by_project<T>(rows: Vec<T>, project: impl Fn(&T) -> i32) -> HashMap<i32, Vec<T>> {
    let mut out: HashMap<i32, Vec<T>> = HashMap::new();
    for r in rows {
        out.entry(project(&r)).or_default().push(r);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::super::reviews::Pack;

    #[test]
    fn packs_frozen_before_the_register_still_load() {
        let old = r#"{"as_of":"2026-05-20","targets":[],"phases":[],"actions":[]}"#;
        let p: Pack = serde_json::from_str(old).unwrap();
        assert!(p.risks.is_empty());
    }
}
