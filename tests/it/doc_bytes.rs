//! Stored PDFs at scale (issue 18): the Documents tab lists every version without reading
//! a single stored byte, and a download streams a version in pieces read one after another
//! (never the whole document in one statement), byte for byte.
use crate::consistency::{demo, demo_director};
use crate::harness::on_each_db;
use ninefold::AppState;
use sea_orm::{ConnectionTrait, Statement};
use std::sync::{Arc, Mutex};

#[tokio::test]
async fn documents_are_listed_without_their_bytes_and_downloaded_in_pieces() {
    on_each_db(|t| async move {
        let p = demo(&t).await;
        let log: Arc<Mutex<Vec<String>>> = Arc::new(Mutex::new(vec![]));
        let mut db = t.db.clone();
        let l = log.clone();
        db.conn.set_metric_callback(move |i| l.lock().unwrap().push(i.statement.sql.clone()));
        let router = ninefold::build_app(AppState { db, ..t.state.clone() });
        let mut c = demo_director(&t).await.via(router);
        // The form's page first, as a browser opens it (its CSRF token).
        c.get(&format!("/projects/{p}/documents")).await;
        let r = c.post(&format!("/projects/{p}/documents"), &[("kind", "charter"), ("lang", "en")]).await;
        r.assert_redirect();
        let id = t.count("SELECT CAST(MAX(id) AS BIGINT) FROM documents").await as i32;
        // A version far larger than a piece (256 KB): 700,001 bytes, no two pieces alike.
        let big: Vec<u8> = (0u32..700_001).map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8).collect();
        let sql = match t.db.backend() {
            sea_orm::DbBackend::Postgres => "UPDATE documents SET bytes = $1, size = $2 WHERE id = $3",
            _ => "UPDATE documents SET bytes = ?, size = ? WHERE id = ?",
        };
        t.db.conn
            .execute_raw(Statement::from_sql_and_values(
                t.db.backend(),
                sql,
                [big.clone().into(), (big.len() as i64).into(), id.into()],
            ))
            .await
            .unwrap();

        log.lock().unwrap().clear();
        let page = c.get(&format!("/projects/{p}/documents")).await;
        assert_eq!(page.status, 200);
        assert!(page.body.contains(&format!("/projects/{p}/documents/{id}")), "the version is listed");
        assert!(page.body.contains("684 KB"), "its size is shown (700,001 bytes)");
        let listed = std::mem::take(&mut *log.lock().unwrap());
        let reads_bytes: Vec<&String> =
            listed.iter().filter(|s| s.contains("\"bytes\"") && !s.contains("AS \"bytes\"")).collect();
        assert!(reads_bytes.is_empty(), "the list reads no stored bytes: {reads_bytes:?}");

        let got = c.get(&format!("/projects/{p}/documents/{id}")).await;
        assert_eq!(got.status, 200);
        assert_eq!(got.headers["content-length"], "700001");
        assert!(got.bytes == big, "the exact bytes are served ({} bytes)", got.bytes.len());
        let read = std::mem::take(&mut *log.lock().unwrap());
        let pieces = read.iter().filter(|s| s.contains("substr(bytes")).count();
        assert_eq!(pieces, 3, "700,001 bytes in pieces of 262,144: 3 reads");
        let whole: Vec<&String> =
            read.iter().filter(|s| s.contains("\"bytes\"") && !s.contains("AS \"bytes\"")).collect();
        assert!(whole.is_empty(), "no statement reads the whole document: {whole:?}");
    })
    .await;
}
