//! What a collection GET asks of the clinical store, parsed and validated from the
//! request, and the pure filter/sort/page step every backend shares.
//!
//! [`StatementQuery::from_call`] turns a catalog call and its query parameters into a
//! [`StatementQuery`]; a backend gathers one [`IndexEntry`] per candidate statement (its
//! IRI and the values the query looks at) and [`StatementQuery::select`] does the rest.
//!
//! Semantics (see also `smart_core::catalog` and [`super::dates`]):
//! - **Date filters**: each value is a partial ISO-8601 date-time standing for the
//!   interval it covers; see the table in [`super::dates`]. A value `a|b` keeps an item
//!   that passes with either alternative (the natural reading of the catalog's "`a|b`
//!   means either"; the reference server silently used only the last one). An item
//!   passes when any of its values of the property passes; an item without a parseable
//!   value fails every date filter on that property.
//! - **Code filters**: the code IRI is the filter's namespace followed by the value;
//!   `a|b` matches either. A value that does not make a valid IRI (spaces, `>`, quotes,
//!   ...) matches nothing: it is never an error and never reaches a query as text.
//! - Different parameters (and repeated ones) must all hold.
//! - **Sort**: descending by the start of the sort property's interval (the latest one
//!   when an item has several), then ascending by IRI. Items without a (parseable) sort
//!   value come last, ordered by IRI; they never drop out of a page as they did in the
//!   reference server.
//! - **Paging**: `limit` (at most [`MAX_LIMIT`]) and `offset`, on pageable calls only
//!   (those with a default sort); the total is counted after filtering, before paging.
//! - Unknown parameters are ignored, as are `limit`/`offset` on calls that are not
//!   pageable.

use std::cmp::Ordering;
use std::collections::HashSet;

use oxrdf::NamedNode;
use smart_core::catalog::{ApiCall, CallCardinality, DateBound, FilterKind};
use smart_core::sp;

use super::dates::{DateInterval, Timestamp};
use crate::error::{StoreError, StoreResult};

/// The largest `limit` a client may ask for.
pub const MAX_LIMIT: usize = 1000;

/// One date filter: the item's `property` must pass `bound` against one of `values`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DateFilter {
    /// Which comparison.
    pub bound: DateBound,
    /// The date property of the statement (`sp:startDate`, `dcterms:date`).
    pub property: &'static str,
    /// The alternatives of the parameter value (OR); never empty.
    pub values: Vec<DateInterval>,
}

/// One code filter: the code reached by `path` must be one of `codes`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CodeFilter {
    /// The property path from the statement to the code IRI.
    pub path: &'static [&'static str],
    /// The accepted code IRIs (OR). Empty when no alternative made a valid IRI, in which
    /// case the filter matches nothing.
    pub codes: Vec<NamedNode>,
}

/// A query for the statements of one record. Build it with
/// [`StatementQuery::from_call`] or [`StatementQuery::all`] and adjust the fields.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatementQuery {
    /// The statement classes (full IRIs) to return: a statement is a candidate when its
    /// graph types it with one of them.
    pub classes: Vec<&'static str>,
    /// Classes whose statements are added to every page unfiltered and unpaged, and not
    /// counted in the total: `get_allergies` brings the record's allergy exclusions this
    /// way (catalog decision 23).
    pub companions: Vec<&'static str>,
    /// Date filters, all of which must hold.
    pub dates: Vec<DateFilter>,
    /// Code filters, all of which must hold.
    pub codes: Vec<CodeFilter>,
    /// The sort property; `None` leaves the order by IRI.
    pub sort: Option<&'static str>,
    /// At most this many statements per page; `None` for all.
    pub limit: Option<usize>,
    /// Statements skipped before the page.
    pub offset: usize,
}

impl StatementQuery {
    /// Every statement of `class`, unsorted (by IRI), unpaged.
    pub fn all(class: &'static str) -> Self {
        Self {
            classes: vec![class],
            companions: Vec::new(),
            dates: Vec::new(),
            codes: Vec::new(),
            sort: None,
            limit: None,
            offset: 0,
        }
    }

    /// The query a collection call asks for with these query parameters. Every value is
    /// checked, and an error names the parameter and what is wrong with its value
    /// (`date_from: month 13 is out of range (01-12) in "2011-13"`). Unknown parameters
    /// are ignored.
    pub fn from_call(call: &ApiCall, params: &[(String, String)]) -> StoreResult<Self> {
        if call.cardinality != CallCardinality::Multiple {
            return Err(StoreError::invalid(format!(
                "{} is not a collection call; it has no filters or pages",
                call.name
            )));
        }
        let mut query = Self::all(call.target);
        query.sort = call.default_sort;
        if call.target == sp!("Allergy") {
            query.companions.push(sp!("AllergyExclusion"));
        }
        let (mut limit_seen, mut offset_seen) = (false, false);
        for (name, value) in params {
            if let Some(filter) = call.filter(name) {
                match filter.kind {
                    FilterKind::Date { bound, property } => {
                        query.dates.push(DateFilter {
                            bound,
                            property,
                            values: parse_dates(name, value)?,
                        });
                    }
                    FilterKind::Code { path, namespace } => {
                        query.codes.push(CodeFilter {
                            path,
                            codes: code_iris(namespace, value),
                        });
                    }
                    // FilterKind is non-exhaustive; a new kind we do not know is ignored
                    // like an unknown parameter rather than guessed at.
                    _ => {}
                }
            } else if call.is_pageable() && name == "limit" {
                once(name, &mut limit_seen)?;
                let limit = parse_count(name, value)?;
                if limit > MAX_LIMIT {
                    return Err(StoreError::invalid(format!(
                        "limit: {limit} is more than the maximum of {MAX_LIMIT}"
                    )));
                }
                query.limit = Some(limit);
            } else if call.is_pageable() && name == "offset" {
                once(name, &mut offset_seen)?;
                query.offset = parse_count(name, value)?;
            }
        }
        Ok(query)
    }

    /// Filters, sorts and pages the candidates of the primary classes (companions are the
    /// caller's business): the page's IRIs in order, and the number of entries that
    /// passed the filters.
    pub fn select(&self, entries: Vec<IndexEntry>) -> (Vec<NamedNode>, usize) {
        let mut kept: Vec<(Option<Timestamp>, NamedNode)> = entries
            .into_iter()
            .filter(|e| self.keeps(e))
            .map(|e| (e.sort_key(), e.iri))
            .collect();
        let total = kept.len();
        kept.sort_by(|(ka, ia), (kb, ib)| {
            let by_key = match (ka, kb) {
                (Some(a), Some(b)) => b.cmp(a), // descending
                (Some(_), None) => Ordering::Less,
                (None, Some(_)) => Ordering::Greater,
                (None, None) => Ordering::Equal,
            };
            by_key.then_with(|| ia.as_str().cmp(ib.as_str()))
        });
        let page = kept
            .into_iter()
            .skip(self.offset)
            .take(self.limit.unwrap_or(usize::MAX))
            .map(|(_, iri)| iri)
            .collect();
        (page, total)
    }

    fn keeps(&self, entry: &IndexEntry) -> bool {
        let dates_hold = self.dates.iter().enumerate().all(|(i, f)| {
            entry.dates.get(i).is_some_and(|values| {
                values.iter().any(|item| {
                    f.values
                        .iter()
                        .any(|alternative| item.passes(f.bound, alternative))
                })
            })
        });
        let codes_hold = self.codes.iter().enumerate().all(|(i, f)| {
            entry
                .codes
                .get(i)
                .is_some_and(|codes| codes.iter().any(|c| f.codes.contains(c)))
        });
        dates_hold && codes_hold
    }

    /// The date properties the filters read, in filter order (a backend fetches
    /// `IndexEntry::dates[i]` for `dates[i].property`).
    pub fn date_properties(&self) -> impl Iterator<Item = &'static str> + '_ {
        self.dates.iter().map(|f| f.property)
    }
}

/// What a backend knows about one candidate statement, aligned with the query:
/// `dates[i]` holds the parsed values of `query.dates[i].property`, `codes[i]` the codes
/// reached by `query.codes[i].path`, `sort` the parsed values of the sort property.
/// Values that do not parse as dates are left out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IndexEntry {
    /// The statement IRI.
    pub iri: NamedNode,
    /// Values of the sort property.
    pub sort: Vec<DateInterval>,
    /// Values per date filter.
    pub dates: Vec<Vec<DateInterval>>,
    /// Codes per code filter.
    pub codes: Vec<Vec<NamedNode>>,
}

impl IndexEntry {
    /// The latest start among the sort values.
    fn sort_key(&self) -> Option<Timestamp> {
        self.sort.iter().map(DateInterval::start).max()
    }
}

fn once(name: &str, seen: &mut bool) -> StoreResult<()> {
    if std::mem::replace(seen, true) {
        return Err(StoreError::invalid(format!("{name}: given more than once")));
    }
    Ok(())
}

fn parse_count(name: &str, value: &str) -> StoreResult<usize> {
    if value.is_empty() || !value.bytes().all(|b| b.is_ascii_digit()) {
        return Err(StoreError::invalid(format!(
            "{name}: expected a non-negative integer, found {value:?}"
        )));
    }
    value
        .parse()
        .map_err(|_| StoreError::invalid(format!("{name}: {value:?} is too large")))
}

fn parse_dates(name: &str, value: &str) -> StoreResult<Vec<DateInterval>> {
    value
        .split('|')
        .map(|alternative| {
            DateInterval::parse(alternative)
                .map_err(|e| StoreError::invalid(format!("{name}: {e}")))
        })
        .collect()
}

/// The code IRIs of the alternatives that make valid IRIs; the others are dropped (they
/// can match no stored code).
fn code_iris(namespace: &str, value: &str) -> Vec<NamedNode> {
    let mut seen = HashSet::new();
    value
        .split('|')
        .filter(|alternative| !alternative.is_empty())
        .filter_map(|alternative| NamedNode::new(format!("{namespace}{alternative}")).ok())
        .filter(|iri| seen.insert(iri.clone()))
        .collect()
}

#[cfg(test)]
mod tests {
    use smart_core::catalog;

    use super::*;

    fn params(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    fn call(name: &str) -> &'static ApiCall {
        catalog::call(name).expect("catalog call")
    }

    #[test]
    fn errors_name_the_parameter() {
        let meds = call("get_medications");
        let cases = [
            (
                "date_from",
                "2011-13",
                "date_from: month 13 is out of range",
            ),
            (
                "date_to_excluding",
                "2011|x",
                "date_to_excluding: expected a 4-digit year in \"x\"",
            ),
            (
                "limit",
                "-1",
                "limit: expected a non-negative integer, found \"-1\"",
            ),
            (
                "limit",
                "1001",
                "limit: 1001 is more than the maximum of 1000",
            ),
            ("offset", "1.5", "offset: expected a non-negative integer"),
            ("offset", "99999999999999999999999", "offset: \"9999"),
        ];
        for (name, value, expected) in cases {
            let e = StatementQuery::from_call(meds, &params(&[(name, value)])).expect_err(value);
            assert_eq!(e.kind(), crate::ErrorKind::Invalid);
            assert!(e.to_string().starts_with(expected), "{e}");
        }
        let e = StatementQuery::from_call(meds, &params(&[("limit", "1"), ("limit", "2")]))
            .expect_err("twice");
        assert_eq!(e.to_string(), "limit: given more than once");
        assert!(StatementQuery::from_call(call("get_medication"), &[]).is_err());
    }

    #[test]
    fn builds_filters_from_the_catalog() {
        let q = StatementQuery::from_call(
            call("get_medications"),
            &params(&[
                ("rxnorm", "123|456|bad value|>|"),
                ("date_from", "2011|2012-06"),
                ("limit", "10"),
                ("offset", "5"),
                ("unknown", "ignored"),
            ]),
        )
        .expect("valid");
        assert_eq!(q.classes, [sp!("Medication")]);
        assert_eq!(q.sort, Some(sp!("startDate")));
        assert_eq!(q.codes.len(), 1);
        assert_eq!(
            q.codes[0]
                .codes
                .iter()
                .map(NamedNode::as_str)
                .collect::<Vec<_>>(),
            [
                "http://purl.bioontology.org/ontology/RXNORM/123",
                "http://purl.bioontology.org/ontology/RXNORM/456"
            ]
        );
        assert_eq!(q.dates[0].values.len(), 2);
        assert_eq!((q.limit, q.offset), (Some(10), 5));
        let allergies = StatementQuery::from_call(call("get_allergies"), &[]).expect("valid");
        assert_eq!(allergies.companions, [sp!("AllergyExclusion")]);
        // Not pageable: limit is ignored.
        let fh = StatementQuery::from_call(
            call("get_family_history_observations"),
            &params(&[("limit", "x")]),
        );
        assert!(fh.is_ok_and(|q| q.limit.is_none()));
    }

    fn entry(iri: &str, sort: Option<&str>) -> IndexEntry {
        IndexEntry {
            iri: NamedNode::new_unchecked(iri),
            sort: sort
                .map(|s| DateInterval::parse(s).expect("date"))
                .into_iter()
                .collect(),
            dates: Vec::new(),
            codes: Vec::new(),
        }
    }

    #[test]
    fn sorts_descending_then_by_iri_with_undated_last() {
        let mut q = StatementQuery::all(sp!("Problem"));
        q.sort = Some(sp!("startDate"));
        let entries = vec![
            entry("http://x/b", Some("2010")),
            entry("http://x/z", None),
            entry("http://x/a", Some("2010-01-01")),
            entry("http://x/c", Some("2011-06-12T01:00+02:00")),
            entry("http://x/d", Some("2011-06-11T23:30Z")),
            entry("http://x/y", None),
        ];
        let (page, total) = q.select(entries.clone());
        let names: Vec<&str> = page.iter().map(|n| &n.as_str()[9..]).collect();
        assert_eq!(names, ["d", "c", "a", "b", "y", "z"]);
        assert_eq!(total, 6);
        q.limit = Some(4);
        q.offset = 3;
        let (page, total) = q.select(entries.clone());
        assert_eq!(page.len(), 3);
        assert_eq!(total, 6);
        q.offset = 6;
        assert!(q.select(entries).0.is_empty());
    }
}
