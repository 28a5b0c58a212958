//! Small SVG writing helpers shared by the chart renderers: escaping, coordinates, axis
//! ticks and a rough text width for layout.

/// Escape text for SVG/XML content and attributes.
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Approximate width of `s` at `size` px: CJK and other wide characters take a full em,
/// Latin letters a bit more than half. Good enough to decide where to cut.
pub fn text_width(s: &str, size: f32) -> f32 {
    s.chars()
        .map(|c| {
            if is_wide(c) {
                size
            } else if c.is_ascii_uppercase() {
                size * 0.66
            } else {
                size * 0.56
            }
        })
        .sum()
}

fn is_wide(c: char) -> bool {
    matches!(c as u32, 0x1100..=0x115F | 0x2E80..=0xA4CF | 0xAC00..=0xD7A3 | 0xF900..=0xFAFF | 0xFE30..=0xFE4F | 0xFF00..=0xFF60 | 0xFFE0..=0xFFE6)
}

/// `s` cut with an ellipsis so that it fits `max` px.
pub fn fit(s: &str, size: f32, max: f32) -> String {
    if text_width(s, size) <= max {
        return s.to_string();
    }
    let mut out = String::new();
    for c in s.chars() {
        if text_width(&out, size) + text_width(&c.to_string(), size) + size > max {
            break;
        }
        out.push(c);
    }
    out.push('…');
    out
}

/// A number for an SVG coordinate: one decimal, no "-0.0".
pub fn n(v: f64) -> String {
    let r = (v * 10.0).round() / 10.0;
    if r == 0.0 { "0".into() } else { format!("{r}") }
}

/// Round axis steps: 1, 2 or 5 times a power of ten, about `ticks` of them over the range.
pub fn nice_ticks(min: f64, max: f64, ticks: usize) -> Vec<f64> {
    if !(min.is_finite() && max.is_finite()) || max <= min {
        return vec![min];
    }
    let raw = (max - min) / ticks.max(1) as f64;
    let mag = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 5.0, 10.0].iter().map(|m| m * mag).find(|s| *s >= raw).unwrap_or(10.0 * mag);
    let start = (min / step).ceil() * step;
    let mut out = vec![];
    let mut v = start;
    while v <= max + step * 1e-9 && out.len() < 50 {
        out.push(if v.abs() < step * 1e-9 { 0.0 } else { v });
        v += step;
    }
    out
}

/// A compact label for an axis value: 1.2k, 3.4M, 12.5.
/// As [`short`], or for a Chinese reader's money (`wan`) in 万 and 亿: "600万", "1.2亿".
pub fn short_in(v: f64, wan: bool) -> String {
    let a = v.abs();
    if !wan || a < 1e4 {
        short(v)
    } else if a >= 1e8 {
        format!("{:.1}亿", v / 1e8).replace(".0亿", "亿")
    } else if a >= 1e5 {
        format!("{:.0}万", v / 1e4)
    } else {
        format!("{:.1}万", v / 1e4).replace(".0万", "万")
    }
}

pub fn short(v: f64) -> String {
    let a = v.abs();
    let s = if a >= 1e9 {
        format!("{:.1}B", v / 1e9)
    } else if a >= 1e6 {
        format!("{:.1}M", v / 1e6)
    } else if a >= 1e4 {
        format!("{:.1}k", v / 1e3)
    } else if a >= 100.0 || v.fract() == 0.0 {
        format!("{v:.0}")
    } else {
        format!("{v:.1}")
    };
    s.replace(".0k", "k").replace(".0M", "M").replace(".0B", "B")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn helpers() {
        assert_eq!(esc("a<b & \"c\""), "a&lt;b &amp; &quot;c&quot;");
        assert_eq!(n(-0.01), "0");
        assert_eq!(n(12.345), "12.3");
        assert_eq!(nice_ticks(0.0, 100.0, 5), [0.0, 20.0, 40.0, 60.0, 80.0, 100.0]);
        assert_eq!(nice_ticks(331.0, 402.0, 4), [340.0, 360.0, 380.0, 400.0]);
        assert_eq!(short(1_250_000.0), "1.2M");
        assert_eq!(short(380.0), "380");
        assert_eq!(short(12.5), "12.5");
        assert!(text_width("王芳", 10.0) > text_width("ab", 10.0));
        let cut = fit("华美电器股份有限公司客户服务部", 12.0, 60.0);
        assert!(cut.ends_with('…') && text_width(&cut, 12.0) <= 60.0 + 12.0);
        assert_eq!(fit("ok", 12.0, 60.0), "ok");
    }
}
