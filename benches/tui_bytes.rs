//! Bytes the real `contactpoint` binary writes to a real pseudo-terminal (via
//! `script`): per keystroke in the search field, for a full 80x24 frame, and while
//! idle for 10 seconds. Also the time from start to the login screen.
//!
//! `cargo bench --bench tui_bytes`

use std::io::{Read, Write};
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use chrono::Utc;
use contactpoint::server::auth::totp;
use contactpoint::server::{self, seed, AppState, ServerConfig, SystemClock};
use contactpoint::store;

/// Everything the terminal received, with the time each chunk arrived.
type Received = Arc<Mutex<Vec<(Instant, Vec<u8>)>>>;

fn bytes_between(rx: &Received, from: Instant, to: Instant) -> usize {
    rx.lock()
        .unwrap()
        .iter()
        .filter(|(t, _)| *t >= from && *t < to)
        .map(|(_, b)| b.len())
        .sum()
}

/// When the screen first showed `text`.
fn shown_at(rx: &Received, text: &str) -> Option<Instant> {
    let mut seen = Vec::new();
    for (t, chunk) in rx.lock().unwrap().iter() {
        seen.extend_from_slice(chunk);
        if seen.windows(text.len()).any(|w| w == text.as_bytes()) {
            return Some(*t);
        }
    }
    None
}

/// What the terminal received in a time window, escaped for reading.
fn dump(rx: &Received, from: Instant, to: Instant) -> String {
    let bytes: Vec<u8> = rx
        .lock()
        .unwrap()
        .iter()
        .filter(|(t, _)| *t >= from && *t < to)
        .flat_map(|(_, b)| b.clone())
        .collect();
    String::from_utf8_lossy(&bytes).escape_debug().to_string()
}

/// Starts the embedded default (no `--server`) with `home` as the home directory and
/// returns how long it took until the login screen listed the demo accounts.
fn embedded_to_login_screen(home: &std::path::Path) -> Duration {
    let command = format!(
        "stty cols 80 rows 24; exec {}",
        env!("CARGO_BIN_EXE_contactpoint")
    );
    let started = Instant::now();
    let mut tty = Command::new("script")
        .args(["-q", "-f", "-c", &command, "/dev/null"])
        .env("HOME", home)
        .env_remove("XDG_DATA_HOME")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("`script` (util-linux) runs the TUI in a pseudo-terminal");
    let mut out = tty.stdout.take().unwrap();
    let mut seen = Vec::new();
    let mut buf = [0u8; 65536];
    let elapsed = loop {
        let n = out.read(&mut buf).unwrap();
        assert!(n > 0, "the TUI exited before showing the login screen");
        seen.extend_from_slice(&buf[..n]);
        if seen.windows(13).any(|w| w == b"Demo accounts") {
            break started.elapsed();
        }
    };
    let mut keys = tty.stdin.take().unwrap();
    keys.write_all(b"\x03").unwrap();
    keys.flush().unwrap();
    let _ = tty.wait();
    elapsed
}

#[tokio::main]
async fn main() {
    let home = tempfile::tempdir().unwrap();
    let cold = embedded_to_login_screen(home.path());
    let warm = embedded_to_login_screen(home.path());
    println!(
        "embedded default to login screen: first run (seeds 20,000 children) {:.2} s, warm {:.0} ms",
        cold.as_secs_f64(),
        warm.as_secs_f64() * 1e3
    );

    let dir = tempfile::tempdir().unwrap();
    let db = store::open(&format!("sqlite://{}", dir.path().join("tui.db").display()))
        .await
        .unwrap();
    seed::seed_demo(db.as_ref(), 2_000, |_, _| {})
        .await
        .unwrap();
    let child = db.sample_children(1).await.unwrap().remove(0);
    let account = db.demo_logins().await.unwrap().remove(0);
    let secret = db
        .user(&account.username)
        .await
        .unwrap()
        .unwrap()
        .totp_secret;
    let keys = server::ServerKeys::from_hex(&server::ServerKeys::generate_hex()).unwrap();
    let state = AppState::new(
        db,
        Arc::new(SystemClock),
        ServerConfig::default(),
        Arc::new(keys),
    );
    let running = server::spawn(state, "127.0.0.1:0").await.unwrap();

    let command = format!(
        "stty cols 80 rows 24; exec {} --server {}",
        env!("CARGO_BIN_EXE_contactpoint"),
        running.url()
    );
    let started = Instant::now();
    let mut tty = Command::new("script")
        .args(["-q", "-f", "-c", &command, "/dev/null"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("`script` (util-linux) runs the TUI in a pseudo-terminal");
    let mut out = tty.stdout.take().unwrap();
    let rx: Received = Arc::default();
    let sink = rx.clone();
    std::thread::spawn(move || {
        let mut buf = [0u8; 65536];
        while let Ok(n) = out.read(&mut buf) {
            if n == 0 {
                break;
            }
            sink.lock()
                .unwrap()
                .push((Instant::now(), buf[..n].to_vec()));
        }
    });
    let mut keys = tty.stdin.take().unwrap();
    let mut send = |s: &str| {
        keys.write_all(s.as_bytes()).unwrap();
        keys.flush().unwrap();
    };

    tokio::time::sleep(Duration::from_millis(1500)).await;
    let first = shown_at(&rx, "Demo accounts").expect("the TUI drew the login screen");
    let login_frame = bytes_between(&rx, started, started + Duration::from_millis(1500));
    println!(
        "start to first frame (login screen): {:.0} ms",
        (first - started).as_secs_f64() * 1e3
    );
    println!("login screen, first full 80x24 frame incl. demo accounts: {login_frame} bytes");

    let code = totp::code_at(&secret, Utc::now().timestamp() as u64).unwrap();
    for part in [
        account.username.as_str(),
        "\t",
        account.password.as_str(),
        "\t",
    ] {
        send(part);
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let switched = Instant::now();
    send(&code);
    send("\r");
    tokio::time::sleep(Duration::from_millis(1000)).await;
    println!(
        "search screen after login (full 80x24 redraw): {} bytes",
        bytes_between(&rx, switched, Instant::now())
    );

    // Type the surname slowly: echo bytes are those within 150 ms of the key,
    // before the 250 ms debounce sends the search.
    let mut echoes = Vec::new();
    for c in child.family_name.chars() {
        let at = Instant::now();
        send(&c.to_string());
        tokio::time::sleep(Duration::from_millis(150)).await;
        echoes.push(bytes_between(&rx, at, Instant::now()));
        if std::env::var_os("BENCH_DUMP").is_some() {
            println!("{}", dump(&rx, at, Instant::now()));
        }
        tokio::time::sleep(Duration::from_millis(600)).await;
    }
    echoes.sort();
    println!(
        "bytes per keystroke in the search field (echo only): median {} max {} over {} keys",
        echoes[echoes.len() / 2],
        echoes[echoes.len() - 1],
        echoes.len()
    );

    send("\t\t");
    send(&child.date_of_birth.format("%d/%m/%Y").to_string());
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let idle_from = Instant::now();
    tokio::time::sleep(Duration::from_secs(10)).await;
    println!(
        "bytes written while idle for 10 s: {}",
        bytes_between(&rx, idle_from, Instant::now())
    );

    send("\x03");
    let _ = tty.wait();
    running.handle.abort();
}
