//! Choosing what to edit: an organisation to add, an involvement or a carer.
//! Each picker leads to a form.

use crossterm::event::KeyEvent;

use crate::client::ClientError;
use crate::model::Organisation;
use crate::tui::input::Edit;
use crate::tui::keymap::Action;
use crate::tui::msg::Effect;
use crate::tui::picker::{Choice, Item, Picker};

use super::forms::is_admin;
use super::{App, Notice};

impl App {
    /// `a` on a record. Practitioners add their own organisation; the directory
    /// team picks any. The organisation list is loaded once, on first use.
    pub(super) fn start_add_involvement(&mut self) -> Vec<Effect> {
        let admin = self.user.as_ref().is_some_and(|u| is_admin(u.role));
        if self.organisations.is_none() {
            self.adding_involvement = true;
            self.search.notice = Some(Notice::info("Loading organisations..."));
            return vec![Effect::LoadOrganisations];
        }
        if admin {
            let items = self
                .organisations
                .iter()
                .flatten()
                .enumerate()
                .map(|(n, o)| Item {
                    label: format!("{} ({}, {})", o.name, o.kind.label(), o.code),
                    choice: Choice::Organisation(n),
                })
                .collect();
            self.picker = Some(Picker::new("Organisation: type to narrow", items));
        } else {
            self.add_involvement(None);
        }
        vec![]
    }

    pub(super) fn organisations_loaded(&mut self, result: Result<Vec<Organisation>, ClientError>) {
        match result {
            Ok(list) => {
                self.organisations = Some(list);
                self.search.notice = None;
                if std::mem::take(&mut self.adding_involvement) {
                    self.start_add_involvement();
                }
            }
            Err(e) => {
                self.adding_involvement = false;
                if !self.session_expired(&e) {
                    self.search.notice = Some(Notice::error(e.to_string()));
                }
            }
        }
    }

    /// `x` on a record: practitioners their own involvement; the directory team any.
    pub(super) fn pick_involvement(&mut self) {
        let admin = self.user.as_ref().is_some_and(|u| is_admin(u.role));
        let Some(view) = &self.record else { return };
        if !admin {
            self.edit_own_involvement();
            return;
        }
        let items = view
            .record
            .involvements
            .iter()
            .filter(|i| !i.brokered)
            .map(|i| Item {
                label: format!(
                    "{}{}",
                    i.organisation.name,
                    if i.end_date.is_some() { " (ended)" } else { "" }
                ),
                choice: Choice::Involvement(i.id),
            })
            .collect();
        self.picker = Some(Picker::new("Involvement to edit or end", items));
    }

    /// `c` on a record (directory team): add, edit or remove a carer.
    pub(super) fn pick_carer(&mut self) {
        if !self.user.as_ref().is_some_and(|u| is_admin(u.role)) {
            self.search.notice = Some(Notice::warn(
                "Only the directory team (la_admin, admin) can change carers.",
            ));
            return;
        }
        let Some(view) = &self.record else { return };
        let mut items = vec![Item {
            label: "Add a new carer".to_string(),
            choice: Choice::NewCarer,
        }];
        for c in &view.record.carers {
            let Some(id) = c.id else { continue };
            items.push(Item {
                label: format!("Edit {}", c.name),
                choice: Choice::EditCarer(id),
            });
            items.push(Item {
                label: format!("Remove {}", c.name),
                choice: Choice::RemoveCarer(id),
            });
        }
        self.picker = Some(Picker::new("Carers", items));
    }

    pub(super) fn picker_edit(&mut self, ev: &KeyEvent) -> Edit {
        self.picker.as_mut().map_or(Edit::Ignored, |p| p.edit(ev))
    }

    pub(super) fn on_picker_action(&mut self, action: Action) -> Vec<Effect> {
        let Some(picker) = self.picker.as_mut() else {
            return vec![];
        };
        match action {
            Action::Up => picker.select(-1),
            Action::Down => picker.select(1),
            Action::PageUp => picker.select(-10),
            Action::PageDown => picker.select(10),
            Action::Cancel => self.picker = None,
            Action::Submit => {
                let choice = picker.chosen();
                self.picker = None;
                match choice {
                    Some(Choice::Organisation(n)) => {
                        let org = self.organisations.as_ref().and_then(|o| o.get(n)).cloned();
                        self.add_involvement(org.as_ref());
                    }
                    Some(Choice::Involvement(id)) => self.edit_involvement(id),
                    Some(Choice::NewCarer) => self.open_carer_form(None, false),
                    Some(Choice::EditCarer(id)) => self.open_carer_form(Some(id), false),
                    Some(Choice::RemoveCarer(id)) => self.open_carer_form(Some(id), true),
                    None => {}
                }
            }
            _ => {}
        }
        vec![]
    }
}
