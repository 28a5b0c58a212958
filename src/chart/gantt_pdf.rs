//! The Gantt chart drawn with PDF operations from the same [`Gantt`] model as the SVG:
//! summary bars, tasks with progress, milestones, a today line and month/week ticks.
use super::gantt::{Gantt, RowKind};
use crate::pdf::{ACCENT, Canvas, Chart, INK, MUTED, RULE};
use chrono::{Datelike, Duration};

const ROW: f32 = 13.0;
const HEAD: f32 = 16.0;

impl Chart for Gantt {
    fn height(&self, _width: f32) -> f32 {
        HEAD + self.rows.len() as f32 * ROW + 4.0
    }

    fn draw(&self, c: &mut Canvas, x: f32, y: f32, width: f32) {
        let Some((lo, hi)) = self.span() else { return };
        let label_w = width * 0.34;
        let (px0, px1) = (x + label_w, x + width);
        let span = (hi - lo).num_days().max(1) as f32;
        let sx = |d: chrono::NaiveDate| px0 + (d - lo).num_days() as f32 / span * (px1 - px0);
        let bottom = y + self.height(width) - 4.0;
        // Month ticks.
        let mut d = lo.with_day(1).unwrap_or(lo);
        while d <= hi {
            if d >= lo {
                let tx = sx(d);
                c.line(tx, y + HEAD - 2.0, tx, bottom, 0.3, RULE);
                if tx + 24.0 < px1 {
                    c.text(tx + 2.0, y + 3.0, &format!("{}-{:02}", d.year() % 100, d.month()), 6.5, false, MUTED);
                }
            }
            d = if d.month() == 12 {
                chrono::NaiveDate::from_ymd_opt(d.year() + 1, 1, 1).unwrap_or(hi + Duration::days(1))
            } else {
                chrono::NaiveDate::from_ymd_opt(d.year(), d.month() + 1, 1).unwrap_or(hi + Duration::days(1))
            };
        }
        c.line(x, y + HEAD - 2.0, px1, y + HEAD - 2.0, 0.6, MUTED);
        for (i, r) in self.rows.iter().enumerate() {
            let ry = y + HEAD + i as f32 * ROW;
            let bold = r.kind == RowKind::Summary;
            let indent = if bold { 0.0 } else { 8.0 };
            let mut label = r.label.clone();
            while c.width(&label, 7.0, bold) > label_w - indent - 6.0 && label.chars().count() > 2 {
                label.pop();
                label.pop();
                label.push('…');
            }
            c.text(x + indent, ry + 2.5, &label, 7.0, bold, INK);
            let (bx0, bx1) = (sx(r.start), sx(r.finish + Duration::days(1)).max(sx(r.start) + 1.5));
            let fill = if r.critical { (192, 57, 43) } else { ACCENT };
            match r.kind {
                RowKind::Milestone => {
                    let (cx, cy) = (bx0, ry + ROW / 2.0);
                    c.polygon(&[(cx, cy - 4.5), (cx + 4.5, cy), (cx, cy + 4.5), (cx - 4.5, cy)], INK);
                }
                RowKind::Summary => {
                    c.rect(bx0, ry + 3.5, bx1 - bx0, 5.0, Some(INK), None);
                }
                RowKind::Task => {
                    c.rect(bx0, ry + 2.5, bx1 - bx0, 8.0, Some((200, 214, 229)), None);
                    let pw = (bx1 - bx0) * (r.progress.clamp(0.0, 100.0) / 100.0) as f32;
                    if pw > 0.0 {
                        c.rect(bx0, ry + 2.5, pw, 8.0, Some(fill), None);
                    }
                }
            }
        }
        if let Some(t) = self.today.filter(|t| *t >= lo && *t <= hi) {
            let tx = sx(t);
            c.polyline(&[(tx, y + HEAD - 2.0), (tx, bottom)], 0.9, (192, 57, 43), Some(&[3.0, 2.0]));
        }
    }
}
