use crate::harness::*;
use axum::http::StatusCode;
use ninefold::service::schedule;

/// Activity ids of a project's phase `seq`, in order.
async fn activities(t: &TestApp, p: i32, seq: i32) -> Vec<(i32, chrono::NaiveDate, chrono::NaiveDate)> {
    let plan = schedule::load(&t.db.conn, p).await.unwrap();
    let phase = plan.phases.iter().find(|x| x.seq == seq).unwrap().id;
    plan.activities.iter().filter(|a| a.phase_id == phase).map(|a| (a.id, a.planned_start, a.planned_finish)).collect()
}

fn d(s: &str) -> chrono::NaiveDate {
    s.parse().unwrap()
}

#[tokio::test]
async fn dependencies_shift_successors_and_cycles_are_refused_by_name() {
    // "Today" is fixed in mid-2026 so the overdue check below means the same in any year.
    ninefold::service::clock::with_today(d("2026-06-15"), on_each_db(|t| async move {
        let mut team = team(&t).await;
        let p = team.project;
        let a = activities(&t, p, 1).await[0];
        let b = activities(&t, p, 2).await[0];
        // Phase 1 runs 2026-03-02 .. 03-29 (4 weeks, 20 working days); phase 2 starts 03-30.
        assert_eq!((a.1, b.1), (d("2026-03-02"), d("2026-03-30")));
        team.director.get(&format!("/projects/{p}/schedule")).await;
        let link = |pred: i32, succ: i32, lag: &'static str| {
            vec![("pred".to_string(), format!("activity:{pred}")), ("succ".to_string(), format!("activity:{succ}")), ("kind".to_string(), "FS".to_string()), ("lag".to_string(), lag.to_string())]
        };
        let f = link(a.0, b.0, "2");
        let fields: Vec<(&str, &str)> = f.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        team.director.post(&format!("/projects/{p}/schedule/dependencies"), &fields).await.assert_redirect();
        // A finishes Fri 03-27 (20 working days) → B starts 2 working days later: Wed 04-01.
        let b_now = activities(&t, p, 2).await[0];
        assert_eq!(b_now.1, d("2026-04-01"));
        // Lengthening A by five working days pushes B by a week.
        let r = team.director.get(&format!("/projects/{p}/schedule/activities/{}", a.0)).await;
        let version = r.body.split("name=\"version\" value=\"").nth(1).unwrap().split('"').next().unwrap().to_string();
        team.director
            .post(&format!("/projects/{p}/schedule/activities/{}", a.0), &[("start", "2026-03-02"), ("duration", "25"), ("percent", "40"), ("version", &version)])
            .await
            .assert_redirect();
        assert_eq!(activities(&t, p, 2).await[0].1, d("2026-04-08"));
        assert!(t.count(&format!("SELECT COUNT(*) FROM audit_log WHERE project_id = {p} AND action = 'reschedule' AND entity = 'activity' AND entity_id = {}", b.0)).await >= 2);
        // A stale edit of the same activity is refused.
        let r = team.consultant.post(&format!("/projects/{p}/schedule/activities/{}", a.0), &[("start", "2026-03-02"), ("duration", "3"), ("percent", "0"), ("version", &version)]).await;
        assert_eq!(r.status, StatusCode::CONFLICT);
        // Closing the loop B → A is refused, naming both, and nothing is written.
        let links_before = t.count("SELECT COUNT(*) FROM dependencies").await;
        let f = link(b.0, a.0, "0");
        let fields: Vec<(&str, &str)> = f.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        let r = team.director.post(&format!("/projects/{p}/schedule/dependencies"), &fields).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.body.contains("would make work wait for itself"));
        let (an, bn) = (
            "Secure top management commitment and appoint the executive sponsor",
            "Constitute the steering committee under the general manager and appoint a full-time project director from the business side",
        );
        // The message names the loop itself (the page shows " → " elsewhere too).
        let named = r.body.split("wait for itself: <strong>").nth(1).and_then(|s| s.split("</strong>").next());
        let named = named.expect("the cycle is named in the message");
        let (ai, bi) = (named.find(an), named.find(bn));
        assert!(ai.is_some() && bi.is_some() && named.contains(" → "), "the loop names both activities: {named}");
        assert_eq!(t.count("SELECT COUNT(*) FROM dependencies").await, links_before);
        // Bad input is refused by the field.
        let r = team.director.post(&format!("/projects/{p}/schedule/activities/{}", a.0), &[("start", "2026-02-30"), ("duration", "0"), ("percent", "150"), ("version", "99")]).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.body.contains("id=\"err-start\"") && r.body.contains("id=\"err-duration\"") && r.body.contains("id=\"err-percent\""));
        // Work that should be finished by now (the plan started in March) is listed as overdue
        // on the overview and red on the schedule.
        let ov = team.viewer.get(&format!("/projects/{p}")).await.body;
        assert!(ov.contains("Due in the next two weeks, and overdue") && ov.contains("class=\"late\">overdue"));
        assert!(team.viewer.get(&format!("/projects/{p}/schedule")).await.body.contains("rag rag-red"));
        // Viewers cannot change the plan.
        assert_eq!(team.viewer.post(&format!("/projects/{p}/schedule/dependencies"), &fields).await.status, StatusCode::FORBIDDEN);
    }))
    .await;
}

#[tokio::test]
async fn holidays_make_up_days_and_baseline_slip() {
    on_each_db(|t| async move {
        let mut team = team(&t).await;
        let p = team.project;
        team.director.get(&format!("/projects/{p}/schedule")).await;
        team.director.post(&format!("/projects/{p}/schedule/baselines"), &[("name", "Approved plan")]).await.assert_redirect();
        let baseline = t.count(&format!("SELECT MAX(id) FROM baselines WHERE project_id = {p}")).await;
        let a = activities(&t, p, 1).await[0];
        // Phase 1 activities end Fri 03-27. A holiday on Wed 03-11 pushes them to Mon 03-30 …
        team.director.post(&format!("/projects/{p}/schedule/calendar"), &[("day", "2026-03-11"), ("kind", "holiday"), ("name", "测试假日")]).await.assert_redirect();
        assert_eq!(activities(&t, p, 1).await[0].2, d("2026-03-30"));
        // … and a make-up working Saturday (调休) on 03-14 brings them back to Fri 03-27.
        team.director.post(&format!("/projects/{p}/schedule/calendar"), &[("day", "2026-03-14"), ("kind", "workday"), ("name", "调休上班")]).await.assert_redirect();
        assert_eq!(activities(&t, p, 1).await[0].2, d("2026-03-27"));
        // Remove the make-up day again: the slip against the baseline shows +3 days.
        let mk = t.count(&format!("SELECT id FROM calendar_days WHERE project_id = {p} AND kind = 'workday'")).await;
        team.director.post(&format!("/projects/{p}/schedule/calendar/{mk}/delete"), &[]).await.assert_redirect();
        let page = team.director.get(&format!("/projects/{p}/schedule?baseline={baseline}")).await.body;
        assert!(page.contains(">+3<"), "slip of three days shown");
        assert!(page.contains("Phase finish against the baseline"), "per phase too");
        let _ = a;
        // Importing an iCalendar file of holidays: bad lines refuse the whole file.
        let ics = "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nDTSTART;VALUE=DATE:20260406\r\nSUMMARY:清明节\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";
        team.director.post_multipart(&format!("/projects/{p}/schedule/calendar/import"), &[], Some(("file", ics.as_bytes()))).await.assert_redirect();
        assert_eq!(t.count(&format!("SELECT COUNT(*) FROM calendar_days WHERE project_id = {p} AND day = '2026-04-06'")).await, 1);
        let bad = "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nDTSTART:notadate\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";
        let r = team.director.post_multipart(&format!("/projects/{p}/schedule/calendar/import"), &[], Some(("file", bad.as_bytes()))).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.body.contains("could not be read"));
        // CSV export with every item.
        let csv = team.viewer.get(&format!("/projects/{p}/schedule.csv")).await.body;
        assert!(csv.starts_with("\u{feff}kind,phase,name_en,name_zh,start,finish"));
        let items = t.count(&format!("SELECT (SELECT COUNT(*) FROM activities WHERE project_id = {p}) + (SELECT COUNT(*) FROM milestones WHERE project_id = {p})")).await;
        assert_eq!(csv.lines().count() as i64, items + 1);
    })
    .await;
}

#[tokio::test]
async fn the_calendar_feed_parses_and_a_revoked_token_is_gone() {
    on_each_db(|t| async move {
        let mut team = team(&t).await;
        let p = team.project;
        team.director.get(&format!("/projects/{p}/schedule")).await;
        assert_eq!(
            team.consultant.post(&format!("/projects/{p}/schedule/feeds"), &[]).await.status,
            StatusCode::FORBIDDEN
        );
        let r = team.director.post(&format!("/projects/{p}/schedule/feeds"), &[]).await;
        let shown =
            r.body.split("<pre class=\"token\">").nth(1).unwrap().split('<').next().unwrap().replace("&#x2f;", "/");
        assert!(shown.starts_with("http://") && shown.ends_with(".ics"), "{shown}");
        let url = format!("/feeds/{}", shown.rsplit('/').next().unwrap());
        // No login needed (calendar apps cannot log in): the URL is the secret.
        let mut anon = t.client();
        let r = anon.get(&url).await;
        assert_eq!(r.status, StatusCode::OK);
        let cal: icalendar::Calendar = r.body.parse().expect("a valid iCalendar document");
        let summaries: Vec<String> = cal
            .components
            .iter()
            .filter_map(|c| c.as_event())
            .filter_map(|e| icalendar::Component::get_summary(e).map(str::to_string))
            .collect();
        let milestones = t.count(&format!("SELECT COUNT(*) FROM milestones WHERE project_id = {p}")).await;
        assert_eq!(summaries.len() as i64, milestones + 9, "milestones and nine phase gates");
        assert!(summaries.iter().any(|s| s.contains("Gate 1: Project preparation / 阶段评审：项目准备")));
        let fid = t.count(&format!("SELECT id FROM calendar_feeds WHERE project_id = {p}")).await;
        team.director.post(&format!("/projects/{p}/schedule/feeds/{fid}/revoke"), &[]).await.assert_redirect();
        assert_eq!(anon.get(&url).await.status, StatusCode::NOT_FOUND);
        assert_eq!(anon.get("/feeds/not-a-token.ics").await.status, StatusCode::NOT_FOUND);
    })
    .await;
}

/// (phase seq, name, start, finish) of every activity and milestone, and the links by name.
async fn shape(
    t: &TestApp,
    p: i32,
) -> (Vec<(i32, String, chrono::NaiveDate, chrono::NaiveDate)>, Vec<(String, String, String, i32)>) {
    let plan = schedule::load(&t.db.conn, p).await.unwrap();
    let seq = |phase_id: i32| plan.phases.iter().find(|x| x.id == phase_id).unwrap().seq;
    let mut items: Vec<_> = plan
        .activities
        .iter()
        .map(|a| (seq(a.phase_id), a.name_en.clone(), a.planned_start, a.planned_finish))
        .collect();
    items.extend(plan.milestones.iter().map(|m| (seq(m.phase_id), format!("◆{}", m.name_en), m.due_date, m.due_date)));
    items.sort();
    let name = |k: &str, id: i32| {
        if k == "milestone" {
            plan.milestones.iter().find(|m| m.id == id).unwrap().name_en.clone()
        } else {
            plan.activities.iter().find(|a| a.id == id).unwrap().name_en.clone()
        }
    };
    let mut links: Vec<_> = plan
        .links
        .iter()
        .map(|l| (name(&l.pred_kind, l.pred_id), name(&l.succ_kind, l.succ_id), l.kind.clone(), l.lag_days))
        .collect();
    links.sort();
    (items, links)
}

#[tokio::test]
async fn microsoft_project_export_then_import_reproduces_the_plan() {
    on_each_db(|t| async move {
        let mut team = team(&t).await;
        let a = team.project;
        let (x, y) = (activities(&t, a, 1).await[0].0, activities(&t, a, 2).await[1].0);
        let m = t.count(&format!("SELECT MIN(id) FROM milestones WHERE project_id = {a}")).await.to_string();
        team.director.get(&format!("/projects/{a}/schedule")).await;
        for (pred, succ, kind, lag) in [
            (format!("activity:{x}"), format!("activity:{y}"), "FS", "3"),
            (format!("activity:{x}"), format!("milestone:{m}"), "FF", "0"),
        ] {
            team.director
                .post(
                    &format!("/projects/{a}/schedule/dependencies"),
                    &[("pred", &pred), ("succ", &succ), ("kind", kind), ("lag", lag)],
                )
                .await
                .assert_redirect();
        }
        team.director
            .post(
                &format!("/projects/{a}/schedule/calendar"),
                &[("day", "2026-04-06"), ("kind", "holiday"), ("name", "清明节")],
            )
            .await
            .assert_redirect();
        let xml = team.viewer.get(&format!("/projects/{a}/schedule.xml")).await.body;
        assert!(
            xml.contains("<Project xmlns=\"http://schemas.microsoft.com/project\">")
                && xml.contains("<PredecessorLink>")
        );

        // A second project with the same calendar takes the plan in.
        let b = create_project(&mut team.director, "Imported").await;
        team.director.get(&format!("/projects/{b}/schedule")).await;
        team.director
            .post(
                &format!("/projects/{b}/schedule/calendar"),
                &[("day", "2026-04-06"), ("kind", "holiday"), ("name", "清明节")],
            )
            .await
            .assert_redirect();
        team.director
            .post_multipart(&format!("/projects/{b}/schedule/import"), &[], Some(("file", xml.as_bytes())))
            .await
            .assert_redirect();
        let (items_a, links_a) = shape(&t, a).await;
        let (items_b, links_b) = shape(&t, b).await;
        assert_eq!(items_a, items_b, "tasks and dates");
        assert_eq!(links_a, links_b, "links");
        assert_eq!(links_b.len(), 2);

        // A broken file changes nothing.
        let before = t.count(&format!("SELECT COUNT(*) FROM dependencies WHERE project_id = {b}")).await;
        let r = team
            .director
            .post_multipart(
                &format!("/projects/{b}/schedule/import"),
                &[],
                Some(("file", b"<Project><Tasks><Task><UID>1</UID></Task></Tasks></Project>".as_slice())),
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.body.contains("no start or finish"));
        assert_eq!(t.count(&format!("SELECT COUNT(*) FROM dependencies WHERE project_id = {b}")).await, before);
    })
    .await;
}

/// The stored dates of every activity, milestone and phase equal what a full reschedule of
/// the whole plan (every column loaded) computes now.
async fn assert_stored_is_full_reschedule(t: &TestApp, p: i32, step: &str) {
    let plan = schedule::load(&t.db.conn, p).await.unwrap();
    let computed = plan.compute().unwrap();
    for a in &plan.activities {
        let it = &computed.items[computed.index[&(schedule::ACTIVITY, a.id)]];
        assert_eq!((a.planned_start, a.planned_finish), (it.start, it.finish), "{step}: activity {}", a.id);
    }
    for m in &plan.milestones {
        let it = &computed.items[computed.index[&(schedule::MILESTONE, m.id)]];
        assert_eq!(m.due_date, it.start, "{step}: milestone {}", m.id);
    }
    for ph in &plan.phases {
        let mine = computed.items.iter().filter(|i| i.phase_id == ph.id);
        if let (Some(s), Some(f)) = (mine.clone().map(|i| i.start).min(), mine.map(|i| i.finish).max()) {
            assert_eq!((ph.planned_start, ph.planned_finish), (s, f), "{step}: phase {}", ph.id);
        }
    }
}

#[tokio::test]
async fn saves_keep_the_stored_schedule_equal_to_a_full_reschedule() {
    on_each_db(|t| async move {
        let mut team = team(&t).await;
        let p = team.project;
        let (p1, p2, p3) = (activities(&t, p, 1).await, activities(&t, p, 2).await, activities(&t, p, 3).await);
        assert_stored_is_full_reschedule(&t, p, "start").await;
        // A chain across three phases, with a lag and a start-to-start link.
        for (pred, succ, kind, lag) in
            [(p1[0].0, p2[0].0, "FS", "2"), (p2[0].0, p3[0].0, "SS", "1"), (p1[1].0, p2[1].0, "FF", "0")]
        {
            let (pr, su) = (format!("activity:{pred}"), format!("activity:{succ}"));
            let fields = [("pred", pr.as_str()), ("succ", su.as_str()), ("kind", kind), ("lag", lag)];
            team.director.post(&format!("/projects/{p}/schedule/dependencies"), &fields).await.assert_redirect();
            assert_stored_is_full_reschedule(&t, p, &format!("link {pred}→{succ}")).await;
        }
        let edit = async |team: &mut Team, id: i32, start: &str, duration: &str, percent: &str| {
            let version = ninefold::service::write::get::<ninefold::entity::activity::Entity, _>(&t.db.conn, p, id)
                .await
                .unwrap()
                .version
                .to_string();
            let fields =
                [("start", start), ("duration", duration), ("percent", percent), ("version", version.as_str())];
            team.director.post(&format!("/projects/{p}/schedule/activities/{id}"), &fields).await.assert_redirect();
        };
        let moves = "SELECT COUNT(*) FROM audit_log WHERE action = 'reschedule'";
        for (i, (id, start, duration)) in [
            (p1[0].0, "2026-03-02", "25"),
            (p2[0].0, "2026-05-04", "7"),
            (p1[0].0, "2026-03-09", "3"),
            (p1[1].0, "2026-03-02", "30"),
        ]
        .into_iter()
        .enumerate()
        {
            let before = t.count(moves).await;
            edit(&mut team, id, start, duration, "10").await;
            assert!(t.count(moves).await > before, "edit {i} moves its successors");
            assert_stored_is_full_reschedule(&t, p, &format!("edit {i}")).await;
        }
        // Progress alone moves nothing: no reschedule runs and the schedule stays the full one.
        let before = t.count(moves).await;
        edit(&mut team, p1[1].0, "2026-03-02", "30", "60").await;
        assert_eq!(t.count(moves).await, before);
        assert_stored_is_full_reschedule(&t, p, "progress only").await;
        // Removing a link lets its successor come back to its own constraint.
        let link = t
            .count(&format!("SELECT id FROM dependencies WHERE pred_id = {} AND succ_id = {}", p1[0].0, p2[0].0))
            .await;
        team.director.post(&format!("/projects/{p}/schedule/dependencies/{link}/delete"), &[]).await.assert_redirect();
        assert_eq!(t.count(&format!("SELECT COUNT(*) FROM dependencies WHERE id = {link}")).await, 0);
        assert_stored_is_full_reschedule(&t, p, "end").await;
    })
    .await;
}
