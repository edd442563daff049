//! Filtered reading of the audit trail, and its signed checkpoints.

use async_trait::async_trait;
use rusqlite::params_from_iter;
use rusqlite::types::Value;

use super::audit::chained_from_row;
use super::{parse_ts, ts, SqliteStore};
use crate::model::{ChainedAuditEvent, Checkpoint};
use crate::store::{AuditFilter, AuditReviewStore, StoreResult};

#[async_trait]
impl AuditReviewStore for SqliteStore {
    async fn query_audit(&self, f: AuditFilter) -> StoreResult<Vec<ChainedAuditEvent>> {
        self.with_conn(move |c| {
            let mut sql = String::from(
                "SELECT seq, at, username, role, organisation, action, subjects, reason, outcome,
                        client_addr, request_id, details, prev_hash, hash
                 FROM audit_events WHERE 1 = 1",
            );
            let mut args: Vec<Value> = Vec::new();
            let mut cond = |sql_part: &str, v: Value, args: &mut Vec<Value>| {
                args.push(v);
                sql.push_str(&format!(" AND {sql_part} ?{}", args.len()));
            };
            if let Some(u) = f.username {
                cond("username =", Value::Text(u), &mut args);
            }
            if let Some(a) = f.action {
                cond("action =", Value::Text(a), &mut args);
            }
            if let Some(from) = f.from {
                cond("at >=", Value::Text(ts(from)), &mut args);
            }
            if let Some(to) = f.to {
                cond("at <", Value::Text(ts(to)), &mut args);
            }
            if let Some(child) = f.subject {
                // Subjects are a JSON array of IDs; match one whole element.
                cond(
                    "instr(subjects,",
                    Value::Text(serde_json::to_string(&child).unwrap_or_default()),
                    &mut args,
                );
                sql.push_str(") > 0");
            }
            if let Some(orgs) = f.organisations {
                let marks: Vec<String> = orgs
                    .into_iter()
                    .map(|o| {
                        args.push(Value::Text(o));
                        format!("?{}", args.len())
                    })
                    .collect();
                sql.push_str(&format!(" AND organisation IN ({})", marks.join(", ")));
            }
            args.push(Value::Integer(f.limit as i64));
            sql.push_str(&format!(" ORDER BY seq LIMIT ?{}", args.len()));
            let mut stmt = c.prepare(&sql)?;
            let rows = stmt.query_map(params_from_iter(args), chained_from_row)?;
            Ok(rows.collect::<rusqlite::Result<_>>()?)
        })
        .await
    }

    async fn audit_head(&self) -> StoreResult<(u64, Option<String>)> {
        self.with_conn(|c| {
            Ok(c.query_row(
                "SELECT (SELECT count(*) FROM audit_events),
                        (SELECT hash FROM audit_events ORDER BY seq DESC LIMIT 1)",
                [],
                |r| Ok((r.get::<_, i64>(0)? as u64, r.get(1)?)),
            )?)
        })
        .await
    }

    async fn add_checkpoint(&self, cp: Checkpoint) -> StoreResult<()> {
        self.with_conn(move |c| {
            c.execute(
                "INSERT INTO audit_checkpoints (at, count, head_hash, public_key, signature)
                 VALUES (?1, ?2, ?3, ?4, ?5)",
                rusqlite::params![
                    ts(cp.at),
                    cp.count as i64,
                    cp.head_hash,
                    cp.public_key,
                    cp.signature
                ],
            )?;
            Ok(())
        })
        .await
    }

    async fn checkpoints(&self) -> StoreResult<Vec<Checkpoint>> {
        self.with_conn(|c| {
            let mut stmt = c.prepare_cached(
                "SELECT at, count, head_hash, public_key, signature FROM audit_checkpoints ORDER BY id",
            )?;
            let rows = stmt.query_map([], |r| {
                Ok(Checkpoint {
                    at: parse_ts(&r.get::<_, String>(0)?)?,
                    count: r.get::<_, i64>(1)? as u64,
                    head_hash: r.get(2)?,
                    public_key: r.get(3)?,
                    signature: r.get(4)?,
                })
            })?;
            Ok(rows.collect::<rusqlite::Result<_>>()?)
        })
        .await
    }
}
