//! Form bodies as ordered key/value pairs, so repeated keys (checkboxes) survive.
use crate::domain::validation::FieldErrors;
use crate::error::AppError;
use crate::service;
use axum::extract::{FromRequest, Request};
use axum::http::StatusCode;

#[derive(Clone, Debug, Default)]
pub struct FormData(pub Vec<(String, String)>);

impl FormData {
    pub fn parse(body: &[u8]) -> Option<FormData> {
        serde_urlencoded::from_bytes::<Vec<(String, String)>>(body).ok().map(FormData)
    }
    pub fn get(&self, key: &str) -> &str {
        self.0.iter().find(|(k, _)| k == key).map_or("", |(_, v)| v.as_str())
    }
    pub fn all(&self, key: &str) -> Vec<String> {
        self.0.iter().filter(|(k, _)| k == key).map(|(_, v)| v.clone()).collect()
    }
    /// The fields as a typed form struct (`#[derive(Deserialize)] #[serde(default)]`): fields
    /// it does not name (csrf, version) are ignored, missing ones take their default, and a
    /// repeated key counts once (its first value, as [`FormData::get`]).
    pub fn typed<T: serde::de::DeserializeOwned>(&self) -> Result<T, AppError> {
        let mut first: Vec<&(String, String)> = Vec::with_capacity(self.0.len());
        for kv in &self.0 {
            if !first.iter().any(|(k, _)| *k == kv.0) {
                first.push(kv);
            }
        }
        let body = serde_urlencoded::to_string(&first).map_err(|_| AppError::BadRequest)?;
        serde_urlencoded::from_str(&body).map_err(|_| AppError::BadRequest)
    }

    /// The optimistic-locking version the form was loaded with.
    pub fn version(&self) -> Result<i32, AppError> {
        self.get("version").trim().parse().map_err(|_| AppError::BadRequest)
    }
}

impl<S: Send + Sync> FromRequest<S> for FormData {
    type Rejection = AppError;

    async fn from_request(req: Request, _state: &S) -> Result<Self, Self::Rejection> {
        let bytes = axum::body::Bytes::from_request(req, &()).await.map_err(|_| AppError::BadRequest)?;
        FormData::parse(&bytes).ok_or(AppError::BadRequest)
    }
}

/// What went wrong with a submitted form, for showing the page again: the status, the
/// messages by field, a message for the whole form, and whether it was a stale version.
#[derive(Debug, Default)]
pub struct Feedback {
    pub status: StatusCode,
    pub errors: FieldErrors,
    pub error: Option<&'static str>,
    /// Words to show after the message, e.g. the activities of a dependency cycle.
    pub detail: Option<String>,
    pub conflict: bool,
}

impl Feedback {
    pub fn none() -> Feedback {
        Feedback { status: StatusCode::OK, ..Default::default() }
    }

    pub fn field(field: &str, message: &'static str) -> Feedback {
        Feedback {
            status: StatusCode::UNPROCESSABLE_ENTITY,
            errors: FieldErrors::single(field, message),
            ..Default::default()
        }
    }

    /// The service errors a user can act on become feedback on the form; anything else
    /// (not found, forbidden, database) stays an error page.
    pub fn from_service(e: service::Error) -> Result<Feedback, AppError> {
        let unprocessable = StatusCode::UNPROCESSABLE_ENTITY;
        match e {
            service::Error::Conflict => {
                Ok(Feedback { status: StatusCode::CONFLICT, conflict: true, ..Default::default() })
            }
            service::Error::Invalid(errors) => Ok(Feedback { status: unprocessable, errors, ..Default::default() }),
            service::Error::Rule(k) => Ok(Feedback { status: unprocessable, error: Some(k), ..Default::default() }),
            service::Error::Cycle(names) => Ok(Feedback {
                status: unprocessable,
                error: Some("err.cycle"),
                detail: Some(names.join(" → ")),
                ..Default::default()
            }),
            e => Err(e.into()),
        }
    }
}
