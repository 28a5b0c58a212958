//! Fixed lists the product offers: industries (DOMAIN.md), CRM modules, currencies.

/// Industries with frequent customer contact that suit CRM (seed 002), plus "other".
pub const INDUSTRIES: &[&str] = &[
    "banking",
    "insurance",
    "real_estate",
    "telecom",
    "appliances",
    "airlines",
    "transport",
    "securities",
    "healthcare",
    "other",
];

/// The CRM modules a project can roll out (DOMAIN.md).
pub const MODULES: &[&str] = &["sales", "marketing", "service", "channels", "analytics"];

/// ISO 4217 codes offered in forms; money is stored in minor units of these.
pub const CURRENCIES: &[&str] = &["CNY", "USD", "EUR", "HKD", "GBP", "JPY", "SGD", "TWD"];
