//! Form bodies as ordered key/value pairs, so repeated keys (checkboxes) survive.
use crate::error::AppError;
use axum::extract::{FromRequest, Request};

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
