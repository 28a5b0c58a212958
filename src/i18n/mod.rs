//! English and Simplified Chinese message catalogues, and choosing between them.
//! Catalogues are flat TOML files embedded in the binary; a unit test keeps their keys equal.
use std::collections::HashMap;
use std::sync::OnceLock;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lang {
    En,
    Zh,
}

impl Lang {
    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Zh => "zh",
        }
    }
    /// BCP 47 tag for `<html lang>`.
    pub fn tag(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Zh => "zh-CN",
        }
    }
    pub fn parse(s: &str) -> Option<Lang> {
        let s = s.trim().to_ascii_lowercase();
        if s == "zh" || s.starts_with("zh-") || s.starts_with("zh_") {
            Some(Lang::Zh)
        } else if s == "en" || s.starts_with("en-") || s.starts_with("en_") {
            Some(Lang::En)
        } else {
            None
        }
    }
}

/// The user's saved setting wins, then the language switch cookie, then the browser's
/// `Accept-Language` (highest quality among languages we speak), then English.
pub fn negotiate(user_setting: Option<&str>, cookie: Option<&str>, accept_language: Option<&str>) -> Lang {
    if let Some(l) = user_setting.and_then(Lang::parse).or_else(|| cookie.and_then(Lang::parse)) {
        return l;
    }
    let mut best: Option<(f32, Lang)> = None;
    for part in accept_language.unwrap_or("").split(',') {
        let mut bits = part.split(';');
        let Some(lang) = bits.next().and_then(Lang::parse) else {
            continue;
        };
        let q = bits.find_map(|b| b.trim().strip_prefix("q=").and_then(|q| q.parse::<f32>().ok())).unwrap_or(1.0);
        if q > 0.0 && best.is_none_or(|(bq, _)| q > bq) {
            best = Some((q, lang));
        }
    }
    best.map_or(Lang::En, |(_, l)| l)
}

type Catalogue = HashMap<String, String>;

fn load(src: &str) -> Catalogue {
    fn walk(prefix: &str, t: &dyn toml_edit::TableLike, out: &mut Catalogue) {
        for (k, item) in t.iter() {
            let key = if prefix.is_empty() { k.to_string() } else { format!("{prefix}.{k}") };
            if let Some(s) = item.as_str() {
                out.insert(key, s.to_string());
            } else if let Some(sub) = item.as_table_like() {
                walk(&key, sub, out);
            }
        }
    }
    let mut out = HashMap::new();
    // The catalogues are compiled in and covered by tests; a broken one is a build defect.
    let doc = toml_edit::Document::parse(src).expect("embedded message catalogue is valid TOML");
    walk("", doc.as_table(), &mut out);
    out
}

/// One catalogue file per area and language; an area adds its pair here.
const SOURCES: &[(&str, &str)] = &[
    (include_str!("en.toml"), include_str!("zh.toml")),
    (include_str!("en_targets.toml"), include_str!("zh_targets.toml")),
    (include_str!("business_case.en.toml"), include_str!("business_case.zh.toml")),
    (include_str!("organisation.en.toml"), include_str!("organisation.zh.toml")),
    (include_str!("schedule.en.toml"), include_str!("schedule.zh.toml")),
    (include_str!("diagnosis.en.toml"), include_str!("diagnosis.zh.toml")),
    (include_str!("pdf.en.toml"), include_str!("pdf.zh.toml")),
    (include_str!("glossary.en.toml"), include_str!("glossary.zh.toml")),
    (include_str!("hardening.en.toml"), include_str!("hardening.zh.toml")),
    (include_str!("portfolio.en.toml"), include_str!("portfolio.zh.toml")),
    (include_str!("testing.en.toml"), include_str!("testing.zh.toml")),
    (include_str!("testing2.en.toml"), include_str!("testing2.zh.toml")),
    (include_str!("budget.en.toml"), include_str!("budget.zh.toml")),
    (include_str!("golive.en.toml"), include_str!("golive.zh.toml")),
    (include_str!("collab.en.toml"), include_str!("collab.zh.toml")),
    (include_str!("hooks.en.toml"), include_str!("hooks.zh.toml")),
    (include_str!("api.en.toml"), include_str!("api.zh.toml")),
    (include_str!("budget2.en.toml"), include_str!("budget2.zh.toml")),
    (include_str!("docs8.en.toml"), include_str!("docs8.zh.toml")),
    (include_str!("effort.en.toml"), include_str!("effort.zh.toml")),
    (include_str!("evaluation.en.toml"), include_str!("evaluation.zh.toml")),
    (include_str!("readiness.en.toml"), include_str!("readiness.zh.toml")),
];

fn catalogue(lang: Lang) -> &'static Catalogue {
    static EN: OnceLock<Catalogue> = OnceLock::new();
    static ZH: OnceLock<Catalogue> = OnceLock::new();
    let build = |pick: fn(&(&'static str, &'static str)) -> &'static str| {
        SOURCES.iter().map(pick).fold(Catalogue::new(), |mut all, src| {
            all.extend(load(src));
            all
        })
    };
    match lang {
        Lang::En => EN.get_or_init(|| build(|s| s.0)),
        Lang::Zh => ZH.get_or_init(|| build(|s| s.1)),
    }
}

/// Translate `key`; a missing key shows itself, so it is noticed rather than hidden.
pub fn t(lang: Lang, key: &str) -> String {
    catalogue(lang).get(key).cloned().unwrap_or_else(|| key.to_string())
}

/// Translate and fill `{name}` placeholders.
pub fn tf(lang: Lang, key: &str, args: &[(&str, &str)]) -> String {
    let mut s = t(lang, key);
    for (k, v) in args {
        s = s.replace(&format!("{{{k}}}"), v);
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn catalogues_have_the_same_keys() {
        let en = catalogue(Lang::En);
        let zh = catalogue(Lang::Zh);
        let mut missing: Vec<_> = en.keys().filter(|k| !zh.contains_key(*k)).collect();
        missing.extend(zh.keys().filter(|k| !en.contains_key(*k)));
        assert!(missing.is_empty(), "keys in one catalogue only: {missing:?}");
        assert!(en.len() > 50);
    }

    #[test]
    fn each_key_is_defined_in_one_area_only() {
        // Catalogues are merged; a key in two files would silently override one of them.
        for pick in [|s: &(&'static str, &'static str)| s.0, |s: &(&'static str, &'static str)| s.1] {
            let mut seen = std::collections::HashSet::new();
            for src in SOURCES.iter().map(pick) {
                for key in load(src).into_keys() {
                    // Tab names and a few shared field labels are added by several areas on
                    // purpose only when identical; anything else is a clash.
                    assert!(seen.insert(key.clone()) || shared_same(pick, &key), "{key} is defined twice");
                }
            }
        }
    }

    fn shared_same(pick: fn(&(&'static str, &'static str)) -> &'static str, key: &str) -> bool {
        let values: std::collections::HashSet<String> =
            SOURCES.iter().map(pick).filter_map(|src| load(src).get(key).cloned()).collect();
        values.len() == 1
    }

    /// One term per concept: every page and document text that names a glossary concept uses
    /// the glossary's term, never a synonym; the tiers, the gate and the deliverable read the
    /// same in the pages' and the documents' catalogues; no text speaks of the method's sources.
    #[test]
    fn glossary_terms_agree_across_pages_and_documents() {
        // (glossary key, synonyms that must not appear in Chinese texts)
        const SYNONYMS: &[(&str, &[&str])] = &[
            ("gate", &["关口", "门径"]),
            ("deliverable", &["交付物", "可交付成果"]),
            ("steering_committee", &["指导小组", "督导委员会", "领导小组"]),
            ("project_team", &["项目小组", "项目组成员", "实施团队"]),
            ("functional_group", &["职能组", "业务小组"]),
            ("key_user", &["核心用户", "关键使用者"]),
            ("baseline", &["基准计划"]),
        ];
        for lang in [Lang::En, Lang::Zh] {
            let all = catalogue(lang);
            for (key, _) in SYNONYMS {
                assert!(all.contains_key(&format!("glossary.{key}")), "glossary.{key} missing");
            }
            for (key, value) in all {
                let lower = value.to_lowercase();
                assert!(!lower.contains("seed"), "{key} speaks of a seed: {value}");
                if lang == Lang::Zh && !key.starts_with("glossary.") {
                    for (term, bad) in SYNONYMS {
                        for b in *bad {
                            assert!(
                                !value.contains(b),
                                "{key} says {b}, the glossary says {}",
                                t(lang, &format!("glossary.{term}"))
                            );
                        }
                    }
                }
            }
        }
        // The pages' and the documents' words for the same things.
        let pdf_zh = load(include_str!("pdf.zh.toml"));
        let pdf_en = load(include_str!("pdf.en.toml"));
        for (lang, pdf) in [(Lang::Zh, &pdf_zh), (Lang::En, &pdf_en)] {
            for (pdf_key, term) in [("pdf.col.gate", "gate"), ("pdf.col.deliverable", "deliverable")] {
                let want = t(lang, &format!("glossary.{term}")).to_lowercase();
                let got = pdf.get(pdf_key).map(|s| s.to_lowercase()).unwrap_or_default();
                assert_eq!(got, want, "{pdf_key} in the documents");
            }
            for tier in ["steering_committee", "project_team", "functional_group"] {
                let page = t(lang, &format!("tier.{tier}")).to_lowercase();
                assert!(page.contains(&t(lang, &format!("glossary.{tier}")).to_lowercase()), "tier.{tier}: {page}");
            }
        }
    }

    #[test]
    fn negotiation_order() {
        assert_eq!(negotiate(Some("zh"), Some("en"), Some("en")), Lang::Zh);
        assert_eq!(negotiate(None, Some("zh"), Some("en-US")), Lang::Zh);
        assert_eq!(negotiate(None, None, Some("zh-CN,zh;q=0.9,en;q=0.8")), Lang::Zh);
        assert_eq!(negotiate(None, None, Some("fr-FR, en;q=0.5, zh;q=0.4")), Lang::En);
        assert_eq!(negotiate(None, None, Some("de")), Lang::En);
        assert_eq!(negotiate(None, None, None), Lang::En);
        assert_eq!(negotiate(Some("xx"), None, Some("zh-TW;q=0.3")), Lang::Zh);
    }

    #[test]
    fn placeholders() {
        assert_eq!(tf(Lang::En, "test.hello", &[("name", "Ann")]), "Hello, Ann");
    }
}
