//! Application state and `update`: every change to what the user sees happens
//! here, in response to a message, and any network work is returned as effects.

pub mod duplicates;
pub mod enrol;
pub mod forms;
pub mod history;
pub mod inbox;
pub mod indicators;
pub mod lock;
pub mod login;
pub mod oversight;
pub mod pickers;
pub mod reason;
pub mod search;

use std::time::{Duration, Instant};

use chrono::NaiveDate;
use crossterm::event::KeyEvent;
use ratatui::layout::Rect;

use crate::api::{ChildRecord, ErrorCode, ProtectionDetail, UserSummary};
use crate::client::ClientError;
use crate::model::{ReasonCode, Role};
use crate::tui::clock::Clock;
use crate::tui::glyphs::Glyphs;
use crate::tui::input::Edit;
use crate::tui::keymap::{self, Action, Context};
use crate::tui::layout;
use crate::tui::msg::{Effect, Msg};
use crate::tui::screens;
use crate::tui::theme::{Theme, ThemeName};

use enrol::EnrolState;
use inbox::InboxState;
use indicators::IndicatorEditor;
use lock::LockState;
use login::LoginState;
use reason::ReasonPrompt;
use search::SearchState;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Screen {
    Login,
    Enrol,
    Search,
    Record,
    Inbox,
    /// Accounts, audit review, misuse report, own sessions (`app/oversight.rs`).
    Oversight(crate::tui::oversight::Pane),
}

/// The longest a screen may stay unattended before it locks.
pub const DEFAULT_LOCK_AFTER: Duration = Duration::from_secs(30 * 60);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    Info,
    Warn,
    Error,
}

/// A one-line message for the status bar.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    pub level: Level,
    pub text: String,
}

impl Notice {
    pub fn info(text: impl Into<String>) -> Self {
        Notice {
            level: Level::Info,
            text: text.into(),
        }
    }
    pub fn warn(text: impl Into<String>) -> Self {
        Notice {
            level: Level::Warn,
            text: text.into(),
        }
    }
    pub fn error(text: impl Into<String>) -> Self {
        Notice {
            level: Level::Error,
            text: text.into(),
        }
    }
}

/// An open record, held only in memory and dropped when the user leaves it.
#[derive(Debug)]
pub struct RecordView {
    pub record: Box<ChildRecord>,
    pub reason: ReasonCode,
    pub scroll: usize,
    /// The opened flag: attendances and who viewed, once asked for.
    pub protection: Option<Box<ProtectionDetail>>,
}

#[derive(Debug)]
pub struct App {
    pub screen: Screen,
    pub theme: Theme,
    pub glyphs: Glyphs,
    pub today: NaiveDate,
    pub size: Rect,
    pub user: Option<UserSummary>,
    pub login: LoginState,
    pub search: SearchState,
    pub reason: Option<ReasonPrompt>,
    pub record: Option<RecordView>,
    /// The indicator editor, open over the record.
    pub indicators: Option<IndicatorEditor>,
    pub inbox: InboxState,
    /// An editor form open over the record (or the search screen).
    pub form: Option<forms::FormState>,
    /// A list to choose from (organisations, carers, involvements), filtered as typed.
    pub picker: Option<crate::tui::picker::Picker>,
    /// The identity history of the open record.
    pub history: Option<history::HistoryView>,
    /// Organisations for the pickers, loaded once per session (no child data).
    pub organisations: Option<Vec<crate::model::Organisation>>,
    /// `a` was pressed before the organisations had loaded.
    adding_involvement: bool,
    /// The directory team's possible duplicates, open over the search.
    pub duplicates: Option<duplicates::DuplicatesView>,
    /// Scroll offset of the help overlay, when it is open.
    pub help: Option<usize>,
    pub enrol: EnrolState,
    pub oversight: oversight::OversightState,
    /// Set while the screen is locked; everything else is kept, and hidden.
    pub lock: Option<LockState>,
    lock_after: Duration,
    last_key: Instant,
    clock: Clock,
    dirty: bool,
    quit: bool,
    next_request: u64,
    /// The newest record request and the reason given for it; other replies are stale.
    latest_record_request: Option<(u64, ReasonCode)>,
}

impl App {
    pub fn new(theme: ThemeName, ascii: bool, clock: Clock, size: Rect) -> Self {
        App {
            screen: Screen::Login,
            theme: Theme::new(theme),
            glyphs: Glyphs::new(ascii),
            today: clock.today(),
            size,
            user: None,
            login: LoginState::new(),
            search: SearchState::new(),
            reason: None,
            record: None,
            indicators: None,
            inbox: InboxState::default(),
            form: None,
            picker: None,
            history: None,
            organisations: None,
            adding_involvement: false,
            duplicates: None,
            help: None,
            enrol: EnrolState::new(),
            oversight: oversight::OversightState::default(),
            lock: None,
            lock_after: DEFAULT_LOCK_AFTER,
            last_key: Instant::now(),
            clock,
            dirty: true,
            quit: false,
            next_request: 0,
            latest_record_request: None,
        }
    }

    /// Takes "now" from `clock` (tests pin it to their server's clock).
    pub fn set_clock(&mut self, clock: Clock) {
        self.clock = clock;
        self.today = clock.today();
    }

    /// How long without a key press before the screen locks.
    pub fn set_lock_after(&mut self, after: Duration) {
        self.lock_after = after;
    }

    /// Pretends the last key press was `idle` ago (for tests of the idle lock).
    pub fn pretend_idle(&mut self, idle: Duration) {
        self.last_key = Instant::now().checked_sub(idle).unwrap_or(self.last_key);
    }

    /// When the idle lock is due, if it is armed; the runtime wakes for it too.
    pub fn lock_deadline(&self) -> Option<Instant> {
        (self.user.is_some() && self.lock.is_none()).then(|| self.last_key + self.lock_after)
    }

    /// Locks if the idle time has passed: the record and results are hidden, not lost.
    fn lock_if_idle(&mut self) {
        if self.lock_deadline().is_some_and(|at| Instant::now() >= at) {
            self.lock = Some(LockState::new());
            self.help = None;
            self.dirty = true;
        }
    }

    /// The effects to run at start-up.
    pub fn init(&self) -> Vec<Effect> {
        vec![Effect::LoadDemoAccounts]
    }

    pub fn is_dirty(&self) -> bool {
        self.dirty
    }

    pub fn mark_drawn(&mut self) {
        self.dirty = false;
    }

    pub fn should_quit(&self) -> bool {
        self.quit
    }

    /// The single wake-up the runtime should schedule: the search debounce, or
    /// the next demo-code step while the login screen shows codes.
    pub fn deadline(&self) -> Option<Instant> {
        let own = match self.screen {
            Screen::Login => self.login.refresh_at,
            Screen::Enrol | Screen::Oversight(_) => None,
            Screen::Search | Screen::Record | Screen::Inbox => self.search.debounce_at,
        };
        own.into_iter().chain(self.inbox.poll_at).min()
    }

    /// Only social care has an inbox; the server decides, this just hides the screen.
    fn has_inbox(&self) -> bool {
        self.user
            .as_ref()
            .is_some_and(|u| u.role == Role::SocialCare)
    }

    /// True while a typed search waits for its debounce.
    pub fn search_pending(&self) -> bool {
        self.search.debounce_at.is_some()
    }

    pub fn context(&self) -> Context {
        if self.help.is_some() {
            return Context::Help;
        }
        if self.lock.is_some() {
            return Context::Locked;
        }
        if self.reason.is_some() {
            return Context::Reason;
        }
        if self.form.is_some() {
            return Context::Form;
        }
        if self.picker.is_some() {
            return Context::Picker;
        }
        if self.history.is_some() {
            return Context::History;
        }
        if self.indicators.is_some() {
            return Context::Indicators;
        }
        if let Some(d) = &self.duplicates {
            return if d.confirm.is_some() {
                Context::Merge
            } else {
                Context::Duplicates
            };
        }
        match self.screen {
            Screen::Enrol => Context::Enrol,
            Screen::Login if self.login.focus.is_some() => Context::Login,
            Screen::Login => Context::LoginIdle,
            Screen::Search if self.search.focus.is_some() => Context::Search,
            Screen::Search => Context::Results,
            Screen::Record => Context::Record,
            Screen::Inbox => Context::Inbox,
            Screen::Oversight(pane) => self.oversight.context(pane),
        }
    }

    fn next_request_id(&mut self) -> u64 {
        self.next_request += 1;
        self.next_request
    }

    fn on_key(&mut self, ev: KeyEvent) -> Vec<Effect> {
        // A key after the lock time locks first: it must not act on a screen left unattended.
        self.lock_if_idle();
        self.last_key = Instant::now();
        let context = self.context();
        match keymap::action_for(context, &ev) {
            Some(action) => {
                self.dirty = true;
                self.on_action(context, action)
            }
            None => {
                let edit = match context {
                    Context::Login => self.login.edit(&ev),
                    Context::Search => self.search.edit(&ev, Instant::now()),
                    Context::Reason => self.reason.as_mut().map_or(Edit::Ignored, |r| r.edit(&ev)),
                    Context::Enrol => self.enrol.edit(&ev),
                    Context::Locked => self.lock.as_mut().map_or(Edit::Ignored, |l| l.edit(&ev)),
                    Context::Form | Context::Picker if self.oversight.overlay_open() => {
                        self.oversight.edit(&ev)
                    }
                    Context::Form => self
                        .form
                        .as_mut()
                        .map_or(Edit::Ignored, |f| f.form.edit(&ev)),
                    Context::Picker => self.picker_edit(&ev),
                    _ => Edit::Ignored,
                };
                if edit != Edit::Ignored {
                    self.dirty = true;
                }
                vec![]
            }
        }
    }

    fn on_action(&mut self, context: Context, action: Action) -> Vec<Effect> {
        match action {
            Action::Quit => self.quit = true,
            Action::ToggleHelp => self.help = if self.help.is_some() { None } else { Some(0) },
            Action::Logout => return self.logout(),
            _ => {}
        }
        match context {
            Context::Global => vec![],
            Context::Login | Context::LoginIdle if action == Action::Enrol => {
                self.enrol = EnrolState::new();
                self.screen = Screen::Enrol;
                vec![]
            }
            Context::Form | Context::Picker if self.oversight.overlay_open() => {
                self.on_oversight_overlay(action)
            }
            Context::Oversight(pane) => self.on_oversight_action(pane, action),
            Context::Form => self.on_form_action(action),
            Context::Picker => self.on_picker_action(action),
            Context::History => {
                self.history = None;
                vec![]
            }
            Context::Login | Context::LoginIdle => self.on_login_action(action),
            Context::Enrol => self.on_enrol_action(action),
            Context::Locked => self.on_lock_action(action),
            Context::Search | Context::Results => self.on_search_action(action),
            Context::Reason => self.on_reason_action(action),
            Context::Record => self.on_record_action(action),
            Context::Inbox => self.on_inbox_action(action),
            Context::Help => {
                self.on_help_action(action);
                vec![]
            }
            Context::Indicators => self.on_indicator_action(action),
            Context::Duplicates | Context::Merge => self.on_duplicates_action(action),
        }
    }

    fn on_login_action(&mut self, action: Action) -> Vec<Effect> {
        let login = &mut self.login;
        match action {
            Action::Submit => return login.submit(),
            Action::Retry => return login.retry(),
            Action::NextField => login.move_focus(true),
            Action::PrevField => login.move_focus(false),
            Action::FillDemo => login.fill_demo(),
            Action::StopTyping => login.focus = None,
            Action::StartTyping => login.focus = Some(login::USERNAME),
            _ => {}
        }
        vec![]
    }

    fn on_enrol_action(&mut self, action: Action) -> Vec<Effect> {
        match action {
            Action::Submit => return self.enrol.submit(),
            Action::NextField => self.enrol.move_focus(true),
            Action::PrevField => self.enrol.move_focus(false),
            Action::Cancel => {
                // The offered secret is forgotten: starting again offers a new one.
                self.enrol = EnrolState::new();
                self.screen = Screen::Login;
            }
            _ => {}
        }
        vec![]
    }

    fn on_lock_action(&mut self, action: Action) -> Vec<Effect> {
        let (Some(lock), Some(user)) = (self.lock.as_mut(), self.user.as_ref()) else {
            return vec![];
        };
        match action {
            Action::Submit => lock.submit(&user.username),
            Action::NextField | Action::PrevField => {
                lock.move_focus();
                vec![]
            }
            _ => vec![],
        }
    }

    fn on_search_action(&mut self, action: Action) -> Vec<Effect> {
        let page = isize::try_from(layout::result_rows(self.size)).unwrap_or(1);
        let has_inbox = self.has_inbox();
        let search = &mut self.search;
        match action {
            Action::NextField => search.move_focus(true),
            Action::PrevField => search.move_focus(false),
            Action::StopTyping => search.stop_typing(),
            Action::StartTyping => search.start_typing(),
            Action::Up => search.select(-1),
            Action::Down => search.select(1),
            Action::PageUp => search.select(-page),
            Action::PageDown => search.select(page),
            Action::First => search.selected = 0,
            Action::Last => search.select_last(),
            Action::NewChild => self.open_create_child(),
            Action::Duplicates => return self.open_duplicates(),
            Action::Oversight(crate::tui::oversight::Act::Open(pane)) => {
                return self.open_oversight(pane)
            }
            Action::Retry => return self.send_search(true),
            Action::OpenInbox if has_inbox => {
                self.screen = Screen::Inbox;
                return vec![Effect::LoadInbox {
                    unread_only: self.inbox.unread_only,
                }];
            }
            Action::Open => {
                if let Some(hit) = search.selected_hit() {
                    let name = format!("{} {}", hit.given_names, hit.family_name);
                    // A merged-away ID opens through its redirect, so the record says so.
                    let id = hit.redirected_from.as_ref().unwrap_or(&hit.id).clone();
                    self.reason = Some(ReasonPrompt::new(id, name));
                }
            }
            _ => {}
        }
        vec![]
    }

    fn send_search(&mut self, force: bool) -> Vec<Effect> {
        let Some(params) = self.search.prepare(self.today, force) else {
            // A half-typed date still gets its hint shown.
            self.dirty = true;
            return vec![];
        };
        let request_id = self.next_request_id();
        self.search.latest_request = request_id;
        self.dirty = true;
        vec![Effect::Search { request_id, params }]
    }

    fn on_reason_action(&mut self, action: Action) -> Vec<Effect> {
        let Some(prompt) = self.reason.as_mut() else {
            return vec![];
        };
        match action {
            Action::Up => prompt.move_selection(false),
            Action::Down => prompt.move_selection(true),
            Action::Cancel => self.reason = None,
            Action::Submit => {
                if let Some((reason, reason_text)) = prompt.confirm() {
                    let id = prompt.child_id.clone();
                    let shield_override = prompt.shield_override;
                    self.reason = None;
                    let request_id = self.next_request_id();
                    self.latest_record_request = Some((request_id, reason));
                    self.search.notice = Some(Notice::info("Opening the record..."));
                    if shield_override {
                        return vec![Effect::OverrideShield {
                            request_id,
                            id,
                            reason,
                            reason_text,
                        }];
                    }
                    return vec![Effect::OpenRecord {
                        request_id,
                        id,
                        reason,
                        reason_text,
                    }];
                }
            }
            _ => {}
        }
        vec![]
    }

    fn on_record_action(&mut self, action: Action) -> Vec<Effect> {
        match action {
            Action::EditIndicators => self.open_indicator_editor(),
            Action::AddInvolvement => return self.start_add_involvement(),
            Action::EditInvolvement => self.pick_involvement(),
            Action::EditCarers => self.pick_carer(),
            Action::EditIdentity | Action::EditAddress | Action::MarkDeceased | Action::Shield => {
                self.open_admin_form(action)
            }
            Action::History => return self.load_history(),
            Action::RecordAttendance | Action::ViewFlag => return self.open_flag(action),
            _ => self.record_view_action(action),
        }
        vec![]
    }

    /// Opens the child's protection flag: an attendance (which notifies) or a silent view.
    fn open_flag(&mut self, action: Action) -> Vec<Effect> {
        let Some(view) = self.record.as_ref() else {
            return vec![];
        };
        if view.record.protection.is_none() {
            self.search.notice = Some(Notice::info(
                "No child protection flag shows for this child.",
            ));
            return vec![];
        }
        let subject = view.record.id.clone();
        self.search.notice = Some(Notice::info("Opening the flag..."));
        vec![if action == Action::RecordAttendance {
            Effect::RecordAttendance { subject }
        } else {
            Effect::ViewFlag { subject }
        }]
    }

    fn record_view_action(&mut self, action: Action) {
        if action == Action::OverrideShield {
            if let Some(view) = self
                .record
                .as_ref()
                .filter(|v| v.record.restricted_notice.is_some())
            {
                let name = format!("{} {}", view.record.given_names, view.record.family_name);
                self.reason = Some(ReasonPrompt::for_override(view.record.id.clone(), name));
            }
            return;
        }
        if action == Action::Back {
            // Leaving the record drops it: child data lives in memory only while shown.
            self.record = None;
            self.indicators = None;
            self.history = None;
            self.screen = Screen::Search;
            return;
        }
        let Some(view) = self.record.as_mut() else {
            return;
        };
        let rows = layout::record_rows(self.size);
        let mut total = screens::record::lines(
            &view.record,
            view.reason,
            &self.theme,
            &self.glyphs,
            self.today,
        )
        .len();
        if let Some(detail) = &view.protection {
            total += screens::protection::detail_lines(detail, &self.theme, &self.glyphs).len();
        }
        let max = total.saturating_sub(rows);
        view.scroll = scroll(view.scroll, action, rows, max);
    }

    fn on_inbox_action(&mut self, action: Action) -> Vec<Effect> {
        let inbox = &mut self.inbox;
        match action {
            Action::Up => inbox.select(-1),
            Action::Down => inbox.select(1),
            Action::Back => self.screen = Screen::Search,
            Action::ToggleUnread => {
                inbox.unread_only = !inbox.unread_only;
                inbox.selected = 0;
                return vec![Effect::LoadInbox {
                    unread_only: inbox.unread_only,
                }];
            }
            Action::Retry => {
                return vec![Effect::LoadInbox {
                    unread_only: inbox.unread_only,
                }]
            }
            Action::MarkRead => {
                if let Some(entry) = inbox.selected_entry().filter(|e| e.read_at.is_none()) {
                    return vec![Effect::MarkRead {
                        id: entry.id,
                        unread_only: inbox.unread_only,
                    }];
                }
            }
            _ => {}
        }
        vec![]
    }

    fn on_help_action(&mut self, action: Action) {
        let Some(offset) = self.help else { return };
        let rows = layout::help_rows(self.size);
        let max = screens::help::line_count().saturating_sub(rows);
        self.help = Some(scroll(offset, action, rows, max));
    }

    fn logout(&mut self) -> Vec<Effect> {
        if self.user.is_none() {
            return vec![];
        }
        self.end_session(Notice::info("Logged out."));
        vec![Effect::Logout]
    }

    /// Back to the login screen with every trace of child data dropped.
    fn end_session(&mut self, notice: Notice) {
        self.user = None;
        self.lock = None;
        self.search = SearchState::new();
        self.reason = None;
        self.record = None;
        self.indicators = None;
        self.inbox.reset();
        self.form = None;
        self.picker = None;
        self.history = None;
        self.duplicates = None;
        self.organisations = None;
        self.oversight = oversight::OversightState::default();
        self.latest_record_request = None;
        self.screen = Screen::Login;
        self.login.forget_secrets();
        self.login.focus = Some(login::PASSWORD);
        self.login.notice = Some(notice);
        self.login.refresh_codes(self.clock.now(), true);
        self.dirty = true;
    }

    fn session_expired(&mut self, error: &ClientError) -> bool {
        if error.code() == Some(ErrorCode::Unauthenticated) && self.user.is_some() {
            self.end_session(Notice::warn("Your session has ended: log in again."));
            return true;
        }
        false
    }
}

/// A new scroll offset after a movement key, kept within `0..=max`.
fn scroll(offset: usize, action: Action, page: usize, max: usize) -> usize {
    match action {
        Action::Up => offset.saturating_sub(1),
        Action::Down => offset + 1,
        Action::PageUp => offset.saturating_sub(page),
        Action::PageDown => offset + page,
        Action::First => 0,
        Action::Last => max,
        _ => offset,
    }
    .min(max)
}

/// Applies one message. Marks the app dirty only when what is shown changed.
pub fn update(app: &mut App, msg: Msg) -> Vec<Effect> {
    app.today = app.clock.today();
    match msg {
        Msg::Key(ev) => app.on_key(ev),
        Msg::Resize { width, height } => {
            app.size = Rect::new(0, 0, width, height);
            app.dirty = true;
            vec![]
        }
        Msg::DeadlineReached => {
            app.lock_if_idle();
            let mut effects = vec![];
            if app.search.debounce_at.is_some() {
                effects = app.send_search(false);
            }
            if app.screen == Screen::Login && app.login.refresh_codes(app.clock.now(), false) {
                app.dirty = true;
            }
            let now = Instant::now();
            if app.inbox.poll_due(now) {
                app.inbox.schedule_poll(now);
                effects.push(Effect::LoadUnreadCount);
            }
            effects
        }
        Msg::DemoAccountsLoaded(result) => {
            app.login.demo_loaded(result, app.clock.now());
            app.dirty = true;
            vec![]
        }
        Msg::LoginDone(Ok(user)) => {
            app.user = Some(user);
            app.login.forget_secrets();
            app.login.notice = None;
            app.login.refresh_at = None;
            app.screen = Screen::Search;
            app.search = SearchState::new();
            app.dirty = true;
            if app.user.as_ref().is_some_and(|u| u.role == Role::Auditor) {
                return app.land_auditor();
            }
            if app.has_inbox() {
                app.inbox.schedule_poll(Instant::now());
                return vec![Effect::LoadUnreadCount];
            }
            vec![]
        }
        Msg::EnrolStarted(result) => {
            app.enrol.started(result);
            app.dirty = true;
            vec![]
        }
        Msg::EnrolDone(Ok(user)) => {
            app.enrol = EnrolState::new();
            app.dirty = true;
            update(app, Msg::LoginDone(Ok(user)))
        }
        Msg::EnrolDone(Err(e)) => {
            app.enrol.failed(&e);
            app.dirty = true;
            vec![]
        }
        Msg::UnlockDone(result) => {
            app.dirty = true;
            match (result, app.lock.as_mut()) {
                (Ok(user), Some(_)) => {
                    app.user = Some(user);
                    app.lock = None;
                    app.last_key = Instant::now();
                }
                (Err(e), Some(lock)) => lock.failed(&e),
                _ => {}
            }
            vec![]
        }
        Msg::LoginDone(Err(e)) => {
            app.login.failed(&e);
            app.dirty = true;
            vec![]
        }
        Msg::SearchDone { request_id, result } => {
            if let Err(e) = &result {
                if request_id == app.search.latest_request && app.session_expired(e) {
                    return vec![];
                }
            }
            if app.search.reply(request_id, result) {
                app.dirty = true;
            }
            vec![]
        }
        Msg::RecordDone { request_id, result } => {
            let Some((latest, reason)) = app.latest_record_request else {
                return vec![];
            };
            if request_id != latest || app.user.is_none() {
                return vec![];
            }
            app.dirty = true;
            match result {
                Ok(record) => {
                    app.search.notice = None;
                    app.record = Some(RecordView {
                        record,
                        reason,
                        scroll: 0,
                        protection: None,
                    });
                    app.screen = Screen::Record;
                }
                Err(e) => {
                    if !app.session_expired(&e) {
                        app.search.notice = Some(Notice::error(e.to_string()));
                    }
                }
            }
            vec![]
        }
        Msg::IndicatorsSaved { request_id, result } => {
            app.dirty = true;
            app.indicators_saved(request_id, result)
        }
        Msg::InvolvementLoaded { request_id, result } => {
            app.dirty = true;
            app.involvement_loaded(request_id, result);
            vec![]
        }
        Msg::ProtectionDone { subject, result } => {
            let Some(view) = app.record.as_mut().filter(|v| v.record.id == subject) else {
                return vec![];
            };
            app.dirty = true;
            match result {
                Ok(detail) => {
                    // Say what happened, and show the attendances at the end of the record.
                    app.search.notice = Some(Notice::info(if detail.viewers.is_none() {
                        "Attendance recorded: the responsible authority has been told."
                    } else {
                        "Silent view: nobody was notified. It is still audited."
                    }));
                    view.protection = Some(detail);
                    app.record_view_action(Action::Last);
                }
                Err(e) => {
                    if !app.session_expired(&e) {
                        app.search.notice = Some(Notice::error(e.to_string()));
                    }
                }
            }
            vec![]
        }
        Msg::UnreadCountDone(result) => {
            if let Err(e) = &result {
                app.session_expired(e);
            }
            let Ok(count) = result else { return vec![] };
            if app.user.is_none() || app.inbox.unread == Some(count) {
                return vec![];
            }
            app.dirty = true;
            app.inbox.unread = Some(count);
            // An open inbox reloads only when something changed: each listing is audited.
            if app.screen == Screen::Inbox {
                return vec![Effect::LoadInbox {
                    unread_only: app.inbox.unread_only,
                }];
            }
            vec![]
        }
        Msg::InboxDone(result) => {
            if let Err(e) = &result {
                if app.session_expired(e) {
                    return vec![];
                }
            }
            if app.user.is_some() {
                app.inbox.loaded(result);
                app.dirty = true;
            }
            vec![]
        }
        Msg::FormSaved { request_id, result } => {
            app.dirty = true;
            app.form_saved(request_id, result);
            vec![]
        }
        Msg::OrganisationsLoaded(result) => {
            app.dirty = true;
            app.organisations_loaded(result);
            app.oversight_organisations_ready()
        }
        Msg::HistoryLoaded { request_id, result } => {
            app.dirty = true;
            app.history_loaded(request_id, result);
            vec![]
        }
        Msg::DuplicatesLoaded { request_id, result } => {
            app.dirty = true;
            app.duplicates_loaded(request_id, result);
            vec![]
        }
        Msg::MergeDone { request_id, result } => {
            app.dirty = true;
            app.merge_done(request_id, result);
            vec![]
        }
        Msg::Oversight(answer) => app.oversight_answer(answer),
    }
}
