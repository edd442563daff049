//! Notifications to organisations.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use rusqlite::params;

use super::{parse_ts, ts, SqliteStore};
use crate::model::{NewNotification, Notification, NotificationKind};
use crate::store::{NotificationStore, StoreResult};

#[async_trait]
impl NotificationStore for SqliteStore {
    async fn add_notification(&self, n: NewNotification) -> StoreResult<i64> {
        self.with_conn(move |c| {
            c.execute(
                "INSERT INTO notifications (kind, recipient_organisation, child_id, from_username,
                     from_organisation, details, created_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                params![
                    n.kind.code(),
                    n.recipient_organisation,
                    n.child_id,
                    n.from_username,
                    n.from_organisation,
                    n.details.to_string(),
                    ts(n.created_at)
                ],
            )?;
            Ok(c.last_insert_rowid())
        })
        .await
    }

    async fn notifications(
        &self,
        organisation: &str,
        unread_only: bool,
        limit: usize,
    ) -> StoreResult<Vec<Notification>> {
        let organisation = organisation.to_string();
        self.with_conn(move |c| {
            let mut stmt = c.prepare_cached(
                "SELECT id, kind, recipient_organisation, child_id, from_username, from_organisation,
                        details, created_at, read_by, read_at
                 FROM notifications
                 WHERE recipient_organisation = ?1 AND (?2 = 0 OR read_at IS NULL)
                 ORDER BY created_at DESC, id DESC LIMIT ?3",
            )?;
            let rows = stmt.query_map(params![organisation, unread_only, limit as i64], |r| {
                let kind: String = r.get(1)?;
                Ok(Notification {
                    id: r.get(0)?,
                    notification: NewNotification {
                        kind: NotificationKind::from_code(&kind).ok_or_else(|| {
                            super::decode_err(crate::store::StoreError::Corrupt(format!(
                                "unknown notification kind {kind}"
                            )))
                        })?,
                        recipient_organisation: r.get(2)?,
                        child_id: r.get(3)?,
                        from_username: r.get(4)?,
                        from_organisation: r.get(5)?,
                        details: super::from_json(&r.get::<_, String>(6)?)?,
                        created_at: parse_ts(&r.get::<_, String>(7)?)?,
                    },
                    read_by: r.get(8)?,
                    read_at: r.get::<_, Option<String>>(9)?.map(|t| parse_ts(&t)).transpose()?,
                })
            })?;
            Ok(rows.collect::<rusqlite::Result<_>>()?)
        })
        .await
    }

    async fn unread_notifications(&self, organisation: &str) -> StoreResult<u64> {
        let organisation = organisation.to_string();
        self.with_conn(move |c| {
            Ok(c.query_row(
                "SELECT count(*) FROM notifications WHERE recipient_organisation = ?1 AND read_at IS NULL",
                [organisation],
                |r| r.get(0),
            )?)
        })
        .await
    }

    async fn mark_notification_read(
        &self,
        organisation: &str,
        id: i64,
        username: &str,
        at: DateTime<Utc>,
    ) -> StoreResult<bool> {
        let (organisation, username) = (organisation.to_string(), username.to_string());
        self.with_conn(move |c| {
            // The first reader is kept: marking again changes nothing.
            let changed = c.execute(
                "UPDATE notifications SET read_by = ?3, read_at = ?4
                 WHERE id = ?1 AND recipient_organisation = ?2 AND read_at IS NULL",
                params![id, organisation, username, ts(at)],
            )?;
            let exists: bool = c.query_row(
                "SELECT count(*) > 0 FROM notifications WHERE id = ?1 AND recipient_organisation = ?2",
                params![id, organisation],
                |r| r.get(0),
            )?;
            Ok(changed == 1 || exists)
        })
        .await
    }
}
