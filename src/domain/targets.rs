//! Measurable targets (DOMAIN.md: benefit, measurable, achievable): how far a target has come
//! from its baseline, where the trend of its measurements leads, and whether it will be met.
//! Values are metrics (percent, days, counts, money as plain numbers), so f64 is fine here.
use chrono::NaiveDate;
use serde::Serialize;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    Increase,
    Decrease,
}

impl Direction {
    pub fn parse(s: &str) -> Option<Direction> {
        match s {
            "increase" => Some(Direction::Increase),
            "decrease" => Some(Direction::Decrease),
            _ => None,
        }
    }
    pub fn as_str(self) -> &'static str {
        match self {
            Direction::Increase => "increase",
            Direction::Decrease => "decrease",
        }
    }
}

/// A target value typed either as an absolute number or as a change relative to the
/// baseline ("+10%", "-15%", "−15 %").
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum TargetSpec {
    Absolute(f64),
    RelativePercent(f64),
}

/// Parse what a user typed as a target. Accepts "12.5", "+10%", "-15%", "−15 %", "1,200".
pub fn parse_target(s: &str) -> Option<TargetSpec> {
    let t = s.trim().replace('−', "-").replace([',', ' '], "");
    if let Some(pct) = t.strip_suffix('%') {
        let v: f64 = pct.parse().ok()?;
        return v.is_finite().then_some(TargetSpec::RelativePercent(v));
    }
    let v: f64 = t.parse().ok()?;
    v.is_finite().then_some(TargetSpec::Absolute(v))
}

/// A plain number as users type them ("1,200.5", "−3").
pub fn parse_number(s: &str) -> Option<f64> {
    let t = s.trim().replace('−', "-").replace([',', ' '], "");
    t.parse::<f64>().ok().filter(|v| v.is_finite())
}

/// The absolute target for a spec: a relative change applies to the baseline.
pub fn resolve(spec: TargetSpec, baseline: f64) -> f64 {
    match spec {
        TargetSpec::Absolute(v) => v,
        TargetSpec::RelativePercent(p) => baseline * (1.0 + p / 100.0),
    }
}

/// Progress from baseline toward target in percent (0 at baseline, 100 at target, more when
/// exceeded, negative when moving the wrong way). A target equal to its baseline counts as
/// met (100) when the actual is on the right side of it.
pub fn attainment(direction: Direction, baseline: f64, target: f64, actual: f64) -> f64 {
    let span = target - baseline;
    if span.abs() < f64::EPSILON {
        let ok = match direction {
            Direction::Increase => actual >= target,
            Direction::Decrease => actual <= target,
        };
        return if ok { 100.0 } else { 0.0 };
    }
    (actual - baseline) / span * 100.0
}

/// Whether `value` meets the target in the target's direction.
pub fn meets(direction: Direction, target: f64, value: f64) -> bool {
    match direction {
        Direction::Increase => value >= target,
        Direction::Decrease => value <= target,
    }
}

/// A least-squares line through measurements: value = intercept + slope × days since `origin`.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Trend {
    pub origin: NaiveDate,
    pub intercept: f64,
    /// Change per day.
    pub slope: f64,
}

impl Trend {
    pub fn at(&self, d: NaiveDate) -> f64 {
        self.intercept + self.slope * (d - self.origin).num_days() as f64
    }
}

/// The trend of (date, value) points, with the baseline as the first point. One point gives
/// no trend; points all on one day give none either.
pub fn trend(points: &[(NaiveDate, f64)]) -> Option<Trend> {
    let origin = points.iter().map(|p| p.0).min()?;
    let n = points.len() as f64;
    if points.len() < 2 {
        return None;
    }
    let xs: Vec<f64> = points.iter().map(|(d, _)| (*d - origin).num_days() as f64).collect();
    let mx = xs.iter().sum::<f64>() / n;
    let my = points.iter().map(|p| p.1).sum::<f64>() / n;
    let sxx: f64 = xs.iter().map(|x| (x - mx).powi(2)).sum();
    if sxx == 0.0 {
        return None;
    }
    let sxy: f64 = xs.iter().zip(points).map(|(x, (_, y))| (x - mx) * (y - my)).sum();
    let slope = sxy / sxx;
    Some(Trend { origin, intercept: my - slope * mx, slope })
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Rag {
    Green,
    Amber,
    Red,
    /// Not measurable, or nothing measured yet.
    Grey,
}

/// What a target looks like today.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Assessment {
    pub latest: Option<f64>,
    pub latest_date: Option<NaiveDate>,
    /// Percent of the way from baseline to target.
    pub attainment: Option<f64>,
    /// Percent of the time from baseline date to target date that has passed.
    pub time_elapsed: Option<f64>,
    pub trend: Option<Trend>,
    /// Where the trend reaches on the target date.
    pub forecast: Option<f64>,
    pub forecast_meets: Option<bool>,
    pub rag: Rag,
}

/// Assess a target on `today` from its measurements (any order).
///
/// RAG: past the target date it is green when the latest value meets the target, else red.
/// Before it: green when the forecast meets the target (or, with too few points for a trend,
/// when attainment keeps pace with the time elapsed); red when the forecast gets less than
/// half way; amber in between.
pub fn assess(
    direction: Direction,
    baseline: f64,
    baseline_date: NaiveDate,
    target: f64,
    target_date: NaiveDate,
    measurements: &[(NaiveDate, f64)],
    today: NaiveDate,
) -> Assessment {
    let mut ms: Vec<(NaiveDate, f64)> = measurements.to_vec();
    ms.sort_by_key(|m| m.0);
    let latest = ms.last().copied();
    let progress = latest.map(|(_, v)| attainment(direction, baseline, target, v));
    let total = (target_date - baseline_date).num_days();
    let time_elapsed =
        (total > 0).then(|| ((today - baseline_date).num_days() as f64 / total as f64 * 100.0).clamp(0.0, 100.0));
    let mut points = vec![(baseline_date, baseline)];
    points.extend(ms.iter().copied());
    let trend = if ms.is_empty() { None } else { trend(&points) };
    let forecast = trend.map(|t| t.at(target_date));
    let forecast_meets = forecast.map(|f| meets(direction, target, f));
    let rag = match latest {
        None => Rag::Grey,
        Some((_, v)) if today > target_date => {
            if meets(direction, target, v) {
                Rag::Green
            } else {
                Rag::Red
            }
        }
        Some(_) => match forecast {
            Some(f) if meets(direction, target, f) => Rag::Green,
            Some(f) if attainment(direction, baseline, target, f) < 50.0 => Rag::Red,
            Some(_) => Rag::Amber,
            None => match (progress, time_elapsed) {
                (Some(a), Some(t)) if a + 10.0 >= t => Rag::Green,
                _ => Rag::Amber,
            },
        },
    };
    Assessment {
        latest: latest.map(|l| l.1),
        latest_date: latest.map(|l| l.0),
        attainment: progress,
        time_elapsed,
        trend,
        forecast,
        forecast_meets,
        rag,
    }
}

/// The method's rule: a target must have a number, a baseline and a date to be measurable.
/// Returns the i18n keys of what is missing.
pub fn measurability_gaps(
    target: Option<f64>,
    baseline: Option<f64>,
    baseline_date: Option<NaiveDate>,
    target_date: Option<NaiveDate>,
) -> Vec<&'static str> {
    let mut gaps = vec![];
    if target.is_none() {
        gaps.push("target.gap.number");
    }
    if baseline.is_none() || baseline_date.is_none() {
        gaps.push("target.gap.baseline");
    }
    if target_date.is_none() {
        gaps.push("target.gap.date");
    }
    gaps
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn relative_targets_resolve_against_the_baseline() {
        assert_eq!(parse_target("+10%"), Some(TargetSpec::RelativePercent(10.0)));
        assert_eq!(parse_target("−15 %"), Some(TargetSpec::RelativePercent(-15.0)));
        assert_eq!(parse_target("1,200.5"), Some(TargetSpec::Absolute(1200.5)));
        assert_eq!(parse_target("ten"), None);
        assert_eq!(parse_target("NaN"), None);
        assert!((resolve(TargetSpec::RelativePercent(10.0), 2000.0) - 2200.0).abs() < 1e-9);
        assert!((resolve(TargetSpec::RelativePercent(-15.0), 400.0) - 340.0).abs() < 1e-9);
        // A relative change of a zero baseline stays zero.
        assert_eq!(resolve(TargetSpec::RelativePercent(10.0), 0.0), 0.0);
    }

    #[test]
    fn attainment_both_directions() {
        // Revenue +10%: 2000 → 2200; at 2100 half way.
        assert!((attainment(Direction::Increase, 2000.0, 2200.0, 2100.0) - 50.0).abs() < 1e-9);
        // Cost −15%: 400 → 340; at 370 half way, at 331 beyond (115%).
        assert!((attainment(Direction::Decrease, 400.0, 340.0, 370.0) - 50.0).abs() < 1e-9);
        assert!((attainment(Direction::Decrease, 400.0, 340.0, 331.0) - 115.0).abs() < 1e-9);
        // Moving the wrong way is negative.
        assert!(attainment(Direction::Decrease, 400.0, 340.0, 420.0) < 0.0);
        // Zero baseline: complaints resolved online from 0 to 60%.
        assert!((attainment(Direction::Increase, 0.0, 60.0, 15.0) - 25.0).abs() < 1e-9);
        // Target equal to baseline ("keep churn at 5%").
        assert_eq!(attainment(Direction::Decrease, 5.0, 5.0, 4.8), 100.0);
        assert_eq!(attainment(Direction::Decrease, 5.0, 5.0, 5.3), 0.0);
    }

    #[test]
    fn least_squares_trend() {
        let t = trend(&[(d("2026-01-01"), 10.0), (d("2026-01-11"), 20.0), (d("2026-01-21"), 30.0)]).unwrap();
        assert!((t.slope - 1.0).abs() < 1e-9 && (t.intercept - 10.0).abs() < 1e-9);
        assert!((t.at(d("2026-02-01")) - 41.0).abs() < 1e-9);
        // Noisy points: slope of y = 2x + noise.
        let pts = [(d("2026-01-01"), 1.0), (d("2026-01-02"), 2.0), (d("2026-01-03"), 6.0), (d("2026-01-04"), 7.0)];
        let t = trend(&pts).unwrap();
        assert!((t.slope - 2.2).abs() < 1e-9, "{}", t.slope);
        assert!(trend(&[(d("2026-01-01"), 1.0)]).is_none());
        assert!(trend(&[(d("2026-01-01"), 1.0), (d("2026-01-01"), 2.0)]).is_none());
    }

    #[test]
    fn assessment_and_forecast() {
        let (b, bd, tgt, td) = (400.0, d("2026-01-01"), 340.0, d("2026-12-31"));
        // Cost falling 5 a month: forecast reaches ~340 by year end → green.
        let ms =
            [(d("2026-02-01"), 395.0), (d("2026-03-01"), 390.0), (d("2026-04-01"), 385.0), (d("2026-05-01"), 380.0)];
        let a = assess(Direction::Decrease, b, bd, tgt, td, &ms, d("2026-05-15"));
        assert_eq!(a.latest, Some(380.0));
        assert!((a.attainment.unwrap() - 100.0 / 3.0).abs() < 1e-9);
        assert!(a.forecast.unwrap() < 345.0 && a.forecast.unwrap() > 335.0, "{:?}", a.forecast);
        assert_eq!(a.rag, Rag::Green);
        // Stalling cost: forecast far from the target → red.
        let stalled =
            [(d("2026-02-01"), 399.0), (d("2026-03-01"), 400.0), (d("2026-04-01"), 398.0), (d("2026-05-01"), 399.0)];
        assert_eq!(assess(Direction::Decrease, b, bd, tgt, td, &stalled, d("2026-05-15")).rag, Rag::Red);
        // Halfway there by forecast → amber.
        let slow = [(d("2026-04-01"), 392.0), (d("2026-07-01"), 384.0)];
        let a = assess(Direction::Decrease, b, bd, tgt, td, &slow, d("2026-07-02"));
        assert_eq!(a.rag, Rag::Amber, "{a:?}");
        // Nothing measured yet.
        assert_eq!(assess(Direction::Decrease, b, bd, tgt, td, &[], d("2026-05-15")).rag, Rag::Grey);
        // A single measurement still gives a trend through the baseline.
        let a = assess(Direction::Increase, 0.0, bd, 60.0, td, &[(d("2026-07-02"), 30.0)], d("2026-07-02"));
        assert!(a.trend.is_some());
        assert_eq!(a.rag, Rag::Green);
        // Past the target date only the latest value counts.
        let late = [(d("2026-12-01"), 350.0), (d("2027-01-15"), 338.0)];
        assert_eq!(assess(Direction::Decrease, b, bd, tgt, td, &late, d("2027-02-01")).rag, Rag::Green);
        let missed = [(d("2027-01-15"), 360.0)];
        assert_eq!(assess(Direction::Decrease, b, bd, tgt, td, &missed, d("2027-02-01")).rag, Rag::Red);
    }

    #[test]
    fn measurability() {
        assert!(measurability_gaps(Some(1.0), Some(0.0), Some(d("2026-01-01")), Some(d("2026-12-31"))).is_empty());
        assert_eq!(
            measurability_gaps(None, None, None, None),
            ["target.gap.number", "target.gap.baseline", "target.gap.date"]
        );
    }
}
