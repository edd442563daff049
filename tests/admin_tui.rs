//! The accounts and own-sessions screens, driven through the real TUI against a
//! real server: what an administrator does there takes effect at once.

mod common;

use common::{tui_logged_in, tui_logged_in_as, Backend, TestServer, GP, LEEDS_DIRECTORY};
use contactpoint::api::{ErrorCode, SearchParams};
use contactpoint::client::Client;
use contactpoint::model::Role;
use contactpoint::tui::oversight::Pane;
use contactpoint::tui::{Headless, ThemeName};
use crossterm::event::KeyCode;
use ratatui::backend::TestBackend;

type Tui = Headless<TestBackend>;

async fn admin_tui(server: &TestServer) -> Tui {
    tui_logged_in(
        server,
        "dir.admin",
        Role::Admin,
        LEEDS_DIRECTORY,
        ThemeName::Mono,
        true,
    )
    .await
}

/// Esc leaves the search field; `U` opens the accounts.
async fn open_accounts(tui: &mut Tui) {
    tui.press(KeyCode::Esc);
    tui.press(KeyCode::Char('U'));
    tui.settle().await;
    assert!(
        tui.screen().contains("Accounts you manage"),
        "{}",
        tui.screen()
    );
}

/// Moves the selection to `username`'s row.
fn select_account(tui: &mut Tui, username: &str) {
    for _ in 0..50 {
        if tui
            .app()
            .oversight
            .selected_account()
            .is_some_and(|a| a.username == username)
        {
            tui.draw();
            return;
        }
        tui.press(KeyCode::Down);
    }
    panic!("{username} is not listed:\n{}", tui.screen());
}

async fn refused(client: &Client) -> bool {
    let result = client
        .search(&SearchParams {
            surname: Some("Smith".into()),
            dob: Some("2016-04-03".into()),
            ..Default::default()
        })
        .await;
    result.is_err_and(|e| e.code() == Some(ErrorCode::Unauthenticated))
}

fn assert_ascii(tui: &Tui, what: &str) {
    let screen = tui.screen();
    assert!(screen.is_ascii(), "{what} draws non-ASCII:\n{screen}");
}

#[tokio::test]
async fn an_admin_disables_a_user_from_the_accounts_screen_and_their_token_is_refused() {
    let server = TestServer::start(Backend::Sqlite).await;
    let victim = server.logged_in("gp.victim", Role::Practitioner, GP).await;
    assert!(!refused(&victim).await);
    let mut tui = admin_tui(&server).await;
    open_accounts(&mut tui).await;
    select_account(&mut tui, "gp.victim");
    let row = tui
        .screen()
        .lines()
        .find(|l| l.contains("gp.victim"))
        .unwrap()
        .to_string();
    assert!(row.contains("> ") && row.contains("active"), "{row}");

    tui.press(KeyCode::Char('d'));
    tui.draw();
    assert!(
        tui.screen().contains("Disable gp.victim?"),
        "{}",
        tui.screen()
    );
    tui.press(KeyCode::Enter);
    tui.settle().await;

    assert!(
        refused(&victim).await,
        "a disabled user's token still works"
    );
    let row = tui
        .screen()
        .lines()
        .find(|l| l.contains("gp.victim"))
        .unwrap()
        .to_string();
    assert!(row.contains("disabled"), "{}", tui.screen());

    // And back: re-enabling asks too.
    tui.press(KeyCode::Char('d'));
    tui.draw();
    assert!(
        tui.screen().contains("Re-enable gp.victim?"),
        "{}",
        tui.screen()
    );
    tui.press(KeyCode::Esc);
    tui.draw();
    assert!(!tui.screen().contains("Re-enable"), "{}", tui.screen());
}

#[tokio::test]
async fn an_admin_creates_an_account_and_sees_the_enrolment_code() {
    let server = TestServer::start(Backend::Sqlite).await;
    let mut tui = admin_tui(&server).await;
    open_accounts(&mut tui).await;
    tui.press(KeyCode::Char('n'));
    tui.settle().await;
    assert!(tui.screen().contains("organisation"), "{}", tui.screen());
    tui.type_str("Woodhouse");
    tui.press(KeyCode::Enter);
    tui.draw();
    assert!(
        tui.screen().contains("Create an account") && tui.screen().contains("B86001"),
        "{}",
        tui.screen()
    );
    // A bad username is refused with the field marked, and what was typed kept.
    tui.type_str("Bad Name");
    tui.press(KeyCode::Tab);
    tui.type_str("Nia Patel");
    tui.press(KeyCode::Enter);
    tui.settle().await;
    assert!(tui.screen().contains("Username (!)"), "{}", tui.screen());
    assert!(tui.screen().contains("Nia Patel"), "{}", tui.screen());
    tui.press(KeyCode::Tab); // Username was focused; clear it.
    tui.press(KeyCode::BackTab);
    for _ in 0..10 {
        tui.press(KeyCode::Backspace);
    }
    tui.type_str("n.patel");
    tui.press(KeyCode::Tab);
    tui.press(KeyCode::Tab);
    tui.press(KeyCode::Tab);
    tui.type_str("0113 496 0777");
    tui.press(KeyCode::Enter);
    tui.settle().await;

    let code = tui
        .app()
        .oversight
        .enrolment
        .as_ref()
        .expect("an enrolment code is shown")
        .enrolment_code
        .clone();
    let screen = tui.screen();
    assert!(
        screen.contains("Enrolment code for n.patel") && screen.contains(&code),
        "{screen}"
    );
    assert!(screen.contains("not enrolled"), "{screen}");
    assert_ascii(&tui, "the enrolment code");
    // The code works once, for that user.
    let (client, _) = server
        .enrol("n.patel", &code, "a long and private passphrase")
        .await
        .expect("the shown code enrols");
    assert!(!refused(&client).await);
}

#[tokio::test]
async fn a_user_ends_another_of_their_sessions() {
    let server = TestServer::start(Backend::Sqlite).await;
    let user = server.user("gp.two", Role::Practitioner, GP).await;
    let mut tui = tui_logged_in_as(&server, &user, ThemeName::Mono, true).await;
    let mut other = server.client();
    other.login(&server.login_request(&user)).await.unwrap();
    server.clock.advance(chrono::Duration::seconds(30));
    assert!(!refused(&other).await);

    tui.press(KeyCode::Esc);
    tui.press(KeyCode::Char('M'));
    tui.settle().await;
    assert_eq!(
        tui.app().screen,
        contactpoint::tui::app::Screen::Oversight(Pane::Sessions)
    );
    assert_eq!(tui.app().oversight.sessions.len(), 2, "{}", tui.screen());
    assert!(tui.screen().contains("this one"), "{}", tui.screen());
    // The current session is not ended from here.
    let current = tui
        .app()
        .oversight
        .sessions
        .iter()
        .position(|s| s.current)
        .unwrap();
    if current == 0 {
        tui.press(KeyCode::Down);
    }
    tui.press(KeyCode::Char('x'));
    tui.draw();
    assert!(tui.screen().contains("End session"), "{}", tui.screen());
    tui.press(KeyCode::Enter);
    tui.settle().await;

    assert!(refused(&other).await, "the other session still works");
    assert_eq!(tui.app().oversight.sessions.len(), 1, "{}", tui.screen());
    assert!(tui.screen().contains("Session ended"), "{}", tui.screen());
    // This one goes on.
    tui.press(KeyCode::Esc);
    tui.draw();
    assert!(tui.screen().contains("Find a child"), "{}", tui.screen());
}

#[tokio::test]
async fn a_user_changes_their_password_with_a_fresh_code() {
    let server = TestServer::start(Backend::Sqlite).await;
    let user = server.user("gp.three", Role::Practitioner, GP).await;
    let mut tui = tui_logged_in_as(&server, &user, ThemeName::Mono, true).await;
    tui.press(KeyCode::Esc);
    tui.press(KeyCode::Char('M'));
    tui.settle().await;
    tui.press(KeyCode::Char('p'));
    tui.type_str(common::PASSWORD);
    tui.press(KeyCode::Tab);
    tui.type_str("a brand new passphrase");
    tui.press(KeyCode::Tab);
    tui.type_str("a brand new passphrasX");
    tui.press(KeyCode::Tab);
    tui.type_str(&server.code(&user));
    tui.press(KeyCode::Enter);
    tui.settle().await;
    let screen = tui.screen();
    assert!(screen.contains("New password again (!)"), "{screen}");
    assert!(
        !screen.contains("a brand new"),
        "a password is drawn: {screen}"
    );
    tui.press(KeyCode::Backspace);
    tui.type_str("e");
    tui.press(KeyCode::Enter);
    tui.settle().await;
    assert!(
        tui.screen().contains("Password changed"),
        "{}",
        tui.screen()
    );
    server.clock.advance(chrono::Duration::seconds(30));
    let mut client = server.client();
    let mut request = server.login_request(&user);
    request.password = "a brand new passphrase".into();
    client
        .login(&request)
        .await
        .expect("the new password works");
}

#[tokio::test]
async fn every_oversight_screen_draws_only_ascii_in_mono_ascii_mode() {
    let server = TestServer::start(Backend::Sqlite).await;
    let _someone = server.logged_in("gp.four", Role::Practitioner, GP).await;
    let mut tui = admin_tui(&server).await;
    open_accounts(&mut tui).await;
    assert_ascii(&tui, "accounts");
    for key in ['d', 'r', 't', 'x', 'u'] {
        tui.press(KeyCode::Char(key));
        tui.draw();
        assert_ascii(&tui, &format!("the {key} confirmation"));
        tui.press(KeyCode::Esc);
    }
    tui.press(KeyCode::Char('n'));
    tui.settle().await;
    assert_ascii(&tui, "the organisation picker");
    tui.press(KeyCode::Enter);
    tui.draw();
    assert_ascii(&tui, "the new account form");
    tui.press(KeyCode::Esc);
    tui.press(KeyCode::Esc);
    tui.press(KeyCode::Char('A'));
    tui.settle().await;
    assert!(tui.screen().contains("Audit events"), "{}", tui.screen());
    assert_ascii(&tui, "audit review");
    for key in ['f', 'e'] {
        tui.press(KeyCode::Char(key));
        tui.draw();
        assert_ascii(&tui, &format!("the {key} form"));
        tui.press(KeyCode::Esc);
    }
    tui.press(KeyCode::Char('m'));
    tui.settle().await;
    assert!(tui.screen().contains("Possible misuse"), "{}", tui.screen());
    assert_ascii(&tui, "misuse report");
    tui.press(KeyCode::Esc);
    tui.settle().await;
    tui.press(KeyCode::Char('M'));
    tui.settle().await;
    assert_ascii(&tui, "my sessions");
    tui.press(KeyCode::Char('p'));
    tui.draw();
    assert_ascii(&tui, "the password form");
    tui.press(KeyCode::Esc);
    tui.press(KeyCode::F(1));
    tui.draw();
    assert_ascii(&tui, "help");
    let footer = tui.screen().lines().last().unwrap().to_string();
    assert!(footer.contains("F1 help"), "{footer}");
}
