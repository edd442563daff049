//! The demo accounts: one per role and typical user, each in a demo organisation.

use crate::model::{OrgKind, Organisation, Role};

use super::organisations::is_primary_school;

/// A demo account before it has a password or a second factor.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoAccountSpec {
    pub username: String,
    pub display_name: String,
    pub role: Role,
    /// The organisation's code.
    pub organisation: String,
    pub description: String,
}

/// One account per role and typical user. They sit in the first authority's
/// organisations, which `organisations` lists first and `children` favours, so the
/// GP practice and the school have many children.
///
/// Panics if `orgs` lacks a kind of organisation an account needs; `organisations`
/// always has them.
pub fn accounts(orgs: &[Organisation]) -> Vec<DemoAccountSpec> {
    let first = |keep: &dyn Fn(&Organisation) -> bool, what: &str| {
        orgs.iter()
            .find(|o| keep(o))
            .unwrap_or_else(|| panic!("the demo organisations have no {what}"))
    };
    let of_kind = |kind: OrgKind| first(&move |o| o.kind == kind, kind.label());
    let social_care = of_kind(OrgKind::SocialCare);
    let same_la = |kind: OrgKind| {
        first(
            &move |o| o.kind == kind && o.local_authority == social_care.local_authority,
            kind.label(),
        )
    };
    let gp = same_la(OrgKind::GpPractice);
    let school = first(
        &|o| {
            o.kind == OrgKind::School
                && !is_primary_school(o)
                && o.local_authority == social_care.local_authority
        },
        "secondary school",
    );
    let directory = same_la(OrgKind::DirectoryTeam);
    [
        (
            "gp.reception",
            "Karen Whitaker",
            Role::Practitioner,
            gp,
            "GP practice receptionist",
        ),
        (
            "school.dsl",
            "David Okafor",
            Role::Practitioner,
            school,
            "Designated safeguarding lead at a secondary school",
        ),
        (
            "yot.worker",
            "Jo Brennan",
            Role::Practitioner,
            same_la(OrgKind::YouthOffending),
            "Youth offending team case worker",
        ),
        (
            "ed.nurse",
            "Sam Hughes",
            Role::UnscheduledCare,
            same_la(OrgKind::Hospital),
            "Emergency department nurse",
        ),
        (
            "social.worker",
            "Amira Hussain",
            Role::SocialCare,
            social_care,
            "Children's social worker",
        ),
        (
            "la.admin",
            "Helen Dawson",
            Role::LaAdmin,
            directory,
            "Local authority directory administrator",
        ),
        (
            "dir.admin",
            "Peter Lomas",
            Role::Admin,
            directory,
            "Directory administrator",
        ),
        (
            "auditor",
            "Ruth Kirkland",
            Role::Auditor,
            directory,
            "Reviews the audit trail",
        ),
    ]
    .into_iter()
    .map(
        |(username, display_name, role, org, description)| DemoAccountSpec {
            username: username.to_string(),
            display_name: display_name.to_string(),
            role,
            organisation: org.code.clone(),
            description: description.to_string(),
        },
    )
    .collect()
}
