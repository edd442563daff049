//! The directory server: axum routes over a `Store`, with authentication, one
//! access policy, search and the audit trail.

pub mod audit;
pub mod auth;
pub mod checkpoint;
pub mod clock;
pub mod duplicates;
mod error;
pub mod feed;
pub mod keys;
pub mod misuse;
mod openapi;
pub mod policy;
mod routes;
pub mod search;
pub mod seed;

use std::net::SocketAddr;
use std::sync::Arc;

use chrono::Duration;
use tokio::net::TcpListener;
use tokio::task::JoinHandle;

pub use clock::{Clock, ManualClock, SystemClock};
pub use error::ApiError;
pub use keys::ServerKeys;

use crate::store::Store;

/// Limits a deployment may tune; the defaults follow the issue and NIST 800-63B.
#[derive(Debug, Clone)]
pub struct ServerConfig {
    pub lock_after_failures: u32,
    pub lock_duration: Duration,
    pub session_idle: Duration,
    pub session_lifetime: Duration,
    /// How many argon2 hashes may run at once: fewer than the cores, so searches keep a core.
    pub hashing_concurrency: usize,
    /// How often the server signs a checkpoint of the audit trail (when it has grown).
    pub checkpoint_every: Duration,
    /// How long an enrolment code stays usable.
    pub enrolment_valid_for: Duration,
    /// How long protection flags show after a plan ends or an unborn plan's due date.
    pub protection_window: crate::model::VisibilityWindow,
}

impl Default for ServerConfig {
    fn default() -> Self {
        let cores = std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(2);
        ServerConfig {
            lock_after_failures: 5,
            lock_duration: Duration::minutes(15),
            session_idle: Duration::minutes(30),
            session_lifetime: Duration::hours(12),
            hashing_concurrency: (cores / 2).max(1),
            checkpoint_every: Duration::minutes(10),
            enrolment_valid_for: Duration::days(7),
            protection_window: Default::default(),
        }
    }
}

pub struct AppState {
    pub store: Arc<dyn Store>,
    pub clock: Arc<dyn Clock>,
    pub hasher: auth::PasswordHasher,
    pub config: ServerConfig,
    pub keys: Arc<ServerKeys>,
}

impl AppState {
    pub fn new(
        store: Arc<dyn Store>,
        clock: Arc<dyn Clock>,
        config: ServerConfig,
        keys: Arc<ServerKeys>,
    ) -> Arc<Self> {
        let hasher = auth::PasswordHasher::new(config.hashing_concurrency);
        Arc::new(AppState {
            store,
            clock,
            hasher,
            config,
            keys,
        })
    }
}

/// Seals any TOTP secret still stored in plaintext (written by an older version,
/// or by demo seeding) with the server key. Run before serving.
pub async fn seal_plaintext_secrets(state: &AppState) -> Result<usize, crate::store::StoreError> {
    let mut sealed = 0;
    for (username, secret) in state.store.totp_secrets().await? {
        if !secret.is_empty() && !keys::is_sealed(&secret) {
            state
                .store
                .set_totp_secret(&username, &state.keys.seal(&secret))
                .await?;
            sealed += 1;
        }
    }
    Ok(sealed)
}

/// Writes a signed checkpoint every `checkpoint_every` while the server runs.
fn spawn_checkpoints(state: Arc<AppState>) -> JoinHandle<()> {
    let every = state
        .config
        .checkpoint_every
        .to_std()
        .unwrap_or(std::time::Duration::from_secs(600));
    tokio::spawn(async move {
        let mut ticks = tokio::time::interval(every);
        ticks.tick().await;
        loop {
            ticks.tick().await;
            if let Err(e) = checkpoint::write_if_grown(&state).await {
                tracing::error!(error = %e, "could not write an audit checkpoint");
            }
        }
    })
}

/// A server running on a tokio task.
pub struct RunningServer {
    pub addr: SocketAddr,
    pub handle: JoinHandle<std::io::Result<()>>,
    checkpoints: JoinHandle<()>,
}

impl Drop for RunningServer {
    fn drop(&mut self) {
        self.checkpoints.abort();
    }
}

impl RunningServer {
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }
}

/// Binds `bind` (use port 0 for an ephemeral port) and serves until the task is dropped or aborted.
pub async fn spawn(state: Arc<AppState>, bind: &str) -> std::io::Result<RunningServer> {
    seal_plaintext_secrets(&state)
        .await
        .map_err(std::io::Error::other)?;
    let listener = TcpListener::bind(bind).await?;
    let addr = listener.local_addr()?;
    let checkpoints = spawn_checkpoints(state.clone());
    let app = routes::router(state).into_make_service_with_connect_info::<SocketAddr>();
    let handle = tokio::spawn(async move { axum::serve(listener, app).await });
    Ok(RunningServer {
        addr,
        handle,
        checkpoints,
    })
}

/// Serves in the foreground until Ctrl-C, finishing requests in flight.
pub async fn serve(state: Arc<AppState>, bind: &str) -> std::io::Result<()> {
    let sealed = seal_plaintext_secrets(&state)
        .await
        .map_err(std::io::Error::other)?;
    if sealed > 0 {
        tracing::info!(sealed, "sealed two-factor secrets left in plaintext");
    }
    let listener = TcpListener::bind(bind).await?;
    tracing::info!(addr = %listener.local_addr()?, "directory server listening");
    let checkpoints = spawn_checkpoints(state.clone());
    let app = routes::router(state).into_make_service_with_connect_info::<SocketAddr>();
    let served = axum::serve(listener, app)
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await;
    checkpoints.abort();
    served
}
