//! Consistency of the budget figures across surfaces (see ../consistency.rs): the Budget
//! page and its JSON, the budget and cost report PDF (en and zh), the portfolio's earned-value
//! columns (page and `/api/v1/projects`), and the review pack's budget slide (live PDF, the
//! held review's page, frozen with its pack).
use super::*;
use ninefold::domain::money;
use serde_json::Value;

fn json(body: &str) -> Value {
    serde_json::from_str(body).unwrap_or_else(|e| panic!("not JSON ({e}): {body}"))
}

fn ratio(v: &Value) -> String {
    v.as_f64().map_or("–".into(), |x| format!("{x:.2}"))
}

#[tokio::test]
async fn the_budget_report_portfolio_and_review_slide_show_the_budget_pages_figures() {
    crate::harness::on_each_db(|t| async move {
        let p = demo(&t).await;
        let mut c = demo_director(&t).await;
        let v = json(&c.get(&format!("/api/v1/projects/{p}/budget")).await.body);
        let cur = v["currency"].as_str().unwrap().to_string();
        let total = &v["total"];
        let minor = |k: &str| total[k].as_i64().unwrap();
        assert!(minor("budget") > 0 && minor("actual") > 0, "the demo keeps a budget and spends: {total}");
        let plain = |m: i64| money::plain(m, &cur);
        let (cpi, spi) = (ratio(&v["ev"]["cpi"]), ratio(&v["ev"]["spi"]));

        // The Budget page shows these figures.
        let page = c.get(&format!("/projects/{p}/budget")).await.body;
        assert!(page.contains(&format!("id=\"cpi\">{cpi}</td>")), "page CPI {cpi}");
        // The page's figures (`num(2)`: grouped, trailing zeros dropped).
        let shown = |m: i64| ninefold::domain::targets::figure(m as f64 / 100.0, 2);
        for k in ["budget", "committed", "actual", "forecast", "variance"] {
            assert!(page.contains(&shown(minor(k))), "page {k} {}", shown(minor(k)));
        }
        assert!(page.contains(&format!("/projects/{p}/documents/preview/budget")), "the report is linked");

        // The budget and cost report, in both languages, reads back with the same figures.
        for lang in [Lang::En, Lang::Zh] {
            let text = squeezed(&document_text(&mut c, p, Kind::Budget, lang).await);
            let title = if lang == Lang::En { "Budgetandcostreport" } else { "预算与成本报告" };
            assert!(text.contains(title), "{lang:?} title: {text}");
            for k in ["budget", "committed", "actual", "forecast", "variance"] {
                assert!(text.contains(&squeezed(&plain(minor(k)))), "{lang:?} report {k} {}:\n{text}", plain(minor(k)));
            }
            assert!(text.contains(&format!("CPI{cpi}")), "{lang:?} report CPI {cpi}:\n{text}");
            assert!(text.contains(&format!("SPI{spi}")), "{lang:?} report SPI {spi}");
        }

        // The portfolio's columns: the same budget, actual, CPI and SPI, from the stored row.
        let rows = json(&c.get("/api/v1/projects?limit=200").await.body);
        let row = rows["items"].as_array().unwrap().iter().find(|r| r["project"]["id"] == p).expect("the demo on the portfolio");
        assert_eq!(row["ev"]["budget_minor"].as_i64(), Some(minor("budget")));
        assert_eq!(row["ev"]["actual_minor"].as_i64(), Some(minor("actual")));
        assert_eq!(ratio(&row["ev"]["cpi"]), cpi);
        assert_eq!(ratio(&row["ev"]["spi"]), spi);
        let portfolio = c.get("/projects").await.body;
        let whole = |m: i64| ninefold::domain::targets::figure(m as f64 / 100.0, 0);
        assert!(portfolio.contains(&format!("<td class=\"num ev-cpi\">{cpi}</td>")), "portfolio CPI {cpi}");
        assert!(portfolio.contains(&format!("<td class=\"num ev-budget\">{} ", whole(minor("budget")))), "portfolio budget");

        // The review pack's budget slide (live) prints the same CPI and total.
        let text = squeezed(&document_text(&mut c, p, Kind::Review, Lang::En).await);
        assert!(text.contains("Budgetandearnedvalue"), "slide heading");
        assert!(text.contains(&format!("CPI{cpi}")), "slide CPI");
        assert!(text.contains(&squeezed(&plain(minor("actual")))), "slide actual");

        // A held review freezes the slide: later spending changes the Budget page, not the pack.
        let today = ninefold::service::clock::today(&ninefold::service::projects::get(&t.db.conn, p).await.unwrap());
        let held = today.to_string();
        c.get(&format!("/projects/{p}/reviews")).await;
        let r = c
            .post(&format!("/projects/{p}/reviews"), &[("held_on", held.as_str()), ("title", "Steering review"), ("attendees", "Board")])
            .await;
        let deck = r.assert_redirect().to_string();
        let slide = c.get(&deck).await.body;
        assert!(slide.contains(&format!("id=\"slide-cpi\">{cpi}</td>")), "held review's slide CPI");
        let com = t.count(&format!("SELECT MIN(id) FROM commitments WHERE project_id = {p}")).await;
        let open: i64 = t
            .count(&format!(
                "SELECT CAST(c.amount_minor - COALESCE((SELECT SUM(CASE WHEN i.credit_note THEN -i.amount_minor ELSE i.amount_minor END) FROM invoices i WHERE i.commitment_id = c.id), 0) AS BIGINT) FROM commitments c WHERE c.id = {com}"
            ))
            .await;
        assert!(open >= 100, "the demo's first commitment has something left to invoice");
        c.get(&format!("/projects/{p}/budget")).await;
        let amount = money::plain(open, &cur);
        let (cs, ds) = (com.to_string(), today.to_string());
        let inv = [("commitment", cs.as_str()), ("reference", "LATE-1"), ("amount", amount.as_str()), ("invoiced_on", ds.as_str())];
        c.post(&format!("/projects/{p}/budget/invoices"), &inv).await.assert_redirect();
        let after = json(&c.get(&format!("/api/v1/projects/{p}/budget")).await.body);
        assert_eq!(after["total"]["actual"].as_i64(), Some(minor("actual") + open));
        assert_ne!(ratio(&after["ev"]["cpi"]), cpi, "the spending moved the CPI");
        let slide = c.get(&deck).await.body;
        assert!(slide.contains(&format!("id=\"slide-cpi\">{cpi}</td>")), "the held review keeps its frozen CPI");
        // …while the portfolio follows the Budget page at once.
        let rows = json(&c.get("/api/v1/projects?limit=200").await.body);
        let row = rows["items"].as_array().unwrap().iter().find(|r| r["project"]["id"] == p).unwrap();
        assert_eq!(row["ev"]["actual_minor"], after["total"]["actual"]);
        assert_eq!(ratio(&row["ev"]["cpi"]), ratio(&after["ev"]["cpi"]));
    })
    .await;
}
