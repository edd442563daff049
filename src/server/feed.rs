//! The local authority's feed: its current plans as CSV (with a header row) or
//! JSON lines, checked row by row, then written in one transaction.

use std::collections::{HashMap, HashSet};

use chrono::NaiveDate;

use crate::api::{FeedAck, FeedRowAck, RejectCode, RowStatus};
use crate::model::names::{normalise, sounds_alike};
use crate::model::{LegalStatus, NhsNumber, PlanType, ProtectionPlan};
use crate::store::{FeedProgress, PlanChange, Store, StoreError};

/// The columns of a feed, in the order the example files use.
pub const COLUMNS: [&str; 12] = [
    "nhs_number",
    "family_name",
    "given_names",
    "date_of_birth",
    "plan_type",
    "legal_status",
    "start_date",
    "end_date",
    "due_date",
    "local_authority",
    "office_hours_phone",
    "out_of_hours_phone",
];

const OPTIONAL: [&str; 3] = ["legal_status", "end_date", "due_date"];

#[derive(Debug, thiserror::Error)]
pub enum FeedError {
    /// Nothing was changed: the file as a whole cannot be read.
    #[error("the feed cannot be read, so nothing was changed: {0}")]
    Unparseable(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// A row's fields by column name; absent or empty means not given.
type Fields = HashMap<String, String>;

/// One data row: its line number and its fields, or why it is not a record.
type RawRow = (usize, Result<Fields, String>);

/// Splits the file into rows. JSON lines if the first record starts with `{`, else CSV.
pub fn parse(text: &str) -> Result<Vec<RawRow>, FeedError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut lines = text
        .lines()
        .enumerate()
        .map(|(i, l)| (i + 1, l.trim_end_matches('\r')))
        .filter(|(_, l)| !l.trim().is_empty());
    let Some((first_no, first)) = lines.next() else {
        return Err(FeedError::Unparseable("the file is empty".into()));
    };
    if first.trim_start().starts_with('{') {
        let rows: Vec<RawRow> = std::iter::once((first_no, first))
            .chain(lines)
            .map(|(no, line)| (no, json_row(line)))
            .collect();
        if rows.iter().all(|(_, r)| r.is_err()) {
            return Err(FeedError::Unparseable(
                "no line is a JSON object: use one object per line, or CSV with a header row"
                    .into(),
            ));
        }
        return Ok(rows);
    }
    let header: Vec<String> = split_csv(first)
        .map_err(|e| FeedError::Unparseable(format!("line {first_no}: {e}")))?
        .into_iter()
        .map(|h| h.trim().to_ascii_lowercase())
        .collect();
    let missing: Vec<&str> = COLUMNS
        .iter()
        .filter(|c| !OPTIONAL.contains(c) && !header.iter().any(|h| h == *c))
        .copied()
        .collect();
    if !missing.is_empty() {
        return Err(FeedError::Unparseable(format!(
            "the header row (line {first_no}) lacks {}; it must name the columns {}",
            missing.join(", "),
            COLUMNS.join(",")
        )));
    }
    Ok(lines
        .map(|(no, line)| {
            let row = split_csv(line).and_then(|values| {
                if values.len() != header.len() {
                    return Err(format!(
                        "has {} fields where the header has {}",
                        values.len(),
                        header.len()
                    ));
                }
                Ok(header.iter().cloned().zip(values).collect())
            });
            (no, row)
        })
        .collect())
}

fn json_row(line: &str) -> Result<Fields, String> {
    let value: serde_json::Value =
        serde_json::from_str(line).map_err(|e| format!("is not valid JSON: {e}"))?;
    let object = value.as_object().ok_or("is not a JSON object")?;
    object
        .iter()
        .filter(|(_, v)| !v.is_null())
        .map(|(k, v)| match v {
            serde_json::Value::String(s) => Ok((k.clone(), s.clone())),
            serde_json::Value::Number(n) => Ok((k.clone(), n.to_string())),
            _ => Err(format!("field {k} must be a string")),
        })
        .collect()
}

/// One CSV line (RFC 4180 quoting, no line breaks inside fields).
fn split_csv(line: &str) -> Result<Vec<String>, String> {
    let mut fields = vec![];
    let mut field = String::new();
    let mut chars = line.chars().peekable();
    let mut quoted = false;
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
                field.push('"');
            }
            (true, '"') => quoted = false,
            (true, c) => field.push(c),
            (false, '"') if field.trim().is_empty() => {
                field.clear();
                quoted = true;
            }
            (false, ',') => fields.push(std::mem::take(&mut field)),
            (false, c) => field.push(c),
        }
    }
    if quoted {
        return Err("has an unclosed quote".into());
    }
    fields.push(field);
    Ok(fields)
}

struct Rejection(RejectCode, String);

fn reject(code: RejectCode, reason: impl Into<String>) -> Rejection {
    Rejection(code, reason.into())
}

fn field<'a>(f: &'a Fields, name: &str) -> Option<&'a str> {
    f.get(name).map(|v| v.trim()).filter(|v| !v.is_empty())
}

fn required<'a>(f: &'a Fields, name: &str) -> Result<&'a str, Rejection> {
    field(f, name).ok_or_else(|| reject(RejectCode::MissingField, format!("{name} is missing")))
}

fn date_field(f: &Fields, name: &str) -> Result<Option<NaiveDate>, Rejection> {
    field(f, name)
        .map(|v| {
            v.parse::<NaiveDate>().map_err(|_| {
                reject(
                    RejectCode::BadDate,
                    format!("{name} '{v}' is not a date (use YYYY-MM-DD)"),
                )
            })
        })
        .transpose()
}

/// Checks a row on its own: fields, codes, dates and the authority.
fn plan_from(f: &Fields, authority: &str) -> Result<ProtectionPlan, Rejection> {
    let nhs_text = required(f, "nhs_number")?;
    let nhs_number: NhsNumber = nhs_text.parse().map_err(|e| {
        reject(
            RejectCode::BadNhsNumber,
            format!("NHS number '{nhs_text}': {e}"),
        )
    })?;
    let plan_type_text = required(f, "plan_type")?;
    let plan_type = PlanType::from_code(plan_type_text).ok_or_else(|| {
        reject(
            RejectCode::UnknownPlanType,
            format!("plan type '{plan_type_text}' is not one of cpp, lac, unborn"),
        )
    })?;
    let legal_status = match (plan_type, field(f, "legal_status")) {
        (PlanType::Lac, None) => {
            return Err(reject(
                RejectCode::BadLegalStatus,
                "a looked-after child needs a legal status (s31, s38 or s20)",
            ))
        }
        (PlanType::Lac, Some(v)) => Some(LegalStatus::from_code(v).ok_or_else(|| {
            reject(
                RejectCode::BadLegalStatus,
                format!("legal status '{v}' is not one of s31, s38, s20"),
            )
        })?),
        (_, Some(_)) => {
            return Err(reject(
                RejectCode::BadLegalStatus,
                "only a looked-after child has a legal status",
            ))
        }
        (_, None) => None,
    };
    let local_authority = required(f, "local_authority")?;
    if local_authority != authority {
        return Err(reject(
            RejectCode::OtherAuthority,
            format!("the plan belongs to authority {local_authority}, not {authority}"),
        ));
    }
    let family_name = required(f, "family_name")?;
    let given_names = required(f, "given_names")?;
    let date_of_birth = date_field(f, "date_of_birth")?
        .ok_or_else(|| reject(RejectCode::MissingField, "date_of_birth is missing"))?;
    let start_date = date_field(f, "start_date")?
        .ok_or_else(|| reject(RejectCode::MissingField, "start_date is missing"))?;
    let end_date = date_field(f, "end_date")?;
    if end_date.is_some_and(|end| end < start_date) {
        return Err(reject(
            RejectCode::EndBeforeStart,
            "the end date is before the start date",
        ));
    }
    let due_date = date_field(f, "due_date")?;
    if plan_type == PlanType::Unborn && due_date.is_none() {
        return Err(reject(
            RejectCode::MissingDueDate,
            "an unborn child plan needs the expected due date",
        ));
    }
    Ok(ProtectionPlan {
        nhs_number,
        family_name: family_name.to_string(),
        given_names: given_names.to_string(),
        date_of_birth,
        plan_type,
        legal_status,
        start_date,
        end_date,
        due_date,
        local_authority: local_authority.to_string(),
        office_hours_phone: required(f, "office_hours_phone")?.to_string(),
        out_of_hours_phone: required(f, "out_of_hours_phone")?.to_string(),
    })
}

/// The authority a file is for when the uploader does not say: its first row's.
pub fn authority_of(rows: &[RawRow]) -> Option<String> {
    rows.iter()
        .find_map(|(_, r)| r.as_ref().ok().and_then(|f| field(f, "local_authority")))
        .map(String::from)
}

/// Checks every row, writes the good ones in one transaction, and acknowledges each.
pub async fn import(
    store: &dyn Store,
    authority: &str,
    rows: Vec<RawRow>,
    today: NaiveDate,
    progress: FeedProgress,
) -> Result<FeedAck, FeedError> {
    let mut checked: Vec<(usize, Result<ProtectionPlan, Rejection>)> = Vec::new();
    let mut keep = HashSet::new();
    for (line, row) in rows {
        let result = row
            .map_err(|e| reject(RejectCode::NotARecord, format!("the line {e}")))
            .and_then(|f| {
                if let Some(nhs) = field(&f, "nhs_number") {
                    keep.insert(nhs.chars().filter(char::is_ascii_digit).collect::<String>());
                }
                plan_from(&f, authority)
            });
        checked.push((line, result));
    }
    let nhs_numbers: Vec<String> = checked
        .iter()
        .filter_map(|(_, r)| r.as_ref().ok())
        .map(|p| p.nhs_number.as_str().to_string())
        .collect::<HashSet<_>>()
        .into_iter()
        .collect();
    let children = store.children_by_nhs(nhs_numbers).await?;
    let mut seen = HashSet::new();
    let mut matched = 0;
    for (_, result) in checked.iter_mut() {
        let Ok(plan) = result else { continue };
        if !seen.insert((plan.nhs_number.clone(), plan.plan_type, plan.start_date)) {
            *result = Err(reject(
                RejectCode::Duplicate,
                "the same plan (NHS number, type and start date) appears earlier in the file",
            ));
            continue;
        }
        if let Some(child) = children.get(plan.nhs_number.as_str()) {
            let same_name = normalise(&child.family_name) == normalise(&plan.family_name)
                || sounds_alike(&child.family_name, &plan.family_name);
            if child.date_of_birth != plan.date_of_birth || !same_name {
                *result = Err(reject(
                    RejectCode::IdentityMismatch,
                    "the name or date of birth does not match the directory's record for this NHS number",
                ));
                continue;
            }
            matched += 1;
        }
    }
    let plans: Vec<ProtectionPlan> = checked
        .iter()
        .filter_map(|(_, r)| r.as_ref().ok().cloned())
        .collect();
    // Rejected rows keep their subject's existing plans open: a typo must not end a plan.
    for (_, result) in &checked {
        if let Ok(plan) = result {
            keep.remove(plan.nhs_number.as_str());
        }
    }
    let applied = store
        .apply_feed(authority, plans, keep, today, progress)
        .await?;
    let mut changes = applied.changes.into_iter();
    let mut ack = FeedAck {
        authority: authority.to_string(),
        rows: Vec::with_capacity(checked.len()),
        accepted: 0,
        updated: 0,
        unchanged: 0,
        rejected: 0,
        ended: applied.ended,
        matched,
    };
    for (line, result) in checked {
        let (status, code, reason) = match result {
            Ok(_) => match changes.next() {
                Some(PlanChange::Accepted) => (RowStatus::Accepted, None, None),
                Some(PlanChange::Updated) => (RowStatus::Updated, None, None),
                _ => (RowStatus::Unchanged, None, None),
            },
            Err(Rejection(code, reason)) => (RowStatus::Rejected, Some(code), Some(reason)),
        };
        match status {
            RowStatus::Accepted => ack.accepted += 1,
            RowStatus::Updated => ack.updated += 1,
            RowStatus::Unchanged => ack.unchanged += 1,
            RowStatus::Rejected => ack.rejected += 1,
        }
        ack.rows.push(FeedRowAck {
            line,
            status,
            code,
            reason,
        });
    }
    Ok(ack)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_quoting_and_json_lines_both_parse() {
        assert_eq!(
            split_csv(r#"a,"b, c","d ""e""""#).unwrap(),
            ["a", "b, c", r#"d "e""#]
        );
        assert!(split_csv(r#"a,"b"#).is_err());
        let rows = parse("{\"nhs_number\":\"9434765919\"}\nnot json\n").unwrap();
        assert_eq!(rows[0].0, 1);
        assert!(rows[0].1.is_ok() && rows[1].1.is_err());
    }

    #[test]
    fn a_file_without_the_header_or_any_record_is_refused_whole() {
        for bad in ["", "\n\n", "name,dob\nx,y\n", "{broken\n{also broken\n"] {
            assert!(
                matches!(parse(bad), Err(FeedError::Unparseable(_))),
                "{bad:?}"
            );
        }
    }
}
