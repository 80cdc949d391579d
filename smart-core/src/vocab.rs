//! Namespace IRIs used by SMART Classic, and macros that build full IRIs from them at
//! compile time (so the static tables below stay `&'static str`).

/// The SMART terms namespace (`sp:`).
pub const SP: &str = "http://smartplatforms.org/terms#";
/// The SMART API namespace (`api:`), home of `api:Call`, `api:ResponseSummary`, ...
pub const API: &str = "http://smartplatforms.org/terms/api#";
/// Namespace of the API call individuals (`calls:`).
pub const CALLS: &str = "http://smartplatforms.org/terms/api/calls#";
/// Namespace of the API filter individuals (`filters:`).
pub const FILTERS: &str = "http://smartplatforms.org/terms/api/filters#";
/// Namespace of the API parameter individuals (`parameters:`).
pub const PARAMETERS: &str = "http://smartplatforms.org/terms/api/parameters#";
/// Namespace of the SMART code lists (`spcode:`); members are `spcode:List#id`.
pub const SPCODE: &str = "http://smartplatforms.org/terms/codes/";
/// Dublin Core terms (`dcterms:`).
pub const DCTERMS: &str = "http://purl.org/dc/terms/";
/// vCard 2006 (`v:`).
pub const VCARD: &str = "http://www.w3.org/2006/vcard/ns#";
/// FOAF (`foaf:`).
pub const FOAF: &str = "http://xmlns.com/foaf/0.1/";
/// Media types (`mime:`), e.g. `mime:text/plain`.
pub const MIME: &str = "http://purl.org/NET/mediatypes/";
/// RDF syntax namespace (`rdf:`).
pub const RDF: &str = "http://www.w3.org/1999/02/22-rdf-syntax-ns#";
/// RDF Schema (`rdfs:`).
pub const RDFS: &str = "http://www.w3.org/2000/01/rdf-schema#";
/// OWL (`owl:`).
pub const OWL: &str = "http://www.w3.org/2002/07/owl#";
/// XML Schema datatypes (`xsd:`).
pub const XSD: &str = "http://www.w3.org/2001/XMLSchema#";
/// SNOMED CT concept IRIs.
pub const SNOMED: &str = "http://purl.bioontology.org/ontology/SNOMEDCT/";
/// LOINC concept IRIs.
pub const LOINC: &str = "http://purl.bioontology.org/ontology/LNC/";
/// RxNorm concept IRIs.
pub const RXNORM: &str = "http://purl.bioontology.org/ontology/RXNORM/";

/// The prefixes above, as `(prefix, namespace)` pairs, for serializers and documents.
pub const PREFIXES: &[(&str, &str)] = &[
    ("sp", SP),
    ("api", API),
    ("calls", CALLS),
    ("filters", FILTERS),
    ("parameters", PARAMETERS),
    ("spcode", SPCODE),
    ("dcterms", DCTERMS),
    ("v", VCARD),
    ("foaf", FOAF),
    ("rdf", RDF),
    ("rdfs", RDFS),
    ("owl", OWL),
    ("xsd", XSD),
];

/// `sp!("Allergy")` is `"http://smartplatforms.org/terms#Allergy"`, as a `&'static str`.
#[macro_export]
macro_rules! sp {
    ($local:literal) => {
        concat!("http://smartplatforms.org/terms#", $local)
    };
}

/// `spcode!("EncounterType")` is `"http://smartplatforms.org/terms/codes/EncounterType"`.
#[macro_export]
macro_rules! spcode {
    ($local:literal) => {
        concat!("http://smartplatforms.org/terms/codes/", $local)
    };
}

/// `dcterms!("date")` is `"http://purl.org/dc/terms/date"`.
#[macro_export]
macro_rules! dcterms {
    ($local:literal) => {
        concat!("http://purl.org/dc/terms/", $local)
    };
}

/// `vcard!("n")` is `"http://www.w3.org/2006/vcard/ns#n"`.
#[macro_export]
macro_rules! vcard {
    ($local:literal) => {
        concat!("http://www.w3.org/2006/vcard/ns#", $local)
    };
}

/// `foaf!("gender")` is `"http://xmlns.com/foaf/0.1/gender"`.
#[macro_export]
macro_rules! foaf {
    ($local:literal) => {
        concat!("http://xmlns.com/foaf/0.1/", $local)
    };
}

/// `api!("Call")` is `"http://smartplatforms.org/terms/api#Call"`.
#[macro_export]
macro_rules! api {
    ($local:literal) => {
        concat!("http://smartplatforms.org/terms/api#", $local)
    };
}

/// Splits an IRI into a known prefix and a local name, e.g. `sp:Allergy`, for messages.
/// Falls back to `<iri>` when no prefix of [`PREFIXES`] matches.
pub fn compact(iri: &str) -> String {
    for (prefix, ns) in PREFIXES {
        if let Some(local) = iri.strip_prefix(ns) {
            if !local.is_empty() && !local.contains(['/', '#']) {
                return format!("{prefix}:{local}");
            }
        }
    }
    format!("<{iri}>")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn macros_build_full_iris() {
        assert_eq!(sp!("Allergy"), "http://smartplatforms.org/terms#Allergy");
        assert_eq!(
            spcode!("EncounterType"),
            "http://smartplatforms.org/terms/codes/EncounterType"
        );
    }

    #[test]
    fn compact_uses_prefixes_and_falls_back() {
        assert_eq!(compact(sp!("Allergy")), "sp:Allergy");
        assert_eq!(compact("http://example.org/x"), "<http://example.org/x>");
        // a member of a code list is not a local name of spcode:
        assert_eq!(
            compact("http://smartplatforms.org/terms/codes/EncounterType#home"),
            "<http://smartplatforms.org/terms/codes/EncounterType#home>"
        );
    }
}
