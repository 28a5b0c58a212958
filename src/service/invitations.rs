//! Invitations and password resets by e-mail. A director invites someone to the project
//! with a role (linked to a person of the organisation); the e-mail's link carries a
//! single-use token that expires, stored only as its SHA-256. Opening it lets the invitee
//! set a password: the account is made, joins the project and is logged in. Someone who
//! already has an account joins at once and is told by e-mail. Password reset works the
//! same way for an existing account. Self-registration stays off.
use super::sessions::{hash_token, random_token};
use super::{Actor, Error, Result, mail, now, write};
use crate::db::Db;
use crate::domain::policy::Role;
use crate::domain::validation::{FieldErrors, required_text};
use crate::entity::{invitation, password_reset, person, project_member, user};
use crate::i18n::{self, Lang};
use chrono::Duration;
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use serde::Serialize;

/// How long an invitation link works.
pub const INVITE_DAYS: i64 = 7;
/// How long a password-reset link works.
pub const RESET_HOURS: i64 = 2;

/// The invitation form as typed.
#[derive(Clone, Debug, Default)]
pub struct InviteInput {
    pub email: String,
    pub name: String,
    pub role: String,
    pub person_id: Option<i32>,
    pub lang: String,
}

/// What an invitation did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Invited {
    /// A link was e-mailed (the new account's invitation).
    Sent(i32),
    /// The address already had an account: it joined the project (and was told).
    Joined(i32),
}

/// Invite `input.email` to the project with a role. Refused by field: a bad address, an
/// unknown role, a person not of this project, someone already a member.
pub async fn invite(db: &Db, actor: Actor, project_id: i32, input: &InviteInput, base: &str) -> Result<Invited> {
    let mut e = FieldErrors::default();
    let email = required_text(&mut e, "email", &input.email, 254).to_lowercase();
    if !email.is_empty() && !super::users::is_plausible_email(&email) {
        e.add("email", "err.email");
    }
    let name = input.name.trim().to_string();
    if name.chars().count() > 200 {
        e.add("name", "err.too_long");
    } else if name.chars().any(char::is_control) {
        e.add("name", "err.control_chars");
    }
    let role = Role::parse(input.role.trim());
    if role.is_none() {
        e.add("role", "collab.err.role");
    }
    let lang = Lang::parse(&input.lang).unwrap_or(Lang::En);
    e.check()?;
    let role = role.ok_or(Error::Rule("collab.err.role"))?;
    let token = random_token();
    let t = now();
    write::transaction_in(db, project_id, async |tx| {
        let project = super::projects::get(tx, project_id).await?;
        let person = match input.person_id {
            Some(pid) => Some(
                write::get::<person::Entity, _>(tx, project_id, pid)
                    .await
                    .map_err(|_| Error::Invalid(FieldErrors::single("person_id", "collab.err.person")))?,
            ),
            None => None,
        };
        let inviter = super::users::get(tx, actor.user_id).await?;
        if let Some(existing) = super::users::by_email(tx, &email).await? {
            let member = project_member::Entity::find()
                .filter(project_member::Column::ProjectId.eq(project_id))
                .filter(project_member::Column::UserId.eq(existing.id))
                .one(tx)
                .await?;
            if member.is_some() {
                return Err(Error::Invalid(FieldErrors::single("email", "collab.err.already_member")));
            }
            super::projects::add_member_in(tx, actor, project_id, existing.id, role).await?;
            if let Some(p) = &person {
                link_person(tx, actor, project_id, p, existing.id).await?;
            }
            let l = existing.locale.as_deref().and_then(Lang::parse).unwrap_or(lang);
            let mut letter = mail::Letter::new(
                l,
                &existing.name,
                i18n::tf(l, "collab.invite.joined_subject", &[("project", &project.name)]),
            );
            letter.paragraphs.push(i18n::tf(
                l,
                "collab.invite.joined_body",
                &[
                    ("inviter", &inviter.name),
                    ("project", &project.name),
                    ("role", &i18n::t(l, &format!("role.{}", role.as_str()))),
                ],
            ));
            letter.action =
                Some((i18n::t(l, "collab.invite.open_project"), mail::link(base, &format!("/projects/{project_id}"))));
            let key = format!("joined:{project_id}:{}", existing.id);
            mail::enqueue(tx, &key, &letter.to_mail(&existing.email, &existing.name)).await?;
            return Ok(Invited::Joined(existing.id));
        }
        let display =
            if name.is_empty() { person.as_ref().map(|p| p.name.clone()).unwrap_or_default() } else { name.clone() };
        let am = invitation::ActiveModel {
            project_id: Set(project_id),
            email: Set(email.clone()),
            name: Set(display.clone()),
            role: Set(role.as_str().into()),
            lang: Set(lang.code().into()),
            person_id: Set(person.as_ref().map(|p| p.id)),
            token_hash: Set(hash_token(&token)),
            invited_by: Set(actor.user_id),
            expires_at: Set(t + Duration::days(INVITE_DAYS)),
            used_at: Set(None),
            user_id: Set(None),
            ..Default::default()
        };
        let inv = write::insert::<invitation::Entity, _>(tx, actor, project_id, am, "create").await?;
        let greet = if display.is_empty() { email.clone() } else { display.clone() };
        let mut letter =
            mail::Letter::new(lang, &greet, i18n::tf(lang, "collab.invite.subject", &[("project", &project.name)]));
        letter.paragraphs.push(i18n::tf(
            lang,
            "collab.invite.body",
            &[
                ("inviter", &inviter.name),
                ("project", &project.name),
                ("client", &project.client_name),
                ("role", &i18n::t(lang, &format!("role.{}", role.as_str()))),
            ],
        ));
        letter.paragraphs.push(i18n::tf(lang, "collab.invite.expires", &[("days", &INVITE_DAYS.to_string())]));
        letter.action = Some((i18n::t(lang, "collab.invite.accept"), mail::link(base, &format!("/invite/{token}"))));
        mail::enqueue(tx, &format!("invite:{}", inv.id), &letter.to_mail(&email, &display)).await?;
        Ok(Invited::Sent(inv.id))
    })
    .await
}

async fn link_person<C: sea_orm::ConnectionTrait>(
    c: &C,
    actor: Actor,
    project_id: i32,
    p: &person::Model,
    user_id: i32,
) -> Result<()> {
    if p.user_id == Some(user_id) {
        return Ok(());
    }
    let am = person::ActiveModel { user_id: Set(Some(user_id)), ..Default::default() };
    write::update::<person::Entity, _>(c, actor, project_id, p.id, p.version, am, "link_user").await?;
    Ok(())
}

/// An invitation as its link shows it (the token's, if it still works).
#[derive(Clone, Debug, Serialize)]
pub struct Pending {
    pub id: i32,
    pub project_id: i32,
    pub project_name: String,
    pub email: String,
    pub name: String,
    pub role: String,
    pub lang: String,
}

/// The invitation a link's token opens, if it is unused and not expired.
pub async fn pending(db: &Db, token: &str) -> Result<Option<Pending>> {
    let Some(inv) =
        invitation::Entity::find().filter(invitation::Column::TokenHash.eq(hash_token(token))).one(&db.conn).await?
    else {
        return Ok(None);
    };
    if inv.used_at.is_some() || inv.expires_at < now() {
        return Ok(None);
    }
    let project = super::projects::get(&db.conn, inv.project_id).await?;
    Ok(Some(Pending {
        id: inv.id,
        project_id: inv.project_id,
        project_name: project.name,
        email: inv.email,
        name: inv.name,
        role: inv.role,
        lang: inv.lang,
    }))
}

/// Accept an invitation: the account is made with `password` (name as typed), joins the
/// project with the role, is linked to the person, and the link stops working. Returns the
/// new user and the project. A used or expired link is `NotFound`.
pub async fn accept(db: &Db, token: &str, name: &str, password: &str) -> Result<(user::Model, i32)> {
    let mut e = FieldErrors::default();
    let name = required_text(&mut e, "name", name, 200);
    if password.chars().count() < 10 {
        e.add("password", "err.password_short");
    } else if password.len() > 1024 {
        e.add("password", "err.too_long");
    }
    e.check()?;
    let pw = password.to_string();
    let hash = tokio::task::spawn_blocking(move || super::users::hash_password(&pw))
        .await
        .map_err(|e| Error::Db(sea_orm::DbErr::Custom(format!("hashing: {e}"))))?;
    let th = hash_token(token);
    let inv = invitation::Entity::find().filter(invitation::Column::TokenHash.eq(th)).one(&db.conn).await?;
    let inv = inv.ok_or(Error::NotFound)?;
    write::transaction_in(db, inv.project_id, async |tx| {
        let t = now();
        // Single use: only the first of two clicks finds it unused.
        let taken = invitation::Entity::update_many()
            .col_expr(invitation::Column::UsedAt, Expr::value(Some(t)))
            .col_expr(invitation::Column::UpdatedAt, Expr::value(t))
            .filter(invitation::Column::Id.eq(inv.id))
            .filter(invitation::Column::UsedAt.is_null())
            .filter(invitation::Column::ExpiresAt.gt(t))
            .exec(tx)
            .await?;
        if taken.rows_affected == 0 {
            return Err(Error::NotFound);
        }
        let role = Role::parse(&inv.role).ok_or(Error::Rule("collab.err.role"))?;
        let new = super::users::NewUser {
            email: inv.email.clone(),
            name: name.clone(),
            password: String::new(),
            is_admin: false,
            project_creator: false,
        };
        let u = super::users::insert_hashed(tx, None, &new, hash.clone()).await?;
        user::Entity::update_many()
            .col_expr(user::Column::Locale, Expr::value(Some(inv.lang.clone())))
            .filter(user::Column::Id.eq(u.id))
            .exec(tx)
            .await?;
        let me = Actor { user_id: u.id };
        super::audit::record(tx, me, Some(inv.project_id), "user", u.id, "accept_invitation", None::<&()>, Some(&u))
            .await?;
        invitation::Entity::update_many()
            .col_expr(invitation::Column::UserId, Expr::value(Some(u.id)))
            .filter(invitation::Column::Id.eq(inv.id))
            .exec(tx)
            .await?;
        super::projects::add_member_in(tx, me, inv.project_id, u.id, role).await?;
        if let Some(pid) = inv.person_id
            && let Ok(p) = write::get::<person::Entity, _>(tx, inv.project_id, pid).await
        {
            link_person(tx, me, inv.project_id, &p, u.id).await?;
        }
        let u = super::users::get(tx, u.id).await?;
        Ok((u, inv.project_id))
    })
    .await
}

/// The project's invitations, newest first (for its invitation page).
pub async fn list<C: sea_orm::ConnectionTrait>(c: &C, project_id: i32) -> Result<Vec<invitation::Model>> {
    Ok(invitation::Entity::find()
        .filter(invitation::Column::ProjectId.eq(project_id))
        .order_by_desc(invitation::Column::Id)
        .all(c)
        .await?)
}

/// Ask for a reset link. Whether the address has an account or not, the caller answers the
/// same; only an existing account gets an e-mail.
pub async fn request_reset(db: &Db, email: &str, fallback: Lang, base: &str) -> Result<()> {
    let email = email.trim().to_lowercase();
    let Some(u) = super::users::by_email(&db.conn, &email).await? else { return Ok(()) };
    let token = random_token();
    let t = now();
    write::transaction(db, async |tx| {
        let row = password_reset::Entity::insert(password_reset::ActiveModel {
            user_id: Set(u.id),
            token_hash: Set(hash_token(&token)),
            created_at: Set(t),
            expires_at: Set(t + Duration::hours(RESET_HOURS)),
            used_at: Set(None),
            ..Default::default()
        })
        .exec_with_returning(tx)
        .await?;
        super::audit::record(
            tx,
            Actor { user_id: u.id },
            None,
            "user",
            u.id,
            "reset_requested",
            None::<&()>,
            None::<&()>,
        )
        .await?;
        let lang = u.locale.as_deref().and_then(Lang::parse).unwrap_or(fallback);
        let mut letter = mail::Letter::new(lang, &u.name, i18n::t(lang, "collab.reset.subject"));
        letter.paragraphs.push(i18n::tf(lang, "collab.reset.body", &[("hours", &RESET_HOURS.to_string())]));
        letter.action =
            Some((i18n::t(lang, "collab.reset.action"), mail::link(base, &format!("/password/reset/{token}"))));
        mail::enqueue(tx, &format!("reset:{}", row.id), &letter.to_mail(&u.email, &u.name)).await
    })
    .await
}

/// Whether a reset link still works.
pub async fn reset_valid(db: &Db, token: &str) -> Result<bool> {
    Ok(password_reset::Entity::find()
        .filter(password_reset::Column::TokenHash.eq(hash_token(token)))
        .filter(password_reset::Column::UsedAt.is_null())
        .filter(password_reset::Column::ExpiresAt.gt(now()))
        .one(&db.conn)
        .await?
        .is_some())
}

/// Set a new password through a reset link: single use, every other session ends, audited.
/// Returns the user (the caller logs them in). A used or expired link is `NotFound`.
pub async fn reset(db: &Db, token: &str, password: &str) -> Result<user::Model> {
    if password.chars().count() < 10 {
        return Err(Error::Invalid(FieldErrors::single("password", "err.password_short")));
    } else if password.len() > 1024 {
        return Err(Error::Invalid(FieldErrors::single("password", "err.too_long")));
    }
    let pw = password.to_string();
    let hash = tokio::task::spawn_blocking(move || super::users::hash_password(&pw))
        .await
        .map_err(|e| Error::Db(sea_orm::DbErr::Custom(format!("hashing: {e}"))))?;
    let th = hash_token(token);
    write::transaction(db, async |tx| {
        let t = now();
        let row = password_reset::Entity::find()
            .filter(password_reset::Column::TokenHash.eq(th.clone()))
            .one(tx)
            .await?
            .ok_or(Error::NotFound)?;
        let taken = password_reset::Entity::update_many()
            .col_expr(password_reset::Column::UsedAt, Expr::value(Some(t)))
            .filter(password_reset::Column::Id.eq(row.id))
            .filter(password_reset::Column::UsedAt.is_null())
            .filter(password_reset::Column::ExpiresAt.gt(t))
            .exec(tx)
            .await?;
        if taken.rows_affected == 0 {
            return Err(Error::NotFound);
        }
        user::Entity::update_many()
            .col_expr(user::Column::PasswordHash, Expr::value(hash.clone()))
            .col_expr(user::Column::FailedLogins, Expr::value(0))
            .col_expr(user::Column::LockedUntil, Expr::value(Option::<chrono::DateTime<chrono::Utc>>::None))
            .col_expr(user::Column::UpdatedAt, Expr::value(t))
            .filter(user::Column::Id.eq(row.user_id))
            .exec(tx)
            .await?;
        super::sessions::end_all(tx, row.user_id).await?;
        super::audit::record(
            tx,
            Actor { user_id: row.user_id },
            None,
            "user",
            row.user_id,
            "password_reset",
            None::<&()>,
            None::<&()>,
        )
        .await?;
        super::users::get(tx, row.user_id).await
    })
    .await
}
