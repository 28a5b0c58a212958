//! Consistency of the training figures across surfaces (see ../consistency.rs): the
//! Training page, `GET /api/v1/projects/{id}/training` and the training plan PDF show the
//! same costs, formatted once by the one money module in the project's currency.
use super::*;
use crate::harness::on_each_db;
use crate::training::session;
use serde_json::Value;

async fn api(c: &mut Client, p: i32) -> Value {
    let r = c.get(&format!("/api/v1/projects/{p}/training")).await;
    assert_eq!(r.status, 200, "{}", r.body);
    serde_json::from_str(&r.body).expect("JSON")
}

fn s(v: &Value) -> &str {
    v.as_str().unwrap_or_else(|| panic!("a string, found {v}"))
}

/// Every cost the page shows is the API's, and the PDF prints the same strings.
async fn costs_agree(c: &mut Client, p: i32, currency: &str) {
    let v = api(c, p).await;
    assert_eq!(s(&v["currency"]), currency);
    let page = c.get(&format!("/projects/{p}/training")).await.body;
    let pdf = squeezed(&document_text(c, p, Kind::Training, Lang::En).await);
    let total = &v["budget"]["total"];
    let (planned, actual) = (s(&total["planned"]), s(&total["actual"]));
    assert!(page.contains(&format!("id=\"budget-planned\"><strong>{planned}</strong>")), "page planned {planned}");
    assert!(page.contains(&format!("id=\"budget-actual\"><strong>{actual}</strong>")), "page actual {actual}");
    assert!(pdf.contains(&squeezed(&format!("{planned} {currency}"))), "PDF total {planned} {currency}:\n{pdf}");
    for b in v["budget"]["by_phase"].as_array().unwrap().iter().chain(v["budget"]["by_audience"].as_array().unwrap()) {
        let (pl, ac) = (s(&b["m"]["planned"]), s(&b["m"]["actual"]));
        assert!(page.contains(&format!("<td class=\"num\">{pl}</td><td class=\"num\">{ac}</td>")), "page row {b}");
        assert!(pdf.contains(&format!("{pl}{ac}")), "PDF budget row {b}:\n{pdf}");
    }
    for r in v["rows"].as_array().unwrap() {
        let cost = s(&r["cost"]);
        assert!(page.contains(&format!("{cost} {currency}")), "page session cost {cost}");
        assert!(pdf.contains(cost), "PDF session cost {cost}");
    }
}

/// The defect: the training plan PDF printed the sum of the stored minor units ("4600000
/// CNY") where the page shows 46000.00. Now both print the page's planned total.
#[tokio::test]
async fn demo_training_costs_agree_on_page_api_and_pdf() {
    on_each_db(|t| async move {
        let p = demo(&t).await;
        let mut c = demo_director(&t).await;
        let v = api(&mut c, p).await;
        assert!(v["rows"].as_array().unwrap().len() > 3, "the demo has a training plan");
        let minor = v["budget"]["total"]["planned_minor"].as_i64().unwrap();
        assert!(minor > 0);
        costs_agree(&mut c, p, "CNY").await;
        let pdf = squeezed(&document_text(&mut c, p, Kind::Training, Lang::En).await);
        assert!(!pdf.contains(&format!("{minor}CNY")), "minor units leaked into the PDF");
    })
    .await;
}

/// A yen project: costs have no decimals (typed "46,000" is ¥46,000, stored as 46000, and
/// "12.5" is refused), and page, API and PDF agree on "46000".
#[tokio::test]
async fn yen_costs_have_no_decimals_and_agree_everywhere() {
    on_each_db(|t| async move {
        t.user("yen.director@t.example", "Yen Director").await;
        let mut c = t.client();
        c.login("yen.director@t.example").await;
        c.get("/projects/new").await;
        let r = c
            .post(
                "/projects",
                &[
                    ("name", "Yen CRM"),
                    ("client_name", "Tokyo KK"),
                    ("industry", "appliances"),
                    ("start_date", "2026-03-02"),
                    ("currency", "JPY"),
                    ("modules", "sales"),
                    ("playbook", "nine-phase"),
                ],
            )
            .await;
        let p: i32 = r.assert_redirect().trim_start_matches("/projects/").parse().unwrap();
        c.get(&format!("/projects/{p}/training")).await;
        let held = session("Senior", "senior_management", "2026-03-03", "46,000", "held");
        c.post(&format!("/projects/{p}/training"), &held).await.assert_redirect();
        let planned = session("Team", "project_team", "2026-03-04", "1200", "planned");
        c.post(&format!("/projects/{p}/training"), &planned).await.assert_redirect();
        assert_eq!(t.count("SELECT CAST(SUM(cost) AS BIGINT) FROM training_sessions").await, 47_200);
        let r = c
            .post(&format!("/projects/{p}/training"), &session("X", "project_team", "2026-03-05", "12.5", "planned"))
            .await;
        assert_eq!(r.status, 422);
        assert!(r.body.contains("id=\"err-cost\""));
        let v = api(&mut c, p).await;
        assert_eq!(s(&v["budget"]["total"]["planned"]), "47200");
        assert_eq!(s(&v["budget"]["total"]["actual"]), "46000");
        costs_agree(&mut c, p, "JPY").await;
    })
    .await;
}

/// A project made through the forms with CNY costs agrees as well.
#[tokio::test]
async fn generated_training_costs_agree() {
    on_each_db(|t| async move {
        let (p, mut c) = generated(&t).await;
        c.get(&format!("/projects/{p}/training")).await;
        for (title, aud, cost, status) in [
            ("Senior", "senior_management", "1,200.50", "held"),
            ("Team", "project_team", "800", "planned"),
            ("Dropped", "project_team", "999", "cancelled"),
        ] {
            c.post(&format!("/projects/{p}/training"), &session(title, aud, "2026-03-10", cost, status))
                .await
                .assert_redirect();
        }
        let v = api(&mut c, p).await;
        assert_eq!(s(&v["budget"]["total"]["planned"]), "2000.50");
        costs_agree(&mut c, p, "CNY").await;
    })
    .await;
}
