//! Two-factor enrolment with a one-time code from an administrator, and a user
//! changing their own password. A secret is offered sealed and becomes the
//! account's second factor only once a valid code from it has been typed.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use rand::Rng;
use sha2::{Digest, Sha256};

use crate::api::{
    EnrolFinishRequest, EnrolStartRequest, EnrolStartResponse, EnrolmentCode, LoginResponse,
    PasswordChange,
};
use crate::server::audit;
use crate::server::auth::login::{failed, locked, open_session};
use crate::server::auth::session::RequestContext;
use crate::server::auth::{password_rules, totp, AuthUser};
use crate::server::error::ApiError;
use crate::server::AppState;
use crate::store::{Enrolment, UserAccount};

/// No 0/O or 1/I: codes are read aloud and typed from paper.
const CODE_ALPHABET: &[u8; 32] = b"ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
const CODE_CHARS: usize = 16;

/// A new one-time enrolment code (80 random bits), as `XXXX-XXXX-XXXX-XXXX`.
pub fn new_code() -> String {
    let mut rng = rand::rngs::OsRng;
    let chars: Vec<char> = (0..CODE_CHARS)
        .map(|_| CODE_ALPHABET[rng.gen_range(0..CODE_ALPHABET.len())] as char)
        .collect();
    chars
        .chunks(4)
        .map(|c| c.iter().collect::<String>())
        .collect::<Vec<_>>()
        .join("-")
}

/// Stored form of a code: dashes, spaces and case do not matter.
pub fn code_hash(code: &str) -> String {
    let canonical: String = code
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_uppercase())
        .collect();
    hex::encode(Sha256::digest(canonical.as_bytes()))
}

/// Issues a code valid for the configured time: the value to hand to the user, and its hash.
pub fn issue(state: &AppState, username: &str) -> (EnrolmentCode, String, DateTime<Utc>) {
    let code = new_code();
    let expires = state.clock.now() + state.config.enrolment_valid_for;
    let hash = code_hash(&code);
    (
        EnrolmentCode {
            username: username.to_string(),
            enrolment_code: code,
            expires_at: expires,
        },
        hash,
        expires,
    )
}

fn no_enrolment() -> ApiError {
    ApiError::new(
        crate::api::ErrorCode::InvalidCredentials,
        "That username and enrolment code do not match an enrolment in progress. \
         Check them, or ask your administrator for a new code.",
    )
}

/// The enrolment for this username and code, if the code is right and still valid.
async fn matching(
    state: &Arc<AppState>,
    username: &str,
    code: &str,
) -> Result<(UserAccount, Enrolment), ApiError> {
    let now = state.clock.now();
    let user = state.store.user(username).await?;
    let enrolment = state.store.enrolment(username).await?;
    match (user, enrolment) {
        (Some(user), Some(e)) if e.code_hash == code_hash(code) && e.expires > now => {
            if user.disabled {
                return Err(no_enrolment());
            }
            if user.locked_until.is_some_and(|t| t > now) {
                return Err(locked());
            }
            Ok((user, e))
        }
        _ => Err(no_enrolment()),
    }
}

pub async fn start(
    state: &Arc<AppState>,
    ctx: &RequestContext,
    req: EnrolStartRequest,
) -> Result<EnrolStartResponse, ApiError> {
    let now = state.clock.now();
    let result = matching(state, &req.username, &req.enrolment_code).await;
    let mut event = audit::event(ctx, &req.username, "enrolment_start", "success", now);
    let (user, enrolment) = match result {
        Ok(found) => found,
        Err(e) => {
            event.outcome = "invalid_enrolment_code".into();
            audit::record(state, event).await?;
            return Err(e);
        }
    };
    event.role = Some(user.role.code().to_string());
    event.organisation = Some(user.organisation.clone());
    let secret = totp::new_secret();
    let uri = totp::enrolment_uri(&secret, &user.username).ok_or_else(|| {
        ApiError::bad_request("That username cannot be put in an enrolment link.")
    })?;
    state
        .store
        .set_pending_secret(&user.username, &state.keys.seal(&secret))
        .await?;
    audit::record(state, event).await?;
    Ok(EnrolStartResponse {
        otpauth_uri: uri,
        secret,
        needs_password: enrolment.password_hash.is_none(),
    })
}

pub async fn finish(
    state: &Arc<AppState>,
    ctx: &RequestContext,
    req: EnrolFinishRequest,
) -> Result<LoginResponse, ApiError> {
    let now = state.clock.now();
    let mut event = audit::event(ctx, &req.username, "enrolment_complete", "success", now);
    let (user, enrolment) = match matching(state, &req.username, &req.enrolment_code).await {
        Ok(found) => found,
        Err(e) => {
            event.outcome = "invalid_enrolment_code".into();
            audit::record(state, event).await?;
            return Err(e);
        }
    };
    event.role = Some(user.role.code().to_string());
    event.organisation = Some(user.organisation.clone());
    let Some(secret) = enrolment
        .pending_secret
        .as_deref()
        .and_then(|s| state.keys.unseal(s).ok())
    else {
        return Err(ApiError::bad_request(
            "Start the enrolment first, so that there is a secret to confirm.",
        ));
    };
    let new_password = match &enrolment.password_hash {
        None => match password_rules::check(&req.password, &user.username) {
            Ok(normalised) => Some(state.hasher.hash(normalised).await),
            Err(problem) => return Err(ApiError::bad_request(capitalise(&problem.to_string()))),
        },
        Some(hash) => {
            let ok = state
                .hasher
                .verify(Some(hash.clone()), password_rules::normalise(&req.password))
                .await;
            if !ok {
                event.outcome = "invalid_credentials".into();
                return Err(failed(state, &user.username, event).await);
            }
            None
        }
    };
    let unix = now.timestamp().max(0) as u64;
    let Some(step) = totp::matching_step(&secret, req.totp.trim(), unix) else {
        event.outcome = "invalid_code".into();
        failed(state, &user.username, event).await;
        return Err(ApiError::new(
            crate::api::ErrorCode::InvalidCredentials,
            "That code does not match the new secret. Check your phone's clock and type the code it shows now.",
        ));
    };
    if !state
        .store
        .complete_enrolment(&user.username, &enrolment.code_hash, new_password, step)
        .await?
    {
        return Err(no_enrolment());
    }
    let response = open_session(state, &user, now).await?;
    audit::record(state, event).await?;
    Ok(response)
}

/// The user's own password change: the current password and a fresh code prove it is them.
pub async fn change_password(
    state: &Arc<AppState>,
    user: &AuthUser,
    req: PasswordChange,
) -> Result<(), ApiError> {
    let now = state.clock.now();
    let mut event = audit::user_event(state, user, "password_change", "success");
    event.subjects = vec![user.username.clone()];
    let Some(account) = state.store.user(&user.username).await? else {
        return Err(ApiError::unauthenticated());
    };
    let ok = state
        .hasher
        .verify(
            Some(account.password_hash.clone()),
            password_rules::normalise(&req.current_password),
        )
        .await;
    let unix = now.timestamp().max(0) as u64;
    let step = state
        .keys
        .unseal(&account.totp_secret)
        .ok()
        .and_then(|s| totp::matching_step(&s, req.totp.trim(), unix));
    let claimed = match step {
        Some(step) if ok => state.store.claim_totp_step(&account.username, step).await?,
        _ => false,
    };
    if !claimed {
        event.outcome = "invalid_credentials".into();
        return Err(failed(state, &account.username, event).await);
    }
    let normalised = match password_rules::check(&req.new_password, &account.username) {
        Ok(n) => n,
        Err(problem) => {
            event.outcome = "password_refused".into();
            audit::record(state, event).await?;
            return Err(ApiError::bad_request(capitalise(&problem.to_string())));
        }
    };
    let hash = state.hasher.hash(normalised).await;
    state.store.set_password(&account.username, &hash).await?;
    // Anyone who had the old password may hold a session: only this one stays.
    state
        .store
        .end_user_sessions(&account.username, Some(&user.token_hash))
        .await?;
    audit::record(state, event).await
}

/// Messages start with a capital for people, lower-case inside longer errors.
pub fn capitalise(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(c) => c.to_uppercase().chain(chars).collect::<String>() + ".",
        None => String::new(),
    }
}
