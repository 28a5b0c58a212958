//! Measurable targets and their measurements: entered by hand, imported from CSV, or pushed
//! by the running CRM with a project API token.
use super::{Actor, Error, Result, audit, clock, now, sessions, write};
use crate::chart::line;
use crate::db::Db;
use crate::domain::targets::{self, Assessment, Direction, Rag, TargetSpec};
use crate::domain::validation::{FieldErrors, long_text, required_text};
use crate::entity::{api_token, measurement, project, target};
use crate::i18n::{self, Lang};
use chrono::NaiveDate;
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, TryInsertResult};
use serde::Serialize;

pub const KINDS: &[&str] = &["explicit", "implicit"];

/// The target form as typed.
#[derive(Clone, Debug, Default, Serialize, serde::Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct RawTarget {
    pub key: String,
    pub name: String,
    pub kind: String,
    pub metric: String,
    pub unit: String,
    pub direction: String,
    pub baseline_value: String,
    pub baseline_date: String,
    pub target_input: String,
    pub target_date: String,
    pub method: String,
    pub data_source: String,
    pub owner: String,
    pub module_key: String,
}

/// A validated target, with a relative target resolved against the baseline.
#[derive(Clone, Debug, PartialEq)]
pub struct TargetInput {
    pub key: String,
    pub name: String,
    pub kind: String,
    pub metric: String,
    pub unit: String,
    pub direction: Direction,
    pub baseline_value: Option<f64>,
    pub baseline_date: Option<NaiveDate>,
    pub target_input: String,
    pub target_value: Option<f64>,
    pub target_date: Option<NaiveDate>,
    pub method: String,
    pub data_source: String,
    pub owner: String,
    pub module_key: Option<String>,
}

fn optional_date(e: &mut FieldErrors, field: &str, raw: &str) -> Option<NaiveDate> {
    let raw = raw.trim();
    if raw.is_empty() {
        return None;
    }
    let d = crate::domain::bounds::parse_date(raw);
    if d.is_none() {
        e.add(field, "err.date");
    }
    d
}

fn optional_text(e: &mut FieldErrors, field: &str, raw: &str, max: usize) -> String {
    let v = raw.trim();
    if v.chars().count() > max {
        e.add(field, "err.too_long");
    }
    v.to_string()
}

/// Validate the form. The key is what the CRM uses in the API path.
pub fn validate(raw: &RawTarget, modules: &[String]) -> std::result::Result<TargetInput, FieldErrors> {
    let mut e = FieldErrors::default();
    let name = required_text(&mut e, "name", &raw.name, 300);
    let key = raw.key.trim().to_lowercase();
    if !key.is_empty()
        && (key.len() > 64
            || !key.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_'))
    {
        e.add("key", "err.key_format");
    }
    if !KINDS.contains(&raw.kind.as_str()) {
        e.add("kind", "err.choose_from_list");
    }
    let direction = Direction::parse(&raw.direction);
    if direction.is_none() {
        e.add("direction", "err.choose_from_list");
    }
    let metric = optional_text(&mut e, "metric", &raw.metric, 200);
    let unit = optional_text(&mut e, "unit", &raw.unit, 32);
    let baseline_value = match raw.baseline_value.trim() {
        "" => None,
        s => {
            let v = targets::parse_number(s);
            if v.is_none() {
                e.add("baseline_value", "err.number");
            }
            v
        }
    };
    let baseline_date = optional_date(&mut e, "baseline_date", &raw.baseline_date);
    let target_date = optional_date(&mut e, "target_date", &raw.target_date);
    if let (Some(b), Some(t)) = (baseline_date, target_date)
        && t <= b
    {
        e.add("target_date", "err.target_after_baseline");
    }
    let target_input = raw.target_input.trim().to_string();
    let target_value = match target_input.as_str() {
        "" => None,
        s => match targets::parse_target(s) {
            None => {
                e.add("target_input", "err.target_format");
                None
            }
            Some(TargetSpec::RelativePercent(_)) if baseline_value.is_none() => {
                e.add("target_input", "err.relative_needs_baseline");
                None
            }
            Some(spec) => Some(targets::resolve(spec, baseline_value.unwrap_or(0.0))),
        },
    };
    if let (Some(d), Some(b), Some(t)) = (direction, baseline_value, target_value) {
        let wrong = match d {
            Direction::Increase => t < b,
            Direction::Decrease => t > b,
        };
        if wrong {
            e.add("target_input", "err.target_direction");
        }
    }
    let method = long_text(&mut e, "method", &raw.method, 2000, false);
    let data_source = optional_text(&mut e, "data_source", &raw.data_source, 200);
    let owner = optional_text(&mut e, "owner", &raw.owner, 200);
    let module_key = match raw.module_key.trim() {
        "" => None,
        m if modules.iter().any(|x| x == m) => Some(m.to_string()),
        _ => {
            e.add("module_key", "err.choose_from_list");
            None
        }
    };
    e.check()?;
    Ok(TargetInput {
        key,
        name,
        kind: raw.kind.clone(),
        metric,
        unit,
        direction: direction.unwrap_or(Direction::Increase),
        baseline_value,
        baseline_date,
        target_input,
        target_value,
        target_date,
        method,
        data_source,
        owner,
        module_key,
    })
}

fn active(i: &TargetInput) -> target::ActiveModel {
    target::ActiveModel {
        key: Set(i.key.clone()),
        name: Set(i.name.clone()),
        kind: Set(i.kind.clone()),
        metric: Set(i.metric.clone()),
        unit: Set(i.unit.clone()),
        direction: Set(i.direction.as_str().into()),
        baseline_value: Set(i.baseline_value),
        baseline_date: Set(i.baseline_date),
        target_input: Set(i.target_input.clone()),
        target_value: Set(i.target_value),
        target_date: Set(i.target_date),
        method: Set(i.method.clone()),
        data_source: Set(i.data_source.clone()),
        owner: Set(i.owner.clone()),
        module_key: Set(i.module_key.clone()),
        ..Default::default()
    }
}

async fn key_taken<C: ConnectionTrait>(c: &C, project_id: i32, key: &str, except: Option<i32>) -> Result<bool> {
    let found = target::Entity::find()
        .filter(target::Column::ProjectId.eq(project_id))
        .filter(target::Column::Key.eq(key))
        .one(c)
        .await?;
    Ok(found.is_some_and(|t| Some(t.id) != except))
}

pub async fn create(db: &Db, actor: Actor, project_id: i32, input: &TargetInput) -> Result<target::Model> {
    write::transaction(db, async |tx| {
        let mut input = input.clone();
        if input.key.is_empty() {
            let n = list(tx, project_id).await?.len();
            let mut i = n + 1;
            input.key = format!("target-{i}");
            while key_taken(tx, project_id, &input.key, None).await? {
                i += 1;
                input.key = format!("target-{i}");
            }
        } else if key_taken(tx, project_id, &input.key, None).await? {
            return Err(FieldErrors::single("key", "err.key_taken").into());
        }
        let mut am = active(&input);
        am.project_id = Set(project_id);
        write::insert::<target::Entity, _>(tx, actor, project_id, am, "create").await
    })
    .await
}

pub async fn update(
    db: &Db,
    actor: Actor,
    project_id: i32,
    id: i32,
    version: i32,
    input: &TargetInput,
) -> Result<target::Model> {
    write::transaction(db, async |tx| {
        let before = get(tx, project_id, id).await?;
        if before.version != version {
            return Err(Error::Conflict);
        }
        let mut input = input.clone();
        if input.key.is_empty() {
            input.key = before.key.clone();
        } else if key_taken(tx, project_id, &input.key, Some(id)).await? {
            return Err(FieldErrors::single("key", "err.key_taken").into());
        }
        Ok(write::update::<target::Entity, _>(tx, actor, project_id, id, version, active(&input), "update")
            .await?
            .after)
    })
    .await
}

pub async fn get<C: ConnectionTrait>(c: &C, project_id: i32, id: i32) -> Result<target::Model> {
    write::get::<target::Entity, _>(c, project_id, id).await
}

pub async fn list<C: ConnectionTrait>(c: &C, project_id: i32) -> Result<Vec<target::Model>> {
    Ok(target::Entity::find()
        .filter(target::Column::ProjectId.eq(project_id))
        .order_by_asc(target::Column::Id)
        .all(c)
        .await?)
}

pub async fn measurements<C: ConnectionTrait>(c: &C, project_id: i32) -> Result<Vec<measurement::Model>> {
    Ok(measurement::Entity::find()
        .filter(measurement::Column::ProjectId.eq(project_id))
        .order_by_asc(measurement::Column::MeasuredOn)
        .order_by_asc(measurement::Column::Id)
        .all(c)
        .await?)
}

/// A target with how it stands today: the figures every surface shows (Targets page, target
/// page, `GET /api/v1/projects/{id}/targets`, target sheet and review pack PDFs) and the trend
/// chart model the page draws as SVG and the documents draw in the PDF.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct TargetView {
    pub target: target::Model,
    pub gaps: Vec<&'static str>,
    pub assessment: Option<Assessment>,
    pub measurements: Vec<measurement::Model>,
    /// RAG (grey when not measurable or nothing measured yet).
    pub rag: Rag,
    /// The figures as printed, the same on page and paper.
    pub shown: Shown,
    pub chart: Option<line::LineChart>,
}

/// A target's figures as people read them: thousands separators, attainment in whole
/// percent, the forecast to one decimal (or, for a metric that cannot go below zero and
/// whose trend would, no figure: `forecast_below_zero`).
#[derive(Clone, Debug, Default, Serialize, PartialEq, utoipa::ToSchema)]
pub struct Shown {
    pub baseline: Option<String>,
    pub target: Option<String>,
    pub latest: Option<String>,
    pub attainment: Option<String>,
    pub time_elapsed: Option<String>,
    pub forecast: Option<String>,
    pub forecast_below_zero: bool,
}

/// The Targets page, the API's targets and the target sheet: every target of the project as
/// it stands on the project's today.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct TargetsView {
    pub as_of: NaiveDate,
    pub targets: Vec<TargetView>,
}

/// The targets of a project as they stand on its today (in its time zone).
pub async fn page<C: ConnectionTrait>(c: &C, p: &project::Model, lang: Lang) -> Result<TargetsView> {
    let as_of = clock::today(p);
    Ok(TargetsView { as_of, targets: views(c, p.id, as_of, lang).await? })
}

/// One target of the project as its page shows it.
pub async fn detail<C: ConnectionTrait>(c: &C, p: &project::Model, id: i32, lang: Lang) -> Result<TargetView> {
    let t = get(c, p.id, id).await?;
    let ms = measurements(c, p.id).await?;
    Ok(view(t, &ms, clock::today(p), lang))
}

pub fn view(t: target::Model, all: &[measurement::Model], today: NaiveDate, lang: Lang) -> TargetView {
    let ms: Vec<measurement::Model> = all.iter().filter(|m| m.target_id == t.id).cloned().collect();
    let gaps = targets::measurability_gaps(t.target_value, t.baseline_value, t.baseline_date, t.target_date);
    let assessment =
        match (Direction::parse(&t.direction), t.baseline_value, t.baseline_date, t.target_value, t.target_date) {
            (Some(d), Some(b), Some(bd), Some(tv), Some(td)) => {
                // Only what was known on `today` counts, so a pack built for an earlier date is
                // not coloured by later values.
                let known: Vec<measurement::Model> = ms.iter().filter(|m| m.measured_on <= today).cloned().collect();
                let points: Vec<(NaiveDate, f64)> = latest_per_day(&known);
                let mut a = targets::assess(d, b, bd, tv, td, &points, today);
                let floor = targets::non_negative(&t.unit, &t.metric, t.baseline_value, t.target_value);
                targets::floor_forecast(&mut a, floor);
                Some(a)
            }
            _ => None,
        };
    let a = assessment.as_ref();
    let shown = Shown {
        baseline: t.baseline_value.map(|v| targets::figure(v, 2)),
        target: t.target_value.map(|v| targets::figure(v, 2)),
        latest: a.and_then(|a| a.latest).map(|v| targets::figure(v, 2)),
        attainment: a.and_then(|a| a.attainment).map(|v| format!("{}%", targets::whole_percent(v))),
        time_elapsed: a.and_then(|a| a.time_elapsed).map(|v| format!("{}%", targets::whole_percent(v))),
        forecast: a.and_then(|a| a.forecast).map(|v| targets::figure(v, 1)),
        forecast_below_zero: a.is_some_and(|a| a.forecast_below_zero),
    };
    let rag = a.map_or(Rag::Grey, |a| a.rag);
    let mut v = TargetView { target: t, gaps, assessment, measurements: ms, rag, shown, chart: None };
    v.chart = trend_chart(&v, lang);
    v
}

/// The trend chart of a target: measurements from the baseline, baseline and target levels,
/// the target date, and the forecast line (stopping at zero for a metric that cannot go
/// below it). Built once here; the page renders it as SVG, the documents draw it in the PDF.
fn trend_chart(v: &TargetView, lang: Lang) -> Option<line::LineChart> {
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
        let mut end = (td, tr.at(td));
        if a.forecast_below_zero && tr.slope != 0.0 {
            // Where the line meets zero: the metric stops there.
            let days = (-tr.intercept / tr.slope).floor() as i64;
            let at = tr.origin + chrono::Duration::days(days);
            if at > last.0 && at < td {
                end = (at, 0.0);
            }
        }
        series.push(line::Series { style: line::Style::Forecast, points: vec![(last.0, tr.at(last.0)), end] });
    }
    let word = |k: &str| i18n::t(lang, &format!("pdf.targets.legend_{k}"));
    let mut legend: Vec<(Option<line::Style>, String)> =
        series.iter().map(|s| (Some(s.style), word(style_key(s.style)))).collect();
    legend.extend(levels.iter().map(|l| (Some(l.style), word(style_key(l.style)))));
    if t.target_date.is_some() {
        legend.push((None, word("date")));
    }
    Some(line::LineChart {
        title: t.name.clone(),
        series,
        levels,
        marker: t.target_date.map(|d| (d, d.to_string())),
        legend,
        // A target's own unit (often 万元 already): figures as they are.
        wan: false,
    })
}

fn style_key(s: line::Style) -> &'static str {
    match s {
        line::Style::Measured => "measured",
        line::Style::Forecast => "forecast",
        line::Style::Baseline => "baseline",
        line::Style::Target => "target",
    }
}

/// One value per day: when several sources report the same day, the latest recorded wins.
pub fn latest_per_day(ms: &[measurement::Model]) -> Vec<(NaiveDate, f64)> {
    let mut by_day: std::collections::BTreeMap<NaiveDate, (chrono::DateTime<chrono::Utc>, f64)> = Default::default();
    for m in ms {
        let e = by_day.entry(m.measured_on).or_insert((m.created_at, m.value));
        if m.created_at >= e.0 {
            *e = (m.created_at, m.value);
        }
    }
    by_day.into_iter().map(|(d, (_, v))| (d, v)).collect()
}

/// Every target of the project as it stood on `today` (a review pack is built for its date).
pub async fn views<C: ConnectionTrait>(
    c: &C,
    project_id: i32,
    today: NaiveDate,
    lang: Lang,
) -> Result<Vec<TargetView>> {
    let ms = measurements(c, project_id).await?;
    Ok(list(c, project_id).await?.into_iter().map(|t| view(t, &ms, today, lang)).collect())
}

/// What recording a measurement did.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
#[schema(as = PushResult)]
pub enum Recorded {
    Created,
    Updated,
    Unchanged,
}

/// Record a value for (target, day, source): insert, or update the value of that row, or do
/// nothing when it is already there. `actor` is `None` for pushes with an API token.
pub async fn record<C: ConnectionTrait>(
    c: &C,
    actor: Option<Actor>,
    t: &target::Model,
    on: NaiveDate,
    value: f64,
    source: &str,
    note: &str,
) -> Result<Recorded> {
    let who = actor.map(|a| a.user_id);
    // `ON CONFLICT DO NOTHING`: a reading recorded by someone else between the look-up and
    // the insert is found on the second round and compared, never a unique-index error.
    for _ in 0..2 {
        if let Some(done) = record_once(c, who, t, on, value, source, note).await? {
            return Ok(done);
        }
    }
    Err(Error::Conflict)
}

#[allow(clippy::too_many_arguments)]
async fn record_once<C: ConnectionTrait>(
    c: &C,
    who: Option<i32>,
    t: &target::Model,
    on: NaiveDate,
    value: f64,
    source: &str,
    note: &str,
) -> Result<Option<Recorded>> {
    let existing = measurement::Entity::find()
        .filter(measurement::Column::TargetId.eq(t.id))
        .filter(measurement::Column::MeasuredOn.eq(on))
        .filter(measurement::Column::Source.eq(source))
        .one(c)
        .await?;
    match existing {
        Some(m) if m.value == value => Ok(Some(Recorded::Unchanged)),
        Some(m) => {
            measurement::Entity::update_many()
                .set(measurement::ActiveModel { value: Set(value), note: Set(note.into()), ..Default::default() })
                .filter(measurement::Column::Id.eq(m.id))
                .exec(c)
                .await?;
            let after = measurement::Model { value, note: note.into(), ..m.clone() };
            audit::record_as(c, who, Some(t.project_id), "measurement", m.id, "update", Some(&m), Some(&after)).await?;
            super::hooks::emit(c, t.project_id, super::hooks::measurement_recorded(t, &after)).await?;
            Ok(Some(Recorded::Updated))
        }
        None => {
            let inserted = measurement::Entity::insert(measurement::ActiveModel {
                project_id: Set(t.project_id),
                target_id: Set(t.id),
                measured_on: Set(on),
                value: Set(value),
                source: Set(source.into()),
                note: Set(note.into()),
                created_by: Set(who),
                created_at: Set(now()),
                ..Default::default()
            })
            .on_conflict_do_nothing_on([
                measurement::Column::TargetId,
                measurement::Column::MeasuredOn,
                measurement::Column::Source,
            ])
            .exec_with_returning(c)
            .await?;
            let TryInsertResult::Inserted(m) = inserted else { return Ok(None) };
            audit::record_as(c, who, Some(t.project_id), "measurement", m.id, "create", None::<&()>, Some(&m)).await?;
            super::hooks::emit(c, t.project_id, super::hooks::measurement_recorded(t, &m)).await?;
            Ok(Some(Recorded::Created))
        }
    }
}

/// A measurement typed into the target page.
pub async fn add_manual(
    db: &Db,
    actor: Actor,
    project_id: i32,
    target_id: i32,
    date: &str,
    value: &str,
    note: &str,
) -> Result<Recorded> {
    let mut e = FieldErrors::default();
    let on = crate::domain::bounds::parse_date(date.trim());
    if on.is_none() {
        e.add("date", "err.date");
    }
    let v = targets::parse_number(value);
    if v.is_none() {
        e.add("value", "err.number");
    }
    let note = optional_text(&mut e, "note", note, 500);
    e.check()?;
    write::transaction(db, async |tx| {
        let t = get(tx, project_id, target_id).await?;
        record(tx, Some(actor), &t, on.unwrap_or_default(), v.unwrap_or_default(), "manual", &note).await
    })
    .await
}

/// A problem in an imported file, by line.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct RowError {
    pub line: usize,
    /// i18n key.
    pub message: &'static str,
    pub detail: String,
}

/// Import `target,date,value[,note]` rows (header optional, UTF-8 with or without BOM).
/// All or nothing: any bad row and nothing is written; the bad rows are named.
pub async fn import_csv(
    db: &Db,
    actor: Actor,
    project_id: i32,
    text: &str,
) -> Result<std::result::Result<usize, Vec<RowError>>> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    // The note is the rest of the line, commas and all.
    let records: Vec<(usize, Vec<String>)> = text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(i, l)| (i + 1, l.trim().splitn(4, ',').map(|c| c.trim().to_string()).collect()))
        .collect();
    import_records(db, actor, project_id, &records, "csv").await
}

/// Import the first worksheet of an XLSX workbook: the same columns, the same checks, the
/// sheet's row numbers in messages.
pub async fn import_xlsx(
    db: &Db,
    actor: Actor,
    project_id: i32,
    bytes: &[u8],
) -> Result<std::result::Result<usize, Vec<RowError>>> {
    match crate::domain::spreadsheet::xlsx_records(bytes) {
        Ok(records) => import_records(db, actor, project_id, &records, "xlsx").await,
        Err(e) => Ok(Err(vec![RowError { line: 1, message: e.key(), detail: String::new() }])),
    }
}

/// The one row parser of measurement imports, CSV or XLSX: `(line, cells)` records, the
/// first a header when its first cell starts with "target". All or nothing.
pub async fn import_records(
    db: &Db,
    actor: Actor,
    project_id: i32,
    records: &[(usize, Vec<String>)],
    source: &str,
) -> Result<std::result::Result<usize, Vec<RowError>>> {
    let all = list(&db.conn, project_id).await?;
    let mut rows = vec![];
    let mut errors = vec![];
    for (i, (n, cells)) in records.iter().enumerate() {
        let n = *n;
        let cells: Vec<&str> = cells.iter().map(|c| c.trim()).collect();
        if cells.iter().all(|c| c.is_empty()) || (i == 0 && cells[0].to_lowercase().starts_with("target")) {
            continue;
        }
        let line = cells.join(",");
        if cells.len() < 3 {
            errors.push(RowError { line: n, message: "measure_import.err.columns", detail: line });
            continue;
        }
        let Some(t) = all.iter().find(|t| t.key == cells[0]) else {
            errors.push(RowError { line: n, message: "measure_import.err.target", detail: cells[0].into() });
            continue;
        };
        let Some(on) = crate::domain::bounds::parse_date(cells[1]) else {
            errors.push(RowError { line: n, message: "measure_import.err.date", detail: cells[1].into() });
            continue;
        };
        let Some(v) = targets::parse_number(cells[2]) else {
            errors.push(RowError { line: n, message: "measure_import.err.value", detail: cells[2].into() });
            continue;
        };
        let note = cells.get(3).map(|s| s.trim_matches('"')).unwrap_or("");
        rows.push((t.clone(), on, v, note.chars().take(500).collect::<String>()));
    }
    if rows.is_empty() && errors.is_empty() {
        errors.push(RowError { line: 1, message: "measure_import.err.empty", detail: String::new() });
    }
    if !errors.is_empty() {
        return Ok(Err(errors));
    }
    write::transaction(db, async |tx| {
        for (t, on, v, note) in &rows {
            record(tx, Some(actor), t, *on, *v, source, note).await?;
        }
        Ok(Ok(rows.len()))
    })
    .await
}

// ---- API tokens ----

/// Create a token; the clear text is returned once and only its hash is kept.
pub async fn create_token(db: &Db, actor: Actor, project_id: i32, name: &str) -> Result<(api_token::Model, String)> {
    let mut e = FieldErrors::default();
    let name = required_text(&mut e, "name", name, 200);
    e.check()?;
    let token = format!("nf_{}", sessions::random_token());
    let am = api_token::ActiveModel {
        project_id: Set(project_id),
        name: Set(name),
        token_hash: Set(sessions::hash_token(&token)),
        created_by: Set(actor.user_id),
        revoked_at: Set(None),
        last_used_at: Set(None),
        ..Default::default()
    };
    let m = write::transaction(db, async |tx| {
        write::insert::<api_token::Entity, _>(tx, actor, project_id, am, "create").await
    })
    .await?;
    Ok((m, token))
}

pub async fn tokens<C: ConnectionTrait>(c: &C, project_id: i32) -> Result<Vec<api_token::Model>> {
    Ok(api_token::Entity::find()
        .filter(api_token::Column::ProjectId.eq(project_id))
        .order_by_desc(api_token::Column::Id)
        .all(c)
        .await?)
}

pub async fn revoke_token(db: &Db, actor: Actor, project_id: i32, id: i32) -> Result<()> {
    write::transaction(db, async |tx| {
        let before = write::get::<api_token::Entity, _>(tx, project_id, id).await?;
        if before.revoked_at.is_none() {
            // Tokens carry no version: a revocation is idempotent.
            let at = now();
            api_token::Entity::update_many()
                .set(api_token::ActiveModel { revoked_at: Set(Some(at)), ..Default::default() })
                .filter(api_token::Column::Id.eq(id))
                .exec(tx)
                .await?;
            let after = api_token::Model { revoked_at: Some(at), ..before.clone() };
            audit::record(tx, actor, Some(project_id), "api_token", id, "revoke", Some(&before), Some(&after)).await?;
        }
        Ok(())
    })
    .await
}

/// One value pushed by the running CRM.
#[derive(Clone, Debug, PartialEq)]
pub struct Reading {
    pub date: NaiveDate,
    pub value: f64,
    pub source: String,
    pub note: String,
}

/// Why a push was refused.
#[derive(Debug, PartialEq, Eq)]
pub enum PushError {
    /// No such token, or revoked: 401.
    Unauthorized,
    /// The token belongs to another project, or no such target: 404.
    NotFound,
}

/// Record a measurement pushed by the running CRM.
pub async fn push(
    db: &Db,
    token: &str,
    project_id: i32,
    key: &str,
    r: &Reading,
) -> Result<std::result::Result<Recorded, PushError>> {
    write::transaction(db, async |tx| push_in(tx, token, project_id, key, r).await).await
}

async fn push_in<C: ConnectionTrait>(
    tx: &C,
    token: &str,
    project_id: i32,
    key: &str,
    r: &Reading,
) -> Result<std::result::Result<Recorded, PushError>> {
    let found =
        api_token::Entity::find().filter(api_token::Column::TokenHash.eq(sessions::hash_token(token))).one(tx).await?;
    let tok = match found {
        Some(t) if t.revoked_at.is_none() => t,
        _ => return Ok(Err(PushError::Unauthorized)),
    };
    if tok.project_id != project_id {
        return Ok(Err(PushError::NotFound));
    }
    // Two pushes of one reading at once: the second waits here and then finds the first.
    write::lock_project(tx, project_id).await?;
    let Some(t) = target::Entity::find()
        .filter(target::Column::ProjectId.eq(project_id))
        .filter(target::Column::Key.eq(key))
        .one(tx)
        .await?
    else {
        return Ok(Err(PushError::NotFound));
    };
    let recorded = record(tx, None, &t, r.date, r.value, &r.source, &r.note).await?;
    api_token::Entity::update_many()
        .set(api_token::ActiveModel { last_used_at: Set(Some(now())), ..Default::default() })
        .filter(api_token::Column::Id.eq(tok.id))
        .exec(tx)
        .await?;
    Ok(Ok(recorded))
}
