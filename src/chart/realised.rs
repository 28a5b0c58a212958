//! Plan against realised cumulative cash flow by year (phase 9's evaluation): one model built
//! by `service::evaluation`, drawn as SVG on the page and with PDF operations in the
//! evaluation report.
use super::money::compact_in;
use super::svg::esc;
use crate::pdf::{ACCENT, Canvas, Chart, INK, MUTED, RULE};
use serde::Serialize;
use std::fmt::Write;

/// Two cumulative series over the same years: the approved plan (every year of its horizon)
/// and what was realised (the years up to the evaluation date).
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct PlanVsRealised {
    pub title: String,
    /// One per year, e.g. "Y0 2026".
    pub labels: Vec<String>,
    pub plan: Vec<i64>,
    pub realised: Vec<i64>,
    /// Legend words: plan, realised.
    pub legend: (String, String),
    pub currency: String,
    /// Amounts on the axis in 万 (a Chinese reader), else M and k.
    pub wan: bool,
}

const PLAN: &str = "#94a3b8";
const REAL: &str = "#2563eb";
const INKS: &str = "#334155";
const GRID: &str = "#d5dbe3";
const PLAN_RGB: (u8, u8, u8) = (148, 163, 184);

impl PlanVsRealised {
    fn bounds(&self) -> (f64, f64) {
        let all = self.plan.iter().chain(&self.realised).copied();
        let (mut lo, mut hi) = (0_f64, 0_f64);
        for v in all {
            lo = lo.min(v as f64);
            hi = hi.max(v as f64);
        }
        if hi - lo < 1.0 {
            hi = lo + 1.0;
        }
        (lo, hi)
    }

    fn n(&self) -> usize {
        self.labels.len().max(self.plan.len()).max(self.realised.len()).max(2) - 1
    }

    /// The chart as SVG for pages.
    pub fn svg(&self) -> String {
        let (w, h) = (640.0_f64, 290.0_f64);
        let (left, right, top, bottom) = (78.0, 24.0, 30.0, 40.0);
        let (lo, hi) = self.bounds();
        let n = self.n() as f64;
        let x = |t: usize| left + t as f64 / n * (w - left - right);
        let y = |v: f64| (h - bottom) + (v - lo) / (hi - lo) * (top - (h - bottom));
        let mut out = String::new();
        let _ = write!(
            out,
            r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w} {h}" width="100%" role="img" aria-label="{t}" font-family="system-ui, sans-serif" font-size="12"><title>{t}</title>"#,
            t = esc(&self.title)
        );
        for v in [lo, 0.0, hi] {
            let yy = y(v);
            let stroke = if v == 0.0 { INKS } else { GRID };
            let _ = write!(
                out,
                r#"<line x1="{left}" x2="{}" y1="{yy:.1}" y2="{yy:.1}" stroke="{stroke}" stroke-dasharray="{}"/><text x="{}" y="{:.1}" text-anchor="end" fill="{INKS}">{}</text>"#,
                w - right,
                if v == 0.0 { "none" } else { "3 3" },
                left - 6.0,
                yy + 4.0,
                esc(&compact_in(v as i64, &self.currency, self.wan))
            );
        }
        for (t, label) in self.labels.iter().enumerate() {
            let _ = write!(
                out,
                r#"<text x="{:.1}" y="{}" text-anchor="middle" fill="{INKS}">{}</text>"#,
                x(t),
                h - bottom + 18.0,
                esc(label)
            );
        }
        for (series, colour, dash, class) in
            [(&self.plan, PLAN, "6 4", "plan"), (&self.realised, REAL, "none", "realised")]
        {
            let pts: Vec<String> =
                series.iter().enumerate().map(|(t, v)| format!("{:.1},{:.1}", x(t), y(*v as f64))).collect();
            let _ = write!(
                out,
                r#"<polyline class="{class}" points="{}" fill="none" stroke="{colour}" stroke-width="2.5" stroke-dasharray="{dash}"/>"#,
                pts.join(" ")
            );
            for (t, v) in series.iter().enumerate() {
                let _ = write!(
                    out,
                    r#"<circle cx="{:.1}" cy="{:.1}" r="3.5" fill="{colour}"><title>{} {}</title></circle>"#,
                    x(t),
                    y(*v as f64),
                    esc(&self.labels.get(t).cloned().unwrap_or_default()),
                    esc(&compact_in(*v, &self.currency, self.wan))
                );
            }
        }
        // Legend, top left.
        let _ = write!(
            out,
            r#"<line x1="{left}" x2="{}" y1="12" y2="12" stroke="{PLAN}" stroke-width="2.5" stroke-dasharray="6 4"/><text x="{}" y="16" fill="{INKS}">{}</text><line x1="{}" x2="{}" y1="12" y2="12" stroke="{REAL}" stroke-width="2.5"/><text x="{}" y="16" fill="{INKS}">{}</text>"#,
            left + 24.0,
            left + 30.0,
            esc(&self.legend.0),
            left + 180.0,
            left + 204.0,
            left + 210.0,
            esc(&self.legend.1)
        );
        out.push_str("</svg>");
        out
    }
}

impl Chart for PlanVsRealised {
    fn height(&self, _width: f32) -> f32 {
        210.0
    }

    fn draw(&self, c: &mut Canvas, x: f32, y: f32, width: f32) {
        c.text(x, y, &self.title, 9.5, true, INK);
        let (lo, hi) = self.bounds();
        let n = self.n() as f32;
        let (px0, px1, py0, py1) = (x + 56.0, x + width - 10.0, y + 32.0, y + 186.0);
        let sx = |t: usize| px0 + t as f32 / n * (px1 - px0);
        let sy = |v: f64| py1 - ((v - lo) / (hi - lo)) as f32 * (py1 - py0);
        for v in [lo, 0.0, hi] {
            c.text_right(px0 - 4.0, sy(v) - 3.5, &compact_in(v as i64, &self.currency, self.wan), 7.0, false, MUTED);
        }
        c.line(px0, sy(0.0), px1, sy(0.0), 0.8, INK);
        c.line(px0, py0, px0, py1, 0.4, RULE);
        for (t, label) in self.labels.iter().enumerate() {
            c.text_center(sx(t), py1 + 6.0, label, 6.5, false, MUTED);
        }
        let plan: Vec<(f32, f32)> = self.plan.iter().enumerate().map(|(t, v)| (sx(t), sy(*v as f64))).collect();
        let real: Vec<(f32, f32)> = self.realised.iter().enumerate().map(|(t, v)| (sx(t), sy(*v as f64))).collect();
        if plan.len() > 1 {
            c.polyline(&plan, 1.6, PLAN_RGB, Some(&[4.0, 3.0]));
        }
        if real.len() > 1 {
            c.polyline(&real, 2.0, ACCENT, None);
        }
        for (px, py) in &real {
            c.rect(px - 1.8, py - 1.8, 3.6, 3.6, Some(ACCENT), None);
        }
        // Legend.
        let ly = y + 16.0;
        c.polyline(&[(px0, ly + 3.0), (px0 + 18.0, ly + 3.0)], 1.6, PLAN_RGB, Some(&[4.0, 3.0]));
        c.text(px0 + 22.0, ly, &self.legend.0, 7.5, false, INK);
        let off = px0 + 30.0 + c.width(&self.legend.0, 7.5, false) + 16.0;
        c.polyline(&[(off, ly + 3.0), (off + 18.0, ly + 3.0)], 2.0, ACCENT, None);
        c.text(off + 22.0, ly, &self.legend.1, 7.5, false, INK);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn svg_has_both_series_and_escapes_text() {
        let c = PlanVsRealised {
            title: "<plan>".into(),
            labels: vec!["Y0 2026".into(), "Y1 2027".into(), "Y2 2028".into()],
            plan: vec![-100, 50, 200],
            realised: vec![-120, -10],
            legend: ("Plan".into(), "Realised".into()),
            currency: "CNY".into(),
            wan: false,
        };
        let s = c.svg();
        assert!(s.contains("&lt;plan&gt;") && !s.contains("<plan>"));
        assert!(s.contains(r#"class="plan""#) && s.contains(r#"class="realised""#));
        assert_eq!(s.matches("<circle").count(), 5);
    }
}
