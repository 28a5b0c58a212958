//! Templates: the minijinja environment (templates embedded at build time) and `page`,
//! which adds what every page needs (language, user, CSRF token, path).
use super::context::Ctx;
use crate::AppState;
use crate::error::ErrorInfo;
use crate::i18n::{self, Lang};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use minijinja::value::{Kwargs, merge_maps};
use minijinja::{Environment, State, Value, context};

fn lang_of(state: &State) -> Lang {
    match state.lookup("lang").as_ref().and_then(Value::as_str) {
        Some("zh") => Lang::Zh,
        _ => Lang::En,
    }
}

pub fn environment() -> Environment<'static> {
    let mut env = Environment::new();
    minijinja_embed::load_templates!(&mut env);
    // The layout around a kept page's title and content (`kept_page`).
    env.add_template(
        "kept.html",
        r#"{% extends "base.html" %}{% block title %}{{ kept_title }}{% endblock %}{% block content %}{{ kept_content }}{% endblock %}"#,
    )
    .expect("the kept-page layout parses");
    // `t("key", name=value)`: the message in the page's language.
    env.add_function("t", |state: &State, key: &str, kwargs: Kwargs| -> Result<String, minijinja::Error> {
        let lang = lang_of(state);
        let mut s = i18n::t(lang, key);
        for k in kwargs.args() {
            let v: Value = kwargs.get(k)?;
            s = s.replace(&format!("{{{k}}}"), &v.to_string());
        }
        Ok(s)
    });
    // `asset("style.css")`: the static file's content-hashed URL (cached for a year).
    env.add_function("asset", |name: &str| Value::from_safe_string(super::assets::asset_url(name)));
    // `obj|loc("name")`: the field `name_zh` or `name_en` of a row, by the page's language.
    env.add_filter("loc", |state: &State, obj: Value, field: &str| -> Value {
        let lang = lang_of(state).code();
        obj.get_attr(&format!("{field}_{lang}")).unwrap_or_default()
    });
    // `{en, zh}` texts from the playbook.
    env.add_filter("text", |state: &State, obj: Value| -> Value {
        obj.get_attr(lang_of(state).code()).unwrap_or_default()
    });
    // Numbers for people: thousands separators, at most `decimals` places, no trailing zeros.
    env.add_filter("num", |v: Value, decimals: Option<usize>| -> String {
        match f64::try_from(v.clone()) {
            Ok(f) => format_number(f, decimals.unwrap_or(2)),
            Err(_) => v.to_string(),
        }
    });
    // Money in minor units with the currency's decimals and separators: "260,494.40",
    // "225,000.00" (`domain::money::plain`), so a column of amounts lines up.
    env.add_filter("minor", |v: i64, currency: &str| -> String { crate::domain::money::plain(v, currency) });
    // Whole major units: "1,049,236" (`domain::money::whole`).
    env.add_filter("whole_minor", |v: i64, currency: &str| -> String { crate::domain::money::whole(v, currency) });
    // A module feature typed in a blueprint step or configuration item, in the page's
    // language when it is a standard feature (`domain::modules::feature_label`).
    env.add_filter("feature", |state: &State, v: &str| -> String {
        crate::domain::modules::feature_label(v, lang_of(state).code())
    });
    // A variance in percent: "+7%", "0%", "−3%" (`domain::runbook::signed_pct`).
    env.add_filter("signed_pct", |v: i64| -> String { crate::domain::runbook::signed_pct(v) });
    // Long audit values are cut for the table; the full text stays in the log.
    env.add_filter("truncate", |v: &str, n: usize| -> String {
        if v.chars().count() <= n { v.to_string() } else { format!("{}…", v.chars().take(n).collect::<String>()) }
    });
    // Instants are shown in UTC, minute precision: "2026-11-22 14:05".
    env.add_filter("dt", |v: &str| -> String {
        chrono::DateTime::parse_from_rfc3339(v)
            .map(|d| d.format("%Y-%m-%d %H:%M").to_string())
            .unwrap_or_else(|_| v.to_string())
    });
    env
}

/// 12345.678 → "12,345.68"; 2350.0 → "2,350"; -0.5 → "-0.5" (the one number format of
/// every surface, `domain::targets::figure`).
pub fn format_number(v: f64, decimals: usize) -> String {
    crate::domain::targets::figure(v, decimals)
}

/// Any serialisable value for a template context.
pub fn ser<T: serde::Serialize>(t: &T) -> Value {
    Value::from(minijinja::value::Serde(t))
}

/// What every page's templates know of its language: its code and tag, and its punctuation
/// (merged last, so it wins over a handler's data of the same name).
fn language(lang: Lang) -> Value {
    context! {
        lang => lang.code(),
        html_lang => lang.tag(),
        // A label's colon: full-width in Chinese (标签：值), ": " in English.
        colon => if lang == Lang::Zh { "：" } else { ": " },
        // A label's unit in brackets: 金额（¥ CNY）, "Amount (¥ CNY)".
        lp => if lang == Lang::Zh { "（" } else { " (" },
        rp => if lang == Lang::Zh { "）" } else { ")" },
    }
}

/// What stands for the request's CSRF token in a kept page's content (a control character
/// no template writes): replaced by the token of each request that shows it.
const CSRF_MARK: &str = "\u{1}csrf\u{1}";

/// Template `name` as a page whose `title` and `content` blocks are rendered once per kept
/// view and `variant` (what the page depends on besides the view: the language is added
/// here; a role, a permission), then set in the layout for each request with its own user,
/// CSRF token and unread count. The blocks must not use the user, the path or the unread
/// count (the layout's own parts); `data` is asked for only when the blocks are rendered.
pub fn kept_page<T>(
    state: &AppState,
    ctx: &Ctx,
    kept: &crate::service::views::Kept<T>,
    name: &str,
    variant: &str,
    data: impl Fn() -> Value,
) -> Response {
    let key = format!("page.{name}.{}.{variant}", ctx.lang.code());
    let mut failed = false;
    let blocks = kept.memo(&key, || {
        let full = context! { csrf => CSRF_MARK, ..merge_maps([data(), language(ctx.lang)]) };
        let out = state.templates.get_template(name).and_then(|t| {
            let mut captured = t.render_captured_to(full, std::io::sink())?;
            captured
                .with_state_mut(|st| Ok(format!("{}\u{0}{}", st.render_block("title")?, st.render_block("content")?)))
        });
        out.unwrap_or_else(|e| {
            tracing::error!(template = name, error = format!("{e:#}"), "template error");
            failed = true;
            String::new()
        })
    });
    let Some((title, content)) = blocks.split_once('\u{0}').filter(|_| !failed) else {
        // A template defect: the whole page rendered as usual gives its logged 500.
        return page(state, ctx, name, data());
    };
    // Marked for `packed`, which keeps only a 200 (a template error's 500 passes through).
    super::packed::reusable(page(
        state,
        ctx,
        "kept.html",
        context! {
            kept_title => Value::from_safe_string(title.to_string()),
            kept_content => Value::from_safe_string(content.replace(CSRF_MARK, &ctx.csrf)),
        },
    ))
}

/// Render a template as a page. A template error is a defect: it is logged and becomes a
/// 500 (the error marker survives any status the caller sets), never a panic.
pub fn page(state: &AppState, ctx: &Ctx, name: &str, data: Value) -> Response {
    let full = context! {
        user => ser(&ctx.user),
        csrf => ctx.csrf.clone(),
        path => ctx.path.clone(),
        unread => ctx.unread,
        ..merge_maps([data, language(ctx.lang)])
    };
    match state.templates.get_template(name).and_then(|t| t.render(full)) {
        Ok(s) => Html(s).into_response(),
        Err(e) => {
            tracing::error!(template = name, error = format!("{e:#}"), "template error");
            let mut r =
                Html(format!("<!doctype html><title>Error</title><p>{}</p>", i18n::t(ctx.lang, "err.internal")))
                    .into_response();
            if name != "error.html" {
                r.extensions_mut()
                    .insert(ErrorInfo { status: StatusCode::INTERNAL_SERVER_ERROR, message: "err.internal" });
            }
            *r.status_mut() = StatusCode::INTERNAL_SERVER_ERROR;
            r
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn numbers_for_people() {
        assert_eq!(super::format_number(12345.678, 2), "12,345.68");
        assert_eq!(super::format_number(2350.0, 2), "2,350");
        assert_eq!(super::format_number(-0.5, 2), "-0.5");
        assert_eq!(super::format_number(-0.001, 2), "0");
        assert_eq!(super::format_number(1_000_000.0, 0), "1,000,000");
        assert_eq!(super::format_number(f64::NAN, 2), "—");
    }
}
