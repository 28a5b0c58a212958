//! Effort, continued (issue #15): assignments on defects and issues reach My work; a
//! delegate approves timesheets beside the director (never their own); resource loading per
//! person per week across projects, with holidays and part-time allocation, on the person's
//! page and in the organisation's findings; an approved change request adds a budget line
//! traced to it. Figures are computed by hand in the comments.
use crate::harness::*;
use axum::http::StatusCode;
use ninefold::domain::policy::Role;
use ninefold::service::{self, Actor};
use sea_orm::ConnectionTrait;

fn d(s: &str) -> chrono::NaiveDate {
    s.parse().unwrap()
}

fn json(body: &str) -> serde_json::Value {
    serde_json::from_str(body).unwrap_or_else(|e| panic!("{e}: {body}"))
}

async fn exec(t: &TestApp, sql: &str) {
    t.db.conn.execute_unprepared(sql).await.unwrap();
}

fn all_items(mw: &serde_json::Value) -> Vec<serde_json::Value> {
    ["overdue", "this_week", "later"].iter().flat_map(|k| mw[k].as_array().unwrap().clone()).collect()
}

async fn member(t: &TestApp, p: i32, director: i32, email: &str, name: &str, role: Role) -> (i32, Client) {
    let id = t.user(email, name).await;
    service::projects::set_member(&t.db, Actor { user_id: director }, p, id, role).await.unwrap();
    let mut c = t.client();
    c.login(email).await;
    (id, c)
}

#[tokio::test]
async fn defects_and_issues_are_assigned_and_reach_my_work_overdue_first() {
    service::clock::with_today(d("2026-06-17"), on_each_db(|t| async move {
        let mut team = team(&t).await;
        let p = team.project;
        let director = t.count("SELECT id FROM users WHERE email = 'director@t.example'").await as i32;
        let (mia, mut m) = member(&t, p, director, "member@t.example", "Mia Member", Role::Member).await;
        let actor = Actor { user_id: director };
        // An issue due yesterday (overdue) and a defect due on Friday (this week).
        team.director
            .post(&format!("/projects/{p}/issues"), &[("title", "Dealer data late"), ("severity", "major"), ("owner", "Sales ops"), ("raised_on", "2026-06-01"), ("due_on", "2026-06-16")])
            .await
            .assert_redirect();
        let issue = t.count("SELECT MAX(id) FROM issues").await;
        let case = service::testing::create_case(&t.db, actor, p, &service::testing::CaseInput {
            code: "M-01".into(),
            title: "Log a complaint".into(),
            blueprint_id: None,
            actor: "Agent".into(),
            action: "Log it".into(),
            expected: "Logged".into(),
            module_key: String::new(),
            feature: String::new(),
        })
        .await
        .unwrap();
        let cycle = service::testing::create_cycle(&t.db, actor, p, &service::testing::CycleInput {
            name: "CRP 1".into(),
            kind: "crp".into(),
            scope: vec![],
            planned_start: None,
            planned_finish: None,
            testers: String::new(),
            pass_rate_min: 90,
        })
        .await
        .unwrap();
        use sea_orm::ActiveValue::Set;
        let am = ninefold::entity::defect::ActiveModel {
            project_id: Set(p),
            cycle_id: Set(cycle.id),
            case_id: Set(case.id),
            run_id: Set(None),
            step_no: Set(None),
            title: Set("Complaint not saved".into()),
            description: Set(String::new()),
            severity: Set("major".into()),
            priority: Set("high".into()),
            owner: Set("Vendor".into()),
            status: Set("open".into()),
            reject_reason: Set(String::new()),
            target_date: Set(Some(d("2026-06-19"))),
            blueprint_revision_id: Set(None),
            ..Default::default()
        };
        let defect = service::write::transaction(&t.db, async |tx| {
            service::write::insert::<ninefold::entity::defect::Entity, _>(tx, actor, p, am, "raise").await
        })
        .await
        .unwrap();

        // The assignments page offers both; the director names the member on each.
        let assign = format!("/projects/{p}/assignments");
        let page = team.director.get(&assign).await.body;
        assert!(page.contains("Defect · Complaint not saved") && page.contains("Issue · Dealer data late"));
        let (mia_s, issue_s, defect_s) = (mia.to_string(), issue.to_string(), defect.id.to_string());
        for (kind, id) in [("issue", issue_s.as_str()), ("defect", defect_s.as_str())] {
            team.director.post(&assign, &[("item_kind", kind), ("item_id", id), ("user", &mia_s), ("planned_hours", "5")]).await.assert_redirect();
        }
        // An item of another kind's id, a person outside the project: refused by field.
        let r = team.director.post(&assign, &[("item_kind", "issue"), ("item_id", "999999"), ("user", &mia_s)]).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.body.contains("id=\"err-item_id\""));
        team.director.lang = Some("zh-CN".into());
        let r = team.director.post(&assign, &[("item_kind", "issue"), ("item_id", "999999"), ("user", &mia_s)]).await;
        assert!(r.body.contains("id=\"err-item_id\"") && r.body.contains("缺陷") && r.body.contains("问题"));
        team.director.lang = None;
        // Planned hours are kept on activities only.
        assert_eq!(t.count(&format!("SELECT COUNT(*) FROM assignments WHERE project_id = {p} AND item_kind IN ('issue', 'defect') AND user_id = {mia} AND planned_hours_x100 = 0")).await, 2);
        assert_eq!(t.count("SELECT COUNT(*) FROM audit_log WHERE entity = 'assignment' AND action = 'create'").await, 2);
        // Members do not assign work.
        let r = m.post(&assign, &[("item_kind", "issue"), ("item_id", &issue_s), ("user", &mia_s)]).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);

        // My work: the issue (due 2026-06-16) is overdue, the defect (Friday) due this week.
        let mw = json(&m.get("/api/v1/my-work").await.body);
        assert_eq!(mw["overdue"].as_array().unwrap().len(), 1);
        assert_eq!(mw["overdue"][0]["kind"], "issue");
        assert_eq!(mw["overdue"][0]["link"], format!("/projects/{p}/issues/{issue}"));
        assert_eq!(mw["this_week"][0]["kind"], "defect");
        assert_eq!(mw["this_week"][0]["due"], "2026-06-19");
        assert_eq!(mw["this_week"][0]["link"], format!("/projects/{p}/testing/defects/{}", defect.id));
        let page = m.get("/my-work").await.body;
        let (over, week) = (page.find("Dealer data late").unwrap(), page.find("Complaint not saved").unwrap());
        assert!(over < week, "overdue first");
        m.lang = Some("zh-CN".into());
        let page = m.get("/my-work").await.body;
        assert!(page.contains("已逾期") || page.contains("逾期"), "Chinese buckets");
        assert!(page.contains("缺陷") && page.contains("问题"));
        m.lang = None;

        // Closed work leaves My work; an assignment can be removed (stale version: 409).
        exec(&t, &format!("UPDATE issues SET status = 'closed' WHERE id = {issue}")).await;
        let mw = json(&m.get("/api/v1/my-work").await.body);
        assert!(all_items(&mw).iter().all(|i| i["kind"] != "issue"));
        let aid = t.count(&format!("SELECT id FROM assignments WHERE item_kind = 'defect' AND item_id = {}", defect.id)).await;
        team.director.get(&assign).await;
        let del = format!("{assign}/{aid}/delete");
        assert_eq!(team.director.post(&del, &[("version", "7")]).await.status, StatusCode::CONFLICT);
        assert_eq!(m.post(&del, &[("version", "1")]).await.status, StatusCode::FORBIDDEN);
        team.director.post(&del, &[("version", "1")]).await.assert_redirect();
        assert_eq!(t.count("SELECT COUNT(*) FROM audit_log WHERE entity = 'assignment' AND action = 'delete'").await, 1);
        let mw = json(&m.get("/api/v1/my-work").await.body);
        assert!(all_items(&mw).is_empty(), "{mw}");
    }))
    .await;
}

async fn post(c: &mut Client, url: &str, f: Vec<(&'static str, String)>) -> Resp {
    let f: Vec<(&str, &str)> = f.iter().map(|(k, v)| (*k, v.as_str())).collect();
    c.post(url, &f).await
}

#[tokio::test]
async fn a_delegate_approves_the_others_weeks_but_not_their_own() {
    service::clock::with_today(d("2026-06-20"), on_each_db(|t| async move {
        let mut team = team(&t).await;
        let p = team.project;
        let director = t.count("SELECT id FROM users WHERE email = 'director@t.example'").await as i32;
        let consultant = t.count("SELECT id FROM users WHERE email = 'consultant@t.example'").await as i32;
        let viewer = t.count("SELECT id FROM users WHERE email = 'viewer@t.example'").await as i32;
        let (mia, mut m) = member(&t, p, director, "member@t.example", "Mia Member", Role::Member).await;
        let act = t.count(&format!("SELECT MIN(id) FROM activities WHERE project_id = {p} AND phase_id = (SELECT MIN(id) FROM phases WHERE project_id = {p})")).await;
        let ts = format!("/projects/{p}/timesheet");
        let cell = format!("h_{act}_2026-06-16");

        // The member and the consultant log and submit a week each.
        m.get(&ts).await;
        m.post(&ts, &[("week", "2026-06-15"), (&cell, "8"), ("action", "submit")]).await.assert_redirect();
        team.consultant.get(&ts).await;
        team.consultant.post(&ts, &[("week", "2026-06-15"), (&cell, "6"), ("action", "submit")]).await.assert_redirect();
        // Before being named, the consultant approves nothing.
        let who = |u: i32| vec![("user", u.to_string()), ("week", "2026-06-15".to_string())];
        let approve = format!("{ts}/approve");
        assert_eq!(post(&mut team.consultant, &approve, who(mia)).await.status, StatusCode::FORBIDDEN);
        assert_eq!(team.consultant.get(&format!("{ts}?user={mia}")).await.status, StatusCode::FORBIDDEN);

        // The director names approvers: a viewer cannot be one (refused by field, both
        // languages); the consultant can. Only the director names them.
        let delegates = format!("{ts}/delegates");
        team.director.get(&ts).await;
        let r = team.director.post(&delegates, &[("delegate", &viewer.to_string())]).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.body.contains("id=\"err-delegate\""));
        team.director.lang = Some("zh-CN".into());
        let r = team.director.post(&delegates, &[("delegate", &viewer.to_string())]).await;
        assert!(r.body.contains("id=\"err-delegate\"") && r.body.contains("工时审批人"));
        team.director.lang = None;
        assert_eq!(m.post(&delegates, &[("delegate", &mia.to_string())]).await.status, StatusCode::FORBIDDEN);
        team.director.post(&delegates, &[("delegate", &consultant.to_string())]).await.assert_redirect();
        assert_eq!(t.count("SELECT COUNT(*) FROM audit_log WHERE entity = 'assignment' AND action = 'delegate'").await, 1);
        let page = team.director.get(&ts).await.body;
        assert!(page.contains(&format!("id=\"delegate-{consultant}\"")) && page.contains("Connie Consultant"));

        // The delegate sees the member's week waiting (page and My work), not their own.
        let page = team.consultant.get(&ts).await.body;
        assert!(page.contains("Weeks awaiting approval") && page.contains("Mia Member · 2026-06-15"));
        assert!(!page.contains("Connie Consultant · 2026-06-15"), "own week not offered");
        let mw = json(&team.consultant.get("/api/v1/my-work").await.body);
        let waiting: Vec<String> = all_items(&mw).iter().filter(|i| i["kind"] == "approve_time").map(|i| i["title"].as_str().unwrap().to_string()).collect();
        assert_eq!(waiting.len(), 1, "{waiting:?}");
        assert!(waiting[0].contains("Mia Member"));
        // The delegate approves the member's week; their own is refused.
        team.consultant.get(&format!("{ts}?user={mia}&week=2026-06-15")).await;
        post(&mut team.consultant, &approve, who(mia)).await.assert_redirect();
        assert_eq!(t.count(&format!("SELECT COUNT(*) FROM time_entries WHERE user_id = {mia} AND status = 'approved' AND approved_by = {consultant}")).await, 1);
        assert_eq!(post(&mut team.consultant, &approve, who(consultant)).await.status, StatusCode::FORBIDDEN);
        assert_eq!(t.count(&format!("SELECT COUNT(*) FROM time_entries WHERE user_id = {consultant} AND status = 'submitted'")).await, 1);
        // The director approves the consultant's week.
        team.director.get(&format!("{ts}?user={consultant}&week=2026-06-15")).await;
        post(&mut team.director, &approve, who(consultant)).await.assert_redirect();
        assert_eq!(t.count(&format!("SELECT COUNT(*) FROM time_entries WHERE user_id = {consultant} AND status = 'approved' AND approved_by = {director}")).await, 1);
        assert_eq!(t.count("SELECT COUNT(*) FROM audit_log WHERE entity = 'time_entry' AND action = 'approve'").await, 2);
        // Approved hours stay locked for their person.
        let r = m.post(&ts, &[("week", "2026-06-15"), (&cell, "7")]).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.body.contains("These hours are approved and locked."));
        m.lang = Some("zh-CN".into());
        assert!(m.post(&ts, &[("week", "2026-06-15"), (&cell, "7")]).await.body.contains("这些工时已批准并锁定"));
        m.lang = None;

        // Removing the delegate takes the right away.
        let aid = t.count(&format!("SELECT id FROM assignments WHERE item_kind = 'approver' AND user_id = {consultant}")).await;
        team.director.get(&ts).await;
        team.director.post(&format!("{delegates}/{aid}/delete"), &[("version", "1")]).await.assert_redirect();
        m.post(&ts, &[("week", "2026-06-22"), (&format!("h_{act}_2026-06-23"), "4"), ("action", "submit")]).await.assert_redirect();
        let r = post(&mut team.consultant, &approve, vec![("user", mia.to_string()), ("week", "2026-06-22".into())]).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
    }))
    .await;
}

/// Li (a consultant) works on two projects, 50 % in each: project 1 (with the Dragon Boat
/// Festival, Fri 2026-06-19, as a holiday) lists her by her user account, project 2 by her
/// e-mail only. The week of Mon 2026-06-15: project 1 capacity 4 days × 8 h × 50 % = 16 h,
/// planned 20 h (over); project 2 capacity 5 × 8 × 50 % = 20 h, planned 10 h; in total 30 h
/// of 36 h.
#[tokio::test]
async fn resource_loading_across_projects_with_holidays_and_part_time() {
    service::clock::with_today(d("2026-06-15"), on_each_db(|t| async move {
        let mut team = team(&t).await;
        let p1 = team.project;
        let p2 = create_project(&mut team.director, "CRM Wave 2").await;
        let director = t.count("SELECT id FROM users WHERE email = 'director@t.example'").await as i32;
        let li = t.count("SELECT id FROM users WHERE email = 'consultant@t.example'").await as i32;
        let actor = Actor { user_id: director };
        service::projects::set_member(&t.db, actor, p2, li, Role::Consultant).await.unwrap();
        // The holiday in project 1's calendar (before the dates are fixed below).
        team.director.get(&format!("/projects/{p1}/schedule")).await;
        team.director
            .post(&format!("/projects/{p1}/schedule/calendar"), &[("day", "2026-06-19"), ("kind", "holiday"), ("name", "端午节")])
            .await
            .assert_redirect();
        // Li in both organisations, 50 % on each project team.
        let mut people = vec![];
        for (p, link) in [(p1, true), (p2, false)] {
            let proj = service::projects::get(&t.db.conn, p).await.unwrap();
            service::organisation::ensure_tiers(&t.db, actor, &proj).await.unwrap();
            let input = ninefold::domain::people::validate(&ninefold::domain::people::RawPerson {
                name: "李娜 Li Na".into(),
                title: "Project manager".into(),
                department: "consultancy".into(),
                side: "consultancy".into(),
                email: "Consultant@T.example".into(),
                phone: String::new(),
            })
            .unwrap();
            let mut person = service::organisation::create_person(&t.db, actor, p, &input).await.unwrap();
            if link {
                person = service::organisation::update_person(&t.db, actor, p, person.id, person.version, &input, Some(li)).await.unwrap();
            }
            let team_unit = service::organisation::units(&t.db.conn, p).await.unwrap().into_iter().find(|u| u.key == "team").unwrap();
            let f = service::organisation::MemberForm { person_id: person.id.to_string(), role: "team_member".into(), allocation: "50".into() };
            service::organisation::add_membership(&t.db, actor, p, team_unit.id, &f).await.unwrap();
            people.push(person.id);
        }
        // One activity in each project, Mon–Fri of the week, assigned to Li.
        let a1 = t.count(&format!("SELECT MIN(id) FROM activities WHERE project_id = {p1}")).await;
        let a2 = t.count(&format!("SELECT MIN(id) FROM activities WHERE project_id = {p2}")).await;
        for a in [a1, a2] {
            exec(&t, &format!("UPDATE activities SET planned_start = '2026-06-15', planned_finish = '2026-06-19', status = 'open' WHERE id = {a}")).await;
        }
        let li_s = li.to_string();
        for (p, a, hours) in [(p1, a1, "20"), (p2, a2, "10")] {
            let url = format!("/projects/{p}/assignments");
            team.director.get(&url).await;
            let a = a.to_string();
            team.director.post(&url, &[("item_kind", "activity"), ("item_id", &a), ("user", &li_s), ("planned_hours", hours)]).await.assert_redirect();
        }

        // Li's page in project 1: the week over in project 1, within capacity in project 2.
        let page = team.director.get(&format!("/projects/{p1}/people/{}", people[0])).await.body;
        assert!(page.contains("Resource loading") && page.contains("id=\"over-loaded\""), "{}", &page[page.len().saturating_sub(3000)..]);
        assert!(page.contains("Planned above capacity in 1 of the coming weeks."));
        let first = page.split("<td class=\"nowrap\">2026-06-15</td>").nth(1).unwrap().split("</tr>").next().unwrap();
        assert!(first.contains("<td class=\"num late\">20 / 16</td>"), "{first}");
        assert!(first.contains("<td class=\"num \">10 / 20</td>"), "{first}");
        assert!(first.contains("30 / 36") && first.contains("83%"), "{first}");
        // The next week has nothing planned: 0 of 20 h in each project (no holiday).
        let second = page.split("<td class=\"nowrap\">2026-06-22</td>").nth(1).unwrap().split("</tr>").next().unwrap();
        assert_eq!(second.matches("<td class=\"num \">0 / 20</td>").count(), 2, "{second}");
        assert!(!second.contains("late"), "{second}");
        // Project 2 is named for a director of both; 13 weeks are shown.
        assert!(page.contains("CRM Wave 2"));
        assert_eq!(page.matches("<td class=\"nowrap\">2026-").count(), 13);
        // The organisation's findings name her, with the number of weeks, in both languages
        // and in the JSON; the finding links to her page.
        let org = team.director.get(&format!("/projects/{p1}/organisation")).await.body;
        assert!(org.contains("李娜 Li Na is planned above capacity in 1 of the coming weeks"));
        assert!(org.contains(&format!("/projects/{p1}/people/{}", people[0])));
        let api = json(&team.director.get(&format!("/api/v1/projects/{p1}/organisation")).await.body);
        let f: Vec<&serde_json::Value> = api["findings"].as_array().unwrap().iter().filter(|f| f["rule"] == "over_loaded").collect();
        assert_eq!(f.len(), 1);
        assert_eq!((f[0]["person_id"].as_i64(), f[0]["value"].as_i64()), (Some(i64::from(people[0])), Some(1)));
        // Project 2 finds the same person through her e-mail, across projects.
        let org2 = team.director.get(&format!("/projects/{p2}/organisation")).await.body;
        assert!(org2.contains("李娜 Li Na is planned above capacity in 1 of the coming weeks"));
        team.director.lang = Some("zh-CN".into());
        let page = team.director.get(&format!("/projects/{p1}/people/{}", people[0])).await.body;
        assert!(page.contains("资源负荷") && page.contains("未来各周中有 1 周计划工时超出可用工时"));
        assert!(team.director.get(&format!("/projects/{p1}/organisation")).await.body.contains("李娜 Li Na在未来 1 周的计划工时超出可用工时"));
        team.director.lang = None;

        // A viewer of project 1 who is not in project 2 does not learn its name.
        let page = team.viewer.get(&format!("/projects/{p1}/people/{}", people[0])).await.body;
        assert!(!page.contains("CRM Wave 2") && page.contains("Another project"));

        // 16 h fit: the finding clears.
        let url = format!("/projects/{p1}/assignments");
        let a = a1.to_string();
        team.director.post(&url, &[("item_kind", "activity"), ("item_id", &a), ("user", &li_s), ("planned_hours", "16")]).await.assert_redirect();
        let org = team.director.get(&format!("/projects/{p1}/organisation")).await.body;
        assert!(!org.contains("is planned above capacity"));
        let page = team.director.get(&format!("/projects/{p1}/people/{}", people[0])).await.body;
        assert!(page.contains("<td class=\"num \">16 / 16</td>") && !page.contains("id=\"over-loaded\""));
    }))
    .await;
}

#[tokio::test]
async fn an_approved_change_request_adds_a_budget_line_traced_to_it() {
    service::clock::with_today(d("2026-06-15"), on_each_db(|t| async move {
        let mut team = team(&t).await;
        let p = team.project;
        let budget = format!("/projects/{p}/budget");
        team.director.get(&budget).await;
        team.director
            .post(&format!("{budget}/lines"), &[("phase", ""), ("category", "consulting"), ("description", "Partner"), ("amount", "100,000")])
            .await
            .assert_redirect();
        let changes = format!("/projects/{p}/changes");
        team.director.get(&format!("/projects/{p}/issues")).await;
        let r = team.director
            .post(&changes, &[("title", "Add WeChat channel"), ("description", "Service requests from WeChat"), ("reason", "Customers ask"), ("schedule_days", "5"), ("cost", "25,000")])
            .await;
        r.assert_redirect();
        let cid = t.count("SELECT MAX(id) FROM change_requests").await;
        let decide = format!("{changes}/{cid}/decide");
        // It waits for the steering committee's decision on their My work.
        let mw = json(&team.steering.get("/api/v1/my-work").await.body);
        let waiting: Vec<serde_json::Value> = all_items(&mw).into_iter().filter(|i| i["kind"] == "decide_change").collect();
        assert_eq!(waiting.len(), 1);
        assert_eq!(waiting[0]["title"], format!("CR-{cid} Add WeChat channel"));
        assert_eq!(waiting[0]["link"], format!("/projects/{p}/changes/{cid}#decide"));
        let page = team.steering.get(&format!("{changes}/{cid}")).await.body;
        assert!(page.contains("Budget category of the cost"));
        // A category outside the list is refused by field, in both languages.
        let f = |cat: &'static str| vec![("version", "1"), ("decision", "approved"), ("rationale", "Worth it"), ("decided_on", "2026-06-15"), ("budget_category", cat)];
        let r = team.steering.post(&decide, &f("yachts")).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.body.contains("id=\"err-budget_category\""));
        team.steering.lang = Some("zh-CN".into());
        let r = team.steering.post(&decide, &f("yachts")).await;
        assert!(r.body.contains("id=\"err-budget_category\"") && r.body.contains("费用计入的预算类别"));
        team.steering.lang = None;
        assert_eq!(t.count(&format!("SELECT COUNT(*) FROM budget_lines WHERE project_id = {p}")).await, 1, "nothing written");
        team.steering.post(&decide, &f("training")).await.assert_redirect();
        let mw = json(&team.steering.get("/api/v1/my-work").await.body);
        assert!(all_items(&mw).iter().all(|i| i["kind"] != "decide_change"), "decided: off My work");

        // The budget gains 25,000.00 in training, as a line that names the request.
        let line = t.count(&format!("SELECT id FROM budget_lines WHERE project_id = {p} AND source = 'change' AND change_request_id = {cid} AND category = 'training' AND amount_minor = 2500000")).await;
        assert!(line > 0);
        assert_eq!(t.count(&format!("SELECT COUNT(*) FROM audit_log WHERE entity = 'budget_line' AND entity_id = {line} AND action = 'change'")).await, 1);
        let v = json(&team.director.get(&format!("/api/v1/projects/{p}/budget")).await.body);
        assert_eq!(v["total"]["budget"], 12_500_000);
        let training = v["by_category"].as_array().unwrap().iter().find(|r| r["key"] == "training").unwrap().clone();
        assert_eq!(training["budget"], 2_500_000);
        let page = team.director.get(&budget).await.body;
        assert!(page.contains(&format!("href=\"/projects/{p}/changes/{cid}\">change request CR-{cid}</a>")));
        assert!(page.contains(&format!("CR-{cid} Add WeChat channel")));
        let cr = team.director.get(&format!("{changes}/{cid}")).await.body;
        assert!(cr.contains(&format!("/budget#line-{line}")) && cr.contains(&format!("Budget line {line}")));
        team.director.lang = Some("zh-CN".into());
        assert!(team.director.get(&budget).await.body.contains(&format!("变更请求 CR-{cid}")));
        team.director.lang = None;
        // The earned-value budget (BAC) follows.
        assert_eq!(v["ev"]["bac"], 12_500_000);

        // A request without cost adds no line; a rejected one neither.
        let r = team.director.post(&changes, &[("title", "Rename a field"), ("description", "Label"), ("reason", "Clarity"), ("schedule_days", "0"), ("cost", "0")]).await;
        r.assert_redirect();
        let c2 = t.count("SELECT MAX(id) FROM change_requests").await;
        team.steering.get(&format!("{changes}/{c2}")).await;
        team.steering
            .post(&format!("{changes}/{c2}/decide"), &[("version", "1"), ("decision", "approved"), ("rationale", "Free"), ("decided_on", "2026-06-15")])
            .await
            .assert_redirect();
        assert_eq!(t.count(&format!("SELECT COUNT(*) FROM budget_lines WHERE project_id = {p}")).await, 2);
    }))
    .await;
}

/// Before a budget exists, an approved change request's line does not stop seeding the
/// budget from the business case.
#[tokio::test]
async fn a_change_line_does_not_block_seeding_the_budget() {
    service::clock::with_today(
        d("2026-06-15"),
        on_each_db(|t| async move {
            let mut team = team(&t).await;
            let p = team.project;
            let director = t.count("SELECT id FROM users WHERE email = 'director@t.example'").await as i32;
            let cr = service::raid::create_change(
                &t.db,
                Actor { user_id: director },
                p,
                &service::raid::ChangeInput {
                    title: "More licences".into(),
                    description: "Ten more seats".into(),
                    reason: "Service desk".into(),
                    scope_impact: String::new(),
                    schedule_days: 0,
                    cost_minor: 1_000_000,
                    benefits: String::new(),
                    options: String::new(),
                },
            )
            .await
            .unwrap();
            let steering = t.count("SELECT id FROM users WHERE email = 'steering@t.example'").await as i32;
            let d_ = service::raid::Decision {
                status: "approved".into(),
                rationale: "Needed".into(),
                decided_on: "2026-06-15".into(),
                rebaseline: false,
                revise_case: false,
                budget_category: "licences".into(),
            };
            service::raid::decide(&t.db, Actor { user_id: steering }, p, cr.id, cr.version, &d_, d("2026-06-15"))
                .await
                .unwrap();
            crate::business_case::approved_case(&mut team).await;
            let budget = format!("/projects/{p}/budget");
            team.director.get(&budget).await;
            team.director.post(&format!("{budget}/seed"), &[]).await.assert_redirect();
            assert_eq!(
                t.count(&format!("SELECT COUNT(*) FROM budget_lines WHERE project_id = {p} AND source = 'seed'")).await,
                1
            );
            assert_eq!(
                t.count(&format!("SELECT COUNT(*) FROM budget_lines WHERE project_id = {p} AND source = 'change'"))
                    .await,
                1
            );
        }),
    )
    .await;
}
