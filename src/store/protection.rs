//! CP-IS storage: the authorities' plans, and who saw a subject's flag.

use std::collections::{HashMap, HashSet};

use async_trait::async_trait;
use chrono::NaiveDate;

use super::StoreResult;
use crate::model::{FlagAccess, FlagAccessKind, NewNotification, ProtectionPlan};

/// Called as a feed is written: (rows written, rows in all).
pub type FeedProgress = Box<dyn Fn(usize, usize) + Send>;

/// What happened to one plan of a feed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PlanChange {
    Accepted,
    Updated,
    Unchanged,
}

/// The result of writing a feed: one change per plan given, in order, and how
/// many of the authority's plans were ended because the feed no longer lists them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeedApplied {
    pub changes: Vec<PlanChange>,
    pub ended: usize,
}

/// A directory child as the feed matches it: by NHS number, checked on name and birth date.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChildIdentity {
    pub id: String,
    pub family_name: String,
    pub date_of_birth: NaiveDate,
}

#[async_trait]
pub trait ProtectionStore: Send + Sync + 'static {
    /// Every plan held against these NHS numbers, by any authority.
    async fn plans_for(&self, nhs_numbers: Vec<String>) -> StoreResult<Vec<ProtectionPlan>>;
    /// Subjects of unborn plans (mothers, often adults outside the directory) by NHS
    /// number, or by normalised family name and date of birth.
    async fn unborn_plan_subjects(
        &self,
        nhs_number: Option<String>,
        family_and_dob: Option<(String, NaiveDate)>,
    ) -> StoreResult<Vec<ProtectionPlan>>;
    /// NHS numbers of these directory children (those that have one).
    async fn child_nhs_numbers(&self, ids: Vec<String>) -> StoreResult<HashMap<String, String>>;
    /// The directory's children with these NHS numbers.
    async fn children_by_nhs(
        &self,
        nhs_numbers: Vec<String>,
    ) -> StoreResult<HashMap<String, ChildIdentity>>;
    /// Writes an authority's full upload in one transaction: plans are inserted or
    /// updated; the authority's open plans that the upload does not list are ended on
    /// `ended_on`, unless their NHS number is in `keep` (rows the upload rejected).
    async fn apply_feed(
        &self,
        authority: &str,
        plans: Vec<ProtectionPlan>,
        keep: HashSet<String>,
        ended_on: NaiveDate,
        progress: FeedProgress,
    ) -> StoreResult<FeedApplied>;
    /// Records that someone saw a subject's flag, with any notifications it raises, in one transaction.
    async fn record_flag_access(
        &self,
        nhs_number: &str,
        access: FlagAccess,
        notifications: Vec<NewNotification>,
    ) -> StoreResult<()>;
    /// A subject's flag accesses, newest first; only one kind if asked.
    async fn flag_accesses(
        &self,
        nhs_number: &str,
        kind: Option<FlagAccessKind>,
        limit: usize,
    ) -> StoreResult<Vec<FlagAccess>>;
}
