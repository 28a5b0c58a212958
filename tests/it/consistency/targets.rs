//! Consistency of the targets figures across surfaces (see ../consistency.rs): attainment,
//! forecast and RAG per target agree on the Targets page, the target page, the API, the
//! target sheet PDF and the review pack PDF; a metric that cannot go below zero is never
//! forecast negative.
use super::*;
use chrono::{Duration, Utc};
use ninefold::i18n;
use serde_json::Value;

/// HTML as the templates escape it.
pub fn html(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#x27;")
        .replace('/', "&#x2f;")
}

pub async fn json(c: &mut Client, path: &str) -> Value {
    let r = c.get(path).await;
    assert_eq!(r.status, 200, "{path}: {}", r.body);
    serde_json::from_str(&r.body).unwrap()
}

/// Every target's figures, from the API, found the same on both pages and in both PDFs.
async fn agree(c: &mut Client, p: i32) -> Vec<Value> {
    let api = json(c, &format!("/api/v1/projects/{p}/targets")).await;
    let list = c.get(&format!("/projects/{p}/targets")).await.body;
    let sheet = squeezed(&document_text(c, p, Kind::Targets, Lang::En).await);
    let pack = squeezed(&document_text(c, p, Kind::Review, Lang::En).await);
    let rows = api["targets"].as_array().unwrap().clone();
    assert!(!rows.is_empty());
    for v in &rows {
        let id = v["target"]["id"].as_i64().unwrap();
        let name = v["target"]["name"].as_str().unwrap();
        let s = &v["shown"];
        // The figure printed is the assessment's, in whole percent, never multiplied again.
        let attainment = v["assessment"]["attainment"].as_f64();
        let shown = s["attainment"].as_str().map(String::from);
        assert_eq!(shown, attainment.map(|a| format!("{}%", a.round() as i64)), "{name}");
        let rag = i18n::t(Lang::En, &format!("trag.{}", v["rag"].as_str().unwrap()));
        let forecast = match (s["forecast"].as_str(), s["forecast_below_zero"].as_bool().unwrap()) {
            (Some(f), _) => f.to_string(),
            (None, true) => "reaches zero before the target date".to_string(),
            (None, false) => "–".to_string(),
        };
        if let Some(a) = &shown {
            assert!(list.contains(&format!(r#"<dd class="attainment">{a}</dd>"#)), "list lacks {a} for {name}");
        }
        let detail = c.get(&format!("/projects/{p}/targets/{id}")).await.body;
        let d_att = shown.clone().unwrap_or_else(|| "—".into());
        assert!(
            detail.contains(&format!(r#"<span class="attainment">{d_att}</span>"#)),
            "detail lacks {d_att} for {name}"
        );
        if s["forecast_below_zero"].as_bool().unwrap() {
            assert!(v["assessment"]["forecast"].is_null(), "{name}: no negative forecast in the API");
            assert!(
                detail.contains("reaches zero before the target date")
                    && list.contains("reaches zero before the target date"),
                "{name}"
            );
        } else if let Some(f) = s["forecast"].as_str() {
            assert!(list.contains(&format!("Forecast {f}")), "list lacks forecast {f} for {name}");
            assert!(
                detail.contains(&format!(r#"<dd class="forecast">{f} — "#)),
                "detail lacks forecast {f} for {name}"
            );
        }
        // The row of the target sheet and of the review pack: latest, attainment, forecast, RAG.
        let cells = squeezed(&format!(
            "{}{}{forecast}{rag}",
            s["latest"].as_str().unwrap_or("–"),
            s["attainment"].as_str().unwrap_or("–"),
        ));
        assert!(sheet.contains(&cells), "target sheet lacks `{cells}` for {name}:\n{sheet}");
        assert!(pack.contains(&cells), "review pack lacks `{cells}` for {name}:\n{pack}");
        if let Some(a) = attainment {
            let wrong = format!("{}%", (a * 100.0).round() as i64);
            if a.abs() >= 1.0 {
                assert!(!sheet.contains(&format!("{}{wrong}", s["latest"].as_str().unwrap_or(""))), "{name}: {wrong}");
            }
        }
    }
    rows
}

#[tokio::test]
async fn attainment_forecast_and_rag_agree_on_pages_api_and_pdfs() {
    crate::harness::on_each_db(|t| async move {
        let p = demo(&t).await;
        let mut c = demo_director(&t).await;
        let rows = agree(&mut c, p).await;
        // The demo's first response time falls fast: the line crosses zero before the target
        // date, and hours cannot go below zero.
        let fr = rows.iter().find(|v| v["target"]["key"] == "first-response").unwrap();
        assert_eq!(fr["shown"]["forecast_below_zero"], true, "{fr}");
        // The demo's attainments as the Targets page shows them (41 %, −7 %, 46 %, 47 %).
        let att: Vec<&str> = rows.iter().filter_map(|v| v["shown"]["attainment"].as_str()).collect();
        assert!(att.iter().all(|a| a.trim_end_matches('%').parse::<i64>().unwrap().abs() <= 100), "{att:?}");

        let (g, mut d) = generated(&t).await;
        let today = Utc::now().date_naive();
        let day = |n: i64| (today + Duration::days(n)).to_string();
        let make = async |d: &mut Client, fields: &[(&str, &str)]| -> i32 {
            let r = d.post(&format!("/projects/{g}/targets"), fields).await;
            let loc = r.assert_redirect().to_string();
            loc.rsplit('/').next().unwrap().parse().unwrap()
        };
        d.get(&format!("/projects/{g}/targets/new")).await;
        let (b, td) = (day(-120), day(200));
        let complaints = make(
            &mut d,
            &[
                ("name", "Open complaints"),
                ("kind", "explicit"),
                ("metric", "Complaints open at month end"),
                ("unit", "complaints"),
                ("direction", "decrease"),
                ("baseline_value", "120"),
                ("baseline_date", &b),
                ("target_input", "30"),
                ("target_date", &td),
            ],
        )
        .await;
        let online = make(
            &mut d,
            &[
                ("name", "Resolved online"),
                ("kind", "implicit"),
                ("unit", "%"),
                ("direction", "increase"),
                ("baseline_value", "0"),
                ("baseline_date", &b),
                ("target_input", "60"),
                ("target_date", &td),
            ],
        )
        .await;
        for (tid, vals) in [(complaints, ["100", "70", "40"]), (online, ["4", "7", "10"])] {
            for (i, v) in vals.iter().enumerate() {
                let on = day(-90 + 30 * i as i64);
                d.post(&format!("/projects/{g}/targets/{tid}/measurements"), &[("date", &on), ("value", v)])
                    .await
                    .assert_redirect();
            }
        }
        let rows = agree(&mut d, g).await;
        let c = rows.iter().find(|v| v["target"]["id"] == complaints).unwrap();
        assert_eq!(c["shown"]["forecast_below_zero"], true, "{c}");
        assert_eq!(c["shown"]["attainment"], "89%", "{c}");
        let o = rows.iter().find(|v| v["target"]["id"] == online).unwrap();
        assert_eq!(o["shown"]["attainment"], "17%", "{o}");
        assert_eq!(o["shown"]["forecast_below_zero"], false, "{o}");
        // The API's single target is the target page's view.
        let one = json(&mut d, &format!("/api/v1/projects/{g}/targets/{online}")).await;
        assert_eq!(one["shown"], o["shown"]);
    })
    .await;
}

/// The trend chart is one model: the page's SVG and the document's chart come from the view.
#[tokio::test]
async fn the_trend_chart_is_built_once_in_the_view() {
    crate::harness::on_each_db(|t| async move {
        let p = demo(&t).await;
        let mut c = demo_director(&t).await;
        let api = json(&mut c, &format!("/api/v1/projects/{p}/targets")).await;
        let page = c.get(&format!("/projects/{p}/targets")).await.body;
        for v in api["targets"].as_array().unwrap() {
            let chart = &v["chart"];
            assert!(chart.is_object(), "{v}");
            // The page draws the model's levels (baseline and target labels).
            for l in chart["levels"].as_array().unwrap() {
                assert!(page.contains(&html(l["label"].as_str().unwrap())), "{l}");
            }
            // The forecast line of a metric that cannot go below zero stops at zero.
            let forecast = chart["series"].as_array().unwrap().iter().find(|s| s["style"] == "forecast");
            if let Some(f) = forecast {
                let end = f["points"].as_array().unwrap().last().unwrap()[1].as_f64().unwrap();
                assert!(end >= 0.0 || v["shown"]["forecast_below_zero"] == false, "{v}");
            }
        }
        let sheet = squeezed(&document_text(&mut c, p, Kind::Targets, Lang::En).await);
        for v in api["targets"].as_array().unwrap() {
            for l in v["chart"]["levels"].as_array().unwrap() {
                assert!(sheet.contains(&squeezed(l["label"].as_str().unwrap())), "{l}");
            }
        }
    })
    .await;
}
