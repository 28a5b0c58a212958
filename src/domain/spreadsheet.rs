//! Cells of exported spreadsheets: a text that a spreadsheet would read as a formula (`=`,
//! `+`, `-`, `@`, tab or carriage return first) is neutralised — in CSV with a leading
//! apostrophe, in XLSX written as text with the quote prefix — so opening an export never
//! runs what someone typed into a name. And the rows of an uploaded XLSX workbook, read as
//! the CSV parser's records, so both kinds of file go through one row parser.

/// A quoted CSV text cell, neutralised against formula injection.
pub fn csv_text(s: &str) -> String {
    format!("\"{}\"", neutralise(s).replace('"', "\"\""))
}

/// Whether a spreadsheet would take this text for a formula.
pub fn risky(s: &str) -> bool {
    s.starts_with(['=', '+', '-', '@', '\t', '\r'])
}

/// The text as a spreadsheet should store it.
pub fn neutralise(s: &str) -> std::borrow::Cow<'_, str> {
    if risky(s) { format!("'{s}").into() } else { s.into() }
}

/// Why a workbook could not be read (an i18n key).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum XlsxError {
    Unreadable,
    NoSheet,
}

impl XlsxError {
    pub fn key(self) -> &'static str {
        match self {
            XlsxError::Unreadable => "xlsx.err_unreadable",
            XlsxError::NoSheet => "xlsx.err_no_sheet",
        }
    }
}

/// Whether bytes look like an XLSX workbook (a ZIP file).
pub fn is_xlsx(bytes: &[u8]) -> bool {
    bytes.starts_with(b"PK\x03\x04")
}

/// The rows of the first worksheet as records `(line, cells)`, the line being the sheet's
/// row number (1-based, as Excel shows it) so messages name the row a user sees. Blank rows
/// are skipped, as the CSV parser skips blank lines. Numbers are written as a person would
/// type them (`12`, `0.25`), dates as `YYYY-MM-DD`, so the same validation reads them.
pub fn xlsx_records(bytes: &[u8]) -> Result<Vec<(usize, Vec<String>)>, XlsxError> {
    use calamine::{Data, Reader, Xlsx};
    let mut wb: Xlsx<_> = Xlsx::new(std::io::Cursor::new(bytes)).map_err(|_| XlsxError::Unreadable)?;
    let range = wb.worksheet_range_at(0).ok_or(XlsxError::NoSheet)?.map_err(|_| XlsxError::Unreadable)?;
    let (first_row, _) = range.start().unwrap_or((0, 0));
    let mut out = vec![];
    for (i, row) in range.rows().enumerate() {
        let cells: Vec<String> = row
            .iter()
            .map(|c| match c {
                Data::Empty => String::new(),
                Data::String(s) => s.clone(),
                Data::Float(f) => number_text(*f),
                Data::Int(n) => n.to_string(),
                Data::Bool(b) => b.to_string(),
                Data::DateTime(d) => match d.as_datetime() {
                    Some(dt) if dt.time() == chrono::NaiveTime::MIN => dt.date().to_string(),
                    Some(dt) => dt.to_string(),
                    None => d.as_f64().to_string(),
                },
                Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
                Data::Error(_) => String::new(),
            })
            .collect();
        if cells.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        out.push((first_row as usize + i + 1, cells));
    }
    Ok(out)
}

/// Records back to CSV text that `people::parse_csv` reads as the same records on the same
/// lines (blank lines where the sheet had blank rows). Every field quoted; not neutralised:
/// this is an import's own text, not an export.
pub fn to_csv(records: &[(usize, Vec<String>)]) -> String {
    let mut out = String::new();
    let mut line = 1;
    for (n, cells) in records {
        while line < *n {
            out.push('\n');
            line += 1;
        }
        let fields: Vec<String> = cells.iter().map(|c| format!("\"{}\"", c.replace('"', "\"\""))).collect();
        out.push_str(&fields.join(","));
        out.push('\n');
        line += 1 + cells.iter().map(|c| c.matches('\n').count()).sum::<usize>();
    }
    out
}

/// A cell's number as typed: no `.0` on whole numbers, no float noise (0.1 + 0.2).
fn number_text(f: f64) -> String {
    if f.fract() == 0.0 && f.abs() < 1e15 {
        format!("{}", f as i64)
    } else {
        let s = format!("{:.10}", f);
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    }
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

    #[test]
    fn workbook_rows_read_as_records() {
        use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};
        let mut wb = Workbook::new();
        let ws = wb.add_worksheet();
        ws.write_string(0, 0, "target").unwrap();
        ws.write_string(0, 1, "date").unwrap();
        ws.write_string(1, 0, "NPS").unwrap();
        let d = ExcelDateTime::from_ymd(2026, 3, 31).unwrap();
        ws.write_date_with_format(1, 1, &d, &Format::new().set_num_format("yyyy-mm-dd")).unwrap();
        ws.write_number(1, 2, 42.0).unwrap();
        ws.write_number(1, 3, 0.1 + 0.2).unwrap();
        // Row 3 blank; row 4 (line 4) has a value.
        ws.write_string(3, 0, "=1+1").unwrap();
        let bytes = wb.save_to_buffer().unwrap();
        assert!(is_xlsx(&bytes));
        let recs = xlsx_records(&bytes).unwrap();
        assert_eq!(recs[0], (1, vec!["target".into(), "date".into(), "".into(), "".into()]));
        assert_eq!(recs[1], (2, vec!["NPS".into(), "2026-03-31".into(), "42".into(), "0.3".into()]));
        assert_eq!(recs[2].0, 4);
        assert_eq!(recs[2].1[0], "=1+1");
        assert_eq!(xlsx_records(b"name,side\n"), Err(XlsxError::Unreadable));
        // Back to CSV: the same records on the same lines.
        let csv = to_csv(&recs);
        assert_eq!(crate::domain::people::parse_csv(&csv).unwrap(), recs);
        assert!(!is_xlsx(b"name,side"));
    }
}
