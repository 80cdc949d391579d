//! Recognising a document written in a SMART vocabulary older than 0.6.
//!
//! Files contributed for SMART 0.3–0.5 (the original sample-patient repository ships a
//! few) use classes, properties and code namespaces that 0.6 renamed or dropped. Checked
//! against 0.6, such a file gives one finding per unknown term and per node (hundreds of
//! lines), none of which says what is really wrong. So [`evidence`] looks for the terms
//! that mark an older vocabulary, and the validator then reports one
//! [`Rule::OlderVocabulary`](super::Rule::OlderVocabulary) error naming them, keeping
//! the other findings as details.
//!
//! Only terms that the 0.6 model does not know are markers (a test checks this), so a
//! valid 0.6 document never matches; a typo such as `sp:Medicaton` is no marker either.

use std::collections::BTreeSet;

use oxrdf::{Graph, NamedOrBlankNodeRef, TermRef};
use smart_core::{sp, vocab};

use super::index::RDF_TYPE;

/// Classes and properties of SMART vocabularies before 0.6, with what 0.6 uses instead.
pub(super) const OLDER_TERMS: &[(&str, &str)] = &[
    // Classes.
    (sp!("AllergyException"), "sp:AllergyExclusion"),
    (sp!("ResultRange"), "sp:ValueRange"),
    (sp!("VitalSigns"), "sp:VitalSignSet"),
    // Properties.
    (sp!("onset"), "sp:startDate"),
    (sp!("resolution"), "sp:endDate"),
    (sp!("exception"), "sp:allergyExclusionName"),
    (sp!("specimenCollected"), "dcterms:date"),
    (sp!("startTime"), "dcterms:date"),
    (sp!("zipcode"), "v:adr with v:postal-code"),
    (sp!("birthday"), "v:bday"),
];

/// Code namespaces of older vocabularies, with the 0.6 namespace of the same system.
pub(super) const OLDER_CODE_NAMESPACES: &[(&str, &str)] = &[
    (
        "http://www.ihtsdo.org/snomed-ct/concepts/",
        "http://purl.bioontology.org/ontology/SNOMEDCT/",
    ),
    (
        "http://loinc.org/codes/",
        "http://purl.bioontology.org/ontology/LNC/",
    ),
];

/// The markers of an older vocabulary found in the graph, each as
/// `term (0.6: replacement)`: classes, then properties, then code namespaces, in table
/// order; empty for a 0.6 document.
pub(super) fn evidence(graph: &Graph) -> Vec<String> {
    let mut terms: BTreeSet<usize> = BTreeSet::new();
    let mut namespaces: BTreeSet<usize> = BTreeSet::new();
    let mut note_term = |iri: &str| {
        if let Some(i) = OLDER_TERMS.iter().position(|(old, _)| *old == iri) {
            terms.insert(i);
        }
    };
    let mut note_iri = |iri: &str| {
        if let Some(i) = OLDER_CODE_NAMESPACES
            .iter()
            .position(|(old, _)| iri.starts_with(old))
        {
            namespaces.insert(i);
        }
    };
    for t in graph {
        note_term(t.predicate.as_str());
        if let TermRef::NamedNode(object) = t.object {
            if t.predicate.as_str() == RDF_TYPE {
                note_term(object.as_str());
            }
            note_iri(object.as_str());
        }
        if let NamedOrBlankNodeRef::NamedNode(subject) = t.subject {
            note_iri(subject.as_str());
        }
    }
    let terms = terms.into_iter().map(|i| {
        let (old, now) = OLDER_TERMS[i];
        format!("{} (0.6: {now})", vocab::compact(old))
    });
    let namespaces = namespaces.into_iter().map(|i| {
        let (old, now) = OLDER_CODE_NAMESPACES[i];
        format!("codes under <{old}…> (0.6: <{now}…>)")
    });
    terms.chain(namespaces).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use smart_core::model;

    #[test]
    fn markers_are_unknown_to_the_0_6_model() {
        for (term, _) in OLDER_TERMS {
            assert!(model::class(term).is_none(), "{term} is a 0.6 class");
            assert!(
                model::code_list(term).is_none(),
                "{term} is a 0.6 code list"
            );
            for class in model::CLASSES {
                assert!(
                    class.properties.iter().all(|p| p.iri != *term),
                    "{term} is a property of {}",
                    class.iri
                );
            }
        }
        for (namespace, now) in OLDER_CODE_NAMESPACES {
            for system in model::CODE_SYSTEMS {
                assert!(
                    !system.prefix.starts_with(namespace) && !namespace.starts_with(system.prefix),
                    "{namespace} overlaps the 0.6 system {}",
                    system.name
                );
            }
            assert!(
                model::CODE_SYSTEMS.iter().any(|s| s.prefix == *now),
                "{now} is a 0.6 code system"
            );
        }
    }
}
