//! Working together (issue 16): the outbox, e-mail through a real SMTP server, invitations,
//! password reset, notifications and digests, the inbox, comments and attachments.
use crate::harness::*;
use chrono::{Duration, TimeZone, Utc};
use futures_util::future::BoxFuture;
use ninefold::service::outbox::{self, Dispatch, Options};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

/// A channel that records what it delivered and can be switched off (a receiver down).
struct Recorder {
    up: AtomicBool,
    got: Mutex<Vec<String>>,
}

impl Recorder {
    fn new(up: bool) -> Arc<Recorder> {
        Arc::new(Recorder { up: AtomicBool::new(up), got: Mutex::new(vec![]) })
    }
    fn got(&self) -> Vec<String> {
        self.got.lock().unwrap().clone()
    }
}

impl Dispatch for Recorder {
    fn channel(&self) -> &'static str {
        "test"
    }
    fn send<'a>(&'a self, payload: &'a str) -> BoxFuture<'a, Result<(), String>> {
        Box::pin(async move {
            if !self.up.load(Ordering::SeqCst) {
                return Err("connection refused".into());
            }
            self.got.lock().unwrap().push(payload.to_string());
            Ok(())
        })
    }
}

fn opts(worker: &str) -> Options {
    Options { worker: worker.into(), max_attempts: 4, backoff: Duration::seconds(30), ..Options::default() }
}

#[tokio::test]
async fn the_outbox_sends_what_was_committed_once_retries_with_backoff_and_gives_up() {
    on_each_db(|t| async move {
        let t0 = Utc.with_ymd_and_hms(2026, 6, 15, 8, 0, 0).unwrap();
        // A change that rolls back leaves nothing to send.
        let tx = t.db.write().await.unwrap();
        outbox::enqueue_at(&*tx, "test", "k-rolled-back", &serde_json::json!({"n": 0}), t0).await.unwrap();
        drop(tx);
        // Committed: stored once even when enqueued twice under one key.
        let tx = t.db.write().await.unwrap();
        outbox::enqueue_at(&*tx, "test", "k1", &serde_json::json!({"n": 1}), t0).await.unwrap();
        outbox::enqueue_at(&*tx, "test", "k1", &serde_json::json!({"n": 1}), t0).await.unwrap();
        outbox::enqueue_at(&*tx, "test", "k2", &serde_json::json!({"n": 2}), t0).await.unwrap();
        outbox::enqueue_at(&*tx, "other", "k3", &serde_json::json!({"n": 3}), t0).await.unwrap();
        tx.commit().await.unwrap();
        assert_eq!(t.count("SELECT COUNT(*) FROM outbox").await, 3);

        // The receiver is down: both fail, tried again after 30 s, then 60 s.
        let rec = Recorder::new(false);
        let d: Vec<Arc<dyn Dispatch>> = vec![rec.clone()];
        let o = opts("w1");
        let r = outbox::tick(&t.db, &d, &o, t0).await.unwrap();
        assert_eq!((r.claimed, r.sent, r.failed), (2, 0, 2));
        assert_eq!(t.count("SELECT COUNT(*) FROM outbox WHERE attempts = 1 AND last_error = 'connection refused' AND claimed_by IS NULL").await, 2);
        // Not due yet 29 s later.
        assert_eq!(outbox::tick(&t.db, &d, &o, t0 + Duration::seconds(29)).await.unwrap().claimed, 0);
        let r = outbox::tick(&t.db, &d, &o, t0 + Duration::seconds(30)).await.unwrap();
        assert_eq!((r.claimed, r.failed), (2, 2));
        assert_eq!(outbox::tick(&t.db, &d, &o, t0 + Duration::seconds(89)).await.unwrap().claimed, 0);
        // Back up: each delivered once, and never again.
        rec.up.store(true, Ordering::SeqCst);
        let r = outbox::tick(&t.db, &d, &o, t0 + Duration::seconds(90)).await.unwrap();
        assert_eq!((r.claimed, r.sent), (2, 2));
        assert_eq!(outbox::tick(&t.db, &d, &o, t0 + Duration::hours(5)).await.unwrap().claimed, 0);
        assert_eq!(rec.got(), vec![r#"{"n":1}"#.to_string(), r#"{"n":2}"#.to_string()]);
        assert_eq!(t.count("SELECT COUNT(*) FROM outbox WHERE sent_at IS NOT NULL AND attempts = 3").await, 2);
        // The channel without a dispatcher waits, untouched.
        assert_eq!(t.count("SELECT COUNT(*) FROM outbox WHERE channel = 'other' AND sent_at IS NULL AND attempts = 0").await, 1);

        // A receiver that never comes back: given up after the fourth attempt.
        let tx = t.db.write().await.unwrap();
        outbox::enqueue_at(&*tx, "test", "k4", &"doomed", t0).await.unwrap();
        tx.commit().await.unwrap();
        rec.up.store(false, Ordering::SeqCst);
        let mut at = t0 + Duration::hours(6);
        for _ in 0..4 {
            assert_eq!(outbox::tick(&t.db, &d, &o, at).await.unwrap().claimed, 1);
            at += Duration::hours(2);
        }
        assert_eq!(t.count("SELECT COUNT(*) FROM outbox WHERE dedup_key = 'k4' AND failed_at IS NOT NULL AND attempts = 4").await, 1);
        assert_eq!(outbox::tick(&t.db, &d, &o, at + Duration::days(1)).await.unwrap().claimed, 0);
    })
    .await;
}

#[tokio::test]
async fn two_instances_deliver_each_message_once() {
    on_each_db(|t| async move {
        let t0 = Utc.with_ymd_and_hms(2026, 6, 15, 8, 0, 0).unwrap();
        let tx = t.db.write().await.unwrap();
        for i in 0..60 {
            outbox::enqueue_at(&*tx, "test", &format!("m{i}"), &i, t0).await.unwrap();
        }
        tx.commit().await.unwrap();
        // A second instance: its own pool on the same database, rounds running at once.
        let db2 = ninefold::db::Db::connect(&t.url).await.unwrap();
        let (a, b) = (Recorder::new(true), Recorder::new(true));
        let (da, db_): (Vec<Arc<dyn Dispatch>>, Vec<Arc<dyn Dispatch>>) = (vec![a.clone()], vec![b.clone()]);
        let (oa, ob) = (Options { batch: 7, ..opts("a") }, Options { batch: 7, ..opts("b") });
        let run = |db: ninefold::db::Db, d: Vec<Arc<dyn Dispatch>>, o: Options| async move {
            let mut n = 0;
            loop {
                let r = outbox::tick(&db, &d, &o, t0).await.unwrap();
                if r.claimed == 0 {
                    break n;
                }
                n += r.sent;
                tokio::task::yield_now().await;
            }
        };
        let (na, nb) = tokio::join!(run(t.db.clone(), da, oa), run(db2, db_, ob));
        assert_eq!(na + nb, 60);
        let mut all = a.got();
        all.extend(b.got());
        all.sort_by_key(|s| s.parse::<i32>().unwrap());
        let expected: Vec<String> = (0..60).map(|i| i.to_string()).collect();
        assert_eq!(all, expected, "every message delivered exactly once");
        assert_eq!(t.count("SELECT COUNT(*) FROM outbox WHERE sent_at IS NOT NULL AND attempts = 1").await, 60);
    })
    .await;
}
