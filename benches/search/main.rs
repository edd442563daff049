//! The search benchmark: one demo directory per backend, a fixed query mix drawn
//! from it as `contactpoint demo sample` draws, and per kind of query the latency
//! server-side and over HTTP, recall@1 and recall@10; then audited throughput with
//! 1/8/64 concurrent clients, search latency while 50 logins hash their passwords,
//! the server's memory, the audit chain, and (PostgreSQL) the `pg_trgm` baseline.
//!
//! `cargo bench --bench search`, tuned by the environment:
//!   BENCH_CHILDREN=200000          children to seed (default 200,000)
//!   BENCH_BACKENDS=sqlite,postgres which backends (PostgreSQL needs its server binaries)
//!   BENCH_SQLITE=sqlite:///x.db    an existing demo directory instead of seeding one
//!   BENCH_POSTGRES=postgres://...  likewise (e.g. a 12,000,000-child `contactpoint demo`)
//!   BENCH_QUERIES=500              children sampled, so queries per kind
//!   BENCH_SECONDS=30               length of each throughput run
//!   BENCH_CLIENTS=1,8,64           concurrent clients per throughput run
//!   BENCH_MISSES=1                 list the queries that missed their child
//!   BENCH_SLOW=20                  list the queries slower than this many ms server-side

#[allow(dead_code)] // the bench uses only the cluster start-up of the test harness
#[path = "../../tests/common/postgres.rs"]
mod postgres;

mod baseline;
mod queries;
mod server;
mod tally;

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::Utc;
use contactpoint::api::{LoginRequest, SearchParams};
use contactpoint::client::{Client, ClientError};
use contactpoint::model::Role;
use contactpoint::server::policy::Viewer;
use contactpoint::server::{audit, search, seed, ServerKeys};
use contactpoint::store::{self, Store};

use queries::{Kind, Query};
use server::Server;
use tally::{Outcome, Summary, Tally};

struct Config {
    children: usize,
    queries: usize,
    seconds: u64,
    clients: Vec<usize>,
}

fn env_or(name: &str, default: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| default.into())
}

fn numbers(text: &str) -> Vec<usize> {
    text.split(',')
        .map(|s| s.trim().replace('_', "").parse().expect("a number"))
        .collect()
}

#[tokio::main]
async fn main() {
    queries::check_mistakes();
    let config = Config {
        children: numbers(&env_or("BENCH_CHILDREN", "200000"))[0],
        queries: numbers(&env_or("BENCH_QUERIES", "500"))[0],
        seconds: numbers(&env_or("BENCH_SECONDS", "30"))[0] as u64,
        clients: numbers(&env_or("BENCH_CLIENTS", "1,8,64")),
    };
    for backend in env_or("BENCH_BACKENDS", "sqlite,postgres").split(',') {
        let _tmp = tempfile::tempdir().unwrap();
        let (url, key_file) = match backend.trim() {
            "sqlite" => match std::env::var("BENCH_SQLITE") {
                Ok(url) => (url, None),
                Err(_) => {
                    let url = format!("sqlite://{}", _tmp.path().join("bench.db").display());
                    seed_fresh(&url, config.children).await;
                    (url, None)
                }
            },
            "postgres" => {
                let url = match std::env::var("BENCH_POSTGRES") {
                    Ok(url) => url,
                    Err(_) if !postgres::available() => continue,
                    Err(_) => {
                        let url = postgres::fresh_database().await;
                        seed_fresh(&url, config.children).await;
                        url
                    }
                };
                (url, Some(postgres_key_file()))
            }
            other => panic!("unknown backend {other}: sqlite or postgres"),
        };
        run(backend.trim(), &url, key_file, &config).await;
    }
}

async fn seed_fresh(url: &str, children: usize) {
    let store = store::open(url).await.unwrap();
    let start = Instant::now();
    seed::seed_demo(store.as_ref(), children, |done, total| {
        eprint!("\rseeding {done} of {total}")
    })
    .await
    .unwrap();
    eprintln!();
    println!(
        "seeded {children} children in {:.1} s",
        start.elapsed().as_secs_f64()
    );
}

/// PostgreSQL keeps no key beside the database: the bench keeps one, so a reused
/// directory's sealed TOTP secrets stay readable from run to run.
fn postgres_key_file() -> PathBuf {
    if let Some(path) = std::env::var_os("CONTACTPOINT_KEY_FILE") {
        return path.into(); // the directory's own key, as `serve` would find it
    }
    let path = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("bench-server.key");
    if !path.exists() {
        ServerKeys::create_file(&path).expect("bench server key");
    }
    path
}

async fn run(backend: &str, url: &str, key_file: Option<PathBuf>, config: &Config) {
    let store = store::open(url).await.unwrap();
    let total = store.count_children().await.unwrap();
    // The sample `demo sample` gives; shielded children are left out because a
    // postcode search must never return them.
    let sample: Vec<_> = store
        .sample_children(config.queries)
        .await
        .unwrap()
        .into_iter()
        .filter(|c| !c.shielded)
        .collect();
    let mix: Vec<Query> = Kind::ALL
        .iter()
        .flat_map(|&kind| sample.iter().filter_map(move |c| queries::build(kind, c)))
        .collect();
    println!(
        "\n== {backend}: {total} children, {} sampled, {} queries",
        sample.len(),
        mix.len()
    );

    let server_side = server_side(store.as_ref(), &mix).await;
    let server = Server::start(url, key_file.as_deref()).await;
    let client = server.login().await;
    let http = over_http(&client, &mix).await;
    print_latencies(&server_side, &http);

    // Age-range searches fetch every namesake born in three years, so they are
    // measured with the rest and then left out, to show what the others sustain.
    let without_ranges: Vec<Query> = mix
        .iter()
        .filter(|q| q.kind != Kind::AgeRange)
        .map(Query::clone)
        .collect();
    for (label, queries) in [
        ("whole mix", &mix),
        ("mix without age ranges", &without_ranges),
    ] {
        for &clients in &config.clients {
            let length = Duration::from_secs(config.seconds);
            throughput(&server, &client, queries, clients, length, label).await;
        }
    }
    during_logins(&server, &client, &mix).await;
    let (rss, peak) = server.memory_mib();
    println!("server memory: {rss:.0} MiB resident, {peak:.0} MiB peak");
    drop(server);

    let (events, _) = audit::verify_chain(store.as_ref())
        .await
        .expect("the audit chain is intact after the run");
    println!("audit chain intact: {events} events");

    if backend == "postgres" {
        compare_with_baseline(url, &mix, &server_side).await;
    }
}

fn practitioner() -> Viewer {
    Viewer {
        role: Role::Practitioner,
        organisation: String::new(),
        local_authority: String::new(),
    }
}

fn misses_wanted() -> bool {
    std::env::var_os("BENCH_MISSES").is_some()
}

/// Above this, a server-side search is listed with what it answered (`BENCH_SLOW`).
fn slow_ms() -> Option<f64> {
    std::env::var("BENCH_SLOW").ok()?.parse().ok()
}

/// Each kind in turn, one query at a time, calling the search as the handler does
/// (without HTTP and the audit write).
async fn server_side(store: &dyn Store, mix: &[Query]) -> BTreeMap<usize, Summary> {
    let viewer = practitioner();
    let today = Utc::now().date_naive();
    // Warm the page cache and prepared statements as a running server would be.
    for q in mix.iter().take(200) {
        let _ = search::search(store, &viewer, &q.params, today).await;
    }
    let mut out = BTreeMap::new();
    for (i, kind) in Kind::ALL.into_iter().enumerate() {
        let mut tally = Tally::default();
        for q in mix.iter().filter(|q| q.kind == kind) {
            let start = Instant::now();
            let outcome: Outcome = search::search(store, &viewer, &q.params, today)
                .await
                .map(|hits| hits.into_iter().map(|h| h.id).collect())
                .map_err(|e| format!("{:?}: {}", e.code, e.message));
            let elapsed = start.elapsed();
            let found = tally.record(elapsed, &outcome, &q.sought);
            if !found && kind != Kind::TooBroad && misses_wanted() {
                println!("  missed [{}] {:?}: {outcome:?}", kind.label(), q.params);
            }
            let ms = elapsed.as_secs_f64() * 1e3;
            if slow_ms().is_some_and(|slow| ms > slow) {
                let answer = outcome.as_ref().map(Vec::len);
                println!(
                    "  slow [{}] {ms:.1} ms {:?}: {answer:?}",
                    kind.label(),
                    q.params
                );
            }
        }
        out.insert(i, tally.summary());
    }
    out
}

async fn http_search(client: &Client, params: &SearchParams) -> Result<Outcome, ClientError> {
    match client.search(params).await {
        Ok(r) => Ok(Ok(r.results.into_iter().map(|h| h.id).collect())),
        Err(ClientError::Api { code, .. }) => Ok(Err(format!("{code:?}"))),
        Err(e) => Err(e),
    }
}

/// As `server_side`, over HTTP: routing, session check, JSON and the audit write.
async fn over_http(client: &Client, mix: &[Query]) -> BTreeMap<usize, Summary> {
    let mut out = BTreeMap::new();
    for (i, kind) in Kind::ALL.into_iter().enumerate() {
        let mut tally = Tally::default();
        for q in mix.iter().filter(|q| q.kind == kind) {
            let start = Instant::now();
            let outcome = http_search(client, &q.params).await.expect("server up");
            tally.record(start.elapsed(), &outcome, &q.sought);
        }
        out.insert(i, tally.summary());
    }
    out
}

fn print_latencies(server_side: &BTreeMap<usize, Summary>, http: &BTreeMap<usize, Summary>) {
    println!(
        "{:<24} {:>5}  {:^23}  {:^23}  {:>8} {:>9} {:>7}  {:>6}",
        "query kind",
        "n",
        "server p50/p95/p99 ms",
        "HTTP p50/p95/p99 ms",
        "recall@1",
        "recall@10",
        "refused",
        "target"
    );
    for (i, kind) in Kind::ALL.into_iter().enumerate() {
        let (s, h) = (&server_side[&i], &http[&i]);
        // Refused: "too many matches, refine" (or, for the last row, "too broad").
        let recall = if kind == Kind::TooBroad {
            format!("{:>8} {:>9} {:>7}", "-", "-", s.refused)
        } else {
            format!("{:>8.3} {:>9.3} {:>7}", s.recall1, s.recall10, s.refused)
        };
        let met = if s.p99 < kind.target_ms() {
            "met"
        } else {
            "MISSED"
        };
        println!(
            "{:<24} {:>5}  {}  {}  {recall}  <{:>2} ms {met}",
            kind.label(),
            s.n,
            s.latencies(),
            h.latencies(),
            kind.target_ms()
        );
    }
}

/// `clients` tasks sharing one session search the mix round and round for `length`;
/// every answered request was audited by the server before it answered. The CPU
/// each search cost the server and this client says what the machine could serve
/// if the client ran elsewhere.
async fn throughput(
    server: &Server,
    client: &Client,
    mix: &[Query],
    clients: usize,
    length: Duration,
    label: &str,
) {
    let cpu_before = (server.cpu_seconds(), server::cpu_seconds("self"));
    let params: Arc<Vec<SearchParams>> = Arc::new(mix.iter().map(|q| q.params.clone()).collect());
    let answered = Arc::new(AtomicUsize::new(0));
    let failed = Arc::new(AtomicUsize::new(0));
    let deadline = Instant::now() + length;
    let tasks: Vec<_> = (0..clients)
        .map(|t| {
            let (client, params) = (client.clone(), params.clone());
            let (answered, failed) = (answered.clone(), failed.clone());
            tokio::spawn(async move {
                let mut i = t * params.len() / clients;
                while Instant::now() < deadline {
                    match http_search(&client, &params[i % params.len()]).await {
                        Ok(_) => answered.fetch_add(1, Ordering::Relaxed),
                        Err(_) => failed.fetch_add(1, Ordering::Relaxed),
                    };
                    i += 1;
                }
            })
        })
        .collect();
    for task in tasks {
        task.await.unwrap();
    }
    let answered = answered.load(Ordering::Relaxed);
    let per_search = |before: f64, after: f64| (after - before) * 1e6 / answered.max(1) as f64;
    println!(
        "throughput, {label}, {clients:>2} clients for {} s: {:>7.0} audited searches/s ({answered} answered, {} failed); CPU per search: server {:.0} us, client {:.0} us",
        length.as_secs(),
        answered as f64 / length.as_secs_f64(),
        failed.load(Ordering::Relaxed),
        per_search(cpu_before.0, server.cpu_seconds()),
        per_search(cpu_before.1, server::cpu_seconds("self")),
    );
}

/// Search latency while 50 logins (each an argon2 verification) arrive at once.
async fn during_logins(server: &Server, client: &Client, mix: &[Query]) {
    let burst: Vec<_> = (0..50)
        .map(|i| {
            let mut c = Client::new(&server.url, false).unwrap();
            let req = LoginRequest {
                username: format!("nobody{i}"),
                password: "wrong password".into(),
                totp: "000000".into(),
            };
            tokio::spawn(async move { c.login(&req).await.is_err() })
        })
        .collect();
    let started = Instant::now();
    let mut tally = Tally::default();
    for q in mix.iter().filter(|q| q.kind != Kind::TooBroad).take(300) {
        let start = Instant::now();
        let outcome = http_search(client, &q.params).await.expect("server up");
        tally.record(start.elapsed(), &outcome, &q.sought);
    }
    let searching = started.elapsed();
    for b in burst {
        assert!(b.await.unwrap(), "a wrong login was refused");
    }
    let s = tally.summary();
    println!(
        "HTTP search while 50 logins hash: p50/p95/p99 {} ms over {} searches in {:.1} s (logins all refused after {:.1} s)",
        s.latencies(),
        s.n,
        searching.as_secs_f64(),
        started.elapsed().as_secs_f64()
    );
}

/// The same queries through `pg_trgm`, and how our search compares.
async fn compare_with_baseline(url: &str, mix: &[Query], ours: &BTreeMap<usize, Summary>) {
    let start = Instant::now();
    let mut baseline = baseline::prepare(url).await;
    println!(
        "pg_trgm baseline: extension and GIN index ready in {:.1} s",
        start.elapsed().as_secs_f64()
    );
    for q in mix.iter().take(200) {
        let _ = baseline::search(&mut baseline, &q.params).await;
    }
    println!(
        "{:<24} {:^23}  {:>8} {:>9}  {:>13}  {:>16}",
        "query kind",
        "pg_trgm p50/p95/p99 ms",
        "recall@1",
        "recall@10",
        "base/ours p99",
        "recall@10 ours/base"
    );
    for (i, kind) in Kind::ALL.into_iter().enumerate() {
        if kind == Kind::TooBroad {
            continue;
        }
        let mut tally = Tally::default();
        for q in mix.iter().filter(|q| q.kind == kind) {
            let start = Instant::now();
            let outcome = baseline::search(&mut baseline, &q.params).await;
            tally.record(start.elapsed(), &outcome, &q.sought);
        }
        let (b, o) = (tally.summary(), &ours[&i]);
        println!(
            "{:<24} {}  {:>8.3} {:>9.3}  {:>12.2}x  {:>9.3} / {:.3}",
            kind.label(),
            b.latencies(),
            b.recall1,
            b.recall10,
            b.p99 / o.p99,
            o.recall10,
            b.recall10
        );
    }
}
