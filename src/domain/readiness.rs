//! Go-live readiness (phase 7) and adoption (phase 8): the RAG of a scorecard criterion
//! against its threshold, the project's editable thresholds and their validation, the rule
//! that a "go" with a red (or unassessed) criterion needs conditions, and adoption per cent.
//! Pure; the service gathers the numbers.
use super::validation::{FieldErrors, long_text};
use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[schema(as = ReadinessRag)]
#[serde(rename_all = "snake_case")]
pub enum Rag {
    Green,
    Amber,
    Red,
    /// No data to judge from (no UAT cycle yet, no rehearsal recorded…).
    NotAssessed,
}

/// Whether a criterion's number must reach its threshold or stay under it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[schema(as = ReadinessDirection)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    AtLeast,
    AtMost,
}

/// Green when the number meets the threshold; amber when it misses by at most `margin`;
/// red beyond; not assessed without a number.
pub fn rag(value: Option<i64>, direction: Direction, threshold: i64, margin: i64) -> Rag {
    let Some(v) = value else { return Rag::NotAssessed };
    let short = match direction {
        Direction::AtLeast => threshold.saturating_sub(v),
        Direction::AtMost => v.saturating_sub(threshold),
    };
    if short <= 0 {
        Rag::Green
    } else if short <= margin {
        Rag::Amber
    } else {
        Rag::Red
    }
}

/// The criteria in the order the scorecard lists them, with their direction, unit and the
/// amber margin around the threshold.
pub const CRITERIA: [(&str, Direction, &str, i64); 7] = [
    ("uat", Direction::AtLeast, "pct", 5),
    ("defects", Direction::AtMost, "count", 2),
    ("training", Direction::AtLeast, "pct", 10),
    ("data_quality", Direction::AtMost, "count", 1),
    ("rehearsal", Direction::AtMost, "pct", 10),
    ("procedures", Direction::AtLeast, "pct", 0),
    ("support", Direction::AtLeast, "count", 1),
];

/// A project's thresholds.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Thresholds {
    pub uat_pass_min: i32,
    pub defects_max: i32,
    pub training_min: i32,
    pub quality_failing_max: i32,
    pub rehearsal_tolerance_pct: i32,
    pub procedures_min: i32,
    pub support_min: i32,
    pub support_team: String,
    pub hc_sev1_days: i32,
    pub hc_weekly_max: i32,
    pub adoption_min: i32,
}

impl Default for Thresholds {
    fn default() -> Self {
        Thresholds {
            uat_pass_min: 95,
            defects_max: 0,
            training_min: 90,
            quality_failing_max: 0,
            rehearsal_tolerance_pct: 10,
            procedures_min: 100,
            support_min: 2,
            support_team: String::new(),
            hc_sev1_days: 14,
            hc_weekly_max: 5,
            adoption_min: 60,
        }
    }
}

impl Thresholds {
    /// The threshold of criterion `key`.
    pub fn of(&self, key: &str) -> i64 {
        i64::from(match key {
            "uat" => self.uat_pass_min,
            "defects" => self.defects_max,
            "training" => self.training_min,
            "data_quality" => self.quality_failing_max,
            "rehearsal" => self.rehearsal_tolerance_pct,
            "procedures" => self.procedures_min,
            _ => self.support_min,
        })
    }

    /// The names on the support team (one a line, blanks dropped).
    pub fn support_names(&self) -> Vec<String> {
        self.support_team.lines().map(str::trim).filter(|l| !l.is_empty()).map(str::to_string).collect()
    }
}

/// The thresholds form as typed.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct RawThresholds {
    pub uat_pass_min: String,
    pub defects_max: String,
    pub training_min: String,
    pub quality_failing_max: String,
    pub rehearsal_tolerance_pct: String,
    pub procedures_min: String,
    pub support_min: String,
    pub support_team: String,
    pub hc_sev1_days: String,
    pub hc_weekly_max: String,
    pub adoption_min: String,
}

impl RawThresholds {
    pub fn of(t: &Thresholds) -> RawThresholds {
        RawThresholds {
            uat_pass_min: t.uat_pass_min.to_string(),
            defects_max: t.defects_max.to_string(),
            training_min: t.training_min.to_string(),
            quality_failing_max: t.quality_failing_max.to_string(),
            rehearsal_tolerance_pct: t.rehearsal_tolerance_pct.to_string(),
            procedures_min: t.procedures_min.to_string(),
            support_min: t.support_min.to_string(),
            support_team: t.support_team.clone(),
            hc_sev1_days: t.hc_sev1_days.to_string(),
            hc_weekly_max: t.hc_weekly_max.to_string(),
            adoption_min: t.adoption_min.to_string(),
        }
    }
}

fn whole(e: &mut FieldErrors, field: &str, raw: &str, max: i32) -> i32 {
    match raw.trim().parse::<i32>() {
        Ok(n) if (0..=max).contains(&n) => n,
        _ => {
            e.add(field, if max == 100 { "readiness.err_percent" } else { "readiness.err_whole" });
            0
        }
    }
}

/// Per cent fields take 0–100; counts and days 0–10 000.
pub fn validate(raw: &RawThresholds) -> Result<Thresholds, FieldErrors> {
    let mut e = FieldErrors::default();
    let t = Thresholds {
        uat_pass_min: whole(&mut e, "uat_pass_min", &raw.uat_pass_min, 100),
        defects_max: whole(&mut e, "defects_max", &raw.defects_max, 10_000),
        training_min: whole(&mut e, "training_min", &raw.training_min, 100),
        quality_failing_max: whole(&mut e, "quality_failing_max", &raw.quality_failing_max, 10_000),
        rehearsal_tolerance_pct: whole(&mut e, "rehearsal_tolerance_pct", &raw.rehearsal_tolerance_pct, 100),
        procedures_min: whole(&mut e, "procedures_min", &raw.procedures_min, 100),
        support_min: whole(&mut e, "support_min", &raw.support_min, 10_000),
        support_team: long_text(&mut e, "support_team", &raw.support_team, 2000, false),
        hc_sev1_days: whole(&mut e, "hc_sev1_days", &raw.hc_sev1_days, 10_000),
        hc_weekly_max: whole(&mut e, "hc_weekly_max", &raw.hc_weekly_max, 10_000),
        adoption_min: whole(&mut e, "adoption_min", &raw.adoption_min, 100),
    };
    e.into_result(t)
}

pub const DECISIONS: [&str; 2] = ["go", "no_go"];

/// The decision form: a choice and its conditions. A "go" while any criterion is red or not
/// assessed is refused unless conditions are written (`conditions`, by field).
pub fn validate_decision(decision: &str, conditions: &str, blocking: usize) -> Result<(String, String), FieldErrors> {
    let mut e = FieldErrors::default();
    if !DECISIONS.contains(&decision) {
        e.add("decision", "err.choose_from_list");
    }
    let conditions = long_text(&mut e, "conditions", conditions, 4000, false);
    if decision == "go" && blocking > 0 && conditions.is_empty() && e.is_empty() {
        e.add("conditions", "readiness.err_conditions");
    }
    e.into_result((decision.to_string(), conditions))
}

/// Active users as whole per cent of planned (rounded down); none without planned users.
pub fn adoption_pct(active: i64, planned: i64) -> Option<i64> {
    (planned > 0).then(|| active.saturating_mul(100) / planned)
}

/// Per cent of `part` in `whole`, rounded down; none when `whole` is 0.
pub fn pct(part: usize, whole: usize) -> Option<i64> {
    (whole > 0).then(|| (part as i64).saturating_mul(100) / whole as i64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rag_bands() {
        assert_eq!(rag(Some(95), Direction::AtLeast, 95, 5), Rag::Green);
        assert_eq!(rag(Some(90), Direction::AtLeast, 95, 5), Rag::Amber);
        assert_eq!(rag(Some(89), Direction::AtLeast, 95, 5), Rag::Red);
        assert_eq!(rag(Some(0), Direction::AtMost, 0, 2), Rag::Green);
        assert_eq!(rag(Some(2), Direction::AtMost, 0, 2), Rag::Amber);
        assert_eq!(rag(Some(3), Direction::AtMost, 0, 2), Rag::Red);
        assert_eq!(rag(None, Direction::AtMost, 0, 2), Rag::NotAssessed);
        assert_eq!(rag(Some(i64::MIN), Direction::AtLeast, i64::MAX, 0), Rag::Red);
    }

    #[test]
    fn thresholds_and_decisions() {
        let mut raw = RawThresholds::of(&Thresholds::default());
        assert_eq!(validate(&raw), Ok(Thresholds::default()));
        raw.uat_pass_min = "101".into();
        raw.defects_max = "-1".into();
        let e = validate(&raw).unwrap_err();
        assert_eq!(e.0.iter().map(|f| f.field.as_str()).collect::<Vec<_>>(), ["uat_pass_min", "defects_max"]);
        assert_eq!(validate_decision("go", "  ", 1).unwrap_err().0[0].field, "conditions");
        assert!(validate_decision("go", "", 0).is_ok());
        assert!(validate_decision("no_go", "", 3).is_ok());
        assert!(validate_decision("go", "Fix the two defects by Friday", 2).is_ok());
        assert_eq!(validate_decision("maybe", "", 0).unwrap_err().0[0].field, "decision");
        assert_eq!(adoption_pct(45, 60), Some(75));
        assert_eq!(adoption_pct(1, 0), None);
        assert_eq!(pct(2, 3), Some(66));
    }
}
