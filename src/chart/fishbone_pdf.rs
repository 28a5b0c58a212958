//! The fishbone drawn with PDF operations from the same [`Fishbone`] model as the page: the
//! effect at the head on the right, up to three bones above and three below the spine,
//! each cause a rib whose dot grows with its weight.
use super::fishbone::{Bone, Fishbone};
use crate::pdf::text::{ellipsize, wrap};
use crate::pdf::{ACCENT, Canvas, Chart, INK, MUTED};

/// A rib's height: two lines of its cause.
const RIB: f32 = 17.0;
const LABEL: f32 = 14.0;
const HEAD_W: f32 = 96.0;
const CAUSE: (u8, u8, u8) = (192, 57, 43);
/// Causes drawn per bone (the heaviest first in the model's order); the table lists all.
const MAX_RIBS: usize = 8;

impl Fishbone {
    fn halves(&self) -> (&[Bone], &[Bone]) {
        let n = self.bones.len().min(6);
        let up = n.div_ceil(2).min(3);
        (&self.bones[..up], &self.bones[up..n])
    }
}

fn half_h(bones: &[Bone]) -> f32 {
    LABEL + bones.iter().map(|b| b.ribs.len().min(MAX_RIBS)).max().unwrap_or(0).max(1) as f32 * RIB + 8.0
}

impl Chart for Fishbone {
    fn height(&self, _width: f32) -> f32 {
        let (up, down) = self.halves();
        half_h(up) + half_h(down) + 4.0
    }

    fn draw(&self, c: &mut Canvas, x: f32, y: f32, width: f32) {
        let (up, down) = self.halves();
        let spine_y = y + half_h(up);
        let spine_end = x + width - HEAD_W;
        c.line(x, spine_y, spine_end, spine_y, 1.6, INK);
        // The head: the effect, wrapped into a box.
        let f = |s: &str| c.width(s, 8.0, true);
        let lines: Vec<String> = wrap(&self.effect, HEAD_W - 12.0, &f).into_iter().take(5).collect();
        let hh = lines.len().max(1) as f32 * 10.5 + 10.0;
        c.rect(spine_end, spine_y - hh / 2.0, HEAD_W, hh, Some((251, 229, 226)), Some(CAUSE));
        for (i, l) in lines.iter().enumerate() {
            c.text(spine_end + 6.0, spine_y - hh / 2.0 + 5.0 + i as f32 * 10.5, l, 8.0, true, INK);
        }
        let col_w = (spine_end - x) / 3.0;
        for (above, bones) in [(true, up), (false, down)] {
            let h = half_h(bones);
            for (k, b) in bones.iter().enumerate() {
                let cx = x + k as f32 * col_w;
                // The bone runs from its label, away from the spine, to the spine.
                let (far, near) = if above { (y + LABEL, spine_y) } else { (spine_y + h - 8.0, spine_y) };
                // A steep bone leaves the width of the column to its causes.
                let (bx0, bx1) = (cx + col_w * 0.04, cx + col_w * 0.24);
                c.line(bx0, far, bx1, near, 1.0, ACCENT);
                let label_y = if above { y } else { spine_y + h - 8.0 + 2.0 };
                let fl = |s: &str| c.width(s, 8.0, true);
                let label = ellipsize(&b.label, col_w - 6.0, &fl);
                c.text(cx + 2.0, label_y, &label, 8.0, true, ACCENT);
                let bone_x = |ry: f32| bx0 + (bx1 - bx0) * ((ry - far) / (near - far)).clamp(0.0, 1.0);
                for (i, r) in b.ribs.iter().take(MAX_RIBS).enumerate() {
                    let ry = if above { y + LABEL + 6.0 + i as f32 * RIB } else { spine_y + 8.0 + i as f32 * RIB };
                    let at = bone_x(ry + 4.0);
                    c.line(at, ry + 4.0, at + 8.0, ry + 4.0, 0.5, MUTED);
                    let d = 1.5 + r.weight.clamp(1, 5) as f32 * 0.6;
                    c.rect(at + 9.0, ry + 4.0 - d / 2.0, d, d, Some(CAUSE), None);
                    // The cause on up to two lines, cut with an ellipsis when longer.
                    let fr = |s: &str| c.width(s, 6.8, false);
                    let room = cx + col_w - (at + 14.0) - 4.0;
                    let all = wrap(&r.text, room, &fr);
                    let mut lines: Vec<String> = all.iter().take(2).cloned().collect();
                    if all.len() > 2
                        && let Some(last) = lines.last_mut()
                    {
                        *last = ellipsize(&format!("{last}…"), room, &fr);
                    }
                    let top = if lines.len() > 1 { ry - 2.0 } else { ry };
                    for (n, l) in lines.iter().enumerate() {
                        c.text(at + 14.0, top + n as f32 * 8.0, l, 6.8, false, INK);
                    }
                }
            }
        }
    }
}
