//! PostgreSQL: the production backend, and the way past one machine. Several
//! servers may share one database, so anything that must be single (the schema
//! version, the audit chain) is serialised in the database, never in memory.
//!
//! As in `sqlite/`, each area trait has its own file here; a new area adds that
//! file, a numbered migration under `migrations/postgres/`, and its tests to the
//! conformance suite (`on_each_backend!` in `tests/`).

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

use std::sync::Arc;
use std::time::Duration;

use deadpool_postgres::{Manager, ManagerConfig, Pool, RecyclingMethod, Runtime};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::CertificateDer;
use serde::de::DeserializeOwned;
use serde::Serialize;
use tokio_postgres::error::SqlState;

use super::{StoreError, StoreResult};
use audit_writer::AuditWriter;

/// Numbered migrations, applied in order; `schema_migrations` records which ran.
const MIGRATIONS: &[&str] = &[
    include_str!("../migrations/postgres/0001_directory.sql"),
    include_str!("../migrations/postgres/0002_accounts_audit.sql"),
    include_str!("../migrations/postgres/0003_notifications.sql"),
    include_str!("../migrations/postgres/0004_protection.sql"),
    include_str!("../migrations/postgres/0005_maintenance.sql"),
    include_str!("../migrations/postgres/0006_accounts.sql"),
    include_str!("../migrations/postgres/0007_given_keys.sql"),
    include_str!("../migrations/postgres/0008_search_rows.sql"),
    include_str!("../migrations/postgres/0009_longer_phonetic_keys.sql"),
    include_str!("../migrations/postgres/0010_per_child_statistics.sql"),
];
/// The last migration that changed a key computed in Rust (forename keys in 7,
/// longer phonetic codes in 9): an older database gets those keys computed afresh.
const RUST_KEYS_VERSION: usize = 9;

/// Advisory lock keys (arbitrary constants), one per thing serialised across servers.
const MIGRATION_LOCK: i64 = 0x6370_6d69_6772_6174; // "cpmigrat"
pub(super) const AUDIT_LOCK: i64 = 0x6370_6175_6469_7421; // "cpaudit!"

pub struct PostgresStore {
    pool: Pool,
    audit: AuditWriter,
}

impl From<tokio_postgres::Error> for StoreError {
    fn from(e: tokio_postgres::Error) -> Self {
        StoreError::Database(with_causes(&e))
    }
}

impl From<deadpool_postgres::PoolError> for StoreError {
    fn from(e: deadpool_postgres::PoolError) -> Self {
        match e {
            deadpool_postgres::PoolError::Backend(e) => e.into(),
            e => StoreError::Database(with_causes(&e)),
        }
    }
}

/// The error and its causes: tokio-postgres puts the server's message, or why a
/// TLS handshake failed, in the source, and says only "db error" itself.
fn with_causes(e: &dyn std::error::Error) -> String {
    let mut text = e.to_string();
    let mut source = e.source();
    while let Some(cause) = source {
        text.push_str(&format!(": {cause}"));
        source = cause.source();
    }
    text
}

impl PostgresStore {
    /// Connects to a `postgres://` or `postgresql://` URL and brings the schema up to date.
    pub async fn open(url: &str) -> StoreResult<Self> {
        let config: tokio_postgres::Config = url
            .parse()
            .map_err(|e| StoreError::Database(format!("bad PostgreSQL URL: {e}")))?;
        // `sslmode=prefer` (the default) upgrades to TLS when the server offers it.
        let manager = Manager::from_config(
            config,
            tls_connector()?,
            ManagerConfig {
                recycling_method: RecyclingMethod::Fast,
            },
        );
        // Bounded waits: an unreachable database is an error to report, not a hang.
        let pool = Pool::builder(manager)
            .max_size(16)
            .runtime(Runtime::Tokio1)
            .create_timeout(Some(Duration::from_secs(10)))
            .wait_timeout(Some(Duration::from_secs(30)))
            .build()
            .map_err(|e| StoreError::Database(e.to_string()))?;
        let store = PostgresStore {
            audit: AuditWriter::start(pool.clone()),
            pool,
        };
        store.migrate().await?;
        Ok(store)
    }

    pub(super) async fn client(&self) -> StoreResult<deadpool_postgres::Object> {
        Ok(self.pool.get().await?)
    }

    /// Applies pending migrations in one transaction under an advisory lock, so
    /// servers starting together neither race nor see a half-migrated schema.
    async fn migrate(&self) -> StoreResult<()> {
        let mut client = self.client().await?;
        let tx = client.transaction().await?;
        tx.execute("SELECT pg_advisory_xact_lock($1)", &[&MIGRATION_LOCK])
            .await?;
        tx.batch_execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations (
                 version    INTEGER PRIMARY KEY,
                 applied_at TIMESTAMPTZ NOT NULL DEFAULT now()
             )",
        )
        .await?;
        let current: i32 = tx
            .query_one(
                "SELECT coalesce(max(version), 0) FROM schema_migrations",
                &[],
            )
            .await?
            .get(0);
        let current = current as usize;
        if current > MIGRATIONS.len() {
            return Err(StoreError::Corrupt(format!(
                "schema version {current} is newer than this program knows ({})",
                MIGRATIONS.len()
            )));
        }
        for (i, sql) in MIGRATIONS.iter().enumerate().skip(current) {
            tx.batch_execute(sql).await?;
            tx.execute(
                "INSERT INTO schema_migrations (version) VALUES ($1)",
                &[&(i as i32 + 1)],
            )
            .await?;
        }
        let refilled = current < RUST_KEYS_VERSION;
        if refilled {
            directory::fill_phonetic_keys(&tx).await?;
            directory::fill_given_keys(&tx).await?;
        }
        tx.commit().await?;
        if refilled {
            // Updating every surname row scattered them, and search wants them in key
            // order. Only once committed: inside the transaction CLUSTER would also
            // copy the versions the update replaced, doubling the table.
            client
                .batch_execute("CLUSTER child_surnames USING child_surnames_pkey")
                .await?;
        }
        Ok(())
    }
}

/// rustls with the ring provider and the Mozilla roots: no OpenSSL, nothing to install.
/// `PGSSLROOTCERT` (a PEM file, as libpq reads it) adds a private CA, which is how
/// managed and in-house databases usually present their certificates.
fn tls_connector() -> StoreResult<tokio_postgres_rustls::MakeRustlsConnect> {
    let mut roots = rustls::RootCertStore {
        roots: webpki_roots::TLS_SERVER_ROOTS.to_vec(),
    };
    if let Some(path) = std::env::var_os("PGSSLROOTCERT") {
        let bad = |e: &dyn std::fmt::Display| {
            StoreError::Database(format!(
                "PGSSLROOTCERT {}: {e}",
                std::path::Path::new(&path).display()
            ))
        };
        for cert in CertificateDer::pem_file_iter(&path).map_err(|e| bad(&e))? {
            roots.add(cert.map_err(|e| bad(&e))?).map_err(|e| bad(&e))?;
        }
    }
    let config = rustls::ClientConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .map_err(|e| StoreError::Database(format!("TLS set-up: {e}")))?
    .with_root_certificates(roots)
    .with_no_client_auth();
    Ok(tokio_postgres_rustls::MakeRustlsConnect::new(config))
}

/// Maps a unique-key violation to `AlreadyExists(what)`.
pub(super) fn unique_as_exists(
    e: tokio_postgres::Error,
    what: impl FnOnce() -> String,
) -> StoreError {
    if e.code() == Some(&SqlState::UNIQUE_VIOLATION) {
        StoreError::AlreadyExists(what())
    } else {
        e.into()
    }
}

// --- Encoding helpers: enums as their serde names, structured values as JSON text
// (as in SQLite, so both backends store and hash the same bytes).

pub(super) fn enum_str<T: Serialize>(v: &T) -> String {
    match serde_json::to_value(v) {
        Ok(serde_json::Value::String(s)) => s,
        other => panic!("enum did not serialise to a string: {other:?}"),
    }
}

pub(super) fn parse_enum<T: DeserializeOwned>(s: &str) -> StoreResult<T> {
    serde_json::from_value(serde_json::Value::String(s.to_string()))
        .map_err(|e| StoreError::Corrupt(format!("{s}: {e}")))
}

pub(super) fn to_json<T: Serialize>(v: &T) -> String {
    serde_json::to_string(v).expect("model types serialise")
}

pub(super) fn from_json<T: DeserializeOwned>(s: &str) -> StoreResult<T> {
    serde_json::from_str(s).map_err(|e| StoreError::Corrupt(e.to_string()))
}
