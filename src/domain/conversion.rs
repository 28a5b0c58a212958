//! Data conversion trial (phase 6): a trial load of one data source, compared with the
//! source's record count and with the quality bar. Every source record is either loaded or
//! rejected (none unaccounted for); at least 95 % of them loaded (the bar's completeness)
//! and at least 95 % of the loaded records reconciled with the source (its validity). Rates
//! are tenths of a percent, compared exactly in integers.
use serde::Serialize;

/// The bar, in whole percent: loaded / source and reconciled / loaded.
pub const LOAD_MIN: u64 = 95;
pub const RECONCILE_MIN: u64 = 95;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct TrialResult {
    /// Source records neither loaded nor rejected (never negative: the form refuses more).
    pub unaccounted: i64,
    /// Loaded / source, tenths of a percent (rounded down).
    pub load_rate_tenths: u32,
    pub reject_rate_tenths: u32,
    /// Reconciled / loaded, tenths of a percent (rounded down).
    pub reconcile_rate_tenths: u32,
    /// The source's current record count (the diagnosis's inventory) differs from the
    /// count the trial extracted.
    pub source_changed: bool,
    pub accounted_met: bool,
    pub load_met: bool,
    pub reconcile_met: bool,
    pub met: bool,
}

fn tenths(part: i64, whole: i64) -> u32 {
    if whole <= 0 || part <= 0 {
        return 0;
    }
    let v = (part as i128 * 1000) / whole as i128;
    u32::try_from(v.min(1000)).unwrap_or(1000)
}

/// Evaluate one trial. `inventory` is the data source's record count as inventoried.
pub fn evaluate(source_count: i64, loaded: i64, rejected: i64, reconciled: i64, inventory: i64) -> TrialResult {
    let unaccounted = source_count.saturating_sub(loaded.saturating_add(rejected)).max(0);
    let load_met = source_count > 0 && (loaded as i128) * 100 >= (LOAD_MIN as i128) * source_count as i128;
    let reconcile_met = loaded > 0 && (reconciled as i128) * 100 >= (RECONCILE_MIN as i128) * loaded as i128;
    let accounted_met = unaccounted == 0;
    TrialResult {
        unaccounted,
        load_rate_tenths: tenths(loaded, source_count),
        reject_rate_tenths: tenths(rejected, source_count),
        reconcile_rate_tenths: tenths(reconciled, loaded),
        source_changed: inventory != source_count,
        accounted_met,
        load_met,
        reconcile_met,
        met: accounted_met && load_met && reconcile_met,
    }
}

/// A rate in tenths of a percent as text: `962` → `96.2`.
pub fn pct(tenths: u32) -> String {
    format!("{}.{}", tenths / 10, tenths % 10)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_trial_by_hand() {
        // 120 000 policies: 114 600 loaded (95.5 %), 5 400 rejected, 110 000 reconciled (95.98 %).
        let r = evaluate(120_000, 114_600, 5_400, 110_000, 120_000);
        assert_eq!(
            (r.unaccounted, r.load_rate_tenths, r.reject_rate_tenths, r.reconcile_rate_tenths),
            (0, 955, 45, 959)
        );
        assert!(r.met && !r.source_changed);
        // 200 records lost on the way: not accounted for.
        let r = evaluate(120_000, 114_400, 5_400, 110_000, 121_000);
        assert_eq!(r.unaccounted, 200);
        assert!(!r.accounted_met && !r.met && r.source_changed);
        // 94.9 % loaded misses the bar; exactly 95 % meets it.
        assert!(!evaluate(1000, 949, 51, 949, 1000).load_met);
        assert!(evaluate(1000, 950, 50, 950, 1000).met);
        // Reconciled 94 of 100 loaded misses it.
        assert!(!evaluate(100, 100, 0, 94, 100).reconcile_met);
        // An empty source never meets the bar, and nothing divides by zero.
        let r = evaluate(0, 0, 0, 0, 0);
        assert_eq!(r.load_rate_tenths, 0);
        assert!(!r.met);
        assert_eq!(pct(955), "95.5");
    }
}
