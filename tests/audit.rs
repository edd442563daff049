//! The audit trail: what is recorded, the hash chain, and tamper detection.

mod common;

use std::process::Command;

use common::{on_each_backend, Backend, TestServer, GP};
use contactpoint::api::{ErrorCode, SearchParams};
use contactpoint::model::{ReasonCode, Role};
use contactpoint::server::audit::verify_chain;

async fn activity(server: &TestServer) -> String {
    let client = server
        .logged_in("gp.reception", Role::Practitioner, GP)
        .await;
    let params = SearchParams {
        surname: Some("Smith".into()),
        dob: Some("2015-03-04".into()),
        ..Default::default()
    };
    let hits = client.search(&params).await.unwrap().results;
    client
        .child(&hits[0].id, ReasonCode::ContactingPractitioner, None)
        .await
        .unwrap();
    hits[0].id.clone()
}

fn verify_cli(server: &TestServer) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_contactpoint"))
        .args(["audit", "verify", "--database", &server.database_url])
        .output()
        .expect("run contactpoint")
}

async fn logins_searches_and_reads_are_audited_with_ids_and_reasons(backend: Backend) {
    let server = TestServer::start(backend).await;
    let bad = contactpoint::api::LoginRequest {
        username: "nobody".into(),
        password: "x".repeat(12),
        totp: "123456".into(),
    };
    server.client().login(&bad).await.unwrap_err();
    let opened = activity(&server).await;

    let events = server.store.audit_events(0, 100).await.unwrap();
    let actions: Vec<(&str, &str)> = events
        .iter()
        .map(|e| (e.event.action.as_str(), e.event.outcome.as_str()))
        .collect();
    assert_eq!(
        actions,
        [
            ("login", "invalid_credentials"),
            ("login", "success"),
            ("search", "success"),
            ("record_read", "success")
        ]
    );
    let search = &events[2].event;
    assert_eq!(search.details["surname"], "Smith");
    assert!(
        search.subjects.contains(&opened),
        "a search lists every ID it returned"
    );
    let read = &events[3].event;
    assert_eq!(read.subjects, [opened]);
    assert_eq!(read.reason.as_deref(), Some("contacting_practitioner"));
    assert_eq!(read.role.as_deref(), Some("practitioner"));
    assert!(read.request_id.is_some() && read.client_addr.as_deref() == Some("127.0.0.1"));
    let text = serde_json::to_string(&events).unwrap();
    assert!(
        !text.contains(common::PASSWORD) && !text.contains("Amelia"),
        "no secrets or record content"
    );

    assert_eq!(verify_chain(server.store.as_ref()).await.unwrap().0, 4);
    let cli = verify_cli(&server);
    assert!(
        cli.status.success(),
        "{}",
        String::from_utf8_lossy(&cli.stderr)
    );
}

async fn the_database_refuses_to_change_or_delete_audit_rows(backend: Backend) {
    let server = TestServer::start(backend).await;
    activity(&server).await;
    let update = server
        .raw_sql("UPDATE audit_events SET outcome = 'success' WHERE seq = 1")
        .await;
    let update = update.unwrap_err();
    assert!(update.contains("append-only"), "{update}");
    let delete = server
        .raw_sql("DELETE FROM audit_events WHERE seq = 1")
        .await;
    assert!(delete.unwrap_err().contains("append-only"));
}

async fn a_tampered_audit_row_is_detected(backend: Backend) {
    let server = TestServer::start(backend).await;
    activity(&server).await;
    // Someone with the database credentials bypasses the trigger and rewrites a reason.
    server
        .drop_trigger("audit_events_no_update", "audit_events")
        .await;
    server
        .raw_sql("UPDATE audit_events SET reason = 'safeguarding' WHERE action = 'record_read'")
        .await
        .unwrap();
    let err = verify_chain(server.store.as_ref()).await.unwrap_err();
    assert!(err.to_string().contains("event 3"), "{err}");
    let cli = verify_cli(&server);
    assert!(!cli.status.success());
    assert!(String::from_utf8_lossy(&cli.stderr).contains("broken"));
}

async fn a_deleted_audit_row_is_detected(backend: Backend) {
    let server = TestServer::start(backend).await;
    activity(&server).await;
    server
        .drop_trigger("audit_events_no_delete", "audit_events")
        .await;
    server
        .raw_sql("DELETE FROM audit_events WHERE seq = 2")
        .await
        .unwrap();
    assert!(verify_chain(server.store.as_ref()).await.is_err());
}

/// A search for a surname no child has, marked with `n` so its audit event can be told apart.
fn marked_search(n: usize) -> SearchParams {
    SearchParams {
        surname: Some(format!("Nobody{n}")),
        dob: Some("2015-03-04".into()),
        ..Default::default()
    }
}

/// The `n` of each audited `marked_search`, in chain order.
async fn audited_marks(server: &TestServer) -> Vec<usize> {
    server
        .audited("search")
        .await
        .iter()
        .filter_map(|e| {
            e.details["surname"]
                .as_str()?
                .strip_prefix("Nobody")?
                .parse()
                .ok()
        })
        .collect()
}

async fn two_hundred_searches_from_64_clients_at_once_are_each_audited_once_in_one_chain(
    backend: Backend,
) {
    let server = TestServer::start(backend).await;
    let client = server
        .logged_in("gp.reception", Role::Practitioner, GP)
        .await;
    let before = verify_chain(server.store.as_ref()).await.unwrap().0;

    let mut tasks = tokio::task::JoinSet::new();
    for task in 0..64 {
        let client = client.clone();
        tasks.spawn(async move {
            for n in (task..200).step_by(64) {
                client.search(&marked_search(n)).await.unwrap();
            }
        });
    }
    while let Some(done) = tasks.join_next().await {
        done.unwrap();
    }

    let mut marks = audited_marks(&server).await;
    marks.sort();
    assert_eq!(marks, (0..200).collect::<Vec<_>>());
    assert_eq!(
        verify_chain(server.store.as_ref()).await.unwrap().0,
        before + 200
    );
}

async fn a_search_whose_audit_event_cannot_be_saved_fails_and_leaves_no_event(backend: Backend) {
    let server = TestServer::start(backend).await;
    let blocked = server.logged_in("blocked", Role::Practitioner, GP).await;
    let other = server.logged_in("other", Role::Practitioner, GP).await;
    server
        .fail_inserts_into_when("audit_events", "NEW.username = 'blocked'")
        .await;

    // At once, so the failing events share batches with others: a batch is saved
    // whole or not at all, and each search answers only once its event is saved.
    let mut tasks = tokio::task::JoinSet::new();
    for n in 0..40 {
        let client = if n % 2 == 0 { &blocked } else { &other }.clone();
        tasks.spawn(async move { (n, client.search(&marked_search(n)).await) });
    }
    let mut answered = Vec::new();
    while let Some(done) = tasks.join_next().await {
        let (n, result) = done.unwrap();
        match result {
            Ok(_) => answered.push(n),
            Err(e) => assert_eq!(e.code(), Some(ErrorCode::Internal), "{e}"),
        }
    }
    assert!(answered.iter().all(|n| n % 2 == 1), "{answered:?}");
    let mut marks = audited_marks(&server).await;
    marks.sort();
    answered.sort();
    assert_eq!(
        marks, answered,
        "saved events are exactly the answered searches"
    );

    server
        .drop_trigger("fail_audit_events", "audit_events")
        .await;
    blocked.search(&marked_search(100)).await.unwrap();
    assert_eq!(audited_marks(&server).await.last(), Some(&100));
    verify_chain(server.store.as_ref()).await.unwrap();
}

on_each_backend!(
    logins_searches_and_reads_are_audited_with_ids_and_reasons,
    the_database_refuses_to_change_or_delete_audit_rows,
    a_tampered_audit_row_is_detected,
    a_deleted_audit_row_is_detected,
    two_hundred_searches_from_64_clients_at_once_are_each_audited_once_in_one_chain,
    a_search_whose_audit_event_cannot_be_saved_fails_and_leaves_no_event,
);
