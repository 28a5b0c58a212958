//! Realised return on investment (phase 9): what a benefit line linked to a measurable target
//! has actually earned, from that target's measurements, and the realised cash flows, NPV,
//! ROI and payback set beside the approved plan. Pure; the investment arithmetic is
//! `finance`'s, with its conventions (year 0 undiscounted, present values rounded per year).
//!
//! Conventions:
//! - Year t of the case is calendar year `start_year + t`. An amount dated before the start
//!   year counts in year 0.
//! - A target's measured value holds from the day it was measured until the next
//!   measurement; before the first measurement on or after the baseline date the metric
//!   stands at its baseline. Only measurements up to the evaluation date count.
//! - The realised benefit of a day is the improvement over the baseline (value − baseline for
//!   a metric to increase, baseline − value for one to decrease; negative when the metric
//!   moved the wrong way) × the line's unit value (money per unit of the metric per year) ÷
//!   the days of that year. A year's realised benefit is the sum over its days up to the
//!   evaluation date, rounded once to a minor unit.
//! - Realised costs are dated amounts summed per year.
use super::finance::{self, Payback};
use super::targets::Direction;
use chrono::{Datelike, NaiveDate};
use serde::Serialize;

/// The most years a realised series spans (bounds absurd dates; a case has ≤ 10).
pub const MAX_YEARS: usize = 30;

fn days_in_year(y: i32) -> i64 {
    if NaiveDate::from_ymd_opt(y, 2, 29).is_some() { 366 } else { 365 }
}

/// How many years (0..) a realised series needs to reach `as_of` from `start_year`.
pub fn years_to(start_year: i32, as_of: NaiveDate) -> usize {
    let n = i64::from(as_of.year()) - i64::from(start_year) + 1;
    n.clamp(1, MAX_YEARS as i64) as usize
}

fn year_index(start_year: i32, d: NaiveDate, years: usize) -> usize {
    let t = i64::from(d.year()) - i64::from(start_year);
    t.clamp(0, years.saturating_sub(1) as i64) as usize
}

/// The realised benefit per year (index t = calendar year `start_year + t`, `years` long) of
/// a line worth `unit_value` minor units a year per unit of improvement of its target.
/// `readings` are (date, value), one per day, any order.
#[allow(clippy::too_many_arguments)]
pub fn benefit_by_year(
    direction: Direction,
    baseline: f64,
    baseline_date: NaiveDate,
    readings: &[(NaiveDate, f64)],
    unit_value: i64,
    start_year: i32,
    years: usize,
    as_of: NaiveDate,
) -> Vec<i64> {
    let mut rs: Vec<(NaiveDate, f64)> =
        readings.iter().copied().filter(|(d, v)| *d >= baseline_date && *d <= as_of && v.is_finite()).collect();
    rs.sort_by_key(|r| r.0);
    // Improvement × days, per year, from each reading to the next (or to the evaluation day).
    let mut delta_days = vec![0.0_f64; years];
    for (i, (from, v)) in rs.iter().enumerate() {
        let until = rs.get(i + 1).map_or(as_of, |n| n.0 - chrono::Duration::days(1));
        if until < *from {
            continue;
        }
        let delta = match direction {
            Direction::Increase => v - baseline,
            Direction::Decrease => baseline - v,
        };
        // Split [from, until] at year ends.
        let mut start = *from;
        while start <= until {
            let year_end = NaiveDate::from_ymd_opt(start.year(), 12, 31).unwrap_or(until);
            let end = year_end.min(until);
            let days = (end - start).num_days() + 1;
            let t = i64::from(start.year()) - i64::from(start_year);
            let t = if t < 0 { 0 } else { t as usize };
            if t < years {
                delta_days[t] += delta * days as f64 / days_in_year(start.year()) as f64;
            }
            match end.succ_opt() {
                Some(n) => start = n,
                None => break,
            }
        }
    }
    delta_days.iter().map(|dd| finance::round_minor(dd * unit_value as f64)).collect()
}

/// Dated amounts summed per year (`years` long).
pub fn by_year(amounts: &[(NaiveDate, i64)], start_year: i32, years: usize) -> Vec<i64> {
    let mut v = vec![0_i64; years.max(1)];
    for (d, a) in amounts {
        let t = year_index(start_year, *d, v.len());
        v[t] = v[t].saturating_add(*a);
    }
    v
}

/// One year of the realised cash flow.
#[derive(Clone, Debug, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Year {
    pub t: usize,
    pub calendar_year: i32,
    pub costs: i64,
    pub benefits: i64,
    pub net: i64,
    pub cumulative: i64,
}

/// Realised figures at the evaluation date.
#[derive(Clone, Debug, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Realised {
    pub years: Vec<Year>,
    pub costs_nominal: i64,
    pub benefits_nominal: i64,
    pub pv_costs: i64,
    pub pv_benefits: i64,
    pub npv: i64,
    pub roi: Option<f64>,
    pub payback: Payback,
}

/// Realised NPV, ROI and payback from yearly benefit lines and yearly costs (same length).
pub fn realise(rate: f64, start_year: i32, benefit_lines: &[Vec<i64>], costs: &[i64]) -> Realised {
    let n = costs.len();
    let benefits: Vec<i64> =
        (0..n).map(|t| finance::total(benefit_lines.iter().map(|l| l.get(t).copied().unwrap_or(0)))).collect();
    let net: Vec<i64> = (0..n).map(|t| benefits[t].saturating_sub(costs[t])).collect();
    let cum = finance::cumulative(&net);
    let pv_costs = finance::pv_minor(rate, costs);
    let pv_benefits = finance::pv_minor(rate, &benefits);
    Realised {
        years: (0..n)
            .map(|t| Year {
                t,
                calendar_year: start_year.saturating_add(t as i32),
                costs: costs[t],
                benefits: benefits[t],
                net: net[t],
                cumulative: cum[t],
            })
            .collect(),
        costs_nominal: finance::total(costs.iter().copied()),
        benefits_nominal: finance::total(benefits.iter().copied()),
        pv_costs,
        pv_benefits,
        npv: pv_benefits.saturating_sub(pv_costs),
        roi: finance::roi(pv_benefits, pv_costs),
        payback: finance::payback(&net),
    }
}

/// How far `actual` falls short of `target` in the metric's unit: positive when short,
/// zero or negative when met (or beaten).
pub fn shortfall(direction: Direction, target: f64, actual: f64) -> f64 {
    match direction {
        Direction::Increase => target - actual,
        Direction::Decrease => actual - target,
    }
}

/// Yearly plan flows cut at `as_of`: whole years before its year, its year pro rata by
/// days elapsed (as `business_case::planned_to_date`), nothing after. The result is as long
/// as the realised series to `as_of` (or the flows, if shorter).
pub fn to_date_by_year(flows: &[i64], start_year: i32, as_of: NaiveDate) -> Vec<i64> {
    let n = years_to(start_year, as_of).min(flows.len()).max(1);
    (0..n)
        .map(|t| {
            let f = flows.get(t).copied().unwrap_or(0);
            let year = start_year.saturating_add(t as i32);
            if year < as_of.year() {
                f
            } else if year == as_of.year() {
                finance::scale(f, i64::from(as_of.ordinal()), days_in_year(year))
            } else {
                0
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    /// Case 1, a metric to decrease (average handling time, minutes), the improvement growing
    /// within the first year. Baseline 10 min on 2025-12-01; unit value 5,000.00 a year per
    /// minute saved (500 000 minor). Start year 2026 (year 0), rate 10 %, evaluated 2027-12-31.
    /// Readings: 9 min from 2026-01-01 (saves 1), 8 min from 2026-07-02 (saves 2).
    ///   2026 (365 days): 1 × 182 days (Jan 1 – Jul 1) + 2 × 183 days (Jul 2 – Dec 31)
    ///        = 548 minute-days; 548 / 365 × 500 000 = 750 684.93 → 750 685
    ///   2027: 2 × 365 / 365 × 500 000 = 1 000 000
    /// Costs: 1 200 000 on 2026-02-01.
    ///   PV benefits = 750 685 + 1 000 000 / 1.1 (909 090.91 → 909 091) = 1 659 776
    ///   PV costs = 1 200 000; NPV = 459 776; ROI = 459 776 / 1 200 000 = 38.3147 %
    ///   Net: −449 315, +1 000 000 → payback 12 × 449 315 / 1 000 000 = 5.39178 months.
    #[test]
    fn decreasing_metric() {
        let rs = [(d(2026, 7, 2), 8.0), (d(2026, 1, 1), 9.0)];
        let b = benefit_by_year(Direction::Decrease, 10.0, d(2025, 12, 1), &rs, 500_000, 2026, 2, d(2027, 12, 31));
        assert_eq!(b, vec![750_685, 1_000_000]);
        let costs = by_year(&[(d(2026, 2, 1), 1_200_000)], 2026, 2);
        let r = realise(0.10, 2026, &[b], &costs);
        assert_eq!((r.pv_benefits, r.pv_costs, r.npv), (1_659_776, 1_200_000, 459_776));
        assert!((r.roi.unwrap() - 0.383_146_666).abs() < 1e-6);
        let Payback::Months(m) = r.payback else { panic!("pays back") };
        assert!((m - 5.391_78).abs() < 1e-4);
        assert_eq!(r.years[1].cumulative, 550_685);
    }

    /// Case 2, a benefit starting mid-year (leads per month, to increase). Baseline 100 on
    /// 2025-01-15; unit value 1,000.00 a year per extra lead (100 000 minor). Start year 2025,
    /// rate 8 %, evaluated 2026-12-31. One reading: 120 from 2025-07-02 (20 more).
    ///   2025 (365 days): Jul 2 – Dec 31 = 183 days; 20 × 183 / 365 × 100 000
    ///        = 1 002 739.73 → 1 002 740
    ///   2026: 20 × 100 000 = 2 000 000
    /// Costs: 1 500 000 on 2025-03-01.
    ///   PV benefits = 1 002 740 + 2 000 000 / 1.08 (1 851 851.85 → 1 851 852) = 2 854 592
    ///   NPV = 2 854 592 − 1 500 000 = 1 354 592; ROI = 90.3061 %
    ///   Net: −497 260, +2 000 000 → payback 12 × 497 260 / 2 000 000 = 2.98356 months.
    #[test]
    fn benefit_starting_mid_year() {
        let rs = [(d(2025, 7, 2), 120.0)];
        let b = benefit_by_year(Direction::Increase, 100.0, d(2025, 1, 15), &rs, 100_000, 2025, 2, d(2026, 12, 31));
        assert_eq!(b, vec![1_002_740, 2_000_000]);
        let r = realise(0.08, 2025, &[b], &by_year(&[(d(2025, 3, 1), 1_500_000)], 2025, 2));
        assert_eq!((r.pv_benefits, r.npv), (2_854_592, 1_354_592));
        assert!((r.roi.unwrap() - 0.903_061_333).abs() < 1e-6);
        let Payback::Months(m) = r.payback else { panic!("pays back") };
        assert!((m - 2.983_56).abs() < 1e-4);
    }

    /// Case 3, never paying back. Baseline 50 (to increase) on 2025-12-01; unit value 100.00 a
    /// year per unit (10 000 minor). Start year 2026, rate 10 %, evaluated 2027-12-31. One
    /// reading: 51 from 2026-01-01 → 10 000 in 2026 and 10 000 in 2027.
    /// Costs: 1 000 000 on 2026-01-20 and a licence of 200 000 on 2027-01-05.
    ///   PV benefits = 10 000 + 9 090.91 → 9 091 = 19 091
    ///   PV costs = 1 000 000 + 181 818.18 → 181 818 = 1 181 818
    ///   NPV = −1 162 727; ROI = −1 162 727 / 1 181 818 = −98.3846 %
    ///   Net −990 000, −190 000: cumulative never reaches zero → no payback.
    #[test]
    fn never_paying_back() {
        let b = benefit_by_year(
            Direction::Increase,
            50.0,
            d(2025, 12, 1),
            &[(d(2026, 1, 1), 51.0)],
            10_000,
            2026,
            2,
            d(2027, 12, 31),
        );
        assert_eq!(b, vec![10_000, 10_000]);
        let costs = by_year(&[(d(2026, 1, 20), 1_000_000), (d(2027, 1, 5), 200_000)], 2026, 2);
        let r = realise(0.10, 2026, &[b], &costs);
        assert_eq!((r.pv_benefits, r.pv_costs, r.npv), (19_091, 1_181_818, -1_162_727));
        assert!((r.roi.unwrap() + 0.983_846_07).abs() < 1e-7);
        assert_eq!(r.payback, Payback::NotWithinHorizon);
        assert_eq!(r.years[1].cumulative, -1_180_000);
    }

    #[test]
    fn readings_after_the_evaluation_date_or_before_the_baseline_do_not_count() {
        // Leap year 2028: 366 days. Improvement 3 from 2028-12-31 only → 3 × 1 / 366 × 366 000.
        let rs = [(d(2027, 6, 1), 99.0), (d(2028, 12, 31), 13.0), (d(2029, 1, 2), 50.0)];
        let b = benefit_by_year(Direction::Increase, 10.0, d(2028, 1, 1), &rs, 366_000, 2028, 1, d(2028, 12, 31));
        assert_eq!(b, vec![3_000]);
        // A metric that moved the wrong way realises a loss.
        let b = benefit_by_year(
            Direction::Decrease,
            10.0,
            d(2028, 1, 1),
            &[(d(2028, 1, 1), 11.0)],
            366_000,
            2028,
            1,
            d(2028, 12, 31),
        );
        assert_eq!(b, vec![-366_000]);
        // Nothing measured: nothing realised.
        assert_eq!(
            benefit_by_year(Direction::Increase, 1.0, d(2028, 1, 1), &[], 5, 2028, 3, d(2030, 1, 1)),
            vec![0, 0, 0]
        );
    }

    #[test]
    fn plan_cut_at_the_evaluation_date_and_shortfall() {
        // 2026 is not a leap year: 1 000 × 181 / 365 (Jun 30 is day 181) = 495.89 → 496.
        assert_eq!(to_date_by_year(&[-5_000, 1_000, 1_000, 1_000], 2025, d(2026, 6, 30)), vec![-5_000, 496]);
        assert_eq!(to_date_by_year(&[-5_000, 1_000], 2025, d(2030, 1, 1)), vec![-5_000, 1_000]);
        assert_eq!(shortfall(Direction::Increase, 100.0, 90.0), 10.0);
        assert_eq!(shortfall(Direction::Decrease, 8.0, 9.5), 1.5);
        assert!(shortfall(Direction::Decrease, 8.0, 7.0) < 0.0);
    }

    #[test]
    fn amounts_before_the_start_year_count_in_year_zero_and_years_are_bounded() {
        assert_eq!(by_year(&[(d(2024, 5, 1), 7), (d(2026, 1, 1), 5), (d(2040, 1, 1), 1)], 2025, 2), vec![7, 6]);
        assert_eq!(years_to(2025, d(2026, 3, 1)), 2);
        assert_eq!(years_to(2025, d(2020, 3, 1)), 1);
        assert_eq!(years_to(1, d(2026, 3, 1)), MAX_YEARS);
    }
}
