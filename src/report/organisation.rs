//! The organisation document: the team, the people and who owns each deliverable.
use super::*;

pub(super) fn blocks(f: &Facts, lang: Lang) -> Vec<Block> {
    let mut b = vec![h1(t(lang, "org.team")), Block::Table(members_table(f, lang))];
    b.extend(people_blocks(f, lang));
    b.push(h1(t(lang, "org.responsibilities")));
    let owner = |id: Option<i32>| {
        id.and_then(|id| f.people.iter().find(|p| p.id == id)).map_or("–".to_string(), |p| p.name.clone())
    };
    b.push(Block::Table(Table {
        widths: vec![0.6, 3.0, 1.8, 1.3],
        header: ["seq", "deliverable", "owner", "due"].map(|k| t(lang, &format!("col.{k}"))).to_vec(),
        rows: f
            .deliverables
            .iter()
            .map(|d| {
                let seq = f.phases.iter().find(|p| p.id == d.phase_id).map_or(0, |p| p.seq);
                vec![
                    seq.to_string(),
                    name(lang, &d.name_en, &d.name_zh),
                    owner(d.owner_person_id),
                    d.due_date.to_string(),
                ]
            })
            .collect(),
        right: vec![0],
    }));
    b
}
