use std::sync::Arc;

use axum::extract::State;
use axum::Json;

use crate::api::{DemoAccount, DemoAccounts, ErrorBody};
use crate::server::error::ApiError;
use crate::server::AppState;

/// The demo accounts and their secrets, so a newcomer can log in. Only a demo
/// directory answers; a real one says there is no such thing.
#[utoipa::path(get, path = "/api/v1/demo/accounts",
    responses((status = 200, body = DemoAccounts), (status = 404, body = ErrorBody)))]
pub async fn accounts(State(state): State<Arc<AppState>>) -> Result<Json<DemoAccounts>, ApiError> {
    if state
        .store
        .meta(crate::store::DEMO_META_KEY)
        .await?
        .as_deref()
        != Some("true")
    {
        return Err(ApiError::not_found("This directory has no demo accounts."));
    }
    let mut accounts = Vec::new();
    for login in state.store.demo_logins().await? {
        if let Some(user) = state.store.user(&login.username).await? {
            let Ok(totp_secret) = state.keys.unseal(&user.totp_secret) else {
                continue;
            };
            accounts.push(DemoAccount {
                username: user.username,
                password: login.password,
                totp_secret,
                role: user.role,
                organisation: user.organisation,
                description: login.description,
            });
        }
    }
    Ok(Json(DemoAccounts { accounts }))
}
