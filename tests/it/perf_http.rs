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
