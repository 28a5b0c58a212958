//! Consistency of the risks figures across surfaces (see ../consistency.rs): counts by
//! status and the top risks agree on the Risks page, the API, the review deck and the
//! review pack PDF; all come from `service::risks::register`.
use super::targets::{html, json};
use super::*;
use serde_json::Value;

async fn agree(c: &mut Client, p: i32, lang: Lang) {
    let reg = json(c, &format!("/api/v1/projects/{p}/risks")).await;
    let counts = &reg["counts"];
    let total = counts["total"].as_u64().unwrap();
    assert!(total > 0);
    let page = c.get(&format!("/projects/{p}/risks")).await.body;
    // The page's chips and rows are the view's counts.
    assert_eq!(page.matches(r#"<tr class="risk-"#).count() as u64, total);
    for s in ["candidate", "open", "mitigated", "closed", "dismissed"] {
        let label = ninefold::i18n::t(lang, &format!("risk.status.{s}"));
        assert!(page.contains(&format!(r#"<span class="chip">{} {}</span>"#, html(&label), counts[s])), "{s}");
    }
    // The heat map is the view's model: one dot per live rated risk.
    assert_eq!(page.matches("<circle").count(), reg["heat_map"]["items"].as_array().unwrap().len());
    let top: Vec<&Value> = reg["top"].as_array().unwrap().iter().collect();
    assert!(!top.is_empty(), "{reg}");
    let title = |r: &Value| r[if lang == Lang::Zh { "title_zh" } else { "title_en" }].as_str().unwrap().to_string();
    // The top risks are on the Risks page with the same score.
    let table = &page[page.find("risk-table").unwrap()..];
    for r in &top {
        let t = html(&title(r));
        let at = table.find(&format!("<strong>{t}</strong>")).unwrap_or_else(|| panic!("Risks page lacks {t}"));
        let row_start = table[..at].rfind("<tr").unwrap();
        let row_end = at + table[at..].find("</tr>").unwrap();
        assert!(table[row_start..row_end].contains(&format!(">{}</span>", r["score"])), "{t}");
    }
    // A review held today freezes the same top risks, in the same order, into its deck.
    c.get(&format!("/projects/{p}/reviews")).await;
    let today = chrono::Utc::now().date_naive().to_string();
    let loc = c
        .post(&format!("/projects/{p}/reviews"), &[("title", "Consistency review"), ("held_on", &today)])
        .await
        .assert_redirect()
        .to_string();
    let deck = c.get(&loc).await.body;
    let slide = &deck[deck.find(r#"id="risks""#).unwrap()..deck.find(r#"id="actions""#).unwrap()];
    let mut last = 0;
    for r in &top {
        let t = html(&title(r));
        let at = slide.find(&t).unwrap_or_else(|| panic!("deck lacks {t}"));
        assert!(at >= last, "deck order differs at {t}");
        last = at;
        assert!(slide.contains(&format!("{} × {}", r["probability"], r["impact"])));
    }
    let rid: i32 = loc.rsplit('/').next().unwrap().parse().unwrap();
    let frozen = json(c, &format!("/api/v1/projects/{p}/reviews/{rid}")).await;
    assert_eq!(frozen["pack"]["risks"], reg["top"]);
    assert_eq!(&frozen["pack"]["risk_counts"], counts);
    // The review pack PDF: the register's total, the counts by status, the top risks in order.
    let pdf = squeezed(&document_text(c, p, Kind::Review, lang).await);
    assert!(!pdf.contains(&squeezed(&ninefold::i18n::t(lang, "pdf.review.no_risks"))), "{pdf}");
    let total_label = squeezed(&ninefold::i18n::t(lang, "pdf.review.risk_total"));
    assert!(pdf.contains(&format!("{total_label}{total}")), "{pdf}");
    let mut last = 0;
    for r in &top {
        let row = squeezed(&format!("{}{} × {}{}", title(r), r["probability"], r["impact"], r["score"]));
        let at = pdf.find(&row).unwrap_or_else(|| panic!("review pack lacks `{row}`:\n{pdf}"));
        assert!(at >= last, "review pack order differs at {row}");
        last = at;
    }
}

#[tokio::test]
async fn risk_counts_and_top_risks_agree_on_page_api_deck_and_review_pack() {
    crate::harness::on_each_db(|t| async move {
        let p = demo(&t).await;
        let mut c = demo_director(&t).await;
        agree(&mut c, p, Lang::En).await;
        let reg = json(&mut c, &format!("/api/v1/projects/{p}/risks")).await;
        assert_eq!(reg["counts"]["total"], 13, "the demo register holds 13 risks");
        assert_eq!(reg["top"].as_array().unwrap().len(), 5);

        let (g, mut d) = generated(&t).await;
        let page = d.get(&format!("/projects/{g}/risks")).await.body;
        let id_of = |title: &str| -> String {
            let at = page.find(title).unwrap();
            let href = page[..at].rfind("/risks/").unwrap();
            page[href + 7..].split('"').next().unwrap().to_string()
        };
        let data = id_of("Poor data and information quality");
        d.post(
            &format!("/projects/{g}/risks/{data}"),
            &[
                ("version", "1"),
                ("title", "Poor data and information quality"),
                ("category", "data"),
                ("probability", "4"),
                ("impact", "5"),
                ("status", "open"),
                ("owner", "Data owner"),
            ],
        )
        .await
        .assert_redirect();
        d.post(
            &format!("/projects/{g}/risks"),
            &[
                ("title", "Dealer ERP interface late"),
                ("category", "technology"),
                ("probability", "3"),
                ("impact", "5"),
            ],
        )
        .await
        .assert_redirect();
        agree(&mut d, g, Lang::En).await;
    })
    .await;
}
