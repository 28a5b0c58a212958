//! Views of one project computed once per change of the project, not once per request.
//!
//! A project's overview or schedule is read far more often than the project changes (a
//! steering committee opening the same overview, a team reloading the plan). Every write
//! transaction that touches a project gives its stored health row a new random **stamp**
//! (`health_summary::refresh`, in the same transaction as the change), so a view computed
//! after reading stamp *s* holds for as long as the stamp is still *s*, on the project's same
//! today, under the same parameters. A request reads the stamp (one indexed statement) and
//! takes the view from memory when it matches; otherwise it computes the view as before and
//! keeps it.
//!
//! **Why this is safe.** The stamp is read *before* the view's data: a write committing in
//! between leaves a newer stamp behind, so a view mixing old and new data is kept under a
//! stamp no later request sees again. Stamps are random, so a deleted project whose id is
//! reused never meets its predecessor's views. Several instances share the stamps through
//! the database, so each one's memory stays right. What a view shows from outside the project
//! (a person's display name) may lag by at most [`MAX_AGE`].
//!
//! **The portfolio**, a view of many projects, is checked in one row too: each user has a
//! portfolio stamp (`portfolio_stamps`) that the same write transactions renew for every
//! member of the projects they touched, and for members they removed ([`renew_portfolios`]),
//! so the check costs the same for a user of one project and of a thousand.
//!
//! **Bounded.** At most [`CAPACITY`] views are kept (the oldest go first); they are shared
//! (`Arc`), so a request holds nothing after it ends.
use super::Result;
use crate::entity::{portfolio_stamp, project_health, project_member};
use chrono::{Datelike, NaiveDate};
use sea_orm::ActiveValue::Set;
use sea_orm::{ConnectionTrait, EntityTrait, QuerySelect};
use std::any::Any;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// How long a view is kept at most, whatever the stamp says (names of people, which live
/// outside the project, may change without a new stamp).
pub const MAX_AGE: Duration = Duration::from_secs(60);

/// How many views are kept at most (a large project's overview is ~100 KB in memory).
pub const CAPACITY: usize = 48;

/// A new stamp: random, positive, never zero (zero is what rows written before stamps
/// existed hold).
pub fn new_stamp() -> i64 {
    let mut b = [0u8; 8];
    // A failing system RNG leaves a fixed stamp: views then expire by age only.
    let _ = getrandom::fill(&mut b);
    match i64::from_le_bytes(b) & i64::MAX {
        0 => 1,
        s => s,
    }
}

#[derive(Clone, PartialEq, Eq, Hash)]
struct Key {
    kind: &'static str,
    /// The project (or for the portfolio, the user) the view is of.
    scope: i32,
    /// The view's parameters (a phase on show, a language), as text.
    params: String,
}

struct Entry {
    fresh: Fresh,
    made: Instant,
    value: Arc<dyn Any + Send + Sync>,
}

/// The views this process keeps (one per database handle).
#[derive(Clone, Default)]
pub struct Cache {
    inner: Arc<Mutex<HashMap<Key, Entry>>>,
}

impl Cache {
    fn get<T: Send + Sync + 'static>(&self, key: &Key, fresh: Fresh) -> Option<Arc<T>> {
        let map = self.inner.lock().ok()?;
        let e = map.get(key)?;
        if e.fresh != fresh || e.made.elapsed() > MAX_AGE {
            return None;
        }
        e.value.clone().downcast::<T>().ok()
    }

    fn put<T: Send + Sync + 'static>(&self, key: Key, fresh: Fresh, value: Arc<T>) {
        let Ok(mut map) = self.inner.lock() else { return };
        map.retain(|_, e| e.made.elapsed() <= MAX_AGE);
        if map.len() >= CAPACITY
            && !map.contains_key(&key)
            && let Some(oldest) = map.iter().min_by_key(|(_, e)| e.made).map(|(k, _)| k.clone())
        {
            map.remove(&oldest);
        }
        map.insert(key, Entry { fresh, made: Instant::now(), value });
    }

    /// How many views are kept now (for tests and metrics).
    pub fn len(&self) -> usize {
        self.inner.lock().map(|m| m.len()).unwrap_or(0)
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Forget every view (benchmarks of the computing path).
    pub fn clear(&self) {
        if let Ok(mut m) = self.inner.lock() {
            m.clear();
        }
    }
}

/// What a kept view was computed under: the data's stamp and the period (a day, a quarter
/// hour) its dates hold for. A view is served only while both are unchanged.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct Fresh {
    pub stamp: i64,
    pub period: i64,
}

/// The project's current stamp (none: no stored health yet, nothing is kept).
pub async fn stamp<C: ConnectionTrait>(c: &C, project_id: i32) -> Result<Option<i64>> {
    use project_health::Column as H;
    let s: Option<i64> =
        project_health::Entity::find_by_id(project_id).select_only().column(H::Stamp).into_tuple().one(c).await?;
    Ok(s.filter(|s| *s != 0))
}

/// A project's view on its `today`: fresh while its stamp is unchanged on that day.
pub async fn of_project<C: ConnectionTrait>(c: &C, project_id: i32, today: NaiveDate) -> Result<Option<Fresh>> {
    Ok(stamp(c, project_id).await?.map(|stamp| Fresh { stamp, period: i64::from(today.num_days_from_ce()) }))
}

/// A view of all the projects of `user_id` (the portfolio): fresh while the user's
/// portfolio stamp holds (renewed by every write transaction that touches one of their
/// projects or their membership of one: [`renew_portfolios`]) and within the same quarter
/// hour of UTC (every time zone's midnight falls on a quarter hour, so each project's today
/// is the same throughout). One row read by its key, however many projects the user has; no
/// row (a user who never had a project) keeps nothing.
pub async fn of_portfolio<C: ConnectionTrait>(c: &C, user_id: i32) -> Result<Option<Fresh>> {
    use portfolio_stamp::Column as S;
    let s: Option<i64> =
        portfolio_stamp::Entity::find_by_id(user_id).select_only().column(S::Stamp).into_tuple().one(c).await?;
    Ok(s.map(|stamp| Fresh { stamp, period: super::clock::quarter_hour() }))
}

/// Give a new portfolio stamp to every member of projects `project_ids` and to users
/// `also` (members a transaction removed), in the running write transaction.
///
/// Called as the transaction's last statement (`write::transaction`), with the users in
/// ascending order: on PostgreSQL, two transactions of different projects that share a
/// member (a director of many projects) then take those rows' locks in the same order, just
/// before committing, so they wait on each other briefly and never deadlock. Every member
/// gets the same new value; the views are keyed by user, so one value suffices.
pub async fn renew_portfolios<C: ConnectionTrait>(c: &C, project_ids: &[i32], also: &[i32]) -> Result<()> {
    use sea_orm::{ColumnTrait, QueryFilter, sea_query::OnConflict};
    let mut users: Vec<i32> = if project_ids.is_empty() {
        vec![]
    } else {
        project_member::Entity::find()
            .select_only()
            .column(project_member::Column::UserId)
            .filter(project_member::Column::ProjectId.is_in(project_ids.iter().copied()))
            .into_tuple()
            .all(c)
            .await?
    };
    users.extend_from_slice(also);
    users.sort_unstable();
    users.dedup();
    if users.is_empty() {
        return Ok(());
    }
    let stamp = new_stamp();
    let rows = users.iter().map(|u| portfolio_stamp::ActiveModel { user_id: Set(*u), stamp: Set(stamp) });
    portfolio_stamp::Entity::insert_many(rows)
        .on_conflict(
            OnConflict::column(portfolio_stamp::Column::UserId)
                .update_column(portfolio_stamp::Column::Stamp)
                .to_owned(),
        )
        .exec_without_returning(c)
        .await?;
    Ok(())
}

/// The members of project `project_id` now (read when a write transaction first takes the
/// project's lock, so that members it removes still get their portfolios renewed).
pub async fn members_of<C: ConnectionTrait>(c: &C, project_id: i32) -> Result<Vec<i32>> {
    use sea_orm::{ColumnTrait, QueryFilter};
    Ok(project_member::Entity::find()
        .select_only()
        .column(project_member::Column::UserId)
        .filter(project_member::Column::ProjectId.eq(project_id))
        .into_tuple()
        .all(c)
        .await?)
}

/// View `kind` of `scope` (a project, a user) with `params`: from memory while `fresh` is
/// what it was computed under, else computed by `make` and kept (not kept without `fresh`).
pub async fn kept<T>(
    cache: &Cache,
    kind: &'static str,
    scope: i32,
    params: String,
    fresh: Option<Fresh>,
    make: impl AsyncFnOnce() -> Result<T>,
) -> Result<Arc<T>>
where
    T: Send + Sync + 'static,
{
    let Some(f) = fresh else {
        return Ok(Arc::new(make().await?));
    };
    let key = Key { kind, scope, params };
    if let Some(v) = cache.get::<T>(&key, f) {
        return Ok(v);
    }
    let v = Arc::new(make().await?);
    cache.put(key, f, v.clone());
    Ok(v)
}

/// A view of one project (see [`kept`]): fresh while the project's stamp and today hold.
pub async fn cached<T, C>(
    cache: &Cache,
    c: &C,
    kind: &'static str,
    project_id: i32,
    params: String,
    today: NaiveDate,
    make: impl AsyncFnOnce() -> Result<T>,
) -> Result<Arc<T>>
where
    T: Send + Sync + 'static,
    C: ConnectionTrait,
{
    let fresh = of_project(c, project_id, today).await?;
    kept(cache, kind, project_id, params, fresh, make).await
}

/// A kept view and what is derived from it once and then reused until the view goes: its
/// drawings (a chart's SVG) and its rendered page fragments, each under a key naming what
/// it depends on besides the view (a language, a role). A large plan's Gantt is drawn once
/// per change, not once per request.
pub struct Kept<T> {
    pub view: T,
    memo: Mutex<HashMap<String, Arc<str>>>,
}

impl<T> Kept<T> {
    pub fn new(view: T) -> Self {
        Kept { view, memo: Mutex::default() }
    }

    /// What `make` derives under `key`, made the first time.
    pub fn memo(&self, key: &str, make: impl FnOnce() -> String) -> Arc<str> {
        if let Some(v) = self.memo.lock().ok().and_then(|m| m.get(key).cloned()) {
            return v;
        }
        let v: Arc<str> = make().into();
        if let Ok(mut m) = self.memo.lock() {
            m.insert(key.to_string(), v.clone());
        }
        v
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(p: i32) -> Key {
        Key { kind: "t", scope: p, params: String::new() }
    }

    fn f(stamp: i64, day: NaiveDate) -> Fresh {
        Fresh { stamp, period: i64::from(day.num_days_from_ce()) }
    }

    #[test]
    fn a_view_holds_for_its_stamp_and_day_only() {
        let c = Cache::default();
        let d: NaiveDate = "2026-12-01".parse().unwrap();
        c.put(key(1), f(7, d), Arc::new(42u32));
        assert_eq!(c.get::<u32>(&key(1), f(7, d)).as_deref(), Some(&42));
        assert!(c.get::<u32>(&key(1), f(8, d)).is_none(), "another stamp");
        assert!(c.get::<u32>(&key(1), f(7, d.succ_opt().unwrap())).is_none(), "another day");
        assert!(c.get::<u32>(&key(2), f(7, d)).is_none(), "another project");
        assert!(c.get::<String>(&key(1), f(7, d)).is_none(), "another type");
    }

    #[test]
    fn the_oldest_views_go_first_when_full() {
        let c = Cache::default();
        let d: NaiveDate = "2026-12-01".parse().unwrap();
        for p in 0..(CAPACITY as i32 + 5) {
            c.put(key(p), f(1, d), Arc::new(p));
        }
        assert_eq!(c.len(), CAPACITY);
        assert!(c.get::<i32>(&key(0), f(1, d)).is_none());
        assert!(c.get::<i32>(&key(CAPACITY as i32 + 4), f(1, d)).is_some());
    }

    #[test]
    fn stamps_are_never_zero_and_differ() {
        let a = new_stamp();
        assert!(a > 0);
        assert_ne!(a, new_stamp());
    }
}
