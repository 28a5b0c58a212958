//! The target trend chart drawn with PDF operations from the same [`LineChart`] model as the
//! SVG: measured line with points, dashed forecast, baseline and target levels, target date,
//! and a legend under the plot naming each line.
use super::line::{LineChart, Style};
use super::svg::{nice_ticks, short_in};
use crate::pdf::{ACCENT, Canvas, Chart, INK, MUTED, RULE};

fn color(s: Style) -> (u8, u8, u8) {
    match s {
        Style::Measured => ACCENT,
        Style::Forecast => (214, 125, 30),
        Style::Baseline => MUTED,
        Style::Target => (46, 139, 87),
    }
}

/// The legend's row height.
const LEGEND_ROW: f32 = 10.0;

/// Each legend item's width: the sample, the label, a gap.
fn item_width(label: &str) -> f32 {
    22.0 + crate::pdf::fonts().width(label, 7.0, false) + 14.0
}

/// The rows the legend takes in a box `width` wide (items wrap as `legend` lays them out).
fn legend_rows(ch: &LineChart, width: f32) -> usize {
    if ch.legend.is_empty() {
        return 0;
    }
    let (mut rows, mut lx) = (1, 44.0);
    for (_, label) in &ch.legend {
        let w = item_width(label);
        if lx + w > width && lx > 44.0 {
            rows += 1;
            lx = 44.0;
        }
        lx += w;
    }
    rows
}

fn plot_height(width: f32) -> f32 {
    (width * 0.36).min(190.0)
}

/// One sample of each line the chart draws, with its meaning; items that do not fit the
/// width go on the next row (the chart's height counts the rows).
fn legend(ch: &LineChart, c: &mut Canvas, x: f32, y: f32, width: f32) {
    let mut lx = x + 44.0;
    let mut ly = y;
    for (style, label) in &ch.legend {
        let w = item_width(label);
        if lx + w > x + width && lx > x + 44.0 {
            lx = x + 44.0;
            ly += LEGEND_ROW;
        }
        let my = ly + 4.0;
        match style {
            Some(Style::Measured) => {
                c.polyline(&[(lx, my), (lx + 16.0, my)], 1.4, ACCENT, None);
                c.rect(lx + 6.4, my - 1.6, 3.2, 3.2, Some(ACCENT), None);
            }
            Some(Style::Forecast) => {
                c.polyline(&[(lx, my), (lx + 16.0, my)], 1.4, color(Style::Forecast), Some(&[3.0, 2.0]))
            }
            Some(s) => c.polyline(&[(lx, my), (lx + 16.0, my)], 0.8, color(*s), Some(&[4.0, 3.0])),
            None => c.polyline(&[(lx + 8.0, my - 5.0), (lx + 8.0, my + 5.0)], 0.6, MUTED, Some(&[2.0, 2.0])),
        }
        c.text(lx + 22.0, ly, label, 7.0, false, INK);
        lx += w;
    }
}

impl Chart for LineChart {
    fn height(&self, width: f32) -> f32 {
        plot_height(width)
            + legend_rows(self, width) as f32 * LEGEND_ROW
            + if self.legend.is_empty() { 0.0 } else { 6.0 }
    }

    fn draw(&self, c: &mut Canvas, x: f32, y: f32, width: f32) {
        let h = plot_height(width);
        legend(self, c, x, y + h + 4.0, width);
        c.text(x, y, &self.title, 9.5, true, INK);
        let Some((d0, d1, lo, hi)) = self.bounds() else { return };
        // The marked date's label sits above the plot, under the title (never on it).
        let top = if self.title.is_empty() {
            12.0
        } else if self.marker.is_some() {
            27.0
        } else {
            18.0
        };
        let (px0, px1, py0, py1) = (x + 44.0, x + width - 90.0, y + top, y + h - 18.0);
        let span = (d1 - d0).num_days().max(1) as f32;
        let sx = |d: chrono::NaiveDate| px0 + (d - d0).num_days() as f32 / span * (px1 - px0);
        let sy = |v: f64| py1 - ((v - lo) / (hi - lo).max(1e-9)) as f32 * (py1 - py0);
        for t in nice_ticks(lo, hi, 4) {
            if t < lo || t > hi {
                continue;
            }
            let ty = sy(t);
            c.line(px0, ty, px1, ty, 0.3, RULE);
            c.text_right(px0 - 4.0, ty - 3.5, &short_in(t, self.wan), 7.0, false, MUTED);
        }
        c.line(px0, py1, px1, py1, 0.6, MUTED);
        c.text(px0, py1 + 4.0, &d0.to_string(), 7.0, false, MUTED);
        c.text_right(px1, py1 + 4.0, &d1.to_string(), 7.0, false, MUTED);
        for l in &self.levels {
            let ly = sy(l.value);
            c.polyline(&[(px0, ly), (px1, ly)], 0.8, color(l.style), Some(&[4.0, 3.0]));
            c.text(px1 + 4.0, ly - 4.0, &l.label, 7.0, false, color(l.style));
        }
        if let Some((d, label)) = &self.marker {
            let mx = sx(*d);
            c.polyline(&[(mx, py0), (mx, py1)], 0.6, MUTED, Some(&[2.0, 2.0]));
            c.text_center(mx, py0 - 10.0, label, 7.0, false, MUTED);
        }
        for s in &self.series {
            let pts: Vec<(f32, f32)> = s.points.iter().map(|&(d, v)| (sx(d), sy(v))).collect();
            // Dashed as the legend shows them (a plan line is a baseline, earned value a target).
            let dash = match s.style {
                Style::Forecast => Some(&[3.0f32, 2.0][..]),
                Style::Baseline | Style::Target => Some(&[4.0f32, 3.0][..]),
                Style::Measured => None,
            };
            c.polyline(&pts, 1.4, color(s.style), dash);
            if s.style == Style::Measured {
                for (px, py) in pts {
                    c.rect(px - 1.6, py - 1.6, 3.2, 3.2, Some(color(s.style)), None);
                }
            }
        }
    }
}
