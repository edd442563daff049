//! SQLite: the embedded default. WAL mode so readers never wait for the writer;
//! a pool of connections, each used on a blocking thread, never on the async runtime;
//! and one more connection on its own thread that writes audit events in batches.

mod accounts;
mod admin;
mod audit;
mod audit_writer;
mod bulk;
mod directory;
mod maintenance;
mod notifications;
mod protection;
mod review;

use std::path::Path;
use std::sync::Arc;

use chrono::{DateTime, NaiveDate, SecondsFormat, Utc};
use r2d2::Pool;
use r2d2_sqlite::SqliteConnectionManager;
use rusqlite::{Connection, TransactionBehavior};
use serde::de::DeserializeOwned;
use serde::Serialize;
use tokio::sync::Semaphore;

use super::{StoreError, StoreResult};
use audit_writer::AuditWriter;

/// Numbered migrations, applied in order; `PRAGMA user_version` records how far.
const MIGRATIONS: &[&str] = &[
    include_str!("../migrations/sqlite/0001_directory.sql"),
    include_str!("../migrations/sqlite/0002_accounts_audit.sql"),
    include_str!("../migrations/sqlite/0003_notifications.sql"),
    include_str!("../migrations/sqlite/0004_protection.sql"),
    include_str!("../migrations/sqlite/0005_maintenance.sql"),
    include_str!("../migrations/sqlite/0006_accounts.sql"),
    include_str!("../migrations/sqlite/0007_given_keys.sql"),
    include_str!("../migrations/sqlite/0008_search_rows.sql"),
    include_str!("../migrations/sqlite/0009_longer_phonetic_keys.sql"),
];
/// The last migration that changed a key computed in Rust (forename keys in 7,
/// longer phonetic codes in 9): an older database gets those keys computed afresh.
const RUST_KEYS_VERSION: usize = 9;

/// Pooled connections: also how many blocking threads may work on the database at once.
const CONNECTIONS: usize = 8;

pub struct SqliteStore {
    pool: Pool<SqliteConnectionManager>,
    /// One permit per connection, taken before a blocking thread is, so surplus
    /// requests wait on the runtime instead of parking threads on the pool.
    permits: Arc<Semaphore>,
    audit: AuditWriter,
}

impl From<rusqlite::Error> for StoreError {
    fn from(e: rusqlite::Error) -> Self {
        StoreError::Database(e.to_string())
    }
}

impl From<r2d2::Error> for StoreError {
    fn from(e: r2d2::Error) -> Self {
        StoreError::Database(e.to_string())
    }
}

impl SqliteStore {
    pub async fn open(path: &str) -> StoreResult<Self> {
        let path = path.to_string();
        tokio::task::spawn_blocking(move || Self::open_blocking(Path::new(&path)))
            .await
            .map_err(|e| StoreError::Database(e.to_string()))?
    }

    fn open_blocking(path: &Path) -> StoreResult<Self> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|e| {
                StoreError::Database(format!("cannot create {}: {e}", dir.display()))
            })?;
        }
        let manager = SqliteConnectionManager::file(path).with_init(configure);
        let pool = Pool::builder()
            .max_size(CONNECTIONS as u32)
            .build(manager)?;
        let mut conn = pool.get()?;
        migrate(&mut conn)?;
        let mut writer = Connection::open(path)?;
        configure(&mut writer)?;
        let audit = AuditWriter::start(writer)?;
        Ok(SqliteStore {
            pool,
            permits: Arc::new(Semaphore::new(CONNECTIONS)),
            audit,
        })
    }

    /// Runs `f` with a pooled connection on a blocking thread.
    pub(super) async fn with_conn<T, F>(&self, f: F) -> StoreResult<T>
    where
        T: Send + 'static,
        F: FnOnce(&mut Connection) -> StoreResult<T> + Send + 'static,
    {
        let pool = self.pool.clone();
        let permit = self
            .permits
            .clone()
            .acquire_owned()
            .await
            .map_err(|_| StoreError::Database("the database is closing".into()))?;
        tokio::task::spawn_blocking(move || {
            let _permit = permit;
            let mut conn = pool.get()?;
            f(&mut conn)
        })
        .await
        .map_err(|e| StoreError::Database(e.to_string()))?
    }
}

/// Distinct statements a connection keeps prepared: searches use a few dozen shapes.
const STATEMENT_CACHE: usize = 128;

/// Every connection's settings: the pool's and the audit writer's.
fn configure(c: &mut Connection) -> rusqlite::Result<()> {
    // FULL keeps every committed transaction across a power cut, WAL or not.
    // A 64 MiB page cache per connection keeps a large directory's index pages
    // in memory: seeding 1,000,000 children took 454 s with the 2 MiB default, 122 s with this.
    c.execute_batch(
        "PRAGMA journal_mode = WAL;
         PRAGMA synchronous = FULL;
         PRAGMA foreign_keys = ON;
         PRAGMA busy_timeout = 10000;
         PRAGMA cache_size = -65536;",
    )?;
    c.set_prepared_statement_cache_capacity(STATEMENT_CACHE);
    rusqlite::vtab::array::load_module(c)
}

fn migrate(conn: &mut Connection) -> StoreResult<()> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Exclusive)?;
    let current: usize = tx.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    if current > MIGRATIONS.len() {
        return Err(StoreError::Corrupt(format!(
            "schema version {current} is newer than this program knows ({})",
            MIGRATIONS.len()
        )));
    }
    for (i, sql) in MIGRATIONS.iter().enumerate().skip(current) {
        tx.execute_batch(sql)?;
        tx.execute_batch(&format!("PRAGMA user_version = {}", i + 1))?;
    }
    if current < RUST_KEYS_VERSION {
        directory::fill_phonetic_keys(&tx)?;
        directory::fill_given_keys(&tx)?;
    }
    tx.commit()?;
    Ok(())
}

// --- Encoding helpers: enums as their serde names, times as RFC 3339 UTC.

/// A unique-constraint failure (e.g. an NHS number another record holds) as `AlreadyExists`.
pub(super) fn unique(what: &'static str) -> impl Fn(rusqlite::Error) -> StoreError {
    move |e| match e {
        rusqlite::Error::SqliteFailure(f, _)
            if f.code == rusqlite::ErrorCode::ConstraintViolation =>
        {
            StoreError::AlreadyExists(what.to_string())
        }
        e => e.into(),
    }
}

pub(super) fn enum_str<T: Serialize>(v: &T) -> String {
    match serde_json::to_value(v) {
        Ok(serde_json::Value::String(s)) => s,
        other => panic!("enum did not serialise to a string: {other:?}"),
    }
}

pub(super) fn parse_enum<T: DeserializeOwned>(s: &str) -> rusqlite::Result<T> {
    serde_json::from_value(serde_json::Value::String(s.to_string())).map_err(decode_err)
}

pub(super) fn to_json<T: Serialize>(v: &T) -> String {
    serde_json::to_string(v).expect("model types serialise")
}

pub(super) fn from_json<T: DeserializeOwned>(s: &str) -> rusqlite::Result<T> {
    serde_json::from_str(s).map_err(decode_err)
}

pub(super) fn decode_err(e: impl std::error::Error + Send + Sync + 'static) -> rusqlite::Error {
    rusqlite::Error::FromSqlConversionFailure(0, rusqlite::types::Type::Text, Box::new(e))
}

pub(super) fn ts(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Micros, true)
}

pub(super) fn parse_ts(s: &str) -> rusqlite::Result<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(s)
        .map(|t| t.with_timezone(&Utc))
        .map_err(decode_err)
}

pub(super) fn parse_date(s: &str) -> rusqlite::Result<NaiveDate> {
    s.parse().map_err(decode_err)
}

pub(super) fn date(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}
