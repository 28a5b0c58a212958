//! The risk register: seed 003's failure factors pre-loaded as candidate risks, scores
//! (probability × impact, 1–25), levels, the 5×5 heat map and the project's exposure.
use serde::Serialize;

pub const CATEGORIES: &[&str] =
    &["strategy", "sponsorship", "business_case", "process", "data", "technology", "people", "budget"];

/// candidate: pre-loaded, not yet judged; open: accepted and being managed; mitigated and
/// closed: done with; dismissed: judged not to apply (with a reason).
pub const STATUSES: &[&str] = &["candidate", "open", "mitigated", "closed", "dismissed"];

/// A failure factor of seed 003, as pre-loaded into every new project.
#[derive(Clone, Copy, Debug)]
pub struct Factor {
    pub key: &'static str,
    pub category: &'static str,
    pub en: &'static str,
    pub zh: &'static str,
    pub en_desc: &'static str,
    pub zh_desc: &'static str,
}

pub const FACTORS: &[Factor] = &[
    Factor {
        key: "technology_as_solution",
        category: "strategy",
        en: "Technology taken as the solution",
        zh: "把技术当成解决方案",
        en_desc: "CRM is treated as a software purchase rather than a business strategy of people, process and technology.",
        zh_desc: "把CRM当作软件采购，而不是人员、流程和技术结合的业务战略。",
    },
    Factor {
        key: "no_management_support",
        category: "sponsorship",
        en: "Weak top-management support",
        zh: "高层管理支持不足",
        en_desc: "The general manager does not visibly sponsor the project or decide on organisational change.",
        zh_desc: "总经理未明确支持项目，也不对组织变革作出决定。",
    },
    Factor {
        key: "no_customer_culture",
        category: "people",
        en: "No customer passion in the culture",
        zh: "企业文化缺少以客户为中心",
        en_desc: "Departments are not rewarded for customer outcomes, so the new processes are not lived.",
        zh_desc: "各部门的考核与客户结果无关，新流程难以落地。",
    },
    Factor {
        key: "unclear_roi",
        category: "business_case",
        en: "Unclear return on investment",
        zh: "投资回报不明确",
        en_desc: "Costs and benefits are not quantified, so the project cannot be steered by value.",
        zh_desc: "成本与收益未量化，项目无法按价值进行管控。",
    },
    Factor {
        key: "no_measurable_objectives",
        category: "strategy",
        en: "No vision, strategy or measurable objectives",
        zh: "缺少愿景、战略或可衡量的目标",
        en_desc: "Targets are not numeric, dated or evaluated, so success cannot be shown.",
        zh_desc: "目标没有数值、期限或评估方法，无法证明成效。",
    },
    Factor {
        key: "processes_not_redefined",
        category: "process",
        en: "Processes not redefined",
        zh: "业务流程未重新设计",
        en_desc: "Today's processes are automated as they are instead of being redesigned.",
        zh_desc: "只是把现有流程自动化，没有进行流程再造。",
    },
    Factor {
        key: "poor_data_quality",
        category: "data",
        en: "Poor data and information quality",
        zh: "数据与信息质量差",
        en_desc: "Customer data is incomplete, duplicated or invalid when it is migrated.",
        zh_desc: "迁移的客户数据不完整、重复或无效。",
    },
    Factor {
        key: "integration_neglected",
        category: "technology",
        en: "Integration with ERP and data warehouse neglected",
        zh: "忽视与ERP和数据仓库的集成",
        en_desc: "Under 10% of companies integrate CRM with ERP or a data warehouse; islands of data remain.",
        zh_desc: "不到10%的企业将CRM与ERP或数据仓库集成，信息孤岛依然存在。",
    },
    Factor {
        key: "change_not_managed",
        category: "people",
        en: "Change not managed",
        zh: "变革管理缺失",
        en_desc: "Users are not prepared, trained or convinced; adoption stays low after go-live.",
        zh_desc: "用户没有得到准备、培训和说服，上线后使用率低。",
    },
    Factor {
        key: "little_analytics",
        category: "technology",
        en: "Little analytical CRM",
        zh: "分析型CRM应用不足",
        en_desc: "The accumulated data is not turned into decisions (segmentation, customer value).",
        zh_desc: "积累的数据没有转化为决策（客户细分、客户价值）。",
    },
    Factor {
        key: "overspending_software",
        category: "budget",
        en: "Over-spending on software",
        zh: "在软件上过度投入",
        en_desc: "Licences and customisation consume the budget needed for process work and training.",
        zh_desc: "许可证和定制开发挤占了流程改进和培训所需的预算。",
    },
];

/// Probability × impact, when both are rated.
pub fn score(probability: Option<i32>, impact: Option<i32>) -> Option<i32> {
    Some(probability? * impact?)
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, utoipa::ToSchema)]
#[schema(as = RiskLevel)]
#[serde(rename_all = "snake_case")]
pub enum Level {
    Low,
    Medium,
    High,
}

/// Low 1–4, medium 5–11, high 12–25: the usual bands of a 5×5 matrix.
pub fn level(score: i32) -> Level {
    match score {
        s if s >= 12 => Level::High,
        s if s >= 5 => Level::Medium,
        _ => Level::Low,
    }
}

/// Whether a risk in `status` still threatens the project.
pub fn is_live(status: &str) -> bool {
    status == "open" || status == "candidate"
}

/// The risk picture the health roll-up uses: rated live risks by level, and candidates not
/// yet judged.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Exposure {
    pub high: usize,
    pub medium: usize,
    pub low: usize,
    pub unjudged: usize,
    /// High live risks without an owner or a mitigation: nobody is managing them.
    pub high_unmanaged: usize,
    /// Live risks whose review date has passed.
    pub review_overdue: usize,
}

pub struct RiskFacts<'a> {
    pub status: &'a str,
    pub probability: Option<i32>,
    pub impact: Option<i32>,
    pub review_overdue: bool,
    /// Has an owner and a mitigation.
    pub managed: bool,
}

pub fn exposure<'a>(risks: impl IntoIterator<Item = RiskFacts<'a>>) -> Exposure {
    let mut e = Exposure::default();
    for r in risks {
        if !is_live(r.status) {
            continue;
        }
        if r.status == "candidate" {
            e.unjudged += 1;
        }
        if r.review_overdue {
            e.review_overdue += 1;
        }
        match score(r.probability, r.impact).map(level) {
            Some(Level::High) => {
                e.high += 1;
                if !r.managed {
                    e.high_unmanaged += 1;
                }
            }
            Some(Level::Medium) => e.medium += 1,
            Some(Level::Low) => e.low += 1,
            None => {}
        }
    }
    e
}

/// Counts per cell of the 5×5 heat map: `cells[p-1][i-1]` for live rated risks.
pub fn heat_cells(rated: impl IntoIterator<Item = (i32, i32)>) -> [[usize; 5]; 5] {
    let mut cells = [[0usize; 5]; 5];
    for (p, i) in rated {
        if (1..=5).contains(&p) && (1..=5).contains(&i) {
            cells[(p - 1) as usize][(i - 1) as usize] += 1;
        }
    }
    cells
}

/// A rating outside 1–5 or not a whole number.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BadRating;

/// Parse a 1–5 rating; empty is allowed (not rated yet).
pub fn parse_rating(raw: &str) -> Result<Option<i32>, BadRating> {
    match raw.trim() {
        "" => Ok(None),
        s => match s.parse::<i32>() {
            Ok(v) if (1..=5).contains(&v) => Ok(Some(v)),
            _ => Err(BadRating),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scores_and_levels() {
        assert_eq!(score(Some(4), Some(5)), Some(20));
        assert_eq!(score(None, Some(5)), None);
        assert_eq!(level(25), Level::High);
        assert_eq!(level(12), Level::High);
        assert_eq!(level(11), Level::Medium);
        assert_eq!(level(5), Level::Medium);
        assert_eq!(level(4), Level::Low);
        assert_eq!(parse_rating(" 3 "), Ok(Some(3)));
        assert_eq!(parse_rating(""), Ok(None));
        assert!(parse_rating("6").is_err() && parse_rating("0").is_err() && parse_rating("x").is_err());
    }

    #[test]
    fn factors_are_the_seed_list() {
        assert_eq!(FACTORS.len(), 11);
        let mut keys: Vec<_> = FACTORS.iter().map(|f| f.key).collect();
        keys.sort();
        keys.dedup();
        assert_eq!(keys.len(), FACTORS.len());
        assert!(FACTORS.iter().all(|f| CATEGORIES.contains(&f.category)));
    }

    #[test]
    fn exposure_counts_only_live_risks() {
        let rs = [
            RiskFacts { status: "open", probability: Some(4), impact: Some(4), review_overdue: true, managed: false },
            RiskFacts { status: "open", probability: Some(5), impact: Some(3), review_overdue: false, managed: true },
            RiskFacts { status: "open", probability: Some(2), impact: Some(3), review_overdue: false, managed: false },
            RiskFacts { status: "candidate", probability: None, impact: None, review_overdue: false, managed: false },
            RiskFacts {
                status: "dismissed",
                probability: Some(5),
                impact: Some(5),
                review_overdue: true,
                managed: false,
            },
            RiskFacts {
                status: "closed",
                probability: Some(5),
                impact: Some(5),
                review_overdue: false,
                managed: false,
            },
        ];
        let e = exposure(rs);
        assert_eq!(e, Exposure { high: 2, medium: 1, low: 0, unjudged: 1, high_unmanaged: 1, review_overdue: 1 });
        let cells = heat_cells([(5, 5), (5, 5), (1, 2), (0, 3), (6, 1)]);
        assert_eq!((cells[4][4], cells[0][1]), (2, 1));
        assert_eq!(cells.iter().flatten().sum::<usize>(), 3);
    }
}
