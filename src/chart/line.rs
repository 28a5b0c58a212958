//! A time line chart: measured values over dates, with the baseline and target as
//! horizontal lines, the target date as a vertical line, and a dashed forecast.
use super::svg::{esc, n, nice_ticks, short, short_in};
use chrono::NaiveDate;
use serde::Serialize;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
#[schema(as = LineStyle)]
pub enum Style {
    Measured,
    Forecast,
    Baseline,
    Target,
}

#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
#[schema(as = LineSeries)]
pub struct Series {
    pub style: Style,
    pub points: Vec<(NaiveDate, f64)>,
}

#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
#[schema(as = LineLevel)]
pub struct Level {
    pub style: Style,
    pub value: f64,
    pub label: String,
}

#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct LineChart {
    pub title: String,
    pub series: Vec<Series>,
    pub levels: Vec<Level>,
    /// A marked date (the target date) and its label.
    pub marker: Option<(NaiveDate, String)>,
    /// What each line means, in the reader's language, for the lines the chart draws (the
    /// documents print it under the chart; `None` style: the marked date).
    pub legend: Vec<(Option<Style>, String)>,
    /// Figures on the axis in 万 and 亿 (money for a Chinese reader), else k and M.
    pub wan: bool,
}

impl LineChart {
    pub(crate) fn bounds(&self) -> Option<(NaiveDate, NaiveDate, f64, f64)> {
        let dates =
            self.series.iter().flat_map(|s| s.points.iter().map(|p| p.0)).chain(self.marker.iter().map(|m| m.0));
        let (mut d0, mut d1) = (None::<NaiveDate>, None::<NaiveDate>);
        for d in dates {
            d0 = Some(d0.map_or(d, |x| x.min(d)));
            d1 = Some(d1.map_or(d, |x| x.max(d)));
        }
        let values: Vec<f64> = self
            .series
            .iter()
            .flat_map(|s| s.points.iter().map(|p| p.1))
            .chain(self.levels.iter().map(|l| l.value))
            .filter(|v| v.is_finite())
            .collect();
        let lo = values.iter().copied().fold(f64::INFINITY, f64::min);
        let hi = values.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        let (d0, d1) = (d0?, d1?);
        if !lo.is_finite() {
            return None;
        }
        let pad = ((hi - lo).abs() * 0.08).max(hi.abs().max(1.0) * 0.02);
        Some((d0, if d1 > d0 { d1 } else { d0 + chrono::Duration::days(1) }, lo - pad, hi + pad))
    }

    /// Render as an SVG element sized by its viewBox (it scales with its container).
    pub fn to_svg(&self, width: f64, height: f64) -> String {
        let (left, right, top, bottom) = (56.0, 16.0, 12.0, 28.0);
        let Some((d0, d1, lo, hi)) = self.bounds() else {
            return format!(
                r#"<svg class="chart" viewBox="0 0 {w} {h}" role="img" aria-label="{t}"></svg>"#,
                w = n(width),
                h = n(height),
                t = esc(&self.title)
            );
        };
        let span = (d1 - d0).num_days().max(1) as f64;
        let x = |d: NaiveDate| left + (d - d0).num_days() as f64 / span * (width - left - right);
        let y = |v: f64| top + (hi - v) / (hi - lo) * (height - top - bottom);
        let mut s = format!(
            r#"<svg class="chart line-chart" viewBox="0 0 {} {}" role="img" aria-label="{}" xmlns="http://www.w3.org/2000/svg">"#,
            n(width),
            n(height),
            esc(&self.title)
        );
        s.push_str(&format!("<title>{}</title>", esc(&self.title)));
        for t in nice_ticks(lo, hi, 4) {
            s.push_str(&format!(r#"<line class="grid" x1="{}" x2="{}" y1="{y}" y2="{y}"/><text class="tick" x="{}" y="{}" text-anchor="end">{}</text>"#, n(left), n(width - right), n(left - 6.0), n(y(t) + 4.0), short_in(t, self.wan), y = n(y(t))));
        }
        s.push_str(&format!(
            r#"<text class="tick" x="{}" y="{}">{}</text><text class="tick" x="{}" y="{}" text-anchor="end">{}</text>"#,
            n(left),
            n(height - 8.0),
            d0,
            n(width - right),
            n(height - 8.0),
            d1
        ));
        for l in &self.levels {
            let class = format!("{:?}", l.style).to_lowercase();
            s.push_str(&format!(r#"<line class="level {class}" x1="{}" x2="{}" y1="{y}" y2="{y}"/><text class="level-label {class}" x="{}" y="{}" text-anchor="end">{}</text>"#, n(left), n(width - right), n(width - right - 2.0), n(y(l.value) - 4.0), esc(&l.label), y = n(y(l.value))));
        }
        if let Some((d, label)) = &self.marker {
            s.push_str(&format!(
                r#"<line class="marker" x1="{x}" x2="{x}" y1="{}" y2="{}"><title>{}</title></line>"#,
                n(top),
                n(height - bottom),
                esc(label),
                x = n(x(*d))
            ));
        }
        for ser in &self.series {
            if ser.points.is_empty() {
                continue;
            }
            let pts: Vec<String> = ser.points.iter().map(|(d, v)| format!("{},{}", n(x(*d)), n(y(*v)))).collect();
            let class = format!("{:?}", ser.style).to_lowercase();
            s.push_str(&format!(r#"<polyline class="series {class}" points="{}"/>"#, pts.join(" ")));
            if ser.style == Style::Measured {
                for (d, v) in &ser.points {
                    s.push_str(&format!(
                        r#"<circle class="dot" cx="{}" cy="{}" r="3"><title>{d}: {}</title></circle>"#,
                        n(x(*d)),
                        n(y(*v)),
                        short(*v)
                    ));
                }
            }
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
    fn renders_points_levels_and_marker() {
        let c = LineChart {
            title: "Cost <per> order".into(),
            series: vec![Series {
                style: Style::Measured,
                points: vec![(d("2026-01-01"), 400.0), (d("2026-04-01"), 380.0)],
            }],
            levels: vec![Level { style: Style::Target, value: 340.0, label: "Target 340".into() }],
            marker: Some((d("2026-12-31"), "2026-12-31".into())),
            legend: vec![],
            wan: false,
        };
        let svg = c.to_svg(600.0, 240.0);
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"));
        assert!(svg.contains("Cost &lt;per&gt; order"));
        assert_eq!(svg.matches("<circle").count(), 2);
        assert!(svg.contains("class=\"series measured\""));
        assert!(svg.contains("Target 340") && svg.contains("class=\"marker\""));
        // The first point sits at the left edge, the marker date at the right.
        assert!(svg.contains("points=\"56,"));
        let empty =
            LineChart { title: "x".into(), series: vec![], levels: vec![], marker: None, legend: vec![], wan: true };
        assert!(empty.to_svg(100.0, 50.0).contains("</svg>"));
    }
}
