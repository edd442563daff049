//! A form: labelled text and choice fields, one focused at a time. It keeps what
//! was typed through a refused save and marks the field the server named.

use chrono::NaiveDate;
use crossterm::event::{KeyCode, KeyEvent};

use crate::model::validation::FieldError;
use crate::tui::input::{Edit, TextInput};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Value {
    Text(TextInput),
    /// One of a fixed list, changed with Left/Right or Space.
    Choice {
        options: Vec<String>,
        selected: usize,
    },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Field {
    pub label: &'static str,
    pub value: Value,
    /// Drawn as mask characters (passwords, codes).
    pub masked: bool,
    initial: Value,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    Editing,
    /// Esc on a changed form: "Discard your changes?"
    ConfirmDiscard,
    Saving,
}

/// What a key did to the form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Stay,
    Save,
    Close,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Form {
    pub title: String,
    /// A line of context above the fields (e.g. which record or organisation).
    pub note: Option<String>,
    pub fields: Vec<Field>,
    pub focus: usize,
    pub stage: Stage,
    /// The refusal, and the field at fault when it names one.
    pub error: Option<(Option<usize>, String)>,
    /// The save request in flight; other replies are stale.
    pub request: u64,
}

impl Form {
    pub fn new(title: impl Into<String>) -> Self {
        Form {
            title: title.into(),
            note: None,
            fields: vec![],
            focus: 0,
            stage: Stage::Editing,
            error: None,
            request: 0,
        }
    }

    pub fn note(mut self, note: impl Into<String>) -> Self {
        self.note = Some(note.into());
        self
    }

    pub fn text(mut self, label: &'static str, value: &str) -> Self {
        let mut input = TextInput::default();
        input.set(value);
        let value = Value::Text(input);
        self.fields.push(Field {
            label,
            initial: value.clone(),
            value,
            masked: false,
        });
        self
    }

    /// A text field shown masked: a password or a code.
    pub fn secret(mut self, label: &'static str) -> Self {
        self = self.text(label, "");
        if let Some(field) = self.fields.last_mut() {
            field.masked = true;
        }
        self
    }

    pub fn choice(mut self, label: &'static str, options: &[&str], selected: usize) -> Self {
        let value = Value::Choice {
            options: options.iter().map(|o| o.to_string()).collect(),
            selected: selected.min(options.len().saturating_sub(1)),
        };
        self.fields.push(Field {
            label,
            initial: value.clone(),
            value,
            masked: false,
        });
        self
    }

    fn index(&self, label: &str) -> usize {
        self.fields
            .iter()
            .position(|f| f.label == label)
            .unwrap_or_else(|| panic!("no field {label}"))
    }

    /// The trimmed text of a text field (a choice gives its option).
    pub fn get(&self, label: &str) -> String {
        match &self.fields[self.index(label)].value {
            Value::Text(input) => input.value().trim().to_string(),
            Value::Choice { options, selected } => options[*selected].clone(),
        }
    }

    /// The text, or `None` when blank.
    pub fn optional(&self, label: &str) -> Option<String> {
        Some(self.get(label)).filter(|v| !v.is_empty())
    }

    /// The index of a choice field's option.
    pub fn chosen(&self, label: &str) -> usize {
        match &self.fields[self.index(label)].value {
            Value::Choice { selected, .. } => *selected,
            Value::Text(_) => 0,
        }
    }

    pub fn is_dirty(&self) -> bool {
        self.fields.iter().any(|f| f.value != f.initial)
    }

    pub fn move_focus(&mut self, forward: bool) {
        let n = self.fields.len().max(1);
        self.focus = if forward {
            (self.focus + 1) % n
        } else {
            (self.focus + n - 1) % n
        };
    }

    /// A key that is not bound in the form context: typing, or changing a choice.
    pub fn edit(&mut self, ev: &KeyEvent) -> Edit {
        if self.stage != Stage::Editing {
            return Edit::Ignored;
        }
        let Some(field) = self.fields.get_mut(self.focus) else {
            return Edit::Ignored;
        };
        let edit = match &mut field.value {
            Value::Text(input) => input.handle(ev),
            Value::Choice { options, selected } => {
                let n = options.len().max(1);
                match ev.code {
                    KeyCode::Right | KeyCode::Char(' ') => *selected = (*selected + 1) % n,
                    KeyCode::Left => *selected = (*selected + n - 1) % n,
                    _ => return Edit::Ignored,
                }
                Edit::Changed
            }
        };
        if edit == Edit::Changed && self.error.as_ref().is_some_and(|e| e.0 == Some(self.focus)) {
            self.error = None;
        }
        edit
    }

    /// Enter: save, or confirm discarding.
    pub fn submit(&mut self) -> Outcome {
        match self.stage {
            Stage::Editing => Outcome::Save,
            Stage::ConfirmDiscard => Outcome::Close,
            Stage::Saving => Outcome::Stay,
        }
    }

    /// Esc: close an unchanged form; ask before discarding changes.
    pub fn cancel(&mut self) -> Outcome {
        match self.stage {
            Stage::Editing if self.is_dirty() => {
                self.stage = Stage::ConfirmDiscard;
                Outcome::Stay
            }
            Stage::ConfirmDiscard => {
                self.stage = Stage::Editing;
                Outcome::Stay
            }
            Stage::Editing => Outcome::Close,
            Stage::Saving => Outcome::Stay,
        }
    }

    pub fn saving(&mut self, request: u64) {
        self.stage = Stage::Saving;
        self.request = request;
        self.error = None;
    }

    /// A refused save: everything typed stays; the field whose label starts the
    /// message ("Email: ...", as the server's `FieldError` reads) gets the focus.
    pub fn refused(&mut self, message: String) {
        self.stage = Stage::Editing;
        let lower = message.to_lowercase();
        let at = self
            .fields
            .iter()
            .position(|f| lower.starts_with(&format!("{}:", f.label.to_lowercase())));
        if let Some(at) = at {
            self.focus = at;
        }
        self.error = Some((at, message));
    }

    /// A fault found before sending, by the same rules the server applies.
    pub fn fault(&mut self, e: FieldError) {
        self.refused(e.to_string());
    }
}

/// A date as people type it: `DD/MM/YYYY` or `YYYY-MM-DD`.
pub fn parse_date(label: &'static str, text: &str) -> Result<NaiveDate, FieldError> {
    let text = text.trim();
    ["%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y"]
        .iter()
        .find_map(|f| NaiveDate::parse_from_str(text, f).ok())
        .ok_or_else(|| FieldError::new("date", label, "give a date as DD/MM/YYYY"))
}

/// A date for a form field.
pub fn show_date(d: NaiveDate) -> String {
    d.format("%d/%m/%Y").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crossterm::event::KeyModifiers;

    fn key(code: KeyCode) -> KeyEvent {
        KeyEvent::new(code, KeyModifiers::NONE)
    }

    fn form() -> Form {
        Form::new("Carer")
            .text("Name", "")
            .choice("Relationship", &["Mother", "Father"], 0)
            .text("Email", "")
    }

    #[test]
    fn esc_closes_a_clean_form_and_asks_on_a_changed_one() {
        let mut f = form();
        assert_eq!(f.cancel(), Outcome::Close);
        f.edit(&key(KeyCode::Char('J')));
        assert_eq!(f.cancel(), Outcome::Stay);
        assert_eq!(f.stage, Stage::ConfirmDiscard);
        assert_eq!(f.submit(), Outcome::Close);
    }

    #[test]
    fn a_refusal_keeps_the_values_and_focuses_the_named_field() {
        let mut f = form();
        f.edit(&key(KeyCode::Char('J')));
        f.move_focus(true);
        f.edit(&key(KeyCode::Right));
        f.saving(7);
        f.refused("Email: that does not look like an email address".into());
        assert_eq!(f.focus, 2);
        assert_eq!(f.stage, Stage::Editing);
        assert_eq!((f.get("Name").as_str(), f.chosen("Relationship")), ("J", 1));
        assert_eq!(f.error.as_ref().unwrap().0, Some(2));
    }
}
