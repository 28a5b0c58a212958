//! Earned value: BAC, PV, EV, AC and the indices and forecasts derived from them (PMBOK
//! Guide 6th ed., §7.4.2.2 and Table 7-1), and the cost-health thresholds. Money is in
//! integer minor units; indices are plain ratios. Pure functions, no I/O.
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// One budgeted piece of work: its share of the budget, its planned (baseline) window and
/// how far it has got.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Work {
    pub budget: i64,
    pub start: NaiveDate,
    pub finish: NaiveDate,
    /// 0–100.
    pub percent: i32,
}

/// The share of `w`'s window that has elapsed by the end of `day`: 0 before it starts, 1
/// from its finish on, linear by calendar day in between (both ends inclusive).
pub fn planned_fraction(w: &Work, day: NaiveDate) -> f64 {
    if day < w.start {
        return 0.0;
    }
    if day >= w.finish {
        return 1.0;
    }
    let span = (w.finish - w.start).num_days() + 1;
    let done = (day - w.start).num_days() + 1;
    done as f64 / span.max(1) as f64
}

/// Budget at completion: the sum of the work's budgets.
pub fn bac(work: &[Work]) -> i64 {
    work.iter().fold(0i64, |s, w| s.saturating_add(w.budget))
}

/// Planned value at the end of `day`: each budget times the share of its window elapsed.
pub fn pv(work: &[Work], day: NaiveDate) -> i64 {
    let v: f64 = work.iter().map(|w| w.budget as f64 * planned_fraction(w, day)).sum();
    v.round() as i64
}

/// Earned value: each budget times its percent complete.
pub fn ev(work: &[Work]) -> i64 {
    let v: f64 = work.iter().map(|w| w.budget as f64 * f64::from(w.percent.clamp(0, 100)) / 100.0).sum();
    v.round() as i64
}

/// The figures of one status date. Ratios are `None` where their denominator is zero
/// (nothing planned yet, nothing spent yet, no budget left).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[schema(as = EarnedValueFigures)]
pub struct Figures {
    pub bac: i64,
    pub pv: i64,
    pub ev: i64,
    pub ac: i64,
    /// Cost variance EV − AC and schedule variance EV − PV.
    pub cv: i64,
    pub sv: i64,
    pub cpi: Option<f64>,
    pub spi: Option<f64>,
    /// Estimate at completion BAC / CPI (the current cost efficiency continues); BAC while
    /// nothing is spent.
    pub eac: i64,
    /// Estimate to complete EAC − AC.
    pub etc: i64,
    /// Variance at completion BAC − EAC.
    pub vac: i64,
    /// To-complete performance index against the BAC: (BAC − EV) / (BAC − AC).
    pub tcpi: Option<f64>,
}

pub fn ratio(num: i64, den: i64) -> Option<f64> {
    (den != 0).then(|| num as f64 / den as f64)
}

/// All the figures from the four inputs.
pub fn figures(bac: i64, pv: i64, ev: i64, ac: i64) -> Figures {
    let cpi = ratio(ev, ac);
    let spi = ratio(ev, pv);
    let eac = match cpi {
        Some(c) if c > 0.0 => (bac as f64 / c).round() as i64,
        // Spent with nothing earned: what is spent plus all the work still to do.
        Some(_) => ac.saturating_add(bac),
        None => bac,
    };
    Figures {
        bac,
        pv,
        ev,
        ac,
        cv: ev.saturating_sub(ac),
        sv: ev.saturating_sub(pv),
        cpi,
        spi,
        eac,
        etc: eac.saturating_sub(ac),
        vac: bac.saturating_sub(eac),
        tcpi: ratio(bac.saturating_sub(ev), bac.saturating_sub(ac)),
    }
}

/// The cost health a CPI gives: amber below 0.9, red below 0.8. `None` without a CPI.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum CostRag {
    Green,
    Amber,
    Red,
}

pub const CPI_AMBER: f64 = 0.9;
pub const CPI_RED: f64 = 0.8;

pub fn cost_rag(cpi: Option<f64>) -> Option<CostRag> {
    let c = cpi?;
    Some(if c < CPI_RED {
        CostRag::Red
    } else if c < CPI_AMBER {
        CostRag::Amber
    } else {
        CostRag::Green
    })
}

/// One point of the S-curve: cumulative PV, EV and AC at a date.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct CurvePoint {
    pub date: NaiveDate,
    pub pv: i64,
    pub ev: Option<i64>,
    pub ac: Option<i64>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    /// Kathy Schwalbe, *Information Technology Project Management*, chapter 7 (Project Cost
    /// Management), earned-value exercise: a six-month project with BAC $200,000, three
    /// months in, PV $120,000, EV $100,000, AC $90,000. By the PMBOK Guide's formulas
    /// (Table 7-1): CV = 10,000, SV = −20,000, CPI = 100/90 = 1.111, SPI = 100/120 = 0.833,
    /// EAC = 200,000 / 1.111 = 180,000, ETC = 90,000, VAC = 20,000,
    /// TCPI = (200 − 100) / (200 − 90) = 0.909. (Dollars here, as minor units.)
    #[test]
    fn schwalbe_textbook_vector() {
        let f = figures(200_000, 120_000, 100_000, 90_000);
        assert_eq!((f.cv, f.sv), (10_000, -20_000));
        assert!((f.cpi.unwrap() - 1.1111).abs() < 1e-4);
        assert!((f.spi.unwrap() - 0.8333).abs() < 1e-4);
        assert_eq!((f.eac, f.etc, f.vac), (180_000, 90_000, 20_000));
        assert!((f.tcpi.unwrap() - 0.9091).abs() < 1e-4);
    }

    /// An overrun by hand: BAC 1,000, EV 400 for AC 500 → CPI 0.8, EAC 1,250, VAC −250,
    /// TCPI 600/500 = 1.2.
    #[test]
    fn overrun_forecast_and_variance() {
        let f = figures(1_000, 500, 400, 500);
        assert_eq!(f.cpi, Some(0.8));
        assert_eq!(f.spi, Some(0.8));
        assert_eq!((f.eac, f.etc, f.vac, f.cv, f.sv), (1_250, 750, -250, -100, -100));
        assert!((f.tcpi.unwrap() - 1.2).abs() < 1e-9);
        // Nothing spent, nothing planned: no ratios, the forecast is the budget.
        let z = figures(1_000, 0, 0, 0);
        assert_eq!((z.cpi, z.spi, z.eac, z.vac), (None, None, 1_000, 0));
        // Spent but nothing earned: the forecast is what is spent plus all the work.
        assert_eq!(figures(1_000, 100, 0, 300).eac, 1_300);
    }

    #[test]
    fn thresholds() {
        assert_eq!(cost_rag(None), None);
        assert_eq!(cost_rag(Some(0.95)), Some(CostRag::Green));
        assert_eq!(cost_rag(Some(0.9)), Some(CostRag::Green));
        assert_eq!(cost_rag(Some(0.85)), Some(CostRag::Amber));
        assert_eq!(cost_rag(Some(0.8)), Some(CostRag::Amber));
        assert_eq!(cost_rag(Some(0.79)), Some(CostRag::Red));
    }

    /// The Schwalbe exercise rebuilt from work items: two months' budgets fully planned, the
    /// third half through on the status date.
    #[test]
    fn pv_and_ev_from_work() {
        let work = [
            Work { budget: 40_000, start: d("2026-01-01"), finish: d("2026-01-31"), percent: 100 },
            Work { budget: 40_000, start: d("2026-02-01"), finish: d("2026-02-28"), percent: 100 },
            // 30 days, 15 elapsed on the 15th → half of 80,000 = 40,000 planned; 25 % done.
            Work { budget: 80_000, start: d("2026-04-01"), finish: d("2026-04-30"), percent: 25 },
            Work { budget: 40_000, start: d("2026-05-01"), finish: d("2026-05-31"), percent: 0 },
        ];
        let day = d("2026-04-15");
        assert_eq!(bac(&work), 200_000);
        assert_eq!(pv(&work, day), 120_000);
        assert_eq!(ev(&work), 100_000);
        assert_eq!(planned_fraction(&work[3], day), 0.0);
        assert_eq!(planned_fraction(&work[0], d("2026-01-31")), 1.0);
        assert_eq!(planned_fraction(&work[0], d("2026-01-01")), 1.0 / 31.0);
    }
}
