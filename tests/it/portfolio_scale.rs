//! The portfolio at scale reads each project's stored health (`health_summary`): it is the
//! overview's health for every project (one truth), kept current by the writes, correct on
//! a later day without any write (computed in memory, the GET writes nothing), and the
//! filters, sorting, pages and summary agree with the overview across more than one page.
use crate::harness::{Client, TestApp, on_each_db};
use chrono::NaiveDate;
use ninefold::service::clock::with_today;
use serde_json::Value;
use std::collections::BTreeMap;

fn d(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

/// A project through the form, starting on `start`.
async fn project(c: &mut Client, name: &str, start: &str) -> i32 {
    c.get("/projects/new").await;
    let r = c
        .post(
            "/projects",
            &[
                ("name", name),
                ("client_name", if name.starts_with("Late") { "Client L" } else { "Client F" }),
                ("industry", "appliances"),
                ("start_date", start),
                ("currency", "CNY"),
                ("modules", "sales"),
                ("playbook", "nine-phase"),
            ],
        )
        .await;
    r.assert_redirect().trim_start_matches("/projects/").parse().unwrap()
}

fn json(body: &str) -> Value {
    serde_json::from_str(body).unwrap_or_else(|e| panic!("{e}: {}", &body[..body.len().min(300)]))
}

/// Every row `GET /api/v1/projects?{query}` lists, following its cursors (pages of 20).
async fn api_rows(c: &mut Client, query: &str) -> Vec<Value> {
    let mut out = vec![];
    let mut cursor = String::new();
    loop {
        let r = c.get(&format!("/api/v1/projects?limit=20&{query}{cursor}")).await;
        assert_eq!(r.status, 200, "{}", r.body);
        let page = json(&r.body);
        out.extend(page["items"].as_array().unwrap().iter().cloned());
        let total = page["total"].as_u64().unwrap() as usize;
        match page["next_cursor"].as_str() {
            Some(next) => cursor = format!("&cursor={next}"),
            None => {
                assert_eq!(out.len(), total, "every page's total is the number matching");
                break;
            }
        }
    }
    out
}

/// Every project's health as the portfolio API gives it, by id.
async fn listed(c: &mut Client) -> BTreeMap<i64, Value> {
    api_rows(c, "").await.iter().map(|row| (row["project"]["id"].as_i64().unwrap(), row["health"].clone())).collect()
}

/// The overview's health of project `id`.
async fn overview(c: &mut Client, id: i64) -> Value {
    let r = c.get(&format!("/api/v1/projects/{id}")).await;
    assert_eq!(r.status, 200);
    json(&r.body)["health"].clone()
}

/// The stored row of project `id`: (computed_on, rag, days_late).
async fn stored(t: &TestApp, id: i64) -> (String, String, i64) {
    use sea_orm::{ConnectionTrait, Statement};
    let sql = format!("SELECT CAST(computed_on AS TEXT), rag, days_late FROM project_health WHERE project_id = {id}");
    let row = t.db.conn.query_one_raw(Statement::from_string(t.db.backend(), sql)).await.unwrap().unwrap();
    (row.try_get_by_index(0).unwrap(), row.try_get_by_index(1).unwrap(), row.try_get_by_index(2).unwrap())
}

async fn assert_one_truth(c: &mut Client) -> BTreeMap<i64, Value> {
    let list = listed(c).await;
    for (id, h) in &list {
        assert_eq!(h, &overview(c, *id).await, "project {id}: portfolio and overview disagree");
    }
    list
}

#[tokio::test]
async fn stored_health_is_the_overviews_kept_by_writes_and_right_on_a_later_day() {
    with_today(
        d("2026-03-10"),
        on_each_db(|t| async move {
            let mut c = t.client();
            t.user("dir@scale.example", "Dora Director").await;
            c.login("dir@scale.example").await;
            // Phase 1 of the nine-phase method lasts four weeks: 2026-03-02 → Fri 2026-03-27.
            let a = project(&mut c, "Alpha", "2026-03-02").await as i64;
            let b = project(&mut c, "Beta", "2026-03-02").await as i64;
            let list = assert_one_truth(&mut c).await;
            assert_eq!(list.len(), 2);
            assert_eq!(stored(&t, a).await.0, "2026-03-10", "the creation stored the health of its day");

            // A write that changes an input: three high risks nobody owns make Beta red
            // (`health::roll_up`), stored by the same transaction.
            for title in ["R1", "R2", "R3"] {
                c.get(&format!("/projects/{b}/risks")).await;
                c.post(
                    &format!("/projects/{b}/risks"),
                    &[("title", title), ("category", "technology"), ("probability", "4"), ("impact", "4")],
                )
                .await
                .assert_redirect();
            }
            assert_eq!(stored(&t, b).await.1, "red");
            let list = assert_one_truth(&mut c).await;
            assert_eq!(list[&b]["rag"], "red");
            assert!(list[&b]["reasons"].as_array().unwrap().iter().any(|r| r == "health.risk_high"));

            // Days pass, nothing is written: on 2026-04-01 phase 1 (due 03-27) is 5 days late.
            // The page computes it; the GET leaves the stored rows as they were.
            let before_a = stored(&t, a).await;
            with_today(d("2026-04-01"), async {
                let list = assert_one_truth(&mut c).await;
                assert_eq!(list[&a]["rag"], "red");
                assert_eq!(list[&a]["days_late"], 5);
                let page = c.get("/projects?health=red").await;
                assert!(page.body.contains("Alpha") && page.body.contains("Beta"), "{}", page.body);
                assert_eq!(stored(&t, a).await, before_a, "a GET wrote the stored health");
                // The server's refresher rewrites what the calendar made stale.
                let n = ninefold::service::health_summary::refresh_stale(&t.db, 1).await.unwrap();
                assert_eq!(n, 2);
                assert_eq!(stored(&t, a).await, ("2026-04-01".into(), "red".into(), 5));
                assert_eq!(ninefold::service::health_summary::refresh_stale(&t.db, 1).await.unwrap(), 0);
                assert_one_truth(&mut c).await;
            })
            .await;
        }),
    )
    .await;
}

#[tokio::test]
async fn filters_sorting_and_summary_by_health_hold_beyond_one_page() {
    with_today(
        d("2026-06-15"),
        on_each_db(|t| async move {
            let mut c = t.client();
            t.user("dir@scale.example", "Dora Director").await;
            c.login("dir@scale.example").await;
            // 56 projects, more than a page (50): 28 whose phase 1 ended long ago (red, late
            // by a number of days that differs per project) and 28 starting now.
            // Start on a Monday k weeks before 2026-06-01: phase 1 ends Friday
            // 2026-06-01 - 7k + 25 days, so it is (7k - 11) days late on 06-15 (k ≥ 2).
            let mut late = BTreeMap::new();
            for k in 2..30i64 {
                let start = d("2026-06-01") - chrono::Duration::days(7 * k);
                let name = format!("Late {k:02}");
                let id = project(&mut c, &name, &start.to_string()).await as i64;
                late.insert(id, (name, 7 * k - 11));
            }
            for k in 0..28 {
                project(&mut c, &format!("Fresh {k:02}"), "2026-06-15").await;
            }
            let list = assert_one_truth(&mut c).await;
            assert_eq!(list.len(), 56);
            for (id, (name, days)) in &late {
                assert_eq!(list[id]["rag"], "red", "{name}");
                assert_eq!(list[id]["days_late"], *days, "{name}");
            }
            let red: Vec<i64> = list.iter().filter(|(_, h)| h["rag"] == "red").map(|(id, _)| *id).collect();
            assert_eq!(red.len(), 28, "fresh projects are not late");

            // The summary counts the whole portfolio.
            let page1 = c.get("/projects?sort=health").await;
            assert!(page1.body.contains("56 projects"), "{}", page1.body);
            let count_of = |rag: &str| list.values().filter(|h| h["rag"] == rag).count();
            assert!(page1.body.contains(&format!("rag-red\">Late</span> {}", count_of("red"))), "{}", page1.body);

            // Sorted by health: red first, the latest first; Late 29 (the latest) opens page 1.
            let pos = |body: &str, name: &str| body.find(&format!(">{name}<"));
            let p29 = pos(&page1.body, "Late 29").expect("Late 29 on page 1");
            let p28 = pos(&page1.body, "Late 28").expect("Late 28 on page 1");
            let p02 = pos(&page1.body, "Late 02").expect("Late 02 on page 1");
            assert!(p29 < p28 && p28 < p02, "red rows not by days late");
            let first_fresh = (0..28).filter_map(|k| pos(&page1.body, &format!("Fresh {k:02}"))).min().unwrap();
            assert!(p02 < first_fresh, "a fresh project before a late one");

            // Filtered by health over two pages of 50: exactly the red ones, 28 on one page.
            let reds = c.get("/projects?health=red").await;
            for (id, (name, _)) in &late {
                assert!(pos(&reds.body, name).is_some(), "{name} ({id}) missing from the red filter");
            }
            assert!(!reds.body.contains(">Fresh 00<"));
            // Unfiltered by name: page 2 holds the last 6 names in name order.
            let page2 = c.get("/projects?page=2").await;
            let on2: Vec<String> = (0..28)
                .map(|k| format!("Fresh {k:02}"))
                .chain((2..30).map(|k| format!("Late {k:02}")))
                .filter(|n| pos(&page2.body, n).is_some())
                .collect();
            assert_eq!(on2, ["Late 24", "Late 25", "Late 26", "Late 27", "Late 28", "Late 29"]);
            // Client filter with health: all late ones belong to Client L.
            let lf = c.get("/projects?client=Client%20L&health=green").await;
            assert!(lf.body.contains("No project matches these filters."));

            // The API pages the same rows in the same order, by cursor instead of page number.
            let names = |rows: &[Value]| -> Vec<String> {
                rows.iter().map(|r| r["project"]["name"].as_str().unwrap().to_string()).collect()
            };
            let by_name = names(&api_rows(&mut c, "").await);
            assert_eq!(by_name.len(), 56);
            assert_eq!(by_name[50..], on2[..], "the rows after the first 50 by name are the page's second page");
            let by_health = names(&api_rows(&mut c, "sort=health").await);
            assert_eq!(by_health[..3], ["Late 29", "Late 28", "Late 27"]);
            assert_eq!(by_health[27], "Late 02");
            assert!(by_health[28..].iter().all(|n| n.starts_with("Fresh")));
            let on_page = |name: &String| pos(&page1.body, name);
            let mut seen: Vec<&String> = by_health[..50].iter().collect();
            seen.sort_by_key(|n| on_page(n));
            assert_eq!(seen, by_health[..50].iter().collect::<Vec<_>>(), "page 1 sorted by health, in the API's order");
            let reds = api_rows(&mut c, "health=red").await;
            assert_eq!(reds.len(), 28);
            assert!(
                reds.iter()
                    .all(|r| late.contains_key(&r["project"]["id"].as_i64().unwrap()) && r["health"]["rag"] == "red")
            );
            assert!(api_rows(&mut c, "client=Client%20L&health=green").await.is_empty());
            assert_eq!(api_rows(&mut c, "client=Client%20F").await.len(), 28);
            // The same rows as the page: the overview's health, the phase, the directors.
            let first = &api_rows(&mut c, "sort=health").await[0];
            assert_eq!(first["health"], overview(&mut c, first["project"]["id"].as_i64().unwrap()).await);
            assert_eq!(first["phase"]["seq"], 1);
            assert_eq!(first["directors"][0][1], "Dora Director");
            // What the page ignores, the API refuses, naming the field.
            for (q, field) in [
                ("health=purple", "health"),
                ("sort=size", "sort"),
                ("phase=x", "phase"),
                ("director=me", "director"),
                ("limit=0", "limit"),
                ("cursor=zz", "cursor"),
            ] {
                let r = c.get(&format!("/api/v1/projects?{q}")).await;
                assert_eq!(r.status, 400, "{q}: {}", r.body);
                assert_eq!(json(&r.body)["field"], field, "{q}");
            }
        }),
    )
    .await;
}
