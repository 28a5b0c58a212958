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
Customer | Receive the decision and rate the service | channels | Email | | Satisfaction recorded";

const RENEWAL: &str = "System | List policies due for renewal in 60 days | sales | Opportunity and pipeline management | | Renewal list\n\
Agent | Call the customer and offer the renewal | sales | Contact and account management | | Call logged\n\
Agent | Issue the renewal quote | sales | Proposal generation | | Quote sent\n\
Customer | Accept and pay | sales | Pricing | | Policy renewed";

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
        use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
        let tx = db.write().await?;
        project::Entity::delete_many().filter(project::Column::Name.eq(PROJECT_NAME)).exec(&*tx).await?;
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
    let bp = |steps: &str| Content {
        steps: parse_steps(steps).unwrap_or_default(),
        rules: "Every claim has one owner from first call to payment. 每件理赔从报案到赔付只有一个负责人。".into(),
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
            content: bp(CLAIMS),
            reason: String::new(),
        },
    )
    .await?;
    blueprint::create(
        db,
        consultant,
        p.id,
        &blueprint::BlueprintInput {
            name: "续保（未来流程）Policy renewal (to-be)".into(),
            process_id: None,
            content: bp(RENEWAL),
            reason: String::new(),
        },
    )
    .await?;
    testing::generate(db, consultant, p.id).await?;
    let cases = testing::cases(&db.conn, p.id).await?;

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
    let run_on = phases[4].planned_start.min(today);
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
        let r = if i == 2 {
            run(c.id, "failed", "No document checklist: handler typed the request by hand 无单证清单，需手工录入")
        } else {
            run(c.id, "passed", "")
        };
        testing::record_run(db, member_actor(key_user), p.id, proto.id, &r).await?;
    }
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
                    target_date: Some(run_on + Duration::days(5)),
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
        for s in ["open", "fixed", "retest"] {
            v = testing::update_defect(db, consultant, p.id, d.id, v, &input, s, "", run_on).await?.version;
        }
        testing::record_run(
            db,
            member_actor(key_user),
            p.id,
            proto.id,
            &run(c.id, "passed", "Checklist offered by claim type"),
        )
        .await?;
        testing::update_defect(db, consultant, p.id, d.id, v, &input, "closed", "", run_on).await?;
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

    // Phase 6: the conference-room pilot, half run, one major defect open.
    let crp = testing::create_cycle(
        db,
        consultant,
        p.id,
        &testing::CycleInput {
            name: "会议室导航测试 Conference-room pilot".into(),
            kind: "pilot".into(),
            scope: vec![],
            planned_start: Some(phases[5].planned_start),
            planned_finish: Some(phases[5].planned_finish),
            testers: "客服组、销售组关键用户 Key users of service and sales".into(),
            pass_rate_min: 95,
        },
    )
    .await?;
    let pilot_on = phases[5].planned_start.min(today);
    for (i, c) in cases.iter().enumerate().take(6) {
        let mut r = run(c.id, if i == 4 { "failed" } else { "passed" }, "");
        r.run_on = pilot_on;
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
                    target_date: Some(pilot_on + Duration::days(7)),
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
    let first = pilot_on.min(today);
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
            today,
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
            today,
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
    Ok(())
}

fn member_actor(user_id: i32) -> Actor {
    Actor { user_id }
}
