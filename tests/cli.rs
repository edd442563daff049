//! The `contactpoint` binary itself: the commands scripts rely on, and a server
//! whose logs hold no secrets and no child data.

use std::io::{BufRead, BufReader, Write};
use std::process::{Child, Command, Stdio};

use chrono::Utc;
use contactpoint::api::{LoginRequest, SearchParams};
use contactpoint::client::Client;
use contactpoint::server::auth::totp;

fn bin() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_contactpoint"));
    cmd.env_remove("CONTACTPOINT_DATABASE")
        .env_remove("RUST_LOG");
    cmd
}

fn db_url(dir: &tempfile::TempDir) -> String {
    format!("sqlite://{}", dir.path().join("directory.db").display())
}

/// Starts `serve --demo` on an ephemeral port; returns the process and its URL,
/// read from the server's own "listening" log line.
fn serve_demo(db: &str) -> (Child, String) {
    let mut child = bin()
        .args([
            "serve",
            "--demo",
            "300",
            "--bind",
            "127.0.0.1:0",
            "--database",
            db,
        ])
        .env("RUST_LOG", "trace")
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stderr = BufReader::new(child.stderr.take().unwrap());
    let mut log = String::new();
    let url = loop {
        let mut line = String::new();
        assert!(
            stderr.read_line(&mut line).unwrap() > 0,
            "server exited:\n{log}"
        );
        log.push_str(&line);
        if let Some(at) = line.find("addr=") {
            let addr = line[at + 5..]
                .split_whitespace()
                .next()
                .unwrap()
                .trim_matches('"');
            break format!("http://{addr}");
        }
    };
    // Keep draining the log into a file the test can read afterwards.
    let path = std::path::PathBuf::from(db.trim_start_matches("sqlite://")).with_extension("log");
    std::fs::write(&path, &log).unwrap();
    std::thread::spawn(move || {
        let mut file = std::fs::OpenOptions::new().append(true).open(path).unwrap();
        for line in stderr.lines().map_while(Result::ok) {
            let _ = writeln!(file, "{line}");
        }
    });
    (child, url)
}

fn json_lines(out: &[u8]) -> Vec<serde_json::Value> {
    String::from_utf8_lossy(out)
        .lines()
        .map(|l| serde_json::from_str(l).expect("one JSON object a line"))
        .collect()
}

#[tokio::test]
async fn demo_commands_print_json_lines_and_the_server_logs_no_secrets_or_child_data() {
    let dir = tempfile::tempdir().unwrap();
    let db = db_url(&dir);
    let (mut server, url) = serve_demo(&db);

    let accounts = json_lines(
        &bin()
            .args(["demo", "accounts", "--database", &db])
            .output()
            .unwrap()
            .stdout,
    );
    assert_eq!(accounts.len(), 8);
    for key in [
        "username",
        "password",
        "totp_secret",
        "role",
        "organisation",
    ] {
        assert!(accounts.iter().all(|a| a[key].is_string()), "{key}");
    }
    let sample = json_lines(
        &bin()
            .args(["demo", "sample", "--count", "5", "--database", &db])
            .output()
            .unwrap()
            .stdout,
    );
    assert_eq!(sample.len(), 5);
    for key in [
        "id",
        "family_name",
        "given_names",
        "date_of_birth",
        "gender",
        "postcode",
    ] {
        assert!(sample.iter().all(|c| c.get(key).is_some()), "{key}");
    }

    let account = &accounts[0];
    let secret = account["totp_secret"].as_str().unwrap();
    let code = totp::code_at(secret, Utc::now().timestamp() as u64).unwrap();
    let password = account["password"].as_str().unwrap();
    let mut client = Client::new(&url, false).unwrap();
    let login = client
        .login(&LoginRequest {
            username: account["username"].as_str().unwrap().into(),
            password: password.into(),
            totp: code.clone(),
        })
        .await
        .unwrap();
    let child = &sample[0];
    let surname = child["family_name"].as_str().unwrap();
    let params = SearchParams {
        surname: Some(surname.into()),
        dob: Some(child["date_of_birth"].as_str().unwrap().into()),
        ..Default::default()
    };
    client.search(&params).await.unwrap();
    server.kill().unwrap();
    server.wait().unwrap();

    let log = std::fs::read_to_string(dir.path().join("directory.log")).unwrap();
    assert!(
        log.contains("/api/v1/children"),
        "requests are logged by route:\n{log}"
    );
    for secret in [
        password,
        secret,
        code.as_str(),
        login.token.as_str(),
        surname,
    ] {
        assert!(
            !log.contains(secret),
            "'{secret}' is in the server log:\n{log}"
        );
    }
}

#[test]
fn commands_refuse_a_missing_database_and_create_nothing() {
    let dir = tempfile::tempdir().unwrap();
    for args in [&["demo", "accounts"][..], &["audit", "verify"]] {
        let out = bin()
            .args(args)
            .args(["--database", &db_url(&dir)])
            .output()
            .unwrap();
        assert!(!out.status.success());
        assert!(String::from_utf8_lossy(&out.stderr).contains("no database at"));
    }
    assert!(
        !dir.path().join("directory.db").exists(),
        "nothing was created"
    );
}

#[tokio::test]
async fn demo_commands_refuse_a_directory_that_is_not_demo_data() {
    let dir = tempfile::tempdir().unwrap();
    contactpoint::store::open(&db_url(&dir)).await.unwrap();
    let out = bin()
        .args([
            "demo",
            "sample",
            "--count",
            "3",
            "--database",
            &db_url(&dir),
        ])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("not demo data"));
}

#[tokio::test]
async fn user_add_reads_the_password_from_stdin_and_prints_an_enrolment_uri() {
    let dir = tempfile::tempdir().unwrap();
    let db = db_url(&dir);
    let (mut server, url) = serve_demo(&db);
    let org = json_lines(
        &bin()
            .args(["demo", "accounts", "--database", &db])
            .output()
            .unwrap()
            .stdout,
    )[0]["organisation"]
        .as_str()
        .unwrap()
        .to_string();

    let add = |name: &str, password: &str| {
        let mut child = bin()
            .args([
                "user",
                "add",
                name,
                "--role",
                "practitioner",
                "--org",
                &org,
                "--database",
                &db,
            ])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        writeln!(child.stdin.take().unwrap(), "{password}").unwrap();
        child.wait_with_output().unwrap()
    };
    let short = add("j.short", "too short");
    assert!(!short.status.success());
    assert!(String::from_utf8_lossy(&short.stderr).contains("12 to 128"));

    let out = add("j.bloggs", "a long enough passphrase");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let uri = String::from_utf8(out.stdout).unwrap();
    assert!(uri.starts_with("otpauth://totp/"), "{uri}");
    let secret = uri
        .split("secret=")
        .nth(1)
        .unwrap()
        .split('&')
        .next()
        .unwrap();

    // The new user can log in with the password and a code from the enrolled secret.
    let code = totp::code_at(secret, Utc::now().timestamp() as u64).unwrap();
    let mut client = Client::new(&url, false).unwrap();
    let login = client
        .login(&LoginRequest {
            username: "j.bloggs".into(),
            password: "a long enough passphrase".into(),
            totp: code,
        })
        .await;
    server.kill().unwrap();
    server.wait().unwrap();
    assert_eq!(login.unwrap().user.username, "j.bloggs");
}

#[tokio::test]
async fn the_openapi_document_describes_the_contract() {
    let dir = tempfile::tempdir().unwrap();
    let (mut server, url) = serve_demo(&db_url(&dir));
    let doc: serde_json::Value = reqwest::get(format!("{url}/api/v1/openapi.json"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let health = reqwest::get(format!("{url}/healthz"))
        .await
        .unwrap()
        .status();
    server.kill().unwrap();
    server.wait().unwrap();
    for path in [
        "/api/v1/login",
        "/api/v1/logout",
        "/api/v1/children",
        "/api/v1/children/{id}",
    ] {
        assert!(doc["paths"].get(path).is_some(), "{path} missing");
    }
    assert!(doc["components"]["schemas"].get("ChildRecord").is_some());
    assert_eq!(health, 200);
}

#[test]
fn demo_children_seeds_an_empty_database_once() {
    let dir = tempfile::tempdir().unwrap();
    let db = db_url(&dir);
    let seed = bin()
        .args(["demo", "--children", "250", "--database", &db])
        .output()
        .unwrap();
    assert!(
        seed.status.success(),
        "{}",
        String::from_utf8_lossy(&seed.stderr)
    );
    assert!(String::from_utf8_lossy(&seed.stderr).contains("Seeded 250 demo children"));
    let sample = bin()
        .args(["demo", "sample", "--count", "4", "--database", &db])
        .output()
        .unwrap();
    assert_eq!(json_lines(&sample.stdout).len(), 4);
    let again = bin()
        .args(["demo", "--children", "10", "--database", &db])
        .output()
        .unwrap();
    assert!(!again.status.success());
    assert!(String::from_utf8_lossy(&again.stderr).contains("already holds a directory"));
    let bare = bin().args(["demo", "--database", &db]).output().unwrap();
    assert!(String::from_utf8_lossy(&bare.stderr).contains("--children N"));
}
