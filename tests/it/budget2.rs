//! Issue 15's remaining points: the business case's yearly grids (hand-computed NPV, ROI,
//! IRR), the scenarios' shared horizon, actual costs as the realised TCO, and the Excel
//! exports of timesheets and costs. The budget report, the portfolio columns and the review
//! slide are checked against the Budget page in `consistency/budget.rs`.
use crate::harness::*;
use axum::http::StatusCode;
use calamine::{Data, Reader, Xlsx};
use std::io::Cursor;

fn bc(p: i32, rest: &str) -> String {
    format!("/projects/{p}/business-case{rest}")
}

fn json(body: &str) -> serde_json::Value {
    serde_json::from_str(body).unwrap_or_else(|e| panic!("{e}: {body}"))
}

/// Start 2026, horizon 4, 10%: 100,000 once; licences rising by 10,000 a year entered as a
/// yearly grid 2027–2030 (20,000 … 50,000); savings per year 2027–2030 (60,000, 80,000,
/// 100,000, 100,000). The hand computation is written out in
/// `domain::business_case::tests::yearly_grid_reproduces_the_hand_computation`:
///
/// ```text
/// t   costs    benefits  net       PV costs     PV benefits   (PV = flow / 1.1^t, to the fen)
/// 0   100,000        0  -100,000  100,000.00          0.00
/// 1    20,000   60,000    40,000   18,181.82     54,545.45
/// 2    30,000   80,000    50,000   24,793.39     66,115.70
/// 3    40,000  100,000    60,000   30,052.59     75,131.48
/// 4    50,000  100,000    50,000   34,150.67     68,301.35
///                                 207,178.47    264,093.98
/// NPV 56,915.51 · ROI 56,915.51 / 207,178.47 = 27.5% · IRR 32.9% · payback 2 + 10/60 years = 26.0 months
/// ```
async fn grid_case(team: &mut Team, t: &TestApp) -> String {
    let p = team.project;
    let d = &mut team.director;
    d.get(&bc(p, "")).await;
    d.post(&bc(p, ""), &[]).await.assert_redirect();
    let sid =
        t.count(&format!("SELECT CAST(MIN(id) AS BIGINT) FROM bc_scenarios WHERE project_id = {p}")).await.to_string();
    let scenario = [
        ("name", "Expected"),
        ("horizon", "4"),
        ("rate", "10"),
        ("start_year", "2026"),
        ("cost_factor", "100"),
        ("benefit_factor", "100"),
        ("version", "1"),
    ];
    d.post(&bc(p, &format!("/scenarios/{sid}")), &scenario).await.assert_redirect();
    let once = [
        ("category", "implementation"),
        ("description", "Partner"),
        ("recurrence", "one_time"),
        ("amount", "100,000"),
        ("growth", ""),
    ];
    d.post(&bc(p, "/costs"), &once).await.assert_redirect();
    let grid = [
        ("category", "software"),
        ("description", "Licences, rising"),
        ("recurrence", "yearly"),
        ("amount", ""),
        ("growth", ""),
        ("grid_start", "2027"),
        ("grid_end", "2030"),
        ("grid", "20,000\r\n30,000\r\n40,000\r\n50,000"),
    ];
    d.post(&bc(p, "/costs"), &grid).await.assert_redirect();
    let savings = [
        ("kind", "cost_reduction"),
        ("description", "Service savings"),
        ("entry", "yearly"),
        ("amount", ""),
        ("risk", "0"),
        ("grid_start", "2027"),
        ("grid_end", "2030"),
        ("grid", "60,000; 80,000; 100,000; 100,000"),
    ];
    d.post(&bc(p, "/benefits"), &savings).await.assert_redirect();
    sid
}

#[tokio::test]
async fn a_yearly_grid_case_reproduces_the_hand_computed_npv_roi_and_irr() {
    on_each_db(|t| async move {
        let mut team = team(&t).await;
        let p = team.project;
        let sid = grid_case(&mut team, &t).await;

        // One horizon for the case: the other two scenarios took 4 years from 2026, each an
        // audited update of its own.
        assert_eq!(
            t.count(&format!("SELECT COUNT(*) FROM bc_scenarios WHERE project_id = {p} AND horizon_years = 4 AND start_year = 2026")).await,
            3
        );
        assert_eq!(
            t.count(&format!("SELECT COUNT(*) FROM audit_log WHERE project_id = {p} AND entity = 'bc_scenario' AND action = 'shared_horizon'")).await,
            2
        );
        // The grid is stored as typed, in fen.
        assert_eq!(t.count("SELECT CAST(grid_start AS BIGINT) FROM bc_costs WHERE recurrence = 'yearly'").await, 2027);

        let v = json(&team.director.get(&format!("/api/v1/projects/{p}/business-case?scenario={sid}")).await.body);
        let r = &v["results"];
        let nets: Vec<i64> = r["years"].as_array().unwrap().iter().map(|y| y["net"].as_i64().unwrap()).collect();
        assert_eq!(nets, [-10_000_000, 4_000_000, 5_000_000, 6_000_000, 5_000_000]);
        assert_eq!(r["tco_pv"], 20_717_847);
        assert_eq!(r["benefits_pv"], 26_409_398);
        assert_eq!(r["npv"], 5_691_551);
        assert_eq!(v["figures"]["roi"], "27.5%");
        assert_eq!(v["figures"]["irr"]["rate"], "32.9%");
        assert_eq!(v["figures"]["payback_months"], "26.0");

        // The page shows the same figures and the grid as entered.
        let page = team.director.get(&bc(p, &format!("?scenario={sid}"))).await.body;
        assert!(page.contains("¥56,915.51"), "NPV on the page");
        assert!(page.contains("2027–2030: ¥20,000.00 · ¥30,000.00 · ¥40,000.00 · ¥50,000.00"), "the grid shown");
        assert!(page.contains("Years of the case: 2026–2030"));
        // The form shows the grid again, one amount a line.
        let cid = t.count("SELECT CAST(id AS BIGINT) FROM bc_costs WHERE recurrence = 'yearly'").await;
        let form = team.director.get(&bc(p, &format!("/costs/{cid}"))).await.body;
        assert!(form.contains("20,000.00\n30,000.00\n40,000.00\n50,000.00"), "{form}");
        // The scenario form says what a change of horizon does to the others, in both languages.
        let f = team.director.get(&bc(p, &format!("/scenarios/{sid}"))).await.body;
        assert!(f.contains("changes them in the other scenarios of the case too"));
        team.director.lang = Some("zh-CN".into());
        let f = team.director.get(&bc(p, &format!("/scenarios/{sid}"))).await.body;
        assert!(f.contains("其他情景的年份也会随之改变"));
        team.director.lang = None;

        // Shortening the horizon to 3 years moves every scenario and leaves 2030 out.
        let v1 = t.count(&format!("SELECT CAST(version AS BIGINT) FROM bc_scenarios WHERE id = {sid}")).await.to_string();
        let shorter = [
            ("name", "Expected"),
            ("horizon", "3"),
            ("rate", "10"),
            ("start_year", "2026"),
            ("cost_factor", "100"),
            ("benefit_factor", "100"),
            ("version", v1.as_str()),
        ];
        team.director.post(&bc(p, &format!("/scenarios/{sid}")), &shorter).await.assert_redirect();
        assert_eq!(t.count(&format!("SELECT COUNT(*) FROM bc_scenarios WHERE project_id = {p} AND horizon_years = 3")).await, 3);
        let v = json(&team.director.get(&format!("/api/v1/projects/{p}/business-case?scenario={sid}")).await.body);
        // 100,000 + 20,000 + 30,000 + 40,000.
        assert_eq!(v["results"]["tco_nominal"], 19_000_000);
    })
    .await;
}

#[tokio::test]
async fn a_bad_yearly_grid_is_refused_by_field_in_both_languages() {
    on_each_db(|t| async move {
        let mut team = team(&t).await;
        let p = team.project;
        grid_case(&mut team, &t).await;
        let lines = t.count("SELECT COUNT(*) FROM bc_costs").await;
        let audit = t.count("SELECT COUNT(*) FROM audit_log").await;
        let short = [
            ("category", "software"),
            ("description", "Three amounts for four years"),
            ("recurrence", "yearly"),
            ("grid_start", "2027"),
            ("grid_end", "2030"),
            ("grid", "1,000\n2,000\n3,000"),
        ];
        let r = team.director.post(&bc(p, "/costs"), &short).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.body.contains("id=\"err-grid\">Give one amount for each year from the first year to the last year."));
        // Years outside the case (2026–2030) and words for money, in Chinese.
        team.director.lang = Some("zh-CN".into());
        let outside = [
            ("category", "software"),
            ("description", "许可"),
            ("recurrence", "yearly"),
            ("grid_start", "2027"),
            ("grid_end", "2031"),
            ("grid", "1,000\n2,000\n3,000\n4,000\n5,000"),
        ];
        let r = team.director.post(&bc(p, "/costs"), &outside).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.body.contains("id=\"err-grid_end\""), "the end year is named");
        let words = [
            ("category", "software"),
            ("description", "许可"),
            ("recurrence", "yearly"),
            ("grid_start", "2027"),
            ("grid_end", "2028"),
            ("grid", "一千\n两千"),
        ];
        let r = team.director.post(&bc(p, "/costs"), &words).await;
        assert!(r.body.contains("请输入金额"), "Chinese message by the grid");
        team.director.lang = None;
        assert_eq!(t.count("SELECT COUNT(*) FROM bc_costs").await, lines);
        assert_eq!(t.count("SELECT COUNT(*) FROM audit_log").await, audit, "refused input writes nothing");
    })
    .await;
}

fn sheet(bytes: &[u8], i: usize) -> Vec<Vec<String>> {
    let mut b = Xlsx::new(Cursor::new(bytes.to_vec())).expect("a readable workbook");
    let r = b.worksheet_range_at(i).unwrap().unwrap();
    r.rows()
        .map(|row| {
            row.iter()
                .map(|d| match d {
                    Data::Float(f) => format!("{f:.2}"),
                    Data::Empty => String::new(),
                    other => other.to_string(),
                })
                .collect()
        })
        .collect()
}

#[tokio::test]
async fn costs_and_timesheets_export_to_excel_with_the_pages_figures_and_actuals_feed_the_realised_tco() {
    ninefold::service::clock::with_today("2026-06-15".parse().unwrap(), on_each_db(|t| async move {
        let mut team = team(&t).await;
        let p = team.project;
        crate::business_case::approved_case(&mut team).await;
        let budget = format!("/projects/{p}/budget");
        team.director.get(&budget).await;
        team.director.post(&format!("{budget}/seed"), &[]).await.assert_redirect();
        let com = [
            ("vendor", "Acme Consulting"),
            ("reference", "PO-1"),
            ("amount", "60,000"),
            ("committed_on", "2026-03-10"),
            ("category", "consulting"),
            ("phase", ""),
        ];
        team.director.post(&format!("{budget}/commitments"), &com).await.assert_redirect();
        let cid = t.count(&format!("SELECT id FROM commitments WHERE project_id = {p}")).await.to_string();
        let inv = [("commitment", cid.as_str()), ("reference", "INV-1"), ("amount", "22,000"), ("invoiced_on", "2026-05-31")];
        team.director.post(&format!("{budget}/invoices"), &inv).await.assert_redirect();
        let cn = [
            ("commitment", cid.as_str()),
            ("reference", "CN-1"),
            ("amount", "2,000"),
            ("invoiced_on", "2026-06-01"),
            ("credit_note", "1"),
        ];
        team.director.post(&format!("{budget}/invoices"), &cn).await.assert_redirect();

        // Costs workbook: by phase, by category, commitments, invoices (credit note negative).
        let r = team.viewer.get(&format!("{budget}/costs.xlsx")).await;
        assert_eq!(r.status, StatusCode::OK);
        let by_cat = sheet(&r.bytes, 1);
        let total = by_cat.last().unwrap();
        // Budget 1,000,000 (seeded), committed 60,000, invoiced 20,000, labour 0, actual 20,000.
        assert_eq!(&total[..6], ["Total", "1000000.00", "60000.00", "20000.00", "0.00", "20000.00"]);
        let coms = sheet(&r.bytes, 2);
        assert_eq!(coms[1][1], "Acme Consulting");
        assert_eq!((coms[1][5].as_str(), coms[1][6].as_str(), coms[1][7].as_str()), ("60000.00", "20000.00", "40000.00"));
        let invs = sheet(&r.bytes, 3);
        assert_eq!(invs.len(), 3);
        assert_eq!((invs[2][1].as_str(), invs[2][6].as_str()), ("Credit note", "-2000.00"));
        // The costs CSV carries the same total.
        let csv = team.director.get(&format!("{budget}/costs.csv")).await.body;
        assert!(csv.contains("Total,1000000.00,60000.00,20000.00,0.00,20000.00,"), "{csv}");

        // Realised TCO on the case page: the actual cost to date, 20,000.00.
        let page = team.director.get(&bc(p, "")).await.body;
        assert!(page.contains("id=\"actual-costs\">¥20,000.00</span>"), "realised TCO");
        let v = json(&team.director.get(&format!("/api/v1/projects/{p}/business-case")).await.body);
        assert_eq!(v["to_date"]["actual_costs_minor"], 2_000_000);

        // Timesheets workbook: the director logs 7.5 h on an open activity.
        let act = t
            .count(&format!("SELECT MIN(id) FROM activities WHERE project_id = {p} AND phase_id = (SELECT MIN(id) FROM phases WHERE project_id = {p})"))
            .await;
        let ts = format!("/projects/{p}/timesheet");
        team.director.get(&format!("{ts}?week=2026-06-15")).await;
        let cell = format!("h_{act}_2026-06-15");
        team.director.post(&ts, &[("week", "2026-06-15"), (cell.as_str(), "7.5")]).await.assert_redirect();
        let r = team.viewer.get(&format!("/projects/{p}/timesheet.xlsx")).await;
        assert_eq!(r.status, StatusCode::OK);
        let rows = sheet(&r.bytes, 0);
        assert_eq!(rows.len(), 2, "{rows:?}");
        assert_eq!((rows[1][4].as_str(), rows[1][5].as_str()), ("7.50", "Draft"));
        team.viewer.lang = Some("zh-CN".into());
        let rows = sheet(&team.viewer.get(&format!("/projects/{p}/timesheet.xlsx")).await.bytes, 0);
        assert_eq!((rows[0][0].as_str(), rows[1][5].as_str()), ("人员", "草稿"));
        assert_eq!(team.outsider.get(&format!("/projects/{p}/timesheet.xlsx")).await.status, StatusCode::NOT_FOUND);
    }))
    .await;
}

/// A personal read-write token made on the account page (shown once).
async fn token(c: &mut Client) -> String {
    c.get("/account/tokens").await;
    let r = c.post("/account/tokens", &[("name", "script"), ("scope", "write"), ("expires_days", "30")]).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let needle = "<code id=\"new-token\">";
    let i = r.body.find(needle).expect("the token shown once") + needle.len();
    r.body[i..i + r.body[i..].find('<').unwrap()].to_string()
}

#[tokio::test]
async fn the_api_takes_yearly_grids_through_the_forms_validation() {
    on_each_db(|t| async move {
        let mut team = team(&t).await;
        let p = team.project;
        team.director.get(&bc(p, "")).await;
        team.director.post(&bc(p, ""), &[]).await.assert_redirect();
        let auth = format!("Bearer {}", token(&mut team.director).await);
        let mut api = t.client();
        let url = format!("/api/v1/projects/{p}/business-case/costs");
        // The case's years: the project's start year and five more (the default scenarios).
        let y0 = t.count("SELECT CAST(MIN(start_year) AS BIGINT) FROM bc_scenarios").await;
        let bad = format!(
            r#"{{"category":"software","description":"Licences","recurrence":"yearly","grid_start":"{}","grid_end":"{}","grid":"10,000;20,000"}}"#,
            y0 + 1,
            y0 + 3
        );
        let r = api.post_json(&url, &[("authorization", &auth)], &bad).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
        assert!(r.body.contains("\"grid\"") && r.body.contains("Give one amount for each year"), "{}", r.body);
        let r = api.post_json(&url, &[("authorization", &auth), ("accept-language", "zh-CN")], &bad).await;
        assert!(r.body.contains("请从起始年份到结束年份逐年各填一个金额"), "{}", r.body);
        assert_eq!(t.count("SELECT COUNT(*) FROM bc_costs").await, 0);
        let good = format!(
            r#"{{"category":"software","description":"Licences","recurrence":"yearly","grid_start":"{}","grid_end":"{}","grid":"10,000;20,000;30,000"}}"#,
            y0 + 1,
            y0 + 3
        );
        let r = api.post_json(&url, &[("authorization", &auth)], &good).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        let v = json(&team.director.get(&format!("/api/v1/projects/{p}/business-case")).await.body);
        // Undiscounted years 1–3 of the first scenario: 10,000, 20,000, 30,000.
        let costs: Vec<i64> =
            v["results"]["years"].as_array().unwrap().iter().map(|y| y["costs"].as_i64().unwrap()).collect();
        assert_eq!(&costs[..4], [0, 1_000_000, 2_000_000, 3_000_000]);
        assert_eq!(t.count("SELECT COUNT(*) FROM audit_log WHERE entity = 'bc_cost' AND action = 'create'").await, 1);
    })
    .await;
}
