//! Screen-level tests: drive `update` with keys and synthetic replies, draw into a
//! `TestBackend`, and check what a user would see.

use chrono::{NaiveDate, TimeZone, Utc};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier};
use ratatui::Terminal;

use crate::api::{
    CarerView, ChildRecord, DemoAccount, ErrorCode, InvolvementView, LocalAuthorityContact,
    SearchHit, UserSummary,
};
use crate::client::ClientError;
use crate::model::{
    Address, AddressState, FormerName, Gender, Indicators, OrgKind, Organisation, Practitioner,
    ReasonCode, Relationship, Role,
};
use crate::tui::app::{update, App, Screen};
use crate::tui::clock::Clock;
use crate::tui::keymap::BINDINGS;
use crate::tui::msg::{Effect, Msg};
use crate::tui::screens::view;
use crate::tui::theme::ThemeName;

/// RFC 6238's SHA1 test secret, base32.
const SECRET: &str = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";

fn clock() -> Clock {
    // Unix time 59 is RFC 6238's first test vector; the date matters for ages.
    Clock::Fixed(Utc.with_ymd_and_hms(2025, 6, 1, 10, 0, 0).unwrap())
}

fn new_app(theme: ThemeName, ascii: bool, width: u16, height: u16) -> App {
    App::new(theme, ascii, clock(), Rect::new(0, 0, width, height))
}

fn press_with(app: &mut App, code: KeyCode, modifiers: KeyModifiers) -> Vec<Effect> {
    update(app, Msg::Key(KeyEvent::new(code, modifiers)))
}

fn press(app: &mut App, code: KeyCode) -> Vec<Effect> {
    press_with(app, code, KeyModifiers::NONE)
}

fn type_str(app: &mut App, text: &str) {
    for c in text.chars() {
        press(app, KeyCode::Char(c));
    }
}

fn buffer(app: &mut App) -> Buffer {
    let mut terminal = Terminal::new(TestBackend::new(app.size.width, app.size.height)).unwrap();
    terminal.draw(|frame| view(app, frame)).unwrap();
    app.mark_drawn();
    terminal.backend().buffer().clone()
}

fn text_of(buffer: &Buffer) -> String {
    let mut out = String::new();
    for y in 0..buffer.area.height {
        for x in 0..buffer.area.width {
            out.push_str(buffer[(x, y)].symbol());
        }
        out.push('\n');
    }
    out
}

fn screen(app: &mut App) -> String {
    text_of(&buffer(app))
}

pub(super) fn demo_accounts() -> Vec<DemoAccount> {
    let account = |username: &str, role, description: &str| DemoAccount {
        username: username.into(),
        password: format!("{username}-pw"),
        totp_secret: SECRET.into(),
        role,
        organisation: "Y12345".into(),
        description: description.into(),
    };
    vec![
        account(
            "gp.reception",
            Role::Practitioner,
            "GP practice receptionist",
        ),
        account(
            "ed.nurse",
            Role::UnscheduledCare,
            "Emergency department nurse",
        ),
    ]
}

fn with_demo(app: &mut App) {
    update(app, Msg::DemoAccountsLoaded(Ok(Some(demo_accounts()))));
}

pub(super) fn user() -> UserSummary {
    UserSummary {
        username: "gp.reception".into(),
        display_name: "Gail Porter".into(),
        role: Role::Practitioner,
        organisation: "Y12345".into(),
        organisation_name: "Oak Lane Surgery".into(),
    }
}

fn logged_in(width: u16, height: u16) -> App {
    let mut app = new_app(ThemeName::Default, false, width, height);
    update(&mut app, Msg::LoginDone(Ok(user())));
    app
}

fn hit(id: &str, family: &str, given: &str) -> SearchHit {
    SearchHit {
        id: id.into(),
        family_name: family.into(),
        given_names: given.into(),
        date_of_birth: NaiveDate::from_ymd_opt(2016, 4, 3).unwrap(),
        gender: Gender::Male,
        score: 0.97,
        postcode_district: Some("LS6".into()),
        school: Some("Oakwood Primary".into()),
        gp_practice: Some("Oak Lane Surgery".into()),
        matched_former_name: None,
        shielded: false,
        redirected_from: None,
        protection: None,
    }
}

pub(super) fn hits() -> Vec<SearchHit> {
    vec![
        hit("7K3M-9QX2-P", "Smith", "Jack"),
        hit("8A2B-1CD3-E", "Smyth", "Jake"),
    ]
}

/// Logged in, "Smith" typed, DOB typed, the debounced search sent and answered.
fn with_results(width: u16, height: u16) -> App {
    let mut app = logged_in(width, height);
    type_str(&mut app, "Smith");
    press(&mut app, KeyCode::Tab);
    press(&mut app, KeyCode::Tab);
    type_str(&mut app, "03/04/2016");
    let effects = update(&mut app, Msg::DeadlineReached);
    let [Effect::Search { request_id, .. }] = effects.as_slice() else {
        panic!("{effects:?}")
    };
    update(
        &mut app,
        Msg::SearchDone {
            request_id: *request_id,
            result: Ok(hits()),
        },
    );
    app
}

fn organisation(name: &str, kind: OrgKind, phone: &str) -> Organisation {
    Organisation {
        code: "100001".into(),
        name: name.into(),
        kind,
        phone: Some(phone.into()),
        email: None,
        address: None,
        local_authority: "E08000035".into(),
    }
}

fn involvement(id: i64, org: Organisation) -> InvolvementView {
    InvolvementView {
        id,
        organisation: org,
        practitioner: None,
        start_date: NaiveDate::from_ymd_opt(2020, 9, 1),
        end_date: None,
        indicators: Some(Indicators::default()),
        indicator_marks: None,
        consent: None,
        brokered: false,
        version: 1,
    }
}

pub(super) fn record() -> ChildRecord {
    let mut school = involvement(
        1,
        organisation("Oakwood Primary", OrgKind::School, "0113 496 0000"),
    );
    school.practitioner = Some(Practitioner {
        name: "Ms Ada Teacher".into(),
        phone: Some("0113 496 0001".into()),
        email: Some("a.teacher@oakwood.example".into()),
    });
    school.indicators = Some(Indicators {
        has_information: true,
        ..Default::default()
    });
    let mut visiting = involvement(
        2,
        organisation(
            "Leeds Health Visiting",
            OrgKind::HealthVisiting,
            "0113 496 0100",
        ),
    );
    visiting.end_date = NaiveDate::from_ymd_opt(2019, 1, 1);
    let mut camhs = involvement(
        3,
        organisation(
            "Leeds Directory Team",
            OrgKind::DirectoryTeam,
            "0113 496 0200",
        ),
    );
    camhs.brokered = true;
    camhs.indicators = None;
    ChildRecord {
        id: "7K3M-9QX2-P".into(),
        nhs_number: Some("9434765919".into()),
        family_name: "Smith".into(),
        given_names: "Jack".into(),
        former_names: vec![FormerName {
            family_name: "Jones".into(),
            given_names: "Jack".into(),
        }],
        date_of_birth: NaiveDate::from_ymd_opt(2016, 4, 3).unwrap(),
        gender: Gender::Male,
        address: Some(AddressState::Current {
            address: Address {
                lines: vec!["1 High Street".into()],
                town: "Leeds".into(),
                postcode: "LS6 2AB".parse().unwrap(),
            },
        }),
        local_authority: Some(LocalAuthorityContact {
            code: "E08000035".into(),
            name: "Leeds City Council".into(),
            phone: Some("0113 222 4444".into()),
            email: None,
        }),
        shielded: false,
        restricted_notice: None,
        carers: vec![CarerView {
            id: None,
            name: "Jane Smith".into(),
            relationship: Some(Relationship::Mother),
            parental_responsibility: Some(true),
            phone: Some("07700 900123".into()),
            email: None,
        }],
        involvements: vec![school, visiting, camhs],
        version: 3,
        redirected_from: None,
        date_of_death: None,
        protection: None,
    }
}

/// Results shown, Enter, reason chosen, record answered: the record screen.
fn with_record(width: u16, height: u16) -> App {
    let mut app = with_results(width, height);
    press(&mut app, KeyCode::Enter);
    let effects = press(&mut app, KeyCode::Enter);
    let [Effect::OpenRecord { request_id, .. }] = effects.as_slice() else {
        panic!("{effects:?}")
    };
    update(
        &mut app,
        Msg::RecordDone {
            request_id: *request_id,
            result: Ok(Box::new(record())),
        },
    );
    app
}

fn api_error(code: ErrorCode, message: &str) -> ClientError {
    ClientError::Api {
        code,
        message: message.into(),
    }
}

#[test]
fn login_masks_the_password_and_lists_demo_accounts_with_their_current_codes() {
    let mut app = new_app(ThemeName::Default, false, 80, 24);
    with_demo(&mut app);
    type_str(&mut app, "gp.reception");
    press(&mut app, KeyCode::Tab);
    type_str(&mut app, "secret99");
    let text = screen(&mut app);
    assert!(text.contains("gp.reception"), "{text}");
    assert!(!text.contains("secret99"), "{text}");
    assert!(text.contains("••••••••"), "{text}");
    // RFC 6238: the SHA1 secret's code at Unix time 59 ends in 287082; our clock is
    // later, so check the code is the one for the clock's own step.
    let expected = totp_rs::TOTP::new(
        totp_rs::Algorithm::SHA1,
        6,
        1,
        30,
        totp_rs::Secret::Encoded(SECRET.into()).to_bytes().unwrap(),
        None,
        String::new(),
    )
    .unwrap()
    .generate(clock().now().timestamp() as u64);
    assert!(text.contains(&expected), "{text}");
    assert!(
        text.contains("GP practice receptionist") && text.contains("practitioner"),
        "{text}"
    );
    assert!(
        text.contains("gp.reception-pw"),
        "demo passwords are shown: {text}"
    );
    assert!(text.contains("F2"), "{text}");
}

#[test]
fn f2_fills_the_next_demo_account_so_enter_logs_in() {
    let mut app = new_app(ThemeName::Default, false, 80, 24);
    with_demo(&mut app);
    press(&mut app, KeyCode::F(2));
    press(&mut app, KeyCode::F(2));
    let effects = press(&mut app, KeyCode::Enter);
    let [Effect::Login(request)] = effects.as_slice() else {
        panic!("{effects:?}")
    };
    assert_eq!(request.username, "ed.nurse");
    assert_eq!(request.password, "ed.nurse-pw");
    assert_eq!(request.totp, app.login.codes[1].clone().unwrap());
}

#[test]
fn demo_codes_wake_once_at_the_step_boundary_and_redraw_only_when_they_change() {
    let mut app = new_app(ThemeName::Default, false, 80, 24);
    assert_eq!(
        app.deadline(),
        None,
        "no wake-ups before there are codes to show"
    );
    with_demo(&mut app);
    let deadline = app.deadline().expect("a wake-up at the next step");
    let wait = deadline - std::time::Instant::now();
    assert!(wait <= std::time::Duration::from_secs(30), "{wait:?}");
    app.mark_drawn();
    // The fixed clock has not moved, so the step is the same: nothing to redraw.
    update(&mut app, Msg::DeadlineReached);
    assert!(!app.is_dirty());
    update(&mut app, Msg::LoginDone(Ok(user())));
    assert_eq!(
        app.deadline(),
        None,
        "no code refresh once the login screen is gone"
    );
}

#[test]
fn a_failed_login_keeps_username_and_password_and_clears_the_code() {
    let mut app = new_app(ThemeName::Default, false, 80, 24);
    type_str(&mut app, "gp.reception");
    press(&mut app, KeyCode::Tab);
    type_str(&mut app, "pw");
    press(&mut app, KeyCode::Tab);
    type_str(&mut app, "12a3456");
    assert_eq!(
        app.login.fields[2].value(),
        "123456",
        "the code takes digits only"
    );
    assert_eq!(press(&mut app, KeyCode::Enter).len(), 1);
    let message = "Wrong username, password or code.";
    update(
        &mut app,
        Msg::LoginDone(Err(api_error(ErrorCode::InvalidCredentials, message))),
    );
    assert_eq!(app.login.fields[0].value(), "gp.reception");
    assert_eq!(app.login.fields[1].value(), "pw");
    assert_eq!(app.login.fields[2].value(), "");
    let text = screen(&mut app);
    assert!(text.contains(message), "{text}");
}

#[test]
fn a_locked_account_says_so() {
    let mut app = new_app(ThemeName::Default, false, 80, 24);
    let error = api_error(ErrorCode::AccountLocked, "Try again in 15 minutes.");
    update(&mut app, Msg::LoginDone(Err(error)));
    assert!(screen(&mut app).contains("This account is locked. Try again in 15 minutes."));
}

#[test]
fn an_unreachable_server_says_so_and_enter_or_f5_retries_with_the_code_kept() {
    let mut app = new_app(ThemeName::Default, false, 100, 24);
    let unreachable = ClientError::Unreachable {
        server: "http://127.0.0.1:9/".into(),
    };
    update(&mut app, Msg::DemoAccountsLoaded(Err(unreachable.clone())));
    for (i, value) in ["gp.reception", "pw", "123456"].into_iter().enumerate() {
        app.login.fields[i].set(value);
    }
    press(&mut app, KeyCode::Enter);
    update(&mut app, Msg::LoginDone(Err(unreachable)));
    let text = screen(&mut app);
    assert!(text.contains("Cannot reach the directory server"), "{text}");
    assert!(text.contains("Enter or F5 to retry"), "{text}");
    assert_eq!(app.login.fields[2].value(), "123456");
    let effects = press(&mut app, KeyCode::F(5));
    assert!(
        matches!(
            effects.as_slice(),
            [Effect::LoadDemoAccounts, Effect::Login(_)]
        ),
        "{effects:?}"
    );
}

#[test]
fn typing_waits_for_a_pause_then_sends_one_search_with_the_parsed_fields() {
    let mut app = logged_in(80, 24);
    type_str(&mut app, "Smith");
    assert!(app.deadline().is_some(), "a debounce is pending");
    press(&mut app, KeyCode::Tab);
    press(&mut app, KeyCode::Tab);
    let effects: Vec<Effect> = "7-9"
        .chars()
        .flat_map(|c| press(&mut app, KeyCode::Char(c)))
        .collect();
    assert!(effects.is_empty(), "typing never sends by itself");
    let effects = update(&mut app, Msg::DeadlineReached);
    let [Effect::Search { params, .. }] = effects.as_slice() else {
        panic!("{effects:?}")
    };
    assert_eq!(params.surname.as_deref(), Some("Smith"));
    assert_eq!(params.dob_from.as_deref(), Some("2015-06-02"));
    assert_eq!(params.dob_to.as_deref(), Some("2018-06-01"));
    assert_eq!(app.deadline(), None);

    press(&mut app, KeyCode::Tab);
    press(&mut app, KeyCode::Tab);
    type_str(&mut app, "943 476 5919");
    let effects = update(&mut app, Msg::DeadlineReached);
    let [Effect::Search { params, .. }] = effects.as_slice() else {
        panic!("{effects:?}")
    };
    assert_eq!(params.nhs_number.as_deref(), Some("9434765919"));
    assert_eq!(params.id, None);
}

#[test]
fn a_half_typed_date_shows_how_to_write_it_and_sends_nothing() {
    let mut app = logged_in(80, 24);
    type_str(&mut app, "Smith");
    press(&mut app, KeyCode::Tab);
    press(&mut app, KeyCode::Tab);
    type_str(&mut app, "03/0");
    assert!(update(&mut app, Msg::DeadlineReached).is_empty());
    assert!(screen(&mut app).contains("Date of birth: type DD/MM/YYYY"));
}

#[test]
fn a_stale_search_reply_is_dropped() {
    let mut app = logged_in(80, 24);
    type_str(&mut app, "Smi");
    let first = update(&mut app, Msg::DeadlineReached);
    type_str(&mut app, "th");
    let second = update(&mut app, Msg::DeadlineReached);
    let (
        [Effect::Search {
            request_id: old, ..
        }],
        [Effect::Search {
            request_id: new, ..
        }],
    ) = (first.as_slice(), second.as_slice())
    else {
        panic!("{first:?} {second:?}")
    };
    assert!(old < new);
    update(
        &mut app,
        Msg::SearchDone {
            request_id: *new,
            result: Ok(vec![hit("1", "Smith", "Jack")]),
        },
    );
    app.mark_drawn();
    update(
        &mut app,
        Msg::SearchDone {
            request_id: *old,
            result: Ok(vec![hit("2", "Smirnov", "Ivan")]),
        },
    );
    assert!(!app.is_dirty(), "a stale reply changes nothing");
    assert_eq!(app.search.results.len(), 1);
    assert_eq!(app.search.results[0].family_name, "Smith");
}

#[test]
fn a_too_broad_search_shows_the_servers_message_and_no_rows() {
    let mut app = with_results(80, 24);
    press(&mut app, KeyCode::Tab);
    type_str(&mut app, "x");
    let effects = update(&mut app, Msg::DeadlineReached);
    let [Effect::Search { request_id, .. }] = effects.as_slice() else {
        panic!("{effects:?}")
    };
    let error = api_error(
        ErrorCode::SearchTooBroad,
        "add a date of birth or a postcode",
    );
    update(
        &mut app,
        Msg::SearchDone {
            request_id: *request_id,
            result: Err(error),
        },
    );
    let text = screen(&mut app);
    assert!(text.contains("add a date of birth or a postcode"), "{text}");
    assert!(!text.contains("SMITH, Jack"), "{text}");
}

#[test]
fn result_rows_show_age_district_school_and_gp() {
    let mut app = with_results(100, 24);
    let text = screen(&mut app);
    let row = text
        .lines()
        .find(|l| l.contains("SMITH, Jack"))
        .expect(&text);
    for expected in [
        "03/04/2016 (9)",
        " M ",
        "LS6",
        "Oakwood Primary",
        "Oak Lane Surgery",
    ] {
        assert!(row.contains(expected), "{expected} in {row}");
    }
}

#[test]
fn the_compact_layout_drops_the_gp_column_but_keeps_the_school() {
    let mut app = with_results(60, 20);
    let text = screen(&mut app);
    let row = text.lines().find(|l| l.contains("SMITH")).expect(&text);
    assert!(row.contains("LS6") && row.contains("Oakwood"), "{row}");
    assert!(!row.contains("Oak Lane"), "{row}");
}

#[test]
fn selection_shows_reverse_video_and_a_marker_in_the_mono_theme() {
    let mut app = with_results(80, 24);
    app.theme = crate::tui::theme::Theme::new(ThemeName::Mono);
    press(&mut app, KeyCode::Down);
    let buffer = buffer(&mut app);
    let text = text_of(&buffer);
    let y = text
        .lines()
        .position(|l| l.contains("SMYTH, Jake"))
        .expect(&text) as u16;
    let row: String = (0..buffer.area.width)
        .map(|x| buffer[(x, y)].symbol().to_string())
        .collect();
    assert!(
        row.trim_start_matches(['|', '│'])
            .trim_start()
            .starts_with("> SMYTH"),
        "{row}"
    );
    let name_x = row.find("SMYTH").unwrap() as u16;
    assert!(buffer[(name_x, y)].modifier.contains(Modifier::REVERSED));
    let other = text
        .lines()
        .position(|l| l.contains("SMITH, Jack"))
        .unwrap() as u16;
    assert!(!buffer[(name_x, other)]
        .modifier
        .contains(Modifier::REVERSED));
    for cell in buffer.content() {
        assert_eq!(
            (cell.fg, cell.bg),
            (Color::Reset, Color::Reset),
            "mono has no colours"
        );
    }
}

#[test]
fn opening_a_result_asks_for_a_reason_and_other_needs_text() {
    let mut app = with_results(80, 24);
    press(&mut app, KeyCode::Enter);
    let text = screen(&mut app);
    for reason in ReasonCode::ALL {
        assert!(
            text.contains(reason.label()),
            "{} in {text}",
            reason.label()
        );
    }
    for _ in 0..5 {
        press(&mut app, KeyCode::Down);
    }
    assert!(
        press(&mut app, KeyCode::Enter).is_empty(),
        "other without text is refused"
    );
    assert!(screen(&mut app).contains("Say why in a few words"));
    type_str(&mut app, "Checking a referral");
    let effects = press(&mut app, KeyCode::Enter);
    let [Effect::OpenRecord {
        id,
        reason,
        reason_text,
        ..
    }] = effects.as_slice()
    else {
        panic!("{effects:?}")
    };
    assert_eq!((id.as_str(), *reason), ("7K3M-9QX2-P", ReasonCode::Other));
    assert_eq!(reason_text.as_deref(), Some("Checking a referral"));
}

#[test]
fn esc_cancels_the_reason_prompt_without_opening() {
    let mut app = with_results(80, 24);
    press(&mut app, KeyCode::Enter);
    assert!(press(&mut app, KeyCode::Esc).is_empty());
    assert!(app.reason.is_none());
    assert_eq!(app.screen, Screen::Search);
}

#[test]
fn the_record_shows_identity_carers_and_services_with_their_phones() {
    let mut app = with_record(100, 40);
    let text = screen(&mut app);
    for expected in [
        "SMITH, Jack",
        "03/04/2016 (age 9)",
        "JONES, Jack",
        "1 High Street, Leeds, LS6 2AB",
        "7K3M-9QX2-P",
        "943 476 5919",
        "Leeds City Council",
        "0113 222 4444",
        "Jane Smith (Mother, parental responsibility)",
        "07700 900123",
        "Oakwood Primary (School)",
        "0113 496 0000",
        "Ms Ada Teacher",
        "[x] Info to share  [ ] Taking action  [ ] CAF  [ ] Lead",
        "[ended]",
        "contact brokered by Leeds Directory Team 0113 496 0200",
        "Opened for: Safeguarding concern",
    ] {
        assert!(text.contains(expected), "{expected} in\n{text}");
    }
}

#[test]
fn the_record_scrolls_and_esc_returns_to_the_results_with_the_query_and_selection_intact() {
    let mut app = with_results(80, 20);
    press(&mut app, KeyCode::Down);
    press(&mut app, KeyCode::Enter);
    let effects = press(&mut app, KeyCode::Enter);
    let [Effect::OpenRecord { request_id, .. }] = effects.as_slice() else {
        panic!("{effects:?}")
    };
    update(
        &mut app,
        Msg::RecordDone {
            request_id: *request_id,
            result: Ok(Box::new(record())),
        },
    );
    assert_eq!(app.screen, Screen::Record);
    press(&mut app, KeyCode::End);
    assert!(
        app.record.as_ref().unwrap().scroll > 0,
        "the record is longer than the screen"
    );
    assert!(screen(&mut app).contains("Opened for"));
    press(&mut app, KeyCode::Esc);
    assert_eq!(app.screen, Screen::Search);
    assert!(app.record.is_none(), "the record is dropped when left");
    assert_eq!(app.search.selected, 1);
    let text = screen(&mut app);
    assert!(
        text.contains("Smith") && text.contains("03/04/2016") && text.contains("SMYTH, Jake"),
        "{text}"
    );
}

#[test]
fn the_help_overlay_lists_keys_from_the_keymap_table() {
    let mut app = with_results(80, 24);
    press(&mut app, KeyCode::Esc);
    press(&mut app, KeyCode::Char('?'));
    let text = screen(&mut app);
    let first = BINDINGS[0];
    assert!(
        text.contains(&first.key.name(false)) && text.contains(first.description),
        "{text}"
    );
    let mut seen = String::new();
    for _ in 0..crate::tui::screens::help::line_count() {
        seen.push_str(&screen(&mut app));
        press(&mut app, KeyCode::Down);
    }
    for binding in BINDINGS {
        assert!(
            seen.contains(binding.description),
            "{} missing from help",
            binding.description
        );
    }
    press(&mut app, KeyCode::Esc);
    assert!(app.help.is_none());
}

#[test]
fn the_footer_shows_the_hints_of_the_current_screen() {
    let mut app = with_results(80, 24);
    let footer = screen(&mut app).lines().last().unwrap().to_string();
    assert!(
        footer.contains("Enter open") && footer.contains("Esc leave"),
        "{footer}"
    );
    press(&mut app, KeyCode::Esc);
    let footer = screen(&mut app).lines().last().unwrap().to_string();
    assert!(footer.contains("q quit"), "{footer}");
}

#[test]
fn q_is_typed_in_a_field_but_quits_after_esc_and_ctrl_c_always_quits() {
    let mut app = logged_in(80, 24);
    press(&mut app, KeyCode::Char('q'));
    assert!(!app.should_quit());
    assert_eq!(app.search.fields[0].value(), "q");
    press(&mut app, KeyCode::Esc);
    press(&mut app, KeyCode::Char('q'));
    assert!(app.should_quit());

    let mut app = logged_in(80, 24);
    press_with(&mut app, KeyCode::Char('c'), KeyModifiers::CONTROL);
    assert!(app.should_quit());
}

#[test]
fn logout_and_an_expired_session_drop_all_child_data() {
    let mut app = with_record(80, 24);
    let effects = press(&mut app, KeyCode::F(10));
    assert!(matches!(effects.as_slice(), [Effect::Logout]));
    assert_eq!(app.screen, Screen::Login);
    assert!(app.record.is_none() && app.search.results.is_empty());

    let mut app = with_results(80, 24);
    press(&mut app, KeyCode::Tab);
    type_str(&mut app, "e");
    let effects = update(&mut app, Msg::DeadlineReached);
    let [Effect::Search { request_id, .. }] = effects.as_slice() else {
        panic!("{effects:?}")
    };
    let error = api_error(ErrorCode::Unauthenticated, "log in first");
    update(
        &mut app,
        Msg::SearchDone {
            request_id: *request_id,
            result: Err(error),
        },
    );
    assert_eq!(app.screen, Screen::Login);
    assert!(screen(&mut app).contains("Your session has ended"));
}

#[test]
fn every_size_draws_without_panicking_and_small_ones_say_what_they_need() {
    for (w, h) in [
        (80, 24),
        (60, 20),
        (120, 40),
        (59, 24),
        (80, 19),
        (40, 12),
        (1, 1),
        (0, 0),
        (1, 30),
        (300, 2),
    ] {
        for mut app in [
            new_app(ThemeName::Default, false, w, h),
            with_results(w, h),
            with_record(w, h),
        ] {
            press(&mut app, KeyCode::Enter);
            press(&mut app, KeyCode::F(1));
            let text = screen(&mut app);
            if w < 60 || h < 20 {
                assert_eq!(text.lines().count(), usize::from(h));
                if w >= 40 && h > 0 {
                    assert!(
                        text.starts_with("Terminal too small: need at least 60x20"),
                        "{w}x{h}: {text}"
                    );
                }
            }
        }
    }
}

#[test]
fn the_login_screen_fits_80x24_and_60x20() {
    for (w, h) in [(80, 24), (60, 20)] {
        let mut app = new_app(ThemeName::Default, false, w, h);
        with_demo(&mut app);
        let text = screen(&mut app);
        for expected in [
            "Username",
            "Password",
            "Code",
            "gp.reception",
            "ed.nurse",
            "F2",
        ] {
            assert!(text.contains(expected), "{w}x{h}: {expected} in\n{text}");
        }
    }
}

#[test]
fn the_ascii_profile_puts_only_ascii_in_every_cell() {
    let mut apps = vec![new_app(ThemeName::Mono, true, 80, 24)];
    with_demo(&mut apps[0]);
    let mut results = with_results(80, 24);
    results.glyphs = crate::tui::glyphs::Glyphs::new(true);
    results.search.results[0].given_names = "Zoë Łucja".into();
    let mut reason = with_results(60, 20);
    reason.glyphs = crate::tui::glyphs::Glyphs::new(true);
    press(&mut reason, KeyCode::Enter);
    let mut record = with_record(80, 24);
    record.glyphs = crate::tui::glyphs::Glyphs::new(true);
    let mut help = with_record(80, 24);
    help.glyphs = crate::tui::glyphs::Glyphs::new(true);
    press(&mut help, KeyCode::Char('?'));
    apps.extend([results, reason, record, help]);
    for mut app in apps {
        let text = screen(&mut app);
        assert!(text.is_ascii(), "{text}");
        if app.screen != Screen::Record || app.help.is_some() {
            assert!(
                text.contains("+-") && text.contains('|'),
                "plain borders: {text}"
            );
        }
    }
}

#[test]
fn nothing_is_drawn_after_a_message_that_changes_nothing() {
    let mut app = with_results(80, 24);
    screen(&mut app);
    assert!(!app.is_dirty());
    press(&mut app, KeyCode::F(12));
    update(
        &mut app,
        Msg::SearchDone {
            request_id: 999,
            result: Ok(vec![]),
        },
    );
    update(
        &mut app,
        Msg::RecordDone {
            request_id: 999,
            result: Ok(Box::new(record())),
        },
    );
    assert!(!app.is_dirty());
    press(&mut app, KeyCode::Down);
    assert!(app.is_dirty());
}
