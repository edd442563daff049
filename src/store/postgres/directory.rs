//! Organisations, children and search candidates.

use std::collections::{BTreeSet, HashMap};

use async_trait::async_trait;
use deadpool_postgres::{GenericClient, Transaction};
use tokio_postgres::types::ToSql;
use tokio_postgres::Row;

use super::{enum_str, from_json, parse_enum, to_json, unique_as_exists, PostgresStore};
use crate::model::names;
use crate::model::{
    Carer, Child, IndicatorMarks, Indicators, Involvement, Organisation, Practitioner,
};
use crate::store::{Candidate, CandidateQuery, DirectoryStore, Glance, StoreError, StoreResult};

pub(super) const ORG_COLUMNS: &str = "code, name, kind, phone, email, address, local_authority";

pub(super) fn org_from_row(r: &Row, at: usize) -> StoreResult<Organisation> {
    Ok(Organisation {
        code: r.try_get(at)?,
        name: r.try_get(at + 1)?,
        kind: parse_enum(r.try_get(at + 2)?)?,
        phone: r.try_get(at + 3)?,
        email: r.try_get(at + 4)?,
        address: r.try_get(at + 5)?,
        local_authority: r.try_get(at + 6)?,
    })
}

pub(super) const CANDIDATE_COLUMNS: &str =
    "id, family_name, given_names, former_names, date_of_birth, gender, postcode, shielded, local_authority";
/// `CANDIDATE_COLUMNS` as a child's surname rows hold them (migration 0008).
const SURNAME_ROW_COLUMNS: &str =
    "child_id AS id, family_name, given_names, former_names, date_of_birth, gender, postcode, shielded, local_authority";
/// What a surname row copies from its child's row, beside the search keys.
const COPIED_COLUMNS: &str = "date_of_birth, postcode_district, family_name, given_names, \
     former_names, gender, postcode, shielded, local_authority";

pub(super) fn candidate_from_row(r: &Row) -> StoreResult<Candidate> {
    Ok(Candidate {
        id: r.try_get(0)?,
        family_name: r.try_get(1)?,
        given_names: r.try_get(2)?,
        former_names: from_json(r.try_get(3)?)?,
        date_of_birth: r.try_get(4)?,
        gender: parse_enum(r.try_get(5)?)?,
        postcode: r.try_get(6)?,
        shielded: r.try_get(7)?,
        local_authority: r.try_get(8)?,
    })
}

/// Indexes a child under every surname form it is known by (whole, hyphen parts,
/// former names), each row with what a search ranks on, copied from the child's
/// row just written.
pub(super) async fn index_surnames(tx: &Transaction<'_>, child: &Child) -> StoreResult<()> {
    let forms = surname_forms(child);
    let ids = surname_ids(tx, forms.iter().cloned().collect()).await?;
    let sids: Vec<i64> = forms.iter().map(|f| ids[f]).collect();
    tx.execute(
        &format!(
            "INSERT INTO child_surnames (surname_id, given_key, child_id, {COPIED_COLUMNS})
             SELECT s, $2, id, {COPIED_COLUMNS} FROM children, unnest($1::int8[]) s WHERE id = $3
             ON CONFLICT DO NOTHING"
        ),
        &[
            &sids,
            &names::given_key(&child.given_names),
            &child.id.as_str(),
        ],
    )
    .await?;
    Ok(())
}

/// Gives every surname its phonetic keys (after migration 9 removed the old ones).
pub(super) async fn fill_phonetic_keys(tx: &Transaction<'_>) -> StoreResult<()> {
    let (mut keys, mut ids) = (Vec::new(), Vec::new());
    for r in tx.query("SELECT id, name FROM surnames", &[]).await? {
        let id: i64 = r.try_get(0)?;
        for key in names::phonetic_keys(r.try_get(1)?) {
            keys.push(key);
            ids.push(id);
        }
    }
    tx.execute(
        "INSERT INTO surname_keys (key, surname_id) SELECT * FROM unnest($1::text[], $2::int8[])
         ON CONFLICT DO NOTHING",
        &[&keys, &ids],
    )
    .await?;
    Ok(())
}

/// Computes `child_surnames.given_key` afresh for every row (indexed before it
/// existed, or with shorter codes): keys are
/// computed here a page of children at a time, copied into a temporary table and
/// joined in with one UPDATE.
pub(super) async fn fill_given_keys(tx: &Transaction<'_>) -> StoreResult<()> {
    const PAGE: i64 = 50_000;
    tx.batch_execute(
        "CREATE TEMP TABLE given_keys (child_id TEXT PRIMARY KEY, key TEXT NOT NULL) ON COMMIT DROP",
    )
    .await?;
    let mut after = String::new();
    loop {
        let rows = tx
            .query(
                "SELECT id, given_names FROM children WHERE id > $1 ORDER BY id LIMIT $2",
                &[&after, &PAGE],
            )
            .await?;
        let Some(last) = rows.last() else { break };
        after = last.try_get(0)?;
        let (mut ids, mut keys) = (Vec::new(), Vec::new());
        for r in &rows {
            ids.push(r.try_get::<_, String>(0)?);
            keys.push(names::given_key(r.try_get(1)?));
        }
        tx.execute(
            "INSERT INTO given_keys SELECT * FROM unnest($1::text[], $2::text[])",
            &[&ids, &keys],
        )
        .await?;
    }
    tx.batch_execute(
        "UPDATE child_surnames cs SET given_key = g.key FROM given_keys g WHERE g.child_id = cs.child_id",
    )
    .await?;
    Ok(())
}

/// Every surname form a child is known by, sorted and without repeats.
pub(super) fn surname_forms(child: &Child) -> Vec<String> {
    let mut forms = names::surname_forms(&child.family_name);
    for former in &child.former_names {
        forms.extend(names::surname_forms(&former.family_name));
    }
    forms.sort();
    forms.dedup();
    forms
}

/// Inserts one involvement, returning its id.
pub(super) async fn insert_involvement(
    tx: &Transaction<'_>,
    child_id: &str,
    i: &Involvement,
) -> StoreResult<i64> {
    let p = i.practitioner.as_ref();
    Ok(tx
        .query_one(
            "INSERT INTO involvements (child_id, organisation, practitioner_name, practitioner_phone,
                 practitioner_email, start_date, end_date, consent, has_information, taking_action,
                 caf_completed, lead_professional, marks, version)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) RETURNING id",
            &[
                &child_id,
                &i.organisation.code,
                &p.map(|p| &p.name),
                &p.and_then(|p| p.phone.as_ref()),
                &p.and_then(|p| p.email.as_ref()),
                &i.start_date,
                &i.end_date,
                &i.consent.as_ref().map(to_json),
                &i.indicators.has_information,
                &i.indicators.taking_action,
                &i.indicators.caf_completed,
                &i.indicators.lead_professional,
                &to_json(&i.marks),
                &i.version,
            ],
        )
        .await?
        .try_get(0)?)
}

/// Selects what `involvement_from_row` reads; the caller adds WHERE and ORDER BY.
pub(super) const INVOLVEMENT_SELECT: &str =
    "SELECT i.id, i.practitioner_name, i.practitioner_phone, i.practitioner_email, i.start_date,
            i.end_date, i.consent, i.has_information, i.taking_action, i.caf_completed,
            i.lead_professional, i.marks, i.version,
            o.code, o.name, o.kind, o.phone, o.email, o.address, o.local_authority
     FROM involvements i JOIN organisations o ON o.code = i.organisation";

pub(super) fn involvement_from_row(r: &Row) -> StoreResult<Involvement> {
    let practitioner = r
        .try_get::<_, Option<String>>(1)?
        .map(|name| -> StoreResult<_> {
            Ok(Practitioner {
                name,
                phone: r.try_get(2)?,
                email: r.try_get(3)?,
            })
        })
        .transpose()?;
    Ok(Involvement {
        id: r.try_get(0)?,
        practitioner,
        start_date: r.try_get(4)?,
        end_date: r.try_get(5)?,
        consent: r
            .try_get::<_, Option<&str>>(6)?
            .map(from_json)
            .transpose()?,
        indicators: Indicators {
            has_information: r.try_get(7)?,
            taking_action: r.try_get(8)?,
            caf_completed: r.try_get(9)?,
            lead_professional: r.try_get(10)?,
        },
        marks: from_json::<IndicatorMarks>(r.try_get(11)?)?,
        version: r.try_get(12)?,
        organisation: org_from_row(r, 13)?,
    })
}

/// The ids of these surname forms, creating (and indexing the keys of) new ones.
/// Sorted, and `ON CONFLICT` on the name, so concurrent importers agree on one id
/// per form and never deadlock.
pub(super) async fn surname_ids(
    tx: &Transaction<'_>,
    forms: BTreeSet<String>,
) -> StoreResult<HashMap<String, i64>> {
    let forms: Vec<String> = forms.into_iter().collect();
    let created = tx
        .query(
            "INSERT INTO surnames (name) SELECT unnest($1::text[]) ORDER BY 1
             ON CONFLICT (name) DO NOTHING RETURNING id, name",
            &[&forms],
        )
        .await?;
    let (mut keys, mut key_ids) = (Vec::new(), Vec::new());
    for row in &created {
        let (id, name): (i64, &str) = (row.try_get(0)?, row.try_get(1)?);
        for key in names::keys(name) {
            keys.push(key);
            key_ids.push(id);
        }
    }
    tx.execute(
        "INSERT INTO surname_keys (key, surname_id) SELECT * FROM unnest($1::text[], $2::int8[])
         ON CONFLICT DO NOTHING",
        &[&keys, &key_ids],
    )
    .await?;
    tx.query(
        "SELECT name, id FROM surnames WHERE name = ANY($1)",
        &[&forms],
    )
    .await?
    .iter()
    .map(|r| Ok((r.try_get(0)?, r.try_get(1)?)))
    .collect()
}

pub(super) async fn load_child(c: &impl GenericClient, id: &str) -> StoreResult<Option<Child>> {
    let child = c.prepare_cached(
        "SELECT id, nhs_number, family_name, given_names, former_names, date_of_birth, gender,
                address, local_authority, shielded, version
         FROM children WHERE id = $1",
    );
    let carers = c.prepare_cached(
        "SELECT id, name, relationship, parental_responsibility, phone, email
         FROM carers WHERE child_id = $1 ORDER BY id",
    );
    let involvements_sql = format!(
        "{INVOLVEMENT_SELECT} WHERE i.child_id = $1
         ORDER BY i.end_date IS NOT NULL, i.start_date, i.id"
    );
    let involvements = c.prepare_cached(&involvements_sql);
    let (child, carers, involvements) = tokio::try_join!(child, carers, involvements)?;
    // The three reads share one round trip.
    let by_id: [&(dyn ToSql + Sync); 1] = [&id];
    let (row, carer_rows, involvement_rows) = tokio::try_join!(
        c.query_opt(&child, &by_id),
        c.query(&carers, &by_id),
        c.query(&involvements, &by_id),
    )?;
    let Some(r) = row else {
        return Ok(None);
    };
    let corrupt = |e: String| StoreError::Corrupt(e);
    let mut child = Child {
        id: r
            .try_get::<_, &str>(0)?
            .parse()
            .map_err(|e| corrupt(format!("{e}")))?,
        nhs_number: r
            .try_get::<_, Option<&str>>(1)?
            .map(|n| n.parse().map_err(|e| corrupt(format!("{e}"))))
            .transpose()?,
        family_name: r.try_get(2)?,
        given_names: r.try_get(3)?,
        former_names: from_json(r.try_get(4)?)?,
        date_of_birth: r.try_get(5)?,
        gender: parse_enum(r.try_get(6)?)?,
        address: from_json(r.try_get(7)?)?,
        local_authority: r.try_get(8)?,
        shielded: r.try_get(9)?,
        carers: Vec::new(),
        involvements: Vec::new(),
        version: r.try_get(10)?,
    };
    child.carers = carer_rows
        .iter()
        .map(|r| {
            Ok(Carer {
                id: r.try_get(0)?,
                name: r.try_get(1)?,
                relationship: parse_enum(r.try_get(2)?)?,
                parental_responsibility: r.try_get(3)?,
                phone: r.try_get(4)?,
                email: r.try_get(5)?,
            })
        })
        .collect::<StoreResult<_>>()?;
    child.involvements = involvement_rows
        .iter()
        .map(involvement_from_row)
        .collect::<StoreResult<_>>()?;
    Ok(Some(child))
}

type Param = Box<dyn ToSql + Sync + Send>;

/// Builds the candidate query: one indexed SELECT per condition, combined with UNION;
/// conditions on the name read the surname rows alone. The same conditions as
/// SQLite's, so both return the same set in the same order.
fn candidate_sql(q: &CandidateQuery) -> (String, Vec<Param>) {
    let mut parts = Vec::new();
    let mut args: Vec<Param> = Vec::new();
    let mut bind = |v: Param| {
        args.push(v);
        format!("${}", args.len())
    };
    let surname_ids = (!q.name_keys.is_empty()).then(|| {
        let keys = bind(Box::new(q.name_keys.clone()));
        format!("SELECT surname_id FROM surname_keys WHERE key = ANY({keys})")
    });
    if let (Some(ids), false) = (&surname_ids, q.name_dobs.is_empty()) {
        let dobs = bind(Box::new(q.name_dobs.clone()));
        parts.push(format!(
            "SELECT {SURNAME_ROW_COLUMNS} FROM child_surnames WHERE surname_id IN ({ids}) AND date_of_birth = ANY({dobs})"
        ));
    }
    if let (Some(ids), Some((from, to))) = (&surname_ids, q.name_dob_window) {
        let given = if q.name_given_keys.is_empty() {
            String::new()
        } else {
            let keys = bind(Box::new(q.name_given_keys.clone()));
            format!(" AND given_key = ANY({keys})")
        };
        let (a, b) = (bind(Box::new(from)), bind(Box::new(to)));
        parts.push(format!(
            "SELECT {SURNAME_ROW_COLUMNS} FROM child_surnames WHERE surname_id IN ({ids}){given} AND date_of_birth BETWEEN {a} AND {b}"
        ));
    }
    if let (Some(ids), Some(district)) = (&surname_ids, &q.name_district) {
        let p = bind(Box::new(district.clone()));
        parts.push(format!(
            "SELECT {SURNAME_ROW_COLUMNS} FROM child_surnames WHERE surname_id IN ({ids}) AND postcode_district = {p}"
        ));
    }
    if let Some(postcode) = &q.postcode {
        let p = bind(Box::new(postcode.clone()));
        parts.push(format!(
            "SELECT {CANDIDATE_COLUMNS} FROM children WHERE postcode = {p}"
        ));
    }
    if let Some(id) = &q.directory_id {
        let p = bind(Box::new(id.clone()));
        parts.push(format!(
            "SELECT {CANDIDATE_COLUMNS} FROM children WHERE id = {p}"
        ));
    }
    if let Some(nhs) = &q.nhs_number {
        let p = bind(Box::new(nhs.clone()));
        parts.push(format!(
            "SELECT {CANDIDATE_COLUMNS} FROM children WHERE nhs_number = {p}"
        ));
    }
    if parts.is_empty() {
        return (String::new(), args);
    }
    let limit = bind(Box::new(q.limit as i64));
    // UNION drops the repeats of a child found under several forms or conditions.
    let sql = format!(
        "SELECT * FROM ({}) c ORDER BY id LIMIT {limit}",
        parts.join(" UNION ")
    );
    (sql, args)
}

#[async_trait]
impl DirectoryStore for PostgresStore {
    async fn meta(&self, key: &str) -> StoreResult<Option<String>> {
        let c = self.client().await?;
        let row = c
            .query_opt("SELECT value FROM meta WHERE key = $1", &[&key])
            .await?;
        Ok(row.map(|r| r.try_get(0)).transpose()?)
    }

    async fn set_meta(&self, key: &str, value: &str) -> StoreResult<()> {
        let c = self.client().await?;
        c.execute(
            "INSERT INTO meta (key, value) VALUES ($1, $2)
             ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            &[&key, &value],
        )
        .await?;
        Ok(())
    }

    async fn count_children(&self) -> StoreResult<u64> {
        let c = self.client().await?;
        let n: i64 = c
            .query_one("SELECT count(*) FROM children", &[])
            .await?
            .try_get(0)?;
        Ok(n as u64)
    }

    async fn insert_organisations(&self, orgs: Vec<Organisation>) -> StoreResult<()> {
        let mut c = self.client().await?;
        let tx = c.transaction().await?;
        let insert = tx
            .prepare(&format!(
                "INSERT INTO organisations ({ORG_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7)"
            ))
            .await?;
        for o in &orgs {
            tx.execute(
                &insert,
                &[
                    &o.code,
                    &o.name,
                    &enum_str(&o.kind),
                    &o.phone,
                    &o.email,
                    &o.address,
                    &o.local_authority,
                ],
            )
            .await
            .map_err(|e| unique_as_exists(e, || format!("organisation {}", o.code)))?;
        }
        tx.commit().await?;
        Ok(())
    }

    async fn organisation(&self, code: &str) -> StoreResult<Option<Organisation>> {
        let c = self.client().await?;
        let stmt = c
            .prepare_cached(&format!(
                "SELECT {ORG_COLUMNS} FROM organisations WHERE code = $1"
            ))
            .await?;
        c.query_opt(&stmt, &[&code])
            .await?
            .map(|r| org_from_row(&r, 0))
            .transpose()
    }

    async fn organisations(&self) -> StoreResult<Vec<Organisation>> {
        let c = self.client().await?;
        let stmt = c
            .prepare_cached(&format!(
                "SELECT {ORG_COLUMNS} FROM organisations ORDER BY name COLLATE \"C\", code"
            ))
            .await?;
        c.query(&stmt, &[])
            .await?
            .iter()
            .map(|r| org_from_row(r, 0))
            .collect()
    }

    async fn directory_team(&self, local_authority: &str) -> StoreResult<Option<Organisation>> {
        let c = self.client().await?;
        let stmt = c
            .prepare_cached(&format!(
                "SELECT {ORG_COLUMNS} FROM organisations
                 WHERE kind = 'directory_team' AND local_authority = $1 ORDER BY code LIMIT 1"
            ))
            .await?;
        c.query_opt(&stmt, &[&local_authority])
            .await?
            .map(|r| org_from_row(&r, 0))
            .transpose()
    }

    async fn insert_children(&self, children: Vec<Child>) -> StoreResult<()> {
        let mut c = self.client().await?;
        let tx = c.transaction().await?;
        super::bulk::insert_children(&tx, &children).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn settle_after_load(&self) -> StoreResult<()> {
        self.client()
            .await?
            .batch_execute("CLUSTER child_surnames USING child_surnames_pkey; ANALYZE")
            .await?;
        Ok(())
    }

    async fn child(&self, id: &str) -> StoreResult<Option<Child>> {
        let c = self.client().await?;
        load_child(&c, id).await
    }

    async fn candidates(&self, query: CandidateQuery) -> StoreResult<Vec<Candidate>> {
        let (sql, args) = candidate_sql(&query);
        if sql.is_empty() {
            return Ok(Vec::new());
        }
        let c = self.client().await?;
        let stmt = c.prepare_cached(&sql).await?;
        let params: Vec<&(dyn ToSql + Sync)> = args
            .iter()
            .map(|a| a.as_ref() as &(dyn ToSql + Sync))
            .collect();
        c.query(&stmt, &params)
            .await?
            .iter()
            .map(candidate_from_row)
            .collect()
    }

    async fn glance(&self, ids: Vec<String>) -> StoreResult<HashMap<String, Glance>> {
        let mut out: HashMap<String, Glance> = HashMap::new();
        if ids.is_empty() {
            return Ok(out);
        }
        let c = self.client().await?;
        let stmt = c
            .prepare_cached(
                "SELECT i.child_id, o.kind, o.name FROM involvements i
                 JOIN organisations o ON o.code = i.organisation
                 WHERE i.child_id = ANY($1) AND i.end_date IS NULL AND o.kind IN ('school', 'gp_practice')
                 ORDER BY i.start_date, i.id",
            )
            .await?;
        for r in c.query(&stmt, &[&ids]).await? {
            let entry = out.entry(r.try_get(0)?).or_default();
            let name: String = r.try_get(2)?;
            match r.try_get::<_, &str>(1)? {
                "school" => entry.school = Some(name),
                _ => entry.gp_practice = Some(name),
            }
        }
        Ok(out)
    }

    async fn sample_children(&self, count: usize) -> StoreResult<Vec<Candidate>> {
        let c = self.client().await?;
        let total: i64 = c
            .query_one("SELECT count(*) FROM children", &[])
            .await?
            .try_get(0)?;
        let step = (total / count.max(1) as i64).max(1);
        c.query(
            &format!(
                "SELECT {CANDIDATE_COLUMNS} FROM children WHERE seq % $1 = 0 ORDER BY seq LIMIT $2"
            ),
            &[&step, &(count as i64)],
        )
        .await?
        .iter()
        .map(candidate_from_row)
        .collect()
    }
}
