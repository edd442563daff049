//! Changing the directory: indicators, involvements, identity, carers, address,
//! shielding, deaths, merges. Every write against a record checks the version it
//! was based on, so a stale edit is refused rather than silently lost.

use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};

use super::{Candidate, StoreResult};
use crate::model::{
    AddressState, AuditEvent, Carer, ChangeReason, Child, ConsentBasis, Identity,
    IdentityHistoryEntry, IndicatorMark, Indicators, Involvement, Practitioner,
};

/// Builds a write's audit event from its outcome. The store appends it inside the
/// write's own transaction: one write lock instead of two, and no change is ever
/// saved without its audit event.
pub type AuditOf<T> = Box<dyn FnOnce(&T) -> AuditEvent + Send>;

/// An involvement with the child it belongs to.
#[derive(Debug, Clone, PartialEq)]
pub struct InvolvementOf {
    pub child_id: String,
    pub child_local_authority: String,
    pub child_shielded: bool,
    pub involvement: Involvement,
}

/// Set the four indicators of one involvement, based on `version`.
#[derive(Debug, Clone)]
pub struct IndicatorWrite {
    pub involvement_id: i64,
    pub version: i64,
    pub indicators: Indicators,
    /// Setting lead professional while another involvement of the child holds it
    /// moves it only when confirmed.
    pub move_lead: bool,
    pub mark: IndicatorMark,
}

#[derive(Debug, Clone, PartialEq)]
pub enum IndicatorOutcome {
    Written {
        before: Indicators,
        involvement: Box<Involvement>,
        /// The involvement the lead professional was moved from.
        lead_moved_from: Option<i64>,
    },
    /// The involvement changed since `version` was read.
    Stale,
    /// Another involvement of the child holds lead professional and no move was confirmed.
    LeadHeldElsewhere { involvement_id: i64 },
}

/// What a practitioner or administrator may change about an involvement.
#[derive(Debug, Clone, PartialEq)]
pub struct InvolvementDetails {
    pub practitioner: Option<Practitioner>,
    pub start_date: NaiveDate,
    pub end_date: Option<NaiveDate>,
    pub consent: Option<ConsentBasis>,
}

/// One change to a child record as a whole.
#[derive(Debug, Clone, PartialEq)]
pub enum ChildChange {
    Identity {
        identity: Identity,
        why: ChangeReason,
    },
    Address(AddressState),
    Deceased(NaiveDate),
    Shield(bool),
    AddCarer(Carer),
    UpdateCarer(Carer),
    RemoveCarer(i64),
}

/// Who changes something, and when.
#[derive(Debug, Clone, PartialEq)]
pub struct ChangedBy {
    pub name: String,
    pub at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum ChildOutcome {
    /// The record as it was, and as it is now.
    Written {
        before: Box<Child>,
        after: Box<Child>,
    },
    Stale,
    NotFound,
    /// A carer id that is not one of this child's.
    NoSuchCarer,
}

/// A candidate for the duplicate scan: search's view of a child, with carers' names.
#[derive(Debug, Clone, PartialEq)]
pub struct ScanEntry {
    pub child: Candidate,
    pub carers: Vec<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct MergeCounts {
    pub carers: u64,
    pub involvements: u64,
    pub history: u64,
}

#[async_trait]
pub trait MaintenanceStore: Send + Sync + 'static {
    async fn involvement(&self, id: i64) -> StoreResult<Option<InvolvementOf>>;
    /// In one transaction: checks the version, moves lead professional if confirmed,
    /// marks who changed which indicator, and bumps the version(s).
    async fn write_indicators(
        &self,
        write: IndicatorWrite,
        audit: AuditOf<IndicatorOutcome>,
    ) -> StoreResult<IndicatorOutcome>;
    async fn add_involvement(
        &self,
        child_id: &str,
        involvement: Involvement,
        audit: AuditOf<i64>,
    ) -> StoreResult<i64>;
    /// Replaces practitioner, dates and consent; `None` when `version` is stale.
    async fn update_involvement(
        &self,
        id: i64,
        version: i64,
        details: InvolvementDetails,
        audit: AuditOf<Option<Involvement>>,
    ) -> StoreResult<Option<Involvement>>;

    /// Applies one change based on the child's `version`, keeping identity history
    /// and the surname index in step.
    async fn change_child(
        &self,
        id: &str,
        version: i64,
        change: ChildChange,
        by: ChangedBy,
        audit: AuditOf<ChildOutcome>,
    ) -> StoreResult<ChildOutcome>;
    async fn identity_history(&self, id: &str) -> StoreResult<Vec<IdentityHistoryEntry>>;
    async fn date_of_death(&self, id: &str) -> StoreResult<Option<NaiveDate>>;

    /// Every child (of one authority, if given) with carers' names, for the duplicate scan.
    async fn scan_entries(&self, local_authority: Option<String>) -> StoreResult<Vec<ScanEntry>>;
    /// Moves everything from `merged` onto `survivor` and leaves a redirect, in one
    /// transaction: on any failure nothing changes.
    async fn merge_children(
        &self,
        survivor: &str,
        merged: &str,
        at: DateTime<Utc>,
        audit: AuditOf<MergeCounts>,
    ) -> StoreResult<MergeCounts>;
    /// The surviving ID a merged-away ID now points to.
    async fn redirect(&self, id: &str) -> StoreResult<Option<String>>;

    /// Whether a user holds a child-protection duty (and with it the shield-override right).
    async fn child_protection_duty(&self, username: &str) -> StoreResult<bool>;
    async fn set_child_protection_duty(&self, username: &str, duty: bool) -> StoreResult<()>;
}
