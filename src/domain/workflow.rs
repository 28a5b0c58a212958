//! The deliverable workflow: draft → submitted → accepted, or returned (with a comment)
//! and submitted again.
use serde::Serialize;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Draft,
    Submitted,
    Accepted,
    Returned,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Draft => "draft",
            Status::Submitted => "submitted",
            Status::Accepted => "accepted",
            Status::Returned => "returned",
        }
    }
    pub fn parse(s: &str) -> Option<Status> {
        [Status::Draft, Status::Submitted, Status::Accepted, Status::Returned].into_iter().find(|x| x.as_str() == s)
    }
    /// Content can be edited while the author holds the deliverable.
    pub fn editable(self) -> bool {
        matches!(self, Status::Draft | Status::Returned)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Transition {
    Submit,
    Accept,
    Return,
}

impl Transition {
    pub fn parse(s: &str) -> Option<Transition> {
        match s {
            "submit" => Some(Transition::Submit),
            "accept" => Some(Transition::Accept),
            "return" => Some(Transition::Return),
            _ => None,
        }
    }
}

/// The status a transition leads to, or `None` when it is not allowed from `from`.
/// An accepted deliverable can be returned again (for instance after its phase is reopened).
pub fn next(from: Status, t: Transition) -> Option<Status> {
    use Status::*;
    match (from, t) {
        (Draft | Returned, Transition::Submit) => Some(Submitted),
        (Submitted, Transition::Accept) => Some(Accepted),
        (Submitted | Accepted, Transition::Return) => Some(Returned),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use Status::*;
    use Transition::*;

    #[test]
    fn transitions() {
        assert_eq!(next(Draft, Submit), Some(Submitted));
        assert_eq!(next(Submitted, Accept), Some(Accepted));
        assert_eq!(next(Submitted, Return), Some(Returned));
        assert_eq!(next(Returned, Submit), Some(Submitted));
        assert_eq!(next(Draft, Accept), None);
        assert_eq!(next(Accepted, Accept), None);
        assert_eq!(next(Accepted, Submit), None);
        assert_eq!(next(Returned, Accept), None);
        assert!(Draft.editable() && Returned.editable() && !Submitted.editable());
    }
}
