//! Counts over time as step lines, one colour per named series, with a legend: the test
//! execution burn-up (planned, executed, passed) and open defects by severity. Counts change
//! on the days something happened and stay level in between, so the lines are steps; a
//! dashed series (the plan) is drawn straight. Readable at any count: the axis ticks are
//! round numbers and points are not marked.
use super::svg::{esc, n, nice_ticks, short};
use chrono::NaiveDate;
use serde::Serialize;

/// Colours by index, shared by the SVG and the PDF renderer.
pub const PALETTE: [(u8, u8, u8); 6] =
    [(31, 78, 121), (6, 118, 71), (180, 35, 24), (214, 125, 30), (83, 177, 253), (152, 162, 179)];

pub fn hex(c: (u8, u8, u8)) -> String {
    format!("#{:02x}{:02x}{:02x}", c.0, c.1, c.2)
}

#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct Named {
    pub label: String,
    /// Index into [`PALETTE`].
    pub color: usize,
    /// Drawn dashed and straight (a plan), else as steps.
    pub dashed: bool,
    pub points: Vec<(NaiveDate, f64)>,
}

impl Named {
    pub fn rgb(&self) -> (u8, u8, u8) {
        PALETTE[self.color % PALETTE.len()]
    }
}

#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct SeriesChart {
    pub title: String,
    pub series: Vec<Named>,
    /// Shown when no series has a point.
    pub empty: String,
}

impl SeriesChart {
    /// First and last date, and the top of the value axis (at least 1).
    pub fn bounds(&self) -> Option<(NaiveDate, NaiveDate, f64)> {
        let mut dates = self.series.iter().flat_map(|s| s.points.iter().map(|p| p.0));
        let first = dates.next()?;
        let (d0, d1) = dates.fold((first, first), |(a, b), d| (a.min(d), b.max(d)));
        let hi = self.series.iter().flat_map(|s| s.points.iter().map(|p| p.1)).fold(1.0f64, f64::max);
        let d1 = if d1 > d0 { d1 } else { d0 + chrono::Duration::days(1) };
        Some((d0, d1, hi))
    }

    /// The value axis's ticks: counts are whole, so never "0.5 defects".
    pub fn ticks(hi: f64) -> Vec<f64> {
        nice_ticks(0.0, hi, 4).into_iter().filter(|t| t.fract() == 0.0).collect()
    }

    /// The polyline of a series in plot coordinates: steps (level until the next point),
    /// or straight for a dashed one.
    pub fn path<T: Copy>(&self, s: &Named, x: impl Fn(NaiveDate) -> T, y: impl Fn(f64) -> T) -> Vec<(T, T)> {
        let mut out = Vec::with_capacity(s.points.len() * 2);
        for (i, (d, v)) in s.points.iter().enumerate() {
            if !s.dashed && i > 0 {
                out.push((x(*d), y(s.points[i - 1].1)));
            }
            out.push((x(*d), y(*v)));
        }
        out
    }

    /// Render as an SVG element sized by its viewBox.
    pub fn to_svg(&self, width: f64, height: f64) -> String {
        let (left, right, bottom) = (44.0, 12.0, 24.0);
        // The legend sits right of the title; a long title (a cycle's name) pushes it to a
        // line of its own so the two never overlap.
        let legend_w: f64 = self.series.iter().map(|ser| super::svg::text_width(&ser.label, 10.0) as f64 + 26.0).sum();
        let title_w = super::svg::text_width(&self.title, 12.0) as f64;
        let own_line = title_w + legend_w + 12.0 > width - right;
        let (top, ly) = if own_line { (42.0, 34.0) } else { (30.0, 22.0) };
        let mut s = format!(
            r#"<svg class="chart series-chart" viewBox="0 0 {} {}" role="img" aria-label="{t}" xmlns="http://www.w3.org/2000/svg"><title>{t}</title>"#,
            n(width),
            n(height),
            t = esc(&self.title)
        );
        s.push_str(&format!(r#"<text x="0" y="12" font-size="12" font-weight="600">{}</text>"#, esc(&self.title)));
        // Legend on the title line, from the right.
        let mut lx = width - right;
        for ser in self.series.iter().rev() {
            let w = super::svg::text_width(&ser.label, 10.0) as f64 + 26.0;
            lx -= w;
            let dash = if ser.dashed { r#" stroke-dasharray="5 4""# } else { "" };
            s.push_str(&format!(
                r#"<line x1="{}" x2="{}" y1="{ly}" y2="{ly}" stroke="{c}" stroke-width="2.2"{dash}/><text class="tick" x="{}" y="{}">{}</text>"#,
                n(lx),
                n(lx + 16.0),
                n(lx + 20.0),
                n(ly + 3.0),
                esc(&ser.label),
                ly = n(ly),
                c = hex(ser.rgb())
            ));
        }
        let Some((d0, d1, hi)) = self.bounds() else {
            s.push_str(&format!(
                r#"<text class="tick" x="{}" y="{}" text-anchor="middle">{}</text></svg>"#,
                n(width / 2.0),
                n(height / 2.0),
                esc(&self.empty)
            ));
            return s;
        };
        let span = (d1 - d0).num_days().max(1) as f64;
        let x = |d: NaiveDate| left + (d - d0).num_days() as f64 / span * (width - left - right);
        let y = |v: f64| top + (hi - v) / hi * (height - top - bottom);
        for t in Self::ticks(hi) {
            s.push_str(&format!(
                r#"<line class="grid" x1="{}" x2="{}" y1="{y}" y2="{y}"/><text class="tick" x="{}" y="{}" text-anchor="end">{}</text>"#,
                n(left),
                n(width - right),
                n(left - 6.0),
                n(y(t) + 4.0),
                short(t),
                y = n(y(t))
            ));
        }
        s.push_str(&format!(
            r#"<text class="tick" x="{}" y="{}">{d0}</text><text class="tick" x="{}" y="{}" text-anchor="end">{d1}</text>"#,
            n(left),
            n(height - 6.0),
            n(width - right),
            n(height - 6.0)
        ));
        for ser in &self.series {
            if ser.points.is_empty() {
                continue;
            }
            let pts: Vec<String> = self.path(ser, x, y).iter().map(|(a, b)| format!("{},{}", n(*a), n(*b))).collect();
            let dash = if ser.dashed { r#" stroke-dasharray="5 4""# } else { "" };
            let last = ser.points.last().map(|p| p.1).unwrap_or_default();
            s.push_str(&format!(
                r#"<polyline fill="none" stroke="{}" stroke-width="2"{dash} points="{}"><title>{}: {}</title></polyline>"#,
                hex(ser.rgb()),
                pts.join(" "),
                esc(&ser.label),
                short(last)
            ));
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
    fn steps_legend_and_empty() {
        let c = SeriesChart {
            title: "Burn-up <UAT>".into(),
            series: vec![
                Named {
                    label: "Planned".into(),
                    color: 5,
                    dashed: true,
                    points: vec![(d("2026-05-01"), 0.0), (d("2026-05-11"), 500.0)],
                },
                Named {
                    label: "Passed".into(),
                    color: 1,
                    dashed: false,
                    points: vec![(d("2026-05-02"), 10.0), (d("2026-05-05"), 200.0)],
                },
            ],
            empty: "No runs".into(),
        };
        assert_eq!(c.bounds(), Some((d("2026-05-01"), d("2026-05-11"), 500.0)));
        // A step: level at 10 until the 5th, then up to 200 (three points for two).
        let p = c.path(&c.series[1], |x| (x - d("2026-05-01")).num_days() as f64, |v| v);
        assert_eq!(p, vec![(1.0, 10.0), (4.0, 10.0), (4.0, 200.0)]);
        let svg = c.to_svg(600.0, 220.0);
        assert!(svg.contains("Burn-up &lt;UAT&gt;") && svg.contains("stroke-dasharray") && svg.ends_with("</svg>"));
        assert_eq!(svg.matches("<polyline").count(), 2);
        assert_eq!(SeriesChart::ticks(1.0), vec![0.0, 1.0]);
        assert_eq!(SeriesChart::ticks(500.0), vec![0.0, 200.0, 400.0]);
        let e = SeriesChart { title: "x".into(), series: vec![], empty: "No runs".into() };
        assert!(e.to_svg(100.0, 50.0).contains("No runs"));
    }
}
