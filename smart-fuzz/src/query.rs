//! Filter and paging query parameters: a raw query string decoded as the HTTP adapter
//! decodes it, then read by every collection call ([`StatementQuery::from_call`]) and by
//! the record search ([`RecordSearch::from_params`]).

use smart_core::catalog::{self, CallCardinality, FilterKind};
use smart_store::ErrorKind;
use smart_store::clinical::{MAX_LIMIT, RecordSearch, StatementQuery};

/// The record-search parameters.
const SEARCH_PARAMS: &[&str] = &[
    "family_name",
    "given_name",
    "gender",
    "date_of_birth",
    "zipcode",
    "medical_record_number",
    "limit",
    "offset",
];

/// One raw query string (the bytes after `?`). Invariants: decoding and reading never
/// panic; every collection call either reads the parameters, with `limit` at most
/// [`MAX_LIMIT`], `limit`/`offset` equal to the values sent and one filter per filter
/// parameter, or refuses them with an invalid-input error whose message starts with the
/// name of a parameter the call reads; the record search likewise.
pub fn check_query_string(data: &[u8]) {
    let raw = String::from_utf8_lossy(data);
    let Ok(params) = serde_urlencoded::from_str::<Vec<(String, String)>>(&raw) else {
        // The adapter answers 400 "the query string is malformed".
        return;
    };
    check_params(&params);
}

/// The decoded parameters against every collection call and the record search.
pub fn check_params(params: &[(String, String)]) {
    for call in catalog::CALLS
        .iter()
        .filter(|c| c.cardinality == CallCardinality::Multiple)
    {
        let reads = |name: &str| {
            call.filter(name).is_some()
                || (call.is_pageable() && matches!(name, "limit" | "offset"))
        };
        match StatementQuery::from_call(call, params) {
            Ok(query) => {
                let sent = |name: &str| {
                    params
                        .iter()
                        .find(|(n, _)| n == name)
                        .map(|(_, v)| v.as_str())
                };
                if call.is_pageable() {
                    assert_eq!(
                        query.limit.map(|n| n.to_string()),
                        sent("limit").map(canonical_number),
                        "{}: limit",
                        call.name
                    );
                    assert_eq!(
                        query.offset.to_string(),
                        sent("offset").map_or_else(|| "0".to_owned(), canonical_number),
                        "{}: offset",
                        call.name
                    );
                } else {
                    assert_eq!((query.limit, query.offset), (None, 0), "{}", call.name);
                }
                assert!(query.limit.is_none_or(|n| n <= MAX_LIMIT));
                let count = |date: bool| {
                    params
                        .iter()
                        .filter(|(n, _)| {
                            call.filter(n)
                                .is_some_and(|f| matches!(f.kind, FilterKind::Date { .. }) == date)
                        })
                        .count()
                };
                assert_eq!(
                    query.dates.len(),
                    count(true),
                    "{}: date filters",
                    call.name
                );
                assert_eq!(
                    query.codes.len(),
                    count(false),
                    "{}: code filters",
                    call.name
                );
                assert!(query.dates.iter().all(|d| !d.values.is_empty()));
            }
            Err(e) => {
                assert_eq!(e.kind(), ErrorKind::Invalid, "{}: {e}", call.name);
                let message = e.message();
                let named = message
                    .split_once(':')
                    .map(|(name, _)| name)
                    .filter(|name| reads(name) && params.iter().any(|(n, _)| n == name));
                assert!(
                    named.is_some(),
                    "{}: the error {message:?} names no parameter the call reads",
                    call.name
                );
            }
        }
    }
    match RecordSearch::from_params(params) {
        Ok(search) => {
            assert!(search.limit.is_none_or(|n| n <= MAX_LIMIT));
            for (name, value) in search.exact_fields() {
                let sent = params.iter().find(|(n, _)| n == name).map(|(_, v)| v);
                assert_eq!(value, sent.map(String::as_str), "search {name}");
            }
        }
        Err(e) => {
            assert_eq!(e.kind(), ErrorKind::Invalid, "search: {e}");
            let name = e.message().split_once(':').map(|(n, _)| n);
            assert!(
                name.is_some_and(
                    |n| SEARCH_PARAMS.contains(&n) && params.iter().any(|(p, _)| p == n)
                ),
                "search: the error {:?} names no search parameter sent",
                e.message()
            );
        }
    }
}

/// The decimal digits without leading zeros (`007` is 7).
fn canonical_number(value: &str) -> String {
    let trimmed = value.trim_start_matches('0');
    if trimmed.is_empty() {
        "0".to_owned()
    } else {
        trimmed.to_owned()
    }
}
