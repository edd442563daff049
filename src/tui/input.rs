//! A one-line text field with a cursor.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

/// Longer than any name, postcode or identifier; stops a stuck key filling memory.
const MAX_CHARS: usize = 64;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TextInput {
    value: String,
    /// Cursor position in chars, 0..=len.
    cursor: usize,
}

impl TextInput {
    pub fn value(&self) -> &str {
        &self.value
    }

    pub fn cursor(&self) -> usize {
        self.cursor
    }

    pub fn set(&mut self, value: &str) {
        self.value = value.chars().take(MAX_CHARS).collect();
        self.cursor = self.value.chars().count();
    }

    pub fn clear(&mut self) {
        self.set("");
    }

    fn byte_index(&self, char_index: usize) -> usize {
        self.value
            .char_indices()
            .nth(char_index)
            .map_or(self.value.len(), |(i, _)| i)
    }

    /// Applies an editing key. Returns whether the key was an edit key at all
    /// and whether the value changed.
    pub fn handle(&mut self, ev: &KeyEvent) -> Edit {
        if ev
            .modifiers
            .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT)
        {
            return Edit::Ignored;
        }
        let len = self.value.chars().count();
        match ev.code {
            KeyCode::Char(c) if !c.is_control() => {
                if len >= MAX_CHARS {
                    return Edit::Moved;
                }
                let at = self.byte_index(self.cursor);
                self.value.insert(at, c);
                self.cursor += 1;
                Edit::Changed
            }
            KeyCode::Backspace if self.cursor > 0 => {
                self.cursor -= 1;
                let at = self.byte_index(self.cursor);
                self.value.remove(at);
                Edit::Changed
            }
            KeyCode::Delete if self.cursor < len => {
                let at = self.byte_index(self.cursor);
                self.value.remove(at);
                Edit::Changed
            }
            KeyCode::Left => {
                self.cursor = self.cursor.saturating_sub(1);
                Edit::Moved
            }
            KeyCode::Right => {
                self.cursor = (self.cursor + 1).min(len);
                Edit::Moved
            }
            KeyCode::Home => {
                self.cursor = 0;
                Edit::Moved
            }
            KeyCode::End => {
                self.cursor = len;
                Edit::Moved
            }
            KeyCode::Backspace | KeyCode::Delete => Edit::Moved,
            _ => Edit::Ignored,
        }
    }

    /// The visible slice of the text for a field `width` cells wide, and the
    /// cursor's column within it; long values scroll so the cursor stays visible.
    pub fn visible(&self, width: usize, mask: Option<char>) -> (String, usize) {
        let chars: Vec<char> = match mask {
            Some(m) => std::iter::repeat_n(m, self.value.chars().count()).collect(),
            None => self.value.chars().collect(),
        };
        if width == 0 {
            return (String::new(), 0);
        }
        let start = (self.cursor + 1).saturating_sub(width);
        let shown: String = chars.iter().skip(start).take(width).collect();
        (shown, self.cursor - start)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Edit {
    Ignored,
    Moved,
    Changed,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(code: KeyCode) -> KeyEvent {
        KeyEvent::new(code, KeyModifiers::NONE)
    }

    #[test]
    fn typing_inserts_at_the_cursor_and_backspace_deletes_before_it() {
        let mut input = TextInput::default();
        for c in "Smth".chars() {
            input.handle(&key(KeyCode::Char(c)));
        }
        input.handle(&key(KeyCode::Left));
        input.handle(&key(KeyCode::Left));
        assert_eq!(input.handle(&key(KeyCode::Char('i'))), Edit::Changed);
        assert_eq!(input.value(), "Smith");
        input.handle(&key(KeyCode::End));
        input.handle(&key(KeyCode::Backspace));
        assert_eq!(input.value(), "Smit");
        assert_eq!(input.handle(&key(KeyCode::F(3))), Edit::Ignored);
    }

    #[test]
    fn long_values_scroll_to_keep_the_cursor_visible() {
        let mut input = TextInput::default();
        input.set("abcdefghij");
        assert_eq!(input.visible(4, None), ("hij".to_string(), 3));
        assert_eq!(input.visible(20, Some('*')).0, "**********");
        assert_eq!(input.visible(0, None).1, 0);
    }
}
