//! The social care inbox: access notifications, newest first, polled so new ones
//! appear without restarting; the unread count feeds the status bar.

use std::time::{Duration, Instant};

use super::Notice;
use crate::api::InboxEntry;
use crate::client::ClientError;

/// How often the unread count (and an open inbox) is refreshed: well inside the
/// 30 seconds within which a social worker must see a new notification.
pub const POLL_EVERY: Duration = Duration::from_secs(15);
const _: () = assert!(POLL_EVERY.as_secs() <= 30);

#[derive(Debug)]
pub struct InboxState {
    /// The unread count, once known; only social care users have an inbox.
    pub unread: Option<u64>,
    pub entries: Vec<InboxEntry>,
    pub selected: usize,
    pub unread_only: bool,
    pub notice: Option<Notice>,
    pub poll_at: Option<Instant>,
    pub poll_every: Duration,
}

impl Default for InboxState {
    fn default() -> Self {
        InboxState {
            unread: None,
            entries: Vec::new(),
            selected: 0,
            unread_only: false,
            notice: None,
            poll_at: None,
            poll_every: POLL_EVERY,
        }
    }
}

impl InboxState {
    /// A fresh inbox that keeps a chosen polling interval (tests shorten it).
    pub fn reset(&mut self) {
        *self = InboxState {
            poll_every: self.poll_every,
            ..Default::default()
        };
    }

    pub fn schedule_poll(&mut self, now: Instant) {
        self.poll_at = Some(now + self.poll_every);
    }

    pub fn poll_due(&self, now: Instant) -> bool {
        self.poll_at.is_some_and(|at| at <= now)
    }

    pub fn select(&mut self, delta: isize) {
        let last = self.entries.len().saturating_sub(1);
        self.selected = self.selected.saturating_add_signed(delta).min(last);
    }

    pub fn selected_entry(&self) -> Option<&InboxEntry> {
        self.entries.get(self.selected)
    }

    pub fn loaded(&mut self, result: Result<(Vec<InboxEntry>, u64), ClientError>) {
        match result {
            Ok((entries, unread)) => {
                let keep = self.selected_entry().map(|e| e.id);
                self.selected = keep
                    .and_then(|id| entries.iter().position(|e| e.id == id))
                    .unwrap_or(0);
                self.entries = entries;
                self.unread = Some(unread);
                self.notice = self.entries.is_empty().then(|| {
                    Notice::info(if self.unread_only {
                        "No unread notifications."
                    } else {
                        "No notifications yet."
                    })
                });
            }
            Err(e) => self.notice = Some(Notice::error(e.to_string())),
        }
    }
}
