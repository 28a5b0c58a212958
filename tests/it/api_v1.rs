//! The JSON API v1 as a script uses it: personal access tokens, the resources of the
//! schedule, people, risks, deliverables and targets, their figures against the pages'
//! views, the policy matrix (endpoint × role × token scope), ETag/If-Match (428, 412, 409),
//! problem documents in both languages, rate limits — and every response checked against the
//! OpenAPI document's schemas (the contract).
use crate::harness::*;
use axum::body::Body;
use axum::http::{HeaderMap, Method, Request, StatusCode, header};
use http_body_util::BodyExt;
use ninefold::domain::policy::{Action, Role, allows};
use sea_orm::ConnectionTrait;
use serde_json::{Value, json};
use std::sync::Arc;
use tower::ServiceExt;

// ---- The contract: responses against the document ----

fn doc() -> &'static Value {
    static DOC: std::sync::OnceLock<Value> = std::sync::OnceLock::new();
    DOC.get_or_init(ninefold::api::openapi::document)
}

/// The documented path template `path` matches (`{x}` matches one segment).
fn template_of(path: &str) -> Option<String> {
    let path = path.split('?').next().unwrap_or(path);
    let segs: Vec<&str> = path.split('/').collect();
    doc()["paths"].as_object()?.keys().find_map(|tpl| {
        let t: Vec<&str> = tpl.split('/').collect();
        let ok = t.len() == segs.len() && t.iter().zip(&segs).all(|(a, b)| a.starts_with('{') || a == b);
        ok.then(|| tpl.clone())
    })
}

/// The paths that describe the API rather than serve it (not in the document themselves).
const UNDOCUMENTED: &[&str] = &["/api/v1/openapi.json", "/api/v1/docs"];

/// Check one response of an operation against the document: the status is one it lists, and
/// the body (JSON or problem JSON) is valid against the schema it gives. Every `/api/v1/`
/// path that is routed is documented: one that is not panics. Only the router's own 404 for
/// a path nothing is routed at passes (plain JSON, never the problem document every routed
/// API path answers errors with). Returns whether the response was checked.
fn check_contract(method: &Method, path: &str, status: StatusCode, headers: &HeaderMap, body: &[u8]) -> bool {
    let bare = path.split('?').next().unwrap_or(path);
    if UNDOCUMENTED.contains(&bare) || !bare.starts_with("/api/v1/") {
        return false;
    }
    let Some(tpl) = template_of(path) else {
        let ct = headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("");
        assert!(
            status == StatusCode::NOT_FOUND && ct != "application/problem+json",
            "{method} {path} is routed (it answered {status}, {ct}) but is not in the OpenAPI document: {}",
            String::from_utf8_lossy(body)
        );
        return false;
    };
    let m = method.as_str().to_lowercase();
    let Some(op) = doc()["paths"][&tpl].get(&m) else {
        panic!("{method} {tpl} is routed but not in the OpenAPI document");
    };
    let Some(resp) = op["responses"].get(status.as_str()) else {
        panic!(
            "{method} {path} answered {status}, which the document does not list: {}",
            String::from_utf8_lossy(body)
        );
    };
    let ct = headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("");
    let Some(content) = resp.get("content") else {
        assert!(body.is_empty(), "{method} {path} {status}: the document says no body");
        return true;
    };
    let media = ct.split(';').next().unwrap_or("").trim();
    let Some(schema) = content.get(media).and_then(|c| c.get("schema")) else {
        panic!("{method} {path} {status}: content type {media} is not documented");
    };
    let instance: Value = serde_json::from_slice(body).expect("a JSON body");
    // The schema with the document's components beside it, so `#/components/...` resolves.
    let mut root = schema.clone();
    if let Some(o) = root.as_object_mut() {
        o.insert("components".into(), doc()["components"].clone());
    }
    let v = jsonschema::draft202012::new(&root).expect("the document's schema compiles");
    let errors: Vec<String> = v.iter_errors(&instance).map(|e| format!("{e} at {}", e.instance_path())).collect();
    assert!(errors.is_empty(), "{method} {path} {status} breaks the contract: {errors:?}\n{instance}");
    true
}

// ---- A small API client ----

#[derive(Clone)]
struct Api {
    router: axum::Router,
    token: Option<String>,
    lang: Option<&'static str>,
}

struct Out {
    status: StatusCode,
    headers: HeaderMap,
    json: Value,
}

impl Out {
    fn etag(&self) -> String {
        self.headers.get(header::ETAG).expect("an ETag").to_str().unwrap().to_string()
    }
    fn ct(&self) -> &str {
        self.headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("")
    }
}

impl Api {
    fn new(t: &TestApp, token: Option<&str>) -> Api {
        Api { router: ninefold::build_app(t.state.clone()), token: token.map(str::to_string), lang: None }
    }
    /// A client whose token is not rate-limited: the walks over every area of the demo make
    /// more requests than a token's burst allows (the limit has its own test).
    fn unlimited(t: &TestApp, token: &str) -> Api {
        let mut state = t.state.clone();
        state.api_limits = Arc::new(ninefold::api::v1::limit::Limiter::new(1e9, 1e9));
        Api { router: ninefold::build_app(state), token: Some(token.to_string()), lang: None }
    }
    fn lang(&self, l: &'static str) -> Api {
        Api { lang: Some(l), ..self.clone() }
    }

    async fn call(&self, method: Method, path: &str, body: Option<Value>, extra: &[(&str, &str)]) -> Out {
        let mut b = Request::builder().method(method.clone()).uri(path);
        if let Some(t) = &self.token {
            b = b.header(header::AUTHORIZATION, format!("Bearer {t}"));
        }
        if let Some(l) = self.lang {
            b = b.header(header::ACCEPT_LANGUAGE, l);
        }
        for (k, v) in extra {
            b = b.header(*k, *v);
        }
        let req = match body {
            Some(j) => b.header(header::CONTENT_TYPE, "application/json").body(Body::from(j.to_string())).unwrap(),
            None => b.body(Body::empty()).unwrap(),
        };
        let resp = self.router.clone().oneshot(req).await.unwrap();
        let status = resp.status();
        let headers = resp.headers().clone();
        let bytes = resp.into_body().collect().await.unwrap().to_bytes().to_vec();
        check_contract(&method, path, status, &headers, &bytes);
        let json = if bytes.is_empty() { Value::Null } else { serde_json::from_slice(&bytes).unwrap_or(Value::Null) };
        Out { status, headers, json }
    }
    async fn get(&self, path: &str) -> Out {
        self.call(Method::GET, path, None, &[]).await
    }
    async fn post(&self, path: &str, body: Value) -> Out {
        self.call(Method::POST, path, Some(body), &[]).await
    }
    async fn patch(&self, path: &str, body: Value, if_match: Option<&str>) -> Out {
        let h: Vec<(&str, &str)> = if_match.map(|m| vec![("if-match", m)]).unwrap_or_default();
        self.call(Method::PATCH, path, Some(body), &h).await
    }
}

/// A personal token made on the account page by `c`'s user; the page shows it once.
async fn make_token(c: &mut Client, scope: &str) -> String {
    c.get("/account/tokens").await;
    let r = c.post("/account/tokens", &[("name", "script"), ("scope", scope), ("expires_days", "30")]).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let needle = "<code id=\"new-token\">";
    let i = r.body.find(needle).expect("the token shown once") + needle.len();
    let token = r.body[i..i + r.body[i..].find('<').unwrap()].to_string();
    assert!(token.starts_with("nfp_") && token.len() == 68);
    // Shown once: the list afterwards never has it.
    assert!(!c.get("/account/tokens").await.body.contains(&token));
    token
}

fn items(o: &Out) -> &Vec<Value> {
    o.json["items"].as_array().expect("a page of items")
}

// ---- The walk ----

#[tokio::test]
async fn a_script_walks_the_api_and_gets_the_pages_figures() {
    ninefold::service::clock::with_today(
        fixed_today(),
        on_each_db(|t| async move {
            let mut team = team(&t).await;
            let p = team.project;
            let token = make_token(&mut team.director, "write").await;
            let api = Api::new(&t, Some(&token));
            // The token's hash only is stored.
            assert_eq!(t.count(&format!("SELECT COUNT(*) FROM personal_tokens WHERE token_hash = '{token}'")).await, 0);

            // People.
            let r = api
                .post(
                    &format!("/api/v1/projects/{p}/people"),
                    json!({"name": "李娜", "title": "Sales manager", "department": "sales", "side": "client"}),
                )
                .await;
            assert_eq!(r.status, StatusCode::CREATED, "{}", r.json);
            let person = r.json["id"].as_i64().unwrap();
            assert_eq!(r.headers[header::LOCATION], format!("/api/v1/projects/{p}/people/{person}"));
            let listed = api.get(&format!("/api/v1/projects/{p}/people")).await;
            assert!(items(&listed).iter().any(|x| x["name"] == "李娜" && x["department"] == "sales"));

            // Activities, linked: B follows A finish-to-start.
            let mk = |name: &str| json!({"phase": 2, "name_en": name, "name_zh": "", "tier": "project_team"});
            let a = api.post(&format!("/api/v1/projects/{p}/activities"), mk("Interview sales reps")).await;
            assert_eq!(a.status, StatusCode::CREATED, "{}", a.json);
            let b = api.post(&format!("/api/v1/projects/{p}/activities"), mk("Write the sales findings")).await;
            let (aid, bid) = (a.json["id"].as_i64().unwrap(), b.json["id"].as_i64().unwrap());
            assert_eq!(a.json["name_zh"], "Interview sales reps", "the empty name is copied from the other");
            let l = api
                .post(
                    &format!("/api/v1/projects/{p}/dependencies"),
                    json!({"pred": format!("activity:{aid}"), "succ": format!("activity:{bid}"), "kind": "FS", "lag": 0}),
                )
                .await;
            assert_eq!(l.status, StatusCode::CREATED, "{}", l.json);
            let a = api.get(&format!("/api/v1/projects/{p}/activities/{aid}")).await;
            let b = api.get(&format!("/api/v1/projects/{p}/activities/{bid}")).await;
            let day = |v: &Value| chrono::NaiveDate::parse_from_str(v.as_str().unwrap(), "%Y-%m-%d").unwrap();
            assert!(day(&b.json["start"]) > day(&a.json["finish"]), "B starts after A finishes: {} {}", a.json, b.json);
            // A loop is refused by name and nothing changes.
            let links = t.count("SELECT COUNT(*) FROM dependencies").await;
            let cyc = api
                .post(
                    &format!("/api/v1/projects/{p}/dependencies"),
                    json!({"pred": format!("activity:{bid}"), "succ": format!("activity:{aid}"), "kind": "FS"}),
                )
                .await;
            assert_eq!(cyc.status, StatusCode::UNPROCESSABLE_ENTITY);
            assert_eq!(cyc.ct(), "application/problem+json");
            assert_eq!(t.count("SELECT COUNT(*) FROM dependencies").await, links);

            // The same dates as the schedule page's view (the session's JSON of the page).
            let view: Value = serde_json::from_str(&team.director.get(&format!("/api/v1/projects/{p}/schedule")).await.body).unwrap();
            let all = api.get(&format!("/api/v1/projects/{p}/activities?limit=200")).await;
            let rows = items(&all);
            assert_eq!(all.json["total"].as_u64().unwrap() as usize, rows.len());
            let acts: Vec<&Value> = view["items"].as_array().unwrap().iter().filter(|i| i["kind"] == "activity").collect();
            assert_eq!(acts.len(), rows.len());
            for i in acts {
                let r = rows.iter().find(|r| r["id"] == i["id"]).expect("every scheduled activity is listed");
                for k in ["start", "finish", "duration", "total_float", "critical"] {
                    assert_eq!(r[k], i[k], "{k} of activity {}", i["id"]);
                }
            }
            // Filters and pages: phase 2 holds the two new ones; pages of one walk them all.
            let ph2 = api.get(&format!("/api/v1/projects/{p}/activities?phase=2&limit=200")).await;
            assert!(items(&ph2).iter().all(|x| x["phase_seq"] == 2));
            assert!(items(&ph2).iter().any(|x| x["id"] == aid));
            let mut seen = vec![];
            let mut next = Some(String::new());
            while let Some(c) = next {
                let q = if c.is_empty() { String::new() } else { format!("&cursor={c}") };
                let pg = api.get(&format!("/api/v1/projects/{p}/activities?phase=2&limit=1{q}")).await;
                seen.extend(items(&pg).iter().map(|x| x["id"].clone()));
                next = pg.json["next_cursor"].as_str().map(str::to_string);
            }
            assert_eq!(seen, items(&ph2).iter().map(|x| x["id"].clone()).collect::<Vec<_>>());

            // Progress through PATCH: 50 % recorded as the activity form records it.
            let r = api.patch(&format!("/api/v1/projects/{p}/activities/{aid}"), json!({"percent": 50, "actual_start": "2026-06-01"}), Some(&a.etag())).await;
            assert_eq!(r.status, StatusCode::OK, "{}", r.json);
            assert_eq!((r.json["percent_complete"].as_i64(), r.json["actual_start"].as_str()), (Some(50), Some("2026-06-01")));

            // Targets: a measurement pushed, attainment as the Targets page prints it.
            let tid = crate::targets::new_target(&mut team.director, p, crate::targets::TARGET).await;
            let m = api.post(&format!("/api/v1/projects/{p}/targets/{tid}/readings"), json!({"date": "2026-06-01", "value": 370})).await;
            assert_eq!(m.status, StatusCode::CREATED, "{}", m.json);
            // Baseline 400, target 340 (−15 %), measured 370: (400 − 370) / (400 − 340) = 50 %.
            assert_eq!(m.json["target"]["latest"], "370");
            let targets = api.get(&format!("/api/v1/projects/{p}/target-items")).await;
            let page: Value = serde_json::from_str(&team.director.get(&format!("/api/v1/projects/{p}/targets")).await.body).unwrap();
            assert_eq!(items(&targets)[0]["attainment"], page["targets"][0]["shown"]["attainment"]);
            assert!(page["targets"][0]["shown"]["attainment"].as_str().unwrap().starts_with("50"));
            let readings = api.get(&format!("/api/v1/projects/{p}/targets/{tid}/readings")).await;
            assert_eq!(items(&readings)[0]["value"], 370.0);

            // Health: the token reads the overview the session reads, figure for figure.
            let by_token = api.get(&format!("/api/v1/projects/{p}")).await;
            let by_session: Value = serde_json::from_str(&team.director.get(&format!("/api/v1/projects/{p}")).await.body).unwrap();
            assert_eq!(by_token.status, StatusCode::OK);
            assert_eq!(by_token.json, by_session);

            // Every write audited, as the director.
            let uid = t.count("SELECT id FROM users WHERE email = 'director@t.example'").await;
            for (kind, n) in [("person", 1), ("activity", 2), ("dependency", 1), ("measurement", 1), ("personal_token", 1)] {
                let c = t
                    .count(&format!("SELECT COUNT(*) FROM audit_log WHERE entity = '{kind}' AND action = 'create' AND user_id = {uid}"))
                    .await;
                assert!(c >= n, "{kind}: {c} audit rows");
            }
            // The token's last use is recorded.
            assert_eq!(t.count("SELECT COUNT(*) FROM personal_tokens WHERE last_used_at IS NOT NULL").await, 1);
        }),
    )
    .await;
}

// ---- Policy ----

#[tokio::test]
async fn the_api_policy_matrix_is_the_pages_policy_narrowed_by_the_token_scope() {
    on_each_db(|t| async move {
        let mut team = team(&t).await;
        let p = team.project;
        let director = Api::new(&t, Some(&make_token(&mut team.director, "write").await));
        let a = director
            .post(
                &format!("/api/v1/projects/{p}/activities"),
                json!({"phase": 1, "name_en": "Seed", "tier": "project_team"}),
            )
            .await;
        let aid = a.json["id"].as_i64().unwrap();
        let person = director
            .post(
                &format!("/api/v1/projects/{p}/people"),
                json!({"name": "Wang", "department": "it", "side": "client"}),
            )
            .await;
        let pid = person.json["id"].as_i64().unwrap();
        let risk = director
            .post(
                &format!("/api/v1/projects/{p}/risk-items"),
                json!({"title": "Data quality", "category": "data", "probability": 3, "impact": 4, "status": "open"}),
            )
            .await;
        assert_eq!(risk.status, StatusCode::CREATED, "{}", risk.json);
        let rid = risk.json["id"].as_i64().unwrap();
        assert_eq!(risk.json["score"], 12);
        // A data source (on the Diagnosis page) for the conversion trials.
        team.director.get(&format!("/projects/{p}/diagnosis")).await;
        team.director
            .post(
                &format!("/projects/{p}/diagnosis/sources"),
                &[("name", "Customer master"), ("entity", "customers"), ("record_count", "5,000"), ("owner", "IT"),
                  ("cleansing", "not_started"), ("migration", "not_started")],
            )
            .await
            .assert_redirect();
        let source = t.count(&format!("SELECT CAST(MAX(id) AS BIGINT) FROM data_sources WHERE project_id = {p}")).await;
        let rule = director
            .post(
                &format!("/api/v1/projects/{p}/operating-rules"),
                json!({"title": "Seed rule", "owner": "Sales", "body": "Text"}),
            )
            .await;
        let rule = rule.json["id"].as_i64().unwrap();
        let process = director
            .post(&format!("/api/v1/projects/{p}/processes"), json!({"module_key": "sales", "name": "Seed process"}))
            .await;
        let process = process.json["id"].as_i64().unwrap();
        let training = director
            .post(
                &format!("/api/v1/projects/{p}/training-sessions"),
                json!({"title": "Seed session", "audience": "project_team", "phase_seq": 1, "date": "2026-05-04",
                    "start_time": "09:00", "duration_minutes": 60, "online": true, "trainer": "PMO", "cost": "0",
                    "status": "planned"}),
            )
            .await;
        let training = training.json["id"].as_i64().unwrap();
        let invited = director
            .post(&format!("/api/v1/projects/{p}/training-sessions/{training}/attendance"), json!({"person_id": [pid]}))
            .await;
        let invitation = invited.json["items"][0]["id"].as_i64().unwrap();
        let deliverable = items(&director.get(&format!("/api/v1/projects/{p}/deliverables?status=draft")).await)[0]["id"].clone();

        // (method, path, body, the action the page needs)
        let endpoints: Vec<(Method, String, Option<Value>, Action)> = vec![
            (Method::GET, format!("/api/v1/projects/{p}/activities"), None, Action::View),
            (Method::GET, format!("/api/v1/projects/{p}/activities/{aid}"), None, Action::View),
            (
                Method::POST,
                format!("/api/v1/projects/{p}/activities"),
                Some(json!({"phase": 1, "name_en": "X", "tier": "project_team"})),
                Action::Contribute,
            ),
            (
                Method::PATCH,
                format!("/api/v1/projects/{p}/activities/{aid}"),
                Some(json!({"percent": 10})),
                Action::Contribute,
            ),
            (Method::GET, format!("/api/v1/projects/{p}/milestones"), None, Action::View),
            (
                Method::POST,
                format!("/api/v1/projects/{p}/milestones"),
                Some(json!({"phase": 1, "name": "Kick-off held", "date": "2026-04-30"})),
                Action::Contribute,
            ),
            (Method::GET, format!("/api/v1/projects/{p}/dependencies"), None, Action::View),
            (Method::GET, format!("/api/v1/projects/{p}/people"), None, Action::View),
            (Method::GET, format!("/api/v1/projects/{p}/people/{pid}"), None, Action::View),
            (
                Method::POST,
                format!("/api/v1/projects/{p}/people"),
                Some(json!({"name": "Zhao", "department": "it", "side": "consultancy"})),
                Action::Contribute,
            ),
            (
                Method::PATCH,
                format!("/api/v1/projects/{p}/people/{pid}"),
                Some(json!({"title": "Lead"})),
                Action::Contribute,
            ),
            (Method::GET, format!("/api/v1/projects/{p}/risk-items"), None, Action::View),
            (Method::GET, format!("/api/v1/projects/{p}/risks/{rid}"), None, Action::View),
            (
                Method::POST,
                format!("/api/v1/projects/{p}/risk-items"),
                Some(json!({"title": "Scope creep", "category": "process", "status": "candidate"})),
                Action::Contribute,
            ),
            (
                Method::PATCH,
                format!("/api/v1/projects/{p}/risks/{rid}"),
                Some(json!({"impact": 5})),
                Action::Contribute,
            ),
            // The later areas' writes, each with its page's policy.
            (
                Method::POST,
                format!("/api/v1/projects/{p}/test-cases"),
                Some(json!({"title": "Log a call", "action": "Log a call", "expected": "Saved"})),
                Action::Contribute,
            ),
            (
                Method::POST,
                format!("/api/v1/projects/{p}/issue-items"),
                Some(json!({"title": "Slow VPN", "severity": "minor", "owner": "IT", "status": "open"})),
                Action::Contribute,
            ),
            (
                Method::POST,
                format!("/api/v1/projects/{p}/change-requests"),
                Some(json!({"title": "More fields", "description": "Two fields", "reason": "Sales ask", "schedule_days": 1,
                    "cost": "100"})),
                Action::Contribute,
            ),
            (
                Method::POST,
                format!("/api/v1/projects/{p}/interfaces"),
                Some(json!({"name": "ERP orders", "source_system": "ERP", "target_system": "CRM", "direction": "inbound",
                    "method": "api", "status": "planned", "test_status": "not_tested"})),
                Action::Contribute,
            ),
            (
                Method::POST,
                format!("/api/v1/projects/{p}/commitments"),
                Some(json!({"vendor": "Acme", "amount": "1,000", "committed_on": "2026-05-01", "category": "consulting"})),
                Action::ManageBudget,
            ),
            (
                Method::POST,
                format!("/api/v1/projects/{p}/budget-lines"),
                Some(json!({"category": "travel", "description": "Trips", "amount": "2,000"})),
                Action::ManageBudget,
            ),
            // The remaining areas' writes, each with its page's policy.
            (
                Method::POST,
                format!("/api/v1/projects/{p}/training-sessions"),
                Some(json!({"title": "Kick-off briefing", "audience": "senior_management", "phase_seq": 1,
                    "date": "2026-05-04", "start_time": "09:00", "duration_minutes": 60, "online": true, "trainer": "PMO", "cost": "0",
                    "status": "planned"})),
                Action::Contribute,
            ),
            (
                Method::POST,
                format!("/api/v1/projects/{p}/training-sessions/{training}/attendance"),
                Some(json!({"person_id": pid})),
                Action::Contribute,
            ),
            (
                Method::PATCH,
                format!("/api/v1/projects/{p}/training-sessions/{training}/attendance/{invitation}"),
                Some(json!({"attended": true, "score": 70})),
                Action::Contribute,
            ),
            (
                Method::POST,
                format!("/api/v1/projects/{p}/target-items"),
                Some(json!({"name": "Win rate", "kind": "explicit", "direction": "increase", "unit": "%"})),
                Action::Contribute,
            ),
            (
                Method::POST,
                format!("/api/v1/projects/{p}/test-cycles"),
                Some(json!({"name": "Prototype walk-through", "kind": "prototype", "scope": [], "pass_rate_min": "95"})),
                Action::Contribute,
            ),
            (
                Method::POST,
                format!("/api/v1/projects/{p}/processes"),
                Some(json!({"module_key": "sales", "name": "Lead to order"})),
                Action::Contribute,
            ),
            (
                Method::POST,
                format!("/api/v1/projects/{p}/operating-rules"),
                Some(json!({"title": "Price list changes", "owner": "Sales", "body": "Approved monthly."})),
                Action::Contribute,
            ),
            (
                Method::POST,
                format!("/api/v1/projects/{p}/operating-rules/{rule}/approve"),
                None,
                Action::Review,
            ),
            (
                Method::POST,
                format!("/api/v1/projects/{p}/processes/{process}/score"),
                Some(json!({"importance": 4, "performance": 2, "feasibility": 3})),
                Action::Contribute,
            ),
            (
                Method::PATCH,
                format!("/api/v1/projects/{p}/deliverables/{deliverable}"),
                Some(json!({"notes": "Outline agreed"})),
                Action::Contribute,
            ),
            // A draft is never accepted: reviewers get past the policy to the workflow's rule.
            (
                Method::POST,
                format!("/api/v1/projects/{p}/deliverables/{deliverable}/transition"),
                Some(json!({"action": "accept"})),
                Action::ReviewDeliverable,
            ),
            (
                Method::POST,
                format!("/api/v1/projects/{p}/conversion-trials"),
                Some(json!({"source_id": source, "source_count": 5000, "loaded": 4990, "rejected": 10, "reconciled": 4990})),
                Action::Contribute,
            ),
            (
                Method::POST,
                format!("/api/v1/projects/{p}/lessons"),
                Some(json!({"outcome": "went_well", "category": "training", "source": "team",
                    "description": "Key users trained early", "recommendation": "Keep doing it"})),
                Action::Contribute,
            ),
            (
                Method::POST,
                format!("/api/v1/projects/{p}/improvements"),
                Some(json!({"item": "Mobile quoting", "value": "high", "effort": "high", "status": "open"})),
                Action::Contribute,
            ),
            (
                Method::POST,
                format!("/api/v1/projects/{p}/evaluation-costs"),
                Some(json!({"incurred_on": "2026-05-01", "amount": "500", "description": "Licences"})),
                Action::EditBusinessCase,
            ),
            (Method::GET, format!("/api/v1/projects/{p}/deliverables"), None, Action::View),
            (Method::GET, format!("/api/v1/projects/{p}/target-items"), None, Action::View),
            // The resources of the other areas (the general read helper), and the gate
            // decision: allowed roles get past the policy to the gate's own rule (its
            // deliverables are not accepted yet: 422), the others are refused by it.
            (
                Method::POST,
                format!("/api/v1/projects/{p}/phases/1/decision"),
                Some(json!({"decision": "go", "rationale": "All signed off"})),
                Action::DecideGate,
            ),
        ];
        let mut endpoints = endpoints;
        for r in READ_RESOURCES {
            endpoints.push((Method::GET, format!("/api/v1/projects/{p}/{r}"), None, Action::View));
        }
        endpoints.push((Method::GET, format!("/api/v1/projects/{p}/phases/1"), None, Action::View));
        let members = [
            (Some(Role::Director), &mut team.director),
            (Some(Role::Consultant), &mut team.consultant),
            (Some(Role::Steering), &mut team.steering),
            (Some(Role::Viewer), &mut team.viewer),
            (None, &mut team.outsider),
        ];
        for (role, client) in members {
            for scope in ["read", "write"] {
                let api = Api::new(&t, Some(&make_token(client, scope).await));
                for (method, path, body, action) in &endpoints {
                    // Updates (and the workflow steps on a record: `…/{item}/approve`, `…/score`)
                    // name the version they read.
                    let step = ["/approve", "/score", "/transition"].iter().find_map(|s| path.strip_suffix(s));
                    // Inviting answers the invitees (200), as it makes no one record.
                    let invite = path.ends_with("/attendance");
                    let mut h = vec![];
                    let tag;
                    if *method == Method::PATCH || step.is_some() {
                        tag = director.get(step.unwrap_or(path)).await.etag();
                        h.push(("if-match", tag.as_str()));
                    }
                    let r = api.call(method.clone(), path, body.clone(), &h).await;
                    let write = *method != Method::GET;
                    let expected = match role {
                        _ if write && scope == "read" => StatusCode::FORBIDDEN,
                        None => StatusCode::NOT_FOUND,
                        Some(role) if !allows(role, *action) => StatusCode::FORBIDDEN,
                        _ if path.ends_with("/decision") || path.ends_with("/transition") => {
                            StatusCode::UNPROCESSABLE_ENTITY
                        }
                        // Actual costs count against a business case; this project has none yet.
                        _ if path.ends_with("/evaluation-costs") && *method == Method::POST => {
                            StatusCode::UNPROCESSABLE_ENTITY
                        }
                        _ if *method == Method::POST && step.is_none() && !invite => StatusCode::CREATED,
                        _ => StatusCode::OK,
                    };
                    assert_eq!(r.status, expected, "{role:?} with a {scope} token: {method} {path}: {}", r.json);
                    if !r.status.is_success() {
                        assert_eq!(r.ct(), "application/problem+json");
                    }
                }
            }
        }
        // No credentials: 401 as a problem, never the login page.
        let anon = Api::new(&t, None).get(&format!("/api/v1/projects/{p}/activities")).await;
        assert_eq!(anon.status, StatusCode::UNAUTHORIZED);
        assert_eq!(anon.ct(), "application/problem+json");
    })
    .await;
}

// ---- Versions ----

#[tokio::test]
async fn updates_need_if_match_stale_ones_get_412_and_lost_races_409() {
    on_each_db(|t| async move {
        let mut team = team(&t).await;
        let p = team.project;
        let api = Api::new(&t, Some(&make_token(&mut team.director, "write").await));
        let r = api
            .post(
                &format!("/api/v1/projects/{p}/people"),
                json!({"name": "Chen", "department": "sales", "side": "client"}),
            )
            .await;
        let path = format!("/api/v1/projects/{p}/people/{}", r.json["id"]);
        let first = r.etag();
        assert_eq!(api.patch(&path, json!({"title": "A"}), None).await.status, StatusCode::PRECONDITION_REQUIRED);
        let ok = api.patch(&path, json!({"title": "A"}), Some(&first)).await;
        assert_eq!(ok.status, StatusCode::OK);
        assert_ne!(ok.etag(), first);
        assert_eq!(ok.json["name"], "Chen", "fields not sent keep their value");
        // The tag read before that save is stale now: 412, and nothing changes.
        let stale = api.patch(&path, json!({"title": "B"}), Some(&first)).await;
        assert_eq!(stale.status, StatusCode::PRECONDITION_FAILED);
        assert_eq!(stale.json["error"], "api.err.precondition_failed");
        assert_eq!(api.get(&path).await.json["title"], "A");
        // Two saves from the same read at once: one wins; the other is refused, 409 when it
        // passed the If-Match check before the winner committed, 412 when after.
        let tag = api.get(&path).await.etag();
        let (x, y) = tokio::join!(
            api.patch(&path, json!({"title": "X"}), Some(&tag)),
            api.patch(&path, json!({"title": "Y"}), Some(&tag))
        );
        let mut st = [x.status, y.status];
        st.sort();
        assert_eq!(st[0], StatusCode::OK, "{:?}", st);
        assert!(matches!(st[1], StatusCode::CONFLICT | StatusCode::PRECONDITION_FAILED), "{:?}", st);
        let winner = if x.status == StatusCode::OK { "X" } else { "Y" };
        assert_eq!(api.get(&path).await.json["title"], winner);
        // Two audited updates, no more.
        assert_eq!(t.count("SELECT COUNT(*) FROM audit_log WHERE entity = 'person' AND action = 'update'").await, 2);
    })
    .await;
}

#[tokio::test]
async fn a_version_conflict_inside_the_service_is_a_409_problem() {
    // The race above may land on either side; the mapping itself, deterministically.
    let p = ninefold::api::v1::problem::Problem::from(ninefold::service::Error::Conflict);
    assert_eq!(p.status, StatusCode::CONFLICT);
    let d = p.document(ninefold::i18n::Lang::Zh, "/x");
    assert_eq!(d.r#type, "urn:ninefold:problem:conflict");
    assert_eq!(d.title, ninefold::i18n::t(ninefold::i18n::Lang::Zh, "err.conflict"));
}

// ---- Problems, tokens, limits ----

#[tokio::test]
async fn problems_name_the_field_in_the_callers_language() {
    on_each_db(|t| async move {
        let mut team = team(&t).await;
        let p = team.project;
        let token = make_token(&mut team.director, "write").await;
        let api = Api::new(&t, Some(&token));
        let people = t.count("SELECT COUNT(*) FROM people").await;
        for (lang, l) in [("en", ninefold::i18n::Lang::En), ("zh-CN,zh;q=0.9", ninefold::i18n::Lang::Zh)] {
            let r = api
                .lang(lang)
                .post(
                    &format!("/api/v1/projects/{p}/people"),
                    json!({"name": " ", "department": "sales", "side": "client"}),
                )
                .await;
            assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
            assert_eq!(r.ct(), "application/problem+json");
            assert_eq!(r.json["field"], "name");
            assert_eq!(r.json["errors"][0]["code"], "err.required");
            assert_eq!(r.json["errors"][0]["message"], ninefold::i18n::t(l, "err.required"));
            assert_eq!(r.json["instance"], format!("/api/v1/projects/{p}/people"));
            assert_eq!(r.headers[header::CONTENT_LANGUAGE], l.code());
            // A member the form does not have, a page size out of range, a bad cursor.
            let r =
                api.lang(lang).post(&format!("/api/v1/projects/{p}/people"), json!({"name": "A", "salary": 1})).await;
            assert_eq!((r.status, r.json["field"].as_str()), (StatusCode::BAD_REQUEST, Some("salary")));
            assert_eq!(r.json["errors"][0]["message"], ninefold::i18n::t(l, "api.err.unknown_field"));
            let r = api.lang(lang).get(&format!("/api/v1/projects/{p}/activities?limit=500")).await;
            assert_eq!((r.status, r.json["field"].as_str()), (StatusCode::BAD_REQUEST, Some("limit")));
            let r = api.lang(lang).get(&format!("/api/v1/projects/{p}/activities?cursor=nonsense")).await;
            assert_eq!((r.status, r.json["field"].as_str()), (StatusCode::BAD_REQUEST, Some("cursor")));
            let r = api.lang(lang).get(&format!("/api/v1/projects/{p}/activities?phase=two")).await;
            assert_eq!((r.status, r.json["field"].as_str()), (StatusCode::BAD_REQUEST, Some("phase")));
        }
        assert_eq!(t.count("SELECT COUNT(*) FROM people").await, people, "nothing changed");
        // Chinese text from the catalogue, not English.
        let r = api.lang("zh").get(&format!("/api/v1/projects/{p}/activities/999999")).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND);
        assert_eq!(r.json["title"], ninefold::i18n::t(ninefold::i18n::Lang::Zh, "err.not_found"));

        // A read token reads and may not write; an unknown token is 401.
        let read = Api::new(&t, Some(&make_token(&mut team.director, "read").await));
        assert_eq!(read.get(&format!("/api/v1/projects/{p}/people")).await.status, StatusCode::OK);
        let w = read
            .lang("zh")
            .post(
                &format!("/api/v1/projects/{p}/people"),
                json!({"name": "B", "department": "it", "side": "consultancy"}),
            )
            .await;
        assert_eq!(w.status, StatusCode::FORBIDDEN);
        assert_eq!(w.json["title"], ninefold::i18n::t(ninefold::i18n::Lang::Zh, "api.err.read_only_token"));
        let bad =
            Api::new(&t, Some(&format!("nfp_{}", "0".repeat(64)))).get(&format!("/api/v1/projects/{p}/people")).await;
        assert_eq!((bad.status, bad.ct()), (StatusCode::UNAUTHORIZED, "application/problem+json"));

        // Revoked on the account page: refused from then on, and audited.
        let id = t.count("SELECT MAX(id) FROM personal_tokens").await;
        team.director.get("/account/tokens").await;
        team.director.post(&format!("/account/tokens/{id}/revoke"), &[]).await.assert_redirect();
        assert_eq!(read.get(&format!("/api/v1/projects/{p}/people")).await.status, StatusCode::UNAUTHORIZED);
        assert_eq!(
            t.count("SELECT COUNT(*) FROM audit_log WHERE entity = 'personal_token' AND action = 'revoke'").await,
            1
        );
        // Another user cannot revoke it (not found), and an expired token is refused.
        let before = t.count("SELECT COUNT(*) FROM personal_tokens WHERE revoked_at IS NULL").await;
        team.viewer.get("/account/tokens").await;
        let r = team.viewer.post("/account/tokens/1/revoke", &[]).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND);
        assert_eq!(t.count("SELECT COUNT(*) FROM personal_tokens WHERE revoked_at IS NULL").await, before);
        t.db.conn.execute_unprepared("UPDATE personal_tokens SET expires_at = created_at WHERE id = 1").await.unwrap();
        assert_eq!(api.get(&format!("/api/v1/projects/{p}/people")).await.status, StatusCode::UNAUTHORIZED);

        // The form refuses a bad expiry and scope by field, in the user's language.
        team.director.get("/account/tokens").await;
        let r =
            team.director.post("/account/tokens", &[("name", "x"), ("scope", "admin"), ("expires_days", "0")]).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.body.contains("err-scope") && r.body.contains("err-expires_days"));
    })
    .await;
}

#[tokio::test]
async fn a_token_over_its_rate_gets_429_with_retry_after() {
    on_each_db(|t| async move {
        let mut team = team(&t).await;
        let p = team.project;
        let token = make_token(&mut team.director, "read").await;
        let mut state = t.state.clone();
        // Three at once, then one every 100 s.
        state.api_limits = Arc::new(ninefold::api::v1::limit::Limiter::new(3.0, 0.01));
        let api = Api { router: ninefold::build_app(state), token: Some(token), lang: Some("zh") };
        for _ in 0..3 {
            assert_eq!(api.get(&format!("/api/v1/projects/{p}/people")).await.status, StatusCode::OK);
        }
        let r = api.get(&format!("/api/v1/projects/{p}/people")).await;
        assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);
        assert_eq!(r.headers[header::RETRY_AFTER], "100");
        assert_eq!(r.json["title"], ninefold::i18n::t(ninefold::i18n::Lang::Zh, "api.err.rate_limited"));
        // Sessions are not token-limited.
        let s = team.director.get(&format!("/api/v1/projects/{p}/people")).await;
        assert_eq!(s.status, StatusCode::OK);
    })
    .await;
}

#[tokio::test]
async fn the_document_and_the_reference_page_describe_every_resource() {
    on_each_db(|t| async move {
        let mut team = team(&t).await;
        let d = Api::new(&t, None).get("/api/v1/openapi.json").await;
        assert_eq!(d.status, StatusCode::OK);
        assert_eq!(d.json["openapi"], "3.1.0");
        assert_eq!(&d.json, doc());
        // Every documented operation is routed (nothing in the document answers 404/405 for
        // want of a route).
        let p = team.project;
        for (tpl, item) in doc()["paths"].as_object().unwrap() {
            for m in item.as_object().unwrap().keys() {
                // `{id}` is the project, every other parameter a record: 1.
                let path: String = tpl
                    .replace("{id}", &p.to_string())
                    .split('/')
                    .map(|seg| if seg.starts_with('{') { "1" } else { seg })
                    .collect::<Vec<_>>()
                    .join("/");
                let r = Api::new(&t, None).call(m.to_uppercase().parse().unwrap(), &path, None, &[]).await;
                assert_ne!(r.status, StatusCode::METHOD_NOT_ALLOWED, "{m} {tpl}");
                assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{m} {tpl} without credentials");
            }
        }
        for lang in ["en", "zh"] {
            team.director.lang = Some(lang.into());
            let page = team.director.get("/api/v1/docs").await;
            assert_eq!(page.status, StatusCode::OK);
            // (Autoescaping writes `/` as `&#x2f;`.)
            assert!(page.body.contains("PATCH ") && page.body.contains("activities&#x2f;{aid}"), "{}", page.body);
            assert!(page.body.contains(&ninefold::i18n::t(
                if lang == "zh" { ninefold::i18n::Lang::Zh } else { ninefold::i18n::Lang::En },
                "api.reference_title"
            )));
        }
    })
    .await;
}

/// The list resources of the general read helper (`api::v1::resource`).
const READ_RESOURCES: &[&str] = &[
    "phases",
    "baselines",
    "documents",
    "org-units",
    "training-sessions",
    "modules",
    "scenarios",
    "processes",
    "blueprints",
    "test-cases",
    "test-cycles",
    "defects",
    "issue-items",
    "change-requests",
    "config-items",
    "interfaces",
    "cutover-tasks",
    "hypercare-issues",
    "budget-lines",
    "commitments",
    "invoices",
    "test-runs",
    "operating-rules",
    "conversion-trials",
    "lessons",
    "improvements",
    "evaluation-costs",
];

/// What the demo has none of (the rest each hold records in some demo project).
const EMPTY_IN_DEMO: &[&str] = &["documents"];

/// Every item of a list, walking its pages.
async fn all_items(api: &Api, path: &str) -> Vec<Value> {
    let mut out = vec![];
    let mut cursor: Option<String> = None;
    loop {
        let q = cursor.as_ref().map(|c| format!("&cursor={c}")).unwrap_or_default();
        let r = api.get(&format!("{path}?limit=7{q}")).await;
        assert_eq!(r.status, StatusCode::OK, "{path}: {}", r.json);
        out.extend(items(&r).iter().cloned());
        assert!(r.json["total"].as_u64().unwrap() as usize >= out.len());
        match r.json["next_cursor"].as_str() {
            Some(c) => cursor = Some(c.to_string()),
            None => break,
        }
    }
    out
}

#[tokio::test]
async fn every_area_reads_through_the_api_as_its_page_shows_it() {
    on_each_db(|t| async move {
        let pb = t.state.playbooks.get("nine-phase").unwrap();
        ninefold::service::demo::ensure(&t.db, pb, chrono::Utc::now().date_naive()).await.unwrap();
        let mut session = crate::consistency::demo_director(&t).await;
        let api = Api::unlimited(&t, &make_token(&mut session, "read").await);
        let projects = all_items(&api, "/api/v1/projects").await;
        let ids: Vec<i64> = projects.iter().map(|p| p["project"]["id"].as_i64().unwrap()).collect();
        assert!(ids.len() >= 3, "the demo's projects: {projects:?}");
        let mut seen: std::collections::HashMap<&str, usize> = Default::default();
        // A page's view read by the token (so checked against the document) and by the
        // session: the same JSON, the view the page renders. (`now`, the runbook's reading of
        // the clock, is the moment of each call.)
        let view = |path: String| {
            let mut c = session.clone();
            let api = api.clone();
            async move {
                let by_token = api.get(&path).await;
                assert_eq!(by_token.status, StatusCode::OK, "{path}: {}", by_token.json);
                let r = c.get(&path).await;
                assert_eq!(r.status, StatusCode::OK, "{path}");
                let mut by_session = serde_json::from_str::<Value>(&r.body).unwrap();
                let mut tok = by_token.json;
                for v in [&mut tok, &mut by_session] {
                    if let Some(o) = v.as_object_mut() {
                        o.remove("now");
                    }
                }
                assert_eq!(tok, by_session, "{path}");
                tok
            }
        };
        let mine = view("/api/v1/my-work".to_string()).await;
        assert!(["overdue", "this_week", "later"].iter().all(|k| mine[k].is_array()), "{mine}");
        for p in ids {
            let base = format!("/api/v1/projects/{p}");
            let mut lists: std::collections::HashMap<&str, Vec<Value>> = Default::default();
            for r in READ_RESOURCES {
                let rows = all_items(&api, &format!("{base}/{r}")).await;
                *seen.entry(r).or_default() += rows.len();
                // Each item read alone is the listed one, with its ETag.
                if let Some(first) = rows.first() {
                    let key = if *r == "phases" { &first["seq"] } else { &first["id"] };
                    let one_path = match *r {
                        "issue-items" => format!("{base}/issues/{key}"),
                        _ => format!("{base}/{r}/{key}"),
                    };
                    let one = api.get(&one_path).await;
                    assert_eq!(one.status, StatusCode::OK, "{one_path}");
                    assert_eq!(&one.json, first, "{one_path}");
                    assert!(one.etag().contains(&format!("-{}-", first["id"])), "{one_path}: {}", one.etag());
                }
                lists.insert(r, rows);
            }
            let count = |table: &str| format!("SELECT COUNT(*) FROM {table} WHERE project_id = {p}");
            for (r, table) in [
                ("phases", "phases"),
                ("baselines", "baselines"),
                ("documents", "documents"),
                ("org-units", "org_units"),
                ("modules", "crm_modules"),
                ("processes", "processes"),
                ("blueprints", "blueprints"),
                ("test-cases", "test_cases"),
                ("test-cycles", "test_cycles"),
                ("defects", "defects"),
                ("test-runs", "test_runs"),
                ("cutover-tasks", "cutover_tasks"),
                ("scenarios", "bc_scenarios"),
            ] {
                assert_eq!(lists[r].len() as i64, t.count(&count(table)).await, "{r} of project {p}");
            }
            // Figures as the pages' views print them.
            let training = view(format!("{base}/training")).await;
            let rows = training["rows"].as_array().unwrap();
            assert_eq!(lists["training-sessions"].len(), rows.len());
            for (a, b) in lists["training-sessions"].iter().zip(rows) {
                assert_eq!(
                    (&a["id"], &a["cost"], &a["invited"], &a["attended"]),
                    (&b["s"]["id"], &b["cost"], &b["invited"], &b["attended"])
                );
            }
            let log = view(format!("{base}/issues")).await;
            let issues = log["issues"].as_array().unwrap();
            assert_eq!(lists["issue-items"].len(), issues.len());
            for (a, b) in lists["issue-items"].iter().zip(issues) {
                assert_eq!((&a["id"], &a["overdue"], &a["red"]), (&b["issue"]["id"], &b["overdue"], &b["red"]));
            }
            let changes = log["changes"].as_array().unwrap();
            assert_eq!(lists["change-requests"].len(), changes.len());
            for (a, b) in lists["change-requests"].iter().zip(changes) {
                assert_eq!((&a["id"], &a["cost"], &a["pending"]), (&b["change"]["id"], &b["cost"], &b["pending"]));
            }
            let config = view(format!("{base}/configuration")).await;
            let config_rows: Vec<&Value> =
                config["modules"].as_array().unwrap().iter().flat_map(|m| m["items"].as_array().unwrap()).collect();
            assert_eq!(lists["config-items"].len(), config_rows.len());
            assert_eq!(lists["interfaces"].len(), config["interfaces"].as_array().unwrap().len());
            let hc = view(format!("{base}/hypercare")).await;
            let hc_rows = hc["issues"].as_array().unwrap();
            assert_eq!(lists["hypercare-issues"].len(), hc_rows.len());
            for (a, b) in lists["hypercare-issues"].iter().zip(hc_rows) {
                assert_eq!(
                    (&a["id"], &a["response_breached"], &a["resolution_breached"]),
                    (&b["issue"]["id"], &b["sla"]["response_breached"], &b["sla"]["resolution_breached"])
                );
            }
            let budget = view(format!("{base}/budget")).await;
            assert_eq!(lists["budget-lines"].len(), budget["lines"].as_array().unwrap().len());
            assert_eq!(lists["invoices"].len(), budget["invoices"].as_array().unwrap().len());
            let cv = budget["commitments"].as_array().unwrap();
            assert_eq!(lists["commitments"].len(), cv.len());
            for (a, b) in lists["commitments"].iter().zip(cv) {
                assert_eq!((&a["invoiced_minor"], &a["open_minor"]), (&b["invoiced"], &b["open"]));
            }
            // The closing phases' records as their pages' views have them.
            let rules = view(format!("{base}/rules")).await;
            let rule_rows = rules["rules"].as_array().unwrap();
            assert_eq!(lists["operating-rules"].len(), rule_rows.len());
            for (a, b) in lists["operating-rules"].iter().zip(rule_rows) {
                assert_eq!(
                    (&a["id"], &a["process"], &a["in_force"]),
                    (&b["rule"]["id"], &b["process"], &b["in_force"])
                );
            }
            let conv = view(format!("{base}/conversion")).await;
            let trial_rows: Vec<&Value> =
                conv["sources"].as_array().unwrap().iter().flat_map(|s| s["trials"].as_array().unwrap()).collect();
            assert_eq!(lists["conversion-trials"].len(), trial_rows.len());
            for (a, b) in lists["conversion-trials"].iter().zip(trial_rows) {
                assert_eq!(
                    (&a["id"], &a["load_rate"], &a["reconcile_rate"], &a["met"]),
                    (&b["trial"]["id"], &b["load_rate"], &b["reconcile_rate"], &b["result"]["met"])
                );
            }
            let ev = view(format!("{base}/evaluation")).await;
            let ids_of = |v: &Value, k: &str| -> Vec<Value> {
                v.as_array().unwrap().iter().map(|x| x[k]["id"].clone()).collect::<Vec<_>>()
            };
            let ids_in = |r: &str| lists[r].iter().map(|x| x["id"].clone()).collect::<Vec<_>>();
            assert_eq!(ids_in("lessons"), ids_of(&ev["lessons"], "row"));
            assert_eq!(ids_in("improvements"), ids_of(&ev["backlog"], "row"));
            let opens: Vec<&Value> = ev["backlog"].as_array().unwrap().iter().map(|b| &b["open"]).collect();
            assert_eq!(lists["improvements"].iter().map(|x| &x["open"]).collect::<Vec<_>>(), opens);
            let costs: Vec<(Value, Value)> = ev["roi"]["actual_costs"]
                .as_array()
                .map(|a| a.iter().map(|c| (c["id"].clone(), c["amount"].clone())).collect())
                .unwrap_or_default();
            let api_costs: Vec<(Value, Value)> =
                lists["evaluation-costs"].iter().map(|c| (c["id"].clone(), c["amount"].clone())).collect();
            assert_eq!(api_costs, costs, "project {p}");
            // The budget lines add up to the control's budget total.
            let sum: i64 = lists["budget-lines"].iter().map(|l| l["amount_minor"].as_i64().unwrap()).sum();
            assert_eq!(sum, budget["total"]["budget"].as_i64().unwrap(), "project {p}");
            // The other page views, each against the document and with a figure of its own.
            let bc = api.get(&format!("{base}/business-case")).await;
            let scenarios = lists["scenarios"].len();
            if scenarios == 0 {
                assert_eq!(bc.status, StatusCode::NOT_FOUND, "project {p} has no case: {}", bc.json);
            } else {
                let bc = view(format!("{base}/business-case")).await;
                assert_eq!(bc["scenarios"].as_array().map(Vec::len), Some(scenarios), "project {p}");
                let first = &lists["scenarios"][0]["id"];
                let one = view(format!("{base}/business-case?scenario={first}")).await;
                assert_eq!(&one["scenario"]["id"], first, "project {p}");
            }
            let ts = view(format!("{base}/timesheet")).await;
            assert_eq!(ts["days"].as_array().unwrap().len(), 7);
            let ts2 = view(format!("{base}/timesheet?week={}", ts["prev"].as_str().unwrap())).await;
            assert_eq!(ts2["next"], ts["monday"]);
            let runbook = view(format!("{base}/cutover")).await;
            assert_eq!(lists["cutover-tasks"].len(), runbook["tasks"].as_array().unwrap().len());
            let org = view(format!("{base}/organisation")).await;
            assert_eq!(lists["org-units"].len(), org["units"].as_array().unwrap().len());
            let dia = view(format!("{base}/diagnosis")).await;
            assert_eq!(lists["processes"].len(), dia["processes"].as_array().unwrap().len());
            let bp = view(format!("{base}/blueprint")).await;
            assert_eq!(lists["blueprints"].len(), bp["blueprints"].as_array().unwrap().len());
            let rd = view(format!("{base}/readiness")).await;
            assert!(rd["scorecard"].is_object() && rd["decisions"].is_array(), "{rd}");
            let ad = view(format!("{base}/adoption")).await;
            assert_eq!(
                ad["figures"].as_array().unwrap().len() as i64,
                t.count(&count("adoption_figures")).await,
                "project {p}"
            );
            view(format!("{base}/acceptance")).await;
            let tv = view(format!("{base}/targets")).await;
            assert_eq!(tv["targets"].as_array().unwrap().len() as i64, t.count(&count("targets")).await);
            let reg = view(format!("{base}/risks")).await;
            assert_eq!(reg["counts"]["total"].as_i64().unwrap(), t.count(&count("risks")).await, "project {p}");
            let rv = view(format!("{base}/reviews")).await;
            let reviews = rv["reviews"].as_array().unwrap();
            assert_eq!(reviews.len() as i64, t.count(&count("reviews")).await);
            for r in reviews {
                let deck = view(format!("{base}/reviews/{}", r["id"])).await;
                assert_eq!(deck["review"]["id"], r["id"]);
            }
            let sch = view(format!("{base}/schedule")).await;
            let acts = sch["items"].as_array().unwrap().iter().filter(|i| i["kind"] == "activity").count();
            assert_eq!(acts as i64, t.count(&count("activities")).await, "project {p}");
            view(format!("{base}/schedule?scale=week")).await;
            let testing = view(format!("{base}/testing")).await;
            assert_eq!(lists["test-cases"].len(), testing["cases"].as_array().unwrap().len());
            let tr = view(format!("{base}/testing/readiness")).await;
            let tr = tr.as_array().unwrap();
            assert_eq!(lists["test-cycles"].len(), tr.len());
            for (cy, r) in lists["test-cycles"].iter().zip(tr) {
                assert_eq!(cy["id"], r["cycle_id"]);
                let one = view(format!("{base}/testing/cycles/{}", cy["id"])).await;
                let exit = &one["exit"]["exit"];
                assert_eq!(one["exit"]["cycle"]["id"], cy["id"]);
                assert_eq!(
                    (&exit["pass_rate_tenths"], &exit["open_critical"], &exit["open_major"]),
                    (&r["pass_rate_tenths"], &r["open_critical"], &r["open_major"]),
                    "cycle {}",
                    cy["id"]
                );
            }
            // Filters: the phase and status filters keep only matching records.
            let ph = api.get(&format!("{base}/phases?status=closed")).await;
            assert!(items(&ph).iter().all(|x| x["status"] == "closed"));
            let ts = api.get(&format!("{base}/training-sessions?phase=7&limit=200")).await;
            assert!(items(&ts).iter().all(|x| x["phase_seq"] == 7));
            // The overview, every phase's gate and every target as its page shows it, against
            // the document too: the overview's health is the portfolio row's, the gate's phase
            // the listed phase, the target's printed figures the listed target's.
            let ov = api.get(&base).await;
            assert_eq!(ov.status, StatusCode::OK, "{}", ov.json);
            let row = projects.iter().find(|r| r["project"]["id"] == p).unwrap();
            assert_eq!((&ov.json["health"], &ov.json["today"]), (&row["health"], &row["today"]), "project {p}");
            for ph in &lists["phases"] {
                let g = api.get(&format!("{base}/phases/{}/gate", ph["seq"])).await;
                assert_eq!(g.status, StatusCode::OK, "{}", g.json);
                assert_eq!(g.json["phase"]["id"], ph["id"]);
            }
            for tg in all_items(&api, &format!("{base}/target-items")).await {
                let one = api.get(&format!("{base}/targets/{}", tg["id"])).await;
                assert_eq!(one.status, StatusCode::OK, "{}", one.json);
                assert_eq!(
                    (&one.json["shown"]["attainment"], &one.json["target"]["version"]),
                    (&tg["attainment"], &tg["version"])
                );
            }
        }
        // Not a walk over empty lists: the demo fills every area somewhere.
        let empty: Vec<&str> = READ_RESOURCES.iter().copied().filter(|r| seen[r] == 0).collect();
        assert_eq!(empty, EMPTY_IN_DEMO, "lists the demo leaves empty");
        // A stored document, byte for byte, as the Documents page downloads it.
        let p = t.count("SELECT CAST(MIN(id) AS BIGINT) FROM projects").await;
        session.get(&format!("/projects/{p}/documents")).await;
        session
            .post(&format!("/projects/{p}/documents"), &[("kind", "charter"), ("lang", "zh")])
            .await
            .assert_redirect();
        let docs = api.get(&format!("/api/v1/projects/{p}/documents")).await;
        let d = &items(&docs)[0];
        assert_eq!((d["kind"].as_str(), d["lang"].as_str()), (Some("charter"), Some("zh")));
        let r = api
            .router
            .clone()
            .oneshot(
                Request::get(format!("/api/v1/projects/{p}/documents/{}/content", d["id"]))
                    .header(header::AUTHORIZATION, format!("Bearer {}", api.token.as_deref().unwrap()))
                    .body(Body::empty())
                    .unwrap(),
            )
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::OK);
        assert_eq!(r.headers()[header::CONTENT_TYPE], "application/pdf");
        let bytes = r.into_body().collect().await.unwrap().to_bytes();
        assert!(bytes.starts_with(b"%PDF"));
        assert_eq!(bytes.len() as i64, d["size"].as_i64().unwrap());
        // Unknown records are problems, in the caller's language.
        let r = api.lang("zh").get(&format!("/api/v1/projects/{p}/defects/999999")).await;
        assert_eq!((r.status, r.ct()), (StatusCode::NOT_FOUND, "application/problem+json"));
        assert_eq!(r.json["title"], ninefold::i18n::t(ninefold::i18n::Lang::Zh, "err.not_found"));
    })
    .await;
}

// ---- The CRM's pushes and the business case's lines ----

#[tokio::test]
async fn the_crms_pushes_and_the_case_lines_answer_as_documented() {
    ninefold::service::clock::with_today(
        fixed_today(),
        on_each_db(|t| async move {
            let mut team = team(&t).await;
            let p = team.project;
            crate::targets::new_target(&mut team.director, p, crate::targets::TARGET).await;
            team.director.get(&format!("/projects/{p}/tokens")).await;
            let r = team.director.post(&format!("/projects/{p}/tokens"), &[("name", "CRM nightly")]).await;
            let crm = Api::new(&t, Some(&crate::targets::token_in(&r.body)));
            let director = Api::new(&t, Some(&make_token(&mut team.director, "write").await));

            // A measurement: created, then unchanged when retried; refusals name the field.
            let url = format!("/api/v1/projects/{p}/targets/service-cost/measurements");
            let body = json!({"date": "2026-03-31", "value": 380.5, "source": "crm"});
            let r = crm.post(&url, body.clone()).await;
            assert_eq!(r.status, StatusCode::CREATED, "{}", r.json);
            assert_eq!(
                (r.json["result"].as_str(), r.json["value"].as_f64(), r.json["target"].as_str()),
                (Some("created"), Some(380.5), Some("service-cost"))
            );
            let r = crm.post(&url, body.clone()).await;
            assert_eq!((r.status, r.json["result"].as_str()), (StatusCode::OK, Some("unchanged")));
            let r = crm.post(&url, json!({"date": "2026-04-30", "value": "1,200", "note": "text"})).await;
            assert_eq!((r.status, r.json["value"].as_f64(), r.json["source"].as_str()), (StatusCode::CREATED, Some(1200.0), Some("api")));
            let r = crm.post(&url, json!({"date": "2026-02-30", "value": 1})).await;
            assert_eq!((r.status, r.json["field"].as_str()), (StatusCode::BAD_REQUEST, Some("date")));
            let r = crm.post(&format!("/api/v1/projects/{p}/targets/nope/measurements"), body.clone()).await;
            assert_eq!(r.status, StatusCode::NOT_FOUND);
            assert_eq!(Api::new(&t, Some("nf_wrong")).post(&url, body.clone()).await.status, StatusCode::UNAUTHORIZED);
            assert_eq!(Api::new(&t, None).post(&url, body).await.status, StatusCode::UNAUTHORIZED);
            // The Targets page's view has both, the latest as printed.
            let tv = director.get(&format!("/api/v1/projects/{p}/targets")).await;
            assert_eq!(tv.json["targets"][0]["shown"]["latest"], "1,200", "{}", tv.json);
            assert_eq!(t.count("SELECT COUNT(*) FROM measurements WHERE source IN ('crm', 'api')").await, 2);

            // An adoption figure: the same, and refused values name each field.
            let url = format!("/api/v1/projects/{p}/adoption");
            let fig = json!({"date": "2026-10-10", "module": "service", "active_users": 30, "planned_users": "40", "source": "crm"});
            let r = crm.post(&url, fig.clone()).await;
            assert_eq!(r.status, StatusCode::CREATED, "{}", r.json);
            assert_eq!((r.json["result"].as_str(), r.json["module"].as_str()), (Some("created"), Some("service")));
            let r = crm.post(&url, fig).await;
            assert_eq!((r.status, r.json["result"].as_str()), (StatusCode::OK, Some("unchanged")));
            let r = crm
                .post(&url, json!({"date": "2026-10-11", "module": "service", "active_users": -1, "planned_users": 40}))
                .await;
            assert_eq!((r.status, r.json["field"].as_str()), (StatusCode::BAD_REQUEST, Some("active_users")));
            assert_eq!(r.json["fields"][0]["field"], "active_users", "{}", r.json);
            let r = crm
                .post(&url, json!({"date": "2026-10-11", "module": "service", "active_users": true, "planned_users": 40}))
                .await;
            assert_eq!((r.status, r.json["field"].as_str()), (StatusCode::BAD_REQUEST, Some("active_users")));
            let ad = director.get(&url).await;
            let figs = ad.json["figures"].as_array().unwrap();
            assert_eq!((figs.len(), &figs[0]["active_users"]), (1, &json!(30)), "{}", ad.json);

            // The business case's lines: 201 with the stored line, 422 naming the field.
            team.director.get(&format!("/projects/{p}/business-case")).await;
            team.director.post(&format!("/projects/{p}/business-case"), &[]).await.assert_redirect();
            let costs = format!("/api/v1/projects/{p}/business-case/costs");
            let r = director
                .post(&costs, json!({"category": "software", "description": "Licences", "recurrence": "one_time", "amount": "12,000.00", "growth": "0"}))
                .await;
            assert_eq!(r.status, StatusCode::CREATED, "{}", r.json);
            assert_eq!(r.json["amount_minor"], 1_200_000);
            let r = director.post(&costs, json!({"category": "software", "description": "Licences", "amount": "lots"})).await;
            assert_eq!((r.status, r.ct()), (StatusCode::UNPROCESSABLE_ENTITY, "application/problem+json"));
            let r = director
                .post(
                    &format!("/api/v1/projects/{p}/business-case/benefits"),
                    json!({"kind": "cost_reduction", "description": "Service cost", "amount": "600,000", "risk": "10", "first_year": "1", "growth": "0"}),
                )
                .await;
            assert_eq!(r.status, StatusCode::CREATED, "{}", r.json);
            let bc = director.get(&format!("/api/v1/projects/{p}/business-case")).await;
            assert_eq!((bc.json["costs"].as_array().unwrap().len(), bc.json["benefits"].as_array().unwrap().len()), (1, 1));
        }),
    )
    .await;
}

// ---- The later areas' writes ----

/// The first demo project whose `resource` list is not empty.
async fn demo_project_with(api: &Api, ids: &[i64], resource: &str) -> i64 {
    for p in ids {
        if !items(&api.get(&format!("/api/v1/projects/{p}/{resource}")).await).is_empty() {
            return *p;
        }
    }
    panic!("no demo project has {resource}");
}

async fn audit_rows(t: &TestApp, kind: &str) -> i64 {
    t.count(&format!("SELECT COUNT(*) FROM audit_log WHERE entity = '{kind}'")).await
}

#[tokio::test]
async fn the_later_areas_write_through_the_api_with_the_pages_rules() {
    on_each_db(|t| async move {
        let pb = t.state.playbooks.get("nine-phase").unwrap();
        ninefold::service::demo::ensure(&t.db, pb, chrono::Utc::now().date_naive()).await.unwrap();
        let mut session = crate::consistency::demo_director(&t).await;
        let api = Api::new(&t, Some(&make_token(&mut session, "write").await));
        let reader = Api::new(&t, Some(&make_token(&mut session, "read").await));
        let ids: Vec<i64> = all_items(&api, "/api/v1/projects")
            .await
            .iter()
            .map(|p| p["project"]["id"].as_i64().unwrap())
            .collect();

        // Testing: a case in a cycle's scope, a failed run pushed by a test tool, a defect
        // raised from it, fixed — and the case is back for retest, as on the pages.
        let p = demo_project_with(&api, &ids, "test-cycles").await;
        let base = format!("/api/v1/projects/{p}");
        let cycle = items(&api.get(&format!("{base}/test-cycles")).await)[0].clone();
        let scope: Vec<i64> = serde_json::from_str(cycle["scope"].as_str().unwrap()).unwrap_or_default();
        let bp = scope.first().map(|b| b.to_string()).unwrap_or_default();
        let audits = audit_rows(&t, "test_case").await;
        let case = api
            .post(
                &format!("{base}/test-cases"),
                json!({"code": "API-1", "title": "Quote from the API", "blueprint_id": bp, "actor": "Sales",
                       "action": "Create a quote", "expected": "Quote saved", "module_key": "sales"}),
            )
            .await;
        assert_eq!(case.status, StatusCode::CREATED, "{}", case.json);
        let cid = case.json["id"].as_i64().unwrap();
        assert_eq!(case.headers[header::LOCATION], format!("{base}/test-cases/{cid}").as_str());
        assert_eq!(api.get(&format!("{base}/test-cases/{cid}")).await.json, case.json);
        assert_eq!(audit_rows(&t, "test_case").await, audits + 1, "the create is audited");
        let patched =
            api.patch(&format!("{base}/test-cases/{cid}"), json!({"expected": "Quote saved and numbered"}), Some(&case.etag())).await;
        assert_eq!(patched.status, StatusCode::OK, "{}", patched.json);
        assert_eq!((patched.json["expected"].as_str(), patched.json["title"].as_str()), (Some("Quote saved and numbered"), Some("Quote from the API")));
        // The old ETag is stale now.
        let stale = api.patch(&format!("{base}/test-cases/{cid}"), json!({"title": "X"}), Some(&case.etag())).await;
        assert_eq!(stale.status, StatusCode::PRECONDITION_FAILED);

        let run = api
            .post(
                &format!("{base}/test-runs"),
                json!({"cycle_id": cycle["id"], "case_id": cid, "status": "failed", "failed_step": 1,
                       "actual_result": "Quote lost on save", "tester": "Key user"}),
            )
            .await;
        assert_eq!(run.status, StatusCode::CREATED, "{}", run.json);
        assert_eq!(run.json["status"], "failed");
        // Refused by field, in the caller's language, and nothing written.
        let runs_before = items(&api.get(&format!("{base}/test-runs?limit=200")).await).len();
        let bad = api
            .lang("zh")
            .post(&format!("{base}/test-runs"), json!({"cycle_id": cycle["id"], "case_id": cid, "status": "maybe", "tester": ""}))
            .await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
        let fields: Vec<&str> = bad.json["errors"].as_array().unwrap().iter().map(|e| e["field"].as_str().unwrap()).collect();
        assert_eq!(fields, ["status", "tester"], "{}", bad.json);
        assert_eq!(bad.json["errors"][0]["message"], ninefold::i18n::t(ninefold::i18n::Lang::Zh, "err.choose_from_list"));
        assert_eq!(items(&api.get(&format!("{base}/test-runs?limit=200")).await).len(), runs_before);
        // A member who may not run tests cannot push one; a read token cannot either.
        let denied = reader
            .post(&format!("{base}/test-runs"), json!({"cycle_id": cycle["id"], "case_id": cid, "status": "passed", "tester": "x"}))
            .await;
        assert_eq!(denied.status, StatusCode::FORBIDDEN);

        let defect = api
            .post(
                &format!("{base}/defects"),
                json!({"cycle_id": cycle["id"], "case_id": cid, "title": "Quote not saved", "severity": "major",
                       "priority": "high", "owner": "Vendor"}),
            )
            .await;
        assert_eq!(defect.status, StatusCode::CREATED, "{}", defect.json);
        assert_eq!((defect.json["status"].as_str(), defect.json["run_id"].as_i64()), (Some("new"), run.json["id"].as_i64()));
        let did = defect.json["id"].as_i64().unwrap();
        // The workflow is the page's: new → open → fixed, never straight to fixed.
        let skip = api.patch(&format!("{base}/defects/{did}"), json!({"status": "fixed"}), Some(&defect.etag())).await;
        assert_eq!((skip.status, skip.json["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("status")));
        let open = api.patch(&format!("{base}/defects/{did}"), json!({"status": "open"}), Some(&defect.etag())).await;
        assert_eq!(open.status, StatusCode::OK, "{}", open.json);
        let fixed = api.patch(&format!("{base}/defects/{did}"), json!({"status": "fixed"}), Some(&open.etag())).await;
        assert_eq!(fixed.status, StatusCode::OK, "{}", fixed.json);
        let retests = items(&api.get(&format!("{base}/test-runs?status=retest&limit=200")).await).clone();
        assert!(retests.iter().any(|r| r["defect_id"] == did && r["case_id"] == cid), "the case is back for retest");
        let rejected = api.patch(&format!("{base}/defects/{did}"), json!({"status": "rejected"}), Some(&fixed.etag())).await;
        assert_eq!(rejected.status, StatusCode::UNPROCESSABLE_ENTITY, "rejecting needs a reason");
        assert_eq!(rejected.json["field"], "reject_reason");

        // The issue log: an escalated critical issue turns the log's flag red; resolving clears it.
        let issue = api
            .post(
                &format!("{base}/issue-items"),
                json!({"title": "Interface down", "severity": "critical", "owner": "IT", "status": "open", "escalated": true}),
            )
            .await;
        assert_eq!(issue.status, StatusCode::CREATED, "{}", issue.json);
        assert_eq!(issue.json["red"], true);
        let iid = issue.json["id"].as_i64().unwrap();
        assert_eq!(issue.headers[header::LOCATION], format!("{base}/issues/{iid}").as_str());
        let resolved = api
            .patch(&format!("{base}/issues/{iid}"), json!({"status": "resolved", "resolution": "Restarted"}), Some(&issue.etag()))
            .await;
        assert_eq!(resolved.status, StatusCode::OK, "{}", resolved.json);
        assert_eq!((resolved.json["red"].as_bool(), resolved.json["escalated"].as_bool()), (Some(false), Some(true)));

        // A change request, priced in the project's currency.
        let cr = api
            .post(
                &format!("{base}/change-requests"),
                json!({"title": "Add WeChat channel", "description": "Service over WeChat", "reason": "Customers ask",
                       "schedule_days": 5, "cost": "12,500.50"}),
            )
            .await;
        assert_eq!(cr.status, StatusCode::CREATED, "{}", cr.json);
        assert_eq!((cr.json["cost_minor"].as_i64(), cr.json["pending"].as_bool()), (Some(1_250_050), Some(true)));
        let crid = cr.json["id"].as_i64().unwrap();
        let cr2 = api.patch(&format!("{base}/change-requests/{crid}"), json!({"schedule_days": 8}), Some(&cr.etag())).await;
        assert_eq!((cr2.status, cr2.json["schedule_days"].as_i64(), cr2.json["cost_minor"].as_i64()), (StatusCode::OK, Some(8), Some(1_250_050)));

        // Configuration and the integration register.
        let module = first_module(&api, p).await;
        let item = api
            .post(&format!("{base}/config-items"), json!({"module_key": module, "setting": "Quote numbering", "value": "Q-{yyyy}-{seq}", "status": "planned"}))
            .await;
        assert_eq!(item.status, StatusCode::CREATED, "{}", item.json);
        let item2 = api
            .patch(&format!("{base}/config-items/{}", item.json["id"]), json!({"status": "verified"}), Some(&item.etag()))
            .await;
        assert_eq!((item2.status, item2.json["status"].as_str()), (StatusCode::OK, Some("verified")));
        assert!(item2.json["verified_on"].is_string(), "verifying records when: {}", item2.json);
        let bad_item = api.post(&format!("{base}/config-items"), json!({"module_key": "no-such", "setting": "x", "status": "planned"})).await;
        assert_eq!((bad_item.status, bad_item.json["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("module_key")));
        let unknown = api.post(&format!("{base}/config-items"), json!({"module_key": module, "colour": "red"})).await;
        assert_eq!((unknown.status, unknown.json["field"].as_str()), (StatusCode::BAD_REQUEST, Some("colour")));
        let iface = api
            .post(
                &format!("{base}/interfaces"),
                json!({"name": "ERP customers", "source_system": "ERP", "target_system": "CRM", "direction": "inbound",
                       "data_objects": "customers", "frequency": "nightly", "method": "etl", "owner": "IT",
                       "status": "building", "test_status": "not_tested"}),
            )
            .await;
        assert_eq!(iface.status, StatusCode::CREATED, "{}", iface.json);
        let iface2 =
            api.patch(&format!("{base}/interfaces/{}", iface.json["id"]), json!({"test_status": "passed"}), Some(&iface.etag())).await;
        assert_eq!((iface2.status, iface2.json["test_status"].as_str()), (StatusCode::OK, Some("passed")));

        // Go-live: the runbook's tasks (create, change, delete) and a hypercare ticket from a
        // service desk, its service levels as the log computes them.
        let p = demo_project_with(&api, &ids, "hypercare-issues").await;
        let base = format!("/api/v1/projects/{p}");
        let tasks = items(&api.get(&format!("{base}/cutover-tasks?limit=200")).await).clone();
        let next = tasks.iter().map(|t| t["seq"].as_i64().unwrap()).max().unwrap_or(0) + 10;
        let start = tasks.last().map(|t| t["planned_start"].as_str().unwrap().to_string()).unwrap_or("2026-06-01T20:00:00".into());
        let task = api
            .post(
                &format!("{base}/cutover-tasks"),
                json!({"seq": next, "name": "Send go-live mail", "owner": "PMO", "category": "communication",
                       "planned_start": &start[..16], "duration_min": 15}),
            )
            .await;
        assert_eq!(task.status, StatusCode::CREATED, "{}", task.json);
        let tid = task.json["id"].as_i64().unwrap();
        let task2 = api.patch(&format!("{base}/cutover-tasks/{tid}"), json!({"duration_min": 30}), Some(&task.etag())).await;
        assert_eq!((task2.status, task2.json["duration_min"].as_i64()), (StatusCode::OK, Some(30)));
        let loop_ = api.patch(&format!("{base}/cutover-tasks/{tid}"), json!({"predecessors": next.to_string()}), Some(&task2.etag())).await;
        assert_eq!((loop_.status, loop_.json["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("predecessors")));
        let del = api.call(Method::DELETE, &format!("{base}/cutover-tasks/{tid}"), None, &[("if-match", task.etag().as_str())]).await;
        assert_eq!(del.status, StatusCode::PRECONDITION_FAILED, "a stale delete");
        let del = api.call(Method::DELETE, &format!("{base}/cutover-tasks/{tid}"), None, &[("if-match", task2.etag().as_str())]).await;
        assert_eq!(del.status, StatusCode::NO_CONTENT);
        assert_eq!(api.get(&format!("{base}/cutover-tasks/{tid}")).await.status, StatusCode::NOT_FOUND);

        let module = first_module(&api, p).await;
        let ticket = api
            .post(
                &format!("{base}/hypercare-issues"),
                json!({"title": "Cannot log in", "severity": 2, "channel": "portal", "module_key": module,
                       "reporter": "Branch 12", "status": "open"}),
            )
            .await;
        assert_eq!(ticket.status, StatusCode::CREATED, "{}", ticket.json);
        assert_eq!(ticket.json["response_breached"], false);
        let hid = ticket.json["id"].as_i64().unwrap();
        let log = api.get(&format!("{base}/hypercare")).await.json;
        let row = log["issues"].as_array().unwrap().iter().find(|r| r["issue"]["id"] == hid).unwrap().clone();
        assert_eq!((&ticket.json["response_due"], &ticket.json["resolution_due"]), (&row["sla"]["response_due"], &row["sla"]["resolution_due"]));
        let closed = api.patch(&format!("{base}/hypercare-issues/{hid}"), json!({"status": "in_progress"}), Some(&ticket.etag())).await;
        assert_eq!((closed.status, closed.json["status"].as_str()), (StatusCode::OK, Some("in_progress")));

        // The budget: an ERP posts a purchase order, its invoice and a budget line; the
        // control figures move by exactly those amounts.
        let p = demo_project_with(&api, &ids, "commitments").await;
        let base = format!("/api/v1/projects/{p}");
        let before = api.get(&format!("{base}/budget")).await.json;
        let po = api
            .post(
                &format!("{base}/commitments"),
                json!({"vendor": "Hosting Co", "reference": "PO-API-1", "amount": "30,000.00", "committed_on": "2026-05-01",
                       "category": "hardware_hosting", "phase": ""}),
            )
            .await;
        assert_eq!(po.status, StatusCode::CREATED, "{}", po.json);
        let inv = api
            .post(
                &format!("{base}/invoices"),
                json!({"commitment": po.json["id"], "reference": "INV-API-1", "amount": "10,000.00", "invoiced_on": "2026-05-20"}),
            )
            .await;
        assert_eq!(inv.status, StatusCode::CREATED, "{}", inv.json);
        let over = api
            .post(&format!("{base}/invoices"), json!({"commitment": po.json["id"], "amount": "25,000.00", "invoiced_on": "2026-05-21"}))
            .await;
        assert_eq!(over.status, StatusCode::UNPROCESSABLE_ENTITY, "invoices may not exceed the commitment: {}", over.json);
        let line = api
            .post(&format!("{base}/budget-lines"), json!({"category": "contingency", "description": "API reserve", "amount": "5,000.00", "phase": ""}))
            .await;
        assert_eq!(line.status, StatusCode::CREATED, "{}", line.json);
        let after = api.get(&format!("{base}/budget")).await.json;
        let fig = |v: &Value, k: &str| v["total"][k].as_i64().unwrap();
        assert_eq!(fig(&after, "budget") - fig(&before, "budget"), 500_000);
        assert_eq!(fig(&after, "committed") - fig(&before, "committed"), 3_000_000);
        let po_now = api.get(&format!("{base}/commitments/{}", po.json["id"])).await;
        assert_eq!((po_now.json["invoiced_minor"].as_i64(), po_now.json["open_minor"].as_i64()), (Some(1_000_000), Some(2_000_000)));
    })
    .await;
}

/// The first CRM module key of project `p`.
async fn first_module(api: &Api, p: i64) -> String {
    let v = api.get(&format!("/api/v1/projects/{p}/modules?limit=200")).await.json;
    let m = v["items"].as_array().unwrap().iter().find(|m| m["in_scope"] == true).expect("a module in scope");
    m["key"].as_str().unwrap().to_string()
}

// ---- The remaining areas' writes ----

/// One record's round trip through the API, checked as the brief of each area asks: created
/// (201, `Location`, `ETag`, audited, read back alike), a bad value refused by field (422
/// problem naming it, nothing written), changed at its `ETag`, refused at the stale one
/// (412), and the page showing the new value.
struct Trip<'a> {
    /// The collection (`…/training-sessions`).
    list: String,
    /// Where one record is read and changed (`{list}/{id}` for most).
    item: &'a dyn Fn(i64) -> String,
    /// The audit log's entity.
    kind: &'a str,
    new: Value,
    /// A body refused, and the field the problem names.
    bad: (Value, &'a str),
    change: Value,
    /// A member of the record the change sets, and its value after.
    expect: (&'a str, Value),
    /// The page that shows the record, and the text it must show after the change.
    page: &'a dyn Fn(i64) -> String,
    shown: &'a str,
}

async fn round_trip(t: &TestApp, api: &Api, session: &mut Client, trip: Trip<'_>) -> Value {
    let audits = audit_rows(t, trip.kind).await;
    let before = all_items(api, &trip.list).await.len();
    let bad = api.lang("zh").post(&trip.list, trip.bad.0.clone()).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY, "{}: {}", trip.list, bad.json);
    assert_eq!(bad.ct(), "application/problem+json");
    let fields: Vec<&str> =
        bad.json["errors"].as_array().unwrap().iter().map(|e| e["field"].as_str().unwrap()).collect();
    assert!(fields.contains(&trip.bad.1), "{}: the problem names {}: {}", trip.list, trip.bad.1, bad.json);
    // In the caller's language.
    let e = bad.json["errors"].as_array().unwrap().iter().find(|e| e["field"] == trip.bad.1).unwrap();
    assert_eq!(e["message"], ninefold::i18n::t(ninefold::i18n::Lang::Zh, e["code"].as_str().unwrap()));
    assert_eq!(all_items(api, &trip.list).await.len(), before, "{}: a refused create writes nothing", trip.list);
    assert_eq!(audit_rows(t, trip.kind).await, audits);

    let made = api.post(&trip.list, trip.new.clone()).await;
    assert_eq!(made.status, StatusCode::CREATED, "{}: {}", trip.list, made.json);
    let id = made.json["id"].as_i64().unwrap();
    let item = (trip.item)(id);
    assert_eq!(made.headers[header::LOCATION], item.as_str());
    assert!(made.etag().contains(&format!("-{id}-")), "{}", made.etag());
    let read = api.get(&item).await;
    assert_eq!((read.status, &read.json), (StatusCode::OK, &made.json), "{item}");
    assert_eq!(read.etag(), made.etag());
    assert_eq!(all_items(api, &trip.list).await.len(), before + 1);
    assert_eq!(audit_rows(t, trip.kind).await, audits + 1, "{}: the create is audited", trip.list);

    let changed = api.patch(&item, trip.change.clone(), Some(&made.etag())).await;
    assert_eq!(changed.status, StatusCode::OK, "{item}: {}", changed.json);
    assert_eq!(changed.json[trip.expect.0], trip.expect.1, "{item}: {}", changed.json);
    assert_ne!(changed.etag(), made.etag());
    assert_eq!(api.get(&item).await.json, changed.json);
    assert_eq!(audit_rows(t, trip.kind).await, audits + 2, "{item}: the update is audited");
    let stale = api.patch(&item, trip.change.clone(), Some(&made.etag())).await;
    assert_eq!((stale.status, stale.ct()), (StatusCode::PRECONDITION_FAILED, "application/problem+json"), "{item}");
    let missing = api.patch(&item, trip.change.clone(), None).await;
    assert_eq!(missing.status, StatusCode::PRECONDITION_REQUIRED, "{item}");

    let page = (trip.page)(id);
    let html = session.get(&page).await;
    assert_eq!(html.status, StatusCode::OK, "{page}");
    assert!(html.body.contains(trip.shown), "{page} shows {:?}", trip.shown);
    changed.json
}

#[tokio::test]
async fn the_remaining_areas_write_through_the_api_with_the_pages_rules() {
    on_each_db(|t| async move {
        let pb = t.state.playbooks.get("nine-phase").unwrap();
        ninefold::service::demo::ensure(&t.db, pb, chrono::Utc::now().date_naive()).await.unwrap();
        let mut session = crate::consistency::demo_director(&t).await;
        let api = Api::unlimited(&t, &make_token(&mut session, "write").await);
        let ids: Vec<i64> = all_items(&api, "/api/v1/projects")
            .await
            .iter()
            .map(|p| p["project"]["id"].as_i64().unwrap())
            .collect();

        // Training: a session planned and moved, its cost in the project's currency.
        let p = demo_project_with(&api, &ids, "training-sessions").await;
        let base = format!("/api/v1/projects/{p}");
        let item = |id: i64| format!("/api/v1/projects/{p}/training-sessions/{id}");
        let page = |id: i64| format!("/projects/{p}/training/{id}");
        let s = round_trip(
            &t,
            &api,
            &mut session,
            Trip {
                list: format!("{base}/training-sessions"),
                item: &item,
                kind: "training_session",
                new: json!({"title": "Quoting for key users", "audience": "project_team", "phase_seq": 5,
                            "date": "2026-06-10", "start_time": "09:30", "duration_minutes": 90, "place": "Room 3",
                            "trainer": "Consultant", "cost": "1,200.50", "hands_on": true, "status": "planned"}),
                bad: (
                    json!({"title": "X", "audience": "everyone", "phase_seq": 5, "date": "2026-06-10",
                             "start_time": "09:30", "duration_minutes": 90, "cost": "0", "status": "planned"}),
                    "audience",
                ),
                change: json!({"title": "Quoting for key users (API)", "duration_minutes": 120}),
                expect: ("duration_minutes", json!(120)),
                page: &page,
                shown: "Quoting for key users (API)",
            },
        )
        .await;
        assert_eq!(
            (s["cost_minor"].as_i64(), s["hands_on"].as_bool(), s["phase_seq"].as_i64()),
            (Some(120_050), Some(true), Some(5))
        );
        let plan = api.get(&format!("{base}/training")).await.json;
        let row = plan["rows"].as_array().unwrap().iter().find(|r| r["s"]["id"] == s["id"]).unwrap().clone();
        assert_eq!((&row["cost"], &row["s"]["title"]), (&s["cost"], &s["title"]), "the plan's view shows it alike");

        // Its invitees and their attendance, as the session page records them.
        let sid = s["id"].as_i64().unwrap();
        let att = format!("{base}/training-sessions/{sid}/attendance");
        assert_eq!(api.get(&att).await.json["invited"], 0);
        let people: Vec<Value> = all_items(&api, &format!("{base}/people")).await;
        let (a, b) = (people[0]["id"].as_i64().unwrap(), people[1]["id"].as_i64().unwrap());
        let audits = audit_rows(&t, "attendance").await;
        let bad = api.post(&att, json!({"person_id": [a, 999_999]})).await;
        assert_eq!((bad.status, bad.json["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("person_id")));
        let invited = api.post(&att, json!({"person_id": [a, b.to_string()]})).await;
        assert_eq!((invited.status, invited.json["invited"].as_u64()), (StatusCode::OK, Some(2)), "{}", invited.json);
        assert_eq!(audit_rows(&t, "attendance").await, audits + 2);
        let row = |pid: i64| invited.json["items"].as_array().unwrap().iter().find(|x| x["person_id"] == pid).unwrap().clone();
        let (ra, rb) = (row(a), row(b));
        let one = |x: &Value| format!("{att}/{}", x["id"]);
        let tag = |x: &Value| format!("\"attendance-{}-{}\"", x["id"], x["version"]);
        let score = api.patch(&one(&ra), json!({"attended": true, "score": 150}), Some(&tag(&ra))).await;
        assert_eq!((score.status, score.json["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("score")));
        let marked = api.patch(&one(&ra), json!({"attended": true, "score": 85}), Some(&tag(&ra))).await;
        assert_eq!(marked.status, StatusCode::OK, "{}", marked.json);
        assert_eq!((marked.json["attended"].as_bool(), marked.json["score"].as_i64()), (Some(true), Some(85)));
        assert_eq!(api.patch(&one(&ra), json!({"score": 90}), Some(&tag(&ra))).await.status, StatusCode::PRECONDITION_FAILED);
        // Only the score sent: attended stays as recorded.
        let rescored = api.patch(&one(&ra), json!({"score": 90}), Some(&marked.etag())).await;
        assert_eq!((rescored.json["attended"].as_bool(), rescored.json["score"].as_i64()), (Some(true), Some(90)));
        let read = api.get(&one(&ra)).await;
        assert_eq!((&read.json, read.etag()), (&rescored.json, rescored.etag()));
        let gone = api.call(Method::DELETE, &one(&rb), None, &[("if-match", tag(&rb).as_str())]).await;
        assert_eq!(gone.status, StatusCode::NO_CONTENT);
        let now = api.get(&att).await.json;
        assert_eq!((now["invited"].as_u64(), now["attended"].as_u64()), (Some(1), Some(1)));
        let plan_row = api.get(&item(sid)).await.json;
        assert_eq!((plan_row["invited"].as_u64(), plan_row["attended"].as_u64()), (Some(1), Some(1)), "the plan counts them");
        let html = session.get(&page(sid)).await.body;
        assert!(html.contains(ra["person_name"].as_str().unwrap()), "the session page lists the invitee");

        // Targets: a definition made and re-aimed; its figures are the Targets page's.
        let item = |id: i64| format!("/api/v1/projects/{p}/target-items/{id}");
        let page = |id: i64| format!("/projects/{p}/targets/{id}");
        let tg = round_trip(
            &t,
            &api,
            &mut session,
            Trip {
                list: format!("{base}/target-items"),
                item: &item,
                kind: "target",
                new: json!({"key": "api-nps", "name": "Net promoter score (API)", "kind": "explicit", "unit": "pts",
                            "direction": "increase", "baseline_value": "30", "baseline_date": "2026-01-01",
                            "target_input": "45", "target_date": "2026-12-31", "owner": "Service lead"}),
                bad: (json!({"name": "NPS", "kind": "explicit", "direction": "sideways"}), "direction"),
                change: json!({"name": "Net promoter score (API, raised)", "target_input": "+20%"}),
                expect: ("target_value", json!(36.0)),
                page: &page,
                shown: "Net promoter score (API, raised)",
            },
        )
        .await;
        assert_eq!(
            (tg["key"].as_str(), tg["baseline_value"].as_f64(), tg["measurements"].as_u64()),
            (Some("api-nps"), Some(30.0), Some(0))
        );
        // A measurement pushed to it moves the figures the page prints.
        let tid = tg["id"].as_i64().unwrap();
        let m = api.post(&format!("{base}/targets/{tid}/readings"), json!({"date": "2026-03-01", "value": "33"})).await;
        assert_eq!(m.status, StatusCode::CREATED, "{}", m.json);
        let now = api.get(&item(tid)).await.json;
        assert_eq!(
            (now["measurements"].as_u64(), now["latest"].as_str()),
            (Some(1), m.json["target"]["latest"].as_str())
        );
        let dup = api
            .post(
                &format!("{base}/target-items"),
                json!({"key": "api-nps", "name": "Again", "kind": "explicit", "direction": "increase"}),
            )
            .await;
        assert_eq!(
            (dup.status, dup.json["field"].as_str()),
            (StatusCode::UNPROCESSABLE_ENTITY, Some("key")),
            "{}",
            dup.json
        );

        // Test cycles: the scope is a multiple choice of blueprints, sent as an array or as
        // the page's comma-separated ids.
        let mut with_blueprints = vec![];
        for p in &ids {
            let bps: Vec<i64> = all_items(&api, &format!("/api/v1/projects/{p}/blueprints"))
                .await
                .iter()
                .map(|b| b["id"].as_i64().unwrap())
                .collect();
            with_blueprints.push((bps.len(), *p, bps));
        }
        let (_, p, bps) = with_blueprints.into_iter().max().unwrap();
        assert!(bps.len() >= 2, "the demo's blueprints: {bps:?}");
        let base = format!("/api/v1/projects/{p}");
        let item = |id: i64| format!("/api/v1/projects/{p}/test-cycles/{id}");
        let page = |id: i64| format!("/projects/{p}/testing/cycles/{id}");
        let cy = round_trip(
            &t,
            &api,
            &mut session,
            Trip {
                list: format!("{base}/test-cycles"),
                item: &item,
                kind: "test_cycle",
                new: json!({"name": "Regression from the API", "kind": "regression", "scope": [bps[0], bps[1].to_string()],
                            "planned_start": "2026-07-01", "planned_finish": "2026-07-10", "testers": "Key users",
                            "pass_rate_min": 90}),
                bad: (json!({"name": "Bad", "kind": "regression", "scope": [bps[0]], "pass_rate_min": 150}), "pass_rate_min"),
                change: json!({"name": "Regression from the API, narrowed", "scope": bps[1].to_string()}),
                expect: ("scope", json!(format!("[{}]", bps[1]))),
                page: &page,
                shown: "Regression from the API, narrowed",
            },
        )
        .await;
        assert_eq!((cy["pass_rate_min"].as_i64(), cy["planned_finish"].as_str()), (Some(90), Some("2026-07-10")));
        let created = api.get(&item(cy["id"].as_i64().unwrap())).await;
        let bad_scope = api.patch(&item(cy["id"].as_i64().unwrap()), json!({"scope": [999_999]}), Some(&created.etag())).await;
        assert_eq!((bad_scope.status, bad_scope.json["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("scope")));
        let nested = api.patch(&item(cy["id"].as_i64().unwrap()), json!({"scope": [[1]]}), Some(&created.etag())).await;
        assert_eq!((nested.status, nested.json["field"].as_str()), (StatusCode::BAD_REQUEST, Some("scope")));
        // A change that does not send the scope keeps it.
        let kept = api.patch(&item(cy["id"].as_i64().unwrap()), json!({"pass_rate_min": 85}), Some(&created.etag())).await;
        assert_eq!(kept.status, StatusCode::OK, "{}", kept.json);
        assert_eq!((&kept.json["scope"], kept.json["pass_rate_min"].as_i64()), (&cy["scope"], Some(85)));
        // The scope reads as the page's view of the cycle has it.
        let view = api.get(&format!("{base}/testing/cycles/{}", cy["id"])).await.json;
        assert_eq!(view["exit"]["cycle"]["scope"], cy["scope"], "{view}");

        // Diagnosis: an as-is process described, changed and scored (the process page's two forms).
        let p = demo_project_with(&api, &ids, "processes").await;
        let base = format!("/api/v1/projects/{p}");
        let module = first_module(&api, p).await;
        let item = |id: i64| format!("/api/v1/projects/{p}/processes/{id}");
        let page = |id: i64| format!("/projects/{p}/diagnosis/processes/{id}");
        let pr = round_trip(
            &t,
            &api,
            &mut session,
            Trip {
                list: format!("{base}/processes"),
                item: &item,
                kind: "process",
                new: json!({"module_key": module, "name": "Quote approval from the API", "as_is": "By e-mail",
                            "owner_dept": "sales", "volume": "120 a week", "pain_points": "Slow", "systems": "Excel"}),
                bad: (json!({"module_key": "no-such", "name": "X"}), "module_key"),
                change: json!({"volume": "200 a week", "name": "Quote approval from the API, weekly"}),
                expect: ("volume", json!("200 a week")),
                page: &page,
                shown: "Quote approval from the API, weekly",
            },
        )
        .await;
        assert_eq!((pr["importance"].as_i64(), pr["selected"].as_bool()), (None, Some(false)));
        let pid = pr["id"].as_i64().unwrap();
        let tag = api.get(&item(pid)).await.etag();
        let score = |body: Value, tag: &str| {
            let h = [("if-match", tag.to_string())];
            let api = api.clone();
            let path = format!("{}/score", item(pid));
            async move { api.call(Method::POST, &path, Some(body), &[(h[0].0, h[0].1.as_str())]).await }
        };
        let audits = audit_rows(&t, "process").await;
        let bad = score(json!({"importance": 9, "performance": 2, "feasibility": 4}), &tag).await;
        assert_eq!((bad.status, bad.json["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("importance")), "{}", bad.json);
        let scored =
            score(json!({"importance": 5, "performance": 2, "feasibility": 4, "justification": "Core of sales", "selected": true}), &tag)
                .await;
        assert_eq!(scored.status, StatusCode::OK, "{}", scored.json);
        assert_eq!(
            (scored.json["importance"].as_i64(), scored.json["feasibility"].as_i64(), scored.json["selected"].as_bool()),
            (Some(5), Some(4), Some(true))
        );
        assert_eq!(api.get(&item(pid)).await.json, scored.json);
        assert_eq!(audit_rows(&t, "process").await, audits + 1, "the score is audited");
        let stale = score(json!({"importance": 1, "performance": 1, "feasibility": 1}), &tag).await;
        assert_eq!(stale.status, StatusCode::PRECONDITION_FAILED);
        assert!(session.get(&page(pid)).await.body.contains("Core of sales"));

        // Operating rules: written, changed, approved (by the director, as on the page), and a
        // change of its text clears the approval.
        let p = demo_project_with(&api, &ids, "operating-rules").await;
        let base = format!("/api/v1/projects/{p}");
        let bp = items(&api.get(&format!("{base}/blueprints")).await)[0]["id"].clone();
        let item = |id: i64| format!("/api/v1/projects/{p}/operating-rules/{id}");
        let page = |id: i64| format!("/projects/{p}/rules/{id}");
        let rule = round_trip(
            &t,
            &api,
            &mut session,
            Trip {
                list: format!("{base}/operating-rules"),
                item: &item,
                kind: "operating_rule",
                new: json!({"title": "Discounts from the API", "blueprint_id": bp, "owner": "Sales director",
                            "body": "Discounts above 10% need the director.", "effective_on": "2026-06-01"}),
                bad: (json!({"title": "No owner", "body": "Text"}), "owner"),
                change: json!({"owner": "Head of sales", "effective_on": "2026-07-01"}),
                expect: ("owner", json!("Head of sales")),
                page: &page,
                shown: "Head of sales",
            },
        )
        .await;
        assert_eq!((rule["blueprint_id"].clone(), rule["approved"].as_bool(), rule["process"].is_string()), (bp, Some(false), true));
        let rid = rule["id"].as_i64().unwrap();
        let tag = api.get(&item(rid)).await.etag();
        let approve = |tag: String| {
            let api = api.clone();
            let path = format!("{}/approve", item(rid));
            async move { api.call(Method::POST, &path, None, &[("if-match", tag.as_str())]).await }
        };
        let approved = approve(tag.clone()).await;
        assert_eq!(approved.status, StatusCode::OK, "{}", approved.json);
        assert_eq!(approved.json["approved"], true);
        assert!(!approved.json["approved_by"].as_str().unwrap().is_empty());
        assert_eq!(approve(tag).await.status, StatusCode::PRECONDITION_FAILED);
        let reworded = api.patch(&item(rid), json!({"body": "Discounts above 5% need the director."}), Some(&approved.etag())).await;
        assert_eq!((reworded.status, reworded.json["approved"].as_bool()), (StatusCode::OK, Some(false)), "{}", reworded.json);

        // Conversion trials: a trial load of a data source, its rates as the page computes them.
        let p = demo_project_with(&api, &ids, "conversion-trials").await;
        let base = format!("/api/v1/projects/{p}");
        let source = items(&api.get(&format!("{base}/conversion-trials")).await)[0]["source_id"].clone();
        let item = |id: i64| format!("/api/v1/projects/{p}/conversion-trials/{id}");
        let page = |id: i64| format!("/projects/{p}/conversion/{id}");
        let trial = round_trip(
            &t,
            &api,
            &mut session,
            Trip {
                list: format!("{base}/conversion-trials"),
                item: &item,
                kind: "conversion_trial",
                new: json!({"source_id": source, "source_count": "1,000", "loaded": 990, "rejected": 10, "reconciled": 990,
                            "notes": "Trial from the API"}),
                bad: (json!({"source_id": source, "source_count": 100, "loaded": 200, "rejected": 0, "reconciled": 0}), "loaded"),
                change: json!({"reconciled": 900, "notes": "Trial from the API, re-checked"}),
                expect: ("reconciled", json!(900)),
                page: &page,
                shown: "Trial from the API, re-checked",
            },
        )
        .await;
        assert_eq!((trial["load_rate"].as_str(), trial["source_count"].as_i64()), (Some("99.0"), Some(1000)), "{trial}");
        let conv = api.get(&format!("{base}/conversion")).await.json;
        let row = conv["sources"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|s| s["trials"].as_array().unwrap())
            .find(|r| r["trial"]["id"] == trial["id"])
            .unwrap()
            .clone();
        assert_eq!((&row["reconcile_rate"], &row["result"]["met"]), (&trial["reconcile_rate"], &trial["met"]));

        // The evaluation: a lesson and a backlog item written, changed and removed; an actual
        // cost recorded and removed. The evaluation page shows them.
        let p = demo_project_with(&api, &ids, "evaluation-costs").await;
        let base = format!("/api/v1/projects/{p}");
        let page = |_: i64| format!("/projects/{p}/evaluation");
        let item = |id: i64| format!("/api/v1/projects/{p}/lessons/{id}");
        let lesson = round_trip(
            &t,
            &api,
            &mut session,
            Trip {
                list: format!("{base}/lessons"),
                item: &item,
                kind: "lesson",
                new: json!({"outcome": "went_badly", "category": "data", "source": "team",
                            "description": "Dealer data arrived late", "recommendation": "Ask for data in phase 2"}),
                bad: (json!({"outcome": "meh", "category": "data", "source": "team", "description": "x", "recommendation": "y"}), "outcome"),
                change: json!({"recommendation": "Ask dealers for their data in phase 2"}),
                expect: ("recommendation", json!("Ask dealers for their data in phase 2")),
                page: &page,
                shown: "Ask dealers for their data in phase 2",
            },
        )
        .await;
        let delete = |path: String, tag: String| {
            let api = api.clone();
            async move { api.call(Method::DELETE, &path, None, &[("if-match", tag.as_str())]).await }
        };
        let lid = lesson["id"].as_i64().unwrap();
        let audits = audit_rows(&t, "lesson").await;
        let stale = delete(item(lid), format!("\"lesson-{lid}-1\"")).await;
        assert_eq!(stale.status, StatusCode::PRECONDITION_FAILED);
        let gone = delete(item(lid), api.get(&item(lid)).await.etag()).await;
        assert_eq!(gone.status, StatusCode::NO_CONTENT);
        assert_eq!(api.get(&item(lid)).await.status, StatusCode::NOT_FOUND);
        assert_eq!(audit_rows(&t, "lesson").await, audits + 1, "the delete is audited");
        assert!(!session.get(&page(0)).await.body.contains("Ask dealers for their data in phase 2"));

        let item = |id: i64| format!("/api/v1/projects/{p}/improvements/{id}");
        let imp = round_trip(
            &t,
            &api,
            &mut session,
            Trip {
                list: format!("{base}/improvements"),
                item: &item,
                kind: "improvement",
                new: json!({"item": "Dealer self-service portal", "value": "high", "effort": "medium", "status": "open",
                            "owner": "Sales ops", "due_on": "2027-03-31"}),
                bad: (json!({"item": "X", "value": "huge", "effort": "low", "status": "open"}), "value"),
                change: json!({"status": "planned", "item": "Dealer self-service portal, wave 2"}),
                expect: ("status", json!("planned")),
                page: &page,
                shown: "Dealer self-service portal, wave 2",
            },
        )
        .await;
        assert_eq!((imp["open"].as_bool(), imp["due_on"].as_str()), (Some(true), Some("2027-03-31")));
        let carried = api.patch(&item(imp["id"].as_i64().unwrap()), json!({"status": "carried"}), Some(&api.get(&item(imp["id"].as_i64().unwrap())).await.etag())).await;
        assert_eq!((carried.status, carried.json["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("status")), "carried is never typed");
        let iid = imp["id"].as_i64().unwrap();
        assert_eq!(delete(item(iid), api.get(&item(iid)).await.etag()).await.status, StatusCode::NO_CONTENT);
        assert_eq!(api.get(&item(iid)).await.status, StatusCode::NOT_FOUND);

        let costs = format!("{base}/evaluation-costs");
        let audits = audit_rows(&t, "eval_cost").await;
        let bad = api.post(&costs, json!({"incurred_on": "2026-03-01", "amount": "lots", "description": "Consultant days"})).await;
        assert_eq!((bad.status, bad.json["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("amount")), "{}", bad.json);
        let cost = api.post(&costs, json!({"incurred_on": "2026-03-01", "amount": "1,234.56", "description": "Consultant days from the API"})).await;
        assert_eq!(cost.status, StatusCode::CREATED, "{}", cost.json);
        let cid = cost.json["id"].as_i64().unwrap();
        assert_eq!(cost.headers[header::LOCATION], format!("{costs}/{cid}").as_str());
        assert_eq!(cost.json["amount_minor"], 123_456);
        assert_eq!(api.get(&format!("{costs}/{cid}")).await.json, cost.json);
        assert_eq!(audit_rows(&t, "eval_cost").await, audits + 1);
        let ev = api.get(&format!("{base}/evaluation")).await.json;
        let row = ev["roi"]["actual_costs"].as_array().unwrap().iter().find(|c| c["id"] == cid).unwrap().clone();
        assert_eq!(row["amount"], cost.json["amount"]);
        assert!(session.get(&page(0)).await.body.contains("Consultant days from the API"));
        assert_eq!(delete(format!("{costs}/{cid}"), format!("\"eval_cost-{cid}-9\"")).await.status, StatusCode::PRECONDITION_FAILED);
        assert_eq!(delete(format!("{costs}/{cid}"), cost.etag()).await.status, StatusCode::NO_CONTENT);
        assert_eq!(api.get(&format!("{costs}/{cid}")).await.status, StatusCode::NOT_FOUND);
        assert_eq!(audit_rows(&t, "eval_cost").await, audits + 2);

        // Deliverables: notes saved, then the workflow as on the page — a step not allowed
        // from the status is refused by the page's rule; submit, then return with a comment.
        let p = demo_project_with(&api, &ids, "deliverables?status=draft").await;
        let base = format!("/api/v1/projects/{p}");
        let d = items(&api.get(&format!("{base}/deliverables?status=draft")).await)[0].clone();
        let did = d["id"].as_i64().unwrap();
        let path = format!("{base}/deliverables/{did}");
        let step = |body: Value, tag: String| {
            let api = api.clone();
            let path = format!("{path}/transition");
            async move { api.call(Method::POST, &path, Some(body), &[("if-match", tag.as_str())]).await }
        };
        let audits = audit_rows(&t, "deliverable").await;
        let tag = api.get(&path).await.etag();
        let noted = api.patch(&path, json!({"notes": "Draft sent to the sponsor (API)"}), Some(&tag)).await;
        assert_eq!(noted.status, StatusCode::OK, "{}", noted.json);
        assert_eq!(noted.json["notes"], "Draft sent to the sponsor (API)");
        assert_eq!(api.get(&path).await.json, noted.json);
        assert_eq!(api.patch(&path, json!({"notes": "x"}), Some(&tag)).await.status, StatusCode::PRECONDITION_FAILED);
        assert_eq!(api.patch(&path, json!({"notes": "x"}), None).await.status, StatusCode::PRECONDITION_REQUIRED);
        assert_eq!(audit_rows(&t, "deliverable").await, audits + 1);
        let html = session.get(&format!("/projects/{p}/deliverables/{did}")).await.body;
        assert!(html.contains("Draft sent to the sponsor (API)"));
        let unknown = api.lang("zh").call(Method::POST, &format!("{path}/transition"), Some(json!({"action": "approve"})), &[("if-match", noted.etag().as_str())]).await;
        assert_eq!((unknown.status, unknown.json["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("action")), "{}", unknown.json);
        assert_eq!(unknown.json["errors"][0]["message"], ninefold::i18n::t(ninefold::i18n::Lang::Zh, "err.choose_from_list"));
        assert_eq!(step(json!({"action": "submit"}), tag).await.status, StatusCode::PRECONDITION_FAILED);
        let submitted = step(json!({"action": "submit"}), noted.etag()).await;
        assert_eq!((submitted.status, submitted.json["status"].as_str()), (StatusCode::OK, Some("submitted")), "{}", submitted.json);
        assert_eq!(audit_rows(&t, "deliverable").await, audits + 2, "the step is audited");
        let again = step(json!({"action": "submit"}), submitted.etag()).await;
        assert_eq!(again.status, StatusCode::UNPROCESSABLE_ENTITY, "a submitted deliverable is not submitted again: {}", again.json);
        // Reviewing is the steering committee's, as on the page: the director may not.
        let review = step(json!({"action": "accept"}), submitted.etag()).await;
        assert_eq!(review.status, StatusCode::FORBIDDEN);
        let sc = t.user("sc.api@t.example", "Steering Reviewer").await;
        let director_id = t.count("SELECT CAST(id AS BIGINT) FROM users WHERE email = 'wang.fang@huamei.example'").await;
        let actor = ninefold::service::Actor { user_id: director_id as i32 };
        ninefold::service::projects::set_member(&t.db, actor, p as i32, sc, Role::Steering).await.unwrap();
        let mut sc_client = t.client();
        sc_client.login("sc.api@t.example").await;
        let api = Api::unlimited(&t, &make_token(&mut sc_client, "write").await);
        let step = |body: Value, tag: String| {
            let api = api.clone();
            let path = format!("{path}/transition");
            async move { api.call(Method::POST, &path, Some(body), &[("if-match", tag.as_str())]).await }
        };
        let bare = step(json!({"action": "return"}), submitted.etag()).await;
        assert_eq!((bare.status, bare.json["field"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("comment")), "returning needs a comment");
        let returned = step(json!({"action": "return", "comment": "Add the sponsor's sign-off sheet"}), submitted.etag()).await;
        assert_eq!((returned.status, returned.json["status"].as_str()), (StatusCode::OK, Some("returned")), "{}", returned.json);
        assert_eq!(returned.json["review_comment"], "Add the sponsor's sign-off sheet");
        assert_eq!(api.get(&format!("{base}/deliverables/{did}")).await.json, returned.json);
        let html = session.get(&format!("/projects/{p}/deliverables/{did}")).await.body;
        assert!(html.contains("Add the sponsor&#x27;s sign-off sheet") || html.contains("Add the sponsor's sign-off sheet"));
        let reader = Api::new(&t, Some(&make_token(&mut session, "read").await));
        let denied = reader.call(Method::POST, &format!("{path}/transition"), Some(json!({"action": "submit"})), &[("if-match", returned.etag().as_str())]).await;
        assert_eq!(denied.status, StatusCode::FORBIDDEN);
    })
    .await;
}
