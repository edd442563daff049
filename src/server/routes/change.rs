//! What every write handler shares: a JSON body whose faults answer in the one
//! error shape, and an audit event for each change, refusals included.

use std::sync::Arc;

use axum::extract::{FromRequest, Request};
use serde::de::DeserializeOwned;

use crate::api::ErrorCode;
use crate::model::validation::FieldError;
use crate::server::auth::AuthUser;
use crate::server::error::ApiError;
use crate::server::{audit, AppState};

/// `Json<T>` whose rejection is a `bad_request` that says what was wrong.
pub struct JsonBody<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for JsonBody<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, ApiError> {
        match axum::Json::<T>::from_request(req, state).await {
            Ok(axum::Json(v)) => Ok(JsonBody(v)),
            Err(e) => Err(ApiError::bad_request(format!(
                "The request could not be read: {}",
                e.body_text()
            ))),
        }
    }
}

impl From<FieldError> for ApiError {
    fn from(e: FieldError) -> Self {
        ApiError::bad_request(e.to_string())
    }
}

/// Appends the audit event for a change (or a refused one) to the child records named.
pub async fn audit_change(
    state: &Arc<AppState>,
    user: &AuthUser,
    action: &str,
    subjects: Vec<String>,
    result: Result<serde_json::Value, &ApiError>,
) -> Result<(), ApiError> {
    let outcome = match &result {
        Ok(_) => "success".to_string(),
        Err(e) => serde_json::to_value(e.code)
            .ok()
            .and_then(|v| v.as_str().map(String::from))
            .unwrap_or_default(),
    };
    let mut event = audit::user_event(state, user, action, &outcome);
    event.subjects = subjects;
    if let Ok(details) = result {
        event.details = details;
    }
    audit::record(state, event).await
}

pub fn conflict(message: impl Into<String>) -> ApiError {
    ApiError::new(ErrorCode::Conflict, message)
}

/// The message for an edit based on a version someone else has since replaced.
pub const STALE: &str = "Someone else changed this record since you opened it. \
     Review the current details and apply your change again.";
