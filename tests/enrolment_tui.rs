//! The real TUI against the real server: first-time enrolment with the secret
//! drawn as a QR code, and the idle lock.

mod common;

use std::time::Duration;

use common::{Backend, TestServer, GP, PASSWORD};
use contactpoint::model::Role;
use contactpoint::tui::{Headless, ThemeName};
use crossterm::event::KeyCode;
use ratatui::backend::TestBackend;

const NEW_PASSWORD: &str = "lanterns over the river aire";

async fn tui(server: &TestServer, ascii: bool) -> Headless<TestBackend> {
    let mut tui = Headless::connect(server.client(), 80, 24, ThemeName::Default, ascii).await;
    tui.settle().await;
    tui
}

/// The base32 key as the screen shows it, spaces removed.
fn key_on_screen(screen: &str) -> String {
    let line = screen
        .lines()
        .find(|l| l.contains("or type this key"))
        .and_then(|_| {
            let lines: Vec<&str> = screen.lines().collect();
            let at = lines.iter().position(|l| l.contains("or type this key"))?;
            Some(lines[at + 2])
        })
        .expect("the key is shown");
    // The last eight groups of four on the line, right of the QR code.
    let groups: Vec<&str> = line.split_whitespace().collect();
    groups[groups.len().saturating_sub(8)..].concat()
}

async fn enrol_on_screen(ascii: bool) {
    let server = TestServer::start(Backend::Sqlite).await;
    let admin = server.admin().await;
    let code = server
        .create_account(&admin, "new.starter", "New Starter", Role::Practitioner, GP)
        .await;
    let mut tui = tui(&server, ascii).await;
    tui.press(KeyCode::F(3));
    tui.type_str("new.starter");
    tui.press(KeyCode::Tab);
    tui.type_str(&code);
    tui.press(KeyCode::Tab);
    tui.type_str(NEW_PASSWORD);
    tui.press(KeyCode::Enter);
    tui.settle().await;
    let screen = tui.screen();
    if ascii {
        assert!(screen.is_ascii(), "{screen}");
        assert!(screen.contains("##"), "an ASCII QR code:\n{screen}");
    } else {
        assert!(
            screen.contains('▀') && screen.contains('▄') && screen.contains('█'),
            "a half-block QR code:\n{screen}"
        );
    }
    assert!(!screen.contains(NEW_PASSWORD));
    let secret = key_on_screen(&screen);
    assert_eq!(secret.len(), 32, "{screen}");
    let user = common::TestUser {
        username: "new.starter".into(),
        secret,
    };

    // A wrong code is refused and nothing is activated.
    let good = server.code(&user);
    tui.type_str(if good == "000000" { "111111" } else { "000000" });
    tui.press(KeyCode::Enter);
    tui.settle().await;
    assert!(tui.screen().contains("does not match"), "{}", tui.screen());
    let account = server.store.account("new.starter").await.unwrap().unwrap();
    assert!(!account.enrolled);

    tui.type_str(&good);
    tui.press(KeyCode::Enter);
    tui.settle().await;
    assert!(tui.screen().contains("Find a child"), "{}", tui.screen());
    assert!(tui.screen().contains("New Starter"));
    assert!(
        server
            .store
            .account("new.starter")
            .await
            .unwrap()
            .unwrap()
            .enrolled
    );
}

#[tokio::test]
async fn enrolment_shows_a_qr_code_at_80x24_and_activates_only_after_a_valid_code() {
    enrol_on_screen(false).await;
}

#[tokio::test]
async fn enrolment_draws_the_qr_code_in_ascii_when_asked() {
    enrol_on_screen(true).await;
}

#[tokio::test]
async fn the_screen_locks_after_idle_and_resumes_in_place_with_password_and_a_fresh_code() {
    let server = TestServer::start(Backend::Sqlite).await;
    let user = server.user("gp.reception", Role::Practitioner, GP).await;
    let mut tui = tui(&server, false).await;
    tui.set_lock_after(Duration::from_secs(5 * 60));
    tui.type_str("gp.reception");
    tui.press(KeyCode::Tab);
    tui.type_str(PASSWORD);
    tui.press(KeyCode::Tab);
    tui.type_str(&server.code(&user));
    tui.press(KeyCode::Enter);
    tui.settle().await;
    tui.type_str("Smith");
    tui.press(KeyCode::Tab);
    tui.press(KeyCode::Tab);
    tui.type_str("04/03/2015");
    tui.settle().await;
    tui.press(KeyCode::Enter);
    tui.press(KeyCode::Enter);
    tui.settle().await;
    let record = tui.screen();
    assert!(record.contains("Child record"), "{record}");
    let name = if record.contains("Amelia") {
        "Amelia"
    } else {
        "Oliver"
    };

    tui.idle_for(Duration::from_secs(4 * 60));
    tui.settle().await;
    assert!(tui.screen().contains(name), "not yet locked");
    tui.idle_for(Duration::from_secs(5 * 60 + 1));
    tui.settle().await;
    let locked = tui.screen();
    assert!(locked.contains("Screen locked"), "{locked}");
    assert!(
        !locked.contains(name) && !locked.contains("SMITH"),
        "{locked}"
    );

    // The code used to log in is spent: a wrong password or an old code keeps it locked.
    tui.type_str("not my password");
    tui.press(KeyCode::Tab);
    server.clock.advance(chrono::Duration::seconds(30));
    tui.type_str(&server.code(&user));
    tui.press(KeyCode::Enter);
    tui.settle().await;
    assert!(tui.screen().contains("Screen locked"));
    assert!(!tui.screen().contains(name));

    // Password and a fresh code: back on the same record.
    tui.press(KeyCode::BackTab);
    for _ in 0.."not my password".len() {
        tui.press(KeyCode::Backspace);
    }
    tui.type_str(PASSWORD);
    tui.press(KeyCode::Tab);
    server.clock.advance(chrono::Duration::seconds(30));
    tui.type_str(&server.code(&user));
    tui.press(KeyCode::Enter);
    tui.settle().await;
    let resumed = tui.screen();
    assert!(
        resumed.contains("Child record") && resumed.contains(name),
        "{resumed}"
    );
    tui.press(KeyCode::Esc);
    tui.draw();
    assert!(tui.screen().contains("Smith"), "the search is kept too");
}
