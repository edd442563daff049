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
    tx.execute("SELECT pg_advisory_xact_lock($1)", &[&AUDIT_LOCK])
        .await?;
    Ok(())
}

/// Chains `event` onto the head of the trail inside the caller's transaction,
/// which must hold the audit lock (`lock_audit_chain`); a change and its audit
/// event are then saved together or not at all.
pub(super) async fn append_chained(tx: &Transaction<'_>, event: &AuditEvent) -> StoreResult<()> {
    let head = tx
        .query_opt(
            "SELECT seq, hash FROM audit_events ORDER BY seq DESC LIMIT 1",
            &[],
        )
        .await?;
    let (seq, prev): (i64, String) = match head {
        Some(r) => (r.try_get(0)?, r.try_get(1)?),
        None => (0, GENESIS_HASH.to_string()),
    };
    let hash = event.chain_hash(&prev);
    tx.execute(
        "INSERT INTO audit_events (seq, at, username, role, organisation, action, subjects, reason,
             outcome, client_addr, request_id, details, prev_hash, hash)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)",
        &[
            &(seq + 1),
            &event.at,
            &event.username,
            &event.role,
            &event.organisation,
            &event.action,
            &to_json(&event.subjects),
            &event.reason,
            &event.outcome,
            &event.client_addr,
            &event.request_id,
            &event.details.to_string(),
            &prev,
            &hash,
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
        let mut c = self.client().await?;
        let tx = c.transaction().await?;
        lock_audit_chain(&tx).await?;
        append_chained(&tx, &event).await?;
        tx.commit().await?;
        Ok(())
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
