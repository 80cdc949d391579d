//! The filters and parameters of the calls, and the macros that build their IRIs.
//!
//! The date filters come in sets of six per collection (one per [`DateBound`]), named
//! `filters:<plural>_<suffix>` in the ontology; [`date_filters!`] builds such a set.

use super::{DateBound, Filter, FilterKind, Parameter};
use crate::{dcterms, sp, vocab};

/// `calls!("get_allergies")` is the full IRI of that call individual.
macro_rules! calls {
    ($local:literal) => {
        concat!("http://smartplatforms.org/terms/api/calls#", $local)
    };
}

/// `filters!("allergies_from_date")` (or `filters!("allergies", "_", "from_date")`) is the
/// full IRI of that filter individual.
macro_rules! filters {
    ($($part:literal),+) => {
        concat!("http://smartplatforms.org/terms/api/filters#", $($part),+)
    };
}

/// `parameters!("gender")` is the full IRI of that parameter individual.
macro_rules! parameters {
    ($local:literal) => {
        concat!("http://smartplatforms.org/terms/api/parameters#", $local)
    };
}

pub(super) use calls;

/// One date filter: `date_filter!("allergies", "from_date", From, "date_from", property)`.
macro_rules! date_filter {
    ($plural:literal, $suffix:literal, $bound:ident, $param:literal, $property:expr) => {
        Filter {
            iri: filters!($plural, "_", $suffix),
            param: $param,
            kind: FilterKind::Date {
                bound: DateBound::$bound,
                property: $property,
            },
        }
    };
}

/// The six date filters of a collection, after any other filters given:
/// `date_filters!("medications", sp!("startDate"), RXNORM_FILTER)`.
macro_rules! date_filters {
    ($plural:literal, $property:expr $(, $other:expr)* $(,)?) => {
        &[
            $($other,)*
            date_filter!($plural, "from_date", From, "date_from", $property),
            date_filter!($plural, "from_date_including", FromIncluding, "date_from_including", $property),
            date_filter!($plural, "from_date_excluding", FromExcluding, "date_from_excluding", $property),
            date_filter!($plural, "to_date", To, "date_to", $property),
            date_filter!($plural, "to_date_including", ToIncluding, "date_to_including", $property),
            date_filter!($plural, "to_date_excluding", ToExcluding, "date_to_excluding", $property),
        ]
    };
}

const START_DATE: &str = sp!("startDate");
const DATE: &str = dcterms!("date");

/// Lab results by LOINC code of `sp:labName`.
const LOINC_FILTER: Filter = Filter {
    iri: filters!("lab_results_by_loinc"),
    param: "loinc",
    kind: FilterKind::Code {
        path: &[sp!("labName"), sp!("code")],
        namespace: vocab::LOINC,
    },
};

/// Medications by RxNorm code of `sp:drugName`.
const RXNORM_FILTER: Filter = Filter {
    iri: filters!("medications_by_rxnorm"),
    param: "rxnorm",
    kind: FilterKind::Code {
        path: &[sp!("drugName"), sp!("code")],
        namespace: vocab::RXNORM,
    },
};

/// Problems by SNOMED code of `sp:problemName`.
const PROBLEM_SNOMED_FILTER: Filter = Filter {
    iri: filters!("problems_by_snomed"),
    param: "snomed",
    kind: FilterKind::Code {
        path: &[sp!("problemName"), sp!("code")],
        namespace: vocab::SNOMED,
    },
};

/// Procedures by SNOMED code of `sp:procedureName`.
const PROCEDURE_SNOMED_FILTER: Filter = Filter {
    iri: filters!("procedures_by_snomed"),
    param: "snomed",
    kind: FilterKind::Code {
        path: &[sp!("procedureName"), sp!("code")],
        namespace: vocab::SNOMED,
    },
};

/// Vital sign sets by the type of their encounter.
const ENCOUNTER_TYPE_FILTER: Filter = Filter {
    iri: filters!("vital_sign_sets_by_encounter_type"),
    param: "encounter_type",
    kind: FilterKind::Code {
        path: &[sp!("encounter"), sp!("encounterType"), sp!("code")],
        namespace: concat!("http://smartplatforms.org/terms/codes/", "EncounterType#"),
    },
};

pub(super) static ALLERGIES: &[Filter] = date_filters!("allergies", START_DATE);
pub(super) static CLINICAL_NOTES: &[Filter] = date_filters!("clinical_notes", DATE);
// SPEC FIX (get_documents filters): the ontology gives documents no filters, although the
// call's description promises the standard ones. We add the six date filters on
// `dcterms:date`, with IRIs minted after the ontology's naming pattern.
pub(super) static DOCUMENTS: &[Filter] = date_filters!("documents", DATE);
pub(super) static FULFILLMENTS: &[Filter] = date_filters!("fulfillments", DATE);
pub(super) static IMMUNIZATIONS: &[Filter] = date_filters!("immunizations", DATE);
pub(super) static LAB_RESULTS: &[Filter] = date_filters!("lab_results", DATE, LOINC_FILTER);
pub(super) static MEDICATIONS: &[Filter] = date_filters!("medications", START_DATE, RXNORM_FILTER);
pub(super) static PROBLEMS: &[Filter] =
    date_filters!("problems", START_DATE, PROBLEM_SNOMED_FILTER);
pub(super) static PROCEDURES: &[Filter] =
    date_filters!("procedures", DATE, PROCEDURE_SNOMED_FILTER);
pub(super) static VITAL_SIGN_SETS: &[Filter] =
    date_filters!("vital_sign_sets", DATE, ENCOUNTER_TYPE_FILTER);

const FAMILY_NAME: Parameter = Parameter {
    iri: parameters!("family_name"),
    name: "family_name",
};
const GIVEN_NAME: Parameter = Parameter {
    iri: parameters!("given_name"),
    name: "given_name",
};
const FORMAT: Parameter = Parameter {
    iri: parameters!("format"),
    name: "format",
};

/// `search_records`: names match as case-insensitive prefixes, the others exactly.
pub(super) static SEARCH_RECORDS: &[Parameter] = &[
    FAMILY_NAME,
    GIVEN_NAME,
    Parameter {
        iri: parameters!("gender"),
        name: "gender",
    },
    // Follows the ontology; the reference server read `birthday` (see SPEC_FIXES).
    Parameter {
        iri: parameters!("date_of_birth"),
        name: "date_of_birth",
    },
    // SPEC FIX (parameters:zipcode): the ontology names this parameter `app_id`, a
    // copy-and-paste slip; a zip code search needs the name `zipcode`.
    Parameter {
        iri: parameters!("zipcode"),
        name: "zipcode",
    },
    Parameter {
        iri: parameters!("medical_record_number"),
        name: "medical_record_number",
    },
];

/// `search_users`: the ontology's names (the reference server read `givenName` and
/// `familyName`; see SPEC_FIXES).
pub(super) static SEARCH_USERS: &[Parameter] = &[FAMILY_NAME, GIVEN_NAME];

/// `get_document` and `get_documents`: `format` selects raw bytes, metadata or both.
pub(super) static DOCUMENT_FORMAT: &[Parameter] = &[FORMAT];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn date_filter_sets_match_the_bound_names() {
        for set in [
            ALLERGIES,
            CLINICAL_NOTES,
            DOCUMENTS,
            FULFILLMENTS,
            IMMUNIZATIONS,
            LAB_RESULTS,
            MEDICATIONS,
            PROBLEMS,
            PROCEDURES,
            VITAL_SIGN_SETS,
        ] {
            let dates: Vec<_> = set
                .iter()
                .filter_map(|f| match f.kind {
                    FilterKind::Date { bound, .. } => Some((f, bound)),
                    FilterKind::Code { .. } => None,
                })
                .collect();
            assert_eq!(dates.len(), 6, "{set:?}");
            for (filter, bound) in dates {
                assert_eq!(filter.param, bound.param(), "{}", filter.iri);
                assert!(
                    filter.iri.ends_with(&format!("_{}", bound.filter_suffix())),
                    "{}",
                    filter.iri
                );
                assert!(filter.iri.starts_with(vocab::FILTERS), "{}", filter.iri);
            }
        }
    }

    #[test]
    fn macros_build_namespace_iris() {
        assert!(calls!("x").starts_with(vocab::CALLS));
        assert!(filters!("x").starts_with(vocab::FILTERS));
        assert!(parameters!("x").starts_with(vocab::PARAMETERS));
        assert_eq!(
            ENCOUNTER_TYPE_FILTER.code_iri("ambulatory").as_deref(),
            Some(concat!(crate::spcode!("EncounterType"), "#ambulatory"))
        );
    }
}
