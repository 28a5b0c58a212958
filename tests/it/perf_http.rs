//! The portfolio's filters, sorting, pages and summary; compressed responses; static files
//! under content-hashed names with validators.
use crate::consistency::generated;
use crate::harness::{create_project, on_each_db};
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use tower::ServiceExt;

#[tokio::test]
async fn the_portfolio_filters_sorts_and_sums_up() {
    on_each_db(|t| async move {
        let (_, mut c) = generated(&t).await;
        for i in 0..3 {
            create_project(&mut c, &format!("Extra {i}")).await;
        }
        let all = c.get("/projects").await;
        assert_eq!(all.status, 200);
        assert!(all.body.contains("4 projects"), "summary missing: {}", all.body);
        for name in ["Generated CRM", "Extra 0", "Extra 2"] {
            assert!(all.body.contains(name), "{name} missing");
        }
        // Every project is in phase 1: phase 2 matches none, phase 1 all.
        let none = c.get("/projects?phase=2").await;
        assert!(none.body.contains("No project matches these filters."));
        assert!(!none.body.contains("Extra 0"));
        let one = c.get("/projects?phase=1&sort=client").await;
        assert!(one.body.contains("Extra 1") && one.body.contains("Generated CRM"));
        let client = c.get("/projects?client=Nobody").await;
        assert!(client.body.contains("No project matches these filters."));
        // A value not understood is named and ignored; nothing fails.
        let bad = c.get("/projects?health=purple&page=x").await;
        assert_eq!(bad.status, 200);
        assert!(bad.body.contains("class=\"error\">Health:"), "{}", bad.body);
        assert!(bad.body.contains("Extra 0"));
    })
    .await;
}

#[tokio::test]
async fn responses_are_compressed_and_static_files_cached_by_content() {
    on_each_db(|t| async move {
        t.user("someone@t.example", "Someone").await;
        let app = ninefold::build_app(t.state.clone());
        let get = |path: String, headers: Vec<(header::HeaderName, String)>| {
            let app = app.clone();
            async move {
                let mut b = Request::get(path);
                for (k, v) in headers {
                    b = b.header(k, v);
                }
                app.oneshot(b.body(Body::empty()).unwrap()).await.unwrap()
            }
        };
        for enc in ["br", "gzip"] {
            let r = get("/login".into(), vec![(header::ACCEPT_ENCODING, enc.into())]).await;
            assert_eq!(r.status(), StatusCode::OK);
            assert_eq!(r.headers()[header::CONTENT_ENCODING], enc);
        }
        let page = get("/login".into(), vec![]).await;
        assert!(page.headers().get(header::CONTENT_ENCODING).is_none());
        let html = http_body_util::BodyExt::collect(page.into_body()).await.unwrap().to_bytes();
        let html = String::from_utf8_lossy(&html);
        let at = html.find("/static/style.").expect("the stylesheet is linked");
        let url = &html[at..at + html[at..].find('"').unwrap()];
        assert_ne!(url, "/static/style.css", "linked under its content-hashed name");
        let css = get(url.to_string(), vec![(header::ACCEPT_ENCODING, "gzip".into())]).await;
        assert_eq!(css.status(), StatusCode::OK);
        assert!(css.headers()[header::CACHE_CONTROL].to_str().unwrap().contains("immutable"));
        assert_eq!(css.headers()[header::CONTENT_ENCODING], "gzip");
        let etag = css.headers()[header::ETAG].to_str().unwrap().to_string();
        let again = get("/static/style.css".into(), vec![(header::IF_NONE_MATCH, etag)]).await;
        assert_eq!(again.status(), StatusCode::NOT_MODIFIED);
        assert_eq!(get("/static/nothing.css".into(), vec![]).await.status(), StatusCode::NOT_FOUND);
    })
    .await;
}

/// The body as the browser reads it, whatever coding the server chose.
fn decoded(r: &crate::harness::Resp) -> String {
    use std::io::Read;
    let mut out = String::new();
    match r.headers.get(header::CONTENT_ENCODING).map(|v| v.to_str().unwrap()) {
        Some("br") => brotli::Decompressor::new(&r.bytes[..], 4096).read_to_string(&mut out).unwrap(),
        Some("gzip") => flate2::read::GzDecoder::new(&r.bytes[..]).read_to_string(&mut out).unwrap(),
        None => return r.body.clone(),
        Some(other) => panic!("unexpected coding {other}"),
    };
    out
}

#[tokio::test]
async fn kept_pages_are_compressed_once_and_read_back_as_the_page() {
    on_each_db(|t| async move {
        t.user("director@z.example", "Dora Director").await;
        let mut c = t.client();
        c.login("director@z.example").await;
        let id = create_project(&mut c, "Packed pages").await;
        let overview = format!("/projects/{id}");
        let plain = c.get(&overview).await;
        assert_eq!(plain.status, StatusCode::OK);
        assert!(plain.headers.get(header::CONTENT_ENCODING).is_none(), "no Accept-Encoding, no coding");

        // The first compressed answer is kept; the second is the same bytes from memory.
        let before = t.state.packed.len();
        let br = c.get_with(&overview, &[("accept-encoding", "gzip, deflate, br")]).await;
        assert_eq!(br.headers[header::CONTENT_ENCODING], "br");
        assert!(br.headers.get_all(header::VARY).iter().any(|v| v.to_str().unwrap().contains("accept-encoding")));
        assert_eq!(br.headers[header::CACHE_CONTROL], "no-store", "a project's page is still never stored");
        assert_eq!(decoded(&br), plain.body, "the compressed page is the page");
        assert!(br.bytes.len() * 4 < plain.bytes.len(), "{} of {} bytes", br.bytes.len(), plain.bytes.len());
        let again = c.get_with(&overview, &[("accept-encoding", "br")]).await;
        assert_eq!(again.bytes, br.bytes);
        assert_eq!(t.state.packed.len(), before + 1, "compressed once");
        let gz = c.get_with(&overview, &[("accept-encoding", "gzip")]).await;
        assert_eq!(gz.headers[header::CONTENT_ENCODING], "gzip");
        assert_eq!(decoded(&gz), plain.body);
        assert_eq!(t.state.packed.len(), before + 2, "one entry per coding");

        // A change is other bytes: the next answer shows it (nothing stale is served).
        c.post(
            &format!("/projects/{id}/phases/1/activities"),
            &[("name_en", "Packed activity"), ("name_zh", "压缩活动"), ("tier", "project_team")],
        )
        .await
        .assert_redirect();
        let after = c.get_with(&overview, &[("accept-encoding", "br")]).await;
        assert!(decoded(&after).contains("Packed activity"));
        assert_eq!(decoded(&after), c.get(&overview).await.body);

        // Someone without access gets nothing kept: the answer is built (and refused) before
        // the store is consulted.
        t.user("viewer@z.example", "Vera Viewer").await;
        let mut v = t.client();
        v.login("viewer@z.example").await;
        assert_eq!(v.get_with(&overview, &[("accept-encoding", "br")]).await.status, StatusCode::NOT_FOUND);

        // The JSON list and overview are kept the same way and read back as the plain JSON.
        for path in ["/api/v1/projects".to_string(), format!("/api/v1/projects/{id}")] {
            let plain = c.get(&path).await;
            let br = c.get_with(&path, &[("accept-encoding", "br")]).await;
            assert_eq!(br.headers[header::CONTENT_ENCODING], "br");
            assert_eq!(decoded(&br), plain.body, "{path}");
        }
    })
    .await;
}
