//! Administrators keeping records correct, through the real API.

mod common;

use common::{on_each_backend, Backend, TestServer, BRADFORD, GP, LEEDS};
use contactpoint::api::{
    CarerInput, DeathRecord, ErrorCode, IdentityUpdate, NewChild, SearchHit, SearchParams,
    ShieldOverride, ShieldUpdate,
};
use contactpoint::client::Client;
use contactpoint::model::{
    AddressState, ChangeReason, Gender, Identity, ReasonCode, Relationship, Role, ShieldReason,
};

async fn find(client: &Client, surname: &str, dob: &str) -> String {
    let params = SearchParams {
        surname: Some(surname.into()),
        dob: Some(dob.into()),
        ..Default::default()
    };
    client.search(&params).await.unwrap().results.remove(0).id
}

/// What a search for Walker by date of birth or postcode returns.
async fn walkers(client: &Client, dob: Option<&str>, postcode: Option<&str>) -> Vec<SearchHit> {
    let params = SearchParams {
        surname: Some("Walker".into()),
        dob: dob.map(Into::into),
        postcode: postcode.map(Into::into),
        ..Default::default()
    };
    client.search(&params).await.unwrap().results
}

fn identity(family: &str, dob: &str) -> Identity {
    Identity {
        family_name: family.into(),
        given_names: "Amelia".into(),
        former_names: vec![],
        date_of_birth: dob.parse().unwrap(),
        gender: Gender::Female,
        nhs_number: None,
    }
}

async fn an_identity_edit_keeps_history_and_the_old_name_stays_searchable(backend: Backend) {
    let server = TestServer::start(backend).await;
    let admin = server.logged_in("la.admin", Role::LaAdmin, "383-DIR").await;
    let id = find(&admin, "Smith", "2015-03-04").await;
    let record = admin
        .child(&id, ReasonCode::RecordMaintenance, None)
        .await
        .unwrap();
    let updated = admin
        .update_identity(
            &id,
            &IdentityUpdate {
                identity: identity("Brown", "2015-03-04"),
                why: ChangeReason::ChangeOfName,
                version: record.version,
            },
        )
        .await
        .unwrap();
    assert_eq!(updated.family_name, "Brown");
    let history = admin.identity_history(&id).await.unwrap();
    assert_eq!(history.entries[0].previous.family_name, "Smith");
    assert_eq!(history.entries[0].changed_by, "la.admin (test)");
    assert_eq!(history.entries[0].why, ChangeReason::ChangeOfName);
    for surname in ["Brown", "Smith"] {
        let hits = admin
            .search(&SearchParams {
                surname: Some(surname.into()),
                dob: Some("2015-03-04".into()),
                ..Default::default()
            })
            .await
            .unwrap();
        assert!(
            hits.results.iter().any(|h| h.id == id),
            "found by {surname}"
        );
    }
    // The old version is now stale.
    let err = admin
        .update_identity(
            &id,
            &IdentityUpdate {
                identity: identity("Green", "2015-03-04"),
                why: ChangeReason::Correction,
                version: record.version,
            },
        )
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some(ErrorCode::Conflict));
}

async fn a_practitioner_cannot_edit_identity(backend: Backend) {
    let server = TestServer::start(backend).await;
    let gp = server
        .logged_in("gp.reception", Role::Practitioner, GP)
        .await;
    let id = find(&gp, "Smith", "2015-03-04").await;
    let raw = reqwest::Client::new()
        .put(format!("{}/api/v1/children/{id}/identity", server.url))
        .bearer_auth(gp.token().unwrap())
        .json(&IdentityUpdate {
            identity: identity("Brown", "2015-03-04"),
            why: ChangeReason::Correction,
            version: 1,
        })
        .send()
        .await
        .unwrap();
    assert_eq!(raw.status(), 403);
    let body: serde_json::Value = raw.json().await.unwrap();
    assert_eq!(body["error"], "forbidden");
}

async fn an_la_admin_cannot_edit_another_authoritys_child(backend: Backend) {
    let server = TestServer::start(backend).await;
    let bradford = server
        .logged_in("bradford.admin", Role::LaAdmin, BRADFORD)
        .await;
    let leeds = server.logged_in("la.admin", Role::LaAdmin, "383-DIR").await;
    let id = find(&leeds, "Smith", "2015-03-04").await;
    let err = bradford
        .record_death(
            &id,
            &DeathRecord {
                date_of_death: "2026-11-01".parse().unwrap(),
                version: 1,
            },
        )
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some(ErrorCode::Forbidden));
}

async fn validation_refuses_each_bad_field_with_a_clear_message_and_saves_nothing(
    backend: Backend,
) {
    let server = TestServer::start(backend).await;
    let admin = server.logged_in("la.admin", Role::LaAdmin, "383-DIR").await;
    let before = server.store.count_children().await.unwrap();
    let new = |f: &dyn Fn(&mut serde_json::Value)| {
        let mut v = serde_json::json!({
            "family_name": "Newborn", "given_names": "Ada", "date_of_birth": "2026-01-02",
            "gender": "female", "nhs_number": "9434765919",
            "address": {"state": "current", "address": {"lines": ["1 Kirkstall Road"], "town": "Leeds", "postcode": "LS3 1AB"}}
        });
        f(&mut v);
        v
    };
    let cases: Vec<(serde_json::Value, &str)> = vec![
        (
            new(&|v| v["date_of_birth"] = "2027-01-01".into()),
            "Date of birth: cannot be in the future",
        ),
        (
            new(&|v| v["date_of_birth"] = "1990-01-01".into()),
            "Date of birth: is more than 25 years ago",
        ),
        (
            new(&|v| v["date_of_birth"] = "2026-02-30".into()),
            "input is out of range",
        ),
        (
            new(&|v| v["nhs_number"] = "9434765918".into()),
            "check digit is wrong",
        ),
        (
            new(&|v| v["address"]["address"]["postcode"] = "LS3".into()),
            "not a UK postcode",
        ),
        (
            new(&|v| v["family_name"] = " ".into()),
            "Family name: this is required",
        ),
        (
            new(&|v| v["address"]["address"]["town"] = "".into()),
            "Town: this is required",
        ),
    ];
    for (body, expected) in cases {
        let raw = reqwest::Client::new()
            .post(format!("{}/api/v1/children", server.url))
            .bearer_auth(admin.token().unwrap())
            .json(&body)
            .send()
            .await
            .unwrap();
        assert_eq!(raw.status(), 400, "{expected}");
        let err: serde_json::Value = raw.json().await.unwrap();
        assert_eq!(err["error"], "bad_request");
        assert!(
            err["message"].as_str().unwrap().contains(expected),
            "{err} / {expected}"
        );
    }
    assert_eq!(
        server.store.count_children().await.unwrap(),
        before,
        "nothing saved"
    );

    let id = find(&admin, "Smith", "2015-03-04").await;
    let record = admin
        .child(&id, ReasonCode::RecordMaintenance, None)
        .await
        .unwrap();
    let taken = record
        .nhs_number
        .clone()
        .expect("the fixture child has an NHS number");
    let err = admin
        .create_child(&NewChild {
            identity: Identity {
                nhs_number: Some(taken.parse().unwrap()),
                ..identity("Newcomer", "2020-05-06")
            },
            address: AddressState::NoAddressKnown,
            local_authority: Some(LEEDS.into()),
        })
        .await
        .unwrap_err();
    assert!(
        err.to_string()
            .contains("a record with that NHS number already exists"),
        "{err}"
    );
    assert_eq!(server.store.count_children().await.unwrap(), before);
    for (phone, email, expected) in [
        (Some("12345"), None, "Phone: is not a UK phone number"),
        (
            None,
            Some("sam.example.org"),
            "Email: is not an email address",
        ),
    ] {
        let err = admin
            .add_carer(
                &id,
                &CarerInput {
                    name: "Sam Smith".into(),
                    relationship: Relationship::Father,
                    parental_responsibility: true,
                    phone: phone.map(String::from),
                    email: email.map(String::from),
                    version: record.version,
                },
            )
            .await
            .unwrap_err();
        assert!(err.to_string().contains(expected), "{err}");
    }
    let after = admin
        .child(&id, ReasonCode::RecordMaintenance, None)
        .await
        .unwrap();
    assert_eq!(after.carers.len(), record.carers.len());
    assert_eq!(after.version, record.version);
}

async fn administrators_create_records_and_manage_carers_address_and_death(backend: Backend) {
    let server = TestServer::start(backend).await;
    let admin = server.logged_in("dir.admin", Role::Admin, "383-DIR").await;
    let created = admin
        .create_child(&NewChild {
            identity: identity("Newborn", "2026-01-02"),
            address: AddressState::NoAddressKnown,
            local_authority: Some(LEEDS.into()),
        })
        .await
        .unwrap();
    let id = created.id;
    let record = admin
        .add_carer(
            &id,
            &CarerInput {
                name: "Pat Newborn".into(),
                relationship: Relationship::Mother,
                parental_responsibility: true,
                phone: Some("07700 900777".into()),
                email: None,
                version: 1,
            },
        )
        .await
        .unwrap();
    let carer = record.carers[0].id.unwrap();
    let record = admin
        .remove_carer(&id, carer, record.version)
        .await
        .unwrap();
    assert!(record.carers.is_empty());
    let record = admin
        .update_address(
            &id,
            &contactpoint::api::AddressUpdate {
                address: AddressState::LeftEngland {
                    intent: contactpoint::model::ReturnIntent::WillReturn,
                },
                version: record.version,
            },
        )
        .await
        .unwrap();
    let record = admin
        .record_death(
            &id,
            &DeathRecord {
                date_of_death: "2026-11-01".parse().unwrap(),
                version: record.version,
            },
        )
        .await
        .unwrap();
    assert_eq!(record.date_of_death, Some("2026-11-01".parse().unwrap()));
}

async fn shielding_hides_fields_and_the_override_is_audited_alerted_and_for_one_viewing(
    backend: Backend,
) {
    let server = TestServer::start(backend).await;
    let admin = server.logged_in("la.admin", Role::LaAdmin, "383-DIR").await;
    let id = find(&admin, "Walker", "2016-01-15").await;
    let record = admin
        .child(&id, ReasonCode::RecordMaintenance, None)
        .await
        .unwrap();
    admin
        .set_shield(
            &id,
            &ShieldUpdate {
                shielded: true,
                reason: ShieldReason::DomesticViolence,
                version: record.version,
            },
        )
        .await
        .unwrap();

    let social = server
        .logged_in("social.worker", Role::SocialCare, LEEDS)
        .await;
    let request = ShieldOverride {
        reason: ReasonCode::Safeguarding,
        reason_text: None,
        acknowledge_investigation: true,
    };
    let err = social.override_shield(&id, &request).await.unwrap_err();
    assert_eq!(
        err.code(),
        Some(ErrorCode::Forbidden),
        "no duty, no override"
    );

    server
        .store
        .set_child_protection_duty("social.worker", true)
        .await
        .unwrap();
    let raw: serde_json::Value = reqwest::Client::new()
        .get(format!(
            "{}/api/v1/children/{id}?reason=safeguarding",
            server.url
        ))
        .bearer_auth(social.token().unwrap())
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let text = raw.to_string();
    for hidden in [
        "Cardigan Road",
        "LS6 5LM",
        "07700",
        "Hyde Park",
        "nhs_number",
    ] {
        assert!(!text.contains(hidden), "{hidden} leaked: {text}");
    }
    let full = social.override_shield(&id, &request).await.unwrap();
    assert!(full.address.is_some() && !full.involvements.is_empty());
    let again = social
        .child(&id, ReasonCode::Safeguarding, None)
        .await
        .unwrap();
    assert!(
        again.address.is_none(),
        "the override lasts for that viewing only"
    );

    let alerts = server
        .store
        .notifications("383-DIR", true, 10)
        .await
        .unwrap();
    assert_eq!(alerts.len(), 1);
    assert_eq!(
        alerts[0].notification.child_id.as_deref(),
        Some(id.as_str())
    );
    let events = server.store.audit_events(0, 1000).await.unwrap();
    assert!(events.iter().any(|e| e.event.action == "shield_override"
        && e.event.outcome == "success"
        && e.event.reason.as_deref() == Some("safeguarding")));
    assert!(events
        .iter()
        .any(|e| e.event.action == "shield" && e.event.details["reason"] == "domestic_violence"));
}

/// Searches rank on copies of each child's fields kept beside its surname rows;
/// every kind of change must reach them at once, or a shielded child could be
/// found by postcode, or a renamed one shown under its old name.
async fn every_change_to_a_child_is_what_the_next_search_sees(backend: Backend) {
    let server = TestServer::start(backend).await;
    let admin = server.logged_in("la.admin", Role::LaAdmin, "383-DIR").await;
    let id = find(&admin, "Walker", "2016-01-15").await;
    let version = |record: contactpoint::api::ChildRecord| record.version;
    let v = version(
        admin
            .child(&id, ReasonCode::RecordMaintenance, None)
            .await
            .unwrap(),
    );

    let v = version(
        admin
            .update_identity(
                &id,
                &IdentityUpdate {
                    identity: Identity {
                        given_names: "Lilian Rose".into(),
                        gender: Gender::NotSpecified,
                        ..identity("Walker", "2016-01-15")
                    },
                    why: ChangeReason::Correction,
                    version: v,
                },
            )
            .await
            .unwrap(),
    );
    let hit = walkers(&admin, Some("2016-01-15"), None).await.remove(0);
    assert_eq!(
        (hit.given_names.as_str(), hit.gender),
        ("Lilian Rose", Gender::NotSpecified)
    );

    let moved = AddressState::Current {
        address: contactpoint::model::Address {
            lines: vec!["9 Roundhay Road".into()],
            town: "Leeds".into(),
            postcode: "LS8 4AA".parse().unwrap(),
        },
    };
    let v = version(
        admin
            .update_address(
                &id,
                &contactpoint::api::AddressUpdate {
                    address: moved,
                    version: v,
                },
            )
            .await
            .unwrap(),
    );
    let found = |hits: Vec<SearchHit>| hits.iter().any(|h| h.id == id);
    let in_ls8 = walkers(&admin, None, Some("LS8")).await;
    assert!(found(in_ls8), "found in the new district");
    let in_ls6 = walkers(&admin, None, Some("LS6")).await;
    assert!(!found(in_ls6), "gone from the old district");

    admin
        .set_shield(
            &id,
            &ShieldUpdate {
                shielded: true,
                reason: ShieldReason::DomesticViolence,
                version: v,
            },
        )
        .await
        .unwrap();
    let practitioner = server
        .logged_in("gp.reception", Role::Practitioner, GP)
        .await;
    let by_postcode = walkers(&practitioner, None, Some("LS8 4AA")).await;
    assert!(
        !found(by_postcode),
        "a shielded child is never found by postcode"
    );
    let hit = walkers(&practitioner, Some("2016-01-15"), None)
        .await
        .remove(0);
    assert!(hit.shielded && hit.postcode_district.is_none(), "{hit:?}");

    // And no surname row anywhere disagrees with its child.
    let stale = server
        .raw_query(
            "SELECT s.child_id FROM child_surnames s JOIN children c ON c.id = s.child_id
             WHERE s.family_name <> c.family_name OR s.given_names <> c.given_names
                OR s.former_names <> c.former_names OR s.date_of_birth <> c.date_of_birth
                OR s.gender <> c.gender OR s.shielded <> c.shielded
                OR s.local_authority <> c.local_authority
                OR COALESCE(s.postcode, '') <> COALESCE(c.postcode, '')
                OR COALESCE(s.postcode_district, '') <> COALESCE(c.postcode_district, '')",
        )
        .await;
    assert!(stale.is_empty(), "{stale:?}");
}

on_each_backend!(
    every_change_to_a_child_is_what_the_next_search_sees,
    an_identity_edit_keeps_history_and_the_old_name_stays_searchable,
    a_practitioner_cannot_edit_identity,
    an_la_admin_cannot_edit_another_authoritys_child,
    validation_refuses_each_bad_field_with_a_clear_message_and_saves_nothing,
    administrators_create_records_and_manage_carers_address_and_death,
    shielding_hides_fields_and_the_override_is_audited_alerted_and_for_one_viewing,
);
