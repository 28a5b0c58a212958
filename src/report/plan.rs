//! The project plan: phases, the Gantt chart, the milestones and the activities of each
//! phase, all laid out from the schedule view the schedule page shows.
use super::*;
use crate::chart::gantt_pdf::InLang;

/// The schedule's Gantt in `lang`: with `outline`, only its phases and milestones (the rows
/// a page has room for); otherwise every row.
pub fn gantt(f: &Facts, lang: Lang, outline: bool) -> InLang {
    let g = &f.schedule.gantt;
    InLang(if outline { g.outline() } else { g.clone() }, lang)
}

pub(super) fn blocks(f: &Facts, lang: Lang) -> Vec<Block> {
    let v = &f.schedule;
    // Each phase's row links to its activities' section (phases without activities have none).
    let section = |ph: &crate::entity::phase::Model| format!("{}. {}", ph.seq, name(lang, &ph.name_en, &ph.name_zh));
    let has_activities = |id: i32| v.items.iter().any(|i| i.item.phase_id == id && i.item.kind == "activity");
    let to: Vec<Option<String>> =
        f.phase_views.iter().map(|pv| has_activities(pv.phase.id).then(|| section(&pv.phase))).collect();
    let mut b = vec![
        h1(t(lang, "plan.overview")),
        Block::Linked(phase_table(f, lang), to),
        h1(t(lang, "plan.gantt")),
        Block::Chart(Box::new(gantt(f, lang, false))),
        h2(t(lang, "plan.milestones")),
    ];
    if v.milestones.is_empty() {
        b.push(Block::Para(t(lang, "none")));
    } else {
        b.push(Block::Table(Table {
            widths: vec![0.6, 3.2, 1.3, 1.2],
            header: ["seq", "milestone", "due", "status"].map(|k| t(lang, &format!("col.{k}"))).to_vec(),
            rows: v
                .milestones
                .iter()
                .map(|m| {
                    let status =
                        if m.overdue { t(lang, "col.overdue") } else { i18n::t(lang, &format!("status.{}", m.status)) };
                    vec![m.phase_seq.to_string(), name(lang, &m.name_en, &m.name_zh), m.due_date.to_string(), status]
                })
                .collect(),
            right: vec![0],
        }));
    }
    b.push(h1(t(lang, "plan.activities")));
    for ph in &v.phases {
        let acts: Vec<_> = v.items.iter().filter(|i| i.item.phase_id == ph.id && i.item.kind == "activity").collect();
        if acts.is_empty() {
            continue;
        }
        b.push(h2(section(ph)));
        b.push(Block::Table(Table {
            widths: vec![3.2, 1.3, 1.3, 1.2],
            header: ["activity", "start", "finish", "status"].map(|k| t(lang, &format!("col.{k}"))).to_vec(),
            rows: acts
                .iter()
                .map(|a| {
                    let status = if a.item.done { "done" } else { "open" };
                    vec![
                        name(lang, &a.item.name_en, &a.item.name_zh),
                        a.item.start.to_string(),
                        a.item.finish.to_string(),
                        i18n::t(lang, &format!("status.{status}")),
                    ]
                })
                .collect(),
            right: vec![],
        }));
    }
    b
}
