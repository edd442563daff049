//! The append-only, hash-chained audit trail.

use async_trait::async_trait;

use super::{from_json, to_json, PostgresStore, AUDIT_LOCK};
use crate::model::{AuditEvent, ChainedAuditEvent, GENESIS_HASH};
use crate::store::{AuditStore, StoreResult};

#[async_trait]
impl AuditStore for PostgresStore {
    async fn append_audit(&self, event: AuditEvent) -> StoreResult<()> {
        let mut c = self.client().await?;
        let tx = c.transaction().await?;
        // The lock is held until commit, by whichever server appends: two appends can
        // never read the same head, so the trail stays one chain.
        tx.execute("SELECT pg_advisory_xact_lock($1)", &[&AUDIT_LOCK])
            .await?;
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
            .prepare_cached(
                "SELECT seq, at, username, role, organisation, action, subjects, reason, outcome,
                        client_addr, request_id, details, prev_hash, hash
                 FROM audit_events WHERE seq > $1 ORDER BY seq LIMIT $2",
            )
            .await?;
        c.query(&stmt, &[&after_seq, &(limit as i64)])
            .await?
            .iter()
            .map(|r| {
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
            })
            .collect()
    }
}
