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

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
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
    /// Change the steering committee's membership, or appoint (or remove) a director.
    ManageSteering,
    /// Save a schedule baseline.
    SaveBaseline,
    /// Replace the plan by a Microsoft Project import.
    ImportPlan,
    /// Add, change or delete business-case scenarios, cost and benefit lines.
    EditBusinessCase,
    /// Record test runs and raise defects (key users of the functional groups are members).
    RunTests,
    /// Waive a test cycle's missed exit criteria at a gate, or decide a change request.
    DecideChange,
    /// Manage the budget, commitments, invoices and cost rates.
    ManageBudget,
    /// Log one's own hours on a timesheet.
    LogTime,
    /// Approve (or return) submitted timesheets.
    ApproveTime,
    /// Name people on activities, deliverables and actions.
    AssignWork,
    /// Comment on a record (and mention members).
    Comment,
    /// Attach evidence files to a record.
    Attach,
    /// Invite people to the project by e-mail.
    Invite,
    /// Add, change or remove the project's webhook subscriptions (they carry secrets and
    /// send project news outside).
    ManageWebhooks,
}

use Role::{Consultant, Director, Member, Steering, Viewer};

/// THE policy: who may do what in a project, one row per action. The steering committee
/// decides gates and accepts deliverables (DOMAIN.md); the director runs the project and,
/// with the steering committee, decides who sits on it and who directs; baselines and plan
/// imports are the director's (consultants propose them); business-case lines are the
/// director's and the consultants'; members do the work; viewers read. The admin page
/// "who may do what" is generated from this table.
pub const TABLE: &[(Action, &[Role])] = &[
    (Action::View, &[Director, Consultant, Steering, Member, Viewer]),
    (Action::EditProject, &[Director]),
    (Action::ManageMembers, &[Director]),
    (Action::Contribute, &[Director, Consultant, Member]),
    (Action::ReviewDeliverable, &[Steering]),
    (Action::DecideGate, &[Steering]),
    (Action::Review, &[Director, Steering]),
    (Action::ManageSteering, &[Director, Steering]),
    (Action::SaveBaseline, &[Director]),
    (Action::ImportPlan, &[Director]),
    (Action::EditBusinessCase, &[Director, Consultant]),
    (Action::RunTests, &[Director, Consultant, Member]),
    (Action::DecideChange, &[Steering]),
    (Action::ManageBudget, &[Director]),
    (Action::LogTime, &[Director, Consultant, Member]),
    (Action::ApproveTime, &[Director]),
    (Action::AssignWork, &[Director, Consultant]),
    (Action::Comment, &[Director, Consultant, Steering, Member]),
    (Action::Attach, &[Director, Consultant, Steering, Member]),
    (Action::Invite, &[Director]),
    (Action::ManageWebhooks, &[Director]),
];

impl Action {
    pub fn as_str(self) -> &'static str {
        match self {
            Action::View => "view",
            Action::EditProject => "edit_project",
            Action::ManageMembers => "manage_members",
            Action::Contribute => "contribute",
            Action::ReviewDeliverable => "review_deliverable",
            Action::DecideGate => "decide_gate",
            Action::Review => "review",
            Action::ManageSteering => "manage_steering",
            Action::SaveBaseline => "save_baseline",
            Action::ImportPlan => "import_plan",
            Action::EditBusinessCase => "edit_business_case",
            Action::RunTests => "run_tests",
            Action::DecideChange => "decide_change",
            Action::ManageBudget => "manage_budget",
            Action::LogTime => "log_time",
            Action::ApproveTime => "approve_time",
            Action::AssignWork => "assign_work",
            Action::Comment => "comment",
            Action::Attach => "attach",
            Action::Invite => "invite",
            Action::ManageWebhooks => "manage_webhooks",
        }
    }
}

pub fn allows(role: Role, action: Action) -> bool {
    TABLE.iter().any(|(a, roles)| *a == action && roles.contains(&role))
}

/// The action a change of a project member's role needs: appointing or removing a director
/// or a steering committee member is `ManageSteering`; any other change `ManageMembers`.
pub fn member_change(old: Option<Role>, new: Option<Role>) -> Action {
    let steering_or_director = |r: Option<Role>| matches!(r, Some(Role::Director | Role::Steering));
    if steering_or_director(old) || steering_or_director(new) { Action::ManageSteering } else { Action::ManageMembers }
}

/// Outside any project: who may create one. Administrators, and users an administrator has
/// marked as project creators (who then direct the project they create).
pub fn may_create_project(is_admin: bool, project_creator: bool) -> bool {
    is_admin || project_creator
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

    #[test]
    fn the_method_s_roles() {
        for r in Role::ALL {
            let is = |xs: &[Role]| xs.contains(&r);
            assert_eq!(allows(r, Action::ManageSteering), is(&[Role::Director, Role::Steering]), "{r:?}");
            assert_eq!(allows(r, Action::SaveBaseline), r == Role::Director, "{r:?}");
            assert_eq!(allows(r, Action::ImportPlan), r == Role::Director, "{r:?}");
            assert_eq!(allows(r, Action::EditBusinessCase), is(&[Role::Director, Role::Consultant]), "{r:?}");
            assert_eq!(allows(r, Action::ManageWebhooks), r == Role::Director, "{r:?}");
        }
        assert_eq!(member_change(None, Some(Role::Director)), Action::ManageSteering);
        assert_eq!(member_change(Some(Role::Steering), Some(Role::Member)), Action::ManageSteering);
        assert_eq!(member_change(Some(Role::Viewer), Some(Role::Member)), Action::ManageMembers);
        assert!(may_create_project(true, false) && may_create_project(false, true));
        assert!(!may_create_project(false, false));
        // One row per action.
        for (i, (a, _)) in TABLE.iter().enumerate() {
            assert!(TABLE[i + 1..].iter().all(|(b, _)| b != a), "{a:?} twice");
        }
    }
}
