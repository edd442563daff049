//! Finding children through the real HTTP API: the required fields, each kind of
//! tolerance, the caps, and shielded records.

mod common;

use common::{on_each_backend, Backend, TestServer, GP};
use contactpoint::api::{ErrorCode, SearchHit, SearchParams};
use contactpoint::client::Client;
use contactpoint::model::Role;
use contactpoint::server::ServerConfig;

async fn practitioner(server: &TestServer) -> Client {
    server
        .logged_in("gp.reception", Role::Practitioner, GP)
        .await
}

fn by(surname: &str, dob: &str) -> SearchParams {
    SearchParams {
        surname: Some(surname.into()),
        dob: Some(dob.into()),
        ..Default::default()
    }
}

fn names(hits: &[SearchHit]) -> Vec<String> {
    hits.iter()
        .map(|h| format!("{} {}", h.given_names, h.family_name))
        .collect()
}

async fn top(client: &Client, params: SearchParams) -> String {
    let hits = client
        .search(&params)
        .await
        .expect("search succeeds")
        .results;
    names(&hits).into_iter().next().unwrap_or_default()
}

async fn exact_surname_and_dob_find_the_child_with_school_and_gp_at_a_glance(backend: Backend) {
    let server = TestServer::start(backend).await;
    let client = practitioner(&server).await;
    let hits = client
        .search(&SearchParams {
            forename: Some("Amelia".into()),
            ..by("Smith", "2015-03-04")
        })
        .await
        .unwrap()
        .results;
    assert_eq!(names(&hits)[0], "Amelia Smith");
    assert_eq!(hits[0].score, 1.0);
    assert_eq!(hits[0].postcode_district.as_deref(), Some("LS6"));
    assert_eq!(hits[0].school.as_deref(), Some("Hyde Park Primary School"));
    assert_eq!(
        hits[0].gp_practice.as_deref(),
        Some("Woodhouse Medical Practice")
    );
    // Her brother shares surname and date of birth, and ranks below her.
    assert_eq!(names(&hits)[1], "Oliver Smith");
}

async fn typos_transpositions_and_sound_alike_spellings_are_found(backend: Backend) {
    let server = TestServer::start(backend).await;
    let client = practitioner(&server).await;
    assert_eq!(
        top(&client, by("Smiht", "2015-03-04")).await,
        "Amelia Smith",
        "transposition"
    );
    assert_eq!(
        top(&client, by("Smyth", "2015-03-04")).await,
        "Amelia Smith",
        "variant spelling"
    );
    assert_eq!(
        top(&client, by("Tompson", "2011-10-30")).await,
        "Grace Thompson",
        "missing letter"
    );
    assert_eq!(
        top(&client, by("Mohammed", "2014-07-21")).await,
        "Ali Muhammad",
        "phonetic variant"
    );
    assert_eq!(
        top(&client, by("ONeill", "2013-02-11")).await,
        "Aoife O'Neill",
        "apostrophe"
    );
    assert_eq!(
        top(&client, by("McDonald", "2010-12-05")).await,
        "Isla MacDonald",
        "Mc/Mac"
    );
}

async fn hyphenated_former_and_swapped_names_are_found(backend: Backend) {
    let server = TestServer::start(backend).await;
    let client = practitioner(&server).await;
    assert_eq!(
        top(&client, by("Jones", "2012-06-01")).await,
        "Ava Smith-Jones",
        "one part of a hyphenated name"
    );
    let hits = client
        .search(&by("Brown", "2016-01-15"))
        .await
        .unwrap()
        .results;
    assert_eq!(names(&hits)[0], "Lily Walker", "former name");
    assert_eq!(hits[0].matched_former_name.as_deref(), Some("Lily Brown"));
    let swapped = SearchParams {
        forename: Some("Thompson".into()),
        ..by("Grace", "2011-10-30")
    };
    assert_eq!(
        top(&client, swapped).await,
        "Grace Thompson",
        "forename and surname swapped"
    );
}

async fn day_and_month_swapped_in_the_date_of_birth_still_find_the_child(backend: Backend) {
    let server = TestServer::start(backend).await;
    let client = practitioner(&server).await;
    assert_eq!(
        top(&client, by("Thompson", "2011-10-30")).await,
        "Grace Thompson"
    );
    // 4 March written as 3 April.
    assert_eq!(
        top(&client, by("Smith", "2015-04-03")).await,
        "Amelia Smith"
    );
}

async fn postcode_with_or_without_space_or_as_district_narrows_the_search(backend: Backend) {
    let server = TestServer::start(backend).await;
    let client = practitioner(&server).await;
    for postcode in ["LS6 4JK", "ls64jk", "LS6"] {
        let params = SearchParams {
            surname: Some("Thompson".into()),
            postcode: Some(postcode.into()),
            ..Default::default()
        };
        assert_eq!(top(&client, params).await, "Grace Thompson", "{postcode}");
    }
    let elsewhere = SearchParams {
        surname: Some("Thompson".into()),
        postcode: Some("LS9".into()),
        ..Default::default()
    };
    assert!(client.search(&elsewhere).await.unwrap().results.is_empty());
}

async fn forename_with_an_age_range_is_enough(backend: Backend) {
    let server = TestServer::start(backend).await;
    let client = practitioner(&server).await;
    let params = SearchParams {
        surname: Some("Thompson".into()),
        forename: Some("Grace".into()),
        dob_from: Some("2011-01-01".into()),
        dob_to: Some("2012-12-31".into()),
        ..Default::default()
    };
    assert_eq!(top(&client, params).await, "Grace Thompson");
}

/// The fixture directory and, for the tests of narrowing, namesakes placed so
/// that only the narrow or only the wide candidate set holds them.
async fn with_namesakes(backend: Backend) -> TestServer {
    let mut children = common::children();
    children.extend([
        common::child("Whitfield", "Noah", "2013-05-06", "LS6 2AB"),
        common::child("Whitfield", "Noah", "2013-05-16", "LS6 2AB"),
        common::child("Pemberton", "Kathryn", "2014-02-02", "LS7 1EF"),
        common::child("Pemberton", "Rosa Mae", "2013-09-09", "LS7 1EF"),
    ]);
    TestServer::start_over(backend, ServerConfig::default(), children).await
}

/// A date of birth typed exactly finds the children born on it (or on its
/// day/month swap); namesakes one digit away are looked for only when none of
/// those matches well, as when the date itself was mistyped.
async fn a_date_one_digit_away_is_tried_only_when_the_typed_date_finds_no_one(backend: Backend) {
    let server = with_namesakes(backend).await;
    let client = practitioner(&server).await;
    let exact = client.search(&by("Whitfield", "2013-05-06")).await.unwrap();
    assert_eq!(exact.results.len(), 1, "{:?}", names(&exact.results));
    assert_eq!(exact.results[0].date_of_birth.to_string(), "2013-05-06");
    // 26 May is one digit from both the 6th and the 16th, and nobody's birthday.
    let slipped = client.search(&by("Whitfield", "2013-05-26")).await.unwrap();
    let mut dobs: Vec<String> = slipped
        .results
        .iter()
        .map(|h| h.date_of_birth.to_string())
        .collect();
    dobs.sort();
    assert_eq!(dobs, ["2013-05-06", "2013-05-16"]);
}

/// A forename with an age range looks first at namesakes whose forename sounds
/// alike, and still finds a forename that does not (a middle name).
async fn a_forename_with_an_age_range_finds_sound_alike_and_middle_names(backend: Backend) {
    let server = with_namesakes(backend).await;
    let client = practitioner(&server).await;
    let range = |forename: &str| SearchParams {
        surname: Some("Pemberton".into()),
        forename: Some(forename.into()),
        dob_from: Some("2012-01-01".into()),
        dob_to: Some("2015-12-31".into()),
        ..Default::default()
    };
    assert_eq!(top(&client, range("Catherine")).await, "Kathryn Pemberton");
    assert_eq!(top(&client, range("Mae")).await, "Rosa Mae Pemberton");
    let none = client.search(&range("Oliver")).await.unwrap();
    assert!(none.results.is_empty(), "{:?}", names(&none.results));
}

async fn too_broad_searches_say_what_to_add(backend: Backend) {
    let server = TestServer::start(backend).await;
    let client = practitioner(&server).await;
    let err = client
        .search(&SearchParams {
            surname: Some("Smith".into()),
            ..Default::default()
        })
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some(ErrorCode::SearchTooBroad));
    assert!(
        err.to_string().contains("date of birth or a postcode"),
        "{err}"
    );
    let err = client
        .search(&SearchParams {
            dob: Some("2015-03-04".into()),
            ..Default::default()
        })
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some(ErrorCode::SearchTooBroad));
}

/// Over the cap, weak matches give way to strong ones before the search gives up:
/// Amelia alone is shown when only one row may be, not her brother, who merely
/// shares her surname and birthday; two equally strong matches are still too many.
async fn over_the_cap_only_the_strongest_matches_are_kept(backend: Backend) {
    let server = TestServer::start(backend).await;
    let client = practitioner(&server).await;
    let amelia = SearchParams {
        forename: Some("Amelia".into()),
        limit: Some(1),
        ..by("Smith", "2015-03-04")
    };
    let hits = client.search(&amelia).await.unwrap().results;
    assert_eq!(names(&hits), ["Amelia Smith"]);
    let both = SearchParams {
        limit: Some(1),
        ..by("Smith", "2015-03-04")
    };
    let err = client.search(&both).await.unwrap_err();
    assert_eq!(err.code(), Some(ErrorCode::TooManyMatches));
}

async fn too_many_matches_returns_no_list_at_all(backend: Backend) {
    let server = TestServer::start(backend).await;
    let client = practitioner(&server).await;
    let params = SearchParams {
        surname: Some("Patel".into()),
        postcode: Some("LS11".into()),
        ..Default::default()
    };
    let err = client.search(&params).await.unwrap_err();
    assert_eq!(err.code(), Some(ErrorCode::TooManyMatches));
    assert!(err.to_string().contains("refine"), "{err}");
    // With a higher cap the same search answers in full.
    let all = client
        .search(&SearchParams {
            limit: Some(50),
            ..params
        })
        .await
        .unwrap()
        .results;
    assert_eq!(all.len(), 25);
}

async fn exact_identifiers_find_one_child(backend: Backend) {
    let server = TestServer::start(backend).await;
    let client = practitioner(&server).await;
    let amelia = client
        .search(&by("Smith", "2015-03-04"))
        .await
        .unwrap()
        .results
        .remove(0);
    let by_id = SearchParams {
        id: Some(amelia.id.to_lowercase().replace('-', "")),
        ..Default::default()
    };
    assert_eq!(
        names(&client.search(&by_id).await.unwrap().results),
        ["Amelia Smith"]
    );
}

async fn a_shielded_child_is_never_found_by_postcode_and_shows_no_whereabouts(backend: Backend) {
    let server = TestServer::start(backend).await;
    let client = practitioner(&server).await;
    let by_postcode = SearchParams {
        surname: Some("Hidden".into()),
        postcode: Some("LS6 9ZZ".into()),
        ..Default::default()
    };
    assert!(client
        .search(&by_postcode)
        .await
        .unwrap()
        .results
        .is_empty());
    let hits = client
        .search(&by("Hidden", "2014-04-04"))
        .await
        .unwrap()
        .results;
    assert_eq!(names(&hits), ["Hannah Hidden"]);
    assert!(hits[0].shielded);
    assert_eq!(
        (hits[0].postcode_district.as_ref(), hits[0].school.as_ref()),
        (None, None)
    );
}

async fn auditors_cannot_search_the_directory(backend: Backend) {
    let server = TestServer::start(backend).await;
    let client = server.logged_in("auditor", Role::Auditor, "383-DIR").await;
    let err = client.search(&by("Smith", "2015-03-04")).await.unwrap_err();
    assert_eq!(err.code(), Some(ErrorCode::Forbidden));
}

on_each_backend!(
    exact_surname_and_dob_find_the_child_with_school_and_gp_at_a_glance,
    typos_transpositions_and_sound_alike_spellings_are_found,
    hyphenated_former_and_swapped_names_are_found,
    day_and_month_swapped_in_the_date_of_birth_still_find_the_child,
    postcode_with_or_without_space_or_as_district_narrows_the_search,
    forename_with_an_age_range_is_enough,
    too_broad_searches_say_what_to_add,
    too_many_matches_returns_no_list_at_all,
    over_the_cap_only_the_strongest_matches_are_kept,
    exact_identifiers_find_one_child,
    a_shielded_child_is_never_found_by_postcode_and_shows_no_whereabouts,
    auditors_cannot_search_the_directory,
    a_date_one_digit_away_is_tried_only_when_the_typed_date_finds_no_one,
    a_forename_with_an_age_range_finds_sound_alike_and_middle_names,
);
