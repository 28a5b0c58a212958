//! The risk register: seed 003's failure factors pre-loaded into every new project as
//! candidate risks, which the team accepts, rates or dismisses with a reason; the heat map,
//! the top risks for the steering review, and the health roll-up's signals.
use super::{Actor, Error, Result, audit, now, update_guarded, write};
use crate::db::Db;
use crate::domain::health::Signals;
use crate::domain::risk::{self, CATEGORIES, FACTORS, Level, RiskFacts, STATUSES};
use crate::domain::targets::Rag as TRag;
use crate::domain::validation::{FieldErrors, long_text, required_text};
use crate::entity::{project, risk as risk_e};
use chrono::NaiveDate;
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};
use serde::{Deserialize, Serialize};

/// The risk form as typed.
#[derive(Clone, Debug, Default, Serialize)]
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
            let d = NaiveDate::parse_from_str(s, "%Y-%m-%d").ok();
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
    let tx = db.write().await?;
    preload(&*tx, actor, project_id).await?;
    tx.commit().await?;
    Ok(())
}

pub async fn create(db: &Db, actor: Actor, project_id: i32, input: &RiskInput) -> Result<risk_e::Model> {
    let mut am = active(input);
    am.project_id = Set(project_id);
    am.factor_key = Set(None);
    write::transaction(db, async |tx| write::insert::<risk_e::Entity, _>(tx, actor, project_id, am, "create").await)
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
    let tx = db.write().await?;
    let before = get(&*tx, project_id, id).await?;
    if before.version != version {
        return Err(Error::Conflict);
    }
    let am = risk_e::ActiveModel {
        status: Set("dismissed".into()),
        dismiss_reason: Set(reason),
        version: Set(version + 1),
        updated_at: Set(now()),
        ..Default::default()
    };
    update_guarded::<risk_e::Entity, _>(&*tx, am, id, version).await?;
    let after = get(&*tx, project_id, id).await?;
    audit::record(&*tx, actor, Some(project_id), "risk", id, "dismiss", Some(&before), Some(&after)).await?;
    tx.commit().await?;
    Ok(())
}

pub async fn get<C: ConnectionTrait>(c: &C, project_id: i32, id: i32) -> Result<risk_e::Model> {
    risk_e::Entity::find_by_id(id).filter(risk_e::Column::ProjectId.eq(project_id)).one(c).await?.ok_or(Error::NotFound)
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
#[derive(Clone, Debug, Serialize)]
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
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
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

/// The top live rated risks (at most `n`), highest score first.
pub async fn top<C: ConnectionTrait>(c: &C, project_id: i32, n: usize) -> Result<Vec<PackRisk>> {
    let mut rs: Vec<_> = list(c, project_id)
        .await?
        .into_iter()
        .filter(|r| risk::is_live(&r.status))
        .filter_map(|r| {
            let (p, i) = (r.probability?, r.impact?);
            let f = r.factor_key.as_deref().and_then(|k| FACTORS.iter().find(|f| f.key == k));
            let zh = match f {
                Some(f) if r.title == f.en => f.zh.to_string(),
                _ => r.title.clone(),
            };
            Some(PackRisk {
                title_en: r.title,
                title_zh: zh,
                category: r.category,
                probability: p,
                impact: i,
                score: p * i,
                owner: r.owner,
                mitigation: r.mitigation,
                status: r.status,
            })
        })
        .collect();
    rs.sort_by(|a, b| b.score.cmp(&a.score).then(b.impact.cmp(&a.impact)));
    rs.truncate(n);
    Ok(rs)
}

/// What the health roll-up needs beyond the phase: organisation findings, target RAGs and
/// risk exposure.
pub async fn health_signals<C: ConnectionTrait>(c: &C, p: &project::Model, today: NaiveDate) -> Result<Signals> {
    let org_findings = super::organisation::findings(c, p)
        .await?
        .iter()
        .filter(|f| f.severity != crate::domain::org_rules::Severity::Advice)
        .count();
    let views = super::targets::views(c, p.id, today).await?;
    let rags: Vec<TRag> = views.iter().filter_map(|v| v.assessment.as_ref().map(|a| a.rag)).collect();
    let risks = list(c, p.id).await?;
    let exposure = risk::exposure(risks.iter().map(|r| RiskFacts {
        status: &r.status,
        probability: r.probability,
        impact: r.impact,
        review_overdue: r.review_date.is_some_and(|d| d < today),
        managed: !r.owner.trim().is_empty() && !r.mitigation.trim().is_empty(),
    }));
    Ok(Signals {
        org_findings,
        targets_red: rags.iter().filter(|r| **r == TRag::Red).count(),
        targets_amber: rags.iter().filter(|r| **r == TRag::Amber).count(),
        targets_measured: rags.iter().filter(|r| **r != TRag::Grey).count(),
        risk: exposure,
    })
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
