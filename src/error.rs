//! `AppError`: how failures reach the user. Handlers return it; a middleware renders it as
//! an HTML page in the user's language, or as JSON under `/api/`.
use crate::service;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

#[derive(Debug)]
pub enum AppError {
    /// Not logged in: sent to the login page.
    Unauthenticated,
    NotFound,
    Forbidden,
    Csrf,
    BadRequest,
    Conflict,
    /// A rule refused the action; the i18n key explains it.
    Rule(&'static str),
    Invalid,
    Internal(String),
}

/// Attached to an error response; the rendering middleware turns it into a page.
#[derive(Clone, Debug)]
pub struct ErrorInfo {
    pub status: StatusCode,
    pub message: &'static str,
}

impl AppError {
    pub fn status_and_message(&self) -> (StatusCode, &'static str) {
        match self {
            AppError::Unauthenticated => (StatusCode::UNAUTHORIZED, "err.login_required"),
            AppError::NotFound => (StatusCode::NOT_FOUND, "err.not_found"),
            AppError::Forbidden => (StatusCode::FORBIDDEN, "err.forbidden"),
            AppError::Csrf => (StatusCode::FORBIDDEN, "err.csrf"),
            AppError::BadRequest => (StatusCode::BAD_REQUEST, "err.bad_request"),
            AppError::Conflict => (StatusCode::CONFLICT, "err.conflict"),
            AppError::Rule(k) => (StatusCode::UNPROCESSABLE_ENTITY, k),
            AppError::Invalid => (StatusCode::UNPROCESSABLE_ENTITY, "err.invalid"),
            AppError::Internal(_) => (StatusCode::INTERNAL_SERVER_ERROR, "err.internal"),
        }
    }
}

impl From<service::Error> for AppError {
    fn from(e: service::Error) -> Self {
        match e {
            service::Error::NotFound => AppError::NotFound,
            service::Error::Forbidden => AppError::Forbidden,
            service::Error::Conflict => AppError::Conflict,
            service::Error::Invalid(_) => AppError::Invalid,
            service::Error::Rule(k) => AppError::Rule(k),
            service::Error::Cycle(_) => AppError::Rule("err.cycle"),
            service::Error::Db(e) => e.into(),
        }
    }
}

impl From<sea_orm::DbErr> for AppError {
    /// A unique index that refused a row another request inserted first is a conflict
    /// (409: reload and try again), not a server error.
    fn from(e: sea_orm::DbErr) -> Self {
        match e.sql_err() {
            Some(sea_orm::SqlErr::UniqueConstraintViolation(_)) => AppError::Conflict,
            _ => AppError::Internal(e.to_string()),
        }
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        if let AppError::Internal(detail) = &self {
            tracing::error!(%detail, "internal error");
        }
        let (status, message) = self.status_and_message();
        let mut resp = status.into_response();
        resp.extensions_mut().insert(ErrorInfo { status, message });
        resp
    }
}

pub type AppResult<T> = Result<T, AppError>;
