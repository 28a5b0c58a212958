//! Configuration (phase 5): a configuration item's life (planned → configured → verified),
//! the gap list — blueprint steps whose module feature no configured item serves — and the
//! integration register's vocabularies.
pub const CONFIG_STATUSES: &[&str] = &["planned", "configured", "verified"];
pub const DIRECTIONS: &[&str] = &["inbound", "outbound", "both"];
pub const METHODS: &[&str] = &["api", "file", "etl", "manual"];
pub const INTERFACE_STATUSES: &[&str] = &["planned", "building", "live"];
pub const INTERFACE_TESTS: &[&str] = &["not_tested", "passed", "failed"];

/// A blueprint step as the gap check sees it.
#[derive(Clone, Debug)]
pub struct StepFeature<'a> {
    pub feature: &'a str,
}

/// A configuration item as the gap check sees it.
#[derive(Clone, Debug)]
pub struct ItemFeature<'a> {
    pub feature: &'a str,
    pub status: &'a str,
}

fn norm(s: &str) -> String {
    s.trim().to_lowercase()
}

/// An item counts once configured (or verified); a planned one does not close a gap.
pub fn done(status: &str) -> bool {
    matches!(status, "configured" | "verified")
}

/// Indexes of the steps that name a feature no configured item serves (features compared
/// case-insensitively, trimmed). Steps naming no feature need no configuration.
pub fn gaps(steps: &[StepFeature], items: &[ItemFeature]) -> Vec<usize> {
    let have: Vec<String> = items.iter().filter(|i| done(i.status)).map(|i| norm(i.feature)).collect();
    steps
        .iter()
        .enumerate()
        .filter(|(_, s)| !s.feature.trim().is_empty() && !have.contains(&norm(s.feature)))
        .map(|(i, _)| i)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_step_is_a_gap_until_an_item_for_its_feature_is_configured() {
        let steps = [
            StepFeature { feature: "Service request management" },
            StepFeature { feature: "" },
            StepFeature { feature: "Field service" },
            StepFeature { feature: "Repair scheduling" },
        ];
        let items = [
            ItemFeature { feature: " service request MANAGEMENT", status: "verified" },
            ItemFeature { feature: "Field service", status: "planned" },
        ];
        assert_eq!(gaps(&steps, &items), vec![2, 3]);
        let items = [ItemFeature { feature: "Field service", status: "configured" }];
        assert_eq!(gaps(&steps, &items), vec![0, 3]);
        assert!(done("verified") && !done("planned"));
    }
}
