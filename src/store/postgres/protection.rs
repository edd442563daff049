//! CP-IS plans and flag accesses.

use std::collections::{HashMap, HashSet};

use async_trait::async_trait;
use chrono::NaiveDate;
use deadpool_postgres::Transaction;
use tokio_postgres::Row;

use super::{enum_str, parse_enum, PostgresStore};
use crate::model::names::normalise;
use crate::model::{FlagAccess, FlagAccessKind, NewNotification, ProtectionPlan};
use crate::store::{
    ChildIdentity, FeedApplied, FeedProgress, PlanChange, ProtectionStore, StoreError, StoreResult,
};

/// Progress is reported after this many plans.
const PROGRESS_EVERY: usize = 5_000;

const PLAN_COLUMNS: &str = "nhs_number, family_name, given_names, date_of_birth, plan_type,
    legal_status, start_date, end_date, due_date, local_authority, office_hours_phone,
    out_of_hours_phone";

fn plan_from_row(r: &Row) -> StoreResult<ProtectionPlan> {
    Ok(ProtectionPlan {
        nhs_number: r
            .try_get::<_, &str>(0)?
            .parse()
            .map_err(|e| StoreError::Corrupt(format!("{e}")))?,
        family_name: r.try_get(1)?,
        given_names: r.try_get(2)?,
        date_of_birth: r.try_get(3)?,
        plan_type: parse_enum(r.try_get(4)?)?,
        legal_status: r
            .try_get::<_, Option<&str>>(5)?
            .map(parse_enum)
            .transpose()?,
        start_date: r.try_get(6)?,
        end_date: r.try_get(7)?,
        due_date: r.try_get(8)?,
        local_authority: r.try_get(9)?,
        office_hours_phone: r.try_get(10)?,
        out_of_hours_phone: r.try_get(11)?,
    })
}

fn plan_key(p: &ProtectionPlan) -> (String, String, NaiveDate) {
    (
        p.nhs_number.as_str().to_string(),
        p.plan_type.code().to_string(),
        p.start_date,
    )
}

async fn insert_notification(tx: &Transaction<'_>, n: &NewNotification) -> StoreResult<()> {
    tx.execute(
        "INSERT INTO notifications (kind, recipient_organisation, child_id, from_username,
             from_organisation, details, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
        &[
            &n.kind.code(),
            &n.recipient_organisation,
            &n.child_id,
            &n.from_username,
            &n.from_organisation,
            &n.details.to_string(),
            &n.created_at,
        ],
    )
    .await?;
    Ok(())
}

/// Writes the feed inside an open transaction.
async fn write_feed(
    tx: &Transaction<'_>,
    authority: &str,
    plans: &[ProtectionPlan],
    keep: &HashSet<String>,
    ended_on: NaiveDate,
    progress: &mut FeedProgress,
) -> StoreResult<FeedApplied> {
    // One feed per authority at a time, whichever server receives it; SQLite's
    // IMMEDIATE transaction serialises feeds the same way.
    tx.execute(
        "SELECT pg_advisory_xact_lock(hashtext('contactpoint feed'), hashtext($1))",
        &[&authority],
    )
    .await?;
    let mut existing: HashMap<(String, String, NaiveDate), (i64, ProtectionPlan)> = HashMap::new();
    for r in tx
        .query(
            &format!("SELECT {PLAN_COLUMNS}, id FROM protection_plans WHERE local_authority = $1"),
            &[&authority],
        )
        .await?
    {
        let plan = plan_from_row(&r)?;
        existing.insert(plan_key(&plan), (r.try_get(12)?, plan));
    }
    let insert = tx
        .prepare(&format!(
            "INSERT INTO protection_plans ({PLAN_COLUMNS}, family_key)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)"
        ))
        .await?;
    let update = tx
        .prepare(
            "UPDATE protection_plans SET family_name = $2, given_names = $3, date_of_birth = $4,
                 legal_status = $5, end_date = $6, due_date = $7, office_hours_phone = $8,
                 out_of_hours_phone = $9, family_key = $10
             WHERE id = $1",
        )
        .await?;
    let mut seen = HashSet::new();
    let mut changes = Vec::with_capacity(plans.len());
    for (i, p) in plans.iter().enumerate() {
        let status = p.legal_status.map(|s| enum_str(&s));
        let key = normalise(&p.family_name);
        let change = match existing.get(&plan_key(p)) {
            Some((id, old)) if old == p => {
                seen.insert(*id);
                PlanChange::Unchanged
            }
            Some((id, _)) => {
                seen.insert(*id);
                tx.execute(
                    &update,
                    &[
                        id,
                        &p.family_name,
                        &p.given_names,
                        &p.date_of_birth,
                        &status,
                        &p.end_date,
                        &p.due_date,
                        &p.office_hours_phone,
                        &p.out_of_hours_phone,
                        &key,
                    ],
                )
                .await?;
                PlanChange::Updated
            }
            None => {
                tx.execute(
                    &insert,
                    &[
                        &p.nhs_number.as_str(),
                        &p.family_name,
                        &p.given_names,
                        &p.date_of_birth,
                        &enum_str(&p.plan_type),
                        &status,
                        &p.start_date,
                        &p.end_date,
                        &p.due_date,
                        &p.local_authority,
                        &p.office_hours_phone,
                        &p.out_of_hours_phone,
                        &key,
                    ],
                )
                .await?;
                PlanChange::Accepted
            }
        };
        changes.push(change);
        if (i + 1) % PROGRESS_EVERY == 0 {
            progress(i + 1, plans.len());
        }
    }
    progress(plans.len(), plans.len());
    let to_end: Vec<i64> = existing
        .values()
        .filter(|(id, plan)| {
            !seen.contains(id)
                && plan.end_date.is_none()
                && !keep.contains(plan.nhs_number.as_str())
        })
        .map(|(id, _)| *id)
        .collect();
    let ended = tx
        .execute(
            "UPDATE protection_plans SET end_date = $2 WHERE id = ANY($1) AND end_date IS NULL",
            &[&to_end, &ended_on],
        )
        .await? as usize;
    Ok(FeedApplied { changes, ended })
}

#[async_trait]
impl ProtectionStore for PostgresStore {
    async fn plans_for(&self, nhs_numbers: Vec<String>) -> StoreResult<Vec<ProtectionPlan>> {
        let c = self.client().await?;
        let stmt = c
            .prepare_cached(&format!(
                "SELECT {PLAN_COLUMNS} FROM protection_plans WHERE nhs_number = $1
                 ORDER BY start_date DESC, id DESC"
            ))
            .await?;
        let mut out = Vec::new();
        for nhs in nhs_numbers {
            for r in c.query(&stmt, &[&nhs]).await? {
                out.push(plan_from_row(&r)?);
            }
        }
        Ok(out)
    }

    async fn unborn_plan_subjects(
        &self,
        nhs_number: Option<String>,
        family_and_dob: Option<(String, NaiveDate)>,
    ) -> StoreResult<Vec<ProtectionPlan>> {
        let c = self.client().await?;
        let stmt = c
            .prepare_cached(&format!(
                "SELECT {PLAN_COLUMNS} FROM protection_plans
                 WHERE plan_type = 'unborn'
                   AND (nhs_number = $1 OR (family_key = $2 AND date_of_birth = $3))
                 ORDER BY start_date DESC, id DESC LIMIT 50"
            ))
            .await?;
        let (family, dob) = match family_and_dob {
            Some((family, dob)) => (Some(normalise(&family)), Some(dob)),
            None => (None, None),
        };
        c.query(&stmt, &[&nhs_number, &family, &dob])
            .await?
            .iter()
            .map(plan_from_row)
            .collect()
    }

    async fn child_nhs_numbers(&self, ids: Vec<String>) -> StoreResult<HashMap<String, String>> {
        let c = self.client().await?;
        c.query(
            "SELECT id, nhs_number FROM children WHERE id = ANY($1) AND nhs_number IS NOT NULL",
            &[&ids],
        )
        .await?
        .iter()
        .map(|r| Ok((r.try_get(0)?, r.try_get(1)?)))
        .collect()
    }

    async fn children_by_nhs(
        &self,
        nhs_numbers: Vec<String>,
    ) -> StoreResult<HashMap<String, ChildIdentity>> {
        let c = self.client().await?;
        c.query(
            "SELECT nhs_number, id, family_name, date_of_birth FROM children
             WHERE nhs_number = ANY($1)",
            &[&nhs_numbers],
        )
        .await?
        .iter()
        .map(|r| {
            Ok((
                r.try_get(0)?,
                ChildIdentity {
                    id: r.try_get(1)?,
                    family_name: r.try_get(2)?,
                    date_of_birth: r.try_get(3)?,
                },
            ))
        })
        .collect()
    }

    async fn apply_feed(
        &self,
        authority: &str,
        plans: Vec<ProtectionPlan>,
        keep: HashSet<String>,
        ended_on: NaiveDate,
        mut progress: FeedProgress,
    ) -> StoreResult<FeedApplied> {
        let mut c = self.client().await?;
        // One transaction per file: a crash leaves the old plans or the new, never a mix.
        let tx = c.transaction().await?;
        let applied = write_feed(&tx, authority, &plans, &keep, ended_on, &mut progress).await?;
        tx.commit().await?;
        Ok(applied)
    }

    async fn record_flag_access(
        &self,
        nhs_number: &str,
        access: FlagAccess,
        notifications: Vec<NewNotification>,
    ) -> StoreResult<()> {
        let mut c = self.client().await?;
        let tx = c.transaction().await?;
        tx.execute(
            "INSERT INTO flag_accesses (nhs_number, kind, setting, at, username, user_name,
                 organisation, organisation_name, phone)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
            &[
                &nhs_number,
                &enum_str(&access.kind),
                &access.setting.map(|s| enum_str(&s)),
                &access.at,
                &access.username,
                &access.user_name,
                &access.organisation,
                &access.organisation_name,
                &access.phone,
            ],
        )
        .await?;
        for n in &notifications {
            insert_notification(&tx, n).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    async fn flag_accesses(
        &self,
        nhs_number: &str,
        kind: Option<FlagAccessKind>,
        limit: usize,
    ) -> StoreResult<Vec<FlagAccess>> {
        let c = self.client().await?;
        let stmt = c
            .prepare_cached(
                "SELECT kind, setting, at, username, user_name, organisation, organisation_name, phone
                 FROM flag_accesses WHERE nhs_number = $1 AND ($2::text IS NULL OR kind = $2)
                 ORDER BY at DESC, id DESC LIMIT $3",
            )
            .await?;
        let kind = kind.map(|k| enum_str(&k));
        c.query(&stmt, &[&nhs_number, &kind, &(limit as i64)])
            .await?
            .iter()
            .map(|r| {
                Ok(FlagAccess {
                    kind: parse_enum(r.try_get(0)?)?,
                    setting: r
                        .try_get::<_, Option<&str>>(1)?
                        .map(parse_enum)
                        .transpose()?,
                    at: r.try_get(2)?,
                    username: r.try_get(3)?,
                    user_name: r.try_get(4)?,
                    organisation: r.try_get(5)?,
                    organisation_name: r.try_get(6)?,
                    phone: r.try_get(7)?,
                })
            })
            .collect()
    }
}
