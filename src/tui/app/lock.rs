//! The idle lock: after a quiet spell the screen hides everything and asks for
//! the password and a fresh code; the place underneath is kept.

use crossterm::event::{KeyCode, KeyEvent};

use super::Notice;
use crate::api::LoginRequest;
use crate::client::ClientError;
use crate::tui::input::{Edit, TextInput};
use crate::tui::msg::Effect;

pub const PASSWORD: usize = 0;
pub const CODE: usize = 1;
pub const FIELD_LABELS: [&str; 2] = ["Password", "Code"];

#[derive(Debug, Default)]
pub struct LockState {
    pub fields: [TextInput; 2],
    pub focus: usize,
    pub notice: Option<Notice>,
    pub pending: bool,
}

impl LockState {
    pub fn new() -> Self {
        LockState {
            notice: Some(Notice::warn(
                "Locked after a quiet spell: your password and a fresh code continue where you were",
            )),
            ..Default::default()
        }
    }

    pub fn edit(&mut self, ev: &KeyEvent) -> Edit {
        if self.focus == CODE {
            if let KeyCode::Char(c) = ev.code {
                if !c.is_ascii_digit() || self.fields[CODE].value().len() >= 6 {
                    return Edit::Moved;
                }
            }
        }
        self.fields[self.focus].handle(ev)
    }

    pub fn move_focus(&mut self) {
        self.focus = 1 - self.focus;
    }

    pub fn submit(&mut self, username: &str) -> Vec<Effect> {
        if self.pending {
            return vec![];
        }
        if let Some(empty) = self.fields.iter().position(|f| f.value().is_empty()) {
            self.focus = empty;
            return vec![];
        }
        self.pending = true;
        self.notice = Some(Notice::info("Checking..."));
        vec![Effect::Unlock(LoginRequest {
            username: username.to_string(),
            password: self.fields[PASSWORD].value().to_string(),
            totp: self.fields[CODE].value().to_string(),
        })]
    }

    pub fn failed(&mut self, error: &ClientError) {
        self.pending = false;
        self.fields[CODE].clear();
        self.focus = CODE;
        self.notice = Some(Notice::error(error.to_string()));
    }
}
