//! 5×5 matrices: the risk heat map (probability × impact) and the process priority matrix
//! (importance × poor current performance, dots shaded by feasibility). Items are numbered
//! dots placed in their cell; a crowded cell shows as many as fit and "+n" for the rest, and
//! the number refers to the list beside the chart, so 60 risks or 40 processes stay readable.
use super::svg::{esc, fit, n};
use serde::Serialize;

#[derive(Clone, Debug, PartialEq, Serialize, utoipa::ToSchema)]
#[schema(as = MatrixItem)]
pub struct Item {
    /// 1–5 on each axis.
    pub x: i32,
    pub y: i32,
    /// Short label inside the dot (a rank or a number).
    pub label: String,
    /// Full text for the tooltip.
    pub title: String,
    /// 0–4: dot shade (e.g. feasibility − 1); `None` for the default dot.
    pub shade: Option<u8>,
}

#[derive(Clone, Copy, Debug, PartialEq, Serialize, utoipa::ToSchema)]
#[schema(as = MatrixKind)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// Cells coloured by x × y in the low / medium / high bands of a risk matrix.
    Heat,
    /// Cells coloured lightly by x × y: the top right is where the key processes are.
    Priority,
}

#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct Matrix {
    pub kind: Kind,
    pub x_label: String,
    pub y_label: String,
    /// Tick labels for 1..5 on each axis.
    pub x_ticks: [String; 5],
    pub y_ticks: [String; 5],
    pub items: Vec<Item>,
}

const CELL_W: f64 = 120.0;
const CELL_H: f64 = 84.0;
const LEFT: f64 = 132.0;
const TOP: f64 = 12.0;
const DOT: f64 = 22.0;

fn cell_fill(kind: Kind, x: i32, y: i32) -> &'static str {
    let s = x * y;
    match kind {
        Kind::Heat if s >= 12 => "#fbd5d1",
        Kind::Heat if s >= 5 => "#fdebc8",
        Kind::Heat => "#dcf1e3",
        Kind::Priority if s >= 16 => "#d6e6fb",
        Kind::Priority if s >= 9 => "#e8f0fb",
        Kind::Priority => "#f6f8fb",
    }
}

fn dot_fill(kind: Kind, shade: Option<u8>, x: i32, y: i32) -> &'static str {
    const SHADES: [&str; 5] = ["#b7c5d9", "#8ba3c4", "#5f81ae", "#3a6396", "#1d4677"];
    match (kind, shade) {
        (_, Some(s)) => SHADES[usize::from(s.min(4))],
        (Kind::Heat, None) if x * y >= 12 => "#b42318",
        (Kind::Heat, None) if x * y >= 5 => "#b54708",
        (Kind::Heat, None) => "#067647",
        (Kind::Priority, None) => "#3a6396",
    }
}

impl Matrix {
    /// Counts per cell, `[y-1][x-1]`.
    pub fn counts(&self) -> [[usize; 5]; 5] {
        let mut c = [[0usize; 5]; 5];
        for it in self.items.iter().filter(|i| (1..=5).contains(&i.x) && (1..=5).contains(&i.y)) {
            c[(it.y - 1) as usize][(it.x - 1) as usize] += 1;
        }
        c
    }

    pub fn to_svg(&self) -> String {
        let w = LEFT + CELL_W * 5.0 + 12.0;
        let h = TOP + CELL_H * 5.0 + 52.0;
        let mut s = format!(
            r#"<svg xmlns="http://www.w3.org/2000/svg" class="chart matrix" viewBox="0 0 {} {}" role="img" aria-label="{}" font-family="system-ui, sans-serif">"#,
            n(w),
            n(h),
            esc(&format!("{} × {}", self.y_label, self.x_label))
        );
        for y in 1..=5 {
            for x in 1..=5 {
                let (cx, cy) = (LEFT + CELL_W * f64::from(x - 1), TOP + CELL_H * f64::from(5 - y));
                s.push_str(&format!(
                    r##"<rect x="{}" y="{}" width="{}" height="{}" fill="{}" stroke="#fff" stroke-width="2"/>"##,
                    n(cx),
                    n(cy),
                    n(CELL_W),
                    n(CELL_H),
                    cell_fill(self.kind, x, y)
                ));
                let here: Vec<&Item> = self.items.iter().filter(|i| i.x == x && i.y == y).collect();
                let per_row = ((CELL_W - 8.0) / (DOT + 2.0)).floor() as usize;
                let rows = ((CELL_H - 8.0) / (DOT + 2.0)).floor() as usize;
                let room = per_row * rows;
                let shown = if here.len() > room { room - 1 } else { here.len() };
                for (k, it) in here.iter().take(shown).enumerate() {
                    let dx = cx + 4.0 + (k % per_row) as f64 * (DOT + 2.0) + DOT / 2.0;
                    let dy = cy + 4.0 + (k / per_row) as f64 * (DOT + 2.0) + DOT / 2.0;
                    let size = if it.label.chars().count() > 2 { 8.5 } else { 10.0 };
                    s.push_str(&format!(
                        r##"<g><title>{}</title><circle cx="{}" cy="{}" r="{}" fill="{}"/><text x="{}" y="{}" font-size="{}" fill="#fff" text-anchor="middle" font-weight="600">{}</text></g>"##,
                        esc(&it.title),
                        n(dx),
                        n(dy),
                        n(DOT / 2.0),
                        dot_fill(self.kind, it.shade, x, y),
                        n(dx),
                        n(dy + size * 0.36),
                        size,
                        esc(&fit(&it.label, size as f32, DOT as f32 + 2.0))
                    ));
                }
                if shown < here.len() {
                    let k = shown;
                    let dx = cx + 4.0 + (k % per_row) as f64 * (DOT + 2.0) + DOT / 2.0;
                    let dy = cy + 4.0 + (k / per_row) as f64 * (DOT + 2.0) + DOT / 2.0;
                    s.push_str(&format!(
                        r##"<text x="{}" y="{}" font-size="10" fill="#344054" text-anchor="middle" font-weight="600">+{}</text>"##,
                        n(dx),
                        n(dy + 3.5),
                        here.len() - shown
                    ));
                }
            }
        }
        for i in 0..5 {
            let x = LEFT + CELL_W * (i as f64 + 0.5);
            s.push_str(&format!(
                r##"<text x="{}" y="{}" font-size="11" fill="#475467" text-anchor="middle">{}</text>"##,
                n(x),
                n(TOP + CELL_H * 5.0 + 16.0),
                esc(&fit(&self.x_ticks[i], 11.0, CELL_W as f32 - 4.0))
            ));
            let y = TOP + CELL_H * (4.0 - i as f64 + 0.5);
            s.push_str(&format!(
                r##"<text x="{}" y="{}" font-size="11" fill="#475467" text-anchor="end">{}</text>"##,
                n(LEFT - 6.0),
                n(y + 4.0),
                esc(&fit(&self.y_ticks[i], 11.0, LEFT as f32 - 30.0))
            ));
        }
        s.push_str(&format!(
            r##"<text x="{}" y="{}" font-size="12" fill="#101828" text-anchor="middle" font-weight="600">{}</text>"##,
            n(LEFT + CELL_W * 2.5),
            n(TOP + CELL_H * 5.0 + 40.0),
            esc(&self.x_label)
        ));
        s.push_str(&format!(
            r##"<text transform="translate(16 {}) rotate(-90)" font-size="12" fill="#101828" text-anchor="middle" font-weight="600">{}</text>"##,
            n(TOP + CELL_H * 2.5),
            esc(&self.y_label)
        ));
        s.push_str("</svg>");
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ticks() -> [String; 5] {
        ["1", "2", "3", "4", "5"].map(String::from)
    }

    fn matrix(kind: Kind, items: Vec<Item>) -> Matrix {
        Matrix {
            kind,
            x_label: "Impact".into(),
            y_label: "Probability".into(),
            x_ticks: ticks(),
            y_ticks: ticks(),
            items,
        }
    }

    #[test]
    fn heat_map_places_and_escapes() {
        let items = vec![
            Item { x: 5, y: 5, label: "1".into(), title: "Data <bad>".into(), shade: None },
            Item { x: 1, y: 2, label: "2".into(), title: "Minor".into(), shade: None },
        ];
        let m = matrix(Kind::Heat, items);
        assert_eq!(m.counts()[4][4], 1);
        let svg = m.to_svg();
        assert!(svg.contains("Data &lt;bad&gt;") && !svg.contains("<bad>"));
        assert!(svg.contains("#b42318") && svg.contains("#067647"));
        assert_eq!(svg.matches("<circle").count(), 2);
    }

    #[test]
    fn sixty_risks_in_one_cell_stay_inside_it() {
        let items: Vec<Item> = (1..=60)
            .map(|i| Item { x: 4, y: 4, label: i.to_string(), title: format!("Risk {i}"), shade: None })
            .collect();
        let svg = matrix(Kind::Heat, items).to_svg();
        let dots = svg.matches("<circle").count();
        assert!((10..60).contains(&dots), "{dots}");
        assert!(svg.contains(&format!(">+{}<", 60 - dots)));
        // Forty processes spread over the grid all show.
        let items: Vec<Item> = (0..40)
            .map(|i| Item {
                x: i % 5 + 1,
                y: (i / 8) % 5 + 1,
                label: (i + 1).to_string(),
                title: String::new(),
                shade: Some((i % 5) as u8),
            })
            .collect();
        assert_eq!(matrix(Kind::Priority, items).to_svg().matches("<circle").count(), 40);
    }
}

/// The same matrix drawn with PDF operations: coloured cells, the items' numbers in their
/// cell, tick labels on both axes.
mod pdf {
    use super::{Item, Matrix, cell_fill};
    use crate::pdf::{Canvas, Chart, INK, MUTED};

    fn rgb(hex: &str) -> (u8, u8, u8) {
        let v = u32::from_str_radix(hex.trim_start_matches('#'), 16).unwrap_or(0xffffff);
        ((v >> 16) as u8, (v >> 8) as u8, v as u8)
    }

    impl Chart for Matrix {
        fn height(&self, width: f32) -> f32 {
            ((width - 110.0) / 5.0 * 0.45 * 5.0 + 40.0).min(220.0)
        }

        fn draw(&self, c: &mut Canvas, x: f32, y: f32, width: f32) {
            let left = x + 110.0;
            let cw = (width - 110.0) / 5.0;
            let ch = (self.height(width) - 40.0) / 5.0;
            let top = y + 14.0;
            c.text(x, y, &format!("{} × {}", self.y_label, self.x_label), 9.5, true, INK);
            for row in 1..=5 {
                for col in 1..=5 {
                    let (cx, cy) = (left + cw * (col - 1) as f32, top + ch * (5 - row) as f32);
                    c.rect(cx, cy, cw, ch, Some(rgb(cell_fill(self.kind, col, row))), Some((255, 255, 255)));
                    let here: Vec<&Item> = self.items.iter().filter(|i| i.x == col && i.y == row).collect();
                    if !here.is_empty() {
                        let labels: Vec<&str> = here.iter().map(|i| i.label.as_str()).collect();
                        let text = crate::chart::svg::fit(&labels.join(" "), 8.0, cw - 6.0);
                        c.text(cx + 3.0, cy + 3.0, &text, 8.0, true, INK);
                    }
                }
            }
            for i in 0..5 {
                let tx = left + cw * (i as f32 + 0.5);
                let tick = crate::chart::svg::fit(&self.x_ticks[i], 7.0, cw - 4.0);
                c.text_center(tx, top + ch * 5.0 + 4.0, &tick, 7.0, false, MUTED);
                let ty = top + ch * (4 - i) as f32 + ch / 2.0 - 3.5;
                let tick = crate::chart::svg::fit(&self.y_ticks[i], 7.0, 104.0);
                c.text_right(left - 4.0, ty, &tick, 7.0, false, MUTED);
            }
        }
    }
}
