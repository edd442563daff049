//! The oversight screens' state and update: accounts (administrators), audit
//! review and the misuse report (auditors and administrators), and one's own
//! sessions and password. Each change goes through a confirmation or a form;
//! a refused save keeps what was typed and marks the field at fault.

use crossterm::event::KeyEvent;

use crate::api::{
    AccountView, AuditQuery, EnrolmentCode, MisuseReport, NewAccountRequest, PasswordChange,
    SessionView,
};
use crate::client::{AccountAction, ClientError};
use crate::model::{ChainedAuditEvent, Role};
use crate::tui::form::{parse_date, show_date, Form, Outcome};
use crate::tui::input::Edit;
use crate::tui::keymap::{Action, Context};
use crate::tui::msg::Effect;
use crate::tui::oversight::{Act, Answer, ExportFormat, Pane, Reply, Request};
use crate::tui::picker::{Choice, Item, Picker};

use super::{layout, App, Notice, Screen};

/// What saving the open oversight form does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Purpose {
    /// A one-key account action, asked first.
    Confirm {
        username: String,
        act: Act,
    },
    Role {
        username: String,
    },
    CreateAccount {
        organisation: String,
    },
    Filter,
    Export,
    Suspend {
        username: String,
    },
    EndSession {
        id: String,
    },
    Password,
}

#[derive(Debug, Default)]
pub struct OversightState {
    pub accounts: Vec<AccountView>,
    pub account: usize,
    /// The latest one-time enrolment code, shown until the screen is left.
    pub enrolment: Option<EnrolmentCode>,
    pub query: AuditQuery,
    pub events: Vec<ChainedAuditEvent>,
    pub truncated: bool,
    pub event: usize,
    pub misuse: Option<MisuseReport>,
    pub suspect: usize,
    pub sessions: Vec<SessionView>,
    pub session: usize,
    pub form: Option<(Form, Purpose)>,
    pub picker: Option<Picker>,
    pub notice: Option<Notice>,
    /// Where Esc goes back to; empty for an auditor on the audit review.
    back: Vec<Screen>,
    /// `n` was pressed before the organisations had loaded.
    awaiting_organisations: bool,
}

const LOADING: &str = "Loading...";

pub const ROLES: [Role; 6] = Role::ALL;

/// An account's state in one word, as the list shows it.
pub fn account_state(a: &AccountView) -> &'static str {
    if a.disabled {
        "disabled"
    } else if a.locked {
        "locked"
    } else if !a.enrolled {
        "not enrolled"
    } else {
        "active"
    }
}

fn can_manage(role: Role) -> bool {
    matches!(role, Role::Admin | Role::LaAdmin)
}

fn can_audit(role: Role) -> bool {
    matches!(role, Role::Auditor | Role::Admin | Role::LaAdmin)
}

/// The field a server refusal is about, so the form can mark it.
fn field_of(purpose: &Purpose, message: &str) -> Option<&'static str> {
    let m = message.to_lowercase();
    match purpose {
        Purpose::CreateAccount { .. } if m.contains("username") => Some("Username"),
        Purpose::CreateAccount { .. } if m.contains("phone") => Some("Phone"),
        Purpose::CreateAccount { .. } if m.contains("name") => Some("Display name"),
        Purpose::CreateAccount { .. } | Purpose::Role { .. } if m.contains("role") => Some("Role"),
        Purpose::Password if m.contains("current password") || m.contains("credentials") => {
            Some("Current password")
        }
        Purpose::Password if m.contains("code") => Some("Code"),
        Purpose::Password if m.contains("password") => Some("New password"),
        Purpose::Suspend { .. } if m.contains("why") => Some("Reason"),
        _ => None,
    }
}

impl OversightState {
    /// The keys' context on an oversight screen: an open form or picker first.
    pub fn context(&self, pane: Pane) -> Context {
        if self.form.is_some() {
            Context::Form
        } else if self.picker.is_some() {
            Context::Picker
        } else {
            Context::Oversight(pane)
        }
    }

    pub fn overlay_open(&self) -> bool {
        self.form.is_some() || self.picker.is_some()
    }

    pub fn edit(&mut self, ev: &KeyEvent) -> Edit {
        if let Some((form, _)) = self.form.as_mut() {
            return form.edit(ev);
        }
        self.picker.as_mut().map_or(Edit::Ignored, |p| p.edit(ev))
    }

    pub fn selected_account(&self) -> Option<&AccountView> {
        self.accounts.get(self.account)
    }

    fn open_form(&mut self, form: Form, purpose: Purpose) {
        self.form = Some((form, purpose));
    }
}

fn step(index: usize, delta: isize, len: usize) -> usize {
    index
        .saturating_add_signed(delta)
        .min(len.saturating_sub(1))
}

impl App {
    fn role(&self) -> Option<Role> {
        self.user.as_ref().map(|u| u.role)
    }

    /// Opens an oversight screen from the search results (or from another pane).
    pub(super) fn open_oversight(&mut self, pane: Pane) -> Vec<Effect> {
        let Some(role) = self.role() else {
            return vec![];
        };
        let refusal = match pane {
            Pane::Accounts if !can_manage(role) => Some("Only administrators manage accounts."),
            Pane::Audit | Pane::Misuse if !can_audit(role) => {
                Some("Only auditors and administrators review the audit.")
            }
            _ => None,
        };
        if let Some(text) = refusal {
            self.search.notice = Some(Notice::warn(text));
            return vec![];
        }
        if self.screen != Screen::Oversight(pane) {
            self.oversight.back.push(self.screen);
        }
        self.show_pane(pane)
    }

    /// Shows a pane and loads what it lists.
    fn show_pane(&mut self, pane: Pane) -> Vec<Effect> {
        self.screen = Screen::Oversight(pane);
        self.oversight.notice = Some(Notice::info(LOADING));
        self.dirty = true;
        vec![Effect::Oversight(self.load(pane))]
    }

    fn load(&self, pane: Pane) -> Request {
        match pane {
            Pane::Accounts => Request::Accounts,
            Pane::Audit => Request::AuditEvents(self.oversight.query.clone()),
            Pane::Misuse => Request::Misuse,
            Pane::Sessions => Request::Sessions,
        }
    }

    /// After login: an auditor cannot search, so the audit review is their home.
    pub(super) fn land_auditor(&mut self) -> Vec<Effect> {
        self.oversight = OversightState::default();
        self.show_pane(Pane::Audit)
    }

    pub(super) fn on_oversight_action(&mut self, pane: Pane, action: Action) -> Vec<Effect> {
        self.oversight.enrolment = None;
        let page = isize::try_from(layout::result_rows(self.size)).unwrap_or(1);
        let o = &mut self.oversight;
        let delta = match action {
            Action::Up => -1,
            Action::Down => 1,
            Action::PageUp => -page,
            Action::PageDown => page,
            Action::First => isize::MIN / 2,
            Action::Last => isize::MAX / 2,
            _ => 0,
        };
        if delta != 0 {
            match pane {
                Pane::Accounts => o.account = step(o.account, delta, o.accounts.len()),
                Pane::Audit => o.event = step(o.event, delta, o.events.len()),
                Pane::Misuse => {
                    let n = o.misuse.as_ref().map_or(0, |m| m.suspects.len());
                    o.suspect = step(o.suspect, delta, n);
                }
                Pane::Sessions => o.session = step(o.session, delta, o.sessions.len()),
            }
            return vec![];
        }
        match action {
            Action::Retry => vec![Effect::Oversight(self.load(pane))],
            Action::Back => self.oversight_back(),
            Action::Oversight(Act::Open(next)) => self.open_oversight(next),
            Action::Oversight(act) => self.oversight_act(act),
            _ => vec![],
        }
    }

    fn oversight_back(&mut self) -> Vec<Effect> {
        self.oversight.enrolment = None;
        match self.oversight.back.pop() {
            Some(Screen::Oversight(pane)) => self.show_pane(pane),
            Some(screen) => {
                self.screen = screen;
                self.oversight.notice = None;
                vec![]
            }
            None => {
                self.oversight.notice = Some(Notice::info(
                    "Auditors review the audit and do not search. F10 logs out.",
                ));
                vec![]
            }
        }
    }

    /// A one-key action: each opens a confirmation or a form; nothing is sent yet.
    fn oversight_act(&mut self, act: Act) -> Vec<Effect> {
        if act == Act::NewAccount {
            return self.start_new_account();
        }
        let o = &mut self.oversight;
        match act {
            Act::Filter => o.open_form(filter_form(&o.query), Purpose::Filter),
            Act::Export => o.open_form(
                Form::new("Export the filtered events")
                    .note("Audit events only: who, when, what, why. No record content.")
                    .text("File", "audit-events.csv")
                    .choice("Format", &["CSV", "JSON"], 0),
                Purpose::Export,
            ),
            Act::ChangePassword => o.open_form(
                Form::new("Change my password")
                    .note("12 to 128 characters; not a common one. Needs a fresh code.")
                    .secret("Current password")
                    .secret("New password")
                    .secret("New password again")
                    .secret("Code"),
                Purpose::Password,
            ),
            Act::EndSession => {
                let Some(s) = o.sessions.get(o.session) else {
                    return vec![];
                };
                if s.current {
                    o.notice = Some(Notice::warn("That is this session: F10 logs out instead."));
                    return vec![];
                }
                let form = Form::new(format!("End session {}?", s.id)).note(format!(
                    "Started {}. Enter ends it; Esc keeps it.",
                    s.created_at.format("%d/%m/%Y %H:%M UTC")
                ));
                let id = s.id.clone();
                o.open_form(form, Purpose::EndSession { id });
            }
            Act::Suspend => {
                let Some(s) = o.misuse.as_ref().and_then(|m| m.suspects.get(o.suspect)) else {
                    return vec![];
                };
                let form = Form::new(format!("Suspend {}?", s.username))
                    .note("Ends their sessions and tells their administrators. Audited.")
                    .text("Reason", "");
                let username = s.username.clone();
                o.open_form(form, Purpose::Suspend { username });
            }
            Act::ChangeRole => {
                let Some(a) = o.selected_account() else {
                    return vec![];
                };
                let at = ROLES.iter().position(|r| *r == a.role).unwrap_or(0);
                let codes: Vec<&str> = ROLES.iter().map(|r| r.code()).collect();
                let form = Form::new(format!("Change the role of {}", a.username))
                    .note("Takes effect on their next request.")
                    .choice("Role", &codes, at);
                let username = a.username.clone();
                o.open_form(form, Purpose::Role { username });
            }
            Act::ToggleDisabled | Act::Unlock | Act::ResetTwoFactor | Act::EndSessions => {
                let Some(a) = o.selected_account() else {
                    return vec![];
                };
                let (question, consequence) = match act {
                    Act::ToggleDisabled if a.disabled => ("Re-enable", "They can log in again."),
                    Act::ToggleDisabled => ("Disable", "Their sessions end at once."),
                    Act::Unlock => ("Unlock", "Clears the failed-login lock."),
                    Act::ResetTwoFactor => (
                        "Reset two-factor for",
                        "Their old codes stop working; you get a new enrolment code.",
                    ),
                    _ => ("End all sessions of", "They must log in again."),
                };
                let form = Form::new(format!("{question} {}?", a.username))
                    .note(format!("{consequence} Enter confirms; Esc cancels."));
                let username = a.username.clone();
                o.open_form(form, Purpose::Confirm { username, act });
            }
            Act::Open(_) | Act::NewAccount => {}
        }
        vec![]
    }

    fn start_new_account(&mut self) -> Vec<Effect> {
        if self.organisations.is_none() {
            self.oversight.awaiting_organisations = true;
            self.oversight.notice = Some(Notice::info("Loading organisations..."));
            return vec![Effect::LoadOrganisations];
        }
        let items = self
            .organisations
            .iter()
            .flatten()
            .enumerate()
            .map(|(n, o)| Item {
                label: format!("{} ({}, {})", o.name, o.kind.label(), o.code),
                choice: Choice::Organisation(n),
            })
            .collect();
        self.oversight.picker = Some(Picker::new(
            "New account's organisation: type to narrow",
            items,
        ));
        vec![]
    }

    /// The organisations arrived: a new account waiting for them can go on.
    pub(super) fn oversight_organisations_ready(&mut self) -> Vec<Effect> {
        if std::mem::take(&mut self.oversight.awaiting_organisations)
            && self.organisations.is_some()
        {
            self.oversight.notice = None;
            return self.start_new_account();
        }
        vec![]
    }

    /// A key bound in the form or picker context, on an oversight screen.
    pub(super) fn on_oversight_overlay(&mut self, action: Action) -> Vec<Effect> {
        if self.oversight.form.is_some() {
            return self.on_oversight_form(action);
        }
        let Some(picker) = self.oversight.picker.as_mut() else {
            return vec![];
        };
        match action {
            Action::Up => picker.select(-1),
            Action::Down => picker.select(1),
            Action::PageUp => picker.select(-10),
            Action::PageDown => picker.select(10),
            Action::Cancel => self.oversight.picker = None,
            Action::Submit => {
                let Some(Choice::Organisation(n)) = picker.chosen() else {
                    return vec![];
                };
                self.oversight.picker = None;
                let Some(org) = self.organisations.as_ref().and_then(|o| o.get(n)) else {
                    return vec![];
                };
                let form = Form::new("Create an account")
                    .note(format!("Organisation: {} ({})", org.name, org.code))
                    .text("Username", "")
                    .text("Display name", "")
                    .choice(
                        "Role",
                        &ROLES.iter().map(|r| r.code()).collect::<Vec<_>>(),
                        0,
                    )
                    .text("Phone", "")
                    .choice("Child-protection duty", &["No", "Yes"], 0);
                let organisation = org.code.clone();
                self.oversight
                    .open_form(form, Purpose::CreateAccount { organisation });
            }
            _ => {}
        }
        vec![]
    }

    fn on_oversight_form(&mut self, action: Action) -> Vec<Effect> {
        let query = self.oversight.query.clone();
        let Some((form, purpose)) = self.oversight.form.as_mut() else {
            return vec![];
        };
        let outcome = match action {
            Action::NextField => {
                form.move_focus(true);
                Outcome::Stay
            }
            Action::PrevField => {
                form.move_focus(false);
                Outcome::Stay
            }
            Action::Submit => form.submit(),
            Action::Cancel => form.cancel(),
            _ => Outcome::Stay,
        };
        match outcome {
            Outcome::Stay => vec![],
            Outcome::Close => {
                self.oversight.form = None;
                vec![]
            }
            Outcome::Save => {
                let request = match oversight_request(form, purpose, query) {
                    Ok(request) => request,
                    Err(message) => {
                        form.refused(message);
                        return vec![];
                    }
                };
                match request {
                    // A filter only reloads the list.
                    Request::AuditEvents(query) => {
                        self.oversight.query = query.clone();
                        self.oversight.form = None;
                        self.oversight.event = 0;
                        self.oversight.notice = Some(Notice::info(LOADING));
                        vec![Effect::Oversight(Request::AuditEvents(query))]
                    }
                    request => {
                        form.saving(0);
                        vec![Effect::Oversight(request)]
                    }
                }
            }
        }
    }

    pub(super) fn oversight_answer(&mut self, answer: Answer) -> Vec<Effect> {
        if self.user.is_none() {
            return vec![];
        }
        self.dirty = true;
        let reply = match answer.result {
            Ok(reply) => reply,
            Err(e) => {
                self.oversight_refused(answer.save, &e);
                return vec![];
            }
        };
        if answer.save {
            self.oversight.form = None;
        }
        let o = &mut self.oversight;
        // A reload after a change keeps the change's message.
        if answer.save || o.notice.as_ref().is_some_and(|n| n.text == LOADING) {
            o.notice = None;
        }
        match reply {
            Reply::Accounts(list) => {
                o.accounts = list;
                o.account = o.account.min(o.accounts.len().saturating_sub(1));
                if o.accounts.is_empty() {
                    o.notice = Some(Notice::info("No accounts you manage."));
                }
            }
            Reply::AccountChanged(result) => {
                o.notice = Some(Notice::info(result.message.clone()));
                upsert(&mut o.accounts, result.account);
            }
            Reply::EnrolmentCode { created, account } => {
                let account = *account;
                let code = &account.enrolment;
                o.notice = Some(Notice::info(format!(
                    "{} {}: give them the enrolment code (F3 on the login screen).",
                    if created {
                        "Created"
                    } else {
                        "Two-factor reset for"
                    },
                    code.username
                )));
                o.enrolment = Some(account.enrolment.clone());
                let username = account.account.username.clone();
                upsert(&mut o.accounts, account.account);
                if let Some(at) = o.accounts.iter().position(|a| a.username == username) {
                    o.account = at;
                }
            }
            Reply::AuditEvents(events) => {
                o.events = events.events;
                o.truncated = events.truncated;
                o.event = o.event.min(o.events.len().saturating_sub(1));
                if o.events.is_empty() {
                    o.notice = Some(Notice::info("No events match: f changes the filter."));
                }
            }
            Reply::Exported { path, events } => {
                o.notice = Some(Notice::info(format!(
                    "Exported {events} events to {}",
                    path.display()
                )));
            }
            Reply::Misuse(report) => {
                o.suspect = o.suspect.min(report.suspects.len().saturating_sub(1));
                if report.suspects.is_empty() {
                    o.notice = Some(Notice::info("Nobody's pattern looks like trawling."));
                }
                o.misuse = Some(report);
            }
            Reply::Suspended(result) => {
                o.notice = Some(Notice::info(result.message.clone()));
                return vec![Effect::Oversight(Request::Misuse)];
            }
            Reply::Sessions(list) => {
                o.sessions = list;
                o.session = o.session.min(o.sessions.len().saturating_sub(1));
            }
            Reply::SessionEnded => {
                o.notice = Some(Notice::info("Session ended."));
                return vec![Effect::Oversight(Request::Sessions)];
            }
            Reply::PasswordChanged => {
                o.notice = Some(Notice::info("Password changed."));
                return vec![Effect::Oversight(Request::Sessions)];
            }
        }
        vec![]
    }

    fn oversight_refused(&mut self, save: bool, e: &ClientError) {
        if self.session_expired(e) {
            return;
        }
        let message = e.to_string();
        match self.oversight.form.as_mut().filter(|_| save) {
            Some((form, purpose)) => match field_of(purpose, &message) {
                Some(label) => form.refused(format!("{label}: {message}")),
                None => form.refused(message),
            },
            None => self.oversight.notice = Some(Notice::error(message)),
        }
    }
}

fn upsert(list: &mut Vec<AccountView>, account: AccountView) {
    match list.iter_mut().find(|a| a.username == account.username) {
        Some(slot) => *slot = account,
        None => list.push(account),
    }
}

fn filter_form(q: &AuditQuery) -> Form {
    let date = |d: Option<chrono::NaiveDate>| d.map(show_date).unwrap_or_default();
    Form::new("Filter the audit events")
        .note("All filters must hold; leave blank for any.")
        .text("User", q.user.as_deref().unwrap_or(""))
        .text("Child", q.child.as_deref().unwrap_or(""))
        .text("Organisation", q.organisation.as_deref().unwrap_or(""))
        .text("Action", q.action.as_deref().unwrap_or(""))
        .text("From", &date(q.from))
        .text("To", &date(q.to))
}

/// The request a form makes, or the fault to show ("Label: what to do").
fn oversight_request(form: &Form, purpose: &Purpose, query: AuditQuery) -> Result<Request, String> {
    let date = |label: &'static str| {
        form.optional(label)
            .map(|d| parse_date(label, &d))
            .transpose()
            .map_err(|e| e.to_string())
    };
    Ok(match purpose {
        Purpose::Confirm { username, act } => {
            let user = username.clone();
            match act {
                Act::ResetTwoFactor => Request::ResetTwoFactor(user),
                Act::Unlock => Request::Account(user, AccountAction::Unlock),
                Act::EndSessions => Request::Account(user, AccountAction::EndSessions),
                _ if form.title.starts_with("Re-enable") => {
                    Request::Account(user, AccountAction::Enable)
                }
                _ => Request::Account(user, AccountAction::Disable),
            }
        }
        Purpose::Role { username } => {
            Request::ChangeRole(username.clone(), ROLES[form.chosen("Role")])
        }
        Purpose::CreateAccount { organisation } => {
            let username = form.get("Username");
            if username.is_empty() {
                return Err("Username: give one, e.g. j.bloggs".into());
            }
            if form.get("Display name").is_empty() {
                return Err("Display name: give the person's name".into());
            }
            Request::CreateAccount(NewAccountRequest {
                username,
                display_name: form.get("Display name"),
                organisation: organisation.clone(),
                role: ROLES[form.chosen("Role")],
                phone: form.optional("Phone"),
                child_protection: form.chosen("Child-protection duty") == 1,
            })
        }
        Purpose::Filter => {
            let (from, to) = (date("From")?, date("To")?);
            if let (Some(from), Some(to)) = (from, to) {
                if to < from {
                    return Err("To: the last day comes after the first".into());
                }
            }
            Request::AuditEvents(AuditQuery {
                user: form.optional("User"),
                child: form.optional("Child"),
                organisation: form.optional("Organisation"),
                action: form.optional("Action"),
                from,
                to,
                ..AuditQuery::default()
            })
        }
        Purpose::Export => {
            let Some(path) = form.optional("File") else {
                return Err("File: name the file to write".into());
            };
            let format = [ExportFormat::Csv, ExportFormat::Json][form.chosen("Format")];
            // The filter shown on screen is the one exported.
            Request::Export {
                query,
                format,
                path: path.into(),
            }
        }
        Purpose::Suspend { username } => {
            let Some(reason) = form.optional("Reason") else {
                return Err("Reason: say why the account is suspended".into());
            };
            Request::Suspend {
                username: username.clone(),
                reason,
            }
        }
        Purpose::EndSession { id } => Request::EndSession(id.clone()),
        Purpose::Password => {
            // Passwords as typed: spaces are part of them.
            let new = raw(form, "New password");
            if new != raw(form, "New password again") {
                return Err("New password again: the two new passwords differ".into());
            }
            if form.get("Code").is_empty() {
                return Err("Code: type the code your app shows now".into());
            }
            Request::ChangePassword(PasswordChange {
                current_password: raw(form, "Current password"),
                new_password: new,
                totp: form.get("Code"),
            })
        }
    })
}

/// A text field's value untrimmed.
fn raw(form: &Form, label: &str) -> String {
    form.fields
        .iter()
        .find(|f| f.label == label)
        .and_then(|f| match &f.value {
            crate::tui::form::Value::Text(input) => Some(input.value().to_string()),
            crate::tui::form::Value::Choice { .. } => None,
        })
        .unwrap_or_default()
}
