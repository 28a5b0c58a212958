//! Conference-room pilot scripts and results (phase 6): the pilot, UAT and regression
//! cycles — their cases are the scripts, their runs the results — with exit criteria and
//! defects, laid out as the prototype test report lays out its cycles; then each cycle's
//! script (who does what, and what should come out) for the functional groups to follow.
use super::*;
use crate::service::testing::CycleView;

pub(super) fn blocks(f: &Facts, lang: Lang) -> Vec<Block> {
    let mine: Vec<&CycleView> = f.cycles.iter().filter(|c| c.exit.phase_key == "pilot").collect();
    let mut b = super::prototype_test::cycles_blocks(&mine, lang, &f.testing.charts);
    let tx = |k: &str| i18n::t(lang, &format!("testing.{k}"));
    for v in &mine {
        b.push(h1(format!("{}: {}", i18n::t(lang, "phase6.scripts"), v.exit.cycle.name)));
        b.push(Block::Table(Table {
            widths: vec![0.9, 1.4, 3.2, 2.6],
            header: vec![tx("code"), tx("actor"), tx("action"), tx("expected")],
            rows: v
                .cases
                .iter()
                .map(|c| {
                    vec![c.case.code.clone(), c.case.actor.clone(), c.case.action.clone(), c.case.expected.clone()]
                })
                .collect(),
            right: vec![],
        }));
    }
    b
}
