//! What a look at every page of every document found, kept found: documents of every demo
//! project (early phases, testing, hypercare) in both languages draw every character with
//! a glyph, cut no word, date or header in a table column and print no raw code; the
//! figures read as the pages print them (thousands separators, the discount rate with its
//! %, 万元 and 万 for a Chinese reader); the heat map's numbers are explained; the layout
//! keeps short tables, a table's note and the last rows together and names a group again on
//! a new page. PDFs are read back with lopdf.
use crate::deliverable_docs::{RAW, outline, pages_text};
use crate::harness::{TestApp, on_each_db};
use lopdf::Document as Pdf;
use ninefold::i18n::Lang;
use ninefold::pdf::{Block, Document, Table, cut_words, render_checked};
use ninefold::report::{Facts, Kind};
use sea_orm::EntityTrait;

/// The demo's projects (Huamei in its early phases, the insurer in testing, the pilot in
/// hypercare), in id order.
async fn demo_projects(t: &TestApp) -> Vec<i32> {
    let pb = t.state.playbooks.get("nine-phase").unwrap();
    ninefold::service::demo::ensure(&t.db, pb, chrono::Utc::now().date_naive()).await.unwrap();
    let mut ids: Vec<i32> =
        ninefold::entity::project::Entity::find().all(&t.db.conn).await.unwrap().into_iter().map(|p| p.id).collect();
    ids.sort();
    assert!(ids.len() >= 3, "the demo has three projects: {ids:?}");
    ids
}

/// The views of a project, on the heap (they are large; a test holds several).
async fn facts(t: &TestApp, p: i32, lang: Lang) -> Box<Facts> {
    Box::new(Box::pin(ninefold::report::facts(&t.db.conn, p, lang)).await.unwrap())
}

fn text_of(f: &Facts, kind: Kind, lang: Lang) -> String {
    let (bytes, _, _) = render_checked(&ninefold::report::document(f, kind, lang, "v1", "x"));
    pages_text(&Pdf::load_mem(&bytes).unwrap()).join("\n")
}

/// Every kind of every demo project in both languages: no character without a glyph (it
/// would print as an empty box), no word, date or header cut by a narrow column, no raw
/// code, no empty page.
#[tokio::test]
async fn every_kind_of_every_demo_project_draws_every_glyph_and_cuts_no_word() {
    on_each_db(|t| async move {
        for p in demo_projects(&t).await {
            for lang in [Lang::En, Lang::Zh] {
                let f = facts(&t, p, lang).await;
                for kind in Kind::ALL {
                    let what = format!("project {p} {kind:?} {lang:?}");
                    let doc = ninefold::report::document(&f, kind, lang, "v1", "x");
                    let cut = cut_words(&doc);
                    assert!(cut.is_empty(), "{what}: cut in a table column: {cut:?}");
                    let (bytes, n, missing) = render_checked(&doc);
                    assert!(missing.is_empty(), "{what}: no glyph for {missing:?}");
                    let texts = pages_text(&Pdf::load_mem(&bytes).unwrap());
                    assert_eq!(texts.len(), n, "{what}");
                    let all = texts.join("\n");
                    for raw in RAW {
                        let found = all.match_indices(raw).any(|(i, _)| {
                            !raw.ends_with('.')
                                || all[i + raw.len()..].chars().next().is_some_and(|c| c.is_ascii_lowercase())
                        });
                        assert!(!found, "{what}: raw `{raw}`");
                    }
                    // No empty page; a document with nothing to report yet (the insurer has
                    // no targets, no interface) says so on its one body page.
                    let least = if n > 3 { 60 } else { 15 };
                    for (i, text) in texts.iter().enumerate().skip(2) {
                        let body = text.replace(&f.project.name, "").replace(&f.project.client_name, "");
                        assert!(body.trim().chars().count() > least, "{what}: page {} is empty:\n{text}", i + 1);
                    }
                }
            }
        }
    })
    .await;
}

/// Figures read as the pages print them, in the reader's convention.
#[tokio::test]
async fn figures_read_as_the_pages_print_them_in_the_readers_convention() {
    on_each_db(|t| async move {
        let ids = demo_projects(&t).await;
        let (huamei, insurer, pilot) = (ids[0], ids[1], ids[2]);
        let en = facts(&t, huamei, Lang::En).await;
        let zh = facts(&t, huamei, Lang::Zh).await;

        // The training plan's headline cost: as the page in English, in 万元 in Chinese.
        let total = &zh.training.budget.total;
        let wan = ninefold::domain::money::headline(total.planned_minor, &zh.training.currency, true);
        assert!(wan.ends_with("万元"), "{wan}");
        assert!(text_of(&zh, Kind::Training, Lang::Zh).contains(&wan), "the Chinese cost is {wan}");
        let training = text_of(&en, Kind::Training, Lang::En);
        assert!(training.contains(&format!("{} {}", total.planned, zh.training.currency)));
        assert!(training.contains("By phase") && training.contains("By audience"), "the budget's two breakdowns");

        // Money on the business case's charts: M and k in English, 万 in Chinese.
        // A chart's money label: "¥8.3M", "-¥900k", "¥1232万".
        let money_label = |s: &str, suffix: &str| {
            s.split_whitespace().any(|w| {
                w.trim_start_matches('-')
                    .strip_prefix('¥')
                    .and_then(|r| r.strip_suffix(suffix))
                    .is_some_and(|m| !m.is_empty() && m.chars().all(|c| c.is_ascii_digit() || c == '.' || c == ','))
            })
        };
        let bc_en = text_of(&en, Kind::BusinessCase, Lang::En);
        let bc_zh = text_of(&zh, Kind::BusinessCase, Lang::Zh);
        assert!(money_label(&bc_en, "M"), "English chart labels in M:\n{bc_en}");
        assert!(money_label(&bc_zh, "万"), "Chinese chart labels in 万:\n{bc_zh}");
        assert!(!money_label(&bc_zh, "M") && !money_label(&bc_zh, "k"), "no M or k for a Chinese reader:\n{bc_zh}");

        // Data quality: shares with the page's one decimal, records with separators.
        let dq = text_of(&en, Kind::DataQuality, Lang::En);
        for s in &en.diagnosis.sources {
            if let Some(l) = &s.latest {
                let share = format!("{}%", ninefold::domain::targets::figure(l.completeness, 1));
                assert!(dq.contains(&share), "completeness {share}:\n{dq}");
            }
            if s.source.record_count >= 1000 {
                let n = ninefold::domain::targets::figure(s.source.record_count as f64, 0);
                assert!(n.contains(',') && dq.contains(&n), "records {n}");
            }
        }
        assert!(text_of(&en, Kind::Charter, Lang::En).contains("2,350"), "target figures with separators");

        // The evaluation's discount rate is a percentage.
        let ev = facts(&t, pilot, Lang::En).await;
        let rate = &ev.evaluation.roi.as_ref().expect("the pilot has a business case").rate_pct;
        assert!(text_of(&ev, Kind::Evaluation, Lang::En).contains(&format!("discount rate {rate}%")));
        let ev_zh = facts(&t, pilot, Lang::Zh).await;
        assert!(text_of(&ev_zh, Kind::Evaluation, Lang::Zh).contains(&format!("折现率 {rate}%")));

        // Labels read as labels; the targets' forecast says what happens.
        let ins = facts(&t, insurer, Lang::En).await;
        assert!(text_of(&ins, Kind::IssueLog, Lang::En).contains("Escalated"));
        assert!(!text_of(&en, Kind::Targets, Lang::En).contains("will not reach zero"));
    })
    .await;
}

/// The review pack explains the heat map's numbers; the blueprint's swimlane names modules,
/// not keys; the gate report gives its decision first.
#[tokio::test]
async fn numbers_and_names_are_explained_and_the_gate_decision_comes_first() {
    on_each_db(|t| async move {
        let p = demo_projects(&t).await[0];
        let en = facts(&t, p, Lang::En).await;
        let review = text_of(&en, Kind::Review, Lang::En);
        let map = &en.risks.heat_map.items;
        assert!(map.len() > en.risks.top.len(), "the demo maps more risks than the top ones");
        // Every risk on the map is named in the pack: the top ones in their table (with the
        // number), the others in the key under the map.
        let squeezed = review.split_whitespace().collect::<String>();
        for item in map {
            let title: String = item.title.split_whitespace().collect();
            let name: String = title.split_once('.').map_or(title.clone(), |(_, rest)| rest.to_string());
            let name: String = name.rsplit_once('(').map_or(name.clone(), |(n, _)| n.to_string());
            let head: String = name.chars().take(12).collect();
            assert!(squeezed.contains(&head), "heat map risk {} is not explained:\n{review}", item.title);
        }

        let zh = facts(&t, p, Lang::Zh).await;
        let page = zh.blueprints.first().expect("the demo has a blueprint");
        assert!(page.swimlane.iter().all(|l| !l.system.starts_with("service")), "{:?}", page.swimlane);
        assert!(page.step_modules.iter().any(|m| m == "客户服务与支持"), "{:?}", page.step_modules);
        let bp = text_of(&zh, Kind::Blueprint, Lang::Zh);
        assert!(!bp.contains("service ·"), "a module key in the blueprint:\n{bp}");

        let (bytes, _, _) = render_checked(&ninefold::report::document(&en, Kind::Gate, Lang::En, "v1", "x"));
        let marks: Vec<String> = outline(&Pdf::load_mem(&bytes).unwrap()).into_iter().map(|m| m.1).collect();
        let at = |s: &str| marks.iter().position(|m| m == s).unwrap_or_else(|| panic!("`{s}` in {marks:?}"));
        assert!(at("Gate decision") < at("What was delivered"), "{marks:?}");
    })
    .await;
}

fn doc(blocks: Vec<Block>) -> Document {
    Document {
        title: "Layout".into(),
        client: "Client".into(),
        project: "Project".into(),
        version: "v1".into(),
        date: "2026-12-02".into(),
        author: "Tester".into(),
        cover_labels: ["Client", "Project", "Document", "Version", "Date", "Author"].map(String::from),
        approval_title: "Approval".into(),
        approval_header: ["Role", "Name", "Signature", "Date"].map(String::from),
        toc_title: "Contents".into(),
        page_label: "Page {x} of {y}".into(),
        blocks,
        ..Default::default()
    }
}

fn body_pages(d: &Document) -> Vec<String> {
    let (bytes, _, missing) = render_checked(d);
    assert!(missing.is_empty(), "{missing:?}");
    pages_text(&Pdf::load_mem(&bytes).unwrap()).split_off(2)
}

/// The engine: narrow columns widen for what they must hold; a short table moves whole
/// with its heading; a note stays with its table; the last row never stands alone; a group
/// is named again at the top of a page; a symbol the font lacks gets a stand-in.
#[test]
fn tables_keep_words_short_tables_notes_last_rows_and_groups_together() {
    // A date in a column given almost no width, a header word longer than its column.
    let narrow = Table {
        widths: vec![6.0, 0.3, 0.3],
        header: vec!["Description".into(), "Attainment".into(), "Threshold".into()],
        rows: vec![vec!["Something long enough to give way".into(), "2026-11-29".into(), "≥ 95%".into()]],
        right: vec![],
    };
    let d = doc(vec![Block::Heading(1, "Narrow".into()), Block::Table(narrow)]);
    assert!(cut_words(&d).is_empty(), "{:?}", cut_words(&d));
    let text = body_pages(&d).join("\n");
    for w in ["Attainment", "Threshold", "2026-11-29"] {
        assert!(text.contains(w), "`{w}` printed whole:\n{text}");
    }

    let rows = |n: usize, tag: &str| -> Vec<Vec<String>> {
        (1..=n).map(|i| vec![format!("{tag}{i:02}"), format!("value {i}")]).collect()
    };
    // Wherever a page ends (one more line of text before each time): a heading and a short
    // table go over whole; a long table ends with at least two rows and its note on one
    // page, and every page of it names its group.
    let mut long = rows(70, "L");
    for (i, r) in long.iter_mut().enumerate() {
        r.insert(0, if i == 0 { "Group A".into() } else { String::new() });
    }
    for lines in 0..36 {
        let mut blocks = vec![Block::Heading(1, "Filler".into())];
        blocks.extend((0..lines).map(|i| Block::Para(format!("Filler line {i}."))));
        blocks.push(Block::Heading(2, "Short table".into()));
        blocks.push(Block::Table(Table {
            widths: vec![1.0, 1.0],
            header: vec!["Key".into(), "Value".into()],
            rows: rows(6, "S"),
            right: vec![],
        }));
        let pages = body_pages(&doc(blocks));
        let on: Vec<usize> =
            (1..=6).map(|i| pages.iter().position(|p| p.contains(&format!("S{i:02}"))).unwrap()).collect();
        assert!(on.iter().all(|&p| p == on[0]), "{lines} lines: the short table is on one page: {on:?}");
        assert!(pages[on[0]].contains("Short table"), "{lines} lines: with its heading");

        let mut blocks = vec![Block::Heading(1, "Filler".into())];
        blocks.extend((0..lines).map(|i| Block::Para(format!("Filler line {i}."))));
        blocks.push(Block::Table(Table {
            widths: vec![1.0, 1.0, 1.0],
            header: vec!["Group".into(), "Key".into(), "Value".into()],
            rows: long.clone(),
            right: vec![],
        }));
        blocks.push(Block::Note("The note that explains the table.".into()));
        let pages = body_pages(&doc(blocks));
        let with_rows: Vec<&String> =
            pages.iter().filter(|p| (1..=70).any(|i| p.contains(&format!("L{i:02}")))).collect();
        assert!(with_rows.len() >= 2, "the long table spans pages");
        for p in &with_rows {
            assert!(p.contains("Group A"), "{lines} lines: the group is named on every page:\n{p}");
        }
        let last = pages.iter().position(|p| p.contains("L70")).unwrap();
        assert!(pages[last].contains("L69"), "{lines} lines: the last row is not alone");
        assert!(pages[last].contains("The note that explains"), "{lines} lines: the note stays with the table");
    }

    // A symbol the font has no glyph for is drawn as one it has.
    let (_, _, missing) = render_checked(&doc(vec![Block::Bullets(vec!["✗ not met".into(), "⩾ 95%".into()])]));
    assert!(missing.is_empty(), "{missing:?}");
}
