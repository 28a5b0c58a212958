//! The business case through the HTTP forms: figures on the page, money input, stale
//! versions, roles, and the phase-1 gate rule.
use crate::harness::*;
use axum::http::StatusCode;
use ninefold::entity::deliverable;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

fn bc(p: i32, rest: &str) -> String {
    format!("/projects/{p}/business-case{rest}")
}

/// A minimal case built by the director and approved by the steering member, so that the
/// phase-1 gate can pass. Used by other tests that walk through the gates.
pub async fn approved_case(team: &mut Team) {
    let p = team.project;
    team.director.get(&bc(p, "")).await;
    team.director.post(&bc(p, ""), &[]).await.assert_redirect();
    let cost = [
        ("category", "implementation"),
        ("description", "Partner"),
        ("recurrence", "one_time"),
        ("amount", "1,000,000"),
        ("growth", "0"),
    ];
    team.director.post(&bc(p, "/costs"), &cost).await.assert_redirect();
    let benefit = [
        ("kind", "cost_reduction"),
        ("description", "Service cost"),
        ("amount", "600,000"),
        ("risk", "10"),
        ("first_year", "1"),
        ("growth", "0"),
    ];
    team.director.post(&bc(p, "/benefits"), &benefit).await.assert_redirect();
    let version = case_version(team).await;
    team.steering.get(&bc(p, "")).await;
    team.steering.post(&bc(p, "/approve"), &[("version", &version)]).await.assert_redirect();
}

async fn case_version(team: &mut Team) -> String {
    let page = team.steering.get(&bc(team.project, "")).await;
    let marker = "/business-case/approve\" class=\"inline\">";
    let i = page.body.find(marker).expect("approve form shown to steering");
    let rest = &page.body[i..];
    let v = rest.find("name=\"version\" value=\"").unwrap() + 22;
    rest[v..v + rest[v..].find('"').unwrap()].to_string()
}

async fn accept_phase1_gate_deliverables(t: &TestApp, team: &mut Team) {
    let p = team.project;
    let phases = ninefold::service::projects::phases(&t.db.conn, p).await.unwrap();
    let dels = deliverable::Entity::find()
        .filter(deliverable::Column::PhaseId.eq(phases[0].id))
        .filter(deliverable::Column::IsGate.eq(true))
        .all(&t.db.conn)
        .await
        .unwrap();
    team.consultant.get(&format!("/projects/{p}")).await;
    for d in dels {
        let url = format!("/projects/{p}/deliverables/{}/transition", d.id);
        team.consultant.post(&url, &[("action", "submit"), ("version", "1")]).await.assert_redirect();
        team.steering.post(&url, &[("action", "accept"), ("version", "2")]).await.assert_redirect();
    }
}

#[tokio::test]
async fn a_case_built_through_the_forms_shows_its_figures() {
    on_each_db(|t| async move {
        let mut team = team(&t).await;
        let p = team.project;
        let d = &mut team.director;
        let page = d.get(&bc(p, "")).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(page.body.contains("No business case yet"));
        d.post(&bc(p, ""), &[]).await.assert_redirect();
        // Three scenarios to start with; the first becomes 3 years at 10% from 2026.
        assert_eq!(t.count(&format!("SELECT COUNT(*) FROM bc_scenarios WHERE project_id = {p}")).await, 3);
        let sid = t
            .count(&format!("SELECT CAST(MIN(id) AS BIGINT) FROM bc_scenarios WHERE project_id = {p}"))
            .await
            .to_string();
        let scenario = [
            ("name", "Expected"),
            ("horizon", "3"),
            ("rate", "10"),
            ("start_year", "2026"),
            ("cost_factor", "100"),
            ("benefit_factor", "100"),
            ("version", "1"),
        ];
        d.post(&bc(p, &format!("/scenarios/{sid}")), &scenario).await.assert_redirect();

        // Costs: 10,000 once, 1,000 a year; benefit: 6,000 a year, no risk. Net flows
        // [-10000, 5000, 5000, 5000] (in yuan).
        for (cat, desc, rec, amount) in
            [("implementation", "Partner", "one_time", "10,000.00"), ("software", "Licences", "recurring", "1000")]
        {
            let r = d
                .post(
                    &bc(p, "/costs"),
                    &[
                        ("category", cat),
                        ("description", desc),
                        ("recurrence", rec),
                        ("amount", amount),
                        ("growth", ""),
                    ],
                )
                .await;
            r.assert_redirect();
        }
        let benefit = [
            ("kind", "cost_reduction"),
            ("description", "Fewer repeat visits"),
            ("amount", "6,000"),
            ("risk", "0"),
            ("growth", "0"),
            ("first_year", "1"),
        ];
        d.post(&bc(p, "/benefits"), &benefit).await.assert_redirect();
        // An intangible benefit is shown but left out of ROI.
        let intangible =
            [("kind", "intangible"), ("description", "Customer loyalty"), ("amount", "50,000"), ("risk", "")];
        d.post(&bc(p, "/benefits"), &intangible).await.assert_redirect();

        let page = d.get(&bc(p, &format!("?scenario={sid}"))).await;
        assert_eq!(page.status, StatusCode::OK);
        let body = &page.body;
        // PV benefits 14,921.12 − PV costs 12,486.85 (each year rounded to the fen).
        assert!(body.contains("¥2,434.27"), "NPV shown");
        assert!(body.contains("19.5%"), "ROI = 2,434.27 / 12,486.85");
        assert!(body.contains("23.4%"), "IRR of [-10000, 5000, 5000, 5000] is 23.38%");
        assert!(body.contains("24.0 months"), "payback");
        assert!(body.contains("¥13,000.00"), "TCO nominal");
        assert!(body.contains("¥18,000.00"), "benefits nominal");
        assert!(
            body.contains("<svg") && body.contains("Payback: 24.0 months"),
            "cash-flow chart with its payback point"
        );
        assert!(body.contains("not in ROI"));
        assert!(body.contains("Not approved yet"));

        // A case that never pays back says so plainly.
        let scenario = [
            ("name", "Pessimistic"),
            ("horizon", "1"),
            ("rate", "0"),
            ("start_year", "2026"),
            ("cost_factor", "100"),
            ("benefit_factor", "50"),
        ];
        let r = d.post(&bc(p, "/scenarios"), &scenario).await;
        let loc = r.assert_redirect().to_string();
        let page = d.get(&loc).await;
        assert!(page.body.contains("not within the horizon"));
        assert!(page.body.contains("¥-8,000.00") || page.body.contains("-¥8,000.00"), "NPV at 0%: 3,000 − 11,000");

        // Every write was audited.
        for entity in ["business_case", "bc_scenario", "bc_cost", "bc_benefit"] {
            let n = t
                .count(&format!("SELECT COUNT(*) FROM audit_log WHERE project_id = {p} AND entity = '{entity}'"))
                .await;
            assert!(n >= 1, "audit rows for {entity}");
        }
    })
    .await;
}

#[tokio::test]
async fn bad_input_stale_versions_and_roles() {
    on_each_db(|t| async move {
        let mut team = team(&t).await;
        let p = team.project;
        team.director.get(&bc(p, "")).await;
        team.director.post(&bc(p, ""), &[]).await.assert_redirect();
        let audit = t.count("SELECT COUNT(*) FROM audit_log").await;

        // Money that is not money: a message by the field, nothing written.
        let bad = [("category", "software"), ("description", "Licences"), ("recurrence", "recurring"), ("amount", "12,34"), ("growth", "abc")];
        let r = team.director.post(&bc(p, "/costs"), &bad).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.body.contains("id=\"err-amount\">Enter an amount such as 1,234.56 or 1234.56."));
        assert!(r.body.contains("id=\"err-growth\""));
        assert!(r.body.contains("value=\"12,34\""), "the input is kept");
        let r = team.director.post(&bc(p, "/costs"), &[("category", "software"), ("description", "Licences"), ("recurrence", "recurring"), ("amount", "1.234"), ("growth", "")]).await;
        assert!(r.body.contains("Too many decimal places"));
        // The same in Chinese.
        team.director.lang = Some("zh-CN".into());
        let r = team.director.post(&bc(p, "/costs"), &[("category", "software"), ("description", "许可"), ("recurrence", "recurring"), ("amount", "一百万"), ("growth", "")]).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.body.contains("请输入金额，例如 1,234.56 或 1234.56。"));
        team.director.lang = None;
        assert_eq!(t.count("SELECT COUNT(*) FROM bc_costs").await, 0);
        assert_eq!(t.count("SELECT COUNT(*) FROM audit_log").await, audit, "refused input writes nothing");

        // A good line, stored in minor units.
        let good = [("category", "software"), ("description", "Licences"), ("recurrence", "recurring"), ("amount", "1,234.56"), ("growth", "3")];
        team.director.post(&bc(p, "/costs"), &good).await.assert_redirect();
        assert_eq!(t.count("SELECT amount_minor FROM bc_costs").await, 123_456);
        let cid = t.count("SELECT CAST(id AS BIGINT) FROM bc_costs").await.to_string();
        let form = team.director.get(&bc(p, &format!("/costs/{cid}"))).await;
        assert!(form.body.contains("value=\"1,234.56\""));

        // Two people edit the same line: the second save gets 409 and keeps its input.
        let edit = |amount: &'static str| [("category", "software"), ("description", "Licences"), ("recurrence", "recurring"), ("amount", amount), ("growth", "3"), ("version", "1")];
        team.director.post(&bc(p, &format!("/costs/{cid}")), &edit("2,000")).await.assert_redirect();
        team.consultant.get(&bc(p, "")).await;
        let r = team.consultant.post(&bc(p, &format!("/costs/{cid}")), &edit("3,000")).await;
        assert_eq!(r.status, StatusCode::CONFLICT);
        assert!(r.body.contains("Someone else saved this first") && r.body.contains("2,000.00") && r.body.contains("value=\"3,000\""));
        assert_eq!(t.count("SELECT amount_minor FROM bc_costs").await, 200_000);
        // A stale scenario edit, and a stale approval, too.
        let sid = t.count(&format!("SELECT CAST(MIN(id) AS BIGINT) FROM bc_scenarios WHERE project_id = {p}")).await.to_string();
        let sc = [("name", "Expected"), ("horizon", "5"), ("rate", "8"), ("start_year", "2026"), ("cost_factor", "100"), ("benefit_factor", "100"), ("version", "1")];
        team.director.post(&bc(p, &format!("/scenarios/{sid}")), &sc).await.assert_redirect();
        assert_eq!(team.consultant.post(&bc(p, &format!("/scenarios/{sid}")), &sc).await.status, StatusCode::CONFLICT);
        team.steering.get(&bc(p, "")).await;
        assert_eq!(team.steering.post(&bc(p, "/approve"), &[("version", "1")]).await.status, StatusCode::CONFLICT);
        // Out-of-range scenario values get messages by the fields.
        let bad_sc = [("name", "X"), ("horizon", "11"), ("rate", "eight"), ("start_year", "2026"), ("cost_factor", "100"), ("benefit_factor", "100"), ("version", "2")];
        let r = team.director.post(&bc(p, &format!("/scenarios/{sid}")), &bad_sc).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.body.contains("id=\"err-horizon\"") && r.body.contains("id=\"err-rate\""));

        // Viewers and outsiders read or see nothing; they cannot write.
        team.viewer.get(&bc(p, "")).await;
        assert_eq!(team.viewer.get(&bc(p, "")).await.status, StatusCode::OK);
        assert_eq!(team.viewer.post(&bc(p, "/costs"), &good).await.status, StatusCode::FORBIDDEN);
        assert_eq!(team.viewer.get(&bc(p, "/costs/new")).await.status, StatusCode::FORBIDDEN);
        assert_eq!(team.viewer.post(&bc(p, &format!("/costs/{cid}/delete")), &[("version", "2")]).await.status, StatusCode::FORBIDDEN);
        assert_eq!(team.outsider.get(&bc(p, "")).await.status, StatusCode::NOT_FOUND);
        assert_eq!(t.count("SELECT COUNT(*) FROM bc_costs").await, 1);

        // Realised benefit to date: recorded and shown; a future date is refused.
        let benefit = [("kind", "productivity"), ("description", "Sales time"), ("amount", "150"), ("hours", "1,000"), ("risk", "20")];
        team.director.post(&bc(p, "/benefits"), &benefit).await.assert_redirect();
        let bid = t.count("SELECT CAST(id AS BIGINT) FROM bc_benefits").await.to_string();
        let r = team.director.post(&bc(p, &format!("/benefits/{bid}/realised")), &[("realised", "12,345.60"), ("as_of", "2999-01-01"), ("version", "1")]).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.body.contains("The date cannot lie in the future."));
        team.director.post(&bc(p, &format!("/benefits/{bid}/realised")), &[("realised", "12,345.60"), ("as_of", "2026-06-30"), ("version", "1")]).await.assert_redirect();
        assert_eq!(t.count("SELECT realised_minor FROM bc_benefits").await, 1_234_560);
        let page = team.director.get(&bc(p, "")).await;
        assert!(page.body.contains("¥12,345.60"));
        assert!(page.body.contains("1000 h × 150.00"), "productivity basis shown");
        assert_eq!(t.count(&format!("SELECT COUNT(*) FROM audit_log WHERE entity = 'bc_benefit' AND action = 'realised' AND project_id = {p}")).await, 1);

        // Removing a line: a stale version is refused, the current one goes (audited).
        let r = team.director.post(&bc(p, &format!("/costs/{cid}/delete")), &[("version", "1")]).await;
        assert_eq!(r.status, StatusCode::CONFLICT);
        team.director.post(&bc(p, &format!("/costs/{cid}/delete")), &[("version", "2")]).await.assert_redirect();
        assert_eq!(t.count("SELECT COUNT(*) FROM bc_costs").await, 0);
        assert_eq!(t.count(&format!("SELECT COUNT(*) FROM audit_log WHERE entity = 'bc_cost' AND action = 'delete' AND project_id = {p}")).await, 1);
        let hist = team.director.get(&format!("/projects/{p}/history")).await;
        assert_eq!(hist.status, StatusCode::OK);
        assert!(hist.body.contains("Cost line") && hist.body.contains("Benefit line"));
    })
    .await;
}

#[tokio::test]
async fn phase_one_gate_needs_a_case_approved_by_steering() {
    on_each_db(|t| async move {
        let mut team = team(&t).await;
        let p = team.project;
        accept_phase1_gate_deliverables(&t, &mut team).await;
        let gate = format!("/projects/{p}/phases/1/gate");
        let go = [("decision", "go"), ("rationale", "Scope approved")];

        // No case at all: refused.
        let r = team.steering.post(&gate, &go).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.body.contains("until the steering committee has approved the business case"));

        // A case that is not approved yet: still refused. An empty case cannot be approved.
        team.director.get(&bc(p, "")).await;
        team.director.post(&bc(p, ""), &[]).await.assert_redirect();
        team.steering.get(&bc(p, "")).await;
        let r = team.steering.post(&bc(p, "/approve"), &[("version", "1")]).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.body.contains("at least one cost line and one benefit line"));
        assert_eq!(team.steering.post(&gate, &go).await.status, StatusCode::UNPROCESSABLE_ENTITY);

        // The director cannot approve; the steering member can.
        let cost = [("category", "implementation"), ("description", "Partner"), ("recurrence", "one_time"), ("amount", "1,000,000"), ("growth", "0")];
        team.director.post(&bc(p, "/costs"), &cost).await.assert_redirect();
        let benefit = [("kind", "cost_reduction"), ("description", "Service cost"), ("amount", "600,000"), ("risk", "10")];
        team.director.post(&bc(p, "/benefits"), &benefit).await.assert_redirect();
        let version = case_version(&mut team).await;
        assert_eq!(team.director.post(&bc(p, "/approve"), &[("version", &version)]).await.status, StatusCode::FORBIDDEN);
        assert_eq!(team.consultant.post(&bc(p, "/approve"), &[("version", &version)]).await.status, StatusCode::FORBIDDEN);
        team.steering.post(&bc(p, "/approve"), &[("version", &version)]).await.assert_redirect();
        let page = team.director.get(&bc(p, "")).await;
        assert!(page.body.contains("Approved.") && page.body.contains("张伟 Steering"));
        let snapshot = t.count(&format!("SELECT COUNT(*) FROM business_cases WHERE project_id = {p} AND approved_snapshot LIKE '%\"npv\"%' AND approved_snapshot LIKE '%Service cost%'")).await;
        assert_eq!(snapshot, 1, "the approved case and its results are frozen as JSON");

        // Changing the plan after approval needs a new approval before the gate.
        team.director.post(&bc(p, "/costs"), &[("category", "training"), ("description", "Key users"), ("recurrence", "one_time"), ("amount", "50,000"), ("growth", "0")]).await.assert_redirect();
        let page = team.director.get(&bc(p, "")).await;
        assert!(page.body.contains("Changed since approval"));
        assert_eq!(team.steering.post(&gate, &go).await.status, StatusCode::UNPROCESSABLE_ENTITY);
        // A no-go can always be recorded.
        team.steering.post(&gate, &[("decision", "no_go"), ("rationale", "Wait for the revised case")]).await.assert_redirect();
        let version = case_version(&mut team).await;
        team.steering.post(&bc(p, "/approve"), &[("version", &version)]).await.assert_redirect();
        team.steering.post(&gate, &go).await.assert_redirect();
        let phases = ninefold::service::projects::phases(&t.db.conn, p).await.unwrap();
        assert_eq!((phases[0].status.as_str(), phases[1].status.as_str()), ("closed", "active"));
        assert_eq!(t.count(&format!("SELECT COUNT(*) FROM audit_log WHERE entity = 'business_case' AND action = 'approve' AND project_id = {p}")).await, 2);
    })
    .await;
}

#[tokio::test]
async fn the_demo_case_is_approved_and_realistic() {
    on_each_db(|t| async move {
        let pb = t.state.playbooks.get("nine-phase").unwrap().clone();
        let today = chrono::Utc::now().date_naive();
        ninefold::service::demo::ensure(&t.db, &pb, today).await.unwrap();
        let l = ninefold::service::business_case::load(&t.db.conn, 1).await.unwrap().unwrap();
        assert!(l.approved_current());
        let r = ninefold::service::business_case::evaluate(&l, &l.scenarios[0]);
        // A mid-size manufacturer: TCO of ¥10–20 million (in fen), positive NPV,
        // payback within three years.
        assert!((1_000_000_000..2_000_000_000).contains(&r.tco_nominal), "TCO {}", r.tco_nominal);
        assert!(r.npv > 0);
        assert!(matches!(r.payback, ninefold::domain::finance::Payback::Months(m) if m < 36.0));
    })
    .await;
}
