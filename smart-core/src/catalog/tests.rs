//! Consistency of the call table and the look-ups.

use super::*;
use crate::{dcterms, sp, vocab};
use std::collections::HashSet;

fn count(pred: impl Fn(&ApiCall) -> bool) -> usize {
    CALLS.iter().filter(|c| pred(c)).count()
}

#[test]
fn totals_are_pinned() {
    assert_eq!(CALLS.len(), 47);
    assert_eq!(count(|c| c.method == HttpMethod::Get), 42);
    assert_eq!(count(|c| c.method == HttpMethod::Post), 1);
    assert_eq!(count(|c| c.method == HttpMethod::Put), 2);
    assert_eq!(count(|c| c.method == HttpMethod::Delete), 2);
    assert_eq!(count(|c| c.category == Category::Container), 7);
    assert_eq!(count(|c| c.category == Category::Record), 37);
    assert_eq!(count(|c| c.category == Category::User), 3);
    assert_eq!(count(|c| c.cardinality == CallCardinality::Multiple), 18);
    assert_eq!(count(|c| c.cardinality == CallCardinality::Single), 29);
    // 9 x 6 date filters + 5 code filters from the ontology, + 6 for get_documents.
    assert_eq!(CALLS.iter().map(|c| c.filters.len()).sum::<usize>(), 65);
    assert_eq!(CALLS.iter().map(|c| c.parameters.len()).sum::<usize>(), 10);
    assert_eq!(count(|c| c.is_pageable()), 13);
    assert_eq!(count(|c| c.response_content_type.is_some()), 3);
}

#[test]
fn every_entry_is_filled_in_and_consistent() {
    let mut names = HashSet::new();
    let mut routes = HashSet::new();
    for c in CALLS {
        assert!(!c.name.is_empty() && !c.description.is_empty(), "{c:?}");
        assert_eq!(c.iri, format!("{}{}", vocab::CALLS, c.name));
        assert!(c.path.starts_with('/'), "{}", c.name);
        assert!(c.target.starts_with(vocab::SP), "{}", c.name);
        assert!(names.insert(c.name), "duplicate name {}", c.name);
        assert!(
            routes.insert((c.method, c.path)),
            "{} {} is routed twice",
            c.method,
            c.path
        );
        assert!(
            c.description.len() <= 100 && !c.description.contains('\n'),
            "{}: description should be one short line",
            c.name
        );
        let multiple = c.cardinality == CallCardinality::Multiple;
        // collections end in '/', single items do not (searches are the exception:
        // they are collections at a fixed address)
        let searches = c.name.starts_with("search_");
        assert_eq!(
            c.path.ends_with('/'),
            (multiple && !searches) || c.method == HttpMethod::Post,
            "{}",
            c.name
        );
        if !multiple {
            assert!(
                c.filters.is_empty() && c.default_sort.is_none(),
                "{}",
                c.name
            );
        }
        for v in c.path_variables() {
            assert!(!v.is_empty() && v.bytes().all(|b| b.is_ascii_lowercase() || b == b'_'));
        }
        let params: HashSet<_> = c
            .filters
            .iter()
            .map(|f| f.param)
            .chain(c.parameters.iter().map(|p| p.name))
            .collect();
        assert_eq!(
            params.len(),
            c.filters.len() + c.parameters.len(),
            "{}: a query parameter is declared twice",
            c.name
        );
    }
}

#[test]
fn filters_are_well_formed() {
    for c in CALLS {
        for f in c.filters {
            assert!(f.iri.starts_with(vocab::FILTERS), "{}", f.iri);
            match f.kind {
                FilterKind::Date { bound, property } => {
                    assert_eq!(f.param, bound.param());
                    assert_eq!(DateBound::from_param(f.param), Some(bound));
                    assert_eq!(Some(property), c.default_sort, "{}", c.name);
                    assert!(property == sp!("startDate") || property == dcterms!("date"));
                }
                FilterKind::Code { path, namespace } => {
                    assert!(path.len() >= 2 && path.last() == Some(&sp!("code")));
                    assert!(namespace.ends_with('/') || namespace.ends_with('#'));
                }
            }
        }
    }
    let meds = call("get_medications").unwrap();
    assert_eq!(
        meds.filter("rxnorm").and_then(|f| f.code_iri("856845")),
        Some(format!("{}856845", vocab::RXNORM))
    );
    assert_eq!(meds.filter("date_from").and_then(|f| f.code_iri("x")), None);
    assert!(meds.filter("loinc").is_none());
}

#[test]
fn date_bounds_are_classified() {
    let lower: Vec<_> = DateBound::ALL
        .into_iter()
        .filter(|b| b.is_lower())
        .collect();
    assert_eq!(
        lower,
        [
            DateBound::From,
            DateBound::FromIncluding,
            DateBound::FromExcluding
        ]
    );
    let strict: Vec<_> = DateBound::ALL
        .into_iter()
        .filter(|b| b.is_strict())
        .collect();
    assert_eq!(strict, [DateBound::FromExcluding, DateBound::ToExcluding]);
    assert_eq!(DateBound::from_param("date_until"), None);
}

#[test]
fn lookups_by_name_iri_and_target() {
    assert_eq!(
        call("get_allergies").map(|c| c.path),
        Some("/records/{record_id}/allergies/")
    );
    assert!(call("get_allergy_exclusions").is_none());
    let c = call("search_records").unwrap();
    assert_eq!(call_by_iri(c.iri), Some(c));
    assert_eq!(
        c.parameter("zipcode").map(|p| p.iri),
        Some(concat!(
            "http://smartplatforms.org/terms/api/parameters#",
            "zipcode"
        ))
    );
    assert!(c.parameter("app_id").is_none());

    let names: Vec<_> = calls_for_target(sp!("ClinicalNote"))
        .map(|c| c.name)
        .collect();
    assert_eq!(
        names,
        [
            "get_clinical_notes",
            "post_clinical_note",
            "get_clinical_note"
        ]
    );
    assert_eq!(calls_for_target(sp!("AllergyExclusion")).count(), 0);
    assert_eq!(calls_for_target(sp!("MedicalRecord")).count(), 0);
    assert_eq!(calls_for_target("not a class").count(), 0);
}

#[test]
fn capabilities_cover_every_target() {
    use HttpMethod::*;
    let caps = capabilities();
    assert_eq!(caps.len(), 24);
    let with = |methods: &[HttpMethod]| -> Vec<&str> {
        caps.iter()
            .filter(|(_, m)| m.iter().copied().eq(methods.iter().copied()))
            .map(|(t, _)| *t)
            .collect()
    };
    assert_eq!(with(&[Get]).len(), 21);
    assert_eq!(with(&[Get, Post]), [sp!("ClinicalNote")]);
    assert_eq!(
        with(&[Get, Put, Delete]),
        [sp!("ScratchpadData"), sp!("UserPreferences")]
    );
    assert!(caps.contains_key(sp!("ImagingStudy")) && caps.contains_key(sp!("MedicalImage")));
}

#[test]
fn paging_applies_to_sorted_collections_only() {
    let pageable: Vec<_> = CALLS
        .iter()
        .filter(|c| c.is_pageable())
        .map(|c| c.name)
        .collect();
    assert!(pageable.contains(&"get_documents"));
    assert!(!pageable.contains(&"get_family_history_observations"));
    assert!(!pageable.contains(&"get_lab_panels"));
    assert!(!pageable.contains(&"search_records"));
    assert_eq!(
        call("get_documents").unwrap().default_sort,
        Some(dcterms!("date"))
    );
}

#[test]
fn http_methods_parse_and_serialize() {
    for m in HttpMethod::ALL {
        assert_eq!(HttpMethod::from_name(m.as_str()), Some(m));
        assert_eq!(m.to_string(), m.as_str());
        let json = serde_json::to_string(&m).unwrap();
        assert_eq!(json, format!("\"{}\"", m.as_str()));
        assert_eq!(serde_json::from_str::<HttpMethod>(&json).unwrap(), m);
    }
    assert_eq!(HttpMethod::from_name("get"), None);
    let err = serde_json::from_str::<HttpMethod>("\"PATCH\"").unwrap_err();
    assert!(err.to_string().contains("PATCH"), "{err}");
}

#[test]
fn spec_fixes_name_real_subjects() {
    assert_eq!(SPEC_FIXES.len(), 6);
    assert_eq!(
        SPEC_FIXES
            .iter()
            .filter(|f| f.departs_from == SpecSource::Ontology)
            .count(),
        4
    );
    for fix in SPEC_FIXES {
        assert!(!fix.ontology_says.is_empty() && !fix.we_do.is_empty() && !fix.reason.is_empty());
        let (prefix, local) = fix.subject.split_once(':').expect("compact IRI");
        let known = match prefix {
            "calls" => call(local).is_some(),
            "parameters" => CALLS
                .iter()
                .flat_map(|c| c.parameters)
                .any(|p| p.iri == format!("{}{local}", vocab::PARAMETERS)),
            _ => false,
        };
        assert!(known, "{} names nothing in the catalog", fix.subject);
    }
}
