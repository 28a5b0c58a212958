//! The business case as a model: cost and benefit lines turned into yearly flows, scenarios,
//! the computed results, and validation of what users type. Pure; the arithmetic itself is
//! in `finance`.
use super::finance::{self, Irr, Payback, SensLine, Sensitivity};
use super::money;
use super::validation::{FieldErrors, required_text};
use chrono::{Datelike, NaiveDate};
use serde::Serialize;

pub const COST_CATEGORIES: &[&str] = &[
    "software",
    "hardware",
    "implementation",
    "customisation",
    "integration",
    "data_migration",
    "training",
    "internal_staff",
    "support",
    "change_management",
    "other",
];

/// How a cost line is entered: once in year 0, recurring from year 1 with growth, or
/// amounts per year (a yearly grid from a start year to an end year).
pub const RECURRENCES: &[&str] = &["one_time", "recurring", "yearly"];

/// Amounts per year: the first calendar year and one amount a year from it (minor units).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct Grid {
    pub start: i32,
    pub amounts: Vec<i64>,
}

impl Grid {
    /// The last calendar year of the grid.
    pub fn end(&self) -> i32 {
        self.start.saturating_add(self.amounts.len().saturating_sub(1) as i32)
    }

    /// The grid's amounts laid on the case's years 0..=horizon (year t is calendar year
    /// `start_year + t`); amounts outside the case's years are left out.
    pub fn flows(&self, start_year: i32, horizon: usize) -> Vec<i64> {
        (0..=horizon)
            .map(|t| {
                let year = i64::from(start_year) + t as i64;
                usize::try_from(year - i64::from(self.start))
                    .ok()
                    .and_then(|i| self.amounts.get(i))
                    .copied()
                    .unwrap_or(0)
            })
            .collect()
    }

    /// The stored form (a JSON array of minor units).
    pub fn to_json(&self) -> String {
        serde_json::to_string(&self.amounts).unwrap_or_else(|_| "[]".into())
    }

    /// From the stored columns; `None` for a shorthand line (or unreadable amounts).
    pub fn from_columns(start: Option<i32>, json: Option<&str>) -> Option<Grid> {
        let amounts: Vec<i64> = serde_json::from_str(json?).ok()?;
        Some(Grid { start: start?, amounts })
    }
}

pub const BENEFIT_KINDS: &[&str] = &["revenue", "cost_reduction", "productivity", "intangible"];

pub const MAX_HORIZON: i32 = 10;
pub const DESCRIPTION_MAX: usize = 300;

/// Yearly flows of a cost line, years 0..=horizon: a one-time cost falls in year 0; a
/// recurring one in years 1..=horizon, growing by `growth` a year from the first.
pub fn cost_flows(recurrence: &str, amount: i64, growth: f64, horizon: usize) -> Vec<i64> {
    let mut v = vec![0; horizon + 1];
    if recurrence == "one_time" {
        v[0] = amount;
    } else {
        for (t, slot) in v.iter_mut().enumerate().skip(1) {
            *slot = grow(amount, growth, t - 1);
        }
    }
    v
}

/// `amount × (1 + g)^n`, rounded to a minor unit (the rate is the only non-integer).
fn grow(amount: i64, growth: f64, n: usize) -> i64 {
    if n == 0 || growth == 0.0 { amount } else { finance::round_minor(amount as f64 * (1.0 + growth).powi(n as i32)) }
}

/// The benefit of one full year, before risk: revenue uplift × margin, the saving itself,
/// hours × hourly rate, or an intangible's proxy value.
pub fn benefit_annual(kind: &str, amount: i64, hours: i64, margin: f64) -> i64 {
    match kind {
        "revenue" => finance::round_minor(amount as f64 * margin),
        "productivity" => amount.saturating_mul(hours),
        _ => amount,
    }
}

/// Yearly risk-adjusted flows of a benefit, years 0..=horizon, from `first_year` on.
pub fn benefit_flows(annual: i64, growth: f64, first_year: i32, risk: f64, horizon: usize) -> Vec<i64> {
    let first = first_year.max(1) as usize;
    let mut v = vec![0; horizon + 1];
    for (t, slot) in v.iter_mut().enumerate().skip(first) {
        *slot = finance::round_minor(grow(annual, growth, t - first) as f64 * (1.0 - risk));
    }
    v
}

/// What the plan expects by `as_of`: whole years elapsed, plus the elapsed share of the
/// current year by days. Year t of the case is calendar year `start_year + t`; year 0 (the
/// investment) is counted once its calendar year has begun.
pub fn planned_to_date(flows: &[i64], start_year: i32, as_of: NaiveDate) -> i64 {
    let mut total: i128 = 0;
    for (t, &f) in flows.iter().enumerate() {
        let year = start_year + t as i32;
        if year < as_of.year() {
            total += i128::from(f);
        } else if year == as_of.year() {
            let days =
                if NaiveDate::from_ymd_opt(year, 12, 31).is_some_and(|d| d.ordinal() == 366) { 366 } else { 365 };
            total += i128::from(f) * i128::from(as_of.ordinal()) / days;
        }
    }
    total.clamp(i128::from(i64::MIN), i128::from(i64::MAX)) as i64
}

/// One scenario's parameters.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Scenario {
    pub horizon: i32,
    pub rate: f64,
    pub start_year: i32,
    pub cost_factor_pct: i32,
    pub benefit_factor_pct: i32,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct CostLine {
    pub id: i32,
    pub category: String,
    pub description: String,
    pub recurrence: String,
    pub amount: i64,
    pub growth: f64,
    /// Amounts per year (recurrence `yearly`); the amount and growth are then unused.
    pub grid: Option<Grid>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct BenefitLine {
    pub id: i32,
    pub kind: String,
    pub description: String,
    pub amount: i64,
    pub hours: i64,
    pub margin: f64,
    pub growth: f64,
    pub first_year: i32,
    pub risk: f64,
    pub include_in_roi: bool,
    /// Benefit values per year (before risk); amount, hours, margin, growth and first year
    /// are then unused.
    pub grid: Option<Grid>,
}

impl BenefitLine {
    /// Tangible benefits always count; an intangible one only when the user includes it.
    pub fn counted(&self) -> bool {
        self.kind != "intangible" || self.include_in_roi
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, utoipa::ToSchema)]
pub struct YearRow {
    pub t: usize,
    pub calendar_year: i32,
    pub costs: i64,
    pub benefits: i64,
    pub net: i64,
    pub cumulative: i64,
    pub pv_net: i64,
}

#[derive(Clone, Debug, PartialEq, Serialize, utoipa::ToSchema)]
pub struct LineResult {
    pub id: i32,
    pub nominal: i64,
    pub pv: i64,
    /// Benefits: risk-adjusted yearly flows; costs: yearly flows (scenario factor applied).
    pub flows: Vec<i64>,
    pub counted: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Results {
    pub years: Vec<YearRow>,
    pub tco_nominal: i64,
    pub tco_pv: i64,
    pub benefits_nominal: i64,
    pub benefits_pv: i64,
    /// Intangible proxy values left out of ROI, present value.
    pub excluded_pv: i64,
    pub npv: i64,
    pub roi: Option<f64>,
    pub irr: Irr,
    pub payback: Payback,
    /// The discount rate at which NPV is zero: the IRR when there is one root.
    pub break_even_rate: Irr,
    pub sensitivity: Vec<Sensitivity>,
    pub costs_by_category: Vec<(String, i64)>,
    pub cost_lines: Vec<LineResult>,
    pub benefit_lines: Vec<LineResult>,
}

/// Compute everything the case page shows for one scenario.
pub fn evaluate(s: &Scenario, costs: &[CostLine], benefits: &[BenefitLine]) -> Results {
    let h = s.horizon.clamp(1, MAX_HORIZON) as usize;
    let cost_lines: Vec<LineResult> = costs
        .iter()
        .map(|c| {
            let base = match &c.grid {
                Some(g) => g.flows(s.start_year, h),
                None => cost_flows(&c.recurrence, c.amount, c.growth, h),
            };
            let flows = finance::scale_all(&base, i64::from(s.cost_factor_pct), 100);
            LineResult {
                id: c.id,
                nominal: finance::total(flows.iter().copied()),
                pv: finance::pv_minor(s.rate, &flows),
                flows,
                counted: true,
            }
        })
        .collect();
    let benefit_lines: Vec<LineResult> = benefits
        .iter()
        .map(|b| {
            let base = match &b.grid {
                Some(g) => g
                    .flows(s.start_year, h)
                    .into_iter()
                    .map(|v| finance::round_minor(v as f64 * (1.0 - b.risk)))
                    .collect(),
                None => {
                    let annual = benefit_annual(&b.kind, b.amount, b.hours, b.margin);
                    benefit_flows(annual, b.growth, b.first_year, b.risk, h)
                }
            };
            let flows = finance::scale_all(&base, i64::from(s.benefit_factor_pct), 100);
            LineResult {
                id: b.id,
                nominal: finance::total(flows.iter().copied()),
                pv: finance::pv_minor(s.rate, &flows),
                flows,
                counted: b.counted(),
            }
        })
        .collect();
    let sum_years = |lines: &[LineResult]| -> Vec<i64> {
        (0..=h).map(|t| finance::total(lines.iter().filter(|l| l.counted).map(|l| l.flows[t]))).collect()
    };
    let cost_years = sum_years(&cost_lines);
    let benefit_years = sum_years(&benefit_lines);
    let net: Vec<i64> = (0..=h).map(|t| benefit_years[t].saturating_sub(cost_years[t])).collect();
    let cum = finance::cumulative(&net);
    // PV per year of costs and of benefits (each rounded), and the net as their difference,
    // so that the PV column, the PV totals and NPV agree to the cent.
    let pv_costs = finance::pv_by_year(s.rate, &cost_years);
    let pv_benefits = finance::pv_by_year(s.rate, &benefit_years);
    let pv_net: Vec<i64> = (0..=h).map(|t| pv_benefits[t].saturating_sub(pv_costs[t])).collect();
    let years = (0..=h)
        .map(|t| YearRow {
            t,
            calendar_year: s.start_year + t as i32,
            costs: cost_years[t],
            benefits: benefit_years[t],
            net: net[t],
            cumulative: cum[t],
            pv_net: pv_net[t],
        })
        .collect();
    let tco_pv = finance::total(pv_costs.iter().copied());
    let benefits_pv = finance::total(pv_benefits.iter().copied());
    let excluded_pv = finance::total(benefit_lines.iter().filter(|l| !l.counted).map(|l| l.pv));
    let net_f: Vec<f64> = net.iter().map(|v| *v as f64).collect();
    let irr = finance::irr(&net_f);
    let mut sens_lines: Vec<SensLine> = vec![];
    for (c, r) in costs.iter().zip(&cost_lines) {
        sens_lines.push(SensLine { label: c.description.clone(), is_cost: true, flows: r.flows.clone() });
    }
    for (b, r) in benefits.iter().zip(&benefit_lines).filter(|(_, r)| r.counted) {
        sens_lines.push(SensLine { label: b.description.clone(), is_cost: false, flows: r.flows.clone() });
    }
    let mut by_cat: Vec<(String, i64)> = vec![];
    for cat in COST_CATEGORIES {
        let total: i64 =
            finance::total(costs.iter().zip(&cost_lines).filter(|(c, _)| c.category == *cat).map(|(_, r)| r.nominal));
        if total != 0 {
            by_cat.push(((*cat).to_string(), total));
        }
    }
    Results {
        years,
        tco_nominal: finance::total(cost_years.iter().copied()),
        tco_pv,
        benefits_nominal: finance::total(benefit_years.iter().copied()),
        benefits_pv,
        excluded_pv,
        npv: benefits_pv.saturating_sub(tco_pv),
        roi: finance::roi(benefits_pv, tco_pv),
        irr,
        payback: finance::payback(&net),
        break_even_rate: irr,
        sensitivity: finance::sensitivity(s.rate, benefits_pv.saturating_sub(tco_pv), &sens_lines),
        costs_by_category: by_cat,
        cost_lines,
        benefit_lines,
    }
}

// ---- input validation ----

fn money_field(e: &mut FieldErrors, field: &str, raw: &str, currency: &str) -> i64 {
    match money::parse(raw, currency) {
        Ok(v) => v,
        Err(err) => {
            e.add(field, err.key());
            0
        }
    }
}

/// A percentage typed as "5", "5.5" or "5%" → 0.05. Empty means `default`.
fn percent_field(e: &mut FieldErrors, field: &str, raw: &str, min: f64, max: f64, default: Option<f64>) -> f64 {
    let s = raw.trim().trim_end_matches(['%', '％']).trim();
    if s.is_empty() {
        if let Some(d) = default {
            return d;
        }
        e.add(field, "err.required");
        return 0.0;
    }
    match s.parse::<f64>() {
        Ok(v) if v.is_finite() && (min..=max).contains(&v) => v / 100.0,
        Ok(v) if v.is_finite() => {
            e.add(field, "err.percent_range");
            0.0
        }
        _ => {
            e.add(field, "err.percent_format");
            0.0
        }
    }
}

fn int_field(e: &mut FieldErrors, field: &str, raw: &str, min: i64, max: i64) -> i64 {
    match raw.trim().replace(',', "").parse::<i64>() {
        Ok(v) if (min..=max).contains(&v) => v,
        Ok(_) => {
            e.add(field, "err.number_range");
            min
        }
        Err(_) => {
            e.add(field, if raw.trim().is_empty() { "err.required" } else { "err.number_format" });
            min
        }
    }
}

fn choice(e: &mut FieldErrors, field: &str, raw: &str, list: &[&str]) -> String {
    if !list.contains(&raw) {
        e.add(field, "err.choose_from_list");
    }
    raw.to_string()
}

/// Scenario form fields as typed.
#[derive(Clone, Debug, Default, Serialize, serde::Deserialize)]
#[serde(default)]
pub struct RawScenario {
    pub name: String,
    pub horizon: String,
    pub rate: String,
    pub start_year: String,
    pub cost_factor: String,
    pub benefit_factor: String,
}

#[derive(Clone, Debug, PartialEq)]
pub struct ScenarioInput {
    pub name: String,
    pub params: Scenario,
}

pub fn validate_scenario(r: &RawScenario) -> Result<ScenarioInput, FieldErrors> {
    let mut e = FieldErrors::default();
    let name = required_text(&mut e, "name", &r.name, 100);
    let horizon = int_field(&mut e, "horizon", &r.horizon, 1, i64::from(MAX_HORIZON)) as i32;
    let rate = percent_field(&mut e, "rate", &r.rate, 0.0, 100.0, None);
    let start_year = int_field(&mut e, "start_year", &r.start_year, 2000, 2100) as i32;
    let cost_factor_pct = int_field(&mut e, "cost_factor", &r.cost_factor, 10, 500) as i32;
    let benefit_factor_pct = int_field(&mut e, "benefit_factor", &r.benefit_factor, 0, 500) as i32;
    e.into_result(ScenarioInput {
        name,
        params: Scenario { horizon, rate, start_year, cost_factor_pct, benefit_factor_pct },
    })
}

#[derive(Clone, Debug, Default, Serialize, serde::Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct RawCost {
    pub category: String,
    pub description: String,
    pub recurrence: String,
    pub amount: String,
    pub growth: String,
    /// Amounts per year (recurrence `yearly`): the first and last calendar year and one
    /// amount a year between them, separated by new lines, semicolons or spaces.
    pub grid_start: String,
    pub grid_end: String,
    pub grid: String,
}

/// The calendar years a case covers: its scenarios' start year to the end of the horizon.
pub type CaseYears = (i32, i32);

/// A yearly grid as typed: start and end year within the case's years (when known), and
/// exactly one amount for each year between them. The one check of the form, the imports
/// and the API.
fn grid_field(
    e: &mut FieldErrors,
    start: &str,
    end: &str,
    amounts: &str,
    currency: &str,
    years: Option<CaseYears>,
) -> Grid {
    let (lo, hi) = years.map_or((2000, 2100), |(a, b)| (i64::from(a), i64::from(b)));
    let before = e.0.len();
    let start = int_field(e, "grid_start", start, lo, hi) as i32;
    let end = int_field(e, "grid_end", end, lo, hi) as i32;
    if e.0.len() == before && end < start {
        e.add("grid_end", "budget2.err.end_before_start");
    }
    let parts: Vec<&str> =
        amounts.split(['\n', '\r', ';', '；', '\t', ' ', '|']).filter(|x| !x.trim().is_empty()).collect();
    let mut out = Vec::with_capacity(parts.len());
    let mut bad = false;
    for x in &parts {
        match money::parse(x, currency) {
            Ok(v) => out.push(v),
            Err(err) => {
                if !bad {
                    e.add("grid", err.key());
                }
                bad = true;
            }
        }
    }
    if parts.is_empty() {
        e.add("grid", "err.required");
    } else if !bad && e.0.len() == before && out.len() as i64 != i64::from(end) - i64::from(start) + 1 {
        e.add("grid", "budget2.err.grid_count");
    }
    Grid { start, amounts: out }
}

pub fn validate_cost(r: &RawCost, currency: &str, years: Option<CaseYears>) -> Result<CostLine, FieldErrors> {
    let mut e = FieldErrors::default();
    let category = choice(&mut e, "category", &r.category, COST_CATEGORIES);
    let description = required_text(&mut e, "description", &r.description, DESCRIPTION_MAX);
    let recurrence = choice(&mut e, "recurrence", &r.recurrence, RECURRENCES);
    if recurrence == "yearly" {
        let grid = grid_field(&mut e, &r.grid_start, &r.grid_end, &r.grid, currency, years);
        return e.into_result(CostLine {
            id: 0,
            category,
            description,
            recurrence,
            amount: 0,
            growth: 0.0,
            grid: Some(grid),
        });
    }
    let amount = money_field(&mut e, "amount", &r.amount, currency);
    let growth = percent_field(&mut e, "growth", &r.growth, -50.0, 100.0, Some(0.0));
    e.into_result(CostLine { id: 0, category, description, recurrence, amount, growth, grid: None })
}

#[derive(Clone, Debug, Default, Serialize, serde::Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct RawBenefit {
    pub kind: String,
    pub description: String,
    pub amount: String,
    pub hours: String,
    pub margin: String,
    pub growth: String,
    pub first_year: String,
    pub risk: String,
    #[serde(deserialize_with = "super::validation::checkbox")]
    pub include_in_roi: bool,
    pub target_key: String,
    /// Benefit values per year instead of the annual formula: `yearly` (with the grid's
    /// years and amounts, as for costs), or empty for the formula.
    pub entry: String,
    pub grid_start: String,
    pub grid_end: String,
    pub grid: String,
}

pub fn validate_benefit(
    r: &RawBenefit,
    currency: &str,
    years: Option<CaseYears>,
) -> Result<(BenefitLine, Option<String>), FieldErrors> {
    let mut e = FieldErrors::default();
    let kind = choice(&mut e, "kind", &r.kind, BENEFIT_KINDS);
    let description = required_text(&mut e, "description", &r.description, DESCRIPTION_MAX);
    match r.entry.trim() {
        "" | "formula" => {}
        "yearly" => {
            let grid = grid_field(&mut e, &r.grid_start, &r.grid_end, &r.grid, currency, years);
            let risk = percent_field(&mut e, "risk", &r.risk, 0.0, 100.0, Some(0.0));
            let target = r.target_key.trim();
            let target_key =
                if target.is_empty() { None } else { Some(required_text(&mut e, "target_key", target, 64)) };
            let include_in_roi = kind != "intangible" || r.include_in_roi;
            let first_year = years.map_or(1, |(a, _)| (grid.start - a).clamp(1, MAX_HORIZON));
            return e.into_result((
                BenefitLine {
                    id: 0,
                    kind,
                    description,
                    amount: 0,
                    hours: 0,
                    margin: 0.0,
                    growth: 0.0,
                    first_year,
                    risk,
                    include_in_roi,
                    grid: Some(grid),
                },
                target_key,
            ));
        }
        _ => e.add("entry", "err.choose_from_list"),
    }
    // An intangible benefit may be described without any proxy value.
    let amount = if kind == "intangible" && r.amount.trim().is_empty() {
        0
    } else {
        money_field(&mut e, "amount", &r.amount, currency)
    };
    let hours = if kind == "productivity" { int_field(&mut e, "hours", &r.hours, 0, 100_000_000) } else { 0 };
    // Hours × rate must stay a sensible amount, like any amount typed directly.
    if amount.checked_mul(hours).is_none_or(|v| v > money::MAX_MINOR) {
        e.add("hours", "err.money_too_large");
    }
    let margin = if kind == "revenue" { percent_field(&mut e, "margin", &r.margin, 0.0, 100.0, None) } else { 0.0 };
    let growth = percent_field(&mut e, "growth", &r.growth, -50.0, 100.0, Some(0.0));
    let first_year = if r.first_year.trim().is_empty() {
        1
    } else {
        int_field(&mut e, "first_year", &r.first_year, 1, i64::from(MAX_HORIZON)) as i32
    };
    let risk = percent_field(&mut e, "risk", &r.risk, 0.0, 100.0, Some(0.0));
    let target = r.target_key.trim();
    let target_key = if target.is_empty() { None } else { Some(required_text(&mut e, "target_key", target, 64)) };
    let include_in_roi = kind != "intangible" || r.include_in_roi;
    e.into_result((
        BenefitLine {
            id: 0,
            kind,
            description,
            amount,
            hours,
            margin,
            growth,
            first_year,
            risk,
            include_in_roi,
            grid: None,
        },
        target_key,
    ))
}

/// A realised-to-date entry: an amount and the date it was measured on.
pub fn validate_realised(
    amount: &str,
    as_of: &str,
    currency: &str,
    today: NaiveDate,
) -> Result<(i64, NaiveDate), FieldErrors> {
    let mut e = FieldErrors::default();
    let v = money_field(&mut e, "realised", amount, currency);
    let date = match NaiveDate::parse_from_str(as_of.trim(), "%Y-%m-%d") {
        Ok(d) if d > today => {
            e.add("as_of", "err.date_future");
            today
        }
        // Before the bounds every date keeps (a year such as 0001).
        Ok(d) if !super::bounds::date_ok(d) => {
            e.add("as_of", "err.date");
            today
        }
        Ok(d) => d,
        Err(_) => {
            e.add("as_of", if as_of.trim().is_empty() { "err.required" } else { "err.date" });
            today
        }
    };
    e.into_result((v, date))
}

/// Percent display of a decimal rate for a form field: 0.08 → "8".
pub fn percent_text(rate: f64) -> String {
    let p = (rate * 100.0 * 1000.0).round() / 1000.0;
    let s = format!("{p}");
    s.strip_suffix(".0").map(str::to_string).unwrap_or(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scenario(h: i32, rate: f64) -> Scenario {
        Scenario { horizon: h, rate, start_year: 2026, cost_factor_pct: 100, benefit_factor_pct: 100 }
    }

    #[test]
    fn line_flows() {
        assert_eq!(cost_flows("one_time", 500, 0.1, 2), vec![500, 0, 0]);
        assert_eq!(cost_flows("recurring", 1000, 0.1, 3), vec![0, 1000, 1100, 1210]);
        assert_eq!(benefit_annual("revenue", 1_000_000, 0, 0.25), 250_000);
        assert_eq!(benefit_annual("productivity", 15_000, 2_000, 0.0), 30_000_000);
        assert_eq!(benefit_annual("cost_reduction", 7, 99, 0.5), 7);
        // Starts in year 2, 10% risk.
        assert_eq!(benefit_flows(1000, 0.0, 2, 0.10, 3), vec![0, 0, 900, 900]);
    }

    #[test]
    fn evaluates_a_small_case() {
        let costs = vec![
            CostLine {
                id: 1,
                category: "implementation".into(),
                description: "Partner".into(),
                recurrence: "one_time".into(),
                amount: 10_000,
                growth: 0.0,
                grid: None,
            },
            CostLine {
                id: 2,
                category: "software".into(),
                description: "Licences".into(),
                recurrence: "recurring".into(),
                amount: 1_000,
                growth: 0.0,
                grid: None,
            },
        ];
        let benefits = vec![
            BenefitLine {
                id: 3,
                kind: "cost_reduction".into(),
                description: "Service".into(),
                amount: 8_000,
                hours: 0,
                margin: 0.0,
                growth: 0.0,
                first_year: 1,
                risk: 0.25,
                include_in_roi: true,
                grid: None,
            },
            BenefitLine {
                id: 4,
                kind: "intangible".into(),
                description: "Loyalty".into(),
                amount: 5_000,
                hours: 0,
                margin: 0.0,
                growth: 0.0,
                first_year: 1,
                risk: 0.0,
                include_in_roi: false,
                grid: None,
            },
        ];
        let r = evaluate(&scenario(2, 0.0), &costs, &benefits);
        assert_eq!(r.tco_nominal, 12_000);
        assert_eq!(r.benefits_nominal, 12_000, "6,000 a year after 25% risk; the intangible is left out");
        assert_eq!(r.excluded_pv, 10_000);
        assert_eq!(r.npv, 0);
        assert_eq!(r.roi, Some(0.0));
        assert_eq!(r.years.iter().map(|y| y.net).collect::<Vec<_>>(), vec![-10_000, 5_000, 5_000]);
        assert_eq!(r.payback, Payback::Months(24.0));
        assert_eq!(r.costs_by_category, vec![("software".to_string(), 2_000), ("implementation".to_string(), 10_000)]);
        assert_eq!(r.years[2].calendar_year, 2028);
        // Including the intangible changes the figures.
        let mut b2 = benefits.clone();
        b2[1].include_in_roi = true;
        assert_eq!(evaluate(&scenario(2, 0.0), &costs, &b2).npv, 10_000);
        // A conservative scenario: costs +10%, benefits −20%.
        let cons = Scenario { cost_factor_pct: 110, benefit_factor_pct: 80, ..scenario(2, 0.0) };
        let r = evaluate(&cons, &costs, &benefits);
        assert_eq!((r.tco_nominal, r.benefits_nominal), (13_200, 9_600));
        assert_eq!(r.sensitivity.len(), 3);
    }

    #[test]
    fn absurd_amounts_do_not_panic() {
        let big = CostLine {
            id: 1,
            category: "other".into(),
            description: "x".into(),
            recurrence: "recurring".into(),
            amount: i64::MAX / 2,
            growth: 1.0,
            grid: None,
        };
        let costs = vec![big.clone(), big.clone(), big];
        let r = evaluate(&scenario(10, 0.0), &costs, &[]);
        assert_eq!(r.tco_nominal, i64::MAX);
        assert!(r.npv < 0);
    }

    #[test]
    fn planned_to_date_prorates_the_current_year() {
        let flows = [0, 365, 730];
        let d = NaiveDate::from_ymd_opt(2027, 1, 1).unwrap();
        assert_eq!(planned_to_date(&flows, 2026, d), 1);
        let d = NaiveDate::from_ymd_opt(2028, 12, 31).unwrap();
        assert_eq!(planned_to_date(&flows, 2026, d), 1095, "2028 is a leap year: 366/366");
        assert_eq!(planned_to_date(&flows, 2030, d), 0);
    }

    #[test]
    fn validates_input() {
        let raw = RawCost {
            category: "software".into(),
            description: "CRM".into(),
            recurrence: "recurring".into(),
            amount: "1,200,000".into(),
            growth: "5".into(),
            ..Default::default()
        };
        let c = validate_cost(&raw, "CNY", None).unwrap();
        assert_eq!((c.amount, c.growth), (120_000_000, 0.05));
        let bad = RawCost { amount: "12,34".into(), category: "x".into(), ..raw.clone() };
        let e = validate_cost(&bad, "CNY", None).unwrap_err();
        let fields: Vec<_> = e.0.iter().map(|f| (f.field.as_str(), f.message)).collect();
        assert_eq!(fields, [("category", "err.choose_from_list"), ("amount", "err.money_format")]);
        let s = RawScenario {
            name: "Expected".into(),
            horizon: "11".into(),
            rate: "abc".into(),
            start_year: "2026".into(),
            cost_factor: "100".into(),
            benefit_factor: "100".into(),
        };
        let e = validate_scenario(&s).unwrap_err();
        assert_eq!(e.0.iter().map(|f| f.field.as_str()).collect::<Vec<_>>(), ["horizon", "rate"]);
        let b = RawBenefit { kind: "intangible".into(), description: "Brand".into(), ..Default::default() };
        let (b, _) = validate_benefit(&b, "CNY", None).unwrap();
        assert!(!b.include_in_roi && b.amount == 0);
        assert_eq!(percent_text(0.08), "8");
        assert_eq!(percent_text(0.125), "12.5");
    }

    /// Issue 15 point 10: licences that rise by 10,000 a year, entered as a yearly grid,
    /// with benefits per year. Start 2026, horizon 4, discount rate 10%.
    ///
    /// Hand computation (whole units; PV of each year rounded to the cent):
    /// ```text
    /// year      t  costs    benefits  net       1/1.1^t    PV costs     PV benefits
    /// 2026      0  100,000        0  -100,000  1          100,000.00          0.00
    /// 2027      1   20,000   60,000    40,000  0.909091    18,181.82     54,545.45
    /// 2028      2   30,000   80,000    50,000  0.826446    24,793.39     66,115.70
    /// 2029      3   40,000  100,000    60,000  0.751315    30,052.59     75,131.48
    /// 2030      4   50,000  100,000    50,000  0.683013    34,150.67     68,301.35
    /// totals       240,000  340,000                      207,178.47    264,093.98
    /// NPV = 264,093.98 − 207,178.47 = 56,915.51
    /// ROI = 56,915.51 / 207,178.47 = 27.47%
    /// IRR: −100,000 + 40,000/(1+r) + 50,000/(1+r)² + 60,000/(1+r)³ + 50,000/(1+r)⁴ = 0
    ///      at r = 32.897% (bisection; NPV(32.8%) = +166.52 > 0 > NPV(33.0%) = −175.85)
    /// payback: cumulative −100,000, −60,000, −10,000, +50,000 → 2 + 10,000/60,000 years = 26.0 months
    /// ```
    #[test]
    fn yearly_grid_reproduces_the_hand_computation() {
        let raw = RawCost {
            category: "software".into(),
            description: "Licences, rising".into(),
            recurrence: "yearly".into(),
            grid_start: "2027".into(),
            grid_end: "2030".into(),
            grid: "20,000\n30,000; 40,000 50,000".into(),
            ..Default::default()
        };
        let licences = validate_cost(&raw, "CNY", Some((2026, 2030))).unwrap();
        assert_eq!(
            licences.grid,
            Some(Grid { start: 2027, amounts: vec![2_000_000, 3_000_000, 4_000_000, 5_000_000] })
        );
        let partner = validate_cost(
            &RawCost {
                category: "implementation".into(),
                description: "Partner".into(),
                recurrence: "one_time".into(),
                amount: "100,000".into(),
                ..Default::default()
            },
            "CNY",
            Some((2026, 2030)),
        )
        .unwrap();
        let raw_b = RawBenefit {
            kind: "cost_reduction".into(),
            description: "Service savings".into(),
            entry: "yearly".into(),
            grid_start: "2027".into(),
            grid_end: "2030".into(),
            grid: "60,000;80,000;100,000;100,000".into(),
            ..Default::default()
        };
        let (savings, _) = validate_benefit(&raw_b, "CNY", Some((2026, 2030))).unwrap();
        let r = evaluate(&scenario(4, 0.10), &[partner, licences], &[savings]);
        let nets: Vec<i64> = r.years.iter().map(|y| y.net / 100).collect();
        assert_eq!(nets, [-100_000, 40_000, 50_000, 60_000, 50_000]);
        assert_eq!((r.tco_nominal, r.benefits_nominal), (24_000_000, 34_000_000));
        assert_eq!(r.tco_pv, 20_717_847);
        assert_eq!(r.benefits_pv, 26_409_398);
        assert_eq!(r.npv, 5_691_551);
        assert!((r.roi.unwrap() - 0.274_717).abs() < 1e-6, "{:?}", r.roi);
        match r.irr {
            finance::Irr::Rate(x) => assert!((x - 0.328_971).abs() < 1e-5, "{x}"),
            other => panic!("{other:?}"),
        }
        assert_eq!(r.payback, Payback::Months(26.0));
    }

    #[test]
    fn yearly_grid_is_checked_by_field() {
        let raw = RawCost {
            category: "software".into(),
            description: "x".into(),
            recurrence: "yearly".into(),
            grid_start: "2027".into(),
            grid_end: "2030".into(),
            grid: "1;2;3".into(),
            ..Default::default()
        };
        let fields = |r: &RawCost| -> Vec<(String, &'static str)> {
            validate_cost(r, "CNY", Some((2026, 2030)))
                .unwrap_err()
                .0
                .into_iter()
                .map(|f| (f.field, f.message))
                .collect()
        };
        assert_eq!(fields(&raw), [("grid".to_string(), "budget2.err.grid_count")]);
        let late = RawCost { grid_end: "2031".into(), ..raw.clone() };
        assert_eq!(fields(&late), [("grid_end".to_string(), "err.number_range")]);
        let back = RawCost { grid_start: "2029".into(), grid_end: "2028".into(), ..raw.clone() };
        assert_eq!(fields(&back), [("grid_end".to_string(), "budget2.err.end_before_start")]);
        let bad = RawCost { grid: "1;x;3;4".into(), ..raw.clone() };
        assert_eq!(fields(&bad), [("grid".to_string(), "err.money_format")]);
        // A grid beyond the horizon is left out; the stored form reads back.
        let g = Grid { start: 2029, amounts: vec![5, 6, 7] };
        assert_eq!(g.flows(2026, 4), vec![0, 0, 0, 5, 6]);
        assert_eq!(Grid::from_columns(Some(2029), Some(&g.to_json())), Some(g));
    }
}
