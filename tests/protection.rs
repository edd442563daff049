//! CP-IS through the real HTTP API: who sees a flag, the window it shows in,
//! attendances and the notification they raise, silent views, and the inbox.

mod common;

use chrono::{Duration, NaiveDate};
use common::*;
use contactpoint::api::{ErrorCode, SubjectQuery};
use contactpoint::client::Client;
use contactpoint::model::{CareSetting, FlagAccessKind, Role};
use contactpoint::server::Clock;

const SMITH_DOB: &str = "2015-03-04";

async fn upload(server: &TestServer, admin: &str, rows: &[String]) {
    let csv = format!("{FEED_HEADER}\n{}\n", rows.join("\n"));
    let ack = la_admin(server, admin)
        .await
        .upload_feed(csv)
        .await
        .unwrap();
    assert_eq!(ack.rejected, 0, "{ack:?}");
}

/// Raw JSON of a GET, to assert on what is absent, not just on what deserialises.
async fn raw(server: &TestServer, client: &Client, path: &str) -> serde_json::Value {
    reqwest::Client::new()
        .get(format!("{}{path}", server.url))
        .bearer_auth(client.token().unwrap())
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

fn today(server: &TestServer) -> NaiveDate {
    server.clock.now().date_naive()
}

/// Amelia Smith on a child protection plan since 2025, Leeds.
async fn amelia_on_a_plan(server: &TestServer) -> String {
    let amelia = server.stored_child("Smith", SMITH_DOB).await;
    upload(
        server,
        "la.admin.setup",
        &[feed_row(&amelia, "cpp", "", "2025-02-01", "", "")],
    )
    .await;
    amelia.id.to_string()
}

async fn the_flag_shows_to_unscheduled_and_social_care_and_is_absent_for_practitioners(
    backend: Backend,
) {
    let server = TestServer::start(backend).await;
    let id = amelia_on_a_plan(&server).await;
    let search = format!("/api/v1/children?surname=Smith&dob={SMITH_DOB}");
    let record = format!("/api/v1/children/{id}?reason=safeguarding");

    for (username, role, org) in [
        ("ed.nurse", Role::UnscheduledCare, "RR8-ED"),
        ("social.worker", Role::SocialCare, LEEDS),
    ] {
        let client = server.logged_in(username, role, org).await;
        let hits = raw(&server, &client, &search).await;
        let amelia = hits["results"]
            .as_array()
            .unwrap()
            .iter()
            .find(|h| h["id"] == id.as_str())
            .unwrap();
        let plan = &amelia["protection"]["plans"][0];
        assert_eq!(plan["banner"], "CHILD PROTECTION PLAN", "{username}");
        assert_eq!(plan["authority"]["name"], "Leeds City Council");
        assert_eq!(plan["authority"]["office_hours_phone"], LEEDS_OFFICE);
        assert_eq!(plan["authority"]["out_of_hours_phone"], LEEDS_NIGHT);
        let oliver = hits["results"]
            .as_array()
            .unwrap()
            .iter()
            .find(|h| h["given_names"] == "Oliver")
            .unwrap();
        assert!(oliver.get("protection").is_none(), "only Amelia has a plan");
        let opened = raw(&server, &client, &record).await;
        assert_eq!(
            opened["protection"]["plans"][0]["banner"],
            "CHILD PROTECTION PLAN"
        );
    }

    for (username, org) in [("gp.reception", GP), ("school.dsl", SCHOOL)] {
        let client = server.logged_in(username, Role::Practitioner, org).await;
        for path in [&search, &record] {
            let text = raw(&server, &client, path).await.to_string();
            assert!(text.contains("Amelia"), "{text}");
            for absent in ["protection", "CHILD PROTECTION", LEEDS_NIGHT] {
                assert!(!text.contains(absent), "{username} saw {absent}: {text}");
            }
        }
        assert_eq!(
            client.protection(&id).await.unwrap_err().code(),
            Some(ErrorCode::Forbidden)
        );
    }
}

async fn an_ended_plan_shows_on_day_365_and_not_on_day_366(backend: Backend) {
    let server = TestServer::start(backend).await;
    let amelia = server.stored_child("Smith", SMITH_DOB).await;
    let ended = (today(&server) - Duration::days(365)).to_string();
    upload(
        &server,
        "la.admin.window",
        &[feed_row(&amelia, "lac", "s20", "2020-01-01", &ended, "")],
    )
    .await;
    let search = format!("/api/v1/children?surname=Smith&dob={SMITH_DOB}");
    let flagged = |v: &serde_json::Value| {
        v["results"]
            .as_array()
            .unwrap()
            .iter()
            .any(|h| h["protection"]["plans"][0]["banner"] == "LOOKED AFTER")
    };

    let ed = server
        .logged_in("ed.day365", Role::UnscheduledCare, "RR8-ED")
        .await;
    let day365 = raw(&server, &ed, &search).await;
    assert!(flagged(&day365), "day 365 still shows: {day365}");
    assert_eq!(day365.to_string().matches("\"active\":false").count(), 1);

    server.clock.advance(Duration::days(1));
    let ed = server
        .logged_in("ed.day366", Role::UnscheduledCare, "RR8-ED")
        .await;
    let day366 = raw(&server, &ed, &search).await;
    assert!(!flagged(&day366), "day 366 no longer shows: {day366}");
    assert!(!day366.to_string().contains("protection"));
}

async fn an_unborn_plan_shows_until_28_days_after_the_due_date_and_only_at_unscheduled_care(
    backend: Backend,
) {
    let server = TestServer::start(backend).await;
    let due = (today(&server) - Duration::days(28)).to_string();
    upload(&server, "la.admin.unborn", &[mother_row(&due)]).await;
    let by_nhs = SubjectQuery {
        nhs_number: Some(MOTHER_NHS.into()),
        ..Default::default()
    };
    let by_name = SubjectQuery {
        surname: Some("barker".into()),
        dob: Some("1998-05-17".into()),
        ..Default::default()
    };

    let ed = server
        .logged_in("ed.due28", Role::UnscheduledCare, "RR8-ED")
        .await;
    for query in [&by_nhs, &by_name] {
        let found = ed.unborn_plan_subjects(query).await.unwrap().results;
        assert_eq!(found.len(), 1, "{query:?}");
        assert_eq!(found[0].protection.plans[0].banner, "UNBORN CHILD PLAN");
        assert_eq!(found[0].given_names, "Jade");
    }

    // She is not a child: the directory never shows her to other roles.
    let gp = server.logged_in("gp.due28", Role::Practitioner, GP).await;
    assert_eq!(
        gp.unborn_plan_subjects(&by_nhs).await.unwrap_err().code(),
        Some(ErrorCode::Forbidden)
    );
    let children = raw(
        &server,
        &gp,
        "/api/v1/children?surname=Barker&dob=1998-05-17",
    )
    .await;
    assert_eq!(
        children["results"].as_array().map(Vec::len),
        Some(0),
        "{children}"
    );

    // Her attendance is recorded against her NHS number and tells Leeds.
    let detail = ed
        .record_attendance(MOTHER_NHS, Some(CareSetting::Maternity))
        .await
        .unwrap();
    assert_eq!(detail.attendances[0].setting, Some(CareSetting::Maternity));
    let sent = server.store.notifications(LEEDS, false, 10).await.unwrap();
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].notification.child_id.as_deref(), Some(MOTHER_NHS));

    server.clock.advance(Duration::days(1));
    let ed = server
        .logged_in("ed.due29", Role::UnscheduledCare, "RR8-ED")
        .await;
    assert!(ed
        .unborn_plan_subjects(&by_nhs)
        .await
        .unwrap()
        .results
        .is_empty());
}

async fn an_attendance_notifies_the_responsible_authority_exactly_once(backend: Backend) {
    let server = TestServer::start(backend).await;
    let id = amelia_on_a_plan(&server).await;
    let ed = server
        .logged_in("ed.nurse", Role::UnscheduledCare, "RR8-ED")
        .await;

    let detail = ed.record_attendance(&id, None).await.unwrap();
    assert_eq!(detail.protection.plans[0].banner, "CHILD PROTECTION PLAN");
    assert_eq!(detail.attendances.len(), 1);
    let attendance = &detail.attendances[0];
    assert_eq!(attendance.setting, Some(CareSetting::EmergencyDepartment));
    assert_eq!(attendance.username, "ed.nurse");
    assert_eq!(attendance.organisation_name, "Leeds General Infirmary ED");
    assert!(
        detail.viewers.is_none(),
        "who viewed is for the authority only"
    );

    assert_eq!(
        server
            .store
            .notifications(LEEDS, false, 10)
            .await
            .unwrap()
            .len(),
        1
    );
    assert!(server
        .store
        .notifications(BRADFORD, false, 10)
        .await
        .unwrap()
        .is_empty());
    assert!(server
        .store
        .notifications("RR8-ED", false, 10)
        .await
        .unwrap()
        .is_empty());

    let social = server
        .logged_in("social.worker", Role::SocialCare, LEEDS)
        .await;
    let inbox = social.inbox(false).await.unwrap();
    assert_eq!(inbox.unread, 1);
    let entry = &inbox.entries[0];
    assert_eq!(entry.subject.as_deref(), Some(id.as_str()));
    assert_eq!(entry.subject_name, "Amelia Smith");
    assert_eq!(entry.from_name, "ed.nurse (test)");
    assert_eq!(entry.from_organisation_name, "Leeds General Infirmary ED");
    assert_eq!(entry.setting, Some(CareSetting::EmergencyDepartment));
    assert!(entry.phone.is_some());

    let events = server.store.audit_events(0, 1000).await.unwrap();
    let attendance = events
        .iter()
        .find(|e| e.event.action == "attendance")
        .expect("the attendance is audited");
    assert_eq!(attendance.event.subjects, [id]);
}

async fn the_26th_attendance_drops_the_oldest_from_view(backend: Backend) {
    let server = TestServer::start(backend).await;
    let id = amelia_on_a_plan(&server).await;
    let ed = server
        .logged_in("ed.nurse", Role::UnscheduledCare, "RR8-ED")
        .await;
    let first_at = server.clock.now();
    let mut detail = None;
    for _ in 0..26 {
        detail = Some(
            ed.record_attendance(&id, Some(CareSetting::WalkInCentre))
                .await
                .unwrap(),
        );
        server.clock.advance(Duration::minutes(1));
    }
    let detail = detail.unwrap();
    assert_eq!(detail.attendances.len(), 25);
    assert!(
        detail.attendances.iter().all(|a| a.at > first_at),
        "the first is gone"
    );
    assert!(
        detail.attendances.windows(2).all(|w| w[0].at > w[1].at),
        "newest first"
    );
    assert_eq!(
        server
            .store
            .notifications(LEEDS, false, 100)
            .await
            .unwrap()
            .len(),
        26
    );
}

async fn a_silent_view_notifies_nobody_but_is_audited_and_listed_as_a_viewer(backend: Backend) {
    let server = TestServer::start(backend).await;
    let id = amelia_on_a_plan(&server).await;
    let social = server
        .logged_in("social.worker", Role::SocialCare, LEEDS)
        .await;

    let detail = social.protection(&id).await.unwrap();
    assert_eq!(detail.protection.plans[0].banner, "CHILD PROTECTION PLAN");
    assert!(server
        .store
        .notifications(LEEDS, false, 10)
        .await
        .unwrap()
        .is_empty());
    let viewers = detail.viewers.expect("the authority sees who viewed");
    assert_eq!(viewers[0].kind, FlagAccessKind::SilentView);
    assert_eq!(viewers[0].username, "social.worker");
    let events = server.store.audit_events(0, 1000).await.unwrap();
    assert!(events
        .iter()
        .any(|e| e.event.action == "protection_silent_view" && e.event.subjects == [id.clone()]));

    // Unscheduled care may not look without the authority knowing.
    let ed = server
        .logged_in("ed.nurse", Role::UnscheduledCare, "RR8-ED")
        .await;
    assert_eq!(
        ed.protection(&id).await.unwrap_err().code(),
        Some(ErrorCode::Forbidden)
    );
    ed.child(
        &id,
        contactpoint::model::ReasonCode::UnscheduledCareAttendance,
        None,
    )
    .await
    .unwrap();
    ed.record_attendance(&id, None).await.unwrap();
    let viewers = social.protection(&id).await.unwrap().viewers.unwrap();
    let kinds: Vec<_> = viewers.iter().map(|v| v.kind).collect();
    assert_eq!(
        kinds,
        [
            FlagAccessKind::SilentView,
            FlagAccessKind::Attendance,
            FlagAccessKind::RecordView,
            FlagAccessKind::SilentView
        ]
    );
}

async fn the_inbox_is_newest_first_marks_who_read_and_filters_unread(backend: Backend) {
    let server = TestServer::start(backend).await;
    let id = amelia_on_a_plan(&server).await;
    let ed = server
        .logged_in("ed.nurse", Role::UnscheduledCare, "RR8-ED")
        .await;
    ed.record_attendance(&id, Some(CareSetting::EmergencyDepartment))
        .await
        .unwrap();
    server.clock.advance(Duration::minutes(5));
    ed.record_attendance(&id, Some(CareSetting::MinorInjuryUnit))
        .await
        .unwrap();

    let social = server
        .logged_in("social.worker", Role::SocialCare, LEEDS)
        .await;
    let inbox = social.inbox(false).await.unwrap();
    assert_eq!(
        inbox.entries.iter().map(|e| e.setting).collect::<Vec<_>>(),
        [
            Some(CareSetting::MinorInjuryUnit),
            Some(CareSetting::EmergencyDepartment)
        ]
    );
    let oldest = inbox.entries[1].id;
    assert_eq!(social.mark_read(oldest).await.unwrap(), 1);
    assert_eq!(social.unread_count().await.unwrap(), 1);
    let unread = social.inbox(true).await.unwrap();
    assert_eq!(unread.entries.len(), 1);
    assert_eq!(
        unread.entries[0].setting,
        Some(CareSetting::MinorInjuryUnit)
    );
    let read = social.inbox(false).await.unwrap().entries.remove(1);
    assert_eq!(read.read_by.as_deref(), Some("social.worker"));
    assert_eq!(read.read_at, Some(server.clock.now()));

    // Another authority's social care sees none of it, and cannot mark it.
    let bradford = server
        .logged_in("bradford.sw", Role::SocialCare, BRADFORD)
        .await;
    assert!(bradford.inbox(false).await.unwrap().entries.is_empty());
    assert_eq!(
        bradford.mark_read(oldest).await.unwrap_err().code(),
        Some(ErrorCode::NotFound)
    );
    assert_eq!(
        ed.inbox(false).await.unwrap_err().code(),
        Some(ErrorCode::Forbidden)
    );
    let events = server.store.audit_events(0, 1000).await.unwrap();
    assert!(events
        .iter()
        .any(|e| e.event.action == "notification_read" && e.event.username == "social.worker"));
}

async fn the_demo_directory_has_plans_and_the_ed_account_sees_a_banner(backend: Backend) {
    let server = TestServer::start_demo(backend, 3_000).await;
    let count = |sql: &'static str| {
        let server = &server;
        async move {
            server.raw_query(sql).await[0][0]
                .as_deref()
                .unwrap()
                .parse::<i64>()
                .unwrap()
        }
    };
    let on_plans = count("SELECT count(*) FROM protection_plans WHERE plan_type != 'unborn'").await;
    assert!(
        (5..=30).contains(&on_plans),
        "about 0.5% of 3,000: {on_plans}"
    );
    assert!(count("SELECT count(*) FROM protection_plans WHERE plan_type = 'lac'").await > 0);
    assert!(count("SELECT count(*) FROM protection_plans WHERE end_date IS NOT NULL").await > 0);
    let row = server
        .raw_query(
            "SELECT c.family_name, c.date_of_birth FROM protection_plans p
             JOIN children c ON c.nhs_number = p.nhs_number
             WHERE p.end_date IS NULL AND NOT c.shielded LIMIT 1",
        )
        .await;
    let (family, dob) = (row[0][0].clone().unwrap(), row[0][1].clone().unwrap());

    let accounts = server
        .client()
        .demo_accounts()
        .await
        .unwrap()
        .unwrap()
        .accounts;
    let ed = accounts.iter().find(|a| a.username == "ed.nurse").unwrap();
    let mut client = server.client();
    let code = contactpoint::server::auth::totp::code_at(
        &ed.totp_secret,
        server.clock.now().timestamp() as u64,
    )
    .unwrap();
    client
        .login(&contactpoint::api::LoginRequest {
            username: ed.username.clone(),
            password: ed.password.clone(),
            totp: code,
        })
        .await
        .unwrap();
    let hits = raw(
        &server,
        &client,
        &format!("/api/v1/children?surname={family}&dob={dob}"),
    )
    .await;
    assert!(
        hits["results"]
            .as_array()
            .unwrap()
            .iter()
            .any(|h| h["protection"]["plans"][0]["banner"]
                .as_str()
                .is_some_and(|b| ["CHILD PROTECTION PLAN", "LOOKED AFTER"].contains(&b))),
        "{hits}"
    );
}

async fn the_api_description_lists_the_protection_routes(backend: Backend) {
    let server = TestServer::start(backend).await;
    let doc: serde_json::Value = reqwest::get(format!("{}/api/v1/openapi.json", server.url))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    for path in [
        "/api/v1/protection/{subject}/attendances",
        "/api/v1/protection/{subject}",
        "/api/v1/protection/subjects",
        "/api/v1/inbox",
        "/api/v1/inbox/unread",
        "/api/v1/inbox/{id}/read",
        "/api/v1/feeds",
    ] {
        assert!(doc["paths"].get(path).is_some(), "{path} missing");
    }
}

on_each_backend!(
    the_flag_shows_to_unscheduled_and_social_care_and_is_absent_for_practitioners,
    an_ended_plan_shows_on_day_365_and_not_on_day_366,
    an_unborn_plan_shows_until_28_days_after_the_due_date_and_only_at_unscheduled_care,
    an_attendance_notifies_the_responsible_authority_exactly_once,
    the_26th_attendance_drops_the_oldest_from_view,
    a_silent_view_notifies_nobody_but_is_audited_and_listed_as_a_viewer,
    the_inbox_is_newest_first_marks_who_read_and_filters_unread,
    the_demo_directory_has_plans_and_the_ed_account_sees_a_banner,
    the_api_description_lists_the_protection_routes,
);
