//! The cutover runbook (phase 8): tasks timed in minutes in the project's wall-clock time,
//! the critical path in hours, rehearsals compared with the plan, and the live state on
//! cutover day. Pure; the scheduling itself is `cpm::schedule` counted in minutes.
//!
//! Times are the project's local wall-clock times (`NaiveDateTime` in its time zone): the
//! planned starts are typed that way and the service converts recorded instants into it.
use super::cpm::{self, Link, LinkKind, ScheduleError};
use chrono::{Duration, NaiveDateTime};
use serde::Serialize;

/// Task categories, in the order the form offers them.
pub const CATEGORIES: &[&str] = &["technical", "data", "business", "communication"];

/// Longest task a runbook accepts (a week, in minutes).
pub const MAX_DURATION_MIN: i64 = 7 * 24 * 60;

/// One task of the runbook as the scheduler needs it.
#[derive(Clone, Debug, PartialEq)]
pub struct Task {
    /// Start no earlier than this local time.
    pub planned_start: NaiveDateTime,
    pub duration_min: i64,
    /// Indices (into the task slice) of the tasks that must finish first.
    pub predecessors: Vec<usize>,
}

/// A task's place in the plan.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[schema(as = RunbookSlot)]
pub struct Slot {
    pub start: NaiveDateTime,
    pub finish: NaiveDateTime,
    /// Minutes the task can slip without moving the end of the cutover.
    pub float_min: i64,
    pub critical: bool,
}

/// The runbook's timing: every task's slot, the span, and the driving chain of tasks.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Plan {
    pub slots: Vec<Slot>,
    pub start: Option<NaiveDateTime>,
    pub finish: Option<NaiveDateTime>,
    /// From the earliest planned start to the end of the last task, in minutes.
    pub critical_minutes: i64,
    /// The same in hours (minutes / 60, exact to the minute).
    pub critical_hours: f64,
    /// The tasks that drive the end, first to last (indices).
    pub critical_chain: Vec<usize>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PlanError {
    /// Tasks that wait for themselves, in order around the loop (indices).
    Cycle(Vec<usize>),
    /// A task named as its own predecessor or an unknown one (index of the task).
    BadPredecessor(usize),
}

/// Time the runbook: each task starts at its planned time or when its last predecessor
/// finishes, whichever is later. O(tasks + predecessors).
pub fn plan(tasks: &[Task]) -> Result<Plan, PlanError> {
    let Some(origin) = tasks.iter().map(|t| t.planned_start).min() else {
        return Ok(Plan {
            slots: vec![],
            start: None,
            finish: None,
            critical_minutes: 0,
            critical_hours: 0.0,
            critical_chain: vec![],
        });
    };
    let mut links = Vec::new();
    let mut ct = Vec::with_capacity(tasks.len());
    for (i, t) in tasks.iter().enumerate() {
        ct.push(cpm::Task { duration: t.duration_min.max(0), not_before: (t.planned_start - origin).num_minutes() });
        for &p in &t.predecessors {
            if p >= tasks.len() || p == i {
                return Err(PlanError::BadPredecessor(i));
            }
            links.push(Link { pred: p, succ: i, kind: LinkKind::FinishToStart, lag: 0 });
        }
    }
    let slots = cpm::schedule(&ct, &links).map_err(|e| match e {
        ScheduleError::Cycle(c) => PlanError::Cycle(c),
        ScheduleError::BadLink(l) => PlanError::BadPredecessor(links[l].succ),
    })?;
    let at = |m: i64| origin + Duration::minutes(m);
    let end = slots.iter().map(|s| s.early_finish).max().unwrap_or(0);
    // The driving chain: from the task that ends last, back through the predecessor whose
    // finish set its start, while the start was not its own planned time.
    let mut chain = vec![];
    let mut cur = slots.iter().enumerate().filter(|(_, s)| s.early_finish == end).map(|(i, _)| i).min();
    while let Some(i) = cur {
        chain.push(i);
        let es = slots[i].early_start;
        cur = if es == ct[i].not_before {
            None
        } else {
            tasks[i].predecessors.iter().copied().filter(|&p| slots[p].early_finish == es).min()
        };
    }
    chain.reverse();
    Ok(Plan {
        slots: slots
            .iter()
            .map(|s| Slot {
                start: at(s.early_start),
                finish: at(s.early_finish),
                float_min: s.total_float,
                critical: s.critical,
            })
            .collect(),
        start: Some(origin),
        finish: Some(at(end)),
        critical_minutes: end,
        critical_hours: end as f64 / 60.0,
        critical_chain: chain,
    })
}

/// What a rehearsal (or the live cutover) recorded for a task.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Actual {
    pub start: Option<NaiveDateTime>,
    pub finish: Option<NaiveDateTime>,
}

/// A task in a rehearsal beside its plan.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct RehearsalRow {
    pub actual_minutes: Option<i64>,
    /// Actual minus planned duration (positive: took longer).
    pub variance_minutes: Option<i64>,
    /// Took longer than planned.
    pub overran: bool,
}

/// A rehearsal against the plan: per task, and as a whole (first start to last finish).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Rehearsal {
    pub rows: Vec<RehearsalRow>,
    pub tasks_recorded: usize,
    pub tasks_overran: usize,
    /// First recorded start to last recorded finish, when every task has both.
    pub total_minutes: Option<i64>,
    pub planned_minutes: i64,
    /// (total − planned) / planned in per cent, rounded half away from zero.
    pub variance_pct: Option<i64>,
    /// Complete and within the tolerance.
    pub within_tolerance: bool,
}

/// Compare a rehearsal with the plan; `tolerance_pct` is how much longer the whole may take.
pub fn rehearsal(tasks: &[Task], plan: &Plan, actuals: &[Actual], tolerance_pct: i64) -> Rehearsal {
    let rows: Vec<RehearsalRow> = tasks
        .iter()
        .enumerate()
        .map(|(i, t)| {
            let a = actuals.get(i).copied().unwrap_or_default();
            let actual = match (a.start, a.finish) {
                (Some(s), Some(f)) if f >= s => Some((f - s).num_minutes()),
                _ => None,
            };
            let variance = actual.map(|m| m - t.duration_min);
            RehearsalRow {
                actual_minutes: actual,
                variance_minutes: variance,
                overran: variance.is_some_and(|v| v > 0),
            }
        })
        .collect();
    let recorded = rows.iter().filter(|r| r.actual_minutes.is_some()).count();
    let complete = !tasks.is_empty() && recorded == tasks.len();
    let total = if complete {
        let first = actuals.iter().filter_map(|a| a.start).min();
        let last = actuals.iter().filter_map(|a| a.finish).max();
        first.zip(last).map(|(s, f)| (f - s).num_minutes())
    } else {
        None
    };
    let planned = plan.critical_minutes;
    let variance_pct = total.filter(|_| planned > 0).map(|t| round_div((t - planned) * 100, planned));
    Rehearsal {
        tasks_recorded: recorded,
        tasks_overran: rows.iter().filter(|r| r.overran).count(),
        rows,
        total_minutes: total,
        planned_minutes: planned,
        within_tolerance: variance_pct.is_some_and(|v| v <= tolerance_pct),
        variance_pct,
    }
}

/// Integer division rounded half away from zero (`d` > 0).
fn round_div(n: i64, d: i64) -> i64 {
    if n >= 0 { (n + d / 2) / d } else { -((-n + d / 2) / d) }
}

/// Where a task stands on cutover day.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum LiveState {
    /// Not started and not yet due.
    Waiting,
    /// Not started although its planned start has passed.
    LateStart,
    /// Started, within its duration.
    Running,
    /// Started and running longer than planned.
    Overrunning,
    Done,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct LiveTask {
    pub state: LiveState,
    /// Minutes behind the plan: for a finished task its finish against the planned finish,
    /// else how late it is now (0 when on time).
    pub behind_minutes: i64,
}

/// The cutover as it stands at `now`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Live {
    pub tasks: Vec<LiveTask>,
    /// Since the first actual start (0 before anything started).
    pub elapsed_minutes: i64,
    /// Since the planned start of the runbook (negative before it).
    pub planned_elapsed_minutes: i64,
    pub running: usize,
    pub late: usize,
    pub done: usize,
    /// The next rollback deadline not yet past, and the minutes left to it.
    pub next_rollback_deadline: Option<NaiveDateTime>,
    pub minutes_to_rollback: Option<i64>,
    /// A rollback deadline has passed while its rollback point's task was not done.
    pub rollback_deadline_missed: bool,
}

/// The live state at local time `now`: `deadlines[i]` is task i's rollback deadline, if it
/// is a rollback point.
pub fn live(
    tasks: &[Task],
    plan: &Plan,
    actuals: &[Actual],
    deadlines: &[Option<NaiveDateTime>],
    now: NaiveDateTime,
) -> Live {
    let mut out = Vec::with_capacity(tasks.len());
    for (i, t) in tasks.iter().enumerate() {
        let a = actuals.get(i).copied().unwrap_or_default();
        let Some(slot) = plan.slots.get(i) else { continue };
        let (state, behind) = match (a.start, a.finish) {
            (_, Some(f)) => (LiveState::Done, (f - slot.finish).num_minutes().max(0)),
            (Some(s), None) => {
                let due = s + Duration::minutes(t.duration_min);
                if now > due {
                    (LiveState::Overrunning, (now - due).num_minutes())
                } else {
                    (LiveState::Running, (s - slot.start).num_minutes().max(0))
                }
            }
            (None, None) if now > slot.start => (LiveState::LateStart, (now - slot.start).num_minutes()),
            (None, None) => (LiveState::Waiting, 0),
        };
        out.push(LiveTask { state, behind_minutes: behind });
    }
    let first = actuals.iter().filter_map(|a| a.start).min();
    let next = deadlines.iter().flatten().copied().filter(|d| *d >= now).min();
    let missed = deadlines
        .iter()
        .enumerate()
        .any(|(i, d)| d.is_some_and(|d| d < now) && out.get(i).is_some_and(|t| t.state != LiveState::Done));
    // Once every task is done the clock stops at the last finish, and the plan's clock
    // stops at the plan's end: a finished cutover shows how long it took against the plan.
    let all_done = !out.is_empty() && out.iter().all(|t| t.state == LiveState::Done);
    let last_finish = actuals.iter().filter_map(|a| a.finish).max();
    let until = if all_done { last_finish.unwrap_or(now) } else { now };
    let plan_until = plan.finish.map_or(now, |f| now.min(f));
    Live {
        elapsed_minutes: first.map_or(0, |f| (until - f).num_minutes().max(0)),
        planned_elapsed_minutes: plan.start.map_or(0, |s| (plan_until - s).num_minutes()),
        running: out.iter().filter(|t| matches!(t.state, LiveState::Running | LiveState::Overrunning)).count(),
        late: out.iter().filter(|t| matches!(t.state, LiveState::LateStart | LiveState::Overrunning)).count(),
        done: out.iter().filter(|t| t.state == LiveState::Done).count(),
        tasks: out,
        next_rollback_deadline: next,
        minutes_to_rollback: next.map(|d| (d - now).num_minutes()),
        rollback_deadline_missed: missed,
    }
}

/// Minutes as "h:mm" (negative with a sign), for pages and documents.
pub fn hm(minutes: i64) -> String {
    let sign = if minutes < 0 { "−" } else { "" };
    let m = minutes.unsigned_abs();
    format!("{sign}{}:{:02}", m / 60, m % 60)
}

/// A variance in percent as every surface shows it: "+7%", "0%", "−3%".
pub fn signed_pct(v: i64) -> String {
    match v {
        0 => "0%".into(),
        v if v > 0 => format!("+{v}%"),
        v => format!("−{}%", v.unsigned_abs()),
    }
}

/// A predecessor list as typed: sequence numbers separated by commas or spaces.
pub fn parse_predecessors(s: &str) -> Option<Vec<i32>> {
    let mut out = vec![];
    for part in s.split(|c: char| c == ',' || c == '，' || c.is_whitespace()).filter(|p| !p.is_empty()) {
        let n: i32 = part.parse().ok()?;
        if n < 1 {
            return None;
        }
        if !out.contains(&n) {
            out.push(n);
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    fn at(d: u32, h: u32, m: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(2026, 10, d).unwrap().and_hms_opt(h, m, 0).unwrap()
    }

    fn t(start: NaiveDateTime, dur: i64, preds: &[usize]) -> Task {
        Task { planned_start: start, duration_min: dur, predecessors: preds.to_vec() }
    }

    /// Friday 18:00 freeze (60) → extract (240) → load (300) → verify (90); in parallel from
    /// the freeze: comms (30), and user set-up (120) from 20:00. Hand timing: the chain
    /// freeze-extract-load-verify ends 18:00 + 60 + 240 + 300 + 90 = 11 h 30 later (05:30 Sat).
    fn runbook() -> Vec<Task> {
        vec![
            t(at(2, 18, 0), 60, &[]),
            t(at(2, 18, 0), 240, &[0]),
            t(at(2, 18, 0), 300, &[1]),
            t(at(2, 18, 0), 90, &[2]),
            t(at(2, 18, 0), 30, &[0]),
            t(at(2, 20, 0), 120, &[]),
        ]
    }

    #[test]
    fn critical_path_in_hours() {
        let p = plan(&runbook()).unwrap();
        assert_eq!(p.critical_minutes, 690);
        assert_eq!(p.critical_hours, 11.5);
        assert_eq!(p.finish, Some(at(3, 5, 30)));
        assert_eq!(p.critical_chain, vec![0, 1, 2, 3]);
        assert_eq!(p.slots[2].start, at(2, 23, 0));
        assert_eq!(p.slots[2].finish, at(3, 4, 0));
        // Comms floats 690 − 90 = 600 minutes; user set-up 690 − 240 = 450.
        assert_eq!(p.slots[4].float_min, 600);
        assert_eq!(p.slots[5].float_min, 450);
        assert_eq!(p.slots.iter().map(|s| s.critical).collect::<Vec<_>>(), [true, true, true, true, false, false]);
    }

    #[test]
    fn a_late_planned_start_drives_the_chain() {
        // Verify may not start before Saturday 06:00: it waits 30 minutes, ends 07:30.
        let mut r = runbook();
        r[3].planned_start = at(3, 6, 0);
        let p = plan(&r).unwrap();
        assert_eq!(p.critical_minutes, 810);
        assert_eq!(p.critical_chain, vec![3]);
        assert_eq!(p.slots[2].float_min, 120);
    }

    #[test]
    fn cycles_and_bad_predecessors_are_refused() {
        let mut r = runbook();
        r[0].predecessors = vec![3];
        assert!(matches!(plan(&r), Err(PlanError::Cycle(c)) if c.len() == 4));
        let mut r = runbook();
        r[1].predecessors = vec![1];
        assert_eq!(plan(&r), Err(PlanError::BadPredecessor(1)));
        r[1].predecessors = vec![17];
        assert_eq!(plan(&r), Err(PlanError::BadPredecessor(1)));
        assert_eq!(plan(&[]).unwrap().critical_minutes, 0);
    }

    #[test]
    fn rehearsal_overruns_and_tolerance() {
        let r = runbook();
        let p = plan(&r).unwrap();
        let a = |s: NaiveDateTime, m: i64| Actual { start: Some(s), finish: Some(s + Duration::minutes(m)) };
        // Load took 360 (60 over), verify 80 (10 under); the whole 18:00 → 06:20 = 740 min,
        // (740 − 690) / 690 = 7.2 % → 7 %.
        let acts = vec![
            a(at(2, 18, 0), 60),
            a(at(2, 19, 0), 240),
            a(at(2, 23, 0), 360),
            a(at(3, 5, 0), 80),
            a(at(2, 19, 0), 30),
            a(at(2, 20, 0), 125),
        ];
        let h = rehearsal(&r, &p, &acts, 10);
        assert_eq!(h.rows[2].variance_minutes, Some(60));
        assert!(h.rows[2].overran && !h.rows[3].overran && h.rows[5].overran);
        assert_eq!(h.tasks_overran, 2);
        assert_eq!(h.total_minutes, Some(740));
        assert_eq!(h.variance_pct, Some(7));
        assert!(h.within_tolerance);
        assert!(!rehearsal(&r, &p, &acts, 5).within_tolerance);
        // Incomplete: no total, not within tolerance.
        let h = rehearsal(&r, &p, &acts[..3], 10);
        assert_eq!((h.tasks_recorded, h.total_minutes, h.within_tolerance), (3, None, false));
    }

    #[test]
    fn live_state_at_a_given_minute() {
        let r = runbook();
        let p = plan(&r).unwrap();
        let mut acts = vec![Actual::default(); 6];
        acts[0] = Actual { start: Some(at(2, 18, 5)), finish: Some(at(2, 19, 10)) };
        acts[1] = Actual { start: Some(at(2, 19, 10)), finish: None };
        let mut deadlines = vec![None; 6];
        deadlines[2] = Some(at(3, 2, 0));
        let now = at(2, 23, 30);
        let l = live(&r, &p, &acts, &deadlines, now);
        assert_eq!(l.tasks[0], LiveTask { state: LiveState::Done, behind_minutes: 10 });
        // Extract started 19:10, due 23:10: overrunning by 20 minutes at 23:30.
        assert_eq!(l.tasks[1], LiveTask { state: LiveState::Overrunning, behind_minutes: 20 });
        // Comms was due 19:00 and has not started: 270 minutes late.
        assert_eq!(l.tasks[4], LiveTask { state: LiveState::LateStart, behind_minutes: 270 });
        // Load was planned from 23:00 and waits for extract: 30 minutes behind; verify waits.
        assert_eq!(l.tasks[2], LiveTask { state: LiveState::LateStart, behind_minutes: 30 });
        assert_eq!(l.tasks[3].state, LiveState::Waiting);
        assert_eq!((l.running, l.late, l.done), (1, 4, 1));
        assert_eq!(l.elapsed_minutes, 325);
        assert_eq!(l.planned_elapsed_minutes, 330);
        assert_eq!(l.minutes_to_rollback, Some(150));
        assert!(!l.rollback_deadline_missed);
        let l = live(&r, &p, &acts, &deadlines, at(3, 2, 1));
        assert_eq!(l.minutes_to_rollback, None);
        assert!(l.rollback_deadline_missed);
        // Days after a finished cutover: its own duration against the plan's, not the days
        // since it started.
        let mut done = vec![Actual::default(); 6];
        for (i, s) in p.slots.iter().enumerate() {
            done[i] = Actual { start: Some(s.start), finish: Some(s.finish + Duration::minutes(5)) };
        }
        let l = live(&r, &p, &done, &deadlines, at(20, 9, 0));
        let plan_total = (p.finish.unwrap() - p.start.unwrap()).num_minutes();
        assert_eq!(l.planned_elapsed_minutes, plan_total);
        assert_eq!(l.elapsed_minutes, plan_total + 5);
        assert_eq!(l.done, 6);
    }

    #[test]
    fn formats_and_parses() {
        assert_eq!(hm(690), "11:30");
        assert_eq!(hm(-5), "−0:05");
        assert_eq!((signed_pct(7), signed_pct(0), signed_pct(-3)), ("+7%".into(), "0%".into(), "−3%".into()));
        assert_eq!(parse_predecessors("1, 3 3，4"), Some(vec![1, 3, 4]));
        assert_eq!(parse_predecessors(""), Some(vec![]));
        assert_eq!(parse_predecessors("1,x"), None);
        assert_eq!(parse_predecessors("0"), None);
    }
}
