//! The swimlane diagram of a to-be process: one lane per actor (in order of first
//! appearance), one column per step, arrows from each step to the next; the CRM module and
//! feature under the action, the rule as a tooltip.
use super::svg::{esc, fit, n, text_width};

#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct Lane {
    pub actor: String,
    pub action: String,
    pub system: String,
    pub rule: String,
    pub output: String,
}

const LANE_LABEL: f64 = 130.0;
const COL: f64 = 150.0;
const LANE_H: f64 = 78.0;
const BOX_W: f64 = 132.0;
const BOX_H: f64 = 58.0;

fn two_lines(s: &str, size: f32, max: f32) -> (String, String) {
    if text_width(s, size) <= max {
        return (s.to_string(), String::new());
    }
    let mut first = String::new();
    let mut rest = s.chars();
    for c in rest.by_ref() {
        if text_width(&format!("{first}{c}"), size) > max {
            let mut second: String = c.to_string();
            second.extend(rest);
            // Prefer breaking at a space when there is one in the first line.
            if let Some(i) = first.rfind(' ').filter(|i| *i > first.len() / 2) {
                let tail = first[i + 1..].to_string();
                first.truncate(i);
                second = format!("{tail}{second}");
            }
            return (first, fit(second.trim(), size, max));
        }
        first.push(c);
    }
    (first, String::new())
}

pub fn to_svg(steps: &[Lane]) -> String {
    let mut actors: Vec<&str> = vec![];
    for s in steps {
        if !actors.contains(&s.actor.as_str()) {
            actors.push(&s.actor);
        }
    }
    let w = LANE_LABEL + COL * steps.len().max(1) as f64 + 10.0;
    let h = LANE_H * actors.len().max(1) as f64 + 2.0;
    let mut s = format!(
        r##"<svg xmlns="http://www.w3.org/2000/svg" class="chart swimlane" viewBox="0 0 {} {}" width="{}" role="img" font-family="system-ui, sans-serif"><defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0 0L10 5L0 10z" fill="#475467"/></marker></defs>"##,
        n(w),
        n(h),
        n(w)
    );
    for (i, a) in actors.iter().enumerate() {
        let y = LANE_H * i as f64;
        s.push_str(&format!(
            r##"<rect x="0" y="{}" width="{}" height="{}" fill="{}" stroke="#d0d5dd"/><text x="8" y="{}" font-size="12" font-weight="600" fill="#101828">{}</text>"##,
            n(y),
            n(w),
            n(LANE_H),
            if i % 2 == 0 { "#f8fafc" } else { "#fff" },
            n(y + LANE_H / 2.0 + 4.0),
            esc(&fit(a, 12.0, LANE_LABEL as f32 - 14.0))
        ));
    }
    s.push_str(&format!(r##"<line x1="{0}" y1="0" x2="{0}" y2="{1}" stroke="#d0d5dd"/>"##, n(LANE_LABEL), n(h)));
    let pos = |i: usize| -> (f64, f64) {
        let lane = actors.iter().position(|a| *a == steps[i].actor).unwrap_or(0);
        (LANE_LABEL + COL * i as f64 + (COL - BOX_W) / 2.0, LANE_H * lane as f64 + (LANE_H - BOX_H) / 2.0)
    };
    for i in 1..steps.len() {
        let (x0, y0) = pos(i - 1);
        let (x1, y1) = pos(i);
        let (ax, ay) = (x0 + BOX_W, y0 + BOX_H / 2.0);
        let (bx, by) = (x1, y1 + BOX_H / 2.0);
        let mx = (ax + bx) / 2.0;
        s.push_str(&format!(
            r##"<path d="M{} {} H{} V{} H{}" fill="none" stroke="#475467" stroke-width="1.3" marker-end="url(#arrow)"/>"##,
            n(ax),
            n(ay),
            n(mx),
            n(by),
            n(bx - 1.0)
        ));
    }
    for (i, st) in steps.iter().enumerate() {
        let (x, y) = pos(i);
        let (l1, l2) = two_lines(&format!("{}. {}", i + 1, st.action), 11.0, BOX_W as f32 - 10.0);
        let mut tip = st.action.clone();
        if !st.rule.is_empty() {
            tip.push_str(&format!(" | {}", st.rule));
        }
        if !st.output.is_empty() {
            tip.push_str(&format!(" → {}", st.output));
        }
        s.push_str(&format!(
            r##"<g><title>{}</title><rect x="{}" y="{}" width="{}" height="{}" rx="6" fill="#fff" stroke="{}" stroke-width="1.5"/><text x="{}" y="{}" font-size="11" fill="#101828">{}</text><text x="{}" y="{}" font-size="11" fill="#101828">{}</text><text x="{}" y="{}" font-size="9.5" fill="#3a6396">{}</text></g>"##,
            esc(&tip),
            n(x),
            n(y),
            n(BOX_W),
            n(BOX_H),
            if st.rule.is_empty() { "#3a6396" } else { "#b54708" },
            n(x + 5.0),
            n(y + 15.0),
            esc(&l1),
            n(x + 5.0),
            n(y + 29.0),
            esc(&l2),
            n(x + 5.0),
            n(y + 48.0),
            esc(&fit(&st.system, 9.5, BOX_W as f32 - 10.0))
        ));
    }
    s.push_str("</svg>");
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn step(actor: &str, action: &str) -> Lane {
        Lane {
            actor: actor.into(),
            action: action.into(),
            system: "Service / Requests".into(),
            rule: String::new(),
            output: String::new(),
        }
    }

    #[test]
    fn lanes_per_actor_and_arrows_between_steps() {
        let steps = vec![
            step("Agent", "Log complaint"),
            step("Supervisor", "Assign <engineer>"),
            step("Agent", "Call back customer with the solution found in the knowledge base"),
        ];
        let svg = to_svg(&steps);
        assert_eq!(svg.matches("marker-end").count(), 2);
        assert_eq!(svg.matches("rx=\"6\"").count(), 3);
        assert!(svg.contains("Assign &lt;engineer&gt;"));
        // Two lanes: Agent and Supervisor.
        assert_eq!(svg.matches("font-weight=\"600\" fill=\"#101828\"").count(), 2);
        assert!(svg.contains("…") || svg.contains("knowledge"));
    }
}
