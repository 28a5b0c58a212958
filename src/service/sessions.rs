//! Server-side sessions in the database, so every server instance sees them. The cookie
//! holds a random token; the table holds its SHA-256.
use super::Result;
use crate::db::Db;
use crate::entity::{session, user};
use sea_orm::{ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter};
use sha2::{Digest, Sha256};

pub const LIFETIME_DAYS: i64 = 14;
/// A session unused for longer than this ends (`NINEFOLD_SESSION_IDLE_HOURS`), whatever its
/// absolute lifetime left.
pub const DEFAULT_IDLE_HOURS: i64 = 8;
/// The last activity is written at most this often, so requests do not each write.
const TOUCH_EVERY_SECS: i64 = 60;

pub fn random_token() -> String {
    let mut b = [0u8; 32];
    // The OS random source failing is not recoverable for a server handing out sessions.
    getrandom::fill(&mut b).expect("operating system random source");
    hex::encode(b)
}

/// Compare a presented secret with the expected one in time independent of where they
/// differ (both are hashed first, so the comparison sees fixed-length digests).
pub fn constant_time_eq(presented: &str, expected: &str) -> bool {
    let (a, b) = (hash_token(presented), hash_token(expected));
    a.bytes().zip(b.bytes()).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

pub fn hash_token(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// Start a session; returns the cookie token.
pub async fn create(db: &Db, user_id: i32) -> Result<String> {
    let token = random_token();
    let t = super::now();
    let tx = db.write().await?;
    // Expired sessions are swept on login, which is rare enough to keep this cheap.
    session::Entity::delete_many().filter(session::Column::ExpiresAt.lt(t)).exec(&*tx).await?;
    session::Entity::insert(session::ActiveModel {
        id: Set(hash_token(&token)),
        user_id: Set(user_id),
        csrf_token: Set(random_token()),
        created_at: Set(t),
        expires_at: Set(t + chrono::Duration::days(LIFETIME_DAYS)),
        last_seen_at: Set(Some(t)),
    })
    .exec_without_returning(&*tx)
    .await?;
    tx.commit().await?;
    Ok(token)
}

/// The live session and its user for a cookie token: not past its absolute lifetime, and
/// used within `idle`. Its last activity is recorded (at most once a minute; session
/// bookkeeping, not project data).
pub async fn lookup(db: &Db, token: &str, idle: chrono::Duration) -> Result<Option<(session::Model, user::Model)>> {
    // The session and its user in one statement: every request starts here.
    let Some((s, Some(u))) =
        session::Entity::find_by_id(hash_token(token)).find_also_related(user::Entity).one(&db.conn).await?
    else {
        return Ok(None);
    };
    let t = super::now();
    let last = s.last_seen_at.unwrap_or(s.created_at);
    if s.expires_at < t || t - last > idle {
        return Ok(None);
    }
    if (t - last).num_seconds() >= TOUCH_EVERY_SECS {
        let tx = db.write().await?;
        session::Entity::update_many()
            .col_expr(session::Column::LastSeenAt, sea_orm::sea_query::Expr::value(Some(t)))
            .filter(session::Column::Id.eq(s.id.clone()))
            .exec(&*tx)
            .await?;
        tx.commit().await?;
    }
    Ok(Some((s, u)))
}

/// End every session of a user (their password changed).
pub async fn end_all<C: sea_orm::ConnectionTrait>(c: &C, user_id: i32) -> Result<()> {
    session::Entity::delete_many().filter(session::Column::UserId.eq(user_id)).exec(c).await?;
    Ok(())
}

pub async fn delete(db: &Db, token: &str) -> Result<()> {
    let tx = db.write().await?;
    session::Entity::delete_by_id(hash_token(token)).exec(&*tx).await?;
    tx.commit().await?;
    Ok(())
}
