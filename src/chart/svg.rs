//! Helpers for writing SVG by hand: escaping and a rough text width for layout.

/// Escape text for SVG content and attribute values.
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_and_fitting() {
        assert_eq!(esc("<a & 'b'>"), "&lt;a &amp; &#39;b&#39;&gt;");
        assert!(text_width("王芳", 10.0) > text_width("ab", 10.0));
        let cut = fit("华美电器股份有限公司客户服务部", 12.0, 60.0);
        assert!(cut.ends_with('…') && text_width(&cut, 12.0) <= 60.0 + 12.0);
        assert_eq!(fit("ok", 12.0, 60.0), "ok");
    }
}
