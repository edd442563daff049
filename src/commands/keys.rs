//! Finding the server key for a command, and `contactpoint key generate`.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::Context;

use crate::server::ServerKeys;
use crate::store::{Store, DEMO_META_KEY};

/// The SQLite file a database URL names, if it names one.
fn sqlite_path(database: &str) -> Option<PathBuf> {
    let path = database.strip_prefix("sqlite://").unwrap_or(database);
    (!database.contains("://") || database.starts_with("sqlite://")).then(|| PathBuf::from(path))
}

/// The key from the environment or `key_file`; a demo directory (or one about to be
/// seeded, `demo`) may instead keep its own key beside the database file.
pub async fn server_keys(
    store: &dyn Store,
    database: &str,
    key_file: Option<&Path>,
    demo: bool,
) -> anyhow::Result<Arc<ServerKeys>> {
    let is_demo = demo || store.meta(DEMO_META_KEY).await?.as_deref() == Some("true");
    let demo_db = if is_demo { sqlite_path(database) } else { None };
    Ok(Arc::new(ServerKeys::resolve(key_file, demo_db.as_deref())?))
}

pub fn generate(path: &Path) -> anyhow::Result<()> {
    let keys = ServerKeys::create_file(path)
        .with_context(|| format!("no key written to {}", path.display()))?;
    println!("{}", keys.public_key_hex());
    Ok(())
}
