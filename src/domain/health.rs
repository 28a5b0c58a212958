//! Project health (RAG) from the current phase's dates and gate. The schedule issue refines
//! this with float and slip; the rules here are the ones a director applies by eye.
use chrono::NaiveDate;
use serde::Serialize;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Rag {
    Green,
    Amber,
    Red,
    /// The project has passed its last gate.
    Done,
}

/// What health is judged from.
#[derive(Clone, Debug)]
pub struct Facts {
    pub today: NaiveDate,
    pub phase_finish: Option<NaiveDate>,
    pub gate_open: usize,
    pub returned: usize,
    pub last_decision_no_go: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Health {
    pub rag: Rag,
    /// i18n keys of the reasons, worst first.
    pub reasons: Vec<&'static str>,
    pub days_late: i64,
}

/// Red when the current phase is past its planned finish with its gate not passed; amber
/// when the finish is within a week and gate deliverables are still open, when a
/// deliverable was returned, or after a no-go; green otherwise.
pub fn assess(f: &Facts) -> Health {
    let Some(finish) = f.phase_finish else {
        return Health { rag: Rag::Done, reasons: vec![], days_late: 0 };
    };
    let days_left = (finish - f.today).num_days();
    let mut reasons = vec![];
    let mut rag = Rag::Green;
    if days_left < 0 {
        rag = Rag::Red;
        reasons.push("health.overdue");
    } else if days_left <= 7 && f.gate_open > 0 {
        rag = Rag::Amber;
        reasons.push("health.gate_due_soon");
    }
    if f.last_decision_no_go {
        rag = rag.max(Rag::Amber);
        reasons.push("health.no_go");
    }
    if f.returned > 0 {
        rag = rag.max(Rag::Amber);
        reasons.push("health.returned");
    }
    Health { rag, reasons, days_late: (-days_left).max(0) }
}

/// The RAG of one scheduled item (activity, milestone or phase): red when it should have
/// finished and has not; amber when it has slipped against the baseline by more than its
/// float (so it now pushes what follows) or finishes within a week with work open; green
/// otherwise; done when finished.
pub fn item_rag(today: NaiveDate, finish: NaiveDate, done: bool, slip_days: Option<i64>, total_float: i64) -> Rag {
    if done {
        return Rag::Done;
    }
    if finish < today {
        return Rag::Red;
    }
    let slipped = slip_days.is_some_and(|s| s > 0 && s > total_float);
    if slipped || (finish - today).num_days() <= 7 { Rag::Amber } else { Rag::Green }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts(today: &str, finish: &str, gate_open: usize) -> Facts {
        Facts {
            today: today.parse().unwrap(),
            phase_finish: Some(finish.parse().unwrap()),
            gate_open,
            returned: 0,
            last_decision_no_go: false,
        }
    }

    #[test]
    fn item_rules() {
        let d = |s: &str| s.parse::<NaiveDate>().unwrap();
        let today = d("2026-06-01");
        assert_eq!(item_rag(today, d("2026-05-29"), false, None, 0), Rag::Red);
        assert_eq!(item_rag(today, d("2026-05-29"), true, None, 0), Rag::Done);
        assert_eq!(item_rag(today, d("2026-06-05"), false, None, 10), Rag::Amber, "due within a week");
        assert_eq!(item_rag(today, d("2026-07-01"), false, Some(3), 5), Rag::Green, "slip absorbed by float");
        assert_eq!(item_rag(today, d("2026-07-01"), false, Some(6), 5), Rag::Amber, "slip beyond float");
        assert_eq!(item_rag(today, d("2026-07-01"), false, None, 0), Rag::Green);
    }

    #[test]
    fn rag_rules() {
        assert_eq!(assess(&facts("2026-05-01", "2026-05-31", 2)).rag, Rag::Green);
        assert_eq!(assess(&facts("2026-05-25", "2026-05-31", 2)).rag, Rag::Amber);
        assert_eq!(assess(&facts("2026-05-25", "2026-05-31", 0)).rag, Rag::Green);
        let late = assess(&facts("2026-06-03", "2026-05-31", 0));
        assert_eq!((late.rag, late.days_late), (Rag::Red, 3));
        let mut f = facts("2026-05-01", "2026-05-31", 0);
        f.returned = 1;
        assert_eq!(assess(&f).rag, Rag::Amber);
        f.last_decision_no_go = true;
        assert_eq!(assess(&f).reasons, ["health.no_go", "health.returned"]);
        f.phase_finish = None;
        assert_eq!(assess(&f).rag, Rag::Done);
    }
}

/// Everything beyond the phase and its gate that bears on health.
#[derive(Clone, Debug, Default)]
pub struct Signals {
    /// Broken rules of the three-tier organisation (advice does not count).
    pub org_findings: usize,
    pub targets_red: usize,
    pub targets_amber: usize,
    pub targets_measured: usize,
    pub risk: crate::domain::risk::Exposure,
    /// Open critical issues escalated to the steering committee.
    pub escalated_critical_issues: usize,
    /// The cost performance index of earned value (`None` until money is spent).
    pub cpi: Option<f64>,
    /// The earned-value figures the CPI came from (projects that keep a budget), carried
    /// to the stored health so that lists show budget, actual, CPI and SPI without reading
    /// each project's plan.
    pub ev: Option<crate::domain::earned_value::Figures>,
    /// CRM modules whose latest adoption (active against planned users) is below the
    /// project's bar.
    pub adoption_low: usize,
}

/// One explained RAG: the phase and gate health (`assess`) rolled up with the organisation,
/// the targets and the risks. Each rule that moves the colour adds its reason:
/// - organisation rules broken → amber;
/// - a target red on its forecast → amber, more than half the measured targets red → red;
/// - targets amber only → amber;
/// - a high (score ≥ 12) live risk without an owner or a mitigation → amber, three or
///   more → red (a high risk that is being managed is the register doing its job);
/// - live risks past their review date → amber;
/// - a cost performance index below 0.9 → amber, below 0.8 → red (`domain::earned_value`);
/// - a CRM module's latest adoption below the project's bar → amber.
///
/// A finished project stays done.
pub fn roll_up(mut h: Health, s: &Signals) -> Health {
    if h.rag == Rag::Done {
        return h;
    }
    let raise = |h: &mut Health, to: Rag, reason: &'static str| {
        h.rag = h.rag.max(to);
        h.reasons.push(reason);
    };
    if s.org_findings > 0 {
        raise(&mut h, Rag::Amber, "health.org");
    }
    if s.targets_red > 0 {
        let most = s.targets_measured > 0 && s.targets_red * 2 > s.targets_measured;
        raise(&mut h, if most { Rag::Red } else { Rag::Amber }, "health.targets_red");
    } else if s.targets_amber > 0 {
        raise(&mut h, Rag::Amber, "health.targets_amber");
    }
    if s.risk.high_unmanaged > 0 {
        let to = if s.risk.high_unmanaged >= 3 { Rag::Red } else { Rag::Amber };
        raise(&mut h, to, "health.risk_high");
    }
    if s.risk.review_overdue > 0 {
        raise(&mut h, Rag::Amber, "health.risk_review");
    }
    if s.escalated_critical_issues > 0 {
        raise(&mut h, Rag::Red, "health.issue_escalated");
    }
    match crate::domain::earned_value::cost_rag(s.cpi) {
        Some(crate::domain::earned_value::CostRag::Red) => raise(&mut h, Rag::Red, "health.cost_overrun"),
        Some(crate::domain::earned_value::CostRag::Amber) => raise(&mut h, Rag::Amber, "health.cost_overrun"),
        _ => {}
    }
    if s.adoption_low > 0 {
        raise(&mut h, Rag::Amber, "health.adoption_low");
    }
    h
}

#[cfg(test)]
mod roll_up_tests {
    use super::*;
    use crate::domain::risk::Exposure;

    fn green() -> Health {
        assess(&Facts {
            today: "2026-05-01".parse().unwrap(),
            phase_finish: Some("2026-05-31".parse().unwrap()),
            gate_open: 1,
            returned: 0,
            last_decision_no_go: false,
        })
    }

    #[test]
    fn nothing_wrong_stays_green() {
        let h = roll_up(green(), &Signals::default());
        assert_eq!((h.rag, h.reasons.len()), (Rag::Green, 0));
    }

    #[test]
    fn every_contributing_reason_is_listed() {
        let s = Signals {
            org_findings: 2,
            targets_red: 1,
            targets_amber: 1,
            targets_measured: 4,
            risk: Exposure { high: 2, high_unmanaged: 1, review_overdue: 2, ..Default::default() },
            escalated_critical_issues: 0,
            cpi: None,
            ev: None,
            adoption_low: 0,
        };
        let h = roll_up(green(), &s);
        assert_eq!(h.rag, Rag::Amber);
        assert_eq!(h.reasons, ["health.org", "health.targets_red", "health.risk_high", "health.risk_review"]);
    }

    #[test]
    fn red_rules() {
        let many_high =
            Signals { risk: Exposure { high: 3, high_unmanaged: 3, ..Default::default() }, ..Default::default() };
        assert_eq!(roll_up(green(), &many_high).rag, Rag::Red);
        // High risks with an owner and a mitigation are managed: no reason.
        let managed = Signals { risk: Exposure { high: 5, ..Default::default() }, ..Default::default() };
        assert_eq!(roll_up(green(), &managed).rag, Rag::Green);
        let most_red = Signals { targets_red: 3, targets_measured: 4, ..Default::default() };
        let h = roll_up(green(), &most_red);
        assert_eq!((h.rag, h.reasons.as_slice()), (Rag::Red, ["health.targets_red"].as_slice()));
        let half_red = Signals { targets_red: 2, targets_measured: 4, ..Default::default() };
        assert_eq!(roll_up(green(), &half_red).rag, Rag::Amber);
        // A late phase stays red and keeps its reason first.
        let mut late = green();
        late.rag = Rag::Red;
        late.reasons = vec!["health.overdue"];
        let h = roll_up(late, &Signals { org_findings: 1, ..Default::default() });
        assert_eq!((h.rag, h.reasons[0]), (Rag::Red, "health.overdue"));
        // An escalated critical issue is red on its own, with its reason.
        let h = roll_up(green(), &Signals { escalated_critical_issues: 1, ..Default::default() });
        assert_eq!((h.rag, h.reasons.as_slice()), (Rag::Red, ["health.issue_escalated"].as_slice()));
        // Finished projects are done whatever the register says.
        let done = Health { rag: Rag::Done, reasons: vec![], days_late: 0 };
        assert_eq!(roll_up(done, &many_high).rag, Rag::Done);
    }
}

#[cfg(test)]
mod cost_tests {
    use super::*;

    #[test]
    fn cpi_below_thresholds_raises_with_its_reason() {
        let green = || Health { rag: Rag::Green, reasons: vec![], days_late: 0 };
        let at = |cpi| roll_up(green(), &Signals { cpi: Some(cpi), ..Default::default() });
        assert_eq!((at(0.85).rag, at(0.85).reasons), (Rag::Amber, vec!["health.cost_overrun"]));
        assert_eq!(at(0.75).rag, Rag::Red);
        assert_eq!((at(0.95).rag, at(0.95).reasons.len()), (Rag::Green, 0));
        assert_eq!(roll_up(green(), &Signals::default()).rag, Rag::Green);
        let low = roll_up(green(), &Signals { adoption_low: 2, ..Default::default() });
        assert_eq!((low.rag, low.reasons), (Rag::Amber, vec!["health.adoption_low"]));
    }
}
