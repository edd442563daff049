//! Record maintenance: every write in one IMMEDIATE transaction that first checks
//! the version it was based on, so concurrent writers queue rather than overwrite.

use std::collections::HashMap;

use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::{params, Connection, OptionalExtension, TransactionBehavior};

use super::audit::append_chained;
use super::directory::{
    candidate_from_row, index_surnames, insert_involvement, involvement_from_row, load_child,
    CANDIDATE_COLUMNS, INVOLVEMENT_SELECT,
};
use super::{
    date, enum_str, from_json, parse_date, parse_enum, parse_ts, to_json, ts, unique, SqliteStore,
};
use crate::model::IndicatorMarks;
use crate::model::{names, Child, FormerName, Identity, IdentityHistoryEntry, Involvement};
use crate::store::{
    AuditOf, ChangedBy, ChildChange, ChildOutcome, IndicatorOutcome, IndicatorWrite,
    InvolvementDetails, InvolvementOf, MaintenanceStore, MergeCounts, ScanEntry, StoreError,
    StoreResult,
};

fn load_involvement(conn: &Connection, id: i64) -> StoreResult<Option<Involvement>> {
    Ok(conn
        .prepare_cached(&format!("{INVOLVEMENT_SELECT} WHERE i.id = ?1"))?
        .query_row([id], involvement_from_row)
        .optional()?)
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

/// Removes a child's rows from the surname index, by primary key (no scan).
fn unindex_surnames(tx: &Connection, child: &Child) -> StoreResult<()> {
    let mut forms = names::surname_forms(&child.family_name);
    for former in &child.former_names {
        forms.extend(names::surname_forms(&former.family_name));
    }
    forms.sort();
    forms.dedup();
    for form in forms {
        tx.prepare_cached(
            "DELETE FROM child_surnames WHERE surname_id = (SELECT id FROM surnames WHERE name = ?1)
                 AND date_of_birth = ?2 AND child_id = ?3",
        )?
        .execute(params![form, date(child.date_of_birth), child.id.as_str()])?;
    }
    Ok(())
}

/// Writes the child's own row at `version` and re-indexes its surnames from `before`.
fn rewrite_child(tx: &Connection, before: &Child, after: &Child, version: i64) -> StoreResult<()> {
    let postcode = after.address.postcode();
    tx.prepare_cached(
        "UPDATE children SET nhs_number = ?2, family_name = ?3, given_names = ?4, former_names = ?5,
             date_of_birth = ?6, gender = ?7, address = ?8, postcode = ?9, postcode_district = ?10,
             shielded = ?11, version = ?12
         WHERE id = ?1",
    )?
    .execute(params![
        after.id.as_str(),
        after.nhs_number.as_ref().map(|n| n.as_str()),
        after.family_name,
        after.given_names,
        to_json(&after.former_names),
        date(after.date_of_birth),
        enum_str(&after.gender),
        to_json(&after.address),
        postcode.map(|p| p.as_str()),
        postcode.map(|p| p.district()),
        after.shielded,
        version,
    ])
    .map_err(unique("a record with that NHS number"))?;
    unindex_surnames(tx, before)?;
    index_surnames(tx, &mut HashMap::new(), after)
}

/// Runs `write` and appends its audit event in one IMMEDIATE transaction. A refused
/// write (stale, not found) changes nothing but is still audited.
fn audited<T>(
    c: &mut Connection,
    write: impl FnOnce(&Connection) -> StoreResult<T>,
    audit: AuditOf<T>,
) -> StoreResult<T> {
    let tx = c.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let outcome = write(&tx)?;
    append_chained(&tx, &audit(&outcome))?;
    tx.commit()?;
    Ok(outcome)
}

fn write_indicators(tx: &Connection, w: IndicatorWrite) -> StoreResult<IndicatorOutcome> {
    let (child_id, version): (String, i64) = tx
        .query_row(
            "SELECT child_id, version FROM involvements WHERE id = ?1",
            [w.involvement_id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?
        .ok_or_else(|| StoreError::NotFound(format!("involvement {}", w.involvement_id)))?;
    if version != w.version {
        return Ok(IndicatorOutcome::Stale);
    }
    let current = load_involvement(tx, w.involvement_id)?.expect("read in this transaction");
    let before = current.indicators;
    let mut lead_moved_from = None;
    if w.indicators.lead_professional && !before.lead_professional {
        let holder: Option<(i64, String)> = tx
            .query_row(
                "SELECT id, marks FROM involvements
                 WHERE child_id = ?1 AND id != ?2 AND lead_professional = 1 LIMIT 1",
                params![child_id, w.involvement_id],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        if let Some((holder, marks)) = holder {
            if !w.move_lead {
                return Ok(IndicatorOutcome::LeadHeldElsewhere {
                    involvement_id: holder,
                });
            }
            let mut marks: IndicatorMarks = from_json(&marks)?;
            marks.lead_professional = Some(w.mark.clone());
            tx.execute(
                "UPDATE involvements SET lead_professional = 0, marks = ?2, version = version + 1
                 WHERE id = ?1",
                params![holder, to_json(&marks)],
            )?;
            lead_moved_from = Some(holder);
        }
    }
    let mut marks = current.marks;
    let new = w.indicators;
    marks.stamp_changes(&before, &new, &w.mark);
    tx.execute(
        "UPDATE involvements SET has_information = ?2, taking_action = ?3, caf_completed = ?4,
             lead_professional = ?5, marks = ?6, version = version + 1
         WHERE id = ?1",
        params![
            w.involvement_id,
            new.has_information,
            new.taking_action,
            new.caf_completed,
            new.lead_professional,
            to_json(&marks)
        ],
    )?;
    let involvement = load_involvement(tx, w.involvement_id)?.expect("written just now");
    Ok(IndicatorOutcome::Written {
        before,
        involvement: Box::new(involvement),
        lead_moved_from,
    })
}

fn change_child(
    tx: &Connection,
    id: &str,
    version: i64,
    change: ChildChange,
    by: ChangedBy,
) -> StoreResult<ChildOutcome> {
    let Some(before) = load_child(tx, id)? else {
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
                 VALUES (?1, ?2, ?3, ?4, ?5)",
                params![
                    id,
                    to_json(&identity_of(&before)),
                    by.name,
                    ts(by.at),
                    enum_str(&why)
                ],
            )?;
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
                "UPDATE children SET date_of_death = ?2 WHERE id = ?1",
                params![id, date(on)],
            )?;
        }
        ChildChange::AddCarer(carer) => {
            tx.execute(
                "INSERT INTO carers (child_id, name, relationship, parental_responsibility, phone, email)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                params![
                    id,
                    carer.name,
                    enum_str(&carer.relationship),
                    carer.parental_responsibility,
                    carer.phone,
                    carer.email
                ],
            )?;
        }
        ChildChange::UpdateCarer(carer) => {
            let n = tx.execute(
                "UPDATE carers SET name = ?3, relationship = ?4, parental_responsibility = ?5,
                     phone = ?6, email = ?7
                 WHERE id = ?1 AND child_id = ?2",
                params![
                    carer.id,
                    id,
                    carer.name,
                    enum_str(&carer.relationship),
                    carer.parental_responsibility,
                    carer.phone,
                    carer.email
                ],
            )?;
            if n == 0 {
                return Ok(ChildOutcome::NoSuchCarer);
            }
        }
        ChildChange::RemoveCarer(carer) => {
            let n = tx.execute(
                "DELETE FROM carers WHERE id = ?1 AND child_id = ?2",
                params![carer, id],
            )?;
            if n == 0 {
                return Ok(ChildOutcome::NoSuchCarer);
            }
        }
    }
    rewrite_child(tx, &before, &after, version + 1)?;
    let after = load_child(tx, id)?.expect("written just now");
    Ok(ChildOutcome::Written {
        before: Box::new(before),
        after: Box::new(after),
    })
}

fn merge(
    tx: &Connection,
    survivor: &str,
    merged: &str,
    at: DateTime<Utc>,
) -> StoreResult<MergeCounts> {
    let load = |id: &str| -> StoreResult<Child> {
        load_child(tx, id)?.ok_or_else(|| StoreError::NotFound(format!("child {id}")))
    };
    let (before, gone) = (load(survivor)?, load(merged)?);
    // At most one lead professional per child survives the merge.
    if before
        .involvements
        .iter()
        .any(|i| i.indicators.lead_professional)
    {
        tx.execute(
            "UPDATE involvements SET lead_professional = 0, version = version + 1
             WHERE child_id = ?1 AND lead_professional = 1",
            [merged],
        )?;
    }
    let carers = tx.execute(
        "UPDATE carers SET child_id = ?1 WHERE child_id = ?2",
        [survivor, merged],
    )?;
    let involvements = tx.execute(
        "UPDATE involvements SET child_id = ?1 WHERE child_id = ?2",
        [survivor, merged],
    )?;
    let history = tx.execute(
        "UPDATE identity_history SET child_id = ?1 WHERE child_id = ?2",
        [survivor, merged],
    )?;

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
    unindex_surnames(tx, &gone)?;
    tx.execute("DELETE FROM children WHERE id = ?1", [merged])?;
    rewrite_child(tx, &before, &after, before.version + 1)?;
    // Older redirects to the merged record follow it to the survivor.
    tx.execute(
        "UPDATE child_redirects SET survivor_id = ?1 WHERE survivor_id = ?2",
        [survivor, merged],
    )?;
    tx.execute(
        "INSERT INTO child_redirects (merged_id, survivor_id, merged_at) VALUES (?1, ?2, ?3)",
        params![merged, survivor, ts(at)],
    )?;
    Ok(MergeCounts {
        carers: carers as u64,
        involvements: involvements as u64,
        history: history as u64,
    })
}

#[async_trait]
impl MaintenanceStore for SqliteStore {
    async fn involvement(&self, id: i64) -> StoreResult<Option<InvolvementOf>> {
        self.with_conn(move |c| {
            let Some(involvement) = load_involvement(c, id)? else {
                return Ok(None);
            };
            let (child_id, child_local_authority, child_shielded) = c.query_row(
                "SELECT c.id, c.local_authority, c.shielded FROM involvements i
                 JOIN children c ON c.id = i.child_id WHERE i.id = ?1",
                [id],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )?;
            Ok(Some(InvolvementOf {
                child_id,
                child_local_authority,
                child_shielded,
                involvement,
            }))
        })
        .await
    }

    async fn write_indicators(
        &self,
        write: IndicatorWrite,
        audit: AuditOf<IndicatorOutcome>,
    ) -> StoreResult<IndicatorOutcome> {
        self.with_conn(move |c| audited(c, |tx| write_indicators(tx, write), audit))
            .await
    }

    async fn add_involvement(
        &self,
        child_id: &str,
        involvement: Involvement,
        audit: AuditOf<i64>,
    ) -> StoreResult<i64> {
        let child_id = child_id.to_string();
        self.with_conn(move |c| {
            audited(
                c,
                |tx| insert_involvement(tx, &child_id, &involvement),
                audit,
            )
        })
        .await
    }

    async fn update_involvement(
        &self,
        id: i64,
        version: i64,
        d: InvolvementDetails,
        audit: AuditOf<Option<Involvement>>,
    ) -> StoreResult<Option<Involvement>> {
        self.with_conn(move |c| {
            audited(
                c,
                |tx| {
                    let p = d.practitioner.as_ref();
                    let n = tx.execute(
                        "UPDATE involvements SET practitioner_name = ?3, practitioner_phone = ?4,
                     practitioner_email = ?5, start_date = ?6, end_date = ?7, consent = ?8,
                     version = version + 1
                 WHERE id = ?1 AND version = ?2",
                        params![
                            id,
                            version,
                            p.map(|p| &p.name),
                            p.and_then(|p| p.phone.as_ref()),
                            p.and_then(|p| p.email.as_ref()),
                            date(d.start_date),
                            d.end_date.map(date),
                            d.consent.as_ref().map(to_json),
                        ],
                    )?;
                    if n == 1 {
                        load_involvement(tx, id)
                    } else {
                        Ok(None)
                    }
                },
                audit,
            )
        })
        .await
    }

    async fn change_child(
        &self,
        id: &str,
        version: i64,
        change: ChildChange,
        by: ChangedBy,
        audit: AuditOf<ChildOutcome>,
    ) -> StoreResult<ChildOutcome> {
        let id = id.to_string();
        self.with_conn(move |c| audited(c, |tx| change_child(tx, &id, version, change, by), audit))
            .await
    }

    async fn identity_history(&self, id: &str) -> StoreResult<Vec<IdentityHistoryEntry>> {
        let id = id.to_string();
        self.with_conn(move |c| {
            let mut stmt = c.prepare_cached(
                "SELECT previous, changed_by, changed_at, why FROM identity_history
                 WHERE child_id = ?1 ORDER BY id DESC",
            )?;
            let rows = stmt.query_map([id], |r| {
                Ok(IdentityHistoryEntry {
                    previous: from_json(&r.get::<_, String>(0)?)?,
                    changed_by: r.get(1)?,
                    changed_at: parse_ts(&r.get::<_, String>(2)?)?,
                    why: parse_enum(&r.get::<_, String>(3)?)?,
                })
            })?;
            Ok(rows.collect::<rusqlite::Result<_>>()?)
        })
        .await
    }

    async fn date_of_death(&self, id: &str) -> StoreResult<Option<NaiveDate>> {
        let id = id.to_string();
        self.with_conn(move |c| {
            let d: Option<Option<String>> = c
                .query_row(
                    "SELECT date_of_death FROM children WHERE id = ?1",
                    [id],
                    |r| r.get(0),
                )
                .optional()?;
            Ok(d.flatten().map(|d| parse_date(&d)).transpose()?)
        })
        .await
    }

    async fn scan_entries(&self, local_authority: Option<String>) -> StoreResult<Vec<ScanEntry>> {
        self.with_conn(move |c| {
            let la = local_authority;
            let mut carers: HashMap<String, Vec<String>> = HashMap::new();
            let mut stmt = c.prepare(
                "SELECT k.child_id, k.name FROM carers k JOIN children c ON c.id = k.child_id
                 WHERE ?1 IS NULL OR c.local_authority = ?1",
            )?;
            let mut rows = stmt.query([&la])?;
            while let Some(r) = rows.next()? {
                carers.entry(r.get(0)?).or_default().push(r.get(1)?);
            }
            let mut stmt = c.prepare(&format!(
                "SELECT {CANDIDATE_COLUMNS} FROM children WHERE ?1 IS NULL OR local_authority = ?1"
            ))?;
            let children = stmt.query_map([&la], candidate_from_row)?;
            let mut out = Vec::new();
            for child in children {
                let child = child?;
                let carers = carers.remove(&child.id).unwrap_or_default();
                out.push(ScanEntry { child, carers });
            }
            Ok(out)
        })
        .await
    }

    async fn merge_children(
        &self,
        survivor: &str,
        merged: &str,
        at: DateTime<Utc>,
        audit: AuditOf<MergeCounts>,
    ) -> StoreResult<MergeCounts> {
        let (survivor, merged) = (survivor.to_string(), merged.to_string());
        self.with_conn(move |c| audited(c, |tx| merge(tx, &survivor, &merged, at), audit))
            .await
    }

    async fn redirect(&self, id: &str) -> StoreResult<Option<String>> {
        let id = id.to_string();
        self.with_conn(move |c| {
            Ok(c.query_row(
                "SELECT survivor_id FROM child_redirects WHERE merged_id = ?1",
                [id],
                |r| r.get(0),
            )
            .optional()?)
        })
        .await
    }

    async fn child_protection_duty(&self, username: &str) -> StoreResult<bool> {
        let username = username.to_string();
        self.with_conn(move |c| {
            Ok(c.query_row(
                "SELECT child_protection FROM users WHERE username = ?1",
                [username],
                |r| r.get(0),
            )
            .optional()?
            .unwrap_or(false))
        })
        .await
    }

    async fn set_child_protection_duty(&self, username: &str, duty: bool) -> StoreResult<()> {
        let username = username.to_string();
        self.with_conn(move |c| {
            let n = c.execute(
                "UPDATE users SET child_protection = ?2 WHERE username = ?1",
                params![username, duty],
            )?;
            if n == 0 {
                return Err(StoreError::NotFound(format!("user {username}")));
            }
            Ok(())
        })
        .await
    }
}
