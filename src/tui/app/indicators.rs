//! The indicator editor: the four flags of the user's own involvement, saved
//! against the version read. On a conflict it shows what the other user changed
//! and lets this user re-apply their own changes on top, never overwriting blindly.

use crate::api::{ErrorCode, IndicatorUpdate, InvolvementView};
use crate::client::ClientError;
use crate::model::{IndicatorMarks, Indicators};
use crate::tui::keymap::Action;
use crate::tui::msg::Effect;

use super::{App, Notice};

pub const LABELS: [&str; 4] = [
    "Has information to share",
    "Taking action",
    "CAF assessment undertaken",
    "Lead professional",
];

fn get(i: &Indicators, n: usize) -> bool {
    [
        i.has_information,
        i.taking_action,
        i.caf_completed,
        i.lead_professional,
    ][n]
}

fn set(i: &mut Indicators, n: usize, on: bool) {
    *[
        &mut i.has_information,
        &mut i.taking_action,
        &mut i.caf_completed,
        &mut i.lead_professional,
    ][n] = on;
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Stage {
    Editing,
    /// Setting lead professional would take it from this organisation.
    ConfirmLeadMove {
        holder: String,
    },
    ConfirmDiscard,
    Saving,
    /// Someone else saved first: what they changed, before re-applying.
    Conflict {
        changes: Vec<String>,
    },
}

#[derive(Debug, Clone)]
pub struct IndicatorEditor {
    pub involvement_id: i64,
    pub organisation: String,
    /// The values and version this edit is based on.
    pub base: Indicators,
    pub version: i64,
    pub marks: IndicatorMarks,
    /// What the user wants.
    pub values: Indicators,
    pub selected: usize,
    /// Another involvement of the child that holds lead professional.
    pub lead_holder: Option<String>,
    pub stage: Stage,
    pub error: Option<String>,
    pub request: u64,
    move_lead: bool,
}

impl IndicatorEditor {
    pub fn new(involvement: &InvolvementView, lead_holder: Option<String>) -> Self {
        let base = involvement.indicators.unwrap_or_default();
        IndicatorEditor {
            involvement_id: involvement.id,
            organisation: involvement.organisation.name.clone(),
            base,
            version: involvement.version,
            marks: involvement.indicator_marks.clone().unwrap_or_default(),
            values: base,
            selected: 0,
            lead_holder,
            stage: Stage::Editing,
            error: None,
            request: 0,
            move_lead: false,
        }
    }

    pub fn changed(&self) -> bool {
        self.values != self.base
    }

    /// Re-bases the user's own changes on the values now saved.
    fn rebase(&mut self, now: &InvolvementView) -> Vec<String> {
        let theirs = now.indicators.unwrap_or_default();
        let marks = now.indicator_marks.clone().unwrap_or_default();
        let by = |n: usize| {
            [
                &marks.has_information,
                &marks.taking_action,
                &marks.caf_completed,
                &marks.lead_professional,
            ][n]
                .as_ref()
                .map(|m| format!(" by {} at {}", m.set_by, m.set_at.format("%H:%M")))
                .unwrap_or_default()
        };
        let mut changes = vec![];
        let mut mine = theirs;
        for (n, label) in LABELS.iter().enumerate() {
            if get(&theirs, n) != get(&self.base, n) {
                let state = if get(&theirs, n) { "set" } else { "cleared" };
                changes.push(format!("{label} {state}{}", by(n)));
            }
            if get(&self.values, n) != get(&self.base, n) {
                set(&mut mine, n, get(&self.values, n));
            }
        }
        self.base = theirs;
        self.marks = marks;
        self.version = now.version;
        self.values = mine;
        changes
    }
}

impl App {
    /// `e` on a record: edit the indicators of the user's own organisation's current involvement.
    pub(super) fn open_indicator_editor(&mut self) {
        let (Some(view), Some(user)) = (&self.record, &self.user) else {
            return;
        };
        let involvements = &view.record.involvements;
        let own = involvements.iter().find(|i| {
            i.organisation.code == user.organisation && i.end_date.is_none() && !i.brokered
        });
        let Some(own) = own else {
            self.search.notice = Some(Notice::warn(
                "Your organisation has no current involvement with this child.",
            ));
            return;
        };
        let holder = involvements
            .iter()
            .find(|i| i.id != own.id && i.indicators.is_some_and(|x| x.lead_professional))
            .map(|i| i.organisation.name.clone());
        self.indicators = Some(IndicatorEditor::new(own, holder));
    }

    pub(super) fn on_indicator_action(&mut self, action: Action) -> Vec<Effect> {
        let Some(editor) = self.indicators.as_mut() else {
            return vec![];
        };
        match (&editor.stage, action) {
            (Stage::Saving, _) => {}
            (Stage::Editing, Action::Up) => editor.selected = (editor.selected + 3) % 4,
            (Stage::Editing, Action::Down) => editor.selected = (editor.selected + 1) % 4,
            (Stage::Editing, Action::Toggle) => {
                let n = editor.selected;
                let on = !get(&editor.values, n);
                set(&mut editor.values, n, on);
                editor.error = None;
            }
            (Stage::Editing, Action::Cancel) if editor.changed() => {
                editor.stage = Stage::ConfirmDiscard
            }
            (Stage::Editing | Stage::ConfirmDiscard, Action::Cancel) => {
                if editor.stage == Stage::ConfirmDiscard {
                    editor.stage = Stage::Editing;
                } else {
                    self.indicators = None;
                }
            }
            (Stage::ConfirmDiscard, Action::Submit) => self.indicators = None,
            (Stage::Editing | Stage::Conflict { .. }, Action::Submit) => {
                let taking_lead = editor.values.lead_professional && !editor.base.lead_professional;
                match editor.lead_holder.clone() {
                    Some(holder) if taking_lead && !editor.move_lead => {
                        editor.stage = Stage::ConfirmLeadMove { holder }
                    }
                    _ => return self.save_indicators(),
                }
            }
            (Stage::ConfirmLeadMove { .. }, Action::Submit) => {
                editor.move_lead = true;
                return self.save_indicators();
            }
            (Stage::ConfirmLeadMove { .. }, Action::Cancel) => editor.stage = Stage::Editing,
            (Stage::Conflict { .. }, Action::Cancel) => {
                // Keep what the other user saved; drop this user's changes.
                self.indicators = None;
                self.search.notice = Some(Notice::info("Your changes were not applied."));
            }
            _ => {}
        }
        vec![]
    }

    fn save_indicators(&mut self) -> Vec<Effect> {
        let request_id = self.next_request_id();
        let Some(editor) = self.indicators.as_mut() else {
            return vec![];
        };
        if !editor.changed() {
            self.indicators = None;
            return vec![];
        }
        editor.stage = Stage::Saving;
        editor.request = request_id;
        let mut update = IndicatorUpdate::new(editor.values, editor.version);
        update.move_lead = editor.move_lead;
        vec![Effect::SetIndicators {
            request_id,
            involvement: editor.involvement_id,
            update,
        }]
    }

    pub(super) fn indicators_saved(
        &mut self,
        request_id: u64,
        result: Result<InvolvementView, ClientError>,
    ) -> Vec<Effect> {
        let Some(editor) = self.indicators.as_mut().filter(|e| e.request == request_id) else {
            return vec![];
        };
        match result {
            Ok(saved) => {
                if let Some(view) = self.record.as_mut() {
                    for i in view.record.involvements.iter_mut() {
                        if i.id == saved.id {
                            *i = saved.clone();
                        } else if saved.indicators.is_some_and(|x| x.lead_professional) {
                            // The server moved lead professional here: mirror it.
                            if let Some(x) = i.indicators.as_mut() {
                                x.lead_professional = false;
                            }
                        }
                    }
                }
                self.indicators = None;
                self.search.notice = Some(Notice::info("Indicators saved."));
                vec![]
            }
            Err(e) if e.code() == Some(ErrorCode::Conflict) => {
                // Fetch what is saved now, to show what changed.
                editor.error = Some(e.to_string());
                let request_id = self.next_request_id();
                let editor = self.indicators.as_mut().expect("checked above");
                editor.request = request_id;
                vec![Effect::LoadInvolvement {
                    request_id,
                    id: editor.involvement_id,
                }]
            }
            Err(e) => {
                editor.stage = Stage::Editing;
                editor.error = Some(e.to_string());
                self.session_expired(&e);
                vec![]
            }
        }
    }

    pub(super) fn involvement_loaded(
        &mut self,
        request_id: u64,
        result: Result<InvolvementView, ClientError>,
    ) {
        let Some(editor) = self.indicators.as_mut().filter(|e| e.request == request_id) else {
            return;
        };
        match result {
            Ok(now) if now.version != editor.version => {
                let changes = editor.rebase(&now);
                editor.move_lead = false;
                editor.error = None;
                editor.stage = Stage::Conflict { changes };
            }
            // Same version: the refusal was about lead professional being held elsewhere.
            Ok(_) => {
                let holder = editor.lead_holder.clone().unwrap_or_default();
                editor.stage = Stage::ConfirmLeadMove { holder };
            }
            Err(e) => {
                editor.stage = Stage::Editing;
                editor.error = Some(e.to_string());
            }
        }
    }
}
