//! The counts-over-time chart drawn with PDF operations from the same [`SeriesChart`] model
//! as the SVG: title, legend under it, round ticks, step lines.
use super::series::SeriesChart;
use super::svg::short;
use crate::pdf::{Canvas, Chart, INK, MUTED, RULE};

impl Chart for SeriesChart {
    fn height(&self, width: f32) -> f32 {
        (width * 0.34).min(170.0) + 14.0
    }

    fn draw(&self, c: &mut Canvas, x: f32, y: f32, width: f32) {
        let h = self.height(width);
        c.text(x, y, &self.title, 9.5, true, INK);
        let mut lx = x + 44.0;
        for s in &self.series {
            let my = y + 18.0;
            let dash = s.dashed.then_some(&[3.0f32, 2.0][..]);
            c.polyline(&[(lx, my), (lx + 16.0, my)], 1.4, s.rgb(), dash);
            c.text(lx + 20.0, my - 4.0, &s.label, 7.0, false, INK);
            lx += 20.0 + crate::pdf::fonts().width(&s.label, 7.0, false) + 12.0;
        }
        let (px0, px1, py0, py1) = (x + 44.0, x + width - 8.0, y + 30.0, y + h - 14.0);
        let Some((d0, d1, hi)) = self.bounds() else {
            c.text_center((px0 + px1) / 2.0, (py0 + py1) / 2.0, &self.empty, 8.0, false, MUTED);
            return;
        };
        let span = (d1 - d0).num_days().max(1) as f32;
        let sx = |d: chrono::NaiveDate| px0 + (d - d0).num_days() as f32 / span * (px1 - px0);
        let sy = |v: f64| py1 - (v / hi) as f32 * (py1 - py0);
        for t in SeriesChart::ticks(hi) {
            let ty = sy(t);
            c.line(px0, ty, px1, ty, 0.3, RULE);
            c.text_right(px0 - 4.0, ty - 3.5, &short(t), 7.0, false, MUTED);
        }
        c.line(px0, py1, px1, py1, 0.6, MUTED);
        c.text(px0, py1 + 3.0, &d0.to_string(), 7.0, false, MUTED);
        c.text_right(px1, py1 + 3.0, &d1.to_string(), 7.0, false, MUTED);
        for s in &self.series {
            let pts = self.path(s, sx, sy);
            let dash = s.dashed.then_some(&[3.0f32, 2.0][..]);
            c.polyline(&pts, 1.2, s.rgb(), dash);
        }
    }
}
