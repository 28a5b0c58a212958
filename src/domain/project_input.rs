//! Validating the project form.
use super::catalog::{CURRENCIES, INDUSTRIES, MODULES};
use super::validation::{FieldErrors, required_text};
use chrono::NaiveDate;

/// What the user typed, as strings.
#[derive(Clone, Debug, Default, serde::Serialize)]
pub struct RawProject {
    pub name: String,
    pub client_name: String,
    pub industry: String,
    pub start_date: String,
    pub currency: String,
    pub modules: Vec<String>,
    /// IANA zone; empty keeps the stored one (or the server default for a new project).
    pub time_zone: String,
    /// A new project: "linked" schedules it by the playbook's network (the form's default).
    pub network: String,
}

#[derive(Clone, Debug, PartialEq)]
pub struct ProjectInput {
    pub name: String,
    pub client_name: String,
    pub industry: String,
    pub start_date: NaiveDate,
    pub currency: String,
    pub modules: Vec<String>,
    /// `None`: not given (keep the stored zone, or the server default for a new project).
    pub time_zone: Option<String>,
    /// A new project gets the playbook's links between its activities and milestones.
    pub linked: bool,
}

/// The zones the project form offers; any other valid IANA name is accepted as typed.
pub const COMMON_TIME_ZONES: &[&str] = &[
    "Asia/Shanghai",
    "Asia/Hong_Kong",
    "Asia/Taipei",
    "Asia/Singapore",
    "Asia/Tokyo",
    "Asia/Seoul",
    "Asia/Kolkata",
    "Asia/Dubai",
    "Australia/Sydney",
    "Europe/London",
    "Europe/Berlin",
    "Europe/Paris",
    "Europe/Moscow",
    "America/New_York",
    "America/Chicago",
    "America/Los_Angeles",
    "America/Sao_Paulo",
    "UTC",
];

/// The canonical IANA name of `zone`, if it is one.
pub fn time_zone(zone: &str) -> Option<String> {
    zone.trim().parse::<chrono_tz::Tz>().ok().map(|z| z.name().to_string())
}

pub const NAME_MAX: usize = 200;

pub fn validate(raw: &RawProject) -> Result<ProjectInput, FieldErrors> {
    let mut e = FieldErrors::default();
    let name = required_text(&mut e, "name", &raw.name, NAME_MAX);
    let client_name = required_text(&mut e, "client_name", &raw.client_name, NAME_MAX);
    if !INDUSTRIES.contains(&raw.industry.as_str()) {
        e.add("industry", "err.choose_from_list");
    }
    let start_date = match NaiveDate::parse_from_str(raw.start_date.trim(), "%Y-%m-%d") {
        Ok(d) if (2000..=2100).contains(&chrono::Datelike::year(&d)) => Some(d),
        Ok(_) => {
            e.add("start_date", "err.date_range");
            None
        }
        Err(_) => {
            e.add("start_date", "err.date");
            None
        }
    };
    if !CURRENCIES.contains(&raw.currency.as_str()) {
        e.add("currency", "err.choose_from_list");
    }
    let mut modules = vec![];
    for m in &raw.modules {
        if !MODULES.contains(&m.as_str()) {
            e.add("modules", "err.unknown_module");
        } else if !modules.contains(m) {
            modules.push(m.clone());
        }
    }
    if raw.modules.is_empty() {
        e.add("modules", "err.modules_required");
    }
    let time_zone = match raw.time_zone.trim() {
        "" => None,
        z => {
            let tz = time_zone(z);
            if tz.is_none() {
                e.add("time_zone", "err.time_zone");
            }
            tz
        }
    };
    // Keep the canonical order so equal scopes compare equal.
    modules.sort_by_key(|m| MODULES.iter().position(|x| x == m));
    match (e.is_empty(), start_date) {
        (true, Some(start_date)) => Ok(ProjectInput {
            name,
            client_name,
            industry: raw.industry.clone(),
            start_date,
            currency: raw.currency.clone(),
            modules,
            time_zone,
            linked: raw.network == "linked",
        }),
        _ => Err(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn good() -> RawProject {
        RawProject {
            name: "CRM 一期".into(),
            client_name: "华美电器".into(),
            industry: "appliances".into(),
            start_date: "2026-03-02".into(),
            currency: "CNY".into(),
            modules: vec!["service".into(), "sales".into(), "sales".into()],
            time_zone: String::new(),
            network: String::new(),
        }
    }

    fn fields(r: &RawProject) -> Vec<(String, &'static str)> {
        validate(r).unwrap_err().0.into_iter().map(|f| (f.field, f.message)).collect()
    }

    #[test]
    fn accepts_and_normalises() {
        let p = validate(&good()).unwrap();
        assert_eq!(p.modules, ["sales", "service"]);
        assert_eq!(p.start_date, NaiveDate::from_ymd_opt(2026, 3, 2).unwrap());
        assert_eq!(p.time_zone, None);
        let p = validate(&RawProject { time_zone: " Europe/Berlin ".into(), ..good() }).unwrap();
        assert_eq!(p.time_zone.as_deref(), Some("Europe/Berlin"));
    }

    #[test]
    fn rejects_unknown_time_zones() {
        let r = RawProject { time_zone: "Mars/Olympus".into(), ..good() };
        assert_eq!(fields(&r), [("time_zone".into(), "err.time_zone")]);
    }

    #[test]
    fn rejects_bad_fields() {
        let mut r = good();
        r.name = " ".into();
        r.start_date = "2026-02-30".into();
        r.modules = vec!["erp".into()];
        r.industry = "mining".into();
        assert_eq!(
            fields(&r),
            [
                ("name".into(), "err.required"),
                ("industry".into(), "err.choose_from_list"),
                ("start_date".into(), "err.date"),
                ("modules".into(), "err.unknown_module")
            ]
        );
        let mut r = good();
        r.name = "x".repeat(10_000);
        r.modules.clear();
        assert_eq!(fields(&r), [("name".into(), "err.too_long"), ("modules".into(), "err.modules_required")]);
    }
}
