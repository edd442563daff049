//! Search form and live results: debounced, with stale replies dropped.

use std::time::{Duration, Instant};

use chrono::NaiveDate;
use crossterm::event::KeyEvent;

use super::Notice;
use crate::api::{ErrorCode, SearchHit, SearchParams};
use crate::client::ClientError;
use crate::tui::dob::{self, DobQuery};
use crate::tui::input::{Edit, TextInput};

pub const SURNAME: usize = 0;
pub const FORENAME: usize = 1;
pub const DOB: usize = 2;
pub const POSTCODE: usize = 3;
pub const ID: usize = 4;
pub const FIELD_COUNT: usize = 5;
pub const FIELD_LABELS: [&str; FIELD_COUNT] = [
    "Surname",
    "Forename",
    "Date of birth",
    "Postcode",
    "ID (directory or NHS no.)",
];

/// Quiet time after the last key before a search goes out.
pub const DEBOUNCE: Duration = Duration::from_millis(250);

#[derive(Debug, Default)]
pub struct SearchState {
    pub fields: [TextInput; FIELD_COUNT],
    pub focus: Option<usize>,
    /// Where typing resumes after browsing the results.
    last_focus: usize,
    pub results: Vec<SearchHit>,
    pub selected: usize,
    pub notice: Option<Notice>,
    pub debounce_at: Option<Instant>,
    /// The newest request sent; replies to any other are stale.
    pub latest_request: u64,
    pub searching: bool,
    last_sent: Option<SearchParams>,
}

impl SearchState {
    pub fn new() -> Self {
        SearchState {
            focus: Some(SURNAME),
            ..Default::default()
        }
    }

    pub fn move_focus(&mut self, forward: bool) {
        let current = self.focus.unwrap_or(self.last_focus);
        let next = if forward {
            (current + 1) % FIELD_COUNT
        } else {
            (current + FIELD_COUNT - 1) % FIELD_COUNT
        };
        self.focus = Some(next);
        self.last_focus = next;
    }

    pub fn stop_typing(&mut self) {
        if let Some(i) = self.focus.take() {
            self.last_focus = i;
        }
    }

    pub fn start_typing(&mut self) {
        self.focus = Some(self.last_focus);
    }

    /// Typing restarts the debounce timer; the network is never awaited here.
    pub fn edit(&mut self, ev: &KeyEvent, now: Instant) -> Edit {
        let Some(i) = self.focus else {
            return Edit::Ignored;
        };
        let edit = self.fields[i].handle(ev);
        if edit == Edit::Changed {
            self.debounce_at = Some(now + DEBOUNCE);
        }
        edit
    }

    pub fn select(&mut self, delta: isize) {
        if self.results.is_empty() {
            return;
        }
        let last = self.results.len() - 1;
        self.selected = self.selected.saturating_add_signed(delta).min(last);
    }

    pub fn select_last(&mut self) {
        self.selected = self.results.len().saturating_sub(1);
    }

    pub fn selected_hit(&self) -> Option<&SearchHit> {
        self.results.get(self.selected)
    }

    /// The request the form, as it stands, is worth, if any. `force` re-sends an
    /// unchanged query (F5).
    pub fn prepare(&mut self, today: NaiveDate, force: bool) -> Option<SearchParams> {
        self.debounce_at = None;
        let params = match self.params(today) {
            Ok(Some(params)) => params,
            Ok(None) => {
                self.results.clear();
                self.selected = 0;
                self.notice = None;
                self.searching = false;
                self.last_sent = None;
                // Request ids start at 1: a reply still in flight is now stale.
                self.latest_request = 0;
                return None;
            }
            Err(help) => {
                self.notice = Some(Notice::warn(help));
                return None;
            }
        };
        if !force && self.last_sent.as_ref() == Some(&params) {
            return None;
        }
        self.last_sent = Some(params.clone());
        self.searching = true;
        Some(params)
    }

    /// The form as API parameters; `Ok(None)` when it is empty.
    fn params(&self, today: NaiveDate) -> Result<Option<SearchParams>, &'static str> {
        let text = |i: usize| {
            let v = self.fields[i].value().trim();
            (!v.is_empty()).then(|| v.to_string())
        };
        let mut params = SearchParams {
            surname: text(SURNAME),
            forename: text(FORENAME),
            postcode: text(POSTCODE),
            ..Default::default()
        };
        match dob::parse(self.fields[DOB].value(), today)? {
            Some(DobQuery::Exact(date)) => params.dob = Some(dob::iso(date)),
            Some(DobQuery::Between(from, to)) => {
                params.dob_from = Some(dob::iso(from));
                params.dob_to = Some(dob::iso(to));
            }
            None => {}
        }
        if let Some(id) = text(ID) {
            let compact: String = id.chars().filter(|c| !matches!(c, ' ' | '-')).collect();
            if compact.len() == 10 && compact.bytes().all(|b| b.is_ascii_digit()) {
                params.nhs_number = Some(compact);
            } else {
                params.id = Some(id);
            }
        }
        Ok((params != SearchParams::default()).then_some(params))
    }

    /// Applies a reply. Returns false for a stale one, which changes nothing.
    pub fn reply(&mut self, request_id: u64, result: Result<Vec<SearchHit>, ClientError>) -> bool {
        if request_id != self.latest_request {
            return false;
        }
        self.searching = false;
        match result {
            Ok(hits) => {
                let keep = self.selected_hit().map(|h| h.id.clone());
                self.selected = keep
                    .and_then(|id| hits.iter().position(|h| h.id == id))
                    .unwrap_or(0);
                self.notice = hits.is_empty().then(|| {
                    Notice::info(
                        "No children match: check the spelling, or try a date of birth or postcode",
                    )
                });
                self.results = hits;
            }
            Err(ClientError::Api {
                code: ErrorCode::SearchTooBroad | ErrorCode::TooManyMatches,
                message,
            }) => {
                self.clear_results();
                self.notice = Some(Notice::warn(message));
            }
            Err(e) => {
                self.clear_results();
                self.notice = Some(Notice::error(e.to_string()));
            }
        }
        true
    }

    fn clear_results(&mut self) {
        self.results.clear();
        self.selected = 0;
    }
}
