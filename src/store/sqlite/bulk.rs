//! Loading a new directory's children (seeding) on one connection that, for the
//! length of the load, does not wait for the disk: `synchronous = OFF`, a large
//! page cache, and transactions of tens of thousands of children, so each index
//! page, written all over at random (ids, NHS numbers and dates do not follow
//! insertion order), is logged once per transaction rather than once per batch.
//! 1,000,000 children: 122 s with 5,000-child transactions that synced; 48-61 s so (with
//! generation on another thread), on a 2-core machine shared with other builds.
//!
//! The caller marks the database as mid-load and refuses it if the load was
//! interrupted, so a crash loses nothing that a fresh load would not redo;
//! `finish` makes the whole load durable before the database is marked complete.

use std::collections::HashMap;

use r2d2::PooledConnection;
use r2d2_sqlite::SqliteConnectionManager;

use super::directory::insert_child;
use crate::model::Child;
use crate::store::{StoreError, StoreResult};

/// The loader's page cache: 1 GiB, as a negative `cache_size` in KiB. It holds the
/// indexes of a million-child directory; SQLite takes the memory only as it fills.
const CACHE: &str = "PRAGMA cache_size = -1048576;";

/// Children per transaction. Larger spills the page cache mid-transaction.
const COMMIT_EVERY: usize = 50_000;

/// What every pooled connection runs with (see `SqliteStore::open`).
const POOL_PRAGMAS: &str = "PRAGMA synchronous = FULL; PRAGMA cache_size = -65536;";

pub(super) struct BulkLoader {
    conn: PooledConnection<SqliteConnectionManager>,
    /// Surname form -> id, kept across batches: ids of committed rows do not change.
    surnames: HashMap<String, i64>,
    /// Children inserted in the open transaction, if one is open.
    uncommitted: Option<usize>,
}

impl BulkLoader {
    pub(super) fn start(conn: PooledConnection<SqliteConnectionManager>) -> StoreResult<Self> {
        conn.execute_batch(&format!("PRAGMA synchronous = OFF; {CACHE}"))?;
        Ok(BulkLoader {
            conn,
            surnames: HashMap::new(),
            uncommitted: None,
        })
    }

    /// Inserts a batch: into the open transaction, or a new one; commits once the
    /// transaction holds `COMMIT_EVERY` children.
    pub(super) fn insert(&mut self, children: &[Child]) -> StoreResult<()> {
        if self.uncommitted.is_none() {
            self.conn.execute_batch("BEGIN IMMEDIATE")?;
            self.uncommitted = Some(0);
        }
        for child in children {
            if let Err(e) = insert_child(&self.conn, &mut self.surnames, child) {
                self.rollback();
                return Err(e);
            }
        }
        let count = self.uncommitted.unwrap_or(0) + children.len();
        self.uncommitted = Some(count);
        if count >= COMMIT_EVERY {
            self.commit()?;
        }
        Ok(())
    }

    fn commit(&mut self) -> StoreResult<()> {
        if self.uncommitted.is_some() {
            if let Err(e) = self.conn.execute_batch("COMMIT") {
                self.rollback();
                return Err(e.into());
            }
            self.uncommitted = None;
        }
        Ok(())
    }

    /// Abandons the open transaction, and with it the surname ids it created.
    fn rollback(&mut self) {
        if self.uncommitted.take().is_some() {
            let _ = self.conn.execute_batch("ROLLBACK");
            self.surnames.clear();
        }
    }

    /// Commits the rest, copies everything into the database file and syncs it, then
    /// gives the connection back to the pool as it was.
    pub(super) fn finish(mut self) -> StoreResult<()> {
        self.commit()?;
        self.conn.execute_batch(POOL_PRAGMAS)?;
        // With synchronous = FULL a checkpoint syncs the database file (and with it
        // every page the load wrote unsynced) before it empties the log.
        let busy: i64 = self
            .conn
            .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |r| r.get(0))?;
        if busy != 0 {
            return Err(StoreError::Database(
                "could not write the loaded children to disk: the database was busy".into(),
            ));
        }
        Ok(())
    }
}

impl Drop for BulkLoader {
    fn drop(&mut self) {
        // On every path, `finish` included: the pool's connections must all sync.
        self.rollback();
        let _ = self.conn.execute_batch(POOL_PRAGMAS);
    }
}

#[cfg(test)]
mod tests {
    use tokio::sync::mpsc;

    use super::super::SqliteStore;
    use crate::demo;
    use crate::model::Child;
    use crate::store::DirectoryStore;

    async fn store_with_orgs(dir: &tempfile::TempDir) -> (SqliteStore, Vec<Child>) {
        let path = dir.path().join("load.db");
        let store = SqliteStore::open(path.to_str().unwrap()).await.unwrap();
        let orgs = demo::organisations(demo::DEMO_SEED, 120);
        store.insert_organisations(orgs.clone()).await.unwrap();
        let kids = demo::children(demo::DEMO_SEED, 120, &orgs).collect();
        (store, kids)
    }

    async fn load(
        store: &SqliteStore,
        batches: Vec<Vec<Child>>,
    ) -> (Result<(), String>, Vec<usize>) {
        let (send, receive) = mpsc::channel(batches.len().max(1));
        for batch in batches {
            send.send(batch).await.unwrap();
        }
        drop(send);
        let mut seen = Vec::new();
        let result = store
            .load_children(receive, &mut |n| seen.push(n))
            .await
            .map_err(|e| e.to_string());
        (result, seen)
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_load_keeps_every_batch_and_leaves_every_connection_syncing() {
        let dir = tempfile::tempdir().unwrap();
        let (store, kids) = store_with_orgs(&dir).await;
        let batches = kids.chunks(40).map(<[Child]>::to_vec).collect();
        let (result, seen) = load(&store, batches).await;
        assert_eq!(result, Ok(()));
        assert_eq!(seen, [40, 80, 120]);
        assert_eq!(store.count_children().await.unwrap(), 120);
        let stored = store.child(kids[77].id.as_str()).await.unwrap().unwrap();
        assert_eq!(stored.family_name, kids[77].family_name);
        assert_eq!(stored.involvements.len(), kids[77].involvements.len());
        // Every pooled connection, the loader's among them, syncs again.
        let held: Vec<_> = (0..8).map(|_| store.pool.get().unwrap()).collect();
        for conn in &held {
            let sync: i64 = conn
                .query_row("PRAGMA synchronous", [], |r| r.get(0))
                .unwrap();
            assert_eq!(sync, 2, "FULL");
        }
        // Nothing is left in the write-ahead log.
        let wal = dir.path().join("load.db-wal");
        assert!(std::fs::metadata(wal).map_or(0, |m| m.len()) == 0);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_failed_load_leaves_none_of_its_open_transaction() {
        let dir = tempfile::tempdir().unwrap();
        let (store, kids) = store_with_orgs(&dir).await;
        let mut clash = kids[60..].to_vec();
        clash.push(kids[0].clone());
        let (result, _) = load(&store, vec![kids[..60].to_vec(), clash]).await;
        assert!(result.is_err());
        assert_eq!(store.count_children().await.unwrap(), 0);
    }
}
