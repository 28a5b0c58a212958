//! The Gantt chart drawn with PDF operations from the same [`Gantt`] model as the SVG:
//! summary bars, tasks with progress, milestones, the critical path, baseline ghost bars,
//! dependency links, a today line, month ticks and a legend. A Gantt taller than a page
//! splits into parts on one time scale, each with the dates, the task names and the legend.
use super::gantt::{Gantt, RowKind};
use crate::i18n::Lang;
use crate::pdf::{ACCENT, Canvas, Chart, INK, MUTED, RULE};
use chrono::{Datelike, Duration};
use std::sync::Arc;

const ROW: f32 = 13.0;
const HEAD: f32 = 16.0;
const CRITICAL: (u8, u8, u8) = (192, 57, 43);
const GHOST: (u8, u8, u8) = (170, 170, 170);

/// A Gantt drawn in a document, its rows named in the reader's language.
pub struct InLang(pub Gantt, pub Lang);

const LEGEND: f32 = 16.0;

fn height(rows: usize) -> f32 {
    HEAD + rows as f32 * ROW + 4.0 + LEGEND
}

impl Chart for InLang {
    fn height(&self, _width: f32) -> f32 {
        height(self.0.rows.len())
    }

    fn draw(&self, c: &mut Canvas, x: f32, y: f32, width: f32) {
        let Some(span) = self.0.span() else { return };
        draw(&self.0, self.1, 0..self.0.rows.len(), span, c, x, y, width);
    }

    fn split(&self, _width: f32, first: f32, full: f32) -> Vec<Box<dyn Chart + Send + Sync>> {
        let Some(span) = self.0.span() else { return Vec::new() };
        let fit = |h: f32| (((h - HEAD - 4.0 - LEGEND) / ROW).floor().max(0.0)) as usize;
        let g = Arc::new(self.0.clone());
        let mut parts: Vec<Box<dyn Chart + Send + Sync>> = Vec::new();
        let (mut from, mut room) = (0, fit(first));
        let n = self.0.rows.len();
        if room < 3 {
            // Too little room on this page for a useful part: it would be an empty stub.
            room = fit(full);
            parts.push(Box::new(Blank));
        }
        let per_page = fit(full).max(1);
        while from < n {
            let to = (from + room.max(1)).min(n);
            parts.push(Box::new(Part { g: g.clone(), lang: self.1, rows: from..to, span }));
            from = to;
            room = per_page;
        }
        parts
    }
}

/// Nothing: the rest of a page too small for a part of a chart.
struct Blank;

impl Chart for Blank {
    fn height(&self, _width: f32) -> f32 {
        0.0
    }
    fn draw(&self, _c: &mut Canvas, _x: f32, _y: f32, _width: f32) {}
}

/// Rows `rows` of a Gantt on the whole chart's time scale.
struct Part {
    g: Arc<Gantt>,
    lang: Lang,
    rows: std::ops::Range<usize>,
    span: (chrono::NaiveDate, chrono::NaiveDate),
}

impl Chart for Part {
    fn height(&self, _width: f32) -> f32 {
        height(self.rows.len())
    }

    fn draw(&self, c: &mut Canvas, x: f32, y: f32, width: f32) {
        draw(&self.g, self.lang, self.rows.clone(), self.span, c, x, y, width);
    }
}

#[allow(clippy::too_many_arguments)]
fn draw(
    g: &Gantt,
    lang: Lang,
    rows: std::ops::Range<usize>,
    (lo, hi): (chrono::NaiveDate, chrono::NaiveDate),
    c: &mut Canvas,
    x: f32,
    y: f32,
    width: f32,
) {
    {
        let label_w = width * 0.34;
        let (px0, px1) = (x + label_w, x + width);
        let span = (hi - lo).num_days().max(1) as f32;
        let sx = |d: chrono::NaiveDate| px0 + (d - lo).num_days() as f32 / span * (px1 - px0);
        let first = rows.start;
        let bottom = y + height(rows.len()) - 4.0 - LEGEND;
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
        let row_y = |i: usize| y + HEAD + (i - first) as f32 * ROW;
        for (i, r) in g.rows.iter().enumerate().take(rows.end).skip(rows.start) {
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
        for &(a, b) in g.links.iter().filter(|(a, b)| rows.contains(a) && rows.contains(b)) {
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
        legend(c, lang, x, bottom + 6.0);
    }
}

/// What the marks mean, in the reader's language.
fn legend(c: &mut Canvas, lang: Lang, x: f32, y: f32) {
    let t = |k: &str| crate::i18n::t(lang, &format!("pdf.gantt.{k}"));
    let mut lx = x;
    let label = |c: &mut Canvas, lx: &mut f32, s: String| {
        c.text(*lx, y, &s, 6.5, false, MUTED);
        *lx += c.width(&s, 6.5, false) + 12.0;
    };
    c.rect(lx, y + 1.0, 14.0, 5.0, Some(INK), None);
    lx += 17.0;
    label(c, &mut lx, t("phase"));
    c.rect(lx, y, 14.0, 7.0, Some(ACCENT), None);
    lx += 17.0;
    label(c, &mut lx, t("done"));
    c.rect(lx, y, 14.0, 7.0, Some((200, 214, 229)), None);
    lx += 17.0;
    label(c, &mut lx, t("open"));
    c.rect(lx, y, 14.0, 7.0, Some(CRITICAL), None);
    lx += 17.0;
    label(c, &mut lx, t("critical"));
    c.polygon(&[(lx + 4.0, y - 0.5), (lx + 8.0, y + 3.5), (lx + 4.0, y + 7.5), (lx, y + 3.5)], INK);
    lx += 11.0;
    label(c, &mut lx, t("milestone"));
    c.rect(lx, y + 5.0, 14.0, 1.6, Some(GHOST), None);
    lx += 17.0;
    label(c, &mut lx, t("baseline"));
    c.polyline(&[(lx + 3.0, y - 1.0), (lx + 3.0, y + 8.0)], 0.9, CRITICAL, Some(&[2.0, 1.5]));
    lx += 7.0;
    label(c, &mut lx, t("today"));
}
