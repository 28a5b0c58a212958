//! Consistency of the business_case figures across surfaces (see ../consistency.rs): NPV,
//! ROI, IRR, payback and TCO of the case page, `GET /api/v1/projects/{id}/business-case`,
//! the business-case PDF and the review pack PDF are the same strings of the same numbers,
//! made once by `service::business_case::view`.
use super::*;
use crate::harness::on_each_db;
use serde_json::Value;

async fn api(c: &mut Client, p: i32) -> Value {
    let r = c.get(&format!("/api/v1/projects/{p}/business-case")).await;
    assert_eq!(r.status, 200, "{}", r.body);
    serde_json::from_str(&r.body).expect("JSON")
}

fn s(v: &Value) -> String {
    v.as_str().unwrap_or_else(|| panic!("a string, found {v}")).to_string()
}

/// The headline figures as the page shows them (English).
fn headline(v: &Value) -> Vec<(&'static str, String)> {
    let f = &v["figures"];
    let mut out = vec![
        ("NPV", s(&f["npv"])),
        ("TCO", s(&f["tco_nominal"])),
        // Present values appear on the page's cards only, in whole units.
        ("TCO PV", s(&f["card"]["tco_pv"])),
        ("benefits PV", s(&f["card"]["benefits_pv"])),
        ("benefits", s(&f["benefits_nominal"])),
    ];
    if let Some(roi) = f["roi"].as_str() {
        out.push(("ROI", roi.to_string()));
    }
    if let Some(irr) = f["irr"]["rate"].as_str() {
        out.push(("IRR", irr.to_string()));
    }
    match f["payback_months"].as_str() {
        Some(n) => out.push(("payback", format!("{n} months"))),
        None => out.push(("payback", "not within the horizon".into())),
    }
    out
}

async fn figures_agree(c: &mut Client, p: i32) -> Value {
    let v = api(c, p).await;
    let page = c.get(&format!("/projects/{p}/business-case")).await;
    assert_eq!(page.status, 200);
    let case_pdf = squeezed(&document_text(c, p, Kind::BusinessCase, Lang::En).await);
    let review_pdf = squeezed(&document_text(c, p, Kind::Review, Lang::En).await);
    for (what, text) in headline(&v) {
        assert!(page.body.contains(&text), "case page lacks {what} {text}");
        assert!(case_pdf.contains(&squeezed(&text)), "business-case PDF lacks {what} {text}:\n{case_pdf}");
        assert!(review_pdf.contains(&squeezed(&text)), "review pack PDF lacks {what} {text}:\n{review_pdf}");
    }
    // The KPI cards are the same figures, in whole units.
    let card = s(&v["figures"]["card"]["npv"]);
    assert!(page.body.contains(&format!(
        "id=\"npv\" class=\"{}\" title=\"{}\">{card}</strong>",
        if v["figures"]["npv_negative"].as_bool().unwrap() { "neg" } else { "" },
        s(&v["figures"]["npv"])
    )));
    // Every year of the cash flow: the page's table and the PDF's.
    for y in v["years"].as_array().unwrap() {
        let cum = s(&y["cumulative"]);
        assert!(page.body.contains(&cum), "page year {y}");
        assert!(case_pdf.contains(&squeezed(&cum)), "PDF year {y}");
    }
    // ROI to date comes from the view too.
    let roi_to_date = v["to_date"]["roi"].as_str().map(str::to_string);
    if let Some(r) = &roi_to_date {
        assert!(page.body.contains(&format!("id=\"roi-to-date\">{r}</span>")), "ROI to date {r}");
    }
    // The cash-flow chart model is the view's: its payback caption is the page's.
    if let Some(n) = v["figures"]["payback_months"].as_str() {
        assert!(page.body.contains(&format!("Payback: {n} months")));
    }
    v
}

/// The defects: the business-case PDF printed whole-unit NPV/TCO and ROI without decimals
/// where the page shows cents and one decimal, and the review pack had no business case.
#[tokio::test]
async fn demo_case_figures_agree_on_page_api_and_pdfs() {
    on_each_db(|t| async move {
        let p = demo(&t).await;
        let mut c = demo_director(&t).await;
        let v = figures_agree(&mut c, p).await;
        assert!(v["figures"]["roi"].is_string() && v["figures"]["irr"]["rate"].is_string(), "{v}");
        assert!(!v["costs"].as_array().unwrap().is_empty());
        // Another scenario through the query string, the same way the page takes it.
        let second = v["scenarios"][1]["id"].as_i64().unwrap();
        let v2: Value =
            serde_json::from_str(&c.get(&format!("/api/v1/projects/{p}/business-case?scenario={second}")).await.body)
                .unwrap();
        let page = c.get(&format!("/projects/{p}/business-case?scenario={second}")).await.body;
        assert!(page.contains(&s(&v2["figures"]["npv"])));
        assert_ne!(v2["figures"]["npv"], v["figures"]["npv"]);
    })
    .await;
}

/// A case made through the forms (one cost, one benefit, realised to date) agrees too,
/// and a project without a case says so on every surface (API 404).
#[tokio::test]
async fn generated_case_figures_agree() {
    on_each_db(|t| async move {
        let (p, mut c) = generated(&t).await;
        let bc = |rest: &str| format!("/projects/{p}/business-case{rest}");
        assert_eq!(c.get(&format!("/api/v1/projects/{p}/business-case")).await.status, 404);
        c.get(&bc("")).await;
        c.post(&bc(""), &[]).await.assert_redirect();
        let cost = [
            ("category", "implementation"),
            ("description", "Partner"),
            ("recurrence", "one_time"),
            ("amount", "1,000,000"),
            ("growth", "0"),
        ];
        c.post(&bc("/costs"), &cost).await.assert_redirect();
        let licences = [
            ("category", "software"),
            ("description", "Licences"),
            ("recurrence", "recurring"),
            ("amount", "120,000.50"),
            ("growth", "3"),
        ];
        c.post(&bc("/costs"), &licences).await.assert_redirect();
        let benefit = [
            ("kind", "cost_reduction"),
            ("description", "Service cost"),
            ("amount", "600,000"),
            ("risk", "10"),
            ("first_year", "1"),
            ("growth", "0"),
        ];
        c.post(&bc("/benefits"), &benefit).await.assert_redirect();
        let v = api(&mut c, p).await;
        let bid = v["benefits"][0]["row"]["id"].as_i64().unwrap();
        let as_of = chrono::Utc::now().date_naive().pred_opt().unwrap().to_string();
        c.post(
            &bc(&format!("/benefits/{bid}/realised")),
            &[("realised", "1,500,000"), ("as_of", &as_of), ("version", "1")],
        )
        .await
        .assert_redirect();
        figures_agree(&mut c, p).await;
    })
    .await;
}
