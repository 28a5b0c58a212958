//! The gate report: the gate view of the phase last decided on (or the active phase when
//! none was), as its gate page shows it.
use super::*;

pub(super) fn blocks(f: &Facts, lang: Lang) -> Vec<Block> {
    let Some(g) = &f.gate else { return vec![Block::Para(t(lang, "none"))] };
    let ph = &g.phase;
    let rows: Vec<_> = g.deliverables.iter().collect();
    let mut b = vec![
        h1(format!("{} {}. {}", t(lang, "gate.phase"), ph.seq, name(lang, &ph.name_en, &ph.name_zh))),
        Block::Fields(vec![
            (t(lang, "col.start"), ph.planned_start.to_string()),
            (t(lang, "col.finish"), ph.planned_finish.to_string()),
            (t(lang, "col.status"), i18n::t(lang, &format!("phase.{}", ph.status))),
        ]),
    ];
    // The outcome first, then what it rests on.
    b.push(h2(t(lang, "gate.decision")));
    if g.decisions.is_empty() {
        b.push(Block::Para(t(lang, "gate.pending")));
    }
    for d in &g.decisions {
        b.push(Block::Fields(vec![
            (t(lang, "col.decision"), i18n::t(lang, &format!("decision.{}", d.decision.decision))),
            (t(lang, "col.by"), d.decided_by_name.clone()),
            (t(lang, "col.date"), d.decision.decided_at.date_naive().to_string()),
            (t(lang, "col.rationale"), d.decision.rationale.clone()),
        ]));
    }
    b.extend([h2(t(lang, "gate.delivered")), Block::Table(deliverable_rows_table(&rows, lang))]);
    // Evidence attached to the deliverables (the latest version of each file).
    if !g.attachments.is_empty() {
        b.push(h2(i18n::t(lang, "collab.attach.evidence")));
        b.push(Block::Bullets(
            g.attachments
                .iter()
                .map(|a| {
                    let of = rows
                        .iter()
                        .find(|r| r.deliverable.id == a.row.entity_id)
                        .map(|r| name(lang, &r.deliverable.name_en, &r.deliverable.name_zh))
                        .unwrap_or_default();
                    format!(
                        "{} v{} ({of}) · {} · {} · SHA-256 {}",
                        a.row.file_name,
                        a.row.file_version,
                        a.size_label,
                        a.uploader,
                        &a.row.sha256[..a.row.sha256.len().min(16)]
                    )
                })
                .collect(),
        ));
    }
    b.extend([
        h2(t(lang, "gate.acceptance")),
        Block::Fields(
            rows.iter()
                .map(|r| {
                    let d = &r.deliverable;
                    // Stored as the playbook's list of texts in both languages: the reader's.
                    let list: Vec<crate::playbook::Text> = serde_json::from_str(&d.acceptance).unwrap_or_default();
                    let criteria = if !list.is_empty() {
                        let sep = if lang == Lang::Zh { "；" } else { "; " };
                        list.iter().map(|x| x.get(lang.code())).collect::<Vec<_>>().join(sep)
                    } else if d.acceptance.trim().is_empty() || d.acceptance.trim_start().starts_with('[') {
                        "–".to_string()
                    } else {
                        d.acceptance.clone()
                    };
                    (name(lang, &d.name_en, &d.name_zh), criteria)
                })
                .collect(),
        ),
        h2(t(lang, "gate.blockers")),
    ]);
    if g.blockers.is_empty() {
        b.push(Block::Para(t(lang, "gate.ready")));
    } else {
        b.push(Block::Bullets(
            g.blockers
                .iter()
                .map(|r| {
                    let d = &r.deliverable;
                    format!(
                        "{} ({})",
                        name(lang, &d.name_en, &d.name_zh),
                        i18n::t(lang, &format!("status.{}", d.status))
                    )
                })
                .collect(),
        ));
    }
    b
}
