//! The Gantt chart: phases as summary bars, activities with their progress, milestones as
//! diamonds, dependency arrows, a today line, baseline ghost bars and the critical path.
use super::svg::{esc, n};
use crate::i18n::Lang;
use chrono::{Datelike, Duration, NaiveDate};
use serde::Serialize;
use std::fmt::Write;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum RowKind {
    Summary,
    Task,
    Milestone,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Scale {
    Week,
    Month,
}

/// A row's name in both languages; each renderer draws the one of its reader.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Label {
    pub en: String,
    pub zh: String,
}

impl Label {
    pub fn get(&self, lang: Lang) -> &str {
        match lang {
            Lang::En => &self.en,
            Lang::Zh => &self.zh,
        }
    }
}

#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
#[schema(as = GanttRow)]
pub struct Row {
    pub label: Label,
    pub kind: RowKind,
    pub start: NaiveDate,
    /// Inclusive last day (equal to `start` for a milestone).
    pub finish: NaiveDate,
    /// 0–100.
    pub progress: f64,
    pub critical: bool,
    pub baseline: Option<(NaiveDate, NaiveDate)>,
}

#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct Gantt {
    pub rows: Vec<Row>,
    /// Dependency arrows between rows (predecessor, successor).
    pub links: Vec<(usize, usize)>,
    pub today: Option<NaiveDate>,
    pub scale: Scale,
}

const LABEL_W: f64 = 270.0;
const ROW_H: f64 = 20.0;
const HEAD_H: f64 = 34.0;

impl Gantt {
    pub(crate) fn span(&self) -> Option<(NaiveDate, NaiveDate)> {
        let mut lo: Option<NaiveDate> = None;
        let mut hi: Option<NaiveDate> = None;
        for r in &self.rows {
            let (a, b) = r.baseline.map_or((r.start, r.finish), |(bs, bf)| (r.start.min(bs), r.finish.max(bf)));
            lo = Some(lo.map_or(a, |x| x.min(a)));
            hi = Some(hi.map_or(b, |x| x.max(b)));
        }
        let (lo, hi) = (lo?, hi?);
        // Start on a Monday / the 1st so the scale lines fall on whole periods.
        let lo = match self.scale {
            Scale::Week => lo - Duration::days(i64::from(lo.weekday().num_days_from_monday())),
            Scale::Month => lo.with_day(1).unwrap_or(lo),
        };
        Some((lo, hi + Duration::days(7)))
    }

    /// The phases and milestones only (the outline a document has room for), links kept
    /// between the rows that remain.
    pub fn outline(&self) -> Gantt {
        let mut row_of = vec![None; self.rows.len()];
        let mut rows = vec![];
        for (i, r) in self.rows.iter().enumerate() {
            if r.kind != RowKind::Task {
                row_of[i] = Some(rows.len());
                rows.push(r.clone());
            }
        }
        let links = self
            .links
            .iter()
            .filter_map(|&(a, b)| Some((row_of.get(a).copied()??, row_of.get(b).copied()??)))
            .collect();
        Gantt { rows, links, today: self.today, scale: self.scale }
    }

    /// Render at `width` pixels in `lang`; the height follows the number of rows.
    pub fn to_svg(&self, width: f64, lang: Lang) -> String {
        let height = HEAD_H + ROW_H * self.rows.len() as f64 + 8.0;
        let mut s = String::with_capacity(256 + self.rows.len() * 420);
        let _ = write!(
            s,
            r#"<svg class="chart gantt" viewBox="0 0 {} {}" width="{}" height="{}" role="img" xmlns="http://www.w3.org/2000/svg">"#,
            n(width),
            n(height),
            n(width),
            n(height)
        );
        let Some((d0, d1)) = self.span() else {
            s.push_str("</svg>");
            return s;
        };
        let days = (d1 - d0).num_days().max(1) as f64;
        let px = (width - LABEL_W - 8.0) / days;
        let x = |d: NaiveDate| LABEL_W + (d - d0).num_days() as f64 * px;
        // Scale: a line at every week or month, a label wherever there is room for one.
        let mut d = d0;
        let mut last_label = f64::NEG_INFINITY;
        while d <= d1 {
            let label = match self.scale {
                Scale::Week => format!("{:02}-{:02}", d.month(), d.day()),
                Scale::Month => format!("{}-{:02}", d.year(), d.month()),
            };
            let _ = write!(
                s,
                r#"<line class="scale" x1="{x}" x2="{x}" y1="{}" y2="{}"/>"#,
                n(HEAD_H - 8.0),
                n(height),
                x = n(x(d))
            );
            let room = f64::from(super::svg::text_width(&label, 10.0)) + 8.0;
            if x(d) - last_label >= room {
                let _ = write!(s, r#"<text class="scale-label" x="{}" y="22">{}</text>"#, n(x(d) + 3.0), label);
                last_label = x(d);
            }
            d = match self.scale {
                Scale::Week => d + Duration::days(7),
                Scale::Month => {
                    let (y, m) = if d.month() == 12 { (d.year() + 1, 1) } else { (d.year(), d.month() + 1) };
                    NaiveDate::from_ymd_opt(y, m, 1).unwrap_or(d1 + Duration::days(1))
                }
            };
        }
        for (i, r) in self.rows.iter().enumerate() {
            let y = HEAD_H + ROW_H * i as f64;
            let class = match r.kind {
                RowKind::Summary => "summary",
                RowKind::Task => "task",
                RowKind::Milestone => "milestone",
            };
            let crit = if r.critical { " critical" } else { "" };
            if i % 2 == 1 {
                let _ = write!(
                    s,
                    r#"<rect class="stripe" x="0" y="{}" width="{}" height="{}"/>"#,
                    n(y),
                    n(width),
                    n(ROW_H)
                );
            }
            let indent = if r.kind == RowKind::Summary { 4.0 } else { 16.0 };
            let name = r.label.get(lang);
            let label = super::svg::fit(name, 11.0, (LABEL_W - indent - 8.0) as f32);
            let _ = write!(
                s,
                r#"<text class="row-label {class}" x="{}" y="{}"><title>{}</title>{}</text>"#,
                n(indent),
                n(y + 14.0),
                esc(name),
                esc(&label)
            );
            if let Some((bs, bf)) = r.baseline {
                let _ = write!(
                    s,
                    r#"<rect class="ghost" x="{}" y="{}" width="{}" height="4"/>"#,
                    n(x(bs)),
                    n(y + 15.0),
                    n(((bf - bs).num_days() + 1) as f64 * px)
                );
            }
            match r.kind {
                RowKind::Milestone => {
                    let cx = x(r.start) + px / 2.0;
                    let cy = y + ROW_H / 2.0;
                    let _ = write!(
                        s,
                        r#"<path class="diamond{crit}" d="M{} {}l6 6l-6 6l-6 -6z"><title>{} {}</title></path>"#,
                        n(cx),
                        n(cy - 6.0),
                        esc(r.label.get(lang)),
                        r.start
                    );
                }
                _ => {
                    let w = ((r.finish - r.start).num_days() + 1).max(1) as f64 * px;
                    let (bar_y, bar_h) = if r.kind == RowKind::Summary { (y + 6.0, 8.0) } else { (y + 4.0, 11.0) };
                    let _ = write!(
                        s,
                        r#"<rect class="bar {class}{crit}" x="{}" y="{}" width="{}" height="{}" rx="2"><title>{} {} – {}</title></rect>"#,
                        n(x(r.start)),
                        n(bar_y),
                        n(w),
                        n(bar_h),
                        esc(r.label.get(lang)),
                        r.start,
                        r.finish
                    );
                    if r.progress > 0.0 && r.kind == RowKind::Task {
                        let _ = write!(
                            s,
                            r#"<rect class="progress" x="{}" y="{}" width="{}" height="3"/>"#,
                            n(x(r.start)),
                            n(bar_y + bar_h - 3.0),
                            n(w * r.progress.clamp(0.0, 100.0) / 100.0)
                        );
                    }
                }
            }
        }
        // Arrows from the end of the predecessor to the start of the successor.
        for &(a, b) in &self.links {
            let (Some(ra), Some(rb)) = (self.rows.get(a), self.rows.get(b)) else { continue };
            let x1 = x(ra.finish) + px;
            let y1 = HEAD_H + ROW_H * a as f64 + ROW_H / 2.0;
            let x2 = x(rb.start);
            let y2 = HEAD_H + ROW_H * b as f64 + ROW_H / 2.0;
            let mid = (x1 + 4.0).max(x2 - 6.0);
            let crit = if ra.critical && rb.critical { " critical" } else { "" };
            let _ = write!(
                s,
                r#"<path class="link{crit}" d="M{} {}H{}V{}H{}"/><path class="arrow{crit}" d="M{} {}l-4 -3v6z"/>"#,
                n(x1),
                n(y1),
                n(mid),
                n(y2),
                n(x2),
                n(x2),
                n(y2)
            );
        }
        if let Some(t) = self.today.filter(|t| *t >= d0 && *t <= d1) {
            let _ = write!(
                s,
                r#"<line class="today" x1="{x}" x2="{x}" y1="{}" y2="{}"/>"#,
                n(HEAD_H - 10.0),
                n(height),
                x = n(x(t) + px / 2.0)
            );
        }
        s.push_str("</svg>");
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn draws_rows_links_today_and_ghosts() {
        let row = |label: &str, kind, a, b, critical| Row {
            label: Label { en: label.into(), zh: format!("{label}（中）") },
            kind,
            start: d(a),
            finish: d(b),
            progress: 50.0,
            critical,
            baseline: None,
        };
        let mut g = Gantt {
            rows: vec![
                row("Phase <1>", RowKind::Summary, "2026-03-02", "2026-03-29", false),
                row("Scope", RowKind::Task, "2026-03-02", "2026-03-13", true),
                row("Signed off", RowKind::Milestone, "2026-03-13", "2026-03-13", true),
            ],
            links: vec![(1, 2)],
            today: Some(d("2026-03-10")),
            scale: Scale::Week,
        };
        g.rows[1].baseline = Some((d("2026-02-23"), d("2026-03-06")));
        let svg = g.to_svg(1000.0, Lang::En);
        assert!(svg.contains("Phase &lt;1&gt;"));
        assert_eq!(svg.matches("class=\"bar ").count(), 2);
        assert!(svg.contains("class=\"diamond critical\""));
        assert!(svg.contains("class=\"link critical\""));
        assert!(
            svg.contains("class=\"today\"") && svg.contains("class=\"ghost\"") && svg.contains("class=\"progress\"")
        );
        // The ghost bar starts a week before the span of the bars: the chart widened to it.
        assert!(svg.contains(">02-23<"));
        g.scale = Scale::Month;
        assert!(g.to_svg(1000.0, Lang::Zh).contains(">2026-03<") && g.to_svg(1000.0, Lang::Zh).contains("Scope（中）"));
        // The outline keeps the phase and the milestone, not the task.
        let o = g.outline();
        assert_eq!(o.rows.iter().map(|r| r.kind).collect::<Vec<_>>(), vec![RowKind::Summary, RowKind::Milestone]);
        assert!(o.links.is_empty());
        assert!(
            Gantt { rows: vec![], links: vec![], today: None, scale: Scale::Week }
                .to_svg(100.0, Lang::En)
                .ends_with("</svg>")
        );
    }
}
