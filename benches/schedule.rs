//! The scheduler on a large plan (5,000 activities, 10,000 links; bar ≤ 5 ms) and the Gantt
//! SVG of 1,000 activities (bar ≤ 10 ms).
use criterion::{Criterion, criterion_group, criterion_main};
use ninefold::chart::gantt::{Gantt, Row, RowKind, Scale};
use ninefold::domain::cpm::{Link, LinkKind, Task, schedule};
use std::hint::black_box;

/// A deterministic random DAG: every link goes from an earlier to a later activity.
fn network(n: usize, links: usize) -> (Vec<Task>, Vec<Link>) {
    let mut seed = 0x9E37_79B9_7F4A_7C15u64;
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    let tasks =
        (0..n).map(|i| Task { duration: (next() % 10) as i64 + i64::from(i % 7 != 0), not_before: 0 }).collect();
    let kinds = [LinkKind::FinishToStart, LinkKind::FinishToStart, LinkKind::StartToStart, LinkKind::FinishToFinish];
    let links = (0..links)
        .map(|_| {
            let succ = 1 + (next() as usize) % (n - 1);
            let pred = (next() as usize) % succ;
            Link { pred, succ, kind: kinds[(next() % 4) as usize], lag: (next() % 3) as i64 }
        })
        .collect();
    (tasks, links)
}

fn benches(c: &mut Criterion) {
    let (tasks, links) = network(5_000, 10_000);
    assert!(schedule(&tasks, &links).is_ok());
    c.bench_function("schedule 5,000 activities / 10,000 links", |b| {
        b.iter(|| schedule(black_box(&tasks), black_box(&links)).unwrap())
    });

    // The Gantt SVG of 1,000 scheduled activities with their links (bar: ≤ 10 ms).
    let (tasks, links) = network(1_000, 2_000);
    let slots = schedule(&tasks, &links).unwrap();
    let start = chrono::NaiveDate::from_ymd_opt(2026, 3, 2).unwrap();
    let cal = ninefold::domain::calendar::WorkCalendar::default();
    let days = cal.working_dates(start, slots.iter().map(|s| s.early_finish).max().unwrap_or(0) as usize + 2);
    let rows = slots
        .iter()
        .enumerate()
        .map(|(i, s)| Row {
            label: ninefold::chart::gantt::Label { en: format!("Activity {i}"), zh: format!("活动 {i}") },
            kind: if tasks[i].duration == 0 { RowKind::Milestone } else { RowKind::Task },
            start: days[s.early_start as usize],
            finish: days[(s.early_finish.max(s.early_start + 1) - 1) as usize],
            progress: (i % 100) as f64,
            critical: s.critical,
            baseline: Some((days[s.early_start as usize], days[s.early_start as usize])),
        })
        .collect();
    let gantt = Gantt {
        rows,
        links: links.iter().map(|l| (l.pred, l.succ)).collect(),
        today: Some(start),
        scale: Scale::Month,
    };
    c.bench_function("Gantt SVG, 1,000 activities / 2,000 links", |b| {
        b.iter(|| black_box(&gantt).to_svg(1200.0, ninefold::i18n::Lang::En))
    });
}

criterion_group!(schedule_benches, benches);
criterion_main!(schedule_benches);
