//! Record maintenance. Every write runs in one transaction that first takes the
//! audit lock (`lock_audit_chain`), then checks the version it was based on, and
//! ends by chaining its audit event: concurrent writers, on any server, queue
//! rather than overwrite, and no change is saved without its audit event.

use std::collections::HashMap;

use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use deadpool_postgres::{GenericClient, Transaction};

use super::audit::{append_chained, lock_audit_chain};
use super::directory::{
    candidate_from_row, index_surnames, insert_involvement, involvement_from_row, load_child,
    surname_forms, CANDIDATE_COLUMNS, INVOLVEMENT_SELECT,
};
use super::{enum_str, from_json, parse_enum, to_json, unique_as_exists, PostgresStore};
use crate::model::{
    Child, FormerName, Identity, IdentityHistoryEntry, IndicatorMarks, Involvement,
};
use crate::store::{
    AuditOf, ChangedBy, ChildChange, ChildOutcome, IndicatorOutcome, IndicatorWrite,
    InvolvementDetails, InvolvementOf, MaintenanceStore, MergeCounts, ScanEntry, StoreError,
    StoreResult,
};

async fn load_involvement(c: &impl GenericClient, id: i64) -> StoreResult<Option<Involvement>> {
    let stmt = c
        .prepare_cached(&format!("{INVOLVEMENT_SELECT} WHERE i.id = $1"))
        .await?;
    c.query_opt(&stmt, &[&id])
        .await?
        .as_ref()
        .map(involvement_from_row)
        .transpose()
}

fn identity_of(child: &Child) -> Identity {
    Identity {
        family_name: child.family_name.clone(),
        given_names: child.given_names.clone(),
        former_names: child.former_names.clone(),
        date_of_birth: child.date_of_birth,
        gender: child.gender,
        nhs_number: child.nhs_number.clone(),
    }
}

/// Begins a write: a transaction holding the audit lock.
async fn begin_write(c: &mut deadpool_postgres::Object) -> StoreResult<Transaction<'_>> {
    let tx = c.transaction().await?;
    lock_audit_chain(&tx).await?;
    Ok(tx)
}

/// Ends a write by chaining its audit event and committing both together. A
/// refused write (stale, not found) changes nothing but is still audited.
async fn finish_write<T>(tx: Transaction<'_>, outcome: T, audit: AuditOf<T>) -> StoreResult<T> {
    append_chained(&tx, &audit(&outcome)).await?;
    tx.commit().await?;
    Ok(outcome)
}

/// Removes a child's rows from the surname index, by primary key (no scan).
async fn unindex_surnames(tx: &Transaction<'_>, child: &Child) -> StoreResult<()> {
    tx.execute(
        "DELETE FROM child_surnames
         WHERE surname_id IN (SELECT id FROM surnames WHERE name = ANY($1))
           AND date_of_birth = $2 AND child_id = $3",
        &[
            &surname_forms(child),
            &child.date_of_birth,
            &child.id.as_str(),
        ],
    )
    .await?;
    Ok(())
}

/// Writes the child's own row at `version` and re-indexes its surnames from `before`.
async fn rewrite_child(
    tx: &Transaction<'_>,
    before: &Child,
    after: &Child,
    version: i64,
) -> StoreResult<()> {
    let postcode = after.address.postcode();
    tx.execute(
        "UPDATE children SET nhs_number = $2, family_name = $3, given_names = $4, former_names = $5,
             date_of_birth = $6, gender = $7, address = $8, postcode = $9, postcode_district = $10,
             shielded = $11, version = $12
         WHERE id = $1",
        &[
            &after.id.as_str(),
            &after.nhs_number.as_ref().map(|n| n.as_str()),
            &after.family_name,
            &after.given_names,
            &to_json(&after.former_names),
            &after.date_of_birth,
            &enum_str(&after.gender),
            &to_json(&after.address),
            &postcode.map(|p| p.as_str()),
            &postcode.map(|p| p.district()),
            &after.shielded,
            &version,
        ],
    )
    .await
    .map_err(|e| unique_as_exists(e, || "a record with that NHS number".to_string()))?;
    unindex_surnames(tx, before).await?;
    index_surnames(tx, after).await
}

async fn write_indicators(
    tx: &Transaction<'_>,
    w: IndicatorWrite,
) -> StoreResult<IndicatorOutcome> {
    let row = tx
        .query_opt(
            "SELECT child_id, version FROM involvements WHERE id = $1",
            &[&w.involvement_id],
        )
        .await?
        .ok_or_else(|| StoreError::NotFound(format!("involvement {}", w.involvement_id)))?;
    let (child_id, version): (String, i64) = (row.try_get(0)?, row.try_get(1)?);
    if version != w.version {
        return Ok(IndicatorOutcome::Stale);
    }
    let current = load_involvement(tx, w.involvement_id)
        .await?
        .expect("read in this transaction");
    let before = current.indicators;
    let mut lead_moved_from = None;
    if w.indicators.lead_professional && !before.lead_professional {
        let holder = tx
            .query_opt(
                "SELECT id, marks FROM involvements
                 WHERE child_id = $1 AND id <> $2 AND lead_professional ORDER BY id LIMIT 1",
                &[&child_id, &w.involvement_id],
            )
            .await?;
        if let Some(r) = holder {
            let holder: i64 = r.try_get(0)?;
            if !w.move_lead {
                return Ok(IndicatorOutcome::LeadHeldElsewhere {
                    involvement_id: holder,
                });
            }
            let mut marks: IndicatorMarks = from_json(r.try_get(1)?)?;
            marks.lead_professional = Some(w.mark.clone());
            tx.execute(
                "UPDATE involvements SET lead_professional = FALSE, marks = $2, version = version + 1
                 WHERE id = $1",
                &[&holder, &to_json(&marks)],
            )
            .await?;
            lead_moved_from = Some(holder);
        }
    }
    let mut marks = current.marks;
    let new = w.indicators;
    marks.stamp_changes(&before, &new, &w.mark);
    tx.execute(
        "UPDATE involvements SET has_information = $2, taking_action = $3, caf_completed = $4,
             lead_professional = $5, marks = $6, version = version + 1
         WHERE id = $1",
        &[
            &w.involvement_id,
            &new.has_information,
            &new.taking_action,
            &new.caf_completed,
            &new.lead_professional,
            &to_json(&marks),
        ],
    )
    .await?;
    let involvement = load_involvement(tx, w.involvement_id)
        .await?
        .expect("written just now");
    Ok(IndicatorOutcome::Written {
        before,
        involvement: Box::new(involvement),
        lead_moved_from,
    })
}

async fn change_child(
    tx: &Transaction<'_>,
    id: &str,
    version: i64,
    change: ChildChange,
    by: ChangedBy,
) -> StoreResult<ChildOutcome> {
    let Some(before) = load_child(tx, id).await? else {
        return Ok(ChildOutcome::NotFound);
    };
    if before.version != version {
        return Ok(ChildOutcome::Stale);
    }
    let mut after = before.clone();
    match change {
        ChildChange::Identity { identity, why } => {
            tx.execute(
                "INSERT INTO identity_history (child_id, previous, changed_by, changed_at, why)
                 VALUES ($1, $2, $3, $4, $5)",
                &[
                    &id,
                    &to_json(&identity_of(&before)),
                    &by.name,
                    &by.at,
                    &enum_str(&why),
                ],
            )
            .await?;
            after.family_name = identity.family_name;
            after.given_names = identity.given_names;
            after.former_names = identity.former_names;
            after.date_of_birth = identity.date_of_birth;
            after.gender = identity.gender;
            after.nhs_number = identity.nhs_number;
        }
        ChildChange::Address(address) => after.address = address,
        ChildChange::Shield(shielded) => after.shielded = shielded,
        ChildChange::Deceased(on) => {
            tx.execute(
                "UPDATE children SET date_of_death = $2 WHERE id = $1",
                &[&id, &on],
            )
            .await?;
        }
        ChildChange::AddCarer(carer) => {
            tx.execute(
                "INSERT INTO carers (child_id, name, relationship, parental_responsibility, phone, email)
                 VALUES ($1, $2, $3, $4, $5, $6)",
                &[
                    &id,
                    &carer.name,
                    &enum_str(&carer.relationship),
                    &carer.parental_responsibility,
                    &carer.phone,
                    &carer.email,
                ],
            )
            .await?;
        }
        ChildChange::UpdateCarer(carer) => {
            let n = tx
                .execute(
                    "UPDATE carers SET name = $3, relationship = $4, parental_responsibility = $5,
                         phone = $6, email = $7
                     WHERE id = $1 AND child_id = $2",
                    &[
                        &carer.id,
                        &id,
                        &carer.name,
                        &enum_str(&carer.relationship),
                        &carer.parental_responsibility,
                        &carer.phone,
                        &carer.email,
                    ],
                )
                .await?;
            if n == 0 {
                return Ok(ChildOutcome::NoSuchCarer);
            }
        }
        ChildChange::RemoveCarer(carer) => {
            let n = tx
                .execute(
                    "DELETE FROM carers WHERE id = $1 AND child_id = $2",
                    &[&carer, &id],
                )
                .await?;
            if n == 0 {
                return Ok(ChildOutcome::NoSuchCarer);
            }
        }
    }
    rewrite_child(tx, &before, &after, version + 1).await?;
    let after = load_child(tx, id).await?.expect("written just now");
    Ok(ChildOutcome::Written {
        before: Box::new(before),
        after: Box::new(after),
    })
}

async fn merge(
    tx: &Transaction<'_>,
    survivor: &str,
    merged: &str,
    at: DateTime<Utc>,
) -> StoreResult<MergeCounts> {
    let (before, gone) = (
        load_child(tx, survivor).await?,
        load_child(tx, merged).await?,
    );
    let before = before.ok_or_else(|| StoreError::NotFound(format!("child {survivor}")))?;
    let gone = gone.ok_or_else(|| StoreError::NotFound(format!("child {merged}")))?;
    // At most one lead professional per child survives the merge.
    if before
        .involvements
        .iter()
        .any(|i| i.indicators.lead_professional)
    {
        tx.execute(
            "UPDATE involvements SET lead_professional = FALSE, version = version + 1
             WHERE child_id = $1 AND lead_professional",
            &[&merged],
        )
        .await?;
    }
    let carers = tx
        .execute(
            "UPDATE carers SET child_id = $1 WHERE child_id = $2",
            &[&survivor, &merged],
        )
        .await?;
    let involvements = tx
        .execute(
            "UPDATE involvements SET child_id = $1 WHERE child_id = $2",
            &[&survivor, &merged],
        )
        .await?;
    let history = tx
        .execute(
            "UPDATE identity_history SET child_id = $1 WHERE child_id = $2",
            &[&survivor, &merged],
        )
        .await?;

    let mut after = before.clone();
    let mut former = vec![FormerName {
        family_name: gone.family_name.clone(),
        given_names: gone.given_names.clone(),
    }];
    former.extend(gone.former_names.iter().cloned());
    for name in former {
        let current =
            name.family_name == after.family_name && name.given_names == after.given_names;
        if !current && !after.former_names.contains(&name) {
            after.former_names.push(name);
        }
    }
    if after.nhs_number.is_none() {
        after.nhs_number = gone.nhs_number.clone();
    }
    unindex_surnames(tx, &gone).await?;
    tx.execute("DELETE FROM children WHERE id = $1", &[&merged])
        .await?;
    rewrite_child(tx, &before, &after, before.version + 1).await?;
    // Older redirects to the merged record follow it to the survivor.
    tx.execute(
        "UPDATE child_redirects SET survivor_id = $1 WHERE survivor_id = $2",
        &[&survivor, &merged],
    )
    .await?;
    tx.execute(
        "INSERT INTO child_redirects (merged_id, survivor_id, merged_at) VALUES ($1, $2, $3)",
        &[&merged, &survivor, &at],
    )
    .await?;
    Ok(MergeCounts {
        carers,
        involvements,
        history,
    })
}

#[async_trait]
impl MaintenanceStore for PostgresStore {
    async fn involvement(&self, id: i64) -> StoreResult<Option<InvolvementOf>> {
        let c = self.client().await?;
        let Some(involvement) = load_involvement(&c, id).await? else {
            return Ok(None);
        };
        let r = c
            .query_one(
                "SELECT c.id, c.local_authority, c.shielded FROM involvements i
                 JOIN children c ON c.id = i.child_id WHERE i.id = $1",
                &[&id],
            )
            .await?;
        Ok(Some(InvolvementOf {
            child_id: r.try_get(0)?,
            child_local_authority: r.try_get(1)?,
            child_shielded: r.try_get(2)?,
            involvement,
        }))
    }

    async fn write_indicators(
        &self,
        write: IndicatorWrite,
        audit: AuditOf<IndicatorOutcome>,
    ) -> StoreResult<IndicatorOutcome> {
        let mut c = self.client().await?;
        let tx = begin_write(&mut c).await?;
        let outcome = write_indicators(&tx, write).await?;
        finish_write(tx, outcome, audit).await
    }

    async fn add_involvement(
        &self,
        child_id: &str,
        involvement: Involvement,
        audit: AuditOf<i64>,
    ) -> StoreResult<i64> {
        let mut c = self.client().await?;
        let tx = begin_write(&mut c).await?;
        let id = insert_involvement(&tx, child_id, &involvement).await?;
        finish_write(tx, id, audit).await
    }

    async fn update_involvement(
        &self,
        id: i64,
        version: i64,
        d: InvolvementDetails,
        audit: AuditOf<Option<Involvement>>,
    ) -> StoreResult<Option<Involvement>> {
        let mut c = self.client().await?;
        let tx = begin_write(&mut c).await?;
        let p = d.practitioner.as_ref();
        let n = tx
            .execute(
                "UPDATE involvements SET practitioner_name = $3, practitioner_phone = $4,
                     practitioner_email = $5, start_date = $6, end_date = $7, consent = $8,
                     version = version + 1
                 WHERE id = $1 AND version = $2",
                &[
                    &id,
                    &version,
                    &p.map(|p| &p.name),
                    &p.and_then(|p| p.phone.as_ref()),
                    &p.and_then(|p| p.email.as_ref()),
                    &d.start_date,
                    &d.end_date,
                    &d.consent.as_ref().map(to_json),
                ],
            )
            .await?;
        let outcome = if n == 1 {
            load_involvement(&tx, id).await?
        } else {
            None
        };
        finish_write(tx, outcome, audit).await
    }

    async fn change_child(
        &self,
        id: &str,
        version: i64,
        change: ChildChange,
        by: ChangedBy,
        audit: AuditOf<ChildOutcome>,
    ) -> StoreResult<ChildOutcome> {
        let mut c = self.client().await?;
        let tx = begin_write(&mut c).await?;
        let outcome = change_child(&tx, id, version, change, by).await?;
        finish_write(tx, outcome, audit).await
    }

    async fn identity_history(&self, id: &str) -> StoreResult<Vec<IdentityHistoryEntry>> {
        let c = self.client().await?;
        c.query(
            "SELECT previous, changed_by, changed_at, why FROM identity_history
             WHERE child_id = $1 ORDER BY id DESC",
            &[&id],
        )
        .await?
        .iter()
        .map(|r| {
            Ok(IdentityHistoryEntry {
                previous: from_json(r.try_get(0)?)?,
                changed_by: r.try_get(1)?,
                changed_at: r.try_get(2)?,
                why: parse_enum(r.try_get(3)?)?,
            })
        })
        .collect()
    }

    async fn date_of_death(&self, id: &str) -> StoreResult<Option<NaiveDate>> {
        let c = self.client().await?;
        Ok(
            c.query_opt("SELECT date_of_death FROM children WHERE id = $1", &[&id])
                .await?
                .map(|r| r.try_get::<_, Option<NaiveDate>>(0))
                .transpose()?
                .flatten(),
        )
    }

    async fn scan_entries(&self, local_authority: Option<String>) -> StoreResult<Vec<ScanEntry>> {
        let c = self.client().await?;
        let la = local_authority;
        let mut carers: HashMap<String, Vec<String>> = HashMap::new();
        for r in c
            .query(
                "SELECT k.child_id, k.name FROM carers k JOIN children c ON c.id = k.child_id
                 WHERE $1::text IS NULL OR c.local_authority = $1 ORDER BY k.id",
                &[&la],
            )
            .await?
        {
            carers.entry(r.try_get(0)?).or_default().push(r.try_get(1)?);
        }
        // In insertion order, as SQLite's rowid gives them.
        c.query(
            &format!(
                "SELECT {CANDIDATE_COLUMNS} FROM children
                 WHERE $1::text IS NULL OR local_authority = $1 ORDER BY seq"
            ),
            &[&la],
        )
        .await?
        .iter()
        .map(|r| {
            let child = candidate_from_row(r)?;
            let carers = carers.remove(&child.id).unwrap_or_default();
            Ok(ScanEntry { child, carers })
        })
        .collect()
    }

    async fn merge_children(
        &self,
        survivor: &str,
        merged: &str,
        at: DateTime<Utc>,
        audit: AuditOf<MergeCounts>,
    ) -> StoreResult<MergeCounts> {
        let mut c = self.client().await?;
        let tx = begin_write(&mut c).await?;
        let counts = merge(&tx, survivor, merged, at).await?;
        finish_write(tx, counts, audit).await
    }

    async fn redirect(&self, id: &str) -> StoreResult<Option<String>> {
        let c = self.client().await?;
        Ok(c.query_opt(
            "SELECT survivor_id FROM child_redirects WHERE merged_id = $1",
            &[&id],
        )
        .await?
        .map(|r| r.try_get(0))
        .transpose()?)
    }

    async fn child_protection_duty(&self, username: &str) -> StoreResult<bool> {
        let c = self.client().await?;
        Ok(c.query_opt(
            "SELECT child_protection FROM users WHERE username = $1",
            &[&username],
        )
        .await?
        .map(|r| r.try_get(0))
        .transpose()?
        .unwrap_or(false))
    }

    async fn set_child_protection_duty(&self, username: &str, duty: bool) -> StoreResult<()> {
        let c = self.client().await?;
        let n = c
            .execute(
                "UPDATE users SET child_protection = $2 WHERE username = $1",
                &[&username, &duty],
            )
            .await?;
        if n == 0 {
            return Err(StoreError::NotFound(format!("user {username}")));
        }
        Ok(())
    }
}
