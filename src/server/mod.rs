//! The directory server: axum routes over a `Store`, with authentication, one
//! access policy, search and the audit trail.

pub mod audit;
pub mod auth;
pub mod clock;
mod error;
pub mod feed;
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
            protection_window: Default::default(),
        }
    }
}

pub struct AppState {
    pub store: Arc<dyn Store>,
    pub clock: Arc<dyn Clock>,
    pub hasher: auth::PasswordHasher,
    pub config: ServerConfig,
}

impl AppState {
    pub fn new(store: Arc<dyn Store>, clock: Arc<dyn Clock>, config: ServerConfig) -> Arc<Self> {
        let hasher = auth::PasswordHasher::new(config.hashing_concurrency);
        Arc::new(AppState {
            store,
            clock,
            hasher,
            config,
        })
    }
}

/// A server running on a tokio task.
pub struct RunningServer {
    pub addr: SocketAddr,
    pub handle: JoinHandle<std::io::Result<()>>,
}

impl RunningServer {
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }
}

/// Binds `bind` (use port 0 for an ephemeral port) and serves until the task is dropped or aborted.
pub async fn spawn(state: Arc<AppState>, bind: &str) -> std::io::Result<RunningServer> {
    let listener = TcpListener::bind(bind).await?;
    let addr = listener.local_addr()?;
    let app = routes::router(state).into_make_service_with_connect_info::<SocketAddr>();
    let handle = tokio::spawn(async move { axum::serve(listener, app).await });
    Ok(RunningServer { addr, handle })
}

/// Serves in the foreground until Ctrl-C, finishing requests in flight.
pub async fn serve(state: Arc<AppState>, bind: &str) -> std::io::Result<()> {
    let listener = TcpListener::bind(bind).await?;
    tracing::info!(addr = %listener.local_addr()?, "directory server listening");
    let app = routes::router(state).into_make_service_with_connect_info::<SocketAddr>();
    axum::serve(listener, app)
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await
}
