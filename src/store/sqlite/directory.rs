//! Organisations, children and search candidates.

use std::collections::HashMap;
use std::rc::Rc;

use async_trait::async_trait;
use rusqlite::types::{ToSql, Value};
use rusqlite::{params, params_from_iter, Connection, OptionalExtension, Row, TransactionBehavior};

use super::bulk::BulkLoader;
use super::{
    date, decode_err, enum_str, from_json, parse_date, parse_enum, to_json, unique, SqliteStore,
};
use crate::model::names;
use crate::model::{
    Carer, Child, IndicatorMarks, Indicators, Involvement, Organisation, Practitioner,
};
use crate::store::{Candidate, CandidateQuery, DirectoryStore, Glance, StoreError, StoreResult};

pub(super) const ORG_COLUMNS: &str = "code, name, kind, phone, email, address, local_authority";

pub(super) fn org_from_row(r: &Row<'_>, at: usize) -> rusqlite::Result<Organisation> {
    Ok(Organisation {
        code: r.get(at)?,
        name: r.get(at + 1)?,
        kind: parse_enum(&r.get::<_, String>(at + 2)?)?,
        phone: r.get(at + 3)?,
        email: r.get(at + 4)?,
        address: r.get(at + 5)?,
        local_authority: r.get(at + 6)?,
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

pub(super) fn candidate_from_row(r: &Row<'_>) -> rusqlite::Result<Candidate> {
    Ok(Candidate {
        id: r.get(0)?,
        family_name: r.get(1)?,
        given_names: r.get(2)?,
        former_names: from_json(&r.get::<_, String>(3)?)?,
        date_of_birth: parse_date(&r.get::<_, String>(4)?)?,
        gender: parse_enum(&r.get::<_, String>(5)?)?,
        postcode: r.get(6)?,
        shielded: r.get(7)?,
        local_authority: r.get(8)?,
    })
}

/// Finds or creates the id of a normalised surname form, indexing its keys when new.
fn surname_id(tx: &Connection, cache: &mut HashMap<String, i64>, form: &str) -> StoreResult<i64> {
    if let Some(id) = cache.get(form) {
        return Ok(*id);
    }
    let existing: Option<i64> = tx
        .prepare_cached("SELECT id FROM surnames WHERE name = ?1")?
        .query_row([form], |r| r.get(0))
        .optional()?;
    let id = match existing {
        Some(id) => id,
        None => {
            tx.prepare_cached("INSERT INTO surnames (name) VALUES (?1)")?
                .execute([form])?;
            let id = tx.last_insert_rowid();
            let mut insert = tx.prepare_cached(
                "INSERT OR IGNORE INTO surname_keys (key, surname_id) VALUES (?1, ?2)",
            )?;
            for key in names::keys(form) {
                insert.execute(params![key, id])?;
            }
            id
        }
    };
    cache.insert(form.to_string(), id);
    Ok(id)
}

pub(super) fn insert_child(
    tx: &Connection,
    cache: &mut HashMap<String, i64>,
    child: &Child,
) -> StoreResult<()> {
    let postcode = child.address.postcode();
    let district = postcode.map(|p| p.district().to_string());
    tx.prepare_cached(
        "INSERT INTO children (id, nhs_number, family_name, given_names, former_names, date_of_birth,
             gender, address, postcode, postcode_district, local_authority, shielded, version)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
    )?
    .execute(params![
        child.id.as_str(),
        child.nhs_number.as_ref().map(|n| n.as_str()),
        child.family_name,
        child.given_names,
        to_json(&child.former_names),
        date(child.date_of_birth),
        enum_str(&child.gender),
        to_json(&child.address),
        postcode.map(|p| p.as_str()),
        district,
        child.local_authority,
        child.shielded,
        child.version,
    ])
    .map_err(unique("a record with that NHS number"))?;

    index_surnames(tx, cache, child)?;

    let mut carer = tx.prepare_cached(
        "INSERT INTO carers (child_id, name, relationship, parental_responsibility, phone, email)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?;
    for c in &child.carers {
        carer.execute(params![
            child.id.as_str(),
            c.name,
            enum_str(&c.relationship),
            c.parental_responsibility,
            c.phone,
            c.email
        ])?;
    }
    for i in &child.involvements {
        insert_involvement(tx, child.id.as_str(), i)?;
    }
    Ok(())
}

pub(super) fn insert_involvement(
    tx: &Connection,
    child_id: &str,
    i: &Involvement,
) -> StoreResult<i64> {
    let p = i.practitioner.as_ref();
    tx.prepare_cached(
        "INSERT INTO involvements (child_id, organisation, practitioner_name, practitioner_phone,
             practitioner_email, start_date, end_date, consent, has_information, taking_action,
             caf_completed, lead_professional, marks, version)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)",
    )?
    .execute(params![
        child_id,
        i.organisation.code,
        p.map(|p| &p.name),
        p.and_then(|p| p.phone.as_ref()),
        p.and_then(|p| p.email.as_ref()),
        date(i.start_date),
        i.end_date.map(date),
        i.consent.as_ref().map(to_json),
        i.indicators.has_information,
        i.indicators.taking_action,
        i.indicators.caf_completed,
        i.indicators.lead_professional,
        to_json(&i.marks),
        i.version,
    ])?;
    Ok(tx.last_insert_rowid())
}

/// Indexes the child under every surname form it is known by (whole, parts, former),
/// each row with what a search ranks on, copied from the child's row just written.
pub(super) fn index_surnames(
    tx: &Connection,
    cache: &mut HashMap<String, i64>,
    child: &Child,
) -> StoreResult<()> {
    let mut forms = names::surname_forms(&child.family_name);
    for former in &child.former_names {
        forms.extend(names::surname_forms(&former.family_name));
    }
    forms.sort();
    forms.dedup();
    let given = names::given_key(&child.given_names);
    for form in forms {
        let sid = surname_id(tx, cache, &form)?;
        tx.prepare_cached(&format!(
            "INSERT OR IGNORE INTO child_surnames (surname_id, given_key, child_id, {COPIED_COLUMNS})
             SELECT ?1, ?2, id, {COPIED_COLUMNS} FROM children WHERE id = ?3"
        ))?
        .execute(params![sid, given, child.id.as_str()])?;
    }
    Ok(())
}

/// Gives every surname its phonetic keys (after migration 9 removed the old ones).
pub(super) fn fill_phonetic_keys(tx: &Connection) -> StoreResult<()> {
    let mut surnames = tx.prepare("SELECT id, name FROM surnames")?;
    let mut insert =
        tx.prepare("INSERT OR IGNORE INTO surname_keys (key, surname_id) VALUES (?1, ?2)")?;
    let mut rows = surnames.query([])?;
    while let Some(row) = rows.next()? {
        let (id, name): (i64, String) = (row.get(0)?, row.get(1)?);
        for key in names::phonetic_keys(&name) {
            insert.execute(params![key, id])?;
        }
    }
    Ok(())
}

/// Computes `child_surnames.given_key` afresh for every row (indexed before it
/// existed, or with shorter codes): keys are
/// computed here, staged in a temporary table and joined in with one UPDATE.
pub(super) fn fill_given_keys(tx: &Connection) -> StoreResult<()> {
    tx.execute_batch(
        "CREATE TEMP TABLE given_keys (child_id TEXT PRIMARY KEY, key TEXT NOT NULL) WITHOUT ROWID",
    )?;
    {
        let mut children = tx.prepare("SELECT id, given_names FROM children")?;
        let mut stage = tx.prepare("INSERT INTO given_keys (child_id, key) VALUES (?1, ?2)")?;
        let mut rows = children.query([])?;
        while let Some(row) = rows.next()? {
            let (id, given): (String, String) = (row.get(0)?, row.get(1)?);
            stage.execute(params![id, names::given_key(&given)])?;
        }
    }
    tx.execute_batch(
        "UPDATE child_surnames SET given_key = g.key FROM given_keys g
             WHERE g.child_id = child_surnames.child_id;
         DROP TABLE given_keys;",
    )?;
    Ok(())
}

/// Selects what `involvement_from_row` reads; the caller adds WHERE and ORDER BY.
pub(super) const INVOLVEMENT_SELECT: &str =
    "SELECT i.id, i.practitioner_name, i.practitioner_phone, i.practitioner_email, i.start_date,
            i.end_date, i.consent, i.has_information, i.taking_action, i.caf_completed,
            i.lead_professional, i.marks, i.version,
            o.code, o.name, o.kind, o.phone, o.email, o.address, o.local_authority
     FROM involvements i JOIN organisations o ON o.code = i.organisation";

pub(super) fn involvement_from_row(r: &Row<'_>) -> rusqlite::Result<Involvement> {
    let practitioner = r.get::<_, Option<String>>(1)?.map(|name| Practitioner {
        name,
        phone: r.get(2).ok().flatten(),
        email: r.get(3).ok().flatten(),
    });
    Ok(Involvement {
        id: r.get(0)?,
        practitioner,
        start_date: parse_date(&r.get::<_, String>(4)?)?,
        end_date: r
            .get::<_, Option<String>>(5)?
            .map(|d| parse_date(&d))
            .transpose()?,
        consent: r
            .get::<_, Option<String>>(6)?
            .map(|c| from_json(&c))
            .transpose()?,
        indicators: Indicators {
            has_information: r.get(7)?,
            taking_action: r.get(8)?,
            caf_completed: r.get(9)?,
            lead_professional: r.get(10)?,
        },
        marks: from_json::<IndicatorMarks>(&r.get::<_, String>(11)?)?,
        version: r.get(12)?,
        organisation: org_from_row(r, 13)?,
    })
}

pub(super) fn load_child(conn: &Connection, id: &str) -> StoreResult<Option<Child>> {
    let row = conn
        .prepare_cached(
            "SELECT id, nhs_number, family_name, given_names, former_names, date_of_birth, gender,
                    address, local_authority, shielded, version
             FROM children WHERE id = ?1",
        )?
        .query_row([id], |r| {
            Ok(Child {
                id: r.get::<_, String>(0)?.parse().map_err(decode_err)?,
                nhs_number: r
                    .get::<_, Option<String>>(1)?
                    .map(|n| n.parse().map_err(decode_err))
                    .transpose()?,
                family_name: r.get(2)?,
                given_names: r.get(3)?,
                former_names: from_json(&r.get::<_, String>(4)?)?,
                date_of_birth: parse_date(&r.get::<_, String>(5)?)?,
                gender: parse_enum(&r.get::<_, String>(6)?)?,
                address: from_json(&r.get::<_, String>(7)?)?,
                local_authority: r.get(8)?,
                shielded: r.get(9)?,
                carers: Vec::new(),
                involvements: Vec::new(),
                version: r.get(10)?,
            })
        })
        .optional()?;
    let Some(mut child) = row else {
        return Ok(None);
    };

    child.carers = conn
        .prepare_cached(
            "SELECT id, name, relationship, parental_responsibility, phone, email
             FROM carers WHERE child_id = ?1 ORDER BY id",
        )?
        .query_map([id], |r| {
            Ok(Carer {
                id: r.get(0)?,
                name: r.get(1)?,
                relationship: parse_enum(&r.get::<_, String>(2)?)?,
                parental_responsibility: r.get(3)?,
                phone: r.get(4)?,
                email: r.get(5)?,
            })
        })?
        .collect::<rusqlite::Result<_>>()?;

    child.involvements = conn
        .prepare_cached(&format!(
            "{INVOLVEMENT_SELECT} WHERE i.child_id = ?1
             ORDER BY i.end_date IS NOT NULL, i.start_date, i.id"
        ))?
        .query_map([id], involvement_from_row)?
        .collect::<rusqlite::Result<_>>()?;
    Ok(Some(child))
}

/// A list bound as one parameter (`IN rarray(?n)`), so a statement's text does not
/// change with the number of values and stays in the prepared-statement cache.
fn array<T: ToString>(values: &[T]) -> Box<dyn ToSql> {
    Box::new(Rc::new(
        values
            .iter()
            .map(|v| Value::Text(v.to_string()))
            .collect::<Vec<_>>(),
    ))
}

/// Builds the candidate query: one indexed SELECT per condition, combined with UNION;
/// conditions on the name read the surname rows alone. The same conditions as
/// PostgreSQL's, so both return the same set in the same order.
fn candidate_sql(q: &CandidateQuery) -> (String, Vec<Box<dyn ToSql>>) {
    let mut parts = Vec::new();
    let mut args: Vec<Box<dyn ToSql>> = Vec::new();
    let mut bind = |v: Box<dyn ToSql>| {
        args.push(v);
        format!("?{}", args.len())
    };
    let surname_ids = (!q.name_keys.is_empty()).then(|| {
        let keys = bind(array(&q.name_keys));
        format!("SELECT surname_id FROM surname_keys WHERE key IN rarray({keys})")
    });
    if let (Some(ids), false) = (&surname_ids, q.name_dobs.is_empty()) {
        let dobs: Vec<String> = q.name_dobs.iter().map(|d| date(*d)).collect();
        let dobs = bind(array(&dobs));
        parts.push(format!(
            "SELECT {SURNAME_ROW_COLUMNS} FROM child_surnames WHERE surname_id IN ({ids}) AND date_of_birth IN rarray({dobs})"
        ));
    }
    if let (Some(ids), Some((from, to))) = (&surname_ids, q.name_dob_window) {
        let given = if q.name_given_keys.is_empty() {
            String::new()
        } else {
            let keys = bind(array(&q.name_given_keys));
            format!(" AND given_key IN rarray({keys})")
        };
        let (a, b) = (bind(Box::new(date(from))), bind(Box::new(date(to))));
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
        "SELECT * FROM ({}) ORDER BY id LIMIT {limit}",
        parts.join(" UNION ")
    );
    (sql, args)
}

#[async_trait]
impl DirectoryStore for SqliteStore {
    async fn meta(&self, key: &str) -> StoreResult<Option<String>> {
        let key = key.to_string();
        self.with_conn(move |c| {
            Ok(
                c.query_row("SELECT value FROM meta WHERE key = ?1", [key], |r| r.get(0))
                    .optional()?,
            )
        })
        .await
    }

    async fn set_meta(&self, key: &str, value: &str) -> StoreResult<()> {
        let (key, value) = (key.to_string(), value.to_string());
        self.with_conn(move |c| {
            c.execute(
                "INSERT INTO meta (key, value) VALUES (?1, ?2)
                 ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                params![key, value],
            )?;
            Ok(())
        })
        .await
    }

    async fn count_children(&self) -> StoreResult<u64> {
        self.with_conn(|c| Ok(c.query_row("SELECT count(*) FROM children", [], |r| r.get(0))?))
            .await
    }

    async fn insert_organisations(&self, orgs: Vec<Organisation>) -> StoreResult<()> {
        self.with_conn(move |c| {
            let tx = c.transaction_with_behavior(TransactionBehavior::Immediate)?;
            {
                let mut insert = tx.prepare(&format!(
                    "INSERT INTO organisations ({ORG_COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)"
                ))?;
                for o in &orgs {
                    insert
                        .execute(params![
                            o.code,
                            o.name,
                            enum_str(&o.kind),
                            o.phone,
                            o.email,
                            o.address,
                            o.local_authority
                        ])
                        .map_err(|e| match e {
                            rusqlite::Error::SqliteFailure(f, _)
                                if f.code == rusqlite::ErrorCode::ConstraintViolation =>
                            {
                                StoreError::AlreadyExists(format!("organisation {}", o.code))
                            }
                            e => e.into(),
                        })?;
                }
            }
            tx.commit()?;
            Ok(())
        })
        .await
    }

    async fn organisation(&self, code: &str) -> StoreResult<Option<Organisation>> {
        let code = code.to_string();
        self.with_conn(move |c| {
            Ok(c.prepare_cached(&format!(
                "SELECT {ORG_COLUMNS} FROM organisations WHERE code = ?1"
            ))?
            .query_row([code], |r| org_from_row(r, 0))
            .optional()?)
        })
        .await
    }

    async fn organisations(&self) -> StoreResult<Vec<Organisation>> {
        self.with_conn(|c| {
            let mut stmt = c.prepare_cached(&format!(
                "SELECT {ORG_COLUMNS} FROM organisations ORDER BY name, code"
            ))?;
            let rows = stmt.query_map([], |r| org_from_row(r, 0))?;
            Ok(rows.collect::<rusqlite::Result<_>>()?)
        })
        .await
    }

    async fn directory_team(&self, local_authority: &str) -> StoreResult<Option<Organisation>> {
        let la = local_authority.to_string();
        self.with_conn(move |c| {
            Ok(c.prepare_cached(&format!(
                "SELECT {ORG_COLUMNS} FROM organisations
                 WHERE kind = 'directory_team' AND local_authority = ?1 ORDER BY code LIMIT 1"
            ))?
            .query_row([la], |r| org_from_row(r, 0))
            .optional()?)
        })
        .await
    }

    async fn insert_children(&self, children: Vec<Child>) -> StoreResult<()> {
        self.with_conn(move |c| {
            let tx = c.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let mut cache = HashMap::new();
            for child in &children {
                insert_child(&tx, &mut cache, child)?;
            }
            tx.commit()?;
            Ok(())
        })
        .await
    }

    async fn settle_after_load(&self) -> StoreResult<()> {
        // WITHOUT ROWID tables are kept in key order already.
        self.with_conn(|c| Ok(c.execute_batch("PRAGMA analysis_limit = 1000; ANALYZE;")?))
            .await
    }

    async fn load_children(
        &self,
        mut batches: tokio::sync::mpsc::Receiver<Vec<Child>>,
        loaded: &mut (dyn FnMut(usize) + Send),
    ) -> StoreResult<()> {
        let pool = self.pool.clone();
        let mut loader = blocking(move || BulkLoader::start(pool.get()?)).await?;
        let mut done = 0;
        while let Some(batch) = batches.recv().await {
            done += batch.len();
            loader = blocking(move || {
                loader.insert(&batch)?;
                Ok(loader)
            })
            .await?;
            loaded(done);
        }
        blocking(move || loader.finish()).await
    }

    async fn child(&self, id: &str) -> StoreResult<Option<Child>> {
        let id = id.to_string();
        self.with_conn(move |c| load_child(c, &id)).await
    }

    async fn candidates(&self, query: CandidateQuery) -> StoreResult<Vec<Candidate>> {
        self.with_conn(move |c| {
            let (sql, args) = candidate_sql(&query);
            if sql.is_empty() {
                return Ok(Vec::new());
            }
            let mut stmt = c.prepare_cached(&sql)?;
            let rows = stmt.query_map(params_from_iter(&args), candidate_from_row)?;
            Ok(rows.collect::<rusqlite::Result<_>>()?)
        })
        .await
    }

    async fn glance(&self, ids: Vec<String>) -> StoreResult<HashMap<String, Glance>> {
        self.with_conn(move |c| {
            let mut out: HashMap<String, Glance> = HashMap::new();
            if ids.is_empty() {
                return Ok(out);
            }
            let mut stmt = c.prepare_cached(
                "SELECT i.child_id, o.kind, o.name FROM involvements i
                 JOIN organisations o ON o.code = i.organisation
                 WHERE i.child_id IN rarray(?1) AND i.end_date IS NULL AND o.kind IN ('school', 'gp_practice')
                 ORDER BY i.start_date, i.id",
            )?;
            let mut rows = stmt.query([array(&ids)])?;
            while let Some(r) = rows.next()? {
                let entry = out.entry(r.get(0)?).or_default();
                let name: String = r.get(2)?;
                match r.get::<_, String>(1)?.as_str() {
                    "school" => entry.school = Some(name),
                    _ => entry.gp_practice = Some(name),
                }
            }
            Ok(out)
        })
        .await
    }

    async fn sample_children(&self, count: usize) -> StoreResult<Vec<Candidate>> {
        self.with_conn(move |c| {
            let total: i64 = c.query_row("SELECT count(*) FROM children", [], |r| r.get(0))?;
            let step = (total / count.max(1) as i64).max(1);
            let mut stmt = c.prepare(&format!(
                "SELECT {CANDIDATE_COLUMNS} FROM children WHERE rowid % ?1 = 0 ORDER BY rowid LIMIT ?2"
            ))?;
            let rows = stmt.query_map(params![step, count as i64], candidate_from_row)?;
            Ok(rows.collect::<rusqlite::Result<_>>()?)
        })
        .await
    }
}

/// Runs `f` on a blocking thread.
async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> StoreResult<T> + Send + 'static,
) -> StoreResult<T> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| StoreError::Database(e.to_string()))?
}
