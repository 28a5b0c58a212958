//! The organisation chart drawn with PDF operations from the same [`OrgChart`] model as the
//! page: the steering committee above the project team, the functional groups below in
//! rows of three, each box listing its people with role and time allocation; consultants
//! marked, boxes a finding points at drawn with a warning border; a legend.
use super::org::{Node, OrgChart};
use crate::pdf::text::ellipsize;
use crate::pdf::{ACCENT, Canvas, Chart, INK, MUTED, RULE};

const LINE: f32 = 11.0;
const HEAD: f32 = 16.0;
const GAP: f32 = 18.0;
const COLS: usize = 3;
const CONSULTANT: (u8, u8, u8) = (46, 139, 87);
const WARN: (u8, u8, u8) = (192, 57, 43);
/// People listed per box; the rest are counted ("+ n more"): the tiers table lists everyone.
const MAX_ENTRIES: usize = 12;

fn shown(n: &Node) -> usize {
    if n.entries.len() > MAX_ENTRIES { MAX_ENTRIES } else { n.entries.len() }
}

fn box_h(n: &Node) -> f32 {
    let more = if n.entries.len() > MAX_ENTRIES { 1 } else { 0 };
    HEAD + (shown(n) + more).max(1) as f32 * LINE + 6.0
}

fn draw_box(c: &mut Canvas, n: &Node, x: f32, y: f32, w: f32, h: f32) {
    c.rect(x, y, w, h, Some((248, 250, 252)), Some(if n.flagged { WARN } else { RULE }));
    if n.flagged {
        c.rect(x, y, w, 2.0, Some(WARN), None);
    }
    c.rect(x, y, w, HEAD, Some((232, 238, 244)), None);
    let f = |s: &str| c.width(s, 8.5, true);
    let title = ellipsize(&n.title, w - 8.0, &f);
    c.text(x + 4.0, y + 3.5, &title, 8.5, true, ACCENT);
    if n.entries.len() > MAX_ENTRIES {
        let ey = y + HEAD + 3.0 + MAX_ENTRIES as f32 * LINE;
        c.text(x + 11.0, ey, &format!("+ {}", n.entries.len() - MAX_ENTRIES), 7.0, false, MUTED);
    }
    for (i, e) in n.entries.iter().take(MAX_ENTRIES).enumerate() {
        let ey = y + HEAD + 3.0 + i as f32 * LINE;
        let mut tx = x + 4.0;
        if e.consultant {
            c.rect(tx, ey + 2.0, 4.0, 4.0, Some(CONSULTANT), None);
        }
        tx += 7.0;
        let alloc = format!("{}%", e.allocation);
        let aw = c.width(&alloc, 7.0, false);
        c.text_right(x + w - 4.0, ey, &alloc, 7.0, false, MUTED);
        let f = |s: &str| c.width(s, 7.0, false);
        let who = if e.role.is_empty() { e.name.clone() } else { format!("{} · {}", e.name, e.role) };
        let who = ellipsize(&who, x + w - 8.0 - aw - tx, &f);
        c.text(tx, ey, &who, 7.0, false, INK);
    }
}

impl OrgChart {
    fn rows(&self) -> Vec<&[Node]> {
        self.groups.chunks(COLS).collect()
    }
}

impl Chart for OrgChart {
    fn height(&self, _width: f32) -> f32 {
        let groups: f32 = self.rows().iter().map(|r| r.iter().map(box_h).fold(0.0, f32::max) + GAP).sum::<f32>();
        box_h(&self.steering) + GAP + box_h(&self.team) + GAP + groups + 14.0
    }

    fn draw(&self, c: &mut Canvas, x: f32, y: f32, width: f32) {
        let tier_w = width * 0.6;
        let cx = x + width / 2.0;
        let sh = box_h(&self.steering);
        draw_box(c, &self.steering, cx - tier_w / 2.0, y, tier_w, sh);
        let ty = y + sh + GAP;
        c.line(cx, y + sh, cx, ty, 0.8, MUTED);
        let th = box_h(&self.team);
        draw_box(c, &self.team, cx - tier_w / 2.0, ty, tier_w, th);
        let mut gy = ty + th + GAP;
        let gw = (width - (COLS as f32 - 1.0) * 10.0) / COLS as f32;
        if !self.groups.is_empty() {
            // A bus from the team to every group.
            let bus = gy - GAP / 2.0;
            c.line(cx, ty + th, cx, bus, 0.8, MUTED);
            let n = self.groups.len().min(COLS) as f32;
            c.line(x + gw / 2.0, bus, x + (n - 1.0) * (gw + 10.0) + gw / 2.0, bus, 0.8, MUTED);
        }
        // Rows after the first hang from a trunk in the gap after the first column, down
        // from the first bus (never from the group above them).
        let trunk = x + gw + 5.0;
        let first_bus = gy - GAP / 2.0;
        for (r, row) in self.rows().into_iter().enumerate() {
            let rh = row.iter().map(box_h).fold(0.0, f32::max);
            if r > 0 {
                let bus = gy - GAP / 2.0;
                c.line(trunk, first_bus, trunk, bus, 0.8, MUTED);
                let last = x + (row.len() as f32 - 1.0) * (gw + 10.0) + gw / 2.0;
                c.line((x + gw / 2.0).min(trunk), bus, last.max(trunk), bus, 0.8, MUTED);
            }
            for (i, g) in row.iter().enumerate() {
                let gx = x + i as f32 * (gw + 10.0);
                c.line(gx + gw / 2.0, gy - GAP / 2.0, gx + gw / 2.0, gy, 0.8, MUTED);
                draw_box(c, g, gx, gy, gw, rh);
            }
            gy += rh + GAP;
        }
        // Legend.
        let ly = gy - GAP + 6.0;
        c.rect(x, ly + 2.0, 4.0, 4.0, Some(CONSULTANT), None);
        c.text(x + 8.0, ly, &self.legend.0, 7.0, false, MUTED);
        let lx = x + 16.0 + c.width(&self.legend.0, 7.0, false);
        c.rect(lx, ly + 1.0, 10.0, 6.0, None, Some(WARN));
        c.text(lx + 14.0, ly, &self.legend.1, 7.0, false, MUTED);
    }
}
