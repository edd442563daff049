//! The baseline a team would otherwise pick: PostgreSQL's `pg_trgm` similarity on
//! the surname (GIN index, `%` operator), filtered by whatever else the query gives.

use std::collections::HashMap;

use chrono::NaiveDate;
use contactpoint::api::SearchParams;
use tokio_postgres::types::ToSql;
use tokio_postgres::{Client, NoTls, Statement};

use crate::tally::Outcome;

pub struct Baseline {
    client: Client,
    /// One prepared statement per filter, as a real service would keep them.
    statements: HashMap<&'static str, Statement>,
}

/// Connects and adds the extension and the trigram index (idempotent; the index
/// takes minutes on a large directory).
pub async fn prepare(url: &str) -> Baseline {
    let (client, connection) = tokio_postgres::connect(url, NoTls)
        .await
        .expect("connect to PostgreSQL for the baseline");
    tokio::spawn(connection);
    client
        .batch_execute(
            "CREATE EXTENSION IF NOT EXISTS pg_trgm;
             CREATE INDEX IF NOT EXISTS bench_children_family_name_trgm
                 ON children USING gin (family_name gin_trgm_ops);
             ANALYZE children;",
        )
        .await
        .expect("pg_trgm baseline set-up");
    Baseline {
        client,
        statements: HashMap::new(),
    }
}

fn date(s: &Option<String>) -> Option<NaiveDate> {
    s.as_deref().and_then(|s| s.parse().ok())
}

/// The ten most similar children passing the query's filters.
pub async fn search(baseline: &mut Baseline, p: &SearchParams) -> Outcome {
    let surname = p.surname.clone().unwrap_or_default();
    let forename = p.forename.clone().unwrap_or_default();
    let (filter, extra): (&str, Vec<Box<dyn ToSql + Sync + Send>>) = match (
        date(&p.dob),
        &p.postcode,
        date(&p.dob_from),
        date(&p.dob_to),
    ) {
        (Some(dob), ..) => ("date_of_birth = $3", vec![Box::new(dob)]),
        (None, Some(district), ..) => ("postcode_district = $3", vec![Box::new(district.clone())]),
        (None, None, Some(from), Some(to)) => (
            "date_of_birth BETWEEN $3 AND $4",
            vec![Box::new(from), Box::new(to)],
        ),
        _ => ("TRUE", Vec::new()),
    };
    let mut params: Vec<&(dyn ToSql + Sync)> = vec![&surname, &forename];
    params.extend(extra.iter().map(|b| b.as_ref() as &(dyn ToSql + Sync)));
    if !baseline.statements.contains_key(filter) {
        let sql = format!(
            "SELECT id FROM children WHERE family_name % $1 AND {filter}
             ORDER BY similarity(family_name, $1) + similarity(given_names, $2) DESC, id LIMIT 10"
        );
        let statement = baseline
            .client
            .prepare(&sql)
            .await
            .map_err(|e| e.to_string())?;
        baseline.statements.insert(filter, statement);
    }
    baseline
        .client
        .query(&baseline.statements[filter], &params)
        .await
        .map(|rows| rows.iter().map(|r| r.get(0)).collect())
        .map_err(|e| e.to_string())
}
