//! Practitioners' indicators and involvements through the real API: own
//! organisation only, optimistic versions, lead professional moves, audit.

mod common;

use std::collections::HashSet;

use common::{on_each_backend, Backend, TestServer, CAMHS, GP, SCHOOL};
use contactpoint::api::{
    ErrorCode, IndicatorUpdate, InvolvementUpdate, NewInvolvement, SearchParams,
};
use contactpoint::client::Client;
use contactpoint::model::{ConsentBasis, Indicators, Practitioner, ReasonCode, Role};

async fn find(client: &Client, surname: &str, dob: &str) -> String {
    let params = SearchParams {
        surname: Some(surname.into()),
        dob: Some(dob.into()),
        ..Default::default()
    };
    client.search(&params).await.unwrap().results.remove(0).id
}

/// The child's involvement with `org`: (id, version).
async fn involvement(client: &Client, child: &str, org: &str) -> (i64, i64) {
    let record = client
        .child(child, ReasonCode::CoordinatingServices, None)
        .await
        .unwrap();
    let i = record
        .involvements
        .iter()
        .find(|i| i.organisation.code == org)
        .unwrap_or_else(|| panic!("{org} involved"));
    (i.id, i.version)
}

fn with(version: i64, f: impl FnOnce(&mut Indicators)) -> IndicatorUpdate {
    let mut i = Indicators::default();
    f(&mut i);
    IndicatorUpdate::new(i, version)
}

async fn a_practitioner_sets_an_indicator_and_everyone_sees_who_and_when(backend: Backend) {
    let server = TestServer::start(backend).await;
    let gp = server
        .logged_in("gp.reception", Role::Practitioner, GP)
        .await;
    let child = find(&gp, "Smith", "2015-03-04").await;
    let (id, version) = involvement(&gp, &child, GP).await;

    let view = gp
        .set_indicators(id, &with(version, |i| i.has_information = true))
        .await
        .unwrap();
    assert_eq!(view.version, version + 1);

    let school = server
        .logged_in("school.dsl", Role::Practitioner, SCHOOL)
        .await;
    let record = school
        .child(&child, ReasonCode::CoordinatingServices, None)
        .await
        .unwrap();
    let gp_view = record
        .involvements
        .iter()
        .find(|i| i.organisation.code == GP)
        .unwrap();
    assert!(gp_view.indicators.unwrap().has_information);
    let mark = gp_view
        .indicator_marks
        .as_ref()
        .unwrap()
        .has_information
        .clone()
        .unwrap();
    assert_eq!(mark.set_by, "gp.reception (test)");
    assert!(gp_view
        .indicator_marks
        .as_ref()
        .unwrap()
        .taking_action
        .is_none());
}

async fn a_practitioner_cannot_edit_another_organisations_involvement(backend: Backend) {
    let server = TestServer::start(backend).await;
    let gp = server
        .logged_in("gp.reception", Role::Practitioner, GP)
        .await;
    let child = find(&gp, "Smith", "2015-03-04").await;
    let (school_involvement, version) = involvement(&gp, &child, SCHOOL).await;
    let raw = reqwest::Client::new()
        .put(format!(
            "{}/api/v1/involvements/{school_involvement}/indicators",
            server.url
        ))
        .bearer_auth(gp.token().unwrap())
        .json(&serde_json::json!({
            "has_information": true, "taking_action": false, "caf_completed": false,
            "lead_professional": false, "version": version
        }))
        .send()
        .await
        .unwrap();
    assert_eq!(raw.status(), 403);
    let body: serde_json::Value = raw.json().await.unwrap();
    assert_eq!(body["error"], "forbidden");
    let (_, after) = involvement(&gp, &child, SCHOOL).await;
    assert_eq!(after, version, "nothing changed");
}

async fn a_stale_version_is_refused_with_conflict_and_changes_nothing(backend: Backend) {
    let server = TestServer::start(backend).await;
    let gp = server
        .logged_in("gp.reception", Role::Practitioner, GP)
        .await;
    let child = find(&gp, "Smith", "2015-03-04").await;
    let (id, version) = involvement(&gp, &child, GP).await;
    gp.set_indicators(id, &with(version, |i| i.taking_action = true))
        .await
        .unwrap();

    let raw = reqwest::Client::new()
        .put(format!(
            "{}/api/v1/involvements/{id}/indicators",
            server.url
        ))
        .bearer_auth(gp.token().unwrap())
        .json(&with(version, |i| i.caf_completed = true))
        .send()
        .await
        .unwrap();
    assert_eq!(raw.status(), 409);
    let body: serde_json::Value = raw.json().await.unwrap();
    assert_eq!(body["error"], "conflict");

    let now = gp.involvement(id).await.unwrap();
    let i = now.indicators.unwrap();
    assert!(
        i.taking_action && !i.caf_completed,
        "the first change stands"
    );
}

async fn twenty_concurrent_writers_on_one_involvement_lose_no_update(backend: Backend) {
    let server = TestServer::start(backend).await;
    let gp = server
        .logged_in("gp.reception", Role::Practitioner, GP)
        .await;
    let child = find(&gp, "Smith", "2015-03-04").await;
    let (id, _) = involvement(&gp, &child, GP).await;

    // Each writer toggles has_information once, re-reading and retrying on conflict:
    // with no lost update, twenty toggles leave twenty-one versions and the flag off.
    let mut tasks = Vec::new();
    for _ in 0..20 {
        let client = gp.clone();
        tasks.push(tokio::spawn(async move {
            let mut conflicts = 0;
            loop {
                let current = client.involvement(id).await.unwrap();
                let mut i = current.indicators.unwrap();
                i.has_information = !i.has_information;
                match client
                    .set_indicators(id, &IndicatorUpdate::new(i, current.version))
                    .await
                {
                    Ok(v) => return (v.version, conflicts),
                    Err(e) => {
                        assert_eq!(e.code(), Some(ErrorCode::Conflict), "{e}");
                        conflicts += 1;
                    }
                }
            }
        }));
    }
    let mut versions = HashSet::new();
    for t in tasks {
        let (version, _) = t.await.unwrap();
        assert!(
            versions.insert(version),
            "two writers got version {version}"
        );
    }
    let end = gp.involvement(id).await.unwrap();
    assert_eq!(end.version, 21);
    assert!(
        !end.indicators.unwrap().has_information,
        "an even number of toggles"
    );
    let set_events = server
        .store
        .audit_events(0, 10_000)
        .await
        .unwrap()
        .into_iter()
        .filter(|e| e.event.action == "indicators_set" && e.event.outcome == "success")
        .count();
    assert_eq!(set_events, 20);
}

async fn every_indicator_change_is_audited_with_before_and_after(backend: Backend) {
    let server = TestServer::start(backend).await;
    let gp = server
        .logged_in("gp.reception", Role::Practitioner, GP)
        .await;
    let child = find(&gp, "Smith", "2015-03-04").await;
    let (id, version) = involvement(&gp, &child, GP).await;
    gp.set_indicators(id, &with(version, |i| i.caf_completed = true))
        .await
        .unwrap();
    let events = server.store.audit_events(0, 1000).await.unwrap();
    let e = events
        .iter()
        .rfind(|e| e.event.action == "indicators_set")
        .unwrap();
    assert_eq!(e.event.subjects, vec![child]);
    assert_eq!(e.event.details["before"]["caf_completed"], false);
    assert_eq!(e.event.details["after"]["caf_completed"], true);
    assert_eq!(e.event.details["involvement"], id);
}

async fn lead_professional_moves_only_when_confirmed_and_stays_single(backend: Backend) {
    let server = TestServer::start(backend).await;
    let gp = server
        .logged_in("gp.reception", Role::Practitioner, GP)
        .await;
    let school = server
        .logged_in("school.dsl", Role::Practitioner, SCHOOL)
        .await;
    let child = find(&gp, "Smith", "2015-03-04").await;
    let (gp_id, gp_version) = involvement(&gp, &child, GP).await;
    gp.set_indicators(gp_id, &with(gp_version, |i| i.lead_professional = true))
        .await
        .unwrap();

    let (school_id, school_version) = involvement(&school, &child, SCHOOL).await;
    let err = school
        .set_indicators(
            school_id,
            &with(school_version, |i| i.lead_professional = true),
        )
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some(ErrorCode::Conflict));
    assert!(
        err.to_string().contains("Woodhouse Medical Practice"),
        "{err}"
    );

    let mut confirmed = with(school_version, |i| i.lead_professional = true);
    confirmed.move_lead = true;
    school.set_indicators(school_id, &confirmed).await.unwrap();
    let record = school
        .child(&child, ReasonCode::CoordinatingServices, None)
        .await
        .unwrap();
    let leads: Vec<_> = record
        .involvements
        .iter()
        .filter(|i| i.indicators.is_some_and(|i| i.lead_professional))
        .map(|i| i.organisation.code.clone())
        .collect();
    assert_eq!(leads, vec![SCHOOL.to_string()]);
    let gp_now = record
        .involvements
        .iter()
        .find(|i| i.organisation.code == GP)
        .unwrap();
    assert_eq!(
        gp_now
            .indicator_marks
            .as_ref()
            .unwrap()
            .lead_professional
            .as_ref()
            .unwrap()
            .set_by,
        "school.dsl (test)",
        "whose it was, and who moved it"
    );
}

fn practitioner() -> Practitioner {
    Practitioner {
        name: "Jo Brennan".into(),
        phone: Some("0113 496 0999".into()),
        email: Some("jo.brennan@example.org".into()),
    }
}

async fn a_practitioner_adds_and_ends_their_own_involvement_which_stays_as_history(
    backend: Backend,
) {
    let server = TestServer::start(backend).await;
    let camhs = server
        .logged_in("camhs.worker", Role::Practitioner, CAMHS)
        .await;
    let child = find(&camhs, "Walker", "2016-01-15").await;
    let new = NewInvolvement {
        organisation: None,
        practitioner: practitioner(),
        start_date: "2026-01-05".parse().unwrap(),
        consent: None,
    };
    let err = camhs.add_involvement(&child, &new).await.unwrap_err();
    assert_eq!(err.code(), Some(ErrorCode::BadRequest));
    assert!(err.to_string().contains("consent"), "{err}");

    let added = camhs
        .add_involvement(
            &child,
            &NewInvolvement {
                consent: Some(ConsentBasis::Consent {
                    given_by: "the child".into(),
                    given_on: "2026-01-05".parse().unwrap(),
                }),
                ..new.clone()
            },
        )
        .await
        .unwrap();
    assert_eq!(added.organisation.code, CAMHS);

    let ended = camhs
        .update_involvement(
            added.id,
            &InvolvementUpdate {
                practitioner: practitioner(),
                start_date: new.start_date,
                end_date: Some("2026-06-30".parse().unwrap()),
                consent: added.consent.clone(),
                version: added.version,
            },
        )
        .await
        .unwrap();
    assert!(ended.end_date.is_some());

    let admin = server.logged_in("dir.admin", Role::Admin, "383-DIR").await;
    let record = admin
        .child(&child, ReasonCode::RecordMaintenance, None)
        .await
        .unwrap();
    assert!(record
        .involvements
        .iter()
        .any(|i| i.organisation.code == CAMHS && i.end_date.is_some()));
}

async fn a_practitioner_cannot_add_another_organisations_involvement(backend: Backend) {
    let server = TestServer::start(backend).await;
    let gp = server
        .logged_in("gp.reception", Role::Practitioner, GP)
        .await;
    let child = find(&gp, "Walker", "2016-01-15").await;
    let err = gp
        .add_involvement(
            &child,
            &NewInvolvement {
                organisation: Some("RR8-ED".into()),
                practitioner: practitioner(),
                start_date: "2026-01-05".parse().unwrap(),
                consent: None,
            },
        )
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some(ErrorCode::Forbidden));
}

on_each_backend!(
    a_practitioner_sets_an_indicator_and_everyone_sees_who_and_when,
    a_practitioner_cannot_edit_another_organisations_involvement,
    a_stale_version_is_refused_with_conflict_and_changes_nothing,
    twenty_concurrent_writers_on_one_involvement_lose_no_update,
    every_indicator_change_is_audited_with_before_and_after,
    lead_professional_moves_only_when_confirmed_and_stays_single,
    a_practitioner_adds_and_ends_their_own_involvement_which_stays_as_history,
    a_practitioner_cannot_add_another_organisations_involvement,
);
