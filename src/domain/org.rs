//! The project organisation's vocabulary (DOMAIN.md, three tiers): departments, sides,
//! tiers and the roles people hold in them.

/// Departments a person can belong to: the front office in the CRM scope, IT, the back
/// office, management and the consultancy.
pub const DEPARTMENTS: &[&str] = &[
    "management",
    "marketing",
    "sales",
    "service",
    "it",
    "finance",
    "logistics",
    "production",
    "hr",
    "consultancy",
    "other",
];

/// Back-office departments: the method wants one of their heads on the project team.
pub const BACK_OFFICE: &[&str] = &["finance", "logistics", "production", "hr"];

/// Front-office departments that get a functional group when their module is in scope.
/// (CRM module → department.)
pub const MODULE_DEPARTMENTS: &[(&str, &str)] =
    &[("marketing", "marketing"), ("sales", "sales"), ("service", "service")];

pub const SIDES: &[&str] = &["client", "consultancy"];

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UnitKind {
    Steering,
    Team,
    Group,
}

impl UnitKind {
    pub fn as_str(self) -> &'static str {
        match self {
            UnitKind::Steering => "steering",
            UnitKind::Team => "team",
            UnitKind::Group => "group",
        }
    }
    pub fn parse(s: &str) -> Option<UnitKind> {
        [UnitKind::Steering, UnitKind::Team, UnitKind::Group].into_iter().find(|k| k.as_str() == s)
    }
}

/// Roles in a tier. Consultancy roles may appear in any tier.
pub const ROLES: &[&str] = &[
    "chair",
    "member",
    "project_director",
    "key_assistant",
    "team_member",
    "group_leader",
    "key_user",
    "senior_executive_manager",
    "project_manager",
    "application_consultant",
    "technical_consultant",
];

/// The roles offered in a tier of `kind` (client roles first, then the consultancy's).
pub fn roles_for(kind: UnitKind) -> &'static [&'static str] {
    match kind {
        UnitKind::Steering => &["chair", "member", "senior_executive_manager"],
        UnitKind::Team => &["project_director", "key_assistant", "team_member", "project_manager"],
        UnitKind::Group => &["group_leader", "key_user", "application_consultant", "technical_consultant"],
    }
}

/// The role an "add member" form starts with: the ordinary one of the tier, never its
/// single leader (the method has one project director and one chair).
pub fn default_role_for(kind: UnitKind) -> &'static str {
    match kind {
        UnitKind::Steering => "member",
        UnitKind::Team => "team_member",
        UnitKind::Group => "key_user",
    }
}

/// The departments in scope for a project's modules (in the order of `MODULE_DEPARTMENTS`).
pub fn departments_in_scope(modules: &[&str]) -> Vec<&'static str> {
    MODULE_DEPARTMENTS.iter().filter(|(m, _)| modules.contains(m)).map(|(_, d)| *d).collect()
}

/// The CRM module a department's group adopts, if any.
pub fn module_of_department(dept: &str) -> Option<&'static str> {
    MODULE_DEPARTMENTS.iter().find(|(_, d)| *d == dept).map(|(m, _)| *m)
}

/// A department code from its code or its English or Chinese name (for CSV files typed by
/// people, who write "市场部" rather than "marketing").
pub fn parse_department(s: &str) -> Option<&'static str> {
    let s = s.trim();
    let lower = s.to_lowercase();
    DEPARTMENT_NAMES
        .iter()
        .find(|(code, en, zh)| *code == lower || en.to_lowercase() == lower || zh.split('|').any(|z| z == s))
        .map(|(code, _, _)| *code)
}

pub fn parse_side(s: &str) -> Option<&'static str> {
    match s.trim().to_lowercase().as_str() {
        "client" | "客户" | "客户方" | "企业" => Some("client"),
        "consultancy" | "consultant" | "咨询" | "咨询方" | "咨询公司" | "顾问" => Some("consultancy"),
        _ => None,
    }
}

/// (code, English name, Chinese names separated by `|`), for reading CSV files.
const DEPARTMENT_NAMES: &[(&str, &str, &str)] = &[
    ("management", "Management", "管理层|总经办|总经理办公室"),
    ("marketing", "Marketing", "市场部|市场"),
    ("sales", "Sales", "销售部|销售"),
    ("service", "Customer service and support", "客服部|客户服务部|客服|服务部"),
    ("it", "IT", "信息部|信息技术部|IT部|IT 部"),
    ("finance", "Finance", "财务部|财务"),
    ("logistics", "Logistics", "物流部|物流|储运部"),
    ("production", "Production", "生产部|生产"),
    ("hr", "Human resources", "人力资源部|人事部"),
    ("consultancy", "Consultancy", "咨询公司|咨询"),
    ("other", "Other", "其他"),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vocabulary() {
        assert_eq!(parse_department("市场部"), Some("marketing"));
        assert_eq!(parse_department(" Sales "), Some("sales"));
        assert_eq!(parse_department("it"), Some("it"));
        assert_eq!(parse_department("mining"), None);
        assert_eq!(parse_side("咨询公司"), Some("consultancy"));
        assert_eq!(parse_side("Client"), Some("client"));
        assert_eq!(departments_in_scope(&["sales", "analytics", "marketing"]), ["marketing", "sales"]);
        for (code, _, _) in DEPARTMENT_NAMES {
            assert!(DEPARTMENTS.contains(code));
        }
        for k in [UnitKind::Steering, UnitKind::Team, UnitKind::Group] {
            assert_eq!(UnitKind::parse(k.as_str()), Some(k));
            assert!(roles_for(k).iter().all(|r| ROLES.contains(r)));
            assert!(roles_for(k).contains(&default_role_for(k)));
        }
    }
}
