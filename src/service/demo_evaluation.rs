//! The demo pilot in hypercare gets its evaluation under way (phase 9): targets measured since
//! go-live, the business case's benefit line linked to the target that measures it, the
//! actual costs, a gap explained, a few lessons and the first improvement backlog. Built
//! through the same services as real use; called once by `demo::ensure` after the pilot.
use super::evaluation::{self, RawImprovement, RawLesson};
use super::targets::{self, RawTarget};
use super::{Actor, Error, Result, business_case};
use crate::db::Db;
use crate::domain::policy::Role;
use crate::entity::project;
use chrono::{Datelike, Duration, NaiveDate};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

/// (key, name, kind, unit, direction, baseline, target, readings as (days after go-live, value))
type DemoTarget = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static [(i64, f64)],
);
const TARGETS: &[DemoTarget] = &[
    (
        "first-time-fix",
        "首次上门修复率 First-time fix rate",
        "explicit",
        "%",
        "increase",
        "72",
        "85",
        &[(2, 74.0), (8, 77.5)],
    ),
    (
        "repeat-visits",
        "每月重复上门次数 Repeat field visits a month",
        "explicit",
        "visits",
        "decrease",
        "1200",
        "800",
        &[(2, 1150.0), (8, 1040.0)],
    ),
    ("csat", "客户满意度 Customer satisfaction", "implicit", "points", "increase", "78", "85", &[(8, 79.0)]),
];

pub async fn seed(db: &Db, users: &[(i32, Option<Role>)], today: NaiveDate) -> Result<()> {
    let consultant = Actor { user_id: users[3].0 };
    let director = Actor { user_id: users[1].0 };
    let p = project::Entity::find()
        .filter(project::Column::Name.eq(super::demo_golive::PROJECT_NAME))
        .one(&db.conn)
        .await?
        .ok_or(Error::NotFound)?;
    // Go-live was the Saturday after the cutover (Friday 18:00, twelve days before the Monday).
    let friday = today - Duration::days(i64::from(today.weekday().num_days_from_monday()) + 10);
    let go_live = friday + Duration::days(1);
    let mut ids = vec![];
    for (key, name, kind, unit, dir, base, goal, readings) in TARGETS {
        let raw = RawTarget {
            key: (*key).into(),
            name: (*name).into(),
            kind: (*kind).into(),
            metric: (*name).into(),
            unit: (*unit).into(),
            direction: (*dir).into(),
            baseline_value: (*base).into(),
            baseline_date: p.start_date.to_string(),
            target_input: (*goal).into(),
            target_date: (go_live + Duration::days(180)).to_string(),
            method: "客服系统月报 Monthly service report".into(),
            data_source: "CRM".into(),
            owner: "王芳 Wang Fang".into(),
            module_key: "service".into(),
        };
        let input = targets::validate(&raw, &["service".into(), "channels".into()]).map_err(Error::Invalid)?;
        let t = targets::create(db, consultant, p.id, &input).await?;
        for (days, v) in *readings {
            let on = go_live + Duration::days(*days);
            if on <= today {
                targets::add_manual(
                    db,
                    consultant,
                    p.id,
                    t.id,
                    &on.to_string(),
                    &v.to_string(),
                    "上线后测量 After go-live",
                )
                .await?;
            }
        }
        ids.push(t.id);
    }
    // The case's benefit line is measured by the repeat visits: 600,000 a year for 400 fewer
    // visits a month is 1,500 a year per visit saved.
    if let Some(l) = business_case::load(&db.conn, p.id).await?
        && let Some(b) = l.benefits.first()
    {
        evaluation::set_rule(db, consultant, &p, b.id, 0, &ids[1].to_string(), "1,500").await?;
    }
    for (days, amount, what) in [
        (30, "450,000", "实施服务首付款 Implementation, first instalment"),
        (-5, "380,000", "实施服务尾款 Implementation, final instalment"),
    ] {
        let on = if days > 0 { p.start_date + Duration::days(days) } else { go_live + Duration::days(days) };
        evaluation::add_cost(db, director, &p, &on.to_string(), amount, what).await?;
    }
    evaluation::explain_gap(
        db,
        consultant,
        p.id,
        ids[0],
        0,
        "上线仅两周，外包服务商尚在熟悉移动派工；备件可视化预计下月上线。 Two weeks after go-live contractors are still learning mobile dispatch; spare-parts visibility follows next month.",
    )
    .await?;
    let lessons = [
        (
            "went_well",
            "training",
            "group",
            "关键用户带教同事，上线首周求助量低于预期。 Key users coached their colleagues: fewer calls for help in week one than expected.",
            "下一期继续采用关键用户模式，并提前两周完成关键用户认证。 Keep the key-user model and certify key users two weeks earlier.",
        ),
        (
            "went_badly",
            "data",
            "team",
            "工单历史数据清洗比计划多用了一周。 Cleansing the ticket history took a week longer than planned.",
            "在第 3 阶段即启动数据清洗，并按数据源设定质量门槛。 Start cleansing in phase 3 with a quality bar per source.",
        ),
        (
            "went_badly",
            "communication",
            "consultant",
            "经销商获知切换时间较晚，首日门户咨询集中。 Dealers learnt of the cutover late; portal questions peaked on day one.",
            "切换前两周向经销商发出通知并安排演示。 Notify dealers two weeks ahead and hold a walkthrough.",
        ),
    ];
    for (outcome, category, source, description, recommendation) in lessons {
        let raw = RawLesson {
            outcome: outcome.into(),
            category: category.into(),
            source: source.into(),
            description: description.into(),
            recommendation: recommendation.into(),
        };
        evaluation::add_lesson(db, consultant, p.id, &raw).await?;
    }
    let backlog = [
        ("经销商门户自助报修 Dealer portal self-service repairs", "high", "medium", "open", 60),
        ("备件库存可视化 Spare-parts visibility for contractors", "high", "high", "planned", 45),
        ("保修数据分析看板 Warranty analytics dashboard", "medium", "medium", "open", 90),
        ("客服座席快捷键 Agent keyboard shortcuts", "low", "low", "in_progress", 14),
    ];
    for (item, value, effort, status, due) in backlog {
        let raw = RawImprovement {
            item: item.into(),
            value: value.into(),
            effort: effort.into(),
            status: status.into(),
            owner: "陈杰 Chen Jie".into(),
            due_on: (today + Duration::days(due)).to_string(),
        };
        evaluation::add_improvement(db, consultant, p.id, &raw).await?;
    }
    Ok(())
}
