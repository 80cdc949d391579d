//! Code lists and code systems.
//!
//! Every `spcode:` class of the ontology is a [`CodeList`]. Closed lists carry their members
//! (IRI, `dcterms:identifier`, exact `dcterms:title`); open lists accept any concept of their
//! system. Members are written with the `snomed!`, `loinc!` and `smart!` macros below, which
//! build the IRI from the system prefix and the identifier so the two cannot disagree.

use super::{CodeList, CodeMember, CodeSystem};
use crate::{sp, spcode, vocab};

/// NDF-RT concept IRIs (drug classes).
const NDFRT: &str = "http://purl.bioontology.org/ontology/NDFRT/";
/// FDA UNII substance IRIs.
const UNII: &str = "http://fda.gov/UNII/";
/// CDC CVX vaccine product IRIs.
const CVX: &str = "http://www2a.cdc.gov/nip/IIS/IISStandards/vaccines.asp?rpt=cvx#";
/// CDC vaccine group IRIs.
const VACCINE_GROUP: &str = "http://www2a.cdc.gov/nip/IIS/IISStandards/vaccines.asp?rpt=vg#";
/// The UCUM prefix we chose (see [`CODE_SYSTEMS`]).
const UCUM: &str = "http://unitsofmeasure.org/";

/// A SNOMED CT member: IRI `SNOMEDCT/{id}`.
macro_rules! snomed {
    ($id:literal, $title:literal) => {
        CodeMember::new(
            concat!("http://purl.bioontology.org/ontology/SNOMEDCT/", $id),
            $id,
            $title,
        )
    };
}

/// A LOINC member: IRI `LNC/{id}`.
macro_rules! loinc {
    ($id:literal, $title:literal) => {
        CodeMember::new(
            concat!("http://purl.bioontology.org/ontology/LNC/", $id),
            $id,
            $title,
        )
    };
}

/// A member of a SMART enumeration: IRI `spcode:{namespace}#{id}`.
macro_rules! smart {
    ($namespace:literal, $id:literal, $title:literal) => {
        CodeMember::new(
            concat!(
                "http://smartplatforms.org/terms/codes/",
                $namespace,
                "#",
                $id
            ),
            $id,
            $title,
        )
    };
}

/// Every `spcode:` code list: the open vocabularies first (each followed by the lists that
/// narrow it), then the closed SMART lists.
pub static CODE_LISTS: &[CodeList] = &[
    CodeList {
        iri: spcode!("RxNorm"),
        parent: sp!("Code"),
        label: "RxNorm",
        system: Some(vocab::RXNORM),
        members: &[],
    },
    CodeList {
        iri: spcode!("RxNorm_Semantic"),
        parent: spcode!("RxNorm"),
        label: "RxNorm_Semantic",
        system: Some(vocab::RXNORM),
        members: &[],
    },
    CodeList {
        iri: spcode!("RxNorm_Ingredient"),
        parent: spcode!("RxNorm"),
        label: "RxNorm_Ingredient",
        system: Some(vocab::RXNORM),
        members: &[],
    },
    CodeList {
        iri: spcode!("NDFRT"),
        parent: sp!("Code"),
        label: "NDFRT",
        system: Some(NDFRT),
        members: &[],
    },
    CodeList {
        iri: spcode!("UNII"),
        parent: sp!("Code"),
        label: "UNII",
        system: Some(UNII),
        members: &[],
    },
    CodeList {
        iri: spcode!("LOINC"),
        parent: sp!("Code"),
        label: "LOINC",
        system: Some(vocab::LOINC),
        members: &[],
    },
    CodeList {
        iri: spcode!("VitalSign"),
        parent: spcode!("LOINC"),
        label: "VitalSign",
        system: Some(vocab::LOINC),
        members: &[
            loinc!("8462-4", "Intravascular diastolic"),
            loinc!("9279-1", "Respiration rate"),
            loinc!("39156-5", "Body mass index"),
            loinc!("8310-5", "Body temperature"),
            loinc!("2710-2", "Oxygen saturation"),
            loinc!("8302-2", "Body height"),
            loinc!("8867-4", "Heart rate"),
            loinc!("8480-6", "Intravascular systolic"),
            loinc!("3141-9", "Body weight"),
            loinc!("8287-5", "Head circumference"),
            loinc!("8306-3", "Body height (lying)"),
        ],
    },
    CodeList {
        iri: spcode!("SNOMED"),
        parent: sp!("Code"),
        label: "SNOMED",
        system: Some(vocab::SNOMED),
        members: &[],
    },
    CodeList {
        iri: spcode!("Procedure"),
        parent: spcode!("SNOMED"),
        label: "Procedure",
        system: Some(vocab::SNOMED),
        members: &[],
    },
    CodeList {
        iri: spcode!("AllergyCategory"),
        parent: spcode!("SNOMED"),
        label: "AllergyCategory",
        system: Some(vocab::SNOMED),
        members: &[
            snomed!("414285001", "Food allergy"),
            snomed!("426232007", "Environmental allergy"),
            snomed!("416098002", "Drug allergy"),
            snomed!("59037007", "Drug intolerance"),
            snomed!("235719002", "Food intolerance"),
        ],
    },
    CodeList {
        iri: spcode!("AllergySeverity"),
        parent: spcode!("SNOMED"),
        label: "AllergySeverity",
        system: Some(vocab::SNOMED),
        members: &[
            snomed!("255604002", "Mild"),
            snomed!("442452003", "Life threatening"),
            snomed!("6736007", "Moderate"),
            snomed!("399166001", "Fatal"),
            snomed!("24484000", "Severe"),
        ],
    },
    CodeList {
        iri: spcode!("AllergyExclusion"),
        parent: spcode!("SNOMED"),
        label: "AllergyExclusion",
        system: Some(vocab::SNOMED),
        members: &[
            snomed!("160244002", "No known allergies"),
            snomed!("428607008", "No known environmental allergy"),
            snomed!("429625007", "No known food allergy"),
            snomed!("409137002", "No known history of drug allergy"),
        ],
    },
    CodeList {
        iri: spcode!("ProblemStatus"),
        parent: spcode!("SNOMED"),
        label: "ProblemStatus",
        system: Some(vocab::SNOMED),
        members: &[
            snomed!("55561003", "Active"),
            snomed!("73425007", "Inactive"),
            snomed!("413322009", "Resolved"),
        ],
    },
    CodeList {
        iri: spcode!("ProcedureStatus"),
        parent: spcode!("SNOMED"),
        label: "ProcedureStatus",
        system: Some(vocab::SNOMED),
        members: &[
            snomed!("385657008", "Aborted"),
            snomed!("89925002", "Cancelled"),
            snomed!("410523001", "Active"),
            snomed!("385658003", "Complete"),
        ],
    },
    CodeList {
        iri: spcode!("SmokingStatus"),
        parent: spcode!("SNOMED"),
        label: "SmokingStatus",
        system: Some(vocab::SNOMED),
        members: &[
            snomed!("449868002", "Current every day smoker"),
            snomed!("266927001", "Unknown if ever smoked"),
            snomed!("8517006", "Former smoker"),
            snomed!("266919005", "Never smoker"),
            snomed!("428041000124106", "Current some day smoker"),
        ],
    },
    CodeList {
        iri: spcode!("BloodPressureBodyPosition"),
        parent: spcode!("SNOMED"),
        label: "BloodPressureBodyPosition",
        system: Some(vocab::SNOMED),
        members: &[
            snomed!("40199007", "Supine"),
            snomed!("33586001", "Sitting"),
            snomed!("10904000", "Standing"),
        ],
    },
    CodeList {
        iri: spcode!("BloodPressureBodySite"),
        parent: spcode!("SNOMED"),
        label: "BloodPressureBodySite",
        system: Some(vocab::SNOMED),
        members: &[
            snomed!("61396006", "Left thigh"),
            snomed!("368209003", "Right arm"),
            snomed!("11207009", "Right thigh"),
            snomed!("368208006", "Left arm"),
        ],
    },
    CodeList {
        iri: spcode!("BloodPressureMethod"),
        parent: sp!("Code"),
        label: "BloodPressureMethod",
        system: Some(spcode!("BloodPressureMethod#")),
        members: &[
            smart!("BloodPressureMethod", "invasive", "Invasive"),
            smart!("BloodPressureMethod", "palpation", "Palpation"),
            smart!("BloodPressureMethod", "machine", "Machine"),
            smart!("BloodPressureMethod", "auscultation", "Auscultation"),
        ],
    },
    CodeList {
        iri: spcode!("EncounterType"),
        parent: sp!("Code"),
        label: "EncounterType",
        system: Some(spcode!("EncounterType#")),
        members: &[
            smart!("EncounterType", "home", "Home encounter"),
            smart!("EncounterType", "emergency", "Emergency encounter"),
            smart!("EncounterType", "ambulatory", "Ambulatory encounter"),
            smart!("EncounterType", "inpatient", "Inpatient encounter"),
            smart!("EncounterType", "field", "Field encounter"),
            smart!("EncounterType", "virtual", "Virtual encounter"),
        ],
    },
    CodeList {
        iri: spcode!("DocumentType"),
        parent: sp!("Code"),
        label: "DocumentType",
        system: Some(spcode!("DocumentType#")),
        members: &[
            smart!("DocumentType", "summary", "Summary about the patient"),
            smart!(
                "DocumentType",
                "image",
                "A digital image pertaining to the patient record"
            ),
            smart!("DocumentType", "letter", "Letter about the patient"),
            smart!("DocumentType", "report", "A report about the patient"),
            smart!("DocumentType", "note", "A clinical note about the patient"),
            smart!("DocumentType", "referral", "Patient referral note"),
        ],
    },
    CodeList {
        iri: spcode!("ImmunizationAdministrationStatus"),
        parent: sp!("Code"),
        label: "ImmunizationAdministrationStatus",
        system: Some(spcode!("ImmunizationAdministrationStatus#")),
        members: &[
            smart!(
                "ImmunizationAdministrationStatus",
                "doseGiven",
                "Dose Given"
            ),
            smart!(
                "ImmunizationAdministrationStatus",
                "notAdministered",
                "Not Administered"
            ),
            smart!(
                "ImmunizationAdministrationStatus",
                "partialDose",
                "Dose Partially Administered"
            ),
        ],
    },
    CodeList {
        iri: spcode!("ImmunizationRefusalReason"),
        parent: sp!("Code"),
        label: "ImmunizationRefusalReason",
        system: Some(spcode!("ImmunizationRefusalReason#")),
        members: &[
            smart!(
                "ImmunizationRefusalReason",
                "vaccineUnavailable",
                "Vaccine unavailable at visit"
            ),
            smart!(
                "ImmunizationRefusalReason",
                "patientUndergoingDesensitizationTherapy",
                "Patient undergoing desensitization therapy"
            ),
            smart!(
                "ImmunizationRefusalReason",
                "notIndicatedPerGuidelines",
                "Not indicated per guidelines"
            ),
            smart!(
                "ImmunizationRefusalReason",
                "recentChemoOrRadiaton",
                "Recent chemotherapy/radiaton"
            ),
            smart!(
                "ImmunizationRefusalReason",
                "allergy",
                "Allergy to vaccine/vaccine components, or allergy to eggs"
            ),
            smart!(
                "ImmunizationRefusalReason",
                "providerDeferred",
                "Provider deferred"
            ),
            smart!(
                "ImmunizationRefusalReason",
                "documentedImmunityOrPreviousDisease",
                "Documented immunity or previous disease"
            ),
            smart!(
                "ImmunizationRefusalReason",
                "previouslyVaccinated",
                "Previously vaccinated"
            ),
            smart!(
                "ImmunizationRefusalReason",
                "contraindicated",
                "Contraindicated"
            ),
            smart!(
                "ImmunizationRefusalReason",
                "patientOrParentRefused",
                "Patient/parent refused"
            ),
            smart!(
                "ImmunizationRefusalReason",
                "comfortMeasuresOnly",
                "Comfort Measures Only"
            ),
            smart!(
                "ImmunizationRefusalReason",
                "possiblePriorAllergyOrReaction",
                "Possible allergy/reaction to prior dose"
            ),
            smart!(
                "ImmunizationRefusalReason",
                "recentOrganOrStemCellTransplant",
                "Recent organ/stem cell transplant"
            ),
        ],
    },
    CodeList {
        iri: spcode!("ImmunizationProduct"),
        parent: sp!("Code"),
        label: "ImmunizationProduct",
        system: Some(CVX),
        members: &[],
    },
    CodeList {
        iri: spcode!("ImmunizationClass"),
        parent: sp!("Code"),
        label: "ImmunizationClass",
        system: Some(VACCINE_GROUP),
        members: &[],
    },
    CodeList {
        iri: spcode!("LabResultInterpretation"),
        parent: sp!("Code"),
        label: "LabResultInterpretation",
        system: Some(spcode!("LabResultInterpretation#")),
        members: &[
            smart!("LabResultInterpretation", "normal", "Normal"),
            smart!("LabResultInterpretation", "critical", "Critical"),
            smart!("LabResultInterpretation", "abnormal", "Abnormal"),
        ],
    },
    CodeList {
        iri: spcode!("LabResultStatus"),
        parent: sp!("Code"),
        label: "LabResultStatus",
        system: Some(spcode!("LabStatus#")),
        members: &[
            smart!("LabStatus", "correction", "Correction"),
            smart!("LabStatus", "preliminary", "Preliminary"),
            smart!("LabStatus", "final", "Final"),
        ],
    },
    CodeList {
        iri: spcode!("TranslationFidelity"),
        parent: sp!("Code"),
        label: "TranslationFidelity",
        system: Some(spcode!("TranslationFidelity#")),
        members: &[
            smart!("TranslationFidelity", "automated", "Automated"),
            smart!("TranslationFidelity", "unmappable", "Unmappable"),
            smart!("TranslationFidelity", "verified", "Verified"),
        ],
    },
    CodeList {
        iri: spcode!("ModalityType"),
        parent: sp!("Code"),
        label: "ModalityType",
        system: Some(spcode!("ModalityType#")),
        members: &[
            smart!("ModalityType", "AR", "Autorefraction"),
            smart!("ModalityType", "BDUS", "Ultrasound Bone Densitometry"),
            smart!("ModalityType", "BMD", "Bone Mineral Densitometry"),
            smart!("ModalityType", "CR", "Computed Radiography"),
            smart!("ModalityType", "CT", "Computed Tomography"),
            smart!("ModalityType", "DX", "Digital Radiography"),
            smart!("ModalityType", "ECG", "Electrocardiography"),
            smart!("ModalityType", "EPS", "Cardiac Electrophysiology"),
            smart!("ModalityType", "ES", "Endoscopy"),
            smart!("ModalityType", "GM", "General Microscopy"),
            smart!("ModalityType", "HD", "Hemodynamic Waveform"),
            smart!("ModalityType", "IO", "Intra-oral Radiography"),
            smart!(
                "ModalityType",
                "IVOCT",
                "Intravascular Optical Coherence Tomography"
            ),
            smart!("ModalityType", "IVUS", "Intravascular Ultrasound"),
            smart!("ModalityType", "KER", "Keratometry"),
            smart!("ModalityType", "LEN", "Lensometry"),
            smart!("ModalityType", "MG", "Mammography"),
            smart!("ModalityType", "MR", "Magnetic Resonance"),
            smart!("ModalityType", "NM", "Nuclear Medicine"),
            smart!("ModalityType", "OAM", "Ophthalmic Axial Measurements"),
            smart!("ModalityType", "OCT", "Optical Coherence Tomography"),
            smart!("ModalityType", "OP", "Ophthalmic Photography"),
            smart!("ModalityType", "OPM", "Ophthalmic Mapping"),
            smart!("ModalityType", "OPR", "Ophthalmic Refraction"),
            smart!("ModalityType", "OPT", "Ophthalmic Tomography"),
            smart!("ModalityType", "OPV", "Ophthalmic Visual Field"),
            smart!("ModalityType", "PT", "Positron emission tomography"),
            smart!("ModalityType", "PX", "Panoramic X-Ray"),
            smart!("ModalityType", "RF", "Radiofluoroscopy"),
            smart!("ModalityType", "RG", "Radiographic imaging"),
            smart!("ModalityType", "SM", "Slide Microscopy"),
            smart!("ModalityType", "SRF", "Subjective Refraction"),
            smart!("ModalityType", "US", "Ultrasound"),
            smart!("ModalityType", "VA", "Visual Acuity"),
            smart!("ModalityType", "XA", "X-Ray Angiography"),
            smart!("ModalityType", "XC", "External-camera Photography"),
        ],
    },
    CodeList {
        iri: spcode!("MedicalRecordNumber"),
        parent: sp!("Code"),
        label: "MedicalRecordNumber",
        system: None,
        members: &[],
    },
];

/// The code systems concept IRIs come from, each with the prefix its concept IRIs start
/// with. [`code_system_of`](super::code_system_of) picks the longest matching prefix.
///
/// UCUM is listed for completeness: SMART never builds UCUM IRIs, it writes units as plain
/// literals in `sp:unit` (e.g. `mm[Hg]`). We give it `http://unitsofmeasure.org/`, the
/// UCUM site that HL7 also uses as the UCUM system URI, so tools that want an IRI for the
/// unit system have a stable one.
pub static CODE_SYSTEMS: &[CodeSystem] = &[
    CodeSystem {
        name: "RxNorm",
        prefix: vocab::RXNORM,
    },
    CodeSystem {
        name: "SNOMED CT",
        prefix: vocab::SNOMED,
    },
    CodeSystem {
        name: "LOINC",
        prefix: vocab::LOINC,
    },
    CodeSystem {
        name: "NDF-RT",
        prefix: NDFRT,
    },
    CodeSystem {
        name: "UNII",
        prefix: UNII,
    },
    CodeSystem {
        name: "CVX",
        prefix: CVX,
    },
    CodeSystem {
        name: "CDC Vaccine Group",
        prefix: VACCINE_GROUP,
    },
    CodeSystem {
        name: "UCUM",
        prefix: UCUM,
    },
    CodeSystem {
        name: "Media Types",
        prefix: vocab::MIME,
    },
    CodeSystem {
        name: "SMART",
        prefix: vocab::SPCODE,
    },
];
