//! Operating rules and procedures (phase 6): each rule with its process, owner, approval and
//! effective date and its full text; then the blueprint's rule changes still without a
//! procedure. From the view the Operating rules page shows.
use super::*;

fn px(lang: Lang, key: &str) -> String {
    i18n::t(lang, &format!("phase6.{key}"))
}

pub(super) fn blocks(f: &Facts, lang: Lang) -> Vec<Block> {
    let v = &f.operating_rules;
    let mut b = vec![h1(px(lang, "rules")), Block::Para(px(lang, "rules_intro"))];
    b.push(Block::Fields(vec![
        (px(lang, "rules_count"), v.rules.len().to_string()),
        (px(lang, "approved"), v.approved.to_string()),
        (px(lang, "pending"), v.pending.to_string()),
        (px(lang, "uncovered"), v.uncovered.to_string()),
    ]));
    if v.rules.is_empty() {
        b.push(Block::Note(px(lang, "doc_rules_none")));
    } else {
        b.push(Block::Table(Table {
            widths: vec![3.0, 2.0, 1.4, 2.0, 1.1],
            header: vec![
                px(lang, "rule_title"),
                px(lang, "process"),
                i18n::t(lang, "field.owner"),
                px(lang, "approval"),
                px(lang, "effective_on"),
            ],
            rows: v
                .rules
                .iter()
                .map(|r| {
                    vec![
                        r.rule.title.clone(),
                        r.process.clone().unwrap_or_else(|| "–".into()),
                        r.rule.owner.clone(),
                        if r.approved {
                            format!("{} {}", r.rule.approved_by, date(r.rule.approved_on))
                        } else {
                            px(lang, "pending")
                        },
                        date(r.rule.effective_on),
                    ]
                })
                .collect(),
            right: vec![],
        }));
        for r in &v.rules {
            b.push(h2(r.rule.title.clone()));
            b.push(Block::Fields(vec![
                (px(lang, "process"), r.process.clone().unwrap_or_else(|| "–".into())),
                (i18n::t(lang, "field.owner"), r.rule.owner.clone()),
                (
                    px(lang, "approval"),
                    if r.approved {
                        i18n::tf(
                            lang,
                            "phase6.approved_by_on",
                            &[("by", &r.rule.approved_by), ("on", &date(r.rule.approved_on))],
                        )
                    } else {
                        px(lang, "pending")
                    },
                ),
                (px(lang, "effective_on"), date(r.rule.effective_on)),
            ]));
            for para in r.rule.body.split("\n\n").map(str::trim).filter(|p| !p.is_empty()) {
                b.push(Block::Para(para.to_string()));
            }
        }
    }
    let open: Vec<&service::phase6::RuleSource> = v.sources.iter().filter(|s| s.written == 0).collect();
    if !open.is_empty() {
        b.push(h1(px(lang, "uncovered")));
        b.push(Block::Table(Table {
            widths: vec![2.0, 5.0],
            header: vec![px(lang, "process"), px(lang, "blueprint_rules")],
            rows: open.iter().map(|s| vec![s.name.clone(), s.rules.clone()]).collect(),
            right: vec![],
        }));
    }
    b
}
