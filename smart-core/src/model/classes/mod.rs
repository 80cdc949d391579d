//! The class table, split by theme. Each class is a `const` in one of the submodules; the
//! [`CLASSES`] slice lists them all. Properties are written with the small helpers below
//! (`one`, `opt`, `many`, `one_or_more` for the cardinality; `lit`, `typed`, `node`,
//! `coded`, `individual` for the range) so that one restriction stays on one line.

mod api;
mod components;
mod people;
mod statements;

use super::{Cardinality, ClassDef, PropertyDef, Range};

/// `rdf:value`, the number of a `v:Tel`.
const RDF_VALUE: &str = "http://www.w3.org/1999/02/22-rdf-syntax-ns#value";
/// `rdfs:label`, the MIME string of a `dcterms:MediaTypeOrExtent`.
const RDFS_LABEL: &str = "http://www.w3.org/2000/01/rdf-schema#label";
/// `xsd:anyURI`, the datatype of `sp:sourceCode`.
const XSD_ANY_URI: &str = "http://www.w3.org/2001/XMLSchema#anyURI";

/// Exactly one value.
const fn one(iri: &'static str, range: Range) -> PropertyDef {
    PropertyDef::new(iri, Cardinality::One, range)
}

/// At most one value.
const fn opt(iri: &'static str, range: Range) -> PropertyDef {
    PropertyDef::new(iri, Cardinality::ZeroOrOne, range)
}

/// At least one value.
const fn one_or_more(iri: &'static str, range: Range) -> PropertyDef {
    PropertyDef::new(iri, Cardinality::OneOrMore, range)
}

/// Any number of values.
const fn many(iri: &'static str, range: Range) -> PropertyDef {
    PropertyDef::new(iri, Cardinality::ZeroOrMore, range)
}

/// A literal with no datatype named by the model.
const fn lit() -> Range {
    Range::Literal(None)
}

/// A literal of this datatype.
const fn typed(datatype: &'static str) -> Range {
    Range::Literal(Some(datatype))
}

/// A node of this class.
const fn node(class: &'static str) -> Range {
    Range::Class(class)
}

/// An `sp:CodedValue` whose code is in this list.
const fn coded(list: &'static str) -> Range {
    Range::CodedValue(list)
}

/// A member of this closed code list, used directly.
const fn individual(list: &'static str) -> Range {
    Range::Individual(list)
}

/// Every class of the model except the code lists (those are in
/// [`CODE_LISTS`](super::CODE_LISTS)): clinical statements first, then the structured values
/// they nest, people and vCard classes, and the opaque and API classes.
pub static CLASSES: &[ClassDef] = &[
    statements::STATEMENT,
    statements::MEDICAL_RECORD,
    statements::ALLERGY,
    statements::ALLERGY_EXCLUSION,
    statements::DEMOGRAPHICS,
    statements::DOCUMENT,
    statements::CLINICAL_NOTE,
    statements::PHOTOGRAPH,
    statements::MEDICAL_IMAGE,
    statements::IMAGING_STUDY,
    statements::ENCOUNTER,
    statements::FAMILY_HISTORY,
    statements::FULFILLMENT,
    statements::IMMUNIZATION,
    statements::PANEL,
    statements::LAB_PANEL,
    statements::LAB_RESULT,
    statements::MEDICATION,
    statements::PROBLEM,
    statements::PROCEDURE,
    statements::SOCIAL_HISTORY,
    statements::VITAL_SIGN_SET,
    components::COMPONENT,
    components::DATA_TYPE,
    components::CODE,
    components::CODED_VALUE,
    components::CODE_PROVENANCE,
    components::VALUE_AND_UNIT,
    components::VITAL_SIGN,
    components::VALUE_RANGE,
    components::VALUE_RATIO,
    components::DCTERMS_MEDIA_TYPE_OR_EXTENT,
    components::ATTRIBUTION,
    components::BLOOD_PRESSURE,
    components::CONTENT,
    components::HASH,
    components::NARRATIVE_RESULT,
    components::QUANTITATIVE_RESULT,
    components::RESOURCE,
    components::SERIES,
    components::IMAGES_LIST,
    people::PERSON,
    people::PROVIDER,
    people::USER,
    people::ORGANIZATION,
    people::PHARMACY,
    people::PARTICIPANT,
    people::V_VCARD,
    people::V_NAME,
    people::V_ADDRESS,
    people::V_TEL,
    people::VCARD_LABELS,
    people::V_PREF,
    people::V_HOME,
    people::V_WORK,
    people::V_CELL,
    api::APP_MANIFEST,
    api::CONTAINER_MANIFEST,
    api::ONTOLOGY,
    api::SCRATCHPAD_DATA,
    api::USER_PREFERENCES,
    api::SMART_API,
    api::API_CALL,
    api::API_FILTER,
    api::API_PARAMETER,
    api::API_PARAMETER_SET,
];
