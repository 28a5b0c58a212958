//! Phase 9 (issue 14): targets against actuals with the gap explained (audited, 409 when
//! stale), realised ROI from the targets' measurements checked against a hand-computed case
//! on the page and in the API, lessons and backlog refused by field in both languages,
//! roles, the three documents, and the next wave carrying exactly what it says.
use crate::harness::*;
use axum::http::StatusCode;
use ninefold::service::{Actor, organisation, raid, risks};

fn d(s: &str) -> chrono::NaiveDate {
    s.parse().unwrap()
}

fn ev(p: i32, rest: &str) -> String {
    format!("/projects/{p}/evaluation{rest}")
}

async fn target(c: &mut Client, p: i32, key: &str, name: &str, dir: &str, base: &str, goal: &str) -> i32 {
    c.get(&format!("/projects/{p}/targets/new")).await;
    let f = [
        ("key", key),
        ("name", name),
        ("kind", "explicit"),
        ("metric", name),
        ("unit", if dir == "decrease" { "min" } else { "leads" }),
        ("direction", dir),
        ("baseline_value", base),
        ("baseline_date", "2026-01-01"),
        ("target_input", goal),
        ("target_date", "2027-12-31"),
    ];
    let loc = c.post(&format!("/projects/{p}/targets"), &f).await.assert_redirect().to_string();
    loc.rsplit('/').next().unwrap().parse().unwrap()
}

async fn measure(c: &mut Client, p: i32, tid: i32, on: &str, v: &str) {
    c.post(&format!("/projects/{p}/targets/{tid}/measurements"), &[("date", on), ("value", v)]).await.assert_redirect();
}

/// The id after `prefix` in a page (first occurrence).
fn id_after(body: &str, prefix: &str) -> i32 {
    let i = body.find(prefix).unwrap_or_else(|| panic!("{prefix} in page")) + prefix.len();
    body[i..].chars().take_while(|c| c.is_ascii_digit()).collect::<String>().parse().unwrap()
}

/// Evaluated on 2027-06-30, start year 2026 (year 0), rate 8 % (the default scenario).
///
/// Handling time (decrease, baseline 10 min), 4,000.00 a year per minute saved
/// (400 000 minor): 9 from 2026-07-01 (1 saved), 8.5 from 2027-01-01 (1.5 saved).
///   2026: 1 × 184 days (Jul 1 – Dec 31) / 365 × 400 000 = 201 643.84 → 201 644
///   2027: 1.5 × 181 days (Jan 1 – Jun 30) / 365 × 400 000 = 297 534.25 → 297 534
/// Qualified leads (increase, baseline 100), 500.00 a year per lead (50 000 minor):
/// 110 from 2026-10-01, 130 from 2027-04-01.
///   2026: 10 × 92 / 365 × 50 000 = 126 027.40 → 126 027
///   2027: (10 × 90 + 30 × 91) / 365 × 50 000 = 497 260.27 → 497 260
/// Benefits 327 671 and 794 794. Actual costs (no budget): 600 000 on 2026-03-15, 200 000 on
/// 2027-02-01.
///   PV benefits = 327 671 + 794 794 / 1.08 (735 920.37 → 735 920) = 1 063 591
///   PV costs = 600 000 + 200 000 / 1.08 (185 185.19 → 185 185) = 785 185
///   NPV = 278 406 (¥2,784.06); ROI = 278 406 / 785 185 = 35.5 %
///   Net −272 329, +594 794 → payback 12 × 272 329 / 594 794 = 5.49 → "5.5" months.
#[tokio::test]
async fn realised_roi_from_measurements_agrees_on_page_and_api_and_gaps_are_explained() {
    ninefold::service::clock::with_today(
        d("2027-06-30"),
        on_each_db(|t| async move {
            let mut team = team(&t).await;
            let p = team.project;
            let c = &mut team.director;
            let aht = target(c, p, "aht", "Average handling time", "decrease", "10", "8").await;
            let leads = target(c, p, "leads", "Qualified leads", "increase", "100", "150").await;
            measure(c, p, aht, "2026-07-01", "9").await;
            measure(c, p, aht, "2027-01-01", "8.5").await;
            measure(c, p, leads, "2026-10-01", "110").await;
            measure(c, p, leads, "2027-04-01", "130").await;
            // The business case: one cost, two benefit lines.
            c.get(&format!("/projects/{p}/business-case")).await;
            c.post(&format!("/projects/{p}/business-case"), &[]).await.assert_redirect();
            let cost = [
                ("category", "implementation"),
                ("description", "Partner"),
                ("recurrence", "one_time"),
                ("amount", "10,000"),
                ("growth", "0"),
            ];
            c.post(&format!("/projects/{p}/business-case/costs"), &cost).await.assert_redirect();
            for (desc, amount) in [("Shorter calls", "5,000"), ("More leads", "3,000")] {
                let b = [
                    ("kind", "cost_reduction"),
                    ("description", desc),
                    ("amount", amount),
                    ("risk", "0"),
                    ("first_year", "1"),
                    ("growth", "0"),
                ];
                c.post(&format!("/projects/{p}/business-case/benefits"), &b).await.assert_redirect();
            }
            let page = c.get(&ev(p, "")).await;
            assert_eq!(page.status, StatusCode::OK, "{}", page.body);
            let b1 = id_after(&page.body, "id=\"benefit-");
            let b2 = b1 + 1;
            assert!(page.body.contains(&format!("id=\"benefit-{b2}\"")));

            // Linking by field: a bad amount and an unknown target are refused, in both languages.
            let r = c
                .post(
                    &ev(p, &format!("/benefits/{b1}")),
                    &[("version", "0"), ("target", "999999"), ("unit_value", "abc")],
                )
                .await;
            assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
            assert!(r.body.contains("id=\"err-target\"") && r.body.contains("id=\"err-unit_value\""));
            let r = c
                .post(
                    &ev(p, &format!("/benefits/{b1}")),
                    &[("version", "0"), ("target", &aht.to_string()), ("unit_value", "0")],
                )
                .await;
            assert!(r.body.contains("Enter an amount above zero."));
            c.lang = Some("zh".into());
            let r = c
                .post(
                    &ev(p, &format!("/benefits/{b1}")),
                    &[("version", "0"), ("target", &aht.to_string()), ("unit_value", "0")],
                )
                .await;
            assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
            assert!(r.body.contains("请输入大于零的金额。"));
            c.lang = None;
            c.post(
                &ev(p, &format!("/benefits/{b1}")),
                &[("version", "0"), ("target", &aht.to_string()), ("unit_value", "4,000")],
            )
            .await
            .assert_redirect();
            c.post(
                &ev(p, &format!("/benefits/{b2}")),
                &[("version", "0"), ("target", &leads.to_string()), ("unit_value", "500")],
            )
            .await
            .assert_redirect();
            // Stale: the link exists now (version 1), a form loaded before it says 0.
            let r = c
                .post(
                    &ev(p, &format!("/benefits/{b2}")),
                    &[("version", "0"), ("target", &leads.to_string()), ("unit_value", "600")],
                )
                .await;
            assert_eq!(r.status, StatusCode::CONFLICT);
            for (on, amount) in [("2026-03-15", "6,000"), ("2027-02-01", "2,000")] {
                c.post(
                    &ev(p, "/costs"),
                    &[("incurred_on", on), ("amount", amount), ("description", "Partner invoice")],
                )
                .await
                .assert_redirect();
            }
            let r =
                c.post(&ev(p, "/costs"), &[("incurred_on", "2027-02-30"), ("amount", "x"), ("description", "")]).await;
            assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
            assert!(
                r.body.contains("id=\"err-incurred_on\"")
                    && r.body.contains("id=\"err-amount\"")
                    && r.body.contains("id=\"err-description\"")
            );

            let api = c.get(&format!("/api/v1/projects/{p}/evaluation")).await;
            assert_eq!(api.status, StatusCode::OK);
            let j: serde_json::Value = serde_json::from_str(&api.body).unwrap();
            let roi = &j["roi"];
            let real = &roi["realised_raw"];
            let years: Vec<(i64, i64)> = real["years"]
                .as_array()
                .unwrap()
                .iter()
                .map(|y| (y["benefits"].as_i64().unwrap(), y["costs"].as_i64().unwrap()))
                .collect();
            assert_eq!(years, vec![(327_671, 600_000), (794_794, 200_000)]);
            let lines: Vec<Vec<i64>> = roi["benefits"]
                .as_array()
                .unwrap()
                .iter()
                .map(|b| b["by_year"].as_array().unwrap().iter().map(|v| v.as_i64().unwrap()).collect())
                .collect();
            assert_eq!(lines, vec![vec![201_644, 297_534], vec![126_027, 497_260]]);
            assert_eq!(
                (real["pv_benefits"].as_i64(), real["pv_costs"].as_i64(), real["npv"].as_i64()),
                (Some(1_063_591), Some(785_185), Some(278_406))
            );
            assert_eq!(roi["realised"]["roi"], "35.5%");
            assert_eq!(roi["realised"]["payback_months"], "5.5");
            assert_eq!(roi["cost_source"], "case");
            let npv = roi["realised"]["npv"].as_str().unwrap().to_string();
            assert!(npv.contains("2,784.06"), "{npv}");
            // The page shows the very figures of the view.
            let page = c.get(&ev(p, "")).await.body;
            assert!(page.contains(&npv) && page.contains("35.5%") && page.contains("5.5 months"));
            assert!(page.contains("class=\"realised\"") && page.contains("class=\"plan\""));
            // Plan over its horizon: 8,000.00 a year for 5 years against 10,000.00 in year 0.
            assert_eq!(roi["plan"]["payback_months"], "15.0");

            // Targets against actuals: handling time 8.5 against 8 (0.5 short), leads 130 against 150.
            let rows = j["targets"].as_array().unwrap();
            assert_eq!(rows[0]["actual"], "8.5");
            assert_eq!(rows[0]["shortfall"], "0.5");
            assert_eq!(rows[1]["shortfall"], "20");
            assert_eq!(j["unexplained"], 2);
            let gap = ev(p, &format!("/gaps/{aht}"));
            let r = c.post(&gap, &[("version", "0"), ("explanation", "  ")]).await;
            assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
            assert!(r.body.contains("id=\"err-explanation\""));
            c.post(&gap, &[("version", "0"), ("explanation", "Agents still learn the new screens")])
                .await
                .assert_redirect();
            assert_eq!(c.post(&gap, &[("version", "0"), ("explanation", "other")]).await.status, StatusCode::CONFLICT);
            c.post(&gap, &[("version", "1"), ("explanation", "Agents still learn the new screens; coaching booked")])
                .await
                .assert_redirect();
            assert_eq!(c.post(&gap, &[("version", "1"), ("explanation", "late")]).await.status, StatusCode::CONFLICT);
            let j: serde_json::Value =
                serde_json::from_str(&c.get(&format!("/api/v1/projects/{p}/evaluation")).await.body).unwrap();
            assert_eq!(j["unexplained"], 1);
            assert_eq!(j["targets"][0]["explanation"], "Agents still learn the new screens; coaching booked");
            assert_eq!(t.count("SELECT COUNT(*) FROM audit_log WHERE entity = 'eval_gap'").await, 2);
            assert_eq!(t.count("SELECT COUNT(*) FROM audit_log WHERE entity = 'eval_benefit_rule'").await, 2);
            assert_eq!(t.count("SELECT COUNT(*) FROM audit_log WHERE entity = 'eval_cost'").await, 2);

            // A viewer reads but cannot write; an outsider does not see it.
            assert_eq!(team.viewer.get(&ev(p, "")).await.status, StatusCode::OK);
            assert_eq!(
                team.viewer.post(&gap, &[("version", "2"), ("explanation", "x")]).await.status,
                StatusCode::FORBIDDEN
            );
            assert_eq!(team.outsider.get(&ev(p, "")).await.status, StatusCode::NOT_FOUND);

            // The evaluation report carries the same figures.
            for (kind, lang) in
                [("evaluation", "en"), ("evaluation", "zh"), ("lessons-learned", "zh"), ("improvement-plan", "en")]
            {
                let r = team.director.get(&format!("/projects/{p}/documents/preview/{kind}?lang={lang}")).await;
                assert_eq!(r.status, StatusCode::OK, "{kind} {lang}");
                assert!(r.bytes.starts_with(b"%PDF"));
            }
        }),
    )
    .await;
}

#[tokio::test]
async fn lessons_backlog_and_the_next_wave_carry_exactly_what_they_say() {
    ninefold::service::clock::with_today(d("2027-06-30"), on_each_db(|t| async move {
        let mut team = team(&t).await;
        let p = team.project;
        let director = t.count("SELECT id FROM users WHERE email = 'director@t.example'").await as i32;
        let actor = Actor { user_id: director };
        let c = &mut team.director;
        c.get(&ev(p, "")).await;
        // Lessons: refused by field, in both languages.
        let r = c.post(&ev(p, "/lessons"), &[("outcome", "maybe"), ("category", "data"), ("source", "team"), ("description", "Data was late"), ("recommendation", "")]).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.body.contains("id=\"err-outcome\"") && r.body.contains("id=\"err-recommendation\""));
        c.lang = Some("zh".into());
        let r = c.post(&ev(p, "/lessons"), &[("outcome", "went_badly"), ("category", "data"), ("source", "team"), ("description", "数据迁移晚了两周"), ("recommendation", "")]).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.body.contains("id=\"err-recommendation\"") && r.body.contains("数据迁移晚了两周"));
        c.lang = None;
        c.post(&ev(p, "/lessons"), &[("outcome", "went_badly"), ("category", "data"), ("source", "team"), ("description", "Data migration was two weeks late"), ("recommendation", "Start data cleansing in phase 3")]).await.assert_redirect();
        c.post(&ev(p, "/lessons"), &[("outcome", "went_well"), ("category", "training"), ("source", "group"), ("description", "Key users trained their colleagues"), ("recommendation", "Keep the key-user model")]).await.assert_redirect();
        let page = c.get(&ev(p, "")).await.body;
        let lid = id_after(&page, "id=\"lesson-");
        let edit = [("version", "1"), ("outcome", "went_badly"), ("category", "data"), ("source", "consultant"), ("description", "Data migration was late"), ("recommendation", "Start cleansing earlier")];
        c.post(&ev(p, &format!("/lessons/{lid}")), &edit).await.assert_redirect();
        assert_eq!(c.post(&ev(p, &format!("/lessons/{lid}")), &edit).await.status, StatusCode::CONFLICT);

        // Backlog: two open items, one done.
        let r = c.post(&ev(p, "/backlog"), &[("item", ""), ("value", "huge"), ("effort", "low"), ("status", "open"), ("due_on", "soon")]).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.body.contains("id=\"err-item\"") && r.body.contains("id=\"err-value\"") && r.body.contains("id=\"err-due_on\""));
        for (item, value, effort) in [("Dealer portal self-service", "high", "medium"), ("Warranty analytics", "medium", "high"), ("Agent shortcuts", "low", "low")] {
            c.post(&ev(p, "/backlog"), &[("item", item), ("value", value), ("effort", effort), ("status", "open"), ("owner", "王芳"), ("due_on", "2027-09-30")]).await.assert_redirect();
        }
        let page = c.get(&ev(p, "")).await.body;
        // Ordered by value: the high-value item comes first.
        assert!(page.find("Dealer portal self-service").unwrap() < page.find("Warranty analytics").unwrap());
        let shortcuts = id_after(&page[page.find("Agent shortcuts").unwrap() - 400..], "id=\"item-");
        c.post(&ev(p, &format!("/backlog/{shortcuts}")), &[("version", "1"), ("item", "Agent shortcuts"), ("value", "low"), ("effort", "low"), ("status", "done"), ("owner", ""), ("due_on", "")]).await.assert_redirect();
        assert_eq!(team.viewer.post(&ev(p, "/backlog"), &[("item", "x"), ("value", "low"), ("effort", "low"), ("status", "open")]).await.status, StatusCode::FORBIDDEN);
        assert_eq!(team.consultant.post(&ev(p, "/next-wave"), &[("name", "W2"), ("start_date", "2027-07-01")]).await.status, StatusCode::FORBIDDEN);

        // Organisation, a target with measurements, open and closed risks and issues.
        let c = &mut team.director;
        let tid = target(c, p, "aht", "Average handling time", "decrease", "10", "8").await;
        measure(c, p, tid, "2027-01-01", "8.5").await;
        for (name, dept) in [("李娜", "service"), ("陈杰", "it")] {
            let input = ninefold::domain::people::PersonInput { name: name.into(), title: "Lead".into(), department: dept, side: "client", email: String::new(), phone: String::new() };
            organisation::create_person(&t.db, actor, p, &input).await.unwrap();
        }
        let people = organisation::people(&t.db.conn, p).await.unwrap();
        let units = organisation::units(&t.db.conn, p).await.unwrap();
        let team_unit = units.iter().find(|u| u.kind == "team").unwrap();
        let form = organisation::MemberForm { person_id: people[0].id.to_string(), role: "team_member".into(), allocation: "50".into() };
        organisation::add_membership(&t.db, actor, p, team_unit.id, &form).await.unwrap();
        let issue = |title: &str, status: &str| raid::IssueInput {
            title: title.into(),
            description: String::new(),
            severity: "major".into(),
            owner: "陈杰".into(),
            raised_on: d("2027-05-01"),
            due_on: None,
            status: status.into(),
            resolution: if status == "open" { String::new() } else { "Fixed".into() },
            escalated: false,
        };
        raid::create_issue(&t.db, actor, p, &issue("Dealer stock sync delayed", "open")).await.unwrap();
        raid::create_issue(&t.db, actor, p, &issue("Login fails", "resolved")).await.unwrap();
        let risk = risks::RiskInput {
            title: "Dealers resist the portal".into(),
            description: String::new(),
            category: "people".into(),
            probability: Some(3),
            impact: Some(4),
            owner: "王芳".into(),
            mitigation: "Dealer champions".into(),
            contingency: String::new(),
            status: "open".into(),
            dismiss_reason: String::new(),
            review_date: None,
        };
        risks::create(&t.db, actor, p, &risk).await.unwrap();
        let q = |sql: String| sql;
        let old_units = t.count(&q(format!("SELECT COUNT(*) FROM org_units WHERE project_id = {p}"))).await;
        let open_risks = t.count(&q(format!("SELECT COUNT(*) FROM risks WHERE project_id = {p} AND status IN ('open', 'mitigated')"))).await;
        assert_eq!(open_risks, 1);

        let r = c.post(&ev(p, "/next-wave"), &[("name", ""), ("start_date", "July")]).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.body.contains("id=\"err-name\"") && r.body.contains("id=\"err-start_date\""));
        let loc = c.post(&ev(p, "/next-wave"), &[("name", "CRM Wave 2"), ("start_date", "2027-07-05")]).await.assert_redirect().to_string();
        let n: i32 = loc.trim_start_matches("/projects/").parse().unwrap();
        assert_ne!(n, p);
        let count = |table: &str, pid: i32, extra: &str| format!("SELECT COUNT(*) FROM {table} WHERE project_id = {pid}{extra}");
        assert_eq!(t.count(&count("people", n, "")).await, 2);
        assert_eq!(t.count(&count("memberships", n, "")).await, 1);
        assert_eq!(t.count(&count("org_units", n, "")).await, old_units);
        // Members keep their roles: director (who started it), steering, consultant, viewer.
        assert_eq!(t.count(&count("project_members", n, "")).await, 4);
        assert_eq!(t.count(&count("project_members", n, " AND role = 'viewer'")).await, 1);
        // The target: the latest actual (8.5 on 2027-01-01) is the new baseline.
        assert_eq!(t.count(&count("targets", n, " AND key = 'aht' AND baseline_value = 8.5 AND target_value = 8")).await, 1);
        // The two open backlog items are the new wave's scope; the old ones are marked carried.
        assert_eq!(t.count(&count("improvements", n, " AND status = 'planned' AND carried_from IS NOT NULL")).await, 2);
        assert_eq!(t.count(&count("improvements", n, "")).await, 2);
        assert_eq!(t.count(&count("improvements", p, " AND status = 'carried'")).await, 2);
        assert_eq!(t.count(&count("improvements", p, " AND status = 'done'")).await, 1);
        assert_eq!(t.count(&count("issues", n, "")).await, 1);
        assert_eq!(t.count(&count("issues", n, " AND title = 'Dealer stock sync delayed'")).await, 1);
        assert_eq!(t.count(&count("risks", n, " AND status = 'open'")).await, 1);
        assert_eq!(t.count(&count("risks", n, " AND title = 'Dealers resist the portal'")).await, 1);
        let new_modules = t.count(&format!("SELECT COUNT(*) FROM projects WHERE id = {n} AND modules = 'sales,service' AND client_name = '华美电器'")).await;
        assert_eq!(new_modules, 1);
        // The record says the same.
        let j: serde_json::Value = serde_json::from_str(&c.get(&format!("/api/v1/projects/{p}/evaluation")).await.body).unwrap();
        let carried = &j["wave"]["carried"];
        assert_eq!((carried["people"].as_i64(), carried["memberships"].as_i64(), carried["targets"].as_i64(), carried["backlog"].as_i64(), carried["risks"].as_i64(), carried["issues"].as_i64(), carried["members"].as_i64(), carried["modules"].as_i64()),
            (Some(2), Some(1), Some(1), Some(2), Some(1), Some(1), Some(3), Some(2)));
        assert_eq!(carried["org_units"].as_i64(), Some(old_units));
        // One next wave per project.
        let r = c.post(&ev(p, "/next-wave"), &[("name", "CRM Wave 2 again"), ("start_date", "2027-07-05")]).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(t.count("SELECT COUNT(*) FROM projects").await, 2);
        assert_eq!(t.count("SELECT COUNT(*) FROM audit_log WHERE entity = 'lesson'").await, 3);
        assert_eq!(t.count("SELECT COUNT(*) FROM audit_log WHERE entity = 'next_wave'").await, 1);
        assert!(t.count(&format!("SELECT COUNT(*) FROM audit_log WHERE action = 'carry' AND project_id = {n}")).await >= 8);
        let page = c.get(&ev(p, "")).await.body;
        assert!(page.contains("CRM Wave 2") && page.contains(&format!("/projects/{n}")));
    }))
    .await;
}
