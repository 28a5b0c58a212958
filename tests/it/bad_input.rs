use crate::harness::*;
use axum::http::StatusCode;

#[tokio::test]
async fn bad_project_form_input_is_refused_field_by_field() {
    on_each_db(|t| async move {
        t.user("dora@t.example", "Dora").await;
        let mut c = t.client();
        c.login("dora@t.example").await;
        c.get("/projects/new").await;
        let long = "长".repeat(10_000);
        // (field overrides, field expected to complain, its message)
        type Case<'a> = (Vec<(&'a str, &'a str)>, &'a str, &'a str);
        let cases: Vec<Case> = vec![
            (vec![("name", "")], "name", "This field is required."),
            (vec![("modules", "erp")], "modules", "Unknown CRM module."),
            (vec![("start_date", "2026-02-30")], "start_date", "Enter a real date as YYYY-MM-DD."),
            (vec![("name", &long)], "name", "This is too long."),
            (vec![("industry", "mining")], "industry", "Choose one of the options offered."),
            (vec![("currency", "XXX")], "currency", "Choose one of the options offered."),
        ];
        for (overrides, field, message) in cases {
            let mut fields = vec![
                ("name", "Valid"),
                ("client_name", "Client"),
                ("industry", "other"),
                ("start_date", "2026-01-05"),
                ("currency", "CNY"),
                ("modules", "sales"),
            ];
            for (k, v) in &overrides {
                fields.retain(|(f, _)| f != k);
                fields.push((k, v));
            }
            let r = c.post("/projects", &fields).await;
            assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{field}");
            let by_field = format!("<p class=\"field-error\" id=\"err-{field}\">{message}</p>");
            assert!(r.body.contains(&by_field), "{field}: message by the field");
            assert!(r.body.contains("Nothing was saved"));
        }
        // The message comes in the user's language.
        c.post("/locale", &[("lang", "zh"), ("next", "/projects/new")]).await;
        let r = c
            .post(
                "/projects",
                &[
                    ("name", ""),
                    ("client_name", "C"),
                    ("industry", "other"),
                    ("start_date", "2026-01-05"),
                    ("currency", "CNY"),
                    ("modules", "sales"),
                ],
            )
            .await;
        assert!(r.body.contains("此项为必填项。"));
        assert_eq!(t.count("SELECT COUNT(*) FROM projects").await, 0);
        assert_eq!(t.count("SELECT COUNT(*) FROM audit_log").await, 0);
        // Garbage in ids and versions is a clear 4xx, never a 500.
        let id = create_project(&mut c, "P").await;
        for (path, fields) in [
            (format!("/projects/{id}/edit"), vec![("version", "abc")]),
            (format!("/projects/{id}/activities/999999/status"), vec![("version", "1"), ("done", "1")]),
            (format!("/projects/{id}/deliverables/1/transition"), vec![("action", "explode"), ("version", "1")]),
        ] {
            let r = c.post(&path, &fields).await;
            assert!(r.status.is_client_error(), "{path}: {}", r.status);
        }
        assert_eq!(c.get("/projects/not-a-number").await.status.as_u16() / 100, 4);
    })
    .await;
}
