//! The Gantt chart drawn with PDF operations from the same [`Gantt`] model as the SVG:
//! summary bars, tasks with progress, milestones, the critical path, baseline ghost bars,
//! dependency links, a today line and month ticks.
use super::gantt::{Gantt, RowKind};
use crate::i18n::Lang;
use crate::pdf::{ACCENT, Canvas, Chart, INK, MUTED, RULE};
use chrono::{Datelike, Duration};

const ROW: f32 = 13.0;
const HEAD: f32 = 16.0;
const CRITICAL: (u8, u8, u8) = (192, 57, 43);
const GHOST: (u8, u8, u8) = (170, 170, 170);

/// A Gantt drawn in a document, its rows named in the reader's language.
pub struct InLang(pub Gantt, pub Lang);

impl Chart for InLang {
    fn height(&self, _width: f32) -> f32 {
        HEAD + self.0.rows.len() as f32 * ROW + 4.0
    }

    fn draw(&self, c: &mut Canvas, x: f32, y: f32, width: f32) {
        let (g, lang) = (&self.0, self.1);
        let Some((lo, hi)) = g.span() else { return };
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
        let row_y = |i: usize| y + HEAD + i as f32 * ROW;
        for (i, r) in g.rows.iter().enumerate() {
            let ry = row_y(i);
            let bold = r.kind == RowKind::Summary;
            let indent = if bold { 0.0 } else { 8.0 };
            let mut label = r.label.get(lang).to_string();
            while c.width(&label, 7.0, bold) > label_w - indent - 6.0 && label.chars().count() > 2 {
                label.pop();
                label.pop();
                label.push('…');
            }
            c.text(x + indent, ry + 2.5, &label, 7.0, bold, INK);
            if let Some((bs, bf)) = r.baseline {
                let (gx0, gx1) = (sx(bs), sx(bf + Duration::days(1)).max(sx(bs) + 1.5));
                c.rect(gx0, ry + ROW - 2.5, gx1 - gx0, 1.6, Some(GHOST), None);
            }
            let (bx0, bx1) = (sx(r.start), sx(r.finish + Duration::days(1)).max(sx(r.start) + 1.5));
            let fill = if r.critical { CRITICAL } else { ACCENT };
            match r.kind {
                RowKind::Milestone => {
                    let (cx, cy) = (bx0, ry + ROW / 2.0);
                    let ink = if r.critical { CRITICAL } else { INK };
                    c.polygon(&[(cx, cy - 4.5), (cx + 4.5, cy), (cx, cy + 4.5), (cx - 4.5, cy)], ink);
                }
                RowKind::Summary => {
                    c.rect(bx0, ry + 3.5, bx1 - bx0, 5.0, Some(if r.critical { CRITICAL } else { INK }), None);
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
        // Links from the end of the predecessor to the start of the successor.
        for &(a, b) in &g.links {
            let (Some(ra), Some(rb)) = (g.rows.get(a), g.rows.get(b)) else { continue };
            let x1 = sx(ra.finish + Duration::days(1));
            let x2 = sx(rb.start);
            let (y1, y2) = (row_y(a) + ROW / 2.0, row_y(b) + ROW / 2.0);
            let mid = (x1 + 2.0).max(x2 - 3.0);
            let ink = if ra.critical && rb.critical { CRITICAL } else { MUTED };
            c.polyline(&[(x1, y1), (mid, y1), (mid, y2), (x2, y2)], 0.4, ink, None);
        }
        if let Some(t) = g.today.filter(|t| *t >= lo && *t <= hi) {
            let tx = sx(t);
            c.polyline(&[(tx, y + HEAD - 2.0), (tx, bottom)], 0.9, CRITICAL, Some(&[3.0, 2.0]));
        }
    }
}
