//! Charts: a small model per chart and renderers. The SVG renderer serves pages; a PDF
//! renderer can draw the same model later, so a page and its PDF never disagree.
pub mod org;
pub mod svg;
