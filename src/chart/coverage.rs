//! The coverage matrix: processes (rows) × test cycles (columns); each cell shows the cases
//! of that process in the cycle's scope that passed, out of those in scope, coloured: all
//! passed, some, none, or not in scope. Long names are cut to fit; rows go on as far as the
//! processes do (the PDF splits them over pages).
use super::svg::{esc, fit, n};
use serde::Serialize;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[schema(as = CoverageCell)]
pub struct Cell {
    pub passed: u32,
    /// Cases of the process in the cycle's scope; 0: not in scope.
    pub cases: u32,
}

impl Cell {
    /// 0 not in scope, 1 none passed, 2 some, 3 all.
    pub fn band(self) -> usize {
        match (self.passed, self.cases) {
            (_, 0) => 0,
            (0, _) => 1,
            (p, c) if p >= c => 3,
            _ => 2,
        }
    }
    pub fn text(self) -> String {
        if self.cases == 0 { "–".into() } else { format!("{}/{}", self.passed, self.cases) }
    }
}

/// Cell fills by band, shared by both renderers.
pub const FILLS: [(u8, u8, u8); 4] = [(241, 243, 245), (251, 213, 209), (253, 235, 200), (220, 241, 227)];

#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
#[schema(as = CoverageChart)]
pub struct Coverage {
    pub title: String,
    pub rows: Vec<String>,
    pub cols: Vec<String>,
    /// `cells[row][col]`.
    pub cells: Vec<Vec<Cell>>,
    /// What each band means: not in scope, none passed, some passed, all passed.
    pub legend: [String; 4],
}

pub const LABEL_W: f64 = 220.0;
pub const COL_W: f64 = 92.0;
pub const ROW_H: f64 = 22.0;
const HEAD_H: f64 = 58.0;

impl Coverage {
    pub fn to_svg(&self) -> String {
        let w = LABEL_W + COL_W * self.cols.len().max(1) as f64;
        let h = HEAD_H + ROW_H * self.rows.len() as f64 + 30.0;
        let mut s = format!(
            r#"<svg class="chart coverage" width="{}" viewBox="0 0 {} {}" role="img" aria-label="{t}" xmlns="http://www.w3.org/2000/svg"><title>{t}</title><text x="0" y="12" font-size="12" font-weight="600">{t}</text>"#,
            // Drawn at a third over its own size (its text near the page's), never
            // stretched across the page when there are few cycles.
            n(w * 1.35),
            n(w),
            n(h),
            t = esc(&self.title)
        );
        for (j, col) in self.cols.iter().enumerate() {
            let cx = LABEL_W + COL_W * j as f64 + COL_W / 2.0;
            s.push_str(&format!(
                r#"<text class="tick" x="{}" y="{}" text-anchor="middle"><title>{}</title>{}</text>"#,
                n(cx),
                n(HEAD_H - 8.0),
                esc(col),
                esc(&fit(col, 10.0, COL_W as f32 - 6.0))
            ));
        }
        for (i, row) in self.rows.iter().enumerate() {
            let y = HEAD_H + ROW_H * i as f64;
            s.push_str(&format!(
                r#"<text class="tick" x="4" y="{}"><title>{}</title>{}</text>"#,
                n(y + 15.0),
                esc(row),
                esc(&fit(row, 10.0, LABEL_W as f32 - 10.0))
            ));
            for (j, cell) in self.cells.get(i).map(Vec::as_slice).unwrap_or_default().iter().enumerate() {
                let x = LABEL_W + COL_W * j as f64;
                s.push_str(&format!(
                    r##"<rect x="{}" y="{}" width="{}" height="{}" fill="{}" stroke="#fff"/><text x="{}" y="{}" font-size="10" text-anchor="middle">{}</text>"##,
                    n(x),
                    n(y),
                    n(COL_W),
                    n(ROW_H),
                    super::series::hex(FILLS[cell.band()]),
                    n(x + COL_W / 2.0),
                    n(y + 15.0),
                    esc(&cell.text())
                ));
            }
        }
        let ly = HEAD_H + ROW_H * self.rows.len() as f64 + 14.0;
        let mut lx = 4.0;
        for (k, label) in self.legend.iter().enumerate() {
            s.push_str(&format!(
                r##"<rect x="{}" y="{}" width="12" height="12" fill="{}" stroke="#ccc"/><text class="tick" x="{}" y="{}">{}</text>"##,
                n(lx),
                n(ly),
                super::series::hex(FILLS[k]),
                n(lx + 16.0),
                n(ly + 10.0),
                esc(label)
            ));
            lx += 16.0 + super::svg::text_width(label, 10.0) as f64 + 18.0;
        }
        s.push_str("</svg>");
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bands_and_svg() {
        assert_eq!(Cell { passed: 0, cases: 0 }.band(), 0);
        assert_eq!(Cell { passed: 0, cases: 3 }.band(), 1);
        assert_eq!(Cell { passed: 2, cases: 3 }.band(), 2);
        assert_eq!(Cell { passed: 3, cases: 3 }.band(), 3);
        let c = Coverage {
            title: "Coverage".into(),
            rows: vec!["Claims <intake>".into(), "Renewals".into()],
            cols: vec!["Prototype".into(), "Pilot".into()],
            cells: vec![
                vec![Cell { passed: 2, cases: 3 }, Cell { passed: 0, cases: 0 }],
                vec![Cell { passed: 4, cases: 4 }, Cell { passed: 0, cases: 4 }],
            ],
            legend: ["n/a".into(), "none".into(), "some".into(), "all".into()],
        };
        let svg = c.to_svg();
        assert!(svg.contains("Claims &lt;intake&gt;") && svg.contains(">2/3<") && svg.contains(">–<"));
        assert_eq!(svg.matches("<rect").count(), 4 + 4);
    }
}
