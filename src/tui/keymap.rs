//! Keys as data: one table of (context, key, action, description) drives the
//! dispatcher, the help overlay and the footer hints, so they cannot disagree.
//! Defaults are SSH- and tmux-safe: no Ctrl-S/Q, Ctrl-A/B or Ctrl-H/J/K/L.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

mod oversight;

/// Where the keyboard focus is; each has its own bindings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Context {
    /// Anywhere, after the context's own bindings.
    Global,
    /// Typing in the login form.
    Login,
    /// On the login screen, not typing.
    LoginIdle,
    /// Typing in the search form.
    Search,
    /// Browsing search results, not typing.
    Results,
    /// Choosing the reason for opening a record.
    Reason,
    Record,
    /// The indicator editor over a record.
    Indicators,
    /// The social care inbox of access notifications.
    Inbox,
    /// An editor form (involvement, identity, carer, address...).
    Form,
    /// Choosing from a list that narrows as you type.
    Picker,
    /// A record's identity history.
    History,
    Help,
    /// Enrolling a second factor with a code from an administrator.
    Enrol,
    /// The idle lock.
    Locked,
    /// The directory team's list of possible duplicate records.
    Duplicates,
    /// Confirming a merge of two records.
    Merge,
    /// Accounts, audit review, misuse report, own sessions (`keymap/oversight.rs`).
    Oversight(crate::tui::oversight::Pane),
}

impl Context {
    pub fn title(self) -> &'static str {
        match self {
            Context::Global => "Everywhere",
            Context::Login => "Login form",
            Context::LoginIdle => "Login screen (not typing)",
            Context::Search => "Search form",
            Context::Results => "Search results (not typing)",
            Context::Reason => "Reason for opening a record",
            Context::Record => "Child record",
            Context::Indicators => "Indicator editor",
            Context::Inbox => "Inbox (social care)",
            Context::Form => "Editor form",
            Context::Picker => "Choosing from a list (type to narrow)",
            Context::History => "Identity history",
            Context::Help => "This help",
            Context::Enrol => "Two-factor enrolment",
            Context::Locked => "Locked screen",
            Context::Duplicates => "Possible duplicates (directory team)",
            Context::Merge => "Confirming a merge",
            Context::Oversight(pane) => pane.title(),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Quit,
    ToggleHelp,
    Logout,
    Submit,
    NextField,
    PrevField,
    FillDemo,
    Retry,
    StopTyping,
    StartTyping,
    Up,
    Down,
    PageUp,
    PageDown,
    First,
    Last,
    Open,
    Cancel,
    Back,
    EditIndicators,
    Toggle,
    OverrideShield,
    Enrol,
    OpenInbox,
    RecordAttendance,
    ViewFlag,
    MarkRead,
    ToggleUnread,
    AddInvolvement,
    EditInvolvement,
    EditCarers,
    EditIdentity,
    EditAddress,
    MarkDeceased,
    Shield,
    History,
    NewChild,
    Duplicates,
    /// Swap which record of a pair survives a merge.
    Swap,
    Oversight(crate::tui::oversight::Act),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Key {
    pub code: KeyCode,
    pub ctrl: bool,
}

const fn key(code: KeyCode) -> Key {
    Key { code, ctrl: false }
}

const fn ctrl(c: char) -> Key {
    Key {
        code: KeyCode::Char(c),
        ctrl: true,
    }
}

impl Key {
    fn matches(&self, ev: &KeyEvent) -> bool {
        let has_ctrl = ev.modifiers.contains(KeyModifiers::CONTROL);
        if self.ctrl != has_ctrl || ev.modifiers.contains(KeyModifiers::ALT) {
            return false;
        }
        match (self.code, ev.code) {
            (KeyCode::Char(a), KeyCode::Char(b)) => {
                a.eq_ignore_ascii_case(&b) && (self.ctrl || a == b)
            }
            (a, b) => a == b,
        }
    }

    /// The key's name as shown in help and footer, in the chosen glyph profile.
    pub fn name(&self, ascii: bool) -> String {
        let base = match self.code {
            KeyCode::Up if !ascii => "↑".to_string(),
            KeyCode::Down if !ascii => "↓".to_string(),
            KeyCode::Up => "Up".to_string(),
            KeyCode::Down => "Down".to_string(),
            KeyCode::Enter => "Enter".to_string(),
            KeyCode::Esc => "Esc".to_string(),
            KeyCode::Tab => "Tab".to_string(),
            KeyCode::BackTab => "Shift-Tab".to_string(),
            KeyCode::PageUp => "PgUp".to_string(),
            KeyCode::PageDown => "PgDn".to_string(),
            KeyCode::Home => "Home".to_string(),
            KeyCode::End => "End".to_string(),
            KeyCode::F(n) => format!("F{n}"),
            KeyCode::Char(c) if self.ctrl => c.to_ascii_uppercase().to_string(),
            KeyCode::Char(' ') => "Space".to_string(),
            KeyCode::Char(c) => c.to_string(),
            other => format!("{other:?}"),
        };
        if self.ctrl {
            format!("Ctrl-{base}")
        } else {
            base
        }
    }
}

#[derive(Debug, Clone, Copy)]
pub struct Binding {
    pub context: Context,
    pub key: Key,
    pub action: Action,
    pub description: &'static str,
    /// A short label for the footer; bindings without one appear only in help.
    pub hint: Option<&'static str>,
}

const fn bind(
    context: Context,
    key: Key,
    action: Action,
    description: &'static str,
    hint: Option<&'static str>,
) -> Binding {
    Binding {
        context,
        key,
        action,
        description,
        hint,
    }
}

use Action as A;
use Context as C;
use KeyCode as K;

pub const BINDINGS: &[Binding] = &[
    bind(C::Global, ctrl('c'), A::Quit, "Quit at once", None),
    bind(
        C::Global,
        key(K::F(1)),
        A::ToggleHelp,
        "Show or hide this help",
        Some("help"),
    ),
    bind(
        C::Global,
        key(K::F(10)),
        A::Logout,
        "Log out (clears everything shown)",
        None,
    ),
    bind(
        C::Login,
        key(K::Enter),
        A::Submit,
        "Log in, or go to the next empty field",
        Some("log in"),
    ),
    bind(
        C::Login,
        key(K::Tab),
        A::NextField,
        "Next field",
        Some("next"),
    ),
    bind(
        C::Login,
        key(K::BackTab),
        A::PrevField,
        "Previous field",
        None,
    ),
    bind(C::Login, key(K::Down), A::NextField, "Next field", None),
    bind(C::Login, key(K::Up), A::PrevField, "Previous field", None),
    bind(
        C::Login,
        key(K::F(2)),
        A::FillDemo,
        "Fill in the next demo account",
        Some("demo"),
    ),
    bind(
        C::Login,
        key(K::F(5)),
        A::Retry,
        "Retry after a connection failure",
        None,
    ),
    bind(
        C::Login,
        key(K::Esc),
        A::StopTyping,
        "Stop typing (then q quits)",
        Some("leave"),
    ),
    bind(
        C::Login,
        key(K::F(3)),
        A::Enrol,
        "Enrol with a code from your administrator",
        Some("enrol"),
    ),
    bind(
        C::LoginIdle,
        key(K::F(3)),
        A::Enrol,
        "Enrol with a code from your administrator",
        None,
    ),
    bind(
        C::Enrol,
        key(K::Enter),
        A::Submit,
        "Check the enrolment code, then activate with the app's code",
        Some("next"),
    ),
    bind(
        C::Enrol,
        key(K::Tab),
        A::NextField,
        "Next field",
        Some("field"),
    ),
    bind(
        C::Enrol,
        key(K::BackTab),
        A::PrevField,
        "Previous field",
        None,
    ),
    bind(C::Enrol, key(K::Down), A::NextField, "Next field", None),
    bind(C::Enrol, key(K::Up), A::PrevField, "Previous field", None),
    bind(
        C::Enrol,
        key(K::Esc),
        A::Cancel,
        "Back to the login screen",
        Some("cancel"),
    ),
    bind(
        C::Locked,
        key(K::Enter),
        A::Submit,
        "Unlock with your password and a fresh code",
        Some("unlock"),
    ),
    bind(
        C::Locked,
        key(K::Tab),
        A::NextField,
        "Next field",
        Some("field"),
    ),
    bind(
        C::Locked,
        key(K::BackTab),
        A::PrevField,
        "Previous field",
        None,
    ),
    bind(
        C::LoginIdle,
        key(K::Char('q')),
        A::Quit,
        "Quit",
        Some("quit"),
    ),
    bind(
        C::LoginIdle,
        key(K::Enter),
        A::StartTyping,
        "Back to the form",
        Some("form"),
    ),
    bind(
        C::LoginIdle,
        key(K::Tab),
        A::StartTyping,
        "Back to the form",
        None,
    ),
    bind(
        C::LoginIdle,
        key(K::F(2)),
        A::FillDemo,
        "Fill in the next demo account",
        Some("demo"),
    ),
    bind(
        C::LoginIdle,
        key(K::F(5)),
        A::Retry,
        "Retry after a connection failure",
        None,
    ),
    bind(
        C::LoginIdle,
        key(K::Char('?')),
        A::ToggleHelp,
        "Show or hide this help",
        None,
    ),
    bind(
        C::Search,
        key(K::Tab),
        A::NextField,
        "Next field",
        Some("field"),
    ),
    bind(
        C::Search,
        key(K::BackTab),
        A::PrevField,
        "Previous field",
        None,
    ),
    bind(
        C::Search,
        key(K::Down),
        A::Down,
        "Select the next result",
        None,
    ),
    bind(
        C::Search,
        key(K::Up),
        A::Up,
        "Select the previous result",
        None,
    ),
    bind(
        C::Search,
        key(K::PageDown),
        A::PageDown,
        "Results: page down",
        None,
    ),
    bind(
        C::Search,
        key(K::PageUp),
        A::PageUp,
        "Results: page up",
        None,
    ),
    bind(
        C::Search,
        key(K::Enter),
        A::Open,
        "Open the selected child",
        Some("open"),
    ),
    bind(C::Search, key(K::F(5)), A::Retry, "Search again now", None),
    bind(
        C::Search,
        key(K::Esc),
        A::StopTyping,
        "Stop typing (then q quits)",
        Some("leave"),
    ),
    bind(
        C::Search,
        key(K::Char('?')),
        A::ToggleHelp,
        "Show or hide this help",
        None,
    ),
    bind(
        C::Results,
        key(K::Down),
        A::Down,
        "Select the next result",
        None,
    ),
    bind(
        C::Results,
        key(K::Up),
        A::Up,
        "Select the previous result",
        None,
    ),
    bind(C::Results, key(K::PageDown), A::PageDown, "Page down", None),
    bind(C::Results, key(K::PageUp), A::PageUp, "Page up", None),
    bind(C::Results, key(K::Home), A::First, "First result", None),
    bind(C::Results, key(K::End), A::Last, "Last result", None),
    bind(
        C::Results,
        key(K::Enter),
        A::Open,
        "Open the selected child",
        Some("open"),
    ),
    bind(
        C::Results,
        key(K::Tab),
        A::StartTyping,
        "Edit the search",
        Some("edit"),
    ),
    bind(
        C::Results,
        key(K::Char('/')),
        A::StartTyping,
        "Edit the search",
        None,
    ),
    bind(C::Results, key(K::F(5)), A::Retry, "Search again now", None),
    bind(
        C::Results,
        key(K::Char('n')),
        A::NewChild,
        "Directory team: create a child record",
        None,
    ),
    bind(C::Results, key(K::Char('q')), A::Quit, "Quit", Some("quit")),
    bind(
        C::Results,
        key(K::Char('?')),
        A::ToggleHelp,
        "Show or hide this help",
        None,
    ),
    bind(C::Reason, key(K::Down), A::Down, "Next reason", None),
    bind(C::Reason, key(K::Up), A::Up, "Previous reason", None),
    bind(
        C::Reason,
        key(K::Enter),
        A::Submit,
        "Open the record for this reason",
        Some("open"),
    ),
    bind(
        C::Reason,
        key(K::Esc),
        A::Cancel,
        "Cancel: do not open the record",
        Some("cancel"),
    ),
    bind(C::Record, key(K::Down), A::Down, "Scroll down", None),
    bind(C::Record, key(K::Up), A::Up, "Scroll up", None),
    bind(
        C::Record,
        key(K::PageDown),
        A::PageDown,
        "Page down",
        Some("page"),
    ),
    bind(C::Record, key(K::PageUp), A::PageUp, "Page up", None),
    bind(C::Record, key(K::Home), A::First, "Top of the record", None),
    bind(C::Record, key(K::End), A::Last, "End of the record", None),
    bind(
        C::Record,
        key(K::Esc),
        A::Back,
        "Back to the results",
        Some("back"),
    ),
    bind(C::Record, key(K::Char('q')), A::Quit, "Quit", Some("quit")),
    bind(
        C::Record,
        key(K::Char('?')),
        A::ToggleHelp,
        "Show or hide this help",
        None,
    ),
    bind(
        C::Record,
        key(K::Char('e')),
        A::EditIndicators,
        "Edit your service's indicators",
        Some("indicators"),
    ),
    bind(
        C::Record,
        key(K::Char('o')),
        A::OverrideShield,
        "Override the shield (social care, child-protection duty)",
        None,
    ),
    bind(
        C::Record,
        key(K::Char('+')),
        A::AddInvolvement,
        "Add an involvement (directory team: any service)",
        Some("add service"),
    ),
    bind(
        C::Record,
        key(K::Char('x')),
        A::EditInvolvement,
        "Edit or end your involvement (directory team: any)",
        Some("end"),
    ),
    bind(
        C::Record,
        key(K::Char('h')),
        A::History,
        "Identity history: who changed what, and why",
        None,
    ),
    bind(
        C::Record,
        key(K::Char('i')),
        A::EditIdentity,
        "Directory team: edit identity (keeps history)",
        None,
    ),
    bind(
        C::Record,
        key(K::Char('c')),
        A::EditCarers,
        "Directory team: add, edit or remove carers",
        None,
    ),
    bind(
        C::Record,
        key(K::Char('w')),
        A::EditAddress,
        "Directory team: address or whereabouts",
        None,
    ),
    bind(
        C::Record,
        key(K::Char('d')),
        A::MarkDeceased,
        "Directory team: record a death",
        None,
    ),
    bind(
        C::Record,
        key(K::Char('s')),
        A::Shield,
        "Directory team: shield or unshield",
        None,
    ),
    bind(
        C::Form,
        key(K::Tab),
        A::NextField,
        "Next field",
        Some("next"),
    ),
    bind(
        C::Form,
        key(K::BackTab),
        A::PrevField,
        "Previous field",
        None,
    ),
    bind(C::Form, key(K::Down), A::NextField, "Next field", None),
    bind(C::Form, key(K::Up), A::PrevField, "Previous field", None),
    bind(
        C::Form,
        key(K::Enter),
        A::Submit,
        "Save, or confirm discarding (Left/Right: choices)",
        Some("save"),
    ),
    bind(
        C::Form,
        key(K::Esc),
        A::Cancel,
        "Cancel (asks before discarding changes)",
        Some("cancel"),
    ),
    bind(C::Picker, key(K::Down), A::Down, "Next match", None),
    bind(C::Picker, key(K::Up), A::Up, "Previous match", None),
    bind(C::Picker, key(K::PageDown), A::PageDown, "Page down", None),
    bind(C::Picker, key(K::PageUp), A::PageUp, "Page up", None),
    bind(
        C::Picker,
        key(K::Enter),
        A::Submit,
        "Choose the selected item",
        Some("choose"),
    ),
    bind(C::Picker, key(K::Esc), A::Cancel, "Cancel", Some("cancel")),
    bind(
        C::History,
        key(K::Esc),
        A::Back,
        "Close the history",
        Some("close"),
    ),
    bind(C::Indicators, key(K::Down), A::Down, "Next indicator", None),
    bind(C::Indicators, key(K::Up), A::Up, "Previous indicator", None),
    bind(
        C::Indicators,
        key(K::Char(' ')),
        A::Toggle,
        "Set or clear the selected indicator",
        Some("toggle"),
    ),
    bind(
        C::Indicators,
        key(K::Enter),
        A::Submit,
        "Save (or confirm)",
        Some("save"),
    ),
    bind(
        C::Indicators,
        key(K::Esc),
        A::Cancel,
        "Cancel (asks before discarding changes)",
        Some("cancel"),
    ),
    bind(
        C::Results,
        key(K::Char('i')),
        A::OpenInbox,
        "Inbox of access notifications (social care)",
        None,
    ),
    bind(
        C::Record,
        key(K::Char('a')),
        A::RecordAttendance,
        "Record attendance; notifies the authority",
        None,
    ),
    bind(
        C::Record,
        key(K::Char('v')),
        A::ViewFlag,
        "Attendances, who viewed (silent view)",
        None,
    ),
    bind(C::Inbox, key(K::Down), A::Down, "Next notification", None),
    bind(C::Inbox, key(K::Up), A::Up, "Previous notification", None),
    bind(
        C::Inbox,
        key(K::Enter),
        A::MarkRead,
        "Mark the notification read",
        Some("mark read"),
    ),
    bind(
        C::Inbox,
        key(K::Char('u')),
        A::ToggleUnread,
        "Show only unread, or all",
        Some("unread"),
    ),
    bind(C::Inbox, key(K::F(5)), A::Retry, "Refresh now", None),
    bind(
        C::Inbox,
        key(K::Esc),
        A::Back,
        "Back to the search",
        Some("back"),
    ),
    bind(C::Inbox, key(K::Char('q')), A::Quit, "Quit", Some("quit")),
    bind(
        C::Inbox,
        key(K::Char('?')),
        A::ToggleHelp,
        "Show or hide this help",
        None,
    ),
    bind(
        C::Results,
        key(K::Char('D')),
        A::Duplicates,
        "Directory team: possible duplicates, and merging them",
        None,
    ),
    bind(C::Duplicates, key(K::Down), A::Down, "Next pair", None),
    bind(C::Duplicates, key(K::Up), A::Up, "Previous pair", None),
    bind(
        C::Duplicates,
        key(K::PageDown),
        A::PageDown,
        "Page down",
        None,
    ),
    bind(C::Duplicates, key(K::PageUp), A::PageUp, "Page up", None),
    bind(C::Duplicates, key(K::Home), A::First, "First pair", None),
    bind(C::Duplicates, key(K::End), A::Last, "Last pair", None),
    bind(
        C::Duplicates,
        key(K::Enter),
        A::Open,
        "Merge the selected pair (asks first)",
        Some("merge"),
    ),
    bind(
        C::Duplicates,
        key(K::Esc),
        A::Back,
        "Back to the search",
        Some("back"),
    ),
    bind(C::Duplicates, key(K::Char('q')), A::Quit, "Quit", None),
    bind(
        C::Duplicates,
        key(K::Char('?')),
        A::ToggleHelp,
        "Show or hide this help",
        None,
    ),
    bind(
        C::Merge,
        key(K::Enter),
        A::Submit,
        "Merge: the record shown as kept survives",
        Some("merge"),
    ),
    bind(
        C::Merge,
        key(K::Char('s')),
        A::Swap,
        "Swap which record survives",
        Some("swap"),
    ),
    bind(
        C::Merge,
        key(K::Left),
        A::Swap,
        "Swap which record survives",
        None,
    ),
    bind(
        C::Merge,
        key(K::Right),
        A::Swap,
        "Swap which record survives",
        None,
    ),
    bind(
        C::Merge,
        key(K::Esc),
        A::Cancel,
        "Cancel: merge nothing",
        Some("cancel"),
    ),
    bind(C::Help, key(K::Down), A::Down, "Scroll down", None),
    bind(C::Help, key(K::Up), A::Up, "Scroll up", None),
    bind(C::Help, key(K::PageDown), A::PageDown, "Page down", None),
    bind(C::Help, key(K::PageUp), A::PageUp, "Page up", None),
    bind(
        C::Help,
        key(K::Esc),
        A::ToggleHelp,
        "Close the help",
        Some("close"),
    ),
    bind(
        C::Help,
        key(K::Char('?')),
        A::ToggleHelp,
        "Close the help",
        None,
    ),
    bind(C::Help, key(K::Char('q')), A::Quit, "Quit", None),
];

/// Every binding: the main table, then the oversight screens'.
pub fn all() -> impl Iterator<Item = &'static Binding> {
    BINDINGS.iter().chain(oversight::BINDINGS)
}

/// Every context in help order, the oversight screens last.
pub fn help_order() -> impl Iterator<Item = Context> {
    HELP_ORDER.into_iter().chain(oversight::HELP_ORDER)
}

/// The action a key press means in a context: the context's own bindings first, then global ones.
pub fn action_for(context: Context, ev: &KeyEvent) -> Option<Action> {
    [context, Context::Global].into_iter().find_map(|ctx| {
        all()
            .find(|b| b.context == ctx && b.key.matches(ev))
            .map(|b| b.action)
    })
}

/// Footer hints for a context: its own first, then the global ones that have a hint.
pub fn hints(context: Context) -> impl Iterator<Item = &'static Binding> {
    let own = all().filter(move |b| b.context == context);
    let global = all().filter(|b| b.context == Context::Global);
    own.chain(global).filter(|b| b.hint.is_some())
}

/// Every context in the order the help overlay lists them.
pub const HELP_ORDER: [Context; 17] = [
    Context::Global,
    Context::Login,
    Context::LoginIdle,
    Context::Enrol,
    Context::Locked,
    Context::Search,
    Context::Results,
    Context::Reason,
    Context::Record,
    Context::Indicators,
    Context::Inbox,
    Context::Form,
    Context::Picker,
    Context::History,
    Context::Duplicates,
    Context::Merge,
    Context::Help,
];

#[cfg(test)]
mod tests {
    use super::*;

    fn press(code: KeyCode, modifiers: KeyModifiers) -> KeyEvent {
        KeyEvent::new(code, modifiers)
    }

    #[test]
    fn no_key_means_two_things_in_one_context() {
        let every: Vec<&Binding> = all().collect();
        for (i, a) in every.iter().enumerate() {
            for b in &every[i + 1..] {
                let same =
                    a.context == b.context && a.key.code == b.key.code && a.key.ctrl == b.key.ctrl;
                assert!(
                    !same || a.action == b.action,
                    "{:?} {:?}: {:?} and {:?}",
                    a.context,
                    a.key.code,
                    a.action,
                    b.action
                );
            }
        }
    }

    #[test]
    fn context_bindings_win_over_global_ones() {
        let q = press(KeyCode::Char('q'), KeyModifiers::NONE);
        assert_eq!(action_for(Context::Results, &q), Some(Action::Quit));
        assert_eq!(
            action_for(Context::Search, &q),
            None,
            "q is typed while in a field"
        );
        let ctrl_c = press(KeyCode::Char('c'), KeyModifiers::CONTROL);
        assert_eq!(action_for(Context::Search, &ctrl_c), Some(Action::Quit));
    }

    #[test]
    fn no_binding_uses_flow_control_or_multiplexer_prefixes() {
        for b in BINDINGS.iter().filter(|b| b.key.ctrl) {
            assert!(
                !matches!(
                    b.key.code,
                    KeyCode::Char('s' | 'q' | 'a' | 'b' | 'h' | 'j' | 'k' | 'l')
                ),
                "{:?}",
                b.key
            );
        }
    }

    #[test]
    fn every_context_is_listed_in_help() {
        for b in all() {
            assert!(help_order().any(|c| c == b.context));
        }
    }
}
