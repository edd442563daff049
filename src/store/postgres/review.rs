//! Filtered reading of the audit trail, and its signed checkpoints.

use async_trait::async_trait;
use tokio_postgres::types::ToSql;

use super::audit::{event_from_row, EVENT_COLUMNS};
use super::PostgresStore;
use crate::model::{ChainedAuditEvent, Checkpoint};
use crate::store::{AuditFilter, AuditReviewStore, StoreResult};

type Param = Box<dyn ToSql + Sync + Send>;

#[async_trait]
impl AuditReviewStore for PostgresStore {
    async fn query_audit(&self, f: AuditFilter) -> StoreResult<Vec<ChainedAuditEvent>> {
        let mut sql = format!("SELECT {EVENT_COLUMNS} FROM audit_events WHERE TRUE");
        let mut args: Vec<Param> = Vec::new();
        let mut cond = |template: &str, v: Param| {
            args.push(v);
            sql.push_str(&format!(
                " AND {}",
                template.replace('?', &format!("${}", args.len()))
            ));
        };
        if let Some(u) = f.username {
            cond("username = ?", Box::new(u));
        }
        if let Some(a) = f.action {
            cond("action = ?", Box::new(a));
        }
        if let Some(from) = f.from {
            cond("at >= ?", Box::new(from));
        }
        if let Some(to) = f.to {
            cond("at < ?", Box::new(to));
        }
        if let Some(child) = f.subject {
            // Subjects are a JSON array of IDs; match one whole element.
            cond(
                "strpos(subjects, ?) > 0",
                Box::new(serde_json::to_string(&child).unwrap_or_default()),
            );
        }
        if let Some(orgs) = f.organisations {
            cond("organisation = ANY(?)", Box::new(orgs));
        }
        args.push(Box::new(f.limit as i64));
        sql.push_str(&format!(" ORDER BY seq LIMIT ${}", args.len()));
        let params: Vec<&(dyn ToSql + Sync)> = args
            .iter()
            .map(|a| a.as_ref() as &(dyn ToSql + Sync))
            .collect();
        let c = self.client().await?;
        c.query(&sql, &params)
            .await?
            .iter()
            .map(event_from_row)
            .collect()
    }

    async fn audit_head(&self) -> StoreResult<(u64, Option<String>)> {
        let c = self.client().await?;
        let r = c
            .query_one(
                "SELECT (SELECT count(*) FROM audit_events),
                        (SELECT hash FROM audit_events ORDER BY seq DESC LIMIT 1)",
                &[],
            )
            .await?;
        Ok((r.try_get::<_, i64>(0)? as u64, r.try_get(1)?))
    }

    async fn add_checkpoint(&self, cp: Checkpoint) -> StoreResult<()> {
        let c = self.client().await?;
        c.execute(
            "INSERT INTO audit_checkpoints (at, count, head_hash, public_key, signature)
             VALUES ($1, $2, $3, $4, $5)",
            &[
                &cp.at,
                &(cp.count as i64),
                &cp.head_hash,
                &cp.public_key,
                &cp.signature,
            ],
        )
        .await?;
        Ok(())
    }

    async fn checkpoints(&self) -> StoreResult<Vec<Checkpoint>> {
        let c = self.client().await?;
        c.query(
            "SELECT at, count, head_hash, public_key, signature FROM audit_checkpoints ORDER BY id",
            &[],
        )
        .await?
        .iter()
        .map(|r| {
            Ok(Checkpoint {
                at: r.try_get(0)?,
                count: r.try_get::<_, i64>(1)? as u64,
                head_hash: r.try_get(2)?,
                public_key: r.try_get(3)?,
                signature: r.try_get(4)?,
            })
        })
        .collect()
    }
}
