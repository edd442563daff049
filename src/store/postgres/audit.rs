//! The append-only, hash-chained audit trail.

use async_trait::async_trait;
use deadpool_postgres::Transaction;
use tokio_postgres::Row;

use super::{from_json, to_json, PostgresStore, AUDIT_LOCK};
use crate::model::{AuditEvent, ChainedAuditEvent, GENESIS_HASH};
use crate::store::{AuditStore, StoreResult};

/// Takes the database-wide audit lock, held until the transaction ends, by
/// whichever server holds it: two appends can never read the same head, so the
/// trail stays one chain. Writes that change the directory take it first, so they
/// also queue behind each other as SQLite's IMMEDIATE transactions do.
pub(super) async fn lock_audit_chain(tx: &Transaction<'_>) -> StoreResult<()> {
    let lock = tx
        .prepare_cached("SELECT pg_advisory_xact_lock($1)")
        .await?;
    tx.execute(&lock, &[&AUDIT_LOCK]).await?;
    Ok(())
}

/// Chains `event` onto the head of the trail inside the caller's transaction,
/// which must hold the audit lock (`lock_audit_chain`); a change and its audit
/// event are then saved together or not at all.
pub(super) async fn append_chained(tx: &Transaction<'_>, event: &AuditEvent) -> StoreResult<()> {
    append_all(tx, std::slice::from_ref(event)).await
}

/// Chains `events`, in order, onto the head of the trail: one head read and one
/// insert for the lot. The caller's transaction must hold the audit lock.
pub(super) async fn append_all(tx: &Transaction<'_>, events: &[AuditEvent]) -> StoreResult<()> {
    let head = tx
        .prepare_cached("SELECT seq, hash FROM audit_events ORDER BY seq DESC LIMIT 1")
        .await?;
    let head = tx.query_opt(&head, &[]).await?;
    let (mut seq, mut prev): (i64, String) = match head {
        Some(r) => (r.try_get(0)?, r.try_get(1)?),
        None => (0, GENESIS_HASH.to_string()),
    };
    let mut seqs = Vec::with_capacity(events.len());
    let mut prev_hashes = Vec::with_capacity(events.len());
    let mut hashes = Vec::with_capacity(events.len());
    for event in events {
        let hash = event.chain_hash(&prev);
        seq += 1;
        seqs.push(seq);
        prev_hashes.push(std::mem::replace(&mut prev, hash.clone()));
        hashes.push(hash);
    }
    let column = |f: fn(&AuditEvent) -> Option<&str>| events.iter().map(f).collect::<Vec<_>>();
    let subjects: Vec<String> = events.iter().map(|e| to_json(&e.subjects)).collect();
    let details: Vec<String> = events.iter().map(|e| e.details.to_string()).collect();
    let stmt = tx
        .prepare_cached(
            "INSERT INTO audit_events (seq, at, username, role, organisation, action, subjects,
                 reason, outcome, client_addr, request_id, details, prev_hash, hash)
             SELECT * FROM UNNEST($1::BIGINT[], $2::TIMESTAMPTZ[], $3::TEXT[], $4::TEXT[],
                 $5::TEXT[], $6::TEXT[], $7::TEXT[], $8::TEXT[], $9::TEXT[], $10::TEXT[],
                 $11::TEXT[], $12::TEXT[], $13::TEXT[], $14::TEXT[])",
        )
        .await?;
    tx.execute(
        &stmt,
        &[
            &seqs,
            &events.iter().map(|e| e.at).collect::<Vec<_>>(),
            &column(|e| Some(&e.username)),
            &column(|e| e.role.as_deref()),
            &column(|e| e.organisation.as_deref()),
            &column(|e| Some(&e.action)),
            &subjects,
            &column(|e| e.reason.as_deref()),
            &column(|e| Some(&e.outcome)),
            &column(|e| e.client_addr.as_deref()),
            &column(|e| e.request_id.as_deref()),
            &details,
            &prev_hashes,
            &hashes,
        ],
    )
    .await?;
    Ok(())
}

pub(super) fn event_from_row(r: &Row) -> StoreResult<ChainedAuditEvent> {
    Ok(ChainedAuditEvent {
        seq: r.try_get(0)?,
        event: AuditEvent {
            at: r.try_get(1)?,
            username: r.try_get(2)?,
            role: r.try_get(3)?,
            organisation: r.try_get(4)?,
            action: r.try_get(5)?,
            subjects: from_json(r.try_get(6)?)?,
            reason: r.try_get(7)?,
            outcome: r.try_get(8)?,
            client_addr: r.try_get(9)?,
            request_id: r.try_get(10)?,
            details: from_json(r.try_get(11)?)?,
        },
        prev_hash: r.try_get(12)?,
        hash: r.try_get(13)?,
    })
}

/// The columns `event_from_row` reads.
pub(super) const EVENT_COLUMNS: &str =
    "seq, at, username, role, organisation, action, subjects, reason, outcome,
     client_addr, request_id, details, prev_hash, hash";

#[async_trait]
impl AuditStore for PostgresStore {
    async fn append_audit(&self, event: AuditEvent) -> StoreResult<()> {
        self.audit.append(event).await
    }

    async fn audit_events(
        &self,
        after_seq: i64,
        limit: usize,
    ) -> StoreResult<Vec<ChainedAuditEvent>> {
        let c = self.client().await?;
        let stmt = c
            .prepare_cached(&format!(
                "SELECT {EVENT_COLUMNS} FROM audit_events WHERE seq > $1 ORDER BY seq LIMIT $2"
            ))
            .await?;
        c.query(&stmt, &[&after_seq, &(limit as i64)])
            .await?
            .iter()
            .map(event_from_row)
            .collect()
    }
}
