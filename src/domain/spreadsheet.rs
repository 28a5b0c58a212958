//! Cells of exported spreadsheets (CSV now, any XLSX later): a text that a spreadsheet
//! would read as a formula (`=`, `+`, `-`, `@`, tab or carriage return first) is neutralised
//! with a leading apostrophe, so opening an export never runs what someone typed into a name.

/// A quoted CSV text cell, neutralised against formula injection.
pub fn csv_text(s: &str) -> String {
    format!("\"{}\"", neutralise(s).replace('"', "\"\""))
}

/// The text as a spreadsheet should store it.
pub fn neutralise(s: &str) -> std::borrow::Cow<'_, str> {
    if s.starts_with(['=', '+', '-', '@', '\t', '\r']) { format!("'{s}").into() } else { s.into() }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_are_neutralised() {
        for (raw, want) in [
            ("=HYPERLINK(\"http://evil\",\"x\")", "\"'=HYPERLINK(\"\"http://evil\"\",\"\"x\"\")\""),
            ("+1+1", "\"'+1+1\""),
            ("-2+3", "\"'-2+3\""),
            ("@SUM(A1)", "\"'@SUM(A1)\""),
            ("\tx", "\"'\tx\""),
            ("\rx", "\"'\rx\""),
            ("需求分析", "\"需求分析\""),
            ("a=b", "\"a=b\""),
            ("", "\"\""),
        ] {
            assert_eq!(csv_text(raw), want, "{raw:?}");
        }
    }
}
