//! The known defects of the original sample-patient generator (and of the hand-written
//! vitals patient `99912345`), which lenient mode reports as warnings.
//!
//! Each defect is matched narrowly (rule + class + property, and sometimes the offending
//! value), so that lenient mode does not hide the same kind of problem elsewhere.

use std::fmt;

use smart_core::{dcterms, sp, spcode};

use super::finding::Rule;

/// A defect of the reference patients that lenient mode tolerates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum KnownDefect {
    /// `sp:LabResult` without `sp:belongsTo`: the generator's `addLabResults` never links
    /// lab results to the record (the server's loader adds the link).
    LabResultWithoutRecord,
    /// An `sp:Encounter` nested in a vital-sign set (`sp:encounter`) without
    /// `sp:belongsTo`; the loader adds the link.
    NestedEncounterWithoutRecord,
    /// A procedure name coded `spcode:SNOMED` instead of `spcode:Procedure` (a subclass
    /// of it that the ontology requires); the original verifier never noticed.
    ProcedureCodedAsSnomed,
    /// An `sp:Document`, `sp:Photograph` or `sp:MedicalImage` of the vitals patient
    /// without `sp:resource` (its payload is on disk beside the file, not linked).
    DocumentWithoutResource,
    /// An `sp:MedicalImage` without `sp:imagingStudy`, or whose `sp:imagingStudy` points
    /// to the medical record instead of the study (the vitals patient predates the 2014
    /// imaging classes).
    MedicalImageWithoutStudy,
    /// An `sp:MedicalImage` `dcterms:date` with a three-digit seconds field
    /// (`12:14:041.3421Z`), a typo in the vitals patient.
    MedicalImageTimestamp,
    /// `sp:FamilyHistory` using `sp:dateOfBirth` / `sp:dateOfDeath`, which do not exist;
    /// the model says `v:bday` / `v:deathdate` (whose labels are "dateOfBirth" and
    /// "dateOfDeath", hence the mix-up).
    FamilyHistoryDateProperties,
    /// A CVX immunization product whose `sp:system` is the vaccine-group namespace
    /// (`…?rpt=vg#`), copied from the ontology's own example.
    ImmunizationProductSystem,
    /// A quantitative lab result whose value is a range, a comparison or a word (`0-2`,
    /// `<1`, `>20`, `Few`): the generator picks a quantitative result from the test's
    /// LOINC scale, whatever the value in its input table looks like.
    LabValueNotNumeric,
}

impl KnownDefect {
    /// Every known defect.
    pub const ALL: [KnownDefect; 9] = [
        Self::LabResultWithoutRecord,
        Self::NestedEncounterWithoutRecord,
        Self::ProcedureCodedAsSnomed,
        Self::DocumentWithoutResource,
        Self::MedicalImageWithoutStudy,
        Self::MedicalImageTimestamp,
        Self::FamilyHistoryDateProperties,
        Self::ImmunizationProductSystem,
        Self::LabValueNotNumeric,
    ];

    /// A stable kebab-case name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::LabResultWithoutRecord => "lab-result-without-record",
            Self::NestedEncounterWithoutRecord => "nested-encounter-without-record",
            Self::ProcedureCodedAsSnomed => "procedure-coded-as-snomed",
            Self::DocumentWithoutResource => "document-without-resource",
            Self::MedicalImageWithoutStudy => "medical-image-without-study",
            Self::MedicalImageTimestamp => "medical-image-timestamp",
            Self::FamilyHistoryDateProperties => "family-history-date-properties",
            Self::ImmunizationProductSystem => "immunization-product-system",
            Self::LabValueNotNumeric => "lab-value-not-numeric",
        }
    }

    /// A short explanation for messages.
    pub fn description(self) -> &'static str {
        match self {
            Self::LabResultWithoutRecord => "lab results are not linked to their record",
            Self::NestedEncounterWithoutRecord => {
                "encounters nested in vital sign sets are not linked to their record"
            }
            Self::ProcedureCodedAsSnomed => "procedure codes are typed spcode:SNOMED",
            Self::DocumentWithoutResource => "documents and images have no sp:resource",
            Self::MedicalImageWithoutStudy => "medical images are not linked to their study",
            Self::MedicalImageTimestamp => "a medical image date has a three-digit seconds field",
            Self::FamilyHistoryDateProperties => {
                "family history uses sp:dateOfBirth/sp:dateOfDeath for v:bday/v:deathdate"
            }
            Self::ImmunizationProductSystem => "a CVX product code has the vaccine-group system",
            Self::LabValueNotNumeric => "a quantitative lab result has a non-numeric value",
        }
    }
}

impl fmt::Display for KnownDefect {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.as_str())
    }
}

/// Where a finding was made, as much as the classification needs.
#[derive(Debug, Clone, Copy)]
pub(super) struct Site<'s> {
    pub(super) rule: Rule,
    /// The class (or, for code checks, the code list) the node is checked against.
    pub(super) class: &'s str,
    /// The property concerned (full IRI).
    pub(super) property: Option<&'s str>,
    /// How the node was reached: the referring node's class and the property, when the
    /// node is nested in another one.
    pub(super) via: Option<(&'s str, &'s str)>,
    /// The `rdf:type`s of the offending value node (or of the node, for code checks).
    pub(super) value_types: &'s [&'s str],
    /// The offending literal text, when there is one.
    pub(super) value: Option<&'s str>,
}

const VACCINE_GROUP_SYSTEM: &str = "http://www2a.cdc.gov/nip/IIS/IISStandards/vaccines.asp?rpt=vg#";

/// The known defect a finding matches, if any.
pub(super) fn classify(site: &Site<'_>) -> Option<KnownDefect> {
    let prop = site.property.unwrap_or("");
    match site.rule {
        Rule::MissingProperty if prop == sp!("belongsTo") => {
            if site.class == sp!("LabResult") {
                Some(KnownDefect::LabResultWithoutRecord)
            } else if site.class == sp!("Encounter")
                && site.via.is_some_and(|(_, p)| p == sp!("encounter"))
            {
                Some(KnownDefect::NestedEncounterWithoutRecord)
            } else {
                None
            }
        }
        Rule::MissingProperty
            if prop == sp!("resource")
                && [sp!("Document"), sp!("Photograph"), sp!("MedicalImage")]
                    .contains(&site.class) =>
        {
            Some(KnownDefect::DocumentWithoutResource)
        }
        Rule::MissingProperty
            if prop == sp!("imagingStudy") && site.class == sp!("MedicalImage") =>
        {
            Some(KnownDefect::MedicalImageWithoutStudy)
        }
        Rule::WrongType
            if prop == sp!("imagingStudy")
                && site.class == sp!("MedicalImage")
                && site.value_types.contains(&sp!("MedicalRecord")) =>
        {
            Some(KnownDefect::MedicalImageWithoutStudy)
        }
        Rule::Date if prop == dcterms!("date") && site.class == sp!("MedicalImage") => {
            let v = site.value.unwrap_or("");
            // Only the observed typo: hh:mm: followed by three digits.
            let three_digit_seconds = v.split('T').nth(1).is_some_and(|t| {
                let b = t.as_bytes();
                b.len() >= 9 && b[5] == b':' && b[6..9].iter().all(u8::is_ascii_digit)
            });
            three_digit_seconds.then_some(KnownDefect::MedicalImageTimestamp)
        }
        Rule::Number
            if prop == sp!("value")
                && site.via == Some((sp!("QuantitativeResult"), sp!("valueAndUnit"))) =>
        {
            Some(KnownDefect::LabValueNotNumeric)
        }
        Rule::CodeType
            if site.class == spcode!("Procedure")
                && site.value_types.contains(&spcode!("SNOMED")) =>
        {
            Some(KnownDefect::ProcedureCodedAsSnomed)
        }
        Rule::UnknownProperty
            if site.class == sp!("FamilyHistory")
                && (prop == sp!("dateOfBirth") || prop == sp!("dateOfDeath")) =>
        {
            Some(KnownDefect::FamilyHistoryDateProperties)
        }
        Rule::CodeIdentity
            if site.class == spcode!("ImmunizationProduct")
                && site.value == Some(VACCINE_GROUP_SYSTEM) =>
        {
            Some(KnownDefect::ImmunizationProductSystem)
        }
        _ => None,
    }
}
