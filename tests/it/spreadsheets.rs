//! Excel in and out (issue 17): workbooks read back with calamine hold the figures the
//! pages show; the business case's totals, present values and NPV are formulas that
//! recompute (with LibreOffice headless when installed); XLSX imports go through the same
//! row parsers as CSV, all or nothing, with the sheet's row numbers in messages.
use crate::harness::*;
use axum::http::StatusCode;
use calamine::{Data, Reader, Xlsx};
use std::io::Cursor;

fn book(bytes: &[u8]) -> Xlsx<Cursor<Vec<u8>>> {
    Xlsx::new(Cursor::new(bytes.to_vec())).expect("a readable workbook")
}

/// Cell text as a person reads it (numbers without float noise).
fn text(d: &Data) -> String {
    match d {
        Data::Float(f) if f.fract() == 0.0 => format!("{}", *f as i64),
        Data::Float(f) => format!("{f}"),
        Data::Empty => String::new(),
        other => other.to_string(),
    }
}

fn rows(bytes: &[u8], sheet: usize) -> Vec<Vec<String>> {
    let mut b = book(bytes);
    let r = b.worksheet_range_at(sheet).unwrap().unwrap();
    r.rows().map(|row| row.iter().map(text).collect()).collect()
}

fn xlsx_download(r: &Resp) -> Vec<u8> {
    assert_eq!(r.status, StatusCode::OK, "{}", &r.body[..r.body.len().min(500)]);
    assert_eq!(
        r.headers.get("content-type").unwrap(),
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    );
    assert!(r.headers.get("content-disposition").unwrap().to_str().unwrap().starts_with("attachment; filename="));
    r.bytes.clone()
}

fn bc(p: i32, rest: &str) -> String {
    format!("/projects/{p}/business-case{rest}")
}

/// The textbook case of `business_case.rs`: 3 years at 10%; costs 10,000 once and 1,000 a
/// year; a 6,000 a year benefit; an intangible benefit left out. Net flows
/// [-11000, 5000, 5000, 5000]... as the page computes them (see that test's figures).
async fn textbook_case(team: &mut Team, t: &TestApp) -> String {
    let p = team.project;
    let d = &mut team.director;
    d.get(&bc(p, "")).await;
    d.post(&bc(p, ""), &[]).await.assert_redirect();
    let sid =
        t.count(&format!("SELECT CAST(MIN(id) AS BIGINT) FROM bc_scenarios WHERE project_id = {p}")).await.to_string();
    let scenario = [
        ("name", "Expected"),
        ("horizon", "3"),
        ("rate", "10"),
        ("start_year", "2026"),
        ("cost_factor", "100"),
        ("benefit_factor", "100"),
        ("version", "1"),
    ];
    d.post(&bc(p, &format!("/scenarios/{sid}")), &scenario).await.assert_redirect();
    for (cat, desc, rec, amount) in [
        ("implementation", "=HYPERLINK(\"http://evil.example\",\"Partner\")", "one_time", "10,000.00"),
        ("software", "Licences", "recurring", "1000"),
    ] {
        let f = [("category", cat), ("description", desc), ("recurrence", rec), ("amount", amount), ("growth", "")];
        d.post(&bc(p, "/costs"), &f).await.assert_redirect();
    }
    let benefit = [
        ("kind", "cost_reduction"),
        ("description", "Fewer repeat visits"),
        ("amount", "6,000"),
        ("risk", "0"),
        ("growth", "0"),
        ("first_year", "1"),
    ];
    d.post(&bc(p, "/benefits"), &benefit).await.assert_redirect();
    let intangible = [("kind", "intangible"), ("description", "Customer loyalty"), ("amount", "50,000"), ("risk", "")];
    d.post(&bc(p, "/benefits"), &intangible).await.assert_redirect();
    sid
}

fn find<'a>(rows: &'a [Vec<String>], label: &str) -> &'a Vec<String> {
    rows.iter().find(|r| r.first().is_some_and(|c| c == label)).unwrap_or_else(|| panic!("row {label}"))
}

#[tokio::test]
async fn the_business_case_workbook_holds_the_page_s_figures_as_formulas() {
    on_each_db(|t| async move {
        let mut team = team(&t).await;
        let p = team.project;
        let sid = textbook_case(&mut team, &t).await;
        let page = team.director.get(&bc(p, &format!("?scenario={sid}"))).await;
        assert!(
            page.body.contains("¥2,434.27") && page.body.contains("¥13,000.00") && page.body.contains("¥18,000.00")
        );
        assert!(
            page.body.contains(&format!("/projects/{p}/business-case.xlsx?scenario={sid}")),
            "download link on the page"
        );

        let bytes = xlsx_download(&team.viewer.get(&bc(p, &format!(".xlsx?scenario={sid}"))).await);
        let r = rows(&bytes, 0);
        // The cached results are Ninefold's figures, to the fen.
        assert_eq!(find(&r, "NPV")[1], "2434.27");
        assert_eq!(find(&r, "Total cost of ownership (nominal)")[1], "13000");
        assert_eq!(find(&r, "Benefits (nominal)")[1], "18000");
        assert_eq!(find(&r, "Total cost of ownership (present value)")[1], "12486.85");
        assert_eq!(find(&r, "Benefits (present value)")[1], "14921.12");
        // Yearly rows: Y0..Y3 then the total.
        assert_eq!(find(&r, "Costs")[2..7], ["10000", "1000", "1000", "1000", "13000"]);
        assert_eq!(find(&r, "Net cash flow")[2..6], ["-10000", "5000", "5000", "5000"]);
        // The intangible line is listed but not in the benefits row.
        assert!(r.iter().any(|row| row[0] == "Customer loyalty" && row[1].contains("not counted")));
        assert_eq!(find(&r, "Benefits")[2..7], ["0", "6000", "6000", "6000", "18000"]);
        // A description that looks like a formula stays text.
        assert!(r.iter().any(|row| row[0].starts_with("=HYPERLINK(")));

        // The figures are formulas over the flows, for finance to audit.
        let mut b = book(&bytes);
        let name = b.sheet_names()[0].clone();
        let f = b.worksheet_formula(&name).unwrap();
        let formulas: Vec<String> = f.rows().flat_map(|row| row.iter().cloned()).filter(|s| !s.is_empty()).collect();
        assert!(formulas.iter().any(|s| s.starts_with("SUM(") || s.starts_with("=SUM(")), "{formulas:?}");
        assert!(formulas.iter().any(|s| s.contains("ROUND(") && s.contains("*")), "PV per year rounded to the fen");
        assert!(formulas.iter().any(|s| s.contains("1/(1+$B$2)^")), "discount factors from the rate cell");
        assert!(formulas.iter().any(|s| s.contains("IRR(")));
        assert!(formulas.iter().any(|s| s.contains("NPV(")));
        // No cell of the export is a formula made of what a user typed.
        assert!(!formulas.iter().any(|s| s.contains("HYPERLINK")));

        // Recomputed by LibreOffice (when installed), the formulas give the same figures.
        // The workbook without cached results (every formula cell 0) proves the figures come
        // from the formulas.
        let project = ninefold::service::projects::get(&t.db.conn, p).await.unwrap();
        let today = ninefold::service::clock::today(&project);
        let view = ninefold::service::business_case::view(&t.db.conn, &project, sid.parse().ok(), today)
            .await
            .unwrap()
            .unwrap();
        let bare = ninefold::report::xlsx::business_case_formulas_only(&view, ninefold::i18n::Lang::En).unwrap();
        assert_eq!(find(&rows(&bare, 0), "NPV")[1], "0", "no cached result");
        if let Some(csv) = libreoffice_csv(&bare) {
            let lo: Vec<Vec<String>> =
                ninefold::domain::people::parse_csv(&csv).unwrap().into_iter().map(|(_, r)| r).collect();
            let npv = find(&lo, "NPV")[1].replace([',', '¥'], "");
            assert_eq!(npv.parse::<f64>().unwrap(), 2434.27, "LibreOffice recomputed NPV");
            let tco = find(&lo, "Total cost of ownership (present value)")[1].replace([',', '¥'], "");
            assert_eq!(tco.parse::<f64>().unwrap(), 12486.85);
        }

        // Chinese headings for a Chinese reader; the same figures.
        team.director.lang = Some("zh-CN".into());
        let zh = rows(&xlsx_download(&team.director.get(&bc(p, &format!(".xlsx?scenario={sid}"))).await), 0);
        assert_eq!(find(&zh, "净现值（NPV）")[1], "2434.27");
        assert_eq!(book(&xlsx_download(&team.director.get(&bc(p, ".xlsx")).await)).sheet_names()[0], "商业论证");
        // Not a member: not found.
        assert_eq!(team.outsider.get(&bc(p, ".xlsx")).await.status, StatusCode::NOT_FOUND);
    })
    .await;
}

/// `libreoffice --headless --convert-to csv` of a workbook (recalculating its formulas), or
/// `None` when LibreOffice is not installed.
fn libreoffice_csv(bytes: &[u8]) -> Option<String> {
    let bin = ["libreoffice", "soffice"]
        .into_iter()
        .find(|b| std::process::Command::new(b).arg("--version").output().is_ok_and(|o| o.status.success()))?;
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path().join("case.xlsx");
    std::fs::write(&src, bytes).unwrap();
    let profile = format!("-env:UserInstallation=file://{}", dir.path().join("profile").display());
    // Recalculate every formula on load (LibreOffice trusts an Excel file's cached results
    // otherwise): OOXMLRecalcMode 0 = always.
    std::fs::create_dir_all(dir.path().join("profile/user")).unwrap();
    std::fs::write(
        dir.path().join("profile/user/registrymodifications.xcu"),
        r#"<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>0</value></prop></item>
</oor:items>"#,
    )
    .unwrap();
    let out = std::process::Command::new(bin)
        .args([
            profile.as_str(),
            "--headless",
            "--convert-to",
            "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false",
            "--outdir",
        ])
        .arg(dir.path())
        .arg(&src)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    Some(std::fs::read_to_string(dir.path().join("case.csv")).unwrap())
}

#[tokio::test]
async fn registers_and_plans_read_back_as_the_pages_show_them() {
    on_each_db(|t| async move {
        let mut team = team(&t).await;
        let p = team.project;
        // A risk of the team's own, rated 3 × 5, with a formula-like owner.
        team.director.get(&format!("/projects/{p}/risks")).await;
        team.director
            .post(
                &format!("/projects/{p}/risks"),
                &[
                    ("title", "Dealer ERP interface late"),
                    ("category", "technology"),
                    ("probability", "3"),
                    ("impact", "5"),
                    ("owner", "@IT"),
                    ("status", "open"),
                ],
            )
            .await
            .assert_redirect();
        let page = team.viewer.get(&format!("/projects/{p}/risks")).await;
        assert!(page.body.contains(&format!("/projects/{p}/risks.xlsx")));
        let r = rows(&xlsx_download(&team.viewer.get(&format!("/projects/{p}/risks.xlsx")).await), 0);
        assert_eq!(r[0][..6], ["#", "Title", "Category", "Probability", "Impact", "Score"]);
        let row = r.iter().find(|row| row[1] == "Dealer ERP interface late").expect("risk exported");
        assert_eq!(row[3..7], ["3", "5", "15", "@IT"]);
        // 11 pre-loaded failure factors plus ours, as the register lists them.
        assert_eq!(r.len(), 1 + 12);

        // The schedule: the same activities and dates as the CSV export (one view).
        let csv = team.viewer.get(&format!("/projects/{p}/schedule.csv")).await.body;
        let s = rows(&xlsx_download(&team.viewer.get(&format!("/projects/{p}/schedule.xlsx")).await), 0);
        let csv_rows: Vec<Vec<String>> =
            ninefold::domain::people::parse_csv(&csv).unwrap().into_iter().skip(1).map(|(_, r)| r).collect();
        assert_eq!(s.len() - 1, csv_rows.len());
        for (x, c) in s.iter().skip(1).zip(&csv_rows) {
            assert_eq!(x[2], c[2], "name");
            let start = calamine_date(&x[3]);
            assert_eq!(start, c[4], "start of {}", x[2]);
            assert_eq!(x[5], c[6], "working days of {}", x[2]);
        }

        // People and training plan.
        team.director.get(&format!("/projects/{p}/people/import")).await;
        team.director
            .post(
                &format!("/projects/{p}/people/import"),
                &[
                    ("csv", "name,title,department,side,email\n王芳,项目总监,management,client,wang@t.example\n"),
                    ("action", "import"),
                ],
            )
            .await
            .assert_redirect();
        let people = rows(&xlsx_download(&team.viewer.get(&format!("/projects/{p}/people.xlsx")).await), 0);
        assert!(people.iter().any(|r| r[0] == "王芳" && r[1] == "项目总监" && r[4] == "wang@t.example"));
        let tr = rows(&xlsx_download(&team.viewer.get(&format!("/projects/{p}/training.xlsx")).await), 0);
        assert_eq!(tr[0][0], "Date");
    })
    .await;
}

/// calamine reads a date cell as its serial number or as text; either way as `YYYY-MM-DD`.
fn calamine_date(s: &str) -> String {
    match s.parse::<f64>() {
        Ok(serial) => {
            (chrono::NaiveDate::from_ymd_opt(1899, 12, 30).unwrap() + chrono::Duration::days(serial as i64)).to_string()
        }
        Err(_) => s[..10].to_string(),
    }
}

fn workbook(rows: &[&[&str]]) -> Vec<u8> {
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    for (r, row) in rows.iter().enumerate() {
        for (c, v) in row.iter().enumerate() {
            if v.is_empty() {
                continue;
            }
            match v.parse::<f64>() {
                Ok(n) => ws.write_number(r as u32, c as u16, n).unwrap(),
                Err(_) => ws.write_string(r as u32, c as u16, *v).unwrap(),
            };
        }
    }
    wb.save_to_buffer().unwrap()
}

#[tokio::test]
async fn xlsx_imports_share_the_csv_row_parsers_all_or_nothing() {
    on_each_db(|t| async move {
        let mut team = team(&t).await;
        let p = team.project;
        // People: row 3 lacks its side; row 4 is blank; row 5 has a bad e-mail. Nothing is
        // imported, and the messages name the sheet's rows, in both languages.
        let bad = workbook(&[
            &["name", "title", "department", "side", "email"],
            &["李娜", "顾问", "it", "consultancy", "li.na@t.example"],
            &["赵敏", "经理", "sales", "", ""],
            &[],
            &["陈杰", "", "service", "client", "not-an-email"],
        ]);
        team.consultant.get(&format!("/projects/{p}/people/import")).await;
        let r = team
            .consultant
            .post_multipart(&format!("/projects/{p}/people/import.xlsx"), &[], Some(("file", &bad)))
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.body.contains("id=\"line-3\"") && r.body.contains("id=\"line-5\""), "sheet rows named");
        assert!(!r.body.contains("id=\"line-4\""));
        assert!(r.body.contains("Line 3, "), "the row's message names it");
        assert_eq!(t.count(&format!("SELECT COUNT(*) FROM people WHERE project_id = {p}")).await, 0);
        // In Chinese (the form post of the same rows: the harness's upload sends no language).
        let csv_of_bad =
            ninefold::domain::spreadsheet::to_csv(&ninefold::domain::spreadsheet::xlsx_records(&bad).unwrap());
        team.consultant.lang = Some("zh-CN".into());
        let r = team
            .consultant
            .post(&format!("/projects/{p}/people/import"), &[("csv", &csv_of_bad), ("action", "preview")])
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            r.body.contains("第 3 行，") && r.body.contains("id=\"line-5\""),
            "Chinese messages name the sheet's rows"
        );
        team.consultant.lang = None;
        // Not a workbook.
        let r = team
            .consultant
            .post_multipart(&format!("/projects/{p}/people/import.xlsx"), &[], Some(("file", b"PK\x03\x04junk")))
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.body.contains("not a readable Excel workbook"));
        // A good workbook previews, then imports through the same confirmed post as CSV.
        let good = workbook(&[
            &["姓名", "职务", "部门", "所属方", "邮箱"],
            &["李娜", "顾问", "it", "consultancy", "li.na@t.example"],
            &["赵敏", "经理", "sales", "client", ""],
        ]);
        let r = team
            .consultant
            .post_multipart(&format!("/projects/{p}/people/import.xlsx"), &[], Some(("file", &good)))
            .await;
        assert_eq!(r.status, StatusCode::OK);
        let i = r.body.find("id=\"csv-text\" spellcheck=\"false\">").unwrap() + 33;
        let csv =
            r.body[i..i + r.body[i..].find("</textarea>").unwrap()].replace("&quot;", "\"").replace("&#x2f;", "/");
        team.consultant
            .post(&format!("/projects/{p}/people/import"), &[("csv", &csv), ("action", "import")])
            .await
            .assert_redirect();
        assert_eq!(t.count(&format!("SELECT COUNT(*) FROM people WHERE project_id = {p}")).await, 2);
        assert_eq!(
            t.count(&format!("SELECT COUNT(*) FROM audit_log WHERE project_id = {p} AND entity = 'person'")).await,
            2
        );
        // A viewer may not import.
        team.viewer.get(&format!("/projects/{p}")).await;
        let r =
            team.viewer.post_multipart(&format!("/projects/{p}/people/import.xlsx"), &[], Some(("file", &good))).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);

        // Measurements: the same parser as CSV; a bad row names its sheet row; all or nothing.
        crate::targets::new_target(&mut team.director, p, crate::targets::TARGET).await;
        let key = "service-cost".to_string();
        let before = t.count(&format!("SELECT COUNT(*) FROM measurements WHERE project_id = {p}")).await;
        let bad = workbook(&[
            &["target", "date", "value", "note"],
            &[&key, "2026-04-30", "31", "April"],
            &[&key, "2026-05-32", "33", ""],
        ]);
        team.consultant.get(&format!("/projects/{p}/targets")).await;
        let r =
            team.consultant.post_multipart(&format!("/projects/{p}/targets/import"), &[], Some(("file", &bad))).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.body.contains("Line 3"), "the sheet's row 3 is named");
        assert_eq!(t.count(&format!("SELECT COUNT(*) FROM measurements WHERE project_id = {p}")).await, before);
        let good = workbook(&[
            &["target", "date", "value", "note"],
            &[&key, "2026-04-30", "31.5", "April"],
            &[],
            &[&key, "2026-05-31", "33", "May"],
        ]);
        let r =
            team.consultant.post_multipart(&format!("/projects/{p}/targets/import"), &[], Some(("file", &good))).await;
        r.assert_redirect();
        assert_eq!(
            t.count(&format!("SELECT COUNT(*) FROM measurements WHERE project_id = {p} AND source = 'xlsx'")).await,
            2
        );
        assert_eq!(
            t.count(&format!(
                "SELECT COUNT(*) FROM audit_log WHERE project_id = {p} AND entity = 'measurement' AND action = 'create'"
            ))
            .await,
            before + 2
        );
        // Read back: the targets workbook lists them on its measurements sheet.
        let m = rows(&xlsx_download(&team.viewer.get(&format!("/projects/{p}/targets.xlsx")).await), 1);
        assert!(m.iter().any(|r| r[0] == key && r[2] == "31.5" && r[3] == "Excel import" && r[4] == "April"));
    })
    .await;
}
