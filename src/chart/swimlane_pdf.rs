//! The swimlane diagram drawn with PDF operations from the same steps as the page: one lane
//! per actor (in order of first appearance), one column per step, an arrow from each step to
//! the next, the CRM module under the action. Long processes wrap onto further bands, each
//! with its lanes named again.
use super::swimlane::Lane;
use crate::pdf::text::{ellipsize, wrap};
use crate::pdf::{ACCENT, Canvas, Chart, INK, MUTED, RULE};

/// The to-be steps of one process.
pub struct Swimlane(pub Vec<Lane>);

const LANE_LABEL: f32 = 78.0;
const LANE_H: f32 = 52.0;
const MIN_COL: f32 = 66.0;
const BAND_GAP: f32 = 12.0;

impl Swimlane {
    fn actors(&self) -> Vec<&str> {
        let mut out: Vec<&str> = Vec::new();
        for s in &self.0 {
            if !out.contains(&s.actor.as_str()) {
                out.push(&s.actor);
            }
        }
        out
    }
    fn per_band(&self, width: f32) -> usize {
        (((width - LANE_LABEL) / MIN_COL).floor() as usize).max(1)
    }
    fn bands(&self, width: f32) -> usize {
        self.0.len().div_ceil(self.per_band(width)).max(1)
    }
}

impl Chart for Swimlane {
    fn split(&self, width: f32, first: f32, full: f32) -> Vec<Box<dyn Chart + Send + Sync>> {
        let per = self.per_band(width);
        let band = self.actors().len().max(1) as f32 * LANE_H + BAND_GAP;
        let fit = |h: f32| ((h / band).floor() as usize).max(1);
        let mut parts: Vec<Box<dyn Chart + Send + Sync>> = Vec::new();
        let (mut from, mut room) = (0, fit(first));
        while from < self.0.len() {
            let to = (from + room * per).min(self.0.len());
            parts.push(Box::new(Swimlane(self.0[from..to].to_vec())));
            from = to;
            room = fit(full);
        }
        parts
    }

    fn height(&self, width: f32) -> f32 {
        let band = self.actors().len().max(1) as f32 * LANE_H;
        self.bands(width) as f32 * (band + BAND_GAP)
    }

    fn draw(&self, c: &mut Canvas, x: f32, y: f32, width: f32) {
        let actors = self.actors();
        let per = self.per_band(width);
        let cols = self.0.len().min(per).max(1);
        let col_w = (width - LANE_LABEL) / cols as f32;
        let band_h = actors.len().max(1) as f32 * LANE_H;
        let mut prev: Option<(f32, f32, usize)> = None;
        for (band, steps) in self.0.chunks(per).enumerate() {
            let by = y + band as f32 * (band_h + BAND_GAP);
            for (i, a) in actors.iter().enumerate() {
                let ly = by + i as f32 * LANE_H;
                let fill = if i % 2 == 0 { (246, 248, 251) } else { (255, 255, 255) };
                c.rect(x, ly, width, LANE_H, Some(fill), Some(RULE));
                c.rect(x, ly, LANE_LABEL, LANE_H, Some((232, 238, 244)), Some(RULE));
                let f = |s: &str| c.width(s, 7.5, true);
                for (k, l) in wrap(a, LANE_LABEL - 8.0, &f).iter().take(3).enumerate() {
                    c.text(x + 4.0, ly + 5.0 + k as f32 * 10.0, l, 7.5, true, INK);
                }
            }
            for (k, s) in steps.iter().enumerate() {
                let lane = actors.iter().position(|a| *a == s.actor).unwrap_or(0);
                let bx = x + LANE_LABEL + k as f32 * col_w + 4.0;
                let bw = col_w - 8.0;
                let top = by + lane as f32 * LANE_H + 4.0;
                let bh = LANE_H - 8.0;
                c.rect(bx, top, bw, bh, Some((255, 255, 255)), Some(ACCENT));
                let f = |t: &str| c.width(t, 6.5, false);
                // The action on up to three lines, cut with an ellipsis when longer.
                let all = wrap(&s.action, bw - 6.0, &f);
                let mut lines: Vec<String> = all.iter().take(3).cloned().collect();
                if all.len() > 3
                    && let Some(last) = lines.last_mut()
                {
                    *last = ellipsize(&format!("{last}…"), bw - 6.0, &f);
                }
                for (n, l) in lines.iter().enumerate() {
                    c.text(bx + 3.0, top + 3.0 + n as f32 * 8.5, l, 6.5, false, INK);
                }
                if !s.system.is_empty() {
                    let sys = ellipsize(&s.system, bw - 6.0, &|t: &str| c.width(t, 5.8, false));
                    c.text(bx + 3.0, top + bh - 9.0, &sys, 5.8, false, MUTED);
                }
                let here = (bx, top + bh / 2.0, band);
                if let Some((px, py, pband)) = prev
                    && pband == band
                {
                    let (x1, x2) = (px + bw, bx);
                    let mid = (x1 + x2) / 2.0;
                    c.polyline(&[(x1, py), (mid, py), (mid, here.1), (x2, here.1)], 0.7, MUTED, None);
                    c.polygon(&[(x2, here.1), (x2 - 3.5, here.1 - 2.0), (x2 - 3.5, here.1 + 2.0)], MUTED);
                }
                prev = Some(here);
            }
        }
    }
}
