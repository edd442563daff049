//! Password + TOTP login with lockout and a single-use guard on codes.

use std::sync::Arc;

use chrono::{DateTime, Utc};

use crate::api::{ErrorCode, LoginRequest, LoginResponse, UserSummary};
use crate::server::audit;
use crate::server::auth::session::{new_token, token_hash, RequestContext};
use crate::server::auth::{password_rules, totp};
use crate::server::error::ApiError;
use crate::server::AppState;
use crate::store::UserAccount;

/// Every failure answers the same, whichever factor was wrong or whether the user
/// exists; only a locked account is named, so its owner knows to wait.
pub async fn login(
    state: &Arc<AppState>,
    ctx: &RequestContext,
    req: LoginRequest,
) -> Result<LoginResponse, ApiError> {
    let now = state.clock.now();
    let user = state.store.user(&req.username).await?;
    let fail = |outcome: &'static str| {
        let mut event = audit::event(ctx, &req.username, "login", outcome, now);
        if let Some(u) = &user {
            event.role = Some(u.role.code().to_string());
            event.organisation = Some(u.organisation.clone());
        }
        event
    };

    if let Some(u) = &user {
        if u.locked_until.is_some_and(|until| until > now) {
            audit::record(state, fail("account_locked")).await?;
            return Err(locked());
        }
    }
    let password_ok = state
        .hasher
        .verify(
            user.as_ref().map(|u| u.password_hash.clone()),
            password_rules::normalise(&req.password),
        )
        .await;
    let Some(account) = user.as_ref().filter(|u| password_ok && !u.disabled) else {
        return Err(failed(state, &req.username, fail("invalid_credentials")).await);
    };
    let unix = now.timestamp().max(0) as u64;
    // An account still enrolling (or reset) has no secret: no code can match.
    let secret = state.keys.unseal(&account.totp_secret).ok();
    let Some(step) = secret.and_then(|s| totp::matching_step(&s, req.totp.trim(), unix)) else {
        return Err(failed(state, &req.username, fail("invalid_credentials")).await);
    };
    if !state.store.claim_totp_step(&account.username, step).await? {
        return Err(failed(state, &req.username, fail("replayed_code")).await);
    }

    state.store.clear_login_failures(&account.username).await?;
    let response = open_session(state, account, now).await?;
    audit::record(state, fail("success")).await?;
    Ok(response)
}

/// A new session for an account that has just proved both factors.
pub async fn open_session(
    state: &Arc<AppState>,
    account: &UserAccount,
    now: DateTime<Utc>,
) -> Result<LoginResponse, ApiError> {
    let token = new_token();
    state
        .store
        .create_session(&token_hash(&token), &account.username, now)
        .await?;
    let organisation_name = state
        .store
        .organisation(&account.organisation)
        .await?
        .map(|o| o.name)
        .unwrap_or_else(|| account.organisation.clone());
    Ok(LoginResponse {
        token,
        expires_at: now + state.config.session_lifetime,
        user: UserSummary {
            username: account.username.clone(),
            display_name: account.display_name.clone(),
            role: account.role,
            organisation: account.organisation.clone(),
            organisation_name,
        },
    })
}

pub(crate) fn locked() -> ApiError {
    ApiError::new(
        ErrorCode::AccountLocked,
        "This account is locked after repeated failed logins. Try again later or ask your administrator.",
    )
}

/// Counts the failure against the account (if it exists), audits it, and says
/// "locked" if this failure was the one that locked it.
pub(crate) async fn failed(
    state: &Arc<AppState>,
    username: &str,
    event: crate::model::AuditEvent,
) -> ApiError {
    let cfg = &state.config;
    let lock_until = event.at + cfg.lock_duration;
    let now_locked = match state
        .store
        .record_login_failure(username, cfg.lock_after_failures, lock_until)
        .await
    {
        Ok(locked) => locked,
        Err(e) => return e.into(),
    };
    if let Err(e) = audit::record(state, event.clone()).await {
        return e;
    }
    if now_locked {
        let mut lock_event = event;
        lock_event.action = "account_lock".into();
        lock_event.outcome = "locked".into();
        if let Err(e) = audit::record(state, lock_event).await {
            return e;
        }
    }
    ApiError::invalid_credentials()
}
