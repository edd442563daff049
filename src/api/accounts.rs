//! Wire types of account administration, enrolment, one's own password and sessions.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::model::Role;

/// An account as an administrator sees it. Never a password or a secret.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct AccountView {
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub organisation: String,
    pub phone: Option<String>,
    /// Holds the shield-override right.
    pub child_protection: bool,
    pub disabled: bool,
    pub locked: bool,
    /// Has an active second factor.
    pub enrolled: bool,
    /// Waits for its owner to use an enrolment code.
    pub enrolment_pending: bool,
    pub sessions: u32,
}

#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct AccountList {
    pub accounts: Vec<AccountView>,
}

#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct NewAccountRequest {
    pub username: String,
    pub display_name: String,
    /// Organisation code.
    pub organisation: String,
    pub role: Role,
    #[serde(default)]
    pub phone: Option<String>,
    #[serde(default)]
    pub child_protection: bool,
}

/// A one-time code the administrator passes to the user, who enrols with it.
#[derive(Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct EnrolmentCode {
    pub username: String,
    pub enrolment_code: String,
    pub expires_at: DateTime<Utc>,
}

impl std::fmt::Debug for EnrolmentCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EnrolmentCode")
            .field("username", &self.username)
            .field("expires_at", &self.expires_at)
            .finish_non_exhaustive()
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct CreatedAccount {
    pub account: AccountView,
    pub enrolment: EnrolmentCode,
}

#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct RoleChange {
    pub role: Role,
}

/// What an account action did, for the administrator to read.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct AccountActionResult {
    pub account: AccountView,
    pub message: String,
}

#[derive(Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct EnrolStartRequest {
    pub username: String,
    pub enrolment_code: String,
}

impl std::fmt::Debug for EnrolStartRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EnrolStartRequest")
            .field("username", &self.username)
            .finish_non_exhaustive()
    }
}

/// The secret to put in an authenticator app: as a URI (shown as a QR code) and as text.
#[derive(Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct EnrolStartResponse {
    pub otpauth_uri: String,
    /// Base32, for typing into an app by hand.
    pub secret: String,
    /// Whether the account still needs a password chosen (a new account does).
    pub needs_password: bool,
}

impl std::fmt::Debug for EnrolStartResponse {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EnrolStartResponse")
            .field("needs_password", &self.needs_password)
            .finish_non_exhaustive()
    }
}

#[derive(Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct EnrolFinishRequest {
    pub username: String,
    pub enrolment_code: String,
    /// A new password for a new account; the current one after a two-factor reset.
    pub password: String,
    /// A code from the newly enrolled authenticator.
    pub totp: String,
}

impl std::fmt::Debug for EnrolFinishRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EnrolFinishRequest")
            .field("username", &self.username)
            .finish_non_exhaustive()
    }
}

#[derive(Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct PasswordChange {
    pub current_password: String,
    pub new_password: String,
    pub totp: String,
}

impl std::fmt::Debug for PasswordChange {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("PasswordChange { .. }")
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct SessionView {
    /// Short id, used to end the session.
    pub id: String,
    pub created_at: DateTime<Utc>,
    pub last_seen: DateTime<Utc>,
    /// The session making this request.
    pub current: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct SessionList {
    pub sessions: Vec<SessionView>,
}
