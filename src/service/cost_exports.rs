//! The rows of the timesheet and cost exports (issue 15 point 11): every time entry of a
//! project with its person, activity and phase, and (through `budget::control`) the control
//! figures, commitments and invoices. The Excel workbooks (`report::xlsx::timesheets`,
//! `report::xlsx::costs`) lay these out; they compute nothing of their own.
use super::Result;
use crate::domain::effort;
use crate::entity::{activity, phase, project, time_entry};
use crate::i18n::Lang;
use chrono::NaiveDate;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};
use serde::Serialize;
use std::collections::HashMap;

/// One time entry as exported.
#[derive(Clone, Debug, Serialize)]
pub struct TimeRow {
    pub person: String,
    pub phase: String,
    pub activity: String,
    pub day: NaiveDate,
    pub hours_x100: i32,
    /// "7.5", as the timesheet shows it.
    pub hours: String,
    pub status: String,
}

/// Every time entry of project `p` by day, person and activity, in `lang`.
pub async fn time_rows<C: ConnectionTrait>(c: &C, p: &project::Model, lang: Lang) -> Result<Vec<TimeRow>> {
    let rows = time_entry::Entity::find()
        .filter(time_entry::Column::ProjectId.eq(p.id))
        .order_by_asc(time_entry::Column::Day)
        .order_by_asc(time_entry::Column::UserId)
        .order_by_asc(time_entry::Column::ActivityId)
        .all(c)
        .await?;
    let names = super::user_names(c, rows.iter().map(|r| r.user_id)).await?;
    let acts: HashMap<i32, activity::Model> = activity::Entity::find()
        .filter(activity::Column::ProjectId.eq(p.id))
        .all(c)
        .await?
        .into_iter()
        .map(|a| (a.id, a))
        .collect();
    let phases: HashMap<i32, phase::Model> = phase::Entity::find()
        .filter(phase::Column::ProjectId.eq(p.id))
        .all(c)
        .await?
        .into_iter()
        .map(|ph| (ph.id, ph))
        .collect();
    let pick = |en: &str, zh: &str| if lang == Lang::Zh && !zh.is_empty() { zh.to_string() } else { en.to_string() };
    Ok(rows
        .into_iter()
        .map(|r| {
            let a = acts.get(&r.activity_id);
            let ph = a.and_then(|a| phases.get(&a.phase_id));
            TimeRow {
                person: names.get(&r.user_id).cloned().unwrap_or_default(),
                phase: ph.map(|ph| format!("{}. {}", ph.seq, pick(&ph.name_en, &ph.name_zh))).unwrap_or_default(),
                activity: a.map(|a| pick(&a.name_en, &a.name_zh)).unwrap_or_default(),
                day: r.day,
                hours_x100: r.hours_x100,
                hours: effort::hours_text(r.hours_x100),
                status: r.status,
            }
        })
        .collect())
}
