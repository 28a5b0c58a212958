//! Webhooks: a project's subscriptions (the director's), the events the other services
//! emit inside their own transactions (one outbox row per matching subscription, so a
//! rolled-back change sends nothing), and the delivery of one outbox row: format by preset,
//! sign, POST, log the response code, and disable a subscription after
//! [`MAX_CONSECUTIVE_FAILURES`] failed deliveries in a row. Retries with backoff are the
//! outbox's (`service::outbox`): a failed delivery returns `Err` and is tried again later.
use super::{Actor, Error, Result, audit, now, write};
use crate::db::Db;
use crate::domain::validation::{FieldErrors, required_text};
use crate::domain::webhooks::{self as wh, EVENTS, Event, MAX_CONSECUTIVE_FAILURES, PRESETS, ProjectRef};
use crate::entity::{project, webhook, webhook_delivery};
use crate::i18n::{self, Lang};
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// The outbox channel webhooks are delivered on.
pub const CHANNEL: &str = "webhook";

/// The subscription form as typed (`events` from repeated checkboxes).
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct RawHook {
    pub name: String,
    pub url: String,
    pub events: Vec<String>,
    pub preset: String,
    pub secret: String,
    pub lang: String,
}

#[derive(Clone, Debug, PartialEq)]
pub struct HookInput {
    pub name: String,
    pub url: String,
    pub events: Vec<String>,
    pub preset: String,
    /// Empty: keep the stored secret (an edit) or make one (a new `ninefold` subscription).
    pub secret: String,
    pub lang: String,
}

/// Check the subscription form. `allow_private` is the administrator's
/// `NINEFOLD_WEBHOOK_ALLOW_PRIVATE`: without it a URL naming a loopback, private or
/// link-local address (or `localhost`) is refused (server-side request forgery).
pub fn validate(raw: &RawHook, allow_private: bool) -> std::result::Result<HookInput, FieldErrors> {
    let mut e = FieldErrors::default();
    let name = required_text(&mut e, "name", &raw.name, 200);
    let url = raw.url.trim().to_string();
    if url.is_empty() {
        e.add("url", "err.required");
    } else if !wh::valid_url(&url) {
        e.add("url", "hooks.err.url");
    } else if !allow_private && wh::names_private_host(&url) {
        e.add("url", "api.err.private_url");
    }
    let mut events: Vec<String> = vec![];
    for ev in &raw.events {
        if !EVENTS.contains(&ev.as_str()) {
            e.add("events", "err.choose_from_list");
        } else if !events.contains(ev) {
            events.push(ev.clone());
        }
    }
    if events.is_empty() && raw.events.is_empty() {
        e.add("events", "hooks.err.events");
    }
    if !PRESETS.contains(&raw.preset.as_str()) {
        e.add("preset", "err.choose_from_list");
    }
    let secret = raw.secret.trim().to_string();
    if secret.chars().count() > 200 {
        e.add("secret", "err.too_long");
    }
    let lang = if raw.lang == "zh" { "zh" } else { "en" }.to_string();
    e.check()?;
    events.sort_by_key(|ev| EVENTS.iter().position(|x| x == ev));
    Ok(HookInput { name, url, events, preset: raw.preset.clone(), secret, lang })
}

/// A new signing secret for the `ninefold` preset.
fn new_secret() -> String {
    format!("whsec_{}", super::sessions::random_token())
}

/// Create a subscription. Returns it and, when the server made the secret, the secret
/// (shown once; a chat tool's own secret is the one typed in).
pub async fn create(db: &Db, actor: Actor, project_id: i32, i: &HookInput) -> Result<(webhook::Model, Option<String>)> {
    let made = (i.preset == "ninefold" && i.secret.is_empty()).then(new_secret);
    let secret = made.clone().unwrap_or_else(|| i.secret.clone());
    let am = webhook::ActiveModel {
        project_id: Set(project_id),
        name: Set(i.name.clone()),
        url: Set(i.url.clone()),
        events: Set(i.events.join(",")),
        preset: Set(i.preset.clone()),
        secret: Set(secret),
        lang: Set(i.lang.clone()),
        active: Set(true),
        consecutive_failures: Set(0),
        disabled_at: Set(None),
        created_by: Set(actor.user_id),
        ..Default::default()
    };
    let m = write::transaction(db, async |tx| {
        write::insert::<webhook::Entity, _>(tx, actor, project_id, am, "create").await
    })
    .await?;
    Ok((m, made))
}

/// Change a subscription (version-checked); an empty secret keeps the stored one.
pub async fn update(
    db: &Db,
    actor: Actor,
    project_id: i32,
    id: i32,
    version: i32,
    i: &HookInput,
) -> Result<webhook::Model> {
    let mut am = webhook::ActiveModel {
        name: Set(i.name.clone()),
        url: Set(i.url.clone()),
        events: Set(i.events.join(",")),
        preset: Set(i.preset.clone()),
        lang: Set(i.lang.clone()),
        ..Default::default()
    };
    if !i.secret.is_empty() {
        am.secret = Set(i.secret.clone());
    }
    write::transaction(db, async |tx| {
        Ok(write::update::<webhook::Entity, _>(tx, actor, project_id, id, version, am, "update").await?.after)
    })
    .await
}

/// Turn a subscription on again (clearing its failure count) or off.
pub async fn set_active(db: &Db, actor: Actor, project_id: i32, id: i32, version: i32, on: bool) -> Result<()> {
    let am = webhook::ActiveModel {
        active: Set(on),
        consecutive_failures: Set(0),
        disabled_at: Set(if on { None } else { Some(now()) }),
        ..Default::default()
    };
    let action = if on { "enable" } else { "disable" };
    write::transaction(db, async |tx| {
        write::update::<webhook::Entity, _>(tx, actor, project_id, id, version, am, action).await.map(|_| ())
    })
    .await
}

pub async fn delete(db: &Db, actor: Actor, project_id: i32, id: i32, version: i32) -> Result<()> {
    // The delivery log goes with it (the foreign key cascades).
    write::transaction(db, async |tx| {
        write::delete::<webhook::Entity, _>(tx, actor, project_id, id, Some(version)).await.map(|_| ())
    })
    .await
}

pub async fn get<C: ConnectionTrait>(c: &C, project_id: i32, id: i32) -> Result<webhook::Model> {
    write::get::<webhook::Entity, _>(c, project_id, id).await
}

/// A subscription as the page shows it: the URL reduced to scheme and host (a chat tool's
/// URL carries its access token), whether a secret is set, the events by name.
#[derive(Clone, Debug, Serialize)]
pub struct HookRow {
    pub hook: webhook::Model,
    pub url_shown: String,
    pub has_secret: bool,
    pub events: Vec<String>,
}

#[derive(Clone, Debug, Serialize)]
pub struct DeliveryRow {
    pub delivery: webhook_delivery::Model,
    pub hook_name: String,
    pub at: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct HooksView {
    pub hooks: Vec<HookRow>,
    /// The latest deliveries of all the project's subscriptions, newest first.
    pub deliveries: Vec<DeliveryRow>,
    pub events: &'static [&'static str],
    pub presets: &'static [&'static str],
    pub max_failures: i32,
    pub replay_window_secs: i64,
}

/// `https://oapi.dingtalk.com/…`: scheme and host only.
pub fn shown_url(url: &str) -> String {
    let (scheme, rest) = url.split_once("://").unwrap_or(("", url));
    let host = rest.split(['/', '?', '#']).next().unwrap_or("");
    format!("{scheme}://{host}/…")
}

pub const LOG_ROWS: u64 = 50;

pub async fn view<C: ConnectionTrait>(c: &C, project_id: i32) -> Result<HooksView> {
    let hooks = webhook::Entity::find()
        .filter(webhook::Column::ProjectId.eq(project_id))
        .order_by_asc(webhook::Column::Id)
        .all(c)
        .await?;
    let deliveries = webhook_delivery::Entity::find()
        .filter(webhook_delivery::Column::ProjectId.eq(project_id))
        .order_by_desc(webhook_delivery::Column::Id)
        .limit(LOG_ROWS)
        .all(c)
        .await?;
    let name_of = |id: i32| hooks.iter().find(|h| h.id == id).map(|h| h.name.clone()).unwrap_or_default();
    let deliveries = deliveries
        .into_iter()
        .map(|d| DeliveryRow {
            hook_name: name_of(d.webhook_id),
            at: d.created_at.format("%Y-%m-%d %H:%M:%S UTC").to_string(),
            delivery: d,
        })
        .collect();
    let hooks = hooks
        .into_iter()
        .map(|h| HookRow {
            url_shown: shown_url(&h.url),
            has_secret: !h.secret.is_empty(),
            events: h.events.split(',').filter(|s| !s.is_empty()).map(str::to_string).collect(),
            hook: h,
        })
        .collect();
    Ok(HooksView {
        hooks,
        deliveries,
        events: EVENTS,
        presets: PRESETS,
        max_failures: MAX_CONSECUTIVE_FAILURES,
        replay_window_secs: wh::REPLAY_WINDOW_SECS,
    })
}

// ---- events ----

/// What happened, as a service emits it: the event name, its data, the i18n arguments of
/// its message (`hooks.msg.<event>` in the subscription's language), and the page's path.
#[derive(Clone, Debug)]
pub struct Emitted {
    pub event: &'static str,
    pub data: Value,
    pub args: Vec<(&'static str, Arg)>,
    pub path: String,
    /// Makes the event id (and the outbox's dedup key): an event that must be sent once
    /// only (a milestone falling overdue) names itself; otherwise a random id.
    pub key: Option<String>,
}

/// An argument of an event's message.
#[derive(Clone, Debug)]
pub enum Arg {
    /// As typed (a risk's title, a value).
    Text(String),
    /// A message key, said in the subscription's language (`status.accepted`).
    Key(String),
    /// A name the playbook gives in both languages (English, Chinese).
    Both(String, String),
}

impl Arg {
    fn say(&self, lang: Lang) -> String {
        match self {
            Arg::Text(s) => s.clone(),
            // A code without a message (a source the CRM named) is said as it is.
            Arg::Key(k) => {
                let said = i18n::t(lang, k);
                if said == *k { k.rsplit('.').next().unwrap_or(k).to_string() } else { said }
            }
            Arg::Both(en, zh) => {
                if lang == Lang::Zh && !zh.is_empty() {
                    zh.clone()
                } else {
                    en.clone()
                }
            }
        }
    }
}

/// A deliverable moved from one status to another.
pub fn deliverable_changed(d: &crate::entity::deliverable::Model, from: &str, to: &str) -> Emitted {
    Emitted {
        event: "deliverable.state_changed",
        data: serde_json::json!({
            "deliverable": { "id": d.id, "key": d.key, "name_en": d.name_en, "name_zh": d.name_zh, "due_date": d.due_date },
            "from": from, "to": to, "comment": d.review_comment,
        }),
        args: vec![
            ("deliverable", Arg::Both(d.name_en.clone(), d.name_zh.clone())),
            ("from", Arg::Key(format!("status.{from}"))),
            ("to", Arg::Key(format!("status.{to}"))),
        ],
        path: format!("/projects/{}/deliverables/{}", d.project_id, d.id),
        key: None,
    }
}

/// The steering committee decided a phase's gate.
pub fn gate_decided(ph: &crate::entity::phase::Model, decision: &str, rationale: &str) -> Emitted {
    Emitted {
        event: "gate.decided",
        data: serde_json::json!({
            "phase": { "id": ph.id, "seq": ph.seq, "key": ph.key, "name_en": ph.name_en, "name_zh": ph.name_zh },
            "decision": decision, "rationale": rationale,
        }),
        args: vec![
            ("seq", Arg::Text(ph.seq.to_string())),
            ("phase", Arg::Both(ph.name_en.clone(), ph.name_zh.clone())),
            ("decision", Arg::Key(format!("decision.{decision}"))),
            ("rationale", Arg::Text(rationale.to_string())),
        ],
        path: format!("/projects/{}/phases/{}/gate", ph.project_id, ph.seq),
        key: None,
    }
}

fn milestone_data(m: &crate::entity::milestone::Model) -> Value {
    serde_json::json!({
        "milestone": { "id": m.id, "key": m.key, "name_en": m.name_en, "name_zh": m.name_zh,
                       "due_date": m.due_date, "completed_on": m.completed_on, "owner": m.owner }
    })
}

/// A milestone was reached (by hand, at a gate, or by a plan import).
pub fn milestone_done(m: &crate::entity::milestone::Model) -> Emitted {
    Emitted {
        event: "milestone.done",
        data: milestone_data(m),
        args: vec![
            ("milestone", Arg::Both(m.name_en.clone(), m.name_zh.clone())),
            ("date", Arg::Text(m.completed_on.map(|d| d.to_string()).unwrap_or_default())),
            ("due", Arg::Text(m.due_date.to_string())),
        ],
        path: format!("/projects/{}/schedule", m.project_id),
        key: Some(format!("milestone.done:{}:{}", m.id, m.completed_on.map(|d| d.to_string()).unwrap_or_default())),
    }
}

/// A milestone's due date passed without it being reached; sent once per due date.
pub fn milestone_overdue(m: &crate::entity::milestone::Model) -> Emitted {
    Emitted {
        event: "milestone.overdue",
        data: milestone_data(m),
        args: vec![
            ("milestone", Arg::Both(m.name_en.clone(), m.name_zh.clone())),
            ("due", Arg::Text(m.due_date.to_string())),
        ],
        path: format!("/projects/{}/schedule", m.project_id),
        key: Some(format!("milestone.overdue:{}:{}", m.id, m.due_date)),
    }
}

/// A measurement of a target was recorded (by hand, by an import, or pushed by the CRM).
pub fn measurement_recorded(t: &crate::entity::target::Model, m: &crate::entity::measurement::Model) -> Emitted {
    let value = crate::domain::targets::figure(m.value, 4);
    let shown = if t.unit.is_empty() { value.clone() } else { format!("{value} {}", t.unit) };
    Emitted {
        event: "measurement.recorded",
        data: serde_json::json!({
            "target": { "id": t.id, "key": t.key, "name": t.name, "unit": t.unit },
            "measurement": { "id": m.id, "date": m.measured_on, "value": m.value, "source": m.source, "note": m.note },
        }),
        args: vec![
            ("target", Arg::Text(t.name.clone())),
            ("value", Arg::Text(shown)),
            ("date", Arg::Text(m.measured_on.to_string())),
            ("source", Arg::Key(format!("measurement_source.{}", m.source))),
        ],
        path: format!("/projects/{}/targets/{}", t.project_id, t.id),
        key: None,
    }
}

fn rating(p: Option<i32>, i: Option<i32>) -> String {
    let n = |x: Option<i32>| x.map_or("—".to_string(), |x| x.to_string());
    format!("{} × {}", n(p), n(i))
}

/// A risk was raised, or its probability or impact changed (`before`).
pub fn risk_event(r: &crate::entity::risk::Model, before: Option<&crate::entity::risk::Model>) -> Emitted {
    // A pre-loaded failure factor keeps its English title until edited: say it in Chinese too.
    let zh = crate::domain::risk::FACTORS
        .iter()
        .find(|f| r.factor_key.as_deref() == Some(f.key) && r.title == f.en)
        .map_or_else(|| r.title.clone(), |f| f.zh.to_string());
    let mut args =
        vec![("risk", Arg::Both(r.title.clone(), zh)), ("rating", Arg::Text(rating(r.probability, r.impact)))];
    let data = serde_json::json!({
        "risk": { "id": r.id, "title": r.title, "category": r.category, "status": r.status,
                  "probability": r.probability, "impact": r.impact, "owner": r.owner },
        "before": before.map(|b| serde_json::json!({ "probability": b.probability, "impact": b.impact })),
    });
    if let Some(b) = before {
        args.push(("before", Arg::Text(rating(b.probability, b.impact))));
        args.push(("after", Arg::Text(rating(r.probability, r.impact))));
    }
    Emitted {
        event: if before.is_some() { "risk.rerated" } else { "risk.raised" },
        data,
        args,
        path: format!("/projects/{}/risks/{}", r.project_id, r.id),
        key: None,
    }
}

/// A defect was raised from a failed test run (`before` none) or moved along its workflow.
pub fn defect_event(d: &crate::entity::defect::Model, before: Option<&str>) -> Emitted {
    let mut args = vec![
        ("defect", Arg::Text(d.title.clone())),
        ("severity", Arg::Key(format!("testing.sev.{}", d.severity))),
        ("to", Arg::Key(format!("testing.dstatus.{}", d.status))),
    ];
    if let Some(b) = before {
        args.push(("from", Arg::Key(format!("testing.dstatus.{b}"))));
    }
    Emitted {
        event: if before.is_some() { "defect.status_changed" } else { "defect.raised" },
        data: serde_json::json!({
            "defect": { "id": d.id, "title": d.title, "severity": d.severity, "priority": d.priority,
                        "owner": d.owner, "cycle_id": d.cycle_id, "case_id": d.case_id },
            "from": before, "to": d.status,
        }),
        args,
        path: format!("/projects/{}/testing/defects/{}", d.project_id, d.id),
        key: None,
    }
}

/// An issue was escalated (raised escalated, or escalated since).
pub fn issue_escalated(i: &crate::entity::issue::Model) -> Emitted {
    Emitted {
        event: "issue.escalated",
        data: serde_json::json!({
            "issue": { "id": i.id, "title": i.title, "severity": i.severity, "owner": i.owner,
                       "due_on": i.due_on, "status": i.status },
        }),
        args: vec![("issue", Arg::Text(i.title.clone())), ("owner", Arg::Text(i.owner.clone()))],
        path: format!("/projects/{}/issues/{}", i.project_id, i.id),
        key: None,
    }
}

/// A change request was approved, rejected or deferred.
pub fn change_decided(c: &crate::entity::change_request::Model) -> Emitted {
    Emitted {
        event: "change.decided",
        data: serde_json::json!({
            "change_request": { "id": c.id, "title": c.title, "schedule_days": c.schedule_days,
                                "cost_minor": c.cost_minor, "decided_on": c.decided_on },
            "decision": c.status, "rationale": c.rationale,
        }),
        args: vec![
            ("change", Arg::Text(c.title.clone())),
            ("decision", Arg::Key(format!("raid.cr.{}", c.status))),
            ("rationale", Arg::Text(c.rationale.clone())),
        ],
        path: format!("/projects/{}/changes/{}", c.project_id, c.id),
        key: None,
    }
}

/// A cutover task was finished during the live cutover.
pub fn cutover_task_done(t: &crate::entity::cutover_task::Model) -> Emitted {
    Emitted {
        event: "cutover.task_done",
        data: serde_json::json!({
            "task": { "id": t.id, "seq": t.seq, "name": t.name, "owner": t.owner,
                      "checkpoint": t.checkpoint, "live_started_at": t.live_started_at,
                      "live_finished_at": t.live_finished_at },
        }),
        args: vec![
            ("seq", Arg::Text(t.seq.to_string())),
            ("task", Arg::Text(t.name.clone())),
            ("owner", Arg::Text(t.owner.clone())),
        ],
        path: format!("/projects/{}/cutover", t.project_id),
        key: None,
    }
}

/// A hypercare issue missed its response or resolution deadline (`which`: `response` or
/// `resolution`); sent once per issue, deadline and due instant.
pub fn hypercare_breached(i: &crate::service::hypercare::IssueRow, which: &'static str) -> Emitted {
    let (due, due_local) = match which {
        "response" => (i.sla.response_due, i.response_due_local),
        _ => (i.sla.resolution_due, i.resolution_due_local),
    };
    let m = &i.issue;
    Emitted {
        event: "hypercare.sla_breached",
        data: serde_json::json!({
            "issue": { "id": m.id, "title": m.title, "severity": m.severity, "channel": m.channel,
                       "module_key": m.module_key, "assignee": m.assignee, "status": m.status,
                       "opened_at": m.opened_at },
            "deadline": which, "due": due,
        }),
        args: vec![
            ("issue", Arg::Text(m.title.clone())),
            ("severity", Arg::Text(m.severity.to_string())),
            ("assignee", Arg::Text(if m.assignee.is_empty() { "–".into() } else { m.assignee.clone() })),
            ("deadline", Arg::Key(format!("hooks.deadline.{which}"))),
            ("due", Arg::Text(due_local.format("%Y-%m-%d %H:%M").to_string())),
        ],
        path: format!("/projects/{}/hypercare/{}", m.project_id, m.id),
        key: Some(format!("hypercare.sla_breached:{}:{which}:{}", m.id, due.timestamp())),
    }
}

/// The message of an event in a language.
pub fn message(lang: Lang, e: &Emitted, project_name: &str) -> (String, String) {
    let said: Vec<(&str, String)> = e.args.iter().map(|(k, v)| (*k, v.say(lang))).collect();
    let mut args: Vec<(&str, &str)> = said.iter().map(|(k, v)| (*k, v.as_str())).collect();
    args.push(("project", project_name));
    let title = i18n::tf(lang, &format!("hooks.msg.{}.title", e.event), &args);
    let text = i18n::tf(lang, &format!("hooks.msg.{}.text", e.event), &args);
    (title, text)
}

/// The outbox payload of one delivery: the subscription and the event (its link is made
/// absolute at delivery, from the server's base URL).
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Payload {
    pub webhook_id: i32,
    pub path: String,
    pub event: Event,
}

/// The deliveries an event makes: one payload per active subscription of the project to
/// it, with the outbox key. Pure apart from reading the subscriptions.
pub async fn payloads<C: ConnectionTrait>(c: &C, project_id: i32, e: &Emitted) -> Result<Vec<(String, Payload)>> {
    let hooks = webhook::Entity::find()
        .filter(webhook::Column::ProjectId.eq(project_id))
        .filter(webhook::Column::Active.eq(true))
        .all(c)
        .await?;
    let hooks: Vec<webhook::Model> = hooks.into_iter().filter(|h| h.events.split(',').any(|x| x == e.event)).collect();
    if hooks.is_empty() {
        return Ok(vec![]);
    }
    let p = project::Entity::find_by_id(project_id).one(c).await?.ok_or(Error::NotFound)?;
    let base = e.key.clone().unwrap_or_else(|| super::sessions::random_token()[..24].to_string());
    let occurred_at = now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    Ok(hooks
        .into_iter()
        .map(|h| {
            let lang = Lang::parse(&h.lang).unwrap_or(Lang::En);
            let (title, text) = message(lang, e, &p.name);
            let id = format!("{}:{base}", h.id);
            let event = Event {
                id: id.clone(),
                event: e.event.to_string(),
                occurred_at: occurred_at.clone(),
                project: ProjectRef { id: p.id, name: p.name.clone() },
                data: e.data.clone(),
                title,
                text,
                url: None,
            };
            (format!("{CHANNEL}:{}:{}", e.event, id), Payload { webhook_id: h.id, path: e.path.clone(), event })
        })
        .collect())
}

/// Emit an event inside the causing write's transaction `c`: one outbox row per active
/// subscription of the project to it (a rolled-back change sends nothing; an event with
/// a `key` is sent once however often it is emitted).
pub async fn emit<C: ConnectionTrait>(c: &C, project_id: i32, e: Emitted) -> Result<()> {
    for (key, p) in payloads(c, project_id, &e).await? {
        super::outbox::enqueue(c, CHANNEL, &key, &p).await?;
    }
    Ok(())
}

/// Emit `milestone.overdue` for every open milestone past its due date (the project's
/// today) in projects with a subscription to it. Each (milestone, due date) is sent once,
/// however often this runs: the outbox keeps one row per key. Returns the events emitted.
pub async fn sweep_overdue(db: &Db) -> Result<usize> {
    use crate::entity::milestone;
    let hooks = webhook::Entity::find().filter(webhook::Column::Active.eq(true)).all(&db.conn).await?;
    let mut projects: Vec<i32> =
        hooks.iter().filter(|h| h.events.split(',').any(|e| e == "milestone.overdue")).map(|h| h.project_id).collect();
    projects.sort_unstable();
    projects.dedup();
    let mut n = 0;
    for pid in projects {
        let Some(p) = project::Entity::find_by_id(pid).one(&db.conn).await? else { continue };
        let today = super::clock::today(&p);
        let late = milestone::Entity::find()
            .filter(milestone::Column::ProjectId.eq(pid))
            .filter(milestone::Column::Status.ne("done"))
            .filter(milestone::Column::DueDate.lt(today))
            .all(&db.conn)
            .await?;
        if late.is_empty() {
            continue;
        }
        n += late.len();
        write::transaction(db, async |tx| {
            for m in &late {
                emit(tx, pid, milestone_overdue(m)).await?;
            }
            Ok(())
        })
        .await?;
    }
    Ok(n + sweep_breaches(db, &hooks).await?)
}

/// Emit `hypercare.sla_breached` for every deadline an open hypercare issue has missed,
/// in projects subscribed to it; once per (issue, deadline, due instant), as the log
/// computes the service levels now.
async fn sweep_breaches(db: &Db, hooks: &[webhook::Model]) -> Result<usize> {
    let mut projects: Vec<i32> = hooks
        .iter()
        .filter(|h| h.events.split(',').any(|e| e == "hypercare.sla_breached"))
        .map(|h| h.project_id)
        .collect();
    projects.sort_unstable();
    projects.dedup();
    let mut n = 0;
    for pid in projects {
        let Some(p) = project::Entity::find_by_id(pid).one(&db.conn).await? else { continue };
        let log = super::hypercare::log(&db.conn, &p, Lang::En).await?;
        let missed: Vec<Emitted> = log
            .issues
            .iter()
            .filter(|i| matches!(i.issue.status.as_str(), "open" | "in_progress"))
            .flat_map(|i| {
                let r = i.sla.response_breached.then(|| hypercare_breached(i, "response"));
                let s = i.sla.resolution_breached.then(|| hypercare_breached(i, "resolution"));
                r.into_iter().chain(s)
            })
            .collect();
        if missed.is_empty() {
            continue;
        }
        n += missed.len();
        write::transaction(db, async |tx| {
            for e in &missed {
                emit(tx, pid, e.clone()).await?;
            }
            Ok(())
        })
        .await?;
    }
    Ok(n)
}

/// Sweep for overdue milestones every `every` (started by `serve`).
pub async fn run_overdue_sweeps(db: Db, every: std::time::Duration) {
    loop {
        if let Err(e) = sweep_overdue(&db).await {
            tracing::warn!(error = %e, "webhook overdue sweep failed");
        }
        tokio::time::sleep(every).await;
    }
}

/// The outbox dispatcher of the `webhook` channel.
pub struct Dispatcher {
    pub db: Db,
    /// `NINEFOLD_BASE_URL`, for links in messages (none when empty).
    pub base_url: String,
    /// `NINEFOLD_WEBHOOK_ALLOW_PRIVATE`: deliver to loopback, private and link-local
    /// addresses too (off: such a delivery fails and is logged).
    pub allow_private: bool,
}

impl super::outbox::Dispatch for Dispatcher {
    fn channel(&self) -> &'static str {
        CHANNEL
    }
    fn send<'a>(&'a self, payload: &'a str) -> futures_util::future::BoxFuture<'a, std::result::Result<(), String>> {
        Box::pin(deliver(&self.db, &self.base_url, payload, self.allow_private))
    }
}

// ---- delivery ----

/// How one delivery went.
#[derive(Clone, Debug, PartialEq)]
pub struct Outcome {
    pub status: Option<u16>,
    pub error: String,
}

impl Outcome {
    pub fn ok(&self) -> bool {
        self.error.is_empty()
    }
}

/// Resolves receiver host names to public addresses only: a name that points at a
/// loopback, private or link-local address (DNS rebinding included: the address checked is
/// the one connected to) resolves to nothing.
struct PublicOnly;

impl reqwest::dns::Resolve for PublicOnly {
    fn resolve(&self, name: reqwest::dns::Name) -> reqwest::dns::Resolving {
        let host = name.as_str().to_string();
        Box::pin(async move {
            let addrs: Vec<std::net::SocketAddr> =
                tokio::net::lookup_host((host.as_str(), 0)).await?.filter(|a| !wh::is_private_ip(a.ip())).collect();
            if addrs.is_empty() {
                return Err(PRIVATE_REFUSED.into());
            }
            let it: reqwest::dns::Addrs = Box::new(addrs.into_iter());
            Ok(it)
        })
    }
}

/// The delivery log's words for a destination refused as private.
const PRIVATE_REFUSED: &str =
    "refused: the receiver is a loopback, private or link-local address (NINEFOLD_WEBHOOK_ALLOW_PRIVATE)";

/// The HTTP client of deliveries: `allow_private` one resolving names as the system does,
/// the other only to public addresses.
fn client(allow_private: bool) -> &'static reqwest::Client {
    static OPEN: std::sync::OnceLock<reqwest::Client> = std::sync::OnceLock::new();
    static GUARDED: std::sync::OnceLock<reqwest::Client> = std::sync::OnceLock::new();
    let (cell, guarded) = if allow_private { (&OPEN, false) } else { (&GUARDED, true) };
    cell.get_or_init(|| {
        let b = reqwest::Client::builder();
        let b = if guarded { b.dns_resolver(std::sync::Arc::new(PublicOnly)) } else { b };
        b.timeout(std::time::Duration::from_secs(10))
            .connect_timeout(std::time::Duration::from_secs(5))
            // A receiver answers where it is; following redirects would send the signed
            // body somewhere the director did not choose.
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(concat!("Ninefold-Webhooks/", env!("CARGO_PKG_VERSION")))
            .build()
            .unwrap_or_default()
    })
}

async fn post(preset: &str, r: &wh::Request, allow_private: bool) -> Outcome {
    // An address written in the URL is never resolved, so it is checked here.
    if !allow_private && wh::names_private_host(&r.url) {
        return Outcome { status: None, error: PRIVATE_REFUSED.to_string() };
    }
    let mut req = client(allow_private).post(&r.url).body(r.body.clone());
    for (k, v) in &r.headers {
        req = req.header(*k, v);
    }
    match req.send().await {
        Ok(resp) => {
            let status = resp.status();
            let body = resp.text().await.unwrap_or_default();
            let error = if !status.is_success() {
                format!("HTTP {}", status.as_u16())
            } else {
                wh::refused_in_body(preset, &body).unwrap_or_default()
            };
            Outcome { status: Some(status.as_u16()), error }
        }
        Err(e) => {
            // A name that resolved to private addresses only: say so in the log.
            let mut cause: Option<&dyn std::error::Error> = Some(&e);
            while let Some(c) = cause {
                if c.to_string() == PRIVATE_REFUSED {
                    return Outcome { status: None, error: PRIVATE_REFUSED.to_string() };
                }
                cause = c.source();
            }
            let kind = if e.is_timeout() {
                "timeout"
            } else if e.is_connect() {
                "connect"
            } else {
                "request"
            };
            Outcome { status: None, error: format!("{kind}: {}", e.without_url()).chars().take(300).collect() }
        }
    }
}

/// Deliver one outbox payload: `Ok` when delivered (or nothing is to be sent any more: the
/// subscription is gone or off), `Err` to have the outbox try again later.
pub async fn deliver(db: &Db, base_url: &str, payload: &str, allow_private: bool) -> std::result::Result<(), String> {
    let p: Payload = serde_json::from_str(payload).map_err(|e| format!("bad payload: {e}"))?;
    let hook = webhook::Entity::find_by_id(p.webhook_id).one(&db.conn).await.map_err(|e| e.to_string())?;
    let Some(hook) = hook.filter(|h| h.active) else { return Ok(()) };
    let mut event = p.event;
    if !base_url.is_empty() && !p.path.is_empty() {
        event.url = Some(format!("{}{}", base_url.trim_end_matches('/'), p.path));
    }
    let req = wh::request(&hook.preset, &hook.url, &hook.secret, &event, now().timestamp_millis());
    let started = std::time::Instant::now();
    let outcome = post(&hook.preset, &req, allow_private).await;
    let ms = i32::try_from(started.elapsed().as_millis()).unwrap_or(i32::MAX);
    record(db, &hook, &event, &outcome, ms).await.map_err(|e| e.to_string())?;
    if outcome.ok() { Ok(()) } else { Err(outcome.error) }
}

/// Log a delivery and keep the failure count; the failure that reaches the limit disables
/// the subscription (audited, by no user).
async fn record(db: &Db, hook: &webhook::Model, event: &Event, o: &Outcome, ms: i32) -> Result<()> {
    write::transaction(db, async |tx| {
        webhook_delivery::Entity::insert(webhook_delivery::ActiveModel {
            project_id: Set(hook.project_id),
            webhook_id: Set(hook.id),
            event: Set(event.event.clone()),
            event_id: Set(event.id.chars().take(64).collect()),
            status_code: Set(o.status.map(i32::from)),
            ok: Set(o.ok()),
            error: Set(o.error.chars().take(500).collect()),
            duration_ms: Set(ms),
            created_at: Set(now()),
            ..Default::default()
        })
        .exec_without_returning(tx)
        .await?;
        // The counter moves without the version, so a director's open form is not made stale
        // by deliveries; reaching the limit is a change of state and bumps it.
        let current = webhook::Entity::find_by_id(hook.id).one(tx).await?.ok_or(Error::NotFound)?;
        if o.ok() {
            if current.consecutive_failures != 0 {
                webhook::Entity::update_many()
                    .set(webhook::ActiveModel { consecutive_failures: Set(0), ..Default::default() })
                    .filter(webhook::Column::Id.eq(hook.id))
                    .exec(tx)
                    .await?;
            }
            return Ok(());
        }
        let failures = current.consecutive_failures.saturating_add(1);
        let disable = current.active && failures >= MAX_CONSECUTIVE_FAILURES;
        let mut am = webhook::ActiveModel { consecutive_failures: Set(failures), ..Default::default() };
        if disable {
            am.active = Set(false);
            am.disabled_at = Set(Some(now()));
            am.version = Set(current.version.saturating_add(1));
            am.updated_at = Set(now());
        }
        webhook::Entity::update_many().set(am).filter(webhook::Column::Id.eq(hook.id)).exec(tx).await?;
        if disable {
            let after = webhook::Entity::find_by_id(hook.id).one(tx).await?;
            audit::record_as(
                tx,
                None,
                Some(hook.project_id),
                "webhook",
                hook.id,
                "auto_disable",
                Some(&current),
                after.as_ref(),
            )
            .await?;
        }
        Ok(())
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn form_validation_names_fields() {
        let raw = RawHook {
            name: "".into(),
            url: "ftp://x".into(),
            events: vec!["nope".into()],
            preset: "icq".into(),
            secret: String::new(),
            lang: "zh".into(),
        };
        let e = validate(&raw, false).unwrap_err();
        let fields: Vec<&str> = e.0.iter().map(|f| f.field.as_str()).collect();
        assert_eq!(fields, ["name", "url", "events", "preset"]);
        let ok = validate(
            &RawHook {
                name: "Team chat".into(),
                url: " https://hooks.slack.com/services/T/B/x ".into(),
                events: vec!["risk.raised".into(), "gate.decided".into(), "gate.decided".into()],
                preset: "slack".into(),
                ..Default::default()
            },
            false,
        )
        .unwrap();
        assert_eq!(ok.events, ["gate.decided", "risk.raised"]);
        assert_eq!(ok.url, "https://hooks.slack.com/services/T/B/x");
        assert_eq!(ok.lang, "en");
        assert_eq!(shown_url(&ok.url), "https://hooks.slack.com/…");
    }
}
