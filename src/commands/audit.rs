//! `contactpoint audit verify` and `contactpoint audit checkpoint`.

use std::io::Write;
use std::path::Path;

use anyhow::Context;
use chrono::Utc;

use crate::model::Checkpoint;
use crate::server::checkpoint;
use crate::store;

/// Reads exported checkpoints: a JSON array, `{"checkpoints": [...]}`, or one per line.
fn read_checkpoints(path: &Path) -> anyhow::Result<Vec<Checkpoint>> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("cannot read checkpoints from {}", path.display()))?;
    if let Ok(list) = serde_json::from_str::<Vec<Checkpoint>>(&text) {
        return Ok(list);
    }
    if let Ok(doc) = serde_json::from_str::<crate::api::CheckpointList>(&text) {
        return Ok(doc.checkpoints);
    }
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).context("a checkpoint line is not valid JSON"))
        .collect()
}

/// Exit 0 only if the chain is intact and, given checkpoints, matches every one.
pub async fn verify(
    database: &str,
    checkpoints: Option<&Path>,
    public_key: Option<&str>,
) -> anyhow::Result<()> {
    let store = store::open_existing(database).await?;
    let Some(path) = checkpoints else {
        let (count, head) = crate::server::audit::verify_chain(store.as_ref()).await?;
        println!("audit chain intact: {count} events, head {head}");
        return Ok(());
    };
    let checkpoints = read_checkpoints(path)?;
    let count =
        checkpoint::verify_with_checkpoints(store.as_ref(), &checkpoints, public_key).await?;
    println!(
        "audit chain intact: {count} events, consistent with {} signed checkpoints",
        checkpoints.len()
    );
    Ok(())
}

/// Signs a checkpoint now and prints it as one JSON line, for keeping elsewhere.
pub async fn checkpoint(database: &str, key_file: Option<&Path>) -> anyhow::Result<()> {
    let store = store::open_existing(database).await?;
    let keys = super::keys::server_keys(store.as_ref(), database, key_file, false).await?;
    let cp = checkpoint::write(store.as_ref(), &keys, Utc::now()).await?;
    writeln!(std::io::stdout().lock(), "{}", serde_json::to_string(&cp)?)?;
    Ok(())
}

/// Prints every stored checkpoint, one JSON line each.
pub async fn checkpoints(database: &str) -> anyhow::Result<()> {
    let store = store::open_existing(database).await?;
    let mut out = std::io::stdout().lock();
    for cp in store.checkpoints().await? {
        writeln!(out, "{}", serde_json::to_string(&cp)?)?;
    }
    Ok(())
}
