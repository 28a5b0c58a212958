//! The write mechanics every service shares: a transaction as a closure, a project-scoped
//! lookup, and the audited insert, update and delete. An update names the version the form
//! was loaded with in its `WHERE`, so a stale save touches no row and becomes a 409; every
//! change appends its audit row in the same transaction, with the record before and after.
use super::{Actor, Error, Result, audit, now};
use crate::db::Db;
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveModelTrait, ConnectionTrait, DatabaseTransaction, DbBackend, EntityTrait, IntoActiveModel, QueryFilter,
    Statement, Value,
};
use serde::Serialize;
use std::cell::RefCell;
use std::str::FromStr;

/// A table whose rows belong to a project and are audited under one record kind.
pub trait Audited: EntityTrait {
    /// The record kind in the audit log and on the History tab.
    const KIND: &'static str;
    /// The column that ties a row to its project; rows of child tables (a session's
    /// attendance, a module's features) are scoped through their parent by the caller.
    const PROJECT_COLUMN: Option<&'static str> = Some("project_id");
}

/// Run `body` in one write transaction: committed when it returns `Ok`, rolled back
/// otherwise (including on `?`). On SQLite the writer lock is held for exactly its span.
/// On PostgreSQL the first audited read or write of a project inside it ([`get`],
/// [`insert`], [`update`], [`delete`]) takes that project's write lock (see
/// [`lock_project`]), so writes to one project serialise there as they do on SQLite.
pub async fn transaction<T>(db: &Db, body: impl AsyncFnOnce(&DatabaseTransaction) -> Result<T>) -> Result<T> {
    let tx = db.write().await?;
    let out = HELD
        .scope(RefCell::new(Some(Held::default())), async {
            let out = body(&*tx).await?;
            refresh_held(&*tx).await?;
            Ok::<T, Error>(out)
        })
        .await?;
    tx.commit().await?;
    Ok(out)
}

/// Before a write transaction commits: the stored health of every project it touched (see
/// `health_summary`), derived in the same transaction, and, as the very last statement, new
/// portfolio stamps for everyone who is or was a member of one of them (`views`).
async fn refresh_held<C: ConnectionTrait>(c: &C) -> Result<()> {
    let held = HELD.try_with(|h| h.borrow().clone()).ok().flatten().unwrap_or_default();
    super::health_summary::refresh(c, &held.projects).await?;
    super::views::renew_portfolios(c, &held.projects, &held.members_before).await
}

/// As [`transaction`], with project `project_id`'s write lock taken before `body` runs:
/// for a body that reads what it will write before its first audited call (the next
/// order number of a phase, the whole schedule).
pub async fn transaction_in<T>(
    db: &Db,
    project_id: i32,
    body: impl AsyncFnOnce(&DatabaseTransaction) -> Result<T>,
) -> Result<T> {
    let tx = db.write().await?;
    let out = HELD
        .scope(RefCell::new(Some(Held::default())), async {
            lock_project(&*tx, project_id).await?;
            let out = body(&*tx).await?;
            refresh_held(&*tx).await?;
            Ok::<T, Error>(out)
        })
        .await?;
    tx.commit().await?;
    Ok(out)
}

tokio::task_local! {
    /// What the running [`transaction`] holds (`None` outside one).
    static HELD: RefCell<Option<Held>>;
}

/// The projects whose write lock a [`transaction`] holds, and their members when it took
/// each lock (so a member it removes, or everyone of a project it deletes, still gets a new
/// portfolio stamp at commit).
#[derive(Clone, Default)]
struct Held {
    projects: Vec<i32>,
    members_before: Vec<i32>,
}

/// The advisory-lock class of project write locks (`pg_advisory_xact_lock(class, project)`).
const PROJECT_LOCK_CLASS: i32 = 0x4e46_0001;

/// Take project `project_id`'s write lock for the rest of the running [`transaction`]
/// (PostgreSQL: a transaction-scoped advisory lock, released at commit or rollback; SQLite
/// has one writer at a time already). Every write transaction that touches a project takes
/// it before it reads what it will write, so two saves of one project never interleave:
/// no deadlock between their row locks, and no version read before the other committed.
/// Taken once per transaction; outside a write transaction (a page reading through
/// [`get`]) it does nothing, so readers never wait.
pub async fn lock_project<C: ConnectionTrait>(c: &C, project_id: i32) -> Result<()> {
    // Recorded on both databases: the projects a transaction touched get their stored
    // health derived before it commits.
    let first = HELD
        .try_with(|h| match h.borrow_mut().as_mut() {
            Some(held) if !held.projects.contains(&project_id) => {
                held.projects.push(project_id);
                true
            }
            _ => false,
        })
        .unwrap_or(false);
    if !first {
        return Ok(());
    }
    if c.get_database_backend() == DbBackend::Postgres {
        c.execute_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "SELECT pg_advisory_xact_lock($1, $2)",
            [PROJECT_LOCK_CLASS.into(), project_id.into()],
        ))
        .await?;
    }
    // Read under the lock: no other write of the project is between here and commit.
    let members = super::views::members_of(c, project_id).await?;
    let _ = HELD.try_with(|h| {
        if let Some(held) = h.borrow_mut().as_mut() {
            held.members_before.extend(members);
        }
    });
    Ok(())
}

/// Delete the projects matching `which` with all their rows (they cascade), outside the
/// audited path: a demo load interrupted half-way, a next wave whose carry failed. Their
/// members' portfolios get new stamps (`views`), as after any write to a project.
pub async fn delete_projects<C: ConnectionTrait>(c: &C, which: sea_orm::Condition) -> Result<()> {
    use crate::entity::project;
    use sea_orm::{ColumnTrait, QuerySelect};
    let ids: Vec<i32> =
        project::Entity::find().select_only().column(project::Column::Id).filter(which).into_tuple().all(c).await?;
    if ids.is_empty() {
        return Ok(());
    }
    let mut members = vec![];
    for id in &ids {
        members.extend(super::views::members_of(c, *id).await?);
    }
    project::Entity::delete_many().filter(project::Column::Id.is_in(ids)).exec(c).await?;
    super::views::renew_portfolios(c, &[], &members).await
}

/// The row `id` of project `project_id`, or `NotFound` (also when it belongs to another
/// project: ids in URLs are never trusted across projects).
pub async fn get<E, C>(c: &C, project_id: i32, id: i32) -> Result<E::Model>
where
    E: Audited,
    E::Model: Serialize + IntoActiveModel<E::ActiveModel> + Clone + Send + Sync,
    E::ActiveModel: ActiveModelTrait<Entity = E> + Send,
    C: ConnectionTrait,
{
    lock_project(c, project_id).await?;
    let mut q = E::find().filter(Expr::col("id").eq(id));
    if let Some(col) = E::PROJECT_COLUMN {
        q = q.filter(Expr::col(col).eq(project_id));
    }
    q.one(c).await?.ok_or(Error::NotFound)
}

/// Set a column by name when the table has it (version and timestamps on mutable rows).
fn set_if_present<A: ActiveModelTrait>(am: &mut A, name: &str, v: Value) {
    if let Ok(col) = <<A::Entity as EntityTrait>::Column as FromStr>::from_str(name) {
        am.set(col, v);
    }
}

/// Insert a new row (version 1, created and updated now) and audit it as `action`.
pub async fn insert<E, C>(
    c: &C,
    actor: Actor,
    project_id: i32,
    mut am: E::ActiveModel,
    action: &str,
) -> Result<E::Model>
where
    E: Audited,
    E::Model: Serialize + IntoActiveModel<E::ActiveModel> + Clone + Send + Sync,
    E::ActiveModel: ActiveModelTrait<Entity = E> + Send,
    C: ConnectionTrait,
{
    lock_project(c, project_id).await?;
    let t = now();
    // Tables without a version (API tokens, calendar days, baselines, feeds, quality checks) are inserted all the same.
    if let Ok(v) = <E::Column as FromStr>::from_str("version")
        && am.get(v).is_not_set()
    {
        am.set(v, 1i32.into());
    }
    set_if_present(&mut am, "created_at", t.into());
    set_if_present(&mut am, "updated_at", t.into());
    let row = E::insert(am).exec_with_returning(c).await?;
    let id = id_of::<E>(&row);
    audit::record(c, actor, Some(project_id), E::KIND, id, action, None::<&()>, Some(&row)).await?;
    Ok(row)
}

fn col<E: EntityTrait>(name: &str) -> E::Column {
    <E::Column as FromStr>::from_str(name).unwrap_or_else(|_| panic!("{name} is a column of every audited table"))
}

fn id_of<E>(row: &E::Model) -> i32
where
    E: EntityTrait,
    E::Model: IntoActiveModel<E::ActiveModel> + Clone,
    E::ActiveModel: ActiveModelTrait<Entity = E>,
{
    match row.clone().into_active_model().get(col::<E>("id")).into_value() {
        Some(Value::Int(Some(id))) => id,
        other => panic!("audited tables have an integer id, found {other:?}"),
    }
}

/// A row before and after a change.
#[derive(Clone, Debug)]
pub struct Change<M> {
    pub before: M,
    pub after: M,
}

/// Update row `id` of the project if it still has `version`: the fields set in `am` change,
/// the version goes up by one, `updated_at` is now, and the audit log gets `action` with the
/// row before and after. A stale version changes nothing and is `Conflict`.
#[allow(clippy::too_many_arguments)]
pub async fn update<E, C>(
    c: &C,
    actor: Actor,
    project_id: i32,
    id: i32,
    version: i32,
    am: E::ActiveModel,
    action: &str,
) -> Result<Change<E::Model>>
where
    E: Audited,
    E::Model: Serialize + IntoActiveModel<E::ActiveModel> + Clone + Send + Sync,
    E::ActiveModel: ActiveModelTrait<Entity = E> + Send,
    C: ConnectionTrait,
{
    let before = get::<E, C>(c, project_id, id).await?;
    update_loaded::<E, C>(c, Some(actor), project_id, before, version, am, action).await
}

/// As [`update`], for a caller that already holds the row as it was read in this transaction
/// (a recomputation that loaded every row at once, or a form whose new values depend on the
/// old ones). Without an actor no audit row is written: a new project's first schedule is
/// part of its creation, which is audited as a whole.
#[allow(clippy::too_many_arguments)]
pub async fn update_loaded<E, C>(
    c: &C,
    actor: Option<Actor>,
    project_id: i32,
    before: E::Model,
    version: i32,
    am: E::ActiveModel,
    action: &str,
) -> Result<Change<E::Model>>
where
    E: Audited,
    E::Model: Serialize + IntoActiveModel<E::ActiveModel> + Clone + Send + Sync,
    E::ActiveModel: ActiveModelTrait<Entity = E> + Send,
    C: ConnectionTrait,
{
    lock_project(c, project_id).await?;
    let id = id_of::<E>(&before);
    guarded::<E, C>(c, id, version, am).await?;
    let after = get::<E, C>(c, project_id, id).await?;
    if let Some(actor) = actor {
        audit::record(c, actor, Some(project_id), E::KIND, id, action, Some(&before), Some(&after)).await?;
    }
    Ok(Change { before, after })
}

/// Store values a recomputation derived (the schedule's dates of a row it loaded in this
/// transaction): no version guard and no version bump, because nothing the user typed
/// changed, so a form open on the row stays valid and its save is not a false conflict.
/// Safe because the project's write lock is held (no other save can interleave).
/// Audited as `action` when there is an actor, like [`update_loaded`].
pub async fn derived<E, C>(
    c: &C,
    actor: Option<Actor>,
    project_id: i32,
    before: E::Model,
    am: E::ActiveModel,
    action: &str,
) -> Result<Change<E::Model>>
where
    E: Audited,
    E::Model: Serialize + IntoActiveModel<E::ActiveModel> + Clone + Send + Sync,
    E::ActiveModel: ActiveModelTrait<Entity = E> + Send,
    C: ConnectionTrait,
{
    lock_project(c, project_id).await?;
    let id = id_of::<E>(&before);
    E::update_many().set(am).filter(Expr::col("id").eq(id)).exec(c).await?;
    let after = get::<E, C>(c, project_id, id).await?;
    if let Some(actor) = actor {
        audit::record(c, actor, Some(project_id), E::KIND, id, action, Some(&before), Some(&after)).await?;
    }
    Ok(Change { before, after })
}

/// The guarded write under [`update`], without an audit row: the fields set in `am`
/// change on row `id` only if it still has `version`; the version goes up by one and
/// `updated_at` is now. Zero rows touched means someone else saved first (`Conflict`).
/// Used alone for bookkeeping that is audited through the change that caused it.
pub async fn guarded<E, C>(c: &C, id: i32, version: i32, mut am: E::ActiveModel) -> Result<()>
where
    E: EntityTrait,
    E::ActiveModel: ActiveModelTrait<Entity = E> + Send,
    C: ConnectionTrait,
{
    let next = version.checked_add(1).ok_or(Error::Conflict)?;
    set_if_present(&mut am, "version", next.into());
    set_if_present(&mut am, "updated_at", now().into());
    let res = E::update_many()
        .set(am)
        .filter(Expr::col("id").eq(id))
        .filter(Expr::col("version").eq(version))
        .exec(c)
        .await?;
    if res.rows_affected == 0 { Err(Error::Conflict) } else { Ok(()) }
}

/// Delete row `id` of the project if it still has `version` (`None`: whatever its version,
/// for rows without one), auditing the row as it was. Returns the deleted row.
pub async fn delete<E, C>(c: &C, actor: Actor, project_id: i32, id: i32, version: Option<i32>) -> Result<E::Model>
where
    E: Audited,
    E::Model: Serialize + IntoActiveModel<E::ActiveModel> + Clone + Send + Sync,
    E::ActiveModel: ActiveModelTrait<Entity = E> + Send,
    C: ConnectionTrait,
{
    let before = get::<E, C>(c, project_id, id).await?;
    let mut q = E::delete_many().filter(Expr::col("id").eq(id));
    if let Some(v) = version {
        q = q.filter(Expr::col("version").eq(v));
    }
    if q.exec(c).await?.rows_affected == 0 {
        return Err(Error::Conflict);
    }
    audit::record(c, actor, Some(project_id), E::KIND, id, "delete", Some(&before), None::<&()>).await?;
    Ok(before)
}
