//! Business-case charts drawn with PDF operations from the same models as `money_svg`:
//! cumulative cash flow by year (with the payback point) and horizontal cost bars.
use super::money::{BarChart, CashFlowChart, compact_in};
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
            c.text_right(px0 - 4.0, sy(v) - 3.5, &compact_in(v as i64, &self.currency, self.wan), 7.0, false, MUTED);
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
            c.text(x + label_w + w + 4.0, by + 1.5, &compact_in(*v, &self.currency, self.wan), 7.5, false, MUTED);
        }
    }
}

impl Chart for super::money::Tornado {
    fn height(&self, _width: f32) -> f32 {
        30.0 + self.rows.len().max(1) as f32 * 16.0
    }

    fn draw(&self, c: &mut Canvas, x: f32, y: f32, width: f32) {
        c.text(x, y, &self.title, 9.5, true, INK);
        let label_w = width * 0.3;
        let (px0, px1) = (x + label_w + 52.0, x + width - 52.0);
        let lo = self.rows.iter().flat_map(|r| [r.1, r.2]).chain([self.base]).min().unwrap_or(0) as f64;
        let hi = self.rows.iter().flat_map(|r| [r.1, r.2]).chain([self.base]).max().unwrap_or(0) as f64;
        let span = (hi - lo).max(1.0);
        let sx = |v: i64| px0 + ((v as f64 - lo) / span) as f32 * (px1 - px0);
        let bx = sx(self.base);
        let top = y + 28.0;
        let base = format!("{} {}", self.base_label, compact_in(self.base, &self.currency, self.wan));
        c.text_center(bx, y + 14.0, &base, 7.5, false, INK);
        let f = |s: &str| c.width(s, 8.0, false);
        let labels: Vec<String> =
            self.rows.iter().map(|r| crate::pdf::text::ellipsize(&r.0, label_w - 6.0, &f)).collect();
        for (i, ((_, minus, plus), label)) in self.rows.iter().zip(labels).enumerate() {
            let ry = top + i as f32 * 16.0;
            c.text(x, ry + 1.5, &label, 8.0, false, INK);
            let (a, b) = ((*minus).min(*plus), (*minus).max(*plus));
            let (xa, xb) = (sx(a), sx(b));
            if bx > xa {
                c.rect(xa, ry, bx - xa, 11.0, Some(RED), None);
            }
            if xb > bx {
                c.rect(bx, ry, xb - bx, 11.0, Some(GREEN), None);
            }
            c.text_right(xa - 3.0, ry + 2.0, &compact_in(a, &self.currency, self.wan), 7.0, false, MUTED);
            c.text(xb + 3.0, ry + 2.0, &compact_in(b, &self.currency, self.wan), 7.0, false, MUTED);
        }
        c.line(bx, top - 4.0, bx, top + self.rows.len() as f32 * 16.0, 0.8, INK);
    }
}
