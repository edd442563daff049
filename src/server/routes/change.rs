//! What every write handler shares: a JSON body whose faults answer in the one
//! error shape, and an audit event for each change, refusals included.

use std::sync::Arc;

use axum::extract::{FromRequest, Request};
use serde::de::DeserializeOwned;

use crate::api::ErrorCode;
use crate::model::validation::FieldError;
use crate::model::AuditEvent;
use crate::server::auth::AuthUser;
use crate::server::error::ApiError;
use crate::server::{audit, AppState};
use crate::store::AuditOf;

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

/// The audit event for a change (or a refused one) to the child records named.
pub fn change_event(
    state: &AppState,
    user: &AuthUser,
    action: &str,
    subjects: Vec<String>,
    result: Result<serde_json::Value, &ApiError>,
) -> AuditEvent {
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
    event
}

/// Appends the audit event for a change that the store did not make (a refusal
/// before any write).
pub async fn audit_change(
    state: &Arc<AppState>,
    user: &AuthUser,
    action: &str,
    subjects: Vec<String>,
    result: Result<serde_json::Value, &ApiError>,
) -> Result<(), ApiError> {
    audit::record(state, change_event(state, user, action, subjects, result)).await
}

/// The audit event the store appends with a write, in the same transaction:
/// `details` decides from the outcome what was done, or which error code refused it.
pub fn audit_of<T: 'static>(
    state: &AppState,
    user: &AuthUser,
    action: &str,
    subjects: Vec<String>,
    details: impl FnOnce(&T) -> Result<serde_json::Value, ErrorCode> + Send + 'static,
) -> AuditOf<T> {
    let mut event = change_event(state, user, action, subjects, Ok(serde_json::json!({})));
    Box::new(move |outcome| {
        match details(outcome) {
            Ok(d) => event.details = d,
            Err(code) => {
                event.outcome = serde_json::to_value(code)
                    .ok()
                    .and_then(|v| v.as_str().map(String::from))
                    .unwrap_or_default()
            }
        }
        event
    })
}

pub fn conflict(message: impl Into<String>) -> ApiError {
    ApiError::new(ErrorCode::Conflict, message)
}

/// The message for an edit based on a version someone else has since replaced.
pub const STALE: &str = "Someone else changed this record since you opened it. \
     Review the current details and apply your change again.";
