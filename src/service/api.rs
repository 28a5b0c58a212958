//! Views the JSON API's resources serialise that no page needed in this shape: each is
//! built from the same loads and computations as the pages' views (the activity rows are the
//! schedule's computed items, as the schedule page shows them).
use super::schedule::{self, ACTIVITY};
use super::{Error, Result};
use chrono::NaiveDate;
use sea_orm::ConnectionTrait;
use serde::Serialize;

/// An activity as a resource: what is stored (names, tier, status, progress, owner) and the
/// dates and float the scheduler computes for it, as the schedule page shows them.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct ActivityRow {
    pub id: i32,
    pub version: i32,
    pub phase_id: i32,
    /// The phase's number (1–9).
    pub phase_seq: i32,
    pub seq: i32,
    pub key: Option<String>,
    pub name_en: String,
    pub name_zh: String,
    /// `steering_committee`, `project_team` or `functional_group`: the tier responsible.
    pub tier: String,
    /// `open`, `in_progress` or `done`.
    pub status: String,
    pub start: NaiveDate,
    /// Inclusive last working day.
    pub finish: NaiveDate,
    /// Working days.
    pub duration: i64,
    pub total_float: i64,
    pub critical: bool,
    pub percent_complete: i32,
    pub actual_start: Option<NaiveDate>,
    pub actual_finish: Option<NaiveDate>,
    /// Start no earlier than (when someone moved it).
    pub not_before: Option<NaiveDate>,
    pub owner_person_id: Option<i32>,
    pub owner_unit_id: Option<i32>,
}

/// Every activity of the project in the schedule's order, with its computed dates.
pub async fn activity_rows<C: ConnectionTrait>(c: &C, project_id: i32) -> Result<Vec<ActivityRow>> {
    let plan = schedule::load(c, project_id).await?;
    let computed = plan.compute().map_err(|_| Error::Rule("err.cycle"))?;
    let seq_of = |phase_id: i32| plan.phases.iter().find(|p| p.id == phase_id).map_or(0, |p| p.seq);
    Ok(plan
        .activities
        .iter()
        .filter_map(|a| {
            let it = &computed.items[*computed.index.get(&(ACTIVITY, a.id))?];
            Some(ActivityRow {
                id: a.id,
                version: a.version,
                phase_id: a.phase_id,
                phase_seq: seq_of(a.phase_id),
                seq: a.seq,
                key: a.key.clone(),
                name_en: a.name_en.clone(),
                name_zh: a.name_zh.clone(),
                tier: a.tier.clone(),
                status: a.status.clone(),
                start: it.start,
                finish: it.finish,
                duration: it.duration,
                total_float: it.total_float,
                critical: it.critical,
                percent_complete: a.percent_complete,
                actual_start: a.actual_start,
                actual_finish: a.actual_finish,
                not_before: a.not_before,
                owner_person_id: a.owner_person_id,
                owner_unit_id: a.owner_unit_id,
            })
        })
        .collect())
}

/// One activity as a resource.
pub async fn activity_row<C: ConnectionTrait>(c: &C, project_id: i32, id: i32) -> Result<ActivityRow> {
    activity_rows(c, project_id).await?.into_iter().find(|a| a.id == id).ok_or(Error::NotFound)
}
