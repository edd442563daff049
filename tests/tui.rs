//! The real TUI (update, view, effect executor) driven headless against the real
//! server over HTTP, drawn into ratatui's TestBackend.

mod common;

use common::{Backend, TestServer};
use contactpoint::model::{Child, OrgKind};
use contactpoint::tui::{Headless, ThemeName};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::backend::TestBackend;

/// A demo child that goes to a school with a phone number, and that phone number.
async fn child_at_school(server: &TestServer) -> (Child, String) {
    for candidate in server.store.sample_children(200).await.unwrap() {
        let child = server.store.child(&candidate.id).await.unwrap().unwrap();
        let phone = child
            .involvements
            .iter()
            .find(|i| i.organisation.kind == OrgKind::School && i.end_date.is_none())
            .and_then(|i| i.organisation.phone.clone());
        if let (Some(phone), false) = (phone, child.shielded) {
            return (child, phone);
        }
    }
    panic!("the demo directory has children at school");
}

async fn logged_in(
    server: &TestServer,
    width: u16,
    height: u16,
    theme: ThemeName,
    ascii: bool,
) -> Headless<TestBackend> {
    let mut tui = Headless::connect(server.client(), width, height, theme, ascii).await;
    tui.settle().await;
    assert!(
        tui.screen().contains("gp.reception"),
        "demo accounts are listed:\n{}",
        tui.screen()
    );
    tui.press(KeyCode::F(2));
    tui.press(KeyCode::Enter);
    tui.settle().await;
    assert!(tui.screen().contains("Find a child"), "{}", tui.screen());
    tui
}

fn search_for(tui: &mut Headless<TestBackend>, child: &Child) {
    tui.type_str(&child.family_name);
    tui.press(KeyCode::Tab);
    tui.press(KeyCode::Tab);
    tui.type_str(&child.date_of_birth.format("%d/%m/%Y").to_string());
}

#[tokio::test]
async fn log_in_find_a_child_open_it_with_a_reason_and_see_the_schools_phone() {
    let server = TestServer::start_demo(Backend::Sqlite, 400).await;
    let (child, school_phone) = child_at_school(&server).await;
    let mut tui = logged_in(&server, 80, 24, ThemeName::Default, false).await;

    search_for(&mut tui, &child);
    tui.settle().await;
    let screen = tui.screen();
    assert!(
        screen.contains(&child.family_name.to_uppercase()),
        "{screen}"
    );
    assert!(!tui.draw(), "nothing is drawn when nothing changed");

    // Select the row of this child (it may not be first when siblings share the birthday).
    let row = format!(
        "{}, {}",
        child.family_name.to_uppercase(),
        child.given_names
    );
    for _ in 0..10 {
        if tui
            .screen()
            .lines()
            .any(|l| l.contains("> ") && l.contains(&row[..row.len().min(15)]))
        {
            break;
        }
        tui.press(KeyCode::Down);
        tui.draw();
    }
    tui.press(KeyCode::Enter);
    tui.settle().await;
    assert!(
        tui.screen().contains("Safeguarding"),
        "the reason is asked first:\n{}",
        tui.screen()
    );
    tui.press(KeyCode::Enter);
    tui.settle().await;
    let mut seen = tui.screen();
    for _ in 0..6 {
        if seen.contains(&school_phone) {
            break;
        }
        tui.press(KeyCode::PageDown);
        tui.draw();
        seen = tui.screen();
    }
    assert!(
        seen.contains(&school_phone),
        "school phone {school_phone} on the record:\n{seen}"
    );
    assert!(seen.contains(child.id.as_str()), "{seen}");

    tui.press(KeyCode::Esc);
    tui.draw();
    let back = tui.screen();
    assert!(
        back.contains(&child.family_name),
        "the query is intact:\n{back}"
    );
    assert!(
        back.contains(&child.family_name.to_uppercase()),
        "and so are the results:\n{back}"
    );

    // The read was audited with its reason.
    let events = server.store.audit_events(0, 100).await.unwrap();
    let read = events
        .iter()
        .find(|e| e.event.action == "record_read")
        .unwrap();
    assert_eq!(read.event.subjects, [child.id.to_string()]);
    assert_eq!(read.event.reason.as_deref(), Some("safeguarding"));
}

#[tokio::test]
async fn thin_terminals_get_a_compact_layout_and_tiny_ones_a_clear_line() {
    let server = TestServer::start_demo(Backend::Sqlite, 200).await;
    let (child, _) = child_at_school(&server).await;
    let mut tui = logged_in(&server, 60, 20, ThemeName::Default, false).await;
    search_for(&mut tui, &child);
    tui.settle().await;
    assert!(
        tui.screen().contains(&child.family_name.to_uppercase()),
        "{}",
        tui.screen()
    );
    assert!(tui.screen().lines().all(|l| l.chars().count() == 60));

    tui.resize(40, 12);
    tui.draw();
    assert!(
        tui.screen().starts_with("Terminal too small"),
        "{}",
        tui.screen()
    );
    tui.resize(80, 24);
    tui.draw();
    assert!(
        tui.screen().contains(&child.family_name.to_uppercase()),
        "{}",
        tui.screen()
    );
}

#[tokio::test]
async fn mono_and_ascii_profiles_draw_only_ascii_and_mark_the_selection() {
    let server = TestServer::start_demo(Backend::Sqlite, 200).await;
    let (child, _) = child_at_school(&server).await;
    let mut tui = logged_in(&server, 80, 24, ThemeName::Mono, true).await;
    search_for(&mut tui, &child);
    tui.settle().await;
    let screen = tui.screen();
    assert!(screen.is_ascii(), "{screen}");
    assert!(
        screen.lines().any(|l| l.contains("> ")),
        "selection marked by '>' too:\n{screen}"
    );
    let buffer = tui.terminal().backend().buffer();
    let colours: std::collections::HashSet<_> =
        buffer.content().iter().map(|c| (c.fg, c.bg)).collect();
    assert_eq!(colours.len(), 1, "mono uses no colours: {colours:?}");
}

#[tokio::test]
async fn a_wrong_code_is_refused_generically_and_keeps_username_and_password() {
    let server = TestServer::start_demo(Backend::Sqlite, 50).await;
    let mut tui = Headless::connect(server.client(), 80, 24, ThemeName::Default, false).await;
    tui.settle().await;
    tui.press(KeyCode::F(2));
    // Replace the filled-in code with a wrong one.
    for _ in 0..6 {
        tui.press(KeyCode::Backspace);
    }
    tui.type_str("000000");
    tui.press(KeyCode::Enter);
    tui.settle().await;
    let screen = tui.screen();
    assert!(
        screen.contains("username, password or code was not right"),
        "{screen}"
    );
    assert!(screen.contains("gp.reception"), "{screen}");
    let login = &tui.app().login;
    assert_eq!(login.fields[0].value(), "gp.reception");
    assert_eq!(login.fields[1].value(), "open-the-directory");
    assert_eq!(login.fields[2].value(), "", "only the code is cleared");
}

#[tokio::test]
async fn the_help_overlay_lists_keys_and_ctrl_c_quits() {
    let server = TestServer::start_demo(Backend::Sqlite, 50).await;
    let mut tui = logged_in(&server, 80, 24, ThemeName::Default, false).await;
    tui.press(KeyCode::F(1));
    tui.draw();
    let screen = tui.screen();
    assert!(
        screen.contains("Enter") && screen.contains("Esc"),
        "{screen}"
    );
    tui.press_with(KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL));
    assert!(tui.app().should_quit());
}

#[tokio::test]
async fn a_dropped_connection_says_so_and_keeps_what_was_typed() {
    let server = TestServer::start_demo(Backend::Sqlite, 100).await;
    let (child, _) = child_at_school(&server).await;
    let mut tui = logged_in(&server, 80, 24, ThemeName::Default, false).await;
    server.stop();
    search_for(&mut tui, &child);
    tui.settle().await;
    let screen = tui.screen();
    assert!(
        screen.contains("cannot reach the directory server"),
        "{screen}"
    );
    assert!(
        screen.contains(&child.family_name),
        "the surname is still there:\n{screen}"
    );
    let dob = child.date_of_birth.format("%d/%m/%Y").to_string();
    assert!(
        screen.contains(&dob),
        "the date of birth is still there:\n{screen}"
    );
}
