//! The possible-duplicates screen in the real TUI against the real server: a
//! planted pair is listed side by side, merging it asks which record survives,
//! and the old ID then leads to the survivor and says so.

mod common;

use common::{child, tui_logged_in, Backend, TestServer, LEEDS_DIRECTORY};
use contactpoint::model::Role;
use contactpoint::tui::ThemeName;
use crossterm::event::KeyCode;
use ratatui::backend::TestBackend;

type Tui = contactpoint::tui::Headless<TestBackend>;

/// Moves the selection down to the pair with this ID (the fixture has other,
/// stronger pairs: its Patels differ only by a digit in name and birthday).
async fn select_pair_with(tui: &mut Tui, id: &str) {
    let index = tui
        .app()
        .duplicates
        .as_ref()
        .expect("the duplicates screen is open")
        .pairs()
        .iter()
        .position(|p| p.first.id == id || p.second.id == id)
        .expect("the planted pair is listed");
    for _ in 0..index {
        tui.press(KeyCode::Down);
    }
    tui.settle().await;
}

fn listed(tui: &Tui) -> usize {
    tui.app().duplicates.as_ref().map_or(0, |d| d.pairs().len())
}

/// Two records of one child: a one-digit slip in the date of birth and a misspelt
/// surname. Returns their IDs, lower first (the list shows the lower on the left).
async fn with_duplicate(server: &TestServer) -> (String, String) {
    let a = child("Kowalski", "Zofia", "2013-05-17", "LS6 1QQ");
    let mut b = child("Kowalsky", "Zofia", "2013-05-18", "LS6 1QQ");
    b.nhs_number = None;
    b.carers[0].name = "Sam Kowalski".into();
    let (a_id, b_id) = (a.id.to_string(), b.id.to_string());
    server.store.insert_children(vec![a, b]).await.unwrap();
    if a_id < b_id {
        (a_id, b_id)
    } else {
        (b_id, a_id)
    }
}

#[tokio::test]
async fn the_duplicates_screen_lists_a_planted_pair_and_a_merge_makes_the_old_id_redirect() {
    let server = TestServer::start(Backend::Sqlite).await;
    let (left, right) = with_duplicate(&server).await;
    let mut tui = tui_logged_in(
        &server,
        "dir.admin",
        Role::Admin,
        LEEDS_DIRECTORY,
        ThemeName::Default,
        false,
    )
    .await;
    tui.press(KeyCode::Esc);
    tui.press(KeyCode::Char('D'));
    tui.settle().await;
    let before = listed(&tui);
    assert!(
        tui.screen()
            .contains(&format!("Possible duplicates: {before} pairs")),
        "{}",
        tui.screen()
    );
    select_pair_with(&mut tui, &left).await;
    let screen = tui.screen();
    assert!(screen.contains("KOWALSKI, Zofia"), "{screen}");
    assert!(screen.contains("KOWALSKY, Zofia"), "{screen}");
    assert!(screen.contains("born 17/05/2013  F  LS6"), "{screen}");
    assert!(screen.contains(&format!("ID {left}")), "{screen}");
    assert!(screen.contains(&format!("ID {right}")), "{screen}");
    assert!(screen.contains("same postcode"), "{screen}");
    assert!(screen.contains("carer in common"), "{screen}");

    // Enter asks first, naming which record survives; s swaps it, twice is back.
    tui.press(KeyCode::Enter);
    tui.settle().await;
    let screen = tui.screen();
    assert!(screen.contains(&format!("Keeps:  {left}")), "{screen}");
    assert!(screen.contains(&format!("Merges: {right}")), "{screen}");
    assert!(
        screen.contains(&format!("{right} will then redirect to {left}")),
        "{screen}"
    );
    tui.press(KeyCode::Char('s'));
    tui.settle().await;
    assert!(
        tui.screen().contains(&format!("Keeps:  {right}")),
        "{}",
        tui.screen()
    );
    // Esc cancels: nothing is merged.
    tui.press(KeyCode::Esc);
    tui.settle().await;
    assert!(!tui.screen().contains("Keeps:"), "{}", tui.screen());
    assert_eq!(server.store.redirect(&right).await.unwrap(), None);

    // Keep the right-hand record this time.
    tui.press(KeyCode::Enter);
    tui.press(KeyCode::Char('s'));
    tui.press(KeyCode::Enter);
    tui.settle().await;
    let screen = tui.screen();
    assert!(
        screen.contains(&format!("Merged {left} into {right}")),
        "{screen}"
    );
    assert_eq!(listed(&tui), before - 1, "the merged pair is gone");
    assert!(!screen.contains(&format!("ID {left}")), "{screen}");

    // Back to the search: the old ID opens the survivor, which says so.
    tui.press(KeyCode::Esc);
    tui.settle().await;
    assert!(!tui.screen().contains("Possible duplicates"));
    tui.press(KeyCode::Tab);
    for _ in 0..4 {
        tui.press(KeyCode::Tab);
    }
    tui.type_str(&left);
    tui.settle().await;
    tui.press(KeyCode::Enter);
    tui.press(KeyCode::Enter);
    tui.settle().await;
    let screen = tui.screen();
    assert!(screen.contains("Services involved"), "{screen}");
    assert!(
        screen.contains(&format!("{left} was merged into this record ({right})")),
        "{screen}"
    );
}

#[tokio::test]
async fn the_duplicates_screen_in_mono_and_ascii_draws_only_ascii_even_when_compact() {
    let server = TestServer::start(Backend::Sqlite).await;
    let (left, right) = with_duplicate(&server).await;
    // The authority's directory team sees its own authority's pairs.
    let mut tui = tui_logged_in(
        &server,
        "la.admin",
        Role::LaAdmin,
        LEEDS_DIRECTORY,
        ThemeName::Mono,
        true,
    )
    .await;
    tui.press(KeyCode::Esc);
    tui.press(KeyCode::Char('D'));
    tui.settle().await;
    select_pair_with(&mut tui, &left).await;
    let screen = tui.screen();
    assert!(screen.contains("KOWALSKI, Zofia"), "{screen}");
    assert!(screen.contains(&format!("ID {left}")), "{screen}");
    assert!(screen.contains(" | "), "an ASCII divider: {screen}");
    assert!(screen.is_ascii(), "{screen}");
    tui.press(KeyCode::Enter);
    tui.settle().await;
    let screen = tui.screen();
    assert!(screen.contains("Keeps:"), "{screen}");
    assert!(screen.is_ascii(), "{screen}");

    tui.resize(60, 20);
    tui.settle().await;
    let screen = tui.screen();
    assert!(!screen.contains("too small"), "{screen}");
    assert!(screen.contains(&format!("Merges: {right}")), "{screen}");
    assert!(screen.is_ascii(), "{screen}");
    tui.press(KeyCode::Esc);
    tui.settle().await;
    let screen = tui.screen();
    assert!(screen.contains("KOWALSKY, Zofia"), "{screen}");
    assert!(screen.contains(&format!("ID {right}")), "{screen}");
    assert!(screen.is_ascii(), "{screen}");
}

#[tokio::test]
async fn a_practitioner_is_told_the_duplicates_are_for_the_directory_team() {
    let server = TestServer::start(Backend::Sqlite).await;
    let mut tui = tui_logged_in(
        &server,
        "gp.reception",
        Role::Practitioner,
        common::GP,
        ThemeName::Default,
        false,
    )
    .await;
    tui.press(KeyCode::Esc);
    tui.press(KeyCode::Char('D'));
    tui.settle().await;
    let screen = tui.screen();
    assert!(
        screen.contains("Only the directory team can review possible duplicates"),
        "{screen}"
    );
    assert!(!screen.contains("Possible duplicates:"), "{screen}");
}
