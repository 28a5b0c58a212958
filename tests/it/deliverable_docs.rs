//! Deliverable documents as a client's steering committee reads them: bookmarks for every
//! heading, metadata (title, author, subject, creation date, language), a clickable table of
//! contents, codes in the reader's language, charts, the gate report of any phase and the
//! review pack of a held review as frozen, and a long project laid out without cut rows or
//! empty pages. PDFs are read back with lopdf (a Rust PDF reader), nothing else needed.
use crate::harness::{TestApp, on_each_db};
use lopdf::{Dictionary, Document, Object};
use ninefold::i18n::Lang;
use ninefold::report::{Kind, Scope};
use ninefold::service::{Actor, write};
use sea_orm::ActiveValue::Set;

/// A PDF text string: UTF-16BE with its mark, else bytes as Latin-1.
fn decode(o: &Object) -> String {
    let Ok(b) = o.as_str() else { return String::new() };
    if b.starts_with(&[0xFE, 0xFF]) {
        let units: Vec<u16> = b[2..].chunks(2).map(|c| u16::from_be_bytes([c[0], *c.get(1).unwrap_or(&0)])).collect();
        String::from_utf16_lossy(&units)
    } else {
        b.iter().map(|&c| c as char).collect()
    }
}

fn deref<'a>(doc: &'a Document, o: &'a Object) -> &'a Object {
    match o {
        Object::Reference(r) => doc.get_object(*r).expect("a resolvable reference"),
        other => other,
    }
}

fn dict<'a>(doc: &'a Document, d: &'a Dictionary, key: &[u8]) -> Option<&'a Dictionary> {
    d.get(key).ok().map(|o| deref(doc, o)).and_then(|o| o.as_dict().ok())
}

/// The document information dictionary's `key`.
pub(crate) fn info(doc: &Document, key: &str) -> String {
    let i = deref(doc, doc.trailer.get(b"Info").expect("an Info dictionary")).as_dict().expect("Info is a dictionary");
    i.get(key.as_bytes()).map(decode).unwrap_or_default()
}

/// The outline as (depth, title, page number), in reading order.
pub(crate) fn outline(doc: &Document) -> Vec<(usize, String, u32)> {
    let pages: Vec<(u32, lopdf::ObjectId)> = doc.get_pages().into_iter().collect();
    let mut out = Vec::new();
    fn walk(
        doc: &Document,
        pages: &[(u32, lopdf::ObjectId)],
        first: Option<&Dictionary>,
        depth: usize,
        out: &mut Vec<(usize, String, u32)>,
    ) {
        let mut cur = first;
        while let Some(item) = cur {
            let dest = item.get(b"Dest").ok().map(|o| deref(doc, o)).and_then(|o| o.as_array().ok());
            let page = dest
                .and_then(|a| a.first())
                .and_then(|p| p.as_reference().ok())
                .and_then(|r| pages.iter().find(|(_, id)| *id == r).map(|(n, _)| *n))
                .unwrap_or(0);
            out.push((depth, item.get(b"Title").map(decode).unwrap_or_default(), page));
            walk(doc, pages, dict(doc, item, b"First"), depth + 1, out);
            cur = dict(doc, item, b"Next");
        }
    }
    let cat = doc.catalog().expect("a catalogue");
    if let Some(root) = dict(doc, cat, b"Outlines") {
        walk(doc, &pages, dict(doc, root, b"First"), 0, &mut out);
    }
    out
}

/// Link annotations on page `n` (1-based) that jump inside the document.
pub(crate) fn internal_links(doc: &Document, n: u32) -> usize {
    let id = doc.get_pages()[&n];
    let page = doc.get_dictionary(id).expect("a page");
    let Ok(annots) = page.get(b"Annots").map(|o| deref(doc, o)).and_then(Object::as_array) else { return 0 };
    annots
        .iter()
        .filter_map(|a| deref(doc, a).as_dict().ok())
        .filter(|a| a.get(b"Subtype").and_then(Object::as_name).is_ok_and(|s| s == b"Link") && a.has(b"Dest"))
        .count()
}

pub(crate) fn pages_text(doc: &Document) -> Vec<String> {
    doc.get_pages().keys().map(|n| doc.extract_text(&[*n]).expect("text extracted")).collect()
}

/// Keys that must never reach a reader: i18n key prefixes (an untranslated key prints
/// itself) and stored codes of departments, audiences, roles, statuses and kinds.
pub(crate) const RAW: &[&str] = &[
    "pdf.",
    "dept.",
    "audience.",
    "org_role.",
    "status.",
    "cost_cat.",
    "recurrence.",
    "benefit_kind.",
    "risk.status",
    "senior_management",
    "project_team",
    "functional_group",
    "end_users",
    "project_director",
    "key_assistant",
    "team_member",
    "group_leader",
    "key_user",
    "application_consultant",
    "technical_consultant",
    "in_review",
    "not_started",
    "one_time",
    "internal_staff",
    "data_migration",
    "cost_reduction",
];

async fn demo(t: &TestApp) -> i32 {
    let pb = t.state.playbooks.get("nine-phase").unwrap();
    ninefold::service::demo::ensure(&t.db, pb, chrono::Utc::now().date_naive()).await.unwrap();
    t.count("SELECT CAST(MIN(id) AS BIGINT) FROM projects").await as i32
}

/// Every kind, both languages, from the demo: metadata, bookmarks matching the headings,
/// a clickable contents page, no raw codes, sensible page counts.
#[tokio::test]
async fn every_kind_has_bookmarks_metadata_clickable_contents_and_no_raw_codes() {
    on_each_db(|t| async move {
        let p = demo(&t).await;
        for lang in [Lang::En, Lang::Zh] {
            let facts = ninefold::report::facts(&t.db.conn, p, lang).await.unwrap();
            for kind in Kind::ALL {
                let doc = ninefold::report::document(&facts, kind, lang, "v1", "王芳 Wang Fang");
                let headings: Vec<String> = doc
                    .blocks
                    .iter()
                    .filter_map(|b| match b {
                        ninefold::pdf::Block::Heading(_, s) => Some(s.clone()),
                        _ => None,
                    })
                    .collect();
                let (bytes, n) = ninefold::pdf::render_counted(&doc);
                let pdf = Document::load_mem(&bytes).expect("a readable PDF");
                let what = format!("{kind:?} {lang:?}");
                // Metadata.
                assert_eq!(info(&pdf, "Title"), kind.title(lang), "{what}");
                assert_eq!(info(&pdf, "Author"), "王芳 Wang Fang", "{what}");
                assert!(info(&pdf, "Subject").contains(&kind.title(lang)), "{what}: {}", info(&pdf, "Subject"));
                assert!(info(&pdf, "Subject").contains("华美"), "{what}: the subject names the project");
                let created = info(&pdf, "CreationDate");
                assert!(created.starts_with("D:20") && created.len() >= 16, "{what}: {created}");
                let cat = pdf.catalog().unwrap();
                let want = if lang == Lang::Zh { "zh-CN" } else { "en" };
                assert_eq!(cat.get(b"Lang").map(decode).unwrap_or_default(), want, "{what}");
                // One bookmark per heading, in order, each on a body page.
                let marks = outline(&pdf);
                let titles: Vec<String> = marks.iter().map(|m| m.1.clone()).collect();
                assert_eq!(titles, headings, "{what}: bookmarks follow the headings");
                assert!(!marks.is_empty(), "{what} has bookmarks");
                let texts = pages_text(&pdf);
                assert_eq!(texts.len(), n, "{what}");
                for (depth, title, page) in &marks {
                    assert!(*page >= 3 && *page as usize <= n, "{what}: `{title}` points at page {page}");
                    assert!(*depth <= 1);
                    // The bookmark's page shows the heading (its first characters: long ones wrap).
                    let head: String = title.chars().filter(|c| !c.is_whitespace()).take(6).collect();
                    let on: String = texts[*page as usize - 1].chars().filter(|c| !c.is_whitespace()).collect();
                    assert!(on.contains(&head), "{what}: `{title}` is not on page {page}");
                }
                assert!(internal_links(&pdf, 2) >= 1, "{what}: the contents are clickable");
                // Codes in the reader's language.
                let all = texts.join("\n");
                for raw in RAW {
                    // A key prefix counts when a key follows it ("dept.sales"), not at a
                    // sentence's end (an owner typed as "Service dept.").
                    let found = all.match_indices(raw).any(|(i, _)| {
                        !raw.ends_with('.')
                            || all[i + raw.len()..].chars().next().is_some_and(|c| c.is_ascii_lowercase())
                    });
                    assert!(!found, "{what}: raw `{raw}` in:\n{all}");
                }
                // No empty body page: each has more than its header and footer.
                for (i, text) in texts.iter().enumerate().skip(2) {
                    let body = text.replace(&facts.project.name, "").replace(&facts.project.client_name, "");
                    assert!(body.trim().chars().count() > 60, "{what}: page {} is empty:\n{text}", i + 1);
                }
                assert!((3..=60).contains(&n), "{what}: {n} pages");
            }
        }
    })
    .await;
}

/// The documents say what the issue asks of them: the charter's tiers (not logins), the
/// organisation chart and allocations, the plan's legend, the business case's assumptions,
/// scenarios, totals, tornado and approval, the gate report's acceptances.
#[tokio::test]
async fn documents_carry_the_reworked_sections() {
    on_each_db(|t| async move {
        let p = demo(&t).await;
        let text = |kind: Kind, lang: Lang| {
            let db = t.db.clone();
            async move {
                let f = ninefold::report::facts(&db.conn, p, lang).await.unwrap();
                let (b, _) = ninefold::pdf::render_counted(&ninefold::report::document(&f, kind, lang, "v1", "x"));
                pages_text(&Document::load_mem(&b).unwrap()).join("\n")
            }
        };
        let charter = text(Kind::Charter, Lang::En).await;
        for e in ["Steering committee", "Chair", "%", "Tier or group"] {
            assert!(charter.contains(e), "charter lacks `{e}`:\n{charter}");
        }
        assert!(!charter.contains("@huamei.example"), "the charter lists tiers, not logins");
        let org = text(Kind::Organisation, Lang::Zh).await;
        for e in ["组织结构图", "指导委员会", "投入比例", "市场"] {
            assert!(org.contains(e), "organisation lacks `{e}`:\n{org}");
        }
        let plan = text(Kind::Plan, Lang::En).await;
        for e in ["Critical path", "Milestone", "Baseline", "Today"] {
            assert!(plan.contains(e), "plan legend lacks `{e}`");
        }
        let bc = text(Kind::BusinessCase, Lang::En).await;
        for e in ["Assumptions", "Discount rate", "Scenarios", "Cost lines", "Benefit lines", "Total", "Sensitivity"] {
            assert!(bc.contains(e), "business case lacks `{e}`:\n{bc}");
        }
        let f = ninefold::report::facts(&t.db.conn, p, Lang::En).await.unwrap();
        let v = f.business_case.as_ref().expect("the demo has a business case");
        for s in &f.scenarios {
            assert!(bc.contains(&s.scenario.name), "scenario `{}` missing", s.scenario.name);
        }
        assert!(bc.contains(&v.figures.tco_nominal), "the cost total is the page's TCO");
        let training = text(Kind::Training, Lang::Zh).await;
        assert!(
            training.contains("高层管理") || training.contains("项目组") || training.contains("最终用户"),
            "{training}"
        );
    })
    .await;
}

/// `--phase` picks the gate report's phase; `--review` lays out a held review's frozen pack
/// (not live data); both from the command line's code path (`publish_scoped`).
#[tokio::test]
async fn the_gate_report_of_any_phase_and_the_review_pack_as_frozen() {
    on_each_db(|t| async move {
        let p = demo(&t).await;
        for seq in [1, 2, 9] {
            let saved = ninefold::report::publish_scoped(
                &t.db,
                None,
                p,
                Kind::Gate,
                Lang::En,
                Scope { phase: Some(seq), review: None },
            )
            .await
            .unwrap();
            let pdf = Document::load_mem(&saved.bytes).unwrap();
            let f = ninefold::report::facts_for(&t.db.conn, p, Lang::En, Scope { phase: Some(seq), review: None })
                .await
                .unwrap();
            let g = f.gate.as_ref().unwrap();
            assert_eq!(g.phase.seq, seq);
            let text = pages_text(&pdf).join("\n");
            assert!(text.contains(&format!("Phase {seq}. {}", g.phase.name_en)), "{text}");
            assert!(info(&pdf, "Subject").contains(&g.phase.name_en));
        }
        let missing = ninefold::report::publish_scoped(
            &t.db,
            None,
            p,
            Kind::Gate,
            Lang::En,
            Scope { phase: Some(42), review: None },
        )
        .await;
        assert!(missing.is_err(), "an unknown phase is refused");

        let rid = t.count("SELECT CAST(MIN(id) AS BIGINT) FROM reviews").await as i32;
        let deck = ninefold::service::reviews::deck(&t.db.conn, p, rid).await.unwrap();
        let frozen = deck.pack.clone().expect("the demo review has a pack");
        let scope = Scope { phase: None, review: Some(rid) };
        let f = ninefold::report::facts_for(&t.db.conn, p, Lang::En, scope).await.unwrap();
        assert_eq!(f.pack, frozen, "the frozen pack, not a live one");
        let saved = ninefold::report::publish_scoped(&t.db, None, p, Kind::Review, Lang::En, scope).await.unwrap();
        let pdf = Document::load_mem(&saved.bytes).unwrap();
        let squeeze = |s: &str| s.chars().filter(|c| !c.is_whitespace()).collect::<String>();
        let text = squeeze(&pages_text(&pdf).join("\n"));
        assert!(text.contains(&squeeze(&deck.review.title)), "{text}");
        assert!(text.contains(&frozen.as_of.to_string()));
        for tg in &frozen.targets {
            assert!(text.contains(&squeeze(&tg.name)), "frozen target `{}` missing", tg.name);
        }
        assert!(info(&pdf, "Subject").contains(&deck.review.title));
    })
    .await;
}

/// A long project (300 activities, 60 risks, 40 processes, 60 people) renders every
/// document: no cut row (every activity name whole on one page), no empty page, the
/// detailed Gantt split across pages with the task names repeated.
#[tokio::test]
async fn a_long_project_renders_every_document_without_cut_rows_or_empty_pages() {
    on_each_db(|t| async move {
        let p = demo(&t).await;
        let c = &t.db.conn;
        let director = t.count("SELECT CAST(MIN(user_id) AS BIGINT) FROM project_members").await as i32;
        let actor = Actor { user_id: director };
        let phases = ninefold::service::projects::phases(c, p).await.unwrap();
        let existing = t.count(&format!("SELECT COUNT(*) FROM activities WHERE project_id = {p}")).await as usize;
        for i in existing..300 {
            let ph = &phases[i % phases.len()];
            let am = ninefold::service::schedule::new_activity(
                p,
                ph.id,
                1000 + i as i32,
                (format!("Long activity {i:03} end{i:03}"), format!("长活动 {i:03} 尾{i:03}")),
                "team",
                (ph.planned_start, ph.planned_start + chrono::Duration::days(3 + (i % 20) as i64)),
            );
            write::insert::<ninefold::entity::activity::Entity, _>(c, actor, p, am, "create").await.unwrap();
        }
        let risks = t.count(&format!("SELECT COUNT(*) FROM risks WHERE project_id = {p}")).await as usize;
        for i in risks..60 {
            let am = ninefold::entity::risk::ActiveModel {
                project_id: Set(p),
                factor_key: Set(None),
                title: Set(format!("Risk {i:02}")),
                description: Set(String::new()),
                category: Set("project".into()),
                probability: Set(Some(1 + (i % 5) as i32)),
                impact: Set(Some(1 + (i / 5 % 5) as i32)),
                owner: Set("Owner".into()),
                mitigation: Set("Mitigate".into()),
                contingency: Set(String::new()),
                status: Set("open".into()),
                dismiss_reason: Set(String::new()),
                review_date: Set(None),
                ..Default::default()
            };
            write::insert::<ninefold::entity::risk::Entity, _>(c, actor, p, am, "create").await.unwrap();
        }
        let people = t.count(&format!("SELECT COUNT(*) FROM people WHERE project_id = {p}")).await as usize;
        for i in people..60 {
            let am = ninefold::entity::person::ActiveModel {
                project_id: Set(p),
                name: Set(format!("Person {i:02}")),
                title: Set("Analyst".into()),
                department: Set("sales".into()),
                side: Set("client".into()),
                email: Set(String::new()),
                phone: Set(String::new()),
                user_id: Set(None),
                ..Default::default()
            };
            write::insert::<ninefold::entity::person::Entity, _>(c, actor, p, am, "create").await.unwrap();
        }
        let processes = t.count(&format!("SELECT COUNT(*) FROM processes WHERE project_id = {p}")).await as usize;
        for i in processes..40 {
            let am = ninefold::entity::process::ActiveModel {
                project_id: Set(p),
                module_key: Set("sales".into()),
                name: Set(format!("Process {i:02}")),
                as_is: Set("As is".into()),
                owner_dept: Set("sales".into()),
                volume: Set(String::new()),
                pain_points: Set(String::new()),
                systems: Set(String::new()),
                importance: Set(Some(1 + (i % 5) as i32)),
                performance: Set(Some(1 + (i / 5 % 5) as i32)),
                feasibility: Set(Some(3)),
                justification: Set(String::new()),
                selected: Set(false),
                ..Default::default()
            };
            write::insert::<ninefold::entity::process::Entity, _>(c, actor, p, am, "create").await.unwrap();
        }
        for lang in [Lang::En, Lang::Zh] {
            let f = ninefold::report::facts(c, p, lang).await.unwrap();
            for kind in Kind::ALL {
                let doc = ninefold::report::document(&f, kind, lang, "v1", "x");
                let (bytes, n) = ninefold::pdf::render_counted(&doc);
                let pdf = Document::load_mem(&bytes).unwrap();
                let texts = pages_text(&pdf);
                assert_eq!(texts.len(), n);
                for (i, text) in texts.iter().enumerate().skip(2) {
                    let body = text.replace(&f.project.name, "").replace(&f.project.client_name, "");
                    assert!(body.trim().chars().count() > 60, "{kind:?} {lang:?}: page {} is empty:\n{text}", i + 1);
                }
                if kind == Kind::Plan {
                    // Every activity row of the tables whole on one page: its name and its
                    // tail on the same page, once in the activity tables.
                    for i in 0..300 {
                        let (name, tail) = match lang {
                            Lang::En => (format!("Long activity {i:03}"), format!("end{i:03}")),
                            Lang::Zh => (format!("长活动 {i:03}"), format!("尾{i:03}")),
                        };
                        if i < existing {
                            continue;
                        }
                        // (The Gantt may shorten a name; the table never cuts a row.)
                        assert!(
                            texts.iter().any(|p| p.contains(&name) && p.contains(&tail)),
                            "{lang:?}: {name} missing"
                        );
                        assert!(
                            texts.iter().filter(|p| p.contains(&tail)).all(|p| p.contains(&name)),
                            "{lang:?}: {name} was cut across pages"
                        );
                    }
                    assert!(n >= 12, "the detailed Gantt of 300 activities spans pages ({n})");
                    // The Gantt's legend repeats on each of its pages.
                    let legend = if lang == Lang::En { "Critical path" } else { "关键路径" };
                    assert!(
                        texts.iter().filter(|p| p.contains(legend)).count() >= 3,
                        "{lang:?}: legend per Gantt page"
                    );
                }
            }
        }
    })
    .await;
}

/// The Documents tab lists every playbook deliverable with the kind that generates it (or
/// "attach a file"), generating from it keeps a version attached to the deliverable, and the
/// gate report's phase and the review pack's held review can be chosen.
#[tokio::test]
async fn the_documents_tab_lists_every_deliverable_and_generates_for_a_phase() {
    on_each_db(|t| async move {
        let p = demo(&t).await;
        let mut c = crate::consistency::demo_director(&t).await;
        let r = c.get(&format!("/projects/{p}/documents?lang=en")).await;
        assert_eq!(r.status, 200);
        let deliverables = t.count(&format!("SELECT COUNT(*) FROM deliverables WHERE project_id = {p}")).await;
        assert!(r.body.matches("<td>").count() as i64 >= deliverables, "a row per deliverable");
        for e in [
            "Diagnosis report",
            "Business blueprint",
            "Data quality report",
            "attach a file",
            "name=\"phase\"",
            "name=\"review\"",
        ] {
            assert!(r.body.contains(e), "the tab lacks `{e}`");
        }
        let r = c.post(&format!("/projects/{p}/documents"), &[("kind", "gate"), ("lang", "en"), ("phase", "1")]).await;
        assert!(r.status.is_redirection(), "{}", r.status);
        let r =
            c.post(&format!("/projects/{p}/documents"), &[("kind", "diagnosis"), ("lang", "zh"), ("phase", "")]).await;
        assert!(r.status.is_redirection(), "{}", r.status);
        let attached = t
            .count(&format!(
                "SELECT COUNT(*) FROM documents d JOIN deliverables x ON x.id = d.deliverable_id \
                 WHERE d.project_id = {p} AND d.kind = 'diagnosis' AND x.key = 'diagnosis-report'"
            ))
            .await;
        assert_eq!(attached, 1, "the diagnosis report is attached to its deliverable");
        let r = c.post(&format!("/projects/{p}/documents"), &[("kind", "gate"), ("lang", "en"), ("phase", "x")]).await;
        assert_eq!(r.status, 400, "a phase that is not a number is refused");
        let r = c.get(&format!("/projects/{p}/documents/preview/gate.pdf?lang=en&phase=2")).await;
        assert_eq!(r.status, 200);
        assert!(pages_text(&Document::load_mem(&r.bytes).unwrap()).join("\n").contains("Phase 2."));
    })
    .await;
}
