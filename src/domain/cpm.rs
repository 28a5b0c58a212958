//! Critical path scheduling: forward and backward pass over activities and milestones linked
//! finish-to-start, start-to-start, finish-to-finish or start-to-finish with lags, in working
//! days. Pure.
//!
//! Time is counted in working-day indices from the project start (index 0 = the first
//! working day); `WorkCalendar::working_dates` maps indices back to dates. A task occupies
//! `[start, finish)` in indices; a milestone has duration 0.
use serde::Serialize;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum LinkKind {
    /// The successor starts after the predecessor finishes.
    FinishToStart,
    /// The successor starts after the predecessor starts.
    StartToStart,
    /// The successor finishes after the predecessor finishes.
    FinishToFinish,
    /// The successor finishes after the predecessor starts (e.g. the old system runs until
    /// the new one starts).
    StartToFinish,
}

impl LinkKind {
    pub fn code(self) -> &'static str {
        match self {
            LinkKind::FinishToStart => "FS",
            LinkKind::StartToStart => "SS",
            LinkKind::FinishToFinish => "FF",
            LinkKind::StartToFinish => "SF",
        }
    }
    pub fn parse(s: &str) -> Option<LinkKind> {
        match s {
            "FS" => Some(LinkKind::FinishToStart),
            "SS" => Some(LinkKind::StartToStart),
            "FF" => Some(LinkKind::FinishToFinish),
            "SF" => Some(LinkKind::StartToFinish),
            _ => None,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Task {
    /// Working days; 0 for a milestone.
    pub duration: i64,
    /// Start no earlier than this index (the planned start the user set, or 0).
    pub not_before: i64,
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Link {
    pub pred: usize,
    pub succ: usize,
    pub kind: LinkKind,
    /// Working days; may be negative (a lead).
    pub lag: i64,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Slot {
    pub early_start: i64,
    pub early_finish: i64,
    pub late_start: i64,
    pub late_finish: i64,
    pub total_float: i64,
    pub critical: bool,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ScheduleError {
    /// Tasks that depend on themselves, in order around the loop.
    Cycle(Vec<usize>),
    /// A link naming a task that does not exist, or a task linked to itself.
    BadLink(usize),
}

/// Schedule `tasks` under `links`. O(tasks + links).
pub fn schedule(tasks: &[Task], links: &[Link]) -> Result<Vec<Slot>, ScheduleError> {
    let n = tasks.len();
    let mut outgoing: Vec<Vec<usize>> = vec![Vec::new(); n];
    let mut incoming: Vec<Vec<usize>> = vec![Vec::new(); n];
    for (i, l) in links.iter().enumerate() {
        if l.pred >= n || l.succ >= n || l.pred == l.succ {
            return Err(ScheduleError::BadLink(i));
        }
        outgoing[l.pred].push(i);
        incoming[l.succ].push(i);
    }
    // Kahn's algorithm gives a topological order, or leaves the tasks on cycles behind.
    let mut indegree: Vec<usize> = incoming.iter().map(Vec::len).collect();
    let mut order: Vec<usize> = (0..n).filter(|&i| indegree[i] == 0).collect();
    let mut head = 0;
    while head < order.len() {
        let t = order[head];
        head += 1;
        for &li in &outgoing[t] {
            let s = links[li].succ;
            indegree[s] -= 1;
            if indegree[s] == 0 {
                order.push(s);
            }
        }
    }
    if order.len() < n {
        return Err(ScheduleError::Cycle(find_cycle(links, &incoming, &indegree)));
    }

    let mut es = vec![0i64; n];
    let mut ef = vec![0i64; n];
    for &t in &order {
        let d = tasks[t].duration.max(0);
        let mut start = tasks[t].not_before.max(0);
        for &li in &incoming[t] {
            let l = links[li];
            let bound = match l.kind {
                LinkKind::FinishToStart => ef[l.pred] + l.lag,
                LinkKind::StartToStart => es[l.pred] + l.lag,
                LinkKind::FinishToFinish => ef[l.pred] + l.lag - d,
                LinkKind::StartToFinish => es[l.pred] + l.lag - d,
            };
            start = start.max(bound);
        }
        es[t] = start;
        ef[t] = start + d;
    }
    let finish = ef.iter().copied().max().unwrap_or(0);
    let mut lf = vec![finish; n];
    let mut ls = vec![0i64; n];
    for &t in order.iter().rev() {
        let d = tasks[t].duration.max(0);
        let mut late = finish;
        for &li in &outgoing[t] {
            let l = links[li];
            let bound = match l.kind {
                LinkKind::FinishToStart => ls[l.succ] - l.lag,
                LinkKind::StartToStart => ls[l.succ] - l.lag + d,
                LinkKind::FinishToFinish => lf[l.succ] - l.lag,
                LinkKind::StartToFinish => lf[l.succ] - l.lag + d,
            };
            late = late.min(bound);
        }
        lf[t] = late;
        ls[t] = late - d;
    }
    Ok((0..n)
        .map(|t| {
            let float = ls[t] - es[t];
            Slot {
                early_start: es[t],
                early_finish: ef[t],
                late_start: ls[t],
                late_finish: lf[t],
                total_float: float,
                critical: float <= 0,
            }
        })
        .collect())
}

/// Walk backwards along unfinished predecessors until a task repeats: that stretch is a cycle.
fn find_cycle(links: &[Link], incoming: &[Vec<usize>], indegree: &[usize]) -> Vec<usize> {
    let Some(mut t) = (0..indegree.len()).find(|&i| indegree[i] > 0) else { return vec![] };
    let mut seen = vec![usize::MAX; indegree.len()];
    let mut path = vec![];
    while seen[t] == usize::MAX {
        seen[t] = path.len();
        path.push(t);
        // Every task left over has a predecessor that is also left over.
        match incoming[t].iter().map(|&li| links[li].pred).find(|&p| indegree[p] > 0) {
            Some(p) => t = p,
            None => return path,
        }
    }
    let mut cycle = path[seen[t]..].to_vec();
    cycle.reverse();
    cycle
}

#[cfg(test)]
mod tests {
    use super::*;
    use LinkKind::*;

    fn tasks(durations: &[i64]) -> Vec<Task> {
        durations.iter().map(|&d| Task { duration: d, not_before: 0 }).collect()
    }

    fn fs(pred: usize, succ: usize) -> Link {
        Link { pred, succ, kind: FinishToStart, lag: 0 }
    }

    #[test]
    fn textbook_network() {
        // A(3) → B(4) → D(5) → E(1); A → C(2) → D. Critical A-B-D-E, 13 days; C floats 2.
        let t = tasks(&[3, 4, 2, 5, 1]);
        let l = [fs(0, 1), fs(0, 2), fs(1, 3), fs(2, 3), fs(3, 4)];
        let s = schedule(&t, &l).unwrap();
        assert_eq!(s[4].early_finish, 13);
        assert_eq!(s.iter().map(|x| x.critical).collect::<Vec<_>>(), [true, true, false, true, true]);
        assert_eq!(
            s[2],
            Slot { early_start: 3, early_finish: 5, late_start: 5, late_finish: 7, total_float: 2, critical: false }
        );
    }

    #[test]
    fn second_textbook_network_with_parallel_paths() {
        // Start(0) → A(5), B(3); A → C(2); B → D(6); C, D → F(4) → End(0).
        // Paths: A-C-F = 11, B-D-F = 13 → critical B, D, F; A and C float 2.
        let t = tasks(&[0, 5, 3, 2, 6, 4, 0]);
        let l = [fs(0, 1), fs(0, 2), fs(1, 3), fs(2, 4), fs(3, 5), fs(4, 5), fs(5, 6)];
        let s = schedule(&t, &l).unwrap();
        assert_eq!(s[6].early_start, 13);
        let floats: Vec<i64> = s.iter().map(|x| x.total_float).collect();
        assert_eq!(floats, [0, 2, 0, 2, 0, 0, 0]);
    }

    #[test]
    fn lags_and_link_kinds() {
        // A(4); B(3) starts 2 days after A finishes (FS+2); C(5) starts 1 day after A starts
        // (SS+1); D(2) finishes 3 days after C finishes (FF+3); E(1) after B and D (FS).
        let t = tasks(&[4, 3, 5, 2, 1]);
        let l = [
            Link { pred: 0, succ: 1, kind: FinishToStart, lag: 2 },
            Link { pred: 0, succ: 2, kind: StartToStart, lag: 1 },
            Link { pred: 2, succ: 3, kind: FinishToFinish, lag: 3 },
            fs(1, 4),
            fs(3, 4),
        ];
        let s = schedule(&t, &l).unwrap();
        // B: 6..9. C: 1..6. D must finish ≥ 9 → 7..9. E: 9..10.
        assert_eq!((s[1].early_start, s[1].early_finish), (6, 9));
        assert_eq!((s[2].early_start, s[2].early_finish), (1, 6));
        assert_eq!((s[3].early_start, s[3].early_finish), (7, 9));
        assert_eq!((s[4].early_start, s[4].early_finish), (9, 10));
        // Both B and D finish on day 9: A-B-E and A-C-D-E are both critical.
        assert!(s.iter().all(|x| x.critical), "{s:?}");
        // A lead (negative lag) lets B overlap A.
        let s = schedule(&tasks(&[4, 3]), &[Link { pred: 0, succ: 1, kind: FinishToStart, lag: -2 }]).unwrap();
        assert_eq!(s[1].early_start, 2);
    }

    #[test]
    fn start_to_finish_textbook() {
        // The legacy system (B, 5 days) may only be switched off once the new system (A,
        // 3 days, starting on day 4) has started: B finishes no earlier than A starts (SF).
        let mut t = tasks(&[3, 5]);
        t[0].not_before = 4;
        let s = schedule(&t, &[Link { pred: 0, succ: 1, kind: StartToFinish, lag: 0 }]).unwrap();
        // B would start at 0 and finish at 5 ≥ 4 anyway: it is not pushed.
        assert_eq!((s[1].early_start, s[1].early_finish), (0, 5));
        // With a lag of 3 B must finish at ≥ 7: it starts on day 2.
        let s = schedule(&t, &[Link { pred: 0, succ: 1, kind: StartToFinish, lag: 3 }]).unwrap();
        assert_eq!((s[1].early_start, s[1].early_finish), (2, 7));
        // A runs 4..7 and is last to finish (7). Backwards, B's finish bounds nothing later
        // and A's start may be no later than B's late finish − 3 = 4: both are critical.
        assert_eq!((s[0].late_start, s[0].late_finish), (4, 7));
        assert_eq!((s[1].late_start, s[1].late_finish), (2, 7));
        assert!(s[1].critical && s[0].critical, "{s:?}");
        // C(2), SF from A with lag 0, must finish ≥ 4 (2..4); nothing follows it, so it may
        // finish as late as the project end (7): 3 days of float.
        let t3 = [t[0], t[1], Task { duration: 2, not_before: 0 }];
        let l = [
            Link { pred: 0, succ: 1, kind: StartToFinish, lag: 3 },
            Link { pred: 0, succ: 2, kind: StartToFinish, lag: 0 },
        ];
        let s = schedule(&t3, &l).unwrap();
        assert_eq!((s[2].early_start, s[2].early_finish, s[2].late_finish, s[2].total_float), (2, 4, 7, 3));
        assert!(s[0].critical, "{s:?}");
        assert_eq!(LinkKind::parse("SF"), Some(StartToFinish));
        assert_eq!(StartToFinish.code(), "SF");
    }

    #[test]
    fn a_start_constraint_delays_and_moving_a_task_shifts_its_successors() {
        let mut t = tasks(&[2, 3, 1]);
        let l = [fs(0, 1), fs(1, 2)];
        assert_eq!(schedule(&t, &l).unwrap()[2].early_start, 5);
        t[0].not_before = 4;
        let s = schedule(&t, &l).unwrap();
        assert_eq!((s[1].early_start, s[2].early_start), (6, 9));
    }

    #[test]
    fn cycles_are_named() {
        let t = tasks(&[1, 1, 1, 1]);
        let l = [fs(0, 1), fs(1, 2), fs(2, 3), fs(3, 1)];
        match schedule(&t, &l) {
            Err(ScheduleError::Cycle(c)) => {
                let mut sorted = c.clone();
                sorted.sort();
                assert_eq!(sorted, [1, 2, 3], "{c:?}");
                // In order around the loop: each is followed by its successor.
                for w in 0..c.len() {
                    let (a, b) = (c[w], c[(w + 1) % c.len()]);
                    assert!(l.iter().any(|x| x.pred == a && x.succ == b), "{c:?}");
                }
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(schedule(&t, &[fs(2, 2)]), Err(ScheduleError::BadLink(0)));
        assert_eq!(schedule(&t, &[fs(0, 9)]), Err(ScheduleError::BadLink(0)));
    }

    #[test]
    fn dates_with_holidays_and_a_make_up_saturday() {
        use crate::domain::calendar::WorkCalendar;
        use chrono::NaiveDate;
        let d = |s: &str| s.parse::<NaiveDate>().unwrap();
        let mut cal = WorkCalendar::default();
        for day in 1..=7 {
            cal.holidays.insert(NaiveDate::from_ymd_opt(2026, 10, day).unwrap());
        }
        cal.workdays.insert(d("2026-10-10"));
        // A(3) from Mon 28 Sep → B(4) FS: A = 28, 29, 30 Sep; B = 8, 9, 10 (Sat, worked), 12 Oct.
        let s = schedule(&tasks(&[3, 4]), &[fs(0, 1)]).unwrap();
        let days = cal.working_dates(d("2026-09-28"), s[1].early_finish as usize + 1);
        let start_b = days[s[1].early_start as usize];
        let last_b = days[s[1].early_finish as usize - 1];
        assert_eq!((start_b, last_b), (d("2026-10-08"), d("2026-10-12")));
        assert_eq!(days[s[0].early_finish as usize - 1], d("2026-09-30"));
    }
}
