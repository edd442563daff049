//! Password rules as a user meets them: choosing one at enrolment and changing
//! one's own. 12 to 128 characters of anything (NFKC), no composition rules,
//! nothing common, nothing containing the username or the product's name.

mod common;

use common::{Backend, TestServer, GP, PASSWORD};
use contactpoint::api::{EnrolFinishRequest, EnrolStartRequest, ErrorCode, PasswordChange};
use contactpoint::model::Role;

/// Tries to finish a new account's enrolment with `password`; Ok(()) if accepted.
async fn choose(server: &TestServer, username: &str, password: &str) -> Result<(), String> {
    let admin = server
        .logged_in(
            &format!("admin.{username}"),
            Role::Admin,
            common::LEEDS_DIRECTORY,
        )
        .await;
    let code = server
        .create_account(&admin, username, "Pat Example", Role::Practitioner, GP)
        .await;
    server
        .enrol(username, &code, password)
        .await
        .map(|_| ())
        .map_err(|e| {
            assert_eq!(e.code(), Some(ErrorCode::BadRequest), "{e}");
            e.to_string()
        })
}

#[tokio::test]
async fn length_is_checked_at_11_12_128_and_129_characters() {
    let server = TestServer::start(Backend::Sqlite).await;
    let err = choose(
        &server,
        "p.eleven",
        &"q7".repeat(5).chars().chain(['x']).collect::<String>(),
    )
    .await
    .unwrap_err();
    assert!(err.contains("12 to 128") && err.contains("11"), "{err}");
    choose(&server, "p.twelve", "q7w8e9r0t1y2").await.unwrap();
    choose(&server, "p.max", &"tree frog ".repeat(13)[..128])
        .await
        .unwrap();
    let err = choose(
        &server,
        "p.over",
        &format!("{}x", &"tree frog ".repeat(13)[..128]),
    )
    .await
    .unwrap_err();
    assert!(err.contains("129"), "{err}");
    // The refused accounts are still waiting to enrol: nothing was set.
    let account = server.store.account("p.over").await.unwrap().unwrap();
    assert!(!account.enrolled && account.enrolment_pending);
}

#[tokio::test]
async fn unicode_counts_in_characters_after_nfkc_and_any_form_logs_in() {
    let server = TestServer::start(Backend::Sqlite).await;
    // Twelve "é" typed as e + combining accent are 24 code points but 12 characters.
    let decomposed = "e\u{301}".repeat(12);
    let admin = server.admin().await;
    let code = server
        .create_account(&admin, "p.accent", "Pat Accent", Role::Practitioner, GP)
        .await;
    let (_, user) = server.enrol("p.accent", &code, &decomposed).await.unwrap();
    // The same password typed precomposed logs in.
    let login = contactpoint::api::LoginRequest {
        username: "p.accent".into(),
        password: "\u{e9}".repeat(12),
        totp: server.code(&user),
    };
    server.client().login(&login).await.unwrap();

    // Six "ﬀ" ligatures are twelve letters once normalised; eleven CJK characters are too few.
    choose(&server, "p.ligature", &"\u{FB00}".repeat(6))
        .await
        .unwrap();
    let err = choose(&server, "p.kanji", &"\u{732B}".repeat(11))
        .await
        .unwrap_err();
    assert!(err.contains("11"), "{err}");
    choose(&server, "p.emoji", &"\u{1F408}\u{1F409}".repeat(6))
        .await
        .unwrap();
}

#[tokio::test]
async fn common_passwords_and_ones_with_the_username_or_product_name_are_refused() {
    let server = TestServer::start(Backend::Sqlite).await;
    for (user, password, says) in [
        ("p.common1", "password1234", "commonly used"),
        ("p.common2", "QWERTYUIOP123", "commonly used"),
        ("p.common3", "123456789012", "commonly used"),
        ("p.jsmith", "my name is p.jsmith ok", "username"),
        (
            "p.product",
            "i use ContactPoint daily",
            "name of this system",
        ),
    ] {
        let err = choose(&server, user, password).await.unwrap_err();
        assert!(err.contains(says), "{password}: {err}");
    }
    // No composition rules: all lower-case letters and spaces are fine.
    choose(&server, "p.plain", "purple elephants dance slowly")
        .await
        .unwrap();
}

#[tokio::test]
async fn changing_ones_password_needs_the_current_one_and_a_fresh_code() {
    let server = TestServer::start(Backend::Sqlite).await;
    let user = server.user("gp.reception", Role::Practitioner, GP).await;
    let mut client = server.client();
    client.login(&server.login_request(&user)).await.unwrap();
    server.clock.advance(chrono::Duration::seconds(30));
    let mut other = server.client();
    other.login(&server.login_request(&user)).await.unwrap();
    server.clock.advance(chrono::Duration::seconds(30));

    let change = |current: &str, new: &str, totp: String| PasswordChange {
        current_password: current.into(),
        new_password: new.into(),
        totp,
    };
    let wrong = client
        .change_password(&change(
            "not my password",
            "a brand new passphrase",
            server.code(&user),
        ))
        .await
        .unwrap_err();
    assert_eq!(wrong.code(), Some(ErrorCode::InvalidCredentials));
    server.clock.advance(chrono::Duration::seconds(30));
    let weak = client
        .change_password(&change(PASSWORD, "password1234", server.code(&user)))
        .await
        .unwrap_err();
    assert!(weak.to_string().contains("commonly used"));
    server.clock.advance(chrono::Duration::seconds(30));
    client
        .change_password(&change(
            PASSWORD,
            "a brand new passphrase",
            server.code(&user),
        ))
        .await
        .unwrap();
    // Other sessions end; this one stays.
    assert!(other.sessions().await.is_err());
    assert_eq!(client.sessions().await.unwrap().sessions.len(), 1);
    server.clock.advance(chrono::Duration::seconds(30));
    let old = server.client().login(&server.login_request(&user)).await;
    assert_eq!(old.unwrap_err().code(), Some(ErrorCode::InvalidCredentials));
    let new = contactpoint::api::LoginRequest {
        password: "a brand new passphrase".into(),
        ..server.login_request(&user)
    };
    server.client().login(&new).await.unwrap();
    let changes = server.audited("password_change").await;
    let outcomes: Vec<&str> = changes.iter().map(|e| e.outcome.as_str()).collect();
    assert_eq!(
        outcomes,
        ["invalid_credentials", "password_refused", "success"]
    );
    let text = serde_json::to_string(&changes).unwrap();
    assert!(!text.contains("brand new") && !text.contains(PASSWORD));
}

#[tokio::test]
async fn an_enrolment_with_a_wrong_code_or_username_reveals_nothing() {
    let server = TestServer::start(Backend::Sqlite).await;
    let admin = server.admin().await;
    let code = server
        .create_account(&admin, "p.real", "Pat Real", Role::Practitioner, GP)
        .await;
    let start = |username: &str, code: &str| EnrolStartRequest {
        username: username.into(),
        enrolment_code: code.into(),
    };
    let a = server
        .client()
        .enrol_start(&start("p.real", "AAAA-BBBB-CCCC-DDDD"))
        .await;
    let b = server.client().enrol_start(&start("p.nobody", &code)).await;
    let (a, b) = (a.unwrap_err(), b.unwrap_err());
    assert_eq!(a.to_string(), b.to_string());
    // Finishing before starting is refused without activating anything.
    let finish = server
        .client()
        .enrol_finish(&EnrolFinishRequest {
            username: "p.real".into(),
            enrolment_code: code,
            password: "a perfectly fine passphrase".into(),
            totp: "123456".into(),
        })
        .await
        .unwrap_err();
    assert!(
        finish.to_string().contains("Start the enrolment"),
        "{finish}"
    );
}
