//! Finding a child: the required combinations of fields, candidate retrieval from
//! indexed keys, and ranking in Rust over the (small) candidate set.

mod query;
pub(crate) mod rank;

pub use query::SearchRequest;

use chrono::NaiveDate;

use crate::api::{ErrorCode, SearchHit, SearchParams};
use crate::server::error::ApiError;
use crate::server::policy::{self, Viewer};
use crate::store::{Candidate, CandidateQuery, Store};

/// More candidates than this means the search is far too broad to rank.
const CANDIDATE_LIMIT: usize = 20_000;

/// When more than the cap match, those scoring this far below the best are dropped
/// before giving up: beside an exact match, namesakes one digit of the date of birth
/// away are noise, and counting them refused as "too many" half the surname + DOB
/// searches of a million children.
const BAND: f64 = 0.05;

/// Runs a search; `too_many_matches` rather than a silently cut list.
pub async fn search(
    store: &dyn Store,
    viewer: &Viewer,
    params: &SearchParams,
    today: NaiveDate,
) -> Result<Vec<SearchHit>, ApiError> {
    policy::may_search(viewer)?;
    let mut request = SearchRequest::parse(params, today)?;
    // A merged-away ID finds the record that survived it, and says so.
    let mut redirected_from = None;
    if let Some(old) = request.directory_id.clone() {
        if let Some(survivor) = store.redirect(old.as_str()).await? {
            request.directory_id = survivor.parse().ok();
            redirected_from = Some(old.to_string());
        }
    }
    // The narrow pass is enough when it found a match that nothing only the wide
    // pass would fetch could outrank.
    let narrow = match request.narrow_query(CANDIDATE_LIMIT) {
        Some((query, ceiling)) => {
            let found = matches(store, viewer, &request, query).await?;
            found
                .iter()
                .any(|(_, m)| m.score >= ceiling)
                .then_some(found)
        }
        None => None,
    };
    let mut ranked = match narrow {
        Some(found) => found,
        None => {
            let wide = request.candidate_query(CANDIDATE_LIMIT);
            matches(store, viewer, &request, wide).await?
        }
    };
    if ranked.len() > request.limit {
        let best = ranked.iter().map(|(_, m)| m.score).fold(0.0, f64::max);
        ranked.retain(|(_, m)| m.score >= best - BAND);
    }
    if ranked.len() > request.limit {
        return Err(too_many());
    }
    ranked.sort_by(|(a, ma), (b, mb)| {
        mb.score
            .total_cmp(&ma.score)
            .then_with(|| a.family_name.cmp(&b.family_name))
            .then_with(|| a.given_names.cmp(&b.given_names))
            .then_with(|| a.id.cmp(&b.id))
    });
    let mut glances = store
        .glance(ranked.iter().map(|(c, _)| c.id.clone()).collect())
        .await?;
    Ok(ranked
        .into_iter()
        .map(|(c, m)| {
            let glance = glances.remove(&c.id);
            let mut hit = policy::search_hit(viewer, c, glance, m.score, m.former_name);
            hit.redirected_from = redirected_from.clone();
            hit
        })
        .collect())
}

/// The candidates `query` fetches that this viewer may see and that match, unsorted.
async fn matches(
    store: &dyn Store,
    viewer: &Viewer,
    request: &SearchRequest,
    query: CandidateQuery,
) -> Result<Vec<(Candidate, rank::Match)>, ApiError> {
    let candidates = store.candidates(query).await?;
    if candidates.len() >= CANDIDATE_LIMIT {
        return Err(too_many());
    }
    Ok(candidates
        .into_iter()
        .filter(|c| policy::visible_in_search(viewer, c, request.uses_hidden_field()))
        .filter_map(|c| rank::score(request, &c).map(|m| (c, m)))
        .collect())
}

fn too_many() -> ApiError {
    ApiError::new(
        ErrorCode::TooManyMatches,
        "Too many matches: refine with a forename, the full date of birth or a postcode.",
    )
}
