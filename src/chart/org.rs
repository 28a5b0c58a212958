//! The organisation chart: the three tiers (steering committee, project team, functional
//! groups) as boxes listing their people, consultants marked.
use super::svg::{esc, fit};
use std::fmt::Write;

#[derive(Clone, Debug, Default, serde::Serialize, utoipa::ToSchema)]
#[schema(as = OrgEntry)]
pub struct Entry {
    pub name: String,
    /// The role, already in the reader's language.
    pub role: String,
    pub allocation: i32,
    pub consultant: bool,
}

#[derive(Clone, Debug, Default, serde::Serialize, utoipa::ToSchema)]
pub struct Node {
    pub title: String,
    pub entries: Vec<Entry>,
    /// Something is wrong here (a finding points at it): drawn with a warning border.
    pub flagged: bool,
}

#[derive(Clone, Debug, Default, serde::Serialize, utoipa::ToSchema)]
pub struct OrgChart {
    pub steering: Node,
    pub team: Node,
    pub groups: Vec<Node>,
    /// Legend texts in the reader's language: (consultant, flagged).
    pub legend: (String, String),
}

const W: f32 = 1120.0;
const PAD: f32 = 10.0;
const LINE: f32 = 19.0;
const HEAD: f32 = 30.0;
const FONT: f32 = 13.0;
const GAP: f32 = 16.0;
const TIER_GAP: f32 = 40.0;
const GROUP_COLS: usize = 4;

/// Extra height of an entry whose role goes on a second line.
const ROLE_LINE: f32 = 15.0;

fn label(e: &Entry) -> String {
    let mark = if e.consultant { "◆ " } else { "" };
    format!("{mark}{} · {}", e.name, e.role)
}

/// In a single-column box an entry too long for one line puts its role on a second line,
/// so names and roles stay whole in the narrow functional-group boxes.
fn two_lines(e: &Entry, cols: usize, w: f32) -> bool {
    cols == 1 && super::svg::text_width(&label(e), FONT) > w - 2.0 * PAD - 40.0
}

fn node_height(n: &Node, cols: usize, w: f32) -> f32 {
    let rows = n.entries.len().div_ceil(cols.max(1)).max(1);
    let extra = n.entries.iter().filter(|e| two_lines(e, cols, w)).count() as f32 * ROLE_LINE;
    HEAD + rows as f32 * LINE + extra + PAD
}

/// Draw one box with its entries in `cols` columns; returns nothing, writes into `out`.
fn draw_node(out: &mut String, n: &Node, x: f32, y: f32, w: f32, h: f32, cols: usize) {
    // Long group names get a smaller title before they get cut.
    let ts: f32 = if super::svg::text_width(&n.title, 14.0) * 1.08 > w - 16.0 { 12.0 } else { 14.0 };
    let stroke = if n.flagged { "#b7791f" } else { "#9fb3c8" };
    let sw = if n.flagged { 2.5 } else { 1.2 };
    let _ = write!(
        out,
        r##"<g><rect x="{x:.1}" y="{y:.1}" width="{w:.1}" height="{h:.1}" rx="7" fill="#ffffff" stroke="{stroke}" stroke-width="{sw}"/><rect x="{x:.1}" y="{y:.1}" width="{w:.1}" height="{hh:.1}" rx="7" fill="#1f4e79"/><rect x="{x:.1}" y="{y2:.1}" width="{w:.1}" height="8" fill="#1f4e79"/><text x="{tx:.1}" y="{ty:.1}" fill="#fff" font-size="{ts}" font-weight="600" text-anchor="middle">{title}</text>"##,
        hh = HEAD - 6.0,
        y2 = y + HEAD - 14.0,
        tx = x + w / 2.0,
        ty = y + 17.0,
        title = esc(&fit(&n.title, ts, w - 16.0)),
    );
    let cw = (w - 2.0 * PAD) / cols as f32;
    let mut extra = 0.0;
    for (i, e) in n.entries.iter().enumerate() {
        let (col, row) = (i % cols, i / cols);
        let ex = x + PAD + col as f32 * cw;
        let ey = y + HEAD + 8.0 + row as f32 * LINE + extra;
        let alloc = format!("{}%", e.allocation);
        let (fill, mark) = if e.consultant { ("#7a3e9d", "◆ ") } else { ("#1b2430", "") };
        let style = if e.consultant { r#" font-style="italic""# } else { "" };
        let split = two_lines(e, cols, w);
        let first = if split { format!("{mark}{}", e.name) } else { label(e) };
        let _ = write!(
            out,
            r##"<text x="{ex:.1}" y="{ey:.1}" font-size="{FONT}" fill="{fill}"{style}>{t}</text><text x="{ax:.1}" y="{ey:.1}" font-size="12" fill="#5b6776" text-anchor="end">{alloc}</text>"##,
            t = esc(&fit(&first, FONT, cw - 40.0)),
            ax = ex + cw - 8.0,
        );
        if split {
            let _ = write!(
                out,
                r##"<text x="{rx:.1}" y="{ry:.1}" font-size="11.5" fill="#5b6776"{style}>{t}</text>"##,
                rx = ex + 12.0,
                ry = ey + ROLE_LINE,
                t = esc(&fit(&e.role, 11.5, cw - 24.0)),
            );
            extra += ROLE_LINE;
        }
    }
    out.push_str("</g>");
}

/// The chart as an SVG document (width 1120, height as needed). With 60 people the boxes
/// grow and entries run in two columns in the upper tiers, so every name stays legible.
pub fn to_svg(c: &OrgChart, aria_label: &str) -> String {
    let mut out = String::new();
    let upper_cols = |n: &Node| if n.entries.len() > 6 { 2 } else { 1 };
    let upper_w = |n: &Node| if upper_cols(n) == 2 { 760.0 } else { 440.0 };
    let mut y = 40.0;
    let mut body = String::new();

    let sc_w = upper_w(&c.steering);
    let sc_h = node_height(&c.steering, upper_cols(&c.steering), sc_w);
    draw_node(&mut body, &c.steering, (W - sc_w) / 2.0, y, sc_w, sc_h, upper_cols(&c.steering));
    y += sc_h;
    let _ = write!(
        body,
        r##"<line x1="{m}" y1="{y}" x2="{m}" y2="{y2}" stroke="#9fb3c8" stroke-width="2"/>"##,
        m = W / 2.0,
        y2 = y + TIER_GAP
    );
    y += TIER_GAP;

    let pt_w = upper_w(&c.team);
    let pt_h = node_height(&c.team, upper_cols(&c.team), pt_w);
    draw_node(&mut body, &c.team, (W - pt_w) / 2.0, y, pt_w, pt_h, upper_cols(&c.team));
    y += pt_h;

    if !c.groups.is_empty() {
        let cols = c.groups.len().min(GROUP_COLS);
        let gw = (W - 2.0 * GAP - (cols as f32 - 1.0) * GAP) / cols as f32;
        let bus = y + TIER_GAP / 2.0;
        let _ = write!(
            body,
            r##"<line x1="{m}" y1="{y}" x2="{m}" y2="{bus}" stroke="#9fb3c8" stroke-width="2"/>"##,
            m = W / 2.0
        );
        y += TIER_GAP;
        for (r, row) in c.groups.chunks(cols).enumerate() {
            let h = row.iter().map(|g| node_height(g, 1, gw)).fold(0.0, f32::max);
            let centres: Vec<f32> = (0..row.len()).map(|i| GAP + i as f32 * (gw + GAP) + gw / 2.0).collect();
            let row_bus = if r == 0 { bus } else { y - TIER_GAP / 2.0 };
            let (first, last) = (centres[0].min(W / 2.0), centres[centres.len() - 1].max(W / 2.0));
            let _ = write!(
                body,
                r##"<line x1="{first}" y1="{row_bus}" x2="{last}" y2="{row_bus}" stroke="#9fb3c8" stroke-width="2"/>"##
            );
            if r > 0 {
                // Later rows hang from a trunk that continues down the middle.
                let _ = write!(
                    body,
                    r##"<line x1="{m}" y1="{bus}" x2="{m}" y2="{row_bus}" stroke="#9fb3c8" stroke-width="2" stroke-dasharray="4 3"/>"##,
                    m = W / 2.0
                );
            }
            for (i, g) in row.iter().enumerate() {
                let x = GAP + i as f32 * (gw + GAP);
                let _ = write!(
                    body,
                    r##"<line x1="{cx}" y1="{row_bus}" x2="{cx}" y2="{y}" stroke="#9fb3c8" stroke-width="2"/>"##,
                    cx = centres[i]
                );
                draw_node(&mut body, g, x, y, gw, h, 1);
            }
            y += h + TIER_GAP;
        }
        y -= TIER_GAP;
    }
    let height = y + 44.0;
    let legend_x = 16.0 + super::svg::text_width(&format!("◆ {}", c.legend.0), 12.0) * 1.15 + 24.0;
    let _ = write!(
        out,
        r##"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {W} {height}" width="100%" role="img" aria-label="{label}" font-family="system-ui, 'PingFang SC', 'Microsoft YaHei', 'Noto Sans CJK SC', sans-serif" class="org-chart">"##,
        label = esc(aria_label),
    );
    let _ = write!(
        out,
        r##"<text x="16" y="22" font-size="12" fill="#7a3e9d" font-style="italic">◆ {}</text><rect x="{bx:.1}" y="11" width="14" height="14" rx="3" fill="none" stroke="#b7791f" stroke-width="2.5"/><text x="{tx:.1}" y="22" font-size="12" fill="#5b6776">{}</text>"##,
        esc(&c.legend.0),
        esc(&c.legend.1),
        bx = legend_x,
        tx = legend_x + 20.0,
    );
    out.push_str(&body);
    out.push_str("</svg>");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entries(n: usize, consultant_every: usize) -> Vec<Entry> {
        (0..n)
            .map(|i| Entry {
                name: format!("员工{i} Person {i}"),
                role: "Key user".into(),
                allocation: 50,
                consultant: consultant_every > 0 && i % consultant_every == 0,
            })
            .collect()
    }

    #[test]
    fn sixty_people_fit_and_every_name_is_drawn() {
        let c = OrgChart {
            steering: Node { title: "Steering committee".into(), entries: entries(6, 5), flagged: false },
            team: Node { title: "Project team".into(), entries: entries(12, 6), flagged: true },
            groups: (0..6)
                .map(|g| Node { title: format!("Group {g} <&>"), entries: entries(7, 7), flagged: false })
                .collect(),
            legend: ("Consultant".into(), "Needs attention".into()),
        };
        let svg = to_svg(&c, "Organisation");
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"));
        assert_eq!(svg.matches("Person ").count(), 6 + 12 + 42);
        assert!(svg.contains("Group 0 &lt;&amp;&gt;"));
        assert!(svg.contains("◆ 员工0"));
        assert!(svg.contains(r##"stroke="#b7791f""##));
    }
}
