//! CP-IS plans and flag accesses.

use std::collections::{HashMap, HashSet};

use async_trait::async_trait;
use chrono::NaiveDate;
use rusqlite::{params, Connection, OptionalExtension, Row, TransactionBehavior};

use super::{date, decode_err, enum_str, parse_date, parse_enum, parse_ts, ts, SqliteStore};
use crate::model::names::normalise;
use crate::model::{FlagAccess, FlagAccessKind, NewNotification, ProtectionPlan};
use crate::store::{
    ChildIdentity, FeedApplied, FeedProgress, PlanChange, ProtectionStore, StoreResult,
};

/// Progress is reported after this many plans.
const PROGRESS_EVERY: usize = 5_000;

const PLAN_COLUMNS: &str = "nhs_number, family_name, given_names, date_of_birth, plan_type,
    legal_status, start_date, end_date, due_date, local_authority, office_hours_phone,
    out_of_hours_phone";

fn plan_from_row(r: &Row<'_>) -> rusqlite::Result<ProtectionPlan> {
    let opt_date = |i: usize| -> rusqlite::Result<Option<NaiveDate>> {
        r.get::<_, Option<String>>(i)?
            .map(|d| parse_date(&d))
            .transpose()
    };
    Ok(ProtectionPlan {
        nhs_number: r.get::<_, String>(0)?.parse().map_err(decode_err)?,
        family_name: r.get(1)?,
        given_names: r.get(2)?,
        date_of_birth: parse_date(&r.get::<_, String>(3)?)?,
        plan_type: parse_enum(&r.get::<_, String>(4)?)?,
        legal_status: r
            .get::<_, Option<String>>(5)?
            .map(|s| parse_enum(&s))
            .transpose()?,
        start_date: parse_date(&r.get::<_, String>(6)?)?,
        end_date: opt_date(7)?,
        due_date: opt_date(8)?,
        local_authority: r.get(9)?,
        office_hours_phone: r.get(10)?,
        out_of_hours_phone: r.get(11)?,
    })
}

fn plan_key(p: &ProtectionPlan) -> (String, String, NaiveDate) {
    (
        p.nhs_number.as_str().to_string(),
        p.plan_type.code().to_string(),
        p.start_date,
    )
}

fn insert_notification(c: &Connection, n: &NewNotification) -> rusqlite::Result<()> {
    c.execute(
        "INSERT INTO notifications (kind, recipient_organisation, child_id, from_username,
             from_organisation, details, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![
            n.kind.code(),
            n.recipient_organisation,
            n.child_id,
            n.from_username,
            n.from_organisation,
            n.details.to_string(),
            ts(n.created_at)
        ],
    )?;
    Ok(())
}

/// Writes the feed inside an open transaction.
fn write_feed(
    tx: &Connection,
    authority: &str,
    plans: &[ProtectionPlan],
    keep: &HashSet<String>,
    ended_on: NaiveDate,
    progress: &FeedProgress,
) -> StoreResult<FeedApplied> {
    let mut existing: HashMap<(String, String, NaiveDate), (i64, ProtectionPlan)> = HashMap::new();
    {
        let mut stmt = tx.prepare(&format!(
            "SELECT {PLAN_COLUMNS}, id FROM protection_plans WHERE local_authority = ?1"
        ))?;
        let rows = stmt.query_map([authority], |r| {
            Ok((r.get::<_, i64>(12)?, plan_from_row(r)?))
        })?;
        for row in rows {
            let (id, plan) = row?;
            existing.insert(plan_key(&plan), (id, plan));
        }
    }
    let mut insert = tx.prepare(&format!(
        "INSERT INTO protection_plans ({PLAN_COLUMNS}, family_key)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)"
    ))?;
    let mut update = tx.prepare(
        "UPDATE protection_plans SET family_name = ?2, given_names = ?3, date_of_birth = ?4,
             legal_status = ?5, end_date = ?6, due_date = ?7, office_hours_phone = ?8,
             out_of_hours_phone = ?9, family_key = ?10
         WHERE id = ?1",
    )?;
    let mut seen = HashSet::new();
    let mut changes = Vec::with_capacity(plans.len());
    for (i, p) in plans.iter().enumerate() {
        let status = p.legal_status.map(|s| enum_str(&s));
        let end = p.end_date.map(date);
        let due = p.due_date.map(date);
        let key = normalise(&p.family_name);
        let change = match existing.get(&plan_key(p)) {
            Some((id, old)) if old == p => {
                seen.insert(*id);
                PlanChange::Unchanged
            }
            Some((id, _)) => {
                seen.insert(*id);
                update.execute(params![
                    id,
                    p.family_name,
                    p.given_names,
                    date(p.date_of_birth),
                    status,
                    end,
                    due,
                    p.office_hours_phone,
                    p.out_of_hours_phone,
                    key
                ])?;
                PlanChange::Updated
            }
            None => {
                insert.execute(params![
                    p.nhs_number.as_str(),
                    p.family_name,
                    p.given_names,
                    date(p.date_of_birth),
                    enum_str(&p.plan_type),
                    status,
                    date(p.start_date),
                    end,
                    due,
                    p.local_authority,
                    p.office_hours_phone,
                    p.out_of_hours_phone,
                    key
                ])?;
                PlanChange::Accepted
            }
        };
        changes.push(change);
        if (i + 1) % PROGRESS_EVERY == 0 {
            progress(i + 1, plans.len());
        }
    }
    progress(plans.len(), plans.len());
    let mut end_plan =
        tx.prepare("UPDATE protection_plans SET end_date = ?2 WHERE id = ?1 AND end_date IS NULL")?;
    let mut ended = 0;
    for (id, plan) in existing.values() {
        if !seen.contains(id) && plan.end_date.is_none() && !keep.contains(plan.nhs_number.as_str())
        {
            ended += end_plan.execute(params![id, date(ended_on)])?;
        }
    }
    Ok(FeedApplied { changes, ended })
}

#[async_trait]
impl ProtectionStore for SqliteStore {
    async fn plans_for(&self, nhs_numbers: Vec<String>) -> StoreResult<Vec<ProtectionPlan>> {
        self.with_conn(move |c| {
            let mut stmt = c.prepare_cached(&format!(
                "SELECT {PLAN_COLUMNS} FROM protection_plans WHERE nhs_number = ?1
                 ORDER BY start_date DESC, id DESC"
            ))?;
            let mut out = Vec::new();
            for nhs in nhs_numbers {
                for plan in stmt.query_map([nhs], plan_from_row)? {
                    out.push(plan?);
                }
            }
            Ok(out)
        })
        .await
    }

    async fn unborn_plan_subjects(
        &self,
        nhs_number: Option<String>,
        family_and_dob: Option<(String, NaiveDate)>,
    ) -> StoreResult<Vec<ProtectionPlan>> {
        self.with_conn(move |c| {
            let mut stmt = c.prepare_cached(&format!(
                "SELECT {PLAN_COLUMNS} FROM protection_plans
                 WHERE plan_type = 'unborn'
                   AND (nhs_number = ?1 OR (family_key = ?2 AND date_of_birth = ?3))
                 ORDER BY start_date DESC, id DESC LIMIT 50"
            ))?;
            let (family, dob) = match family_and_dob {
                Some((family, dob)) => (Some(normalise(&family)), Some(date(dob))),
                None => (None, None),
            };
            let rows = stmt.query_map(params![nhs_number, family, dob], plan_from_row)?;
            Ok(rows.collect::<rusqlite::Result<_>>()?)
        })
        .await
    }

    async fn child_nhs_numbers(&self, ids: Vec<String>) -> StoreResult<HashMap<String, String>> {
        self.with_conn(move |c| {
            let mut stmt = c.prepare_cached(
                "SELECT nhs_number FROM children WHERE id = ?1 AND nhs_number IS NOT NULL",
            )?;
            let mut out = HashMap::new();
            for id in ids {
                if let Some(nhs) = stmt.query_row([&id], |r| r.get(0)).optional()? {
                    out.insert(id, nhs);
                }
            }
            Ok(out)
        })
        .await
    }

    async fn children_by_nhs(
        &self,
        nhs_numbers: Vec<String>,
    ) -> StoreResult<HashMap<String, ChildIdentity>> {
        self.with_conn(move |c| {
            let mut stmt = c.prepare_cached(
                "SELECT id, family_name, date_of_birth FROM children WHERE nhs_number = ?1",
            )?;
            let mut out = HashMap::new();
            for nhs in nhs_numbers {
                let found = stmt
                    .query_row([&nhs], |r| {
                        Ok(ChildIdentity {
                            id: r.get(0)?,
                            family_name: r.get(1)?,
                            date_of_birth: parse_date(&r.get::<_, String>(2)?)?,
                        })
                    })
                    .optional()?;
                if let Some(child) = found {
                    out.insert(nhs, child);
                }
            }
            Ok(out)
        })
        .await
    }

    async fn apply_feed(
        &self,
        authority: &str,
        plans: Vec<ProtectionPlan>,
        keep: HashSet<String>,
        ended_on: NaiveDate,
        progress: FeedProgress,
    ) -> StoreResult<FeedApplied> {
        let authority = authority.to_string();
        self.with_conn(move |c| {
            // One transaction per file: a crash leaves the old plans or the new, never a mix.
            let tx = c.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let applied = write_feed(&tx, &authority, &plans, &keep, ended_on, &progress)?;
            tx.commit()?;
            Ok(applied)
        })
        .await
    }

    async fn record_flag_access(
        &self,
        nhs_number: &str,
        access: FlagAccess,
        notifications: Vec<NewNotification>,
    ) -> StoreResult<()> {
        let nhs_number = nhs_number.to_string();
        self.with_conn(move |c| {
            let tx = c.transaction_with_behavior(TransactionBehavior::Immediate)?;
            tx.execute(
                "INSERT INTO flag_accesses (nhs_number, kind, setting, at, username, user_name,
                     organisation, organisation_name, phone)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
                params![
                    nhs_number,
                    enum_str(&access.kind),
                    access.setting.map(|s| enum_str(&s)),
                    ts(access.at),
                    access.username,
                    access.user_name,
                    access.organisation,
                    access.organisation_name,
                    access.phone
                ],
            )?;
            for n in &notifications {
                insert_notification(&tx, n)?;
            }
            tx.commit()?;
            Ok(())
        })
        .await
    }

    async fn flag_accesses(
        &self,
        nhs_number: &str,
        kind: Option<FlagAccessKind>,
        limit: usize,
    ) -> StoreResult<Vec<FlagAccess>> {
        let nhs_number = nhs_number.to_string();
        self.with_conn(move |c| {
            let mut stmt = c.prepare_cached(
                "SELECT kind, setting, at, username, user_name, organisation, organisation_name, phone
                 FROM flag_accesses WHERE nhs_number = ?1 AND (?2 IS NULL OR kind = ?2)
                 ORDER BY at DESC, id DESC LIMIT ?3",
            )?;
            let kind = kind.map(|k| enum_str(&k));
            let rows = stmt.query_map(params![nhs_number, kind, limit as i64], |r| {
                Ok(FlagAccess {
                    kind: parse_enum(&r.get::<_, String>(0)?)?,
                    setting: r
                        .get::<_, Option<String>>(1)?
                        .map(|s| parse_enum(&s))
                        .transpose()?,
                    at: parse_ts(&r.get::<_, String>(2)?)?,
                    username: r.get(3)?,
                    user_name: r.get(4)?,
                    organisation: r.get(5)?,
                    organisation_name: r.get(6)?,
                    phone: r.get(7)?,
                })
            })?;
            Ok(rows.collect::<rusqlite::Result<_>>()?)
        })
        .await
    }
}
