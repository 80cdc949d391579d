//! The 60 reference patients against the model: lenient mode accepts them all (their
//! known defects become warnings), strict mode reports those defects, and the counts per
//! rule and per defect are pinned so that a change to the validator or the model that
//! moves them is noticed.

mod common;

use std::collections::BTreeMap;
use std::path::Path;

use oxrdf::Graph;
use smart_rdf::RdfFormat;
use smart_rdf::validate::{KnownDefect, Report, Rule, Severity, ValidationOptions, validate};

fn load(path: &Path) -> Graph {
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    smart_rdf::parse(&bytes, RdfFormat::RdfXml, None)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// Strict errors per rule across all 60 files.
const STRICT_ERRORS_PER_RULE: &[(Rule, usize)] = &[
    // 3505 lab results and 1050 nested encounters without sp:belongsTo; 14 documents,
    // photographs and medical images without sp:resource.
    (Rule::MissingProperty, 4569),
    // sp:dateOfBirth (6) and sp:dateOfDeath (4) on family history.
    (Rule::UnknownProperty, 10),
    // Medical images whose sp:imagingStudy is the record.
    (Rule::WrongType, 7),
    // One medical image date with a three-digit seconds field.
    (Rule::Date, 1),
    // Quantitative lab values such as "0-2", "<1", ">20", "Few".
    (Rule::Number, 10),
    // Distinct procedure codes typed spcode:SNOMED instead of spcode:Procedure.
    (Rule::CodeType, 15),
    // The CVX product with the vaccine-group system.
    (Rule::CodeIdentity, 1),
];

/// The same findings, per known defect.
const STRICT_ERRORS_PER_DEFECT: &[(KnownDefect, usize)] = &[
    (KnownDefect::LabResultWithoutRecord, 3505),
    (KnownDefect::NestedEncounterWithoutRecord, 1050),
    (KnownDefect::ProcedureCodedAsSnomed, 15),
    (KnownDefect::DocumentWithoutResource, 14),
    (KnownDefect::MedicalImageWithoutStudy, 7),
    (KnownDefect::MedicalImageTimestamp, 1),
    (KnownDefect::FamilyHistoryDateProperties, 10),
    (KnownDefect::ImmunizationProductSystem, 1),
    (KnownDefect::LabValueNotNumeric, 10),
];

#[test]
fn reference_patients_are_valid_in_lenient_mode_and_their_defects_pinned_in_strict() {
    let Some(shared) = common::shared_dir() else {
        return;
    };
    let files = common::reference_patient_files(&shared);
    assert_eq!(files.len(), 60);
    let mut per_rule: BTreeMap<Rule, usize> = BTreeMap::new();
    let mut per_defect: BTreeMap<KnownDefect, usize> = BTreeMap::new();
    let mut lenient_warnings = 0;
    let mut per_file = Vec::new();
    let mut slowest = (String::new(), 0, std::time::Duration::ZERO);
    for path in &files {
        let graph = load(path);
        let started = std::time::Instant::now();
        let strict = validate(&graph, &ValidationOptions::strict());
        let took = started.elapsed();
        if took > slowest.2 {
            slowest = (name(path), graph.len(), took);
        }
        let lenient = validate(&graph, &ValidationOptions::lenient());

        assert!(
            lenient.is_valid(),
            "{}:\n{}",
            name(path),
            errors_only(&lenient)
        );
        // Lenient mode changes severities, nothing else.
        assert_eq!(
            lenient.findings.len(),
            strict.findings.len(),
            "{}",
            name(path)
        );
        assert_eq!(strict.warning_count(), 0);
        // Every strict error is a known defect: there is nothing else wrong with them.
        for f in &strict.findings {
            assert!(f.known_defect.is_some(), "{}: {f}", name(path));
        }
        for (rule, n) in strict.count_by_rule(Severity::Error) {
            *per_rule.entry(rule).or_insert(0) += n;
        }
        for (defect, n) in strict.count_by_defect() {
            *per_defect.entry(defect).or_insert(0) += n;
        }
        lenient_warnings += lenient.warning_count();
        per_file.push((name(path), strict.error_count()));
    }

    eprintln!("strict errors per rule across the 60 reference patients:");
    for (rule, n) in &per_rule {
        eprintln!("  {rule:<20} {n:>5}");
    }
    eprintln!("per known defect:");
    for (defect, n) in &per_defect {
        eprintln!("  {defect:<32} {n:>5}");
    }
    let with_errors: Vec<_> = per_file.iter().filter(|(_, n)| *n > 0).collect();
    eprintln!("files with strict errors: {} of 60", with_errors.len());
    eprintln!(
        "slowest strict validation: {} ({} triples) in {:?}",
        slowest.0, slowest.1, slowest.2
    );

    let expected_rules: BTreeMap<Rule, usize> = STRICT_ERRORS_PER_RULE.iter().copied().collect();
    assert_eq!(per_rule, expected_rules);
    let expected_defects: BTreeMap<KnownDefect, usize> =
        STRICT_ERRORS_PER_DEFECT.iter().copied().collect();
    assert_eq!(per_defect, expected_defects);
    let total: usize = expected_rules.values().sum();
    assert_eq!(total, expected_defects.values().sum::<usize>());
    assert_eq!(lenient_warnings, total);
}

/// A defect planted deep in a reference patient is found at every place it is planted,
/// and in both modes: the walk reaches every vital sign of every set.
#[test]
fn a_planted_defect_is_found_everywhere_in_a_reference_patient() {
    let Some(shared) = common::shared_dir() else {
        return;
    };
    let path = shared.join("data/reference-patients/p1796238.xml");
    let text = std::fs::read_to_string(&path).expect("read p1796238");
    // mm[Hg] is fixed for blood pressures only; lab results (pCO2, ...) use it freely, and
    // are planted too, to show they are left alone.
    let good_unit = "<sp:unit>mm[Hg]</sp:unit>";
    let pressures = text.matches("<sp:systolic ").count() + text.matches("<sp:diastolic ").count();
    assert!(
        pressures > 50 && text.matches(good_unit).count() > pressures,
        "{pressures}"
    );
    let broken = text.replace(good_unit, "<sp:unit>mmHg</sp:unit>");
    let graph = smart_rdf::parse(broken.as_bytes(), RdfFormat::RdfXml, None).expect("parses");
    for options in [ValidationOptions::strict(), ValidationOptions::lenient()] {
        let report = validate(&graph, &options);
        let fixed_unit: Vec<_> = report
            .errors()
            .filter(|f| f.rule == Rule::FixedUnit)
            .collect();
        assert_eq!(fixed_unit.len(), pressures, "{:?}", options.mode);
        let f = fixed_unit[0];
        assert_eq!(f.property.as_deref(), Some("sp:unit"));
        assert_eq!(f.found, "\"mmHg\"");
        assert!(
            f.node
                .contains("(sp:VitalSignSet › sp:bloodPressure › sp:s")
                || f.node
                    .contains("(sp:VitalSignSet › sp:bloodPressure › sp:d"),
            "{}",
            f.node
        );
    }
}

fn errors_only(report: &Report) -> String {
    report
        .errors()
        .map(|f| format!("{f}\n"))
        .collect::<String>()
}

/// Read as whole-record files (as `smart import` reads them, the record being the file
/// name's digits), the reference patients lose exactly the findings about missing
/// `sp:belongsTo` (their lab results and nested encounters belong to the record the file
/// is imported into, as the original loader had it); nothing else changes.
#[test]
fn as_whole_record_files_the_reference_patients_need_no_record_links() {
    use smart_core::RecordId;
    use smart_rdf::validate::RecordFile;
    let Some(shared) = common::shared_dir() else {
        return;
    };
    let mut per_defect: BTreeMap<KnownDefect, usize> = BTreeMap::new();
    for path in common::reference_patient_files(&shared) {
        let graph = load(&path);
        let stem = path
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or_default();
        let file = RecordFile::new(RecordId::from_file_name(stem));
        let strict = validate(
            &graph,
            &ValidationOptions::strict().with_record_file(file.clone()),
        );
        assert!(
            strict
                .findings
                .iter()
                .all(|f| f.property.as_deref() != Some("sp:belongsTo")),
            "{}:\n{}",
            name(&path),
            errors_only(&strict)
        );
        for (defect, n) in strict.count_by_defect() {
            *per_defect.entry(defect).or_insert(0) += n;
        }
        let lenient = validate(&graph, &ValidationOptions::lenient().with_record_file(file));
        assert!(lenient.is_valid(), "{}", name(&path));
    }
    let expected: BTreeMap<KnownDefect, usize> = STRICT_ERRORS_PER_DEFECT
        .iter()
        .copied()
        .filter(|(d, _)| {
            !matches!(
                d,
                KnownDefect::LabResultWithoutRecord | KnownDefect::NestedEncounterWithoutRecord
            )
        })
        .collect();
    assert_eq!(per_defect, expected);
}
