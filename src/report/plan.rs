//! The project plan: phases, the Gantt chart and the activities of each phase.
use super::*;

/// The Gantt of the plan as it stands: each phase a summary bar with its activities.
pub fn gantt(f: &Facts, lang: Lang, only_summary: bool) -> Gantt {
    let mut rows = Vec::new();
    for ph in &f.phases {
        let progress = match ph.status.as_str() {
            "closed" => 100.0,
            _ => 0.0,
        };
        rows.push(Row {
            label: format!("{}. {}", ph.seq, name(lang, &ph.name_en, &ph.name_zh)),
            kind: RowKind::Summary,
            start: ph.planned_start,
            finish: ph.planned_finish,
            progress,
            critical: false,
            baseline: None,
        });
        if only_summary {
            continue;
        }
        for a in f.activities.iter().filter(|a| a.phase_id == ph.id) {
            let done = matches!(a.status.as_str(), "done" | "completed");
            rows.push(Row {
                label: name(lang, &a.name_en, &a.name_zh),
                kind: if a.planned_start == a.planned_finish { RowKind::Milestone } else { RowKind::Task },
                start: a.planned_start,
                finish: a.planned_finish,
                progress: if done { 100.0 } else { 0.0 },
                critical: false,
                baseline: None,
            });
        }
    }
    Gantt { rows, links: vec![], today: Some(f.today), scale: Scale::Month }
}

pub(super) fn blocks(f: &Facts, lang: Lang) -> Vec<Block> {
    let mut b = vec![
        h1(t(lang, "plan.overview")),
        Block::Table(phase_table(f, lang)),
        h2(t(lang, "plan.gantt")),
        Block::Chart(Box::new(gantt(f, lang, true))),
        h1(t(lang, "plan.activities")),
    ];
    for ph in &f.phases {
        let acts: Vec<_> = f.activities.iter().filter(|a| a.phase_id == ph.id).collect();
        if acts.is_empty() {
            continue;
        }
        b.push(h2(format!("{}. {}", ph.seq, name(lang, &ph.name_en, &ph.name_zh))));
        b.push(Block::Table(Table {
            widths: vec![3.2, 1.3, 1.3, 1.2],
            header: ["activity", "start", "finish", "status"].map(|k| t(lang, &format!("col.{k}"))).to_vec(),
            rows: acts
                .iter()
                .map(|a| {
                    vec![
                        name(lang, &a.name_en, &a.name_zh),
                        a.planned_start.to_string(),
                        a.planned_finish.to_string(),
                        i18n::t(lang, &format!("status.{}", a.status)),
                    ]
                })
                .collect(),
            right: vec![],
        }));
    }
    b
}
