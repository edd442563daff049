//! Two-factor login through the real HTTP API.

mod common;

use chrono::Duration;
use common::{on_each_backend, Backend, TestServer, GP, PASSWORD};
use contactpoint::api::{ErrorCode, LoginRequest, SearchParams};
use contactpoint::model::Role;
use contactpoint::server::ServerConfig;

fn search() -> SearchParams {
    SearchParams {
        surname: Some("Smith".into()),
        dob: Some("2015-03-04".into()),
        ..Default::default()
    }
}

async fn password_and_current_code_log_in_and_the_token_works(backend: Backend) {
    let server = TestServer::start(backend).await;
    let user = server.user("gp.reception", Role::Practitioner, GP).await;
    let mut client = server.client();
    let resp = client.login(&server.login_request(&user)).await.unwrap();
    assert_eq!(resp.user.username, "gp.reception");
    assert_eq!(resp.user.organisation_name, "Woodhouse Medical Practice");
    assert!(resp.token.len() >= 32, "token has at least 128 bits");
    assert_eq!(
        resp.expires_at,
        chrono::TimeZone::with_ymd_and_hms(&chrono::Utc, 2026, 11, 23, 21, 0, 0).unwrap()
    );
    assert!(!client.search(&search()).await.unwrap().results.is_empty());
}

async fn wrong_password_wrong_code_and_unknown_user_get_the_same_answer(backend: Backend) {
    let server = TestServer::start(backend).await;
    let user = server.user("gp.reception", Role::Practitioner, GP).await;
    let good = server.login_request(&user);
    let attempts = [
        LoginRequest {
            password: "not the password".into(),
            ..good.clone()
        },
        LoginRequest {
            totp: if good.totp == "000000" {
                "111111".into()
            } else {
                "000000".into()
            },
            ..good.clone()
        },
        LoginRequest {
            username: "nobody".into(),
            ..good.clone()
        },
    ];
    let mut messages = Vec::new();
    for attempt in attempts {
        let err = server.client().login(&attempt).await.unwrap_err();
        assert_eq!(err.code(), Some(ErrorCode::InvalidCredentials));
        messages.push(err.to_string());
    }
    assert!(messages.windows(2).all(|w| w[0] == w[1]), "{messages:?}");
    assert!(!messages[0].to_lowercase().contains("code was wrong"));
}

async fn a_code_is_accepted_only_once(backend: Backend) {
    let server = TestServer::start(backend).await;
    let user = server
        .user("ed.nurse", Role::UnscheduledCare, "RR8-ED")
        .await;
    let req = server.login_request(&user);
    server.client().login(&req).await.unwrap();
    let replay = server.client().login(&req).await.unwrap_err();
    assert_eq!(replay.code(), Some(ErrorCode::InvalidCredentials));
}

async fn twenty_concurrent_logins_with_one_code_give_exactly_one_session(backend: Backend) {
    // A high lockout threshold so that the nineteen refusals cannot lock the account first.
    let server = TestServer::start_with(
        backend,
        ServerConfig {
            lock_after_failures: 100,
            ..Default::default()
        },
    )
    .await;
    let user = server
        .user("ed.nurse", Role::UnscheduledCare, "RR8-ED")
        .await;
    let req = server.login_request(&user);
    let attempts = (0..20).map(|_| {
        let mut client = server.client();
        let req = req.clone();
        tokio::spawn(async move { client.login(&req).await.is_ok() })
    });
    let mut successes = 0;
    for a in attempts {
        successes += a.await.unwrap() as usize;
    }
    assert_eq!(successes, 1);
}

async fn repeated_failures_lock_the_account_and_say_so(backend: Backend) {
    let server = TestServer::start(backend).await;
    let user = server.user("gp.reception", Role::Practitioner, GP).await;
    let bad = LoginRequest {
        password: "wrong password!".into(),
        ..server.login_request(&user)
    };
    for _ in 0..5 {
        let err = server.client().login(&bad).await.unwrap_err();
        assert_eq!(err.code(), Some(ErrorCode::InvalidCredentials));
    }
    // Now even the right password and code are refused, and the user is told why.
    let err = server
        .client()
        .login(&server.login_request(&user))
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some(ErrorCode::AccountLocked));
    assert!(err.to_string().contains("locked"));
    // After the lock period the right credentials work again.
    server.clock.advance(Duration::minutes(16));
    server
        .client()
        .login(&server.login_request(&user))
        .await
        .unwrap();
}

async fn sessions_end_after_thirty_idle_minutes(backend: Backend) {
    let server = TestServer::start(backend).await;
    let client = server
        .logged_in("gp.reception", Role::Practitioner, GP)
        .await;
    server.clock.advance(Duration::minutes(29));
    client
        .search(&search())
        .await
        .expect("still active after 29 idle minutes");
    server.clock.advance(Duration::minutes(31));
    let err = client.search(&search()).await.unwrap_err();
    assert_eq!(err.code(), Some(ErrorCode::Unauthenticated));
}

async fn sessions_end_after_twelve_hours_however_busy(backend: Backend) {
    let server = TestServer::start(backend).await;
    let client = server
        .logged_in("gp.reception", Role::Practitioner, GP)
        .await;
    for _ in 0..24 {
        server.clock.advance(Duration::minutes(29));
        client
            .search(&search())
            .await
            .expect("active while used, within 12 hours");
    }
    // 24 x 29 min = 11.6 h plus the login step: still inside 12 h until here.
    server.clock.advance(Duration::minutes(29));
    let err = client.search(&search()).await.unwrap_err();
    assert_eq!(err.code(), Some(ErrorCode::Unauthenticated));
}

async fn logout_revokes_the_token(backend: Backend) {
    let server = TestServer::start(backend).await;
    let mut client = server
        .logged_in("gp.reception", Role::Practitioner, GP)
        .await;
    let token = client.token().unwrap().to_string();
    client.logout().await.unwrap();
    let mut stale = server.client();
    stale.set_token(Some(token));
    let err = stale.search(&search()).await.unwrap_err();
    assert_eq!(err.code(), Some(ErrorCode::Unauthenticated));
}

async fn no_token_no_access(backend: Backend) {
    let server = TestServer::start(backend).await;
    let err = server.client().search(&search()).await.unwrap_err();
    assert_eq!(err.code(), Some(ErrorCode::Unauthenticated));
}

async fn the_password_is_checked_with_argon2id(backend: Backend) {
    let server = TestServer::start(backend).await;
    server.user("gp.reception", Role::Practitioner, GP).await;
    let stored = server.store.user("gp.reception").await.unwrap().unwrap();
    assert!(
        stored
            .password_hash
            .starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
        "{}",
        stored.password_hash
    );
    assert!(!stored.password_hash.contains(PASSWORD));
}

on_each_backend!(
    password_and_current_code_log_in_and_the_token_works,
    wrong_password_wrong_code_and_unknown_user_get_the_same_answer,
    a_code_is_accepted_only_once,
    twenty_concurrent_logins_with_one_code_give_exactly_one_session,
    repeated_failures_lock_the_account_and_say_so,
    sessions_end_after_thirty_idle_minutes,
    sessions_end_after_twelve_hours_however_busy,
    logout_revokes_the_token,
    no_token_no_access,
    the_password_is_checked_with_argon2id,
);
