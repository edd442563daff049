//! The reason prompt shown before a record opens: the reason goes into the audit trail.

use crossterm::event::KeyEvent;

use crate::model::ReasonCode;
use crate::tui::input::{Edit, TextInput};

pub const OTHER_NEEDS_TEXT: &str = "Say why in a few words: the reason is kept in the audit trail";

#[derive(Debug)]
pub struct ReasonPrompt {
    pub child_id: String,
    pub child_name: String,
    pub selected: usize,
    pub text: TextInput,
    pub error: Option<&'static str>,
    /// Opening a shielded record in full under the override right: the prompt
    /// warns that this triggers an investigation.
    pub shield_override: bool,
}

impl ReasonPrompt {
    pub fn new(child_id: String, child_name: String) -> Self {
        ReasonPrompt {
            child_id,
            child_name,
            selected: 0,
            text: TextInput::default(),
            error: None,
            shield_override: false,
        }
    }

    /// The prompt for a shield override, with its warning.
    pub fn for_override(child_id: String, child_name: String) -> Self {
        ReasonPrompt {
            shield_override: true,
            ..Self::new(child_id, child_name)
        }
    }

    pub fn reason(&self) -> ReasonCode {
        ReasonCode::ALL[self.selected.min(ReasonCode::ALL.len() - 1)]
    }

    pub fn needs_text(&self) -> bool {
        self.reason() == ReasonCode::Other
    }

    pub fn move_selection(&mut self, forward: bool) {
        let n = ReasonCode::ALL.len();
        self.selected = if forward {
            (self.selected + 1) % n
        } else {
            (self.selected + n - 1) % n
        };
        self.error = None;
    }

    /// Typing goes to the explanation, which only "other" has.
    pub fn edit(&mut self, ev: &KeyEvent) -> Edit {
        if !self.needs_text() {
            return Edit::Ignored;
        }
        let edit = self.text.handle(ev);
        if edit == Edit::Changed {
            self.error = None;
        }
        edit
    }

    /// The reason and its text, or `None` (with the error set) when "other" has no text.
    pub fn confirm(&mut self) -> Option<(ReasonCode, Option<String>)> {
        let reason = self.reason();
        if reason != ReasonCode::Other {
            return Some((reason, None));
        }
        let text = self.text.value().trim();
        if text.is_empty() {
            self.error = Some(OTHER_NEEDS_TEXT);
            return None;
        }
        Some((reason, Some(text.to_string())))
    }
}
