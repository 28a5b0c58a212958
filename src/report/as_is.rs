//! The as-is process inventory (phase 3): today's processes by CRM module, with their
//! owner department, volume, pain points and current systems, from the diagnosis view.
use super::*;

pub(super) fn blocks(f: &Facts, lang: Lang) -> Vec<Block> {
    let v = &f.diagnosis;
    let mut b = vec![
        h1(d(lang, "diag.inventory")),
        Block::Fields(vec![(t(lang, "asis.count"), v.processes.len().to_string())]),
    ];
    if v.groups.is_empty() {
        b.push(Block::Note(d(lang, "diag.no_processes")));
    }
    for g in &v.groups {
        b.push(h2(name(lang, &g.module.name_en, &g.module.name_zh)));
        b.push(Block::Table(Table {
            widths: vec![1.6, 1.2, 1.2, 2.4, 1.6],
            header: vec![
                d(lang, "diag.process"),
                d(lang, "diag.owner_dept"),
                d(lang, "diag.volume"),
                d(lang, "diag.pain_points"),
                d(lang, "diag.systems"),
            ],
            rows: g
                .rows
                .iter()
                .map(|r| {
                    let p = &r.process;
                    vec![
                        p.name.clone(),
                        p.owner_dept.clone(),
                        p.volume.clone(),
                        p.pain_points.clone(),
                        p.systems.clone(),
                    ]
                })
                .collect(),
            right: vec![],
        }));
        for r in &g.rows {
            if !r.process.as_is.trim().is_empty() {
                b.push(Block::Fields(vec![(r.process.name.clone(), r.process.as_is.clone())]));
            }
        }
    }
    b
}
