//! Consistency of the project figures across surfaces (see ../consistency.rs): health and
//! its reasons (portfolio page, overview page, `/api/v1/projects[/{id}]`), gate blockers
//! (gate page, overview's gate box, gate API, gate report PDF), gate counts (overview API,
//! charter PDF) and the project's time zone and today.
use super::*;
use axum::http::StatusCode;
use ninefold::service::clock;
use serde_json::Value;

fn json(body: &str) -> Value {
    serde_json::from_str(body).unwrap_or_else(|e| panic!("not JSON ({e}): {body}"))
}

fn unescape(s: &str) -> String {
    s.replace("&#x2f;", "/")
        .replace("&#x27;", "'")
        .replace("&#39;", "'")
        .replace("&quot;", "\"")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

/// The language a page is in, from `<html lang="…">`.
fn page_lang(html: &str) -> Lang {
    if html.contains("<html lang=\"zh") { Lang::Zh } else { Lang::En }
}

/// The first RAG badge in `html`: its colour and the reasons in its title, as rendered.
fn rag_badge(html: &str) -> (String, String) {
    let i = html.find("<span class=\"rag rag-").expect("a RAG badge");
    let rest = &html[i + "<span class=\"rag rag-".len()..];
    let rag = rest[..rest.find('"').unwrap()].to_string();
    let t = rest.find("title=\"").unwrap() + "title=\"".len();
    let title = &rest[t..];
    (rag, unescape(&title[..title.find('"').unwrap()]))
}

/// The title a badge shows for the reasons the API gives.
fn reasons_title(lang: Lang, health: &Value) -> String {
    health["reasons"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| format!("{} ", ninefold::i18n::t(lang, r.as_str().unwrap())))
        .collect()
}

/// The portfolio row of the project named `name`.
fn portfolio_row<'a>(html: &'a str, name: &str) -> &'a str {
    let i = html.find(&format!(">{name}<")).unwrap_or_else(|| panic!("{name} not on the portfolio:\n{html}"));
    let end = html[i..].find("</tr>").map_or(html.len(), |e| i + e);
    &html[i..end]
}

/// The names in the `<ul class="blockers">` list of a page (none when there is no list).
fn blocker_names(html: &str) -> Vec<String> {
    let Some(i) = html.find("<ul class=\"blockers\">") else { return vec![] };
    let list = &html[i..i + html[i..].find("</ul>").unwrap()];
    list.split("<li><a ")
        .skip(1)
        .map(|li| {
            let s = &li[li.find('>').unwrap() + 1..];
            unescape(&s[..s.find("</a>").unwrap()])
        })
        .collect()
}

fn loc_name(lang: Lang, d: &Value) -> String {
    let key = match lang {
        Lang::En => "name_en",
        Lang::Zh => "name_zh",
    };
    d[key].as_str().unwrap().to_string()
}

/// Health on the portfolio page, in `/api/v1/projects`, on the overview and in
/// `/api/v1/projects/{id}` is one rolled-up figure with the same reasons.
async fn health_agrees(c: &mut Client, project: i32) -> Value {
    let list = json(&c.get("/api/v1/projects?limit=200").await.body);
    let row = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["project"]["id"] == project)
        .expect("project listed")
        .clone();
    let name = row["project"]["name"].as_str().unwrap().to_string();
    let portfolio = c.get("/projects").await.body;
    let lang = page_lang(&portfolio);
    let (rag, title) = rag_badge(portfolio_row(&portfolio, &name));
    assert_eq!(rag, row["health"]["rag"].as_str().unwrap(), "portfolio page vs /api/v1/projects for {name}");
    assert_eq!(title, reasons_title(lang, &row["health"]), "portfolio reasons vs /api/v1/projects for {name}");

    let ov = json(&c.get(&format!("/api/v1/projects/{project}")).await.body);
    assert_eq!(ov["health"], row["health"], "/api/v1/projects/{project} vs /api/v1/projects");
    let page = c.get(&format!("/projects/{project}")).await.body;
    let line = &page[page.find("class=\"health-line\"").expect("health line")..];
    let (rag, title) = rag_badge(line);
    assert_eq!(rag, ov["health"]["rag"].as_str().unwrap(), "overview page vs API");
    assert_eq!(title, reasons_title(page_lang(&page), &ov["health"]), "overview reasons vs API");
    ov
}

#[tokio::test]
async fn health_and_reasons_agree_on_portfolio_overview_and_api() {
    crate::harness::on_each_db(|t| async move {
        let p = demo(&t).await;
        let mut c = demo_director(&t).await;
        let ov = health_agrees(&mut c, p).await;
        // The demo is meant to be at risk, for reasons the director can follow.
        assert_ne!(ov["health"]["rag"], "green", "{}", ov["health"]);
        assert!(!ov["health"]["reasons"].as_array().unwrap().is_empty(), "{}", ov["health"]);
        let (g, mut d) = generated(&t).await;
        health_agrees(&mut d, g).await;
    })
    .await;
}

/// The gate blockers of `seq`: gate API, gate page and (for the active phase) the overview's
/// gate box and its API list name the same deliverables; returns them in the user's language.
async fn blockers_agree(c: &mut Client, project: i32, seq: i64) -> (Lang, Vec<String>) {
    let page = c.get(&format!("/projects/{project}/phases/{seq}/gate")).await;
    assert_eq!(page.status, StatusCode::OK);
    let lang = page_lang(&page.body);
    let gate = json(&c.get(&format!("/api/v1/projects/{project}/phases/{seq}/gate")).await.body);
    let from_api: Vec<String> = gate["blockers"].as_array().unwrap().iter().map(|d| loc_name(lang, d)).collect();
    assert_eq!(gate["blocked"], !from_api.is_empty());
    if gate["phase"]["status"] == "active" {
        assert_eq!(blocker_names(&page.body), from_api, "gate page vs gate API");
        let ov = json(&c.get(&format!("/api/v1/projects/{project}")).await.body);
        let boxed: Vec<String> = ov["gate_blockers"].as_array().unwrap().iter().map(|d| loc_name(lang, d)).collect();
        assert_eq!(boxed, from_api, "overview API's gate box vs gate API");
        let ov_page = c.get(&format!("/projects/{project}")).await.body;
        assert_eq!(blocker_names(&ov_page), from_api, "overview page's gate box vs gate API");
    }
    (lang, from_api)
}

#[tokio::test]
async fn gate_blockers_agree_on_gate_page_overview_api_and_gate_report() {
    crate::harness::on_each_db(|t| async move {
        // The demo first (it is the first project).
        let p = demo(&t).await;
        // The demo: the gate report covers the phase last decided on, as its gate page.
        let mut c = demo_director(&t).await;
        let ov = json(&c.get(&format!("/api/v1/projects/{p}")).await.body);
        let seq = ov["decisions"][0]["phase_seq"].as_i64().or(ov["active_seq"].as_i64()).unwrap();
        let (lang, names) = blockers_agree(&mut c, p, seq).await;
        let pdf = squeezed(&document_text(&mut c, p, Kind::Gate, lang).await);
        let heading = ninefold::i18n::t(lang, if names.is_empty() { "pdf.gate.ready" } else { "pdf.gate.blockers" });
        assert!(pdf.contains(&squeezed(&heading)), "{pdf}");
        for name in &names {
            assert!(pdf.contains(&squeezed(name)), "gate report lacks blocker `{name}`:\n{pdf}");
        }
        // A generated project: phase 1 active, its gate deliverables still drafts.
        let (g, mut d) = generated(&t).await;
        let (lang, names) = blockers_agree(&mut d, g, 1).await;
        assert!(!names.is_empty(), "a new project's first gate is blocked");
        let pdf = squeezed(&document_text(&mut d, g, Kind::Gate, lang).await);
        assert!(pdf.contains(&squeezed(&ninefold::i18n::t(lang, "pdf.gate.blockers"))), "{pdf}");
        for name in &names {
            assert!(pdf.contains(&squeezed(name)), "gate report lacks blocker `{name}`:\n{pdf}");
        }
        // The demo's active phase: its blockers agree on every page too.
        let active = ov["active_seq"].as_i64().unwrap();
        blockers_agree(&mut c, p, active).await;
    })
    .await;
}

#[tokio::test]
async fn charter_phase_table_shows_the_overviews_gate_counts() {
    crate::harness::on_each_db(|t| async move {
        let p = demo(&t).await;
        let mut c = demo_director(&t).await;
        let ov = json(&c.get(&format!("/api/v1/projects/{p}")).await.body);
        let pdf = squeezed(&document_text(&mut c, p, Kind::Charter, Lang::En).await);
        for ph in ov["phases"].as_array().unwrap() {
            let row = format!(
                "{}{}{}{}",
                ph["name_en"].as_str().unwrap(),
                ph["planned_start"].as_str().unwrap(),
                ph["planned_finish"].as_str().unwrap(),
                ph["status"].as_str().unwrap(),
            );
            let counts = format!("{}/{}", ph["gate_accepted"], ph["gate_total"]);
            let at = pdf.find(&squeezed(ph["name_en"].as_str().unwrap())).unwrap_or_else(|| panic!("{row} missing"));
            assert!(pdf[at..].contains(&counts), "charter lacks {counts} for {row}");
        }
    })
    .await;
}

#[tokio::test]
async fn time_zone_is_validated_shown_and_sets_the_projects_today() {
    crate::harness::on_each_db(|t| async move {
        let (g, mut d) = generated(&t).await;
        // A new project gets the server's default zone.
        let ov = json(&d.get(&format!("/api/v1/projects/{g}")).await.body);
        assert_eq!(ov["project"]["time_zone"], clock::default_time_zone());
        let form = |zone: &'static str| {
            vec![
                ("name", "Zoned CRM"),
                ("client_name", "Client"),
                ("industry", "appliances"),
                ("start_date", "2026-03-02"),
                ("currency", "CNY"),
                ("modules", "sales"),
                ("playbook", "nine-phase"),
                ("time_zone", zone),
            ]
        };
        d.get("/projects/new").await;
        let r = d.post("/projects", &form("Mars/Olympus")).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.body.contains("id=\"err-time_zone\""), "{}", r.body);
        assert!(unescape(&r.body).contains(&ninefold::i18n::t(page_lang(&r.body), "err.time_zone")));
        d.lang = Some("zh-CN".into());
        let r = d.post("/projects", &form("Nowhere")).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(unescape(&r.body).contains(&ninefold::i18n::t(Lang::Zh, "err.time_zone")), "{}", r.body);
        d.lang = None;
        let loc = d.post("/projects", &form("Pacific/Kiritimati")).await.assert_redirect().to_string();
        let id: i32 = loc.trim_start_matches("/projects/").parse().unwrap();
        let ov = json(&d.get(&format!("/api/v1/projects/{id}")).await.body);
        assert_eq!(ov["project"]["time_zone"], "Pacific/Kiritimati");
        assert_eq!(ov["today"], clock::today_in("Pacific/Kiritimati").to_string());
        let page = d.get(&format!("/projects/{id}")).await.body;
        assert!(unescape(&page).contains("Pacific/Kiritimati"), "the overview shows the zone");
        // Edited to the other side of the date line: today follows on every surface.
        d.get(&format!("/projects/{id}/edit")).await;
        let mut edit = form("Pacific/Pago_Pago");
        edit.push(("version", "1"));
        d.post(&format!("/projects/{id}/edit"), &edit).await.assert_redirect();
        let ov = json(&d.get(&format!("/api/v1/projects/{id}")).await.body);
        let today = clock::today_in("Pacific/Pago_Pago").to_string();
        assert_eq!(
            (ov["project"]["time_zone"].as_str(), ov["today"].as_str()),
            (Some("Pacific/Pago_Pago"), Some(today.as_str()))
        );
        let list = json(&d.get("/api/v1/projects?limit=200").await.body);
        let row = list["items"].as_array().unwrap().iter().find(|r| r["project"]["id"] == id).unwrap();
        assert_eq!(row["today"], today.as_str());
        assert!(d.get(&format!("/projects/{id}")).await.body.contains(&today));
        // An invalid zone on the edit form names the field and changes nothing.
        let mut bad = form("Europe/Atlantis");
        bad.push(("version", "2"));
        let r = d.post(&format!("/projects/{id}/edit"), &bad).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.body.contains("id=\"err-time_zone\""));
        let ov = json(&d.get(&format!("/api/v1/projects/{id}")).await.body);
        assert_eq!(ov["project"]["time_zone"], "Pacific/Pago_Pago");
    })
    .await;
}
