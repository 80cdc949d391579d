//! The SMART data model: classes, their properties (with range and cardinality), the
//! enumerated code lists and the code systems.
//!
//! The tables are our own Rust rendering of the facts of the 2014 SMART ontology
//! (`smart.owl`, May 2014): same IRIs, labels, plural names, base paths, cardinalities,
//! ranges, fixed units and code titles, since clients compare those. The descriptions are
//! ours. Nothing here reads a file at run time; the `owl_model` test of `smart-tests`
//! checks the tables against the ontology, both ways.
//!
//! Properties are listed on the class that declares them; [`effective_properties`] adds
//! the inherited ones, with a subclass restriction overriding its parent's for the same
//! property (Demographics tightens `foaf:gender` from 0..1 to 1).
//!
//! # How the ontology's restrictions are read
//!
//! - Cardinality: `owl:cardinality`/`owl:qualifiedCardinality` 1 is [`Cardinality::One`],
//!   `owl:maxCardinality`/`owl:maxQualifiedCardinality` 1 is [`Cardinality::ZeroOrOne`],
//!   `owl:minCardinality`/`owl:minQualifiedCardinality` 1 is [`Cardinality::OneOrMore`],
//!   and no cardinality restriction is [`Cardinality::ZeroOrMore`].
//! - Range: all the `owl:allValuesFrom`/`owl:onClass` restrictions on one property are
//!   merged. `sp:CodedValue` plus a nested `sp:code` restriction (or an
//!   `owl:intersectionOf` of the two, as on `sp:smokingStatus`) is [`Range::CodedValue`];
//!   a closed code list used directly is [`Range::Individual`]; `rdfs:Literal`, or no range
//!   at all on a datatype property, is `Range::Literal(None)`; an XSD datatype is
//!   `Range::Literal(Some(..))`; any other class is [`Range::Class`], including `sp:Code`
//!   itself (`sp:medicalRecordNumber`, `sp:Medication`'s `sp:provenance`). A nested
//!   `owl:hasValue` on `sp:unit` is [`PropertyDef::fixed_unit`].
//!
//! # Deliberate decisions
//!
//! Where the ontology is silent or contradicts itself, we decided as follows.
//!
//! 1. **Photograph base path.** The ontology gives
//!    `/records/{record_id}/photographs/{photographs}`; every other item path names its variable `{<item>_id}`, so we use
//!    `/records/{record_id}/photographs/{photograph_id}`. (The fetch call itself is
//!    `/records/{record_id}/photograph`, from the API catalog, and is unaffected.)
//! 2. **LabResultStatus members stay in the `LabStatus#` namespace**
//!    (`http://smartplatforms.org/terms/codes/LabStatus#final`), unlike every other SMART
//!    list whose namespace is its own name: clients compare these IRIs, so we keep them.
//! 3. **SocialHistory smoking status follows the code list**, the five SNOMED CT codes of
//!    `spcode:SmokingStatus`, not the six "LOINC" codes the class comment mentions.
//! 4. **Demographics tightens `foaf:gender` and `v:bday` to exactly one**, overriding the
//!    0..1 of `sp:Person` and `v:VCard`; [`effective_properties`] applies the override.
//! 5. **Labels of unlabelled classes.** Most components and all code lists have no
//!    `rdfs:label`; their label here is the local name of the IRI (`ValueAndUnit`,
//!    `RxNorm_Semantic`), never an invented phrase.
//! 6. **Member identifiers and systems.** The ontology's code individuals carry only a
//!    title; their `dcterms:identifier` is the IRI minus the list's system prefix, and the
//!    system is that prefix (as the ontology's examples write `sp:system`).
//! 7. **Open lists' systems** come from the ontology's comments and examples: NDF-RT
//!    `http://purl.bioontology.org/ontology/NDFRT/`, UNII `http://fda.gov/UNII/`, CVX and
//!    the CDC vaccine groups as in [`CODE_SYSTEMS`]. `spcode:MedicalRecordNumber` has no
//!    system: medical record numbers use a local system string.
//! 8. **vCard label classes** (`v:Pref`, `v:Home`, `v:Work`, `v:Cell`) are also declared
//!    subclasses of the anonymous union `v:Address ∪ v:Tel`; only the named parent
//!    `sp:VCardLabels` is listed in [`ClassDef::parents`].
//! 9. **Same property, different ranges.** `sp:provenance` ranges over `sp:CodeProvenance`
//!    on `sp:CodedValue` but over `sp:Code` on `sp:Medication`; both are kept per class.
//! 10. **`sp:Statement` and `sp:Panel` count as statement classes** ([`ClassDef::is_statement`]
//!     is true for them), though they are abstract and have no REST path.
//! 11. **UCUM** gets the prefix `http://unitsofmeasure.org/` in [`CODE_SYSTEMS`]; SMART only
//!     ever writes UCUM units as literal strings.
//! 12. **ImmunizationProduct is CVX.** Its comment and the example's IRI use the CVX
//!     namespace (`...vaccines.asp?rpt=cvx#`), while the Immunization example writes the
//!     vaccine-group system (`rpt=vg#`) in `sp:system`; we follow the IRI.
//! 13. **Modality codes are `spcode:ModalityType`.** The ImagingStudy example types its
//!     `ModalityType#MR` code as `spcode:DocumentType`; the `sp:modality` restriction, which
//!     we follow, requires `spcode:ModalityType`.

mod classes;
mod codes;
#[cfg(test)]
mod tests;

pub use classes::CLASSES;
pub use codes::{CODE_LISTS, CODE_SYSTEMS};

use crate::vocab;

/// How many values a property may have on one node.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Cardinality {
    /// Exactly one (`owl:cardinality 1`).
    One,
    /// At most one (`owl:maxCardinality 1`).
    ZeroOrOne,
    /// At least one (`owl:minCardinality 1`).
    OneOrMore,
    /// Any number (no cardinality restriction).
    ZeroOrMore,
}

impl Cardinality {
    /// The minimum number of values.
    pub fn min(self) -> usize {
        match self {
            Self::One | Self::OneOrMore => 1,
            Self::ZeroOrOne | Self::ZeroOrMore => 0,
        }
    }

    /// The maximum number of values, `None` for unbounded.
    pub fn max(self) -> Option<usize> {
        match self {
            Self::One | Self::ZeroOrOne => Some(1),
            Self::OneOrMore | Self::ZeroOrMore => None,
        }
    }

    /// The usual UML notation: `1`, `0..1`, `1..*`, `0..*`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::One => "1",
            Self::ZeroOrOne => "0..1",
            Self::OneOrMore => "1..*",
            Self::ZeroOrMore => "0..*",
        }
    }
}

impl std::fmt::Display for Cardinality {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What the values of a property must be.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Range {
    /// A literal. `Some(datatype)` when the model names one (e.g. `xsd:anyURI`).
    Literal(Option<&'static str>),
    /// A node of this class (or a subclass).
    Class(&'static str),
    /// An `sp:CodedValue` whose `sp:code` must be a member of this code list (a class IRI
    /// of [`CODE_LISTS`]).
    CodedValue(&'static str),
    /// A code node itself (typed `sp:Code` plus this code list class).
    Code(&'static str),
    /// An individual of this code list used directly as the value (no CodedValue wrapper),
    /// e.g. `sp:translationFidelity`.
    Individual(&'static str),
}

/// One property restriction declared on a class.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct PropertyDef {
    /// Full IRI of the property.
    pub iri: &'static str,
    /// How many values a node of the class has.
    pub cardinality: Cardinality,
    /// What the values are.
    pub range: Range,
    /// For value-and-unit properties whose unit the model fixes (`owl:hasValue` on
    /// `sp:unit`), the UCUM unit.
    pub fixed_unit: Option<&'static str>,
}

impl PropertyDef {
    /// A property definition; used to build the static tables.
    pub const fn new(iri: &'static str, cardinality: Cardinality, range: Range) -> Self {
        Self {
            iri,
            cardinality,
            range,
            fixed_unit: None,
        }
    }

    /// The same definition with a fixed unit.
    pub const fn with_fixed_unit(mut self, unit: &'static str) -> Self {
        self.fixed_unit = Some(unit);
        self
    }
}

/// One class of the model.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct ClassDef {
    /// Full IRI.
    pub iri: &'static str,
    /// Human label (`rdfs:label`).
    pub label: &'static str,
    /// Plural label (`api:namePlural`), for statement classes that have collections.
    pub plural: Option<&'static str>,
    /// Direct named superclasses.
    pub parents: &'static [&'static str],
    /// For record items: the REST path template of one item (`api:base_path`), e.g.
    /// `/records/{record_id}/allergies/{allergy_id}`.
    pub base_path: Option<&'static str>,
    /// Properties restricted on this class itself (inherited ones are not repeated).
    pub properties: &'static [PropertyDef],
    /// A one-line description in our own words.
    pub description: &'static str,
}

impl ClassDef {
    /// True for clinical statements (subclasses of `sp:Statement`), the items of a record.
    pub fn is_statement(&self) -> bool {
        is_subclass_of(self.iri, vocab_sp_statement())
    }

    /// The restriction this class itself declares on `property` (inherited ones are not
    /// searched; see [`effective_property`]).
    pub fn own_property(&self, property: &str) -> Option<&'static PropertyDef> {
        self.properties.iter().find(|p| p.iri == property)
    }
}

/// One enumerated or open code list (an `spcode:` class).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct CodeList {
    /// Full IRI of the list class, e.g. `spcode:AllergySeverity`.
    pub iri: &'static str,
    /// Its direct parent (`sp:Code` or another list, e.g. `spcode:SNOMED`).
    pub parent: &'static str,
    /// Human label.
    pub label: &'static str,
    /// The namespace that member IRIs start with (`sp:system` of its codes), when the list
    /// has one.
    pub system: Option<&'static str>,
    /// Members of a closed list; empty for an open list (any code of the system).
    pub members: &'static [CodeMember],
}

impl CodeList {
    /// True when only [`CodeList::members`] are allowed.
    pub fn is_closed(&self) -> bool {
        !self.members.is_empty()
    }

    /// The member with this IRI.
    pub fn member(&self, iri: &str) -> Option<&'static CodeMember> {
        self.members.iter().find(|m| m.iri == iri)
    }

    /// The member with this `dcterms:identifier`.
    pub fn member_by_identifier(&self, identifier: &str) -> Option<&'static CodeMember> {
        self.members.iter().find(|m| m.identifier == identifier)
    }

    /// Whether a code with this IRI may be used where this list is required: for a closed
    /// list, one of its members; for an open list, any IRI of its system (system prefix
    /// followed by a non-empty identifier), or any non-empty IRI when the list has no
    /// system. An open list narrowed by a comment only (e.g. `spcode:Procedure`, the SNOMED
    /// CT procedure hierarchy) cannot be checked further without the terminology.
    pub fn accepts(&self, iri: &str) -> bool {
        if self.is_closed() {
            return self.member(iri).is_some();
        }
        match self.system {
            Some(system) => iri.len() > system.len() && iri.starts_with(system),
            None => !iri.is_empty(),
        }
    }
}

/// One member of a closed code list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct CodeMember {
    /// Full IRI (system + identifier).
    pub iri: &'static str,
    /// `dcterms:identifier`.
    pub identifier: &'static str,
    /// `dcterms:title`, exactly as clients compare it.
    pub title: &'static str,
}

impl CodeMember {
    /// A member; used to build the static tables.
    pub const fn new(iri: &'static str, identifier: &'static str, title: &'static str) -> Self {
        Self {
            iri,
            identifier,
            title,
        }
    }
}

/// An external or SMART code system with the IRI prefix its concepts use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct CodeSystem {
    /// Short name, e.g. `RxNorm`.
    pub name: &'static str,
    /// Concept IRIs are this prefix followed by the identifier.
    pub prefix: &'static str,
}

fn vocab_sp_statement() -> &'static str {
    crate::sp!("Statement")
}

/// The class with this IRI.
pub fn class(iri: &str) -> Option<&'static ClassDef> {
    CLASSES.iter().find(|c| c.iri == iri)
}

/// The code list with this IRI.
pub fn code_list(iri: &str) -> Option<&'static CodeList> {
    CODE_LISTS.iter().find(|c| c.iri == iri)
}

/// The closed code list that has a member with this IRI, and that member.
pub fn code_member(iri: &str) -> Option<(&'static CodeList, &'static CodeMember)> {
    CODE_LISTS
        .iter()
        .find_map(|list| list.member(iri).map(|m| (list, m)))
}

/// The classes that are clinical statements (record items).
pub fn statement_classes() -> impl Iterator<Item = &'static ClassDef> {
    CLASSES.iter().filter(|c| c.is_statement())
}

/// True if `sub` is `sup` or a (transitive) subclass of it, among classes and code lists.
pub fn is_subclass_of(sub: &str, sup: &str) -> bool {
    if sub == sup {
        return true;
    }
    if let Some(c) = class(sub) {
        return c.parents.iter().any(|p| is_subclass_of(p, sup));
    }
    if let Some(l) = code_list(sub) {
        return is_subclass_of(l.parent, sup);
    }
    false
}

/// All properties that apply to nodes of `class`, own and inherited. When a class and an
/// ancestor restrict the same property, the most specific restriction wins.
pub fn effective_properties(class_iri: &str) -> Vec<PropertyDef> {
    let mut out: Vec<PropertyDef> = Vec::new();
    collect_properties(class_iri, &mut out);
    out
}

/// The definition of `property` that applies to nodes of `class`: the class's own
/// restriction if it has one, else the first one found among its ancestors (parents in
/// order, depth first), as in [`effective_properties`].
pub fn effective_property(class_iri: &str, property_iri: &str) -> Option<PropertyDef> {
    effective_properties(class_iri)
        .into_iter()
        .find(|p| p.iri == property_iri)
}

fn collect_properties(class_iri: &str, out: &mut Vec<PropertyDef>) {
    let Some(c) = class(class_iri) else { return };
    for p in c.properties {
        if !out.iter().any(|q| q.iri == p.iri) {
            out.push(*p);
        }
    }
    for parent in c.parents {
        collect_properties(parent, out);
    }
}

/// The most specific statement class among `types` (the `rdf:type`s of one node), if any.
/// For a node typed both `sp:Document` and `sp:ClinicalNote`, that is `sp:ClinicalNote`.
pub fn statement_class_of<'a, I>(types: I) -> Option<&'static ClassDef>
where
    I: IntoIterator<Item = &'a str>,
{
    let candidates: Vec<&'static ClassDef> = types
        .into_iter()
        .filter_map(class)
        .filter(|c| c.is_statement())
        .collect();
    candidates
        .iter()
        .find(|c| {
            !candidates
                .iter()
                .any(|o| o.iri != c.iri && is_subclass_of(o.iri, c.iri))
        })
        .copied()
}

/// The code system whose prefix starts `iri`, preferring the longest prefix.
pub fn code_system_of(iri: &str) -> Option<&'static CodeSystem> {
    CODE_SYSTEMS
        .iter()
        .filter(|s| iri.starts_with(s.prefix))
        .max_by_key(|s| s.prefix.len())
}

/// Compact form of an IRI for messages (`sp:Allergy`).
pub fn display(iri: &str) -> String {
    vocab::compact(iri)
}
