//! The process-to-module map (phase 4): which processes each CRM module supports and which
//! of its checklist features the blueprint steps need, from the blueprint view.
use super::*;

pub(super) fn blocks(f: &Facts, lang: Lang) -> Vec<Block> {
    let map = &f.blueprint.map;
    let mut b = vec![h1(d(lang, "bp.module_map")), Block::Para(d(lang, "bp.module_map_help"))];
    if map.is_empty() {
        b.push(Block::Note(t(lang, "none")));
        return b;
    }
    b.push(Block::Table(Table {
        widths: vec![1.6, 2.6, 2.6],
        header: vec![d(lang, "diag.module"), d(lang, "bp.supports"), d(lang, "bp.features_needed")],
        rows: map
            .iter()
            .map(|r| {
                let mut features: Vec<String> = r.needed.iter().map(|x| name(lang, &x.name_en, &x.name_zh)).collect();
                features.extend(r.missing.iter().map(|m| format!("{m} ({})", d(lang, "bp.not_in_checklist"))));
                vec![
                    name(lang, &r.module.name_en, &r.module.name_zh),
                    if r.processes.is_empty() { "–".into() } else { r.processes.join("; ") },
                    if features.is_empty() { "–".into() } else { features.join("; ") },
                ]
            })
            .collect(),
        right: vec![],
    }));
    b
}
