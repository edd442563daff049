//! CP-IS in the real TUI against the real server: the banner an emergency
//! department sees, and the social care inbox count that follows new attendances.

mod common;

use std::time::Duration;

use common::*;
use contactpoint::model::Role;
use contactpoint::tui::{Headless, ThemeName};
use crossterm::event::KeyCode;
use ratatui::backend::TestBackend;

/// Amelia Smith on a child protection plan (uploaded by Leeds); her directory ID.
async fn amelia_on_a_plan(server: &TestServer) -> String {
    let amelia = server.stored_child("Smith", "2015-03-04").await;
    let csv = format!(
        "{FEED_HEADER}\n{}\n",
        feed_row(&amelia, "cpp", "", "2025-02-01", "", "")
    );
    la_admin(server, "la.admin")
        .await
        .upload_feed(csv)
        .await
        .unwrap();
    amelia.id.to_string()
}

/// The TUI logged in as a new user, by typing the username, password and code.
async fn tui_as(
    server: &TestServer,
    username: &str,
    role: Role,
    org: &str,
    theme: ThemeName,
    ascii: bool,
) -> Headless<TestBackend> {
    let user = server.user(username, role, org).await;
    let mut tui = Headless::connect(server.client(), 80, 24, theme, ascii).await;
    tui.settle().await;
    tui.type_str(username);
    tui.press(KeyCode::Tab);
    tui.type_str(PASSWORD);
    tui.press(KeyCode::Tab);
    tui.type_str(&server.code(&user));
    tui.press(KeyCode::Enter);
    tui.settle().await;
    assert!(tui.screen().contains("Find a child"), "{}", tui.screen());
    server.clock.advance(chrono::Duration::seconds(30));
    tui
}

fn find_amelia(tui: &mut Headless<TestBackend>) {
    tui.type_str("Smith");
    tui.press(KeyCode::Tab);
    tui.press(KeyCode::Tab);
    tui.type_str("04/03/2015");
}

async fn banner_in_results_and_record(theme: ThemeName, ascii: bool) -> Headless<TestBackend> {
    let server = TestServer::start(Backend::Sqlite).await;
    let id = amelia_on_a_plan(&server).await;
    let mut tui = tui_as(
        &server,
        "ed.nurse",
        Role::UnscheduledCare,
        "RR8-ED",
        theme,
        ascii,
    )
    .await;
    find_amelia(&mut tui);
    tui.settle().await;
    let results = tui.screen();
    for shown in [
        "> [CPP] SMITH, Am",
        "CHILD PROTECTION PLAN",
        "Leeds City Council",
        LEEDS_OFFICE,
        LEEDS_NIGHT,
    ] {
        assert!(results.contains(shown), "{shown} in results:\n{results}");
    }
    assert!(
        !results.contains("[CPP] SMITH, Oliver"),
        "only the flagged child is tagged:\n{results}"
    );
    assert!(results.lines().all(|l| l.chars().count() == 80));

    tui.press(KeyCode::Enter);
    tui.settle().await;
    tui.press(KeyCode::Enter);
    tui.settle().await;
    let record = tui.screen();
    for shown in [
        "CHILD PROTECTION PLAN",
        "Leeds City Council",
        LEEDS_OFFICE,
        LEEDS_NIGHT,
    ] {
        assert!(record.contains(shown), "{shown} on the record:\n{record}");
    }

    tui.press(KeyCode::Char('a'));
    tui.settle().await;
    // The user sees at once that it worked, and the attendance itself, without scrolling.
    let seen = tui.screen();
    assert!(seen.contains("Attendance recorded"), "{seen}");
    assert!(
        seen.contains("Attendances at unscheduled care (last 1)"),
        "{seen}"
    );
    assert!(seen.contains("Emergency department"), "{seen}");
    let sent = server.store.notifications(LEEDS, false, 10).await.unwrap();
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].notification.child_id.as_deref(), Some(id.as_str()));
    tui
}

#[tokio::test]
async fn the_banner_names_the_plan_the_authority_and_both_phones_at_80x24() {
    banner_in_results_and_record(ThemeName::Default, false).await;
}

#[tokio::test]
async fn the_banner_reads_the_same_in_mono_and_ascii() {
    let tui = banner_in_results_and_record(ThemeName::Mono, true).await;
    let screen = tui.screen();
    assert!(screen.is_ascii(), "{screen}");
    let buffer = tui.terminal().backend().buffer();
    let colours: std::collections::HashSet<_> =
        buffer.content().iter().map(|c| (c.fg, c.bg)).collect();
    assert_eq!(colours.len(), 1, "mono uses no colours: {colours:?}");
}

#[tokio::test]
async fn the_inbox_count_updates_when_a_notification_arrives_and_marking_read_clears_it() {
    let server = TestServer::start(Backend::Sqlite).await;
    let id = amelia_on_a_plan(&server).await;
    let mut tui = tui_as(
        &server,
        "social.worker",
        Role::SocialCare,
        LEEDS,
        ThemeName::Default,
        false,
    )
    .await;
    tui.set_inbox_poll(Duration::from_millis(100));
    assert!(tui.screen().contains("Inbox: 0 unread"), "{}", tui.screen());

    // An emergency department records an attendance, elsewhere.
    let ed = server
        .logged_in("ed.nurse", Role::UnscheduledCare, "RR8-ED")
        .await;
    ed.record_attendance(&id, None).await.unwrap();
    tui.press(KeyCode::Esc);
    let mut screen = String::new();
    for _ in 0..40 {
        tokio::time::sleep(Duration::from_millis(150)).await;
        tui.settle().await;
        screen = tui.screen();
        if screen.contains("Inbox: 1 unread") {
            break;
        }
    }
    assert!(screen.contains("Inbox: 1 unread"), "{screen}");

    tui.press(KeyCode::Char('i'));
    tui.settle().await;
    let inbox = tui.screen();
    for shown in [
        "NEW",
        "Amelia Smith",
        "Emergency department",
        "Leeds General Infirmary ED",
    ] {
        assert!(inbox.contains(shown), "{shown} in the inbox:\n{inbox}");
    }
    tui.press(KeyCode::Enter);
    tui.settle().await;
    let read = tui.screen();
    assert!(read.contains("read by social.worker"), "{read}");
    assert!(read.contains("Inbox: 0 unread"), "{read}");

    // With the inbox open, a new attendance appears in the list itself.
    server.clock.advance(chrono::Duration::minutes(1));
    ed.record_attendance(&id, Some(contactpoint::model::CareSetting::WalkInCentre))
        .await
        .unwrap();
    for _ in 0..40 {
        tokio::time::sleep(Duration::from_millis(150)).await;
        tui.settle().await;
        screen = tui.screen();
        if screen.contains("Walk-in centre") {
            break;
        }
    }
    assert!(screen.contains("Walk-in centre"), "{screen}");
    assert!(screen.contains("Inbox: 1 unread"), "{screen}");
    let newest = screen.find("Walk-in centre").unwrap();
    assert!(
        newest < screen.find("Emergency department").unwrap(),
        "newest first:\n{screen}"
    );
}
