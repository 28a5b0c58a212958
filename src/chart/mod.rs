//! Charts as data, drawn by renderers: SVG for pages (and later a PDF renderer from the same
//! models), so a page and its document never disagree.
pub mod fishbone;
pub mod fishbone_pdf;
pub mod gantt;
pub mod gantt_pdf;
pub mod line;
pub mod line_pdf;
pub mod matrix;
pub mod money;
pub mod money_pdf;
pub mod money_svg;
pub mod org;
pub mod org_pdf;
pub mod realised;
pub mod svg;
pub mod swimlane;
pub mod swimlane_pdf;

pub use money::{BarChart, CashFlowChart, Tornado, compact};
