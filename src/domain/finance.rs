//! Investment arithmetic for the business case: present values, NPV, ROI, IRR, payback and
//! sensitivity.
//!
//! Conventions (stated once, used everywhere):
//! - Cash flows are yearly. Index 0 is **year 0**, the investment at the start, and is not
//!   discounted; the flow of year t is divided by (1 + r)^t.
//! - Money stays in integer minor units. A present value is rounded to minor units per year
//!   and the years are summed as integers, so totals on a page add up exactly. Rates are f64.
//! - ROI = (PV benefits − PV costs) / PV costs.
//! - Payback is the point where the cumulative nominal (undiscounted) net cash flow first
//!   reaches zero, in months from the start of year 1, interpolated as if each year's flow
//!   arrived evenly through that year. A year-0 flow that is already ≥ 0 pays back at once.
//! - IRR is the rate in (−99%, 100 000%) at which NPV is zero. It is reported only when that
//!   root is unique; flows without a sign change, or with several roots, have "no IRR".
use serde::Serialize;

/// (1 + r)^−t.
pub fn discount_factor(rate: f64, t: usize) -> f64 {
    (1.0 + rate).powi(-(t as i32))
}

/// NPV of plain numbers (the textbook formula; used for root finding and checks).
pub fn npv(rate: f64, flows: &[f64]) -> f64 {
    flows.iter().enumerate().map(|(t, f)| f * discount_factor(rate, t)).sum()
}

/// Round to the nearest minor unit; amounts are bounded far below i64's range.
pub fn round_minor(x: f64) -> i64 {
    x.round() as i64
}

/// Each year's present value in minor units.
pub fn pv_by_year(rate: f64, flows: &[i64]) -> Vec<i64> {
    flows.iter().enumerate().map(|(t, &f)| round_minor(f as f64 * discount_factor(rate, t))).collect()
}

/// Present value in minor units: each year rounded, then summed as integers.
pub fn pv_minor(rate: f64, flows: &[i64]) -> i64 {
    total(pv_by_year(rate, flows))
}

/// A sum of amounts that saturates instead of overflowing. Inputs are bounded far below
/// this, so it never shows; it keeps absurd input from panicking.
pub fn total(values: impl IntoIterator<Item = i64>) -> i64 {
    values.into_iter().fold(0_i64, i64::saturating_add)
}

/// `v × num / den`, rounded half away from zero, in integers.
pub fn scale(v: i64, num: i64, den: i64) -> i64 {
    let p = i128::from(v) * i128::from(num);
    let d = i128::from(den);
    let q = if p >= 0 { (p + d / 2) / d } else { (p - d / 2) / d };
    q as i64
}

pub fn scale_all(flows: &[i64], num: i64, den: i64) -> Vec<i64> {
    flows.iter().map(|&v| scale(v, num, den)).collect()
}

/// The internal rate of return, or why there is none.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, utoipa::ToSchema)]
#[serde(tag = "kind", content = "rate", rename_all = "snake_case")]
pub enum Irr {
    Rate(f64),
    /// All flows have the same sign (or are zero): no rate makes NPV zero.
    NoSignChange,
    /// NPV crosses zero at more than one rate; none of them is "the" IRR.
    Multiple,
    /// There is a sign change but no root in the searched range.
    NotFound,
}

fn sign_changes(flows: &[f64]) -> usize {
    let signs: Vec<bool> = flows.iter().filter(|f| **f != 0.0).map(|f| *f > 0.0).collect();
    signs.windows(2).filter(|w| w[0] != w[1]).count()
}

/// Robust IRR: scan NPV on a fine grid of 1 + r from 0.01 to 1000 (log-spaced) to bracket
/// every root, then bisect each bracket. Bisection cannot diverge the way Newton's method
/// can, and the scan is what tells a unique root from several.
pub fn irr(flows: &[f64]) -> Irr {
    if sign_changes(flows) == 0 {
        return Irr::NoSignChange;
    }
    const STEPS: usize = 4000;
    let (lo, hi) = (0.01_f64.ln(), 1000_f64.ln());
    let rate_at = |i: usize| (lo + (hi - lo) * i as f64 / STEPS as f64).exp() - 1.0;
    let mut roots: Vec<f64> = vec![];
    let mut prev_r = rate_at(0);
    let mut prev_v = npv(prev_r, flows);
    for i in 1..=STEPS {
        let r = rate_at(i);
        let v = npv(r, flows);
        if prev_v == 0.0 {
            roots.push(prev_r);
        } else if prev_v.signum() != v.signum() && v != 0.0 {
            roots.push(bisect(flows, prev_r, r));
        }
        prev_r = r;
        prev_v = v;
    }
    if prev_v == 0.0 {
        roots.push(prev_r);
    }
    match roots.as_slice() {
        [] => Irr::NotFound,
        [r] => Irr::Rate(*r),
        _ => Irr::Multiple,
    }
}

fn bisect(flows: &[f64], mut a: f64, mut b: f64) -> f64 {
    let mut fa = npv(a, flows);
    for _ in 0..200 {
        let m = 0.5 * (a + b);
        let fm = npv(m, flows);
        if fm == 0.0 || (b - a) < 1e-15 {
            return m;
        }
        if fa.signum() == fm.signum() {
            a = m;
            fa = fm;
        } else {
            b = m;
        }
    }
    0.5 * (a + b)
}

#[derive(Clone, Copy, Debug, PartialEq, Serialize, utoipa::ToSchema)]
#[serde(tag = "kind", content = "months", rename_all = "snake_case")]
pub enum Payback {
    Months(f64),
    NotWithinHorizon,
}

/// Simple payback of nominal net flows (see the module conventions).
pub fn payback(flows: &[i64]) -> Payback {
    let Some(&first) = flows.first() else {
        return Payback::NotWithinHorizon;
    };
    // No money at all (an empty case) pays nothing back: not "0 months".
    if flows.iter().all(|&f| f == 0) {
        return Payback::NotWithinHorizon;
    }
    let mut cum = i128::from(first);
    if cum >= 0 {
        return Payback::Months(0.0);
    }
    for (t, &f) in flows.iter().enumerate().skip(1) {
        let prev = cum;
        cum += i128::from(f);
        if cum >= 0 {
            // prev < 0 ≤ cum, so f > 0.
            let fraction = (-prev) as f64 / f as f64;
            return Payback::Months(12.0 * ((t - 1) as f64 + fraction));
        }
    }
    Payback::NotWithinHorizon
}

/// Running sums.
pub fn cumulative(flows: &[i64]) -> Vec<i64> {
    flows
        .iter()
        .scan(0_i64, |acc, &f| {
            *acc = acc.saturating_add(f);
            Some(*acc)
        })
        .collect()
}

/// ROI as a fraction; none when there are no costs to divide by.
pub fn roi(pv_benefits: i64, pv_costs: i64) -> Option<f64> {
    (pv_costs != 0).then(|| pv_benefits.saturating_sub(pv_costs) as f64 / pv_costs as f64)
}

/// A line's yearly flows for the sensitivity analysis.
#[derive(Clone, Debug)]
pub struct SensLine {
    pub label: String,
    pub is_cost: bool,
    pub flows: Vec<i64>,
}

/// NPV when one line moves by −20% and by +20%, everything else unchanged.
#[derive(Clone, Debug, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Sensitivity {
    pub label: String,
    pub is_cost: bool,
    pub npv_minus: i64,
    pub npv_plus: i64,
}

impl Sensitivity {
    pub fn swing(&self) -> i64 {
        self.npv_plus.saturating_sub(self.npv_minus).saturating_abs()
    }
}

/// The tornado: for each line, NPV at 80% and 120% of it, largest swing first, around the
/// `base` NPV. Line flows are positive amounts; `is_cost` says which way they count.
pub fn sensitivity(rate: f64, base: i64, lines: &[SensLine]) -> Vec<Sensitivity> {
    let mut out: Vec<Sensitivity> = lines
        .iter()
        .map(|l| {
            let sign = if l.is_cost { -1 } else { 1 };
            let line_pv = pv_minor(rate, &l.flows);
            // Moving a line by ±20% moves NPV by ±20% of its PV (NPV is linear in each flow).
            let delta = scale(line_pv, 20, 100) * sign;
            Sensitivity {
                label: l.label.clone(),
                is_cost: l.is_cost,
                npv_minus: base.saturating_sub(delta),
                npv_plus: base.saturating_add(delta),
            }
        })
        .collect();
    out.sort_by_key(|s| std::cmp::Reverse(s.swing()));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn f(v: &[i64]) -> Vec<f64> {
        v.iter().map(|x| *x as f64).collect()
    }

    #[test]
    fn textbook_irr_and_npv() {
        // Known values (e.g. Brealey–Myers style example): IRR ≈ 28.095%.
        let flows = f(&[-100, 39, 59, 55, 20]);
        let Irr::Rate(r) = irr(&flows) else { panic!("expected an IRR") };
        assert!((r - 0.28095).abs() < 1e-5, "IRR {r}");
        assert!(npv(r, &flows).abs() < 1e-9);
        let at = npv(0.281, &flows);
        assert!((at - (-0.0085)).abs() < 5e-4, "NPV at 28.1% = {at}");
    }

    #[test]
    fn npv_at_twelve_percent() {
        let flows = [-10_000, 7_274, 6_558, 6_223, 6_087, 6_259];
        let exact = npv(0.12, &f(&flows));
        assert!((exact - 13_572.0).abs() < 1.0, "NPV {exact}");
        // The integer path (each year rounded) agrees within a unit per year.
        assert!((pv_minor(0.12, &flows) - 13_572).abs() <= 1);
    }

    #[test]
    fn year_zero_is_not_discounted() {
        assert_eq!(pv_minor(0.5, &[-1000]), -1000);
        assert_eq!(pv_by_year(0.10, &[-1000, 1100, 1210]), vec![-1000, 1000, 1000]);
    }

    #[test]
    fn zero_rate_is_the_plain_sum() {
        assert_eq!(pv_minor(0.0, &[-500, 200, 200, 200]), 100);
        assert!((npv(0.0, &f(&[-500, 200, 200, 200])) - 100.0).abs() < 1e-12);
    }

    #[test]
    fn all_positive_flows_have_no_irr() {
        assert_eq!(irr(&f(&[100, 50, 50])), Irr::NoSignChange);
        assert_eq!(irr(&f(&[-100, -50])), Irr::NoSignChange);
        assert_eq!(irr(&f(&[0, 0])), Irr::NoSignChange);
        assert_eq!(payback(&[100, 50]), Payback::Months(0.0));
    }

    #[test]
    fn several_roots_are_said_plainly() {
        // −100 + 230/(1+r) − 132/(1+r)² is zero at both 10% and 20%.
        assert_eq!(irr(&f(&[-100, 230, -132])), Irr::Multiple);
    }

    #[test]
    fn one_year_horizon() {
        let flows = [-100, 110];
        let Irr::Rate(r) = irr(&f(&flows)) else { panic!() };
        assert!((r - 0.10).abs() < 1e-9);
        let Payback::Months(m) = payback(&flows) else { panic!() };
        assert!((m - 12.0 * 100.0 / 110.0).abs() < 1e-9);
    }

    #[test]
    fn never_pays_back() {
        let flows = [-1000, 100, 100];
        assert_eq!(payback(&flows), Payback::NotWithinHorizon);
        // It still has an IRR, a negative one: 1/(1+r) = (√41 − 1)/2.
        let Irr::Rate(r) = irr(&f(&flows)) else { panic!() };
        let expected = 2.0 / (41_f64.sqrt() - 1.0) - 1.0;
        assert!((r - expected).abs() < 1e-9, "{r} vs {expected}");
        assert_eq!(payback(&[]), Payback::NotWithinHorizon);
    }

    #[test]
    fn payback_interpolates_within_the_year() {
        assert_eq!(payback(&[-100, 50, 50, 50]), Payback::Months(24.0));
        assert_eq!(payback(&[-100, 40, 40, 40]), Payback::Months(30.0));
        assert_eq!(payback(&[-100, 0, 200]), Payback::Months(18.0));
        // An empty case has no payback; money from day one pays back at once.
        assert_eq!(payback(&[0, 0, 0]), Payback::NotWithinHorizon);
        assert_eq!(payback(&[0, 10]), Payback::Months(0.0));
    }

    #[test]
    fn roi_and_cumulative() {
        assert_eq!(roi(150, 100), Some(0.5));
        assert_eq!(roi(0, 0), None);
        assert_eq!(cumulative(&[-100, 40, 70]), vec![-100, -60, 10]);
    }

    #[test]
    fn integer_scaling_rounds_half_away_from_zero() {
        assert_eq!(scale(5, 1, 2), 3);
        assert_eq!(scale(-5, 1, 2), -3);
        assert_eq!(scale(i64::MAX / 2, 2, 2), i64::MAX / 2);
        assert_eq!(scale_all(&[100, 250], 120, 100), vec![120, 300]);
    }

    #[test]
    fn sensitivity_moves_npv_by_a_fifth_of_each_line() {
        // Line flows are positive amounts; the net is benefits − costs.
        let cost = SensLine { label: "licences".into(), is_cost: true, flows: vec![1000, 0, 0] };
        let benefit = SensLine { label: "savings".into(), is_cost: false, flows: vec![0, 1100, 1210] };
        let net = [-1000, 1100, 1210];
        let s = sensitivity(0.10, pv_minor(0.10, &net), &[cost, benefit]);
        assert_eq!(s[0].label, "savings", "the larger swing comes first");
        assert_eq!((s[0].npv_minus, s[0].npv_plus), (1000 - 400, 1000 + 400));
        assert_eq!((s[1].npv_minus, s[1].npv_plus), (1000 + 200, 1000 - 200));
        // Cross-check one bar by recomputing NPV with the line scaled.
        let moved = [-1200, 1100, 1210];
        assert_eq!(pv_minor(0.10, &moved), s[1].npv_plus);
    }

    #[test]
    fn break_even_rate_is_where_npv_is_zero() {
        let flows = [-10_000, 7_274, 6_558, 6_223, 6_087, 6_259];
        let Irr::Rate(r) = irr(&f(&flows)) else { panic!() };
        assert!(npv(r, &f(&flows)).abs() < 1e-6);
        assert!(npv(r - 0.01, &f(&flows)) > 0.0 && npv(r + 0.01, &f(&flows)) < 0.0);
    }
}
