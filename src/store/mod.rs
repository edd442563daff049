//! Persistence behind one async trait, so handlers never know which database runs.
//! SQLite is the embedded default; PostgreSQL follows the same contract.

mod admin;
mod maintenance;
mod postgres;
mod protection;
mod review;
mod sqlite;

use std::collections::HashMap;
use std::sync::Arc;

use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};

use crate::model::{
    AuditEvent, ChainedAuditEvent, Child, FormerName, Gender, NewNotification, Notification,
    Organisation, Role,
};

pub use admin::{AccountAdminStore, AccountDetails, Enrolment, NewAccount, UserSession};
pub use maintenance::{
    AuditOf, ChangedBy, ChildChange, ChildOutcome, IndicatorOutcome, IndicatorWrite,
    InvolvementDetails, InvolvementOf, MaintenanceStore, MergeCounts, ScanEntry,
};
pub use postgres::PostgresStore;
pub use protection::{ChildIdentity, FeedApplied, FeedProgress, PlanChange, ProtectionStore};
pub use review::{AuditFilter, AuditReviewStore};
pub use sqlite::SqliteStore;

/// Set to `true` in a database that holds only synthetic demo data.
pub const DEMO_META_KEY: &str = "demo";

#[derive(Debug, Clone, thiserror::Error)]
pub enum StoreError {
    #[error("database error: {0}")]
    Database(String),
    #[error("{0} already exists")]
    AlreadyExists(String),
    #[error("not found: {0}")]
    NotFound(String),
    #[error("the database holds data this version cannot read: {0}")]
    Corrupt(String),
}

pub type StoreResult<T> = Result<T, StoreError>;

/// Whether a database URL names a PostgreSQL server.
pub fn is_postgres_url(url: &str) -> bool {
    url.starts_with("postgres://") || url.starts_with("postgresql://")
}

/// Opens the store a database URL names: `postgres://...` / `postgresql://...`,
/// or `sqlite://PATH` (or a bare path).
pub async fn open(url: &str) -> StoreResult<Arc<dyn Store>> {
    if is_postgres_url(url) {
        return Ok(Arc::new(PostgresStore::open(url).await?));
    }
    let path = url.strip_prefix("sqlite://").unwrap_or(url);
    Ok(Arc::new(SqliteStore::open(path).await?))
}

/// Opens a database that must already exist: commands that only read or add to a
/// directory should not quietly create an empty one from a mistyped path.
pub async fn open_existing(url: &str) -> StoreResult<Arc<dyn Store>> {
    if let Some(path) = url
        .strip_prefix("sqlite://")
        .or((!url.contains("://")).then_some(url))
    {
        if !std::path::Path::new(path).exists() {
            return Err(StoreError::NotFound(format!("no database at {path}")));
        }
    }
    open(url).await
}

/// A user account as stored. The password hash and TOTP secret never leave the server.
#[derive(Clone)]
pub struct UserAccount {
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub organisation: String,
    pub password_hash: String,
    pub totp_secret: String,
    pub failed_logins: u32,
    pub locked_until: Option<DateTime<Utc>>,
    pub disabled: bool,
}

impl std::fmt::Debug for UserAccount {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("UserAccount")
            .field("username", &self.username)
            .field("role", &self.role)
            .field("organisation", &self.organisation)
            .finish_non_exhaustive()
    }
}

/// A demo account's password, kept so the demo login screen can show it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoLogin {
    pub username: String,
    pub password: String,
    pub description: String,
}

/// A session with its account as the account is now, and the local authority of
/// the account's organisation: all that a request needs about its user, in one read.
#[derive(Debug, Clone)]
pub struct SessionRecord {
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub organisation: String,
    /// Empty when the organisation is not in the directory.
    pub local_authority: String,
    pub disabled: bool,
    pub created_at: DateTime<Utc>,
    pub last_seen: DateTime<Utc>,
}

/// Which children to fetch as search candidates. Every condition uses an index;
/// the union of the matching sets is returned and ranked in Rust.
#[derive(Debug, Clone, Default)]
pub struct CandidateQuery {
    /// Surname index keys (see `model::names::keys`).
    pub name_keys: Vec<String>,
    /// Children with a matching surname born on one of these dates.
    pub name_dobs: Vec<NaiveDate>,
    /// Children with a matching surname born in this window.
    pub name_dob_window: Option<(NaiveDate, NaiveDate)>,
    /// When not empty, the window finds only children whose first given name has
    /// one of these keys (`model::names::given_key`).
    pub name_given_keys: Vec<String>,
    /// Children with a matching surname in this postcode district.
    pub name_district: Option<String>,
    /// Children at this full postcode, whatever their name.
    pub postcode: Option<String>,
    pub directory_id: Option<String>,
    pub nhs_number: Option<String>,
    /// Stop after this many candidates; the caller treats hitting it as "too many".
    pub limit: usize,
}

/// What ranking needs to know about a candidate.
#[derive(Debug, Clone, PartialEq)]
pub struct Candidate {
    pub id: String,
    pub family_name: String,
    pub given_names: String,
    pub former_names: Vec<FormerName>,
    pub date_of_birth: NaiveDate,
    pub gender: Gender,
    pub postcode: Option<String>,
    pub shielded: bool,
    pub local_authority: String,
}

/// The school and GP practice shown beside a search result.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Glance {
    pub school: Option<String>,
    pub gp_practice: Option<String>,
}

/// Everything the server needs from a database. Implemented per backend as the
/// separate area traits, so each area's queries live in their own file.
pub trait Store:
    DirectoryStore
    + AccountStore
    + AuditStore
    + NotificationStore
    + MaintenanceStore
    + AccountAdminStore
    + AuditReviewStore
    + ProtectionStore
{
}

impl<T> Store for T where
    T: DirectoryStore
        + AccountStore
        + AuditStore
        + NotificationStore
        + MaintenanceStore
        + AccountAdminStore
        + AuditReviewStore
        + ProtectionStore
{
}

/// The children's directory: organisations, records and search candidates.
#[async_trait]
pub trait DirectoryStore: Send + Sync + 'static {
    // Directory metadata.
    async fn meta(&self, key: &str) -> StoreResult<Option<String>>;
    async fn set_meta(&self, key: &str, value: &str) -> StoreResult<()>;
    async fn count_children(&self) -> StoreResult<u64>;

    // Organisations and children.
    async fn insert_organisations(&self, orgs: Vec<Organisation>) -> StoreResult<()>;
    async fn organisation(&self, code: &str) -> StoreResult<Option<Organisation>>;
    /// Every organisation, by name.
    async fn organisations(&self) -> StoreResult<Vec<Organisation>>;
    /// The team that brokers contact for a local authority's shielded and sensitive records.
    async fn directory_team(&self, local_authority: &str) -> StoreResult<Option<Organisation>>;
    /// Inserts a batch in one transaction, assigning carer and involvement ids.
    async fn insert_children(&self, children: Vec<Child>) -> StoreResult<()>;
    /// Readies the directory for searching after a bulk load: fresh planner statistics
    /// (without them PostgreSQL scanned whole tables, 80 ms a search instead of 0.5 ms
    /// at 200,000) and, where rows are kept in arrival order, the surname rows put
    /// back in key order so that each surname and date of birth is a page or two.
    async fn settle_after_load(&self) -> StoreResult<()>;
    /// Loads a new directory's children (seeding) as a stream of batches, each batch
    /// inserted as `insert_children` would, calling `loaded(total so far)` after each.
    /// Until it returns a store may skip syncing to disk, so the caller must mark the
    /// database as mid-load and refuse it if the load was interrupted; everything
    /// loaded is durable once it returns `Ok`.
    async fn load_children(
        &self,
        mut batches: tokio::sync::mpsc::Receiver<Vec<Child>>,
        loaded: &mut (dyn FnMut(usize) + Send),
    ) -> StoreResult<()> {
        let mut done = 0;
        while let Some(batch) = batches.recv().await {
            done += batch.len();
            self.insert_children(batch).await?;
            loaded(done);
        }
        Ok(())
    }
    async fn child(&self, id: &str) -> StoreResult<Option<Child>>;
    async fn candidates(&self, query: CandidateQuery) -> StoreResult<Vec<Candidate>>;
    async fn glance(&self, ids: Vec<String>) -> StoreResult<HashMap<String, Glance>>;
    /// A deterministic spread of `count` children, for benchmarks and checks.
    async fn sample_children(&self, count: usize) -> StoreResult<Vec<Candidate>>;
}

/// Accounts, sign-in and sessions.
#[async_trait]
pub trait AccountStore: Send + Sync + 'static {
    // Users and sign-in.
    async fn create_user(&self, user: UserAccount) -> StoreResult<()>;
    async fn user(&self, username: &str) -> StoreResult<Option<UserAccount>>;
    /// Counts a failure; once `lock_after` are reached the account locks until `lock_until`.
    /// Returns whether the account is now locked.
    async fn record_login_failure(
        &self,
        username: &str,
        lock_after: u32,
        lock_until: DateTime<Utc>,
    ) -> StoreResult<bool>;
    async fn clear_login_failures(&self, username: &str) -> StoreResult<()>;
    /// Atomically accepts TOTP time step `step` if it is later than the last one accepted:
    /// a code can be used only once, however many requests race with it.
    async fn claim_totp_step(&self, username: &str, step: u64) -> StoreResult<bool>;
    async fn add_demo_login(&self, login: DemoLogin) -> StoreResult<()>;
    /// Demo accounts with their passwords: only demo databases hold any.
    async fn demo_logins(&self) -> StoreResult<Vec<DemoLogin>>;

    // Sessions, keyed by the SHA-256 of the token.
    async fn create_session(
        &self,
        token_hash: &str,
        username: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<()>;
    /// The session and its account; none when either is gone.
    async fn session(&self, token_hash: &str) -> StoreResult<Option<SessionRecord>>;
    async fn touch_session(&self, token_hash: &str, now: DateTime<Utc>) -> StoreResult<()>;
    async fn end_session(&self, token_hash: &str) -> StoreResult<()>;
}

/// The audit trail: append-only, hash-chained in the order appended.
#[async_trait]
pub trait AuditStore: Send + Sync + 'static {
    /// Returns only once the event is committed, so nothing is served before its
    /// audit event is saved. Concurrent appends may share one transaction.
    async fn append_audit(&self, event: AuditEvent) -> StoreResult<()>;
    async fn audit_events(
        &self,
        after_seq: i64,
        limit: usize,
    ) -> StoreResult<Vec<ChainedAuditEvent>>;
}

/// Notifications to organisations, newest first.
#[async_trait]
pub trait NotificationStore: Send + Sync + 'static {
    async fn add_notification(&self, notification: NewNotification) -> StoreResult<i64>;
    /// An organisation's notifications, newest first; only unread ones if asked.
    async fn notifications(
        &self,
        organisation: &str,
        unread_only: bool,
        limit: usize,
    ) -> StoreResult<Vec<Notification>>;
    async fn unread_notifications(&self, organisation: &str) -> StoreResult<u64>;
    /// Marks one of the organisation's notifications read; false if it has no such one.
    async fn mark_notification_read(
        &self,
        organisation: &str,
        id: i64,
        username: &str,
        at: DateTime<Utc>,
    ) -> StoreResult<bool>;
}
