//! Structured values nested in statements: codes, quantities, ranges, document payloads,
//! imaging series.

use super::{RDFS_LABEL, XSD_ANY_URI, coded, individual, lit, many, node, one, opt, typed};
use crate::model::ClassDef;
use crate::{dcterms, sp, spcode};

pub(super) const COMPONENT: ClassDef = ClassDef {
    iri: sp!("Component"),
    label: "Component",
    plural: None,
    parents: &[],
    base_path: None,
    properties: &[],
    description: "Abstract base of the structured values nested inside statements.",
};

pub(super) const DATA_TYPE: ClassDef = ClassDef {
    iri: sp!("DataType"),
    label: "DataType",
    plural: None,
    parents: &[sp!("Component")],
    base_path: None,
    properties: &[],
    description: "Abstract base of the small reusable value types.",
};

pub(super) const CODE: ClassDef = ClassDef {
    iri: sp!("Code"),
    label: "Code",
    plural: None,
    parents: &[sp!("DataType")],
    base_path: None,
    properties: &[
        one(dcterms!("identifier"), lit()),
        one(sp!("system"), lit()),
        one(dcterms!("title"), lit()),
    ],
    description: "A concept of a code system; its IRI is the system prefix plus the identifier.",
};

pub(super) const CODED_VALUE: ClassDef = ClassDef {
    iri: sp!("CodedValue"),
    label: "Coded Value",
    plural: None,
    parents: &[sp!("DataType")],
    base_path: None,
    properties: &[
        one(sp!("code"), node(sp!("Code"))),
        one(dcterms!("title"), lit()),
        many(sp!("provenance"), node(sp!("CodeProvenance"))),
    ],
    description: "A coded answer: a display title plus the code it stands for.",
};

pub(super) const CODE_PROVENANCE: ClassDef = ClassDef {
    iri: sp!("CodeProvenance"),
    label: "CodeProvenance",
    plural: None,
    parents: &[sp!("Component")],
    base_path: None,
    properties: &[
        one(sp!("sourceCode"), typed(XSD_ANY_URI)),
        one(dcterms!("title"), lit()),
        opt(
            sp!("translationFidelity"),
            individual(spcode!("TranslationFidelity")),
        ),
    ],
    description: "The local code a coded value was translated from, and how reliably.",
};

pub(super) const VALUE_AND_UNIT: ClassDef = ClassDef {
    iri: sp!("ValueAndUnit"),
    label: "ValueAndUnit",
    plural: None,
    parents: &[sp!("DataType")],
    base_path: None,
    properties: &[one(sp!("unit"), lit()), one(sp!("value"), lit())],
    description: "A numeric value with its UCUM unit.",
};

pub(super) const VITAL_SIGN: ClassDef = ClassDef {
    iri: sp!("VitalSign"),
    label: "VitalSign",
    plural: None,
    parents: &[sp!("ValueAndUnit")],
    base_path: None,
    properties: &[opt(sp!("vitalName"), coded(spcode!("VitalSign")))],
    description: "A measured vital sign: a value and unit plus the LOINC name of the measurement.",
};

pub(super) const VALUE_RANGE: ClassDef = ClassDef {
    iri: sp!("ValueRange"),
    label: "ValueRange",
    plural: None,
    parents: &[sp!("DataType")],
    base_path: None,
    properties: &[
        one(sp!("maximum"), node(sp!("ValueAndUnit"))),
        one(sp!("minimum"), node(sp!("ValueAndUnit"))),
    ],
    description: "A range between two values with units (lower bound included, upper excluded).",
};

pub(super) const VALUE_RATIO: ClassDef = ClassDef {
    iri: sp!("ValueRatio"),
    label: "ValueRatio",
    plural: None,
    parents: &[sp!("DataType")],
    base_path: None,
    properties: &[
        one(sp!("denominator"), node(sp!("ValueAndUnit"))),
        one(sp!("numerator"), node(sp!("ValueAndUnit"))),
    ],
    description: "A ratio of two values with units.",
};

pub(super) const DCTERMS_MEDIA_TYPE_OR_EXTENT: ClassDef = ClassDef {
    iri: dcterms!("MediaTypeOrExtent"),
    label: "MediaTypeOrExtent",
    plural: None,
    parents: &[sp!("DataType")],
    base_path: None,
    properties: &[one(RDFS_LABEL, lit())],
    description: "A media (MIME) type, named by its label, e.g. text/plain.",
};

pub(super) const ATTRIBUTION: ClassDef = ClassDef {
    iri: sp!("Attribution"),
    label: "Attribution",
    plural: None,
    parents: &[sp!("Component")],
    base_path: None,
    properties: &[
        opt(sp!("endDate"), lit()),
        opt(sp!("participant"), node(sp!("Participant"))),
        opt(sp!("startDate"), lit()),
    ],
    description: "Who took part in something, and over which dates.",
};

pub(super) const BLOOD_PRESSURE: ClassDef = ClassDef {
    iri: sp!("BloodPressure"),
    label: "BloodPressure",
    plural: None,
    parents: &[sp!("Component")],
    base_path: None,
    properties: &[
        one(sp!("diastolic"), node(sp!("VitalSign"))).with_fixed_unit("mm[Hg]"),
        one(sp!("systolic"), node(sp!("VitalSign"))).with_fixed_unit("mm[Hg]"),
        opt(
            sp!("bodyPosition"),
            coded(spcode!("BloodPressureBodyPosition")),
        ),
        opt(sp!("bodySite"), coded(spcode!("BloodPressureBodySite"))),
        opt(sp!("method"), coded(spcode!("BloodPressureMethod"))),
    ],
    description: "A blood pressure reading: systolic and diastolic values plus how it was taken.",
};

pub(super) const CONTENT: ClassDef = ClassDef {
    iri: sp!("Content"),
    label: "Content",
    plural: None,
    parents: &[sp!("Component")],
    base_path: None,
    properties: &[one(sp!("encoding"), lit()), one(sp!("value"), lit())],
    description: "The bytes of a file, inline, with their encoding.",
};

pub(super) const HASH: ClassDef = ClassDef {
    iri: sp!("Hash"),
    label: "Hash",
    plural: None,
    parents: &[sp!("Component")],
    base_path: None,
    properties: &[one(sp!("algorithm"), lit()), one(sp!("value"), lit())],
    description: "A digest of a file and the algorithm that produced it.",
};

pub(super) const NARRATIVE_RESULT: ClassDef = ClassDef {
    iri: sp!("NarrativeResult"),
    label: "NarrativeResult",
    plural: None,
    parents: &[sp!("Component")],
    base_path: None,
    properties: &[one(sp!("value"), lit())],
    description: "A result given as free text.",
};

pub(super) const QUANTITATIVE_RESULT: ClassDef = ClassDef {
    iri: sp!("QuantitativeResult"),
    label: "QuantitativeResult",
    plural: None,
    parents: &[sp!("Component")],
    base_path: None,
    properties: &[
        one(sp!("valueAndUnit"), node(sp!("ValueAndUnit"))),
        opt(sp!("nonCriticalRange"), node(sp!("ValueRange"))),
        opt(sp!("normalRange"), node(sp!("ValueRange"))),
    ],
    description: "A numeric result with its normal and non-critical ranges.",
};

pub(super) const RESOURCE: ClassDef = ClassDef {
    iri: sp!("Resource"),
    label: "Resource",
    plural: None,
    parents: &[sp!("Component")],
    base_path: None,
    properties: &[
        opt(sp!("content"), node(sp!("Content"))),
        opt(sp!("hash"), node(sp!("Hash"))),
        opt(sp!("location"), lit()),
    ],
    description: "Where a document's payload is found: a location, inline content and/or a hash.",
};

pub(super) const SERIES: ClassDef = ClassDef {
    iri: sp!("Series"),
    label: "Series",
    plural: None,
    parents: &[sp!("Component")],
    base_path: None,
    properties: &[
        one(sp!("images"), node(sp!("ImagesList"))),
        opt(sp!("modality"), coded(spcode!("ModalityType"))),
        opt(dcterms!("title"), lit()),
    ],
    description: "One series of images within an imaging study.",
};

pub(super) const IMAGES_LIST: ClassDef = ClassDef {
    iri: sp!("ImagesList"),
    label: "ImagesList",
    plural: None,
    parents: &[sp!("Component")],
    base_path: None,
    properties: &[],
    description: "An ordered RDF list of the medical images of a series.",
};
