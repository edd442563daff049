//! First-time two-factor enrolment: the one-time code from an administrator, then
//! the new secret shown as a QR code, activated only by a valid code from it.

use crossterm::event::{KeyCode, KeyEvent};

use super::Notice;
use crate::api::{EnrolFinishRequest, EnrolStartRequest, EnrolStartResponse};
use crate::client::ClientError;
use crate::tui::input::{Edit, TextInput};
use crate::tui::msg::Effect;

pub const USERNAME: usize = 0;
pub const ENROLMENT_CODE: usize = 1;
pub const PASSWORD: usize = 2;
pub const FIELD_COUNT: usize = 3;
pub const FIELD_LABELS: [&str; FIELD_COUNT] = ["Username", "Enrol code", "Password"];

#[derive(Debug, Default)]
pub struct EnrolState {
    pub fields: [TextInput; FIELD_COUNT],
    pub focus: usize,
    /// The secret offered, once the enrolment code was accepted.
    pub started: Option<EnrolStartResponse>,
    /// The 6-digit code from the newly set-up authenticator.
    pub code: TextInput,
    pub notice: Option<Notice>,
    pub pending: bool,
}

impl EnrolState {
    pub fn new() -> Self {
        EnrolState {
            notice: Some(Notice::info(
                "Type your username, the enrolment code from your administrator, and a password",
            )),
            ..Default::default()
        }
    }

    pub fn edit(&mut self, ev: &KeyEvent) -> Edit {
        if self.started.is_some() {
            if let KeyCode::Char(c) = ev.code {
                if !c.is_ascii_digit() || self.code.value().len() >= 6 {
                    return Edit::Moved;
                }
            }
            return self.code.handle(ev);
        }
        self.fields[self.focus].handle(ev)
    }

    pub fn move_focus(&mut self, forward: bool) {
        self.focus = if forward {
            (self.focus + 1) % FIELD_COUNT
        } else {
            (self.focus + FIELD_COUNT - 1) % FIELD_COUNT
        };
    }

    pub fn submit(&mut self) -> Vec<Effect> {
        if self.pending {
            return vec![];
        }
        let username = self.fields[USERNAME].value().trim().to_string();
        let enrolment_code = self.fields[ENROLMENT_CODE].value().trim().to_string();
        if self.started.is_none() {
            if let Some(empty) = self.fields.iter().position(|f| f.value().trim().is_empty()) {
                self.focus = empty;
                return vec![];
            }
            self.pending = true;
            self.notice = Some(Notice::info("Checking the enrolment code..."));
            return vec![Effect::EnrolStart(EnrolStartRequest {
                username,
                enrolment_code,
            })];
        }
        if self.code.value().len() != 6 {
            self.notice = Some(Notice::warn("Type the 6-digit code your app now shows"));
            return vec![];
        }
        self.pending = true;
        self.notice = Some(Notice::info("Activating..."));
        vec![Effect::EnrolFinish(EnrolFinishRequest {
            username,
            enrolment_code,
            password: self.fields[PASSWORD].value().to_string(),
            totp: self.code.value().to_string(),
        })]
    }

    pub fn started(&mut self, result: Result<EnrolStartResponse, ClientError>) {
        self.pending = false;
        match result {
            Ok(started) => {
                self.notice = Some(Notice::info(
                    "Scan the code (or type the key) into your app, then type the code it shows",
                ));
                self.started = Some(started);
            }
            Err(e) => self.notice = Some(Notice::error(e.to_string())),
        }
    }

    /// A refused finish: the secret stays offered, the typed code is cleared.
    pub fn failed(&mut self, error: &ClientError) {
        self.pending = false;
        self.code.clear();
        self.notice = Some(Notice::error(error.to_string()));
        if matches!(
            error,
            ClientError::Api {
                code: crate::api::ErrorCode::BadRequest,
                ..
            }
        ) {
            // A refused password: back to the form to choose another.
            self.started = None;
            self.fields[PASSWORD].clear();
            self.focus = PASSWORD;
        }
    }
}
