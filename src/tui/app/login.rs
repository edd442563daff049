//! Login form state, and the demo accounts with their current codes.

use std::time::{Duration, Instant};

use totp_rs::{Algorithm, Secret, TOTP};

use super::Notice;
use crate::api::{DemoAccount, LoginRequest};
use crate::client::ClientError;
use crate::tui::input::{Edit, TextInput};
use crate::tui::msg::Effect;

use chrono::{DateTime, Utc};
use crossterm::event::{KeyCode, KeyEvent};

pub const USERNAME: usize = 0;
pub const PASSWORD: usize = 1;
pub const CODE: usize = 2;
pub const FIELD_COUNT: usize = 3;
pub const FIELD_LABELS: [&str; FIELD_COUNT] = ["Username", "Password", "Code"];

const TOTP_STEP_SECS: u64 = 30;

/// What the server said about demo accounts.
#[derive(Debug, Clone, Default, PartialEq)]
pub enum DemoState {
    #[default]
    Loading,
    /// Real data: no accounts to show.
    None,
    /// Could not ask (server unreachable); F5 asks again.
    Failed,
    Accounts(Vec<DemoAccount>),
}

#[derive(Debug, Default)]
pub struct LoginState {
    pub fields: [TextInput; FIELD_COUNT],
    pub focus: Option<usize>,
    pub notice: Option<Notice>,
    pub pending: bool,
    pub demo: DemoState,
    /// Each demo account's code for `step`; `None` where the secret is unusable.
    pub codes: Vec<Option<String>>,
    step: u64,
    next_demo: usize,
    pub refresh_at: Option<Instant>,
}

impl LoginState {
    pub fn new() -> Self {
        LoginState {
            focus: Some(USERNAME),
            ..Default::default()
        }
    }

    fn complete(&self) -> bool {
        self.fields.iter().all(|f| !f.value().trim().is_empty())
    }

    pub fn submit(&mut self) -> Vec<Effect> {
        if self.pending {
            return vec![];
        }
        if !self.complete() {
            self.focus = self.fields.iter().position(|f| f.value().trim().is_empty());
            return vec![];
        }
        self.pending = true;
        self.notice = Some(Notice::info("Logging in..."));
        vec![Effect::Login(LoginRequest {
            username: self.fields[USERNAME].value().trim().to_string(),
            password: self.fields[PASSWORD].value().to_string(),
            totp: self.fields[CODE].value().to_string(),
        })]
    }

    /// F5: ask for the demo accounts again if that failed, and retry a complete form.
    pub fn retry(&mut self) -> Vec<Effect> {
        let mut effects = vec![];
        if self.demo == DemoState::Failed {
            self.demo = DemoState::Loading;
            effects.push(Effect::LoadDemoAccounts);
        }
        if self.complete() {
            effects.extend(self.submit());
        }
        effects
    }

    pub fn move_focus(&mut self, forward: bool) {
        let current = self.focus.unwrap_or(USERNAME);
        self.focus = Some(if forward {
            (current + 1) % FIELD_COUNT
        } else {
            (current + FIELD_COUNT - 1) % FIELD_COUNT
        });
    }

    pub fn edit(&mut self, ev: &KeyEvent) -> Edit {
        let Some(i) = self.focus else {
            return Edit::Ignored;
        };
        if i == CODE {
            if let KeyCode::Char(c) = ev.code {
                if !c.is_ascii_digit() || self.fields[CODE].value().len() >= 6 {
                    return Edit::Moved;
                }
            }
        }
        self.fields[i].handle(ev)
    }

    pub fn fill_demo(&mut self) {
        let DemoState::Accounts(accounts) = &self.demo else {
            self.notice = Some(Notice::warn(
                "No demo accounts: this server holds real data",
            ));
            return;
        };
        if accounts.is_empty() {
            return;
        }
        let i = self.next_demo % accounts.len();
        let account = &accounts[i];
        self.fields[USERNAME].set(&account.username);
        self.fields[PASSWORD].set(&account.password);
        self.fields[CODE].set(
            self.codes
                .get(i)
                .cloned()
                .flatten()
                .as_deref()
                .unwrap_or(""),
        );
        self.notice = Some(Notice::info(format!(
            "Filled in {}: press Enter to log in",
            account.username
        )));
        self.focus = Some(CODE);
        self.next_demo = i + 1;
    }

    pub fn demo_loaded(
        &mut self,
        result: Result<Option<Vec<DemoAccount>>, ClientError>,
        now: DateTime<Utc>,
    ) {
        match result {
            Ok(Some(accounts)) => {
                self.demo = DemoState::Accounts(accounts);
                self.refresh_codes(now, true);
            }
            Ok(None) => self.demo = DemoState::None,
            Err(e) => {
                self.demo = DemoState::Failed;
                self.notice = Some(Notice::error(retry_text(&e)));
            }
        }
    }

    /// Recomputes the demo codes when the 30-second step has changed (or when
    /// forced), and schedules the one wake-up at the next step boundary.
    /// Returns whether the codes changed.
    pub fn refresh_codes(&mut self, now: DateTime<Utc>, force: bool) -> bool {
        let DemoState::Accounts(accounts) = &self.demo else {
            self.refresh_at = None;
            return false;
        };
        let millis = u64::try_from(now.timestamp_millis()).unwrap_or(0);
        let step = millis / 1000 / TOTP_STEP_SECS;
        let until_next = TOTP_STEP_SECS * 1000 - millis % (TOTP_STEP_SECS * 1000);
        self.refresh_at = Some(Instant::now() + Duration::from_millis(until_next));
        if step == self.step && !force {
            return false;
        }
        self.step = step;
        let at = step * TOTP_STEP_SECS;
        self.codes = accounts
            .iter()
            .map(|a| current_code(&a.totp_secret, at))
            .collect();
        true
    }

    pub fn failed(&mut self, error: &ClientError) {
        self.pending = false;
        match error {
            // Nothing reached the server, so the code is still unused: keep it for the retry.
            ClientError::Unreachable { .. } => self.notice = Some(Notice::error(retry_text(error))),
            ClientError::Api {
                code: crate::api::ErrorCode::AccountLocked,
                message,
            } if !message.to_lowercase().contains("lock") => {
                self.notice = Some(Notice::error(format!("This account is locked. {message}")));
                self.clear_code();
            }
            other => {
                self.notice = Some(Notice::error(other.to_string()));
                self.clear_code();
            }
        }
    }

    fn clear_code(&mut self) {
        self.fields[CODE].clear();
        self.focus = Some(CODE);
    }

    /// After login or logout nothing secret stays in memory longer than needed.
    pub fn forget_secrets(&mut self) {
        self.fields[PASSWORD].clear();
        self.fields[CODE].clear();
        self.pending = false;
    }
}

/// Short enough for the status line of an 80-column terminal.
fn retry_text(error: &ClientError) -> String {
    match error {
        ClientError::Unreachable { .. } => {
            "Cannot reach the directory server: press Enter or F5 to retry".to_string()
        }
        other => format!("{other} (press F5 to retry)"),
    }
}

/// The 6-digit code of a base32 secret at a Unix time.
fn current_code(secret: &str, unix_time: u64) -> Option<String> {
    let bytes = Secret::Encoded(secret.to_string()).to_bytes().ok()?;
    let totp = TOTP::new(
        Algorithm::SHA1,
        6,
        1,
        TOTP_STEP_SECS,
        bytes,
        None,
        String::new(),
    )
    .ok()?;
    Some(totp.generate(unix_time))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_follow_rfc_6238() {
        // RFC 6238 appendix B's SHA1 secret "12345678901234567890", base32-encoded.
        let secret = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";
        assert_eq!(current_code(secret, 59).as_deref(), Some("287082"));
        assert_eq!(current_code("not base32!", 59), None);
    }
}
