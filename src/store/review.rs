//! Reading the audit trail back: filtered review, and signed checkpoints.

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use crate::model::{ChainedAuditEvent, Checkpoint};
use crate::store::StoreResult;

/// Which events to list; every condition given must hold.
#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    pub username: Option<String>,
    /// A directory ID among the event's subjects.
    pub subject: Option<String>,
    /// Events by users of these organisations only.
    pub organisations: Option<Vec<String>>,
    pub action: Option<String>,
    pub from: Option<DateTime<Utc>>,
    pub to: Option<DateTime<Utc>>,
    pub limit: usize,
}

#[async_trait]
pub trait AuditReviewStore: Send + Sync + 'static {
    /// Matching events, oldest first.
    async fn query_audit(&self, filter: AuditFilter) -> StoreResult<Vec<ChainedAuditEvent>>;
    /// The number of events and the last one's hash.
    async fn audit_head(&self) -> StoreResult<(u64, Option<String>)>;
    async fn add_checkpoint(&self, checkpoint: Checkpoint) -> StoreResult<()>;
    async fn checkpoints(&self) -> StoreResult<Vec<Checkpoint>>;
}
