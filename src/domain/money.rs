//! The one money module: every amount in the product (business case lines, training costs,
//! budgets to come) is an integer count of the currency's minor units (cents, 分; yen and won
//! have none), parsed from what people type and formatted here, honouring the currency's
//! decimals. Only integers are used for amounts; no amount passes through floating point
//! (`compact`, for chart axes, rounds for display only).

/// Digits after the decimal point for a currency (ISO 4217 minor unit).
pub fn minor_digits(currency: &str) -> u32 {
    match currency {
        "JPY" | "KRW" => 0,
        _ => 2,
    }
}

pub fn symbol(currency: &str) -> &'static str {
    match currency {
        "CNY" => "¥",
        "JPY" => "JP¥",
        "USD" => "$",
        "EUR" => "€",
        "GBP" => "£",
        "HKD" => "HK$",
        "SGD" => "S$",
        "TWD" => "NT$",
        "KRW" => "₩",
        _ => "",
    }
}

/// Largest amount accepted: a trillion major units, far beyond any CRM budget and well
/// inside i64 even after summing many lines over ten years.
const MAX_MAJOR: i64 = 1_000_000_000_000;
/// The same bound in minor units (for amounts computed from others, e.g. hours × rate).
pub const MAX_MINOR: i64 = MAX_MAJOR * 100;

/// Why an amount was refused; each maps to an i18n key.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MoneyError {
    Empty,
    Invalid,
    TooManyDecimals,
    Negative,
    TooLarge,
}

impl MoneyError {
    pub fn key(self) -> &'static str {
        match self {
            MoneyError::Empty => "err.required",
            MoneyError::Invalid => "err.money_format",
            MoneyError::TooManyDecimals => "err.money_decimals",
            MoneyError::Negative => "err.money_negative",
            MoneyError::TooLarge => "err.money_too_large",
        }
    }
}

/// Parse "1,234.56", "1234.56", "1 234", "¥1,234" into minor units. Commas (ASCII or
/// full-width) must group thousands; a currency symbol in front is ignored.
pub fn parse(raw: &str, currency: &str) -> Result<i64, MoneyError> {
    let s: String = raw.trim().chars().filter(|c| !c.is_whitespace()).collect();
    let s = s.trim_start_matches(|c: char| !c.is_ascii_digit() && c != '-' && c != '.' && c != '+');
    if s.is_empty() {
        return Err(if raw.trim().is_empty() { MoneyError::Empty } else { MoneyError::Invalid });
    }
    if s.starts_with('-') {
        return Err(MoneyError::Negative);
    }
    let s = s.strip_prefix('+').unwrap_or(s).replace('，', ",");
    let (int, frac) = match s.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (s.as_str(), None),
    };
    if int.is_empty() && frac.is_none_or(str::is_empty) {
        return Err(MoneyError::Invalid);
    }
    // Thousands groups: the first 1–3 digits, every later group exactly 3.
    let groups: Vec<&str> = int.split(',').collect();
    if groups.len() > 1 && (groups[0].is_empty() || groups[0].len() > 3 || groups[1..].iter().any(|g| g.len() != 3)) {
        return Err(MoneyError::Invalid);
    }
    let digits: String = groups.concat();
    if !digits.chars().all(|c| c.is_ascii_digit()) {
        return Err(MoneyError::Invalid);
    }
    let frac = frac.unwrap_or("");
    if !frac.chars().all(|c| c.is_ascii_digit()) {
        return Err(MoneyError::Invalid);
    }
    let places = minor_digits(currency) as usize;
    if frac.len() > places {
        return Err(MoneyError::TooManyDecimals);
    }
    let digits = digits.trim_start_matches('0');
    if digits.len() > 14 {
        return Err(MoneyError::TooLarge);
    }
    let major: i64 = if digits.is_empty() { 0 } else { digits.parse().map_err(|_| MoneyError::Invalid)? };
    if major > MAX_MAJOR {
        return Err(MoneyError::TooLarge);
    }
    let mut minor_part: i64 = if frac.is_empty() { 0 } else { frac.parse().map_err(|_| MoneyError::Invalid)? };
    for _ in frac.len()..places {
        minor_part *= 10;
    }
    Ok(major * 10_i64.pow(places as u32) + minor_part)
}

fn group(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::with_capacity(s.len() + s.len() / 3);
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// "1,234.56" (no symbol), for form fields.
pub fn plain(minor: i64, currency: &str) -> String {
    let places = minor_digits(currency);
    let unit = 10_u64.pow(places);
    let sign = if minor < 0 { "-" } else { "" };
    let a = minor.unsigned_abs();
    if places == 0 {
        format!("{sign}{}", group(a))
    } else {
        format!("{sign}{}.{:0width$}", group(a / unit), a % unit, width = places as usize)
    }
}

/// "1234.56" (no symbol, no separators, the currency's decimals), for tables of sums such
/// as the training budget, where the currency is named once in the heading.
pub fn decimal(minor: i64, currency: &str) -> String {
    plain(minor, currency).replace(',', "")
}

/// "¥1,234.56", for display.
pub fn format(minor: i64, currency: &str) -> String {
    let p = plain(minor, currency);
    match p.strip_prefix('-') {
        Some(rest) => format!("-{}{rest}", symbol(currency)),
        None => format!("{}{p}", symbol(currency)),
    }
}

/// Whole major units, for compact displays such as chart labels: "¥1,235" (rounded).
pub fn format_whole(minor: i64, currency: &str) -> String {
    let w = whole(minor, currency);
    match w.strip_prefix('-') {
        Some(rest) => format!("-{}{rest}", symbol(currency)),
        None => format!("{}{w}", symbol(currency)),
    }
}

/// Whole major units without a symbol, rounded half away from zero: "1,235", "-73,447"
/// (tables whose currency is named once, such as the earned-value figures).
pub fn whole(minor: i64, currency: &str) -> String {
    let unit = 10_i64.pow(minor_digits(currency));
    let whole = (minor + if minor < 0 { -unit / 2 } else { unit / 2 }) / unit;
    let sign = if whole < 0 { "-" } else { "" };
    format!("{sign}{}", group(whole.unsigned_abs()))
}

/// A short money label for axes: "¥1.2M", "-¥850k", "¥40".
pub fn compact(minor: i64, currency: &str) -> String {
    let unit = 10_i64.pow(minor_digits(currency));
    let major = minor as f64 / unit as f64;
    let sym = symbol(currency);
    let sign = if major < 0.0 { "-" } else { "" };
    let a = major.abs();
    if a >= 1e9 {
        format!("{sign}{sym}{:.1}B", a / 1e9)
    } else if a >= 1e6 {
        format!("{sign}{sym}{:.1}M", a / 1e6)
    } else if a >= 1e3 {
        format!("{sign}{sym}{:.0}k", a / 1e3)
    } else {
        format!("{sign}{sym}{a:.0}")
    }
}

/// A short money label for a chart's axis or bar in the reader's convention: as [`compact`]
/// ("¥1.2M", "¥300k") or, for a Chinese reader (`wan`), in 万 and 亿 ("¥1232万", "¥8.5万",
/// "¥1.2亿", "-¥90万"); small amounts whole ("¥4000").
pub fn compact_in(minor: i64, currency: &str, wan: bool) -> String {
    if !wan {
        return compact(minor, currency);
    }
    let unit = 10_i64.pow(minor_digits(currency));
    let major = minor as f64 / unit as f64;
    let sym = symbol(currency);
    let sign = if major <= -0.5 { "-" } else { "" };
    let a = major.abs();
    if a >= 1e8 {
        format!("{sign}{sym}{:.1}亿", a / 1e8)
    } else if a >= 1e5 {
        format!("{sign}{sym}{:.0}万", a / 1e4)
    } else if a >= 1e4 {
        format!("{sign}{sym}{:.1}万", a / 1e4)
    } else {
        format!("{sign}{sym}{a:.0}")
    }
}

/// A headline amount (a summary's figure, never a table's): in Chinese (`wan`) in 万 (ten
/// thousands) of the major unit, rounded half away from zero to two decimals, "123.46万元"
/// for yuan and "12.35万 USD" for another currency; otherwise the exact amount as `format`
/// prints it. The one place headline figures are formatted; tables keep exact figures.
pub fn headline(minor: i64, currency: &str, wan: bool) -> String {
    if !wan {
        return format(minor, currency);
    }
    // Hundredths of 万: minor ÷ (minor units per major × 10,000 ÷ 100), in i128 (no overflow).
    let per = i128::from(10_i64.pow(minor_digits(currency))) * 100;
    let a = i128::from(minor).abs();
    let hundredths = (a + per / 2) / per;
    let sign = if minor < 0 && hundredths > 0 { "-" } else { "" };
    let whole = u64::try_from(hundredths / 100).unwrap_or(u64::MAX);
    let n = format!("{sign}{}.{:02}", group(whole), hundredths % 100);
    if currency == "CNY" { format!("{n}万元") } else { format!("{n}万 {currency}") }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_what_people_type() {
        assert_eq!(parse("1,234.56", "CNY"), Ok(123_456));
        assert_eq!(parse("1234.56", "CNY"), Ok(123_456));
        assert_eq!(parse(" 1 234.5 ", "CNY"), Ok(123_450));
        assert_eq!(parse("¥2,400,000", "CNY"), Ok(240_000_000));
        assert_eq!(parse("0.07", "USD"), Ok(7));
        assert_eq!(parse(".5", "USD"), Ok(50));
        assert_eq!(parse("1，234", "CNY"), Ok(123_400));
        assert_eq!(parse("1200", "JPY"), Ok(1200));
        // 0.1 + 0.2 style traps do not exist: digits are read as integers.
        assert_eq!(parse("0.30", "CNY"), Ok(30));
    }

    #[test]
    fn refuses_bad_amounts() {
        assert_eq!(parse("", "CNY"), Err(MoneyError::Empty));
        assert_eq!(parse("abc", "CNY"), Err(MoneyError::Invalid));
        assert_eq!(parse("12,34", "CNY"), Err(MoneyError::Invalid));
        assert_eq!(parse("1.2.3", "CNY"), Err(MoneyError::Invalid));
        assert_eq!(parse("1e5", "CNY"), Err(MoneyError::Invalid));
        assert_eq!(parse("1.234", "CNY"), Err(MoneyError::TooManyDecimals));
        assert_eq!(parse("12.5", "JPY"), Err(MoneyError::TooManyDecimals));
        assert_eq!(parse("-5", "CNY"), Err(MoneyError::Negative));
        assert_eq!(parse("99999999999999999999", "CNY"), Err(MoneyError::TooLarge));
        assert_eq!(parse(".", "CNY"), Err(MoneyError::Invalid));
    }

    #[test]
    fn formats_with_separators() {
        assert_eq!(format(123_456, "CNY"), "¥1,234.56");
        assert_eq!(format(-240_000_000, "CNY"), "-¥2,400,000.00");
        assert_eq!(format(5, "USD"), "$0.05");
        assert_eq!(format(1_234_567, "JPY"), "JP¥1,234,567");
        assert_eq!(plain(100, "CNY"), "1.00");
        assert_eq!(format_whole(123_456, "CNY"), "¥1,235");
        assert_eq!(format_whole(-150, "CNY"), "-¥2");
        for v in [0, 1, 99, 100_000, 123_456_789] {
            assert_eq!(parse(&plain(v, "CNY"), "CNY"), Ok(v));
        }
    }

    #[test]
    fn compact_labels() {
        assert_eq!(compact(123_456_789, "CNY"), "¥1.2M");
        assert_eq!(compact(-8_500_000, "CNY"), "-¥85k");
        assert_eq!(compact(4_000, "USD"), "$40");
        assert_eq!(compact(0, "CNY"), "¥0");
        assert_eq!(compact_in(123_456_789, "CNY", false), "¥1.2M");
        assert_eq!(compact_in(1_232_128_200, "CNY", true), "¥1232万");
        assert_eq!(compact_in(30_000_000, "CNY", true), "¥30万");
        assert_eq!(compact_in(8_500_000, "CNY", true), "¥8.5万");
        assert_eq!(compact_in(-90_000_000, "CNY", true), "-¥90万");
        assert_eq!(compact_in(12_000_000_000, "CNY", true), "¥1.2亿");
        assert_eq!(compact_in(400_000, "CNY", true), "¥4000");
        assert_eq!(compact_in(0, "CNY", true), "¥0");
    }

    #[test]
    fn currencies_without_decimals() {
        assert_eq!(parse("4,600", "KRW"), Ok(4600));
        assert_eq!(parse("12.5", "KRW"), Err(MoneyError::TooManyDecimals));
        assert_eq!(decimal(4_600_000, "CNY"), "46000.00");
        assert_eq!(decimal(46_000, "JPY"), "46000");
        assert_eq!(format(46_000, "KRW"), "₩46,000");
    }

    #[test]
    fn headline_in_wan_for_chinese_readers() {
        // ¥1,234,567.89 = 123.456789 万 → 123.46万元; exact in English.
        assert_eq!(headline(123_456_789, "CNY", true), "123.46万元");
        assert_eq!(headline(123_456_789, "CNY", false), "¥1,234,567.89");
        // ¥2,400,000 = 240 万; a negative NPV keeps its sign; ¥50 (half a hundredth of 万) rounds away
        // from zero, less than that is zero without a sign.
        assert_eq!(headline(240_000_000, "CNY", true), "240.00万元");
        assert_eq!(headline(-85_000_000, "CNY", true), "-85.00万元");
        assert_eq!(headline(5_000, "CNY", true), "0.01万元");
        assert_eq!(headline(-4_999, "CNY", true), "0.00万元");
        // ¥123,456,789,012.34 = 12,345,678.90 万 (thousands grouped).
        assert_eq!(headline(12_345_678_901_234, "CNY", true), "12,345,678.90万元");
        // Another currency keeps its code; yen have no minor unit: ¥1,500,000 = 150 万.
        assert_eq!(headline(12_345_000, "USD", true), "12.35万 USD");
        assert_eq!(headline(1_500_000, "JPY", true), "150.00万 JPY");
        assert_eq!(headline(i64::MIN, "CNY", true), "-9,223,372,036,854.78万元");
    }
}
