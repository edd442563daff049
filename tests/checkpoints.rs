//! Tamper evidence: the hash chain catches changed, deleted and reordered rows;
//! signed checkpoints catch a truncated or rewritten tail, which a chain alone cannot.

mod common;

use std::process::Command;

use common::{on_each_backend, Backend, TestServer, GP};
use contactpoint::api::SearchParams;
use contactpoint::model::{ReasonCode, Role};
use contactpoint::server::audit::verify_chain;
use contactpoint::server::checkpoint::verify_with_checkpoints;

/// Logins, searches and reads: a trail of several events.
async fn activity(server: &TestServer) {
    let client = server
        .logged_in("gp.reception", Role::Practitioner, GP)
        .await;
    let params = SearchParams {
        surname: Some("Smith".into()),
        dob: Some("2015-03-04".into()),
        ..Default::default()
    };
    for _ in 0..3 {
        let hits = client.search(&params).await.unwrap().results;
        client
            .child(&hits[0].id, ReasonCode::ContactingPractitioner, None)
            .await
            .unwrap();
    }
}

/// Lets the trail be rewritten, as someone holding the database could.
async fn tamper_with(server: &TestServer) {
    server
        .drop_trigger("audit_events_no_update", "audit_events")
        .await;
    server
        .drop_trigger("audit_events_no_delete", "audit_events")
        .await;
}

/// Runs tampering SQL behind the store's back.
async fn tamper(server: &TestServer, sql: &str) {
    server.raw_sql(sql).await.expect("tamper");
}

/// A SQL literal: a quoted string, or NULL.
fn literal(value: &Option<String>) -> String {
    match value {
        Some(v) => format!("'{}'", v.replace('\'', "''")),
        None => "NULL".into(),
    }
}

fn verify_cli(server: &TestServer, checkpoints: Option<&std::path::Path>) -> std::process::Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_contactpoint"));
    cmd.args(["audit", "verify", "--database", &server.database_url]);
    if let Some(path) = checkpoints {
        cmd.arg("--checkpoints").arg(path);
    }
    cmd.output().unwrap()
}

async fn changing_any_field_of_any_row_is_detected(backend: Backend) {
    let server = TestServer::start(backend).await;
    activity(&server).await;
    tamper_with(&server).await;
    let columns = [
        "at",
        "username",
        "role",
        "organisation",
        "action",
        "subjects",
        "reason",
        "outcome",
        "client_addr",
        "request_id",
        "details",
        "prev_hash",
        "hash",
    ];
    for column in columns {
        let seq = 4;
        let original = server
            .raw_query(&format!(
                "SELECT {column} FROM audit_events WHERE seq = {seq}"
            ))
            .await[0][0]
            .clone();
        let tampered = match column {
            "at" => "2026-01-01T00:00:00.000000Z".to_string(),
            "subjects" => "[]".to_string(),
            "details" => "{\"x\":1}".to_string(),
            _ => format!("{}x", original.clone().unwrap_or_default()),
        };
        tamper(
            &server,
            &format!(
                "UPDATE audit_events SET {column} = {} WHERE seq = {seq}",
                literal(&Some(tampered))
            ),
        )
        .await;
        let err = verify_chain(server.store.as_ref()).await.unwrap_err();
        assert!(err.to_string().contains("event"), "{column}: {err}");
        tamper(
            &server,
            &format!(
                "UPDATE audit_events SET {column} = {} WHERE seq = {seq}",
                literal(&original)
            ),
        )
        .await;
        verify_chain(server.store.as_ref()).await.unwrap();
    }
}

async fn reordering_rows_is_detected(backend: Backend) {
    let server = TestServer::start(backend).await;
    activity(&server).await;
    tamper_with(&server).await;
    // Swap events 3 and 4 whole, hashes and all.
    tamper(
        &server,
        "UPDATE audit_events SET seq = 1000 WHERE seq = 3;
         UPDATE audit_events SET seq = 3 WHERE seq = 4;
         UPDATE audit_events SET seq = 4 WHERE seq = 1000;",
    )
    .await;
    let err = verify_chain(server.store.as_ref()).await.unwrap_err();
    assert!(err.to_string().contains("event 3"), "{err}");
}

async fn a_truncated_tail_passes_the_chain_but_not_a_signed_checkpoint(backend: Backend) {
    let server = TestServer::start(backend).await;
    activity(&server).await;
    let auditor = server
        .logged_in("auditor", Role::Auditor, common::LEEDS_DIRECTORY)
        .await;
    let checkpoint = auditor.make_checkpoint().await.unwrap();
    let exported = auditor.checkpoints().await.unwrap();
    assert_eq!(exported.checkpoints, std::slice::from_ref(&checkpoint));
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("checkpoints.json");
    std::fs::write(&file, serde_json::to_string(&exported).unwrap()).unwrap();
    assert!(verify_cli(&server, Some(&file)).status.success());

    tamper_with(&server).await;
    tamper(
        &server,
        &format!(
            "DELETE FROM audit_events WHERE seq > {}",
            checkpoint.count - 3
        ),
    )
    .await;
    // The chain alone still looks whole: a shorter chain is still a chain.
    verify_chain(server.store.as_ref()).await.unwrap();
    let err = verify_with_checkpoints(server.store.as_ref(), &exported.checkpoints, None)
        .await
        .unwrap_err();
    assert!(err.to_string().contains("truncated"), "{err}");
    let cli = verify_cli(&server, Some(&file));
    assert!(!cli.status.success());
    assert!(String::from_utf8_lossy(&cli.stderr).contains("truncated"));
}

async fn a_rewritten_tail_is_detected_against_a_checkpoint(backend: Backend) {
    let server = TestServer::start(backend).await;
    activity(&server).await;
    let auditor = server
        .logged_in("auditor", Role::Auditor, common::LEEDS_DIRECTORY)
        .await;
    let checkpoint = auditor.make_checkpoint().await.unwrap();

    // Drop the last few events and append innocent-looking ones in their place,
    // correctly chained, up to the same count and beyond.
    tamper_with(&server).await;
    tamper(
        &server,
        &format!(
            "DELETE FROM audit_events WHERE seq > {}",
            checkpoint.count - 4
        ),
    )
    .await;
    let fake = server.store.audit_events(0, 1).await.unwrap()[0]
        .event
        .clone();
    for _ in 0..6 {
        server.store.append_audit(fake.clone()).await.unwrap();
    }
    verify_chain(server.store.as_ref()).await.unwrap();
    let err = verify_with_checkpoints(server.store.as_ref(), &[checkpoint], None)
        .await
        .unwrap_err();
    assert!(err.to_string().contains("rewritten"), "{err}");
}

async fn a_forged_checkpoint_is_refused(backend: Backend) {
    let server = TestServer::start(backend).await;
    activity(&server).await;
    let auditor = server
        .logged_in("auditor", Role::Auditor, common::LEEDS_DIRECTORY)
        .await;
    let mut checkpoint = auditor.make_checkpoint().await.unwrap();
    checkpoint.count -= 1;
    let err = verify_with_checkpoints(server.store.as_ref(), &[checkpoint.clone()], None)
        .await
        .unwrap_err();
    assert!(err.to_string().contains("signature"), "{err}");
    // Signed by another key than the one the verifier expects.
    checkpoint.count += 1;
    let other = common::test_keys().public_key_hex();
    let err = verify_with_checkpoints(server.store.as_ref(), &[checkpoint], Some(&other))
        .await
        .unwrap_err();
    assert!(err.to_string().contains("signature"), "{err}");
}

async fn checkpoints_are_written_periodically_while_the_trail_grows(backend: Backend) {
    let config = contactpoint::server::ServerConfig {
        checkpoint_every: chrono::Duration::milliseconds(100),
        ..Default::default()
    };
    let server = TestServer::start_with(backend, config).await;
    activity(&server).await;
    let mut waited = 0;
    while server.store.checkpoints().await.unwrap().is_empty() && waited < 50 {
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        waited += 1;
    }
    let written = server.store.checkpoints().await.unwrap();
    assert!(!written.is_empty(), "a checkpoint within 2.5 seconds");
    assert_eq!(written[0].public_key, server.keys.public_key_hex());
    verify_with_checkpoints(
        server.store.as_ref(),
        &written,
        Some(&server.keys.public_key_hex()),
    )
    .await
    .unwrap();
}

async fn only_auditors_and_administrators_sign_checkpoints(backend: Backend) {
    let server = TestServer::start(backend).await;
    let gp = server
        .logged_in("gp.reception", Role::Practitioner, GP)
        .await;
    let err = gp.make_checkpoint().await.unwrap_err();
    assert_eq!(err.code(), Some(contactpoint::api::ErrorCode::Forbidden));
    assert!(server.store.checkpoints().await.unwrap().is_empty());
}

#[test]
fn the_server_refuses_to_start_without_a_key_outside_demo_mode() {
    let dir = tempfile::tempdir().unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_contactpoint"))
        .args([
            "serve",
            "--bind",
            "127.0.0.1:0",
            "--database",
            &format!("sqlite://{}", dir.path().join("real.db").display()),
        ])
        .env_remove("CONTACTPOINT_SERVER_KEY")
        .env_remove("CONTACTPOINT_KEY_FILE")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // A server that starts anyway would run for ever: give it ten seconds.
    for _ in 0..100 {
        if child.try_wait().unwrap().is_some() {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    if child.try_wait().unwrap().is_none() {
        child.kill().unwrap();
        panic!("the server started without a key");
    }
    let out = child.wait_with_output().unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("no server key"));
    assert!(!dir.path().join("real.key").exists());
}

on_each_backend!(
    changing_any_field_of_any_row_is_detected,
    reordering_rows_is_detected,
    a_truncated_tail_passes_the_chain_but_not_a_signed_checkpoint,
    a_rewritten_tail_is_detected_against_a_checkpoint,
    a_forged_checkpoint_is_refused,
    checkpoints_are_written_periodically_while_the_trail_grows,
    only_auditors_and_administrators_sign_checkpoints,
);
