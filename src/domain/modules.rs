//! The CRM modules being rolled out (DOMAIN.md, seeds 001 and 002): their rollout states,
//! lifecycle stages and the standard feature checklist of each.
use serde::Serialize;

/// Rollout states in order; a module moves forward through them (or is retired).
pub const ROLLOUT: &[&str] = &["planned", "configured", "prototype_tested", "piloted", "live", "retired"];

/// Lifecycle of a CRM (seed 002): data integration → analysis → action.
pub const LIFECYCLE: &[&str] = &["data_integration", "analysis", "action"];

/// Feature states on a module's checklist.
pub const FEATURE_STATES: &[&str] = &["planned", "configured", "live"];

#[derive(Clone, Copy, Debug, Serialize)]
pub struct Feature {
    pub key: &'static str,
    pub en: &'static str,
    pub zh: &'static str,
}

const fn f(key: &'static str, en: &'static str, zh: &'static str) -> Feature {
    Feature { key, en, zh }
}

const SALES: &[Feature] = &[
    f("calendar", "Calendar and scheduling", "日历与日程安排"),
    f("contacts", "Contact and account management", "联系人与客户管理"),
    f("commission", "Commission management", "佣金管理"),
    f("opportunities", "Opportunity and pipeline management", "商机与销售漏斗管理"),
    f("forecasting", "Sales forecasting", "销售预测"),
    f("proposals", "Proposal generation", "建议书生成"),
    f("pricing", "Pricing", "定价"),
    f("territories", "Territory management", "销售区域管理"),
    f("expenses", "Expense reports", "费用报销"),
];

const MARKETING: &[Feature] = &[
    f("campaigns", "Campaign planning, execution and analysis", "营销活动策划、执行与分析"),
    f("lists", "List generation", "客户名单生成"),
    f("budgets", "Marketing budgets and forecasts", "营销预算与预测"),
    f("collateral", "Marketing collateral", "营销资料管理"),
    f("encyclopaedia", "Marketing encyclopaedia (products, pricing, competitors)", "营销百科（产品、价格、竞争对手）"),
    f("leads", "Lead tracking and distribution", "线索跟踪与分配"),
];

const SERVICE: &[Feature] = &[
    f("customer_care", "Customer care", "客户关怀"),
    f("disputes", "Disputes, returns and order tracking", "争议、退货与订单跟踪"),
    f("field_service", "Field service", "现场服务"),
    f("knowledge_base", "Problem and solution knowledge base", "问题与解决方案知识库"),
    f("repair_scheduling", "Repair scheduling", "维修调度"),
    f("agreements", "Service agreements and contracts", "服务协议与合同"),
    f("service_requests", "Service request management", "服务请求管理"),
];

const CHANNELS: &[Feature] = &[
    f("phone", "Phone and call centre (CTI)", "电话与呼叫中心（CTI）"),
    f("email", "E-mail and fax", "电子邮件与传真"),
    f("web", "Web self-service", "网站自助服务"),
    f("partners", "Partner channel", "合作伙伴渠道"),
    f("single_view", "One consistent customer view across channels", "跨渠道统一客户视图"),
];

const ANALYTICS: &[Feature] = &[
    f("data_integration", "Customer data integration", "客户数据整合"),
    f("segmentation", "Customer segmentation", "客户细分"),
    f("value_scorecard", "Customer value scorecard", "客户价值记分卡"),
    f("dashboards", "Management dashboards", "管理驾驶舱"),
];

/// The standard features of each module, as DOMAIN.md lists them.
pub fn standard_features(module: &str) -> &'static [Feature] {
    match module {
        "sales" => SALES,
        "marketing" => MARKETING,
        "service" => SERVICE,
        "channels" => CHANNELS,
        "analytics" => ANALYTICS,
        _ => &[],
    }
}

/// A feature named in free text (a blueprint step, a configuration item) shown in `lang`:
/// when it is one of the standard features, by its name in that language ("Service request
/// management" → "服务请求管理"); else as typed.
pub fn feature_label(text: &str, lang: &str) -> String {
    let want = text.trim().to_lowercase();
    [SALES, MARKETING, SERVICE, CHANNELS, ANALYTICS]
        .iter()
        .flat_map(|fs| fs.iter())
        .find(|f| f.en.to_lowercase() == want || f.zh == text.trim())
        .map(|f| (if lang == "zh" { f.zh } else { f.en }).to_string())
        .unwrap_or_else(|| text.to_string())
}

/// Adoption in percent of planned users, when users are planned.
pub fn adoption(planned_users: i32, active_users: i32) -> Option<f64> {
    (planned_users > 0).then(|| f64::from(active_users.max(0)) / f64::from(planned_users) * 100.0)
}

/// Whether moving from `from` to `to` is allowed: forward through the rollout (skipping is
/// allowed, e.g. straight to live for a small module), or to retired; never backwards.
pub fn can_move(from: &str, to: &str) -> bool {
    let (Some(a), Some(b)) = (ROLLOUT.iter().position(|s| *s == from), ROLLOUT.iter().position(|s| *s == to)) else {
        return false;
    };
    b > a
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn catalogue_and_rules() {
        for m in crate::domain::catalog::MODULES {
            assert!(!standard_features(m).is_empty(), "{m}");
        }
        assert_eq!(standard_features("sales").len(), 9);
        assert_eq!(adoption(200, 150), Some(75.0));
        assert_eq!(adoption(0, 5), None);
        assert!(can_move("planned", "configured") && can_move("piloted", "live") && can_move("live", "retired"));
        assert_eq!(feature_label(" service request MANAGEMENT", "zh"), "服务请求管理");
        assert_eq!(feature_label("服务请求管理", "en"), "Service request management");
        assert_eq!(feature_label("Claims workbench", "zh"), "Claims workbench");
        assert!(!can_move("live", "configured") && !can_move("live", "live") && !can_move("planned", "nonsense"));
    }
}
