//! The scheduler on a large plan: 5,000 activities and 10,000 links (issue 4's bar: ≤ 5 ms).
use criterion::{Criterion, criterion_group, criterion_main};
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
}

criterion_group!(schedule_benches, benches);
criterion_main!(schedule_benches);
