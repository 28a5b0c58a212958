//! The continuous improvement plan (phase 9): the improvement backlog by priority (value,
//! then effort) with owner, date and status, and the next wave it proposes, from the
//! evaluation view.
use super::evaluation::e;
use super::*;

pub(super) fn blocks(f: &Facts, lang: Lang) -> Vec<Block> {
    let v = &f.evaluation;
    let mut b = vec![
        h1(e(lang, "backlog_title")),
        Block::Para(e(lang, "backlog_help")),
        Block::Fields(vec![
            (e(lang, "open_backlog"), v.open_backlog.to_string()),
            (t(lang, "eval.as_of"), v.as_of.to_string()),
        ]),
    ];
    if v.backlog.is_empty() {
        b.push(Block::Note(e(lang, "no_backlog")));
    } else {
        b.push(Block::Table(Table {
            widths: vec![0.5, 3.4, 0.8, 0.8, 1.3, 1.3, 1.1],
            header: vec![
                "#".into(),
                e(lang, "item"),
                e(lang, "value"),
                e(lang, "effort"),
                e(lang, "status"),
                e(lang, "owner"),
                e(lang, "due_on"),
            ],
            rows: v
                .backlog
                .iter()
                .enumerate()
                .map(|(i, x)| {
                    let r = &x.row;
                    vec![
                        (i + 1).to_string(),
                        r.item.clone(),
                        e(lang, &format!("level.{}", r.value)),
                        e(lang, &format!("level.{}", r.effort)),
                        e(lang, &format!("st.{}", r.status)),
                        if r.owner.is_empty() { "–".into() } else { r.owner.clone() },
                        date(r.due_on),
                    ]
                })
                .collect(),
            right: vec![0],
        }));
    }
    b.push(h1(e(lang, "wave_title")));
    match &v.wave {
        Some(w) => {
            let c = &w.carried;
            b.push(Block::Para(format!("{} {}", e(lang, "wave_started"), w.next_project_name)));
            b.push(Block::Para(i18n::tf(
                lang,
                "eval.wave_carried",
                &[
                    ("units", &c.org_units.to_string()),
                    ("people", &c.people.to_string()),
                    ("targets", &c.targets.to_string()),
                    ("backlog", &c.backlog.to_string()),
                    ("risks", &c.risks.to_string()),
                    ("issues", &c.issues.to_string()),
                ],
            )));
        }
        None => {
            b.push(Block::Para(i18n::tf(lang, "eval.wave_help", &[("n", &v.open_backlog.to_string())])));
            let scope: Vec<String> = v.backlog.iter().filter(|i| i.open).map(|i| i.row.item.clone()).collect();
            if !scope.is_empty() {
                b.push(h2(t(lang, "eval.proposed_scope")));
                b.push(Block::Bullets(scope));
            }
        }
    }
    b
}
