//! The organisation and responsibilities document: the organisation chart, the three tiers
//! with roles and allocations, the method's findings, the people, and who owns each
//! deliverable, laid out from the Organisation page's view.
use super::*;

pub(super) fn blocks(f: &Facts, lang: Lang) -> Vec<Block> {
    let o = &f.organisation;
    let mut b = vec![h1(t(lang, "org.chart"))];
    if o.tiers.is_empty() {
        b.push(Block::Note(t(lang, "org.no_tiers")));
    } else {
        b.push(Block::Chart(Box::new(o.chart.clone())));
    }
    b.push(h1(t(lang, "org.tiers")));
    b.push(Block::Table(tiers_table(f, lang)));
    if !o.findings.is_empty() {
        b.push(h2(t(lang, "org.findings")));
        b.push(Block::Bullets(o.findings.iter().map(|x| format!("{} — {}", x.title, x.why)).collect()));
    }
    b.extend(people_blocks(f, lang));
    b.push(h1(t(lang, "org.responsibilities")));
    b.push(Block::Table(Table {
        widths: vec![0.6, 3.0, 0.7, 1.8, 1.3, 1.2],
        header: ["seq", "deliverable", "gate", "owner", "due", "status"].map(|k| t(lang, &format!("col.{k}"))).to_vec(),
        rows: f
            .deliverables
            .iter()
            .map(|r| {
                let d = &r.deliverable;
                vec![
                    r.phase_seq.to_string(),
                    name(lang, &d.name_en, &d.name_zh),
                    if d.is_gate { t(lang, "yes") } else { String::new() },
                    r.owner_name.clone().unwrap_or_else(|| "–".to_string()),
                    d.due_date.to_string(),
                    i18n::t(lang, &format!("status.{}", d.status)),
                ]
            })
            .collect(),
        right: vec![0],
    }));
    b.push(h1(t(lang, "org.team")));
    b.push(Block::Table(members_table(f, lang)));
    b
}
