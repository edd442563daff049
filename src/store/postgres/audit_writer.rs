//! Group commit for audit events appended on their own (searches, reads, logins):
//! one task per server process saves every event waiting in one transaction, with
//! one lock, one head read and one insert, so concurrent requests share one commit
//! instead of queueing on the audit lock for one each. The advisory lock still
//! keeps one chain across servers and with writes that change the directory.

use deadpool_postgres::Pool;
use tokio::sync::{mpsc, oneshot};

use super::audit::{append_all, lock_audit_chain};
use crate::model::AuditEvent;
use crate::store::{StoreError, StoreResult};

/// The most events saved in one transaction, which bounds how long it holds the audit lock.
const MAX_BATCH: usize = 1_000;

type Pending = (AuditEvent, oneshot::Sender<StoreResult<()>>);

pub(super) struct AuditWriter {
    queue: mpsc::UnboundedSender<Pending>,
}

impl AuditWriter {
    /// Spawns the writer on the current runtime; it ends when the writer is dropped.
    pub(super) fn start(pool: Pool) -> Self {
        let (queue, pending) = mpsc::unbounded_channel();
        tokio::spawn(write_batches(pool, pending));
        AuditWriter { queue }
    }

    /// Returns once `event` is committed, or with the error that rolled back its batch.
    pub(super) async fn append(&self, event: AuditEvent) -> StoreResult<()> {
        let stopped = || StoreError::Database("the audit writer has stopped".into());
        let (reply, saved) = oneshot::channel();
        self.queue.send((event, reply)).map_err(|_| stopped())?;
        saved.await.map_err(|_| stopped())?
    }
}

async fn write_batches(pool: Pool, mut pending: mpsc::UnboundedReceiver<Pending>) {
    let mut batch = Vec::with_capacity(MAX_BATCH);
    // Whatever arrived while the last batch was committing goes into the next one.
    while pending.recv_many(&mut batch, MAX_BATCH).await > 0 {
        let (events, replies): (Vec<_>, Vec<_>) = batch.drain(..).unzip();
        let saved = save(&pool, &events).await;
        for reply in replies {
            let _ = reply.send(saved.clone());
        }
    }
}

/// All of the batch or none of it: an error drops the transaction, which rolls it back.
async fn save(pool: &Pool, events: &[AuditEvent]) -> StoreResult<()> {
    let mut c = pool.get().await?;
    let tx = c.transaction().await?;
    lock_audit_chain(&tx).await?;
    append_all(&tx, events).await?;
    tx.commit().await?;
    Ok(())
}
