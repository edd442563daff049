//! Account and organisation administration by `admin` and `la_admin`. Every
//! change, and every refused attempt, is audited.

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::Json;

use crate::api::{
    AccountActionResult, AccountList, AccountView, CreatedAccount, ErrorBody, NewAccountRequest,
    RoleChange, SuspendRequest,
};
use crate::model::{NewNotification, NotificationKind, Organisation};
use crate::server::auth::{enrol, AuthUser};
use crate::server::error::ApiError;
use crate::server::policy::{accounts as rules, Viewer};
use crate::server::{audit, AppState};
use crate::store::{AccountDetails, NewAccount, StoreError};

pub(super) fn view(a: AccountDetails, now: chrono::DateTime<chrono::Utc>) -> AccountView {
    AccountView {
        locked: a.locked_until.is_some_and(|t| t > now),
        username: a.username,
        display_name: a.display_name,
        role: a.role,
        organisation: a.organisation,
        phone: a.phone,
        child_protection: a.child_protection,
        disabled: a.disabled,
        enrolled: a.enrolled,
        enrolment_pending: a.enrolment_pending,
        sessions: a.sessions,
    }
}

/// The outcome word an audit event records for a result.
pub(super) fn outcome<T>(result: &Result<T, ApiError>) -> String {
    match result {
        Ok(_) => "success".into(),
        Err(e) => serde_json::to_value(e.code)
            .ok()
            .and_then(|v| v.as_str().map(String::from))
            .unwrap_or_else(|| "error".into()),
    }
}

/// Audits an account action by `user` on `subject`, whatever its result, then returns it.
pub(super) async fn audited<T>(
    state: &Arc<AppState>,
    user: &AuthUser,
    action: &str,
    subject: &str,
    details: serde_json::Value,
    result: Result<T, ApiError>,
) -> Result<T, ApiError> {
    let mut event = audit::user_event(state, user, action, &outcome(&result));
    event.subjects = vec![subject.to_string()];
    event.details = details;
    audit::record(state, event).await?;
    result
}

async fn organisation(state: &AppState, code: &str) -> Result<Organisation, ApiError> {
    state.store.organisation(code).await?.ok_or_else(|| {
        ApiError::bad_request(format!("There is no organisation with code '{code}'."))
    })
}

/// The account, if the viewer may manage it (and it is not their own).
async fn managed(
    state: &AppState,
    viewer: &Viewer,
    user: &AuthUser,
    username: &str,
) -> Result<AccountDetails, ApiError> {
    let account = state
        .store
        .account(username)
        .await?
        .ok_or_else(|| ApiError::not_found(format!("There is no user '{username}'.")))?;
    rules::may_manage_in(viewer, &organisation(state, &account.organisation).await?)?;
    rules::may_change_account(&user.username, username)?;
    Ok(account)
}

async fn current(state: &AppState, username: &str) -> Result<AccountView, ApiError> {
    let account = state
        .store
        .account(username)
        .await?
        .ok_or_else(|| ApiError::not_found(format!("There is no user '{username}'.")))?;
    Ok(view(account, state.clock.now()))
}

fn valid_username(name: &str) -> Result<(), ApiError> {
    let ok = (3..=64).contains(&name.len())
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "._-".contains(c));
    if ok {
        Ok(())
    } else {
        Err(ApiError::bad_request(
            "A username is 3 to 64 characters: lower-case letters, digits, '.', '_' or '-'.",
        ))
    }
}

fn valid_phone(phone: &Option<String>) -> Result<(), ApiError> {
    let ok = phone.as_deref().is_none_or(|p| {
        let digits = p.chars().filter(char::is_ascii_digit).count();
        (6..=15).contains(&digits) && p.chars().all(|c| c.is_ascii_digit() || " +()-".contains(c))
    });
    if ok {
        Ok(())
    } else {
        Err(ApiError::bad_request(
            "A phone number is 6 to 15 digits, with spaces, '+', '(', ')' or '-' if you like.",
        ))
    }
}

/// The accounts the caller manages: all for `admin`, their authority's for `la_admin`.
#[utoipa::path(get, path = "/api/v1/users",
    responses((status = 200, body = AccountList), (status = 403, body = ErrorBody)))]
pub async fn list(
    State(state): State<Arc<AppState>>,
    user: AuthUser,
) -> Result<Json<AccountList>, ApiError> {
    let viewer = user.viewer();
    let scope = match rules::managed_authority(&viewer)? {
        None => None,
        Some(la) => Some(
            state
                .store
                .organisations()
                .await?
                .into_iter()
                .filter(|o| o.local_authority == la)
                .map(|o| o.code)
                .collect(),
        ),
    };
    let now = state.clock.now();
    let accounts = state.store.accounts(scope).await?;
    Ok(Json(AccountList {
        accounts: accounts.into_iter().map(|a| view(a, now)).collect(),
    }))
}

/// Create an account. It has no password or second factor yet: the answer holds a
/// one-time enrolment code to give its owner.
#[utoipa::path(post, path = "/api/v1/users", request_body = NewAccountRequest,
    responses((status = 200, body = CreatedAccount), (status = 400, body = ErrorBody),
              (status = 403, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn create(
    State(state): State<Arc<AppState>>,
    user: AuthUser,
    Json(req): Json<NewAccountRequest>,
) -> Result<Json<CreatedAccount>, ApiError> {
    let details = serde_json::json!({
        "role": req.role, "organisation": req.organisation, "child_protection": req.child_protection
    });
    let username = req.username.trim().to_string();
    let result = async {
        let viewer = user.viewer();
        rules::may_manage_accounts(&viewer)?;
        valid_username(&username)?;
        let display_name = req.display_name.trim().to_string();
        if display_name.is_empty() || display_name.chars().count() > 100 {
            return Err(ApiError::bad_request(
                "Give a display name of up to 100 characters.",
            ));
        }
        valid_phone(&req.phone)?;
        rules::may_manage_in(&viewer, &organisation(&state, &req.organisation).await?)?;
        rules::may_grant(&viewer, req.role)?;
        let (code, hash, expires) = enrol::issue(&state, &username);
        let account = NewAccount {
            username: username.clone(),
            display_name,
            role: req.role,
            organisation: req.organisation.clone(),
            phone: req.phone.clone().filter(|p| !p.trim().is_empty()),
            child_protection: req.child_protection,
        };
        match state.store.create_account(account, &hash, expires).await {
            Err(StoreError::AlreadyExists(_)) => {
                return Err(ApiError::new(
                    crate::api::ErrorCode::Conflict,
                    format!("The username '{username}' is taken: choose another."),
                ))
            }
            other => other?,
        }
        Ok(CreatedAccount {
            account: current(&state, &username).await?,
            enrolment: code,
        })
    }
    .await;
    audited(&state, &user, "account_create", &username, details, result)
        .await
        .map(Json)
}

/// Change a user's role; it applies from their next request.
#[utoipa::path(put, path = "/api/v1/users/{username}/role", request_body = RoleChange,
    responses((status = 200, body = AccountActionResult), (status = 403, body = ErrorBody)))]
pub async fn change_role(
    State(state): State<Arc<AppState>>,
    user: AuthUser,
    Path(username): Path<String>,
    Json(req): Json<RoleChange>,
) -> Result<Json<AccountActionResult>, ApiError> {
    let result = async {
        let viewer = user.viewer();
        let account = managed(&state, &viewer, &user, &username).await?;
        // Both the old and the new role must be the viewer's to give.
        rules::may_grant(&viewer, account.role)?;
        rules::may_grant(&viewer, req.role)?;
        state.store.set_role(&username, req.role).await?;
        Ok(AccountActionResult {
            account: current(&state, &username).await?,
            message: format!("{username} is now {}.", req.role.code()),
        })
    }
    .await;
    let details = serde_json::json!({ "role": req.role });
    audited(
        &state,
        &user,
        "account_role_change",
        &username,
        details,
        result,
    )
    .await
    .map(Json)
}

/// The simple account actions, by their path name.
#[derive(Debug, Clone, Copy)]
enum Simple {
    Disable,
    Enable,
    Unlock,
    EndSessions,
}

async fn simple(
    state: Arc<AppState>,
    user: AuthUser,
    username: String,
    what: Simple,
) -> Result<Json<AccountActionResult>, ApiError> {
    let result = async {
        let viewer = user.viewer();
        let account = managed(&state, &viewer, &user, &username).await?;
        rules::may_grant(&viewer, account.role)?;
        let message = match what {
            Simple::Disable => {
                state.store.set_disabled(&username, true).await?;
                format!("{username} is disabled and logged out everywhere.")
            }
            Simple::Enable => {
                state.store.set_disabled(&username, false).await?;
                format!("{username} is enabled again.")
            }
            Simple::Unlock => {
                state.store.clear_login_failures(&username).await?;
                format!("{username} is unlocked.")
            }
            Simple::EndSessions => {
                let n = state.store.end_user_sessions(&username, None).await?;
                format!("Ended {n} sessions of {username}.")
            }
        };
        Ok(AccountActionResult {
            account: current(&state, &username).await?,
            message,
        })
    }
    .await;
    let action = match what {
        Simple::Disable => "account_disable",
        Simple::Enable => "account_enable",
        Simple::Unlock => "account_unlock",
        Simple::EndSessions => "account_sessions_end",
    };
    audited(
        &state,
        &user,
        action,
        &username,
        serde_json::json!({}),
        result,
    )
    .await
    .map(Json)
}

/// Disable an account: its sessions end at once.
#[utoipa::path(post, path = "/api/v1/users/{username}/disable",
    responses((status = 200, body = AccountActionResult), (status = 403, body = ErrorBody)))]
pub async fn disable(
    State(state): State<Arc<AppState>>,
    user: AuthUser,
    Path(username): Path<String>,
) -> Result<Json<AccountActionResult>, ApiError> {
    simple(state, user, username, Simple::Disable).await
}

/// Enable a disabled account again.
#[utoipa::path(post, path = "/api/v1/users/{username}/enable",
    responses((status = 200, body = AccountActionResult), (status = 403, body = ErrorBody)))]
pub async fn enable(
    State(state): State<Arc<AppState>>,
    user: AuthUser,
    Path(username): Path<String>,
) -> Result<Json<AccountActionResult>, ApiError> {
    simple(state, user, username, Simple::Enable).await
}

/// Lift a lockout after failed logins.
#[utoipa::path(post, path = "/api/v1/users/{username}/unlock",
    responses((status = 200, body = AccountActionResult), (status = 403, body = ErrorBody)))]
pub async fn unlock(
    State(state): State<Arc<AppState>>,
    user: AuthUser,
    Path(username): Path<String>,
) -> Result<Json<AccountActionResult>, ApiError> {
    simple(state, user, username, Simple::Unlock).await
}

/// End every session of a user.
#[utoipa::path(post, path = "/api/v1/users/{username}/end-sessions",
    responses((status = 200, body = AccountActionResult), (status = 403, body = ErrorBody)))]
pub async fn end_sessions(
    State(state): State<Arc<AppState>>,
    user: AuthUser,
    Path(username): Path<String>,
) -> Result<Json<AccountActionResult>, ApiError> {
    simple(state, user, username, Simple::EndSessions).await
}

/// Reset a user's two-factor: the old secret stops working, their sessions end,
/// and the answer holds a new enrolment code.
#[utoipa::path(post, path = "/api/v1/users/{username}/reset-two-factor",
    responses((status = 200, body = CreatedAccount), (status = 403, body = ErrorBody)))]
pub async fn reset_two_factor(
    State(state): State<Arc<AppState>>,
    user: AuthUser,
    Path(username): Path<String>,
) -> Result<Json<CreatedAccount>, ApiError> {
    let result = async {
        let viewer = user.viewer();
        let account = managed(&state, &viewer, &user, &username).await?;
        rules::may_grant(&viewer, account.role)?;
        let (code, hash, expires) = enrol::issue(&state, &username);
        state
            .store
            .reset_two_factor(&username, &hash, expires)
            .await?;
        Ok(CreatedAccount {
            account: current(&state, &username).await?,
            enrolment: code,
        })
    }
    .await;
    audited(
        &state,
        &user,
        "account_two_factor_reset",
        &username,
        serde_json::json!({}),
        result,
    )
    .await
    .map(Json)
}

/// Suspend an account on suspected misuse: it is disabled, its sessions end, and
/// its organisation's administrators (and its authority's directory team) are told.
#[utoipa::path(post, path = "/api/v1/users/{username}/suspend", request_body = SuspendRequest,
    responses((status = 200, body = AccountActionResult), (status = 403, body = ErrorBody)))]
pub async fn suspend(
    State(state): State<Arc<AppState>>,
    user: AuthUser,
    Path(username): Path<String>,
    Json(req): Json<SuspendRequest>,
) -> Result<Json<AccountActionResult>, ApiError> {
    let reason = req.reason.trim().chars().take(200).collect::<String>();
    let result = async {
        let viewer = user.viewer();
        let account = managed(&state, &viewer, &user, &username).await?;
        if reason.is_empty() {
            return Err(ApiError::bad_request("Say why the account is suspended."));
        }
        state.store.set_disabled(&username, true).await?;
        let org = organisation(&state, &account.organisation).await?;
        let mut recipients = vec![org.code.clone()];
        if let Some(team) = state.store.directory_team(&org.local_authority).await? {
            if team.code != org.code {
                recipients.push(team.code);
            }
        }
        for recipient in recipients {
            state
                .store
                .add_notification(NewNotification {
                    kind: NotificationKind::AccountSuspended,
                    recipient_organisation: recipient,
                    child_id: None,
                    from_username: user.username.clone(),
                    from_organisation: user.organisation.clone(),
                    details: serde_json::json!({ "suspended_user": username, "reason": reason }),
                    created_at: state.clock.now(),
                })
                .await?;
        }
        Ok(AccountActionResult {
            account: current(&state, &username).await?,
            message: format!(
                "{username} is suspended, logged out everywhere, and their organisation is told."
            ),
        })
    }
    .await;
    let details = serde_json::json!({ "reason": reason });
    audited(&state, &user, "account_suspend", &username, details, result)
        .await
        .map(Json)
}

fn valid_organisation(o: &Organisation) -> Result<(), ApiError> {
    let code_ok = (1..=32).contains(&o.code.len())
        && o.code
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-');
    if !code_ok {
        return Err(ApiError::bad_request(
            "An organisation code (URN, ODS code...) is 1 to 32 letters, digits or '-'.",
        ));
    }
    if o.name.trim().is_empty() || o.name.chars().count() > 120 {
        return Err(ApiError::bad_request(
            "Give a name of up to 120 characters.",
        ));
    }
    if o.email
        .as_deref()
        .is_some_and(|e| !e.contains('@') || e.contains(' '))
    {
        return Err(ApiError::bad_request(
            "The secure email address is not an email address.",
        ));
    }
    valid_phone(&o.phone)
}

/// Create an organisation (a local authority administrator: within their authority).
#[utoipa::path(post, path = "/api/v1/organisations", request_body = Organisation,
    responses((status = 200, body = Organisation), (status = 400, body = ErrorBody),
              (status = 403, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn create_organisation(
    State(state): State<Arc<AppState>>,
    user: AuthUser,
    Json(org): Json<Organisation>,
) -> Result<Json<Organisation>, ApiError> {
    let code = org.code.clone();
    let result = async {
        let viewer = user.viewer();
        rules::may_manage_in(&viewer, &org)?;
        valid_organisation(&org)?;
        match state.store.insert_organisations(vec![org.clone()]).await {
            Err(StoreError::AlreadyExists(_)) => Err(ApiError::new(
                crate::api::ErrorCode::Conflict,
                format!("An organisation with code '{code}' exists already."),
            )),
            other => Ok(other.map(|()| org)?),
        }
    }
    .await;
    audited(
        &state,
        &user,
        "organisation_create",
        &code,
        serde_json::json!({}),
        result,
    )
    .await
    .map(Json)
}

/// Edit an organisation's name, kind, address, phone or secure email.
#[utoipa::path(put, path = "/api/v1/organisations/{code}", request_body = Organisation,
    responses((status = 200, body = Organisation), (status = 400, body = ErrorBody),
              (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn update_organisation(
    State(state): State<Arc<AppState>>,
    user: AuthUser,
    Path(code): Path<String>,
    Json(org): Json<Organisation>,
) -> Result<Json<Organisation>, ApiError> {
    let result = async {
        let viewer = user.viewer();
        let existing =
            state.store.organisation(&code).await?.ok_or_else(|| {
                ApiError::not_found(format!("There is no organisation '{code}'."))
            })?;
        // Both where it is and where it would move to must be the viewer's.
        rules::may_manage_in(&viewer, &existing)?;
        rules::may_manage_in(&viewer, &org)?;
        if org.code != code {
            return Err(ApiError::bad_request(
                "An organisation's code cannot change.",
            ));
        }
        valid_organisation(&org)?;
        state.store.update_organisation(org.clone()).await?;
        Ok(org)
    }
    .await;
    audited(
        &state,
        &user,
        "organisation_update",
        &code,
        serde_json::json!({}),
        result,
    )
    .await
    .map(Json)
}
