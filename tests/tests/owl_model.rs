//! The data model tables of `smart-core` agree with the 2014 SMART ontology (`smart.owl`).
//!
//! The ontology is read here independently of `smart-core` (with oxrdf), normalised into
//! classes, property restrictions and code lists, and compared with the static tables in
//! both directions: every named class, every restriction (cardinality, range, fixed unit),
//! every code list and member (IRI, identifier, title). The code nodes of the ontology's
//! RDF/XML examples are checked against the code lists as well, since they are the only
//! place where the ontology spells out `sp:system` and `dcterms:identifier`.
//!
//! All mismatches are collected and printed together. A difference is tolerated only when
//! its subject is listed in [`DELIBERATE`] with the reason; a listed subject that no longer
//! differs fails the test too, so the list cannot go stale.

mod common;
#[path = "owl_model/reader.rs"]
mod reader;

use std::collections::BTreeSet;
use std::fmt::Write as _;

use reader::{ORange, Ontology, SP, SPCODE, local_name, namespace, read_ontology, short};
use smart_core::model::{self, Cardinality};
use smart_core::vocab;

/// Differences from the ontology that smart-core makes on purpose: (subject, reason). The
/// subjects are those printed by the checker; the reasons repeat the module docs of
/// `smart_core::model` ("Deliberate decisions").
const DELIBERATE: &[(&str, &str)] = &[
    (
        "sp:Photograph base_path",
        "the ontology names the variable {photographs}; we use {photograph_id} like every \
         other item path",
    ),
    (
        "example sp:ImagingStudy <http://smartplatforms.org/terms/codes/ModalityType#MR> type",
        "the example types an sp:modality code as spcode:DocumentType (a copy-paste slip); \
         the sp:modality restriction requires spcode:ModalityType, which is where it is",
    ),
    (
        "example sp:Immunization <http://www2a.cdc.gov/nip/IIS/IISStandards/vaccines.asp?rpt=cvx#25> sp:system",
        "the example gives a CVX product the vaccine-group system (rpt=vg#); we follow its \
         IRI and the class comment: spcode:ImmunizationProduct is CVX (rpt=cvx#)",
    ),
];

/// Totals pinned by this test (the ontology and smart-core must both have exactly these).
const CLASSES: usize = 66;
const STATEMENT_CLASSES: usize = 21;
const PROPERTIES: usize = 167;
const CODE_LISTS: usize = 29;
const CLOSED_CODE_LISTS: usize = 18;
const MEMBERS: usize = 121;
/// `api:example` literals that parse as RDF/XML (the other three are JSON or placeholders).
const PARSED_EXAMPLES: usize = 18;

// ---------------------------------------------------------------------------------------
// Comparing
// ---------------------------------------------------------------------------------------

#[derive(Default)]
struct Mismatches(Vec<(String, String)>);

impl Mismatches {
    fn add(&mut self, subject: impl Into<String>, detail: impl Into<String>) {
        self.0.push((subject.into(), detail.into()));
    }

    fn check<T: PartialEq + std::fmt::Debug>(&mut self, subject: String, ours: T, theirs: T) {
        if ours != theirs {
            self.add(
                subject,
                format!("smart-core has {ours:?}, the ontology {theirs:?}"),
            );
        }
    }
}

fn compare_classes(onto: &Ontology, out: &mut Mismatches) {
    for (iri, oc) in &onto.classes {
        let name = short(iri);
        let Some(ours) = model::class(iri) else {
            out.add(&name, "class of the ontology missing from smart-core");
            continue;
        };
        let label = oc.label.as_deref().unwrap_or(local_name(iri));
        out.check(format!("{name} label"), ours.label, label);
        out.check(format!("{name} plural"), ours.plural, oc.plural.as_deref());
        out.check(
            format!("{name} base_path"),
            ours.base_path,
            oc.base_path.as_deref(),
        );
        let parents: BTreeSet<String> = ours.parents.iter().map(|p| (*p).to_owned()).collect();
        out.check(format!("{name} parents"), parents, oc.parents.clone());
        for (p, op) in &oc.props {
            let subject = format!("{name} {}", short(p));
            let Some(pd) = ours.own_property(p) else {
                out.add(
                    subject,
                    "restriction of the ontology missing from smart-core",
                );
                continue;
            };
            if pd.cardinality != op.cardinality {
                out.add(
                    format!("{subject} cardinality"),
                    format!("smart-core {}, ontology {}", pd.cardinality, op.cardinality),
                );
            }
            let range = ORange::from(pd.range);
            if range != op.range {
                out.add(
                    format!("{subject} range"),
                    format!("smart-core {range}, ontology {}", op.range),
                );
            }
            out.check(
                format!("{subject} fixed_unit"),
                pd.fixed_unit,
                op.unit.as_deref(),
            );
        }
        for pd in ours.properties {
            if !oc.props.contains_key(pd.iri) {
                out.add(
                    format!("{name} {}", short(pd.iri)),
                    "restriction not in the ontology",
                );
            }
        }
    }
    for c in model::CLASSES {
        if !onto.classes.contains_key(c.iri) {
            out.add(
                short(c.iri),
                "class not in the ontology (or it is a code list there)",
            );
        }
    }
}

fn compare_code_lists(onto: &Ontology, out: &mut Mismatches) {
    for (iri, ol) in &onto.lists {
        let name = short(iri);
        let Some(ours) = model::code_list(iri) else {
            out.add(&name, "code list of the ontology missing from smart-core");
            continue;
        };
        let label = ol.label.as_deref().unwrap_or(local_name(iri));
        out.check(format!("{name} label"), ours.label, label);
        out.check(
            format!("{name} parent"),
            BTreeSet::from([ours.parent.to_owned()]),
            ol.parents.clone(),
        );
        out.check(
            format!("{name} system"),
            ours.system,
            expected_system(onto, iri, ours.system).as_deref(),
        );
        let Some(members) = &ol.members else {
            if ours.is_closed() {
                out.add(
                    format!("{name} members"),
                    "closed in smart-core, open in the ontology",
                );
            }
            continue;
        };
        if !ours.is_closed() {
            out.add(
                format!("{name} members"),
                "open in smart-core, closed in the ontology",
            );
        }
        for (m, title) in members {
            let subject = format!("{name} {}", short(m));
            let Some(om) = ours.member(m) else {
                out.add(subject, "member of the ontology missing from smart-core");
                continue;
            };
            out.check(format!("{subject} title"), Some(om.title), title.as_deref());
            let identifier = ours.system.and_then(|s| m.strip_prefix(s));
            out.check(
                format!("{subject} identifier"),
                Some(om.identifier),
                identifier,
            );
        }
        for om in ours.members {
            if !members.iter().any(|(m, _)| m == om.iri) {
                out.add(
                    format!("{name} {}", short(om.iri)),
                    "member not in the ontology",
                );
            }
        }
    }
    for l in model::CODE_LISTS {
        if !onto.lists.contains_key(l.iri) {
            out.add(short(l.iri), "code list not in the ontology");
        }
    }
}

/// The system the ontology implies for a list: the namespace of its members when closed;
/// else the namespace of the example codes of the list and the lists below it; else (no
/// examples) our system if the comment of the list or an ancestor spells it out; else none.
fn expected_system(onto: &Ontology, list: &str, ours: Option<&str>) -> Option<String> {
    let ol = onto.lists.get(list)?;
    if let Some(members) = &ol.members {
        let namespaces: BTreeSet<&str> = members.iter().map(|(m, _)| namespace(m)).collect();
        return match namespaces.len() {
            1 => namespaces.first().map(|s| (*s).to_owned()),
            _ => Some(format!("several namespaces {namespaces:?}")),
        };
    }
    let below = onto.descendants(list);
    let namespaces: BTreeSet<&str> = onto
        .example_codes
        .iter()
        .filter(|c| below.contains(&c.list))
        .map(|c| namespace(&c.iri))
        .collect();
    match namespaces.len() {
        0 => {}
        1 => return namespaces.first().map(|s| (*s).to_owned()),
        _ => return Some(format!("several namespaces {namespaces:?}")),
    }
    let ours = ours?;
    let documented = onto
        .list_ancestors(list)
        .iter()
        .flat_map(|l| &l.comments)
        .any(|c| c.contains(ours));
    documented.then(|| ours.to_owned())
}

fn compare_examples(onto: &Ontology, out: &mut Mismatches) {
    for code in &onto.example_codes {
        let subject = format!("example {} {}", short(&code.owner), short(&code.iri));
        let Some(list) = model::code_list(&code.list) else {
            out.add(
                format!("{subject} type"),
                format!("unknown list {}", short(&code.list)),
            );
            continue;
        };
        if !list.accepts(&code.iri) {
            out.add(
                format!("{subject} type"),
                format!(
                    "typed {} but that list does not accept it",
                    short(&code.list)
                ),
            );
            continue;
        }
        out.check(
            format!("{subject} sp:system"),
            list.system,
            code.system.as_deref(),
        );
        let identifier = list.system.and_then(|s| code.iri.strip_prefix(s));
        out.check(
            format!("{subject} identifier"),
            identifier,
            code.identifier.as_deref(),
        );
        if let Some(member) = list.member(&code.iri) {
            out.check(
                format!("{subject} title"),
                Some(member.title),
                code.title.as_deref(),
            );
        }
    }
}

/// Drops the deliberate differences, fails on stale [`DELIBERATE`] entries, and panics with
/// the full list of what remains.
fn finish(mismatches: Mismatches) {
    let mut used = BTreeSet::new();
    let mut remaining = Vec::new();
    for (subject, detail) in mismatches.0 {
        if DELIBERATE.iter().any(|(s, _)| *s == subject) {
            used.insert(subject);
        } else {
            remaining.push((subject, detail));
        }
    }
    let mut report = String::new();
    for (subject, detail) in &remaining {
        let _ = writeln!(report, "  {subject}: {detail}");
    }
    for (subject, _) in DELIBERATE {
        if !used.contains(*subject) {
            let _ = writeln!(
                report,
                "  {subject}: listed in DELIBERATE but no longer differs"
            );
        }
    }
    assert!(
        report.is_empty(),
        "smart-core's model disagrees with smart.owl ({} differences):\n{report}",
        report.lines().count()
    );
}

#[test]
fn model_agrees_with_the_ontology() {
    let Some(onto) = read_ontology() else { return };
    let mut mismatches = Mismatches::default();
    for (subject, detail) in &onto.problems {
        mismatches.add(format!("{subject} (reading the ontology)"), detail.clone());
    }
    compare_classes(&onto, &mut mismatches);
    compare_code_lists(&onto, &mut mismatches);
    compare_examples(&onto, &mut mismatches);
    finish(mismatches);
}

#[test]
fn totals_are_pinned() {
    let Some(onto) = read_ontology() else { return };
    let statement = format!("{SP}Statement");
    let onto_statements = onto
        .descendants(&statement)
        .iter()
        .filter(|c| onto.classes.contains_key(*c))
        .count();
    let onto_closed = onto.lists.values().filter(|l| l.members.is_some()).count();
    let onto_members: usize = onto
        .lists
        .values()
        .filter_map(|l| l.members.as_ref())
        .map(Vec::len)
        .sum();
    let ontology = (
        onto.classes.len(),
        onto_statements,
        onto.property_count(),
        onto.lists.len(),
        onto_closed,
        onto_members,
    );
    let core = (
        model::CLASSES.len(),
        model::statement_classes().count(),
        model::CLASSES.iter().map(|c| c.properties.len()).sum(),
        model::CODE_LISTS.len(),
        model::CODE_LISTS.iter().filter(|l| l.is_closed()).count(),
        model::CODE_LISTS.iter().map(|l| l.members.len()).sum(),
    );
    let pinned = (
        CLASSES,
        STATEMENT_CLASSES,
        PROPERTIES,
        CODE_LISTS,
        CLOSED_CODE_LISTS,
        MEMBERS,
    );
    // (classes, statement classes, property restrictions, code lists, closed lists, members)
    assert_eq!(ontology, pinned, "the ontology's totals");
    assert_eq!(core, pinned, "smart-core's totals");
    assert_eq!(onto.examples_parsed, PARSED_EXAMPLES);
    assert!(
        onto.example_codes.len() > 30,
        "{}",
        onto.example_codes.len()
    );
}

/// The reader itself finds what we know is there, so an empty or broken reading cannot pass
/// by agreeing with nothing.
#[test]
fn reader_spot_checks() {
    let Some(onto) = read_ontology() else { return };
    let prop = |class: &str, p: &str| {
        onto.classes
            .get(&format!("{SP}{class}"))
            .and_then(|c| c.props.get(p))
            .cloned()
            .unwrap_or_else(|| panic!("sp:{class} {p} not read"))
    };
    let severity = prop("Allergy", &format!("{SP}severity"));
    assert_eq!(severity.cardinality, Cardinality::One);
    assert_eq!(
        severity.range,
        ORange::CodedValue(format!("{SPCODE}AllergySeverity"))
    );
    let smoking = prop("SocialHistory", &format!("{SP}smokingStatus"));
    assert_eq!(
        smoking.range,
        ORange::CodedValue(format!("{SPCODE}SmokingStatus"))
    );
    assert_eq!(smoking.cardinality, Cardinality::ZeroOrOne);
    let size = prop("Document", &format!("{SP}fileSize"));
    assert_eq!(size.unit.as_deref(), Some("byte"));
    assert_eq!(size.range, ORange::Class(format!("{SP}ValueAndUnit")));
    let fidelity = prop("CodeProvenance", &format!("{SP}translationFidelity"));
    assert_eq!(
        fidelity.range,
        ORange::Individual(format!("{SPCODE}TranslationFidelity"))
    );
    let series = prop("ImagingStudy", &format!("{SP}series"));
    assert_eq!(series.cardinality, Cardinality::OneOrMore);
    let code_id = prop("Code", &format!("{}identifier", vocab::DCTERMS));
    assert_eq!(code_id.range, ORange::Literal(None));
    assert!(onto.problems.is_empty(), "{:?}", onto.problems);
    let status = &onto.lists[&format!("{SPCODE}LabResultStatus")];
    assert!(status.members.as_ref().is_some_and(|m| {
        m.iter()
            .all(|(iri, _)| iri.starts_with("http://smartplatforms.org/terms/codes/LabStatus#"))
    }));
    assert_eq!(namespace("http://a/b#c"), "http://a/b#");
    assert_eq!(namespace("http://a/b/c"), "http://a/b/");
    assert_eq!(local_name("http://a/b#C"), "C");
}

#[test]
fn deliberate_entries_are_well_formed() {
    let mut seen = BTreeSet::new();
    for (subject, reason) in DELIBERATE {
        assert!(seen.insert(*subject), "{subject} listed twice");
        assert!(reason.len() > 20, "{subject}: give a reason");
    }
}
