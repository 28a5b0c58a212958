//! The demo's second project: Huamei's service pilot, past its go-live and in hypercare
//! (phase 8), with its cutover runbook, two rehearsals and the record of the live cutover.
//! Built through the same services as real use; called once by `demo::ensure`.
use super::golive::{self, Mark, RawActual, TaskInput};
use super::{Actor, Result, business_case, gates, projects, work};
use crate::db::Db;
use crate::domain::business_case::{RawBenefit, RawCost};
use crate::domain::gates::Decision;
use crate::domain::policy::Role;
use crate::domain::project_input::ProjectInput;
use crate::domain::workflow::Transition;
use crate::entity::project;
use crate::playbook::Playbook;
use chrono::{Datelike, Duration, NaiveDate, NaiveDateTime, TimeZone};
use sea_orm::ColumnTrait;

pub const PROJECT_NAME: &str = "华美电器 客服试点 · Huamei Service Pilot (hypercare)";

/// (seq, name, owner, category, offset from the cutover start in minutes, duration,
/// predecessors, checkpoint, rollback deadline offset in minutes)
type Row = (i32, &'static str, &'static str, &'static str, i64, i32, &'static str, bool, Option<i64>);
const RUNBOOK: &[Row] = &[
    (10, "冻结旧系统录入 Freeze legacy service desk", "陈杰 Chen Jie", "technical", 0, 30, "", false, None),
    (
        20,
        "通知经销商与客服中心 Notify dealers and service centres",
        "王芳 Wang Fang",
        "communication",
        0,
        20,
        "10",
        false,
        None,
    ),
    (30, "导出工单与客户数据 Extract tickets and customers", "陈杰 Chen Jie", "data", 0, 120, "10", false, None),
    (40, "数据清洗与转换 Cleanse and transform", "李娜 Li Na", "data", 0, 180, "30", false, None),
    (50, "导入新 CRM Load into the new CRM", "陈杰 Chen Jie", "data", 0, 150, "40", false, Some(10 * 60)),
    (60, "对账：记录数与金额 Reconcile counts and amounts", "李娜 Li Na", "data", 0, 60, "50", true, None),
    (70, "接口切换：呼叫中心与 ERP Switch interfaces", "陈杰 Chen Jie", "technical", 0, 90, "50", false, Some(13 * 60)),
    (80, "关键用户验收 Key users verify", "王芳 Wang Fang", "business", 0, 120, "60, 70", true, None),
    (90, "开放用户访问 Open to users", "陈杰 Chen Jie", "technical", 14 * 60, 30, "80", false, None),
    (100, "上线通知 Go-live announcement", "王芳 Wang Fang", "communication", 0, 15, "90", false, None),
];

/// Actual minutes per task in the two rehearsals and on the day (same order as RUNBOOK).
const FIRST: [i64; 10] = [35, 20, 150, 240, 170, 75, 95, 130, 30, 15];
const SECOND: [i64; 10] = [30, 20, 125, 185, 150, 60, 90, 115, 30, 15];
const LIVE: [i64; 10] = [30, 25, 115, 190, 160, 55, 85, 110, 25, 10];

/// The pilot's people (Huamei's, so the accounts and e-mails are Wave 1's): (name, title,
/// department, side, e-mail, linked demo user index).
const PEOPLE: &[super::demo::DemoPerson] = &[
    ("张伟 Zhang Wei", "总经理 General manager", "management", "client", "zhang.wei@huamei.example", Some(2)),
    ("王芳 Wang Fang", "市场总监 Marketing director", "marketing", "client", "wang.fang@huamei.example", Some(1)),
    ("赵敏 Zhao Min", "总监助理 Assistant to the director", "marketing", "client", "zhao.min@huamei.example", Some(5)),
    ("周涛 Zhou Tao", "客服经理 Service manager", "service", "client", "zhou.tao@huamei.example", None),
    ("吴刚 Wu Gang", "信息部经理 IT manager", "it", "client", "wu.gang@huamei.example", None),
    ("何敏 He Min", "客服主管 Service supervisor", "service", "client", "", None),
    ("谢军 Xie Jun", "客服代表 Service agent", "service", "client", "", None),
    ("陈杰 Chen Jie", "系统管理员 System administrator", "it", "client", "chen.jie@huamei.example", Some(4)),
    ("李娜 Li Na", "项目经理 Project manager", "consultancy", "consultancy", "li.na@consult.example", Some(3)),
    ("冯博 Feng Bo", "技术顾问 Technical consultant", "consultancy", "consultancy", "feng.bo@consult.example", None),
];

/// (unit key, person index, role, allocation %).
const MEMBERS: &[(&str, usize, &str, i32)] = &[
    ("steering", 0, "chair", 5),
    ("team", 1, "project_director", 100),
    ("team", 2, "key_assistant", 100),
    ("team", 3, "team_member", 80),
    ("team", 4, "team_member", 80),
    ("team", 8, "project_manager", 100),
    ("group:service", 3, "group_leader", 20),
    ("group:service", 5, "key_user", 50),
    ("group:service", 6, "key_user", 50),
    ("group:it", 4, "group_leader", 20),
    ("group:it", 7, "key_user", 60),
    ("group:it", 9, "technical_consultant", 100),
];

/// Seed the pilot. The demo's users are given by id in `demo::USERS` order.
pub async fn seed(db: &Db, pb: &Playbook, users: &[(i32, Option<Role>)], today: NaiveDate) -> Result<()> {
    let director = Actor { user_id: users[1].0 };
    let steering = Actor { user_id: users[2].0 };
    let consultant = Actor { user_id: users[3].0 };
    // A load interrupted after this project was made leaves it behind: start again.
    let tx = db.write().await?;
    super::write::delete_projects(&*tx, sea_orm::Condition::all().add(project::Column::Name.eq(PROJECT_NAME))).await?;
    tx.commit().await?;

    // Forty weeks ago on a Monday: phases 1–7 (38 weeks) lie behind, cutover two weeks ago.
    let start = today - Duration::weeks(40) - Duration::days(i64::from(today.weekday().num_days_from_monday()));
    let input = ProjectInput {
        name: PROJECT_NAME.into(),
        client_name: "华美电器股份有限公司 Huamei Appliances Co., Ltd.".into(),
        industry: "appliances".into(),
        start_date: start,
        currency: "CNY".into(),
        modules: vec!["service".into(), "channels".into()],
        time_zone: None,
        linked: true,
    };
    let p = projects::create(db, director, &input, pb).await?;
    for (uid, role) in &users[2..] {
        if let Some(role) = role {
            projects::set_member(db, director, p.id, *uid, *role).await?;
        }
    }
    // The three tiers, staffed as the method wants them.
    let p_model = projects::get(&db.conn, p.id).await?;
    super::demo::staff(db, director, &p_model, PEOPLE, MEMBERS, users).await?;
    // The pilot's business case, approved before its first gate.
    business_case::create(db, consultant, p.id).await?;
    let cost = RawCost {
        category: "implementation".into(),
        description: "Service pilot implementation 客服试点实施".into(),
        recurrence: "one_time".into(),
        amount: "900,000".into(),
        growth: "0".into(),
        ..Default::default()
    };
    business_case::add_cost(db, consultant, p.id, &cost).await?;
    let benefit = RawBenefit {
        kind: "cost_reduction".into(),
        description: "Fewer repeat field visits 减少重复上门".into(),
        amount: "600,000".into(),
        hours: String::new(),
        margin: String::new(),
        growth: "0".into(),
        first_year: "1".into(),
        risk: "10".into(),
        include_in_roi: false,
        target_key: String::new(),
        ..Default::default()
    };
    business_case::add_benefit(db, consultant, p.id, &benefit).await?;
    let case = business_case::case_of(&db.conn, p.id).await?.ok_or(super::Error::NotFound)?;
    business_case::approve(db, steering, p.id, case.version).await?;

    let phases = projects::phases(&db.conn, p.id).await?;
    for ph in phases.iter().take(7) {
        for d in work::deliverables_of_phase(&db.conn, ph.id).await? {
            let d = work::transition(db, consultant, p.id, d.id, d.version, Transition::Submit, "").await?;
            work::transition(db, steering, p.id, d.id, d.version, Transition::Accept, "").await?;
        }
        let settled = gates::OpenWork::Close("随阶段评审完成 / Completed with the gate".into());
        let on = (ph.planned_finish - Duration::days(2)).min(today);
        gates::decide(db, steering, p.id, ph.seq, Decision::Go, "按计划通过 / Passed as planned", on, &settled).await?;
    }

    // The cutover: Friday 18:00 two weeks ago, Shanghai time.
    let friday = today - Duration::days(i64::from(today.weekday().num_days_from_monday()) + 10);
    let t0 = friday.and_hms_opt(18, 0, 0).unwrap_or_default();
    let mut ids = vec![];
    for (seq, name, owner, cat, offset, dur, preds, checkpoint, rollback) in RUNBOOK {
        let input = TaskInput {
            seq: *seq,
            name: (*name).into(),
            owner: (*owner).into(),
            category: (*cat).into(),
            planned_start: t0 + Duration::minutes(*offset),
            duration_min: *dur,
            predecessors: crate::domain::runbook::parse_predecessors(preds).unwrap_or_default(),
            checkpoint: *checkpoint,
            rollback_point: rollback.is_some(),
            rollback_deadline: rollback.map(|m| t0 + Duration::minutes(m)),
        };
        ids.push(golive::create_task(db, director, p.id, &input).await?.id);
    }

    // Two rehearsals, three and two weeks before: the first overran, the second within
    // tolerance. Tasks run back to back along the runbook's order of predecessors.
    for (name, weeks, mins) in [("第一次演练 Rehearsal 1", 3, &FIRST), ("第二次演练 Rehearsal 2", 2, &SECOND)]
    {
        let r = golive::create_rehearsal(db, director, p.id, name, friday - Duration::weeks(weeks) + Duration::days(1))
            .await?;
        let r0 = (friday - Duration::weeks(weeks) + Duration::days(1)).and_hms_opt(9, 0, 0).unwrap_or_default();
        let times = back_to_back(r0, mins);
        let rows: Vec<RawActual> = ids
            .iter()
            .zip(&times)
            .map(|(id, (s, f))| RawActual {
                task_id: *id,
                start: golive::local_input(s),
                finish: golive::local_input(f),
            })
            .collect();
        golive::save_actuals(db, director, p.id, r.id, r.version, &rows).await?;
    }

    // The live cutover, recorded as it happened (instants in UTC).
    let zone: chrono_tz::Tz = p.time_zone.parse().unwrap_or(chrono_tz::Asia::Shanghai);
    let utc = |t: NaiveDateTime| zone.from_local_datetime(&t).earliest().map(|x| x.with_timezone(&chrono::Utc));

    // Readiness: the support team named, then the steering committee's go, with conditions
    // for what the scorecard showed red or unassessed, on the Tuesday before the cutover.
    let mut limits = crate::domain::readiness::RawThresholds::of(&crate::domain::readiness::Thresholds::default());
    limits.support_team = "陈杰 Chen Jie\n王芳 Wang Fang\n李娜 Li Na".into();
    super::readiness::save_thresholds(db, director, p.id, 0, &limits).await?;
    let decided_on = friday - Duration::days(3);
    if let Some(at) = utc(decided_on.and_hms_opt(16, 0, 0).unwrap_or_default()) {
        super::readiness::decide_at(
            db,
            steering,
            &p,
            "go",
            "试点范围内的最终用户培训和数据质量复核须在上线后第一周内完成，由王芳负责；每日站会跟踪。\n\
             End-user training and the data quality re-check for the pilot scope are finished in the first week \
             after go-live (owner: Wang Fang), tracked in the daily stand-up.",
            at,
            decided_on,
        )
        .await?;
    }
    for (id, (s, f)) in ids.iter().zip(back_to_back(t0, &LIVE)) {
        if let (Some(s), Some(f)) = (utc(s), utc(f)) {
            let a = golive::mark_at(db, director, p.id, *id, 1, Mark::Start, s).await?;
            golive::mark_at(db, director, p.id, *id, a.version, Mark::Finish, f).await?;
        }
    }
    // Hypercare since go-live: issues over the first two weeks, two of them breaching.
    // (title, severity, channel, module, hours after go-live opened, minutes to response,
    // minutes to resolution or None while open)
    let go_live = t0 + Duration::hours(15);
    let issues: &[DemoIssue] = &[
        (
            "工单无法派给外包服务商 Service orders cannot be dispatched to contractors",
            1,
            "phone",
            "service",
            2,
            45,
            Some(200),
        ),
        ("保修查询超时 Warranty lookup times out", 2, "portal", "service", 20, 60, Some(300)),
        ("经销商门户登录失败 Dealer portal login fails", 2, "email", "channels", 26, 90, Some(600)),
        ("报表缺少区域字段 Report misses the region field", 3, "email", "service", 70, 120, Some(2400)),
        ("客服座席快捷键 Agent keyboard shortcuts", 4, "walk_in", "service", 100, 300, None),
        ("经销商库存同步延迟 Dealer stock sync delayed", 3, "portal", "channels", 190, 60, None),
    ];
    for (title, sev, channel, module, after_h, resp, res) in issues {
        let Some(opened) = utc(go_live + Duration::hours(*after_h)) else { continue };
        let input = super::hypercare::IssueInput {
            title: (*title).into(),
            severity: *sev,
            channel: (*channel).into(),
            module_key: (*module).into(),
            reporter: "客服中心 Service centre".into(),
            assignee: "陈杰 Chen Jie".into(),
            status: if res.is_some() { "resolved".into() } else { "in_progress".into() },
            opened_at: opened,
            responded_at: Some(opened + Duration::minutes(*resp)),
            resolved_at: res.map(|m| opened + Duration::minutes(m)),
        };
        super::hypercare::create(db, director, p.id, &input).await?;
    }
    // Adoption pushed by the CRM each day after go-live: customer service climbs to 85 % of
    // its 40 planned agents; the dealer channel lags at 45 % of 60 (the health shows why).
    let go_day = go_live.date();
    for day in 1..=12 {
        let on = go_day + Duration::days(day);
        if on > today {
            break;
        }
        for (module, planned, start, end) in [("service", 40, 20, 34), ("channels", 60, 12, 27)] {
            let active = start + (end - start) * day / 12;
            let f = super::readiness::Figure {
                module_key: module.into(),
                unit_id: 0,
                date: on,
                active_users: i32::try_from(active).unwrap_or(0),
                planned_users: planned,
                source: "crm".into(),
                note: String::new(),
            };
            super::write::transaction(db, async |tx| super::readiness::record(tx, None, p.id, &f).await).await?;
        }
    }
    Ok(())
}

/// (title, severity, channel, module, hours after go-live, minutes to response, minutes to
/// resolution)
type DemoIssue = (&'static str, i32, &'static str, &'static str, i64, i64, Option<i64>);

/// Start and finish of each task when every task starts as soon as its predecessors (in the
/// demo runbook) are done, from `t0`, taking `mins`.
fn back_to_back(t0: NaiveDateTime, mins: &[i64; 10]) -> Vec<(NaiveDateTime, NaiveDateTime)> {
    let mut out: Vec<(NaiveDateTime, NaiveDateTime)> = vec![];
    for (i, row) in RUNBOOK.iter().enumerate() {
        let preds = crate::domain::runbook::parse_predecessors(row.6).unwrap_or_default();
        let start = preds
            .iter()
            .filter_map(|s| RUNBOOK.iter().position(|r| r.0 == *s))
            .filter_map(|j| out.get(j).map(|x| x.1))
            .max()
            .unwrap_or(t0)
            .max(t0 + Duration::minutes(row.4));
        out.push((start, start + Duration::minutes(mins[i])));
    }
    out
}
