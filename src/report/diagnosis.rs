//! The diagnosis report (phase 3): processes scored and ranked, the priority matrix, the
//! fishbone analyses and the problems they prioritise, from the diagnosis view.
use super::*;

pub(super) fn blocks(f: &Facts, lang: Lang) -> Vec<Block> {
    let v = &f.diagnosis;
    let s = &v.summary;
    let mut b = vec![
        h1(t(lang, "diagr.summary")),
        Block::Fields(vec![
            (t(lang, "diagr.processes"), s.processes.to_string()),
            (t(lang, "diagr.scored"), s.scored.to_string()),
            (t(lang, "diagr.selected"), s.selected.to_string()),
            (d(lang, "diag.fishbones"), s.fishbones.to_string()),
        ]),
        h1(d(lang, "diag.ranking")),
        Block::Note(d(lang, "diag.ranking_help")),
        Block::Table(Table {
            widths: vec![0.6, 2.4, 1.4, 0.7, 0.7, 0.7, 0.9, 1.0],
            header: vec![
                "#".into(),
                d(lang, "diag.process"),
                d(lang, "diag.module"),
                d(lang, "diag.i_short"),
                d(lang, "diag.p_short"),
                d(lang, "diag.f_short"),
                d(lang, "diag.priority"),
                d(lang, "diag.selected"),
            ],
            rows: v
                .ranked
                .iter()
                .map(|r| {
                    let p = &r.process;
                    let n = |x: Option<i32>| x.map_or("–".into(), |x| x.to_string());
                    vec![
                        r.rank.map_or("–".into(), |x| x.to_string()),
                        p.name.clone(),
                        module_name(f, lang, &p.module_key),
                        n(p.importance),
                        n(p.performance),
                        n(p.feasibility),
                        n(r.priority),
                        if p.selected { d(lang, "diag.chosen") } else { String::new() },
                    ]
                })
                .collect(),
            right: vec![0, 3, 4, 5, 6],
        }),
        h2(t(lang, "diagr.matrix")),
        Block::Chart(Box::new(v.matrix.clone())),
        Block::Note(d(lang, "diag.matrix_help")),
        h1(d(lang, "diag.fishbones")),
    ];
    if v.fishbones.is_empty() {
        b.push(Block::Note(d(lang, "diag.no_fishbones")));
    }
    for fb in &v.fishbones {
        let title = match &fb.process {
            Some(p) => format!("{} — {p}", fb.f.effect),
            None => fb.f.effect.clone(),
        };
        b.push(h2(title));
        b.push(Block::Chart(Box::new(fb.chart.clone())));
    }
    // The problems of each analysis (in the analyses' order), heaviest causes first; the
    // effect named once on its first row (and again at the top of a page).
    let mut causes: Vec<(usize, &str, &crate::domain::diagnosis::Cause)> = v
        .fishbones
        .iter()
        .enumerate()
        .flat_map(|(i, fb)| fb.causes.iter().map(move |c| (i, fb.f.effect.as_str(), c)))
        .collect();
    causes.sort_by_key(|c| (c.0, std::cmp::Reverse(c.2.weight)));
    if !causes.is_empty() {
        b.push(h1(t(lang, "diagr.problems")));
        b.push(Block::Table(Table {
            widths: vec![2.0, 1.2, 2.6, 0.7, 2.0],
            header: vec![
                d(lang, "diag.effect"),
                t(lang, "diagr.category"),
                d(lang, "diag.causes"),
                t(lang, "diagr.weight"),
                t(lang, "diagr.note"),
            ],
            rows: causes
                .iter()
                .enumerate()
                .map(|(k, (i, effect, c))| {
                    let first = k == 0 || causes[k - 1].0 != *i;
                    vec![
                        if first { effect.to_string() } else { String::new() },
                        d(lang, &format!("diag.cat.{}", c.category)),
                        c.text.clone(),
                        c.weight.to_string(),
                        c.note.clone(),
                    ]
                })
                .collect(),
            right: vec![3],
        }));
    }
    b
}
