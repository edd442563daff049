//! Account administration: accounts with their details, two-factor enrolment,
//! a user's sessions, and organisations.

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use crate::model::{Organisation, Role};
use crate::store::StoreResult;

/// An account as administrators see it: never the password hash or secrets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountDetails {
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub organisation: String,
    pub phone: Option<String>,
    pub child_protection: bool,
    pub disabled: bool,
    pub locked_until: Option<DateTime<Utc>>,
    /// Has an active second factor.
    pub enrolled: bool,
    /// Holds an unused enrolment code.
    pub enrolment_pending: bool,
    pub sessions: u32,
}

/// A new account: it has no password and no second factor until its owner enrols.
#[derive(Debug, Clone)]
pub struct NewAccount {
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub organisation: String,
    pub phone: Option<String>,
    pub child_protection: bool,
}

/// An outstanding enrolment.
#[derive(Clone)]
pub struct Enrolment {
    pub code_hash: String,
    pub expires: DateTime<Utc>,
    /// The sealed secret offered to the user, once they have started.
    pub pending_secret: Option<String>,
    /// Whether the account already has a password (a two-factor reset keeps it).
    pub password_hash: Option<String>,
}

/// One of a user's sessions; `id` is a prefix of the token's hash, safe to show.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserSession {
    pub id: String,
    pub token_hash: String,
    pub created_at: DateTime<Utc>,
    pub last_seen: DateTime<Utc>,
}

#[async_trait]
pub trait AccountAdminStore: Send + Sync + 'static {
    /// Every account, or those in the given organisations.
    async fn accounts(
        &self,
        organisations: Option<Vec<String>>,
    ) -> StoreResult<Vec<AccountDetails>>;
    async fn account(&self, username: &str) -> StoreResult<Option<AccountDetails>>;
    /// Creates the account with an enrolment code; `AlreadyExists` if the name is taken.
    async fn create_account(
        &self,
        account: NewAccount,
        code_hash: &str,
        expires: DateTime<Utc>,
    ) -> StoreResult<()>;
    async fn set_role(&self, username: &str, role: Role) -> StoreResult<bool>;
    /// Disabling also ends every session, in the same transaction.
    async fn set_disabled(&self, username: &str, disabled: bool) -> StoreResult<bool>;
    /// Drops the second factor (the old secret stops working at once), ends every
    /// session and issues a new enrolment code.
    async fn reset_two_factor(
        &self,
        username: &str,
        code_hash: &str,
        expires: DateTime<Utc>,
    ) -> StoreResult<bool>;
    async fn enrolment(&self, username: &str) -> StoreResult<Option<Enrolment>>;
    async fn set_pending_secret(&self, username: &str, sealed: &str) -> StoreResult<()>;
    /// Activates the pending secret, consumes the code, records `step` as used and sets
    /// the password if given. False if the enrolment was no longer there.
    async fn complete_enrolment(
        &self,
        username: &str,
        code_hash: &str,
        password_hash: Option<String>,
        step: u64,
    ) -> StoreResult<bool>;
    async fn set_password(&self, username: &str, password_hash: &str) -> StoreResult<()>;
    /// Stored TOTP secrets, to seal any left in plaintext by an older version.
    async fn totp_secrets(&self) -> StoreResult<Vec<(String, String)>>;
    async fn set_totp_secret(&self, username: &str, sealed: &str) -> StoreResult<()>;

    async fn user_sessions(&self, username: &str) -> StoreResult<Vec<UserSession>>;
    /// Ends the user's sessions except `keep` (a token hash); returns how many ended.
    async fn end_user_sessions(&self, username: &str, keep: Option<&str>) -> StoreResult<u64>;

    async fn update_organisation(&self, org: Organisation) -> StoreResult<bool>;
}
