//! Phase gates: when a decision may be taken and what it does. Phases run in order; a "go"
//! (with or without conditions) closes the phase and starts the next.
use super::workflow::Status;
use serde::Serialize;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PhaseStatus {
    Pending,
    Active,
    Closed,
}

impl PhaseStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            PhaseStatus::Pending => "pending",
            PhaseStatus::Active => "active",
            PhaseStatus::Closed => "closed",
        }
    }
    pub fn parse(s: &str) -> Option<PhaseStatus> {
        [PhaseStatus::Pending, PhaseStatus::Active, PhaseStatus::Closed].into_iter().find(|x| x.as_str() == s)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Decision {
    Go,
    GoWithConditions,
    NoGo,
    /// Not a gate decision: a closed phase opened again, with its reason.
    Reopen,
}

impl Decision {
    pub fn as_str(self) -> &'static str {
        match self {
            Decision::Go => "go",
            Decision::GoWithConditions => "go_with_conditions",
            Decision::NoGo => "no_go",
            Decision::Reopen => "reopen",
        }
    }
    /// The decisions a steering-committee member can pick at a gate.
    pub fn parse_gate(s: &str) -> Option<Decision> {
        match s {
            "go" => Some(Decision::Go),
            "go_with_conditions" => Some(Decision::GoWithConditions),
            "no_go" => Some(Decision::NoGo),
            _ => None,
        }
    }
    pub fn parse(s: &str) -> Option<Decision> {
        Decision::parse_gate(s).or((s == "reopen").then_some(Decision::Reopen))
    }
    pub fn passes(self) -> bool {
        matches!(self, Decision::Go | Decision::GoWithConditions)
    }
}

/// A gate deliverable as the gate sees it.
#[derive(Clone, Debug)]
pub struct GateItem {
    pub id: i32,
    pub gate: bool,
    pub status: Status,
}

/// Why a gate cannot be decided now.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum GateBlock {
    PhaseNotActive,
    /// Gate deliverables not yet accepted (their ids).
    Unaccepted(Vec<i32>),
}

/// The gate deliverables still to be accepted; empty when the gate is open for a decision.
pub fn blockers(items: &[GateItem]) -> Vec<i32> {
    items.iter().filter(|d| d.gate && d.status != Status::Accepted).map(|d| d.id).collect()
}

pub fn check_gate(phase: PhaseStatus, items: &[GateItem]) -> Result<(), GateBlock> {
    if phase != PhaseStatus::Active {
        return Err(GateBlock::PhaseNotActive);
    }
    let open = blockers(items);
    if open.is_empty() { Ok(()) } else { Err(GateBlock::Unaccepted(open)) }
}

/// Only the most recently closed phase may be reopened: the one just before the active phase,
/// or the last phase of a finished project. `statuses` are in phase order.
pub fn reopenable(statuses: &[PhaseStatus]) -> Option<usize> {
    match statuses.iter().position(|s| *s == PhaseStatus::Active) {
        Some(0) => None,
        Some(i) => (statuses[i - 1] == PhaseStatus::Closed).then_some(i - 1),
        None => statuses.iter().rposition(|s| *s == PhaseStatus::Closed).filter(|&i| i + 1 == statuses.len()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(id: i32, gate: bool, status: Status) -> GateItem {
        GateItem { id, gate, status }
    }

    #[test]
    fn gate_needs_every_gate_deliverable_accepted() {
        let items = [item(1, true, Status::Accepted), item(2, true, Status::Submitted), item(3, false, Status::Draft)];
        assert_eq!(check_gate(PhaseStatus::Active, &items), Err(GateBlock::Unaccepted(vec![2])));
        let items = [item(1, true, Status::Accepted), item(3, false, Status::Draft)];
        assert_eq!(check_gate(PhaseStatus::Active, &items), Ok(()));
        assert_eq!(check_gate(PhaseStatus::Pending, &items), Err(GateBlock::PhaseNotActive));
        assert_eq!(check_gate(PhaseStatus::Closed, &items), Err(GateBlock::PhaseNotActive));
    }

    #[test]
    fn which_phase_can_be_reopened() {
        use PhaseStatus::*;
        assert_eq!(reopenable(&[Active, Pending, Pending]), None);
        assert_eq!(reopenable(&[Closed, Closed, Active]), Some(1));
        assert_eq!(reopenable(&[Closed, Closed, Closed]), Some(2));
        assert_eq!(reopenable(&[Pending, Pending]), None);
    }

    #[test]
    fn decisions() {
        assert!(Decision::Go.passes() && Decision::GoWithConditions.passes());
        assert!(!Decision::NoGo.passes());
        assert_eq!(Decision::parse_gate("reopen"), None);
        assert_eq!(Decision::parse("reopen"), Some(Decision::Reopen));
    }
}
