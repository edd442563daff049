//! Searching and reading children's records.

use super::Viewer;
use crate::api::{CarerView, ChildRecord, InvolvementView, LocalAuthorityContact, SearchHit};
use crate::model::{Child, Involvement, Organisation, Role};
use crate::server::error::ApiError;
use crate::store::{Candidate, Glance};

/// Searching and reading records is for those who work with children; auditors
/// review the trail but do not browse the directory.
pub fn may_search(viewer: &Viewer) -> Result<(), ApiError> {
    match viewer.role {
        Role::Auditor => Err(ApiError::forbidden(
            "Auditors review the audit trail and cannot search the directory.",
        )),
        _ => Ok(()),
    }
}

pub fn may_read_record(viewer: &Viewer) -> Result<(), ApiError> {
    may_search(viewer)
}

/// Whether a candidate may appear in results at all: a shielded child is never
/// found through a field that is hidden (the postcode), so a search cannot reveal
/// where the child lives.
pub fn visible_in_search(viewer: &Viewer, c: &Candidate, used_hidden_field: bool) -> bool {
    !(c.shielded && used_hidden_field && !viewer.administers(&c.local_authority))
}

/// How a candidate appears in results: a shielded child without its district,
/// school or GP unless the viewer administers it.
pub fn search_hit(
    viewer: &Viewer,
    c: Candidate,
    glance: Option<Glance>,
    score: f64,
    matched_former_name: Option<String>,
) -> SearchHit {
    let full = !c.shielded || viewer.administers(&c.local_authority);
    let glance = glance.filter(|_| full).unwrap_or_default();
    SearchHit {
        postcode_district: c
            .postcode
            .filter(|_| full)
            .map(|p| p.split(' ').next().unwrap_or_default().to_string()),
        school: glance.school,
        gp_practice: glance.gp_practice,
        id: c.id,
        family_name: c.family_name,
        given_names: c.given_names,
        date_of_birth: c.date_of_birth,
        gender: c.gender,
        score,
        matched_former_name,
        shielded: c.shielded,
        redirected_from: None,
        protection: None,
    }
}

/// The parts of the record the viewer may see. `local_authority` is the child's
/// authority; `broker` is the directory team that brokers contact for hidden details.
pub fn record_view(
    viewer: &Viewer,
    child: Child,
    local_authority: Option<&Organisation>,
    broker: &Organisation,
) -> ChildRecord {
    let full = !child.shielded || viewer.administers(&child.local_authority);
    build_view(viewer, child, local_authority, broker, full)
}

/// The record with its shielded fields shown, for one viewing under the override right.
pub fn overridden_view(
    viewer: &Viewer,
    child: Child,
    local_authority: Option<&Organisation>,
    broker: &Organisation,
) -> ChildRecord {
    build_view(viewer, child, local_authority, broker, true)
}

fn build_view(
    viewer: &Viewer,
    child: Child,
    local_authority: Option<&Organisation>,
    broker: &Organisation,
    full: bool,
) -> ChildRecord {
    let la_contact = local_authority.map(|o| LocalAuthorityContact {
        code: o.code.clone(),
        name: o.name.clone(),
        phone: o.phone.clone(),
        email: o.email.clone(),
    });
    if !full {
        // Domain rule: name, gender, date of birth, ID and carers' names only.
        return ChildRecord {
            id: child.id.to_string(),
            nhs_number: None,
            family_name: child.family_name,
            given_names: child.given_names,
            former_names: Vec::new(),
            date_of_birth: child.date_of_birth,
            gender: child.gender,
            address: None,
            local_authority: None,
            shielded: true,
            restricted_notice: Some(
                "This record is shielded. Only limited details are shown. To reach the services \
                 involved, contact your local authority's directory team, who will broker contact."
                    .into(),
            ),
            carers: child
                .carers
                .into_iter()
                .map(|c| CarerView {
                    id: None,
                    name: c.name,
                    relationship: None,
                    parental_responsibility: None,
                    phone: None,
                    email: None,
                })
                .collect(),
            involvements: Vec::new(),
            version: child.version,
            redirected_from: None,
            date_of_death: None,
            protection: None,
        };
    }
    let child_la = child.local_authority.clone();
    ChildRecord {
        id: child.id.to_string(),
        nhs_number: child.nhs_number.map(|n| n.to_string()),
        family_name: child.family_name,
        given_names: child.given_names,
        former_names: child.former_names,
        date_of_birth: child.date_of_birth,
        gender: child.gender,
        address: Some(child.address),
        local_authority: la_contact,
        shielded: child.shielded,
        restricted_notice: None,
        carers: child
            .carers
            .into_iter()
            .map(|c| CarerView {
                id: Some(c.id),
                name: c.name,
                relationship: Some(c.relationship),
                parental_responsibility: Some(c.parental_responsibility),
                phone: c.phone,
                email: c.email,
            })
            .collect(),
        involvements: child
            .involvements
            .into_iter()
            .map(|i| involvement_view(viewer, &child_la, i, broker))
            .collect(),
        version: child.version,
        redirected_from: None,
        date_of_death: None,
        protection: None,
    }
}

/// A sensitive service's involvement is shown in full only to its own staff and
/// the child's directory administrators; everyone else is pointed to the team
/// that brokers contact.
pub fn involvement_view(
    viewer: &Viewer,
    child_la: &str,
    i: Involvement,
    broker: &Organisation,
) -> InvolvementView {
    let own = i.organisation.code == viewer.organisation;
    let brokered = i.organisation.kind.is_sensitive() && !own && !viewer.administers(child_la);
    if brokered {
        return InvolvementView {
            id: i.id,
            organisation: broker.clone(),
            practitioner: None,
            start_date: None,
            end_date: None,
            indicators: None,
            indicator_marks: None,
            consent: None,
            brokered: true,
            version: i.version,
        };
    }
    InvolvementView {
        id: i.id,
        practitioner: i.practitioner,
        start_date: Some(i.start_date),
        end_date: i.end_date,
        indicators: Some(i.indicators),
        indicator_marks: Some(i.marks),
        consent: if own || viewer.administers(child_la) {
            i.consent
        } else {
            None
        },
        brokered: false,
        version: i.version,
        organisation: i.organisation,
    }
}
