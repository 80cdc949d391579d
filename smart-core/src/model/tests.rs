//! Unit tests of the model tables and lookups.

use std::collections::HashSet;

use super::*;
use crate::{api, dcterms, foaf, sp, spcode, vcard};

/// The named statement subclasses of the ontology, plus `sp:Statement` itself.
const STATEMENTS: &[&str] = &[
    sp!("Statement"),
    sp!("Allergy"),
    sp!("AllergyExclusion"),
    sp!("Demographics"),
    sp!("Document"),
    sp!("ClinicalNote"),
    sp!("Photograph"),
    sp!("MedicalImage"),
    sp!("Encounter"),
    sp!("FamilyHistory"),
    sp!("Fulfillment"),
    sp!("ImagingStudy"),
    sp!("Immunization"),
    sp!("Panel"),
    sp!("LabPanel"),
    sp!("LabResult"),
    sp!("Medication"),
    sp!("Problem"),
    sp!("Procedure"),
    sp!("SocialHistory"),
    sp!("VitalSignSet"),
];

fn effective(class_iri: &str, property: &str) -> PropertyDef {
    effective_property(class_iri, property)
        .unwrap_or_else(|| panic!("{} has no {}", display(class_iri), display(property)))
}

#[test]
fn table_sizes_are_pinned() {
    assert_eq!(CLASSES.len(), 66);
    assert_eq!(statement_classes().count(), 21);
    assert_eq!(
        CLASSES.iter().map(|c| c.properties.len()).sum::<usize>(),
        167
    );
    assert_eq!(CODE_LISTS.len(), 29);
    assert_eq!(CODE_LISTS.iter().filter(|l| l.is_closed()).count(), 18);
    assert_eq!(
        CODE_LISTS.iter().map(|l| l.members.len()).sum::<usize>(),
        121
    );
    assert_eq!(CODE_SYSTEMS.len(), 10);
}

#[test]
fn iris_are_unique() {
    let mut seen = HashSet::new();
    for iri in CLASSES
        .iter()
        .map(|c| c.iri)
        .chain(CODE_LISTS.iter().map(|l| l.iri))
    {
        assert!(seen.insert(iri), "{iri} defined twice");
    }
    let mut members = HashSet::new();
    for m in CODE_LISTS.iter().flat_map(|l| l.members) {
        assert!(members.insert(m.iri), "member {} listed twice", m.iri);
    }
    for c in CLASSES {
        let mut props = HashSet::new();
        for p in c.properties {
            assert!(props.insert(p.iri), "{} restricts {} twice", c.iri, p.iri);
        }
    }
}

#[test]
fn every_reference_resolves() {
    for c in CLASSES {
        for parent in c.parents {
            assert!(class(parent).is_some(), "{}: parent {parent}", c.iri);
        }
        for p in c.properties {
            match p.range {
                Range::Class(target) => {
                    assert!(class(target).is_some(), "{} {}: {target}", c.iri, p.iri);
                }
                Range::CodedValue(list) | Range::Code(list) => {
                    assert!(code_list(list).is_some(), "{} {}: {list}", c.iri, p.iri);
                }
                Range::Individual(list) => {
                    let list = code_list(list).expect("individual range is a code list");
                    assert!(list.is_closed(), "{} {}: open list", c.iri, p.iri);
                }
                Range::Literal(_) => {}
            }
            if p.fixed_unit.is_some() {
                let Range::Class(target) = p.range else {
                    panic!("{} {}: fixed unit on a non-class range", c.iri, p.iri);
                };
                assert!(is_subclass_of(target, sp!("ValueAndUnit")), "{}", p.iri);
            }
        }
    }
    for l in CODE_LISTS {
        assert!(
            l.parent == sp!("Code") || code_list(l.parent).is_some(),
            "{}: parent {}",
            l.iri,
            l.parent
        );
        assert!(is_subclass_of(l.iri, sp!("Code")));
    }
}

#[test]
fn lookups() {
    let allergy = class(sp!("Allergy")).expect("sp:Allergy");
    assert_eq!(allergy.label, "Allergy");
    assert_eq!(allergy.plural, Some("Allergies"));
    assert_eq!(
        allergy.base_path,
        Some("/records/{record_id}/allergies/{allergy_id}")
    );
    assert_eq!(allergy.parents, &[sp!("Statement")]);
    assert!(class(sp!("Allergies")).is_none());
    assert!(class("").is_none());
    // A code list is not a class, and vice versa: spcode:VitalSign vs sp:VitalSign.
    assert!(class(spcode!("VitalSign")).is_none());
    assert!(code_list(sp!("VitalSign")).is_none());
    assert_eq!(
        class(sp!("VitalSign")).map(|c| c.parents),
        Some(&[sp!("ValueAndUnit")][..])
    );
    assert_eq!(
        code_list(spcode!("VitalSign")).map(|l| l.parent),
        Some(spcode!("LOINC"))
    );
    // Unlabelled classes are labelled with their local name.
    assert_eq!(
        class(sp!("ValueAndUnit")).map(|c| c.label),
        Some("ValueAndUnit")
    );
    assert_eq!(class(vcard!("VCard")).map(|c| c.label), Some("VCard"));
    assert_eq!(
        class(sp!("Statement")).map(|c| c.label),
        Some("SMART Statement")
    );
    assert!(class(api!("Call")).is_some_and(|c| c.parents == [sp!("SMARTAPI")]));
}

#[test]
fn statement_classes_are_exactly_the_statements() {
    for iri in STATEMENTS {
        let c = class(iri).unwrap_or_else(|| panic!("{iri} missing"));
        assert!(c.is_statement(), "{iri} should be a statement");
    }
    let found: HashSet<&str> = statement_classes().map(|c| c.iri).collect();
    let expected: HashSet<&str> = STATEMENTS.iter().copied().collect();
    assert_eq!(found, expected);
    for iri in [
        sp!("MedicalRecord"),
        sp!("Person"),
        sp!("Code"),
        sp!("CodedValue"),
        sp!("Series"),
        api!("Call"),
        vcard!("VCard"),
    ] {
        assert!(class(iri).is_some_and(|c| !c.is_statement()), "{iri}");
    }
}

#[test]
fn subclass_relation() {
    assert!(is_subclass_of(sp!("LabPanel"), sp!("Statement")));
    assert!(is_subclass_of(sp!("LabPanel"), sp!("Panel")));
    assert!(is_subclass_of(sp!("Demographics"), vcard!("VCard")));
    assert!(is_subclass_of(sp!("Demographics"), sp!("Component")));
    assert!(is_subclass_of(sp!("MedicalImage"), sp!("Document")));
    assert!(is_subclass_of(vcard!("Cell"), sp!("VCardLabels")));
    assert!(is_subclass_of(
        spcode!("AllergySeverity"),
        spcode!("SNOMED")
    ));
    assert!(is_subclass_of(spcode!("AllergySeverity"), sp!("Code")));
    assert!(is_subclass_of(spcode!("RxNorm_Semantic"), sp!("DataType")));
    assert!(!is_subclass_of(sp!("Document"), sp!("ClinicalNote")));
    assert!(!is_subclass_of(sp!("Person"), sp!("Statement")));
    assert!(!is_subclass_of("urn:x:unknown", sp!("Statement")));
    assert!(is_subclass_of("urn:x:unknown", "urn:x:unknown"));
}

#[test]
fn demographics_tightens_gender_and_birth_date() {
    let person = class(sp!("Person")).expect("sp:Person");
    assert_eq!(
        person.own_property(foaf!("gender")).map(|p| p.cardinality),
        Some(Cardinality::ZeroOrOne)
    );
    assert_eq!(
        effective(sp!("Person"), vcard!("bday")).cardinality,
        Cardinality::ZeroOrOne
    );
    assert_eq!(
        effective(sp!("Demographics"), foaf!("gender")).cardinality,
        Cardinality::One
    );
    assert_eq!(
        effective(sp!("Demographics"), vcard!("bday")).cardinality,
        Cardinality::One
    );
    // Inherited, untouched: v:n from VCard, belongsTo from Statement, race from Person.
    assert_eq!(
        effective(sp!("Demographics"), vcard!("n")).cardinality,
        Cardinality::One
    );
    assert_eq!(
        effective(sp!("Demographics"), vcard!("n")).range,
        Range::Class(vcard!("Name"))
    );
    assert_eq!(
        effective(sp!("Demographics"), sp!("belongsTo")).range,
        Range::Class(sp!("MedicalRecord"))
    );
    assert_eq!(
        effective(sp!("Demographics"), sp!("race")).cardinality,
        Cardinality::ZeroOrOne
    );
    let mrn = effective(sp!("Demographics"), sp!("medicalRecordNumber"));
    assert_eq!(mrn.cardinality, Cardinality::OneOrMore);
    assert_eq!(mrn.range, Range::Class(sp!("Code")));
    let gest = effective(sp!("Demographics"), sp!("gestationalAgeAtBirth"));
    assert_eq!(gest.fixed_unit, Some("wk"));
    // Each property once, even when restricted on several levels.
    let all = effective_properties(sp!("Demographics"));
    let unique: HashSet<&str> = all.iter().map(|p| p.iri).collect();
    assert_eq!(unique.len(), all.len());
    // 4 own + 4 Person (gender overridden) + 6 VCard (bday overridden) + 1 Statement.
    assert_eq!(all.len(), 4 + 3 + 5 + 1);
}

#[test]
fn document_subclasses_inherit_document_properties() {
    let document: Vec<PropertyDef> = effective_properties(sp!("Document"));
    assert_eq!(document.len(), 8 + 1);
    for sub in [sp!("ClinicalNote"), sp!("Photograph")] {
        let props = effective_properties(sub);
        assert_eq!(props, document, "{sub}");
    }
    let image = effective_properties(sp!("MedicalImage"));
    for p in &document {
        assert!(image.contains(p), "MedicalImage lacks {}", p.iri);
    }
    assert_eq!(image.len(), document.len() + 4);
    let study = effective(sp!("MedicalImage"), sp!("imagingStudy"));
    assert_eq!(study.cardinality, Cardinality::One);
    assert_eq!(study.range, Range::Class(sp!("ImagingStudy")));
    let resource = effective(sp!("ClinicalNote"), sp!("resource"));
    assert_eq!(resource.cardinality, Cardinality::One);
    assert_eq!(resource.range, Range::Class(sp!("Resource")));
    let size = effective(sp!("MedicalImage"), sp!("fileSize"));
    assert_eq!(size.fixed_unit, Some("byte"));
    assert_eq!(size.range, Range::Class(sp!("ValueAndUnit")));
    assert_eq!(
        effective(sp!("Photograph"), dcterms!("format")).range,
        Range::Class(dcterms!("MediaTypeOrExtent"))
    );
    assert!(effective_property(sp!("Document"), sp!("imagingStudy")).is_none());
    assert!(effective_properties("urn:x:unknown").is_empty());
}

#[test]
fn most_specific_statement_class() {
    let of = |types: &[&str]| statement_class_of(types.iter().copied()).map(|c| c.iri);
    assert_eq!(
        of(&[sp!("Document"), sp!("ClinicalNote")]),
        Some(sp!("ClinicalNote"))
    );
    assert_eq!(
        of(&[sp!("ClinicalNote"), sp!("Document")]),
        Some(sp!("ClinicalNote"))
    );
    assert_eq!(
        of(&[sp!("Statement"), sp!("Document"), sp!("MedicalImage")]),
        Some(sp!("MedicalImage"))
    );
    assert_eq!(
        of(&[sp!("Person"), sp!("Demographics")]),
        Some(sp!("Demographics"))
    );
    assert_eq!(of(&[sp!("Panel"), sp!("LabPanel")]), Some(sp!("LabPanel")));
    assert_eq!(of(&[sp!("Allergy")]), Some(sp!("Allergy")));
    assert_eq!(of(&[sp!("Person"), sp!("CodedValue"), "urn:x:other"]), None);
    assert_eq!(of(&[]), None);
}

#[test]
fn coded_properties_and_fixed_units() {
    let allergy = class(sp!("Allergy")).expect("sp:Allergy");
    let severity = allergy.own_property(sp!("severity")).expect("severity");
    assert_eq!(severity.cardinality, Cardinality::One);
    assert_eq!(
        severity.range,
        Range::CodedValue(spcode!("AllergySeverity"))
    );
    assert_eq!(
        effective(sp!("SocialHistory"), sp!("smokingStatus")).range,
        Range::CodedValue(spcode!("SmokingStatus"))
    );
    assert_eq!(
        effective(sp!("CodeProvenance"), sp!("translationFidelity")).range,
        Range::Individual(spcode!("TranslationFidelity"))
    );
    assert_eq!(
        effective(sp!("CodeProvenance"), sp!("sourceCode")).range,
        Range::Literal(Some("http://www.w3.org/2001/XMLSchema#anyURI"))
    );
    assert_eq!(
        effective(sp!("ImagingStudy"), sp!("modality")).cardinality,
        Cardinality::OneOrMore
    );
    let units = [
        ("height", "cm"),
        ("weight", "kg"),
        ("bodyMassIndex", "kg/m2"),
        ("heartRate", "{beats}/min"),
        ("respiratoryRate", "{breaths}/min"),
        ("temperature", "Cel"),
        ("oxygenSaturation", "%{HemoglobinSaturation}"),
        ("headCircumference", "cm"),
    ];
    let set = class(sp!("VitalSignSet")).expect("sp:VitalSignSet");
    for (local, unit) in units {
        let p = set
            .properties
            .iter()
            .find(|p| p.iri.strip_prefix(vocab::SP) == Some(local))
            .unwrap_or_else(|| panic!("VitalSignSet lacks {local}"));
        assert_eq!(p.fixed_unit, Some(unit), "{local}");
        assert_eq!(p.range, Range::Class(sp!("VitalSign")), "{local}");
        assert_eq!(p.cardinality, Cardinality::ZeroOrOne, "{local}");
    }
    for side in [sp!("systolic"), sp!("diastolic")] {
        let p = effective(sp!("BloodPressure"), side);
        assert_eq!(p.fixed_unit, Some("mm[Hg]"));
        assert_eq!(p.cardinality, Cardinality::One);
    }
    let with_unit = CLASSES
        .iter()
        .flat_map(|c| c.properties)
        .filter(|p| p.fixed_unit.is_some())
        .count();
    assert_eq!(with_unit, 13);
}

#[test]
fn code_list_membership() {
    let severity = code_list(spcode!("AllergySeverity")).expect("AllergySeverity");
    assert!(severity.is_closed());
    assert_eq!(severity.system, Some(vocab::SNOMED));
    let severe = severity.member_by_identifier("24484000").expect("Severe");
    assert_eq!(severe.title, "Severe");
    assert_eq!(
        severe.iri,
        "http://purl.bioontology.org/ontology/SNOMEDCT/24484000"
    );
    assert!(severity.accepts(severe.iri));
    // A SNOMED code that is not a severity.
    assert!(!severity.accepts("http://purl.bioontology.org/ontology/SNOMEDCT/39579001"));

    let status = code_list(spcode!("LabResultStatus")).expect("LabResultStatus");
    assert_eq!(
        status.system,
        Some("http://smartplatforms.org/terms/codes/LabStatus#")
    );
    assert!(status.accepts("http://smartplatforms.org/terms/codes/LabStatus#final"));
    assert!(!status.accepts("http://smartplatforms.org/terms/codes/LabResultStatus#final"));

    let encounter = code_list(spcode!("EncounterType")).expect("EncounterType");
    let home = encounter
        .member(spcode!("EncounterType#home"))
        .expect("home");
    assert_eq!((home.identifier, home.title), ("home", "Home encounter"));

    let modality = code_list(spcode!("ModalityType")).expect("ModalityType");
    assert_eq!(modality.members.len(), 36);
    assert_eq!(
        modality.member_by_identifier("CT").map(|m| m.title),
        Some("Computed Tomography")
    );

    let refusal = code_list(spcode!("ImmunizationRefusalReason")).expect("refusal reasons");
    assert_eq!(refusal.members.len(), 13);
    assert!(
        refusal
            .member_by_identifier("recentChemoOrRadiaton")
            .is_some()
    );

    let smoking = code_list(spcode!("SmokingStatus")).expect("SmokingStatus");
    assert_eq!(smoking.parent, spcode!("SNOMED"));
    assert_eq!(
        smoking
            .member_by_identifier("428041000124106")
            .map(|m| m.title),
        Some("Current some day smoker")
    );

    let rxnorm = code_list(spcode!("RxNorm_Semantic")).expect("RxNorm_Semantic");
    assert!(!rxnorm.is_closed());
    assert!(rxnorm.accepts("http://purl.bioontology.org/ontology/RXNORM/856845"));
    assert!(!rxnorm.accepts(vocab::RXNORM));
    assert!(!rxnorm.accepts("http://purl.bioontology.org/ontology/SNOMEDCT/856845"));

    let mrn = code_list(spcode!("MedicalRecordNumber")).expect("MedicalRecordNumber");
    assert_eq!(mrn.system, None);
    assert!(mrn.accepts("urn:local:12345"));
    assert!(!mrn.accepts(""));

    let (list, member) =
        code_member("http://purl.bioontology.org/ontology/LNC/8480-6").expect("systolic");
    assert_eq!(list.iri, spcode!("VitalSign"));
    assert_eq!(member.title, "Intravascular systolic");
    assert!(code_member("http://purl.bioontology.org/ontology/LNC/2951-2").is_none());
}

#[test]
fn member_iris_are_system_plus_identifier() {
    for list in CODE_LISTS {
        for m in list.members {
            let system = list
                .system
                .unwrap_or_else(|| panic!("{} has no system", list.iri));
            assert_eq!(m.iri.strip_prefix(system), Some(m.identifier), "{}", m.iri);
            assert!(!m.title.is_empty(), "{}", m.iri);
        }
    }
}

#[test]
fn code_systems() {
    let name = |iri: &str| code_system_of(iri).map(|s| s.name);
    assert_eq!(
        name("http://purl.bioontology.org/ontology/RXNORM/856845"),
        Some("RxNorm")
    );
    assert_eq!(
        name("http://purl.bioontology.org/ontology/SNOMEDCT/24484000"),
        Some("SNOMED CT")
    );
    assert_eq!(
        name("http://purl.bioontology.org/ontology/LNC/2951-2"),
        Some("LOINC")
    );
    assert_eq!(
        name("http://purl.bioontology.org/ontology/NDFRT/N0000175503"),
        Some("NDF-RT")
    );
    assert_eq!(name("http://fda.gov/UNII/2P3VWU3H10"), Some("UNII"));
    assert_eq!(
        name("http://www2a.cdc.gov/nip/IIS/IISStandards/vaccines.asp?rpt=cvx#116"),
        Some("CVX")
    );
    assert_eq!(
        name("http://www2a.cdc.gov/nip/IIS/IISStandards/vaccines.asp?rpt=vg#ROTAVIRUS"),
        Some("CDC Vaccine Group")
    );
    assert_eq!(
        name("http://purl.org/NET/mediatypes/text/plain"),
        Some("Media Types")
    );
    assert_eq!(name(spcode!("EncounterType#home")), Some("SMART"));
    assert_eq!(name("http://unitsofmeasure.org/mm[Hg]"), Some("UCUM"));
    assert_eq!(name("http://example.org/x"), None);
    // Every list's system belongs to one of the code systems.
    for list in CODE_LISTS {
        if let Some(system) = list.system {
            assert!(code_system_of(system).is_some(), "{}", list.iri);
        }
    }
}

#[test]
fn base_paths() {
    for c in CLASSES {
        let Some(path) = c.base_path else {
            assert!(
                !c.is_statement() || [sp!("Statement"), sp!("Panel")].contains(&c.iri),
                "{} has no base path",
                c.iri
            );
            continue;
        };
        assert!(path.starts_with("/records/{record_id}"), "{path}");
        assert!(
            c.is_statement() || c.iri == sp!("MedicalRecord"),
            "{}",
            c.iri
        );
        // Item paths end with an id variable, except the one-per-record statements.
        if path.matches('/').count() == 4 {
            assert!(path.ends_with("_id}"), "{path}");
        }
    }
    assert_eq!(
        class(sp!("Photograph")).and_then(|c| c.base_path),
        Some("/records/{record_id}/photographs/{photograph_id}")
    );
    assert_eq!(
        class(sp!("SocialHistory")).and_then(|c| c.base_path),
        Some("/records/{record_id}/social_history")
    );
}

#[test]
fn descriptions_are_single_lines() {
    for c in CLASSES {
        assert!(!c.description.is_empty(), "{}", c.iri);
        assert!(!c.description.contains('\n'), "{}", c.iri);
        assert!(c.description.len() <= 100, "{}", c.iri);
    }
}
