//! Keys of the oversight screens (accounts, audit review, misuse report, own
//! sessions), kept apart from the main table; help and footer read both.

use super::{bind, key, Action, Binding, Context, Key};
use crate::tui::oversight::{Act, Pane};
use crossterm::event::KeyCode as K;

const ACCOUNTS: Context = Context::Oversight(Pane::Accounts);
const AUDIT: Context = Context::Oversight(Pane::Audit);
const MISUSE: Context = Context::Oversight(Pane::Misuse);
const SESSIONS: Context = Context::Oversight(Pane::Sessions);

const fn act(
    context: Context,
    key: Key,
    act: Act,
    description: &'static str,
    hint: Option<&'static str>,
) -> Binding {
    bind(context, key, Action::Oversight(act), description, hint)
}

const fn ch(c: char) -> Key {
    key(K::Char(c))
}

/// The oversight contexts, in the order the help overlay lists them.
pub const HELP_ORDER: [Context; 4] = [ACCOUNTS, AUDIT, MISUSE, SESSIONS];

pub const BINDINGS: &[Binding] = &[
    act(
        Context::Results,
        ch('U'),
        Act::Open(Pane::Accounts),
        "Administrators: manage accounts",
        Some("accounts"),
    ),
    act(
        Context::Results,
        ch('A'),
        Act::Open(Pane::Audit),
        "Auditors, administrators: review the audit",
        Some("audit"),
    ),
    act(
        Context::Results,
        ch('M'),
        Act::Open(Pane::Sessions),
        "My sessions and password",
        None,
    ),
    // Accounts.
    bind(ACCOUNTS, key(K::Down), Action::Down, "Next account", None),
    bind(ACCOUNTS, key(K::Up), Action::Up, "Previous account", None),
    act(
        ACCOUNTS,
        ch('n'),
        Act::NewAccount,
        "Create an account (gives an enrolment code)",
        Some("new"),
    ),
    act(
        ACCOUNTS,
        ch('d'),
        Act::ToggleDisabled,
        "Disable or re-enable (disabling ends sessions)",
        Some("disable"),
    ),
    act(
        ACCOUNTS,
        ch('u'),
        Act::Unlock,
        "Unlock after failed logins",
        None,
    ),
    act(
        ACCOUNTS,
        ch('t'),
        Act::ResetTwoFactor,
        "Reset two-factor (gives a new enrolment code)",
        Some("2FA"),
    ),
    act(
        ACCOUNTS,
        ch('x'),
        Act::EndSessions,
        "End all of the user's sessions",
        None,
    ),
    act(
        ACCOUNTS,
        ch('r'),
        Act::ChangeRole,
        "Change the role",
        Some("role"),
    ),
    bind(
        ACCOUNTS,
        key(K::F(5)),
        Action::Retry,
        "Reload the list",
        None,
    ),
    bind(
        ACCOUNTS,
        key(K::Esc),
        Action::Back,
        "Back to the search",
        Some("back"),
    ),
    bind(ACCOUNTS, ch('q'), Action::Quit, "Quit", None),
    bind(
        ACCOUNTS,
        ch('?'),
        Action::ToggleHelp,
        "Show or hide this help",
        None,
    ),
    // Audit review.
    bind(AUDIT, key(K::Down), Action::Down, "Next event", None),
    bind(AUDIT, key(K::Up), Action::Up, "Previous event", None),
    bind(AUDIT, key(K::PageDown), Action::PageDown, "Page down", None),
    bind(AUDIT, key(K::PageUp), Action::PageUp, "Page up", None),
    bind(AUDIT, key(K::Home), Action::First, "First event", None),
    bind(AUDIT, key(K::End), Action::Last, "Last event", None),
    act(
        AUDIT,
        ch('f'),
        Act::Filter,
        "Filter by user, child, organisation, action, dates",
        Some("filter"),
    ),
    act(
        AUDIT,
        ch('e'),
        Act::Export,
        "Export the filtered events to a file (CSV or JSON)",
        Some("export"),
    ),
    act(
        AUDIT,
        ch('m'),
        Act::Open(Pane::Misuse),
        "Misuse report: users who look like trawling",
        Some("misuse"),
    ),
    act(
        AUDIT,
        ch('M'),
        Act::Open(Pane::Sessions),
        "My sessions and password",
        None,
    ),
    bind(
        AUDIT,
        key(K::F(5)),
        Action::Retry,
        "Reload the events",
        None,
    ),
    bind(
        AUDIT,
        key(K::Esc),
        Action::Back,
        "Back to the search (not for auditors)",
        None,
    ),
    bind(AUDIT, ch('q'), Action::Quit, "Quit", Some("quit")),
    bind(
        AUDIT,
        ch('?'),
        Action::ToggleHelp,
        "Show or hide this help",
        None,
    ),
    // Misuse report.
    bind(MISUSE, key(K::Down), Action::Down, "Next user", None),
    bind(MISUSE, key(K::Up), Action::Up, "Previous user", None),
    act(
        MISUSE,
        ch('s'),
        Act::Suspend,
        "Suspend the user (asks for a reason; ends sessions)",
        Some("suspend"),
    ),
    bind(
        MISUSE,
        key(K::F(5)),
        Action::Retry,
        "Run the report again",
        None,
    ),
    bind(
        MISUSE,
        key(K::Esc),
        Action::Back,
        "Back to the audit review",
        Some("back"),
    ),
    bind(MISUSE, ch('q'), Action::Quit, "Quit", None),
    bind(
        MISUSE,
        ch('?'),
        Action::ToggleHelp,
        "Show or hide this help",
        None,
    ),
    // My sessions and password.
    bind(SESSIONS, key(K::Down), Action::Down, "Next session", None),
    bind(SESSIONS, key(K::Up), Action::Up, "Previous session", None),
    act(
        SESSIONS,
        ch('x'),
        Act::EndSession,
        "End the selected session (not this one)",
        Some("end"),
    ),
    act(
        SESSIONS,
        ch('p'),
        Act::ChangePassword,
        "Change my password (needs a fresh code)",
        Some("password"),
    ),
    bind(
        SESSIONS,
        key(K::F(5)),
        Action::Retry,
        "Reload the list",
        None,
    ),
    bind(SESSIONS, key(K::Esc), Action::Back, "Back", Some("back")),
    bind(SESSIONS, ch('q'), Action::Quit, "Quit", None),
    bind(
        SESSIONS,
        ch('?'),
        Action::ToggleHelp,
        "Show or hide this help",
        None,
    ),
];
