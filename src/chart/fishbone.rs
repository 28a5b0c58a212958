//! The Ishikawa (fishbone) diagram: the effect at the head, six category bones (three above,
//! three below the spine), each cause a labelled rib whose dot grows with its weight.
use super::svg::{esc, fit, n};

#[derive(Clone, Debug, PartialEq, serde::Serialize, utoipa::ToSchema)]
#[schema(as = FishboneRib)]
pub struct Rib {
    pub text: String,
    pub note: String,
    /// 1–5.
    pub weight: i32,
}

#[derive(Clone, Debug, PartialEq, serde::Serialize, utoipa::ToSchema)]
#[schema(as = FishboneBone)]
pub struct Bone {
    pub label: String,
    pub ribs: Vec<Rib>,
}

#[derive(Clone, Debug, PartialEq, serde::Serialize, utoipa::ToSchema)]
#[schema(as = FishboneChart)]
pub struct Fishbone {
    pub effect: String,
    /// Up to six bones, drawn left to right, top row first.
    pub bones: Vec<Bone>,
}

const W: f64 = 980.0;
const LEFT: f64 = 16.0;
const HEAD_W: f64 = 180.0;
const RIB: f64 = 17.0;

/// Break `s` into at most `lines` lines of `max` px: between words for Latin text, between
/// characters for CJK; the last line is cut with an ellipsis when text remains.
fn wrap(s: &str, size: f32, max: f32, lines: usize) -> Vec<String> {
    // Tokens: a run of non-space Latin characters with its trailing space, or one wide char.
    let mut tokens: Vec<String> = vec![];
    for c in s.chars() {
        let wide = super::svg::text_width(&c.to_string(), 10.0) >= 10.0;
        match tokens.last_mut() {
            Some(t)
                if !wide
                    && !c.is_whitespace()
                    && !t.ends_with(' ')
                    && !t.chars().any(|x| super::svg::text_width(&x.to_string(), 10.0) >= 10.0) =>
            {
                t.push(c)
            }
            Some(t) if c == ' ' => t.push(c),
            _ => tokens.push(c.to_string()),
        }
    }
    let mut out: Vec<String> = vec![];
    let mut cur = String::new();
    let mut rest_from = tokens.len();
    for (i, t) in tokens.iter().enumerate() {
        if !cur.is_empty() && super::svg::text_width(format!("{cur}{t}").trim_end(), size) > max {
            out.push(cur.trim_end().to_string());
            cur = String::new();
            if out.len() == lines {
                rest_from = i;
                break;
            }
        }
        cur.push_str(t);
    }
    if out.len() < lines {
        if !cur.trim().is_empty() {
            out.push(cur.trim_end().to_string());
        }
    } else if rest_from < tokens.len() {
        let last = out.pop().unwrap_or_default();
        out.push(fit(&format!("{last} {}", tokens[rest_from..].concat()), size, max));
    }
    out.into_iter().map(|l| fit(&l, size, max)).collect()
}

impl Fishbone {
    pub fn to_svg(&self) -> String {
        let top: Vec<&Bone> = self.bones.iter().step_by(2).take(3).collect();
        let bottom: Vec<&Bone> = self.bones.iter().skip(1).step_by(2).take(3).collect();
        let most = |v: &[&Bone]| v.iter().map(|b| b.ribs.len()).max().unwrap_or(0).max(3) as f64;
        let half_top = 44.0 + most(&top) * RIB + 12.0;
        let half_bottom = 44.0 + most(&bottom) * RIB + 12.0;
        let h = half_top + half_bottom;
        let mid = half_top;
        let spine_end = W - HEAD_W - 10.0;
        let col_w = (spine_end - LEFT) / 3.0;
        let mut s = format!(
            r#"<svg xmlns="http://www.w3.org/2000/svg" class="chart fishbone" viewBox="0 0 {} {}" role="img" aria-label="{}" font-family="system-ui, sans-serif">"#,
            n(W),
            n(h),
            esc(&self.effect)
        );
        s.push_str(&format!(
            r##"<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="#1d4677" stroke-width="3"/>"##,
            n(LEFT),
            n(mid),
            n(spine_end),
            n(mid)
        ));
        // The head: the effect.
        let lines = wrap(&self.effect, 13.0, (HEAD_W - 20.0) as f32, 4);
        let head_h = (lines.len() as f64 * 17.0 + 16.0).max(48.0);
        s.push_str(&format!(
            r##"<rect x="{}" y="{}" width="{}" height="{}" rx="6" fill="#b42318"/>"##,
            n(spine_end),
            n(mid - head_h / 2.0),
            n(HEAD_W),
            n(head_h)
        ));
        for (i, l) in lines.iter().enumerate() {
            s.push_str(&format!(
                r##"<text x="{}" y="{}" font-size="13" font-weight="600" fill="#fff">{}</text>"##,
                n(spine_end + 10.0),
                n(mid - head_h / 2.0 + 22.0 + i as f64 * 17.0),
                esc(l)
            ));
        }
        for (row, bones, end_y) in [(0, &top, 30.0), (1, &bottom, h - 30.0)] {
            for (c, b) in bones.iter().enumerate() {
                let xa = LEFT + col_w * (c as f64 + 1.0) - 10.0;
                let slant = (mid - end_y).abs() * 0.45;
                let xb = xa - slant;
                s.push_str(&format!(
                    r##"<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="#3a6396" stroke-width="2"/>"##,
                    n(xb),
                    n(end_y),
                    n(xa),
                    n(mid)
                ));
                let label_y = if row == 0 { end_y - 10.0 } else { end_y + 20.0 };
                s.push_str(&format!(
                    r##"<text x="{}" y="{}" font-size="13" font-weight="700" fill="#1d4677" text-anchor="middle">{}</text>"##,
                    n(xb),
                    n(label_y),
                    esc(&fit(&b.label, 13.0, col_w as f32 - 10.0))
                ));
                for (k, r) in b.ribs.iter().enumerate() {
                    let dy = 18.0 + k as f64 * RIB;
                    let y = if row == 0 { end_y + dy } else { end_y - dy };
                    let t = (y - end_y) / (mid - end_y);
                    let x = xb + (xa - xb) * t;
                    let x0 = x - col_w + 40.0;
                    let w = r.weight.clamp(1, 5);
                    let tip = if r.note.is_empty() { r.text.clone() } else { format!("{} — {}", r.text, r.note) };
                    s.push_str(&format!(
                        r##"<g><title>{} ({})</title><line x1="{}" y1="{}" x2="{}" y2="{}" stroke="#98a2b3" stroke-width="1"/><circle cx="{}" cy="{}" r="{}" fill="{}"/><text x="{}" y="{}" font-size="11" fill="#101828" text-anchor="end"{}>{}</text></g>"##,
                        esc(&tip),
                        w,
                        n(x0),
                        n(y),
                        n(x),
                        n(y),
                        n(x),
                        n(y),
                        n(1.5 + f64::from(w) * 0.8),
                        if w >= 4 { "#b42318" } else { "#3a6396" },
                        n(x - 7.0),
                        n(y - 2.0),
                        if w >= 4 { r#" font-weight="600""# } else { "" },
                        esc(&fit(&r.text, 11.0, (col_w - 56.0) as f32))
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

    fn bone(label: &str, k: usize) -> Bone {
        Bone {
            label: label.into(),
            ribs: (0..k)
                .map(|i| Rib { text: format!("Cause {i} <x>"), note: String::new(), weight: (i % 5) as i32 + 1 })
                .collect(),
        }
    }

    #[test]
    fn draws_every_cause_and_escapes() {
        let f = Fishbone {
            effect: "Complaints answered slowly 投诉响应慢".into(),
            bones: vec![
                bone("People", 3),
                bone("Process", 2),
                bone("Policy", 0),
                bone("Technology", 4),
                bone("Data", 1),
                bone("Measurement", 0),
            ],
        };
        let svg = f.to_svg();
        assert_eq!(svg.matches("<circle").count(), 10);
        assert!(svg.contains("Cause 0 &lt;x&gt;") && !svg.contains("<x>"));
        assert!(svg.contains("投诉响应慢"));
        // Latin text breaks between words.
        assert_eq!(wrap("Complaints answered slowly", 13.0, 150.0, 3), ["Complaints answered", "slowly"]);
        let long = wrap("a b c d e f g h i j k l m n o p q r s t u v w x y z aa bb cc dd ee ff gg", 13.0, 60.0, 2);
        assert_eq!(long.len(), 2);
        assert!(long[1].ends_with('…'));
    }

    #[test]
    fn many_causes_grow_the_height_not_overlap() {
        let small = Fishbone { effect: "E".into(), bones: vec![bone("A", 2)] }.to_svg();
        let big = Fishbone { effect: "E".into(), bones: vec![bone("A", 20), bone("B", 20)] }.to_svg();
        let height = |s: &str| -> f64 {
            let v = s.split("viewBox=\"0 0 ").nth(1).unwrap();
            v.split(['"', ' ']).nth(1).unwrap().parse().unwrap()
        };
        assert!(height(&big) > height(&small) + 300.0);
        assert_eq!(big.matches("<circle").count(), 40);
    }
}
