//! The editors on a record: each is a `Form` with a purpose that turns its fields
//! into one request. A refused save keeps the form as typed and marks the field.

use crate::api::{
    AddressUpdate, CarerInput, ChildRecord, DeathRecord, IdentityUpdate, InvolvementUpdate,
    NewChild, NewInvolvement, ShieldUpdate,
};
use crate::client::ClientError;
use crate::model::validation::FieldError;
use crate::model::{
    Address, AddressState, ChangeReason, ConsentBasis, Gender, Identity, Organisation,
    Practitioner, Relationship, ReturnIntent, Role, ShieldReason,
};
use crate::tui::form::{parse_date, show_date, Form, Outcome};
use crate::tui::keymap::Action;
use crate::tui::msg::Effect;
use crate::tui::saves::{Save, Saved};

use super::{App, Notice};

/// What saving a form does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Purpose {
    AddInvolvement {
        child: String,
        /// Named by an administrator; a practitioner's own organisation otherwise.
        organisation: Option<String>,
        sensitive: bool,
    },
    EditInvolvement {
        id: i64,
        version: i64,
        sensitive: bool,
    },
    Identity {
        child: String,
        version: i64,
    },
    AddCarer {
        child: String,
        version: i64,
    },
    EditCarer {
        child: String,
        carer: i64,
        version: i64,
    },
    RemoveCarer {
        child: String,
        carer: i64,
        version: i64,
    },
    Address {
        child: String,
        version: i64,
    },
    Deceased {
        child: String,
        version: i64,
    },
    Shield {
        child: String,
        version: i64,
        shield: bool,
    },
    CreateChild,
}

#[derive(Debug, Clone)]
pub struct FormState {
    pub form: Form,
    pub purpose: Purpose,
}

const CONSENT: [&str; 2] = ["Child's consent", "Significant harm"];
const GENDERS: [&str; 3] = ["Female", "Male", "Not specified"];
const WHY: [&str; 3] = ["Correction", "Change of name", "New information"];
const ADDRESS: [&str; 6] = [
    "Current address",
    "Last known address",
    "No address known",
    "Left England, will return",
    "Left England, will not return",
    "Left England, return unknown",
];
const RELATIONSHIPS: [Relationship; 7] = [
    Relationship::Mother,
    Relationship::Father,
    Relationship::StepParent,
    Relationship::Grandparent,
    Relationship::FosterCarer,
    Relationship::Guardian,
    Relationship::Other,
];

fn gender_index(g: Gender) -> usize {
    match g {
        Gender::Female => 0,
        Gender::Male => 1,
        Gender::NotSpecified => 2,
    }
}

fn practitioner_fields(form: Form, p: Option<&Practitioner>) -> Form {
    form.text("Practitioner", p.map_or("", |p| &p.name))
        .text("Phone", p.and_then(|p| p.phone.as_deref()).unwrap_or(""))
        .text("Email", p.and_then(|p| p.email.as_deref()).unwrap_or(""))
}

fn consent_fields(form: Form, consent: Option<&ConsentBasis>) -> Form {
    let (basis, by, on) = match consent {
        Some(ConsentBasis::Consent { given_by, given_on }) => {
            (0, given_by.clone(), show_date(*given_on))
        }
        Some(ConsentBasis::SignificantHarm) => (1, String::new(), String::new()),
        None => (0, String::new(), String::new()),
    };
    form.choice("Consent basis", &CONSENT, basis)
        .text("Consent given by", &by)
        .text("Consent given on", &on)
}

fn practitioner(form: &Form) -> Practitioner {
    Practitioner {
        name: form.get("Practitioner"),
        phone: form.optional("Phone"),
        email: form.optional("Email"),
    }
}

fn consent(form: &Form, sensitive: bool) -> Result<Option<ConsentBasis>, FieldError> {
    if !sensitive {
        return Ok(None);
    }
    Ok(Some(match form.chosen("Consent basis") {
        0 => ConsentBasis::Consent {
            given_by: form.get("Consent given by"),
            given_on: parse_date("Consent given on", &form.get("Consent given on"))?,
        },
        _ => ConsentBasis::SignificantHarm,
    }))
}

fn identity_fields(form: Form, id: Option<&ChildRecord>) -> Form {
    let dob = id.map(|r| show_date(r.date_of_birth)).unwrap_or_default();
    form.text("Family name", id.map_or("", |r| &r.family_name))
        .text("Given names", id.map_or("", |r| &r.given_names))
        .text("Date of birth", &dob)
        .choice("Gender", &GENDERS, id.map_or(2, |r| gender_index(r.gender)))
        .text(
            "NHS number",
            id.and_then(|r| r.nhs_number.as_deref()).unwrap_or(""),
        )
}

fn identity(form: &Form, former: Vec<crate::model::FormerName>) -> Result<Identity, FieldError> {
    Ok(Identity {
        family_name: form.get("Family name"),
        given_names: form.get("Given names"),
        former_names: former,
        date_of_birth: parse_date("Date of birth", &form.get("Date of birth"))?,
        gender: [Gender::Female, Gender::Male, Gender::NotSpecified][form.chosen("Gender")],
        nhs_number: form
            .optional("NHS number")
            .map(|n| n.replace(' ', "").parse())
            .transpose()
            .map_err(|_| {
                FieldError::new(
                    "nhs_number",
                    "NHS number",
                    "give the 10 digits, e.g. 943 476 5919",
                )
            })?,
    })
}

fn address_fields(form: Form, state: Option<&AddressState>) -> Form {
    let (index, address) = match state {
        Some(AddressState::Current { address }) => (0, Some(address)),
        Some(AddressState::LastKnown { address }) => (1, Some(address)),
        Some(AddressState::NoAddressKnown) => (2, None),
        Some(AddressState::LeftEngland { intent }) => match intent {
            ReturnIntent::WillReturn => (3, None),
            ReturnIntent::WillNotReturn => (4, None),
            ReturnIntent::Unknown => (5, None),
        },
        None => (0, None),
    };
    form.choice("Whereabouts", &ADDRESS, index)
        .text(
            "Address line",
            address.map(|a| a.lines.join(", ")).as_deref().unwrap_or(""),
        )
        .text("Town", address.map_or("", |a| &a.town))
        .text(
            "Postcode",
            &address.map(|a| a.postcode.to_string()).unwrap_or_default(),
        )
}

fn address(form: &Form) -> Result<AddressState, FieldError> {
    let with_address = || -> Result<Address, FieldError> {
        Ok(Address {
            lines: form
                .get("Address line")
                .split(',')
                .map(|l| l.trim().to_string())
                .filter(|l| !l.is_empty())
                .collect(),
            town: form.get("Town"),
            postcode: form.get("Postcode").parse().map_err(|_| {
                FieldError::new("postcode", "Postcode", "give a UK postcode, e.g. LS6 2AB")
            })?,
        })
    };
    Ok(match form.chosen("Whereabouts") {
        0 => AddressState::Current {
            address: with_address()?,
        },
        1 => AddressState::LastKnown {
            address: with_address()?,
        },
        2 => AddressState::NoAddressKnown,
        3 => AddressState::LeftEngland {
            intent: ReturnIntent::WillReturn,
        },
        4 => AddressState::LeftEngland {
            intent: ReturnIntent::WillNotReturn,
        },
        _ => AddressState::LeftEngland {
            intent: ReturnIntent::Unknown,
        },
    })
}

fn carer_fields(form: Form, carer: Option<&crate::api::CarerView>) -> Form {
    let labels: Vec<&str> = RELATIONSHIPS.iter().map(|r| r.label()).collect();
    let rel = carer
        .and_then(|c| c.relationship)
        .and_then(|r| RELATIONSHIPS.iter().position(|x| *x == r))
        .unwrap_or(0);
    let pr = usize::from(carer.and_then(|c| c.parental_responsibility) == Some(false));
    form.text("Name", carer.map_or("", |c| &c.name))
        .choice("Relationship", &labels, rel)
        .choice("Parental responsibility", &["Yes", "No"], pr)
        .text(
            "Phone",
            carer.and_then(|c| c.phone.as_deref()).unwrap_or(""),
        )
        .text(
            "Email",
            carer.and_then(|c| c.email.as_deref()).unwrap_or(""),
        )
}

fn carer(form: &Form, version: i64) -> CarerInput {
    CarerInput {
        name: form.get("Name"),
        relationship: RELATIONSHIPS[form.chosen("Relationship")],
        parental_responsibility: form.chosen("Parental responsibility") == 0,
        phone: form.optional("Phone"),
        email: form.optional("Email"),
        version,
    }
}

impl FormState {
    /// The request the form's fields make, or the field at fault.
    fn save(&self, record: Option<&ChildRecord>) -> Result<Save, FieldError> {
        let form = &self.form;
        Ok(match &self.purpose {
            Purpose::AddInvolvement {
                child,
                organisation,
                sensitive,
            } => Save::AddInvolvement(
                child.clone(),
                NewInvolvement {
                    organisation: organisation.clone(),
                    practitioner: practitioner(form),
                    start_date: parse_date("Start date", &form.get("Start date"))?,
                    consent: consent(form, *sensitive)?,
                },
            ),
            Purpose::EditInvolvement {
                id,
                version,
                sensitive,
            } => Save::UpdateInvolvement(
                *id,
                InvolvementUpdate {
                    practitioner: practitioner(form),
                    start_date: parse_date("Start date", &form.get("Start date"))?,
                    end_date: form
                        .optional("End date")
                        .map(|d| parse_date("End date", &d))
                        .transpose()?,
                    consent: consent(form, *sensitive)?,
                    version: *version,
                },
            ),
            Purpose::Identity { child, version } => {
                let former = record.map(|r| r.former_names.clone()).unwrap_or_default();
                let why = [
                    ChangeReason::Correction,
                    ChangeReason::ChangeOfName,
                    ChangeReason::NewInformation,
                ][form.chosen("Why")];
                Save::Identity(
                    child.clone(),
                    IdentityUpdate {
                        identity: identity(form, former)?,
                        why,
                        version: *version,
                    },
                )
            }
            Purpose::AddCarer { child, version } => {
                Save::AddCarer(child.clone(), carer(form, *version))
            }
            Purpose::EditCarer {
                child,
                carer: id,
                version,
            } => Save::UpdateCarer(child.clone(), *id, carer(form, *version)),
            Purpose::RemoveCarer {
                child,
                carer,
                version,
            } => Save::RemoveCarer(child.clone(), *carer, *version),
            Purpose::Address { child, version } => Save::Address(
                child.clone(),
                AddressUpdate {
                    address: address(form)?,
                    version: *version,
                },
            ),
            Purpose::Deceased { child, version } => Save::Death(
                child.clone(),
                DeathRecord {
                    date_of_death: parse_date("Date of death", &form.get("Date of death"))?,
                    version: *version,
                },
            ),
            Purpose::Shield {
                child,
                version,
                shield,
            } => {
                let reason = if *shield {
                    ShieldReason::ALL[form.chosen("Reason")]
                } else {
                    ShieldReason::NoLongerNeeded
                };
                Save::Shield(
                    child.clone(),
                    ShieldUpdate {
                        shielded: *shield,
                        reason,
                        version: *version,
                    },
                )
            }
            Purpose::CreateChild => Save::CreateChild(NewChild {
                identity: identity(form, vec![])?,
                address: address(form)?,
                local_authority: None,
            }),
        })
    }
}

/// Whether the user keeps records for the directory team.
pub fn is_admin(role: Role) -> bool {
    matches!(role, Role::Admin | Role::LaAdmin)
}

impl App {
    fn open_form(&mut self, form: Form, purpose: Purpose) {
        self.form = Some(FormState { form, purpose });
    }

    fn admin(&self) -> bool {
        self.user.as_ref().is_some_and(|u| is_admin(u.role))
    }

    /// `a` on a record: a practitioner adds their own organisation; an
    /// administrator first picks the organisation.
    pub(super) fn add_involvement(&mut self, org: Option<&Organisation>) {
        let (Some(view), Some(user)) = (&self.record, &self.user) else {
            return;
        };
        let record = &view.record;
        let (name, code, sensitive) = match org {
            Some(o) => (o.name.clone(), Some(o.code.clone()), o.kind.is_sensitive()),
            None => {
                let own = self
                    .organisations
                    .iter()
                    .flatten()
                    .find(|o| o.code == user.organisation);
                (
                    user.organisation_name.clone(),
                    None,
                    own.is_some_and(|o| o.kind.is_sensitive()),
                )
            }
        };
        let mut form = Form::new(format!("Add involvement: {name}"))
            .note(format!("{} {}", record.given_names, record.family_name));
        let me = (org.is_none()).then(|| Practitioner {
            name: user.display_name.clone(),
            phone: None,
            email: None,
        });
        form = practitioner_fields(form, me.as_ref()).text("Start date", &show_date(self.today));
        if sensitive {
            form = consent_fields(form, None);
        }
        let child = record.id.clone();
        self.open_form(
            form,
            Purpose::AddInvolvement {
                child,
                organisation: code,
                sensitive,
            },
        );
    }

    /// Edit (or end, with an end date) one involvement.
    pub(super) fn edit_involvement(&mut self, id: i64) {
        let Some(view) = &self.record else { return };
        let Some(i) = view.record.involvements.iter().find(|i| i.id == id) else {
            return;
        };
        let sensitive = i.organisation.kind.is_sensitive();
        let mut form = practitioner_fields(
            Form::new(format!("Involvement: {}", i.organisation.name))
                .note("An end date ends the involvement; it stays as history."),
            i.practitioner.as_ref(),
        )
        .text(
            "Start date",
            &i.start_date.map(show_date).unwrap_or_default(),
        )
        .text("End date", &i.end_date.map(show_date).unwrap_or_default());
        if sensitive {
            form = consent_fields(form, i.consent.as_ref());
        }
        // Ending is the usual reason to open this: start on the end date.
        form.focus = form
            .fields
            .iter()
            .position(|f| f.label == "End date")
            .unwrap_or(0);
        let purpose = Purpose::EditInvolvement {
            id,
            version: i.version,
            sensitive,
        };
        self.open_form(form, purpose);
    }

    /// `x` on a record: the user's own organisation's current involvement.
    pub(super) fn edit_own_involvement(&mut self) {
        let (Some(view), Some(user)) = (&self.record, &self.user) else {
            return;
        };
        let own = view.record.involvements.iter().find(|i| {
            i.organisation.code == user.organisation && i.end_date.is_none() && !i.brokered
        });
        match own.map(|i| i.id) {
            Some(id) => self.edit_involvement(id),
            None => {
                self.search.notice = Some(Notice::warn(
                    "Your organisation has no current involvement with this child: + adds one.",
                ))
            }
        }
    }

    /// The administrators' editors on the open record, by key.
    pub(super) fn open_admin_form(&mut self, action: Action) {
        if !self.admin() {
            self.search.notice = Some(Notice::warn(
                "Only the directory team (la_admin, admin) can change this.",
            ));
            return;
        }
        let Some(view) = &self.record else { return };
        let r = &view.record;
        let (child, version) = (r.id.clone(), r.version);
        let who = format!("{} {} ({})", r.given_names, r.family_name, r.id);
        let (form, purpose) = match action {
            Action::EditIdentity => (
                identity_fields(Form::new("Identity").note(who), Some(r)).choice("Why", &WHY, 0),
                Purpose::Identity { child, version },
            ),
            Action::EditAddress => (
                address_fields(
                    Form::new("Address or whereabouts").note(who),
                    r.address.as_ref(),
                ),
                Purpose::Address { child, version },
            ),
            Action::MarkDeceased => (
                Form::new("Record a death")
                    .note(who)
                    .text("Date of death", &show_date(self.today)),
                Purpose::Deceased { child, version },
            ),
            Action::Shield if r.shielded => (
                Form::new("Unshield the record").note(format!(
                    "{who}: Enter unshields (reason: no longer needed)."
                )),
                Purpose::Shield {
                    child,
                    version,
                    shield: false,
                },
            ),
            Action::Shield => {
                let reasons: Vec<&str> = ShieldReason::ALL[..3].iter().map(|r| r.label()).collect();
                (
                    Form::new("Shield the record")
                        .note(who)
                        .choice("Reason", &reasons, 0),
                    Purpose::Shield {
                        child,
                        version,
                        shield: true,
                    },
                )
            }
            _ => return,
        };
        self.open_form(form, purpose);
    }

    /// A carer chosen in the carers picker: `None` adds one.
    pub(super) fn open_carer_form(&mut self, carer: Option<i64>, remove: bool) {
        let Some(view) = &self.record else { return };
        let r = &view.record;
        let (child, version) = (r.id.clone(), r.version);
        let found = carer.and_then(|id| r.carers.iter().find(|c| c.id == Some(id)));
        let (form, purpose) = match (found, remove) {
            (Some(c), true) => (
                Form::new("Remove carer")
                    .note(format!("Enter removes {} from this record.", c.name)),
                Purpose::RemoveCarer {
                    child,
                    carer: c.id.unwrap_or_default(),
                    version,
                },
            ),
            (Some(c), false) => (
                carer_fields(Form::new("Edit carer"), Some(c)),
                Purpose::EditCarer {
                    child,
                    carer: c.id.unwrap_or_default(),
                    version,
                },
            ),
            (None, _) => (
                carer_fields(Form::new("Add a carer"), None),
                Purpose::AddCarer { child, version },
            ),
        };
        self.open_form(form, purpose);
    }

    /// `n` on the search screen: a new record (directory team).
    pub(super) fn open_create_child(&mut self) {
        if !self.admin() {
            return;
        }
        let form = address_fields(identity_fields(Form::new("New child record"), None), None);
        self.open_form(form, Purpose::CreateChild);
    }

    pub(super) fn on_form_action(&mut self, action: Action) -> Vec<Effect> {
        let Some(state) = self.form.as_mut() else {
            return vec![];
        };
        let outcome = match action {
            Action::NextField => {
                state.form.move_focus(true);
                Outcome::Stay
            }
            Action::PrevField => {
                state.form.move_focus(false);
                Outcome::Stay
            }
            Action::Submit => state.form.submit(),
            Action::Cancel => state.form.cancel(),
            _ => Outcome::Stay,
        };
        match outcome {
            Outcome::Stay => vec![],
            Outcome::Close => {
                self.form = None;
                vec![]
            }
            Outcome::Save => self.save_form(),
        }
    }

    fn save_form(&mut self) -> Vec<Effect> {
        let request_id = self.next_request_id();
        let record = self.record.as_ref().map(|v| v.record.as_ref());
        let Some(state) = self.form.as_mut() else {
            return vec![];
        };
        match state.save(record) {
            Ok(save) => {
                state.form.saving(request_id);
                vec![Effect::SaveForm { request_id, save }]
            }
            Err(fault) => {
                state.form.fault(fault);
                vec![]
            }
        }
    }

    pub(super) fn form_saved(&mut self, request_id: u64, result: Result<Saved, ClientError>) {
        let Some(state) = self.form.as_mut().filter(|s| s.form.request == request_id) else {
            return;
        };
        let saved = match result {
            Ok(saved) => saved,
            Err(e) => {
                if !self.session_expired(&e) {
                    let state = self.form.as_mut().expect("checked above");
                    state.form.refused(e.to_string());
                }
                return;
            }
        };
        let title = state.form.title.clone();
        self.form = None;
        self.search.notice = Some(Notice::info(format!("{title}: saved.")));
        match saved {
            Saved::Involvement(saved) => {
                if let Some(view) = self.record.as_mut() {
                    let list = &mut view.record.involvements;
                    match list.iter_mut().find(|i| i.id == saved.id) {
                        Some(i) => *i = *saved,
                        None => list.push(*saved),
                    }
                    // The child's version moves with its involvements only on the server.
                }
            }
            Saved::Record(record) => {
                if let Some(view) = self.record.as_mut() {
                    view.record = record;
                }
            }
            Saved::Created(id) => {
                self.search.notice = Some(Notice::info(format!(
                    "Record created with directory ID {id}: search for it to open it."
                )));
            }
        }
    }
}
