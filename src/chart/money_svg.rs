//! SVG renderer for the business case's money charts. Output is a self-contained `<svg>` element; every text
//! is escaped here, so labels typed by users are safe to embed in a page.
use super::money::{BarChart, CashFlowChart, Tornado, compact_in};
use super::svg::esc;
use std::fmt::Write;

/// Cut a label to roughly `max_px` wide (CJK and other wide characters count double), with
/// an ellipsis, so long line descriptions do not run off the chart.
fn fit(label: &str, max_px: f64) -> String {
    let width = |c: char| if c.is_ascii() { 6.6 } else { 12.0 };
    let total: f64 = label.chars().map(width).sum();
    if total <= max_px {
        return label.to_string();
    }
    let mut out = String::new();
    let mut used = 8.0;
    for c in label.chars() {
        used += width(c);
        if used > max_px {
            break;
        }
        out.push(c);
    }
    format!("{}…", out.trim_end())
}

const NEG: &str = "#c0392b";
const POS: &str = "#1e8449";
const INK: &str = "#334155";
const GRID: &str = "#d5dbe3";
const ACCENT: &str = "#2563eb";

/// Map a value range onto pixel rows [top, bottom]; always includes zero.
struct Scale {
    lo: f64,
    hi: f64,
    a: f64,
    b: f64,
}

impl Scale {
    fn new(values: impl Iterator<Item = i64>, a: f64, b: f64) -> Scale {
        let (mut lo, mut hi) = (0_f64, 0_f64);
        for v in values {
            lo = lo.min(v as f64);
            hi = hi.max(v as f64);
        }
        if hi - lo < 1.0 {
            hi = lo + 1.0;
        }
        Scale { lo, hi, a, b }
    }
    fn at(&self, v: f64) -> f64 {
        self.a + (v - self.lo) / (self.hi - self.lo) * (self.b - self.a)
    }
}

fn open(out: &mut String, w: u32, h: u32, title: &str) {
    let _ = write!(
        out,
        r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w} {h}" width="100%" role="img" aria-label="{t}" font-family="system-ui, sans-serif" font-size="12"><title>{t}</title>"#,
        t = esc(title)
    );
}

pub fn cash_flow(c: &CashFlowChart) -> String {
    let (w, h) = (640.0, 280.0);
    let (left, right, top, bottom) = (78.0, 44.0, 20.0, 40.0);
    let mut out = String::new();
    open(&mut out, w as u32, h as u32, &c.title);
    let n = c.cumulative.len().max(2) - 1;
    let x = |t: f64| left + t / n as f64 * (w - left - right);
    let y = Scale::new(c.cumulative.iter().copied(), h - bottom, top);
    // Axes: zero line, min and max labels.
    let zero = y.at(0.0);
    let _ = write!(
        out,
        r#"<line x1="{left}" x2="{}" y1="{zero:.1}" y2="{zero:.1}" stroke="{INK}" stroke-width="1"/>"#,
        w - right
    );
    for v in [y.lo, y.hi] {
        if v != 0.0 {
            let yy = y.at(v);
            let _ = write!(
                out,
                r#"<line x1="{left}" x2="{}" y1="{yy:.1}" y2="{yy:.1}" stroke="{GRID}" stroke-dasharray="3 3"/>"#,
                w - right
            );
            let _ = write!(
                out,
                r#"<text x="{}" y="{:.1}" text-anchor="end" fill="{INK}">{}</text>"#,
                left - 6.0,
                yy + 4.0,
                esc(&compact_in(v as i64, &c.currency, c.wan))
            );
        }
    }
    let _ = write!(
        out,
        r#"<text x="{}" y="{:.1}" text-anchor="end" fill="{INK}">{}</text>"#,
        left - 6.0,
        zero + 4.0,
        esc(&compact_in(0, &c.currency, c.wan))
    );
    for (t, label) in c.labels.iter().enumerate() {
        let _ = write!(
            out,
            r#"<text x="{:.1}" y="{}" text-anchor="middle" fill="{INK}">{}</text>"#,
            x(t as f64),
            h - bottom + 18.0,
            esc(label)
        );
    }
    // The area under/over zero, then the line and the year-end points.
    let pts: Vec<String> =
        c.cumulative.iter().enumerate().map(|(t, v)| format!("{:.1},{:.1}", x(t as f64), y.at(*v as f64))).collect();
    let _ = write!(out, r#"<polyline points="{}" fill="none" stroke="{ACCENT}" stroke-width="2.5"/>"#, pts.join(" "));
    for (t, v) in c.cumulative.iter().enumerate() {
        let colour = if *v < 0 { NEG } else { POS };
        let _ = write!(
            out,
            r#"<circle cx="{:.1}" cy="{:.1}" r="4" fill="{colour}"><title>{}</title></circle>"#,
            x(t as f64),
            y.at(*v as f64),
            esc(&compact_in(*v, &c.currency, c.wan))
        );
    }
    if let Some((years, caption)) = &c.payback {
        let px = x(years.clamp(0.0, n as f64));
        let _ = write!(
            out,
            r#"<line x1="{px:.1}" x2="{px:.1}" y1="{top}" y2="{}" stroke="{POS}" stroke-dasharray="5 4"/>"#,
            h - bottom
        );
        let _ =
            write!(out, r#"<circle cx="{px:.1}" cy="{zero:.1}" r="6" fill="none" stroke="{POS}" stroke-width="2.5"/>"#);
        let anchor = if px > w / 2.0 { "end" } else { "start" };
        let dx = if px > w / 2.0 { -8.0 } else { 8.0 };
        let _ = write!(
            out,
            r#"<text x="{:.1}" y="{}" text-anchor="{anchor}" fill="{POS}" font-weight="600">{}</text>"#,
            px + dx,
            top + 12.0,
            esc(caption)
        );
    }
    out.push_str("</svg>");
    out
}

pub fn bars(c: &BarChart) -> String {
    let row = 26.0;
    let (w, left, right, top) = (640.0, 200.0, 110.0, 8.0);
    let h = top * 2.0 + row * c.bars.len().max(1) as f64;
    let mut out = String::new();
    open(&mut out, w as u32, h as u32, &c.title);
    let max = c.bars.iter().map(|(_, v)| *v).max().unwrap_or(1).max(1) as f64;
    let total: i64 = c.bars.iter().map(|(_, v)| *v).sum();
    for (i, (label, v)) in c.bars.iter().enumerate() {
        let yy = top + row * i as f64;
        let bw = (*v).max(0) as f64 / max * (w - left - right);
        let share = if total > 0 { *v as f64 * 100.0 / total as f64 } else { 0.0 };
        let _ = write!(
            out,
            r#"<text x="{}" y="{:.1}" text-anchor="end" fill="{INK}">{}</text>"#,
            left - 8.0,
            yy + 17.0,
            esc(&fit(label, left - 12.0))
        );
        let _ = write!(
            out,
            r#"<rect x="{left}" y="{:.1}" width="{bw:.1}" height="{}" rx="3" fill="{ACCENT}" opacity="0.85"/>"#,
            yy + 4.0,
            row - 8.0
        );
        let _ = write!(
            out,
            r#"<text x="{:.1}" y="{:.1}" fill="{INK}">{} · {share:.0}%</text>"#,
            left + bw + 6.0,
            yy + 17.0,
            esc(&compact_in(*v, &c.currency, c.wan))
        );
    }
    out.push_str("</svg>");
    out
}

pub fn tornado(c: &Tornado) -> String {
    let row = 26.0;
    let (w, left, right, top) = (640.0, 230.0, 20.0, 26.0);
    let h = top + 8.0 + row * c.rows.len().max(1) as f64;
    let mut out = String::new();
    open(&mut out, w as u32, h as u32, &c.title);
    let s = Scale::new(c.rows.iter().flat_map(|(_, a, b)| [*a, *b]).chain([c.base]), left + 60.0, w - right - 60.0);
    let bx = s.at(c.base as f64);
    let _ = write!(
        out,
        r#"<text x="{bx:.1}" y="14" text-anchor="middle" fill="{INK}">{}</text>"#,
        esc(&format!("{} {}", c.base_label, compact_in(c.base, &c.currency, c.wan)))
    );
    for (i, (label, minus, plus)) in c.rows.iter().enumerate() {
        let yy = top + row * i as f64;
        let _ = write!(
            out,
            r#"<text x="{}" y="{:.1}" text-anchor="end" fill="{INK}">{}<title>{}</title></text>"#,
            left - 8.0,
            yy + 17.0,
            esc(&fit(label, left - 12.0)),
            esc(label)
        );
        let (lo, hi) = ((*minus).min(*plus), (*minus).max(*plus));
        let (xl, xh) = (s.at(lo as f64), s.at(hi as f64));
        let _ = write!(
            out,
            r#"<rect x="{xl:.1}" y="{:.1}" width="{:.1}" height="{}" fill="{NEG}" opacity="0.8"/>"#,
            yy + 4.0,
            (bx - xl).max(0.0),
            row - 8.0
        );
        let _ = write!(
            out,
            r#"<rect x="{bx:.1}" y="{:.1}" width="{:.1}" height="{}" fill="{POS}" opacity="0.8"/>"#,
            yy + 4.0,
            (xh - bx).max(0.0),
            row - 8.0
        );
        let _ = write!(
            out,
            r#"<text x="{:.1}" y="{:.1}" text-anchor="end" fill="{INK}" font-size="11">{}</text>"#,
            xl - 4.0,
            yy + 17.0,
            esc(&compact_in(lo, &c.currency, c.wan))
        );
        let _ = write!(
            out,
            r#"<text x="{:.1}" y="{:.1}" fill="{INK}" font-size="11">{}</text>"#,
            xh + 4.0,
            yy + 17.0,
            esc(&compact_in(hi, &c.currency, c.wan))
        );
    }
    let _ = write!(out, r#"<line x1="{bx:.1}" x2="{bx:.1}" y1="{}" y2="{h}" stroke="{INK}"/>"#, top - 4.0);
    out.push_str("</svg>");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_labels_and_marks_payback() {
        let c = CashFlowChart {
            title: "Cash <flow>".into(),
            labels: vec!["Y0".into(), "Y1".into(), "Y2".into()],
            cumulative: vec![-1000, -200, 600],
            payback: Some((1.25, "Payback 15 months".into())),
            currency: "CNY".into(),
            wan: false,
        };
        let s = cash_flow(&c);
        assert!(s.starts_with("<svg") && s.ends_with("</svg>"));
        assert!(s.contains("Cash &lt;flow&gt;") && !s.contains("<flow>"));
        assert!(s.contains("Payback 15 months"));
        let b = bars(&BarChart {
            title: "t".into(),
            bars: vec![("<script>".into(), 5)],
            currency: "CNY".into(),
            wan: false,
        });
        assert!(!b.contains("<script>"));
        let t = tornado(&Tornado {
            title: "t".into(),
            base: 100,
            base_label: "NPV".into(),
            rows: vec![("a".into(), 50, 150)],
            currency: "CNY".into(),
            wan: true,
        });
        assert_eq!(t.matches("<rect").count(), 2);
        assert_eq!(fit("short", 100.0), "short");
        assert!(fit("客户满意度与忠诚度客户满意度与忠诚度", 100.0).ends_with('…'));
        // Empty data still renders.
        assert!(
            bars(&BarChart { title: "t".into(), bars: vec![], currency: "CNY".into(), wan: true }).ends_with("</svg>")
        );
    }
}
