//! The integration register (integration design document, phase 5): every interface with
//! its systems, direction, data, frequency, method, owner, status and test status, from
//! the view the Configuration tab shows.
use super::configuration::cx;
use super::*;

pub(super) fn blocks(f: &Facts, lang: Lang) -> Vec<Block> {
    let v = &f.configuration;
    let mut b = vec![h1(cx(lang, "interfaces")), Block::Para(cx(lang, "interfaces_help"))];
    if v.interfaces.is_empty() {
        b.push(Block::Note(cx(lang, "no_interfaces")));
        return b;
    }
    b.push(Block::Table(Table {
        widths: vec![1.8, 1.8, 1.0, 1.8, 1.0, 0.8, 1.0, 1.0, 1.0],
        header: vec![
            cx(lang, "interface"),
            format!("{} → {}", cx(lang, "source"), cx(lang, "target")),
            cx(lang, "direction"),
            cx(lang, "data_objects"),
            cx(lang, "frequency"),
            cx(lang, "method"),
            i18n::t(lang, "field.owner"),
            i18n::t(lang, "field.status"),
            cx(lang, "test_status"),
        ],
        rows: v
            .interfaces
            .iter()
            .map(|i| {
                vec![
                    i.name.clone(),
                    format!("{} → {}", i.source_system, i.target_system),
                    cx(lang, &format!("dir.{}", i.direction)),
                    i.data_objects.clone(),
                    i.frequency.clone(),
                    cx(lang, &format!("meth.{}", i.method)),
                    i.owner.clone(),
                    cx(lang, &format!("istatus.{}", i.status)),
                    cx(lang, &format!("itest.{}", i.test_status)),
                ]
            })
            .collect(),
        right: vec![],
    }));
    b
}
