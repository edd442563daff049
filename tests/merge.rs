//! Possible duplicates and merging: everything moves in one transaction and the
//! merged ID leads to the survivor.

mod common;

use common::{child, on_each_backend, Backend, TestServer};
use contactpoint::api::{ErrorCode, MergeRequest, SearchParams};
use contactpoint::model::{ReasonCode, Role};

/// Two records of one child: a one-digit slip in the date of birth and a misspelt surname.
async fn with_duplicate(server: &TestServer) -> (String, String) {
    let a = child("Kowalski", "Zofia", "2013-05-17", "LS6 1QQ");
    let mut b = child("Kowalsky", "Zofia", "2013-05-18", "LS6 1QQ");
    b.nhs_number = None;
    b.carers[0].name = "Sam Kowalski".into();
    let ids = (a.id.to_string(), b.id.to_string());
    server.store.insert_children(vec![a, b]).await.unwrap();
    ids
}

async fn the_duplicates_view_finds_close_names_and_dates_but_not_twins(backend: Backend) {
    let server = TestServer::start(backend).await;
    let (a, b) = with_duplicate(&server).await;
    let admin = server.logged_in("dir.admin", Role::Admin, "383-DIR").await;
    let found = admin.duplicates().await.unwrap();
    let pair = found
        .pairs
        .iter()
        .find(|p| [&p.first.id, &p.second.id].contains(&&a))
        .expect("the pair is listed");
    assert!([&pair.first.id, &pair.second.id].contains(&&b));
    assert!(
        pair.evidence.contains(&"same postcode".to_string()),
        "{:?}",
        pair.evidence
    );
    assert!(pair.evidence.contains(&"carer in common".to_string()));
    // Amelia and Oliver Smith share a birthday and address: twins, not duplicates.
    assert!(!found
        .pairs
        .iter()
        .any(|p| p.first.family_name == "Smith" && p.second.family_name == "Smith"));

    let gp = server
        .logged_in("gp.reception", Role::Practitioner, common::GP)
        .await;
    assert_eq!(
        gp.duplicates().await.unwrap_err().code(),
        Some(ErrorCode::Forbidden)
    );
}

async fn a_merge_moves_everything_and_the_old_id_redirects(backend: Backend) {
    let server = TestServer::start(backend).await;
    let (survivor, merged) = with_duplicate(&server).await;
    let admin = server.logged_in("dir.admin", Role::Admin, "383-DIR").await;
    let result = admin
        .merge(&MergeRequest {
            survivor: survivor.clone(),
            merged: merged.clone(),
        })
        .await
        .unwrap();
    assert_eq!((result.moved_carers, result.moved_involvements), (1, 2));

    let record = admin
        .child(&merged, ReasonCode::RecordMaintenance, None)
        .await
        .unwrap();
    assert_eq!(record.id, survivor);
    assert_eq!(record.redirected_from.as_deref(), Some(merged.as_str()));
    assert_eq!(record.carers.len(), 2);
    assert_eq!(record.involvements.len(), 4);
    assert!(record
        .former_names
        .iter()
        .any(|f| f.family_name == "Kowalsky"));

    let hits = admin
        .search(&SearchParams {
            id: Some(merged.clone()),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(hits.results[0].id, survivor);
    assert_eq!(
        hits.results[0].redirected_from.as_deref(),
        Some(merged.as_str())
    );
    // The former surname still finds the survivor.
    let hits = admin
        .search(&SearchParams {
            surname: Some("Kowalsky".into()),
            dob: Some("2013-05-18".into()),
            ..Default::default()
        })
        .await
        .unwrap();
    assert!(hits.results.iter().any(|h| h.id == survivor));
}

async fn a_failure_mid_merge_changes_nothing(backend: Backend) {
    let server = TestServer::start(backend).await;
    let (survivor, merged) = with_duplicate(&server).await;
    let admin = server.logged_in("dir.admin", Role::Admin, "383-DIR").await;
    let before_a = server.store.child(&survivor).await.unwrap().unwrap();
    let before_b = server.store.child(&merged).await.unwrap().unwrap();
    // The redirect is written last: failing there comes after carers and involvements moved.
    server.fail_inserts_into("child_redirects").await;
    let err = admin
        .merge(&MergeRequest {
            survivor: survivor.clone(),
            merged: merged.clone(),
        })
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some(ErrorCode::Internal));
    assert_eq!(
        server.store.child(&survivor).await.unwrap().unwrap(),
        before_a
    );
    assert_eq!(
        server.store.child(&merged).await.unwrap().unwrap(),
        before_b
    );
    assert_eq!(server.store.redirect(&merged).await.unwrap(), None);
}

on_each_backend!(
    the_duplicates_view_finds_close_names_and_dates_but_not_twins,
    a_merge_moves_everything_and_the_old_id_redirects,
    a_failure_mid_merge_changes_nothing,
);
