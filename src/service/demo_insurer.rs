//! The demo's second project, further along: a life insurer in phase 6 (conference-room
//! pilot). Its prototype test passed phase 5's gate after a failed case revised the
//! blueprint; the pilot is under way with open defects; an escalated issue and an approved
//! change request (with its baseline and business-case revision) fill the issue log.
//! Built through the same services as real use, by the demo's users.
use super::{Actor, Result, blueprint, business_case, diagnosis, gates, phase6, projects, raid, testing, work};
use crate::db::Db;
use crate::domain::business_case::{RawBenefit, RawCost};
use crate::domain::diagnosis::{Content, parse_steps};
use crate::domain::gates::Decision;
use crate::domain::policy::Role;
use crate::domain::project_input::ProjectInput;
use crate::domain::workflow::Transition;
use crate::playbook::Playbook;
use chrono::{Datelike, Duration, NaiveDate};

pub const PROJECT_NAME: &str = "安泰人寿 CRM · Antai Life CRM";

const CLAIMS: &str = "Customer | Report a claim by phone, web or WeChat | service | Service request management | | Claim registered\n\
Call centre agent | Check the policy and open the claim | service | Customer care | Within 10 minutes | Claim file opened\n\
Claims handler | Assess the claim and request documents | service | Service agreements and contracts | | Documents requested\n\
Claims handler | Approve and pay the claim | service | Service request management | Within 5 days | Payment order sent to ERP\n\
Customer | Receive the decision and rate the service | channels | E-mail and fax | | Satisfaction recorded";

const RENEWAL: &str = "System | List policies due for renewal in 60 days | sales | Opportunity and pipeline management | | Renewal list\n\
Agent | Call the customer and offer the renewal | sales | Contact and account management | | Call logged\n\
Agent | Issue the renewal quote | sales | Proposal generation | | Quote sent\n\
Customer | Accept and pay | sales | Pricing | | Policy renewed";

/// The insurer's people: (name, title, department, side, e-mail, linked demo user index).
const PEOPLE: &[super::demo::DemoPerson] = &[
    ("张伟 Zhang Wei", "总经理 General manager", "management", "client", "", Some(2)),
    ("王芳 Wang Fang", "市场与客服总监 Marketing and service director", "marketing", "client", "", Some(1)),
    ("赵敏 Zhao Min", "总监助理 Assistant to the director", "marketing", "client", "", Some(5)),
    ("陈杰 Chen Jie", "理赔主管 Claims supervisor", "service", "client", "", Some(4)),
    ("孙浩 Sun Hao", "个险销售经理 Retail sales manager", "sales", "client", "", None),
    ("郭静 Guo Jing", "信息部经理 IT manager", "it", "client", "", None),
    ("田甜 Tian Tian", "理赔专员 Claims handler", "service", "client", "", None),
    ("韩雪 Han Xue", "代理人主管 Agency supervisor", "sales", "client", "", None),
    ("李娜 Li Na", "项目经理 Project manager", "consultancy", "consultancy", "", Some(3)),
    ("钱程 Qian Cheng", "应用顾问 Application consultant", "consultancy", "consultancy", "", None),
    ("冯博 Feng Bo", "技术顾问 Technical consultant", "consultancy", "consultancy", "", None),
];

/// (unit key, person index, role, allocation %).
const MEMBERS: &[(&str, usize, &str, i32)] = &[
    ("steering", 0, "chair", 10),
    ("team", 1, "project_director", 100),
    ("team", 2, "key_assistant", 100),
    ("team", 3, "team_member", 80),
    ("team", 4, "team_member", 80),
    ("team", 5, "team_member", 80),
    ("team", 8, "project_manager", 100),
    ("group:service", 3, "group_leader", 20),
    ("group:service", 6, "key_user", 50),
    ("group:service", 9, "application_consultant", 50),
    ("group:sales", 4, "group_leader", 20),
    ("group:sales", 7, "key_user", 40),
    ("group:sales", 9, "application_consultant", 50),
    ("group:it", 5, "group_leader", 20),
    ("group:it", 10, "technical_consultant", 100),
];

/// Load the insurer project. `users` are the demo's (id, role) in `demo::USERS` order.
pub async fn seed(db: &Db, pb: &Playbook, users: &[(i32, Option<Role>)], today: NaiveDate) -> Result<()> {
    let [_, director, steering, consultant, member, ..] = users else {
        return Ok(());
    };
    let (director, steering, consultant, key_user) =
        (Actor { user_id: director.0 }, Actor { user_id: steering.0 }, Actor { user_id: consultant.0 }, member.0);
    // A load interrupted half-way left a partial insurer: remove it (rows cascade).
    {
        use crate::entity::project;
        use sea_orm::ColumnTrait;
        let tx = db.write().await?;
        crate::service::write::delete_projects(
            &*tx,
            sea_orm::Condition::all().add(project::Column::Name.eq(PROJECT_NAME)),
        )
        .await?;
        tx.commit().await?;
    }
    // Started 26 weeks ago, on a Monday: phases 1–5 lie behind, phase 6 is under way.
    let start = today - Duration::weeks(26) - Duration::days(i64::from(today.weekday().num_days_from_monday()));
    let input = ProjectInput {
        name: PROJECT_NAME.into(),
        client_name: "安泰人寿保险股份有限公司 Antai Life Insurance Co., Ltd.".into(),
        industry: "insurance".into(),
        start_date: start,
        currency: "CNY".into(),
        modules: vec!["sales".into(), "service".into(), "channels".into()],
        time_zone: None,
        linked: true,
    };
    let p = projects::create(db, director, &input, pb).await?;
    for (uid, role) in &users[2..] {
        if let Some(role) = role {
            projects::set_member(db, director, p.id, *uid, *role).await?;
        }
    }

    // The three tiers, staffed as the method wants them (the rules check passes).
    let p_model = projects::get(&db.conn, p.id).await?;
    super::demo::staff(db, director, &p_model, PEOPLE, MEMBERS, users).await?;

    // The business case, approved before the first gate.
    business_case::create(db, consultant, p.id).await?;
    let cost = RawCost {
        category: "implementation".into(),
        description: "Implementation partner 实施服务".into(),
        recurrence: "one_time".into(),
        amount: "3,200,000".into(),
        growth: "0".into(),
        ..Default::default()
    };
    business_case::add_cost(db, consultant, p.id, &cost).await?;
    let benefit = RawBenefit {
        kind: "cost_reduction".into(),
        description: "Claims handling cost down 理赔处理成本下降".into(),
        amount: "1,800,000".into(),
        hours: String::new(),
        margin: String::new(),
        growth: "3".into(),
        first_year: "1".into(),
        risk: "15".into(),
        include_in_roi: false,
        target_key: String::new(),
        ..Default::default()
    };
    business_case::add_benefit(db, consultant, p.id, &benefit).await?;
    if let Some(k) = business_case::case_of(&db.conn, p.id).await? {
        business_case::approve(db, steering, p.id, k.version).await?;
    }

    // Two to-be processes from phase 4.
    let bp = |steps: &str, rules: &str| Content {
        steps: parse_steps(steps).unwrap_or_default(),
        rules: rules.into(),
        people: String::new(),
        targets: vec![],
    };
    let claims = blueprint::create(
        db,
        consultant,
        p.id,
        &blueprint::BlueprintInput {
            name: "理赔处理（未来流程）Claims handling (to-be)".into(),
            process_id: None,
            content: bp(
                CLAIMS,
                "Every claim has one owner from first call to payment. 每件理赔从报案到赔付只有一个负责人。",
            ),
            reason: String::new(),
        },
    )
    .await?;
    let renewal = blueprint::create(
        db,
        consultant,
        p.id,
        &blueprint::BlueprintInput {
            name: "续保（未来流程）Policy renewal (to-be)".into(),
            process_id: None,
            content: bp(
                RENEWAL,
                "An agent calls every policy due for renewal at least 30 days ahead. 每张到期保单须至少提前 30 天由代理人致电续保。",
            ),
            reason: String::new(),
        },
    )
    .await?;
    testing::generate(db, consultant, p.id).await?;
    let cases = testing::cases(&db.conn, p.id).await?;
    configuration_and_interfaces(db, consultant, p.id, claims.id, renewal.id, today).await?;

    // Phases 1–4: deliverables accepted, gates passed.
    let phases = projects::phases(&db.conn, p.id).await?;
    let pass_phase = async |idx: usize, why: &str| -> Result<()> {
        let ph = &phases[idx];
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
        let settled = gates::OpenWork::Close("随阶段评审完成 / Completed with the gate".into());
        let on = ph.planned_finish.min(today) - Duration::days(2);
        gates::decide(db, steering, p.id, ph.seq, Decision::Go, why, on, &settled).await
    };
    for i in 0..4 {
        pass_phase(i, "阶段交付成果已验收 / Phase deliverables accepted").await?;
    }

    // Phase 5: the prototype test. Case 3 of claims fails; the defect is fixed and retested,
    // and the failure revises the blueprint (documents must be requested by checklist).
    let proto = testing::create_cycle(
        db,
        consultant,
        p.id,
        &testing::CycleInput {
            name: "原型测试 Prototype test".into(),
            kind: "prototype".into(),
            scope: vec![],
            planned_start: Some(phases[4].planned_start),
            planned_finish: Some(phases[4].planned_finish),
            testers: "客服组关键用户 Service key users; 销售组 Sales group".into(),
            pass_rate_min: 95,
        },
    )
    .await?;
    // The key users run a case or two a day from the phase's start, so the burn-up climbs.
    let run_on = phases[4].planned_start.min(today);
    let day_of = |i: usize| (run_on + Duration::days(1 + i as i64 / 2)).min(today);
    let run = |case_id: i32, status: &str, actual: &str| testing::RunInput {
        case_id,
        status: status.into(),
        failed_step: (status == "failed").then_some(1),
        actual_result: actual.into(),
        evidence: String::new(),
        tester: "陈杰 Chen Jie".into(),
        run_on,
    };
    for (i, c) in cases.iter().enumerate() {
        let mut r = if i == 2 {
            run(c.id, "failed", "No document checklist: handler typed the request by hand 无单证清单，需手工录入")
        } else {
            run(c.id, "passed", "")
        };
        r.run_on = day_of(i);
        testing::record_run(db, member_actor(key_user), p.id, proto.id, &r).await?;
    }
    // The failed case's defect: raised on its run day, fixed four days later, retested and
    // closed the day after — so the open-defects chart shows it open for those days.
    let raised_on = day_of(2);
    let fixed_on = (raised_on + Duration::days(4)).min(today);
    if let Some(c) = cases.get(2) {
        let d =
            testing::raise_defect(
                db,
                member_actor(key_user),
                p.id,
                proto.id,
                c.id,
                &testing::DefectInput {
                    title: "理赔单证清单缺失 Claim document checklist missing".into(),
                    description:
                        "The blueprint step assumes a checklist per claim type. 蓝图步骤假定按理赔类型提供单证清单。"
                            .into(),
                    severity: "major".into(),
                    priority: "high".into(),
                    owner: "李娜 Li Na".into(),
                    target_date: Some(raised_on + Duration::days(5)),
                },
            )
            .await?;
        let input = testing::DefectInput {
            title: d.title.clone(),
            description: d.description.clone(),
            severity: d.severity.clone(),
            priority: d.priority.clone(),
            owner: d.owner.clone(),
            target_date: d.target_date,
        };
        let mut v = d.version;
        for (s, on) in [("open", raised_on), ("fixed", fixed_on), ("retest", fixed_on)] {
            v = testing::update_defect(db, consultant, p.id, d.id, v, &input, s, "", on).await?.version;
        }
        let mut retest = run(c.id, "passed", "Checklist offered by claim type 按理赔类型提供单证清单");
        retest.run_on = (fixed_on + Duration::days(1)).min(today);
        testing::record_run(db, member_actor(key_user), p.id, proto.id, &retest).await?;
        testing::update_defect(db, consultant, p.id, d.id, v, &input, "closed", "", retest.run_on).await?;
        // The blueprint revision the failed test raised, linked both ways.
        let b = blueprint::get(&db.conn, p.id, claims.id).await?;
        let mut content = blueprint::content_of(&b.content);
        if let Some(s) = content.steps.get_mut(2) {
            s.action = "Assess the claim and request documents from the claim-type checklist".into();
        }
        // Raised from the defect's page: the revision and the defect's link in one transaction.
        testing::revise_blueprint(
            db,
            consultant,
            p.id,
            d.id,
            b.id,
            b.version,
            &blueprint::BlueprintInput {
                name: b.name.clone(),
                process_id: b.process_id,
                content,
                reason: format!(
                    "原型测试缺陷 #{} / Prototype test defect #{}: document checklist per claim type",
                    d.id, d.id
                ),
            },
        )
        .await?;
    }
    pass_phase(4, "原型测试达到退出标准，蓝图已修订 / Prototype test met its exit criteria; blueprint revised").await?;

    // Phase 6: the conference-room pilot, started a week ago (the project runs ahead of its
    // plan), half run, one major defect open.
    let pilot_start = phases[5].planned_start.min(today - Duration::days(7));
    let crp = testing::create_cycle(
        db,
        consultant,
        p.id,
        &testing::CycleInput {
            name: "会议室导航测试 Conference-room pilot".into(),
            kind: "pilot".into(),
            scope: vec![],
            planned_start: Some(pilot_start),
            planned_finish: Some(phases[5].planned_finish),
            testers: "客服组、销售组关键用户 Key users of service and sales".into(),
            pass_rate_min: 95,
        },
    )
    .await?;
    let pilot_on = pilot_start;
    for (i, c) in cases.iter().enumerate().take(6) {
        let mut r = run(c.id, if i == 4 { "failed" } else { "passed" }, "");
        r.run_on = (pilot_on + Duration::days(i as i64)).min(today);
        if i == 4 {
            r.actual_result = "Satisfaction e-mail not sent after payment 赔付后未发送满意度邮件".into();
        }
        testing::record_run(db, member_actor(key_user), p.id, crp.id, &r).await?;
        if i == 4 {
            testing::raise_defect(
                db,
                member_actor(key_user),
                p.id,
                crp.id,
                c.id,
                &testing::DefectInput {
                    title: "满意度邮件未发送 Satisfaction e-mail not sent".into(),
                    description: String::new(),
                    severity: "major".into(),
                    priority: "medium".into(),
                    owner: "IT".into(),
                    target_date: Some(pilot_on + Duration::days(11)),
                },
            )
            .await?;
        }
    }

    // Phase 6: operating rules drawn from the claims blueprint's rule change (one approved
    // and in force, one awaiting approval) and a data conversion trial per data source.
    let rule = |title: &str, body: &str, effective: Option<NaiveDate>| phase6::RuleInput {
        title: title.into(),
        blueprint_id: Some(claims.id),
        owner: "李娜 Li Na".into(),
        body: body.into(),
        effective_on: effective,
    };
    let r = phase6::create_rule(
        db,
        consultant,
        p.id,
        &rule(
            "理赔单一负责人制度 Single claim owner",
            "每件理赔从报案起指定一名理赔负责人，直至赔付完成；负责人变更须由理赔主管在系统中转派并注明原因。\n\nEvery claim gets one claims owner from the first report until payment. A change of owner is reassigned in the system by the claims supervisor, with the reason.",
            Some(pilot_on),
        ),
    )
    .await?;
    phase6::approve_rule(db, director, p.id, r.id, r.version, "王芳 Wang Fang", pilot_on).await?;
    phase6::create_rule(
        db,
        consultant,
        p.id,
        &rule(
            "理赔单证清单维护规程 Claim document checklist procedure",
            "理赔部按理赔类型维护单证清单；清单变更经理赔主管批准后次日生效。\n\nThe claims department keeps a document checklist per claim type; a change takes effect the day after the claims supervisor approves it.",
            Some(phases[5].planned_finish),
        ),
    )
    .await?;
    let source = |name: &str, entity: &str, count: i64, owner: &str| diagnosis::SourceInput {
        name: name.into(),
        entity: entity.into(),
        record_count: count,
        owner: owner.into(),
        cleansing: "done".into(),
        migration: "in_progress".into(),
    };
    let policies = diagnosis::create_source(
        db,
        consultant,
        p.id,
        &source("核心保单系统客户 Core policy system customers", "customers", 1_240_000, "运营部 Operations"),
    )
    .await?;
    let claims_src = diagnosis::create_source(
        db,
        consultant,
        p.id,
        &source("理赔历史 Claims history", "service_history", 386_000, "理赔部 Claims"),
    )
    .await?;
    let trial = |source_id: i32, on: NaiveDate, counts: [i64; 4], notes: &str| phase6::TrialInput {
        source_id,
        trial_on: on,
        source_count: counts[0],
        loaded: counts[1],
        rejected: counts[2],
        reconciled: counts[3],
        notes: notes.into(),
    };
    let first = pilot_on.min(today - Duration::days(5));
    // Customers: the first trial lost records and missed the bar; the second meets it.
    phase6::create_trial(
        db,
        consultant,
        p.id,
        &trial(
            policies.id,
            first,
            [1_240_000, 1_150_000, 62_000, 1_120_000],
            "证件号格式错误被拒 Rejected: malformed ID numbers; 28,000 records lost in the extract 抽取丢失 28,000 条",
        ),
    )
    .await?;
    phase6::create_trial(
        db,
        consultant,
        p.id,
        &trial(
            policies.id,
            (first + Duration::days(4)).min(today),
            [1_240_000, 1_212_000, 28_000, 1_205_000],
            "ID numbers normalised before load 加载前规范证件号",
        ),
    )
    .await?;
    phase6::create_trial(
        db,
        consultant,
        p.id,
        &trial(
            claims_src.id,
            (first + Duration::days(2)).min(today),
            [386_000, 361_000, 25_000, 340_000],
            "Closed claims before 2015 lack a policy link 2015 年前结案理赔缺少保单关联",
        ),
    )
    .await?;

    // The issue log and an approved change request.
    let issue = |title: &str, severity: &str, escalated: bool| raid::IssueInput {
        title: title.into(),
        description: String::new(),
        severity: severity.into(),
        owner: "王芳 Wang Fang".into(),
        raised_on: pilot_on,
        due_on: Some(pilot_on + Duration::days(10)),
        status: "open".into(),
        resolution: String::new(),
        escalated,
    };
    raid::create_issue(
        db,
        director,
        p.id,
        &issue("核心保单系统接口测试环境不可用 Core policy system test interface down", "major", true),
    )
    .await?;
    raid::create_issue(db, director, p.id, &issue("两名关键用户被抽调 Two key users reassigned", "minor", false))
        .await?;
    let ch = raid::create_change(
        db,
        director,
        p.id,
        &raid::ChangeInput {
            title: "增加微信报案渠道 Add WeChat claim reporting".into(),
            description: "Customers report claims through the WeChat service account. 客户通过微信服务号报案。".into(),
            reason: "Pilot users and the call centre ask for it. 试点用户与呼叫中心提出需求。".into(),
            scope_impact: "Channel integration: one more inbound channel. 渠道集成增加一个接入渠道。".into(),
            schedule_days: 8,
            cost_minor: 18_000_000,
            benefits: "Fewer claim calls (−15 %). 报案来电减少约 15%。".into(),
            options: "Defer to wave 2; web form only. 推迟到二期；仅网页表单。".into(),
        },
    )
    .await?;
    let d = raid::Decision {
        status: "approved".into(),
        rationale: "Low cost, visible benefit; the plan absorbs 8 days. 成本低、收益明显；计划可吸收 8 个工作日。"
            .into(),
        decided_on: pilot_on.to_string(),
        rebaseline: true,
        revise_case: true,
        budget_category: "consulting".into(),
    };
    raid::decide(db, steering, p.id, ch.id, ch.version, &d, today).await?;

    // The budget, started from the business case (beside the change request's line), the
    // implementation partner's contract and its first two invoices.
    super::budget::seed_from_case(db, director, p.id).await?;
    let project = projects::get(&db.conn, p.id).await?;
    let contract = super::budget::add_commitment(
        db,
        director,
        &project,
        &super::budget::RawCommitment {
            vendor: "博远咨询 Boyuan Consulting".into(),
            reference: "HT-AT-2026-007".into(),
            amount: "3,200,000".into(),
            committed_on: (start + Duration::days(14)).to_string(),
            category: "consulting".into(),
            phase: String::new(),
        },
    )
    .await?;
    for (reference, amount, weeks) in [("INV-AT-001", "750,000", 8), ("INV-AT-002", "750,000", 20)] {
        super::budget::add_invoice(
            db,
            director,
            &project,
            &super::budget::RawInvoice {
                commitment: contract.id.to_string(),
                reference: reference.into(),
                amount: amount.into(),
                invoiced_on: (start + Duration::weeks(weeks)).to_string(),
                credit_note: false,
            },
        )
        .await?;
    }
    Ok(())
}

/// The configuration record of the three modules, each item serving a blueprint step (one
/// e-mail template and the renewal quote still planned: two gaps), and the integration
/// register with the core policy system, ERP, call centre, WeChat, data warehouse and mail.
async fn configuration_and_interfaces(
    db: &Db,
    consultant: Actor,
    project_id: i32,
    claims: i32,
    renewal: i32,
    today: NaiveDate,
) -> Result<()> {
    use super::configuration::{self as cfg, InterfaceInput, ItemInput};
    // (module, setting, value, blueprint, step, feature, status)
    let items: [(&str, &str, &str, i32, i32, &str, &str); 9] = [
        (
            "service",
            "理赔案件类型与报案表单 Claim case type and intake form",
            "案件类型“理赔”；报案渠道：电话、网页、微信；保单号必填 Case type Claim; phone, web, WeChat; policy number required",
            claims,
            1,
            "Service request management",
            "verified",
        ),
        (
            "service",
            "理赔分派规则 Claim assignment rule",
            "按理赔类型轮流分派给理赔组；10 分钟内受理 Round robin by claim type; accepted within 10 minutes",
            claims,
            2,
            "Customer care",
            "verified",
        ),
        (
            "service",
            "按理赔类型的单证清单 Document checklist by claim type",
            "12 类理赔各一份清单（原型测试后新增）One list per claim type, 12 types (added after the prototype test)",
            claims,
            3,
            "Service agreements and contracts",
            "configured",
        ),
        (
            "service",
            "审批流程与付款指令 Approval workflow and payment order",
            "5 万元以上两级审批；批准后向 ERP 发送付款指令 Two levels above ¥50,000; payment order to ERP",
            claims,
            4,
            "Service request management",
            "verified",
        ),
        (
            "channels",
            "决定通知邮件与满意度调查 Decision e-mail and satisfaction survey",
            "赔付后发送邮件及满意度问卷 E-mail and survey after payment",
            claims,
            5,
            "E-mail and fax",
            "planned",
        ),
        (
            "sales",
            "续保清单视图 Renewal list view",
            "60 天内到期保单，按代理人分组 Policies due within 60 days, by agent",
            renewal,
            1,
            "Opportunity and pipeline management",
            "configured",
        ),
        (
            "sales",
            "续保电话记录 Renewal call log",
            "通话结果必填：同意、考虑、拒绝 Call outcome required: yes, thinking, no",
            renewal,
            2,
            "Contact and account management",
            "configured",
        ),
        (
            "sales",
            "续保报价模板 Renewal quote template",
            "按险种的报价单模板 A quote template per product line",
            renewal,
            3,
            "Proposal generation",
            "planned",
        ),
        (
            "sales",
            "续保价格表 Renewal price book",
            "无赔款优待系数 No-claims discount factors",
            renewal,
            4,
            "Pricing",
            "configured",
        ),
    ];
    for (module, setting, value, bp, step, feature, status) in items {
        let i = ItemInput {
            module_key: module.into(),
            setting: setting.into(),
            value: value.into(),
            blueprint_id: Some(bp),
            step_no: Some(step),
            feature: feature.into(),
            owner: "钱程 Qian Cheng".into(),
            status: status.into(),
        };
        cfg::create_item(db, consultant, project_id, &i, today - Duration::days(40)).await?;
    }
    // (name, source, target, direction, data, frequency, method, owner, status, test)
    type Interface = (
        &'static str,
        &'static str,
        &'static str,
        &'static str,
        &'static str,
        &'static str,
        &'static str,
        &'static str,
        &'static str,
        &'static str,
    );
    let interfaces: [Interface; 6] = [
        (
            "保单与客户同步 Policy and customer sync",
            "核心保单系统 Core policy system",
            "CRM",
            "inbound",
            "保单、客户、受益人 Policies, customers, beneficiaries",
            "每 15 分钟 Every 15 minutes",
            "api",
            "信息部 IT",
            "building",
            "failed",
        ),
        (
            "理赔付款指令 Claim payment orders",
            "CRM",
            "SAP ERP",
            "outbound",
            "付款指令、付款回执 Payment orders and receipts",
            "每小时 Hourly",
            "file",
            "信息部 IT",
            "building",
            "passed",
        ),
        (
            "来电弹屏 Call-centre screen pop",
            "呼叫中心 CTI Call centre CTI",
            "CRM",
            "both",
            "来电号码、通话记录 Caller number, call log",
            "实时 Real time",
            "api",
            "冯博 Feng Bo",
            "building",
            "passed",
        ),
        (
            "微信报案 WeChat claim reporting",
            "微信服务号 WeChat service account",
            "CRM",
            "inbound",
            "报案、照片 Claim reports, photos",
            "实时 Real time",
            "api",
            "冯博 Feng Bo",
            "planned",
            "not_tested",
        ),
        (
            "数据仓库日终抽取 Data warehouse feed",
            "CRM",
            "数据仓库 Data warehouse",
            "outbound",
            "理赔、续保、服务记录 Claims, renewals, service records",
            "每日 Daily",
            "etl",
            "信息部 IT",
            "planned",
            "not_tested",
        ),
        (
            "通知邮件 Notification e-mails",
            "CRM",
            "邮件网关 Mail gateway",
            "outbound",
            "决定通知、满意度问卷 Decisions, surveys",
            "实时 Real time",
            "api",
            "信息部 IT",
            "building",
            "failed",
        ),
    ];
    for (name, source, target, direction, data, frequency, method, owner, status, test) in interfaces {
        let i = InterfaceInput {
            name: name.into(),
            source_system: source.into(),
            target_system: target.into(),
            direction: direction.into(),
            data_objects: data.into(),
            frequency: frequency.into(),
            method: method.into(),
            owner: owner.into(),
            status: status.into(),
            test_status: test.into(),
        };
        cfg::create_interface(db, consultant, project_id, &i).await?;
    }
    Ok(())
}

fn member_actor(user_id: i32) -> Actor {
    Actor { user_id }
}
