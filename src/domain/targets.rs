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
        return super::bounds::number_ok(v).then_some(TargetSpec::RelativePercent(v));
    }
    let v: f64 = t.parse().ok()?;
    super::bounds::number_ok(v).then_some(TargetSpec::Absolute(v))
}

/// A plain number as users type them ("1,200.5", "−3").
pub fn parse_number(s: &str) -> Option<f64> {
    let t = s.trim().replace('−', "-").replace([',', ' '], "");
    t.parse::<f64>().ok().filter(|v| super::bounds::number_ok(*v))
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
#[derive(Clone, Copy, Debug, PartialEq, Serialize, utoipa::ToSchema)]
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

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
#[schema(as = TargetRag)]
pub enum Rag {
    Green,
    Amber,
    Red,
    /// Not measurable, or nothing measured yet.
    Grey,
}

impl Rag {
    pub fn as_str(self) -> &'static str {
        match self {
            Rag::Green => "green",
            Rag::Amber => "amber",
            Rag::Red => "red",
            Rag::Grey => "grey",
        }
    }
}

/// What a target looks like today.
#[derive(Clone, Debug, PartialEq, Serialize, utoipa::ToSchema)]
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
    /// The trend runs below zero by the target date for a metric that cannot: no forecast
    /// figure is given (see [`floor_forecast`]).
    pub forecast_below_zero: bool,
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
        forecast_below_zero: false,
        rag,
    }
}

/// A percentage as every surface prints it: whole percent, half away from zero.
pub fn whole_percent(pct: f64) -> i64 {
    pct.round() as i64
}

/// A metric value as people read it: thousands separators, at most `decimals` places, no
/// trailing zeros (12345.678 → "12,345.68", 2350 → "2,350", −0.5 → "-0.5").
pub fn figure(v: f64, decimals: usize) -> String {
    if !v.is_finite() {
        return "—".into();
    }
    let s = format!("{:.*}", decimals, v.abs());
    let (int, frac) = s.split_once('.').unwrap_or((&s, ""));
    let frac = frac.trim_end_matches('0');
    let mut grouped = String::new();
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(c);
    }
    let sign = if v < 0.0 && (grouped != "0" || !frac.is_empty()) { "-" } else { "" };
    if frac.is_empty() { format!("{sign}{grouped}") } else { format!("{sign}{grouped}.{frac}") }
}

/// Whether a metric cannot go below zero, so a trend that runs past zero must not be printed
/// as a negative forecast. Counts, times, money, shares and rates cannot; a metric is taken to
/// be signed when its baseline or target is negative, or its unit or metric names a signed
/// scale (net promoter score, temperature, percentage points of change, growth, margin, profit).
pub fn non_negative(unit: &str, metric: &str, baseline: Option<f64>, target: Option<f64>) -> bool {
    if baseline.is_some_and(|b| b < 0.0) || target.is_some_and(|t| t < 0.0) {
        return false;
    }
    const SIGNED: &[&str] = &[
        "nps",
        "net promoter",
        "°",
        "℃",
        "℉",
        "pp",
        "growth",
        "margin",
        "profit",
        "balance",
        "增长",
        "增幅",
        "利润",
        "净推荐",
        "差额",
    ];
    let words = format!("{} {}", unit.to_lowercase(), metric.to_lowercase());
    let unit_l = unit.trim().to_lowercase();
    !SIGNED.iter().any(|w| if *w == "pp" { unit_l == "pp" } else { words.contains(w) })
}

/// Apply [`non_negative`]: a forecast below zero of a metric that cannot go there is no
/// figure; the assessment says the trend reaches zero before the target date instead (RAG
/// is unchanged).
pub fn floor_forecast(a: &mut Assessment, non_negative: bool) {
    if non_negative && a.forecast.is_some_and(|f| f < 0.0) {
        a.forecast = None;
        a.forecast_below_zero = true;
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
    fn figures_as_printed() {
        assert_eq!(figure(12345.678, 2), "12,345.68");
        assert_eq!(figure(2585.0, 2), "2,585");
        assert_eq!(figure(-0.5, 1), "-0.5");
        assert_eq!(whole_percent(40.85), 41);
        assert_eq!(whole_percent(-6.98), -7);
    }

    #[test]
    fn forecasts_of_metrics_that_cannot_go_below_zero() {
        assert!(non_negative("h", "First response time", Some(26.0), Some(8.0)));
        assert!(non_negative("CNY", "", Some(86.0), Some(73.1)));
        assert!(non_negative("tickets", "", Some(120.0), Some(60.0)));
        assert!(non_negative("%", "CSAT", Some(78.0), Some(85.0)));
        assert!(!non_negative("points", "NPS", Some(-10.0), Some(20.0)));
        assert!(!non_negative("points", "Net promoter score", Some(5.0), Some(20.0)));
        assert!(!non_negative("pp", "", Some(1.0), Some(3.0)));
        assert!(!non_negative("°C", "Warehouse temperature", Some(4.0), Some(2.0)));
        assert!(!non_negative("%", "Margin", Some(12.0), Some(15.0)));
        // Response time 26 h falling fast: the line crosses zero before the target date.
        let (bd, td) = (d("2026-01-01"), d("2026-12-31"));
        let ms = [(d("2026-02-01"), 22.0), (d("2026-03-01"), 18.0), (d("2026-04-01"), 14.0)];
        let mut a = assess(Direction::Decrease, 26.0, bd, 8.0, td, &ms, d("2026-04-02"));
        assert!(a.forecast.unwrap() < 0.0);
        let rag = a.rag;
        floor_forecast(&mut a, true);
        assert_eq!((a.forecast, a.forecast_below_zero, a.rag), (None, true, rag));
        // A signed metric keeps its negative forecast; a positive forecast is left alone.
        let mut b = assess(Direction::Decrease, 26.0, bd, 8.0, td, &ms, d("2026-04-02"));
        floor_forecast(&mut b, false);
        assert!(b.forecast.unwrap() < 0.0 && !b.forecast_below_zero);
        let mut c = assess(Direction::Increase, 0.0, bd, 60.0, td, &[(d("2026-07-02"), 30.0)], d("2026-07-02"));
        floor_forecast(&mut c, true);
        assert!(c.forecast.unwrap() > 0.0 && !c.forecast_below_zero);
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
