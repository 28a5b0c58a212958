//! Templates: the minijinja environment (templates embedded at build time) and `page`,
//! which adds what every page needs (language, user, CSRF token, path).
use super::context::Ctx;
use crate::AppState;
use crate::i18n::{self, Lang};
use axum::response::Html;
use minijinja::value::Kwargs;
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
    // `obj|loc("name")`: the field `name_zh` or `name_en` of a row, by the page's language.
    env.add_filter("loc", |state: &State, obj: Value, field: &str| -> Value {
        let lang = lang_of(state).code();
        obj.get_attr(&format!("{field}_{lang}")).unwrap_or_default()
    });
    // `{en, zh}` texts from the playbook.
    env.add_filter("text", |state: &State, obj: Value| -> Value {
        obj.get_attr(lang_of(state).code()).unwrap_or_default()
    });
    // Instants are shown in UTC, minute precision: "2026-11-22 14:05".
    env.add_filter("dt", |v: &str| -> String {
        chrono::DateTime::parse_from_rfc3339(v).map(|d| d.format("%Y-%m-%d %H:%M").to_string()).unwrap_or_else(|_| v.to_string())
    });
    env
}

/// Any serialisable value for a template context.
pub fn ser<T: serde::Serialize>(t: &T) -> Value {
    Value::from(minijinja::value::Serde(t))
}

/// Render a template as a page. A template error is a defect; it is logged and shown as
/// a plain message rather than a panic.
pub fn page(state: &AppState, ctx: &Ctx, name: &str, data: Value) -> Html<String> {
    let full = context! {
        lang => ctx.lang.code(),
        html_lang => ctx.lang.tag(),
        user => ser(&ctx.user),
        csrf => ctx.csrf.clone(),
        path => ctx.path.clone(),
        ..data
    };
    match state.templates.get_template(name).and_then(|t| t.render(full)) {
        Ok(s) => Html(s),
        Err(e) => {
            tracing::error!(template = name, error = %e, "template error");
            Html(format!("<!doctype html><title>Error</title><p>{}</p>", i18n::t(ctx.lang, "err.internal")))
        }
    }
}
