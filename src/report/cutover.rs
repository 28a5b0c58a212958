//! Phase 8's cutover documents from the runbook view the Cutover tab shows: the printable
//! runbook (sequence, owner, times in the project's time zone, duration, predecessors,
//! category, checkpoints, rollback deadlines, the critical path in hours) and the rehearsal
//! report (the plan against each rehearsal and the live cutover, overruns flagged).
use super::*;
use crate::domain::runbook::{LiveState, hm};
use crate::service::golive::{Runbook, TaskRow};
use chrono::NaiveDateTime;

fn g(lang: Lang, key: &str) -> String {
    i18n::t(lang, &format!("golive.{key}"))
}

fn x(lang: Lang, key: &str) -> String {
    i18n::t(lang, &format!("docs8.{key}"))
}

/// A local wall-clock time as the pages print it ("2026-10-02 18:00").
pub(super) fn lt(v: Option<NaiveDateTime>) -> String {
    v.map_or("–".into(), |d| d.format("%Y-%m-%d %H:%M").to_string())
}

fn minutes(lang: Lang, m: i64) -> String {
    i18n::tf(lang, "docs8.minutes", &[("n", &m.to_string())])
}

/// The runbook's headline figures, shared by both documents.
fn summary(r: &Runbook, lang: Lang) -> Block {
    let mut fields = vec![
        (x(lang, "time_zone"), r.time_zone.clone()),
        (g(lang, "window"), format!("{} → {}", lt(r.start), lt(r.finish))),
        (
            g(lang, "critical_path"),
            i18n::tf(
                lang,
                "docs8.critical_hours",
                &[("hours", &format!("{:.2}", r.critical_hours)), ("hm", &hm(r.critical_minutes))],
            ),
        ),
        (g(lang, "tasks"), r.tasks.len().to_string()),
        (g(lang, "checkpoints"), r.checkpoints.to_string()),
        (g(lang, "rollback_points"), r.rollback_points.to_string()),
    ];
    if !r.critical_chain.is_empty() {
        let chain: Vec<String> = r.critical_chain.iter().map(i32::to_string).collect();
        fields.push((g(lang, "critical_chain"), chain.join(" → ")));
    }
    Block::Fields(fields)
}

/// The task's name with its flags: checkpoint, rollback point with its deadline, critical,
/// and its earliest start when a later planned start holds it back.
fn task_cell(t: &TaskRow, lang: Lang) -> String {
    let tk = &t.task;
    let mut s = tk.name.clone();
    if tk.checkpoint {
        s.push_str(&format!("\n◆ {}", g(lang, "checkpoint")));
    }
    if tk.rollback_point {
        s.push_str(&format!("\n▼ {} ≤ {}", g(lang, "rollback_point"), lt(tk.rollback_deadline)));
    }
    if t.slot.critical {
        s.push_str(&format!("\n● {}", x(lang, "on_critical_path")));
    }
    s
}

pub(super) fn runbook(f: &Facts, lang: Lang) -> Vec<Block> {
    let r = &f.runbook;
    let mut b = vec![
        h1(g(lang, "runbook")),
        summary(r, lang),
        Block::Para(x(lang, "runbook_intro").replace("{zone}", &r.time_zone)),
    ];
    if r.tasks.is_empty() {
        b.push(Block::Note(x(lang, "no_tasks")));
        return b;
    }
    b.push(h2(x(lang, "sequence")));
    b.push(Block::Note(x(lang, "legend")));
    b.push(Block::Table(Table {
        widths: vec![0.6, 2.2, 1.5, 1.05, 1.0, 1.15, 0.7, 1.15, 0.7],
        header: vec![
            g(lang, "seq"),
            g(lang, "task"),
            g(lang, "category"),
            i18n::t(lang, "field.owner"),
            x(lang, "waits_for"),
            g(lang, "start"),
            x(lang, "duration_min"),
            g(lang, "finish"),
            x(lang, "float"),
        ],
        rows: r
            .tasks
            .iter()
            .map(|t| {
                let tk = &t.task;
                vec![
                    tk.seq.to_string(),
                    task_cell(t, lang),
                    g(lang, &format!("cat.{}", tk.category)),
                    tk.owner.clone(),
                    if tk.predecessors.trim().is_empty() { "–".into() } else { tk.predecessors.clone() },
                    lt(Some(t.slot.start)),
                    tk.duration_min.to_string(),
                    lt(Some(t.slot.finish)),
                    hm(t.slot.float_min),
                ]
            })
            .collect(),
        right: vec![0, 6, 8],
    }));

    // Go/no-go checkpoints and rollback points: what is decided when, and by when a
    // rollback must start.
    let marks: Vec<&TaskRow> = r.tasks.iter().filter(|t| t.task.checkpoint || t.task.rollback_point).collect();
    b.push(h2(x(lang, "decision_points")));
    if marks.is_empty() {
        b.push(Block::Note(x(lang, "no_decision_points")));
    } else {
        b.push(Block::Table(Table {
            widths: vec![0.6, 3.0, 1.6, 1.3, 1.5],
            header: vec![g(lang, "seq"), g(lang, "task"), x(lang, "point"), g(lang, "finish"), x(lang, "deadline")],
            rows: marks
                .iter()
                .map(|t| {
                    let tk = &t.task;
                    let kind = match (tk.checkpoint, tk.rollback_point) {
                        (true, true) => format!("{} · {}", g(lang, "checkpoint"), g(lang, "rollback_point")),
                        (true, false) => g(lang, "checkpoint"),
                        _ => g(lang, "rollback_point"),
                    };
                    vec![
                        tk.seq.to_string(),
                        tk.name.clone(),
                        kind,
                        lt(Some(t.slot.finish)),
                        if tk.rollback_point { lt(tk.rollback_deadline) } else { "–".into() },
                    ]
                })
                .collect(),
            right: vec![0],
        }));
    }

    // The critical path: the chain of tasks that decides when the cutover ends.
    b.push(h2(g(lang, "critical_path")));
    b.push(Block::Para(i18n::tf(
        lang,
        "docs8.critical_para",
        &[
            ("hours", &format!("{:.2}", r.critical_hours)),
            ("hm", &hm(r.critical_minutes)),
            ("start", &lt(r.start)),
            ("finish", &lt(r.finish)),
        ],
    )));
    let chain: Vec<&TaskRow> =
        r.critical_chain.iter().filter_map(|s| r.tasks.iter().find(|t| t.task.seq == *s)).collect();
    if !chain.is_empty() {
        b.push(Block::Table(Table {
            widths: vec![0.6, 3.0, 1.3, 1.3, 1.3, 0.8],
            header: vec![
                g(lang, "seq"),
                g(lang, "task"),
                i18n::t(lang, "field.owner"),
                g(lang, "start"),
                g(lang, "finish"),
                x(lang, "duration_min"),
            ],
            rows: chain
                .iter()
                .map(|t| {
                    vec![
                        t.task.seq.to_string(),
                        t.task.name.clone(),
                        t.task.owner.clone(),
                        lt(Some(t.slot.start)),
                        lt(Some(t.slot.finish)),
                        t.task.duration_min.to_string(),
                    ]
                })
                .collect(),
            right: vec![0, 5],
        }));
    }
    b
}

/// A rehearsal's (or the live cutover's) actual minutes with the overrun flagged.
fn actual_cell(lang: Lang, actual: Option<i64>, variance: Option<i64>, overran: bool) -> String {
    match (actual, variance) {
        (Some(a), Some(v)) if overran => {
            format!("{a}\n▲ {}", i18n::tf(lang, "golive.overran", &[("minutes", &v.to_string())]))
        }
        (Some(a), _) => a.to_string(),
        _ => "–".into(),
    }
}

pub(super) fn rehearsals(f: &Facts, lang: Lang) -> Vec<Block> {
    let r = &f.runbook;
    let mut b = vec![h1(g(lang, "rehearsals")), summary(r, lang)];
    b.push(Block::Para(i18n::tf(lang, "golive.rehearsals_help", &[("pct", &r.tolerance_pct.to_string())])));
    if r.rehearsals.is_empty() {
        b.push(Block::Note(g(lang, "no_rehearsals")));
    } else {
        b.push(h2(x(lang, "rehearsal_summary")));
        b.push(Block::Table(Table {
            widths: vec![2.4, 1.2, 1.0, 1.0, 1.0, 1.0, 1.5],
            header: vec![
                g(lang, "rehearsal"),
                g(lang, "held_on"),
                g(lang, "recorded"),
                g(lang, "overruns"),
                g(lang, "total"),
                g(lang, "variance"),
                g(lang, "verdict"),
            ],
            rows: r
                .rehearsals
                .iter()
                .map(|v| {
                    vec![
                        v.rehearsal.name.clone(),
                        v.rehearsal.held_on.to_string(),
                        format!("{} / {}", v.tasks_recorded, r.tasks.len()),
                        v.tasks_overran.to_string(),
                        v.total_minutes.map_or("–".into(), hm),
                        v.variance_pct.map_or("–".into(), crate::domain::runbook::signed_pct),
                        if v.total_minutes.is_none() {
                            g(lang, "incomplete")
                        } else if v.within_tolerance {
                            g(lang, "within_tolerance")
                        } else {
                            g(lang, "outside_tolerance")
                        },
                    ]
                })
                .collect(),
            right: vec![2, 3, 4, 5],
        }));
    }
    if r.tasks.is_empty() {
        b.push(Block::Note(x(lang, "no_tasks")));
        return b;
    }
    // Plan against every rehearsal, a task a row: the minutes each took, overruns flagged.
    if !r.rehearsals.is_empty() {
        b.push(h2(x(lang, "plan_vs_rehearsals")));
        let mut header = vec![g(lang, "seq"), g(lang, "task"), x(lang, "planned_min")];
        header.extend(r.rehearsals.iter().map(|v| v.rehearsal.name.clone()));
        let n = r.rehearsals.len() as f32;
        let mut widths = vec![0.6, 3.0, 1.0];
        widths.extend(std::iter::repeat_n((4.2 / n).max(0.9), r.rehearsals.len()));
        b.push(Block::Table(Table {
            widths,
            header,
            rows: r
                .tasks
                .iter()
                .map(|t| {
                    let mut row = vec![t.task.seq.to_string(), t.task.name.clone(), t.task.duration_min.to_string()];
                    row.extend(
                        t.rehearsals
                            .iter()
                            .map(|c| actual_cell(lang, c.row.actual_minutes, c.row.variance_minutes, c.row.overran)),
                    );
                    row
                })
                .collect(),
            right: (2..3 + r.rehearsals.len()).collect(),
        }));
        b.push(Block::Note(x(lang, "minutes_note")));
        // Each rehearsal's own sheet: when every task started and finished.
        for (i, v) in r.rehearsals.iter().enumerate() {
            b.push(h2(format!("{} · {}", v.rehearsal.name, v.rehearsal.held_on)));
            b.push(Block::Table(Table {
                widths: vec![0.6, 2.8, 1.3, 1.3, 1.0, 1.2],
                header: vec![
                    g(lang, "seq"),
                    g(lang, "task"),
                    g(lang, "actual_start"),
                    g(lang, "actual_finish"),
                    x(lang, "planned_min"),
                    x(lang, "actual_min"),
                ],
                rows: r
                    .tasks
                    .iter()
                    .map(|t| {
                        let c = &t.rehearsals[i];
                        vec![
                            t.task.seq.to_string(),
                            t.task.name.clone(),
                            lt(c.start),
                            lt(c.finish),
                            t.task.duration_min.to_string(),
                            actual_cell(lang, c.row.actual_minutes, c.row.variance_minutes, c.row.overran),
                        ]
                    })
                    .collect(),
                right: vec![0, 4, 5],
            }));
        }
    }
    // The live cutover as recorded on the day.
    b.push(h1(g(lang, "live")));
    let l = &r.live;
    if !l.started {
        b.push(Block::Note(x(lang, "not_started")));
        return b;
    }
    b.push(Block::Fields(vec![
        (g(lang, "done"), format!("{} / {}", l.done, r.tasks.len())),
        (g(lang, "running"), l.running.to_string()),
        (g(lang, "late"), l.late.to_string()),
    ]));
    b.push(Block::Table(Table {
        widths: vec![0.6, 2.4, 1.25, 1.25, 1.25, 1.25, 1.1],
        header: vec![
            g(lang, "seq"),
            g(lang, "task"),
            x(lang, "planned_finish"),
            g(lang, "actual_start"),
            g(lang, "actual_finish"),
            x(lang, "state"),
            x(lang, "behind_min"),
        ],
        rows: r
            .tasks
            .iter()
            .map(|t| {
                let state = match t.live.state {
                    LiveState::Waiting => "waiting",
                    LiveState::LateStart => "late_start",
                    LiveState::Running => "running",
                    LiveState::Overrunning => "overrunning",
                    LiveState::Done => "done",
                };
                vec![
                    t.task.seq.to_string(),
                    t.task.name.clone(),
                    lt(Some(t.slot.finish)),
                    lt(t.live_start),
                    lt(t.live_finish),
                    g(lang, &format!("state.{state}")),
                    if t.live.behind_minutes > 0 { minutes(lang, t.live.behind_minutes) } else { "–".into() },
                ]
            })
            .collect(),
        right: vec![0, 6],
    }));
    b
}
