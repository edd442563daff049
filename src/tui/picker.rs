//! A list to choose from, narrowed as the user types with a fuzzy matcher
//! (skim's algorithm): thousands of schools and GP practices stay quick because
//! only the best matches are kept and drawn.

use crossterm::event::KeyEvent;
use fuzzy_matcher::skim::SkimMatcherV2;
use fuzzy_matcher::FuzzyMatcher;

use crate::tui::input::{Edit, TextInput};

/// Enough to choose from; a longer list means the user should type more.
const MAX_SHOWN: usize = 200;

/// What choosing an item does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Choice {
    /// An index into the app's organisations.
    Organisation(usize),
    Involvement(i64),
    NewCarer,
    EditCarer(i64),
    RemoveCarer(i64),
}

#[derive(Debug, Clone)]
pub struct Item {
    pub label: String,
    pub choice: Choice,
}

pub struct Picker {
    pub title: String,
    pub query: TextInput,
    items: Vec<Item>,
    /// Indices into `items`, best match first.
    pub matches: Vec<usize>,
    pub selected: usize,
    matcher: SkimMatcherV2,
}

impl std::fmt::Debug for Picker {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Picker")
            .field("title", &self.title)
            .field("query", &self.query)
            .field("matches", &self.matches.len())
            .finish()
    }
}

impl Picker {
    pub fn new(title: impl Into<String>, items: Vec<Item>) -> Self {
        let mut picker = Picker {
            title: title.into(),
            query: TextInput::default(),
            items,
            matches: vec![],
            selected: 0,
            matcher: SkimMatcherV2::default().ignore_case(),
        };
        picker.filter();
        picker
    }

    fn filter(&mut self) {
        let query = self.query.value().trim();
        self.selected = 0;
        if query.is_empty() {
            self.matches = (0..self.items.len().min(MAX_SHOWN)).collect();
            return;
        }
        let mut scored: Vec<(i64, usize)> = self
            .items
            .iter()
            .enumerate()
            .filter_map(|(n, item)| Some((self.matcher.fuzzy_match(&item.label, query)?, n)))
            .collect();
        // Best score first; equal scores keep the list's own (alphabetical) order.
        scored.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
        scored.truncate(MAX_SHOWN);
        self.matches = scored.into_iter().map(|(_, n)| n).collect();
    }

    pub fn edit(&mut self, ev: &KeyEvent) -> Edit {
        let edit = self.query.handle(ev);
        if edit == Edit::Changed {
            self.filter();
        }
        edit
    }

    pub fn select(&mut self, delta: isize) {
        let last = self.matches.len().saturating_sub(1);
        self.selected = self.selected.saturating_add_signed(delta).min(last);
    }

    pub fn shown(&self) -> impl Iterator<Item = &Item> {
        self.matches.iter().map(|&n| &self.items[n])
    }

    pub fn chosen(&self) -> Option<Choice> {
        self.matches
            .get(self.selected)
            .map(|&n| self.items[n].choice)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crossterm::event::{KeyCode, KeyModifiers};

    #[test]
    fn typing_narrows_to_the_best_match_first() {
        let items = [
            "Leeds Road Primary School",
            "Hyde Park Surgery",
            "Lees Academy",
        ]
        .iter()
        .enumerate()
        .map(|(n, l)| Item {
            label: l.to_string(),
            choice: Choice::Organisation(n),
        })
        .collect();
        let mut p = Picker::new("Organisation", items);
        assert_eq!(p.matches.len(), 3);
        for c in "hyde".chars() {
            p.edit(&KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE));
        }
        assert_eq!(p.chosen(), Some(Choice::Organisation(1)));
        assert_eq!(p.matches.len(), 1);
    }
}
