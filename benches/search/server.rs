//! `contactpoint serve` as a separate process, so its memory can be read and the
//! HTTP figures include everything a deployment would do.

use std::net::TcpListener;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use chrono::Utc;
use contactpoint::api::LoginRequest;
use contactpoint::client::Client;
use contactpoint::model::Role;
use contactpoint::server::auth::totp;

pub struct Server {
    process: Child,
    pub url: String,
}

impl Server {
    /// Starts `contactpoint serve` on a free port and waits until it answers.
    pub async fn start(database: &str, key_file: Option<&Path>) -> Server {
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("a free port")
            .port();
        let mut command = Command::new(env!("CARGO_BIN_EXE_contactpoint"));
        command
            .args(["serve", "--database", database, "--bind"])
            .arg(format!("127.0.0.1:{port}"))
            .env("RUST_LOG", "warn")
            .stdout(Stdio::null());
        if let Some(path) = key_file {
            command.arg("--key-file").arg(path);
        }
        let process = command.spawn().expect("start contactpoint serve");
        let server = Server {
            process,
            url: format!("http://127.0.0.1:{port}"),
        };
        let deadline = Instant::now() + Duration::from_secs(60);
        while reqwest::get(format!("{}/healthz", server.url))
            .await
            .is_err()
        {
            assert!(Instant::now() < deadline, "the server did not start");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        server
    }

    /// Logs in the demo practitioner (a role that searches).
    pub async fn login(&self) -> Client {
        let mut client = Client::new(&self.url, false).expect("client");
        let account = client
            .demo_accounts()
            .await
            .expect("demo accounts")
            .expect("a demo directory")
            .accounts
            .into_iter()
            .find(|a| a.role == Role::Practitioner)
            .expect("a demo practitioner");
        let code = totp::code_at(&account.totp_secret, Utc::now().timestamp() as u64).unwrap();
        client
            .login(&LoginRequest {
                username: account.username,
                password: account.password,
                totp: code,
            })
            .await
            .expect("demo login");
        client
    }

    /// CPU seconds the server process has used so far.
    pub fn cpu_seconds(&self) -> f64 {
        cpu_seconds(&self.process.id().to_string())
    }

    /// Resident and peak memory of the server process, in MiB.
    pub fn memory_mib(&self) -> (f64, f64) {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.process.id()))
            .unwrap_or_default();
        let field = |name: &str| {
            status
                .lines()
                .find_map(|l| l.strip_prefix(name))
                .and_then(|rest| rest.split_whitespace().next()?.parse::<f64>().ok())
                .map_or(f64::NAN, |kib| kib / 1024.0)
        };
        (field("VmRSS:"), field("VmHWM:"))
    }
}

/// CPU seconds (user and system) that process `pid` ("self" for this one) has used.
pub fn cpu_seconds(pid: &str) -> f64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    // Fields after the command name, which ends with the last ')': utime and stime
    // are the 12th and 13th of them, in clock ticks.
    let rest = stat.rsplit_once(')').map_or("", |(_, r)| r);
    let ticks: f64 = rest
        .split_whitespace()
        .skip(11)
        .take(2)
        .filter_map(|t| t.parse::<f64>().ok())
        .sum();
    // SAFETY: sysconf only reads a configuration value.
    ticks / unsafe { libc::sysconf(libc::_SC_CLK_TCK) } as f64
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.process.kill();
        let _ = self.process.wait();
    }
}
