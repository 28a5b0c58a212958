//! Deliverable PDFs: generated in both languages, read back with lopdf, checked with
//! `qpdf --check`, versioned with their exact bytes, from the web and from the command line.
use crate::harness::{TestApp, on_each_db};
use ninefold::i18n::Lang;
use ninefold::report::Kind;
use ninefold::service::documents;
use sha2::{Digest, Sha256};
use std::process::Command;

fn tool(name: &str) -> bool {
    Command::new(name).arg("-v").output().is_ok()
}

/// The text of each page, read with a Rust PDF reader (lopdf decodes the fonts' ToUnicode
/// maps), so these tests need nothing beyond the toolchain.
fn pages_of(bytes: &[u8]) -> Vec<String> {
    let doc = lopdf::Document::load_mem(bytes).expect("a readable PDF");
    doc.get_pages().keys().map(|n| doc.extract_text(&[*n]).expect("text extracted")).collect()
}

/// `qpdf --check` finds no syntax or stream-encoding error. Without qpdf (a developer's
/// machine with only the toolchain) every object must still parse and every stream decode
/// with lopdf; CI (`CI` set, `.ci/run` installs qpdf) always runs qpdf itself.
fn qpdf_ok(bytes: &[u8]) {
    if !tool("qpdf") {
        assert!(std::env::var_os("CI").is_none(), "qpdf is not installed (.ci/run installs it)");
        let doc = lopdf::Document::load_mem(bytes).expect("the PDF parses");
        for (id, obj) in &doc.objects {
            if let Ok(stream) = obj.as_stream() {
                assert!(stream.decompressed_content().is_ok() || stream.filters().is_err(), "stream {id:?} decodes");
            }
        }
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("doc.pdf");
    std::fs::write(&path, bytes).unwrap();
    let out = Command::new("qpdf").arg("--check").arg(&path).output().unwrap();
    let report = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(out.status.success() && report.contains("No syntax or stream encoding errors"), "{report}");
}

fn page_label(lang: Lang, x: usize, y: usize) -> String {
    match lang {
        Lang::En => format!("Page {x} of {y}"),
        Lang::Zh => format!("第 {x} 页，共 {y} 页"),
    }
}

async fn demo(t: &TestApp) -> i32 {
    let pb = t.state.playbooks.get("nine-phase").unwrap();
    ninefold::service::demo::ensure(&t.db, pb, chrono::Utc::now().date_naive()).await.unwrap();
    t.count("SELECT CAST(MIN(id) AS BIGINT) FROM projects").await as i32
}

#[tokio::test]
async fn the_review_pack_reads_back_in_both_languages_with_right_page_numbers() {
    on_each_db(|t| async move {
        let p = demo(&t).await;
        let cases = [
            (
                Lang::En,
                vec![
                    "Steering committee review pack",
                    "Contents",
                    "Targets and actuals",
                    "Trends",
                    "Phases due and slipped",
                    "Gate decisions",
                    "Risks",
                    "Decisions and actions",
                    "Zhang Wei",
                    "Wang Fang",
                    "Huamei Appliances",
                    "2585",
                    "2350",
                ],
            ),
            (
                Lang::Zh,
                vec![
                    "指导委员会评审材料",
                    "目录",
                    "目标与实际",
                    "趋势",
                    "到期与延误的阶段",
                    "阶段评审决定",
                    "决定与行动",
                    "张伟",
                    "王芳",
                    "华美电器股份有限公司",
                    "分析和诊断",
                    "2585",
                ],
            ),
        ];
        for (lang, expected) in cases {
            let saved = ninefold::report::publish(&t.db, None, p, Kind::Review, lang).await.unwrap();
            assert!(saved.bytes.starts_with(b"%PDF-"));
            assert!(saved.bytes.len() < 1_500_000, "{} bytes", saved.bytes.len());
            qpdf_ok(&saved.bytes);
            let pages = pages_of(&saved.bytes);
            assert_eq!(pages.len(), saved.pages, "page count");
            assert!(pages.len() >= 10, "the demo review pack has {} pages", pages.len());
            let all = pages.join("\n");
            for e in expected {
                assert!(all.contains(e), "{lang:?}: `{e}` not found in:\n{all}");
            }
            // Every page but the cover says which page of how many it is.
            for (i, text) in pages.iter().enumerate().skip(1) {
                let label = page_label(lang, i + 1, pages.len());
                assert!(text.contains(&label), "page {} lacks `{label}`:\n{text}", i + 1);
            }
            assert!(!pages[0].contains(&page_label(lang, 1, pages.len())), "the cover is not numbered");
            assert_eq!(saved.sha256, hex::encode(Sha256::digest(&saved.bytes)));
        }
        // Versions are per kind and language; the exact bytes are kept.
        let again = ninefold::report::publish(&t.db, None, p, Kind::Review, Lang::Zh).await.unwrap();
        assert_eq!(again.version, 2);
        assert_eq!(t.count("SELECT COUNT(*) FROM documents").await, 3);
        let kept = documents::get(&t.db.conn, p, again.id).await.unwrap();
        assert_eq!(kept.bytes, again.bytes);
        assert_eq!(kept.sha256, again.sha256);
        assert_eq!(t.count("SELECT COUNT(*) FROM audit_log WHERE entity = 'document'").await, 3);
    })
    .await;
}

#[tokio::test]
async fn every_kind_renders_in_both_languages_and_passes_qpdf() {
    on_each_db(|t| async move {
        let p = demo(&t).await;
        let en = ninefold::report::facts(&t.db.conn, p, Lang::En).await.unwrap();
        let zh_facts = ninefold::report::facts(&t.db.conn, p, Lang::Zh).await.unwrap();
        for kind in Kind::ALL {
            for lang in [Lang::En, Lang::Zh] {
                let facts = if lang == Lang::En { &en } else { &zh_facts };
                let doc = ninefold::report::document(facts, kind, lang, "v1", "Tester");
                let (bytes, n) = ninefold::pdf::render_counted(&doc);
                qpdf_ok(&bytes);
                let pages = pages_of(&bytes);
                assert_eq!(pages.len(), n, "{kind:?} {lang:?}");
                let all = pages.join("\n");
                assert!(all.contains(&kind.title(lang)), "{kind:?} {lang:?} lacks its title");
                assert!(all.contains(&page_label(lang, n, n)), "{kind:?} {lang:?} lacks the last page label");
            }
        }
        let zh = |k: Kind| {
            let (b, _) = ninefold::pdf::render_counted(&ninefold::report::document(&zh_facts, k, Lang::Zh, "v1", "x"));
            pages_of(&b).join("\n")
        };
        let charter = zh(Kind::Charter);
        for e in ["范围", "目标", "组织", "阶段计划", "销售", "王芳 Wang Fang"] {
            assert!(charter.contains(e), "charter lacks `{e}`");
        }
        let bc = zh(Kind::BusinessCase);
        for e in ["总拥有成本", "净现值", "累计现金流", "逐年现金流", "¥"] {
            assert!(bc.contains(e), "business case lacks `{e}`:\n{bc}");
        }
        let plan = zh(Kind::Plan);
        assert!(plan.contains("各阶段活动") && plan.contains("项目准备"), "{plan}");
    })
    .await;
}

#[tokio::test]
async fn the_documents_tab_generates_keeps_and_serves_versions() {
    on_each_db(|t| async move {
        let p = demo(&t).await;
        let mut c = t.client();
        c.get("/login").await;
        c.post(
            "/login",
            &[
                ("email", "wang.fang@huamei.example"),
                ("password", ninefold::service::demo::PASSWORD),
                ("next", "/projects"),
            ],
        )
        .await
        .assert_redirect();
        let page = c.get(&format!("/projects/{p}/documents")).await;
        assert_eq!(page.status, 200, "{}", page.body);
        assert!(page.body.contains("Steering committee review pack") || page.body.contains("指导委员会评审材料"));
        let r = c.post(&format!("/projects/{p}/documents"), &[("kind", "charter"), ("lang", "zh")]).await;
        assert!(r.assert_redirect().ends_with("lang=zh"));
        assert_eq!(t.count("SELECT COUNT(*) FROM documents WHERE kind = 'charter' AND lang = 'zh'").await, 1);
        // Attached to the playbook's charter deliverable.
        assert_eq!(
            t.count(
                "SELECT COUNT(*) FROM documents d JOIN deliverables x ON x.id = d.deliverable_id \
                 WHERE x.key = 'project-charter'"
            )
            .await,
            1
        );
        let id = t.count("SELECT CAST(MAX(id) AS BIGINT) FROM documents").await;
        let page = c.get(&format!("/projects/{p}/documents")).await;
        assert!(page.body.contains(&format!("/projects/{p}/documents/{id}")), "the version is listed");
        let got = c.get(&format!("/projects/{p}/documents/{id}")).await;
        assert_eq!(got.status, 200);
        let kept = documents::get(&t.db.conn, p, id as i32).await.unwrap();
        assert_eq!(got.bytes, kept.bytes, "the exact bytes are served");
        assert!(page.body.contains(&kept.sha256));
        assert!(pages_of(&got.bytes).join("\n").contains("项目章程"));
        let preview = c.get(&format!("/projects/{p}/documents/preview/targets.pdf?lang=en")).await;
        assert_eq!(preview.status, 200);
        assert!(pages_of(&preview.bytes).join("\n").contains("Target sheet"));
        assert_eq!(t.count("SELECT COUNT(*) FROM documents").await, 1, "a preview is not kept");
        // Unknown kinds are refused; another project's version is not found.
        let bad = c.post(&format!("/projects/{p}/documents"), &[("kind", "nonsense"), ("lang", "en")]).await;
        assert_eq!(bad.status, 400);
        assert_eq!(c.get(&format!("/projects/{p}/documents/999999")).await.status, 404);
    })
    .await;
}

#[test]
fn the_command_line_writes_a_chinese_pdf() {
    let dir = tempfile::tempdir().unwrap();
    let bin = env!("CARGO_BIN_EXE_ninefold");
    let data = dir.path().to_str().unwrap();
    let out = Command::new(bin).args(["--data-dir", data, "demo"]).env_remove("DATABASE_URL").output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let file = dir.path().join("charter.pdf");
    let out = Command::new(bin)
        .args(["--data-dir", data, "pdf", "--project", "1", "--doc", "charter", "--lang", "zh", "-o"])
        .arg(&file)
        .env_remove("DATABASE_URL")
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).contains("charter v1"));
    let bytes = std::fs::read(&file).unwrap();
    qpdf_ok(&bytes);
    let text = pages_of(&bytes).join("\n");
    assert!(text.contains("项目章程") && text.contains("范围内的模块"), "{text}");
    let out = Command::new(bin)
        .args(["--data-dir", data, "pdf", "--project", "1", "--doc", "nope", "-o"])
        .arg(&file)
        .env_remove("DATABASE_URL")
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("unknown document"));
}

/// A synthetic document: a long table must repeat its header on every page and never cut a
/// row; a long mixed Chinese/Latin paragraph never starts a line with closing punctuation.
#[test]
fn long_tables_repeat_their_header_and_keep_rows_whole() {
    use ninefold::pdf::{Block, Document, Table, render_counted};
    let rows: Vec<Vec<String>> = (1..=90)
        .map(|i| {
            vec![
                format!("R{i:03}"),
                format!("第 {i} 行：客户关系管理系统的销售模块（SFA）与服务模块，需要在 pilot 阶段完成 data migration 并验收。"),
                format!("{}", i * 1000),
            ]
        })
        .collect();
    let para = "华美电器的客户服务中心，目前每天处理约三千个工单。CRM 系统上线后，工单将自动分派，\
                减少人工转派；同时，Sales pipeline 与 forecasting 报表每周自动生成，供管理层审阅。"
        .repeat(6);
    let doc = Document {
        title: "Layout check".into(),
        client: "Client".into(),
        project: "Project".into(),
        version: "v1".into(),
        date: "2026-11-22".into(),
        author: "Tester".into(),
        cover_labels: ["Client", "Project", "Document", "Version", "Date", "Author"].map(String::from),
        approval_title: "Approval".into(),
        approvals: vec![],
        approval_header: ["Role", "Name", "Signature", "Date"].map(String::from),
        toc_title: "Contents".into(),
        page_label: "Page {x} of {y}".into(),
        blocks: vec![
            Block::Heading(1, "Paragraphs".into()),
            Block::Para(para),
            Block::Heading(1, "Table".into()),
            Block::Table(Table {
                widths: vec![1.0, 5.0, 1.2],
                header: vec!["Key".into(), "Description".into(), "Amount".into()],
                rows,
                right: vec![2],
            }),
        ],
        ..Default::default()
    };
    let (bytes, n) = render_counted(&doc);
    qpdf_ok(&bytes);
    let pages = pages_of(&bytes);
    assert_eq!(pages.len(), n);
    let table_pages: Vec<&String> = pages.iter().filter(|p| p.contains("R0")).collect();
    assert!(table_pages.len() >= 3, "the table spans pages");
    for p in &table_pages {
        assert!(p.contains("Description"), "the header row repeats:\n{p}");
    }
    for i in 1..=90 {
        let key = format!("R{i:03}");
        let on: Vec<&&String> = table_pages.iter().filter(|p| p.contains(&key)).collect();
        assert_eq!(on.len(), 1, "{key} appears on one page");
        // The row's last words are on the same page as its key: the row was not cut.
        assert!(on[0].contains(&format!("{}", i * 1000)), "{key} was cut");
    }
    let text = pages.join("\n");
    for line in text.lines() {
        let first = line.trim_start().chars().next();
        assert!(!first.is_some_and(ninefold::pdf::text::is_closing), "a line starts with closing punctuation: {line}");
    }
    assert!(text.contains("forecasting") && text.contains("pipeline"), "Latin words are kept whole");
}
