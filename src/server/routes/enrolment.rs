//! Enrolment with a one-time code, one's own password, and one's own sessions.

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::Json;

use crate::api::{
    EnrolFinishRequest, EnrolStartRequest, EnrolStartResponse, ErrorBody, LoginResponse,
    PasswordChange, SessionList, SessionView,
};
use crate::server::auth::{enrol, AuthUser, RequestContext};
use crate::server::error::ApiError;
use crate::server::{audit, AppState};

/// Begin enrolling: the answer holds the new secret to put in an authenticator app.
#[utoipa::path(post, path = "/api/v1/enrol/start", request_body = EnrolStartRequest,
    responses((status = 200, body = EnrolStartResponse), (status = 401, body = ErrorBody)))]
pub async fn start(
    State(state): State<Arc<AppState>>,
    ctx: RequestContext,
    Json(req): Json<EnrolStartRequest>,
) -> Result<Json<EnrolStartResponse>, ApiError> {
    enrol::start(&state, &ctx, req).await.map(Json)
}

/// Finish enrolling with a code from the new secret (and the password); logs in.
#[utoipa::path(post, path = "/api/v1/enrol/finish", request_body = EnrolFinishRequest,
    responses((status = 200, body = LoginResponse), (status = 400, body = ErrorBody),
              (status = 401, body = ErrorBody)))]
pub async fn finish(
    State(state): State<Arc<AppState>>,
    ctx: RequestContext,
    Json(req): Json<EnrolFinishRequest>,
) -> Result<Json<LoginResponse>, ApiError> {
    enrol::finish(&state, &ctx, req).await.map(Json)
}

/// Change one's own password (needs the current one and a code); other sessions end.
#[utoipa::path(post, path = "/api/v1/me/password", request_body = PasswordChange,
    responses((status = 200), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody)))]
pub async fn change_password(
    State(state): State<Arc<AppState>>,
    user: AuthUser,
    Json(req): Json<PasswordChange>,
) -> Result<Json<serde_json::Value>, ApiError> {
    enrol::change_password(&state, &user, req).await?;
    Ok(Json(serde_json::json!({ "changed": true })))
}

/// One's own active sessions, newest use first.
#[utoipa::path(get, path = "/api/v1/sessions",
    responses((status = 200, body = SessionList), (status = 401, body = ErrorBody)))]
pub async fn sessions(
    State(state): State<Arc<AppState>>,
    user: AuthUser,
) -> Result<Json<SessionList>, ApiError> {
    let sessions = state.store.user_sessions(&user.username).await?;
    Ok(Json(SessionList {
        sessions: sessions
            .into_iter()
            .map(|s| SessionView {
                current: s.token_hash == user.token_hash,
                id: s.id,
                created_at: s.created_at,
                last_seen: s.last_seen,
            })
            .collect(),
    }))
}

/// End one of one's own sessions.
#[utoipa::path(delete, path = "/api/v1/sessions/{id}",
    responses((status = 200), (status = 404, body = ErrorBody)))]
pub async fn end_session(
    State(state): State<Arc<AppState>>,
    user: AuthUser,
    Path(id): Path<String>,
) -> Result<Json<serde_json::Value>, ApiError> {
    let session = state
        .store
        .user_sessions(&user.username)
        .await?
        .into_iter()
        .find(|s| s.id == id)
        .ok_or_else(|| ApiError::not_found("You have no session with that id."))?;
    state.store.end_session(&session.token_hash).await?;
    let mut event = audit::user_event(&state, &user, "session_end", "success");
    event.subjects = vec![user.username.clone()];
    event.details = serde_json::json!({ "session": id });
    audit::record(&state, event).await?;
    Ok(Json(serde_json::json!({ "ended": true })))
}
