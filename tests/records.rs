//! Opening a record: the stated reason, what each viewer may see.

mod common;

use common::{on_each_backend, Backend, TestServer, CAMHS, GP, SCHOOL_PHONE};
use contactpoint::api::{ErrorCode, SearchParams};
use contactpoint::client::Client;
use contactpoint::model::{ReasonCode, Role};

async fn find(client: &Client, surname: &str, dob: &str) -> String {
    let params = SearchParams {
        surname: Some(surname.into()),
        dob: Some(dob.into()),
        ..Default::default()
    };
    client.search(&params).await.unwrap().results.remove(0).id
}

/// The record's JSON exactly as it leaves the server, opened for safeguarding.
async fn raw_record(server: &TestServer, client: &Client, id: &str) -> serde_json::Value {
    reqwest::Client::new()
        .get(format!(
            "{}/api/v1/children/{id}?reason=safeguarding",
            server.url
        ))
        .bearer_auth(client.token().unwrap())
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

async fn a_record_needs_a_reason_and_other_needs_words(backend: Backend) {
    let server = TestServer::start(backend).await;
    let client = server
        .logged_in("gp.reception", Role::Practitioner, GP)
        .await;
    let id = find(&client, "Smith", "2015-03-04").await;

    let raw = reqwest::Client::new()
        .get(format!("{}/api/v1/children/{id}", server.url))
        .bearer_auth(client.token().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(raw.status(), 400);
    let body: serde_json::Value = raw.json().await.unwrap();
    assert_eq!(body["error"], "reason_required");

    let err = client
        .child(&id, ReasonCode::Other, None)
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some(ErrorCode::ReasonRequired));
    client
        .child(&id, ReasonCode::Other, Some("school admissions query"))
        .await
        .unwrap();
}

async fn the_record_shows_carers_services_and_the_schools_phone(backend: Backend) {
    let server = TestServer::start(backend).await;
    let client = server
        .logged_in("gp.reception", Role::Practitioner, GP)
        .await;
    let id = find(&client, "Smith", "2015-03-04").await;
    let record = client
        .child(&id, ReasonCode::CoordinatingServices, None)
        .await
        .unwrap();
    assert_eq!(record.given_names, "Amelia");
    assert!(record.nhs_number.is_some());
    assert_eq!(record.carers[0].phone.as_deref(), Some("07700 900456"));
    let school = record
        .involvements
        .iter()
        .find(|i| i.organisation.name == "Hyde Park Primary School")
        .unwrap();
    assert_eq!(school.organisation.phone.as_deref(), Some(SCHOOL_PHONE));
    assert_eq!(school.practitioner.as_ref().unwrap().name, "Ms Adeyemi");
    assert!(school.indicators.is_some());
}

async fn a_sensitive_service_is_brokered_for_others_and_shown_to_its_own_staff(backend: Backend) {
    let server = TestServer::start(backend).await;
    let gp = server
        .logged_in("gp.reception", Role::Practitioner, GP)
        .await;
    let id = find(&gp, "Okafor", "2012-08-08").await;
    let raw = raw_record(&server, &gp, &id).await;
    let text = raw.to_string();
    assert!(
        !text.contains("Leeds CAMHS"),
        "the service's name never leaves the server: {text}"
    );
    assert!(raw["involvements"]
        .as_array()
        .unwrap()
        .iter()
        .any(|i| i["brokered"] == true
            && i["organisation"]["name"] == "Leeds Directory Team"
            && i.get("practitioner").is_none()));

    let camhs = server
        .logged_in("camhs.worker", Role::Practitioner, CAMHS)
        .await;
    let record = camhs
        .child(&id, ReasonCode::Safeguarding, None)
        .await
        .unwrap();
    assert!(record
        .involvements
        .iter()
        .any(|i| i.organisation.name == "Leeds CAMHS" && !i.brokered));
}

async fn a_shielded_record_shows_only_names_dob_gender_id_and_carers_names(backend: Backend) {
    let server = TestServer::start(backend).await;
    let client = server
        .logged_in("gp.reception", Role::Practitioner, GP)
        .await;
    let id = find(&client, "Hidden", "2014-04-04").await;
    let raw = raw_record(&server, &client, &id).await;
    let text = raw.to_string();
    for hidden in [
        "LS6 9ZZ",
        "Cardigan Road",
        "07700",
        "Hyde Park",
        "nhs_number",
        "address",
    ] {
        assert!(!text.contains(hidden), "{hidden} leaked: {text}");
    }
    assert_eq!(raw["carers"][0]["name"], "Sam Hidden");
    assert!(raw["restricted_notice"]
        .as_str()
        .unwrap()
        .contains("shielded"));

    let admin = server.logged_in("dir.admin", Role::Admin, "383-DIR").await;
    let full = admin
        .child(&id, ReasonCode::RecordMaintenance, None)
        .await
        .unwrap();
    assert!(
        full.address.is_some(),
        "directory administrators see hidden fields to broker contact"
    );
}

async fn an_unknown_id_is_not_found_and_a_malformed_one_is_bad_input(backend: Backend) {
    let server = TestServer::start(backend).await;
    let client = server
        .logged_in("gp.reception", Role::Practitioner, GP)
        .await;
    let unknown = contactpoint::model::DirectoryId::from_number(1).to_string();
    assert_eq!(
        client
            .child(&unknown, ReasonCode::Safeguarding, None)
            .await
            .unwrap_err()
            .code(),
        Some(ErrorCode::NotFound)
    );
    assert_eq!(
        client
            .child("nonsense", ReasonCode::Safeguarding, None)
            .await
            .unwrap_err()
            .code(),
        Some(ErrorCode::BadRequest)
    );
}

on_each_backend!(
    a_record_needs_a_reason_and_other_needs_words,
    the_record_shows_carers_services_and_the_schools_phone,
    a_sensitive_service_is_brokered_for_others_and_shown_to_its_own_staff,
    a_shielded_record_shows_only_names_dob_gender_id_and_carers_names,
    an_unknown_id_is_not_found_and_a_malformed_one_is_bad_input,
);
