//! Notifications to organisations.

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use super::{from_json, PostgresStore};
use crate::model::{NewNotification, Notification, NotificationKind};
use crate::store::{NotificationStore, StoreError, StoreResult};

#[async_trait]
impl NotificationStore for PostgresStore {
    async fn add_notification(&self, n: NewNotification) -> StoreResult<i64> {
        let c = self.client().await?;
        Ok(c.query_one(
            "INSERT INTO notifications (kind, recipient_organisation, child_id, from_username,
                 from_organisation, details, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
            &[
                &n.kind.code(),
                &n.recipient_organisation,
                &n.child_id,
                &n.from_username,
                &n.from_organisation,
                &n.details.to_string(),
                &n.created_at,
            ],
        )
        .await?
        .try_get(0)?)
    }

    async fn notifications(
        &self,
        organisation: &str,
        unread_only: bool,
        limit: usize,
    ) -> StoreResult<Vec<Notification>> {
        let c = self.client().await?;
        let stmt = c
            .prepare_cached(
                "SELECT id, kind, recipient_organisation, child_id, from_username, from_organisation,
                        details, created_at, read_by, read_at
                 FROM notifications
                 WHERE recipient_organisation = $1 AND (NOT $2 OR read_at IS NULL)
                 ORDER BY created_at DESC, id DESC LIMIT $3",
            )
            .await?;
        c.query(&stmt, &[&organisation, &unread_only, &(limit as i64)])
            .await?
            .iter()
            .map(|r| {
                let kind: &str = r.try_get(1)?;
                Ok(Notification {
                    id: r.try_get(0)?,
                    notification: NewNotification {
                        kind: NotificationKind::from_code(kind).ok_or_else(|| {
                            StoreError::Corrupt(format!("unknown notification kind {kind}"))
                        })?,
                        recipient_organisation: r.try_get(2)?,
                        child_id: r.try_get(3)?,
                        from_username: r.try_get(4)?,
                        from_organisation: r.try_get(5)?,
                        details: from_json(r.try_get(6)?)?,
                        created_at: r.try_get(7)?,
                    },
                    read_by: r.try_get(8)?,
                    read_at: r.try_get(9)?,
                })
            })
            .collect()
    }

    async fn unread_notifications(&self, organisation: &str) -> StoreResult<u64> {
        let c = self.client().await?;
        let n: i64 = c
            .query_one(
                "SELECT count(*) FROM notifications WHERE recipient_organisation = $1 AND read_at IS NULL",
                &[&organisation],
            )
            .await?
            .try_get(0)?;
        Ok(n as u64)
    }

    async fn mark_notification_read(
        &self,
        organisation: &str,
        id: i64,
        username: &str,
        at: DateTime<Utc>,
    ) -> StoreResult<bool> {
        let c = self.client().await?;
        // The first reader is kept: marking again changes nothing.
        let changed = c
            .execute(
                "UPDATE notifications SET read_by = $3, read_at = $4
                 WHERE id = $1 AND recipient_organisation = $2 AND read_at IS NULL",
                &[&id, &organisation, &username, &at],
            )
            .await?;
        let exists: bool = c
            .query_one(
                "SELECT count(*) > 0 FROM notifications WHERE id = $1 AND recipient_organisation = $2",
                &[&id, &organisation],
            )
            .await?
            .try_get(0)?;
        Ok(changed == 1 || exists)
    }
}
