//! Phase 8's hypercare issue log from the log view the Hypercare page shows: the headline
//! counts and exit criteria, the daily open/closed chart (the page's chart model), the
//! service levels, every ticket, and the breaches with their deadlines in local time.
use super::cutover::lt;
use super::*;
use crate::domain::runbook::hm;
use chrono::NaiveDateTime;

fn g(lang: Lang, key: &str) -> String {
    i18n::t(lang, &format!("golive.{key}"))
}

fn x(lang: Lang, key: &str) -> String {
    i18n::t(lang, &format!("docs8.{key}"))
}

pub(super) fn blocks(f: &Facts, lang: Lang) -> Vec<Block> {
    let l = &f.hypercare;
    let mut b = vec![
        h1(g(lang, "hypercare")),
        Block::Para(g(lang, "hc_intro").replace("{zone}", &l.time_zone)),
        Block::Fields(
            [
                (g(lang, "hc_open"), l.open.to_string()),
                (g(lang, "response_breaches"), l.response_breaches.to_string()),
                (g(lang, "resolution_breaches"), l.resolution_breaches.to_string()),
                (x(lang, "issues_total"), l.issues.len().to_string()),
            ]
            .into_iter()
            .chain(l.open_by_severity.iter().enumerate().map(|(i, n)| {
                (format!("{} · {}", g(lang, "hc_open"), g(lang, &format!("sev.{}", i + 1))), n.to_string())
            }))
            .collect(),
        ),
    ];
    b.push(h2(g(lang, "exit_criteria")));
    b.push(Block::Fields(vec![
        (
            g(lang, "exit_sev1").replace("{days}", &l.exit.sev1_days_required.to_string()),
            l.exit.days_without_sev1.to_string(),
        ),
        (
            g(lang, "exit_volume").replace("{max}", &l.exit.weekly_volume_max.to_string()),
            l.exit.opened_last_7_days.to_string(),
        ),
        (x(lang, "verdict"), if l.exit.met { g(lang, "exit_met") } else { g(lang, "exit_not_met") }),
    ]));
    if l.issues.is_empty() {
        b.push(Block::Note(g(lang, "hc_none")));
        return b;
    }
    // The page's chart model, drawn for print, with the day-by-day figures under it.
    b.push(h2(g(lang, "hc_chart")));
    // The heading names the chart: it does not say it again.
    let mut chart = l.chart.clone();
    chart.title.clear();
    b.push(Block::Chart(Box::new(chart)));
    b.push(Block::Note(g(lang, "hc_chart_help")));
    b.push(Block::Table(Table {
        widths: vec![1.6, 1.0, 1.0, 1.4],
        header: vec![x(lang, "day"), x(lang, "opened"), x(lang, "closed"), g(lang, "hc_legend_open")],
        rows: l
            .daily
            .iter()
            .map(|d| vec![d.date.to_string(), d.opened.to_string(), d.closed.to_string(), d.open_at_end.to_string()])
            .collect(),
        right: vec![1, 2, 3],
    }));

    b.push(h2(g(lang, "sla_table")));
    b.push(Block::Table(Table {
        widths: vec![1.6, 1.2, 1.2, 1.6],
        header: vec![g(lang, "severity"), x(lang, "response_hm"), x(lang, "resolution_hm"), g(lang, "clock")],
        rows: l
            .slas
            .iter()
            .map(|s| {
                vec![
                    g(lang, &format!("sev.{}", s.severity)),
                    hm(s.response_min),
                    hm(s.resolution_min),
                    if s.business_hours { g(lang, "business_hours") } else { g(lang, "around_the_clock") },
                ]
            })
            .collect(),
        right: vec![1, 2],
    }));

    b.push(h1(g(lang, "hc_log")));
    b.push(Block::Para(g(lang, "hc_times_help").replace("{zone}", &l.time_zone)));
    b.push(Block::Table(Table {
        widths: vec![0.4, 2.6, 1.1, 0.9, 1.1, 1.2, 1.2, 0.9],
        header: vec![
            "#".into(),
            g(lang, "hc_title"),
            g(lang, "severity"),
            g(lang, "channel"),
            g(lang, "module"),
            g(lang, "reporter"),
            g(lang, "assignee"),
            i18n::t(lang, "field.status"),
        ],
        rows: l
            .issues
            .iter()
            .map(|r| {
                let i = &r.issue;
                vec![
                    i.id.to_string(),
                    i.title.clone(),
                    g(lang, &format!("sev.{}", i.severity)),
                    g(lang, &format!("ch.{}", i.channel)),
                    module_name(f, lang, &i.module_key),
                    i.reporter.clone(),
                    if i.assignee.is_empty() { "–".into() } else { i.assignee.clone() },
                    g(lang, &format!("hs.{}", i.status)),
                ]
            })
            .collect(),
        right: vec![0],
    }));

    // Every ticket's clock: when it came in, its deadlines, when it was met; breaches flagged.
    b.push(h2(x(lang, "service_levels_met")));
    let mark = |due: Option<NaiveDateTime>, at: Option<NaiveDateTime>, breached: bool| {
        let flag = if breached {
            format!("\n▲ {}", g(lang, "breached"))
        } else if at.is_some() {
            " ✓".into()
        } else {
            String::new()
        };
        format!("{}{flag}", lt(due))
    };
    b.push(Block::Table(Table {
        widths: vec![0.4, 1.3, 1.3, 1.3, 1.3, 1.3, 0.9],
        header: vec![
            "#".into(),
            g(lang, "opened_at"),
            x(lang, "response_due"),
            g(lang, "responded_at"),
            x(lang, "resolution_due"),
            g(lang, "resolved_at"),
            g(lang, "severity"),
        ],
        rows: l
            .issues
            .iter()
            .map(|r| {
                vec![
                    r.issue.id.to_string(),
                    lt(Some(r.opened_local)),
                    mark(Some(r.response_due_local), r.responded_local, r.sla.response_breached),
                    lt(r.responded_local),
                    mark(Some(r.resolution_due_local), r.resolved_local, r.sla.resolution_breached),
                    lt(r.resolved_local),
                    r.issue.severity.to_string(),
                ]
            })
            .collect(),
        right: vec![0, 6],
    }));
    let breached: Vec<_> = l.issues.iter().filter(|r| r.sla.response_breached || r.sla.resolution_breached).collect();
    b.push(h2(x(lang, "breaches")));
    if breached.is_empty() {
        b.push(Block::Note(x(lang, "no_breaches")));
    } else {
        // A row per breached level: which, its deadline, and when it was met (or not yet).
        let mut rows = Vec::new();
        for r in breached {
            let i = &r.issue;
            for (hit, level, due, at) in [
                (r.sla.response_breached, "response", r.response_due_local, r.responded_local),
                (r.sla.resolution_breached, "resolution", r.resolution_due_local, r.resolved_local),
            ] {
                if hit {
                    rows.push(vec![
                        i.id.to_string(),
                        i.title.clone(),
                        g(lang, &format!("sev.{}", i.severity)),
                        g(lang, level),
                        lt(Some(due)),
                        at.map_or_else(|| x(lang, "not_yet"), |a| lt(Some(a))),
                    ]);
                }
            }
        }
        b.push(Block::Table(Table {
            widths: vec![0.4, 2.6, 1.1, 1.0, 1.3, 1.3],
            header: vec![
                "#".into(),
                g(lang, "hc_title"),
                g(lang, "severity"),
                x(lang, "level"),
                x(lang, "deadline"),
                x(lang, "met_at"),
            ],
            rows,
            right: vec![0],
        }));
    }
    b
}
