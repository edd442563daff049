//! What a form sends, and what comes back: one request per save, run on a task
//! by the executor like every other effect.

use crate::api::{
    AddressUpdate, CarerInput, ChildRecord, DeathRecord, IdentityUpdate, InvolvementUpdate,
    InvolvementView, NewChild, NewInvolvement, ShieldUpdate,
};
use crate::client::{Client, ClientError};

#[derive(Debug, Clone)]
pub enum Save {
    AddInvolvement(String, NewInvolvement),
    UpdateInvolvement(i64, InvolvementUpdate),
    Identity(String, IdentityUpdate),
    AddCarer(String, CarerInput),
    UpdateCarer(String, i64, CarerInput),
    RemoveCarer(String, i64, i64),
    Address(String, AddressUpdate),
    Death(String, DeathRecord),
    Shield(String, ShieldUpdate),
    CreateChild(NewChild),
}

#[derive(Debug, Clone)]
pub enum Saved {
    Involvement(Box<InvolvementView>),
    /// The whole record after a change, as the caller may see it.
    Record(Box<ChildRecord>),
    /// A new record's directory ID.
    Created(String),
}

impl Save {
    pub async fn send(self, client: &Client) -> Result<Saved, ClientError> {
        let record = |r: ChildRecord| Saved::Record(Box::new(r));
        let involvement = |i: InvolvementView| Saved::Involvement(Box::new(i));
        Ok(match self {
            Save::AddInvolvement(child, new) => {
                involvement(client.add_involvement(&child, &new).await?)
            }
            Save::UpdateInvolvement(id, update) => {
                involvement(client.update_involvement(id, &update).await?)
            }
            Save::Identity(child, update) => record(client.update_identity(&child, &update).await?),
            Save::AddCarer(child, carer) => record(client.add_carer(&child, &carer).await?),
            Save::UpdateCarer(child, id, carer) => {
                record(client.update_carer(&child, id, &carer).await?)
            }
            Save::RemoveCarer(child, id, version) => {
                record(client.remove_carer(&child, id, version).await?)
            }
            Save::Address(child, update) => record(client.update_address(&child, &update).await?),
            Save::Death(child, death) => record(client.record_death(&child, &death).await?),
            Save::Shield(child, update) => record(client.set_shield(&child, &update).await?),
            Save::CreateChild(new) => Saved::Created(client.create_child(&new).await?.id),
        })
    }
}
