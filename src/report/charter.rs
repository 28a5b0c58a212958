//! The project charter: scope, modules, objectives, organisation and phases.
use super::*;

pub(super) fn blocks(f: &Facts, lang: Lang) -> Vec<Block> {
    let p = &f.project;
    let first = f.phases.first().map(|ph| ph.planned_start);
    let last = f.phases.last().map(|ph| ph.planned_finish);
    let mut b = vec![
        h1(t(lang, "charter.scope")),
        Block::Para(
            t(lang, "charter.scope_text")
                .replace("{client}", &p.client_name)
                .replace("{project}", &p.name)
                .replace("{start}", &date(first))
                .replace("{finish}", &date(last))
                .replace("{phases}", &f.phases.len().to_string()),
        ),
        Block::Fields(vec![
            (t(lang, "cover.client"), p.client_name.clone()),
            (t(lang, "charter.industry"), i18n::t(lang, &format!("industry.{}", p.industry))),
            (t(lang, "col.start"), date(first)),
            (t(lang, "col.finish"), date(last)),
            (t(lang, "charter.currency"), p.currency.clone()),
        ]),
        h2(t(lang, "charter.modules")),
        Block::Bullets(modules(f, lang)),
        h1(t(lang, "charter.objectives")),
        Block::Para(t(lang, "charter.objectives_text")),
    ];
    b.push(Block::Bullets(
        f.targets
            .iter()
            .map(|v| {
                let tg = &v.target;
                format!(
                    "{}: {} {} → {} {} ({})",
                    tg.name,
                    num(tg.baseline_value),
                    tg.unit,
                    num(tg.target_value),
                    tg.unit,
                    date(tg.target_date)
                )
            })
            .collect(),
    ));
    b.push(h1(t(lang, "charter.organisation")));
    b.push(Block::Para(t(lang, "charter.organisation_text")));
    b.push(Block::Table(tiers_table(f, lang)));
    b.push(h1(t(lang, "charter.phases")));
    b.push(Block::Table(phase_table(f, lang)));
    b
}
