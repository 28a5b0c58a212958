//! Errors of the JSON API as `application/problem+json` (RFC 9457): a type URI, a title and
//! a detail in the caller's language, the status, the request path as `instance`, and the
//! fields that are wrong (`field` for the first, `errors` for all). The members `error` (the
//! message key) and `message` (the detail) that the API spoke before are kept.
//!
//! Handlers return [`Problem`] through `?` from any service error; it leaves the response
//! unrendered (an extension), and the API's middleware ([`super::guard`]) renders it in the
//! language of the request — so no handler has to thread the language through its errors.
use crate::domain::validation::FieldErrors;
use crate::error::{AppError, ErrorInfo};
use crate::i18n::{self, Lang};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

/// The media type of a problem document.
pub const PROBLEM_JSON: &str = "application/problem+json";

/// A failure on its way to the caller, not yet in words.
#[derive(Clone, Debug)]
pub struct Problem {
    pub status: StatusCode,
    /// The i18n key of the title (e.g. `err.conflict`, `api.err.precondition_failed`).
    pub key: &'static str,
    /// Field → message key, in the order found.
    pub fields: Vec<(String, &'static str)>,
    /// Seconds for `Retry-After` (429).
    pub retry_after: Option<u64>,
}

impl Problem {
    pub fn new(status: StatusCode, key: &'static str) -> Problem {
        Problem { status, key, fields: vec![], retry_after: None }
    }

    /// A 400/422 naming one field.
    pub fn field(status: StatusCode, field: &str, key: &'static str) -> Problem {
        Problem { status, key: "err.invalid", fields: vec![(field.to_string(), key)], retry_after: None }
    }

    pub fn invalid(e: &FieldErrors) -> Problem {
        Problem {
            status: StatusCode::UNPROCESSABLE_ENTITY,
            key: "err.invalid",
            fields: e.0.iter().map(|f| (f.field.clone(), f.message)).collect(),
            retry_after: None,
        }
    }

    /// The last part of the `type` URI.
    fn slug(&self) -> &'static str {
        match self.status {
            StatusCode::BAD_REQUEST => "bad-request",
            StatusCode::UNAUTHORIZED => "unauthorized",
            StatusCode::FORBIDDEN => "forbidden",
            StatusCode::NOT_FOUND => "not-found",
            StatusCode::CONFLICT => "conflict",
            StatusCode::PRECONDITION_FAILED => "precondition-failed",
            StatusCode::PRECONDITION_REQUIRED => "precondition-required",
            StatusCode::UNPROCESSABLE_ENTITY if self.fields.is_empty() => "rule",
            StatusCode::UNPROCESSABLE_ENTITY => "invalid",
            StatusCode::TOO_MANY_REQUESTS => "rate-limited",
            StatusCode::METHOD_NOT_ALLOWED => "method-not-allowed",
            _ => "internal",
        }
    }

    /// The problem document in `lang`.
    pub fn document(&self, lang: Lang, instance: &str) -> ProblemDoc {
        let title = i18n::t(lang, self.key);
        let errors: Vec<FieldProblem> = self
            .fields
            .iter()
            .map(|(f, k)| FieldProblem { field: f.clone(), code: k, message: i18n::t(lang, k) })
            .collect();
        let detail = match errors.first() {
            Some(e) => format!("{}: {}", e.field, e.message),
            None => title.clone(),
        };
        ProblemDoc {
            r#type: format!("urn:ninefold:problem:{}", self.slug()),
            title,
            status: self.status.as_u16(),
            detail: detail.clone(),
            instance: instance.to_string(),
            field: errors.first().map(|e| e.field.clone()),
            errors,
            error: self.key,
            message: detail,
        }
    }

    /// The rendered response.
    pub fn render(&self, lang: Lang, instance: &str) -> Response {
        let mut resp = (self.status, axum::Json(self.document(lang, instance))).into_response();
        let h = resp.headers_mut();
        h.insert(header::CONTENT_TYPE, HeaderValue::from_static(PROBLEM_JSON));
        h.insert(header::CONTENT_LANGUAGE, HeaderValue::from_static(lang.code()));
        if let Some(s) = self.retry_after {
            h.insert(header::RETRY_AFTER, HeaderValue::from(s));
        }
        resp
    }
}

/// An RFC 9457 problem document.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct ProblemDoc {
    /// `urn:ninefold:problem:<kind>`.
    pub r#type: String,
    /// What went wrong, in the caller's language.
    pub title: String,
    pub status: u16,
    /// The first wrong field and its message, or the title.
    pub detail: String,
    /// The request path.
    pub instance: String,
    /// The first field that is wrong, when one is.
    pub field: Option<String>,
    /// Every field that is wrong.
    pub errors: Vec<FieldProblem>,
    /// The message key (stable, for programs).
    pub error: &'static str,
    /// The same as `detail`.
    pub message: String,
}

/// One wrong field.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct FieldProblem {
    pub field: String,
    /// The message key (stable, for programs).
    pub code: &'static str,
    /// The message in the caller's language.
    pub message: String,
}

impl IntoResponse for Problem {
    fn into_response(self) -> Response {
        let mut resp = self.status.into_response();
        resp.extensions_mut().insert(self);
        resp
    }
}

impl From<AppError> for Problem {
    fn from(e: AppError) -> Problem {
        if let AppError::Internal(detail) = &e {
            tracing::error!(%detail, "internal error");
        }
        let (status, key) = e.status_and_message();
        // Not logged in, for the API, is "no credentials": 401, never a redirect.
        Problem::new(status, key)
    }
}

impl From<crate::service::Error> for Problem {
    fn from(e: crate::service::Error) -> Problem {
        match e {
            crate::service::Error::Invalid(f) => Problem::invalid(&f),
            e => AppError::from(e).into(),
        }
    }
}

impl From<FieldErrors> for Problem {
    fn from(e: FieldErrors) -> Problem {
        Problem::invalid(&e)
    }
}

impl From<&ErrorInfo> for Problem {
    fn from(i: &ErrorInfo) -> Problem {
        Problem::new(i.status, i.message)
    }
}

pub type ApiResult<T> = Result<T, Problem>;
