//! User accounts: argon2id password hashes, the admin's user management, language setting.
use super::{Actor, Error, Result, audit, now};
use crate::db::Db;
use crate::domain::validation::{FieldErrors, required_text};
use crate::entity::user;
use argon2::{Argon2, PasswordHasher, PasswordVerifier};
use sea_orm::prelude::DateTimeUtc;
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};

pub fn hash_password(password: &str) -> String {
    // Hashing only fails for absurd parameter or output sizes, which are fixed here.
    Argon2::default().hash_password(password.as_bytes()).map(|h| h.to_string()).unwrap_or_default()
}

pub fn verify_password(password: &str, hash: &str) -> bool {
    Argon2::default().verify_password(password.as_bytes(), hash).is_ok()
}

pub async fn by_email<C: ConnectionTrait>(c: &C, email: &str) -> Result<Option<user::Model>> {
    Ok(user::Entity::find().filter(user::Column::Email.eq(email.trim().to_lowercase())).one(c).await?)
}

/// Verify a password on the blocking pool (argon2 is deliberately slow: never on the async
/// runtime, never under the writer lock).
async fn verify_blocking(password: &str, hash: &str) -> Result<bool> {
    let (password, hash) = (password.to_string(), hash.to_string());
    tokio::task::spawn_blocking(move || verify_password(&password, &hash))
        .await
        .map_err(|e| Error::Db(sea_orm::DbErr::Custom(format!("verifying: {e}"))))
}

/// When an account locks: after `lock_after` wrong passwords in a row, for `lock_for`.
#[derive(Clone, Copy, Debug)]
pub struct Lockout {
    pub lock_after: i32,
    pub lock_for: chrono::Duration,
}

/// Check a login. Unknown e-mail, wrong password and a locked account look the same to the
/// caller, and take the same steps (one argon2 verification, one counting update), so
/// neither message nor timing tells whether an account exists. Wrong passwords are counted
/// on the account; at `lock_after` it locks for `lock_for` (audited) unless an admin
/// releases it first. A good password resets the count.
pub async fn authenticate(db: &Db, email: &str, password: &str, lockout: Lockout) -> Result<Option<user::Model>> {
    let email = email.trim().to_lowercase();
    let found = by_email(&db.conn, &email).await?;
    let ok = verify_blocking(password, found.as_ref().map_or(DUMMY_HASH, |u| u.password_hash.as_str())).await?;
    let t = now();
    let locked = found.as_ref().is_some_and(|u| u.locked_until.is_some_and(|until| until > t));
    if ok
        && !locked
        && let Some(u) = found
    {
        if u.failed_logins != 0 || u.locked_until.is_some() {
            let tx = db.write().await?;
            user::Entity::update_many()
                .col_expr(user::Column::FailedLogins, Expr::value(0))
                .col_expr(user::Column::LockedUntil, Expr::value(Option::<DateTimeUtc>::None))
                .filter(user::Column::Id.eq(u.id))
                .exec(&*tx)
                .await?;
            tx.commit().await?;
        }
        return Ok(Some(u));
    }
    let tx = db.write().await?;
    // The same statement whether or not the account exists (it then changes no row).
    user::Entity::update_many()
        .col_expr(user::Column::FailedLogins, Expr::col(user::Column::FailedLogins).add(1))
        .filter(user::Column::Email.eq(email.as_str()))
        .exec(&*tx)
        .await?;
    if let Some(u) = found
        && !locked
        && u.failed_logins.saturating_add(1) >= lockout.lock_after
    {
        let until = t + lockout.lock_for;
        user::Entity::update_many()
            .col_expr(user::Column::LockedUntil, Expr::value(Some(until)))
            .filter(user::Column::Id.eq(u.id))
            .exec(&*tx)
            .await?;
        let after = serde_json::json!({ "failed_logins": u.failed_logins.saturating_add(1), "locked_until": until });
        audit::record(&*tx, Actor { user_id: u.id }, None, "user", u.id, "lockout", None::<&()>, Some(&after)).await?;
        tracing::warn!(user = u.id, "account locked after repeated failed logins");
    }
    tx.commit().await?;
    Ok(None)
}

/// An administrator's settings of an account: may it create projects, and release a lock.
pub async fn set_flags(db: &Db, actor: Actor, user_id: i32, project_creator: bool, unlock: bool) -> Result<()> {
    let tx = db.write().await?;
    let before = get(&*tx, user_id).await?;
    let mut am = user::ActiveModel {
        id: Set(before.id),
        project_creator: Set(project_creator),
        version: Set(before.version.checked_add(1).ok_or(Error::Conflict)?),
        updated_at: Set(now()),
        ..Default::default()
    };
    if unlock {
        am.failed_logins = Set(0);
        am.locked_until = Set(None);
    }
    let after = am.update(&*tx).await?;
    let action = if unlock && before.locked_until.is_some() { "unlock" } else { "update" };
    audit::record(&*tx, actor, None, "user", user_id, action, Some(&before), Some(&after)).await?;
    tx.commit().await?;
    Ok(())
}

/// Change one's own password: the current one is checked, the new one must pass the rules of
/// a new account, and every session of the user ends (the caller starts a fresh one).
pub async fn change_password(db: &Db, user_id: i32, current: &str, new: &str) -> Result<()> {
    let u = get(&db.conn, user_id).await?;
    let mut e = FieldErrors::default();
    if !verify_blocking(current, &u.password_hash).await? {
        e.add("current_password", "err.password_wrong");
    }
    if new.chars().count() < 10 {
        e.add("new_password", "err.password_short");
    } else if new.len() > 1024 {
        e.add("new_password", "err.too_long");
    }
    e.check()?;
    let new = new.to_string();
    let hash = tokio::task::spawn_blocking(move || hash_password(&new))
        .await
        .map_err(|e| Error::Db(sea_orm::DbErr::Custom(format!("hashing: {e}"))))?;
    let tx = db.write().await?;
    user::Entity::update_many()
        .col_expr(user::Column::PasswordHash, Expr::value(hash))
        .col_expr(user::Column::UpdatedAt, Expr::value(now()))
        .filter(user::Column::Id.eq(user_id))
        .exec(&*tx)
        .await?;
    super::sessions::end_all(&*tx, user_id).await?;
    audit::record(&*tx, Actor { user_id }, None, "user", user_id, "password", None::<&()>, None::<&()>).await?;
    tx.commit().await?;
    Ok(())
}

const DUMMY_HASH: &str =
    "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$2L7nQ6nqbqdDvuFqZ8rK3Tq7j1dLJ1YQ0yq0bq6Xk2k";

#[derive(Clone, Debug, Default, serde::Serialize)]
pub struct NewUser {
    pub email: String,
    pub name: String,
    #[serde(skip)]
    pub password: String,
    pub is_admin: bool,
    /// May create projects (admins always may).
    pub project_creator: bool,
}

pub fn validate_new_user(raw: &NewUser) -> std::result::Result<NewUser, FieldErrors> {
    let mut e = FieldErrors::default();
    let email = required_text(&mut e, "email", &raw.email, 254).to_lowercase();
    if !email.is_empty() && !is_plausible_email(&email) {
        e.add("email", "err.email");
    }
    let name = required_text(&mut e, "name", &raw.name, 200);
    if raw.password.chars().count() < 10 {
        e.add("password", "err.password_short");
    } else if raw.password.len() > 1024 {
        e.add("password", "err.too_long");
    }
    e.into_result(NewUser {
        email,
        name,
        password: raw.password.clone(),
        is_admin: raw.is_admin,
        project_creator: raw.project_creator,
    })
}

pub fn is_plausible_email(s: &str) -> bool {
    match s.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !s.contains(char::is_whitespace)
        }
        None => false,
    }
}

/// Create a user (admins do this; `actor` is `None` only for bootstrap and the demo).
pub async fn create<C: ConnectionTrait>(c: &C, actor: Option<Actor>, raw: &NewUser) -> Result<user::Model> {
    let u = validate_new_user(raw).map_err(Error::Invalid)?;
    let hash = hash_password(&u.password);
    insert_hashed(c, actor, &u, hash).await
}

pub async fn insert_hashed<C: ConnectionTrait>(
    c: &C,
    actor: Option<Actor>,
    u: &NewUser,
    hash: String,
) -> Result<user::Model> {
    if by_email(c, &u.email).await?.is_some() {
        return Err(Error::Invalid(FieldErrors::single("email", "err.email_taken")));
    }
    let t = now();
    let model = user::Entity::insert(user::ActiveModel {
        email: Set(u.email.clone()),
        name: Set(u.name.clone()),
        password_hash: Set(hash),
        is_admin: Set(u.is_admin),
        project_creator: Set(u.project_creator),
        locale: Set(None),
        version: Set(1),
        created_at: Set(t),
        updated_at: Set(t),
        ..Default::default()
    })
    .exec_with_returning(c)
    .await
    .map_err(|e| match e.sql_err() {
        // The same address registered by another request between the look-up and here.
        Some(sea_orm::SqlErr::UniqueConstraintViolation(_)) => {
            Error::Invalid(FieldErrors::single("email", "err.email_taken"))
        }
        _ => Error::Db(e),
    })?;
    if let Some(actor) = actor {
        audit::record(c, actor, None, "user", model.id, "create", None::<&()>, Some(&model)).await?;
    }
    Ok(model)
}

/// Whether any account exists (a fresh install shows the setup page until one does).
pub async fn any<C: ConnectionTrait>(c: &C) -> Result<bool> {
    Ok(user::Entity::find().one(c).await?.is_some())
}

/// Create an administrator without an acting user: the first account of a fresh install
/// (`first_only`: refused with `Rule` once any user exists, as the setup page requires) or
/// one made from the server's command line. The password is hashed on the blocking pool
/// before the write lock is taken, so argon2 never stalls the runtime or other writers.
pub async fn bootstrap_admin(db: &Db, raw: &NewUser, first_only: bool) -> Result<user::Model> {
    register(db, None, &NewUser { is_admin: true, ..raw.clone() }, first_only).await
}

/// Create an account in one transaction, the password hashed on the blocking pool first
/// (argon2 is deliberately slow: never on the async runtime, never under the writer lock).
/// `actor` is the administrator creating it (audited), `None` for bootstrap;
/// `first_only` refuses with `Rule` once any user exists (the setup page).
pub async fn register(db: &Db, actor: Option<Actor>, raw: &NewUser, first_only: bool) -> Result<user::Model> {
    let u = validate_new_user(raw).map_err(Error::Invalid)?;
    let password = u.password.clone();
    let hash = tokio::task::spawn_blocking(move || hash_password(&password))
        .await
        .map_err(|e| Error::Db(sea_orm::DbErr::Custom(format!("hashing: {e}"))))?;
    super::write::transaction(db, async |tx| {
        if first_only {
            if tx.get_database_backend() == sea_orm::DbBackend::Postgres {
                // Two setup forms posted at once must not both make an administrator.
                tx.execute_unprepared("SELECT pg_advisory_xact_lock(7193)").await?;
            }
            if any(tx).await? {
                return Err(Error::Rule("err.setup_done"));
            }
        }
        insert_hashed(tx, actor, &u, hash).await
    })
    .await
}

pub async fn list<C: ConnectionTrait>(c: &C) -> Result<Vec<user::Model>> {
    Ok(user::Entity::find().order_by_asc(user::Column::Name).all(c).await?)
}

pub async fn get<C: ConnectionTrait>(c: &C, id: i32) -> Result<user::Model> {
    user::Entity::find_by_id(id).one(c).await?.ok_or(Error::NotFound)
}

/// Save the user's language; a preference, not project data, so it is not audited.
pub async fn set_locale(db: &Db, user_id: i32, lang: &str) -> Result<()> {
    let tx = db.write().await?;
    user::Entity::update_many()
        .set(user::ActiveModel { locale: Set(Some(lang.to_string())), ..Default::default() })
        .filter(user::Column::Id.eq(user_id))
        .exec(&*tx)
        .await?;
    tx.commit().await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn password_hash_round_trip() {
        let h = hash_password("correct horse battery");
        assert!(h.starts_with("$argon2id$"));
        assert!(verify_password("correct horse battery", &h));
        assert!(!verify_password("wrong", &h));
        assert!(!verify_password("x", "not a hash"));
    }

    #[test]
    fn new_user_rules() {
        let raw = NewUser {
            email: " Ann@Example.COM ".into(),
            name: "Ann".into(),
            password: "0123456789".into(),
            ..Default::default()
        };
        assert_eq!(validate_new_user(&raw).unwrap().email, "ann@example.com");
        let bad = NewUser { email: "nope".into(), name: "".into(), password: "short".into(), ..Default::default() };
        let fields: Vec<_> = validate_new_user(&bad).unwrap_err().0.into_iter().map(|f| f.field).collect();
        assert_eq!(fields, ["email", "name", "password"]);
    }
}
