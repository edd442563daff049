//! The append-only, hash-chained audit trail.

use async_trait::async_trait;
use rusqlite::{params, Connection, OptionalExtension};

use super::{from_json, parse_ts, to_json, ts, SqliteStore};
use crate::model::{AuditEvent, ChainedAuditEvent, GENESIS_HASH};
use crate::store::{AuditStore, StoreResult};

/// Chains `event` onto the head of the trail. The caller's transaction must be
/// IMMEDIATE (holding the write lock), so no other append can read the same head;
/// writes that change the directory call this inside their own transaction, so a
/// change and its audit event are saved together or not at all.
pub(super) fn append_chained(tx: &Connection, event: &AuditEvent) -> StoreResult<()> {
    let prev: String = tx
        .prepare_cached("SELECT hash FROM audit_events ORDER BY seq DESC LIMIT 1")?
        .query_row([], |r| r.get(0))
        .optional()?
        .unwrap_or_else(|| GENESIS_HASH.to_string());
    let hash = event.chain_hash(&prev);
    tx.prepare_cached(
        "INSERT INTO audit_events (at, username, role, organisation, action, subjects, reason,
             outcome, client_addr, request_id, details, prev_hash, hash)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
    )?
    .execute(params![
        ts(event.at),
        event.username,
        event.role,
        event.organisation,
        event.action,
        to_json(&event.subjects),
        event.reason,
        event.outcome,
        event.client_addr,
        event.request_id,
        event.details.to_string(),
        prev,
        hash
    ])?;
    Ok(())
}

#[async_trait]
impl AuditStore for SqliteStore {
    async fn append_audit(&self, event: AuditEvent) -> StoreResult<()> {
        self.audit.append(event).await
    }

    async fn audit_events(
        &self,
        after_seq: i64,
        limit: usize,
    ) -> StoreResult<Vec<ChainedAuditEvent>> {
        self.with_conn(move |c| {
            let mut stmt = c.prepare_cached(
                "SELECT seq, at, username, role, organisation, action, subjects, reason, outcome,
                        client_addr, request_id, details, prev_hash, hash
                 FROM audit_events WHERE seq > ?1 ORDER BY seq LIMIT ?2",
            )?;
            let rows = stmt.query_map(params![after_seq, limit as i64], chained_from_row)?;
            Ok(rows.collect::<rusqlite::Result<_>>()?)
        })
        .await
    }
}

/// Reads an audit row selected as `seq, at, username, role, organisation, action, subjects,
/// reason, outcome, client_addr, request_id, details, prev_hash, hash`.
pub(super) fn chained_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<ChainedAuditEvent> {
    Ok(ChainedAuditEvent {
        seq: r.get(0)?,
        event: AuditEvent {
            at: parse_ts(&r.get::<_, String>(1)?)?,
            username: r.get(2)?,
            role: r.get(3)?,
            organisation: r.get(4)?,
            action: r.get(5)?,
            subjects: from_json(&r.get::<_, String>(6)?)?,
            reason: r.get(7)?,
            outcome: r.get(8)?,
            client_addr: r.get(9)?,
            request_id: r.get(10)?,
            details: from_json(&r.get::<_, String>(11)?)?,
        },
        prev_hash: r.get(12)?,
        hash: r.get(13)?,
    })
}
