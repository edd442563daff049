//! Maintenance benchmark: indicator update latency under concurrent writers over
//! HTTP (each PUT audited), and the duplicate scan over a demo directory.
//!
//! `cargo bench --bench maintenance` (size: `BENCH_CHILDREN=200000`, writers:
//! `BENCH_WRITERS=50`, updates per writer: `BENCH_UPDATES=40`).

use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::Utc;
use contactpoint::api::{IndicatorUpdate, LoginRequest};
use contactpoint::client::Client;
use contactpoint::server::auth::totp;
use contactpoint::server::{self, duplicates, seed, AppState, ServerConfig, SystemClock};
use contactpoint::store::{self, Store};

fn env(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(default)
}

fn pct(sorted: &[Duration], p: f64) -> f64 {
    let n = sorted.len();
    sorted[((n as f64 * p) as usize).min(n - 1)].as_secs_f64() * 1e3
}

#[tokio::main]
async fn main() {
    let children = env("BENCH_CHILDREN", 200_000);
    let writers = env("BENCH_WRITERS", 50);
    let updates = env("BENCH_UPDATES", 40);
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("bench.db").display());
    let store: Arc<dyn Store> = store::open(&url).await.unwrap();
    let start = Instant::now();
    seed::seed_demo(store.as_ref(), children, |_, _| {})
        .await
        .unwrap();
    println!(
        "{children} children: seeded in {:.2} s",
        start.elapsed().as_secs_f64()
    );

    // Duplicate scan: the whole directory, as `admin` sees it.
    let start = Instant::now();
    let entries = store.scan_entries(None).await.unwrap();
    let loaded = start.elapsed();
    let pairs = duplicates::scan(&entries);
    println!(
        "  duplicate scan: {:.2} s ({:.2} s loading {} records, {:.2} s comparing), {} possible pairs",
        start.elapsed().as_secs_f64(),
        loaded.as_secs_f64(),
        entries.len(),
        (start.elapsed() - loaded).as_secs_f64(),
        pairs.len()
    );

    // Indicator writes: each writer updates one involvement repeatedly, as `dir.admin`.
    let state = AppState::new(
        store.clone(),
        Arc::new(SystemClock),
        ServerConfig::default(),
        Arc::new(server::ServerKeys::from_hex(&server::ServerKeys::generate_hex()).unwrap()),
    );
    let running = server::spawn(state, "127.0.0.1:0").await.unwrap();
    let mut client = Client::new(&running.url(), false).unwrap();
    let admin = client
        .demo_accounts()
        .await
        .unwrap()
        .unwrap()
        .accounts
        .into_iter()
        .find(|a| a.username == "dir.admin")
        .unwrap();
    client
        .login(&LoginRequest {
            username: admin.username,
            password: admin.password,
            totp: totp::code_at(&admin.totp_secret, Utc::now().timestamp() as u64).unwrap(),
        })
        .await
        .unwrap();
    let mut targets = vec![];
    for c in store.sample_children(writers * 2).await.unwrap() {
        let child = store.child(&c.id).await.unwrap().unwrap();
        if let Some(i) = child.involvements.iter().find(|i| i.end_date.is_none()) {
            targets.push((i.id, i.version, i.indicators));
        }
    }
    targets.truncate(writers);
    let start = Instant::now();
    let mut tasks = vec![];
    for (id, version, indicators) in targets {
        let client = client.clone();
        tasks.push(tokio::spawn(async move {
            let (mut version, mut indicators) = (version, indicators);
            let mut latencies = vec![];
            for _ in 0..updates {
                indicators.has_information = !indicators.has_information;
                let t = Instant::now();
                let view = client
                    .set_indicators(id, &IndicatorUpdate::new(indicators, version))
                    .await
                    .unwrap();
                latencies.push(t.elapsed());
                version = view.version;
            }
            latencies
        }));
    }
    let mut latencies = vec![];
    for t in tasks {
        latencies.extend(t.await.unwrap());
    }
    let wall = start.elapsed();
    latencies.sort();
    println!(
        "  indicator PUT, {writers} concurrent writers: p50 {:.2} ms  p99 {:.2} ms  ({} updates, {:.0}/s)",
        pct(&latencies, 0.50),
        pct(&latencies, 0.99),
        latencies.len(),
        latencies.len() as f64 / wall.as_secs_f64()
    );
    running.handle.abort();
}
