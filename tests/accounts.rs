//! Account management by administrators, enrolment with a one-time code, and
//! sessions, through the real HTTP API.

mod common;

use common::{on_each_backend, Backend, TestServer, BRADFORD, GP, LEEDS_DIRECTORY, PASSWORD};
use contactpoint::api::{
    EnrolFinishRequest, EnrolStartRequest, ErrorCode, LoginRequest, NewAccountRequest, SearchParams,
};
use contactpoint::client::AccountAction;
use contactpoint::model::{OrgKind, Role};

const NEW_PASSWORD: &str = "a walk along the canal towpath";

fn search() -> SearchParams {
    SearchParams {
        surname: Some("Smith".into()),
        dob: Some("2015-03-04".into()),
        ..Default::default()
    }
}

fn login(user: &common::TestUser, password: &str, server: &TestServer) -> LoginRequest {
    LoginRequest {
        username: user.username.clone(),
        password: password.into(),
        totp: server.code(user),
    }
}

async fn a_new_account_works_only_after_enrolment_with_a_valid_code(backend: Backend) {
    let server = TestServer::start(backend).await;
    let admin = server.admin().await;
    let code = server
        .create_account(&admin, "k.new", "Kim New", Role::Practitioner, GP)
        .await;
    assert_eq!(code.len(), 19, "XXXX-XXXX-XXXX-XXXX");

    // The enrolment code is not a password, and there is no second factor yet.
    let nothing = server
        .client()
        .login(&LoginRequest {
            username: "k.new".into(),
            password: code.clone(),
            totp: "123456".into(),
        })
        .await
        .unwrap_err();
    assert_eq!(nothing.code(), Some(ErrorCode::InvalidCredentials));

    let mut client = server.client();
    let started = client
        .enrol_start(&EnrolStartRequest {
            username: "k.new".into(),
            enrolment_code: code.to_lowercase(),
        })
        .await
        .unwrap();
    assert!(started.needs_password);
    assert!(started.otpauth_uri.starts_with("otpauth://totp/"));
    assert!(started.otpauth_uri.contains(&started.secret));

    // A wrong code does not activate the secret.
    let user = common::TestUser {
        username: "k.new".into(),
        secret: started.secret.clone(),
    };
    let good = server.code(&user);
    let wrong = EnrolFinishRequest {
        username: "k.new".into(),
        enrolment_code: code.clone(),
        password: NEW_PASSWORD.into(),
        totp: if good == "000000" { "111111" } else { "000000" }.into(),
    };
    let err = client.enrol_finish(&wrong).await.unwrap_err();
    assert_eq!(err.code(), Some(ErrorCode::InvalidCredentials));
    let account = server.store.account("k.new").await.unwrap().unwrap();
    assert!(!account.enrolled && account.enrolment_pending);

    let resp = client
        .enrol_finish(&EnrolFinishRequest {
            totp: good,
            ..wrong
        })
        .await
        .unwrap();
    assert_eq!(resp.user.display_name, "Kim New");
    assert!(!client.search(&search()).await.unwrap().results.is_empty());

    // The enrolment code is used up; the password and the app now log in.
    let again = server
        .client()
        .enrol_start(&EnrolStartRequest {
            username: "k.new".into(),
            enrolment_code: code,
        })
        .await
        .unwrap_err();
    assert_eq!(again.code(), Some(ErrorCode::InvalidCredentials));
    server.clock.advance(chrono::Duration::seconds(30));
    server
        .client()
        .login(&login(&user, NEW_PASSWORD, &server))
        .await
        .unwrap();
    let created = server.audited("account_create").await;
    assert_eq!(created[0].subjects, ["k.new"]);
    assert_eq!(created[0].username, "dir.admin");
    let completions = server.audited("enrolment_complete").await;
    let outcomes: Vec<&str> = completions.iter().map(|e| e.outcome.as_str()).collect();
    assert_eq!(outcomes, ["invalid_code", "success"]);
}

async fn resetting_two_factor_invalidates_the_old_secret_and_ends_sessions(backend: Backend) {
    let server = TestServer::start(backend).await;
    let admin = server.admin().await;
    let user = server.user("gp.reception", Role::Practitioner, GP).await;
    let mut client = server.client();
    client.login(&server.login_request(&user)).await.unwrap();
    server.clock.advance(chrono::Duration::seconds(30));

    let reset = admin.reset_two_factor("gp.reception").await.unwrap();
    assert!(!reset.account.enrolled && reset.account.enrolment_pending);
    let err = client.search(&search()).await.unwrap_err();
    assert_eq!(err.code(), Some(ErrorCode::Unauthenticated));
    let old = server
        .client()
        .login(&server.login_request(&user))
        .await
        .unwrap_err();
    assert_eq!(old.code(), Some(ErrorCode::InvalidCredentials));

    // Re-enrolling keeps the password: the current one is asked for, not a new one.
    let (client, new_user) = server
        .enrol("gp.reception", &reset.enrolment.enrolment_code, PASSWORD)
        .await
        .unwrap();
    assert_ne!(new_user.secret, user.secret);
    assert!(client.search(&search()).await.is_ok());
    assert_eq!(server.audited("account_two_factor_reset").await.len(), 1);
}

async fn a_disabled_users_token_is_refused_at_once_and_enabling_lets_them_back(backend: Backend) {
    let server = TestServer::start(backend).await;
    let admin = server.admin().await;
    let user = server.user("gp.reception", Role::Practitioner, GP).await;
    let mut client = server.client();
    client.login(&server.login_request(&user)).await.unwrap();
    assert!(client.search(&search()).await.is_ok());

    let done = admin
        .account_action("gp.reception", AccountAction::Disable)
        .await
        .unwrap();
    assert!(done.account.disabled);
    assert_eq!(done.account.sessions, 0);
    let err = client.search(&search()).await.unwrap_err();
    assert_eq!(err.code(), Some(ErrorCode::Unauthenticated));
    server.clock.advance(chrono::Duration::seconds(30));
    assert!(server
        .client()
        .login(&server.login_request(&user))
        .await
        .is_err());

    admin
        .account_action("gp.reception", AccountAction::Enable)
        .await
        .unwrap();
    server.clock.advance(chrono::Duration::seconds(30));
    server
        .client()
        .login(&server.login_request(&user))
        .await
        .unwrap();
}

async fn a_role_change_takes_effect_on_the_next_request(backend: Backend) {
    let server = TestServer::start(backend).await;
    let admin = server.admin().await;
    let client = server
        .logged_in("la.person", Role::Practitioner, LEEDS_DIRECTORY)
        .await;
    let before = client.accounts().await.unwrap_err();
    assert_eq!(before.code(), Some(ErrorCode::Forbidden));

    admin.change_role("la.person", Role::LaAdmin).await.unwrap();
    let after = client.accounts().await.unwrap();
    assert!(after.accounts.iter().any(|a| a.username == "la.person"));
    let audited = server.audited("account_role_change").await;
    assert_eq!(audited[0].details["role"], "la_admin");
}

async fn a_local_authority_administrator_manages_only_their_own_authority(backend: Backend) {
    let server = TestServer::start(backend).await;
    let la_admin = server
        .logged_in("la.admin", Role::LaAdmin, LEEDS_DIRECTORY)
        .await;
    server.user("bradford.sw", Role::SocialCare, BRADFORD).await;
    server.user("leeds.gp", Role::Practitioner, GP).await;

    let listed: Vec<String> = la_admin
        .accounts()
        .await
        .unwrap()
        .accounts
        .into_iter()
        .map(|a| a.username)
        .collect();
    assert!(listed.contains(&"leeds.gp".to_string()));
    assert!(!listed.contains(&"bradford.sw".to_string()));

    let outside = la_admin
        .account_action("bradford.sw", AccountAction::Disable)
        .await
        .unwrap_err();
    assert_eq!(outside.code(), Some(ErrorCode::Forbidden));
    assert!(
        !server
            .store
            .account("bradford.sw")
            .await
            .unwrap()
            .unwrap()
            .disabled
    );

    let new = |org: &str, role| NewAccountRequest {
        username: "x.person".into(),
        display_name: "X Person".into(),
        organisation: org.into(),
        role,
        phone: None,
        child_protection: false,
    };
    let elsewhere = la_admin
        .create_account(&new(BRADFORD, Role::Practitioner))
        .await;
    assert_eq!(elsewhere.unwrap_err().code(), Some(ErrorCode::Forbidden));
    let too_high = la_admin.create_account(&new(GP, Role::Admin)).await;
    assert!(too_high.unwrap_err().to_string().contains("admin"));
    assert!(server.store.account("x.person").await.unwrap().is_none());
    la_admin
        .create_account(&new(GP, Role::Practitioner))
        .await
        .unwrap();

    // Refused attempts are audited too.
    let disables = server.audited("account_disable").await;
    assert_eq!(disables[0].outcome, "forbidden");

    let practitioner = server.logged_in("gp.2", Role::Practitioner, GP).await;
    let denied = practitioner.accounts().await.unwrap_err();
    assert_eq!(denied.code(), Some(ErrorCode::Forbidden));
}

async fn bad_account_input_gets_a_clear_message_and_changes_nothing(backend: Backend) {
    let server = TestServer::start(backend).await;
    let admin = server.admin().await;
    let base = NewAccountRequest {
        username: "ok.name".into(),
        display_name: "Ok Name".into(),
        organisation: GP.into(),
        role: Role::Practitioner,
        phone: None,
        child_protection: true,
    };
    let cases = [
        (
            NewAccountRequest {
                username: "Bad Name!".into(),
                ..base.clone()
            },
            "lower-case",
        ),
        (
            NewAccountRequest {
                organisation: "NOPE".into(),
                ..base.clone()
            },
            "no organisation",
        ),
        (
            NewAccountRequest {
                display_name: " ".into(),
                ..base.clone()
            },
            "display name",
        ),
        (
            NewAccountRequest {
                phone: Some("call me".into()),
                ..base.clone()
            },
            "phone",
        ),
    ];
    for (req, says) in cases {
        let err = admin.create_account(&req).await.unwrap_err();
        assert_eq!(err.code(), Some(ErrorCode::BadRequest));
        assert!(err.to_string().contains(says), "{err}");
    }
    assert_eq!(admin.accounts().await.unwrap().accounts.len(), 1);
    let created = admin.create_account(&base).await.unwrap();
    assert!(created.account.child_protection);
    let twice = admin.create_account(&base).await.unwrap_err();
    assert_eq!(twice.code(), Some(ErrorCode::Conflict));
    let own = admin
        .account_action("dir.admin", AccountAction::Disable)
        .await
        .unwrap_err();
    assert_eq!(own.code(), Some(ErrorCode::Forbidden));
}

async fn an_administrator_unlocks_a_locked_account_and_ends_its_sessions(backend: Backend) {
    let server = TestServer::start(backend).await;
    let admin = server.admin().await;
    let user = server.user("gp.reception", Role::Practitioner, GP).await;
    let mut first = server.client();
    first.login(&server.login_request(&user)).await.unwrap();
    for _ in 0..5 {
        let _ = server
            .client()
            .login(&LoginRequest {
                password: "not the password at all".into(),
                ..server.login_request(&user)
            })
            .await;
    }
    let view = admin.accounts().await.unwrap();
    let locked = view.accounts.iter().find(|a| a.username == "gp.reception");
    assert!(locked.unwrap().locked);

    admin
        .account_action("gp.reception", AccountAction::Unlock)
        .await
        .unwrap();
    server.clock.advance(chrono::Duration::seconds(30));
    server
        .client()
        .login(&server.login_request(&user))
        .await
        .unwrap();

    let ended = admin
        .account_action("gp.reception", AccountAction::EndSessions)
        .await
        .unwrap();
    assert!(
        ended.message.contains("Ended 2 sessions"),
        "{}",
        ended.message
    );
    assert_eq!(
        first.search(&search()).await.unwrap_err().code(),
        Some(ErrorCode::Unauthenticated)
    );
}

async fn administrators_create_and_edit_organisations(backend: Backend) {
    let server = TestServer::start(backend).await;
    let admin = server.admin().await;
    let mut school = common::org(
        "107999",
        "Kirkstall Academy",
        OrgKind::School,
        common::LEEDS,
    );
    school.address = Some("Kirkstall Lane, Leeds LS5 3JS".into());
    school.email = Some("dsl@kirkstall.sch.gov.uk".into());
    admin.create_organisation(&school).await.unwrap();
    school.phone = Some("0113 496 0999".into());
    admin.update_organisation(&school).await.unwrap();
    let stored = server.store.organisation("107999").await.unwrap().unwrap();
    assert_eq!(stored, school);

    let mut bad = school.clone();
    bad.email = Some("not an email".into());
    let err = admin.update_organisation(&bad).await.unwrap_err();
    assert!(err.to_string().contains("email"), "{err}");
    assert_eq!(
        server.store.organisation("107999").await.unwrap().unwrap(),
        school
    );
    let dup = admin.create_organisation(&school).await.unwrap_err();
    assert_eq!(dup.code(), Some(ErrorCode::Conflict));

    let la_admin = server
        .logged_in("la.admin", Role::LaAdmin, LEEDS_DIRECTORY)
        .await;
    let bradford_school = common::org("380999", "Bradford School", OrgKind::School, BRADFORD);
    let err = la_admin
        .create_organisation(&bradford_school)
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some(ErrorCode::Forbidden));
    assert_eq!(server.audited("organisation_update").await.len(), 2);
}

async fn a_user_sees_their_sessions_and_ends_another(backend: Backend) {
    let server = TestServer::start(backend).await;
    let user = server.user("gp.reception", Role::Practitioner, GP).await;
    let mut desk = server.client();
    desk.login(&server.login_request(&user)).await.unwrap();
    server.clock.advance(chrono::Duration::seconds(30));
    let mut laptop = server.client();
    laptop.login(&server.login_request(&user)).await.unwrap();

    let sessions = laptop.sessions().await.unwrap().sessions;
    assert_eq!(sessions.len(), 2);
    let other = sessions.iter().find(|s| !s.current).unwrap();
    laptop.end_session(&other.id).await.unwrap();
    assert_eq!(
        desk.search(&search()).await.unwrap_err().code(),
        Some(ErrorCode::Unauthenticated)
    );
    assert_eq!(laptop.sessions().await.unwrap().sessions.len(), 1);
    assert_eq!(
        laptop
            .end_session("0000000000000000")
            .await
            .unwrap_err()
            .code(),
        Some(ErrorCode::NotFound)
    );
}

async fn totp_secrets_are_sealed_at_rest_and_plaintext_ones_are_sealed_at_start(backend: Backend) {
    let server = TestServer::start(backend).await;
    let user = server.user("gp.reception", Role::Practitioner, GP).await;
    let stored_secret = || async {
        server
            .raw_query("SELECT totp_secret FROM users WHERE username = 'gp.reception'")
            .await[0][0]
            .clone()
            .unwrap()
    };
    let stored = stored_secret().await;
    assert!(stored.starts_with("v1:") && !stored.contains(&user.secret));

    // A secret left in plaintext by an older version is sealed when a server starts.
    server
        .raw_sql(&format!(
            "UPDATE users SET totp_secret = '{}' WHERE username = 'gp.reception'",
            user.secret
        ))
        .await
        .unwrap();
    let state = contactpoint::server::AppState::new(
        server.store.clone(),
        server.clock.clone(),
        Default::default(),
        server.keys.clone(),
    );
    let again = contactpoint::server::spawn(state, "127.0.0.1:0")
        .await
        .unwrap();
    let resealed = stored_secret().await;
    assert!(resealed.starts_with("v1:"));
    let mut client = contactpoint::client::Client::new(&again.url(), false).unwrap();
    client.login(&server.login_request(&user)).await.unwrap();
}

on_each_backend!(
    a_new_account_works_only_after_enrolment_with_a_valid_code,
    resetting_two_factor_invalidates_the_old_secret_and_ends_sessions,
    a_disabled_users_token_is_refused_at_once_and_enabling_lets_them_back,
    a_role_change_takes_effect_on_the_next_request,
    a_local_authority_administrator_manages_only_their_own_authority,
    bad_account_input_gets_a_clear_message_and_changes_nothing,
    an_administrator_unlocks_a_locked_account_and_ends_its_sessions,
    administrators_create_and_edit_organisations,
    a_user_sees_their_sessions_and_ends_another,
    totp_secrets_are_sealed_at_rest_and_plaintext_ones_are_sealed_at_start,
);
