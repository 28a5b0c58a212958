//! Lessons learned (phase 9): what went well and what went badly, by category and by who
//! raised it, each with its recommendation, from the evaluation view.
use super::evaluation::e;
use super::*;

pub(super) fn blocks(f: &Facts, lang: Lang) -> Vec<Block> {
    let v = &f.evaluation;
    let mut b = vec![
        h1(e(lang, "lessons_title")),
        Block::Para(e(lang, "lessons_help")),
        Block::Fields(vec![
            (e(lang, "oc.went_well"), v.went_well.to_string()),
            (e(lang, "oc.went_badly"), v.went_badly.to_string()),
        ]),
    ];
    if v.lessons.is_empty() {
        b.push(Block::Note(e(lang, "no_lessons")));
        return b;
    }
    for outcome in crate::service::evaluation::OUTCOMES {
        let ls: Vec<_> = v.lessons.iter().filter(|l| l.row.outcome == *outcome).collect();
        if ls.is_empty() {
            continue;
        }
        b.push(h2(e(lang, &format!("oc.{outcome}"))));
        b.push(Block::Table(Table {
            widths: vec![1.2, 1.3, 3.0, 3.0],
            header: vec![e(lang, "category"), e(lang, "lesson_source"), e(lang, "what"), e(lang, "recommendation")],
            rows: ls
                .iter()
                .map(|l| {
                    let r = &l.row;
                    vec![
                        e(lang, &format!("cat.{}", r.category)),
                        e(lang, &format!("from.{}", r.source)),
                        r.description.clone(),
                        r.recommendation.clone(),
                    ]
                })
                .collect(),
            right: vec![],
        }));
    }
    b
}
