//! The demo: a Chinese appliance maker's CRM project, two gates passed and now in phase 3
//! (analysis and diagnosis), with a user for each role. Built through the same services as
//! real use, and idempotent: a second run finds the demo and changes nothing.
use super::{
    Actor, Result, business_case, gates, modules, organisation, projects, reviews, targets, training, users, work,
};
use crate::db::Db;
use crate::domain::business_case::{RawBenefit, RawCost};
use crate::domain::gates::Decision;
use crate::domain::policy::Role;
use crate::domain::project_input::ProjectInput;
use crate::domain::workflow::Transition;
use crate::entity::{audit, blueprint, project};
use crate::playbook::Playbook;
use chrono::{Datelike, Duration, NaiveDate};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};

pub const PASSWORD: &str = "ninefold-demo";

/// (email, name, role in the demo project; `None` = the administrator)
pub const USERS: &[(&str, &str, Option<Role>)] = &[
    ("admin@ninefold.example", "Ninefold Admin", None),
    ("wang.fang@huamei.example", "王芳 Wang Fang", Some(Role::Director)),
    ("zhang.wei@huamei.example", "张伟 Zhang Wei", Some(Role::Steering)),
    ("li.na@consult.example", "李娜 Li Na", Some(Role::Consultant)),
    ("chen.jie@huamei.example", "陈杰 Chen Jie", Some(Role::Member)),
    ("zhao.min@huamei.example", "赵敏 Zhao Min", Some(Role::Viewer)),
];

pub const PROJECT_NAME: &str = "华美电器 CRM 一期 · Huamei CRM Wave 1";

/// Load the demo if it is not there yet. Returns true when it was created now.
///
/// The demo is built by many services, each its own transaction; what makes it all or
/// nothing is the mark written last (an audit row `demo`/`loaded`). A run that finds the
/// demo's users or project without the mark (a load killed half-way) removes the partial
/// project and loads it again, reusing the accounts.
pub async fn ensure(db: &Db, pb: &Playbook, today: NaiveDate) -> Result<bool> {
    if loaded(&db.conn).await? {
        return Ok(false);
    }
    if remove_partial(db).await? {
        return Ok(false);
    }
    let mut ids = vec![];
    for (email, name, role) in USERS {
        let tx = db.write().await?;
        let u = match users::by_email(&*tx, email).await? {
            Some(u) => u,
            None => {
                users::create(
                    &*tx,
                    None,
                    &users::NewUser {
                        email: (*email).into(),
                        name: (*name).into(),
                        password: PASSWORD.into(),
                        is_admin: role.is_none(),
                        // The demo's director may start projects of their own.
                        project_creator: *role == Some(Role::Director),
                    },
                )
                .await?
            }
        };
        tx.commit().await?;
        ids.push((u.id, *role));
    }
    let director = Actor { user_id: ids[1].0 };
    let steering = Actor { user_id: ids[2].0 };
    let consultant = Actor { user_id: ids[3].0 };

    // Start on the Monday nine weeks ago, so that phases 1 (4 w) and 2 (3 w) lie behind and
    // phase 3 is two weeks under way whenever the demo is loaded.
    let start = today - Duration::weeks(9) - Duration::days(i64::from(today.weekday().num_days_from_monday()));
    let input = ProjectInput {
        name: PROJECT_NAME.into(),
        client_name: "华美电器股份有限公司 Huamei Appliances Co., Ltd.".into(),
        industry: "appliances".into(),
        start_date: start,
        currency: "CNY".into(),
        modules: vec!["sales".into(), "marketing".into(), "service".into(), "channels".into(), "analytics".into()],
        time_zone: None,
        linked: true,
    };
    let p = projects::create(db, director, &input, pb).await?;
    for (uid, role) in &ids[2..] {
        if let Some(role) = role {
            projects::set_member(db, director, p.id, *uid, *role).await?;
        }
    }

    // The business case, prepared by the consultant with the director and approved by the
    // steering committee before the phase-1 gate.
    let case_summary = demo_business_case(db, consultant, steering, p.id).await?;
    let phase1_why = format!(
        "Business case approved ({}); the general manager sponsors the project. 商业论证已批准，总经理担任项目发起人。",
        case_summary
    );

    // Phases 1 and 2: every deliverable submitted by the consultant and accepted by the
    // steering committee; gate passed in the phase's last week.
    let phases = projects::phases(&db.conn, p.id).await?;
    for (ph, decision, why) in [
        (&phases[0], Decision::Go, phase1_why.as_str()),
        (
            &phases[1],
            Decision::GoWithConditions,
            "Organisation and plan approved. Condition: the service department names its key users by the end of week 2. 组织与计划已批准；条件：客服部第二周内确定关键用户。",
        ),
    ] {
        for d in work::deliverables_of_phase(&db.conn, ph.id).await? {
            let d = work::transition(db, consultant, p.id, d.id, d.version, Transition::Submit, "").await?;
            work::transition(
                db,
                steering,
                p.id,
                d.id,
                d.version,
                Transition::Accept,
                "符合验收标准 / Meets the acceptance criteria",
            )
            .await?;
        }
        // Steering committees meet on weekdays: the Friday before the planned Sunday finish.
        // The phase's work is done by its gate: what is still open closes with the decision.
        let settled = gates::OpenWork::Close("随阶段评审完成 / Completed with the gate".into());
        gates::decide(db, steering, p.id, ph.seq, decision, why, ph.planned_finish - Duration::days(2), &settled)
            .await?;
    }

    // Phase 3 under way: the installation record accepted, the as-is inventory submitted,
    // the diagnosis report being drafted.
    let dels = work::deliverables_of_phase(&db.conn, phases[2].id).await?;
    if let Some(d) = dels.first() {
        let d = work::save_notes(db, consultant, p.id, d.id, d.version, "测试、培训、生产三套环境已安装；角色与权限按部门配置。\nTest, training and production environments installed; roles and access set per department.").await?;
        let d = work::transition(db, consultant, p.id, d.id, d.version, Transition::Submit, "").await?;
        work::transition(db, steering, p.id, d.id, d.version, Transition::Accept, "").await?;
    }
    if let Some(d) = dels.get(1) {
        let d = work::save_notes(db, director, p.id, d.id, d.version, "已梳理 23 个现行流程：销售 9、市场 6、客服 8。\n23 as-is processes inventoried: sales 9, marketing 6, service 8.").await?;
        work::transition(db, director, p.id, d.id, d.version, Transition::Submit, "").await?;
    }
    if let Some(d) = dels.get(2) {
        work::save_notes(db, consultant, p.id, d.id, d.version, "客户投诉处理流程鱼骨图分析进行中：响应慢、信息不共享、无文档、无解决方案库。\nFishbone analysis of complaint handling under way: slow response, no shared information, no documentation, no solution database.").await?;
    }
    let acts = projects::overview(&db.conn, p.clone(), Some(3)).await?.activities;
    for a in acts.iter().take(2) {
        work::set_activity_done(db, director, p.id, a.id, a.version, true).await?;
    }
    work::add_activity(
        db,
        director,
        p.id,
        3,
        "Interview regional service centres (Guangzhou, Wuhan)",
        "走访区域服务中心（广州、武汉）",
        "functional_group",
    )
    .await?;
    organisation_and_training(db, director, consultant, &p, &ids, start).await?;
    targets_and_modules(db, director, steering, p.id, today).await?;
    schedule_demo(db, director, p.id, today).await?;
    super::demo_diagnosis::seed(db, director, consultant, p.id, today).await?;
    super::demo_insurer::seed(db, pb, &ids, today).await?;
    super::demo_budget::seed(db, director, consultant, Actor { user_id: ids[4].0 }, p.id, today).await?;
    super::demo_golive::seed(db, pb, &ids, today).await?;
    super::demo_evaluation::seed(db, &ids, today).await?;
    // The mark: only now is the demo "present".
    let tx = db.write().await?;
    super::audit::record_as(&*tx, None, Some(p.id), DEMO_MARK, p.id, "loaded", None::<&()>, None::<&()>).await?;
    tx.commit().await?;
    Ok(true)
}

const DEMO_MARK: &str = "demo";

/// Whether a demo load ran to its end.
async fn loaded<C: ConnectionTrait>(c: &C) -> Result<bool> {
    Ok(audit::Entity::find()
        .filter(audit::Column::Entity.eq(DEMO_MARK))
        .filter(audit::Column::Action.eq("loaded"))
        .one(c)
        .await?
        .is_some())
}

/// Delete what an interrupted load left: demo projects without the mark (their rows go
/// with them, foreign keys cascade), in one transaction. A demo loaded before the mark
/// existed has its blueprint (one of the last steps): it is marked, not reloaded.
/// Returns true when such a complete demo was found.
async fn remove_partial(db: &Db) -> Result<bool> {
    let tx = db.write().await?;
    let partial = project::Entity::find().filter(project::Column::Name.eq(PROJECT_NAME)).all(&*tx).await?;
    let mut complete = false;
    for p in partial {
        if blueprint::Entity::find().filter(blueprint::Column::ProjectId.eq(p.id)).one(&*tx).await?.is_some() {
            super::audit::record_as(&*tx, None, Some(p.id), DEMO_MARK, p.id, "loaded", None::<&()>, None::<&()>)
                .await?;
            complete = true;
            continue;
        }
        tracing::warn!(project = p.id, "removing a demo project whose load was interrupted");
        super::write::delete_projects(&*tx, sea_orm::Condition::all().add(project::Column::Id.eq(p.id))).await?;
    }
    tx.commit().await?;
    Ok(complete)
}

/// Modules in several rollout states, four targets with a few months of measurements (one
/// off track), and a steering review with action items.
async fn targets_and_modules(
    db: &Db,
    director: Actor,
    steering: Actor,
    project_id: i32,
    today: NaiveDate,
) -> Result<()> {
    let ago = |days: i64| today - Duration::days(days);
    for m in modules::modules(&db.conn, project_id).await? {
        let (status, stage, planned, active) = match m.key.as_str() {
            "service" => ("configured", "data_integration", "120", "0"),
            "sales" => ("configured", "data_integration", "260", "0"),
            "marketing" => ("planned", "data_integration", "40", "0"),
            _ => continue,
        };
        let raw = modules::RawModule {
            in_scope: m.in_scope,
            owner_group: if m.key == "service" { "客服部职能小组 Service group".into() } else { String::new() },
            status: status.into(),
            status_date: ago(10).to_string(),
            lifecycle: stage.into(),
            planned_users: planned.into(),
            active_users: active.into(),
        };
        if status != m.status || raw.planned_users != "0" {
            modules::update(db, director, project_id, m.id, m.version, &raw, today).await?;
        }
    }
    for f in modules::features(&db.conn, project_id)
        .await?
        .iter()
        .filter(|f| ["service_requests", "knowledge_base", "contacts", "opportunities"].contains(&f.key.as_str()))
    {
        modules::set_feature(db, director, project_id, f.id, f.version, "configured").await?;
    }

    let base = ago(120);
    let goal = base + Duration::days(365);
    // (key, name, kind, unit, direction, baseline, target, monthly values, 30-day steps back)
    type Spec = (&'static str, &'static str, &'static str, &'static str, &'static str, f64, &'static str, [f64; 4]);
    let specs: [Spec; 4] = [
        (
            "sales-revenue",
            "销售收入 +10% · Sales revenue +10%",
            "explicit",
            "万元/月",
            "increase",
            2350.0,
            "+10%",
            [2362.0, 2391.0, 2418.0, 2446.0],
        ),
        (
            "service-cost",
            "单张工单服务成本 −15% · Service cost per ticket −15%",
            "explicit",
            "CNY",
            "decrease",
            86.0,
            "-15%",
            [86.4, 87.1, 86.8, 86.9],
        ),
        (
            "csat",
            "客户满意度 · Customer satisfaction (CSAT)",
            "implicit",
            "%",
            "increase",
            78.0,
            "85",
            [78.6, 79.5, 80.4, 81.2],
        ),
        (
            "first-response",
            "首次响应时间 · First response time",
            "implicit",
            "h",
            "decrease",
            26.0,
            "8",
            [24.5, 22.0, 19.5, 17.5],
        ),
    ];
    let keys: Vec<String> = crate::domain::catalog::MODULES.iter().map(|m| m.to_string()).collect();
    for (key, name, kind, unit, direction, baseline, target, values) in specs {
        let raw = targets::RawTarget {
            key: key.into(),
            name: name.into(),
            kind: kind.into(),
            metric: name.split(" · ").nth(1).unwrap_or(name).into(),
            unit: unit.into(),
            direction: direction.into(),
            baseline_value: baseline.to_string(),
            baseline_date: base.to_string(),
            target_input: target.into(),
            target_date: goal.to_string(),
            method: "月度统计，来自现有呼叫中心与 ERP 报表 · Monthly, from the call-centre and ERP reports".into(),
            data_source: if key == "sales-revenue" { "ERP".into() } else { "Call centre / 呼叫中心".into() },
            owner: if kind == "explicit" { "王芳 Wang Fang".into() } else { "客服部 Service dept.".into() },
            module_key: if key == "sales-revenue" { "sales".into() } else { "service".into() },
        };
        let input = targets::validate(&raw, &keys).map_err(super::Error::Invalid)?;
        let t = targets::create(db, director, project_id, &input).await?;
        for (i, v) in values.iter().enumerate() {
            let on = ago(90 - 30 * i as i64);
            targets::add_manual(db, director, project_id, t.id, &on.to_string(), &v.to_string(), "").await?;
        }
    }

    let r = reviews::create(
        db,
        steering,
        project_id,
        &ago(22).to_string(),
        "指导委员会第 2 次会议 · Steering committee #2",
        "张伟、王芳、李娜、各部门经理",
    )
    .await?;
    reviews::add_action(
        db,
        steering,
        project_id,
        r.id,
        "客服部确定关键用户名单 · Service dept. names its key users",
        "客服部经理 Service manager",
        &ago(8).to_string(),
    )
    .await?;
    reviews::add_action(
        db,
        steering,
        project_id,
        r.id,
        "提交现有服务成本构成分析 · Break down today's service cost per ticket",
        "王芳 Wang Fang",
        &(today + Duration::days(14)).to_string(),
    )
    .await?;
    if let Some(a) = reviews::actions_of(&db.conn, r.id).await?.first() {
        reviews::set_action_status(db, steering, project_id, a.id, a.version, true, ago(5)).await?;
    }
    reviews::save_decisions(db, steering, project_id, r.id, 1, "1. 批准项目计划与培训计划。Project plan and training plan approved.\n2. 服务成本目标维持 −15%。The service cost target stays at −15%.").await?;
    Ok(())
}

/// Cost lines of the demo case: (category, description, recurrence, amount in CNY, growth %).
const DEMO_COSTS: &[(&str, &str, &str, &str, &str)] = &[
    ("software", "CRM subscription, 300 users 订阅费（300 用户）", "recurring", "1,200,000", "3"),
    ("implementation", "Implementation partner 实施服务", "one_time", "2,400,000", "0"),
    ("customisation", "Service-order and warranty customisation 服务工单与保修定制", "one_time", "600,000", "0"),
    ("integration", "ERP (SAP) and call-centre CTI integration ERP 与呼叫中心集成", "one_time", "800,000", "0"),
    ("data_migration", "Customer and install-base data cleansing 客户与装机数据清洗迁移", "one_time", "350,000", "0"),
    ("hardware", "Call-centre headsets, test and training servers 呼叫中心与测试环境硬件", "one_time", "300,000", "0"),
    ("training", "User training, 4 regions 四大区用户培训", "one_time", "280,000", "0"),
    ("internal_staff", "Project team time (6 FTE × 6 months) 内部项目团队投入", "one_time", "900,000", "0"),
    ("support", "Support and administration 运维支持", "recurring", "360,000", "3"),
    ("change_management", "Change management and communication 变革管理与沟通", "one_time", "250,000", "0"),
];

async fn demo_business_case(db: &Db, author: Actor, steering: Actor, project_id: i32) -> Result<String> {
    business_case::create(db, author, project_id).await?;
    for (category, description, recurrence, amount, growth) in DEMO_COSTS {
        let raw = RawCost {
            category: (*category).into(),
            description: (*description).into(),
            recurrence: (*recurrence).into(),
            amount: (*amount).into(),
            growth: (*growth).into(),
            ..Default::default()
        };
        business_case::add_cost(db, author, project_id, &raw).await?;
    }
    let benefit = |kind: &str,
                   description: &str,
                   amount: &str,
                   hours: &str,
                   margin: &str,
                   growth: &str,
                   first: &str,
                   risk: &str| RawBenefit {
        kind: kind.into(),
        description: description.into(),
        amount: amount.into(),
        hours: hours.into(),
        margin: margin.into(),
        growth: growth.into(),
        first_year: first.into(),
        risk: risk.into(),
        include_in_roi: false,
        target_key: String::new(),
        ..Default::default()
    };
    for raw in [
        benefit(
            "cost_reduction",
            "Service cost: fewer repeat field visits, self-service 服务成本下降（减少重复上门、自助服务）",
            "2,000,000",
            "",
            "",
            "3",
            "1",
            "15",
        ),
        benefit(
            "productivity",
            "Sales productivity: 90 reps × 120 h a year 销售效率（90 名销售 × 每年 120 小时）",
            "150",
            "10,800",
            "",
            "0",
            "1",
            "20",
        ),
        benefit(
            "revenue",
            "Revenue uplift from cross-sell and retention 交叉销售与客户保留带来的增收",
            "15,000,000",
            "",
            "18",
            "5",
            "2",
            "25",
        ),
        benefit(
            "cost_reduction",
            "Marketing: targeted campaigns, less print 精准营销、减少印刷",
            "500,000",
            "",
            "",
            "0",
            "1",
            "10",
        ),
        benefit(
            "intangible",
            "Customer satisfaction and loyalty 客户满意度与忠诚度",
            "1,000,000",
            "",
            "",
            "0",
            "1",
            "0",
        ),
    ] {
        business_case::add_benefit(db, author, project_id, &raw).await?;
    }
    let case = business_case::case_of(&db.conn, project_id).await?.ok_or(super::Error::NotFound)?;
    business_case::approve(db, steering, project_id, case.version).await?;
    let loaded = business_case::load(&db.conn, project_id).await?.ok_or(super::Error::NotFound)?;
    let summary = match loaded.scenarios.first() {
        Some(s) => {
            let r = business_case::evaluate(&loaded, s);
            format!(
                "NPV {}, ROI {:.0}% over {} years",
                crate::domain::money::format_whole(r.npv, "CNY"),
                r.roi.unwrap_or(0.0) * 100.0,
                s.horizon_years
            )
        }
        None => String::new(),
    };
    Ok(summary)
}

/// (name, title, department, side, email, linked demo user index)
pub(super) type DemoPerson = (&'static str, &'static str, &'static str, &'static str, &'static str, Option<usize>);
const PEOPLE: &[DemoPerson] = &[
    ("张伟 Zhang Wei", "总经理 General manager", "management", "client", "zhang.wei@huamei.example", Some(2)),
    ("王芳 Wang Fang", "市场总监 Marketing director", "marketing", "client", "wang.fang@huamei.example", Some(1)),
    ("刘强 Liu Qiang", "销售副总 VP Sales", "sales", "client", "liu.qiang@huamei.example", None),
    ("孙丽 Sun Li", "财务总监 CFO", "finance", "client", "sun.li@huamei.example", None),
    ("赵敏 Zhao Min", "总监助理 Assistant to the director", "marketing", "client", "zhao.min@huamei.example", Some(5)),
    ("陈杰 Chen Jie", "销售经理 Sales manager", "sales", "client", "chen.jie@huamei.example", Some(4)),
    ("周涛 Zhou Tao", "客服经理 Service manager", "service", "client", "zhou.tao@huamei.example", None),
    ("吴刚 Wu Gang", "信息部经理 IT manager", "it", "client", "wu.gang@huamei.example", None),
    ("郑雪 Zheng Xue", "市场经理 Marketing manager", "marketing", "client", "zheng.xue@huamei.example", None),
    ("黄磊 Huang Lei", "大客户销售 Key account sales", "sales", "client", "", None),
    ("林静 Lin Jing", "区域销售 Regional sales", "sales", "client", "", None),
    ("何敏 He Min", "客服主管 Service supervisor", "service", "client", "", None),
    ("马超 Ma Chao", "维修调度 Repair dispatcher", "service", "client", "", None),
    ("高远 Gao Yuan", "市场专员 Campaign specialist", "marketing", "client", "", None),
    ("罗芳 Luo Fang", "销售代表 Sales representative", "sales", "client", "", None),
    ("谢军 Xie Jun", "客服代表 Service agent", "service", "client", "", None),
    ("韩梅 Han Mei", "市场助理 Marketing assistant", "marketing", "client", "", None),
    (
        "王磊 Wang Lei",
        "高级执行经理 Senior executive manager",
        "consultancy",
        "consultancy",
        "wang.lei@consult.example",
        None,
    ),
    ("李娜 Li Na", "项目经理 Project manager", "consultancy", "consultancy", "li.na@consult.example", Some(3)),
    (
        "钱程 Qian Cheng",
        "应用顾问 Application consultant",
        "consultancy",
        "consultancy",
        "qian.cheng@consult.example",
        None,
    ),
    ("冯博 Feng Bo", "技术顾问 Technical consultant", "consultancy", "consultancy", "feng.bo@consult.example", None),
];

/// (unit key, person index, role, allocation). Deliberately imperfect: 周涛 gives the team
/// only 60%, the service group has no leader, and no back-office head is on the team.
const MEMBERS: &[(&str, usize, &str, i32)] = &[
    ("steering", 0, "chair", 10),
    ("steering", 2, "member", 10),
    ("steering", 3, "member", 5),
    ("steering", 17, "senior_executive_manager", 10),
    ("team", 1, "project_director", 100),
    ("team", 4, "key_assistant", 100),
    ("team", 5, "team_member", 80),
    ("team", 6, "team_member", 60),
    ("team", 7, "team_member", 80),
    ("team", 18, "project_manager", 100),
    ("group:marketing", 8, "group_leader", 60),
    ("group:marketing", 13, "key_user", 40),
    ("group:sales", 5, "group_leader", 20),
    ("group:sales", 9, "key_user", 30),
    ("group:sales", 10, "key_user", 30),
    ("group:sales", 19, "application_consultant", 50),
    ("group:service", 11, "key_user", 40),
    ("group:service", 12, "key_user", 30),
    ("group:service", 19, "application_consultant", 50),
    ("group:it", 7, "group_leader", 20),
    ("group:it", 20, "technical_consultant", 100),
];

/// People (linked to their demo accounts where given) and their places in the three tiers:
/// `members` are (unit key, person index, role, allocation %).
pub(super) async fn staff(
    db: &Db,
    director: Actor,
    p: &crate::entity::project::Model,
    people: &[DemoPerson],
    members: &[(&str, usize, &str, i32)],
    users: &[(i32, Option<Role>)],
) -> Result<Vec<crate::entity::person::Model>> {
    use crate::domain::people::{RawPerson, validate};
    organisation::ensure_tiers(db, director, p).await?;
    let mut out = vec![];
    for (name, title, dept, side, email, user) in people {
        let raw = RawPerson {
            name: (*name).into(),
            title: (*title).into(),
            department: (*dept).into(),
            side: (*side).into(),
            email: (*email).into(),
            phone: String::new(),
        };
        let input = validate(&raw)?;
        let mut person = organisation::create_person(db, director, p.id, &input).await?;
        if let Some(i) = user {
            person =
                organisation::update_person(db, director, p.id, person.id, person.version, &input, Some(users[*i].0))
                    .await?;
        }
        out.push(person);
    }
    let units = organisation::units(&db.conn, p.id).await?;
    for (key, who, role, alloc) in members {
        if let Some(u) = units.iter().find(|u| u.key == *key) {
            let f = organisation::MemberForm {
                person_id: out[*who].id.to_string(),
                role: role.to_string(),
                allocation: alloc.to_string(),
            };
            organisation::add_membership(db, director, p.id, u.id, &f).await?;
        }
    }
    Ok(out)
}

/// The organisation of the three tiers and a training plan that started with senior
/// management, with attendance recorded for the sessions held.
async fn organisation_and_training(
    db: &Db,
    director: Actor,
    consultant: Actor,
    p: &crate::entity::project::Model,
    users: &[(i32, Option<Role>)],
    start: NaiveDate,
) -> Result<()> {
    use crate::domain::training::{Choices, RawSession, validate as session};
    let people = staff(db, director, p, PEOPLE, MEMBERS, users).await?;
    let units = organisation::units(&db.conn, p.id).await?;
    // Responsibilities in the phase under way.
    let phases = projects::phases(&db.conn, p.id).await?;
    let team = units.iter().find(|u| u.key == "team").map(|u| u.id.to_string()).unwrap_or_default();
    for (i, d) in work::deliverables_of_phase(&db.conn, phases[2].id).await?.iter().enumerate() {
        let owner = people[if i == 1 { 1 } else { 18 }].id.to_string();
        organisation::set_owner(db, director, p.id, "deliverable", d.id, d.version, &owner, &team).await?;
    }

    let sales_group = units.iter().find(|u| u.key == "group:sales").map(|u| u.id).unwrap_or_default();
    let group_ids: Vec<i32> = units.iter().filter(|u| u.kind == "group").map(|u| u.id).collect();
    let modules: Vec<&str> = organisation::modules_of(p);
    let choices = Choices {
        phases: phases.len() as i32,
        modules: &modules,
        group_ids: &group_ids,
        departments: crate::domain::org::DEPARTMENTS,
        currency: &p.currency,
    };
    let day = |d: i64| (start + Duration::days(d)).to_string();
    // (title, audience, group, department, phase, module, date, minutes, place, online, trainer,
    //  cost, hands-on, status, attendees with scores)
    type Plan<'a> = (
        &'a str,
        &'a str,
        Option<i32>,
        &'a str,
        i32,
        &'a str,
        String,
        i32,
        &'a str,
        bool,
        &'a str,
        &'a str,
        bool,
        &'a str,
        Vec<(usize, Option<i32>)>,
    );
    let plan: Vec<Plan> = vec![
        (
            "CRM 理念与战略（高层培训）CRM concepts for senior management",
            "senior_management",
            None,
            "",
            1,
            "",
            day(8),
            180,
            "总部第一会议室 Head office, room 1",
            false,
            "王磊 Wang Lei",
            "8000",
            false,
            "held",
            vec![(0, Some(92)), (2, Some(85)), (3, Some(88)), (1, Some(95))],
        ),
        (
            "项目组 CRM 应用培训 CRM application training for the project team",
            "project_team",
            None,
            "",
            3,
            "",
            day(50),
            480,
            "培训中心 Training centre",
            false,
            "李娜 Li Na",
            "12000",
            true,
            "held",
            vec![(1, Some(90)), (4, Some(86)), (5, Some(91)), (6, None), (7, Some(94))],
        ),
        (
            "系统管理员培训 Administrator training",
            "administrators",
            None,
            "",
            3,
            "",
            day(51),
            240,
            "",
            true,
            "冯博 Feng Bo",
            "6000",
            true,
            "held",
            vec![(7, Some(96))],
        ),
        (
            "销售关键用户培训 Sales key-user training",
            "functional_group",
            Some(sales_group),
            "",
            5,
            "sales",
            day(100),
            360,
            "培训中心 Training centre",
            false,
            "钱程 Qian Cheng",
            "5000",
            true,
            "planned",
            vec![(5, None), (9, None), (10, None)],
        ),
        (
            "客服最终用户培训 End-user training, customer service",
            "end_users",
            None,
            "service",
            7,
            "service",
            day(150),
            240,
            "广州服务中心 Guangzhou service centre",
            false,
            "钱程 Qian Cheng",
            "15000",
            true,
            "planned",
            vec![],
        ),
    ];
    for (
        title,
        audience,
        group,
        dept,
        phase,
        module,
        date,
        minutes,
        place,
        online,
        trainer,
        cost,
        hands_on,
        status,
        who,
    ) in plan
    {
        let raw = RawSession {
            title: title.into(),
            audience: audience.into(),
            audience_unit_id: group.map(|g| g.to_string()).unwrap_or_default(),
            audience_department: dept.into(),
            phase_seq: phase.to_string(),
            module: module.into(),
            date,
            start_time: "09:00".into(),
            duration_minutes: minutes.to_string(),
            place: place.into(),
            online,
            trainer: trainer.into(),
            cost: cost.into(),
            hands_on,
            status: status.into(),
        };
        let input = session(&raw, &choices)?;
        let s = training::create_session(db, consultant, p, &input).await?;
        let ids: Vec<String> = who.iter().map(|(i, _)| people[*i].id.to_string()).collect();
        if ids.is_empty() {
            continue;
        }
        training::invite(db, consultant, p.id, s.id, &ids).await?;
        if status == "held" {
            for a in training::attendance_of(&db.conn, s.id).await? {
                let score = who.iter().find(|(i, _)| people[*i].id == a.person_id).and_then(|(_, sc)| *sc);
                let score = score.map(|v| v.to_string()).unwrap_or_default();
                training::record_attendance(db, consultant, p.id, a.id, a.version, true, &score).await?;
            }
        }
    }
    Ok(())
}

/// A schedule on the method's network with a baseline, public holidays and one activity that
/// slipped: the as-is analysis is on the critical path, so its extra week moves every later
/// phase and the go-live forecast, and the baseline shows by how much.
async fn schedule_demo(db: &Db, director: Actor, project_id: i32, today: NaiveDate) -> Result<()> {
    use super::schedule;
    // The project's own activity joins the network: the diagnosis is reviewed once the
    // interviews are finished too (finish-to-finish).
    let plan = schedule::load(&db.conn, project_id).await?;
    let interviews = plan.activities.iter().find(|a| a.key.is_none() && a.name_en.starts_with("Interview regional"));
    let review = plan.activities.iter().find(|a| a.key.as_deref() == Some("diagnosis-review"));
    if let (Some(i), Some(r)) = (interviews, review) {
        let link = schedule::NewLink {
            pred: format!("activity:{}", i.id),
            succ: format!("activity:{}", r.id),
            kind: "FF".into(),
            lag: "0".into(),
        };
        schedule::add_dependency(db, director, project_id, &link).await?;
    }
    schedule::save_baseline(db, director, project_id, "批准的计划 · Approved plan").await?;
    for (day, name) in [("2027-01-01", "元旦 New Year's Day"), ("2027-05-03", "劳动节 Labour Day")] {
        let day = schedule::NewDay { day: day.into(), kind: "holiday".into(), name: name.into() };
        schedule::add_day(db, director, project_id, &day).await?;
    }
    let plan = schedule::load(&db.conn, project_id).await?;
    if let Some(a) = plan.activities.iter().find(|a| a.key.as_deref() == Some("as-is-process-analysis")) {
        let raw = schedule::RawActivity {
            start: a.not_before.unwrap_or(a.planned_start).to_string(),
            duration: (a.duration_days + 5).to_string(),
            percent: "40".into(),
            actual_start: a.planned_start.min(today).to_string(),
            actual_finish: String::new(),
        };
        schedule::update_activity(db, director, project_id, a.id, a.version, &raw).await?;
    }
    Ok(())
}
