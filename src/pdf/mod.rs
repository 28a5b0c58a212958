//! PDF layout on printpdf drawing operations: fonts embedded from `fonts/` (Noto Sans CJK SC,
//! parsed once per process, subset per document), text flow with Chinese/Latin line
//! breaking, headings, paragraphs, bullet lists, bordered tables whose header row repeats
//! and whose rows never split, charts, a cover page, a table of contents, a page header and
//! a "page X of Y" footer (laid out first, numbered after).
mod finish;
pub mod memory;
pub mod text;

use printpdf::{
    Color, FontId, Line, LinePoint, Mm, Op, ParsedFont, PdfDocument, PdfFontHandle, PdfPage, PdfSaveOptions, Point, Pt,
    Rect, Rgb, TextItem,
};
use std::sync::OnceLock;

pub const PAGE_W: f32 = 595.28;
pub const PAGE_H: f32 = 841.89;
pub const MARGIN_X: f32 = 56.0;
const TOP: f32 = 72.0;
const BOTTOM: f32 = 64.0;
pub const CONTENT_W: f32 = PAGE_W - 2.0 * MARGIN_X;

/// The two faces, parsed once per process.
pub struct Fonts {
    pub regular: ParsedFont,
    pub bold: ParsedFont,
    upem: [f32; 2],
}

static REGULAR: &[u8] = include_bytes!("../../fonts/NotoSansCJKsc-Regular.otf");
static BOLD: &[u8] = include_bytes!("../../fonts/NotoSansCJKsc-Bold.otf");

/// One face. Its 16–17 MB of font program are not copied into the heap: the face reads
/// them from a read-only mapping of the same bytes in the executable file
/// ([`memory::mapped`]), so only the pages a parse or a subset touches become resident,
/// and they are dropped again after each render. Where that mapping cannot be made, the
/// face owns a heap copy (printpdf's own way) and the embedded pages are dropped instead.
fn face(data: &'static [u8], warnings: &mut Vec<printpdf::PdfFontParseWarning>) -> ParsedFont {
    if let Some(bytes) = memory::mapped(data)
        && let Some(f) = printpdf::AzulParsedFont::from_bytes_shared(bytes, 0, warnings)
    {
        return ParsedFont::from_azul(f);
    }
    let f = ParsedFont::from_bytes(data, 0, warnings).expect("vendored font parses");
    memory::forget_pages(data);
    f
}

pub fn fonts() -> &'static Fonts {
    static FONTS: OnceLock<Fonts> = OnceLock::new();
    FONTS.get_or_init(|| {
        let mut warnings = Vec::new();
        let regular = face(REGULAR, &mut warnings);
        let bold = face(BOLD, &mut warnings);
        let upem = [
            f32::from(regular.pdf_font_metrics.units_per_em.max(1)),
            f32::from(bold.pdf_font_metrics.units_per_em.max(1)),
        ];
        Fonts { regular, bold, upem }
    })
}

impl Fonts {
    /// Whether the face has a glyph for `c` (else it would print as an empty box).
    pub fn has(&self, c: char) -> bool {
        self.regular.lookup_glyph_index(c as u32).is_some_and(|g| g != 0)
    }

    /// Width of `s` in points at `size`.
    pub fn width(&self, s: &str, size: f32, bold: bool) -> f32 {
        let (f, upem) = if bold { (&self.bold, self.upem[1]) } else { (&self.regular, self.upem[0]) };
        let units: u32 =
            s.chars().map(|c| u32::from(f.get_horizontal_advance(f.lookup_glyph_index(c as u32).unwrap_or(0)))).sum();
        units as f32 / upem * size
    }
}

/// RGB colour from 0–255 components.
pub fn rgb(r: u8, g: u8, b: u8) -> Color {
    Color::Rgb(Rgb { r: f32::from(r) / 255.0, g: f32::from(g) / 255.0, b: f32::from(b) / 255.0, icc_profile: None })
}

pub const INK: (u8, u8, u8) = (33, 37, 41);
pub const MUTED: (u8, u8, u8) = (108, 117, 125);
pub const ACCENT: (u8, u8, u8) = (31, 78, 121);
pub const RULE: (u8, u8, u8) = (173, 181, 189);

fn col(c: (u8, u8, u8)) -> Color {
    rgb(c.0, c.1, c.2)
}

/// Drawing on one page in top-left coordinates (y grows downwards), in points.
pub struct Canvas<'a> {
    pub ops: Vec<Op>,
    fonts: &'a Fonts,
    ids: &'a (FontId, FontId),
    /// Characters drawn that the font has no glyph for (and no stand-in).
    missing: std::collections::BTreeSet<char>,
}

/// A stand-in the font has for a symbol it lacks.
fn stand_in(c: char) -> Option<char> {
    match c {
        '✗' | '✘' | '✕' | '✖' | '☒' => Some('×'),
        '⩽' => Some('≤'),
        '⩾' => Some('≥'),
        '☐' => Some('□'),
        '☑' => Some('■'),
        _ => None,
    }
}

impl<'a> Canvas<'a> {
    fn new(fonts: &'a Fonts, ids: &'a (FontId, FontId)) -> Self {
        Canvas { ops: Vec::new(), fonts, ids, missing: Default::default() }
    }

    pub fn width(&self, s: &str, size: f32, bold: bool) -> f32 {
        self.fonts.width(s, size, bold)
    }

    /// Text with its top at `y` (the baseline sits at y + 0.88 size).
    pub fn text(&mut self, x: f32, y: f32, s: &str, size: f32, bold: bool, color: (u8, u8, u8)) {
        if s.is_empty() {
            return;
        }
        let id = if bold { &self.ids.1 } else { &self.ids.0 };
        let f = self.fonts;
        let s: String = if s.chars().all(|c| f.has(c)) {
            s.to_string()
        } else {
            s.chars()
                .map(|c| {
                    if f.has(c) || c.is_whitespace() {
                        c
                    } else if let Some(r) = stand_in(c) {
                        r
                    } else {
                        self.missing.insert(c);
                        c
                    }
                })
                .collect()
        };
        self.ops.extend([
            Op::StartTextSection,
            Op::SetFillColor { col: col(color) },
            Op::SetFont { font: PdfFontHandle::External(id.clone()), size: Pt(size) },
            Op::SetTextCursor { pos: Point { x: Pt(x), y: Pt(PAGE_H - y - 0.88 * size) } },
            Op::ShowText { items: vec![TextItem::Text(s)] },
            Op::EndTextSection,
        ]);
    }

    /// Text ending at `x`.
    pub fn text_right(&mut self, x: f32, y: f32, s: &str, size: f32, bold: bool, color: (u8, u8, u8)) {
        let w = self.width(s, size, bold);
        self.text(x - w, y, s, size, bold, color);
    }

    pub fn text_center(&mut self, x: f32, y: f32, s: &str, size: f32, bold: bool, color: (u8, u8, u8)) {
        let w = self.width(s, size, bold);
        self.text(x - w / 2.0, y, s, size, bold, color);
    }

    /// A polyline, optionally dashed.
    pub fn polyline(&mut self, pts: &[(f32, f32)], width: f32, color: (u8, u8, u8), dash: Option<&[f32]>) {
        if pts.len() < 2 {
            return;
        }
        self.ops.push(Op::SaveGraphicsState);
        self.ops.push(Op::SetOutlineColor { col: col(color) });
        self.ops.push(Op::SetOutlineThickness { pt: Pt(width) });
        if let Some(d) = dash {
            self.ops.push(Op::SetLineDashPattern { dash: printpdf::LineDashPattern::new(0.0, d) });
        }
        self.ops.push(Op::DrawLine {
            line: Line {
                points: pts
                    .iter()
                    .map(|&(x, y)| LinePoint { p: Point { x: Pt(x), y: Pt(PAGE_H - y) }, bezier: false })
                    .collect(),
                is_closed: false,
            },
        });
        self.ops.push(Op::RestoreGraphicsState);
    }

    pub fn line(&mut self, x1: f32, y1: f32, x2: f32, y2: f32, width: f32, color: (u8, u8, u8)) {
        self.polyline(&[(x1, y1), (x2, y2)], width, color, None);
    }

    /// A rectangle with its top-left at (x, y): filled, stroked, or both.
    pub fn rect(&mut self, x: f32, y: f32, w: f32, h: f32, fill: Option<(u8, u8, u8)>, stroke: Option<(u8, u8, u8)>) {
        use printpdf::PaintMode;
        let mode = match (fill, stroke) {
            (Some(_), Some(_)) => PaintMode::FillStroke,
            (Some(_), None) => PaintMode::Fill,
            (None, Some(_)) => PaintMode::Stroke,
            (None, None) => return,
        };
        self.ops.push(Op::SaveGraphicsState);
        if let Some(f) = fill {
            self.ops.push(Op::SetFillColor { col: col(f) });
        }
        if let Some(s) = stroke {
            self.ops.push(Op::SetOutlineColor { col: col(s) });
            self.ops.push(Op::SetOutlineThickness { pt: Pt(0.6) });
        }
        self.ops.push(Op::DrawRectangle {
            rectangle: Rect {
                x: Pt(x),
                y: Pt(PAGE_H - y - h),
                width: Pt(w),
                height: Pt(h),
                mode: Some(mode),
                winding_order: None,
            },
        });
        self.ops.push(Op::RestoreGraphicsState);
    }

    /// A filled polygon (e.g. a milestone diamond).
    pub fn polygon(&mut self, pts: &[(f32, f32)], fill: (u8, u8, u8)) {
        self.ops.push(Op::SaveGraphicsState);
        self.ops.push(Op::SetFillColor { col: col(fill) });
        self.ops.push(Op::DrawPolygon {
            polygon: printpdf::Polygon {
                rings: vec![printpdf::PolygonRing {
                    points: pts
                        .iter()
                        .map(|&(x, y)| LinePoint { p: Point { x: Pt(x), y: Pt(PAGE_H - y) }, bezier: false })
                        .collect(),
                }],
                mode: printpdf::PaintMode::Fill,
                winding_order: printpdf::WindingOrder::NonZero,
            },
        });
        self.ops.push(Op::RestoreGraphicsState);
    }
}

/// A chart drawn into a box of the page.
pub trait Chart {
    /// Height in points for a given width.
    fn height(&self, width: f32) -> f32;
    /// Draw with the top-left corner at (x, y).
    fn draw(&self, c: &mut Canvas, x: f32, y: f32, width: f32);
    /// A chart taller than the room left may split into parts, the first no taller than
    /// `first` and the others no taller than `full` (a whole page), each repeating what a
    /// reader needs (e.g. the Gantt's dates, task names and legend). Empty: it does not split.
    fn split(&self, _width: f32, _first: f32, _full: f32) -> Vec<Box<dyn Chart + Send + Sync>> {
        Vec::new()
    }
}

/// A table: column widths as fractions of the text width, a header row and body rows.
pub struct Table {
    pub widths: Vec<f32>,
    pub header: Vec<String>,
    pub rows: Vec<Vec<String>>,
    /// Columns aligned right (figures).
    pub right: Vec<usize>,
}

pub enum Block {
    /// Level 1 and 2 go into the contents and the outline; a heading is kept on the page of
    /// the block that follows it (never stranded at a page foot).
    Heading(u8, String),
    Para(String),
    Note(String),
    Bullets(Vec<String>),
    /// Label/value pairs in two columns.
    Fields(Vec<(String, String)>),
    Table(Table),
    /// A table whose rows refer to sections: a row with `Some(heading)` links to the
    /// section whose heading reads exactly that (the first such), its first cell in the
    /// link colour; rows without a matching section stay plain.
    Linked(Table, Vec<Option<String>>),
    Chart(Box<dyn Chart + Send + Sync>),
}

/// What a document is: the cover's facts, its labels in the chosen language, and its blocks.
#[derive(Default)]
pub struct Document {
    pub title: String,
    pub client: String,
    pub project: String,
    pub version: String,
    pub date: String,
    pub author: String,
    /// Labels for the cover: client, project, document, version, date, author.
    pub cover_labels: [String; 6],
    pub approval_title: String,
    /// Approval block rows: role, name; signature and date columns are left blank.
    pub approvals: Vec<(String, String)>,
    pub approval_header: [String; 4],
    pub toc_title: String,
    /// "Page {x} of {y}" with `{x}` and `{y}` placeholders.
    pub page_label: String,
    pub blocks: Vec<Block>,
    /// Metadata: what the document covers (its `/Subject`).
    pub subject: String,
    /// The document's language for `/Lang`: `zh-CN` or `en`.
    pub lang: String,
    /// When it was generated (`/CreationDate`).
    pub created: chrono::DateTime<chrono::Utc>,
    /// Each level-1 section starts a page (a committee pack read section by section);
    /// otherwise a new page only where the next block needs one.
    pub section_pages: bool,
}

/// A heading as laid out: level, text, page index in the body and its top.
pub(crate) struct Entry {
    pub level: u8,
    pub title: String,
    pub page: usize,
    pub y: f32,
}

struct Page<'a> {
    canvas: Canvas<'a>,
}

/// A linked table row as laid out: its page in the body, its box (left, top, right,
/// bottom in top-left coordinates) and the heading it refers to.
pub(crate) struct RowLink {
    pub page: usize,
    pub rect: [f32; 4],
    pub heading: String,
}

struct Flow<'a> {
    fonts: &'a Fonts,
    ids: &'a (FontId, FontId),
    pages: Vec<Page<'a>>,
    y: f32,
    toc: Vec<Entry>,
    section_pages: bool,
    /// The level-1 section being laid out says only that there is nothing to show (its
    /// headings and a line or two): the next section goes on the same page.
    short_section: bool,
    links: Vec<RowLink>,
}

const BODY: f32 = 10.0;
const LH: f32 = 1.55;
const CELL: f32 = 8.5;

impl<'a> Flow<'a> {
    fn cur(&mut self) -> &mut Canvas<'a> {
        &mut self.pages.last_mut().expect("a page").canvas
    }
    fn new_page(&mut self) {
        self.pages.push(Page { canvas: Canvas::new(self.fonts, self.ids) });
        self.y = TOP;
    }
    fn room(&self) -> f32 {
        PAGE_H - BOTTOM - self.y
    }
    fn ensure(&mut self, h: f32) {
        if h > self.room() && self.y > TOP + 0.1 {
            self.new_page();
        }
    }
    fn wrap(&self, s: &str, size: f32, bold: bool, max: f32) -> Vec<String> {
        let f = self.fonts;
        text::wrap(s, max, &|t| f.width(t, size, bold))
    }
    fn lines(&mut self, x: f32, lines: &[String], size: f32, bold: bool, color: (u8, u8, u8)) {
        for l in lines {
            self.ensure(size * LH);
            let y = self.y;
            self.cur().text(x, y, l, size, bold, color);
            self.y += size * LH;
        }
    }

    /// The height a block needs on the page of the heading before it: a few lines of
    /// text, a table's header and first row, a whole chart (or its first part).
    fn follow(&self, b: Option<&Block>) -> f32 {
        let full = PAGE_H - BOTTOM - TOP;
        match b {
            None => 0.0,
            Some(Block::Heading(level, t)) => {
                let size = if *level == 1 { 17.0 } else { 12.5 };
                self.wrap(t, size, true, CONTENT_W).len() as f32 * size * LH + 50.0
            }
            Some(Block::Para(t)) => self.wrap(t, BODY, false, CONTENT_W).len().min(3) as f32 * BODY * LH,
            Some(Block::Note(t)) => self.wrap(t, 9.0, false, CONTENT_W).len().min(3) as f32 * 9.0 * LH,
            Some(Block::Bullets(items)) => {
                items.iter().take(2).map(|i| self.wrap(i, BODY, false, CONTENT_W - 14.0).len()).sum::<usize>() as f32
                    * BODY
                    * LH
            }
            Some(Block::Fields(pairs)) => {
                pairs
                    .iter()
                    .take(3)
                    .map(|(_, v)| self.wrap(v, BODY, false, CONTENT_W * 0.7).len().max(1))
                    .sum::<usize>() as f32
                    * BODY
                    * LH
            }
            Some(Block::Table(t) | Block::Linked(t, _)) => {
                // A short table goes whole with its heading (it never splits, see `table`).
                self.short_table(t).unwrap_or_else(|| {
                    let ws = table_widths(self.fonts, t);
                    let head = row_layout(self.fonts, &ws, &t.header, true).1;
                    head + t.rows.first().map_or(0.0, |r| row_layout(self.fonts, &ws, r, false).1)
                })
            }
            Some(Block::Chart(ch)) => {
                let h = ch.height(CONTENT_W) + 10.0;
                if h > full { full * 0.3 } else { h }
            }
        }
    }

    /// The height of the note after a short table or a chart that does not split (its key,
    /// its source): the block keeps it on its page.
    fn table_note(&self, block: Option<&Block>, after: Option<&Block>) -> f32 {
        let full = PAGE_H - BOTTOM - TOP;
        match (block, after) {
            (Some(Block::Table(t) | Block::Linked(t, _)), Some(Block::Note(s))) if self.short_table(t).is_some() => {
                self.note_height(s)
            }
            (Some(Block::Chart(ch)), Some(Block::Note(s))) if ch.height(CONTENT_W) + 10.0 <= full * 0.7 => {
                self.note_height(s)
            }
            _ => 0.0,
        }
    }

    /// A table's whole height when it is short enough never to split.
    fn short_table(&self, t: &Table) -> Option<f32> {
        if t.rows.len() > 12 {
            return None;
        }
        let ws = table_widths(self.fonts, t);
        let whole = row_layout(self.fonts, &ws, &t.header, true).1
            + t.rows.iter().map(|r| row_layout(self.fonts, &ws, r, false).1).sum::<f32>();
        (whole <= KEEP_WHOLE).then_some(whole)
    }

    fn note_height(&self, s: &str) -> f32 {
        self.wrap(s, 9.0, false, CONTENT_W).len().min(6) as f32 * 9.0 * LH + 10.0
    }

    /// The whole height of a short block of facts (a few label/value pairs), which a heading
    /// keeps on its page together with the block after it (a target's facts and its chart).
    fn short_fields(&self, b: Option<&Block>) -> Option<f32> {
        match b {
            Some(Block::Fields(pairs)) if pairs.len() <= 8 => Some(
                pairs.iter().map(|(_, v)| self.wrap(v, BODY, false, CONTENT_W * 0.7).len().max(1)).sum::<usize>()
                    as f32
                    * BODY
                    * LH
                    + 6.0,
            ),
            _ => None,
        }
    }

    fn block(&mut self, b: &Block, rest: &[Block]) {
        let next = rest.first();
        match b {
            Block::Heading(level, t) => {
                let size = if *level == 1 { 17.0 } else { 12.5 };
                if self.pages.is_empty() {
                    self.new_page();
                }
                let lines = self.wrap(t, size, true, CONTENT_W);
                let gap = if self.y > TOP + 0.1 { if *level == 1 { 16.0 } else { 8.0 } } else { 0.0 };
                let own = gap + lines.len() as f32 * size * LH + if *level == 1 { 14.0 } else { 3.0 };
                // Keep the heading with what follows it (a chart's heading with the chart).
                let need = own
                    + match self.short_fields(next) {
                        Some(h) => h + self.follow(rest.get(1)),
                        None => self.follow(next) + self.table_note(next, rest.get(1)),
                    };
                // A section that only says there is nothing to show (a few lines under its
                // headings) starts no page of its own, nor does the one after it.
                let short = *level == 1 && {
                    let body: Vec<&Block> = rest.iter().take_while(|b| !matches!(b, Block::Heading(1, _))).collect();
                    body.len() <= 4
                        && body.iter().all(|b| match b {
                            Block::Heading(..) => true,
                            Block::Note(t) | Block::Para(t) => t.chars().count() < 120,
                            _ => false,
                        })
                };
                let section = *level == 1 && self.section_pages && !self.short_section && !short;
                if *level == 1 {
                    self.short_section = short;
                }
                if (section || need > self.room()) && self.y > TOP + 0.1 {
                    self.new_page();
                } else {
                    self.y += gap;
                }
                let (page, y) = (self.pages.len() - 1, self.y);
                self.toc.push(Entry { level: *level, title: t.clone(), page, y });
                self.lines(MARGIN_X, &lines, size, true, ACCENT);
                if *level == 1 {
                    let y = self.y + 2.0;
                    self.cur().line(MARGIN_X, y, PAGE_W - MARGIN_X, y, 1.2, ACCENT);
                    self.y += 12.0;
                } else {
                    self.y += 3.0;
                }
            }
            Block::Para(t) => {
                let lines = self.wrap(t, BODY, false, CONTENT_W);
                self.lines(MARGIN_X, &lines, BODY, false, INK);
                self.y += 6.0;
            }
            Block::Note(t) => {
                let lines = self.wrap(t, 9.0, false, CONTENT_W);
                // A short note is not split across pages.
                if lines.len() <= 6 {
                    self.ensure(lines.len() as f32 * 9.0 * LH);
                }
                self.lines(MARGIN_X, &lines, 9.0, false, MUTED);
                self.y += 6.0;
            }
            Block::Bullets(items) => {
                for it in items {
                    let lines = self.wrap(it, BODY, false, CONTENT_W - 14.0);
                    self.ensure(BODY * LH);
                    let y = self.y;
                    self.cur().rect(MARGIN_X + 3.0, y + BODY * 0.45, 3.2, 3.2, Some(ACCENT), None);
                    self.lines(MARGIN_X + 14.0, &lines, BODY, false, INK);
                }
                self.y += 6.0;
            }
            Block::Fields(pairs) => {
                let lw = CONTENT_W * 0.3;
                for (k, v) in pairs {
                    // A long label wraps in its column (never runs into the value).
                    let kl = self.wrap(k, BODY, true, lw - 8.0);
                    let vl = self.wrap(v, BODY, false, CONTENT_W - lw);
                    let h = vl.len().max(kl.len()).max(1) as f32 * BODY * LH;
                    self.ensure(h);
                    let y = self.y;
                    for (i, l) in kl.iter().enumerate() {
                        self.cur().text(MARGIN_X, y + i as f32 * BODY * LH, l, BODY, true, MUTED);
                    }
                    for (i, l) in vl.iter().enumerate() {
                        self.cur().text(MARGIN_X + lw, y + i as f32 * BODY * LH, l, BODY, false, INK);
                    }
                    self.y += h;
                }
                self.y += 6.0;
            }
            Block::Table(t) => self.table(t, &[], next),
            Block::Linked(t, to) => self.table(t, to, next),
            Block::Chart(ch) => {
                let h = ch.height(CONTENT_W);
                let full = PAGE_H - BOTTOM - TOP;
                let note = self.table_note(Some(b), next);
                if h + 8.0 > self.room() {
                    if self.room() < full * 0.3 {
                        self.new_page();
                    }
                    let parts = ch.split(CONTENT_W, self.room() - 8.0, full - 8.0);
                    if !parts.is_empty() {
                        for (k, part) in parts.iter().enumerate() {
                            if k > 0 {
                                self.new_page();
                            }
                            let y = self.y;
                            part.draw(self.cur(), MARGIN_X, y, CONTENT_W);
                            self.y += part.height(CONTENT_W) + 10.0;
                        }
                        return;
                    }
                }
                self.ensure(h + 8.0 + note);
                let y = self.y;
                ch.draw(self.cur(), MARGIN_X, y, CONTENT_W);
                self.y += h + 10.0;
            }
        }
    }

    fn table(&mut self, t: &Table, links: &[Option<String>], next: Option<&Block>) {
        let ws = table_widths(self.fonts, t);
        let pad = PAD;
        let f = self.fonts;
        let layout = |row: &[String], bold: bool| row_layout(f, &ws, row, bold);
        let head = layout(&t.header, true);
        let draw_row = |flow: &mut Flow, cells: &[Vec<String>], h: f32, header: bool, link: Option<&String>| {
            let y = flow.y;
            let mut x = MARGIN_X;
            for (i, (lines, w)) in cells.iter().zip(&ws).enumerate() {
                let c = flow.cur();
                c.rect(x, y, *w, h, if header { Some((232, 238, 244)) } else { None }, Some(RULE));
                let ink = if i == 0 && link.is_some() { ACCENT } else { INK };
                for (k, l) in lines.iter().enumerate() {
                    let ty = y + pad + k as f32 * CELL * 1.4;
                    if t.right.contains(&i) && !header {
                        c.text_right(x + w - pad, ty, l, CELL, header, ink);
                    } else {
                        c.text(x + pad, ty, l, CELL, header, ink);
                    }
                }
                x += w;
            }
            if let Some(heading) = link {
                let page = flow.pages.len() - 1;
                flow.links.push(RowLink {
                    page,
                    rect: [MARGIN_X, y, PAGE_W - MARGIN_X, y + h],
                    heading: heading.clone(),
                });
            }
            flow.y += h;
        };
        let rows: Vec<(Vec<Vec<String>>, f32)> = t.rows.iter().map(|r| layout(r, false)).collect();
        let n = rows.len();
        // A note right after the table (its key, its source) stays with the table's last rows.
        let note = match next {
            Some(Block::Note(s)) => self.note_height(s),
            _ => 0.0,
        };
        let whole = head.1 + rows.iter().map(|r| r.1).sum::<f32>();
        if whole + note <= KEEP_WHOLE {
            // A short table is never split: it moves to the next page whole.
            self.ensure(whole + note);
        } else {
            self.ensure(head.1 + rows.first().map_or(24.0, |r| r.1));
        }
        draw_row(self, &head.0, head.1, true, None);
        let mut on_page = 0;
        // The group a row belongs to (a first cell left empty continues the one above):
        // named again on the first row of a page.
        let mut group: Option<&String> = None;
        for (i, (cells, h)) in rows.iter().enumerate() {
            // The last row never stands alone on a page: the last two go over together
            // (with the note), when the page already holds two rows of the table.
            let tail = if i + 2 == n {
                h + rows[i + 1].1 + note
            } else if i + 1 == n {
                h + note
            } else {
                *h
            };
            let keep = i + 2 >= n && on_page >= 2 && tail > self.room() && tail < (PAGE_H - BOTTOM - TOP) * 0.5;
            if *h > self.room() || keep {
                self.new_page();
                draw_row(self, &head.0, head.1, true, None);
                on_page = 0;
            }
            let first = t.rows[i].first().filter(|c| !c.is_empty());
            match (first, group) {
                (None, Some(g)) if on_page == 0 && i > 0 => {
                    let mut named = t.rows[i].clone();
                    named[0] = g.clone();
                    let (cells, h) = layout(&named, false);
                    draw_row(self, &cells, h, false, links.get(i).and_then(Option::as_ref));
                }
                _ => draw_row(self, cells, *h, false, links.get(i).and_then(Option::as_ref)),
            }
            if first.is_some() {
                group = first;
            }
            on_page += 1;
        }
        self.y += 10.0;
    }
}

const PAD: f32 = 4.0;
/// The height up to which a table is kept on one page rather than split (about ten rows).
const KEEP_WHOLE: f32 = 215.0;

/// Column widths in points: the table's fractions of the text width, except that no column
/// is narrower than what it must hold unbroken — its header's words (a short Chinese header
/// whole) and its cells' widest unbreakable piece (a word, a date, a figure) — the others
/// giving up width in proportion to what they have above their own minimum.
fn table_widths(f: &Fonts, t: &Table) -> Vec<f32> {
    let total: f32 = t.widths.iter().sum::<f32>().max(0.0001);
    let mut ws: Vec<f32> = t.widths.iter().map(|w| w / total * CONTENT_W).collect();
    let n = ws.len();
    let cap = CONTENT_W * 0.4;
    let bold = |s: &str| f.width(s, CELL, true);
    let regular = |s: &str| f.width(s, CELL, false);
    let mins: Vec<f32> = (0..n)
        .map(|i| {
            let head = t.header.get(i).map_or(0.0, |h| {
                h.split_whitespace()
                    .map(|w| {
                        if w.chars().count() > 5 && w.chars().any(text::is_cjk) {
                            text::widest_atom(w, &bold)
                        } else {
                            bold(w)
                        }
                    })
                    .fold(0.0, f32::max)
            });
            let body =
                t.rows.iter().filter_map(|r| r.get(i)).map(|c| text::widest_atom(c, &regular)).fold(0.0, f32::max);
            (head.max(body) + 2.0 * PAD + 0.5).min(cap)
        })
        .collect();
    let need: f32 = mins.iter().sum();
    if need >= CONTENT_W {
        return mins.iter().map(|m| m * CONTENT_W / need).collect();
    }
    let short: f32 = (0..n).map(|i| (mins[i] - ws[i]).max(0.0)).sum();
    let slack: f32 = (0..n).map(|i| (ws[i] - mins[i]).max(0.0)).sum();
    if short > 0.0 && slack > 0.0 {
        let k = (short / slack).min(1.0);
        for i in 0..n {
            ws[i] = if ws[i] < mins[i] { mins[i] } else { ws[i] - (ws[i] - mins[i]) * k };
        }
    }
    ws
}

/// The words, dates and figures of a document's tables that a column would cut (print on
/// two lines): none in a good document. For the tests that read documents as a reader does.
pub fn cut_words(doc: &Document) -> Vec<String> {
    let f = fonts();
    let bold = |s: &str| f.width(s, CELL, true);
    let regular = |s: &str| f.width(s, CELL, false);
    let mut out = Vec::new();
    for b in &doc.blocks {
        let (Block::Table(t) | Block::Linked(t, _)) = b else { continue };
        let ws = table_widths(f, t);
        for (i, w) in ws.iter().enumerate() {
            let room = w - 2.0 * PAD + 0.01;
            for word in t.header.get(i).into_iter().flat_map(|h| h.split_whitespace()) {
                let wide = if word.chars().count() > 5 && word.chars().any(text::is_cjk) {
                    text::widest_atom(word, &bold)
                } else {
                    bold(word)
                };
                if wide > room {
                    out.push(word.to_string());
                }
            }
            for cell in t.rows.iter().filter_map(|r| r.get(i)) {
                if text::widest_atom(cell, &regular) > room {
                    out.push(cell.clone());
                }
            }
        }
    }
    out
}

/// A row's cells broken into lines, and its height.
fn row_layout(f: &Fonts, ws: &[f32], row: &[String], bold: bool) -> (Vec<Vec<String>>, f32) {
    let cells: Vec<Vec<String>> =
        row.iter().zip(ws).map(|(c, w)| text::wrap(c, w - 2.0 * PAD, &|s| f.width(s, CELL, bold))).collect();
    let n = cells.iter().map(Vec::len).max().unwrap_or(1).max(1);
    (cells, n as f32 * CELL * 1.4 + 2.0 * PAD)
}

/// Lay the document out and write it: cover, contents, body; header and footer on every
/// page after the cover.
pub fn render(doc: &Document) -> Vec<u8> {
    render_counted(doc).0
}

/// As `render`, with the number of pages.
pub fn render_counted(doc: &Document) -> (Vec<u8>, usize) {
    let (bytes, pages, _) = render_checked(doc);
    (bytes, pages)
}

/// As `render_counted`, with the characters the font could not draw (none in a good document).
pub fn render_checked(doc: &Document) -> (Vec<u8>, usize, Vec<char>) {
    // Dropped last, after everything below: see `memory`.
    let _permit = memory::permit();
    let fonts = fonts();
    let mut pdf = PdfDocument::new(&doc.title);
    let ids = (pdf.add_font(&fonts.regular), pdf.add_font(&fonts.bold));
    let mut flow = Flow {
        fonts,
        ids: &ids,
        pages: Vec::new(),
        y: TOP,
        toc: Vec::new(),
        section_pages: doc.section_pages,
        short_section: false,
        links: Vec::new(),
    };
    // The first body page, whatever the first block is.
    flow.new_page();
    for (i, b) in doc.blocks.iter().enumerate() {
        flow.block(b, &doc.blocks[i + 1..]);
    }
    // Cover and contents go in front: two pages.
    let front = 2usize;
    let total = flow.pages.len() + front;
    let mut cover = Canvas::new(fonts, &ids);
    draw_cover(&mut cover, doc);
    let mut toc = Canvas::new(fonts, &ids);
    let links = draw_toc(&mut toc, doc, &flow.toc, front);
    let mut all: Vec<Canvas> = vec![cover, toc];
    all.extend(flow.pages.into_iter().map(|p| p.canvas));
    let mut missing = std::collections::BTreeSet::new();
    let pages: Vec<PdfPage> = all
        .into_iter()
        .enumerate()
        .map(|(i, mut c)| {
            if i > 0 {
                decorate(&mut c, doc, i + 1, total);
            }
            missing.append(&mut c.missing);
            PdfPage::new(Mm(210.0), Mm(297.0), c.ops)
        })
        .collect();
    pdf.with_pages(pages);
    let mut warnings = Vec::new();
    let opts = PdfSaveOptions { image_optimization: None, ..Default::default() };
    let mut lo = printpdf::to_lopdf_doc(&pdf, &opts, &mut warnings);
    // A row refers to the first section whose heading reads as it says; none: no link.
    let rows: Vec<(usize, [f32; 4], usize)> = flow
        .links
        .iter()
        .filter_map(|l| flow.toc.iter().position(|e| e.title == l.heading).map(|i| (l.page + front, l.rect, i)))
        .collect();
    finish::finish(&mut lo, doc, &flow.toc, front, &links, &rows);
    if opts.optimize {
        lo.compress();
    }
    let mut out = Vec::new();
    // Writing into memory cannot fail.
    let _ = lo.save_to(&mut out);
    (out, total, missing.into_iter().collect())
}

fn decorate(c: &mut Canvas, doc: &Document, n: usize, total: usize) {
    // The running header stays on its line: the client at most half, the rest shortened.
    let f = c.fonts;
    let w = |s: &str| f.width(s, 8.0, false);
    let client = text::ellipsize(&doc.client, CONTENT_W * 0.45, &w);
    let head = format!("{} · {}", doc.project, doc.title);
    let head = text::ellipsize(&head, CONTENT_W - w(&client) - 16.0, &w);
    c.text(MARGIN_X, 30.0, &head, 8.0, false, MUTED);
    c.text_right(PAGE_W - MARGIN_X, 30.0, &client, 8.0, false, MUTED);
    c.line(MARGIN_X, 44.0, PAGE_W - MARGIN_X, 44.0, 0.5, RULE);
    c.line(MARGIN_X, PAGE_H - 44.0, PAGE_W - MARGIN_X, PAGE_H - 44.0, 0.5, RULE);
    let label = doc.page_label.replace("{x}", &n.to_string()).replace("{y}", &total.to_string());
    c.text_right(PAGE_W - MARGIN_X, PAGE_H - 38.0, &label, 8.0, false, MUTED);
    c.text(MARGIN_X, PAGE_H - 38.0, &format!("{} {}", doc.version, doc.date), 8.0, false, MUTED);
}

fn draw_cover(c: &mut Canvas, doc: &Document) {
    c.rect(0.0, 0.0, PAGE_W, 14.0, Some(ACCENT), None);
    c.text(MARGIN_X, 130.0, &doc.client, 14.0, false, MUTED);
    let f = c.fonts;
    let mut y = 160.0;
    for l in text::wrap(&doc.title, CONTENT_W, &|s| f.width(s, 28.0, true)) {
        c.text(MARGIN_X, y, &l, 28.0, true, ACCENT);
        y += 40.0;
    }
    c.text(MARGIN_X, y + 4.0, &doc.project, 15.0, false, INK);
    y += 60.0;
    c.line(MARGIN_X, y, PAGE_W - MARGIN_X, y, 0.8, RULE);
    y += 14.0;
    let values = [&doc.client, &doc.project, &doc.title, &doc.version, &doc.date, &doc.author];
    for (label, value) in doc.cover_labels.iter().zip(values) {
        c.text(MARGIN_X, y, label, 10.0, true, MUTED);
        c.text(MARGIN_X + 130.0, y, value, 10.0, false, INK);
        y += 20.0;
    }
    y += 30.0;
    c.text(MARGIN_X, y, &doc.approval_title, 12.0, true, ACCENT);
    y += 22.0;
    let ws = [0.3, 0.3, 0.22, 0.18].map(|w| w * CONTENT_W);
    let mut rows: Vec<[String; 4]> = vec![doc.approval_header.clone()];
    rows.extend(doc.approvals.iter().map(|(r, n)| [r.clone(), n.clone(), String::new(), String::new()]));
    for (i, row) in rows.iter().enumerate() {
        let h = if i == 0 { 20.0 } else { 30.0 };
        let mut x = MARGIN_X;
        for (cell, w) in row.iter().zip(ws) {
            c.rect(x, y, w, h, if i == 0 { Some((232, 238, 244)) } else { None }, Some(RULE));
            c.text(x + 5.0, y + 5.0, cell, 9.0, i == 0, INK);
            x += w;
        }
        y += h;
    }
}

/// The contents page; returns each line's clickable box (left, top, right, bottom in
/// top-left coordinates) with the index of its entry.
fn draw_toc(c: &mut Canvas, doc: &Document, toc: &[Entry], front: usize) -> Vec<([f32; 4], usize)> {
    let mut links = Vec::new();
    c.text(MARGIN_X, TOP, &doc.toc_title, 17.0, true, ACCENT);
    c.line(MARGIN_X, TOP + 28.0, PAGE_W - MARGIN_X, TOP + 28.0, 1.2, ACCENT);
    let mut y = TOP + 42.0;
    // One page of contents: level-2 entries are dropped when they would not fit.
    let fits_all = toc.len() as f32 * 17.0 < PAGE_H - BOTTOM - y;
    for (i, e) in toc.iter().enumerate().filter(|(_, e)| fits_all || e.level == 1) {
        if y > PAGE_H - BOTTOM - 17.0 {
            break;
        }
        let (x, size, bold) = if e.level == 1 { (MARGIN_X, 10.5, true) } else { (MARGIN_X + 16.0, 9.5, false) };
        let num = (e.page + front + 1).to_string();
        let nw = c.width(&num, size, bold);
        let max = PAGE_W - MARGIN_X - nw - 20.0 - x;
        let f = c.fonts;
        let line = text::ellipsize(&e.title, max, &|s| f.width(s, size, bold));
        links.push(([x - 2.0, y - 2.0, PAGE_W - MARGIN_X, y + size * 1.25], i));
        let tw = c.width(&line, size, bold);
        c.text(x, y, &line, size, bold, INK);
        c.polyline(
            &[(x + tw + 4.0, y + size * 0.85), (PAGE_W - MARGIN_X - nw - 4.0, y + size * 0.85)],
            0.5,
            RULE,
            Some(&[1.0, 2.0]),
        );
        c.text_right(PAGE_W - MARGIN_X, y, &num, size, bold, INK);
        y += 17.0;
    }
    links
}
