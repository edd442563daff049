//! The identity history of the open record: each earlier version, who replaced
//! it, when and why.

use crate::client::ClientError;
use crate::model::IdentityHistoryEntry;
use crate::tui::msg::Effect;

use super::{App, Notice};

#[derive(Debug, Clone)]
pub struct HistoryView {
    pub request: u64,
    /// `None` while loading.
    pub entries: Option<Vec<IdentityHistoryEntry>>,
}

impl App {
    /// `h` on a record.
    pub(super) fn load_history(&mut self) -> Vec<Effect> {
        let Some(child) = self.record.as_ref().map(|v| v.record.id.clone()) else {
            return vec![];
        };
        let request_id = self.next_request_id();
        self.history = Some(HistoryView {
            request: request_id,
            entries: None,
        });
        vec![Effect::LoadHistory { request_id, child }]
    }

    pub(super) fn history_loaded(
        &mut self,
        request_id: u64,
        result: Result<Vec<IdentityHistoryEntry>, ClientError>,
    ) {
        let Some(view) = self.history.as_mut().filter(|h| h.request == request_id) else {
            return;
        };
        match result {
            Ok(entries) => view.entries = Some(entries),
            Err(e) => {
                self.history = None;
                if !self.session_expired(&e) {
                    self.search.notice = Some(Notice::error(e.to_string()));
                }
            }
        }
    }
}
