//! The append-only, hash-chained audit trail.

use async_trait::async_trait;
use rusqlite::{params, OptionalExtension, TransactionBehavior};

use super::{from_json, parse_ts, to_json, ts, SqliteStore};
use crate::model::{AuditEvent, ChainedAuditEvent, GENESIS_HASH};
use crate::store::{AuditStore, StoreResult};

#[async_trait]
impl AuditStore for SqliteStore {
    async fn append_audit(&self, event: AuditEvent) -> StoreResult<()> {
        self.with_conn(move |c| {
            // IMMEDIATE takes the write lock before reading the head, so two appends
            // can never chain onto the same previous event.
            let tx = c.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let prev: String = tx
                .query_row("SELECT hash FROM audit_events ORDER BY seq DESC LIMIT 1", [], |r| r.get(0))
                .optional()?
                .unwrap_or_else(|| GENESIS_HASH.to_string());
            let hash = event.chain_hash(&prev);
            tx.execute(
                "INSERT INTO audit_events (at, username, role, organisation, action, subjects, reason,
                     outcome, client_addr, request_id, details, prev_hash, hash)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
                params![
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
                ],
            )?;
            tx.commit()?;
            Ok(())
        })
        .await
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
            let rows = stmt.query_map(params![after_seq, limit as i64], |r| {
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
            })?;
            Ok(rows.collect::<rusqlite::Result<_>>()?)
        })
        .await
    }
}
