//! Conference-room pilot scripts and results (phase 6): the pilot, UAT and regression
//! cycles — their cases are the scripts, their runs the results — with exit criteria and
//! defects, laid out as the prototype test report lays out its cycles.
use super::*;
use crate::service::testing::CycleView;

pub(super) fn blocks(f: &Facts, lang: Lang) -> Vec<Block> {
    let mine: Vec<&CycleView> = f.cycles.iter().filter(|c| c.exit.phase_key == "pilot").collect();
    super::prototype_test::cycles_blocks(&mine, lang)
}
