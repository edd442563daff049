//! Reviewing the audit trail: filtered review and export, the misuse report with
//! one-action suspend, and subject access.

mod common;

use common::{Backend, TestServer, BRADFORD, GP, LEEDS_DIRECTORY};
use contactpoint::api::{AuditQuery, ErrorCode, SearchParams};
use contactpoint::client::Client;
use contactpoint::model::{NotificationKind, ReasonCode, Role};

/// Opens each of these children's records, as a practitioner would.
async fn open_all(client: &Client, ids: &[String]) {
    for id in ids {
        client
            .child(id, ReasonCode::CoordinatingServices, None)
            .await
            .unwrap();
    }
}

async fn fixture_ids(server: &TestServer) -> Vec<String> {
    server
        .store
        .sample_children(100)
        .await
        .unwrap()
        .into_iter()
        .map(|c| c.id)
        .collect()
}

#[tokio::test]
async fn the_misuse_report_flags_a_scripted_trawl_and_not_normal_use() {
    let server = TestServer::start(Backend::Sqlite).await;
    let ids = fixture_ids(&server).await;
    assert!(ids.len() >= 20);
    let normal = server.logged_in("gp.normal", Role::Practitioner, GP).await;
    open_all(&normal, &ids[..4]).await;
    let trawler = server.logged_in("gp.trawler", Role::Practitioner, GP).await;
    open_all(&trawler, &ids[..20]).await;
    // A Bradford worker opening Leeds children, and a user looking up their own surname.
    let elsewhere = server
        .logged_in("brad.sw", Role::SocialCare, BRADFORD)
        .await;
    open_all(&elsewhere, &ids[..6]).await;
    let admin = server.admin().await;
    let code = server
        .create_account(&admin, "k.smith", "Kay Smith", Role::Practitioner, GP)
        .await;
    let (family, _) = server
        .enrol("k.smith", &code, "a long and private passphrase")
        .await
        .unwrap();
    family
        .search(&SearchParams {
            surname: Some("smith".into()),
            dob: Some("2015-03-04".into()),
            ..Default::default()
        })
        .await
        .unwrap();

    let auditor = server
        .logged_in("auditor", Role::Auditor, LEEDS_DIRECTORY)
        .await;
    let report = auditor.misuse_report().await.unwrap();
    let flagged: Vec<(&str, Vec<&str>)> = report
        .suspects
        .iter()
        .map(|s| {
            (
                s.username.as_str(),
                s.findings.iter().map(|f| f.kind.as_str()).collect(),
            )
        })
        .collect();
    assert!(
        flagged.contains(&("gp.trawler", vec!["many_children"])),
        "{flagged:?}"
    );
    assert!(
        flagged.contains(&("brad.sw", vec!["outside_area"])),
        "{flagged:?}"
    );
    assert!(
        flagged.contains(&("k.smith", vec!["own_surname"])),
        "{flagged:?}"
    );
    assert!(
        !flagged.iter().any(|(u, _)| *u == "gp.normal"),
        "{flagged:?}"
    );

    // Practitioners cannot see it.
    assert_eq!(
        normal.misuse_report().await.unwrap_err().code(),
        Some(ErrorCode::Forbidden)
    );
}

#[tokio::test]
async fn suspending_ends_sessions_notifies_the_organisation_and_is_audited() {
    let server = TestServer::start(Backend::Sqlite).await;
    let ids = fixture_ids(&server).await;
    let trawler = server.logged_in("gp.trawler", Role::Practitioner, GP).await;
    open_all(&trawler, &ids[..3]).await;
    let la_admin = server
        .logged_in("la.admin", Role::LaAdmin, LEEDS_DIRECTORY)
        .await;

    let blank = la_admin.suspend("gp.trawler", "  ").await.unwrap_err();
    assert_eq!(blank.code(), Some(ErrorCode::BadRequest));
    assert!(
        !server
            .store
            .account("gp.trawler")
            .await
            .unwrap()
            .unwrap()
            .disabled
    );

    let done = la_admin
        .suspend("gp.trawler", "many records opened without a reason to")
        .await
        .unwrap();
    assert!(done.account.disabled && done.account.sessions == 0);
    assert_eq!(
        trawler
            .search(&SearchParams::default())
            .await
            .unwrap_err()
            .code(),
        Some(ErrorCode::Unauthenticated)
    );
    for org in [GP, LEEDS_DIRECTORY] {
        let notes = server.store.notifications(org, true, 10).await.unwrap();
        assert_eq!(notes.len(), 1, "{org}");
        assert_eq!(
            notes[0].notification.kind,
            NotificationKind::AccountSuspended
        );
        assert_eq!(
            notes[0].notification.details["suspended_user"],
            "gp.trawler"
        );
    }
    let audited = server.audited("account_suspend").await;
    let outcomes: Vec<&str> = audited.iter().map(|e| e.outcome.as_str()).collect();
    assert_eq!(outcomes, ["bad_request", "success"]);
    assert_eq!(audited[1].subjects, ["gp.trawler"]);
    assert_eq!(audited[1].role.as_deref(), Some("la_admin"));
}

#[tokio::test]
async fn the_audit_review_filters_and_exports_within_the_reviewers_scope() {
    let server = TestServer::start(Backend::Sqlite).await;
    let ids = fixture_ids(&server).await;
    let gp = server
        .logged_in("gp.reception", Role::Practitioner, GP)
        .await;
    open_all(&gp, &ids[..3]).await;
    let brad = server
        .logged_in("brad.sw", Role::SocialCare, BRADFORD)
        .await;
    open_all(&brad, &ids[..1]).await;

    let auditor = server
        .logged_in("auditor", Role::Auditor, LEEDS_DIRECTORY)
        .await;
    let by_child = auditor
        .audit_events(&AuditQuery {
            child: Some(ids[0].clone()),
            action: Some("record_read".into()),
            ..Default::default()
        })
        .await
        .unwrap();
    let who: Vec<&str> = by_child
        .events
        .iter()
        .map(|e| e.event.username.as_str())
        .collect();
    assert_eq!(who, ["gp.reception", "brad.sw"]);
    let by_user = auditor
        .audit_events(&AuditQuery {
            user: Some("gp.reception".into()),
            from: Some("2026-11-23".parse().unwrap()),
            to: Some("2026-11-23".parse().unwrap()),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(by_user.events.len(), 4, "a login and three reads");
    let none = auditor
        .audit_events(&AuditQuery {
            user: Some("gp.reception".into()),
            from: Some("2026-11-24".parse().unwrap()),
            ..Default::default()
        })
        .await
        .unwrap();
    assert!(none.events.is_empty());

    let csv = auditor
        .audit_csv(&AuditQuery {
            organisation: Some(GP.into()),
            ..Default::default()
        })
        .await
        .unwrap();
    let mut lines = csv.lines();
    assert!(lines
        .next()
        .unwrap()
        .starts_with("seq,at,username,role,organisation,action"));
    assert_eq!(lines.count(), 4);
    assert!(csv.contains("\"coordinating_services\""));

    // A local-authority administrator sees only their authority's users.
    let la_admin = server
        .logged_in("la.admin", Role::LaAdmin, LEEDS_DIRECTORY)
        .await;
    let seen = la_admin.audit_events(&AuditQuery::default()).await.unwrap();
    assert!(seen.events.iter().all(|e| e.event.username != "brad.sw"));
    assert!(seen
        .events
        .iter()
        .any(|e| e.event.username == "gp.reception"));
    let err = la_admin
        .audit_events(&AuditQuery {
            organisation: Some(BRADFORD.into()),
            ..Default::default()
        })
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some(ErrorCode::Forbidden));
    assert_eq!(
        gp.audit_events(&AuditQuery::default())
            .await
            .unwrap_err()
            .code(),
        Some(ErrorCode::Forbidden)
    );
}

#[tokio::test]
async fn the_subject_access_export_lists_every_access_to_the_child() {
    let server = TestServer::start(Backend::Sqlite).await;
    let ids = fixture_ids(&server).await;
    let child = server.store.child(&ids[0]).await.unwrap().unwrap();
    let gp = server
        .logged_in("gp.reception", Role::Practitioner, GP)
        .await;
    gp.search(&SearchParams {
        surname: Some(child.family_name.clone()),
        dob: Some(child.date_of_birth.to_string()),
        ..Default::default()
    })
    .await
    .unwrap();
    gp.child(&ids[0], ReasonCode::Safeguarding, None)
        .await
        .unwrap();
    let ed = server
        .logged_in("ed.nurse", Role::UnscheduledCare, "RR8-ED")
        .await;
    ed.child(&ids[0], ReasonCode::Other, Some("booking in"))
        .await
        .unwrap();
    ed.child(&ids[1], ReasonCode::Safeguarding, None)
        .await
        .unwrap();

    let admin = server.admin().await;
    let report = admin.subject_access(&ids[0]).await.unwrap();
    assert_eq!(report.record.id, ids[0]);
    let accesses: Vec<(&str, &str, Option<&str>)> = report
        .accesses
        .iter()
        .map(|a| (a.username.as_str(), a.action.as_str(), a.reason.as_deref()))
        .collect();
    assert_eq!(
        accesses,
        [
            ("gp.reception", "search", None),
            ("gp.reception", "record_read", Some("safeguarding")),
            ("ed.nurse", "record_read", Some("other: booking in")),
        ]
    );
    let text = admin.subject_access_text(&ids[0]).await.unwrap();
    assert!(text.contains(&child.family_name) && text.contains(&child.given_names));
    assert!(text.contains("ed.nurse") && text.contains("other: booking in"));
    assert!(
        text.contains("Who accessed this record (4 times)"),
        "{text}"
    );

    assert_eq!(
        gp.subject_access(&ids[0]).await.unwrap_err().code(),
        Some(ErrorCode::Forbidden)
    );
    assert_eq!(server.audited("subject_access_export").await.len(), 3);
}
