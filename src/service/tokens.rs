//! Personal access tokens: a user's bearer tokens for the JSON API, read or read-write,
//! with an expiry, the time of last use, and revocation. Only the SHA-256 of a token is
//! stored; the clear text is returned once, when it is made. A token acts as its user: the
//! same project roles and the same policy as the pages, narrowed by its scope.
use super::{Actor, Error, Result, audit, sessions};
use crate::db::Db;
use crate::domain::validation::{FieldErrors, required_text};
use crate::entity::{personal_token, user};
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};

/// Every personal token starts so (project tokens start `nf_` followed by hex digits).
pub const PREFIX: &str = "nfp_";
/// The last use is recorded at most this often (bookkeeping, not project data).
const TOUCH_EVERY_SECS: i64 = 60;
/// The longest expiry a token may be given, in days.
pub const MAX_DAYS: i64 = 366;

/// What a token may do.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Scope {
    /// GET only.
    Read,
    /// Reads and writes, as far as the user's roles allow.
    Write,
}

impl Scope {
    pub fn parse(s: &str) -> Option<Scope> {
        match s.trim() {
            "read" => Some(Scope::Read),
            "write" => Some(Scope::Write),
            _ => None,
        }
    }
    pub fn as_str(self) -> &'static str {
        match self {
            Scope::Read => "read",
            Scope::Write => "write",
        }
    }
}

/// The token form as typed: a name, `read`/`write`, and the days until it expires.
#[derive(Clone, Debug, Default, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct NewToken {
    pub name: String,
    pub scope: String,
    pub expires_days: String,
}

/// Make a token for `user_id`; returns the row and the clear text (shown once).
pub async fn create(db: &Db, user_id: i32, f: &NewToken) -> Result<(personal_token::Model, String)> {
    let mut e = FieldErrors::default();
    let name = required_text(&mut e, "name", &f.name, 200);
    let scope = Scope::parse(&f.scope);
    if scope.is_none() {
        e.add("scope", "err.choose_from_list");
    }
    let days = match f.expires_days.trim().parse::<i64>() {
        Ok(d) if (1..=MAX_DAYS).contains(&d) => Some(d),
        _ => {
            e.add("expires_days", "api.err.expires_days");
            None
        }
    };
    e.check()?;
    let token = format!("{PREFIX}{}", sessions::random_token());
    let now = super::now();
    let am = personal_token::ActiveModel {
        user_id: Set(user_id),
        name: Set(name),
        scope: Set(scope.unwrap_or(Scope::Read).as_str().into()),
        token_hash: Set(sessions::hash_token(&token)),
        created_at: Set(now),
        expires_at: Set(days.map(|d| now + chrono::Duration::days(d))),
        ..Default::default()
    };
    let m = super::write::transaction(db, async |tx| {
        let m = personal_token::Entity::insert(am).exec_with_returning(tx).await?;
        audit::record(tx, Actor { user_id }, None, "personal_token", m.id, "create", None::<&()>, Some(&m)).await?;
        Ok(m)
    })
    .await?;
    Ok((m, token))
}

/// A user's tokens, newest first (never their hashes: the model skips them).
pub async fn list<C: ConnectionTrait>(c: &C, user_id: i32) -> Result<Vec<personal_token::Model>> {
    Ok(personal_token::Entity::find()
        .filter(personal_token::Column::UserId.eq(user_id))
        .order_by_desc(personal_token::Column::Id)
        .all(c)
        .await?)
}

/// Revoke one of the user's own tokens (another user's token is "not found").
pub async fn revoke(db: &Db, user_id: i32, id: i32) -> Result<()> {
    super::write::transaction(db, async |tx| {
        let before = personal_token::Entity::find_by_id(id)
            .filter(personal_token::Column::UserId.eq(user_id))
            .one(tx)
            .await?
            .ok_or(Error::NotFound)?;
        if before.revoked_at.is_some() {
            return Ok(());
        }
        personal_token::Entity::update_many()
            .col_expr(personal_token::Column::RevokedAt, sea_orm::sea_query::Expr::value(Some(super::now())))
            .filter(personal_token::Column::Id.eq(id))
            .exec(tx)
            .await?;
        let after = personal_token::Entity::find_by_id(id).one(tx).await?.ok_or(Error::NotFound)?;
        audit::record(tx, Actor { user_id }, None, "personal_token", id, "revoke", Some(&before), Some(&after)).await
    })
    .await
}

/// The user and scope a bearer token stands for: known, not revoked, not expired. Its last
/// use is recorded (at most once a minute, like a session's last activity).
pub async fn authenticate(db: &Db, token: &str) -> Result<Option<(personal_token::Model, user::Model, Scope)>> {
    let Some(t) = personal_token::Entity::find()
        .filter(personal_token::Column::TokenHash.eq(sessions::hash_token(token)))
        .one(&db.conn)
        .await?
    else {
        return Ok(None);
    };
    let now = super::now();
    if t.revoked_at.is_some() || t.expires_at.is_some_and(|e| e <= now) {
        return Ok(None);
    }
    let Some(scope) = Scope::parse(&t.scope) else { return Ok(None) };
    let Some(u) = user::Entity::find_by_id(t.user_id).one(&db.conn).await? else { return Ok(None) };
    if t.last_used_at.is_none_or(|l| (now - l).num_seconds() >= TOUCH_EVERY_SECS) {
        let tx = db.write().await?;
        personal_token::Entity::update_many()
            .col_expr(personal_token::Column::LastUsedAt, sea_orm::sea_query::Expr::value(Some(now)))
            .filter(personal_token::Column::Id.eq(t.id))
            .exec(&*tx)
            .await?;
        tx.commit().await?;
    }
    Ok(Some((t, u, scope)))
}
