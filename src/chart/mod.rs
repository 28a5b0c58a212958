//! Charts as data, drawn by renderers: `svg` for pages (and later a PDF renderer from the
//! same model), so a page and its document never disagree.
pub mod gantt;
pub mod line;
pub mod svg;
