//! PostgreSQL for the tests. The server `CONTACTPOINT_TEST_POSTGRES` names if set;
//! else one throwaway cluster per test binary, started from the installed server
//! binaries in a temp dir on a free port and removed when the binary exits; else a
//! loud skip, which `CI=true` turns into a failure.

use std::io::Write;
use std::net::TcpListener;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::OnceLock;

struct Cluster {
    bin: PathBuf,
    dir: PathBuf,
    /// Run the server binaries as this user (`postgres` refuses to run as root).
    user: Option<String>,
}

/// A URL to the test server's maintenance database, or why there is none.
static SERVER: OnceLock<Result<String, String>> = OnceLock::new();
static NEXT_DATABASE: AtomicU32 = AtomicU32::new(1);

/// Whether the PostgreSQL half can run. Says loudly when it cannot; fails under CI.
pub fn available() -> bool {
    match SERVER.get_or_init(connect_or_start) {
        Ok(_) => true,
        Err(why) if std::env::var("CI").is_ok_and(|v| v == "true") => {
            panic!("PostgreSQL is required under CI=true: {why}")
        }
        Err(why) => {
            // Straight to stderr, once per binary: the test harness hides `eprintln!`
            // output of passing tests, and a skip must not pass unnoticed.
            static SAID: std::sync::Once = std::sync::Once::new();
            SAID.call_once(|| {
                let _ = writeln!(
                    std::io::stderr(),
                    "SKIPPED: PostgreSQL not available ({why}); the postgres:: tests pass without running"
                );
            });
            false
        }
    }
}

/// A new, empty database on the test server, and its URL. Call `available` first.
pub async fn fresh_database() -> String {
    let admin_url = SERVER
        .get()
        .and_then(|s| s.as_ref().ok())
        .expect("PostgreSQL is available");
    let name = format!(
        "contactpoint_test_{}_{}",
        std::process::id(),
        NEXT_DATABASE.fetch_add(1, Ordering::Relaxed)
    );
    admin_sql(admin_url, &format!("CREATE DATABASE {name}")).await;
    let mut url = url::Url::parse(admin_url).expect("PostgreSQL URL");
    url.set_path(&name);
    url.to_string()
}

/// Runs one statement on a database, outside the store, as an intruder with the
/// database credentials would.
pub async fn admin_sql(url: &str, sql: &str) {
    try_sql(url, sql)
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"));
}

pub async fn try_sql(url: &str, sql: &str) -> Result<(), String> {
    let (client, connection) = tokio_postgres::connect(url, tokio_postgres::NoTls)
        .await
        .map_err(|e| e.to_string())?;
    let connection = tokio::spawn(connection);
    let result = client
        .batch_execute(sql)
        .await
        .map_err(|e| match e.as_db_error() {
            Some(db) => db.to_string(),
            None => e.to_string(),
        });
    drop(client);
    let _ = connection.await;
    result
}

/// Runs one query and returns every row as text, as `psql` would show it.
pub async fn query_text(url: &str, sql: &str) -> Vec<Vec<Option<String>>> {
    let (client, connection) = tokio_postgres::connect(url, tokio_postgres::NoTls)
        .await
        .expect("connect");
    let connection = tokio::spawn(connection);
    let rows = client
        .simple_query(sql)
        .await
        .expect("query")
        .into_iter()
        .filter_map(|m| match m {
            tokio_postgres::SimpleQueryMessage::Row(r) => {
                Some((0..r.len()).map(|i| r.get(i).map(str::to_string)).collect())
            }
            _ => None,
        })
        .collect();
    drop(client);
    let _ = connection.await;
    rows
}

fn connect_or_start() -> Result<String, String> {
    if let Ok(url) = std::env::var("CONTACTPOINT_TEST_POSTGRES") {
        // Named explicitly, so unreachable is a failure, never a skip.
        let cleanup = url.clone();
        std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("runtime");
            runtime.block_on(drop_databases_of_ended_runs(&cleanup))
        })
        .join()
        .expect("cleanup thread")
        .unwrap_or_else(|e| panic!("CONTACTPOINT_TEST_POSTGRES={url}: {e}"));
        return Ok(url);
    }
    let bin = server_binaries().ok_or("no initdb/pg_ctl on PATH or under /usr/lib/postgresql")?;
    start_cluster(bin)
}

/// A shared server keeps no cluster of ours to throw away, so the databases of
/// earlier test processes, now ended, are dropped here instead.
async fn drop_databases_of_ended_runs(url: &str) -> Result<(), tokio_postgres::Error> {
    let (client, connection) = tokio_postgres::connect(url, tokio_postgres::NoTls).await?;
    let connection = tokio::spawn(connection);
    let names = client
        .query(
            "SELECT datname FROM pg_database WHERE datname LIKE 'contactpoint\\_test\\_%'",
            &[],
        )
        .await?;
    for row in names {
        let name: String = row.get(0);
        let pid = name.split('_').nth(2).unwrap_or("");
        if !std::path::Path::new("/proc").join(pid).exists() {
            client
                .batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                .await?;
        }
    }
    drop(client);
    let _ = connection.await;
    Ok(())
}

/// `initdb` on PATH, else the newest `/usr/lib/postgresql/*/bin` (Debian keeps them there).
fn server_binaries() -> Option<PathBuf> {
    let on_path = std::env::var_os("PATH").and_then(|path| {
        std::env::split_paths(&path)
            .find(|d| d.join("initdb").is_file() && d.join("pg_ctl").is_file())
    });
    on_path.or_else(|| {
        let mut versions: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
            .ok()?
            .filter_map(|e| {
                let e = e.ok()?;
                let version = e.file_name().to_str()?.parse().ok()?;
                let bin = e.path().join("bin");
                bin.join("initdb").is_file().then_some((version, bin))
            })
            .collect();
        versions.sort();
        versions.pop().map(|(_, bin)| bin)
    })
}

impl Cluster {
    /// A server binary, run as the cluster's owner.
    fn command(&self, program: &str) -> Command {
        let program = self.bin.join(program);
        let mut cmd = match &self.user {
            Some(user) if which("runuser") => {
                let mut c = Command::new("runuser");
                c.args(["-u", user, "--"]).arg(program);
                c
            }
            Some(user) => {
                let mut c = Command::new("setpriv");
                c.args([
                    &format!("--reuid={user}"),
                    &format!("--regid={user}"),
                    "--init-groups",
                ])
                .arg(program);
                c
            }
            None => Command::new(program),
        };
        cmd.stdin(Stdio::null());
        cmd
    }

    /// Runs a server binary to completion; its standard output.
    fn output(&self, program: &str, args: &[&str]) -> Result<String, String> {
        let out = self
            .command(program)
            .args(args)
            .output()
            .map_err(|e| format!("{program}: {e}"))?;
        if out.status.success() {
            Ok(String::from_utf8_lossy(&out.stdout).into_owned())
        } else {
            Err(format!(
                "{program} failed: {}{}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            ))
        }
    }

    fn data(&self) -> String {
        self.dir.join("data").display().to_string()
    }
}

fn which(program: &str) -> bool {
    Command::new("sh")
        .args(["-c", &format!("command -v {program}")])
        .stdout(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

fn start_cluster(bin: PathBuf) -> Result<String, String> {
    // SAFETY: geteuid has no preconditions.
    let root = unsafe { libc::geteuid() } == 0;
    // In memory where there is a tmpfs: CREATE DATABASE on disk costs half a second a test.
    let shm = std::path::Path::new("/dev/shm");
    let mut builder = tempfile::Builder::new();
    builder.prefix("contactpoint-pg-");
    let dir = if shm.is_dir() {
        builder.tempdir_in(shm).or_else(|_| builder.tempdir())
    } else {
        builder.tempdir()
    }
    .map_err(|e| e.to_string())?
    .keep();
    let cluster = Cluster {
        bin,
        dir,
        user: root.then(|| "postgres".to_string()),
    };
    if root {
        let owner = |flag: &str| -> Result<u32, String> {
            let out = Command::new("id")
                .args([flag, "postgres"])
                .output()
                .map_err(|e| e.to_string())?;
            String::from_utf8_lossy(&out.stdout)
                .trim()
                .parse()
                .map_err(|_| {
                    "running as root and there is no postgres user to run the server as".to_string()
                })
        };
        std::os::unix::fs::chown(&cluster.dir, Some(owner("-u")?), Some(owner("-g")?))
            .map_err(|e| e.to_string())?;
    }
    let started = init_and_start(&cluster);
    // Registered before checking the result, so a half-started cluster is removed too.
    let stop = stop_command(&cluster);
    watch_for_exit(&stop);
    CLEANUP.set(stop).ok();
    // SAFETY: registers a plain extern "C" function with no captured state.
    unsafe { libc::atexit(stop_at_exit) };
    let port = started?;
    Ok(format!("postgres://postgres@127.0.0.1:{port}/postgres"))
}

fn init_and_start(cluster: &Cluster) -> Result<u16, String> {
    let data = cluster.data();
    init_data_dir(cluster, &data)?;
    let port = TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map_err(|e| e.to_string())?
        .port();
    // Durability is pointless for a throwaway cluster; speed is not.
    let options = format!(
        "-p {port} -k {} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off \
         -c full_page_writes=off -c max_connections=400",
        cluster.dir.display()
    );
    let log = cluster.dir.join("server.log").display().to_string();
    cluster.output(
        "pg_ctl",
        &["-D", &data, "-l", &log, "-o", &options, "-w", "start"],
    )?;
    Ok(port)
}

/// A fresh data directory: a copy of one `initdb` made earlier (initdb takes most
/// of a cluster's start-up, and every test binary starts one), else `initdb`.
fn init_data_dir(cluster: &Cluster, data: &str) -> Result<(), String> {
    let version = cluster.output("initdb", &["--version"])?;
    let version: String = version
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect();
    let cached = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(version.trim_matches('-'));
    let copy = |from: &str, to: &str| {
        Command::new("cp")
            .args(["-a", from, to])
            .status()
            .is_ok_and(|s| s.success())
    };
    if cached.join("PG_VERSION").is_file() && copy(&cached.display().to_string(), data) {
        return Ok(());
    }
    cluster.output(
        "initdb",
        &[
            "-D",
            data,
            "-A",
            "trust",
            "-U",
            "postgres",
            "-E",
            "UTF8",
            "--locale=C",
            "--no-sync",
        ],
    )?;
    // Staged then renamed, so a binary running alongside never copies half a cache.
    let staging = cached.with_extension(format!("{}.tmp", std::process::id()));
    if copy(data, &staging.display().to_string()) && std::fs::rename(&staging, &cached).is_err() {
        let _ = std::fs::remove_dir_all(&staging);
    }
    Ok(())
}

/// A shell command that stops the cluster at once and removes its directory.
fn stop_command(cluster: &Cluster) -> String {
    let pg_ctl = cluster.command("pg_ctl");
    let mut words: Vec<String> = std::iter::once(pg_ctl.get_program())
        .chain(pg_ctl.get_args())
        .map(|a| a.to_string_lossy().into_owned())
        .collect();
    words.extend([
        "-D".into(),
        cluster.data(),
        "-m".into(),
        "immediate".into(),
        "-w".into(),
        "stop".into(),
    ]);
    format!(
        "{} >/dev/null 2>&1; rm -rf '{}'",
        words
            .iter()
            .map(|w| format!("'{w}'"))
            .collect::<Vec<_>>()
            .join(" "),
        cluster.dir.display()
    )
}

static CLEANUP: OnceLock<String> = OnceLock::new();

/// Normal exit, including failed tests: libtest ends with `exit`, which runs this.
extern "C" fn stop_at_exit() {
    if let Some(stop) = CLEANUP.get() {
        let _ = Command::new("sh")
            .args(["-c", stop])
            .stdin(Stdio::null())
            .status();
    }
}

/// A killed test binary runs no exit handlers: a watchdog stops the cluster once
/// this process is gone. It ignores the Ctrl-C that ends the tests (pg_ctl puts
/// the server in a session of its own, out of the signal's reach).
fn watch_for_exit(stop: &str) {
    let script = format!(
        "trap '' INT HUP TERM; while kill -0 {} 2>/dev/null; do sleep 0.2; done; {stop}",
        std::process::id()
    );
    let _ = Command::new("sh")
        .args(["-c", &script])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn();
}
