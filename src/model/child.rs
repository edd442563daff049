//! The child record as SI 2007/2182 Schedule 1 describes it. There is deliberately
//! no free-text field: the directory cannot hold case notes.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::{DirectoryId, Involvement, NhsNumber, Postcode};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Gender {
    Female,
    Male,
    NotSpecified,
}

impl Gender {
    pub fn code(self) -> &'static str {
        match self {
            Gender::Female => "female",
            Gender::Male => "male",
            Gender::NotSpecified => "not_specified",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        match code {
            "female" | "f" | "F" => Some(Gender::Female),
            "male" | "m" | "M" => Some(Gender::Male),
            "not_specified" => Some(Gender::NotSpecified),
            _ => None,
        }
    }

    pub fn letter(self) -> &'static str {
        match self {
            Gender::Female => "F",
            Gender::Male => "M",
            Gender::NotSpecified => "-",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct FormerName {
    pub family_name: String,
    pub given_names: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Address {
    pub lines: Vec<String>,
    pub town: String,
    #[schema(value_type = String)]
    pub postcode: Postcode,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ReturnIntent {
    WillReturn,
    WillNotReturn,
    Unknown,
}

/// Address or whereabouts, as the regulations list them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum AddressState {
    Current { address: Address },
    LastKnown { address: Address },
    NoAddressKnown,
    LeftEngland { intent: ReturnIntent },
}

impl AddressState {
    pub fn postcode(&self) -> Option<&Postcode> {
        match self {
            AddressState::Current { address } | AddressState::LastKnown { address } => {
                Some(&address.postcode)
            }
            AddressState::NoAddressKnown | AddressState::LeftEngland { .. } => None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Relationship {
    Mother,
    Father,
    StepParent,
    Grandparent,
    FosterCarer,
    Guardian,
    Other,
}

impl Relationship {
    pub fn label(self) -> &'static str {
        match self {
            Relationship::Mother => "Mother",
            Relationship::Father => "Father",
            Relationship::StepParent => "Step-parent",
            Relationship::Grandparent => "Grandparent",
            Relationship::FosterCarer => "Foster carer",
            Relationship::Guardian => "Guardian",
            Relationship::Other => "Other",
        }
    }
}

/// A person with parental responsibility for, or caring for, the child.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Carer {
    pub id: i64,
    pub name: String,
    pub relationship: Relationship,
    pub parental_responsibility: bool,
    pub phone: Option<String>,
    pub email: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Child {
    pub id: DirectoryId,
    pub nhs_number: Option<NhsNumber>,
    pub family_name: String,
    pub given_names: String,
    pub former_names: Vec<FormerName>,
    pub date_of_birth: NaiveDate,
    pub gender: Gender,
    pub address: AddressState,
    /// Code of the responsible local authority.
    pub local_authority: String,
    pub shielded: bool,
    pub carers: Vec<Carer>,
    pub involvements: Vec<Involvement>,
    pub version: i64,
}
