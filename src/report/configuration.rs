//! The configuration record (phase 5): per CRM module, each setting with the blueprint step
//! and feature it serves, its owner and status; then the gap list. From the view the
//! Configuration tab shows.
use super::*;

pub(super) fn cx(lang: Lang, key: &str) -> String {
    i18n::t(lang, &format!("config.{key}"))
}

pub(super) fn blocks(f: &Facts, lang: Lang) -> Vec<Block> {
    let v = &f.configuration;
    let mut b = vec![h1(cx(lang, "record")), Block::Para(cx(lang, "intro"))];
    for m in &v.modules {
        b.push(h2(format!(
            "{} — {} {}, {} {}, {} {}",
            i18n::t(lang, &format!("module.{}", m.module_key)),
            cx(lang, "status.planned"),
            m.planned,
            cx(lang, "status.configured"),
            m.configured,
            cx(lang, "status.verified"),
            m.verified
        )));
        if m.items.is_empty() {
            b.push(Block::Note(cx(lang, "no_items")));
            continue;
        }
        b.push(Block::Table(Table {
            widths: vec![1.8, 2.4, 1.8, 1.4, 1.0, 1.4],
            header: vec![
                cx(lang, "setting"),
                cx(lang, "value"),
                cx(lang, "step"),
                i18n::t(lang, "testing.feature"),
                i18n::t(lang, "field.owner"),
                i18n::t(lang, "field.status"),
            ],
            rows: m
                .items
                .iter()
                .map(|r| {
                    let i = &r.item;
                    let status = match (&r.verified_by_name, i.verified_on) {
                        (Some(n), Some(d)) if i.status == "verified" => {
                            format!("{} ({n}, {d})", cx(lang, &format!("status.{}", i.status)))
                        }
                        _ => cx(lang, &format!("status.{}", i.status)),
                    };
                    vec![
                        i.setting.clone(),
                        i.value.clone(),
                        r.step
                            .as_ref()
                            .map_or("–".into(), |s| format!("{} · {} {}", s.blueprint, s.step_no, s.action)),
                        i.feature.clone(),
                        i.owner.clone(),
                        status,
                    ]
                })
                .collect(),
            right: vec![],
        }));
    }
    b.push(h1(format!("{} ({})", cx(lang, "gaps"), v.gaps.len())));
    b.push(Block::Para(cx(lang, "gaps_help")));
    if v.gaps.is_empty() {
        b.push(Block::Note(cx(lang, "no_gaps")));
    } else {
        b.push(Block::Bullets(
            v.gaps
                .iter()
                .map(|g| format!("{} · {} {}: {} — {}", g.blueprint, g.step_no, g.actor, g.action, g.feature))
                .collect(),
        ));
    }
    b
}
