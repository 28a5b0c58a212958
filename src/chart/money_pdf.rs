//! Business-case charts drawn with PDF operations from the same models as `money_svg`:
//! cumulative cash flow by year (with the payback point) and horizontal cost bars.
use super::money::{BarChart, CashFlowChart, compact};
use crate::pdf::{ACCENT, Canvas, Chart, INK, MUTED, RULE};

const RED: (u8, u8, u8) = (192, 57, 43);
const GREEN: (u8, u8, u8) = (46, 139, 87);

impl Chart for CashFlowChart {
    fn height(&self, _width: f32) -> f32 {
        200.0
    }

    fn draw(&self, c: &mut Canvas, x: f32, y: f32, width: f32) {
        c.text(x, y, &self.title, 9.5, true, INK);
        let n = self.cumulative.len().max(1);
        let lo = self.cumulative.iter().copied().min().unwrap_or(0).min(0) as f64;
        let hi = self.cumulative.iter().copied().max().unwrap_or(0).max(0) as f64;
        let span = (hi - lo).max(1.0);
        let (px0, px1, py0, py1) = (x + 56.0, x + width, y + 20.0, y + 176.0);
        let sy = |v: f64| py1 - ((v - lo) / span) as f32 * (py1 - py0);
        let zero = sy(0.0);
        for v in [lo, 0.0, hi] {
            c.text_right(px0 - 4.0, sy(v) - 3.5, &compact(v as i64, &self.currency), 7.0, false, MUTED);
        }
        let slot = (px1 - px0) / n as f32;
        for (i, (v, label)) in self.cumulative.iter().zip(&self.labels).enumerate() {
            let bx = px0 + i as f32 * slot + slot * 0.15;
            let (top, bottom) = (sy(*v as f64).min(zero), sy(*v as f64).max(zero));
            c.rect(bx, top, slot * 0.7, (bottom - top).max(0.5), Some(if *v < 0 { RED } else { GREEN }), None);
            c.text_center(bx + slot * 0.35, py1 + 6.0, label, 6.5, false, MUTED);
        }
        c.line(px0, zero, px1, zero, 0.8, INK);
        if let Some((years, caption)) = &self.payback {
            // Year t ends at slot t's right edge; the payback point sits `years` from the start.
            let px = px0 + (*years as f32 + 1.0) * slot - slot * 0.15;
            if px <= px1 {
                c.polyline(&[(px, py0), (px, py1)], 0.9, ACCENT, Some(&[3.0, 2.0]));
                let w = c.width(caption, 7.5, true);
                let tx = (px + 4.0).min(px1 - w);
                c.text(tx, py0 - 2.0, caption, 7.5, true, ACCENT);
            }
        }
        c.line(px0, py0, px0, py1, 0.4, RULE);
    }
}

impl Chart for BarChart {
    fn height(&self, _width: f32) -> f32 {
        22.0 + self.bars.len() as f32 * 16.0
    }

    fn draw(&self, c: &mut Canvas, x: f32, y: f32, width: f32) {
        c.text(x, y, &self.title, 9.5, true, INK);
        let max = self.bars.iter().map(|b| b.1.abs()).max().unwrap_or(1).max(1) as f32;
        let label_w = width * 0.3;
        let bar_w = width - label_w - 70.0;
        for (i, (label, v)) in self.bars.iter().enumerate() {
            let by = y + 20.0 + i as f32 * 16.0;
            c.text(x, by + 1.5, label, 8.0, false, INK);
            let w = v.abs() as f32 / max * bar_w;
            c.rect(x + label_w, by, w.max(0.5), 11.0, Some(ACCENT), None);
            c.text(x + label_w + w + 4.0, by + 1.5, &compact(*v, &self.currency), 7.5, false, MUTED);
        }
    }
}
