//! Possible duplicates (directory team): the pairs the server found, and a merge
//! that says which record survives and which ID will lead to it.

use crate::api::{DuplicatePair, DuplicateSide, Duplicates, MergeRequest, MergeResult};
use crate::client::ClientError;
use crate::tui::keymap::Action;
use crate::tui::msg::Effect;

use super::forms::is_admin;
use super::{App, Notice};

/// The merge about to be confirmed: which side of the selected pair survives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MergeConfirm {
    /// The first (left) record survives; `s` swaps.
    pub first_survives: bool,
    /// Sent, waiting for the server: a second Enter must not merge twice.
    pub sending: bool,
}

#[derive(Debug, Clone)]
pub struct DuplicatesView {
    pub request: u64,
    /// `None` while the scan runs.
    pub found: Option<Duplicates>,
    pub selected: usize,
    pub confirm: Option<MergeConfirm>,
    /// Shown in place of the list when there is nothing to list.
    pub notice: Option<Notice>,
}

impl DuplicatesView {
    pub fn pairs(&self) -> &[DuplicatePair] {
        self.found.as_ref().map_or(&[], |f| f.pairs.as_slice())
    }

    pub fn selected_pair(&self) -> Option<&DuplicatePair> {
        self.pairs().get(self.selected)
    }

    /// The surviving and the merged side of the selected pair, as confirmed so far.
    pub fn merge_sides(&self) -> Option<(&DuplicateSide, &DuplicateSide)> {
        let confirm = self.confirm?;
        let pair = self.selected_pair()?;
        Some(if confirm.first_survives {
            (&pair.first, &pair.second)
        } else {
            (&pair.second, &pair.first)
        })
    }

    fn select(&mut self, delta: isize) {
        let last = self.pairs().len().saturating_sub(1);
        self.selected = self.selected.saturating_add_signed(delta).min(last);
    }

    /// After a merge the merged ID no longer exists: every pair naming it is stale.
    fn forget(&mut self, merged: &str) {
        if let Some(found) = self.found.as_mut() {
            found
                .pairs
                .retain(|p| p.first.id != merged && p.second.id != merged);
        }
        self.select(0);
    }
}

/// A name as the list and the confirmation show it: `FAMILY, Given`.
pub fn side_name(side: &DuplicateSide) -> String {
    format!("{}, {}", side.family_name.to_uppercase(), side.given_names)
}

impl App {
    /// `D` in the results: the directory team's list of possible duplicates.
    pub(super) fn open_duplicates(&mut self) -> Vec<Effect> {
        if !self.user.as_ref().is_some_and(|u| is_admin(u.role)) {
            self.search.notice = Some(Notice::info(
                "Only the directory team can review possible duplicates.",
            ));
            return vec![];
        }
        let request_id = self.next_request_id();
        self.duplicates = Some(DuplicatesView {
            request: request_id,
            found: None,
            selected: 0,
            confirm: None,
            notice: None,
        });
        vec![Effect::LoadDuplicates { request_id }]
    }

    pub(super) fn duplicates_loaded(
        &mut self,
        request_id: u64,
        result: Result<Duplicates, ClientError>,
    ) {
        let Some(view) = self.duplicates.as_mut().filter(|d| d.request == request_id) else {
            return;
        };
        match result {
            Ok(found) => {
                view.notice = found.pairs.is_empty().then(|| {
                    Notice::info(format!(
                        "No possible duplicates among {} records.",
                        found.scanned
                    ))
                });
                view.found = Some(found);
                view.selected = 0;
            }
            Err(e) => {
                if self.session_expired(&e) {
                    return;
                }
                self.duplicates = None;
                self.search.notice = Some(Notice::error(e.to_string()));
            }
        }
    }

    pub(super) fn on_duplicates_action(&mut self, action: Action) -> Vec<Effect> {
        let Some(view) = self.duplicates.as_mut() else {
            return vec![];
        };
        if let Some(confirm) = view.confirm.as_mut() {
            if confirm.sending {
                return vec![];
            }
            match action {
                Action::Swap => confirm.first_survives = !confirm.first_survives,
                Action::Cancel => view.confirm = None,
                Action::Submit => {
                    let Some((survivor, merged)) = view.merge_sides() else {
                        return vec![];
                    };
                    let request = MergeRequest {
                        survivor: survivor.id.clone(),
                        merged: merged.id.clone(),
                    };
                    confirm_sending(view);
                    self.search.notice = Some(Notice::info("Merging..."));
                    let request_id = self.next_request_id();
                    if let Some(view) = self.duplicates.as_mut() {
                        view.request = request_id;
                    }
                    return vec![Effect::Merge {
                        request_id,
                        request,
                    }];
                }
                _ => {}
            }
            return vec![];
        }
        match action {
            Action::Up => view.select(-1),
            Action::Down => view.select(1),
            Action::PageUp => view.select(-5),
            Action::PageDown => view.select(5),
            Action::First => view.selected = 0,
            Action::Last => view.select(isize::MAX),
            Action::Open if view.selected_pair().is_some() => {
                view.confirm = Some(MergeConfirm {
                    first_survives: true,
                    sending: false,
                });
            }
            Action::Back => self.duplicates = None,
            _ => {}
        }
        vec![]
    }

    pub(super) fn merge_done(&mut self, request_id: u64, result: Result<MergeResult, ClientError>) {
        let Some(view) = self.duplicates.as_mut().filter(|d| d.request == request_id) else {
            return;
        };
        view.confirm = None;
        let notice = match result {
            Ok(done) => {
                view.forget(&done.merged);
                Notice::info(format!(
                    "Merged {} into {}: {} carers and {} involvements moved; {} now leads to {}.",
                    done.merged,
                    done.survivor,
                    done.moved_carers,
                    done.moved_involvements,
                    done.merged,
                    done.survivor
                ))
            }
            Err(e) => {
                if self.session_expired(&e) {
                    return;
                }
                Notice::error(format!("Not merged: {e}"))
            }
        };
        // The status line says what happened, on the list and after leaving it.
        self.search.notice = Some(notice);
    }
}

fn confirm_sending(view: &mut DuplicatesView) {
    if let Some(confirm) = view.confirm.as_mut() {
        confirm.sending = true;
    }
}
