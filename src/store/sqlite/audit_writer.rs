//! Group commit for audit events appended on their own (searches, reads, logins):
//! one thread with its own connection saves every event waiting in one IMMEDIATE
//! transaction, so concurrent requests share one fsync instead of queueing for
//! one each. Writes that change the directory still chain their event inside their
//! own transaction; SQLite's write lock keeps the two kinds in one chain.

use std::sync::mpsc;
use std::thread::JoinHandle;

use rusqlite::{Connection, TransactionBehavior};
use tokio::sync::oneshot;

use super::audit::append_chained;
use crate::model::AuditEvent;
use crate::store::{StoreError, StoreResult};

/// The most events saved in one transaction, which bounds how long it holds the write lock.
const MAX_BATCH: usize = 1_000;

type Pending = (AuditEvent, oneshot::Sender<StoreResult<()>>);

pub(super) struct AuditWriter {
    // Both are `Option` only so that `drop` can close the queue, then wait for the thread.
    queue: Option<mpsc::Sender<Pending>>,
    thread: Option<JoinHandle<()>>,
}

impl AuditWriter {
    pub(super) fn start(conn: Connection) -> StoreResult<Self> {
        let (queue, pending) = mpsc::channel();
        let thread = std::thread::Builder::new()
            .name("audit-writer".into())
            .spawn(move || write_batches(conn, pending))
            .map_err(|e| StoreError::Database(format!("cannot start the audit writer: {e}")))?;
        Ok(AuditWriter {
            queue: Some(queue),
            thread: Some(thread),
        })
    }

    /// Returns once `event` is committed, or with the error that rolled back its batch.
    pub(super) async fn append(&self, event: AuditEvent) -> StoreResult<()> {
        let stopped = || StoreError::Database("the audit writer has stopped".into());
        let (reply, saved) = oneshot::channel();
        self.queue
            .as_ref()
            .ok_or_else(stopped)?
            .send((event, reply))
            .map_err(|_| stopped())?;
        saved.await.map_err(|_| stopped())?
    }
}

impl Drop for AuditWriter {
    fn drop(&mut self) {
        // A closed queue ends the thread once it has saved what was already sent.
        drop(self.queue.take());
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

fn write_batches(mut conn: Connection, pending: mpsc::Receiver<Pending>) {
    // Whatever arrived while the last batch was committing goes into the next one.
    while let Ok(first) = pending.recv() {
        let batch: Vec<Pending> = std::iter::once(first)
            .chain(pending.try_iter().take(MAX_BATCH - 1))
            .collect();
        let saved = save(&mut conn, batch.iter().map(|(event, _)| event));
        for (_, reply) in batch {
            let _ = reply.send(saved.clone());
        }
    }
}

/// All of the batch or none of it: an error drops the transaction, which rolls it back.
fn save<'a>(
    conn: &mut Connection,
    events: impl Iterator<Item = &'a AuditEvent>,
) -> StoreResult<()> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    for event in events {
        append_chained(&tx, event)?;
    }
    tx.commit()?;
    Ok(())
}
