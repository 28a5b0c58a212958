//! The outbox: every message to the outside (e-mail, webhook call) is written by [`enqueue`]
//! inside the transaction of the change that causes it, so a change that rolls back sends
//! nothing, and delivered later by the worker ([`run`]), so nothing is lost while the
//! receiver is down.
//!
//! The worker claims due rows (PostgreSQL: `FOR UPDATE SKIP LOCKED`, so several instances
//! never take the same row; SQLite: one writer at a time already), marks them claimed for a
//! lease, delivers them outside any transaction through the [`Dispatch`] of their channel,
//! and then marks each sent, or failed with exponential backoff, or given up after the last
//! allowed attempt. Rows of a channel without a dispatcher stay waiting (visible on the
//! admin outbox page).
use super::Result;
use crate::db::Db;
use crate::entity::outbox;
use chrono::{DateTime, Duration, Utc};
use futures_util::future::BoxFuture;
use sea_orm::sea_query::{LockBehavior, LockType, OnConflict};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, DbBackend, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect,
};
use std::sync::Arc;

/// A channel's delivery: e-mail through SMTP, a webhook's HTTP call, …
pub trait Dispatch: Send + Sync {
    /// The channel whose rows this delivers (the `channel` given to [`enqueue`]).
    fn channel(&self) -> &'static str;
    /// Deliver one message (the payload as enqueued). `Err` is kept as the row's last
    /// error and the message is tried again later.
    fn send<'a>(&'a self, payload: &'a str) -> BoxFuture<'a, std::result::Result<(), String>>;
}

/// Write a message to the outbox, inside the caller's transaction `c`. `key` identifies the
/// message: enqueuing the same key again stores nothing (so a retried request or a digest
/// run twice sends once). The payload is serialised as JSON for the dispatcher.
pub async fn enqueue<C: ConnectionTrait>(
    c: &C,
    channel: &str,
    key: &str,
    payload: &impl serde::Serialize,
) -> Result<()> {
    enqueue_at(c, channel, key, payload, super::now()).await
}

/// As [`enqueue`], at a given instant (tests and digests with an injected clock).
pub async fn enqueue_at<C: ConnectionTrait>(
    c: &C,
    channel: &str,
    key: &str,
    payload: &impl serde::Serialize,
    now: DateTime<Utc>,
) -> Result<()> {
    let payload = serde_json::to_string(payload).map_err(|e| sea_orm::DbErr::Custom(format!("outbox payload: {e}")))?;
    let am = outbox::ActiveModel {
        channel: Set(channel.to_string()),
        dedup_key: Set(key.to_string()),
        payload: Set(payload),
        created_at: Set(now),
        attempts: Set(0),
        next_attempt_at: Set(now),
        ..Default::default()
    };
    outbox::Entity::insert(am)
        .on_conflict(OnConflict::column(outbox::Column::DedupKey).do_nothing().to_owned())
        .exec_without_returning(c)
        .await?;
    Ok(())
}

/// How the worker retries.
#[derive(Clone, Debug)]
pub struct Options {
    /// This worker's name in `claimed_by` (unique per process).
    pub worker: String,
    /// How long a claim lasts: a worker that died mid-delivery leaves its rows to others after it.
    pub lease: Duration,
    /// The wait after the first failure; doubled after each further one, up to `max_backoff`.
    pub backoff: Duration,
    pub max_backoff: Duration,
    /// Attempts before a message is given up (marked failed).
    pub max_attempts: i32,
    /// Rows claimed per round.
    pub batch: u64,
    /// The pause between rounds when nothing was due.
    pub poll: std::time::Duration,
}

impl Options {
    /// From `NINEFOLD_OUTBOX_MAX_ATTEMPTS` (default 10), `NINEFOLD_OUTBOX_BACKOFF_SECS`
    /// (default 30) and `NINEFOLD_OUTBOX_POLL_MS` (default 1000).
    pub fn from_env() -> Options {
        let num = |k: &str| std::env::var(k).ok().and_then(|v| v.trim().parse::<i64>().ok());
        let mut o = Options::default();
        if let Some(n) = num("NINEFOLD_OUTBOX_MAX_ATTEMPTS") {
            o.max_attempts = n.clamp(1, 100) as i32;
        }
        if let Some(n) = num("NINEFOLD_OUTBOX_BACKOFF_SECS") {
            o.backoff = Duration::seconds(n.clamp(1, 86_400));
        }
        if let Some(n) = num("NINEFOLD_OUTBOX_POLL_MS") {
            o.poll = std::time::Duration::from_millis(n.clamp(10, 600_000) as u64);
        }
        o
    }
}

impl Default for Options {
    fn default() -> Options {
        let mut id = [0u8; 6];
        let _ = getrandom::fill(&mut id);
        Options {
            worker: format!("{}-{}", std::process::id(), hex::encode(id)),
            lease: Duration::minutes(5),
            backoff: Duration::seconds(30),
            max_backoff: Duration::hours(1),
            max_attempts: 10,
            batch: 20,
            poll: std::time::Duration::from_secs(1),
        }
    }
}

/// The wait before the next attempt after `attempts` failed ones: `backoff · 2^(attempts−1)`,
/// at most `max_backoff`.
pub fn backoff(o: &Options, attempts: i32) -> Duration {
    let exp = attempts.saturating_sub(1).clamp(0, 30) as u32;
    let secs = o.backoff.num_seconds().saturating_mul(1i64 << exp.min(40));
    Duration::seconds(secs.min(o.max_backoff.num_seconds()))
}

/// What one round did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Round {
    pub claimed: usize,
    pub sent: usize,
    pub failed: usize,
    /// Failed for the last allowed time: given up.
    pub given_up: usize,
}

/// One round at `now`: claim due rows of the channels in `dispatchers`, deliver them, record
/// the outcome. Called by [`run`] in a loop; tests call it with an injected clock.
pub async fn tick(db: &Db, dispatchers: &[Arc<dyn Dispatch>], o: &Options, now: DateTime<Utc>) -> Result<Round> {
    let channels: Vec<&str> = dispatchers.iter().map(|d| d.channel()).collect();
    let mut round = Round::default();
    if channels.is_empty() {
        return Ok(round);
    }
    let rows = claim(db, &channels, o, now).await?;
    round.claimed = rows.len();
    for row in rows {
        let Some(d) = dispatchers.iter().find(|d| d.channel() == row.channel) else { continue };
        let outcome = d.send(&row.payload).await;
        let attempts = row.attempts.saturating_add(1);
        let mut am = outbox::ActiveModel {
            attempts: Set(attempts),
            claimed_until: Set(None),
            claimed_by: Set(None),
            ..Default::default()
        };
        let done = now;
        match outcome {
            Ok(()) => {
                am.sent_at = Set(Some(done));
                am.last_error = Set(None);
                round.sent += 1;
            }
            Err(e) => {
                tracing::warn!(id = row.id, channel = %row.channel, attempts, error = %e, "outbox delivery failed");
                am.last_error = Set(Some(e.chars().take(2000).collect()));
                if attempts >= o.max_attempts {
                    am.failed_at = Set(Some(done));
                    round.given_up += 1;
                } else {
                    am.next_attempt_at = Set(now + backoff(o, attempts));
                }
                round.failed += 1;
            }
        }
        // Only this worker's claim is settled: a row whose lease ran out and was taken over
        // is left to the worker that holds it now.
        outbox::Entity::update_many()
            .set(am)
            .filter(outbox::Column::Id.eq(row.id))
            .filter(outbox::Column::ClaimedBy.eq(o.worker.clone()))
            .exec(&db.conn)
            .await?;
    }
    Ok(round)
}

/// Claim up to `o.batch` due rows of `channels` for this worker, in one short transaction.
async fn claim(db: &Db, channels: &[&str], o: &Options, now: DateTime<Utc>) -> Result<Vec<outbox::Model>> {
    let tx = db.write().await?;
    let mut q = outbox::Entity::find()
        .filter(outbox::Column::SentAt.is_null())
        .filter(outbox::Column::FailedAt.is_null())
        .filter(outbox::Column::Channel.is_in(channels.iter().copied()))
        .filter(outbox::Column::NextAttemptAt.lte(now))
        .filter(Condition::any().add(outbox::Column::ClaimedUntil.is_null()).add(outbox::Column::ClaimedUntil.lt(now)))
        .order_by_asc(outbox::Column::Id)
        .limit(o.batch);
    if tx.get_database_backend() == DbBackend::Postgres {
        q = q.lock_with_behavior(LockType::Update, LockBehavior::SkipLocked);
    }
    let rows = q.all(&*tx).await?;
    if rows.is_empty() {
        return Ok(rows);
    }
    outbox::Entity::update_many()
        .set(outbox::ActiveModel {
            claimed_until: Set(Some(now + o.lease)),
            claimed_by: Set(Some(o.worker.clone())),
            ..Default::default()
        })
        .filter(outbox::Column::Id.is_in(rows.iter().map(|r| r.id)))
        .exec(&*tx)
        .await?;
    tx.commit().await?;
    Ok(rows)
}

/// The background worker: rounds until the process ends, pausing `o.poll` when nothing was
/// due. Errors (database briefly away) are logged and the loop goes on.
pub async fn run(db: Db, dispatchers: Vec<Arc<dyn Dispatch>>, o: Options) {
    if dispatchers.is_empty() {
        tracing::info!("outbox: no dispatcher configured; messages stay in the outbox");
        return;
    }
    loop {
        match tick(&db, &dispatchers, &o, super::now()).await {
            Ok(r) if r.claimed > 0 => continue,
            Ok(_) => {}
            Err(e) => tracing::warn!(error = %e, "outbox round failed"),
        }
        tokio::time::sleep(o.poll).await;
    }
}

/// The dispatchers configured by the environment, one per channel (each area appends its own).
pub fn dispatchers_from_env() -> Vec<Arc<dyn Dispatch>> {
    #[allow(unused_mut)]
    let mut out: Vec<Arc<dyn Dispatch>> = Vec::new();
    out.extend(super::mail::dispatcher_from_env());
    out
}

/// Start [`run`] on the runtime (used by `serve`).
pub fn start(db: Db, dispatchers: Vec<Arc<dyn Dispatch>>) -> tokio::task::JoinHandle<()> {
    tokio::spawn(run(db, dispatchers, Options::from_env()))
}

/// The rows for the admin outbox page: newest first, at most `limit`, optionally one channel.
pub async fn recent<C: ConnectionTrait>(c: &C, channel: Option<&str>, limit: u64) -> Result<Vec<outbox::Model>> {
    let mut q = outbox::Entity::find().order_by_desc(outbox::Column::Id).limit(limit);
    if let Some(ch) = channel {
        q = q.filter(outbox::Column::Channel.eq(ch));
    }
    Ok(q.all(c).await?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_up_to_the_cap() {
        let o = Options { backoff: Duration::seconds(30), max_backoff: Duration::hours(1), ..Options::default() };
        assert_eq!(backoff(&o, 1), Duration::seconds(30));
        assert_eq!(backoff(&o, 2), Duration::seconds(60));
        assert_eq!(backoff(&o, 3), Duration::seconds(120));
        assert_eq!(backoff(&o, 7), Duration::seconds(1920));
        assert_eq!(backoff(&o, 8), Duration::seconds(3600));
        assert_eq!(backoff(&o, 1000), Duration::seconds(3600));
    }
}
