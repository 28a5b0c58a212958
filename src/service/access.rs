//! Authorisation: the one check every project request goes through.
use super::{Error, Result};
use crate::domain::policy::{Action, Role, allows};
use crate::entity::{project, project_member, user};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};

#[derive(Clone, Debug)]
pub struct Access {
    pub project: project::Model,
    pub role: Role,
}

/// The user's role in a project. A project they are not a member of does not exist for them
/// (404, so its existence does not leak); a role that lacks `action` is forbidden (403).
pub async fn authorize<C: ConnectionTrait>(
    c: &C,
    user: &user::Model,
    project_id: i32,
    action: Action,
) -> Result<Access> {
    let member = project_member::Entity::find()
        .filter(project_member::Column::ProjectId.eq(project_id))
        .filter(project_member::Column::UserId.eq(user.id))
        .one(c)
        .await?
        .ok_or(Error::NotFound)?;
    let role = Role::parse(&member.role).ok_or(Error::NotFound)?;
    let project = project::Entity::find_by_id(project_id).one(c).await?.ok_or(Error::NotFound)?;
    if !allows(role, action) {
        return Err(Error::Forbidden);
    }
    Ok(Access { project, role })
}
