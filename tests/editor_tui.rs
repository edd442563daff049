//! The editors in the real TUI against the real server, at 80x24.

mod common;

use common::{tui_logged_in, tui_logged_in_as, tui_open, Backend, TestServer, GP};
use contactpoint::api::{IndicatorUpdate, SearchParams};
use contactpoint::model::{ReasonCode, Role};
use contactpoint::tui::ThemeName;
use crossterm::event::KeyCode;

#[tokio::test]
async fn set_an_indicator_in_the_tui_and_see_it_after_reopening() {
    let server = TestServer::start(Backend::Sqlite).await;
    let mut tui = tui_logged_in(
        &server,
        "gp.reception",
        Role::Practitioner,
        GP,
        ThemeName::Mono,
        true,
    )
    .await;
    tui_open(&mut tui, "Smith", "04/03/2015").await;

    tui.press(KeyCode::Char('e'));
    tui.settle().await;
    let screen = tui.screen();
    assert!(
        screen.contains("Indicators: Woodhouse Medical Practice"),
        "{screen}"
    );
    assert!(
        screen.contains("> [ ] Has information to share"),
        "{screen}"
    );
    tui.press(KeyCode::Char(' '));
    tui.press(KeyCode::Enter);
    tui.settle().await;
    assert!(
        tui.screen().contains("Indicators saved."),
        "{}",
        tui.screen()
    );

    // Leave the record (dropping it) and open it again from the results.
    tui.press(KeyCode::Esc);
    tui.press(KeyCode::Enter);
    tui.press(KeyCode::Enter);
    tui.settle().await;
    let screen = tui.screen();
    assert!(screen.contains("[x] Info to share"), "{screen}");
    assert!(
        screen.contains("Info to share: gp.reception (test) 23/11/2026"),
        "who set it and when: {screen}"
    );
    assert!(screen.is_ascii());
}

#[tokio::test]
async fn a_conflict_shows_what_changed_and_re_applies_the_users_change() {
    let server = TestServer::start(Backend::Sqlite).await;
    let mut tui = tui_logged_in(
        &server,
        "gp.reception",
        Role::Practitioner,
        GP,
        ThemeName::Default,
        false,
    )
    .await;
    tui_open(&mut tui, "Smith", "04/03/2015").await;
    tui.press(KeyCode::Char('e'));
    tui.settle().await;

    // A colleague at the same practice saves "taking action" meanwhile.
    let colleague = server
        .logged_in("gp.colleague", Role::Practitioner, GP)
        .await;
    let params = SearchParams {
        surname: Some("Smith".into()),
        dob: Some("2015-03-04".into()),
        ..Default::default()
    };
    let id = colleague.search(&params).await.unwrap().results[0]
        .id
        .clone();
    let record = colleague
        .child(&id, ReasonCode::CoordinatingServices, None)
        .await
        .unwrap();
    let gp = record
        .involvements
        .iter()
        .find(|i| i.organisation.code == GP)
        .unwrap();
    let mut theirs = gp.indicators.unwrap();
    theirs.taking_action = true;
    colleague
        .set_indicators(gp.id, &IndicatorUpdate::new(theirs, gp.version))
        .await
        .unwrap();

    tui.press(KeyCode::Char(' ')); // has information to share
    tui.press(KeyCode::Enter);
    tui.settle().await;
    let screen = tui.screen();
    assert!(
        screen.contains("Someone else saved changes first"),
        "{screen}"
    );
    assert!(
        screen.contains("Taking action set by gp.colleague (test)"),
        "{screen}"
    );

    tui.press(KeyCode::Enter);
    tui.settle().await;
    assert!(
        tui.screen().contains("Indicators saved."),
        "{}",
        tui.screen()
    );
    let now = colleague
        .involvement(gp.id)
        .await
        .unwrap()
        .indicators
        .unwrap();
    assert!(
        now.taking_action && now.has_information,
        "both changes kept"
    );
}

#[tokio::test]
async fn esc_with_unsaved_changes_asks_before_discarding() {
    let server = TestServer::start(Backend::Sqlite).await;
    let mut tui = tui_logged_in(
        &server,
        "gp.reception",
        Role::Practitioner,
        GP,
        ThemeName::Default,
        true,
    )
    .await;
    tui_open(&mut tui, "Smith", "04/03/2015").await;
    tui.press(KeyCode::Char('e'));
    tui.press(KeyCode::Char(' '));
    tui.press(KeyCode::Esc);
    tui.settle().await;
    assert!(
        tui.screen().contains("Discard your changes?"),
        "{}",
        tui.screen()
    );
    tui.press(KeyCode::Esc);
    tui.settle().await;
    assert!(
        tui.screen().contains("> [x] Has information"),
        "still editing: {}",
        tui.screen()
    );
}

#[tokio::test]
async fn the_shield_override_warns_asks_a_reason_and_shows_the_record_once() {
    let server = TestServer::start(Backend::Sqlite).await;
    let social = server
        .user("social.worker", Role::SocialCare, common::LEEDS)
        .await;
    server
        .store
        .set_child_protection_duty(&social.username, true)
        .await
        .unwrap();
    let mut tui = tui_logged_in_as(&server, &social, ThemeName::Mono, true).await;
    tui_open(&mut tui, "Hidden", "04/04/2014").await;
    assert!(
        tui.screen().contains("RESTRICTED RECORD"),
        "{}",
        tui.screen()
    );

    tui.press(KeyCode::Char('o'));
    tui.settle().await;
    let screen = tui.screen();
    assert!(
        screen.contains("WARNING: an override triggers an investigation"),
        "{screen}"
    );
    assert!(screen.contains("lasts for this viewing only"), "{screen}");
    tui.press(KeyCode::Enter);
    tui.settle().await;
    let screen = tui.screen();
    assert!(
        screen.contains("Cardigan Road"),
        "the hidden address is shown: {screen}"
    );
    assert_eq!(
        server
            .store
            .notifications("383-DIR", true, 10)
            .await
            .unwrap()
            .len(),
        1,
        "the authority's directory team is alerted"
    );
}
