//! Inserting batches of new children with `COPY ... FROM STDIN (FORMAT binary)`:
//! rows stream to the server in its own binary format, with no SQL to parse or
//! plan per row and no arrays to unnest. A demo directory of millions of children
//! and a large first import go this way; so does a single new record.

use std::pin::pin;

use deadpool_postgres::Transaction;
use tokio_postgres::binary_copy::BinaryCopyInWriter;
use tokio_postgres::types::{ToSql, Type};

use super::directory::{surname_forms, surname_ids};
use super::{enum_str, to_json, unique_as_exists};
use crate::model::{names, Child};
use crate::store::StoreResult;

/// Streams `rows` into `table (columns)`, each row's values in column order.
/// Rows go in the order given, so generated ids (carers, involvements, the
/// sampling order `seq`) follow batch order, as SQLite assigns them.
async fn copy_rows<const N: usize>(
    tx: &Transaction<'_>,
    table_and_columns: &str,
    types: [Type; N],
    rows: Vec<[&(dyn ToSql + Sync); N]>,
) -> StoreResult<()> {
    let sql = format!("COPY {table_and_columns} FROM STDIN (FORMAT binary)");
    let stmt = tx.prepare_cached(&sql).await?;
    let sink = tx.copy_in(&stmt).await?;
    let mut writer = pin!(BinaryCopyInWriter::new(sink, &types));
    // Only the children's NHS numbers can clash: the other keys are new ids.
    let clash = |e| unique_as_exists(e, || "a record with that NHS number".into());
    for row in rows {
        writer.as_mut().write(&row).await.map_err(clash)?;
    }
    writer.finish().await.map_err(clash)?;
    Ok(())
}

/// Inserts new children, their search keys, carers and involvements; the caller
/// commits. A child already present (same id or NHS number) fails the batch.
pub(super) async fn insert_children(tx: &Transaction<'_>, children: &[Child]) -> StoreResult<()> {
    struct Encoded<'a> {
        id: &'a str,
        nhs: Option<String>,
        former: String,
        gender: String,
        address: String,
        postcode: Option<String>,
        district: Option<String>,
        given_key: String,
    }
    let encoded: Vec<Encoded> = children
        .iter()
        .map(|c| {
            let postcode = c.address.postcode();
            Encoded {
                id: c.id.as_str(),
                nhs: c.nhs_number.as_ref().map(|n| n.as_str().to_string()),
                former: to_json(&c.former_names),
                gender: enum_str(&c.gender),
                address: to_json(&c.address),
                postcode: postcode.map(|p| p.as_str().to_string()),
                district: postcode.map(|p| p.district().to_string()),
                given_key: names::given_key(&c.given_names),
            }
        })
        .collect();
    copy_rows(
        tx,
        "children (id, nhs_number, family_name, given_names, former_names, date_of_birth,
             gender, address, postcode, postcode_district, local_authority, shielded, version)",
        [
            Type::TEXT,
            Type::TEXT,
            Type::TEXT,
            Type::TEXT,
            Type::TEXT,
            Type::DATE,
            Type::TEXT,
            Type::TEXT,
            Type::TEXT,
            Type::TEXT,
            Type::TEXT,
            Type::BOOL,
            Type::INT8,
        ],
        children
            .iter()
            .zip(&encoded)
            .map(|(c, e)| {
                [
                    &e.id as &(dyn ToSql + Sync),
                    &e.nhs,
                    &c.family_name,
                    &c.given_names,
                    &e.former,
                    &c.date_of_birth,
                    &e.gender,
                    &e.address,
                    &e.postcode,
                    &e.district,
                    &c.local_authority,
                    &c.shielded,
                    &c.version,
                ]
            })
            .collect::<Vec<_>>(),
    )
    .await?;

    // Surname rows are shared by every child of that name: found or created by
    // name (ON CONFLICT, as concurrent importers need), then referenced by id.
    let forms: Vec<Vec<String>> = children.iter().map(surname_forms).collect();
    let ids = surname_ids(tx, forms.iter().flatten().cloned().collect()).await?;
    let ids = &ids;
    let keyed: Vec<(i64, &Child, &Encoded)> = forms
        .iter()
        .zip(children.iter().zip(&encoded))
        .flat_map(|(forms, (c, e))| forms.iter().map(move |form| (ids[form], c, e)))
        .collect();
    // Forms are distinct per child and the children are new, so no key repeats.
    // Each row copies what a search ranks on, encoded as the child's row above.
    copy_rows(
        tx,
        "child_surnames (surname_id, date_of_birth, child_id, postcode_district, given_key,
             family_name, given_names, former_names, gender, postcode, shielded, local_authority)",
        [
            Type::INT8,
            Type::DATE,
            Type::TEXT,
            Type::TEXT,
            Type::TEXT,
            Type::TEXT,
            Type::TEXT,
            Type::TEXT,
            Type::TEXT,
            Type::TEXT,
            Type::BOOL,
            Type::TEXT,
        ],
        keyed
            .iter()
            .map(|(sid, c, e)| {
                [
                    sid as &(dyn ToSql + Sync),
                    &c.date_of_birth,
                    &e.id,
                    &e.district,
                    &e.given_key,
                    &c.family_name,
                    &c.given_names,
                    &e.former,
                    &e.gender,
                    &e.postcode,
                    &c.shielded,
                    &c.local_authority,
                ]
            })
            .collect::<Vec<_>>(),
    )
    .await?;

    let carers: Vec<_> = children
        .iter()
        .flat_map(|c| {
            c.carers
                .iter()
                .map(move |carer| (c.id.as_str(), carer, enum_str(&carer.relationship)))
        })
        .collect();
    copy_rows(
        tx,
        "carers (child_id, name, relationship, parental_responsibility, phone, email)",
        [
            Type::TEXT,
            Type::TEXT,
            Type::TEXT,
            Type::BOOL,
            Type::TEXT,
            Type::TEXT,
        ],
        carers
            .iter()
            .map(|(id, c, relationship)| {
                [
                    id as &(dyn ToSql + Sync),
                    &c.name,
                    relationship,
                    &c.parental_responsibility,
                    &c.phone,
                    &c.email,
                ]
            })
            .collect::<Vec<_>>(),
    )
    .await?;

    let involvements: Vec<_> = children
        .iter()
        .flat_map(|c| {
            c.involvements.iter().map(move |i| {
                let p = i.practitioner.as_ref();
                (
                    c.id.as_str(),
                    i,
                    [
                        p.map(|p| p.name.as_str()),
                        p.and_then(|p| p.phone.as_deref()),
                        p.and_then(|p| p.email.as_deref()),
                    ],
                    i.consent.as_ref().map(to_json),
                    to_json(&i.marks),
                )
            })
        })
        .collect();
    copy_rows(
        tx,
        "involvements (child_id, organisation, practitioner_name, practitioner_phone,
             practitioner_email, start_date, end_date, consent, has_information, taking_action,
             caf_completed, lead_professional, marks, version)",
        [
            Type::TEXT,
            Type::TEXT,
            Type::TEXT,
            Type::TEXT,
            Type::TEXT,
            Type::DATE,
            Type::DATE,
            Type::TEXT,
            Type::BOOL,
            Type::BOOL,
            Type::BOOL,
            Type::BOOL,
            Type::TEXT,
            Type::INT8,
        ],
        involvements
            .iter()
            .map(|(id, i, [name, phone, email], consent, marks)| {
                [
                    id as &(dyn ToSql + Sync),
                    &i.organisation.code,
                    name,
                    phone,
                    email,
                    &i.start_date,
                    &i.end_date,
                    consent,
                    &i.indicators.has_information,
                    &i.indicators.taking_action,
                    &i.indicators.caf_completed,
                    &i.indicators.lead_professional,
                    marks,
                    &i.version,
                ]
            })
            .collect::<Vec<_>>(),
    )
    .await?;
    Ok(())
}
