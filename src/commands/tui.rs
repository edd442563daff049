//! Starting the TUI: against a remote server, or on the embedded demo directory.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use anyhow::Context;

use crate::client::Client;
use crate::server::seed::{self, SeedError};
use crate::server::{self, AppState, ServerConfig, SystemClock};
use crate::store;
use crate::tui::{self, ThemeName, TuiOptions};

/// Children in the embedded demo directory.
pub const EMBEDDED_DEMO_CHILDREN: usize = 20_000;

/// The TUI draws on the terminal, so logs go to a file beside the database.
fn log_to_file(dir: &std::path::Path) -> anyhow::Result<()> {
    std::fs::create_dir_all(dir)?;
    let file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(dir.join("contactpoint.log"))?;
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(false)
        .with_writer(Mutex::new(file))
        .try_init();
    Ok(())
}

pub async fn remote(
    url: &str,
    insecure: bool,
    theme: ThemeName,
    ascii: bool,
    lock_after: Duration,
) -> anyhow::Result<()> {
    let client = Client::new(url, insecure)?;
    tui::run(TuiOptions {
        client,
        theme,
        ascii,
        lock_after,
    })
    .await
}

/// One command, nothing else to install: a server on 127.0.0.1 over a SQLite file in
/// the data directory, seeded with the demo directory on first run.
pub async fn embedded(theme: ThemeName, ascii: bool, lock_after: Duration) -> anyhow::Result<()> {
    let path = super::default_database()?;
    log_to_file(path.parent().context("the data directory has no parent")?)?;
    let url = format!("sqlite://{}", path.display());
    let mut store = store::open(&url).await?;
    match seed::seed_demo(
        store.as_ref(),
        EMBEDDED_DEMO_CHILDREN,
        super::print_progress,
    )
    .await
    {
        Ok(()) | Err(SeedError::NotEmpty) => {}
        Err(SeedError::Interrupted) => {
            // Only our own half-made demo file is removed, never a real directory.
            drop(store);
            for suffix in ["", "-wal", "-shm"] {
                let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
            }
            store = store::open(&url).await?;
            seed::seed_demo(
                store.as_ref(),
                EMBEDDED_DEMO_CHILDREN,
                super::print_progress,
            )
            .await?;
        }
        Err(e) => return Err(e.into()),
    }
    let keys = super::keys::server_keys(store.as_ref(), &url, None, true).await?;
    let state = AppState::new(store, Arc::new(SystemClock), ServerConfig::default(), keys);
    let running = server::spawn(state, "127.0.0.1:0")
        .await
        .context("cannot start the embedded server")?;
    let client = Client::new(&running.url(), false)?;
    let result = tui::run(TuiOptions {
        client,
        theme,
        ascii,
        lock_after,
    })
    .await;
    running.handle.abort();
    result
}
