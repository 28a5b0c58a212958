//! One truth per figure: wherever a figure appears in more than one place (page, JSON API,
//! PDF, export, feed), the places agree. Run over the demo project and over a second project
//! generated through the forms. PDFs are read back with `lopdf` (a Rust PDF reader), so
//! these tests need nothing beyond the toolchain. One file per area below.
use crate::harness::{Client, TestApp, create_project};
use ninefold::i18n::Lang;
use ninefold::report::Kind;

mod budget;
mod business_case;
mod health;
mod organisation;
mod risks;
mod schedule;
mod targets;
mod training;

/// The demo project, loaded as `serve --demo` loads it; returns its id.
pub async fn demo(t: &TestApp) -> i32 {
    let pb = t.state.playbooks.get("nine-phase").unwrap();
    ninefold::service::demo::ensure(&t.db, pb, chrono::Utc::now().date_naive()).await.unwrap();
    t.count("SELECT CAST(MIN(id) AS BIGINT) FROM projects").await as i32
}

/// A client logged in as the demo's director (all demo users share one password).
pub async fn demo_director(t: &TestApp) -> Client {
    let mut c = t.client();
    c.get("/login").await;
    let r = c
        .post(
            "/login",
            &[
                ("email", "wang.fang@huamei.example"),
                ("password", ninefold::service::demo::PASSWORD),
                ("next", "/projects"),
            ],
        )
        .await;
    r.assert_redirect();
    c
}

/// A second project made through the forms by a fresh director: (project id, director).
pub async fn generated(t: &TestApp) -> (i32, Client) {
    t.user("gen.director@t.example", "Gen Director").await;
    let mut c = t.client();
    c.login("gen.director@t.example").await;
    let id = create_project(&mut c, "Generated CRM").await;
    (id, c)
}

/// All the text of a PDF, pages in order, read with a PDF reader (fonts' ToUnicode maps).
pub fn pdf_text(bytes: &[u8]) -> String {
    let doc = lopdf::Document::load_mem(bytes).expect("a readable PDF");
    let pages: Vec<u32> = doc.get_pages().keys().copied().collect();
    doc.extract_text(&pages).expect("text extracted")
}

/// The text of `kind` in `lang` as the Documents tab previews it (same code as the stored PDF).
pub async fn document_text(c: &mut Client, project: i32, kind: Kind, lang: Lang) -> String {
    let q = match lang {
        Lang::En => "en",
        Lang::Zh => "zh",
    };
    let r = c.get(&format!("/projects/{project}/documents/preview/{}?lang={q}", kind.key())).await;
    assert_eq!(r.status, 200, "preview of {} failed: {}", kind.key(), r.body);
    assert!(r.bytes.starts_with(b"%PDF"), "preview of {} is not a PDF", kind.key());
    pdf_text(&r.bytes)
}

/// Whitespace-insensitive containment: PDF text extraction breaks lines and may split runs.
pub fn squeezed(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

/// The reader itself: the charter of the demo and of a generated project reads back with
/// the project's Chinese and English names, so a missing figure below is a real mismatch.
#[tokio::test]
async fn pdfs_read_back_in_both_languages() {
    crate::harness::on_each_db(|t| async move {
        let p = demo(&t).await;
        let mut c = demo_director(&t).await;
        let zh = document_text(&mut c, p, Kind::Charter, Lang::Zh).await;
        assert!(squeezed(&zh).contains("华美电器"), "{zh}");
        let (g, mut d) = generated(&t).await;
        let en = document_text(&mut d, g, Kind::Charter, Lang::En).await;
        assert!(en.contains("Generated CRM"), "{en}");
    })
    .await;
}
