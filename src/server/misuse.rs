//! The misuse report: users whose recent activity looks like trawling, for a
//! person to review. Three signals, each compared with what is usual:
//! many distinct children opened in an hour against the user's own usual peak,
//! searches for the user's own surname (looking up family), and records of
//! children from outside the user's organisation's area.

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::{DateTime, Duration, Timelike, Utc};

use crate::api::{MisuseFinding, MisuseSuspect};
use crate::model::ChainedAuditEvent;
use crate::store::{AuditFilter, Store, StoreError};

/// The window reported on, and the history it is compared with.
pub const WINDOW: Duration = Duration::hours(24);
pub const BASELINE: Duration = Duration::days(28);
/// Distinct children opened in one hour that always deserve a look...
const HOURLY_FLOOR: usize = 15;
/// ...when also this many times the user's own busiest hour before.
const HOURLY_FACTOR: usize = 3;
/// Out-of-area reads are flagged from this many, when they are most of the user's reads.
const OUTSIDE_FLOOR: usize = 5;
/// Bound on child look-ups per user, so a huge trawl cannot make the report slow.
const OUTSIDE_LOOKUPS: usize = 200;
const MAX_EVENTS: usize = 200_000;

/// Distinct children per clock hour.
fn hourly_peak<'a>(events: impl Iterator<Item = &'a ChainedAuditEvent>) -> usize {
    let mut hours: HashMap<DateTime<Utc>, HashSet<&str>> = HashMap::new();
    for e in events {
        let hour = e
            .event
            .at
            .with_minute(0)
            .and_then(|t| t.with_second(0))
            .and_then(|t| t.with_nanosecond(0))
            .unwrap_or(e.event.at);
        hours
            .entry(hour)
            .or_default()
            .extend(e.event.subjects.iter().map(String::as_str));
    }
    hours.values().map(HashSet::len).max().unwrap_or(0)
}

/// The report for users of `organisations` (all users when `None`), up to `now`.
pub async fn report(
    store: &dyn Store,
    now: DateTime<Utc>,
    organisations: Option<Vec<String>>,
) -> Result<Vec<MisuseSuspect>, StoreError> {
    let since = now - WINDOW;
    let filter = |action: &str, from| AuditFilter {
        action: Some(action.into()),
        organisations: organisations.clone(),
        from: Some(from),
        to: Some(now),
        limit: MAX_EVENTS,
        ..Default::default()
    };
    let reads = store
        .query_audit(filter("record_read", since - BASELINE))
        .await?;
    let searches = store.query_audit(filter("search", since)).await?;

    let mut by_user: BTreeMap<&str, (Vec<&ChainedAuditEvent>, Vec<&ChainedAuditEvent>)> =
        BTreeMap::new();
    for e in reads.iter().filter(|e| e.event.outcome == "success") {
        by_user.entry(&e.event.username).or_default().0.push(e);
    }
    for e in &searches {
        by_user.entry(&e.event.username).or_default().1.push(e);
    }

    let accounts: HashMap<String, _> = store
        .accounts(organisations.clone())
        .await?
        .into_iter()
        .map(|a| (a.username.clone(), a))
        .collect();
    let mut authority_of: HashMap<String, Option<String>> = HashMap::new();
    let mut suspects = Vec::new();
    for (username, (user_reads, user_searches)) in by_user {
        let Some(account) = accounts.get(username) else {
            continue;
        };
        let mut findings = Vec::new();

        let (recent, before): (Vec<_>, Vec<_>) =
            user_reads.iter().partition(|e| e.event.at >= since);
        let peak = hourly_peak(recent.iter().copied().copied());
        let usual = hourly_peak(before.iter().copied().copied());
        if peak >= HOURLY_FLOOR && peak > usual * HOURLY_FACTOR {
            findings.push(MisuseFinding {
                kind: "many_children".into(),
                detail: format!(
                    "{peak} different children opened in one hour (usual busiest hour: {usual})"
                ),
            });
        }

        if let Some(surname) = account.display_name.split_whitespace().last() {
            let own = user_searches
                .iter()
                .filter(|e| {
                    e.event.details["surname"]
                        .as_str()
                        .is_some_and(|s| s.trim().eq_ignore_ascii_case(surname))
                })
                .count();
            if own > 0 {
                findings.push(MisuseFinding {
                    kind: "own_surname".into(),
                    detail: format!("{own} searches for their own surname, {surname}"),
                });
            }
        }

        let org = &account.organisation;
        if !authority_of.contains_key(org) {
            let la = store.organisation(org).await?.map(|o| o.local_authority);
            authority_of.insert(org.clone(), la);
        }
        if let Some(Some(home)) = authority_of.get(org) {
            let children: HashSet<&str> = recent
                .iter()
                .flat_map(|e| e.event.subjects.iter().map(String::as_str))
                .take(OUTSIDE_LOOKUPS)
                .collect();
            let mut outside = 0;
            for id in &children {
                if let Some(child) = store.child(id).await? {
                    if &child.local_authority != home {
                        outside += 1;
                    }
                }
            }
            if outside >= OUTSIDE_FLOOR && outside * 2 > children.len() {
                findings.push(MisuseFinding {
                    kind: "outside_area".into(),
                    detail: format!(
                        "{outside} of {} children opened live outside their organisation's area",
                        children.len()
                    ),
                });
            }
        }

        if !findings.is_empty() {
            suspects.push(MisuseSuspect {
                username: username.to_string(),
                display_name: account.display_name.clone(),
                organisation: account.organisation.clone(),
                disabled: account.disabled,
                findings,
            });
        }
    }
    Ok(suspects)
}
