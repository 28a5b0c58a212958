//! Issues and change requests (completing the RAID log): which issue statuses are live,
//! what counts as an escalated critical issue for health, and the steering committee's
//! decisions on a change request.
pub const ISSUE_SEVERITIES: &[&str] = &["critical", "major", "minor"];
pub const ISSUE_STATUSES: &[&str] = &["open", "resolved", "closed"];
pub const CR_DECISIONS: &[&str] = &["approved", "rejected", "deferred"];

/// An issue still needs work until it is resolved or closed.
pub fn issue_open(status: &str) -> bool {
    status == "open"
}

/// An open critical issue escalated to the steering committee turns health red.
pub fn escalated_critical(severity: &str, status: &str, escalated: bool) -> bool {
    escalated && severity == "critical" && issue_open(status)
}

/// A change request can be decided while pending or deferred; approved and rejected are final.
pub fn cr_decidable(status: &str) -> bool {
    matches!(status, "pending" | "deferred")
}

/// A change request waits for the steering committee while pending or deferred.
pub fn cr_pending(status: &str) -> bool {
    cr_decidable(status)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escalation_and_decisions() {
        assert!(escalated_critical("critical", "open", true));
        assert!(!escalated_critical("critical", "open", false));
        assert!(!escalated_critical("major", "open", true));
        assert!(!escalated_critical("critical", "resolved", true));
        assert!(cr_decidable("pending") && cr_decidable("deferred"));
        assert!(!cr_decidable("approved") && !cr_decidable("rejected"));
    }
}
