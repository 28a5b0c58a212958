//! The organisation document: the team, the people and who owns each deliverable.
use super::*;

pub(super) fn blocks(f: &Facts, lang: Lang) -> Vec<Block> {
    let mut b = vec![h1(t(lang, "org.team")), Block::Table(members_table(f, lang))];
    b.extend(people_blocks(f, lang));
    b.push(h1(t(lang, "org.responsibilities")));
    b.push(Block::Table(Table {
        widths: vec![0.6, 3.0, 1.8, 1.3],
        header: ["seq", "deliverable", "owner", "due"].map(|k| t(lang, &format!("col.{k}"))).to_vec(),
        rows: f
            .deliverables
            .iter()
            .map(|r| {
                let d = &r.deliverable;
                vec![
                    r.phase_seq.to_string(),
                    name(lang, &d.name_en, &d.name_zh),
                    r.owner_name.clone().unwrap_or_else(|| "–".to_string()),
                    d.due_date.to_string(),
                ]
            })
            .collect(),
        right: vec![0],
    }));
    b
}
