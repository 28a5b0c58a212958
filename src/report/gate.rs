//! The gate report of the phase last decided on.
use super::*;

/// The gate report of the phase last decided on (or the active phase when none was).
pub(super) fn blocks(f: &Facts, lang: Lang) -> Vec<Block> {
    let decided = f.decisions.first().and_then(|d| f.phases.iter().find(|p| p.id == d.decision.phase_id));
    let phase = decided.or_else(|| f.phases.iter().find(|p| p.status == "active")).or(f.phases.first());
    let Some(ph) = phase else { return vec![Block::Para(t(lang, "none"))] };
    let mut b = vec![
        h1(format!("{} {}. {}", t(lang, "gate.phase"), ph.seq, name(lang, &ph.name_en, &ph.name_zh))),
        Block::Fields(vec![
            (t(lang, "col.start"), ph.planned_start.to_string()),
            (t(lang, "col.finish"), ph.planned_finish.to_string()),
            (t(lang, "col.status"), i18n::t(lang, &format!("phase.{}", ph.status))),
        ]),
        h2(t(lang, "gate.delivered")),
        Block::Table(deliverables_table(f, lang, Some(ph.id))),
        h2(t(lang, "gate.decision")),
    ];
    let mine: Vec<_> = f.decisions.iter().filter(|d| d.decision.phase_id == ph.id).collect();
    if mine.is_empty() {
        b.push(Block::Para(t(lang, "gate.pending")));
    }
    for d in mine {
        b.push(Block::Fields(vec![
            (t(lang, "col.decision"), i18n::t(lang, &format!("decision.{}", d.decision.decision))),
            (t(lang, "col.by"), d.decided_by_name.clone()),
            (t(lang, "col.date"), d.decision.decided_at.date_naive().to_string()),
            (t(lang, "col.rationale"), d.decision.rationale.clone()),
        ]));
    }
    b
}
