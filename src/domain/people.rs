//! People of a project: validating one person (form or CSV row) and reading a CSV file of
//! people. Pure; the service stores what passes.
use super::org::{DEPARTMENTS, SIDES, parse_department, parse_side};
use super::validation::{FieldErrors, required_text};
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct RawPerson {
    pub name: String,
    pub title: String,
    pub department: String,
    pub side: String,
    pub email: String,
    pub phone: String,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PersonInput {
    pub name: String,
    pub title: String,
    pub department: &'static str,
    pub side: &'static str,
    pub email: String,
    pub phone: String,
}

fn optional_text(e: &mut FieldErrors, field: &str, raw: &str, max: usize) -> String {
    let v = raw.trim();
    if v.chars().count() > max {
        e.add(field, "err.too_long");
    } else if v.chars().any(char::is_control) {
        e.add(field, "err.control_chars");
    }
    v.to_string()
}

/// Check one person. Department and side accept codes or their English/Chinese names.
pub fn validate(raw: &RawPerson) -> Result<PersonInput, FieldErrors> {
    let mut e = FieldErrors::default();
    let name = required_text(&mut e, "name", &raw.name, 200);
    let title = optional_text(&mut e, "title", &raw.title, 200);
    let department = parse_department(&raw.department).filter(|d| DEPARTMENTS.contains(d));
    if department.is_none() {
        e.add("department", if raw.department.trim().is_empty() { "err.required" } else { "err.choose_from_list" });
    }
    let side = parse_side(&raw.side).filter(|s| SIDES.contains(s));
    if side.is_none() {
        e.add("side", if raw.side.trim().is_empty() { "err.required" } else { "err.choose_from_list" });
    }
    let email = optional_text(&mut e, "email", &raw.email, 254);
    if !email.is_empty() && !is_email(&email) {
        e.add("email", "err.email");
    }
    let phone = optional_text(&mut e, "phone", &raw.phone, 64);
    if !phone.chars().all(|c| c.is_ascii_digit() || " +-()".contains(c)) {
        e.add("phone", "err.phone");
    }
    e.into_result(PersonInput {
        name,
        title,
        department: department.unwrap_or("other"),
        side: side.unwrap_or("client"),
        email,
        phone,
    })
}

fn is_email(s: &str) -> bool {
    let Some((local, domain)) = s.split_once('@') else { return false };
    !local.is_empty() && domain.contains('.') && !domain.starts_with('.') && !domain.ends_with('.') && !s.contains(' ')
}

/// Split CSV text into records (RFC 4180: quoted fields with `""` escapes, CRLF or LF).
/// A leading UTF-8 byte-order mark is dropped; blank lines are skipped. Each record keeps
/// the line number it starts on, for messages. Err(line) for an unterminated quote.
pub fn parse_csv(text: &str) -> Result<Vec<(usize, Vec<String>)>, usize> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut out = vec![];
    let mut record: Vec<String> = vec![];
    let mut field = String::new();
    let mut quoted = false;
    let mut line = 1;
    let mut start = 1;
    let mut chars = text.chars().peekable();
    let mut finish = |record: &mut Vec<String>, field: &mut String, start: usize| {
        record.push(std::mem::take(field));
        let r = std::mem::take(record);
        if !(r.len() == 1 && r[0].trim().is_empty()) {
            out.push((start, r));
        }
    };
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
                field.push('"');
            }
            (true, '"') => quoted = false,
            (true, c) => {
                if c == '\n' {
                    line += 1;
                }
                field.push(c);
            }
            (false, '"') if field.trim().is_empty() => {
                field.clear();
                quoted = true;
            }
            (false, ',') => record.push(std::mem::take(&mut field)),
            (false, '\r') if chars.peek() == Some(&'\n') => {}
            (false, '\n') => {
                finish(&mut record, &mut field, start);
                line += 1;
                start = line;
            }
            (false, c) => field.push(c),
        }
    }
    if quoted {
        return Err(start);
    }
    if !field.is_empty() || !record.is_empty() {
        finish(&mut record, &mut field, start);
    }
    Ok(out)
}

/// The columns a people file has, with the header names accepted for each.
const COLUMNS: &[(&str, &[&str])] = &[
    ("name", &["name", "姓名"]),
    ("title", &["title", "职务", "职位"]),
    ("department", &["department", "部门"]),
    ("side", &["side", "方", "所属方", "单位"]),
    ("email", &["email", "e-mail", "邮箱", "电子邮件"]),
    ("phone", &["phone", "电话", "手机"]),
];

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ImportRow {
    /// Line in the file (the header is line 1).
    pub line: usize,
    pub raw: RawPerson,
    pub errors: FieldErrors,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ImportPreview {
    pub rows: Vec<ImportRow>,
    /// A problem with the file as a whole (i18n key), in which case no row is read.
    pub file_error: Option<&'static str>,
    pub file_error_line: usize,
}

impl ImportPreview {
    pub fn valid(&self) -> bool {
        self.file_error.is_none() && !self.rows.is_empty() && self.rows.iter().all(|r| r.errors.is_empty())
    }
    pub fn inputs(&self) -> Vec<PersonInput> {
        self.rows.iter().filter_map(|r| validate(&r.raw).ok()).collect()
    }
}

pub const IMPORT_MAX_ROWS: usize = 2_000;

/// Read a people file: a header row naming the columns (English or Chinese, any order;
/// `name`, `department` and `side` required), then one person per row, each checked.
pub fn preview(text: &str) -> ImportPreview {
    match parse_csv(text) {
        Ok(r) => preview_records(&r),
        Err(line) => fail("import.err_quote", line),
    }
}

fn fail(key: &'static str, line: usize) -> ImportPreview {
    ImportPreview { rows: vec![], file_error: Some(key), file_error_line: line }
}

/// Read the first worksheet of an XLSX workbook as a people file (the same header, the same
/// checks, the sheet's row numbers in messages).
pub fn preview_xlsx(bytes: &[u8]) -> ImportPreview {
    match crate::domain::spreadsheet::xlsx_records(bytes) {
        Ok(r) => preview_records(&r),
        Err(e) => fail(e.key(), 1),
    }
}

/// The one row parser of people files, CSV or XLSX: `(line, cells)` records, the first the
/// header.
pub fn preview_records(records: &[(usize, Vec<String>)]) -> ImportPreview {
    let Some(((hline, header), rows)) = records.split_first() else {
        return fail("import.err_empty", 1);
    };
    let mut index: Vec<Option<usize>> = vec![None; COLUMNS.len()];
    for (i, h) in header.iter().enumerate() {
        let h = h.trim().to_lowercase();
        if let Some(c) = COLUMNS.iter().position(|(_, names)| names.contains(&h.as_str())) {
            index[c] = Some(i);
        }
    }
    if index[0].is_none() || index[2].is_none() || index[3].is_none() {
        return fail("import.err_header", *hline);
    }
    if rows.len() > IMPORT_MAX_ROWS {
        return fail("import.err_too_many", *hline);
    }
    let rows = rows
        .iter()
        .map(|(line, rec)| {
            let col = |c: usize| index[c].and_then(|i| rec.get(i)).cloned().unwrap_or_default();
            let raw = RawPerson {
                name: col(0),
                title: col(1),
                department: col(2),
                side: col(3),
                email: col(4),
                phone: col(5),
            };
            let errors = validate(&raw).err().unwrap_or_default();
            ImportRow { line: *line, raw, errors }
        })
        .collect();
    ImportPreview { rows, file_error: None, file_error_line: 0 }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_records() {
        let r = parse_csv("\u{feff}a,b\r\n\"x, y\",\"say \"\"hi\"\"\"\n\n\"multi\nline\",z").unwrap();
        assert_eq!(r[0], (1, vec!["a".to_string(), "b".into()]));
        assert_eq!(r[1], (2, vec!["x, y".to_string(), "say \"hi\"".into()]));
        assert_eq!(r[2], (4, vec!["multi\nline".to_string(), "z".into()]));
        assert_eq!(parse_csv("a,\"b\nc"), Err(1));
    }

    #[test]
    fn preview_reads_chinese_headers_and_names() {
        let p = preview("\u{feff}姓名,职务,部门,方,邮箱,电话\n张伟,总经理,管理层,客户,zw@x.cn,138 0000 0000\n");
        assert!(p.valid(), "{p:?}");
        let i = &p.inputs()[0];
        assert_eq!((i.name.as_str(), i.department, i.side), ("张伟", "management", "client"));
    }

    #[test]
    fn preview_names_the_bad_row() {
        let p = preview("name,department,side,email\nAnn,sales,client,ann@x.com\nBob,mining,client,bob\n");
        assert!(!p.valid());
        assert!(p.rows[0].errors.is_empty());
        let bad = &p.rows[1];
        assert_eq!(bad.line, 3);
        let fields: Vec<_> = bad.errors.0.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["department", "email"]);
    }

    #[test]
    fn preview_file_problems() {
        assert_eq!(preview("").file_error, Some("import.err_empty"));
        assert_eq!(preview("foo,bar\n1,2").file_error, Some("import.err_header"));
        assert!(!preview("name,department,side\n").valid());
    }

    #[test]
    fn person_rules() {
        let ok = RawPerson {
            name: "王芳".into(),
            department: "marketing".into(),
            side: "client".into(),
            phone: "+86 (20) 1234-5678".into(),
            ..Default::default()
        };
        assert!(validate(&ok).is_ok());
        let bad = RawPerson { name: " ".into(), phone: "call me".into(), ..ok };
        let fields: Vec<_> = validate(&bad).unwrap_err().0.into_iter().map(|e| e.field).collect();
        assert_eq!(fields, ["name", "phone"]);
    }
}
