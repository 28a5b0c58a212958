//! Field-level validation results. Messages are i18n keys, translated at the edge.
use serde::{Deserialize, Deserializer, Serialize};

/// A form checkbox read into a typed form struct (`#[serde(deserialize_with = "checkbox")]`):
/// ticked when it sent "1"; absent is `false` with `#[serde(default)]`.
pub fn checkbox<'de, D: Deserializer<'de>>(d: D) -> Result<bool, D::Error> {
    Ok(String::deserialize(d)? == "1")
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct FieldError {
    pub field: String,
    /// i18n key of the message, e.g. `err.required`.
    pub message: &'static str,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct FieldErrors(pub Vec<FieldError>);

impl FieldErrors {
    pub fn add(&mut self, field: &str, message: &'static str) {
        self.0.push(FieldError { field: field.to_string(), message });
    }
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
    /// `Ok` when nothing was wrong, so callers can write `errors.check()?`.
    pub fn check(self) -> Result<(), FieldErrors> {
        if self.is_empty() { Ok(()) } else { Err(self) }
    }
    pub fn into_result<T>(self, ok: T) -> Result<T, FieldErrors> {
        if self.is_empty() { Ok(ok) } else { Err(self) }
    }
    pub fn single(field: &str, message: &'static str) -> FieldErrors {
        let mut e = FieldErrors::default();
        e.add(field, message);
        e
    }
}

/// A required single-line text: trimmed, not empty, at most `max` characters, no control
/// characters.
pub fn required_text(errs: &mut FieldErrors, field: &str, raw: &str, max: usize) -> String {
    let v = raw.trim();
    if v.is_empty() {
        errs.add(field, "err.required");
    } else if v.chars().count() > max {
        errs.add(field, "err.too_long");
    } else if v.chars().any(|c| c.is_control()) {
        errs.add(field, "err.control_chars");
    }
    v.to_string()
}

/// A free text (notes, rationale): may span lines, bounded in length.
pub fn long_text(errs: &mut FieldErrors, field: &str, raw: &str, max: usize, required: bool) -> String {
    let v = raw.trim();
    if required && v.is_empty() {
        errs.add(field, "err.required");
    } else if let Some(problem) = super::bounds::long_text_problem(v, max) {
        errs.add(field, problem);
    }
    v.replace("\r\n", "\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn required_text_rules() {
        let mut e = FieldErrors::default();
        assert_eq!(required_text(&mut e, "a", "  x ", 5), "x");
        required_text(&mut e, "b", "   ", 5);
        required_text(&mut e, "c", "123456", 5);
        required_text(&mut e, "d", "a\u{7}b", 5);
        let got: Vec<_> = e.0.iter().map(|f| (f.field.as_str(), f.message)).collect();
        assert_eq!(got, [("b", "err.required"), ("c", "err.too_long"), ("d", "err.control_chars")]);
        // Chinese characters count as one each, not by bytes.
        let mut e = FieldErrors::default();
        required_text(&mut e, "z", "华美电器", 4);
        assert!(e.is_empty());
    }
}
