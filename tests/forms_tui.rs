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

#[tokio::test]
async fn an_administrator_edits_identity_through_the_form_and_sees_it_in_the_history() {
    let server = TestServer::start(Backend::Sqlite).await;
    let mut tui = tui_logged_in(
        &server,
        "dir.admin",
        Role::Admin,
        common::LEEDS_DIRECTORY,
        ThemeName::Default,
        false,
    )
    .await;
    tui_open(&mut tui, "Walker", "15/01/2016").await;
    tui.press(KeyCode::Char('i'));
    tui.settle().await;
    assert!(tui.screen().contains("Identity"), "{}", tui.screen());
    // Family name first: add to it; then to "Why", the last field: change of name.
    tui.type_str("-Smith");
    for _ in 0..5 {
        tui.press(KeyCode::Tab);
    }
    tui.press(KeyCode::Right);
    tui.press(KeyCode::Enter);
    tui.settle().await;
    let screen = tui.screen();
    assert!(screen.contains("Identity: saved."), "{screen}");
    assert!(screen.contains("WALKER-SMITH"), "{screen}");

    tui.press(KeyCode::Char('h'));
    tui.settle().await;
    let screen = tui.screen();
    assert!(screen.contains("Identity history"), "{screen}");
    assert!(screen.contains("(change of name)"), "{screen}");
    assert!(
        screen.contains("was: WALKER, Lily; born 15/01/2016"),
        "{screen}"
    );
    tui.press(KeyCode::Esc);
    tui.settle().await;
    assert!(!tui.screen().contains("Identity history"));
}

#[tokio::test]
async fn an_administrator_adds_and_removes_a_carer_through_the_form() {
    let server = TestServer::start(Backend::Sqlite).await;
    let mut tui = tui_logged_in(
        &server,
        "la.admin",
        Role::LaAdmin,
        common::LEEDS_DIRECTORY,
        ThemeName::Mono,
        true,
    )
    .await;
    tui_open(&mut tui, "Walker", "15/01/2016").await;
    tui.press(KeyCode::Char('c'));
    tui.settle().await;
    assert!(tui.screen().contains("Add a new carer"), "{}", tui.screen());
    tui.press(KeyCode::Enter);
    tui.settle().await;
    assert!(tui.screen().contains("Add a carer"), "{}", tui.screen());
    tui.type_str("Bartholomew Walker");
    tui.press(KeyCode::Tab);
    tui.press(KeyCode::Right); // Mother -> Father
    tui.press(KeyCode::Tab);
    tui.press(KeyCode::Tab);
    tui.type_str("0113 496 0777");
    tui.press(KeyCode::Enter);
    tui.settle().await;
    let screen = tui.screen();
    assert!(screen.contains("Add a carer: saved."), "{screen}");
    assert!(screen.contains("Bartholomew Walker"), "{screen}");
    assert!(screen.is_ascii(), "{screen}");

    // The carers picker narrows as typed: straight to removing the new carer.
    tui.press(KeyCode::Char('c'));
    tui.settle().await;
    tui.type_str("remove barth");
    tui.settle().await;
    tui.press(KeyCode::Enter);
    tui.settle().await;
    assert!(
        tui.screen().contains("Enter removes Bartholomew Walker"),
        "{}",
        tui.screen()
    );
    tui.press(KeyCode::Enter);
    tui.settle().await;
    let screen = tui.screen();
    assert!(screen.contains("Remove carer: saved."), "{screen}");
    assert!(!screen.contains("Bartholomew Walker"), "{screen}");
}

#[tokio::test]
async fn the_organisation_picker_narrows_to_a_typed_school_name() {
    let server = TestServer::start(Backend::Sqlite).await;
    let mut tui = tui_logged_in(
        &server,
        "dir.admin",
        Role::Admin,
        common::LEEDS_DIRECTORY,
        ThemeName::Default,
        false,
    )
    .await;
    tui_open(&mut tui, "Walker", "15/01/2016").await;
    tui.press(KeyCode::Char('+'));
    tui.settle().await;
    let screen = tui.screen();
    assert!(screen.contains("Organisation: type to narrow"), "{screen}");
    assert!(screen.contains("Woodhouse Medical Practice"), "{screen}");
    tui.type_str("hyde prim");
    tui.settle().await;
    let screen = tui.screen();
    assert!(screen.contains("Hyde Park Primary School"), "{screen}");
    assert!(!screen.contains("Woodhouse Medical Practice"), "{screen}");
    assert!(!screen.contains("Leeds CAMHS"), "{screen}");
    tui.press(KeyCode::Enter);
    tui.settle().await;
    let screen = tui.screen();
    assert!(
        screen.contains("Add involvement: Hyde Park Primary School"),
        "{screen}"
    );
}
