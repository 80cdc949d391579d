//! Clinical statements (the items of a record), their abstract bases and the record itself.

use super::{coded, lit, many, node, one, one_or_more, opt};
use crate::model::ClassDef;
use crate::{dcterms, foaf, sp, spcode, vcard};

pub(super) const STATEMENT: ClassDef = ClassDef {
    iri: sp!("Statement"),
    label: "SMART Statement",
    plural: None,
    parents: &[],
    base_path: None,
    properties: &[one(sp!("belongsTo"), node(sp!("MedicalRecord")))],
    description: "Abstract base of every clinical statement; each points back to its record.",
};

pub(super) const MEDICAL_RECORD: ClassDef = ClassDef {
    iri: sp!("MedicalRecord"),
    label: "Medical Record",
    plural: None,
    parents: &[],
    base_path: Some("/records/{record_id}"),
    properties: &[many(sp!("hasStatement"), node(sp!("Statement")))],
    description: "One patient record; the container that clinical statements belong to.",
};

pub(super) const ALLERGY: ClassDef = ClassDef {
    iri: sp!("Allergy"),
    label: "Allergy",
    plural: Some("Allergies"),
    parents: &[sp!("Statement")],
    base_path: Some("/records/{record_id}/allergies/{allergy_id}"),
    properties: &[
        one(sp!("allergicReaction"), coded(spcode!("SNOMED"))),
        one(sp!("category"), coded(spcode!("AllergyCategory"))),
        one(sp!("severity"), coded(spcode!("AllergySeverity"))),
        one(sp!("startDate"), lit()),
        opt(sp!("drugAllergen"), coded(spcode!("RxNorm_Ingredient"))),
        opt(sp!("drugClassAllergen"), coded(spcode!("NDFRT"))),
        opt(sp!("endDate"), lit()),
        opt(sp!("otherAllergen"), coded(spcode!("UNII"))),
    ],
    description: "An allergy or intolerance: category, severity, reaction and coded allergen.",
};

pub(super) const ALLERGY_EXCLUSION: ClassDef = ClassDef {
    iri: sp!("AllergyExclusion"),
    label: "Allergy Exclusion",
    plural: Some("Allergy Exclusions"),
    parents: &[sp!("Statement")],
    base_path: Some("/records/{record_id}/allergy_exclusions/{allergy_exclusion_id}"),
    properties: &[
        one(
            sp!("allergyExclusionName"),
            coded(spcode!("AllergyExclusion")),
        ),
        one(dcterms!("date"), lit()),
    ],
    description: "An explicit statement that the patient has no known allergies of some kind.",
};

pub(super) const DEMOGRAPHICS: ClassDef = ClassDef {
    iri: sp!("Demographics"),
    label: "Demographics",
    plural: None,
    parents: &[sp!("Person"), sp!("Statement")],
    base_path: Some("/records/{record_id}/demographics"),
    properties: &[
        one(vcard!("bday"), lit()),
        one(foaf!("gender"), lit()),
        one_or_more(sp!("medicalRecordNumber"), node(sp!("Code"))),
        opt(sp!("gestationalAgeAtBirth"), node(sp!("ValueAndUnit"))).with_fixed_unit("wk"),
    ],
    description: "The patient: name, contact details, birth date, gender and record numbers.",
};

pub(super) const DOCUMENT: ClassDef = ClassDef {
    iri: sp!("Document"),
    label: "Document",
    plural: Some("Documents"),
    parents: &[sp!("Statement")],
    base_path: Some("/records/{record_id}/documents/{document_id}"),
    properties: &[
        one(dcterms!("date"), lit()),
        one(dcterms!("format"), node(dcterms!("MediaTypeOrExtent"))),
        one(sp!("resource"), node(sp!("Resource"))),
        opt(sp!("fileName"), lit()),
        opt(sp!("fileSize"), node(sp!("ValueAndUnit"))).with_fixed_unit("byte"),
        opt(sp!("provider"), node(sp!("Provider"))),
        opt(dcterms!("title"), lit()),
        many(sp!("documentType"), coded(spcode!("DocumentType"))),
    ],
    description: "A file attached to the record (letter, report, image, ...) with its metadata.",
};

pub(super) const CLINICAL_NOTE: ClassDef = ClassDef {
    iri: sp!("ClinicalNote"),
    label: "Clinical Note",
    plural: Some("Clinical Notes"),
    parents: &[sp!("Document")],
    base_path: Some("/records/{record_id}/clinical_notes/{clinical_note_id}"),
    properties: &[],
    description: "A free-text clinical note, carried with the document model.",
};

pub(super) const PHOTOGRAPH: ClassDef = ClassDef {
    iri: sp!("Photograph"),
    label: "Photograph",
    plural: Some("Photographs"),
    parents: &[sp!("Document")],
    base_path: Some("/records/{record_id}/photographs/{photograph_id}"),
    properties: &[],
    description: "A head-shot picture of the patient, carried with the document model.",
};

pub(super) const MEDICAL_IMAGE: ClassDef = ClassDef {
    iri: sp!("MedicalImage"),
    label: "Medical Image",
    plural: Some("Medical Images"),
    parents: &[sp!("Document")],
    base_path: Some("/records/{record_id}/medical_images/{medical_image_id}"),
    properties: &[
        one(sp!("imagingStudy"), node(sp!("ImagingStudy"))),
        opt(sp!("dicomImageUID"), lit()),
        opt(sp!("dicomSeriesUID"), lit()),
        opt(sp!("dicomStudyUID"), lit()),
    ],
    description: "A single medical image (e.g. a DICOM file) that belongs to an imaging study.",
};

pub(super) const IMAGING_STUDY: ClassDef = ClassDef {
    iri: sp!("ImagingStudy"),
    label: "Imaging Study",
    plural: Some("Imaging Studies"),
    parents: &[sp!("Statement")],
    base_path: Some("/records/{record_id}/imaging_studies/{imaging_study_id}"),
    properties: &[
        one(dcterms!("date"), lit()),
        one(dcterms!("title"), lit()),
        one_or_more(sp!("modality"), coded(spcode!("ModalityType"))),
        one_or_more(sp!("series"), node(sp!("Series"))),
        opt(sp!("accessionNumber"), lit()),
    ],
    description: "An imaging study: its date, title, modalities and series of images.",
};

pub(super) const ENCOUNTER: ClassDef = ClassDef {
    iri: sp!("Encounter"),
    label: "Encounter",
    plural: Some("Encounters"),
    parents: &[sp!("Statement")],
    base_path: Some("/records/{record_id}/encounters/{encounter_id}"),
    properties: &[
        one(sp!("encounterType"), coded(spcode!("EncounterType"))),
        one(sp!("startDate"), lit()),
        opt(sp!("endDate"), lit()),
        opt(sp!("facility"), node(sp!("Organization"))),
        opt(sp!("provider"), node(sp!("Provider"))),
    ],
    description: "A visit or other contact between the patient and the care system.",
};

pub(super) const FAMILY_HISTORY: ClassDef = ClassDef {
    iri: sp!("FamilyHistory"),
    label: "Family History Observation",
    plural: Some("Family History Observations"),
    parents: &[sp!("Statement")],
    base_path: Some("/records/{record_id}/family_history/{family_history_id}"),
    properties: &[
        one(sp!("aboutRelative"), coded(spcode!("SNOMED"))),
        opt(vcard!("bday"), lit()),
        opt(vcard!("deathdate"), lit()),
        opt(sp!("height"), node(sp!("VitalSign"))).with_fixed_unit("cm"),
        many(sp!("hasProblem"), coded(spcode!("SNOMED"))),
    ],
    description: "A problem observed in one of the patient's relatives.",
};

pub(super) const FULFILLMENT: ClassDef = ClassDef {
    iri: sp!("Fulfillment"),
    label: "Fulfillment",
    plural: Some("Fulfillments"),
    parents: &[sp!("Statement")],
    base_path: Some("/records/{record_id}/fulfillments/{fulfillment_id}"),
    properties: &[
        one(dcterms!("date"), lit()),
        one(sp!("dispenseDaysSupply"), lit()),
        one(sp!("medication"), node(sp!("Medication"))),
        opt(sp!("pbm"), lit()),
        opt(sp!("pharmacy"), node(sp!("Pharmacy"))),
        opt(sp!("provider"), node(sp!("Provider"))),
        opt(sp!("quantityDispensed"), node(sp!("ValueAndUnit"))),
    ],
    description: "One dispensing of a prescribed medication by a pharmacy.",
};

pub(super) const IMMUNIZATION: ClassDef = ClassDef {
    iri: sp!("Immunization"),
    label: "Immunization",
    plural: Some("Immunizations"),
    parents: &[sp!("Statement")],
    base_path: Some("/records/{record_id}/immunizations/{immunization_id}"),
    properties: &[
        one(
            sp!("administrationStatus"),
            coded(spcode!("ImmunizationAdministrationStatus")),
        ),
        one(dcterms!("date"), lit()),
        one(sp!("productName"), coded(spcode!("ImmunizationProduct"))),
        opt(
            sp!("refusalReason"),
            coded(spcode!("ImmunizationRefusalReason")),
        ),
        many(sp!("productClass"), coded(spcode!("ImmunizationClass"))),
    ],
    description: "A vaccine dose that was given, or offered and not given.",
};

pub(super) const PANEL: ClassDef = ClassDef {
    iri: sp!("Panel"),
    label: "Panel",
    plural: None,
    parents: &[sp!("Statement")],
    base_path: None,
    properties: &[],
    description: "Abstract base for a group of related results.",
};

pub(super) const LAB_PANEL: ClassDef = ClassDef {
    iri: sp!("LabPanel"),
    label: "Lab Panel",
    plural: Some("Lab Panels"),
    parents: &[sp!("Panel")],
    base_path: Some("/records/{record_id}/lab_panels/{lab_panel_id}"),
    properties: &[
        one_or_more(sp!("labResult"), node(sp!("LabResult"))),
        opt(sp!("labName"), coded(spcode!("LOINC"))),
    ],
    description: "A named group of laboratory results ordered together.",
};

pub(super) const LAB_RESULT: ClassDef = ClassDef {
    iri: sp!("LabResult"),
    label: "Lab Result",
    plural: Some("Lab Results"),
    parents: &[sp!("Statement")],
    base_path: Some("/records/{record_id}/lab_results/{lab_result_id}"),
    properties: &[
        one(dcterms!("date"), lit()),
        one(sp!("labName"), coded(spcode!("LOINC"))),
        opt(
            sp!("abnormalInterpretation"),
            coded(spcode!("LabResultInterpretation")),
        ),
        opt(sp!("accessionNumber"), lit()),
        opt(sp!("labStatus"), coded(spcode!("LabResultStatus"))),
        opt(sp!("narrativeResult"), node(sp!("NarrativeResult"))),
        opt(sp!("notes"), lit()),
        opt(sp!("quantitativeResult"), node(sp!("QuantitativeResult"))),
    ],
    description: "One laboratory test result, quantitative or narrative.",
};

pub(super) const MEDICATION: ClassDef = ClassDef {
    iri: sp!("Medication"),
    label: "Medication",
    plural: Some("Medications"),
    parents: &[sp!("Statement")],
    base_path: Some("/records/{record_id}/medications/{medication_id}"),
    properties: &[
        one(sp!("drugName"), coded(spcode!("RxNorm_Semantic"))),
        one(sp!("instructions"), lit()),
        one(sp!("startDate"), lit()),
        opt(sp!("endDate"), lit()),
        opt(sp!("frequency"), node(sp!("ValueAndUnit"))),
        opt(sp!("quantity"), node(sp!("ValueAndUnit"))),
        many(sp!("fulfillment"), node(sp!("Fulfillment"))),
        many(sp!("provenance"), node(sp!("Code"))),
    ],
    description: "A medication the patient takes or took, with dose, frequency and dispensings.",
};

pub(super) const PROBLEM: ClassDef = ClassDef {
    iri: sp!("Problem"),
    label: "Problem",
    plural: Some("Problems"),
    parents: &[sp!("Statement")],
    base_path: Some("/records/{record_id}/problems/{problem_id}"),
    properties: &[
        one(sp!("problemName"), coded(spcode!("SNOMED"))),
        one(sp!("startDate"), lit()),
        opt(sp!("endDate"), lit()),
        opt(sp!("notes"), lit()),
        opt(sp!("problemStatus"), coded(spcode!("ProblemStatus"))),
        many(sp!("encounters"), node(sp!("Encounter"))),
    ],
    description: "An entry of the problem list (diagnosis or finding).",
};

pub(super) const PROCEDURE: ClassDef = ClassDef {
    iri: sp!("Procedure"),
    label: "Procedure",
    plural: Some("Procedures"),
    parents: &[sp!("Statement")],
    base_path: Some("/records/{record_id}/procedures/{procedure_id}"),
    properties: &[
        one(dcterms!("date"), lit()),
        one(sp!("procedureName"), coded(spcode!("Procedure"))),
        opt(sp!("notes"), lit()),
        opt(sp!("procedureStatus"), coded(spcode!("ProcedureStatus"))),
        many(sp!("provider"), node(sp!("Provider"))),
    ],
    description: "A procedure performed on (or planned for) the patient.",
};

pub(super) const SOCIAL_HISTORY: ClassDef = ClassDef {
    iri: sp!("SocialHistory"),
    label: "Social History",
    plural: None,
    parents: &[sp!("Statement")],
    base_path: Some("/records/{record_id}/social_history"),
    properties: &[opt(sp!("smokingStatus"), coded(spcode!("SmokingStatus")))],
    description: "Social history of the patient; at present only the smoking status.",
};

pub(super) const VITAL_SIGN_SET: ClassDef = ClassDef {
    iri: sp!("VitalSignSet"),
    label: "Vital Sign Set",
    plural: Some("Vital Sign Sets"),
    parents: &[sp!("Statement")],
    base_path: Some("/records/{record_id}/vital_sign_sets/{vital_sign_set_id}"),
    properties: &[
        one(dcterms!("date"), lit()),
        one(sp!("encounter"), node(sp!("Encounter"))),
        opt(sp!("bloodPressure"), node(sp!("BloodPressure"))),
        opt(sp!("bodyMassIndex"), node(sp!("VitalSign"))).with_fixed_unit("kg/m2"),
        opt(sp!("headCircumference"), node(sp!("VitalSign"))).with_fixed_unit("cm"),
        opt(sp!("heartRate"), node(sp!("VitalSign"))).with_fixed_unit("{beats}/min"),
        opt(sp!("height"), node(sp!("VitalSign"))).with_fixed_unit("cm"),
        opt(sp!("oxygenSaturation"), node(sp!("VitalSign")))
            .with_fixed_unit("%{HemoglobinSaturation}"),
        opt(sp!("respiratoryRate"), node(sp!("VitalSign"))).with_fixed_unit("{breaths}/min"),
        opt(sp!("temperature"), node(sp!("VitalSign"))).with_fixed_unit("Cel"),
        opt(sp!("weight"), node(sp!("VitalSign"))).with_fixed_unit("kg"),
    ],
    description: "Vital signs measured together during one encounter.",
};
