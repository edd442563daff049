use std::sync::Arc;

use axum::extract::State;
use axum::Json;

use crate::api::{ErrorBody, LoginRequest, LoginResponse};
use crate::server::auth::{self as authn, AuthUser, RequestContext};
use crate::server::error::ApiError;
use crate::server::{audit, AppState};

/// Log in with username, password and the current 6-digit code.
#[utoipa::path(post, path = "/api/v1/login", request_body = LoginRequest,
    responses((status = 200, body = LoginResponse),
              (status = 401, description = "invalid_credentials", body = ErrorBody),
              (status = 403, description = "account_locked", body = ErrorBody)))]
pub async fn login(
    State(state): State<Arc<AppState>>,
    ctx: RequestContext,
    Json(req): Json<LoginRequest>,
) -> Result<Json<LoginResponse>, ApiError> {
    authn::login(&state, &ctx, req).await.map(Json)
}

/// End the current session; its token stops working at once.
#[utoipa::path(post, path = "/api/v1/logout",
    responses((status = 200), (status = 401, description = "unauthenticated", body = ErrorBody)))]
pub async fn logout(
    State(state): State<Arc<AppState>>,
    user: AuthUser,
) -> Result<Json<serde_json::Value>, ApiError> {
    state.store.end_session(&user.token_hash).await?;
    audit::record(
        &state,
        audit::user_event(&state, &user, "logout", "success"),
    )
    .await?;
    Ok(Json(serde_json::json!({ "logged_out": true })))
}
