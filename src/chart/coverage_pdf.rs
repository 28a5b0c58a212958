//! The coverage matrix drawn with PDF operations from the same [`Coverage`] model as the
//! SVG; a matrix taller than the page splits by rows, each part repeating the cycle names.
use super::coverage::{Coverage, FILLS};
use crate::pdf::{Canvas, Chart, INK, MUTED};

const ROW: f32 = 15.0;
const HEAD: f32 = 40.0;
const FOOT: f32 = 18.0;

fn label_w(width: f32) -> f32 {
    (width * 0.36).min(180.0)
}

fn cut(s: &str, size: f32, max: f32) -> String {
    let f = crate::pdf::fonts();
    if f.width(s, size, false) <= max {
        return s.to_string();
    }
    let mut out = String::new();
    for ch in s.chars() {
        let mut t = out.clone();
        t.push(ch);
        if f.width(&t, size, false) + f.width("…", size, false) > max {
            break;
        }
        out = t;
    }
    out.push('…');
    out
}

impl Chart for Coverage {
    fn height(&self, _width: f32) -> f32 {
        HEAD + ROW * self.rows.len() as f32 + FOOT
    }

    fn draw(&self, c: &mut Canvas, x: f32, y: f32, width: f32) {
        c.text(x, y, &self.title, 9.5, true, INK);
        let lw = label_w(width);
        let cw = ((width - lw) / self.cols.len().max(1) as f32).min(120.0);
        // Each cycle named on up to two lines over its column.
        let f = crate::pdf::fonts();
        let fw = |t: &str| f.width(t, 7.0, false);
        for (j, col) in self.cols.iter().enumerate() {
            let cx = x + lw + cw * j as f32 + cw / 2.0;
            let all = crate::pdf::text::wrap(col, cw - 4.0, &fw);
            let mut lines: Vec<String> = all.iter().take(2).cloned().collect();
            if all.len() > 2
                && let Some(last) = lines.last_mut()
            {
                *last = cut(&format!("{last}…"), 7.0, cw - 4.0);
            }
            let top = y + HEAD - 4.0 - 9.0 * lines.len() as f32;
            for (k, l) in lines.iter().enumerate() {
                c.text_center(cx, top + 9.0 * k as f32, l, 7.0, false, MUTED);
            }
        }
        for (i, row) in self.rows.iter().enumerate() {
            let ry = y + HEAD + ROW * i as f32;
            c.text(x, ry + 3.5, &cut(row, 7.0, lw - 6.0), 7.0, false, INK);
            for (j, cell) in self.cells.get(i).map(Vec::as_slice).unwrap_or_default().iter().enumerate() {
                let cx = x + lw + cw * j as f32;
                c.rect(cx, ry, cw - 1.0, ROW - 1.0, Some(FILLS[cell.band()]), None);
                c.text_center(cx + cw / 2.0, ry + 3.5, &cell.text(), 7.0, false, INK);
            }
        }
        let mut lx = x;
        let ly = y + HEAD + ROW * self.rows.len() as f32 + 5.0;
        for (k, label) in self.legend.iter().enumerate() {
            c.rect(lx, ly, 8.0, 8.0, Some(FILLS[k]), Some(MUTED));
            c.text(lx + 11.0, ly, label, 7.0, false, INK);
            lx += 11.0 + crate::pdf::fonts().width(label, 7.0, false) + 12.0;
        }
    }

    fn split(&self, width: f32, first: f32, full: f32) -> Vec<Box<dyn Chart + Send + Sync>> {
        if self.height(width) <= first {
            return Vec::new();
        }
        let rows_in = |h: f32| (((h - HEAD - FOOT) / ROW).floor() as usize).max(1);
        let mut parts: Vec<Box<dyn Chart + Send + Sync>> = Vec::new();
        let mut start = 0;
        let mut room = first;
        while start < self.rows.len() {
            let take = rows_in(room).min(self.rows.len() - start);
            parts.push(Box::new(Coverage {
                title: self.title.clone(),
                rows: self.rows[start..start + take].to_vec(),
                cols: self.cols.clone(),
                cells: self.cells[start.min(self.cells.len())..(start + take).min(self.cells.len())].to_vec(),
                legend: self.legend.clone(),
            }));
            start += take;
            room = full;
        }
        parts
    }
}
