//! Notifications: written in the transaction of the change that causes them (one row per
//! user and event, in the inbox whatever the user's preference), and e-mailed in the
//! recipient's language either at once (through the outbox, same transaction) or later in
//! their daily or weekly digest, or not at all, by the user's preference per kind.
//! Reminders of what is due within three days or overdue are found by [`scan_due`], and
//! digests made by [`digests`]; both run in the background loop [`run`] (clock injected in
//! tests). Every event and every digest has a unique key, so running them twice (or on two
//! instances) tells nobody twice.
use super::{Actor, Result, mail};
use crate::db::Db;
use crate::domain::notify::{self as dn, DUE_SOON_DAYS, Kind, Mode};
use crate::domain::policy::{Action, Role, allows};
use crate::entity::{
    activity, change_request, deliverable, milestone, notification, notify_pref, notify_setting, person, project,
    project_member, review_action, user,
};
use crate::i18n::{self, Lang};
use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::sea_query::{Expr, OnConflict};
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};

/// Placeholders of a notification's message (`{title}`, `{project}`, `{actor}`, `{date}`…).
pub type Params = BTreeMap<String, String>;

/// The base of links in e-mails: `NINEFOLD_BASE_URL`.
pub fn base_url() -> String {
    crate::web::security::base_url(std::env::var("NINEFOLD_BASE_URL").ok().as_deref())
}

/// A user's mode for a kind (their choice, or the kind's default).
pub async fn mode_of<C: ConnectionTrait>(c: &C, user_id: i32, kind: Kind) -> Result<Mode> {
    let p = notify_pref::Entity::find()
        .filter(notify_pref::Column::UserId.eq(user_id))
        .filter(notify_pref::Column::Kind.eq(kind.as_str()))
        .one(c)
        .await?;
    Ok(p.and_then(|p| Mode::parse(&p.mode)).unwrap_or(kind.default_mode()))
}

/// The message of a notification in `lang`.
pub fn message(lang: Lang, kind: &str, params: &Params) -> String {
    let args: Vec<(&str, &str)> = params.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    i18n::tf(lang, &format!("collab.notify.{kind}"), &args)
}

fn lang_of(u: &user::Model) -> Lang {
    u.locale.as_deref().and_then(Lang::parse).unwrap_or(Lang::En)
}

/// One event to tell.
pub struct Event<'a> {
    pub kind: Kind,
    pub project_id: Option<i32>,
    /// Unique per event (the user id is added): e.g. `submit:deliverable:7:v3`.
    pub key: String,
    pub params: Params,
    /// Path in the app.
    pub link: String,
    pub overdue: bool,
    pub now: DateTime<Utc>,
    /// Who caused it: never told about their own doing.
    pub actor: Option<i32>,
    pub _p: std::marker::PhantomData<&'a ()>,
}

impl<'a> Event<'a> {
    pub fn new(kind: Kind, project_id: Option<i32>, key: String, link: String, now: DateTime<Utc>) -> Event<'a> {
        Event {
            kind,
            project_id,
            key,
            params: Params::new(),
            link,
            overdue: kind == Kind::Overdue,
            now,
            actor: None,
            _p: std::marker::PhantomData,
        }
    }
    pub fn param(mut self, k: &str, v: impl Into<String>) -> Self {
        self.params.insert(k.into(), v.into());
        self
    }
    pub fn by(mut self, actor: Actor) -> Self {
        self.actor = Some(actor.user_id);
        self
    }
}

/// Tell `users` about `ev`, inside the caller's transaction: a notification each (once per
/// key), and an e-mail now for those who want it immediately. Returns how many were told.
pub async fn tell<C: ConnectionTrait>(c: &C, users: &[i32], ev: &Event<'_>) -> Result<usize> {
    let mut told = 0;
    let mut seen = std::collections::HashSet::new();
    for &uid in users {
        if Some(uid) == ev.actor || !seen.insert(uid) {
            continue;
        }
        let Some(u) = user::Entity::find_by_id(uid).one(c).await? else { continue };
        let mode = mode_of(c, uid, ev.kind).await?;
        let key = format!("{}:u{uid}", ev.key);
        let params = serde_json::to_string(&ev.params).unwrap_or_else(|_| "{}".into());
        let am = notification::ActiveModel {
            user_id: Set(uid),
            project_id: Set(ev.project_id),
            kind: Set(ev.kind.as_str().into()),
            dedup_key: Set(key.clone()),
            params: Set(params),
            link: Set(ev.link.clone()),
            overdue: Set(ev.overdue),
            created_at: Set(ev.now),
            read_at: Set(None),
            delivery: Set(mode.as_str().into()),
            delivered_at: Set((mode == Mode::Immediately).then_some(ev.now)),
            ..Default::default()
        };
        let inserted = notification::Entity::insert(am)
            .on_conflict(OnConflict::column(notification::Column::DedupKey).do_nothing().to_owned())
            .exec_without_returning(c)
            .await?;
        if inserted == 0 {
            continue;
        }
        told += 1;
        if mode == Mode::Immediately {
            let lang = lang_of(&u);
            let text = message(lang, ev.kind.as_str(), &localised(lang, ev.params.clone()));
            let mut letter = mail::Letter::new(lang, &u.name, text.clone());
            letter.paragraphs.push(text);
            letter.action = Some((i18n::t(lang, "collab.mail.open"), mail::link(&base_url(), &ev.link)));
            mail::enqueue_at(c, &format!("notify:{key}"), &letter.to_mail(&u.email, &u.name), ev.now).await?;
        }
    }
    Ok(told)
}

/// The project's members whose role may take `action` (e.g. the reviewers of deliverables).
pub async fn members_who<C: ConnectionTrait>(c: &C, project_id: i32, action: Action) -> Result<Vec<i32>> {
    Ok(project_member::Entity::find()
        .filter(project_member::Column::ProjectId.eq(project_id))
        .all(c)
        .await?
        .into_iter()
        .filter(|m| Role::parse(&m.role).is_some_and(|r| allows(r, action)))
        .map(|m| m.user_id)
        .collect())
}

/// The project's members with `role`.
pub async fn members_with<C: ConnectionTrait>(c: &C, project_id: i32, role: Role) -> Result<Vec<i32>> {
    Ok(project_member::Entity::find()
        .filter(project_member::Column::ProjectId.eq(project_id))
        .filter(project_member::Column::Role.eq(role.as_str()))
        .all(c)
        .await?
        .into_iter()
        .map(|m| m.user_id)
        .collect())
}

/// The account of a person of the organisation, if linked.
pub async fn user_of_person<C: ConnectionTrait>(c: &C, person_id: Option<i32>) -> Result<Option<i32>> {
    let Some(pid) = person_id else { return Ok(None) };
    Ok(person::Entity::find_by_id(pid).one(c).await?.and_then(|p| p.user_id))
}

/// Who last submitted deliverable `id` (from the audit log).
async fn submitter<C: ConnectionTrait>(c: &C, id: i32) -> Result<Option<i32>> {
    use crate::entity::audit;
    Ok(audit::Entity::find()
        .filter(audit::Column::Entity.eq("deliverable"))
        .filter(audit::Column::EntityId.eq(id))
        .filter(audit::Column::Action.eq("submit"))
        .order_by_desc(audit::Column::Id)
        .one(c)
        .await?
        .and_then(|a| a.user_id))
}

/// A deliverable moved through its workflow (`action`: submit, accept, return): its
/// reviewers are told it waits for them, or its submitter and owner how it went.
pub async fn deliverable_moved<C: ConnectionTrait>(
    c: &C,
    actor: Actor,
    d: &deliverable::Model,
    action: &str,
) -> Result<()> {
    let p = project::Entity::find_by_id(d.project_id).one(c).await?;
    let pname = p.map(|p| p.name).unwrap_or_default();
    let link = format!("/projects/{}/deliverables/{}", d.project_id, d.id);
    let now = super::now();
    let base = |kind: Kind| {
        Event::new(kind, Some(d.project_id), format!("{action}:deliverable:{}:v{}", d.id, d.version), link.clone(), now)
            .param("title", d.name_en.clone())
            .param("title_zh", d.name_zh.clone())
            .param("project", pname.clone())
            .by(actor)
    };
    match action {
        "submit" => {
            let reviewers = members_who(c, d.project_id, Action::ReviewDeliverable).await?;
            tell(c, &reviewers, &base(Kind::Submitted)).await?;
        }
        "accept" | "return" => {
            let kind = if action == "accept" { Kind::Accepted } else { Kind::Returned };
            let mut to: Vec<i32> = submitter(c, d.id).await?.into_iter().collect();
            to.extend(user_of_person(c, d.owner_person_id).await?);
            let ev = base(kind).param("comment", d.review_comment.clone().unwrap_or_default());
            tell(c, &to, &ev).await?;
            if action == "accept" {
                gate_ready(c, actor, d.project_id).await?;
            }
        }
        _ => {}
    }
    Ok(())
}

/// When the current phase's gate has nothing left blocking it (its last deliverable was just
/// accepted, and no test cycle misses its exit criteria unwaived), those who decide gates are
/// told it waits for their decision: once per phase and per round of decisions (a reopened
/// phase that becomes ready again is told again).
pub async fn gate_ready<C: ConnectionTrait>(c: &C, actor: Actor, project_id: i32) -> Result<()> {
    let p = super::projects::get(c, project_id).await?;
    let Some(g) = super::gates::report(c, &p).await? else { return Ok(()) };
    if g.blocked || g.tests_blocked || g.needs_case {
        return Ok(());
    }
    let seq = g.phase.seq;
    let what = format!("gate{seq}d{}", g.decisions.len());
    let en = i18n::tf(Lang::En, "collab.case.gate_title", &[("phase", &seq.to_string())]);
    let zh = i18n::tf(Lang::Zh, "collab.case.gate_title", &[("phase", &seq.to_string())]);
    let link = format!("/projects/{project_id}/phases/{seq}/gate");
    approval_waiting(c, actor, project_id, Action::DecideGate, &what, g.phase.id, (&en, &zh), link).await
}

/// A gate was decided: every member of the project is told.
pub async fn gate_decided<C: ConnectionTrait>(
    c: &C,
    actor: Actor,
    project_id: i32,
    seq: i32,
    decision: &str,
) -> Result<()> {
    let p = project::Entity::find_by_id(project_id).one(c).await?;
    let pname = p.map(|p| p.name).unwrap_or_default();
    let all: Vec<i32> = project_member::Entity::find()
        .filter(project_member::Column::ProjectId.eq(project_id))
        .all(c)
        .await?
        .into_iter()
        .map(|m| m.user_id)
        .collect();
    let now = super::now();
    let ev = Event::new(
        Kind::GateDecided,
        Some(project_id),
        format!("gate:{project_id}:{seq}:{}", now.timestamp_millis()),
        format!("/projects/{project_id}/phases/{seq}/gate"),
        now,
    )
    .param("project", pname)
    .param("phase", seq.to_string())
    .param("decision", decision.to_string())
    .by(actor);
    tell(c, &all, &ev).await?;
    Ok(())
}

/// Something now waits for the approval of those who may take `action` (a change request
/// for the steering committee): each of them is told once, in the causing transaction.
#[allow(clippy::too_many_arguments)]
pub async fn approval_waiting<C: ConnectionTrait>(
    c: &C,
    actor: Actor,
    project_id: i32,
    action: Action,
    what: &str,
    id: i32,
    (title_en, title_zh): (&str, &str),
    link: String,
) -> Result<()> {
    let p = project::Entity::find_by_id(project_id).one(c).await?;
    let pname = p.map(|p| p.name).unwrap_or_default();
    let to = members_who(c, project_id, action).await?;
    let now = super::now();
    let ev = Event::new(Kind::Approval, Some(project_id), format!("approval:{what}:{id}"), link, now)
        .param("title", title_en.to_string())
        .param("title_zh", title_zh.to_string())
        .param("project", pname)
        .by(actor);
    tell(c, &to, &ev).await?;
    Ok(())
}

/// Something was given to a person: their account (if linked) is told.
pub async fn assigned<C: ConnectionTrait>(
    c: &C,
    actor: Actor,
    project_id: i32,
    what: &str,
    id: i32,
    title: (&str, &str),
    person_id: Option<i32>,
) -> Result<()> {
    let Some(uid) = user_of_person(c, person_id).await? else { return Ok(()) };
    assigned_user(c, actor, project_id, what, id, title, uid, &format!("p{}", person_id.unwrap_or(0))).await
}

/// Something was given to a member's account (`who` tells assignments apart in the
/// notification's key, so the same item given again to the same person is told once).
#[allow(clippy::too_many_arguments)]
pub async fn assigned_user<C: ConnectionTrait>(
    c: &C,
    actor: Actor,
    project_id: i32,
    what: &str,
    id: i32,
    (title, title_zh): (&str, &str),
    uid: i32,
    who: &str,
) -> Result<()> {
    let p = project::Entity::find_by_id(project_id).one(c).await?;
    let link = match what {
        "deliverable" => format!("/projects/{project_id}/deliverables/{id}"),
        "defect" => format!("/projects/{project_id}/testing/defects/{id}"),
        "issue" => format!("/projects/{project_id}/issues/{id}"),
        "action" => format!("/projects/{project_id}/reviews"),
        _ => format!("/projects/{project_id}/schedule"),
    };
    let now = super::now();
    let ev = Event::new(Kind::Assignment, Some(project_id), format!("assign:{what}:{id}:{who}"), link, now)
        .param("title", title)
        .param("title_zh", title_zh)
        .param("project", p.map(|p| p.name).unwrap_or_default())
        .by(actor);
    tell(c, &[uid], &ev).await?;
    Ok(())
}

/// What is due: (kind, id, (title in English, in Chinese), due date, owner person, link).
type DueItem = (&'static str, i32, (String, String), NaiveDate, Option<i32>, String);

/// Reminders at the projects' today (`today_of` gives a project's date): each deliverable,
/// activity, milestone and open review action due within three days or overdue is told,
/// once per due date, to its owner's account, or to the project's directors when it has
/// none linked. Returns how many notifications were made.
pub async fn scan_due(db: &Db, now: DateTime<Utc>, today_of: impl Fn(&project::Model) -> NaiveDate) -> Result<usize> {
    let projects = super::projects::all_light_projects(&db.conn).await?;
    let mut told = 0;
    for p in projects {
        if p.status == "completed" {
            continue;
        }
        let today = today_of(&p);
        let soon = today + chrono::Duration::days(DUE_SOON_DAYS);
        let mut items: Vec<DueItem> = vec![];
        for d in deliverable::Entity::find()
            .filter(deliverable::Column::ProjectId.eq(p.id))
            .filter(deliverable::Column::Status.ne("accepted"))
            .filter(deliverable::Column::DueDate.lte(soon))
            .all(&db.conn)
            .await?
        {
            let link = format!("/projects/{}/deliverables/{}", p.id, d.id);
            items.push(("deliverable", d.id, (d.name_en, d.name_zh), d.due_date, d.owner_person_id, link));
        }
        for a in activity::Entity::find()
            .filter(activity::Column::ProjectId.eq(p.id))
            .filter(activity::Column::Status.ne("done"))
            .filter(activity::Column::PlannedFinish.lte(soon))
            .all(&db.conn)
            .await?
        {
            items.push((
                "activity",
                a.id,
                (a.name_en, a.name_zh),
                a.planned_finish,
                a.owner_person_id,
                format!("/projects/{}/schedule", p.id),
            ));
        }
        for m in milestone::Entity::find()
            .filter(milestone::Column::ProjectId.eq(p.id))
            .filter(milestone::Column::Status.ne("done"))
            .filter(milestone::Column::DueDate.lte(soon))
            .all(&db.conn)
            .await?
        {
            items.push((
                "milestone",
                m.id,
                (m.name_en, m.name_zh),
                m.due_date,
                None,
                format!("/projects/{}/schedule", p.id),
            ));
        }
        for a in review_action::Entity::find()
            .filter(review_action::Column::ProjectId.eq(p.id))
            .filter(review_action::Column::Status.ne("done"))
            .filter(review_action::Column::DueDate.lte(soon))
            .all(&db.conn)
            .await?
        {
            if let Some(due) = a.due_date {
                let link = format!("/projects/{}/reviews/{}", p.id, a.review_id);
                items.push(("action", a.id, (a.text.clone(), a.text), due, None, link));
            }
        }
        if items.is_empty() {
            continue;
        }
        let directors = members_with(&db.conn, p.id, Role::Director).await?;
        let tx = db.write().await?;
        for (what, id, title, due, owner, link) in items {
            let overdue = due < today;
            let kind = if overdue { Kind::Overdue } else { Kind::DueSoon };
            let to = match user_of_person(&*tx, owner).await? {
                Some(u) => vec![u],
                None => directors.clone(),
            };
            let ev = Event::new(kind, Some(p.id), format!("{}:{what}:{id}:{due}", kind.as_str()), link, now)
                .param("title", title.0)
                .param("title_zh", title.1)
                .param("date", due.to_string())
                .param("project", p.name.clone());
            told += tell(&*tx, &to, &ev).await?;
        }
        tx.commit().await?;
    }
    Ok(told)
}

/// A user's digest schedule (their settings, or 08:00 Monday in the default zone).
async fn schedule_of<C: ConnectionTrait>(c: &C, user_id: i32) -> Result<(Option<notify_setting::Model>, dn::Schedule)> {
    let s = notify_setting::Entity::find().filter(notify_setting::Column::UserId.eq(user_id)).one(c).await?;
    let sched = match &s {
        Some(s) => dn::Schedule {
            time_zone: s.time_zone.clone(),
            hour: s.digest_hour.clamp(0, 23) as u32,
            weekly_day: s.weekly_day.clamp(1, 7) as u32,
            last_daily: s.last_daily,
            last_weekly: s.last_weekly,
        },
        None => default_schedule(),
    };
    Ok((s, sched))
}

pub fn default_schedule() -> dn::Schedule {
    dn::Schedule {
        time_zone: super::clock::default_time_zone(),
        hour: 8,
        weekly_day: 1,
        last_daily: None,
        last_weekly: None,
    }
}

struct Line {
    project: String,
    overdue: bool,
    at: DateTime<Utc>,
    text: String,
    url: String,
}

impl dn::DigestLine for Line {
    fn project(&self) -> &str {
        &self.project
    }
    fn overdue(&self) -> bool {
        self.overdue
    }
    fn at(&self) -> DateTime<Utc> {
        self.at
    }
}

/// Make the digests due at `now`: for each user with notifications waiting for a daily or
/// weekly digest whose local hour has come, one e-mail grouped by project, overdue first.
/// An empty digest is not sent. Returns how many digests were enqueued.
pub async fn digests(db: &Db, now: DateTime<Utc>) -> Result<usize> {
    let waiting: Vec<i32> = notification::Entity::find()
        .select_only()
        .column(notification::Column::UserId)
        .filter(notification::Column::DeliveredAt.is_null())
        .filter(notification::Column::Delivery.is_in(["daily", "weekly"]))
        .distinct()
        .into_tuple()
        .all(&db.conn)
        .await?;
    let mut sent = 0;
    for uid in waiting {
        let (_, sched) = schedule_of(&db.conn, uid).await?;
        let (daily, weekly) = dn::digests_due(&sched, now);
        for (mode, date) in [(Mode::Daily, daily), (Mode::Weekly, weekly)] {
            let Some(date) = date else { continue };
            if digest_one(db, uid, mode, date, now).await? {
                sent += 1;
            }
        }
    }
    Ok(sent)
}

async fn digest_one(db: &Db, uid: i32, mode: Mode, date: NaiveDate, now: DateTime<Utc>) -> Result<bool> {
    let tx = db.write().await?;
    let Some(u) = user::Entity::find_by_id(uid).one(&*tx).await? else { return Ok(false) };
    let (setting, _) = schedule_of(&*tx, uid).await?;
    // Taken by another instance meanwhile: its date is already recorded.
    let last = setting.as_ref().and_then(|s| if mode == Mode::Daily { s.last_daily } else { s.last_weekly });
    if last >= Some(date) {
        return Ok(false);
    }
    let rows = notification::Entity::find()
        .filter(notification::Column::UserId.eq(uid))
        .filter(notification::Column::DeliveredAt.is_null())
        .filter(notification::Column::Delivery.eq(mode.as_str()))
        .filter(notification::Column::CreatedAt.lte(now))
        .all(&*tx)
        .await?;
    let lang = lang_of(&u);
    let names: HashMap<i32, String> =
        super::projects::light_projects(&*tx, rows.iter().filter_map(|r| r.project_id).collect())
            .await?
            .into_iter()
            .map(|p| (p.id, p.name))
            .collect();
    let base = base_url();
    let mut lines: Vec<Line> = rows
        .iter()
        .map(|r| {
            let params: Params = serde_json::from_str(&r.params).unwrap_or_default();
            Line {
                project: r.project_id.and_then(|p| names.get(&p).cloned()).unwrap_or_default(),
                overdue: r.overdue,
                at: r.created_at,
                text: message(lang, &r.kind, &localised(lang, params)),
                url: mail::link(&base, &r.link),
            }
        })
        .collect();
    dn::digest_order(&mut lines);
    // Record the date whether or not anything was waiting: the hour has been dealt with.
    let t = super::now();
    match setting {
        Some(s) => {
            let mut q = notify_setting::Entity::update_many().filter(notify_setting::Column::Id.eq(s.id));
            q = if mode == Mode::Daily {
                q.col_expr(notify_setting::Column::LastDaily, Expr::value(Some(date)))
            } else {
                q.col_expr(notify_setting::Column::LastWeekly, Expr::value(Some(date)))
            };
            q.exec(&*tx).await?;
        }
        None => {
            let d = default_schedule();
            notify_setting::Entity::insert(notify_setting::ActiveModel {
                user_id: Set(uid),
                time_zone: Set(d.time_zone),
                digest_hour: Set(d.hour as i32),
                weekly_day: Set(d.weekly_day as i32),
                last_daily: Set((mode == Mode::Daily).then_some(date)),
                last_weekly: Set((mode == Mode::Weekly).then_some(date)),
                version: Set(1),
                created_at: Set(t),
                updated_at: Set(t),
                ..Default::default()
            })
            .exec_without_returning(&*tx)
            .await?;
        }
    }
    if lines.is_empty() {
        tx.commit().await?;
        return Ok(false);
    }
    let subject_key = if mode == Mode::Daily { "collab.digest.daily" } else { "collab.digest.weekly" };
    let mut letter = mail::Letter::new(lang, &u.name, i18n::tf(lang, subject_key, &[("date", &date.to_string())]));
    letter.paragraphs.push(i18n::tf(lang, "collab.digest.intro", &[("n", &lines.len().to_string())]));
    for l in lines {
        let title = if l.project.is_empty() { i18n::t(lang, "collab.digest.other") } else { l.project.clone() };
        if letter.groups.last().is_none_or(|g| g.title != title) {
            letter.groups.push(mail::Group { title: title.clone(), items: vec![] });
        }
        if let Some(g) = letter.groups.last_mut() {
            g.items.push(mail::Item { text: l.text, url: l.url, overdue: l.overdue });
        }
    }
    letter.action = Some((i18n::t(lang, "collab.inbox.open"), mail::link(&base, "/inbox")));
    let key = format!("digest:{}:{uid}:{date}", mode.as_str());
    mail::enqueue_at(&*tx, &key, &letter.to_mail(&u.email, &u.name), now).await?;
    notification::Entity::update_many()
        .col_expr(notification::Column::DeliveredAt, Expr::value(Some(now)))
        .filter(notification::Column::Id.is_in(rows.iter().map(|r| r.id)))
        .exec(&*tx)
        .await?;
    tx.commit().await?;
    Ok(true)
}

/// Params with the reader's language's title (`title_zh` for Chinese readers when there is one).
pub fn localised(lang: Lang, mut p: Params) -> Params {
    if let Some(d) = p.get("decision").cloned() {
        p.insert("decision".into(), i18n::t(lang, &format!("decision.{d}")));
    }
    if lang == Lang::Zh
        && let Some(zh) = p.get("title_zh").filter(|s| !s.is_empty()).cloned()
    {
        p.insert("title".into(), zh);
    }
    p
}

/// The background loop: reminders and digests every minute, until the process ends.
pub async fn run(db: Db) {
    loop {
        let now = super::now();
        if let Err(e) = scan_due(&db, now, super::clock::today).await {
            tracing::warn!(error = %e, "reminder scan failed");
        }
        if let Err(e) = digests(&db, now).await {
            tracing::warn!(error = %e, "digests failed");
        }
        tokio::time::sleep(std::time::Duration::from_secs(60)).await;
    }
}

/// A notification as the inbox lists it.
#[derive(Clone, Debug, Serialize)]
pub struct Row {
    pub id: i32,
    pub kind: String,
    pub text: String,
    pub link: String,
    pub project: String,
    pub overdue: bool,
    pub unread: bool,
    pub at: DateTime<Utc>,
}

/// Something waiting for the user to act on.
#[derive(Clone, Debug, Serialize)]
pub struct Waiting {
    pub project: String,
    pub what: String,
    pub title: String,
    pub link: String,
    pub since: Option<DateTime<Utc>>,
}

/// The inbox: what waits for the user (reviews to give, returned work to redo) and their
/// notifications, newest first, with the unread count.
#[derive(Clone, Debug, Serialize)]
pub struct Inbox {
    pub waiting: Vec<Waiting>,
    pub notifications: Vec<Row>,
    pub unread: u64,
}

/// From this many unread notifications on, the header and the inbox say "99+". Counting
/// them all is read on every page and would grow with the user's whole history (a director
/// of 1,000 projects had 47,000 unread and every page paid about a millisecond for them).
pub const UNREAD_CAP: u64 = 100;

/// Unread notifications of a user, counted up to [`UNREAD_CAP`] (the header's badge).
/// One row back: the rows counted stay in the database (a row handed over costs more than
/// counting it).
pub async fn unread<C: ConnectionTrait>(c: &C, user_id: i32) -> Result<u64> {
    let mut q = super::health_summary::Sql::new(c.get_database_backend());
    let u = q.p(user_id);
    q.text = format!(
        "SELECT COUNT(*) AS n FROM (SELECT 1 AS one FROM notifications \
         WHERE user_id = {u} AND read_at IS NULL LIMIT {UNREAD_CAP}) AS unread"
    );
    Ok(c.query_one_raw(q.statement()).await?.map_or(0, |r| super::health_summary::count(&r, "n") as u64))
}

pub async fn inbox<C: ConnectionTrait>(c: &C, user_id: i32, lang: Lang) -> Result<Inbox> {
    let rows = notification::Entity::find()
        .filter(notification::Column::UserId.eq(user_id))
        .order_by_desc(notification::Column::Id)
        .limit(200)
        .all(c)
        .await?;
    let memberships = project_member::Entity::find().filter(project_member::Column::UserId.eq(user_id)).all(c).await?;
    let pids: Vec<i32> =
        memberships.iter().map(|m| m.project_id).chain(rows.iter().filter_map(|r| r.project_id)).collect();
    let names: HashMap<i32, String> =
        super::projects::light_projects(c, pids).await?.into_iter().map(|p| (p.id, p.name)).collect();
    let notifications = rows
        .into_iter()
        .map(|r| {
            let params: Params = serde_json::from_str(&r.params).unwrap_or_default();
            Row {
                id: r.id,
                text: message(lang, &r.kind, &localised(lang, params)),
                kind: r.kind,
                link: r.link,
                project: r.project_id.and_then(|p| names.get(&p).cloned()).unwrap_or_default(),
                overdue: r.overdue,
                unread: r.read_at.is_none(),
                at: r.created_at,
            }
        })
        .collect();
    let mut waiting = vec![];
    let person_ids: Vec<i32> = person::Entity::find()
        .filter(person::Column::UserId.eq(user_id))
        .all(c)
        .await?
        .into_iter()
        .map(|p| p.id)
        .collect();
    for m in &memberships {
        let role = Role::parse(&m.role);
        let pname = names.get(&m.project_id).cloned().unwrap_or_default();
        let reviewer = role.is_some_and(|r| allows(r, Action::ReviewDeliverable));
        let dels = deliverable::Entity::find()
            .filter(deliverable::Column::ProjectId.eq(m.project_id))
            .filter(deliverable::Column::Status.is_in(["submitted", "returned"]))
            .order_by_asc(deliverable::Column::DueDate)
            .all(c)
            .await?;
        for d in dels {
            let title = if lang == Lang::Zh { d.name_zh.clone() } else { d.name_en.clone() };
            let link = format!("/projects/{}/deliverables/{}", d.project_id, d.id);
            if d.status == "submitted" && reviewer {
                waiting.push(Waiting {
                    project: pname.clone(),
                    what: "review".into(),
                    title,
                    link,
                    since: Some(d.updated_at),
                });
            } else if d.status == "returned" && d.owner_person_id.is_some_and(|p| person_ids.contains(&p)) {
                waiting.push(Waiting {
                    project: pname.clone(),
                    what: "rework".into(),
                    title,
                    link,
                    since: d.reviewed_at,
                });
            }
        }
        if role.is_some_and(|r| allows(r, Action::DecideGate))
            && let Some(k) = super::business_case::case_of(c, m.project_id).await?
            && let Some(rev) = k.requested_revision.filter(|r| *r == k.plan_revision && k.approved_revision != Some(*r))
        {
            waiting.push(Waiting {
                project: pname.clone(),
                what: "case".into(),
                title: i18n::tf(lang, "collab.inbox.case_waiting", &[("revision", &rev.to_string())]),
                link: format!("/projects/{}/business-case", m.project_id),
                since: k.requested_at,
            });
        }
        if role.is_some_and(|r| allows(r, Action::DecideChange)) {
            let pending = change_request::Entity::find()
                .filter(change_request::Column::ProjectId.eq(m.project_id))
                .filter(change_request::Column::Status.is_in(["pending", "deferred"]))
                .order_by_asc(change_request::Column::Id)
                .all(c)
                .await?;
            for r in pending {
                waiting.push(Waiting {
                    project: pname.clone(),
                    what: "change".into(),
                    title: r.title.clone(),
                    link: format!("/projects/{}/changes/{}", m.project_id, r.id),
                    since: Some(r.created_at),
                });
            }
        }
        if role.is_some_and(|r| allows(r, Action::DecideGate)) {
            let ready = super::gates::report(c, &super::projects::get(c, m.project_id).await?).await.ok().flatten();
            if let Some(g) = ready.filter(|g| !g.blocked && !g.tests_blocked && !g.needs_case) {
                waiting.push(Waiting {
                    project: pname.clone(),
                    what: "gate".into(),
                    title: i18n::tf(lang, "collab.inbox.gate_ready", &[("phase", &g.phase.seq.to_string())]),
                    link: format!("/projects/{}/phases/{}/gate", m.project_id, g.phase.seq),
                    since: None,
                });
            }
        }
    }
    let unread = unread(c, user_id).await?;
    Ok(Inbox { waiting, notifications, unread })
}

/// Mark one (or, with `None`, every) notification of the user read.
pub async fn mark_read(db: &Db, user_id: i32, id: Option<i32>) -> Result<()> {
    let tx = db.write().await?;
    let mut q = notification::Entity::update_many()
        .col_expr(notification::Column::ReadAt, Expr::value(Some(super::now())))
        .filter(notification::Column::UserId.eq(user_id))
        .filter(notification::Column::ReadAt.is_null());
    if let Some(id) = id {
        q = q.filter(notification::Column::Id.eq(id));
    }
    q.exec(&*tx).await?;
    tx.commit().await?;
    Ok(())
}

/// A user's preferences for the settings page.
#[derive(Clone, Debug, Serialize)]
pub struct Prefs {
    pub kinds: Vec<(String, String)>,
    pub time_zone: String,
    pub digest_hour: i32,
    pub weekly_day: i32,
    pub version: i32,
}

pub async fn prefs<C: ConnectionTrait>(c: &C, user_id: i32) -> Result<Prefs> {
    let mut kinds = vec![];
    for k in Kind::ALL {
        kinds.push((k.as_str().to_string(), mode_of(c, user_id, k).await?.as_str().to_string()));
    }
    let (s, sched) = schedule_of(c, user_id).await?;
    Ok(Prefs {
        kinds,
        time_zone: sched.time_zone,
        digest_hour: sched.hour as i32,
        weekly_day: sched.weekly_day as i32,
        version: s.map_or(0, |s| s.version),
    })
}

/// Save a user's preferences (modes per kind, zone, hour, weekday), validated by field.
pub async fn save_prefs(
    db: &Db,
    user_id: i32,
    modes: &[(Kind, String)],
    time_zone: &str,
    hour: &str,
    weekly_day: &str,
) -> Result<()> {
    use crate::domain::validation::FieldErrors;
    let mut e = FieldErrors::default();
    let mut parsed = vec![];
    for (k, m) in modes {
        match Mode::parse(m) {
            Some(m) => parsed.push((*k, m)),
            None => e.add(&format!("mode_{}", k.as_str()), "err.choose_from_list"),
        }
    }
    let tz = time_zone.trim().to_string();
    if !super::clock::valid(&tz) {
        e.add("time_zone", "collab.err.time_zone");
    }
    let hour = hour.trim().parse::<i32>().ok().filter(|h| (0..=23).contains(h));
    if hour.is_none() {
        e.add("digest_hour", "collab.err.hour");
    }
    let day = weekly_day.trim().parse::<i32>().ok().filter(|d| (1..=7).contains(d));
    if day.is_none() {
        e.add("weekly_day", "err.choose_from_list");
    }
    e.check()?;
    let (hour, day) = (hour.unwrap_or(8), day.unwrap_or(1));
    let t = super::now();
    super::write::transaction(db, async |tx| {
        for (k, m) in &parsed {
            notify_pref::Entity::delete_many()
                .filter(notify_pref::Column::UserId.eq(user_id))
                .filter(notify_pref::Column::Kind.eq(k.as_str()))
                .exec(tx)
                .await?;
            notify_pref::Entity::insert(notify_pref::ActiveModel {
                user_id: Set(user_id),
                kind: Set(k.as_str().into()),
                mode: Set(m.as_str().into()),
                ..Default::default()
            })
            .exec_without_returning(tx)
            .await?;
        }
        let existing = notify_setting::Entity::find().filter(notify_setting::Column::UserId.eq(user_id)).one(tx).await?;
        match existing {
            Some(s) => {
                notify_setting::Entity::update_many()
                    .col_expr(notify_setting::Column::TimeZone, Expr::value(tz.clone()))
                    .col_expr(notify_setting::Column::DigestHour, Expr::value(hour))
                    .col_expr(notify_setting::Column::WeeklyDay, Expr::value(day))
                    .col_expr(notify_setting::Column::Version, Expr::value(s.version.saturating_add(1)))
                    .col_expr(notify_setting::Column::UpdatedAt, Expr::value(t))
                    .filter(notify_setting::Column::Id.eq(s.id))
                    .exec(tx)
                    .await?;
            }
            None => {
                notify_setting::Entity::insert(notify_setting::ActiveModel {
                    user_id: Set(user_id),
                    time_zone: Set(tz.clone()),
                    digest_hour: Set(hour),
                    weekly_day: Set(day),
                    last_daily: Set(None),
                    last_weekly: Set(None),
                    version: Set(1),
                    created_at: Set(t),
                    updated_at: Set(t),
                    ..Default::default()
                })
                .exec_without_returning(tx)
                .await?;
            }
        }
        let after = serde_json::json!({"modes": parsed.iter().map(|(k, m)| (k.as_str(), m.as_str())).collect::<BTreeMap<_, _>>(), "time_zone": tz, "digest_hour": hour, "weekly_day": day});
        super::audit::record(tx, Actor { user_id }, None, "notify_prefs", user_id, "update", None::<&()>, Some(&after)).await
    })
    .await
}
