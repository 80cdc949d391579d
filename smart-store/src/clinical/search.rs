//! Record search (`search_records`): which demographics match, parsed from the request.
//!
//! `family_name` and `given_name` match as case-insensitive prefixes (SPARQL `LCASE`,
//! Unicode lower-casing); `gender`, `date_of_birth`, `zipcode` (`v:adr/v:postal-code`)
//! and `medical_record_number` (`sp:medicalRecordNumber/dcterms:identifier`) match the
//! stored literal's text exactly. A record with several values (two given names, two
//! addresses) matches when any value does. All given fields must match. Values are
//! compared as data, never placed in a query as text, so any value is safe; one that
//! matches nothing simply finds nothing.

use crate::clinical::query::MAX_LIMIT;
use crate::error::{StoreError, StoreResult};

/// A record search: every given field must match. Build it with
/// [`RecordSearch::from_params`] or field by field.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RecordSearch {
    /// Prefix of the family name, case-insensitive.
    pub family_name: Option<String>,
    /// Prefix of a given name, case-insensitive.
    pub given_name: Option<String>,
    /// The gender (`foaf:gender`), exactly.
    pub gender: Option<String>,
    /// The birth date (`v:bday`), exactly as stored (e.g. `1951-07-04`).
    pub date_of_birth: Option<String>,
    /// A postal code of an address (`v:adr/v:postal-code`), exactly.
    pub zipcode: Option<String>,
    /// A medical record number (`sp:medicalRecordNumber/dcterms:identifier`), exactly.
    pub medical_record_number: Option<String>,
    /// At most this many records per page; `None` for all.
    pub limit: Option<usize>,
    /// Records skipped before the page.
    pub offset: usize,
}

impl RecordSearch {
    /// The search a `search_records` request asks for. Unknown parameters are ignored;
    /// `limit` (at most [`MAX_LIMIT`]) and `offset` must be non-negative integers, and a
    /// parameter given twice is refused (which value was meant is unclear).
    pub fn from_params(params: &[(String, String)]) -> StoreResult<Self> {
        let mut search = Self::default();
        let mut limit = None;
        let mut offset = None;
        for (name, value) in params {
            let slot = match name.as_str() {
                "family_name" => &mut search.family_name,
                "given_name" => &mut search.given_name,
                "gender" => &mut search.gender,
                "date_of_birth" => &mut search.date_of_birth,
                "zipcode" => &mut search.zipcode,
                "medical_record_number" => &mut search.medical_record_number,
                "limit" => &mut limit,
                "offset" => &mut offset,
                _ => continue,
            };
            if slot.replace(value.clone()).is_some() {
                return Err(StoreError::invalid(format!("{name}: given more than once")));
            }
        }
        if let Some(value) = limit {
            let n = count("limit", &value)?;
            if n > MAX_LIMIT {
                return Err(StoreError::invalid(format!(
                    "limit: {n} is more than the maximum of {MAX_LIMIT}"
                )));
            }
            search.limit = Some(n);
        }
        if let Some(value) = offset {
            search.offset = count("offset", &value)?;
        }
        Ok(search)
    }

    /// The exact-match fields with their names, for backends.
    pub fn exact_fields(&self) -> [(&'static str, Option<&str>); 4] {
        [
            ("gender", self.gender.as_deref()),
            ("date_of_birth", self.date_of_birth.as_deref()),
            ("zipcode", self.zipcode.as_deref()),
            (
                "medical_record_number",
                self.medical_record_number.as_deref(),
            ),
        ]
    }
}

fn count(name: &str, value: &str) -> StoreResult<usize> {
    if value.is_empty() || !value.bytes().all(|b| b.is_ascii_digit()) {
        return Err(StoreError::invalid(format!(
            "{name}: expected a non-negative integer, found {value:?}"
        )));
    }
    value
        .parse()
        .map_err(|_| StoreError::invalid(format!("{name}: {value:?} is too large")))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn parses_fields_and_paging() {
        let s = RecordSearch::from_params(&params(&[
            ("family_name", "Sm"),
            ("zipcode", "02115"),
            ("limit", "2"),
            ("offset", "1"),
            ("sparql", "SELECT * WHERE { ?s ?p ?o }"),
        ]))
        .expect("valid");
        assert_eq!(s.family_name.as_deref(), Some("Sm"));
        assert_eq!(s.zipcode.as_deref(), Some("02115"));
        assert_eq!((s.limit, s.offset), (Some(2), 1));
    }

    #[test]
    fn refuses_bad_paging_and_repeats() {
        for (pairs, message) in [
            (
                &[("limit", "x")][..],
                "limit: expected a non-negative integer, found \"x\"",
            ),
            (
                &[("limit", "5000")][..],
                "limit: 5000 is more than the maximum of 1000",
            ),
            (
                &[("offset", "-2")][..],
                "offset: expected a non-negative integer, found \"-2\"",
            ),
            (
                &[("gender", "a"), ("gender", "b")][..],
                "gender: given more than once",
            ),
        ] {
            let e = RecordSearch::from_params(&params(pairs)).expect_err(message);
            assert_eq!(e.to_string(), message);
        }
    }
}
