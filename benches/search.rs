//! Search benchmark: seeds a demo directory, draws a query mix from it and reports
//! latency percentiles and recall, server-side and over HTTP.
//!
//! `cargo bench --bench search` (sizes: `BENCH_CHILDREN=20000,200000`, queries: `BENCH_QUERIES=1000`).

use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::Utc;
use contactpoint::api::{LoginRequest, SearchHit, SearchParams};
use contactpoint::client::Client;
use contactpoint::model::Role;
use contactpoint::server::auth::totp;
use contactpoint::server::policy::Viewer;
use contactpoint::server::{self, search, seed, AppState, ServerConfig, SystemClock};
use contactpoint::store::{self, Candidate, Store};

fn env_list(name: &str, default: &str) -> Vec<usize> {
    std::env::var(name)
        .unwrap_or_else(|_| default.into())
        .split(',')
        .map(|s| s.trim().parse().expect("a number"))
        .collect()
}

/// One letter of the surname replaced by its neighbour in the alphabet: a typo.
fn typo(name: &str) -> String {
    let mut chars: Vec<char> = name.chars().collect();
    let i = chars.len() / 2;
    chars[i] = match chars[i] {
        'z' => 'y',
        'Z' => 'Y',
        c if c.is_ascii_alphabetic() => (c as u8 + 1) as char,
        c => c,
    };
    chars.into_iter().collect()
}

#[derive(Clone, Copy)]
enum Kind {
    /// Surname and date of birth only.
    SurnameDob,
    /// Forename, surname and date of birth.
    Exact,
    /// As `Exact` with one letter of the surname wrong.
    Typo,
}

fn params(c: &Candidate, kind: Kind) -> SearchParams {
    let first_name = c.given_names.split(' ').next().map(String::from);
    let (surname, forename) = match kind {
        Kind::SurnameDob => (c.family_name.clone(), None),
        Kind::Exact => (c.family_name.clone(), first_name),
        Kind::Typo => (typo(&c.family_name), first_name),
    };
    SearchParams {
        surname: Some(surname),
        forename,
        dob: Some(c.date_of_birth.to_string()),
        ..Default::default()
    }
}

struct Report {
    latencies: Vec<Duration>,
    top1: usize,
    top10: usize,
}

impl Report {
    fn new() -> Self {
        Report {
            latencies: Vec::new(),
            top1: 0,
            top10: 0,
        }
    }

    /// Records one query; returns whether the sought child was among the hits.
    fn record(&mut self, elapsed: Duration, hits: &[SearchHit], sought: &str) -> bool {
        self.latencies.push(elapsed);
        let rank = hits.iter().position(|h| h.id == sought);
        self.top1 += (rank == Some(0)) as usize;
        self.top10 += rank.is_some_and(|r| r < 10) as usize;
        rank.is_some()
    }

    fn print(&mut self, label: &str) {
        self.latencies.sort();
        let n = self.latencies.len();
        let pct = |p: f64| self.latencies[((n as f64 * p) as usize).min(n - 1)];
        println!(
            "  {label:<28} p50 {:>8.3} ms  p95 {:>8.3} ms  p99 {:>8.3} ms  recall@1 {:.3}  recall@10 {:.3}  (n={n})",
            pct(0.50).as_secs_f64() * 1e3,
            pct(0.95).as_secs_f64() * 1e3,
            pct(0.99).as_secs_f64() * 1e3,
            self.top1 as f64 / n as f64,
            self.top10 as f64 / n as f64,
        );
    }
}

async fn server_side(store: &dyn Store, sample: &[Candidate], kind: Kind) -> Report {
    let viewer = Viewer {
        role: Role::Practitioner,
        organisation: String::new(),
        local_authority: String::new(),
    };
    let today = Utc::now().date_naive();
    let mut report = Report::new();
    for c in sample {
        let p = params(c, kind);
        let start = Instant::now();
        let result = search::search(store, &viewer, &p, today).await;
        let elapsed = start.elapsed();
        let found = report.record(elapsed, result.as_deref().unwrap_or_default(), &c.id);
        // BENCH_MISSES=1 lists what was not found, and why.
        if !found && std::env::var_os("BENCH_MISSES").is_some() {
            let why = result.err().map(|e| e.message);
            println!(
                "    missed {} {} {}: {:?} {why:?}",
                c.given_names, c.family_name, c.date_of_birth, p.surname
            );
        }
    }
    report
}

async fn over_http(client: &Client, sample: &[Candidate], kind: Kind) -> Report {
    let mut report = Report::new();
    for c in sample {
        let start = Instant::now();
        let hits = client
            .search(&params(c, kind))
            .await
            .map(|r| r.results)
            .unwrap_or_default();
        report.record(start.elapsed(), &hits, &c.id);
    }
    report
}

#[tokio::main]
async fn main() {
    let queries = env_list("BENCH_QUERIES", "1000")[0];
    for children in env_list("BENCH_CHILDREN", "20000,200000") {
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

        let sample: Vec<Candidate> = store
            .sample_children(queries)
            .await
            .unwrap()
            .into_iter()
            .filter(|c| !c.shielded)
            .collect();
        // Warm the page cache and prepared statements as a running server would be.
        server_side(
            store.as_ref(),
            &sample[..sample.len().min(100)],
            Kind::Exact,
        )
        .await;
        server_side(store.as_ref(), &sample, Kind::SurnameDob)
            .await
            .print("server-side surname + DOB");
        server_side(store.as_ref(), &sample, Kind::Exact)
            .await
            .print("server-side exact (+forename)");
        server_side(store.as_ref(), &sample, Kind::Typo)
            .await
            .print("server-side one-letter typo");

        let state = AppState::new(
            store.clone(),
            Arc::new(SystemClock),
            ServerConfig::default(),
            Arc::new(server::ServerKeys::from_hex(&server::ServerKeys::generate_hex()).unwrap()),
        );
        let running = server::spawn(state, "127.0.0.1:0").await.unwrap();
        let mut client = Client::new(&running.url(), false).unwrap();
        let account = client
            .demo_accounts()
            .await
            .unwrap()
            .unwrap()
            .accounts
            .remove(0);
        let code = totp::code_at(&account.totp_secret, Utc::now().timestamp() as u64).unwrap();
        client
            .login(&LoginRequest {
                username: account.username,
                password: account.password,
                totp: code,
            })
            .await
            .unwrap();
        over_http(&client, &sample, Kind::Exact)
            .await
            .print("HTTP exact (audited)");
        over_http(&client, &sample, Kind::Typo)
            .await
            .print("HTTP one-letter typo (audited)");

        // 50 logins at once (argon2 is rationed to a share of the cores) while searching.
        let burst: Vec<_> = (0..50)
            .map(|i| {
                let mut c = Client::new(&running.url(), false).unwrap();
                let req = LoginRequest {
                    username: format!("nobody{i}"),
                    password: "wrong password".into(),
                    totp: "000000".into(),
                };
                tokio::spawn(async move { c.login(&req).await.is_err() })
            })
            .collect();
        let during = &sample[..sample.len().min(200)];
        over_http(&client, during, Kind::Exact)
            .await
            .print("HTTP exact, 50 logins at once");
        for b in burst {
            b.await.unwrap();
        }
        running.handle.abort();
    }
}
