//! Who may do what in a project: the one place where roles meet actions.
use serde::Serialize;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Director,
    Consultant,
    Steering,
    Member,
    Viewer,
}

impl Role {
    pub const ALL: [Role; 5] = [Role::Director, Role::Consultant, Role::Steering, Role::Member, Role::Viewer];
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Director => "director",
            Role::Consultant => "consultant",
            Role::Steering => "steering",
            Role::Member => "member",
            Role::Viewer => "viewer",
        }
    }
    pub fn parse(s: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.as_str() == s)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Action {
    View,
    EditProject,
    ManageMembers,
    /// Add activities, mark them done, edit and submit deliverables.
    Contribute,
    /// Accept or return a deliverable.
    ReviewDeliverable,
    /// Take a phase gate decision or reopen a closed phase.
    DecideGate,
    /// Hold a steering committee review: record decisions and action items.
    Review,
}

/// The steering committee decides gates and accepts deliverables (DOMAIN.md); the director
/// runs the project; consultants and members do the work; viewers read.
pub fn allows(role: Role, action: Action) -> bool {
    use Action::*;
    use Role::*;
    match action {
        View => true,
        EditProject | ManageMembers => role == Director,
        Contribute => matches!(role, Director | Consultant | Member),
        ReviewDeliverable | DecideGate => role == Steering,
        Review => matches!(role, Director | Steering),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matrix() {
        assert!(allows(Role::Viewer, Action::View));
        assert!(!allows(Role::Viewer, Action::Contribute));
        assert!(!allows(Role::Viewer, Action::ReviewDeliverable));
        assert!(allows(Role::Steering, Action::ReviewDeliverable));
        assert!(allows(Role::Steering, Action::DecideGate));
        assert!(!allows(Role::Director, Action::DecideGate));
        assert!(allows(Role::Director, Action::ManageMembers));
        assert!(!allows(Role::Consultant, Action::ManageMembers));
        assert!(allows(Role::Member, Action::Contribute));
        assert!(allows(Role::Director, Action::Review) && allows(Role::Steering, Action::Review));
        assert!(!allows(Role::Consultant, Action::Review) && !allows(Role::Viewer, Action::Review));
        for r in Role::ALL {
            assert_eq!(Role::parse(r.as_str()), Some(r));
        }
    }
}
