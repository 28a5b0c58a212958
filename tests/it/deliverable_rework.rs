//! The reworked deliverables of issue #22, read back as a steering committee reads them,
//! through the Documents tab's preview (real HTTP round trips, the stored PDF's code):
//! the training plan's budget, coverage by functional group and by CRM module and
//! attendance; the target sheet's legend, method, source and owner; Chinese headline
//! amounts in 万元 while tables keep exact figures; table rows that link to their section;
//! the plan's closed phases without open work.
use crate::consistency::{demo, demo_director, squeezed};
use crate::deliverable_docs::{internal_links, pages_text};
use crate::harness::{Client, on_each_db};
use lopdf::{Document, Object};
use ninefold::i18n::Lang;
use ninefold::report::Kind;
use serde_json::Value;

async fn json(c: &mut Client, path: &str) -> Value {
    let r = c.get(path).await;
    assert_eq!(r.status, 200, "{path}: {}", r.body);
    serde_json::from_str(&r.body).expect("JSON")
}

/// The document as the Documents tab previews it, parsed.
async fn pdf(c: &mut Client, p: i32, kind: Kind, lang: Lang) -> Document {
    let q = if lang == Lang::Zh { "zh" } else { "en" };
    let r = c.get(&format!("/projects/{p}/documents/preview/{}?lang={q}", kind.key())).await;
    assert_eq!(r.status, 200, "preview of {}: {}", kind.key(), r.body);
    Document::load_mem(&r.bytes).expect("a readable PDF")
}

/// The pages (1-based) the internal links on page `n` jump to.
fn link_pages(doc: &Document, n: u32) -> Vec<u32> {
    let pages = doc.get_pages();
    let page = doc.get_dictionary(pages[&n]).expect("a page");
    let deref = |o: &Object| match o {
        Object::Reference(r) => doc.get_object(*r).expect("resolvable").clone(),
        o => o.clone(),
    };
    let Ok(annots) = page.get(b"Annots").map(deref) else { return vec![] };
    annots
        .as_array()
        .expect("an array")
        .iter()
        .filter_map(|a| {
            let a = deref(a);
            let d = a.as_dict().ok()?.get(b"Dest").ok()?.as_array().ok()?.first()?.as_reference().ok()?;
            pages.iter().find(|(_, id)| **id == d).map(|(n, _)| *n)
        })
        .collect()
}

/// ¥ amounts in 万元 as a Chinese reader expects them, counted by hand in whole fen:
/// hundredths of 万 = fen ÷ 10,000, rounded half away from zero, thousands grouped.
fn wan(fen: i64) -> String {
    let h = (fen.abs() + 5_000) / 10_000;
    let whole = (h / 100).to_string();
    let mut grouped = String::new();
    for (i, ch) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(ch);
    }
    format!("{}{grouped}.{:02}万元", if fen < 0 && h > 0 { "-" } else { "" }, h % 100)
}

#[tokio::test]
async fn the_training_plan_shows_budget_coverage_by_group_and_module_and_attendance() {
    on_each_db(|t| async move {
        let p = demo(&t).await;
        let mut c = demo_director(&t).await;
        // Counted in the database: invitations to the held sessions, and who came.
        let held_join = format!(
            "FROM attendance a JOIN training_sessions s ON s.id = a.session_id \
             WHERE s.project_id = {p} AND s.status = 'held'"
        );
        let invited = t.count(&format!("SELECT COUNT(*) {held_join}")).await;
        let came = t.count(&format!("SELECT COUNT(*) {held_join} AND a.attended")).await;
        let held = t
            .count(&format!("SELECT COUNT(*) FROM training_sessions WHERE project_id = {p} AND status = 'held'"))
            .await;
        assert!(invited > 0 && came > 0 && held > 0, "the demo records attendance");
        let v = json(&mut c, &format!("/api/v1/projects/{p}/training")).await;
        let a = &v["attendance"];
        assert_eq!(a["invited"].as_i64(), Some(invited));
        assert_eq!(a["attended"].as_i64(), Some(came));
        assert_eq!(a["held_sessions"].as_i64(), Some(held));
        assert_eq!(a["percent"].as_i64(), Some(came * 100 / invited));
        // Per module: the groups' people and trained summed (the page's coverage, by module).
        let groups = v["coverage"].as_array().unwrap();
        let modules = v["coverage_by_module"].as_array().unwrap();
        assert!(!groups.is_empty() && !modules.is_empty());
        let sum = |k: &str| groups.iter().map(|g| g[k].as_i64().unwrap()).sum::<i64>();
        assert_eq!(
            modules.iter().map(|m| m["people"].as_i64().unwrap()).sum::<i64>(),
            sum("key_users") + sum("end_users")
        );
        assert_eq!(
            modules.iter().map(|m| m["trained"].as_i64().unwrap()).sum::<i64>(),
            sum("key_users_trained") + sum("end_users_trained")
        );
        for (lang, words) in [
            (Lang::En, ["Attendance", "By functional group", "By CRM module", "Budget: planned against actual"]),
            (Lang::Zh, ["出勤", "按职能小组", "按 CRM 模块", "培训预算：计划与实际"]),
        ] {
            let doc = pdf(&mut c, p, Kind::Training, lang).await;
            let text = squeezed(&pages_text(&doc).join("\n"));
            for w in words {
                assert!(text.contains(&squeezed(w)), "{lang:?}: `{w}` missing:\n{text}");
            }
            let total = match lang {
                Lang::En => {
                    format!("{came} of {invited} invited came to the {held} sessions held ({}%)", came * 100 / invited)
                }
                Lang::Zh => {
                    format!("已举办 {held} 次培训，受邀 {invited} 人，出勤 {came} 人（{}%）", came * 100 / invited)
                }
            };
            assert!(text.contains(&squeezed(&total)), "{lang:?}: `{total}` missing:\n{text}");
            for r in v["rows"].as_array().unwrap().iter().filter(|r| r["invited"].as_i64() > Some(0)) {
                let cell = format!("{}/{}", r["attended"], r["invited"]);
                assert!(text.contains(&cell), "{lang:?}: session attendance {cell}");
            }
            for g in groups {
                let (k, kt, e, et) =
                    (&g["key_users"], &g["key_users_trained"], &g["end_users"], &g["end_users_trained"]);
                let pct = g["percent"].as_i64().map_or("–".to_string(), |p| format!("{p}%"));
                let row = format!("{kt}/{k}{et}/{e}{pct}");
                assert!(text.contains(&row), "{lang:?}: group row {row}:\n{text}");
            }
            for m in modules {
                let pct = m["percent"].as_i64().map_or("–".to_string(), |p| format!("{p}%"));
                let row = format!("{}{}/{}{pct}", m["groups"], m["trained"], m["people"]);
                assert!(text.contains(&row), "{lang:?}: module row {row}:\n{text}");
            }
            assert!(!text.contains("functional_group") && !text.contains("senior_management"), "no raw codes");
        }
    })
    .await;
}

#[tokio::test]
async fn the_target_sheet_has_legends_method_source_owner_and_rows_linked_to_sections() {
    on_each_db(|t| async move {
        let p = demo(&t).await;
        let mut c = demo_director(&t).await;
        let v = json(&mut c, &format!("/api/v1/projects/{p}/targets")).await;
        let targets = v["targets"].as_array().unwrap().clone();
        assert!(targets.len() >= 2);
        for (lang, legend) in [
            (
                Lang::En,
                ["Measured (from the baseline)", "Baseline", "Target date", "Measurement method", "Data source"],
            ),
            (Lang::Zh, ["实测值（自基线起）", "基线", "目标日期", "衡量方法", "数据来源"]),
        ] {
            let doc = pdf(&mut c, p, Kind::Targets, lang).await;
            let texts = pages_text(&doc);
            let all = squeezed(&texts.join("\n"));
            for w in legend {
                assert!(all.contains(&squeezed(w)), "{lang:?}: `{w}` missing");
            }
            for x in &targets {
                let tg = &x["target"];
                for k in ["method", "data_source", "owner"] {
                    let s = tg[k].as_str().unwrap();
                    assert!(!s.is_empty() && all.contains(&squeezed(s)), "{lang:?}: {k} `{s}` missing");
                }
            }
            // The summary table (page 3) links each target's row to its section.
            let to = link_pages(&doc, 3);
            assert_eq!(to.len(), targets.len(), "{lang:?}: one link per target row");
            assert_eq!(internal_links(&doc, 3), targets.len());
            for (x, page) in targets.iter().zip(&to) {
                let name = x["target"]["name"].as_str().unwrap();
                // The link lands on the target's own section (its heading, its method).
                let there = squeezed(&texts[*page as usize - 1]);
                let method = squeezed(x["target"]["method"].as_str().unwrap());
                assert!(
                    there.contains(&squeezed(name)) && there.contains(&method[..method.len().min(12)]),
                    "{lang:?}: `{name}` not on page {page}"
                );
            }
        }
    })
    .await;
}

#[tokio::test]
async fn chinese_headline_amounts_in_wan_tables_exact_and_plan_rows_link_to_phases() {
    on_each_db(|t| async move {
        let p = demo(&t).await;
        let mut c = demo_director(&t).await;
        let bc = json(&mut c, &format!("/api/v1/projects/{p}/business-case")).await;
        assert_eq!(bc["currency"], "CNY");
        let npv = bc["results"]["npv"].as_i64().unwrap();
        let tco = bc["results"]["tco_nominal"].as_i64().unwrap();
        let exact_npv = bc["figures"]["npv"].as_str().unwrap();
        let zh = squeezed(&pages_text(&pdf(&mut c, p, Kind::BusinessCase, Lang::Zh).await).join("\n"));
        assert!(zh.contains(&wan(npv)) && zh.contains(&wan(tco)), "headline in 万元: {} {}\n{zh}", wan(npv), wan(tco));
        // The scenario table keeps the exact NPV.
        assert!(zh.contains(&squeezed(exact_npv)), "table keeps {exact_npv}");
        let en = squeezed(&pages_text(&pdf(&mut c, p, Kind::BusinessCase, Lang::En).await).join("\n"));
        assert!(en.contains(&squeezed(exact_npv)) && !en.contains("万"), "English keeps exact figures");
        let pack = pdf(&mut c, p, Kind::Review, Lang::Zh).await;
        let texts = pages_text(&pack);
        let summary = squeezed(&texts[2]);
        assert!(summary.contains(&wan(npv)), "the review pack's summary in 万元:\n{summary}");

        // The plan's phase table links each phase with activities to its section.
        let phases = json(&mut c, &format!("/api/v1/projects/{p}/schedule")).await;
        let with_acts: Vec<(i64, String)> = phases["phases"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|ph| {
                phases["items"].as_array().unwrap().iter().any(|i| i["phase_id"] == ph["id"] && i["kind"] == "activity")
            })
            .map(|ph| (ph["seq"].as_i64().unwrap(), ph["name_en"].as_str().unwrap().to_string()))
            .collect();
        assert!(with_acts.len() >= 3);
        let plan = pdf(&mut c, p, Kind::Plan, Lang::En).await;
        let texts = pages_text(&plan);
        let to = link_pages(&plan, 3);
        assert_eq!(to.len(), with_acts.len(), "one link per phase with activities");
        for ((seq, name), page) in with_acts.iter().zip(&to) {
            // The link lands on the phase's activities: its heading and the activity table.
            let there = squeezed(&texts[*page as usize - 1]);
            assert!(there.contains(&squeezed(&format!("{seq}. {name}"))), "{seq}. {name} not on page {page}");
            assert!(there.contains("Activity"), "page {page} lists activities");
        }
        // Closed phases are shown without open work: the view has none, the plan prints none.
        let closed: Vec<&Value> =
            phases["phases"].as_array().unwrap().iter().filter(|ph| ph["status"] == "closed").collect();
        assert!(!closed.is_empty(), "the demo has closed phases");
        let all = squeezed(&texts[3..].join("\n"));
        for ph in closed {
            let open = phases["items"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|i| i["phase_id"] == ph["id"] && i["kind"] == "activity" && i["done"] != true)
                .count();
            assert_eq!(open, 0, "phase {} is closed with open activities", ph["seq"]);
            let (seq, name) = (ph["seq"].as_i64().unwrap(), ph["name_en"].as_str().unwrap());
            let Some(at) = all.find(&squeezed(&format!("{seq}. {name}"))) else { continue };
            let section = &all[at..];
            let end = section.find(&format!("{}.", seq + 1)).unwrap_or(section.len());
            assert!(section[..end].contains("Done") && !section[..end].contains("Open"), "closed phase {seq}");
        }
    })
    .await;
}

/// What a steering committee would send back: acceptance criteria printed as stored JSON,
/// findings pointing at web addresses. The gate report prints the criteria in the reader's
/// language; the organisation document says why a finding matters.
#[tokio::test]
async fn gate_criteria_and_organisation_findings_read_as_prose() {
    on_each_db(|t| async move {
        let p = demo(&t).await;
        let mut c = demo_director(&t).await;
        for (lang, criterion) in [(Lang::En, "Signed by the steering committee chair"), (Lang::Zh, "经项目指导委员会")]
        {
            let gate = squeezed(&pages_text(&pdf(&mut c, p, Kind::Gate, lang).await).join("\n"));
            assert!(gate.contains(&squeezed(criterion)), "{lang:?}: criterion `{criterion}` missing:\n{gate}");
            assert!(!gate.contains("{\"en\"") && !gate.contains("\"zh\""), "{lang:?}: criteria as JSON:\n{gate}");
            let org = squeezed(&pages_text(&pdf(&mut c, p, Kind::Organisation, lang).await).join("\n"));
            assert!(!org.contains("/projects/"), "{lang:?}: a finding points at a web address:\n{org}");
        }
        // The blueprint's list of to-be processes links each row to the process's section.
        let n = t.count(&format!("SELECT COUNT(*) FROM blueprints WHERE project_id = {p}")).await as usize;
        assert!(n >= 1, "the demo has a blueprint");
        let bp = pdf(&mut c, p, Kind::Blueprint, Lang::En).await;
        let texts = pages_text(&bp);
        let to = link_pages(&bp, 3);
        assert_eq!(to.len(), n, "one link per to-be process");
        assert!(to.iter().all(|pg| *pg > 3 || texts[2].contains("Swimlane")), "links go to the sections");
    })
    .await;
}
