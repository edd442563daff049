//! The editor forms in the real TUI against the real server, at 80x24.

mod common;

use common::{tui_logged_in, tui_open, Backend, TestServer, LEEDS};
use contactpoint::model::Role;
use contactpoint::tui::ThemeName;
use crossterm::event::KeyCode;

const ED: &str = "RR8-ED";

#[tokio::test]
async fn a_practitioner_adds_their_involvement_through_the_form_and_sees_it() {
    let server = TestServer::start(Backend::Sqlite).await;
    let mut tui = tui_logged_in(
        &server,
        "ed.nurse",
        Role::Practitioner,
        ED,
        ThemeName::Mono,
        true,
    )
    .await;
    tui_open(&mut tui, "Walker", "15/01/2016").await;
    tui.press(KeyCode::Char('+'));
    tui.settle().await;
    let screen = tui.screen();
    assert!(screen.contains("Add involvement: "), "{screen}");
    assert!(screen.contains("Practitioner"), "{screen}");
    assert!(screen.is_ascii(), "{screen}");
    tui.press(KeyCode::Tab);
    tui.type_str("0113 243 2799");
    tui.press(KeyCode::Enter);
    tui.settle().await;
    let screen = tui.screen();
    assert!(screen.contains("saved."), "{screen}");
    assert!(screen.contains("Leeds General Infirmary ED"), "{screen}");
    assert!(screen.contains("0113 243 2799"), "{screen}");
}

#[tokio::test]
async fn a_refused_save_keeps_the_form_and_marks_the_field_and_esc_asks() {
    let server = TestServer::start(Backend::Sqlite).await;
    let mut tui = tui_logged_in(
        &server,
        "ed.nurse",
        Role::Practitioner,
        ED,
        ThemeName::Default,
        false,
    )
    .await;
    tui_open(&mut tui, "Walker", "15/01/2016").await;
    tui.press(KeyCode::Char('+'));
    tui.settle().await;
    tui.press(KeyCode::Tab);
    tui.press(KeyCode::Tab);
    tui.type_str("not-an-email");
    tui.press(KeyCode::Enter);
    tui.settle().await;
    let screen = tui.screen();
    assert!(
        screen.contains("Email (!)"),
        "the field at fault is marked: {screen}"
    );
    assert!(
        screen.contains("not-an-email"),
        "what was typed stays: {screen}"
    );
    assert!(!screen.contains("saved."), "{screen}");

    tui.press(KeyCode::Esc);
    tui.settle().await;
    assert!(
        tui.screen().contains("Discard your changes?"),
        "{}",
        tui.screen()
    );
    tui.press(KeyCode::Esc);
    tui.settle().await;
    assert!(tui.screen().contains("not-an-email"), "Esc keeps editing");
    tui.press(KeyCode::Esc);
    tui.press(KeyCode::Enter);
    tui.settle().await;
    assert!(
        !tui.screen().contains("Add involvement"),
        "{}",
        tui.screen()
    );
}

#[tokio::test]
async fn an_administrator_shields_and_unshields_and_sets_the_address_state() {
    let server = TestServer::start(Backend::Sqlite).await;
    let mut tui = tui_logged_in(
        &server,
        "la.admin",
        Role::LaAdmin,
        LEEDS,
        ThemeName::Mono,
        true,
    )
    .await;
    tui_open(&mut tui, "Walker", "15/01/2016").await;
    tui.press(KeyCode::Char('s'));
    tui.settle().await;
    assert!(
        tui.screen().contains("Shield the record"),
        "{}",
        tui.screen()
    );
    tui.press(KeyCode::Enter);
    tui.settle().await;
    assert!(
        tui.screen().contains("RESTRICTED RECORD"),
        "{}",
        tui.screen()
    );
    tui.press(KeyCode::Char('s'));
    tui.press(KeyCode::Enter);
    tui.settle().await;
    assert!(
        !tui.screen().contains("RESTRICTED RECORD"),
        "{}",
        tui.screen()
    );

    tui.press(KeyCode::Char('w'));
    tui.settle().await;
    // Current -> last known -> no address known.
    tui.press(KeyCode::Right);
    tui.press(KeyCode::Right);
    tui.press(KeyCode::Enter);
    tui.settle().await;
    let screen = tui.screen();
    assert!(screen.contains("no address known"), "{screen}");
    assert!(screen.is_ascii());
}
