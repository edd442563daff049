//! What only PostgreSQL promises, and what both backends must agree on: the
//! same searches give the same answers, and several servers on one PostgreSQL
//! database behave as one service.

mod common;

use chrono::{Datelike, Duration};
use common::{postgres, Backend, TestServer, GP};
use contactpoint::api::{ErrorCode, LoginRequest, SearchHit, SearchParams};
use contactpoint::client::Client;
use contactpoint::model::names;
use contactpoint::model::{AuditEvent, Role};
use contactpoint::server::audit::verify_chain;
use contactpoint::server::ServerConfig;
use contactpoint::store::{self, Candidate, CandidateQuery};

fn by(surname: &str, dob: &str) -> SearchParams {
    SearchParams {
        surname: Some(surname.into()),
        dob: Some(dob.into()),
        ..Default::default()
    }
}

/// Every hit with every field and score, or the refusal's code.
async fn answer(client: &Client, params: &SearchParams) -> Result<Vec<SearchHit>, ErrorCode> {
    client
        .search(params)
        .await
        .map(|r| r.results)
        .map_err(|e| e.code().expect("an API error"))
}

/// The kinds of query the benchmarks draw, built from one sampled child.
fn queries_for(child: &Candidate) -> Vec<SearchParams> {
    let dob = child.date_of_birth;
    let surname = child.family_name.clone();
    let forename = child
        .given_names
        .split(' ')
        .next()
        .unwrap_or("")
        .to_string();
    let mut typo: Vec<char> = surname.chars().collect();
    if typo.len() > 3 {
        typo.swap(1, 2);
    }
    let swapped = dob
        .with_day(dob.month())
        .and_then(|d| d.with_month(dob.day()))
        .unwrap_or(dob);
    let mut queries = vec![
        by(&surname, &dob.to_string()),
        SearchParams {
            forename: Some(forename.clone()),
            ..by(&surname, &dob.to_string())
        },
        by(&typo.iter().collect::<String>(), &dob.to_string()),
        by(&surname, &swapped.to_string()),
        SearchParams {
            surname: Some(surname.clone()),
            forename: Some(forename),
            dob_from: Some((dob - Duration::days(400)).to_string()),
            dob_to: Some((dob + Duration::days(400)).to_string()),
            ..Default::default()
        },
        SearchParams {
            id: Some(child.id.clone()),
            ..Default::default()
        },
    ];
    if let Some(postcode) = &child.postcode {
        queries.push(SearchParams {
            surname: Some(surname.clone()),
            postcode: Some(postcode.split(' ').next().unwrap_or("").into()),
            ..Default::default()
        });
        queries.push(SearchParams {
            surname: Some(surname),
            postcode: Some(postcode.clone()),
            ..Default::default()
        });
    }
    queries
}

/// The fixture's searches (every kind of tolerance, the caps, shielding), then
/// the benchmark query kinds for a spread of demo children.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_same_searches_give_identical_results_in_identical_order_on_both_backends() {
    if !postgres::available() {
        return;
    }
    let children = common::children();
    let fixture = tokio::join!(
        TestServer::start_over(Backend::Sqlite, ServerConfig::default(), children.clone()),
        TestServer::start_over(Backend::Postgres, ServerConfig::default(), children),
    );
    let fixture = [fixture.0, fixture.1];
    let demo = tokio::join!(
        TestServer::start_demo(Backend::Sqlite, 800),
        TestServer::start_demo(Backend::Postgres, 800),
    );
    let demo = [demo.0, demo.1];

    let mut fixture_queries = [
        ("Smith", "2015-03-04"),
        ("Smiht", "2015-03-04"),
        ("Smyth", "2015-04-03"),
        ("Tompson", "2011-10-30"),
        ("Mohammed", "2014-07-21"),
        ("ONeill", "2013-02-11"),
        ("McDonald", "2010-12-05"),
        ("Jones", "2012-06-01"),
        ("Brown", "2016-01-15"),
        ("Hidden", "2014-04-04"),
        ("Patel", "2012-01-05"),
    ]
    .map(|(surname, dob)| by(surname, dob))
    .to_vec();
    for (surname, postcode, limit) in [
        ("Thompson", "LS6", None),
        ("Thompson", "ls64jk", None),
        ("Hidden", "LS6 9ZZ", None),
        ("Patel", "LS11", None),
        ("Patel", "LS11", Some(50)),
        ("Smith", "LS6", Some(1)),
    ] {
        fixture_queries.push(SearchParams {
            surname: Some(surname.into()),
            postcode: Some(postcode.into()),
            limit,
            ..Default::default()
        });
    }
    fixture_queries.push(SearchParams {
        forename: Some("Thompson".into()),
        ..by("Grace", "2011-10-30")
    });
    fixture_queries.push(SearchParams {
        surname: Some("Smith".into()),
        ..Default::default()
    });

    let samples = demo[0].store.sample_children(30).await.unwrap();
    assert_eq!(
        samples,
        demo[1].store.sample_children(30).await.unwrap(),
        "both backends hold the same demo directory"
    );
    let demo_queries: Vec<SearchParams> = samples.iter().flat_map(queries_for).collect();

    for (servers, queries) in [(&fixture, fixture_queries), (&demo, demo_queries)] {
        let mut clients = Vec::new();
        for server in servers {
            clients.push(server.logged_in("gp.checker", Role::Practitioner, GP).await);
        }
        let mut found = 0;
        for params in &queries {
            let (sqlite, postgres) =
                tokio::join!(answer(&clients[0], params), answer(&clients[1], params));
            assert_eq!(sqlite, postgres, "{params:?}");
            found += sqlite.map_or(0, |hits| hits.len());
        }
        assert!(found > queries.len(), "the searches find children");
    }
}

/// Two servers on one PostgreSQL database, one user's requests alternating
/// between them as a load balancer would send them.
#[tokio::test]
async fn two_servers_on_one_database_share_sessions_lockouts_and_the_replay_guard() {
    if !postgres::available() {
        return;
    }
    let a = TestServer::start(Backend::Postgres).await;
    let b = a.another_over_same_database().await;
    let user = a.user("gp.reception", Role::Practitioner, GP).await;

    // A session made on one server works on the other, and logging out on either ends it.
    let mut on_a = a.client();
    let login = a.login_request(&user);
    on_a.login(&login).await.unwrap();
    let mut on_b = b.client();
    on_b.set_token(on_a.token().map(String::from));
    on_b.search(&by("Smith", "2015-03-04")).await.unwrap();
    // The code just used on A is refused on B (and counts as a failure).
    let replay = b.client().login(&login).await.unwrap_err();
    assert_eq!(replay.code(), Some(ErrorCode::InvalidCredentials));
    on_b.logout().await.unwrap();
    let ended = on_a.search(&by("Smith", "2015-03-04")).await.unwrap_err();
    assert_eq!(ended.code(), Some(ErrorCode::Unauthenticated));

    // Failures counted on both servers add up to one lockout (five), which both enforce.
    a.clock.advance(Duration::seconds(30));
    let wrong = LoginRequest {
        password: "wrong password!".into(),
        ..a.login_request(&user)
    };
    for server in [&a, &b, &a, &b] {
        let err = server.client().login(&wrong).await.unwrap_err();
        assert_eq!(err.code(), Some(ErrorCode::InvalidCredentials));
    }
    for server in [&b, &a] {
        let err = server
            .client()
            .login(&server.login_request(&user))
            .await
            .unwrap_err();
        assert_eq!(err.code(), Some(ErrorCode::AccountLocked));
    }
}

/// Concurrent writers on two servers (through the API and straight through the
/// stores) leave one unbroken chain holding every event.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_audit_writers_on_two_servers_keep_one_chain() {
    if !postgres::available() {
        return;
    }
    let a = TestServer::start(Backend::Postgres).await;
    let b = a.another_over_same_database().await;
    let clients = [
        a.logged_in("gp.a", Role::Practitioner, GP).await,
        b.logged_in("gp.b", Role::Practitioner, GP).await,
    ];
    let before = verify_chain(a.store.as_ref()).await.unwrap().0;

    let mut tasks = tokio::task::JoinSet::new();
    for (n, client) in clients.into_iter().enumerate() {
        for _ in 0..10 {
            let client = client.clone();
            tasks.spawn(async move {
                client.search(&by("Smith", "2015-03-04")).await.unwrap();
            });
        }
        let store = [&a, &b][n].store.clone();
        for i in 0..40 {
            let store = store.clone();
            tasks.spawn(async move {
                let event = AuditEvent {
                    at: chrono::Utc::now(),
                    username: format!("writer.{n}"),
                    role: None,
                    organisation: None,
                    action: "test".into(),
                    subjects: vec![format!("{n}-{i}")],
                    reason: None,
                    outcome: "success".into(),
                    client_addr: None,
                    request_id: None,
                    details: serde_json::json!({ "i": i }),
                };
                store.append_audit(event).await.unwrap();
            });
        }
    }
    while let Some(done) = tasks.join_next().await {
        done.unwrap();
    }
    let (count, _) = verify_chain(b.store.as_ref()).await.unwrap();
    assert_eq!(count, before + 2 * (10 + 40));
}

#[tokio::test]
async fn servers_starting_together_migrate_one_schema() {
    if !postgres::available() {
        return;
    }
    let database = Backend::Postgres.fresh_database().await;
    let opened = futures_util::future::join_all((0..4).map(|_| store::open(&database.url))).await;
    for store in opened {
        assert_eq!(store.unwrap().count_children().await.unwrap(), 0);
    }
}

/// A directory indexed before the keys computed in Rust existed (forename keys) or
/// changed (eight-letter phonetic codes) gets them when a new version opens it.
#[tokio::test]
async fn a_directory_indexed_with_older_keys_gets_new_ones_on_migration() {
    keys_are_computed_afresh_on_migration(Backend::Sqlite).await;
    if postgres::available() {
        keys_are_computed_afresh_on_migration(Backend::Postgres).await;
    }
}

async fn keys_are_computed_afresh_on_migration(backend: Backend) {
    let server = TestServer::start(backend).await;
    let rewind = match backend {
        Backend::Sqlite => "PRAGMA user_version = 6;",
        Backend::Postgres => "DELETE FROM schema_migrations WHERE version >= 7;",
    };
    // Back to version 6: without the forename key, and without the search fields
    // that migration 8 copies in after it.
    let copied = [
        "family_name",
        "given_names",
        "former_names",
        "gender",
        "postcode",
        "shielded",
        "local_authority",
    ]
    .map(|c| format!("ALTER TABLE child_surnames DROP COLUMN {c};"))
    .join("\n");
    server
        .raw_sql(&format!(
            "DROP INDEX child_surnames_given;
             ALTER TABLE child_surnames DROP COLUMN given_key;
             {copied}
             {rewind}"
        ))
        .await
        .unwrap();
    let reopened = store::open(&server.database_url).await.unwrap();
    let smiths = |given: &str| CandidateQuery {
        name_keys: names::keys("smith"),
        name_dob_window: Some(("2015-01-01".parse().unwrap(), "2015-12-31".parse().unwrap())),
        name_given_keys: names::given_keys(given),
        limit: 100,
        ..CandidateQuery::default()
    };
    let found = reopened.candidates(smiths("amelia")).await.unwrap();
    let found: Vec<&str> = found.iter().map(|c| c.given_names.as_str()).collect();
    assert_eq!(found, ["Amelia"], "her brother Oliver has another key");
    assert_eq!(
        reopened.candidates(smiths("oliver")).await.unwrap().len(),
        1
    );
}

/// A freshly seeded directory has planner statistics, so the first searches use
/// the indexes: without them PostgreSQL scanned whole tables (80 ms a search at 200,000).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn seeding_leaves_the_planner_statistics_that_searches_rely_on() {
    let sqlite = TestServer::start_demo(Backend::Sqlite, 300).await;
    let analysed = sqlite
        .raw_query("SELECT count(*) FROM sqlite_stat1 WHERE tbl = 'child_surnames'")
        .await;
    assert_ne!(
        analysed[0][0].as_deref(),
        Some("0"),
        "no statistics in SQLite"
    );
    if !postgres::available() {
        return;
    }
    let pg = TestServer::start_demo(Backend::Postgres, 300).await;
    let analysed = pg
        .raw_query(
            "SELECT count(*) FROM pg_stat_user_tables
             WHERE relname IN ('children', 'child_surnames', 'surname_keys') AND last_analyze IS NOT NULL",
        )
        .await;
    assert_eq!(analysed[0][0].as_deref(), Some("3"), "tables not analysed");
}
