//! Consistency of the organisation, diagnosis and blueprint figures across surfaces (see
//! ../consistency.rs): the organisation page, the people page, the JSON API and the
//! organisation document show the same findings, people and shares of time; the diagnosis
//! page and the API the same ranking and priorities; and edits through the one write path
//! still refuse a stale version and leave their audit row.
use super::*;
use axum::http::StatusCode;
use serde_json::Value;

/// Text as the templates escape it (minijinja's HTML escaping).
fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#x27;")
        .replace('/', "&#x2f;")
}

async fn json(c: &mut Client, path: &str) -> Value {
    let r = c.get(path).await;
    assert_eq!(r.status, StatusCode::OK, "{path}: {}", r.body);
    serde_json::from_str(&r.body).unwrap_or_else(|e| panic!("{path} is not JSON ({e}): {}", r.body))
}

/// The part of `page` from the first `start` to the next `end` after it.
fn part<'a>(page: &'a str, start: &str, end: &str) -> &'a str {
    let from = page.find(start).unwrap_or_else(|| panic!("{start} not on the page"));
    let rest = &page[from..];
    &rest[..rest.find(end).unwrap_or(rest.len())]
}

/// Organisation page, people page, API and PDF of one project agree.
async fn org_agrees(c: &mut Client, p: i32) {
    // The first visit of the page creates the tiers; the API reads what is there.
    let page = c.get(&format!("/projects/{p}/organisation")).await;
    assert_eq!(page.status, StatusCode::OK);
    let api = json(c, &format!("/api/v1/projects/{p}/organisation")).await;

    // The same findings, in the same order, with the same words.
    let findings = api["findings"].as_array().unwrap();
    let rules: Vec<String> =
        page.body.split("data-rule=\"").skip(1).map(|s| s[..s.find('"').unwrap()].to_string()).collect();
    let api_rules: Vec<String> = findings.iter().map(|f| f["rule"].as_str().unwrap().to_string()).collect();
    assert_eq!(rules, api_rules);
    for f in findings {
        let title = f["title"].as_str().unwrap();
        assert!(page.body.contains(&esc(title)), "finding {title:?} not on the page");
        assert!(page.body.contains(&esc(f["fix"].as_str().unwrap())));
    }
    let counts = &api["finding_counts"];
    let by_sev = |s: &str| findings.iter().filter(|f| f["severity"] == s).count() as u64;
    for s in ["error", "warning", "advice"] {
        assert_eq!(counts[s].as_u64(), Some(by_sev(s)), "{s} findings");
        assert_eq!(page.body.matches(&format!("class=\"finding finding-{s}\"")).count() as u64, by_sev(s));
    }

    // The same people, and each one's share of time on the people page.
    let people = api["people"].as_array().unwrap();
    assert_eq!(api["people_count"].as_u64(), Some(people.len() as u64));
    assert!(page.body.contains(&format!("/projects/{p}/people\">")), "people link");
    let list = c.get(&format!("/projects/{p}/people")).await;
    assert_eq!(list.status, StatusCode::OK);
    for row in api["people_rows"].as_array().unwrap() {
        let id = row["p"]["id"].as_i64().unwrap();
        let name = row["p"]["name"].as_str().unwrap();
        let tr = part(&list.body, &format!("/projects/{p}/people/{id}\""), "</tr>");
        assert!(tr.contains(&esc(name)), "{name} on the people page");
        assert!(tr.contains(&format!(">{}%</td>", row["total"])), "{name}'s total {} in {tr}", row["total"]);
    }
    // Every member of every tier shows on the page, in the tier the API puts them in.
    for u in api["tiers"].as_array().unwrap() {
        assert!(page.body.contains(&esc(u["label"].as_str().unwrap())), "tier {}", u["label"]);
        for m in u["members"].as_array().unwrap() {
            assert!(page.body.contains(&format!("id=\"m-{}\"", m["m"]["id"])), "membership {}", m["m"]["id"]);
        }
    }

    // The organisation document lists the same people.
    let pdf = squeezed(&document_text(c, p, Kind::Organisation, Lang::En).await);
    for x in people {
        let name = x["name"].as_str().unwrap();
        assert!(pdf.contains(&squeezed(name)), "{name} missing from the organisation document");
    }
}

#[tokio::test]
async fn org_findings_people_and_shares_agree_on_page_api_and_pdf() {
    crate::harness::on_each_db(|t| async move {
        let p = demo(&t).await;
        let mut c = demo_director(&t).await;
        org_agrees(&mut c, p).await;

        let (g, mut d) = generated(&t).await;
        d.get(&format!("/projects/{g}/organisation")).await;
        let r = d
            .post(
                &format!("/projects/{g}/people"),
                &[("name", "Gen Person"), ("department", "sales"), ("side", "client"), ("title", "Lead")],
            )
            .await;
        let person = r.assert_redirect().rsplit('/').next().unwrap().to_string();
        let team =
            t.count(&format!("SELECT CAST(id AS BIGINT) FROM org_units WHERE project_id = {g} AND key = 'team'")).await;
        d.post(
            &format!("/projects/{g}/organisation/units/{team}/members"),
            &[("person_id", person.as_str()), ("role", "project_director"), ("allocation", "60")],
        )
        .await
        .assert_redirect();
        org_agrees(&mut d, g).await;
    })
    .await;
}

#[tokio::test]
async fn diagnosis_ranking_and_priorities_agree_on_page_and_api() {
    crate::harness::on_each_db(|t| async move {
        let p = demo(&t).await;
        let mut c = demo_director(&t).await;
        let page = c.get(&format!("/projects/{p}/diagnosis")).await;
        assert_eq!(page.status, StatusCode::OK);
        let api = json(&mut c, &format!("/api/v1/projects/{p}/diagnosis")).await;
        let ranked = api["ranked"].as_array().unwrap();
        assert!(!ranked.is_empty(), "the demo has a process inventory");
        let scored: Vec<&Value> = ranked.iter().filter(|v| !v["rank"].is_null()).collect();
        assert!(!scored.is_empty(), "the demo scores processes");
        assert_eq!(api["summary"]["scored"].as_u64(), Some(scored.len() as u64));
        assert_eq!(api["summary"]["processes"].as_u64(), Some(ranked.len() as u64));
        // The matrix plots exactly the scored processes, numbered by rank.
        let items = api["matrix"]["items"].as_array().unwrap();
        assert_eq!(items.len(), scored.len());
        for v in &scored {
            let (id, rank, priority) = (&v["process"]["id"], &v["rank"], &v["priority"]);
            // The ranking table is the first place the page links the process.
            let tr = part(&page.body, &format!("/diagnosis/processes/{id}\""), "</tr>");
            let row_start = page.body[..page.body.find(tr).unwrap()].rfind("<tr>").unwrap();
            let row = &page.body[row_start..page.body.find(tr).unwrap() + tr.len()];
            assert!(row.contains(&format!("<td>{rank}</td>")), "rank {rank} of {id} in {row}");
            assert!(row.contains(&format!("<strong>{priority}</strong>")), "priority {priority} of {id} in {row}");
            assert!(items.iter().any(|i| i["label"] == rank.to_string().as_str()), "rank {rank} in the matrix");
            // The process's own page shows the same priority.
            let pp = json_free_process_page(&mut c, p, id.as_i64().unwrap()).await;
            assert!(pp.contains(&priority.to_string()), "priority {priority} on the page of {id}");
        }
        // Data quality: every source's latest figures and verdict as the API gives them.
        for s in api["sources"].as_array().unwrap() {
            assert!(page.body.contains(&esc(s["source"]["name"].as_str().unwrap())));
            let latest_ok = s["latest"].is_null() == s["ok"].is_null();
            assert!(latest_ok, "a verdict exactly when there is a check: {s}");
        }
        let ok = api["sources"].as_array().unwrap().iter().filter(|s| s["ok"] == true).count() as u64;
        assert_eq!(api["summary"]["sources_ok"].as_u64(), Some(ok));
        // The blueprint list and the API name the same blueprints.
        let bp_page = c.get(&format!("/projects/{p}/blueprint")).await;
        let bp = json(&mut c, &format!("/api/v1/projects/{p}/blueprint")).await;
        let bps = bp["blueprints"].as_array().unwrap();
        assert!(!bps.is_empty());
        for b in bps {
            assert!(bp_page.body.contains(&esc(b["b"]["name"].as_str().unwrap())));
            assert!(bp_page.body.contains(&format!("/blueprint/{}\"", b["b"]["id"])));
        }
    })
    .await;
}

async fn json_free_process_page(c: &mut Client, p: i32, id: i64) -> String {
    let r = c.get(&format!("/projects/{p}/diagnosis/processes/{id}")).await;
    assert_eq!(r.status, StatusCode::OK);
    r.body
}

async fn version(t: &TestApp, table: &str, id: &str) -> String {
    t.count(&format!("SELECT CAST(version AS BIGINT) FROM {table} WHERE id = {id}")).await.to_string()
}

async fn audits(t: &TestApp, entity: &str, action: &str, id: &str) -> i64 {
    t.count(&format!(
        "SELECT COUNT(*) FROM audit_log WHERE entity = '{entity}' AND action = '{action}' AND entity_id = {id} \
         AND \"before\" IS NOT NULL AND \"after\" IS NOT NULL"
    ))
    .await
}

#[tokio::test]
async fn stale_edits_through_the_write_path_are_409_and_good_ones_audited() {
    crate::harness::on_each_db(|t| async move {
        let (g, mut d) = generated(&t).await;
        // A person: edited once (audited with before and after), then again from the stale form.
        let r = d
            .post(&format!("/projects/{g}/people"), &[("name", "Li Lei"), ("department", "sales"), ("side", "client")])
            .await;
        let pid = r.assert_redirect().rsplit('/').next().unwrap().to_string();
        let v1 = version(&t, "people", &pid).await;
        let edit = |name: &'static str, v: &str| {
            [("name", name), ("department", "sales"), ("side", "client"), ("version", v)]
                .map(|(k, v)| (k, v.to_string()))
        };
        let post = async |d: &mut Client, fields: [(&'static str, String); 4]| {
            let f: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
            d.post(&format!("/projects/{g}/people/{pid}"), &f).await
        };
        post(&mut d, edit("Li Lei (Sales)", &v1)).await.assert_redirect();
        assert_eq!(audits(&t, "person", "update", &pid).await, 1);
        assert_eq!(version(&t, "people", &pid).await, (v1.parse::<i32>().unwrap() + 1).to_string());
        let r = post(&mut d, edit("Stale", &v1)).await;
        assert_eq!(r.status, StatusCode::CONFLICT);
        assert_eq!(audits(&t, "person", "update", &pid).await, 1);
        let api = json(&mut d, &format!("/api/v1/projects/{g}/organisation")).await;
        assert_eq!(api["people"][0]["name"], "Li Lei (Sales)");
        // Bad input is still 422 with the field named.
        let r = post(&mut d, edit("", &version(&t, "people", &pid).await)).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.body.contains("id=\"err-name\""), "the field is named");

        // A process: scored once, then from the stale form.
        d.get(&format!("/projects/{g}/diagnosis")).await;
        let r = d
            .post(&format!("/projects/{g}/diagnosis/processes"), &[("name", "Complaints"), ("module_key", "service")])
            .await;
        let proc_id = r.assert_redirect().rsplit('/').next().unwrap().to_string();
        let pv = version(&t, "processes", &proc_id).await;
        let score = |v: &str| {
            [("importance", "5"), ("performance", "4"), ("feasibility", "3"), ("justification", "why"), ("version", v)]
                .map(|(k, v)| (k, v.to_string()))
        };
        let post_score = async |d: &mut Client, fields: [(&'static str, String); 5]| {
            let f: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
            d.post(&format!("/projects/{g}/diagnosis/processes/{proc_id}/score"), &f).await
        };
        post_score(&mut d, score(&pv)).await.assert_redirect();
        assert_eq!(audits(&t, "process", "score", &proc_id).await, 1);
        let r = post_score(&mut d, score(&pv)).await;
        assert_eq!(r.status, StatusCode::CONFLICT);
        assert_eq!(audits(&t, "process", "score", &proc_id).await, 1);
        let api = json(&mut d, &format!("/api/v1/projects/{g}/diagnosis")).await;
        assert_eq!(api["ranked"][0]["rank"], 1);
        assert_eq!(api["summary"]["scored"], 1);
    })
    .await;
}
