//! Per-token rate limits: a token bucket per personal access token, in memory.
//!
//! In memory is enough for one instance. With several instances behind a load balancer each
//! keeps its own buckets, so a token gets up to N times the rate in total; the limit is a
//! guard against a runaway script, not an accounting, and N is small. A shared limit would
//! need a store all instances write on every request (a PostgreSQL row per token would
//! turn every read into a write), which this does not justify.
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Instant;

/// Buckets of `capacity` requests refilled at `per_second`.
#[derive(Debug)]
pub struct Limiter {
    capacity: f64,
    per_second: f64,
    buckets: Mutex<HashMap<i32, (f64, Instant)>>,
}

/// The default: bursts of 120 requests, 10 a second sustained (`NINEFOLD_API_RATE` sets the
/// sustained rate per minute; the burst is a minute's worth, at least 10).
impl Default for Limiter {
    fn default() -> Limiter {
        let per_minute = std::env::var("NINEFOLD_API_RATE")
            .ok()
            .and_then(|v| v.trim().parse::<f64>().ok())
            .filter(|v| v.is_finite() && *v > 0.0)
            .unwrap_or(600.0);
        Limiter::new((per_minute / 5.0).max(10.0), per_minute / 60.0)
    }
}

impl Limiter {
    pub fn new(capacity: f64, per_second: f64) -> Limiter {
        Limiter { capacity, per_second, buckets: Mutex::new(HashMap::new()) }
    }

    /// Take one request for token `id` now.
    pub fn take(&self, id: i32) -> Result<(), u64> {
        self.take_at(id, Instant::now())
    }

    /// Take one request for token `id` at `now`: `Err(seconds)` to wait when its bucket is
    /// empty (the `Retry-After`).
    pub fn take_at(&self, id: i32, now: Instant) -> Result<(), u64> {
        let mut b = self.buckets.lock().unwrap_or_else(|e| e.into_inner());
        let (level, at) = b.entry(id).or_insert((self.capacity, now));
        let elapsed = now.saturating_duration_since(*at).as_secs_f64();
        *level = (*level + elapsed * self.per_second).min(self.capacity);
        *at = now;
        if *level >= 1.0 {
            *level -= 1.0;
            Ok(())
        } else {
            let wait = (1.0 - *level) / self.per_second;
            Err(wait.ceil().max(1.0) as u64)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Limiter;
    use std::time::{Duration, Instant};

    #[test]
    fn a_bucket_empties_and_refills() {
        let l = Limiter::new(3.0, 0.5);
        let t0 = Instant::now();
        assert!(l.take_at(1, t0).is_ok());
        assert!(l.take_at(1, t0).is_ok());
        assert!(l.take_at(1, t0).is_ok());
        // Empty: one request takes 2 s to come back at 0.5/s.
        assert_eq!(l.take_at(1, t0), Err(2));
        // Another token has its own bucket.
        assert!(l.take_at(2, t0).is_ok());
        assert!(l.take_at(1, t0 + Duration::from_secs(2)).is_ok());
        assert!(l.take_at(1, t0 + Duration::from_secs(2)).is_err());
    }
}
