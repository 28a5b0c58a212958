//! The demo's phase 3 and 4 material: Huamei's as-is process inventory, scored and ranked
//! with three processes chosen for redesign, two fishbone analyses, the installation record,
//! data sources with quality measured over time, the risk register judged by the team, and
//! one to-be process with a revision. Called once at the end of `demo::ensure`.
use super::{Actor, Result, blueprint, diagnosis, risks};
use crate::db::Db;
use crate::domain::diagnosis::{Cause, Content, Scores, parse_steps};
use chrono::{Duration, NaiveDate};

type Proc = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    Option<[i32; 3]>,
    bool,
    &'static str,
);

const PROCESSES: &[Proc] = &[
    (
        "service",
        "客户投诉处理 · Complaint handling",
        "Complaints arrive by hotline, dealers and WeChat; agents write them on paper forms and pass them on by phone. 投诉经热线、经销商和微信进入，坐席手工登记后电话转交。",
        "客服部 Customer service",
        "约 1,300 件/月 · ~1,300 / month",
        "Slow response (avg. 26 h), no shared case history, no documentation, no solution database. 响应慢、信息不共享、无记录、无解决方案库。",
        "Call-centre phone system, Excel log, paper forms",
        Some([5, 5, 4]),
        true,
        "Drives customer satisfaction and repeat purchase; today's handling is the weakest link; CRM service requests and a knowledge base fit directly.",
    ),
    (
        "service",
        "现场服务派工 · Field service dispatch",
        "Regional centres dispatch engineers by phone and WeChat groups; no view of engineer load or parts.",
        "客服部 Customer service",
        "约 4,800 单/月 · ~4,800 jobs / month",
        "Double bookings, engineers arrive without parts, no proof of visit.",
        "WeChat groups, Excel rota",
        Some([4, 4, 4]),
        true,
        "Large volume and cost; repair scheduling and mobile field service are standard CRM features.",
    ),
    (
        "service",
        "保修索赔 · Warranty claims",
        "Dealers send claim forms by fax; service admin checks serial numbers against ERP by hand.",
        "客服部 / 财务部 Service / Finance",
        "约 900 件/月 · ~900 / month",
        "Fraudulent claims, 3-week settlement, dealers unhappy.",
        "Fax, ERP warranty table",
        Some([4, 4, 3]),
        true,
        "Money leaks through unchecked claims; needs ERP integration, so slightly less feasible.",
    ),
    (
        "service",
        "备件申领 · Spare parts requests",
        "Engineers request parts from the regional warehouse by phone.",
        "客服部 / 仓储 Service / Warehouse",
        "约 6,000 行/月 · ~6,000 lines / month",
        "Stock-outs, no link to the service job.",
        "ERP inventory",
        Some([3, 3, 2]),
        false,
        "Mostly an ERP matter; CRM only links parts to jobs.",
    ),
    (
        "sales",
        "销售线索处理 · Lead handling",
        "Leads from exhibitions and the website go to regional managers by e-mail; follow-up is not tracked.",
        "销售部 Sales",
        "约 2,000 条/月 · ~2,000 / month",
        "Leads lost, no conversion figures, duplicate contacts.",
        "E-mail, Excel",
        Some([4, 4, 5]),
        false,
        "High value and easy to fix, but marketing's campaign system must come first (wave 2).",
    ),
    (
        "sales",
        "商机管理 · Opportunity management",
        "Key-account opportunities (hotels, property developers) tracked in personal spreadsheets.",
        "销售部 Sales",
        "约 350 个在跟商机 · ~350 open",
        "No pipeline view, forecasts by gut feeling.",
        "Excel",
        Some([4, 3, 4]),
        false,
        "Important for project sales; performance is fair.",
    ),
    (
        "sales",
        "经销商订货 · Dealer orders",
        "Dealers order by phone and fax; sales assistants key orders into ERP.",
        "销售部 Sales",
        "约 7,500 单/月 · ~7,500 / month",
        "Keying errors, no order status for dealers.",
        "Fax, ERP sales orders",
        Some([3, 3, 3]),
        false,
        "Works today; a partner portal is a later wave.",
    ),
    (
        "marketing",
        "营销活动执行 · Campaign execution",
        "Campaigns planned in PowerPoint; dealer lists pulled from ERP; no response tracking.",
        "市场部 Marketing",
        "约 40 场/年 · ~40 / year",
        "No ROI per campaign, lists out of date.",
        "PowerPoint, ERP extracts",
        Some([3, 4, 4]),
        false,
        "Visible to management; depends on clean customer data.",
    ),
    (
        "marketing",
        "客户回访 · Customer follow-up calls",
        "Satisfaction calls after installation by an outsourced call centre; results in Excel.",
        "市场部 Marketing",
        "约 10,000 通/月 · ~10,000 calls / month",
        "Results never reach service or sales.",
        "Outsourced call centre, Excel",
        None,
        false,
        "",
    ),
    (
        "analytics",
        "客户价值分析 · Customer value analysis",
        "Annual dealer ranking by revenue only, built by finance.",
        "财务部 Finance",
        "每年一次 · yearly",
        "No view of service cost or loyalty.",
        "ERP reports",
        None,
        false,
        "",
    ),
];

const COMPLAINT_CAUSES: &[(&str, &str, i32, &str)] = &[
    ("people", "坐席不清楚处理权限 · Agents unsure what they may decide", 3, "no escalation rules"),
    ("people", "无人对投诉负责到底 · Nobody owns a complaint end to end", 4, ""),
    ("process", "响应慢，靠电话转交 · Slow response, hand-offs by phone", 5, "average 26 h to first response"),
    ("process", "没有升级与回访环节 · No escalation or follow-up step", 3, ""),
    ("policy", "没有服务时限承诺 · No service-level commitment", 3, ""),
    ("technology", "信息不共享 · No shared information between hotline, dealers and centres", 5, ""),
    ("technology", "热线系统不记录来电 · Hotline does not log calls", 2, ""),
    ("data", "没有处理记录 · No documentation of past cases", 4, ""),
    ("data", "没有解决方案库 · No solution database", 5, "engineers ask colleagues by phone"),
    ("measurement", "不统计响应时间 · Response time not measured", 3, ""),
];

const LEAD_CAUSES: &[(&str, &str, i32, &str)] = &[
    ("people", "区域经理不愿录入 · Regional managers reluctant to record leads", 4, ""),
    ("process", "线索分配无规则 · No rule for distributing leads", 4, ""),
    ("policy", "考核只看签单 · Incentives reward closed orders only", 3, ""),
    ("technology", "线索散落在邮件中 · Leads scattered across e-mail", 4, ""),
    ("data", "重复联系人 · Duplicate contacts", 3, "about 12% in the exhibition lists"),
    ("measurement", "不统计转化率 · Conversion not measured", 4, ""),
];

fn causes(list: &[(&str, &str, i32, &str)]) -> Vec<Cause> {
    list.iter()
        .map(|(c, t, w, n)| Cause { category: (*c).into(), text: (*t).into(), note: (*n).into(), weight: *w })
        .collect()
}

pub async fn seed(db: &Db, director: Actor, consultant: Actor, project_id: i32, today: NaiveDate) -> Result<()> {
    // The inventory and its scoring.
    let mut ids = vec![];
    for (module, name, as_is, dept, volume, pain, systems, scores, chosen, why) in PROCESSES {
        let raw = diagnosis::RawProcess {
            module_key: (*module).into(),
            name: (*name).into(),
            as_is: (*as_is).into(),
            owner_dept: (*dept).into(),
            volume: (*volume).into(),
            pain_points: (*pain).into(),
            systems: (*systems).into(),
        };
        let p = diagnosis::create_process(db, director, project_id, &raw).await?;
        if let Some([i, perf, f]) = scores {
            let s = diagnosis::ScoreInput {
                scores: Scores { importance: *i, performance: *perf, feasibility: *f },
                justification: (*why).into(),
                selected: *chosen,
            };
            diagnosis::score(db, consultant, project_id, p.id, p.version, &s).await?;
        }
        ids.push(p.id);
    }

    // Two fishbone analyses (seed 004's complaint example, and lead handling).
    for (pid, effect, list) in [
        (ids[0], "投诉响应慢、客户不满 · Complaints answered slowly, customers unhappy", COMPLAINT_CAUSES),
        (ids[4], "线索流失、转化率低 · Leads lost, low conversion", LEAD_CAUSES),
    ] {
        let input = diagnosis::FishboneInput { effect: effect.into(), process_id: Some(pid), causes: causes(list) };
        diagnosis::create_fishbone(db, consultant, project_id, &input).await?;
    }

    // Installation and access control.
    let installed = today - Duration::days(10);
    for (kind, sizing, on, roles, trained) in [
        (
            "test",
            "2 app servers, 1 DB (16 vCPU, 64 GB); 50 named users",
            Some(installed),
            "Admin, consultant, key user",
            true,
        ),
        (
            "training",
            "1 app server, 1 DB; 120 named users",
            Some(installed + Duration::days(3)),
            "Trainer, trainee per department",
            true,
        ),
        (
            "production",
            "4 app servers (HA), DB cluster; 1,200 named users, 300 concurrent",
            None,
            "Planned: by department and region (sales, marketing, service, dealers)",
            false,
        ),
    ] {
        let raw = diagnosis::RawEnvironment {
            kind: kind.into(),
            sizing: sizing.into(),
            installed_on: on.map(|d| d.to_string()).unwrap_or_default(),
            security_roles: roles.into(),
            admin_trained: trained,
        };
        diagnosis::save_environment(db, director, project_id, &raw).await?;
    }

    // Data sources with quality measured three times.
    let dates = [today - Duration::days(42), today - Duration::days(21), today - Duration::days(3)];
    for (name, entity, count, owner, cleansing, quality) in [
        (
            "经销商客户主数据 · Dealer customer master (ERP)",
            "customers",
            48_200,
            "销售管理部 Sales admin",
            "in_progress",
            [[81.5, 7.2, 88.0], [89.0, 4.1, 93.5], [94.2, 2.3, 96.1]],
        ),
        (
            "终端用户档案 · End-customer records (hotline)",
            "contacts",
            612_000,
            "客服部 Customer service",
            "in_progress",
            [[64.0, 12.5, 79.0], [71.5, 9.8, 84.0], [78.3, 6.4, 88.7]],
        ),
        (
            "大客户商机表 · Key-account opportunity sheets",
            "opportunities",
            1_350,
            "销售部 Sales",
            "done",
            [[72.0, 3.0, 90.0], [91.0, 1.2, 96.0], [97.5, 0.4, 98.8]],
        ),
        (
            "服务工单历史 · Service job history (3 years)",
            "service_history",
            173_000,
            "客服部 Customer service",
            "not_started",
            [[58.0, 2.1, 81.0], [58.4, 2.1, 81.3], [60.1, 2.0, 82.0]],
        ),
        (
            "产品与备件目录 · Product and spare-part catalogue",
            "products",
            9_400,
            "技术部 Engineering",
            "done",
            [[97.0, 0.8, 98.5], [98.1, 0.3, 99.2], [99.0, 0.1, 99.6]],
        ),
    ] {
        let s = diagnosis::create_source(
            db,
            director,
            project_id,
            &diagnosis::SourceInput {
                name: name.into(),
                entity: entity.into(),
                record_count: count,
                owner: owner.into(),
                cleansing: cleansing.into(),
                migration: "not_started".into(),
            },
        )
        .await?;
        for (d, q) in dates.iter().zip(quality) {
            let v = q.map(|x| x.to_string());
            diagnosis::add_check(db, consultant, project_id, s.id, &d.to_string(), [&v[0], &v[1], &v[2]]).await?;
        }
    }

    // The risk register: the team judged the pre-loaded factors.
    let review = today + Duration::days(28);
    let all = risks::list(&db.conn, project_id).await?;
    for r in all {
        let Some(key) = r.factor_key.clone() else { continue };
        let rate = |p: i32, i: i32, owner: &str, mitigation: &str, contingency: &str| risks::RiskInput {
            title: r.title.clone(),
            description: r.description.clone(),
            category: r.category.clone(),
            probability: Some(p),
            impact: Some(i),
            owner: owner.into(),
            mitigation: mitigation.into(),
            contingency: contingency.into(),
            status: "open".into(),
            dismiss_reason: String::new(),
            review_date: Some(review),
        };
        let input = match key.as_str() {
            "poor_data_quality" => rate(
                4,
                5,
                "王芳 Wang Fang",
                "Cleanse the dealer master and hotline records before migration; weekly quality checks; data owners per source. 迁移前清洗经销商主数据和热线记录，每周质量检查，每个数据源指定负责人。",
                "Migrate only records that pass the checks; keep the old system read-only for 3 months.",
            ),
            "integration_neglected" => rate(
                4,
                4,
                "IT 部 IT department",
                "Design the ERP interface (orders, warranty, parts) in phase 5; test it in the pilot.",
                "Nightly batch file exchange as a fallback.",
            ),
            "change_not_managed" => rate(
                3,
                4,
                "人力资源部 HR",
                "Change agents in each functional group; key users train their colleagues; adoption measured after go-live.",
                "Extra floor-walkers during hypercare.",
            ),
            "processes_not_redefined" => rate(
                3,
                4,
                "顾问 Consultant",
                "Redesign the three chosen processes before configuration; blueprint reviewed by the steering committee.",
                "",
            ),
            "technology_as_solution" => {
                rate(2, 4, "项目总监 Project director", "Every module tied to a blueprint process and a target.", "")
            }
            "little_analytics" => rate(3, 2, "市场部 Marketing", "Customer value scorecard in wave 2.", ""),
            "overspending_software" => {
                rate(2, 3, "财务部 Finance", "Licences staged by wave; customisation budget capped at 15%.", "")
            }
            "no_management_support" | "unclear_roi" | "no_measurable_objectives" => {
                let reason = match key.as_str() {
                    "no_management_support" => {
                        "总经理亲自担任指导委员会主席，每月主持评审。The general manager chairs the steering committee and its monthly reviews."
                    }
                    "unclear_roi" => {
                        "商业论证已批准（NPV、IRR、回收期）。The business case with NPV, IRR and payback was approved at the phase-1 gate."
                    }
                    _ => {
                        "目标表已验收，每个目标有基线、目标值和日期。The target sheet was accepted; every target has a baseline, a value and a date."
                    }
                };
                risks::dismiss(db, director, project_id, r.id, r.version, reason).await?;
                continue;
            }
            // "No customer passion in the culture" is left for the team to judge.
            _ => continue,
        };
        risks::update(db, director, project_id, r.id, r.version, &input).await?;
    }
    for (title, cat, p, i, owner, mitigation) in [
        (
            "经销商ERP接口延期 · Dealer ERP interface delivered late",
            "technology",
            3,
            4,
            "IT 部 IT department",
            "Interface specification frozen by the end of phase 4; vendor penalty clause.",
        ),
        (
            "偏远地区工程师移动网络覆盖差 · Poor mobile coverage for rural engineers",
            "technology",
            2,
            3,
            "客服部 Customer service",
            "Offline mode for the field service app; sync at the service centre.",
        ),
    ] {
        let input = risks::RiskInput {
            title: title.into(),
            description: String::new(),
            category: cat.into(),
            probability: Some(p),
            impact: Some(i),
            owner: owner.into(),
            mitigation: mitigation.into(),
            contingency: String::new(),
            status: "open".into(),
            dismiss_reason: String::new(),
            review_date: Some(review),
        };
        risks::create(db, director, project_id, &input).await?;
    }

    // One to-be process, revised after a walk-through with the key users.
    let steps = "呼叫中心坐席 Call-centre agent | 登记投诉并查询客户历史 Log the complaint, see the customer's history | service | Service request management | 1小时内受理 Accept within 1 hour | 服务请求 Service request
呼叫中心坐席 Call-centre agent | 查询解决方案库 Search the solution database | service | Problem and solution knowledge base | 能解决的当场答复 Answer on the spot when possible | 答复 Answer
服务工程师 Service engineer | 上门维修 Visit and repair | service | Field service | | 服务报告 Service report
客服主管 Service supervisor | 回访并关闭 Call back and close | service | Customer care | 48小时内回访 Call back within 48 h | 满意度 Satisfaction score";
    let content = |s: &str, rules: &str| Content {
        steps: parse_steps(s).unwrap_or_default(),
        rules: rules.into(),
        people:
            "每个投诉指定一名负责人 One owner per complaint\n坐席培训解决方案库 Agents trained on the solution database"
                .into(),
        targets: vec!["first-response".into(), "csat".into()],
    };
    let rules1 = "投诉24小时内首次响应 First response within 24 h";
    let b = blueprint::create(
        db,
        consultant,
        project_id,
        &blueprint::BlueprintInput {
            name: "客户投诉处理（未来流程）· Complaint handling (to-be)".into(),
            process_id: Some(ids[0]),
            content: content(steps, rules1),
            reason: "初稿 First draft from the fishbone analysis".into(),
        },
    )
    .await?;
    let steps2 = steps.replacen(
        "服务工程师 Service engineer | 上门维修 Visit and repair",
        "客服主管 Service supervisor | 派工给工程师 Assign an engineer | service | Repair scheduling | 2小时内派工 Assign within 2 hours | 派工单 Job\n服务工程师 Service engineer | 上门维修 Visit and repair",
        1,
    );
    blueprint::revise(
        db,
        director,
        project_id,
        b.id,
        b.version,
        &blueprint::BlueprintInput {
            name: b.name.clone(),
            process_id: Some(ids[0]),
            content: content(&steps2, "投诉8小时内首次响应 First response within 8 h\n超过24小时自动升级 Escalate automatically after 24 h"),
            reason: "关键用户走查：缺少派工环节，响应时限收紧 Key-user walk-through: dispatch step missing; response time tightened to match the target".into(),
        },
    )
    .await?;
    Ok(())
}
