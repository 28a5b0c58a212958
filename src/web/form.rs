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
    /// The form as a typed struct: `#[derive(Deserialize)] #[serde(default)]` with `String`
    /// fields as typed (validated by the domain) and checkboxes read with
    /// `domain::validation::checkbox`. The first value of a repeated key counts (as `get`);
    /// keys the struct does not name (csrf, version) are ignored.
    pub fn typed<T: serde::de::DeserializeOwned>(&self) -> Result<T, AppError> {
        let mut seen = std::collections::HashSet::new();
        let first: Vec<&(String, String)> = self.0.iter().filter(|(k, _)| seen.insert(k.as_str())).collect();
        let body = serde_urlencoded::to_string(first).map_err(|_| AppError::BadRequest)?;
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

/// The POST route of one form among several that share one write flow: the handler is
/// `flow(state, ctx, path, which, form)`, `which` telling the forms apart. Saves a handler
/// per form that only forwards to the flow.
pub fn form_route<P, W, F, Fut>(which: W, flow: F) -> axum::routing::MethodRouter<crate::AppState>
where
    P: serde::de::DeserializeOwned + Send + 'static,
    W: Copy + Send + Sync + 'static,
    F: Fn(crate::AppState, super::context::Ctx, P, W, FormData) -> Fut + Clone + Send + Sync + 'static,
    Fut: Future<Output = crate::error::AppResult<axum::response::Response>> + Send + 'static,
{
    use axum::extract::{Path, State};
    axum::routing::post(
        move |State(state): State<crate::AppState>, ctx: super::context::Ctx, Path(p): Path<P>, form: FormData| {
            let flow = flow.clone();
            async move { flow(state, ctx, p, which, form).await }
        },
    )
}
