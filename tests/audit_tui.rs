//! Audit review and the misuse report through the real TUI against a real server.

mod common;

use common::{tui_logged_in, Backend, TestServer, TestUser, GP, LEEDS_DIRECTORY, PASSWORD};
use contactpoint::api::{ErrorCode, SearchParams};
use contactpoint::client::Client;
use contactpoint::model::{ReasonCode, Role};
use contactpoint::tui::{Headless, ThemeName};
use crossterm::event::KeyCode;
use ratatui::backend::TestBackend;

type Tui = Headless<TestBackend>;

/// Logs in by typing the form; an auditor lands on the audit review, not the search.
async fn auditor_tui(server: &TestServer, user: &TestUser) -> Tui {
    let mut tui = Headless::connect(server.client(), 80, 24, ThemeName::Mono, true).await;
    tui.settle().await;
    tui.type_str(&user.username);
    tui.press(KeyCode::Tab);
    tui.type_str(PASSWORD);
    tui.press(KeyCode::Tab);
    tui.type_str(&server.code(user));
    tui.press(KeyCode::Enter);
    tui.settle().await;
    server.clock.advance(chrono::Duration::seconds(30));
    tui
}

/// One CSV line's fields: quoted or bare, `""` inside quotes for a quote.
fn fields(line: &str) -> Vec<String> {
    let mut out = vec![String::new()];
    let mut quoted = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' if quoted && chars.peek() == Some(&'"') => {
                chars.next();
                out.last_mut().unwrap().push('"');
            }
            '"' => quoted = !quoted,
            ',' if !quoted => out.push(String::new()),
            c => out.last_mut().unwrap().push(c),
        }
    }
    out
}

async fn search_smith(client: &Client) {
    let _ = client
        .search(&SearchParams {
            surname: Some("Smith".into()),
            dob: Some("2016-04-03".into()),
            ..Default::default()
        })
        .await;
}

#[tokio::test]
async fn the_auditor_lands_on_the_audit_filters_by_user_and_exports_matching_csv() {
    let server = TestServer::start(Backend::Sqlite).await;
    let one = server.logged_in("gp.one", Role::Practitioner, GP).await;
    let two = server.logged_in("gp.two", Role::Practitioner, GP).await;
    search_smith(&one).await;
    search_smith(&two).await;
    search_smith(&one).await;
    let auditor = server.user("auditor", Role::Auditor, LEEDS_DIRECTORY).await;
    let mut tui = auditor_tui(&server, &auditor).await;
    let screen = tui.screen();
    assert!(
        screen.contains("Audit review") && screen.contains("Audit events"),
        "{screen}"
    );
    assert!(!screen.contains("Find a child"), "{screen}");
    assert!(screen.is_ascii(), "{screen}");
    // Esc does not lead an auditor to a search.
    tui.press(KeyCode::Esc);
    tui.settle().await;
    assert!(tui.screen().contains("do not search"), "{}", tui.screen());

    tui.press(KeyCode::Char('f'));
    tui.type_str("gp.one");
    tui.press(KeyCode::Enter);
    tui.settle().await;
    let events = tui.app().oversight.events.clone();
    assert!(events.len() >= 3, "{}", tui.screen()); // two logins... and two searches
    assert!(events.iter().all(|e| e.event.username == "gp.one"));
    assert_eq!(
        events.iter().filter(|e| e.event.action == "search").count(),
        2
    );
    assert!(tui.screen().contains("user gp.one"), "{}", tui.screen());
    assert!(!tui.screen().contains("gp.two"), "{}", tui.screen());

    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("gp-one.csv");
    tui.press(KeyCode::Char('e'));
    for _ in 0.."audit-events.csv".len() {
        tui.press(KeyCode::Backspace);
    }
    tui.type_str(path.to_str().unwrap());
    tui.press(KeyCode::Enter);
    tui.settle().await;
    assert!(
        tui.screen()
            .contains(&format!("Exported {} events", events.len())),
        "{}",
        tui.screen()
    );
    let csv = std::fs::read_to_string(&path).expect("the export is written");
    let mut lines = csv.lines();
    let header = fields(lines.next().unwrap());
    let user_col = header.iter().position(|h| h == "username").expect(&csv);
    let seq_col = header.iter().position(|h| h == "seq").expect(&csv);
    let action_col = header.iter().position(|h| h == "action").expect(&csv);
    let rows: Vec<Vec<String>> = lines.map(fields).collect();
    assert_eq!(rows.len(), events.len(), "{csv}");
    for (row, event) in rows.iter().zip(&events) {
        assert_eq!(row[user_col], "gp.one", "{csv}");
        assert_eq!(row[seq_col], event.seq.to_string(), "{csv}");
        assert_eq!(row[action_col], event.event.action, "{csv}");
    }
    // An existing file is never overwritten.
    tui.press(KeyCode::Char('e'));
    for _ in 0.."audit-events.csv".len() {
        tui.press(KeyCode::Backspace);
    }
    tui.type_str(path.to_str().unwrap());
    tui.press(KeyCode::Enter);
    tui.settle().await;
    assert!(tui.screen().contains("File (!)"), "{}", tui.screen());
    assert_eq!(std::fs::read_to_string(&path).unwrap(), csv);
}

#[tokio::test]
async fn the_misuse_screen_suspends_a_scripted_trawler() {
    let server = TestServer::start(Backend::Sqlite).await;
    let ids: Vec<String> = server
        .store
        .sample_children(100)
        .await
        .unwrap()
        .into_iter()
        .map(|c| c.id)
        .collect();
    let trawler = server.logged_in("gp.trawler", Role::Practitioner, GP).await;
    for id in &ids[..20] {
        trawler
            .child(id, ReasonCode::CoordinatingServices, None)
            .await
            .unwrap();
    }
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
    tui.press(KeyCode::Char('A'));
    tui.settle().await;
    tui.press(KeyCode::Char('m'));
    tui.settle().await;
    let screen = tui.screen();
    assert!(
        screen.contains("gp.trawler") && screen.contains("many_children"),
        "{screen}"
    );
    assert!(screen.is_ascii(), "{screen}");
    let at = tui
        .app()
        .oversight
        .misuse
        .as_ref()
        .unwrap()
        .suspects
        .iter()
        .position(|s| s.username == "gp.trawler")
        .unwrap();
    for _ in 0..at {
        tui.press(KeyCode::Down);
    }
    tui.press(KeyCode::Char('s'));
    tui.draw();
    assert!(
        tui.screen().contains("Suspend gp.trawler?"),
        "{}",
        tui.screen()
    );
    // A reason is required.
    tui.press(KeyCode::Enter);
    tui.draw();
    assert!(tui.screen().contains("Reason (!)"), "{}", tui.screen());
    tui.type_str("twenty records in minutes, no reason to");
    tui.press(KeyCode::Enter);
    tui.settle().await;

    assert!(tui.screen().contains("is suspended"), "{}", tui.screen());
    let refused = trawler
        .child(&ids[0], ReasonCode::CoordinatingServices, None)
        .await
        .unwrap_err();
    assert_eq!(refused.code(), Some(ErrorCode::Unauthenticated));
    let row = tui
        .screen()
        .lines()
        .find(|l| l.contains("gp.trawler"))
        .unwrap()
        .to_string();
    assert!(row.contains("suspended"), "{}", tui.screen());
    let audited = server.audited("account_suspend").await;
    assert_eq!(audited.len(), 1);
    assert_eq!(audited[0].username, "la.admin");
}
