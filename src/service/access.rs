//! Authorisation: the one check every project request goes through.
use super::{Error, Result};
use crate::domain::policy::{Action, Role, allows};
use crate::entity::{membership, org_unit, project, project_member, user};
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
    // The membership and the project in one statement: every project page starts here.
    let (member, project) = project_member::Entity::find()
        .filter(project_member::Column::ProjectId.eq(project_id))
        .filter(project_member::Column::UserId.eq(user.id))
        .find_also_related(project::Entity)
        .one(c)
        .await?
        .ok_or(Error::NotFound)?;
    let role = Role::parse(&member.role).ok_or(Error::NotFound)?;
    let project = project.ok_or(Error::NotFound)?;
    if !allows(role, action) {
        return Err(Error::Forbidden);
    }
    Ok(Access { project, role })
}

/// `Forbidden` unless `role` may do `action` (for writes whose action depends on what they
/// touch, found after the project was authorised for viewing).
pub fn require(role: Role, action: Action) -> Result<()> {
    if allows(role, action) { Ok(()) } else { Err(Error::Forbidden) }
}

/// The action a change of a project member needs (`policy::member_change`): `user_id` or
/// `member_id` names the member as it is now, `new_role` the role it gets (none: removed).
pub async fn member_change<C: ConnectionTrait>(
    c: &C,
    project_id: i32,
    user_id: Option<i32>,
    member_id: Option<i32>,
    new_role: Option<Role>,
) -> Result<Action> {
    let mut q = project_member::Entity::find().filter(project_member::Column::ProjectId.eq(project_id));
    q = match (user_id, member_id) {
        (Some(u), _) => q.filter(project_member::Column::UserId.eq(u)),
        (None, Some(m)) => q.filter(project_member::Column::Id.eq(m)),
        (None, None) => return Ok(crate::domain::policy::member_change(None, new_role)),
    };
    let old = q.one(c).await?.and_then(|m| Role::parse(&m.role));
    Ok(crate::domain::policy::member_change(old, new_role))
}

/// The action a write on an organisation tier needs: the steering committee's membership is
/// `ManageSteering`, every other tier or group `Contribute`. `unit_id` or `membership_id`
/// names what is written; one of another project is simply not the steering committee
/// (the write itself then finds nothing).
pub async fn org_write<C: ConnectionTrait>(
    c: &C,
    project_id: i32,
    unit_id: Option<i32>,
    membership_id: Option<i32>,
) -> Result<Action> {
    let unit_id = match (unit_id, membership_id) {
        (Some(u), _) => Some(u),
        (None, Some(m)) => membership::Entity::find_by_id(m)
            .filter(membership::Column::ProjectId.eq(project_id))
            .one(c)
            .await?
            .map(|m| m.unit_id),
        (None, None) => None,
    };
    let Some(unit_id) = unit_id else { return Ok(Action::Contribute) };
    let unit = org_unit::Entity::find_by_id(unit_id).filter(org_unit::Column::ProjectId.eq(project_id)).one(c).await?;
    Ok(if unit.is_some_and(|u| u.kind == "steering") { Action::ManageSteering } else { Action::Contribute })
}
