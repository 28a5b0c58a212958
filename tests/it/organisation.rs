//! The project organisation through the real router: people, memberships, the method's
//! rules (each made to fire and then cleared through the forms), CSV import, the demo.
use crate::harness::*;
use axum::http::StatusCode;

/// A single integer from SQL (ids and versions are cast so PostgreSQL returns a BIGINT).
pub async fn int(t: &TestApp, sql: &str) -> i32 {
    t.count(&format!("SELECT CAST(({sql}) AS BIGINT)")).await as i32
}

/// The id at the end of a redirect: `/projects/1/people/7` or `/projects/1/organisation#m-7`.
fn id_in(loc: &str) -> i32 {
    let tail = loc.rsplit(['/', '-']).next().unwrap_or_default();
    tail.parse().unwrap_or_else(|_| panic!("no id in {loc}"))
}

pub async fn add_person(c: &mut Client, p: i32, name: &str, dept: &str, side: &str) -> i32 {
    let r = c
        .post(&format!("/projects/{p}/people"), &[("name", name), ("department", dept), ("side", side), ("title", "")])
        .await;
    id_in(r.assert_redirect())
}

pub async fn unit(t: &TestApp, p: i32, key: &str) -> i32 {
    int(t, &format!("SELECT id FROM org_units WHERE project_id = {p} AND key = '{key}'")).await
}

async fn add_member(c: &mut Client, p: i32, unit: i32, person: i32, role: &str, alloc: &str) -> i32 {
    let r = c
        .post(
            &format!("/projects/{p}/organisation/units/{unit}/members"),
            &[("person_id", &person.to_string()), ("role", role), ("allocation", alloc)],
        )
        .await;
    id_in(r.assert_redirect())
}

async fn update_member(t: &TestApp, c: &mut Client, p: i32, m: i32, role: &str, alloc: &str) {
    let v = int(t, &format!("SELECT version FROM memberships WHERE id = {m}")).await.to_string();
    c.post(
        &format!("/projects/{p}/organisation/memberships/{m}"),
        &[("role", role), ("allocation", alloc), ("version", &v)],
    )
    .await
    .assert_redirect();
}

async fn remove_member(c: &mut Client, p: i32, m: i32) {
    c.post(&format!("/projects/{p}/organisation/memberships/{m}/delete"), &[]).await.assert_redirect();
}

async fn set_department(t: &TestApp, c: &mut Client, p: i32, person: i32, name: &str, dept: &str) {
    let v = int(t, &format!("SELECT version FROM people WHERE id = {person}")).await.to_string();
    c.post(
        &format!("/projects/{p}/people/{person}"),
        &[("name", name), ("department", dept), ("side", "client"), ("version", &v)],
    )
    .await
    .assert_redirect();
}

/// The rules that fire on the organisation page now.
async fn rules(c: &mut Client, p: i32) -> Vec<String> {
    let r = c.get(&format!("/projects/{p}/organisation")).await;
    assert_eq!(r.status, StatusCode::OK);
    r.body.split("data-rule=\"").skip(1).map(|s| s[..s.find('"').unwrap()].to_string()).collect()
}

#[tokio::test]
async fn memberships_are_added_changed_removed_audited_and_versioned() {
    on_each_db(|t| async move {
        let mut tm = team(&t).await;
        let p = tm.project;
        // The first visit creates the tiers: steering, team and a group per module in scope + IT.
        let page = tm.viewer.get(&format!("/projects/{p}/organisation")).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(page.body.contains("Steering committee") && page.body.contains("Customer service &amp; support group"));
        assert_eq!(t.count(&format!("SELECT COUNT(*) FROM org_units WHERE project_id = {p}")).await, 5);
        assert_eq!(t.count("SELECT COUNT(*) FROM audit_log WHERE entity = 'org_unit' AND action = 'create'").await, 5);
        // A second visit creates nothing more.
        tm.director.get(&format!("/projects/{p}/organisation")).await;
        assert_eq!(t.count(&format!("SELECT COUNT(*) FROM org_units WHERE project_id = {p}")).await, 5);

        let audit = t.count("SELECT COUNT(*) FROM audit_log").await;
        let ann = add_person(&mut tm.director, p, "王芳", "marketing", "client").await;
        let team_unit = unit(&t, p, "team").await;
        let m = add_member(&mut tm.director, p, team_unit, ann, "project_director", "100").await;
        assert!(tm.viewer.get(&format!("/projects/{p}/organisation")).await.body.contains("王芳"));
        update_member(&t, &mut tm.consultant, p, m, "project_director", "90").await;
        assert_eq!(int(&t, &format!("SELECT allocation FROM memberships WHERE id = {m}")).await, 90);
        // Person, membership, update: three audited writes.
        assert_eq!(t.count("SELECT COUNT(*) FROM audit_log").await, audit + 3);
        let last = t.count("SELECT COUNT(*) FROM audit_log WHERE entity = 'membership' AND action = 'update'").await;
        assert_eq!(last, 1);

        // A stale version is refused with 409 and nothing changes.
        let r = tm
            .director
            .post(
                &format!("/projects/{p}/organisation/memberships/{m}"),
                &[("role", "project_director"), ("allocation", "50"), ("version", "1")],
            )
            .await;
        assert_eq!(r.status, StatusCode::CONFLICT);
        assert!(r.body.contains("Someone else saved this first"));
        assert_eq!(int(&t, &format!("SELECT allocation FROM memberships WHERE id = {m}")).await, 90);

        // The same person twice in one tier is refused by the field.
        let r = tm
            .director
            .post(
                &format!("/projects/{p}/organisation/units/{team_unit}/members"),
                &[("person_id", &ann.to_string()), ("role", "team_member"), ("allocation", "80")],
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.body.contains("This person is already here."));

        // The person's page lists the allocation.
        let page = tm.viewer.get(&format!("/projects/{p}/people/{ann}")).await;
        assert!(page.body.contains("Project director") && page.body.contains("90%"));

        // A person on a tier cannot be removed until they leave it.
        let r = tm.director.post(&format!("/projects/{p}/people/{ann}/delete"), &[]).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.body.contains("This person still belongs to a tier or group"));

        remove_member(&mut tm.director, p, m).await;
        assert_eq!(t.count("SELECT COUNT(*) FROM memberships").await, 0);
        tm.director.post(&format!("/projects/{p}/people/{ann}/delete"), &[]).await.assert_redirect();
        assert_eq!(t.count("SELECT COUNT(*) FROM people").await, 0);
        assert_eq!(t.count("SELECT COUNT(*) FROM audit_log WHERE entity = 'person' AND action = 'delete'").await, 1);
        assert_eq!(
            t.count("SELECT COUNT(*) FROM audit_log WHERE entity = 'membership' AND action = 'delete'").await,
            1
        );

        // Viewers read but do not change; outsiders do not see the project.
        let r = tm
            .viewer
            .post(&format!("/projects/{p}/people"), &[("name", "X"), ("department", "sales"), ("side", "client")])
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
        assert_eq!(tm.outsider.get(&format!("/projects/{p}/organisation")).await.status, StatusCode::NOT_FOUND);
    })
    .await;
}

#[tokio::test]
async fn each_rule_fires_and_clears_through_the_forms() {
    on_each_db(|t| async move {
        let mut tm = team(&t).await;
        let p = tm.project;
        let c = &mut tm.director;
        assert_eq!(
            rules(c, p).await,
            [
                "no_chair",
                "no_director",
                "group_without_leader",
                "group_without_leader",
                "group_without_leader",
                "no_back_office"
            ]
        );

        // A sound organisation (the project's modules are sales and service).
        let gm = add_person(c, p, "张伟", "management", "client").await;
        let dir = add_person(c, p, "王芳", "marketing", "client").await;
        let sales = add_person(c, p, "Sam Sales", "sales", "client").await;
        let fin = add_person(c, p, "Fiona Finance", "finance", "client").await;
        let svc = add_person(c, p, "Sid Service", "service", "client").await;
        let it = add_person(c, p, "Ida IT", "it", "client").await;
        let (sc, team_u) = (unit(&t, p, "steering").await, unit(&t, p, "team").await);
        let (g_sales, g_svc, g_it) =
            (unit(&t, p, "group:sales").await, unit(&t, p, "group:service").await, unit(&t, p, "group:it").await);
        let chair = add_member(c, p, sc, gm, "chair", "10").await;
        let mut director = add_member(c, p, team_u, dir, "project_director", "100").await;
        let sales_team = add_member(c, p, team_u, sales, "team_member", "80").await;
        add_member(c, p, team_u, fin, "team_member", "80").await;
        add_member(c, p, g_sales, sales, "group_leader", "20").await;
        let svc_lead = add_member(c, p, g_svc, svc, "group_leader", "50").await;
        add_member(c, p, g_it, it, "group_leader", "50").await;
        assert_eq!(rules(c, p).await, Vec::<String>::new());
        let ok = c.get(&format!("/projects/{p}/organisation")).await;
        assert!(ok.body.contains("The organisation follows every rule of the method."));

        // no_chair
        update_member(&t, c, p, chair, "member", "10").await;
        let page = c.get(&format!("/projects/{p}/organisation")).await;
        assert!(page.body.contains("The steering committee has no chair"));
        assert!(page.body.contains("chaired by the general manager"), "the rule is quoted");
        // (minijinja escapes the slashes of the link.)
        assert!(page.body.contains(&format!("organisation#unit-{sc}\">")), "a link to fix it");
        update_member(&t, c, p, chair, "chair", "10").await;
        assert!(rules(c, p).await.is_empty());

        // no_director
        remove_member(c, p, director).await;
        assert_eq!(rules(c, p).await, ["no_director"]);
        director = add_member(c, p, team_u, dir, "project_director", "100").await;
        assert!(rules(c, p).await.is_empty());

        // director_from_it
        set_department(&t, c, p, dir, "王芳", "it").await;
        assert_eq!(rules(c, p).await, ["director_from_it"]);
        set_department(&t, c, p, dir, "王芳", "marketing").await;
        assert!(rules(c, p).await.is_empty());

        // director_part_time
        update_member(&t, c, p, director, "project_director", "90").await;
        let page = c.get(&format!("/projects/{p}/organisation")).await;
        assert!(page.body.contains("The project director 王芳 works only 90% on the project"));
        update_member(&t, c, p, director, "project_director", "100").await;
        assert!(rules(c, p).await.is_empty());

        // assistant_part_time
        let asst = add_person(c, p, "Ada Assistant", "marketing", "client").await;
        let a = add_member(c, p, team_u, asst, "key_assistant", "50").await;
        assert_eq!(rules(c, p).await, ["assistant_part_time"]);
        update_member(&t, c, p, a, "key_assistant", "100").await;
        assert!(rules(c, p).await.is_empty());

        // member_part_time
        update_member(&t, c, p, sales_team, "team_member", "79").await;
        assert_eq!(rules(c, p).await, ["member_part_time"]);
        update_member(&t, c, p, sales_team, "team_member", "80").await;
        assert!(rules(c, p).await.is_empty());

        // department_without_group
        c.post(&format!("/projects/{p}/organisation/units/{g_svc}/delete"), &[]).await.assert_redirect();
        assert_eq!(rules(c, p).await, ["department_without_group"]);
        assert_eq!(t.count("SELECT COUNT(*) FROM audit_log WHERE entity = 'org_unit' AND action = 'delete'").await, 1);
        let r = c
            .post(&format!("/projects/{p}/organisation/groups"), &[("department", "service"), ("group_name", "")])
            .await;
        let g_svc = id_in(r.assert_redirect());
        assert_eq!(rules(c, p).await, ["group_without_leader"]);
        let svc_lead2 = add_member(c, p, g_svc, svc, "group_leader", "50").await;
        assert!(rules(c, p).await.is_empty());

        // group_without_leader
        let _ = svc_lead; // removed with its group above
        update_member(&t, c, p, svc_lead2, "key_user", "50").await;
        assert_eq!(rules(c, p).await, ["group_without_leader"]);
        update_member(&t, c, p, svc_lead2, "group_leader", "50").await;
        assert!(rules(c, p).await.is_empty());

        // over_allocated (across tiers)
        let extra = add_member(c, p, sc, it, "member", "60").await;
        let page = c.get(&format!("/projects/{p}/organisation")).await;
        assert!(page.body.contains("Ida IT is allocated 110% across all tiers"));
        assert_eq!(rules(c, p).await, ["over_allocated"]);
        remove_member(c, p, extra).await;
        assert!(rules(c, p).await.is_empty());

        // no_back_office (advice)
        set_department(&t, c, p, fin, "Fiona Finance", "sales").await;
        let page = c.get(&format!("/projects/{p}/organisation")).await;
        assert!(page.body.contains("sev-advice"));
        assert_eq!(rules(c, p).await, ["no_back_office"]);
        set_department(&t, c, p, fin, "Fiona Finance", "finance").await;
        assert!(rules(c, p).await.is_empty());

        // A broken rule shows on the overview's health; advice alone does not.
        update_member(&t, c, p, sales_team, "team_member", "50").await;
        let ov = c.get(&format!("/projects/{p}")).await;
        assert!(ov.body.contains("Organisation: 1 finding(s) need attention"));
        update_member(&t, c, p, sales_team, "team_member", "80").await;
        assert!(!c.get(&format!("/projects/{p}")).await.body.contains("finding(s) need attention"));

        // In Chinese too.
        c.post("/locale", &[("lang", "zh"), ("next", "/projects")]).await;
        update_member(&t, c, p, chair, "member", "10").await;
        assert!(c.get(&format!("/projects/{p}/organisation")).await.body.contains("项目指导委员会没有主任"));
    })
    .await;
}

#[tokio::test]
async fn bad_input_gets_a_message_by_the_field() {
    on_each_db(|t| async move {
        let mut tm = team(&t).await;
        let p = tm.project;
        let c = &mut tm.director;
        let r = c
            .post(
                &format!("/projects/{p}/people"),
                &[("name", " "), ("department", "mining"), ("side", "client"), ("email", "nope")],
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.body.contains("<p class=\"field-error\" id=\"err-name\">This field is required.</p>"));
        assert!(
            r.body.contains("<p class=\"field-error\" id=\"err-department\">Choose one of the options offered.</p>")
        );
        assert!(r.body.contains("<p class=\"field-error\" id=\"err-email\">Enter a valid e-mail address.</p>"));
        assert!(r.body.contains("value=\"nope\""), "what was typed is kept");

        c.get(&format!("/projects/{p}/organisation")).await;
        let who = add_person(c, p, "Ann", "sales", "client").await;
        let team_u = unit(&t, p, "team").await;
        for (alloc, role, field) in
            [("150", "team_member", "allocation"), ("abc", "team_member", "allocation"), ("80", "chair", "role")]
        {
            let r = c
                .post(
                    &format!("/projects/{p}/organisation/units/{team_u}/members"),
                    &[("person_id", &who.to_string()), ("role", role), ("allocation", alloc)],
                )
                .await;
            assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{alloc} {role}");
            assert!(r.body.contains(&format!("id=\"err-{field}\"")), "{field}");
        }
        // In Chinese.
        c.post("/locale", &[("lang", "zh"), ("next", "/projects")]).await;
        let r = c
            .post(
                &format!("/projects/{p}/organisation/units/{team_u}/members"),
                &[("person_id", &who.to_string()), ("role", "team_member"), ("allocation", "101")],
            )
            .await;
        assert!(r.body.contains("请输入 0 到 100 之间的整数百分比。"));
        assert_eq!(t.count("SELECT COUNT(*) FROM memberships").await, 0);
    })
    .await;
}

#[tokio::test]
async fn csv_import_all_or_nothing() {
    on_each_db(|t| async move {
        let mut tm = team(&t).await;
        let p = tm.project;
        let c = &mut tm.director;
        let url = format!("/projects/{p}/people/import");
        c.get(&url).await;

        // A valid file: previewed, then imported.
        let good = "name,title,department,side,email,phone\r\nAnn Lee,Sales manager,sales,client,ann@x.example,+86 20 1234\r\n\"Bo, Jr.\",,IT,client,,\r\nCara,Consultant,consultancy,consultancy,cara@c.example,\r\n";
        let r = c.post(&url, &[("csv", good), ("action", "preview")]).await;
        assert_eq!(r.status, StatusCode::OK);
        assert!(r.body.contains("All 3 rows are valid"));
        assert_eq!(t.count("SELECT COUNT(*) FROM people").await, 0, "a preview imports nothing");
        let r = c.post(&url, &[("csv", good), ("action", "import")]).await;
        assert_eq!(r.assert_redirect(), format!("/projects/{p}/people?imported=3"));
        assert!(c.get(&format!("/projects/{p}/people?imported=3")).await.body.contains("3 people imported."));
        assert_eq!(t.count("SELECT COUNT(*) FROM people").await, 3);
        assert_eq!(t.count("SELECT COUNT(*) FROM people WHERE name = 'Bo, Jr.' AND department = 'it'").await, 1);
        assert_eq!(t.count("SELECT COUNT(*) FROM audit_log WHERE entity = 'person' AND action = 'create'").await, 3);

        // One bad row: nothing imported, the row named.
        let bad = "name,department,side\nDan,sales,client\nEve,mining,client\nFay,service,client\n";
        let r = c.post(&url, &[("csv", bad), ("action", "import")]).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.body.contains("1 row(s) have errors. Nothing was imported"));
        assert!(r.body.contains("Line 3, Department: Choose one of the options offered."));
        assert_eq!(t.count("SELECT COUNT(*) FROM people").await, 3);

        // A BOM and Chinese headers and names.
        let zh = "\u{feff}姓名,职务,部门,方,邮箱\n张伟,总经理,管理层,客户,zhang.wei@huamei.example\n李娜,应用顾问,咨询公司,咨询公司,li.na@consult.example\n";
        let r = c.post(&url, &[("csv", zh), ("action", "preview")]).await;
        assert!(r.body.contains("张伟") && r.body.contains("All 2 rows are valid"));
        c.post(&url, &[("csv", zh), ("action", "import")]).await.assert_redirect();
        assert_eq!(t.count("SELECT COUNT(*) FROM people WHERE name = '张伟' AND department = 'management' AND side = 'client'").await, 1);
        assert_eq!(t.count("SELECT COUNT(*) FROM people WHERE name = '李娜' AND side = 'consultancy'").await, 1);
        let list = c.get(&format!("/projects/{p}/people")).await;
        assert!(list.body.contains("张伟") && list.body.contains("李娜"));

        // A file that is not a people file.
        let r = c.post(&url, &[("csv", "foo,bar\n1,2\n"), ("action", "import")]).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.body.contains("The first row must name the columns"));
        assert_eq!(t.count("SELECT COUNT(*) FROM people").await, 5);
    })
    .await;
}

#[tokio::test]
async fn responsibilities_name_an_owner_and_a_tier() {
    on_each_db(|t| async move {
        let mut tm = team(&t).await;
        let p = tm.project;
        let c = &mut tm.director;
        c.get(&format!("/projects/{p}/responsibilities/1")).await;
        let ann = add_person(c, p, "Ann", "marketing", "client").await;
        let team_u = unit(&t, p, "team").await;
        let d = int(&t, &format!("SELECT MIN(id) FROM deliverables WHERE project_id = {p}")).await;
        let v = int(&t, &format!("SELECT version FROM deliverables WHERE id = {d}")).await.to_string();
        let r = c
            .post(
                &format!("/projects/{p}/responsibilities/1"),
                &[
                    ("entity", "deliverable"),
                    ("id", &d.to_string()),
                    ("version", &v),
                    ("owner_person_id", &ann.to_string()),
                    ("owner_unit_id", &team_u.to_string()),
                ],
            )
            .await;
        r.assert_redirect();
        assert_eq!(int(&t, &format!("SELECT owner_person_id FROM deliverables WHERE id = {d}")).await, ann);
        let page = tm.viewer.get(&format!("/projects/{p}/people/{ann}")).await;
        assert!(page.body.contains(&format!("/projects/{p}/deliverables/{d}")), "the person's page lists it");
        // Stale version: 409.
        let r = tm
            .director
            .post(
                &format!("/projects/{p}/responsibilities/1"),
                &[
                    ("entity", "deliverable"),
                    ("id", &d.to_string()),
                    ("version", &v),
                    ("owner_person_id", ""),
                    ("owner_unit_id", ""),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::CONFLICT);
    })
    .await;
}

#[tokio::test]
async fn the_demo_shows_the_chart_and_its_findings_and_fixing_one_clears_it() {
    on_each_db(|t| async move {
        let pb = t.state.playbooks.get("nine-phase").unwrap();
        ninefold::service::demo::ensure(&t.db, pb, chrono::Utc::now().date_naive()).await.unwrap();
        let mut c = t.client();
        c.get("/login").await;
        let r = c
            .post(
                "/login",
                &[
                    ("email", "wang.fang@huamei.example"),
                    ("password", ninefold::service::demo::PASSWORD),
                    ("next", "/projects"),
                ],
            )
            .await;
        r.assert_redirect();
        let p = int(&t, "SELECT MIN(id) FROM projects").await;
        let page = c.get(&format!("/projects/{p}/organisation")).await;
        assert!(page.body.contains("<svg") && page.body.contains("class=\"org-chart\""));
        assert!(page.body.contains("◆ 李娜 Li Na"), "consultants are marked in the chart");
        let found = rules(&mut c, p).await;
        assert!(found.len() >= 2, "{found:?}");
        assert!(found.contains(&"member_part_time".to_string()) && found.contains(&"group_without_leader".to_string()));

        // Fix one in the UI: 周涛 gives the project team 80%.
        let m = int(
            &t,
            &format!(
                "SELECT m.id FROM memberships m JOIN people x ON x.id = m.person_id \
                 WHERE x.name LIKE '周涛%' AND m.role = 'team_member' AND m.project_id = {p}"
            ),
        )
        .await;
        update_member(&t, &mut c, p, m, "team_member", "80").await;
        let after = rules(&mut c, p).await;
        assert!(!after.contains(&"member_part_time".to_string()), "{after:?}");
        assert_eq!(after.len(), found.len() - 1);

        // The demo's training plan started with senior management and has attendance.
        let tr = c.get(&format!("/projects/{p}/training")).await;
        assert!(!tr.body.contains("data-check="), "no order warning in the demo");
        assert!(t.count("SELECT COUNT(*) FROM attendance WHERE attended = TRUE").await >= 10);
    })
    .await;
}
